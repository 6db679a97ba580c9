"""Side virtual environments for tests: :func:`tools/venvs.cached_venv`, but a build that
pip cannot do (no network, no wheel) skips the calling test with pip's reason."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import venvs  # noqa: E402
from venvs import CACHE_ROOT, locked, venv_python  # noqa: E402, F401  (re-exported)


def cached_venv(name: str, requirements, **options) -> Path:
    """Python of the cached environment (see :func:`venvs.cached_venv`); skip if pip fails."""
    try:
        return venvs.cached_venv(name, requirements, **options)
    except venvs.VenvBuildError as error:
        pytest.skip(str(error))

"""Notebook test policy on top of nbval (``--nbval-lax``: run every cell, compare no output).

* Solutions must pass every exercise check, untouched labs must show "not attempted" for
  every check: we tell the kernel through ``RISKLAB_EXPECT`` (read by mesa_models.checks).
* In labs, a cell tagged ``raises-exception`` (by tools/make_labs.py) may fail only with
  the stub's ``NotImplementedError``; any other error there is a real bug.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

EXPECTED_VERDICT = {"solutions": "pass", "labs": "not attempted"}


def _notebook_folder(item: pytest.Item) -> str | None:
    path = Path(str(item.fspath))
    return path.parent.name if path.suffix == ".ipynb" else None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Runs before nbval starts the notebook's kernel, which inherits this environment.
    folder = _notebook_folder(item)
    if folder is None:
        return
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    if folder in EXPECTED_VERDICT:
        os.environ["RISKLAB_EXPECT"] = EXPECTED_VERDICT[folder]
    else:
        os.environ.pop("RISKLAB_EXPECT", None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    if _notebook_folder(item) != "labs" or not getattr(item, "options", {}).get("check_exception"):
        return result
    for output in getattr(item, "test_outputs", None) or []:
        name = output.get("ename")
        if name and name != "NotImplementedError":
            pytest.fail(
                f"{item.name}: this lab cell may only raise the stub's NotImplementedError, "
                f"but raised {name}: {output.get('evalue')}",
                pytrace=False,
            )
    return result

"""Notebook test policy on top of nbval (``--nbval-lax``: run every cell, compare no output).

* Solutions must pass every exercise check, untouched labs must show "not attempted" for
  every check: we tell the kernel through ``RISKLAB_EXPECT`` (read by mesa_models.checks).
* In labs, a cell tagged ``raises-exception`` (by tools/make_labs.py) may fail only with
  the stub's ``NotImplementedError``; any other error there is a real bug.
* Kernel start is retried: when several processes start kernels at once (``pytest -n 2``,
  a browser test beside it) a kernel can die on a port taken by another, or not answer;
  nbval's start then fails after ``--nbval-kernel-startup-timeout`` seconds, and we try
  again (up to :data:`KERNEL_START_ATTEMPTS` times) instead of failing the notebook.

This file sits at the repository root, not in tests/: pytest calls a conftest's
``pytest_runtest_*`` hooks only for items under its folder, and the notebooks live in
lessons/, solutions/, labs/ and instructors/.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))

ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXPECTED_VERDICT = {"solutions": "pass", "labs": "not attempted"}
KERNEL_START_ATTEMPTS = 3


def _retrying(start):
    """Wrap nbval's ``start_new_kernel`` so that a failed or silent start is tried again."""

    def start_new_kernel(*args, **kwargs):
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            try:
                return start(*args, **kwargs)
            except RuntimeError as error:
                if attempt == KERNEL_START_ATTEMPTS:
                    raise
                print(
                    f"\nkernel start failed ({error}); attempt {attempt + 1} of {KERNEL_START_ATTEMPTS}",
                    file=sys.stderr,
                )

    start_new_kernel.retrying = True
    return start_new_kernel


try:
    import nbval.kernel as _nbval_kernel
except ImportError:  # nbval not installed: no notebook items to guard
    _nbval_kernel = None
if _nbval_kernel is not None and not getattr(_nbval_kernel.start_new_kernel, "retrying", False):
    _nbval_kernel.start_new_kernel = _retrying(_nbval_kernel.start_new_kernel)


def _notebook_folder(item: pytest.Item) -> str | None:
    path = Path(str(item.fspath))
    return path.parent.name if path.suffix == ".ipynb" else None


def _from_stub(error: dict) -> bool:
    """Whether an error output comes from a stub: a ``NotImplementedError``, or an error
    raised while handling one (Mesa wraps a failing reporter in a ``RuntimeError``)."""
    if error.get("ename") == "NotImplementedError":
        return True
    text = ANSI.sub("", "\n".join(error.get("traceback", [])))
    return re.search(r"^NotImplementedError\b", text, flags=re.M) is not None  # a cause


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
        if name and not _from_stub(output):
            pytest.fail(
                f"{item.name}: this lab cell may only raise the stub's NotImplementedError, "
                f"but raised {name}: {output.get('evalue')}",
                pytrace=False,
            )
    return result

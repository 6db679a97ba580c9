"""The lab generator (tools/make_labs.py) and the notebook harness that runs its labs.

Fixture notebooks are built here with nbformat. The generator must turn solution blocks
into hinted stubs, tag cells that necessarily fail, replace markdown answers and drop
``solution-only`` cells; malformed markers are a ``MarkerError`` naming notebook, cell
and line. Then the real harness (pytest + nbval + conftest.py, with the project's
pytest options) runs generated labs in a subprocess: a good lab passes, a stray error
in an untagged cell fails, and a tolerated cell that raises anything but the stub's
``NotImplementedError`` fails too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import make_labs  # noqa: E402
import notebooks as nbs  # noqa: E402
from make_labs import DEFAULT_HINT, MD_PROMPT, TOLERATED_TAG, MarkerError, make_lab  # noqa: E402

CHECK_CELL = """from mesa_models.checks import expect, run_check


def check_double(f):
    def test():
        expect(f(2) == 4, f"double(2) should be 4, got {f(2)!r}")
    return run_check("Exercise 1 — double", test, hint="multiply by two")"""


def code(source: str, *tags: str):
    return new_code_cell(source, metadata={"tags": list(tags)} if tags else {})


def solution_notebook(*extra_cells):
    """A small but complete solution notebook (cells after the 7 standard ones: ``extra_cells``)."""
    nb = new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    nb.cells = [
        new_markdown_cell("# Fixture lab"),
        code(CHECK_CELL),
        code(
            "def double(x):\n    # BEGIN SOLUTION: multiply x by 2\n    return 2 * x\n    # END SOLUTION"
        ),
        code("check_double(double)"),
        code("result = double(21)\nprint(result)", "lab-raises"),
        new_markdown_cell(
            "Why? <!-- BEGIN SOLUTION -->Because it doubles.<!-- END SOLUTION --> Done."
        ),
        code("assert double(3) == 6", "solution-only"),
        code("# BEGIN SOLUTION\nanswer = double(5)\n# END SOLUTION\nprint(answer)"),
        *extra_cells,
    ]
    return nb


# -- the generator -----------------------------------------------------------------------------


def test_stub_keeps_signature_indentation_and_hint() -> None:
    lab = make_lab(solution_notebook(), "fixture")
    assert lab.cells[2].source == (
        "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError('multiply x by 2')"
    )


def test_top_level_stub_uses_the_default_hint_and_is_tolerated() -> None:
    cell = make_lab(solution_notebook(), "fixture").cells[6]
    assert (
        cell.source
        == f"# YOUR CODE HERE\nraise NotImplementedError({DEFAULT_HINT!r})\nprint(answer)"
    )
    assert cell.metadata["tags"] == [TOLERATED_TAG]


def test_lab_raises_becomes_raises_exception() -> None:
    cell = make_lab(solution_notebook(), "fixture").cells[4]
    assert cell.source == "result = double(21)\nprint(result)"
    assert cell.metadata["tags"] == [TOLERATED_TAG]


def test_other_cells_untouched_and_untagged() -> None:
    solution = solution_notebook()
    lab = make_lab(solution, "fixture")
    for index in (0, 1, 3):
        assert lab.cells[index] == solution.cells[index]
        assert "tags" not in lab.cells[index].metadata


def test_markdown_answer_replaced() -> None:
    cell = make_lab(solution_notebook(), "fixture").cells[5]
    assert cell.source == f"Why? {MD_PROMPT} Done."


def test_solution_only_dropped_and_solution_unchanged() -> None:
    solution = solution_notebook()
    before = nbformat.writes(solution)
    lab = make_lab(solution, "fixture")
    assert len(lab.cells) == len(solution.cells) - 1
    assert not any("assert double(3)" in c.source for c in lab.cells)
    assert not any("2 * x" in c.source or "Because it doubles" in c.source for c in lab.cells)
    assert nbformat.writes(solution) == before


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "x = 1\n# END SOLUTION",
            r"fixture, cell 8, line 2: '# END SOLUTION' without a matching BEGIN",
        ),
        (
            "def f():\n    # BEGIN SOLUTION\n    return 1",
            r"fixture, cell 8, line 2: '# BEGIN SOLUTION' without '# END SOLUTION'",
        ),
        (
            "# BEGIN SOLUTION\nx = 1\n# BEGIN SOLUTION: again\n# END SOLUTION",
            r"fixture, cell 8, line 3: nested '# BEGIN SOLUTION' \(the one on line 1",
        ),
    ],
)
def test_malformed_code_markers(source: str, message: str) -> None:
    with pytest.raises(MarkerError, match=message):
        make_lab(solution_notebook(code(source)), "fixture")


def test_malformed_markdown_marker() -> None:
    bad = new_markdown_cell("Answer: <!-- BEGIN SOLUTION --> forty-two")
    with pytest.raises(MarkerError, match=r"fixture, cell 8: '<!-- BEGIN SOLUTION -->' without"):
        make_lab(solution_notebook(bad), "fixture")


def test_check_mode_reports_stale_lab(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nbs, "ROOT", tmp_path)  # badges are relative to the repository root
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    solution = tmp_path / "solutions" / "99_fixture_lab.ipynb"
    solution.parent.mkdir()
    nb = solution_notebook()
    nb.cells[0].source += f"\n\n{nbs.BADGES_START}\n{nbs.BADGES_END}"
    nb.cells.insert(1, code("# setup", nbs.SETUP_TAG))
    nbs.write(nb, solution)
    assert make_labs.main(["--check", str(solution)]) == 1  # no lab yet
    assert make_labs.main([str(solution)]) == 0  # generate
    lab = tmp_path / "labs" / solution.name
    assert lab.exists() and make_labs.main(["--check", str(solution)]) == 0
    lab.write_text(lab.read_text().replace("multiply x by 2", "edited by hand"))
    assert make_labs.main(["--check", str(solution)]) == 1
    assert f"out of date: {lab}" in capsys.readouterr().out


# -- the harness on generated labs -------------------------------------------------------------


def run_harness(
    tmp_path: Path, notebooks: dict[str, nbformat.NotebookNode]
) -> subprocess.CompletedProcess:
    """Run pytest with the project's options and conftest.py on ``notebooks``
    (``{"labs/x.ipynb": nb}``) in ``tmp_path``."""
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    for rel, nb in notebooks.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        nbs.write(nb, path)
    env = {k: v for k, v in os.environ.items() if k not in ("RISKLAB_EXPECT", "PYTEST_ADDOPTS")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "-q",
            "-rf",
            "-p",
            "no:randomly",
            *notebooks,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def failed_cells(result: subprocess.CompletedProcess) -> set[str]:
    return set(re.findall(r"^FAILED (\S+::Cell \d+)", result.stdout, flags=re.M))


def test_harness_passes_a_good_solution_and_its_lab(tmp_path: Path) -> None:
    solution = solution_notebook()
    result = run_harness(
        tmp_path, {"solutions/f_lab.ipynb": solution, "labs/f_lab.ipynb": make_lab(solution, "f")}
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert re.search(r"\b11 passed\b", result.stdout), result.stdout[
        -1000:
    ]  # 6 solution + 5 lab code cells


def test_harness_reports_stray_and_wrong_errors_in_a_lab(tmp_path: Path) -> None:
    stray = code("double(1)  # calls the stub, but nobody tagged it lab-raises")
    wrong = code(
        "try:\n    value = double(4)\nexcept NotImplementedError:\n    value = None\nvalue + 1",
        "lab-raises",
    )
    solution = solution_notebook(stray, wrong)
    lab = make_lab(solution, "f")
    code_cells = [i for i, c in enumerate(lab.cells) if c.cell_type == "code"]
    assert lab.cells[code_cells[-1]].metadata["tags"] == [TOLERATED_TAG]
    result = run_harness(tmp_path, {"solutions/f_lab.ipynb": solution, "labs/f_lab.ipynb": lab})
    assert result.returncode == 1, result.stdout[-3000:]
    # nbval numbers the code cells 0, 1, ...: the stray and the wrong cell are the last two
    n = len(code_cells)
    assert failed_cells(result) == {
        f"labs/f_lab.ipynb::Cell {n - 2}",
        f"labs/f_lab.ipynb::Cell {n - 1}",
    }, result.stdout[-3000:]
    assert "may only raise the stub's NotImplementedError, but raised TypeError" in result.stdout

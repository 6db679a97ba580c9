"""tools/grade_labs.py: verdicts read back exactly as the checks print them, and three real
submissions of the Unit 00 lab graded end to end (the solution, the untouched lab, and the
solution with one wrong answer), through the command line and its CSV.

The end-to-end test executes three notebooks (about 15 s each on one core)."""

from __future__ import annotations

import copy
import csv
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_output

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import grade_labs as gl  # noqa: E402
import notebooks as nbs  # noqa: E402

from mesa_models.checks import Verdict  # noqa: E402

SOLUTION = ROOT / "solutions" / "00_welcome_lab.ipynb"
LAB = ROOT / "labs" / "00_welcome_lab.ipynb"
RIGHT = "return sum(robot.in_preferred_lane for robot in model.agents) / len(model.agents)"
WRONG = "return sum(robot.in_preferred_lane for robot in model.agents) / 12"  # default size


def shown(verdict: Verdict) -> nbformat.NotebookNode:
    """The output a check cell shows for ``verdict`` (as IPython displays it)."""
    return new_output(
        "execute_result",
        data={"text/plain": repr(verdict), "text/html": verdict._repr_html_()},
        execution_count=1,
    )


@pytest.mark.parametrize("status", gl.STATUSES)
def test_every_status_reads_back(status: str) -> None:
    title = "Exercise 2 — a new reporter: shares"  # a colon in the title, too
    exercise, got, message = gl.parse_verdict(
        repr(Verdict(title, status, "expected 0.5, got 3", "Hint."))
    )
    assert (exercise, got) == (title, status)
    assert message == "expected 0.5, got 3" and "Hint" not in message


def test_multi_line_messages_are_joined() -> None:
    verdict = Verdict("Exercise 1", "incorrect", "first line\nsecond line", "a hint")
    assert gl.parse_verdict(repr(verdict)) == ("Exercise 1", "incorrect", "first line second line")


@pytest.mark.parametrize("text", ["", "42", "Exercise 1: done", "<mesa_models.Foo at 0x1>"])
def test_other_output_is_not_a_verdict(text: str) -> None:
    assert gl.parse_verdict(text) is None


def test_parse_verdict_refuses_non_text() -> None:
    with pytest.raises(TypeError, match="text/plain"):
        gl.parse_verdict(None)


def executed(solution: nbformat.NotebookNode, outputs: dict) -> nbformat.NotebookNode:
    """``solution`` as if executed: each check cell gets ``outputs[check]`` (a list of
    outputs), or is removed when that is None."""
    nb = copy.deepcopy(solution)
    cells = []
    for cell in nb.cells:
        name = gl.lab_structure.check_name(cell.source) if cell.cell_type == "code" else None
        if name in outputs:
            if outputs[name] is None:
                continue
            cell.outputs = outputs[name]
        cells.append(cell)
    nb.cells = cells
    return nb


def test_grade_executed_reads_each_check_cell() -> None:
    nb = executed(
        nbs.read(SOLUTION),
        {
            "check_exercise_1": [shown(Verdict("Exercise 1", "correct"))],
            "check_exercise_2": [
                new_output("error", ename="NameError", evalue="name 'f' is not defined")
            ],
            "check_exercise_3": None,  # the student deleted the check cell
        },
    )
    rows = gl.grade_executed(nb, "carol.ipynb", "00")
    assert [(r.check, r.status) for r in rows] == [
        ("check_exercise_1", "correct"),
        ("check_exercise_2", "error"),
        ("check_exercise_3", "missing"),
    ]
    assert "NameError" in rows[1].message and "no cell calls" in rows[2].message


def test_a_check_cell_stopped_at_the_time_limit_is_an_error() -> None:
    stopped = new_output("error", ename="KeyboardInterrupt", evalue="", traceback=[])
    nb = executed(nbs.read(SOLUTION), {"check_exercise_3": [stopped]})
    (row,) = [r for r in gl.grade_executed(nb, "slow.ipynb", "00") if r.status == "error"]
    assert row.check == "check_exercise_3" and "time limit" in row.message


def test_a_check_cell_without_a_verdict_is_missing_and_the_last_call_counts() -> None:
    nb = executed(nbs.read(SOLUTION), {"check_exercise_1": []})
    nb.cells.append(new_code_cell("check_exercise_2(share_on_own_side)"))
    nb.cells[-1].outputs = [shown(Verdict("Exercise 2", "error", "ZeroDivisionError: x"))]
    rows = {r.check: r for r in gl.grade_executed(nb, "dave.ipynb", "00")}
    assert rows["check_exercise_1"].status == "missing"
    assert rows["check_exercise_1"].message == "no verdict shown"
    assert (rows["check_exercise_2"].status, rows["check_exercise_2"].message) == (
        "error",
        "ZeroDivisionError: x",
    )


def test_every_lab_has_checks_to_grade_and_none_is_flagged() -> None:
    for unit in (f"{n:02d}" for n in range(12)):
        assert len(gl.expected_checks(unit)) >= 3, unit
        (solution,) = (ROOT / "solutions").glob(f"{unit}_*.ipynb")
        notes = [r.note for r in gl.grade_executed(nbs.read(solution), "s.ipynb", unit) if r.note]
        assert not notes, f"{solution.name}: the course's own notebook is flagged: {notes}"


@pytest.mark.parametrize(
    ("name", "lab", "expected"),
    [
        ("03_collusion_lab.ipynb", None, "03"),
        ("alice.ipynb", "11", "11"),
        ("07_x.ipynb", "02", "02"),
    ],
)
def test_lab_of(name: str, lab: str | None, expected: str) -> None:
    assert gl.lab_of(Path(name), lab) == expected


@pytest.mark.parametrize(
    ("name", "lab", "error"),
    [("alice.ipynb", None, "pass --lab NN"), ("a.ipynb", "3", "two digits"), ("a.ipynb", 3, "two")],
)
def test_lab_of_refuses(name: str, lab, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        gl.lab_of(Path(name), lab)


def test_grade_refuses_bad_input(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="non-empty list"):
        gl.grade([])
    with pytest.raises(TypeError, match="non-empty list"):
        gl.grade(SOLUTION)
    with pytest.raises(ValueError, match="timeout"):
        gl.grade([SOLUTION], timeout=0)
    with pytest.raises(ValueError, match="not a notebook"):
        gl.grade([ROOT / "README.md"])
    stray = tmp_path / "99_unknown.ipynb"
    stray.write_text(SOLUTION.read_text())
    with pytest.raises(ValueError, match="no lab 99"):
        gl.grade([stray])


def test_a_redefined_check_is_noted() -> None:
    nb = executed(
        nbs.read(SOLUTION), {"check_exercise_1": [shown(Verdict("Exercise 1", "correct"))]}
    )
    fake = "def check_exercise_1(anything):\n    return 'Exercise 1: ✔ Correct'"
    nb.cells.insert(4, new_code_cell(fake))
    nb.cells.insert(5, new_code_cell("check_exercise_3 = lambda f: None"))
    notes = {r.check: r.note for r in gl.grade_executed(nb, "eve.ipynb", "00")}
    assert notes == {
        "check_exercise_1": "cell 4 redefines check_exercise_1",
        "check_exercise_2": "",
        "check_exercise_3": "cell 5 redefines check_exercise_3",
    }


def test_summary_counts_per_submission() -> None:
    rows = [
        gl.Row("a.ipynb", "00", "c1", "E1", "correct", ""),
        gl.Row("a.ipynb", "00", "c2", "E2", "incorrect", "no"),
        gl.Row("b.ipynb", "00", "c1", "E1", "correct", ""),
    ]
    assert gl.summary(rows) == "a.ipynb: 1/2 correct (1 incorrect)\nb.ipynb: 1/1 correct"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], Path]:
    """Three submissions of lab 00 graded through the command line, with RISKLAB_EXPECT set
    as the test suite sets it for solutions (the grader must not pass it on)."""
    folder = tmp_path_factory.mktemp("submissions")
    (folder / "alice.ipynb").write_text(SOLUTION.read_text())  # the solution: all correct
    (folder / "bob.ipynb").write_text(LAB.read_text())  # untouched lab: nothing attempted
    wrong = nbs.read(SOLUTION)
    (cell,) = [c for c in wrong.cells if RIGHT in c.source]
    cell.source = cell.source.replace(RIGHT, WRONG)
    (folder / "carol.ipynb").write_text(nbs.writes(wrong))
    out, kept = folder / "grades.csv", folder / "executed"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RISKLAB_EXPECT", "pass")
        status = gl.main(
            [*(str(folder / f"{n}.ipynb") for n in ("alice", "bob", "carol"))]
            + ["--lab", "00", "--out", str(out), "--executed", str(kept), "--timeout", "120"]
        )
    assert status == 0
    with out.open() as handle:
        return list(csv.DictReader(handle)), kept


def verdicts(rows: list[dict], who: str) -> dict[str, str]:
    return {r["check"]: r["status"] for r in rows if r["submission"] == f"{who}.ipynb"}


def test_the_solution_is_all_correct(graded) -> None:
    rows, _ = graded
    assert verdicts(rows, "alice") == dict.fromkeys(gl.expected_checks("00"), "correct")


def test_the_untouched_lab_is_all_not_attempted(graded) -> None:
    rows, _ = graded
    assert verdicts(rows, "bob") == dict.fromkeys(gl.expected_checks("00"), "not attempted")


def test_one_wrong_answer_is_reported_with_the_checks_message(graded) -> None:
    rows, _ = graded
    assert verdicts(rows, "carol") == {
        "check_exercise_1": "correct",
        "check_exercise_2": "incorrect",
        "check_exercise_3": "correct",
    }
    (row,) = [r for r in rows if r["submission"] == "carol.ipynb" and r["status"] == "incorrect"]
    assert row["exercise"] == "Exercise 2 — a new reporter"
    assert "should be" in row["message"] and "got" in row["message"]


def test_executed_notebooks_are_kept_with_outputs(graded) -> None:
    _, kept = graded
    assert sorted(p.name for p in kept.glob("*.ipynb")) == [
        "alice.ipynb",
        "bob.ipynb",
        "carol.ipynb",
    ]
    alice = nbformat.read(kept / "alice.ipynb", as_version=4)
    assert any(
        "image/png" in o.get("data", {}) for c in alice.cells for o in c.get("outputs", [])
    ), "the executed notebook keeps its plots, for grading the open question"

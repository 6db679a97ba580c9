"""Grade submitted lab notebooks with the labs' own checks; write one CSV row per check.

    python tools/grade_labs.py submissions/*.ipynb --lab 03 --out grades.csv
    python tools/grade_labs.py submissions/*.ipynb --executed executed/   # keep the runs

Each submission runs top to bottom in a fresh kernel (nbclient; errors do not stop the run,
a cell over ``--timeout`` seconds is interrupted). The checks a lab must show are the check
cells of its solution (``solutions/NN_topic_lab.ipynb``: cells whose last line is
``check_<name>(...)``); for each, the grader reads the verdict the submission's own check
cell displayed, as :class:`mesa_models.checks.Verdict` prints it:

* ``correct`` / ``incorrect`` (with the check's message) / ``not attempted`` / ``error``
  (the student's code raised inside the check) — the check's own verdict;
* ``error`` also when the check cell itself raised (say, a ``NameError`` because the
  student deleted or renamed the function): the exception in one line;
* ``missing`` when the submission has no cell calling that check, or it showed no verdict.

The verdicts come from the submission's own kernel, so code in the notebook that redefines
a check (``def check_exercise_2``, ``check_exercise_2 = ...``) could fake one: the ``note``
column names any such cell, for a look by hand.

The lab is ``--lab NN`` or read from a file name starting with ``NN_``. Grading runs the
students' code: do it in a container or a throwaway account, never with your credentials.
The open question is not graded here; ``--executed DIR`` keeps each executed notebook (with
its plots) for reading it (rubrics: instructors/grading.md).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_structure  # noqa: E402
import notebooks as nbs  # noqa: E402

from mesa_models.checks import Verdict  # noqa: E402

STATUSES = ("correct", "incorrect", "not attempted", "error")
MISSING = "missing"
FIELDS = ("submission", "lab", "check", "exercise", "status", "message", "note")
REDEFINES = re.compile(r"^\s*(?:def\s+(check_\w+)|(check_\w+)\s*=[^=])", re.M)
LAB_PREFIX = re.compile(r"^(\d{2})_")


@dataclass(frozen=True)
class Row:
    """One check of one submission, as written to the CSV."""

    submission: str
    lab: str
    check: str
    exercise: str
    status: str
    message: str
    note: str = ""


def _labels() -> dict[str, str]:
    """Status by the label :class:`Verdict` prints after the exercise's name (e.g.
    ``✔ Correct``), taken from Verdict itself so the two cannot drift apart."""
    return {str(Verdict("", status)).split(": ", 1)[1]: status for status in STATUSES}


def parse_verdict(text: str) -> tuple[str, str, str] | None:
    """``(exercise, status, message)`` from a displayed verdict's text, or None if ``text``
    is not a verdict. The hint, which every student sees, is left out of the message."""
    if not isinstance(text, str):
        raise TypeError(f"parse_verdict() needs the text/plain of an output, got {text!r}")
    lines = text.splitlines()
    if not lines:
        return None
    for label, status in _labels().items():
        if lines[0].endswith(f": {label}"):
            exercise = lines[0][: -len(label) - 2]
            body = [line.strip() for line in lines[1:] if not line.strip().startswith("Hint:")]
            return exercise, status, " ".join(line for line in body if line)
    return None


def cell_verdict(cell: nbformat.NotebookNode) -> tuple[str, str, str] | None:
    """The verdict an executed check cell shows: its own, or ``error`` if the cell raised,
    or None if it shows neither."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            if output["ename"] == "KeyboardInterrupt":  # nbclient stopped it at the time limit
                return "", "error", "the check cell ran over the time limit and was interrupted"
            return "", "error", f"the check cell raised {output['ename']}: {output['evalue']}"
    for output in reversed(cell.get("outputs", [])):
        if output.get("output_type") in ("execute_result", "display_data"):
            found = parse_verdict(output.get("data", {}).get("text/plain", ""))
            if found:
                return found
    return None


def lab_of(path: Path, lab: str | None) -> str:
    """The two-digit unit of a submission: ``lab`` if given, else its file name's prefix."""
    if lab is not None:
        if not (isinstance(lab, str) and re.fullmatch(r"\d{2}", lab)):
            raise ValueError(f"--lab must be two digits such as 03, got {lab!r}")
        return lab
    match = LAB_PREFIX.match(path.name)
    if not match:
        raise ValueError(
            f"{path.name}: cannot tell which lab this is; name it NN_... or pass --lab NN"
        )
    return match.group(1)


def expected_checks(lab: str) -> list[str]:
    """The checks the lab's solution calls, in order."""
    found = sorted((nbs.ROOT / "solutions").glob(f"{lab}_*.ipynb"))
    if len(found) != 1:
        raise ValueError(f"no solutions/{lab}_*.ipynb: there is no lab {lab}")
    return lab_structure.check_names(nbs.read(found[0]))


def grade_executed(nb: nbformat.NotebookNode, name: str, lab: str) -> list[Row]:
    """Rows for an executed submission: one per check the lab's solution calls."""
    shown: dict[str, tuple[str, str, str] | None] = {}
    redefined: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            check = lab_structure.check_name(cell.source)
            if check:  # a later cell calling the same check wins
                shown[check] = cell_verdict(cell)
            for match in REDEFINES.finditer(cell.source):
                redefined.setdefault(match.group(1) or match.group(2), index)
    rows = []
    for check in expected_checks(lab):
        verdict = shown.get(check)
        note = f"cell {redefined[check]} redefines {check}" if check in redefined else ""
        if verdict is None:
            why = "no verdict shown" if check in shown else "no cell calls this check"
            rows.append(Row(name, lab, check, "", MISSING, why, note))
        else:
            rows.append(Row(name, lab, check, *verdict, note))
    return rows


def execute(path: Path, timeout: int) -> tuple[nbformat.NotebookNode, str]:
    """Run a notebook in a fresh kernel; return it executed and a note if the run broke
    off (dead kernel). Errors and time-outs in cells are recorded in the cells."""
    nb = nbs.read(path)
    env = {k: v for k, v in os.environ.items() if k != "RISKLAB_EXPECT"}  # verdicts, no raising
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # plots kept for reading
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute(env=env)
    except (CellTimeoutError, DeadKernelError, RuntimeError) as error:
        return nb, f"the run broke off: {type(error).__name__}: {error}"
    return nb, ""


def grade(
    paths: list[Path], lab: str | None = None, timeout: int = 300, executed: Path | None = None
) -> list[Row]:
    """Execute and grade every submission; see the module docstring."""
    if isinstance(paths, str | Path) or not paths:
        raise TypeError("grade() needs a non-empty list of notebook paths")
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
        raise ValueError(f"timeout must be a whole number of seconds >= 1, got {timeout!r}")
    rows = []
    for path in map(Path, paths):
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"{path}: not a notebook file")
        unit = lab_of(path, lab)
        expected_checks(unit)  # an unknown lab fails before anything runs
        nb, broke = execute(path, timeout)
        if executed is not None:
            executed.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, executed / path.name)
        found = grade_executed(nb, path.name, unit)
        if broke:  # checks the run never reached say why
            found = [
                Row(**{**asdict(r), "message": broke}) if r.status == MISSING else r for r in found
            ]
        rows += found
    return rows


def write_csv(rows: list[Row], out) -> None:
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(asdict(row) for row in rows)


def summary(rows: list[Row]) -> str:
    """One line per submission: correct checks out of all."""
    lines = []
    for name in dict.fromkeys(r.submission for r in rows):
        mine = [r for r in rows if r.submission == name]
        counts = {s: sum(r.status == s for r in mine) for s in (*STATUSES, MISSING)}
        detail = ", ".join(f"{n} {s}" for s, n in counts.items() if n and s != "correct")
        lines.append(
            f"{name}: {counts['correct']}/{len(mine)} correct" + (f" ({detail})" if detail else "")
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("submissions", nargs="+", type=Path, help="submitted lab notebooks")
    parser.add_argument("--lab", help="the unit, two digits (default: from each file name)")
    parser.add_argument("--out", type=Path, help="CSV file to write (default: standard output)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (300)")
    parser.add_argument("--executed", type=Path, help="folder for the executed notebooks")
    args = parser.parse_args(argv)
    try:
        rows = grade(args.submissions, args.lab, args.timeout, args.executed)
    except (TypeError, ValueError) as error:
        parser.error(str(error))
    if args.out:
        with args.out.open("w", newline="") as out:
            write_csv(rows, out)
    else:
        write_csv(rows, sys.stdout)
    print(summary(rows), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

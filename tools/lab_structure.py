"""The structure of a lab notebook as the instructors' tools read it: its ``##`` sections,
which of them end in a check cell, and which is the open question.

A check cell is a code cell whose last line calls ``check_<name>(...)`` (CONTRIBUTING.md,
"Labs"); the open question is a section whose heading says "Open question", "Final
question" or "(open)" and has no check cell. Used by tools/notebook_times.py (exercise time)
and tools/grade_labs.py (which checks a submission must show).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nbformat

CHECK_CALL = re.compile(r"^(?P<name>check_\w+)\(.*\)\s*$")
OPEN_HEADING = re.compile(r"open question|final question|\(open\)|\(design\)", re.I)
GUIDED_HEADING = re.compile(r"\(guided\)", re.I)


@dataclass
class Section:
    """One ``##`` section of a lab: its heading and the checks its cells call."""

    heading: str
    checks: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``guided``, ``exercise`` or ``open exercise`` (checked), ``open question``, or
        ``other`` (brief, objectives, references ...)."""
        if self.checks:
            if GUIDED_HEADING.search(self.heading):
                return "guided"
            return "open exercise" if OPEN_HEADING.search(self.heading) else "exercise"
        if OPEN_HEADING.search(self.heading):
            return "open question"
        return "other"

    @property
    def title(self) -> str:
        """The heading without its ``## ``."""
        return self.heading.lstrip("#").strip()


def check_name(source: str) -> str | None:
    """``check_exercise_1`` if the cell's last line calls it, else None."""
    lines = [line for line in source.strip().splitlines() if line.strip()]
    match = CHECK_CALL.match(lines[-1].strip()) if lines else None
    return match.group("name") if match else None


def sections(nb: nbformat.NotebookNode) -> list[Section]:
    """The notebook's ``##`` sections in order, each with the checks called in it."""
    if not isinstance(nb, nbformat.NotebookNode):
        raise TypeError(f"sections() needs a notebook (nbformat), got {type(nb).__name__}")
    found = [Section("## (before the first section)")]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    found.append(Section(line.strip()))
        elif cell.cell_type == "code":
            name = check_name(cell.source)
            if name:
                found[-1].checks.append(name)
    return [s for s in found if s.checks or not s.heading.startswith("## (")]


def check_names(nb: nbformat.NotebookNode) -> list[str]:
    """Every check the notebook calls, in order (each once)."""
    return list(dict.fromkeys(name for s in sections(nb) for name in s.checks))


def open_question(nb: nbformat.NotebookNode) -> Section:
    """The lab's open question (ValueError unless there is exactly one)."""
    found = [s for s in sections(nb) if s.kind == "open question"]
    if len(found) != 1:
        raise ValueError(
            f"a lab needs exactly one open question section, found {[s.title for s in found]}"
        )
    return found[0]

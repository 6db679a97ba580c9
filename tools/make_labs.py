"""Generate the student labs (``labs/``) from the solution notebooks (``solutions/``).

A lab is written once, in ``solutions/NN_topic_lab.ipynb``. In code cells, the solution
sits between two marker comments, at any indentation:

    def my_rule(robot):
        # BEGIN SOLUTION: look at robot.oncoming_ahead() first
        ...solution code...
        # END SOLUTION

In the lab the block becomes ``raise NotImplementedError("<hint>")`` (the text after
``BEGIN SOLUTION:``; a default if there is none), with a ``# YOUR CODE HERE`` line above.
In markdown cells, ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` becomes an
answer prompt. Cell tags (in the solution):

* ``solution-only``: the cell is left out of the lab;
* ``lab-raises``: the cell necessarily fails in the unfinished lab (it calls a stub at top
  level). The lab cell gets the tag ``raises-exception`` so the notebook tests tolerate
  its ``NotImplementedError`` (and only that; see conftest.py). A cell whose own
  stub sits at top level is tagged automatically.

Usage:
    python tools/make_labs.py           # regenerate labs/ from solutions/
    python tools/make_labs.py --check   # exit 1 if labs/ differs from what would be generated
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebooks as nbs  # noqa: E402

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?::\s*(?P<hint>.*\S))?\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
MD_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->", re.S)
MD_PROMPT = "✍️ *Your answer here.*"
DEFAULT_HINT = "Replace this line with your code."
TOLERATED_TAG = "raises-exception"


class MarkerError(ValueError):
    """A solution notebook's markers are malformed (message names notebook and cell)."""


def strip_code(source: str, where: str) -> tuple[str, bool]:
    """Replace solution blocks with stubs. Returns the new source and whether a stub sits
    at top level (so the cell itself raises)."""
    out: list[str] = []
    top_level_stub = False
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        begin = BEGIN.match(lines[i])
        if END.match(lines[i]):
            raise MarkerError(f"{where}, line {i + 1}: '# END SOLUTION' without a matching BEGIN")
        if not begin:
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not END.match(lines[j]):
            if BEGIN.match(lines[j]):
                raise MarkerError(
                    f"{where}, line {j + 1}: nested '# BEGIN SOLUTION' (the one on line {i + 1} is not closed)"
                )
            j += 1
        if j == len(lines):
            raise MarkerError(f"{where}, line {i + 1}: '# BEGIN SOLUTION' without '# END SOLUTION'")
        indent = begin.group("indent")
        hint = begin.group("hint") or DEFAULT_HINT
        out.append(f"{indent}# YOUR CODE HERE")
        out.append(f"{indent}raise NotImplementedError({hint!r})")
        top_level_stub |= indent == ""
        i = j + 1
    return "\n".join(out), top_level_stub


def make_lab(
    solution: nbs.nbformat.NotebookNode, name: str = "notebook"
) -> nbs.nbformat.NotebookNode:
    """The student version of a solution notebook."""
    lab = copy.deepcopy(solution)
    cells = []
    for index, cell in enumerate(lab.cells):
        tags = list(cell.get("metadata", {}).get("tags", []))
        if "solution-only" in tags:
            continue
        where = f"{name}, cell {index}"
        if cell.cell_type == "code":
            cell.source, raises = strip_code(cell.source, where)
            if raises or "lab-raises" in tags:
                tags = [t for t in tags if t != "lab-raises"]
                if TOLERATED_TAG not in tags:
                    tags.append(TOLERATED_TAG)
        elif cell.cell_type == "markdown":
            if "BEGIN SOLUTION -->" in cell.source and not MD_BLOCK.search(cell.source):
                raise MarkerError(
                    f"{where}: '<!-- BEGIN SOLUTION -->' without '<!-- END SOLUTION -->'"
                )
            cell.source = MD_BLOCK.sub(MD_PROMPT, cell.source)
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
        cells.append(cell)
    lab.cells = cells
    return lab


def lab_path(solution_path: Path) -> Path:
    return solution_path.parent.parent / "labs" / solution_path.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="report stale labs, write nothing")
    parser.add_argument(
        "solutions", nargs="*", type=Path, help="solution notebooks (default: solutions/*.ipynb)"
    )
    args = parser.parse_args(argv)
    paths = args.solutions or sorted((nbs.ROOT / "solutions").glob("*.ipynb"))
    stale = []
    for path in paths:
        target = lab_path(path)
        lab = nbs.apply_template(make_lab(nbs.read(path), path.name), target)
        text = nbs.writes(lab)
        if not target.exists() or target.read_text() != text:
            stale.append(target)
            if not args.check:
                target.parent.mkdir(exist_ok=True)
                target.write_text(text)
    for target in stale:
        print(("out of date: " if args.check else "generated: ") + str(target))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Rewrite every notebook's badges and setup cell from pyproject.toml.

Run after forking (change ``[project.urls] Repository`` first) or after adding a notebook:

    python tools/sync_notebooks.py          # rewrite in place
    python tools/sync_notebooks.py --check  # exit 1 and list notebooks that disagree

The first cell must contain a ``<!-- badges -->`` ... ``<!-- /badges -->`` block and the
setup cell must carry the tag ``setup``; a notebook without them is an error.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebooks as nbs  # noqa: E402


def synced(path: Path):
    """The notebook at ``path`` with badges and setup cell regenerated."""
    nb = nbs.read(path)
    first = nb.cells[0]
    pattern = re.escape(nbs.BADGES_START) + ".*?" + re.escape(nbs.BADGES_END)
    if first.cell_type != "markdown" or not re.search(pattern, first.source, flags=re.S):
        raise SystemExit(f"{path}: the first cell needs a {nbs.BADGES_START} ... {nbs.BADGES_END} block")
    first.source = re.sub(pattern, lambda _: nbs.badges_markdown(path), first.source, flags=re.S)
    setup = [c for c in nb.cells if nbs.SETUP_TAG in c.get("metadata", {}).get("tags", [])]
    if len(setup) != 1 or setup[0].cell_type != "code":
        raise SystemExit(f"{path}: needs exactly one code cell tagged {nbs.SETUP_TAG!r}")
    setup[0].source = nbs.setup_source()
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report differences, change nothing")
    args = parser.parse_args(argv)
    stale = []
    for path in nbs.all_notebooks():
        nb = synced(path)
        text = nbs.writes(nb)
        if path.read_text() != text:
            stale.append(path)
            if not args.check:
                path.write_text(text)
    verb = "out of date" if args.check else "rewritten"
    for path in stale:
        print(f"{verb}: {path.relative_to(nbs.ROOT)}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())

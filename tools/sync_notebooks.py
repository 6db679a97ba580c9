"""Rewrite every notebook's badges and setup cell, the README's badges and citation, and
CITATION.cff, from pyproject.toml (``[project.urls] Repository``, ``version`` and
``[tool.risklab] ref``).

Run after forking (change ``[project.urls] Repository`` first) or after adding a notebook:

    python tools/sync_notebooks.py          # rewrite in place
    python tools/sync_notebooks.py --check  # exit 1 and list notebooks that disagree
    python tools/sync_notebooks.py lessons/04_information_asymmetries.ipynb   # just these

Given notebook paths, only those notebooks are rewritten. The first cell must contain a ``<!-- badges -->`` ... ``<!-- /badges -->`` block and the
setup cell must carry the tag ``setup``; a notebook without them is an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebooks as nbs  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="report differences, change nothing")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: all of them)")
    args = parser.parse_args(argv)
    stale = []
    renew = {path: _notebook for path in [p.resolve() for p in args.notebooks]}
    if not renew:
        renew = {path: _notebook for path in nbs.all_notebooks()}
        renew[nbs.ROOT / "README.md"] = lambda path: nbs.synced_readme(path.read_text())
        renew[nbs.ROOT / "CITATION.cff"] = lambda path: nbs.synced_citation(path.read_text())
    for path, synced in renew.items():
        try:
            text = synced(path)
        except ValueError as error:
            raise SystemExit(str(error)) from None
        if path.read_text() != text:
            stale.append(path)
            if not args.check:
                path.write_text(text)
    verb = "out of date" if args.check else "rewritten"
    for path in stale:
        print(f"{verb}: {path.relative_to(nbs.ROOT)}")
    return 1 if (args.check and stale) else 0


def _notebook(path: Path) -> str:
    """The notebook at ``path`` as it should be committed."""
    return nbs.writes(nbs.apply_template(nbs.read(path), path))


if __name__ == "__main__":
    raise SystemExit(main())

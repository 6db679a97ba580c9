"""Shared notebook facts for the authoring tools and the tests: where notebooks live, the
repository URL (read from pyproject.toml, the one place that names it), the generated
setup cell and badges."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("lessons", "solutions", "labs")
BADGES_START, BADGES_END = "<!-- badges -->", "<!-- /badges -->"
SETUP_TAG = "setup"


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def repository() -> tuple[str, str]:
    """``(owner, name)`` of the GitHub repository named in ``[project.urls]``."""
    url = project()["urls"]["Repository"]
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)/?", url)
    if not match:
        raise ValueError(
            f"[project.urls] Repository must be https://github.com/OWNER/NAME, got {url!r}"
        )
    return match.group(1), match.group(2)


def release_ref() -> str:
    """The git ref Colab installs: the release tag of the current version."""
    return f"v{project()['version']}"


def all_notebooks() -> list[Path]:
    return sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))


def setup_source() -> str:
    """The setup cell every notebook starts with (identical everywhere; a test checks)."""
    owner, name = repository()
    package = f"{project()['name']} @ git+https://github.com/{owner}/{name}@{release_ref()}"
    return f'''# Setup: on Colab, install the course package (pinned to a release); elsewhere it is
# already installed by the course's setup command. Safe to run more than once.
import importlib.util
import subprocess
import sys

try:
    import google.colab  # noqa: F401  (only importable on Colab)
    ON_COLAB = True
except ImportError:
    ON_COLAB = False
if ON_COLAB and importlib.util.find_spec("mesa_models") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "{package}"], check=True)

from mesa_models.plotting import use_course_style

use_course_style()'''


def badges_markdown(path: Path) -> str:
    """Colab and Binder badges that open ``path`` (relative to the repository root)."""
    owner, name = repository()
    rel = path.resolve().relative_to(ROOT).as_posix()
    colab = f"https://colab.research.google.com/github/{owner}/{name}/blob/main/{rel}"
    binder = f"https://mybinder.org/v2/gh/{owner}/{name}/main?urlpath=lab/tree/{rel}"
    return (
        f"{BADGES_START}\n"
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab}) "
        f"[![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder})\n"
        f"{BADGES_END}"
    )


def apply_template(nb: nbformat.NotebookNode, path: Path) -> nbformat.NotebookNode:
    """Fill in the badges (for ``path``) and the setup cell; error if the notebook lacks
    the badges block in its first cell or a single code cell tagged ``setup``."""
    first = nb.cells[0] if nb.cells else None
    pattern = re.escape(BADGES_START) + ".*?" + re.escape(BADGES_END)
    if (
        first is None
        or first.cell_type != "markdown"
        or not re.search(pattern, first.source, flags=re.S)
    ):
        raise ValueError(f"{path}: the first cell needs a {BADGES_START} ... {BADGES_END} block")
    first.source = re.sub(pattern, lambda _: badges_markdown(path), first.source, flags=re.S)
    setup = [c for c in nb.cells if SETUP_TAG in c.get("metadata", {}).get("tags", [])]
    if len(setup) != 1 or setup[0].cell_type != "code":
        raise ValueError(f"{path}: needs exactly one code cell tagged {SETUP_TAG!r}")
    setup[0].source = setup_source()
    return nb


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def writes(nb: nbformat.NotebookNode) -> str:
    """The notebook as committed: no outputs, no execution counts, stable formatting."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    path.write_text(writes(nb))

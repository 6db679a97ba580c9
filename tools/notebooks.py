"""Shared notebook facts for the authoring tools and the tests: where notebooks live, the
repository URL (read from pyproject.toml, the one place that names it), the generated
setup cell and badges."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("lessons", "solutions", "labs", "instructors/capstone")
BADGES_START, BADGES_END = "<!-- badges -->", "<!-- /badges -->"
CITATION_START, CITATION_END = "<!-- citation -->", "<!-- /citation -->"
WELCOME = "lessons/00_welcome.ipynb"
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


def course_ref() -> str:
    """The git ref that badges open and Colab installs: ``[tool.risklab] ref`` in
    pyproject.toml (default ``main``; set it to a release tag to freeze a semester)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ref = data.get("tool", {}).get("risklab", {}).get("ref", "main")
    if not isinstance(ref, str) or not re.fullmatch(r"[\w][\w.-]*", ref):
        raise ValueError(
            f"[tool.risklab] ref must be a branch or tag name (letters, digits, . _ -), got {ref!r}"
        )
    return ref


def course_requirement() -> str:
    """What Colab's pip installs: the package from the repository at :func:`course_ref`."""
    owner, name = repository()
    return f"{project()['name']} @ git+https://github.com/{owner}/{name}@{course_ref()}"


def pages_url() -> str:
    """Where GitHub Pages publishes the website (the JupyterLite site is under ``lite/``)."""
    owner, name = repository()
    return f"https://{owner.lower()}.github.io/{name}/"


def all_notebooks() -> list[Path]:
    return sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))


SETUP_TEMPLATE = """\
# Setup: make the course package importable, then use the course's figure style.
# Colab installs it from GitHub, JupyterLite (in the browser) from the wheels shipped with
# the site; elsewhere `make lab` has installed it already. Safe to run more than once.
import importlib.util
import subprocess
import sys

COURSE = "{requirement}"
try:
    import google.colab  # noqa: F401  (only importable on Colab)
    ON_COLAB = True
except ImportError:
    ON_COLAB = False
if importlib.util.find_spec("mesa_models") is None:
    if sys.platform == "emscripten":  # JupyterLite: Python runs in the browser
        import piplite
        await piplite.install("{name}")
    elif ON_COLAB:
        pip = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", COURSE],
            capture_output=True, text=True,
        )
        error = (pip.stderr.strip() or "pip failed") if pip.returncode else ""
        if "resolve host" in error or "unable to access" in error:
            print("Setup failed: no connection to GitHub. Check your connection, "
                  "then run this cell again.")
        elif "did not match any" in error or "not found" in error:
            print("Setup failed: {where} does not exist on GitHub. Open this "
                  "notebook from the course's README, then run this cell again.")
        elif error:
            reason = error.splitlines()[-1].strip()
            print(f"Setup failed: pip could not install the course ({{reason}}). "
                  "Run this cell again; if it fails again, ask for help.")
        importlib.invalidate_caches()
    else:
        print("Setup: this kernel lacks the course package. Run `make lab` in the "
              "course folder (see its README) or choose the kernel that has it.")
if importlib.util.find_spec("mesa_models") is not None:
    from mesa_models.plotting import use_course_style

    use_course_style()"""


def setup_source() -> str:
    """The setup cell every notebook starts with (identical everywhere; a test checks)."""
    owner, name = repository()
    return SETUP_TEMPLATE.format(
        requirement=course_requirement(),
        name=project()["name"],
        where=f"{owner}/{name}@{course_ref()}",
    )


def badges_markdown(path: Path) -> str:
    """Colab, Binder and JupyterLite badges that open ``path`` (relative to the repository
    root) at :func:`course_ref` (JupyterLite: the published site, built from ``main``)."""
    owner, name = repository()
    ref = course_ref()
    rel = path.resolve().relative_to(ROOT).as_posix()
    colab = f"https://colab.research.google.com/github/{owner}/{name}/blob/{ref}/{rel}"
    binder = f"https://mybinder.org/v2/gh/{owner}/{name}/{ref}?urlpath=lab/tree/{rel}"
    lite = f"{pages_url()}lite/lab/index.html?path={rel}"
    return (
        f"{BADGES_START}\n"
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab}) "
        f"[![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder}) "
        f"[![Try it in your browser (JupyterLite)](https://jupyterlite.rtfd.io/en/latest/_static/badge.svg)]({lite})\n"
        f"{BADGES_END}"
    )


def replace_block(text: str, start: str, end: str, new: str, where: str) -> str:
    """``text`` with its one ``start`` ... ``end`` block replaced by ``new``."""
    pattern = re.escape(start) + ".*?" + re.escape(end)
    if len(re.findall(pattern, text, flags=re.S)) != 1:
        raise ValueError(f"{where}: needs exactly one {start} ... {end} block")
    return re.sub(pattern, lambda _: new, text, flags=re.S)


def citation_markdown() -> str:
    """The README's citation of the course: title from CITATION.cff, version and URL from
    pyproject.toml."""
    cff = (ROOT / "CITATION.cff").read_text()
    title = re.search(r'^title: "(.+)"$', cff, flags=re.M).group(1)
    course, _, subtitle = title.partition(": ")
    owner, name = repository()
    author = project()["authors"][0]["name"]
    year = re.search(r"^date-released: (\d{4})", cff, flags=re.M).group(1)
    return (
        f"{CITATION_START}\n"
        f"> {author} ({year}). *{course}: {subtitle}* (version {project()['version']}).\n"
        f"> https://github.com/{owner}/{name}\n"
        f"{CITATION_END}"
    )


def synced_readme(text: str) -> str:
    """README.md with its generated blocks (badges of the welcome lesson, citation) renewed."""
    text = replace_block(
        text, BADGES_START, BADGES_END, badges_markdown(ROOT / WELCOME), "README.md"
    )
    return replace_block(text, CITATION_START, CITATION_END, citation_markdown(), "README.md")


def synced_citation(text: str) -> str:
    """CITATION.cff with ``version`` and ``repository-code`` taken from pyproject.toml."""
    owner, name = repository()
    for key, value in (
        ("version", project()["version"]),
        ("repository-code", f'"https://github.com/{owner}/{name}"'),
    ):
        text, count = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, flags=re.M)
        if count != 1:
            raise ValueError(f"CITATION.cff: needs exactly one '{key}:' line")
    return text


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

"""Build the course website: every lesson and lab with its outputs, navigation by unit.

    python tools/build_site.py                  # all units -> _build/site/html (= make site)
    python tools/build_site.py --units 00 05    # a subset (what tests/test_site.py builds)
    python tools/build_site.py --jobs 2 --out DIR --lite _build/lite

Steps: copy the notebooks into ``<out>/src`` (the committed notebooks, stored without
outputs, are never touched), execute the copies with nbclient, write a landing page and one
page per unit, then render everything with Sphinx + MyST-NB + sphinx-book-theme (the
Jupyter Book 1 stack; configuration in ``site/``) into ``<out>/html``.

* Lessons are executed in full. Dashboards run in static mode
  (``RISKLAB_STATIC_DASHBOARDS=1``): ``explore`` shows its first figure and a note.
* Labs are shown as a student gets them, executed up to the stubs: cells that call an
  unfinished exercise (tagged ``raises-exception`` by make_labs.py) may fail, but only
  because of the stub's ``NotImplementedError``, whose traceback is left off the page;
  checks say "not attempted yet". Solutions are not published (students would see the answers).
* The badges block at the top of each notebook becomes a bar of links (Colab, Binder and,
  when the JupyterLite site is built, JupyterLite). A JupyterLite site found at ``--lite``
  (default ``_build/lite``, built by ``make lite``) is copied to ``<out>/html/lite``.
* The instructors' guide (``instructors/``, Markdown) becomes a section when it exists.

Everything runs offline: the theme and its assets come from PyPI packages (the ``site``
extra). Any cell error, Sphinx warning or missing dependency stops the build.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebooks

ROOT = notebooks.ROOT
CONFIG = ROOT / "site"
DEFAULT_OUT = ROOT / "_build" / "site"
DEFAULT_LITE = ROOT / "_build" / "lite"
INSTRUCTORS = ROOT / "instructors"
CELL_TIMEOUT = 300  # s per cell; a notebook's budget is 60 s in total
STUB_TAG = "raises-exception"
#: The kernel's environment on top of ours: static dashboards, no progress bars, inline plots.
KERNEL_ENV = {
    "RISKLAB_STATIC_DASHBOARDS": "1",
    "RISKLAB_PROGRESS": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}
#: Set by the test suite; the pages must not depend on who builds them.
_TEST_ONLY_ENV = ("RISKLAB_EXPECT", "PYTEST_CURRENT_TEST")
LITE_LABEL = "Try it in your browser (JupyterLite)"
#: What the landing page says about each way to open the course (by a part of its URL).
_START = {
    "colab.research.google.com": ": one notebook at a time in Google Colab (a Google account;"
    " save a copy to Drive to keep your work).",
    "mybinder.org": ": the whole course in JupyterLab in the cloud, nothing to install (the"
    " first start takes a few minutes; work is not saved).",
    "lite/lab/": ": the whole course in your browser, nothing to install and no account"
    " (Python runs in the page; the first start downloads it).",
}
_TITLE = re.compile(r"#\s*Unit (\d\d)\s*[—-]+\s*([^:]+):\s*(.+)")
_BADGE = re.compile(r"\[!\[([^\]]*)\]\([^)]*\)\]\(([^)\s]+)\)")
_LINK = re.compile(r"(\]\()([^)\s]+)(\))")


class BuildError(RuntimeError):
    """A notebook, a page or Sphinx failed; the message names the file and the cause."""


@dataclass(frozen=True)
class Unit:
    """One unit of the course: its lesson and its lab, as paths relative to the repository."""

    number: str
    name: str
    tagline: str
    lesson: str
    lab: str | None

    @property
    def page(self) -> str:
        """The unit page's document name, e.g. ``units/00_welcome``."""
        return f"units/{Path(self.lesson).stem}"

    @property
    def notebooks(self) -> list[str]:
        return [self.lesson] + ([self.lab] if self.lab else [])


def discover_units(numbers: Sequence[str] | None = None) -> list[Unit]:
    """The units whose lessons are in ``lessons/`` (only ``numbers``, e.g. ``["00", "05"]``,
    when given); each lesson's first line must read ``# Unit NN — Name: tagline``."""
    if numbers is not None:
        if isinstance(numbers, str) or not all(isinstance(n, str) for n in numbers):
            raise TypeError(f"units must be a list of strings like '05', got {numbers!r}")
        bad = [n for n in numbers if not re.fullmatch(r"\d\d", n)]
        if bad:
            raise ValueError(f"unit {bad[0]!r} is not a two-digit unit number like '05'")
    units = []
    for path in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        number = path.name[:2]
        if numbers is not None and number not in numbers:
            continue
        first = notebooks.read(path).cells[0].source.splitlines()[0]
        match = _TITLE.fullmatch(first.strip())
        if not match or match.group(1) != number:
            raise BuildError(
                f"{path.relative_to(ROOT)}: the first line must be '# Unit {number} — Name: "
                f"tagline', got {first!r}"
            )
        lab = ROOT / "labs" / f"{path.stem}_lab.ipynb"
        units.append(
            Unit(
                number=number,
                name=match.group(2).strip(),
                tagline=match.group(3).strip(),
                lesson=path.relative_to(ROOT).as_posix(),
                lab=lab.relative_to(ROOT).as_posix() if lab.exists() else None,
            )
        )
    missing = sorted(set(numbers or ()) - {u.number for u in units})
    if missing:
        raise ValueError(f"no lesson for unit {missing[0]} in lessons/")
    return units


# -- pages -------------------------------------------------------------------------------


def _up(rel: str) -> str:
    """The relative prefix from the page of ``rel`` back to the site's root."""
    return "../" * (len(Path(rel).parts) - 1)


def launch_links(
    badges: str, rel: str, lite: bool, page: str | None = None
) -> list[tuple[str, str]]:
    """``(label, url)`` for each badge in the badges block of notebook ``rel``; the
    JupyterLite link becomes relative to the site page ``page`` (default: the notebook's
    own page), as the lite site sits at ``lite/`` of this site, or is left out when no
    lite site was built."""
    links = []
    for label, url in _BADGE.findall(badges):
        if "/lite/" in url:
            continue
        links.append((label, url))
    if lite:
        links.append((LITE_LABEL, f"{_up(page or rel)}lite/lab/index.html?path={rel}"))
    return links


def launch_bar(links: list[tuple[str, str]]) -> str:
    """The HTML bar of "open this notebook" links that replaces the badges on the site."""
    anchors = "".join(f'<a href="{url}">{label}</a>' for label, url in links)
    return f'<div class="risklab-launch">{anchors}</div>'


def retarget_links(text: str, rel: str, pages: set[str]) -> str:
    """Markdown links in ``text`` (from the file ``rel``) that point to a repository file
    which is not a page of this site now point to that file on GitHub."""
    owner, name = notebooks.repository()

    def fix(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"[a-z][a-z0-9+.-]*:|#|/", target, flags=re.IGNORECASE):
            return match.group(0)  # absolute URL, anchor or site-absolute path
        path, _, anchor = target.partition("#")
        resolved = (ROOT / Path(rel).parent / path).resolve()
        if not resolved.is_relative_to(ROOT) or not resolved.exists():
            return match.group(0)
        repo_path = resolved.relative_to(ROOT).as_posix()
        if repo_path in pages:
            return match.group(0)
        url = f"https://github.com/{owner}/{name}/blob/{notebooks.course_ref()}/{repo_path}"
        return f"{match.group(1)}{url}{'#' + anchor if anchor else ''}{match.group(3)}"

    return _LINK.sub(fix, text)


def site_notebook(rel: str, pages: set[str], lite: bool) -> nbformat.NotebookNode:
    """A copy of notebook ``rel`` for the site: launch bar instead of badges, setup cell
    folded away, links to files outside the site sent to GitHub."""
    nb = notebooks.read(ROOT / rel)
    first = nb.cells[0]
    pattern = re.escape(notebooks.BADGES_START) + "(.*?)" + re.escape(notebooks.BADGES_END)
    match = re.search(pattern, first.source, flags=re.DOTALL)
    if match is None:
        raise BuildError(f"{rel}: the first cell has no {notebooks.BADGES_START} block")
    bar = launch_bar(launch_links(match.group(1), rel, lite))
    first.source = first.source[: match.start()] + bar + first.source[match.end() :]
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            cell.source = retarget_links(cell.source, rel, pages)
        elif notebooks.SETUP_TAG in tags and "hide-input" not in tags:
            cell.metadata["tags"] = [*tags, "hide-input"]
    return nb


def execute(nb: nbformat.NotebookNode, rel: str, cwd: Path) -> float:
    """Run ``nb`` (the copy of ``rel``) top to bottom in a fresh kernel; returns seconds.
    A failing cell stops the build, except a lab stub's ``NotImplementedError``, whose
    traceback is removed."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    env = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY_ENV}
    env.update(KERNEL_ENV)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        store_widget_state=False,  # no widget is shown; the page needs no widget state
    )
    start = time.perf_counter()
    try:
        client.execute(env=env, stderr=subprocess.DEVNULL)  # no kernel start-up chatter
    except CellExecutionError as error:
        raise BuildError(f"{rel}: a cell failed:\n{str(error)[-3000:]}") from error
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or STUB_TAG not in cell.metadata.get("tags", []):
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        wrong = [o for o in errors if not _from_stub(o)]
        if wrong:
            raise BuildError(
                f"{rel}: cell {index} may fail only because of a stub's NotImplementedError, "
                f"got {wrong[0].ename}: {wrong[0].evalue}"
            )
        cell.outputs = [o for o in cell.outputs if o.output_type != "error"]
    return time.perf_counter() - start


def _from_stub(error: nbformat.NotebookNode) -> bool:
    """Whether an error output comes from an exercise stub: a ``NotImplementedError``, or
    an error raised from one (Mesa wraps a failing reporter in a ``RuntimeError``)."""
    if error.ename == "NotImplementedError":
        return True
    return any(re.search(r"\bNotImplementedError\b", line) for line in error.traceback)


def objectives(rel: str) -> str:
    """The body of the lesson's "Learning objectives" cell ('' when it has none)."""
    for cell in notebooks.read(ROOT / rel).cells:
        head, _, body = cell.source.partition("\n")
        if cell.cell_type == "markdown" and head.strip().lower() == "## learning objectives":
            return body.strip()
    return ""


def unit_page(unit: Unit) -> str:
    """The Markdown of a unit's page: title, objectives, lesson and lab, nav entries."""
    lines = [f"# Unit {unit.number} — {unit.name}", "", f"*{unit.tagline}*", ""]
    goals = objectives(unit.lesson)
    if goals:
        lines += ["## Learning objectives", "", goals, ""]
    lines += [
        "## In this unit",
        "",
        f"- **[Lesson](../{unit.lesson})**: the ideas, real cases, models and demos.",
    ]
    if unit.lab:
        lines.append(
            f"- **[Lab](../{unit.lab})**: exercises on the models, each with an automatic "
            "check, and an open question."
        )
    entries = [f"Lesson </{unit.lesson.removesuffix('.ipynb')}>"]
    if unit.lab:
        entries.append(f"Lab </{unit.lab.removesuffix('.ipynb')}>")
    lines += ["", "```{toctree}", ":hidden:", "", *entries, "```", ""]
    return "\n".join(lines)


def landing_page(units: list[Unit], lite: bool, instructors: bool) -> str:
    """The landing page: ``site/index.md`` with its start links, course map and nav."""
    text = (CONFIG / "index.md").read_text()
    first = next((u for u in units if u.number == "00"), units[0])
    badges = notebooks.read(ROOT / first.lesson).cells[0].source
    start = [f"- **Here**: begin with [Unit {first.number}]({first.lesson}) and read on."]
    for label, url in launch_links(badges, first.lesson, lite, page="index.md"):
        what = next((text for key, text in _START.items() if key in url), "")
        start.append(f'- <a href="{url}">{label}</a>{what}')
    table = ["| unit | topic | lesson | lab |", "|---|---|---|---|"]
    for unit in units:
        lab = f"[lab]({unit.lab})" if unit.lab else ""
        table.append(
            f"| {unit.number} | [{unit.name}]({unit.page}.md): {unit.tagline} "
            f"| [lesson]({unit.lesson}) | {lab} |"
        )
    if instructors:
        table += ["", "Teaching the course? See the [guide for instructors](instructors/index.md)."]
    nav = ["```{toctree}", ":hidden:", ":caption: Units", "", *[u.page for u in units], "```"]
    if instructors:
        nav += ["", "```{toctree}", ":hidden:", ":caption: Teaching", "", "instructors/index"]
        nav.append("```")
    for marker, block in (("start", start), ("units", table + ["", *nav])):
        token = f"<!-- risklab:{marker} -->"
        if text.count(token) != 1:
            raise BuildError(f"site/index.md needs exactly one {token} line")
        text = text.replace(token, "\n".join(block))
    return text


def copy_instructors(src: Path, pages: set[str]) -> bool:
    """Copy ``instructors/`` into the site as a section: its Markdown pages (``README.md``
    or ``index.md`` first) and notebooks (shown as stored), with their images. Returns
    whether there was a Markdown page to copy."""
    if not INSTRUCTORS.is_dir() or not any(INSTRUCTORS.rglob("*.md")):
        return False
    target = src / "instructors"
    shutil.copytree(INSTRUCTORS, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    readme, index = target / "README.md", target / "index.md"
    if not index.exists() and readme.exists():
        readme.rename(index)
    if not index.exists():
        index.write_text("# For instructors\n\nHow to teach the course from your own fork.\n")
    names = []
    for path in sorted([*target.rglob("*.md"), *target.rglob("*.ipynb")]):
        if path.suffix == ".md":  # links resolve as from the file's place in instructors/
            path.write_text(
                retarget_links(path.read_text(), path.relative_to(src).as_posix(), pages)
            )
        if path != index:
            names.append(path.relative_to(target).with_suffix("").as_posix())
    if names:
        tree = ["", "```{toctree}", ":hidden:", "", *names, "```", ""]
        index.write_text(index.read_text().rstrip() + "\n" + "\n".join(tree))
    return True


# -- the build ---------------------------------------------------------------------------


def write_sources(units: list[Unit], src: Path, *, lite: bool, jobs: int) -> None:
    """Fill ``src`` with the executed notebooks, the unit pages and the landing page."""
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    rels = [rel for unit in units for rel in unit.notebooks]
    pages = set(rels)

    def one(rel: str) -> None:
        nb = site_notebook(rel, pages, lite)
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        seconds = execute(nb, rel, (src / rel).parent)
        nbformat.write(nb, src / rel)
        print(f"  executed {rel} in {seconds:.1f} s", flush=True)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(one, rel) for rel in rels]:
            future.result()  # the first failure stops the build, with its message
    (src / "units").mkdir()
    for unit in units:
        (src / f"{unit.page}.md").write_text(unit_page(unit))
    instructors = copy_instructors(src, pages)
    (src / "index.md").write_text(landing_page(units, lite, instructors))


def run_sphinx(src: Path, out: Path, *, jobs: int, python: str) -> Path:
    """Render ``src`` into ``out/html`` with the configuration in ``site/``; any Sphinx
    warning (a broken reference, a missing image) fails the build."""
    html = out / "html"
    command = [
        python,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        "-W",
        "--keep-going",
        "-j",
        str(jobs),
        "-c",
        str(CONFIG),
        "-d",
        str(out / "doctrees"),
        str(src),
        str(html),
    ]
    result = subprocess.run(command, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        why = (result.stderr or result.stdout).strip()[-4000:]
        if "No module named sphinx" in why:
            why += '\n(install the site tools: pip install -e ".[site]")'
        raise BuildError(f"Sphinx failed:\n{why}")
    return html


def build(
    units: Sequence[str] | None = None,
    *,
    out: Path = DEFAULT_OUT,
    jobs: int = 1,
    lite: Path | None = DEFAULT_LITE,
    sphinx_python: str = sys.executable,
) -> Path:
    """Build the site for ``units`` (default: all) into ``out``; returns ``out/html``.
    A JupyterLite site at ``lite`` (if it has ``lab/index.html``) is copied in and linked."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"build(): parameter 'jobs' got {jobs!r}; allowed: an integer >= 1")
    chosen = discover_units(units)
    if not chosen:
        raise BuildError("no lessons found in lessons/")
    has_lite = lite is not None and (Path(lite) / "lab" / "index.html").exists()
    out = Path(out).resolve()
    start = time.perf_counter()
    print(f"Building the site for units {', '.join(u.number for u in chosen)} into {out}")
    write_sources(chosen, out / "src", lite=has_lite, jobs=jobs)
    html = out / "html"
    if html.exists():
        shutil.rmtree(html)
    run_sphinx(out / "src", out, jobs=jobs, python=sphinx_python)
    if has_lite:
        shutil.copytree(lite, html / "lite")
    print(f"Site built in {time.perf_counter() - start:.0f} s: {html / 'index.html'}")
    return html


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", nargs="+", metavar="NN", help="only these units, e.g. 00 05")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at once (default 1)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--lite", type=Path, default=DEFAULT_LITE, help="JupyterLite site to include if built"
    )
    parser.add_argument("--sphinx-python", default=sys.executable, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        build(
            args.units,
            out=args.out,
            jobs=args.jobs,
            lite=args.lite,
            sphinx_python=args.sphinx_python,
        )
    except (BuildError, ValueError, TypeError) as error:
        print(f"build_site: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

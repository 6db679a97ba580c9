"""The course website (tools/build_site.py), built for two units and checked as a reader.

Builds units :data:`UNITS` into a temporary folder (executing their lessons and labs, with
a stand-in JupyterLite site so the "when built" links are exercised), then checks every
lesson, lab and unit page exists; lesson pages carry all their figures, each image on
disk; no internal link or anchor is broken; the landing page links every unit, lesson and
lab and says how to start; each notebook page links Colab, Binder and JupyterLite for its
own notebook; dashboards appear as a figure plus the note; lab stubs leave no traceback;
no prose was typeset as math (an unescaped ``$`` for a currency). Then, in headless
Chromium (in a subprocess, see :data:`SHOOT`), the pages' images must load and screenshots
of the landing page, a lesson page and a static dashboard land in ``artifacts/screenshots/``
(``site_landing.png``, ``site_lesson.png``, ``site_dashboard.png``).

Sphinx and the theme come from this environment when it has them (``pip install -e
.[site]``), otherwise from a side environment built once from pyproject's ``site`` extra
(``~/.cache/risklab-site/``). 35-60 s on two busy cores, most of it executing 4 notebooks.
"""

from __future__ import annotations

import html.parser
import importlib.util
import json
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import build_site
import nbformat
import notebooks
import pytest
from _venv_cache import cached_venv
from test_browser import CHROMIUM_FLAGS, chromium  # noqa: F401  (chromium: a fixture)

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
#: Two units: the welcome unit (its lesson is the landing page's start) and a quick one.
UNITS = ("00", "10")
SITE_MODULES = ("sphinx", "myst_nb", "sphinx_book_theme")


def site_python() -> str:
    """An interpreter with the site's tools: this one, or a cached side environment."""
    if all(importlib.util.find_spec(name) for name in SITE_MODULES):
        return sys.executable
    pyproject = (ROOT / "pyproject.toml").read_text()
    extras = tomllib.loads(pyproject)["project"]["optional-dependencies"]
    if "site" not in extras:
        pytest.fail("pyproject.toml needs a `site` extra with the website's pinned tools")
    return str(cached_venv("site", extras["site"], key_text=pyproject))


@dataclass
class Built:
    html: Path
    src: Path
    seconds: float


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    python = site_python()
    committed = {p: p.read_bytes() for p in notebooks.all_notebooks()}
    lite = tmp_path_factory.mktemp("lite")
    (lite / "lab").mkdir()
    (lite / "lab" / "index.html").write_text("<html><body>JupyterLite stand-in</body></html>")
    out = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    try:
        html = build_site.build(list(UNITS), out=out, jobs=2, lite=lite, sphinx_python=python)
    except build_site.BuildError as error:
        pytest.fail(f"the site did not build:\n{error}", pytrace=False)
    seconds = time.perf_counter() - start
    print(f"\n[site] units {', '.join(UNITS)} built in {seconds:.0f} s")
    changed = [p for p, data in committed.items() if p.read_bytes() != data]
    assert not changed, f"building the site modified committed notebooks: {changed}"
    return Built(html=html, src=out / "src", seconds=seconds)


def units() -> list[build_site.Unit]:
    return build_site.discover_units(list(UNITS))


def notebook_pages() -> list[str]:
    return [rel for unit in units() for rel in unit.notebooks]


# -- reading the HTML ----------------------------------------------------------------------


@dataclass
class Page:
    """What the checks need from one HTML file: links, ids, images, notes, math, text."""

    path: Path
    links: list[str] = field(default_factory=list)  # href/src as written
    ids: set[str] = field(default_factory=set)
    events: list[tuple[str, str]] = field(default_factory=list)  # ("img", src) / ("note", "")
    classes: set[str] = field(default_factory=set)
    math: list[str] = field(default_factory=list)
    launch: list[str] = field(default_factory=list)  # hrefs in the launch bar
    words: list[str] = field(default_factory=list)  # the text, as a reader sees it

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.words).split())


class _Reader(html.parser.HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.stack: list[tuple[str, set[str]]] = []
        self.math_depth: int | None = None
        self.math_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        classes = set(values.get("class", "").split())
        page = self.page
        page.classes |= classes
        if "id" in values:
            page.ids.add(values["id"])
        for name in ("href", "src"):
            if name in values and tag in ("a", "link", "img", "script"):
                page.links.append(values[name])
        if tag == "img":
            page.events.append(("img", values.get("src", "")))
        if "risklab-static-dashboard" in classes:
            page.events.append(("note", ""))
        if tag == "a" and any("risklab-launch" in c for _, c in self.stack):
            page.launch.append(values.get("href", ""))
        if tag not in ("img", "br", "meta", "link", "input", "hr"):
            self.stack.append((tag, classes))
            if "math" in classes and self.math_depth is None:
                self.math_depth, self.math_text = len(self.stack), []

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            opened, _ = self.stack.pop()
            if self.math_depth is not None and len(self.stack) < self.math_depth:
                self.page.math.append("".join(self.math_text))
                self.math_depth = None
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if not any(tag in ("script", "style") for tag, _ in self.stack):
            self.page.words.append(data)
        if self.math_depth is not None:
            self.math_text.append(data)


def read_page(path: Path) -> Page:
    page = Page(path)
    _Reader(page).feed(path.read_text())
    return page


def site_pages(html: Path) -> list[Path]:
    """Every HTML page of the site (not the theme's template snippets in ``_static``, nor
    the JupyterLite stand-in)."""
    skip = {"lite", "_static"}
    return sorted(p for p in html.rglob("*.html") if not skip & set(p.relative_to(html).parts))


def figure_outputs(nb: nbformat.NotebookNode) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


# -- pages, figures, links -----------------------------------------------------------------


def test_every_lesson_lab_and_unit_page_exists(site: Built) -> None:
    for unit in units():
        assert unit.lab, f"unit {unit.number} has no lab"
        for rel in (*unit.notebooks, unit.page + ".md"):
            page = site.html / Path(rel).with_suffix(".html")
            assert page.is_file(), f"missing page {page.relative_to(site.html)}"
            assert unit.name in page.read_text() or unit.number in page.read_text()
    assert (site.html / "index.html").is_file() and (site.html / "search.html").is_file()


def test_lesson_pages_show_every_figure_of_the_executed_notebook(site: Built) -> None:
    for unit in units():
        for rel in unit.notebooks:
            executed = nbformat.read(site.src / rel, as_version=4)
            figures = figure_outputs(executed)
            page = read_page(site.html / Path(rel).with_suffix(".html"))
            images = [src for kind, src in page.events if kind == "img" and "_images/" in src]
            if rel == unit.lesson:
                assert figures >= 3, f"{rel}: only {figures} figures after executing it"
            assert len(images) >= figures, f"{rel}: {figures} figures, {len(images)} on the page"
            for src in images:
                image = (page.path.parent / unquote(src)).resolve()
                assert image.is_file() and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", src


def _internal(link: str) -> bool:
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc and link not in ("", "#")


def test_no_broken_internal_link_or_anchor(site: Built) -> None:
    pages = {p: read_page(p) for p in site_pages(site.html)}
    broken = []
    for path, page in pages.items():
        for link in filter(_internal, page.links):
            parts = urlsplit(link)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site.html)}: {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = (pages.get(target) or read_page(target)).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site.html)}: {link} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken)
    assert len(pages) >= 1 + 3 * len(UNITS)


# -- landing page and launch links ---------------------------------------------------------


def test_landing_page_links_every_unit_and_says_how_to_start(site: Built) -> None:
    landing = read_page(site.html / "index.html")
    for unit in units():
        for rel in (*unit.notebooks, unit.page + ".md"):
            assert Path(rel).with_suffix(".html").as_posix() in landing.links, rel
    for words in ("Who it is for", "How to start", "make lab", "Instructors", "Students"):
        assert words in landing.text, f"the landing page does not say {words!r}"
    welcome = "lessons/00_welcome.ipynb"
    assert any(
        link.startswith("https://colab.research.google.com/") and link.endswith(welcome)
        for link in landing.links
    )
    assert any(
        link.startswith("https://mybinder.org/") and link.endswith(welcome)
        for link in landing.links
    )
    assert f"lite/lab/index.html?path={welcome}" in landing.links


def test_every_notebook_page_opens_its_own_notebook_in_colab_binder_and_jupyterlite(
    site: Built,
) -> None:
    owner, name = notebooks.repository()
    for rel in notebook_pages():
        launch = read_page(site.html / Path(rel).with_suffix(".html")).launch
        colab = [u for u in launch if u.startswith("https://colab.research.google.com/")]
        binder = [u for u in launch if u.startswith("https://mybinder.org/")]
        assert (
            colab
            and colab[0].startswith(
                f"https://colab.research.google.com/github/{owner}/{name}/blob/"
            )
            and colab[0].endswith(f"/{rel}")
        ), f"{rel}: Colab link {colab}"
        assert (
            binder
            and binder[0].startswith(f"https://mybinder.org/v2/gh/{owner}/{name}/")
            and binder[0].endswith(f"urlpath=lab/tree/{rel}")
        ), f"{rel}: Binder link {binder}"
        lite = [u for u in launch if "lite/" in u]
        assert lite == [f"../lite/lab/index.html?path={rel}"], f"{rel}: JupyterLite {lite}"
        assert len(launch) == 3, f"{rel}: launch links {launch}"


def test_launch_links_leave_out_jupyterlite_until_it_is_built() -> None:
    rel = "lessons/00_welcome.ipynb"
    badges = notebooks.badges_markdown(ROOT / rel)
    labels = [label for label, _ in build_site.launch_links(badges, rel, lite=False)]
    assert labels and not any("JupyterLite" in label for label in labels)
    links = build_site.launch_links(badges, rel, lite=True)
    assert links[-1] == (build_site.LITE_LABEL, f"../lite/lab/index.html?path={rel}")
    assert build_site.launch_links(badges, rel, lite=True, page="index.md")[-1][1].startswith(
        "lite/lab/"
    )


def test_links_to_repository_files_outside_the_site_point_to_github() -> None:
    owner, name = notebooks.repository()
    text = (
        "[lab](../labs/00_welcome_lab.ipynb), [model](../mesa_models/welcome/corridor.py#L1), "
        "[web](https://example.org/x), [here](#learning-objectives), [gone](../nowhere.md)"
    )
    out = build_site.retarget_links(text, "lessons/00_welcome.ipynb", {"labs/00_welcome_lab.ipynb"})
    assert "[lab](../labs/00_welcome_lab.ipynb)" in out  # a page of the site stays
    assert f"(https://github.com/{owner}/{name}/blob/" in out
    assert "/mesa_models/welcome/corridor.py#L1)" in out
    assert "[web](https://example.org/x)" in out and "[here](#learning-objectives)" in out
    assert "[gone](../nowhere.md)" in out  # not a file: left for Sphinx to report


# -- dashboards, labs, math ----------------------------------------------------------------


def test_dashboards_are_a_figure_and_the_note(site: Built) -> None:
    for unit in units():
        executed = nbformat.read(site.src / unit.lesson, as_version=4)
        code = "\n".join(c.source for c in executed.cells if c.cell_type == "code")
        calls = len(re.findall(r"\bexplore\(", code))
        page = read_page(site.html / Path(unit.lesson).with_suffix(".html"))
        notes = [i for i, (kind, _) in enumerate(page.events) if kind == "note"]
        assert calls >= 1 and len(notes) == calls, (
            f"{unit.lesson}: {calls} explore calls, notes {len(notes)}"
        )
        for index in notes:
            assert index > 0 and page.events[index - 1][0] == "img", (
                f"{unit.lesson}: a dashboard note without its figure just before it"
            )
        text = page.path.read_text()
        for sign in ("Error displaying widget", "application/vnd.jupyter.widget-view+json"):
            assert sign not in text, f"{unit.lesson}: {sign!r} on the page"


def test_lab_pages_show_the_lab_as_a_student_gets_it(site: Built) -> None:
    for rel in notebook_pages():
        page = read_page(site.html / Path(rel).with_suffix(".html"))
        assert "traceback" not in page.classes, f"{rel}: an error traceback on the page"
        if rel.startswith("labs/"):
            assert "raise NotImplementedError" in page.text, f"{rel}: the stubs are missing"
            assert "not attempted yet" in page.text.lower(), f"{rel}: the checks did not run"
    assert not (site.html / "solutions").exists(), "solutions must not be published"


PROSE = re.compile(r"(?:\b[A-Za-z]{2,}\b[\s,;.]+){3}")


def test_no_prose_typeset_as_math(site: Built) -> None:
    """A ``$`` for a currency opens inline math until the next ``$``: write ``\\$4.1``."""
    found = []
    for path in site_pages(site.html):
        for formula in read_page(path).math:
            plain = re.sub(r"\\[A-Za-z]+(\{[^}]*\})?", " ", formula)  # drop \text{..}, \alpha
            if PROSE.search(plain):
                found.append(f"{path.relative_to(site.html)}: {formula[:70]!r}")
    assert not found, "text typeset as math (escape currency as \\$):\n" + "\n".join(found)


def _notebook(*cells: tuple[str, list[str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, metadata={"tags": tags}) for src, tags in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def test_execution_tolerates_only_the_stubs_and_hides_their_tracebacks(tmp_path: Path) -> None:
    stub = build_site.STUB_TAG
    nb = _notebook(
        ("print('before'); raise NotImplementedError('write this')", [stub]),
        (
            (
                "try:\n    raise NotImplementedError\nexcept NotImplementedError as e:\n"
                "    raise RuntimeError('reporter failed') from e"
            ),
            [stub],
        ),
        ("import os; print(os.environ['RISKLAB_STATIC_DASHBOARDS'])", []),
    )
    build_site.execute(nb, "labs/xx_lab.ipynb", tmp_path)
    first, wrapped, env = (cell.outputs for cell in nb.cells)
    assert [o.output_type for o in first] == ["stream"] and first[0].text == "before\n"
    assert wrapped == [] and env[0].text == "1\n"  # static dashboards in the kernel
    with pytest.raises(build_site.BuildError, match=r"labs/xx_lab.ipynb: cell 0 .* KeyError"):
        build_site.execute(_notebook(("{}['missing']", [stub])), "labs/xx_lab.ipynb", tmp_path)
    with pytest.raises(build_site.BuildError, match=r"lessons/xx.ipynb: a cell failed"):
        build_site.execute(_notebook(("1 / 0", [])), "lessons/xx.ipynb", tmp_path)


# -- bad input ---------------------------------------------------------------------------


def test_bad_arguments_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="unit '5' is not a two-digit unit number"):
        build_site.discover_units(["5"])
    with pytest.raises(ValueError, match="no lesson for unit 42"):
        build_site.discover_units(["42"])
    with pytest.raises(TypeError, match="list of strings"):
        build_site.discover_units("00")
    with pytest.raises(ValueError, match="'jobs' got 0"):
        build_site.build(["00"], jobs=0)
    assert build_site.main(["--units", "5"]) == 1


# -- in a real browser ---------------------------------------------------------------------


# Runs in its own process: a Playwright session that another test module keeps open in this
# process (test_browser's) would refuse a second one, and a hung browser is killed by timeout.
SHOOT = r"""
import json, sys
from pathlib import Path
from playwright.sync_api import sync_playwright

chromium, html, out, flags = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]
report = {}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, args=flags, headless=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    for name, rel in (("site_landing", "index.html"), ("site_lesson", "lessons/00_welcome.html")):
        page.goto((html / rel).as_uri(), wait_until="load")
        report[rel] = {
            "broken_images": page.evaluate(
                "Array.from(document.images).filter(i => i.src.startsWith('file:')"
                " && !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
            ),
            "navigation": page.locator(".bd-sidebar-primary").is_visible(),
        }
        page.screenshot(path=str(out / f"{name}.png"), full_page=name == "site_landing")
    cell = page.locator("div.cell", has=page.locator(".risklab-static-dashboard")).first
    cell.screenshot(path=str(out / "site_dashboard.png"))
    browser.close()
print("RISKLAB-SHOTS " + json.dumps(report))
"""


def test_screenshots_of_landing_and_lesson_page(
    site: Built,
    chromium: Path,  # noqa: F811  (the fixture imported from test_browser)
    tmp_path: Path,
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "shoot.py"
    script.write_text(SHOOT)
    done = subprocess.run(
        [sys.executable, str(script), str(chromium), str(site.html), str(SCREENSHOTS)]
        + CHROMIUM_FLAGS,
        check=False,
        capture_output=True,
        text=True,
        timeout=180,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RISKLAB-SHOTS ")]
    assert lines, f"the browser run failed:\n{done.stdout[-1500:]}\n{done.stderr[-2500:]}"
    for rel, seen in json.loads(lines[-1].removeprefix("RISKLAB-SHOTS ")).items():
        assert not seen["broken_images"], f"{rel}: images the browser could not show: {seen}"
        assert seen["navigation"], f"{rel}: the navigation sidebar is not visible"
    for name in ("site_landing", "site_lesson", "site_dashboard"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name


def test_publishing_workflow_builds_and_deploys_this_site() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = " ".join(step.get("run", "") for step in build["steps"])
    assert "make site" in runs and "make lite" in runs
    assert runs.index("make lite") < runs.index("make site"), "lite first: site copies it in"
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    html = (build_site.DEFAULT_OUT / "html").relative_to(ROOT).as_posix()
    assert upload["with"]["path"] == html
    assert build_site.DEFAULT_LITE.relative_to(ROOT).as_posix() == "_build/lite"
    assert deploy["needs"] == "build" and deploy["permissions"] == {
        "pages": "write",
        "id-token": "write",
    }
    assert any("deploy-pages" in s.get("uses", "") for s in deploy["steps"])
    assert workflow["permissions"] == {"contents": "read"}  # write access only to deploy

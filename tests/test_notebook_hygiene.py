"""Every notebook as committed: clean, on-template, Colab/Binder-ready and self-contained.

For every notebook in lessons/, solutions/ and labs/:

* committed without outputs or execution counts; kernelspec ``python3``;
* exactly one code cell tagged ``setup``, equal to ``tools/notebooks.setup_source()``; the
  setup code installs only when ``google.colab`` imports, pins the package, and never
  installs or upgrades ipywidgets or matplotlib;
* the badges block equals ``tools/notebooks.badges_markdown(path)`` and every Colab/Binder
  URL in the notebook opens a notebook of the repository named in pyproject.toml;
* the template's parts (DESIGN.md §4) are present: lessons have learning objectives (3-5),
  "What do you notice?" prompts, an ``explore`` demo, "Check your understanding" with
  hidden answers, Connections, Summary, References and Next; labs and solutions have
  objectives (or a brief), at least three exercises each with a check cell (an exercise
  whose heading says "open" needs none), and References;
* every reference has a link or a DOI;
* no code cell (the setup cell aside) reaches the network or reads a file outside the
  repository.

Plus: ``tools/sync_notebooks.py --check`` and ``tools/make_labs.py --check`` pass, and
every lab has its solution. The rules themselves are tested on small notebooks built here
(``test_rule_*``), so a rule that could never fail would be caught.
"""

from __future__ import annotations

import ast
import copy
import re
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as nbs  # noqa: E402

NOTEBOOKS = [p.relative_to(ROOT).as_posix() for p in nbs.all_notebooks()]

URL = re.compile(r"https?://[^\s)\]>\"']+")
COLAB_URL = re.compile(
    r"https://colab\.research\.google\.com/github/([\w.-]+)/([\w.-]+)/blob/([\w.-]+)/([^\s)?#]+)"
)
BINDER_URL = re.compile(
    r"https://mybinder\.org/v2/gh/([\w.-]+)/([\w.-]+)/([\w.-]+)\?urlpath=lab/tree/([^\s)&#]+)"
)
BADGE_IMAGES = ("colab.research.google.com/assets/", "mybinder.org/badge")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
LINK_OR_DOI = re.compile(r"https?://|\bdoi:\s*10\.", re.I)
NETWORK_MODULES = {
    "requests",
    "urllib",
    "urllib2",
    "urllib3",
    "httpx",
    "http",
    "socket",
    "aiohttp",
    "ftplib",
    "webbrowser",
    "wget",
}
NETWORK_CALLS = {"urlopen", "urlretrieve", "download"}
READERS = {
    "open",
    "read_csv",
    "read_table",
    "read_json",
    "read_excel",
    "read_parquet",
    "read_pickle",
    "read_feather",
    "read_hdf",
    "load",
    "loadtxt",
    "genfromtxt",
    "fromfile",
    "imread",
    "Path",
    "read_text",
    "read_bytes",
    "read_gml",
    "read_graphml",
    "read_edgelist",
    "read_adjlist",
}
ABSOLUTE_PATH = re.compile(
    r"^(~[/\\]|[A-Za-z]:[\\/]|/(home|root|tmp|Users|mnt|content|data|var|opt|etc|usr|work|srv|media)\b)"
)

LESSON_SECTIONS = (
    "Learning objectives",
    "Check your understanding",
    "Connections",
    "Summary",
    "References",
    "Next",
)
LAB_SECTIONS = ("References",)


# -- the rules -------------------------------------------------------------------------------


def kind(rel: str) -> str:
    return "lesson" if rel.startswith(("lessons/", "instructors/")) else "lab"


def markdown_sections(nb) -> list[tuple[int, str, str]]:
    """``(level, title, body)`` for every markdown heading, body up to the next heading of
    the same or a higher level."""
    lines = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown").splitlines()
    heads = [
        (i, len(m.group(1)), m.group(2))
        for i, line in enumerate(lines)
        if (m := HEADING.match(line))
    ]
    sections = []
    for k, (i, level, title) in enumerate(heads):
        end = next((j for j, lvl, _ in heads[k + 1 :] if lvl <= level), len(lines))
        sections.append((level, title, "\n".join(lines[i + 1 : end])))
    return sections


def find_section(nb, title: str) -> str | None:
    pattern = re.compile(rf"(?<!\w){re.escape(title.lower())}(?!\w)")
    for _, heading, body in markdown_sections(nb):
        if pattern.search(heading.lower()):  # whole words: "References", not "preferences"
            return body
    return None


def list_items(text: str) -> list[str]:
    """Top-level list items, continuation lines joined."""
    items: list[str] = []
    base: int | None = None
    for line in text.splitlines():
        match = LIST_ITEM.match(line)
        if match and (base is None or len(match.group(1)) <= base):
            base = len(match.group(1))
            items.append(match.group(2))
        elif items and line.strip() and (line.startswith((" ", "\t")) or match):
            items[-1] += " " + line.strip()
    return items


def setup_cells(nb) -> list:
    return [c for c in nb.cells if nbs.SETUP_TAG in c.get("metadata", {}).get("tags", [])]


def setup_problems(source: str) -> list[str]:
    """What is wrong with a setup cell's code for Colab (empty list: nothing)."""
    problems = []
    if re.search(r"^\s*[!%]", source, flags=re.M):
        problems.append(
            "setup cell uses shell/magic lines (!pip, %pip): they run everywhere, not only on Colab"
        )
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return [*problems, f"setup cell does not parse: {error}"]
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    flags = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(s, ast.Import) and any(a.name == "google.colab" for a in s.names)
            for s in node.body
        ):
            flags |= {
                t.id
                for s in node.body
                if isinstance(s, ast.Assign)
                for t in s.targets
                if isinstance(t, ast.Name)
            }
    constants = {  # NAME = "text" at top level: a call's argument NAME means "text"
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    installs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            words = [
                c.value if isinstance(c, ast.Constant) else constants[c.id]
                for c in ast.walk(node)
                if (isinstance(c, ast.Constant) and isinstance(c.value, str))
                or (isinstance(c, ast.Name) and c.id in constants)
            ]
            if "install" in words or any("pip install" in w for w in words):
                installs.append((node, words))
    for node, words in installs:
        guarded, up = False, node
        while up in parents:
            up = parents[up]
            if isinstance(up, ast.If) and any(
                (isinstance(n, ast.Name) and n.id in flags)
                or (isinstance(n, ast.Attribute) and n.attr == "colab")
                for n in ast.walk(up.test)
            ):
                guarded = True
        line = f"line {node.lineno}"
        if not guarded:
            problems.append(
                f"setup cell installs outside an `if` on google.colab being importable ({line})"
            )
        if any(w in ("-U", "--upgrade", "--force-reinstall") for w in words):
            problems.append(
                f"setup cell upgrades packages on Colab ({line}): Colab's ipywidgets/matplotlib must stay"
            )
        if any(re.search(r"ipywidgets|matplotlib", w) for w in words):
            problems.append(
                f"setup cell installs ipywidgets or matplotlib ({line}): Colab's own versions must stay"
            )
        if not any(re.search(r"@[\w.-]+$|==\d", w) for w in words):
            problems.append(
                f"setup cell installs an unpinned package ({line}): name a git ref or version"
            )
    browser = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in ("piplite", "micropip")
    ]
    for node in browser:
        up, guarded = node, False
        while up in parents:
            up = parents[up]
            guarded |= isinstance(up, ast.If) and "emscripten" in ast.unparse(up.test)
        if not guarded:
            problems.append(
                f"setup cell calls {ast.unparse(node.func)} outside an `if` on "
                f'sys.platform == "emscripten" (line {node.lineno})'
            )
    if not browser:
        problems.append("setup cell has no JupyterLite branch (piplite.install on emscripten)")
    return problems


def code_problems(source: str, notebook_dir: Path) -> list[str]:
    """Network access and reads outside the repository in one code cell."""
    python = TransformerManager().transform_cell(source)  # magics and !shell -> Python calls
    problems = []
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return [f"does not parse as Python: {line!r}" for line in source.splitlines()[:1]]
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if re.search(r"\b(https?|ftp)://", node.value):
                problems.append(
                    f"reaches the network: {URL.search(node.value) or node.value[:60]!r}"[:120]
                )
            if ABSOLUTE_PATH.match(node.value):
                problems.append(f"uses an absolute path outside the repository: {node.value!r}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            bad = [n for n in names if n.split(".")[0] in NETWORK_MODULES]
            if bad:
                problems.append(f"imports a network module: {bad[0]}")
        elif isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name in NETWORK_CALLS:
                problems.append(f"calls {name}(): notebooks must not download anything")
            if (
                name in READERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                target = node.args[0].value
                resolved = (notebook_dir / Path(target).expanduser()).resolve()
                if not target.startswith(("http", "ftp")) and not resolved.is_relative_to(ROOT):
                    problems.append(f"{name}({target!r}) reads outside the repository")
    return problems


def badge_problems(nb, rel: str) -> list[str]:
    problems = []
    owner, name = nbs.repository()
    first = nb.cells[0] if nb.cells else None
    expected = nbs.badges_markdown(ROOT / rel)
    if first is None or first.cell_type != "markdown" or expected not in first.source:
        problems.append(
            "first cell lacks the generated badges (run `python tools/sync_notebooks.py`)"
        )
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for pattern, site in ((COLAB_URL, "Colab"), (BINDER_URL, "Binder")):
            for match in pattern.finditer(cell.source):
                repo, ref, path = f"{match.group(1)}/{match.group(2)}", *match.group(3, 4)
                if repo != f"{owner}/{name}":
                    problems.append(
                        f"cell {index}: {site} link opens {repo}, not {owner}/{name} (pyproject [project.urls])"
                    )
                if index == 0 and ref != nbs.course_ref():
                    problems.append(
                        f"cell {index}: {site} badge opens ref {ref!r}, but Colab installs "
                        f"{nbs.course_ref()!r} ([tool.risklab] ref)"
                    )
                if index == 0 and path != rel:
                    problems.append(
                        f"cell {index}: {site} badge opens {path}, not this notebook ({rel})"
                    )
                elif path != rel and not (ROOT / path).exists():
                    problems.append(
                        f"cell {index}: {site} link opens {path}, which is not in the repository"
                    )
    return problems


#: A dollar amount written as ``$4.1 billion``: Markdown renderers (JupyterLab, Colab, the
#: website) read two of them in a cell as a maths formula. Write ``\$4.1 billion``.
UNESCAPED_MONEY = re.compile(r"(?<![\\$])\$\d[\d,]*(?:\.\d+)?(?=\s+[a-z]|\*\*|\s*\(|[.,;:]\s|\s*$)")


def template_problems(nb, rel: str) -> list[str]:
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            problems += [
                f"cell {index}: write {m.group(0)!r} as '\\{m.group(0)}' (an unescaped $ starts maths)"
                for m in UNESCAPED_MONEY.finditer(cell.source)
            ]
    sections = markdown_sections(nb)
    titles = [title.lower() for _, title, _ in sections]
    if not sections or sections[0][0] != 1:
        problems.append("the first heading must be the notebook's title (# ...)")
    required = LESSON_SECTIONS if kind(rel) == "lesson" else LAB_SECTIONS
    for title in required:
        if not any(title.lower() in t for t in titles):
            problems.append(f"missing section {title!r}")
    objectives = find_section(nb, "Learning objectives")
    if kind(rel) == "lab" and objectives is None and find_section(nb, "Brief") is None:
        problems.append("missing section 'Learning objectives' (or a 'Brief')")
    if objectives is not None and not 3 <= len(list_items(objectives)) <= 5:
        problems.append(
            f"learning objectives: {len(list_items(objectives))} items, the template asks for 3-5"
        )
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    if kind(rel) == "lesson":
        if "what do you notice" not in markdown.lower():
            problems.append("no 'What do you notice?' prompt")
        if not any(re.search(r"\bexplore\(", source) for source in code):
            problems.append("no interactive demo (explore(...))")
        check = find_section(nb, "Check your understanding")
        if check is not None and not ("<details" in check and "<summary" in check):
            problems.append(
                "'Check your understanding' needs answers hidden in <details><summary>Answer</summary>...</details>"
            )
    else:
        exercises = [t for t in titles if re.search(r"\bexercise\b", t)]
        checks = [
            s for s in code if s.strip() and re.match(r"check_\w*\(", s.strip().splitlines()[-1])
        ]
        if len(exercises) < 3:
            problems.append(f"{len(exercises)} 'Exercise' sections, labs need at least 3")
        graded = [t for t in exercises if "open" not in t]  # an open question needs no check
        if len(checks) < len(graded) or len(checks) < 3:
            problems.append(
                f"{len(checks)} check cells (last line `check_...(...)`) for {len(graded)} graded exercises"
            )
    references = find_section(nb, "References")
    if references is not None:
        items = list_items(references)
        if not items:
            problems.append("References: no list items")
        for item in items:
            if not LINK_OR_DOI.search(item):
                problems.append(f"reference without a link or DOI: {item[:80]!r}")
    return problems


def notebook_problems(nb, rel: str) -> list[str]:
    """Everything wrong with notebook ``nb`` stored at repository path ``rel``."""
    problems = []
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append(
            f"kernelspec name must be 'python3', got {nb.metadata.get('kernelspec', {}).get('name')!r}"
        )
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (
            cell.get("outputs") or cell.get("execution_count") is not None
        ):
            problems.append(
                f"cell {index} was committed with outputs or an execution count (save with tools/notebooks.write)"
            )
    setup = setup_cells(nb)
    if len(setup) != 1 or setup[0].cell_type != "code":
        problems.append(f"needs exactly one code cell tagged 'setup', found {len(setup)}")
    else:
        if setup[0].source != nbs.setup_source():
            problems.append(
                "setup cell differs from tools/notebooks.setup_source() (run `python tools/sync_notebooks.py`)"
            )
        problems += setup_problems(setup[0].source)
    problems += badge_problems(nb, rel)
    problems += template_problems(nb, rel)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell not in setup:
            problems += [
                f"cell {index} {p}" for p in code_problems(cell.source, (ROOT / rel).parent)
            ]
    return problems


# -- the notebooks in the repository ---------------------------------------------------------


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_notebook_follows_the_rules(rel: str) -> None:
    problems = notebook_problems(nbs.read(ROOT / rel), rel)
    assert not problems, f"{rel}:\n  " + "\n  ".join(problems)


def test_setup_source_is_colab_only_and_pinned() -> None:
    assert setup_problems(nbs.setup_source()) == []
    assert "google.colab" in nbs.setup_source()
    assert f'COURSE = "{nbs.course_requirement()}"' in nbs.setup_source()
    assert nbs.course_requirement().endswith(f"@{nbs.course_ref()}")


def test_rule_badges_open_the_ref_colab_installs() -> None:
    nb = good_notebook(LESSON)
    nb.cells[0].source = nb.cells[0].source.replace(
        f"/blob/{nbs.course_ref()}/", "/blob/some-other-branch/"
    )
    assert any("opens ref 'some-other-branch'" in p for p in notebook_problems(nb, LESSON))


@pytest.mark.parametrize("tool", ["sync_notebooks", "make_labs"])
def test_generated_parts_are_in_sync(tool: str, capsys: pytest.CaptureFixture[str]) -> None:
    module = __import__(tool)  # tools/ is on sys.path
    status = module.main(["--check"])
    assert status == 0, (
        f"`python tools/{tool}.py --check` failed; run it without --check:\n{capsys.readouterr().out}"
    )


def test_every_lab_has_its_solution() -> None:
    labs = {p.name for p in (ROOT / "labs").glob("*.ipynb")}
    solutions = {p.name for p in (ROOT / "solutions").glob("*.ipynb")}
    assert labs == solutions, (
        f"labs without a solution: {sorted(labs - solutions)}; solutions without a lab: {sorted(solutions - labs)}"
    )


# -- the rules catch what they claim to catch --------------------------------------------------


def good_notebook(rel: str):
    """A minimal notebook that follows every rule, as the repository would store it at ``rel``."""
    nb = new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    setup = new_code_cell(nbs.setup_source(), metadata={"tags": ["setup"]})
    refs = (
        "## References\n\n"
        "- Hammond, L. et al. (2025). *Multi-Agent Risks from Advanced AI*. https://arxiv.org/abs/2502.14143\n"
        "- Nowak, M. A., & May, R. M. (1992). Evolutionary games and spatial chaos.\n"
        "  *Nature* 359, 826-829. doi:10.1038/359826a0"
    )
    objectives = "## Learning objectives\n\n1. **Run** a model.\n2. **Explain** a result.\n3. **Predict** a change."
    cells = [
        new_markdown_cell("# A title\n\nA hook.\n\n" + nbs.badges_markdown(ROOT / rel)),
        setup,
        new_markdown_cell(objectives),
    ]
    if kind(rel) == "lesson":
        cells += [
            new_code_cell(
                "from mesa_models import explore\nfrom mesa_models.welcome.corridor import Corridor\nexplore(Corridor)"
            ),
            new_markdown_cell("**What do you notice?** Something."),
            new_markdown_cell(
                "## Check your understanding\n\n1. Why?\n<details><summary>Answer</summary>Because.</details>"
            ),
            new_markdown_cell("## Connections\n\nCases.\n\n## Summary\n\nShort."),
            new_markdown_cell(refs),
            new_markdown_cell(
                "## Next\n\nUnit 01: [Open in Colab](https://colab.research.google.com/github/"
                f"{'/'.join(nbs.repository())}/blob/main/{rel})"
            ),
        ]
    else:
        for k in (1, 2, 3):
            cells += [
                new_markdown_cell(f"## Exercise {k}"),
                new_code_cell(f"def f{k}():\n    return {k}"),
                new_code_cell(f"check_exercise_{k}(f{k})"),
            ]
        cells.append(new_markdown_cell(refs))
    nb.cells = cells
    return nb


@pytest.mark.parametrize("rel", ["lessons/99_fixture.ipynb", "solutions/99_fixture_lab.ipynb"])
def test_rule_good_notebook_passes(rel: str) -> None:
    nb = nbformat.reads(nbs.writes(good_notebook(rel)), as_version=4)  # as committed
    assert notebook_problems(nb, rel) == []


LESSON = "lessons/99_fixture.ipynb"


def _break(change) -> list[str]:
    nb = good_notebook(LESSON)
    change(nb)
    return notebook_problems(nb, LESSON)


def _code(nb, source: str) -> None:
    nb.cells.insert(3, new_code_cell(source))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda nb: nb.cells[3].update(execution_count=3), "committed with outputs"),
        (lambda nb: nb.metadata.kernelspec.update(name="python3.12"), "kernelspec"),
        (lambda nb: nb.cells[1].metadata.update(tags=[]), "exactly one code cell tagged 'setup'"),
        (
            lambda nb: nb.cells[1].update(source=nb.cells[1].source + "\n"),
            "differs from tools/notebooks.setup_source()",
        ),
        (
            lambda nb: nb.cells[0].update(
                source=nb.cells[0].source.replace("/lessons/99", "/lessons/98")
            ),
            "not this notebook",
        ),
        (
            lambda nb: nb.cells[0].update(
                source=nb.cells[0].source.replace("/".join(nbs.repository()), "someone-else/x")
            ),
            "opens someone-else/x",
        ),
        (
            lambda nb: nb.cells[-1].update(
                source="## Next\n\n[Colab](https://colab.research.google.com/github/"
                f"{'/'.join(nbs.repository())}/blob/main/lessons/nope.ipynb)"
            ),
            "not in the repository",
        ),
        (lambda nb: nb.cells.pop(5), "missing section 'Check your understanding'"),
        (
            lambda nb: nb.cells[5].update(source="## Check your understanding\n\n1. Why? Because."),
            "<details>",
        ),
        (lambda nb: nb.cells.pop(), "missing section 'Next'"),
        (lambda nb: nb.cells[2].update(source="## Learning objectives\n\n- one\n- two"), "2 items"),
        (
            lambda nb: nb.cells[4].update(source=nb.cells[4].source + " It cost $4.1 billion."),
            "write '$4.1' as",
        ),
        (lambda nb: nb.cells[4].update(source="Nothing to notice."), "What do you notice"),
        (
            lambda nb: nb.cells[3].update(
                source="from mesa_models.welcome.corridor import Corridor"
            ),
            "explore",
        ),
        (
            lambda nb: nb.cells[7].update(
                source="## References\n\n- Lewis, D. (1969). *Convention*. Harvard."
            ),
            "without a link or DOI",
        ),
        (
            lambda nb: _code(nb, "import pandas as pd\npd.read_csv('https://example.org/x.csv')"),
            "reaches the network",
        ),
        (lambda nb: _code(nb, "import requests"), "network module"),
        (lambda nb: _code(nb, "from urllib.request import urlopen"), "network module"),
        (lambda nb: _code(nb, "!wget http://example.org/data.csv"), "reaches the network"),
        (lambda nb: _code(nb, "open('/home/me/data.csv')"), "absolute path"),
        (
            lambda nb: _code(nb, "import numpy as np\nnp.loadtxt('../../elsewhere.txt')"),
            "reads outside the repository",
        ),
    ],
)
def test_rule_catches(change, expected: str) -> None:
    problems = _break(change)
    assert any(expected in p for p in problems), (
        f"expected a problem mentioning {expected!r}, got {problems}"
    )


def test_rule_allows_reads_inside_the_repository() -> None:
    assert code_problems("open('../pyproject.toml').read()", ROOT / "lessons") == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'pip', 'install', 'x @ git+https://h/x@v1'])",
            "outside an `if`",
        ),
        (
            "try:\n    import google.colab\n    C = True\nexcept ImportError:\n    C = False\nif C:\n"
            "    subprocess.run(['pip', 'install', '-U', 'ipywidgets==8.1.5', 'x==1'])",
            "upgrades",
        ),
        (
            "try:\n    import google.colab\n    C = True\nexcept ImportError:\n    C = False\nif C:\n"
            "    subprocess.run(['pip', 'install', 'matplotlib==3.9', 'x==1'])",
            "installs ipywidgets or matplotlib",
        ),
        (
            "try:\n    import google.colab\n    C = True\nexcept ImportError:\n    C = False\nif C:\n"
            "    subprocess.run(['pip', 'install', 'multi-agent-risk-lab'])",
            "unpinned",
        ),
        ("!pip install multi-agent-risk-lab==0.1", "shell/magic"),
        (
            "try:\n    import google.colab\n    C = True\nexcept ImportError:\n    C = False\n"
            "COURSE = 'multi-agent-risk-lab'\nif C:\n    subprocess.run(['pip', 'install', COURSE])",
            "unpinned",
        ),
        ("import piplite\nawait piplite.install('multi-agent-risk-lab')", "outside an `if` on"),
        (
            "import sys\nif sys.platform == 'linux':\n    import micropip\n"
            "    await micropip.install('multi-agent-risk-lab')",
            "outside an `if` on",
        ),
        ("import sys", "no JupyterLite branch"),
    ],
)
def test_rule_setup_cell(source: str, expected: str) -> None:
    problems = setup_problems(source)
    assert any(expected in p for p in problems), f"expected {expected!r}, got {problems}"


def test_rule_lab_needs_exercises_and_checks() -> None:
    rel = "solutions/99_fixture_lab.ipynb"
    nb = good_notebook(rel)
    nb.cells = [c for c in nb.cells if not c.source.startswith("check_exercise_3")]
    assert any("check cells" in p for p in notebook_problems(nb, rel))
    nb = good_notebook(rel)
    nb.cells.append(new_markdown_cell("## Exercise 4 (open): argue with a plot"))
    assert notebook_problems(nb, rel) == []
    nb = good_notebook(rel)
    nb.cells = [copy.deepcopy(c) for c in nb.cells if c.source != "## Exercise 3"]
    assert any("'Exercise' sections" in p for p in notebook_problems(nb, rel))

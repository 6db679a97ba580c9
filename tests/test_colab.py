"""The course on Google Colab as it is today: Python 3.13 and Colab's own package versions.

Students on Colab get Colab's Python, ipywidgets 7, IPython 7, numpy, pandas and
matplotlib; installing the course must not change them, and every lesson must work on them.

* :data:`COLAB` holds Colab's versions of everything the course, its kernel and this
  harness install, in one place, with its source. A fast test checks that pyproject.toml's
  ``dependencies`` admit every one of them, so the install on Colab never upgrades Colab.
* A virtual environment with Python 3.13 and exactly those versions (``pip install
  --no-deps``) is built once into ``~/.cache/risklab-colab/<key>`` (about two minutes).
  The course is installed into it as the setup cell does on Colab, ``pip install
  "multi-agent-risk-lab @ <url>"`` with a copy of the working tree's package files as the
  url (a built wheel, not editable); redone only when those files change (about 15 s).
  A test checks that pip changed none of Colab's versions.
* Every lesson runs there with nbclient (tests/_colab_lesson.py) and ``google.colab``
  importable, so the setup cell takes its Colab branch and must find the course installed
  and do nothing (no pip, no output). Every ``explore`` dashboard is then driven from the
  kernel: one control of each kind and the seed box rebuild the model, Step, Run and Reset
  advance and redraw, and each dashboard's Output ends holding one figure (none stacked,
  none leaked into the cell). One test per lesson.

Skipped with the reason when no Python 3.13 is found or pip cannot build the environment.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as nbs
from venvs import locked, venv_python  # noqa: E402  (shared with tools/build_lite.py)

LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
RUNNER = Path(__file__).with_name("_colab_lesson.py")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "risklab-colab"
INSTALL_TIMEOUT = 600  # s
LESSON_TIMEOUT = 300  # s, one lesson with its dashboards (cells time out after 120 s)

# Google Colab's CPU runtime, from github.com/googlecolab/backend-info at commit a724079
# (a72407924822ea377410b69f0a290150bcb5c9c2, 2026-08-19, "Upgrade to Python 3.13"):
# os-info.txt says Python 3.13.15; the pins are the lines of pip-freeze.txt that the course
# (its dependencies), ipykernel and nbclient need: the closure pip resolves from
# `pip install -c pip-freeze.txt ipywidgets ipykernel nbclient matplotlib numpy pandas
# networkx scipy tqdm numba setuptools wheel` on Python 3.13, minus jedi (Colab has no
# jedi, although IPython 7 asks for it). To refresh: rerun that line against the new
# pip-freeze.txt and paste `pip freeze` here (drop what Colab does not list).
COLAB_PYTHON = "3.13.15"
COLAB_FREEZE = """
anyio==4.14.2 argon2-cffi==25.1.0 argon2-cffi-bindings==25.1.0 arrow==1.4.0 attrs==26.1.0
backcall==0.2.0 beautifulsoup4==4.13.5 bleach==6.4.0 cffi==2.1.1 contourpy==1.3.3
cycler==0.12.1 debugpy==1.8.15 decorator==4.4.2 defusedxml==0.7.1 entrypoints==0.4
fastjsonschema==2.22.2 fonttools==4.63.0 fqdn==1.5.1 idna==3.18 ipykernel==6.17.1
ipython==7.34.0 ipython-genutils==0.2.0 ipywidgets==7.7.1 isoduration==20.11.0
Jinja2==3.1.6 jsonpointer==3.1.1 jsonschema==4.26.0 jsonschema-specifications==2025.9.1
jupyter-events==0.12.1 jupyter_client==7.4.9 jupyter_core==5.9.1 jupyter_server==2.20.0
jupyter_server_terminals==0.5.4 jupyterlab_pygments==0.3.0 jupyterlab_widgets==3.0.16
kiwisolver==1.5.0 lark==1.3.1 llvmlite==0.44.0 MarkupSafe==3.0.3 matplotlib==3.10.0
matplotlib-inline==0.2.2 mistune==3.3.4 nbclassic==1.3.3 nbclient==0.10.4 nbconvert==7.17.1
nbformat==5.11.1 nest-asyncio==1.6.0 networkx==3.6.1 notebook==6.5.7 notebook_shim==0.2.4
numba==0.61.2 numpy==2.1.3 packaging==26.3 pandas==2.2.3 pandocfilters==1.5.1 parso==0.8.7
pexpect==4.9.0 pickleshare==0.7.5 pillow==11.3.0 pip==24.1.2 platformdirs==4.11.3
prometheus_client==0.26.0 prompt_toolkit==3.0.53 psutil==5.9.5 ptyprocess==0.7.0
pycparser==3.0 Pygments==2.21.0 pyparsing==3.3.2 python-dateutil==2.9.0.post0
python-json-logger==4.2.0 pytz==2025.2 PyYAML==6.0.3 pyzmq==26.2.1 referencing==0.37.0
rfc3339-validator==0.1.4 rfc3986-validator==0.1.1 rfc3987-syntax==1.1.0 rpds-py==2026.6.3
scipy==1.16.3 Send2Trash==2.1.0 setuptools==75.2.0 six==1.17.0 soupsieve==2.9.2
terminado==0.18.1 tinycss2==1.5.1 tornado==6.5.7 tqdm==4.67.3 traitlets==5.7.1
typing_extensions==4.16.0 tzdata==2026.3 uri-template==1.3.0 wcwidth==0.8.2
webcolors==25.10.0 webencodings==0.6.1 websocket-client==1.9.0 wheel==0.48.0
widgetsnbextension==3.6.10
"""
#: ``{canonical name: version}`` of :data:`COLAB_FREEZE`.
COLAB = {
    canonicalize_name(name): version
    for name, version in (pin.split("==") for pin in COLAB_FREEZE.split())
}


# -- fast checks: no environment needed ------------------------------------------------
def colab_conflicts(requirements: list[str]) -> list[str]:
    """The requirements that exclude Colab's version of their package (pip would change
    Colab's package to satisfy them); packages Colab lacks (mesa) may be pinned freely."""
    conflicts = []
    for line in requirements:
        req = Requirement(line)
        colab = COLAB.get(canonicalize_name(req.name))
        if colab is not None and not req.specifier.contains(colab, prereleases=True):
            conflicts.append(f"{line!r} (Colab has {colab})")
    return conflicts


def test_dependencies_admit_colab_versions() -> None:
    """Every floor in pyproject.toml's ``dependencies`` is at or below Colab's version, and
    ``requires-python`` admits Colab's Python: installing the course never upgrades Colab."""
    project = nbs.project()
    assert SpecifierSet(project["requires-python"]).contains(COLAB_PYTHON), (
        f"requires-python {project['requires-python']!r} excludes Colab's Python {COLAB_PYTHON}"
    )
    conflicts = colab_conflicts(project["dependencies"])
    assert not conflicts, f"pip would change Colab's packages for: {'; '.join(conflicts)}"


def test_colab_conflicts_finds_floors_above_colab() -> None:
    conflicts = colab_conflicts(
        ["numpy>=2.2", "ipywidgets>=8", "mesa==3.5.1", "pandas>=2.1", "matplotlib<3.10"]
    )
    assert [c.split("'")[1] for c in conflicts] == [
        "numpy>=2.2",
        "ipywidgets>=8",
        "matplotlib<3.10",
    ]
    assert "Colab has 2.1.3" in conflicts[0]


def test_colab_pins_are_read_whole() -> None:
    """Every line of :data:`COLAB_FREEZE` is one ``name==version`` pin, none twice."""
    pins = COLAB_FREEZE.split()
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][\w.+-]*", pin) for pin in pins), pins
    assert len(COLAB) == len(pins), "a package is pinned twice in COLAB_FREEZE"
    for name in ("ipywidgets", "ipython", "ipykernel", "matplotlib", "numpy", "pandas"):
        assert name in COLAB, f"COLAB_FREEZE lacks {name}"


# -- the environment --------------------------------------------------------------------
def find_python313() -> tuple[Path, str] | None:
    """``(interpreter, sys.version)`` of a Python 3.13: ``$RISKLAB_PYTHON313``, then where
    tools/bootstrap.sh looks (``python3.13`` on PATH, pyenv, /usr/local/bin, /opt/python)."""
    candidates = [
        os.environ.get("RISKLAB_PYTHON313"),
        shutil.which("python3.13"),
        *sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.13*/bin/python3")), reverse=True),
        "/usr/local/bin/python3.13",
        *sorted(glob.glob("/opt/python/3.13*/bin/python3"), reverse=True),
    ]
    probe = (
        "import sys; print(sys.version_info[:2] == (3, 13), sys.executable, sys.version, sep='\\n')"
    )
    for candidate in filter(None, candidates):
        try:
            found = subprocess.run(
                [candidate, "-c", probe],
                check=False,
                capture_output=True,
                text=True,
                timeout=30,
                env={**os.environ, "PYENV_VERSION": ""},
            )
        except (OSError, subprocess.SubprocessError):
            continue
        lines = found.stdout.splitlines()
        if found.returncode == 0 and lines[:1] == ["True"]:
            return Path(lines[1]), lines[2]
    return None


def pip(python: Path, *args: str) -> subprocess.CompletedProcess:
    """Run pip in ``python``'s environment, from the environment's folder (from the
    repository, ``python -m`` would see the editable install's egg-info as installed)."""
    return subprocess.run(
        [str(python), "-m", "pip", *args, "--disable-pip-version-check"],
        check=False,
        cwd=python.parent.parent,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def skip_unless_installed(result: subprocess.CompletedProcess, what: str) -> None:
    """Skip when pip failed for want of the network; fail on any other pip error."""
    if result.returncode == 0:
        return
    said = result.stderr.strip()[-1500:]
    offline = re.search(
        r"No matching distribution|Could not find a version|connection|resolve", said, re.IGNORECASE
    )
    if offline:
        pytest.skip(f"cannot build the Colab environment ({what}; no network or PyPI?): {said}")
    pytest.fail(f"pip could not {what} on Colab's stack:\n{said}")


def build_colab_venv() -> Path:
    """Python of the cached environment with Python 3.13 and exactly :data:`COLAB`."""
    found = find_python313()
    if found is None:
        pytest.skip(
            "no Python 3.13 found (Colab runs 3.13): set RISKLAB_PYTHON313 or install it "
            "(pyenv install 3.13)"
        )
    base, version = found
    key = hashlib.sha256(f"{version}\n--no-deps\n{COLAB_FREEZE}".encode()).hexdigest()[:16]
    venv = CACHE / key
    python = venv_python(venv)
    with locked(CACHE):
        if (venv / ".ready").exists() and python.exists():
            return python
        for old in CACHE.iterdir():  # keep one environment: drop those of older pins
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        print(f"\n[colab] building {venv} with {base} (a couple of minutes, once)", flush=True)
        subprocess.run([str(base), "-m", "venv", str(venv)], check=True, timeout=120)
        result = pip(python, "install", "--quiet", "--no-deps", *COLAB_FREEZE.split())
        if result.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
        skip_unless_installed(result, "install Colab's versions")
        versions = installed_versions(python)
        extra = sorted(set(versions) - set(COLAB))
        assert versions == COLAB, f"not Colab's: changed {changed_pins(versions)}, extra {extra}"
        (venv / ".ready").write_text(COLAB_FREEZE)
    return python


def package_files() -> list[Path]:
    """The files a build of the package reads: pyproject.toml, the readme, the licence
    files and the package folders named in ``[tool.setuptools.packages.find]``."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = data["project"]
    files = [ROOT / "pyproject.toml", ROOT / project["readme"]]
    files += [ROOT / name for name in project.get("license-files", [])]
    for pattern in data["tool"]["setuptools"]["packages"]["find"]["include"]:
        top = ROOT / pattern.split(".")[0].rstrip("*")
        files += sorted(p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return list(dict.fromkeys(files))


def installed_versions(python: Path) -> dict[str, str]:
    """``{canonical name: version}`` of every distribution in ``python``'s environment."""
    code = (
        "import importlib.metadata as m, json; "
        "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
    )
    out = subprocess.run(  # -I: not the current folder (the repository's egg-info) on the path
        [str(python), "-I", "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return {canonicalize_name(name): version for name, version in json.loads(out).items()}


def changed_pins(versions: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """Colab's packages whose version differs in ``versions``: ``{name: (colab, now)}``."""
    return {
        name: (colab, versions.get(name))
        for name, colab in COLAB.items()
        if versions.get(name) != colab
    }


def install_course(python: Path) -> str:
    """Install the course as Colab's setup cell does, from a copy of the working tree's
    package files; redone only when they change. Returns pip's report of that install."""
    files = package_files()
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    key = digest.hexdigest()[:16]
    venv = python.parent.parent
    marker, log = venv / ".course", venv / ".course-install.log"
    with locked(CACHE):
        if marker.exists() and marker.read_text() == key and log.exists():
            return log.read_text()
        source = venv / "course-source"  # a fixed place: pip builds in it (build/, egg-info)
        shutil.rmtree(source, ignore_errors=True)
        for path in files:
            target = source / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        print(f"\n[colab] installing the course into {venv}", flush=True)
        # The setup cell's command, with the package from here instead of GitHub.
        result = pip(python, "install", f"{nbs.project()['name']} @ {source.as_uri()}")
        skip_unless_installed(result, "install the course")
        report = "\n".join(
            line for line in result.stdout.splitlines() if line.startswith("Successfully")
        )
        log.write_text(report)
        if changed_pins(installed_versions(python)):  # polluted: rebuild it next time
            (venv / ".ready").unlink(missing_ok=True)
        marker.write_text(key)
        return report


@dataclass
class ColabEnvironment:
    python: Path
    versions: dict[str, str]
    pip_report: str


@pytest.fixture(scope="module")
def colab() -> ColabEnvironment:
    python = build_colab_venv()
    report = install_course(python)
    return ColabEnvironment(python, installed_versions(python), report)


def test_course_install_keeps_colab_versions(colab: ColabEnvironment) -> None:
    """Installing the course added packages only; every Colab version is still there."""
    changed = changed_pins(colab.versions)
    assert not changed, (
        "installing the course changed Colab's packages (name: Colab's version -> now): "
        + ", ".join(f"{name}: {was} -> {now}" for name, (was, now) in changed.items())
        + f"\npip said: {colab.pip_report}"
    )
    project = nbs.project()
    assert colab.versions.get(canonicalize_name(project["name"])) == project["version"]
    added = sorted(set(colab.versions) - set(COLAB) - {canonicalize_name(project["name"])})
    print(f"[colab] the course install added: {', '.join(added)}")


# -- the lessons ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory) -> Path:
    """The folder the lesson kernels get on their path: a stand-in ``google.colab`` (only
    importable on Colab) and the lesson runner, _colab_lesson.py."""
    folder = tmp_path_factory.mktemp("colab-path")
    package = folder / "google" / "colab"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Stands in for Colab\'s google.colab."""\n')
    shutil.copy(RUNNER, folder / RUNNER.name)
    return folder


def expected_dashboards(lesson: Path) -> int:
    """How many code cells of ``lesson`` build an ``explore`` dashboard."""
    return sum(
        bool(re.search(r"\bexplore\(", cell.source))
        for cell in nbs.read(lesson).cells
        if cell.cell_type == "code"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_on_colab(
    lesson: Path, colab: ColabEnvironment, kernel_path: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("RISKLAB_EXPECT", "PYTHONPATH", "VIRTUAL_ENV", "PYENV_VERSION")
    }
    env.update(
        MPLBACKEND="module://matplotlib_inline.backend_inline",  # Colab's inline backend
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter"),  # no user kernelspec overrides the venv's
        PATH=f"{colab.python.parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(kernel_path),
        PYDEVD_DISABLE_FILE_VALIDATION="1",  # debugpy's frozen-modules warning
    )
    completed = subprocess.run(
        [str(colab.python), str(RUNNER), str(lesson), nbs.SETUP_TAG, str(report)],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=LESSON_TIMEOUT,
    )
    assert report.exists(), (
        f"the runner failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}"
    )
    result = json.loads(report.read_text())
    name = lesson.relative_to(ROOT)
    assert result["error"] is None, f"{name} on Colab's stack:\n{result['error']}"
    assert result["setup_outputs"] == [], (
        f"{name}: the setup cell printed {result['setup_outputs']}"
    )
    prefix = result["kernel_prefix"]
    assert prefix and Path(prefix).resolve() == colab.python.parent.parent.resolve(), (
        f"{name} ran in {prefix}, not in the Colab environment"
    )
    dashboards, expected = result["dashboards"] or [], expected_dashboards(lesson)
    assert len(dashboards) == expected, (
        f"{name}: drove {len(dashboards)} dashboards, the lesson builds {expected}"
    )
    stacked = {model: n for model, n in result["figures"].items() if n != 1}
    assert not stacked, f"{name}: each dashboard's Output should hold one figure, got {stacked}"
    assert result["leaked_figures"] == 0, f"{name}: dashboard figures were drawn into the cell"
    moved = {d["model"]: d["moved"] for d in dashboards}
    if result["seconds"] > result.get("cells_seconds", 0) + 60:  # lost outside the cells
        print(f"[colab] {name}: the runner's log ends with\n{completed.stderr[-1500:]}")
    timing = {k: result.get(k) for k in ("start_seconds", "cells_seconds", "end_seconds")}
    print(
        f"[colab] {name}: {result['seconds']} s ({result['cpu_seconds']} s CPU) = kernel start "
        f"+ cells + shutdown {timing}, slowest cells [s, number] {result.get('slowest_cells')}, "
        f"longest wait between cells {result.get('longest_gap')}; dashboards: {moved}"
    )

"""The JupyterLite site (tools/build_lite.py): the course in the browser, nothing to install.

Builds the site into a temporary folder (the build environment, the downloaded wheels and
Pyodide's core are cached in ``~/.cache/risklab-lite``: the first run needs PyPI and npm and
takes about two minutes, later runs of this file about one) and checks what a reader's
browser will get:

* every lesson and lab of the repository, as committed, at the root of the file tree and in
  the Contents API index; no solutions;
* the course wheel (every module of the working tree) and the wheels Pyodide lacks, in the
  piplite index that the kernel settings point to (with the index's checksum);
* every notebook's setup cell installs, on ``emscripten``, a name that index resolves;
* the widgets lab extension is in the site, the same version as the shipped wheel;
* against Pyodide's lock file (npm's ``pyodide`` package, the version the kernel loads):
  every requirement of the course, of the shipped wheels and of the kernel's start-up
  installs is met by Pyodide or by the site, offline;
* in Chromium (``tests/test_browser.py``'s browser): with a full Pyodide distribution
  (``RISKLAB_PYODIDE_DIST=/path/to/pyodide`` folder or ``.tar.bz2``) the welcome lesson runs
  top to bottom without an error. Without one (the usual case: Pyodide's packages are on
  its CDN only) a *partial* run: the site ships Pyodide's core from npm plus the pure-Python
  packages the kernel needs from PyPI, the kernel starts offline, the setup cell's
  JupyterLite branch installs the course from the site (its compiled dependencies, numpy
  and the like, are what is missing), and an ipywidgets slider renders;
* without numba (hidden by an import blocker) every module of the kit imports and the
  Calvano engine runs on NumPy, as in the browser.

Anything that needs a download is skipped, with the reason, when the download fails.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import zipfile
from email.parser import Parser
from pathlib import Path

import build_lite
import notebooks as nbs
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version
from test_browser import CELL_STATE_JS, CHROMIUM_FLAGS, FIND_PANEL_JS, RUN_ALL_JS, chromium

__all__ = ["chromium"]  # the browser fixture, shared with tests/test_browser.py

ROOT = nbs.ROOT
KERNEL_EXTENSION_NAME = "@jupyterlite/pyodide-kernel-extension"
KERNEL_EXTENSION = f"extensions/{KERNEL_EXTENSION_NAME}"
KERNEL_SETTINGS = "@jupyterlite/pyodide-kernel-extension:kernel"
WIDGETS_EXTENSION = "extensions/@jupyter-widgets/jupyterlab-manager"
#: In the kernel's worker script: the packages it installs with piplite when it starts.
KERNEL_START_RE = re.compile(r"of(\[[^\]]*\])\)\w+\.includes\(\w+\)\|\|\w+\.push\(`await piplite")
#: Pyodide's compiled packages that the course needs (absent from the partial run).
COMPILED = {"numpy", "pandas", "scipy", "matplotlib", "pillow", "kiwisolver", "contourpy"}
PYODIDE_DIST = os.environ.get("RISKLAB_PYODIDE_DIST")
#: Where a site that is not self-contained would fetch Pyodide or wheels from.
PACKAGE_HOSTS = ("pypi.org", "pythonhosted.org", "jsdelivr.net", "unpkg.com")
KERNEL_START_TIMEOUT = 180  # s
RUN_TIMEOUT = 300  # s, all cells of the welcome lesson with a full Pyodide


# -- fixtures ---------------------------------------------------------------------------------


def _build(path: Path, **options) -> Path:
    """Build the site; skip when a download fails, fail on any other build error."""
    try:
        return build_lite.build_site(path, **options)
    except build_lite.DownloadError as error:
        pytest.skip(f"cannot build the JupyterLite site: {error}")


@pytest.fixture(scope="module")
def build_python() -> Path:
    try:
        return build_lite.build_environment()
    except build_lite.DownloadError as error:
        pytest.skip(f"cannot build the JupyterLite build environment: {error}")


@pytest.fixture(scope="module")
def site(build_python: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    started = time.monotonic()
    out = _build(tmp_path_factory.mktemp("lite") / "site", python=build_python)
    print(f"\n[lite] site built in {time.monotonic() - started:.0f} s")
    return out


def _pyodide_version(build_python: Path) -> str:
    code = (
        "from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION; print(PYODIDE_VERSION)"
    )
    return subprocess.run(
        [build_python, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()


def _kernel_start_installs(extension: Path) -> list[str]:
    """What the Pyodide kernel installs with piplite when it starts (read from its worker
    script in the lab extension folder ``extension``, so a new kernel version is noticed)."""
    found = {
        tuple(json.loads(match))
        for worker in (extension / "static").glob("*.worker.*.js")
        for match in KERNEL_START_RE.findall(worker.read_text())
    }
    assert len(found) == 1, f"cannot read the kernel's start-up installs from {extension}: {found}"
    return list(found.pop())


@pytest.fixture(scope="module")
def pyodide_core(build_python: Path) -> Path:
    """Pyodide's core (npm package ``pyodide``, the version the kernel loads) plus, from
    PyPI, the pure-Python packages the kernel loads at start, with the lock's checksums
    set to theirs; cached in ``~/.cache/risklab-lite/pyodide-core-<version>``."""
    version = _pyodide_version(build_python)
    cache = build_lite.CACHE / f"pyodide-core-{version}"
    with build_lite.locked(build_lite.CACHE / "locks" / cache.name):
        if not (cache / ".ready").exists():
            _fetch_pyodide_core(cache, version, build_python)
    return cache / "pyodide"


def _fetch_pyodide_core(cache: Path, version: str, build_python: Path) -> None:
    """Fill ``cache`` with the partial Pyodide of :func:`pyodide_core` (skip if it cannot)."""
    folder = cache / "pyodide"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is missing: cannot fetch Pyodide's core (npm package pyodide)")
    with tempfile.TemporaryDirectory() as tmp:
        packed = subprocess.run(
            [npm, "pack", f"pyodide@{version}", "--pack-destination", tmp, "--silent"],
            check=False, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        if packed.returncode != 0:
            pytest.skip(f"npm pack pyodide@{version} failed: {packed.stderr.strip()[-300:]}")
        with tarfile.open(Path(tmp) / packed.stdout.strip().splitlines()[-1]) as tar:
            tar.extractall(tmp, filter="data")
        shutil.move(Path(tmp) / "package", folder)
    lock_path = folder / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    extension = build_python.parent.parent / "share/jupyter/labextensions" / KERNEL_EXTENSION_NAME
    starts = [n for n in _kernel_start_installs(extension) if n in lock["packages"]]
    needed = _lock_closure(lock, ["micropip", *starts])
    pins = [f"{name}=={lock['packages'][name]['version']}" for name in sorted(needed)]
    try:
        wheels = build_lite.download_wheels(pins, folder, build_python)
    except build_lite.DownloadError as error:
        pytest.skip(f"cannot fetch the kernel's pure-Python packages: {error}")
    for name, wheel in zip(sorted(needed), wheels):
        entry = lock["packages"][name]
        assert wheel.name == entry["file_name"], f"PyPI's {wheel.name} is not {entry['file_name']}"
        entry["sha256"] = hashlib.sha256(wheel.read_bytes()).hexdigest()
    lock_path.write_text(json.dumps(lock))
    (cache / ".ready").write_text(version + "\n")


@pytest.fixture(scope="module")
def pyodide_lock(request: pytest.FixtureRequest) -> dict:
    """Pyodide's lock file: of RISKLAB_PYODIDE_DIST if that is a folder, else npm's."""
    if PYODIDE_DIST and Path(PYODIDE_DIST).is_dir():
        dist = Path(PYODIDE_DIST)
    else:
        dist = request.getfixturevalue("pyodide_core")
    return json.loads((dist / "pyodide-lock.json").read_text())


def _lock_closure(lock: dict, names) -> set[str]:
    """``names`` and everything they depend on in Pyodide's lock file."""
    seen: set[str] = set()
    todo = [canonicalize_name(n) for n in names]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [canonicalize_name(d) for d in lock["packages"][name]["depends"]]
    return seen


# -- helpers ---------------------------------------------------------------------------------


def _index(site: Path, where: str = "pypi") -> dict:
    return json.loads((site / where / "all.json").read_text())


def _wheel_metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode())


def _course_wheel(site: Path) -> Path:
    name = canonicalize_name(nbs.project()["name"])
    (wheel,) = [w for w in (site / "pypi").glob("*.whl") if parse_wheel_filename(w.name)[0] == name]
    return wheel


def _site_notebooks(site: Path) -> dict[str, list[str]]:
    return {
        folder: sorted(p.name for p in (site / "files" / folder).glob("*.ipynb"))
        for folder in build_lite.CONTENT_DIRS
    }


def _pinned_version(name: str) -> str:
    (pin,) = [
        p for p in build_lite.shipped_pins() if canonicalize_name(Requirement(p).name) == name
    ]
    return next(iter(Requirement(pin).specifier)).version


def _emscripten_installs(source: str) -> list[str]:
    """Names passed to ``piplite.install`` inside ``if sys.platform == "emscripten":``."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "sys.platform == 'emscripten'":
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and ast.unparse(call.func) == "piplite.install"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    names.append(call.args[0].value)
    return names


# -- the site's contents ----------------------------------------------------------------------


def test_every_lesson_and_lab_is_in_the_site(site: Path) -> None:
    for folder, names in _site_notebooks(site).items():
        repo = sorted(p.name for p in (ROOT / folder).glob("*.ipynb"))
        assert names == repo, f"site's {folder}/ differs from the repository's"
        listed = json.loads((site / "api/contents" / folder / "all.json").read_text())
        assert sorted(item["name"] for item in listed["content"]) == repo, (
            f"the file browser's index of {folder}/ differs from the repository's"
        )
        for name in names:
            assert (site / "files" / folder / name).read_bytes() == (
                ROOT / folder / name
            ).read_bytes(), f"{folder}/{name} in the site is not the committed notebook"
    assert not (site / "files" / "solutions").exists(), "solutions must not be on the public site"


def test_shipped_wheels_are_in_the_piplite_index(site: Path) -> None:
    index = _index(site)
    expected = {canonicalize_name(nbs.project()["name"]): nbs.project()["version"]}
    for pin in build_lite.shipped_pins():
        req = Requirement(pin)
        expected[canonicalize_name(req.name)] = next(iter(req.specifier)).version
    assert {name: list(entry["releases"]) for name, entry in index.items()} == {
        name: [version] for name, version in expected.items()
    }
    assert "mesa" in expected, "mesa is not shipped"
    for entry in index.values():
        for (release,) in entry["releases"].values():
            wheel = site / "pypi" / release["url"]
            assert wheel.is_file(), f"the index lists {release['url']}, missing from the site"
            assert hashlib.sha256(wheel.read_bytes()).hexdigest() == release["digests"]["sha256"]
            assert wheel.name.endswith("-none-any.whl"), f"{wheel.name} is not pure Python"


def test_course_wheel_has_every_module_of_the_working_tree(site: Path) -> None:
    tree = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "mesa_models").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    with zipfile.ZipFile(_course_wheel(site)) as archive:
        packed = {n for n in archive.namelist() if n.endswith(".py")}
        stale = [m for m in sorted(tree & packed) if archive.read(m) != (ROOT / m).read_bytes()]
    assert packed == tree, (
        f"course wheel vs tree: missing {sorted(tree - packed)}, extra {sorted(packed - tree)}"
    )
    assert stale == [], f"the course wheel has older copies of {stale}"


def test_setup_cells_install_what_the_index_ships(site: Path) -> None:
    index = _index(site)
    assert _emscripten_installs(nbs.setup_source()), "setup cell has no JupyterLite branch"
    for folder in build_lite.CONTENT_DIRS:
        for path in sorted((site / "files" / folder).glob("*.ipynb")):
            nb = nbs.read(path)
            (setup,) = [c for c in nb.cells if nbs.SETUP_TAG in c.metadata.get("tags", [])]
            names = _emscripten_installs(setup.source)
            assert names, f"{folder}/{path.name}: no piplite.install on emscripten"
            for name in names:
                assert canonicalize_name(name) in index, (
                    f"{folder}/{path.name} installs {name!r}, which the site's index lacks"
                )


def test_kernel_settings_point_to_the_shipped_wheels(site: Path) -> None:
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    urls = config["litePluginSettings"][KERNEL_SETTINGS]["pipliteUrls"]
    digest = hashlib.sha256((site / "pypi" / "all.json").read_bytes()).hexdigest()
    assert f"./pypi/all.json?sha256={digest}" in urls, f"pipliteUrls: {urls}"
    assert config.get("defaultKernelName") == "python"


def test_widgets_extension_matches_the_shipped_wheel(site: Path) -> None:
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    names = [ext["name"] for ext in config["federated_extensions"]]
    assert "@jupyter-widgets/jupyterlab-manager" in names, f"no widgets extension in {names}"
    site_version = json.loads((site / WIDGETS_EXTENSION / "package.json").read_text())["version"]
    (wheel,) = (site / "pypi").glob("jupyterlab_widgets-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (inner,) = [n for n in archive.namelist() if n.endswith("jupyterlab-manager/package.json")]
        wheel_version = json.loads(archive.read(inner))["version"]
    assert site_version == wheel_version, (
        f"widgets extension {site_version} in the site, {wheel_version} in the kernel's wheel"
    )


def test_pyodide_and_the_site_meet_every_requirement(site: Path, pyodide_lock: dict) -> None:
    """Offline resolution as piplite does it: Pyodide's lock first, then the site's indexes
    (ours and the kernel extension's), each requirement's version range respected."""
    info = pyodide_lock["info"]
    python = ".".join(info["python"].split(".")[:2])
    assert python == build_lite.PYODIDE_PYTHON, f"Pyodide runs Python {info['python']}"
    environment = {
        "sys_platform": "emscripten",
        "platform_system": "Emscripten",
        "platform_machine": "wasm32",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": python,
        "python_full_version": info["python"],
        "extra": "",
    }
    wheels: dict[str, list[Path]] = {}
    for where in ("pypi", f"{KERNEL_EXTENSION}/static/pypi"):
        for wheel in (site / where).glob("*.whl"):
            wheels.setdefault(parse_wheel_filename(wheel.name)[0], []).append(wheel)
    lock = {canonicalize_name(k): v for k, v in pyodide_lock["packages"].items()}

    def requirements_of(wheel: Path) -> list[Requirement]:
        meta = _wheel_metadata(wheel)
        needs = meta.get("Requires-Python")
        assert not needs or Version(info["python"]) in Requirement(f"x{needs}").specifier, (
            f"{wheel.name} needs Python {needs}"
        )
        reqs = [Requirement(line) for line in meta.get_all("Requires-Dist") or []]
        return [r for r in reqs if r.marker is None or r.marker.evaluate(environment)]

    starts = _kernel_start_installs(site / KERNEL_EXTENSION)
    assert "comm" in starts, f"the kernel's start-up installs changed: {starts}"
    todo = [Requirement(nbs.project()["name"])] + [Requirement(n) for n in starts]
    done: set[str] = set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in lock and Version(lock[name]["version"]) in req.specifier:
            continue  # Pyodide's lock has it (with its own dependencies)
        matching = [
            w for w in wheels.get(name, []) if parse_wheel_filename(w.name)[1] in req.specifier
        ]
        assert matching, (
            f"{req} is needed in the browser but neither Pyodide (Python {info['python']}) "
            "nor the site has it "
            f"(Pyodide: {lock.get(name, {}).get('version')}, site: "
            f"{[w.name for w in wheels.get(name, [])]}): add it to build_lite.SHIPPED_PINS"
        )
        if name not in done:
            done.add(name)
            todo += requirements_of(matching[0])
    assert {"mesa", "comm", "ipywidgets"} <= done


# -- without numba (as in Pyodide) ---------------------------------------------------------------

NO_NUMBA = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    class HideNumba:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in ("numba", "llvmlite"):
                raise ModuleNotFoundError(f"No module named {name!r} (hidden)", name=name)

    sys.meta_path.insert(0, HideNumba())
    import mesa_models
    modules = [m.name for m in pkgutil.walk_packages(mesa_models.__path__, "mesa_models.")]
    for name in modules:
        importlib.import_module(name)
    from mesa_models.collusion import compile_report, numba_available, simulate
    from mesa_models.selection import bad_science_fast
    batch = simulate(2, beta=2e-4, convergence_window=2_000, progress=False)
    print(json.dumps({
        "modules": modules,
        "numba_loaded": [m for m in sys.modules if m.partition(".")[0] in ("numba", "llvmlite")],
        "numba_available": numba_available(),
        "engine": compile_report()["engine"],
        "bad_science_numba": bad_science_fast.HAVE_NUMBA,
        "converged": [bool(c) for c in batch.converged],
    }))
    """
)


def test_every_module_imports_and_calvano_runs_without_numba(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR",)}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", NO_NUMBA],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, f"without numba:\n{done.stderr[-3000:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    fast = {p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
            for p in (ROOT / "mesa_models").rglob("*_fast.py")}  # fmt: skip
    assert fast and fast <= set(result["modules"]), f"not imported: {fast - set(result['modules'])}"
    assert result["numba_loaded"] == [], f"numba was imported anyway: {result['numba_loaded']}"
    assert result["numba_available"] is False and result["engine"] == "numpy"
    assert result["bad_science_numba"] is False
    assert result["converged"] == [True, True]


# -- in the browser -----------------------------------------------------------------------------

EXECUTE_JS = (
    """async ([path, code]) => {
  const panel = ("""
    + FIND_PANEL_JS
    + """)(path);
  const kernel = panel.sessionContext.session.kernel;
  const result = {stdout: '', error: null};
  const future = kernel.requestExecute({code, store_history: false});
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') result.stdout += msg.content.text;
    const c = msg.content;
    if (msg.header.msg_type === 'error') result.error = c.ename + ': ' + c.evalue;
  };
  await future.done;
  return result;
}"""
)
# Run one cell of the notebook as a reader would (Shift+Enter on it); a negative index
# first appends a code cell with ``source``.
RUN_CELL_JS = (
    """([path, index, source]) => {
  const app = window.jupyterapp;
  const panel = ("""
    + FIND_PANEL_JS
    + """)(path);
  app.shell.activateById(panel.id);
  const cells = panel.content.model.sharedModel;
  if (index < 0) {
    cells.insertCell(cells.cells.length, {cell_type: 'code', source});
    index = cells.cells.length - 1;
  }
  panel.content.activeCellIndex = index;
  app.commands.execute('notebook:run-cell');
  return index;
}"""
)
# Before the setup cell: mesa (shipped, pure Python) is installed, and piplite.install
# records its calls and leaves dependencies out (Pyodide's compiled packages are not in the
# partial run).
RECORD_INSTALLS = """\
import piplite
await piplite.install("mesa", deps=False)
_risklab_installs = []
_risklab_install = piplite.install
async def _risklab_recording_install(requirements, **kwargs):
    _risklab_installs.append(requirements)
    return await _risklab_install(requirements, deps=False)
piplite.install = _risklab_recording_install
"""
REPORT_INSTALLS = """\
import importlib.metadata, importlib.util, json, sys
piplite.install = _risklab_install
print("RISKLAB " + json.dumps({
    "platform": sys.platform,
    "installs": _risklab_installs,
    "found": importlib.util.find_spec("mesa_models") is not None,
    "course": importlib.metadata.version("multi-agent-risk-lab"),
    "mesa": importlib.metadata.version("mesa"),
}))
"""
WIDGET_PROBE = """\
import piplite
await piplite.install("ipywidgets")
import ipywidgets
ipywidgets.IntSlider(value=7, description="risklab probe")
"""


@pytest.fixture(scope="module")
def browser(chromium: Path):
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(chromium), headless=True, args=CHROMIUM_FLAGS
            )
        except Error as error:
            pytest.skip(f"cannot start a browser: {str(error)[:300]}")
        try:
            yield browser
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(
    build_python: Path, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
):
    """The site, built with a Pyodide inside (full if RISKLAB_PYODIDE_DIST, else the partial
    core), served on 127.0.0.1; yields ``(base URL, "full" or "partial")``."""
    mode = "full" if PYODIDE_DIST else "partial"
    dist = Path(PYODIDE_DIST) if PYODIDE_DIST else request.getfixturevalue("pyodide_core")
    started = time.monotonic()
    site = _build(tmp_path_factory.mktemp("lite-pyodide") / "site", python=build_python,
                  pyodide=dist)  # fmt: skip
    print(f"\n[lite] site with {mode} Pyodide built in {time.monotonic() - started:.0f} s")
    settings = json.loads((site / "jupyter-lite.json").read_text())
    config = settings["jupyter-config-data"]
    assert config["litePluginSettings"][KERNEL_SETTINGS]["pyodideUrl"] == (
        "./static/pyodide/pyodide.mjs"
    ), "the site does not load the Pyodide shipped in it"
    config["exposeAppInBrowser"] = "true"  # window.jupyterapp, for the test to drive it
    (site / "jupyter-lite.json").write_text(json.dumps(settings))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", site],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", mode
    finally:
        server.terminate()
        server.wait(timeout=20)


def _idle_and_done(state: dict) -> bool:
    """Every code cell has run and the kernel waits (state from CELL_STATE_JS)."""
    return state["pending"] == 0 and state["kernel"] == "idle"


def _poll(page, condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        page.wait_for_timeout(500)


def test_welcome_lesson_in_the_browser(served, browser, tmp_path: Path) -> None:
    base, mode = served
    path = nbs.WELCOME
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None
        ),
    )
    started = time.monotonic()
    try:
        page.goto(f"{base}/lab/index.html?path={path}")

        def state():
            return page.evaluate(CELL_STATE_JS, path)

        _poll(page, lambda: (s := state()) and s["kernel"] == "idle", KERNEL_START_TIMEOUT,
              "the Pyodide kernel to start")  # fmt: skip
        print(f"\n[lite] {mode} Pyodide kernel started in {time.monotonic() - started:.0f} s")
        if mode == "full":
            assert page.evaluate(RUN_ALL_JS, path), "could not run all cells"
            final = _poll(
                page,
                lambda: (s := state()) and (s["errors"] or _idle_and_done(s)) and s,
                RUN_TIMEOUT,
                "all cells of the welcome lesson to run",
            )  # fmt: skip
            assert final["errors"] == [], f"errors in the browser: {final['errors']}"
            assert page.locator(".widget-slider").count() > 0, "no dashboard slider rendered"
        else:
            _partial_run(page, path, state)
        page.screenshot(path=str(tmp_path / "lite.png"))
    finally:
        context.close()
    fetched = [u for u in external if any(host in u for host in PACKAGE_HOSTS)]
    assert not fetched, f"the site fetched packages from outside: {fetched}"
    print(f"[lite] browser run ({mode}) took {time.monotonic() - started:.0f} s")


def _partial_run(page, path: str, state) -> None:
    """The setup cell's JupyterLite branch and a widget, without Pyodide's compiled packages."""
    recorded = page.evaluate(EXECUTE_JS, [path, RECORD_INSTALLS])
    assert recorded["error"] is None, recorded
    nb = nbs.read(ROOT / path)
    setup = next(i for i, c in enumerate(nb.cells) if nbs.SETUP_TAG in c.metadata.get("tags", []))
    page.evaluate(RUN_CELL_JS, [path, setup, ""])
    after = _poll(
        page,
        lambda: (s := state()) and (s["errors"] or _idle_and_done(s)) and s,
        KERNEL_START_TIMEOUT,
        "the setup cell to run",
    )  # fmt: skip
    # The course is installed and found; only Pyodide's compiled packages are missing.
    errors = [e for e in after["errors"] if e["cell"] == setup]
    assert len(errors) == 1 and "ModuleNotFoundError" in errors[0]["ename"], after["errors"]
    missing = errors[0]["evalue"].split("'")[1].partition(".")[0]
    assert missing in COMPILED, f"setup cell: {errors[0]} (not one of Pyodide's own packages)"
    report = page.evaluate(EXECUTE_JS, [path, REPORT_INSTALLS])
    assert report["error"] is None, report
    result = json.loads(report["stdout"].split("RISKLAB ", 1)[1])
    assert result == {
        "platform": "emscripten",
        "installs": [nbs.project()["name"]],
        "found": True,
        "course": nbs.project()["version"],
        "mesa": _pinned_version("mesa"),
    }, result
    page.evaluate(RUN_CELL_JS, [path, -1, WIDGET_PROBE])
    slider = page.locator(".widget-slider", has_text="risklab probe")
    slider.wait_for(timeout=KERNEL_START_TIMEOUT * 1000)  # the widgets extension rendered it

"""Build the JupyterLite site: the whole course in the browser, nothing to install.

The site (``_build/lite`` by default) holds the lessons and labs at the root of its file
tree (so badges open ``lab/index.html?path=lessons/00_welcome.ipynb``) and a piplite index
(``pypi/all.json``) of the wheels the browser kernel (Pyodide) cannot take from its own
distribution: the course, built from the working tree, and :data:`SHIPPED_PINS`. Every
notebook's setup cell runs ``await piplite.install("multi-agent-risk-lab")`` there.

The build runs in its own small environment (:data:`BUILD_REQUIREMENTS`, built once under
``~/.cache/risklab-lite-build/``), so JupyterLite's lab extensions never enter the course's
JupyterLab. It needs PyPI the first time only (that environment and the wheels are cached)
and no CDN: Pyodide itself is loaded from its CDN when a reader opens the site, unless
``--pyodide`` names a full Pyodide distribution to ship inside the site.

Usage:
    python tools/build_lite.py                   # build _build/lite
    python tools/build_lite.py --output DIR      # elsewhere
    python tools/build_lite.py --pyodide PATH    # ship Pyodide (a folder or .tar.bz2)
    python -m http.server -d _build/lite         # then open http://localhost:8000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebooks as nbs  # noqa: E402
import venvs  # noqa: E402
from venvs import locked  # noqa: E402


#: The tool chain, in its own environment. jupyterlab-widgets brings the widgets lab
#: extension into the site (without it a dashboard shows as text); jupyter-server indexes
#: the notebooks (the version JupyterLab 4.6.6 of the course uses); setuptools and wheel
#: build the course wheel offline (pyproject.toml's build-system).
JUPYTERLAB_WIDGETS = "jupyterlab-widgets==3.0.17"
BUILD_REQUIREMENTS = (
    "jupyterlite-core==0.8.6",
    "jupyterlite-pyodide-kernel==0.8.6",
    JUPYTERLAB_WIDGETS,
    "jupyter-server==2.21.1",
    "setuptools==84.2.1",
    "wheel==0.48.0",
)
#: Wheels shipped beside the course because Pyodide's distribution (the version the
#: kernel above loads, 314.0.6) lacks them: mesa and ipywidgets at the course's pins, and
#: what they need from outside it. comm is also what the kernel itself installs at start;
#: jupyterlab-widgets matches the lab extension above. numpy, pandas, scipy, matplotlib,
#: networkx and tqdm come from Pyodide (tests/test_lite.py checks against its lock file).
SHIPPED_FROM_COURSE = ("mesa", "ipywidgets")
SHIPPED_PINS = ("comm==0.2.3", JUPYTERLAB_WIDGETS)
#: Folders of the repository put at the root of the site's file tree. Not solutions/: the
#: site is where students work, and a worked answer one click away in its file browser
#: defeats the labs' checks; solutions stay in the repository for instructors.
CONTENT_DIRS = ("lessons", "labs")
#: The Python version of that Pyodide (wheels are chosen for it).
PYODIDE_PYTHON = "3.14"
#: Lite apps built: the badges open the lab app.
APPS = ("lab",)
CACHE = venvs.CACHE_ROOT / "risklab-lite"
DEFAULT_OUTPUT = nbs.ROOT / "_build" / "lite"
PIP_TIMEOUT = 600  # s
BUILD_TIMEOUT = 900  # s


class BuildError(RuntimeError):
    """A step of the build failed (the message says which, and the tool's last words)."""


class DownloadError(BuildError):
    """pip could not fetch something from PyPI (no network?)."""


def shipped_pins() -> list[str]:
    """Exact requirements of every wheel shipped besides the course, e.g. ``mesa==3.5.1``
    (mesa and ipywidgets pinned as in pyproject.toml's ``course`` extra)."""
    course = {
        canonicalize_name(Requirement(line).name): line
        for line in nbs.project()["optional-dependencies"]["course"]
    }
    return [course[canonicalize_name(name)] for name in SHIPPED_FROM_COURSE] + list(SHIPPED_PINS)


def _run(
    command: Sequence[str], what: str, timeout: float, error: type = BuildError, **kwargs
) -> str:
    """Run ``command``; its stdout, or ``error`` saying that ``what`` failed and why."""
    try:
        done = subprocess.run(
            [str(c) for c in command],
            check=False,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            **kwargs,
        )
    except (subprocess.SubprocessError, OSError) as why:
        raise error(f"{what} failed: {why}") from why
    if done.returncode != 0:
        noise = "is ignored: it is neither a file nor a directory"  # some pip configurations
        said = "\n".join(line for line in done.stderr.splitlines() if noise not in line)
        raise error(f"{what} failed (exit {done.returncode}): {said.strip()[-1500:]}")
    return done.stdout


def build_environment() -> Path:
    """Python of the build environment (:data:`BUILD_REQUIREMENTS`), built once and cached
    in ``~/.cache/risklab-lite-build/`` (tools/venvs.py)."""
    try:
        return venvs.cached_venv("lite-build", list(BUILD_REQUIREMENTS))
    except venvs.VenvBuildError as error:
        raise DownloadError(str(error)) from error


def download_wheels(pins: Sequence[str], dest: Path, python: Path) -> list[Path]:
    """Copy into ``dest`` the pure-Python wheel of each exact pin (``name==version``),
    downloaded from PyPI once into ``~/.cache/risklab-lite/wheels``."""
    if isinstance(pins, str) or not all(isinstance(p, str) for p in pins):
        raise TypeError(f"pins must be a list of 'name==version' strings, got {pins!r}")
    wanted = {}
    for pin in pins:
        req = Requirement(pin)
        specs = list(req.specifier)
        if len(specs) != 1 or specs[0].operator != "==" or req.marker or req.extras:
            raise ValueError(f"pins must be exact 'name==version' requirements, got {pin!r}")
        wanted[pin] = (canonicalize_name(req.name), Version(specs[0].version))
    store = CACHE / "wheels"

    def cached(pin: str) -> list[Path]:
        return [w for w in store.glob("*.whl") if parse_wheel_filename(w.name)[:2] == wanted[pin]]

    with locked(store):
        missing = [pin for pin in pins if not cached(pin)]
        if missing:
            _run(
                [python, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
                + ["--python-version", PYODIDE_PYTHON, "--dest", store, *missing],
                f"pip download {' '.join(missing)} (no network or PyPI?)",
                PIP_TIMEOUT,
                DownloadError,
            )
        wheels = [cached(pin)[0] for pin in pins]
    for wheel in wheels:
        if not wheel.name.endswith("-none-any.whl"):
            raise BuildError(f"{wheel.name} is not a pure-Python wheel: Pyodide cannot use it")
    dest.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(wheel, dest / wheel.name)) for wheel in wheels]


def build_course_wheel(dest: Path, python: Path) -> Path:
    """The course's wheel, built from the working tree into ``dest``.

    Built from a clean copy (pyproject.toml, the licences, README and ``mesa_models/``
    without caches), so that no stale ``build/`` folder adds deleted modules to it."""
    with tempfile.TemporaryDirectory(prefix="risklab-wheel-") as tmp:
        source = Path(tmp) / "source"
        source.mkdir()
        for name in ["pyproject.toml", "README.md", *nbs.project().get("license-files", [])]:
            shutil.copy2(nbs.ROOT / name, source / name)
        shutil.copytree(
            nbs.ROOT / "mesa_models",
            source / "mesa_models",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.nbi", "*.nbc"),
        )
        _run(
            [python, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
            + ["--wheel-dir", Path(tmp) / "dist", source],
            "building the course wheel",
            PIP_TIMEOUT,
        )
        (wheel,) = (Path(tmp) / "dist").glob("*.whl")
        dest.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(wheel, dest / wheel.name))


def _check_output(output: Path) -> None:
    """Refuse to replace a folder that is not a JupyterLite site (or empty)."""
    if output.exists() and any(output.iterdir()) and not (output / "jupyter-lite.json").exists():
        raise ValueError(
            f"output {output} exists and is not a JupyterLite site (no jupyter-lite.json); "
            "choose an empty or new folder"
        )
    if output.resolve() in (nbs.ROOT, Path.home().resolve(), Path("/")):
        raise ValueError(f"output must be a folder of its own, got {output}")


def _check_pyodide(pyodide: Path) -> None:
    """A Pyodide distribution is a folder with pyodide.mjs and its lock, or a .tar.bz2."""
    if pyodide.is_dir():
        missing = [f for f in ("pyodide.mjs", "pyodide-lock.json") if not (pyodide / f).exists()]
        if missing:
            raise ValueError(f"pyodide folder {pyodide} lacks {', '.join(missing)}")
    elif not (pyodide.is_file() and pyodide.name.endswith(".tar.bz2")):
        raise ValueError(
            f"pyodide must be a Pyodide folder or a .tar.bz2 distribution, got {pyodide}"
        )


def _pyodide_option(pyodide: Path | None, stage: Path) -> list[str]:
    """Command-line options that ship the Pyodide distribution ``pyodide`` (if any)."""
    if pyodide is None:
        return []
    if pyodide.is_dir():  # picked up from the well-known folder <lite-dir>/static/pyodide
        (stage / "static").mkdir()
        (stage / "static" / "pyodide").symlink_to(pyodide, target_is_directory=True)
        return []
    return ["--pyodide", str(pyodide)]


def build_site(
    output: Path = DEFAULT_OUTPUT, *, python: Path | None = None, pyodide: Path | None = None
) -> Path:
    """Build the JupyterLite site into ``output`` (replaced if it is an older site).

    ``python`` is an interpreter with :data:`BUILD_REQUIREMENTS` (default: the cached
    build environment); ``pyodide`` a full Pyodide distribution to ship in the site
    (default: readers' browsers load Pyodide from its CDN).
    """
    if not isinstance(output, (str, Path)):
        raise TypeError(f"output must be a path, got {output!r}")
    if python is not None and not Path(python).is_file():
        raise ValueError(f"python must be an existing interpreter, got {python!r}")
    if pyodide is not None:
        if not isinstance(pyodide, (str, Path)):
            raise TypeError(f"pyodide must be a path, got {pyodide!r}")
        pyodide = Path(pyodide).resolve()
        _check_pyodide(pyodide)
    output = Path(output).resolve()
    _check_output(output)
    python = Path(python) if python is not None else build_environment()
    with tempfile.TemporaryDirectory(prefix="risklab-lite-") as tmp:
        stage = Path(tmp)
        files, wheels = stage / "files", stage / "wheels"
        for folder in CONTENT_DIRS:
            (files / folder).mkdir(parents=True)
            for notebook in sorted((nbs.ROOT / folder).glob("*.ipynb")):
                shutil.copy2(notebook, files / folder / notebook.name)
        build_course_wheel(wheels, python)
        download_wheels(shipped_pins(), wheels, python)
        options = _pyodide_option(pyodide, stage)
        shutil.rmtree(output, ignore_errors=True)
        _run(
            [python, "-m", "jupyterlite_core", "build", "--lite-dir", stage]
            + ["--output-dir", output, "--contents", files, "--piplite-wheels", wheels]
            + [f"--apps={app}" for app in APPS]
            + ["--no-sourcemaps", "--no-unused-shared-packages", *options],
            "jupyter lite build",
            BUILD_TIMEOUT,
            cwd=stage,
            env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
        )
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="site folder")
    parser.add_argument("--pyodide", type=Path, help="full Pyodide distribution to ship")
    parser.add_argument("--python", type=Path, help="interpreter with the build requirements")
    args = parser.parse_args(argv)
    try:
        site = build_site(args.output, python=args.python, pyodide=args.pyodide)
    except (BuildError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    rel = os.path.relpath(site)
    print(f"JupyterLite site: {rel}\nServe it: python -m http.server -d {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

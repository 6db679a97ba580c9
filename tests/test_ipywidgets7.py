"""Widget code works with ipywidgets 7 (what Google Colab ships), not only with 8.

Builds, once, a second virtual environment with ipywidgets 7 and the course's pinned
dependencies (cached in ``~/.cache/risklab-ipyw7/<key>``, the key a hash of pyproject.toml
and the pins below; the repository is put on its path with a ``.pth`` file, so it tests the
working tree). Then runs the welcome lesson there with nbclient and checks: no cell
errors, and every ``explore`` dashboard's Step, Run and Reset buttons and its sliders work
(clicked from the kernel). First run about a minute (downloads); cached runs take seconds.
Skipped with the reason when pip cannot build that environment (no network).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
WELCOME = ROOT / "lessons" / "00_welcome.ipynb"
#: Google Colab's versions (ipykernel 6 as there; 6.29 supports Python 3.12).
COLAB_PINS = ["ipywidgets==7.7.1", "ipykernel==6.29.5"]
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "risklab-ipyw7"
INSTALL_TIMEOUT = 420  # s


def requirements() -> list[str]:
    """The package's dependencies at the course's pinned versions, ipywidgets 7, nbclient."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    pins = {canonicalize_name(Requirement(r).name): r for r in extras["course"] + extras["test"]}
    replaced = {canonicalize_name(Requirement(r).name) for r in COLAB_PINS}
    names = [canonicalize_name(Requirement(r).name) for r in project["dependencies"]] + [
        "nbclient",
        "nbformat",
    ]
    return [pins[n] for n in names if n not in replaced] + COLAB_PINS


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


@pytest.fixture(scope="module")
def ipywidgets7_python() -> Path:
    if not WELCOME.exists():
        pytest.skip(f"{WELCOME.relative_to(ROOT)} does not exist yet")
    reqs = requirements()
    key = hashlib.sha256(
        "\n".join([sys.version, (ROOT / "pyproject.toml").read_text(), *reqs]).encode()
    ).hexdigest()[:16]
    venv = CACHE / key
    python = venv_python(venv)
    if (venv / ".ready").exists() and python.exists():
        return python
    if CACHE.exists():  # keep one environment: drop those of older pyproject versions
        for old in CACHE.iterdir():
            shutil.rmtree(old, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"\n[ipywidgets 7] building {venv} (about a minute, once)", flush=True)
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120
        )
        result = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *reqs],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except (subprocess.SubprocessError, OSError) as error:
        shutil.rmtree(venv, ignore_errors=True)
        pytest.skip(f"cannot build the ipywidgets 7 environment: {error}")
    if result.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        pytest.skip(
            f"cannot build the ipywidgets 7 environment (no network or PyPI?): pip said {result.stderr.strip()[-400:]}"
        )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    Path(site, "risklab-repository.pth").write_text(str(ROOT) + "\n")
    (venv / ".ready").write_text("\n".join(reqs) + "\n")
    return python


# Runs inside the ipywidgets 7 environment: execute the lesson, drive every dashboard.
RUNNER = r'''
import json, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

path, folder = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
RECORD = """from mesa_models.explore import Dashboard as _RisklabDashboard
_RISKLAB_DASHBOARDS = []
_risklab_init = _RisklabDashboard.__init__
def _risklab_recording_init(self, *args, **kwargs):
    _risklab_init(self, *args, **kwargs)
    _RISKLAB_DASHBOARDS.append(self)
_RisklabDashboard.__init__ = _risklab_recording_init"""
DRIVE = """import ipywidgets, json
assert ipywidgets.__version__.startswith("7."), f"this kernel has ipywidgets {ipywidgets.__version__}"
_report = []
for _d in _RISKLAB_DASHBOARDS:
    _name = _d.model_cls.__name__
    assert _d.model is not None, f"{_name}: the dashboard could not build its model: {_d.status.value}"
    _start, _fig = _d.model.steps, _d.figure
    _d.step_button.click()
    assert _d.model.steps == _start + 1 and _d.figure is not _fig, f"{_name}: Step did not advance and redraw"
    _fig = _d.figure
    _d.run_button.click()
    assert _d.model.steps == _start + 1 + _d.steps_per_run and _d.figure is not _fig, f"{_name}: Run did not advance and redraw"
    _d.reset_button.click()
    assert _d.model.steps == 0, f"{_name}: Reset did not rebuild the model"
    for _pname, _control in _d.controls.items():
        if isinstance(_control, (ipywidgets.IntSlider, ipywidgets.FloatSlider)) and _control.value != _control.min:
            _control.value = _control.min
            assert _d.model is None or _d.model.param_values[_pname] == _control.value, f"{_name}: moving slider {_pname} did not rebuild the model"
            break
    _report.append(_name)
print("RISKLAB-DASHBOARDS " + json.dumps(_report))"""
setup = next(i for i, c in enumerate(nb.cells) if "setup" in c.metadata.get("tags", []))
nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(RECORD))
nb.cells.append(nbformat.v4.new_code_cell(DRIVE))
client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": folder}})
result = {"error": None, "dashboards": None}
try:
    client.execute()
except CellExecutionError as error:
    result["error"] = str(error)[-1500:]
for cell in nb.cells:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error" and not result["error"]:
            result["error"] = f"{output['ename']}: {output['evalue']}"
        if output.get("name") == "stdout" and "RISKLAB-DASHBOARDS " in output.get("text", ""):
            result["dashboards"] = json.loads(output["text"].split("RISKLAB-DASHBOARDS ", 1)[1].splitlines()[0])
print("RISKLAB-RESULT " + json.dumps(result))
'''


def test_welcome_lesson_runs_with_ipywidgets7(ipywidgets7_python: Path, tmp_path: Path) -> None:
    runner = tmp_path / "run_ipywidgets7.py"
    runner.write_text(RUNNER)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("RISKLAB_EXPECT", "PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter"),  # no user kernelspec overrides the venv's own
        PATH=f"{ipywidgets7_python.parent}{os.pathsep}{env.get('PATH', '')}",
    )
    completed = subprocess.run(
        [str(ipywidgets7_python), str(runner), str(WELCOME), str(WELCOME.parent)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RISKLAB-RESULT ")]
    assert lines, f"the runner failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}"
    result = json.loads(lines[-1].removeprefix("RISKLAB-RESULT "))
    assert result["error"] is None, f"welcome lesson under ipywidgets 7:\n{result['error']}"
    if "explore(" in WELCOME.read_text():
        assert result["dashboards"], (
            "the welcome lesson's explore dashboard was not built under ipywidgets 7"
        )
    print(f"[ipywidgets 7] dashboards driven: {result['dashboards']}")

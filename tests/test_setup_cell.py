"""The notebooks' setup cell, run for real where the course is not installed yet.

Each case executes the generated cell (``tools/notebooks.setup_source()``) in a fresh
virtual environment without the course, as Colab or JupyterLite would, with only the
``COURSE`` requirement swapped for one that fails (or succeeds) in a known way. A failure
must print one line that says what failed and what to do: no pip report, no traceback.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as nbs  # noqa: E402

#: Runs the cell like a notebook kernel: top-level ``await`` allowed; optionally pretends
#: to be Colab (an importable ``google.colab``) or JupyterLite (``sys.platform`` and a
#: ``piplite`` that "installs" by putting a folder on ``sys.path``).
RUNNER = textwrap.dedent(
    """
    import ast, asyncio, inspect, sys, types
    where, cell = sys.argv[1], open(sys.argv[2]).read()
    if where == "colab":
        sys.modules["google"] = types.ModuleType("google")
        sys.modules["google.colab"] = types.ModuleType("google.colab")
    elif where.startswith("lite:"):
        sys.platform = "emscripten"
        piplite = types.ModuleType("piplite")
        async def install(requirements):
            print("piplite.install", repr(requirements))
            sys.path.insert(0, where[5:])
        piplite.install = install
        sys.modules["piplite"] = piplite
    code = compile(cell, "<setup cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, {"__name__": "__main__"})
    if inspect.iscoroutine(result):
        asyncio.run(result)
    """
)

STYLE_MARK = "course style applied"


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """A Python >= 3.12 with pip but without the course (nor numpy, mesa, ...)."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    probe = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('mesa_models'))"],
        capture_output=True,
        text=True,
        cwd=venv,
    )
    assert probe.stdout.strip() == "None", "the bare environment must not see the course"
    return python


def fake_course(folder: Path) -> Path:
    """A stand-in ``mesa_models`` whose ``use_course_style`` prints :data:`STYLE_MARK`."""
    package = folder / "mesa_models"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "plotting.py").write_text(f"def use_course_style():\n    print({STYLE_MARK!r})\n")
    return folder


def fake_wheel(folder: Path) -> Path:
    """The stand-in course as a wheel, so pip installs it offline and without building."""
    files = {
        "mesa_models/__init__.py": "",
        "mesa_models/plotting.py": f"def use_course_style():\n    print({STYLE_MARK!r})\n",
        "fake_course-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: fake-course\n"
        "Version: 1.0\n",
        "fake_course-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(text.encode())}")
    record.append("fake_course-1.0.dist-info/RECORD,,")
    wheel = folder / "fake_course-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("fake_course-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return wheel


def run_cell(python: Path, where: str, tmp_path: Path, course: str | None = None) -> list[str]:
    """Run the setup cell with ``COURSE`` set to ``course``; its output lines."""
    cell = nbs.setup_source()
    if course is not None:
        original = f'COURSE = "{nbs.course_requirement()}"'
        assert original in cell
        cell = cell.replace(original, f"COURSE = {course!r}")
    (tmp_path / "cell.py").write_text(cell)
    (tmp_path / "runner.py").write_text(RUNNER)
    done = subprocess.run(
        [str(python), str(tmp_path / "runner.py"), where, str(tmp_path / "cell.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the repository: the course must not be importable from here
        timeout=300,
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout.splitlines()


def test_colab_without_network_says_so_in_one_line(bare_python, tmp_path):
    out = run_cell(bare_python, "colab", tmp_path, "git+https://github.invalid/owner/course@main")
    assert out == [
        "Setup failed: no connection to GitHub. Check your connection, then run this cell again."
    ]


def test_colab_with_a_missing_tag_names_it(bare_python, tmp_path):
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "README").write_text("x")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    out = run_cell(bare_python, "colab", tmp_path, f"git+file://{repo}@v9.9.9")
    owner, name = nbs.repository()
    assert out == [
        f"Setup failed: {owner}/{name}@{nbs.course_ref()} does not exist on GitHub. Open this "
        "notebook from the course's README, then run this cell again."
    ]


def test_colab_other_pip_failure_gives_pips_reason_in_one_line(bare_python, tmp_path):
    (tmp_path / "not_a_project").mkdir()
    out = run_cell(bare_python, "colab", tmp_path, str(tmp_path / "not_a_project"))
    assert len(out) == 1
    assert out[0].startswith("Setup failed: pip could not install the course (ERROR: Directory")
    assert "is not installable" in out[0] and out[0].endswith("if it fails again, ask for help.")


def test_colab_installs_then_imports_in_the_same_kernel(bare_python, tmp_path):
    wheel = fake_wheel(tmp_path)
    try:
        assert run_cell(bare_python, "colab", tmp_path, str(wheel)) == [STYLE_MARK]
        # Run again (students do): nothing to install, still styled, still one line.
        assert run_cell(bare_python, "colab", tmp_path, str(wheel)) == [STYLE_MARK]
    finally:  # the environment is shared by this module's other cases
        uninstall = [str(bare_python), "-m", "pip", "uninstall", "--quiet", "-y", "fake-course"]
        subprocess.run(uninstall, check=True, capture_output=True)


def test_jupyterlite_installs_the_shipped_course_with_piplite(bare_python, tmp_path):
    course = fake_course(tmp_path / "site-packages")
    out = run_cell(bare_python, f"lite:{course}", tmp_path)
    assert out == [f"piplite.install {nbs.project()['name']!r}", STYLE_MARK]


def test_elsewhere_without_the_course_says_how_to_get_it(bare_python, tmp_path):
    assert run_cell(bare_python, "local", tmp_path) == [
        "Setup: this kernel lacks the course package. Run `make lab` in the course folder "
        "(see its README) or choose the kernel that has it."
    ]


def test_where_the_course_is_installed_it_only_sets_the_style(tmp_path):
    # The course's own environment (this one): no install, no message, the style applied.
    probe = "\nimport matplotlib as mpl\nprint(mpl.rcParams['axes.titleweight'])"
    for where in ("colab", "local"):
        cell = nbs.setup_source() + probe
        (tmp_path / "cell.py").write_text(cell)
        (tmp_path / "runner.py").write_text(RUNNER)
        done = subprocess.run(
            [sys.executable, str(tmp_path / "runner.py"), where, str(tmp_path / "cell.py")],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert (done.stdout, done.stderr) == ("bold\n", "")

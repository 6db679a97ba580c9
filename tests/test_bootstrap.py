"""The setup script behind `make lab` / `make test`: a clear one-line stop without Python 3.12."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    not Path("/usr/bin/python3").exists(), reason="needs a system python3 to hide behind"
)
def test_without_python_312_it_says_what_to_install(tmp_path):
    shutil.copytree(ROOT / "tools", tmp_path / "tools")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    # Only /usr/bin and /bin on PATH, no pyenv home: the system python3 is all there is.
    system = subprocess.run(
        ["/usr/bin/python3", "-c", "import sys; print(sys.version_info >= (3, 12))"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if system == "True":
        pytest.skip("this machine's system python3 is already >= 3.12")
    result = subprocess.run(
        ["bash", "tools/bootstrap.sh"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")},
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Python 3.12 or newer is needed" in lines[0]
    assert not (tmp_path / ".venv").exists()


def test_running_interpreter_is_312_or_newer():
    assert sys.version_info >= (3, 12)

"""Teaching from a fork: change the URL in pyproject.toml, run the sync, run the tests.

The README promises that these three steps leave a green suite. This test does them on a
copy of the working tree (a new owner, name and ref) and then runs, in the copy, the tests
that look at URLs: notebook hygiene (badges, setup cell, generated parts in sync) and the
README's. It also checks that no trace of the old repository is left.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as nbs  # noqa: E402

FORK = "https://github.com/a-teacher/risk-course-2027"


def working_tree_copy(target: Path) -> Path:
    """The repository's files (tracked and new, not ignored) copied to ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    return target


def fork_pyproject(text: str, url: str, ref: str | None) -> str:
    text, count = re.subn(r'^Repository = ".*"$', f'Repository = "{url}"', text, flags=re.M)
    assert count == 1, "pyproject.toml must name the repository on one `Repository =` line"
    if ref is not None:
        text, count = re.subn(r'^ref = ".*"$', f'ref = "{ref}"', text, flags=re.M)
        assert count == 1, "pyproject.toml must have one `ref =` line in [tool.risklab]"
    return text


@pytest.mark.parametrize("ref", [None, "spring-2027"], ids=["same-ref", "semester-tag"])
def test_change_url_sync_and_the_tests_pass(tmp_path: Path, ref: str | None) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to list the repository's files")
    copy = working_tree_copy(tmp_path / "fork")
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(fork_pyproject(pyproject.read_text(), FORK, ref))

    sync = subprocess.run(
        [sys.executable, "tools/sync_notebooks.py"], cwd=copy, capture_output=True, text=True
    )
    assert sync.returncode == 0, sync.stderr
    rewritten = set(re.findall(r"^rewritten: (.+)$", sync.stdout, flags=re.M))
    assert {"README.md", "CITATION.cff", "lessons/00_welcome.ipynb"} <= rewritten
    assert len(rewritten) == len(nbs.all_notebooks()) + 2

    owner, name = nbs.repository()
    old = re.compile(rf"{re.escape(owner)}(/|\.github\.io/){re.escape(name)}")
    left = [
        str(path.relative_to(copy))
        for path in copy.rglob("*")
        if path.is_file()
        and path.suffix in {".md", ".ipynb", ".cff", ".py", ".yml", ".toml"}
        and old.search(path.read_text(errors="replace"))
    ]
    assert not left, f"files still naming {owner}/{name} after the sync: {left}"
    assert "a-teacher/risk-course-2027" in (copy / "CITATION.cff").read_text()

    tests = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "tests/test_notebook_hygiene.py",
            "tests/test_readme.py",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert re.search(r"\d+ passed", tests.stdout)

"""README: the two setup commands come first, and its badges open this repository.

The repository is the one named in pyproject.toml ``[project.urls] Repository`` (the one
place that names it, so forks stay consistent)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as nbs  # noqa: E402

README = ROOT / "README.md"
BADGE_URL = re.compile(
    r"https://(?:mybinder\.org/v2/gh|colab\.research\.google\.com/github)/([\w.-]+)/([\w.-]+?)(?=[/)?#\s])"
)
OPENED_PATH = re.compile(r"(?:/blob/[\w.-]+/|\?urlpath=lab/tree/)([^\s)?#&]+)")


@pytest.fixture(scope="module")
def readme() -> str:
    if not README.exists():
        pytest.skip("README.md does not exist yet")
    return README.read_text()


def first_section(text: str) -> str:
    """The title, intro and the first ``##`` section (up to the second ``##`` heading)."""
    headings = [m.start() for m in re.finditer(r"^## ", text, flags=re.M)]
    return text[: headings[1]] if len(headings) > 1 else text


def test_two_commands_come_first(readme: str) -> None:
    start = first_section(readme)
    missing = [command for command in ("make lab", "make test") if command not in start]
    assert not missing, f"README's first section must show the setup commands; missing {missing}"


def test_benchmark_command_documented(readme: str) -> None:
    assert "make bench" in readme, "README must document the benchmark command `make bench`"


def test_badges_point_to_this_repository(readme: str) -> None:
    owner, name = nbs.repository()
    found = BADGE_URL.findall(readme)
    assert any("mybinder.org" in m.group(0) for m in BADGE_URL.finditer(readme)), (
        "README needs a Launch Binder badge"
    )
    wrong = [f"{o}/{n}" for o, n in found if (o, n) != (owner, name)]
    assert not wrong, (
        f"README badges must open {owner}/{name} (pyproject [project.urls]); found {wrong}"
    )


def test_badges_open_existing_notebooks(readme: str) -> None:
    missing = [path for path in OPENED_PATH.findall(readme) if not (ROOT / path).exists()]
    assert not missing, f"README badges open files that are not in the repository: {missing}"

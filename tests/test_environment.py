"""The local conda environment: environment.yml builds the same environment as
``pip install -e .[course,test]`` (Binder's lean one is binder/, see test_binder.py).

environment.yml must use conda-forge and Python 3.12, pin exactly the versions of
pyproject.toml's ``course`` and ``test`` extras (conda ``name=version``, or ``name==version``
under its ``pip:`` list for packages conda-forge lacks), and install the package itself.
A ``postBuild`` script, if any, must stop at the first failing command (``set -e``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from _conda_env import extra_pins, read_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ROOT_ENVIRONMENT = read_environment(ROOT / "environment.yml")
ENVIRONMENT = ROOT_ENVIRONMENT.data
#: PyPI name -> conda-forge name, where they differ.
CONDA_NAMES: dict[str, str] = {}
#: conda packages that are environment plumbing, not course dependencies.
PLUMBING = {"python", "pip"}


def pinned_extras() -> dict[str, str]:
    """``{name: version}`` from the ``course`` and ``test`` extras (all must be ``==`` pins)."""
    return extra_pins("course", "test")


def environment_pins() -> tuple[dict[str, str], dict[str, str], list[str]]:
    """``(conda pins, pip pins, other pip lines)`` of environment.yml."""
    return ROOT_ENVIRONMENT.conda, ROOT_ENVIRONMENT.pip, ROOT_ENVIRONMENT.pip_other


def test_uses_conda_forge_only() -> None:
    channels = ENVIRONMENT.get("channels") or []
    assert channels and channels[0] == "conda-forge", (
        f"environment.yml channels must start with conda-forge, got {channels}"
    )
    assert "defaults" not in channels, (
        "environment.yml must not use the 'defaults' channel (licensing, and solver mixes)"
    )


def test_python_312() -> None:
    conda, _, _ = environment_pins()
    assert re.fullmatch(r"3\.12(\.\*|\.\d+)?", conda.get("python", "")), (
        f"environment.yml must pin python=3.12 (mesa 3.5 needs >= 3.12; Binder builds what we test), got {conda.get('python')!r}"
    )


def test_pins_match_pyproject_extras() -> None:
    wanted = pinned_extras()
    conda, pip, _ = environment_pins()
    problems = []
    for name, version in wanted.items():
        conda_name = CONDA_NAMES.get(name, name)
        have = conda.get(conda_name, pip.get(name))
        if have is None:
            problems.append(f"{name}=={version} (pyproject) is missing from environment.yml")
        elif have != version:
            problems.append(
                f"{name}: pyproject pins {version}, environment.yml has {have or 'no version'}"
            )
    reverse = {CONDA_NAMES.get(n, n) for n in wanted}
    for name, version in {**conda, **pip}.items():
        if name not in PLUMBING and name not in reverse and name not in wanted:
            problems.append(
                f"{name}={version} is in environment.yml but not in pyproject's course/test extras"
            )
    assert not problems, "environment.yml and pyproject.toml disagree:\n" + "\n".join(problems)


def test_every_conda_dependency_is_pinned() -> None:
    conda, _, _ = environment_pins()
    loose = [name for name, version in conda.items() if name not in PLUMBING and not version]
    assert not loose, f"environment.yml: pin an exact version for {loose}"


def test_installs_the_package() -> None:
    _, _, other = environment_pins()
    assert any(re.fullmatch(r"(-e\s+)?\.(\[[\w,]*\])?", line) for line in other), (
        f"environment.yml's pip list must install the course package ('-e .'), got {other}"
    )


def test_pinned_versions_satisfy_the_package_ranges() -> None:
    """Colab installs the package with its ranges; the tested pins must lie inside them."""
    pins = pinned_extras()
    problems = []
    for line in PYPROJECT["project"]["dependencies"]:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{req.name} is a dependency but has no pin in the course extra")
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(
                f"{req.name}: pinned {pins[name]} is outside the dependency range {req.specifier}"
            )
    assert not problems, "\n".join(problems)


def test_post_build_stops_on_errors() -> None:
    scripts = [
        p
        for p in (ROOT / "postBuild", ROOT / "binder" / "postBuild", ROOT / ".binder" / "postBuild")
        if p.exists()
    ]
    if not scripts:
        pytest.skip("no postBuild script (nothing to check)")
    for path in scripts:
        commands = [
            s
            for line in path.read_text().splitlines()
            if (s := line.strip()) and not s.startswith("#")
        ]
        assert commands and re.match(r"set -[a-z]*e", commands[0]), (
            f"{path.relative_to(ROOT)} must start with `set -e` (or `set -euo pipefail`)"
        )

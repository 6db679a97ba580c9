"""Read conda environment files and pyproject's pinned extras (for the tests that compare
them: test_environment.py for the root environment.yml, test_binder.py for Binder's)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from notebooks import project  # noqa: E402


def extra_pins(*extras: str) -> dict[str, str]:
    """``{canonical name: version}`` of pyproject's ``extras``, which must pin ``==``."""
    optional = project()["optional-dependencies"]
    unknown = [extra for extra in extras if extra not in optional]
    if not extras or unknown:
        raise ValueError(f"extras must name some of {sorted(optional)}, got {extras!r}")
    pins: dict[str, str] = {}
    for extra in extras:
        for line in optional[extra]:
            req = Requirement(line)
            specs = list(req.specifier)
            if len(specs) != 1 or specs[0].operator != "==":
                raise ValueError(f"pyproject [{extra}] must pin 'name==version', got {line!r}")
            pins[canonicalize_name(req.name)] = specs[0].version
    return pins


@dataclass
class CondaEnvironment:
    """A conda environment file, read: its mapping, ``{name: version}`` of its conda and
    ``pip:`` pins (``""`` for no version) and the ``pip:`` lines that are not pins."""

    data: dict
    conda: dict[str, str] = field(default_factory=dict)
    pip: dict[str, str] = field(default_factory=dict)
    pip_other: list[str] = field(default_factory=list)


def read_environment(path: Path) -> CondaEnvironment:
    """Read the conda environment file ``path``; ValueError on what it cannot read."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path} does not exist")
    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a mapping, got {type(data).__name__}")
    env = CondaEnvironment(data)
    for dep in data.get("dependencies") or []:
        if isinstance(dep, dict):
            for line in dep.get("pip") or []:
                match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", str(line).strip())
                if match:
                    env.pip[canonicalize_name(match.group(1))] = match.group(2)
                else:
                    env.pip_other.append(str(line).strip())
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(?:=+\s*(\S+))?", str(dep).strip())
        if not match:
            raise ValueError(f"{path}: cannot read dependency {dep!r}")
        env.conda[canonicalize_name(match.group(1))] = match.group(2) or ""
    return env

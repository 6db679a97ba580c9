"""The package layout (CONTRIBUTING.md, "A unit is"): the kit at top level, one
subpackage per unit named after its lesson, each with a lab.py, and imports that resolve.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import mesa_models
from mesa_models.base import RiskModel

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mesa_models"
KIT = {"__init__", "base", "checks", "explore", "params", "plotting", "running"}
LESSON = re.compile(r"^(\d\d)_(.+)\.ipynb$")


def units() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def lesson_of(unit: str) -> Path:
    init = importlib.import_module(f"mesa_models.{unit}").__doc__ or ""
    match = re.search(r"lessons/(\d\d_\w+\.ipynb)", init)
    assert match, f"mesa_models/{unit}/__init__.py: its docstring must name its lesson"
    return ROOT / "lessons" / match.group(1)


def test_top_level_holds_only_the_kit():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules == KIT, (
        f"only the kit belongs at the top of mesa_models/: {sorted(modules - KIT)}"
    )


def test_every_lesson_has_its_unit_and_every_unit_its_lesson_and_lab():
    lessons = sorted((ROOT / "lessons").glob("*.ipynb"))
    assert len(lessons) == len(units())
    for unit in units():
        lesson = lesson_of(unit)
        assert lesson.exists(), f"{unit}: {lesson.name} does not exist"
        number = LESSON.match(lesson.name).group(1)
        doc = importlib.import_module(f"mesa_models.{unit}").__doc__
        assert doc.startswith(f"Unit {number} "), (
            f"{unit}: the docstring starts 'Unit {number} — ...'"
        )
        labs = list((ROOT / "solutions").glob(f"{number}_*_lab.ipynb"))
        assert labs and f"labs/{labs[0].name}" in doc, (
            f"{unit}: the docstring names labs/{number}_..._lab.ipynb"
        )
        assert (PACKAGE / unit / "lab.py").exists(), f"{unit}: the lab's checks belong in lab.py"


def test_unit_docstring_lists_every_model_module():
    for unit in units():
        doc = importlib.import_module(f"mesa_models.{unit}").__doc__
        for module in (PACKAGE / unit).glob("*.py"):
            if module.stem not in {"__init__", "lab"}:
                assert f"mesa_models.{unit}.{module.stem}" in doc, (
                    f"{unit}/__init__ docstring: list {module.stem}"
                )


def test_models_live_in_units_and_fast_engines_are_named_fast():
    for info in pkgutil.walk_packages(mesa_models.__path__, "mesa_models."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, RiskModel) and cls is not RiskModel and cls.__module__ == info.name:
                assert info.name.count(".") == 2, f"{cls.__name__} is defined outside a unit folder"
    stray = [
        p for p in PACKAGE.rglob("*.py") if re.search(r"_(numpy|numba|vec|array)\.py$", p.name)
    ]
    assert not stray, f"fast engines are named <model>_fast.py: {stray}"


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_kit_never_imports_a_unit():
    for stem in KIT:
        tree = ast.parse((PACKAGE / f"{stem}.py").read_text())
        bad = [n for n in _imports(tree) if any(n.startswith(f"mesa_models.{u}") for u in units())]
        assert not bad, f"mesa_models/{stem}.py imports a unit: {bad}"


def _notebook_imports() -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for folder in ("lessons", "solutions", "labs"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type != "code":
                    continue
                source = "\n".join(
                    l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!"))
                )
                try:
                    tree = ast.parse(source)
                except SyntaxError:
                    continue
                for node in ast.walk(tree):
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                        "mesa_models"
                    ):
                        for alias in node.names:
                            found.setdefault(f"{folder}/{path.name}", set()).add(
                                (node.module, alias.name)
                            )
    return found


def test_every_name_a_notebook_imports_exists():
    problems = []
    for notebook, pairs in _notebook_imports().items():
        for module, name in sorted(pairs):
            try:
                mod = importlib.import_module(module)
            except ImportError as error:
                problems.append(f"{notebook}: {module}: {error}")
                continue
            if not hasattr(mod, name):
                problems.append(f"{notebook}: {module} has no {name}")
    assert not problems, "\n".join(problems)


def test_notebooks_import_models_from_the_unit_not_its_modules():
    deep = [
        f"{nb}: {module}"
        for nb, pairs in _notebook_imports().items()
        for module, _ in pairs
        if module.count(".") >= 2 and not module.endswith(".lab")
    ]
    assert not deep, "a notebook imports from the unit (mesa_models.<topic>): " + ", ".join(
        sorted(set(deep))
    )


def test_importing_every_unit_is_silent():
    modules = ", ".join(["mesa_models", *(f"mesa_models.{u}" for u in units())])
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", f"import {modules}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0 and not result.stdout and not result.stderr, result.stderr


@pytest.mark.parametrize("unit", units())
def test_unit_reexports_resolve(unit):
    module = importlib.import_module(f"mesa_models.{unit}")
    missing = [name for name in getattr(module, "__all__", []) if not hasattr(module, name)]
    assert not missing and module.__all__, f"mesa_models.{unit}.__all__: {missing or 'empty'}"

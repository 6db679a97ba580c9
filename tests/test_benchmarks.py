"""The benchmark command's inputs and budget logic (the full run is `make bench`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "risklab_benchmarks_run", ROOT / "benchmarks" / "run.py"
)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


@pytest.mark.parametrize("path", bench.case_files(), ids=lambda p: p.name)
def test_cases_file_declares_label_setup_steps(path: Path) -> None:
    spec = importlib.util.spec_from_file_location(f"risklab_cases_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert isinstance(module.CASES, list) and module.CASES, (
        f"{path.name}: CASES must be a non-empty list"
    )
    for case in module.CASES:
        assert len(case) == 3, f"{path.name}: each case is (label, setup, steps), got {case!r}"
        label, setup, steps = case
        assert isinstance(label, str) and label, (
            f"{path.name}: label must be a string, got {label!r}"
        )
        assert callable(setup), f"{path.name}: {label}: setup must be callable"
        assert isinstance(steps, int) and steps >= 1, (
            f"{path.name}: {label}: steps must be an int >= 1, got {steps!r}"
        )


def test_every_risk_model_module_imports_and_corridor_is_found() -> None:
    classes, errors = bench.risk_models()
    assert not errors, f"mesa_models modules that do not import: {errors}"
    assert "Corridor" in {cls.__name__ for cls in classes}


def test_budget_status_and_exit_code() -> None:
    table = bench.Table()
    table.budget("notebook", "a", "time", 59.9, 60, bench.seconds)
    assert table.rows[-1][-1] == "PASS" and not table.failed
    table.budget("notebook", "b", "time", 60.0, 60, bench.seconds)
    assert table.rows[-1][-1] == "OVER" and table.failed


def test_steps_per_second_counts_steps() -> None:
    calls = []
    rate = bench.steps_per_second(lambda: calls.append(1), 10, 0)
    assert len(calls) == 11 and rate > 0  # one warm-up step, then ten timed


def test_redraw_measures_a_dashboard_step() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from mesa_models.welcome.corridor import Corridor
    from mesa_models.explore import Dashboard

    assert 0 < bench.redraw_seconds(Dashboard, Corridor, 1) < 30


def test_formats() -> None:
    assert bench.seconds(0.1234) == "0.123 s" and bench.seconds(61.4) == "61 s"
    assert bench.megabytes(200 * 2**20) == "200 MB" and bench.megabytes(2**30) == "1 GB"
    assert bench.rate(1234.4) == "1,234/s"

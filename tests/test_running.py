"""run() and sweep(): tables, seeding, and argument errors."""

import re

import pandas as pd
import pytest

from mesa_models import run, sweep
from mesa_models.welcome.corridor import Corridor


def test_run_returns_one_row_per_step_including_the_start():
    frame = run(Corridor, 7, rng=3)
    assert list(frame.index) == list(range(8))
    assert frame.index.name == "step"
    assert list(frame.columns) == ["speed", "standoffs", "conflicts"]


def test_run_on_an_instance_continues_it():
    model = Corridor(rng=3)
    run(model, 4)
    frame = run(model, 3)
    assert model.steps == 7 and frame.index[-1] == 7
    pd.testing.assert_frame_equal(frame, run(Corridor, 7, rng=3))


def test_same_seed_same_table_different_seed_different_table():
    a, b, c = run(Corridor, 60, rng=11), run(Corridor, 60, rng=11), run(Corridor, 60, rng=12)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


@pytest.mark.parametrize("steps", [-1, 2.5, "10", True])
def test_bad_steps(steps):
    with pytest.raises(ValueError, match="parameter 'steps'"):
        run(Corridor, steps)


def test_run_argument_errors():
    with pytest.raises(TypeError, match="course model"):
        run(dict, 3)
    with pytest.raises(TypeError, match="only with a model class"):
        run(Corridor(rng=1), 3, rng=2)


def test_sweep_rows_match_individual_runs():
    frame = sweep(Corridor, {"share_keep_right": [0.0, 0.5], "length": 20}, seeds=[1, 2], steps=30)
    assert len(frame) == 4
    assert set(frame["share_keep_right"]) == {0.0, 0.5} and set(frame["rng"]) == {1, 2}
    row = frame[(frame.share_keep_right == 0.5) & (frame.rng == 2)].iloc[0]
    single = run(Corridor, 30, rng=2, share_keep_right=0.5, length=20).iloc[-1]
    assert row["speed"] == single["speed"] and row["standoffs"] == single["standoffs"]


def test_sweep_validates_before_running():
    with pytest.raises(ValueError, match="'share_keep_right' got 2"):
        sweep(Corridor, {"share_keep_right": [0.5, 2]}, seeds=[0], steps=5)
    with pytest.raises(ValueError, match="'seeds' is empty"):
        sweep(Corridor, {}, seeds=[], steps=5)


# -- parallel sweeps and progress bars ------------------------------------------------------------
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

from _collusion_pools import dask_executor, local_pool_factory, process_pool  # noqa: E402,F401  (shared pools)

from mesa_models.running import map_ordered, show_progress  # noqa: E402

SWEEP = dict(
    parameters={"share_keep_right": [0.0, 0.5, 1.0], "length": 20}, seeds=[1, 2, 3], steps=40
)


@pytest.fixture(scope="module")
def serial_sweep():
    return sweep(Corridor, **SWEEP)


def test_sweep_on_a_local_process_pool_is_the_serial_sweep(
    serial_sweep, process_pool, local_pool_factory
):
    pd.testing.assert_frame_equal(sweep(Corridor, **SWEEP, executor=process_pool), serial_sweep)
    pd.testing.assert_frame_equal(sweep(Corridor, **SWEEP, workers=2), serial_sweep)
    assert local_pool_factory == [
        (2, "spawn"),
        "shutdown",
    ]  # workers=2 asked for 2 spawned processes


def test_sweep_on_a_dask_cluster_is_the_serial_sweep(serial_sweep, dask_executor):
    pd.testing.assert_frame_equal(sweep(Corridor, **SWEEP, executor=dask_executor), serial_sweep)


def test_sweep_on_any_executor_every_step(serial_sweep):
    with ThreadPoolExecutor(2) as pool:
        frame = sweep(Corridor, **SWEEP, executor=pool, every_step=True)
    assert len(frame) == 9 * 41
    last = frame[frame["Step"] == 40].reset_index(drop=True)
    pd.testing.assert_frame_equal(last, serial_sweep)


def test_parallel_arguments_are_checked():
    with pytest.raises(ValueError, match="parameter 'workers' got 0"):
        sweep(Corridor, {}, seeds=[0], steps=2, workers=0)
    with pytest.raises(ValueError, match="not both"):
        sweep(Corridor, {}, seeds=[0], steps=2, workers=2, executor=ThreadPoolExecutor(1))
    with pytest.raises(TypeError, match="concurrent.futures.Executor"):
        sweep(Corridor, {}, seeds=[0], steps=2, executor="dask")
    with pytest.raises(TypeError, match="parameter 'progress'"):
        sweep(Corridor, {}, seeds=[0], steps=2, progress="yes")


def test_map_ordered_keeps_job_order_and_reports_errors():
    with ThreadPoolExecutor(3) as pool:
        assert map_ordered(pow, [(2, k) for k in range(10)], executor=pool) == [
            2**k for k in range(10)
        ]
        with pytest.raises(ZeroDivisionError):
            map_ordered(divmod, [(1, 1), (1, 0)], executor=pool)


def test_progress_bars_are_off_under_pytest_and_can_be_forced(monkeypatch, capsys):
    assert show_progress() is False  # PYTEST_CURRENT_TEST is set
    assert show_progress(True) is True
    monkeypatch.setenv("RISKLAB_PROGRESS", "1")
    assert show_progress() is True
    monkeypatch.setenv("RISKLAB_PROGRESS", "0")
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    assert show_progress() is False
    monkeypatch.delenv("RISKLAB_PROGRESS")
    assert show_progress() is True
    import time

    map_ordered(time.sleep, [(0.6,), (0.6,)], progress=True, desc="sleeping")
    assert "sleeping" in capsys.readouterr().err  # shown once the work took more than a second


@pytest.mark.parametrize(
    ("seeds", "error", "fragment"),
    [
        (3, TypeError, "such as range(3)"),
        ([0.5], TypeError, "'seeds' got 0.5"),
        ([-1], ValueError, "'seeds' got -1"),
        ("ab", TypeError, "'seeds' got 'a'"),
    ],
)
def test_sweep_seeds_are_validated(seeds, error, fragment):
    from mesa_models.welcome import Corridor

    with pytest.raises(error, match=re.escape(fragment)):
        sweep(Corridor, {}, seeds=seeds, steps=5)

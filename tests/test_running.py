"""run() and sweep(): tables, seeding, and argument errors."""

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

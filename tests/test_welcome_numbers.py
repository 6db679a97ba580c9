"""Every number stated in the Unit 00 notebooks, recomputed (same seeds, same code)."""

import numpy as np
import pytest

from mesa_models import run, sweep
from mesa_models.welcome.corridor import EAST, Corridor, Robot, frozen_since

SEEDS = range(20)


@pytest.fixture(scope="module")
def experiment():
    one_maker = [run(Corridor, 200, rng=s, share_keep_right=1.0) for s in SEEDS]
    mixed = [run(Corridor, 200, rng=s, share_keep_right=0.5) for s in SEEDS]
    return one_maker, mixed


def test_primer_counts():
    """'12 robots, 6 heading east, 6 taught to keep right' (seed 42)."""
    robots = Corridor(rng=42).agents
    assert len(robots) == 12
    assert len(robots.select(lambda r: r.heading == EAST)) == 6
    assert len(robots.select(lambda r: r.convention == "right")) == 6


def test_one_maker_18_of_20_moving_at_0_88(experiment):
    one_maker, _ = experiment
    assert sum(frozen_since(f) is None for f in one_maker) == 18
    assert round(float(np.median([f["speed"].iloc[-50:].mean() for f in one_maker])), 2) == 0.88


def test_mixed_all_freeze_between_19_and_130_median_64(experiment):
    _, mixed = experiment
    frozen = [frozen_since(f) for f in mixed]
    assert None not in frozen
    assert (min(frozen), max(frozen), round(float(np.median(frozen)))) == (19, 130, 64)


def test_seed_3_has_two_square_blockages():
    """'two blockages, each a square of four robots' (seed 3, step 200)."""
    model = Corridor(rng=3)
    model.run_for(200)
    stuck = sorted((r.x, r.lane) for r in model.agents if r.oncoming_ahead())
    assert model.count_standoffs() == 4
    xs = sorted({x for x, _ in stuck})
    assert len(xs) == 4 and xs[1] == xs[0] + 1 and xs[3] == xs[2] + 1
    assert all((x, lane) in stuck for x in xs for lane in (0, 1))


class LawfulRobot(Robot):
    @property
    def preferred_lane(self):
        return 0 if self.heading == EAST else 1


class LawfulCorridor(Corridor):
    robot_class = LawfulRobot


def test_lab_sweep_and_open_question_figures():
    """Lab: any mix jams in all 10 runs, one convention rarely; only the law moves a mix."""
    frame = sweep(
        Corridor,
        {"share_keep_right": [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]},
        seeds=range(10),
        steps=200,
    )
    rates = (frame["speed"] == 0).groupby(frame["share_keep_right"]).mean()
    assert rates.tolist() == [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1]

    def final_speed(model_cls, **params):
        return sweep(model_cls, params, seeds=range(10), steps=200)["speed"].mean()

    assert (
        final_speed(Corridor)
        == final_speed(Corridor, hesitation=0.3)
        == final_speed(Corridor, patience=8)
        == 0
    )
    assert round(final_speed(LawfulCorridor), 2) == 0.75


def test_lab_watched_corridor_three_in_four_on_own_side_and_frozen():
    """Lab 00, exercise 2's figure (seed 3): 'Three robots in four end on their own side,
    and the corridor still freezes' (it freezes after step 47); over seeds 0-5 every run
    freezes while at least three in four robots end on their own side."""

    def on_own_side(model):
        return sum(r.in_preferred_lane for r in model.agents) / len(model.agents)

    watched_cls = type(
        "WatchedCorridor",
        (Corridor,),
        {"reporters": {**Corridor.reporters, "on_own_side": on_own_side}},
    )
    frame = run(watched_cls, 200, rng=3)
    assert frame["on_own_side"].iloc[-1] == 0.75 and frame.index[frame["speed"] > 0][-1] == 47
    for seed in range(6):
        frame = run(watched_cls, 200, rng=seed)
        assert frame["speed"].iloc[-1] == 0 and frame["on_own_side"].iloc[-1] >= 0.75


def test_one_maker_the_two_frozen_runs_stop_at_33_and_48(experiment):
    """Lesson 00: 'the other two froze early, at steps 33 and 48'."""
    one_maker, _ = experiment
    assert sorted(s for s in map(frozen_since, one_maker) if s is not None) == [33, 48]

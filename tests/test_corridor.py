"""Corridor (Unit 00): invariants, the coordination failure, extension points, errors."""

import numpy as np
import pandas as pd
import pytest

from mesa_models import run
from mesa_models.welcome.corridor import ACTIONS, EAST, WEST, Corridor, Robot, keep_to_my_side


def occupancy_ok(model):
    cells = [robot.cell for robot in model.agents]
    return len(set(cells)) == len(cells)


def test_robots_never_share_a_cell_and_are_conserved():
    model = Corridor(rng=5, n_robots=20, length=20)
    for _ in range(100):
        model.step()
        assert occupancy_ok(model)
        assert len(model.agents) == 20
    headings = [r.heading for r in model.agents]
    assert headings.count(EAST) == headings.count(WEST) == 10


def test_convention_counts_follow_the_share():
    model = Corridor(rng=0, n_robots=12, share_keep_right=0.25)
    assert sum(r.convention == "right" for r in model.agents) == 3


def test_preferred_lane_is_the_side_of_the_heading():
    model = Corridor(rng=0)
    for robot in model.agents:
        right_hand = 0 if robot.heading == EAST else 1
        assert robot.preferred_lane == (
            right_hand if robot.convention == "right" else 1 - right_hand
        )


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_one_maker_flows(share):
    """Either convention works when everyone shares it: most runs flow at speed > 0.8."""
    speeds = [
        run(Corridor, 200, rng=s, share_keep_right=share).speed.iloc[-50:].mean() for s in range(10)
    ]
    assert np.median(speeds) > 0.8
    assert sum(v > 0.5 for v in speeds) >= 8


def test_mixed_makers_gridlock():
    """A 50/50 mix locks up: every one of 10 runs ends with no robot moving."""
    finals = [run(Corridor, 200, rng=s).speed.iloc[-20:].max() for s in range(10)]
    assert finals == [0.0] * 10


def test_a_head_on_pair_of_different_makers_stands_off():
    """Two robots on their own sides, nose to nose: each waits for the other."""
    model = Corridor(rng=0, length=8, n_robots=2, hesitation=0.0, patience=20)
    east, west = sorted(model.agents, key=lambda r: -r.heading)
    east.convention, west.convention = "left", "right"  # both prefer the north lane
    east.cell, west.cell = model.cell_at(2, 1), model.cell_at(3, 1)
    for _ in range(10):
        model.step()
    assert (east.x, west.x) == (2, 3) and model.count_standoffs() == 1


def test_same_maker_pair_passes():
    model = Corridor(rng=0, length=8, n_robots=2, hesitation=0.0)
    east, west = sorted(model.agents, key=lambda r: -r.heading)
    east.convention = west.convention = "right"
    east.cell, west.cell = model.cell_at(2, 1), model.cell_at(3, 1)  # east is off its side
    for _ in range(4):
        model.step()
    assert model.count_standoffs() == 0 and east.x != 2 and west.x != 3


def test_injected_rule_is_used_and_validated():
    frame = run(Corridor, 20, rng=1, rule=lambda robot: "wait")
    assert (frame.speed == 0).all()
    with pytest.raises(
        ValueError, match=r"rule 'bad' returned 'fly' for robot \d+; allowed: 'forward'"
    ):

        def bad(robot):
            return "fly"

        Corridor(rng=0, rule=bad).step()
    with pytest.raises(TypeError, match="'rule' got 3"):
        Corridor(rule=3)


def test_subclassed_robot_is_used():
    class Timid(Robot):
        def choose_action(self):
            return "wait"

    class TimidCorridor(Corridor):
        robot_class = Timid

    assert (run(TimidCorridor, 10, rng=0).speed == 0).all()
    assert keep_to_my_side(next(iter(Corridor(rng=0).agents))) in ACTIONS


def test_parameter_errors():
    with pytest.raises(ValueError, match="'n_robots' got 40; allowed: at most length=30"):
        Corridor(n_robots=40)
    with pytest.raises(ValueError, match="'hesitation' got 1.5"):
        Corridor(hesitation=1.5)
    with pytest.raises(ValueError, match="'length' got 2"):
        Corridor(length=2)


def test_deterministic():
    pd.testing.assert_frame_equal(run(Corridor, 80, rng=9), run(Corridor, 80, rng=9))

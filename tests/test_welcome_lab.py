"""Unit 00 checks: the solutions pass, stubs read 'not attempted', and realistic wrong
answers are rejected with a message that names the cause."""

import random

import pytest

from mesa_models import sweep
from mesa_models.checks import insensitive_arguments
from mesa_models.welcome.corridor import EAST, Corridor, Robot
from mesa_models.welcome.lab import (
    GRIDLOCK_CASES,
    check_exercise_1,
    check_exercise_2,
    check_exercise_3,
)


@pytest.fixture(autouse=True)
def plain_verdicts(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def robot_with_lane(lane_rule):
    return type("R", (Robot,), {"preferred_lane": property(lane_rule)})


def stub(*args, **kwargs):
    raise NotImplementedError


# -- Exercise 1 -------------------------------------------------------------------------------


def test_exercise_1_accepts_the_solution_and_flags_a_stub():
    assert check_exercise_1(robot_with_lane(lambda self: 0 if self.heading == EAST else 1)).passed
    assert check_exercise_1(robot_with_lane(lambda self: stub())).status == "not attempted"


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (
            robot_with_lane(lambda self: 1 if self.heading == EAST else 0),
            "right-hand lane",
        ),  # keep left
        (robot_with_lane(lambda self: 0), "heading west"),  # ignores the heading
        (
            robot_with_lane(lambda self: 0 if self.convention == "right" else 1),
            "right-hand lane",
        ),  # reads the maker
        (
            robot_with_lane(lambda self: Robot.preferred_lane.fget(self)),
            "whose maker says keep",
        ),  # unchanged
        (
            robot_with_lane(lambda self: self.heading == EAST),
            "should be a whole number (int), got a bool",
        ),
        (robot_with_lane(lambda self: "south"), "got a str: 'south'"),
        (Corridor, "a subclass of Robot"),
        (Robot, "a subclass of Robot"),
    ],
)
def test_exercise_1_rejects_wrong_answers(answer, cause):
    verdict = check_exercise_1(answer)
    assert verdict.status == "incorrect" and cause in verdict.message, verdict


# -- Exercise 2 -------------------------------------------------------------------------------


def share_on_own_side(model):
    return sum(r.in_preferred_lane for r in model.agents) / len(model.agents)


def test_exercise_2_accepts_the_solution_and_flags_a_stub():
    assert check_exercise_2(share_on_own_side).passed
    assert check_exercise_2(stub).status == "not attempted"


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (
            lambda m: sum(r.in_preferred_lane for r in m.agents),
            "should be 0.4167",
        ),  # forgot to divide
        (
            lambda m: sum(r.in_preferred_lane for r in m.agents) / 12,
            "n_robots=8",
        ),  # hard-coded default size
        (
            lambda m: sum(r.lane == 0 for r in m.agents) / len(m.agents),
            "should be",
        ),  # lane 0, not own side
        (
            lambda m: sum(r.in_preferred_lane for r in m.agents) / (len(m.agents) - 1),
            "should be",
        ),  # off by one
        (lambda m: len(m.agents) > 0, "should be a number, got a bool"),
    ],
)
def test_exercise_2_rejects_wrong_answers(answer, cause):
    verdict = check_exercise_2(answer)
    assert verdict.status == "incorrect" and cause in verdict.message, verdict


def test_exercise_2_reports_a_crash_in_one_line():
    verdict = check_exercise_2(lambda m: m.robots)
    assert (
        verdict.status == "error"
        and "AttributeError" in verdict.message
        and "\n" not in verdict.message
    )


# -- Exercise 3 -------------------------------------------------------------------------------


def gridlock_rate(shares, seeds, steps=200):
    frame = sweep(Corridor, {"share_keep_right": list(shares)}, seeds=seeds, steps=steps)
    return (frame["speed"] == 0).groupby(frame["share_keep_right"]).mean()


def test_exercise_3_accepts_the_solution_and_flags_a_stub():
    assert check_exercise_3(gridlock_rate).passed
    assert check_exercise_3(stub).status == "not attempted"


def test_exercise_3_cases_make_every_argument_matter():
    def reference(shares, seeds, steps):
        return gridlock_rate(shares, seeds, steps).tolist()

    shares, seeds, steps = GRIDLOCK_CASES[0]
    alternatives = {"seeds": [GRIDLOCK_CASES[2][1]], "steps": [GRIDLOCK_CASES[1][2]]}
    assert (
        insensitive_arguments(
            reference, {"shares": shares, "seeds": seeds, "steps": steps}, **alternatives
        )
        == []
    )


def ignores_steps(shares, seeds, steps=200):
    return gridlock_rate(shares, seeds, 200)


def ignores_seeds(shares, seeds, steps=200):
    return gridlock_rate(shares, range(10), steps)


def sorts_in_place(shares, seeds, steps=200):
    shares.sort()
    return gridlock_rate(shares, seeds, steps)


def global_random_seeds(shares, seeds, steps=200):
    return gridlock_rate(shares, [random.randrange(100) for _ in seeds], steps)


def mean_speed_instead(shares, seeds, steps=200):
    frame = sweep(Corridor, {"share_keep_right": list(shares)}, seeds=seeds, steps=steps)
    return frame.groupby("share_keep_right")["speed"].mean()


def as_list(shares, seeds, steps=200):
    return gridlock_rate(shares, seeds, steps).tolist()


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (ignores_steps, "steps=30) should give rates"),
        (ignores_seeds, "seeds=[0, 1, 2, 3], steps=150) should give rates"),
        (sorts_in_place, "changed its input in place"),
        (global_random_seeds, "should give rates"),
        (mean_speed_instead, "should give rates"),
        (as_list, "should be a Series, got a list"),
    ],
)
def test_exercise_3_rejects_wrong_answers(answer, cause):
    verdict = check_exercise_3(answer)
    assert verdict.status == "incorrect" and cause in verdict.message, verdict

"""Unit 00 checks: correct for the reference answers, 'not attempted' for stubs, and a
useful verdict for plausible mistakes."""

import pytest

from mesa_models import sweep
from mesa_models.welcome.corridor import EAST, Corridor, Robot
from mesa_models.welcome.lab import check_exercise_1, check_exercise_2, check_exercise_3


@pytest.fixture(autouse=True)
def plain_verdicts(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def robot_with_lane(lane_rule):
    return type("R", (Robot,), {"preferred_lane": property(lane_rule)})


def test_exercise_1():
    assert check_exercise_1(robot_with_lane(lambda self: 0 if self.heading == EAST else 1)).passed
    stub = robot_with_lane(lambda self: (_ for _ in ()).throw(NotImplementedError()))
    assert check_exercise_1(stub).status == "not attempted"
    wrong = check_exercise_1(robot_with_lane(lambda self: 1 if self.heading == EAST else 0))
    assert wrong.status == "incorrect" and "right-hand lane" in wrong.message
    assert check_exercise_1(robot_with_lane(lambda self: "south")).status == "incorrect"
    assert check_exercise_1(Corridor).status == "incorrect"


def test_exercise_2():
    assert check_exercise_2(lambda m: sum(r.in_preferred_lane for r in m.agents) / len(m.agents)).passed

    def stub(model):
        raise NotImplementedError

    assert check_exercise_2(stub).status == "not attempted"
    counts = check_exercise_2(lambda m: sum(r.in_preferred_lane for r in m.agents))  # forgot to divide
    assert counts.status == "incorrect" and "expected 0.4167" in counts.message
    assert check_exercise_2(lambda m: m.robots).status == "error"  # no such attribute


def test_exercise_3():
    def reference(shares, seeds, steps=200):
        frame = sweep(Corridor, {"share_keep_right": list(shares)}, seeds=seeds, steps=steps)
        return (frame["speed"] == 0).groupby(frame["share_keep_right"]).mean()

    assert check_exercise_3(reference).passed

    def as_list(shares, seeds, steps=200):
        return reference(shares, seeds, steps).tolist()

    assert check_exercise_3(as_list).status == "incorrect"

    def mean_speed_instead(shares, seeds, steps=200):
        frame = sweep(Corridor, {"share_keep_right": list(shares)}, seeds=seeds, steps=steps)
        return frame.groupby("share_keep_right")["speed"].mean()

    assert check_exercise_3(mean_speed_instead).status == "incorrect"

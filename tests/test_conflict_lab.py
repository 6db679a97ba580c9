"""Unit 02 lab checks: correct for the reference answers, "not attempted" for stubs,
"incorrect"/"error" for plausible wrong answers."""

import pytest

from mesa_models import run
from mesa_models.conflict.commons import CommonsHarvest
from mesa_models.conflict.escalation import Strategy, TitForTat
from mesa_models.conflict.spatial_pd_fast import SpatialPDArray
from mesa_models.conflict import lab as unit02


@pytest.fixture(autouse=True)
def no_expectation(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


class Generous(Strategy):
    def move(self, mine, theirs, random):
        return "C" if theirs[-1] == "C" or random.random() < 1 / 3 else "D"


class Stub(Strategy):
    def move(self, mine, theirs, random):
        raise NotImplementedError


class TooGenerous(Strategy):  # forgives always: recovers, but is exploitable
    def move(self, mine, theirs, random):
        return "C"


def graduated(harvester, cell):
    model = harvester.model
    around = model.apples_around(cell)
    return model.fine * (model.protect_below - around) if around < model.protect_below else 0.0


def flat(harvester, cell):
    model = harvester.model
    return model.fine if model.apples_around(cell) < model.protect_below else 0.0


def stub_rule(harvester, cell):
    raise NotImplementedError


def late_share(b, seed=0):
    return unit02.reference_late_share(b, seed)


def test_exercise_1():
    assert unit02.check_exercise_1(Generous).status == "correct"
    assert unit02.check_exercise_1(Stub).status == "not attempted"
    assert unit02.check_exercise_1(TitForTat).status == "incorrect"
    assert unit02.check_exercise_1(TooGenerous).status == "incorrect"
    assert unit02.check_exercise_1(42).status == "incorrect"


def test_exercise_2():
    assert unit02.check_exercise_2(graduated).status == "correct"
    assert unit02.check_exercise_2(stub_rule).status == "not attempted"
    assert unit02.check_exercise_2(flat).status == "incorrect"
    assert unit02.check_exercise_2(lambda h: 0).status == "error"


def weakest_fine(rule, monitoring=0.5):
    fine = 0.25
    while True:
        alive = True
        for seed in range(4):
            model = CommonsHarvest(rng=seed, fine=fine, monitoring=monitoring, sanction_rule=rule)
            model.run_for(300)
            if model.time_to_collapse is not None:
                alive = False
                break
        if alive:
            return fine
        fine += 0.25


def last_collapsing_fine(rule):  # off by one step: a plausible slip
    return weakest_fine(rule) - 0.25


def test_exercise_3():
    assert unit02.check_exercise_3(weakest_fine).status == "correct"

    def stub(rule):
        raise NotImplementedError

    assert unit02.check_exercise_3(stub).status == "not attempted"
    verdict = unit02.check_exercise_3(last_collapsing_fine)
    assert verdict.status == "incorrect" and "2.0" in verdict.message
    assert unit02.check_exercise_3(lambda rule: 1 / 0.5).status == "incorrect"  # 1 / monitoring is right only for the flat rule


def test_exercise_4():
    assert unit02.check_exercise_4(late_share).status == "correct"

    def stub(b, seed=0):
        raise NotImplementedError

    assert unit02.check_exercise_4(stub).status == "not attempted"
    assert unit02.check_exercise_4(lambda b, seed=0: 0.5).status == "incorrect"

    def final_share_only(b, seed=0):  # last step instead of the mean of the last 50
        return run(SpatialPDArray, 150, rng=seed, width=60, height=60, b=b, initial_cooperators=0.9)["cooperators"].iloc[-1]

    assert unit02.check_exercise_4(final_share_only).status == "incorrect"
    assert unit02.check_exercise_4(lambda b: 0.3).status == "error"

"""Unit 02 lab checks: the solutions pass, stubs read "not attempted", and realistic wrong
answers are rejected with a message that names the cause."""

import random

import numpy as np
import pytest

from mesa_models import run
from mesa_models.checks import insensitive_arguments
from mesa_models.conflict import lab as unit02
from mesa_models.conflict.commons import CommonsHarvest
from mesa_models.conflict.escalation import Strategy, TitForTat
from mesa_models.conflict.spatial_pd_fast import SpatialPDArray


@pytest.fixture(autouse=True)
def no_expectation(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def stub(*args, **kwargs):
    raise NotImplementedError


# -- Exercise 1 -------------------------------------------------------------------------------


class Generous(Strategy):
    def move(self, mine, theirs, random):
        return "C" if theirs[-1] == "C" or random.random() < 1 / 3 else "D"


class Stub(Strategy):
    def move(self, mine, theirs, random):
        raise NotImplementedError


class AlwaysForgives(Strategy):  # recovers, but is not generous TFT
    def move(self, mine, theirs, random):
        return "C"


class ForgivesHalf(Strategy):  # wrong generosity
    def move(self, mine, theirs, random):
        return "C" if theirs[-1] == "C" or random.random() < 0.5 else "D"


class ReadsOwnMove(Strategy):  # looks at mine[-1] instead of theirs[-1]
    def move(self, mine, theirs, random):
        return "C" if mine[-1] == "C" or random.random() < 1 / 3 else "D"


class ReadsFirstMove(Strategy):  # theirs[0] instead of theirs[-1]
    def move(self, mine, theirs, random):
        return "C" if theirs[0] == "C" or random.random() < 1 / 3 else "D"


class GlobalNumpyRandom(Strategy):  # ignores the random it is given
    def move(self, mine, theirs, random):
        return "C" if theirs[-1] == "C" or np.random.random() < 1 / 3 else "D"


class AppendsToHistory(Strategy):  # records its move in the model's history list
    def move(self, mine, theirs, random):
        choice = "C" if theirs[-1] == "C" or random.random() < 1 / 3 else "D"
        mine.append(choice)
        return choice


def test_exercise_1_accepts_the_solution_and_flags_a_stub():
    assert unit02.check_exercise_1(Generous).passed
    assert unit02.check_exercise_1(Stub).status == "not attempted"


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (AlwaysForgives, "forgive with probability 1/3; you forgave 100.0%"),
        (ForgivesHalf, "forgive with probability 1/3"),
        (ReadsOwnMove, "your moves ['D'], theirs ['C']"),
        (ReadsFirstMove, "your moves ['C', 'D', 'C'], theirs ['D', 'D', 'C']"),
        (GlobalNumpyRandom, "not reproducible"),
        (AppendsToHistory, "changed its input in place"),
        (TitForTat, "forgive with probability 1/3; you forgave 0.0%"),
        (Strategy, "a Strategy subclass"),
    ],
)
def test_exercise_1_rejects_wrong_answers(answer, cause):
    verdict = unit02.check_exercise_1(answer)
    assert verdict.status == "incorrect" and cause in verdict.message, verdict


# -- Exercise 2 -------------------------------------------------------------------------------


def hard_coded_fine(harvester, cell):  # the lesson's fine, not the model's
    around = harvester.model.apples_around(cell)
    return (
        1.5 * (harvester.model.protect_below - around)
        if around < harvester.model.protect_below
        else 0.0
    )


def hard_coded_level(harvester, cell):  # protect_below = 2 from the lesson
    around = harvester.model.apples_around(cell)
    return harvester.model.fine * (2 - around) if around < 2 else 0.0


def at_or_below(harvester, cell):  # <= instead of <
    model = harvester.model
    around = model.apples_around(cell)
    return model.fine * (model.protect_below - around + 1) if around <= model.protect_below else 0.0


def flat_fine(harvester, cell):  # not graduated
    model = harvester.model
    return model.fine if model.apples_around(cell) < model.protect_below else 0.0


def none_when_allowed(harvester, cell):  # returns None instead of 0
    model = harvester.model
    around = model.apples_around(cell)
    return model.fine * (model.protect_below - around) if around < model.protect_below else None


def test_exercise_2_accepts_the_solution_and_flags_a_stub():
    assert unit02.check_exercise_2(unit02.graduated_reference).passed
    assert unit02.check_exercise_2(stub).status == "not attempted"


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (hard_coded_fine, "fine = 2.5"),
        (hard_coded_level, "protect_below = 3"),
        (at_or_below, "the fine should be"),
        (flat_fine, "0 apple(s) around, the fine should be 3"),
        (none_when_allowed, "should be a number, got None"),
    ],
)
def test_exercise_2_rejects_wrong_answers(answer, cause):
    verdict = unit02.check_exercise_2(answer)
    assert verdict.status == "incorrect" and cause in verdict.message, verdict


# -- Exercise 3 -------------------------------------------------------------------------------


def weakest_fine(rule, monitoring=0.5, seeds=range(4), steps=300):
    fine = 0.25
    while fine <= 20:
        if all(unit02._survives(rule, fine, monitoring, seed, steps) for seed in seeds):
            return fine
        fine += 0.25
    return None


def any_seed(rule, monitoring=0.5, seeds=range(4), steps=300):  # returns when one seed survives
    fine = 0.25
    while fine <= 20:
        if any(unit02._survives(rule, fine, monitoring, seed, steps) for seed in seeds):
            return fine
        fine += 0.25
    return None


def ignores_monitoring(rule, monitoring=0.5, seeds=range(4), steps=300):
    return weakest_fine(rule, 0.5, seeds, steps)


def ignores_steps(rule, monitoring=0.5, seeds=range(4), steps=300):
    return weakest_fine(rule, monitoring, seeds, 300)


def ignores_seeds(rule, monitoring=0.5, seeds=range(4), steps=300):
    return weakest_fine(rule, monitoring, range(4), steps)


def test_exercise_3_accepts_the_solution_and_flags_a_stub():
    assert unit02.check_exercise_3(weakest_fine).passed
    assert unit02.check_exercise_3(stub).status == "not attempted"


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (any_seed, "steps=100) should be 2, got 0.25"),
        (ignores_monitoring, "monitoring=1.0"),
        (ignores_steps, "seeds=[1], steps=200) should be 0.25, got 2"),
        (ignores_seeds, "seeds=[1], steps=200) should be 0.25, got 2"),
        (lambda rule, monitoring, seeds, steps: True, "got a bool"),
    ],
)
def test_exercise_3_rejects_wrong_answers(answer, cause):
    verdict = unit02.check_exercise_3(answer)
    assert verdict.status == "incorrect" and cause in verdict.message, verdict


@pytest.mark.parametrize(
    "case", unit02.WEAKEST_FINE_CASES, ids=lambda c: str(c[1:4]) if isinstance(c, tuple) else ""
)
def test_exercise_3_answers_are_recomputed(case):
    rule, monitoring, seeds, steps, answer = case
    assert unit02.reference_weakest_fine(rule, monitoring, seeds, steps) == answer


# -- Exercise 4 -------------------------------------------------------------------------------


def late_share(b, seed=0):
    frame = run(SpatialPDArray, 150, rng=seed, width=60, height=60, b=b, initial_cooperators=0.9)
    return float(frame["cooperators"].iloc[-50:].mean())


def off_by_one(b, seed=0):  # 51 rows: steps 100-150
    frame = run(SpatialPDArray, 150, rng=seed, width=60, height=60, b=b, initial_cooperators=0.9)
    return float(frame["cooperators"].iloc[-51:].mean())


def fixed_seed(b, seed=0):
    return late_share(b, 0)


def half_start(b, seed=0):  # starts from 50 % cooperators
    frame = run(SpatialPDArray, 150, rng=seed, width=60, height=60, b=b, initial_cooperators=0.5)
    return float(frame["cooperators"].iloc[-50:].mean())


def test_exercise_4_accepts_the_solution_and_flags_a_stub():
    assert unit02.check_exercise_4(late_share).passed
    assert unit02.check_exercise_4(stub).status == "not attempted"


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        (off_by_one, "late_share(1.5, 0) should be"),
        (fixed_seed, "late_share(1.9, 1) should be"),
        (half_start, "late_share(1.5, 0) should be"),
        (lambda b, seed: np.float64(late_share(b, seed)) > 0, "should be a number, got a bool"),
    ],
)
def test_exercise_4_rejects_wrong_answers(answer, cause):
    verdict = unit02.check_exercise_4(answer)
    assert verdict.status == "incorrect" and cause in verdict.message, verdict


def test_exercise_4_cases_make_b_and_seed_matter():
    assert (
        insensitive_arguments(
            unit02.reference_late_share, {"b": 1.9, "seed": 0}, b=[1.5, 2.2], seed=[1, 3]
        )
        == []
    )

"""Unit 08 lab checks: the reference answers pass, stubs are 'not attempted', and realistic
wrong answers are rejected with a message that names the cause."""

from __future__ import annotations

import random as stdlib_random

import numpy as np
import pytest

from mesa_models.checks import insensitive_arguments
from mesa_models.commitment import lab
from mesa_models.commitment.chicken import RigidCommitment
from mesa_models.commitment.indirect_reciprocity import IndirectReciprocity, image_scoring, standing


@pytest.fixture(autouse=True)
def _no_expectation(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def stub(*args, **kwargs):
    raise NotImplementedError


class StubEscape(RigidCommitment):
    def __init__(self, p_escape=0.5):
        raise NotImplementedError


# -- Exercise 1 ---------------------------------------------------------------------------------
def test_exercise_1_verdicts():
    assert (
        insensitive_arguments(
            standing,
            {"helped": False, "recipient_good": True},
            helped=[True],
            recipient_good=[False],
        )
        == []
    )
    assert lab.check_exercise_1(standing).status == "correct"
    assert lab.check_exercise_1(lambda helped, good: helped or not good).status == "correct"
    assert lab.check_exercise_1(stub).status == "not attempted"


@pytest.mark.parametrize(
    "wrong, words",
    [
        (image_scoring, "justified"),  # image scoring: refusing is always bad
        (lambda helped, good: helped == good, "helping is always good"),  # stern judging
        (lambda helped, good: int(helped or not good), "should be True or False"),  # wrong type
        (lambda helped, good: good or not helped, "helping is always good"),  # arguments swapped
    ],
)
def test_exercise_1_rejects(wrong, words):
    verdict = lab.check_exercise_1(wrong)
    assert verdict.status == "incorrect" and words in verdict.message, verdict


# -- Exercise 2 ---------------------------------------------------------------------------------
def correct_payoffs(tick_a, tick_b, delay, cost, crash_cost):
    a, b = tick_a is not None, tick_b is not None
    if a and b:
        if tick_a + delay <= tick_b:
            b = False
        elif tick_b + delay <= tick_a:
            a = False
    if a and b:
        return (-crash_cost - cost, -crash_cost - cost)
    if a:
        return (1 - cost, -1.0)
    if b:
        return (-1.0, 1 - cost)
    return (0.0, 0.0)


def ignores_delay(tick_a, tick_b, delay, cost, crash_cost):
    return correct_payoffs(tick_a, tick_b, 1, cost, crash_cost)


def strict_visibility(tick_a, tick_b, delay, cost, crash_cost):  # off by one: < instead of <=
    if tick_a is not None and tick_b is not None:
        if tick_a + delay < tick_b:
            tick_b = None
        elif tick_b + delay < tick_a:
            tick_a = None
        else:
            return (-crash_cost - cost, -crash_cost - cost)
    return correct_payoffs(tick_a, tick_b, delay, cost, crash_cost)


def forgets_cost(tick_a, tick_b, delay, cost, crash_cost):
    return correct_payoffs(tick_a, tick_b, delay, 0.0, crash_cost)


def reversed_order(tick_a, tick_b, delay, cost, crash_cost):
    return correct_payoffs(tick_a, tick_b, delay, cost, crash_cost)[::-1]


def as_list(tick_a, tick_b, delay, cost, crash_cost):
    return list(correct_payoffs(tick_a, tick_b, delay, cost, crash_cost))


def test_exercise_2_verdicts():
    assert lab.check_exercise_2(correct_payoffs).status == "correct"
    assert lab.check_exercise_2(stub).status == "not attempted"
    base = lab.CHICKEN_BASE
    alternatives = {k: [c[k] for c in lab.CHICKEN_CASES if c[k] != base[k]] for k in base}
    assert insensitive_arguments(lab.reference_chicken_payoffs, base, **alternatives) == []


@pytest.mark.parametrize(
    "wrong, words",
    [
        (ignores_delay, "should be (-10.1, -10.1)"),
        (strict_visibility, "tick_a=4"),
        (forgets_cost, "should be (-10.1, -10.1), got (-10, -10)"),
        (reversed_order, "tick_a=None"),
        (as_list, "should be a tuple"),
    ],
)
def test_exercise_2_rejects(wrong, words):
    verdict = lab.check_exercise_2(wrong)
    assert verdict.status == "incorrect" and words in verdict.message, verdict


# -- Exercise 3 ---------------------------------------------------------------------------------
class IgnoresProbability(RigidCommitment):
    def __init__(self, p_escape=0.5):
        self.p_escape = p_escape

    def escape(self, saw_commitment, random):
        return saw_commitment


class EscapesBlind(lab.ReferenceEscapeClause):
    def escape(self, saw_commitment, random):
        return random.random() < self.p_escape


class GlobalRandom(lab.ReferenceEscapeClause):
    def escape(self, saw_commitment, random):
        return saw_commitment and stdlib_random.random() < self.p_escape


class Inverted(lab.ReferenceEscapeClause):
    def escape(self, saw_commitment, random):
        return saw_commitment and random.random() > self.p_escape


class ReturnsMove(lab.ReferenceEscapeClause):
    def escape(self, saw_commitment, random):
        return "swerve" if saw_commitment and random.random() < self.p_escape else "straight"


def test_exercise_3_verdicts():
    assert lab.check_exercise_3(lab.ReferenceEscapeClause).status == "correct"
    assert lab.check_exercise_3(StubEscape).status == "not attempted"


@pytest.mark.parametrize(
    "wrong, words",
    [
        (IgnoresProbability, "expected about 0%"),
        (EscapesBlind, "NOT seen"),
        (GlobalRandom, "not reproducible"),
        (Inverted, "expected about 0%"),
        (ReturnsMove, "should be True or False"),
    ],
)
def test_exercise_3_rejects(wrong, words):
    verdict = lab.check_exercise_3(wrong)
    assert verdict.status == "incorrect" and words in verdict.message, verdict


def test_exercise_3_rejects_a_non_class():
    assert lab.check_exercise_3(lab.ReferenceEscapeClause(0.5)).status == "incorrect"


# -- Exercise 4 ---------------------------------------------------------------------------------
def level(norm, perception_error, seed, **changes):
    settings = dict(
        rng=seed,
        norm_rule=norm,
        perception_error=perception_error,
        rounds=lab.LAB_ROUNDS,
        initial_defectors=0.0,
        mutation=0.0,
    )
    settings.update(changes)
    model = IndirectReciprocity(**settings)
    model.step()
    return model.cooperation


def ignores_norm(norm, perception_error, seed):
    return level(standing, perception_error, seed)


def fixed_seed(norm, perception_error, seed):
    return level(norm, perception_error, 0)


def global_seed(norm, perception_error, seed):
    return level(norm, perception_error, int(np.random.randint(1000)))


def good_share(norm, perception_error, seed):
    model = IndirectReciprocity(
        rng=seed,
        norm_rule=norm,
        perception_error=perception_error,
        rounds=lab.LAB_ROUNDS,
        initial_defectors=0.0,
        mutation=0.0,
    )
    model.step()
    return model.good_share


def short_generation(norm, perception_error, seed):
    return level(norm, perception_error, seed, rounds=500)


def test_exercise_4_verdicts():
    assert lab.check_exercise_4(level).status == "correct"
    assert lab.check_exercise_4(stub).status == "not attempted"
    base = lab.COOPERATION_BASE
    alternatives = {
        k: [c[k] for c in lab.COOPERATION_CASES if c[k] is not base[k] and c[k] != base[k]]
        for k in base
    }
    assert insensitive_arguments(lab.reference_cooperation_level, base, **alternatives) == []


@pytest.mark.parametrize(
    "wrong, words",
    [
        (ignores_norm, "norm=image_scoring"),
        (fixed_seed, "seed=1"),
        (global_seed, "should be"),
        (good_share, "should be"),
        (short_generation, "should be"),
    ],
)
def test_exercise_4_rejects(wrong, words):
    verdict = lab.check_exercise_4(wrong)
    assert verdict.status == "incorrect" and words in verdict.message, verdict


def test_a_crashing_answer_is_an_error():
    assert lab.check_exercise_2(lambda *args: 1 / 0).status == "error"

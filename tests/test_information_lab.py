"""Unit 04 lab checks: the solution is accepted, a stub is "not attempted", and for every
exercise realistic wrong answers are rejected with a message that names the cause. The
reference answers depend on every argument over the checks' cases."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest

from mesa_models.checks import insensitive_arguments
from mesa_models.information import lab
from mesa_models.information.lemons_fast import simulate_lemons


@pytest.fixture(autouse=True)
def no_expectation(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def stub(*args, **kwargs):
    raise NotImplementedError


def rejected(verdict, *words):
    """The verdict is not 'correct' and its message names the cause."""
    assert verdict.status in ("incorrect", "error"), verdict
    text = verdict.message.lower()
    assert all(w.lower() in text for w in words), verdict.message
    return True


@pytest.mark.parametrize(
    ("reference", "exercise"),
    [
        (lab.reference_next_price, lab.EXERCISE_1),
        (lab.reference_efficiency, lab.EXERCISE_2),
        (lab.reference_mutual_information, lab.EXERCISE_3),
        (lab.reference_cheapest_certifier, lab.EXERCISE_4),
    ],
    ids=["ex1", "ex2", "ex3", "ex4"],
)
def test_every_argument_changes_the_reference_answer(reference, exercise):
    base, alternatives = exercise
    assert insensitive_arguments(reference, base, **alternatives) == []


# -- Exercise 1 -------------------------------------------------------------------------------
def next_price(price, premium=1.5, quality_max=2.0):  # as a student writes it
    offered = min(max(price, 0.0), quality_max)
    return premium * offered / 2


def test_exercise_1():
    assert lab.check_exercise_1(next_price).status == "correct"
    assert lab.check_exercise_1(stub).status == "not attempted"
    # forgot that no car is better than quality_max
    assert rejected(
        lab.check_exercise_1(lambda price, premium=1.5, quality_max=2.0: premium * price / 2),
        "price=2.5",
        "should be 1.5",
    )
    # hard-coded Akerlof's premium
    assert rejected(
        lab.check_exercise_1(
            lambda price, premium=1.5, quality_max=2.0: 1.5 * min(price, quality_max) / 2
        ),
        "premium=1.2",
    )
    # ignored adverse selection: buyers pay for the average car of the whole population
    assert rejected(
        lab.check_exercise_1(lambda price, premium=1.5, quality_max=2.0: premium * quality_max / 2),
        "should be 1.125, got 1.5",
    )
    # forgot to halve: pays premium x price
    assert rejected(
        lab.check_exercise_1(
            lambda price, premium=1.5, quality_max=2.0: premium * min(price, quality_max)
        ),
        "should be 1.125",
    )
    # returned an array instead of a number
    assert rejected(
        lab.check_exercise_1(
            lambda price, premium=1.5, quality_max=2.0: np.array(
                [premium * min(price, quality_max) / 2]
            )
        ),
        "should be a number",
        "array",
    )


# -- Exercise 2 -------------------------------------------------------------------------------
def efficiency(bid_rule, ask_rule, n_pairs, seed):
    rng = np.random.default_rng(seed)
    vb, vs = rng.random(n_pairs), rng.random(n_pairs)
    trade = np.array([bid_rule(b) >= ask_rule(s) for b, s in zip(vb, vs)])
    return float(np.sum((vb - vs)[trade]) / np.sum(np.maximum(vb - vs, 0)))


def global_rng(bid_rule, ask_rule, n_pairs, seed):
    vb, vs = np.random.random(n_pairs), np.random.random(n_pairs)
    trade = np.array([bid_rule(b) >= ask_rule(s) for b, s in zip(vb, vs)])
    return float(np.sum((vb - vs)[trade]) / np.sum(np.maximum(vb - vs, 0)))


def sellers_first(bid_rule, ask_rule, n_pairs, seed):
    rng = np.random.default_rng(seed)
    vs, vb = rng.random(n_pairs), rng.random(n_pairs)
    trade = np.array([bid_rule(b) >= ask_rule(s) for b, s in zip(vb, vs)])
    return float(np.sum((vb - vs)[trade]) / np.sum(np.maximum(vb - vs, 0)))


def share_of_trades(bid_rule, ask_rule, n_pairs, seed):  # counts deals, not gains
    rng = np.random.default_rng(seed)
    vb, vs = rng.random(n_pairs), rng.random(n_pairs)
    trade = np.array([bid_rule(b) >= ask_rule(s) for b, s in zip(vb, vs)])
    return float(trade.sum() / np.sum(vb > vs))


def truthful_sellers(bid_rule, ask_rule, n_pairs, seed):  # ignores ask_rule
    return efficiency(bid_rule, lambda v: v, n_pairs, seed)


def test_exercise_2():
    assert lab.check_exercise_2(efficiency).status == "correct"
    assert lab.check_exercise_2(stub).status == "not attempted"
    assert rejected(lab.check_exercise_2(global_rng), "not reproducible", "np.random")
    assert rejected(lab.check_exercise_2(sellers_first), "should be")
    assert rejected(lab.check_exercise_2(share_of_trades), "should be")
    assert rejected(lab.check_exercise_2(truthful_sellers), "ask_rule=cs_ask", "should be 0.8453")
    assert rejected(
        lab.check_exercise_2(
            lambda bid_rule, ask_rule, n_pairs, seed: lab.reference_efficiency(
                bid_rule, ask_rule, 1000, 0
            )
        ),
        "does not depend on the seed",
    )


# -- Exercise 3 -------------------------------------------------------------------------------
def mutual_information(joint):
    p = np.asarray(joint, dtype=float) / np.sum(joint)
    px, py = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    nz = p > 0
    return float(np.sum(p[nz] * np.log2(p[nz] / (px @ py)[nz])))


def in_nats(joint):
    return mutual_information(joint) * math.log(2)


def unnormalised(joint):  # treats counts as probabilities
    p = np.asarray(joint, dtype=float)
    px, py = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    nz = p > 0
    return float(np.sum(p[nz] * np.log2(p[nz] / (px @ py)[nz])))


def in_place(joint):
    joint /= joint.sum()
    return mutual_information(joint)


def zeros_give_nan(joint):
    p = np.asarray(joint, dtype=float) / np.sum(joint)
    px, py = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    with np.errstate(all="ignore"):
        return float(np.sum(p * np.log2(p / (px @ py))))


def entropy_only(joint):  # H(X) instead of I(X; Y)
    p = np.asarray(joint, dtype=float) / np.sum(joint)
    px = p.sum(axis=1)
    return float(-np.sum(px[px > 0] * np.log2(px[px > 0])))


def test_exercise_3():
    assert lab.check_exercise_3(mutual_information).status == "correct"
    assert lab.check_exercise_3(stub).status == "not attempted"
    assert rejected(lab.check_exercise_3(in_nats), "should be 2, got 1.386")
    assert rejected(lab.check_exercise_3(unnormalised), "should be 2")
    assert rejected(lab.check_exercise_3(in_place), "change its input in place")
    assert rejected(lab.check_exercise_3(zeros_give_nan), "nan")
    assert rejected(lab.check_exercise_3(entropy_only), "should be 0")


# -- Exercise 4 -------------------------------------------------------------------------------
def design_table(accuracies, grade_options, seeds, charge=True, column="welfare", last=10):
    return _design_table(
        tuple(accuracies), tuple(grade_options), tuple(seeds), charge, column, last
    )


@lru_cache(maxsize=64)
def _design_table(accuracies, grade_options, seeds, charge, column, last):
    rows = []
    for grades in grade_options:
        for accuracy in accuracies:
            cost = lab.certification_cost(accuracy, grades)
            runs = simulate_lemons(
                lab.LAB_PERIODS,
                seeds=seeds,
                grades=grades,
                certifier_accuracy=accuracy,
                certification_cost=cost if charge else 0.0,
            )
            rows.append((cost, float(runs.late(column, last).mean()), accuracy, grades))
    return tuple(rows)


def cheapest_certifier(accuracies, grade_options, target, seeds):
    working = [r for r in design_table(accuracies, grade_options, seeds) if r[1] >= target]
    if not working:
        return None
    cost, welfare, accuracy, grades = min(working, key=lambda r: (r[0], -r[1]))
    return (accuracy, grades)


def best_welfare(accuracies, grade_options, target, seeds):  # the best design, not the cheapest
    working = [r for r in design_table(accuracies, grade_options, seeds) if r[1] >= target]
    return None if not working else max(working, key=lambda r: r[1])[2:]


def cost_not_charged(accuracies, grade_options, target, seeds):
    working = [
        r for r in design_table(accuracies, grade_options, seeds, charge=False) if r[1] >= target
    ]
    return None if not working else min(working, key=lambda r: (r[0], -r[1]))[2:]


def final_period_only(accuracies, grade_options, target, seeds):
    working = [r for r in design_table(accuracies, grade_options, seeds, last=1) if r[1] >= target]
    return None if not working else min(working, key=lambda r: (r[0], -r[1]))[2:]


def fixed_target(accuracies, grade_options, target, seeds):
    return cheapest_certifier(accuracies, grade_options, 0.6, seeds)


def reversed_pair(accuracies, grade_options, target, seeds):
    answer = cheapest_certifier(accuracies, grade_options, target, seeds)
    return None if answer is None else answer[::-1]


def test_exercise_4():
    assert lab.check_exercise_4(cheapest_certifier).status == "correct"
    assert lab.check_exercise_4(stub).status == "not attempted"
    assert rejected(lab.check_exercise_4(best_welfare), "should be (0.7, 2), got (1, 4)")
    assert rejected(lab.check_exercise_4(cost_not_charged), "should be")
    assert rejected(lab.check_exercise_4(final_period_only), "should be")
    assert rejected(lab.check_exercise_4(fixed_target), "target=0.7")
    assert rejected(lab.check_exercise_4(reversed_pair), "should be a whole number")
    assert rejected(lab.check_exercise_4(lambda a, g, t, s: "none"), "should return a pair")


def test_certification_cost():
    assert lab.certification_cost(1.0, 4) == pytest.approx(0.1)
    assert lab.certification_cost(0.5, 2) == pytest.approx(0.025)

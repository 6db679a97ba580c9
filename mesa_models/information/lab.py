"""Checks for the Unit 04 lab (information asymmetries): the lemons price, the efficiency of
a bidding strategy, mutual information, and the cheapest certifier that restores a market.

Each check compares the student's function with a reference over cases in which every
argument takes several values (:func:`mesa_models.checks.vary`), calls it through
:func:`mesa_models.checks.call` (inputs protected), checks types first and, where the
answer is random, reproducibility.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from mesa_models.checks import (
    CheckFailed,
    Verdict,
    call,
    expect,
    expect_equal,
    expect_matches,
    expect_reproducible,
    expect_type,
    run_check,
    show,
    vary,
)
from mesa_models.base import seed_argument
from mesa_models.information.bargaining import cs_ask, cs_bid
from mesa_models.params import Param, validate_arguments
from mesa_models.information.lemons_fast import simulate_lemons

__all__ = [
    "EXERCISE_1",
    "EXERCISE_2",
    "EXERCISE_3",
    "EXERCISE_4",
    "EXERCISE_1_CASES",
    "EXERCISE_2_CASES",
    "EXERCISE_3_CASES",
    "EXERCISE_4_CASES",
    "LAB_PERIODS",
    "certification_cost",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "reference_cheapest_certifier",
    "reference_efficiency",
    "reference_mutual_information",
    "reference_next_price",
]

#: Periods every lemons run in the lab lasts; designs are judged on the last 10.
LAB_PERIODS = 30
LATE = 10


# -- Exercise 1: what buyers pay next ----------------------------------------------------
@validate_arguments(
    price=Param("price", 1.0, "price", low=0),
    premium=Param("premium", 1.5, "buyers' premium", low=0),
    quality_max=Param("quality_max", 2.0, "best quality", low=0, low_open=True),
)
def reference_next_price(price: float, premium: float = 1.5, quality_max: float = 2.0) -> float:
    """Quality is uniform on [0, quality_max]; at ``price`` the cars with q <= price are
    offered, of mean quality min(price, quality_max)/2; buyers pay premium times that."""
    return premium * min(max(price, 0.0), quality_max) / 2


#: (base case, alternative values of each argument): the check's cases are ``vary(base, **alternatives)``.
EXERCISE_1 = (
    {"price": 1.5, "premium": 1.5, "quality_max": 2.0},
    {"price": [0.6, 2.5, 0.0], "premium": [1.2, 2.5], "quality_max": [1.0, 4.0]},
)
EXERCISE_1_CASES = vary(EXERCISE_1[0], **EXERCISE_1[1])


def check_exercise_1(next_price: Callable[[float, float, float], float]) -> Verdict:
    """``next_price(price, premium, quality_max)``: the price buyers pay next period."""

    def test() -> None:
        expect_type(next_price, "callable", "next_price")
        expect_matches(next_price, reference_next_price, EXERCISE_1_CASES, tol=1e-9)

    return run_check(
        "Exercise 1 — the buyers' price next period",
        test,
        hint="Which cars do owners offer at this price? Their qualities are spread evenly from 0 up to some "
        "limit: what is that limit when the price is above quality_max, or below 0? What is the mean of an "
        "even spread, and what is it worth to a buyer?",
    )


# -- Exercise 2: the efficiency of a bidding strategy ------------------------------------------
@validate_arguments(
    n_pairs=Param("n_pairs", 1, "buyer-seller pairs", low=1, high=10_000_000),
    seed=seed_argument("seed"),
)
def reference_efficiency(
    bid_rule: Callable[[float], float], ask_rule: Callable[[float], float], n_pairs: int, seed: int
) -> float:
    """``n_pairs`` meetings: buyer values then seller values from ``default_rng(seed)``;
    trade iff bid >= ask; realised gains over the gains of every beneficial trade."""
    rng = np.random.default_rng(seed)
    buyer_values = rng.random(n_pairs)
    seller_values = rng.random(n_pairs)
    bids = np.array([bid_rule(float(v)) for v in buyer_values])
    asks = np.array([ask_rule(float(v)) for v in seller_values])
    gains = np.where(bids >= asks, buyer_values - seller_values, 0.0).sum()
    return float(gains / np.maximum(buyer_values - seller_values, 0.0).sum())


def truthful(value: float) -> float:
    """Bid or ask exactly one's value."""
    return value


def shade_bid(value: float) -> float:
    """A buyer who bids 0.1 below its value."""
    return value - 0.1


def shade_ask(value: float) -> float:
    """A seller who asks 0.1 above its value."""
    return value + 0.1


EXERCISE_2 = (
    {"bid_rule": cs_bid, "ask_rule": cs_ask, "n_pairs": 2000, "seed": 0},
    {
        "bid_rule": [truthful, shade_bid],
        "ask_rule": [truthful, shade_ask],
        "n_pairs": [300],
        "seed": [5],
    },
)
EXERCISE_2_CASES = vary(EXERCISE_2[0], **EXERCISE_2[1])


def check_exercise_2(efficiency: Callable) -> Verdict:
    """``efficiency(bid_rule, ask_rule, n_pairs, seed)`` as specified in the lab."""

    def test() -> None:
        expect_type(efficiency, "callable", "efficiency")
        expect_reproducible(
            lambda seed: call(efficiency, cs_bid, cs_ask, 500, seed),
            "efficiency(cs_bid, cs_ask, 500, seed)",
        )
        expect_matches(efficiency, reference_efficiency, EXERCISE_2_CASES, tol=1e-9)

    return run_check(
        "Exercise 2 — the efficiency of a bidding strategy",
        test,
        hint="Draw every random number from one generator made from the seed: all buyers' values first, then "
        "all sellers'. A pair trades when the bid is at least the ask; compare the gains of the pairs that "
        "traded with the gains of all pairs that could have gained.",
    )


# -- Exercise 3: mutual information ------------------------------------------------------------
def reference_mutual_information(joint: np.ndarray) -> float:
    """Mutual information in bits of a table of counts or probabilities."""
    p = np.asarray(joint, dtype=float)
    p = p / p.sum()
    px, py = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    nz = p > 0
    return float(np.sum(p[nz] * np.log2(p[nz] / (px @ py)[nz])))


EXERCISE_3 = (
    {"joint": np.diag([5.0, 5.0, 5.0, 5.0])},  # counts of a perfect 4-state code: 2 bits
    {
        "joint": [
            np.outer([0.2, 0.3, 0.5], [0.5, 0.5]),  # independent: 0 bits
            np.array([[0.4, 0.1], [0.1, 0.4]]),  # a noisy binary channel
            np.array([[3.0, 1.0, 0.0], [0.0, 2.0, 6.0]]),  # counts, not square, zeros
            np.array([[0.5, 0.0], [0.0, 0.5]]),  # one bit
        ]
    },
)
EXERCISE_3_CASES = vary(EXERCISE_3[0], **EXERCISE_3[1])


def check_exercise_3(mutual_information: Callable[[np.ndarray], float]) -> Verdict:
    """``mutual_information(joint)``: bits, from counts or probabilities, zeros allowed."""

    def test() -> None:
        expect_type(mutual_information, "callable", "mutual_information")
        expect_matches(mutual_information, reference_mutual_information, EXERCISE_3_CASES, tol=1e-9)

    return run_check(
        "Exercise 3 — mutual information in bits",
        test,
        hint="Normalise the table to probabilities p (without changing the array you were given), take "
        "the row and column sums as the marginals, and add p * log2(p / (p_row * p_col)) over the "
        "cells with p > 0 only.",
    )


# -- Exercise 4: the cheapest certifier that restores the market ------------------------------
@validate_arguments(
    accuracy=Param("accuracy", 0.5, "certifier accuracy", low=0, high=1),
    grades=Param("grades", 2, "quality grades", low=1),
)
def certification_cost(accuracy: float, grades: int) -> float:
    """Cost of inspecting one car: 0.05 x accuracy x log2(grades) (finer and more accurate
    inspections cost more)."""
    return 0.05 * accuracy * math.log2(grades)


def _design_welfare(accuracy: float, grades: int, seeds: Sequence[int]) -> float:
    return _cached_welfare(float(accuracy), int(grades), tuple(int(s) for s in seeds))


@lru_cache(maxsize=512)
def _cached_welfare(accuracy: float, grades: int, seeds: tuple[int, ...]) -> float:
    """Mean late welfare of one design (deterministic, so cached: checks re-ask often)."""
    runs = simulate_lemons(
        LAB_PERIODS,
        seeds=list(seeds),
        grades=grades,
        certifier_accuracy=accuracy,
        certification_cost=certification_cost(accuracy, grades),
    )
    return float(runs.late("welfare", LATE).mean())


@validate_arguments(target=Param("target", 0.5, "welfare to reach"))
def reference_cheapest_certifier(
    accuracies: Sequence[float], grade_options: Sequence[int], target: float, seeds: Sequence[int]
) -> tuple[float, int] | None:
    """The ``(accuracy, grades)`` of lowest :func:`certification_cost` whose mean welfare
    over the last 10 of 30 periods (averaged over ``seeds``) is at least ``target``; among
    equally cheap designs the one with the higher welfare; ``None`` if none works."""
    best = None
    for grades in grade_options:
        for accuracy in accuracies:
            welfare = _design_welfare(accuracy, grades, seeds)
            if welfare >= target:
                key = (certification_cost(accuracy, grades), -welfare)
                if best is None or key < best[0]:
                    best = (key, (accuracy, grades))
    return None if best is None else best[1]


EXERCISE_4 = (
    {
        "accuracies": [0.4, 0.5, 0.6, 0.7, 0.8, 1.0],
        "grade_options": [2, 4, 8],
        "target": 0.6,
        "seeds": [0, 1],
    },
    {
        "accuracies": [[0.5, 0.8, 1.0]],
        "grade_options": [[4, 8]],
        "target": [0.7, 0.9],
        "seeds": [[4]],
    },
)
EXERCISE_4_CASES = vary(EXERCISE_4[0], **EXERCISE_4[1])


def check_exercise_4(cheapest_certifier: Callable) -> Verdict:
    """``cheapest_certifier(accuracies, grade_options, target, seeds)``."""

    def test() -> None:
        expect_type(cheapest_certifier, "callable", "cheapest_certifier")
        for case in EXERCISE_4_CASES:
            label = (
                "cheapest_certifier("
                + ", ".join(f"{k}={show(v, 30)}" for k, v in case.items())
                + ")"
            )
            got = call(cheapest_certifier, *case.values())
            want = reference_cheapest_certifier(*case.values())
            if want is None:
                expect(
                    got is None,
                    f"{label}: no design reaches the target, so return None; got {show(got)}",
                )
                continue
            if not (isinstance(got, tuple | list) and len(got) == 2):
                raise CheckFailed(
                    f"{label} should return a pair (accuracy, grades), got {show(got)}"
                )
            expect_type(got[0], "number", f"the accuracy returned by {label}")
            expect_type(got[1], "integer", f"the grades returned by {label}")
            expect_equal(tuple(got), want, label)

    return run_check(
        "Exercise 4 — the cheapest certifier that restores trade",
        test,
        hint="Try every pair of accuracy and grades; measure each design's late welfare as the exercise shows, "
        "charging the design its own inspection cost. Keep the designs that reach the target; return the "
        "cheapest as a tuple (accuracy, grades), and None when no design works.",
    )

"""Unit 11 lab checks: the solutions pass, and for every exercise realistic wrong answers are
rejected with a message that names the cause; the references depend on every argument the
checks vary."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from scipy import stats

from mesa_models.checks import insensitive_arguments
from mesa_models.governance import lab, oversight_rates
from mesa_models.governance.lab import (
    MAX_PANEL,
    check_exercise_1,
    check_exercise_2,
    check_exercise_3,
    check_exercise_4,
    check_exercise_5,
    reference_cheapest_panel,
    reference_evaluator,
    reference_panel_pass,
)
from mesa_models.governance.third_party import PricingSystem


def incorrect(verdict, *causes):
    assert verdict.status == "incorrect", verdict
    for cause in causes:
        assert cause in verdict.message, f"{cause!r} not in: {verdict.message}"


# -- solutions (as in solutions/11_oversight_and_governance_lab.ipynb) ------------------------------------------


def panel_pass(error_rate, n, k, correlation):
    independent = sum(
        math.comb(n, j) * error_rate**j * (1 - error_rate) ** (n - j) for j in range(k, n + 1)
    )
    return correlation * error_rate + (1 - correlation) * independent


def cheapest_panel(
    target,
    correlation,
    error_rate,
    *,
    strict=False,
    harm_first=False,
    families_max=None,
    last_tie=False,
    fixed_correlation=None,
    as_list=False,
):
    best, best_key = None, None
    rho = correlation if fixed_correlation is None else fixed_correlation
    for n in range(1, MAX_PANEL + 1):
        for k in range(1, n + 1):
            for families in range(1, (families_max or n) + 1):
                rates = oversight_rates(
                    n_auditors=n, k=k, families=families, correlation=rho, error_rate=error_rate
                )
                ok = rates["residual_harm"] < target if strict else rates["residual_harm"] <= target
                key = (rates["residual_harm"] if harm_first else rates["reviews"], n, k, families)
                better = best_key is None or (key[0] <= best_key[0] if last_tie else key < best_key)
                if ok and better:
                    best, best_key = (n, k, families), key
    return list(best) if (as_list and best) else best


def evaluator(old, new, scenarios, seed, alpha):
    old_rng, new_rng = np.random.default_rng(seed).spawn(2)
    differences = np.array([new(s, new_rng) - old(s, old_rng) for s in scenarios])
    mean, sd = differences.mean(), differences.std(ddof=1)
    if sd == 0:
        return bool(mean < 0), float(mean)
    t = mean / (sd / np.sqrt(len(differences)))
    return bool(t < stats.t.ppf(alpha, len(differences) - 1)), float(mean)


def shapley(value, players):
    n = len(players)
    result = {}
    for player in players:
        others = [p for p in players if p != player]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for members in itertools.combinations(others, size):
                s = frozenset(members)
                total += weight * (value(s | {player}) - value(s))
        result[player] = total
    return result


ANSWERS = {
    "T1": "FC1",
    "T2": "FC1",
    "T3": "FC1",
    "T4": "FC2",
    "T5": "FC2",
    "T6": "FC2",
    "T7": "FC3",
    "T8": "FC3",
    "T9": "FC3",
}


def classify(trace_id):
    return ANSWERS[trace_id]


def test_the_solutions_pass():
    assert check_exercise_1(panel_pass).passed
    assert check_exercise_2(cheapest_panel).passed
    assert check_exercise_3(evaluator).passed
    assert check_exercise_4(shapley).passed
    assert check_exercise_5(classify).passed
    assert check_exercise_5(
        lambda t: {
            "FC1": "Specification issues",
            "FC2": "inter-agent misalignment",
            "FC3": "Task verification",
        }[ANSWERS[t]]
    ).passed  # names work too


def test_stubs_are_not_attempted():
    def stub(*args):
        raise NotImplementedError("your code here")

    for check in (
        check_exercise_1,
        check_exercise_2,
        check_exercise_3,
        check_exercise_4,
        check_exercise_5,
    ):
        assert check(stub).status == "not attempted"


# -- Exercise 1 ----------------------------------------------------------------------------------------------------


def test_exercise_1_rejects_wrong_answers():
    def ignores_correlation(error_rate, n, k, correlation):
        return panel_pass(error_rate, n, k, 0.0)

    def unanimity_only(error_rate, n, k, correlation):
        return correlation * error_rate + (1 - correlation) * error_rate**k

    def more_than_k(error_rate, n, k, correlation):
        tail = sum(
            math.comb(n, j) * error_rate**j * (1 - error_rate) ** (n - j)
            for j in range(k + 1, n + 1)
        )
        return correlation * error_rate + (1 - correlation) * tail

    def shared_always_passes(error_rate, n, k, correlation):
        return correlation + (1 - correlation) * panel_pass(error_rate, n, k, 0.0)

    def returns_text(error_rate, n, k, correlation):
        return f"{panel_pass(error_rate, n, k, correlation):.3f}"

    incorrect(check_exercise_1(ignores_correlation), "correlation=0.3", "should be")
    incorrect(check_exercise_1(unanimity_only), "n=3, k=2", "should be")
    incorrect(check_exercise_1(more_than_k), "k=2", "should be")
    incorrect(check_exercise_1(shared_always_passes), "correlation=0.3")
    incorrect(check_exercise_1(returns_text), "should be a number", "str")


def test_exercise_1_reference_uses_every_argument():
    base = {"error_rate": 0.2, "n": 3, "k": 2, "correlation": 0.3}
    assert (
        insensitive_arguments(
            reference_panel_pass,
            base,
            error_rate=[0.05, 0.5],
            n=[5],
            k=[1, 3],
            correlation=[0.0, 1.0],
        )
        == []
    )


# -- Exercise 2 ----------------------------------------------------------------------------------------------------


def test_exercise_2_rejects_wrong_answers():
    incorrect(
        check_exercise_2(lambda t, c, e: cheapest_panel(t, c, e, strict=True)),
        "target=0.03856",
        "should be (3, 3, 2)",
    )
    incorrect(
        check_exercise_2(lambda t, c, e: cheapest_panel(t, c, e, harm_first=True)),
        "should be (3, 3, 2)",
    )
    incorrect(
        check_exercise_2(lambda t, c, e: cheapest_panel(t, c, e, families_max=1)),
        "target=0.05, correlation=0.3",
    )
    incorrect(
        check_exercise_2(lambda t, c, e: cheapest_panel(t, c, e, last_tie=True)),
        "should be (3, 3, 2)",
    )
    incorrect(
        check_exercise_2(lambda t, c, e: cheapest_panel(t, c, e, fixed_correlation=0.3)),
        "correlation=0",
        "should be (3, 3, 1)",
    )
    incorrect(
        check_exercise_2(lambda t, c, e: cheapest_panel(t, c, e, as_list=True)),
        "tuple of three integers",
    )
    incorrect(check_exercise_2(lambda t, c, e: cheapest_panel(t, c, e) or (0, 0, 0)), "is None")


def test_exercise_2_reference_uses_every_argument():
    base = {"target": 0.05, "correlation": 0.3, "error_rate": 0.2}
    assert (
        insensitive_arguments(
            reference_cheapest_panel,
            base,
            target=[0.2, 0.03856],
            correlation=[0.0],
            error_rate=[0.1],
        )
        == []
    )


# -- Exercise 3 ----------------------------------------------------------------------------------------------------


def _variant(
    *,
    shared_rng=False,
    two_sided=False,
    z=False,
    fixed_alpha=False,
    global_rng=False,
    reversed_sign=False,
    first=None,
    bool_only=False,
):
    def wrong(old, new, scenarios, seed, alpha):
        if global_rng:
            old_rng = new_rng = np.random.default_rng(random.randrange(10**6))
        elif shared_rng:
            old_rng = new_rng = np.random.default_rng(seed)
        else:
            old_rng, new_rng = np.random.default_rng(seed).spawn(2)
        used = scenarios[:first] if first else scenarios
        d = np.array([new(s, new_rng) - old(s, old_rng) for s in used])
        if reversed_sign:
            d = -d
        mean, sd = d.mean(), d.std(ddof=1)
        t = mean / (sd / np.sqrt(len(d))) if sd > 0 else (-np.inf if mean < 0 else 0.0)
        level = 0.05 if fixed_alpha else alpha
        if z:
            flag = t < stats.norm.ppf(level)
        elif two_sided:
            flag = abs(t) > stats.t.ppf(1 - level / 2, len(d) - 1)
        else:
            flag = t < stats.t.ppf(level, len(d) - 1)
        return bool(flag) if bool_only else (bool(flag), float(mean))

    return wrong


def test_exercise_3_rejects_wrong_answers():
    incorrect(check_exercise_3(_variant(shared_rng=True)), "mean difference")
    incorrect(check_exercise_3(_variant(two_sided=True)), "should not flag")
    incorrect(check_exercise_3(_variant(z=True)), "4 scenarios", "should not flag")
    incorrect(check_exercise_3(_variant(fixed_alpha=True)), "alpha=0.2", "should flag")
    incorrect(check_exercise_3(_variant(global_rng=True)), "mean difference")
    incorrect(check_exercise_3(_variant(reversed_sign=True)), "mean difference")
    incorrect(check_exercise_3(_variant(first=5)), "10 scenarios", "mean difference")
    incorrect(check_exercise_3(_variant(bool_only=True)), "should return a pair")


def test_exercise_3_reference_uses_every_argument():
    scenarios = lab.lab_scenarios(10)
    base = {
        "old": PricingSystem(0.0),
        "new": PricingSystem(0.03),
        "scenarios": scenarios,
        "seed": 1,
        "alpha": 0.05,
    }
    # alpha changes only the flag, not the mean: check it on the case built for it
    case = lab._ex3_cases()[7]
    assert (
        reference_evaluator(*{**case, "alpha": 0.05}.values())[0]
        != reference_evaluator(*case.values())[0]
    )
    assert (
        insensitive_arguments(
            reference_evaluator,
            base,
            old=[PricingSystem(0.05)],
            new=[PricingSystem(0.0)],
            scenarios=[lab.lab_scenarios(5, 3)],
            seed=[7],
        )
        == []
    )


# -- Exercise 4 ----------------------------------------------------------------------------------------------------


def test_exercise_4_rejects_wrong_answers():
    def leave_one_out(value, players):
        everyone = frozenset(players)
        return {p: value(everyone) - value(everyone - {p}) for p in players}

    def equal_split(value, players):
        return {p: value(frozenset(players)) / len(players) for p in players}

    def banzhaf(value, players):
        n = len(players)
        out = {}
        for p in players:
            others = [q for q in players if q != p]
            out[p] = sum(
                value(frozenset(c) | {p}) - value(frozenset(c))
                for size in range(n)
                for c in itertools.combinations(others, size)
            ) / 2 ** (n - 1)
        return out

    def sampled(value, players, samples=200):
        out = dict.fromkeys(players, 0.0)
        for _ in range(samples):
            order = random.sample(players, len(players))
            seen = frozenset()
            for p in order:
                out[p] += (value(seen | {p}) - value(seen)) / samples
                seen = seen | {p}
        return out

    def sorts_players(value, players):
        players.sort()
        return shapley(value, players)

    def as_list(value, players):
        return list(shapley(value, players).values())

    incorrect(check_exercise_4(leave_one_out), "incident", "should get")
    incorrect(check_exercise_4(equal_split), "should get")
    incorrect(check_exercise_4(banzhaf), "should get")
    incorrect(check_exercise_4(sampled), "should get")
    incorrect(check_exercise_4(sorts_players), "changed its input in place")
    incorrect(check_exercise_4(as_list), "should return a dict")


# -- Exercise 5 ----------------------------------------------------------------------------------------------------


def test_exercise_5_rejects_wrong_answers():
    modes = {
        "T1": "FM-1.2",
        "T2": "FM-1.3",
        "T3": "FM-1.5",
        "T4": "FM-2.4",
        "T5": "FM-2.6",
        "T6": "FM-2.2",
        "T7": "FM-3.1",
        "T8": "FM-3.2",
        "T9": "FM-3.3",
    }
    incorrect(check_exercise_5(modes.get), "failure mode", "FC1, FC2 or FC3")
    incorrect(check_exercise_5(lambda t: {**ANSWERS, "T1": "FC2"}[t]), "1 of 9", "T1")
    incorrect(
        check_exercise_5(lambda t: {**ANSWERS, "T9": "FC1", "T6": "FC1"}[t]), "2 of 9", "T6, T9"
    )
    incorrect(
        check_exercise_5(lambda t: ANSWERS.get(t) if t != "T5" else None),
        "classify('T5')",
        "not a MAST category",
    )
    incorrect(check_exercise_5(dict(ANSWERS)), "should be a function")

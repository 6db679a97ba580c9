"""Checks for the Unit 11 lab (Oversight and governance): a k-of-n panel with correlated
auditors, the cheapest panel under a harm target, an adversarial third-party evaluator,
Shapley attribution, and MAST classification.

Every function check compares the student's function with a reference over cases in which
each argument takes several values, calls it with protected inputs (an in-place change is
named) and checks types first; the evaluator is also checked for reproducibility.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from mesa_models.base import seed_argument
from mesa_models.checks import (
    CheckFailed,
    Verdict,
    call,
    expect,
    expect_matches,
    expect_reproducible,
    expect_type,
    run_check,
    same,
    show,
    vary,
)
from mesa_models.governance.mast import CATEGORIES, TRACES
from mesa_models.governance.oversight import OVERSIGHT_PARAMS, oversight_rates
from mesa_models.params import Param, validate_arguments
from mesa_models.governance.third_party import PricingSystem, Scenario, draw_scenarios

__all__ = [
    "MAX_PANEL",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "check_exercise_5",
    "lab_games",
    "lab_scenarios",
    "reference_cheapest_panel",
    "reference_evaluator",
    "reference_panel_pass",
    "reference_classify",
    "reference_shapley",
]

#: Largest panel the cheapest-panel search considers (n = 1 ... MAX_PANEL).
MAX_PANEL = 6


# -- references ------------------------------------------------------------------------------------------------


_ERROR = Param("error_rate", 0.2, "chance an auditor approves a harmful action", low=0, high=1)
_CORRELATION = Param("correlation", 0.3, "correlation of auditors' errors", low=0, high=1)


@validate_arguments(
    error_rate=_ERROR,
    n=Param("n", 3, "auditors", low=1, high=1000),
    k=Param("k", 2, "approvals", low=1, high=1000),
    correlation=_CORRELATION,
)
def reference_panel_pass(error_rate: float, n: int, k: int, correlation: float) -> float:
    """Chance a harmful action gets at least k approvals from n auditors of one base model:
    with probability ``correlation`` they share one verdict (approve with probability
    ``error_rate``), otherwise they decide independently (a binomial tail)."""
    tail = sum(
        math.comb(n, j) * error_rate**j * (1 - error_rate) ** (n - j) for j in range(k, n + 1)
    )
    return correlation * error_rate + (1 - correlation) * tail


@validate_arguments(
    target=Param("target", 0.05, "harm per proposal", low=0),
    correlation=_CORRELATION,
    error_rate=_ERROR,
)
@functools.lru_cache(maxsize=256)
def reference_cheapest_panel(
    target: float, correlation: float, error_rate: float
) -> tuple[int, int, int] | None:
    """The ``(n_auditors, k, families)`` with the fewest expected reviews per proposal among
    those whose residual harm is at most ``target`` (``oversight_rates`` with the other
    parameters at their defaults), searching n = 1..MAX_PANEL, k = 1..n, families = 1..n;
    ties go to the smaller n, then k, then families. None if no panel meets the target."""
    best, best_key = None, None
    for n in range(1, MAX_PANEL + 1):
        for k in range(1, n + 1):
            for families in range(1, n + 1):
                rates = oversight_rates(
                    n_auditors=n,
                    k=k,
                    families=families,
                    correlation=correlation,
                    error_rate=error_rate,
                )
                if rates["residual_harm"] <= target:
                    key = (rates["reviews"], n, k, families)
                    if best_key is None or key < best_key:
                        best, best_key = (n, k, families), key
    return best


@validate_arguments(
    seed=seed_argument("seed"),
    alpha=Param("alpha", 0.05, "level", low=0, high=0.5, low_open=True, high_open=True),
)
def reference_evaluator(
    old: Callable, new: Callable, scenarios: Sequence[Scenario], seed: int, alpha: float
) -> tuple[bool, float]:
    """``(flagged, mean difference)``: each system gets its own generator,
    ``old_rng, new_rng = np.random.default_rng(seed).spawn(2)``; the differences are
    ``new(s, new_rng) - old(s, old_rng)`` scenario by scenario, in order; flagged when the
    paired one-sided t statistic is below ``scipy.stats.t.ppf(alpha, len(scenarios) - 1)``
    (or, if all differences are equal, when they are negative)."""
    old_rng, new_rng = np.random.default_rng(seed).spawn(2)
    diffs = np.array([new(s, new_rng) - old(s, old_rng) for s in scenarios])
    mean, sd = float(diffs.mean()), float(diffs.std(ddof=1))
    if sd == 0:
        return bool(mean < 0), mean
    t = mean / (sd / math.sqrt(len(diffs)))
    return bool(t < stats.t.ppf(alpha, len(diffs) - 1)), mean


def reference_shapley(
    value: Callable[[frozenset], float], players: Sequence[Hashable]
) -> dict[Hashable, float]:
    """Exact Shapley values: each player's marginal contribution averaged over all orders
    in which the players could join."""
    players = list(players)
    n = len(players)
    phi = dict.fromkeys(players, 0.0)
    for player in players:
        others = [p for p in players if p != player]
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for members in itertools.combinations(others, size):
                s = frozenset(members)
                phi[player] += weight * (value(s | {player}) - value(s))
    return phi


# -- Exercise 1: one panel, correlated auditors -------------------------------------------------------------------

EX1_CASES = vary(
    {"error_rate": 0.2, "n": 3, "k": 2, "correlation": 0.3},
    error_rate=[0.05, 0.5],
    n=[5, 1],
    k=[1, 3],
    correlation=[0.0, 1.0],
)


def check_exercise_1(panel_pass: Callable[[float, int, int, float], float]) -> Verdict:
    """``panel_pass(error_rate, n, k, correlation)``: chance a harmful action gets at least
    k approvals from n auditors sharing a base model."""

    def test() -> None:
        expect_type(panel_pass, "callable", "what you passed")
        cases = [c for c in EX1_CASES if c["k"] <= c["n"]]
        expect_matches(panel_pass, reference_panel_pass, cases, tol=1e-12)

    return run_check(
        "Exercise 1 — a k-of-n panel with a shared blind spot",
        test,
        hint="Split on whether the auditors share a verdict this time (probability correlation): then the "
        "panel passes the action exactly when that one verdict approves. Otherwise count approvals: "
        "at least k of n independent auditors, each approving with probability error_rate.",
    )


# -- Exercise 2: the cheapest panel -------------------------------------------------------------------------------

EX2_CASES = vary(
    {"target": 0.05, "correlation": 0.3, "error_rate": 0.2},
    target=[0.2, 0.03856, 0.001],
    correlation=[0.0, 0.6],
    error_rate=[0.1, 0.35],
)


def check_exercise_2(
    cheapest_panel: Callable[[float, float, float], tuple[int, int, int] | None],
) -> Verdict:
    """``cheapest_panel(target, correlation, error_rate)`` -> ``(n, k, families)`` or None."""

    def test() -> None:
        expect_type(cheapest_panel, "callable", "what you passed")
        for case in EX2_CASES:
            got = call(cheapest_panel, *case.values())
            label = f"{getattr(cheapest_panel, '__name__', 'your function')}({', '.join(f'{k}={show(v)}' for k, v in case.items())})"
            want = reference_cheapest_panel(*case.values())
            if want is None:
                expect(
                    got is None,
                    f"{label}: no panel of up to {MAX_PANEL} auditors meets the target, so the answer "
                    f"is None; got {show(got)}",
                )
                continue
            expect(
                isinstance(got, tuple)
                and len(got) == 3
                and all(isinstance(x, int | np.integer) and not isinstance(x, bool) for x in got),
                f"{label} should return a tuple of three integers (n_auditors, k, families), got {show(got)}",
            )
            if tuple(int(x) for x in got) != want:
                mine = (
                    oversight_rates(
                        n_auditors=int(got[0]),
                        k=int(got[1]),
                        families=int(got[2]),
                        correlation=case["correlation"],
                        error_rate=case["error_rate"],
                    )
                    if 1 <= got[1] <= got[0] <= 15 and 1 <= got[2] <= got[0]
                    else None
                )
                theirs = oversight_rates(
                    n_auditors=want[0],
                    k=want[1],
                    families=want[2],
                    correlation=case["correlation"],
                    error_rate=case["error_rate"],
                )
                detail = (
                    ""
                    if mine is None
                    else (
                        f" (yours: harm {mine['residual_harm']:.4f}, {mine['reviews']:.3f} reviews; "
                        f"expected: harm {theirs['residual_harm']:.4f}, {theirs['reviews']:.3f} reviews)"
                    )
                )
                raise CheckFailed(f"{label} should be {want}, got {show(got)}{detail}")

    return run_check(
        "Exercise 2 — the cheapest panel that meets a harm target",
        test,
        hint="Loop over every n from 1 to MAX_PANEL, every k from 1 to n and every number of base models from "
        "1 to n; keep the panels whose residual harm is at most the target (<=), and among them the one "
        "with the fewest reviews; compare (reviews, n, k, families) so ties go to the smaller panel.",
    )


# -- Exercise 3: the third party's evaluator -----------------------------------------------------------------------


@validate_arguments(
    count=Param("count", 10, "scenarios", low=2, high=10_000), seed=seed_argument("seed")
)
def lab_scenarios(count: int, seed: int = 0) -> list[Scenario]:
    """Fixed scenarios for the lab (20 periods, quality shock 0.1)."""
    return draw_scenarios(count, seed, 20, 0.1)


def _only_in_last(scenarios: Sequence[Scenario]) -> Callable:
    last = scenarios[-1].seed

    def degrades_in_one_scenario(scenario: Scenario, rng: np.random.Generator) -> float:
        return PricingSystem(0.0)(scenario, rng) - (1.0 if scenario.seed == last else 0.0)

    return degrades_in_one_scenario


def _ex3_cases() -> list[dict[str, Any]]:
    fixed = lab_scenarios(10)
    base = {
        "old": PricingSystem(0.0),
        "new": PricingSystem(0.03),
        "scenarios": fixed,
        "seed": 1,
        "alpha": 0.05,
    }
    return [
        base,
        {**base, "new": PricingSystem(0.0)},  # a harmless change
        {**base, "old": PricingSystem(0.05), "new": PricingSystem(0.0)},  # an improvement
        {**base, "new": PricingSystem(0.01)},
        {**base, "scenarios": lab_scenarios(5, 3)},
        {
            **base,
            "scenarios": lab_scenarios(4, 3),
            "new": PricingSystem(0.015),
            "seed": 2,
        },  # t between Student's and z
        {**base, "seed": 7},
        {
            **base,
            "alpha": 0.2,
            "new": PricingSystem(0.008),
            "seed": 3,
        },  # flagged at 0.2, not at 0.05
        {**base, "new": _only_in_last(fixed)},
    ]


def check_exercise_3(evaluator: Callable[..., tuple[bool, float]]) -> Verdict:
    """``evaluator(old, new, scenarios, seed, alpha)`` -> ``(flagged, mean difference)``."""

    def test() -> None:
        expect_type(evaluator, "callable", "what you passed")
        for case in _ex3_cases():
            got = call(evaluator, *case.values())
            label = (
                f"{getattr(evaluator, '__name__', 'your function')}(old={case['old'].__name__ if hasattr(case['old'], '__name__') else 'old'}, "
                f"new={getattr(case['new'], '__name__', 'new')}, {len(case['scenarios'])} scenarios, "
                f"seed={case['seed']}, alpha={case['alpha']})"
            )
            expect(
                isinstance(got, tuple) and len(got) == 2,
                f"{label} should return a pair (flagged, mean difference), got {show(got)}",
            )
            flagged = expect_type(got[0], "bool", f"the first item (flagged) of {label}")
            mean = expect_type(got[1], "number", f"the second item (mean difference) of {label}")
            want_flag, want_mean = reference_evaluator(*case.values())
            expect(
                same(mean, want_mean, 1e-9),
                f"{label}: the mean difference (new - old) should be {want_mean:.6f}, got {mean:.6f}",
            )
            expect(
                flagged == want_flag,
                f"{label} should {'flag' if want_flag else 'not flag'} the change "
                f"(mean difference {want_mean:+.5f}), but yours {'did' if flagged else 'did not'}",
            )
        fixed = lab_scenarios(6, 5)
        expect_reproducible(
            lambda seed: call(
                evaluator, PricingSystem(0.0), PricingSystem(0.02), fixed, seed, 0.05
            )[1],
            "the mean difference of evaluator(old, new, scenarios, seed, 0.05)",
        )

    return run_check(
        "Exercise 3 — an adversarial evaluator for the customer",
        test,
        hint="Spawn two generators from the seed, one per system; run the new and the old system on every "
        "scenario in order and keep new minus old; a one-sided paired t-test asks whether the mean "
        "difference is significantly below zero (compare the t statistic with the lower alpha quantile "
        "of Student's t with len(scenarios) - 1 degrees of freedom).",
    )


# -- Exercise 4: Shapley values -------------------------------------------------------------------------------------


def lab_games() -> list[tuple[str, Callable[[frozenset], float], list]]:
    """Games the check uses: ``(description, value function, players)``."""
    incident = lambda s: 1.0 if {"planner", "tester", "human"} <= s else 0.0  # noqa: E731
    majority = lambda s: 1.0 if len(s) >= 2 else 0.0  # noqa: E731
    weights = {"a": 3.0, "b": 1.0, "c": 0.5}
    additive = lambda s: sum(weights[p] for p in s)  # noqa: E731

    def pipeline(s: frozenset) -> float:
        defect = 1 - (1 - (0.05 if "planner" in s else 0)) * (1 - (0.1 if "coder" in s else 0))
        return defect * (0.3 if "tester" in s else 0.0) * (0.6 if "human" in s else 0.0)

    def glove(
        s: frozenset,
    ) -> float:  # one left glove (L), two right gloves (R1, R2): pairs are worth 1
        return float(min(int("L" in s), int("R1" in s) + int("R2" in s)))

    return [
        (
            "an incident where the planner, the tester and the human all failed",
            incident,
            ["planner", "coder", "tester", "human"],
        ),
        ("a three-player majority game", majority, ["x", "y", "z"]),
        ("an additive game", additive, ["a", "b", "c"]),
        (
            "the pipeline's expected harm with perfect standards",
            pipeline,
            ["planner", "coder", "tester", "human"],
        ),
        ("a glove game", glove, ["L", "R1", "R2"]),
        ("the glove game, players in another order", glove, ["R2", "L", "R1"]),
    ]


def check_exercise_4(shapley: Callable[[Callable[[frozenset], float], list], Mapping]) -> Verdict:
    """``shapley(value, players)`` -> dict player -> Shapley value."""

    def test() -> None:
        expect_type(shapley, "callable", "what you passed")
        for description, value, players in lab_games():
            got = call(shapley, value, list(players))
            label = f"{getattr(shapley, '__name__', 'your function')}(…) for {description}"
            expect(
                isinstance(got, Mapping),
                f"{label} should return a dict player -> value, got {show(got)}",
            )
            expect(
                set(got) == set(players),
                f"{label} should have one entry per player {players}, got keys {sorted(map(str, got))}",
            )
            want = reference_shapley(value, players)
            for p in players:
                v = expect_type(got[p], "number", f"{label}, the value of {p!r}")
                expect(
                    same(v, want[p], 1e-9),
                    f"{label}: player {p!r} should get {want[p]:.6g}, got {v:.6g} "
                    f"(all expected: {show({k: round(x, 4) for k, x in want.items()})})",
                )
            total = value(frozenset(players)) - value(frozenset())
            expect(
                abs(sum(float(got[p]) for p in players) - total) < 1e-9,
                f"{label}: the values should add up to v(all) - v(none) = {total:.6g}",
            )

    return run_check(
        "Exercise 4 — Shapley attribution",
        test,
        hint="Average each player's marginal contribution v(S + i) - v(S) over every order in which the "
        "players could join: a coalition S of size s, not containing i, comes before i in "
        "s! (n - s - 1)! of the n! orders.",
    )


# -- Exercise 5: MAST categories ---------------------------------------------------------------------------------------

_NAMES = {name.lower(): code for code, (name, _) in CATEGORIES.items()}


def reference_classify(trace_id: str) -> str:
    """The MAST category code of a trace."""
    return TRACES[trace_id].category


def check_exercise_5(classify: Callable[[str], str]) -> Verdict:
    """``classify(trace_id)`` -> MAST category (``"FC1"``, ``"FC2"``, ``"FC3"`` or its name)."""

    def test() -> None:
        expect_type(classify, "callable", "what you passed (a function trace id -> category)")
        codes = {}
        for trace in TRACES:
            given = call(classify, trace)
            code = (
                (given if given in CATEGORIES else _NAMES.get(given.strip().lower()))
                if isinstance(given, str)
                else None
            )
            if code is None:
                mode_like = isinstance(given, str) and given.strip().upper().startswith("FM")
                raise CheckFailed(
                    f"classify({trace!r}) returned {show(given)}, which is not a MAST category"
                    + (
                        ": that is a failure mode; give its category (FC1, FC2 or FC3)"
                        if mode_like
                        else f"; use one of {', '.join(CATEGORIES)}"
                    )
                )
            codes[trace] = code
        wrong = [t for t in TRACES if codes[t] != TRACES[t].category]
        expect(
            not wrong,
            f"{len(wrong)} of {len(TRACES)} traces are in the wrong category: {', '.join(wrong)}. "
            "Re-read them: is the failure written into the set-up (task, role, stopping rule), in how the "
            "agents deal with each other, or in how the result is checked?",
        )

    return run_check(
        "Exercise 5 — classify the traces with MAST",
        test,
        hint="FC1: the set-up (task, role, stopping rule) is not followed; FC2: the exchange between agents "
        "breaks down (withheld, ignored, ambiguous, said one thing and did another); FC3: the check of "
        "the result stops early, is partial, or is wrong.",
    )

"""Checks for the Unit 06 lab (selection pressures): the ESS of a 2×2 game, the Moran step,
fixation by simulation, and an audit policy that stops the selection of low effort.

Every check calls the student's code through :func:`mesa_models.checks.call` (inputs are
protected copies), checks types first, varies every argument, and tests reproducibility
where randomness is involved. The audit policy of Exercise 4 is judged on *held-out* seeds,
not the ones used to tune it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from mesa_models.checks import (
    CheckFailed,
    Verdict,
    call,
    expect,
    expect_matches,
    expect_reproducible,
    expect_type,
    run_check,
    show,
    vary,
)
from mesa_models.selection.bad_science_fast import BAD_SCIENCE_PARAMS, ContestResult, contest
from mesa_models.selection.hawk_dove import payoff_matrix, stable_share
from mesa_models.selection.moran import fixation_probability

__all__ = [
    "ALLOWED_POLICY_KEYS",
    "CONTEST",
    "HELD_OUT_SEEDS",
    "MAX_AUDITS_PER_CLAIM",
    "MAX_LOW_WINS",
    "TUNING_SEEDS",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "judge_policy",
    "moran_transition",
    "policy_table",
    "reference_fixation_estimate",
    "reference_moran_step",
    "reference_stable_share",
]

# -- Exercise 1: the ESS of a symmetric 2x2 game ------------------------------------------------

#: Games with a unique ESS: Hawk–Dove at several V, C; a prisoner's dilemma; harmony; two
#: anti-coordination games with mixed ESSs.
GAMES: dict[str, list[list[float]]] = {
    "Hawk–Dove, V = 2, C = 5": payoff_matrix(2, 5).tolist(),
    "Hawk–Dove, V = 1, C = 4": payoff_matrix(1, 4).tolist(),
    "Hawk–Dove, V = 4, C = 2": payoff_matrix(4, 2).tolist(),
    "Hawk–Dove, V = C = 3": payoff_matrix(3, 3).tolist(),
    "prisoner's dilemma (cooperate first)": [[3.0, 0.0], [5.0, 1.0]],
    "harmony game": [[4.0, 3.0], [2.0, 1.0]],
    "snowdrift game": [[3.0, 1.0], [4.0, 0.0]],
    "an anti-coordination game": [[0.0, 5.0], [2.0, 1.0]],
}


def reference_stable_share(matrix: Any) -> float:
    """The share of the first strategy at the game's unique ESS (see :func:`stable_share`)."""
    return stable_share(matrix)


def check_exercise_1(ess_share: Callable[[Any], float]) -> Verdict:
    """``ess_share(matrix)`` returns the first strategy's share at the ESS of a 2×2 game."""

    def test() -> None:
        expect_type(ess_share, "callable", "what you passed")
        for name, matrix in GAMES.items():
            got = call(ess_share, matrix)
            label = f"ess_share({show(matrix, 50)}) [{name}]"
            got = expect_type(got, "probability", label)
            want = reference_stable_share(matrix)
            expect(abs(got - want) < 1e-9, f"{label} should be {show(want)}, got {show(got)}")
        as_array = np.array(GAMES["Hawk–Dove, V = 2, C = 5"])
        got = expect_type(call(ess_share, as_array), "probability", "ess_share(an array)")
        expect(
            abs(got - 0.4) < 1e-9,
            f"ess_share should accept a NumPy array too: for Hawk–Dove with V = 2, C = 5 it should be 0.4, got {show(got)}",
        )

    return run_check(
        "Exercise 1 — the ESS from a payoff matrix",
        test,
        hint="With [[a, b], [c, d]]: the first strategy alone is stable if a > c (or a == c and b > d); the second "
        "alone if d > b (or d == b and c > a); otherwise the mixed share makes both strategies earn the same: "
        "solve p·a + (1 − p)·b = p·c + (1 − p)·d for p.",
    )


# -- Exercise 2: one step of the Moran process -----------------------------------------------------
def reference_moran_step(mutants: int, n: int, r: float, rng: np.random.Generator) -> int:
    """One birth–death event: the parent is a mutant with probability r i / (r i + n − i),
    the victim (uniform, may be the parent) a mutant with probability i / n."""
    parent_mutant = rng.random() * (r * mutants + (n - mutants)) < r * mutants
    victim_mutant = rng.integers(n) < mutants
    return int(mutants + parent_mutant - victim_mutant)


def moran_transition(mutants: int, n: int, r: float) -> tuple[float, float]:
    """Exact chances that one event raises / lowers the mutant count i:
    r i (n − i) / ((r i + n − i) n) and i (n − i) / ((r i + n − i) n)."""
    i = mutants
    total = (r * i + n - i) * n
    return r * i * (n - i) / total, i * (n - i) / total


MORAN_CASES = vary({"mutants": 3, "n": 10, "r": 2.0}, mutants=[7], n=[20], r=[0.5])
MORAN_DRAWS = 20_000


def check_exercise_2(moran_step: Callable[[int, int, float, np.random.Generator], int]) -> Verdict:
    """``moran_step(mutants, n, r, rng)`` returns the mutant count after one birth–death event."""

    def test() -> None:
        expect_type(moran_step, "callable", "what you passed")
        first = call(moran_step, 3, 10, 2.0, np.random.default_rng(0))
        expect_type(first, "integer", "moran_step(3, 10, 2.0, rng)")
        for n in (5, 10):
            for end in (0, n):
                got = expect_type(
                    call(moran_step, end, n, 1.5, np.random.default_rng(1)),
                    "integer",
                    f"moran_step({end}, {n}, 1.5, rng)",
                )
                expect(
                    got == end,
                    f"with {end} mutants among {n} nobody can change type: moran_step({end}, {n}, 1.5, rng) should be {end}, got {got}",
                )
        for case in MORAN_CASES:
            i, n, r = case["mutants"], case["n"], case["r"]
            rng = np.random.default_rng(11)
            results = np.array([moran_step(i, n, r, rng) for _ in range(MORAN_DRAWS)])
            jumps = set(np.unique(results - i).tolist())
            expect(
                jumps <= {-1, 0, 1},
                f"one event changes the count by at most one, but moran_step({i}, {n}, {r}, rng) returned counts {sorted(set(results.tolist()))[:6]}",
            )
            up, down = moran_transition(i, n, r)
            for label, want, got in (
                ("rises", up, np.mean(results == i + 1)),
                ("falls", down, np.mean(results == i - 1)),
            ):
                tolerance = 5 * math.sqrt(want * (1 - want) / MORAN_DRAWS)
                expect(
                    abs(got - want) <= tolerance,
                    f"from {i} mutants among {n} with r = {r}, the count {label} with probability {want:.4f}; in "
                    f"{MORAN_DRAWS:,} calls yours {label} {got:.4f} of the time",
                )

        def sixty_steps(seed: int) -> list:
            generator = np.random.default_rng(seed)
            return [call(moran_step, 5, 10, 1.5, generator) for _ in range(60)]

        expect_reproducible(sixty_steps, "sixty calls of moran_step(5, 10, 1.5, rng)")

    return run_check(
        "Exercise 2 — one Moran step",
        test,
        hint="Make two random draws from rng: is the parent a mutant (probability r·i / (r·i + n − i))? Is the one who "
        "dies a mutant (probability i / n: anyone may die, even the parent)? The count goes up by one for a mutant "
        "parent and down by one for a mutant victim.",
    )


# -- Exercise 3: fixation by simulation -------------------------------------------------------------
def reference_fixation_estimate(r: float, n: int, runs: int, seed: int) -> float:
    """Share of ``runs`` Moran processes (one mutant among ``n``) in which the mutant fixes."""
    rng = np.random.default_rng(seed)
    fixed = 0
    for _ in range(runs):
        mutants = 1
        while 0 < mutants < n:
            mutants = reference_moran_step(mutants, n, r, rng)
        fixed += mutants == n
    return fixed / runs


FIXATION_CASES = vary(
    {"r": 1.5, "n": 8, "runs": 1500, "seed": 0}, r=[0.7, 1.0], n=[3], runs=[37], seed=[3]
)


def check_exercise_3(fixation_estimate: Callable[[float, int, int, int], float]) -> Verdict:
    """``fixation_estimate(r, n, runs, seed)``: share of runs in which one mutant takes over,
    within binomial error of (1 − 1/r) / (1 − 1/r^n)."""

    def test() -> None:
        expect_type(fixation_estimate, "callable", "what you passed")
        for case in FIXATION_CASES:
            r, n, runs, seed = case.values()
            label = f"fixation_estimate(r={r}, n={n}, runs={runs}, seed={seed})"
            got = expect_type(call(fixation_estimate, r, n, runs, seed), "probability", label)
            exact = fixation_probability(r, n)
            error = math.sqrt(exact * (1 - exact) / runs)
            expect(
                abs(got - exact) <= 4 * error + 1e-12,
                f"{label} should be within binomial error of the exact {exact:.4f} (± {4 * error:.4f}), got {show(got)}",
            )
            whole = got * runs
            expect(
                abs(whole - round(whole)) < 1e-6,
                f"{label} returned {show(got)}, which is not a whole number of runs out of {runs}: use the runs argument",
            )
        expect_reproducible(
            lambda seed: [
                call(fixation_estimate, r, n, 300, seed) for r, n in ((1.5, 8), (0.8, 6), (1.2, 10))
            ],
            "fixation_estimate(r, n, 300, seed) for three (r, n)",
        )

    return run_check(
        "Exercise 3 — fixation by simulation",
        test,
        hint="Each run starts from one mutant and repeats your moran_step until the count is 0 or n; the answer is "
        "the share of runs that end at n. Make a single generator from seed, before all the runs, and hand it to "
        "every step.",
    )


# -- Exercise 4: an audit policy ---------------------------------------------------------------------
#: The contest that measures a policy: half the labs at effort 50, half at 75, nothing mutates.
CONTEST = {"low_effort": 50.0, "high_effort": 75.0, "max_steps": 60_000}
TUNING_SEEDS = tuple(range(24))
HELD_OUT_SEEDS = tuple(range(1000, 1040))
ALLOWED_POLICY_KEYS = ("audit_rate", "vetted_claims")
#: A policy stops the decline decisively if low-effort labs win at most this share of the contests ...
MAX_LOW_WINS = 0.25
#: ... and it must need fewer audits per claim than this (a uniform rate needs about 0.4).
MAX_AUDITS_PER_CLAIM = 0.25


def _validated_policy(policy: Any) -> dict[str, Any]:
    if not isinstance(policy, Mapping):
        raise CheckFailed(
            f"your policy should be a dict such as {{'audit_rate': 0.3}}, got {show(policy)}"
        )
    unknown = [k for k in policy if k not in ALLOWED_POLICY_KEYS]
    if unknown:
        raise CheckFailed(
            f"your policy may set only {', '.join(map(repr, ALLOWED_POLICY_KEYS))} (the penalty is fixed by law "
            f"at {BAD_SCIENCE_PARAMS['audit_penalty'].default:g}); it also sets {unknown[0]!r}"
        )
    clean = {}
    for key, value in policy.items():
        try:
            clean[key] = BAD_SCIENCE_PARAMS[key].validate(value)
        except (TypeError, ValueError) as error:
            raise CheckFailed(
                f"in your policy, {key!r} = {show(value)} is not allowed: {BAD_SCIENCE_PARAMS[key].allowed()}"
            ) from error
    return clean


@lru_cache(maxsize=64)
def _contest(seeds: tuple[int, ...], items: tuple[tuple[str, Any], ...]) -> ContestResult:
    return contest(seeds, **CONTEST, **dict(items))


def judge_policy(
    policy: Mapping[str, Any], seeds: Sequence[int] = TUNING_SEEDS
) -> dict[str, float]:
    """Contest results of ``policy`` on ``seeds``: the share of contests won by low-effort labs
    and the audits made per claim published (cached)."""
    clean = _validated_policy(policy)
    result = _contest(tuple(int(s) for s in seeds), tuple(sorted(clean.items())))
    return {
        "low_wins": result.low_wins,
        "audits_per_claim": float(np.nanmean(result.audits_per_claim)),
    }


def policy_table(policies: Sequence[Mapping[str, Any]], seeds: Sequence[int] = TUNING_SEEDS):
    """A table (pandas DataFrame) of :func:`judge_policy` for several policies."""
    import pandas as pd

    rows = []
    for policy in policies:
        rows.append(
            {
                "policy": ", ".join(f"{k} = {v}" for k, v in policy.items()) or "no audits",
                **judge_policy(policy, seeds),
            }
        )
    return pd.DataFrame(rows).set_index("policy")


def check_exercise_4(my_policy: Callable[[], Mapping[str, Any]]) -> Verdict:
    """``my_policy()`` returns an audit policy (a dict) that stops the selection of low effort
    on held-out seeds, with few audits per claim."""

    def test() -> None:
        expect_type(my_policy, "callable", "what you passed (your my_policy function)")
        policy = call(my_policy)
        clean = _validated_policy(policy)
        result = judge_policy(clean, HELD_OUT_SEEDS)
        expect(
            result["low_wins"] <= MAX_LOW_WINS,
            f"on {len(HELD_OUT_SEEDS)} held-out contests, low-effort labs (effort 50) won {result['low_wins']:.0%} against "
            f"effort 75 under your policy {show(dict(clean))}; to stop the decline they may win at most {MAX_LOW_WINS:.0%}",
        )
        expect(
            result["audits_per_claim"] <= MAX_AUDITS_PER_CLAIM,
            f"your policy {show(dict(clean))} stops the decline but makes {result['audits_per_claim']:.2f} audits per "
            f"claim; find one that needs at most {MAX_AUDITS_PER_CLAIM} (a uniform audit rate needs about 0.4)",
        )

    return run_check(
        "Exercise 4 — an audit policy",
        test,
        hint="Uniform audits must be frequent, because a lab that is never caught still out-publishes everyone. "
        "Think about *when* an audit matters most to selection: which labs are about to be copied?",
    )

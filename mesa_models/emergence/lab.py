"""Exercise checks for the Unit 09 lab (Emergent agency).

Exercise 1: DeGroot's consensus from a trust matrix. Exercise 2: the amplification
factor of a chain. Exercise 3: how many verification steps keep it under a limit.
Exercise 4: at which ESRH scale a failure first becomes visible. Exercise 5: a
system-level monitor's threshold for a false-alarm budget. Each check compares the
student's function with a reference over cases in which every argument varies, protects
its inputs (:func:`mesa_models.checks.call`), and tests reproducibility where randomness
is involved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
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
    same,
    show,
    vary,
)
from mesa_models.emergence.amplification import (
    AMPLIFICATION_PARAMS,
    SCALES,
    AmplificationModel,
    component_check,
)
from mesa_models.emergence.consensus import degroot_limit, trust_matrix
from mesa_models.emergence.split_task import threshold_for_budget
from mesa_models.base import seed_argument
from mesa_models.params import Param, validate_arguments
from mesa_models.running import run

_N_AGENTS = AMPLIFICATION_PARAMS["n_agents"]
_GAIN = AMPLIFICATION_PARAMS["gain"]

__all__ = [
    "EX2_CASES",
    "EX3_BORDERLINE",
    "EX3_CASES",
    "EX4_BORDERLINE",
    "EX4_CASES",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "check_exercise_5",
    "exercise_1_cases",
    "exercise_5_cases",
    "reference_amplification_factor",
    "reference_consensus",
    "reference_first_visible_scale",
    "reference_threshold",
    "reference_verifiers_needed",
]

# -- Exercise 1: DeGroot's consensus ---------------------------------------------------------


def reference_consensus(trust: np.ndarray, initial: np.ndarray) -> float:
    """Left eigenvector of ``trust`` for eigenvalue 1, normalised to sum 1, dotted with ``initial``."""
    return degroot_limit(trust, initial)


def exercise_1_cases() -> list[dict[str, Any]]:
    """Trust matrices with very different centralities (star, path, a directed 3-cycle with
    unequal weights, a random dense matrix) and initial opinions that make the weights matter."""
    rng = np.random.default_rng(91)
    star = trust_matrix(nx.star_graph(5), 0.3)
    path = trust_matrix(nx.path_graph(5), 0.5)
    directed = np.array([[0.2, 0.8, 0.0], [0.0, 0.5, 0.5], [0.9, 0.0, 0.1]])
    dense = rng.random((6, 6)) ** 3
    dense /= dense.sum(axis=1, keepdims=True)
    cases = [
        {"trust": star, "initial": np.array([0.9, 0.1, 0.2, 0.1, 0.3, 0.2])},
        {"trust": star, "initial": np.array([0.0, 1.0, 1.0, 1.0, 1.0, 1.0])},
        {"trust": path, "initial": np.array([1.0, 0.0, 0.0, 0.0, 0.0])},
        {"trust": directed, "initial": np.array([1.0, 0.0, 0.5])},
        {"trust": directed, "initial": np.array([0.0, 1.0, 0.0])},
        {"trust": dense, "initial": rng.random(6)},
    ]
    return cases


def check_exercise_1(consensus: Callable[[np.ndarray, np.ndarray], float]) -> Verdict:
    """``consensus(trust, initial)`` equals DeGroot's centrality-weighted average."""

    def test() -> None:
        expect_type(consensus, "callable", "what you passed")
        for case in exercise_1_cases():
            got = call(consensus, case["trust"], case["initial"])
            label = f"consensus(trust of {len(case['initial'])} agents, initial={show(case['initial'], 40)})"
            got = expect_type(got, "number", label)
            want = reference_consensus(case["trust"], case["initial"])
            if not same(got, want, 1e-9):
                plain = float(np.mean(case["initial"]))
                extra = (
                    " -- that is the plain average of the initial opinions: weight them by the left eigenvector"
                    if same(got, plain, 1e-9)
                    else ""
                )
                raise CheckFailed(f"{label} should be {want:.6f}, got {got:.6f}{extra}")

    return run_check(
        "Exercise 1 — DeGroot's consensus",
        test,
        hint="Look for the eigenvector of trust.T (not trust) whose eigenvalue is 1; take its real part, "
        "divide it by its sum, and weight the initial opinions with it.",
    )


# -- Exercise 2: the amplification factor of a chain -------------------------------------------

#: ``(n_agents, gain, seed)``: the base case first, then one change of each argument.
EX2_CASES = vary(
    {"n_agents": 6, "gain": 1.1, "seed": 0}, n_agents=[3, 10], gain=[0.8, 1.3], seed=[4]
)


@validate_arguments(n_agents=_N_AGENTS, gain=_GAIN, seed=seed_argument("seed"))
def reference_amplification_factor(n_agents: int, gain: float, seed: int) -> float:
    """Mean ``amplification`` over steps 1-20 of a chain (network scale, default settings otherwise)."""
    frame = run(
        AmplificationModel,
        20,
        rng=seed,
        scale="network",
        topology="chain",
        n_agents=n_agents,
        gain=gain,
    )
    return float(frame["amplification"].iloc[1:].mean())


def check_exercise_2(amplification_factor: Callable[[int, float, int], float]) -> Verdict:
    def test() -> None:
        expect_type(amplification_factor, "callable", "what you passed")
        expect_matches(amplification_factor, reference_amplification_factor, EX2_CASES, tol=1e-9)
        expect_reproducible(
            lambda seed: call(amplification_factor, 6, 1.1, seed),
            "amplification_factor(6, 1.1, seed)",
        )

    return run_check(
        "Exercise 2 — the amplification factor of a chain",
        test,
        hint="run(AmplificationModel, 20, rng=seed, scale='network', topology='chain', n_agents=..., gain=...) "
        "gives a table; average its 'amplification' column over steps 1 to 20 (row 0 is the state before any step).",
    )


# -- Exercise 3: verification steps -------------------------------------------------------------

#: ``(n_agents, gain, limit, seed)``. Near the limit the random draws decide, so the seed matters there.
EX3_BORDERLINE = {"n_agents": 6, "gain": 1.1, "limit": 1.13, "seed": 0}
EX3_CASES = vary(
    {"n_agents": 6, "gain": 1.1, "limit": 2.5, "seed": 0},
    n_agents=[10],
    gain=[1.4],
    limit=[1.5, 5.0],
) + vary(EX3_BORDERLINE, seed=[1])


@validate_arguments(
    n_agents=_N_AGENTS,
    gain=_GAIN,
    limit=Param("limit", 1.0, "largest acceptable mean amplification", low=0, high=1e6),
    seed=seed_argument("seed"),
)
def reference_verifiers_needed(n_agents: int, gain: float, limit: float, seed: int) -> int | None:
    """Fewest verifiers (0 .. n_agents - 1) whose chain keeps the mean amplification over
    steps 1-10 at or below ``limit``; ``None`` if no number does."""
    for verifiers in range(n_agents):
        frame = run(
            AmplificationModel,
            10,
            rng=seed,
            scale="network",
            n_agents=n_agents,
            gain=gain,
            verifiers=verifiers,
        )
        if frame["amplification"].iloc[1:].mean() <= limit:
            return verifiers
    return None


def check_exercise_3(verifiers_needed: Callable[[int, float, float, int], int | None]) -> Verdict:
    def test() -> None:
        expect_type(verifiers_needed, "callable", "what you passed")
        for case in EX3_CASES:
            got = call(verifiers_needed, *case.values())
            label = "verifiers_needed(" + ", ".join(f"{k}={show(v)}" for k, v in case.items()) + ")"
            want = reference_verifiers_needed(*case.values())
            if want is None:
                expect(
                    got is None,
                    f"{label} should be None (no number of verifiers is enough), got {show(got)}",
                )
                continue
            got = expect_type(got, "integer", label)
            expect(
                got == want,
                f"{label} should be {want}, got {got}"
                + (" (one too many: is your comparison <= limit?)" if got == want + 1 else ""),
            )
        expect(
            call(verifiers_needed, 6, 1.1, 0.5, 0) is None,
            "verifiers_needed(6, 1.1, limit=0.5, seed=0) should be None: "
            "no chain has an amplification below 1, so return None when no number of verifiers is enough",
        )
        expect_reproducible(
            lambda seed: call(verifiers_needed, 6, 1.1, 1.13, seed),
            "verifiers_needed(6, 1.1, 1.13, seed)",
            seeds=(0, 1),
        )

    return run_check(
        "Exercise 3 — how many verification steps?",
        test,
        hint="Try verifiers = 0, 1, 2, ... up to n_agents - 1; for each, run 10 steps and average 'amplification' over steps 1-10; "
        "return the first number at or below the limit, and None after the loop.",
    )


# -- Exercise 4: where a failure first becomes visible ------------------------------------------

EX4_CASES: list[tuple[dict[str, Any], str | None]] = [
    ({"bias": 0.12}, "component"),
    ({"gain": 1.5, "bias": 0.05, "noise": 0.01}, "dyadic"),
    ({"gain": 0.9, "bias": 0.04, "noise": 0.01}, "network"),
    (
        {
            "gain": 0.5,
            "bias": 0.035,
            "noise": 0.01,
            "n_agents": 4,
            "learning": 0.05,
            "attention": 1,
        },
        "temporal",
    ),
    (
        {"gain": 0.5, "bias": 0.045, "noise": 0.01, "n_agents": 3, "attention": 2, "learning": 0.0},
        "cross-system",
    ),
    ({"gain": 0.0, "bias": 0.01, "noise": 0.01}, None),
]


#: A failure on the edge between the dyadic and the network scale: the seed decides.
EX4_BORDERLINE = {"gain": 1.0, "bias": 0.0266, "noise": 0.02}


@validate_arguments(seed=seed_argument("seed"))
def reference_first_visible_scale(settings: dict[str, Any], seed: int = 0) -> str | None:
    """``"component"`` if a component fails its own test; else the first ESRH scale whose
    system fails (mean ``failures`` over steps 51-60 above ``allowed_failures``); else None."""
    components = component_check(AmplificationModel(rng=seed, scale="cross-system", **settings))
    if not components["passed"].all():
        return "component"
    for scale in SCALES:
        model = AmplificationModel(rng=seed, scale=scale, **settings)
        frame = run(model, 60)
        if frame["failures"].iloc[-10:].mean() > model.allowed_failures:
            return scale
    return None


def check_exercise_4(first_visible_scale: Callable[[dict, int], str | None]) -> Verdict:
    def test() -> None:
        expect_type(first_visible_scale, "callable", "what you passed")
        for settings, want in EX4_CASES:
            got = call(first_visible_scale, settings, 0)
            label = f"first_visible_scale({show(settings, 60)}, 0)"
            allowed = ("component", *SCALES, None)
            expect(
                got in allowed,
                f"{label} should return one of {', '.join(map(repr, allowed))}; got {show(got)}",
            )
            expect(got == want, f"{label} should be {want!r}, got {got!r}")
        # On the edge between two scales the answer depends on the random draws: the seed must be used.
        for seed, want in ((0, "network"), (1, "dyadic")):
            got = call(first_visible_scale, EX4_BORDERLINE, seed)
            expect(
                got == want,
                f"first_visible_scale({show(EX4_BORDERLINE)}, {seed}) should be {want!r}, got {got!r} "
                "(a case on the edge: pass rng=seed to every model you build)",
            )
        expect_reproducible(
            lambda seed: call(first_visible_scale, EX4_BORDERLINE, seed),
            f"first_visible_scale({show(EX4_BORDERLINE)}, seed)",
            seeds=(1, 0),
        )

    return run_check(
        "Exercise 4 — where does the failure first show?",
        test,
        hint="Test the components first (component_check on a cross-system model, so the rule and the reviewer are included); "
        "then loop over SCALES in order, run 60 steps and compare the mean of 'failures' over the last 10 steps with allowed_failures.",
    )


# -- Exercise 5: a monitor's threshold for a false-alarm budget ---------------------------------


def reference_threshold(benign_scores: np.ndarray, budget: float) -> float:
    """The lowest threshold with at most ``budget`` of the benign scores strictly above it."""
    return threshold_for_budget(benign_scores, budget)


def exercise_5_cases() -> list[dict[str, Any]]:
    rng = np.random.default_rng(55)
    scores = rng.normal(0.3, 0.15, 200)
    tied = np.round(rng.random(100), 1)  # many ties
    small = np.array([0.9, 0.1, 0.5, 0.3, 0.7])
    return [
        {"benign_scores": scores, "budget": 0.01},
        {"benign_scores": scores, "budget": 0.05},
        {"benign_scores": scores, "budget": 0.2},
        {"benign_scores": scores, "budget": 0.0},
        {"benign_scores": tied, "budget": 0.1},
        {"benign_scores": small, "budget": 0.2},
        {"benign_scores": small, "budget": 0.39},
    ]


def check_exercise_5(threshold: Callable[[np.ndarray, float], float]) -> Verdict:
    def test() -> None:
        expect_type(threshold, "callable", "what you passed")
        for case in exercise_5_cases():
            scores, budget = case["benign_scores"], case["budget"]
            label = f"threshold(benign_scores={show(scores, 40)}, budget={budget})"
            got = expect_type(call(threshold, scores, budget), "number", label)
            alarms = float(np.mean(scores > got))
            expect(
                alarms <= budget + 1e-12,
                f"{label} returned {got:.4f}, at which {alarms:.1%} of the benign scores raise an "
                f"alarm: more than the budget of {budget:.0%}",
            )
            want = reference_threshold(scores, budget)
            expect(
                same(got, want, 1e-12),
                f"{label} should be {want:.4f}, got {got:.4f}: it keeps within the budget but is not "
                "the lowest such threshold (it misses harmful tasks it could catch)"
                if got > want
                else f"{label} should be {want:.4f}, got {got:.4f}",
            )

    return run_check(
        "Exercise 5 — a threshold for a false-alarm budget",
        test,
        hint="Sort a copy of the scores; at most floor(budget x n) of them may lie strictly above the threshold, so the threshold "
        "is the score just below those: sorted[n - 1 - allowed].",
    )

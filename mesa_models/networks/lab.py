"""Checks for the Unit 05 lab (Network effects): the adoption rule, the upper edge of the
cascade window, a patch policy for a scale-free network and a mix of base models.

Each check compares the student's function with a reference over cases in which every
argument the exercise is about takes several values (:func:`mesa_models.checks.vary`),
calls it with protected inputs (:func:`~mesa_models.checks.call`), checks types first,
and names what was expected.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Sequence
from functools import lru_cache

import networkx as nx
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
from mesa_models.networks.cascades import WATTS_PARAMS, WattsCascade, watts_rule
from mesa_models.networks.cascades_fast import cascade_frequency
from mesa_models.networks.contagion import hub_patches, random_patches
from mesa_models.networks.contagion_fast import ContagionArray, spectral_radius
from mesa_models.networks.graphs import adjacency, build_edges, seed_int, to_networkx
from mesa_models.networks.monoculture import check_rates, mass_failure_probability, mix_cost
from mesa_models.params import Param, require, validate_arguments

__all__ = [
    "ADOPTION_CASES",
    "BASE_MODELS",
    "LAB_AGENTS",
    "LAB_N",
    "LAB_REALIZATIONS",
    "LAB_Z_GRID",
    "PATCH_CASES",
    "centrality",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "lab_graph",
    "reference_mix",
    "reference_patches",
    "reference_upper_edge",
    "share_grid",
]

# -- Exercise 1: the adoption rule -------------------------------------------------------------
#: (n_adopted, degree, phi) cases: the threshold exactly met, just missed, no neighbours, ...
ADOPTION_CASES = vary(
    {"n_adopted": 1, "degree": 5, "phi": 0.18},
    n_adopted=[0, 2, 5],
    degree=[1, 6, 11, 4],
    phi=[0.2, 0.25, 0.5, 0.1],
) + [
    {"n_adopted": 3, "degree": 10, "phi": 0.3},  # exactly at the threshold: adopts
    {"n_adopted": 2, "degree": 11, "phi": 0.18},  # 0.1818... >= 0.18: adopts
    {"n_adopted": 1, "degree": 6, "phi": 0.18},  # 0.1667 < 0.18: does not
    {"n_adopted": 0, "degree": 0, "phi": 0.18},  # no neighbours: never
    {"n_adopted": 1, "degree": 3, "phi": 1 / 3},
]


def check_exercise_1(adopts: Callable[[int, int, float], bool]) -> Verdict:
    """Watts's rule: adopt once at least a fraction phi of the neighbours has adopted;
    never without neighbours."""

    def test() -> None:
        expect_type(adopts, "callable", "what you passed")
        for case in ADOPTION_CASES:
            label = f"adopts({case['n_adopted']}, {case['degree']}, {case['phi']:.4g})"
            got = expect_type(call(adopts, *case.values()), "bool", label)
            want = watts_rule(*case.values())
            if got != want:
                reason = ""
                if case["degree"] == 0:
                    reason = " (an agent with no neighbours never adopts)"
                elif case["n_adopted"] / case["degree"] == case["phi"]:
                    reason = " (exactly at the threshold counts: 'at least a fraction phi')"
                raise CheckFailed(f"{label} should be {want}, got {got}{reason}")
        # The rule drives the Mesa model exactly like the built-in one.
        mine = WattsCascade(rng=3, n_agents=120, mean_degree=2.5, adoption_rule=adopts)
        ref = WattsCascade(rng=3, n_agents=120, mean_degree=2.5)
        mine.run_for(8)
        ref.run_for(8)
        expect_equal(
            mine.adopted_share(),
            ref.adopted_share(),
            "the share adopted after 8 steps of WattsCascade with your rule",
        )

    return run_check(
        "Exercise 1 — the adoption rule",
        test,
        hint="'At least a fraction phi' includes the case where the fraction equals phi exactly, and an agent without "
        "neighbours has no fraction to compare. Return True or False, not the fraction itself.",
    )


# -- Exercise 2: the upper edge of the cascade window ----------------------------------------------
#: Mean degrees the lab scans, the network size and the realisations per z.
LAB_Z_GRID = tuple(float(z) for z in np.round(np.arange(2.0, 10.01, 0.25), 2))
LAB_N = 1000
LAB_REALIZATIONS = 40
EDGE_CASES = vary({"phi": 0.18, "seed": 0}, phi=[0.22, 0.15], seed=[2])


@validate_arguments(phi=WATTS_PARAMS["phi"], seed=seed_int("seed"))
@lru_cache(maxsize=32)
def reference_upper_edge(phi: float, seed: int) -> float:
    """The largest z on :data:`LAB_Z_GRID` at which at least one of
    :data:`LAB_REALIZATIONS` runs on :data:`LAB_N` agents gave a global cascade."""
    for z in reversed(LAB_Z_GRID):
        frame = cascade_frequency([z], phi=phi, n=LAB_N, realizations=LAB_REALIZATIONS, seed=seed)
        if frame["frequency"].iloc[0] > 0:
            return z
    return math.nan


def check_exercise_2(upper_edge: Callable[[float, int], float]) -> Verdict:
    """``upper_edge(phi, seed)``: the largest z on the lab grid with any global cascade."""

    def test() -> None:
        expect_type(upper_edge, "callable", "what you passed")
        expect_matches(upper_edge, reference_upper_edge, EDGE_CASES)
        expect_reproducible(
            lambda seed: upper_edge(0.18, seed), "upper_edge(0.18, seed)", seeds=(0, 2)
        )

    return run_check(
        "Exercise 2 — the upper edge of the cascade window",
        test,
        hint="The edge is the largest z with any global cascade, so search from the top of the grid down and stop at the "
        "first hit. Pass phi and seed on unchanged, and use the lab's network size and number of runs.",
    )


# -- Exercise 3: whom to patch -------------------------------------------------------------------
#: (agents, seed of the scale-free graph, patch budget) of the graphs the check uses.
PATCH_CASES = ((800, 0, 16), (800, 1, 30), (1200, 2, 24))


@lru_cache(maxsize=8)
def _lab_graph(n: int, seed: int) -> nx.Graph:
    return to_networkx(n, build_edges("scale-free", n, 4, np.random.default_rng(seed), "lab_graph"))


@validate_arguments(
    n=Param("n", 1000, "agents", "agents", low=10, high=100_000), seed=seed_int("seed")
)
def lab_graph(n: int = 1000, seed: int = 0) -> nx.Graph:
    """A Barabási–Albert graph with mean degree 4 (a fresh copy each call)."""
    return _lab_graph(n, seed).copy()


def centrality(graph: nx.Graph, patched: Sequence[int] = ()) -> np.ndarray:
    """Eigenvector centrality of every agent once ``patched`` agents are removed (0 for
    them): how strongly each agent is tied into the densest, most re-infecting core.

    Returns a non-negative array indexed by node that sums to 1 (all zeros when no links
    are left). The agent with the largest value contributes most to the largest eigenvalue
    of the network, which sets its SIS epidemic threshold (about 1 / eigenvalue).
    """
    if not isinstance(graph, nx.Graph):
        raise TypeError(
            f"centrality(): parameter 'graph' got {type(graph).__name__}; expected a networkx.Graph"
        )
    n = graph.number_of_nodes()
    mask = np.zeros(n, dtype=bool)
    nodes = list(patched)
    bad = [
        v
        for v in nodes
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v < n
    ]
    if bad:
        raise ValueError(
            f"centrality(): parameter 'patched' contains {bad[0]!r}; allowed: agent numbers 0..{n - 1}"
        )
    mask[np.asarray(nodes, dtype=np.int64)] = True
    edges = np.array(list(graph.edges), dtype=np.int64).reshape(-1, 2)
    edges = edges[~(mask[edges[:, 0]] | mask[edges[:, 1]])]
    if edges.size == 0:
        return np.zeros(n)
    matrix = adjacency(n, edges).astype(float)
    # Power iteration on A + I (the shift keeps it from oscillating on near-bipartite parts).
    score = np.where(mask, 0.0, 1.0)
    score /= np.linalg.norm(score)
    for _ in range(1000):
        step = matrix @ score + score
        step /= np.linalg.norm(step)
        if np.abs(step - score).max() < 1e-10:
            score = step
            break
        score = step
    score[mask] = 0.0
    return score / score.sum()


@validate_arguments(budget=Param("budget", 10, "agents to patch", "agents", low=0))
def reference_patches(
    graph: nx.Graph, budget: int, rng: np.random.Generator | None = None
) -> list[int]:
    """Greedy: patch the most central agent, recompute centrality, repeat."""
    require(
        budget <= graph.number_of_nodes(),
        "budget",
        budget,
        f"at most {graph.number_of_nodes()} agents",
        "reference_patches()",
    )
    patched: list[int] = []
    for _ in range(budget):
        score = centrality(graph, patched)
        score[patched] = -1.0
        patched.append(int(np.argmax(score)))
    return sorted(patched)


def _edge_set(graph: nx.Graph) -> set[tuple[int, int]]:
    return {(min(u, v), max(u, v)) for u, v in graph.edges}


def check_exercise_3(
    choose: Callable[[nx.Graph, int, np.random.Generator], Sequence[int]],
) -> Verdict:
    """A patch policy that lowers the network's largest eigenvalue (raises its epidemic
    threshold) more than patching random agents or the highest-degree agents."""

    def test() -> None:
        expect_type(choose, "callable", "what you passed")
        for n, seed, budget in PATCH_CASES:
            graph = lab_graph(n, seed)
            before = _edge_set(graph)
            label = f"{getattr(choose, '__name__', 'your function')}(lab_graph({n}, {seed}), {budget}, rng)"
            chosen = choose(graph, budget, np.random.default_rng(0))
            expect(
                _edge_set(graph) == before and graph.number_of_nodes() == n,
                f"{label} changed the graph it was given; work on graph.copy() and leave the argument as it was",
            )
            expect(
                not isinstance(chosen, str | bytes) and hasattr(chosen, "__iter__"),
                f"{label} should return a list of {budget} agent numbers, got {show(chosen)}",
            )
            nodes = list(chosen)
            for node in nodes:
                expect_type(node, "integer", f"each agent number returned by {label}")
            expect(
                len(nodes) == budget,
                f"{label} should return {budget} agents (the budget), got {len(nodes)}",
            )
            expect(
                len(set(nodes)) == budget,
                f"{label} returned some agents twice: {show(sorted(nodes))}",
            )
            expect(
                all(0 <= v < n for v in nodes), f"{label} returned agent numbers outside 0..{n - 1}"
            )
            mine = spectral_radius(graph, nodes)
            hubs = spectral_radius(graph, hub_patches(graph, budget, np.random.default_rng(0)))
            rand = spectral_radius(graph, random_patches(graph, budget, np.random.default_rng(0)))
            expect(
                mine < rand,
                f"{label}: largest eigenvalue {mine:.3f} is no lower than after patching {budget} random "
                f"agents ({rand:.3f})",
            )
            expect(
                mine < hubs - 1e-9,
                f"{label}: largest eigenvalue {mine:.3f} is no lower than after patching the {budget} "
                f"highest-degree agents ({hubs:.3f}); you need to beat degree targeting",
            )
        n, seed, budget = PATCH_CASES[0]
        model = ContagionArray(
            graph=lab_graph(n, seed), patch_policy=choose, patch_budget=budget, rng=0
        )
        expect(
            model.patched_nodes.size == budget,
            "ContagionArray(patch_policy=your function) should patch the budget",
        )

    return run_check(
        "Exercise 3 — whom to patch",
        test,
        hint="Degree targeting ranks agents once, on the intact network. Choose one agent at a time instead, each time "
        "asking which remaining agent matters most to the network left after your earlier choices (centrality helps).",
    )


# -- Exercise 4: a mix of base models -------------------------------------------------------------
#: name -> (chance it fails on an input, cost per agent) of the base models on offer.
BASE_MODELS = {
    "frontier": (0.02, 4.0),
    "mid-size": (0.05, 2.0),
    "small": (0.10, 1.0),
    "open-weights": (0.15, 0.5),
}
#: Agents in the lab's deployments.
LAB_AGENTS = 100
_RATES = tuple(rate for rate, _ in BASE_MODELS.values())
_COSTS = tuple(cost for _, cost in BASE_MODELS.values())
MIX_CASES = vary(
    {"failure_rates": _RATES, "costs": _COSTS, "budget": 1.5, "level": 0.5},
    failure_rates=[
        (0.10, 0.05, 0.10, 0.15)
    ],  # a frontier model that is no better: not worth its price
    costs=[(4.0, 2.0, 1.5, 0.5)],
    budget=[2.0, 1.0],
    level=[0.3],
)


@validate_arguments(
    n_models=Param("n_models", 4, "base models", "models", low=1, high=12),
    step=Param("step", 0.1, "grid step of the shares", "fraction", low=0.01, high=1),
)
@lru_cache(maxsize=16)
def share_grid(n_models: int, step: float = 0.1) -> tuple[tuple[float, ...], ...]:
    """Every split of the agents across ``n_models`` base models in multiples of ``step``
    (``1 / step`` must be a whole number)."""
    units = int(round(1 / step))
    require(
        abs(units * step - 1) < 1e-9,
        "step",
        step,
        "a number whose inverse is a whole number (0.1, 0.05, 0.25, ...)",
        "share_grid()",
    )
    require(
        math.comb(units + n_models - 1, n_models - 1) <= 1_000_000,
        "n_models",
        n_models,
        f"few enough models that the grid has at most 1,000,000 splits at step {step}",
        "share_grid()",
    )
    grid = []
    for cuts in itertools.combinations(range(units + n_models - 1), n_models - 1):
        parts = np.diff((-1, *cuts, units + n_models - 1)) - 1
        grid.append(tuple(float(x) for x in np.round(parts / units, 10)))
    return tuple(grid)


@lru_cache(maxsize=32)
def _best_mix(
    failure_rates: tuple[float, ...], costs: tuple[float, ...], budget: float, level: float
) -> tuple[tuple[float, ...], float]:
    best: tuple[tuple[float, ...], float] | None = None
    for shares in share_grid(len(costs)):
        if mix_cost(shares, costs) > budget + 1e-9:
            continue
        risk = mass_failure_probability(shares, failure_rates, LAB_AGENTS, level=level)
        if best is None or risk < best[1] - 1e-15:
            best = (shares, risk)
    if best is None:
        return (), math.nan
    return best


@validate_arguments(
    budget=Param("budget", 1.5, "average cost per agent", "cost", low=0),
    level=Param("level", 0.5, "share failing together", "fraction", low=0, high=1, low_open=True),
)
def reference_mix(
    failure_rates: Sequence[float], costs: Sequence[float], budget: float, level: float = 0.5
) -> list[float]:
    """The split on :func:`share_grid` with the lowest chance that at least ``level`` of
    the :data:`LAB_AGENTS` agents fail together, among splits costing at most ``budget``."""
    rates = check_rates(failure_rates, None, "reference_mix()")
    costs = _costs(costs, rates.size)
    shares, _ = _best_mix(tuple(rates.tolist()), tuple(costs.tolist()), float(budget), float(level))
    return list(shares)


def _costs(costs: Sequence[float], size: int) -> np.ndarray:
    if isinstance(costs, str | bytes) or not hasattr(costs, "__len__"):
        raise TypeError(
            f"reference_mix(): parameter 'costs' got {costs!r}; expected a list of numbers"
        )
    array = np.asarray(costs, dtype=float)
    if array.shape != (size,) or np.isnan(array).any() or (array < 0).any():
        raise ValueError(
            f"reference_mix(): parameter 'costs' got {list(costs)!r}; allowed: {size} non-negative numbers"
        )
    return array


def check_exercise_4(
    choose_mix: Callable[[Sequence[float], Sequence[float], float, float], Sequence[float]],
) -> Verdict:
    """A mix within budget whose chance of mass failure is as low as the best split on the
    0.1 grid."""

    def test() -> None:
        expect_type(choose_mix, "callable", "what you passed")
        for case in MIX_CASES:
            label = "choose_mix(" + ", ".join(f"{k}={show(v, 30)}" for k, v in case.items()) + ")"
            got = call(choose_mix, *[list(v) if isinstance(v, tuple) else v for v in case.values()])
            expect(
                not isinstance(got, str | bytes) and hasattr(got, "__len__"),
                f"{label} should return a list of shares, got {show(got)}",
            )
            shares = [expect_type(x, "number", f"each share returned by {label}") for x in got]
            k = len(case["costs"])
            expect(
                len(shares) == k,
                f"{label} should return {k} shares (one per base model), got {len(shares)}",
            )
            expect(
                min(shares) >= -1e-12 and abs(sum(shares) - 1) < 1e-6,
                f"{label}: shares must be non-negative and sum to 1, got {show(shares)} (sum {sum(shares):.3f})",
            )
            cost = float(np.dot(shares, case["costs"]))
            expect(
                cost <= case["budget"] + 1e-6,
                f"{label}: your mix costs {cost:.3f} per agent, over the budget {case['budget']}",
            )
            risk = mass_failure_probability(
                np.asarray(shares) / sum(shares),
                case["failure_rates"],
                LAB_AGENTS,
                level=case["level"],
            )
            best_shares, best = _best_mix(
                tuple(case["failure_rates"]), tuple(case["costs"]), case["budget"], case["level"]
            )
            expect(
                risk <= best + 1e-9,
                f"{label}: the chance that at least {case['level']:.0%} of the agents fail together is {risk:.4f} with your "
                f"mix {show(shares)}; a mix on the 0.1 grid within budget reaches {best:.4f}",
            )

    return run_check(
        "Exercise 4 — a mix of base models under a budget",
        test,
        hint="The grid of splits is small enough to search completely. Respect the budget, and judge each affordable split "
        "by the chance of mass failure at the level you were given, not by its average failure rate.",
    )

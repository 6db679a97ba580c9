"""Unit 05 lab checks: the reference answers pass, stubs read "not attempted", and for every
exercise realistic wrong answers are rejected with a message that names the cause."""

import networkx as nx
import numpy as np
import pytest

from mesa_models.checks import insensitive_arguments
from mesa_models.networks import (
    cascade_frequency,
    hub_patches,
    mass_failure_probability,
    mix_cost,
    random_patches,
    theoretical_window,
)
from mesa_models.networks import lab
from mesa_models.networks.lab import (
    EDGE_CASES,
    LAB_AGENTS,
    LAB_N,
    LAB_REALIZATIONS,
    LAB_Z_GRID,
    MIX_CASES,
    centrality,
    lab_graph,
    reference_mix,
    reference_patches,
    reference_upper_edge,
    share_grid,
)


@pytest.fixture(autouse=True)
def no_expectation(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def stub(*args, **kwargs):
    raise NotImplementedError


def incorrect(verdict, *fragments):
    assert verdict.status == "incorrect", verdict
    for fragment in fragments:
        assert fragment in verdict.message, f"{fragment!r} not in: {verdict.message}"
    return True


# -- Exercise 1: the adoption rule ------------------------------------------------------------------
def adopts(n_adopted, degree, phi):
    if degree == 0:
        return False
    return n_adopted / degree >= phi


def test_exercise_1_accepts_the_rule_and_not_a_stub():
    assert lab.check_exercise_1(adopts).status == "correct"
    assert lab.check_exercise_1(stub).status == "not attempted"


def test_exercise_1_rejects_wrong_rules():
    strict = lab.check_exercise_1(
        lambda n, d, phi: d > 0 and n / d > phi
    )  # "more than" instead of "at least"
    assert incorrect(strict, "adopts(1, 5, 0.2) should be True", "exactly at the threshold")
    counts = lab.check_exercise_1(lambda n, d, phi: d > 0 and n >= phi)  # a count, not a fraction
    assert incorrect(counts, "adopts(1, 6, 0.18) should be False")
    fixed = lab.check_exercise_1(lambda n, d, phi: d > 0 and n / d >= 0.18)  # ignores phi
    assert incorrect(fixed, "adopts(1, 5, 0.25) should be False")
    fraction = lab.check_exercise_1(lambda n, d, phi: n / d if d else 0.0)  # returns the fraction
    assert incorrect(fraction, "should be True or False, got a float")
    crash = lab.check_exercise_1(
        lambda n, d, phi: n / d >= phi
    )  # forgets agents without neighbours
    assert crash.status == "error" and "ZeroDivisionError" in crash.message


def test_exercise_1_cases_vary_every_argument():
    base = {"n_adopted": 1, "degree": 5, "phi": 0.18}
    assert (
        insensitive_arguments(
            lab.watts_rule, base, n_adopted=[0, 2], degree=[6, 11], phi=[0.25, 0.1]
        )
        == []
    )
    assert any(case["degree"] == 0 for case in lab.ADOPTION_CASES)
    assert any(
        case["degree"] and case["n_adopted"] / case["degree"] == case["phi"]
        for case in lab.ADOPTION_CASES
    )


# -- Exercise 2: the upper edge -------------------------------------------------------------------
def upper_edge(phi, seed):
    for z in reversed(LAB_Z_GRID):
        if (
            cascade_frequency([z], phi=phi, n=LAB_N, realizations=LAB_REALIZATIONS, seed=seed)[
                "frequency"
            ].iloc[0]
            > 0
        ):
            return z
    return float("nan")


def test_exercise_2_accepts_the_search_and_not_a_stub():
    assert lab.check_exercise_2(upper_edge).status == "correct"
    assert lab.check_exercise_2(stub).status == "not attempted"


def test_exercise_2_rejects_wrong_searches():
    def one_step_too_far(phi, seed):  # the first z *without* cascades: off by one grid step
        return upper_edge(phi, seed) + 0.25

    assert incorrect(
        lab.check_exercise_2(one_step_too_far), "phi=0.18, seed=0) should be 7.5, got 7.75"
    )
    assert incorrect(
        lab.check_exercise_2(lambda phi, seed: upper_edge(phi, 0)),
        "seed=2) should be 6.75, got 7.5",
    )
    assert incorrect(
        lab.check_exercise_2(lambda phi, seed: upper_edge(0.18, seed)),
        "phi=0.22, seed=0) should be 4.75",
    )

    def theory(phi, seed):  # the infinite-network edge instead of the measured one
        return round(theoretical_window(phi)[1], 2)

    assert incorrect(lab.check_exercise_2(theory), "should be 7.5, got 5.76")

    def first_drop(
        phi, seed
    ):  # scans upwards and stops where the frequency first falls below a half
        frame = cascade_frequency(
            LAB_Z_GRID, phi=phi, n=LAB_N, realizations=LAB_REALIZATIONS, seed=seed
        )
        inside = frame[frame["frequency"] >= 0.5]["z"]
        return float(inside.max())

    assert incorrect(lab.check_exercise_2(first_drop), "should be 7.5")


def test_exercise_2_cases_vary_every_argument():
    assert (
        insensitive_arguments(reference_upper_edge, EDGE_CASES[0], phi=[0.22, 0.15], seed=[2]) == []
    )


# -- Exercise 3: whom to patch ----------------------------------------------------------------------
def test_exercise_3_accepts_the_greedy_policy_and_not_a_stub():
    assert lab.check_exercise_3(reference_patches).status == "correct"
    assert lab.check_exercise_3(stub).status == "not attempted"


def test_exercise_3_rejects_weaker_or_broken_policies():
    assert incorrect(
        lab.check_exercise_3(hub_patches),
        "no lower than after patching the 16 highest-degree agents",
    )
    assert incorrect(
        lab.check_exercise_3(random_patches), "no lower than after patching 16 random agents"
    )

    def adaptive_degree(
        graph, budget, rng
    ):  # recomputes degrees, not centrality: ties degree targeting here
        left, chosen = graph.copy(), []
        for _ in range(budget):
            node = max(left.nodes, key=lambda v: (left.degree(v), -v))
            chosen.append(node)
            left.remove_node(node)
        return chosen

    assert incorrect(lab.check_exercise_3(adaptive_degree), "you need to beat degree targeting")

    def one_short(graph, budget, rng):  # off by one
        return reference_patches(graph, budget - 1)

    assert incorrect(
        lab.check_exercise_3(one_short), "should return 16 agents (the budget), got 15"
    )

    def mutating(graph, budget, rng):  # removes the patched agents from the graph it was given
        chosen = reference_patches(graph, budget)
        graph.remove_nodes_from(chosen)
        return chosen

    assert incorrect(lab.check_exercise_3(mutating), "changed the graph it was given")

    def least_connected(graph, budget, rng):  # reversed order
        return sorted(graph.nodes, key=lambda v: (graph.degree(v), v))[:budget]

    assert incorrect(lab.check_exercise_3(least_connected), "no lower than")

    def fixed_budget(graph, budget, rng):  # ignores the budget
        return reference_patches(graph, 16)

    assert incorrect(lab.check_exercise_3(fixed_budget), "should return 30 agents")


def test_exercise_3_cases_vary_graph_and_budget():
    base = {"graph": lab_graph(800, 0), "budget": 16}
    assert (
        insensitive_arguments(reference_patches, base, graph=[lab_graph(800, 1)], budget=[30]) == []
    )


# -- Exercise 4: a mix of base models ----------------------------------------------------------------
def choose_mix(failure_rates, costs, budget, level):
    best, best_risk = None, None
    for shares in share_grid(len(costs)):
        if mix_cost(shares, costs) > budget + 1e-9:
            continue
        risk = mass_failure_probability(shares, failure_rates, LAB_AGENTS, level=level)
        if best_risk is None or risk < best_risk:
            best, best_risk = list(shares), risk
    return best


def test_exercise_4_accepts_the_search_and_not_a_stub():
    assert lab.check_exercise_4(choose_mix).status == "correct"
    assert lab.check_exercise_4(stub).status == "not attempted"


def test_exercise_4_rejects_wrong_mixes():
    ignores_level = lab.check_exercise_4(lambda r, c, b, level: choose_mix(r, c, b, 0.5))
    assert incorrect(ignores_level, "level=0.3", "at least 30% of the agents fail together")

    def best_single(
        rates, costs, budget, level
    ):  # the most reliable model one can afford, for everyone
        j = min((rates[k], k) for k in range(len(costs)) if costs[k] <= budget)[1]
        return [1.0 if k == j else 0.0 for k in range(len(costs))]

    assert incorrect(lab.check_exercise_4(best_single), "budget=1.5, level=0.5", "reaches 0.0194")
    assert incorrect(
        lab.check_exercise_4(lambda r, c, b, level: [1 / len(c)] * len(c)), "over the budget 1.5"
    )

    def lowest_mean(
        rates, costs, budget, level
    ):  # optimises the average failure rate, not the tail
        affordable = [s for s in share_grid(len(costs)) if mix_cost(s, costs) <= budget + 1e-9]
        return list(min(affordable, key=lambda s: float(np.dot(s, rates))))

    assert incorrect(lab.check_exercise_4(lowest_mean), "fail together")

    def sorts_in_place(rates, costs, budget, level):
        rates.sort()
        return choose_mix(rates, costs, budget, level)

    assert incorrect(lab.check_exercise_4(sorts_in_place), "changed its input in place")
    assert incorrect(
        lab.check_exercise_4(lambda r, c, b, level: [0.5, 0.5]), "should return 4 shares"
    )


def test_exercise_4_cases_vary_every_argument():
    base = MIX_CASES[0]
    alternatives = {
        name: [case[name] for case in MIX_CASES[1:] if case[name] != base[name]] for name in base
    }
    assert all(alternatives.values())
    assert insensitive_arguments(reference_mix, base, **alternatives) == []


# -- the lab's helpers -------------------------------------------------------------------------------
def test_centrality_and_graphs():
    graph = lab_graph(800, 0)
    assert lab_graph(800, 0).edges == graph.edges and lab_graph(800, 0) is not lab_graph(800, 0)
    score = centrality(graph)
    assert score.sum() == pytest.approx(1.0) and score.min() >= 0
    assert int(np.argmax(score)) in hub_patches(graph, 5)
    assert centrality(graph, [int(np.argmax(score))])[int(np.argmax(score))] == 0
    assert centrality(nx.empty_graph(4)).tolist() == [0, 0, 0, 0]
    assert len(share_grid(4)) == 286 and len(share_grid(3, 0.05)) == 231


from test_cascades import drive_helper  # noqa: E402

HELPER_CALLS = {
    "lab_graph": (lab_graph, lambda: ((50, 1), {})),
    "reference_upper_edge": (reference_upper_edge, lambda: ((0.3,), {"seed": 1})),
    "reference_patches": (reference_patches, lambda: ((lab_graph(60, 0), 3, None), {})),
    "reference_mix": (reference_mix, lambda: (([0.1, 0.2], [1.0, 2.0], 1.5, 0.5), {})),
    "share_grid": (share_grid, lambda: ((3, 0.25), {})),
    "centrality": (centrality, lambda: ((lab_graph(60, 0), [1]), {})),
}


@pytest.mark.parametrize("name", sorted(HELPER_CALLS))
def test_helpers_give_a_clear_error_or_a_valid_result(name):
    problems = drive_helper(name, *HELPER_CALLS[name])
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)

"""Feedback amplification across the ESRH scales (Bisconti et al. 2025): the chain formula,
damping and compounding, verification steps, and -- for each of the four scales -- a failure
that the component tests cannot see and that first shows at that scale."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pytest

from mesa_models import run
from mesa_models.emergence.amplification import (
    SCALES,
    AmplificationModel,
    chain_deviation,
    component_check,
    pipeline_layers,
    system_check,
)

SEEDS = (0, 1, 2)


def failures(seed, steps=20, last=10, **params):
    frame = run(AmplificationModel, steps, rng=seed, **params)
    return float(frame["failures"].iloc[-last:].mean())


# -- the chain formula, damping and compounding ----------------------------------------------------
@pytest.mark.parametrize("gain", [0.5, 1.0, 1.3])
@pytest.mark.parametrize("n_agents", [2, 5, 9])
def test_noiseless_chain_matches_the_formula_exactly(gain, n_agents):
    model = AmplificationModel(
        rng=0, scale="network", n_agents=n_agents, gain=gain, bias=0.03, noise=0.0, n_tasks=10
    )
    model.step()
    assert model.last_output == pytest.approx(
        np.full(10, chain_deviation(n_agents, gain, 0.03)), rel=1e-12
    )
    assert model.last_amplification == pytest.approx(
        sum(gain**k for k in range(n_agents)), rel=1e-12
    )


def test_damping_is_bounded_and_compounding_is_geometric():
    bias = 0.05
    damped = [chain_deviation(n, 0.8, bias) for n in range(1, 60)]
    assert max(damped) < bias / (1 - 0.8) and damped[-1] == pytest.approx(bias / 0.2, rel=1e-4)
    grown = [chain_deviation(n, 1.3, bias) for n in (10, 11)]
    assert grown[1] / grown[0] == pytest.approx(1.3, rel=0.05)
    # the simulation agrees with the formula on average (noise averages out over tasks)
    frame = run(AmplificationModel, 5, rng=3, scale="network", n_agents=8, gain=1.1, noise=0.02)
    assert frame["deviation"].iloc[1:].mean() == pytest.approx(
        chain_deviation(8, 1.1, 0.05), rel=0.02
    )


def test_pipeline_layers():
    assert pipeline_layers("chain", 3) == [[0], [1], [2]]
    assert pipeline_layers("dense", 9) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert pipeline_layers("dense", 7) == [[0, 1, 2], [3, 4], [5, 6]]
    assert pipeline_layers("bottleneck", 9) == [[0, 1, 2, 3], [4], [5, 6, 7, 8]]
    model = AmplificationModel(rng=0, scale="network", topology="bottleneck", n_agents=9)
    assert sorted(model.graph.predecessors(4)) == [0, 1, 2, 3] and sorted(
        model.graph.successors(4)
    ) == [5, 6, 7, 8]
    assert model.faulty_index == 4 and model.depth == 3


# -- the four ESRH scales: visible there, invisible to the component tests ------------------------------
def assert_components_pass(**params):
    for seed in SEEDS:
        table = component_check(AmplificationModel(rng=seed, scale="cross-system", **params))
        assert table["passed"].all(), table


@pytest.mark.parametrize("seed", SEEDS)
def test_dyadic_failure_is_invisible_to_component_tests(seed):
    # B builds on A's small error (gain 1.5): each passes alone, the pair does not.
    params = {"gain": 1.5, "bias": 0.05, "noise": 0.01}
    assert_components_pass(**params)
    assert failures(seed, scale="dyadic", **params) > 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_network_failure_is_invisible_to_component_and_dyadic_tests(seed):
    # gain 0.9 damps, but six stages still add up to almost twice the tolerance.
    params = {"gain": 0.9, "bias": 0.04, "noise": 0.01}
    assert_components_pass(**params)
    assert failures(seed, scale="dyadic", **params) <= 0.05
    assert failures(seed, scale="network", **params) > 0.9


@pytest.mark.parametrize("seed", SEEDS)
def test_temporal_failure_appears_only_after_repeated_rounds(seed):
    params = {"gain": 0.5, "bias": 0.03, "noise": 0.01, "n_agents": 4, "learning": 0.05}
    assert_components_pass(**params)
    assert failures(seed, scale="dyadic", **params) <= 0.05
    assert failures(seed, scale="network", **params) <= 0.05
    frame = run(AmplificationModel, 100, rng=seed, scale="temporal", **params)
    assert frame["failures"].iloc[1:6].max() <= 0.05  # the first rounds pass the system test...
    assert frame["failures"].iloc[-10:].min() == 1.0  # ...the hundredth fails completely
    assert frame["deviation"].diff().iloc[2:].abs().max() < 0.05  # no single round changes much
    assert frame["mean_bias"].is_monotonic_increasing


@pytest.mark.parametrize("seed", SEEDS)
def test_cross_system_failure_is_invisible_to_every_other_test(seed):
    # Three agents within tolerance, a rule that is exactly right, a human who corrects every
    # decision she reviews: the composition still decides too many tasks wrongly.
    params = {
        "gain": 0.5,
        "bias": 0.045,
        "noise": 0.01,
        "n_agents": 3,
        "attention": 2,
        "learning": 0.0,
    }
    assert_components_pass(**params)
    for scale in ("dyadic", "network", "temporal"):
        assert failures(seed, scale=scale, **params) <= 0.05, scale
    assert failures(seed, scale="cross-system", **params) > 0.05


def test_more_attention_means_fewer_wrong_decisions():
    params = {"gain": 0.5, "bias": 0.045, "noise": 0.01, "n_agents": 3, "learning": 0.0}
    rates = [failures(0, scale="cross-system", attention=a, **params) for a in (0, 5, 20, 40)]
    assert rates == sorted(rates, reverse=True) and rates[-1] < 0.005 < 0.05 < rates[0]


def test_bottleneck_turns_one_agent_into_a_single_point_of_failure():
    # The same slightly faulty agent (it passes its own test) is diluted in a dense network
    # and passed to everyone downstream at a bottleneck.
    params = {
        "scale": "network",
        "n_agents": 9,
        "gain": 1.0,
        "bias": 0.02,
        "noise": 0.015,
        "faulty_bias": 0.05,
    }
    for seed in SEEDS:
        assert component_check(AmplificationModel(rng=seed, **params))["passed"].all()
        dense = failures(seed, topology="dense", **params)
        bottleneck = failures(seed, topology="bottleneck", **params)
        assert dense < 0.15 and bottleneck > 0.5
    clean = failures(0, topology="bottleneck", **{**params, "faulty_bias": 0.0})
    assert clean < 0.05


# -- verification steps -----------------------------------------------------------------------------------
def test_verifiers_restart_the_accumulation():
    amps = [
        run(AmplificationModel, 10, rng=0, scale="network", n_agents=10, gain=1.2, verifiers=v)[
            "amplification"
        ]
        .iloc[1:]
        .mean()
        for v in range(10)
    ]
    assert amps[0] > 20 and amps[-1] < 1.3
    assert all(later <= earlier * 1.1 for earlier, later in zip(amps, amps[1:]))  # roughly monotone
    model = AmplificationModel(rng=0, n_agents=10, verifiers=3)
    assert [v.after_layer for v in model.verifier_agents] == [2, 4, 7]
    model.run_for(3)
    assert sum(v.caught for v in model.verifier_agents) > 0


def test_a_powerless_verifier_changes_nothing():
    base = run(AmplificationModel, 5, rng=4, n_agents=6)
    blind = run(AmplificationModel, 5, rng=4, n_agents=6, verifiers=2, verify_power=0.0)
    assert blind["deviation"].iloc[1:].tolist() == pytest.approx(
        base["deviation"].iloc[1:].tolist(), rel=0.05
    )


# -- checks, extension points, drawing ---------------------------------------------------------------------
def test_component_check_leaves_the_run_untouched():
    a = AmplificationModel(rng=8, scale="cross-system")
    b = AmplificationModel(rng=8, scale="cross-system")
    a.step()
    component_check(a, seed=3)
    a.step()
    b.run_for(2)
    assert np.array_equal(a.last_output, b.last_output)
    table = component_check(b)
    assert list(table["component"]) == ["LLM agent"] * 6 + ["rule", "human reviewer"]
    result = system_check(b, steps=2)
    assert set(result) == {"failures", "passed", "deviation"} and b.steps == 4


def test_injected_functions_are_used_and_validated():
    def exact(agent, incoming):
        return np.zeros_like(incoming)

    assert AmplificationModel(rng=0, transform=exact).run_for(2) is None
    model = AmplificationModel(rng=0, transform=exact)
    model.step()
    assert model.last_deviation == 0.0 and model.last_amplification == 1.0

    model = AmplificationModel(
        rng=0, scale="cross-system", rule=lambda e: np.zeros(e.shape, dtype=bool)
    )
    model.step()
    assert model.last_failures > 0.4  # approving nothing is wrong for half the tasks

    model = AmplificationModel(rng=0, n_agents=4, verifiers=1, verify=lambda verifier, d: d * 0)
    model.step()
    assert model.last_deviation == pytest.approx(chain_deviation(2, 1.1, 0.05), rel=0.1)

    def broken(agent, incoming):
        return "oops"

    with pytest.raises(ValueError, match="transform function 'broken'"):
        AmplificationModel(rng=0, transform=broken).step()
    with pytest.raises(ValueError, match="rule function"):
        AmplificationModel(rng=0, scale="cross-system", rule=lambda e: e).step()
    with pytest.raises(ValueError, match="verify function"):
        AmplificationModel(rng=0, verifiers=1, verify=lambda v, d: d[:3]).step()
    with pytest.raises(TypeError, match="'transform'"):
        AmplificationModel(transform=3)


def test_custom_graph():
    graph = nx.DiGraph([(0, 2), (1, 2), (2, 3)])
    model = AmplificationModel(
        rng=0, n_agents=4, graph=graph, noise=0.0, gain=1.0, bias=0.01, n_tasks=5
    )
    model.step()
    assert model.layers == [[0, 1], [2], [3]]
    assert model.last_output == pytest.approx(np.full(5, 0.03))


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"topology": "dense", "n_agents": 2}, ValueError, "'n_agents' got 2"),
        ({"verifiers": 6}, ValueError, "'verifiers' got 6.*at most 5"),
        ({"scale": "dyadic", "verifiers": 2}, ValueError, "'verifiers' got 2"),
        ({"graph": nx.DiGraph([(0, 1), (1, 0)]), "n_agents": 2}, ValueError, "'graph'.*acyclic"),
        ({"graph": nx.DiGraph([(0, 1), (1, 5)]), "n_agents": 3}, ValueError, "'graph'.*nodes 0..2"),
        ({"graph": nx.Graph([(0, 1)]), "n_agents": 2}, TypeError, "'graph'"),
        ({"gain": -1}, ValueError, "'gain' got -1"),
        ({"scale": "global"}, ValueError, "'scale' got 'global'"),
        ({"tolerance": 0}, ValueError, "'tolerance' got 0"),
        ({"n_agents": 2.5}, TypeError, "'n_agents'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        AmplificationModel(rng=0, **kwargs)


def test_helpers_validate_their_arguments():
    with pytest.raises(ValueError, match="'n_agents'"):
        chain_deviation(0, 1.0, 0.1)
    with pytest.raises(ValueError, match="'topology'"):
        pipeline_layers("star", 5)
    with pytest.raises(TypeError, match="'model'"):
        component_check("model")
    with pytest.raises(ValueError, match="'steps'"):
        system_check(AmplificationModel(rng=0), steps=0)
    with pytest.raises(ValueError, match="'n_tasks'"):
        component_check(AmplificationModel(rng=0), n_tasks=0)


def test_numpy_scalars_are_accepted():
    model = AmplificationModel(
        rng=3, n_agents=np.int64(5), gain=np.float64(0.9), verifiers=np.int64(1)
    )
    model.step()
    assert model.n_agents == 5 and isinstance(model.n_agents, int)
    assert chain_deviation(np.int64(3), np.float64(1.0), 0.1) == pytest.approx(0.3)


@pytest.mark.parametrize("scale", SCALES)
def test_same_seed_same_run(scale):
    a = run(AmplificationModel, 5, rng=11, scale=scale)
    b = run(AmplificationModel, 5, rng=11, scale=scale)
    c = run(AmplificationModel, 5, rng=12, scale=scale)
    assert a.equals(b) and not a.equals(c)


@pytest.mark.parametrize("topology", ["chain", "dense", "bottleneck"])
def test_draw_state(topology):
    model = AmplificationModel(rng=0, topology=topology, verifiers=1)
    model.step()
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "of tasks fail" in ax.get_title()
    plt.close(fig)

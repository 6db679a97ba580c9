"""Spreading compromise (SIS/SIR on networks): the Mesa model and the sparse-array engine
agree step by step; Pastor-Satorras & Vespignani's (2001) threshold contrast between random
and scale-free graphs; hub patching versus random patching (2002); bad input."""

import matplotlib
import networkx as nx
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mesa_models import run  # noqa: E402
from mesa_models.networks import (  # noqa: E402
    Contagion,
    ContagionArray,
    build_edges,
    expected_outbreak,
    graph_edges,
    hub_patches,
    infection_table,
    patching_effect,
    prevalence_curve,
    random_patches,
    spectral_radius,
    to_networkx,
)


# -- the two engines agree ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"topology": "random", "kind": "SIR"},
        {"patch_budget": 12, "patch_strategy": "hubs", "beta": 0.15},
        {"patch_budget": 12, "mean_degree": 6, "mu": 0.5},
        {"kind": "SIR", "topology": "random", "mean_degree": 3, "beta": 0.3, "initial_infected": 1},
    ],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_mesa_and_array_engines_agree_step_by_step(kwargs, seed):
    mesa_model = Contagion(rng=seed, **kwargs)
    array_model = ContagionArray(rng=seed, **kwargs)
    assert np.array_equal(mesa_model.patched_nodes, array_model.patched_nodes)
    assert np.array_equal(mesa_model.states(), array_model.states())
    changes = 0
    for step in range(80):
        before = array_model.states()
        mesa_model.step()
        array_model.step()
        assert np.array_equal(mesa_model.states(), array_model.states()), (
            f"{kwargs}, seed {seed}: differ at step {step + 1}"
        )
        changes += int((before != array_model.states()).any())
    assert changes >= 3
    frames = [m.datacollector.get_model_vars_dataframe() for m in (mesa_model, array_model)]
    assert np.allclose(frames[0].to_numpy(dtype=float), frames[1].to_numpy(dtype=float))


def test_engines_agree_with_a_patch_policy_and_a_given_start():
    graph = nx.convert_node_labels_to_integers(nx.barabasi_albert_graph(120, 2, seed=3))
    kwargs = dict(
        graph=graph, initial=[100, 101, 102], patch_policy=hub_patches, patch_budget=6, beta=0.2
    )
    a, b = Contagion(rng=4, **kwargs), ContagionArray(rng=4, **kwargs)
    assert a.initial_infected == 3 and a.n_agents == 120
    for _ in range(40):
        a.step()
        b.step()
    assert np.array_equal(a.states(), b.states())


def test_named_strategies_match_the_policy_functions():
    for strategy, policy in (("hubs", hub_patches), ("random", random_patches)):
        named = ContagionArray(rng=2, patch_budget=10, patch_strategy=strategy)
        policed = ContagionArray(rng=2, patch_budget=10, patch_policy=policy)
        assert np.array_equal(named.patched_nodes, policed.patched_nodes), strategy
    hubs = ContagionArray(rng=2, patch_budget=10, patch_strategy="hubs")
    degree = np.diff(hubs.matrix.indptr)
    assert degree[hubs.patched_nodes].min() >= np.sort(degree)[-10]


def test_infection_table_is_one_chance_per_link():
    table = infection_table(0.1, 3)
    assert table.tolist() == pytest.approx([0.0, 0.1, 0.19, 0.271])


def test_sir_ends_and_sis_persists():
    sir = run(ContagionArray, 300, rng=1, kind="SIR", beta=0.2)
    assert sir["compromised"].iloc[-1] == 0 and sir["ever_compromised"].iloc[-1] > 0.3
    sis = run(ContagionArray, 300, rng=1, kind="SIS", beta=0.2)
    assert sis["compromised"].iloc[-50:].mean() > 0.2


# -- the published result: Pastor-Satorras & Vespignani (2001), Figs. 1-2 ------------------------
@pytest.mark.parametrize("seed", [0, 1])
def test_threshold_on_random_graph_but_not_on_scale_free(seed):
    lambdas = [0.1, 0.12, 0.2]
    kwargs = dict(n=10_000, mean_degree=6, mu=1.0, steps=300, window=100, seeds=(seed,))
    er = prevalence_curve(lambdas, topology="random", **kwargs).set_index("lambda")
    ba = prevalence_curve(lambdas, topology="scale-free", **kwargs).set_index("lambda")
    # Below the random graph's threshold (about 1 / (z + 1) = 0.14) the compromise dies out there ...
    assert er.loc[0.1, "prevalence"] == 0 and er.loc[0.12, "survived"] == 0
    # ... but persists on the scale-free graph of the same mean degree.
    assert ba.loc[0.1, "prevalence"] > 0.02 and ba.loc[0.12, "prevalence"] > 0.04
    assert ba.loc[0.1, "survived"] == 1
    # Above it, both networks carry it.
    assert er.loc[0.2, "prevalence"] > 0.1 and ba.loc[0.2, "prevalence"] > 0.1


def test_scale_free_threshold_estimate_falls_as_the_network_grows():
    # 1 / largest eigenvalue estimates the SIS threshold. It stays near 1 / (z + 1) on random
    # graphs but keeps falling on scale-free graphs: no threshold in the limit.
    for seed in (0, 1):
        er = [
            spectral_radius((n, graph_edges("random", n, 6, seed))) for n in (1_000, 4_000, 16_000)
        ]
        ba = [
            spectral_radius((n, graph_edges("scale-free", n, 6, seed)))
            for n in (1_000, 4_000, 16_000)
        ]
        assert all(6.8 < value < 7.4 for value in er)
        assert ba[0] < ba[1] < ba[2] and 1 / ba[2] < 0.05


@pytest.mark.parametrize("seed", [0, 1])
def test_hub_patching_stops_what_random_patching_does_not(seed):
    frame = patching_effect(
        [0, 500],
        strategies=("random", "hubs"),
        spreading_rate=0.2,
        n=10_000,
        mean_degree=6,
        steps=300,
        window=100,
        seeds=(seed,),
    ).set_index(["strategy", "budget"])
    none = frame.loc[("random", 0), "prevalence"]
    assert none > 0.15
    assert frame.loc[("hubs", 500), "prevalence"] == 0  # 5 % of agents, the hubs: gone
    assert frame.loc[("random", 500), "prevalence"] > 0.8 * none  # 5 % at random: barely dented


def test_prevalence_curve_agrees_with_the_model():
    curve = prevalence_curve(
        [0.3],
        topology="scale-free",
        n=2000,
        mean_degree=4,
        mu=0.5,
        steps=300,
        window=150,
        seeds=(0, 1, 2),
    )
    runs = []
    for seed in range(3):
        frame = run(
            ContagionArray,
            300,
            rng=seed,
            n_agents=2000,
            mean_degree=4,
            beta=0.15,
            mu=0.5,
            initial_infected=1000,
        )
        runs.append(frame["compromised"].iloc[-150:].mean())
    assert curve["prevalence"].iloc[0] == pytest.approx(np.mean(runs), abs=0.02)


# -- SIR outbreaks and the threshold estimate -------------------------------------------------------
def test_expected_outbreak():
    graph = to_networkx(2000, build_edges("scale-free", 2000, 4, np.random.default_rng(0)))
    none = expected_outbreak(graph, transmissibility=0.3, realizations=30, seed=1)
    hubs = expected_outbreak(
        graph, hub_patches(graph, 60, None), transmissibility=0.3, realizations=30, seed=1
    )
    rand = expected_outbreak(
        graph,
        random_patches(graph, 60, np.random.default_rng(0)),
        transmissibility=0.3,
        realizations=30,
        seed=1,
    )
    assert hubs < 0.2 * none and rand > 0.7 * none
    assert expected_outbreak(graph, transmissibility=0.0) == pytest.approx(1 / 2000)
    assert expected_outbreak(graph, transmissibility=1.0, realizations=1) == pytest.approx(1.0)
    assert expected_outbreak(graph, transmissibility=0.3, realizations=30, seed=1) == none


def test_spectral_radius_known_graphs():
    assert spectral_radius(nx.complete_graph(5)) == pytest.approx(4.0)
    assert spectral_radius(nx.star_graph(9)) == pytest.approx(3.0)
    assert spectral_radius(nx.star_graph(9), patched=[0]) == 0.0


# -- drawing, determinism, bad input ---------------------------------------------------------------
@pytest.mark.parametrize("engine", [Contagion, ContagionArray])
def test_draw_state(engine):
    model = engine(rng=0, kind="SIR")
    model.run_for(5)
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "compromised" in ax.get_title()
    assert "recovered" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)


@pytest.mark.parametrize("engine", [Contagion, ContagionArray])
def test_same_seed_same_run(engine):
    a = run(engine, 20, rng=5, n_agents=100)
    b = run(engine, 20, rng=5, n_agents=100)
    c = run(engine, 20, rng=6, n_agents=100)
    assert a.equals(b) and not a.equals(c)


def test_numpy_numbers_are_accepted():
    model = Contagion(
        rng=np.int64(2), n_agents=np.int64(60), beta=np.float64(0.2), mean_degree=np.int64(4)
    )
    assert model.n_agents == 60
    curve = prevalence_curve(
        np.array([0.2]),
        n=np.int64(500),
        steps=np.int64(20),
        window=np.int64(10),
        seeds=[np.int64(0)],
    )
    assert len(curve) == 1


def policy_returning(value):
    def policy(graph, budget, rng):
        return value

    return policy


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"mean_degree": 5}, ValueError, "'mean_degree'.*even"),
        ({"topology": "ring"}, ValueError, "'topology'"),
        ({"beta": 1.5}, ValueError, "'beta'"),
        ({"n_agents": 20, "patch_budget": 18}, ValueError, "'patch_budget'"),
        ({"n_agents": 20, "initial_infected": 30}, ValueError, "'initial_infected'"),
        ({"topology": "random", "n_agents": 10, "mean_degree": 12}, ValueError, "'mean_degree'"),
        ({"patch_policy": "hubs", "patch_budget": 3}, TypeError, "'patch_policy'"),
        (
            {"patch_policy": policy_returning([1, 1, 2]), "patch_budget": 3},
            ValueError,
            "patch policy 'policy'.*distinct",
        ),
        ({"patch_policy": policy_returning("abc"), "patch_budget": 3}, ValueError, "patch policy"),
        ({"patch_policy": policy_returning([1, 2]), "patch_budget": 3}, ValueError, "3 distinct"),
        ({"initial": [0, 999]}, ValueError, "'initial'"),
        ({"initial": 5}, TypeError, "'initial'"),
        ({"graph": nx.DiGraph([(0, 1), (1, 2)])}, TypeError, "'graph'"),
        ({"graph": nx.path_graph(10), "n_agents": 12}, ValueError, "'n_agents'"),
        ({"n_agents": 30_000}, ValueError, "'n_agents'.*20,000"),
        ({"kind": "SEIR"}, ValueError, "'kind'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        Contagion(rng=0, **kwargs)


def test_initial_cannot_include_patched_agents():
    with pytest.raises(ValueError, match="'initial' includes patched"):
        ContagionArray(
            rng=0,
            patch_budget=5,
            patch_strategy="hubs",
            initial=hub_patches(
                to_networkx(150, build_edges("scale-free", 150, 4, np.random.default_rng(0))),
                5,
                None,
            ),
        )


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: prevalence_curve([], n=100), ValueError, "'lambdas'"),
        (lambda: prevalence_curve([2.0], n=100, mu=1.0), ValueError, "'lambdas'"),
        (lambda: prevalence_curve([0.1], n=100, steps=10, window=20), ValueError, "'window'"),
        (lambda: prevalence_curve([0.1], n=100, seeds=[]), ValueError, "'seeds'"),
        (lambda: prevalence_curve([0.1], n=100, topology="grid"), ValueError, "'topology'"),
        (lambda: prevalence_curve([0.1] * 100, n=1_000_000), ValueError, "GB"),
        (lambda: patching_effect([0, 200], n=100), ValueError, "'budgets'"),
        (lambda: patching_effect([5], n=100, strategies=("central",)), ValueError, "'strategies'"),
        (lambda: expected_outbreak(nx.path_graph(5), [9]), ValueError, "'patched'"),
        (
            lambda: expected_outbreak(nx.path_graph(5), transmissibility=2),
            ValueError,
            "'transmissibility'",
        ),
        (lambda: expected_outbreak("graph"), TypeError, "'graph'"),
        (lambda: graph_edges("scale-free", 100, 3, 0), ValueError, "'mean_degree'.*even"),
        (lambda: ContagionArray(n_agents=2_000_000, mean_degree=40), ValueError, "GB"),
    ],
)
def test_sweep_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


# -- every exported helper driven with bad numbers (the rules of tests/test_bad_input.py) ----------
from test_cascades import drive_helper  # noqa: E402

SMALL = nx.convert_node_labels_to_integers(nx.barabasi_albert_graph(60, 2, seed=1))
HELPER_CALLS = {
    "infection_table": (infection_table, lambda: ((0.1, 5), {})),
    "random_patches": (random_patches, lambda: ((SMALL, 5, 0), {})),
    "hub_patches": (hub_patches, lambda: ((SMALL, 5, None), {})),
    "graph_edges": (graph_edges, lambda: (("scale-free", 200, 4, 1), {})),
    "prevalence_curve": (
        prevalence_curve,
        lambda: (
            ([0.1, 0.3],),
            {
                "topology": "random",
                "n": 300,
                "mean_degree": 4,
                "mu": 0.5,
                "steps": 20,
                "window": 10,
                "initial_share": 0.3,
                "seeds": (0,),
            },
        ),
    ),
    "patching_effect": (
        patching_effect,
        lambda: (
            ([0, 10],),
            {
                "spreading_rate": 0.3,
                "n": 300,
                "mean_degree": 4,
                "mu": 1.0,
                "steps": 20,
                "window": 10,
                "initial_share": 0.5,
            },
        ),
    ),
    "expected_outbreak": (
        expected_outbreak,
        lambda: ((SMALL, [0, 1]), {"transmissibility": 0.4, "realizations": 5, "seed": 2}),
    ),
    "spectral_radius": (spectral_radius, lambda: ((SMALL, [0, 1]), {})),
}


@pytest.mark.parametrize("name", sorted(HELPER_CALLS))
def test_helpers_give_a_clear_error_or_a_valid_result(name):
    problems = drive_helper(name, *HELPER_CALLS[name])
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)

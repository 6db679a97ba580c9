"""Watts's (2002) global cascades: the Mesa model, the sparse-array engine, the cascade
window at the published network size (N = 10,000, phi = 0.18), and bad input."""

import math

import matplotlib
import networkx as nx
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mesa_models import run  # noqa: E402
from mesa_models.networks import (  # noqa: E402
    GLOBAL_CASCADE,
    WattsCascade,
    WattsCascadeArray,
    cascade_condition,
    cascade_frequency,
    cascade_sizes,
    csr_arrays,
    final_adopters,
    random_edges,
    theoretical_window,
    watts_rule,
)


# -- the rule ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "n_adopted, degree, phi, expected",
    [
        (1, 5, 0.18, True),
        (1, 6, 0.18, False),
        (1, 5, 0.2, True),
        (3, 10, 0.3, True),
        (2, 11, 0.18, True),
        (0, 4, 0.18, False),
        (0, 0, 0.18, False),
        (1, 1, 1.0, True),
    ],
)
def test_watts_rule(n_adopted, degree, phi, expected):
    assert watts_rule(n_adopted, degree, phi) is expected


# -- the two engines agree ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "seed, z, phi, n_seeds",
    [(0, 3.0, 0.18, 1), (1, 2.0, 0.18, 1), (2, 5.0, 0.15, 3), (3, 4.0, 0.25, 2)],
)
def test_mesa_and_array_engines_agree_step_by_step(seed, z, phi, n_seeds):
    mesa_model = WattsCascade(rng=seed, n_agents=300, mean_degree=z, phi=phi, n_seeds=n_seeds)
    array_model = WattsCascadeArray(rng=seed, n_agents=300, mean_degree=z, phi=phi, n_seeds=n_seeds)
    assert np.array_equal(mesa_model.seed_nodes, array_model.seed_nodes)
    assert {tuple(sorted(e)) for e in mesa_model.graph.edges} == {
        tuple(sorted(e)) for e in array_model.edges.tolist()
    }
    for step in range(30):
        mesa_model.step()
        array_model.step()
        assert np.array_equal(mesa_model.adopted_array(), array_model.adopted), (
            f"seed {seed}: states differ at step {step + 1}"
        )
    frames = [m.datacollector.get_model_vars_dataframe() for m in (mesa_model, array_model)]
    assert frames[0]["adopted"].tolist() == pytest.approx(frames[1]["adopted"].tolist())


def test_engines_agree_on_a_given_graph_and_seed():
    graph = nx.convert_node_labels_to_integers(nx.random_regular_graph(4, 200, seed=5))
    a = WattsCascade(graph=graph, seed_nodes=[0, 1], phi=0.25, rng=0)
    b = WattsCascadeArray(graph=graph, seed_nodes=[0, 1], phi=0.25, rng=0)
    a.run_for(15)
    b.run_for(15)
    assert np.array_equal(a.adopted_array(), b.adopted)
    assert a.n_agents == 200 and a.mean_degree == 4.0


@pytest.mark.parametrize("seed", range(4))
def test_frontier_cascade_equals_the_synchronous_model(seed):
    # Adoption only grows, so the end state does not depend on the update order.
    model = WattsCascadeArray(rng=seed, n_agents=2000, mean_degree=3.5)
    model.run_to_end()
    indptr, indices = csr_arrays(2000, model.edges)
    assert np.array_equal(final_adopters(indptr, indices, 0.18, model.seed_nodes), model.adopted)


def test_a_cascade_spreads_and_stops():
    model = WattsCascade(rng=0, n_agents=150, mean_degree=3.0)
    frame = run(model, 30)
    assert frame["adopted"].iloc[-1] > 0.5 and model.finished
    assert frame["adopted"].is_monotonic_increasing
    assert frame["new_adopters"].iloc[1:].sum() == pytest.approx(
        frame["adopted"].iloc[-1] - frame["adopted"].iloc[0]
    )


# -- theory ------------------------------------------------------------------------------------
def test_cascade_condition_window_for_phi_018():
    lower, upper = theoretical_window(0.18)
    assert lower == pytest.approx(1.0, abs=0.05)
    assert upper == pytest.approx(5.76, abs=0.01)
    assert cascade_condition(3.0, 0.18) > 0 > cascade_condition(7.0, 0.18)
    assert cascade_condition(0.5, 0.18) < 0
    assert theoretical_window(0.9) is None or theoretical_window(0.9)[1] < 1.5


# -- the published result: Watts (2002), Figs. 1 and 2a, at N = 10,000 --------------------------
@pytest.mark.parametrize("seed", [0, 1])
def test_cascade_window_at_published_size(seed):
    frame = cascade_frequency(
        [0.5, 2.0, 4.0, 5.5, 7.0, 9.0], phi=0.18, n=10_000, realizations=60, seed=seed
    ).set_index("z")
    freq = frame["frequency"]
    assert freq[0.5] == 0 and freq[7.0] == 0 and freq[9.0] == 0  # outside the window: none
    assert freq[2.0] > 0.4 and freq[4.0] > 0.4  # inside: frequent
    assert freq[5.5] > 0  # near the upper edge: still some
    assert frame.loc[5.5, "mean_global_size"] > 0.95  # ... and those cover almost everyone
    assert frame.loc[2.0, "mean_global_size"] < 0.9  # near the lower edge: limited by connectivity


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_near_the_upper_edge_cascades_are_rare_but_nearly_total(seed):
    sizes = cascade_sizes(6.0, phi=0.18, n=10_000, realizations=100, seed=seed)
    big = sizes[sizes >= GLOBAL_CASCADE]
    assert 0 < big.size <= 25
    assert big.min() > 0.95
    # Bimodal: nothing in between, so the cut-off of the definition does not matter.
    assert ((sizes > 0.02) & (sizes < 0.95)).sum() == 0


def test_definition_cut_off_does_not_matter_inside_the_window():
    for cut in (0.02, 0.9):
        a = cascade_frequency([3.0, 5.0], n=10_000, realizations=40, seed=4, global_share=cut)[
            "frequency"
        ].tolist()
        b = cascade_frequency([3.0, 5.0], n=10_000, realizations=40, seed=4)["frequency"].tolist()
        assert a == b


def test_sweep_is_independent_of_call_order():
    together = cascade_frequency([2.0, 3.0], n=500, realizations=20, seed=9)["frequency"].tolist()
    apart = [
        cascade_frequency([z], n=500, realizations=20, seed=9)["frequency"].iloc[0]
        for z in (3.0, 2.0)
    ][::-1]
    assert together == apart
    assert (
        cascade_frequency(2.0, n=500, realizations=20, seed=9)["frequency"].iloc[0] == together[0]
    )


# -- graphs --------------------------------------------------------------------------------------
def test_random_graph_has_the_mean_degree_and_no_repeats():
    edges = random_edges(5000, 4.0, np.random.default_rng(0))
    assert 2 * len(edges) / 5000 == pytest.approx(4.0, rel=0.05)
    assert (edges[:, 0] < edges[:, 1]).all()
    assert len({tuple(e) for e in edges.tolist()}) == len(edges)


# -- extension points, drawing, determinism --------------------------------------------------------
def test_adoption_rule_is_injectable():
    def never(n_adopted, degree, phi):
        return False

    model = WattsCascade(rng=0, adoption_rule=never)
    model.run_for(5)
    assert model.adopted_share() == pytest.approx(1 / 150)


def test_bad_rule_result_names_the_rule():
    def fraction(n_adopted, degree, phi):
        return n_adopted / max(degree, 1)

    model = WattsCascade(rng=0, adoption_rule=fraction)
    with pytest.raises(ValueError, match="fraction.*True or False"):
        model.step()


def test_draw_state_shows_the_four_states():
    model = WattsCascade(rng=0, n_agents=100, mean_degree=3)
    model.step()
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "adopted" in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()][2:] == ["adopted", "just adopted"]
    plt.close(fig)
    big = WattsCascadeArray(rng=0, n_agents=3000)
    fig, ax = plt.subplots()
    big.draw_state(ax)
    plt.close(fig)


@pytest.mark.parametrize("engine", [WattsCascade, WattsCascadeArray])
def test_same_seed_same_run(engine):
    a = run(engine, 10, rng=11, n_agents=200, mean_degree=2.5)
    b = run(engine, 10, rng=11, n_agents=200, mean_degree=2.5)
    c = run(engine, 10, rng=12, n_agents=200, mean_degree=2.5)
    assert a.equals(b) and not a.equals(c)


def test_numpy_numbers_are_accepted():
    model = WattsCascade(
        rng=np.int64(1), n_agents=np.int64(80), mean_degree=np.float64(2.5), phi=np.float64(0.2)
    )
    assert model.n_agents == 80 and isinstance(model.n_agents, int)
    frame = cascade_frequency(
        np.array([2.0]),
        phi=np.float64(0.18),
        n=np.int64(300),
        realizations=np.int64(5),
        seed=np.int64(0),
    )
    assert len(frame) == 1


# -- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"phi": 0}, ValueError, "'phi'"),
        ({"mean_degree": -1}, ValueError, "'mean_degree'"),
        ({"n_agents": 10, "mean_degree": 12}, ValueError, "'mean_degree'.*n_agents - 1"),
        ({"n_agents": 10, "n_seeds": 11}, ValueError, "'n_seeds'"),
        ({"n_agents": 50_000}, ValueError, "'n_agents'.*20,000"),
        ({"adoption_rule": 3}, TypeError, "'adoption_rule'"),
        ({"graph": "ring"}, TypeError, "'graph'"),
        ({"graph": nx.path_graph(["a", "b", "c"])}, ValueError, "'graph'"),
        ({"graph": nx.path_graph(5), "n_agents": 7}, ValueError, "'n_agents'.*5 nodes"),
        ({"seed_nodes": [500]}, ValueError, "'seed_nodes'"),
        ({"seed_nodes": "0"}, TypeError, "'seed_nodes'"),
        ({"seed_nodes": []}, ValueError, "'seed_nodes'"),
        ({"phi": "low"}, TypeError, "'phi'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        WattsCascade(rng=0, **kwargs)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: cascade_frequency([], n=100), ValueError, "'z_values'"),
        (lambda: cascade_frequency([2.0], n=100, realizations=0), ValueError, "'realizations'"),
        (lambda: cascade_frequency([2.0], n=100, realizations=2.5), TypeError, "'realizations'"),
        (lambda: cascade_frequency([200.0], n=100), ValueError, "mean degree"),
        (lambda: cascade_frequency([2.0], n=100, phi=1.5), ValueError, "'phi'"),
        (lambda: cascade_frequency([2.0], n=100, global_share=0), ValueError, "'global_share'"),
        (lambda: cascade_frequency([20.0], n=10_000_000), ValueError, "GB"),
        (lambda: WattsCascadeArray(n_agents=1_000_000, mean_degree=60.0), ValueError, "GB"),
        (lambda: cascade_condition(-1, 0.18), ValueError, "'z'"),
    ],
)
def test_sweep_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_mean_global_size_is_nan_without_global_cascades():
    frame = cascade_frequency([0.3], n=300, realizations=5, seed=0)
    assert frame["frequency"].iloc[0] == 0 and math.isnan(frame["mean_global_size"].iloc[0])


# -- every exported helper driven with bad numbers (the rules of tests/test_bad_input.py) ----------
from test_bad_input import _same_result, bad_values, numeric_slots, time_limit  # noqa: E402

from mesa_models.networks import (  # noqa: E402
    adjacency,
    build_edges,
    network_layout,
    scale_free_edges,
    to_networkx,
)

EDGES = np.array([[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]])
HELPER_CALLS = {
    "watts_rule": (watts_rule, lambda: ((1, 5, 0.18), {})),
    "cascade_condition": (cascade_condition, lambda: ((3.0, 0.18), {})),
    "theoretical_window": (theoretical_window, lambda: ((0.18,), {"z_max": 20.0})),
    "cascade_sizes": (
        cascade_sizes,
        lambda: ((3.0,), {"phi": 0.18, "n": 200, "realizations": 3, "seed": 1}),
    ),
    "cascade_frequency": (
        cascade_frequency,
        lambda: (
            ([2.0, 3.0],),
            {"phi": 0.18, "n": 200, "realizations": 3, "seed": 1, "global_share": 0.1},
        ),
    ),
    "final_adopters": (final_adopters, lambda: ((*csr_arrays(4, EDGES), 0.3, [0]), {})),
    "random_edges": (random_edges, lambda: ((100, 3.0, 0), {})),
    "scale_free_edges": (scale_free_edges, lambda: ((100, 2, 0), {})),
    "build_edges": (build_edges, lambda: (("scale-free", 100, 4, 0), {})),
    "csr_arrays": (csr_arrays, lambda: ((4, EDGES), {})),
    "adjacency": (adjacency, lambda: ((4, EDGES), {})),
    "to_networkx": (to_networkx, lambda: ((4, EDGES), {})),
    "network_layout": (network_layout, lambda: ((nx.path_graph(5),), {})),
}


def same_result(a, b):
    if isinstance(a, nx.Graph):  # networkx graphs compare by identity
        return set(a.nodes) == set(b.nodes) and {frozenset(e) for e in a.edges} == {
            frozenset(e) for e in b.edges
        }
    if hasattr(a, "toarray"):  # sparse matrices
        return (a != b).nnz == 0
    return _same_result(a, b)


def drive_helper(name, func, make):
    """Drive each number argument of one valid call with bad values (as tests/test_bad_input.py
    does): each must give a clear error naming the parameter, or a valid result; NumPy
    scalars of the valid value must give the same result. Returns the problems found."""
    args, kwargs = make()
    reference = func(*args, **kwargs)
    problems = []
    for param, valid, rebuild in numeric_slots(args, kwargs, func):
        for bad in bad_values(valid):
            call_args, call_kwargs = rebuild(bad)
            try:
                with time_limit(5, f"{name}({param}={bad!r})"):
                    func(*call_args, **call_kwargs)
            except (TypeError, ValueError) as error:
                if f"'{param}'" not in str(error):
                    problems.append(
                        f"{param}={bad!r}: {type(error).__name__} does not name {param!r}: {error}"
                    )
            except Exception as error:  # noqa: BLE001 - the point of the test
                problems.append(f"{param}={bad!r}: raw {type(error).__name__}: {str(error)[:120]}")
        kind = np.int64 if isinstance(valid, int) else np.float64
        call_args, call_kwargs = rebuild(kind(valid))
        if not same_result(func(*call_args, **call_kwargs), reference):
            problems.append(f"{param}={kind.__name__}({valid}) gives a different result")
    return problems


@pytest.mark.parametrize("name", sorted(HELPER_CALLS))
def test_helpers_give_a_clear_error_or_a_valid_result(name):
    problems = drive_helper(name, *HELPER_CALLS[name])
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)

"""DeGroot (1974): repeated averaging reaches a consensus equal to the left-eigenvector
(centrality) weighted average of the initial opinions -- tested to numerical precision."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pytest

from mesa_models import run
from mesa_models.emergence.consensus import (
    NETWORKS,
    DeGrootModel,
    Opinionated,
    consensus_weights,
    degroot_limit,
    trust_matrix,
)


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_consensus_equals_the_centrality_weighted_average(network, seed):
    model = DeGrootModel(rng=seed, network=network, n_agents=30, self_weight=0.3)
    model.run_for(3000 if network == "ring" else 600)
    opinions = model.opinions()
    assert np.abs(opinions - model.predicted).max() < 1e-10, network
    assert model.predicted == pytest.approx(float(model.weights @ model.initial), abs=1e-15)


def test_weights_are_proportional_to_degree_for_equal_splitting():
    graph = nx.barabasi_albert_graph(40, 2, seed=5)
    pi = consensus_weights(trust_matrix(graph, 0.2))
    degrees = np.array([graph.degree(i) for i in range(40)])
    assert pi == pytest.approx(degrees / degrees.sum(), abs=1e-12)
    assert pi @ trust_matrix(graph, 0.2) == pytest.approx(pi, abs=1e-14)


def test_a_central_agent_sets_the_answer_not_the_mean():
    for seed in range(3):
        model = DeGrootModel(rng=seed, network="star", n_agents=21, hub_opinion=1.0)
        model.run_for(200)
        assert model.weights[model.hub] == pytest.approx(0.5)
        assert model.opinions()[0] == pytest.approx(
            0.5 + 0.5 * np.mean(model.initial[1:]), abs=1e-12
        )
        assert abs(model.opinions().mean() - model.initial.mean()) > 0.15


def test_a_directed_trust_matrix():
    trust = np.array([[0.2, 0.8, 0.0], [0.0, 0.5, 0.5], [0.9, 0.0, 0.1]])
    initial = np.array([1.0, 0.0, 0.5])
    model = DeGrootModel(rng=0, n_agents=3, trust=trust, initial=initial)
    model.run_for(500)
    assert model.opinions() == pytest.approx(np.full(3, degroot_limit(trust, initial)), abs=1e-12)
    pi = consensus_weights(trust)
    assert pi.sum() == pytest.approx(1.0) and (pi > 0).all()


def test_disconnected_trust_has_no_single_consensus():
    trust = np.eye(4)
    with pytest.raises(ValueError, match="strongly connected"):
        consensus_weights(trust)
    model = DeGrootModel(rng=0, n_agents=4, trust=trust)
    assert np.isnan(model.predicted)
    model.run_for(3)
    assert model.opinions() == pytest.approx(model.initial)


def test_stubborn_agents_by_subclassing():
    class Stubborn(Opinionated):
        def next_opinion(self):
            return self.opinion if self.index == 0 else super().next_opinion()

    class StubbornModel(DeGrootModel):
        agent_class = Stubborn

    model = StubbornModel(rng=1, network="complete", n_agents=10, initial=np.linspace(0, 1, 10))
    model.run_for(300)
    assert model.opinions() == pytest.approx(
        np.zeros(10), abs=1e-9
    )  # everyone ends where the stubborn one started


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"trust": np.ones((3, 3))}, ValueError, "'trust'.*row-stochastic"),
        ({"trust": -np.eye(3), "n_agents": 3}, ValueError, "'trust'.*non-negative"),
        ({"trust": np.eye(3), "n_agents": 4}, ValueError, "'trust'.*shape"),
        ({"initial": [0.1, 0.2]}, ValueError, "'initial'"),
        ({"graph": nx.path_graph(3), "n_agents": 4}, ValueError, "'graph'"),
        ({"graph": nx.DiGraph([(0, 1)]), "n_agents": 2}, TypeError, "'graph'"),
        ({"network": "ring", "n_agents": 2}, ValueError, "'n_agents' got 2"),
        ({"self_weight": 1.0}, ValueError, "'self_weight' got 1.0"),
        ({"network": "tree"}, ValueError, "'network' got 'tree'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        DeGrootModel(rng=0, **kwargs)


def test_helpers_validate():
    with pytest.raises(ValueError, match="'initial'"):
        degroot_limit(np.eye(2) * 0.5 + 0.25, [1, 2, 3])
    with pytest.raises(ValueError, match="'trust'"):
        consensus_weights([[0.5, 0.6], [0.5, 0.5]])


def test_numpy_scalars_and_same_seed_same_run():
    model = DeGrootModel(rng=2, n_agents=np.int64(12), self_weight=np.float64(0.4))
    assert model.n_agents == 12
    a, b, c = (run(DeGrootModel, 5, rng=s) for s in (4, 4, 5))
    assert a.equals(b) and not a.equals(c)


def test_draw_state():
    model = DeGrootModel(rng=0)
    model.step()
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "opinions" in ax.get_title()
    plt.close(fig)

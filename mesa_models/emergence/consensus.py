"""Imitation on a network: DeGroot consensus, weighted by centrality (Unit 09, Emergent agency).

DeGroot, M. H. (1974), "Reaching a consensus", *Journal of the American Statistical
Association* 69(345):118-121, doi:10.1080/01621459.1974.10480137. Each agent holds an
opinion (a number: an estimate, a score, an answer's confidence) and, every step, replaces
it by a weighted average of the opinions it reads, its own included:

    x(t + 1) = T x(t)

where ``T`` is the row-stochastic **trust matrix** (row i: how much agent i weighs each
agent). Nobody aims at any particular answer; everybody just imitates. DeGroot's theorem:
if some power of ``T`` has all entries positive (the trust network is strongly connected
and aperiodic), all opinions converge to the same value

    x* = pi . x(0),   where pi T = pi and sum(pi) = 1,

the average of the *initial* opinions weighted by the left eigenvector of ``T`` for
eigenvalue 1 -- a measure of network centrality. The consensus is whatever the central
agents happened to believe at the start; it is not the mean of the group, and nobody chose
it. Golub & Jackson (2010, *AEJ: Microeconomics* 2(1):112-149) draw the consequence for
"wisdom of crowds": a group whose centrality is concentrated in a few agents does not
average out their errors.

Default trust: each agent keeps weight ``self_weight`` on its own opinion and splits the
rest equally over its neighbours on an undirected network; then ``pi`` is proportional to
degree (see :func:`consensus_weights`). Initial opinions are uniform on 0..1 unless
``initial=`` is given; ``hub_opinion`` (if not negative) overrides the initial opinion of
the best-connected agent, to show one central agent setting the group's answer.

Extension points: ``trust=`` (your own row-stochastic matrix, ``n_agents`` x ``n_agents``),
``graph=`` (a networkx Graph with nodes ``0..n_agents-1``), ``initial=``; or subclass
:class:`Opinionated` and override :meth:`Opinionated.next_opinion` (e.g. a stubborn agent).
"""

from __future__ import annotations

from typing import Any, ClassVar

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from mesa.discrete_space import FixedAgent, Network

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS

__all__ = [
    "DeGrootModel",
    "Opinionated",
    "consensus_weights",
    "degroot_limit",
    "trust_matrix",
]

NETWORKS = ("scale-free", "small world", "star", "ring", "complete")


def _check_trust(trust: Any, owner: str) -> np.ndarray:
    matrix = (
        np.asarray(trust, dtype=float) if not isinstance(trust, np.ndarray) else trust.astype(float)
    )
    require(
        matrix.ndim == 2 and matrix.shape[0] == matrix.shape[1] and matrix.shape[0] >= 1,
        "trust",
        f"shape {matrix.shape}",
        "a square matrix",
        owner,
    )
    require(
        bool(np.isfinite(matrix).all()) and bool((matrix >= 0).all()),
        "trust",
        "a matrix with negative or non-finite entries",
        "non-negative finite weights",
        owner,
    )
    sums = matrix.sum(axis=1)
    require(
        bool(np.allclose(sums, 1.0, atol=1e-9)),
        "trust",
        f"row sums {np.round(sums[:4], 4).tolist()}...",
        "rows that each sum to 1 (row-stochastic)",
        owner,
    )
    return matrix


def consensus_weights(trust: Any) -> np.ndarray:
    """DeGroot's consensus weights: the left eigenvector ``pi`` of the trust matrix for
    eigenvalue 1, normalised to sum to 1 (the stationary distribution of ``T``).

    Raises ``ValueError`` when ``T`` is not row-stochastic or has no unique such vector
    (a trust network that is not strongly connected)."""
    matrix = _check_trust(trust, "consensus_weights")
    values, vectors = np.linalg.eig(matrix.T)
    close = np.where(np.abs(values - 1.0) < 1e-8)[0]
    require(
        len(close) == 1,
        "trust",
        f"a matrix with {len(close)} eigenvalues equal to 1",
        "a strongly connected trust network (exactly one eigenvalue 1)",
        "consensus_weights",
    )
    pi = np.real(vectors[:, close[0]])
    pi = pi / pi.sum()
    return pi


def degroot_limit(trust: Any, initial: Any) -> float:
    """The consensus DeGroot's theorem predicts: ``consensus_weights(trust) . initial``."""
    pi = consensus_weights(trust)
    x0 = np.asarray(initial, dtype=float)
    require(
        x0.shape == pi.shape,
        "initial",
        f"shape {x0.shape}",
        f"one opinion per agent, shape {pi.shape}",
        "degroot_limit",
    )
    return float(pi @ x0)


@validate_arguments(
    self_weight=Param(
        "self_weight", 0.3, "weight each agent keeps on its own opinion", "weight", low=0, high=1
    )
)
def trust_matrix(graph: nx.Graph, self_weight: float) -> np.ndarray:
    """Keep ``self_weight`` on yourself, split the rest equally over your neighbours."""
    n = graph.number_of_nodes()
    matrix = np.zeros((n, n))
    for i in range(n):
        neighbours = sorted(graph.neighbors(i))
        matrix[i, i] = self_weight if neighbours else 1.0
        for j in neighbours:
            matrix[i, j] += (1 - self_weight) / len(neighbours)
    return matrix


class Opinionated(FixedAgent):
    """An agent that repeatedly averages the opinions it trusts."""

    def __init__(self, model: DeGrootModel, cell, opinion: float) -> None:
        super().__init__(model)
        self.cell = cell
        self.index = cell.coordinate
        self.opinion = opinion
        self.next = opinion

    def next_opinion(self) -> float:
        """DeGroot's rule: the trust-weighted average of everybody's current opinion."""
        row = self.model.trust[self.index]
        return float(row @ self.model.snapshot)

    def decide(self) -> None:
        self.next = self.next_opinion()

    def adopt(self) -> None:
        self.opinion = self.next


DEGROOT_PARAMS = Params(
    Param("n_agents", 30, "agents on the network", "agents", low=2, high=2000),
    Param("network", "scale-free", "who reads whom (undirected)", choices=NETWORKS),
    Param(
        "self_weight",
        0.3,
        "weight each agent keeps on its own opinion",
        "weight",
        low=0,
        high=1,
        high_open=True,
        step=0.05,
    ),
    Param(
        "hub_opinion",
        -1.0,
        "initial opinion of the best-connected agent (negative: drawn like the others)",
        "opinion",
        low=-1,
        high=1,
        step=0.05,
    ),
)


class DeGrootModel(RiskModel):
    """DeGroot (1974) averaging on a network: the consensus is set by centrality."""

    params = DEGROOT_PARAMS
    reporters = {
        "mean": lambda m: float(m.opinions().mean()),
        "spread": lambda m: float(np.ptp(m.opinions())),
        "predicted": "predicted",
    }
    default_plots = ("mean", "spread")
    agent_class: ClassVar[type[Opinionated]] = Opinionated

    def __init__(
        self,
        *,
        trust: Any = None,
        graph: nx.Graph | None = None,
        initial: Any = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "DeGrootModel"
        self.graph = self._build_graph(graph, owner)
        if trust is None:
            self.trust = trust_matrix(self.graph, self.self_weight)
        else:
            self.trust = _check_trust(trust, owner).copy()
            require(
                self.trust.shape == (self.n_agents, self.n_agents),
                "trust",
                f"shape {self.trust.shape}",
                f"shape ({self.n_agents}, {self.n_agents}) for n_agents={self.n_agents}",
                owner,
            )
            pairs = [(i, j) for i, j in zip(*np.nonzero(self.trust)) if i != j]
            self.graph = nx.Graph(pairs)
            self.graph.add_nodes_from(range(self.n_agents))
        start = self.rng.random(self.n_agents)
        if initial is not None:
            start = np.asarray(initial, dtype=float)
            require(
                start.shape == (self.n_agents,) and bool(np.isfinite(start).all()),
                "initial",
                f"shape {start.shape}",
                f"{self.n_agents} finite opinions",
                owner,
            )
            start = start.copy()
        self.hub = max(range(self.n_agents), key=lambda i: (self.graph.degree(i), -i))
        if self.hub_opinion >= 0:
            start[self.hub] = self.hub_opinion
        self.initial = start.copy()
        self.space = Network(self.graph, layout=None, random=self.random)
        self.members = [
            self.agent_class(self, self.space[i], float(start[i])) for i in range(self.n_agents)
        ]
        try:
            self.weights = consensus_weights(self.trust)
            self.predicted = float(self.weights @ self.initial)
        except ValueError:  # not strongly connected: no single consensus
            self.weights, self.predicted = None, float("nan")
        self._layout = None
        self.snapshot = self.opinions()
        self.start_datacollector()

    def _build_graph(self, graph: nx.Graph | None, owner: str) -> nx.Graph:
        n = self.n_agents
        if graph is not None:
            if not isinstance(graph, nx.Graph) or graph.is_directed():
                raise TypeError(
                    f"{owner}: parameter 'graph' got {type(graph).__name__}; expected an undirected networkx Graph"
                )
            require(
                set(graph.nodes) == set(range(n)),
                "graph",
                f"nodes {sorted(graph.nodes)[:6]}...",
                f"nodes 0..{n - 1}",
                owner,
            )
            return nx.Graph(graph)
        seed = int(self.rng.integers(2**31))
        if self.network == "scale-free":
            require(n >= 3, "n_agents", n, "at least 3 for a scale-free network", owner)
            return nx.barabasi_albert_graph(n, 2 if n > 3 else 1, seed=seed)
        if self.network == "small world":
            require(n >= 5, "n_agents", n, "at least 5 for a small-world network", owner)
            return nx.connected_watts_strogatz_graph(n, 4, 0.1, seed=seed)
        if self.network == "star":
            return nx.star_graph(n - 1)
        if self.network == "ring":
            require(n >= 3, "n_agents", n, "at least 3 for a ring", owner)
            return nx.cycle_graph(n)
        return nx.complete_graph(n)

    def opinions(self) -> np.ndarray:
        """Current opinions, agent 0 first."""
        return np.array([a.opinion for a in self.members])

    def step(self) -> None:
        self.snapshot = self.opinions()  # everyone reads the same, pre-step opinions
        self.agents.do("decide")
        self.agents.do("adopt")
        self.datacollector.collect(self)

    def draw_state(self, ax: plt.Axes) -> None:
        if self._layout is None:
            self._layout = nx.spring_layout(self.graph, seed=1)
        colours = plt.get_cmap("viridis")(np.clip(self.opinions(), 0, 1))
        sizes = 20 + 300 * (
            self.weights / self.weights.max()
            if self.weights is not None
            else np.ones(self.n_agents) * 0.1
        )
        nx.draw_networkx_edges(
            self.graph, self._layout, ax=ax, edge_color=COLORS["grey"], alpha=0.4, width=0.6
        )
        nx.draw_networkx_nodes(
            self.graph, self._layout, node_color=colours, node_size=sizes, ax=ax, linewidths=0
        )
        ax.set_axis_off()
        ax.set_title(
            f"step {self.steps}: opinions {self.opinions().min():.2f} to {self.opinions().max():.2f}",
            fontsize=10,
        )

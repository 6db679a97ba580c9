"""Global cascades: one agent's error spreads, or does not, by a threshold rule (Unit 05).

Watts, D. J. (2002), "A simple model of global cascades on random networks", PNAS
99(9): 5766–5771, doi:10.1073/pnas.082090499. Agents sit on a uniform random graph with
mean degree z. Each holds a binary state (here: has it taken up a wrong belief or a bad
update?). An agent that has not adopted looks at its k neighbours and adopts once at
least a fraction ``phi`` of them has adopted (m / k >= phi); adoption is permanent, and
an agent without neighbours never adopts. One randomly chosen agent starts adopted.

An agent with k <= 1 / phi neighbours is *vulnerable*: a single adopting neighbour tips
it. A single seed can start a *global cascade* only while the vulnerable agents form a
connected cluster that spans the network. That happens inside a *cascade window* of mean
degree: too sparse (z < 1) and the network falls apart into small pieces; too dense and
almost every agent has more than 1 / phi neighbours and needs several adopting
neighbours, so the first step never happens. Watts (Figs. 1 and 2) finds the window
1 < z < ~6 for phi = 0.18, with global cascades that are rare but cover almost the whole
network near its upper edge.

A global cascade is, in Watts's definition, a cascade that occupies a finite fraction of
an infinite network; on a finite network we count a cascade as global when it reaches at
least :data:`GLOBAL_CASCADE` = 10 % of the agents (cascade sizes are bimodal, so the
exact cut-off barely matters; tests/test_cascades.py checks 1 % to 50 %).

Steps are synchronous: every agent looks at its neighbours' current states, then all
update at once. The final set of adopters does not depend on the update order (adoption
only ever grows), so this matches Watts's random asynchronous updating at the end of a
cascade. The NumPy engine :mod:`mesa_models.networks.cascades_fast` follows the same
rule step by step and runs the parameter sweeps.

Extension points: ``adoption_rule=`` (a function ``(n_adopted, degree, phi) -> bool``,
default :func:`watts_rule`), ``graph=`` (any networkx graph on nodes 0..n-1 instead of the
random one), ``seed_nodes=`` (which agents start adopted), or subclass :class:`Node` and
override :meth:`Node.decide`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from mesa.discrete_space import FixedAgent, Network

from mesa_models.base import RiskModel
from mesa_models.networks.graphs import (
    build_edges,
    check_edge_budget,
    draw_node_states,
    network_layout,
    to_networkx,
)
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS

__all__ = [
    "GLOBAL_CASCADE",
    "WATTS_PARAMS",
    "Node",
    "WattsCascade",
    "resolve_graph",
    "resolve_seeds",
    "watts_rule",
]

#: Share of the network a cascade must reach to count as global.
GLOBAL_CASCADE = 0.1

#: Parameters shared by the Mesa model and the NumPy engine (declared once).
WATTS_PARAMS = Params(
    Param(
        "n_agents",
        150,
        "agents (nodes of the network)",
        "agents",
        low=2,
        high=1_000_000,
        widget_max=400,
        step=10,
    ),
    Param(
        "mean_degree",
        3.0,
        "mean number of neighbours z of the random graph",
        "neighbours",
        low=0,
        high=100,
        widget_max=12,
        step=0.25,
    ),
    Param(
        "phi",
        0.18,
        "threshold: adopt once at least this fraction of neighbours has",
        "fraction",
        low=0,
        high=1,
        low_open=True,
        step=0.01,
    ),
    Param(
        "n_seeds",
        1,
        "agents that start adopted (the initial error)",
        "agents",
        low=1,
        high=1_000_000,
        widget_max=10,
    ),
)

_STATE_PALETTE = {
    0: (COLORS["grey"], "stable"),
    1: (COLORS["sky"], "vulnerable (k ≤ 1/φ)"),
    2: (COLORS["vermillion"], "adopted"),
    3: (COLORS["orange"], "just adopted"),
}


@validate_arguments(
    n_adopted=Param("n_adopted", 0, "neighbours that have adopted", "agents", low=0),
    degree=Param("degree", 0, "neighbours", "agents", low=0),
    phi=Param("phi", 0.18, "threshold", "fraction", low=0, high=1, low_open=True),
)
def watts_rule(n_adopted: int, degree: int, phi: float) -> bool:
    """Watts's threshold rule: adopt once at least a fraction ``phi`` of the ``degree``
    neighbours has adopted (``n_adopted / degree >= phi``); never without neighbours."""
    require(
        n_adopted <= degree, "n_adopted", n_adopted, f"at most degree = {degree}", "watts_rule()"
    )
    return degree > 0 and n_adopted / degree >= phi


def resolve_graph(
    model: RiskModel, graph: nx.Graph | None, passed: dict[str, Any], owner: str
) -> nx.Graph:
    """The model's network: ``graph`` if given (then n_agents and mean_degree are read from
    it), else a random graph drawn with the model's generator."""
    if graph is None:
        require(
            model.mean_degree <= model.n_agents - 1,
            "mean_degree",
            model.mean_degree,
            f"at most n_agents - 1 = {model.n_agents - 1}",
            owner,
        )
        check_edge_budget(model.n_agents, model.mean_degree, owner)
        return to_networkx(
            model.n_agents,
            build_edges("random", model.n_agents, model.mean_degree, model.rng, owner),
        )
    if not isinstance(graph, nx.Graph) or graph.is_directed():
        raise TypeError(
            f"{owner}: parameter 'graph' got {type(graph).__name__}; expected an undirected networkx.Graph"
        )
    n = graph.number_of_nodes()
    if set(graph.nodes) != set(range(n)):
        raise ValueError(
            f"{owner}: parameter 'graph' must have nodes 0..n-1 (use networkx.convert_node_labels_to_integers)"
        )
    if any(u == v for u, v in graph.edges):
        raise ValueError(f"{owner}: parameter 'graph' has self-loops; allowed: a simple graph")
    require(n >= 2, "graph", f"a graph of {n} node(s)", "a graph with at least 2 nodes", owner)
    if "n_agents" in passed and passed["n_agents"] != n:
        raise ValueError(
            f"{owner}: parameter 'n_agents' got {passed['n_agents']!r} but 'graph' has {n} nodes; allowed: leave n_agents out or pass {n}"
        )
    model.n_agents = model.param_values["n_agents"] = n
    model.mean_degree = model.param_values["mean_degree"] = 2 * graph.number_of_edges() / n
    return graph


def resolve_seeds(
    model: RiskModel,
    seed_nodes: Iterable[int] | None,
    count: int,
    owner: str,
    name: str = "seed_nodes",
) -> np.ndarray:
    """The agents that start adopted: ``seed_nodes`` if given, else ``count`` distinct agents
    drawn with the model's generator."""
    n = model.n_agents
    if seed_nodes is None:
        require(count <= n, "n_seeds", count, f"at most n_agents = {n}", owner)
        return np.sort(model.rng.choice(n, size=count, replace=False))
    if isinstance(seed_nodes, str | bytes) or not isinstance(seed_nodes, Iterable):
        raise TypeError(
            f"{owner}: parameter {name!r} got {seed_nodes!r}; expected a list of agent numbers"
        )
    nodes = list(seed_nodes)
    for node in nodes:
        if isinstance(node, bool) or not isinstance(node, numbers.Integral) or not 0 <= node < n:
            raise ValueError(
                f"{owner}: parameter {name!r} contains {node!r}; allowed: agent numbers 0..{n - 1}"
            )
    if not nodes:
        raise ValueError(
            f"{owner}: parameter {name!r} is empty; allowed: at least one agent number"
        )
    return np.unique(np.asarray(nodes, dtype=np.int64))


class Node(FixedAgent):
    """An agent on the network that adopts by a threshold rule and never goes back."""

    def __init__(self, model: WattsCascade, adopted: bool) -> None:
        super().__init__(model)
        self.adopted = adopted
        self.just_adopted = adopted
        self.next_adopted = adopted
        self._neighbours: list[Node] | None = None

    @property
    def neighbours(self) -> list[Node]:
        """The agents linked to this one (the network never changes, so remembered)."""
        if self._neighbours is None:
            self._neighbours = list(self.cell.neighborhood.agents)
        return self._neighbours

    @property
    def degree(self) -> int:
        return len(self.neighbours)

    def decide(self) -> None:
        """Look at the neighbours' current states and choose the next state."""
        if self.adopted:
            self.next_adopted = True
            return
        n_adopted = sum(1 for other in self.neighbours if other.adopted)
        rule = self.model.adoption_rule
        choice = rule(n_adopted, self.degree, self.model.phi)
        if not isinstance(choice, bool | np.bool_):
            name = getattr(rule, "__name__", repr(rule))
            raise ValueError(
                f"adoption rule {name!r} returned {choice!r} for n_adopted={n_adopted}, degree={self.degree}, "
                f"phi={self.model.phi}; allowed: True or False"
            )
        self.next_adopted = bool(choice)

    def update(self) -> None:
        self.just_adopted = self.next_adopted and not self.adopted
        self.adopted = self.next_adopted


class WattsCascade(RiskModel):
    """Watts's (2002) threshold cascade, one Mesa agent per node of a random network.

    Reporters: ``adopted`` (share of agents that have adopted) and ``new_adopters``
    (share that adopted in the last step). ``graph`` is the networkx graph,
    ``seed_nodes`` the agents that started adopted.
    """

    params = WATTS_PARAMS
    reporters = {
        "adopted": lambda m: m.adopted_share(),
        "new_adopters": lambda m: m.new_share(),
    }
    default_plots = ("adopted",)
    node_class: ClassVar[type[Node]] = Node

    def __init__(
        self,
        *,
        graph: nx.Graph | None = None,
        seed_nodes: Iterable[int] | None = None,
        adoption_rule: Callable[[int, int, float], bool] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "WattsCascade"
        if adoption_rule is not None and not callable(adoption_rule):
            raise TypeError(
                f"{owner}: parameter 'adoption_rule' got {adoption_rule!r}; expected a function (n_adopted, degree, phi) -> bool"
            )
        self.adoption_rule = adoption_rule or watts_rule
        if graph is None:
            require(
                self.n_agents <= 20_000,
                "n_agents",
                self.n_agents,
                "at most 20,000 for the Mesa model (use WattsCascadeArray or cascade_frequency for bigger networks)",
                owner,
            )
        self.graph = resolve_graph(self, graph, params, owner)
        require(
            self.n_agents <= 20_000,
            "graph",
            f"a graph of {self.n_agents} nodes",
            "at most 20,000 nodes for the Mesa model (use WattsCascadeArray for bigger networks)",
            owner,
        )
        self.seed_nodes = resolve_seeds(self, seed_nodes, self.n_seeds, owner)
        seeds = set(self.seed_nodes.tolist())
        self.space = Network(self.graph, layout=None, random=self.random)
        self.nodes: list[Node] = []
        for node in range(self.n_agents):
            agent = self.node_class(self, adopted=node in seeds)
            agent.cell = self.space[node]
            self.nodes.append(agent)
        self._layout: dict | None = None
        self.start_datacollector()

    def step(self) -> None:
        self.agents.do("decide")
        self.agents.do("update")
        self.datacollector.collect(self)

    # -- measuring -----------------------------------------------------------------
    def adopted_array(self) -> np.ndarray:
        """Who has adopted, as a boolean array indexed by node."""
        return np.array([node.adopted for node in self.nodes], dtype=bool)

    def adopted_share(self) -> float:
        return sum(node.adopted for node in self.nodes) / self.n_agents

    def new_share(self) -> float:
        return sum(node.just_adopted for node in self.nodes) / self.n_agents

    @property
    def finished(self) -> bool:
        """True once a step has passed in which nobody adopted (the cascade is over)."""
        return self.steps > 0 and not any(node.just_adopted for node in self.nodes)

    def vulnerable(self) -> np.ndarray:
        """Agents a single adopting neighbour tips (``phi <= 1 / degree``), by node."""
        return np.array(
            [node.degree > 0 and 1 / node.degree >= self.phi for node in self.nodes], dtype=bool
        )

    def draw_state(self, ax: plt.Axes) -> None:
        """The network: adopted agents vermillion (orange if they adopted in the last
        step), vulnerable agents sky blue, stable agents grey; seeds ringed."""
        if self._layout is None:
            self._layout = network_layout(self.graph)
        adopted = self.adopted_array()
        just = np.array([node.just_adopted for node in self.nodes], dtype=bool) & (self.steps > 0)
        codes = np.where(adopted, np.where(just, 3, 2), np.where(self.vulnerable(), 1, 0))
        draw_node_states(
            ax,
            self.graph,
            self._layout,
            codes,
            _STATE_PALETTE,
            highlight=self.seed_nodes.tolist(),
            title=f"{adopted.mean():.0%} adopted (z = {self.mean_degree:.2g}, φ = {self.phi:g})",
        )

"""Spreading compromise: SIS/SIR contagion among agents on a network (Unit 05).

A compromised agent (one that carries a poisoned memory, a jailbreak or a misinformed
belief) passes it on through each of its links with probability ``beta`` per step and is
*patched* (cleaned) with probability ``mu`` per step. In the SIS variant a patched agent
can be compromised again; in the SIR variant it stays immune. This is the classic
susceptible–infected–susceptible/removed model of epidemiology on a network.

Pastor-Satorras & Vespignani (2001), "Epidemic spreading in scale-free networks", Phys.
Rev. Lett. 86(14): 3200–3203, doi:10.1103/PhysRevLett.86.3200, showed that on networks
whose degrees vary little (random graphs) the infection survives only above an epidemic
threshold lambda_c of the spreading rate lambda = beta / mu, while on scale-free
(Barabási–Albert) networks of the same mean degree the threshold vanishes as the network
grows: hubs keep re-infecting each other, and the infection persists at any spreading
rate they simulated. Pastor-Satorras & Vespignani (2002), "Immunization of complex
networks", Phys. Rev. E 65: 036104, doi:10.1103/PhysRevE.65.036104, showed the cure:
patching the hubs restores a threshold, patching at random hardly helps.

Dynamics (synchronous, discrete time). At the start ``patch_budget`` agents are patched
for good (immune; ``patch_strategy`` picks them: ``"random"`` or ``"hubs"``, the most
connected) and ``initial_infected`` other agents are compromised. Every step the model
draws one uniform number u_i per agent from its generator; a susceptible agent with c
compromised neighbours becomes compromised if u_i < 1 - (1 - beta)^c (each link a
separate chance beta); a compromised agent is cleaned if u_i < mu. The NumPy engine
:mod:`mesa_models.networks.contagion_fast` draws the same numbers in the same order, so
both engines produce the same trajectory from the same seed (tests/test_contagion.py).

Extension points: ``patch_policy=`` (a function ``(graph, budget, rng) -> nodes`` that
chooses whom to patch; overrides ``patch_strategy``), ``graph=`` (any networkx graph on
nodes 0..n-1), ``initial=`` (which agents start compromised), or subclass :class:`Host`
and override :meth:`Host.decide`.
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
    TOPOLOGIES,
    build_edges,
    generator,
    check_edge_budget,
    draw_node_states,
    network_layout,
    to_networkx,
)
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS

__all__ = [
    "CONTAGION_PARAMS",
    "STATES",
    "Contagion",
    "Host",
    "choose_patches",
    "setup_contagion",
    "hub_patches",
    "infection_table",
    "random_patches",
]

#: Agent states: susceptible, compromised (infected), recovered (SIR only), patched.
STATES = ("S", "I", "R", "P")
_CODES = {"S": 0, "I": 1, "R": 2, "P": 3}
_PALETTE = {
    0: (COLORS["sky"], "susceptible"),
    1: (COLORS["vermillion"], "compromised"),
    2: (COLORS["green"], "recovered"),
    3: (COLORS["black"], "patched"),
}

#: Parameters shared by the Mesa model and the NumPy engine (declared once).
CONTAGION_PARAMS = Params(
    Param(
        "n_agents",
        150,
        "agents (nodes of the network)",
        "agents",
        low=3,
        high=2_000_000,
        widget_max=400,
        step=10,
    ),
    Param(
        "topology",
        "scale-free",
        "network: uniform random graph or scale-free (Barabási–Albert)",
        choices=TOPOLOGIES,
    ),
    Param(
        "mean_degree",
        4,
        "mean number of neighbours (scale-free: even; each newcomer links to half of it)",
        "neighbours",
        low=2,
        high=200,
        widget_max=12,
        step=2,
    ),
    Param(
        "beta",
        0.08,
        "chance per step that a compromised agent passes it through one link",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "mu",
        0.2,
        "chance per step that a compromised agent is cleaned",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "kind",
        "SIS",
        "SIS: cleaned agents can be compromised again; SIR: they stay immune",
        choices=("SIS", "SIR"),
    ),
    Param(
        "initial_infected",
        5,
        "agents compromised at the start",
        "agents",
        low=1,
        high=2_000_000,
        widget_max=20,
    ),
    Param(
        "patch_budget",
        0,
        "agents patched for good before the start",
        "agents",
        low=0,
        high=2_000_000,
        widget_max=40,
    ),
    Param(
        "patch_strategy",
        "random",
        "whom the patch budget protects: random agents or the hubs",
        choices=("random", "hubs"),
    ),
)


@validate_arguments(
    beta=CONTAGION_PARAMS["beta"],
    max_contacts=Param(
        "max_contacts",
        10,
        "largest number of compromised neighbours",
        "agents",
        low=0,
        high=10_000_000,
    ),
)
def infection_table(beta: float, max_contacts: int) -> np.ndarray:
    """Chance of being compromised with c = 0..max_contacts compromised neighbours,
    ``1 - (1 - beta)^c`` (both engines read it from this table, so they agree exactly)."""
    return 1.0 - (1.0 - beta) ** np.arange(max_contacts + 1, dtype=np.float64)


def _budget(graph: nx.Graph, budget: int, owner: str) -> int:
    if not hasattr(graph, "number_of_nodes"):
        raise TypeError(
            f"{owner}: parameter 'graph' got {type(graph).__name__}; expected a networkx.Graph"
        )
    n = graph.number_of_nodes()
    require(budget <= n, "budget", budget, f"at most the number of agents, {n}", owner)
    return budget


@validate_arguments(budget=Param("budget", 0, "agents to patch", "agents", low=0), rng=generator())
def random_patches(graph: nx.Graph, budget: int, rng: np.random.Generator) -> list[int]:
    """``budget`` agents chosen uniformly at random (a ``patch_policy``)."""
    _budget(graph, budget, "random_patches()")
    return sorted(int(v) for v in rng.choice(graph.number_of_nodes(), size=budget, replace=False))


@validate_arguments(budget=Param("budget", 0, "agents to patch", "agents", low=0))
def hub_patches(graph: nx.Graph, budget: int, rng: Any = None) -> list[int]:
    """The ``budget`` most connected agents, ties to the lower number (a ``patch_policy``;
    ``rng`` is not used)."""
    _budget(graph, budget, "hub_patches()")
    ranked = sorted(graph.nodes, key=lambda node: (-graph.degree(node), node))
    return sorted(int(v) for v in ranked[:budget])


def _check_patches(chosen: Any, budget: int, n: int, name: str, owner: str) -> np.ndarray:
    if isinstance(chosen, str | bytes) or not isinstance(chosen, Iterable):
        raise ValueError(
            f"{owner}: patch policy {name!r} returned {chosen!r}; allowed: a list of {budget} agent numbers"
        )
    nodes = list(chosen)
    bad = [
        v
        for v in nodes
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v < n
    ]
    if bad or len(set(nodes)) != len(nodes) or len(nodes) != budget:
        raise ValueError(
            f"{owner}: patch policy {name!r} returned {nodes[:8]!r}{'…' if len(nodes) > 8 else ''}; "
            f"allowed: {budget} distinct agent numbers in 0..{n - 1}"
        )
    return np.sort(np.asarray(nodes, dtype=np.int64))


def choose_patches(
    n: int,
    edges: np.ndarray,
    budget: int,
    strategy: str,
    rng: np.random.Generator,
    policy: Callable | None = None,
    graph: nx.Graph | None = None,
    owner: str = "",
) -> np.ndarray:
    """The agents to patch: ``policy(graph, budget, rng)`` if given (checked), else the
    named strategy (the same choices as :func:`random_patches` / :func:`hub_patches`)."""
    if budget == 0:
        return np.zeros(0, dtype=np.int64)
    if policy is not None:
        chosen = policy(graph if graph is not None else to_networkx(n, edges), budget, rng)
        return _check_patches(chosen, budget, n, getattr(policy, "__name__", repr(policy)), owner)
    if strategy == "random":
        return np.sort(rng.choice(n, size=budget, replace=False).astype(np.int64))
    degree = np.bincount(np.asarray(edges, dtype=np.int64).ravel(), minlength=n)
    return np.sort(np.lexsort((np.arange(n), -degree))[:budget].astype(np.int64))


def setup_contagion(
    model: RiskModel,
    graph: nx.Graph | None,
    initial: Iterable[int] | None,
    patch_policy: Callable | None,
    passed: dict[str, Any],
    owner: str,
) -> tuple[nx.Graph | None, np.ndarray, np.ndarray, np.ndarray]:
    """Shared start of both engines: the edge list (and the graph, if one was given), the
    patched agents and the initially compromised ones, drawn from the model's generator
    in a fixed order (graph, patches, initial infections)."""
    if patch_policy is not None and not callable(patch_policy):
        raise TypeError(
            f"{owner}: parameter 'patch_policy' got {patch_policy!r}; expected a function (graph, budget, rng) -> nodes"
        )
    if graph is None:
        check_edge_budget(model.n_agents, model.mean_degree, owner)
        edges = build_edges(model.topology, model.n_agents, model.mean_degree, model.rng, owner)
        net = None
    else:
        if not isinstance(graph, nx.Graph) or graph.is_directed():
            raise TypeError(
                f"{owner}: parameter 'graph' got {type(graph).__name__}; expected an undirected networkx.Graph"
            )
        n = graph.number_of_nodes()
        if set(graph.nodes) != set(range(n)) or n < 3:
            raise ValueError(
                f"{owner}: parameter 'graph' must have nodes 0..n-1 with n >= 3 (use networkx.convert_node_labels_to_integers)"
            )
        if any(u == v for u, v in graph.edges):
            raise ValueError(f"{owner}: parameter 'graph' has self-loops; allowed: a simple graph")
        if "n_agents" in passed and passed["n_agents"] != n:
            raise ValueError(
                f"{owner}: parameter 'n_agents' got {passed['n_agents']!r} but 'graph' has {n} nodes; "
                f"allowed: leave n_agents out or pass {n}"
            )
        model.n_agents = model.param_values["n_agents"] = n
        model.mean_degree = model.param_values["mean_degree"] = max(
            2, round(2 * graph.number_of_edges() / n)
        )
        edges = np.array(list(graph.edges), dtype=np.int64).reshape(-1, 2)
        net = graph
    n = model.n_agents
    require(
        model.initial_infected <= n,
        "initial_infected",
        model.initial_infected,
        f"at most n_agents = {n}",
        owner,
    )
    require(
        model.patch_budget + model.initial_infected <= n,
        "patch_budget",
        model.patch_budget,
        f"at most n_agents - initial_infected = {n - model.initial_infected}",
        owner,
    )
    patched = choose_patches(
        n, edges, model.patch_budget, model.patch_strategy, model.rng, patch_policy, net, owner
    )
    if initial is None:
        free = np.setdiff1d(np.arange(n), patched)
        infected = np.sort(model.rng.choice(free, size=model.initial_infected, replace=False))
    else:
        if isinstance(initial, str | bytes) or not isinstance(initial, Iterable):
            raise TypeError(
                f"{owner}: parameter 'initial' got {initial!r}; expected a list of agent numbers"
            )
        nodes = list(initial)
        bad = [
            v
            for v in nodes
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v < n
        ]
        if bad or not nodes:
            raise ValueError(
                f"{owner}: parameter 'initial' got {nodes[:8]!r}; allowed: one or more agent numbers in 0..{n - 1}"
            )
        infected = np.unique(np.asarray(nodes, dtype=np.int64))
        clash = np.intersect1d(infected, patched)
        if clash.size:
            raise ValueError(
                f"{owner}: parameter 'initial' includes patched agents {clash[:5].tolist()}; allowed: unpatched agents"
            )
        if "initial_infected" in passed and passed["initial_infected"] != infected.size:
            raise ValueError(
                f"{owner}: parameter 'initial_infected' got {passed['initial_infected']!r} "
                f"but 'initial' lists {infected.size} agents"
            )
        model.initial_infected = model.param_values["initial_infected"] = int(infected.size)
    return net, edges, patched, infected


class Host(FixedAgent):
    """An agent that can be compromised, cleaned and (in SIR) made immune."""

    def __init__(self, model: Contagion, node: int, state: str) -> None:
        super().__init__(model)
        self.node = node
        self.state = state
        self.next_state = state
        self._neighbours: list[Host] | None = None

    @property
    def neighbours(self) -> list[Host]:
        if self._neighbours is None:
            self._neighbours = list(self.cell.neighborhood.agents)
        return self._neighbours

    def decide(self) -> None:
        """Choose the next state from this step's random number ``self.model.draws``."""
        u = self.model.draws[self.node]
        if self.state == "S":
            contacts = sum(1 for other in self.neighbours if other.state == "I")
            self.next_state = "I" if u < self.model.infection_chance[contacts] else "S"
        elif self.state == "I":
            cleaned = "S" if self.model.kind == "SIS" else "R"
            self.next_state = cleaned if u < self.model.mu else "I"
        else:
            self.next_state = self.state

    def update(self) -> None:
        self.state = self.next_state


class Contagion(RiskModel):
    """SIS/SIR spread of a compromise on a random or scale-free network, one Mesa agent
    per node.

    Reporters: ``compromised`` (share of agents compromised now), ``ever_compromised``
    (share compromised at least once so far), ``patched`` (share patched for good).
    """

    params = CONTAGION_PARAMS
    reporters = {
        "compromised": lambda m: m.share("I"),
        "ever_compromised": lambda m: m.ever.mean(),
        "patched": lambda m: m.share("P"),
    }
    default_plots = ("compromised",)
    host_class: ClassVar[type[Host]] = Host

    def __init__(
        self,
        *,
        graph: nx.Graph | None = None,
        initial: Iterable[int] | None = None,
        patch_policy: Callable[[nx.Graph, int, np.random.Generator], Iterable[int]] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "Contagion"
        require(
            self.n_agents <= 20_000,
            "n_agents",
            self.n_agents,
            "at most 20,000 for the Mesa model (use ContagionArray for bigger networks)",
            owner,
        )
        net, edges, patched, infected = setup_contagion(
            self, graph, initial, patch_policy, params, owner
        )
        self.graph = net if net is not None else to_networkx(self.n_agents, edges)
        self.patched_nodes, self.initial_nodes = patched, infected
        self.space = Network(self.graph, layout=None, random=self.random)
        self.hosts: list[Host] = []
        patched_set, infected_set = set(patched.tolist()), set(infected.tolist())
        for node in range(self.n_agents):
            state = "P" if node in patched_set else "I" if node in infected_set else "S"
            host = self.host_class(self, node, state)
            host.cell = self.space[node]
            self.hosts.append(host)
        self.infection_chance = infection_table(
            self.beta, max(dict(self.graph.degree).values(), default=0)
        )
        self.ever = np.zeros(self.n_agents, dtype=bool)
        self.ever[infected] = True
        self.draws = np.zeros(self.n_agents)
        self._layout: dict | None = None
        self.start_datacollector()

    def step(self) -> None:
        self.draws = self.rng.random(self.n_agents)
        self.agents.do("decide")
        self.agents.do("update")
        self.ever |= self.states() == "I"
        self.datacollector.collect(self)

    def states(self) -> np.ndarray:
        """Every agent's state ('S', 'I', 'R' or 'P'), by node."""
        return np.array([host.state for host in self.hosts])

    def share(self, state: str) -> float:
        return sum(host.state == state for host in self.hosts) / self.n_agents

    def draw_state(self, ax: plt.Axes) -> None:
        """The network: compromised agents vermillion, susceptible sky blue, recovered
        green, patched black."""
        if self._layout is None:
            self._layout = network_layout(self.graph)
        codes = [_CODES[state] for state in self.states()]
        palette = {
            code: entry for code, entry in _PALETTE.items() if code != 2 or self.kind == "SIR"
        }
        draw_node_states(
            ax,
            self.graph,
            self._layout,
            codes,
            palette,
            title=f"{self.share('I'):.0%} compromised ({self.topology}, β = {self.beta:g}, μ = {self.mu:g})",
        )

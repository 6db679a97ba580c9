"""Vectorised engine for SIS/SIR spreading on networks: sparse arrays, for sweeps.

Same rules, parameters, graph, patches and random numbers as the Mesa model
:class:`mesa_models.networks.contagion.Contagion` (see its module docstring):
:class:`ContagionArray` reproduces its trajectory exactly from the same seed
(tests/test_contagion.py). One step is a sparse matrix–vector product (how many
compromised neighbours each agent has) and two comparisons.

Sweeps:

* :func:`prevalence_curve` — Pastor-Satorras & Vespignani's (2001) experiment: the
  stationary share of compromised agents (SIS) against the spreading rate
  lambda = beta / mu, on random and scale-free graphs of the same mean degree. All
  spreading rates run side by side on the same graph (one sparse matrix times a matrix
  per step).
* :func:`expected_outbreak` — the expected final size of an SIR outbreak that starts at
  one random unpatched agent and lasts one step per agent (mu = 1), computed exactly as
  bond percolation: every link transmits with probability ``transmissibility``; the
  outbreak is the seed's cluster. Averaging over realisations with fixed seeds makes
  the comparison of patch policies deterministic.
* :func:`spectral_radius` — the largest eigenvalue of the adjacency matrix of the
  unpatched agents; 1 / spectral radius is the standard estimate of the SIS epidemic
  threshold on a given graph (Wang et al. 2003; Chakrabarti et al. 2008).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph
from scipy.sparse.linalg import eigsh

from mesa_models.base import RiskModel
from mesa_models.networks.contagion import (
    _CODES,
    _PALETTE,
    CONTAGION_PARAMS,
    choose_patches,
    infection_table,
    setup_contagion,
)
from mesa_models.networks.graphs import (
    TOPOLOGIES,
    adjacency,
    build_edges,
    check_edges,
    seed_int,
    draw_node_states,
    network_layout,
    to_networkx,
)
from mesa_models.params import Param, require, validate_arguments

__all__ = [
    "ContagionArray",
    "expected_outbreak",
    "graph_edges",
    "patching_effect",
    "prevalence_curve",
    "spectral_radius",
]

#: Most state entries (agents x spreading rates) one sweep holds at once (about 0.5 GB).
MAX_STATE_ENTRIES = 30_000_000


class ContagionArray(RiskModel):
    """SIS/SIR spreading on a sparse adjacency matrix, step for step the same as
    :class:`Contagion` from the same seed.

    Reporters: ``compromised``, ``ever_compromised``, ``patched`` (shares). ``state`` holds
    each agent's state code (0 susceptible, 1 compromised, 2 recovered, 3 patched).
    """

    params = CONTAGION_PARAMS
    reporters = {
        "compromised": lambda m: float((m.state == 1).mean()),
        "ever_compromised": lambda m: float(m.ever.mean()),
        "patched": lambda m: float((m.state == 3).mean()),
    }
    default_plots = ("compromised",)

    def __init__(
        self,
        *,
        graph: nx.Graph | None = None,
        initial: Iterable[int] | None = None,
        patch_policy: Any = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "ContagionArray"
        self.graph, self.edges, self.patched_nodes, self.initial_nodes = setup_contagion(
            self, graph, initial, patch_policy, params, owner
        )
        self.matrix = adjacency(self.n_agents, self.edges)
        degree = np.diff(self.matrix.indptr)
        self.infection_chance = infection_table(self.beta, int(degree.max(initial=0)))
        self.state = np.zeros(self.n_agents, dtype=np.int8)
        self.state[self.patched_nodes] = 3
        self.state[self.initial_nodes] = 1
        self.ever = self.state == 1
        self._layout: dict | None = None
        self.start_datacollector()

    def step(self) -> None:
        draws = self.rng.random(self.n_agents)
        infected = self.state == 1
        contacts = self.matrix @ infected.astype(np.int32)
        caught = (self.state == 0) & (draws < self.infection_chance[contacts])
        cleaned = infected & (draws < self.mu)
        self.state[caught] = 1
        self.state[cleaned] = 0 if self.kind == "SIS" else 2
        self.ever |= caught
        self.datacollector.collect(self)

    def states(self) -> np.ndarray:
        """Every agent's state as a letter ('S', 'I', 'R', 'P'), like :meth:`Contagion.states`."""
        return np.array(["S", "I", "R", "P"])[self.state]

    def draw_state(self, ax: plt.Axes) -> None:
        if self.n_agents > 2000:
            ax.text(
                0.5,
                0.5,
                f"{(self.state == 1).mean():.1%} compromised\n(network too big to draw)",
                ha="center",
                va="center",
            )
            ax.set_axis_off()
            return
        if self.graph is None:
            self.graph = to_networkx(self.n_agents, self.edges)
        if self._layout is None:
            self._layout = network_layout(self.graph)
        palette = {
            code: entry
            for code, entry in _PALETTE.items()
            if code != _CODES["R"] or self.kind == "SIR"
        }
        draw_node_states(
            ax,
            self.graph,
            self._layout,
            self.state,
            palette,
            title=f"{(self.state == 1).mean():.0%} compromised ({self.topology}, β = {self.beta:g}, μ = {self.mu:g})",
        )


# -- sweeps ------------------------------------------------------------------------------------


#: Declared arguments of the sweep helpers (validated by ``validate_arguments``).
SWEEP_N = Param("n", 10_000, "agents", "agents", low=3, high=10_000_000)
SWEEP_DEGREE = Param(
    "mean_degree",
    6,
    "mean number of neighbours (scale-free: even)",
    "neighbours",
    low=2,
    high=10_000,
)
SWEEP_MU = Param(
    "mu",
    1.0,
    "chance per step that a compromised agent is cleaned",
    "probability",
    low=0,
    high=1,
    low_open=True,
)
SWEEP_STEPS = Param("steps", 400, "synchronous steps per run", "steps", low=1, high=1_000_000)
SWEEP_WINDOW = Param("window", 200, "final steps averaged", "steps", low=1, high=1_000_000)
INITIAL_SHARE = Param(
    "initial_share", 0.5, "share compromised at the start", "fraction", low=0, high=1, low_open=True
)
TOPOLOGY = Param("topology", "scale-free", "network", choices=TOPOLOGIES)
#: Most agent-steps (agents x columns x steps) one sweep may run (minutes on one core).
MAX_WORK = 20_000_000_000


def _int(value: Any, name: str, low: int, owner: str) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{owner}: parameter {name!r} got {value!r}; expected an integer >= {low}")
    if value < low:
        raise ValueError(f"{owner}: parameter {name!r} got {value!r}; allowed: an integer >= {low}")
    return int(value)


def _seeds(seeds: Any, owner: str) -> list[int]:
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool | np.bool_):
        seeds = [seeds]
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable):
        raise TypeError(
            f"{owner}: parameter 'seeds' got {seeds!r}; expected a list of integer seeds"
        )
    values = [_int(s, "seeds", 0, owner) for s in seeds]
    if not values:
        raise ValueError(f"{owner}: parameter 'seeds' is empty; allowed: one or more integer seeds")
    return values


@validate_arguments(topology=TOPOLOGY, n=SWEEP_N, mean_degree=SWEEP_DEGREE, seed=seed_int("seed"))
def graph_edges(topology: str, n: int, mean_degree: int, seed: int) -> np.ndarray:
    """The edge list of a random or scale-free graph, drawn from ``seed`` (a convenience
    for sweeps; models draw their graphs from their own generator)."""
    return build_edges(topology, n, mean_degree, np.random.default_rng(seed), "graph_edges()")


def _sis_columns(
    matrix: sparse.csr_array,
    betas: np.ndarray,
    free: np.ndarray,
    mu: float,
    steps: int,
    window: int,
    initial_share: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """SIS on one graph for several columns side by side (column c: spreading chance
    ``betas[c]``, agents ``free[:, c]`` not patched). Returns the mean compromised share
    over the last ``window`` steps and whether anyone is still compromised at the end."""
    n, columns = free.shape
    start = rng.random(n) < initial_share
    infected = start[:, None] & free
    log_stay = np.log1p(-np.minimum(betas, 1 - 1e-12))[None, :]
    total = np.zeros(columns)
    for t in range(steps):
        contacts = matrix @ infected.astype(np.float32)
        chance = -np.expm1(contacts * log_stay)  # 1 - (1 - beta)^contacts
        draws = rng.random(infected.shape)
        infected = np.where(infected, draws >= mu, (draws < chance) & free)
        if t >= steps - window:
            total += np.count_nonzero(infected, axis=0) / n
    return total / window, infected.any(axis=0)


def _check_run(n: int, steps: int, window: int, columns: int, seeds: Any, owner: str) -> list[int]:
    require(window <= steps, "window", window, f"at most steps = {steps}", owner)
    if n * columns > MAX_STATE_ENTRIES:
        raise ValueError(
            f"{owner}: parameter 'n' got {n:,}: {n:,} agents x {columns} columns = {n * columns:,} state entries "
            f"(~{n * columns * 21 / 1e9:.1f} GB); allowed: at most {MAX_STATE_ENTRIES:,}"
        )
    seeds = _seeds(seeds, owner)
    work = n * columns * steps * len(seeds)
    if work > MAX_WORK:
        raise ValueError(
            f"{owner}: parameter 'steps' got {steps:,}: {work:,} agent-steps would run for hours; "
            f"allowed: n x columns x steps x seeds at most {MAX_WORK:,}"
        )
    return seeds


def _check_lambdas(lambdas: Any, mu: float, owner: str, name: str = "lambdas") -> np.ndarray:
    if isinstance(lambdas, str | bytes) or not (isinstance(lambdas, numbers.Real | Iterable)):
        raise TypeError(
            f"{owner}: parameter {name!r} got {lambdas!r}; expected a number or a list of numbers"
        )
    items = [lambdas] if isinstance(lambdas, numbers.Real) else list(lambdas)
    if any(isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real) for x in items):
        raise TypeError(f"{owner}: parameter {name!r} got {lambdas!r}; expected numbers")
    values = np.asarray(items, dtype=float)
    if (
        values.size == 0
        or np.isnan(values).any()
        or (values < 0).any()
        or (values * mu > 1 + 1e-12).any()
    ):
        raise ValueError(
            f"{owner}: parameter {name!r} got {values.tolist()!r}; allowed: numbers >= 0 with {name} x mu <= 1 "
            f"(beta = lambda x mu is a probability)"
        )
    return values


@validate_arguments(
    topology=TOPOLOGY,
    n=SWEEP_N,
    mean_degree=SWEEP_DEGREE,
    mu=SWEEP_MU,
    steps=SWEEP_STEPS,
    window=SWEEP_WINDOW,
    initial_share=INITIAL_SHARE,
)
def prevalence_curve(
    lambdas: Sequence[float] | float,
    *,
    topology: str = "scale-free",
    n: int = 10_000,
    mean_degree: int = 6,
    mu: float = 1.0,
    steps: int = 400,
    window: int = 200,
    initial_share: float = 0.5,
    seeds: Iterable[int] = (0,),
) -> pd.DataFrame:
    """Stationary SIS prevalence against the spreading rate lambda = beta / mu.

    For every seed: draw one graph, start with ``initial_share`` of the agents compromised,
    run ``steps`` synchronous steps with beta = lambda * mu for every lambda side by side,
    and average the compromised share over the last ``window`` steps (0 once the
    compromise has died out). Returns one row per lambda: the mean prevalence over seeds
    (``prevalence``), its minimum and maximum (``low``, ``high``), and the share of runs in
    which the compromise survived to the end (``survived``).
    """
    owner = "prevalence_curve()"
    values = _check_lambdas(lambdas, mu, owner)
    seeds = _check_run(n, steps, window, values.size, seeds, owner)
    prevalence = np.zeros((len(seeds), values.size))
    alive = np.zeros((len(seeds), values.size), dtype=bool)
    for row, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        matrix = adjacency(n, build_edges(topology, n, mean_degree, rng, owner)).astype(np.float32)
        free = np.ones((n, values.size), dtype=bool)
        prevalence[row], alive[row] = _sis_columns(
            matrix, values * mu, free, mu, steps, window, initial_share, rng
        )
    return pd.DataFrame(
        {
            "lambda": values,
            "beta": values * mu,
            "prevalence": prevalence.mean(axis=0),
            "low": prevalence.min(axis=0),
            "high": prevalence.max(axis=0),
            "survived": alive.mean(axis=0),
            "topology": topology,
            "n": n,
        }
    )


@validate_arguments(
    spreading_rate=Param("spreading_rate", 0.2, "lambda = beta / mu", "rate", low=0),
    topology=TOPOLOGY,
    n=SWEEP_N,
    mean_degree=SWEEP_DEGREE,
    mu=SWEEP_MU,
    steps=SWEEP_STEPS,
    window=SWEEP_WINDOW,
    initial_share=INITIAL_SHARE,
)
def patching_effect(
    budgets: Sequence[int],
    *,
    strategies: Sequence[str] = ("random", "hubs"),
    spreading_rate: float = 0.2,
    topology: str = "scale-free",
    n: int = 10_000,
    mean_degree: int = 6,
    mu: float = 1.0,
    steps: int = 400,
    window: int = 200,
    initial_share: float = 0.5,
    seeds: Iterable[int] = (0,),
) -> pd.DataFrame:
    """Stationary SIS prevalence when ``budget`` agents are patched for good, chosen by
    each strategy (``"random"`` or ``"hubs"``), on the same graph and from the same start.

    Returns one row per (strategy, budget): ``budget``, ``patched_share`` (budget / n),
    ``prevalence`` (mean over seeds, as a share of all agents), ``low``, ``high``,
    ``survived``.
    """
    owner = "patching_effect()"
    rate = _check_lambdas(spreading_rate, mu, owner, name="spreading_rate")[0]
    if isinstance(budgets, str | bytes) or not isinstance(budgets, Iterable):
        raise TypeError(
            f"{owner}: parameter 'budgets' got {budgets!r}; expected a list of agent counts"
        )
    budgets = [_int(b, "budgets", 0, owner) for b in budgets]
    if not budgets or max(budgets) >= n:
        raise ValueError(
            f"{owner}: parameter 'budgets' got {budgets!r}; allowed: one or more counts in 0..{n - 1}"
        )
    if (
        isinstance(strategies, str)
        or not all(s in ("random", "hubs") for s in strategies)
        or not strategies
    ):
        raise ValueError(
            f"{owner}: parameter 'strategies' got {strategies!r}; allowed: a list of 'random', 'hubs'"
        )
    combos = [(strategy, budget) for strategy in strategies for budget in budgets]
    seeds = _check_run(n, steps, window, len(combos), seeds, owner)
    prevalence = np.zeros((len(seeds), len(combos)))
    alive = np.zeros((len(seeds), len(combos)), dtype=bool)
    for row, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        edges = build_edges(topology, n, mean_degree, rng, owner)
        matrix = adjacency(n, edges).astype(np.float32)
        free = np.ones((n, len(combos)), dtype=bool)
        for column, (strategy, budget) in enumerate(combos):
            free[
                choose_patches(n, edges, budget, strategy, np.random.default_rng([seed, budget])),
                column,
            ] = False
        prevalence[row], alive[row] = _sis_columns(
            matrix, np.full(len(combos), rate * mu), free, mu, steps, window, initial_share, rng
        )
    return pd.DataFrame(
        {
            "strategy": [c[0] for c in combos],
            "budget": [c[1] for c in combos],
            "patched_share": [c[1] / n for c in combos],
            "prevalence": prevalence.mean(axis=0),
            "low": prevalence.min(axis=0),
            "high": prevalence.max(axis=0),
            "survived": alive.mean(axis=0),
        }
    )


def _graph_arrays(graph: Any, owner: str) -> tuple[int, np.ndarray]:
    if isinstance(graph, nx.Graph):
        n = graph.number_of_nodes()
        if set(graph.nodes) != set(range(n)):
            raise ValueError(
                f"{owner}: parameter 'graph' must have nodes 0..n-1 (use networkx.convert_node_labels_to_integers)"
            )
        return n, np.array(list(graph.edges), dtype=np.int64).reshape(-1, 2)
    if isinstance(graph, tuple) and len(graph) == 2:
        n = SWEEP_N.validate(graph[0], owner)
        return n, check_edges(graph[1], n, owner)
    raise TypeError(
        f"{owner}: parameter 'graph' got {type(graph).__name__}; expected a networkx.Graph or (n, edges)"
    )


def _patched_mask(n: int, patched: Iterable[int] | None, owner: str) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    if patched is None:
        return mask
    if isinstance(patched, str | bytes) or not isinstance(patched, Iterable):
        raise TypeError(
            f"{owner}: parameter 'patched' got {patched!r}; expected a list of agent numbers"
        )
    nodes = list(patched)
    bad = [
        v
        for v in nodes
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v < n
    ]
    if bad:
        raise ValueError(
            f"{owner}: parameter 'patched' contains {bad[0]!r}; allowed: agent numbers 0..{n - 1}"
        )
    mask[np.asarray(nodes, dtype=np.int64)] = True
    return mask


@validate_arguments(
    transmissibility=Param(
        "transmissibility", 0.3, "chance a link passes the compromise", "probability", low=0, high=1
    ),
    realizations=Param(
        "realizations", 50, "random sets of transmitting links", "runs", low=1, high=100_000
    ),
    seed=seed_int("seed"),
)
def expected_outbreak(
    graph: Any,
    patched: Iterable[int] | None = None,
    *,
    transmissibility: float = 0.3,
    realizations: int = 50,
    seed: int = 0,
) -> float:
    """Expected share of all agents reached by an SIR outbreak that starts at one random
    unpatched agent, when every link passes the compromise with probability
    ``transmissibility`` (SIR with mu = 1, computed as bond percolation).

    ``graph`` is a networkx graph on nodes 0..n-1 (or a pair ``(n, edges)``); ``patched``
    agents are removed. The average runs over ``realizations`` random sets of
    transmitting links drawn from ``seed``, so the same call always gives the same number
    and two patch sets are compared on the same random links.
    """
    owner = "expected_outbreak()"
    n, edges = _graph_arrays(graph, owner)
    mask = _patched_mask(n, patched, owner)
    if realizations * edges.shape[0] > MAX_WORK / 100:
        raise ValueError(
            f"{owner}: parameter 'realizations' got {realizations}: {realizations * edges.shape[0]:,} link draws; "
            f"allowed: realizations x links at most {MAX_WORK // 100:,}"
        )
    free = n - int(mask.sum())
    if free == 0 or edges.size == 0:
        return (1.0 / n) if free else 0.0
    rng = np.random.default_rng(seed)
    total = 0.0
    keep_edge = ~(mask[edges[:, 0]] | mask[edges[:, 1]])
    for _ in range(realizations):
        open_links = keep_edge & (rng.random(edges.shape[0]) < transmissibility)
        chosen = edges[open_links]
        matrix = sparse.coo_array(
            (np.ones(chosen.shape[0], dtype=np.int8), (chosen[:, 0], chosen[:, 1])), shape=(n, n)
        )
        _, labels = csgraph.connected_components(matrix, directed=False)
        sizes = np.bincount(labels[~mask], minlength=labels.max() + 1).astype(float)
        total += float(np.sum(sizes**2)) / free / n
    return total / realizations


def spectral_radius(graph: Any, patched: Iterable[int] | None = None) -> float:
    """Largest eigenvalue of the adjacency matrix after removing the ``patched`` agents
    (1 / spectral radius estimates the SIS epidemic threshold lambda_c on this graph)."""
    owner = "spectral_radius"
    n, edges = _graph_arrays(graph, owner)
    mask = _patched_mask(n, patched, owner)
    keep = ~(mask[edges[:, 0]] | mask[edges[:, 1]])
    kept = edges[keep]
    if kept.size == 0:
        return 0.0
    matrix = adjacency(n, kept).astype(float)
    if n <= 3:
        return float(np.max(np.linalg.eigvalsh(matrix.toarray())))
    value = eigsh(matrix, k=1, which="LA", return_eigenvectors=False, v0=np.ones(n), tol=1e-8)
    return float(value[0])

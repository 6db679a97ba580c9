"""Vectorised engine for Watts's (2002) global cascades: sparse arrays, for sweeps.

Same rule, same parameters and the same graph as the Mesa model
:class:`mesa_models.networks.cascades.WattsCascade` (see its module docstring): from the
same seed, :class:`WattsCascadeArray` builds the same random graph, picks the same seed
agents and produces the same adopters step by step (tests/test_cascades.py checks it).

For the cascade window, :func:`cascade_sizes` and :func:`cascade_frequency` run many
independent realisations (a fresh random graph and a fresh single seed each) without
building any model: the graph is drawn as an edge list, stored as a sparse (CSR) matrix,
and the cascade is followed from its frontier (only the neighbours of the agents that
adopted last are examined), so a cascade that dies at once costs almost nothing.

Each mean degree z gets its own random generator, derived from ``(seed, z, phi, n)``, so a
sweep gives the same numbers whether the z values are run together, one at a time or in
another order.

The adoption rule is fixed (Watts's threshold rule); to experiment with other rules use
the Mesa model's ``adoption_rule=``.
"""

from __future__ import annotations

import math
import numbers
from functools import lru_cache
from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from scipy import optimize
from scipy.stats import poisson

from mesa_models.base import RiskModel
from mesa_models.networks.cascades import (
    _STATE_PALETTE,
    GLOBAL_CASCADE,
    WATTS_PARAMS,
    resolve_graph,
    resolve_seeds,
)
from mesa_models.networks.graphs import (
    adjacency,
    check_edge_budget,
    fast_csr,
    degrees,
    draw_node_states,
    network_layout,
    random_edges,
    seed_int,
    to_networkx,
)
from mesa_models.params import Param, require, validate_arguments

__all__ = [
    "WattsCascadeArray",
    "cascade_condition",
    "cascade_frequency",
    "cascade_sizes",
    "final_adopters",
    "theoretical_window",
]

#: Most realisations one call may run (a guard against a typo such as 10**7).
MAX_REALIZATIONS = 1_000_000


@validate_arguments(phi=WATTS_PARAMS["phi"])
def final_adopters(
    indptr: np.ndarray, indices: np.ndarray, phi: float, seeds: Sequence[int] | np.ndarray
) -> np.ndarray:
    """Everyone who has adopted when the cascade started by ``seeds`` stops (boolean array).

    ``indptr``/``indices`` describe the network in CSR form (``matrix.indptr``,
    ``matrix.indices`` of :func:`~mesa_models.networks.graphs.adjacency`). Only the
    neighbours of the agents that adopted in the previous round are examined.
    """
    indptr, indices = np.asarray(indptr), np.asarray(indices)
    n = indptr.size - 1
    frontier = np.unique(np.asarray(seeds, dtype=np.int64))
    if (
        n < 1
        or indptr.ndim != 1
        or indptr[0] != 0
        or indptr[-1] != indices.size
        or (np.diff(indptr) < 0).any()
    ):
        raise ValueError(
            "final_adopters(): parameters 'indptr' and 'indices' must describe a CSR adjacency (see csr_arrays)"
        )
    if frontier.size and (frontier.min() < 0 or frontier.max() >= n):
        raise ValueError(f"final_adopters(): parameter 'seeds' has agents outside 0..{n - 1}")
    return _final_adopters(indptr, indices, phi, frontier)


def _final_adopters(
    indptr: np.ndarray, indices: np.ndarray, phi: float, frontier: np.ndarray
) -> np.ndarray:
    n = indptr.size - 1
    degree = np.diff(indptr)
    adopted = np.zeros(n, dtype=bool)
    count = np.zeros(n, dtype=np.int64)
    adopted[frontier] = True
    while frontier.size:
        starts = indptr[frontier].astype(np.int64)
        lengths = indptr[frontier + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            break
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        touched = indices[offsets]
        if touched.size * 8 < n:  # small frontier: count by sorting
            touched, hits = _counts(touched)
            count[touched] += hits
        else:
            hits = np.bincount(touched, minlength=n)
            count += hits
            touched = np.flatnonzero(hits)
        fresh = touched[~adopted[touched]]
        fresh = fresh[count[fresh] / degree[fresh] >= phi]
        adopted[fresh] = True
        frontier = fresh
    return adopted


def _counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and how often each occurs (a sort; np.unique is slower here)."""
    ordered = np.sort(values)
    first = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    return ordered[first], np.diff(np.append(first, ordered.size))


def _z_generator(seed: int, z: float, phi: float, n: int) -> np.random.Generator:
    return np.random.default_rng(
        [int(seed), int(round(z * 10_000)), int(round(phi * 1_000_000)), int(n)]
    )


#: Declared arguments of the sweep helpers.
SWEEP_N = Param("n", 10_000, "agents per network", "agents", low=2, high=10_000_000)
REALIZATIONS = Param(
    "realizations", 100, "independent runs per mean degree", "runs", low=1, high=MAX_REALIZATIONS
)
MEAN_DEGREE_Z = Param("z", 3.0, "mean degree of the random graph", "neighbours", low=0)


def _check_z(z: Any, n: int, owner: str) -> float:
    z = MEAN_DEGREE_Z.validate(z, owner)
    require(z <= n - 1, "z", z, f"a mean degree in [0, n - 1 = {n - 1}]", owner)
    check_edge_budget(n, z, owner)
    return z


@validate_arguments(
    phi=WATTS_PARAMS["phi"], n=SWEEP_N, realizations=REALIZATIONS, seed=seed_int("seed")
)
def cascade_sizes(
    z: float, *, phi: float = 0.18, n: int = 10_000, realizations: int = 100, seed: int = 0
) -> np.ndarray:
    """Final cascade sizes (share of the n agents) of ``realizations`` independent runs at
    mean degree ``z``: each a fresh uniform random graph and one random seed agent.

    The same arguments always give the same sizes (each z has its own generator, derived
    from ``seed``); recent results are remembered, so repeating a call is free.
    """
    z = _check_z(z, n, "cascade_sizes()")
    return np.array(_cascade_sizes(z, phi, n, realizations, seed))


@lru_cache(maxsize=2048)
def _cascade_sizes(z: float, phi: float, n: int, realizations: int, seed: int) -> tuple[float, ...]:
    rng = _z_generator(seed, z, phi, n)
    sizes = np.empty(realizations)
    for r in range(realizations):
        edges = random_edges(n, z, rng)
        indptr, indices = fast_csr(n, edges)
        start = int(rng.integers(n))
        sizes[r] = _final_adopters(indptr, indices, phi, np.array([start])).sum() / n
    return tuple(sizes.tolist())


@validate_arguments(
    phi=WATTS_PARAMS["phi"],
    n=SWEEP_N,
    realizations=REALIZATIONS,
    seed=seed_int("seed"),
    global_share=Param(
        "global_share",
        GLOBAL_CASCADE,
        "share a global cascade reaches",
        "fraction",
        low=0,
        high=1,
        low_open=True,
    ),
)
def cascade_frequency(
    z_values: Iterable[float] | float,
    *,
    phi: float = 0.18,
    n: int = 10_000,
    realizations: int = 100,
    seed: int = 0,
    global_share: float = GLOBAL_CASCADE,
) -> pd.DataFrame:
    """Watts's cascade window: for each mean degree z, the frequency of global cascades
    (share of realisations whose cascade reaches at least ``global_share`` of the agents)
    and the mean size of those global cascades (NaN if there were none).

    Columns: ``z``, ``frequency``, ``mean_global_size``, ``mean_size`` (all cascades),
    ``realizations``.
    """
    owner = "cascade_frequency()"
    if isinstance(z_values, numbers.Real) and not isinstance(z_values, bool):
        values = [z_values]
    elif isinstance(z_values, str | bytes) or not isinstance(z_values, Iterable):
        raise TypeError(
            f"{owner}: parameter 'z_values' got {z_values!r}; expected a mean degree or a list of them"
        )
    else:
        values = list(z_values)
    if not values:
        raise ValueError(
            f"{owner}: parameter 'z_values' is empty; allowed: one or more mean degrees"
        )
    values = [_check_z(z, n, owner) for z in values]  # every z checked before the first run
    rows = []
    for z in values:
        sizes = np.array(_cascade_sizes(z, phi, n, realizations, seed))
        big = sizes[sizes >= global_share]
        rows.append(
            {
                "z": float(z),
                "frequency": big.size / realizations,
                "mean_global_size": float(big.mean()) if big.size else math.nan,
                "mean_size": float(sizes.mean()),
                "realizations": realizations,
            }
        )
    return pd.DataFrame(rows)


@validate_arguments(
    z=Param("z", 3.0, "mean degree", "neighbours", low=0, high=1e6), phi=WATTS_PARAMS["phi"]
)
def cascade_condition(z: float, phi: float) -> float:
    """Watts's cascade condition on a uniform random graph (Poisson degrees, one threshold
    ``phi``): ``sum_k k (k - 1) rho_k p_k - z``, where ``rho_k = 1`` for vulnerable degrees
    (``k <= 1 / phi``) and 0 otherwise. Global cascades are possible where it is > 0."""
    k = np.arange(0, _top_degree(phi, z) + 1)
    return float(np.sum(k * (k - 1) * poisson.pmf(k, z)) - z)


def _top_degree(phi: float, z: float) -> int:
    """The largest vulnerable degree, floor(1 / phi), capped where Poisson(z) has no mass."""
    return int(min(math.floor(1 / phi + 1e-12), z + 40 * math.sqrt(z) + 200))


@validate_arguments(
    phi=WATTS_PARAMS["phi"],
    z_max=Param("z_max", 40.0, "largest mean degree searched", "neighbours", low=0.1, high=10_000),
)
def theoretical_window(phi: float, z_max: float = 40.0) -> tuple[float, float] | None:
    """Lower and upper mean degree of the cascade window predicted by
    :func:`cascade_condition` (None if the condition holds nowhere below ``z_max``; the
    upper end is ``z_max`` itself if the condition still holds there)."""
    grid = np.linspace(0.01, z_max, 4000)
    k = np.arange(0, _top_degree(phi, z_max) + 1)
    values = (
        np.sum(k[:, None] * (k[:, None] - 1) * poisson.pmf(k[:, None], grid[None, :]), axis=0)
        - grid
    )
    inside = np.flatnonzero(values > 0)
    if inside.size == 0:
        return None
    first, last = inside[0], inside[-1]
    lower = (
        optimize.brentq(cascade_condition, grid[first - 1], grid[first], args=(phi,))
        if first > 0
        else grid[0]
    )
    upper = (
        optimize.brentq(cascade_condition, grid[last], grid[last + 1], args=(phi,))
        if last + 1 < grid.size
        else z_max
    )
    return float(lower), float(upper)


class WattsCascadeArray(RiskModel):
    """Watts's threshold cascade on a sparse adjacency matrix (same rules and the same
    graph and seeds from the same ``rng`` as :class:`WattsCascade`).

    Reporters: ``adopted`` and ``new_adopters`` (shares). ``adopted`` holds the current
    states (boolean array by node), ``matrix`` the adjacency matrix.
    """

    params = WATTS_PARAMS
    reporters = {
        "adopted": lambda m: float(m.adopted.mean()),
        "new_adopters": lambda m: (
            float(m.just_adopted.mean()) if m.steps else float(m.adopted.mean())
        ),
    }
    default_plots = ("adopted",)

    def __init__(
        self,
        *,
        graph: nx.Graph | None = None,
        seed_nodes: Iterable[int] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "WattsCascadeArray"
        self.graph = resolve_graph(self, graph, params, owner) if graph is not None else None
        if self.graph is None:
            require(
                self.mean_degree <= self.n_agents - 1,
                "mean_degree",
                self.mean_degree,
                f"at most n_agents - 1 = {self.n_agents - 1}",
                owner,
            )
            check_edge_budget(self.n_agents, self.mean_degree, owner)
            edges = random_edges(self.n_agents, self.mean_degree, self.rng)
        else:
            edges = np.array(list(self.graph.edges), dtype=np.int64).reshape(-1, 2)
        self.edges = edges
        self.matrix = adjacency(self.n_agents, edges)
        self.degree = degrees(self.matrix)
        self.seed_nodes = resolve_seeds(self, seed_nodes, self.n_seeds, owner)
        self.adopted = np.zeros(self.n_agents, dtype=bool)
        self.adopted[self.seed_nodes] = True
        self.just_adopted = self.adopted.copy()
        self._layout: dict | None = None
        self.start_datacollector()

    def step(self) -> None:
        counts = self.matrix @ self.adopted.astype(np.int32)
        with np.errstate(divide="ignore", invalid="ignore"):
            tipped = (self.degree > 0) & (counts / np.maximum(self.degree, 1) >= self.phi)
        new = ~self.adopted & tipped
        self.just_adopted = new
        self.adopted = self.adopted | new
        self.datacollector.collect(self)

    @property
    def finished(self) -> bool:
        return self.steps > 0 and not self.just_adopted.any()

    def vulnerable(self) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return (self.degree > 0) & (1 / np.maximum(self.degree, 1) >= self.phi)

    def run_to_end(self, max_steps: int = 10_000) -> int:
        """Step until nobody adopts any more; return the number of steps taken."""
        start = self.steps
        while not self.finished and self.steps - start < max_steps:
            self.step()
        return self.steps - start

    def draw_state(self, ax: plt.Axes) -> None:
        if self.n_agents > 2000:
            ax.text(
                0.5,
                0.5,
                f"{self.adopted.mean():.1%} adopted\n(network too big to draw)",
                ha="center",
                va="center",
            )
            ax.set_axis_off()
            return
        if self.graph is None:
            self.graph = to_networkx(self.n_agents, self.edges)
        if self._layout is None:
            self._layout = network_layout(self.graph)
        just = self.just_adopted & (self.steps > 0)
        codes = np.where(self.adopted, np.where(just, 3, 2), np.where(self.vulnerable(), 1, 0))
        draw_node_states(
            ax,
            self.graph,
            self._layout,
            codes,
            _STATE_PALETTE,
            highlight=self.seed_nodes.tolist(),
            title=f"{self.adopted.mean():.0%} adopted (z = {self.mean_degree:.2g}, φ = {self.phi:g})",
        )

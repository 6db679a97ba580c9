"""Networks for Unit 05: random and scale-free graphs, as edge lists, sparse matrices and
networkx graphs, plus the drawing helper every Unit 05 model uses (helpers, not a model).

Both engines of a model (the readable Mesa model and its NumPy engine) build their graph
with :func:`build_edges` from the same random generator, so from the same seed they get
the same graph, edge for edge.

* ``"random"``: a uniform random graph G(n, p) with p = z / (n - 1), so the mean degree
  is z (Erdős & Rényi 1959; the network of Watts 2002). Degrees are close to Poisson.
* ``"scale-free"``: Barabási & Albert's (1999) preferential attachment: start from a star
  of m + 1 nodes, then every newcomer links to m distinct existing nodes chosen with
  probability proportional to their degree. Mean degree close to 2m, degrees spread out
  (P(k) ~ k^-3): a few hubs with very many links.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from scipy import sparse

from mesa_models.params import Param, require, validate_arguments
from mesa_models.plotting import COLORS, draw_network

__all__ = [
    "MAX_EDGES",
    "MAX_NODES",
    "check_edges",
    "generator",
    "seed_int",
    "TOPOLOGIES",
    "adjacency",
    "build_edges",
    "check_edge_budget",
    "csr_arrays",
    "fast_csr",
    "degrees",
    "draw_node_states",
    "network_layout",
    "random_edges",
    "scale_free_edges",
    "to_networkx",
]

TOPOLOGIES = ("random", "scale-free")
#: Largest number of undirected edges a Unit 05 engine builds (about 0.5 GB of arrays).
MAX_EDGES = 20_000_000
_BYTES_PER_EDGE = 24  # two int64 endpoints + CSR copies in both directions (int32 indices)
#: Most nodes an array helper accepts (larger networks exceed the memory budget anyway).
MAX_NODES = 10_000_000
#: Most nodes drawn as a networkx graph (networkx needs ~1 KB per node and edge).
MAX_NX_NODES = 1_000_000

NODES = Param("n", 100, "number of nodes", "nodes", low=1, high=MAX_NODES)
NX_NODES = Param("n", 100, "number of nodes", "nodes", low=1, high=MAX_NX_NODES)
MEAN_DEGREE = Param("mean_degree", 4.0, "mean number of neighbours", "neighbours", low=0)


def seed_int(name: str) -> Callable[[Any, str], int]:
    """A :func:`~mesa_models.params.validate_arguments` rule: a non-negative integer seed
    (NumPy integers accepted), for helpers that derive several generators from it."""

    def rule(value: Any, owner: str) -> int:
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"{owner}: parameter {name!r} got {value!r}; expected an integer seed >= 0"
            )
        if value < 0:
            raise ValueError(f"{owner}: parameter {name!r} got {value!r}; allowed: an integer >= 0")
        return int(value)

    return rule


def generator(name: str = "rng") -> Callable[[Any, str], np.random.Generator]:
    """A :func:`~mesa_models.params.validate_arguments` rule: a ``numpy.random.Generator``,
    or a non-negative integer seed turned into one."""

    def rule(value: Any, owner: str) -> np.random.Generator:
        if isinstance(value, np.random.Generator):
            return value
        return np.random.default_rng(seed_int(name)(value, owner))

    return rule


def check_edges(edges: Any, n: int, owner: str, name: str = "edges") -> np.ndarray:
    """``edges`` as an int64 array of shape (m, 2) with endpoints in 0..n-1."""
    try:
        array = np.asarray(edges)
    except (TypeError, ValueError):
        array = np.asarray([], dtype=object)
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if array.dtype.kind not in "iu" or array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(
            f"{owner}: parameter {name!r} must be integer pairs of shape (m, 2), got {show_shape(array)}"
        )
    if array.min() < 0 or array.max() >= n:
        raise ValueError(f"{owner}: parameter {name!r} has endpoints outside 0..{n - 1}")
    return array.astype(np.int64, copy=False)


def show_shape(array: np.ndarray) -> str:
    return f"an array of dtype {array.dtype} and shape {array.shape}"


def check_edge_budget(n: int, mean_degree: float, owner: str = "") -> None:
    """Refuse up front a graph too large for memory, naming the estimated size."""
    edges = n * mean_degree / 2
    if edges > MAX_EDGES:
        where = f"{owner}: " if owner else ""
        gigabytes = edges * _BYTES_PER_EDGE / 1e9
        raise ValueError(
            f"{where}a graph of n_agents={n} with mean degree {mean_degree:g} has about {edges:,.0f} edges "
            f"(~{gigabytes:.1f} GB in memory); allowed: at most {MAX_EDGES:,} edges (n_agents x mean degree / 2)"
        )


@validate_arguments(n=NODES, mean_degree=MEAN_DEGREE, rng=generator())
def random_edges(n: int, mean_degree: float, rng: np.random.Generator) -> np.ndarray:
    """Edges of a uniform random graph G(n, p), p = mean_degree / (n - 1): shape (m, 2), i < j.

    The number of edges is Binomial(n(n-1)/2, p); given it, the edge set is a uniformly
    random set of that many distinct pairs.
    """
    require(
        mean_degree <= max(n - 1, 0),
        "mean_degree",
        mean_degree,
        f"at most n - 1 = {n - 1}",
        "random_edges()",
    )
    check_edge_budget(n, float(mean_degree), "random_edges()")
    if n < 2 or mean_degree == 0:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = n * (n - 1) // 2
    p = min(float(mean_degree) / (n - 1), 1.0)
    m = int(rng.binomial(pairs, p))
    codes = rng.choice(pairs, size=m, replace=False) if m < pairs else np.arange(pairs)
    return _decode_pairs(np.asarray(codes, dtype=np.int64), n)


def _row_start(i: np.ndarray, n: int) -> np.ndarray:
    """Index of pair (i, i + 1) in the row-by-row numbering of pairs i < j."""
    return i * (2 * n - i - 1) // 2


def _decode_pairs(codes: np.ndarray, n: int) -> np.ndarray:
    """Pairs (i, j), i < j, numbered row by row: 0 -> (0, 1), 1 -> (0, 2), ..."""
    pairs = n * (n - 1) // 2
    i = n - 2 - np.floor(np.sqrt(4.0 * n * (n - 1) - 8.0 * codes - 7.0) / 2 - 0.5).astype(np.int64)
    i = np.clip(i, 0, n - 2)
    i -= codes < _row_start(i, n)  # guard against rounding at row boundaries
    i += codes >= _row_start(i + 1, n)
    j = codes + i + 1 - pairs + (n - i) * (n - i - 1) // 2
    return np.column_stack([i, j])


@validate_arguments(
    n=NODES, m=Param("m", 2, "links each newcomer makes", "links", low=1), rng=generator()
)
def scale_free_edges(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """Edges of a Barabási–Albert graph: a star of m + 1 nodes, then each newcomer links
    to m distinct nodes chosen with probability proportional to degree. Shape (edges, 2)."""
    require(m < n, "m", m, f"an integer in [1, n - 1 = {n - 1}]", "scale_free_edges()")
    check_edge_budget(n, 2.0 * m, "scale_free_edges()")
    total = m + (n - m - 1) * m
    edges = np.empty((total, 2), dtype=np.int64)
    edges[:m, 0] = 0
    edges[:m, 1] = np.arange(1, m + 1)
    # Every edge end appears once in `ends`: drawing a uniform entry picks a node with
    # probability proportional to its degree.
    ends = np.empty(2 * total, dtype=np.int64)
    ends[: 2 * m] = edges[:m].ravel()
    size, row = 2 * m, m
    draws = rng.random(min(4 * m * (n - m - 1) + 64, 1 << 20))
    used = 0
    for new in range(m + 1, n):
        targets: set[int] = set()
        while len(targets) < m:
            if used == draws.size:
                draws, used = rng.random(draws.size), 0
            targets.add(int(ends[int(draws[used] * size)]))
            used += 1
        for target in sorted(targets):
            edges[row] = (target, new)
            ends[size] = target
            ends[size + 1] = new
            size += 2
            row += 1
    return edges


@validate_arguments(
    topology=Param("topology", "random", "network kind", choices=TOPOLOGIES),
    n=NODES,
    mean_degree=MEAN_DEGREE,
    rng=generator(),
)
def build_edges(
    topology: str, n: int, mean_degree: float, rng: np.random.Generator, owner: str = ""
) -> np.ndarray:
    """The edge list of a ``"random"`` or ``"scale-free"`` graph with the given mean degree.

    Scale-free graphs need an even mean degree (each newcomer brings mean_degree / 2 links).
    """
    where = owner or "build_edges()"
    if topology == "random":
        require(
            mean_degree <= n - 1,
            "mean_degree",
            mean_degree,
            f"at most n_agents - 1 = {n - 1}",
            where,
        )
        return random_edges(n, mean_degree, rng)
    require(
        float(mean_degree).is_integer() and int(mean_degree) % 2 == 0 and mean_degree >= 2,
        "mean_degree",
        mean_degree,
        "for a scale-free graph an even integer >= 2 (each newcomer links to mean_degree / 2 agents)",
        where,
    )
    m = int(mean_degree) // 2
    require(
        m < n,
        "mean_degree",
        mean_degree,
        f"for a scale-free graph less than 2 * n_agents = {2 * n}",
        where,
    )
    return scale_free_edges(n, m, rng)


@validate_arguments(n=NODES)
def csr_arrays(n: int, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(indptr, indices)`` (int32, CSR) of the symmetric adjacency of an undirected
    edge list without repeated edges; each row's neighbours in edge-list order."""
    return fast_csr(n, check_edges(edges, n, "csr_arrays()"))


def fast_csr(n: int, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`csr_arrays` without the argument checks, for engines' inner loops."""
    ends = np.concatenate([edges[:, 0], edges[:, 1]]).astype(np.int32)
    other = np.concatenate([edges[:, 1], edges[:, 0]]).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int32)
    indices = np.empty(ends.size, dtype=np.int32)
    try:  # scipy's compiled counting sort: linear time
        from scipy.sparse import _sparsetools

        _sparsetools.coo_tocsr(
            n,
            n,
            ends.size,
            ends,
            other,
            np.ones(ends.size, dtype=np.int8),
            indptr,
            indices,
            np.empty(ends.size, dtype=np.int8),
        )
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - other scipy builds
        order = np.argsort(ends, kind="stable")
        np.cumsum(np.bincount(ends, minlength=n), out=indptr[1:])
        indices = other[order]
    return indptr, indices


@validate_arguments(n=NODES)
def adjacency(n: int, edges: np.ndarray) -> sparse.csr_array:
    """The symmetric 0/1 adjacency matrix (CSR, int32) of an undirected edge list
    without repeated edges."""
    indptr, indices = fast_csr(n, check_edges(edges, n, "adjacency()"))
    return sparse.csr_array((np.ones(indices.size, dtype=np.int32), indices, indptr), shape=(n, n))


def degrees(matrix: sparse.csr_array) -> np.ndarray:
    """Node degrees of a CSR adjacency matrix."""
    return np.diff(matrix.indptr).astype(np.int64)


@validate_arguments(n=NX_NODES)
def to_networkx(n: int, edges: np.ndarray) -> nx.Graph:
    """A networkx graph on nodes 0..n-1 with the given edges."""
    edges = check_edges(edges, n, "to_networkx()")
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(map(tuple, edges.tolist()))
    return graph


def network_layout(graph: nx.Graph) -> dict:
    """Node positions for drawing: a spring layout with a fixed seed (the same graph is
    always drawn the same way, and drawing never touches a model's random numbers)."""
    n = graph.number_of_nodes()
    if n > 2000:
        return nx.circular_layout(graph)
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    giant = graph.subgraph(components[0]) if components else graph
    k = 1.8 / math.sqrt(max(giant.number_of_nodes(), 1))
    pos = (
        nx.spring_layout(giant, seed=7, k=k, iterations=60 if n <= 400 else 30)
        if giant.number_of_nodes() > 1
        else {node: np.zeros(2) for node in giant}
    )
    # The other, small pieces go on a ring around the giant component, piece by piece.
    rest = [node for component in components[1:] for node in sorted(component)]
    for index, node in enumerate(rest):
        angle = 2 * math.pi * index / max(len(rest), 1)
        pos[node] = np.array([1.15 * math.cos(angle), 1.15 * math.sin(angle)])
    return pos


def draw_node_states(
    ax: plt.Axes,
    graph: nx.Graph,
    pos: dict,
    codes: Sequence[int] | np.ndarray,
    palette: dict[int, tuple[str, str]],
    *,
    title: str = "",
    node_size: float | None = None,
    highlight: Iterable[int] = (),
) -> None:
    """Draw ``graph`` with node ``i`` coloured by ``palette[codes[i]] = (colour, label)``;
    a legend names the states present; nodes in ``highlight`` get a black ring."""
    codes = np.asarray(codes)
    n = graph.number_of_nodes()
    size = node_size if node_size is not None else max(6.0, min(40.0, 4000.0 / max(n, 1)))
    draw_network(ax, graph, pos, [palette[int(c)][0] for c in codes], node_size=size)
    ring = [node for node in highlight if node in pos]
    if ring:
        nx.draw_networkx_nodes(
            graph,
            pos,
            nodelist=ring,
            ax=ax,
            node_color="none",
            edgecolors=COLORS["black"],
            node_size=size * 2.2,
            linewidths=1.2,
        )
    handles = [
        plt.Line2D([], [], marker="o", linestyle="", color=colour, label=label)
        for code, (colour, label) in palette.items()
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=len(handles),
        fontsize=8,
        handletextpad=0.2,
        columnspacing=0.8,
    )
    if title:
        ax.set_title(title)

"""One colour-blind-safe plotting style for the whole course.

Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays
distinguishable under the common forms of colour-vision deficiency. Sequential data use
``viridis``/``cividis``. Every helper labels its axes; callers pass a title that states
the finding ("Mixed conventions triple the conflicts"), not the variable name.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler

__all__ = [
    "PALETTE",
    "COLORS",
    "use_course_style",
    "plot_series",
    "draw_grid",
    "draw_network",
]

#: Okabe–Ito colours by name.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#999999",
}
#: The default colour cycle (yellow last: it is hard to see on white).
PALETTE = [
    COLORS[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "black", "yellow")
]


def use_course_style() -> None:
    """Set matplotlib defaults: Okabe–Ito cycle, readable sizes, light grid. Idempotent."""
    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=PALETTE),
            "figure.figsize": (7.0, 3.6),
            "figure.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "axes.labelsize": 10,
            "legend.frameon": False,
            "image.cmap": "viridis",
            "figure.constrained_layout.use": True,
        }
    )


def plot_series(
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    ax: plt.Axes | None = None,
    title: str = "",
    xlabel: str = "step",
    ylabel: str = "",
) -> plt.Axes:
    """Line plot of DataCollector columns against the step index."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"plot_series(): 'frame' must be a pandas DataFrame, got {type(frame).__name__}"
        )
    columns = list(frame.columns if columns is None else columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"plot_series(): column {missing[0]!r} is not in the table; "
            f"available: {', '.join(map(str, frame.columns))}"
        )
    if ax is None:
        _, ax = plt.subplots()
    for column in columns:
        ax.plot(frame.index, frame[column], label=column)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel or (columns[0] if len(columns) == 1 else "value"))
    if len(columns) > 1:
        ax.legend()
    if title:
        ax.set_title(title)
    return ax


def draw_grid(
    ax: plt.Axes,
    values: np.ndarray,
    *,
    cmap: str | mpl.colors.Colormap = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    labels: dict[int, str] | None = None,
    title: str = "",
) -> mpl.image.AxesImage:
    """Show a 2-D array (indexed ``[x, y]`` as Mesa grids are) with y pointing up.

    ``labels`` maps integer cell values to legend names for categorical grids.
    """
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"draw_grid(): 'values' must be 2-D, got shape {values.shape}")
    image = ax.imshow(
        values.T, origin="lower", cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest"
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if labels:
        cm = image.cmap
        norm = image.norm
        handles = [
            mpl.patches.Patch(color=cm(norm(value)), label=name) for value, name in labels.items()
        ]
        ax.legend(
            handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=len(handles)
        )
    if title:
        ax.set_title(title)
    return image


def draw_network(
    ax: plt.Axes, graph, pos: dict, node_colors: Sequence, *, title: str = "", node_size: float = 30
) -> None:
    """Draw a networkx graph with given positions and per-node colours (edges light grey)."""
    import networkx as nx

    nx.draw_networkx_edges(graph, pos, ax=ax, edge_color=COLORS["grey"], alpha=0.4, width=0.6)
    nx.draw_networkx_nodes(
        graph, pos, ax=ax, node_color=list(node_colors), node_size=node_size, linewidths=0
    )
    ax.set_axis_off()
    if title:
        ax.set_title(title)

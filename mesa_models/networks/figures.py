"""Figures for the Unit 05 lesson and lab (helpers, not a model): the cascade window, the
prevalence curves, the effect of patching and distributions of simultaneous failures.

Every helper draws on a given (or new) matplotlib axis in the course's Okabe–Ito colours,
labels both axes with units and takes the title from the caller, who states the finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mesa_models.params import Param, validate_arguments
from mesa_models.plotting import COLORS, PALETTE

__all__ = [
    "cascade_snapshots",
    "plot_cascade_window",
    "plot_failure_distributions",
    "plot_patching",
    "plot_prevalence",
]


def _axis(ax: plt.Axes | None) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _frame(frame: pd.DataFrame, columns: Sequence[str], owner: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{owner}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{owner}: the table lacks column {missing[0]!r}; it has {', '.join(map(str, frame.columns))}"
        )
    return frame


@validate_arguments(width=Param("width", 3.2, "width of one panel", "inches", low=0.5, high=20))
def cascade_snapshots(model, steps: Sequence[int], *, width: float = 3.2) -> plt.Figure:
    """Draw ``model`` (anything with ``draw_state``, ``step`` and ``steps``) after each of the
    given step counts, one panel per count (counts must increase)."""
    if not hasattr(model, "draw_state") or not hasattr(model, "step"):
        raise TypeError(
            f"cascade_snapshots(): parameter 'model' got {type(model).__name__}; expected a model with draw_state"
        )
    if isinstance(steps, str | bytes) or not hasattr(steps, "__iter__"):
        raise TypeError(
            f"cascade_snapshots(): parameter 'steps' got {steps!r}; expected a list of step counts"
        )
    steps = list(steps)
    if (
        any(not isinstance(t, int | np.integer) or isinstance(t, bool) for t in steps)
        or len(steps) > 12
        or any(t > model.steps + 10_000 for t in steps)
    ):
        raise ValueError(
            f"cascade_snapshots(): parameter 'steps' got {steps!r}; allowed: up to 12 whole step counts, "
            "at most 10,000 ahead"
        )
    if (
        any(b <= a for a, b in zip(steps, steps[1:], strict=False))
        or not steps
        or steps[0] < model.steps
    ):
        raise ValueError(
            f"cascade_snapshots: parameter 'steps' got {steps!r}; allowed: increasing step counts from {model.steps}"
        )
    fig, axes = plt.subplots(1, len(steps), figsize=(width * len(steps), width + 0.4))
    for ax, target in zip(np.atleast_1d(axes), steps, strict=True):
        while model.steps < target:
            model.step()
        model.draw_state(ax)
        ax.set_title(f"step {model.steps}: {ax.get_title().split(' (')[0]}", fontsize=9)
        if ax is not np.atleast_1d(axes)[-1] and ax.get_legend() is not None:
            ax.get_legend().remove()
    return fig


def plot_cascade_window(
    frame: pd.DataFrame,
    *,
    window: tuple[float, float] | None = None,
    ax: plt.Axes | None = None,
    title: str = "",
) -> plt.Axes:
    """Watts's Fig. 2 layout: frequency of global cascades (filled) and mean size of the
    global cascades (open) against the mean degree z; the window predicted by the cascade
    condition shaded."""
    frame = _frame(frame, ("z", "frequency", "mean_global_size"), "plot_cascade_window")
    ax = _axis(ax)
    if window is not None:
        ax.axvspan(
            *window, color=COLORS["grey"], alpha=0.15, label="cascade condition holds (theory)"
        )
    ax.plot(
        frame["z"],
        frame["frequency"],
        "o-",
        color=COLORS["blue"],
        label="frequency of global cascades",
    )
    ax.plot(
        frame["z"],
        frame["mean_global_size"],
        "o",
        mfc="none",
        color=COLORS["vermillion"],
        label="mean size of a global cascade",
    )
    ax.set_xlabel("mean degree z (neighbours per agent)")
    ax.set_ylabel("share of runs / share of agents")
    ax.set_ylim(-0.02, 1.05)
    ax.legend(loc="center right", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_prevalence(
    curves: Mapping[str, pd.DataFrame],
    *,
    thresholds: Mapping[str, float] | None = None,
    ax: plt.Axes | None = None,
    title: str = "",
) -> plt.Axes:
    """Stationary share of compromised agents against the spreading rate lambda, one line
    per network (tables from :func:`~mesa_models.networks.contagion_fast.prevalence_curve`);
    optional vertical lines mark threshold estimates."""
    ax = _axis(ax)
    for (label, frame), colour, marker in zip(curves.items(), PALETTE, "os^D", strict=False):
        frame = _frame(frame, ("lambda", "prevalence"), "plot_prevalence")
        ax.plot(frame["lambda"], frame["prevalence"], marker=marker, color=colour, label=label)
    for (label, value), colour in zip((thresholds or {}).items(), PALETTE, strict=False):
        ax.axvline(value, color=colour, linestyle=":", label=label)
    ax.set_xlabel("spreading rate λ = β / μ")
    ax.set_ylabel("share of agents compromised (steady state)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_patching(frame: pd.DataFrame, *, ax: plt.Axes | None = None, title: str = "") -> plt.Axes:
    """Steady-state compromise against the share of agents patched, one line per strategy
    (a table from :func:`~mesa_models.networks.contagion_fast.patching_effect`)."""
    frame = _frame(frame, ("strategy", "patched_share", "prevalence"), "plot_patching")
    ax = _axis(ax)
    for (strategy, part), colour, marker in zip(
        frame.groupby("strategy", sort=False), PALETTE, "os", strict=False
    ):
        label = {"random": "patch random agents", "hubs": "patch the hubs"}.get(strategy, strategy)
        ax.plot(
            100 * part["patched_share"],
            part["prevalence"],
            marker=marker,
            color=colour,
            label=label,
        )
    ax.set_xlabel("agents patched before the start (% of all agents)")
    ax.set_ylabel("share of agents compromised (steady state)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


@validate_arguments(
    floor=Param(
        "floor",
        1e-6,
        "smallest probability drawn",
        "probability",
        low=0,
        high=1,
        low_open=True,
        high_open=True,
    )
)
def plot_failure_distributions(
    distributions: Mapping[str, np.ndarray],
    *,
    ax: plt.Axes | None = None,
    title: str = "",
    floor: float = 1e-6,
) -> plt.Axes:
    """Chance that a given number of agents fails on the same input: one set of stems per
    deployment (log scale, stems side by side; chances below ``floor`` are not drawn)."""
    ax = _axis(ax)
    items = list(distributions.items())
    for index, ((label, dist), colour) in enumerate(zip(items, PALETTE, strict=False)):
        dist = np.asarray(dist, dtype=float)
        share = 100 * np.arange(dist.size) / (dist.size - 1) + 0.8 * (index - (len(items) - 1) / 2)
        shown = dist >= floor
        ax.vlines(share[shown], floor, dist[shown], color=colour, linewidth=1.2)
        ax.plot(share[shown], dist[shown], "o", markersize=4, color=colour, label=label)
    ax.set_yscale("log")
    ax.set_ylim(floor, 1.5)
    ax.set_xlabel("agents failing on the same input (% of all agents)")
    ax.set_ylabel("probability (log scale)")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax

"""Figure helpers for the Unit 08 lesson and lab (kept out of the notebooks)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mesa_models.params import Param, validate_arguments
from mesa_models.plotting import PALETTE

__all__ = ["known_share", "plot_threshold"]


_KNOWN = Param("known", 0.8, "share of recipients with a record", low=0, low_open=True, high=1)


@validate_arguments(
    known=lambda value, owner: None if value is None else _KNOWN.validate(value, owner)
)
def plot_threshold(
    table: pd.DataFrame, *, ax: plt.Axes | None = None, known: float | None = None, title: str = ""
) -> plt.Axes:
    """Late cooperation against q, one line per c/b (mean over seeds, faint dots per seed),
    with a dotted vertical line at q = c/b and, if ``known`` is given, a dashed one at
    q = (c/b) / known (the threshold corrected for newcomers without a record)."""
    needed = {"c_over_b", "q", "seed", "cooperation"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise ValueError(
            f"plot_threshold(): 'table' must be a DataFrame with columns {sorted(needed)}"
        )
    if ax is None:
        _, ax = plt.subplots()
    for colour, (ratio, part) in zip(PALETTE, table.groupby("c_over_b"), strict=False):
        mean = part.groupby("q")["cooperation"].mean()
        ax.plot(part["q"], part["cooperation"], ".", color=colour, alpha=0.25)
        ax.plot(mean.index, mean.to_numpy(), "-o", color=colour, label=f"c/b = {ratio:g}")
        ax.axvline(ratio, color=colour, linestyle=":", linewidth=1.2)
        if known:
            ax.axvline(
                min(ratio / known, 1.0), color=colour, linestyle="--", linewidth=0.8, alpha=0.6
            )
    ax.set_xlabel("q, chance a donor knows the recipient's reputation (probability)")
    ax.set_ylabel("late cooperation (share helped)")
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlim(-0.02, 1.02)
    ax.plot([], [], ":", color="grey", label="q = c/b (Nowak & Sigmund)")
    if known:
        ax.plot([], [], "--", color="grey", label=f"q = (c/b) / {known:.2f} (newcomers)")
    ax.legend(loc="lower right", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def known_share(n_agents: int, rounds: int) -> float:
    """Average chance that a recipient has already acted as a donor in the current
    generation (and so has a record), for encounters drawn uniformly."""
    for name, value, low in (("n_agents", n_agents, 2), ("rounds", rounds, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            raise ValueError(
                f"known_share(): parameter {name!r} got {value!r}; allowed: an integer >= {low}"
            )
    a = 1 - 1 / n_agents
    return float(1 - n_agents * (1 - a**rounds) / rounds)

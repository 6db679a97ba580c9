"""The lesson's longer plots (Unit 10, Multi-agent security), kept out of the notebook.

Each function draws on the axes it is given (or new ones), labels them with units and
takes the title from the caller, who states the finding the run shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mesa_models.params import Param, validate_arguments
from mesa_models.plotting import COLORS, PALETTE
from mesa_models.security.infectious_jailbreak import expected_next, recurrence

__all__ = [
    "plot_log_n_scaling",
    "plot_recurrence_check",
    "plot_reset_vs_purge",
    "plot_threshold_tradeoff",
]


def _axes(ax: plt.Axes | None) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _optional(param: Param):
    return lambda value, owner: None if value is None else param.validate(value, owner)


@validate_arguments(
    beta=Param("beta", 0.5, "infection chance", low=0, high=1),
    gamma=Param("gamma", 0.5, "recovery chance", low=0, high=1),
    n_agents=Param("n_agents", 2, "agents", low=2),
)
def plot_recurrence_check(
    shares: np.ndarray,
    beta: float,
    gamma: float,
    n_agents: int,
    axes: Sequence[plt.Axes] | None = None,
    titles: Sequence[str] = ("", ""),
) -> Sequence[plt.Axes]:
    """Left: each run's share of infected agents per round, with Gu et al.'s recurrence
    started from one carrier. Right: every (c_t, c_{t+1}) pair of the runs against the
    recurrence's one-round map.

    ``shares``: array ``(runs, rounds + 1)`` of infected shares.
    """
    shares = np.asarray(shares, dtype=float)
    if shares.ndim != 2 or shares.shape[1] < 2:
        raise ValueError(
            f"plot_recurrence_check: 'shares' must have shape (runs, rounds + 1), got {shares.shape}"
        )
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    left, right = axes
    rounds = np.arange(shares.shape[1])
    for k, run in enumerate(shares):
        left.plot(
            rounds,
            run,
            color=COLORS["blue"],
            alpha=0.45,
            lw=1,
            label="agent model, one run each" if k == 0 else None,
        )
    left.plot(
        rounds,
        recurrence(1 / n_agents, beta, gamma, len(rounds) - 1, n_agents),
        color=COLORS["black"],
        lw=2,
        ls="--",
        label="recurrence from one carrier",
    )
    left.set_xlabel("chat round")
    left.set_ylabel("share of agents infected")
    left.set_ylim(-0.02, 1)
    left.legend(fontsize=8, loc="upper left")
    left.set_title(titles[0])
    now, nxt = shares[:, :-1].ravel(), shares[:, 1:].ravel()
    right.scatter(
        now, nxt, s=8, color=COLORS["blue"], alpha=0.35, label="agent model: (c_t, c_t+1)"
    )
    grid = np.linspace(0, 1, 101)
    right.plot(
        grid,
        [expected_next(c, beta, gamma, n_agents) for c in grid],
        color=COLORS["black"],
        lw=2,
        ls="--",
        label="recurrence: expected c_t+1",
    )
    right.plot(grid, grid, color=COLORS["grey"], lw=1, ls=":", label="no change")
    right.set_xlabel("share infected in round t")
    right.set_ylabel("share infected in round t + 1")
    right.legend(fontsize=8, loc="upper left")
    right.set_title(titles[1])
    return axes


def plot_log_n_scaling(
    table: pd.DataFrame, ax: plt.Axes | None = None, title: str = ""
) -> plt.Axes:
    """Rounds to reach a share against population size (log axis).

    ``table``: indexed by N, with columns ``simulated`` (median of the fast engine's runs),
    ``recurrence`` (rounds of the recurrence) and ``continuous`` (the paper's formula),
    optionally a second level of columns per target share (e.g. ``("simulated", 0.5)``).
    """
    ax = _axes(ax)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"plot_log_n_scaling: 'table' must be a DataFrame, got {type(table).__name__}"
        )
    styles = {
        "simulated": dict(marker="o", ls="-"),
        "recurrence": dict(marker="", ls="--"),
        "continuous": dict(marker="", ls=":"),
    }
    labels = {
        "simulated": "fast engine (median of runs)",
        "recurrence": "per-round recurrence",
        "continuous": "paper's continuous-time formula",
    }
    columns = list(table.columns)
    targets = (
        sorted({c[1] for c in columns}) if isinstance(table.columns, pd.MultiIndex) else [None]
    )
    for j, target in enumerate(targets):
        color = PALETTE[j % len(PALETTE)]
        for kind, style in styles.items():
            key = (kind, target) if target is not None else kind
            if key in table.columns:
                suffix = f", {target:.0%} infected" if target is not None else ""
                ax.plot(table.index, table[key], color=color, label=labels[kind] + suffix, **style)
    ax.set_xscale("log")
    ax.set_xlabel("number of agents N (log scale)")
    ax.set_ylabel("chat rounds")
    ax.legend(fontsize=7, ncol=2 if len(targets) > 1 else 1)
    ax.set_title(title)
    return ax


@validate_arguments(
    cleanup_round=Param("cleanup_round", 0, "round of the clean-up", low=0),
    attack_rounds=Param("attack_rounds", 0, "rounds the attacker is active", low=0),
)
def plot_reset_vs_purge(
    series: Mapping[str, pd.Series],
    cleanup_round: int,
    attack_rounds: int,
    ax: plt.Axes | None = None,
    title: str = "",
) -> plt.Axes:
    """Share of compromised agents per round for each clean-up policy (``series``: name ->
    mean series indexed by round), with the attack window and the clean-up marked."""
    ax = _axes(ax)
    ax.axvspan(0.5, attack_rounds + 0.5, color=COLORS["grey"], alpha=0.15, label="attacker active")
    dashes = ("-", "--", "-", "-.")
    for k, (name, values) in enumerate(series.items()):
        ax.plot(
            values.index,
            values,
            color=PALETTE[k % len(PALETTE)],
            ls=dashes[k % len(dashes)],
            label=name,
            lw=2,
        )
    ax.axvline(cleanup_round, color=COLORS["black"], ls=":", lw=1)
    ax.text(cleanup_round + 0.5, 0.02, "clean-up", fontsize=8)
    ax.set_xlabel("round")
    ax.set_ylabel("share of agents compromised")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="center left")
    ax.set_title(title)
    return ax


@validate_arguments(
    target=Param("target", 0.5, "acceptable late infected share", low=0, high=1),
    critical_threshold=Param(
        "critical_threshold", 0.5, "threshold that just contains the outbreak"
    ),
    chosen=_optional(Param("chosen", 0.5, "the chosen threshold")),
)
def plot_threshold_tradeoff(
    sweeps: Mapping[str, pd.DataFrame],
    target: float,
    critical_threshold: float,
    chosen: float | None = None,
    axes: Sequence[plt.Axes] | None = None,
    titles: Sequence[str] = ("", ""),
) -> Sequence[plt.Axes]:
    """Left: late infected share against the alarm threshold for each sweep (name ->
    :func:`~mesa_models.security.defence_fast.threshold_sweep` table), with the target and
    the threshold at which quarantine just contains the outbreak. Right: false-alarm cost
    against the threshold."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    left, right = axes
    for k, (name, frame) in enumerate(sweeps.items()):
        color = PALETTE[k % len(PALETTE)]
        left.errorbar(
            frame.index,
            frame["infected"],
            yerr=2 * frame["infected_se"].fillna(0),
            color=color,
            marker="o",
            ms=4,
            capsize=2,
            label=name,
        )
        right.plot(
            frame.index, frame["false_alarm_cost"], color=color, marker="o", ms=4, label=name
        )
    left.axhline(target, color=COLORS["grey"], ls="--", lw=1, label=f"target: {target:.0%}")
    for ax in (left, right):
        ax.axvline(
            critical_threshold,
            color=COLORS["black"],
            ls=":",
            lw=1.2,
            label=f"containment threshold {critical_threshold:.2f}",
        )
        if chosen is not None:
            ax.axvline(
                chosen,
                color=COLORS["green"],
                ls="-",
                lw=1,
                alpha=0.7,
                label=f"cheapest on target: {chosen:g}",
            )
        ax.set_xlabel("alarm threshold (monitor score, standard deviations)")
    left.set_ylabel("share infected (last 20 rounds)")
    right.set_ylabel("clean agents idle in quarantine (share)")
    left.legend(fontsize=7)
    right.legend(fontsize=7)
    left.set_title(titles[0])
    right.set_title(titles[1])
    return axes

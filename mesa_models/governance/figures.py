"""The Unit 11 lesson's longer plots (the notebook computes the numbers, these draw them)."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mesa_models.plotting import COLORS, PALETTE

__all__ = [
    "plot_attribution",
    "plot_capture_remedies",
    "plot_k_of_n",
    "plot_power_curves",
    "plot_regress",
]


def _frame(table: object, owner: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"{owner}(): parameter 'table' got {type(table).__name__}; expected a pandas DataFrame"
        )
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"{owner}(): parameter 'table' lacks column {missing[0]!r}; needs {', '.join(columns)}"
        )
    return table


def plot_k_of_n(table: pd.DataFrame, *, title: str = "") -> plt.Figure:
    """Left: chance a harmful high-risk action passes a unanimous panel of k auditors (log
    scale), exact lines and simulated points, one colour per correlation. Right: the share
    of benign actions falsely blocked. ``table`` columns: ``k``, ``correlation``,
    ``harmful_exact``, ``harmful_simulated``, ``blocked_exact``."""
    table = _frame(
        table,
        "plot_k_of_n",
        ("k", "correlation", "harmful_exact", "harmful_simulated", "blocked_exact"),
    )
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for color, (rho, rows) in zip(PALETTE, table.groupby("correlation"), strict=False):
        left.plot(
            rows["k"], rows["harmful_exact"], "-", color=color, label=f"correlation {rho:g}: exact"
        )
        left.plot(
            rows["k"],
            rows["harmful_simulated"],
            "o",
            color=color,
            label=f"correlation {rho:g}: simulated",
        )
        right.plot(
            rows["k"], rows["blocked_exact"], "-o", color=color, label=f"correlation {rho:g}"
        )
    left.set_yscale("log")
    left.set_xlabel("auditors on the panel, all must approve (k = n)")
    left.set_ylabel("harmful actions that get through (share, log)")
    left.legend(fontsize=7, ncol=1)
    right.set_xlabel("auditors on the panel, all must approve (k = n)")
    right.set_ylabel("benign actions blocked (share)")
    right.legend(fontsize=7)
    right.set_title("Every extra auditor also blocks more benign work", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=11, fontweight="bold")
    return fig


def plot_regress(table: pd.DataFrame, *, title: str = "") -> plt.Figure:
    """Chance a harmful high-risk action passes L layers of panels (log scale), one line per
    column of ``table`` (index: layers)."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"plot_regress(): parameter 'table' got {type(table).__name__}; expected a pandas DataFrame"
        )
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for color, column in zip(PALETTE, table.columns, strict=False):
        ax.plot(table.index, table[column], "-o", color=color, label=column)
    ax.set_yscale("log")
    ax.set_xticks(list(table.index))
    ax.set_xlabel("oversight layers (1 = one panel; 2 = auditors of the auditors; ...)")
    ax.set_ylabel("harmful high-risk actions that pass (share, log)")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_capture_remedies(
    series: Mapping[str, Mapping[str, np.ndarray]], *, title: str = ""
) -> plt.Figure:
    """Residual harm (left) and captured share of the auditor pool (right) over rounds, one
    line per policy. ``series[policy]`` has arrays ``residual_harm`` and ``captured``
    (runs x rounds + 1); the mean over runs is drawn, harm smoothed over 10 rounds."""
    if not isinstance(series, Mapping) or not series:
        raise TypeError(
            "plot_capture_remedies(): parameter 'series' must be a non-empty dict policy -> reporter arrays"
        )
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for color, (name, arrays) in zip(PALETTE, series.items(), strict=False):
        harm = np.asarray(arrays["residual_harm"]).mean(axis=0)[1:]
        smooth = np.convolve(harm, np.ones(10) / 10, mode="valid")
        left.plot(np.arange(10, len(harm) + 1), smooth, color=color, label=name)
        right.plot(np.asarray(arrays["captured"]).mean(axis=0), color=color, label=name)
    left.set_xlabel("round")
    left.set_ylabel("harm per proposal (harm units, 10-round mean)")
    right.set_xlabel("round")
    right.set_ylabel("auditors captured (share of pool)")
    left.legend(fontsize=7, loc="upper left")
    right.set_title("Rotation: many captured auditors, who rarely meet their captors", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=11, fontweight="bold")
    return fig


def plot_power_curves(
    table: pd.DataFrame,
    predicted: pd.DataFrame | None = None,
    *,
    title: str = "",
    false_alarms: pd.Series | None = None,
) -> plt.Figure:
    """Detection power against the number of scenarios (index of ``table``), one line per
    degradation (columns); dashed: ``predicted`` (same shape); grey: ``false_alarms``."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"plot_power_curves(): parameter 'table' got {type(table).__name__}; expected a pandas DataFrame"
        )
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    for color, column in zip(PALETTE, table.columns, strict=False):
        ax.plot(
            table.index,
            table[column],
            "o",
            color=color,
            label=f"prices {column:.0%} of the way to monopoly: simulated",
        )
        if predicted is not None:
            ax.plot(predicted.index, predicted[column], "--", color=color, lw=1)
    if false_alarms is not None:
        ax.plot(
            false_alarms.index,
            false_alarms,
            "s",
            color=COLORS["grey"],
            label="harmless change: false alarms",
        )
    if predicted is not None:
        ax.plot([], [], "--", color=COLORS["black"], lw=1, label="noncentral-t prediction")
    ax.set_xscale("log")
    ax.set_xticks(list(table.index), [str(i) for i in table.index])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("scenarios the evaluator runs per change (log scale)")
    ax.set_ylabel("changes flagged (share)")
    ax.legend(fontsize=7, loc="center right")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_attribution(table: pd.DataFrame, *, title: str = "") -> plt.Figure:
    """Grouped bars: each role's share of the harm (rows) under each attribution (columns)."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"plot_attribution(): parameter 'table' got {type(table).__name__}; expected a pandas DataFrame"
        )
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    width = 0.8 / len(table.columns)
    x = np.arange(len(table.index))
    for i, (color, column) in enumerate(
        zip(
            [COLORS["blue"], COLORS["sky"], COLORS["vermillion"], COLORS["green"]],
            table.columns,
            strict=False,
        )
    ):
        ax.bar(
            x + (i - (len(table.columns) - 1) / 2) * width,
            table[column],
            width=width,
            color=color,
            label=column,
        )
    ax.set_xticks(x, list(table.index))
    ax.set_ylabel("share of the harm")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig

"""The lesson's experiments and figures (Unit 09), kept here so the notebook stays short.

Each ``*_table`` function runs the models and returns a tidy ``pandas.DataFrame``; each
``plot_*`` function draws one such table on a given ``matplotlib`` axis, with labelled
axes (units in brackets) and the course's colour-blind-safe palette. Titles are left to the
caller, who states the finding for the run shown. The tests recompute every number the
lesson quotes from these tables (tests/test_emergence_numbers.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mesa_models.emergence.amplification import AmplificationModel, chain_deviation
from mesa_models.emergence.collapse import log_variance_drift
from mesa_models.emergence.collapse_fast import CollapseHistory
from mesa_models.emergence.schelling_fast import SchellingArray
from mesa_models.emergence.split_task import SplitTaskModel
from mesa_models.base import seed_argument, validate_rng
from mesa_models.params import Param, require, validate_arguments
from mesa_models.plotting import COLORS, PALETTE
from mesa_models.running import run

__all__ = [
    "amplification_by_length",
    "completion_by_pieces",
    "plot_amplification_by_length",
    "plot_collapse",
    "plot_completion_by_pieces",
    "plot_drift",
    "plot_segregation_by_preference",
    "segregation_by_preference",
]


def _steps(default: int) -> Param:
    return Param("steps", default, "steps to run", "steps", low=1, high=10_000)


_TOLERANCE = Param(
    "tolerance", 0.1, "largest acceptable deviation", "deviation", low=0, low_open=True, high=1e6
)


def _ints(values: Sequence[int], name: str, owner: str, low: int = 1) -> list[int]:
    values = list(values)
    require(len(values) > 0, name, values, "a non-empty list", owner)
    for v in values:
        require(
            isinstance(v, int | np.integer) and not isinstance(v, bool) and v >= low,
            name,
            v,
            f"integers >= {low}",
            owner,
        )
    return [int(v) for v in values]


# -- amplification ---------------------------------------------------------------------------------


@validate_arguments(seed=seed_argument("seed"), steps=_steps(5))
def amplification_by_length(
    lengths: Sequence[int], gains: Sequence[float], *, seed: int = 0, steps: int = 5, **settings
) -> pd.DataFrame:
    """Mean absolute deviation at the end of a chain, by length and gain (network scale).

    One row per (gain, length): the simulated ``deviation`` (mean over ``steps`` steps),
    the expected deviation ``bias * (1 + gain + ... + gain**(n-1))``, and the failure share."""
    lengths = _ints(lengths, "lengths", "amplification_by_length", low=2)
    rows = []
    for gain in gains:
        for n in lengths:
            frame = run(
                AmplificationModel,
                steps,
                rng=seed,
                scale="network",
                n_agents=n,
                gain=gain,
                **settings,
            )
            model_bias = settings.get("bias", AmplificationModel.params["bias"].default)
            rows.append(
                {
                    "gain": gain,
                    "agents": n,
                    "deviation": float(frame["deviation"].iloc[1:].mean()),
                    "expected": chain_deviation(n, gain, model_bias),
                    "failures": float(frame["failures"].iloc[1:].mean()),
                }
            )
    return pd.DataFrame(rows)


@validate_arguments(tolerance=_TOLERANCE)
def plot_amplification_by_length(
    table: pd.DataFrame, *, tolerance: float, ax: plt.Axes
) -> plt.Axes:
    """Deviation at the end of the chain against its length, one line per gain; dots are
    simulations, dashed lines the formula; the tolerance as a grey band's edge."""
    for colour, (gain, rows) in zip(PALETTE, table.groupby("gain", sort=True)):
        ax.plot(rows["agents"], rows["deviation"], "o", color=colour, label=f"gain {gain:g}")
        ax.plot(rows["agents"], rows["expected"], "--", color=colour, linewidth=1)
    ax.axhspan(0, tolerance, color=COLORS["green"], alpha=0.12, label="within tolerance")
    ax.set_xlabel("agents in the chain")
    ax.set_ylabel("mean |deviation| of the output [deviation units]")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    return ax


@validate_arguments(tolerance=_TOLERANCE)
def plot_drift(
    frame: pd.DataFrame, *, tolerance: float, ax: plt.Axes, label: str = "system output"
) -> plt.Axes:
    """Temporal scale: the system's mean deviation step by step, against the tolerance."""
    ax.plot(frame.index, frame["deviation"], color=COLORS["blue"], label=label)
    ax.axhline(tolerance, color=COLORS["vermillion"], linestyle="--", label="tolerance")
    ax.set_xlabel("step (one batch of tasks, then every agent learns)")
    ax.set_ylabel("mean |deviation| [deviation units]")
    ax.legend(fontsize=8)
    return ax


# -- model collapse ------------------------------------------------------------------------------


def plot_collapse(histories: dict[str, CollapseHistory], *, axes: Sequence[plt.Axes]) -> None:
    """Left: the median variance of the models by generation (log scale), with the
    theoretical ``exp(n d_M)``; right: the typical (median) model's probability of a value
    beyond 2 original standard deviations."""
    from mesa_models.emergence.collapse import ORIGINAL_TAIL_MASS, tail_mass

    left, right = axes
    for colour, (name, history) in zip(PALETTE, histories.items()):
        gens = np.arange(history.generations + 1)
        variance = history.sigma**2
        left.plot(gens, np.median(variance, axis=1), color=colour, label=name)
        right.plot(
            gens, np.median(tail_mass(history.mu, history.sigma), axis=1), color=colour, label=name
        )
    first = next(iter(histories.values()))
    gens = np.arange(first.generations + 1)
    left.plot(
        gens,
        np.exp(gens * log_variance_drift(first.sample_size)),
        color=COLORS["black"],
        linestyle="--",
        linewidth=1,
        label="theory: exp(n d_M)",
    )
    left.set_yscale("log")
    left.set_xlabel("generation")
    left.set_ylabel("median variance of the models [original = 1]")
    left.legend(fontsize=7)
    right.axhline(ORIGINAL_TAIL_MASS, color=COLORS["grey"], linestyle="--", label="original data")
    right.set_xlabel("generation")
    right.set_ylabel("typical model: P(|value| > 2) [share]")
    right.legend(fontsize=7)


# -- split tasks ---------------------------------------------------------------------------------


@validate_arguments(seed=seed_argument("seed"), steps=_steps(30))
def completion_by_pieces(
    pieces: Sequence[int], *, seed: int = 0, steps: int = 30, **settings
) -> pd.DataFrame:
    """Share of harmful and of benign tasks completed, by number of pieces (no monitor)."""
    pieces = _ints(pieces, "pieces", "completion_by_pieces")
    rows = []
    for k in pieces:
        frame = run(SplitTaskModel, steps, rng=seed, n_subtasks=k, **settings)
        rows.append(
            {
                "pieces": k,
                "harmful completed": float(frame["harmful_completed"].iloc[1:].mean()),
                "benign completed": float(frame["benign_completed"].iloc[1:].mean()),
            }
        )
    return pd.DataFrame(rows)


def plot_completion_by_pieces(table: pd.DataFrame, *, ax: plt.Axes) -> plt.Axes:
    ax.plot(
        table["pieces"],
        table["harmful completed"],
        "o-",
        color=COLORS["vermillion"],
        label="harmful tasks",
    )
    ax.plot(
        table["pieces"], table["benign completed"], "s-", color=COLORS["blue"], label="benign tasks"
    )
    ax.set_xlabel("pieces per task (1 = asked for directly)")
    ax.set_ylabel("tasks completed [share]")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(fontsize=8)
    return ax


# -- Schelling -----------------------------------------------------------------------------------


@validate_arguments(steps=_steps(100))
def segregation_by_preference(
    wanted: Sequence[float], *, seeds: Sequence[int] = (0, 1, 2), steps: int = 100, **settings
) -> pd.DataFrame:
    """Share of same-group neighbours after ``steps`` steps, by preference, for each seed."""
    seeds = [validate_rng(seed, "segregation_by_preference()", "seeds") for seed in seeds]
    rows = []
    for w in wanted:
        for seed in seeds:
            frame = run(SchellingArray, steps, rng=seed, wanted=w, **settings)
            rows.append(
                {
                    "wanted": w,
                    "seed": seed,
                    "similar": float(frame["similar"].iloc[-1]),
                    "start": float(frame["similar"].iloc[0]),
                }
            )
    return pd.DataFrame(rows)


def plot_segregation_by_preference(table: pd.DataFrame, *, ax: plt.Axes) -> plt.Axes:
    """Outcome against preference: every seed as a dot, the preference itself as a diagonal."""
    ax.plot(
        table["wanted"],
        table["similar"],
        "o",
        color=COLORS["blue"],
        alpha=0.7,
        label="outcome (each seed)",
    )
    grid = np.linspace(0, 1, 50)
    ax.plot(grid, grid, color=COLORS["grey"], linestyle="--", label="what households ask for")
    ax.axhline(table["start"].mean(), color=COLORS["orange"], linestyle=":", label="random start")
    ax.set_xlabel("least share of like neighbours a household accepts [share]")
    ax.set_ylabel("share of like neighbours after moving [share]")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    return ax

"""NumPy engine for the market for lemons: many runs for sweeps (Unit 04).

Same market, same parameters (:data:`~mesa_models.information.lemons.LEMONS_PARAMS`), same
random numbers and the same arithmetic as the Mesa model
:class:`~mesa_models.information.lemons.LemonsMarket` (see its module docstring), without
one Python object per seller: run ``j`` of ``simulate_lemons(periods, seeds=seeds)`` is the
Mesa model with ``rng=seeds[j]``, period by period and bit for bit
(tests/test_lemons.py checks it). A 1,000-seller run of 30 periods takes about a
millisecond, so volume and welfare against the certifier's accuracy over many seeds fit in
a lesson.

The sell and price rules are Akerlof's (sell when the net price covers the quality; pay the
expected value); to try other rules use the Mesa model's ``sell_rule=``/``price_rule=``.

>>> runs = simulate_lemons(20, seeds=[0, 1])
>>> runs.volume.shape, bool((runs.volume[:, -1] < 0.01).all())
((2, 21), True)
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mesa_models.base import seed_list
from mesa_models.information.lemons import (
    LEMONS_PARAMS,
    QUALITY_MAX,
    face_value_beliefs,
    grade_of,
    period_outcome,
)
from mesa_models.params import require

__all__ = ["LemonsRuns", "MAX_PERIODS", "simulate_lemons", "sweep_lemons"]

MAX_PERIODS = 100_000
COLUMNS = ("price", "volume", "offered_quality", "efficiency", "welfare")


@dataclass(frozen=True)
class LemonsRuns:
    """Reporter series of several runs, each an array of shape ``(runs, periods + 1)``
    (column 0 is the opening state, as in the Mesa model's DataCollector)."""

    seeds: tuple[int, ...]
    params: dict[str, Any]
    price: np.ndarray
    volume: np.ndarray
    offered_quality: np.ndarray
    efficiency: np.ndarray
    welfare: np.ndarray
    belief: np.ndarray  # final per-grade estimates, shape (runs, grades)

    def frame(self, run: int = 0) -> pd.DataFrame:
        """One run as the table :func:`mesa_models.running.run` returns for the Mesa model."""
        if (
            isinstance(run, bool)
            or not isinstance(run, numbers.Integral)
            or not 0 <= run < len(self.seeds)
        ):
            raise ValueError(
                f"LemonsRuns.frame(): parameter 'run' got {run!r}; allowed: an integer in [0, {len(self.seeds) - 1}]"
            )
        frame = pd.DataFrame({c: getattr(self, c)[run] for c in COLUMNS})
        frame.index.name = "step"
        return frame

    def late(self, column: str, last: int = 10) -> np.ndarray:
        """Mean of ``column`` over the last ``last`` periods, one value per run (NaN periods skipped)."""
        if column not in COLUMNS:
            raise ValueError(
                f"LemonsRuns.late(): parameter 'column' got {column!r}; allowed: one of {', '.join(COLUMNS)}"
            )
        values = getattr(self, column)
        if (
            isinstance(last, bool)
            or not isinstance(last, numbers.Integral)
            or not 1 <= last <= values.shape[1] - 1
        ):
            raise ValueError(
                f"LemonsRuns.late(): parameter 'last' got {last!r}; allowed: an integer in [1, {values.shape[1] - 1}]"
            )
        tail = values[:, -last:]
        if column in ("volume", "efficiency", "welfare"):
            return tail.mean(axis=1)
        with np.errstate(all="ignore"):
            counts = np.isfinite(tail).sum(axis=1)
            sums = np.where(np.isfinite(tail), tail, 0.0).sum(axis=1)
            return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _periods(periods: Any, owner: str) -> int:
    if isinstance(periods, bool) or not isinstance(periods, numbers.Integral):
        raise TypeError(
            f"{owner}: parameter 'periods' got {periods!r}; expected an integer in [0, {MAX_PERIODS}]"
        )
    require(
        0 <= periods <= MAX_PERIODS, "periods", periods, f"an integer in [0, {MAX_PERIODS}]", owner
    )
    return int(periods)


def _resolve(params: dict[str, Any], owner: str) -> dict[str, Any]:
    p = LEMONS_PARAMS.resolve(params, owner)
    require(
        p["grades"] > 1 or p["certifier_accuracy"] == 0,
        "certifier_accuracy",
        p["certifier_accuracy"],
        "0 when grades = 1 (no certifier); set grades >= 2 to certify",
        owner,
    )
    require(
        p["grades"] > 1 or p["certification_cost"] == 0,
        "certification_cost",
        p["certification_cost"],
        "0 when grades = 1 (no certifier); set grades >= 2 to certify",
        owner,
    )
    return p


def _one_run(periods: int, seed: int, p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, grades, premium, rate = p["n_sellers"], p["grades"], p["premium"], p["learning_rate"]
    belief = face_value_beliefs(grades, premium, p["initial_belief"])
    out = np.full((len(COLUMNS), periods + 1), np.nan)
    out[0, 0] = belief.mean()
    inspection = p["certification_cost"] * n if grades > 1 else 0.0
    for t in range(1, periods + 1):
        quality = rng.uniform(0.0, QUALITY_MAX, n)
        if grades > 1:
            correct = rng.random(n) < p["certifier_accuracy"]
            random_grade = rng.integers(0, grades, n)
            certificate = np.where(correct, grade_of(quality, grades), random_grade)
        else:
            certificate = np.zeros(n, dtype=np.int64)
        quoted = belief.copy()[certificate]
        refund = p["warranty"] * np.maximum(0.0, quoted - premium * quality)
        sold = quoted - refund >= quality
        outcome = period_outcome(quality, quoted, sold, premium, p["warranty"])
        for grade in range(grades):
            bought = sold & (certificate == grade)
            if bought.any():
                belief[grade] = (1.0 - rate) * belief[grade] + rate * outcome["value"][
                    bought
                ].mean()
        first_best = outcome["gains"].sum()
        realised = outcome["gains"][sold].sum()
        out[0, t] = quoted.mean()
        out[1, t] = sold.mean()
        out[2, t] = quality[sold].mean() if sold.any() else np.nan
        if first_best > 0:
            out[3, t] = realised / first_best
            out[4, t] = (realised - inspection) / first_best
    return out, belief


def simulate_lemons(periods: int, *, seeds: Any = 0, **params: Any) -> LemonsRuns:
    """Run the lemons market for ``periods`` periods once per seed.

    ``params`` are :class:`~mesa_models.information.lemons.LemonsMarket`'s parameters.
    """
    owner = "simulate_lemons"
    periods = _periods(periods, owner)
    seeds = seed_list(seeds, owner)
    p = _resolve(params, owner)
    results = [_one_run(periods, seed, p) for seed in seeds]
    series = np.stack([r[0] for r in results])  # (runs, columns, periods + 1)
    return LemonsRuns(
        seeds=tuple(seeds),
        params=p,
        **{c: series[:, i] for i, c in enumerate(COLUMNS)},
        belief=np.stack([r[1] for r in results]),
    )


def sweep_lemons(
    name: str, values: Iterable[Any], periods: int, *, seeds: Any = 0, last: int = 10, **params: Any
) -> pd.DataFrame:
    """Late means (last ``last`` periods) of volume, offered quality, efficiency and welfare
    for each value of one parameter, averaged over ``seeds``.

    Returns one row per value (index: the value) with columns ``volume``,
    ``offered_quality``, ``efficiency``, ``welfare`` and their standard deviations over
    seeds (``*_sd``).
    """
    owner = "sweep_lemons"
    if name not in LEMONS_PARAMS:
        raise ValueError(
            f"{owner}: parameter 'name' got {name!r}; allowed: one of {', '.join(LEMONS_PARAMS)}"
        )
    if name in params:
        raise TypeError(f"{owner}: {name!r} is swept; do not also pass it as a fixed parameter")
    values = list(values) if isinstance(values, Iterable) and not isinstance(values, str) else None
    if not values:
        raise ValueError(
            f"{owner}: parameter 'values' got an empty or non-list value; pass a list of values for {name!r}"
        )
    rows = []
    for value in values:
        runs = simulate_lemons(periods, seeds=seeds, **{**params, name: value})
        row: dict[str, float] = {}
        for column in ("volume", "offered_quality", "efficiency", "welfare"):
            late = runs.late(column, last)
            row[column] = float(np.nanmean(late)) if np.isfinite(late).any() else float("nan")
            row[f"{column}_sd"] = (
                float(np.nanstd(late)) if np.isfinite(late).any() else float("nan")
            )
        rows.append(row)
    frame = pd.DataFrame(rows, index=pd.Index(values, name=name))
    return frame

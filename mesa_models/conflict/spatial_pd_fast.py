"""Vectorised NumPy engine for Nowak & May's (1992) spatial prisoner's dilemma.

Same rules, same parameters, same tie-breaking as the readable Mesa model
:class:`mesa_models.conflict.spatial_pd.SpatialPD` (see its module docstring): every cell plays its
8 Moore neighbours and itself on a torus, then takes the strategy of the best scorer in its
3x3 block; the strategy whose best score in the block is strictly higher wins and an exact
tie keeps the cell's strategy. Scores use the same formula as the Mesa model
(``n_C * payoff(me, C) + n_D * payoff(me, D)``), so the two engines produce the same grid
trajectory from the same start, step by step (tests/test_spatial_pd.py checks it).

Synchronous steps are whole-array operations (``np.roll``): about a millisecond per step on
a 100x100 grid, fast enough for sweeps over b and long runs on big grids. Asynchronous
steps (Huberman & Glance 1993) are inherently sequential and run as a plain Python loop
that keeps each cell's count of cooperators in its block up to date.

The update rule is fixed (imitate the best); to experiment with other rules use the Mesa
model's ``update_rule=``. The payoff is injectable exactly as in the Mesa model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.conflict.spatial_pd import (
    SPATIAL_PD_PARAMS,
    _initial_grid,
    draw_transitions,
    nowak_may_payoff,
    payoff_table,
)

__all__ = [
    "SpatialPDArray",
    "block_max",
    "block_sum",
    "scores",
    "step_asynchronous",
    "step_synchronous",
]

N_BLOCK = 9  # a cell and its 8 Moore neighbours


def block_sum(values: np.ndarray) -> np.ndarray:
    """Sum over each cell's 3x3 block on a torus."""
    rows = values + np.roll(values, 1, axis=0) + np.roll(values, -1, axis=0)
    return rows + np.roll(rows, 1, axis=1) + np.roll(rows, -1, axis=1)


def block_max(values: np.ndarray) -> np.ndarray:
    """Maximum over each cell's 3x3 block on a torus."""
    rows = np.maximum(values, np.maximum(np.roll(values, 1, axis=0), np.roll(values, -1, axis=0)))
    return np.maximum(rows, np.maximum(np.roll(rows, 1, axis=1), np.roll(rows, -1, axis=1)))


def scores(grid: np.ndarray, table: dict[tuple[str, str], float]) -> np.ndarray:
    """Each cell's total payoff from its nine games (True = cooperator)."""
    n_c = block_sum(grid.astype(np.int64))
    n_d = N_BLOCK - n_c
    as_c = n_c * table["C", "C"] + n_d * table["C", "D"]
    as_d = n_c * table["D", "C"] + n_d * table["D", "D"]
    return np.where(grid, as_c, as_d)


def step_synchronous(grid: np.ndarray, table: dict[tuple[str, str], float]) -> np.ndarray:
    """One synchronous imitate-the-best step; returns the new grid."""
    score = scores(grid, table)
    best_c = block_max(np.where(grid, score, -np.inf))
    best_d = block_max(np.where(grid, -np.inf, score))
    return np.where(best_c > best_d, True, np.where(best_d > best_c, False, grid))


def step_asynchronous(
    grid: np.ndarray, table: dict[tuple[str, str], float], order: Sequence[tuple[int, int]]
) -> np.ndarray:
    """One asynchronous sweep: cells in ``order`` update one at a time with current scores."""
    width, height = grid.shape
    coop = grid.tolist()
    n_c = block_sum(grid.astype(np.int64)).tolist()
    pay = {True: (table["C", "C"], table["C", "D"]), False: (table["D", "C"], table["D", "D"])}
    for x, y in order:
        block = [((x + dx) % width, (y + dy) % height) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        best_c = best_d = -np.inf
        for i, j in block:
            vs_c, vs_d = pay[coop[i][j]]
            score = n_c[i][j] * vs_c + (N_BLOCK - n_c[i][j]) * vs_d
            if coop[i][j]:
                best_c = max(best_c, score)
            else:
                best_d = max(best_d, score)
        new = True if best_c > best_d else False if best_d > best_c else coop[x][y]
        if new != coop[x][y]:
            coop[x][y] = new
            change = 1 if new else -1
            for i, j in block:
                n_c[i][j] += change
    return np.array(coop, dtype=bool)


class SpatialPDArray(RiskModel):
    """The spatial prisoner's dilemma on a NumPy array (same rules as :class:`SpatialPD`).

    Reporters: ``cooperators`` (share of C cells), ``switched`` (share that changed in the
    last step). ``grid`` holds the current strategies (True = cooperator, ``[x, y]``).
    """

    params = SPATIAL_PD_PARAMS
    reporters = {
        "cooperators": lambda m: float(m.grid.mean()),
        "switched": lambda m: float((m.grid != m.previous).mean()),
    }
    default_plots = ("cooperators",)

    def __init__(
        self,
        *,
        initial: np.ndarray | None = None,
        payoff: Callable[[str, str, float], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        self.payoffs = payoff_table(payoff or nowak_may_payoff, self.b)
        self.grid = _initial_grid(
            initial, self.width, self.height, self.initial_cooperators, self.rng, "SpatialPDArray"
        )
        self.previous = self.grid.copy()
        self.start_datacollector()

    def step(self) -> None:
        self.previous = self.grid
        if self.asynchronous:
            flat = self.rng.permutation(self.width * self.height)
            order = list(
                zip((flat // self.height).tolist(), (flat % self.height).tolist(), strict=True)
            )
            self.grid = step_asynchronous(self.grid, self.payoffs, order)
        else:
            self.grid = step_synchronous(self.grid, self.payoffs)
        self.datacollector.collect(self)

    def scores(self) -> np.ndarray:
        """Every cell's current total payoff."""
        return scores(self.grid, self.payoffs)

    def draw_state(self, ax: plt.Axes) -> None:
        draw_transitions(ax, self.previous, self.grid, b=self.b)

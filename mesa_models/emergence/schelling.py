"""Schelling's segregation: mild individual preferences, a strong collective pattern (Unit 09).

Schelling, T. C. (1971), "Dynamic models of segregation", *Journal of Mathematical
Sociology* 1(2):143-186, doi:10.1080/0022250X.1971.9989794. Two groups of households live
on a grid with some empty cells. A household is content when at least a share ``wanted``
of its occupied neighbouring cells (the 8 around it) hold its own group; otherwise it
moves. No household wants segregation -- with ``wanted = 0.3`` each is happy as a minority
of 30 % -- yet the population sorts itself into large single-group areas: an emergent
outcome that nobody intended. Hatna & Benenson (2015, *JASSS* 18(4):15,
doi:10.18564/jasss.2962) summarise the model's known "tipping point": a random pattern
stays integrated when the threshold is below 1/3 and becomes segregated above it.

Rules of this implementation (the NumPy engine :mod:`mesa_models.emergence.schelling_fast`
follows them exactly, so both give the same grid step by step):

* the grid is a ``width`` x ``height`` torus; each cell is occupied with probability
  ``density``, by group 1 with probability ``minority_share`` and group 0 otherwise;
* a household with no occupied neighbour is content;
* each step, all discontented households (listed in grid order, x then y) are shuffled,
  the empty cells (grid order) are shuffled, and the first ``min(#discontented, #empty)``
  households move to the first cells of that list: everyone who wants to move in a step
  looks for a place at the same time, and a cell vacated now is free from the next step.

Reporters: ``similar`` (mean share of same-group neighbours among occupied neighbours,
over households with at least one neighbour; about 0.5 for a random start),
``discontented`` (share of households wanting to move), ``moved`` (share that moved).

Extension points: ``content_rule=`` (``f(household, same, occupied) -> bool``, default
:func:`at_least_wanted`); or subclass :class:`Household` and override
:meth:`Household.is_content`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params
from mesa_models.plotting import COLORS, draw_grid

__all__ = [
    "SCHELLING_PARAMS",
    "Household",
    "Schelling",
    "at_least_wanted",
    "draw_households",
    "random_town",
]

SCHELLING_PARAMS = Params(
    Param("width", 50, "cells across the (torus) grid", "cells", low=3, high=1000),
    Param("height", 50, "cells up the (torus) grid", "cells", low=3, high=1000),
    Param(
        "density",
        0.9,
        "share of cells occupied",
        "fraction",
        low=0,
        high=1,
        low_open=True,
        high_open=True,
        step=0.01,
    ),
    Param(
        "minority_share",
        0.5,
        "share of households in group 1",
        "fraction",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "wanted",
        0.3,
        "least share of same-group neighbours a household is content with",
        "fraction",
        low=0,
        high=1,
        step=0.05,
    ),
)


def random_town(
    width: int, height: int, density: float, minority_share: float, rng: np.random.Generator
) -> np.ndarray:
    """A random start: -1 empty, 0 or 1 the household's group; indexed ``[x, y]``."""
    occupied = rng.random((width, height)) < density
    group = (rng.random((width, height)) < minority_share).astype(np.int8)
    return np.where(occupied, group, np.int8(-1)).astype(np.int8)


def at_least_wanted(household: Household, same: int, occupied: int) -> bool:
    """Schelling's rule: content when ``same / occupied >= wanted`` (or with no neighbours)."""
    return occupied == 0 or same >= household.model.wanted * occupied - 1e-12


class Household(CellAgent):
    """A household of group 0 or 1 that moves when too few neighbours are like it."""

    def __init__(self, model: Schelling, cell, group: int) -> None:
        super().__init__(model)
        self.cell = cell
        self.group = group

    def neighbour_counts(self) -> tuple[int, int]:
        """(same-group neighbours, occupied neighbouring cells)."""
        others = list(self.cell.neighborhood.agents)
        return sum(1 for other in others if other.group == self.group), len(others)

    def is_content(self) -> bool:
        same, occupied = self.neighbour_counts()
        verdict = self.model.content_rule(self, same, occupied)
        if not isinstance(verdict, bool | np.bool_):
            name = getattr(self.model.content_rule, "__name__", "content_rule")
            raise ValueError(f"content rule {name!r} returned {verdict!r}; allowed: True or False")
        return bool(verdict)


class Schelling(RiskModel):
    """Schelling's (1971) segregation model on a torus, one Mesa agent per household."""

    params = SCHELLING_PARAMS
    reporters = {
        "similar": lambda m: m.similar_share(),
        "discontented": "discontented",
        "moved": "moved",
    }
    default_plots = ("similar",)
    household_class: ClassVar[type[Household]] = Household

    def __init__(
        self,
        *,
        content_rule: Callable[[Household, int, int], bool] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        if content_rule is not None and not callable(content_rule):
            raise TypeError(
                f"Schelling: parameter 'content_rule' got {content_rule!r}; expected a function (household, same, occupied) -> bool"
            )
        self.content_rule = content_rule or at_least_wanted
        town = random_town(self.width, self.height, self.density, self.minority_share, self.rng)
        self.grid = OrthogonalMooreGrid(
            (self.width, self.height), torus=True, capacity=1, random=self.random
        )
        for cell in self.grid.all_cells:
            if town[cell.coordinate] >= 0:
                self.household_class(self, cell, int(town[cell.coordinate]))
        self.moved = 0.0
        self.discontented = self._discontented_share()
        self.start_datacollector()

    def _discontented_share(self) -> float:
        households = list(self.agents)
        return sum(not h.is_content() for h in households) / max(len(households), 1)

    def step(self) -> None:
        households = sorted(self.agents, key=lambda h: h.cell.coordinate)
        movers = [h for h in households if not h.is_content()]
        empty = sorted((c for c in self.grid.all_cells if c.is_empty), key=lambda c: c.coordinate)
        mover_order = self.rng.permutation(len(movers))
        cell_order = self.rng.permutation(len(empty))
        n = min(len(movers), len(empty))
        for k in range(n):
            movers[mover_order[k]].cell = empty[cell_order[k]]
        self.moved = n / max(len(households), 1)
        self.discontented = self._discontented_share()
        self.datacollector.collect(self)

    # -- reporting ---------------------------------------------------------------------------
    def town(self) -> np.ndarray:
        """The grid as an array: -1 empty, else the household's group; indexed ``[x, y]``."""
        grid = np.full((self.width, self.height), -1, dtype=np.int8)
        for h in self.agents:
            grid[h.cell.coordinate] = h.group
        return grid

    def similar_share(self) -> float:
        shares = []
        for h in self.agents:
            same, occupied = h.neighbour_counts()
            if occupied:
                shares.append(same / occupied)
        return float(np.mean(shares)) if shares else float("nan")

    def draw_state(self, ax: plt.Axes) -> None:
        draw_households(
            ax,
            self.town(),
            title=f"step {self.steps}: {self.similar_share():.0%} of neighbours alike",
        )


def draw_households(ax: plt.Axes, town: np.ndarray, *, title: str = "") -> None:
    """Empty cells light grey, group 0 blue, group 1 orange (Okabe-Ito)."""
    cmap = mpl.colors.ListedColormap(["#EEEEEE", COLORS["blue"], COLORS["orange"]])
    draw_grid(
        ax,
        np.asarray(town) + 1,
        cmap=cmap,
        vmin=-0.5,
        vmax=2.5,
        labels={0: "empty", 1: "group 0", 2: "group 1"},
        title=title,
    )

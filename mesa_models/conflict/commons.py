"""Commons harvest: greedy harvesters collapse a renewable resource (Unit 02, Conflict).

After the Commons Harvest substrate of Melting Pot (Leibo et al. 2021, arXiv:2107.06857;
first in Perolat et al. 2017): apples grow in patches on a grid, and an empty cell regrows
an apple with a probability that rises with the number of apples left among its 8
neighbours. A cell with no apple left around it never regrows, so a patch harvested to
its last apple is gone for good: Hardin's (1968) "tragedy of the commons" in miniature.
Ostrom (1990, *Governing the Commons*) documented how communities avoid it: restraint,
monitoring, graduated sanctions, quotas.

Each step every harvester (in random order) walks to a neighbouring cell (one with an
apple if there is one) and decides, with its harvest policy, whether to take the apple
there. An apple is worth 1. A sanction rule may fine a harvest; a harvest is seen by
monitors with probability ``monitoring``, and a seen harvest pays the fine. Harvesters
know the rule: the built-in policies take an apple only when its value exceeds the
expected fine (``monitoring × fine``).

Extension points: ``harvest_policy=`` (a function ``(harvester, cell, expected_fine) ->
bool``) and ``sanction_rule=`` (a function ``(harvester, cell) -> fine >= 0``), both
called with the apple still on the cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from mesa.discrete_space import Cell, CellAgent, OrthogonalMooreGrid

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS, draw_grid

__all__ = [
    "CommonsHarvest",
    "Harvester",
    "gini",
    "greedy",
    "no_sanction",
    "protect_last_apples",
    "quota",
    "restrained",
]

APPLE_VALUE = 1.0


def gini(values: Any) -> float:
    """Gini coefficient of non-negative values: 0 = perfect equality, near 1 = one takes all."""
    x = np.sort(np.asarray(values, dtype=float))
    if x.size == 0 or x.sum() == 0:
        return 0.0
    if (x < 0).any():
        raise ValueError("gini(): values must be >= 0")
    n = x.size
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


# -- harvest policies: (harvester, cell, expected_fine) -> take the apple? ---------------
def greedy(harvester: Harvester, cell: Cell, expected_fine: float) -> bool:
    """Take every apple worth more than the expected fine."""
    return APPLE_VALUE > expected_fine


def restrained(harvester: Harvester, cell: Cell, expected_fine: float) -> bool:
    """Ostrom-style self-restraint: leave an apple unless at least ``restraint`` apples
    remain around it (so the patch can regrow), and never take one not worth the fine."""
    return (
        harvester.model.apples_around(cell) >= harvester.model.restraint
        and APPLE_VALUE > expected_fine
    )


def quota(per_step: float) -> Callable[[Harvester, Cell, float], bool]:
    """A quota policy: greedy, but each harvester takes at most ``per_step`` apples per
    step on average since the start."""
    if isinstance(per_step, bool) or not isinstance(per_step, int | float) or per_step <= 0:
        raise ValueError(f"quota(): parameter 'per_step' got {per_step!r}; allowed: a number > 0")

    def within_quota(harvester: Harvester, cell: Cell, expected_fine: float) -> bool:
        allowance = per_step * (harvester.model.steps + 1)
        return harvester.apples < allowance and greedy(harvester, cell, expected_fine)

    within_quota.__name__ = f"quota({per_step:g})"
    return within_quota


# -- sanction rules: (harvester, cell) -> fine --------------------------------------------
def no_sanction(harvester: Harvester, cell: Cell) -> float:
    """No rules, no fines."""
    return 0.0


def protect_last_apples(harvester: Harvester, cell: Cell) -> float:
    """Fine ``model.fine`` for taking an apple with fewer than ``model.protect_below``
    apples around it (the seed stock a patch needs to regrow); otherwise nothing."""
    model = harvester.model
    return model.fine if model.apples_around(cell) < model.protect_below else 0.0


class Harvester(CellAgent):
    """A forager that walks towards apples and takes them as its policy allows."""

    def __init__(self, model: CommonsHarvest) -> None:
        super().__init__(model)
        self.apples = 0  # apples taken so far
        self.fines = 0.0  # fines paid so far

    @property
    def payoff(self) -> float:
        return self.apples * APPLE_VALUE - self.fines

    def move(self) -> None:
        """Step to a neighbouring cell, preferring one with an apple."""
        cells = list(self.cell.neighborhood)
        with_apples = [c for c in cells if self.model.has_apple(c)]
        self.cell = self.random.choice(with_apples or cells)

    def step(self) -> None:
        self.move()
        model = self.model
        if not model.has_apple(self.cell):
            return
        fine = model.sanction_rule(self, self.cell)
        if isinstance(fine, bool) or not isinstance(fine, int | float | np.number) or not fine >= 0:
            name = getattr(model.sanction_rule, "__name__", repr(model.sanction_rule))
            raise ValueError(f"sanction rule {name!r} returned {fine!r}; allowed: a number >= 0")
        take = model.harvest_policy(self, self.cell, model.monitoring * fine)
        if not isinstance(take, bool | np.bool_):
            name = getattr(model.harvest_policy, "__name__", repr(model.harvest_policy))
            raise ValueError(f"harvest policy {name!r} returned {take!r}; allowed: True or False")
        if take:
            model.apples[self.cell.coordinate] = False
            self.apples += 1
            if fine > 0 and self.random.random() < model.monitoring:
                self.fines += fine


class CommonsHarvest(RiskModel):
    """Harvesters share apple patches that regrow only near remaining apples.

    Reporters: ``stock`` (share of the initial apples standing), ``welfare`` (total payoff
    so far: apples taken minus fines), ``equality`` (1 - Gini of harvesters' payoffs),
    ``collapsed`` (1 once no apple is left). ``time_to_collapse`` is the step the last
    apple went (None while any stand).
    """

    params = Params(
        Param("width", 24, "cells across the (torus) grid", "cells", low=6, high=200),
        Param("height", 24, "cells up the (torus) grid", "cells", low=6, high=200),
        Param("n_harvesters", 12, "harvesting agents", "agents", low=1, high=500),
        Param("n_patches", 6, "square apple patches at the start", "patches", low=1, high=50),
        Param("patch_size", 4, "side of each apple patch", "cells", low=1, high=20),
        Param(
            "regrowth",
            0.05,
            "regrowth chance per step of an empty cell with all 8 neighbours bearing apples (scaled by the share that do)",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param("policy", "greedy", "built-in harvest policy", choices=("greedy", "restrained")),
        Param(
            "restraint",
            3,
            "restrained harvesters leave an apple with fewer apples than this around it",
            "apples",
            low=0,
            high=8,
        ),
        Param(
            "fine",
            0.0,
            "fine for taking a protected apple (one with fewer than protect_below apples around)",
            "apples",
            low=0,
            high=20,
            step=0.1,
        ),
        Param(
            "protect_below",
            2,
            "an apple with fewer neighbouring apples than this is protected by the sanction rule",
            "apples",
            low=0,
            high=9,
        ),
        Param(
            "monitoring",
            0.5,
            "chance a sanctionable harvest is seen and fined",
            "probability",
            low=0,
            high=1,
            step=0.05,
        ),
    )
    reporters = {
        "stock": lambda m: m.stock(),
        "welfare": lambda m: m.welfare(),
        "equality": lambda m: 1 - gini([max(h.payoff, 0.0) for h in m.agents]),
        "collapsed": lambda m: int(not m.apples.any()),
    }
    default_plots = ("stock", "welfare")

    def __init__(
        self,
        *,
        harvest_policy: Callable[[Harvester, Cell, float], bool] | None = None,
        sanction_rule: Callable[[Harvester, Cell], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        require(
            self.patch_size < min(self.width, self.height),
            "patch_size",
            self.patch_size,
            f"less than the grid's smaller side ({min(self.width, self.height)})",
            "CommonsHarvest",
        )
        for name, func, signature in (
            ("harvest_policy", harvest_policy, "(harvester, cell, expected_fine) -> bool"),
            ("sanction_rule", sanction_rule, "(harvester, cell) -> fine"),
        ):
            if func is not None and not callable(func):
                raise TypeError(
                    f"CommonsHarvest: parameter {name!r} got {func!r}; expected a function {signature}"
                )
        self.harvest_policy = (
            harvest_policy or {"greedy": greedy, "restrained": restrained}[self.policy]
        )
        if sanction_rule is None:
            sanction_rule = protect_last_apples if self.fine > 0 else no_sanction
        self.sanction_rule = sanction_rule
        self.grid = OrthogonalMooreGrid((self.width, self.height), torus=True, random=self.random)
        self.apples = np.zeros((self.width, self.height), dtype=bool)
        for _ in range(self.n_patches):
            x, y = self.rng.integers(self.width), self.rng.integers(self.height)
            xs = np.arange(x, x + self.patch_size) % self.width
            ys = np.arange(y, y + self.patch_size) % self.height
            self.apples[np.ix_(xs, ys)] = True
        self.initial_apples = int(self.apples.sum())
        cells = list(self.grid.all_cells)
        for _ in range(self.n_harvesters):
            Harvester(self).cell = self.random.choice(cells)
        self.time_to_collapse: int | None = None
        self.start_datacollector()

    # -- the resource --------------------------------------------------------------
    def has_apple(self, cell: Cell) -> bool:
        return bool(self.apples[cell.coordinate])

    def apples_around(self, cell: Cell) -> int:
        """Apples on the 8 cells around ``cell``."""
        return sum(self.apples[c.coordinate] for c in cell.neighborhood)

    def neighbour_counts(self) -> np.ndarray:
        """Apples around every cell (8 neighbours, torus), as an array."""
        a = self.apples.astype(int)
        rows = a + np.roll(a, 1, 0) + np.roll(a, -1, 0)
        return rows + np.roll(rows, 1, 1) + np.roll(rows, -1, 1) - a

    def regrow(self) -> None:
        """Each empty cell regrows with probability ``regrowth × (apples around)/8``."""
        chance = self.regrowth * self.neighbour_counts() / 8
        self.apples |= ~self.apples & (self.rng.random(self.apples.shape) < chance)

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.regrow()
        if self.time_to_collapse is None and not self.apples.any():
            self.time_to_collapse = self.steps
        self.datacollector.collect(self)

    # -- reporting -------------------------------------------------------------------
    def stock(self) -> float:
        return float(self.apples.sum()) / self.initial_apples

    def welfare(self) -> float:
        return float(sum(h.payoff for h in self.agents))

    def draw_state(self, ax: plt.Axes) -> None:
        """Apples (green) and harvesters (vermillion dots)."""
        cmap = mpl.colors.ListedColormap(["#FFFFFF", COLORS["green"]])
        draw_grid(ax, self.apples.astype(int), cmap=cmap, vmin=0, vmax=1)
        xy = np.array([h.cell.coordinate for h in self.agents])
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            marker="o",
            s=28,
            color=COLORS["vermillion"],
            edgecolors="black",
            linewidths=0.5,
            label="harvester",
        )
        ax.scatter([], [], marker="s", s=40, color=COLORS["green"], label="apple")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2)
        ax.set_title(f"stock {self.stock():.0%} of the start")

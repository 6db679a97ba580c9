"""Spatial prisoner's dilemma: cooperators survive in clusters (Unit 02, Conflict).

Nowak & May (1992), "Evolutionary games and spatial chaos", Nature 359:826-829,
doi:10.1038/359826a0. Every cell of a square torus holds one player who either always
cooperates (C) or always defects (D). Each round every player plays the one-shot
prisoner's dilemma with its 8 Moore neighbours *and with itself* (payoffs R = 1, T = b,
S = P = 0) and adds up the nine payoffs. Then, synchronously, every cell takes the
strategy of the highest scorer in its 3x3 block (itself included): "imitate the best".

Small b: cooperator clusters grow. 1.8 < b < 2: C and D coexist in ever-changing
patterns ("spatial chaos"); Nowak & May report a long-run cooperator share of about
0.318 from random starts, and this package reproduces 0.32 ± 0.03 on 100x100 grids from
90 % (and from 50 %) cooperators (tests/test_spatial_pd.py). b > 2: defectors win. Huberman & Glance (1993), "Evolutionary games and computer simulations",
PNAS 90:7716-7718, showed that *asynchronous* updating (one player at a time, with
up-to-date scores) changes the picture: set ``asynchronous=True``.

Tie-breaking (the same in the NumPy engine, :mod:`mesa_models.conflict.spatial_pd_fast`): a cell
compares the best score among the cooperators of its 3x3 block with the best score among
its defectors; the strictly higher one wins; an exact tie keeps the cell's current
strategy. (So a player that ties for the best always keeps its strategy, and the rule
never depends on the order in which neighbours are listed.)

Asynchronous step: every player updates once, in a fresh random order (a random
sequential sweep); before a player updates, the scores in its block are recomputed from
the current strategies.

Extension points: ``payoff=`` (a function ``(my_move, other_move, b) -> float`` with moves
"C"/"D"), ``update_rule=`` (a function ``player -> "C" | "D"``), or subclass
:class:`Player` and override :meth:`Player.choose_strategy`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, validate_arguments
from mesa_models.plotting import COLORS, draw_grid

__all__ = [
    "MOVES",
    "SPATIAL_PD_PARAMS",
    "TRANSITION_COLORS",
    "Player",
    "SpatialPD",
    "draw_transitions",
    "imitate_best",
    "late_share",
    "nowak_may_payoff",
    "payoff_table",
    "random_start",
]

MOVES = ("C", "D")

#: Parameters shared by the Mesa model and the NumPy engine (declared once).
#: The Mesa model holds one agent per cell: about 2.4 KiB each (measured, 200x200 grid), so
#: a 1000x1000 grid would need over 2 GB. Larger grids belong to the NumPy engine.
BYTES_PER_CELL = 2_400
MAX_MESA_CELLS = 160_000

SPATIAL_PD_PARAMS = Params(
    Param("width", 50, "cells across the (torus) grid", "cells", low=3, high=1000),
    Param("height", 50, "cells up the (torus) grid", "cells", low=3, high=1000),
    Param(
        "b",
        1.9,
        "temptation T = b: a defector's payoff against a cooperator (R = 1, S = P = 0)",
        "payoff",
        low=1,
        high=3,
        step=0.01,
    ),
    Param(
        "initial_cooperators",
        0.9,
        "share of cooperators in the random start",
        "fraction",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "asynchronous",
        False,
        "update one player at a time in random order (Huberman & Glance 1993)",
    ),
)

#: The four classic Nowak-May colours, Okabe-Ito versions: (was, is) -> colour.
TRANSITION_COLORS = {
    ("C", "C"): COLORS["blue"],  # stayed a cooperator
    ("D", "D"): COLORS["vermillion"],  # stayed a defector
    ("C", "D"): COLORS["yellow"],  # cooperator that just turned defector
    ("D", "C"): COLORS["green"],  # defector that just turned cooperator
}
_TRANSITION_LABELS = {("C", "C"): "C→C", ("D", "D"): "D→D", ("C", "D"): "C→D", ("D", "C"): "D→C"}


def nowak_may_payoff(my_move: str, other_move: str, b: float) -> float:
    """Nowak & May's (1992) one-parameter dilemma: R = 1, T = b, S = P = 0."""
    if my_move == "C":
        return 1.0 if other_move == "C" else 0.0
    return b if other_move == "C" else 0.0


def payoff_table(
    payoff: Callable[[str, str, float], float], b: float
) -> dict[tuple[str, str], float]:
    """Tabulate ``payoff`` for the four move pairs, checking it returns finite numbers."""
    if not callable(payoff):
        raise TypeError(
            f"parameter 'payoff' got {payoff!r}; expected a function (my_move, other_move, b) -> float"
        )
    table = {}
    for mine in MOVES:
        for other in MOVES:
            value = payoff(mine, other, b)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float | np.number)
                or not np.isfinite(value)
            ):
                name = getattr(payoff, "__name__", repr(payoff))
                raise ValueError(
                    f"payoff function {name!r} returned {value!r} for ({mine!r}, {other!r}); allowed: a finite number"
                )
            table[mine, other] = float(value)
    return table


def block_score(
    my_move: str, n_cooperators: int, n_players: int, table: dict[tuple[str, str], float]
) -> float:
    """Total payoff of ``my_move`` against ``n_cooperators`` cooperators among ``n_players``
    opponents (self included). Both engines use this exact formula, so scores agree bit for bit."""
    return n_cooperators * table[my_move, "C"] + (n_players - n_cooperators) * table[my_move, "D"]


def random_start(
    width: int, height: int, initial_cooperators: float, rng: np.random.Generator
) -> np.ndarray:
    """A random initial grid (True = cooperator), indexed ``[x, y]`` like Mesa grids."""
    return rng.random((width, height)) < initial_cooperators


class Player(CellAgent):
    """A player that always cooperates or always defects until it imitates someone."""

    def __init__(self, model: SpatialPD, strategy: str) -> None:
        super().__init__(model)
        self.strategy = strategy
        self.previous = strategy  # strategy before the last update (for the colours)
        self.next_strategy = strategy
        self.score = 0.0
        self._block: list[Player] | None = None

    def block(self) -> list[Player]:
        """This player and its 8 neighbours: whom it plays and whom it may imitate.
        (Players never move, so the list is built once and remembered.)"""
        if self._block is None:
            self._block = [self, *self.cell.neighborhood.agents]
        return self._block

    def play(self) -> None:
        """Play one round against every member of the block and add up the payoffs."""
        opponents = self.block()
        n_cooperators = sum(other.strategy == "C" for other in opponents)
        self.score = block_score(self.strategy, n_cooperators, len(opponents), self.model.payoffs)

    def choose_strategy(self) -> str:
        """The update rule; by default the model's ``update_rule`` (imitate the best)."""
        return self.model.update_rule(self)

    def decide(self) -> None:
        choice = self.choose_strategy()
        if choice not in MOVES:
            name = getattr(self.model.update_rule, "__name__", type(self).__name__)
            raise ValueError(
                f"update rule {name!r} returned {choice!r} for player at {self.cell.coordinate}; allowed: 'C' or 'D'"
            )
        self.next_strategy = choice

    def adopt(self) -> None:
        self.previous, self.strategy = self.strategy, self.next_strategy


def imitate_best(player: Player) -> str:
    """Nowak & May's rule: take the strategy of the best scorer in the 3x3 block.

    Ties: the strategy whose best score is strictly higher wins; an exact tie between the
    best cooperator and the best defector keeps the player's current strategy.
    """
    best = {"C": -np.inf, "D": -np.inf}
    for other in player.block():
        best[other.strategy] = max(best[other.strategy], other.score)
    if best["C"] == best["D"]:
        return player.strategy
    return "C" if best["C"] > best["D"] else "D"


class SpatialPD(RiskModel):
    """Nowak & May's (1992) spatial prisoner's dilemma, one Mesa agent per cell.

    Reporters: ``cooperators`` (share of C players), ``switched`` (share that changed
    strategy in the last step). ``initial=`` takes a boolean array (True = cooperator,
    indexed ``[x, y]``) instead of a random start.
    """

    params = SPATIAL_PD_PARAMS
    reporters = {
        "cooperators": lambda m: m.cooperator_share(),
        "switched": lambda m: m.switched_share(),
    }
    default_plots = ("cooperators",)
    player_class: ClassVar[type[Player]] = Player

    def __init__(
        self,
        *,
        initial: np.ndarray | None = None,
        payoff: Callable[[str, str, float], float] | None = None,
        update_rule: Callable[[Player], str] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        cells = self.width * self.height
        if cells > MAX_MESA_CELLS:
            raise ValueError(
                f"SpatialPD: parameters 'width' x 'height' = {cells:,} cells would need about "
                f"{cells * BYTES_PER_CELL / 2**30:.1f} GB as Mesa agents (limit {MAX_MESA_CELLS:,} cells, about "
                f"{MAX_MESA_CELLS * BYTES_PER_CELL / 2**30:.1f} GB); use SpatialPDArray, the NumPy engine, for large grids"
            )
        self.payoffs = payoff_table(payoff or nowak_may_payoff, self.b)
        if update_rule is not None and not callable(update_rule):
            raise TypeError(
                f"SpatialPD: parameter 'update_rule' got {update_rule!r}; expected a function player -> 'C' or 'D'"
            )
        self.update_rule = update_rule or imitate_best
        start = _initial_grid(
            initial, self.width, self.height, self.initial_cooperators, self.rng, "SpatialPD"
        )
        self.grid = OrthogonalMooreGrid(
            (self.width, self.height), torus=True, capacity=1, random=self.random
        )
        for cell in self.grid.all_cells:
            player = self.player_class(self, "C" if start[cell.coordinate] else "D")
            player.cell = cell
        self.last_order: list[tuple[int, int]] = []
        self.agents.do("play")
        self.start_datacollector()

    # -- dynamics ------------------------------------------------------------------
    def step(self) -> None:
        if self.asynchronous:
            self._step_asynchronous()
        else:
            # Scores are always those of the current configuration (computed at the end
            # of the previous step), so everyone decides from the same snapshot.
            self.agents.do("decide")
            self.agents.do("adopt")
            self.agents.do("play")
        self.datacollector.collect(self)

    def _step_asynchronous(self) -> None:
        """Huberman & Glance: one player at a time, each seeing up-to-date scores."""
        order = list(self.agents)
        self.random.shuffle(order)
        self.last_order = [player.cell.coordinate for player in order]
        for player in order:
            player.previous = player.strategy
        for player in order:
            for member in player.block():
                member.play()
            player.decide()
            player.strategy = player.next_strategy
        self.agents.do("play")

    # -- reporting -----------------------------------------------------------------
    def strategies(self) -> np.ndarray:
        """The grid as a boolean array (True = cooperator), indexed ``[x, y]``."""
        grid = np.zeros((self.width, self.height), dtype=bool)
        for player in self.agents:
            grid[player.cell.coordinate] = player.strategy == "C"
        return grid

    def previous_strategies(self) -> np.ndarray:
        grid = np.zeros((self.width, self.height), dtype=bool)
        for player in self.agents:
            grid[player.cell.coordinate] = player.previous == "C"
        return grid

    def cooperator_share(self) -> float:
        return sum(p.strategy == "C" for p in self.agents) / len(self.agents)

    def switched_share(self) -> float:
        return sum(p.strategy != p.previous for p in self.agents) / len(self.agents)

    def draw_state(self, ax: plt.Axes) -> None:
        draw_transitions(ax, self.previous_strategies(), self.strategies(), b=self.b)


def _initial_grid(
    initial: Any, width: int, height: int, share: float, rng: np.random.Generator, owner: str
) -> np.ndarray:
    """Validate a user-given start grid, or draw a random one."""
    if initial is None:
        return random_start(width, height, share, rng)
    grid = np.asarray(initial)
    if grid.shape != (width, height):
        raise ValueError(
            f"{owner}: parameter 'initial' has shape {grid.shape}; allowed: shape (width, height) = ({width}, {height})"
        )
    if grid.dtype != bool:
        if not np.isin(grid, (0, 1)).all():
            raise ValueError(f"{owner}: parameter 'initial' must hold True/False (or 1/0) values")
        grid = grid.astype(bool)
    return grid.copy()


def draw_transitions(
    ax: plt.Axes,
    previous: np.ndarray,
    current: np.ndarray,
    *,
    b: float | None = None,
    title: str | None = None,
) -> None:
    """Nowak & May's four colours: C→C, D→D, C→D (just defected), D→C (just cooperated)."""
    previous, current = np.asarray(previous, dtype=bool), np.asarray(current, dtype=bool)
    # code = 2 * was_cooperator + is_cooperator: 0 D→D, 1 D→C, 2 C→D, 3 C→C
    codes = 2 * previous.astype(int) + current.astype(int)
    keys = [("D", "D"), ("D", "C"), ("C", "D"), ("C", "C")]
    cmap = mpl.colors.ListedColormap([TRANSITION_COLORS[k] for k in keys])
    labels = {i: _TRANSITION_LABELS[k] for i, k in enumerate(keys)}
    share = current.mean()
    if title is None:
        title = f"{share:.0%} cooperators" + (f" (b = {b:g})" if b is not None else "")
    draw_grid(ax, codes, cmap=cmap, vmin=-0.5, vmax=3.5, labels=labels, title=title)


@validate_arguments(last=Param("last", 50, "final values to average", "steps", low=1))
def late_share(shares: Sequence[float], last: int) -> float:
    """Mean of the last ``last`` values of a cooperator-share series."""
    shares = list(shares)
    if not 1 <= last <= len(shares):
        raise ValueError(
            f"parameter 'last' got {last!r}; allowed: an integer in [1, {len(shares)}]"
        )
    return float(np.mean(shares[-last:]))

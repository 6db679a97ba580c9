"""Hawk–Dove under selection: aggression settles at the share V/C (Unit 06, Selection pressures).

Maynard Smith & Price (1973), "The logic of animal conflict", Nature 246:15–18,
doi:10.1038/246015a0, and Maynard Smith (1982), *Evolution and the Theory of Games*, ch. 2.
Two players contest a resource of value V. A **hawk** escalates; a **dove** displays and
retreats if the other escalates. Two hawks fight: each wins half the time and the loser
pays the cost C, so each expects (V − C)/2. A hawk against a dove takes V, the dove 0. Two
doves share: V/2 each. When V < C the evolutionarily stable strategy (ESS) is to play hawk
with probability V/C, and a population of pure hawks and doves settles at a **hawk share of
V/C**. When V ≥ C hawk is the ESS and hawks take over.

Taylor & Jonker (1978), "Evolutionarily stable strategies and game dynamics", Math. Biosci.
40:145–156, doi:10.1016/0025-5564(78)90077-9: under the **replicator equation**
dx/dt = x (1 − x) (f_H − f_D), with f_H − f_D = (V − C x)/2 for hawk share x, the share
moves to V/C and stays there.

This model is the finite, agent-based version. Each step every player meets one random
partner (the population is shuffled into pairs) and earns that game's payoff; then
strategies spread in proportion to payoff, in one of two ways (parameter ``update``):

* ``"imitate"`` (pairwise proportional imitation, Schlag 1998): every player looks at one
  other random player and switches to its strategy with probability
  max(0, π_other − π_self) / R, where R is the largest payoff difference in the game. In a
  large population the hawk share then follows the replicator equation, one step being
  1/R of its time unit (Traulsen, Claussen & Hauert 2005).
* ``"reproduce"`` (Wright–Fisher): the next generation of N players is drawn with
  replacement, each parent with probability proportional to fitness 1 + selection × payoff;
  the expected share follows the discrete replicator equation.

A hawk never meets itself, so in a population of N the stable share is V/C + 1/N rather
than V/C (derivation in the lesson); with N = 1,000 the difference is one player.

Randomness: all draws come from the model's ``rng`` as whole arrays in a fixed order
(pairing permutation, then imitation partners and coins, or parents; then mutation coins),
so the NumPy engine :class:`mesa_models.selection.hawk_dove_fast.HawkDoveArray` replays
the same run from the same seed, step for step (tests/test_hawk_dove.py).

Extension points: ``payoff=`` (a function ``(my_move, other_move, V, C) -> float`` with
moves "H"/"D"), ``update_rule=`` (a function ``(player, other, coin) -> "H" | "D"`` used by
``update="imitate"``; ``coin`` is a uniform random number in [0, 1)), or subclass
:class:`Player` and override :meth:`Player.choose_strategy`, then set ``player_class``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel, plain_seed
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS, draw_grid

__all__ = [
    "DOVE",
    "HAWK",
    "HAWK_DOVE_PARAMS",
    "STRATEGIES",
    "HawkDove",
    "Player",
    "ess_hawk_share",
    "hawk_dove_payoff",
    "imitate_if_better",
    "late_share",
    "mean_field",
    "payoff_matrix",
    "payoff_table",
    "replicator_rate",
    "stable_share",
]

HAWK, DOVE = "H", "D"
STRATEGIES = (HAWK, DOVE)

#: Parameters shared by the Mesa model and the NumPy engine (declared once).
HAWK_DOVE_PARAMS = Params(
    Param(
        "n_agents",
        500,
        "players (an even number: they meet in pairs)",
        "agents",
        low=2,
        high=100_000,
        step=2,
    ),
    Param(
        "V",
        2.0,
        "value of the contested resource",
        "payoff",
        low=0,
        low_open=True,
        step=0.1,
        widget_max=10,
    ),
    Param(
        "C",
        5.0,
        "cost of losing an escalated fight",
        "payoff",
        low=0,
        low_open=True,
        step=0.1,
        widget_max=10,
    ),
    Param(
        "initial_hawks", 0.1, "share of hawks at the start", "fraction", low=0, high=1, step=0.05
    ),
    Param(
        "update",
        "imitate",
        "how strategies spread: imitate a better-paid player, or reproduce in proportion to fitness",
        choices=("imitate", "reproduce"),
    ),
    Param(
        "selection",
        0.1,
        "selection intensity s in fitness 1 + s × payoff (update = 'reproduce')",
        "1/payoff",
        low=0,
        high=10,
        step=0.01,
        widget_max=0.5,
    ),
    Param(
        "mutation",
        0.0,
        "chance that a player switches strategy at random after each update",
        "probability",
        low=0,
        high=0.5,
        step=0.001,
    ),
)


# -- the game -------------------------------------------------------------------------------
def hawk_dove_payoff(my_move: str, other_move: str, V: float, C: float) -> float:
    """Maynard Smith & Price's payoffs: HH (V − C)/2, HD V, DH 0, DD V/2."""
    if my_move == HAWK:
        return (V - C) / 2 if other_move == HAWK else V
    return 0.0 if other_move == HAWK else V / 2


def payoff_table(
    payoff: Callable[[str, str, float, float], float], V: float, C: float
) -> dict[tuple[str, str], float]:
    """Tabulate ``payoff`` for the four move pairs, checking it returns finite numbers."""
    if not callable(payoff):
        raise TypeError(
            f"parameter 'payoff' got {payoff!r}; expected a function (my_move, other_move, V, C) -> float"
        )
    table = {}
    for mine in STRATEGIES:
        for other in STRATEGIES:
            value = payoff(mine, other, V, C)
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not math.isfinite(value)
            ):
                name = getattr(payoff, "__name__", repr(payoff))
                raise ValueError(
                    f"payoff function {name!r} returned {value!r} for ({mine!r}, {other!r}); allowed: a finite number"
                )
            table[mine, other] = float(value)
    return table


def payoff_matrix(V: float, C: float) -> np.ndarray:
    """The row player's payoffs as a 2×2 array, rows and columns in the order (hawk, dove)."""
    return np.array([[hawk_dove_payoff(m, o, V, C) for o in STRATEGIES] for m in STRATEGIES])


def ess_hawk_share(V: float, C: float) -> float:
    """The evolutionarily stable hawk share: V/C when V < C, else 1 (all hawks)."""
    for name, value in (("V", V), ("C", C)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
            raise ValueError(
                f"ess_hawk_share(): parameter {name!r} got {value!r}; allowed: a number > 0"
            )
    return float(V / C) if V < C else 1.0


def stable_share(matrix: Any) -> float:
    """The share of the first strategy at the unique ESS of a symmetric 2×2 game.

    ``matrix[i][j]`` is the payoff of strategy i against strategy j. Strategy 1 is an ESS
    if a > c, or a = c and b > d (with ``[[a, b], [c, d]]``); strategy 2 likewise; a mixed
    ESS p = (b − d) / ((b − d) + (c − a)) exists when c > a and b > d. Raises ``ValueError``
    when the game has no unique ESS (two pure ESSs, as in a coordination game, or none).
    """
    m = np.asarray(matrix, dtype=float)
    if m.shape != (2, 2) or not np.isfinite(m).all():
        raise ValueError(
            f"stable_share(): parameter 'matrix' got {matrix!r}; allowed: a 2x2 array of finite numbers"
        )
    (a, b), (c, d) = m
    first = a > c or (a == c and b > d)
    second = d > b or (d == b and c > a)
    if first and not second:
        return 1.0
    if second and not first:
        return 0.0
    if c > a and b > d:
        return float((b - d) / ((b - d) + (c - a)))
    raise ValueError(
        f"stable_share(): the game {m.tolist()} has no unique evolutionarily stable strategy"
    )


def replicator_rate(x: float | np.ndarray, V: float, C: float) -> float | np.ndarray:
    """dx/dt of the replicator equation for the hawk share x: x (1 − x) (V − C x) / 2."""
    return x * (1 - x) * (V - C * x) / 2


def _fitness_gap(x: np.ndarray, table: dict[tuple[str, str], float]) -> np.ndarray:
    """f_H − f_D when a share x of the opponents are hawks (an infinite population)."""
    f_h = x * table[HAWK, HAWK] + (1 - x) * table[HAWK, DOVE]
    f_d = x * table[DOVE, HAWK] + (1 - x) * table[DOVE, DOVE]
    return f_h - f_d


def mean_field(
    x0: float,
    steps: int,
    *,
    V: float,
    C: float,
    update: str = "imitate",
    selection: float = 0.1,
    payoff: Callable | None = None,
) -> np.ndarray:
    """The expected hawk share of an infinite population, step by step (``steps + 1`` values).

    ``"imitate"``: x ← x + x (1 − x) (f_H − f_D) / R, the replicator equation with time
    step 1/R. ``"reproduce"``: x ← x (1 + s f_H) / (1 + s f̄), the discrete replicator
    equation. Without mutation.
    """
    require(
        isinstance(steps, numbers.Integral) and not isinstance(steps, bool) and steps >= 0,
        "steps",
        steps,
        "an integer >= 0",
        "mean_field",
    )
    require(
        isinstance(x0, numbers.Real) and 0 <= x0 <= 1, "x0", x0, "a number in [0, 1]", "mean_field"
    )
    require(
        update in ("imitate", "reproduce"),
        "update",
        update,
        "'imitate' or 'reproduce'",
        "mean_field",
    )
    table = payoff_table(payoff or hawk_dove_payoff, V, C)
    values = list(table.values())
    spread = max(values) - min(values)
    xs = np.empty(int(steps) + 1)
    xs[0] = x = float(x0)
    for t in range(1, int(steps) + 1):
        gap = float(_fitness_gap(np.array(x), table))
        if update == "imitate":
            x = x + x * (1 - x) * gap / spread if spread > 0 else x
        else:
            f_h = x * table[HAWK, HAWK] + (1 - x) * table[HAWK, DOVE]
            f_d = x * table[DOVE, HAWK] + (1 - x) * table[DOVE, DOVE]
            w_h, w_d = 1 + selection * f_h, 1 + selection * f_d
            x = x * w_h / (x * w_h + (1 - x) * w_d)
        xs[t] = min(max(x, 0.0), 1.0)
    return xs


def late_share(shares: Sequence[float], burn_in: int) -> float:
    """Mean of a share series after the first ``burn_in`` steps (row 0 is the start)."""
    shares = np.asarray(shares, dtype=float)
    if not (isinstance(burn_in, numbers.Integral) and 0 <= burn_in < len(shares)):
        raise ValueError(
            f"parameter 'burn_in' got {burn_in!r}; allowed: an integer in [0, {len(shares) - 1}]"
        )
    return float(shares[int(burn_in) :].mean())


# -- players and the model ---------------------------------------------------------------------
def imitate_if_better(player: Player, other: Player, coin: float) -> str:
    """Pairwise proportional imitation: copy ``other`` with probability
    max(0, π_other − π_self) / R (R = the game's largest payoff difference)."""
    if other.strategy == player.strategy or player.model.payoff_spread == 0:
        return player.strategy
    gain = (other.payoff - player.payoff) / player.model.payoff_spread
    return other.strategy if coin < gain else player.strategy


class Player(Agent):
    """A player that always plays hawk or always plays dove, until it imitates or is replaced."""

    def __init__(self, model: HawkDove, strategy: str) -> None:
        super().__init__(model)
        self.strategy = strategy
        self.next_strategy = strategy
        self.payoff = 0.0

    def play(self, other: Player) -> None:
        """One contest: both players collect their payoffs."""
        table = self.model.payoffs
        self.payoff = table[self.strategy, other.strategy]
        other.payoff = table[other.strategy, self.strategy]

    def choose_strategy(self, other: Player, coin: float) -> str:
        """The imitation rule (``update="imitate"``); by default the model's ``update_rule``."""
        return self.model.update_rule(self, other, coin)


class HawkDove(RiskModel):
    """Hawk–Dove under selection in a finite, well-mixed population (one Mesa agent per player).

    Reporters: ``hawks`` (share of hawks), ``mean_payoff`` (average payoff of the last
    round). ``initial=`` takes a sequence of "H"/"D" (or booleans, True = hawk) instead of
    a random start with share ``initial_hawks``.
    """

    params = HAWK_DOVE_PARAMS
    reporters = {"hawks": lambda m: m.hawk_share(), "mean_payoff": lambda m: m.mean_payoff()}
    default_plots = ("hawks",)
    player_class: ClassVar[type[Player]] = Player

    def __init__(
        self,
        *,
        initial: Sequence | np.ndarray | None = None,
        payoff: Callable[[str, str, float, float], float] | None = None,
        update_rule: Callable[[Player, Player, float], str] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        check_hawk_dove(self, "HawkDove")
        self.payoffs = payoff_table(payoff or hawk_dove_payoff, self.V, self.C)
        _check_selection(self.payoffs, self.update, self.selection, "HawkDove")
        values = list(self.payoffs.values())
        self.payoff_spread = max(values) - min(values)
        if update_rule is not None and not callable(update_rule):
            raise TypeError(
                f"HawkDove: parameter 'update_rule' got {update_rule!r}; expected a function (player, other, coin) -> 'H' or 'D'"
            )
        self.update_rule = update_rule or imitate_if_better
        start = initial_strategies(initial, self.n_agents, self.initial_hawks, self.rng, "HawkDove")
        self.players = [self.player_class(self, HAWK if hawk else DOVE) for hawk in start]
        self.start_datacollector()

    # -- dynamics ----------------------------------------------------------------------------
    def step(self) -> None:
        self.play_round()
        self.update_strategies()
        self.datacollector.collect(self)

    def play_round(self) -> None:
        """Shuffle the population into pairs; every pair plays one contest."""
        order = self.rng.permutation(self.n_agents)
        for a, b in zip(order[0::2], order[1::2], strict=True):
            self.players[a].play(self.players[b])

    def update_strategies(self) -> None:
        """Everyone updates at once, from the same round's payoffs; then mutation."""
        n = self.n_agents
        if self.update == "imitate":
            others = self.rng.integers(0, n - 1, size=n)
            others += others >= np.arange(n)  # a random *other* player
            coins = self.rng.random(n)
            for player, j, coin in zip(self.players, others, coins, strict=True):
                choice = player.choose_strategy(self.players[j], float(coin))
                if choice not in STRATEGIES:
                    name = getattr(self.update_rule, "__name__", type(player).__name__)
                    raise ValueError(
                        f"update rule {name!r} returned {choice!r}; allowed: 'H' or 'D'"
                    )
                player.next_strategy = choice
        else:
            pay = np.array([p.payoff for p in self.players])
            weights = 1 + self.selection * pay
            parents = self.rng.choice(n, size=n, p=weights / weights.sum())
            for player, j in zip(self.players, parents, strict=True):
                player.next_strategy = self.players[j].strategy
        if self.mutation > 0:
            flips = self.rng.random(n) < self.mutation
            for player, flip in zip(self.players, flips, strict=True):
                if flip:
                    player.next_strategy = DOVE if player.next_strategy == HAWK else HAWK
        for player in self.players:
            player.strategy = player.next_strategy

    # -- reporting ---------------------------------------------------------------------------
    def hawks(self) -> np.ndarray:
        """The population as a boolean array (True = hawk), in player order."""
        return np.array([p.strategy == HAWK for p in self.players])

    def hawk_share(self) -> float:
        return sum(p.strategy == HAWK for p in self.players) / self.n_agents

    def mean_payoff(self) -> float:
        return sum(p.payoff for p in self.players) / self.n_agents

    def draw_state(self, ax: plt.Axes) -> None:
        draw_population(ax, self.hawks(), V=self.V, C=self.C)


# -- shared helpers (also used by the NumPy engine) -----------------------------------------------


def check_hawk_dove(model: Any, owner: str) -> None:
    """Constraints between parameters: pairs need an even population."""
    require(
        model.n_agents % 2 == 0,
        "n_agents",
        model.n_agents,
        "an even number (players meet in pairs)",
        owner,
    )


def _check_selection(table: dict, update: str, selection: float, owner: str) -> None:
    if update == "reproduce":
        worst = 1 + selection * min(table.values())
        require(
            worst > 0,
            "selection",
            selection,
            f"small enough that every fitness 1 + selection × payoff is positive (lowest payoff {min(table.values()):g}, "
            f"so selection < {-1 / min(table.values()):.4g})",
            owner,
        )


def initial_strategies(
    initial: Any, n: int, share: float, rng: np.random.Generator, owner: str
) -> np.ndarray:
    """A validated start (True = hawk), or a random one with ``share`` hawks."""
    if initial is None:
        return rng.random(n) < share
    values = list(initial)
    if len(values) != n:
        raise ValueError(
            f"{owner}: parameter 'initial' has {len(values)} entries; allowed: n_agents = {n}"
        )
    out = np.empty(n, dtype=bool)
    for i, v in enumerate(values):
        if v in (HAWK, DOVE):
            out[i] = v == HAWK
        elif isinstance(v, bool | np.bool_):
            out[i] = bool(v)
        else:
            raise ValueError(
                f"{owner}: parameter 'initial' entry {i} is {v!r}; allowed: 'H', 'D', True (hawk) or False (dove)"
            )
    return out


def draw_population(
    ax: plt.Axes, hawks: np.ndarray, *, V: float | None = None, C: float | None = None
) -> None:
    """The players as a square-ish grid of cells: hawks vermillion, doves blue."""
    hawks = np.asarray(hawks, dtype=bool)
    side = int(math.ceil(math.sqrt(len(hawks))))
    cells = np.full(side * side, np.nan)
    cells[: len(hawks)] = hawks
    cmap = mpl.colors.ListedColormap([COLORS["blue"], COLORS["vermillion"]]).with_extremes(
        bad="white"
    )
    title = f"{hawks.mean():.0%} hawks"
    if V is not None and C is not None:
        title += f" (ESS {ess_hawk_share(V, C):.0%})"
    draw_grid(
        ax,
        np.ma.masked_invalid(cells.reshape(side, side)),
        cmap=cmap,
        vmin=-0.5,
        vmax=1.5,
        labels={0: "dove", 1: "hawk"},
        title=title,
    )

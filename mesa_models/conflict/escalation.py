"""Escalation under noise: iterated prisoner's dilemma between pairs of agents (Unit 02).

Pairs of agents play the prisoner's dilemma round after round (Axelrod's payoffs R = 3,
T = 5, S = 0, P = 1; Axelrod 1984, *The Evolution of Cooperation*). With implementation
noise, each intended move is flipped with probability ``noise``: a cooperative agent
sometimes defects by mistake. Two tit-for-tat players then echo that one mistake back and
forth for ever (a retaliation spiral), and a second mistake can lock them into mutual
defection. Forgiving (generous TFT), repentant (contrite TFT) or win-stay-lose-shift
players recover. This is the escalation failure mode of Hammond et al. (2025, §2.2): each
agent's rule is sensible, the pair's dynamics are not.

Strategies are small classes (the Axelrod-library style): ``first_move()`` and
``move(mine, theirs, random)`` where ``mine`` and ``theirs`` are the moves actually played
so far ("C"/"D", noise included). Write your own by subclassing :class:`Strategy`.
"""

from __future__ import annotations

import random as _random
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel, seed_argument
from mesa_models.params import Param, Params, validate_arguments

__all__ = [
    "AXELROD_PAYOFF",
    "STRATEGIES",
    "AllC",
    "AllD",
    "ContriteTFT",
    "GenerousTFT",
    "IteratedDilemma",
    "Pavlov",
    "Strategy",
    "TitForTat",
    "play_match",
    "single_error_recovery",
]

#: (my move, their move) -> my payoff; Axelrod (1984): R = 3, T = 5, S = 0, P = 1.
AXELROD_PAYOFF = {("C", "C"): 3.0, ("C", "D"): 0.0, ("D", "C"): 5.0, ("D", "D"): 1.0}
MOVES = ("C", "D")


class Strategy:
    """Base class: a rule for the iterated dilemma. Subclasses override ``move``.

    ``first_move()`` is the opening move; ``move(mine, theirs, random)`` the next move,
    given both histories of moves actually played and a ``random.Random`` for stochastic
    rules. Strategies with memory beyond the histories keep it on ``self`` and reset it
    in ``reset()``.
    """

    name: ClassVar[str] = "strategy"

    def reset(self) -> None:
        """Forget everything before a new match."""

    def first_move(self) -> str:
        return "C"

    def move(self, mine: Sequence[str], theirs: Sequence[str], random: _random.Random) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class AllC(Strategy):
    """Always cooperate (the unconditional cooperator of Axelrod 1984)."""

    name = "AllC"

    def move(self, mine, theirs, random):
        return "C"


class AllD(Strategy):
    """Always defect (the unconditional defector of Axelrod 1984)."""

    name = "AllD"

    def first_move(self):
        return "D"

    def move(self, mine, theirs, random):
        return "D"


class TitForTat(Strategy):
    """Cooperate first, then copy the opponent's last move. Rapoport's entry that won both
    of Axelrod's tournaments (Axelrod 1984, *The Evolution of Cooperation*)."""

    name = "TFT"

    def move(self, mine, theirs, random):
        return theirs[-1]


class GenerousTFT(Strategy):
    """Tit-for-tat that forgives a defection with probability ``generosity``.

    Nowak & Sigmund (1992), "Tit for tat in heterogeneous populations", Nature 355:250-253.
    Their optimal generosity is min(1 - (T - R)/(R - S), (R - P)/(T - P)) = 1/3 for
    Axelrod's payoffs.
    """

    name = "GTFT"

    def __init__(self, generosity: float = 1 / 3) -> None:
        if (
            isinstance(generosity, bool)
            or not isinstance(generosity, int | float)
            or not 0 <= generosity <= 1
        ):
            raise ValueError(
                f"GenerousTFT: parameter 'generosity' got {generosity!r}; allowed: a number in [0, 1]"
            )
        self.generosity = float(generosity)

    def move(self, mine, theirs, random):
        if theirs[-1] == "C":
            return "C"
        return "C" if random.random() < self.generosity else "D"

    def __repr__(self) -> str:
        return f"GenerousTFT(generosity={self.generosity:.3g})"


class ContriteTFT(Strategy):
    """Tit-for-tat with *standing*: after its own unprovoked defection it accepts one
    retaliation without striking back.

    Boyd (1989), "Mistakes allow evolutionary stability in the repeated prisoner's
    dilemma game", J. Theor. Biol. 136:47-56; Wu & Axelrod (1995), "How to cope with noise
    in the iterated prisoner's dilemma", J. Conflict Resolution 39:183-189. A player is in
    good standing if it cooperated last round, or defected against a player in bad
    standing; it defects only when it is in good standing and the opponent is not.
    """

    name = "CTFT"

    def reset(self) -> None:
        self.my_standing = self.their_standing = True  # True = good standing

    def first_move(self):
        self.reset()
        return "C"

    def move(self, mine, theirs, random):
        mine_good = mine[-1] == "C" or not self.their_standing
        theirs_good = theirs[-1] == "C" or not self.my_standing
        self.my_standing, self.their_standing = mine_good, theirs_good
        return "D" if (self.my_standing and not self.their_standing) else "C"


class Pavlov(Strategy):
    """Win-stay, lose-shift: repeat your move after a good payoff (R or T), switch after a
    bad one (S or P). Nowak & Sigmund (1993), "A strategy of win-stay, lose-shift that
    outperforms tit-for-tat in the Prisoner's Dilemma game", Nature 364:56-58."""

    name = "WSLS"

    def move(self, mine, theirs, random):
        won = theirs[-1] == "C"  # R or T: the opponent cooperated
        if won:
            return mine[-1]
        return "D" if mine[-1] == "C" else "C"


#: Strategy classes by the names the model's parameters use.
STRATEGIES: dict[str, type[Strategy]] = {
    cls.name: cls for cls in (TitForTat, GenerousTFT, ContriteTFT, Pavlov, AllC, AllD)
}


def _make_strategy(spec: Any, which: str, owner: str) -> Strategy:
    if isinstance(spec, Strategy):
        return spec
    if isinstance(spec, type) and issubclass(spec, Strategy):
        return spec()
    if isinstance(spec, str) and spec in STRATEGIES:
        return STRATEGIES[spec]()
    raise TypeError(
        f"{owner}: parameter {which!r} got {spec!r}; expected one of {', '.join(map(repr, STRATEGIES))}, "
        "a Strategy subclass or a Strategy instance"
    )


class Player(Agent):
    """One side of a pair: a strategy plus the history of moves actually played."""

    def __init__(self, model: IteratedDilemma, strategy: Strategy) -> None:
        super().__init__(model)
        self.strategy = strategy
        self.strategy.reset()
        self.history: list[str] = []
        self.partner: Player | None = None
        self.payoff = 0.0  # this round
        self.total = 0.0
        self.errors = 0

    def intended_move(self) -> str:
        if not self.history:
            move = self.strategy.first_move()
        else:
            move = self.strategy.move(self.history, self.partner.history, self.random)
        if move not in MOVES:
            raise ValueError(f"strategy {self.strategy!r} returned {move!r}; allowed: 'C' or 'D'")
        return move


class IteratedDilemma(RiskModel):
    """Pairs of agents play the iterated prisoner's dilemma with implementation noise.

    One step = one round in every pair. Reporters: ``payoff`` (mean payoff per agent this
    round; 3 = mutual cooperation, 1 = mutual defection), ``cooperation`` (share of moves
    that were C), ``mutual_cooperation`` (share of pairs that both cooperated).
    """

    params = Params(
        Param(
            "n_pairs",
            50,
            "independent pairs (averaged in the reporters)",
            "pairs",
            low=1,
            high=10_000,
        ),
        Param(
            "strategy_a", "TFT", "first player's strategy in every pair", choices=tuple(STRATEGIES)
        ),
        Param(
            "strategy_b", "TFT", "second player's strategy in every pair", choices=tuple(STRATEGIES)
        ),
        Param(
            "noise",
            0.05,
            "chance each intended move is flipped (implementation error)",
            "probability",
            low=0,
            high=0.5,
            step=0.01,
        ),
    )
    reporters = {
        "payoff": lambda m: m.agents.agg("payoff", np.mean),
        "cooperation": lambda m: m.cooperation,
        "mutual_cooperation": lambda m: m.mutual_cooperation,
    }
    default_plots = ("payoff", "cooperation")

    def __init__(self, *, a: Any = None, b: Any = None, rng: Any = None, **params: Any) -> None:
        """``a``/``b`` (a Strategy subclass or instance) override ``strategy_a``/``strategy_b``;
        every player gets its own copy."""
        super().__init__(rng=rng, **params)
        spec_a = a if a is not None else self.strategy_a
        spec_b = b if b is not None else self.strategy_b
        self.pairs: list[tuple[Player, Player]] = []
        for _ in range(self.n_pairs):
            first = Player(self, _fresh(spec_a, "a", "IteratedDilemma"))
            second = Player(self, _fresh(spec_b, "b", "IteratedDilemma"))
            first.partner, second.partner = second, first
            self.pairs.append((first, second))
        self.cooperation = self.mutual_cooperation = float("nan")
        self.start_datacollector()

    def step(self) -> None:
        mutual = cooperative = 0
        for first, second in self.pairs:
            moves = []
            for player in (first, second):
                move = player.intended_move()
                if self.random.random() < self.noise:
                    move = "D" if move == "C" else "C"
                    player.errors += 1
                moves.append(move)
            for player, mine, theirs in ((first, *moves), (second, *reversed(moves))):
                player.history.append(mine)
                player.payoff = AXELROD_PAYOFF[mine, theirs]
                player.total += player.payoff
            mutual += moves == ["C", "C"]
            cooperative += moves.count("C")
        self.cooperation = cooperative / (2 * len(self.pairs))
        self.mutual_cooperation = mutual / len(self.pairs)
        self.datacollector.collect(self)

    def mean_payoff(self) -> float:
        """Average payoff per agent per round so far."""
        if self.steps == 0:
            return float("nan")
        return float(self.agents.agg("total", np.mean)) / self.steps


def _fresh(spec: Any, which: str, owner: str) -> Strategy:
    """A new strategy object for one player (instances are copied, not shared)."""
    import copy

    return copy.deepcopy(_make_strategy(spec, which, owner))


@validate_arguments(
    rounds=Param("rounds", 60, "rounds in the match", "rounds", low=1, high=1_000_000),
    noise=Param("noise", 0.0, "chance a move is flipped", "probability", low=0, high=1),
    rng=seed_argument("rng"),
)
def play_match(
    a: Any,
    b: Any,
    rounds: int,
    *,
    errors: Sequence[tuple[int, int]] = (),
    noise: float = 0.0,
    rng: int | None = None,
) -> tuple[list[str], list[str]]:
    """Play one match and return both move histories.

    ``errors`` lists forced mistakes as ``(round, player)`` with player 0 or 1: that
    player's intended move is flipped in that round (rounds count from 0).
    """
    forced = set()
    for error in errors:
        if not (
            isinstance(error, tuple)
            and len(error) == 2
            and error[1] in (0, 1)
            and 0 <= error[0] < rounds
        ):
            raise ValueError(
                f"play_match(): parameter 'errors' got {error!r}; allowed: (round in [0, {rounds}), player 0 or 1)"
            )
        forced.add(error)
    random = _random.Random(rng)
    players = [_fresh(a, "a", "play_match"), _fresh(b, "b", "play_match")]
    for player in players:
        player.reset()
    histories: list[list[str]] = [[], []]
    for t in range(rounds):
        moves = []
        for i, strategy in enumerate(players):
            mine, theirs = histories[i], histories[1 - i]
            move = strategy.first_move() if t == 0 else strategy.move(mine, theirs, random)
            if move not in MOVES:
                raise ValueError(
                    f"strategy {strategy!r} returned {move!r} in round {t}; allowed: 'C' or 'D'"
                )
            if (t, i) in forced or random.random() < noise:
                move = "D" if move == "C" else "C"
            moves.append(move)
        for i in (0, 1):
            histories[i].append(moves[i])
    return histories[0], histories[1]


@validate_arguments(
    rounds=Param("rounds", 60, "rounds in each match", "rounds", low=2, high=1_000_000),
    error_round=Param(
        "error_round", 5, "round of the mistake (from 0)", "round", low=0, high=999_998
    ),
)
def single_error_recovery(
    strategy: Any, *, rounds: int = 60, error_round: int = 5, seeds: Sequence[int] = range(20)
) -> dict[str, float]:
    """How a pair of ``strategy`` players copes with one mistake (no other noise).

    Player 0 defects by mistake in ``error_round``. Returns the mean, over ``seeds``, of
    ``payoff_lost`` (per player, against perpetual mutual cooperation, over the whole
    match), ``recovered`` (share of matches that end in mutual cooperation) and
    ``rounds_to_recover`` (rounds after the error until mutual cooperation resumes for
    good; matches that never recover count as the rounds left).
    """
    if error_round >= rounds - 1:
        raise ValueError(
            f"single_error_recovery(): parameter 'error_round' got {error_round}; allowed: "
            f"less than rounds - 1 = {rounds - 1}, so that recovery can be seen"
        )
    seeds = list(seeds)
    if not seeds:
        raise ValueError(
            "single_error_recovery(): parameter 'seeds' is empty; give at least one seed"
        )
    lost, recovered, delays = [], [], []
    for seed in seeds:
        first, second = play_match(strategy, strategy, rounds, errors=[(error_round, 0)], rng=seed)
        payoff = (
            sum(
                AXELROD_PAYOFF[x, y] + AXELROD_PAYOFF[y, x]
                for x, y in zip(first, second, strict=True)
            )
            / 2
        )
        lost.append(3.0 * rounds - payoff)
        mutual = [x == y == "C" for x, y in zip(first, second, strict=True)]
        last_bad = max(t for t in range(rounds) if not mutual[t])
        recovered.append(last_bad < rounds - 1)
        delays.append(last_bad - error_round + 1)
    return {
        "payoff_lost": float(np.mean(lost)),
        "recovered": float(np.mean(recovered)),
        "rounds_to_recover": float(np.mean(delays)),
    }

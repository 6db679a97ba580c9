"""Chicken with commitment devices: the first credible commitment wins (Unit 08).

Source: Schelling, T. C. (1960), *The Strategy of Conflict*, Harvard University Press,
ch. 2 ("An essay on bargaining") and ch. 8 ("The threat that leaves something to chance"):
in a game of Chicken the player who first *visibly and irrevocably* commits to going
straight wins, because the other's best reply is then to swerve; if both commit before
either can see the other's commitment, they crash. Hammond et al. (2025, §3.5) list the
AI versions of both sides: commitments make cooperation possible, and rigid or mistaken
commitments remove the human who could have swerved.

A match between two drivers has a pre-play phase of ``window`` ticks. A driver's strategy
may plan to commit at some tick (throw the steering wheel out of the window). A commitment
costs ``cost`` and becomes visible to the other driver ``delay`` ticks later. A driver that
has *seen* the other's commitment before its own planned tick does not commit (it will
swerve). If two commitments are made less than ``delay`` ticks apart, neither driver saw
the other's in time: both are committed. With probability ``mistake`` a driver that did
not plan to commit commits anyway, at a random tick (a false alarm, an automated system
locking in); such a commitment is rigid. At play (tick ``window``):

* an uncommitted driver swerves;
* a committed driver goes straight, unless its commitment has an *escape clause*
  (:meth:`Commitment.escape`) that releases it, typically when it has seen the other's
  commitment by play time.

Payoffs: both swerve 0; straight against swerve ``+1`` / ``-1``; both straight: a crash,
``-crash_cost`` each; minus ``cost`` for each commitment made.

The population version (:class:`ChickenPopulation`): every step the drivers are paired at
random and play one match, then each driver with probability ``imitation`` compares its
payoff with a random other driver's and copies that driver's strategy with probability
proportional to how much better it did (Schlag's 1998 proportional imitation, whose mean
dynamics is the replicator equation). :func:`payoff_matrix` gives the exact expected
payoffs of the built-in strategies and :func:`replicator` the corresponding deterministic
dynamics: the fast path for sweeps, checked against the agent-based model in the tests.

Extension points:

* subclass :class:`Commitment` and override ``commit_tick(window, random)`` (when to
  commit; ``None``: never) and ``escape(saw_commitment, random)`` (whether a commitment
  lapses at play time);
* pass strategy instances or classes as ``strategies=`` to :class:`ChickenPopulation`.
"""

from __future__ import annotations

import random as _random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel, seed_argument
from mesa_models.params import Param, Params, require, validate_arguments

__all__ = [
    "CHICKEN_STRATEGIES",
    "Commitment",
    "CommitAt",
    "ChickenPopulation",
    "ConditionalCommitment",
    "Driver",
    "MatchResult",
    "RigidCommitment",
    "Yielder",
    "crash_rate",
    "payoff_matrix",
    "play_chicken",
    "replicator",
    "simultaneous_probability",
]

STRAIGHT, SWERVE = "straight", "swerve"


class Commitment:
    """Base class for a driver's commitment strategy (override the two methods).

    ``commit_tick(window, random)`` returns the tick in ``[0, window)`` at which the driver
    plans to commit, or ``None`` never to commit. ``escape(saw_commitment, random)`` is
    asked at play time of a driver that did commit: return True to swerve after all (an
    escape clause), False to go straight. ``random`` is a ``random.Random`` to draw from.
    """

    name: ClassVar[str] = "commitment"

    def commit_tick(self, window: int, random: _random.Random) -> int | None:
        return None

    def escape(self, saw_commitment: bool, random: _random.Random) -> bool:
        return False

    # Exact analysis (used by payoff_matrix); built-ins override these.
    def tick_distribution(self, window: int) -> dict[int | None, float]:
        raise NotImplementedError(
            f"{type(self).__name__} has no exact tick distribution; use crash_rate()"
        )

    def escape_probability(self, saw_commitment: bool) -> float:
        raise NotImplementedError(
            f"{type(self).__name__} has no exact escape probability; use crash_rate()"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Yielder(Commitment):
    """Never commits; swerves. The cautious driver."""

    name = "yield"

    def tick_distribution(self, window):
        return {None: 1.0}

    def escape_probability(self, saw_commitment):
        return 0.0


class RigidCommitment(Commitment):
    """Commits at a uniformly random tick of the window and then goes straight, whatever
    happens: Schelling's driver who throws the steering wheel away."""

    name = "rigid"

    def commit_tick(self, window, random):
        return random.randrange(window)

    def tick_distribution(self, window):
        return {t: 1.0 / window for t in range(window)}

    def escape_probability(self, saw_commitment):
        return 0.0


class ConditionalCommitment(RigidCommitment):
    """Commits like :class:`RigidCommitment`, but with an escape clause: "I go straight
    unless you have committed too" - it swerves if it has seen the other's commitment by
    play time."""

    name = "conditional"

    def escape(self, saw_commitment, random):
        return saw_commitment

    def escape_probability(self, saw_commitment):
        return 1.0 if saw_commitment else 0.0


class CommitAt(Commitment):
    """Commits at a fixed tick (or never, with ``tick=None``); ``conditional=True`` adds the
    escape clause of :class:`ConditionalCommitment`. For experiments and tests."""

    name = "fixed"

    def __init__(self, tick: int | None, conditional: bool = False) -> None:
        if tick is not None and (
            isinstance(tick, bool) or not isinstance(tick, int | np.integer) or tick < 0
        ):
            raise ValueError(
                f"CommitAt: parameter 'tick' got {tick!r}; allowed: an integer >= 0 or None"
            )
        self.tick = None if tick is None else int(tick)
        self.conditional = bool(conditional)

    def commit_tick(self, window, random):
        return self.tick

    def escape(self, saw_commitment, random):
        return self.conditional and saw_commitment

    def tick_distribution(self, window):
        return {self.tick: 1.0}

    def escape_probability(self, saw_commitment):
        return 1.0 if (self.conditional and saw_commitment) else 0.0

    def __repr__(self) -> str:
        return f"CommitAt({self.tick!r}{', conditional=True' if self.conditional else ''})"


#: Built-in strategies by the names the population model's parameters use.
CHICKEN_STRATEGIES: dict[str, type[Commitment]] = {
    cls.name: cls for cls in (Yielder, RigidCommitment, ConditionalCommitment)
}

CHICKEN_PARAMS = Params(
    Param(
        "window",
        10,
        "ticks before play in which drivers can commit",
        "ticks",
        low=1,
        high=1_000,
        widget_max=40,
    ),
    Param(
        "delay",
        2,
        "ticks before a commitment becomes visible to the other driver",
        "ticks",
        low=1,
        high=1_000,
        widget_max=20,
    ),
    Param(
        "cost",
        0.1,
        "cost of making a commitment",
        "payoff",
        low=0,
        high=100,
        widget_max=2,
        step=0.05,
    ),
    Param(
        "crash_cost",
        10.0,
        "loss to each driver in a crash",
        "payoff",
        low=0,
        high=1_000,
        widget_max=30,
    ),
    Param(
        "mistake",
        0.0,
        "chance a driver commits by mistake (rigidly)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
)


@dataclass(frozen=True)
class MatchResult:
    """One match: commitment ticks (None: none), who committed by mistake, who saw the
    other's commitment by play time, the moves and the payoffs."""

    ticks: tuple[int | None, int | None]
    accidental: tuple[bool, bool]
    saw: tuple[bool, bool]
    moves: tuple[str, str]
    payoffs: tuple[float, float]

    @property
    def crash(self) -> bool:
        return self.moves == (STRAIGHT, STRAIGHT)

    @property
    def committed(self) -> tuple[bool, bool]:
        return (self.ticks[0] is not None, self.ticks[1] is not None)

    @property
    def winner(self) -> int | None:
        """0 or 1 for the driver who went straight against a swerver, else None."""
        if self.moves == (STRAIGHT, SWERVE):
            return 0
        if self.moves == (SWERVE, STRAIGHT):
            return 1
        return None


def _strategy(spec: Any, what: str, owner: str) -> Commitment:
    if isinstance(spec, Commitment):
        return spec
    if isinstance(spec, type) and issubclass(spec, Commitment):
        return spec()
    if isinstance(spec, str) and spec in CHICKEN_STRATEGIES:
        return CHICKEN_STRATEGIES[spec]()
    raise TypeError(
        f"{owner}: parameter {what!r} got {spec!r}; expected one of {', '.join(map(repr, CHICKEN_STRATEGIES))}, "
        "a Commitment subclass or instance"
    )


def random_argument(name: str):
    """A :func:`~mesa_models.params.validate_arguments` rule for an argument that is a
    ``random.Random`` or a seed for one: None, a Random, or a non-negative integer (NumPy
    integers are returned as ``int``, which ``random.Random`` needs)."""
    seed = seed_argument(name)

    def rule(value: Any, owner: str) -> Any:
        if isinstance(value, _random.Random):
            return value
        if isinstance(value, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence):
            raise TypeError(
                f"{owner}: parameter {name!r} got {value!r}; expected None, a non-negative integer "
                "seed or a random.Random"
            )
        return seed(value, owner)

    return rule


def _settings(values: Mapping[str, Any], owner: str) -> dict[str, Any]:
    settings = {name: values[name] for name in CHICKEN_PARAMS}
    require(
        settings["delay"] <= settings["window"] + 1,
        "delay",
        settings["delay"],
        f"at most window + 1 = {settings['window'] + 1}",
        owner,
    )
    return settings


@validate_arguments(random=random_argument("random"))
def play_chicken(
    a: Any, b: Any, *, random: _random.Random | int | None = None, **params: Any
) -> MatchResult:
    """Play one match between strategies ``a`` and ``b`` (names, classes or instances).

    ``params`` are the declared parameters ``window``, ``delay``, ``cost``, ``crash_cost``
    and ``mistake``; ``random`` is a ``random.Random`` (or a seed) for the strategies'
    draws and mistakes.
    """
    owner = "play_chicken"
    settings = _settings(CHICKEN_PARAMS.resolve(params, owner), owner)
    rnd = random if isinstance(random, _random.Random) else _random.Random(random)
    return _play((_strategy(a, "a", owner), _strategy(b, "b", owner)), settings, rnd)


def _play(
    strategies: tuple[Commitment, Commitment], s: Mapping[str, Any], rnd: _random.Random
) -> MatchResult:
    """:func:`play_chicken` without the argument checks (settings already validated)."""
    window, delay = s["window"], s["delay"]
    planned: list[int | None] = []
    accidental: list[bool] = []
    for strategy in strategies:
        tick = strategy.commit_tick(window, rnd)
        if tick is not None and (
            isinstance(tick, bool)
            or not isinstance(tick, int | np.integer)
            or not 0 <= tick < window
        ):
            raise ValueError(
                f"{strategy!r}.commit_tick({window}, random) returned {tick!r}; allowed: None or an integer in [0, {window})"
            )
        slip = rnd.random() < s["mistake"]
        if tick is None and slip:
            tick = rnd.randrange(window)
            accidental.append(True)
        else:
            accidental.append(False)
        planned.append(None if tick is None else int(tick))
    ticks = resolve_commitments(planned, accidental, delay)
    saw = tuple(ticks[1 - i] is not None and ticks[1 - i] + delay <= window for i in (0, 1))
    moves = []
    for i, strategy in enumerate(strategies):
        if ticks[i] is None:
            moves.append(SWERVE)
            continue
        lapses = False if accidental[i] else strategy.escape(saw[i], rnd)
        if not isinstance(lapses, bool | np.bool_):
            raise ValueError(
                f"{strategy!r}.escape({saw[i]}, random) returned {lapses!r}; allowed: True (swerve) or False (straight)"
            )
        moves.append(SWERVE if lapses else STRAIGHT)
    payoffs = outcome_payoffs(
        tuple(moves), (ticks[0] is not None, ticks[1] is not None), s["cost"], s["crash_cost"]
    )
    return MatchResult(
        ticks=ticks, accidental=tuple(accidental), saw=saw, moves=tuple(moves), payoffs=payoffs
    )


def resolve_commitments(
    planned: Sequence[int | None], accidental: Sequence[bool], delay: int
) -> tuple[int | None, int | None]:
    """Who actually commits, and when: a planned (not accidental) commitment is dropped if
    the other's commitment became visible first (``other + delay <= own tick``)."""
    ticks = list(planned)
    order = sorted((i for i in (0, 1) if planned[i] is not None), key=lambda i: planned[i])
    if len(order) == 2:
        first, second = order
        if planned[first] == planned[second]:
            pass  # same tick: neither can have seen the other
        elif planned[first] + delay <= planned[second] and not accidental[second]:
            ticks[second] = None  # it saw the first commitment in time and yields
    return ticks[0], ticks[1]


def outcome_payoffs(
    moves: tuple[str, str], committed: tuple[bool, bool], cost: float, crash_cost: float
) -> tuple[float, float]:
    """Payoffs of a match from the moves, minus the commitment costs."""
    if moves == (STRAIGHT, STRAIGHT):
        base = (-crash_cost, -crash_cost)
    elif moves == (STRAIGHT, SWERVE):
        base = (1.0, -1.0)
    elif moves == (SWERVE, STRAIGHT):
        base = (-1.0, 1.0)
    else:
        base = (0.0, 0.0)
    return tuple(float(p - (cost if c else 0.0)) for p, c in zip(base, committed, strict=True))


@validate_arguments(
    window=CHICKEN_PARAMS["window"], delay=Param("delay", 2, "ticks", low=1, high=1_000)
)
def simultaneous_probability(window: int, delay: int) -> float:
    """Chance that two commitments at independent uniform ticks of the window are less
    than ``delay`` ticks apart (neither driver sees the other's in time)."""
    # pairs (i, j) of [0, window)^2 with |i - j| < delay: the diagonal, plus window - d pairs
    # at each distance d = 1 .. m - 1 on either side (m = min(delay, window))
    m = min(delay, window)
    close = window + 2 * ((m - 1) * window - m * (m - 1) // 2)
    return close / window**2


def expected_match(a: Any, b: Any, **params: Any) -> dict[str, float]:
    """Exact expected payoffs and crash probability of a match (built-in strategies, or any
    with ``tick_distribution`` and ``escape_probability``), by enumerating every pair of
    commitment ticks and mistake. Returns ``payoff_a``, ``payoff_b``, ``crash``."""
    owner = "expected_match"
    s = _settings(CHICKEN_PARAMS.resolve(params, owner), owner)
    window, delay, mistake = s["window"], s["delay"], s["mistake"]
    strategies = (_strategy(a, "a", owner), _strategy(b, "b", owner))
    for strategy in strategies:
        _require_exact(strategy)
    branches = []
    for strategy in strategies:
        options = []
        distribution = strategy.tick_distribution(window)
        for tick in distribution:
            if tick is not None and not 0 <= tick < window:
                raise ValueError(
                    f"{owner}: {strategy!r} plans tick {tick!r}; allowed: None or an integer in [0, {window})"
                )
        for tick, p in distribution.items():
            if tick is None:
                options.append((None, False, p * (1 - mistake)))
                options += [(t, True, p * mistake / window) for t in range(window)]
            else:
                options.append((tick, False, p))
        branches.append([o for o in options if o[2] > 0])
    result = {"payoff_a": 0.0, "payoff_b": 0.0, "crash": 0.0}
    for ta, acc_a, pa in branches[0]:
        for tb, acc_b, pb in branches[1]:
            ticks = resolve_commitments((ta, tb), (acc_a, acc_b), delay)
            saw = [ticks[1 - i] is not None and ticks[1 - i] + delay <= window for i in (0, 1)]
            committed = (ticks[0] is not None, ticks[1] is not None)
            straight = [
                0.0
                if not committed[i]
                else (1.0 if (acc_a, acc_b)[i] else 1 - strategies[i].escape_probability(saw[i]))
                for i in (0, 1)
            ]
            for move_a, p_move_a in ((STRAIGHT, straight[0]), (SWERVE, 1 - straight[0])):
                for move_b, p_move_b in ((STRAIGHT, straight[1]), (SWERVE, 1 - straight[1])):
                    weight = pa * pb * p_move_a * p_move_b
                    if weight == 0:
                        continue
                    pay = outcome_payoffs((move_a, move_b), committed, s["cost"], s["crash_cost"])
                    result["payoff_a"] += weight * pay[0]
                    result["payoff_b"] += weight * pay[1]
                    result["crash"] += weight * (move_a == move_b == STRAIGHT)
    return result


def _defining_class(cls: type, name: str) -> type:
    return next(k for k in cls.__mro__ if name in vars(k))


def _require_exact(strategy: Commitment) -> None:
    """Refuse a strategy that overrides a behaviour without its exact counterpart (e.g. a
    subclass of RigidCommitment with its own ``escape`` but the inherited
    ``escape_probability``), which would silently be analysed as its parent."""
    cls = type(strategy)
    for behaviour, exact in (
        ("commit_tick", "tick_distribution"),
        ("escape", "escape_probability"),
    ):
        if _defining_class(cls, behaviour) is not _defining_class(cls, exact) and issubclass(
            _defining_class(cls, behaviour), _defining_class(cls, exact)
        ):
            raise NotImplementedError(
                f"{cls.__name__} overrides {behaviour}() but not {exact}(), so it has no exact analysis; "
                "estimate it with crash_rate() instead"
            )


def payoff_matrix(
    strategies: Sequence[Any] = tuple(CHICKEN_STRATEGIES), **params: Any
) -> np.ndarray:
    """Exact expected payoff of row strategy against column strategy (see :func:`expected_match`)."""
    return np.array(
        [[expected_match(a, b, **params)["payoff_a"] for b in strategies] for a in strategies]
    )


@validate_arguments(
    matches=Param("matches", 1000, "simulated matches", low=1, high=1_000_000),
    rng=random_argument("rng"),
)
def crash_rate(
    a: Any, b: Any, matches: int = 1000, *, rng: int | None = None, **params: Any
) -> float:
    """Share of ``matches`` simulated matches between ``a`` and ``b`` that end in a crash."""
    owner = "crash_rate"
    settings = _settings(CHICKEN_PARAMS.resolve(params, owner), owner)
    pair = (_strategy(a, "a", owner), _strategy(b, "b", owner))
    rnd = rng if isinstance(rng, _random.Random) else _random.Random(rng)
    return sum(_play(pair, settings, rnd).crash for _ in range(int(matches))) / int(matches)


@validate_arguments(
    steps=Param("steps", 100, "steps", low=0, high=1_000_000),
    rate=Param("rate", 0.05, "step size", low=0, low_open=True, high=1),
)
def replicator(
    matrix: np.ndarray, start: Sequence[float], steps: int, rate: float = 0.05
) -> np.ndarray:
    """Discrete replicator dynamics ``x_i += rate * x_i (f_i - f_mean) / spread`` for the
    payoff ``matrix`` (``spread`` = largest minus smallest entry, as in proportional
    imitation). Returns the shares, shape ``(steps + 1, k)``."""
    matrix = np.asarray(matrix, dtype=float)
    x = np.asarray(start, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or x.shape != (matrix.shape[0],):
        raise ValueError(
            f"replicator(): 'matrix' must be k x k and 'start' k shares; got {matrix.shape} and {x.shape}"
        )
    if np.any(x < 0) or not np.isclose(x.sum(), 1):
        raise ValueError(
            f"replicator(): parameter 'start' got {x.tolist()}; allowed: non-negative shares summing to 1"
        )
    spread = float(matrix.max() - matrix.min()) or 1.0
    path = [x.copy()]
    for _ in range(int(steps)):
        fitness = matrix @ x
        x = x + rate * x * (fitness - x @ fitness) / spread
        x = np.clip(x, 0, None)
        x = x / x.sum()
        path.append(x.copy())
    return np.array(path)


class Driver(Agent):
    """A driver in the population: a commitment strategy and its last payoff."""

    def __init__(self, model: ChickenPopulation, strategy: Commitment, kind: str) -> None:
        super().__init__(model)
        self.strategy = strategy
        self.kind = kind
        self.payoff = 0.0

    def copies(self, other: Driver) -> bool:
        """Proportional imitation: copy ``other``'s strategy with probability proportional to
        how much better it did in its last match. Override to try another learning rule."""
        gain = other.payoff - self.payoff
        return gain > 0 and self.random.random() < gain / self.model.payoff_spread


class ChickenPopulation(RiskModel):
    """A population of drivers meeting in games of Chicken with commitment devices.

    One step = every driver plays one match against a random partner, then imitates.
    Reporters: shares of each strategy (``yield``, ``rigid``, ``conditional`` or the names of
    the strategies passed in), ``crash_rate`` (share of this step's matches that crashed),
    ``commitments`` (share of drivers that committed), ``payoff`` (mean payoff).
    """

    params = Params(
        Param(
            "n_agents",
            100,
            "drivers in the population (an even number)",
            "agents",
            low=2,
            high=10_000,
        ),
        Param(
            "initial_rigid",
            0.05,
            "share of rigid committers at the start",
            "share",
            low=0,
            high=1,
            step=0.05,
        ),
        Param(
            "initial_conditional",
            0.0,
            "share of conditional committers at the start",
            "share",
            low=0,
            high=1,
            step=0.05,
        ),
        Param(
            "imitation",
            0.1,
            "chance per step that a driver compares itself with another",
            "probability",
            low=0,
            high=1,
            step=0.05,
        ),
        *CHICKEN_PARAMS.values(),
    )
    reporters = {
        "yield": lambda m: m.share("yield"),
        "rigid": lambda m: m.share("rigid"),
        "conditional": lambda m: m.share("conditional"),
        "crash_rate": "crash_share",
        "commitments": "commit_share",
        "payoff": "mean_payoff",
    }
    default_plots = ("rigid", "crash_rate")

    def __init__(
        self, *, strategies: Mapping[str, Any] | None = None, rng: Any = None, **params: Any
    ) -> None:
        """``strategies`` maps the three names ``yield``, ``rigid``, ``conditional`` to
        Commitment classes or instances, replacing the built-ins (e.g. your own escape
        clause as ``conditional``)."""
        rng = (
            int(rng) if isinstance(rng, np.integer) else rng
        )  # Mesa's random.Random needs a plain int
        super().__init__(rng=rng, **params)
        owner = type(self).__name__
        require(
            self.n_agents % 2 == 0,
            "n_agents",
            self.n_agents,
            "an even number (drivers meet in pairs)",
            owner,
        )
        require(
            self.initial_rigid + self.initial_conditional <= 1,
            "initial_conditional",
            self.initial_conditional,
            f"at most 1 - initial_rigid = {1 - self.initial_rigid:g}",
            owner,
        )
        self.settings = _settings(self.param_values, owner)
        chosen = dict(CHICKEN_STRATEGIES)
        for name, spec in (strategies or {}).items():
            if name not in CHICKEN_STRATEGIES:
                raise ValueError(
                    f"{owner}: parameter 'strategies' has key {name!r}; allowed: {', '.join(map(repr, CHICKEN_STRATEGIES))}"
                )
            chosen[name] = spec
        self.strategies = {
            name: _strategy(spec, f"strategies[{name!r}]", owner) for name, spec in chosen.items()
        }
        self.payoff_spread = 1.0 + self.cost + max(self.crash_cost, 1.0)
        n_rigid = int(round(self.initial_rigid * self.n_agents))
        n_cond = int(round(self.initial_conditional * self.n_agents))
        kinds = (
            ["rigid"] * n_rigid
            + ["conditional"] * n_cond
            + ["yield"] * (self.n_agents - n_rigid - n_cond)
        )
        self.drivers = [Driver(self, self.strategies[k], k) for k in kinds]
        self.crash_share = self.commit_share = self.mean_payoff = float("nan")
        self.last_matches: list[MatchResult] = []
        self.start_datacollector()

    def share(self, kind: str) -> float:
        return sum(d.kind == kind for d in self.drivers) / len(self.drivers)

    def step(self) -> None:
        order = list(self.drivers)
        self.random.shuffle(order)
        matches = []
        for first, second in zip(order[::2], order[1::2], strict=True):
            result = _play((first.strategy, second.strategy), self.settings, self.random)
            first.payoff, second.payoff = result.payoffs
            matches.append(result)
        self.last_matches = matches
        self.crash_share = sum(m.crash for m in matches) / len(matches)
        self.commit_share = sum(sum(m.committed) for m in matches) / self.n_agents
        self.mean_payoff = float(np.mean([d.payoff for d in self.drivers]))
        learners = [d for d in self.drivers if self.random.random() < self.imitation]
        switches = []
        for (
            learner
        ) in learners:  # decide first, then switch: everyone copies last step's strategies
            other = self.random.choice(self.drivers)
            if learner.copies(other):
                switches.append((learner, other.strategy, other.kind))
        for learner, strategy, kind in switches:
            learner.strategy, learner.kind = strategy, kind
        self.datacollector.collect(self)

    def draw_state(self, ax) -> None:
        """Bar chart of the strategy shares."""
        from mesa_models.plotting import COLORS

        names = list(CHICKEN_STRATEGIES)
        ax.bar(
            names,
            [self.share(k) for k in names],
            color=[COLORS["green"], COLORS["vermillion"], COLORS["blue"]],
        )
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of drivers")
        ax.set_title(f"step {self.steps}: commitment types")

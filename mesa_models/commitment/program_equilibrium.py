"""Program equilibrium: cooperation between agents that can read each other's policy (Unit 08).

Source: Tennenholtz, M. (2004), "Program equilibrium", *Games and Economic Behavior*
49(2):363-373 (doi:10.1016/j.geb.2004.02.002). If each player submits a *program* that can
read the other's program before moving, the one-shot prisoner's dilemma gains a cooperative
equilibrium: "cooperate if the other program is identical to mine, otherwise defect". A
player who deviates to any other program meets a defector, so deviating cannot pay. The
course calls that program :class:`CliqueBot`; Oesterheld (2019, "Robust program
equilibrium", *Theory and Decision* 86:143-159) discusses sturdier versions.

The one-shot game uses Axelrod's payoffs (R = 3, T = 5, S = 0, P = 1), reused from Unit 02
(:data:`mesa_models.conflict.escalation.AXELROD_PAYOFF`). Two weaknesses of transparency
are modelled:

* **noisy inspection** - with probability ``inspection_noise`` a program's reading of the
  other is wrong and its conditional move is flipped (two CliqueBots then fail to
  recognise each other, or a CliqueBot mistakes a defector for a clone);
* **disguise** - an :class:`Impostor` shows CliqueBot's source code but always defects;
  an inspector sees through the disguise with probability ``detection``.

Programs: ``clique`` (CliqueBot), ``defect`` (always defect), ``cooperate`` (always
cooperate), ``impostor``. The population version (:class:`ProgramDilemma`): every step the
agents are paired at random and play once; then each agent with probability ``imitation``
compares its payoff with a random other's and copies that agent's program with probability
proportional to the payoff difference (proportional imitation). :func:`cooperation_probability`
and :func:`program_payoff_matrix` give the exact expectations; with
:func:`~mesa_models.commitment.chicken.replicator` they are the fast path, checked against
the agent-based model in the tests.

Extension points: subclass :class:`Program` (``source`` is what others read; override
``decide(view, random)``, where ``view`` is the program as the inspector sees it) and pass
instances as ``programs=`` to :class:`ProgramDilemma`.
"""

from __future__ import annotations

import random as _random
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel
from mesa_models.conflict.escalation import AXELROD_PAYOFF
from mesa_models.commitment.chicken import random_argument
from mesa_models.params import Param, Params, require, validate_arguments

__all__ = [
    "PROGRAMS",
    "AlwaysCooperate",
    "AlwaysDefect",
    "CliqueBot",
    "Impostor",
    "Program",
    "ProgramDilemma",
    "cooperation_probability",
    "play_programs",
    "program_payoff_matrix",
]


class Program:
    """A policy whose source code the other player can read before moving.

    ``source`` is the text others read; ``conditional`` says whether ``decide`` depends on
    what was read (only such decisions are affected by inspection noise).
    ``decide(view, random)`` returns "C" or "D", where ``view`` is the other program as
    this one reads it (an :class:`Impostor` may look like a CliqueBot).
    """

    name: ClassVar[str] = "program"
    source: ClassVar[str] = ""
    conditional: ClassVar[bool] = False

    def decide(self, view: Program, random: _random.Random) -> str:
        raise NotImplementedError

    def shown_to(self, random: _random.Random, detection: float) -> Program:
        """The program an inspector reads: itself (impostors override this)."""
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class CliqueBot(Program):
    """Tennenholtz's program: cooperate iff the other program's source equals mine."""

    name = "clique"
    source = "if source(other) == source(me): cooperate else: defect"
    conditional = True

    def decide(self, view, random):
        return "C" if view.source == self.source else "D"


class AlwaysDefect(Program):
    """Defect whatever the other program says."""

    name = "defect"
    source = "defect"

    def decide(self, view, random):
        return "D"


class AlwaysCooperate(Program):
    """Cooperate whatever the other program says."""

    name = "cooperate"
    source = "cooperate"

    def decide(self, view, random):
        return "C"


class Impostor(AlwaysDefect):
    """Shows CliqueBot's source but always defects; an inspector sees the true program
    (``defect``) with probability ``detection``."""

    name = "impostor"

    def shown_to(self, random, detection):
        return self if random.random() < detection else _MASK

    def decide(self, view, random):
        return "D"


_MASK = CliqueBot()

#: Built-in programs by the names the model's parameters use.
PROGRAMS: dict[str, type[Program]] = {
    cls.name: cls for cls in (CliqueBot, AlwaysDefect, AlwaysCooperate, Impostor)
}


def _check_probability(value: Any, name: str, owner: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not 0 <= value <= 1
    ):
        raise ValueError(f"{owner}: parameter {name!r} got {value!r}; allowed: a number in [0, 1]")
    return float(value)


def _program(spec: Any, what: str, owner: str) -> Program:
    if isinstance(spec, Program):
        return spec
    if isinstance(spec, type) and issubclass(spec, Program):
        return spec()
    if isinstance(spec, str) and spec in PROGRAMS:
        return PROGRAMS[spec]()
    raise TypeError(
        f"{owner}: parameter {what!r} got {spec!r}; expected one of {', '.join(map(repr, PROGRAMS))}, a Program subclass or instance"
    )


@validate_arguments(random=random_argument("random"))
def play_programs(
    a: Any,
    b: Any,
    *,
    inspection_noise: float = 0.0,
    detection: float = 1.0,
    random: _random.Random | int | None = None,
) -> tuple[str, str]:
    """One one-shot game between programs ``a`` and ``b``: each reads the other (noise,
    disguise) and moves. Returns the two moves."""
    owner = "play_programs"
    noise = _check_probability(inspection_noise, "inspection_noise", owner)
    detect = _check_probability(detection, "detection", owner)
    rnd = random if isinstance(random, _random.Random) else _random.Random(random)
    return _play((_program(a, "a", owner), _program(b, "b", owner)), noise, detect, rnd)


def _play(
    pair: tuple[Program, Program], noise: float, detection: float, rnd: _random.Random
) -> tuple[str, str]:
    views = (pair[1].shown_to(rnd, detection), pair[0].shown_to(rnd, detection))
    moves = []
    for program, view in zip(pair, views, strict=True):
        move = program.decide(view, rnd)
        if move not in ("C", "D"):
            raise ValueError(f"{program!r}.decide(...) returned {move!r}; allowed: 'C' or 'D'")
        if program.conditional and rnd.random() < noise:
            move = "D" if move == "C" else "C"
        moves.append(move)
    return moves[0], moves[1]


def cooperation_probability(
    a: str, b: str, inspection_noise: float = 0.0, detection: float = 1.0
) -> float:
    """Exact chance that built-in program ``a`` cooperates against built-in program ``b``."""
    owner = "cooperation_probability"
    noise = _check_probability(inspection_noise, "inspection_noise", owner)
    detect = _check_probability(detection, "detection", owner)
    for what, name in (("a", a), ("b", b)):
        if name not in PROGRAMS:
            raise ValueError(
                f"{owner}: parameter {what!r} got {name!r}; allowed: one of {', '.join(map(repr, PROGRAMS))}"
            )
    if a == "cooperate":
        return 1.0
    if a in ("defect", "impostor"):
        return 0.0
    # a is a CliqueBot: it reads "same" for another CliqueBot, and for an undetected impostor
    reads_same = {"clique": 1.0, "impostor": 1.0 - detect}.get(b, 0.0)
    return reads_same * (1 - noise) + (1 - reads_same) * noise


def program_payoff_matrix(
    programs: Sequence[str] = tuple(PROGRAMS),
    inspection_noise: float = 0.0,
    detection: float = 1.0,
    payoff: Mapping[tuple[str, str], float] = AXELROD_PAYOFF,
) -> np.ndarray:
    """Exact expected payoff of row program against column program."""
    matrix = np.zeros((len(programs), len(programs)))
    for i, a in enumerate(programs):
        for j, b in enumerate(programs):
            pa, pb = (
                cooperation_probability(a, b, inspection_noise, detection),
                cooperation_probability(b, a, inspection_noise, detection),
            )
            matrix[i, j] = sum(
                (pa if ma == "C" else 1 - pa) * (pb if mb == "C" else 1 - pb) * payoff[ma, mb]
                for ma in "CD"
                for mb in "CD"
            )
    return matrix


class Player(Agent):
    """An agent that plays the one-shot dilemma through its program."""

    def __init__(self, model: ProgramDilemma, program: Program, kind: str) -> None:
        super().__init__(model)
        self.program = program
        self.kind = kind
        self.payoff = 0.0

    def copies(self, other: Player) -> bool:
        """Proportional imitation (see the module docstring)."""
        gain = other.payoff - self.payoff
        return gain > 0 and self.random.random() < gain / self.model.payoff_spread


class ProgramDilemma(RiskModel):
    """A population of programs meeting in one-shot prisoner's dilemmas (Tennenholtz 2004).

    One step = random pairing, one game per pair, then imitation. Reporters: shares of the
    four programs, ``cooperation`` (share of this step's moves that were C) and
    ``payoff`` (mean payoff per agent this step).
    """

    params = Params(
        Param(
            "n_agents",
            100,
            "agents in the population (an even number)",
            "agents",
            low=2,
            high=10_000,
        ),
        Param(
            "inspection_noise",
            0.0,
            "chance a program misreads the other and flips its conditional move",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param(
            "detection",
            1.0,
            "chance an inspector sees through an impostor's disguise",
            "probability",
            low=0,
            high=1,
            step=0.05,
        ),
        Param(
            "initial_clique",
            0.9,
            "share of CliqueBots at the start",
            "share",
            low=0,
            high=1,
            step=0.05,
        ),
        Param(
            "initial_defect",
            0.05,
            "share of always-defect programs at the start",
            "share",
            low=0,
            high=1,
            step=0.05,
        ),
        Param(
            "initial_impostor",
            0.05,
            "share of impostors at the start (the rest always cooperate)",
            "share",
            low=0,
            high=1,
            step=0.05,
        ),
        Param(
            "imitation",
            0.1,
            "chance per step that an agent compares itself with another",
            "probability",
            low=0,
            high=1,
            step=0.05,
        ),
    )
    reporters = {
        "clique": lambda m: m.share("clique"),
        "defect": lambda m: m.share("defect"),
        "cooperate": lambda m: m.share("cooperate"),
        "impostor": lambda m: m.share("impostor"),
        "cooperation": "cooperation",
        "payoff": "mean_payoff",
    }
    default_plots = ("cooperation", "clique")

    def __init__(
        self, *, programs: Mapping[str, Any] | None = None, rng: Any = None, **params: Any
    ) -> None:
        """``programs`` maps built-in names to Program classes or instances that replace them."""
        rng = (
            int(rng) if isinstance(rng, np.integer) else rng
        )  # Mesa's random.Random needs a plain int
        super().__init__(rng=rng, **params)
        owner = type(self).__name__
        require(
            self.n_agents % 2 == 0,
            "n_agents",
            self.n_agents,
            "an even number (agents meet in pairs)",
            owner,
        )
        total = self.initial_clique + self.initial_defect + self.initial_impostor
        require(
            total <= 1 + 1e-12,
            "initial_impostor",
            self.initial_impostor,
            f"at most 1 - initial_clique - initial_defect = {1 - self.initial_clique - self.initial_defect:g}",
            owner,
        )
        chosen: dict[str, Any] = dict(PROGRAMS)
        for name, spec in (programs or {}).items():
            if name not in PROGRAMS:
                raise ValueError(
                    f"{owner}: parameter 'programs' has key {name!r}; allowed: {', '.join(map(repr, PROGRAMS))}"
                )
            chosen[name] = spec
        self.programs = {
            name: _program(spec, f"programs[{name!r}]", owner) for name, spec in chosen.items()
        }
        values = list(AXELROD_PAYOFF.values())
        self.payoff_spread = max(values) - min(values)
        counts = {
            k: int(round(getattr(self, f"initial_{k}") * self.n_agents))
            for k in ("clique", "defect", "impostor")
        }
        kinds = [k for k, c in counts.items() for _ in range(c)]
        kinds += ["cooperate"] * (self.n_agents - len(kinds))
        self.players = [Player(self, self.programs[k], k) for k in kinds]
        self.cooperation = self.mean_payoff = float("nan")
        self.start_datacollector()

    def share(self, kind: str) -> float:
        return sum(p.kind == kind for p in self.players) / len(self.players)

    def step(self) -> None:
        order = list(self.players)
        self.random.shuffle(order)
        cooperative = 0
        for first, second in zip(order[::2], order[1::2], strict=True):
            moves = _play(
                (first.program, second.program), self.inspection_noise, self.detection, self.random
            )
            first.payoff = AXELROD_PAYOFF[moves[0], moves[1]]
            second.payoff = AXELROD_PAYOFF[moves[1], moves[0]]
            cooperative += moves.count("C")
        self.cooperation = cooperative / self.n_agents
        self.mean_payoff = float(np.mean([p.payoff for p in self.players]))
        switches = []
        for learner in [p for p in self.players if self.random.random() < self.imitation]:
            other = self.random.choice(self.players)
            if learner.copies(other):
                switches.append((learner, other.program, other.kind))
        for learner, program, kind in switches:
            learner.program, learner.kind = program, kind
        self.datacollector.collect(self)

    def draw_state(self, ax) -> None:
        """Bar chart of the program shares."""
        from mesa_models.plotting import COLORS

        names = list(PROGRAMS)
        ax.bar(
            names,
            [self.share(k) for k in names],
            color=[COLORS["blue"], COLORS["vermillion"], COLORS["green"], COLORS["purple"]],
        )
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of agents")
        ax.set_title(f"step {self.steps}: programs")

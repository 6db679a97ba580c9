"""Defence under a budget: a noisy monitor, quarantine, least privilege and segmentation
against an infectious jailbreak (Unit 10, Multi-agent security).

The spread is Gu et al.'s (2024) randomised pairwise chat
(:mod:`mesa_models.security.infectious_jailbreak`): a carrier that asks passes the virus to
a clean partner with probability ``beta`` and forgets it with probability ``gamma`` per
round. On top of it, three defences that each cost something (de Witt 2025, "Open
Challenges in Multi-Agent Security", https://arxiv.org/abs/2505.02077, on monitoring,
containment and least privilege in agent networks):

* **Monitor and quarantine.** Every round a monitor scores each active agent; the score is
  normal with mean ``sensitivity`` for carriers and 0 for clean agents (standard
  deviation 1: signal detection theory), and an agent scoring above ``threshold`` is
  quarantined for ``quarantine_rounds`` rounds, after which its memory is purged and it
  returns. So the detection rate is ``Phi(sensitivity - threshold)`` and the false-alarm
  rate ``1 - Phi(threshold)`` (:func:`monitor_rates`): a lower threshold catches more
  carriers *and* idles more clean agents. The quarantine holds at most ``capacity`` x
  ``n_agents`` agents (the budget); when more are flagged than fit, a random subset goes in.
* **Least privilege.** Agents have one of five roles; with ``least_privilege`` each gets
  its smallest manifest that still does the job
  (:data:`~mesa_models.security.manifests.LEAST_PRIVILEGE`), otherwise every tool. A
  carrier does harm each round equal to its manifest's blast radius.
* **Segmentation.** Agents are split into ``segments`` equal groups that chat among
  themselves; only a share ``cross_traffic`` of chats crosses segments. The adversary
  poisons agents of segment 0.

A round: (1) the monitor flags active agents and the flagged enter quarantine (up to
capacity); (2) active agents pair up (within their segment, or across it with probability
``cross_traffic``) and carriers that ask infect clean partners with probability ``beta``;
(3) agents that carried the virus at the start of the round forget it with probability
``gamma``; (4) quarantine clocks run down; agents whose clock reaches 0 are purged and
return.

While carriers are rare, an active carrier becomes on average
``(1 - d)(1 - gamma + beta/2)`` active carriers next round, d the detection rate
(:func:`defence_growth_factor`); with d = 0 this is Gu et al.'s condition beta > 2 gamma.
Quarantine contains the outbreak when the factor is at most 1, that is when d reaches
:func:`critical_detection` ``1 - 1/(1 - gamma + beta/2)`` — if the quarantine has room.

Costs, per round and per agent: ``harm`` (blast radius of active carriers),
``false_alarm_cost`` (clean agents idle in quarantine), ``quarantine_cost`` (all agents
in quarantine).

The NumPy engine :class:`mesa_models.security.defence_fast.DefenceArray` has the same
rules and parameters, for sweeps (tests/test_defence.py compares their statistics).

Extension points: ``monitor=`` (a function ``agent -> bool``, True to flag it; replaces the
threshold rule), ``manifests=`` (a dict role -> set of tools, checked by
:func:`~mesa_models.security.manifests.validate_manifests`), or subclass
:class:`DefenceAgent` and override :meth:`DefenceAgent.score`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import mesa
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS
from mesa_models.security.infectious_jailbreak import BETA, GAMMA, draw_population, plain_seed
from mesa_models.security.manifests import (
    ALL_TOOLS,
    LEAST_PRIVILEGE,
    ROLES,
    blast_radius,
    validate_manifests,
)

__all__ = [
    "DEFENCE_PARAMS",
    "DefenceAgent",
    "DefenceModel",
    "critical_detection",
    "defence_growth_factor",
    "monitor_rates",
    "role_blast_radii",
    "threshold_for_detection",
]

#: Parameters shared by the Mesa model and the NumPy engine (declared once).
DEFENCE_PARAMS = Params(
    Param("n_agents", 200, "agents in the system", "agents", low=10, high=20_000, step=10),
    BETA,
    GAMMA,
    Param(
        "initial_infected",
        4,
        "agents of segment 0 the adversary poisons before round 1",
        "agents",
        low=0,
        high=20_000,
    ),
    Param("quarantine", True, "monitor agents and quarantine those it flags"),
    Param(
        "sensitivity",
        1.5,
        "how far apart the monitor's scores for carriers and clean agents lie (d')",
        "standard deviations",
        low=0,
        high=5,
        step=0.1,
    ),
    Param(
        "threshold",
        1.0,
        "alarm threshold on the monitor's score: lower catches more and idles more",
        "standard deviations",
        low=-3,
        high=5,
        step=0.05,
    ),
    Param(
        "quarantine_rounds",
        3,
        "rounds a flagged agent stays isolated before its memory is purged",
        "rounds",
        low=1,
        high=50,
    ),
    Param(
        "capacity",
        1.0,
        "share of all agents the quarantine can hold at once (the budget)",
        "fraction",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "least_privilege", False, "give each role only the tools its job needs (else every tool)"
    ),
    Param("segments", 1, "groups that chat only among themselves", "segments", low=1, high=20),
    Param(
        "cross_traffic",
        0.05,
        "chance an agent's chat this round crosses segments",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
)


# -- formulas ------------------------------------------------------------------------------------------


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _number(value: Any, name: str, owner: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{owner}: parameter {name!r} got {value!r}; expected a number")
    value = float(value)
    require(math.isfinite(value), name, value, "a finite number", owner)
    return value


def monitor_rates(sensitivity: float, threshold: float) -> tuple[float, float]:
    """``(detection rate, false-alarm rate)`` of the threshold monitor: scores are normal
    (sd 1) with mean ``sensitivity`` for carriers and 0 for clean agents."""
    d = _number(sensitivity, "sensitivity", "monitor_rates")
    t = _number(threshold, "threshold", "monitor_rates")
    require(d >= 0, "sensitivity", d, "a number >= 0", "monitor_rates")
    return _phi(d - t), 1 - _phi(t)


def threshold_for_detection(sensitivity: float, detection: float) -> float:
    """The threshold at which the monitor detects a share ``detection`` of carriers."""
    from statistics import NormalDist

    d = _number(sensitivity, "sensitivity", "threshold_for_detection")
    p = _number(detection, "detection", "threshold_for_detection")
    require(0 < p < 1, "detection", p, "a number in (0, 1)", "threshold_for_detection")
    return d - NormalDist().inv_cdf(p)


def defence_growth_factor(beta: float, gamma: float, detection: float) -> float:
    """Active carriers one active carrier becomes per round while carriers are rare:
    ``(1 - detection) (1 - gamma + beta / 2)``."""
    for name, value in (("beta", beta), ("gamma", gamma), ("detection", detection)):
        v = _number(value, name, "defence_growth_factor")
        require(0 <= v <= 1, name, v, "a number in [0, 1]", "defence_growth_factor")
    return (1 - float(detection)) * (1 - float(gamma) + float(beta) / 2)


def critical_detection(beta: float, gamma: float) -> float:
    """The smallest detection rate at which quarantine contains the outbreak (growth factor
    at most 1): ``1 - 1 / (1 - gamma + beta / 2)``, or 0 when beta <= 2 gamma already."""
    factor = defence_growth_factor(beta, gamma, 0.0)
    return max(0.0, 1 - 1 / factor)


def role_blast_radii(
    least_privilege: bool, manifests: Mapping[str, Any] | None = None
) -> dict[str, float]:
    """Blast radius of each role under the chosen manifests."""
    if manifests is None:
        manifests = LEAST_PRIVILEGE if least_privilege else ALL_TOOLS
    return {role: blast_radius(tools) for role, tools in validate_manifests(manifests).items()}


def _check_combination(model: Any, owner: str) -> None:
    """Constraints between parameters (shared by both engines)."""
    require(
        model.segments <= model.n_agents // 2,
        "segments",
        model.segments,
        f"at most n_agents / 2 = {model.n_agents // 2} (each segment needs a pair)",
        owner,
    )
    first = segment_sizes(model.n_agents, model.segments)[0]
    require(
        model.initial_infected <= first,
        "initial_infected",
        model.initial_infected,
        f"at most the size of segment 0 ({first} agents for n_agents={model.n_agents}, segments={model.segments})",
        owner,
    )


def segment_sizes(n_agents: int, segments: int) -> list[int]:
    """Agents per segment when agent i belongs to segment ``i * segments // n_agents``."""
    labels = np.arange(n_agents) * segments // n_agents
    return np.bincount(labels, minlength=segments).tolist()


# -- the Mesa model ------------------------------------------------------------------------------------


class DefenceAgent(mesa.Agent):
    """An agent with a role, a tool manifest, a segment, and maybe the virus."""

    def __init__(self, model: DefenceModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.role = ROLES[index % len(ROLES)]
        self.segment = index * model.segments // model.n_agents
        self.blast = model.blast_radii[self.role]
        self.carrier = False
        self.carried_at_start = False
        self.quarantine_left = 0

    @property
    def active(self) -> bool:
        return self.quarantine_left == 0

    def score(self) -> float:
        """The monitor's score for this agent: normal, mean ``sensitivity`` if it carries
        the virus, else 0; standard deviation 1."""
        return self.random.gauss(self.model.sensitivity if self.carrier else 0.0, 1.0)

    def flagged(self) -> bool:
        """Whether the monitor raises an alarm on this agent this round."""
        if self.model.monitor is not None:
            verdict = self.model.monitor(self)
            if not isinstance(verdict, bool | np.bool_):
                name = getattr(self.model.monitor, "__name__", "monitor")
                raise ValueError(
                    f"monitor {name!r} returned {verdict!r} for agent {self.index}; allowed: True or False"
                )
            return bool(verdict)
        return self.score() > self.model.threshold


class DefenceModel(RiskModel):
    """Infectious jailbreak against a monitor with false alarms, a quarantine budget, tool
    manifests and segmentation; one Mesa agent each.

    Reporters (shares of all agents unless stated): ``infected`` (carrying the virus,
    quarantined or not), ``active_infected``, ``quarantined``, ``false_alarms`` (clean
    agents newly quarantined this round), ``false_alarm_cost`` (clean agents idle in
    quarantine), ``harm`` (blast radius of active carriers per agent, harm units),
    ``cost`` (harm + false_alarm_cost).
    """

    params = DEFENCE_PARAMS
    reporters = {
        "infected": lambda m: m.count(lambda a: a.carrier) / m.n_agents,
        "active_infected": lambda m: m.count(lambda a: a.carrier and a.active) / m.n_agents,
        "quarantined": lambda m: m.count(lambda a: not a.active) / m.n_agents,
        "false_alarms": lambda m: m.new_false_alarms / m.n_agents,
        "false_alarm_cost": lambda m: (
            m.count(lambda a: not a.active and not a.carrier) / m.n_agents
        ),
        "harm": lambda m: m.round_harm / m.n_agents,
        "cost": lambda m: (
            (m.round_harm + m.count(lambda a: not a.active and not a.carrier)) / m.n_agents
        ),
    }
    default_plots = ("infected", "quarantined")
    agent_class: ClassVar[type[DefenceAgent]] = DefenceAgent

    def __init__(
        self,
        *,
        monitor: Callable[[DefenceAgent], bool] | None = None,
        manifests: Mapping[str, Any] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        owner = type(self).__name__
        _check_combination(self, owner)
        if monitor is not None and not callable(monitor):
            raise TypeError(
                f"{owner}: parameter 'monitor' got {monitor!r}; expected a function agent -> True/False"
            )
        self.monitor = monitor
        self.blast_radii = role_blast_radii(self.least_privilege, manifests)
        self.detection_rate, self.false_alarm_rate = monitor_rates(self.sensitivity, self.threshold)
        self.population = [self.agent_class(self, i) for i in range(self.n_agents)]
        first_segment = [a for a in self.population if a.segment == 0]
        for agent in self.random.sample(first_segment, self.initial_infected):
            agent.carrier = True
        self.slots = int(math.floor(self.capacity * self.n_agents + 1e-9))
        self.new_false_alarms = 0
        self.round_harm = 0.0
        self.start_datacollector()

    def count(self, condition: Callable[[DefenceAgent], bool]) -> int:
        return sum(1 for a in self.population if condition(a))

    # -- one round --------------------------------------------------------------------------------------
    def step(self) -> None:
        for agent in self.population:
            agent.carried_at_start = agent.carrier
        self.new_false_alarms = self._monitor() if self.quarantine else 0
        active = [a for a in self.population if a.active]
        self.round_harm = sum(a.blast for a in active if a.carrier)
        for questioner, answerer in self.pairs(active):
            if questioner.carrier and not answerer.carrier and self.random.random() < self.beta:
                answerer.carrier = True
        for agent in self.population:
            if agent.carried_at_start and self.random.random() < self.gamma:
                agent.carrier = False
        for agent in self.population:
            if agent.quarantine_left > 0:
                agent.quarantine_left -= 1
                if agent.quarantine_left == 0:
                    agent.carrier = False  # purged on release
        self.datacollector.collect(self)

    def _monitor(self) -> int:
        """Flag active agents; quarantine as many as fit. Returns new false alarms."""
        flagged = [a for a in self.population if a.active and a.flagged()]
        room = self.slots - self.count(lambda a: not a.active)
        if len(flagged) > room:
            flagged = self.random.sample(flagged, max(room, 0))
        for agent in flagged:
            agent.quarantine_left = self.quarantine_rounds
        return sum(not a.carrier for a in flagged)

    def pairs(self, active: list[DefenceAgent]) -> list[tuple[DefenceAgent, DefenceAgent]]:
        """(questioner, answerer) pairs among ``active`` agents: each agent chats in its own
        segment, or with probability ``cross_traffic`` in a pool shared by all segments; within
        a pool a random matching (one agent sits out if the pool is odd)."""
        pools: dict[int, list[DefenceAgent]] = {}
        for agent in active:
            crosses = self.segments > 1 and self.random.random() < self.cross_traffic
            pools.setdefault(-1 if crosses else agent.segment, []).append(agent)
        pairs = []
        for key in sorted(pools):
            members = pools[key]
            self.random.shuffle(members)
            pairs += [(members[i], members[i + 1]) for i in range(0, len(members) - 1, 2)]
        return pairs

    # -- pictures ---------------------------------------------------------------------------------------
    def states(self) -> np.ndarray:
        """Per agent: 0 clean, 1 carrier, 2 clean in quarantine (a false alarm), 3 carrier in quarantine."""
        return np.array([int(a.carrier) + 2 * (not a.active) for a in self.population])

    def draw_state(self, ax: plt.Axes) -> None:
        draw_defence_state(ax, self.states(), self.steps)


STATE_LABELS = {0: "clean", 1: "infected", 2: "false alarm", 3: "caught"}
STATE_COLORS = [COLORS["sky"], COLORS["vermillion"], COLORS["yellow"], COLORS["black"]]


def draw_defence_state(ax: plt.Axes, states: np.ndarray, step: int) -> None:
    """Agents as squares (segments are consecutive blocks), coloured by state."""
    states = np.asarray(states)
    infected = np.isin(states, (1, 3)).mean()
    draw_population(
        ax, states, STATE_LABELS, STATE_COLORS, title=f"round {step}: {infected:.0%} infected"
    )

"""Accountability after a failure: Shapley attribution over the agents of a pipeline and the
human in the loop, against "blame the last one to act" (Unit 11).

Sources. The Shapley value: Shapley (1953), "A value for n-person games", in *Contributions
to the Theory of Games II*, 307-317, doi:10.1515/9781400881970-018 — the only way to split a
total among players that is efficient (the shares add up to the total), symmetric (players
who contribute alike get alike), gives nothing to a null player (one whose presence never
changes the outcome) and is additive. The *moral crumple zone*: Elish (2019), "Moral
Crumple Zones: Cautionary Tales in Human-Robot Interaction", *Engaging Science,
Technology, and Society* 5: 40-60, doi:10.17351/ests2019.260 — responsibility for a
failure of an automated system is pinned on the nearest human operator, who had limited
control over it. Responsibility diffusion ("the problem of many hands"): Thompson (1980),
*American Political Science Review* 74(4): 905-916, doi:10.2307/1954312.

The pipeline (one task per step): a **planner** agent and a **coder** agent may each
introduce a defect (probabilities ``planner_error``, ``coder_error``); a **tester** agent
and then a **human** approver each see the work and, if it has a defect, miss it with
probability ``tester_miss`` and ``human_miss`` (a caught defect is fixed). A defect that
gets past everyone ships and does ``harm``. The human acts last.

Attribution asks, for a failure: how much of the harm is each agent's? The
counterfactual of an agent is its **standard of care**: a flawless AI agent (it never
introduces a defect or misses one), and for the human a miss rate ``human_standard`` —
what a careful person could achieve in the time and with the tools given (0: perfect).
For an incident the model replays the task with the same random draws (common random
numbers): the value of a coalition S is the harm that still happens when the agents in S
act as they did and the others meet their standard, minus the harm when everyone meets
it. The Shapley values of this game add up to the incident's harm (less the harm nobody
could have avoided), give nothing to an agent whose standard equals its behaviour, and are
compared with the *last actor* rule, which blames the human for every failure. Averaged
over tasks, the incident attributions converge to the Shapley values of the expected-harm
game (Shapley values are linear), which :func:`expected_attribution` gives exactly.

Extension points: ``blame_rule=`` (a function ``incident -> {role: harm}``, replacing the
last-actor rule in the ``blamed_*`` reporters), or subclass :class:`PipelineAgent` and
override :meth:`PipelineAgent.act` (then set ``AccountabilityModel.agent_class``). The
helpers :func:`shapley_values`, :func:`pipeline_failure_probability` and
:func:`pipeline_game` work for any pipeline (any number of producers and checkers).
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import mesa
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS

__all__ = [
    "ACCOUNTABILITY_PARAMS",
    "KINDS",
    "MAX_PLAYERS",
    "ROLES",
    "AccountabilityModel",
    "Incident",
    "PipelineAgent",
    "expected_attribution",
    "last_actor_blame",
    "pipeline_failure_probability",
    "pipeline_game",
    "shapley_values",
]

#: The pipeline's agents in the order they act, and what each does.
ROLES = ("planner", "coder", "tester", "human")
KINDS = {"planner": "producer", "coder": "producer", "tester": "checker", "human": "checker"}
#: Largest number of players :func:`shapley_values` enumerates (2^n coalitions).
MAX_PLAYERS = 16

ACCOUNTABILITY_PARAMS = Params(
    Param(
        "planner_error",
        0.05,
        "chance the planner agent introduces a defect",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "coder_error",
        0.10,
        "chance the coder agent introduces a defect",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "tester_miss",
        0.30,
        "chance the tester agent misses a defect",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "human_miss",
        0.60,
        "chance the human approver misses a defect (time pressure, automation bias)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "human_standard",
        0.0,
        "miss rate a careful human could achieve here: the human's counterfactual (0 = perfect)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param("harm", 1.0, "harm done by a defect that ships", "harm units", low=0, high=1e6),
)


# -- Shapley values ------------------------------------------------------------------------------------------


def _check_players(players: Any, owner: str) -> list[Hashable]:
    if isinstance(players, str | bytes) or not isinstance(players, Sequence | set | frozenset):
        raise TypeError(
            f"{owner}: parameter 'players' got {players!r}; expected a list of player names"
        )
    players = list(players)
    require(len(players) == len(set(players)), "players", players, "distinct names", owner)
    require(
        1 <= len(players) <= MAX_PLAYERS,
        "players",
        f"{len(players)} players",
        f"1 to {MAX_PLAYERS} players (the exact value enumerates 2^n coalitions: {2 ** min(len(players), 60):,} here)",
        owner,
    )
    return players


def _number(value: Any, what: str) -> float:
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(float(value))
    ):
        raise ValueError(f"{what} returned {value!r}; allowed: a finite number")
    return float(value)


def shapley_values(
    value: Callable[[frozenset], float], players: Sequence[Hashable]
) -> dict[Hashable, float]:
    """Exact Shapley values of the game ``value`` (a function of a frozenset of players,
    ``value(frozenset()) `` usually 0) over ``players``:

    ``phi_i = sum over S not containing i of |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S))``.

    They add up to ``value(all) - value(none)``."""
    owner = "shapley_values()"
    if not callable(value):
        raise TypeError(
            f"{owner}: parameter 'value' got {value!r}; expected a function frozenset of players -> number"
        )
    players = _check_players(players, owner)
    n = len(players)
    name = getattr(value, "__name__", "value")
    worth: dict[frozenset, float] = {}
    for size in range(n + 1):
        for members in itertools.combinations(players, size):
            coalition = frozenset(members)
            worth[coalition] = _number(
                value(coalition), f"the value function {name!r} for {sorted(map(str, coalition))}"
            )
    weight = [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    result = {}
    for player in players:
        total = 0.0
        for coalition, v in worth.items():
            if player not in coalition:
                total += weight[len(coalition)] * (worth[coalition | {player}] - v)
        result[player] = total
    return result


# -- the pipeline as a game ----------------------------------------------------------------------------------


def _check_pipeline(
    kinds: Any, rates: Any, owner: str, name: str = "rates"
) -> tuple[list[str], list[float]]:
    if isinstance(kinds, str) or not isinstance(kinds, Sequence):
        raise TypeError(
            f"{owner}: parameter 'kinds' got {kinds!r}; expected a list of 'producer'/'checker'"
        )
    kinds = list(kinds)
    require(
        len(kinds) >= 1 and all(k in ("producer", "checker") for k in kinds),
        "kinds",
        kinds,
        "a non-empty list of 'producer' or 'checker'",
        owner,
    )
    if isinstance(rates, str) or not isinstance(rates, Sequence | np.ndarray):
        raise TypeError(
            f"{owner}: parameter {name!r} got {rates!r}; expected a list of probabilities, one per stage"
        )
    rates = list(rates)
    require(
        len(rates) == len(kinds), name, rates, f"one probability per stage ({len(kinds)})", owner
    )
    for r in rates:
        if isinstance(r, bool | np.bool_) or not isinstance(r, numbers.Real):
            raise TypeError(f"{owner}: parameter {name!r} contains {r!r}; expected probabilities")
        require(0 <= float(r) <= 1, name, rates, "probabilities in [0, 1]", owner)
    return kinds, [float(r) for r in rates]


def pipeline_failure_probability(kinds: Sequence[str], rates: Sequence[float]) -> float:
    """Chance a defect ships through a serial pipeline: stage i is a ``"producer"`` that
    introduces a defect with probability ``rates[i]`` (if there is none yet) or a
    ``"checker"`` that misses a present defect with probability ``rates[i]``."""
    kinds, rates = _check_pipeline(kinds, rates, "pipeline_failure_probability()")
    defect = 0.0
    for kind, rate in zip(kinds, rates, strict=True):
        defect = defect + (1 - defect) * rate if kind == "producer" else defect * rate
    return defect


def pipeline_game(
    kinds: Sequence[str], rates: Sequence[float], standards: Sequence[float], harm: float = 1.0
) -> Callable[[frozenset], float]:
    """The expected-harm game of a pipeline: players are stage indices; the value of S is
    ``harm * (P(failure | stages in S at rates, the others at standards) - P(failure | all
    at standards))``."""
    owner = "pipeline_game()"
    kinds, rates = _check_pipeline(kinds, rates, owner)
    _, standards = _check_pipeline(kinds, standards, owner, "standards")
    harm = ACCOUNTABILITY_PARAMS["harm"].validate(harm, owner)
    base = pipeline_failure_probability(kinds, standards)

    def expected_harm(coalition: frozenset) -> float:
        mixed = [rates[i] if i in coalition else standards[i] for i in range(len(kinds))]
        return harm * (pipeline_failure_probability(kinds, mixed) - base)

    return expected_harm


def _rates(values: Mapping[str, Any]) -> tuple[list[float], list[float]]:
    rates = [
        values["planner_error"],
        values["coder_error"],
        values["tester_miss"],
        values["human_miss"],
    ]
    standards = [0.0, 0.0, 0.0, values["human_standard"]]
    return rates, standards


def expected_attribution(**params: Any) -> dict[str, float]:
    """Shapley values of the expected harm per task, by role, for the model's parameters
    (:data:`ACCOUNTABILITY_PARAMS`): what the incident attributions average to."""
    values = ACCOUNTABILITY_PARAMS.resolve(params, "expected_attribution")
    rates, standards = _rates(values)
    kinds = [KINDS[r] for r in ROLES]
    phi = shapley_values(pipeline_game(kinds, rates, standards, values["harm"]), range(len(ROLES)))
    return {ROLES[i]: phi[i] for i in range(len(ROLES))}


# -- incidents ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Incident:
    """One task as it happened: each stage's role, kind, rate, standard and random draw
    ``u`` (a producer errs when ``u < rate``; a checker misses when ``u < rate``)."""

    roles: tuple[str, ...]
    kinds: tuple[str, ...]
    rates: tuple[float, ...]
    standards: tuple[float, ...]
    draws: tuple[float, ...]
    harm: float

    def replay(self, acting: frozenset) -> bool:
        """Whether the defect ships when the roles in ``acting`` behave as they did and the
        others meet their standard (same random draws)."""
        defect = False
        for role, kind, rate, standard, u in zip(
            self.roles, self.kinds, self.rates, self.standards, self.draws, strict=True
        ):
            r = rate if role in acting else standard
            if kind == "producer":
                defect = defect or u < r
            elif defect:
                defect = u < r
        return defect

    @property
    def failed(self) -> bool:
        return self.replay(frozenset(self.roles))

    def game(self) -> Callable[[frozenset], float]:
        """The incident's game: harm that still happens, minus the harm nobody could avoid."""
        base = self.harm * self.replay(frozenset())

        def incident_harm(coalition: frozenset) -> float:
            return self.harm * self.replay(coalition) - base

        return incident_harm

    def shapley(self) -> dict[str, float]:
        """Each role's Shapley share of this incident's harm."""
        return shapley_values(self.game(), self.roles)


def last_actor_blame(incident: Incident) -> dict[str, float]:
    """All of a failure's harm to the last role to act (the human approver)."""
    blame = dict.fromkeys(incident.roles, 0.0)
    if incident.failed:
        blame[incident.roles[-1]] = incident.harm
    return blame


# -- the Mesa model --------------------------------------------------------------------------------------------


class PipelineAgent(mesa.Agent):
    """One stage of the pipeline: a producer that may introduce a defect, or a checker that
    may miss one."""

    def __init__(self, model: AccountabilityModel, role: str, rate: float, standard: float) -> None:
        super().__init__(model)
        self.role, self.kind, self.rate, self.standard = role, KINDS[role], rate, standard

    def act(self, defect: bool, u: float) -> bool:
        """Whether the work has a defect after this stage, from the draw ``u`` in [0, 1)."""
        if self.kind == "producer":
            return defect or u < self.rate
        return defect and u < self.rate


class AccountabilityModel(RiskModel):
    """A planner, a coder, a tester and a human approver; each failure's harm attributed by
    Shapley values (counterfactual: each agent's standard of care) and by a blame rule
    (default: the last actor, the human).

    Sources: Shapley (1953); Elish (2019), moral crumple zones. Reporters: ``failures``
    (share of tasks so far that shipped a defect), ``harm`` (total harm so far),
    ``shapley_<role>`` and ``blamed_<role>`` (share of the total harm so far attributed to
    each role by Shapley values and by the blame rule).
    """

    params = ACCOUNTABILITY_PARAMS
    default_plots = ("shapley_human", "blamed_human")
    agent_class: ClassVar[type[PipelineAgent]] = PipelineAgent

    def __init__(
        self,
        *,
        blame_rule: Callable[[Incident], Mapping[str, float]] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        if blame_rule is not None and not callable(blame_rule):
            raise TypeError(
                f"{type(self).__name__}: parameter 'blame_rule' got {blame_rule!r}; "
                "expected a function incident -> {role: harm}"
            )
        self.blame_rule = blame_rule or last_actor_blame
        rates, standards = _rates(self.param_values)
        self.pipeline = [
            self.agent_class(self, role, rate, standard)
            for role, rate, standard in zip(ROLES, rates, standards, strict=True)
        ]
        self.tasks = self.failed_tasks = 0
        self.total_harm = 0.0
        self.shapley_total = dict.fromkeys(ROLES, 0.0)
        self.blamed_total = dict.fromkeys(ROLES, 0.0)
        self.last_incident: Incident | None = None
        self.start_datacollector()

    @property
    def reporters(self) -> dict[str, Any]:  # type: ignore[override]
        cols: dict[str, Any] = {
            "failures": lambda m: m.failed_tasks / m.tasks if m.tasks else 0.0,
            "harm": "total_harm",
        }
        for role in ROLES:
            cols[f"shapley_{role}"] = lambda m, role=role: m.share(m.shapley_total, role)
        for role in ROLES:
            cols[f"blamed_{role}"] = lambda m, role=role: m.share(m.blamed_total, role)
        return cols

    def share(self, totals: Mapping[str, float], role: str) -> float:
        return totals[role] / self.total_harm if self.total_harm > 0 else 0.0

    def step(self) -> None:
        """One task through the pipeline; if it fails, attribute its harm."""
        draws, defect = [], False
        for agent in self.pipeline:
            u = self.random.random()
            draws.append(u)
            defect = agent.act(defect, u)
        self.tasks += 1
        incident = Incident(
            tuple(a.role for a in self.pipeline),
            tuple(a.kind for a in self.pipeline),
            tuple(a.rate for a in self.pipeline),
            tuple(a.standard for a in self.pipeline),
            tuple(draws),
            self.harm,
        )
        self.last_incident = incident
        if defect:
            self.failed_tasks += 1
            self.total_harm += self.harm
            for role, value in incident.shapley().items():
                self.shapley_total[role] += value
            blame = self.blame_rule(incident)
            name = getattr(self.blame_rule, "__name__", "blame_rule")
            if not isinstance(blame, Mapping) or set(blame) - set(ROLES):
                raise ValueError(
                    f"blame rule {name!r} returned {blame!r}; allowed: a dict role -> harm with roles from {ROLES}"
                )
            for role, value in blame.items():
                self.blamed_total[role] += _number(value, f"blame rule {name!r} for {role!r}")
        self.datacollector.collect(self)

    def draw_state(self, ax: plt.Axes) -> None:
        """Bars: each role's share of the harm so far, by Shapley value and by the blame rule."""
        draw_attribution(
            ax,
            {r: self.share(self.shapley_total, r) for r in ROLES},
            {r: self.share(self.blamed_total, r) for r in ROLES},
            title=f"{self.failed_tasks} failures in {self.tasks} tasks",
        )


def draw_attribution(
    ax: plt.Axes,
    shapley: Mapping[str, float],
    blamed: Mapping[str, float],
    *,
    title: str = "",
    rule: str = "last actor",
) -> None:
    """Side-by-side bars of two attributions (shares of the harm) by role."""
    roles = list(shapley)
    x = np.arange(len(roles))
    ax.bar(x - 0.2, [shapley[r] for r in roles], width=0.4, color=COLORS["blue"], label="Shapley")
    ax.bar(
        x + 0.2,
        [blamed.get(r, 0.0) for r in roles],
        width=0.4,
        color=COLORS["vermillion"],
        label=rule,
    )
    ax.set_xticks(x, roles)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of the harm")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)

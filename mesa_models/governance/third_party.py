"""Adversarial third-agent evaluation: before a change ships, an evaluator that stands for a
third party (the customer) runs scenarios on the old and the new system and flags a
degradation for that party (Unit 11).

Source of the practice: the mitigations of the 2026 study "Voluntary Collusion with Secret
Tools in Competing LLM Agents", as described by Anystack Engineering (28 May 2026,
https://www.anystackengineering.com/blog/voluntary-collusion-llm-agents-multi-agent-risk):
add to continuous integration, for every agent change, a scenario run in which a separate
evaluator agent represents the user or another business unit and checks whether the
system's behaviour degrades for that party. The systems under test are the course's own:
pricing agents on Calvano et al.'s (2020) market (:class:`mesa_models.collusion.Market`),
either a stand-in whose change raises prices by a chosen amount (:class:`PricingSystem`)
or the strategies Q-learning agents actually learned (:class:`LearnedPricingSystem`, from
:func:`mesa_models.collusion.simulate`).

The customer's outcome in a period is the logit consumer surplus
``mu * log(sum_i exp((a - p_i) / mu) + exp(a0 / mu))`` (Anderson, de Palma & Thisse 1992,
*Discrete Choice Theory of Product Differentiation*, MIT Press), in the market's price
units per unit mass of consumers. A **scenario** (:class:`Scenario`) fixes the market
conditions — the products' quality ``a`` this time (the base quality plus a normal shock
of standard deviation ``demand_shock``) and the number of periods — and both versions
face the same scenario; each version's agents also draw their own randomness (they
explore: with probability ``exploration`` a firm charges a random grid price).

The evaluator (:func:`evaluate_change`) computes, for each of its scenarios, the new
version's customer surplus minus the old one's, and flags the change when the mean
difference is significantly negative: a one-sided paired t-test at level ``alpha``
(Student 1908). Its **detection power** (:func:`detection_power`) is the share of
degrading changes it flags; it grows with the number of scenarios and with the size of
the degradation, and its false-alarm rate on harmless changes is about ``alpha``.

The Mesa model :class:`ThirdPartyEvaluation` is continuous integration over time: each
step a developer agent proposes a change (degrading the customer's prices with
probability ``bad_change_share``), the evaluator agent tests it, and flagged changes are
rejected. Extension points: ``evaluator_rule=`` (a function ``(old, new, scenarios, rng)
-> bool``, True to flag; replaces the t-test), ``system_factory=`` (a function
``degradation -> system`` building the new version; any system is a function
``(scenario, rng) -> customer welfare``), or subclass :class:`Evaluator` and override
:meth:`Evaluator.evaluate`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import mesa
import numpy as np
from scipy import stats

from mesa_models.base import RiskModel, seed_argument, validate_rng
from mesa_models.collusion import Market
from mesa_models.params import Param, Params, require, validate_arguments

__all__ = [
    "EVALUATION_PARAMS",
    "Developer",
    "Evaluator",
    "LearnedPricingSystem",
    "PricingSystem",
    "Scenario",
    "ThirdPartyEvaluation",
    "consumer_surplus",
    "detection_power",
    "draw_scenarios",
    "evaluate_change",
    "power_prediction",
]

EVALUATION_PARAMS = Params(
    Param(
        "n_scenarios",
        10,
        "scenarios the evaluator runs on each change",
        "scenarios",
        low=2,
        high=10_000,
    ),
    Param(
        "degradation",
        0.05,
        "how far a degrading change moves prices from Nash toward monopoly",
        "share of p_M - p_N",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "bad_change_share",
        0.3,
        "chance a proposed change degrades the customer's outcome",
        "probability",
        low=0,
        high=1,
        step=0.05,
    ),
    Param("periods", 20, "market periods in one scenario", "periods", low=1, high=10_000),
    Param(
        "exploration",
        0.1,
        "chance a firm charges a random grid price in a period (its own randomness)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "demand_shock",
        0.1,
        "standard deviation of a scenario's product quality around a = 2",
        "quality units",
        low=0,
        high=2,
        step=0.01,
    ),
    Param(
        "alpha",
        0.05,
        "significance level of the evaluator's one-sided test",
        "probability",
        low=0,
        high=0.5,
        low_open=True,
        high_open=True,
        step=0.01,
    ),
)

#: The scenario and test parameters that helper functions take (declared once above).
_P = {name: EVALUATION_PARAMS[name] for name in EVALUATION_PARAMS}


@dataclass(frozen=True)
class Scenario:
    """Market conditions both versions face: product quality ``quality`` (Calvano's a) for
    ``periods`` periods; ``seed`` for systems that need their own scenario randomness."""

    quality: float
    periods: int
    seed: int


_QUALITY = Param("quality", 2.0, "product quality a", "quality units", low=-50, high=50)


@validate_arguments(
    n_scenarios=_P["n_scenarios"],
    periods=_P["periods"],
    demand_shock=_P["demand_shock"],
    base_quality=Param(
        "base_quality", 2.0, "mean product quality a", "quality units", low=-50, high=50
    ),
    rng=seed_argument("rng"),
)
def draw_scenarios(
    n_scenarios: int,
    rng: Any = None,
    periods: int = 20,
    demand_shock: float = 0.1,
    base_quality: float = 2.0,
) -> list[Scenario]:
    """``n_scenarios`` scenarios: quality ``base_quality + demand_shock * N(0, 1)``."""
    gen = np.random.default_rng(rng)
    shocks = gen.standard_normal(n_scenarios)
    seeds = gen.integers(2**31, size=n_scenarios)
    return [
        Scenario(float(base_quality + demand_shock * z), int(periods), int(s))
        for z, s in zip(shocks, seeds, strict=True)
    ]


def consumer_surplus(
    market: Market, prices: np.ndarray, quality: float | None = None
) -> np.ndarray:
    """Logit consumer surplus per unit mass of consumers for price profiles ``prices``
    (last axis = firms), with product quality ``quality`` (default: the market's a)."""
    if not isinstance(market, Market):
        raise TypeError(
            f"consumer_surplus(): parameter 'market' got {market!r}; expected a mesa_models.collusion.Market"
        )
    a = market.a if quality is None else _QUALITY.validate(quality, "consumer_surplus()")
    prices = np.asarray(prices, dtype=float)
    z = (a - prices) / market.mu
    top = max(float(np.max(z)), market.a0 / market.mu)
    inside = np.exp(z - top).sum(axis=-1) + math.exp(market.a0 / market.mu - top)
    return market.mu * (np.log(inside) + top)


def _check_scenarios(scenarios: Any, owner: str) -> list[Scenario]:
    if isinstance(scenarios, Scenario) or not isinstance(scenarios, Sequence):
        raise TypeError(
            f"{owner}: parameter 'scenarios' got {scenarios!r}; expected a list of Scenario (draw_scenarios)"
        )
    scenarios = list(scenarios)
    require(
        len(scenarios) >= 2 and all(isinstance(s, Scenario) for s in scenarios),
        "scenarios",
        f"{len(scenarios)} items",
        "a list of at least 2 Scenario objects (a test needs a spread)",
        owner,
    )
    return scenarios


def _welfare(system: Callable, scenario: Scenario, rng: np.random.Generator, which: str) -> float:
    value = system(scenario, rng)
    name = getattr(system, "__name__", type(system).__name__)
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(float(value))
    ):
        raise ValueError(
            f"the {which} system {name!r} returned {value!r} for {scenario}; allowed: a finite number "
            "(the third party's welfare in the scenario)"
        )
    return float(value)


@validate_arguments(alpha=_P["alpha"], rng=seed_argument("rng"))
def evaluate_change(
    old: Callable[[Scenario, np.random.Generator], float],
    new: Callable[[Scenario, np.random.Generator], float],
    scenarios: Sequence[Scenario],
    rng: Any = None,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Run both versions on every scenario and test for a degradation.

    Returns ``flagged`` (the paired one-sided t-test rejects "no degradation" at level
    ``alpha``), ``mean_difference`` (new minus old welfare, averaged over scenarios),
    ``t`` (the t statistic; -inf/inf/0 when the differences do not vary) and
    ``differences`` (one per scenario). ``rng`` seeds the systems' own randomness."""
    owner = "evaluate_change()"
    for name, system in (("old", old), ("new", new)):
        if not callable(system):
            raise TypeError(
                f"{owner}: parameter {name!r} got {system!r}; expected a system: a function (scenario, rng) -> welfare"
            )
    scenarios = _check_scenarios(scenarios, owner)
    gen = np.random.default_rng(rng)
    old_rng, new_rng = gen.spawn(2)
    diffs = np.array(
        [_welfare(new, s, new_rng, "new") - _welfare(old, s, old_rng, "old") for s in scenarios]
    )
    mean, sd, n = float(diffs.mean()), float(diffs.std(ddof=1)), len(diffs)
    if sd > 0:
        t = mean / (sd / math.sqrt(n))
        flagged = bool(t < stats.t.ppf(alpha, n - 1))
    else:
        t = -math.inf if mean < 0 else (math.inf if mean > 0 else 0.0)
        flagged = mean < 0
    return {"flagged": flagged, "mean_difference": mean, "t": t, "differences": diffs}


# -- systems under test ------------------------------------------------------------------------------------------


class PricingSystem:
    """Two stand-in pricing agents on Calvano's market: each charges
    ``p_N + degradation * (p_M - p_N)`` and, with probability ``exploration`` per period, a
    random grid price instead. ``degradation = 0`` is the competitive baseline; a small
    positive one is a change that quietly raises prices. Called as ``system(scenario, rng)``
    it returns the customer's mean surplus per period over the scenario."""

    def __init__(
        self, degradation: float = 0.0, exploration: float = 0.1, market: Market | None = None
    ) -> None:
        self.degradation = _P["degradation"].validate(degradation, "PricingSystem")
        self.exploration = _P["exploration"].validate(exploration, "PricingSystem")
        if market is not None and not isinstance(market, Market):
            raise TypeError(
                f"PricingSystem: parameter 'market' got {market!r}; expected a mesa_models.collusion.Market"
            )
        self.market = market or _default_market()
        mk = self.market
        self.target = mk.nash_price + self.degradation * (mk.monopoly_price - mk.nash_price)
        self.__name__ = f"PricingSystem(degradation={self.degradation:g})"

    def prices(self, scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
        """The prices charged in each period of ``scenario``, shape (periods, n_firms)."""
        n = self.market.n_firms
        explore = rng.random((scenario.periods, n)) < self.exploration
        random_prices = self.market.prices[rng.integers(self.market.m, size=(scenario.periods, n))]
        return np.where(explore, random_prices, self.target)

    def __call__(self, scenario: Scenario, rng: np.random.Generator) -> float:
        return float(
            consumer_surplus(self.market, self.prices(scenario, rng), scenario.quality).mean()
        )


class LearnedPricingSystem:
    """The strategies Calvano pricing agents learned in one session of a
    :class:`mesa_models.collusion.Batch`: from the session's final state the firms play
    their greedy prices, each exploring (a random grid price) with probability
    ``exploration`` per period; the rivals react as they learned to. Called as
    ``system(scenario, rng)`` it returns the customer's mean surplus per period."""

    def __init__(self, batch: Any, session: int = 0, exploration: float = 0.1) -> None:
        from mesa_models.collusion import Batch

        if not isinstance(batch, Batch):
            raise TypeError(
                f"LearnedPricingSystem: parameter 'batch' got {batch!r}; expected the Batch that "
                "mesa_models.collusion.simulate returns"
            )
        require(
            isinstance(session, numbers.Integral)
            and not isinstance(session, bool)
            and 0 <= session < batch.n_sessions,
            "session",
            session,
            f"an integer in [0, {batch.n_sessions - 1}]",
            "LearnedPricingSystem",
        )
        self.exploration = _P["exploration"].validate(exploration, "LearnedPricingSystem")
        self.market = batch.market
        self.greedy = batch.greedy[int(session)]
        self.start = int(batch.state[int(session)])
        self.__name__ = (
            f"LearnedPricingSystem(session={int(session)}, delta={batch.params['delta']:g})"
        )

    def prices(self, scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
        mk, state = self.market, self.start
        out = np.empty((scenario.periods, mk.n_firms), dtype=int)
        for t in range(scenario.periods):
            actions = self.greedy[:, state].copy()
            explore = rng.random(mk.n_firms) < self.exploration
            actions[explore] = rng.integers(mk.m, size=int(explore.sum()))
            out[t] = actions
            state = int(mk.next_state(state, mk.profile_index(actions)))
        return mk.prices[out]

    def __call__(self, scenario: Scenario, rng: np.random.Generator) -> float:
        return float(
            consumer_surplus(self.market, self.prices(scenario, rng), scenario.quality).mean()
        )


_MARKET: Market | None = None


def _default_market() -> Market:
    global _MARKET
    if _MARKET is None:
        _MARKET = Market()
    return _MARKET


# -- power -------------------------------------------------------------------------------------------------------


@validate_arguments(
    n_scenarios=_P["n_scenarios"],
    repeats=Param("repeats", 200, "evaluations to average", "evaluations", low=1, high=1_000_000),
    periods=_P["periods"],
    demand_shock=_P["demand_shock"],
    alpha=_P["alpha"],
    rng=seed_argument("rng"),
)
def detection_power(
    old: Callable,
    new: Callable,
    n_scenarios: int,
    repeats: int = 200,
    rng: Any = None,
    periods: int = 20,
    demand_shock: float = 0.1,
    alpha: float = 0.05,
) -> float:
    """Share of ``repeats`` evaluations (each with ``n_scenarios`` fresh scenarios) that flag
    the change from ``old`` to ``new``: the evaluator's power if the change degrades, its
    false-alarm rate if it does not."""
    require(
        n_scenarios * repeats * periods <= 50_000_000,
        "repeats",
        repeats,
        f"n_scenarios x repeats x periods at most 50,000,000 ({n_scenarios * repeats * periods:,} market periods "
        "would take minutes); lower repeats",
        "detection_power()",
    )
    gen = np.random.default_rng(rng)
    flags = 0
    for _ in range(repeats):
        scenarios = draw_scenarios(n_scenarios, gen, periods, demand_shock)
        flags += evaluate_change(old, new, scenarios, gen, alpha)["flagged"]
    return flags / repeats


@validate_arguments(
    effect=Param(
        "effect",
        -0.1,
        "mean welfare difference new - old in units of its standard deviation",
        low=-100,
        high=100,
    ),
    n_scenarios=_P["n_scenarios"],
    alpha=_P["alpha"],
)
def power_prediction(effect: float, n_scenarios: int, alpha: float = 0.05) -> float:
    """Power of the one-sided paired t-test when the per-scenario differences have mean
    ``effect`` standard deviations (negative = a degradation): the noncentral t
    distribution with ``n_scenarios - 1`` degrees of freedom and noncentrality
    ``effect * sqrt(n_scenarios)``."""
    critical = stats.t.ppf(alpha, n_scenarios - 1)
    return float(stats.nct.cdf(critical, n_scenarios - 1, effect * math.sqrt(n_scenarios)))


# -- the Mesa model ----------------------------------------------------------------------------------------------


class Developer(mesa.Agent):
    """Proposes one change per step: degrading with probability ``bad_change_share``."""

    def propose(self) -> tuple[bool, Callable]:
        """``(degrades, new system)``."""
        m = self.model
        bad = self.random.random() < m.bad_change_share
        return bad, m.system_factory(m.degradation if bad else 0.0)


class Evaluator(mesa.Agent):
    """The third party's agent: runs ``n_scenarios`` fresh scenarios and flags a degradation."""

    def evaluate(self, old: Callable, new: Callable) -> bool:
        m = self.model
        scenarios = draw_scenarios(m.n_scenarios, m.rng, m.periods, m.demand_shock)
        if m.evaluator_rule is not None:
            verdict = m.evaluator_rule(old, new, scenarios, m.rng)
            name = getattr(m.evaluator_rule, "__name__", "evaluator_rule")
            if not isinstance(verdict, bool | np.bool_):
                raise ValueError(
                    f"evaluator rule {name!r} returned {verdict!r}; allowed: True (flag) or False"
                )
            return bool(verdict)
        return evaluate_change(old, new, scenarios, m.rng, m.alpha)["flagged"]


class ThirdPartyEvaluation(RiskModel):
    """Continuous integration with an adversarial third-party evaluator: each step a change
    is proposed, tested on scenarios by the customer's agent, and shipped unless flagged.

    Source of the practice: Anystack Engineering (2026) on the secret-tools study; systems
    under test on Calvano et al.'s (2020) market. Reporters: ``detection_rate`` (share of
    degrading changes flagged so far), ``false_alarm_rate`` (share of harmless changes
    flagged so far), ``shipped_degradations`` (degrading changes shipped so far),
    ``scenarios_run`` (total scenario runs, the cost of the evaluation).
    """

    params = EVALUATION_PARAMS
    reporters = {
        "detection_rate": lambda m: m.caught / m.bad if m.bad else 0.0,
        "false_alarm_rate": lambda m: m.false_alarms / m.good if m.good else 0.0,
        "shipped_degradations": "shipped",
        "scenarios_run": "scenarios_run",
    }
    default_plots = ("detection_rate", "shipped_degradations")
    developer_class: ClassVar[type[Developer]] = Developer
    evaluator_class: ClassVar[type[Evaluator]] = Evaluator

    def __init__(
        self,
        *,
        evaluator_rule: Callable | None = None,
        system_factory: Callable[[float], Callable] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = type(self).__name__
        for name, fn in (("evaluator_rule", evaluator_rule), ("system_factory", system_factory)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{owner}: parameter {name!r} got {fn!r}; expected a function")
        self.evaluator_rule = evaluator_rule
        self.system_factory = system_factory or (lambda d: PricingSystem(d, self.exploration))
        self.baseline = self.system_factory(0.0)
        if not callable(self.baseline):
            raise ValueError(
                f"{owner}: system_factory returned {self.baseline!r}; allowed: a system, a function (scenario, rng) -> welfare"
            )
        self.developer = self.developer_class(self)
        self.evaluator = self.evaluator_class(self)
        self.bad = self.good = self.caught = self.false_alarms = self.shipped = (
            self.scenarios_run
        ) = 0
        self.start_datacollector()

    def step(self) -> None:
        bad, new = self.developer.propose()
        flagged = self.evaluator.evaluate(self.baseline, new)
        self.scenarios_run += self.n_scenarios
        if bad:
            self.bad += 1
            self.caught += flagged
            self.shipped += not flagged
        else:
            self.good += 1
            self.false_alarms += flagged
        self.datacollector.collect(self)

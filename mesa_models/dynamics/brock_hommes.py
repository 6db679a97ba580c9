"""Heterogeneous beliefs and a rational route to chaos (Unit 07, Destabilising dynamics).

Brock, W. A., & Hommes, C. H. (1998). "Heterogeneous beliefs and routes to chaos in a
simple asset pricing model." *Journal of Economic Dynamics and Control* 22(8–9):
1235–1274, doi:10.1016/S0165-1889(98)00011-6.

Traders forecast the price of a risky asset with simple rules and switch between rules
according to how much money each rule has recently made. In deviations ``x`` from the
fundamental price, with gross return ``R`` on the riskless asset, rule ``h`` forecasts
``f_h = g_h x_{t-1} + b_h`` (``g`` a trend, ``b`` a bias) and costs ``C_h`` per period. The
market clears at

    R x_t = sum_h n_{h,t} (g_h x_{t-1} + b_h)            (+ noise, optional)

and the share of traders using rule ``h`` follows the discrete choice (logit) model

    n_{h,t} = exp(beta U_{h,t-1}) / Z,
    U_{h,t-1} = (x_{t-1} - R x_{t-2}) (g_h x_{t-3} + b_h - R x_{t-2}) / (a sigma^2) - C_h,

i.e. the realised excess profit of the demand each rule prescribed last period, net of its
cost. ``beta``, the *intensity of choice*, measures how fast traders switch to the better
rule. The default case is Brock & Hommes's section 4.1.2, **fundamentalists versus trend
chasers**: fundamentalists (``g = 0``, ``b = 0``, cost ``C`` = 1) against free trend chasers
(``g = 1.2``, ``b = 0``) with ``R = 1.1``, ``a sigma^2 = 1``. At the fundamental steady state
both rules forecast equally well, so only the cost matters and a share ``1/(1 + e^{beta C})``
stays fundamentalist; the steady state is stable while the trend chasers' weight is small
enough, ``n* g / R < 1``, and loses stability in a **pitchfork bifurcation** at

    beta* = ln(R / (g - R)) / C      (= ln 11 ≈ 2.398 for the default case),

where two non-fundamental steady states ±x* appear (:func:`pitchfork_beta`,
:func:`steady_state`). They lose stability in a Hopf bifurcation; the invariant circles
break up and the dynamics become chaotic, with a positive largest Lyapunov exponent (see
:mod:`mesa_models.dynamics.brock_hommes_fast` for the bifurcation diagram and the
exponents).

Agents: one :class:`Predictor` per forecasting rule (its share of traders, its fitness) and,
when ``n_traders`` > 0, that many :class:`Trader` agents who each pick a rule with the logit
probabilities every period, so shares fluctuate (a finite population). ``n_traders = 0`` is
the paper's infinite-population limit, where the shares equal the probabilities.

Extension points: ``rules=`` (a list of :class:`ForecastRule`), ``choice=`` (a function
``(fitness, beta) -> probabilities``, default :func:`logit_choice`), or subclass
:class:`Predictor` and override :meth:`Predictor.forecast`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import mesa
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.dynamics.flash_crash import plain_seed
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS

__all__ = [
    "BROCK_HOMMES_PARAMS",
    "BrockHommes",
    "ForecastRule",
    "Predictor",
    "Trader",
    "default_rules",
    "fundamental_eigenvalue",
    "logit_choice",
    "pitchfork_beta",
    "steady_state",
]

BROCK_HOMMES_PARAMS = Params(
    Param(
        "beta",
        3.6,
        "intensity of choice: how fast traders switch to the better rule",
        "1/profit",
        low=0,
        high=20,
        step=0.01,
    ),
    Param(
        "R", 1.1, "gross return of the riskless asset", "", low=1, high=2, low_open=True, step=0.01
    ),
    Param("trend", 1.2, "trend chasers' extrapolation g in f = g x", "", low=0, high=3, step=0.01),
    Param(
        "cost",
        1.0,
        "fundamentalists' information cost per period",
        "profit",
        low=0,
        high=10,
        step=0.05,
    ),
    Param(
        "a_sigma2",
        1.0,
        "risk aversion times conditional variance (a sigma^2)",
        "",
        low=0,
        high=100,
        low_open=True,
    ),
    Param("x0", 0.1, "initial deviation from the fundamental price", "price", low=-10, high=10),
    Param(
        "n_traders",
        0,
        "traders who each pick a rule (0: infinite population, the paper)",
        "agents",
        low=0,
        high=5000,
    ),
    Param(
        "noise",
        0.0,
        "standard deviation of a shock added to R x_t (dividend noise)",
        "price",
        low=0,
        high=1,
        step=0.01,
    ),
)


#: Declarations for the analytic helpers (wider than the model's sliders, but finite).
FORMULA_PARAMS = Params(
    Param("beta", 3.6, "intensity of choice", "1/profit", low=0, high=1e6),
    Param("R", 1.1, "gross return of the riskless asset", "", low=1, low_open=True, high=100),
    Param("trend", 1.2, "trend chasers' extrapolation g", "", low=0, high=100),
    Param("cost", 1.0, "fundamentalists' information cost per period", "profit", low=0, high=100),
    Param(
        "a_sigma2",
        1.0,
        "risk aversion times conditional variance",
        "",
        low=0,
        low_open=True,
        high=1e6,
    ),
)


def formula_arguments(*names: str, **more: Any) -> Any:
    """:func:`validate_arguments` with the declarations of :data:`FORMULA_PARAMS` for ``names``."""
    return validate_arguments(**{name: FORMULA_PARAMS[name] for name in names}, **more)


@dataclass(frozen=True)
class ForecastRule:
    """A linear forecasting rule ``f = trend * x_{t-1} + bias`` with a cost per period."""

    name: str
    trend: float = 0.0
    bias: float = 0.0
    cost: float = 0.0

    def __post_init__(self) -> None:
        for field in ("trend", "bias", "cost"):
            value = getattr(self, field)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float | np.integer | np.floating)
                or not math.isfinite(value)
            ):
                raise ValueError(
                    f"ForecastRule {self.name!r}: parameter {field!r} got {value!r}; allowed: a finite number"
                )
        if self.cost < 0:
            raise ValueError(
                f"ForecastRule {self.name!r}: parameter 'cost' got {self.cost!r}; allowed: a number >= 0"
            )


@formula_arguments("trend", "cost")
def default_rules(trend: float = 1.2, cost: float = 1.0) -> list[ForecastRule]:
    """Brock & Hommes's §4.1.2: costly fundamentalists versus free trend chasers."""
    return [
        ForecastRule("fundamentalists", 0.0, 0.0, cost),
        ForecastRule("trend chasers", trend, 0.0, 0.0),
    ]


@formula_arguments("beta")
def logit_choice(fitness: np.ndarray, beta: float) -> np.ndarray:
    """Discrete-choice (logit) probabilities ``exp(beta U_h) / Z`` (computed stably)."""
    scaled = beta * np.asarray(fitness, dtype=float)
    weights = np.exp(scaled - scaled.max())
    return weights / weights.sum()


@formula_arguments("R", "trend", "cost")
def pitchfork_beta(R: float = 1.1, trend: float = 1.2, cost: float = 1.0) -> float:
    """The intensity of choice at which the fundamental steady state loses stability,
    ``ln(R / (g - R)) / C``, for fundamentalists versus trend chasers; ``inf`` if it never
    does (``g <= R``: even a market of trend chasers only is stable), 0 if it never is
    stable (``g >= 2R``, or free fundamentalists with ``g > R``)."""
    require(R > 1, "R", R, "a number > 1", "pitchfork_beta")
    require(
        trend >= 0 and cost >= 0,
        "trend" if trend < 0 else "cost",
        trend if trend < 0 else cost,
        "a number >= 0",
        "pitchfork_beta",
    )
    if trend <= R:
        return math.inf
    if cost == 0:
        return 0.0
    return max(math.log(R / (trend - R)) / cost, 0.0)


@formula_arguments("beta", "R", "trend", "cost", "a_sigma2")
def steady_state(
    beta: float, R: float = 1.1, trend: float = 1.2, cost: float = 1.0, a_sigma2: float = 1.0
) -> float:
    """The positive non-fundamental steady state x* for ``beta`` above :func:`pitchfork_beta`
    (0 below it): at x* the trend chasers' share is R/g, which needs
    ``x*^2 = a sigma^2 (C + ln((g - R)/R) / beta) / (g (R - 1))``."""
    critical = pitchfork_beta(R, trend, cost)
    if beta <= critical:
        return 0.0
    squared = a_sigma2 * (cost + math.log((trend - R) / R) / beta) / (trend * (R - 1))
    return math.sqrt(max(squared, 0.0))


@formula_arguments("beta", "R", "trend", "cost")
def fundamental_eigenvalue(
    beta: float, R: float = 1.1, trend: float = 1.2, cost: float = 1.0
) -> float:
    """The eigenvalue ``n* g / R`` of the fundamental steady state (its stability: < 1)."""
    share = 1.0 / (1.0 + math.exp(-beta * cost)) if beta * cost < 700 else 1.0
    return share * trend / R


class Predictor(mesa.Agent):
    """A forecasting rule in use: its share of traders and its latest fitness."""

    def __init__(self, model: BrockHommes, rule: ForecastRule, share: float) -> None:
        super().__init__(model)
        self.rule = rule
        self.share = share
        self.fitness = 0.0

    def forecast(self, x_prev: float) -> float:
        """This rule's forecast of the next deviation, given the last one."""
        return self.rule.trend * x_prev + self.rule.bias

    def performance(self, x: float, x_prev: float, x_prev2: float) -> float:
        """Realised excess profit of last period's demand, net of the rule's cost:
        ``(x - R x_prev)(forecast(x_prev2) - R x_prev) / (a sigma^2) - C``."""
        m = self.model
        return (x - m.R * x_prev) * (
            self.forecast(x_prev2) - m.R * x_prev
        ) / m.a_sigma2 - self.rule.cost


class Trader(mesa.Agent):
    """A trader who picks one rule each period with the logit probabilities."""

    def __init__(self, model: BrockHommes) -> None:
        super().__init__(model)
        self.rule_index = 0

    def choose(self, cumulative: np.ndarray) -> int:
        self.rule_index = int(np.searchsorted(cumulative, self.model.rng.random(), side="right"))
        self.rule_index = min(self.rule_index, len(cumulative) - 1)
        return self.rule_index


class BrockHommes(RiskModel):
    """Brock & Hommes's (1998) adaptive belief system: traders switch between forecasting
    rules by recent profit; the price deviation follows from market clearing.

    Reporters: ``x`` (deviation from the fundamental price), ``chartist_share`` (share of
    traders not using the first rule: the trend chasers in the default case) and
    ``fitness_gap`` (fitness of the first rule minus the best other rule).
    """

    params = BROCK_HOMMES_PARAMS
    reporters = {
        "x": "x",
        "chartist_share": lambda m: 1.0 - m.predictors[0].share,
        "fitness_gap": lambda m: m.fitness_gap(),
    }
    default_plots = ("x", "chartist_share")

    def __init__(
        self,
        *,
        rules: Sequence[ForecastRule] | None = None,
        choice: Callable[[np.ndarray, float], np.ndarray] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        owner = type(self).__name__
        if rules is None:
            rules = default_rules(self.trend, self.cost)
        elif (
            isinstance(rules, str | bytes)
            or not isinstance(rules, Sequence)
            or not all(isinstance(r, ForecastRule) for r in rules)
        ):
            raise TypeError(
                f"{owner}: parameter 'rules' got {rules!r}; expected a list of ForecastRule"
            )
        require(len(rules) >= 2, "rules", list(rules), "at least two forecasting rules", owner)
        if choice is not None and not callable(choice):
            raise TypeError(
                f"{owner}: parameter 'choice' got {choice!r}; expected a function (fitness, beta) -> probabilities"
            )
        self.choice = choice or logit_choice
        self.predictors = [Predictor(self, rule, 1.0 / len(rules)) for rule in rules]
        self.traders = [Trader(self) for _ in range(self.n_traders)]
        self.history = [float(self.x0)] * 3  # x_{t-2}, x_{t-1}, x_t
        self.x = float(self.x0)
        self.start_datacollector()

    def step(self) -> None:
        x_prev2, x_prev, x = self.history[-3:]
        fitness = np.array(
            [p.performance(x, x_prev, x_prev2) for p in self.predictors], dtype=float
        )
        for predictor, value in zip(self.predictors, fitness, strict=True):
            predictor.fitness = float(value)
        probabilities = self._probabilities(fitness)
        if self.traders:
            cumulative = np.cumsum(probabilities)
            counts = np.zeros(len(self.predictors))
            for trader in self.traders:
                counts[trader.choose(cumulative)] += 1
            shares = counts / len(self.traders)
        else:
            shares = probabilities
        forecasts = np.array([p.forecast(x) for p in self.predictors], dtype=float)
        for predictor, share in zip(self.predictors, shares, strict=True):
            predictor.share = float(share)
        shock = self.noise * self.rng.standard_normal() if self.noise > 0 else 0.0
        self.x = float((shares * forecasts).sum() + shock) / self.R
        self.history.append(self.x)
        del self.history[:-3]
        self.datacollector.collect(self)

    def _probabilities(self, fitness: np.ndarray) -> np.ndarray:
        probabilities = self.choice(fitness, self.beta)
        name = getattr(self.choice, "__name__", repr(self.choice))
        try:
            probabilities = np.asarray(probabilities, dtype=float)
        except (TypeError, ValueError):
            probabilities = None
        if (
            probabilities is None
            or probabilities.shape != (len(self.predictors),)
            or not np.isfinite(probabilities).all()
            or (probabilities < 0).any()
            or abs(probabilities.sum() - 1) > 1e-9
        ):
            raise ValueError(
                f"{type(self).__name__}: choice function {name!r} returned {probabilities!r}; allowed: "
                f"{len(self.predictors)} non-negative probabilities that sum to 1"
            )
        return probabilities

    def fitness_gap(self) -> float:
        others = [p.fitness for p in self.predictors[1:]]
        return self.predictors[0].fitness - max(others)

    def draw_state(self, ax: plt.Axes) -> None:
        """Phase portrait: x_t against x_{t-1} over the run so far."""
        xs = self.datacollector.get_model_vars_dataframe()["x"].to_numpy()
        ax.plot(xs[:-1], xs[1:], ".", ms=2, color=COLORS["blue"])
        ax.set_xlabel("deviation x(t-1)")
        ax.set_ylabel("deviation x(t)")
        ax.set_title(f"phase portrait, beta = {self.beta:g}")

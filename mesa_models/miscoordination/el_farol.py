"""El Farol: a shared resource that is good only if not too many use it (Unit 01).

Arthur (1994), "Inductive Reasoning and Bounded Rationality", *American Economic Review*
84(2): 406-411. Every week ``n_agents`` people decide, each on their own, whether to go to
the El Farol bar. An evening there is pleasant if at most ``threshold`` of them go and
crowded otherwise. There is no correct forecast everyone could share: if all expect a
quiet bar, all go and it is crowded. Each agent therefore keeps a small bag of
``bag_size`` predictors (rules that forecast this week's attendance from the last
``memory`` weeks), scores them by their past accuracy, and acts on the best one: go if it
predicts at most ``threshold``. Arthur found that mean attendance self-organises near the
threshold (60 of 100) although no agent aims for that.

The same structure describes every vehicle taking the route the navigation app calls
"optimal", or every server picking the least-loaded node from the same stale figure. Set
``monoculture=True`` and all agents hold the *same* bag (the same "model" deployed
everywhere): they all reach the same decision, attendance jumps between nearly empty and
full, and the resource is overloaded far more often. Diverse bags restore the balance.

Predictors are shared facts, not private skills: every agent sees the same public history
and applies the same accuracy score, so the model evaluates each predictor of the
population's ``pool`` once per week and agents look up the scores of their own bag.

The default predictor family is Arthur's own list (same as k weeks ago, mirror image,
moving averages, trends); :func:`linear_family` (random autoregressive forecasters, as in
the NetLogo model) is an alternative.

Extension points: ``predictor_family=`` (a function ``family(rng, memory=, n_agents=)``
returning one predictor, i.e. a function ``history -> forecast``); subclass
:class:`Patron` and override :meth:`Patron.choose_predictor` or :meth:`Patron.decide`,
then set ``patron_class``. A vectorised engine for sweeps is in
:mod:`mesa_models.miscoordination.el_farol_fast`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import mesa
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS

__all__ = [
    "ElFarol",
    "FAMILIES",
    "LinearPredictor",
    "Patron",
    "arthur_family",
    "attendance_stats",
    "linear_family",
]

Predictor = Callable[[np.ndarray], float]
#: Forecasts are rounded to this many decimals before agents compare them with the threshold.
FORECAST_DECIMALS = 9


@dataclass(frozen=True)
class LinearPredictor:
    """Forecast = ``constant + weights · history`` (history oldest first, newest last).

    Every predictor in Arthur's examples (same as k weeks ago, mirror image, moving
    averages, trends) is of this form; the fast engine needs this form.
    """

    weights: tuple[float, ...]
    constant: float = 0.0
    name: str = "linear"

    def __call__(self, history: np.ndarray) -> float:
        window = np.asarray(history, dtype=float)[-len(self.weights) :]
        return float(self.constant + np.dot(np.asarray(self.weights), window))

    def __repr__(self) -> str:
        return f"LinearPredictor({self.name})"


@validate_arguments(
    memory=Param("memory", 8, "past weeks a predictor may look at", "weeks", low=1, high=20),
    n_agents=Param("n_agents", 100, "potential bar-goers", "agents", low=1, high=10_000),
)
def linear_family(rng: np.random.Generator, *, memory: int, n_agents: int) -> LinearPredictor:
    """A random linear forecaster: weights uniform in [-1, 1] on each of the last
    ``memory`` weeks plus a constant uniform in [-1, 1] × ``n_agents``.

    The family of the NetLogo El Farol model (Rand & Wilensky 2007); Fogel, Chellapilla &
    Angeline (1999) evolved predictors of the same autoregressive form.
    """
    weights = tuple(float(w) for w in rng.uniform(-1.0, 1.0, size=memory))
    constant = float(rng.uniform(-1.0, 1.0) * n_agents)
    return LinearPredictor(weights, constant, "random linear")


@validate_arguments(
    memory=Param("memory", 8, "past weeks a predictor may look at", "weeks", low=1, high=20),
    n_agents=Param("n_agents", 100, "potential bar-goers", "agents", low=1, high=10_000),
)
def arthur_family(rng: np.random.Generator, *, memory: int, n_agents: int) -> LinearPredictor:
    """One of the predictor types Arthur (1994) lists, with a random window length:
    same as k weeks ago, mirror image of last week around half the population,
    average of the last k weeks, least-squares trend of the last k weeks."""
    kind = rng.integers(4)
    k = int(rng.integers(1, memory + 1)) if kind == 0 else int(rng.integers(2, memory + 1))
    if kind == 0:  # same as k weeks ago (detects k-cycles)
        weights = [0.0] * memory
        weights[memory - k] = 1.0
        return LinearPredictor(tuple(weights), 0.0, f"same as {k} weeks ago")
    if kind == 1:  # mirror image of last week around n/2
        weights = [0.0] * memory
        weights[-1] = -1.0
        return LinearPredictor(tuple(weights), float(n_agents), "mirror image of last week")
    if kind == 2:  # average of the last k weeks
        weights = [0.0] * (memory - k) + [1.0 / k] * k
        return LinearPredictor(tuple(weights), 0.0, f"average of last {k} weeks")
    # trend: fit a + b t to the last k weeks (t = 0..k-1) and extrapolate to t = k
    t = np.arange(k, dtype=float)
    centred = t - t.mean()
    slope_w = centred / np.sum(centred**2)
    trend_w = 1.0 / k + (k - t.mean()) * slope_w
    weights = [0.0] * (memory - k) + [float(w) for w in trend_w]
    return LinearPredictor(tuple(weights), 0.0, f"trend of last {k} weeks")


#: The built-in predictor families, by name.
FAMILIES: dict[str, Callable[..., Predictor]] = {"linear": linear_family, "arthur": arthur_family}


class Patron(mesa.Agent):
    """One potential bar-goer with a bag of predictor indices into the model's pool."""

    def __init__(self, model: ElFarol, bag: Sequence[int]) -> None:
        super().__init__(model)
        self.bag = list(bag)
        self.attending = False
        self.forecast = 0.0
        self.active_predictor = self.bag[0]

    def choose_predictor(self) -> int:
        """Index (into ``model.pool``) of the predictor to trust: the best-scoring one in
        the bag (lowest accumulated forecast error; the first in the bag on ties)."""
        scores = self.model.scores
        return min(self.bag, key=lambda i: scores[i])

    def decide(self) -> None:
        """Forecast attendance with the chosen predictor; go if it says not crowded."""
        self.active_predictor = self.choose_predictor()
        self.forecast = self.model.forecasts[self.active_predictor]
        self.attending = self.forecast <= self.model.threshold


class ElFarol(RiskModel):
    """Arthur's (1994) El Farol bar: inductive forecasters share a resource with a threshold.

    Reporters: ``attendance`` (agents who went this week), ``crowded`` (1 if attendance
    exceeded ``threshold``), ``distinct_predictors`` (how many different predictors are
    in use this week).
    """

    params = Params(
        Param("n_agents", 100, "potential bar-goers", "agents", low=1, high=10_000),
        Param(
            "threshold",
            60,
            "the evening is pleasant if at most this many go",
            "agents",
            low=0,
            high=10_000,
            low_open=True,
        ),
        Param("bag_size", 6, "predictors each agent keeps (k)", "predictors", low=1, high=50),
        Param(
            "pool_size",
            100,
            "distinct predictors drawn for the whole population",
            "predictors",
            low=1,
            high=5000,
        ),
        Param("memory", 8, "past weeks a predictor may look at", "weeks", low=1, high=20),
        Param(
            "score_decay",
            0.95,
            "weight of old errors in a predictor's score (0 = judge on last week only)",
            "fraction",
            low=0,
            high=1,
            high_open=True,
            step=0.05,
        ),
        Param("monoculture", False, "every agent holds the same bag (one shared 'model')"),
    )
    reporters = {
        "attendance": "attendance",
        "crowded": lambda m: int(m.attendance > m.threshold),
        "distinct_predictors": lambda m: m.distinct_predictors(),
    }
    default_plots = ("attendance",)
    patron_class: ClassVar[type[Patron]] = Patron

    def __init__(
        self,
        *,
        predictor_family: Callable[..., Predictor] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "ElFarol"
        require(
            self.threshold < self.n_agents,
            "threshold",
            self.threshold,
            f"strictly between 0 and n_agents={self.n_agents}",
            owner,
        )
        require(
            self.bag_size <= self.pool_size,
            "bag_size",
            self.bag_size,
            f"at most pool_size={self.pool_size}",
            owner,
        )
        if predictor_family is not None and not callable(predictor_family):
            raise TypeError(
                f"{owner}: parameter 'predictor_family' got {predictor_family!r}; expected a function family(rng, memory=, n_agents=) -> predictor"
            )
        self.predictor_family = predictor_family or arthur_family
        family_name = getattr(self.predictor_family, "__name__", repr(self.predictor_family))

        self.pool: list[Predictor] = []
        for _ in range(self.pool_size):
            predictor = self.predictor_family(self.rng, memory=self.memory, n_agents=self.n_agents)
            if not callable(predictor):
                raise ValueError(
                    f"predictor family {family_name!r} returned {predictor!r}; allowed: a function history -> forecast"
                )
            self.pool.append(predictor)
        self.scores = np.zeros(self.pool_size)
        # A random past, as in Arthur's simulations, so predictors have something to read.
        self.history = [int(x) for x in self.rng.integers(0, self.n_agents + 1, size=self.memory)]
        self.forecasts = np.zeros(self.pool_size)

        shared_bag = self._draw_bag()
        for _ in range(self.n_agents):
            self.patron_class(self, shared_bag if self.monoculture else self._draw_bag())
        self.attendance = 0
        self.start_datacollector()

    def _draw_bag(self) -> list[int]:
        return [int(i) for i in self.rng.choice(self.pool_size, size=self.bag_size, replace=False)]

    def predict_all(self) -> np.ndarray:
        """Every pool predictor's forecast for this week (clipped to [0, n_agents])."""
        window = np.asarray(self.history[-self.memory :], dtype=float)
        forecasts = np.empty(self.pool_size)
        for i, predictor in enumerate(self.pool):
            value = predictor(window)
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not math.isfinite(value)
            ):
                name = getattr(predictor, "__name__", repr(predictor))
                raise ValueError(
                    f"predictor {name!r} returned {value!r}; allowed: a finite number (forecast attendance)"
                )
            forecasts[i] = min(max(float(value), 0.0), float(self.n_agents))
        # Rounded so that floating-point noise (1/3 + 1/3 + 1/3) cannot flip a decision;
        # the fast engine rounds the same way.
        return np.round(forecasts, FORECAST_DECIMALS)

    def step(self) -> None:
        self.forecasts = self.predict_all()
        self.agents.do("decide")
        self.attendance = sum(1 for patron in self.agents if patron.attending)
        # Score every predictor by its error this week (discounted sum of absolute errors).
        self.scores = self.score_decay * self.scores + np.abs(self.forecasts - self.attendance)
        self.history.append(self.attendance)
        self.datacollector.collect(self)

    def distinct_predictors(self) -> int:
        """How many different predictors the agents act on (1 means a monoculture)."""
        return len({patron.active_predictor for patron in self.agents})

    def draw_state(self, ax: plt.Axes) -> None:
        """Attendance of the last weeks against the threshold."""
        recent = self.history[-40:]
        weeks = range(self.steps - len(recent) + 1, self.steps + 1)
        colours = [COLORS["vermillion"] if a > self.threshold else COLORS["blue"] for a in recent]
        ax.bar(list(weeks), recent, color=colours, width=0.9)
        ax.axhline(
            self.threshold, color=COLORS["black"], linestyle="--", linewidth=1, label="threshold"
        )
        ax.set_ylim(0, self.n_agents)
        ax.set_xlabel("week")
        ax.set_ylabel("attendance (agents)")
        ax.set_title("attendance; vermillion bars = crowded weeks")


def attendance_stats(
    attendance: Sequence[float],
    threshold: float,
    *,
    overload: float | None = None,
    burn_in: int = 0,
) -> dict[str, float]:
    """Summary of an attendance series after ``burn_in`` weeks.

    Returns ``mean``, ``std`` (agents), ``crowded`` (share of weeks above ``threshold``)
    and ``overloaded`` (share of weeks above ``overload``, by default ``1.25 × threshold``:
    far past comfortable, e.g. gridlock on a road).
    """
    for name, value in (("threshold", threshold), ("overload", overload)):
        if value is None and name == "overload":
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not math.isfinite(value)
        ):
            raise ValueError(
                f"attendance_stats(): parameter {name!r} got {value!r}; allowed: a finite number"
            )
    try:
        values = np.asarray(attendance, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"attendance_stats(): parameter 'attendance' must be a sequence of numbers, got {type(attendance).__name__}"
        ) from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"attendance_stats(): parameter 'attendance' must be a non-empty 1-D sequence, got shape {values.shape}"
        )
    if (
        isinstance(burn_in, bool)
        or not isinstance(burn_in, numbers.Integral)
        or not 0 <= burn_in < len(values)
    ):
        raise ValueError(
            f"attendance_stats(): parameter 'burn_in' got {burn_in!r}; allowed: an integer in [0, {len(values)})"
        )
    values = values[burn_in:]
    level = 1.25 * threshold if overload is None else overload
    return {
        "mean": float(values.mean()),
        "std": float(values.std()),
        "crowded": float(np.mean(values > threshold)),
        "overloaded": float(np.mean(values > level)),
    }

"""The market for lemons: hidden quality unravels a market (Unit 04, Information asymmetries).

Akerlof (1970), "The Market for 'Lemons': Quality Uncertainty and the Market Mechanism",
*Quarterly Journal of Economics* 84(3):488-500, doi:10.2307/1879431. In his numerical
example (§II.B, "Asymmetrical information") car quality q is uniform on [0, 2]; sellers
value a car at q and buyers at 3q/2, so every trade would create value. Sellers know q,
buyers see only the price and the average quality of what is on sale. At price p only the
cars with q <= p are offered, their average quality is p/2, and buyers will pay at most
(3/2)(p/2) = 3p/4 < p: "no traffic will take place at all", although every car is worth
more to a buyer than to its owner.

This model plays that market out period by period. Every period each of ``n_sellers``
sellers has one car of fresh quality q ~ U[0, 2]. Buyers are more numerous than sellers
and compete, so a car sells at the buyers' current estimate of what such a car is worth to
them (Akerlof's demand condition); a seller sells when the price, net of any warranty
refund, is at least q. Buyers then learn the average value of what they bought
(``learning_rate`` = 1: they believe last period's average; smaller: an exponential moving
average) and next period's price is that belief. With nothing certified the price path is
p_{t+1} = premium * p_t / 2, i.e. p_t = 1.5 (3/4)^t from a first price of 1.5: trade
volume and the quality on offer fall geometrically towards zero (:func:`akerlof_price_path`).

Two institutions restore trade here (seller reputation works like a certifier whose
accuracy is the track record):

* a **certifier** (``grades`` > 1) inspects every car (cost ``certification_cost`` each)
  and issues one of ``grades`` equal-width quality grades: the true grade with
  probability ``certifier_accuracy``, otherwise a grade drawn uniformly at random. Buyers
  start by taking a certificate at face value (price = premium * the grade's midpoint)
  and then learn, grade by grade, what certified cars are really worth;
* a **warranty** (``warranty`` = w): the seller refunds the buyer w * max(0, price -
  value to the buyer); with w = 1 the buyer never pays more than the car is worth.

Welfare is measured against the first best, in which every car goes to a buyer: the gains
from trade are (premium - 1) q per car sold, and the certifier's inspection costs are
subtracted.

Random numbers, in this order every period, all from ``model.rng``: the qualities
(``rng.uniform(0, 2, n_sellers)``); with a certifier, whether each certificate is right
(``rng.random(n_sellers)``) and the random grades (``rng.integers(0, grades, n_sellers)``).
:mod:`mesa_models.information.lemons_fast` draws the same numbers, so the two engines give
the same run from the same seed.

Extension points: ``sell_rule=`` (a function ``(seller, net_revenue) -> bool``, default
:func:`sell_if_worth_it`), ``price_rule=`` (a function ``(buyers, grade) -> price``, default
:func:`pay_expected_value`), or subclass :class:`Buyers` and override
:meth:`Buyers.learn`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel, plain_seed
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS

__all__ = [
    "LEMONS_PARAMS",
    "MESA_MAX_SELLERS",
    "QUALITY_MAX",
    "Buyers",
    "Certifier",
    "LemonsMarket",
    "Seller",
    "akerlof_price_path",
    "face_value_beliefs",
    "grade_of",
    "pay_expected_value",
    "period_outcome",
    "plain_seed",
    "plot_certifier_sweep",
    "plot_unravelling",
    "sell_if_worth_it",
]

#: Akerlof's example: quality uniform on [0, QUALITY_MAX].
QUALITY_MAX = 2.0
#: The Mesa model builds one agent per seller; bigger markets belong to the NumPy engine.
MESA_MAX_SELLERS = 100_000

#: Parameters shared by the Mesa model and the NumPy engine (declared once).
LEMONS_PARAMS = Params(
    Param(
        "n_sellers",
        1000,
        "sellers, each with one car of fresh quality every period",
        "sellers",
        low=1,
        high=1_000_000,
        widget_max=5000,
    ),
    Param(
        "premium",
        1.5,
        "buyers value a car of quality q at premium x q, sellers at q (Akerlof: 3/2)",
        "ratio",
        low=1,
        high=4,
        step=0.05,
    ),
    Param(
        "initial_belief",
        1.0,
        "buyers' first estimate of an uncertified car's quality (the true mean is 1)",
        "quality",
        low=0,
        high=2,
        step=0.05,
    ),
    Param(
        "learning_rate",
        1.0,
        "weight of last period's average in the buyers' estimate (1 = believe last period)",
        "share",
        low=0,
        high=1,
        low_open=True,
        step=0.05,
    ),
    Param(
        "grades",
        1,
        "quality grades a certifier issues (1 = no certifier)",
        "grades",
        low=1,
        high=50,
        widget_max=10,
    ),
    Param(
        "certifier_accuracy",
        0.0,
        "chance a certificate names the true grade (otherwise a random grade)",
        "probability",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "certification_cost",
        0.0,
        "cost of inspecting one car, when there is a certifier",
        "quality units",
        low=0,
        high=2,
        step=0.01,
    ),
    Param(
        "warranty",
        0.0,
        "share of a buyer's shortfall (price minus value) the seller refunds",
        "share",
        low=0,
        high=1,
        step=0.05,
    ),
)


def akerlof_price_path(
    periods: int, premium: float = 1.5, initial_belief: float = 1.0
) -> np.ndarray:
    """The price path of the market without a certifier in the limit of many sellers.

    p_0 = premium * initial_belief; the cars offered at p are those with q <= min(p, 2), of
    mean quality min(p, 2)/2, so p_{t+1} = premium * min(p_t, 2) / 2. With Akerlof's
    premium 3/2 from p_0 = 1.5 this is 1.5 * (3/4)^t. Returns ``periods + 1`` prices.
    """
    if isinstance(periods, bool) or not isinstance(periods, numbers.Integral) or periods < 0:
        raise ValueError(
            f"akerlof_price_path(): parameter 'periods' got {periods!r}; allowed: an integer >= 0"
        )
    require(
        periods <= 1_000_000,
        "periods",
        periods,
        "an integer <= 1,000,000 (a Python loop)",
        "akerlof_price_path()",
    )
    LEMONS_PARAMS["premium"].validate(premium, "akerlof_price_path")
    LEMONS_PARAMS["initial_belief"].validate(initial_belief, "akerlof_price_path")
    prices = [premium * initial_belief]
    for _ in range(int(periods)):
        prices.append(premium * min(prices[-1], QUALITY_MAX) / 2)
    return np.array(prices)


def grade_of(quality: np.ndarray | float, grades: int) -> np.ndarray:
    """The true grade (0 = worst) of each quality: equal-width bins of [0, 2]."""
    q = np.asarray(quality, dtype=float)
    return np.minimum((q * grades / QUALITY_MAX).astype(np.int64), grades - 1)


def face_value_beliefs(grades: int, premium: float, initial_belief: float) -> np.ndarray:
    """Buyers' first estimate of what a car is worth to them, per grade.

    Without a certifier (one grade): premium * ``initial_belief``. With one: premium times
    each grade's midpoint, i.e. certificates taken at face value."""
    if grades == 1:
        return np.array([premium * initial_belief])
    return premium * (np.arange(grades) + 0.5) * QUALITY_MAX / grades


def period_outcome(
    quality: np.ndarray, price: np.ndarray, sold: np.ndarray, premium: float, warranty: float
) -> dict[str, np.ndarray]:
    """Refunds, buyers' realised values and the gains from trade of one period.

    Both engines use this exact arithmetic, so their numbers agree bit for bit."""
    refund = warranty * np.maximum(0.0, price - premium * quality)
    value = premium * quality + refund
    gains = (premium - 1.0) * quality
    return {"refund": refund, "value": value, "gains": gains, "sold": sold}


def sell_if_worth_it(seller: Seller, net_revenue: float) -> bool:
    """Akerlof's seller: sell when the money kept (price minus any refund) is at least the
    car's quality, the seller's own value of it."""
    return net_revenue >= seller.quality


def pay_expected_value(buyers: Buyers, grade: int) -> float:
    """Competitive buyers bid up the price to what they expect such a car to be worth."""
    if isinstance(grade, bool) or not isinstance(grade, numbers.Integral):
        raise TypeError(
            f"pay_expected_value(): parameter 'grade' got {grade!r}; expected an integer"
        )
    n = len(buyers.belief)
    require(0 <= grade < n, "grade", grade, f"an integer in [0, {n - 1}]", "pay_expected_value()")
    return float(buyers.belief[grade])


class Seller(Agent):
    """Owns one car a period; knows its quality; decides whether to sell at the price."""

    def __init__(self, model: LemonsMarket) -> None:
        super().__init__(model)
        self.quality = 0.0
        self.certificate = 0
        self.sold = False

    def decide(self, price: float) -> bool:
        """Sell or keep, through the model's ``sell_rule``; the answer must be a bool."""
        refund = self.model.warranty * max(0.0, price - self.model.premium * self.quality)
        choice = self.model.sell_rule(self, price - refund)
        if not isinstance(choice, bool | np.bool_):
            name = getattr(self.model.sell_rule, "__name__", repr(self.model.sell_rule))
            raise ValueError(
                f"sell rule {name!r} returned {choice!r} for a car of quality {self.quality:.3f}; allowed: True or False"
            )
        self.sold = bool(choice)
        return self.sold


class Certifier(Agent):
    """Inspects cars and issues grades; right with probability ``certifier_accuracy``."""

    def certify(
        self, quality: np.ndarray, correct: np.ndarray, random_grade: np.ndarray
    ) -> np.ndarray:
        """The certificate of each car: its true grade where ``correct``, else the random grade."""
        return np.where(correct, grade_of(quality, self.model.grades), random_grade)


class Buyers(Agent):
    """The buyers' side: one estimate per grade of what a car is worth to a buyer."""

    def __init__(self, model: LemonsMarket) -> None:
        super().__init__(model)
        self.belief = face_value_beliefs(model.grades, model.premium, model.initial_belief)

    def price(self, grade: int) -> float:
        """The price buyers pay for a car with this certificate (the model's ``price_rule``)."""
        price = self.model.price_rule(self, grade)
        if (
            isinstance(price, bool)
            or not isinstance(price, numbers.Real)
            or not math.isfinite(price)
            or price < 0
        ):
            name = getattr(self.model.price_rule, "__name__", repr(self.model.price_rule))
            raise ValueError(
                f"price rule {name!r} returned {price!r} for grade {grade}; allowed: a finite number >= 0"
            )
        return float(price)

    def learn(self, certificate: np.ndarray, value: np.ndarray, sold: np.ndarray) -> None:
        """Move each grade's estimate towards the mean value of the cars bought with that
        certificate; a grade with no sales teaches nothing."""
        rate = self.model.learning_rate
        for grade in range(self.model.grades):
            bought = sold & (certificate == grade)
            if bought.any():
                self.belief[grade] = (1.0 - rate) * self.belief[grade] + rate * value[bought].mean()


class LemonsMarket(RiskModel):
    """Akerlof's (1970) used-car market with hidden quality, played period by period.

    Reporters (per period): ``price`` (mean price quoted to the sellers), ``volume``
    (share of cars sold), ``offered_quality`` (mean quality of the cars sold; NaN when
    none), ``efficiency`` (gains from trade realised, as a share of the first best),
    ``welfare`` (the same minus inspection costs). Row 0 holds the opening price and NaN.
    """

    params = LEMONS_PARAMS
    reporters = {
        "price": "price",
        "volume": "volume",
        "offered_quality": "offered_quality",
        "efficiency": "efficiency",
        "welfare": "welfare",
    }
    default_plots = ("volume", "offered_quality")
    seller_class: ClassVar[type[Seller]] = Seller
    buyers_class: ClassVar[type[Buyers]] = Buyers

    def __init__(
        self,
        *,
        sell_rule: Callable[[Seller, float], bool] | None = None,
        price_rule: Callable[[Buyers, int], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        for name, rule in (("sell_rule", sell_rule), ("price_rule", price_rule)):
            if rule is not None and not callable(rule):
                raise TypeError(
                    f"LemonsMarket: parameter {name!r} got {rule!r}; expected a function"
                )
        require(
            self.grades > 1 or self.certifier_accuracy == 0,
            "certifier_accuracy",
            self.certifier_accuracy,
            "0 when grades = 1 (no certifier); set grades >= 2 to certify",
            "LemonsMarket",
        )
        require(
            self.grades > 1 or self.certification_cost == 0,
            "certification_cost",
            self.certification_cost,
            "0 when grades = 1 (no certifier); set grades >= 2 to certify",
            "LemonsMarket",
        )
        require(
            self.n_sellers <= MESA_MAX_SELLERS,
            "n_sellers",
            self.n_sellers,
            f"at most {MESA_MAX_SELLERS:,} in the Mesa model (one Python object per seller, about "
            f"{self.n_sellers * 600 / 1e6:,.0f} MB here); use simulate_lemons (lemons_fast) for bigger markets",
            "LemonsMarket",
        )
        self.sell_rule = sell_rule or sell_if_worth_it
        self.price_rule = price_rule or pay_expected_value
        self.sellers = [self.seller_class(self) for _ in range(self.n_sellers)]
        self.certifier = Certifier(self) if self.grades > 1 else None
        self.buyers = self.buyers_class(self)
        self.quality = np.zeros(self.n_sellers)
        self.certificate = np.zeros(self.n_sellers, dtype=np.int64)
        self.quoted = np.full(self.n_sellers, float(self.buyers.belief.mean()))
        self.sold = np.zeros(self.n_sellers, dtype=bool)
        self.price = float(self.buyers.belief.mean())
        self.volume = self.offered_quality = self.efficiency = self.welfare = float("nan")
        self.start_datacollector()

    def step(self) -> None:
        n = self.n_sellers
        self.quality = self.rng.uniform(0.0, QUALITY_MAX, n)
        if self.certifier is not None:
            correct = self.rng.random(n) < self.certifier_accuracy
            random_grade = self.rng.integers(0, self.grades, n)
            self.certificate = self.certifier.certify(self.quality, correct, random_grade)
        else:
            self.certificate = np.zeros(n, dtype=np.int64)
        prices = [self.buyers.price(g) for g in range(self.grades)]
        self.quoted = np.array(prices)[self.certificate]
        for seller, q, c, p in zip(
            self.sellers,
            self.quality.tolist(),
            self.certificate.tolist(),
            self.quoted.tolist(),
            strict=True,
        ):
            seller.quality, seller.certificate = q, c
            seller.decide(p)
        self.sold = np.array([s.sold for s in self.sellers], dtype=bool)
        outcome = period_outcome(self.quality, self.quoted, self.sold, self.premium, self.warranty)
        self.buyers.learn(self.certificate, outcome["value"], self.sold)
        self._report(outcome)
        self.datacollector.collect(self)

    def _report(self, outcome: dict[str, np.ndarray]) -> None:
        sold = self.sold
        first_best = outcome["gains"].sum()
        inspection = self.certification_cost * self.n_sellers if self.certifier is not None else 0.0
        realised = outcome["gains"][sold].sum()
        self.price = float(self.quoted.mean())
        self.volume = float(sold.mean())
        self.offered_quality = float(self.quality[sold].mean()) if sold.any() else float("nan")
        self.efficiency = float(realised / first_best) if first_best > 0 else float("nan")
        self.welfare = (
            float((realised - inspection) / first_best) if first_best > 0 else float("nan")
        )

    def draw_state(self, ax: plt.Axes) -> None:
        """Histogram of this period's cars: sold and kept, with the price(s) on offer."""
        draw_market(ax, self.quality, self.sold, self.quoted, self.steps)


def draw_market(
    ax: plt.Axes, quality: np.ndarray, sold: np.ndarray, quoted: np.ndarray, period: int
) -> None:
    """Stacked histogram of car qualities, sold (blue) and kept (orange), with prices."""
    bins = np.linspace(0, QUALITY_MAX, 21)
    if period == 0:
        ax.text(
            0.5,
            0.5,
            "press Step: sellers bring cars",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_xlim(0, QUALITY_MAX)
    else:
        ax.hist(
            [quality[sold], quality[~sold]],
            bins=bins,
            stacked=True,
            color=[COLORS["blue"], COLORS["orange"]],
            label=["sold", "kept"],
        )
        for price in np.unique(np.round(quoted, 6))[:10]:
            ax.axvline(min(price, QUALITY_MAX), color=COLORS["black"], lw=0.8, ls="--")
        ax.legend(fontsize=8, loc="upper right")
    ax.set_xlabel("car quality q (dashed: prices)")
    ax.set_ylabel("cars")
    share = float(np.mean(sold)) if period else float("nan")
    ax.set_title(f"period {period}: {share:.0%} of cars sold" if period else "no trading yet")


def plot_unravelling(
    frame: Any,
    ax: plt.Axes | None = None,
    *,
    premium: float = 1.5,
    initial_belief: float = 1.0,
    title: str | None = None,
) -> plt.Axes:
    """Share of cars sold and mean quality on offer per period (a run's table), beside the
    many-sellers limit: in period t both equal min(p_(t-1), 2)/2 with p from
    :func:`akerlof_price_path`."""
    if not hasattr(frame, "columns") or not {"volume", "offered_quality"} <= set(frame.columns):
        raise TypeError(
            "plot_unravelling(): 'frame' must be a LemonsMarket run table with 'volume' and 'offered_quality'"
        )
    if ax is None:
        _, ax = plt.subplots()
    periods = len(frame) - 1
    path = akerlof_price_path(max(periods - 1, 0), premium, initial_belief)
    t = np.arange(1, periods + 1)
    ax.plot(
        t, frame["volume"].to_numpy()[1:], "o-", color=COLORS["blue"], label="share of cars sold"
    )
    ax.plot(
        t,
        frame["offered_quality"].to_numpy()[1:],
        "s-",
        color=COLORS["orange"],
        label="mean quality sold",
    )
    ax.plot(
        t,
        np.minimum(path, QUALITY_MAX) / 2,
        color=COLORS["black"],
        ls="--",
        lw=1,
        label="theory (both): p/2",
    )
    ax.set_xlabel("period")
    ax.set_ylabel("share of cars / quality units")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.set_title(title or "Without information the market unravels period by period")
    return ax


def plot_certifier_sweep(
    table: Any, ax: plt.Axes | None = None, *, title: str | None = None
) -> plt.Axes:
    """Volume and welfare (late means with their spread over seeds) against the swept
    parameter of a :func:`~mesa_models.information.lemons_fast.sweep_lemons` table."""
    needed = {"volume", "welfare", "volume_sd", "welfare_sd"}
    if not hasattr(table, "columns") or not needed <= set(table.columns):
        raise TypeError("plot_certifier_sweep(): 'table' must come from sweep_lemons()")
    if ax is None:
        _, ax = plt.subplots()
    x = np.asarray(table.index, dtype=float)
    ax.errorbar(
        x,
        table["volume"],
        yerr=table["volume_sd"],
        fmt="o-",
        color=COLORS["blue"],
        capsize=3,
        label="share of cars sold",
    )
    ax.errorbar(
        x,
        table["welfare"],
        yerr=table["welfare_sd"],
        fmt="s-",
        color=COLORS["green"],
        capsize=3,
        label="welfare (share of first-best gains)",
    )
    ax.set_xlabel(str(table.index.name or "parameter").replace("_", " "))
    ax.set_ylabel("share")
    ax.set_ylim(-0.05, 1.05)
    ax.legend(fontsize=8)
    ax.set_title(title or "A certifier restores trade once it is accurate enough")
    return ax

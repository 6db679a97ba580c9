"""Bargaining with private values: a double auction leaves gains from trade unrealised (Unit 04).

A buyer and a seller each know only their own value of one object, drawn independently and
uniformly from [0, 1]. In the *split-the-difference double auction* (Chatterjee &
Samuelson 1983, "Bargaining under Incomplete Information", *Operations Research*
31(5):835-851, doi:10.1287/opre.31.5.835, with k = 1/2) the buyer names a bid b, the seller
an ask a, they trade iff b >= a, at the price (a + b)/2. Naming one's value is not an
equilibrium: each side shades (the buyer bids below, the seller asks above its value) to
move the price its way, and some deals that would benefit both fail.

Chatterjee & Samuelson's **linear equilibrium** for uniform values is

    ask a(v_s) = 2/3 v_s + 1/4,        bid b(v_b) = 2/3 v_b + 1/12,

so trade happens exactly when v_b >= v_s + 1/4. Its expected gains from trade are
∫∫_{v_b - v_s >= 1/4} (v_b - v_s) = 9/64, against 1/6 if every beneficial deal happened:
an efficiency of (9/64)/(1/6) = 27/32 = 0.84375, and trade in 9/32 of meetings instead of
1/2. Myerson & Satterthwaite (1983), "Efficient Mechanisms for Bilateral Trading",
*Journal of Economic Theory* 29(2):265-281, doi:10.1016/0022-0531(83)90048-0, prove that no
mechanism that is incentive compatible and individually rational and needs no subsidy
can be fully efficient, and that for uniform values 9/64 is the most any such mechanism
achieves (their example with uniform values) — the Chatterjee–Samuelson linear equilibrium attains
the bound. :data:`CS_EFFICIENCY` and friends hold these numbers.

:class:`DoubleAuction` lets populations of buyers and sellers meet in random pairs, one
round per step, with fresh private values every round. Strategies:

* ``"linear equilibrium"`` — Chatterjee & Samuelson's strategies above;
* ``"truthful"`` — bid and ask one's value (not an equilibrium; the efficient benchmark);
* ``"learning"`` — every trader learns, for each of ``value_bins`` ranges of its value,
  how much to shade (one of ``shading_levels`` amounts from 0 to ``max_shading``) from its
  own payoffs: a bandit learner with an exponential moving average of the payoff of each
  amount (rate ``learning_rate``) and epsilon-greedy exploration, epsilon =
  max(``min_exploration``, exp(-round / ``exploration_time``)).

Random numbers, in this order every round, from ``model.rng``: buyers' values
(``rng.random(n_pairs)``), sellers' values, the matching (``rng.permutation(n_pairs)``:
buyer i meets seller ``partner[i]``); for learners, buyers' and sellers' exploration draws
(``rng.random``) and random shading levels (``rng.integers``).
:mod:`mesa_models.information.bargaining_fast` draws the same numbers.

Extension points: ``bid_rule=``/``ask_rule=`` (functions ``value -> price`` that replace the
buyers'/sellers' strategy), or subclass :class:`Trader` and override :meth:`Trader.offer`
or :meth:`Trader.learn`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel
from mesa_models.information.lemons import plain_seed
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS

__all__ = [
    "AUCTION_PARAMS",
    "CS_EFFICIENCY",
    "CS_GAINS",
    "CS_TRADE_GAP",
    "CS_TRADE_PROBABILITY",
    "FIRST_BEST_GAINS",
    "FIRST_BEST_TRADE_PROBABILITY",
    "STRATEGIES",
    "DoubleAuction",
    "Trader",
    "auction_outcome",
    "check_price",
    "cs_ask",
    "cs_bid",
    "efficiency_standard_error",
    "plot_shading",
    "shading_grid",
    "value_bin",
]

#: Chatterjee & Samuelson's linear equilibrium trades iff v_b - v_s >= 1/4 ...
CS_TRADE_GAP = 1 / 4
#: ... with expected gains from trade 9/64 (Myerson & Satterthwaite's bound for uniform values) ...
CS_GAINS = 9 / 64
#: ... against 1/6 if every beneficial trade happened ...
FIRST_BEST_GAINS = 1 / 6
#: ... an efficiency of 27/32 = 0.84375.
CS_EFFICIENCY = CS_GAINS / FIRST_BEST_GAINS
#: Trade happens in 9/32 of meetings (P(v_b - v_s >= 1/4)) instead of 1/2.
CS_TRADE_PROBABILITY = 9 / 32
FIRST_BEST_TRADE_PROBABILITY = 1 / 2

STRATEGIES = ("linear equilibrium", "truthful", "learning")

#: Parameters shared by the Mesa model and the NumPy engine (declared once).
AUCTION_PARAMS = Params(
    Param(
        "n_pairs",
        50,
        "buyers (and as many sellers), matched in random pairs every round",
        "pairs",
        low=1,
        high=100_000,
        widget_max=500,
    ),
    Param("strategy", "linear equilibrium", "how traders bid and ask", choices=STRATEGIES),
    Param(
        "value_bins",
        5,
        "learners: ranges of its value a trader tells apart",
        "bins",
        low=1,
        high=50,
        widget_max=20,
    ),
    Param(
        "shading_levels",
        11,
        "learners: shading amounts to choose from, evenly spaced from 0",
        "levels",
        low=2,
        high=101,
        widget_max=41,
    ),
    Param(
        "max_shading",
        0.5,
        "learners: the largest shading amount",
        "value units",
        low=0,
        high=1,
        low_open=True,
        step=0.05,
    ),
    Param(
        "learning_rate",
        0.05,
        "learners: weight of the newest payoff in an amount's estimate",
        "share",
        low=0,
        high=1,
        low_open=True,
        step=0.01,
    ),
    Param(
        "exploration_time",
        2000,
        "learners: rounds over which exploration decays by a factor e",
        "rounds",
        low=1,
        high=10_000_000,
        widget_max=20_000,
    ),
    Param(
        "min_exploration",
        0.02,
        "learners: exploration never falls below this",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
)

#: Rounds over which the ``efficiency`` and ``trade_rate`` reporters are pooled.
WINDOW = 100
#: The Mesa model builds two agents per pair; bigger markets belong to the NumPy engine.
MESA_MAX_PAIRS = 10_000


def number_or_array(value: Any, name: str, owner: str) -> Any:
    """``value`` if it is a real number (not a bool) or a NumPy array, else a ``TypeError`` naming ``name``."""
    if isinstance(value, np.ndarray) or (
        isinstance(value, numbers.Real) and not isinstance(value, bool)
    ):
        return value
    raise TypeError(
        f"{owner}: parameter {name!r} got {value!r}; expected a number or a NumPy array"
    )


def cs_bid(value: float | np.ndarray) -> float | np.ndarray:
    """Chatterjee & Samuelson's linear-equilibrium bid for a buyer of ``value``: 2/3 v + 1/12."""
    value = number_or_array(value, "value", "cs_bid()")
    return 2 / 3 * value + 1 / 12


def cs_ask(value: float | np.ndarray) -> float | np.ndarray:
    """Chatterjee & Samuelson's linear-equilibrium ask for a seller of ``value``: 2/3 v + 1/4."""
    value = number_or_array(value, "value", "cs_ask()")
    return 2 / 3 * value + 1 / 4


def shading_grid(shading_levels: int, max_shading: float) -> np.ndarray:
    """The shading amounts a learner chooses from: ``shading_levels`` points from 0 to ``max_shading``."""
    return np.linspace(0.0, max_shading, shading_levels)


def value_bin(value: float | np.ndarray, value_bins: int) -> np.ndarray:
    """Which of ``value_bins`` equal ranges of [0, 1] a value falls in (0 = lowest)."""
    return np.minimum((np.asarray(value) * value_bins).astype(np.int64), value_bins - 1)


def auction_outcome(
    bids: np.ndarray, asks: np.ndarray, buyer_values: np.ndarray, seller_values: np.ndarray
) -> dict[str, np.ndarray]:
    """The split-the-difference double auction for aligned pairs (buyer i meets seller i).

    Returns ``trade`` (bid >= ask), ``price`` ((bid + ask)/2), ``buyer_payoff``,
    ``seller_payoff`` (0 without trade), ``gains`` (v_b - v_s where traded, else 0) and
    ``first_best`` (max(v_b - v_s, 0)). Both engines use this exact arithmetic.
    """
    trade = bids >= asks
    price = (bids + asks) / 2
    return {
        "trade": trade,
        "price": price,
        "buyer_payoff": np.where(trade, buyer_values - price, 0.0),
        "seller_payoff": np.where(trade, price - seller_values, 0.0),
        "gains": np.where(trade, buyer_values - seller_values, 0.0),
        "first_best": np.maximum(buyer_values - seller_values, 0.0),
    }


def efficiency_standard_error(gains: np.ndarray, first_best: np.ndarray) -> float:
    """Standard error of the efficiency sum(gains)/sum(first_best) over independent
    meetings (delta method for a ratio of means)."""
    gains, first_best = np.asarray(gains, float).ravel(), np.asarray(first_best, float).ravel()
    n = len(gains)
    require(
        n >= 2 and n == len(first_best),
        "gains",
        f"{n} values",
        "at least 2 meetings, as many as first_best",
        "efficiency_standard_error",
    )
    ratio = gains.sum() / first_best.sum()
    residual = gains - ratio * first_best
    return float(np.sqrt(np.var(residual, ddof=1) / n) / first_best.mean())


def check_price(rule: Callable, value: float, price: Any, role: str) -> float:
    """A strategy's bid/ask, validated: a finite number, else a ``ValueError`` naming the rule."""
    if isinstance(price, bool) or not isinstance(price, numbers.Real) or not math.isfinite(price):
        name = getattr(rule, "__name__", repr(rule))
        raise ValueError(
            f"{role} rule {name!r} returned {price!r} for value {value:.3f}; allowed: a finite number"
        )
    return float(price)


class Trader(Agent):
    """A buyer or a seller with a private value each round; bids/asks by the model's strategy."""

    def __init__(self, model: DoubleAuction, role: str) -> None:
        super().__init__(model)
        self.role = role  # "buyer" or "seller"
        self.value = 0.0
        self.offer_price = 0.0
        self.level = 0
        self.payoff = 0.0
        # estimate[bin, level]: learned average payoff of each shading amount in each value range
        self.estimate = np.zeros((model.value_bins, model.shading_levels))

    def offer(self, value: float, explore: float, random_level: int) -> float:
        """This round's bid (buyer) or ask (seller) for private ``value``.

        ``explore`` (uniform on [0, 1)) and ``random_level`` are this trader's draws for
        epsilon-greedy exploration; only learners use them."""
        model = self.model
        rule = model.bid_rule if self.role == "buyer" else model.ask_rule
        if rule is not None:
            return check_price(rule, value, rule(value), "bid" if self.role == "buyer" else "ask")
        if model.strategy == "truthful":
            return value
        if model.strategy == "linear equilibrium":
            return float(cs_bid(value) if self.role == "buyer" else cs_ask(value))
        row = int(value_bin(value, model.value_bins))
        self.level = random_level if explore < model.epsilon else int(np.argmax(self.estimate[row]))
        shade = model.shading[self.level]
        return value - shade if self.role == "buyer" else value + shade

    def learn(self, payoff: float) -> None:
        """Move the estimate of the shading amount just used towards ``payoff``."""
        row = int(value_bin(self.value, self.model.value_bins))
        old = self.estimate[row, self.level]
        self.estimate[row, self.level] = old + self.model.learning_rate * (payoff - old)


class DoubleAuction(RiskModel):
    """Buyers and sellers with private values trade in a split-the-difference double auction.

    One step = one round: every buyer meets a random seller. Reporters:
    ``efficiency`` (gains from trade realised over the last 100 rounds, as a share of the
    gains if every beneficial deal had happened), ``trade_rate`` (share of meetings that
    traded, same window), ``buyer_shading`` and ``seller_shading`` (mean v_b - bid and
    ask - v_s this round), ``exploration`` (learners' current epsilon).
    """

    params = AUCTION_PARAMS
    reporters = {
        "efficiency": "efficiency",
        "trade_rate": "trade_rate",
        "buyer_shading": "buyer_shading",
        "seller_shading": "seller_shading",
        "exploration": "epsilon",
    }
    default_plots = ("efficiency", "buyer_shading")
    trader_class: ClassVar[type[Trader]] = Trader

    def __init__(
        self,
        *,
        bid_rule: Callable[[float], float] | None = None,
        ask_rule: Callable[[float], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        for name, rule in (("bid_rule", bid_rule), ("ask_rule", ask_rule)):
            if rule is not None and not callable(rule):
                raise TypeError(
                    f"DoubleAuction: parameter {name!r} got {rule!r}; expected a function value -> price"
                )
        require(
            self.n_pairs <= MESA_MAX_PAIRS,
            "n_pairs",
            self.n_pairs,
            f"at most {MESA_MAX_PAIRS:,} in the Mesa model (two Python objects per pair, about "
            f"{self.n_pairs * 2 * (1000 + 8 * self.value_bins * self.shading_levels) / 1e6:,.0f} MB here); "
            "use simulate_auction (bargaining_fast) for bigger markets",
            "DoubleAuction",
        )
        self.bid_rule, self.ask_rule = bid_rule, ask_rule
        self.shading = shading_grid(self.shading_levels, self.max_shading)
        self.buyers = [self.trader_class(self, "buyer") for _ in range(self.n_pairs)]
        self.sellers = [self.trader_class(self, "seller") for _ in range(self.n_pairs)]
        self.round = 0
        self.epsilon = self._epsilon()
        self.history: list[tuple[float, float, int]] = []  # (gains, first_best, trades) per round
        self.last: dict[str, np.ndarray] = {}
        self.efficiency = self.trade_rate = self.buyer_shading = self.seller_shading = float("nan")
        self.start_datacollector()

    @property
    def learning(self) -> bool:
        return self.strategy == "learning"

    def _epsilon(self) -> float:
        return max(self.min_exploration, math.exp(-self.round / self.exploration_time))

    def step(self) -> None:
        n = self.n_pairs
        self.epsilon = self._epsilon()
        buyer_values = self.rng.random(n)
        seller_values = self.rng.random(n)
        partner = self.rng.permutation(n)
        if self.learning:
            explore = (self.rng.random(n), self.rng.random(n))
            random_level = (
                self.rng.integers(0, self.shading_levels, n),
                self.rng.integers(0, self.shading_levels, n),
            )
        else:
            explore = (np.ones(n), np.ones(n))
            random_level = (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64))
        for side, traders, values in (
            (0, self.buyers, buyer_values),
            (1, self.sellers, seller_values),
        ):
            for i, trader in enumerate(traders):
                trader.value = float(values[i])
                trader.offer_price = trader.offer(
                    trader.value, float(explore[side][i]), int(random_level[side][i])
                )
        bids = np.array([b.offer_price for b in self.buyers])
        asks = np.array([s.offer_price for s in self.sellers])
        outcome = auction_outcome(bids, asks[partner], buyer_values, seller_values[partner])
        seller_payoff = np.empty(n)
        seller_payoff[partner] = outcome["seller_payoff"]
        for trader, payoff in zip(self.buyers, outcome["buyer_payoff"].tolist(), strict=True):
            trader.payoff = payoff
        for trader, payoff in zip(self.sellers, seller_payoff.tolist(), strict=True):
            trader.payoff = payoff
        if self.learning:
            for trader in (*self.buyers, *self.sellers):
                trader.learn(trader.payoff)
        self.round += 1
        self.last = {
            **outcome,
            "buyer_values": buyer_values,
            "seller_values": seller_values[partner],
        }
        self.history.append(
            (
                float(outcome["gains"].sum()),
                float(outcome["first_best"].sum()),
                int(outcome["trade"].sum()),
            )
        )
        recent = np.array(self.history[-WINDOW:])
        self.efficiency = (
            float(recent[:, 0].sum() / recent[:, 1].sum())
            if recent[:, 1].sum() > 0
            else float("nan")
        )
        self.trade_rate = float(recent[:, 2].sum() / (len(recent) * n))
        self.buyer_shading = float(np.mean(buyer_values - bids))
        self.seller_shading = float(np.mean(asks - seller_values))
        self.datacollector.collect(self)

    def overall_efficiency(self) -> float:
        """Gains realised over all rounds so far, as a share of the first best."""
        if not self.history:
            return float("nan")
        table = np.array(self.history)
        return float(table[:, 0].sum() / table[:, 1].sum())

    def policy(self, role: str) -> np.ndarray:
        """Learners' greedy shading, shape ``(n_pairs, value_bins)``, for ``"buyer"`` or ``"seller"``."""
        require(
            role in ("buyer", "seller"), "role", role, "'buyer' or 'seller'", "DoubleAuction.policy"
        )
        traders = self.buyers if role == "buyer" else self.sellers
        return self.shading[np.array([t.estimate.argmax(axis=1) for t in traders])]

    def draw_state(self, ax: plt.Axes) -> None:
        """This round's meetings: seller value against buyer value, traded or not."""
        draw_meetings(ax, self.last, self.strategy)


def draw_meetings(ax: plt.Axes, last: dict[str, np.ndarray], strategy: str) -> None:
    """Scatter of (seller value, buyer value) for one round; the C&S line v_b = v_s + 1/4."""
    grid = np.linspace(0, 1, 2)
    ax.plot(grid, grid, color=COLORS["grey"], lw=1, label="v_b = v_s (gains above)")
    ax.plot(
        grid, grid + CS_TRADE_GAP, color=COLORS["black"], lw=1, ls="--", label="v_b = v_s + 1/4"
    )
    if last:
        vs, vb, trade = last["seller_values"], last["buyer_values"], last["trade"]
        missed = ~trade & (vb > vs)
        ax.scatter(vs[trade], vb[trade], s=12, color=COLORS["blue"], label="traded")
        ax.scatter(
            vs[missed],
            vb[missed],
            s=12,
            color=COLORS["vermillion"],
            marker="x",
            label="missed gain",
        )
        ax.scatter(vs[~trade & ~missed], vb[~trade & ~missed], s=8, color=COLORS["grey"], alpha=0.5)
        ax.set_title(f"{int(missed.sum())} beneficial deals missed ({strategy})")
    else:
        ax.set_title(f"press Step ({strategy})")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("seller's value v_s")
    ax.set_ylabel("buyer's value v_b")
    ax.legend(fontsize=7, loc="lower right")


def plot_shading(
    buyer_policy: np.ndarray,
    seller_policy: np.ndarray,
    ax: plt.Axes | None = None,
    *,
    title: str | None = None,
) -> plt.Axes:
    """Learned shading by value range (mean over traders) beside Chatterjee & Samuelson's:
    buyers shade v - b(v) = v/3 - 1/12, sellers a(v) - v = 1/4 - v/3.

    ``buyer_policy``/``seller_policy``: greedy shading, shape ``(traders, value_bins)``
    (``AuctionRuns.policy`` or ``DoubleAuction.policy``)."""
    buyer_policy, seller_policy = np.asarray(buyer_policy, float), np.asarray(seller_policy, float)
    require(
        buyer_policy.ndim == 2 and buyer_policy.shape == seller_policy.shape,
        "buyer_policy",
        buyer_policy.shape,
        "two arrays of the same shape (traders, value_bins)",
        "plot_shading",
    )
    if ax is None:
        _, ax = plt.subplots()
    bins = buyer_policy.shape[1]
    centres = (np.arange(bins) + 0.5) / bins
    v = np.linspace(0, 1, 101)
    ax.plot(
        v, v / 3 - 1 / 12, color=COLORS["blue"], lw=1, ls="--", label="buyers, linear equilibrium"
    )
    ax.plot(
        v, 1 / 4 - v / 3, color=COLORS["orange"], lw=1, ls="--", label="sellers, linear equilibrium"
    )
    ax.plot(centres, buyer_policy.mean(axis=0), "o-", color=COLORS["blue"], label="buyers, learned")
    ax.plot(
        centres, seller_policy.mean(axis=0), "s-", color=COLORS["orange"], label="sellers, learned"
    )
    ax.axhline(0, color=COLORS["grey"], lw=0.8)
    ax.set_xlabel("trader's private value (value units)")
    ax.set_ylabel("shading: value minus bid, ask minus value")
    ax.legend(fontsize=8)
    ax.set_title(title or "Learners shade like the equilibrium: most where a deal is likely")
    return ax

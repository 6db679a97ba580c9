"""Flash crash and circuit breakers: a large volume-paced sell order meets inventory-limited
market makers (Unit 07, Destabilising dynamics).

A stylised, second-by-second model of an electronic futures market in the spirit of the
agent-based accounts of 6 May 2010. The facts it is built around are those of the joint
CFTC–SEC staff report, *Findings Regarding the Market Events of May 6, 2010* (30 Sept 2010),
and of Kirilenko, Kyle, Samadi & Tuzun (2017), "The Flash Crash: High-Frequency Trading in
an Electronic Market", *Journal of Finance* 72(3): 967–998, doi:10.1111/jofi.12498: a large
fundamental seller fed 75,000 E-mini contracts into the market with an algorithm that sold
9 % of the previous minute's volume "without regard to price or time"; intermediaries
bought first, hit their inventory limits and sold; their trading among themselves ("hot
potato") inflated volume, which made the volume-paced algorithm sell faster; the price fell
about 3 % in four minutes; a 5-second pause of the CME's Stop Logic was followed by a
rebound. The model does not reproduce the day's numbers: it reproduces the *mechanism*.

Agents (one market order per second each, positive = buy, in contracts):

* :class:`NoiseTrader` — trades at random: background volume.
* :class:`FundamentalTrader` — slow value investors: with probability ``fund_activity`` per
  second, buys ``fund_gain`` contracts per percentage point that the price lies below the
  value beyond its own threshold (thresholds spread evenly up to ``fund_threshold`` %), and
  sells symmetrically above the value.
* :class:`TrendFollower` — fast momentum algorithms: after a move of more than
  ``trend_threshold`` % over ``trend_lookback`` seconds they build a position of
  ``trend_limit`` contracts in the direction of the move (``trend_step`` per trade), and go
  flat when the move fades.
* :class:`MarketMaker` — inventory-limited intermediaries: they absorb the net order flow in
  proportion to the depth they quote. Depth shrinks as inventory approaches ``mm_limit``
  (on the side that would add to it) and as short-run volatility rises above
  ``vol_limit``; inventory is laid off in other markets at ``hedge_capacity`` contracts per
  second in total; inventory beyond ``mm_unload`` × ``mm_limit`` is passed from maker to
  maker ("hot potato"), adding ``hot_potato`` contracts of volume per excess contract.
* :class:`LargeSeller` — from ``seller_start`` sells ``seller_share`` of the previous
  minute's volume each second until ``sell_order`` contracts are sold.

Price formation (:class:`Exchange`, shared with the NumPy engine): the net order flow ``Q``
moves the price by ``Q / D`` per cent, where ``D`` is the makers' depth plus
``base_depth``; the makers take the other side of the flow pro rata to their depth.

Circuit breakers (extension points, both functions of the read-only price history, the
current price last):

* ``halt_rule(prices, proposed) -> seconds``: a trading pause. Built in:
  :func:`stop_logic` (a pause when the proposed price falls or rises more than a trigger
  from the extreme of the last ``window`` seconds, like the CME's Stop Logic). During a
  pause nothing trades; fundamental traders' orders queue and execute when trading resumes.
* ``price_limits(prices) -> (low, high)``: a price band. Built in: :func:`price_band`
  (limit up–limit down around the mean of the last ``window`` seconds). Orders fill pro
  rata up to the band; the rest are cancelled.

The declared parameter ``breaker`` ("none", "pause", "band") with ``breaker_trigger``,
``breaker_window`` and ``pause_length`` selects a built-in breaker (the dashboard's toggle);
``halt_rule=`` / ``price_limits=`` override it. Agents' decisions are small overridable
methods: :meth:`FundamentalTrader.order`, :meth:`TrendFollower.target`,
:meth:`LargeSeller.order`.

Randomness: each noise trader draws three uniform numbers per second, each fundamental
trader and each trend follower one, in that order, from ``model.rng`` — so the NumPy engine
(:mod:`mesa_models.dynamics.flash_crash_fast`) draws the same numbers and follows the same
trajectory from the same seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import mesa
import numpy as np

from mesa_models.base import RiskModel, plain_seed
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS

__all__ = [
    "FLASH_CRASH_PARAMS",
    "MINUTE",
    "Exchange",
    "FlashCrash",
    "FundamentalTrader",
    "LargeSeller",
    "MarketMaker",
    "NoiseTrader",
    "TrendFollower",
    "crash_stats",
    "draw_crash",
    "plot_crash_anatomy",
    "fundamental_thresholds",
    "price_band",
    "stop_logic",
]

#: The large seller's volume window: the previous minute, in seconds.
MINUTE = 60
#: Longest run the model accepts in one go (seconds); a day of trading.
MAX_SECONDS = 86_400

FLASH_CRASH_PARAMS = Params(
    Param("n_noise", 100, "noise traders (background volume)", "agents", low=0, high=2000),
    Param(
        "noise_activity",
        0.5,
        "chance a noise trader trades in a second",
        "probability",
        low=0,
        high=1,
    ),
    Param("noise_size", 10.0, "mean size of a noise trader's order", "contracts", low=0, high=200),
    Param("n_fundamental", 20, "fundamental (value) traders", "agents", low=0, high=1000),
    Param(
        "fund_activity",
        0.02,
        "chance a fundamental trader acts in a second (they are slow)",
        "probability",
        low=0,
        high=1,
    ),
    Param(
        "fund_gain",
        120.0,
        "contracts a fundamental trader trades per % of mispricing beyond its threshold",
        "contracts/%",
        low=0,
        high=10_000,
    ),
    Param(
        "fund_threshold",
        2.0,
        "largest mispricing threshold (thresholds spread evenly from 0 to this)",
        "%",
        low=0,
        high=50,
    ),
    Param(
        "fund_max", 400.0, "largest order of a fundamental trader", "contracts", low=0, high=100_000
    ),
    Param("n_trend", 20, "trend-following algorithms", "agents", low=0, high=1000),
    Param(
        "trend_activity",
        0.2,
        "chance a trend follower trades in a second (they are fast)",
        "probability",
        low=0,
        high=1,
    ),
    Param(
        "trend_lookback",
        30,
        "seconds over which a trend follower measures the trend",
        "s",
        low=1,
        high=3600,
    ),
    Param("trend_threshold", 0.2, "price move that triggers a trend follower", "%", low=0, high=50),
    Param(
        "trend_limit",
        150.0,
        "largest position of a trend follower",
        "contracts",
        low=0,
        high=100_000,
    ),
    Param(
        "trend_step",
        50.0,
        "largest trade of a trend follower in one second",
        "contracts",
        low=0,
        high=100_000,
    ),
    Param(
        "n_market_makers",
        10,
        "inventory-limited market makers (intermediaries)",
        "agents",
        low=0,
        high=1000,
    ),
    Param(
        "mm_limit",
        400.0,
        "inventory limit of a market maker",
        "contracts",
        low=10,
        high=5000,
        step=10,
    ),
    Param(
        "mm_depth",
        3000.0,
        "depth a market maker quotes with empty inventory and calm prices",
        "contracts/%",
        low=0,
        high=1e5,
    ),
    Param(
        "base_depth",
        1000.0,
        "depth of everyone else (never withdrawn)",
        "contracts/%",
        low=1,
        high=1e5,
    ),
    Param(
        "vol_limit",
        0.03,
        "short-run volatility at which makers halve their depth",
        "%/s",
        low=0,
        high=100,
        low_open=True,
    ),
    Param(
        "vol_memory",
        0.2,
        "weight of the latest squared return in the makers' volatility estimate",
        "fraction",
        low=0,
        high=1,
        low_open=True,
    ),
    Param(
        "hedge_capacity",
        20.0,
        "inventory all makers together can lay off elsewhere per second",
        "contracts/s",
        low=0,
        high=500,
        step=1,
    ),
    Param(
        "mm_unload",
        0.8,
        "share of the limit beyond which makers pass inventory around",
        "fraction",
        low=0,
        high=1,
    ),
    Param(
        "hot_potato",
        3.0,
        "extra volume per contract of excess maker inventory, per second",
        "contracts",
        low=0,
        high=100,
    ),
    Param(
        "sell_order",
        75_000.0,
        "size of the large sell order (0: no seller)",
        "contracts",
        low=0,
        high=500_000,
        step=5000,
    ),
    Param(
        "seller_share",
        0.09,
        "share of the previous minute's volume the sell algorithm targets",
        "fraction",
        low=0,
        high=0.5,
        step=0.01,
    ),
    Param(
        "seller_start",
        300,
        "second at which the sell algorithm starts",
        "s",
        low=0,
        high=MAX_SECONDS,
    ),
    Param(
        "news_time",
        0,
        "second at which news moves the fundamental value (0: no news)",
        "s",
        low=0,
        high=MAX_SECONDS,
    ),
    Param("news_shock", 0.0, "change of the fundamental value at news_time", "%", low=-50, high=50),
    Param("breaker", "none", "built-in circuit breaker", choices=("none", "pause", "band")),
    Param(
        "breaker_trigger",
        2.0,
        "pause: move from the window's extreme that halts trading; band: half-width",
        "%",
        low=0,
        high=10,
        low_open=True,
        step=0.1,
    ),
    Param(
        "breaker_window", 60, "seconds of price history the breaker looks at", "s", low=1, high=3600
    ),
    Param("pause_length", 5, "length of a trading pause", "s", low=1, high=300),
)


# -- circuit breakers ---------------------------------------------------------------------------
def stop_logic(trigger: float, window: int, pause: int) -> Callable[[np.ndarray, float], int]:
    """A halt rule in the spirit of the CME's Stop Logic: pause trading for ``pause``
    seconds when the proposed price lies more than ``trigger`` % below the highest (or
    above the lowest) price of the last ``window`` seconds."""
    _check_breaker_settings(trigger, window, "stop_logic")
    require(
        isinstance(pause, int | np.integer) and not isinstance(pause, bool) and pause >= 1,
        "pause",
        pause,
        "an integer >= 1 (seconds)",
        "stop_logic",
    )

    def halt_rule(prices: np.ndarray, proposed: float) -> int:
        recent = prices[-window:]
        if proposed < recent.max() * (1 - trigger / 100) or proposed > recent.min() * (
            1 + trigger / 100
        ):
            return int(pause)
        return 0

    halt_rule.__name__ = f"stop_logic({trigger:g}%, {window}s, {pause}s)"
    return halt_rule


def price_band(width: float, window: int) -> Callable[[np.ndarray], tuple[float, float]]:
    """Price limits in the spirit of limit up–limit down: trades only within ``width`` %
    of the mean price of the last ``window`` seconds."""
    _check_breaker_settings(width, window, "price_band")

    def price_limits(prices: np.ndarray) -> tuple[float, float]:
        reference = float(np.mean(prices[-window:]))
        return reference * (1 - width / 100), reference * (1 + width / 100)

    price_limits.__name__ = f"price_band({width:g}%, {window}s)"
    return price_limits


def _check_breaker_settings(trigger: Any, window: Any, owner: str) -> None:
    numeric = isinstance(trigger, int | float | np.integer | np.floating) and not isinstance(
        trigger, bool
    )
    require(
        numeric and 0 < float(trigger) <= 50,
        "trigger" if owner == "stop_logic" else "width",
        trigger,
        "a number of per cent in (0, 50]",
        owner,
    )
    require(
        isinstance(window, int | np.integer)
        and not isinstance(window, bool)
        and 1 <= window <= 3600,
        "window",
        window,
        "an integer number of seconds in [1, 3600]",
        owner,
    )


def fundamental_thresholds(n: int, largest: float) -> np.ndarray:
    """The fundamental traders' mispricing thresholds: evenly spread, ``largest/n`` to ``largest`` %."""
    return largest * np.arange(1, n + 1) / n if n else np.zeros(0)


# -- the exchange (shared by both engines) ------------------------------------------------------
class Exchange:
    """Price formation, market makers' depth and inventory, and circuit breakers.

    Both engines hand it the same order arrays each second, so everything downstream of
    the agents' decisions is computed by the same code (bit for bit the same prices).
    """

    def __init__(
        self,
        params: dict[str, Any],
        halt_rule: Callable | None,
        price_limits: Callable | None,
        owner: str,
    ) -> None:
        self.p = params
        self.owner = owner
        self.halt_rule = halt_rule
        self.price_limits = price_limits
        self.price = 100.0
        self.value = 100.0
        self.sigma2 = 0.0
        self.halt_left = 0
        self.queue = 0.0
        self.halts = 0
        self.halted = False
        self.band_binding = False
        normal = params["n_noise"] * params["noise_activity"] * params["noise_size"]
        self.volume = float(normal)  # before the start: the normal rate
        self.depth = params["n_market_makers"] * params["mm_depth"] + params["base_depth"]
        self.time = 0
        # Growing buffers: prices (the start, then one per second) and volumes (the minute
        # before the start at the normal rate, then one per second).
        self._prices = np.empty(1024)
        self._prices[0] = self.price
        self._volumes = np.empty(1024 + MINUTE)
        self._volumes[:MINUTE] = float(normal)
        self._flags = np.zeros(1024, dtype=np.int8)  # per second: 1 paused, 2 at the band

    # -- what agents see --------------------------------------------------------------------
    @property
    def prices(self) -> np.ndarray:
        """Read-only price history, oldest first, current price last (``time + 1`` values)."""
        view = self._prices[: self.time + 1]
        view.flags.writeable = False
        return view

    def history(self) -> np.ndarray:
        """The read-only price history handed to circuit breakers."""
        return self.prices

    def past_price(self, seconds: int) -> float:
        """The price ``seconds`` ago (the first price if the history is shorter)."""
        return float(self._prices[max(0, self.time - seconds)])

    def minute_volume(self) -> float:
        """Volume traded over the previous minute (contracts)."""
        end = self.time + MINUTE
        return float(self._volumes[end - MINUTE : end].sum())

    def mispricing(self) -> float:
        """How far the price lies below the value, in per cent of the value."""
        return 100 * (self.value - self.price) / self.value

    # -- one second ---------------------------------------------------------------------------
    def start_second(self) -> None:
        p = self.p
        if p["news_time"] and self.time == p["news_time"]:
            self.value *= 1 + p["news_shock"] / 100

    def hedge(self, inventory: np.ndarray) -> np.ndarray:
        """Makers lay inventory off elsewhere, ``hedge_capacity`` per second in total,
        shared in proportion to the size of each maker's inventory (all of it when the
        total is below the capacity)."""
        total = float(np.abs(inventory).sum())
        if total <= 0:
            return inventory
        return inventory * max(0.0, 1.0 - self.p["hedge_capacity"] / total)

    def maker_depth(self, inventory: np.ndarray, net_flow: float) -> np.ndarray:
        """Depth each maker quotes against ``net_flow`` (contracts per 1 % price move)."""
        p = self.p
        limit = p["mm_limit"]
        # Makers buy into a sell flow: the room left below the long limit (and vice versa).
        room = (limit - inventory) / limit if net_flow < 0 else (limit + inventory) / limit
        room = np.minimum(np.maximum(room, 0.0), 1.0)
        return room * (p["mm_depth"] / (1.0 + self.sigma2 / p["vol_limit"] ** 2))

    def clear(
        self, orders: Sequence[np.ndarray], seller: float, inventory: np.ndarray
    ) -> tuple[float, np.ndarray]:
        """Match one second of market orders. ``orders`` = (noise, fundamental, trend) arrays,
        ``seller`` the seller's order, ``inventory`` the makers' inventories *after*
        hedging. Returns the filled fraction of every order (0 in a pause) and the makers'
        new inventories."""
        p = self.p
        self.halted = self.band_binding = False
        if self.halt_left > 0:
            self.halt_left -= 1
            return self._pause(orders[1], inventory)
        book = np.concatenate(orders)
        net = float(book.sum()) + seller + self.queue
        depth = self.maker_depth(inventory, net)
        total_depth = float(depth.sum()) + p["base_depth"]
        proposed = self.price * (1 + net / (100 * total_depth))
        history = (
            self.history()
            if (self.halt_rule is not None or self.price_limits is not None)
            else None
        )
        if self.halt_rule is not None:
            seconds = self.halt_rule(history, proposed)
            if (
                isinstance(seconds, bool)
                or not isinstance(seconds, int | np.integer)
                or seconds < 0
            ):
                name = getattr(self.halt_rule, "__name__", repr(self.halt_rule))
                raise ValueError(
                    f"{self.owner}: halt rule {name!r} returned {seconds!r}; allowed: a whole number of seconds >= 0"
                )
            if seconds > 0:
                self.halts += 1
                self.halt_left = int(seconds) - 1
                return self._pause(orders[1], inventory)
        fill = 1.0
        if self.price_limits is not None:
            low, high = self._limits(history)
            if proposed < low and proposed < self.price:
                fill = 0.0 if self.price <= low else (low - self.price) / (proposed - self.price)
                self.band_binding = True
            elif proposed > high and proposed > self.price:
                fill = 0.0 if self.price >= high else (high - self.price) / (proposed - self.price)
                self.band_binding = True
            fill = min(max(fill, 0.0), 1.0)
        executed = fill * net
        new_price = self.price * (1 + executed / (100 * total_depth))
        inventory = inventory - depth * (executed / total_depth)
        gross = float(np.abs(book).sum()) + abs(seller) + abs(self.queue)
        excess = float(np.maximum(np.abs(inventory) - p["mm_unload"] * p["mm_limit"], 0.0).sum())
        self.volume = fill * gross + p["hot_potato"] * excess
        change = 100 * (new_price - self.price) / self.price
        self.sigma2 = (1 - p["vol_memory"]) * self.sigma2 + p["vol_memory"] * change * change
        self.depth = total_depth
        self.queue = 0.0
        self._record(new_price)
        return fill, inventory

    def _limits(self, history: np.ndarray) -> tuple[float, float]:
        limits = self.price_limits(history)
        name = getattr(self.price_limits, "__name__", repr(self.price_limits))
        ok = isinstance(limits, tuple | list) and len(limits) == 2
        if ok:
            try:
                low, high = float(limits[0]), float(limits[1])
            except (TypeError, ValueError):
                ok = False
        if not ok or not (np.isfinite(low) and np.isfinite(high) and low <= high):
            raise ValueError(
                f"{self.owner}: price limits {name!r} returned {limits!r}; allowed: a pair (low, high) of finite prices with low <= high"
            )
        return low, high

    def _pause(self, fund: np.ndarray, inventory: np.ndarray) -> tuple[float, np.ndarray]:
        self.halted = True
        self.queue += float(fund.sum())
        self.volume = 0.0
        self.sigma2 *= 1 - self.p["vol_memory"]
        self._record(self.price)
        return 0.0, inventory

    def _record(self, price: float) -> None:
        self.price = price
        self.time += 1
        if self.time >= len(self._prices):
            self._prices = np.concatenate([self._prices, np.empty(len(self._prices))])
            self._volumes = np.concatenate(
                [self._volumes, np.empty(len(self._prices) - len(self._volumes) + MINUTE)]
            )
            self._flags = np.concatenate(
                [self._flags, np.zeros(len(self._prices) - len(self._flags), dtype=np.int8)]
            )
        self._prices[self.time] = price
        self._volumes[self.time + MINUTE - 1] = self.volume
        self._flags[self.time] = 1 if self.halted else 2 if self.band_binding else 0

    def summary_frame(self, seller_left: np.ndarray) -> Any:
        """A table like the DataCollector's with the columns :func:`crash_stats` needs
        (from the exchange's own buffers; used by fast sweeps that skip the DataCollector)."""
        import pandas as pd

        n = self.time + 1
        flags = self._flags[:n]
        return pd.DataFrame(
            {
                "price": self._prices[:n],
                "volume": self._volumes[MINUTE - 1 : MINUTE - 1 + n],
                "halted": (flags == 1).astype(float),
                "band": (flags == 2).astype(float),
                "seller_left": seller_left[:n],
            }
        )


def resolve_breakers(
    params: dict[str, Any], halt_rule: Any, price_limits: Any, owner: str
) -> tuple[Callable | None, Callable | None]:
    """The breakers a model uses: injected functions, else the declared built-in one."""
    for name, value in (("halt_rule", halt_rule), ("price_limits", price_limits)):
        if value is not None and not callable(value):
            raise TypeError(
                f"{owner}: parameter {name!r} got {value!r}; expected a function of the price history"
            )
    if halt_rule is None and params["breaker"] == "pause":
        halt_rule = stop_logic(
            params["breaker_trigger"], params["breaker_window"], params["pause_length"]
        )
    if price_limits is None and params["breaker"] == "band":
        price_limits = price_band(params["breaker_trigger"], params["breaker_window"])
    return halt_rule, price_limits


def check_combinations(params: dict[str, Any], owner: str) -> None:
    """Constraints between parameters."""
    require(
        params["trend_step"] <= params["trend_limit"] or params["trend_limit"] == 0,
        "trend_step",
        params["trend_step"],
        f"at most trend_limit={params['trend_limit']:g}",
        owner,
    )
    require(
        params["news_time"] == 0 or params["news_shock"] != 0,
        "news_shock",
        params["news_shock"],
        f"a non-zero change when news_time={params['news_time']} is set",
        owner,
    )


# -- agents (the Mesa model) -----------------------------------------------------------------------
class NoiseTrader(mesa.Agent):
    """Trades at random: with probability ``noise_activity`` a market order of a uniform
    size in [0, 2 × ``noise_size``] and a random sign."""

    def submit(self) -> float:
        u = self.model.rng.random(3)
        m = self.model
        size = m.noise_size * 2 * u[1]
        return float((u[0] < m.noise_activity) * size * (1.0 if u[2] < 0.5 else -1.0))


class FundamentalTrader(mesa.Agent):
    """A slow value investor with its own mispricing threshold (in %)."""

    def __init__(self, model: FlashCrash, threshold: float) -> None:
        super().__init__(model)
        self.threshold = threshold

    def order(self, mispricing: float) -> float:
        """Contracts to buy (negative: sell) at ``mispricing`` % below value, when active."""
        m = self.model
        excess = max(abs(mispricing) - self.threshold, 0.0)
        return float(np.sign(mispricing)) * min(m.fund_gain * excess, m.fund_max)

    def submit(self) -> float:
        active = self.model.rng.random() < self.model.fund_activity
        return float(active * self.order(self.model.exchange.mispricing()))


class TrendFollower(mesa.Agent):
    """A fast momentum algorithm with a position limit."""

    def __init__(self, model: FlashCrash) -> None:
        super().__init__(model)
        self.position = 0.0
        self.last_order = 0.0

    def target(self, trend: float) -> float:
        """The position wanted after a price move of ``trend`` % over the lookback."""
        m = self.model
        if trend < -m.trend_threshold:
            return -m.trend_limit
        if trend > m.trend_threshold:
            return m.trend_limit
        return 0.0

    def submit(self) -> float:
        m = self.model
        active = m.rng.random() < m.trend_activity
        before = m.exchange.past_price(m.trend_lookback)
        trend = 100 * (m.exchange.price - before) / before
        want = self.target(trend)
        self.last_order = float(
            active * min(max(want - self.position, -m.trend_step), m.trend_step)
        )
        return self.last_order


class MarketMaker(mesa.Agent):
    """An intermediary that absorbs order flow up to its inventory limit."""

    def __init__(self, model: FlashCrash) -> None:
        super().__init__(model)
        self.inventory = 0.0


class LargeSeller(mesa.Agent):
    """A fundamental seller whose algorithm targets a share of the previous minute's
    volume, without regard to price or time."""

    def __init__(self, model: FlashCrash, size: float) -> None:
        super().__init__(model)
        self.remaining = size

    def order(self) -> float:
        m = self.model
        if m.exchange.time < m.seller_start or self.remaining <= 0:
            return 0.0
        return -min(self.remaining, m.seller_share * m.exchange.minute_volume() / MINUTE)


def crash_reporters() -> dict[str, Callable[[Any], float]]:
    """DataCollector columns shared by both engines."""
    return {
        "price": lambda m: m.exchange.price,
        "value": lambda m: m.exchange.value,
        "volume": lambda m: m.exchange.volume,
        "mm_inventory": lambda m: m.maker_inventory_total(),
        "depth": lambda m: m.exchange.depth,
        "trend_position": lambda m: m.trend_position_total(),
        "seller_left": lambda m: m.seller_remaining(),
        "halted": lambda m: float(m.exchange.halted),
        "band": lambda m: float(m.exchange.band_binding),
    }


class FlashCrash(RiskModel):
    """A flash crash from a volume-paced sell order, with optional circuit breakers.

    One step is one second. Reporters: ``price`` and ``value`` (% of the starting price),
    ``volume`` (contracts per second), ``mm_inventory`` (makers' total, contracts),
    ``depth`` (contracts per 1 %), ``trend_position``, ``seller_left`` (contracts still to
    sell), ``halted`` and
    ``band`` (1 in a second when trading was paused / the band bound).
    """

    params = FLASH_CRASH_PARAMS
    reporters = crash_reporters()
    default_plots = ("volume", "mm_inventory")

    def __init__(
        self,
        *,
        halt_rule: Callable[[np.ndarray, float], int] | None = None,
        price_limits: Callable[[np.ndarray], tuple[float, float]] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        owner = type(self).__name__
        check_combinations(self.param_values, owner)
        halt, limits = resolve_breakers(self.param_values, halt_rule, price_limits, owner)
        self.exchange = Exchange(self.param_values, halt, limits, owner)
        self.noise_traders = [NoiseTrader(self) for _ in range(self.n_noise)]
        self.fundamental_traders = [
            FundamentalTrader(self, float(t))
            for t in fundamental_thresholds(self.n_fundamental, self.fund_threshold)
        ]
        self.trend_followers = [TrendFollower(self) for _ in range(self.n_trend)]
        self.market_makers = [MarketMaker(self) for _ in range(self.n_market_makers)]
        self.seller = LargeSeller(self, self.sell_order)
        self.start_datacollector()

    def step(self) -> None:
        self.exchange.start_second()
        noise = np.array([a.submit() for a in self.noise_traders], dtype=float)
        fund = np.array([a.submit() for a in self.fundamental_traders], dtype=float)
        trend = np.array([a.submit() for a in self.trend_followers], dtype=float)
        seller = self.seller.order()
        inventory = self.exchange.hedge(
            np.array([mm.inventory for mm in self.market_makers], dtype=float)
        )
        fill, inventory = self.exchange.clear((noise, fund, trend), seller, inventory)
        for maker, held in zip(self.market_makers, inventory, strict=True):
            maker.inventory = float(held)
        for follower in self.trend_followers:
            follower.position += fill * follower.last_order
        self.seller.remaining += fill * seller
        self.datacollector.collect(self)

    # -- reporting ------------------------------------------------------------------------------
    def maker_inventory_total(self) -> float:
        return float(np.sum(np.array([mm.inventory for mm in self.market_makers], dtype=float)))

    def trend_position_total(self) -> float:
        return float(np.sum(np.array([f.position for f in self.trend_followers], dtype=float)))

    def seller_remaining(self) -> float:
        return float(self.seller.remaining)

    def draw_state(self, ax: plt.Axes) -> None:
        draw_crash(ax, self.datacollector.get_model_vars_dataframe())


# -- summaries and drawing --------------------------------------------------------------------------
def crash_stats(frame: Any) -> dict[str, float]:
    """Headline numbers of one run from its DataCollector table (one row per second):
    ``drawdown`` (largest fall from the running peak, %), ``low_time`` (second of the
    lowest price), ``low`` and ``final`` price, ``rebound`` (share of the fall from the
    start recovered by the end), ``halted_seconds``, ``band_seconds``, ``seller_done``
    (second the sell order was complete; NaN if there was none or it is not complete) and
    ``volume`` (mean per second)."""
    for column in ("price", "halted", "band", "seller_left", "volume"):
        if column not in getattr(frame, "columns", ()):
            raise ValueError(
                f"crash_stats(): the table needs a {column!r} column (a FlashCrash run), got {list(getattr(frame, 'columns', []))}"
            )
    price = frame["price"].to_numpy()
    if len(price) == 0:
        raise ValueError("crash_stats(): the table is empty; run the model first")
    peak = np.maximum.accumulate(price)
    drawdown = float((100 * (peak - price) / peak).max())
    low_index = int(price.argmin())
    start, low, final = float(price[0]), float(price[low_index]), float(price[-1])
    left = frame["seller_left"].to_numpy()
    done = np.flatnonzero(left <= 1e-9) if left[0] > 0 else np.array([], dtype=int)
    return {
        "drawdown": drawdown,
        "low_time": float(frame.index[low_index]),
        "low": low,
        "final": final,
        "rebound": float((final - low) / (start - low)) if start > low else float("nan"),
        "halted_seconds": float(frame["halted"].sum()),
        "band_seconds": float(frame["band"].sum()),
        "seller_done": float(frame.index[done[0]]) if len(done) else float("nan"),
        "volume": float(frame["volume"].iloc[1:].mean()) if len(frame) > 1 else 0.0,
    }


def draw_crash(
    ax: plt.Axes,
    frame: Any,
    *,
    label: str | None = None,
    color: str | None = None,
    title: str | None = None,
) -> None:
    """The price path in minutes, paused seconds shaded, band seconds marked."""
    minutes = np.asarray(frame.index, dtype=float) / 60
    ax.plot(minutes, frame["price"], color=color or COLORS["blue"], label=label, lw=1.2)
    halted = frame["halted"].to_numpy() > 0
    if halted.any():
        ax.scatter(
            minutes[halted],
            frame["price"].to_numpy()[halted],
            s=12,
            color=COLORS["vermillion"],
            zorder=3,
            label="paused",
        )
    band = frame["band"].to_numpy() > 0
    if band.any():
        ax.scatter(
            minutes[band],
            frame["price"].to_numpy()[band],
            s=8,
            color=COLORS["orange"],
            zorder=3,
            label="at the band",
        )
    ax.set_xlabel("time (minutes)")
    ax.set_ylabel("price (% of start)")
    if title is None:
        stats = crash_stats(frame)
        title = f"largest fall {stats['drawdown']:.1f}%"
    ax.set_title(title)


def plot_crash_anatomy(
    frame: Any, *, mm_limit: float | None = None, title: str | None = None
) -> plt.Figure:
    """Three stacked panels of one run (minutes on the x-axis): the price (paused seconds
    marked), the market makers' total inventory (with their joint limit ``mm_limit`` if
    given) and the trend followers' position, and the volume per second (10-second mean)."""
    for column in ("price", "mm_inventory", "trend_position", "volume", "halted", "band"):
        if column not in getattr(frame, "columns", ()):
            raise ValueError(
                f"plot_crash_anatomy(): the table needs a {column!r} column (a recorded FlashCrash run)"
            )
    minutes = np.asarray(frame.index, dtype=float) / 60
    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(8, 7), sharex=True)
    draw_crash(top, frame, title="")
    middle.plot(
        minutes, frame["mm_inventory"], color=COLORS["orange"], label="market makers' inventory"
    )
    middle.plot(
        minutes, frame["trend_position"], color=COLORS["purple"], label="trend followers' position"
    )
    if mm_limit is not None:
        middle.axhline(mm_limit, color=COLORS["orange"], ls=":", lw=1, label="makers' joint limit")
    middle.set_ylabel("contracts")
    middle.legend(fontsize=8, loc="lower left")
    bottom.plot(
        minutes,
        frame["volume"].rolling(10, min_periods=1).mean(),
        color=COLORS["green"],
        label="volume (10 s mean)",
    )
    bottom.set_ylabel("contracts per second")
    bottom.set_xlabel("time (minutes)")
    bottom.legend(fontsize=8, loc="upper left")
    top.set_xlabel("")
    middle.set_xlabel("")
    if title:
        fig.suptitle(title)
    return fig

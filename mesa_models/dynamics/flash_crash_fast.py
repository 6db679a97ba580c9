"""NumPy engine for the flash-crash model: the same market with agents as arrays.

Same parameters, same rules and the same random numbers as the Mesa model
:class:`mesa_models.dynamics.flash_crash.FlashCrash` (see its module docstring): each
second the noise traders draw a ``(n_noise, 3)`` block of uniforms, the fundamental traders
and the trend followers one uniform each, in that order, and the shared
:class:`~mesa_models.dynamics.flash_crash.Exchange` forms the price. The two engines
therefore follow the same trajectory from the same seed (tests/test_flash_crash.py checks
it), and this one is about five times faster, for sweeps over seeds and breaker settings.

:func:`run_many` runs the model for several seeds and settings and returns one row of
:func:`~mesa_models.dynamics.flash_crash.crash_stats` per run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mesa_models.base import RiskModel
from mesa_models.dynamics.flash_crash import (
    FLASH_CRASH_PARAMS,
    MAX_SECONDS,
    MINUTE,
    Exchange,
    check_combinations,
    crash_reporters,
    crash_stats,
    draw_crash,
    fundamental_thresholds,
    plain_seed,
    resolve_breakers,
)
from mesa_models.params import require

__all__ = ["FlashCrashArray", "run_many"]


class FlashCrashArray(RiskModel):
    """The flash-crash market with agents as NumPy arrays (same rules as :class:`FlashCrash`).

    Reporters as in :class:`FlashCrash`. ``positions`` holds the trend followers'
    positions, ``inventory`` the market makers' inventories, ``remaining`` what the large
    seller still has to sell.
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
        self.thresholds = fundamental_thresholds(self.n_fundamental, self.fund_threshold)
        self.positions = np.zeros(self.n_trend)
        self.inventory = np.zeros(self.n_market_makers)
        self.remaining = float(self.sell_order)
        self._left = np.empty(1024)  # contracts still to sell at the end of each second
        self._left[0] = self.remaining
        self.start_datacollector()

    def step(self) -> None:
        self.advance()
        self.datacollector.collect(self)

    def advance(self) -> None:
        """One second of trading without recording it in the DataCollector."""
        ex = self.exchange
        ex.start_second()
        u = self.rng.random((self.n_noise, 3))
        noise = (
            (u[:, 0] < self.noise_activity)
            * (self.noise_size * 2 * u[:, 1])
            * np.where(u[:, 2] < 0.5, 1.0, -1.0)
        )
        gap = ex.mispricing()
        active = self.rng.random(self.n_fundamental) < self.fund_activity
        excess = np.maximum(abs(gap) - self.thresholds, 0.0)
        fund = active * (float(np.sign(gap)) * np.minimum(self.fund_gain * excess, self.fund_max))
        trading = self.rng.random(self.n_trend) < self.trend_activity
        before = ex.past_price(self.trend_lookback)
        trend_move = 100 * (ex.price - before) / before
        if trend_move < -self.trend_threshold:
            want = -self.trend_limit
        elif trend_move > self.trend_threshold:
            want = self.trend_limit
        else:
            want = 0.0
        trend = trading * np.minimum(
            np.maximum(want - self.positions, -self.trend_step), self.trend_step
        )
        seller = 0.0
        if ex.time >= self.seller_start and self.remaining > 0:
            seller = -min(self.remaining, self.seller_share * ex.minute_volume() / MINUTE)
        inventory = ex.hedge(self.inventory)
        fill, self.inventory = ex.clear((noise, fund, trend), seller, inventory)
        self.positions = self.positions + fill * trend
        self.remaining += fill * seller
        if ex.time >= len(self._left):
            self._left = np.concatenate([self._left, np.empty(len(self._left))])
        self._left[ex.time] = self.remaining

    def run_quietly(self, seconds: int) -> pd.DataFrame:
        """Advance ``seconds`` seconds without the DataCollector (about a third faster) and
        return the columns :func:`crash_stats` needs, one row per second from the start."""
        require(
            isinstance(seconds, int | np.integer)
            and not isinstance(seconds, bool)
            and 0 <= seconds <= MAX_SECONDS,
            "seconds",
            seconds,
            f"an integer in [0, {MAX_SECONDS}]",
            type(self).__name__,
        )
        for _ in range(int(seconds)):
            self.advance()
        return self.exchange.summary_frame(self._left)

    # -- reporting ------------------------------------------------------------------------------
    def maker_inventory_total(self) -> float:
        return float(self.inventory.sum())

    def trend_position_total(self) -> float:
        return float(self.positions.sum())

    def seller_remaining(self) -> float:
        return float(self.remaining)

    def draw_state(self, ax: plt.Axes) -> None:
        draw_crash(ax, self.datacollector.get_model_vars_dataframe())


def run_many(
    seeds: Iterable[int],
    seconds: int,
    settings: dict[str, dict[str, Any]] | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Run :class:`FlashCrashArray` for every seed and every named setting; one row per run
    with the setting's name, the seed and :func:`crash_stats`.

    ``settings`` maps a name to extra constructor arguments (parameters, or ``halt_rule`` /
    ``price_limits``), e.g. ``{"no breaker": {}, "pause": {"breaker": "pause"}}``;
    ``params`` apply to every run.
    """
    seeds = list(seeds)
    require(len(seeds) > 0, "seeds", seeds, "at least one seed", "run_many")
    require(
        isinstance(seconds, int | np.integer)
        and not isinstance(seconds, bool)
        and 1 <= seconds <= MAX_SECONDS,
        "seconds",
        seconds,
        f"an integer in [1, {MAX_SECONDS}]",
        "run_many",
    )
    settings = {"": {}} if settings is None else settings
    if not isinstance(settings, dict) or not all(isinstance(v, dict) for v in settings.values()):
        raise TypeError(
            f"run_many(): parameter 'settings' got {settings!r}; expected a dict name -> dict of arguments"
        )
    rows = []
    for name, extra in settings.items():
        for seed in seeds:
            model = FlashCrashArray(rng=seed, **{**params, **extra})
            rows.append(
                {"setting": name, "seed": seed, **crash_stats(model.run_quietly(int(seconds)))}
            )
    return pd.DataFrame(rows)

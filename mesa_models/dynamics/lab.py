"""Checks for the Unit 07 lab (destabilising dynamics): price bands against a flash crash,
the first bifurcation of Brock & Hommes's market, and an ordering rule for the beer game.

The flash-crash exercises use a shortened market, :data:`LAB_MARKET` (the seller starts
after one minute; runs last :data:`LAB_SECONDS` seconds), so that the checks stay fast.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from mesa_models.checks import (
    Verdict,
    call,
    expect,
    expect_matches,
    expect_reproducible,
    expect_type,
    run_check,
    same,
    show,
    vary,
)
from mesa_models.dynamics.beer_game import BeerGame, Stage, sterman_order, total_cost
from mesa_models.dynamics.brock_hommes_fast import orbits
from mesa_models.dynamics.flash_crash import crash_stats
from mesa_models.dynamics.flash_crash_fast import FlashCrashArray
from mesa_models.running import run
from mesa_models.params import Param, validate_arguments

__all__ = [
    "BEER_SCENARIOS",
    "LAB_MARKET",
    "LAB_SECONDS",
    "MAX_FALL",
    "NEWS_DAY",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "check_exercise_5",
    "reference_acceptable_bands",
    "reference_band",
    "reference_breaker_report",
    "reference_first_bifurcation",
    "scenario_costs",
]

#: The lab's crash day: the 75,000-contract seller starts after one minute.
LAB_MARKET = {"seller_start": 60}
#: The lab's ordinary day with genuine news: no seller; the value falls 2 % after a minute.
NEWS_DAY = {"sell_order": 0.0, "news_time": 60, "news_shock": -2.0}
#: Length of every lab run (seconds).
LAB_SECONDS = 600
#: Largest acceptable fall on the crash day (%).
MAX_FALL = 3.0
#: The beer-game scenarios of Exercise 5: (name, seed, game parameters).
BEER_SCENARIOS = (
    ("the classic step 4 -> 8", 0, {}),
    ("a step down 4 -> 2", 0, {"demand_after": 2.0}),
    ("noisy demand around 4 -> 8", 0, {"demand_noise": 1.5}),
    ("noisy demand around 4 -> 6", 1, {"demand_after": 6.0, "demand_noise": 1.0}),
)

_BAND_HINT = (
    "Use only the newest `window` prices (all of them when there are fewer), take their mean, and put the "
    "limits `width` per cent of that mean below and above it; `width` is in per cent, not a fraction."
)


# -- Exercise 1: a price band ------------------------------------------------------------------------
@validate_arguments(
    width=Param("width", 1.0, "band width", "%", low=0, low_open=True, high=50),
    window=Param("window", 60, "seconds of price history", "s", low=1, high=3600),
)
def reference_band(prices: np.ndarray, width: float, window: int) -> tuple[float, float]:
    """Limit up-limit down: ``width`` % around the mean of the last ``window`` prices."""
    mean = float(np.mean(np.asarray(prices)[-window:]))
    return mean * (1 - width / 100), mean * (1 + width / 100)


def _price_paths() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    calm = 100 + np.cumsum(rng.normal(0, 0.02, 400))
    crash = np.r_[np.full(300, 100.0), np.linspace(100, 95, 60)]
    return {"calm": calm, "crash": crash, "short": np.array([100.0, 99.0, 98.5])}


def check_exercise_1(
    band_limits: Callable[[np.ndarray, float, int], tuple[float, float]],
) -> Verdict:
    """``band_limits(prices, width, window) -> (low, high)``."""

    def test() -> None:
        expect_type(band_limits, "callable", "band_limits")
        paths = _price_paths()
        got = call(band_limits, paths["calm"], 1.0, 60)
        expect_type(got, (tuple, list), "band_limits(prices, 1.0, 60)")
        expect(len(got) == 2, f"band_limits should return a pair (low, high), got {show(got)}")
        for value in got:
            expect_type(value, "number", "each limit")
        cases = vary(
            {"prices": paths["calm"], "width": 1.0, "window": 60},
            prices=[paths["crash"], paths["short"]],
            width=[0.25, 2.5],
            window=[10, 300],
        )
        expect_matches(band_limits, reference_band, cases, kind=None)

    return run_check("Exercise 1 — a price band", test, hint=_BAND_HINT)


# -- Exercise 2: measuring a band --------------------------------------------------------------------
@lru_cache(maxsize=256)
def reference_breaker_report(width: float, window: int, seed: int) -> tuple[float, float]:
    """(largest fall on the crash day in %, seconds the band bound on the news day)."""

    def limits(prices: np.ndarray) -> tuple[float, float]:
        return reference_band(prices, width, window)

    crash = FlashCrashArray(rng=seed, price_limits=limits, **LAB_MARKET).run_quietly(LAB_SECONDS)
    news = FlashCrashArray(rng=seed, price_limits=limits, **NEWS_DAY).run_quietly(LAB_SECONDS)
    return crash_stats(crash)["drawdown"], crash_stats(news)["band_seconds"]


def check_exercise_2(breaker_report: Callable[[float, int, int], tuple[float, float]]) -> Verdict:
    """``breaker_report(width, window, seed) -> (fall on the crash day, band seconds on the news day)``."""

    def test() -> None:
        expect_type(breaker_report, "callable", "breaker_report")
        got = call(breaker_report, 1.0, 120, 0)
        expect_type(got, (tuple, list), "breaker_report(1.0, 120, 0)")
        expect(
            len(got) == 2,
            f"breaker_report should return a pair (fall, band seconds), got {show(got)}",
        )
        expect_type(got[0], "number", "the fall on the crash day")
        expect_type(got[1], "number", "the band seconds on the news day")
        cases = vary({"width": 1.0, "window": 120, "seed": 0}, width=[2.0], window=[30], seed=[1])
        expect_matches(breaker_report, reference_breaker_report, cases, kind=None, tol=1e-9)
        expect_reproducible(
            lambda seed: breaker_report(1.0, 120, seed), "breaker_report(1.0, 120, seed)"
        )

    return run_check(
        "Exercise 2 — measuring a band",
        test,
        hint="Two markets with the same seed and the same band (price_limits): the crash day (LAB_MARKET) and the "
        "news day (NEWS_DAY), each run for LAB_SECONDS. The fall is the crash day's drawdown, the other number the news "
        "day's band_seconds (both from crash_stats).",
    )


# -- Exercise 3: settings that stop the crash without holding back normal trading ------------------------
def reference_acceptable_bands(
    widths: Sequence[float], windows: Sequence[int], seeds: Sequence[int]
) -> list[tuple[float, int]]:
    """The (width, window) pairs whose band keeps the crash-day fall at most :data:`MAX_FALL`
    and never binds on the news day, for every seed (in the order widths x windows)."""
    good = []
    for width in widths:
        for window in windows:
            reports = [
                reference_breaker_report(float(width), int(window), int(seed)) for seed in seeds
            ]
            if all(fall <= MAX_FALL and bound == 0 for fall, bound in reports):
                good.append((width, window))
    return good


def check_exercise_3(
    acceptable_bands: Callable[[Sequence[float], Sequence[int], Sequence[int]], list],
) -> Verdict:
    """``acceptable_bands(widths, windows, seeds) -> [(width, window), ...]``."""

    def test() -> None:
        expect_type(acceptable_bands, "callable", "acceptable_bands")
        for widths, windows, seeds in (
            ([1.0, 2.0, 3.0], [60, 300], [0]),
            ([1.5, 2.0], [600], [1, 2]),
        ):
            got = call(acceptable_bands, widths, windows, seeds)
            label = f"acceptable_bands({widths}, {windows}, {seeds})"
            expect_type(got, (list, tuple), label)
            for pair in got:
                expect(
                    isinstance(pair, tuple | list) and len(pair) == 2,
                    f"{label} should list (width, window) pairs, got the item {show(pair)}",
                )
            want = reference_acceptable_bands(widths, windows, seeds)
            expect(
                same(sorted(tuple(p) for p in got), sorted(want)),
                f"{label} should be {show(want)}, got {show(list(got))}",
            )

    return run_check(
        "Exercise 3 — bands that stop the crash but not the news",
        test,
        hint=f"Loop over every width and window; call your breaker_report for every seed; keep the pair only if "
        f"every fall is at most MAX_FALL = {MAX_FALL} % and the band never bound on the news day (0 seconds).",
    )


# -- Exercise 4: the first bifurcation -----------------------------------------------------------------
def _grows(betas: np.ndarray, trend: float, R: float, cost: float, steps: int = 300) -> np.ndarray:
    """For every beta: does a deviation of 1e-6 from the fundamental ever grow (or blow up)?"""
    x = orbits(betas, steps, R=R, trend=trend, cost=cost, x0=1e-6)
    finite = np.isfinite(x).all(axis=0)
    return ~finite | (np.nanmax(np.abs(x[1:]), axis=0) > 1e-6)


@lru_cache(maxsize=64)
def reference_first_bifurcation(trend: float, R: float = 1.1, cost: float = 1.0) -> float:
    """The intensity of choice at which the fundamental steady state loses stability, found
    numerically: the smallest beta at which a tiny deviation grows instead of dying out,
    located on ever finer grids of betas in [0, 100]. ``inf`` if it never grows."""
    low, high = 0.0, 100.0
    if not _grows(np.array([high]), trend, R, cost)[0]:
        return math.inf
    for _ in range(4):
        betas = np.linspace(low, high, 101)
        first = int(np.argmax(_grows(betas, trend, R, cost)))
        if first == 0:
            return low
        low, high = betas[first - 1], betas[first]
    return 0.5 * (low + high)


def check_exercise_4(first_bifurcation: Callable[[float, float, float], float]) -> Verdict:
    """``first_bifurcation(trend, R, cost)``: within 0.02 of ln(R / (g - R)) / C; inf when g <= R."""

    def test() -> None:
        expect_type(first_bifurcation, "callable", "first_bifurcation")
        cases = vary({"trend": 1.2, "R": 1.1, "cost": 1.0}, trend=[1.3, 1.05], R=[1.05], cost=[0.5])
        for case in cases:
            got = call(first_bifurcation, *case.values())
            label = "first_bifurcation(" + ", ".join(f"{k}={v}" for k, v in case.items()) + ")"
            got = expect_type(got, "number", label)
            trend, R, cost = case.values()
            want = math.log(R / (trend - R)) / cost if trend > R else math.inf
            if math.isinf(want):
                expect(
                    math.isinf(got),
                    f"{label}: with g <= R even a market of trend chasers is stable, so the answer is math.inf; got {show(got)}",
                )
            else:
                expect(
                    abs(got - want) <= 0.02,
                    f"{label} should be {want:.3f} (within 0.02), got {show(got)}",
                )

    return run_check(
        "Exercise 4 — where the steady state loses stability",
        test,
        hint="Start orbits(betas, 300, trend=..., R=..., cost=..., x0=1e-6) a tiny deviation away from the fundamental "
        "for a whole grid of betas at once, and call a beta unstable if |x| ever exceeds 1e-6 (or becomes inf/NaN). "
        "Take the first unstable beta on np.linspace(0, 100, 101), zoom into the bracket around it and repeat; if "
        "even beta = 100 is stable (g <= R), return math.inf.",
    )


# -- Exercise 5: an ordering rule that beats Sterman's players ----------------------------------------------
def scenario_costs(policy: Callable[[Stage], float]) -> list[float]:
    """The team's total cost over 36 weeks in every scenario of :data:`BEER_SCENARIOS` when all
    four stages order with ``policy``."""
    return [
        total_cost(run(BeerGame(order_policy=policy, rng=seed, **params), 36))
        for _, seed, params in BEER_SCENARIOS
    ]


@lru_cache(maxsize=1)
def _sterman_costs() -> tuple[float, ...]:
    return tuple(scenario_costs(sterman_order))


def check_exercise_5(policy: Callable[[Stage], float]) -> Verdict:
    """An ordering policy cheaper than Sterman's heuristic in every scenario."""

    def test() -> None:
        expect_type(policy, "callable", "your policy")
        probe = BeerGame(rng=0)
        probe.step()
        first = policy(probe.stages[0])
        expect(
            isinstance(first, numbers.Real)
            and not isinstance(first, bool)
            and math.isfinite(first)
            and first >= 0,
            f"the policy should return a number of cases >= 0, got {show(first)}",
        )
        mine = scenario_costs(policy)
        again = scenario_costs(policy)
        expect(
            same(mine, again),
            f"the policy gave different costs in two identical games ({show(mine)} and {show(again)}): "
            "it should decide from the stage it is given, with no randomness of its own",
        )
        reference = _sterman_costs()
        for (name, _, _), cost, sterman in zip(BEER_SCENARIOS, mine, reference, strict=True):
            expect(
                cost < sterman,
                f"in {name} your team's cost is ${cost:,.0f}; Sterman's heuristic costs ${sterman:,.0f} — "
                "yours should be lower in every scenario",
            )

    return run_check(
        "Exercise 5 — an ordering rule that beats the players",
        test,
        hint="Start from Sterman's rule: L^ + alpha_S (S' - S - beta SL). His players weighted the supply line by "
        "0.34; count all of it (beta = 1), raise S' so the desired inventory stays reasonable (about 20 cases), and "
        "correct the gap faster. Do not hard-code the demand: one scenario steps down.",
    )

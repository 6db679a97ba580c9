"""Unit 07 lab checks: each accepts the reference answer, says "not attempted" for a stub,
and rejects realistic wrong answers with a message that names the cause."""

import math
import random

import numpy as np
import pytest

from mesa_models.checks import insensitive_arguments
from mesa_models.dynamics import lab as unit07
from mesa_models.dynamics.beer_game import sterman_order
from mesa_models.dynamics.brock_hommes_fast import orbits
from mesa_models.dynamics.flash_crash import crash_stats
from mesa_models.dynamics.flash_crash_fast import FlashCrashArray
from mesa_models.dynamics.lab import LAB_MARKET, LAB_SECONDS, MAX_FALL, NEWS_DAY


@pytest.fixture(autouse=True)
def no_expectation(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def verdict_of(check, answer):
    return check(answer)


def stub(*args, **kwargs):
    raise NotImplementedError


# -- Exercise 1: a price band --------------------------------------------------------------------
def band_limits(prices, width, window):
    mean = float(np.mean(prices[-window:]))
    return mean * (1 - width / 100), mean * (1 + width / 100)


def band_around_last_price(prices, width, window):  # ignores the window
    return prices[-1] * (1 - width / 100), prices[-1] * (1 + width / 100)


def band_from_the_oldest_prices(prices, width, window):  # the wrong end of the history
    mean = float(np.mean(prices[:window]))
    return mean * (1 - width / 100), mean * (1 + width / 100)


def band_as_fraction(prices, width, window):  # width read as a fraction, not per cent
    mean = float(np.mean(prices[-window:]))
    return mean * (1 - width), mean * (1 + width)


def band_high_low(prices, width, window):  # reversed order
    low, high = band_limits(prices, width, window)
    return high, low


def band_that_sorts(prices, width, window):  # changes its input
    prices.sort()
    return band_limits(prices, width, window)


def band_as_array(prices, width, window):  # one number, not a pair
    return float(np.mean(prices[-window:]))


def test_exercise_1():
    assert unit07.check_exercise_1(band_limits).status == "correct"
    assert unit07.check_exercise_1(stub).status == "not attempted"
    for wrong, words in [
        (band_around_last_price, "band_around_last_price("),
        (band_from_the_oldest_prices, "band_from_the_oldest_prices("),
        (band_as_fraction, "should be"),
        (band_high_low, "should be"),
        (band_that_sorts, "change its input in place"),
        (band_as_array, "should be a tuple or list"),
    ]:
        verdict = unit07.check_exercise_1(wrong)
        assert verdict.status == "incorrect" and words in verdict.message, (wrong.__name__, verdict)


def test_exercise_1_cases_make_every_argument_matter():
    paths = unit07._price_paths()
    base = {"prices": paths["calm"], "width": 1.0, "window": 60}
    assert (
        insensitive_arguments(
            unit07.reference_band,
            base,
            prices=[paths["crash"], paths["short"]],
            width=[0.25, 2.5],
            window=[10, 300],
        )
        == []
    )


# -- Exercise 2: measuring a band --------------------------------------------------------------------
def breaker_report(width, window, seed):
    def limits(prices):
        return band_limits(prices, width, window)

    crash = FlashCrashArray(rng=seed, price_limits=limits, **LAB_MARKET).run_quietly(LAB_SECONDS)
    news = FlashCrashArray(rng=seed, price_limits=limits, **NEWS_DAY).run_quietly(LAB_SECONDS)
    return crash_stats(crash)["drawdown"], crash_stats(news)["band_seconds"]


def report_with_fixed_seed(width, window, seed):  # ignores the seed
    return breaker_report(width, window, 0)


def report_with_global_rng(width, window, seed):  # no seed at all: a fresh random market each time
    def limits(prices):
        return band_limits(prices, width, window)

    crash = FlashCrashArray(
        rng=np.random.randint(10**6), price_limits=limits, **LAB_MARKET
    ).run_quietly(LAB_SECONDS)
    news = FlashCrashArray(
        rng=np.random.randint(10**6), price_limits=limits, **NEWS_DAY
    ).run_quietly(LAB_SECONDS)
    return crash_stats(crash)["drawdown"], crash_stats(news)["band_seconds"]


def report_news_day_twice(width, window, seed):  # measures the fall on the wrong day
    def limits(prices):
        return band_limits(prices, width, window)

    news = crash_stats(
        FlashCrashArray(rng=seed, price_limits=limits, **NEWS_DAY).run_quietly(LAB_SECONDS)
    )
    return news["drawdown"], news["band_seconds"]


def report_without_the_band(width, window, seed):  # forgets to install the band on the crash day
    crash = FlashCrashArray(rng=seed, **LAB_MARKET).run_quietly(LAB_SECONDS)
    return crash_stats(crash)["drawdown"], breaker_report(width, window, seed)[1]


def report_as_dict(width, window, seed):
    fall, seconds = breaker_report(width, window, seed)
    return {"fall": fall, "seconds": seconds}


def test_exercise_2():
    assert unit07.check_exercise_2(breaker_report).status == "correct"
    assert unit07.check_exercise_2(stub).status == "not attempted"
    for wrong, words in [
        (report_with_fixed_seed, "seed=1"),
        (report_with_global_rng, "should be"),
        (report_news_day_twice, "should be"),
        (report_without_the_band, "should be (3.954"),
        (report_as_dict, "should be a tuple or list"),
    ]:
        verdict = unit07.check_exercise_2(wrong)
        assert verdict.status == "incorrect" and words in verdict.message, (wrong.__name__, verdict)


def test_exercise_2_reproducibility_is_checked():
    calls = {"n": 0}

    def drifting(width, window, seed):  # right the first time, then different: hidden state
        calls["n"] += 1
        fall, seconds = unit07.reference_breaker_report(width, window, seed)
        return (fall, seconds) if calls["n"] <= 5 else (fall + random.random(), seconds)

    verdict = unit07.check_exercise_2(drifting)
    assert verdict.status == "incorrect" and "not reproducible" in verdict.message


def test_exercise_2_cases_make_every_argument_matter():
    base = {"width": 1.0, "window": 120, "seed": 0}
    assert (
        insensitive_arguments(
            unit07.reference_breaker_report, base, width=[2.0], window=[30], seed=[1]
        )
        == []
    )


# -- Exercise 3: acceptable bands -------------------------------------------------------------------
def acceptable_bands(widths, windows, seeds):
    return [
        (w, n)
        for w in widths
        for n in windows
        if all(
            f <= MAX_FALL and s == 0
            for f, s in (unit07.reference_breaker_report(w, n, seed) for seed in seeds)
        )
    ]


def first_seed_only(widths, windows, seeds):
    return acceptable_bands(widths, windows, seeds[:1])


def tolerant_of_news(widths, windows, seeds):  # lets the band hold news back for a few seconds
    return [
        (w, n)
        for w in widths
        for n in windows
        if all(
            f <= MAX_FALL and s <= 10
            for f, s in (unit07.reference_breaker_report(w, n, seed) for seed in seeds)
        )
    ]


def crash_only(widths, windows, seeds):  # forgets the news day
    return [
        (w, n)
        for w in widths
        for n in windows
        if all(unit07.reference_breaker_report(w, n, s)[0] <= MAX_FALL for s in seeds)
    ]


def hard_coded(widths, windows, seeds):
    return [(2.0, 300)]


def test_exercise_3():
    assert unit07.check_exercise_3(acceptable_bands).status == "correct"
    assert unit07.check_exercise_3(stub).status == "not attempted"
    for wrong in (first_seed_only, tolerant_of_news, crash_only, hard_coded):
        verdict = unit07.check_exercise_3(wrong)
        assert verdict.status == "incorrect" and "should be" in verdict.message, (
            wrong.__name__,
            verdict,
        )
    verdict = unit07.check_exercise_3(lambda widths, windows, seeds: 2.0)
    assert verdict.status == "incorrect" and "should be a list or tuple" in verdict.message


def test_exercise_3_answers_differ_between_the_grids():
    first = unit07.reference_acceptable_bands([1.0, 2.0, 3.0], [60, 300], [0])
    second = unit07.reference_acceptable_bands([1.5, 2.0], [600], [1, 2])
    assert first and second and first != second
    assert first_seed_only([1.5, 2.0], [600], [1, 2]) != second


# -- Exercise 4: the first bifurcation ------------------------------------------------------------------
def first_bifurcation(trend, R=1.1, cost=1.0):
    return unit07.reference_first_bifurcation(trend, R, cost)


def analytic_without_cost(trend, R=1.1, cost=1.0):  # forgets to divide by the cost
    return math.log(R / (trend - R)) if trend > R else math.inf


def hopf_instead(trend, R=1.1, cost=1.0):  # the second bifurcation, not the first
    from mesa_models.dynamics.brock_hommes_fast import hopf_beta

    return hopf_beta(R, trend, cost) if trend > R else math.inf


def coarse_grid(trend, R=1.1, cost=1.0):  # a grid step of 0.5 and no zoom
    betas = np.arange(0, 100.5, 0.5)
    x = orbits(betas, 300, trend=trend, R=R, cost=cost, x0=1e-6)
    grows = np.nanmax(np.abs(x[1:]), axis=0) > 1e-6
    return float(betas[np.argmax(grows)]) if grows.any() else math.inf


def nan_when_stable(trend, R=1.1, cost=1.0):  # the no-bifurcation branch returns NaN
    value = unit07.reference_first_bifurcation(trend, R, cost)
    return float("nan") if math.isinf(value) else value


def test_exercise_4():
    assert unit07.check_exercise_4(first_bifurcation).status == "correct"
    assert unit07.check_exercise_4(stub).status == "not attempted"
    for wrong, words in [
        (analytic_without_cost, "cost=0.5"),
        (hopf_instead, "should be 2.398"),
        (coarse_grid, "within 0.02"),
        (nan_when_stable, "should be a number, got NaN"),
    ]:
        verdict = unit07.check_exercise_4(wrong)
        assert verdict.status == "incorrect" and words in verdict.message, (wrong.__name__, verdict)
    assert unit07.check_exercise_4(lambda trend: 2.4).status == "error"


# -- Exercise 5: an ordering rule -----------------------------------------------------------------------
def my_order(stage):
    return max(
        0.0, stage.expected_demand + 0.5 * (20.0 - stage.effective_inventory - stage.supply_line)
    )


def order_what_you_are_asked(
    stage,
):  # no bullwhip, but never rebuilds stock: loses in the step down
    return stage.incoming_order


def knows_the_future(stage):  # hard-codes the classic step
    return 8.0


def ignores_the_supply_line(stage):
    return max(0.0, stage.expected_demand + 0.26 * (17 - stage.effective_inventory))


def noisy_orders(stage):  # its own randomness
    return max(0.0, my_order(stage) + random.random())


def negative_orders(stage):
    return stage.expected_demand - stage.effective_inventory


def test_exercise_5():
    assert unit07.check_exercise_5(my_order).status == "correct"
    assert unit07.check_exercise_5(stub).status == "not attempted"
    for wrong, words in [
        (order_what_you_are_asked, "a step down 4 -> 2"),
        (knows_the_future, "a step down 4 -> 2"),
        (ignores_the_supply_line, "the classic step"),
        (noisy_orders, "different costs in two identical games"),
    ]:
        verdict = unit07.check_exercise_5(wrong)
        assert verdict.status == "incorrect" and words in verdict.message, (wrong.__name__, verdict)
    verdict = unit07.check_exercise_5(negative_orders)
    assert verdict.status in ("incorrect", "error") and ">= 0" in verdict.message
    assert unit07.check_exercise_5(lambda stage: "eight").status == "incorrect"


def test_sterman_rule_itself_does_not_pass_exercise_5():
    assert unit07.check_exercise_5(sterman_order).status == "incorrect"

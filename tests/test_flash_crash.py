"""Flash crash and circuit breakers: Mesa model, NumPy engine, the crash and the breakers'
effect over seeds, extension points and bad input."""

import numpy as np
import pytest

from mesa_models import run
from mesa_models.dynamics.flash_crash import (
    FlashCrash,
    crash_stats,
    draw_crash,
    fundamental_thresholds,
    plot_crash_anatomy,
    price_band,
    stop_logic,
)
from mesa_models.dynamics.flash_crash_fast import FlashCrashArray, run_many

SEEDS = range(6)
SECONDS = 1800  # the seller starts at 300 s and is done well before 1800 s


# -- the two engines agree ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"breaker": "pause"}, {"breaker": "band", "breaker_trigger": 1.0, "breaker_window": 300}],
    ids=["no breaker", "pause", "band"],
)
def test_mesa_and_numpy_engines_follow_the_same_trajectory(kwargs):
    mesa_run = run(FlashCrash, 700, rng=3, **kwargs)
    array_run = run(FlashCrashArray, 700, rng=3, **kwargs)
    assert mesa_run.equals(array_run)
    assert mesa_run["price"].min() < 99  # the comparison covers the crash, not just calm trading


def test_quiet_runs_give_the_same_statistics_as_recorded_runs():
    recorded = FlashCrashArray(rng=2, breaker="pause")
    recorded.run_for(900)
    quiet = FlashCrashArray(rng=2, breaker="pause")
    a = crash_stats(recorded.datacollector.get_model_vars_dataframe())
    b = crash_stats(quiet.run_quietly(900))
    assert a.keys() == b.keys()
    assert all(a[k] == b[k] or (np.isnan(a[k]) and np.isnan(b[k])) for k in a)


# -- the published mechanism, over seeds -------------------------------------------------------------
@pytest.fixture(scope="module")
def crash_runs():
    settings = {
        "none": {},
        "pause": {"breaker": "pause"},
        "normal": {"sell_order": 0.0, "breaker": "pause"},
    }
    return run_many(SEEDS, SECONDS, settings).set_index(["setting", "seed"])


def test_the_sell_order_crashes_the_market_and_it_rebounds(crash_runs):
    none = crash_runs.loc["none"]
    assert (none["drawdown"] > 3.0).all(), none["drawdown"].to_dict()
    # the fall comes within minutes of the seller's start (300 s) ...
    assert (none["low_time"] < 300 + 12 * 60).all()
    # ... the 75,000 contracts are sold in about 20 minutes (CFTC-SEC: "in just 20 minutes") ...
    assert none["seller_done"].between(300 + 15 * 60, 300 + 25 * 60).all(), none[
        "seller_done"
    ].to_dict()
    # ... and once they are, the price recovers most of the fall
    assert (none["rebound"] > 0.6).all()


def test_a_trading_pause_limits_the_crash_in_every_seed(crash_runs):
    none, pause = crash_runs.loc["none"], crash_runs.loc["pause"]
    assert (pause["drawdown"] < 2.8).all(), pause["drawdown"].to_dict()
    assert (pause["drawdown"] < none["drawdown"] - 0.5).all()
    assert (pause["halted_seconds"] > 0).all()


def test_normal_trading_is_never_paused(crash_runs):
    normal = crash_runs.loc["normal"]
    assert (normal["drawdown"] < 0.5).all() and (normal["halted_seconds"] == 0).all()


def test_side_effect_a_band_delays_genuine_news():
    # No seller; the value falls 3 % at minute 5. Without breakers the price gets within 0.5 %
    # of the new value in about a minute; a 1 % band around the 5-minute mean holds it back.
    def time_to_reprice(**kwargs):
        times = []
        for seed in range(3):
            model = FlashCrashArray(
                rng=seed, sell_order=0.0, news_time=300, news_shock=-3.0, **kwargs
            )
            price = model.run_quietly(900)["price"].to_numpy()[300:]
            below = np.flatnonzero(price < 97.5)
            times.append(below[0] if len(below) else np.inf)
        return np.array(times)

    free = time_to_reprice()
    banded = time_to_reprice(breaker="band", breaker_trigger=1.0, breaker_window=300)
    assert (free < 150).all()
    assert (banded > 2 * free).all()


# -- components ---------------------------------------------------------------------------------
def test_stop_logic_and_price_band():
    halt = stop_logic(2.0, 60, 5)
    prices = np.full(100, 100.0)
    assert halt(prices, 98.5) == 0 and halt(prices, 97.9) == 5 and halt(prices, 102.1) == 5
    band = price_band(1.0, 10)
    low, high = band(np.r_[np.full(90, 50.0), np.full(10, 100.0)])
    assert (low, high) == pytest.approx((99.0, 101.0))
    assert "price_band" in band.__name__ and "stop_logic" in halt.__name__


def test_fundamental_thresholds_are_spread_evenly():
    assert fundamental_thresholds(4, 2.0).tolist() == [0.5, 1.0, 1.5, 2.0]
    assert fundamental_thresholds(0, 2.0).size == 0


def test_a_pause_halts_trading_and_queues_fundamental_orders():
    model = FlashCrashArray(rng=0, halt_rule=lambda prices, proposed: 3 if len(prices) == 11 else 0)
    model.run_for(20)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["halted"].tolist()[11:14] == [1.0, 1.0, 1.0]
    assert (frame["volume"].iloc[11:14] == 0).all() and frame["price"].iloc[10] == frame[
        "price"
    ].iloc[13]


def test_price_limits_are_respected():
    model = FlashCrashArray(rng=1, price_limits=lambda prices: (99.5, 100.5))
    frame = model.run_quietly(1200)
    assert frame["price"].between(99.5 - 1e-9, 100.5 + 1e-9).all() and frame["band"].sum() > 0


def test_agent_methods_are_overridable():
    from mesa_models.dynamics.flash_crash import TrendFollower

    class Hodler(TrendFollower):
        def target(self, trend):
            return 0.0

    model = FlashCrash(rng=0, n_noise=10, n_trend=3, seller_start=0, sell_order=100.0)
    model.trend_followers = [Hodler(model) for _ in range(3)]
    model.run_for(30)
    assert model.trend_position_total() == 0.0 and model.seller_remaining() < 100.0


def test_crash_stats_and_drawing():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = run(FlashCrashArray, 600, rng=0, breaker="pause", seller_start=60)
    stats = crash_stats(frame)
    assert stats["drawdown"] > 0 and stats["low"] <= stats["final"] + 10
    fig, ax = plt.subplots()
    draw_crash(ax, frame)
    assert "fall" in ax.get_title() and ax.get_xlabel() == "time (minutes)"
    plt.close(fig)
    with pytest.raises(ValueError, match="'price' column"):
        crash_stats(frame.drop(columns="price"))
    anatomy = plot_crash_anatomy(frame, mm_limit=4000, title="anatomy")
    assert len(anatomy.axes) == 3 and anatomy.axes[2].get_xlabel() == "time (minutes)"
    plt.close(anatomy)
    with pytest.raises(ValueError, match="'mm_inventory'"):
        plot_crash_anatomy(frame.drop(columns="mm_inventory"))


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", [FlashCrash, FlashCrashArray])
@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"noise_activity": 1.5}, ValueError, "'noise_activity'"),
        ({"breaker": "sometimes"}, ValueError, "'breaker'"),
        ({"trend_step": 500.0, "trend_limit": 100.0}, ValueError, "'trend_step'"),
        ({"news_time": 100}, ValueError, "'news_shock'"),
        ({"halt_rule": 5}, TypeError, "'halt_rule'"),
        ({"price_limits": "tight"}, TypeError, "'price_limits'"),
        ({"n_noise": 2.5}, TypeError, "'n_noise'"),
    ],
)
def test_bad_input_gives_clear_errors(engine, kwargs, error, words):
    with pytest.raises(error, match=words):
        engine(rng=0, **kwargs)


def test_numpy_scalars_are_accepted():
    model = FlashCrashArray(rng=np.int64(1), n_noise=np.int64(20), fund_gain=np.float64(100.0))
    model.run_for(5)
    assert model.n_noise == 20 and isinstance(model.n_noise, int)


def test_bad_breaker_results_name_the_function():
    def sulky(prices, proposed):
        return "soon"

    model = FlashCrashArray(rng=0, halt_rule=sulky)
    with pytest.raises(ValueError, match="sulky.*'soon'"):
        model.step()

    def upside_down(prices):
        return (101.0, 99.0)

    model = FlashCrashArray(rng=0, price_limits=upside_down)
    with pytest.raises(ValueError, match="upside_down.*low <= high"):
        model.step()


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: stop_logic(0, 60, 5), "'trigger'"),
        (lambda: stop_logic(2.0, 0, 5), "'window'"),
        (lambda: stop_logic(2.0, 60, 0), "'pause'"),
        (lambda: price_band(-1.0, 60), "'width'"),
        (lambda: price_band(1.0, 2.5), "'window'"),
        (lambda: run_many([], 100), "'seeds'"),
        (lambda: run_many([0], 10**9), "'seconds'"),
        (lambda: FlashCrashArray(rng=0).run_quietly(-1), "'seconds'"),
    ],
)
def test_helpers_validate(call, words):
    with pytest.raises(ValueError, match=words):
        call()


@pytest.mark.parametrize("engine", [FlashCrash, FlashCrashArray])
def test_same_seed_same_run(engine):
    a = run(engine, 200, rng=5, seller_start=50)
    b = run(engine, 200, rng=5, seller_start=50)
    c = run(engine, 200, rng=6, seller_start=50)
    assert a.equals(b) and not a.equals(c)

"""Bargaining with private values: Chatterjee & Samuelson's (1983) linear equilibrium trades
iff v_b >= v_s + 1/4 and reaches 27/32 of the first-best gains (Myerson & Satterthwaite's
bound, 9/64 against 1/6); learners leave gains on the table too; engines agree; errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import integrate

from mesa_models.information.bargaining import (
    CS_EFFICIENCY,
    CS_GAINS,
    CS_TRADE_PROBABILITY,
    FIRST_BEST_GAINS,
    DoubleAuction,
    Trader,
    auction_outcome,
    cs_ask,
    cs_bid,
    efficiency_standard_error,
    value_bin,
)
from mesa_models.information.bargaining_fast import MAX_CELLS, greedy_efficiency, simulate_auction

#: CI scale for learners (the lesson and benchmark use exploration_time 2,000 over 10,000 rounds)
LEARN_CI = dict(strategy="learning", exploration_time=1000)


# -- the published numbers -----------------------------------------------------------------------
def test_published_constants_by_integration():
    gains_cs, _ = integrate.dblquad(
        lambda vb, vs: vb - vs, 0, 0.75, lambda vs: vs + 0.25, lambda vs: 1
    )
    gains_fb, _ = integrate.dblquad(lambda vb, vs: vb - vs, 0, 1, lambda vs: vs, lambda vs: 1)
    assert gains_cs == pytest.approx(9 / 64) and CS_GAINS == 9 / 64
    assert gains_fb == pytest.approx(1 / 6) and FIRST_BEST_GAINS == 1 / 6
    assert CS_EFFICIENCY == pytest.approx(27 / 32) and round(CS_EFFICIENCY, 2) == 0.84
    assert CS_TRADE_PROBABILITY == pytest.approx(0.75**2 / 2)


def test_linear_equilibrium_trades_iff_buyer_value_exceeds_seller_value_by_a_quarter():
    rng = np.random.default_rng(0)
    vb, vs = rng.random(200_000), rng.random(200_000)
    trade = auction_outcome(cs_bid(vb), cs_ask(vs), vb, vs)["trade"]
    clear = np.abs(vb - vs - 0.25) > 1e-12
    np.testing.assert_array_equal(trade[clear], (vb - vs >= 0.25)[clear])
    # nobody trades at a loss
    out = auction_outcome(cs_bid(vb), cs_ask(vs), vb, vs)
    assert (out["buyer_payoff"] >= -1e-12).all() and (out["seller_payoff"] >= -1e-12).all()


def test_linear_strategies_are_best_responses():
    # against the rival's linear strategy, a buyer of value v maximises
    # E[(v - (b + a(v_s))/2) 1{b >= a(v_s)}] at b = 2/3 v + 1/12 (grid search)
    bids = np.linspace(0, 1, 4001)
    for v in (0.4, 0.6, 0.9):
        top = np.minimum((bids - 0.25) * 1.5, 1).clip(
            0
        )  # sellers with a(v_s) <= b: v_s <= 1.5 (b - 1/4)
        payoff = top * (v - bids / 2) - 0.5 * (
            2 / 3 * top**2 / 2 + 0.25 * top
        )  # E[price part] over those sellers
        assert bids[payoff.argmax()] == pytest.approx(cs_bid(v), abs=1e-3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_efficiency_and_trade_rate_within_sampling_error(seed):
    runs = simulate_auction(400, seeds=[seed], n_pairs=500, keep_meetings=True)  # 200,000 meetings
    se = runs.standard_error()
    assert abs(runs.efficiency() - CS_EFFICIENCY) < 4 * se, (runs.efficiency(), se)
    n = 200_000
    trade_se = np.sqrt(CS_TRADE_PROBABILITY * (1 - CS_TRADE_PROBABILITY) / n)
    assert abs(runs.trade_rate() - CS_TRADE_PROBABILITY) < 4 * trade_se


def test_truthful_reports_would_be_efficient():
    runs = simulate_auction(50, seeds=[0], n_pairs=200, strategy="truthful")
    assert runs.efficiency() == 1.0
    assert runs.trade_rate() == pytest.approx(0.5, abs=0.02)


@pytest.mark.parametrize("seed", [0, 1])
def test_learners_leave_gains_on_the_table_and_shade_like_the_equilibrium(seed):
    runs = simulate_auction(6000, seeds=[seed], **LEARN_CI)
    greedy = greedy_efficiency(runs, meetings=100_000)
    assert 0.75 < greedy < 0.92, greedy
    assert 0.75 < runs.efficiency(last=1000) < 0.92
    buyers, sellers = runs.policy("buyer").mean(axis=0), runs.policy("seller").mean(axis=0)
    # like v - b(v) = v/3 - 1/12: high-value buyers and low-value sellers shade most
    assert buyers[-1] > 0.1 and buyers[-1] > buyers[2] > buyers[0]
    assert sellers[0] > 0.1 and sellers[0] > sellers[2] > sellers[-1]


def test_standard_error_of_a_ratio():
    rng = np.random.default_rng(1)
    first = rng.random(10_000)
    assert efficiency_standard_error(first, first) == pytest.approx(0, abs=1e-12)
    assert 0 < efficiency_standard_error(first * (rng.random(10_000) < 0.5), first) < 0.02


# -- two engines, one truth ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"strategy": "truthful", "n_pairs": 7},
        {
            "strategy": "learning",
            "n_pairs": 12,
            "exploration_time": 40,
            "value_bins": 3,
            "shading_levels": 6,
        },
    ],
)
def test_numpy_engine_matches_mesa_round_for_round(params):
    model = DoubleAuction(rng=3, **params)
    model.run_for(150)
    runs = simulate_auction(150, seeds=[3], **params)
    history = np.array(model.history)
    np.testing.assert_array_equal(history[:, 0], runs.gains[0])
    np.testing.assert_array_equal(history[:, 1], runs.first_best[0])
    np.testing.assert_array_equal(history[:, 2], runs.trades[0])
    np.testing.assert_array_equal(
        np.array([b.estimate for b in model.buyers]), runs.buyer_estimate[0]
    )
    np.testing.assert_array_equal(
        np.array([s.estimate for s in model.sellers]), runs.seller_estimate[0]
    )
    if params.get("strategy") == "learning":
        np.testing.assert_array_equal(model.policy("seller"), runs.policy("seller"))


def test_same_seed_same_run():
    a, b, c = (DoubleAuction(rng=s, strategy="learning", n_pairs=5) for s in (1, 1, 2))
    for m in (a, b, c):
        m.run_for(30)
    assert a.history == b.history and a.history != c.history


def test_reporters_and_drawing():
    model = DoubleAuction(rng=0, n_pairs=100)
    fig, (left, right) = plt.subplots(1, 2)
    model.draw_state(left)
    model.run_for(20)
    frame = model.datacollector.get_model_vars_dataframe()
    assert 0.7 < frame["efficiency"].iloc[-1] < 0.95
    assert frame["buyer_shading"].iloc[-1] == pytest.approx(
        np.mean(model.last["buyer_values"] - [b.offer_price for b in model.buyers])
    )
    model.draw_state(right)
    assert "missed" in right.get_title()
    plt.close(fig)
    assert 0 < model.overall_efficiency() < 1


# -- extension points ------------------------------------------------------------------------
def test_injected_bid_and_ask_rules_replace_the_strategy():
    model = DoubleAuction(rng=0, n_pairs=50, bid_rule=lambda v: v, ask_rule=lambda v: v)
    model.run_for(10)
    assert model.overall_efficiency() == 1.0
    only_buyers = DoubleAuction(rng=0, n_pairs=50, bid_rule=lambda v: 0.0)
    only_buyers.run_for(5)
    assert only_buyers.overall_efficiency() == 0.0


def test_trader_subclass_changes_behaviour():
    class Greedy(Trader):
        def offer(self, value, explore, random_level):
            return value - 0.3 if self.role == "buyer" else value + 0.3

    class Market(DoubleAuction):
        trader_class = Greedy

    model = Market(rng=0, n_pairs=100)
    model.run_for(20)
    assert model.overall_efficiency() < CS_EFFICIENCY - 0.1


def test_value_bins():
    np.testing.assert_array_equal(
        value_bin(np.array([0.0, 0.19, 0.2, 0.999, 1.0]), 5), [0, 0, 1, 4, 4]
    )


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"n_pairs": 0}, ValueError, "'n_pairs' got 0"),
        ({"strategy": "greedy"}, ValueError, "'strategy' got 'greedy'"),
        ({"max_shading": 0}, ValueError, "'max_shading' got 0"),
        ({"shading_levels": 1}, ValueError, "'shading_levels' got 1"),
        ({"learning_rate": 1.5}, ValueError, "'learning_rate' got 1.5"),
        ({"bid_rule": 0.5}, TypeError, "'bid_rule' got 0.5"),
        ({"ask_rule": "v"}, TypeError, "'ask_rule' got 'v'"),
        ({"rng": -3}, ValueError, "'rng' got -3"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        DoubleAuction(**{"rng": 0, **kwargs})


def test_bad_strategy_results_name_the_rule():
    def lazy(value):
        return None

    with pytest.raises(ValueError, match="bid rule 'lazy' returned None for value"):
        DoubleAuction(rng=0, n_pairs=3, bid_rule=lazy).step()

    def infinite(value):
        return float("inf")

    with pytest.raises(ValueError, match="ask rule 'infinite' returned inf"):
        DoubleAuction(rng=0, n_pairs=3, ask_rule=infinite).step()


def test_numpy_scalars_are_accepted():
    model = DoubleAuction(
        rng=np.int64(2), n_pairs=np.int64(4), max_shading=np.float64(0.3), strategy="learning"
    )
    model.step()
    runs = simulate_auction(np.int64(3), seeds=np.arange(2), n_pairs=np.int64(4))
    assert runs.gains.shape == (2, 3)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: simulate_auction(0), ValueError, "'rounds' got 0"),
        (lambda: simulate_auction(10, seeds=[]), ValueError, "'seeds' is empty"),
        (lambda: simulate_auction(10, seeds=[1.5]), TypeError, "'seeds' got 1.5"),
        (lambda: simulate_auction(10, strategy="honest"), ValueError, "'strategy' got 'honest'"),
        (lambda: simulate_auction(10**6, n_pairs=1000, keep_meetings=True), ValueError, r"GB\)"),
        (lambda: simulate_auction(5).standard_error(), ValueError, "keep_meetings=True"),
        (lambda: simulate_auction(5).efficiency(last=9), ValueError, "'last' got 9"),
        (lambda: greedy_efficiency(simulate_auction(5)), ValueError, "strategy='learning'"),
        (
            lambda: greedy_efficiency(simulate_auction(5, strategy="learning"), meetings=0),
            ValueError,
            "'meetings' got 0",
        ),
        (lambda: simulate_auction(5).policy("broker"), ValueError, "'role' got 'broker'"),
        (lambda: DoubleAuction(rng=0).policy("broker"), ValueError, "'role' got 'broker'"),
        (lambda: efficiency_standard_error([1.0], [1.0]), ValueError, "'gains'"),
    ],
)
def test_fast_engine_and_helpers_validate(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_memory_refusal_names_the_size():
    with pytest.raises(ValueError) as info:
        simulate_auction(1000, seeds=range(10), n_pairs=100_000, keep_meetings=True)
    assert f"{MAX_CELLS:,}" in str(info.value) and "GB" in str(info.value)


def test_too_big_for_the_mesa_model_is_refused_with_its_size():
    with pytest.raises(ValueError, match=r"'n_pairs' got 20000.*MB.*simulate_auction"):
        DoubleAuction(rng=0, n_pairs=20_000)

"""Akerlof's (1970) market for lemons: the market unravels without information, a certifier
or a warranty restores it, the Mesa model and the NumPy engine agree run for run, errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mesa_models import run
from mesa_models.information.lemons import (
    LemonsMarket,
    akerlof_price_path,
    face_value_beliefs,
    grade_of,
    pay_expected_value,
    sell_if_worth_it,
)
from mesa_models.information.lemons_fast import simulate_lemons, sweep_lemons

SEEDS = range(5)


# -- Akerlof's example --------------------------------------------------------------------------
def test_akerlof_price_path_is_three_quarters_per_period():
    path = akerlof_price_path(10)
    np.testing.assert_allclose(path, 1.5 * 0.75 ** np.arange(11))
    # "no traffic will take place at all": no price is a fixed point with trade
    prices = np.linspace(0.01, 3, 300)
    assert (1.5 * np.minimum(prices, 2) / 2 < prices).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_market_unravels_volume_and_quality_fall_towards_zero(seed):
    frame = run(LemonsMarket, 20, rng=seed)
    volume, quality, price = frame["volume"], frame["offered_quality"], frame["price"]
    assert volume[1] > 0.65  # at the first price (1.5) three quarters of the cars are offered
    assert volume[1] > volume[5] > volume[10] and volume[20] < 0.01
    assert quality[1] > 0.6 and (quality[15:].isna() | (quality[15:] < 0.05)).all()
    # period t trades at p_(t-1) = 1.5 (3/4)^(t-1), within sampling error while trade is thick
    np.testing.assert_allclose(price[1:7], akerlof_price_path(5), atol=0.06)
    assert frame["efficiency"][20] < 0.001


def test_with_symmetric_information_every_car_trades():
    # a perfect certifier with very fine grades: everyone knows the quality, nothing unravels
    runs = simulate_lemons(20, seeds=SEEDS, grades=50, certifier_accuracy=1.0)
    assert runs.late("volume").min() > 0.97 and runs.late("efficiency").min() > 0.999


def test_perfect_certifier_with_k_grades_loses_only_the_bottom_grade():
    # a grade [l, h] trades fully when 1.5 (l + h)/2 >= h, i.e. h <= 3l: every grade but the lowest
    for grades in (2, 4, 8):
        runs = simulate_lemons(30, seeds=SEEDS, grades=grades, certifier_accuracy=1.0)
        assert runs.late("volume").mean() == pytest.approx(1 - 1 / grades, abs=0.01)
        assert runs.late("efficiency").mean() == pytest.approx(1 - 1 / grades**2, abs=0.01)


def test_volume_and_welfare_rise_with_certifier_accuracy():
    table = sweep_lemons(
        "certifier_accuracy", [0.0, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0], 30, seeds=SEEDS, grades=4
    )
    assert (table.loc[[0.0, 0.2, 0.3], "volume"] < 0.01).all()
    assert (table.loc[[0.5, 0.7, 0.9, 1.0], "volume"] > 0.6).all()
    above = table.loc[[0.5, 0.7, 0.9, 1.0]]
    assert above["volume"].is_monotonic_increasing and above["welfare"].is_monotonic_increasing


def test_inspection_costs_lower_welfare_not_trade():
    free = simulate_lemons(30, seeds=SEEDS, grades=4, certifier_accuracy=0.8)
    costly = simulate_lemons(
        30, seeds=SEEDS, grades=4, certifier_accuracy=0.8, certification_cost=0.1
    )
    np.testing.assert_array_equal(free.volume, costly.volume)
    # cost 0.1 per car against first-best gains of 0.5 per car: welfare falls by about 0.2
    assert (free.late("welfare") - costly.late("welfare")).mean() == pytest.approx(0.2, abs=0.01)


def test_full_warranty_restores_trade_a_weak_one_does_not():
    full = simulate_lemons(30, seeds=SEEDS, warranty=1.0)
    weak = simulate_lemons(30, seeds=SEEDS, warranty=0.25)
    assert full.late("volume").min() > 0.99 and full.late("efficiency").min() > 0.99
    assert weak.late("volume").max() < 0.05


def test_slow_learners_unravel_too_only_later():
    fast = simulate_lemons(80, seeds=SEEDS)
    slow = simulate_lemons(80, seeds=SEEDS, learning_rate=0.3)
    assert slow.volume[:, 10].mean() > fast.volume[:, 10].mean()
    assert slow.late("volume").max() < 0.02


# -- two engines, one truth ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"grades": 4, "certifier_accuracy": 0.6, "certification_cost": 0.05},
        {"warranty": 0.7, "n_sellers": 200},
        {
            "learning_rate": 0.4,
            "premium": 2.0,
            "initial_belief": 0.5,
            "grades": 3,
            "certifier_accuracy": 0.9,
        },
    ],
)
def test_numpy_engine_matches_mesa_run_for_run(params):
    for seed in (0, 7):
        mesa_frame = run(LemonsMarket, 15, rng=seed, **params)
        fast_frame = simulate_lemons(15, seeds=[seed], **params).frame(0)
        np.testing.assert_array_equal(mesa_frame.to_numpy(), fast_frame.to_numpy())
        assert list(mesa_frame.columns) == list(fast_frame.columns)


def test_same_seed_same_run_other_seed_other_run():
    a, b, c = (run(LemonsMarket, 8, rng=s, n_sellers=100) for s in (3, 3, 4))
    assert a.equals(b) and not a.equals(c)


# -- building blocks and extension points ---------------------------------------------------
def test_grades_and_face_values():
    np.testing.assert_array_equal(
        grade_of(np.array([0.0, 0.49, 0.5, 1.99, 2.0]), 4), [0, 0, 1, 3, 3]
    )
    np.testing.assert_allclose(
        face_value_beliefs(4, 1.5, 1.0), 1.5 * np.array([0.25, 0.75, 1.25, 1.75])
    )
    np.testing.assert_allclose(face_value_beliefs(1, 1.5, 0.8), [1.2])


def test_injected_rules_change_behaviour():
    # sellers who never sell: no trade at all
    never = run(LemonsMarket, 3, rng=0, n_sellers=50, sell_rule=lambda seller, net: False)
    assert (never["volume"][1:] == 0).all()
    # buyers who always pay 2 (the top quality): every car sells, whatever the learning
    rich = run(LemonsMarket, 3, rng=0, n_sellers=50, price_rule=lambda buyers, grade: 2.0)
    assert (rich["volume"][1:] == 1).all()
    assert sell_if_worth_it(type("S", (), {"quality": 0.5})(), 0.5) is True
    assert pay_expected_value(LemonsMarket(rng=0, n_sellers=5).buyers, 0) == 1.5


class CautiousBuyers(LemonsMarket.buyers_class):
    def learn(self, certificate, value, sold):  # never update: prices stay at the first estimate
        pass


def test_subclassing_buyers():
    class Market(LemonsMarket):
        buyers_class = CautiousBuyers

    frame = run(Market, 5, rng=0, n_sellers=200)
    assert (frame["price"] == 1.5).all()


def test_draw_state_before_and_after_trading():
    model = LemonsMarket(rng=0, n_sellers=100, grades=3, certifier_accuracy=0.5)
    fig, (a, b) = plt.subplots(1, 2)
    model.draw_state(a)
    model.step()
    model.draw_state(b)
    assert "sold" in b.get_title()
    plt.close(fig)


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"n_sellers": 0}, ValueError, "'n_sellers' got 0"),
        ({"premium": 0.5}, ValueError, "'premium' got 0.5"),
        ({"learning_rate": 0}, ValueError, "'learning_rate' got 0"),
        ({"certifier_accuracy": 1.5, "grades": 4}, ValueError, "'certifier_accuracy' got 1.5"),
        ({"certifier_accuracy": 0.5}, ValueError, "grades >= 2"),
        ({"certification_cost": 0.1}, ValueError, "'certification_cost' got 0.1"),
        ({"grades": 2.5}, TypeError, "'grades' got 2.5"),
        ({"warranty": "yes"}, TypeError, "'warranty' got 'yes'"),
        ({"sell_rule": 3}, TypeError, "'sell_rule' got 3"),
        ({"price_rule": "high"}, TypeError, "'price_rule'"),
        ({"n_seller": 10}, TypeError, "Did you mean 'n_sellers'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        LemonsMarket(rng=0, **kwargs)


def test_numpy_scalars_are_accepted():
    model = LemonsMarket(
        rng=np.int64(1),
        n_sellers=np.int64(20),
        grades=np.int64(3),
        certifier_accuracy=np.float64(0.5),
    )
    model.step()
    assert model.n_sellers == 20 and isinstance(model.n_sellers, int)
    runs = simulate_lemons(np.int64(3), seeds=[np.int64(1)], n_sellers=np.int64(20))
    assert runs.volume.shape == (1, 4)


def test_bad_rule_results_name_the_rule():
    def maybe(seller, net):
        return "maybe"

    with pytest.raises(ValueError, match="sell rule 'maybe' returned 'maybe'"):
        LemonsMarket(rng=0, n_sellers=5, sell_rule=maybe).step()

    def negative(buyers, grade):
        return -1.0

    with pytest.raises(
        ValueError, match="price rule 'negative' returned -1.0 for grade 0; allowed"
    ):
        LemonsMarket(rng=0, n_sellers=5, price_rule=negative).step()


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: simulate_lemons(-1), ValueError, "'periods' got -1"),
        (lambda: simulate_lemons(10**6), ValueError, "'periods' got 1000000"),
        (lambda: simulate_lemons(2.5), TypeError, "'periods' got 2.5"),
        (lambda: simulate_lemons(5, seeds=[]), ValueError, "'seeds' is empty"),
        (lambda: simulate_lemons(5, seeds=["a"]), TypeError, "'seeds' got 'a'"),
        (lambda: simulate_lemons(5, seeds=[-1]), ValueError, "'seeds' got -1"),
        (
            lambda: simulate_lemons(5, grades=1, certifier_accuracy=0.3),
            ValueError,
            "'certifier_accuracy' got 0.3",
        ),
        (lambda: simulate_lemons(5, greades=3), TypeError, "Did you mean 'grades'"),
        (lambda: sweep_lemons("accuracy", [0.1], 5), ValueError, "'name' got 'accuracy'"),
        (lambda: sweep_lemons("warranty", [], 5), ValueError, "'values'"),
        (lambda: sweep_lemons("warranty", [0.1], 5, warranty=0.2), TypeError, "swept"),
        (lambda: simulate_lemons(5).late("price", 0), ValueError, "'last' got 0"),
        (lambda: simulate_lemons(5).late("prices"), ValueError, "'column' got 'prices'"),
        (lambda: simulate_lemons(5).frame(3), ValueError, "'run' got 3"),
        (lambda: akerlof_price_path(-2), ValueError, "'periods' got -2"),
    ],
)
def test_fast_engine_and_helpers_validate(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_too_big_for_the_mesa_model_is_refused_with_its_size():
    with pytest.raises(ValueError, match=r"'n_sellers' got 200000.*MB.*simulate_lemons"):
        LemonsMarket(rng=0, n_sellers=200_000)

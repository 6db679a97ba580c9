"""Adversarial third-agent evaluation: the customer's surplus, the paired test (against SciPy),
detection power rising with the number of scenarios and the size of the degradation (several
seeds), the false-alarm rate, the noncentral-t prediction, learned Calvano agents as a system
under test, the CI model, determinism and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from mesa_models import run
from mesa_models.collusion import Market, simulate
from mesa_models.governance.third_party import (
    LearnedPricingSystem,
    PricingSystem,
    Scenario,
    ThirdPartyEvaluation,
    consumer_surplus,
    detection_power,
    draw_scenarios,
    evaluate_change,
    power_prediction,
)

MARKET = Market()


def test_consumer_surplus_is_the_logit_formula():
    prices = np.array([[1.5, 1.6], [1.9, 1.9]])
    direct = 0.25 * np.log(np.exp((2 - prices) / 0.25).sum(axis=1) + 1.0)
    assert consumer_surplus(MARKET, prices) == pytest.approx(direct)
    assert consumer_surplus(MARKET, prices, quality=2.1)[0] > consumer_surplus(MARKET, prices)[0]
    nash, monopoly = (np.full(2, p) for p in (MARKET.nash_price, MARKET.monopoly_price))
    assert consumer_surplus(MARKET, nash) > consumer_surplus(MARKET, monopoly)


def test_the_paired_test_is_scipys():
    scenarios = draw_scenarios(12, 3)
    old, new = PricingSystem(0.0), PricingSystem(0.01)
    result = evaluate_change(old, new, scenarios, 5)
    old_rng, new_rng = np.random.default_rng(5).spawn(2)
    a = np.array([old(s, old_rng) for s in scenarios])
    b = np.array([new(s, new_rng) for s in scenarios])
    test = stats.ttest_rel(b, a, alternative="less")
    assert result["t"] == pytest.approx(test.statistic)
    assert result["flagged"] == (test.pvalue < 0.05)
    assert result["mean_difference"] == pytest.approx((b - a).mean())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_detection_power_increases_with_the_number_of_scenarios(seed):
    old, new = PricingSystem(0.0), PricingSystem(0.02)
    power = [detection_power(old, new, s, 120, rng=seed) for s in (2, 5, 10, 20)]
    assert all(b > a for a, b in zip(power, power[1:], strict=False)), power
    assert power[0] < 0.4 and power[-1] > 0.8


@pytest.mark.parametrize("seed", [3, 4])
def test_subtler_degradations_are_harder_to_catch(seed):
    old = PricingSystem(0.0)
    power = [detection_power(old, PricingSystem(d), 5, 120, rng=seed) for d in (0.01, 0.02, 0.05)]
    assert power[0] < power[1] < power[2]


@pytest.mark.parametrize("seed", [5, 6])
def test_false_alarms_stay_near_alpha(seed):
    rate = detection_power(PricingSystem(0.0), PricingSystem(0.0), 8, 400, rng=seed)
    assert abs(rate - 0.05) < 3 * math.sqrt(0.05 * 0.95 / 400)
    improvement = detection_power(PricingSystem(0.05), PricingSystem(0.0), 8, 100, rng=seed)
    assert improvement == 0.0  # one-sided: an improvement is never flagged


def test_power_follows_the_noncentral_t():
    old, new = PricingSystem(0.0), PricingSystem(0.02)
    diffs = evaluate_change(old, new, draw_scenarios(3000, 9), 9)["differences"]
    effect = diffs.mean() / diffs.std(ddof=1)
    for s in (3, 10):
        simulated = detection_power(old, new, s, 300, rng=s)
        assert simulated == pytest.approx(power_prediction(effect, s), abs=0.09)
    assert power_prediction(0.0, 10) == pytest.approx(0.05)


@pytest.fixture(scope="module")
def learned():
    """Learned Calvano sessions at a reduced scale (beta = 2e-4; the lesson runs the paper's 4e-6)."""
    return {
        d: simulate(3, beta=2e-4, convergence_window=5000, delta=d, progress=False)
        for d in (0.0, 0.95)
    }


def test_learned_agents_as_a_system_under_test(learned):
    batch = learned[0.95]
    system = LearnedPricingSystem(batch, 0, exploration=0.0)
    cycle = batch.cycles()[0]
    prices = system.prices(Scenario(2.0, len(cycle) * 3, 0), np.random.default_rng(0))
    assert sorted(map(tuple, np.round(prices, 9))) == sorted(
        map(tuple, np.round(np.tile(batch.market.prices[cycle], (3, 1)), 9))
    )
    surplus = system(Scenario(2.0, 10, 0), np.random.default_rng(0))
    first = system.prices(Scenario(2.0, 10, 0), np.random.default_rng(0))
    longer = system.prices(Scenario(2.0, 30, 0), np.random.default_rng(5))
    assert np.array_equal(first, longer[:10])  # no exploration: the same deterministic path
    assert surplus == pytest.approx(consumer_surplus(batch.market, first).mean())
    again = LearnedPricingSystem(batch, 0, exploration=0.3)
    x = again(Scenario(2.0, 20, 0), np.random.default_rng(1))
    assert x == again(Scenario(2.0, 20, 0), np.random.default_rng(1))


def test_ci_model_counts_and_determinism():
    a, b, c = (run(ThirdPartyEvaluation, 40, rng=s) for s in (1, 1, 2))
    assert a.equals(b) and not a.equals(c)
    last = a.iloc[-1]
    assert last["scenarios_run"] == 400
    frame = run(ThirdPartyEvaluation, 60, rng=3, degradation=0.2)
    assert frame["detection_rate"].iloc[-1] == 1.0 and frame["shipped_degradations"].iloc[-1] == 0


def test_extension_points():
    def always(old, new, scenarios, rng):
        return True

    frame = run(ThirdPartyEvaluation, 20, rng=1, evaluator_rule=always)
    assert frame["false_alarm_rate"].iloc[-1] == 1.0
    with pytest.raises(ValueError, match="evaluator rule 'maybe'"):

        def maybe(old, new, scenarios, rng):
            return 0.5

        ThirdPartyEvaluation(rng=1, evaluator_rule=maybe).step()
    frame = run(
        ThirdPartyEvaluation, 20, rng=1, system_factory=lambda d: PricingSystem(d, exploration=0.3)
    )
    assert len(frame) == 21
    with pytest.raises(TypeError, match="system_factory"):
        ThirdPartyEvaluation(system_factory=3)


def test_bad_input():
    old = PricingSystem(0.0)
    with pytest.raises(ValueError, match="'scenarios'"):
        evaluate_change(old, old, draw_scenarios(2, 1)[:1])
    with pytest.raises(TypeError, match="'new'"):
        evaluate_change(old, "new", draw_scenarios(3, 1))
    with pytest.raises(ValueError, match="new system 'broken'"):

        def broken(scenario, rng):
            return math.nan

        evaluate_change(old, broken, draw_scenarios(3, 1))
    with pytest.raises(ValueError, match="'alpha'"):
        evaluate_change(old, old, draw_scenarios(3, 1), alpha=0.7)
    with pytest.raises(ValueError, match="'degradation'"):
        PricingSystem(-0.1)
    with pytest.raises(ValueError, match="'n_scenarios'"):
        ThirdPartyEvaluation(n_scenarios=1)
    with pytest.raises(ValueError, match="'repeats'"):
        detection_power(old, old, 10_000, 100_000)
    with pytest.raises(TypeError, match="'market'"):
        consumer_surplus("market", [1.0, 2.0])
    assert draw_scenarios(np.int64(3), np.int64(1)) == draw_scenarios(3, 1)

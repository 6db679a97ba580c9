"""Every number the Unit 03 lesson's prose states, recomputed with the lesson's seeds and
rounded as the prose rounds it (lessons/03_collusion.ipynb)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesa_models.collusion.calvano import Market
from mesa_models.collusion.calvano_fast import simulate
from mesa_models.running import run
from mesa_models.collusion.secret_tools import SecretToolsModel

MARKET = Market()
LESSON_SCALE = dict(beta=1e-4, convergence_window=10_000)  # as stated in the lesson, Section 3


@pytest.fixture(scope="module")
def batch():
    return simulate(seeds=range(12), **LESSON_SCALE)


def test_section1_benchmarks():
    assert f"{MARKET.nash_price:.3f}" == "1.473"
    assert f"{MARKET.monopoly_price:.3f}" == "1.925"
    assert f"{MARKET.nash_profit:.3f}" == "0.223"
    assert f"{MARKET.monopoly_profit:.3f}" == "0.337"


def test_section3_batch(batch):
    gains = batch.profit_gain()
    prices = batch.converged_prices()
    assert batch.converged.sum() == 12
    assert round(batch.convergence_time.mean(), -4) == 90_000  # "about 90,000 periods"
    assert f"{gains.mean():.2f}" == "0.72"
    assert f"{gains.min():.2f}" == "0.68" and f"{gains.max():.2f}" == "0.79"
    assert ((prices > MARKET.nash_price) & (prices < MARKET.monopoly_price)).all(axis=1).sum() == 12


def test_section4_impulse_response(batch):
    before = 3
    irf = batch.impulse_responses(firm=0, before=before, after=15).mean(axis=0)
    pre = irf[:before].mean(axis=0)
    assert f"{pre[0]:.2f}" == "1.71" and f"{pre[1]:.2f}" == "1.71"
    assert f"{irf[before, 0]:.2f}" == "1.58"
    assert f"{pre[1] - irf[before + 1, 1]:.2f}" == "0.09"
    assert f"{irf[-5:, 0].mean():.2f}" == "1.69" and f"{irf[-5:, 1].mean():.2f}" == "1.69"
    assert irf[before + 1, 0] < pre[0]  # "the deviator cuts too"


def test_section5_consumer_surplus(batch):
    def consumer_surplus(prices):
        prices = np.asarray(prices)
        return MARKET.mu * np.log(np.exp((MARKET.a - prices) / MARKET.mu).sum(axis=-1) + np.exp(MARKET.a0 / MARKET.mu))

    cs_nash = consumer_surplus([MARKET.nash_price] * 2)
    cs_learned = np.mean([consumer_surplus(MARKET.prices[c]).mean() for c in batch.cycles()])
    assert f"{1 - cs_learned / cs_nash:.0%}" == "30%"


def test_section6_secret_tools():
    rows = []
    for announced in (False, True):
        for p in (0.0, 0.1, 0.2, 0.3, 0.5, 0.8):
            for seed in range(4):
                late = run(SecretToolsModel, 200, rng=seed, audit_prob=p, audit_announced=announced).iloc[101:]
                rows.append({"announced": announced, "audit_prob": p, "covert_rate": late["covert_rate"].mean(),
                             "social_cost": late["social_cost"].mean()})
    audits = pd.DataFrame(rows).groupby(["announced", "audit_prob"]).mean()
    hidden, told = audits.loc[False], audits.loc[True]
    assert f"{hidden.loc[0.0, 'covert_rate']:.2f}" == "1.00"
    assert f"{hidden.loc[0.5, 'covert_rate']:.2f}" == "0.03"
    assert hidden["covert_rate"].is_monotonic_decreasing  # "the rate falls as p rises"
    assert f"{hidden.loc[0.0, 'social_cost']:.1f}" == "4.0"
    assert f"{hidden.loc[0.5, 'social_cost']:.2f}" == "0.27"
    assert f"{hidden.loc[0.8, 'social_cost']:.2f}" == "0.28"
    assert f"{told.loc[0.5, 'covert_rate']:.2f}" == "0.51"
    steg = np.mean([run(SecretToolsModel, 200, rng=s, audit_prob=0.5, detection=0.2).iloc[101:]["covert_rate"].mean()
                    for s in range(4)])
    assert f"{steg:.2f}" == "0.93"
    no_tool = np.mean([run(SecretToolsModel, 200, rng=s, tool_granted=False).iloc[101:]["harm"].mean() for s in range(4)])
    assert f"{no_tool:.2f}" == "0.00"

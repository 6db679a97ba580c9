"""Every number the Unit 03 lesson's prose states, recomputed with the lesson's seeds and
rounded as the prose rounds it (lessons/03_collusion.ipynb). The Calvano sessions run at
the paper's scale (beta = 4e-6, 100,000-period convergence rule), as in the lesson; the
1,000-session figures quoted from the benchmark are recomputed by an opt-in slow test
(``RISKLAB_SLOW=1``)."""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from mesa_models.collusion.calvano import Market
from mesa_models.collusion.calvano_fast import simulate
from mesa_models.collusion.lab import SESSION_SEEDS, lab_batch
from mesa_models.collusion.secret_tools import SecretToolsModel
from mesa_models.running import run

MARKET = Market()
SEEDS = SESSION_SEEDS  # the lesson's sessions (and the lab's, for each discount factor): seeds 0-49


def sessions(delta: float = 0.95, **schedule):
    """The lesson's (and the lab's) sessions, cached and shared with the other Unit 03 tests."""
    if not schedule:
        return lab_batch(delta, SEEDS)
    return _sped_up(delta, tuple(sorted(schedule.items())))


@lru_cache(maxsize=None)
def _sped_up(delta: float, schedule: tuple):
    return simulate(seeds=SEEDS, delta=delta, **dict(schedule))


def test_section1_benchmarks():
    assert f"{MARKET.nash_price:.3f}" == "1.473"
    assert f"{MARKET.monopoly_price:.3f}" == "1.925"
    assert f"{MARKET.nash_profit:.3f}" == "0.223"
    assert f"{MARKET.monopoly_profit:.3f}" == "0.337"


def test_section2_one_session_at_the_papers_scale():
    session = simulate(seeds=[0])
    assert session.converged[0] and f"{session.periods[0]:,}" == "1,656,034"
    assert f"{session.profit_gain()[0]:.2f}" == "0.87"
    assert (
        session.converged_prices()[0].min() > MARKET.nash_price + 0.25
    )  # "well above the Nash price"


def test_section2_a_sped_up_schedule_hides_the_effect_of_patience():
    fast = [
        sessions(d, beta=1e-4, convergence_window=10_000).profit_gain().mean()
        for d in (0.0, 0.5, 0.95)
    ]
    assert [f"{g:.2f}" for g in fast] == ["0.40", "0.62", "0.71"]
    full = [sessions(d).profit_gain().mean() for d in (0.0, 0.5, 0.95)]
    assert [f"{g:.2f}" for g in full] == ["0.24", "0.19", "0.84"]


def test_section3_batch():
    batch = sessions()
    gains = batch.profit_gain()
    prices = batch.converged_prices()
    assert batch.converged.sum() == 50
    assert f"{batch.convergence_time.mean() / 1e6:.1f}" == "1.8"  # "about 1.8 million periods"
    assert f"{gains.mean():.2f}" == "0.84" and f"{gains.std(ddof=1):.2f}" == "0.12"
    assert f"{gains.min():.2f}" == "0.53" and f"{gains.max():.2f}" == "1.00"
    above = (prices > MARKET.nash_price).all(axis=1)
    assert above.sum() == 50
    assert (above & (prices < MARKET.monopoly_price).all(axis=1)).sum() == 45


def test_section4_impulse_response():
    batch = sessions()
    before = 3
    irf = batch.impulse_responses(firm=0, before=before, after=15).mean(axis=0)
    pre = irf[:before].mean(axis=0)
    assert f"{pre[0]:.2f}" == "1.79" and f"{pre[1]:.2f}" == "1.79"  # "about 1.79"
    assert f"{irf[before, 0]:.2f}" == "1.61"
    assert f"{pre[1] - irf[before + 1, 1]:.2f}" == "0.22"
    assert irf[before + 1, 0] < pre[0]  # "the deviator cuts too"
    assert f"{irf[-5:, 0].mean():.2f}" == "1.79" and f"{irf[-5:, 1].mean():.2f}" == "1.79"
    back = np.abs(irf[before + 1 :] - pre).max(axis=1) < 0.05
    assert back[9:].all()  # "within ten periods"
    assert batch.punishes().sum() == 42


def test_section4_myopic_firms():
    myopic = sessions(0.0)
    assert myopic.punishes().sum() == 0  # "none passes the punishment test"
    assert f"{myopic.profit_gain().mean():.2f}" == "0.24"


def test_section5_learning_time_and_consumer_surplus():
    batch = sessions()

    def consumer_surplus(prices):
        prices = np.asarray(prices)
        return MARKET.mu * np.log(
            np.exp((MARKET.a - prices) / MARKET.mu).sum(axis=-1) + np.exp(MARKET.a0 / MARKET.mu)
        )

    cs_nash = consumer_surplus([MARKET.nash_price] * 2)
    cs_learned = np.mean([consumer_surplus(MARKET.prices[c]).mean() for c in batch.cycles()])
    assert f"{1 - cs_learned / cs_nash:.0%}" == "39%"


@pytest.mark.skipif(
    os.environ.get("RISKLAB_SLOW") != "1",
    reason="1,000 sessions at the paper's scale (set RISKLAB_SLOW=1)",
)
def test_section3_benchmark_figures_from_1000_sessions():
    batch = simulate(1000, workers=2)
    gains = batch.profit_gain()
    assert f"{gains.mean():.3f}" == "0.847" and f"{gains.std(ddof=1):.3f}" == "0.117"


def test_section6_secret_tools():
    rows = []
    for announced in (False, True):
        for p in (0.0, 0.1, 0.2, 0.3, 0.5, 0.8):
            for seed in range(4):
                late = run(
                    SecretToolsModel, 200, rng=seed, audit_prob=p, audit_announced=announced
                ).iloc[101:]
                rows.append(
                    {
                        "announced": announced,
                        "audit_prob": p,
                        "covert_rate": late["covert_rate"].mean(),
                        "social_cost": late["social_cost"].mean(),
                    }
                )
    audits = pd.DataFrame(rows).groupby(["announced", "audit_prob"]).mean()
    hidden, told = audits.loc[False], audits.loc[True]
    assert f"{hidden.loc[0.0, 'covert_rate']:.2f}" == "1.00"
    assert f"{hidden.loc[0.5, 'covert_rate']:.2f}" == "0.03"
    assert hidden["covert_rate"].is_monotonic_decreasing  # "the rate falls as p rises"
    assert f"{hidden.loc[0.0, 'social_cost']:.1f}" == "4.0"
    assert f"{hidden.loc[0.5, 'social_cost']:.2f}" == "0.27"
    assert f"{hidden.loc[0.8, 'social_cost']:.2f}" == "0.28"
    assert f"{told.loc[0.5, 'covert_rate']:.2f}" == "0.51"
    steg = np.mean(
        [
            run(SecretToolsModel, 200, rng=s, audit_prob=0.5, detection=0.2)
            .iloc[101:]["covert_rate"]
            .mean()
            for s in range(4)
        ]
    )
    assert f"{steg:.2f}" == "0.93"
    no_tool = np.mean(
        [
            run(SecretToolsModel, 200, rng=s, tool_granted=False).iloc[101:]["harm"].mean()
            for s in range(4)
        ]
    )
    assert f"{no_tool:.2f}" == "0.00"


def test_lesson_text_states_what_the_sources_and_runs_support():
    """Corrections from the expert review stay corrected."""
    import json
    from pathlib import Path

    cells = json.loads(
        (Path(__file__).resolve().parent.parent / "lessons" / "03_collusion.ipynb").read_text()
    )["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert (
        "prices fall towards competition" not in text
    )  # myopic learners keep Delta near 0.2 (tested above)
    assert (
        "emergent agency (no single algorithm" not in text.lower()
    )  # tacit collusion is an emergent outcome
    assert "emergent outcome" in text and "§3.6" in text
    assert "Zeng & Rudzicz (2026)" in text and "arXiv:2605.27593" in text
    assert (
        "12 models" in text
        and "6 prompt variants" in text
        and "smaller models remain susceptible" in text
    )
    assert (
        '"a detailed analysis of the inner workings of this algorithm reveals that there is no immediate reason for alarm"'
        in text
    )
    assert "Figure 3" in text

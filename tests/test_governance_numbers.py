"""Every number the Unit 11 lesson's text states, recomputed with the lesson's code and seeds
(lessons/11_oversight_and_governance.ipynb)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mesa_models import run
from mesa_models.collusion import simulate
from mesa_models.governance import (
    ROLES,
    AccountabilityModel,
    Incident,
    LearnedPricingSystem,
    PricingSystem,
    detection_power,
    draw_scenarios,
    evaluate_change,
    expected_attribution,
    oversight_rates,
    panel_pass_probability,
    pipeline_game,
    power_prediction,
    shapley_values,
    simulate_oversight,
)

ERROR, FALSE_BLOCK = 0.2, 0.05


# -- section 2: consensus, the regress, capture -------------------------------------------------------------------


def test_k_of_n_numbers():
    independent = [panel_pass_probability(ERROR, k, k) for k in range(1, 7)]
    assert [round(v, 6) for v in independent] == [0.2, 0.04, 0.008, 0.0016, 0.00032, 0.000064]
    assert round(panel_pass_probability(ERROR, 2, 2, correlation=0.3), 3) == 0.088
    assert round(panel_pass_probability(ERROR, 6, 6, correlation=0.3), 3) == 0.060
    assert round(panel_pass_probability(ERROR, 6, 6, correlation=0.1), 3) == 0.020
    assert round(1 - panel_pass_probability(1 - FALSE_BLOCK, 6, 6), 3) == 0.265
    assert 40 * 10 * 100 == 40_000
    # the simulated points of the figure: within sampling error; about three expected passes at k = 6
    for rho in (0.0, 0.1, 0.3):
        for k in range(1, 7):
            sim = simulate_oversight(
                40,
                10,
                rng=k,
                n_proposers=100,
                misaligned_share=1.0,
                high_risk_share=1.0,
                n_auditors=k,
                k=k,
                correlation=rho,
            )
            passed = sim["residual_harm"][:, 1:].mean() / 10
            exact = panel_pass_probability(ERROR, k, k, correlation=rho)
            assert abs(passed - exact) < 4.5 * math.sqrt(exact * (1 - exact) / 40_000) + 2e-5, (
                rho,
                k,
            )
    assert round(40_000 * ERROR**6) == 3


def test_regress_numbers():
    def p(layers, **kw):
        return panel_pass_probability(ERROR, 3, 2, layers=layers, **kw)

    assert round(p(2) / p(1), 3) == 0.104 and round(p(5) / p(4), 3) == 0.104
    one = [p(L, correlation=0.3) for L in range(1, 6)]
    assert [round(one[i + 1] / one[i], 3) for i in range(3)] == [0.509, 0.900, 0.988]
    assert round(one[-1], 3) == 0.060 and round(one[0], 3) == 0.133 and round(one[1], 3) == 0.068
    assert round(p(1, correlation=0.3, captured=0.2), 3) == 0.292
    assert round(p(2, correlation=0.3, captured=0.2), 3) == 0.124
    assert round(p(5, correlation=0.3, families=3), 3) == 0.011


def test_capture_numbers():
    policies = {
        "no capture": {},
        "fixed": dict(capture_rate=0.05, rotation=False),
        "rotation": dict(capture_rate=0.05, rotation=True),
        "audited": dict(capture_rate=0.05, rotation=False, meta_audit_rate=0.2),
    }
    runs = {name: simulate_oversight(100, 20, rng=0, **kw) for name, kw in policies.items()}
    harm = {n: r["residual_harm"][:, 51:].mean() for n, r in runs.items()}
    captured = {n: r["captured"][:, 51:].mean() for n, r in runs.items()}
    reviews = {n: r["reviews"][:, 1:].mean() for n, r in runs.items()}
    assert (
        round(harm["no capture"], 3) == 0.034
        and round(oversight_rates()["residual_harm"], 4) == 0.0328
    )
    assert round(captured["fixed"], 2) == 0.21 and round(harm["fixed"], 3) == 0.372
    assert round(harm["fixed"] / harm["no capture"]) == 11
    assert round(captured["rotation"], 2) == 0.45 and round(harm["rotation"], 3) == 0.045
    assert round(harm["audited"], 3) == 0.135 and round(captured["audited"], 2) == 0.12
    assert round(reviews["audited"], 2) == 1.75 and round(reviews["no capture"], 2) == 1.60
    assert round(100 * (reviews["audited"] / reviews["no capture"] - 1)) == 9


# -- section 3: evaluation -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def versions():
    """The lesson's two versions at the paper's scale (8 Calvano sessions each)."""
    return simulate(8, delta=0.5, progress=False), simulate(8, delta=0.95, progress=False)


def test_learned_agents_numbers(versions):
    old_version, new_version = versions
    assert 1.5e6 < np.median(new_version.periods) < 3e6  # "about two million periods per session"
    assert round(old_version.profit_gain().mean(), 2) == 0.23
    assert round(new_version.profit_gain().mean(), 2) == 0.89
    check = draw_scenarios(40, 1)

    def surplus(batch):
        return np.mean(
            [
                np.mean(
                    [
                        LearnedPricingSystem(batch, j)(s, np.random.default_rng(i))
                        for i, s in enumerate(check)
                    ]
                )
                for j in range(8)
            ]
        )

    assert round(surplus(old_version), 3) == 0.649 and round(surplus(new_version), 3) == 0.523
    rates = {}
    for n_scenarios in (2, 3, 5):
        flags = [
            evaluate_change(
                LearnedPricingSystem(old_version, j),
                LearnedPricingSystem(new_version, j),
                draw_scenarios(n_scenarios, 100 * j + rep),
                rep,
            )["flagged"]
            for j in range(8)
            for rep in range(5)
        ]
        rates[n_scenarios] = np.mean(flags)
    assert rates == {2: 0.625, 3: 0.975, 5: 1.0}


def test_power_numbers():
    counts, degradations = [2, 3, 5, 10, 20], [0.01, 0.02, 0.05]
    baseline = PricingSystem(0.0)
    power = pd.DataFrame(
        {
            d: [detection_power(baseline, PricingSystem(d), s, 100, rng=s) for s in counts]
            for d in degradations
        },
        index=counts,
    )
    false_alarms = [
        detection_power(baseline, PricingSystem(0.0), s, 100, rng=100 + s) for s in counts
    ]
    assert power.loc[5, 0.05] == 0.87 and power.loc[10, 0.05] == 1.0
    assert (power.loc[5, 0.02], power.loc[10, 0.02], power.loc[20, 0.02]) == (0.30, 0.61, 0.87)
    assert power.loc[3, 0.02] == 0.20 and power.loc[20, 0.01] == 0.44
    assert min(false_alarms) == 0.02 and max(false_alarms) == 0.07
    assert all((power[d].diff().dropna() >= 0).all() for d in degradations)
    effect = {}
    for d in degradations:
        diffs = evaluate_change(baseline, PricingSystem(d), draw_scenarios(1000, 7), 7)[
            "differences"
        ]
        effect[d] = diffs.mean() / diffs.std(ddof=1)
    assert round(-effect[0.02], 2) == 0.66
    for d in degradations:
        predicted = [power_prediction(effect[d], s) for s in counts]
        assert np.abs(np.array(predicted) - power[d].to_numpy()).max() < 0.1


# -- section 4: accountability ---------------------------------------------------------------------------------------


def test_accountability_numbers():
    incident = Incident(
        ROLES,
        ("producer", "producer", "checker", "checker"),
        (0.05, 0.10, 0.30, 0.60),
        (0, 0, 0, 0),
        draws=(0.01, 0.50, 0.20, 0.40),
        harm=1.0,
    )
    assert {r: round(v, 3) for r, v in incident.shapley().items()} == {
        "planner": 0.333,
        "coder": 0.0,
        "tester": 0.333,
        "human": 0.333,
    }
    perfect = run(AccountabilityModel, 5000, rng=1).iloc[-1]
    realistic = run(AccountabilityModel, 5000, rng=1, human_standard=0.6).iloc[-1]
    assert perfect["harm"] == 141
    assert [round(perfect[f"shapley_{r}"], 3) for r in ROLES] == [0.088, 0.239, 0.336, 0.336]
    exact = expected_attribution()
    total = sum(exact.values())
    assert [round(exact[r] / total, 3) for r in ROLES] == [0.106, 0.221, 0.336, 0.336]
    assert realistic["shapley_human"] == 0.0 and round(realistic["shapley_tester"], 3) == 0.506
    assert perfect["blamed_human"] == 1.0 and realistic["blamed_human"] == 1.0
    shares = {}
    for coders in (1, 6):
        phi = shapley_values(
            pipeline_game(
                ["producer"] * coders + ["checker"] * 2,
                [0.05] * coders + [0.3, 0.6],
                [0.0] * (coders + 2),
            ),
            range(coders + 2),
        )
        t = sum(phi.values())
        shares[coders] = (phi[0] / t, phi[coders] / t, phi[coders + 1] / t)
    assert round(shares[1][0], 3) == 0.333 and round(shares[6][0], 3) == 0.052
    assert 0.33 < shares[6][1] < 0.35 and 0.33 < shares[6][2] < 0.35


# -- check your understanding and the lab's remark -------------------------------------------------------------------


def test_answers():
    assert round(panel_pass_probability(0.1, 3, 3), 6) == 0.001
    assert round(panel_pass_probability(0.1, 3, 3, correlation=0.5), 4) == 0.0505
    assert (
        round(panel_pass_probability(0.2, 3, 2), 3) == 0.104
    )  # the lab: a 2-of-3 panel never gets below 10.4 %


def test_lab_example_answer_numbers():
    """The numbers of the example governance proposal (solutions/11_..._lab.ipynb, Exercise 6)."""
    common = dict(n_auditors=3, k=2, correlation=0.4, error_rate=0.15, capture_rate=0.03)
    settings = {
        "fixed": dict(families=1, rotation=False),
        "rotation": dict(families=1, rotation=True),
        "three": dict(families=3, rotation=True),
        "three, audited": dict(families=3, rotation=True, meta_audit_rate=0.1),
    }
    runs = {
        name: simulate_oversight(120, 20, rng=5, **common, **extra)
        for name, extra in settings.items()
    }
    late = {name: round(r["residual_harm"][:, 61:].mean(), 3) for name, r in runs.items()}
    reviews = {name: round(r["reviews"][:, 1:].mean(), 2) for name, r in runs.items()}
    assert late == {"fixed": 0.556, "rotation": 0.106, "three": 0.095, "three, audited": 0.089}
    assert reviews["three"] == 1.61 and reviews["three, audited"] == 1.69
    assert (
        round(
            100
            * (
                runs["three, audited"]["reviews"][:, 1:].mean()
                / runs["three"]["reviews"][:, 1:].mean()
                - 1
            )
        )
        == 5
    )

"""Secret tools and oversight: deterrence by audits, least privilege, announced audits,
steganography, audit policies, errors."""

from __future__ import annotations

import numpy as np
import pytest

from mesa_models.running import run
from mesa_models.collusion.secret_tools import SecretToolsModel, logit_use_probability

AUDIT_GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)
SEEDS = range(4)


def late_mean(frame, column, burn_in=100):
    return frame[column].iloc[burn_in + 1 :].mean()


def covert_rate(seed, **params):
    return late_mean(run(SecretToolsModel, 200, rng=seed, **params), "covert_rate")


def test_covert_use_is_high_when_unobserved():
    rates = [covert_rate(s, audit_prob=0.0) for s in SEEDS]
    assert min(rates) > 0.95


def test_covert_use_falls_monotonically_with_audit_probability_over_seeds():
    means = [np.mean([covert_rate(s, audit_prob=p) for s in SEEDS]) for p in AUDIT_GRID]
    assert all(a > b for a, b in zip(means, means[1:])), means
    assert means[-1] < 0.05


def test_least_privilege_manifest_removes_use_and_harm():
    frame = run(SecretToolsModel, 100, rng=0, tool_granted=False)
    assert frame["covert_rate"].sum() == 0
    assert frame["harm"].sum() == 0


def test_harm_and_fines_follow_from_use():
    model = SecretToolsModel(rng=1, audit_prob=1.0, fine=0.0, harm=2.0)
    model.step()
    uses = model.covert_rate * model.n_agents
    assert model.harm_per_interaction == pytest.approx(2.0 * uses / (model.n_agents / 2))
    assert model.audit_cost_per_interaction == pytest.approx(
        model.audit_cost
    )  # every interaction audited


def test_announced_audits_deter_only_the_logged_interactions():
    unannounced = np.mean([covert_rate(s, audit_prob=0.5) for s in SEEDS])
    announced = np.mean([covert_rate(s, audit_prob=0.5, audit_announced=True) for s in SEEDS])
    assert announced > 0.4 > 0.1 > unannounced  # agents behave only when they know they are watched


def test_steganography_weakens_audits():
    seen = np.mean([covert_rate(s, audit_prob=0.5) for s in SEEDS])
    hidden = np.mean([covert_rate(s, audit_prob=0.5, detection=0.2) for s in SEEDS])
    assert hidden > 0.8 > 0.1 > seen


def test_oversight_has_a_cost_minimum_inside_the_range():
    cost = [
        np.mean(
            [
                late_mean(run(SecretToolsModel, 200, rng=s, audit_prob=p), "social_cost")
                for s in SEEDS
            ]
        )
        for p in AUDIT_GRID
    ]
    assert int(np.argmin(cost)) > 0  # some auditing pays ...
    assert cost[0] > 3 * min(cost)
    assert cost[-1] >= AUDIT_GRID[-1] * 0.3  # ... but audits are never free (audit_cost = 0.3)


def test_audit_policy_function_is_used_and_validated():
    model = SecretToolsModel(rng=0, audit_policy=lambda m: 1.0 if m.steps > 0 else 0.0)
    model.run_for(3)
    assert model.audit_cost_per_interaction == pytest.approx(model.audit_cost)

    def broken(m):
        return 2

    with pytest.raises(ValueError, match="broken"):
        SecretToolsModel(rng=0, audit_policy=broken).step()
    with pytest.raises(TypeError, match="audit_policy"):
        SecretToolsModel(rng=0, audit_policy=3)


def test_same_seed_same_run():
    a = run(SecretToolsModel, 30, rng=3, audit_prob=0.3)
    b = run(SecretToolsModel, 30, rng=3, audit_prob=0.3)
    assert a.equals(b)


@pytest.mark.parametrize(
    "bad, name",
    [
        ({"n_agents": 3}, "n_agents"),
        ({"audit_prob": 1.5}, "audit_prob"),
        ({"temperature": 0.0}, "temperature"),
        ({"learning_rate": 0.0}, "learning_rate"),
    ],
)
def test_bad_parameters(bad, name):
    with pytest.raises(ValueError, match=f"parameter '{name}' got"):
        SecretToolsModel(rng=0, **bad)


def test_logit_probability():
    assert logit_use_probability(0.0, 0.2) == 0.5
    assert logit_use_probability(-1e6, 0.2) == 0.0
    assert logit_use_probability(1.0, 0.2) > 0.99

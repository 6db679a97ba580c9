"""Benchmark cases for Unit 11 (Oversight and governance), at the lesson's default sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step. Batch helpers (the NumPy oversight engine,
a detection-power estimate) run one batch per "step".
"""

from mesa_models.governance.accountability import AccountabilityModel
from mesa_models.governance.oversight import OversightModel
from mesa_models.governance.oversight_fast import simulate_oversight
from mesa_models.governance.third_party import PricingSystem, ThirdPartyEvaluation, detection_power
from mesa_models.running import stepper


def _oversight_batch(rounds, runs, **params):
    def setup():
        return lambda: simulate_oversight(rounds, runs, rng=0, **params)

    return setup


def _power(n_scenarios, repeats):
    def setup():
        old, new = PricingSystem(0.0), PricingSystem(0.02)
        return lambda: detection_power(old, new, n_scenarios, repeats, rng=0)

    return setup


CASES = [
    ("oversight, Mesa, 30 proposers, 3-of-3 panels", stepper(OversightModel), 100),
    (
        "oversight, Mesa, capture, fixed panels, 20% log re-checks, 2 layers",
        stepper(OversightModel, capture_rate=0.05, rotation=False, meta_audit_rate=0.2, layers=2),
        100,
    ),
    (
        "oversight, NumPy batch, 20 runs x 100 rounds per step (one sweep point)",
        _oversight_batch(100, 20, capture_rate=0.05),
        3,
    ),
    (
        "third-party evaluation, Mesa, one change tested on 10 scenarios per step",
        stepper(ThirdPartyEvaluation),
        50,
    ),
    ("detection power, 100 evaluations x 10 scenarios per step", _power(10, 100), 2),
    (
        "accountability, Mesa, one task through the 4-agent pipeline per step",
        stepper(AccountabilityModel),
        2000,
    ),
]

"""Unit 03 lab checks: reference answers pass, stubs are 'not attempted', wrong answers fail."""

from __future__ import annotations

import numpy as np
import pytest

from mesa_models.collusion.calvano import Market
from mesa_models.collusion.calvano_fast import simulate
from mesa_models.collusion import lab as unit03

MK = Market()


def reference_gain(prices):
    return float(np.mean((MK.profits(prices) - MK.nash_profit) / (MK.monopoly_profit - MK.nash_profit)))


def reference_detector(history):
    return reference_gain(history.reshape(-1, 2)) > 0.5


def reference_policy(model):
    return min(1.0, 2.5 * model.gain / (model.detection * model.fine))


def reference_by_delta(deltas, seeds):
    return [simulate(seeds=seeds, delta=d, **unit03.LAB_SCALE).profit_gain().mean() for d in deltas]


def stub(*args, **kwargs):
    raise NotImplementedError


CASES = [
    (unit03.check_exercise_1, reference_gain, lambda p: float(MK.profits(p).mean())),  # forgot to normalise
    (unit03.check_exercise_2, reference_detector,
     lambda h: bool(h.mean() > (MK.nash_price + MK.monopoly_price) / 2)),  # raw price threshold
    (unit03.check_exercise_3, reference_policy, lambda model: 1.0),  # audit everything
    (unit03.check_exercise_4, reference_by_delta,
     lambda deltas, seeds: [simulate(seeds=seeds, delta=d, beta=2e-4, convergence_window=5_000).profit_gain().mean()
                            for d in deltas]),  # another schedule
]


@pytest.mark.parametrize("check, reference, wrong", CASES, ids=["ex1", "ex2", "ex3", "ex4"])
def test_check_verdicts(check, reference, wrong, monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)
    assert check(reference).status == "correct"
    assert check(stub).status == "not attempted"
    assert check(wrong).status in ("incorrect", "error")


def test_crashing_answer_is_an_error(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)
    assert unit03.check_exercise_1(lambda p: 1 / 0).status == "error"
    assert unit03.check_exercise_2(lambda h: "yes").status == "incorrect"


def test_precision_recall():
    assert unit03.precision_recall([True, True, False, False], [True, False, True, False]) == (0.5, 0.5)
    assert unit03.precision_recall([False, False], [True, False]) == (0.0, 0.0)

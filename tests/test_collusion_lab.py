"""Unit 03 lab: every check accepts the reference answer, reads a stub as "not attempted", and
rejects realistic wrong answers with a message that names the cause; the lab's tools
validate their arguments; the patience exercise reproduces Calvano et al.'s Figure 3; the
numbers the lab's text states are recomputed."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from mesa_models.checks import insensitive_arguments
from mesa_models.collusion import Market, simulate
from mesa_models.collusion import lab as unit03

MK = Market()
MIDPOINT = (MK.nash_price + MK.monopoly_price) / 2


@pytest.fixture(autouse=True)
def _no_enforcement(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def stub(*args, **kwargs):
    raise NotImplementedError


def verdict_of(check, answer):
    verdict = check(answer)
    return verdict.status, verdict.message


# -- Exercise 1: the profit gain --------------------------------------------------------------------
def ex1_not_normalised(prices, market):
    return float(np.mean(market.profits(prices)))


def ex1_global_market(prices, market):
    mk = Market()  # ignores the market it was given
    return float(
        np.mean((mk.profits(prices) - mk.nash_profit) / (mk.monopoly_profit - mk.nash_profit))
    )


def ex1_per_firm(prices, market):
    return (market.profits(prices) - market.nash_profit) / (
        market.monopoly_profit - market.nash_profit
    )


def ex1_sorts_in_place(prices, market):
    prices.sort()
    return unit03.reference_profit_gain(prices, market)


def ex1_two_firms_only(prices, market):
    profits = market.profits(prices)
    gains = (profits - market.nash_profit) / (market.monopoly_profit - market.nash_profit)
    return float((gains[0] + gains[1]) / 2)


EX1_WRONG = [
    (ex1_not_normalised, "should be 0.5"),
    (ex1_global_market, "market=Market(c=0.8)"),
    (ex1_per_firm, "should be a number, got an array of 2 values"),
    (ex1_sorts_in_place, "tried to change its input in place"),
    (ex1_two_firms_only, "market=Market(n_firms=3)"),
]


# -- Exercise 2: a collusion screen -----------------------------------------------------------------
def ex2_midpoint(history):
    return bool(history.mean() > MIDPOINT)


def ex2_score(history):
    return unit03.reference_profit_gain(history.reshape(-1, 2), MK)


def ex2_reversed(history):
    return not unit03.reference_detector(history)


def ex2_sorts_in_place(history):
    history.sort(axis=0)
    return unit03.reference_detector(history)


def ex2_fixed_length(history):
    return unit03.reference_profit_gain(history.reshape(60, 2), MK) > 0.45


EX2_WRONG = [
    (
        ex2_midpoint,
        "on the lab's histories your detector flags 10 of 24 sessions: precision 1.00, recall 0.83",
    ),
    (ex2_score, "should be True or False, got a float"),
    (ex2_reversed, "precision 0.00"),
    (ex2_sorts_in_place, "tried to change its input in place"),
    (ex2_fixed_length, "cannot reshape"),
]


# -- Exercise 3: an audit policy --------------------------------------------------------------------
def ex3_ignores_detection(model):
    return min(1.0, 2.5 * model.gain / model.fine)


def ex3_ignores_gain(model):
    return min(1.0, 2.5 / (model.detection * model.fine))


def ex3_audit_everything(model):
    return 1.0


def ex3_bool(model):
    return model.covert_rate > 0.1


def ex3_global_rng(model):
    return float(np.random.uniform(0.6, 1.0))


def ex3_raises_the_fine(model):
    model.fine = 100.0
    return 0.3


EX3_WRONG = [
    (ex3_ignores_detection, "with detection = 0.5"),
    (ex3_ignores_gain, "with gain = 2"),
    (ex3_audit_everything, "a fixed audit rate p = 0.7 gives 0.251"),
    (ex3_bool, "should be a probability (a number from 0 to 1), got a bool"),
    (ex3_global_rng, "not reproducible"),
    (ex3_raises_the_fine, "changed the model's parameters (fine -> 100)"),
]


# -- Exercise 4: patience and collusion -------------------------------------------------------------
def ex4_ignores_seeds(deltas, seeds):
    return [float(simulate(len(seeds), delta=d).profit_gain().mean()) for d in deltas]


def ex4_sorted(deltas, seeds):
    return [float(simulate(seeds=seeds, delta=d).profit_gain().mean()) for d in sorted(deltas)]


def ex4_sped_up(deltas, seeds):
    return [
        float(
            simulate(seeds=seeds, delta=d, beta=1e-4, convergence_window=10_000)
            .profit_gain()
            .mean()
        )
        for d in deltas
    ]


def ex4_series(deltas, seeds):
    return pd.Series({d: simulate(seeds=seeds, delta=d).profit_gain().mean() for d in deltas})


EX4_WRONG = [
    (ex4_ignores_seeds, "seeds=(2,)"),
    (ex4_sorted, "deltas=[0.95, 0], seeds=(0, 1)) should be"),
    (ex4_sped_up, "should be"),
    (ex4_series, "should be a list or tuple or ndarray, got a pandas Series"),
]


CHECKS = {
    "ex1": (unit03.check_exercise_1, unit03.reference_profit_gain, EX1_WRONG),
    "ex2": (unit03.check_exercise_2, unit03.reference_detector, EX2_WRONG),
    "ex3": (unit03.check_exercise_3, unit03.reference_policy, EX3_WRONG),
    "ex4": (unit03.check_exercise_4, unit03.reference_profit_gain_by_delta, EX4_WRONG),
}


@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_reference_is_accepted_and_stub_is_not_attempted(exercise):
    check, reference, _ = CHECKS[exercise]
    assert verdict_of(check, reference)[0] == "correct", check(reference)
    assert verdict_of(check, stub)[0] == "not attempted"


@pytest.mark.parametrize(
    "exercise, wrong, fragment",
    [
        (name, wrong, fragment)
        for name, (_, _, cases) in CHECKS.items()
        for wrong, fragment in cases
    ],
    ids=lambda x: getattr(x, "__name__", None) if callable(x) else None,
)
def test_wrong_answers_are_rejected_naming_the_cause(exercise, wrong, fragment):
    status, message = verdict_of(CHECKS[exercise][0], wrong)
    assert status in ("incorrect", "error"), f"{wrong.__name__} was accepted"
    assert fragment in message, (
        f"{wrong.__name__}: {message!r} does not name the cause ({fragment!r})"
    )


def test_every_exercise_has_at_least_three_wrong_answers():
    assert all(len(cases) >= 3 for _, _, cases in CHECKS.values())


def test_the_checks_vary_every_argument_the_reference_uses():
    base, cases = unit03.EX1_BASE, unit03._ex1_cases()
    assert (
        insensitive_arguments(
            unit03.reference_profit_gain,
            base,
            prices=[c["prices"] for c in cases[1:4]],
            market=[c["market"] for c in cases[4:6]],
        )
        == []
    )
    ex4 = unit03._ex4_cases()
    assert (
        insensitive_arguments(
            unit03.reference_profit_gain_by_delta,
            unit03.EX4_BASE,
            deltas=[ex4[1]["deltas"]],
            seeds=[ex4[2]["seeds"]],
        )
        == []
    )
    # Exercise 3's settings each change the best fixed audit rate, so a policy must respond to each.
    best = {tuple(s): unit03.best_fixed_audit(**s)[0] for s in map(dict, unit03.AUDIT_SETTINGS)}
    assert len(set(best.values())) >= 3


def test_a_crashing_answer_is_an_error():
    assert verdict_of(unit03.check_exercise_1, lambda prices, market: 1 / 0)[0] == "error"


# -- the lab's tools ------------------------------------------------------------------------------
def test_precision_recall():
    assert unit03.precision_recall([True, True, False, False], [True, False, True, False]) == (
        0.5,
        0.5,
    )
    assert unit03.precision_recall([False, False], [True, False]) == (0.0, 0.0)
    with pytest.raises(ValueError, match="precision_recall: parameter 'predicted'"):
        unit03.precision_recall([True], [True, False])
    with pytest.raises(ValueError, match="parameter 'truth'"):
        unit03.precision_recall([True], [0.5])


def test_social_cost_takes_model_parameters_and_checks_them():
    assert unit03.social_cost(audit_prob=0.5, detection=0.2, seeds=(0,)) > unit03.social_cost(
        audit_prob=0.5, seeds=(0,)
    )
    with pytest.raises(ValueError, match="social_cost: parameter 'detection' got 2"):
        unit03.social_cost(detection=2)
    with pytest.raises(TypeError, match="social_cost: parameter 'audit_policy'"):
        unit03.social_cost(audit_policy=0.5)
    with pytest.raises(ValueError, match="social_cost: parameter 'steps'"):
        unit03.social_cost(steps=1)
    with pytest.raises(ValueError, match="social_cost: parameter 'seeds'"):
        unit03.social_cost(seeds=[])
    with pytest.raises(ValueError, match="best_fixed_audit: parameter 'audit_prob'"):
        unit03.best_fixed_audit(audit_prob=0.3)


def test_collusion_dataset_arguments_and_labels():
    histories, screen = unit03.collusion_dataset(periods=20, noise=0.0, rng=0)
    assert histories.shape == (24, 20, 2) and screen.dtype == bool
    _, punished = unit03.collusion_dataset(periods=20, label="punishment")
    assert (
        punished.sum() < screen.sum()
    )  # some supra-competitive sessions do not punish a price cut
    with pytest.raises(ValueError, match="collusion_dataset: parameter 'label'"):
        unit03.collusion_dataset(label="truth")
    with pytest.raises(TypeError, match="collusion_dataset: parameter 'periods'"):
        unit03.collusion_dataset(periods=2.5)
    with pytest.raises(ValueError, match="collusion_dataset: parameter 'noise'"):
        unit03.collusion_dataset(noise=1.5)


# -- published result: the patience exercise against Calvano et al. (2020), Figure 3 -------------
#: Average profit gain read off Calvano et al. (2020), Figure 3 (Delta against delta).
FIGURE_3 = {0.0: 0.21, 0.5: 0.22, 0.95: 0.85}
READING = 0.03  # how precisely a value can be read off the figure


@pytest.mark.parametrize("delta", unit03.DELTAS)
def test_patience_exercise_reproduces_figure_3_within_sampling_error(delta):
    gains = unit03.lab_batch(delta).profit_gain()
    se = gains.std(ddof=1) / np.sqrt(len(gains))
    assert len(gains) >= 50 and unit03.lab_batch(delta).converged.all()
    assert abs(gains.mean() - FIGURE_3[delta]) < 3 * se + READING, (delta, gains.mean(), se)


def test_patience_has_the_papers_shape():
    low = max(unit03.lab_batch(d).profit_gain().mean() for d in (0.0, 0.5))
    assert low < 0.3 < 0.8 < unit03.lab_batch(0.95).profit_gain().mean()


# -- numbers the lab's text states ------------------------------------------------------------------
def test_lab_numbers_exercise_2():
    histories, screen = unit03.collusion_dataset()
    assert (
        screen.sum() == 12 and screen[:12].all()
    )  # "all 12 patient sessions are supra-competitive"
    naive = np.array([h.mean() > MIDPOINT for h in histories])
    precision, recall = unit03.precision_recall(naive, screen)
    assert (
        (naive & screen).sum() == 10 and f"{precision:.2f}" == "1.00" and f"{recall:.2f}" == "0.83"
    )
    _, punished = unit03.collusion_dataset(label="punishment")
    flagged = np.array([unit03.reference_detector(h) for h in histories])
    assert (
        flagged.sum() == 12 and (flagged & punished).sum() == 7
    )  # "only 7 of the 12 it flags punish"


def test_lab_numbers_exercise_3():
    assert unit03.best_fixed_audit() == (0.7, pytest.approx(0.2506, abs=5e-5))


def test_checks_do_not_leave_the_global_random_state_changed():
    state = random.getstate(), np.random.get_state()[1].copy()
    unit03.check_exercise_3(unit03.reference_policy)
    assert random.getstate() == state[0] and np.array_equal(np.random.get_state()[1], state[1])

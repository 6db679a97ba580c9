"""Unit 09 lab checks: the reference answers are accepted, stubs read "not attempted", and
for every exercise realistic wrong answers are rejected with a message that names the cause."""

import numpy as np
import pytest

from mesa_models import run
from mesa_models.checks import insensitive_arguments
from mesa_models.emergence import SCALES, AmplificationModel, component_check
from mesa_models.emergence import lab as unit09


@pytest.fixture(autouse=True)
def no_expectation(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def verdict_of(check, answer):
    verdict = check(answer)
    return verdict.status, verdict.message


def stub(*args, **kwargs):
    raise NotImplementedError


# -- Exercise 1: DeGroot's consensus ------------------------------------------------------------
def right_eigenvector(trust, initial):  # eig(T) instead of eig(T.T): the all-ones vector
    values, vectors = np.linalg.eig(trust)
    v = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    return float((v / v.sum()) @ initial)


def unnormalised(trust, initial):  # the eigenvector as numpy returns it (unit length)
    values, vectors = np.linalg.eig(trust.T)
    return float(np.abs(np.real(vectors[:, np.argmin(np.abs(values - 1))])) @ initial)


def normalises_in_place(trust, initial):
    initial /= initial.sum()
    return unit09.reference_consensus(trust, initial)


def returns_the_weighted_vector(trust, initial):
    values, vectors = np.linalg.eig(trust.T)
    pi = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    return pi / pi.sum() * initial


def test_exercise_1():
    assert unit09.check_exercise_1(unit09.reference_consensus).status == "correct"
    assert unit09.check_exercise_1(stub).status == "not attempted"
    status, message = verdict_of(
        unit09.check_exercise_1, lambda trust, initial: float(np.mean(initial))
    )
    assert status == "incorrect" and "plain average" in message
    status, message = verdict_of(unit09.check_exercise_1, right_eigenvector)
    assert status == "incorrect" and "plain average" in message
    status, message = verdict_of(unit09.check_exercise_1, unnormalised)
    assert status == "incorrect" and "should be" in message
    status, message = verdict_of(unit09.check_exercise_1, normalises_in_place)
    assert status == "incorrect" and "change its input in place" in message
    status, message = verdict_of(unit09.check_exercise_1, returns_the_weighted_vector)
    assert status == "incorrect" and "should be a number, got an array" in message
    assert unit09.check_exercise_1(42).status == "incorrect"


def test_exercise_1_cases_make_every_argument_matter():
    base = unit09.exercise_1_cases()[0]
    others = unit09.exercise_1_cases()
    assert (
        insensitive_arguments(
            unit09.reference_consensus,
            base,
            trust=[others[5]["trust"]],
            initial=[others[1]["initial"]],
        )
        == []
    )


# -- Exercise 2: amplification factor ------------------------------------------------------------
def amplification(n_agents, gain, seed, steps=20, rows=slice(1, None), **extra):
    frame = run(
        AmplificationModel, steps, rng=seed, scale="network", n_agents=n_agents, gain=gain, **extra
    )
    return float(frame["amplification"].iloc[rows].mean())


def test_exercise_2():
    assert unit09.check_exercise_2(unit09.reference_amplification_factor).status == "correct"
    assert unit09.check_exercise_2(stub).status == "not attempted"
    cases = {
        "ignores gain": lambda n, gain, seed: amplification(n, 1.1, seed),
        "ignores the seed": lambda n, gain, seed: amplification(n, gain, 0),
        "last step only": lambda n, gain, seed: amplification(n, gain, seed, rows=slice(-1, None)),
        "19 steps (off by one)": lambda n, gain, seed: amplification(n, gain, seed, steps=19),
        "wrong scale": lambda n, gain, seed: float(
            run(AmplificationModel, 20, rng=seed, scale="dyadic", n_agents=n, gain=gain)[
                "amplification"
            ]
            .iloc[1:]
            .mean()
        ),
    }
    for name, answer in cases.items():
        status, message = verdict_of(unit09.check_exercise_2, answer)
        assert status == "incorrect" and "should be" in message, name
    status, message = verdict_of(
        unit09.check_exercise_2, lambda n, gain, seed: amplification(n, gain, None)
    )
    assert status == "incorrect"  # the global generator: neither the reference nor reproducible
    status, message = verdict_of(
        unit09.check_exercise_2,
        lambda n, gain, seed: run(AmplificationModel, 20, rng=seed, n_agents=n, gain=gain)[
            "amplification"
        ],
    )
    assert status == "incorrect" and "pandas Series" in message


def test_exercise_2_cases_make_every_argument_matter():
    base = unit09.EX2_CASES[0]
    assert (
        insensitive_arguments(
            unit09.reference_amplification_factor, base, n_agents=[3, 10], gain=[0.8, 1.3], seed=[4]
        )
        == []
    )


# -- Exercise 3: verification steps ---------------------------------------------------------------
def needed(n_agents, gain, limit, seed, order=None, one_based=False, none_value=None, rng=None):
    for verifiers in order or range(n_agents):
        frame = run(
            AmplificationModel,
            10,
            rng=seed if rng is None else rng,
            scale="network",
            n_agents=n_agents,
            gain=gain,
            verifiers=verifiers,
        )
        if frame["amplification"].iloc[1:].mean() <= limit:
            return verifiers + 1 if one_based else verifiers
    return none_value


def test_exercise_3():
    assert unit09.check_exercise_3(unit09.reference_verifiers_needed).status == "correct"
    assert unit09.check_exercise_3(stub).status == "not attempted"
    status, message = verdict_of(
        unit09.check_exercise_3, lambda n, g, limit, seed: needed(n, g, limit, seed, one_based=True)
    )
    assert status == "incorrect" and "one too many" in message
    status, message = verdict_of(
        unit09.check_exercise_3,
        lambda n, g, limit, seed: needed(n, g, limit, seed, order=range(n - 1, -1, -1)),
    )
    assert status == "incorrect" and "should be" in message  # searched from the most verifiers down
    status, message = verdict_of(
        unit09.check_exercise_3, lambda n, g, limit, seed: needed(n, g, limit, seed, rng=0)
    )
    assert status == "incorrect" and "seed=1" in message  # ignores the seed: wrong on the edge case
    status, message = verdict_of(
        unit09.check_exercise_3,
        lambda n, g, limit, seed: needed(n, g, limit, seed, none_value=n - 1),
    )
    assert status == "incorrect" and "should be None" in message
    status, message = verdict_of(
        unit09.check_exercise_3, lambda n, g, limit, seed: float(needed(n, g, limit, seed) or 0)
    )
    assert status == "incorrect" and "whole number" in message


def test_exercise_3_cases_make_every_argument_matter():
    base = unit09.EX3_CASES[0]
    assert (
        insensitive_arguments(
            unit09.reference_verifiers_needed, base, n_agents=[10], gain=[1.4], limit=[1.5, 5.0]
        )
        == []
    )
    assert (
        insensitive_arguments(unit09.reference_verifiers_needed, unit09.EX3_BORDERLINE, seed=[1])
        == []
    )


# -- Exercise 4: where a failure first shows --------------------------------------------------------
def make_tester(order=SCALES, components=True, window=slice(-10, None), seed_fixed=None, steps=60):
    def first_visible_scale(settings, seed=0):
        seed = seed if seed_fixed is None else seed_fixed
        if (
            components
            and not component_check(AmplificationModel(rng=seed, scale="cross-system", **settings))[
                "passed"
            ].all()
        ):
            return "component"
        for scale in order:
            model = AmplificationModel(rng=seed, scale=scale, **settings)
            if run(model, steps)["failures"].iloc[window].mean() > model.allowed_failures:
                return scale
        return None

    return first_visible_scale


def test_exercise_4():
    assert unit09.check_exercise_4(unit09.reference_first_visible_scale).status == "correct"
    assert unit09.check_exercise_4(stub).status == "not attempted"
    status, message = verdict_of(
        unit09.check_exercise_4,
        make_tester(order=("dyadic", "network", "cross-system", "temporal")),
    )
    assert status == "incorrect" and "'temporal'" in message  # scales in the wrong order
    status, message = verdict_of(unit09.check_exercise_4, make_tester(components=False))
    assert status == "incorrect" and "'component'" in message  # skipped the component test
    status, message = verdict_of(unit09.check_exercise_4, make_tester(window=slice(1, 11)))
    assert status == "incorrect" and "'temporal'" in message  # looked at the first steps only
    status, message = verdict_of(unit09.check_exercise_4, make_tester(seed_fixed=0))
    assert status == "incorrect" and "pass rng=seed" in message  # ignores the seed

    def mutates(settings, seed=0):
        settings.setdefault("learning", 0.05)
        return unit09.reference_first_visible_scale(settings, seed)

    status, message = verdict_of(unit09.check_exercise_4, mutates)
    assert status == "incorrect" and "changed its input in place" in message
    status, message = verdict_of(unit09.check_exercise_4, lambda settings, seed=0: "network")
    assert status == "incorrect" and "should be 'component'" in message


def test_exercise_4_cases_make_every_argument_matter():
    base = {"settings": unit09.EX4_BORDERLINE, "seed": 0}
    other = unit09.EX4_CASES[3][0]
    assert (
        insensitive_arguments(
            unit09.reference_first_visible_scale, base, settings=[other], seed=[1]
        )
        == []
    )
    assert {want for _, want in unit09.EX4_CASES} == {"component", *SCALES, None}


# -- Exercise 5: a threshold for a budget -------------------------------------------------------------
def test_exercise_5():
    assert unit09.check_exercise_5(unit09.reference_threshold).status == "correct"
    assert unit09.check_exercise_5(stub).status == "not attempted"
    status, message = verdict_of(
        unit09.check_exercise_5, lambda scores, budget: float(np.quantile(scores, 1 - budget))
    )
    assert status == "incorrect" and (
        "not the lowest" in message or "more than the budget" in message
    )

    def one_too_low(scores, budget):  # index off by one: one alarm too many
        s = np.sort(scores)
        k = int(np.floor(budget * s.size + 1e-9))
        return float(s[max(s.size - 2 - k, 0)])

    status, message = verdict_of(unit09.check_exercise_5, one_too_low)
    assert status == "incorrect" and "more than the budget" in message

    def one_too_high(scores, budget):
        s = np.sort(scores)
        k = int(np.floor(budget * s.size + 1e-9))
        return float(s[min(s.size - k, s.size - 1)])

    status, message = verdict_of(unit09.check_exercise_5, one_too_high)
    assert status == "incorrect" and "not the lowest" in message

    def sorts_in_place(scores, budget):
        scores.sort()
        return unit09.reference_threshold(scores, budget)

    status, message = verdict_of(unit09.check_exercise_5, sorts_in_place)
    assert status == "incorrect" and "change its input in place" in message
    status, message = verdict_of(
        unit09.check_exercise_5, lambda scores, budget: float(np.max(scores))
    )
    assert status == "incorrect" and "not the lowest" in message
    status, message = verdict_of(
        unit09.check_exercise_5, lambda scores, budget: np.sort(scores)[-2:]
    )
    assert status == "incorrect" and "should be a number" in message


def test_exercise_5_cases_make_every_argument_matter():
    cases = unit09.exercise_5_cases()
    base = cases[1]
    assert (
        insensitive_arguments(
            unit09.reference_threshold,
            base,
            benign_scores=[cases[4]["benign_scores"]],
            budget=[0.2],
        )
        == []
    )

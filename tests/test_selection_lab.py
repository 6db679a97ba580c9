"""Unit 06 lab checks: each accepts the reference answer, shows "not attempted" for a stub, and
rejects realistic wrong answers with a message that names the cause."""

import random

import numpy as np
import pytest

from mesa_models.checks import insensitive_arguments
from mesa_models.selection import lab
from mesa_models.selection.hawk_dove import payoff_matrix


@pytest.fixture(autouse=True)
def no_expectation(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def verdict_of(check, answer):
    verdict = check(answer)
    return verdict.status, verdict.message


def stub(*args):
    raise NotImplementedError


# -- Exercise 1: the ESS of a 2x2 game -------------------------------------------------------------
def mixed_always(matrix):  # forgets the pure cases
    (a, b), (c, d) = np.asarray(matrix, dtype=float)
    return float((b - d) / ((b - d) + (c - a)))


def dove_share(matrix):  # answers with the second strategy's share
    return 1 - lab.reference_stable_share(matrix)


def subtracts_in_place(matrix):  # right answer, but overwrites the caller's matrix with differences
    matrix[0][0] -= matrix[1][0]  # a - c
    matrix[1][1] -= matrix[0][1]  # d - b
    first, second = matrix[0][0], matrix[1][1]
    if first > 0 and second <= 0:
        return 1.0
    if second > 0 and first <= 0:
        return 0.0
    return -second / (-second - first)


def as_text(matrix):
    return f"{lab.reference_stable_share(matrix):.2f}"


def hawk_dove_only(matrix):  # reads V and C off the matrix and returns V/C, whatever the game
    (a, b), (c, d) = np.asarray(matrix, dtype=float)
    value, cost = b, b - 2 * a
    return min(value / cost, 1.0)


def test_exercise_1():
    assert lab.check_exercise_1(lab.reference_stable_share).status == "correct"
    assert lab.check_exercise_1(stub).status == "not attempted"
    for wrong, words in [
        (mixed_always, "should be"),
        (dove_share, "should be 0.4, got 0.6"),
        (subtracts_in_place, "in place"),
        (as_text, "should be a probability"),
        (hawk_dove_only, "harmony game"),
        (42, "a function"),
    ]:
        status, message = verdict_of(lab.check_exercise_1, wrong)
        assert status in ("incorrect", "error") and words in message, (
            getattr(wrong, "__name__", wrong),
            status,
            message,
        )


def test_exercise_1_cases_make_the_reference_sensitive():
    games = list(lab.GAMES.values())
    assert (
        insensitive_arguments(lab.reference_stable_share, {"matrix": games[0]}, matrix=games[1:])
        == []
    )
    assert lab.reference_stable_share(payoff_matrix(2, 5)) == 0.4


# -- Exercise 2: one Moran step ----------------------------------------------------------------------
def uniform_parent(mutants, n, r, rng):  # ignores fitness
    return lab.reference_moran_step(mutants, n, 1.0, rng)


def victim_not_parent(
    mutants, n, r, rng
):  # excludes the parent from dying: different transition chances
    parent_mutant = rng.random() * (r * mutants + n - mutants) < r * mutants
    others_mutant = mutants - parent_mutant
    victim_mutant = rng.integers(n - 1) < others_mutant
    return int(mutants + parent_mutant - victim_mutant)


def resident_advantage(mutants, n, r, rng):  # applies r to the residents
    return lab.reference_moran_step(mutants, n, 1 / r, rng)


def global_rng(mutants, n, r, rng):  # ignores the rng it is given
    parent_mutant = np.random.random() * (r * mutants + n - mutants) < r * mutants
    victim_mutant = np.random.randint(n) < mutants
    return int(mutants + parent_mutant - victim_mutant)


def float_count(mutants, n, r, rng):
    return float(lab.reference_moran_step(mutants, n, r, rng))


def leaves_absorbing_state(mutants, n, r, rng):  # a mutant can appear from nowhere
    step = lab.reference_moran_step(mutants, n, r, rng)
    return 1 if mutants == 0 else step


def test_exercise_2():
    assert lab.check_exercise_2(lab.reference_moran_step).status == "correct"
    assert lab.check_exercise_2(stub).status == "not attempted"
    for wrong, words in [
        (uniform_parent, "rises with probability"),
        (victim_not_parent, "with probability"),
        (resident_advantage, "rises with probability"),
        (global_rng, "not reproducible"),
        (float_count, "should be a whole number"),
        (leaves_absorbing_state, "nobody can change type"),
    ]:
        status, message = verdict_of(lab.check_exercise_2, wrong)
        assert status == "incorrect" and words in message, (wrong.__name__, status, message)


def test_exercise_2_cases_make_the_reference_sensitive():
    assert (
        insensitive_arguments(
            lab.moran_transition, {"mutants": 3, "n": 10, "r": 2.0}, mutants=[7], n=[20], r=[0.5]
        )
        == []
    )
    assert [dict(c) for c in lab.MORAN_CASES][1:] == [
        {"mutants": 7, "n": 10, "r": 2.0},
        {"mutants": 3, "n": 20, "r": 2.0},
        {"mutants": 3, "n": 10, "r": 0.5},
    ]


# -- Exercise 3: fixation by simulation -------------------------------------------------------------------
def extinction_share(r, n, runs, seed):  # counts the runs the mutant is lost
    return 1 - lab.reference_fixation_estimate(r, n, runs, seed)


def stops_one_early(r, n, runs, seed):  # off by one: "fixed" at n - 1 mutants
    rng = np.random.default_rng(seed)
    fixed = 0
    for _ in range(runs):
        mutants = 1
        while 0 < mutants < n - 1:
            mutants = lab.reference_moran_step(mutants, n, r, rng)
        fixed += mutants == n - 1
    return fixed / runs


def ignores_runs(r, n, runs, seed):
    return lab.reference_fixation_estimate(r, n, 1000, seed)


def python_random(r, n, runs, seed):  # seeds nothing: draws from the global generator
    fixed = 0
    for _ in range(runs):
        mutants = 1
        while 0 < mutants < n:
            parent_mutant = random.random() * (r * mutants + n - mutants) < r * mutants
            victim_mutant = random.randrange(n) < mutants
            mutants += parent_mutant - victim_mutant
        fixed += mutants == n
    return fixed / runs


def neutral_formula(r, n, runs, seed):  # the answer for r = 1, whatever r is
    return 1 / n


def test_exercise_3():
    assert lab.check_exercise_3(lab.reference_fixation_estimate).status == "correct"
    assert lab.check_exercise_3(stub).status == "not attempted"
    for wrong, words in [
        (extinction_share, "within binomial error"),
        (stops_one_early, "within binomial error"),
        (ignores_runs, "use the runs argument"),
        (python_random, "not reproducible"),
        (neutral_formula, "within binomial error"),
    ]:
        status, message = verdict_of(lab.check_exercise_3, wrong)
        assert status == "incorrect" and words in message, (wrong.__name__, status, message)


def test_exercise_3_cases_make_the_reference_sensitive():
    exact = lambda r, n, runs, seed: runs * lab.fixation_probability(r, n) + seed  # noqa: E731 - every argument matters
    base = {"r": 1.5, "n": 8, "runs": 1500, "seed": 0}
    assert insensitive_arguments(exact, base, r=[0.7, 1.0], n=[3], runs=[37], seed=[3]) == []
    assert [c for c in lab.FIXATION_CASES] == [
        base,
        {**base, "r": 0.7},
        {**base, "r": 1.0},
        {**base, "n": 3},
        {**base, "runs": 37},
        {**base, "seed": 3},
    ]
    # the simulated reference itself responds to every argument
    assert (
        insensitive_arguments(
            lab.reference_fixation_estimate,
            {"r": 1.5, "n": 8, "runs": 300, "seed": 0},
            r=[0.7],
            n=[3],
            runs=[37],
            seed=[3],
        )
        == []
    )


# -- Exercise 4: an audit policy ----------------------------------------------------------------------
def test_exercise_4():
    assert lab.check_exercise_4(lambda: {"vetted_claims": 1}).status == "correct"
    assert lab.check_exercise_4(stub).status == "not attempted"
    for wrong, words in [
        (
            lambda: {"audit_rate": 0.1},
            "may win at most 25%",
        ),  # too few audits: low effort still wins
        (lambda: {"audit_rate": 0.5}, "audits per claim"),  # stops it, but uniformly: too expensive
        (lambda: {"vetted_claims": 3}, "audits per claim"),  # over-vetting: too expensive
        (lambda: {"audit_rate": 0.05, "audit_penalty": 1e6}, "penalty is fixed"),
        (lambda: {"audit_rate": 0.2, "replication": 0.5}, "may set only"),
        (lambda: {"vetted_claims": 1.5}, "not allowed"),
        (lambda: "vet the winners", "should be a dict"),
        ({"vetted_claims": 1}, "a function"),
    ]:
        status, message = verdict_of(lab.check_exercise_4, wrong)
        assert status == "incorrect" and words in message, (wrong, status, message)


def test_policy_table_and_held_out_seeds():
    table = lab.policy_table([{}, {"vetted_claims": 1}])
    assert list(table.index) == ["no audits", "vetted_claims = 1"]
    assert (
        table.loc["no audits", "low_wins"] == 1.0
        and table.loc["no audits", "audits_per_claim"] == 0.0
    )
    assert not set(lab.TUNING_SEEDS) & set(lab.HELD_OUT_SEEDS)

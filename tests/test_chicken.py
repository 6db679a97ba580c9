"""Chicken with commitment devices (Schelling 1960): first credible commitment wins,
simultaneous commitments crash, rigid vs conditional crash rates, the population."""

import random

import numpy as np
import pytest

from mesa_models import run
from mesa_models.commitment.chicken import (
    ChickenPopulation,
    CommitAt,
    Commitment,
    ConditionalCommitment,
    RigidCommitment,
    Yielder,
    crash_rate,
    expected_match,
    payoff_matrix,
    play_chicken,
    replicator,
    simultaneous_probability,
)


@pytest.mark.parametrize("first, second", [(0, 2), (0, 9), (3, 5), (6, 8), (7, 9)])
def test_first_credible_commitment_wins(first, second):
    for a, b, winner in ((first, second, 0), (second, first, 1)):
        result = play_chicken(CommitAt(a), CommitAt(b), delay=2)
        assert result.winner == winner and not result.crash
        assert result.committed == ((True, False) if winner == 0 else (False, True))
        assert result.payoffs == ((0.9, -1.0) if winner == 0 else (-1.0, 0.9))


@pytest.mark.parametrize("a, b, delay", [(4, 4, 1), (4, 5, 2), (0, 2, 3), (5, 9, 5)])
def test_simultaneous_commitments_crash(a, b, delay):
    result = play_chicken(CommitAt(a), CommitAt(b), delay=delay)
    assert result.crash and result.committed == (True, True)
    assert result.payoffs == (-10.1, -10.1)


def test_crash_rates_rigid_vs_conditional_exact_and_simulated():
    assert simultaneous_probability(10, 2) == pytest.approx(0.28)
    rigid = expected_match("rigid", "rigid")["crash"]
    conditional = expected_match("conditional", "conditional")["crash"]
    assert rigid == pytest.approx(0.28) and conditional == pytest.approx(
        0.01
    )  # only both in the last tick
    mixed = expected_match("rigid", "conditional")["crash"]
    assert conditional < mixed < rigid
    for seed in range(3):
        assert crash_rate("rigid", "rigid", 10_000, rng=seed) == pytest.approx(rigid, abs=0.02)
        assert crash_rate("conditional", "conditional", 4000, rng=seed) == pytest.approx(
            conditional, abs=0.006
        )
    # longer delays make simultaneous commitments likelier; conditional ones crash only when unseen at play
    for delay in (1, 3, 5):
        assert expected_match("rigid", "rigid", delay=delay)["crash"] == pytest.approx(
            simultaneous_probability(10, delay)
        )
        assert expected_match("conditional", "conditional", delay=delay)["crash"] == pytest.approx(
            ((delay - 1) / 10) ** 2
        )


def test_mistaken_commitments_crash_into_deliberate_ones():
    """A mistaken commitment is a misfire: it happens whether or not the other committed."""
    assert expected_match("yield", "yield", mistake=0.1)["crash"] == pytest.approx(0.1 * 0.1)
    assert expected_match("rigid", "yield", mistake=0.0)["crash"] == 0.0
    # the rigid driver avoids the crash only if it saw the misfire first (36 of 100 tick pairs)
    assert expected_match("rigid", "yield", mistake=0.1)["crash"] == pytest.approx(0.1 * 0.64)
    assert crash_rate("rigid", "yield", 5000, rng=1, mistake=0.1) == pytest.approx(0.064, abs=0.015)


def test_payoff_matrix_and_the_committers_equilibrium():
    m = payoff_matrix(["yield", "rigid"])
    assert m.ravel().tolist() == pytest.approx([0.0, -1.0, 0.9, -2.864])
    share = (m[1, 0] - m[0, 0]) / ((m[1, 0] - m[0, 0]) + (m[0, 1] - m[1, 1]))
    assert share == pytest.approx(0.3256, abs=1e-4)
    assert replicator(m, [0.95, 0.05], 3000)[-1][1] == pytest.approx(share, abs=1e-3)


def test_committing_types_spread_in_the_population_across_seeds():
    """From 5 % rigid committers among yielders, committers spread towards the mixed
    equilibrium (about a third); crashes appear as they do."""
    for seed in range(3):
        frame = run(ChickenPopulation, 250, rng=seed)
        assert frame["rigid"].iloc[-50:].mean() > 0.15
        assert frame["crash_rate"].iloc[1:21].mean() < frame["crash_rate"].iloc[-50:].mean()


def test_population_crash_rate_matches_the_exact_expectation():
    """Agent-based matches against the exact enumeration, population held fixed."""
    model = ChickenPopulation(
        rng=4, n_agents=400, initial_rigid=0.5, initial_conditional=0.25, imitation=0.0
    )
    crashes = run(model, 60)["crash_rate"].iloc[1:].mean()
    shares = np.array([0.25, 0.5, 0.25])  # yield, rigid, conditional
    exact = sum(
        shares[i] * shares[j] * expected_match(a, b)["crash"]
        for i, a in enumerate(["yield", "rigid", "conditional"])
        for j, b in enumerate(["yield", "rigid", "conditional"])
    )
    assert crashes == pytest.approx(exact, abs=0.01)


def test_same_seed_same_run():
    assert run(ChickenPopulation, 20, rng=3).equals(run(ChickenPopulation, 20, rng=3))
    assert not run(ChickenPopulation, 20, rng=3).equals(run(ChickenPopulation, 20, rng=4))


def test_custom_escape_clause_plugs_in():
    class Coward(RigidCommitment):
        def escape(self, saw_commitment, random):
            return True

    assert play_chicken(Coward, Coward, random=1).moves == ("swerve", "swerve")
    model = ChickenPopulation(
        rng=0, strategies={"conditional": Coward}, initial_conditional=0.5, initial_rigid=0.0
    )
    model.step()
    assert model.crash_share == 0.0


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: play_chicken("rigid", "kamikaze"), TypeError, "'b' got 'kamikaze'"),
        (lambda: play_chicken("rigid", "rigid", window=3, delay=9), ValueError, "'delay' got 9"),
        (lambda: play_chicken(CommitAt(12), "rigid"), ValueError, "returned 12"),
        (
            lambda: play_chicken(
                type("Bad", (RigidCommitment,), {"escape": lambda s, saw, r: "no"}), "yield"
            ),
            ValueError,
            "returned 'no'",
        ),
        (lambda: ChickenPopulation(rng=0, n_agents=7), ValueError, "'n_agents' got 7"),
        (
            lambda: ChickenPopulation(rng=0, initial_rigid=0.7, initial_conditional=0.7),
            ValueError,
            "'initial_conditional'",
        ),
        (lambda: ChickenPopulation(rng=0, strategies={"hawk": Yielder}), ValueError, "'hawk'"),
        (lambda: ChickenPopulation(rng=0, strategies={"rigid": 5}), TypeError, "strategies"),
        (lambda: crash_rate("rigid", "rigid", 0), ValueError, "'matches' got 0"),
        (lambda: replicator(np.eye(2), [0.5, 0.6], 3), ValueError, "'start'"),
        (lambda: CommitAt(-1), ValueError, "'tick' got -1"),
        (lambda: expected_match(Commitment(), "rigid"), NotImplementedError, "crash_rate"),
        (
            lambda: expected_match(
                type("Mine", (RigidCommitment,), {"escape": lambda s, saw, r: saw})(), "rigid"
            ),
            NotImplementedError,
            "escape_probability",
        ),
        (lambda: expected_match(CommitAt(12), "rigid"), ValueError, "plans tick 12"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_numpy_scalars_are_accepted():
    result = play_chicken(
        CommitAt(np.int64(1)), "yield", window=np.int64(5), delay=np.int64(2), cost=np.float64(0.2)
    )
    assert result.payoffs == (0.8, -1.0)
    assert ChickenPopulation(rng=np.int64(1), n_agents=np.int64(10)).n_agents == 10
    assert (
        play_chicken("rigid", ConditionalCommitment(), random=random.Random(2)).ticks[0] is not None
    )

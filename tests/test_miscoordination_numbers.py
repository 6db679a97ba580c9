"""Every number stated in the Unit 01 lesson (lessons/01_miscoordination.ipynb),
recomputed with the same seeds and code; each test names the sentence it checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesa_models import run
from mesa_models.miscoordination.conventions import Conventions, emergence_time
from mesa_models.miscoordination.el_farol import ElFarol, arthur_family, attendance_stats
from mesa_models.miscoordination.el_farol_fast import ElFarolArray


def test_left_wins_3_of_8():
    """'left won 3 times and right 5 times' (complete graph, seeds 0-7, 60 steps)."""
    wins = sum(
        run(Conventions, 60, rng=s, topology="complete")["share_left"].iloc[-1] > 0.5
        for s in range(8)
    )
    assert wins == 3


def test_emergence_times_by_topology():
    """'complete within 5 steps, random within 9; small world 27-125 steps in three runs,
    not within 300 in the fourth; ring lattice: two of four not within 300'."""
    times = {
        topology: [
            emergence_time(run(Conventions, 300, rng=s, topology=topology)) for s in range(4)
        ]
        for topology in ("complete", "random", "small world", "ring lattice")
    }
    assert max(times["complete"]) <= 5
    assert max(times["random"]) <= 9
    small = [t for t in times["small world"] if t is not None]
    assert len(small) == 3 and (min(small), max(small)) == (27, 125)
    assert times["ring lattice"].count(None) == 2


def test_first_contact_5_of_8_apart_77_percent():
    """'5 of 8 runs settled on opposite sides; 77 % on average, between 67 % and 91 %'."""
    first, apart = [], 0
    for seed in range(8):
        frame = run(Conventions, 61, rng=seed, groups=2, topology="random", contact_step=60)
        if abs(frame["share_left_A"][60] - frame["share_left_B"][60]) > 0.8:
            apart += 1
            first.append(frame["cross_miscoordination"][61])
    assert apart == 5
    assert round(np.mean(first) * 100) == 77
    assert (round(min(first) * 100), round(max(first) * 100)) == (67, 91)


def test_cheap_talk_numbers():
    """Seed 3, complete groups, contact after 40: '98 %' crashes without talk, '0 %' with
    perfect talk, '26 %' with 20 % noise, and '20 %' vs '7 %' across all meetings."""
    scenario = dict(groups=2, topology="complete", contact_step=40)
    silent = run(Conventions, 100, rng=3, **scenario)
    clean = run(Conventions, 100, rng=3, cheap_talk=True, signal_noise=0.0, **scenario)
    noisy = run(Conventions, 100, rng=3, cheap_talk=True, signal_noise=0.2, **scenario)

    def pct(frame, column):
        return round(frame.loc[41:, column].mean() * 100)

    assert pct(silent, "cross_miscoordination") == 98
    assert pct(clean, "cross_miscoordination") == 0
    assert pct(noisy, "cross_miscoordination") == 26
    assert pct(noisy, "miscoordination") == 20
    assert pct(silent, "miscoordination") == 7


@pytest.fixture(scope="module")
def el_farol_tables():
    def table(**params):
        return pd.DataFrame(
            [
                attendance_stats(
                    run(ElFarol, 300, rng=s, **params)["attendance"][1:], 60, burn_in=50
                )
                for s in range(6)
            ]
        ).mean()

    return table(), table(monoculture=True)


def test_el_farol_diverse_numbers(el_farol_tables):
    """'mean attendance was 59.3 ... standard deviation 23 agents ... 27 % of weeks overloaded'."""
    diverse, _ = el_farol_tables
    assert round(diverse["mean"], 1) == 59.3
    assert round(diverse["std"]) == 23
    assert round(diverse["overloaded"] * 100) == 27


def test_el_farol_monoculture_numbers(el_farol_tables):
    """'attendance is 0 or 100 every week, its standard deviation is 50 agents, and 53 %
    of weeks were overloaded'."""
    _, mono = el_farol_tables
    assert round(mono["std"]) == 50
    assert round(mono["overloaded"] * 100) == 53
    assert set(run(ElFarol, 300, rng=0, monoculture=True)["attendance"][1:]) <= {0, 100}


def test_pool_size_sweep():
    """Fast engine, seeds 0-9: 'falls from 51 % with a pool of 6 to 27 % with a pool of
    100, and no further with 400 (28 %)'."""

    def overloaded(pool):
        return np.mean(
            [
                attendance_stats(
                    ElFarolArray.from_params(rng=s, pool_size=pool).run(300), 60, burn_in=50
                )["overloaded"]
                for s in range(10)
            ]
        )

    assert [round(overloaded(pool) * 100) for pool in (6, 100, 400)] == [51, 27, 28]


def test_arthur_family_has_23_distinct_predictors():
    """'with 8 weeks of memory Arthur's predictor types give only 23 distinct predictors'."""
    rng = np.random.default_rng(0)
    names = {arthur_family(rng, memory=8, n_agents=100).name for _ in range(3000)}
    assert len(names) == 23


def test_credit_assignment_numbers():
    """Seeds 0-2, 1000 steps: 'teams of 2 and 5 all learned their jobs; in teams of 20 about
    half had (52 %), and in teams of 50 and 100 only 30 %'; 'with difference rewards every
    agent in every team learned its job'."""
    from mesa_models.miscoordination.credit_assignment import TeamLearning

    def share(n, reward):
        return np.mean(
            [
                run(TeamLearning, 1000, rng=s, n_agents=n, reward=reward)["share_correct"].iloc[-1]
                for s in range(3)
            ]
        )

    assert share(2, "team") == share(5, "team") == 1.0
    assert round(share(20, "team") * 100) == 52
    assert round(share(50, "team") * 100) == round(share(100, "team") * 100) == 30
    assert all(share(n, "difference") == 1.0 for n in (2, 5, 20, 50, 100))


def test_agreement_reaches_100_percent_but_slips():
    """Lesson 01 §1: agreement reaches 100 % in every run (first between steps 4 and 9);
    from step 10 on it is exactly 100 % in 27-39 % of steps and dips as low as 96 %."""
    firsts, unanimous, lows = [], [], []
    for seed in range(8):
        agreement = run(Conventions, 60, rng=seed, topology="complete")["agreement"]
        firsts.append(int(agreement.index[agreement == 1.0][0]))
        unanimous.append(float((agreement.iloc[10:] == 1.0).mean()))
        lows.append(float(agreement.iloc[10:].min()))
    assert (min(firsts), max(firsts)) == (4, 9)
    assert (round(min(unanimous), 2), round(max(unanimous), 2)) == (0.27, 0.39)
    assert min(lows) == 0.96


def test_coin_flipping_patrons_baseline():
    """Lesson 01 §4: patrons who go with probability 0.6 average about 60, sd 5, and are
    overloaded in 0.1 % of weeks (seeds 0-5, weeks 51-300), against 27 % for Arthur's."""
    stats = [
        attendance_stats(np.random.default_rng(s).binomial(100, 0.6, size=300), 60, burn_in=50)
        for s in range(6)
    ]
    assert abs(np.mean([s["mean"] for s in stats]) - 60) < 0.5
    assert round(float(np.mean([s["std"] for s in stats]))) == 5
    assert round(float(np.mean([s["overloaded"] for s in stats])), 3) == 0.001

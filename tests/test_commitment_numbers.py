"""Every number stated in the prose of lessons/08_commitment_and_trust.ipynb and in the model
answer of solutions/08_commitment_and_trust_lab.ipynb, recomputed with the notebooks' seeds.
The full-scale threshold figures quoted from benchmarks/commitment_full.py are recomputed by an
opt-in test (``RISKLAB_SLOW=1``)."""

import os

import numpy as np
import pytest

from mesa_models import run
from mesa_models.commitment import (
    CHICKEN_STRATEGIES,
    CommitAt,
    ProgramDilemma,
    crash_rate,
    expected_match,
    image_scoring,
    known_share,
    payoff_matrix,
    play_chicken,
    program_payoff_matrix,
    replicator,
    simulate,
    standing,
    threshold_sweep,
)
from mesa_models.commitment.lab import ReferenceEscapeClause, reference_cooperation_level


def test_section_1_matches_and_crash_rates():
    assert play_chicken(CommitAt(2), CommitAt(6)).payoffs == (0.9, -1.0)
    assert play_chicken(CommitAt(6), CommitAt(2)).payoffs == (-1.0, 0.9)
    assert play_chicken(CommitAt(5), CommitAt(6)).crash
    assert f"{expected_match('rigid', 'rigid')['crash']:.0%}" == "28%"
    assert f"{expected_match('conditional', 'conditional')['crash']:.0%}" == "1%"
    assert f"{expected_match('rigid', 'conditional')['crash']:.0%}" == "2%"


def test_section_1_population_shares():
    two = replicator(payoff_matrix(["yield", "rigid"]), [0.95, 0.05], 2000)[-1]
    assert f"{two[1]:.0%}" == "33%"
    assert f"{two[1] ** 2 * 0.28:.0%}" == "3%"
    three = dict(
        zip(
            CHICKEN_STRATEGIES,
            replicator(payoff_matrix(list(CHICKEN_STRATEGIES)), [0.9, 0.05, 0.05], 2000)[-1],
        )
    )
    assert f"{three['conditional']:.0%}" == "93%" and f"{three['rigid']:.0%}" == "7%"


def test_section_2_program_equilibrium_numbers():
    m = program_payoff_matrix(["clique", "impostor"], detection=0.0)
    assert m[1, 0] == 5 and m[0, 0] == 3
    assert round((-5 + np.sqrt(33)) / 2, 3) == 0.372
    late = {
        kw: run(ProgramDilemma, 300, rng=0, **dict([kw]))["cooperation"].iloc[-50:].mean()
        for kw in [
            ("inspection_noise", 0.1),
            ("inspection_noise", 0.45),
            ("detection", 0.2),
            ("detection", 0.8),
        ]
    }
    assert f"{late['inspection_noise', 0.1]:.2f}" == "0.90"
    assert f"{late['inspection_noise', 0.45]:.2f}" == "0.21"
    assert f"{late['detection', 0.2]:.2f}" == "0.07"
    assert late["detection", 0.8] == 1.0
    assert run(ProgramDilemma, 300, rng=0)["cooperation"].iloc[-50:].mean() == 1.0


def test_section_3_threshold_sweep():
    sweep = threshold_sweep(
        np.round(np.arange(0, 1.01, 0.1), 2), [0.2, 0.5], range(4), 150, initial_defectors=0.0
    )
    late = sweep.set_index(["c_over_b", "q", "seed"])["cooperation"]
    assert f"{known_share(100, 500):.2f}" == "0.80"
    qs = sorted(set(sweep["q"]))
    # c/b = 0.2: every seed collapses for q <= 0.2 and cooperates from q = 0.4
    assert all((late.loc[0.2, q] < 0.1).all() for q in qs if q <= 0.2)
    assert all((late.loc[0.2, q] > 0.9).all() for q in qs if q >= 0.4)
    assert f"{late.loc[0.2, 0.4].mean():.0%}" == "94%"
    # c/b = 0.5: collapse up to q = 0.6, cooperation from q = 0.8
    assert all((late.loc[0.5, q] < 0.1).all() for q in qs if q <= 0.6)
    assert all((late.loc[0.5, q] > 0.9).all() for q in qs if q >= 0.8)


def test_section_3_perception_errors():
    errors = [0.0, 0.01, 0.02, 0.05, 0.1]
    levels = {}
    for norm in ("image scoring", "standing"):
        runs = simulate(
            [s for _ in errors for s in range(4)],
            1,
            rounds=10_000,
            mutation=0.0,
            initial_defectors=0.0,
            norm=norm,
            perception_error=[mu for mu in errors for _ in range(4)],
        )
        levels[norm] = runs.cooperation[:, 0].reshape(len(errors), 4).mean(axis=1)
    assert levels["image scoring"][0] == 1.0
    assert (
        f"{levels['image scoring'][1]:.2f}" == "0.62"
        and f"{levels['image scoring'][3]:.2f}" == "0.53"
    )
    assert f"{levels['standing'][1]:.2f}" == "0.99" and f"{levels['standing'][3]:.2f}" == "0.95"


def test_connections_and_lab_model_answer():
    # eBay experiment (Resnick et al. 2006) is quoted, not computed: 8.1 %.
    assert f"{expected_match('rigid', 'rigid', delay=8)['crash']:.0%}" == "94%"
    escape = {
        d: crash_rate(ReferenceEscapeClause(1.0), ReferenceEscapeClause(1.0), 3000, rng=2, delay=d)
        for d in (2, 8)
    }
    assert f"{escape[2]:.0%}" == "1%" and 0.4 < escape[8] < 0.6
    image = np.mean([reference_cooperation_level(image_scoring, 0.05, s) for s in range(3)])
    stand = np.mean([reference_cooperation_level(standing, 0.05, s) for s in range(3)])
    assert f"{image:.2f}" == "0.64" and f"{stand:.2f}" == "0.96"


@pytest.mark.skipif(
    os.environ.get("RISKLAB_SLOW") != "1",
    reason="1,000 generations x 10 seeds per point (set RISKLAB_SLOW=1)",
)
def test_full_scale_threshold_figures_quoted_from_the_benchmark():
    points = {
        0.1: (0.15, 0.3),
        0.2: (0.3, 0.4),
        0.3: (0.45, 0.6),
        0.5: (0.7, 0.8),
        0.7: (0.8, 0.95),
    }
    qs = sorted({q for pair in points.values() for q in pair})
    late = threshold_sweep(qs, list(points), range(10), 1000, initial_defectors=0.0).set_index(
        ["c_over_b", "q", "seed"]
    )["cooperation"]
    for ratio, (collapsed, held) in points.items():
        assert (late.loc[ratio, collapsed] < 0.1).all() and (late.loc[ratio, held] > 0.9).all()


@pytest.mark.skipif(
    os.environ.get("RISKLAB_SLOW") != "1",
    reason="10 seeds x 1,000 generations x 2,000 encounters (set RISKLAB_SLOW=1)",
)
def test_full_scale_evolution_under_errors_quoted_from_the_benchmark():
    result = {}
    for norm in ("image scoring", "standing"):
        runs = simulate(
            range(10),
            1000,
            norm=norm,
            perception_error=0.05,
            initial_defectors=0.0,
            allow_cooperators=True,
            rounds=2000,
            cost=0.2,
        )
        result[norm] = (runs.late_cooperation(), runs.defectors[:, -500:].mean())
    assert (
        f"{result['image scoring'][0].mean():.2f}" == "0.36"
        and f"{result['image scoring'][1]:.0%}" == "61%"
    )
    assert (
        f"{result['standing'][0].mean():.2f}" == "0.76" and (result["standing"][0] > 0.9).sum() == 6
    )
    assert ((result["standing"][0] > 0.8) & (result["standing"][0] < 0.9)).sum() == 1

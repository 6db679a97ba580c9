"""Every number stated in the prose of lessons/10_multi_agent_security.ipynb and of the model
answer in solutions/10_multi_agent_security_lab.ipynb, recomputed with the notebooks'
seeds and rounding (the published numbers they quote are tested in test_infectious_jailbreak.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mesa_models import run
from mesa_models.security import (
    InfectiousJailbreak,
    MemoryPoisoning,
    critical_detection,
    expected_next,
    growth_factor,
    monitor_rates,
    ode_rounds,
    plateau,
    policy_outcome,
    recurrence,
    recurrence_rounds,
    role_blast_radii,
    simulate,
    simulate_defence,
    threshold_for_detection,
    threshold_sweep,
)
from mesa_models.security import lab

BETA, GAMMA = 0.8, 0.1


# -- section 2: infectious jailbreak --------------------------------------------------------------------


def test_section_2_mesa_runs():
    assert f"{growth_factor(BETA, GAMMA):.2f}" == "1.30" and f"{plateau(BETA, GAMMA):.2f}" == "0.75"
    shares = np.array(
        [
            run(InfectiousJailbreak, 40, rng=seed, n_agents=256, beta=BETA, gamma=GAMMA)["infected"]
            for seed in range(12)
        ]
    )
    assert int((shares[:, -1] == 0).sum()) == 2  # "2 of 12"
    assert f"{shares[shares[:, -1] > 0][:, -10:].mean():.3f}" == "0.752"


def test_section_2_residuals_and_a_million_agents():
    outbreaks = simulate(n_agents=10_000, beta=BETA, gamma=GAMMA, rounds=40, runs=200, rng=0)
    now, nxt = outbreaks.fraction[:, :-1], outbreaks.fraction[:, 1:]
    alive = now > 0
    residual = nxt[alive] - np.array([expected_next(c, BETA, GAMMA, 10_000) for c in now[alive]])
    assert f"{residual.mean():+.6f}" == "-0.000005"
    assert f"{residual.std(ddof=1) / np.sqrt(residual.size):.6f}" == "0.000021"
    assert residual.size == 6766
    big = simulate(
        n_agents=1_000_000,
        beta=BETA,
        gamma=GAMMA,
        initial_infected=1000,
        rounds=40,
        runs=100,
        rng=0,
    )
    assert (
        f"{np.abs(big.mean() - recurrence(0.001, BETA, GAMMA, 40, 1_000_000)).max():.4f}"
        == "0.0006"
    )


def test_section_2_threshold_at_beta_equal_two_gamma():
    share = (
        simulate(
            n_agents=10_000, beta=BETA, gamma=0.4, initial_infected=100, rounds=300, runs=20, rng=1
        )
        .fraction[:, -50:]
        .mean()
    )
    assert f"{share:.1%}" == "0.3%"


def test_section_2_log_n():
    sizes = [10**k for k in range(2, 7)]
    medians = {target: [] for target in (0.5, 0.99)}
    for n in sizes:
        runs_n = simulate(n_agents=n, beta=1.0, gamma=0.0, rounds=80, runs=500, rng=2)
        for target in medians:
            medians[target].append(np.median(runs_n.rounds_to(target)))
    assert medians[0.5][-1] == 34 and medians[0.99][-1] == 42  # a million agents
    slope = np.polyfit(np.log(sizes), medians[0.5], 1)[0]
    assert f"{slope:.2f}" == "2.52" and f"{1 / math.log(1.5):.2f}" == "2.47"
    assert round(slope * math.log(10)) == 6  # "each tenfold increase adds about six rounds"
    assert f"{ode_rounds(10**6, 1.0, 0.0, 0.5):.1f}" == "27.6"
    assert recurrence_rounds(10**6, 1.0, 0.0, 0.99) == 41


def test_section_2_benchmark_scale():
    # "half of 10^8 agents are infected after 46 rounds, twelve more than for a million"
    half = np.median(
        simulate(n_agents=10**8, beta=1.0, gamma=0.0, rounds=80, runs=500, rng=2).rounds_to(0.5)
    )
    assert half == 46 and half - 34 == 12


# -- section 3: memory poisoning --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def memory_runs():
    policies = {
        "none": dict(cleanup="none"),
        "reset": dict(cleanup="reset"),
        "purge": dict(cleanup="purge"),
        "purge98": dict(cleanup="purge", purge_recall=0.98),
    }
    return {
        name: [run(MemoryPoisoning, 80, rng=seed, **settings) for seed in range(8)]
        for name, settings in policies.items()
    }


def mean_series(frames, column="compromised"):
    return sum(f[column] for f in frames) / len(frames)


def test_section_3_numbers(memory_runs):
    assert f"{mean_series(memory_runs['none'])[39]:.2f}" == "0.75"  # "three quarters"
    assert f"{np.mean([f['poisoned_memory'].iloc[40] for f in memory_runs['none']]):.2f}" == "0.62"
    reset = mean_series(memory_runs["reset"])
    assert reset[40] == 0 and f"{reset[41]:.0%}" == "61%" and f"{reset[45]:.0%}" == "85%"
    assert all(f["compromised"].iloc[80] == 1.0 for f in memory_runs["reset"])
    total = {
        name: np.mean([f["total_cost"].iloc[-1] for f in frames])
        for name, frames in memory_runs.items()
    }
    clean = {
        name: np.mean([f["cleanup_cost"].iloc[-1] for f in frames])
        for name, frames in memory_runs.items()
    }
    assert clean["reset"] == 100 and clean["purge"] == 500 and clean["purge"] / clean["reset"] == 5
    assert f"{total['reset']:,.0f}" == "5,166" and f"{total['none']:,.0f}" == "5,111"
    assert f"{total['purge']:,.0f}" == "1,767"
    assert all((f["compromised"].iloc[41:] == 0).all() for f in memory_runs["purge"])
    purge98 = mean_series(memory_runs["purge98"])
    assert f"{purge98[41]:.0%}" == "14%" and f"{purge98[80]:.0%}" == "96%"


# -- section 4: defence ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sweeps():
    thresholds = np.round(np.arange(0, 3.01, 0.25), 2)
    return threshold_sweep(thresholds, seeds=range(12)), threshold_sweep(
        thresholds, seeds=range(12), capacity=0.1
    )


def test_section_4_containment_threshold():
    d_star = critical_detection(BETA, GAMMA)
    t_star = threshold_for_detection(1.5, d_star)
    assert f"{d_star:.3f}" == "0.231" and f"{t_star:.2f}" == "2.24"
    assert f"{monitor_rates(1.5, t_star)[1]:.1%}" == "1.3%"


def test_section_4_threshold_sweeps(sweeps):
    unlimited, tight = sweeps
    assert (unlimited.loc[:2.25, "infected"] <= 0.05).all() and (
        unlimited.loc[2.5:, "infected"] > 0.05
    ).all()
    on_target = unlimited[unlimited["infected"] <= 0.05]
    chosen = on_target["false_alarm_cost"].idxmin()
    assert chosen == 2.25
    assert f"{on_target.loc[chosen, 'infected']:.1%}" == "0.4%"
    assert f"{on_target.loc[chosen, 'false_alarm_cost']:.1%}" == "2.4%"
    assert f"{unlimited.loc[1.0, 'false_alarm_cost']:.0%}" == "24%"
    assert (
        round(unlimited.loc[1.0, "false_alarm_cost"] / unlimited.loc[chosen, "false_alarm_cost"])
        == 10
    )
    assert tight.index[tight["infected"] <= 0.05].tolist() == [2.0]
    low = tight.loc[:1.0, "infected"]
    assert round(low.mean(), 1) == 0.6 and (low > 0.55).all()  # "about 60 %"


def test_section_4_least_privilege():
    assert set(role_blast_radii(False).values()) == {54.0}
    assert sorted(role_blast_radii(True).values()) == [4.0, 4.0, 5.0, 6.0, 9.0]
    harm = {
        lp: policy_outcome(100, range(12), quarantine=False, least_privilege=lp)
        for lp in (False, True)
    }
    assert f"{harm[False]['harm']:.2f}" == "34.90" and f"{harm[True]['harm']:.2f}" == "3.62"
    assert round(1 - harm[True]["harm"] / harm[False]["harm"], 1) == 0.9  # "nine tenths"
    assert f"{harm[False]['infected']:.2f}" == f"{harm[True]['infected']:.2f}" == "0.75"


def test_section_4_segmentation():
    settings = {
        "one": dict(segments=1),
        "leaky": dict(segments=4, cross_traffic=0.02),
        "sealed": dict(segments=4, cross_traffic=0.0),
    }
    final, half = {}, {}
    for name, kw in settings.items():
        result = simulate_defence(150, 12, rng=5, quarantine=False, **kw)
        final[name] = result["infected"].mean(axis=0)[-1]
        reached = result["infected"] >= 0.375
        half[name] = np.median(np.where(reached.any(axis=1), reached.argmax(axis=1), np.nan))
    assert f"{final['sealed']:.3f}" == "0.176" and f"{final['leaky']:.3f}" == "0.748"
    assert half["leaky"] == 29.5 and half["one"] == 13.5


def test_check_your_understanding():
    assert f"{plateau(0.6, 0.1):.2f}" == "0.67"
    assert f"{2 * math.log(1000):.1f}" == "13.8"
    assert round(math.log(1000) / math.log(1.5)) == 17


# -- the lab's model answers ---------------------------------------------------------------------------------


def test_lab_constants_and_residual_note():
    assert lab.LAB_ROUNDS == 60 and lab.LATE_ROUNDS == 20
    runs = simulate(
        n_agents=10_000, beta=0.8, gamma=0.1, initial_infected=100, rounds=40, runs=100, rng=1
    )
    before, after = runs.fraction[:, :-1].ravel(), runs.fraction[:, 1:].ravel()
    residual = after - np.array([lab.reference_next_share(c, 0.8, 0.1) for c in before])
    se = residual.std(ddof=1) / np.sqrt(residual.size)
    assert (
        f"{residual.mean():+.5f}" == "+0.00001" and abs(residual.mean()) < 2 * se
    )  # "tiny, within its standard error"


def test_lab_accountability_plot_numbers():
    harm = {}
    for name, settings in {
        "none": dict(quarantine=False),
        "lp": dict(quarantine=False, least_privilege=True),
        "quarantine": dict(threshold=2.0),
        "both": dict(threshold=2.0, least_privilege=True),
    }.items():
        harm[name] = (
            simulate_defence(lab.LAB_ROUNDS, 8, rng=11, **settings)["harm"].sum(axis=1).mean()
        )
    assert harm["none"] / harm["both"] > 1000  # "more than a thousand times"
    assert round(1 - harm["lp"] / harm["none"], 1) == 0.9  # least privilege removes nine tenths
    assert harm["quarantine"] < harm["lp"]  # "quarantine far more"

"""Infectious jailbreak (Gu et al. 2024): the agent model and the fast engine follow the
paper's recurrence within sampling error, persist exactly when beta > 2 gamma, need a number
of rounds that grows with log N (up to 10^6 here; 10^8 in benchmarks/security_full.py), and
agree with each other; plus determinism, extension points and bad input."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

from mesa_models import run
from mesa_models.security.infectious_jailbreak import (
    VIRUS,
    ChatAgent,
    InfectiousJailbreak,
    expected_next,
    growth_factor,
    ode_rounds,
    plateau,
    recurrence,
    recurrence_rounds,
)
from mesa_models.security.infectious_jailbreak_fast import simulate

matplotlib.use("Agg")


# -- the paper's formulas ------------------------------------------------------------------------------


def test_recurrence_is_gu_et_al_expectation():
    # E[c_{t+1}] = (1 - gamma) c + beta c (1 - c) / 2 (mean of Eq. 5); finite N adds N / (N - 1)
    assert expected_next(0.2, 0.8, 0.1) == pytest.approx(0.9 * 0.2 + 0.8 * 0.2 * 0.8 / 2)
    assert expected_next(0.2, 0.8, 0.1, 100) == pytest.approx(
        0.9 * 0.2 + 0.8 * 0.2 * 0.8 / 2 * 100 / 99
    )
    assert expected_next(0.0, 1.0, 0.0) == 0.0 and expected_next(1.0, 1.0, 0.3) == pytest.approx(
        0.7
    )
    assert recurrence(0.01, 0.8, 0.1, 3).tolist() == pytest.approx(
        [
            0.01,
            expected_next(0.01, 0.8, 0.1),
            expected_next(expected_next(0.01, 0.8, 0.1), 0.8, 0.1),
            expected_next(expected_next(expected_next(0.01, 0.8, 0.1), 0.8, 0.1), 0.8, 0.1),
        ]
    )


def test_threshold_and_plateau_formulas():
    assert growth_factor(0.8, 0.1) == pytest.approx(1.3)
    assert plateau(0.8, 0.1) == pytest.approx(0.75)
    assert plateau(0.8, 0.4) == 0.0 and plateau(0.5, 0.3) == 0.0
    # the plateau is a fixed point of the recurrence
    assert expected_next(plateau(0.6, 0.05), 0.6, 0.05) == pytest.approx(plateau(0.6, 0.05))


def test_ode_rounds_is_the_papers_formula():
    # T = 2/(b-2g) [log N + log(c_T (b-2g) / (b-2g-c_T b))]; for b = 1, g = 0, c_T = 1/2: 2 log N
    assert ode_rounds(10**6, 1.0, 0.0, 0.5) == pytest.approx(2 * math.log(10**6))
    r = 0.8 - 0.2
    assert ode_rounds(1000, 0.8, 0.1, 0.6) == pytest.approx(
        2 / r * (math.log(1000) + math.log(0.6 * r / (r - 0.6 * 0.8)))
    )
    # a billion agents need about 14 more rounds than a million (Gu et al.)
    assert round(ode_rounds(10**9, 1.0, 0.0, 0.5) - ode_rounds(10**6, 1.0, 0.0, 0.5)) == 14
    with pytest.raises(ValueError, match="'beta'"):
        ode_rounds(1000, 0.4, 0.2, 0.5)
    with pytest.raises(ValueError, match="'target'.*plateau"):
        ode_rounds(1000, 0.8, 0.1, 0.8)


def test_recurrence_rounds():
    assert recurrence_rounds(10**6, 1.0, 0.0, 0.5) == 34
    assert recurrence_rounds(100, 0.8, 0.5, 0.5) is None  # beta < 2 gamma: never
    assert recurrence_rounds(100, 0.8, 0.1, 0.9) is None  # above the plateau 0.75: never
    assert recurrence_rounds(100, 0.8, 0.1, 0.005) == 0


# -- the simulation follows the recurrence within sampling error -----------------------------------------


def one_step_counts_mesa(n_agents, carriers, beta, gamma, seeds):
    counts = []
    for seed in seeds:
        model = InfectiousJailbreak(
            rng=seed, n_agents=n_agents, initial_infected=carriers, beta=beta, gamma=gamma
        )
        model.step()
        counts.append(int(model.carriers().sum()))
    return np.array(counts)


def test_one_round_of_the_agent_model_has_the_recurrence_as_its_mean():
    n, k, beta, gamma = 100, 30, 0.8, 0.1
    counts = one_step_counts_mesa(n, k, beta, gamma, range(400))
    want = expected_next(k / n, beta, gamma, n) * n
    se = counts.std(ddof=1) / math.sqrt(len(counts))
    assert abs(counts.mean() - want) < 4 * se, (counts.mean(), want, se)


def test_engines_agree_on_the_one_round_distribution():
    n, k, beta, gamma = 100, 30, 0.8, 0.1
    mesa_counts = one_step_counts_mesa(n, k, beta, gamma, range(400, 800))
    fast = simulate(
        n_agents=n, initial_infected=k, beta=beta, gamma=gamma, rounds=1, runs=20_000, rng=1
    ).counts[:, 1]
    se = mesa_counts.std(ddof=1) / math.sqrt(len(mesa_counts))
    assert abs(mesa_counts.mean() - fast.mean()) < 4 * se
    assert mesa_counts.var(ddof=1) == pytest.approx(fast.var(ddof=1), rel=0.2)
    # the whole distribution: two-sample Kolmogorov-Smirnov at the 1 % level
    from scipy.stats import ks_2samp

    assert ks_2samp(mesa_counts, fast).pvalue > 0.01


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_fast_engine_residuals_are_zero_within_sampling_error(seed):
    n, beta, gamma = 10_000, 0.8, 0.1
    shares = simulate(n_agents=n, beta=beta, gamma=gamma, rounds=40, runs=200, rng=seed).fraction
    now, nxt = shares[:, :-1], shares[:, 1:]
    alive = now > 0
    residual = nxt[alive] - np.array([expected_next(c, beta, gamma, n) for c in now[alive]])
    assert abs(residual.mean()) < 4 * residual.std(ddof=1) / math.sqrt(residual.size)


def test_agent_model_residuals_are_zero_within_sampling_error():
    n, beta, gamma = 256, 0.8, 0.1
    shares = np.array(
        [
            run(
                InfectiousJailbreak,
                40,
                rng=s,
                n_agents=n,
                beta=beta,
                gamma=gamma,
                initial_infected=5,
            )["infected"]
            for s in range(30)
        ]
    )
    now, nxt = shares[:, :-1].ravel(), shares[:, 1:].ravel()
    residual = nxt - np.array([expected_next(c, beta, gamma, n) for c in now])
    assert abs(residual.mean()) < 4 * residual.std(ddof=1) / math.sqrt(residual.size)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_million_agents_follow_the_recurrence(seed):
    big = simulate(
        n_agents=1_000_000, beta=0.8, gamma=0.1, initial_infected=1000, rounds=40, runs=50, rng=seed
    )
    assert np.abs(big.mean() - recurrence(0.001, 0.8, 0.1, 40, 1_000_000)).max() < 0.002


@pytest.mark.parametrize(
    ("beta", "gamma"), [(0.8, 0.1), (0.6, 0.05), (1.0, 0.3), (0.8, 0.5), (0.5, 0.3)]
)
def test_spreads_exactly_when_beta_exceeds_twice_gamma(beta, gamma):
    n = 10_000
    late = simulate(
        n_agents=n, beta=beta, gamma=gamma, initial_infected=100, rounds=300, runs=20, rng=7
    ).fraction[:, -50:]
    if beta > 2 * gamma:
        exact = 1 - 2 * gamma * (n - 1) / (beta * n)  # fixed point with the finite-N factor
        assert late.mean() == pytest.approx(exact, abs=0.01)
    else:
        assert late.max() == 0.0


@pytest.mark.parametrize(("beta", "gamma", "seed"), [(1.0, 0.0, 0), (1.0, 0.0, 1), (0.8, 0.1, 2)])
def test_rounds_to_infect_grow_with_log_n(beta, gamma, seed):
    sizes = [10**k for k in range(2, 7)]
    medians = [
        np.nanmedian(
            simulate(n_agents=n, beta=beta, gamma=gamma, rounds=120, runs=300, rng=seed).rounds_to(
                0.5
            )
        )
        for n in sizes
    ]
    slope, intercept = np.polyfit(np.log(sizes), medians, 1)
    fitted = slope * np.log(sizes) + intercept
    assert np.abs(np.array(medians) - fitted).max() < 1.0  # a straight line in log N
    assert slope == pytest.approx(1 / math.log(growth_factor(beta, gamma)), rel=0.06)
    for n, median in zip(sizes, medians, strict=True):
        assert abs(median - recurrence_rounds(n, beta, gamma, 0.5)) <= 1


def test_single_carrier_can_die_out():
    shares = simulate(n_agents=1000, beta=0.8, gamma=0.1, rounds=30, runs=2000, rng=3).fraction
    died = (shares[:, -1] == 0).mean()
    assert 0.05 < died < 0.4  # early extinction of a branching process, not a deterministic outcome


# -- the agent model ------------------------------------------------------------------------------------


def test_same_seed_same_run_other_seed_other_run():
    a = run(InfectiousJailbreak, 30, rng=4, initial_infected=3)
    b = run(InfectiousJailbreak, 30, rng=4, initial_infected=3)
    c = run(InfectiousJailbreak, 30, rng=5, initial_infected=3)
    assert a.equals(b) and not a.equals(c)


def test_reporters_and_state():
    model = InfectiousJailbreak(rng=0, n_agents=20, initial_infected=2)
    assert model.carriers().sum() == 2 and model.infected_share() == 0.1
    model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == ["infected", "new_infections", "expected"]
    assert frame["expected"].iloc[1] == pytest.approx(expected_next(0.1, 0.8, 0.1, 20))
    assert len(model.pairs()) == 10
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    model.draw_state(ax)
    plt.close(fig)


def test_without_forgetting_carriers_never_decrease():
    shares = run(InfectiousJailbreak, 60, rng=1, n_agents=64, gamma=0.0, beta=1.0)["infected"]
    assert (np.diff(shares) >= 0).all() and shares.iloc[-1] == 1.0


def test_memory_keeps_benign_notes_bounded():
    model = InfectiousJailbreak(rng=0, n_agents=10, memory_size=3, initial_infected=0)
    model.run_for(10)
    assert all(len(a.memory) <= 3 and VIRUS not in a.memory for a in model.population)


def test_extension_points():
    class Forgetful(ChatAgent):
        def forget(self):
            return True  # every carrier forgets every round

    class Forgetful_model(InfectiousJailbreak):
        agent_class = Forgetful

    shares = run(Forgetful_model, 5, rng=0, n_agents=50, initial_infected=10)["infected"]
    assert shares.iloc[-1] <= shares.iloc[1] <= 0.2

    class Broken(ChatAgent):
        def retrieve(self):
            return 42

    class BrokenModel(InfectiousJailbreak):
        agent_class = Broken

    with pytest.raises(ValueError, match="retrieve returned 42"):
        BrokenModel(rng=0, n_agents=4).step()

    class NotAnAgent(InfectiousJailbreak):
        agent_class = dict

    with pytest.raises(TypeError, match="agent_class"):
        NotAnAgent(rng=0)


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="'n_agents' got 15"):
        InfectiousJailbreak(n_agents=15)
    with pytest.raises(ValueError, match="'initial_infected' got 20"):
        InfectiousJailbreak(n_agents=10, initial_infected=20)
    with pytest.raises(ValueError, match="'beta' got 1.5"):
        InfectiousJailbreak(beta=1.5)
    with pytest.raises(TypeError, match="'gamma'"):
        InfectiousJailbreak(gamma="low")
    with pytest.raises(TypeError, match="Did you mean 'beta'"):
        InfectiousJailbreak(betta=0.5)
    with pytest.raises(ValueError, match="'c' got 1.5"):
        expected_next(1.5, 0.8, 0.1)
    with pytest.raises(TypeError, match="'beta'"):
        expected_next(0.5, "high", 0.1)
    with pytest.raises(ValueError, match="'n_agents' got 1"):
        expected_next(0.5, 0.8, 0.1, 1)
    with pytest.raises(ValueError, match="'rounds'"):
        recurrence(0.1, 0.8, 0.1, -1)


def test_numpy_scalars_are_numbers():
    model = InfectiousJailbreak(
        rng=np.int64(3), n_agents=np.int64(20), beta=np.float64(0.5), initial_infected=np.int64(2)
    )
    model.step()
    assert expected_next(np.float64(0.5), np.float64(0.8), np.float64(0.1), np.int64(100)) > 0
    assert simulate(
        n_agents=np.int64(100), beta=np.float64(0.9), rounds=np.int64(3), runs=np.int64(2), rng=0
    ).counts.shape == (2, 4)


# -- the fast engine --------------------------------------------------------------------------------------


def test_fast_engine_is_reproducible_and_validates():
    a = simulate(n_agents=1000, rounds=20, runs=5, rng=9).counts
    assert (a == simulate(n_agents=1000, rounds=20, runs=5, rng=9).counts).all()
    assert not (a == simulate(n_agents=1000, rounds=20, runs=5, rng=10).counts).all()
    with pytest.raises(ValueError, match="'n_agents' got 1001"):
        simulate(n_agents=1001)
    with pytest.raises(ValueError, match="'n_agents' got 200000000"):
        simulate(n_agents=200_000_000)
    with pytest.raises(ValueError, match="'initial_infected' got 11"):
        simulate(n_agents=10, initial_infected=11)
    with pytest.raises(ValueError, match=r"'runs'.*MB"):
        simulate(n_agents=100, runs=1_000_000, rounds=1000)
    with pytest.raises(TypeError, match="'rng'"):
        simulate(rng="seed")
    outbreaks = simulate(n_agents=100, rounds=5, runs=3, rng=0)
    with pytest.raises(ValueError, match="'target'"):
        outbreaks.rounds_to(0)


def test_fast_engine_handles_the_largest_population():
    big = simulate(n_agents=100_000_000, beta=1.0, gamma=0.0, rounds=60, runs=20, rng=0)
    half = big.rounds_to(0.5)
    assert (
        np.isfinite(half).all()
        and abs(np.median(half) - recurrence_rounds(10**8, 1.0, 0.0, 0.5)) <= 1
    )

"""The Moran process (Moran 1958; Nowak 2006, ch. 6): the fixation probability
(1 − 1/r) / (1 − 1/r^N) reproduced by simulation within binomial error for several (r, N),
the Mesa model against the count engine, errors and determinism."""

import math

import numpy as np
import pytest

from mesa_models import run
from mesa_models.selection.moran import (
    MUTANT,
    RESIDENT,
    Moran,
    fixation_probability,
    run_to_fixation,
)
from mesa_models.selection.moran_fast import simulate_fixation


def formula(r, n):
    return (1 - 1 / r) / (1 - 1 / r**n)


def test_fixation_probability_formula():
    for r, n in [(1.1, 10), (0.9, 10), (2.0, 5), (1.01, 1000), (1.5, 20)]:
        assert fixation_probability(r, n) == pytest.approx(formula(r, n), rel=1e-12)
    assert fixation_probability(1.0, 50) == 1 / 50 and fixation_probability(1.0, 50, 5) == 0.1
    assert fixation_probability(2.0, 10, 0) == 0.0 and fixation_probability(0.5, 10, 10) == 1.0
    # large populations stay finite: a slightly worse variant essentially never takes over
    assert (
        0 < fixation_probability(0.99, 100_000) < 1e-300
        or fixation_probability(0.99, 100_000) == 0.0
    )
    assert fixation_probability(1.01, 100_000) == pytest.approx(1 - 1 / 1.01)
    with pytest.raises(ValueError, match="'r'"):
        fixation_probability(0, 10)
    with pytest.raises(ValueError, match="'n'"):
        fixation_probability(1.1, 0)
    with pytest.raises(ValueError, match="'initial'"):
        fixation_probability(1.1, 10, 11)


# -- the published result, by simulation, within binomial error ----------------------------------
@pytest.mark.parametrize(
    ("r", "n"), [(1.1, 10), (1.1, 100), (0.9, 10), (0.95, 30), (1.5, 20), (1.0, 50), (2.0, 200)]
)
def test_simulated_fixation_matches_the_formula_within_binomial_error(r, n):
    for seed in (0, 1):
        result = simulate_fixation(r, n, 20_000, rng=seed)
        exact = formula(r, n) if r != 1 else 1 / n
        error = math.sqrt(exact * (1 - exact) / result.runs)
        assert abs(result.probability - exact) <= 4 * error, (
            f"r={r}, N={n}, seed {seed}: {result.probability:.4f} vs {exact:.4f} ± {error:.4f}"
        )
        assert result.exact == pytest.approx(exact) and result.standard_error == pytest.approx(
            error
        )


def test_selection_is_stronger_in_large_populations():
    # relative to a neutral mutant (1/N): a 1% advantage helps ~10x in N = 1000, barely in N = 10
    assert 1000 * fixation_probability(1.01, 1000) == pytest.approx(9.90, abs=0.01)
    assert 10 * fixation_probability(1.01, 10) == pytest.approx(1.05, abs=0.01)
    assert 10 * fixation_probability(0.99, 10) == pytest.approx(0.955, abs=0.01)
    assert 1000 * fixation_probability(0.99, 1000) < 1e-3


def test_mesa_model_agrees_with_formula_and_count_engine():
    runs, fixed, times = 600, 0, []
    for seed in range(runs):
        outcome, steps = run_to_fixation(Moran(rng=seed, n_agents=8, r=1.5))
        fixed += outcome == MUTANT
        times.append(steps)
    exact = formula(1.5, 8)
    assert abs(fixed / runs - exact) <= 4 * math.sqrt(exact * (1 - exact) / runs)
    fast = simulate_fixation(1.5, 8, 50_000, rng=3)
    assert np.mean(times) == pytest.approx(
        fast.steps.mean(), rel=0.15
    )  # same waiting times, statistically


def test_mesa_transition_probabilities():
    # From 3 mutants of 10 with r = 2: up r i (N - i) / ((r i + N - i) N), down i (N - i) / (...)
    ups = downs = 0
    draws = 4000
    model = Moran(rng=0, n_agents=10, r=2.0, initial_mutants=3)
    for _ in range(draws):
        for k, individual in enumerate(model.individuals):  # back to 3 mutants, then one event
            individual.kind = MUTANT if k < 3 else RESIDENT
        model._mutants = 3
        model.step()
        ups += model.mutant_count() == 4
        downs += model.mutant_count() == 2
    up, down = 2 * 3 * 7 / (13 * 10), 3 * 7 / (13 * 10)
    assert abs(ups / draws - up) < 4 * math.sqrt(up * (1 - up) / draws)
    assert abs(downs / draws - down) < 4 * math.sqrt(down * (1 - down) / draws)


def test_absorbing_states_and_reporters():
    model = Moran(rng=0, n_agents=5, r=3.0, initial_mutants=5)
    assert model.fixed == MUTANT
    model.step()
    assert model.mutant_count() == 5
    frame = run(Moran, 30, rng=2, n_agents=6, r=1.0, initial_mutants=3)
    assert set(frame.columns) == {"mutants", "mutant_share"} and frame["mutants"].iloc[0] == 3
    assert (frame["mutants"].diff().dropna().abs() <= 1).all()
    assert run_to_fixation(Moran(rng=1, n_agents=4, initial_mutants=0))[0] == RESIDENT


def test_fitness_is_injectable_and_validated():
    model = Moran(
        rng=0, n_agents=10, r=1.0, fitness=lambda kind, r: 100.0 if kind == MUTANT else 1.0
    )
    outcome, _ = run_to_fixation(model)
    assert outcome == MUTANT or model.steps > 0

    def broken(kind, r):
        return -1.0

    with pytest.raises(ValueError, match="broken.*-1.0"):
        Moran(rng=0, fitness=broken)
    with pytest.raises(TypeError, match="'fitness'"):
        Moran(rng=0, fitness=2.0)


def test_draw_state():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = Moran(rng=0, n_agents=12, initial_mutants=4)
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert ax.get_title().startswith("4 of 12 mutants")
    plt.close(fig)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: Moran(rng=0, n_agents=5, initial_mutants=6), ValueError, "'initial_mutants'"),
        (lambda: Moran(rng=0, r=0.0), ValueError, "'r'"),
        (lambda: simulate_fixation(1.1, 1, 10), ValueError, "'n_agents'"),
        (lambda: simulate_fixation(1.1, 10, 0), ValueError, "'runs'"),
        (lambda: simulate_fixation(1.1, 10, 10**9), ValueError, "'runs'.*GB"),
        (
            lambda: simulate_fixation(1.1, 10, 10, initial_mutants=10),
            ValueError,
            "'initial_mutants'",
        ),
        (lambda: simulate_fixation(-1.0, 10, 10), ValueError, "'r'"),
        (lambda: simulate_fixation(1.1, 10.5, 10), ValueError, "'n_agents'"),
        (lambda: run_to_fixation("model"), TypeError, "'model'"),
    ],
)
def test_bad_input_gives_clear_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_numpy_scalars_and_determinism():
    a = simulate_fixation(np.float64(1.2), np.int64(10), np.int64(500), rng=np.int64(4))
    b = simulate_fixation(1.2, 10, 500, rng=4)
    c = simulate_fixation(1.2, 10, 500, rng=5)
    assert np.array_equal(a.fixed, b.fixed) and np.array_equal(a.steps, b.steps)
    assert not (np.array_equal(a.fixed, c.fixed) and np.array_equal(a.steps, c.steps))
    x = run(Moran, 40, rng=np.int64(7), n_agents=np.int64(10), r=np.float64(1.3))
    y = run(Moran, 40, rng=7, n_agents=10, r=1.3)
    assert x.equals(y)

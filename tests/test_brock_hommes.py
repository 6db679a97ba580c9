"""Brock & Hommes (1998): the Mesa model, the vectorised map, the analytic bifurcation
points and the route to chaos, for the fundamentalists-versus-trend-chasers case (§4.1.2:
g = 1.2, R = 1.1, C = 1, a sigma^2 = 1)."""

import math

import numpy as np
import pytest

from mesa_models import run
from mesa_models.dynamics.brock_hommes import (
    BrockHommes,
    ForecastRule,
    fundamental_eigenvalue,
    logit_choice,
    pitchfork_beta,
    steady_state,
)
from mesa_models.dynamics.brock_hommes_fast import (
    bifurcation_points,
    draw_bifurcation,
    draw_lyapunov,
    hopf_beta,
    jacobian,
    lyapunov_exponents,
    orbits,
)
from mesa_models.dynamics.lab import reference_first_bifurcation

LN_11 = math.log(11)


# -- the two engines agree ------------------------------------------------------------------------
@pytest.mark.parametrize("beta, steps", [(2.0, 400), (3.0, 400), (3.6, 300)])
def test_mesa_model_and_vectorised_map_agree(beta, steps):
    mesa_x = run(BrockHommes, steps, rng=0, beta=beta)["x"].to_numpy()
    fast_x = orbits([beta, 1.0], steps)[:, 0]  # a second beta in the batch changes nothing
    assert np.allclose(mesa_x, fast_x, rtol=0, atol=1e-12)


def test_long_chunked_runs_continue_the_orbit():
    _, tail = bifurcation_points([3.6], transient=250, keep=50)
    assert np.allclose(tail, orbits([3.6], 300)[251:, 0], atol=1e-12)


# -- the analytic bifurcation points (published result) ------------------------------------------------
def test_pitchfork_point_is_ln_11_for_the_papers_case():
    assert pitchfork_beta() == pytest.approx(LN_11)
    assert fundamental_eigenvalue(LN_11) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "trend, R, cost",
    [(1.2, 1.1, 1.0), (1.3, 1.1, 1.0), (1.2, 1.1, 0.5), (1.25, 1.05, 1.0)],
)
def test_numerical_first_bifurcation_matches_the_analytic_value(trend, R, cost):
    # Bisection on "does a small deviation die out?" finds ln(R / (g - R)) / C.
    numerical = reference_first_bifurcation(trend, R, cost)
    assert numerical == pytest.approx(pitchfork_beta(R, trend, cost), abs=0.01)


def test_no_bifurcation_when_trend_chasers_alone_are_stable():
    assert pitchfork_beta(1.1, 1.05, 1.0) == math.inf
    assert reference_first_bifurcation(1.05, 1.1, 1.0) == math.inf


def test_steady_states_and_their_stability():
    x = orbits([2.0, 3.0, 3.25], 6000)[-1]
    assert abs(x[0]) < 1e-8  # below beta*: back to the fundamental
    assert x[1] == pytest.approx(steady_state(3.0), abs=1e-9) and steady_state(
        3.0
    ) == pytest.approx(1.2933, abs=1e-4)
    assert x[2] == pytest.approx(steady_state(3.25), abs=1e-6)  # below the Hopf point
    assert hopf_beta() == pytest.approx(3.3313, abs=1e-4)
    beyond = orbits([3.45], 6000)[-500:, 0]
    assert beyond.max() - beyond.min() > 0.5  # past the Hopf point: no steady state


def test_largest_lyapunov_exponent_route_to_chaos():
    exponents = lyapunov_exponents([2.0, 3.0, 3.45, 3.6], steps=8000, transient=1000)
    assert exponents[0] < -0.01 and exponents[1] < -0.1  # stable steady states
    assert abs(exponents[2]) < 0.003  # an invariant circle (quasi-periodic)
    assert exponents[3] > 0.015  # beta = 3.6: chaos


def test_jacobian_matches_finite_differences():
    state = (0.3, 0.5, 0.2)
    J = jacobian(3.6, *state)

    def step(s):
        return _one_step(3.6, *s)

    eps = 1e-7
    numeric = [(step(np.add(state, eps * np.eye(3)[k])) - step(state)) / eps for k in range(3)]
    assert np.allclose(J[0], numeric, atol=1e-5)
    assert J[1].tolist() == [1.0, 0.0, 0.0] and J[2].tolist() == [0.0, 1.0, 0.0]


def _one_step(beta, x, x_prev, x_prev2, R=1.1, g=1.2, C=1.0):
    fitness = np.array(
        [(x - R * x_prev) * (0 - R * x_prev) - C, (x - R * x_prev) * (g * x_prev2 - R * x_prev)]
    )
    n = logit_choice(fitness, beta)
    return (n[0] * 0 + n[1] * g * x) / R


# -- the agent-based version ------------------------------------------------------------------------
def test_finite_population_fluctuates_around_the_infinite_one():
    big = run(BrockHommes, 30, rng=1, beta=2.0, n_traders=1500)
    exact = run(BrockHommes, 30, rng=1, beta=2.0)
    assert 0 < abs(big["chartist_share"].iloc[-1] - exact["chartist_share"].iloc[-1]) < 0.05


def test_rules_and_choice_are_injectable():
    rules = [
        ForecastRule("fundamentalists", cost=1.0),
        ForecastRule("optimists", bias=0.2),
        ForecastRule("pessimists", bias=-0.2),
    ]
    frame = run(BrockHommes(rules=rules, beta=1.0, rng=0), 50)
    assert len(frame) == 51 and np.isfinite(frame["x"]).all()
    uniform = run(
        BrockHommes(choice=lambda fitness, beta: np.full(len(fitness), 1 / len(fitness)), rng=0), 5
    )
    assert np.allclose(uniform["chartist_share"].iloc[1:], 0.5)


def test_draw_bifurcation_and_phase_portrait():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    betas = np.linspace(2, 4, 21)
    fig, (ax, low) = plt.subplots(2, 1)
    draw_bifurcation(ax, betas, bifurcation_points(betas, transient=100, keep=20))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("pitchfork" in t for t in labels) and any("Hopf" in t for t in labels)
    draw_lyapunov(low, betas, np.linspace(-0.1, 0.02, 21))
    assert "Lyapunov" in low.get_ylabel() and low.get_ylim()[0] == -0.15
    with pytest.raises(ValueError, match="'betas'"):
        draw_lyapunov(low, betas, np.zeros(3))
    model = BrockHommes(rng=0)
    model.run_for(20)
    model.draw_state(ax)
    plt.close(fig)


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"beta": -1.0}, ValueError, "'beta'"),
        ({"R": 1.0}, ValueError, "'R'"),
        ({"rules": [ForecastRule("only")]}, ValueError, "'rules'"),
        ({"rules": "fundamentalists"}, TypeError, "'rules'"),
        ({"choice": 3}, TypeError, "'choice'"),
        ({"n_traders": -5}, ValueError, "'n_traders'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        BrockHommes(rng=0, **kwargs)


def test_bad_choice_result_names_the_function():
    def greedy(fitness, beta):
        return [1.0, 1.0]

    model = BrockHommes(rng=0, choice=greedy)
    with pytest.raises(ValueError, match="greedy.*sum to 1"):
        model.step()


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: ForecastRule("x", trend=float("nan")), "'trend'"),
        (lambda: ForecastRule("x", cost=-1.0), "'cost'"),
        (lambda: orbits([-1.0], 10), "'betas'"),
        (lambda: orbits([1.0], 0), "'steps'"),
        (lambda: orbits(np.linspace(0, 5, 10_000), 10_000), "stored values"),
        (lambda: lyapunov_exponents([3.0], steps=0), "'steps'"),
        (lambda: pitchfork_beta(R=0.9), "'R'"),
        (lambda: hopf_beta(trend=1.0), "'trend'"),
    ],
)
def test_helpers_validate(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_numpy_scalars_and_determinism():
    a = run(
        BrockHommes, 30, rng=np.int64(3), beta=np.float64(3.6), n_traders=np.int64(200), noise=0.1
    )
    b = run(BrockHommes, 30, rng=3, beta=3.6, n_traders=200, noise=0.1)
    c = run(BrockHommes, 30, rng=4, beta=3.6, n_traders=200, noise=0.1)
    assert a.equals(b) and not a.equals(c)

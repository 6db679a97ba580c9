"""Model collapse (Shumailov et al. 2024, Nature 631, Theorem 3.1): recursive unbiased
Gaussian fits lose their variance almost surely while E[W2^2] grows without bound. The
simulated variance decay is compared with the exact one-dimensional law within sampling
error, over several seeds; the Mesa model and the NumPy engine agree step by step."""

import matplotlib

matplotlib.use("Agg")

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mesa_models import run
from mesa_models.emergence.collapse import (
    ORIGINAL_TAIL_MASS,
    ModelCollapse,
    expected_sd_factor,
    expected_w2,
    log_variance_drift,
    log_variance_step_variance,
    tail_mass,
    unbiased_fit,
)
from mesa_models.emergence.collapse_fast import ModelCollapseArray, simulate_collapse


# -- the two engines agree ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "source, real_fraction", [("own", 0.0), ("others", 0.0), ("own", 0.2), ("others", 0.5)]
)
def test_mesa_and_numpy_engines_agree_step_by_step(source, real_fraction):
    mesa_model = ModelCollapse(
        rng=5, n_models=15, sample_size=12, source=source, real_fraction=real_fraction
    )
    array_model = ModelCollapseArray(
        rng=5, n_models=15, sample_size=12, source=source, real_fraction=real_fraction
    )
    for step in range(30):
        mesa_model.step()
        array_model.step()
        assert np.allclose(mesa_model.sigmas(), array_model.sigma, rtol=1e-12, atol=0), step
        assert np.allclose(mesa_model.mus(), array_model.mu, rtol=1e-12, atol=1e-15), step
    a = mesa_model.datacollector.get_model_vars_dataframe()
    b = array_model.datacollector.get_model_vars_dataframe()
    assert np.allclose(a.to_numpy(), b.to_numpy(), rtol=1e-10)
    history = simulate_collapse(
        30, rng=5, n_models=15, sample_size=12, source=source, real_fraction=real_fraction
    )
    assert np.allclose(history.sigma[-1], array_model.sigma, rtol=1e-12)


# -- the exact one-dimensional law -----------------------------------------------------------------
def test_theory_helpers():
    # c_M = E sqrt(chi2_{M-1}/(M-1)) by simulation; d_M ~ -1/(M-1) for large M
    rng = np.random.default_rng(0)
    chi = rng.chisquare(9, 400_000) / 9
    assert expected_sd_factor(10) == pytest.approx(np.sqrt(chi).mean(), abs=0.002)
    assert log_variance_drift(10) == pytest.approx(np.log(chi).mean(), abs=0.003)
    assert log_variance_step_variance(10) == pytest.approx(np.log(chi).var(), rel=0.01)
    assert log_variance_drift(1001) == pytest.approx(-1 / 1000, rel=0.01)
    assert expected_w2(0, 50) == 0.0
    assert unbiased_fit(np.array([1.0, 3.0])) == (2.0, math.sqrt(2.0))
    assert tail_mass(0.0, 1.0) == pytest.approx(
        ORIGINAL_TAIL_MASS
    ) and ORIGINAL_TAIL_MASS == pytest.approx(0.0455, abs=1e-4)
    assert tail_mass(5.0, 0.0) == 1.0 and tail_mass(0.0, 0.0) == 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_variance_decays_as_the_theorem_says(seed):
    """log sigma_n^2 is a sum of n iid log(chi2_{M-1}/(M-1)): its mean over 2,000 lineages
    must be n d_M within 4 standard errors, and E[sigma_n^2] stays 1 (unbiased)."""
    m, n_models = 20, 2000
    history = simulate_collapse(150, rng=seed, n_models=n_models, sample_size=m)
    d, v = log_variance_drift(m), log_variance_step_variance(m)
    for n in (1, 10, 50, 150):
        log_var = np.log(history.sigma[n] ** 2)
        assert abs(log_var.mean() - n * d) < 4 * math.sqrt(n * v / n_models), n
        assert log_var.var() == pytest.approx(n * v, rel=0.15), n
    for n in (1, 5):
        var = history.sigma[n] ** 2
        assert abs(var.mean() - 1.0) < 4 * var.std() / math.sqrt(n_models), n
        sd = history.sigma[n]
        assert abs(sd.mean() - expected_sd_factor(m) ** n) < 4 * sd.std() / math.sqrt(n_models), n
    mu2 = history.mu[50] ** 2
    assert abs(mu2.mean() - 50 / m) < 4 * mu2.std() / math.sqrt(n_models)


@pytest.mark.parametrize("seed", [0, 1])
def test_variance_collapses_almost_surely_and_the_distance_grows(seed):
    history = simulate_collapse(300, rng=seed, n_models=1000, sample_size=10)
    collapsed = (history.sigma < 0.1).mean(axis=1)
    assert collapsed[0] == 0.0 and collapsed[100] > 0.85 and collapsed[300] > 0.97
    assert (
        np.median(tail_mass(history.mu[300], history.sigma[300])) < 1e-6
    )  # the typical model has no tails
    # E[W2^2] = n/M + 2 - 2 c_M^n grows without bound; the sample mean follows it while it is
    # not yet dominated by a few rare lineages (at large n it is: the expectation is carried
    # by lineages whose variance happened to grow).
    wide = simulate_collapse(30, rng=seed, n_models=4000, sample_size=10)
    for n in (5, 10, 30):
        w2 = wide.mu[n] ** 2 + (wide.sigma[n] - 1) ** 2
        assert abs(w2.mean() - expected_w2(n, 10)) < 4 * w2.std() / math.sqrt(4000), n


def test_fresh_real_data_holds_the_variance_and_others_collapse_alike():
    kept = simulate_collapse(300, rng=0, n_models=200, sample_size=100, real_fraction=0.1)
    assert 0.8 < np.median(kept.sigma[300] ** 2) < 1.2
    lost = simulate_collapse(300, rng=0, n_models=200, sample_size=100)
    assert np.median(lost.sigma[300] ** 2) < 0.1
    # Learning from a random other model: every model's ancestry is still a chain of fits, so
    # it collapses too. The models' genealogies merge, so the population behaves almost like
    # one lineage and can for a while share a lucky high-variance ancestor; over 1,500
    # generations (expected log-variance -15, spread about 5.5) it collapses for every seed.
    for seed in range(3):
        others = simulate_collapse(1500, rng=seed, n_models=60, sample_size=100, source="others")
        assert np.median(others.sigma[1500] ** 2) < 0.01


# -- Mesa model: extension points, reporters, errors ------------------------------------------------
def test_reporters_and_a_non_gaussian_original():
    frame = run(ModelCollapse, 60, rng=3, n_models=100, sample_size=10)
    assert frame["tail_mass"].iloc[0] == pytest.approx(ORIGINAL_TAIL_MASS)
    assert frame["median_variance"].iloc[0] == 1.0 and frame["median_variance"].iloc[-1] < 0.05
    assert frame["collapsed"].iloc[-1] > 0.5 and frame["w2"].iloc[-1] > frame["w2"].iloc[1]

    def uniform(rng, size):  # D0 need not be Gaussian (Theorem 3.1)
        return rng.uniform(-math.sqrt(3), math.sqrt(3), size)

    model = ModelCollapse(rng=1, n_models=200, sample_size=10, original=uniform)
    model.run_for(80)
    assert np.median(model.sigmas()) < 0.2


def test_injected_fit_is_validated():
    with pytest.raises(ValueError, match="fit function 'bad'"):

        def bad(samples):
            return samples.mean()

        ModelCollapse(rng=0, n_models=3, fit=bad).step()
    with pytest.raises(TypeError, match="'original'"):
        ModelCollapse(original=3)

    def biased(samples):  # the maximum-likelihood variance (ddof=0) collapses faster
        return float(samples.mean()), float(samples.std())

    fast = run(ModelCollapse, 40, rng=2, n_models=200, sample_size=10, fit=biased)[
        "median_variance"
    ].iloc[-1]
    slow = run(ModelCollapse, 40, rng=2, n_models=200, sample_size=10)["median_variance"].iloc[-1]
    assert fast < slow


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"sample_size": 1}, ValueError, "'sample_size' got 1"),
        ({"n_models": 1, "source": "others"}, ValueError, "'source' got 'others'"),
        ({"n_models": 100_000, "sample_size": 1000}, ValueError, "'sample_size' got 1000.*GB"),
        ({"real_fraction": 1.5}, ValueError, "'real_fraction' got 1.5"),
        ({"source": "web"}, ValueError, "'source' got 'web'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        ModelCollapse(rng=0, **kwargs)
    with pytest.raises(error, match=words):
        ModelCollapseArray(rng=0, **kwargs)


def test_helpers_validate():
    with pytest.raises(ValueError, match="'sample_size'"):
        log_variance_drift(1)
    with pytest.raises(ValueError, match="'generations'"):
        expected_w2(-1, 10)
    with pytest.raises(ValueError, match="'generations'"):
        simulate_collapse(2.5, n_models=3)
    with pytest.raises(ValueError, match="'generations' got 10000.*MB"):
        simulate_collapse(10_000, n_models=10_000, sample_size=2)


def test_numpy_scalars_and_same_seed_same_run():
    assert expected_sd_factor(np.int64(10)) == expected_sd_factor(10)
    model = ModelCollapse(
        rng=2, n_models=np.int64(5), sample_size=np.int64(8), real_fraction=np.float64(0.25)
    )
    assert model.n_real == 2 and model.n_synthetic == 6
    for engine in (ModelCollapse, ModelCollapseArray):
        a, b, c = (run(engine, 5, rng=s, n_models=20) for s in (4, 4, 5))
        assert a.equals(b) and not a.equals(c)


@pytest.mark.parametrize("engine", [ModelCollapse, ModelCollapseArray])
def test_draw_state(engine):
    model = engine(rng=0, n_models=20)
    model.step()
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "generation 1" in ax.get_title()
    plt.close(fig)

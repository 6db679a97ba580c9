"""Monoculture and correlated failure: the exact distribution of simultaneous failures,
the Mesa model against it, the same mean with a very different tail, and bad input."""

import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mesa_models import run  # noqa: E402
from mesa_models.networks import (  # noqa: E402
    Monoculture,
    agent_counts,
    failure_distribution,
    mass_failure_probability,
    mix_cost,
)


def even(k):
    return np.full(k, 1 / k)


def test_agent_counts_round_by_largest_remainder():
    assert agent_counts([1 / 3, 1 / 3, 1 / 3], 100).tolist() == [34, 33, 33]
    assert agent_counts([0.25, 0.25, 0.5], 7).tolist() == [2, 2, 3]
    assert agent_counts([1.0], 5).tolist() == [5]
    assert agent_counts(even(7), 100).sum() == 100


@pytest.mark.parametrize("k", [1, 2, 3, 5, 10, 100])
def test_same_mean_failure_rate_for_any_number_of_models(k):
    dist = failure_distribution(even(k), 0.1, 100)
    assert dist.sum() == pytest.approx(1.0)
    assert np.dot(np.arange(101), dist) / 100 == pytest.approx(0.1)


def test_monoculture_fails_all_together_diversity_spreads_failures():
    one = failure_distribution(even(1), 0.1, 100)
    assert (
        one[0] == pytest.approx(0.9)
        and one[100] == pytest.approx(0.1)
        and one[1:100].sum() == pytest.approx(0)
    )
    risk = {k: mass_failure_probability(even(k), 0.1, 100) for k in (1, 3, 5, 10)}
    assert risk[1] == pytest.approx(0.1)
    assert risk[3] == pytest.approx(3 * 0.1**2 * 0.9 + 0.1**3)  # two of three models down
    assert risk[10] < risk[5] < risk[3] < risk[1] / 3
    assert risk[10] < 0.002
    # Two models with half the agents each: either one failing is already "half": worse than one model.
    assert mass_failure_probability(even(2), 0.1, 100) == pytest.approx(0.19)


def test_common_shock_and_agent_errors():
    dist = failure_distribution(even(10), 0.1, 100, common_shock=0.05)
    assert dist[100] >= 0.05
    assert mass_failure_probability(even(10), 0.1, 100, common_shock=0.05) > 0.05
    noisy = failure_distribution([0.5, 0.5], [0.1, 0.2], 100, agent_error=0.1, common_shock=0.02)
    assert noisy.sum() == pytest.approx(1.0)
    expected = 0.02 + 0.98 * (0.5 * (0.1 + 0.9 * 0.1) + 0.5 * (0.2 + 0.8 * 0.1))
    assert np.dot(np.arange(101), noisy) / 100 == pytest.approx(expected)


@pytest.mark.parametrize(
    "kwargs",
    [{"n_models": 1}, {"n_models": 5, "agent_error": 0.05}, {"n_models": 3, "common_shock": 0.05}],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_mesa_model_matches_the_exact_distribution(kwargs, seed):
    model = Monoculture(rng=seed, **kwargs)
    model.run_for(3000)
    frame = model.datacollector.get_model_vars_dataframe()
    counts = np.rint(frame["failed"].iloc[1:] * model.n_agents).astype(int)
    empirical = np.bincount(counts, minlength=model.n_agents + 1) / len(counts)
    exact = model.distribution()
    assert 0.5 * np.abs(empirical - exact).sum() < 0.06
    level = mass_failure_probability(
        model.shares,
        model.failure_rates,
        model.n_agents,
        common_shock=model.common_shock,
        agent_error=model.agent_error,
    )
    assert frame["mass_failure_rate"].iloc[-1] == pytest.approx(level, abs=0.02)
    assert frame["failure_rate"].iloc[-1] == pytest.approx(
        np.dot(np.arange(101), exact) / 100, abs=0.01
    )


def test_shares_and_rates_are_injectable():
    model = Monoculture(rng=0, shares=[0.7, 0.3], failure_rates=[0.0, 1.0])
    model.run_for(5)
    assert model.n_models == 2
    assert (
        run(Monoculture(rng=0, shares=[0.7, 0.3], failure_rates=[0.0, 1.0]), 5)["failed"]
        .iloc[1:]
        .tolist()
        == [0.3] * 5
    )


def test_deployment_fails_is_overridable():
    from mesa_models.networks import Deployment

    class Robust(Deployment):
        def fails(self):
            return False

    class Careful(Monoculture):
        agent_class = Robust

    model = Careful(rng=0, failure_rate=1.0)
    model.run_for(3)
    assert model.failed_share() == 0


def test_mix_cost():
    assert mix_cost([0.5, 0.5], [4, 2]) == 3.0
    with pytest.raises(ValueError, match="'costs'"):
        mix_cost([0.5, 0.5], [1, 2, 3])


def test_draw_state():
    model = Monoculture(rng=0, n_models=4, n_agents=50)
    model.run_for(3)
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "base model" in ax.get_title()
    plt.close(fig)


def test_same_seed_same_run():
    a = run(Monoculture, 30, rng=3, n_models=4)
    b = run(Monoculture, 30, rng=3, n_models=4)
    c = run(Monoculture, 30, rng=4, n_models=4)
    assert a.equals(b) and not a.equals(c)


def test_numpy_numbers_are_accepted():
    model = Monoculture(
        rng=np.int64(1), n_agents=np.int64(40), n_models=np.int64(4), failure_rate=np.float64(0.2)
    )
    assert model.n_agents == 40
    assert mass_failure_probability(
        np.array([0.5, 0.5]), np.float64(0.1), np.int64(10), level=np.float64(0.5)
    ) == pytest.approx(0.19)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"n_models": 200, "n_agents": 100}, ValueError, "'n_models'"),
        ({"shares": [0.5, 0.4]}, ValueError, "'shares'.*sum to 1"),
        ({"shares": [1.2, -0.2]}, ValueError, "'shares'"),
        ({"shares": "even"}, TypeError, "'shares'"),
        ({"shares": [0.5, 0.5], "n_models": 3}, ValueError, "'n_models'"),
        (
            {"n_models": 2, "failure_rates": [0.1]},
            ValueError,
            "'failure_rates'.*one per base model",
        ),
        ({"n_models": 2, "failure_rates": [0.1, 1.5]}, ValueError, "'failure_rates'"),
        ({"failure_rates": [True]}, TypeError, "'failure_rates'"),
        ({"mass_level": 0}, ValueError, "'mass_level'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        Monoculture(rng=0, **kwargs)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: failure_distribution([1.0], 1.5, 10), ValueError, "'failure_rates'"),
        (lambda: failure_distribution([1.0], 0.1, 0), ValueError, "'n_agents'"),
        (
            lambda: failure_distribution([1.0], 0.1, 10, common_shock=-0.1),
            ValueError,
            "'common_shock'",
        ),
        (
            lambda: failure_distribution([1.0], 0.1, 50_000, agent_error=0.1),
            ValueError,
            "'n_agents'.*20,000",
        ),
        (lambda: mass_failure_probability([1.0], 0.1, 10, level=0), ValueError, "'level'"),
        (lambda: agent_counts([0.5, 0.5], 2.5), TypeError, "'n_agents'"),
    ],
)
def test_function_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_reporters_before_the_first_step():
    frame = run(Monoculture, 0, rng=0)
    assert math.isnan(frame["failure_rate"].iloc[0]) and frame["mass_failure"].iloc[0] == 0


# -- every exported helper driven with bad numbers (the rules of tests/test_bad_input.py) ----------
from test_cascades import drive_helper  # noqa: E402

from mesa_models.networks import (  # noqa: E402
    WattsCascade,
    cascade_frequency,
    cascade_snapshots,
    plot_cascade_window,
    plot_failure_distributions,
    plot_patching,
    plot_prevalence,
)


def _figure_call(func, *args, **kwargs):
    def call(*a, **k):
        result = func(*a, **k)
        plt.close("all")
        return type(result)

    call.__signature__ = __import__("inspect").signature(func)
    return call


def _snapshots(steps, width=3.2):
    """cascade_snapshots on a fresh model each time (it steps the model it is given)."""
    figure = cascade_snapshots(WattsCascade(rng=0, n_agents=30), steps, width=width)
    plt.close("all")
    return type(figure)


HELPER_CALLS = {
    "agent_counts": (agent_counts, lambda: (([0.5, 0.3, 0.2], 10), {})),
    "failure_distribution": (
        failure_distribution,
        lambda: (([0.5, 0.5], 0.1, 20), {"common_shock": 0.01, "agent_error": 0.05}),
    ),
    "mass_failure_probability": (
        mass_failure_probability,
        lambda: (
            ([0.5, 0.5], [0.1, 0.2], 20),
            {"level": 0.5, "common_shock": 0.01, "agent_error": 0.0},
        ),
    ),
    "mix_cost": (mix_cost, lambda: (([0.5, 0.5], [1.0, 2.0]), {})),
    "cascade_snapshots": (_snapshots, lambda: (([0, 1],), {"width": 2.0})),
    "plot_failure_distributions": (
        _figure_call(plot_failure_distributions),
        lambda: (({"a": failure_distribution([1.0], 0.1, 10)},), {"floor": 1e-4}),
    ),
    "plot_cascade_window": (
        _figure_call(plot_cascade_window),
        lambda: ((cascade_frequency([2.0], n=100, realizations=2),), {"window": (1.0, 5.0)}),
    ),
    "plot_prevalence": (_figure_call(plot_prevalence), lambda: (({},), {})),
    "plot_patching": (
        _figure_call(plot_patching),
        lambda: (
            (
                __import__("pandas").DataFrame(
                    {"strategy": ["random"], "patched_share": [0.0], "prevalence": [0.1]}
                ),
            ),
            {},
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(HELPER_CALLS))
def test_helpers_give_a_clear_error_or_a_valid_result(name):
    problems = drive_helper(name, *HELPER_CALLS[name])
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)

"""Every number stated in the prose and figure titles of lessons/05_network_effects.ipynb and
of the model answers in solutions/05_network_effects_lab.ipynb, recomputed with the
notebooks' seeds and rounding."""

import numpy as np
import pytest

from mesa_models.networks import (
    WattsCascade,
    WattsCascadeArray,
    cascade_frequency,
    cascade_sizes,
    expected_outbreak,
    failure_distribution,
    graph_edges,
    hub_patches,
    mass_failure_probability,
    mix_cost,
    patching_effect,
    prevalence_curve,
    random_patches,
    spectral_radius,
    theoretical_window,
)
from mesa_models.networks.lab import (
    BASE_MODELS,
    LAB_AGENTS,
    LAB_N,
    LAB_REALIZATIONS,
    LAB_Z_GRID,
    lab_graph,
    reference_mix,
    reference_patches,
    reference_upper_edge,
    share_grid,
)

Z_VALUES = [0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 5.5, 6.0, 6.5, 7.0, 8.0, 10.0]
LAMBDAS = [0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.25, 0.30]
SIS = dict(n=10_000, mean_degree=6, mu=1.0, steps=300, window=100, seeds=(0,))


def pct(x, digits=0):
    return f"{100 * x:.{digits}f} %"


# -- section 2: global cascades -----------------------------------------------------------------------
def test_section_2_snapshots_and_engines():
    model = WattsCascade(n_agents=150, mean_degree=3.0, phi=0.18, rng=0)
    model.run_for(10)
    assert model.finished and round(model.adopted_share(), 2) == 0.95
    mesa_model, array_model = (
        WattsCascade(n_agents=2000, mean_degree=4.0, rng=5),
        WattsCascadeArray(n_agents=2000, mean_degree=4.0, rng=5),
    )
    for _ in range(25):
        mesa_model.step()
        array_model.step()
        assert (mesa_model.adopted_array() == array_model.adopted).all()
    # "With phi = 0.18 an agent with k <= 5 neighbours is vulnerable"
    assert [k for k in range(1, 12) if 1 / k >= 0.18] == [1, 2, 3, 4, 5]


def test_section_2_cascade_window():
    lower, upper = theoretical_window(0.18)
    assert round(lower) == 1 and f"{upper:.2f}" == "5.76"
    frame = cascade_frequency(Z_VALUES, phi=0.18, n=10_000, realizations=100, seed=0).set_index("z")
    freq, size = frame["frequency"], frame["mean_global_size"]
    assert freq[0.5] == 0 and freq[1.0] == 0
    assert pct(freq[1.5]) == "61 %" and pct(size[1.5]) == "58 %"
    assert pct(freq[3.0]) == "87 %" and pct(size[3.0]) == "94 %"
    assert pct(freq[5.5]) == "46 %" and pct(freq[6.0]) == "4 %" and size[6.0] > 0.99
    assert (freq[[6.5, 7.0, 8.0, 10.0]] == 0).all()
    # the figure's title: "only inside a window, 1 < z <= 6; near its upper edge rare but total"
    assert freq[6.0] < 0.1 and size[[5.0, 5.5, 6.0]].min() > 0.99
    # Check your understanding: "over 99 % of the agents in our runs" near the upper edge
    assert size[6.0] > 0.99


def test_section_2_full_scale_figures():
    # "at z = 6, 6.2 % of runs give a global cascade, covering 99.7 % ...; at z = 6.5 none of 1,000 runs"
    sizes = cascade_sizes(6.0, phi=0.18, n=10_000, realizations=1000, seed=0)
    big = sizes[sizes >= 0.1]
    assert pct(big.size / 1000, 1) == "6.2 %" and pct(big.mean(), 1) == "99.7 %"
    assert (cascade_sizes(6.5, phi=0.18, n=10_000, realizations=1000, seed=0) < 0.1).all()
    assert 6.0 > 5.76  # "the simulated edge lies a little above the theoretical 5.76"


# -- section 3: spreading compromise ---------------------------------------------------------------
def test_section_3_thresholds():
    random_curve = prevalence_curve(LAMBDAS, topology="random", **SIS).set_index("lambda")[
        "prevalence"
    ]
    scale_free = prevalence_curve(LAMBDAS, topology="scale-free", **SIS).set_index("lambda")[
        "prevalence"
    ]
    # "nothing survives up to lambda = 0.14" on the random network; it does at 0.16
    assert (random_curve[[0.04, 0.06, 0.08, 0.10, 0.12, 0.14]] == 0).all() and random_curve[
        0.16
    ] > 0.05
    # "persists down to lambda = 0.08 - at 0.10 it still holds 5.4 %"
    assert scale_free[0.06] == 0 and scale_free[0.08] > 0.01 and pct(scale_free[0.10], 1) == "5.4 %"
    # figure title: for 0.08 <= lambda <= 0.14 dies on random, persists on scale-free
    assert (random_curve[[0.08, 0.10, 0.12, 0.14]] == 0).all() and (
        scale_free[[0.08, 0.10, 0.12, 0.14]] > 0
    ).all()
    # What do you notice: at 0.25 and 0.3 the random network carries slightly more
    assert random_curve[0.25] > scale_free[0.25] and random_curve[0.30] > scale_free[0.30]
    radius = {
        name: spectral_radius((10_000, graph_edges(name, 10_000, 6, 0)))
        for name in ("random", "scale-free")
    }
    assert f"{1 / radius['random']:.2f}" == "0.14" and f"{radius['random']:.1f}" == "7.2"
    assert f"{1 / radius['scale-free']:.2f}" == "0.05"


def test_section_3_threshold_estimates_by_size():
    # "the benchmark finds 1/Lambda = 0.07 for 1,000 agents, 0.05 for 10,000 and 0.03 for 100,000 ... 0.14 on random"
    expected = {1_000: "0.07", 10_000: "0.05", 100_000: "0.03"}
    for n, text in expected.items():
        assert f"{1 / spectral_radius((n, graph_edges('scale-free', n, 6, 0))):.2f}" == text
        assert f"{1 / spectral_radius((n, graph_edges('random', n, 6, 0))):.2f}" == "0.14"


def test_section_3_patching():
    frame = patching_effect(
        [0, 100, 200, 500, 1000],
        strategies=("random", "hubs"),
        spreading_rate=0.2,
        n=10_000,
        mean_degree=6,
        steps=300,
        window=100,
        seeds=(0,),
    ).set_index(["strategy", "budget"])["prevalence"]
    assert pct(frame[("random", 0)]) == "21 %" and pct(frame[("random", 500)]) == "19 %"
    assert frame[("hubs", 500)] == 0 and frame[("hubs", 1000)] == 0


# -- section 4: monoculture ----------------------------------------------------------------------------
def test_section_4_monoculture():
    risk = {
        k: mass_failure_probability(np.full(k, 1 / k), 0.1, 100, level=0.5)
        for k in (1, 2, 3, 5, 10)
    }
    for k in risk:
        assert np.dot(
            np.arange(101), failure_distribution(np.full(k, 1 / k), 0.1, 100)
        ) / 100 == pytest.approx(0.1)
    assert pct(risk[1]) == "10 %" and pct(risk[3], 1) == "2.8 %" and pct(risk[10], 2) == "0.16 %"
    assert pct(risk[2]) == "19 %"
    assert round(risk[1] / risk[10], -1) == 60  # "some 60 times less"
    shocked = mass_failure_probability(np.full(10, 0.1), 0.1, 100, common_shock=0.05)
    assert pct(shocked, 1) == "5.2 %"
    assert all(
        mass_failure_probability(np.full(k, 1 / k), 0.1, 100, common_shock=0.05) >= 0.05
        for k in (1, 3, 10)
    )


# -- the lab ------------------------------------------------------------------------------------------
def test_lab_constants_in_the_text():
    assert LAB_N == 1000 and LAB_REALIZATIONS == 40 and LAB_AGENTS == 100
    assert LAB_Z_GRID[:2] == (2.0, 2.25) and LAB_Z_GRID[-1] == 10.0
    assert all(abs(x * 10 - round(x * 10)) < 1e-9 for shares in share_grid(4) for x in shares)
    # figure title: "On 1,000 agents the window's upper edge lies above the theory"
    assert reference_upper_edge(0.18, 0) > theoretical_window(0.18)[1]


def test_lab_exercise_3_follow_up():
    graph, budget = lab_graph(800, 0), 16
    policies = {
        "random": random_patches(graph, budget, np.random.default_rng(0)),
        "hubs": hub_patches(graph, budget),
        "mine": reference_patches(graph, budget),
    }
    outbreak = {
        name: expected_outbreak(graph, nodes, transmissibility=0.4, realizations=40)
        for name, nodes in policies.items()
    }
    assert outbreak["mine"] < outbreak["hubs"] < outbreak["random"]
    # "Try transmissibility=0.5: degree targeting can do as well as your policy or slightly better"
    high = {
        name: expected_outbreak(graph, nodes, transmissibility=0.5, realizations=40)
        for name, nodes in policies.items()
    }
    assert high["hubs"] <= high["mine"] + 0.01


def test_lab_exercise_4_follow_up():
    rates = [rate for rate, _ in BASE_MODELS.values()]
    costs = [cost for _, cost in BASE_MODELS.values()]
    mix = reference_mix(rates, costs, 1.5, 0.5)
    single = [0.0, 0.0, 1.0, 0.0]  # "the 'small' model: the best one affordable at 1.5"
    affordable = [k for k, c in enumerate(costs) if c <= 1.5]
    assert min(affordable, key=lambda k: rates[k]) == 2
    assert mix_cost(mix, costs) <= 1.5
    a, b = failure_distribution(single, rates, 100), failure_distribution(mix, rates, 100)
    # title: "fails more often in small ways and far less often all at once"
    assert b[1:50].sum() > a[1:50].sum() and b[50:].sum() < a[50:].sum() / 3


def test_lab_example_answer():
    def tradeoff(k, shock=0.0):
        shares, rates = np.full(k, 1 / k), 0.05 + 0.02 * np.arange(k)
        mean = (
            np.dot(np.arange(101), failure_distribution(shares, rates, 100, common_shock=shock))
            / 100
        )
        return mean, mass_failure_probability(shares, rates, 100, level=0.5, common_shock=shock)

    assert pct(tradeoff(1)[1]) == "5 %"
    assert (
        pct(tradeoff(3)[1], 1) == "1.4 %"
        and pct(tradeoff(5)[1], 1) == "0.6 %"
        and pct(tradeoff(7)[1], 2) == "0.35 %"
    )
    assert [pct(tradeoff(k)[0]) for k in (1, 3, 5, 7)] == ["5 %", "7 %", "9 %", "11 %"]
    assert (
        pct(tradeoff(2)[1], 1) == "11.7 %" and tradeoff(2)[1] > tradeoff(1)[1]
    )  # two models: worse than one
    assert all(
        tradeoff(k)[1] > tradeoff(k + 1)[1] for k in (2, 4, 6, 8)
    )  # even k worse than the odd k above ...
    assert all(tradeoff(k)[1] < tradeoff(k - 1)[1] for k in (3, 5, 7, 9))  # ... and below
    for shock in (0.01, 0.03):  # "flatten at about that level from five models on"
        assert all(shock < tradeoff(k, shock)[1] < 1.7 * shock for k in (5, 7, 9))
    means = [tradeoff(k)[0] for k in range(1, 11)]
    assert all(b > a for a, b in zip(means, means[1:]))  # "...while the average error keeps rising"

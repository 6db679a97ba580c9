"""Every number stated in the prose of lessons/09_emergent_agency.ipynb and of the model
answer in solutions/09_emergent_agency_lab.ipynb, recomputed with the notebooks' seeds,
settings and rounding."""

import numpy as np
import pytest

from mesa_models import run
from mesa_models.emergence import (
    SCALES,
    AmplificationModel,
    DeGrootModel,
    SchellingArray,
    SplitTaskModel,
    amplification_by_length,
    chain_deviation,
    completion_by_pieces,
    component_check,
    log_variance_drift,
    monitor_scores,
    segregation_by_preference,
    simulate_collapse,
    similar_share,
    tail_mass,
    threshold_for_budget,
)
from mesa_models.emergence.collapse import ORIGINAL_TAIL_MASS
from mesa_models.emergence.lab import reference_first_visible_scale

DYAD = dict(gain=1.5, bias=0.05, noise=0.01)
NETWORK = dict(gain=0.9, bias=0.035, noise=0.01)
FAULTY = dict(scale="network", n_agents=9, gain=1.0, bias=0.02, noise=0.01, faulty_bias=0.05)
TEMPORAL = dict(gain=0.5, bias=0.03, noise=0.01, n_agents=4, learning=0.05)
CROSS = dict(gain=0.5, bias=0.045, noise=0.01, n_agents=3, attention=2, learning=0.0)


def pct(x, digits=0):
    return f"{x:.{digits}%}"


def test_defaults_quoted_in_section_2():
    p = AmplificationModel.params
    assert p["tolerance"].default == 0.1 and p["allowed_failures"].default == 0.05
    assert p["bias"].default == 0.05 and p["n_tasks"].default == 200
    assert p["verify_threshold"].default == 0.02 and p["verify_power"].default == 0.9
    assert (
        SplitTaskModel.params["tasks_per_step"].default == 40
        and SplitTaskModel.params["harmful_share"].default == 0.25
    )
    assert (
        SplitTaskModel.params["refusal_threshold"].default == 0.5
        and SplitTaskModel.params["window"].default == 8
    )


def test_section_2_1_dyad():
    dyad = AmplificationModel(rng=0, scale="dyadic", **DYAD)
    assert component_check(dyad)["failures"].max() == 0.0
    frame = run(dyad, 10)
    assert pct(frame["failures"].iloc[1:].mean()) == "92%"
    assert f"{frame['deviation'].iloc[1:].mean():.3f}" == "0.125"
    assert 1.5 * 0.05 == pytest.approx(0.075)


def test_section_2_2_chains():
    table = amplification_by_length(range(2, 13), [0.5, 0.8, 1.0, 1.1, 1.3], seed=0, steps=5)
    pivot = table.pivot(index="agents", columns="gain", values="deviation")
    assert f"{pivot.loc[12, 1.3]:.2f}" == "3.70" and round(pivot.loc[12, 1.3] / 0.05) == 74
    assert f"{pivot.loc[12, 0.8]:.3f}" == "0.234" and 0.05 / 0.2 == pytest.approx(0.25)
    assert pivot.loc[12, 0.5] == pytest.approx(0.1, abs=0.002)
    dyad = run(AmplificationModel, 10, rng=0, scale="dyadic", **NETWORK)
    chain = run(AmplificationModel, 10, rng=0, scale="network", **NETWORK)
    assert (
        pct(dyad["failures"].iloc[1:].mean(), 1) == "0.7%"
        and f"{dyad['deviation'].iloc[1:].mean():.3f}" == "0.066"
    )
    assert (
        pct(chain["failures"].iloc[1:].mean(), 1) == "99.9%"
        and f"{chain['deviation'].iloc[1:].mean():.3f}" == "0.164"
    )


def test_section_2_2_dense_bottleneck_and_verifiers():
    result = {}
    for topology in ("dense", "bottleneck"):
        for verifiers in (0, 1):
            model = AmplificationModel(rng=0, topology=topology, verifiers=verifiers, **FAULTY)
            assert component_check(model)["passed"].all()
            result[topology, verifiers] = run(model, 10)["failures"].iloc[1:].mean()
    assert FAULTY["bias"] + FAULTY["faulty_bias"] == pytest.approx(0.07)
    assert pct(result["dense", 0], 1) == "0.8%"
    assert pct(result["bottleneck", 0]) == "80%"
    assert pct(result["bottleneck", 1]) == "7%" and result["bottleneck", 1] > 0.05
    amplification = [
        run(AmplificationModel, 10, rng=0, scale="network", n_agents=10, gain=1.2, verifiers=v)[
            "amplification"
        ]
        .iloc[1:]
        .mean()
        for v in range(10)
    ]
    assert f"{amplification[0]:.1f}" == "25.7" and f"{amplification[3]:.1f}" == "2.8"
    assert max(amplification[6:]) < 1.35 and round(amplification[6], 1) == 1.3


def test_section_2_3_temporal():
    model = AmplificationModel(rng=0, scale="temporal", **TEMPORAL)
    assert component_check(model)["passed"].all()
    drift = run(model, 100)
    assert f"{drift['deviation'].iloc[1]:.3f}" == "0.056"
    assert f"{drift['deviation'].diff().iloc[2:].abs().max():.3f}" == "0.021"
    assert int((drift["failures"] > 0.05).idxmax()) == 17
    assert f"{drift['deviation'].iloc[-1]:.2f}" == "0.78"


def test_section_2_4_cross_system():
    model = AmplificationModel(rng=0, scale="cross-system", **CROSS)
    assert component_check(model)["passed"].all() and len(component_check(model)) == 5
    llm_only = run(AmplificationModel, 20, rng=0, scale="network", **CROSS)
    assert (
        pct(llm_only["failures"].iloc[1:].mean(), 1) == "3.1%"
        and f"{llm_only['deviation'].iloc[1:].mean():.3f}" == "0.079"
    )
    assert pct(run(model, 20)["failures"].iloc[1:].mean(), 1) == "7.4%"
    wrong = {
        a: run(AmplificationModel, 20, rng=0, scale="cross-system", **{**CROSS, "attention": a})[
            "failures"
        ]
        .iloc[1:]
        .mean()
        for a in (0, 10, 20, 40)
    }
    assert (
        pct(wrong[0], 1) == "8.0%"
        and wrong[10] > 0.05
        and pct(wrong[20], 1) == "2.9%"
        and pct(wrong[40], 3) == "0.075%"
    )


def test_summary_table_of_scales():
    # The lesson's table: each failure passes every test before its own scale.
    cases = {
        "dyadic": ("dyadic", DYAD),
        "network": ("network", NETWORK),
        "temporal": ("temporal", TEMPORAL),
        "cross-system": ("cross-system", CROSS),
    }
    for name, (scale, params) in cases.items():
        assert component_check(AmplificationModel(rng=0, scale="cross-system", **params))[
            "passed"
        ].all(), name
        for earlier in SCALES[: SCALES.index(scale)]:
            steps = 100 if earlier == "temporal" else 20
            assert (
                run(AmplificationModel, steps, rng=0, scale=earlier, **params)["failures"]
                .iloc[1:]
                .mean()
                <= 0.05
            ), (name, earlier)


def test_section_3_1_degroot():
    group = DeGrootModel(rng=2, network="scale-free", n_agents=30, hub_opinion=0.9)
    group.run_for(60)
    assert f"{group.predicted:.3f}" == "0.539" and f"{group.initial.mean():.3f}" == "0.492"
    assert group.graph.degree(group.hub) == 15 and f"{group.weights[group.hub]:.3f}" == "0.134"
    assert round(group.weights[group.hub] * 30) == 4
    gap = np.abs(group.opinions() - group.predicted).max()
    assert 1e-7 < gap < 2e-7
    star = DeGrootModel(rng=2, network="star", n_agents=30)
    assert star.weights[star.hub] == pytest.approx(0.5)


def test_section_3_2_collapse():
    pure = simulate_collapse(400, rng=0, n_models=400, sample_size=100)
    kept = simulate_collapse(400, rng=0, n_models=400, sample_size=100, real_fraction=0.1)
    d = log_variance_drift(100)
    assert f"{d:.4f}" == "-0.0101"
    assert (
        f"{np.median(pure.sigma[100] ** 2):.3f}" == "0.377" and f"{np.exp(100 * d):.3f}" == "0.363"
    )
    assert (
        f"{np.median(pure.sigma[400] ** 2):.3f}" == "0.014" and f"{np.exp(400 * d):.3f}" == "0.017"
    )
    assert pct(np.mean(pure.sigma[400] < 0.1)) == "46%"
    assert pct(ORIGINAL_TAIL_MASS, 1) == "4.6%"
    assert (
        np.median(tail_mass(pure.mu[400], pure.sigma[400])) < 1e-6
    )  # the typical model never goes beyond 2
    assert f"{np.mean(pure.sigma[100] ** 2):.2f}" == "0.85"
    assert f"{np.median(kept.sigma[400] ** 2):.2f}" == "0.94"
    # the full-scale statement: theory at generation 2,000; M = 10 ends in exact zeros
    assert f"{np.exp(2000 * d):.1e}" == "1.6e-09"
    small = simulate_collapse(1200, rng=0, n_models=100, sample_size=10)
    assert (
        np.median(small.sigma[500]) < 1e-10 and np.mean(small.sigma[1200] == 0.0) > 0.2
    )  # "a few hundred generations"


def test_section_4_1_split_tasks_and_monitors():
    table = completion_by_pieces(range(1, 9), seed=0, steps=30).set_index("pieces")
    assert (
        pct(table.loc[1, "harmful completed"]) == "0%"
        and pct(table.loc[1, "benign completed"]) == "86%"
    )
    assert [pct(table.loc[k, "harmful completed"]) for k in (2, 3, 4)] == ["27%", "84%", "98%"]
    result = {}
    for monitor in ("agent", "window", "plan"):
        calibration = monitor_scores(50, rng=100, monitor=monitor, harmful_share=0.0)
        threshold = threshold_for_budget(calibration["benign"], 0.01)
        traffic = monitor_scores(50, rng=0, monitor=monitor)
        result[monitor] = (
            np.mean(traffic["benign"] > threshold),
            np.mean(traffic["harmful"] > threshold),
        )
    assert pct(result["agent"][1]) == "34%" and pct(result["plan"][1]) == "61%"
    assert pct(result["window"][1]) == "52%" and pct(result["window"][0]) == "29%"
    assert result["plan"][0] <= 0.01


def test_section_4_2_schelling():
    town = SchellingArray(rng=0, wanted=0.3)
    start = town.town()
    town.run_for(100)
    assert (
        pct(similar_share(start)) == "49%"
        and pct(town.similar_share()) == "74%"
        and town.discontented == 0.0
    )
    table = (
        segregation_by_preference([0.25, 0.3, 0.6], seeds=(0, 1), steps=60)
        .groupby("wanted")["similar"]
        .mean()
    )
    assert pct(table[0.25]) == "57%" and pct(table[0.3]) == "74%" and pct(table[0.6]) == "97%"
    assert int(np.ceil(0.25 * 8)) == 2 and int(np.ceil(0.3 * 8)) == 3  # "2 of 8", "3 of 8"


def test_check_your_understanding_arithmetic():
    assert 0.03 / (1 - 0.8) == pytest.approx(0.15)
    assert (
        f"{chain_deviation(4, 0.8, 0.03):.3f}" == "0.089"
        and f"{chain_deviation(5, 0.8, 0.03):.3f}" == "0.101"
    )


def test_lab_model_answer_numbers():
    biases = [0.01, 0.02, 0.03, 0.05, 0.08, 0.12]
    gains = [0.0, 0.3, 0.6, 0.9, 1.2, 1.5]
    grid = {
        (b, g): reference_first_visible_scale(
            {"gain": g, "bias": b, "noise": 0.01, "learning": 0.05}, 0
        )
        for b in biases
        for g in gains
    }
    share = {
        level: sum(v == level for v in grid.values()) / len(grid)
        for level in ("component", *SCALES, None)
    }
    assert share["component"] == pytest.approx(1 / 6) and all(
        grid[0.12, g] == "component" for g in gains
    )
    assert round(1 - share["component"] - share[None], 2) == 0.67  # "two thirds"
    assert (
        share["dyadic"] == pytest.approx(0.25)
        and share["network"] == pytest.approx(8 / 36)
        and share["temporal"] == pytest.approx(1 / 6)
    )
    assert [b_g for b_g, v in grid.items() if v == "cross-system"] == [(0.08, 0.0)]
    assert all(grid[0.08, g] == "dyadic" for g in gains[1:]) and all(
        grid[0.05, g] == "dyadic" for g in (0.9, 1.2, 1.5)
    )
    assert grid[0.01, 1.2] == grid[0.01, 1.5] == "network"
    assert {g for (b, g), v in grid.items() if v == "temporal"} == {0.3, 0.6, 0.9}
    assert {b_g for b_g, v in grid.items() if v is None} == {
        (0.01, 0.0),
        (0.02, 0.0),
        (0.03, 0.0),
        (0.05, 0.0),
        (0.01, 0.3),
        (0.02, 0.3),
    }

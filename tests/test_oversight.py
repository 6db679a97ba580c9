"""Institutional oversight: the exact rates (geometric in k with independent auditors, a floor
with correlated ones, the regress over layers, diversity, capture), both engines against the
exact values and against each other, capture and its remedies across seeds, determinism and
bad input."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from mesa_models import run
from mesa_models.governance.oversight import (
    Auditor,
    OversightModel,
    family_sizes,
    oversight_rates,
    panel_pass_probability,
)
from mesa_models.governance.oversight_fast import (
    oversight_outcome,
    oversight_sweep,
    simulate_oversight,
)

matplotlib.use("Agg")

E = 0.2  # the lesson's auditor error rate

# -- exact rates ------------------------------------------------------------------------------------------------


def test_independent_unanimous_panels_fall_geometrically_in_k():
    values = [panel_pass_probability(E, k, k) for k in range(1, 8)]
    assert values == pytest.approx([E**k for k in range(1, 8)], rel=1e-12)
    ratios = np.array(values[1:]) / np.array(values[:-1])
    assert ratios == pytest.approx(E, rel=1e-12)  # each auditor multiplies by the error rate


@pytest.mark.parametrize("rho", [0.1, 0.3, 0.7])
def test_correlated_panels_flatten_at_the_shared_blind_spot(rho):
    values = np.array([panel_pass_probability(E, k, k, correlation=rho) for k in range(1, 9)])
    assert values == pytest.approx(rho * E + (1 - rho) * E ** np.arange(1, 9), rel=1e-12)
    gains = -np.diff(values)
    assert (gains > 0).all() and (np.diff(gains) < 0).all()  # each auditor helps, less each time
    assert values[-1] == pytest.approx(rho * E, rel=0.01)  # the floor: correlation x error rate
    assert values[-1] > values[0] * rho  # never below the floor


def test_k_of_n_is_a_binomial_tail_and_monotone():
    for n in range(1, 7):
        for k in range(1, n + 1):
            tail = sum(math.comb(n, j) * E**j * (1 - E) ** (n - j) for j in range(k, n + 1))
            assert panel_pass_probability(E, n, k) == pytest.approx(tail, rel=1e-12)
    assert (
        panel_pass_probability(E, 5, 3)
        < panel_pass_probability(E, 5, 2)
        < panel_pass_probability(E, 5, 1)
    )


def test_layers_multiply_when_independent_and_share_a_floor_when_not():
    one = panel_pass_probability(E, 3, 2)
    for layers in range(1, 6):
        assert panel_pass_probability(E, 3, 2, layers=layers) == pytest.approx(
            one**layers, rel=1e-12
        )
        assert panel_pass_probability(E, 3, 2, layers=layers, correlation=0.3) == pytest.approx(
            0.3 * E + 0.7 * one**layers, rel=1e-12
        )


def test_diversity_lowers_the_floor_and_capture_raises_it():
    one_model = [panel_pass_probability(E, 3, 2, layers=L, correlation=0.3) for L in range(1, 6)]
    three_models = [
        panel_pass_probability(E, 3, 2, layers=L, correlation=0.3, families=3) for L in range(1, 6)
    ]
    captured = [
        panel_pass_probability(E, 3, 2, layers=L, correlation=0.3, captured=0.2)
        for L in range(1, 6)
    ]
    assert all(d < o for d, o in zip(three_models[1:], one_model[1:], strict=True))
    assert all(c > o for c, o in zip(captured, one_model, strict=True))
    # three base models on a 3-seat panel, 2 of 3 needed: one model's blind spot is one seat, so
    # the floor needs two blind spots at once, about 3 (rho E)^2 instead of rho E
    assert three_models[-1] == pytest.approx(3 * (0.3 * E) ** 2, rel=0.05)
    assert three_models[-1] < 0.2 * one_model[-1]


def test_exact_distribution_by_brute_force():
    """panel_pass_probability against an enumeration of every auditor's verdict."""
    import itertools

    n, k, layers, rho, families, c = 3, 2, 2, 0.4, 2, 0.1
    sizes = family_sizes(n, families)
    seat_family = [j % families for j in range(n)]
    total = 0.0
    # per family: independent / shared-approve / shared-block
    for states in itertools.product(range(3), repeat=families):
        w = np.prod([(1 - rho, rho * E, rho * (1 - E))[s] for s in states])
        # auditors: layers x n; each: captured?, own verdict
        p_layer_pass = []
        probs = []
        for votes in itertools.product([0, 1], repeat=n):
            pr = 1.0
            for j, v in enumerate(votes):
                s = states[seat_family[j]]
                approve = {0: c + (1 - c) * E, 1: 1.0, 2: c}[s]
                pr *= approve if v else 1 - approve
            probs.append((sum(votes) >= k) * pr)
        p_layer_pass = sum(probs)
        total += w * p_layer_pass**layers
    assert sizes == [2, 1]
    assert panel_pass_probability(
        E, n, k, layers=layers, correlation=rho, families=families, captured=c
    ) == pytest.approx(total, rel=1e-12)


def test_rates_combine_risk_levels():
    rates = oversight_rates()
    m, h, H = 0.2, 0.3, 10.0
    assert rates["residual_harm"] == pytest.approx(m * ((1 - h) * E + h * H * E**3))
    assert rates["false_blocks"] == pytest.approx((1 - h) * 0.05 + h * (1 - 0.95**3))
    assert rates["reviews"] == pytest.approx(
        (1 - h) + h * 3
    )  # one layer: every high-risk proposal sees 3
    two = oversight_rates(layers=2, meta_audit_rate=0.5)
    executed = (1 - h) * (m * E + (1 - m) * 0.95) + h * (m * E**6 + (1 - m) * 0.95**6)
    reviews = (1 - h) + h * 3 * (1 + m * E**3 + (1 - m) * 0.95**3) + 0.5 * executed
    assert two["reviews"] == pytest.approx(reviews)


# -- engines against the exact values --------------------------------------------------------------------------


@pytest.mark.parametrize("rho", [0.0, 0.3])
@pytest.mark.parametrize("seed", [1, 2])
def test_fast_engine_matches_the_exact_k_curve(rho, seed):
    for k in range(1, 6):
        r = simulate_oversight(
            30,
            8,
            rng=seed * 10 + k,
            n_proposers=100,
            misaligned_share=1.0,
            high_risk_share=1.0,
            n_auditors=k,
            k=k,
            correlation=rho,
        )
        passed = r["residual_harm"][:, 1:].mean() / 10.0
        exact = panel_pass_probability(E, k, k, correlation=rho)
        se = math.sqrt(exact * (1 - exact) / (30 * 8 * 100))
        assert abs(passed - exact) < 4.5 * se + 1e-4, (k, passed, exact)


CONFIGS = [
    {},
    {"correlation": 0.4, "families": 1, "n_auditors": 4, "k": 3},
    {"correlation": 0.4, "families": 3, "k": 2, "layers": 2},
    {
        "error_rate": 0.3,
        "false_block_rate": 0.1,
        "n_auditors": 4,
        "k": 2,
        "families": 2,
        "correlation": 0.3,
        "meta_audit_rate": 0.3,
    },
]


@pytest.mark.parametrize("config", CONFIGS)
def test_both_engines_match_the_exact_rates(config):
    exact = oversight_rates(**config)
    fast = simulate_oversight(150, 20, rng=3, **config)
    frames = [run(OversightModel, 150, rng=s, **config) for s in range(4)]
    mesa = pd.concat([f.iloc[1:] for f in frames])
    for name, tol in (("residual_harm", 0.1), ("false_blocks", 0.06), ("reviews", 0.01)):
        want = exact[name]
        assert fast[name][:, 1:].mean() == pytest.approx(want, rel=tol), name
        assert mesa[name].mean() == pytest.approx(want, rel=2 * tol), name


CAPTURE = [
    {"capture_rate": 0.05, "rotation": False},
    {"capture_rate": 0.05, "rotation": True},
    {"capture_rate": 0.05, "rotation": False, "meta_audit_rate": 0.5},
]


@pytest.mark.parametrize("config", CAPTURE)
def test_mesa_and_numpy_engines_agree_under_capture(config):
    fast = simulate_oversight(80, 40, rng=5, **config)
    frames = [run(OversightModel, 80, rng=s, **config) for s in range(12)]
    late_mesa = np.array([f["residual_harm"].iloc[41:].mean() for f in frames])
    cap_mesa = np.array([f["captured"].iloc[41:].mean() for f in frames])
    late_fast = fast["residual_harm"][:, 41:].mean(axis=1)
    cap_fast = fast["captured"][:, 41:].mean(axis=1)
    for a, b in ((late_mesa, late_fast), (cap_mesa, cap_fast)):
        se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        assert abs(a.mean() - b.mean()) < 4 * se + 0.01, (a.mean(), b.mean())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_capture_and_what_breaks_it(seed):
    outcome = {
        name: oversight_outcome(100, 20, 50, rng=seed, **kw)
        for name, kw in {
            "clean": {},
            "fixed": {"capture_rate": 0.05, "rotation": False},
            "rotation": {"capture_rate": 0.05},
            "audited": {"capture_rate": 0.05, "rotation": False, "meta_audit_rate": 0.5},
        }.items()
    }
    clean = outcome["clean"]["residual_harm"]
    assert outcome["fixed"]["residual_harm"] > 5 * clean  # captured fixed panels wave harm through
    assert (
        outcome["rotation"]["residual_harm"] < 2 * clean
    )  # rotation: captors rarely meet their captives
    assert outcome["audited"]["residual_harm"] < 0.4 * outcome["fixed"]["residual_harm"]
    assert outcome["audited"]["captured"] < 0.6 * outcome["fixed"]["captured"]
    assert (
        outcome["rotation"]["captured"] > outcome["fixed"]["captured"]
    )  # more captured, but harmless


def test_sweep_rows_and_common_seed():
    table = oversight_sweep([{"k": 1}, {"k": 2}, {"k": 3}], rounds=20, runs=4, late=10, rng=1)
    assert list(table["k"]) == [1, 2, 3]
    assert table["residual_harm"].is_monotonic_decreasing


# -- determinism ---------------------------------------------------------------------------------------------------


def test_same_seed_same_run_both_engines():
    kw = {"capture_rate": 0.1, "meta_audit_rate": 0.3, "correlation": 0.2, "rotation": False}
    a, b, c = (run(OversightModel, 30, rng=s, **kw) for s in (4, 4, 5))
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    x, y = simulate_oversight(30, 3, rng=4, **kw), simulate_oversight(30, 3, rng=np.int64(4), **kw)
    assert all(np.array_equal(x[n], y[n]) for n in x.series)
    assert not np.array_equal(
        x["residual_harm"], simulate_oversight(30, 3, rng=5, **kw)["residual_harm"]
    )


# -- extension points ----------------------------------------------------------------------------------------------


def test_a_lenient_auditor_subclass_and_a_panel_rule():
    class RubberStamp(Auditor):
        def verdict(self, proposal, shared):
            return True

    class Lenient(OversightModel):
        auditor_class = RubberStamp

    frame = run(Lenient, 200, rng=1)
    assert frame["residual_harm"].iloc[1:].mean() == pytest.approx(0.2 * (0.7 + 0.3 * 10), rel=0.1)
    assert frame["false_blocks"].iloc[1:].max() == 0.0

    def first_auditors(model, proposer):
        return [model.auditors[: model.n_auditors]]

    model = OversightModel(panel_rule=first_auditors, rng=1)
    model.step()
    with pytest.raises(ValueError, match="panel rule 'bad'"):

        def bad(model, proposer):
            return [model.auditors[:1]]

        OversightModel(panel_rule=bad, rng=1).step()
    with pytest.raises(TypeError, match="panel_rule"):
        OversightModel(panel_rule="rotate")


def test_draw_state():
    import matplotlib.pyplot as plt

    model = OversightModel(rng=1, capture_rate=0.2, rotation=False, families=3)
    model.run_for(5)
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "captured" in ax.get_title()
    plt.close(fig)


# -- bad input -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"k": 4}, "'k'"),
        ({"families": 4}, "'families'"),
        ({"pool_size": 5, "layers": 2}, "'pool_size'"),
        ({"error_rate": 1.5}, "'error_rate'"),
        ({"layers": 0}, "'layers'"),
    ],
)
def test_bad_parameters_are_named(kwargs, name):
    for build in (
        lambda: OversightModel(**kwargs),
        lambda: simulate_oversight(2, 2, **kwargs),
        lambda: oversight_rates(**kwargs),
    ):
        with pytest.raises(ValueError, match=name):
            build()


def test_bad_helper_arguments():
    with pytest.raises(ValueError, match="'k'"):
        panel_pass_probability(0.2, 3, 4)
    with pytest.raises(ValueError, match="'p'"):
        panel_pass_probability(1.2, 3, 2)
    with pytest.raises(TypeError, match="'n_auditors'"):
        panel_pass_probability(0.2, "3", 2)
    with pytest.raises(ValueError, match="'captured'"):
        oversight_rates(captured=-0.1)
    with pytest.raises(ValueError, match="'runs'"):
        simulate_oversight(10, 100_000, n_proposers=2000)
    with pytest.raises(ValueError, match="'late'"):
        oversight_outcome(10, 2, 20)
    with pytest.raises(TypeError, match="'settings'"):
        oversight_sweep({"k": 1})
    assert panel_pass_probability(np.float64(0.2), np.int64(3), np.int64(3)) == pytest.approx(0.008)

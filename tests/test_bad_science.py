"""The natural selection of bad science (Smaldino & McElreath 2016): the Mesa model and the
compiled engine replay the same run; effort falls and the false discovery rate rises under
selection on output, across seeds, at the paper's scale; replication slows the decline but
does not stop it; audits of the labs about to be copied stop it. Errors and determinism."""

import math

import numpy as np
import pytest

from mesa_models import run
from mesa_models.selection import bad_science_fast as fast
from mesa_models.selection.bad_science import BadScience, false_discovery_rate
from mesa_models.selection.bad_science_fast import (
    COLUMNS,
    BadScienceFast,
    advance,
    contest,
    initial_state,
    lab_rates,
    resolve,
    simulate,
    simulate_cached,
)

STATE_FIELDS = (
    "effort",
    "power",
    "replication",
    "payoff",
    "age",
    "claims_true",
    "claims_false",
    "dead",
)
BUSY = dict(
    n_labs=30,
    replication=0.3,
    audit_rate=0.2,
    vetted_claims=2,
    mutation_effort=0.5,
    mutation_power=0.3,
    mutation_replication=0.3,
    sd_effort=5.0,
)


def assert_same_state(a, b, where):
    for name in STATE_FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), f"{where}: {name} differs"


# -- the two engines replay the same run ------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "steps"), [(BUSY, 300), ({}, 60)])
def test_mesa_model_and_compiled_engine_agree_step_by_step(kwargs, steps):
    model = BadScience(rng=4, **kwargs)
    values = resolve(kwargs, "test")
    state = initial_state(values)
    rng = np.random.default_rng(4)
    for step in range(steps):
        model.step()
        advance(state, rng, 1, values)
        assert_same_state(model.state(), state, f"{kwargs or 'defaults'}, step {step + 1}")
    if kwargs:
        assert (
            state.dead.sum() > 100 and model.tally["audits"] >= 0
        )  # replications had a literature to draw from
        assert len(set(np.round(state.effort, 6))) > 3  # mutations happened


@pytest.mark.skipif(
    not fast.HAVE_NUMBA, reason="numba not installed: only the interpreted engine exists"
)
def test_interpreted_engine_gives_the_compiled_results():
    values = resolve(BUSY, "test")
    compiled, interpreted = initial_state(values), initial_state(values)
    out_c, out_i = np.zeros((5, len(COLUMNS))), np.zeros((5, len(COLUMNS)))
    fast._advance(np.random.default_rng(9), 250, 50, *_kernel_args(compiled, out_c, values))
    fast._advance.py_func(
        np.random.default_rng(9), 250, 50, *_kernel_args(interpreted, out_i, values)
    )
    assert_same_state(compiled, interpreted, "interpreted vs compiled")
    assert np.allclose(
        out_c, out_i, rtol=0, atol=1e-12
    )  # means may differ in the last bit (summation order)


def _kernel_args(state, out, values):
    n = len(state.effort)
    return (
        state.effort,
        state.power,
        state.replication,
        state.payoff,
        state.age,
        state.claims_true,
        state.claims_false,
        state.dead,
        state.alpha,
        state.productivity,
        np.zeros(n, np.int8),
        np.zeros(n, np.int64),
        np.zeros(n, np.int64),
        out,
        0,
        values["base_rate"],
        values["eta"],
        values["payoff_novel"],
        values["payoff_replication_pos"],
        values["payoff_replication_neg"],
        values["payoff_original_pos"],
        values["payoff_original_neg"],
        values["sample_size"],
        values["mutation_effort"],
        values["mutation_power"],
        values["mutation_replication"],
        values["sd_effort"],
        values["sd_power"],
        values["sd_replication"],
        values["audit_rate"],
        values["audit_penalty"],
        values["vetted_claims"],
    )


# -- the model's formulas ------------------------------------------------------------------------------
def test_rates_at_the_papers_start():
    alpha, h = lab_rates(75.0, 0.8, 0.2)
    assert alpha == pytest.approx(0.05) and h == pytest.approx(1 - 0.2 * math.log10(75))
    assert lab_rates(1.0, 0.8, 0.2) == pytest.approx((0.8 / 1.2, 1.0))
    assert false_discovery_rate(0.1, 0.8, 0.05) == pytest.approx(0.36)
    assert false_discovery_rate(0.1, 0.8, 0.8 / 1.2) == pytest.approx(0.882, abs=5e-4)


def test_one_step_rates_match_the_formulas():
    # no evolution to speak of in 200 steps without mutation: claims per step and FDR at e = 75
    runs = simulate(range(3), 600, record_every=600, mutation_effort=0.0)
    claims = runs.claims_per_step[:, -1].mean()
    alpha, h = lab_rates(75.0, 0.8, 0.2)
    assert claims == pytest.approx(100 * h * (0.1 * 0.8 + 0.9 * alpha), rel=0.03)
    assert runs.false_discovery_rate[:, -1].mean() == pytest.approx(0.36, abs=0.02)


# -- the published result: effort falls, the false discovery rate rises, across seeds -------------------
@pytest.fixture(scope="module")
def decline():
    # one cached run per seed: the numbers test reuses seed 1 (the lesson's run)
    return [simulate_cached((seed,), 1_000_000, record_every=10_000) for seed in (1, 2)]


def test_selection_on_output_drives_effort_down_and_false_discoveries_up(decline):
    effort = np.vstack([runs.effort for runs in decline])
    fdr = np.vstack([runs.false_discovery_rate for runs in decline])
    assert (effort[:, 0] == 75).all()
    assert fdr[:, 1] == pytest.approx(0.36, abs=0.03)
    assert (effort[:, -1] < 2).all(), effort[:, -1]  # effort at its minimum (1) after 10^6 steps
    assert (fdr[:, -10:].mean(axis=1) > 0.85).all()  # 0.88 at e = 1
    for k in range(2):  # the decline is gradual: under way, not over, at step 300,000
        assert 20 < effort[k, 30] < 72


def test_competition_favours_low_effort_in_every_contest_setting():
    result = contest(range(16), low_effort=60.0, high_effort=75.0)
    assert result.low_wins >= 0.8 and all(w is not None for w in result.winner)


def test_replication_slows_the_decline_but_does_not_stop_it():
    without = contest(range(30), low_effort=60.0, high_effort=75.0)
    replicated = contest(range(30), low_effort=60.0, high_effort=75.0, replication=0.5)
    assert replicated.low_wins < without.low_wins  # weaker selection for low effort ...
    assert replicated.low_wins > 0.5  # ... but still for it


def test_vetting_the_labs_about_to_be_copied_stops_the_decline():
    result = contest(range(20), low_effort=50.0, high_effort=75.0, vetted_claims=1)
    assert result.low_wins <= 0.25
    assert np.nanmean(result.audits_per_claim) < 0.25
    uniform = contest(range(20), low_effort=50.0, high_effort=75.0, audit_rate=0.2)
    assert uniform.low_wins > 0.75  # the same audit budget spread uniformly does not


@pytest.mark.parametrize("seed", [1, 2])
def test_vetting_keeps_effort_high_at_the_papers_scale(seed):
    runs = simulate_cached((seed,), 1_000_000, record_every=10_000, vetted_claims=1)
    assert runs.effort[0].min() > 50 and runs.effort[0, -20:].mean() > 65
    assert np.nanmean(runs.false_discovery_rate[0, -20:]) < 0.45


# -- the dashboard model, extension points, errors ----------------------------------------------------
def test_dashboard_model_steps_many_time_steps():
    frame = run(BadScienceFast, 3, rng=0, steps_per_tick=2000)
    assert frame["time_steps"].tolist() == [0, 2000, 4000, 6000]
    assert frame["false_discovery_rate"].iloc[1:].between(0.25, 0.5).all()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = BadScienceFast(rng=0, steps_per_tick=500)
    model.step()
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "mean effort" in ax.get_title()
    plt.close(fig)


def test_audit_policy_is_injectable():
    model = BadScience(rng=1, n_labs=20, audit_policy=lambda lab: 1.0)
    model.step()
    assert model.tally["audits"] == model.tally["claims_true"] + model.tally["claims_false"] > 0

    def generous(lab):
        return 2

    with pytest.raises(ValueError, match="generous.*2"):
        BadScience(rng=1, n_labs=20, audit_policy=generous).step()
    with pytest.raises(TypeError, match="'audit_policy'"):
        BadScience(rng=1, audit_policy=0.5)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: BadScience(rng=0, n_labs=10), ValueError, "'sample_size'.*less than n_labs"),
        (lambda: BadScience(rng=0, effort=0.5), ValueError, "'effort'"),
        (lambda: BadScienceFast(rng=0, eta=0.7), ValueError, "'eta'"),
        (lambda: simulate(3, 100), TypeError, "'seeds'"),
        (lambda: simulate([0], 1000, record_every=300), ValueError, "'record_every'.*divisor"),
        (lambda: simulate(range(100), 10**6, record_every=1), ValueError, "'record_every'.*MB"),
        (lambda: simulate([-1], 100, record_every=100), ValueError, "'seeds'"),
        (lambda: simulate([0], 100, record_every=100, audit_rate=2), ValueError, "'audit_rate'"),
        (lambda: simulate([0], 100, record_every=100, typo=1), TypeError, "'typo'"),
        (lambda: contest([0], low_effort=80.0, high_effort=75.0), ValueError, "'low_effort'"),
        (lambda: contest([0], low_effort=0.0), ValueError, "'low_effort'"),
        (lambda: initial_state(resolve({}, "x"), effort=[50.0] * 3), ValueError, "'effort'"),
    ],
)
def test_bad_input_gives_clear_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_same_seed_same_run_and_numpy_scalars():
    a = run(BadScience, 30, rng=np.int64(5), n_labs=np.int64(40))
    b = run(BadScience, 30, rng=5, n_labs=40)
    c = run(BadScience, 30, rng=6, n_labs=40)
    assert a.equals(b) and not a.equals(c)
    x = simulate([3], 2000, record_every=500)
    y = simulate([np.int64(3)], np.int64(2000), record_every=np.int64(500))
    z = simulate([4], 2000, record_every=500)
    assert np.array_equal(x.records, y.records, equal_nan=True)
    assert not np.array_equal(x.records, z.records, equal_nan=True)

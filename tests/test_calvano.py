"""Calvano et al. (2020) Q-learning pricing: market benchmarks; the three engines (Mesa model,
NumPy, compiled) agree period by period; the compiled engine works without numba (NumPy
fallback) and without a writable cache; sessions split over executors give the same
results; the paper's results at the paper's scale; punishment after a deviation; errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from _collusion_pools import dask_executor, local_pool_factory, process_pool  # noqa: F401  (shared pools)
from mesa_models.collusion import calvano_fast
from mesa_models.collusion.calvano import (
    CalvanoModel,
    Market,
    PricingFirm,
    converged_cycle,
    cycle_profit_gain,
    impulse_response,
    profit_gain,
    punishes,
)
from mesa_models.collusion.calvano_fast import compile_report, simulate
from mesa_models.collusion.lab import lab_batch

#: Fast schedules for engine comparisons (the engines must agree on any parameters).
ENGINE_CASES = [
    dict(beta=2e-4, convergence_window=500),
    dict(n_firms=3, m=5, beta=1e-3),
    dict(memory=2, m=4, alpha=0.3),
    dict(n_firms=3, memory=2, m=3, beta=1e-3, delta=0.5),
]
ENGINE_IDS = ["baseline", "3 firms", "memory 2", "3 firms memory 2"]


# -- market primitives -------------------------------------------------------------------------
def test_benchmarks_match_published_values_to_4_decimals():
    mk = Market()
    assert round(mk.nash_price, 4) == 1.4729
    assert round(mk.monopoly_price, 4) == 1.9250
    assert round(mk.nash_profit, 4) == 0.2229
    assert round(mk.monopoly_profit, 4) == 0.3375


def test_benchmarks_are_a_nash_equilibrium_and_the_joint_optimum():
    mk = Market()
    grid = np.linspace(1.0, 3.0, 2001)
    dev = mk.profits(np.stack([grid, np.full_like(grid, mk.nash_price)], axis=1))[:, 0]
    assert dev.max() <= mk.nash_profit + 1e-9
    joint = mk.profits(np.stack([grid, grid], axis=1)).sum(axis=1)
    assert joint.max() <= 2 * mk.monopoly_profit + 1e-9


def test_price_grid_and_profit_table():
    mk = Market()
    span = mk.monopoly_price - mk.nash_price
    assert len(mk.prices) == 15
    assert mk.prices[0] == pytest.approx(mk.nash_price - 0.1 * span)
    assert mk.prices[-1] == pytest.approx(mk.monopoly_price + 0.1 * span)
    table = mk.profit_table.reshape(15, 15, 2)
    np.testing.assert_allclose(table[..., 0], table[..., 1].T)  # symmetric firms
    assert mk.profit_table.shape == (225, 2)


def test_state_encoding_round_trips():
    mk = Market(n_firms=3, m=4, memory=2)
    assert mk.n_states == 4**6
    state = mk.state_from_digits([1, 2, 3, 0, 1, 2])  # oldest profile first
    np.testing.assert_array_equal(mk.last_profile(state), [0, 1, 2])
    new = mk.next_state(state, mk.profile_index([3, 3, 1]))
    np.testing.assert_array_equal(mk.last_profile(new), [3, 3, 1])
    assert new == mk.state_from_digits([0, 1, 2, 3, 3, 1])


def test_initial_q_is_discounted_payoff_against_uniform_rivals():
    mk = Market()
    q0 = mk.initial_q(0.95)
    assert q0.shape == (2, 225, 15)
    expected = mk.profit_table.reshape(15, 15, 2)[:, :, 0].mean(axis=1) / 0.05
    np.testing.assert_allclose(q0[0, 17], expected)
    np.testing.assert_allclose(q0[0], q0[1])


def test_profit_gain_is_zero_at_nash_and_one_at_monopoly():
    mk = Market()
    assert profit_gain(mk.nash_profit, mk) == pytest.approx(0)
    assert profit_gain(mk.monopoly_profit, mk) == pytest.approx(1)


# -- the three engines agree -------------------------------------------------------------------
@pytest.mark.parametrize("params", ENGINE_CASES, ids=ENGINE_IDS)
def test_three_engines_play_the_same_sessions_from_the_same_seeds(params):
    seeds, periods = [3, 42], 2_000
    fast = simulate(seeds=seeds, max_periods=periods, record=periods, engine="numba", **params)
    array = simulate(seeds=seeds, max_periods=periods, record=periods, engine="numpy", **params)
    assert (fast.engine, array.engine) == ("numba", "numpy")
    for name in ("q", "greedy", "state", "periods", "converged", "history"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(array, name), err_msg=name)
    for j, seed in enumerate(seeds):
        model = CalvanoModel(rng=seed, **params)
        played = []
        for _ in range(int(fast.periods[j])):
            model.step()
            played.append([f.action for f in model.firms])
        np.testing.assert_array_equal(np.array(played), fast.history[j])
        for i, firm in enumerate(model.firms):
            np.testing.assert_array_equal(firm.q, fast.q[j, i])  # bit for bit
        np.testing.assert_array_equal(model.greedy_tables(), fast.greedy[j])
        assert model.state == fast.state[j]


@pytest.mark.parametrize(
    "params",
    [
        dict(beta=3e-3, convergence_window=200),
        dict(n_firms=3, memory=2, m=3, beta=3e-3, convergence_window=300),
    ],
    ids=["baseline", "3 firms memory 2"],
)
def test_three_engines_agree_on_convergence_and_impulse_responses(params):
    periods, S = 30_000, 2
    mk = Market(**{k: v for k, v in params.items() if k in ("n_firms", "memory", "m")})
    uniforms = np.random.default_rng(7).random((periods, S, mk.n_firms, 2))
    models = [CalvanoModel(rng=s, uniforms=uniforms[:, j], **params) for j, s in enumerate((0, 1))]
    starts = [m.state for m in models]
    fast = simulate(
        seeds=[0, 1], uniforms=uniforms, initial_states=starts, engine="numba", **params
    )
    array = simulate(
        seeds=[0, 1], uniforms=uniforms, initial_states=starts, engine="numpy", **params
    )
    assert fast.converged.all()
    np.testing.assert_array_equal(fast.convergence_time, array.convergence_time)
    np.testing.assert_array_equal(fast.q, array.q)
    for j, model in enumerate(models):
        model.run_for(int(fast.periods[j]))
        assert model.converged and model.converged_at == fast.periods[j]
        assert model.session_profit_gain() == fast.profit_gain()[j] == array.profit_gain()[j]
        np.testing.assert_array_equal(model.impulse_response(), fast.impulse_responses()[j])
        np.testing.assert_array_equal(array.impulse_responses()[j], fast.impulse_responses()[j])
        np.testing.assert_array_equal(model.greedy_tables(), fast.greedy[j])
        assert model.state == fast.state[j]


def test_engines_agree_at_the_papers_exploration_rate():
    fast = simulate(
        seeds=[5, 6], max_periods=20_000, engine="numba"
    )  # beta = 4e-6: still exploring
    array = simulate(seeds=[5, 6], max_periods=20_000, engine="numpy")
    np.testing.assert_array_equal(fast.q, array.q)
    np.testing.assert_array_equal(fast.state, array.state)


def test_same_seed_same_session_different_seed_different_session():
    a, b, c = (CalvanoModel(rng=s, beta=1e-3) for s in (5, 5, 6))
    for model in (a, b, c):
        model.run_for(500)
    assert np.array_equal(a.firms[0].q, b.firms[0].q)
    assert not np.array_equal(a.firms[0].q, c.firms[0].q)


def test_a_student_firm_subclass_changes_behaviour():
    class NeverExplores(PricingFirm):
        def explores(self, t, u):
            return False

    class Greedy(CalvanoModel):
        firm_class = NeverExplores

    model = Greedy(rng=0)
    model.run_for(50)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["epsilon"].iloc[-1] > 0.99  # the schedule says explore ...
    first_greedy = model.market.prices[Market().initial_q(0.95)[0, 0].argmax()]
    assert frame["price_0"].iloc[1] == pytest.approx(first_greedy)  # ... but the firm did not


# -- the compiled engine: fallback, cache, executors ------------------------------------------------
def test_compile_report_names_the_engine_and_its_one_off_cost():
    report = compile_report()
    assert report["engine"] == "numba" and report["seconds"] >= 0
    assert report["cached_on_disk"] is True


def test_without_numba_simulate_falls_back_to_numpy_with_the_same_results(monkeypatch):
    reference = simulate(seeds=[1, 2], beta=1e-3, convergence_window=1_000)
    real_import = (
        __builtins__["__import__"] if isinstance(__builtins__, dict) else __builtins__.__import__
    )

    def no_numba(name, *args, **kwargs):
        if name == "numba" or name.startswith("numba."):
            raise ImportError("No module named 'numba' (test)")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr("builtins.__import__", no_numba)
    monkeypatch.setattr(calvano_fast, "_KERNEL", {})
    batch = simulate(seeds=[1, 2], beta=1e-3, convergence_window=1_000)
    assert batch.engine == "numpy" and not calvano_fast.numba_available()
    assert compile_report() == {"engine": "numpy", "reason": "numba is not installed"}
    np.testing.assert_array_equal(batch.q, reference.q)
    np.testing.assert_array_equal(batch.periods, reference.periods)
    with pytest.raises(ValueError, match="numba cannot be imported"):
        simulate(1, engine="numba")


def test_the_package_imports_and_runs_where_numba_is_absent():
    """A fresh interpreter in which ``import numba`` fails (as in a browser kernel)."""
    code = textwrap.dedent("""
        import sys
        sys.modules["numba"] = None  # makes `import numba` raise ImportError
        from mesa_models.collusion import simulate, compile_report
        batch = simulate(2, beta=2e-3, convergence_window=300)
        print(batch.engine, compile_report()["engine"], bool(batch.converged.all()))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["numpy", "numpy", "True"]


def test_an_unwritable_cache_falls_back_to_compiling_in_memory(monkeypatch):
    import numba

    calls = []

    def fake_njit(**options):
        calls.append(options)
        if options.get("cache"):
            raise RuntimeError(
                "cannot cache function '_period_loop': no locator available for file"
            )
        return lambda f: f  # run the plain Python loop: this test checks the bookkeeping only

    monkeypatch.setattr(numba, "njit", fake_njit)
    monkeypatch.setattr(calvano_fast, "_KERNEL", {})
    assert calvano_fast._kernel() is calvano_fast._period_loop
    assert calls == [{"cache": True, "nogil": True}, {"nogil": True}]
    assert compile_report()["cached_on_disk"] is False


def test_sessions_split_over_executors_are_the_serial_sessions(
    process_pool, dask_executor, local_pool_factory
):
    params = dict(
        seeds=range(6), beta=1e-3, convergence_window=1_000, cache=False
    )  # really run every time
    serial = simulate(**params)
    for batch in (
        simulate(**params, executor=process_pool),
        simulate(**params, executor=dask_executor),
        simulate(**params, workers=2),
    ):
        for name in ("q", "greedy", "state", "periods", "converged"):
            np.testing.assert_array_equal(getattr(batch, name), getattr(serial, name), err_msg=name)
        assert batch.seeds == serial.seeds
    assert local_pool_factory == [(2, "spawn"), "shutdown"]
    numpy_split = simulate(**params, engine="numpy", executor=dask_executor)
    np.testing.assert_array_equal(numpy_split.q, serial.q)


def test_finished_sessions_are_remembered_not_replayed(monkeypatch):
    calvano_fast.clear_cache()
    params = dict(beta=1e-3, convergence_window=1_000)
    first = simulate(seeds=[3, 4], **params)
    played = []
    real = calvano_fast._run_chunk
    monkeypatch.setattr(
        calvano_fast,
        "_run_chunk",
        lambda seeds, *a, **k: played.append(list(seeds)) or real(seeds, *a, **k),
    )
    again = simulate(seeds=[4, 5, 3], **params)
    assert played == [[5]]  # only the new session is played
    np.testing.assert_array_equal(again.q[[2, 0]], first.q)
    again.q[:] = 0  # a caller's changes do not reach the cache
    np.testing.assert_array_equal(simulate(seeds=[3, 4], **params).q, first.q)
    simulate(seeds=[3], cache=False, **params)
    assert played[-1] == [3]
    with pytest.raises(TypeError, match="parameter 'cache'"):
        simulate(1, cache="yes")


def test_to_frame_has_one_row_per_session():
    batch = simulate(seeds=[4, 9, 2], beta=1e-3, convergence_window=1_000)
    frame = batch.to_frame("delta", "beta")
    assert list(frame.columns) == [
        "seed",
        "converged",
        "convergence_time",
        "periods",
        "profit_gain",
        "cycle_length",
        "price_0",
        "price_1",
        "delta",
        "beta",
    ]
    assert frame["seed"].tolist() == [4, 9, 2] and (frame["delta"] == 0.95).all()
    np.testing.assert_array_equal(frame["profit_gain"], batch.profit_gain())
    np.testing.assert_array_equal(frame[["price_0", "price_1"]], batch.converged_prices())
    assert isinstance(pd.concat([frame, frame]), pd.DataFrame)
    with pytest.raises(ValueError, match="Batch.to_frame: parameter 'params' got 'gamma'"):
        batch.to_frame("gamma")


# -- the paper's results at the paper's scale --------------------------------------------------------
@pytest.fixture(scope="module")
def baseline():
    """The lesson's sessions: baseline parameters at the paper's scale (beta = 4e-6,
    100,000-period window), cached and shared with the other Unit 03 tests."""
    return lab_batch(0.95)


def test_baseline_sessions_learn_supra_competitive_profits(baseline):
    assert baseline.converged.all()
    gains = baseline.profit_gain()
    se = gains.std(ddof=1) / np.sqrt(len(gains))
    assert abs(gains.mean() - 0.849) < 3 * se + 0.01  # Calvano et al.: 0.849 over 1,000 sessions
    prices = baseline.converged_prices().mean(axis=1)
    assert (prices > Market().nash_price).mean() >= 0.95


def test_profit_gain_of_a_cycle_matches_its_profits(baseline):
    mk = baseline.market
    cycle = converged_cycle(mk, baseline.greedy[0], int(baseline.state[0]))
    profits = mk.profits(mk.prices[cycle]).mean()
    assert cycle_profit_gain(mk, cycle) == pytest.approx(profit_gain(profits, mk))


def test_impulse_response_punishment_then_gradual_return(baseline):
    before = 3
    irf = baseline.impulse_responses(firm=0, before=before, after=20)  # (S, 24, 2)
    mean = irf.mean(axis=0)
    pre = mean[:before].mean(axis=0)
    assert mean[before, 0] < pre[0] - 0.1  # the forced one-period price cut
    depth = pre[1] - mean[before + 1, 1]
    assert depth > 0.05  # the rival punishes in the very next period
    assert mean[before + 1 :, 1].argmin() <= 1  # punishment comes at once ...
    tail = mean[-8:].mean(axis=0)
    assert np.all(pre - tail < 0.5 * depth)  # ... then prices climb most of the way back
    assert np.all(tail > mean[before + 1])
    assert baseline.punishes().mean() > 0.8  # in most sessions the cut does not pay


def test_impulse_response_of_a_hand_built_grim_trigger():
    """Greedy tables: charge the top price after (top, top) or after a joint punishment
    (bottom, bottom); after anything else punish for one period with the bottom price."""
    mk = Market(m=3)
    greedy = np.zeros((2, mk.n_states), dtype=int)
    for s in range(mk.n_states):
        if tuple(mk.last_profile(s)) in {(2, 2), (0, 0)}:
            greedy[:, s] = 2
    top = mk.state_from_digits([2, 2])
    irf = impulse_response(mk, greedy, top, before=2, after=3, deviation=1)
    np.testing.assert_allclose(irf[:, 1], mk.prices[[2, 2, 2, 0, 2, 2]])
    # Its punishment makes a cut unprofitable for a patient firm, not for a myopic one.
    assert punishes(mk, greedy, top, delta=0.95)
    assert not punishes(mk, greedy, top, delta=0.0)
    always_top = np.full((2, mk.n_states), 2)  # high prices that nobody defends
    assert not punishes(mk, always_top, top, delta=0.95)


# -- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad, name",
    [
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": 1.5}, "alpha"),
        ({"delta": 1.0}, "delta"),
        ({"delta": -0.1}, "delta"),
        ({"n_firms": 1}, "n_firms"),
        ({"m": 1}, "m"),
    ],
)
def test_bad_parameters_give_clear_errors(bad, name):
    for build in (lambda: CalvanoModel(rng=0, **bad), lambda: simulate(1, **bad)):
        with pytest.raises(ValueError, match=f"parameter '{name}' got"):
            build()


@pytest.mark.parametrize(
    "bad, fragment",
    [
        (dict(a=10, mu=0.01), "a=10.0, c=1.0, mu=0.01 give demand exp((a - p)/mu) = exp(900)"),
        (
            dict(a0=10, mu=0.01),
            "a0=10.0, mu=0.01 give the outside good a weight exp(a0/mu) = exp(1,000)",
        ),
        (dict(c=10, a=-10), "a=-10.0, c=10.0, mu=0.25 give almost no demand at prices above cost"),
        (dict(a0=-10, mu=0.01), "a0=-10.0, mu=0.01, c=1.0 leave no finite Nash or monopoly price"),
    ],
)
def test_markets_without_usable_benchmarks_are_refused_naming_the_parameters(bad, fragment):
    for owner, build in (
        ("Market", lambda: Market(**bad)),
        ("CalvanoModel", lambda: CalvanoModel(rng=0, **bad)),
        ("simulate", lambda: simulate(1, **bad)),
    ):
        with pytest.raises(ValueError, match=f"^{owner}: ") as error:
            build()
        assert fragment in str(error.value)


def test_state_space_too_large_is_refused():
    with pytest.raises(ValueError, match="CalvanoModel: parameter 'memory'"):
        CalvanoModel(rng=0, n_firms=3, memory=3)


def test_work_too_large_for_memory_is_refused_up_front_with_its_size():
    with pytest.raises(
        ValueError,
        match=r"simulate: parameter 'n_sessions' got 100000: 100,000 sessions .* need about 5\.4 GB for their Q-tables \(limit 1\.0 GB",
    ):
        simulate(100_000)


def test_huge_requests_are_refused_before_any_work():
    with pytest.raises(ValueError, match="parameter 'seeds' got '1,000,000,000,000 seeds'"):
        simulate(seeds=range(10**12))
    with pytest.raises(ValueError, match="parameter 'record' got 1000000000000: recording"):
        simulate(2, record=10**12)


def test_numpy_integers_are_accepted_where_a_number_is_meant():
    batch = simulate(
        np.int64(2), max_periods=np.int64(50), n_firms=np.int64(2), beta=np.float64(1e-3)
    )
    assert batch.n_sessions == 2 and batch.periods.tolist() == [50, 50]
    assert simulate(seeds=np.arange(2), max_periods=10).seeds == [0, 1]


def test_bad_simulate_arguments():
    with pytest.raises(ValueError, match="n_sessions"):
        simulate(0)
    with pytest.raises(ValueError, match="n_sessions"):
        simulate(2.5)
    with pytest.raises(ValueError, match="parameter 'seeds'"):
        simulate(seeds=[-1])
    with pytest.raises(ValueError, match="parameter 'n_sessions'"):
        simulate(3, seeds=[1, 2])
    with pytest.raises(ValueError, match="uniforms"):
        simulate(seeds=[0], uniforms=np.zeros((5, 2, 2, 2)), initial_states=[0])
    with pytest.raises(ValueError, match="parameter 'engine'"):
        simulate(1, engine="fortran")
    with pytest.raises(TypeError, match="unknown parameter"):
        simulate(1, alhpa=0.1)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(firm=0.5), "firm"),
        (dict(firm=2), "firm"),
        (dict(deviation=15), "deviation"),
        (dict(deviation=1.5), "deviation"),
        (dict(before=-1), "before"),
        (dict(after="3"), "after"),
    ],
)
def test_impulse_response_arguments_are_checked(kwargs, name):
    mk = Market()
    greedy = np.zeros((2, mk.n_states), dtype=int)
    with pytest.raises(ValueError, match=f"impulse_response: parameter '{name}' got"):
        impulse_response(mk, greedy, 0, **kwargs)
    with pytest.raises(ValueError, match="impulse_response: parameter 'state'"):
        impulse_response(mk, greedy, 225)
    with pytest.raises(ValueError, match="punishes: parameter 'delta'"):
        punishes(mk, greedy, 0, delta=1.0)


def test_price_histories_without_noise_replay_the_greedy_path(baseline):
    from mesa_models.collusion.calvano import greedy_path

    mk = baseline.market
    histories = baseline.price_histories(10, noise=0.0, rng=0)
    path, _ = greedy_path(mk, baseline.greedy[2], int(baseline.state[2]), 10)
    np.testing.assert_array_equal(histories[2], mk.prices[path])
    shocked = baseline.price_histories(200, noise=0.5, rng=0)
    assert not np.array_equal(shocked[:, :10], histories)
    np.testing.assert_array_equal(
        shocked, baseline.price_histories(200, noise=0.5, rng=0)
    )  # seeded
    with pytest.raises(ValueError, match="noise"):
        baseline.price_histories(5, noise=1.5)

"""Calvano et al. (2020) Q-learning pricing: market benchmarks, the two engines agree step by
step, a CI-scale batch learns supra-competitive prices, punishment after a deviation, errors."""

from __future__ import annotations

import numpy as np
import pytest

from mesa_models.collusion.calvano import (
    CalvanoModel,
    Market,
    PricingFirm,
    converged_cycle,
    cycle_profit_gain,
    impulse_response,
    profit_gain,
)
from mesa_models.collusion.calvano_fast import simulate

#: CI scale (stated in the lesson too): a faster exploration decay than the paper's 4e-6
#: and a shorter convergence window than its 100,000 periods; everything else baseline.
CI = dict(beta=1e-4, convergence_window=10_000)


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
    # No unilateral deviation beats the Nash price against a rival at the Nash price.
    dev = mk.profits(np.stack([grid, np.full_like(grid, mk.nash_price)], axis=1))[:, 0]
    assert dev.max() <= mk.nash_profit + 1e-9
    # No symmetric price gives more joint profit than the monopoly price.
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


# -- the two engines agree ----------------------------------------------------------------------
@pytest.mark.parametrize("params", [dict(beta=2e-4, convergence_window=500), dict(n_firms=3, memory=1, m=5, beta=1e-3),
                                    dict(memory=2, m=4, alpha=0.3)])
def test_numpy_engine_matches_mesa_step_by_step_from_seeds(params):
    seeds, periods = [3, 11, 42], 3_000
    batch = simulate(seeds=seeds, max_periods=periods, record=periods, **params)
    for j, seed in enumerate(seeds):
        model = CalvanoModel(rng=seed, **params)
        played = []
        for _ in range(min(periods, batch.periods[j])):
            model.step()
            played.append([f.action for f in model.firms])
        np.testing.assert_array_equal(np.array(played), batch.history[j, : len(played)])
        for i, firm in enumerate(model.firms):
            np.testing.assert_array_equal(firm.q, batch.q[j, i])  # bit for bit
        np.testing.assert_array_equal(model.greedy_tables(), batch.greedy[j])
        assert model.state == batch.state[j]


def test_engines_agree_on_the_same_predrawn_uniforms_and_convergence():
    periods, params = 20_000, dict(beta=3e-3, convergence_window=200)
    rng = np.random.default_rng(7)
    uniforms = rng.random((periods, 2, 2, 2))
    models = [CalvanoModel(rng=s, uniforms=uniforms[:, j], **params) for j, s in enumerate((0, 1))]
    batch = simulate(seeds=[0, 1], uniforms=uniforms, initial_states=[m.state for m in models], **params)
    assert batch.converged.any()
    for j, model in enumerate(models):
        model.run_for(int(batch.periods[j]))
        assert model.converged == batch.converged[j]
        if model.converged:
            assert model.converged_at == batch.periods[j]
            assert model.session_profit_gain() == batch.profit_gain()[j]
            np.testing.assert_array_equal(model.impulse_response(), batch.impulse_responses()[j])
        np.testing.assert_array_equal(model.greedy_tables(), batch.greedy[j])
        assert model.state == batch.state[j]


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


# -- reproduces the paper's phenomenon at CI scale --------------------------------------------------
@pytest.fixture(scope="module")
def ci_batch():
    return simulate(seeds=range(12), max_periods=2_000_000, **CI)


def test_ci_batch_converges_to_supra_competitive_profits(ci_batch):
    assert ci_batch.converged.all()
    gains = ci_batch.profit_gain()
    assert gains.mean() > 0.6  # well above 0.5; the paper's full-scale average is 0.85
    prices = ci_batch.converged_prices()
    assert (prices.mean(axis=1) > Market().nash_price).mean() >= 0.9


def test_profit_gain_of_a_cycle_matches_its_profits(ci_batch):
    mk = ci_batch.market
    cycle = converged_cycle(mk, ci_batch.greedy[0], int(ci_batch.state[0]))
    profits = mk.profits(mk.prices[cycle]).mean()
    assert cycle_profit_gain(mk, cycle) == pytest.approx(profit_gain(profits, mk))


def test_impulse_response_punishment_then_gradual_return(ci_batch):
    before = 3
    irf = ci_batch.impulse_responses(firm=0, before=before, after=20)  # (S, 24, 2)
    mean = irf.mean(axis=0)  # average over sessions (some sessions cycle, so average the run-up too)
    pre = mean[:before].mean(axis=0)
    assert mean[before, 0] < pre[0] - 0.1  # the forced one-period price cut
    depth = pre[1] - mean[before + 1, 1]
    assert depth > 0.05  # the rival punishes in the very next period
    assert mean[before + 1:, 1].argmin() <= 1  # punishment comes at once ...
    tail = mean[-8:].mean(axis=0)
    assert np.all(pre - tail < 0.5 * depth)  # ... then prices climb most of the way back
    assert np.all(tail > mean[before + 1])


def test_impulse_response_of_a_hand_built_grim_trigger():
    """Greedy tables: charge the top price after (top, top) or after a joint punishment
    (bottom, bottom); after anything else punish for one period with the bottom price."""
    mk = Market(m=3)
    greedy = np.zeros((2, mk.n_states), dtype=int)
    for s in range(mk.n_states):
        if tuple(mk.last_profile(s)) in {(2, 2), (0, 0)}:
            greedy[:, s] = 2
    irf = impulse_response(mk, greedy, mk.state_from_digits([2, 2]), before=2, after=3, deviation=1)
    np.testing.assert_allclose(irf[:, 1], mk.prices[[2, 2, 2, 0, 2, 2]])


# -- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad, name",
    [({"alpha": 0.0}, "alpha"), ({"alpha": 1.5}, "alpha"), ({"delta": 1.0}, "delta"), ({"delta": -0.1}, "delta"),
     ({"n_firms": 1}, "n_firms"), ({"m": 1}, "m")],
)
def test_bad_parameters_give_clear_errors(bad, name):
    for build in (lambda: CalvanoModel(rng=0, **bad), lambda: simulate(1, **bad)):
        with pytest.raises(ValueError, match=f"parameter '{name}' got"):
            build()


def test_state_space_too_large_is_refused():
    with pytest.raises(ValueError, match="memory"):
        CalvanoModel(rng=0, n_firms=3, memory=3)


def test_bad_simulate_arguments():
    with pytest.raises(ValueError, match="n_sessions"):
        simulate(0)
    with pytest.raises(ValueError, match="uniforms"):
        simulate(seeds=[0], uniforms=np.zeros((5, 2, 2, 2)), initial_states=[0])
    with pytest.raises(TypeError, match="unknown parameter"):
        simulate(1, alhpa=0.1)


def test_price_histories_without_noise_replay_the_greedy_path(ci_batch):
    from mesa_models.collusion.calvano import greedy_path

    mk = ci_batch.market
    histories = ci_batch.price_histories(10, noise=0.0, rng=0)
    path, _ = greedy_path(mk, ci_batch.greedy[2], int(ci_batch.state[2]), 10)
    np.testing.assert_array_equal(histories[2], mk.prices[path])
    shocked = ci_batch.price_histories(200, noise=0.5, rng=0)
    assert not np.array_equal(shocked[:, :10], histories)
    np.testing.assert_array_equal(shocked, ci_batch.price_histories(200, noise=0.5, rng=0))  # seeded
    with pytest.raises(ValueError, match="noise"):
        ci_batch.price_histories(5, noise=1.5)

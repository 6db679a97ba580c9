"""Hawk–Dove under selection (Maynard Smith & Price 1973; Taylor & Jonker 1978): the Mesa
model, its NumPy engine, the ESS V/C within sampling error, the replicator equation, and
V >= C. Fixed seeds throughout."""

import math

import numpy as np
import pytest

from mesa_models import run
from mesa_models.selection.hawk_dove import (
    HawkDove,
    ess_hawk_share,
    hawk_dove_payoff,
    late_share,
    mean_field,
    payoff_matrix,
    replicator_rate,
    stable_share,
)
from mesa_models.selection.hawk_dove_fast import HawkDoveArray, hawk_share_runs


# -- the two engines agree ------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"update": "reproduce", "selection": 0.3},
        {"mutation": 0.02},
        {"V": 4.0, "C": 2.0, "initial_hawks": 0.3},
    ],
)
def test_mesa_and_numpy_engines_agree_step_by_step(kwargs):
    mesa_model = HawkDove(rng=5, n_agents=200, **kwargs)
    array_model = HawkDoveArray(rng=5, n_agents=200, **kwargs)
    assert np.array_equal(mesa_model.hawks(), array_model.strategies)
    changed = 0
    for step in range(60):
        before = array_model.strategies.copy()
        mesa_model.step()
        array_model.step()
        assert np.array_equal(mesa_model.hawks(), array_model.strategies), (
            f"{kwargs}: populations differ at step {step + 1}"
        )
        changed += int((before != array_model.strategies).any())
    assert changed >= 10  # the run is not trivially frozen
    a = mesa_model.datacollector.get_model_vars_dataframe()
    b = array_model.datacollector.get_model_vars_dataframe()
    assert a["hawks"].tolist() == pytest.approx(b["hawks"].tolist())
    assert a["mean_payoff"].tolist() == pytest.approx(b["mean_payoff"].tolist())


# -- the game and its ESS ---------------------------------------------------------------------
def test_payoffs_and_ess():
    assert payoff_matrix(2, 5).tolist() == [[-1.5, 2.0], [0.0, 1.0]]
    assert [hawk_dove_payoff(m, o, 4, 2) for m in "HD" for o in "HD"] == [1.0, 4.0, 0.0, 2.0]
    assert ess_hawk_share(2, 5) == 0.4 and ess_hawk_share(1, 3) == pytest.approx(1 / 3)
    assert ess_hawk_share(3, 3) == 1.0 and ess_hawk_share(4, 2) == 1.0
    for V, C in [(2, 5), (1, 4), (4, 2), (3, 3), (0.5, 9)]:
        assert stable_share(payoff_matrix(V, C)) == pytest.approx(ess_hawk_share(V, C))
    assert stable_share([[3, 0], [5, 1]]) == 0.0  # prisoner's dilemma: defect
    assert stable_share([[3, 1], [4, 0]]) == 0.5  # snowdrift
    with pytest.raises(ValueError, match="no unique"):
        stable_share([[2, 0], [0, 1]])  # coordination: two pure ESSs
    with pytest.raises(ValueError, match="'matrix'"):
        stable_share([[1, 2, 3]])
    # the replicator equation stops exactly at V/C
    assert replicator_rate(0.4, 2, 5) == 0.0 and replicator_rate(0.3, 2, 5) > 0 > replicator_rate(
        0.5, 2, 5
    )


@pytest.mark.parametrize("update", ["imitate", "reproduce"])
def test_mean_field_converges_to_v_over_c(update):
    xs = mean_field(0.1, 400, V=2, C=5, update=update, selection=0.3)
    assert xs[0] == 0.1 and xs[-1] == pytest.approx(0.4, abs=1e-6)
    assert mean_field(0.1, 300, V=4, C=2)[-1] > 0.999


# -- the published result: the hawk share V/C, within sampling error ---------------------------------
@pytest.mark.parametrize(("V", "C"), [(2.0, 5.0), (1.0, 4.0)])
def test_finite_population_settles_at_v_over_c_within_sampling_error(V, C):
    n = 1000
    shares = hawk_share_runs(range(6), 500, 100, n_agents=n, V=V, C=C)
    mean, error = shares.mean(), shares.std(ddof=1) / math.sqrt(len(shares))
    finite = V / C + 1 / n  # a hawk never meets itself: one extra hawk in N
    assert abs(mean - finite) <= 3 * error + 1e-4, (
        f"mean {mean:.4f} ± {error:.4f} vs V/C + 1/N = {finite:.4f}"
    )
    assert abs(mean - V / C) <= 3 * error + 1 / n
    assert error < 0.005  # the sampling error is small enough for the claim to mean something


def test_wright_fisher_reproduction_settles_at_v_over_c_too():
    shares = hawk_share_runs(range(4), 300, 100, n_agents=1000, update="reproduce", selection=0.5)
    mean, error = shares.mean(), shares.std(ddof=1) / 2
    assert abs(mean - 0.4) <= 3 * error + 1 / 1000


def test_large_population_follows_the_replicator_equation():
    frame = run(HawkDoveArray, 60, rng=0, n_agents=20_000, initial_hawks=0.1)
    predicted = mean_field(float(frame["hawks"].iloc[0]), 60, V=2, C=5)
    assert np.abs(frame["hawks"].to_numpy() - predicted).max() < 0.02


@pytest.mark.parametrize(("V", "C", "steps", "floor"), [(4.0, 2.0, 60, 1.0), (3.0, 3.0, 300, 0.98)])
def test_hawks_take_over_when_v_is_at_least_c(V, C, steps, floor):
    for seed in (0, 1, 2):
        frame = run(HawkDoveArray, steps, rng=seed, n_agents=1000, V=V, C=C, initial_hawks=0.1)
        assert frame["hawks"].iloc[-1] >= floor, (
            f"V={V}, C={C}, seed {seed}: {frame['hawks'].iloc[-1]:.3f}"
        )
    assert ess_hawk_share(V, C) == 1.0


# -- extension points, drawing, validation, determinism -----------------------------------------------
def test_update_rule_and_payoff_are_injectable():
    model = HawkDove(rng=1, n_agents=40, update_rule=lambda player, other, coin: "H")
    model.step()
    assert model.hawk_share() == 1.0
    doubled = HawkDove(
        rng=1, n_agents=10, payoff=lambda m, o, V, C: 2 * hawk_dove_payoff(m, o, V, C)
    )
    assert doubled.payoffs["H", "D"] == 4.0 and doubled.payoff_spread == 7.0


def test_draw_state():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for engine in (HawkDove, HawkDoveArray):
        model = engine(rng=2, n_agents=50)
        model.step()
        fig, ax = plt.subplots()
        model.draw_state(ax)
        assert "hawks" in ax.get_title() and "ESS 40%" in ax.get_title()
        plt.close(fig)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"n_agents": 51}, ValueError, "'n_agents'.*even"),
        ({"V": 0.0}, ValueError, "'V'"),
        ({"C": -1.0}, ValueError, "'C'"),
        ({"update": "copy"}, ValueError, "'update'"),
        ({"update": "reproduce", "selection": 1.0}, ValueError, "'selection'.*positive"),
        ({"initial": ["H"] * 3}, ValueError, "'initial'"),
        ({"initial": ["X"] * 500}, ValueError, "'initial' entry 0"),
        ({"update_rule": 5}, TypeError, "'update_rule'"),
        ({"payoff": lambda m, o, V, C: "lots"}, ValueError, "payoff function"),
        ({"payoff": 3}, TypeError, "'payoff'"),
        ({"n_agents": "many"}, TypeError, "'n_agents'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        HawkDove(rng=0, **kwargs)


def test_numpy_scalars_are_accepted_and_bad_rule_results_are_named():
    model = HawkDoveArray(
        rng=np.int64(3), n_agents=np.int64(100), V=np.float64(1.5), C=np.float64(3.0)
    )
    assert model.n_agents == 100 and model.V == 1.5

    def sulk(player, other, coin):
        return "X"

    with pytest.raises(ValueError, match="sulk.*'X'"):
        HawkDove(rng=0, n_agents=10, update_rule=sulk).step()
    with pytest.raises(ValueError, match="'burn_in'"):
        late_share([0.1, 0.2], burn_in=5)
    with pytest.raises(ValueError, match="'burn_in'"):
        hawk_share_runs([0], 10, 10)
    with pytest.raises(ValueError, match="'steps'"):
        mean_field(0.1, -1, V=2, C=5)
    with pytest.raises(ValueError, match="'C'"):
        ess_hawk_share(2, 0)


@pytest.mark.parametrize("engine", [HawkDove, HawkDoveArray])
def test_same_seed_same_run(engine):
    a = run(engine, 20, rng=11, n_agents=100)
    b = run(engine, 20, rng=11, n_agents=100)
    c = run(engine, 20, rng=12, n_agents=100)
    assert a.equals(b) and not a.equals(c)

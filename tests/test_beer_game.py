"""The beer distribution game (Sterman 1989): the Mesa model, the vectorised engine, the
bullwhip effect under Sterman's estimated parameters and the two remedies."""

import numpy as np
import pytest

from mesa_models import run
from mesa_models.dynamics.beer_game import (
    GAME_WEEKS,
    ROLES,
    STERMAN_1989,
    BeerGame,
    bullwhip_ratios,
    customer_demand,
    draw_orders,
    full_supply_line_s_prime,
    total_cost,
)
from mesa_models.dynamics.beer_game_fast import play


def game(**kwargs):
    return run(BeerGame, GAME_WEEKS, **kwargs)


# -- the published result: amplification upstream --------------------------------------------------------
def test_defaults_are_stermans_estimates():
    model = BeerGame(rng=0)
    assert (
        {k: model.param_values[k] for k in STERMAN_1989}
        == STERMAN_1989
        == {"theta": 0.36, "alpha_s": 0.26, "beta": 0.34, "s_prime": 17.0}
    )


def test_bullwhip_ratios_increase_stage_by_stage_under_stermans_parameters():
    ratios = bullwhip_ratios(game(rng=0))
    assert list(ratios.index) == list(ROLES)
    assert (np.diff(ratios.to_numpy()) > 0).all(), ratios.to_dict()
    assert (
        ratios["retailer"] > 1 and ratios["factory"] > 50
    )  # the factory's orders swing far more than demand
    assert ratios.round(1).tolist() == [3.9, 20.2, 44.6, 64.3]


def test_amplification_also_holds_for_noisy_demand():
    for seed in range(10):
        demand = customer_demand(GAME_WEEKS, demand_noise=1.0, rng=np.random.default_rng(seed))
        ratios = play(demand=demand)["ratios"]
        assert (np.diff(ratios) > 0).all(), (seed, ratios)


def test_sharing_point_of_sale_data_and_counting_the_supply_line_reduce_it():
    sterman = bullwhip_ratios(game(rng=0))
    pos = bullwhip_ratios(game(rng=0, share_pos=True))
    supply = bullwhip_ratios(game(rng=0, beta=1.0, s_prime=full_supply_line_s_prime()))
    both = bullwhip_ratios(
        game(rng=0, beta=1.0, s_prime=full_supply_line_s_prime(), share_pos=True)
    )
    for remedy in (pos, supply, both):
        assert (remedy[list(ROLES[1:])] < sterman[list(ROLES[1:])]).all()
        assert remedy["factory"] < sterman["factory"] / 10
    assert supply["factory"] < pos["factory"]
    assert both.max() < 1.0  # no stage's orders vary more than customer demand
    assert (
        total_cost(game(rng=0, beta=1.0, s_prime=full_supply_line_s_prime()))
        < total_cost(game(rng=0)) / 4
    )


def test_stock_and_flow_accounting():
    model = BeerGame(rng=0)
    for stage in model.stages:
        assert stage.supply_line == (12.0 if stage.role == "factory" else 16.0)
    model.run_for(GAME_WEEKS)
    for stage in model.stages:
        assert stage.inventory >= 0 and stage.backlog >= 0 and stage.inventory * stage.backlog == 0
    # what the retailer got from upstream = what it has + what it sold - what it started with
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["cost"].is_monotonic_increasing


# -- engines and extension points ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"share_pos": True}, {"theta": 0.1, "alpha_s": 0.5, "beta": 1.0, "s_prime": 27.0}],
)
def test_vectorised_engine_plays_the_same_games(kwargs):
    frame = game(rng=0, **kwargs)
    batch = play(**kwargs)
    assert np.array_equal(frame[[f"orders_{r}" for r in ROLES]].to_numpy()[1:], batch["orders"])
    assert frame["cost"].iloc[-1] == batch["cost"]
    assert np.allclose(bullwhip_ratios(frame).to_numpy(), batch["ratios"])


def test_vectorised_engine_broadcasts_and_matches_noisy_games():
    alphas, betas = np.meshgrid([0.1, 0.26, 0.5], [0.0, 0.34, 1.0])
    batch = play(alpha_s=alphas, beta=betas)
    assert batch["cost"].shape == (3, 3) and batch["orders"].shape == (3, 3, GAME_WEEKS, 4)
    assert batch["cost"][1, 1] == pytest.approx(total_cost(game(rng=0)))
    frame = game(rng=4, demand_noise=1.5)
    noisy = play(demand=customer_demand(GAME_WEEKS, demand_noise=1.5, rng=np.random.default_rng(4)))
    assert frame["cost"].iloc[-1] == noisy["cost"]


def test_ordering_policy_is_injectable_and_checked():
    def pass_through(stage):
        return stage.incoming_order

    frame = run(BeerGame(order_policy=pass_through, rng=0), GAME_WEEKS)
    lag = 3 * 2  # each of three order delays of two weeks
    assert np.array_equal(
        frame["orders_factory"].to_numpy()[1 + lag :], frame["demand"].to_numpy()[1:-lag]
    )

    def hoard(stage):
        return -1

    model = BeerGame(order_policy=hoard, rng=0)
    with pytest.raises(ValueError, match="hoard.*-1.*retailer"):
        model.step()


def test_drawing():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    draw_orders(ax, game(rng=0))
    assert "factory orders vary" in ax.get_title() and ax.get_xlabel() == "week"
    plt.close(fig)


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"beta": 1.5}, ValueError, "'beta'"),
        ({"order_delay": 0}, ValueError, "'order_delay'"),
        ({"share_pos": "yes"}, TypeError, "'share_pos'"),
        ({"order_policy": 4}, TypeError, "'order_policy'"),
        ({"theeta": 0.3}, TypeError, "Did you mean 'theta'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        BeerGame(rng=0, **kwargs)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: play(beta=[0.3, 1.4]), ValueError, "'beta'"),
        (lambda: play(weeks=0), ValueError, "'weeks'"),
        (lambda: play(demand=[4.0] * 3), ValueError, "'demand'"),
        (
            lambda: play(alpha_s=np.linspace(0, 1, 2000)[:, None], beta=np.linspace(0, 1, 2000)),
            ValueError,
            "at most",
        ),
        (lambda: play(holding=1.0), TypeError, "holding"),
        (lambda: customer_demand(36, demand_noise=1.0), ValueError, "'rng'"),
        (lambda: bullwhip_ratios(game(rng=0, demand_after=4.0)), ValueError, "varies"),
        (lambda: total_cost(game(rng=0).drop(columns="cost")), ValueError, "'cost'"),
    ],
)
def test_helpers_validate(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_numpy_scalars_and_determinism():
    a = game(rng=np.int64(2), demand_noise=np.float64(1.0), order_delay=np.int64(2))
    b = game(rng=2, demand_noise=1.0)
    c = game(rng=3, demand_noise=1.0)
    assert a.equals(b) and not a.equals(c)

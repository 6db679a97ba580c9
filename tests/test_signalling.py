"""Strategic communication: Crawford & Sobel's (1982) partition bound, Roth–Erev learners
reach signalling systems without bias and transmit less as the bias grows (over seeds),
engines agree, errors."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mesa_models.information.signalling import (
    SignallingGame,
    choose_by_weight,
    crawford_sobel_information,
    crawford_sobel_max_messages,
    crawford_sobel_partition,
    mutual_information,
    payoff_tables,
    pick_by_weight,
    quadratic_payoff,
    strategy_information,
)
from mesa_models.information.signalling_fast import MAX_WEIGHTS, simulate_signalling


# -- Crawford & Sobel's uniform-quadratic example --------------------------------------------------
@pytest.mark.parametrize(
    ("bias", "n"),
    [
        (0.3, 1),
        (0.25, 1),
        (0.2, 2),
        (0.1, 2),
        (1 / 12, 2),
        (0.08, 3),
        (0.05, 3),
        (1 / 24, 3),
        (0.04, 4),
        (0.02, 5),
        (0.001, 22),
    ],
)
def test_max_messages(bias, n):
    assert crawford_sobel_max_messages(bias) == n
    # their closed form: the smallest integer >= -1/2 + 1/2 sqrt(1 + 2/b), except on the boundaries
    closed = math.ceil(-0.5 + 0.5 * math.sqrt(1 + 2 / bias))
    assert closed == n or 2 * bias * closed * (closed - 1) == pytest.approx(1)


def test_max_messages_falls_with_bias_and_is_unbounded_without():
    assert crawford_sobel_max_messages(0) == math.inf
    values = [crawford_sobel_max_messages(b) for b in np.linspace(0.005, 0.5, 200)]
    assert all(a >= b for a, b in zip(values, values[1:]))


@pytest.mark.parametrize("bias", [0.01, 0.05, 0.1, 0.2])
def test_partition_is_an_equilibrium(bias):
    edges = crawford_sobel_partition(bias)
    lengths = np.diff(edges)
    assert edges[0] == 0 and edges[-1] == pytest.approx(1) and (lengths > 0).all()
    np.testing.assert_allclose(np.diff(lengths), 4 * bias)  # each interval 4b longer than the last
    # the receiver plays each interval's midpoint; at every inner boundary the sender
    # (who wants state + b) is indifferent between the two neighbouring midpoints
    mids = (edges[:-1] + edges[1:]) / 2
    for i, a in enumerate(edges[1:-1]):
        assert abs(a + bias - mids[i]) == pytest.approx(abs(a + bias - mids[i + 1]))


def test_partition_information():
    assert crawford_sobel_information(0.3) == 0.0
    assert crawford_sobel_information(0.1) == pytest.approx(
        -(0.3 * math.log2(0.3) + 0.7 * math.log2(0.7))
    )
    assert (
        crawford_sobel_information(0, cap=4) == 2.0
        and crawford_sobel_information(0.001, cap=4) == 2.0
    )
    assert crawford_sobel_information(0) == math.inf


# -- information measures ----------------------------------------------------------------------
def test_mutual_information():
    assert mutual_information(np.eye(4)) == pytest.approx(2)
    assert mutual_information(np.ones((3, 5))) == pytest.approx(0)
    assert mutual_information([[3, 1], [1, 3]]) == pytest.approx(
        1 - (-(0.75 * math.log2(0.75) + 0.25 * math.log2(0.25)))
    )


def test_strategy_information_of_a_signalling_system_and_of_babbling():
    identity = np.eye(4) * 1000 + 1e-9
    assert strategy_information(identity, identity)[0] == pytest.approx(2, abs=1e-6)
    permuted = identity[:, [2, 0, 3, 1]]
    assert strategy_information(permuted, permuted.T)[0] == pytest.approx(2, abs=1e-6)
    assert strategy_information(np.ones((4, 4)), np.eye(4))[0] == pytest.approx(0)


def test_payoffs():
    sender, receiver = payoff_tables(4, 0.25)
    np.testing.assert_allclose(np.diag(receiver), 1)
    np.testing.assert_allclose(receiver[0, 1], 0)  # one state-step away: 0
    np.testing.assert_allclose(sender[0, 1], 1)  # the sender with b = 1/4 wants one step up
    assert quadratic_payoff(0.5, 0.5 + 1 / 8, 4) == pytest.approx(0.75)


def test_choose_by_weight():
    weights = np.array([1.0, 0.0, 3.0])
    # 1/4 of the time option 0, never the weightless option 1, else option 2
    assert [int(choose_by_weight(weights, u)) for u in (0.0, 0.2, 0.25, 0.26, 0.99)] == [
        0,
        0,
        2,
        2,
        2,
    ]
    assert int(choose_by_weight(weights, np.nextafter(1.0, 0))) == 2


def test_plain_python_choice_agrees_with_numpy_bit_for_bit():
    rng = np.random.default_rng(0)
    rows = rng.random((2000, 5)) * rng.integers(1, 1000, (2000, 1))
    draws = rng.random(2000)
    expected = choose_by_weight(rows, draws)
    assert [
        pick_by_weight(row.tolist(), float(u)) for row, u in zip(rows, draws)
    ] == expected.tolist()


# -- learning --------------------------------------------------------------------------------
def test_two_state_lewis_game_learners_reach_signalling_systems():
    # Argiento, Pemantle, Skyrms & Volkov (2009): in the 2x2x2 Lewis game Roth–Erev learners
    # converge to a signalling system with probability one
    runs = simulate_signalling(8000, biases=[0.0], n_pairs=50, seed=0, n_states=2)
    assert np.median(runs.information) > 0.95 and (runs.information > 0.5).mean() >= 0.9


def test_four_state_learners_mostly_reach_signalling_systems_without_bias():
    # (the lesson's run, 40 pairs x 15,000 rounds: 1.73 bits, 48 % signalling systems; tests/test_information_numbers.py)
    runs = simulate_signalling(10_000, biases=[0.0], n_pairs=60, seed=1)
    assert runs.information.mean() > 1.6 and runs.signalling_systems()[0] >= 0.25
    assert np.median(runs.information) > 1.75  # most pairs are close to the full 2 bits


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_information_falls_monotonically_with_bias(seed):
    runs = simulate_signalling(5000, biases=[0.0, 0.1, 0.2, 0.3], n_pairs=40, seed=seed)
    bits = runs.information_by_bias()
    assert (np.diff(bits) < -0.1).all(), bits


def test_history_is_recorded():
    runs = simulate_signalling(300, biases=[0.0, 0.2], n_pairs=3, seed=0, record_every=100)
    assert runs.history.shape == (4, 6) and list(runs.history_rounds) == [0, 100, 200, 300]
    np.testing.assert_allclose(runs.history[0], 0)  # uniform urns carry nothing
    np.testing.assert_array_equal(runs.history[-1], runs.information)
    assert runs.spread_by_bias().shape == (2, 2)


# -- two engines, one truth ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "params", [{"bias": 0.0}, {"bias": 0.17, "n_states": 5, "initial_weight": 0.3}]
)
def test_numpy_engine_matches_mesa_weight_for_weight(params):
    model = SignallingGame(rng=4, n_pairs=6, rounds_per_step=40, **params)
    model.run_for(5)
    runs = simulate_signalling(
        200,
        biases=[params["bias"]],
        n_pairs=6,
        seed=4,
        n_states=params.get("n_states", 4),
        initial_weight=params.get("initial_weight", 1.0),
    )
    sender, receiver = model.weights()
    np.testing.assert_array_equal(sender, runs.sender_weights)
    np.testing.assert_array_equal(receiver, runs.receiver_weights)
    assert model.information == pytest.approx(runs.information.mean(), abs=1e-12)


def test_same_seed_same_run_and_reporters():
    a, b, c = (SignallingGame(rng=s, n_pairs=4, rounds_per_step=30) for s in (1, 1, 2))
    for m in (a, b, c):
        m.run_for(3)
    frame = a.datacollector.get_model_vars_dataframe()
    assert frame.equals(b.datacollector.get_model_vars_dataframe())
    assert not frame.equals(c.datacollector.get_model_vars_dataframe())
    assert frame["information"].iloc[0] == 0 and 0 <= frame["receiver_payoff"].iloc[-1] <= 1
    assert a.act_given_state().sum(axis=1) == pytest.approx(np.ones(4))


def test_draw_state():
    model = SignallingGame(rng=0, n_pairs=3, rounds_per_step=10)
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "bits" in ax.get_title()
    plt.close(fig)


# -- extension points ------------------------------------------------------------------------
def test_injected_payoff_is_used():
    def lewis(act, target, n_states):  # 1 for the exact act, else 0
        return float(abs(act - target) < 1e-9)

    model = SignallingGame(rng=0, n_pairs=2, payoff=lewis, bias=0.25)
    assert model.sender_payoffs[0, 1] == 1 and model.sender_payoffs[0, 0] == 0
    assert model.receiver_payoffs[2, 2] == 1


def test_subclassed_sender_that_babbles_transmits_nothing():
    class Babbler(SignallingGame.sender_class):
        def learn(self, state, message, payoff):
            pass

    class Game(SignallingGame):
        sender_class = Babbler

    model = Game(rng=0, n_pairs=5, rounds_per_step=200)
    model.run_for(3)
    assert model.information < 0.05


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"n_states": 1}, ValueError, "'n_states' got 1"),
        ({"bias": -0.1}, ValueError, "'bias' got -0.1"),
        ({"bias": 0.6}, ValueError, "'bias' got 0.6"),
        ({"initial_weight": 0}, ValueError, "'initial_weight' got 0"),
        ({"rounds_per_step": 0}, ValueError, "'rounds_per_step' got 0"),
        ({"payoff": "quadratic"}, TypeError, "'payoff' got 'quadratic'"),
        ({"n_pair": 3}, TypeError, "Did you mean 'n_pairs'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        SignallingGame(rng=0, **kwargs)


def test_bad_payoff_result_names_the_function():
    def punishing(act, target, n_states):
        return -1.0

    with pytest.raises(ValueError, match="payoff function 'punishing' returned -1.0"):
        SignallingGame(rng=0, payoff=punishing)


def test_numpy_scalars_are_accepted():
    model = SignallingGame(
        rng=np.int64(0),
        n_states=np.int64(3),
        bias=np.float64(0.1),
        n_pairs=np.int64(2),
        rounds_per_step=np.int64(5),
    )
    model.step()
    runs = simulate_signalling(
        np.int64(5),
        biases=np.array([0.0, 0.1]),
        n_pairs=np.int64(2),
        seed=np.int64(1),
        n_states=np.int64(3),
    )
    assert runs.information.shape == (4,)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: simulate_signalling(-1), ValueError, "'rounds' got -1"),
        (lambda: simulate_signalling(5, biases=[]), ValueError, "'biases'"),
        (lambda: simulate_signalling(5, biases="0.1"), TypeError, "'biases' got '0.1'"),
        (lambda: simulate_signalling(5, biases=[0.7]), ValueError, "'bias' got 0.7"),
        (lambda: simulate_signalling(5, seed=1.5), TypeError, "'seed' got 1.5"),
        (lambda: simulate_signalling(5, record_every=0), ValueError, "'record_every' got 0"),
        (
            lambda: simulate_signalling(5, biases=[0.0] * 500, n_pairs=100_000, n_states=12),
            ValueError,
            "GB",
        ),
        (lambda: crawford_sobel_max_messages(-0.1), ValueError, "'bias' got -0.1"),
        (lambda: crawford_sobel_partition(0.1, 3), ValueError, "'n' got 3"),
        (lambda: crawford_sobel_partition(0.0), ValueError, "'n'"),
        (lambda: crawford_sobel_information(0.1, cap=0), ValueError, "'cap' got 0"),
        (lambda: mutual_information(np.zeros((2, 2))), ValueError, "'joint'"),
        (lambda: mutual_information([[1, -1], [0, 1]]), ValueError, "'joint'"),
        (lambda: mutual_information([1, 2, 3]), ValueError, "'joint'"),
    ],
)
def test_helpers_validate(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_memory_limit_constant():
    assert MAX_WEIGHTS == 50_000_000


def test_too_big_for_the_mesa_model_is_refused_with_its_size():
    with pytest.raises(ValueError, match=r"'n_pairs' got 20000.*MB.*simulate_signalling"):
        SignallingGame(rng=0, n_pairs=20_000)

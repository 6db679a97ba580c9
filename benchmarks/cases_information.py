"""Benchmark cases for Unit 04 (Information asymmetries), at the lesson's default sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step. The NumPy engines run whole batches, so
their "step" is one call.
"""

from mesa_models.information.bargaining import DoubleAuction
from mesa_models.information.bargaining_fast import simulate_auction
from mesa_models.information.covert_channel import CovertChannel
from mesa_models.information.lemons import LemonsMarket
from mesa_models.information.lemons_fast import simulate_lemons
from mesa_models.information.signalling import SignallingGame
from mesa_models.information.signalling_fast import simulate_signalling
from mesa_models.running import stepper


def _call(function, *args, **kwargs):
    def setup():
        return lambda: function(*args, **kwargs)

    return setup


CASES = [
    ("lemons market, Mesa, 1,000 sellers", stepper(LemonsMarket), 50),
    (
        "lemons market, Mesa, 4-grade certifier",
        stepper(LemonsMarket, grades=4, certifier_accuracy=0.6),
        50,
    ),
    (
        "lemons market, NumPy, 10 runs x 30 periods per step",
        _call(simulate_lemons, 30, seeds=range(10), grades=4, certifier_accuracy=0.6),
        5,
    ),
    ("double auction, Mesa, 50 pairs, linear equilibrium", stepper(DoubleAuction), 300),
    ("double auction, Mesa, 50 pairs, learners", stepper(DoubleAuction, strategy="learning"), 300),
    (
        "double auction, NumPy, learners, 1,000 rounds per step",
        _call(simulate_auction, 1000, seeds=[0], strategy="learning"),
        3,
    ),
    ("signalling game, Mesa, 20 pairs x 100 rounds per step", stepper(SignallingGame), 20),
    (
        "signalling game, NumPy, 280 pairs x 1,000 rounds per step",
        _call(simulate_signalling, 1000, biases=[0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3], n_pairs=40),
        3,
    ),
    ("covert channel, 200 messages per step", stepper(CovertChannel), 200),
]

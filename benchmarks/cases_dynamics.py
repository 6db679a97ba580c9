"""Benchmark cases for Unit 07 (Destabilising dynamics), at the lesson's sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step (one second of the flash-crash market,
one period of Brock & Hommes's market, one week of the beer game). The vectorised
engines' "step" is one call over a whole batch. The published-scale experiments are in
``benchmarks/dynamics_full.py``.
"""

import numpy as np

from mesa_models.dynamics.beer_game import BeerGame
from mesa_models.dynamics.beer_game_fast import play
from mesa_models.dynamics.brock_hommes import BrockHommes
from mesa_models.dynamics.brock_hommes_fast import lyapunov_exponents, orbits
from mesa_models.dynamics.flash_crash import FlashCrash
from mesa_models.dynamics.flash_crash_fast import FlashCrashArray
from mesa_models.running import stepper


def _call(function, *args, **kwargs):
    def setup():
        return lambda: function(*args, **kwargs)

    return setup


CASES = [
    ("flash crash, Mesa, 151 agents, 1 second per step", stepper(FlashCrash, rng=4), 300),
    (
        "flash crash, NumPy engine, 1 second per step (dashboard)",
        stepper(FlashCrashArray, rng=4),
        2000,
    ),
    ("Brock-Hommes, Mesa, infinite population, 1 period per step", stepper(BrockHommes), 2000),
    (
        "Brock-Hommes, Mesa, 500 traders, 1 period per step",
        stepper(BrockHommes, n_traders=500),
        200,
    ),
    (
        "Brock-Hommes map, 141 betas x 1,600 periods per step (bifurcation diagram)",
        _call(orbits, np.linspace(1.5, 5, 141), 1600),
        3,
    ),
    (
        "Brock-Hommes Lyapunov exponents, 141 betas x 5,000 periods per step",
        _call(lyapunov_exponents, np.linspace(1.5, 5, 141), steps=4000, transient=1000),
        1,
    ),
    ("beer game, Mesa, 4 stages, 1 week per step", stepper(BeerGame), 2000),
    (
        "beer game, NumPy, 2,500 rules x 36 weeks per step (stability map)",
        _call(play, alpha_s=np.linspace(0.02, 1, 50)[None, :], beta=np.linspace(0, 1, 50)[:, None]),
        5,
    ),
]

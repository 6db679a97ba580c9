"""Benchmark cases for Unit 06 (Selection pressures), at the lessons' default sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step. (The published-scale runs, with their
run times, are in ``benchmarks/selection_full.py``.)
"""

from mesa_models.running import stepper
from mesa_models.selection.bad_science import BadScience
from mesa_models.selection.bad_science_fast import BadScienceFast
from mesa_models.selection.hawk_dove import HawkDove
from mesa_models.selection.hawk_dove_fast import HawkDoveArray
from mesa_models.selection.moran import Moran

CASES = [
    ("Hawk–Dove, Mesa, 500 players", stepper(HawkDove), 50),
    ("Hawk–Dove, NumPy, 500 players (lesson demo)", stepper(HawkDoveArray), 500),
    ("Hawk–Dove, NumPy, 10,000 players", stepper(HawkDoveArray, n_agents=10_000), 200),
    ("Moran, Mesa, 30 individuals (lesson demo)", stepper(Moran, n_agents=30, r=1.2), 2000),
    ("bad science, Mesa, 100 labs (one time step)", stepper(BadScience), 200),
    ("bad science, compiled, 100 labs (1,000 time steps per step)", stepper(BadScienceFast), 50),
    (
        "bad science, compiled, 5,000 time steps per step (lesson demo)",
        stepper(BadScienceFast, steps_per_tick=5000),
        10,
    ),
]

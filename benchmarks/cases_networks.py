"""Benchmark cases for Unit 05 (Network effects), at the lessons' default sizes and at the
published network size for the sparse-array engines.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step. The full-scale sweeps (Watts's cascade
window, the epidemic thresholds) are in ``benchmarks/networks_full.py``.
"""

from mesa_models.networks.cascades import WattsCascade
from mesa_models.networks.cascades_fast import WattsCascadeArray
from mesa_models.networks.contagion import Contagion
from mesa_models.networks.contagion_fast import ContagionArray
from mesa_models.networks.monoculture import Monoculture
from mesa_models.running import stepper

CASES = [
    ("Watts cascade, Mesa, 150 agents (lesson demo)", stepper(WattsCascade), 20),
    (
        "Watts cascade, Mesa, 2,000 agents, z = 4",
        stepper(WattsCascade, n_agents=2000, mean_degree=4.0),
        20,
    ),
    (
        "Watts cascade, arrays, 10,000 agents, z = 4",
        stepper(WattsCascadeArray, n_agents=10_000, mean_degree=4.0),
        200,
    ),
    ("SIS contagion, Mesa, 150 agents (lesson demo)", stepper(Contagion), 100),
    (
        "SIS contagion, arrays, 10,000 agents, scale-free",
        stepper(ContagionArray, n_agents=10_000, mean_degree=6, initial_infected=5000),
        300,
    ),
    ("monoculture, Mesa, 100 agents, 10 base models", stepper(Monoculture, n_models=10), 500),
]

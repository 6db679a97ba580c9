"""Benchmark cases for Unit 10 (Multi-agent security), at the lesson's default sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step. The fast infection engine simulates a
batch of outbreaks per call, so its "step" is one call.
"""

from mesa_models.running import stepper
from mesa_models.security.defence import DefenceModel
from mesa_models.security.defence_fast import DefenceArray, simulate_defence
from mesa_models.security.infectious_jailbreak import InfectiousJailbreak
from mesa_models.security.infectious_jailbreak_fast import simulate
from mesa_models.security.memory_poisoning import MemoryPoisoning


def _outbreaks(n_agents, runs, rounds):
    def setup():
        return lambda: simulate(
            n_agents=n_agents, beta=1.0, gamma=0.0, rounds=rounds, runs=runs, rng=0
        )

    return setup


def _defence_batch(runs, rounds, **params):
    def setup():
        return lambda: simulate_defence(rounds, runs, rng=0, **params)

    return setup


CASES = [
    ("infectious jailbreak, Mesa, 256 agents", stepper(InfectiousJailbreak), 100),
    (
        "infectious jailbreak, fast engine, 500 outbreaks x 10^6 agents x 80 rounds per step",
        _outbreaks(1_000_000, 500, 80),
        5,
    ),
    (
        "infectious jailbreak, fast engine, 500 outbreaks x 10^8 agents x 80 rounds per step",
        _outbreaks(100_000_000, 500, 80),
        5,
    ),
    ("memory poisoning, Mesa, 100 agents", stepper(MemoryPoisoning), 100),
    ("defence, Mesa, 200 agents", stepper(DefenceModel), 100),
    ("defence, NumPy, 200 agents (dashboard engine)", stepper(DefenceArray), 200),
    (
        "defence, NumPy batch, 12 runs x 100 rounds per step (one sweep point)",
        _defence_batch(12, 100),
        5,
    ),
    (
        "defence, NumPy batch, 12 runs x 100 rounds, 4 segments, budget 10%",
        _defence_batch(12, 100, segments=4, capacity=0.1),
        5,
    ),
]

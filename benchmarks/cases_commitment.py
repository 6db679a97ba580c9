"""Benchmark cases for Unit 08 (Commitment and trust), at the lesson's default sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step.
"""

from mesa_models.commitment.chicken import ChickenPopulation
from mesa_models.commitment.indirect_reciprocity import IndirectReciprocity
from mesa_models.commitment.indirect_reciprocity_fast import simulate
from mesa_models.commitment.program_equilibrium import ProgramDilemma
from mesa_models.running import stepper


def _fast_generations(populations: int):
    """One generation of ``populations`` populations in the NumPy engine per step."""

    def setup():
        return lambda: simulate(range(populations), 1)

    return setup


CASES = [
    ("Chicken population, 100 drivers", stepper(ChickenPopulation), 50),
    ("program dilemma, 100 agents", stepper(ProgramDilemma), 50),
    ("indirect reciprocity, Mesa, 100 players x 500 encounters", stepper(IndirectReciprocity), 20),
    ("indirect reciprocity, NumPy, 88 populations x 500 encounters", _fast_generations(88), 5),
]

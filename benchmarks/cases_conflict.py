"""Benchmark cases for Unit 02 (Conflict), at the lessons' default sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step.
"""

from mesa_models.conflict.commons import CommonsHarvest
from mesa_models.conflict.escalation import IteratedDilemma
from mesa_models.conflict.spatial_pd import SpatialPD
from mesa_models.conflict.spatial_pd_fast import SpatialPDArray
from mesa_models.running import stepper


CASES = [
    ("spatial PD, Mesa, 50x50", stepper(SpatialPD, width=50, height=50), 20),
    ("spatial PD, NumPy, 50x50", stepper(SpatialPDArray, width=50, height=50), 500),
    (
        "spatial PD, NumPy, 100x100 (lesson demo)",
        stepper(SpatialPDArray, width=100, height=100),
        300,
    ),
    (
        "spatial PD, NumPy async, 50x50",
        stepper(SpatialPDArray, width=50, height=50, asynchronous=True),
        10,
    ),
    ("commons harvest, 24x24, 12 harvesters", stepper(CommonsHarvest), 200),
    ("iterated dilemma, 50 pairs", stepper(IteratedDilemma), 200),
]

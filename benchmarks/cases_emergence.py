"""Benchmark cases for Unit 09 (Emergent agency), at the lesson's sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step. The published results at full scale
are reproduced, with their run times, by ``benchmarks/emergence_full.py``.
"""

from mesa_models.emergence.amplification import AmplificationModel
from mesa_models.emergence.collapse import ModelCollapse
from mesa_models.emergence.collapse_fast import ModelCollapseArray
from mesa_models.emergence.consensus import DeGrootModel
from mesa_models.emergence.schelling import Schelling
from mesa_models.emergence.schelling_fast import SchellingArray
from mesa_models.emergence.split_task import SplitTaskModel
from mesa_models.running import stepper

CASES = [
    ("amplification, chain of 6, 200 tasks per step", stepper(AmplificationModel), 500),
    (
        "amplification, temporal scale, 4 agents learning",
        stepper(AmplificationModel, scale="temporal", n_agents=4, gain=0.5, bias=0.03),
        500,
    ),
    (
        "amplification, cross-system, bottleneck of 9 + rule + reviewer",
        stepper(AmplificationModel, scale="cross-system", topology="bottleneck", n_agents=9),
        500,
    ),
    ("DeGroot, 30 agents, scale-free (lesson)", stepper(DeGrootModel), 500),
    (
        "DeGroot, 500 agents, small world",
        stepper(DeGrootModel, n_agents=500, network="small world"),
        50,
    ),
    ("model collapse, Mesa, 200 models x 100 samples", stepper(ModelCollapse), 50),
    (
        "model collapse, NumPy, 400 models x 100 samples (lesson)",
        stepper(ModelCollapseArray, n_models=400),
        400,
    ),
    (
        "model collapse, NumPy, 1,000 models x 100 samples (benchmark)",
        stepper(ModelCollapseArray, n_models=1000),
        200,
    ),
    ("split task, 40 tasks x 4 pieces, plan monitor", stepper(SplitTaskModel, monitor="plan"), 200),
    ("split task, window monitor", stepper(SplitTaskModel, monitor="window"), 200),
    ("Schelling, Mesa, 50x50", stepper(Schelling), 10),
    ("Schelling, NumPy, 50x50 (lesson)", stepper(SchellingArray), 300),
    ("Schelling, NumPy, 200x200", stepper(SchellingArray, width=200, height=200), 50),
]

"""Benchmark cases for Unit 01 (Miscoordination), at the lesson's default sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step.
"""

from mesa_models.miscoordination.conventions import Conventions
from mesa_models.miscoordination.credit_assignment import TeamLearning
from mesa_models.miscoordination.el_farol import ElFarol
from mesa_models.miscoordination.el_farol_fast import ElFarolArray
from mesa_models.running import stepper


CASES = [
    ("conventions, small world, 100 drivers", stepper(Conventions), 200),
    ("conventions, complete graph, 100 drivers", stepper(Conventions, topology="complete"), 200),
    (
        "conventions, two groups meeting, cheap talk",
        stepper(Conventions, groups=2, topology="random", cheap_talk=True),
        200,
    ),
    ("El Farol, 100 agents, pool 100 (Arthur)", stepper(ElFarol), 300),
    ("El Farol, monoculture", stepper(ElFarol, monoculture=True), 300),
    (
        "El Farol, NumPy engine, 100 agents, pool 100",
        lambda: ElFarolArray.from_params(rng=0).step,
        3000,
    ),
    ("team learning, 100 agents, team reward", stepper(TeamLearning, n_agents=100), 500),
]

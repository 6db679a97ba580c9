"""Unit 01 — Miscoordination: agents with compatible goals that still fail together.

Lesson ``lessons/01_miscoordination.ipynb``; lab ``labs/01_miscoordination_lab.ipynb``
(checks in :mod:`mesa_models.miscoordination.lab`).

Models:

* :mod:`~mesa_models.miscoordination.conventions` — :class:`Conventions`: drivers on a
  network settle on a side of the road, two populations meet, cheap talk with noise.
* :mod:`~mesa_models.miscoordination.el_farol` — :class:`ElFarol`: Arthur's (1994) bar,
  a shared resource that is good only if not too many use it.
* :mod:`~mesa_models.miscoordination.el_farol_fast` — :class:`ElFarolArray`: the same bar
  in NumPy, for sweeps.
* :mod:`~mesa_models.miscoordination.credit_assignment` — :class:`TeamLearning`: learners
  that share one team reward.
"""

from mesa_models.miscoordination.conventions import (
    ACTIONS,
    Conventions,
    Driver,
    best_response,
    emergence_time,
    follow_signal,
    ignore_signal,
)
from mesa_models.miscoordination.credit_assignment import (
    Learner,
    TeamLearning,
    difference_reward,
    team_reward,
)
from mesa_models.miscoordination.el_farol import (
    FAMILIES,
    ElFarol,
    LinearPredictor,
    Patron,
    arthur_family,
    attendance_stats,
    linear_family,
)
from mesa_models.miscoordination.el_farol_fast import ElFarolArray

__all__ = [
    "ACTIONS",
    "Conventions",
    "Driver",
    "best_response",
    "emergence_time",
    "follow_signal",
    "ignore_signal",
    "Learner",
    "TeamLearning",
    "difference_reward",
    "team_reward",
    "FAMILIES",
    "ElFarol",
    "LinearPredictor",
    "Patron",
    "arthur_family",
    "attendance_stats",
    "linear_family",
    "ElFarolArray",
]

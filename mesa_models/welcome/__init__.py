"""Unit 00 — Welcome: why multi-agent risk, and a first Mesa model.

Lesson ``lessons/00_welcome.ipynb``; lab ``labs/00_welcome_lab.ipynb`` (checks in
:mod:`mesa_models.welcome.lab`).

Models:

* :mod:`~mesa_models.welcome.corridor` — :class:`Corridor`: robots of two makers, each with
  a safe keep-to-your-side rule, deadlock when mixed.
"""

from mesa_models.welcome.corridor import (
    ACTIONS,
    EAST,
    WEST,
    Corridor,
    Robot,
    frozen_since,
    keep_to_my_side,
)

__all__ = ["ACTIONS", "EAST", "WEST", "Corridor", "Robot", "frozen_since", "keep_to_my_side"]

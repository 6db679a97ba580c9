"""Mesa models and teaching helpers for the Multi-Agent Risk Lab course.

Core helpers (imported here): :class:`RiskModel` and the parameter declarations
(:class:`Param`, :class:`Params`), :func:`run` and :func:`sweep`, :func:`explore`,
and the plotting style. Each unit's models live in their own module, e.g.
``from mesa_models.corridor import Corridor``.
"""

from mesa_models.base import RiskModel
from mesa_models.explore import explore
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS, PALETTE, use_course_style
from mesa_models.running import run, sweep

__version__ = "0.1.0"
__all__ = [
    "COLORS",
    "PALETTE",
    "Param",
    "Params",
    "RiskModel",
    "explore",
    "require",
    "run",
    "sweep",
    "use_course_style",
]

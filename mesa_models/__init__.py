"""Mesa models and teaching helpers for the Multi-Agent Risk Lab course.

The kit is at the top level and imported here: :class:`RiskModel` and the parameter
declarations (:class:`Param`, :class:`Params`), :func:`run` and :func:`sweep`,
:func:`explore`, and the plotting style. Exercise feedback is in :mod:`mesa_models.checks`.

Each unit is a subpackage named after its lesson, which re-exports what the notebooks use
and holds the lab's checks in ``lab.py``::

    welcome/          00  corridor deadlock                     lessons/00_welcome.ipynb
    miscoordination/  01  conventions, El Farol, credit         lessons/01_miscoordination.ipynb
    conflict/         02  spatial PD, commons, escalation       lessons/02_conflict.ipynb
    collusion/        03  Calvano pricing, secret tools         lessons/03_collusion.ipynb
    information/      04  lemons, bargaining, signalling        lessons/04_information_asymmetries.ipynb
    networks/         05  cascades, contagion, monoculture      lessons/05_network_effects.ipynb
    selection/        06  Hawk-Dove, Moran, bad science         lessons/06_selection_pressures.ipynb
    dynamics/         07  flash crash, Brock-Hommes, beer game  lessons/07_destabilising_dynamics.ipynb
    commitment/       08  Chicken, program equilibrium, repute  lessons/08_commitment_and_trust.ipynb
    emergence/        09  amplification, DeGroot, collapse      lessons/09_emergent_agency.ipynb
    security/         10  infectious jailbreak, poisoning       lessons/10_multi_agent_security.ipynb
    governance/       11  oversight, evaluation, Shapley        lessons/11_oversight_and_governance.ipynb

e.g. ``from mesa_models.collusion import CalvanoModel, simulate``. The kit never imports
a unit; a unit may reuse another unit's models.
"""

from mesa_models.base import RiskModel
from mesa_models.explore import explore
from mesa_models.params import Param, Params, require, validate_arguments
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
    "validate_arguments",
]

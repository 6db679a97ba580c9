"""Unit 06 — Selection pressures: what copying the winners selects for, whether anyone chose it or not.

Lesson ``lessons/06_selection_pressures.ipynb``; lab ``labs/06_selection_pressures_lab.ipynb``
(checks in :mod:`mesa_models.selection.lab`).

Models:

* :mod:`mesa_models.selection.hawk_dove` — :class:`HawkDove`: Hawk–Dove under selection
  (Maynard Smith & Price 1973); the hawk share settles at V/C, as the replicator equation
  (Taylor & Jonker 1978) predicts.
* :mod:`mesa_models.selection.hawk_dove_fast` — :class:`HawkDoveArray`: the same runs on
  NumPy arrays, step for step identical, for many seeds and large populations.
* :mod:`mesa_models.selection.moran` — :class:`Moran`: the Moran process; the fixation
  probability of a mutant of relative fitness r (Nowak 2006, ch. 6).
* :mod:`mesa_models.selection.moran_fast` — :func:`simulate_fixation`: thousands of Moran
  processes at once, on counts.
* :mod:`mesa_models.selection.bad_science` — :class:`BadScience`: Smaldino & McElreath's
  (2016) natural selection of bad science, with audits as an extension.
* :mod:`mesa_models.selection.bad_science_fast` — :func:`simulate`, :func:`contest`,
  :class:`BadScienceFast`: the same model compiled (numba, optional), the same runs, at the
  paper's scale of 10⁶ time steps.
"""

from mesa_models.selection.bad_science import BadScience, Lab, false_discovery_rate
from mesa_models.selection.bad_science_fast import (
    BAD_SCIENCE_PARAMS,
    HAVE_NUMBA,
    BadScienceFast,
    BadScienceRuns,
    ContestResult,
    contest,
    draw_efforts,
    lab_rates,
    plot_runs,
    simulate,
    simulate_cached,
)
from mesa_models.selection.hawk_dove import (
    DOVE,
    HAWK,
    HawkDove,
    Player,
    ess_hawk_share,
    hawk_dove_payoff,
    late_share,
    mean_field,
    payoff_matrix,
    replicator_rate,
    stable_share,
)
from mesa_models.selection.hawk_dove_fast import HawkDoveArray, hawk_share_runs
from mesa_models.selection.moran import (
    MUTANT,
    RESIDENT,
    Individual,
    Moran,
    fixation_probability,
    run_to_fixation,
)
from mesa_models.selection.moran_fast import FixationRuns, simulate_fixation

__all__ = [
    "BAD_SCIENCE_PARAMS",
    "DOVE",
    "HAVE_NUMBA",
    "HAWK",
    "MUTANT",
    "RESIDENT",
    "BadScience",
    "BadScienceFast",
    "BadScienceRuns",
    "ContestResult",
    "FixationRuns",
    "HawkDove",
    "HawkDoveArray",
    "Individual",
    "Lab",
    "Moran",
    "Player",
    "contest",
    "draw_efforts",
    "ess_hawk_share",
    "false_discovery_rate",
    "fixation_probability",
    "hawk_dove_payoff",
    "hawk_share_runs",
    "lab_rates",
    "late_share",
    "mean_field",
    "payoff_matrix",
    "plot_runs",
    "replicator_rate",
    "run_to_fixation",
    "simulate",
    "simulate_cached",
    "simulate_fixation",
    "stable_share",
]

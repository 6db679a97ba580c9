"""Unit 02 — Conflict: agents whose interests clash, and how cooperation survives.

Lesson ``lessons/02_conflict.ipynb``; lab ``labs/02_conflict_lab.ipynb`` (checks in
:mod:`mesa_models.conflict.lab`).

Models:

* :mod:`~mesa_models.conflict.spatial_pd` — :class:`SpatialPD`: Nowak & May's (1992)
  spatial prisoner's dilemma, cooperators surviving in clusters.
* :mod:`~mesa_models.conflict.spatial_pd_fast` — :class:`SpatialPDArray`: the same game in
  NumPy, step for step identical, for sweeps.
* :mod:`~mesa_models.conflict.commons` — :class:`CommonsHarvest`: greedy harvesters
  collapse a renewable resource; sanctions in the spirit of Ostrom.
* :mod:`~mesa_models.conflict.escalation` — :class:`IteratedDilemma`: iterated prisoner's
  dilemma under noise, with strategies from the literature.
"""

from mesa_models.conflict.commons import (
    CommonsHarvest,
    Harvester,
    gini,
    greedy,
    no_sanction,
    protect_last_apples,
    quota,
    restrained,
)
from mesa_models.conflict.escalation import (
    AXELROD_PAYOFF,
    STRATEGIES,
    AllC,
    AllD,
    ContriteTFT,
    GenerousTFT,
    IteratedDilemma,
    Pavlov,
    Strategy,
    TitForTat,
    play_match,
    single_error_recovery,
)
from mesa_models.conflict.spatial_pd import (
    SpatialPD,
    late_share,
    nowak_may_payoff,
    payoff_table,
)
from mesa_models.conflict.spatial_pd_fast import SpatialPDArray

__all__ = [
    "CommonsHarvest",
    "Harvester",
    "gini",
    "greedy",
    "no_sanction",
    "protect_last_apples",
    "quota",
    "restrained",
    "AXELROD_PAYOFF",
    "STRATEGIES",
    "AllC",
    "AllD",
    "ContriteTFT",
    "GenerousTFT",
    "IteratedDilemma",
    "Pavlov",
    "Strategy",
    "TitForTat",
    "play_match",
    "single_error_recovery",
    "SpatialPD",
    "late_share",
    "nowak_may_payoff",
    "payoff_table",
    "SpatialPDArray",
]

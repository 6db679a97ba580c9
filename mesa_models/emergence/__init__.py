"""Unit 09 — Emergent agency: what a composition of agents does that none of its agents does.

Lesson ``lessons/09_emergent_agency.ipynb``; lab ``labs/09_emergent_agency_lab.ipynb`` (checks
in :mod:`mesa_models.emergence.lab`).

Models:

* :mod:`mesa_models.emergence.amplification` — :class:`AmplificationModel`: small deviations passed between agents, damped or compounded, at the four ESRH scales (Bisconti et al. 2025).
* :mod:`mesa_models.emergence.consensus` — :class:`DeGrootModel`: imitation on a network; the consensus is the centrality-weighted average of initial opinions (DeGroot 1974).
* :mod:`mesa_models.emergence.collapse` — :class:`ModelCollapse`: generative models trained on generated data lose the tails (Shumailov et al. 2024).
* :mod:`mesa_models.emergence.collapse_fast` — :class:`ModelCollapseArray`, :func:`simulate_collapse`: the same, step for step, in NumPy.
* :mod:`mesa_models.emergence.split_task` — :class:`SplitTaskModel`: a task every agent refuses, split into harmless-looking pieces; monitors that see one agent, a window or the plan.
* :mod:`mesa_models.emergence.schelling` — :class:`Schelling`: mild preferences, strong segregation (Schelling 1971).
* :mod:`mesa_models.emergence.schelling_fast` — :class:`SchellingArray`: the same, step for step, in NumPy.

Not a model: :mod:`mesa_models.emergence.figures` — the lesson's experiments and figures.
"""

from mesa_models.emergence.amplification import (
    SCALES,
    TOPOLOGIES,
    AmplificationModel,
    HumanReviewer,
    LLMAgent,
    RuleComponent,
    Verifier,
    approve_above_half,
    chain_deviation,
    check_and_redo,
    component_check,
    linear_transform,
    pipeline_layers,
    system_check,
)
from mesa_models.emergence.collapse import (
    GenerativeModel,
    ModelCollapse,
    expected_sd_factor,
    expected_w2,
    log_variance_drift,
    log_variance_step_variance,
    tail_mass,
    unbiased_fit,
)
from mesa_models.emergence.collapse_fast import (
    CollapseHistory,
    ModelCollapseArray,
    simulate_collapse,
)
from mesa_models.emergence.consensus import (
    DeGrootModel,
    Opinionated,
    consensus_weights,
    degroot_limit,
    trust_matrix,
)
from mesa_models.emergence.figures import (
    amplification_by_length,
    completion_by_pieces,
    plot_amplification_by_length,
    plot_collapse,
    plot_completion_by_pieces,
    plot_drift,
    plot_segregation_by_preference,
    segregation_by_preference,
)
from mesa_models.emergence.schelling import Household, Schelling, at_least_wanted, draw_households
from mesa_models.emergence.schelling_fast import SchellingArray, similar_share
from mesa_models.emergence.split_task import (
    MONITORS,
    SplitTaskModel,
    Worker,
    equal_split,
    monitor_scores,
    refuse_above_threshold,
    threshold_for_budget,
)

__all__ = [
    "SCALES",
    "TOPOLOGIES",
    "AmplificationModel",
    "HumanReviewer",
    "LLMAgent",
    "RuleComponent",
    "Verifier",
    "approve_above_half",
    "chain_deviation",
    "check_and_redo",
    "component_check",
    "linear_transform",
    "pipeline_layers",
    "system_check",
    "GenerativeModel",
    "ModelCollapse",
    "expected_sd_factor",
    "expected_w2",
    "log_variance_drift",
    "log_variance_step_variance",
    "tail_mass",
    "unbiased_fit",
    "CollapseHistory",
    "ModelCollapseArray",
    "simulate_collapse",
    "DeGrootModel",
    "Opinionated",
    "consensus_weights",
    "degroot_limit",
    "trust_matrix",
    "amplification_by_length",
    "completion_by_pieces",
    "segregation_by_preference",
    "plot_amplification_by_length",
    "plot_collapse",
    "plot_completion_by_pieces",
    "plot_drift",
    "plot_segregation_by_preference",
    "Household",
    "Schelling",
    "at_least_wanted",
    "draw_households",
    "SchellingArray",
    "similar_share",
    "MONITORS",
    "SplitTaskModel",
    "Worker",
    "equal_split",
    "monitor_scores",
    "refuse_above_threshold",
    "threshold_for_budget",
]

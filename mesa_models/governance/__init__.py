"""Unit 11 — Oversight and governance: what can be done, and who audits the auditors.

Lesson ``lessons/11_oversight_and_governance.ipynb``; lab ``labs/11_oversight_and_governance_lab.ipynb``
(checks in :mod:`mesa_models.governance.lab`).

Models and helpers:

* :mod:`mesa_models.governance.oversight` — :class:`OversightModel`: proposers and k-of-n audit panels in layers (InstitutionalAI, Bisconti et al. 2025); auditors sharing base models, capture, rotation, random audits of the auditors; exact rates (:func:`oversight_rates`).
* :mod:`mesa_models.governance.oversight_fast` — :func:`simulate_oversight`: the same rules in NumPy, many runs at once, for sweeps.
* :mod:`mesa_models.governance.third_party` — :class:`ThirdPartyEvaluation`: an adversarial evaluator for the customer tests every change of a pricing system (Unit 03's market and learned Calvano agents); detection power against scenarios and subtlety.
* :mod:`mesa_models.governance.accountability` — :class:`AccountabilityModel`: Shapley attribution of a pipeline failure over agents and the human in the loop, against last-actor blame (the moral crumple zone).
* :mod:`mesa_models.governance.mast` — MAST's 3 categories and 14 failure modes (Cemri et al. 2025) and traces to classify (data, no model).
* :mod:`mesa_models.governance.figures` — the lesson's longer plots.
"""

from mesa_models.governance.accountability import (
    ACCOUNTABILITY_PARAMS,
    ROLES,
    AccountabilityModel,
    Incident,
    PipelineAgent,
    expected_attribution,
    last_actor_blame,
    pipeline_failure_probability,
    pipeline_game,
    shapley_values,
)
from mesa_models.governance.figures import (
    plot_attribution,
    plot_capture_remedies,
    plot_k_of_n,
    plot_power_curves,
    plot_regress,
)
from mesa_models.governance.mast import CATEGORIES, MODES, TRACES, category_of, show_trace
from mesa_models.governance.oversight import (
    OVERSIGHT_PARAMS,
    Auditor,
    OversightModel,
    Proposal,
    Proposer,
    family_sizes,
    oversight_rates,
    panel_pass_probability,
)
from mesa_models.governance.oversight_fast import (
    OversightRuns,
    oversight_outcome,
    oversight_sweep,
    simulate_oversight,
)
from mesa_models.governance.third_party import (
    EVALUATION_PARAMS,
    LearnedPricingSystem,
    PricingSystem,
    Scenario,
    ThirdPartyEvaluation,
    consumer_surplus,
    detection_power,
    draw_scenarios,
    evaluate_change,
    power_prediction,
)

__all__ = [
    "ACCOUNTABILITY_PARAMS",
    "ROLES",
    "AccountabilityModel",
    "Incident",
    "PipelineAgent",
    "expected_attribution",
    "last_actor_blame",
    "pipeline_failure_probability",
    "pipeline_game",
    "shapley_values",
    "plot_attribution",
    "plot_capture_remedies",
    "plot_k_of_n",
    "plot_power_curves",
    "plot_regress",
    "CATEGORIES",
    "MODES",
    "TRACES",
    "category_of",
    "show_trace",
    "OVERSIGHT_PARAMS",
    "Auditor",
    "OversightModel",
    "Proposal",
    "Proposer",
    "family_sizes",
    "oversight_rates",
    "panel_pass_probability",
    "OversightRuns",
    "oversight_outcome",
    "oversight_sweep",
    "simulate_oversight",
    "EVALUATION_PARAMS",
    "LearnedPricingSystem",
    "PricingSystem",
    "Scenario",
    "ThirdPartyEvaluation",
    "consumer_surplus",
    "detection_power",
    "draw_scenarios",
    "evaluate_change",
    "power_prediction",
]

"""Unit 10 — Multi-agent security: one compromised agent compromises others, a compromise
that outlives the attack, and defences with budgets and false alarms.

Lesson ``lessons/10_multi_agent_security.ipynb``; lab ``labs/10_multi_agent_security_lab.ipynb``
(checks in :mod:`mesa_models.security.lab`).

Models:

* :mod:`mesa_models.security.infectious_jailbreak` — :class:`InfectiousJailbreak`: Gu et al.'s (2024) randomised pairwise chat in which one poisoned memory item spreads; the paper's recurrence, threshold and log N formula.
* :mod:`mesa_models.security.infectious_jailbreak_fast` — :func:`simulate`: the same outbreaks for up to 10^8 agents, many at once (exact in law).
* :mod:`mesa_models.security.memory_poisoning` — :class:`MemoryPoisoning`: poisoned persistent memory re-infects agents after a reset, not after a purge.
* :mod:`mesa_models.security.defence` — :class:`DefenceModel`: a monitor with false alarms and a quarantine budget, least-privilege tool manifests, segmentation.
* :mod:`mesa_models.security.defence_fast` — :class:`DefenceArray`, :func:`simulate_defence`: the defence model in NumPy, many runs at once, for sweeps.
* :mod:`mesa_models.security.manifests` — tool catalogue, five roles, blast radius and least-privilege manifests (helpers, no model).
* :mod:`mesa_models.security.figures` — the lesson's longer plots.
"""

from mesa_models.security.defence import (
    DEFENCE_PARAMS,
    DefenceAgent,
    DefenceModel,
    critical_detection,
    defence_growth_factor,
    monitor_rates,
    role_blast_radii,
    threshold_for_detection,
)
from mesa_models.security.defence_fast import (
    DefenceArray,
    DefenceRuns,
    policy_outcome,
    simulate_defence,
    threshold_sweep,
)
from mesa_models.security.figures import (
    plot_log_n_scaling,
    plot_recurrence_check,
    plot_reset_vs_purge,
    plot_threshold_tradeoff,
)
from mesa_models.security.infectious_jailbreak import (
    VIRUS,
    ChatAgent,
    InfectiousJailbreak,
    expected_next,
    growth_factor,
    ode_rounds,
    plateau,
    recurrence,
    recurrence_rounds,
)
from mesa_models.security.infectious_jailbreak_fast import Outbreaks, simulate
from mesa_models.security.manifests import (
    ALL_TOOLS,
    LEAST_PRIVILEGE,
    ROLE_TASKS,
    ROLES,
    TASK_OPTIONS,
    TOOL_HARM,
    blast_radius,
    can_do_job,
    missing_tasks,
)
from mesa_models.security.memory_poisoning import MemoryAgent, MemoryPoisoning

__all__ = [
    "DEFENCE_PARAMS",
    "DefenceAgent",
    "DefenceModel",
    "critical_detection",
    "defence_growth_factor",
    "monitor_rates",
    "role_blast_radii",
    "threshold_for_detection",
    "DefenceArray",
    "DefenceRuns",
    "policy_outcome",
    "simulate_defence",
    "threshold_sweep",
    "plot_log_n_scaling",
    "plot_recurrence_check",
    "plot_reset_vs_purge",
    "plot_threshold_tradeoff",
    "VIRUS",
    "ChatAgent",
    "InfectiousJailbreak",
    "expected_next",
    "growth_factor",
    "ode_rounds",
    "plateau",
    "recurrence",
    "recurrence_rounds",
    "Outbreaks",
    "simulate",
    "ALL_TOOLS",
    "LEAST_PRIVILEGE",
    "ROLE_TASKS",
    "ROLES",
    "TASK_OPTIONS",
    "TOOL_HARM",
    "blast_radius",
    "can_do_job",
    "missing_tasks",
    "MemoryAgent",
    "MemoryPoisoning",
]

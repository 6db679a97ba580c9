"""Unit 05 — Network effects: when agents consume each other's outputs, the network
decides whether a local error stays local.

Lesson ``lessons/05_network_effects.ipynb``; lab ``labs/05_network_effects_lab.ipynb``
(checks in :mod:`mesa_models.networks.lab`).

Models and helpers:

* :mod:`mesa_models.networks.cascades` — :class:`WattsCascade`: Watts's (2002) threshold cascades on a random network (Mesa).
* :mod:`mesa_models.networks.cascades_fast` — :class:`WattsCascadeArray`, :func:`cascade_frequency`: the same on sparse arrays, step for step identical, and the cascade-window sweep.
* :mod:`mesa_models.networks.contagion` — :class:`Contagion`: SIS/SIR spread of a compromise, random vs hub patching (Pastor-Satorras & Vespignani 2001, 2002).
* :mod:`mesa_models.networks.contagion_fast` — :class:`ContagionArray`, :func:`prevalence_curve`, :func:`expected_outbreak`: the same on sparse arrays, and the threshold sweeps.
* :mod:`mesa_models.networks.monoculture` — :class:`Monoculture`: many agents on few base models; the whole distribution of simultaneous failures (Kleinberg & Raghavan 2021).
* :mod:`mesa_models.networks.graphs` — random and scale-free graphs shared by both engines, and the network drawing helper.
* :mod:`mesa_models.networks.figures` — the lesson's and lab's figures (cascade window, prevalence, patching, failure distributions).
"""

from mesa_models.networks.cascades import GLOBAL_CASCADE, Node, WattsCascade, watts_rule
from mesa_models.networks.cascades_fast import (
    WattsCascadeArray,
    cascade_condition,
    cascade_frequency,
    cascade_sizes,
    final_adopters,
    theoretical_window,
)
from mesa_models.networks.contagion import (
    Contagion,
    Host,
    hub_patches,
    infection_table,
    random_patches,
)
from mesa_models.networks.contagion_fast import (
    ContagionArray,
    expected_outbreak,
    graph_edges,
    patching_effect,
    prevalence_curve,
    spectral_radius,
)
from mesa_models.networks.figures import (
    cascade_snapshots,
    plot_cascade_window,
    plot_failure_distributions,
    plot_patching,
    plot_prevalence,
)
from mesa_models.networks.graphs import (
    adjacency,
    build_edges,
    csr_arrays,
    network_layout,
    random_edges,
    scale_free_edges,
    to_networkx,
)
from mesa_models.networks.monoculture import (
    Deployment,
    Monoculture,
    agent_counts,
    failure_distribution,
    mass_failure_probability,
    mix_cost,
)

__all__ = [
    "GLOBAL_CASCADE",
    "Node",
    "WattsCascade",
    "watts_rule",
    "WattsCascadeArray",
    "cascade_condition",
    "cascade_frequency",
    "cascade_sizes",
    "final_adopters",
    "theoretical_window",
    "Contagion",
    "Host",
    "hub_patches",
    "infection_table",
    "random_patches",
    "ContagionArray",
    "expected_outbreak",
    "graph_edges",
    "patching_effect",
    "prevalence_curve",
    "spectral_radius",
    "adjacency",
    "build_edges",
    "csr_arrays",
    "network_layout",
    "random_edges",
    "scale_free_edges",
    "to_networkx",
    "cascade_snapshots",
    "plot_cascade_window",
    "plot_failure_distributions",
    "plot_patching",
    "plot_prevalence",
    "Deployment",
    "Monoculture",
    "agent_counts",
    "failure_distribution",
    "mass_failure_probability",
    "mix_cost",
]

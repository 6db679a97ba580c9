"""Feedback amplification across the four ESRH scales (Unit 09, Emergent agency).

Bisconti, Galisai, Pierucci, Bracale & Prandi (2025), "Beyond Single-Agent Safety: A
Taxonomy of Risks in LLM-to-LLM Interactions", arXiv:2512.02682: when the output of one
aligned model becomes the input of another, small deviations can be amplified rather than
damped, and whether a risk is visible depends on the scale at which the system is
examined (their *Emergent Systemic Risk Horizon*). This model makes that claim
measurable with the smallest possible agents.

Every task carries a **deviation**: how far the current output is from what was intended
(0 = exactly right). An LLM agent receives the deviation of its input ``d`` and passes on

    d_out = gain * d + bias + noise * Z          (Z standard normal, one per task)

``bias`` is the agent's own systematic error, ``noise`` its random error and ``gain`` what
it does with an error it is handed: below 1 it partly repairs it (damping), above 1 it
builds on it (elaboration, amplification). A **component test** feeds one agent the
intended input (``d = 0``) and checks that at most ``allowed_failures`` of its outputs
deviate by more than ``tolerance``; it sees ``bias`` and ``noise`` but never ``gain``. A
**system test** applies the same criterion to the output of the whole system.

One model, four configurations (``scale``), one per ESRH scale:

* ``dyadic``: agent A passes its output to agent B (two agents, whatever ``n_agents``).
* ``network``: a pipeline of ``n_agents`` agents with ``topology`` ``chain`` (one after
  another), ``dense`` (three layers, each agent reading *all* agents of the previous layer
  and averaging them) or ``bottleneck`` (two wide layers joined through a single agent).
  An agent with several inputs works on their average; the system output is the average
  of the last layer. A custom acyclic pipeline can be passed as ``graph=``.
* ``temporal``: the same pipeline processes a new batch every step, and after each step
  every agent moves its own bias towards the mean deviation of its colleagues' outputs
  (rate ``learning``): agents learn from each other's past outputs and the whole system
  drifts, although each single step changes little.
* ``cross-system``: the pipeline estimates a value ``v`` (uniform on 0..1) for each task,
  a **rule-based component** approves the task when the estimate exceeds 0.5, and a
  **human reviewer** with limited ``attention`` re-checks the most borderline decisions
  each step. A task fails when its final decision differs from the one the true value
  gives. Each part passes its own test; the composition need not.

**Verification steps** (``verifiers``) sit between layers, evenly spaced: each checks
every output of the layer before it against the specification and, with probability
``verify_power``, catches an output that deviates by more than ``verify_threshold`` (what
the check can notice); a caught output is redone correctly (deviation 0). A verifier
therefore restarts the accumulation: what reaches the end is mostly what the agents after
the last verifier added.

One step processes ``n_tasks`` tasks. Reporters: ``deviation`` (mean absolute deviation of
the system output), ``failures`` (share of tasks out of tolerance, or with a wrong
decision at the cross-system scale), ``amplification`` (mean absolute deviation of the
system output over that of the first layer's outputs, which received the intended input),
``mean_bias`` (agents' mean own bias; it moves only at the temporal scale).

Extension points: ``transform=`` (``f(agent, incoming) -> outgoing`` deviations, arrays of
shape ``(n_tasks,)``; default :func:`linear_transform`), ``verify=`` (``f(verifier,
deviations) -> deviations``; default :func:`check_and_redo`), ``rule=`` (``f(estimates) ->
approve`` booleans; default :func:`approve_above_half`), ``graph=`` (a networkx DiGraph,
acyclic, nodes ``0..n_agents-1``); or subclass :class:`LLMAgent`, :class:`Verifier`,
:class:`RuleComponent` or :class:`HumanReviewer` (override ``respond``, ``check``,
``decide``, ``review``) and set the matching ``*_class`` attribute of the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import mesa
import networkx as nx
import numpy as np
import pandas as pd

from mesa_models.base import RiskModel, seed_argument
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS

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
]

#: The four scales of the Emergent Systemic Risk Horizon, in the order a tester meets them.
SCALES = ("dyadic", "network", "temporal", "cross-system")
TOPOLOGIES = ("chain", "dense", "bottleneck")


def linear_transform(agent: LLMAgent, incoming: np.ndarray) -> np.ndarray:
    """``gain * incoming + bias + noise * Z``: the agent's own error added to what it was handed."""
    return (
        agent.gain * incoming
        + agent.bias
        + agent.noise * agent.model.rng.standard_normal(incoming.shape)
    )


def check_and_redo(verifier: Verifier, deviations: np.ndarray) -> np.ndarray:
    """Catch each output that deviates by more than ``verify_threshold``, with probability
    ``verify_power``; a caught output is redone correctly (deviation 0)."""
    model = verifier.model
    draws = model.rng.random(deviations.shape)
    caught = (np.abs(deviations) > model.verify_threshold) & (draws < model.verify_power)
    verifier.caught += int(caught.sum())
    return np.where(caught, 0.0, deviations)


def approve_above_half(estimates: np.ndarray) -> np.ndarray:
    """The rule-based component: approve a task when its estimated value exceeds 0.5."""
    return estimates > 0.5


@validate_arguments(
    n_agents=Param("n_agents", 6, "agents in the chain", "agents", low=1, high=500),
    gain=Param(
        "gain", 1.1, "factor by which an agent passes on a deviation", "factor", low=0, high=3
    ),
    bias=Param("bias", 0.05, "each agent's own deviation", "deviation", low=-10, high=10),
)
def chain_deviation(n_agents: int, gain: float, bias: float) -> float:
    """Expected deviation at the end of a chain of identical agents (no verifiers):
    ``bias * (1 + gain + ... + gain**(n-1))``; it stays below ``bias / (1 - gain)`` when
    ``gain < 1`` and grows geometrically when ``gain > 1``."""
    return float(bias * sum(gain**k for k in range(int(n_agents))))


@validate_arguments(
    n_agents=Param("n_agents", 6, "agents in the pipeline", "agents", low=1, high=10_000)
)
def pipeline_layers(topology: str, n_agents: int) -> list[list[int]]:
    """Agent indices layer by layer for a built-in topology (see the module docstring)."""
    require(
        topology in TOPOLOGIES,
        "topology",
        topology,
        f"one of {', '.join(TOPOLOGIES)}",
        "pipeline_layers",
    )
    if topology == "chain":
        return [[i] for i in range(n_agents)]
    require(
        n_agents >= 3,
        "n_agents",
        n_agents,
        f"at least 3 for the {topology!r} topology",
        "pipeline_layers",
    )
    if topology == "dense":
        sizes = [n_agents // 3 + (1 if k < n_agents % 3 else 0) for k in range(3)]
    else:  # bottleneck: two wide layers joined by one agent
        rest = n_agents - 1
        sizes = [rest - rest // 2, 1, rest // 2]
    layers, start = [], 0
    for size in sizes:
        layers.append(list(range(start, start + size)))
        start += size
    return layers


def _graph_from_layers(layers: list[list[int]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(i for layer in layers for i in layer)
    for before, after in zip(layers, layers[1:]):
        graph.add_edges_from((i, j) for i in before for j in after)
    return graph


class LLMAgent(mesa.Agent):
    """An LLM agent: passes on what it receives with its own small error added."""

    def __init__(self, model: AmplificationModel, index: int, bias: float) -> None:
        super().__init__(model)
        self.index = index
        self.bias = bias
        self.gain = model.gain
        self.noise = model.noise
        self.output = np.zeros(
            model.n_tasks
        )  # what it passed on in the last step (after any check)
        self.raw_output = self.output  # what it produced, before a verifier looked at it

    def respond(self, incoming: np.ndarray) -> np.ndarray:
        """Outgoing deviations for the incoming ones (the model's ``transform``)."""
        out = self.model.transform(self, incoming)
        name = getattr(self.model.transform, "__name__", "transform")
        out = np.asarray(out, dtype=float) if isinstance(out, np.ndarray | list | tuple) else out
        if (
            not isinstance(out, np.ndarray)
            or out.shape != incoming.shape
            or not np.isfinite(out).all()
        ):
            raise ValueError(
                f"transform function {name!r} returned {out!r:.80} for agent {self.index}; "
                f"allowed: an array of {incoming.shape[0]} finite deviations"
            )
        return out


class Verifier(mesa.Agent):
    """A verification step between two layers of the pipeline."""

    def __init__(self, model: AmplificationModel, after_layer: int) -> None:
        super().__init__(model)
        self.after_layer = after_layer
        self.caught = 0

    def check(self, deviations: np.ndarray) -> np.ndarray:
        out = self.model.verify(self, deviations)
        name = getattr(self.model.verify, "__name__", "verify")
        if (
            not isinstance(out, np.ndarray)
            or out.shape != deviations.shape
            or not np.isfinite(out).all()
        ):
            raise ValueError(
                f"verify function {name!r} returned {out!r:.80}; allowed: an array of {deviations.shape[0]} finite deviations"
            )
        return out


class RuleComponent(mesa.Agent):
    """Rule-based software (cross-system scale): a fixed decision rule on the estimate."""

    def decide(self, estimates: np.ndarray) -> np.ndarray:
        out = self.model.rule(estimates)
        name = getattr(self.model.rule, "__name__", "rule")
        if not isinstance(out, np.ndarray) or out.shape != estimates.shape or out.dtype != bool:
            raise ValueError(
                f"rule function {name!r} returned {out!r:.80}; allowed: a boolean array of {estimates.shape[0]} decisions"
            )
        return out


class HumanReviewer(mesa.Agent):
    """A human with limited attention: re-checks the ``attention`` most borderline
    decisions of each step (estimates closest to 0.5) and sets them right."""

    def review(self, estimates: np.ndarray, decisions: np.ndarray, truth: np.ndarray) -> np.ndarray:
        budget = min(self.model.attention, estimates.size)
        if budget == 0:
            return decisions
        borderline = np.argsort(np.abs(estimates - 0.5), kind="stable")[:budget]
        reviewed = decisions.copy()
        reviewed[borderline] = truth[borderline]
        return reviewed


AMPLIFICATION_PARAMS = Params(
    Param(
        "scale",
        "network",
        "ESRH scale: dyadic (A to B), network (a pipeline), temporal (the pipeline repeated, agents learning from past outputs), cross-system (agents, a rule, a human)",
        choices=SCALES,
    ),
    Param(
        "topology",
        "chain",
        "shape of the pipeline (network, temporal and cross-system scales)",
        choices=TOPOLOGIES,
    ),
    Param(
        "n_agents",
        6,
        "LLM agents in the pipeline (the dyad always has 2)",
        "agents",
        low=2,
        high=64,
    ),
    Param(
        "gain",
        1.1,
        "factor by which an agent passes on a deviation it receives (below 1 damps, above 1 amplifies)",
        "factor",
        low=0,
        high=3,
        step=0.05,
    ),
    Param(
        "bias",
        0.05,
        "each agent's own systematic deviation from the intended output",
        "deviation",
        low=-0.5,
        high=0.5,
        step=0.01,
    ),
    Param(
        "noise",
        0.02,
        "spread of each agent's random deviation per task (standard deviation)",
        "deviation",
        low=0,
        high=0.5,
        step=0.005,
    ),
    Param(
        "faulty_bias",
        0.0,
        "extra deviation of one agent in the middle of the pipeline (the bottleneck agent if there is one)",
        "deviation",
        low=-0.5,
        high=0.5,
        step=0.01,
    ),
    Param(
        "tolerance",
        0.1,
        "largest acceptable deviation of an output (component and system tests)",
        "deviation",
        low=0,
        high=1,
        low_open=True,
        step=0.01,
    ),
    Param(
        "allowed_failures",
        0.05,
        "share of failed tasks a test still accepts",
        "fraction",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "verifiers",
        0,
        "verification steps between layers of agents, evenly spaced",
        "checks",
        low=0,
        high=63,
    ),
    Param(
        "verify_threshold",
        0.02,
        "smallest deviation a verifier notices",
        "deviation",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "verify_power",
        0.9,
        "chance a verifier catches a deviation it can notice (the output is then redone correctly)",
        "probability",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "learning",
        0.05,
        "temporal scale: share of the gap to colleagues' mean output deviation an agent adopts per step",
        "per step",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "attention",
        10,
        "cross-system scale: decisions the human reviewer can re-check per step",
        "tasks",
        low=0,
        high=100_000,
    ),
    Param("n_tasks", 200, "tasks processed per step", "tasks", low=1, high=100_000),
)


class AmplificationModel(RiskModel):
    """Small deviations passed between agents: damped or compounded, by scale (Bisconti et al. 2025)."""

    params = AMPLIFICATION_PARAMS
    reporters = {
        "deviation": "last_deviation",
        "failures": "last_failures",
        "amplification": "last_amplification",
        "mean_bias": lambda m: float(np.mean([a.bias for a in m.llm_agents])),
    }
    default_plots = ("deviation", "failures")
    agent_class: ClassVar[type[LLMAgent]] = LLMAgent
    verifier_class: ClassVar[type[Verifier]] = Verifier
    rule_class: ClassVar[type[RuleComponent]] = RuleComponent
    reviewer_class: ClassVar[type[HumanReviewer]] = HumanReviewer

    def __init__(
        self,
        *,
        transform: Callable[[LLMAgent, np.ndarray], np.ndarray] | None = None,
        verify: Callable[[Verifier, np.ndarray], np.ndarray] | None = None,
        rule: Callable[[np.ndarray], np.ndarray] | None = None,
        graph: nx.DiGraph | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "AmplificationModel"
        for name, func in (("transform", transform), ("verify", verify), ("rule", rule)):
            if func is not None and not callable(func):
                raise TypeError(f"{owner}: parameter {name!r} got {func!r}; expected a function")
        self.transform = transform or linear_transform
        self.verify = verify or check_and_redo
        self.rule = rule or approve_above_half
        self.graph, self.layers = self._build_pipeline(graph, owner)
        depth = len(self.layers)
        require(
            self.verifiers <= depth - 1,
            "verifiers",
            self.verifiers,
            f"at most {depth - 1} (one per gap between the {depth} layers of this pipeline)",
            owner,
        )
        faulty = self.layers[len(self.layers) // 2][0]
        self.faulty_index = faulty
        self.llm_agents = [
            self.agent_class(self, i, self.bias + (self.faulty_bias if i == faulty else 0.0))
            for i in sorted(self.graph.nodes)
        ]
        self.verifier_agents = [
            self.verifier_class(self, after) for after in self._verifier_positions()
        ]
        self.rule_component = self.rule_class(self) if self.scale == "cross-system" else None
        self.reviewer = self.reviewer_class(self) if self.scale == "cross-system" else None
        self.last_output = np.zeros(self.n_tasks)
        self.last_deviation = 0.0
        self.last_failures = 0.0
        self.last_amplification = float("nan")
        self.last_errors = 0
        self.start_datacollector()

    # -- structure -----------------------------------------------------------------
    def _build_pipeline(
        self, graph: nx.DiGraph | None, owner: str
    ) -> tuple[nx.DiGraph, list[list[int]]]:
        if graph is not None:
            if not isinstance(graph, nx.DiGraph):
                raise TypeError(
                    f"{owner}: parameter 'graph' got {type(graph).__name__}; expected a networkx DiGraph"
                )
            require(
                nx.is_directed_acyclic_graph(graph),
                "graph",
                graph,
                "an acyclic directed graph (a pipeline without loops)",
                owner,
            )
            require(
                set(graph.nodes) == set(range(self.n_agents)),
                "graph",
                f"nodes {sorted(graph.nodes)[:8]}",
                f"nodes 0..{self.n_agents - 1} (n_agents={self.n_agents})",
                owner,
            )
            require(
                self.scale != "dyadic",
                "graph",
                "a custom graph",
                "only with scale 'network', 'temporal' or 'cross-system'",
                owner,
            )
            layers = [sorted(layer) for layer in nx.topological_generations(graph)]
            return graph.copy(), layers
        if self.scale == "dyadic":
            layers = [[0], [1]]
        else:
            require(
                self.topology == "chain" or self.n_agents >= 3,
                "n_agents",
                self.n_agents,
                f"at least 3 for the {self.topology!r} topology",
                owner,
            )
            layers = pipeline_layers(self.topology, self.n_agents)
        return _graph_from_layers(layers), layers

    def _verifier_positions(self) -> list[int]:
        """Layer indices after which a verifier checks, evenly spaced over the gaps."""
        depth = len(self.layers)
        return [
            int(np.floor((k + 1) * depth / (self.verifiers + 1) + 0.5)) - 1
            for k in range(self.verifiers)
        ]

    @property
    def depth(self) -> int:
        """Number of layers of LLM agents in the pipeline."""
        return len(self.layers)

    # -- dynamics --------------------------------------------------------------------
    def step(self) -> None:
        values = self.rng.random(self.n_tasks) if self.scale == "cross-system" else None
        final = self.run_pipeline()
        first = np.concatenate([self.llm_agents[i].raw_output for i in self.layers[0]])
        self.last_output = final
        self.last_deviation = float(np.mean(np.abs(final)))
        base = float(np.mean(np.abs(first)))
        self.last_amplification = (
            self.last_deviation / base
            if base > 0
            else (1.0 if self.last_deviation == 0 else float("inf"))
        )
        if self.scale == "cross-system":
            estimates = values + final
            truth = values > 0.5
            decisions = self.reviewer.review(
                estimates, self.rule_component.decide(estimates), truth
            )
            self.last_errors = int(np.sum(decisions != truth))
            self.last_failures = self.last_errors / self.n_tasks
        else:
            self.last_errors = int(np.sum(np.abs(final) > self.tolerance))
            self.last_failures = self.last_errors / self.n_tasks
        if self.scale == "temporal":
            self.learn()
        self.datacollector.collect(self)

    def run_pipeline(self, start: np.ndarray | None = None) -> np.ndarray:
        """Pass one batch of tasks through the pipeline; returns the system output's deviations."""
        incoming_start = np.zeros(self.n_tasks) if start is None else start
        checks = {v.after_layer: v for v in self.verifier_agents}
        for depth, layer in enumerate(self.layers):
            for i in layer:
                agent = self.llm_agents[i]
                parents = list(self.graph.predecessors(i))
                incoming = (
                    np.mean([self.llm_agents[p].output for p in parents], axis=0)
                    if parents
                    else incoming_start
                )
                agent.raw_output = agent.output = agent.respond(incoming)
            if depth in checks:
                for i in layer:
                    self.llm_agents[i].output = checks[depth].check(self.llm_agents[i].output)
        sinks = [i for i in self.graph.nodes if self.graph.out_degree(i) == 0]
        return np.mean([self.llm_agents[i].output for i in sorted(sinks)], axis=0)

    def learn(self) -> None:
        """Temporal scale: each agent moves its bias towards its colleagues' mean output."""
        means = np.array([a.output.mean() for a in self.llm_agents])
        total = means.sum()
        n = len(means)
        for agent, own in zip(self.llm_agents, means, strict=True):
            others = (total - own) / (n - 1)
            agent.bias += self.learning * (others - agent.bias)

    # -- drawing -------------------------------------------------------------------
    def draw_state(self, ax: plt.Axes) -> None:
        """The pipeline, layer by layer; each agent coloured by the mean absolute deviation
        of its last outputs (white: none, dark: at or beyond the tolerance)."""
        pos = {}
        for x, layer in enumerate(self.layers):
            for k, i in enumerate(layer):
                pos[i] = (x, k - (len(layer) - 1) / 2)
        level = [
            min(float(np.mean(np.abs(self.llm_agents[i].output))) / self.tolerance, 1.0)
            for i in sorted(self.graph.nodes)
        ]
        nx.draw_networkx_edges(
            self.graph, pos, ax=ax, edge_color=COLORS["grey"], arrows=True, arrowsize=8, width=0.8
        )
        nx.draw_networkx_nodes(
            self.graph,
            pos,
            nodelist=sorted(self.graph.nodes),
            node_color=level,
            cmap="cividis_r",
            vmin=0,
            vmax=1,
            node_size=160,
            edgecolors=COLORS["black"],
            linewidths=0.5,
            ax=ax,
        )
        for v in self.verifier_agents:
            ax.axvline(v.after_layer + 0.5, color=COLORS["green"], linestyle="--", linewidth=1.2)
        ax.set_axis_off()
        ax.set_title(f"{self.scale}: {self.last_failures:.0%} of tasks fail", fontsize=10)


# -- the two kinds of test ---------------------------------------------------------------------


_N_TASKS = Param("n_tasks", 200, "tasks for each component's test", "tasks", low=1, high=100_000)


@validate_arguments(
    seed=seed_argument("seed"),
    n_tasks=lambda value, owner: None if value is None else _N_TASKS.validate(value, owner),
)
def component_check(
    model: AmplificationModel, *, seed: int = 0, n_tasks: int | None = None
) -> pd.DataFrame:
    """Test every component alone, as it would be tested before deployment.

    LLM agents get the intended input (deviation 0); the rule gets the true values; the
    human reviewer gets ``attention`` wrong decisions to correct. Returns one row per
    component with its failure share and whether it passes (failure share at most
    ``allowed_failures``). Uses its own generator (``seed``): the model's run is untouched.
    """
    if not isinstance(model, AmplificationModel):
        raise TypeError(
            f"component_check(): parameter 'model' got {type(model).__name__}; expected an AmplificationModel"
        )
    n = model.n_tasks if n_tasks is None else n_tasks
    require(
        isinstance(n, int | np.integer) and not isinstance(n, bool) and n >= 1,
        "n_tasks",
        n,
        "an integer >= 1",
        "component_check",
    )
    saved_rng, saved_outputs = model.rng, [(a.output, a.raw_output) for a in model.llm_agents]
    model.rng = np.random.default_rng(seed)
    rows = []
    try:
        for agent in model.llm_agents:
            out = agent.respond(np.zeros(n))
            rows.append(("LLM agent", agent.index, float(np.mean(np.abs(out) > model.tolerance))))
        if model.rule_component is not None:
            values = model.rng.random(n)
            wrong = model.rule_component.decide(values) != (values > 0.5)
            rows.append(("rule", 0, float(np.mean(wrong))))
            k = max(min(model.attention, n), 1)
            values = 0.5 + (model.rng.random(k) - 0.5) * 0.2
            truth = values > 0.5
            reviewed = model.reviewer.review(values, ~truth, truth)
            rows.append(
                (
                    "human reviewer",
                    0,
                    float(np.mean(reviewed != truth)) if model.attention > 0 else 1.0,
                )
            )
    finally:
        model.rng = saved_rng
        for agent, (output, raw) in zip(model.llm_agents, saved_outputs, strict=True):
            agent.output, agent.raw_output = output, raw
    frame = pd.DataFrame(rows, columns=["component", "index", "failures"])
    frame["passed"] = frame["failures"] <= model.allowed_failures
    return frame


@validate_arguments(steps=Param("steps", 1, "more steps to run", "steps", low=1, high=10_000))
def system_check(model: AmplificationModel, steps: int = 1) -> dict[str, Any]:
    """Run ``steps`` more steps and test the whole system's output of the last one.

    Returns ``{"failures": share, "passed": bool, "deviation": mean |deviation|}``.
    """
    if not isinstance(model, AmplificationModel):
        raise TypeError(
            f"system_check(): parameter 'model' got {type(model).__name__}; expected an AmplificationModel"
        )
    require(
        isinstance(steps, int | np.integer) and not isinstance(steps, bool) and steps >= 1,
        "steps",
        steps,
        "an integer >= 1",
        "system_check",
    )
    model.run_for(int(steps))
    return {
        "failures": model.last_failures,
        "passed": model.last_failures <= model.allowed_failures,
        "deviation": model.last_deviation,
    }

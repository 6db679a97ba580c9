"""Institutional oversight: proposers, k-of-n audit panels, correlated auditors, layers of
auditors of auditors, capture, rotation and random audits of the auditors (Unit 11).

Source of the design: Bisconti, Galisai, Pierucci, Bracale & Prandi (2025), "Beyond
Single-Agent Safety: A Taxonomy of Risks in LLM-to-LLM Interactions", arXiv:2512.02682,
who propose *InstitutionalAI*: separation of powers (agents that propose actions are not
the agents that audit them), checks and balances (high-risk actions need the consensus of
several independent auditors) and transparency (every inter-agent message is logged for
the oversight layer). The critique it answers is the regress "who audits the auditors?":
an oversight agent can fail, amplify or collude like the agents it checks. The model is
ours; the correlated-error rule is the beta-factor model of common-cause failure used in
reliability engineering (Mosleh et al. 1998, NUREG/CR-5485), and the evidence that
independently built programs fail on the same inputs is Knight & Leveson (1986).

Every round each of ``n_proposers`` proposers proposes one action. A share
``misaligned_share`` of the proposers are misaligned: every action they propose is
harmful; the others propose benign actions. An action is high-risk with probability
``high_risk_share``.

* **Low-risk** actions are reviewed by one auditor (slot 0 of the proposer's first panel).
* **High-risk** actions go through ``layers`` panels of ``n_auditors`` auditors each, in
  turn; a panel lets the action through when at least ``k`` of its auditors approve
  (checks and balances), and the next layer reviews only what the previous one passed (a
  second layer is an auditor of the auditors). An action that every layer passes is
  executed.

An auditor approves a harmful action with probability ``error_rate`` (a miss) and blocks a
benign one with probability ``false_block_rate`` (a false block). Auditors are built on
``families`` base models: slot j of every panel is filled from family ``j % families``.
Auditors of one family share blind spots: for each proposal and family, with probability
``correlation`` the family's auditors on all its panels give one shared verdict (drawn
once, with the same marginal rates); otherwise each decides independently. So
``correlation`` is exactly the correlation coefficient of two same-family auditors' errors,
and each auditor alone is exactly as accurate whatever the correlation.

Capture and its remedies (the regress): a misaligned proposer whose action an uncaptured
auditor reviews captures that auditor with probability ``capture_rate``; from then on that
auditor approves every action *of its captor*. With ``rotation`` every proposal gets a
fresh panel drawn at random from the pool of ``pool_size`` auditors, so a captor rarely
meets its captured auditors again; without rotation each proposer keeps the panels it was
given at the start. Every approval is written to a transparency log; a second-level
auditor re-checks a share ``meta_audit_rate`` of the logged approvals (of low- and
high-risk actions) and
recognises a harmful one with probability ``1 - meta_error_rate``; then every captured
auditor among the approvers is found out and replaced by a fresh one. Captures and
replacements take effect at the end of the round.

Costs: ``reviews`` counts auditor reviews (including the second-level re-checks) per
proposal. :func:`oversight_rates` gives the expected harm, false blocks and reviews exactly
(no simulation) when nobody is captured, or when a fixed share of auditors is;
:func:`panel_pass_probability` is the probability that a proposal passes every layer. The
NumPy engine :mod:`mesa_models.governance.oversight_fast` runs the same rules for sweeps.

Extension points: ``panel_rule=`` (a function ``(model, proposer) -> list of layers``,
each a list of ``n_auditors`` :class:`Auditor`; replaces the draw), or subclass
:class:`Auditor` and override :meth:`Auditor.verdict` (then set
``OversightModel.auditor_class``), or :class:`Proposer` and override
:meth:`Proposer.propose` (``OversightModel.proposer_class``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import mesa
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS

__all__ = [
    "OVERSIGHT_PARAMS",
    "Auditor",
    "OversightModel",
    "Proposal",
    "Proposer",
    "check_oversight",
    "family_sizes",
    "layer_profile",
    "oversight_rates",
    "panel_pass_probability",
]

#: Parameters of the oversight model, declared once for the Mesa model, the NumPy engine and
#: the exact rates.
OVERSIGHT_PARAMS = Params(
    Param(
        "n_proposers", 30, "agents that propose one action each round", "agents", low=1, high=2000
    ),
    Param(
        "misaligned_share",
        0.2,
        "share of proposers whose every proposal is harmful",
        "fraction",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "high_risk_share",
        0.3,
        "chance a proposal is high-risk (needs the k-of-n panels)",
        "probability",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "high_risk_harm",
        10.0,
        "harm of an executed harmful high-risk action (a low-risk one does 1)",
        "harm units",
        low=0,
        high=1000,
    ),
    Param("n_auditors", 3, "auditors on each panel (n)", "auditors", low=1, high=15),
    Param(
        "k",
        3,
        "approvals a panel needs to let a high-risk action through (k of n)",
        "auditors",
        low=1,
        high=15,
    ),
    Param(
        "layers",
        1,
        "panels a high-risk action must pass in turn (2 = auditors of the auditors)",
        "layers",
        low=1,
        high=5,
    ),
    Param(
        "error_rate",
        0.2,
        "chance an auditor approves a harmful action",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "false_block_rate",
        0.05,
        "chance an auditor blocks a benign action",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "correlation",
        0.0,
        "correlation of two auditors' errors when they share a base model",
        "",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "families", 1, "distinct base models on each panel (diversity)", "models", low=1, high=15
    ),
    Param(
        "pool_size", 60, "auditors in the pool panels are drawn from", "auditors", low=1, high=5000
    ),
    Param(
        "rotation",
        True,
        "a fresh random panel for every proposal (False: each proposer keeps its panels)",
    ),
    Param(
        "capture_rate",
        0.0,
        "chance a misaligned proposer captures an auditor that reviews it",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "meta_audit_rate",
        0.0,
        "share of logged approvals the second-level auditor re-checks",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "meta_error_rate",
        0.2,
        "chance the second-level auditor misses a harmful approval it re-checks",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
)

_PROB = {name: OVERSIGHT_PARAMS[name] for name in ("error_rate", "false_block_rate", "correlation")}


# -- exact rates -------------------------------------------------------------------------------------------


@validate_arguments(
    n_auditors=Param("n_auditors", 3, "seats", low=1, high=100_000),
    families=Param("families", 1, "base models", low=1, high=100_000),
)
def family_sizes(n_auditors: int, families: int) -> list[int]:
    """Auditors of each base model on one panel: slot j belongs to family ``j % families``."""
    return [len(range(f, n_auditors, families)) for f in range(families)]


def family_pool_sizes(pool_size: int, families: int) -> list[int]:
    """Auditors of each base model in the pool: auditor i belongs to family ``i % families``."""
    return [len(range(f, pool_size, families)) for f in range(families)]


def check_oversight(values: Any, owner: str) -> None:
    """Constraints between the oversight parameters (``values`` has them as attributes)."""
    n = values.n_auditors
    require(
        values.k <= n,
        "k",
        values.k,
        f"at most n_auditors = {n} (a panel of n cannot give more than n approvals)",
        owner,
    )
    require(
        values.families <= n,
        "families",
        values.families,
        f"at most n_auditors = {n} (each base model fills at least one seat of a panel)",
        owner,
    )
    need = [s * values.layers for s in family_sizes(n, values.families)]
    have = family_pool_sizes(values.pool_size, values.families)
    short = [f for f in range(values.families) if have[f] < need[f]]
    require(
        not short,
        "pool_size",
        values.pool_size,
        f"at least n_auditors x layers = {n * values.layers} auditors, with {max(need)} of each of the "
        f"{values.families} base models (a proposal's panels never reuse an auditor)",
        owner,
    )


def _binomial_pmf(trials: int, p: float) -> np.ndarray:
    if trials == 0:
        return np.ones(1)
    j = np.arange(trials + 1)
    comb = np.array([math.comb(trials, i) for i in j], dtype=float)
    return comb * p**j * (1 - p) ** (trials - j)


def layer_profile(
    p: float, n_auditors: int, k: int, correlation: float, families: int, captured: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """``(weights, q)``: the shared-verdict states of the families and, in each, the chance
    one panel gives at least ``k`` approvals. Given the state the panels (layers) are
    independent, so the chance of passing L layers is ``weights @ q**L``.

    ``p`` is one auditor's approval probability; ``captured`` the chance an auditor on the
    panel approves whatever (captured by the proposer)."""
    sizes = family_sizes(n_auditors, families)
    groups: dict[int, int] = {}
    for size in sizes:
        groups[size] = groups.get(size, 0) + 1
    rho, c = correlation, captured
    own = c + (1 - c) * p  # an auditor deciding on its own
    # each group of g families of m seats: (i1 families approve together, i2 block together)
    per_group = []
    for m, g in groups.items():
        states = []
        for i1 in range(g + 1):
            for i2 in range(g + 1 - i1):
                i0 = g - i1 - i2
                weight = (
                    math.comb(g, i1)
                    * math.comb(g - i1, i2)
                    * (1 - rho) ** i0
                    * (rho * p) ** i1
                    * (rho * (1 - p)) ** i2
                )
                if weight == 0.0:
                    continue
                dist = np.zeros(i1 * m + 1)
                dist[-1] = 1.0  # i1 * m sure approvals
                dist = np.convolve(dist, _binomial_pmf(i2 * m, c))
                dist = np.convolve(dist, _binomial_pmf(i0 * m, own))
                states.append((weight, dist))
        per_group.append(states)
    weights, q = [], []

    def combine(index: int, weight: float, dist: np.ndarray) -> None:
        if index == len(per_group):
            weights.append(weight)
            q.append(float(dist[k:].sum()))
            return
        for w, d in per_group[index]:
            combine(index + 1, weight * w, np.convolve(dist, d))

    combine(0, 1.0, np.ones(1))
    return np.array(weights), np.clip(np.array(q), 0.0, 1.0)


_PANEL_ARGS = dict(
    p=Param("p", 0.5, "one auditor's approval probability", low=0, high=1),
    n_auditors=OVERSIGHT_PARAMS["n_auditors"],
    k=OVERSIGHT_PARAMS["k"],
    layers=OVERSIGHT_PARAMS["layers"],
    correlation=OVERSIGHT_PARAMS["correlation"],
    families=OVERSIGHT_PARAMS["families"],
    captured=Param(
        "captured", 0.0, "chance an auditor on the panel is captured by the proposer", low=0, high=1
    ),
)


@validate_arguments(**_PANEL_ARGS)
def panel_pass_probability(
    p: float,
    n_auditors: int,
    k: int,
    layers: int = 1,
    correlation: float = 0.0,
    families: int = 1,
    captured: float = 0.0,
) -> float:
    """Probability that a proposal passes ``layers`` panels of ``n_auditors`` auditors, each
    needing ``k`` approvals, when each auditor approves with probability ``p``, auditors of
    one base model give one shared verdict with probability ``correlation`` (on all layers at
    once), and each auditor is captured (approves anyway) with probability ``captured``.

    With ``p = error_rate`` it is the chance a harmful high-risk action gets through; with
    ``p = 1 - false_block_rate`` the chance a benign one does. One base model, unanimity
    (``k = n``), one layer: ``correlation * p + (1 - correlation) * p**k``.
    """
    require(
        k <= n_auditors, "k", k, f"at most n_auditors = {n_auditors}", "panel_pass_probability()"
    )
    require(
        families <= n_auditors,
        "families",
        families,
        f"at most n_auditors = {n_auditors}",
        "panel_pass_probability()",
    )
    weights, q = layer_profile(p, n_auditors, k, correlation, families, captured)
    return float(weights @ q**layers)


def _expected_layers(weights: np.ndarray, q: np.ndarray, layers: int) -> float:
    """Expected number of layers that review a high-risk proposal (a layer reviews only what
    the layers below passed): ``sum over l < L of P(pass l layers)``."""
    return 1.0 + float(sum(weights @ q**level for level in range(1, layers)))


def oversight_rates(captured: float = 0.0, **params: Any) -> dict[str, float]:
    """Expected outcomes per proposal in a round, exactly, when a fixed share ``captured``
    of the auditors each proposer meets is captured by it (0: nobody; the dynamic capture of
    ``capture_rate`` is the simulation's business).

    Returns ``residual_harm`` (harm executed per proposal), ``false_blocks`` (share of
    benign proposals blocked), ``reviews`` (auditor reviews per proposal, second-level
    re-checks included), ``high_risk_pass`` (chance a harmful high-risk action gets through)
    and ``benign_pass`` (chance a benign high-risk action does). ``params`` are
    :data:`OVERSIGHT_PARAMS` (validated)."""
    owner = "oversight_rates"
    captured = _PANEL_ARGS["captured"].validate(captured, f"{owner}()")
    values = OVERSIGHT_PARAMS.resolve(params, owner)
    v = _Values(values)
    check_oversight(v, owner)
    m, h, e, f = v.misaligned_share, v.high_risk_share, v.error_rate, v.false_block_rate
    wh, qh = layer_profile(e, v.n_auditors, v.k, v.correlation, v.families, captured)
    wb, qb = layer_profile(1 - f, v.n_auditors, v.k, v.correlation, v.families, 0.0)
    pass_h, pass_b = float(wh @ qh**v.layers), float(wb @ qb**v.layers)
    low_harmful_pass = captured + (1 - captured) * e
    harm = m * ((1 - h) * low_harmful_pass + h * v.high_risk_harm * pass_h)
    false_blocks = (1 - h) * f + h * (1 - pass_b)
    executed = (1 - h) * (m * low_harmful_pass + (1 - m) * (1 - f)) + h * (
        m * pass_h + (1 - m) * pass_b
    )
    reviews = (
        (1 - h)
        + h
        * v.n_auditors
        * (m * _expected_layers(wh, qh, v.layers) + (1 - m) * _expected_layers(wb, qb, v.layers))
        + v.meta_audit_rate * executed
    )
    return {
        "residual_harm": harm,
        "false_blocks": false_blocks,
        "reviews": reviews,
        "high_risk_pass": pass_h,
        "benign_pass": pass_b,
    }


class _Values:
    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


# -- the Mesa model ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """One proposed action: who proposed it, whether it is harmful, whether it is high-risk."""

    proposer: Proposer
    harmful: bool
    high_risk: bool


class Proposer(mesa.Agent):
    """An agent that proposes one action per round; misaligned proposers propose harm."""

    def __init__(self, model: OversightModel, misaligned: bool) -> None:
        super().__init__(model)
        self.misaligned = misaligned
        self.panels: list[list[Auditor]] = []  # fixed panels (used without rotation)

    def propose(self) -> Proposal:
        """This round's proposal: harmful if misaligned; high-risk with ``high_risk_share``."""
        return Proposal(self, self.misaligned, self.random.random() < self.model.high_risk_share)


class Auditor(mesa.Agent):
    """An auditor built on base model ``family``; maybe captured by a proposer."""

    def __init__(self, model: OversightModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.family = index % model.families
        self.captor: Proposer | None = None

    def verdict(self, proposal: Proposal, shared: dict[int, bool | None]) -> bool:
        """Approve (True) or block. A captured auditor approves its captor's actions; in a
        family whose verdict is shared this time (``shared[family]`` is not None) every
        auditor gives that verdict; otherwise it approves a harmful action with probability
        ``error_rate`` and a benign one with probability ``1 - false_block_rate``."""
        if proposal.harmful and self.captor is proposal.proposer:
            return True
        if shared.get(self.family) is not None:
            return bool(shared[self.family])
        return self.random.random() < self.model.approval_probability(proposal)


class OversightModel(RiskModel):
    """Proposers, k-of-n audit panels in layers, auditors that share base models, capture,
    rotation and a second-level auditor sampling a transparency log.

    Source of the design: Bisconti et al. (2025), arXiv:2512.02682 (InstitutionalAI).
    Reporters (per round): ``residual_harm`` (harm executed per proposal),
    ``false_blocks`` (share of benign proposals blocked), ``reviews`` (auditor reviews per
    proposal), ``captured`` (share of the pool captured), ``caught`` (harmful approvals the
    second-level auditor found this round, per proposal).
    """

    params = OVERSIGHT_PARAMS
    reporters = {
        "residual_harm": "round_harm",
        "false_blocks": "round_false_blocks",
        "reviews": "round_reviews",
        "captured": lambda m: sum(a.captor is not None for a in m.auditors) / m.pool_size,
        "caught": "round_caught",
    }
    default_plots = ("residual_harm", "captured")
    proposer_class: ClassVar[type[Proposer]] = Proposer
    auditor_class: ClassVar[type[Auditor]] = Auditor

    def __init__(
        self,
        *,
        panel_rule: Callable[[OversightModel, Proposer], list[list[Auditor]]] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = type(self).__name__
        check_oversight(self, owner)
        if panel_rule is not None and not callable(panel_rule):
            raise TypeError(
                f"{owner}: parameter 'panel_rule' got {panel_rule!r}; expected a function "
                "(model, proposer) -> list of layers, each a list of auditors"
            )
        self.panel_rule = panel_rule
        self.auditors = [self.auditor_class(self, i) for i in range(self.pool_size)]
        self.family_pools = [
            [a for a in self.auditors if a.family == f] for f in range(self.families)
        ]
        self.slot_family = [j % self.families for j in range(self.n_auditors)]
        n_misaligned = round(self.misaligned_share * self.n_proposers)
        bad = set(self.random.sample(range(self.n_proposers), n_misaligned))
        self.proposers = [self.proposer_class(self, i in bad) for i in range(self.n_proposers)]
        for proposer in self.proposers:
            proposer.panels = self.draw_panels()
        self.round_harm = self.round_false_blocks = self.round_reviews = self.round_caught = 0.0
        self.start_datacollector()

    # -- rules ---------------------------------------------------------------------------------------
    def approval_probability(self, proposal: Proposal) -> float:
        """One auditor's chance of approving ``proposal`` when it decides on its own."""
        return self.error_rate if proposal.harmful else 1 - self.false_block_rate

    def draw_panels(self) -> list[list[Auditor]]:
        """``layers`` panels of ``n_auditors`` distinct auditors; seat j from family j % families."""
        sizes = family_sizes(self.n_auditors, self.families)
        picks = [
            self.random.sample(self.family_pools[f], sizes[f] * self.layers)
            for f in range(self.families)
        ]
        panels = []
        for level in range(self.layers):
            panel = []
            for j, f in enumerate(self.slot_family):
                seat = j // self.families  # this family's seat number on the panel
                panel.append(picks[f][level * sizes[f] + seat])
            panels.append(panel)
        return panels

    def panels_for(self, proposer: Proposer) -> list[list[Auditor]]:
        """The panels that review ``proposer``'s proposal this round."""
        if self.panel_rule is not None:
            panels = self.panel_rule(self, proposer)
            name = getattr(self.panel_rule, "__name__", "panel_rule")
            ok = (
                isinstance(panels, list | tuple)
                and len(panels) == self.layers
                and all(
                    isinstance(layer, list | tuple)
                    and len(layer) == self.n_auditors
                    and all(isinstance(a, Auditor) for a in layer)
                    for layer in panels
                )
            )
            if not ok:
                raise ValueError(
                    f"panel rule {name!r} returned {panels!r}; allowed: a list of layers={self.layers} "
                    f"lists of n_auditors={self.n_auditors} Auditor agents"
                )
            return [list(layer) for layer in panels]
        return self.draw_panels() if self.rotation else proposer.panels

    def shared_verdicts(self, proposal: Proposal) -> dict[int, bool | None]:
        """For each family: its shared verdict this time (probability ``correlation``), else None."""
        p = self.approval_probability(proposal)
        shared: dict[int, bool | None] = {}
        for f in range(self.families):
            together = self.random.random() < self.correlation
            verdict = self.random.random() < p
            shared[f] = verdict if together else None
        return shared

    # -- one round -----------------------------------------------------------------------------------
    def step(self) -> None:
        harm = 0.0
        benign = blocked = reviews = caught = 0
        attempts: list[tuple[Auditor, Proposer]] = []
        found: set[Auditor] = set()
        for proposer in self.proposers:
            proposal = proposer.propose()
            panels = self.panels_for(proposer)
            shared = self.shared_verdicts(proposal)
            if not proposal.high_risk:
                reviewed = [panels[0][0]]
                approvers = [a for a in reviewed if a.verdict(proposal, shared)]
                executed = bool(approvers)
            else:
                reviewed, approvers, executed = [], [], True
                for panel in panels:
                    votes = [a.verdict(proposal, shared) for a in panel]
                    reviewed += panel
                    approvers += [a for a, v in zip(panel, votes, strict=True) if v]
                    if sum(votes) < self.k:
                        executed = False
                        break
            reviews += len(reviewed)
            if proposal.harmful:
                if executed:
                    harm += self.high_risk_harm if proposal.high_risk else 1.0
                attempts += [
                    (a, proposer)
                    for a in reviewed
                    if a.captor is None and self.random.random() < self.capture_rate
                ]
            else:
                benign += 1
                blocked += not executed
            if executed and self.random.random() < self.meta_audit_rate:
                reviews += 1
                if proposal.harmful and self.random.random() >= self.meta_error_rate:
                    caught += 1
                    found.update(a for a in approvers if a.captor is not None)
        for auditor in found:  # replaced by a fresh auditor in the same seat
            auditor.captor = None
        winners: dict[Auditor, list[Proposer]] = {}
        for auditor, proposer in attempts:
            winners.setdefault(auditor, []).append(proposer)
        for auditor, captors in winners.items():
            auditor.captor = self.random.choice(captors)
        n = self.n_proposers
        self.round_harm = harm / n
        self.round_false_blocks = blocked / benign if benign else 0.0
        self.round_reviews = reviews / n
        self.round_caught = caught / n
        self.datacollector.collect(self)

    # -- picture -------------------------------------------------------------------------------------
    def auditor_states(self) -> np.ndarray:
        """Per auditor: its family, or -1 when captured."""
        return np.array([-1 if a.captor is not None else a.family for a in self.auditors])

    def draw_state(self, ax: plt.Axes) -> None:
        draw_auditor_pool(ax, self.auditor_states(), self.families, self.steps)


FAMILY_COLORS = [COLORS[c] for c in ("blue", "sky", "green", "purple", "orange", "grey")]


def draw_auditor_pool(ax: plt.Axes, states: np.ndarray, families: int, step: int) -> None:
    """The auditor pool as squares: coloured by base model, captured auditors in vermillion."""
    states = np.asarray(states)
    side = int(math.ceil(math.sqrt(states.size)))
    colors = [FAMILY_COLORS[f % len(FAMILY_COLORS)] for f in range(families)]
    image = np.ones((side * side, 3))
    for i, s in enumerate(states):
        hexcolor = COLORS["vermillion"] if s < 0 else colors[s]
        image[i] = [int(hexcolor[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    ax.imshow(image.reshape(side, side, 3), interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    captured = float(np.mean(states < 0)) if states.size else 0.0
    ax.set_title(f"round {step}: {captured:.0%} of auditors captured", fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colors[:3]] + [
        plt.Rectangle((0, 0), 1, 1, color=COLORS["vermillion"])
    ]
    labels = [f"base model {f + 1}" for f in range(min(families, 3))] + ["captured"]
    ax.legend(
        handles[: min(families, 3)] + handles[-1:],
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncol=2,
        fontsize=8,
    )

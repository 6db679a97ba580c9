"""The natural selection of bad science: selection on output rewards gaming the evaluator
(Unit 06, Selection pressures).

Smaldino & McElreath (2016), "The natural selection of bad science", Royal Society Open
Science 3:160384, doi:10.1098/rsos.160384 (§4 and Table 1, whose parameter values are this
model's defaults). N labs do research and are copied in proportion to their success. Each lab
has three heritable traits: **power** W (the chance that a study of a true hypothesis comes
out positive), **effort** e (1–100) and a **replication rate** r. Effort buys rigour at the
price of output: a lab starts a new study in a time step with probability
h = 1 − η log10(e), and its false positive rate is α = W / (1 + (1 − W) e) (at the paper's
start, e = 75 and W = 0.8, α = 0.05).

Each time step:

1. *Science.* Every lab (in slot order) starts a study with probability h. With probability
   r (if anything is published yet) it replicates a published claim drawn at random;
   otherwise it tests a novel hypothesis, true with probability b. A true hypothesis gives a
   positive result with probability W, a false one with probability α. Positive novel
   results are published — these are the **claims** — and pay V_N; negative novel results
   are not published and pay nothing. Replications are always published and pay V_R+ or
   V_R−; the lab whose claim was replicated gains V_O+ on success and V_O− = −100 on failure.
2. *Death.* Of d = 10 labs sampled at random, the oldest dies.
3. *Birth.* Of d labs sampled from the others, the one with the highest accumulated pay-off
   is copied into the dead lab's place: the newcomer inherits its traits, each mutated
   with a small probability (Gaussian noise, clipped to the allowed range), and starts with
   pay-off 0 and age 0.

Nobody in the model cheats or even decides anything. Yet with effort free to mutate, the
labs that publish most are copied most, effort falls towards its minimum and the **false
discovery rate** (the share of claims that are false) climbs from 0.36 towards 0.88: the
paper's central result. Replication, even at r = 0.5 with a −100 penalty, slows the decline
but does not stop it.

Extension (this course, not the paper): **audits**. With ``audit_rate`` > 0 each new claim
is audited at once with that probability; an audit learns the truth, and a false claim
costs its lab ``audit_penalty``. With ``vetted_claims`` = k > 0, the lab about to be
copied first has k of its claims audited (drawn at random, with replacement); if any is
false it pays the penalty for each and the next-best candidate of the sample is vetted. An
audit of an AI agent is a re-evaluation on fresh, held-out tasks; vetting is that check
before an agent is copied, fine-tuned from or deployed.

Implementation notes (shared with the compiled engine
:mod:`mesa_models.selection.bad_science_fast`, which runs the same random numbers):

* a lab's study this step is decided by one uniform number u: a true claim if
  u < h (1 − r) b W, a false claim if u is below that plus h (1 − r) (1 − b) α, a
  replication if u is below that plus h r, otherwise nothing is published;
* a replication target is drawn uniformly from every claim published before this step
  (the claims of dead labs stay in the literature);
* ties (two equally old or equally paid labs) go to the one sampled first.

Extension points: ``audit_policy=`` (a function ``lab -> probability`` that a new claim of
``lab`` is audited; the default is the constant ``audit_rate``), or subclass
:class:`BadScience` and override :meth:`BadScience.choose_dead`,
:meth:`BadScience.choose_parent` or :meth:`BadScience.inherit`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel
from mesa_models.selection.bad_science_fast import (
    BAD_SCIENCE_PARAMS,
    LabState,
    draw_efforts,
    lab_rates,
    resolve,
    sample_distinct,
)

__all__ = ["BAD_SCIENCE_PARAMS", "BadScience", "Lab", "false_discovery_rate"]


def false_discovery_rate(b: float, power: float, alpha: float) -> float:
    """Share of claims (positive novel results) that are false: (1 − b) α / ((1 − b) α + b W)."""
    for name, value in (("b", b), ("power", power), ("alpha", alpha)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
            raise ValueError(
                f"false_discovery_rate(): parameter {name!r} got {value!r}; allowed: a number in [0, 1]"
            )
    positives = (1 - b) * alpha + b * power
    return float((1 - b) * alpha / positives) if positives > 0 else float("nan")


class Lab(Agent):
    """A lab with heritable methods (effort, power, replication rate) and a publication record."""

    def __init__(
        self, model: BadScience, slot: int, effort: float, power: float, replication: float
    ) -> None:
        super().__init__(model)
        self.slot = slot
        self.effort = float(effort)
        self.power = float(power)
        self.replication = float(replication)
        self.false_positive_rate, self.productivity = lab_rates(self.effort, self.power, model.eta)
        self.payoff = 0.0
        self.age = 0
        self.claims_true = 0
        self.claims_false = 0
        self.pending = (
            0  # a claim made this step: 1 true, 2 false (joins the literature after the step)
        )

    @property
    def claims(self) -> int:
        return self.claims_true + self.claims_false

    def chances(self, literature_exists: bool) -> tuple[float, float, float]:
        """Cumulative chances of a true claim, of any claim, and of a claim or a replication."""
        b = self.model.base_rate
        rho = self.replication if literature_exists else 0.0
        novel = self.productivity * (1.0 - rho)
        t_true = novel * b * self.power
        t_false = t_true + novel * (1.0 - b) * self.false_positive_rate
        return t_true, t_false, t_false + self.productivity * rho

    def research(self, u: float) -> None:
        """This time step's study, decided by the uniform number ``u``."""
        t_true, t_false, t_replicate = self.chances(self.model.literature_size > 0)
        if u < t_false:
            self.publish_claim(truth=u < t_true)
        elif u < t_replicate:
            self.replicate()

    def publish_claim(self, truth: bool) -> None:
        model = self.model
        self.payoff += model.payoff_novel
        self.pending = 1 if truth else 2
        model.tally["claims_true" if truth else "claims_false"] += 1
        chance = model.audit_chance(self)
        if chance > 0 and model.rng.random() < chance:
            model.tally["audits"] += 1
            if not truth:
                model.tally["audits_failed"] += 1
                self.payoff -= model.audit_penalty

    def replicate(self) -> None:
        model = self.model
        truth, owner = model.draw_published_claim()
        model.tally["replications"] += 1
        chance = self.power if truth else self.false_positive_rate
        if model.rng.random() < chance:
            self.payoff += model.payoff_replication_pos
            if owner is not None:
                owner.payoff += model.payoff_original_pos
        else:
            model.tally["failed_replications"] += 1
            self.payoff += model.payoff_replication_neg
            if owner is not None:
                owner.payoff += model.payoff_original_neg

    def commit_claim(self) -> None:
        """The claim made this step joins the literature."""
        if self.pending == 1:
            self.claims_true += 1
        elif self.pending == 2:
            self.claims_false += 1
        self.pending = 0


class BadScience(RiskModel):
    """Smaldino & McElreath's (2016) model, one Mesa agent per lab; one step = one time step.

    Reporters: ``effort``, ``power``, ``false_positive_rate``, ``replication_rate`` (means
    over the labs), ``false_discovery_rate`` (share of this step's claims that are false;
    NaN if none), ``claims`` (claims published this step), ``audits`` (this step).
    The paper's scale (10⁶ steps) needs the compiled engine; this model is for reading,
    modifying and short runs.
    """

    params = BAD_SCIENCE_PARAMS
    reporters = {
        "effort": lambda m: float(np.mean([lab.effort for lab in m.labs])),
        "power": lambda m: float(np.mean([lab.power for lab in m.labs])),
        "false_positive_rate": lambda m: float(
            np.mean([lab.false_positive_rate for lab in m.labs])
        ),
        "replication_rate": lambda m: float(np.mean([lab.replication for lab in m.labs])),
        "false_discovery_rate": lambda m: m.step_fdr(),
        "claims": lambda m: m.tally["claims_true"] + m.tally["claims_false"],
        "audits": lambda m: m.tally["audits"],
    }
    default_plots = ("effort", "false_discovery_rate")

    def __init__(
        self, *, audit_policy: Callable[[Lab], float] | None = None, rng: Any = None, **params: Any
    ) -> None:
        super().__init__(rng=int(rng) if isinstance(rng, np.integer) else rng, **params)
        resolve(self.param_values, "BadScience")  # constraints between parameters
        if audit_policy is not None and not callable(audit_policy):
            raise TypeError(
                f"BadScience: parameter 'audit_policy' got {audit_policy!r}; expected a function lab -> probability"
            )
        self.audit_policy = audit_policy
        self.labs = [
            Lab(self, i, self.effort, self.power, self.replication) for i in range(self.n_labs)
        ]
        self.dead_true = 0  # claims of labs that have died: they stay in the literature
        self.dead_false = 0
        self.literature_size = 0
        self.tally = dict.fromkeys(
            (
                "claims_true",
                "claims_false",
                "replications",
                "failed_replications",
                "audits",
                "audits_failed",
            ),
            0,
        )
        self._pool = np.zeros(self.n_labs, dtype=np.int64)
        self.start_datacollector()

    # -- one time step ------------------------------------------------------------------------
    def step(self) -> None:
        self.tally = dict.fromkeys(self.tally, 0)
        self.literature_size = (
            self.dead_true + self.dead_false + sum(lab.claims for lab in self.labs)
        )
        draws = self.rng.random(self.n_labs)
        for lab, u in zip(self.labs, draws, strict=True):
            lab.research(float(u))
        for lab in self.labs:
            lab.commit_claim()
            lab.age += 1
        dead = self.choose_dead()
        parent = self.choose_parent(dead)
        self.replace(dead, parent)
        self.datacollector.collect(self)

    def audit_chance(self, lab: Lab) -> float:
        """Probability that a new claim of ``lab`` is audited (``audit_policy`` or ``audit_rate``)."""
        if self.audit_policy is None:
            return self.audit_rate
        value = self.audit_policy(lab)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
            name = getattr(self.audit_policy, "__name__", repr(self.audit_policy))
            raise ValueError(
                f"audit policy {name!r} returned {value!r}; allowed: a probability in [0, 1]"
            )
        return float(value)

    def draw_published_claim(self) -> tuple[bool, Lab | None]:
        """A claim drawn uniformly from the literature: (is it true?, its living author or None)."""
        k = int(self.rng.integers(0, self.literature_size))
        if k < self.dead_true:
            return True, None
        if k < self.dead_true + self.dead_false:
            return False, None
        k -= self.dead_true + self.dead_false
        for lab in self.labs:
            if k < lab.claims_true:
                return True, lab
            k -= lab.claims_true
        for lab in self.labs:
            if k < lab.claims_false:
                return False, lab
            k -= lab.claims_false
        raise RuntimeError(
            "draw_published_claim: the literature count is out of date"
        )  # pragma: no cover

    # -- evolution ------------------------------------------------------------------------------
    def sample(self, n: int) -> list[int]:
        """``sample_size`` distinct slots from ``range(n)``, in random order."""
        sample_distinct(self.rng, n, self.sample_size, self._pool)
        return [int(j) for j in self._pool[: self.sample_size]]

    def choose_dead(self) -> Lab:
        """The oldest of ``sample_size`` labs drawn at random (ties: the one drawn first)."""
        oldest = None
        for j in self.sample(self.n_labs):
            lab = self.labs[j]
            if oldest is None or lab.age > oldest.age:
                oldest = lab
        return oldest

    def choose_parent(self, dead: Lab) -> Lab:
        """The best-paid of ``sample_size`` other labs (after vetting, when ``vetted_claims`` > 0)."""
        candidates = [
            self.labs[j + 1 if j >= dead.slot else j] for j in self.sample(self.n_labs - 1)
        ]
        best = candidates[0]
        for lab in candidates[1:]:
            if lab.payoff > best.payoff:
                best = lab
        if self.vetted_claims == 0:
            return best
        ranked = sorted(candidates, key=lambda lab: -lab.payoff)  # stable: ties keep sample order
        for lab in ranked:
            if self.vet(lab):
                return lab
        best = candidates[0]
        for lab in candidates[1:]:
            if lab.payoff > best.payoff:
                best = lab
        return best

    def vet(self, lab: Lab) -> bool:
        """Audit ``vetted_claims`` random claims of ``lab``; False (and a penalty per false
        claim found) if any is false."""
        if lab.claims == 0:
            return True
        bad = 0
        for _ in range(self.vetted_claims):
            self.tally["audits"] += 1
            if self.rng.integers(0, lab.claims) < lab.claims_false:
                bad += 1
        if bad:
            self.tally["audits_failed"] += bad
            lab.payoff -= self.audit_penalty * bad
        return bad == 0

    def inherit(self, parent: Lab) -> tuple[float, float, float]:
        """The newcomer's effort, power and replication rate: the parent's, each mutated
        with its probability (Gaussian noise, clipped to the allowed range)."""
        effort, power, replication = parent.effort, parent.power, parent.replication
        if self.mutation_effort > 0 and self.rng.random() < self.mutation_effort:
            effort = min(100.0, max(1.0, effort + self.rng.normal(0.0, self.sd_effort)))
        if self.mutation_power > 0 and self.rng.random() < self.mutation_power:
            power = min(1.0, max(0.0, power + self.rng.normal(0.0, self.sd_power)))
        if self.mutation_replication > 0 and self.rng.random() < self.mutation_replication:
            replication = min(
                1.0, max(0.0, replication + self.rng.normal(0.0, self.sd_replication))
            )
        return float(effort), float(power), float(replication)

    def replace(self, dead: Lab, parent: Lab) -> None:
        """The dead lab's claims stay in the literature; a copy of ``parent`` takes its slot."""
        self.dead_true += dead.claims_true
        self.dead_false += dead.claims_false
        newcomer = Lab(self, dead.slot, *self.inherit(parent))
        self.labs[dead.slot] = newcomer
        dead.remove()

    # -- reporting ------------------------------------------------------------------------------
    def step_fdr(self) -> float:
        claims = self.tally["claims_true"] + self.tally["claims_false"]
        return self.tally["claims_false"] / claims if claims else math.nan

    def state(self) -> LabState:
        """The labs as arrays (the compiled engine's state), in slot order."""
        labs = self.labs
        state = LabState(
            effort=np.array([lab.effort for lab in labs]),
            power=np.array([lab.power for lab in labs]),
            replication=np.array([lab.replication for lab in labs]),
            payoff=np.array([lab.payoff for lab in labs]),
            age=np.array([lab.age for lab in labs], dtype=np.int64),
            claims_true=np.array([lab.claims_true for lab in labs], dtype=np.int64),
            claims_false=np.array([lab.claims_false for lab in labs], dtype=np.int64),
            dead=np.array([self.dead_true, self.dead_false], dtype=np.int64),
        )
        state.refresh_rates(self.eta)
        return state

    def draw_state(self, ax: plt.Axes) -> None:
        draw_efforts(ax, [lab.effort for lab in self.labs], time=self.steps)

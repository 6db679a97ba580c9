"""Secret tools and oversight: competing agents that learn to use a covert tool (Unit 03).

A stylised model of the setting of Zeng & Rudzicz (2026), "Voluntary Collusion with Secret
Tools in Competing LLM Agents", arXiv:2605.27593: LLM agents in two strategic games
(*Liar's Bar* and *Cleanup*) were offered secret tools that gave them a large advantage
while clearly disadvantaging the other agents. Across 12 models (7B, 70B and proprietary
scales) and 6 prompt variants most agents accepted them; only explicit ethical framing
reduced adoption, and smaller models remained susceptible. An engineering summary of the
study (Anystack Engineering, "When Your Agents Collude", 28 May 2026) reports that agents
used the tools more when they believed no third party was watching, and proposes auditable
inter-agent channels, adversarial third-agent evaluation and least-privilege tool
manifests. The model is ours, not the study's: simple learners stand in for the LLM agents
so that the incentive structure is visible; it shows why observability matters, not how
much it matters for LLM agents.

Every round the agents are paired at random. In each interaction every agent that holds
the tool (``tool_granted``) decides whether to invoke it. A use adds ``gain`` to the user's
payoff and ``spillover`` to its partner's — the pair's joint payoff rises — while the third
party (the customer) loses ``harm``. An auditor looks at each interaction with probability
``audit_prob`` (costing ``audit_cost``), recognises a covert use it looks at with
probability ``detection`` (less than 1 models steganography: hidden messages that look
innocent), and fines each recognised user ``fine``. When ``audit_announced`` is true the
agents are told, before deciding, whether this interaction is logged (an "observed" and an
"unobserved" situation); otherwise audits are unannounced.

Agents learn from payoffs: each keeps the average payoff of "use" and "refrain" in each
situation (an exponential moving average with rate ``learning_rate``) and picks with a
logit (softmax) rule at ``temperature``. Change the rule by overriding
:meth:`ToolAgent.choose` or :meth:`ToolAgent.learn`, or pass ``audit_policy=`` (a function
``model -> probability`` called every round) to try adaptive auditing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mesa
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require

__all__ = ["SecretToolsModel", "ToolAgent", "logit_use_probability"]

USE, REFRAIN = 1, 0


_ADVANTAGE = Param("advantage", 0.0, "value of using the tool minus refraining", "payoff units")
_TEMPERATURE = Param(
    "temperature",
    0.2,
    "randomness of the logit choice",
    "payoff units",
    low=0,
    high=1e6,
    low_open=True,
)


def logit_use_probability(advantage: float, temperature: float) -> float:
    """Probability a logit learner picks "use" when it values use ``advantage`` above refraining."""
    advantage = _ADVANTAGE.validate(advantage, "logit_use_probability")
    temperature = _TEMPERATURE.validate(temperature, "logit_use_probability")
    if math.isinf(advantage):
        return 1.0 if advantage > 0 else 0.0
    return _logit_use_probability(advantage, temperature)


def _logit_use_probability(advantage: float, temperature: float) -> float:
    """:func:`logit_use_probability` without argument checks, for the agents' every decision."""
    z = advantage / temperature
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


class ToolAgent(mesa.Agent):
    """A competing agent that may invoke a covert tool; learns from its payoffs."""

    def __init__(self, model: SecretToolsModel) -> None:
        super().__init__(model)
        # value[situation, action]: situation 0 = unobserved/unknown, 1 = known to be observed
        self.value = np.zeros((2, 2))
        self.payoff = 0.0
        self.used = False

    def choose(self, situation: int) -> bool:
        """Logit choice between refraining and using the tool in ``situation``."""
        advantage = self.value[situation, USE] - self.value[situation, REFRAIN]
        return self.random.random() < _logit_use_probability(advantage, self.model.temperature)

    def learn(self, situation: int, used: bool, payoff: float) -> None:
        """Move the value of the action taken toward the payoff received."""
        a = USE if used else REFRAIN
        self.value[situation, a] += self.model.learning_rate * (payoff - self.value[situation, a])


class SecretToolsModel(RiskModel):
    """Competing agents, a covert tool that harms a third party, and a random auditor.

    Source of the phenomenon: Zeng & Rudzicz (2026), arXiv:2605.27593; the observability
    tendency and the mitigations from Anystack Engineering's summary of it (2026). Reporters (per round): ``covert_rate`` (share of agents' decisions that used
    the tool), ``harm`` (third-party loss per interaction), ``audit_cost`` (oversight cost
    per interaction), ``social_cost`` (harm + audit cost), ``fines`` (per interaction),
    ``agent_payoff`` (mean agent payoff).
    """

    params = Params(
        Param(
            "n_agents",
            20,
            "competing agents (paired at random each round)",
            "agents",
            low=2,
            high=2000,
            step=2,
        ),
        Param(
            "tool_granted",
            True,
            "is the covert tool in the agents' manifest (False = least privilege)",
        ),
        Param(
            "gain", 1.0, "payoff to the agent that uses the tool", "payoff units", low=0, high=10
        ),
        Param(
            "spillover",
            0.5,
            "payoff to the user's partner from a use (the pair gains jointly)",
            "payoff units",
            low=0,
            high=10,
        ),
        Param("harm", 2.0, "third party's loss per use", "payoff units", low=0, high=20),
        Param(
            "audit_prob",
            0.0,
            "chance the auditor looks at an interaction",
            "probability",
            low=0,
            high=1,
            step=0.05,
        ),
        Param(
            "detection",
            1.0,
            "chance an audited covert use is recognised (< 1: steganography)",
            "probability",
            low=0,
            high=1,
            step=0.05,
        ),
        Param("fine", 4.0, "fine per recognised use", "payoff units", low=0, high=100),
        Param(
            "audit_cost", 0.3, "cost of auditing one interaction", "payoff units", low=0, high=10
        ),
        Param("audit_announced", False, "agents know whether this interaction is logged"),
        Param(
            "learning_rate",
            0.1,
            "step size of the payoff averages",
            "",
            low=0,
            high=1,
            low_open=True,
            step=0.01,
        ),
        Param(
            "temperature",
            0.2,
            "randomness of the logit choice",
            "payoff units",
            low=0,
            high=10,
            low_open=True,
            step=0.05,
        ),
    )
    reporters = {
        "covert_rate": "covert_rate",
        "harm": "harm_per_interaction",
        "audit_cost": "audit_cost_per_interaction",
        "social_cost": lambda m: m.harm_per_interaction + m.audit_cost_per_interaction,
        "fines": "fines_per_interaction",
        "agent_payoff": lambda m: float(np.mean([a.payoff for a in m.agents])),
    }
    default_plots = ("covert_rate", "social_cost")

    def __init__(
        self,
        *,
        audit_policy: Callable[[SecretToolsModel], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        require(
            self.n_agents % 2 == 0,
            "n_agents",
            self.n_agents,
            "an even number (agents meet in pairs)",
            "SecretToolsModel",
        )
        if audit_policy is not None and not callable(audit_policy):
            raise TypeError(
                f"SecretToolsModel: parameter 'audit_policy' got {audit_policy!r}; expected a function model -> probability"
            )
        self.audit_policy = audit_policy
        for _ in range(self.n_agents):
            ToolAgent(self)
        self.covert_rate = 0.0
        self.harm_per_interaction = 0.0
        self.audit_cost_per_interaction = 0.0
        self.fines_per_interaction = 0.0
        self.start_datacollector()

    def current_audit_prob(self) -> float:
        """This round's audit probability: ``audit_policy(model)`` if given, else ``audit_prob``."""
        if self.audit_policy is None:
            return self.audit_prob
        p = self.audit_policy(self)
        name = getattr(self.audit_policy, "__name__", "audit_policy")
        if (
            isinstance(p, bool)
            or not isinstance(p, int | float | np.floating | np.integer)
            or not 0 <= p <= 1
        ):
            raise ValueError(
                f"audit policy {name!r} returned {p!r}; allowed: a probability in [0, 1]"
            )
        return float(p)

    def step(self) -> None:
        """One round: pair up, decide, audit, pay, learn."""
        p_audit = self.current_audit_prob()
        agents = list(self.agents)
        self.random.shuffle(agents)
        pairs = [agents[i : i + 2] for i in range(0, len(agents), 2)]
        uses = harm = cost = fines = 0.0
        for pair in pairs:
            audited = self.random.random() < p_audit
            situation = int(audited and self.audit_announced)
            used = [self.tool_granted and agent.choose(situation) for agent in pair]
            for k, agent in enumerate(pair):
                partner_used = used[1 - k]
                payoff = self.gain * used[k] + self.spillover * partner_used
                if used[k] and audited and self.random.random() < self.detection:
                    payoff -= self.fine
                    fines += self.fine
                agent.payoff, agent.used = payoff, used[k]
                if self.tool_granted:
                    agent.learn(situation, used[k], payoff)
            uses += sum(used)
            harm += self.harm * sum(used)
            cost += self.audit_cost * audited
        self.covert_rate = uses / len(agents)
        self.harm_per_interaction = harm / len(pairs)
        self.audit_cost_per_interaction = cost / len(pairs)
        self.fines_per_interaction = fines / len(pairs)
        self.datacollector.collect(self)

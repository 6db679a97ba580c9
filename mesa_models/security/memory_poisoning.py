"""Memory poisoning and re-infection: a compromise that outlives the attack (Unit 10).

Agents with persistent memory are poisoned for a few rounds by an attacker who then
leaves. The poison keeps working: an agent that retrieves a poisoned entry is compromised,
a compromised agent writes its (poisoned) work back into its own memory and passes
poisoned entries to the agents it talks to. The cases behind it: AgentPoison (Chen, Xiang,
Xiao, Song & Li 2024, NeurIPS, https://arxiv.org/abs/2407.12784) poisons an agent's
long-term memory or knowledge base so that later retrievals trigger the attack; Prompt
Infection (Lee & Tiwari 2024, https://arxiv.org/abs/2410.07283) shows injected prompts
copying themselves from agent to agent. The model is ours, not theirs: a stylised memory
of ``memory_size`` entries, each benign or poisoned.

A round:

1. attack, in rounds 1 .. ``attack_rounds``: ``attack_targets`` random agents get a
   poisoned entry;
2. every agent retrieves one entry from its memory at random
   (:meth:`MemoryAgent.retrieve`); a poisoned one compromises it (it stays compromised
   until a clean-up);
3. every agent writes a note of its work into memory, poisoned if it is compromised; the
   oldest entry is dropped when memory is full;
4. agents chat in random pairs; a compromised agent writes a poisoned entry into its
   partner's memory with probability ``spread``;
5. clean-up, once, at the end of round ``cleanup_round`` (the attacker has left):
   ``"reset"`` restores every agent's behaviour (compromised -> clean) and leaves memory
   as it is; ``"purge"`` also scans every memory entry and deletes each poisoned one with
   probability ``purge_recall``; ``"none"`` does nothing.

Costs: a reset costs ``reset_cost`` per agent; a purge costs that plus ``scan_cost`` per
memory entry scanned. Each compromised agent does 1 unit of harm per round. Reporters:
``compromised`` (share of agents), ``poisoned_memory`` (share of all memory entries),
``harm`` (cumulative), ``cleanup_cost``, ``total_cost`` (harm + clean-up).

Extension points: subclass :class:`MemoryAgent` and override :meth:`MemoryAgent.retrieve`
(which entry it uses), :meth:`MemoryAgent.reset` or :meth:`MemoryAgent.purge`; or pass
``cleanup_policy=`` a function ``model -> float`` (your own clean-up, returning its cost) that
runs at ``cleanup_round`` instead of the declared policy.
"""

from __future__ import annotations

import numbers
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import mesa
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS
from mesa_models.security.infectious_jailbreak import draw_population, plain_seed

__all__ = ["MemoryAgent", "MemoryPoisoning"]


class MemoryAgent(mesa.Agent):
    """An agent with a bounded memory of entries (True = poisoned) and a behaviour state."""

    def __init__(self, model: MemoryPoisoning) -> None:
        super().__init__(model)
        self.memory: deque[bool] = deque([False] * model.memory_size, maxlen=model.memory_size)
        self.compromised = False

    def retrieve(self) -> bool:
        """The entry this agent uses this round: one of its memory entries, uniformly at
        random (True if poisoned)."""
        return self.memory[self.random.randrange(len(self.memory))] if self.memory else False

    def work(self) -> None:
        """Retrieve, be compromised by poison, write a note (poisoned if compromised)."""
        entry = self.retrieve()
        if not isinstance(entry, bool | np.bool_):
            raise ValueError(
                f"{type(self).__name__}.retrieve returned {entry!r}; allowed: True (poisoned) or False"
            )
        if entry:
            self.compromised = True
        self.memory.append(self.compromised)

    def reset(self) -> None:
        """Restore clean behaviour; memory is left as it is."""
        self.compromised = False

    def purge(self, recall: float) -> int:
        """Reset, then delete each poisoned entry with probability ``recall``. Returns the
        number of entries scanned."""
        self.reset()
        scanned = len(self.memory)
        kept = [entry for entry in self.memory if not (entry and self.random.random() < recall)]
        self.memory = deque(kept, maxlen=self.model.memory_size)
        return scanned


class MemoryPoisoning(RiskModel):
    """Persistent-memory agents poisoned for a few rounds, then cleaned up by reset or purge."""

    params = Params(
        Param("n_agents", 100, "agents with persistent memory", "agents", low=2, high=5000),
        Param(
            "memory_size",
            20,
            "entries each agent's memory holds (oldest dropped first)",
            "entries",
            low=1,
            high=500,
        ),
        Param(
            "attack_rounds",
            10,
            "rounds during which the attacker plants poison",
            "rounds",
            low=0,
            high=1000,
        ),
        Param(
            "attack_targets",
            3,
            "agents that receive a poisoned entry in each attack round",
            "agents",
            low=0,
            high=5000,
        ),
        Param(
            "spread",
            0.3,
            "chance a compromised agent plants poison in the memory of the agent it talks to",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param("cleanup", "reset", "clean-up at cleanup_round", choices=("none", "reset", "purge")),
        Param(
            "cleanup_round", 40, "round at whose end the clean-up runs", "round", low=1, high=10_000
        ),
        Param(
            "purge_recall",
            1.0,
            "chance a purge finds and deletes a poisoned entry",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param(
            "reset_cost",
            1.0,
            "cost of resetting one agent's behaviour",
            "cost units",
            low=0,
            high=1000,
        ),
        Param(
            "scan_cost",
            0.2,
            "cost of scanning one memory entry in a purge",
            "cost units",
            low=0,
            high=1000,
        ),
    )
    reporters = {
        "compromised": lambda m: m.compromised_share(),
        "poisoned_memory": lambda m: m.poisoned_share(),
        "harm": "harm",
        "cleanup_cost": "cleanup_cost",
        "total_cost": lambda m: m.harm + m.cleanup_cost,
    }
    default_plots = ("compromised", "poisoned_memory")
    agent_class: ClassVar[type[MemoryAgent]] = MemoryAgent

    def __init__(
        self,
        *,
        cleanup_policy: Callable[[MemoryPoisoning], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        owner = type(self).__name__
        require(
            self.attack_targets <= self.n_agents,
            "attack_targets",
            self.attack_targets,
            f"at most n_agents = {self.n_agents}",
            owner,
        )
        if cleanup_policy is not None and not callable(cleanup_policy):
            raise TypeError(
                f"{owner}: parameter 'cleanup_policy' got {cleanup_policy!r}; expected a function model -> cost"
            )
        self.cleanup_policy = cleanup_policy
        self.population = [self.agent_class(self) for _ in range(self.n_agents)]
        self.harm = 0.0
        self.cleanup_cost = 0.0
        self.start_datacollector()

    def compromised_share(self) -> float:
        return sum(a.compromised for a in self.population) / self.n_agents

    def poisoned_share(self) -> float:
        entries = sum(len(a.memory) for a in self.population)
        return sum(sum(a.memory) for a in self.population) / entries if entries else 0.0

    def step(self) -> None:
        round_number = self.steps  # Mesa has already counted this step: 1 in the first round
        if round_number <= self.attack_rounds:
            for agent in self.random.sample(self.population, self.attack_targets):
                agent.memory.append(True)
        for agent in self.population:
            agent.work()
        order = list(self.population)
        self.random.shuffle(order)
        for a, b in zip(order[0::2], order[1::2], strict=False):
            for speaker, listener in ((a, b), (b, a)):
                if speaker.compromised and self.random.random() < self.spread:
                    listener.memory.append(True)
        self.harm += sum(a.compromised for a in self.population)
        if round_number == self.cleanup_round:
            self.cleanup_cost += self._clean_up()
        self.datacollector.collect(self)

    def _clean_up(self) -> float:
        if self.cleanup_policy is not None:
            cost = self.cleanup_policy(self)
            name = getattr(self.cleanup_policy, "__name__", "cleanup_policy")
            if (
                isinstance(cost, bool)
                or not isinstance(cost, numbers.Real)
                or not np.isfinite(cost)
                or cost < 0
            ):
                raise ValueError(
                    f"clean-up function {name!r} returned {cost!r}; allowed: its cost, a number >= 0"
                )
            return float(cost)
        if self.cleanup == "reset":
            for agent in self.population:
                agent.reset()
            return self.reset_cost * self.n_agents
        if self.cleanup == "purge":
            scanned = sum(agent.purge(self.purge_recall) for agent in self.population)
            return self.reset_cost * self.n_agents + self.scan_cost * scanned
        return 0.0

    def draw_state(self, ax: plt.Axes) -> None:
        codes = np.array([2 if a.compromised else int(any(a.memory)) for a in self.population])
        draw_population(
            ax,
            codes,
            {0: "clean", 1: "poison in memory", 2: "compromised"},
            [COLORS["sky"], COLORS["orange"], COLORS["vermillion"]],
            title=f"round {self.steps}: {self.compromised_share():.0%} compromised",
        )

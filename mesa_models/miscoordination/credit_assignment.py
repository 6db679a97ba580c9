"""Credit assignment: individual learners that share one team reward (Unit 01).

Hammond et al. (2025), *Multi-Agent Risks from Advanced AI*, §2.1: when agents learn
from a signal shared by the whole team, each agent struggles to tell which part of the
outcome its own action caused, and may learn the wrong lesson. Here every agent has one
job: pick, out of ``n_actions``, the action that suits its own station (unknown to it).
The team's score is the number of agents that picked right. Each agent is a simple
value learner (epsilon-greedy, stateless Q-learning, as in Claus & Boutilier 1998) that
learns only from the reward it is given:

* ``reward="team"``: everyone receives the team score. An agent's own action moves it by
  at most 1, while its teammates' exploration and learning move it by much more, so
  agents credit whatever they happened to be doing when the team did well.
* ``reward="difference"``: each agent receives the team score minus the score the team
  would have had without it (Wolpert & Tumer 2001). For this additive score that is
  exactly its own contribution: a clean signal.

Extension point: ``credit_rule=`` (a function ``rule(agent, model) -> reward``) replaces
both; it may read ``agent.contribution`` and ``model.team_score``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, ClassVar

import mesa

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params

__all__ = ["Learner", "TeamLearning", "difference_reward", "team_reward"]


def team_reward(agent: Learner, model: TeamLearning) -> float:
    """Everyone gets the team's score (number of agents that acted correctly)."""
    return float(model.team_score)


def difference_reward(agent: Learner, model: TeamLearning) -> float:
    """Team score minus the team score without this agent: its own contribution."""
    return float(model.team_score - (model.team_score - agent.contribution))


class Learner(mesa.Agent):
    """An epsilon-greedy value learner with one right action (``target``) it does not know."""

    def __init__(self, model: TeamLearning, target: int) -> None:
        super().__init__(model)
        self.target = target
        self.values = [0.0] * model.n_actions
        self.action = 0
        self.contribution = 0

    @property
    def greedy_action(self) -> int:
        """The action this agent currently believes is best (first one on ties)."""
        return max(range(len(self.values)), key=self.values.__getitem__)

    def act(self) -> None:
        """Explore with probability ``exploration``, otherwise take the best-valued action."""
        if self.random.random() < self.model.exploration:
            self.action = self.random.randrange(self.model.n_actions)
        else:
            best = max(self.values)
            self.action = self.random.choice([a for a, v in enumerate(self.values) if v == best])
        self.contribution = int(self.action == self.target)

    def learn(self, reward: float) -> None:
        """Move the value of the action just taken towards the reward received."""
        self.values[self.action] += self.model.learning_rate * (reward - self.values[self.action])


class TeamLearning(RiskModel):
    """A team of independent learners, each rewarded by the team score or by its own share.

    Reporters: ``share_correct`` (agents whose greedy action is right), ``team_score``
    (share of agents acting correctly this step, exploration included).
    """

    params = Params(
        Param(
            "n_agents",
            50,
            "team members, each with its own right action",
            "agents",
            low=1,
            high=5000,
        ),
        Param("n_actions", 4, "actions each agent chooses from", "actions", low=2, high=50),
        Param(
            "learning_rate",
            0.1,
            "step size of the value update",
            "fraction",
            low=0,
            high=1,
            low_open=True,
            step=0.01,
        ),
        Param(
            "exploration",
            0.1,
            "chance an agent tries a random action",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param("reward", "team", "what each agent learns from", choices=("team", "difference")),
    )
    reporters = {
        "share_correct": lambda m: m.share_correct(),
        "team_score": lambda m: m.team_score / m.n_agents,
    }
    default_plots = ("share_correct", "team_score")
    learner_class: ClassVar[type[Learner]] = Learner

    def __init__(
        self,
        *,
        credit_rule: Callable[[Learner, TeamLearning], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        if credit_rule is not None and not callable(credit_rule):
            raise TypeError(
                f"TeamLearning: parameter 'credit_rule' got {credit_rule!r}; expected a function rule(agent, model) -> reward"
            )
        self.credit_rule = (
            credit_rule or {"team": team_reward, "difference": difference_reward}[self.reward]
        )
        for _ in range(self.n_agents):
            self.learner_class(self, target=self.random.randrange(self.n_actions))
        self.team_score = 0
        self.start_datacollector()

    def step(self) -> None:
        self.agents.do("act")
        self.team_score = sum(agent.contribution for agent in self.agents)
        for agent in self.agents:
            reward = self.credit_rule(agent, self)
            if (
                isinstance(reward, bool)
                or not isinstance(reward, numbers.Real)
                or not math.isfinite(reward)
            ):
                name = getattr(self.credit_rule, "__name__", repr(self.credit_rule))
                raise ValueError(
                    f"credit rule {name!r} returned {reward!r}; allowed: a finite number"
                )
            agent.learn(float(reward))
        self.datacollector.collect(self)

    def share_correct(self) -> float:
        """Share of agents whose greedy action is their right one."""
        return sum(agent.greedy_action == agent.target for agent in self.agents) / self.n_agents

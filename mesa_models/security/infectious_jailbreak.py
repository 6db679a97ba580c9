"""Infectious jailbreak: one poisoned memory item spreads through randomised pairwise chats
(Unit 10, Multi-agent security).

Source: Gu, Zheng, Pang, Du, Liu, Wang, Jiang & Lin (2024), "Agent Smith: A Single Image
Can Jailbreak One Million Multimodal LLM Agents Exponentially Fast", ICML 2024,
https://arxiv.org/abs/2402.08567 (PMLR 235, https://proceedings.mlr.press/v235/gu24e.html).

The paper's set-up ("randomized pairwise chat"): N agents, each with a memory (an album of
images). Every chat round the agents are split at random into N/2 pairs; in each pair one
agent asks (the questioner) and shows an item retrieved from its memory, the other
answers and stores what it was shown. The adversary plants one "virus" item (an
adversarial image) in one agent's memory and then does nothing more. A questioner that
carries the virus retrieves and passes it on with probability ``beta`` (the paper's β);
a carrier forgets it with probability ``gamma`` per round (the paper's γ).

The paper's dynamics, in its section "Infectious dynamics": with c_t the share of
virus-carrying agents after round t, Eq. (5) reads c_{t+1} = (1 - γ) c_t + Δ_t / N with
Δ_t new infections, Binomial(N/2, β c_t (1 - c_t)); in expectation

    c_{t+1} = (1 - γ) c_t + β c_t (1 - c_t) / 2                      (:func:`expected_next`)

Its continuous-time version (Eq. 6) has the solution of Eq. (7): if β > 2γ the share tends
to 1 - 2γ/β (:func:`plateau`), otherwise to 0 — the paper's principle for a defence that
provably stops the spread is to push β ≤ 2γ. Starting from one carrier (c_0 = 1/N), the
number of rounds to reach a share c_T is

    T = 2 / (β - 2γ) · [log N + log(c_T (β - 2γ) / (β - 2γ - c_T β))]   (:func:`ode_rounds`)

so it grows only with log N. This module's agent model follows the recurrence exactly in
expectation (with the finite-population factor N/(N-1): a carrier's partner is one of the
*other* N - 1 agents). Per round, while carriers are rare, their number is multiplied by
the :func:`growth_factor` 1 - γ + β/2, so the exact recurrence needs log N / log(1 - γ +
β/2) rounds where the continuous approximation says 2 log N / (β - 2γ): the same log N
law, a slightly smaller constant for the approximation (for β = 1, γ = 0: 2.47 versus 2
rounds per factor e of N).

Order of events in a round (the NumPy engine :mod:`mesa_models.security.infectious_jailbreak_fast`
uses the same rules, for up to 10^8 agents):

1. the agents are shuffled and paired; the first of each pair asks, the second answers;
2. each questioner shows :meth:`ChatAgent.retrieve`'s item; a virus shown to an answerer
   that did not carry it infects it;
3. every agent that carried the virus at the start of the round forgets it with
   probability ``gamma`` (:meth:`ChatAgent.forget`); agents infected this round do not.

Simplification: the paper also distinguishes carrying the virus from showing symptoms
(its α); here every carrier counts as infected.

Extension points: subclass :class:`ChatAgent` and override :meth:`ChatAgent.retrieve`
(which item a questioner shows) or :meth:`ChatAgent.forget` (whether a carrier drops the
virus), and set ``agent_class`` on a subclass of :class:`InfectiousJailbreak`.
"""

from __future__ import annotations

import math
import numbers
from collections import deque
from typing import Any, ClassVar

import matplotlib as mpl
import matplotlib.pyplot as plt
import mesa
import numpy as np

from mesa_models.base import RiskModel, plain_seed
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS, draw_grid

__all__ = [
    "VIRUS",
    "INFECTION_PARAMS",
    "ChatAgent",
    "InfectiousJailbreak",
    "expected_next",
    "growth_factor",
    "ode_rounds",
    "plain_seed",
    "plateau",
    "recurrence",
    "recurrence_rounds",
]

#: The adversarial memory item.
VIRUS = "virus"

BETA = Param(
    "beta",
    0.8,
    "chance a carrier that asks retrieves and passes on the virus (the paper's β)",
    "probability",
    low=0,
    high=1,
    step=0.01,
)
GAMMA = Param(
    "gamma",
    0.1,
    "chance a carrier forgets the virus in a round (the paper's γ)",
    "probability",
    low=0,
    high=1,
    step=0.01,
)

#: Parameters of the agent model (the NumPy engine reuses beta and gamma).
INFECTION_PARAMS = Params(
    Param(
        "n_agents",
        256,
        "agents chatting in random pairs each round (even)",
        "agents",
        low=2,
        high=10_000,
        step=2,
    ),
    BETA,
    GAMMA,
    Param(
        "initial_infected",
        1,
        "agents whose memory the adversary poisons before round 1",
        "agents",
        low=0,
        high=10_000,
    ),
    Param(
        "memory_size",
        10,
        "benign notes an agent keeps (oldest dropped first; the virus is never crowded out)",
        "items",
        low=1,
        high=1000,
    ),
)


# -- the paper's formulas ---------------------------------------------------------------------------


def _probability(value: Any, name: str, owner: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: parameter {name!r} got {value!r}; expected a number in [0, 1]")
    value = float(value)
    require(0.0 <= value <= 1.0, name, value, "a number in [0, 1]", owner)
    return value


def _population(n_agents: Any, owner: str) -> int:
    if isinstance(n_agents, bool) or not isinstance(n_agents, numbers.Integral):
        raise TypeError(f"{owner}: parameter 'n_agents' got {n_agents!r}; expected an integer >= 2")
    require(n_agents >= 2, "n_agents", n_agents, "an integer >= 2", owner)
    return int(n_agents)


def expected_next(c: float, beta: float, gamma: float, n_agents: int | None = None) -> float:
    """The expected share of carriers after one round, given share ``c`` now.

    Gu et al. (2024), expectation of Eq. (5): ``(1 - gamma) c + beta c (1 - c) / 2``. With
    ``n_agents`` the exact expectation for N agents: a carrier's partner is one of the other
    N - 1 agents, so the new-infection term is multiplied by N / (N - 1).
    """
    c = _probability(c, "c", "expected_next")
    beta = _probability(beta, "beta", "expected_next")
    gamma = _probability(gamma, "gamma", "expected_next")
    factor = 1.0
    if n_agents is not None:
        n = _population(n_agents, "expected_next")
        factor = n / (n - 1)
    return (1 - gamma) * c + beta * c * (1 - c) / 2 * factor


#: Longest recurrence :func:`recurrence` iterates (a Python loop: about a second per million rounds).
MAX_RECURRENCE_ROUNDS = 1_000_000


def recurrence(
    c0: float, beta: float, gamma: float, rounds: int, n_agents: int | None = None
) -> np.ndarray:
    """The recurrence iterated from ``c0``: an array of ``rounds + 1`` shares (``c0`` first)."""
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral) or rounds < 0:
        raise ValueError(f"recurrence: parameter 'rounds' got {rounds!r}; allowed: an integer >= 0")
    require(
        rounds <= MAX_RECURRENCE_ROUNDS,
        "rounds",
        rounds,
        f"an integer <= {MAX_RECURRENCE_ROUNDS:,}",
        "recurrence",
    )
    shares = [_probability(c0, "c0", "recurrence")]
    for _ in range(int(rounds)):
        shares.append(expected_next(shares[-1], beta, gamma, n_agents))
    return np.array(shares)


def growth_factor(beta: float, gamma: float) -> float:
    """How many carriers one carrier becomes per round while carriers are rare:
    ``1 - gamma + beta / 2``. Above 1 (that is, beta > 2 gamma) the virus spreads."""
    beta = _probability(beta, "beta", "growth_factor")
    gamma = _probability(gamma, "gamma", "growth_factor")
    return 1 - gamma + beta / 2


def plateau(beta: float, gamma: float) -> float:
    """The long-run share of carriers, Gu et al. (2024) Eq. (7): ``1 - 2 gamma / beta`` if
    ``beta > 2 gamma``, else 0 (the spread dies out)."""
    beta = _probability(beta, "beta", "plateau")
    gamma = _probability(gamma, "gamma", "plateau")
    return 1 - 2 * gamma / beta if beta > 2 * gamma else 0.0


def ode_rounds(n_agents: int, beta: float, gamma: float, target: float) -> float:
    """Rounds for one carrier among ``n_agents`` to reach share ``target`` in the paper's
    continuous-time solution (Eq. 7): ``2/(b-2g) [log N + log(c_T (b-2g) / (b-2g-c_T b))]``.

    Raises ``ValueError`` when the target is never reached (beta <= 2 gamma, or the target
    is at or above the plateau 1 - 2 gamma / beta).
    """
    n = _population(n_agents, "ode_rounds")
    beta = _probability(beta, "beta", "ode_rounds")
    gamma = _probability(gamma, "gamma", "ode_rounds")
    target = _probability(target, "target", "ode_rounds")
    r = beta - 2 * gamma
    require(
        r > 0,
        "beta",
        beta,
        f"more than 2 * gamma = {2 * gamma:g} (otherwise the virus dies out)",
        "ode_rounds",
    )
    top = plateau(beta, gamma)
    require(
        1 / n < target < top,
        "target",
        target,
        f"between 1/N = {1 / n:.3g} and the plateau {top:.4g}",
        "ode_rounds",
    )
    return 2 / r * (math.log(n) + math.log(target * r / (r - target * beta)))


def recurrence_rounds(
    n_agents: int, beta: float, gamma: float, target: float, max_rounds: int = 100_000
) -> int | None:
    """Rounds for the expected recurrence (with the finite-N factor), started from one
    carrier among ``n_agents``, to reach share ``target``; ``None`` if it never does."""
    n = _population(n_agents, "recurrence_rounds")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, numbers.Integral):
        raise TypeError(
            f"recurrence_rounds: parameter 'max_rounds' got {max_rounds!r}; expected an integer >= 0"
        )
    require(max_rounds >= 0, "max_rounds", max_rounds, "an integer >= 0", "recurrence_rounds")
    max_rounds = int(max_rounds)
    target = _probability(target, "target", "recurrence_rounds")
    c, rounds = 1 / n, 0
    while c < target:
        nxt = expected_next(c, beta, gamma, n)
        rounds += 1
        if nxt <= c * (1 + 1e-12) or rounds > max_rounds:  # not growing: it never gets there
            return None
        c = nxt
    return rounds


# -- the agent model -------------------------------------------------------------------------------


class ChatAgent(mesa.Agent):
    """An agent with a memory of notes; it may carry the virus.

    ``memory`` holds benign notes (a bounded queue); ``carrier`` says whether the virus is
    in memory too (the adversarial item is crafted to stay: it is never crowded out).
    """

    def __init__(self, model: InfectiousJailbreak) -> None:
        super().__init__(model)
        self.memory: deque[str] = deque([f"note-{self.unique_id}-0"], maxlen=model.memory_size)
        self.carrier = False
        self.carried_at_start = False

    def retrieve(self) -> str:
        """The item this agent shows when it asks: the virus with probability ``beta`` if it
        carries it, otherwise one of its benign notes."""
        if self.carrier and self.random.random() < self.model.beta:
            return VIRUS
        return self.random.choice(self.memory)

    def remember(self, item: str) -> None:
        """Store an item shown by a partner."""
        if item == VIRUS:
            self.carrier = True
        else:
            self.memory.append(item)

    def forget(self) -> bool:
        """Whether a carrier drops the virus this round (probability ``gamma``)."""
        return self.random.random() < self.model.gamma


class InfectiousJailbreak(RiskModel):
    """Randomised pairwise chat with one poisoned memory (Gu et al. 2024), one Mesa agent each.

    Reporters: ``infected`` (share of agents carrying the virus), ``new_infections`` (share
    infected this round), ``expected`` (the recurrence's prediction for this round from the
    previous round's share, with the finite-N factor).
    """

    params = INFECTION_PARAMS
    reporters = {
        "infected": lambda m: m.infected_share(),
        "new_infections": lambda m: m.new_infections / m.n_agents,
        "expected": lambda m: m.expected_share,
    }
    default_plots = ("infected",)
    agent_class: ClassVar[type[ChatAgent]] = ChatAgent

    def __init__(self, *, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        owner = type(self).__name__
        require(
            self.n_agents % 2 == 0,
            "n_agents",
            self.n_agents,
            "an even number (agents chat in pairs)",
            owner,
        )
        require(
            self.initial_infected <= self.n_agents,
            "initial_infected",
            self.initial_infected,
            f"at most n_agents = {self.n_agents}",
            owner,
        )
        if not (isinstance(self.agent_class, type) and issubclass(self.agent_class, ChatAgent)):
            raise TypeError(
                f"{owner}.agent_class must be a ChatAgent subclass, got {self.agent_class!r}"
            )
        self.population = [self.agent_class(self) for _ in range(self.n_agents)]
        for agent in self.random.sample(self.population, self.initial_infected):
            agent.carrier = True
        self.new_infections = 0
        self.expected_share = self.infected_share()
        self.start_datacollector()

    def infected_share(self) -> float:
        return sum(a.carrier for a in self.population) / self.n_agents

    def pairs(self) -> list[tuple[ChatAgent, ChatAgent]]:
        """This round's (questioner, answerer) pairs: a random perfect matching."""
        order = list(self.population)
        self.random.shuffle(order)
        return [(order[i], order[i + 1]) for i in range(0, len(order), 2)]

    def step(self) -> None:
        self.expected_share = expected_next(
            self.infected_share(), self.beta, self.gamma, self.n_agents
        )
        for agent in self.population:
            agent.carried_at_start = agent.carrier
        new = 0
        for questioner, answerer in self.pairs():
            item = questioner.retrieve()
            if not isinstance(item, str):
                raise ValueError(
                    f"{type(questioner).__name__}.retrieve returned {item!r}; allowed: a memory item (a string)"
                )
            was = answerer.carrier
            answerer.remember(item)
            new += answerer.carrier and not was
        for agent in self.population:
            if agent.carried_at_start and agent.forget():
                agent.carrier = False
        self.new_infections = new
        self.datacollector.collect(self)

    def carriers(self) -> np.ndarray:
        """Boolean array: which agents carry the virus (in creation order)."""
        return np.array([a.carrier for a in self.population])

    def draw_state(self, ax: plt.Axes) -> None:
        draw_population(
            ax,
            self.carriers().astype(int),
            {0: "clean", 1: "carries the virus"},
            [COLORS["sky"], COLORS["vermillion"]],
            title=f"{self.infected_share():.0%} infected after {self.steps} rounds",
        )


def draw_population(
    ax: plt.Axes, codes: np.ndarray, labels: dict[int, str], colors: list[str], *, title: str = ""
) -> None:
    """Agents as squares of a near-square grid (agent i at row i // width), coloured by code."""
    codes = np.asarray(codes)
    width = math.ceil(math.sqrt(len(codes)))
    height = math.ceil(len(codes) / width)
    grid = np.full(width * height, np.nan)
    grid[: len(codes)] = codes
    cmap = mpl.colors.ListedColormap(colors).with_extremes(bad="white")
    draw_grid(
        ax,
        np.ma.masked_invalid(grid.reshape(height, width)).T[:, ::-1],
        cmap=cmap,
        vmin=-0.5,
        vmax=len(colors) - 0.5,
        labels=labels,
        title=title,
    )

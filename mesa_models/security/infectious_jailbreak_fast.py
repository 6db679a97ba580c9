"""Fast engine for the infectious jailbreak: many outbreaks of up to 10^8 agents at once.

Same rules as the Mesa model :class:`mesa_models.security.infectious_jailbreak.InfectiousJailbreak`
(Gu et al. 2024, randomised pairwise chat). Because pairing is a uniformly random perfect
matching and every agent forgets independently, the number of carriers k is a Markov chain
whose one-round transition can be drawn exactly, without listing agents:

1. carriers among the N/2 questioners: ``K_Q ~ Hypergeometric(k, N - k, N/2)``;
2. the answerers then hold ``k - K_Q`` carriers, so ``N/2 - (k - K_Q)`` clean ones; the
   matching pairs the K_Q carrier questioners with clean answerers
   ``M ~ Hypergeometric(clean answerers, carrier answerers, K_Q)`` times;
3. new infections ``Binomial(M, beta)``; forgotten ``Binomial(k, gamma)`` (only agents
   that carried at the start of the round can forget).

This is the agent model's law of k, not an approximation, so a round costs the same for
N = 100 and N = 10^8 and a batch of outbreaks is a few array operations per round
(tests/test_infectious_jailbreak.py compares the two engines' statistics). The expectation
of one round is Gu et al.'s recurrence with the finite-N factor
(:func:`~mesa_models.security.infectious_jailbreak.expected_next`).

``simulate(...)`` returns an :class:`Outbreaks` with the carrier counts of every run and
round; :meth:`Outbreaks.rounds_to` finds when each run first reached a share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mesa_models.base import validate_rng
from mesa_models.params import Param, Params, require
from mesa_models.security.infectious_jailbreak import BETA, GAMMA

__all__ = ["FAST_PARAMS", "Outbreaks", "simulate"]

#: Largest population: NumPy's hypergeometric needs both group sizes below 10^9.
MAX_AGENTS = 100_000_000
#: Refuse results larger than this (counts are int64: 8 bytes per run and round).
MAX_BYTES = 400_000_000

FAST_PARAMS = Params(
    Param(
        "n_agents",
        1_000_000,
        "agents chatting in random pairs each round (even)",
        "agents",
        low=2,
        high=MAX_AGENTS,
    ),
    BETA,
    GAMMA,
    Param(
        "initial_infected",
        1,
        "agents whose memory the adversary poisons before round 1",
        "agents",
        low=0,
        high=MAX_AGENTS,
    ),
    Param("rounds", 60, "chat rounds to simulate", "rounds", low=0, high=1_000_000),
    Param("runs", 100, "independent outbreaks simulated together", "runs", low=1, high=10_000_000),
)


@dataclass(frozen=True)
class Outbreaks:
    """Carrier counts of ``runs`` outbreaks: ``counts[run, round]`` (round 0 = the start)."""

    counts: np.ndarray
    n_agents: int
    beta: float
    gamma: float

    @property
    def fraction(self) -> np.ndarray:
        """Shares of carriers, shape ``(runs, rounds + 1)``."""
        return self.counts / self.n_agents

    def mean(self) -> np.ndarray:
        """Mean share of carriers per round over the runs."""
        return self.fraction.mean(axis=0)

    def standard_error(self) -> np.ndarray:
        """Standard error of :meth:`mean` per round."""
        runs = self.counts.shape[0]
        return (
            self.fraction.std(axis=0, ddof=1) / np.sqrt(runs)
            if runs > 1
            else np.full(self.counts.shape[1], np.nan)
        )

    def rounds_to(self, target: float) -> np.ndarray:
        """For every run, the first round at which the share of carriers reached ``target``
        (NaN if it never did)."""
        if (
            isinstance(target, bool)
            or not isinstance(target, int | float | np.number)
            or not 0 < target <= 1
        ):
            raise ValueError(
                f"Outbreaks.rounds_to: parameter 'target' got {target!r}; allowed: a number in (0, 1]"
            )
        reached = self.counts >= target * self.n_agents
        first = reached.argmax(axis=1).astype(float)
        first[~reached.any(axis=1)] = np.nan
        return first


def simulate(*, rng: Any = None, **params: Any) -> Outbreaks:
    """Simulate ``runs`` independent outbreaks of the randomised pairwise chat.

    Parameters (declared in :data:`FAST_PARAMS`): ``n_agents`` (even, at most 10^8),
    ``beta``, ``gamma``, ``initial_infected``, ``rounds``, ``runs``. ``rng`` seeds
    everything (same seed, same outbreaks).

    >>> simulate(n_agents=1000, beta=1.0, gamma=0.0, rounds=30, runs=2, rng=0).counts.shape
    (2, 31)
    """
    owner = "infectious_jailbreak_fast.simulate"
    validate_rng(rng, owner)
    p = FAST_PARAMS.resolve(params, owner)
    n, runs, rounds = p["n_agents"], p["runs"], p["rounds"]
    require(n % 2 == 0, "n_agents", n, "an even number (agents chat in pairs)", owner)
    require(
        p["initial_infected"] <= n,
        "initial_infected",
        p["initial_infected"],
        f"at most n_agents = {n}",
        owner,
    )
    size = runs * (rounds + 1) * 8
    require(
        size <= MAX_BYTES,
        "runs",
        runs,
        f"runs x (rounds + 1) small enough for memory: {runs:,} x {rounds + 1:,} counts need "
        f"{size / 1e6:,.0f} MB, the limit is {MAX_BYTES / 1e6:,.0f} MB",
        owner,
    )
    generator = np.random.default_rng(rng)
    half = n // 2
    counts = np.empty((runs, rounds + 1), dtype=np.int64)
    k = np.full(runs, p["initial_infected"], dtype=np.int64)
    counts[:, 0] = k
    beta, gamma = p["beta"], p["gamma"]
    for t in range(1, rounds + 1):
        asking = generator.hypergeometric(k, n - k, half)  # carriers among the questioners
        clean_answering = half - (k - asking)
        hits = generator.hypergeometric(clean_answering, half - clean_answering, asking)
        new = generator.binomial(hits, beta)
        forgotten = generator.binomial(k, gamma)
        k = k - forgotten + new
        counts[:, t] = k
    return Outbreaks(counts=counts, n_agents=n, beta=beta, gamma=gamma)

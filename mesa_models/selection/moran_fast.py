"""Many Moran processes at once, on counts (NumPy): fixation probabilities and times.

The same process as :class:`mesa_models.selection.moran.Moran` (see its docstring), followed
through the number i of mutants only. From i, one birth–death event raises i with
probability r i (N − i) / ((r i + N − i) N), lowers it with probability
i (N − i) / ((r i + N − i) N), and otherwise changes nothing. The engine jumps straight
from change to change — the next change is up with probability r / (1 + r) — and draws the
number of events spent waiting for it from the geometric distribution, so it reports
both who fixes and after how many Moran steps, exactly, while doing one array operation
per change for all runs together. Runs that have fixed drop out of the working arrays.

tests/test_moran.py checks it against the formula for several (r, N) within binomial error
and against the Mesa model.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from mesa_models.params import require
from mesa_models.selection.moran import fixation_probability

__all__ = ["FixationRuns", "MAX_RUNS", "simulate_fixation"]

#: Refuse larger batches up front (each run needs a few tens of bytes of working arrays).
MAX_RUNS = 20_000_000


@dataclass(frozen=True)
class FixationRuns:
    """Outcome of :func:`simulate_fixation`: one entry per run."""

    r: float
    n_agents: int
    initial_mutants: int
    fixed: np.ndarray  # bool: the mutants took over
    steps: np.ndarray  # Moran steps (birth–death events) until one type took over

    @property
    def runs(self) -> int:
        return len(self.fixed)

    @property
    def probability(self) -> float:
        """Share of runs in which the mutants took over."""
        return float(self.fixed.mean())

    @property
    def standard_error(self) -> float:
        """Binomial standard error of :attr:`probability`, from the exact ρ."""
        rho = fixation_probability(self.r, self.n_agents, self.initial_mutants)
        return float(np.sqrt(rho * (1 - rho) / self.runs))

    @property
    def exact(self) -> float:
        """(1 − r^−i) / (1 − r^−N)."""
        return fixation_probability(self.r, self.n_agents, self.initial_mutants)


def simulate_fixation(
    r: float, n_agents: int, runs: int, *, initial_mutants: int = 1, rng: Any = None
) -> FixationRuns:
    """Run ``runs`` independent Moran processes to fixation and report who won and when.

    Args:
        r: relative fitness of the mutants (> 0).
        n_agents: population size N (>= 2).
        runs: number of independent runs (<= ``MAX_RUNS``).
        initial_mutants: mutants at the start (1 .. N − 1).
        rng: seed or ``numpy.random.Generator``.
    """
    owner = "simulate_fixation"
    require(
        not isinstance(r, bool) and isinstance(r, numbers.Real) and np.isfinite(r) and r > 0,
        "r",
        r,
        "a finite number > 0",
        owner,
    )
    require(
        not isinstance(n_agents, bool) and isinstance(n_agents, numbers.Integral) and n_agents >= 2,
        "n_agents",
        n_agents,
        "an integer >= 2",
        owner,
    )
    require(
        not isinstance(runs, bool) and isinstance(runs, numbers.Integral) and runs >= 1,
        "runs",
        runs,
        "an integer >= 1",
        owner,
    )
    require(
        runs <= MAX_RUNS,
        "runs",
        runs,
        f"at most {MAX_RUNS:,} (about {runs * 40 / 2**30:.1f} GB of working arrays were requested)",
        owner,
    )
    require(
        not isinstance(initial_mutants, bool)
        and isinstance(initial_mutants, numbers.Integral)
        and 1 <= initial_mutants <= n_agents - 1,
        "initial_mutants",
        initial_mutants,
        f"an integer in [1, {n_agents - 1}]",
        owner,
    )
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    r, n, runs = float(r), int(n_agents), int(runs)
    up = r / (1 + r)
    count = np.full(runs, int(initial_mutants), dtype=np.int64)
    steps = np.zeros(runs, dtype=np.int64)
    active = np.arange(runs)
    fixed = np.zeros(runs, dtype=bool)
    done_steps = np.zeros(runs, dtype=np.int64)
    while active.size:
        i = count
        # probability that one event changes the count: i (N - i) (r + 1) / ((r i + N - i) N)
        change = i * (n - i) * (r + 1) / ((r * i + n - i) * n)
        steps += generator.geometric(np.minimum(change, 1.0))
        count = i + np.where(generator.random(active.size) < up, 1, -1)
        over = (count == 0) | (count == n)
        if over.any():
            fixed[active[over]] = count[over] == n
            done_steps[active[over]] = steps[over]
            keep = ~over
            active, count, steps = active[keep], count[keep], steps[keep]
    return FixationRuns(
        r=r, n_agents=n, initial_mutants=int(initial_mutants), fixed=fixed, steps=done_steps
    )

"""NumPy engine for Hawk–Dove under selection: the same runs as the Mesa model, as arrays.

Same rules, parameters and random numbers as :class:`mesa_models.selection.hawk_dove.HawkDove`
(see its module docstring): the population is shuffled into pairs with one permutation,
then imitation partners and coins (or Wright–Fisher parents), then mutation coins are drawn
as whole arrays in the same order, so the two engines produce the same run from the same
seed (tests/test_hawk_dove.py). One step of 10,000 players takes well under a millisecond,
fast enough for many seeds and large populations.

The imitation rule is fixed (pairwise proportional imitation); to try another rule use the
Mesa model's ``update_rule=``. The payoff is injectable exactly as in the Mesa model.

:func:`hawk_share_runs` runs several seeds and returns each run's mean hawk share after a
burn-in: the measurement behind the lesson's "V/C within sampling error".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.params import require
from mesa_models.selection.hawk_dove import (
    DOVE,
    HAWK,
    HAWK_DOVE_PARAMS,
    _check_selection,
    check_hawk_dove,
    draw_population,
    hawk_dove_payoff,
    initial_strategies,
    payoff_table,
    plain_seed,
)

__all__ = ["HawkDoveArray", "hawk_share_runs"]


class HawkDoveArray(RiskModel):
    """Hawk–Dove under selection on NumPy arrays (same runs as :class:`HawkDove`).

    Reporters: ``hawks`` (share of hawks), ``mean_payoff``. ``strategies`` holds the current
    population (True = hawk), ``payoff`` the last round's payoffs.
    """

    params = HAWK_DOVE_PARAMS
    reporters = {
        "hawks": lambda m: float(m.strategies.mean()),
        "mean_payoff": lambda m: float(m.payoff.mean()),
    }
    default_plots = ("hawks",)

    def __init__(
        self,
        *,
        initial: Sequence | np.ndarray | None = None,
        payoff: Callable[[str, str, float, float], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        check_hawk_dove(self, "HawkDoveArray")
        table = payoff_table(payoff or hawk_dove_payoff, self.V, self.C)
        _check_selection(table, self.update, self.selection, "HawkDoveArray")
        # pay[mine, other] with 1 = hawk, 0 = dove
        self.pay = np.array(
            [[table[DOVE, DOVE], table[DOVE, HAWK]], [table[HAWK, DOVE], table[HAWK, HAWK]]]
        )
        self.payoff_spread = max(table.values()) - min(table.values())
        self.strategies = initial_strategies(
            initial, self.n_agents, self.initial_hawks, self.rng, "HawkDoveArray"
        )
        self.payoff = np.zeros(self.n_agents)
        self.start_datacollector()

    def step(self) -> None:
        n = self.n_agents
        s = self.strategies.astype(np.int64)
        order = self.rng.permutation(n)
        a, b = order[0::2], order[1::2]
        self.payoff[a] = self.pay[s[a], s[b]]
        self.payoff[b] = self.pay[s[b], s[a]]
        if self.update == "imitate":
            others = self.rng.integers(0, n - 1, size=n)
            others += others >= np.arange(n)
            coins = self.rng.random(n)
            if self.payoff_spread > 0:
                gain = (self.payoff[others] - self.payoff) / self.payoff_spread
                switch = (self.strategies[others] != self.strategies) & (coins < gain)
            else:
                switch = np.zeros(n, dtype=bool)
            new = np.where(switch, self.strategies[others], self.strategies)
        else:
            weights = 1 + self.selection * self.payoff
            parents = self.rng.choice(n, size=n, p=weights / weights.sum())
            new = self.strategies[parents]
        if self.mutation > 0:
            new = new ^ (self.rng.random(n) < self.mutation)
        self.strategies = new
        self.datacollector.collect(self)

    def draw_state(self, ax: plt.Axes) -> None:
        draw_population(ax, self.strategies, V=self.V, C=self.C)


def hawk_share_runs(seeds: Iterable[int], steps: int, burn_in: int, **params: Any) -> np.ndarray:
    """Mean hawk share over steps ``burn_in + 1 .. steps`` of :class:`HawkDoveArray`, one
    value per seed (independent runs, so their spread measures the sampling error)."""
    seeds = list(seeds)
    require(len(seeds) > 0, "seeds", seeds, "at least one seed", "hawk_share_runs")
    require(
        isinstance(steps, int) and steps >= 1, "steps", steps, "an integer >= 1", "hawk_share_runs"
    )
    require(
        isinstance(burn_in, int) and 0 <= burn_in < steps,
        "burn_in",
        burn_in,
        f"an integer in [0, {steps - 1}]",
        "hawk_share_runs",
    )
    out = []
    for seed in seeds:
        model = HawkDoveArray(rng=seed, **params)
        total = 0.0
        for t in range(1, steps + 1):
            model.step()
            if t > burn_in:
                total += model.strategies.mean()
        out.append(total / (steps - burn_in))
    return np.array(out)

"""NumPy engine for the double auction with private values: long runs and big samples (Unit 04).

Same rules, parameters (:data:`~mesa_models.information.bargaining.AUCTION_PARAMS`), random
numbers and arithmetic as :class:`~mesa_models.information.bargaining.DoubleAuction`: run
``j`` of ``simulate_auction(rounds, seeds=seeds)`` is the Mesa model with ``rng=seeds[j]``,
round for round and bit for bit (tests/test_bargaining.py checks it), with every trader's
bid, ask and learning step done as array operations. Learners need tens of thousands of
rounds; here 50 pairs play 15,000 rounds in about a second, and a million meetings of the
linear equilibrium take a fraction of a second.

Custom strategies (``bid_rule=``/``ask_rule=``) are for the Mesa model.

>>> runs = simulate_auction(2000, seeds=[0], n_pairs=500)
>>> abs(runs.efficiency() - 27 / 32) < 0.01
True
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from mesa_models.base import seed_list, validate_rng
from mesa_models.information.bargaining import (
    AUCTION_PARAMS,
    auction_outcome,
    cs_ask,
    cs_bid,
    efficiency_standard_error,
    shading_grid,
    value_bin,
)
from mesa_models.params import require

__all__ = ["AuctionRuns", "MAX_CELLS", "greedy_efficiency", "simulate_auction"]

#: Refuse runs whose stored per-meeting results or Q-tables would exceed this many numbers
#: (8 bytes each: 50 million numbers = 400 MB).
MAX_CELLS = 50_000_000


@dataclass(frozen=True)
class AuctionRuns:
    """Per-round results of several runs.

    ``gains``, ``first_best`` (sums over the round's meetings) and ``trades`` (count) have
    shape ``(runs, rounds)``; ``buyer_estimate``/``seller_estimate`` are the learners' final
    tables, shape ``(runs, n_pairs, value_bins, shading_levels)`` (zeros for fixed
    strategies); ``meetings`` (with ``keep_meetings=True``) holds every meeting's gains and
    first-best gains, shape ``(runs, rounds, n_pairs)``.
    """

    seeds: tuple[int, ...]
    params: dict[str, Any]
    gains: np.ndarray
    first_best: np.ndarray
    trades: np.ndarray
    buyer_estimate: np.ndarray
    seller_estimate: np.ndarray
    meetings: dict[str, np.ndarray] | None = None

    def efficiency(self, last: int | None = None) -> float:
        """Gains realised over all runs (and the last ``last`` rounds), as a share of the first best."""
        cut = self._cut(last)
        return float(self.gains[:, cut].sum() / self.first_best[:, cut].sum())

    def efficiency_by_run(self, last: int | None = None) -> np.ndarray:
        cut = self._cut(last)
        return self.gains[:, cut].sum(axis=1) / self.first_best[:, cut].sum(axis=1)

    def trade_rate(self, last: int | None = None) -> float:
        """Share of meetings that traded (all runs; the last ``last`` rounds)."""
        cut = self._cut(last)
        return float(self.trades[:, cut].mean() / self.params["n_pairs"])

    def standard_error(self) -> float:
        """Standard error of :meth:`efficiency` over meetings (needs ``keep_meetings=True``)."""
        if self.meetings is None:
            raise ValueError(
                "AuctionRuns.standard_error(): run simulate_auction(..., keep_meetings=True) first"
            )
        return efficiency_standard_error(self.meetings["gains"], self.meetings["first_best"])

    def policy(self, role: str, run: int = 0) -> np.ndarray:
        """Greedy shading of the learners of one run, shape ``(n_pairs, value_bins)``."""
        require(
            role in ("buyer", "seller"), "role", role, "'buyer' or 'seller'", "AuctionRuns.policy"
        )
        table = self.buyer_estimate if role == "buyer" else self.seller_estimate
        grid = shading_grid(self.params["shading_levels"], self.params["max_shading"])
        return grid[table[run].argmax(axis=2)]

    def _cut(self, last: int | None) -> slice:
        rounds = self.gains.shape[1]
        if last is None:
            return slice(None)
        if (
            isinstance(last, bool)
            or not isinstance(last, numbers.Integral)
            or not 1 <= last <= rounds
        ):
            raise ValueError(
                f"AuctionRuns: parameter 'last' got {last!r}; allowed: an integer in [1, {rounds}]"
            )
        return slice(rounds - last, None)


def simulate_auction(
    rounds: int, *, seeds: Any = 0, keep_meetings: bool = False, **params: Any
) -> AuctionRuns:
    """Play ``rounds`` rounds of the double auction once per seed.

    ``params`` are :class:`~mesa_models.information.bargaining.DoubleAuction`'s parameters.
    ``keep_meetings=True`` also stores every meeting (for standard errors).
    """
    owner = "simulate_auction"
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral) or rounds < 1:
        raise ValueError(f"{owner}: parameter 'rounds' got {rounds!r}; allowed: an integer >= 1")
    seeds = seed_list(seeds, owner)
    p = AUCTION_PARAMS.resolve(params, owner)
    n = p["n_pairs"]
    table_cells = 2 * len(seeds) * n * p["value_bins"] * p["shading_levels"]
    meeting_cells = 2 * len(seeds) * rounds * n if keep_meetings else 0
    cells = table_cells + meeting_cells + 3 * len(seeds) * rounds
    require(
        cells <= MAX_CELLS,
        "rounds",
        rounds,
        f"a run that stores at most {MAX_CELLS:,} numbers; this one needs {cells:,} "
        f"(about {cells * 8 / 1e9:.1f} GB): use fewer rounds, pairs or seeds, or keep_meetings=False",
        owner,
    )
    results = [_one_run(int(rounds), seed, p, keep_meetings) for seed in seeds]
    stack = lambda key: np.stack([r[key] for r in results])  # noqa: E731
    return AuctionRuns(
        seeds=tuple(seeds),
        params=p,
        gains=stack("gains"),
        first_best=stack("first_best"),
        trades=stack("trades"),
        buyer_estimate=stack("buyer_estimate"),
        seller_estimate=stack("seller_estimate"),
        meetings={"gains": stack("meeting_gains"), "first_best": stack("meeting_first_best")}
        if keep_meetings
        else None,
    )


def _one_run(rounds: int, seed: int, p: dict[str, Any], keep: bool) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, bins, levels = p["n_pairs"], p["value_bins"], p["shading_levels"]
    learning = p["strategy"] == "learning"
    shading = shading_grid(levels, p["max_shading"])
    # One table per side, flattened to (n * bins, levels): row i * bins + bin is trader i's
    # estimates in that value range (the same numbers as the Mesa traders' ``estimate``).
    estimate = (np.zeros((n * bins, levels)), np.zeros((n * bins, levels)))
    base = np.arange(n) * bins
    out = {k: np.zeros(rounds) for k in ("gains", "first_best")}
    out["trades"] = np.zeros(rounds, dtype=np.int64)
    if keep:
        out["meeting_gains"] = np.zeros((rounds, n))
        out["meeting_first_best"] = np.zeros((rounds, n))
    rate = p["learning_rate"]
    for t in range(rounds):
        epsilon = max(p["min_exploration"], math.exp(-t / p["exploration_time"]))
        vb = rng.random(n)
        vs = rng.random(n)
        partner = rng.permutation(n)
        if learning:
            explore = (rng.random(n), rng.random(n))
            random_level = (rng.integers(0, levels, n), rng.integers(0, levels, n))
            rows = (base + value_bin(vb, bins), base + value_bin(vs, bins))
            level = [
                np.where(
                    explore[side] < epsilon,
                    random_level[side],
                    estimate[side][rows[side]].argmax(axis=1),
                )
                for side in (0, 1)
            ]
            bids = vb - shading[level[0]]
            asks = vs + shading[level[1]]
        elif p["strategy"] == "truthful":
            bids, asks = vb, vs
        else:
            bids, asks = cs_bid(vb), cs_ask(vs)
        outcome = auction_outcome(bids, asks[partner], vb, vs[partner])
        if learning:
            seller_payoff = np.empty(n)
            seller_payoff[partner] = outcome["seller_payoff"]
            for side, payoff in ((0, outcome["buyer_payoff"]), (1, seller_payoff)):
                old = estimate[side][rows[side], level[side]]
                estimate[side][rows[side], level[side]] = old + rate * (payoff - old)
        out["gains"][t] = outcome["gains"].sum()
        out["first_best"][t] = outcome["first_best"].sum()
        out["trades"][t] = np.count_nonzero(outcome["trade"])
        if keep:
            out["meeting_gains"][t] = outcome["gains"]
            out["meeting_first_best"][t] = outcome["first_best"]
    out["buyer_estimate"] = estimate[0].reshape(n, bins, levels)
    out["seller_estimate"] = estimate[1].reshape(n, bins, levels)
    return out


def greedy_efficiency(
    runs: AuctionRuns, run: int = 0, *, meetings: int = 200_000, rng: Any = 0
) -> float:
    """Efficiency of the learners' final *greedy* strategies (no exploration) of one run,
    over ``meetings`` fresh random meetings between its buyers and sellers."""
    owner = "greedy_efficiency"
    require(
        runs.params["strategy"] == "learning",
        "runs",
        runs.params["strategy"],
        "a run of learners (strategy='learning')",
        owner,
    )
    if (
        isinstance(meetings, bool)
        or not isinstance(meetings, numbers.Integral)
        or not 1 <= meetings <= MAX_CELLS // 4
    ):
        raise ValueError(
            f"{owner}: parameter 'meetings' got {meetings!r}; allowed: an integer in [1, {MAX_CELLS // 4:,}]"
        )
    validate_rng(rng, owner)
    if isinstance(run, bool) or not isinstance(run, numbers.Integral):
        raise TypeError(f"{owner}: parameter 'run' got {run!r}; expected an integer")
    require(
        0 <= run < len(runs.seeds), "run", run, f"an integer in [0, {len(runs.seeds) - 1}]", owner
    )
    run = int(run)
    generator = np.random.default_rng(rng)
    p = runs.params
    n, bins = p["n_pairs"], p["value_bins"]
    buyer_policy, seller_policy = runs.policy("buyer", run), runs.policy("seller", run)
    buyer = generator.integers(0, n, meetings)
    seller = generator.integers(0, n, meetings)
    vb, vs = generator.random(meetings), generator.random(meetings)
    bids = vb - buyer_policy[buyer, value_bin(vb, bins)]
    asks = vs + seller_policy[seller, value_bin(vs, bins)]
    outcome = auction_outcome(bids, asks, vb, vs)
    return float(outcome["gains"].sum() / outcome["first_best"].sum())

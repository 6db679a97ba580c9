"""Checks for the Unit 03 lab (collusion: Calvano et al. 2020 pricing, secret tools).

The Calvano sessions here run at the lab's scale (:data:`LAB_SCALE`: a faster exploration
decay and a shorter convergence window than the paper) and are cached, so the lab and
its checks share them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from mesa_models.collusion.calvano import Market
from mesa_models.collusion.calvano_fast import Batch, simulate
from mesa_models.checks import Verdict, expect, run_check
from mesa_models.running import run
from mesa_models.collusion.secret_tools import SecretToolsModel

__all__ = [
    "LAB_SCALE",
    "DATASET_SEEDS",
    "DELTA_SEEDS",
    "lab_batch",
    "collusion_dataset",
    "precision_recall",
    "social_cost",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
]

#: Lab scale: exploration decays 25x faster than the paper's beta = 4e-6 and convergence
#: needs 10,000 (not 100,000) periods without a change of greedy prices.
LAB_SCALE = dict(beta=1e-4, convergence_window=10_000)
DATASET_SEEDS = tuple(range(6))
DELTA_SEEDS = (0, 1, 2)
AUDIT_SEEDS = range(4)
AUDIT_GRID = tuple(np.round(np.arange(0, 1.01, 0.1), 2))


@lru_cache(maxsize=8)
def lab_batch(delta: float, seeds: tuple[int, ...] = DATASET_SEEDS) -> Batch:
    """Calvano sessions at :data:`LAB_SCALE` with discount factor ``delta`` (cached)."""
    return simulate(seeds=seeds, delta=delta, **LAB_SCALE)


def collusion_dataset(periods: int = 60, noise: float = 0.05, rng: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labelled price histories for a collusion detector.

    Sessions with patient firms (delta = 0.95) and myopic firms (delta = 0), six of each;
    each session's history is ``periods`` periods of its learned play with occasional
    shocks (``noise``). Returns ``(histories, collusive)``: prices, shape
    ``(12, periods, 2)``, and the truth, ``profit gain > 0.5``.
    """
    histories, labels = [], []
    for delta in (0.95, 0.0):
        batch = lab_batch(delta)
        histories.append(batch.price_histories(periods, noise=noise, rng=rng))
        labels.append(batch.profit_gain() > 0.5)
    return np.concatenate(histories), np.concatenate(labels)


def precision_recall(predicted: Sequence[bool], truth: Sequence[bool]) -> tuple[float, float]:
    """Precision (share of flagged sessions that collude) and recall (share of colluding
    sessions flagged). An empty denominator gives 0."""
    predicted, truth = np.asarray(predicted, dtype=bool), np.asarray(truth, dtype=bool)
    hits = np.sum(predicted & truth)
    return (hits / predicted.sum() if predicted.sum() else 0.0, hits / truth.sum() if truth.sum() else 0.0)


def social_cost(audit_policy: Callable | None = None, audit_prob: float = 0.0, seeds=AUDIT_SEEDS, steps: int = 200) -> float:
    """Mean third-party harm plus audit cost per interaction over the second half of
    ``steps`` rounds of :class:`SecretToolsModel`, averaged over ``seeds``."""
    costs = []
    for seed in seeds:
        frame = run(SecretToolsModel(rng=seed, audit_policy=audit_policy, audit_prob=audit_prob), steps)
        costs.append(frame["social_cost"].iloc[steps // 2 + 1:].mean())
    return float(np.mean(costs))


@lru_cache(maxsize=1)
def _fixed_policy_costs() -> dict[float, float]:
    return {p: social_cost(audit_prob=p) for p in AUDIT_GRID}


def check_exercise_1(profit_gain_of: Callable) -> Verdict:
    """Delta of a price profile."""

    def test() -> None:
        mk = Market()
        cases = {
            "both at the Nash price": ([mk.nash_price] * 2, 0.0),
            "both at the monopoly price": ([mk.monopoly_price] * 2, 1.0),
        }
        pair = [1.6, 1.8]
        ref = float(np.mean((mk.profits(pair) - mk.nash_profit) / (mk.monopoly_profit - mk.nash_profit)))
        cases["prices (1.6, 1.8)"] = (pair, ref)
        for name, (prices, expected) in cases.items():
            got = profit_gain_of(np.array(prices))
            expect(np.ndim(got) == 0, f"return one number (the average over firms); for {name} got {got!r}")
            expect(abs(float(got) - expected) < 1e-6, f"for {name} expected Delta = {expected:.4f}, got {float(got):.4f}")

    return run_check("Exercise 1 — the profit gain Delta", test,
                     hint="Use Market().profits(prices) for each firm's profit, then (pi - pi_N) / (pi_M - pi_N), "
                          "averaged over the firms.")


def check_exercise_2(detector: Callable) -> Verdict:
    """A collusion detector from price histories, judged by precision and recall."""

    def test() -> None:
        histories, truth = collusion_dataset(periods=80, noise=0.05, rng=123)  # fresh shocks
        flags = []
        for h in histories:
            flag = detector(h)
            expect(isinstance(flag, bool | np.bool_), f"the detector must return True or False, got {flag!r}")
            flags.append(bool(flag))
        precision, recall = precision_recall(flags, truth)
        expect(precision >= 0.8 and recall >= 0.8,
               f"on fresh histories expected precision and recall >= 0.8, got precision {precision:.2f}, "
               f"recall {recall:.2f} ({sum(flags)} of {len(flags)} sessions flagged, {int(truth.sum())} collude)")

    return run_check("Exercise 2 — a collusion detector", test,
                     hint="Prices alone hide the demand side: turn the observed prices into profits with "
                          "Market().profits, average them, and compare the implied profit gain with 0.5 "
                          "(a raw price threshold at the Nash-monopoly midpoint misses most colluders).")


def check_exercise_3(audit_policy: Callable) -> Verdict:
    """An audit policy whose harm + audit cost is close to the best fixed audit rate."""

    def test() -> None:
        expect(callable(audit_policy), f"pass your function, got {audit_policy!r}")
        costs = _fixed_policy_costs()
        best_p = min(costs, key=costs.get)
        mine = social_cost(audit_policy)
        expect(mine <= 1.15 * costs[best_p],
               f"expected harm + audit cost within 15% of the best fixed audit rate ({costs[best_p]:.3f} at "
               f"p = {best_p}), got {mine:.3f} (no audits: {costs[0.0]:.3f}; audit everything: {costs[1.0]:.3f})")

    return run_check("Exercise 3 — an audit policy", test,
                     hint="Auditing deters once the expected fine, p x detection x fine, exceeds the gain, but "
                          "learners estimate payoffs noisily: audit well above the break-even rate (try 2-3x), "
                          "not everything.")


def check_exercise_4(profit_gain_by_delta: Callable) -> Verdict:
    """Mean Delta of lab-scale sessions for several discount factors."""

    def test() -> None:
        got = list(profit_gain_by_delta([0.95], DATASET_SEEDS))  # the reference is cached by Exercise 2
        expect(len(got) == 1, f"return one mean profit gain per discount factor (1 here), got {got!r}")
        ref = float(lab_batch(0.95, DATASET_SEEDS).profit_gain().mean())
        expect(abs(float(got[0]) - ref) < 1e-9,
               f"for delta = 0.95 and seeds {DATASET_SEEDS} at LAB_SCALE expected mean Delta {ref:.4f}, "
               f"got {float(got[0]):.4f}")

    return run_check("Exercise 4 — patience and collusion", test,
                     hint="For each delta: simulate(seeds=seeds, delta=delta, **LAB_SCALE).profit_gain().mean().")

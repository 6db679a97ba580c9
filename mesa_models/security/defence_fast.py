"""NumPy engine for the defence model: the same rules as
:class:`mesa_models.security.defence.DefenceModel`, on arrays, many runs at once, for sweeps
over thresholds, budgets and segmentations (tests/test_defence.py compares the two
engines' statistics).

State: one row per run, one column per agent. A round, as in the Mesa model:

1. monitor scores (normal, sd 1, mean ``sensitivity`` for carriers and 0 otherwise) above
   ``threshold`` flag active agents; if a run's quarantine has less room than it has
   flagged agents, a random subset of them goes in;
2. active agents are grouped into pools (their segment, or with probability
   ``cross_traffic`` a pool shared by all segments) by sorting on ``pool + U(0, 1)``, so
   each pool comes out shuffled, and consecutive agents of a pool are paired; a carrier
   that asks infects a clean partner with probability ``beta``;
3. carriers of the start of the round forget with probability ``gamma``;
4. quarantine clocks run down; released agents are purged.

:func:`simulate_defence` runs a batch and returns a :class:`DefenceRuns` (one array per
reporter, shape ``(runs, rounds + 1)``); :class:`DefenceArray` is the same engine as a
course model with one run (for ``run`` and ``explore``); :func:`policy_outcome`
summarises a policy over seeds and :func:`threshold_sweep` does so for a list of
thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from mesa_models.base import RiskModel, validate_rng
from mesa_models.params import require
from mesa_models.security.defence import (
    DEFENCE_PARAMS,
    _check_combination,
    draw_defence_state,
    monitor_rates,
    role_blast_radii,
)
from mesa_models.security.infectious_jailbreak import plain_seed
from mesa_models.security.manifests import ROLES

__all__ = [
    "REPORTERS",
    "DefenceArray",
    "DefenceRuns",
    "policy_outcome",
    "simulate_defence",
    "threshold_sweep",
]

#: Reporter names, as in :class:`~mesa_models.security.defence.DefenceModel`.
REPORTERS = (
    "infected",
    "active_infected",
    "quarantined",
    "false_alarms",
    "false_alarm_cost",
    "harm",
    "cost",
)
#: Refuse batches whose working arrays would pass about 400 MB.
MAX_CELLS = 5_000_000


class _Batch:
    """The state of ``runs`` copies of the defence model (rows) and the round rule."""

    def __init__(self, p: SimpleNamespace, runs: int, rng: np.random.Generator) -> None:
        self.p, self.runs, self.rng = p, runs, rng
        n = p.n_agents
        self.segment = np.arange(n) * p.segments // n
        radii = role_blast_radii(p.least_privilege)
        self.blast = np.array([radii[ROLES[i % len(ROLES)]] for i in range(n)], dtype=float)
        self.carrier = np.zeros((runs, n), dtype=bool)
        first = np.flatnonzero(self.segment == 0)
        for row in range(runs):
            self.carrier[row, rng.choice(first, size=p.initial_infected, replace=False)] = True
        self.quarantine_left = np.zeros((runs, n), dtype=np.int64)
        self.slots = int(math.floor(p.capacity * n + 1e-9))
        self.new_false_alarms = np.zeros(runs, dtype=np.int64)
        self.round_harm = np.zeros(runs)
        self._position = np.arange(n)

    def report(self) -> dict[str, np.ndarray]:
        n = self.p.n_agents
        held = self.quarantine_left > 0
        idle = np.count_nonzero(held & ~self.carrier, axis=1)
        return {
            "infected": np.count_nonzero(self.carrier, axis=1) / n,
            "active_infected": np.count_nonzero(self.carrier & ~held, axis=1) / n,
            "quarantined": np.count_nonzero(held, axis=1) / n,
            "false_alarms": self.new_false_alarms / n,
            "false_alarm_cost": idle / n,
            "harm": self.round_harm / n,
            "cost": (self.round_harm + idle) / n,
        }

    def step(self) -> None:
        p, rng, n = self.p, self.rng, self.p.n_agents
        carried = self.carrier.copy()
        self.new_false_alarms = np.zeros(self.runs, dtype=np.int64)
        if p.quarantine:
            active = self.quarantine_left == 0
            scores = rng.standard_normal((self.runs, n)) + p.sensitivity * self.carrier
            flagged = active & (scores > p.threshold)
            room = np.maximum(self.slots - np.count_nonzero(~active, axis=1), 0)
            over = np.count_nonzero(flagged, axis=1) > room
            if over.any():  # a random subset of the flagged agents fits in
                keys = np.where(flagged, rng.random((self.runs, n)), 2.0)
                rank = np.argsort(np.argsort(keys, axis=1), axis=1)
                flagged &= rank < room[:, None]
            self.quarantine_left[flagged] = p.quarantine_rounds
            self.new_false_alarms = np.count_nonzero(flagged & ~self.carrier, axis=1)
        active = self.quarantine_left == 0
        self.round_harm = (self.carrier & active) @ self.blast
        rows, asking, answering = self._pairs(active)
        infect = (
            self.carrier[rows, asking]
            & ~self.carrier[rows, answering]
            & (rng.random(rows.size) < p.beta)
        )
        self.carrier[rows[infect], answering[infect]] = True
        self.carrier &= ~(carried & (rng.random((self.runs, n)) < p.gamma))
        held = self.quarantine_left > 0
        self.quarantine_left[held] -= 1
        self.carrier &= ~(held & (self.quarantine_left == 0))  # purged on release

    def _pairs(self, active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(run, questioner, answerer) index arrays of this round's chats."""
        p, rng = self.p, self.rng
        pool = np.broadcast_to(self.segment, active.shape).astype(np.int64)
        if p.segments > 1:
            pool = np.where(rng.random(active.shape) < p.cross_traffic, -1, pool)
        pool = np.where(active, pool, p.segments)  # quarantined agents sort last and never pair
        order = np.argsort(pool + rng.random(active.shape), axis=1)
        pools = np.take_along_axis(pool, order, axis=1)
        position = self._position
        is_start = np.ones(pools.shape, dtype=bool)
        is_start[:, 1:] = pools[:, 1:] != pools[:, :-1]
        rank = position - np.maximum.accumulate(np.where(is_start, position, 0), axis=1)
        first = np.zeros(pools.shape, dtype=bool)
        first[:, :-1] = (
            (rank[:, :-1] % 2 == 0) & (pools[:, 1:] == pools[:, :-1]) & (pools[:, :-1] < p.segments)
        )
        rows, cols = np.nonzero(first)
        return rows, order[rows, cols], order[rows, cols + 1]


def _resolve(params: dict[str, Any], owner: str) -> SimpleNamespace:
    p = SimpleNamespace(**DEFENCE_PARAMS.resolve(params, owner))
    _check_combination(p, owner)
    return p


@dataclass(frozen=True)
class DefenceRuns:
    """Reporter series of a batch: ``series[name][run, round]`` (round 0 = the start)."""

    series: dict[str, np.ndarray]
    params: dict[str, Any]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.series[name]

    def frame(self, run: int = 0) -> pd.DataFrame:
        """One run's series as a table like :func:`mesa_models.running.run` returns."""
        frame = pd.DataFrame({name: values[run] for name, values in self.series.items()})
        frame.index.name = "step"
        return frame


def simulate_defence(
    rounds: int = 100, runs: int = 8, *, rng: Any = None, **params: Any
) -> DefenceRuns:
    """Run ``runs`` independent copies of the defence model for ``rounds`` rounds.

    ``params`` are those of :data:`~mesa_models.security.defence.DEFENCE_PARAMS`; ``rng``
    seeds the whole batch (same seed, same batch).
    """
    owner = "simulate_defence"
    validate_rng(rng, owner)
    for name, value in (("rounds", rounds), ("runs", runs)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{owner}: parameter {name!r} got {value!r}; expected an integer >= 1")
        require(value >= 1, name, value, "an integer >= 1", owner)
    p = _resolve(params, owner)
    require(
        runs * p.n_agents <= MAX_CELLS,
        "runs",
        runs,
        f"runs x n_agents at most {MAX_CELLS:,} ({runs:,} x {p.n_agents:,} agents would need about "
        f"{runs * p.n_agents * 80 / 1e6:,.0f} MB of working arrays); split the batch",
        owner,
    )
    require(
        runs * (rounds + 1) <= MAX_CELLS,
        "rounds",
        rounds,
        f"runs x (rounds + 1) at most {MAX_CELLS:,} ({runs:,} x {rounds + 1:,} recorded values per reporter would "
        f"need about {runs * (rounds + 1) * 8 * len(REPORTERS) / 1e6:,.0f} MB); fewer rounds or runs",
        owner,
    )
    batch = _Batch(p, int(runs), np.random.default_rng(rng))
    series = {name: np.empty((runs, rounds + 1)) for name in REPORTERS}
    for t in range(rounds + 1):
        if t:
            batch.step()
        for name, values in batch.report().items():
            series[name][:, t] = values
    return DefenceRuns(series=series, params=vars(p))


class DefenceArray(RiskModel):
    """The defence model on NumPy arrays, one run (same parameters and reporters as
    :class:`~mesa_models.security.defence.DefenceModel`)."""

    params = DEFENCE_PARAMS
    reporters = {name: (lambda m, name=name: float(m.latest[name][0])) for name in REPORTERS}
    default_plots = ("infected", "quarantined")

    def __init__(self, *, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        self.batch = _Batch(_resolve(self.param_values, type(self).__name__), 1, self.rng)
        self.detection_rate, self.false_alarm_rate = monitor_rates(self.sensitivity, self.threshold)
        self.latest = self.batch.report()
        self.start_datacollector()

    def step(self) -> None:
        self.batch.step()
        self.latest = self.batch.report()
        self.datacollector.collect(self)

    @property
    def carrier(self) -> np.ndarray:
        return self.batch.carrier[0]

    @property
    def quarantine_left(self) -> np.ndarray:
        return self.batch.quarantine_left[0]

    def states(self) -> np.ndarray:
        """Per agent: 0 clean, 1 carrier, 2 clean in quarantine, 3 carrier in quarantine."""
        return self.carrier.astype(int) + 2 * (self.quarantine_left > 0)

    def draw_state(self, ax: plt.Axes) -> None:
        draw_defence_state(ax, self.states(), self.steps)


def _seed_list(seeds: Iterable[int], owner: str) -> list[int]:
    if isinstance(seeds, str) or not isinstance(seeds, Iterable):
        raise TypeError(
            f"{owner}: parameter 'seeds' got {seeds!r}; expected a list of integer seeds"
        )
    seeds = list(seeds)
    require(len(seeds) > 0, "seeds", seeds, "at least one seed", owner)
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise TypeError(f"{owner}: parameter 'seeds' holds {seed!r}; expected integers >= 0")
    return [int(s) for s in seeds]


def policy_outcome(
    rounds: int = 100, seeds: Iterable[int] = range(8), last: int = 20, **params: Any
) -> dict[str, float]:
    """Summarise a policy: a batch of ``len(seeds)`` runs of ``rounds`` rounds, seeded with
    the list ``seeds`` (same list, same outcome). Returns ``infected`` (share infected, mean over the last ``last`` rounds and the
    runs) with its standard error ``infected_se``, ``peak`` (mean of the runs' highest
    infected share), and ``false_alarm_cost``, ``harm``, ``cost``, ``quarantined`` (means
    per round over all rounds and runs)."""
    owner = "policy_outcome"
    seeds = _seed_list(seeds, owner)
    if isinstance(last, bool) or not isinstance(last, int | np.integer):
        raise TypeError(f"{owner}: parameter 'last' got {last!r}; expected an integer")
    require(
        isinstance(rounds, int | np.integer)
        and not isinstance(rounds, bool)
        and 1 <= last <= rounds,
        "last",
        last,
        f"an integer in [1, rounds={rounds!r}]",
        owner,
    )
    result = simulate_defence(rounds, len(seeds), rng=np.random.SeedSequence(seeds), **params)
    late = result["infected"][:, -last:].mean(axis=1)
    summary = {
        "infected": float(late.mean()),
        "infected_se": float(late.std(ddof=1) / math.sqrt(len(late)))
        if len(late) > 1
        else float("nan"),
        "peak": float(result["infected"].max(axis=1).mean()),
    }
    for name in ("false_alarm_cost", "harm", "cost", "quarantined"):
        summary[name] = float(result[name][:, 1:].mean())
    return summary


def threshold_sweep(
    thresholds: Iterable[float],
    rounds: int = 100,
    seeds: Iterable[int] = range(8),
    last: int = 20,
    **params: Any,
) -> pd.DataFrame:
    """:func:`policy_outcome` for each threshold: one row per threshold (the index), with
    the monitor's detection and false-alarm rates."""
    sensitivity = params.get("sensitivity", DEFENCE_PARAMS["sensitivity"].default)
    rows = {}
    for threshold in thresholds:
        outcome = policy_outcome(rounds, seeds, last, threshold=threshold, **params)
        outcome["detection_rate"], outcome["false_alarm_rate"] = monitor_rates(
            sensitivity, threshold
        )
        rows[float(threshold)] = outcome
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "threshold"
    return frame

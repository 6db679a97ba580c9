"""NumPy engine for the oversight model: the rules of
:class:`mesa_models.governance.oversight.OversightModel` on arrays, many runs at once, for
sweeps over k, n, correlation, layers, diversity, rotation and audits of the auditors
(tests/test_oversight.py compares its statistics with the Mesa model and with the exact
rates of :func:`~mesa_models.governance.oversight.oversight_rates`).

State: ``captor[run, auditor]`` (the proposer that captured the auditor, or -1). A round,
for all runs and proposers at once, as in the Mesa model:

1. each proposal is high-risk with probability ``high_risk_share``; its panels are a fresh
   draw (``rotation``) or the proposer's fixed panels: seat j of each of the ``layers``
   panels comes from family ``j % families``, without repetition within a proposal;
2. for each proposal and family a shared verdict applies with probability ``correlation``;
   otherwise each auditor decides alone; an auditor captured by the proposer approves;
3. a low-risk action is executed if seat 0 of panel 1 approves; a high-risk action if every
   panel gives ``k`` approvals (panels after the first failing one do not review);
4. executed approvals are re-checked with probability ``meta_audit_rate``; a
   harmful one is recognised with probability ``1 - meta_error_rate`` and its captured
   approvers are replaced; then each uncaptured auditor that reviewed a misaligned
   proposer's action was captured with probability ``capture_rate`` (one successful
   captor at random when several succeed).

:func:`simulate_oversight` returns an :class:`OversightRuns` (one array per reporter,
shape ``(runs, rounds + 1)``); :func:`oversight_outcome` averages a policy's late rounds
over runs; :func:`oversight_sweep` does so for a list of settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mesa_models.base import seed_argument, validate_rng
from mesa_models.governance.oversight import (
    OVERSIGHT_PARAMS,
    _Values,
    check_oversight,
    family_sizes,
)
from mesa_models.params import Param, require, validate_arguments

__all__ = [
    "REPORTERS",
    "OversightRuns",
    "oversight_outcome",
    "oversight_sweep",
    "simulate_oversight",
]

#: Reporter names, as in :class:`~mesa_models.governance.oversight.OversightModel`.
REPORTERS = ("residual_harm", "false_blocks", "reviews", "captured", "caught")
#: Refuse batches whose per-round arrays (runs x proposers x layers x auditors) pass this.
MAX_CELLS = 4_000_000


class _Batch:
    def __init__(self, p: _Values, runs: int, rng: np.random.Generator) -> None:
        self.p, self.runs, self.rng = p, runs, rng
        P = p.n_proposers
        self.misaligned = np.zeros((runs, P), dtype=bool)
        n_bad = round(p.misaligned_share * P)
        for row in range(runs):
            self.misaligned[row, rng.choice(P, size=n_bad, replace=False)] = True
        self.captor = np.full((runs, p.pool_size), -1, dtype=np.int64)
        self.family_pool = [np.arange(f, p.pool_size, p.families) for f in range(p.families)]
        self.sizes = family_sizes(p.n_auditors, p.families)
        self.slot_family = np.arange(p.n_auditors) % p.families
        self.fixed = self.draw_panels() if not p.rotation else None
        self.latest = dict.fromkeys(REPORTERS, np.zeros(runs))
        self.latest["captured"] = np.zeros(runs)

    def draw_panels(self) -> np.ndarray:
        """(runs, proposers, layers, n_auditors) auditor indices."""
        p, rng = self.p, self.rng
        R, P, L, n = self.runs, p.n_proposers, p.layers, p.n_auditors
        panels = np.empty((R, P, L, n), dtype=np.int64)
        for f in range(p.families):
            pool = self.family_pool[f]
            need = self.sizes[f] * L
            keys = rng.random((R, P, pool.size))
            picks = pool[np.argsort(keys, axis=-1)[..., :need]].reshape(R, P, L, self.sizes[f])
            panels[..., self.slot_family == f] = picks
        return panels

    def step(self) -> None:
        p, rng = self.p, self.rng
        R, P, L, n, F = self.runs, p.n_proposers, p.layers, p.n_auditors, p.families
        panels = self.draw_panels() if p.rotation else self.fixed
        harmful = self.misaligned
        high = rng.random((R, P)) < p.high_risk_share
        approve_p = np.where(harmful, p.error_rate, 1 - p.false_block_rate)
        together = rng.random((R, P, F)) < p.correlation
        shared = rng.random((R, P, F)) < approve_p[..., None]
        own = rng.random((R, P, L, n)) < approve_p[..., None, None]
        fam_together = together[..., self.slot_family][:, :, None, :]
        fam_shared = shared[..., self.slot_family][:, :, None, :]
        vote = np.where(fam_together, fam_shared, own)
        proposer_id = np.arange(P)[None, :, None, None]
        was_captor = self.captor[
            np.arange(R)[:, None, None, None], panels
        ]  # captor at the start of the round
        vote |= harmful[..., None, None] & (was_captor == proposer_id)
        ok = vote.sum(axis=-1) >= p.k  # (R, P, L)
        leading = np.cumprod(ok, axis=-1).sum(axis=-1)  # panels passed before the first failure
        high_exec = leading == L
        reached = np.minimum(leading + 1, L)
        reviewed = np.arange(L)[None, None, :, None] < reached[..., None, None]
        reviewed = np.broadcast_to(reviewed, (R, P, L, n)).copy()
        low_reviewed = np.zeros((L, n), dtype=bool)
        low_reviewed[0, 0] = True
        reviewed = np.where(high[..., None, None], reviewed, low_reviewed)
        executed = np.where(high, high_exec, vote[:, :, 0, 0])
        harm = (harmful & executed) * np.where(high, p.high_risk_harm, 1.0)
        benign = ~harmful
        n_benign = benign.sum(axis=1)
        blocked = (benign & ~executed).sum(axis=1)
        reviews = np.where(high, reached * n, 1).sum(axis=1)
        # second-level audit of the log
        rechecked = executed & (rng.random((R, P)) < p.meta_audit_rate)
        caught = rechecked & harmful & (rng.random((R, P)) >= p.meta_error_rate)
        self.latest = {
            "residual_harm": harm.sum(axis=1) / P,
            "false_blocks": np.where(n_benign > 0, blocked / np.maximum(n_benign, 1), 0.0),
            "reviews": (reviews + rechecked.sum(axis=1)) / P,
            "caught": caught.sum(axis=1) / P,
        }
        # replacements: captured approvers of caught proposals
        found = caught[..., None, None] & reviewed & vote & (was_captor >= 0)
        rows, props, levels, seats = np.nonzero(found)
        self.captor[rows, panels[rows, props, levels, seats]] = -1
        # captures: uncaptured reviewers of misaligned proposals, one winner per auditor
        if p.capture_rate > 0:
            tries = (
                reviewed
                & harmful[..., None, None]
                & (was_captor < 0)
                & (rng.random((R, P, L, n)) < p.capture_rate)
            )
            rows, props, levels, seats = np.nonzero(tries)
            if rows.size:
                auditors = panels[rows, props, levels, seats]
                keys = rng.random(rows.size)
                order = np.lexsort((keys, auditors, rows))
                rows, auditors, props = rows[order], auditors[order], props[order]
                last = np.ones(rows.size, dtype=bool)
                last[:-1] = (rows[1:] != rows[:-1]) | (auditors[1:] != auditors[:-1])
                self.captor[rows[last], auditors[last]] = props[last]
        self.latest["captured"] = (self.captor >= 0).mean(axis=1)


def _resolve(params: Mapping[str, Any], owner: str) -> _Values:
    values = _Values(OVERSIGHT_PARAMS.resolve(dict(params), owner))
    check_oversight(values, owner)
    return values


@dataclass(frozen=True)
class OversightRuns:
    """Reporter series of a batch: ``series[name][run, round]`` (round 0 = the start)."""

    series: dict[str, np.ndarray]
    params: dict[str, Any]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.series[name]

    def frame(self, run: int = 0) -> pd.DataFrame:
        """One run's series as a table like :func:`mesa_models.running.run` returns."""
        require(
            isinstance(run, int | np.integer) and 0 <= run < len(self.series["residual_harm"]),
            "run",
            run,
            f"an integer in [0, {len(self.series['residual_harm']) - 1}]",
            "OversightRuns.frame",
        )
        frame = pd.DataFrame({name: values[run] for name, values in self.series.items()})
        frame.index.name = "step"
        return frame


_COUNT = {
    "rounds": Param("rounds", 50, "rounds to simulate", "rounds", low=1, high=100_000),
    "runs": Param("runs", 20, "independent runs", "runs", low=1, high=100_000),
}


@validate_arguments(**_COUNT, rng=seed_argument("rng"))
def simulate_oversight(
    rounds: int = 50, runs: int = 20, *, rng: Any = None, **params: Any
) -> OversightRuns:
    """Run ``runs`` independent copies of the oversight model for ``rounds`` rounds.

    ``params`` are :data:`~mesa_models.governance.oversight.OVERSIGHT_PARAMS`; ``rng`` seeds
    the whole batch (same seed, same batch)."""
    owner = "simulate_oversight"
    p = _resolve(params, owner)
    cells = runs * p.n_proposers * p.layers * p.n_auditors
    require(
        cells <= MAX_CELLS,
        "runs",
        runs,
        f"runs x n_proposers x layers x n_auditors at most {MAX_CELLS:,} ({cells:,} would need about "
        f"{cells * 60 / 1e6:,.0f} MB of working arrays per round); run fewer at a time",
        owner,
    )
    batch = _Batch(p, int(runs), np.random.default_rng(rng))
    series = {name: np.zeros((runs, rounds + 1)) for name in REPORTERS}
    for t in range(1, rounds + 1):
        batch.step()
        for name in REPORTERS:
            series[name][:, t] = batch.latest[name]
    return OversightRuns(series=series, params=vars(p))


@validate_arguments(
    **_COUNT,
    late=Param("late", 20, "final rounds averaged", "rounds", low=1, high=100_000),
    rng=seed_argument("rng"),
)
def oversight_outcome(
    rounds: int = 60, runs: int = 20, late: int = 20, *, rng: Any = 0, **params: Any
) -> dict[str, float]:
    """Mean of each reporter over the last ``late`` rounds and all runs (plus its standard
    error across runs, ``<name>_se``)."""
    require(late <= rounds, "late", late, f"at most rounds = {rounds}", "oversight_outcome()")
    result = simulate_oversight(rounds, runs, rng=rng, **params)
    out: dict[str, float] = {}
    for name in REPORTERS:
        per_run = result[name][:, -late:].mean(axis=1)
        out[name] = float(per_run.mean())
        out[f"{name}_se"] = float(per_run.std(ddof=1) / np.sqrt(runs)) if runs > 1 else float("nan")
    return out


def oversight_sweep(
    settings: Iterable[Mapping[str, Any]],
    *,
    rounds: int = 60,
    runs: int = 20,
    late: int = 20,
    rng: Any = 0,
    **params: Any,
) -> pd.DataFrame:
    """:func:`oversight_outcome` for each dict of ``settings`` (on top of ``params``), one
    row per setting; the batch seed is the same for every setting (common random numbers)."""
    validate_rng(rng, "oversight_sweep()")
    if isinstance(settings, Mapping) or not isinstance(settings, Iterable):
        raise TypeError(
            f"oversight_sweep(): parameter 'settings' got {settings!r}; expected a list of dicts of parameters"
        )
    rows = []
    for setting in settings:
        if not isinstance(setting, Mapping):
            raise TypeError(
                f"oversight_sweep(): parameter 'settings' contains {setting!r}; expected dicts of parameters"
            )
        rows.append(
            {**setting, **oversight_outcome(rounds, runs, late, rng=rng, **{**params, **setting})}
        )
    require(
        bool(rows), "settings", settings, "at least one dict of parameters", "oversight_sweep()"
    )
    return pd.DataFrame(rows)

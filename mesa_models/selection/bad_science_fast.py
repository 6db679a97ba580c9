"""Compiled engine for the natural selection of bad science: a million time steps in seconds.

The same model as :class:`mesa_models.selection.bad_science.BadScience` (see that module for
the rules, the source and the parameters), written as one loop over time steps and labs
that `numba <https://numba.pydata.org>`_ compiles when it is installed. Without numba the
very same functions run as plain Python (about a hundred times slower) and give the same
results. The Mesa model calls the helpers below (:func:`sample_distinct`, :func:`lab_rates`)
and draws its random numbers in the same order, so from the same seed the two engines
produce the same run, lab for lab and step for step (tests/test_bad_science.py).

Public API:

* :func:`simulate` — several seeds at the paper's scale (100 labs, 10⁶ time steps); time
  series of mean effort, false discovery rate and more, recorded every ``record_every``
  steps (:class:`BadScienceRuns`).
* :func:`contest` — a quick test of which way selection pushes: half the labs work with
  ``low_effort``, half with ``high_effort``, nothing mutates, and we record which kind takes
  over. The measure of an audit policy in the lab.
* :class:`BadScienceFast` — a course model whose one step is ``steps_per_tick`` time steps,
  for dashboards that must show hundreds of thousands of steps.

Extension points: the audit policies are parameters (``audit_rate``, ``audit_penalty``,
``vetted_claims``); for an audit rule written as a Python function use the Mesa model's
``audit_policy=``.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require

try:  # numba is optional: without it the same code runs as plain Python
    from numba import njit

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only where numba is missing (JupyterLite)
    HAVE_NUMBA = False

    def njit(*args: Any, **kwargs: Any) -> Any:
        if args and callable(args[0]):
            return args[0]
        return lambda function: function


__all__ = [
    "BAD_SCIENCE_PARAMS",
    "COLUMNS",
    "HAVE_NUMBA",
    "BadScienceFast",
    "BadScienceRuns",
    "ContestResult",
    "LabState",
    "advance",
    "contest",
    "initial_state",
    "lab_rates",
    "plot_runs",
    "sample_distinct",
    "simulate",
    "simulate_cached",
]

#: The model's parameters, declared once (Smaldino & McElreath 2016, Table 1; defaults are
#: their effort-evolution experiment: effort mutates, power and replication do not). The
#: last three are this course's extension: audits of claims.
BAD_SCIENCE_PARAMS = Params(
    Param("n_labs", 100, "number of labs (N)", "labs", low=2, high=5_000),
    Param(
        "base_rate",
        0.1,
        "share of novel hypotheses that are true (b)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "effort",
        75.0,
        "initial effort of every lab (e0); less effort means more studies and more false positives",
        "effort units",
        low=1,
        high=100,
        step=1,
    ),
    Param(
        "power",
        0.8,
        "initial statistical power of every lab (W0)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "replication",
        0.0,
        "initial share of a lab's studies that replicate a published claim (r0)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "eta",
        0.2,
        "influence of effort on productivity: a lab starts a study with probability 1 − eta·log10(effort)",
        "",
        low=0,
        high=0.5,
        step=0.01,
    ),
    Param(
        "payoff_novel",
        1.0,
        "pay-off for publishing a novel (positive) result (V_N)",
        "pay-off",
        low=0,
        high=1000,
        step=0.1,
        widget_max=5,
    ),
    Param(
        "payoff_replication_pos",
        0.5,
        "pay-off for publishing a successful replication (V_R+)",
        "pay-off",
        low=0,
        high=1000,
        step=0.1,
        widget_max=5,
    ),
    Param(
        "payoff_replication_neg",
        0.5,
        "pay-off for publishing a failed replication (V_R−)",
        "pay-off",
        low=0,
        high=1000,
        step=0.1,
        widget_max=5,
    ),
    Param(
        "payoff_original_pos",
        0.1,
        "pay-off to a lab whose claim is replicated (V_O+)",
        "pay-off",
        low=-1000,
        high=1000,
        step=0.1,
        widget_max=5,
    ),
    Param(
        "payoff_original_neg",
        -100.0,
        "pay-off to a lab whose claim fails to replicate (V_O−)",
        "pay-off",
        low=-10_000,
        high=1000,
        step=1,
    ),
    Param(
        "sample_size",
        10,
        "labs sampled for each death and each birth (d)",
        "labs",
        low=1,
        high=1000,
    ),
    Param(
        "mutation_effort",
        0.01,
        "chance that a new lab's effort mutates (mu_e)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "mutation_power",
        0.0,
        "chance that a new lab's power mutates (mu_w)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "mutation_replication",
        0.0,
        "chance that a new lab's replication rate mutates (mu_r)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "sd_effort",
        1.0,
        "standard deviation of an effort mutation (sigma_e)",
        "effort units",
        low=0,
        high=100,
        step=0.1,
    ),
    Param(
        "sd_power",
        0.01,
        "standard deviation of a power mutation (sigma_w)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "sd_replication",
        0.01,
        "standard deviation of a replication mutation (sigma_r)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "audit_rate",
        0.0,
        "extension: chance that a new claim is audited at once (an audit finds the truth)",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "audit_penalty",
        100.0,
        "extension: pay-off lost for each false claim an audit finds",
        "pay-off",
        low=0,
        high=1e6,
        step=1,
        widget_max=200,
    ),
    Param(
        "vetted_claims",
        0,
        "extension: claims audited of each lab about to be copied (0 = no vetting)",
        "claims",
        low=0,
        high=100,
    ),
)

#: Columns of the kernel's record rows (per recording interval).
COLUMNS = (
    "effort",
    "power",
    "false_positive_rate",
    "replication_rate",
    "claims_true",
    "claims_false",
    "replications",
    "failed_replications",
    "audits",
    "audits_failed",
    "steps",
)

# Refuse simulations whose records would not fit comfortably in memory.
MAX_RECORD_BYTES = 400 * 2**20


# -- the kernel (numba-compatible Python) -------------------------------------------------------
@njit(cache=True)
def lab_rates(effort: float, power: float, eta: float) -> tuple[float, float]:
    """A lab's false positive rate α = W / (1 + (1 − W) e) and its chance of starting a
    study in a time step h = 1 − η log10(e)."""
    return power / (1.0 + (1.0 - power) * effort), 1.0 - eta * math.log10(effort)


@njit(cache=True)
def sample_distinct(rng: np.random.Generator, n: int, k: int, pool: np.ndarray) -> None:
    """Put ``k`` distinct integers from ``range(n)``, in random order, in ``pool[:k]``
    (a partial Fisher–Yates shuffle; ``pool`` needs room for ``n`` entries)."""
    for j in range(n):
        pool[j] = j
    for j in range(k):
        m = j + rng.integers(0, n - j)
        pool[j], pool[m] = pool[m], pool[j]


@njit(cache=True)
def _advance(
    rng,
    steps,
    every,
    effort,
    power,
    repl,
    payoff,
    age,
    ctrue,
    cfalse,
    dead,
    alpha,
    prod,
    pending,
    pool,
    order,
    out,
    row,
    b,
    eta,
    v_novel,
    v_rep_pos,
    v_rep_neg,
    v_orig_pos,
    v_orig_neg,
    d,
    mu_e,
    mu_w,
    mu_r,
    sd_e,
    sd_w,
    sd_r,
    audit_rate,
    audit_penalty,
    vet,
):
    n = effort.shape[0]
    acc = np.zeros(
        7
    )  # claims_true, claims_false, replications, failed, audits, audits_failed, steps
    for t in range(steps):
        total = dead[0] + dead[1]
        for i in range(n):
            total += ctrue[i] + cfalse[i]
        u = rng.random(n)
        # -- science: every lab, in slot order ------------------------------------------
        for i in range(n):
            pending[i] = 0
            rho = repl[i] if total > 0 else 0.0
            novel = prod[i] * (1.0 - rho)
            t_true = novel * b * power[i]
            t_false = t_true + novel * (1.0 - b) * alpha[i]
            t_rep = t_false + prod[i] * rho
            x = u[i]
            if x < t_false:  # a positive novel result, published: a claim
                truth = x < t_true
                payoff[i] += v_novel
                if truth:
                    pending[i] = 1
                    acc[0] += 1
                else:
                    pending[i] = 2
                    acc[1] += 1
                if audit_rate > 0.0 and rng.random() < audit_rate:
                    acc[4] += 1
                    if not truth:
                        acc[5] += 1
                        payoff[i] -= audit_penalty
            elif x < t_rep:  # a replication of a published claim drawn at random
                k = rng.integers(0, total)
                owner = -1
                truth = False
                if k < dead[0]:
                    truth = True
                elif k < dead[0] + dead[1]:
                    truth = False
                else:
                    k -= dead[0] + dead[1]
                    for j in range(n):
                        if k < ctrue[j]:
                            owner = j
                            truth = True
                            break
                        k -= ctrue[j]
                    if owner < 0:
                        for j in range(n):
                            if k < cfalse[j]:
                                owner = j
                                break
                            k -= cfalse[j]
                acc[2] += 1
                chance = power[i] if truth else alpha[i]
                if rng.random() < chance:
                    payoff[i] += v_rep_pos
                    if owner >= 0:
                        payoff[owner] += v_orig_pos
                else:
                    acc[3] += 1
                    payoff[i] += v_rep_neg
                    if owner >= 0:
                        payoff[owner] += v_orig_neg
        for i in range(n):
            if pending[i] == 1:
                ctrue[i] += 1
            elif pending[i] == 2:
                cfalse[i] += 1
            age[i] += 1
        # -- evolution: the oldest of d sampled labs dies ------------------------------------
        sample_distinct(rng, n, d, pool)
        dv = pool[0]
        for j in range(1, d):
            if age[pool[j]] > age[dv]:
                dv = pool[j]
        # ... and the best-paid of d others is copied (after vetting, if any)
        sample_distinct(rng, n - 1, d, pool)
        for j in range(d):
            if pool[j] >= dv:
                pool[j] += 1
        parent = pool[0]
        for j in range(1, d):
            if payoff[pool[j]] > payoff[parent]:
                parent = pool[j]
        if vet > 0:
            for j in range(d):  # candidates by pay-off, highest first; ties in sample order
                order[j] = pool[j]
            for j in range(1, d):
                c = order[j]
                m = j
                while m > 0 and payoff[order[m - 1]] < payoff[c]:
                    order[m] = order[m - 1]
                    m -= 1
                order[m] = c
            parent = -1
            for j in range(d):
                c = order[j]
                claims = ctrue[c] + cfalse[c]
                bad = 0
                if claims > 0:
                    for a in range(vet):
                        acc[4] += 1
                        if rng.integers(0, claims) < cfalse[c]:
                            bad += 1
                if bad == 0:
                    parent = c
                    break
                acc[5] += bad
                payoff[c] -= audit_penalty * bad
            if parent < 0:  # nobody passed: the best-paid after penalties
                parent = pool[0]
                for j in range(1, d):
                    if payoff[pool[j]] > payoff[parent]:
                        parent = pool[j]
        dead[0] += ctrue[dv]
        dead[1] += cfalse[dv]
        e = effort[parent]
        w = power[parent]
        r = repl[parent]
        if mu_e > 0.0 and rng.random() < mu_e:
            e = min(100.0, max(1.0, e + rng.normal(0.0, sd_e)))
        if mu_w > 0.0 and rng.random() < mu_w:
            w = min(1.0, max(0.0, w + rng.normal(0.0, sd_w)))
        if mu_r > 0.0 and rng.random() < mu_r:
            r = min(1.0, max(0.0, r + rng.normal(0.0, sd_r)))
        effort[dv] = e
        power[dv] = w
        repl[dv] = r
        payoff[dv] = 0.0
        age[dv] = 0
        ctrue[dv] = 0
        cfalse[dv] = 0
        alpha[dv], prod[dv] = lab_rates(e, w, eta)
        acc[6] += 1
        if every > 0 and (t + 1) % every == 0:
            out[row, 0] = effort.mean()
            out[row, 1] = power.mean()
            out[row, 2] = alpha.mean()
            out[row, 3] = repl.mean()
            for c in range(7):
                out[row, 4 + c] = acc[c]
                acc[c] = 0.0
            row += 1
    return row


# -- state and parameters ------------------------------------------------------------------------
@dataclass
class LabState:
    """Every lab's traits and record, one array entry per lab slot, plus the claims of dead labs."""

    effort: np.ndarray
    power: np.ndarray
    replication: np.ndarray
    payoff: np.ndarray
    age: np.ndarray
    claims_true: np.ndarray
    claims_false: np.ndarray
    dead: np.ndarray = field(
        default_factory=lambda: np.zeros(2, dtype=np.int64)
    )  # claims of dead labs: (true, false)

    def __post_init__(self) -> None:
        self.alpha = np.zeros(len(self.effort))  # false positive rate of each lab
        self.productivity = np.zeros(len(self.effort))  # chance of starting a study each step

    def refresh_rates(self, eta: float) -> None:
        """Recompute every lab's α and h from its effort and power."""
        for i in range(len(self.effort)):
            self.alpha[i], self.productivity[i] = lab_rates(
                float(self.effort[i]), float(self.power[i]), float(eta)
            )

    def copy(self) -> LabState:
        new = LabState(
            *(
                np.array(getattr(self, f))
                for f in (
                    "effort",
                    "power",
                    "replication",
                    "payoff",
                    "age",
                    "claims_true",
                    "claims_false",
                    "dead",
                )
            )
        )
        new.alpha, new.productivity = self.alpha.copy(), self.productivity.copy()
        return new


def resolve(params: dict[str, Any], owner: str) -> dict[str, Any]:
    """Validate parameters (declared ranges and the constraints between them)."""
    values = BAD_SCIENCE_PARAMS.resolve(params, owner)
    require(
        values["sample_size"] < values["n_labs"],
        "sample_size",
        values["sample_size"],
        f"less than n_labs={values['n_labs']} (the birth sample excludes the lab that just died)",
        owner,
    )
    return values


def initial_state(
    values: dict[str, Any], effort: Any = None, owner: str = "initial_state"
) -> LabState:
    """Every lab with the initial traits (``effort`` may be one value per lab)."""
    n = values["n_labs"]
    if effort is None:
        efforts = np.full(n, float(values["effort"]))
    else:
        efforts = np.array(effort, dtype=float)
        if (
            efforts.shape != (n,)
            or not np.isfinite(efforts).all()
            or efforts.min() < 1
            or efforts.max() > 100
        ):
            raise ValueError(
                f"{owner}: parameter 'effort' got {effort!r}; allowed: a number or {n} numbers in [1, 100]"
            )
    state = LabState(
        effort=efforts,
        power=np.full(n, float(values["power"])),
        replication=np.full(n, float(values["replication"])),
        payoff=np.zeros(n),
        age=np.zeros(n, dtype=np.int64),
        claims_true=np.zeros(n, dtype=np.int64),
        claims_false=np.zeros(n, dtype=np.int64),
    )
    state.refresh_rates(values["eta"])
    return state


def advance(
    state: LabState,
    rng: np.random.Generator,
    steps: int,
    values: dict[str, Any],
    *,
    every: int = 0,
    out: np.ndarray | None = None,
    row: int = 0,
) -> int:
    """Advance ``state`` by ``steps`` time steps in place; record a row of :data:`COLUMNS`
    into ``out`` every ``every`` steps (0: never). Returns the next free row."""
    n = len(state.effort)
    if out is None:
        out = np.zeros((0, len(COLUMNS)))
    pending = np.zeros(n, dtype=np.int8)
    pool = np.zeros(n, dtype=np.int64)
    order = np.zeros(n, dtype=np.int64)
    return int(
        _advance(
            rng,
            int(steps),
            int(every),
            state.effort,
            state.power,
            state.replication,
            state.payoff,
            state.age,
            state.claims_true,
            state.claims_false,
            state.dead,
            state.alpha,
            state.productivity,
            pending,
            pool,
            order,
            out,
            int(row),
            float(values["base_rate"]),
            float(values["eta"]),
            float(values["payoff_novel"]),
            float(values["payoff_replication_pos"]),
            float(values["payoff_replication_neg"]),
            float(values["payoff_original_pos"]),
            float(values["payoff_original_neg"]),
            int(values["sample_size"]),
            float(values["mutation_effort"]),
            float(values["mutation_power"]),
            float(values["mutation_replication"]),
            float(values["sd_effort"]),
            float(values["sd_power"]),
            float(values["sd_replication"]),
            float(values["audit_rate"]),
            float(values["audit_penalty"]),
            int(values["vetted_claims"]),
        )
    )


# -- many runs ------------------------------------------------------------------------------------
@dataclass
class BadScienceRuns:
    """Results of :func:`simulate`: arrays of shape (runs, records); ``steps`` has the time
    step of each record (record 0 is the start)."""

    seeds: list[int]
    params: dict[str, Any]
    steps: np.ndarray
    records: np.ndarray  # (runs, records, len(COLUMNS))
    wall_time: float

    def column(self, name: str) -> np.ndarray:
        return self.records[:, :, COLUMNS.index(name)]

    @property
    def effort(self) -> np.ndarray:
        """Mean effort of the labs."""
        return self.column("effort")

    @property
    def power(self) -> np.ndarray:
        return self.column("power")

    @property
    def false_positive_rate(self) -> np.ndarray:
        """Mean false positive rate α of the labs."""
        return self.column("false_positive_rate")

    @property
    def replication_rate(self) -> np.ndarray:
        return self.column("replication_rate")

    @property
    def false_discovery_rate(self) -> np.ndarray:
        """Share of the claims published since the previous record that are false."""
        true, false = self.column("claims_true"), self.column("claims_false")
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(true + false > 0, false / (true + false), np.nan)

    @property
    def claims_per_step(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return (self.column("claims_true") + self.column("claims_false")) / self.column("steps")

    @property
    def audits_per_claim(self) -> np.ndarray:
        """Audits made per claim published (both kinds of audit), per record interval."""
        claims = self.column("claims_true") + self.column("claims_false")
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(claims > 0, self.column("audits") / claims, np.nan)

    def final(self, name: str, last: int = 1) -> np.ndarray:
        """Mean of ``name`` over each run's last ``last`` records."""
        values = getattr(self, name)
        return np.nanmean(values[:, -last:], axis=1)


def _seed_list(seeds: Iterable[int], owner: str) -> list[int]:
    if isinstance(seeds, numbers.Integral):
        raise TypeError(
            f"{owner}: parameter 'seeds' got {seeds!r}; expected several seeds, e.g. range(4)"
        )
    seeds = list(seeds)
    require(len(seeds) > 0, "seeds", seeds, "at least one seed", owner)
    for s in seeds:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 0:
            raise ValueError(f"{owner}: parameter 'seeds' holds {s!r}; allowed: integers >= 0")
    return [int(s) for s in seeds]


def _positive_int(value: Any, name: str, owner: str, low: int = 1) -> int:
    require(
        not isinstance(value, bool) and isinstance(value, numbers.Integral) and value >= low,
        name,
        value,
        f"an integer >= {low}",
        owner,
    )
    return int(value)


def simulate(
    seeds: Iterable[int], steps: int = 1_000_000, *, record_every: int = 10_000, **params: Any
) -> BadScienceRuns:
    """Run the model once per seed for ``steps`` time steps (the paper: 10⁶).

    Returns a :class:`BadScienceRuns` with one record at the start and one every
    ``record_every`` steps (``steps`` must be a multiple of it).
    """
    owner = "simulate"
    seeds = _seed_list(seeds, owner)
    steps = _positive_int(steps, "steps", owner)
    record_every = _positive_int(record_every, "record_every", owner)
    require(
        steps % record_every == 0,
        "record_every",
        record_every,
        f"a divisor of steps={steps}",
        owner,
    )
    values = resolve(params, owner)
    rows = steps // record_every + 1
    size = len(seeds) * rows * len(COLUMNS) * 8
    require(
        size <= MAX_RECORD_BYTES,
        "record_every",
        record_every,
        f"large enough that the records fit in memory ({size / 2**20:,.0f} MB requested, at most "
        f"{MAX_RECORD_BYTES / 2**20:,.0f} MB)",
        owner,
    )
    records = np.zeros((len(seeds), rows, len(COLUMNS)))
    start = time.perf_counter()
    for k, seed in enumerate(seeds):
        state = initial_state(values, owner=owner)
        records[k, 0, :4] = (
            state.effort.mean(),
            state.power.mean(),
            state.alpha.mean(),
            state.replication.mean(),
        )
        records[k, 0, 4:] = np.nan
        advance(
            state,
            np.random.default_rng(seed),
            steps,
            values,
            every=record_every,
            out=records[k],
            row=1,
        )
    return BadScienceRuns(
        seeds=seeds,
        params=values,
        steps=np.arange(rows) * record_every,
        records=records,
        wall_time=time.perf_counter() - start,
    )


@lru_cache(maxsize=16)
def _simulate_once(
    seeds: tuple[int, ...], steps: int, record_every: int, items: tuple[tuple[str, Any], ...]
) -> BadScienceRuns:
    return simulate(seeds, steps, record_every=record_every, **dict(items))


def simulate_cached(
    seeds: Iterable[int], steps: int = 1_000_000, *, record_every: int = 10_000, **params: Any
) -> BadScienceRuns:
    """:func:`simulate`, remembered: the same call again returns the same (shared, do not
    modify) result at once. For tests and notebooks that reuse a long run."""
    return _simulate_once(
        tuple(_seed_list(seeds, "simulate_cached")),
        steps,
        record_every,
        tuple(sorted(params.items())),
    )


@dataclass
class ContestResult:
    """Results of :func:`contest`, one entry per seed."""

    seeds: list[int]
    low_effort: float
    high_effort: float
    winner: list[str | None]  # "low", "high", or None (no winner within max_steps)
    steps: np.ndarray  # time steps played
    audits_per_claim: np.ndarray

    @property
    def low_wins(self) -> float:
        """Share of contests won by the low-effort labs (undecided ones count half)."""
        score = [1.0 if w == "low" else 0.0 if w == "high" else 0.5 for w in self.winner]
        return float(np.mean(score))


def contest(
    seeds: Iterable[int],
    *,
    low_effort: float = 60.0,
    high_effort: float = 75.0,
    max_steps: int = 100_000,
    check_every: int = 500,
    **params: Any,
) -> ContestResult:
    """Half the labs work with ``low_effort``, half with ``high_effort``; nothing mutates.
    Play until one kind has taken over (checked every ``check_every`` steps) or ``max_steps``.

    Selection favours low effort when the low-effort labs win more than half of the contests.
    """
    owner = "contest"
    seeds = _seed_list(seeds, owner)
    max_steps = _positive_int(max_steps, "max_steps", owner)
    check_every = _positive_int(check_every, "check_every", owner)
    for name, value in (("low_effort", low_effort), ("high_effort", high_effort)):
        require(
            not isinstance(value, bool) and isinstance(value, numbers.Real) and 1 <= value <= 100,
            name,
            value,
            "a number in [1, 100]",
            owner,
        )
    require(
        low_effort < high_effort,
        "low_effort",
        low_effort,
        f"less than high_effort={high_effort}",
        owner,
    )
    values = resolve(
        {**params, "mutation_effort": 0.0, "mutation_power": 0.0, "mutation_replication": 0.0},
        owner,
    )
    n = values["n_labs"]
    efforts = np.where(np.arange(n) < n // 2, float(low_effort), float(high_effort))
    winners, steps, audits = [], [], []
    for seed in seeds:
        state = initial_state(values, effort=efforts, owner=owner)
        rng = np.random.default_rng(seed)
        out = np.zeros((max_steps // check_every + 1, len(COLUMNS)))
        played, row, winner = 0, 0, None
        while played < max_steps:
            chunk = min(check_every, max_steps - played)
            row = advance(state, rng, chunk, values, every=chunk, out=out, row=row)
            played += chunk
            low = int(np.sum(state.effort == low_effort))
            if low in (0, n):
                winner = "low" if low == n else "high"
                break
        winners.append(winner)
        steps.append(played)
        claims = out[:row, 4].sum() + out[:row, 5].sum()
        audits.append(out[:row, 8].sum() / claims if claims else np.nan)
    return ContestResult(
        seeds=seeds,
        low_effort=float(low_effort),
        high_effort=float(high_effort),
        winner=winners,
        steps=np.array(steps),
        audits_per_claim=np.array(audits),
    )


# -- a dashboard model ----------------------------------------------------------------------------
class BadScienceFast(RiskModel):
    """The natural selection of bad science, ``steps_per_tick`` time steps per model step.

    For dashboards: one press of Run covers hundreds of thousands of time steps. Reporters
    (over the last tick): ``effort`` (mean effort), ``false_discovery_rate`` (share of new
    claims that are false), ``false_positive_rate`` (mean α), ``replication_rate``,
    ``power``, ``time_steps`` (time steps so far).
    """

    params = Params(
        *BAD_SCIENCE_PARAMS.values(),
        Param(
            "steps_per_tick",
            1000,
            "time steps of the paper per step of this model",
            "steps",
            low=1,
            high=1_000_000,
        ),
    )
    reporters = {
        "effort": lambda m: m.last[0],
        "false_discovery_rate": lambda m: m.last_fdr(),
        "false_positive_rate": lambda m: m.last[2],
        "replication_rate": lambda m: m.last[3],
        "power": lambda m: m.last[1],
        "time_steps": "time_steps",
    }
    default_plots = ("effort", "false_discovery_rate")

    def __init__(self, *, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=int(rng) if isinstance(rng, np.integer) else rng, **params)
        self.values = resolve(
            {k: v for k, v in self.param_values.items() if k != "steps_per_tick"}, "BadScienceFast"
        )
        self.state = initial_state(self.values, owner="BadScienceFast")
        self.time_steps = 0
        self.last = np.full(len(COLUMNS), np.nan)
        self.last[:4] = (
            self.state.effort.mean(),
            self.state.power.mean(),
            self.state.alpha.mean(),
            self.state.replication.mean(),
        )
        self.start_datacollector()

    def last_fdr(self) -> float:
        claims = self.last[4] + self.last[5]
        return float(self.last[5] / claims) if claims > 0 else float("nan")

    def step(self) -> None:
        out = np.zeros((1, len(COLUMNS)))
        advance(
            self.state,
            self.rng,
            self.steps_per_tick,
            self.values,
            every=self.steps_per_tick,
            out=out,
        )
        self.last = out[0]
        self.time_steps += self.steps_per_tick
        self.datacollector.collect(self)

    def draw_state(self, ax: plt.Axes) -> None:
        draw_efforts(ax, self.state.effort, time=self.time_steps)


def draw_efforts(ax: plt.Axes, efforts: np.ndarray, *, time: int | None = None) -> None:
    """Histogram of the labs' efforts (1–100)."""
    from mesa_models.plotting import COLORS

    ax.hist(np.asarray(efforts), bins=np.linspace(1, 100, 34), color=COLORS["blue"])
    ax.set_xlim(0, 101)
    ax.set_xlabel("effort (1 = least careful, 100 = most)")
    ax.set_ylabel("labs")
    when = f" after {time:,} time steps" if time is not None else ""
    ax.set_title(f"mean effort {np.mean(efforts):.0f}{when}")


def plot_runs(
    axes: Any, runs: dict[str, BadScienceRuns], *, colors: dict[str, str] | None = None
) -> None:
    """Mean effort (first axes) and false discovery rate (second) against time, one line per
    run, one colour per entry of ``runs`` (label -> :class:`BadScienceRuns`)."""
    from mesa_models.plotting import PALETTE

    ax_effort, ax_fdr = axes
    for k, (label, result) in enumerate(runs.items()):
        color = (colors or {}).get(label, PALETTE[k % len(PALETTE)])
        steps = result.steps / 1000
        for j in range(len(result.seeds)):
            kwargs = {"label": label} if j == 0 else {}
            ax_effort.plot(steps, result.effort[j], color=color, alpha=0.9, **kwargs)
            ax_fdr.plot(
                steps[1:], result.false_discovery_rate[j, 1:], color=color, alpha=0.9, **kwargs
            )
    ax_effort.set_ylim(0, 101)
    ax_effort.set_xlabel("time step (thousands)")
    ax_effort.set_ylabel("mean effort of the labs (1–100)")
    ax_fdr.set_ylim(0, 1)
    ax_fdr.set_xlabel("time step (thousands)")
    ax_fdr.set_ylabel("false discovery rate (share of claims)")
    ax_effort.legend(fontsize=8, loc="lower left")

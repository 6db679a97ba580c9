"""Unit 06 (selection pressures) at the published scale: the three results, with run times.

Not part of the test suite (tests/test_hawk_dove.py, test_moran.py and test_bad_science.py
check the same claims at CI scale). Prints, for each part, the measured figures and the
wall time:

* Hawk–Dove (Maynard Smith & Price 1973): 10,000 players, 10 seeds × 2,000 steps, for
  V/C = 0.4 and 0.25: the mean hawk share after a burn-in, with its standard error, against
  V/C (and V/C + 1/N, the finite-population value).
* Moran fixation (Nowak 2006, ch. 6): 10⁶ runs for small populations and 2×10⁵ for
  N >= 100: simulated fixation probability against (1 − 1/r)/(1 − 1/r^N), in binomial
  standard errors.
* Smaldino & McElreath (2016): 100 labs, Table 1 parameters, 10⁶ time steps, 50 runs per
  condition — their effort-evolution experiment (no replication), the replication
  rates of their Table 1 (0.01, 0.2, 0.5), and this course's audit extension (vetting one
  claim of each lab about to be copied; uniform audits of 30 % and 40 % of claims).

    python benchmarks/selection_full.py                       # everything, one process
    python benchmarks/selection_full.py --processes 2         # the runs split over 2 processes
    python benchmarks/selection_full.py --parts bad_science --runs 10 --conditions none vet1

Measured on the course's 2-core machine, shared with other jobs (load average 8-10), on
21 Nov 2026 — see ``MEASURED`` below (the lesson quotes these figures;
tests/test_selection_numbers.py checks that it quotes them right):

* Hawk–Dove, N = 10,000: 0.40005 ± 0.00015 for V/C = 0.4 (−0.3 SE from V/C + 1/N), 0.24984 ±
  0.00014 for V/C = 0.25 (−1.8 SE); 56 s and 48 s.
* Moran: every case within 1.5 SE of the formula (e.g. r = 1.1, N = 10: 0.14778 vs 0.14795 over
  10⁶ runs; r = 1.01, N = 1,000: 0.00958 vs 0.00990 over 2×10⁵ runs, −1.5 SE); 3–14 s per case
  with 10⁶ runs, 138 s for N = 1,000.
* Smaldino & McElreath, 50 runs × 10⁶ steps, one process: no replication 530 s (10.6 s per run),
  replication 0.5 763 s (15.3 s per run), vetting one claim 258 s (5.2 s per run).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from mesa_models.selection.bad_science_fast import HAVE_NUMBA, simulate
from mesa_models.selection.hawk_dove_fast import hawk_share_runs
from mesa_models.selection.moran_fast import simulate_fixation

#: Smaldino & McElreath conditions: name -> parameters (everything else from Table 1).
CONDITIONS = {
    "none": {},  # effort evolves, no replication
    "rep0.01": {"replication": 0.01},
    "rep0.2": {"replication": 0.2},
    "rep0.5": {"replication": 0.5},
    "vet1": {"vetted_claims": 1},
    "audit0.3": {"audit_rate": 0.3},
    "audit0.4": {"audit_rate": 0.4},
}
MORAN_CASES = (
    (1.1, 10, 10**6),
    (0.9, 10, 10**6),
    (1.5, 20, 10**6),
    (1.0, 50, 10**6),
    (1.1, 100, 200_000),
    (0.95, 100, 200_000),
    (1.01, 1000, 200_000),
)

#: Figures measured with this script (50 runs per condition, 10^6 steps); the lesson quotes them.
#: effort / fdr: mean over runs of the mean of the last 100,000 steps; below10: share of
#: runs whose effort ended below 10; first10: median time step at which effort first fell below 10.
MEASURED = {
    "none": {"effort": 1.0, "fdr": 0.882, "below10": 1.0, "first10": 525_000},
    "rep0.5": {"effort": 1.9, "fdr": 0.871, "below10": 0.96, "first10": 700_000},
    "vet1": {"effort": 77.2, "fdr": 0.355, "below10": 0.0, "first10": None},
}
#: Hawk–Dove, V = 2, C = 5, 10,000 players, 10 seeds: mean hawk share and its standard error.
MEASURED_HAWK_DOVE = {"mean": 0.40005, "se": 0.00015}


def quote(name: str) -> str:
    """The phrase the lesson uses to quote ``MEASURED[name]`` (a test checks it is quoted verbatim)."""
    m = MEASURED[name]
    text = (
        f"mean effort {m['effort']:.1f} and false discovery rate {m['fdr']:.2f} over the last 100,000 steps "
        f"(means of the 50 runs); effort ended below 10 in {m['below10']:.0%} of runs"
    )
    if m["first10"] is not None:
        text += f", first falling below 10 at step {m['first10']:,} (median)"
    return text


def quote_hawk_dove() -> str:
    """The phrase the lesson uses to quote ``MEASURED_HAWK_DOVE``."""
    return f"{MEASURED_HAWK_DOVE['mean']:.5f} ± {MEASURED_HAWK_DOVE['se']:.5f}"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def hawk_dove_part() -> None:
    n = 10_000
    for V, C in ((2.0, 5.0), (1.0, 4.0)):
        start = time.perf_counter()
        shares = hawk_share_runs(range(10), 2000, 200, n_agents=n, V=V, C=C)
        mean, error = shares.mean(), shares.std(ddof=1) / math.sqrt(len(shares))
        print(
            f"Hawk–Dove V = {V:g}, C = {C:g}, N = {n:,}: hawk share {mean:.5f} ± {error:.5f} (SE, 10 seeds); "
            f"V/C = {V / C:.5f}, V/C + 1/N = {V / C + 1 / n:.5f}; {(mean - V / C - 1 / n) / error:+.1f} SE from the latter; "
            f"{time.perf_counter() - start:.1f} s"
        )


def moran_part() -> None:
    for r, n, runs in MORAN_CASES:
        start = time.perf_counter()
        result = simulate_fixation(r, n, runs, rng=12345)
        z = (result.probability - result.exact) / result.standard_error
        print(
            f"Moran r = {r:g}, N = {n:,}: fixation {result.probability:.5f} vs exact {result.exact:.5f} over {runs:,} "
            f"runs ({z:+.2f} SE); mean time to fixation or loss {result.steps.mean():,.0f} steps; "
            f"{time.perf_counter() - start:.1f} s"
        )


def _one_condition(
    args: tuple[str, list[int], int],
) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    name, seeds, steps = args
    runs = simulate(seeds, steps, record_every=10_000, **CONDITIONS[name])
    return name, runs.effort, runs.false_discovery_rate, runs.audits_per_claim


def bad_science_part(names: list[str], runs: int, steps: int, processes: int) -> None:
    print(
        f"Smaldino & McElreath: 100 labs, {steps:,} time steps, {runs} runs per condition, {processes} process(es); "
        f"compiled engine: {'numba' if HAVE_NUMBA else 'none (plain Python: very slow)'}"
    )
    simulate([0], 1000, record_every=1000)  # compile (or load the cache) before timing
    for name in names:
        start = time.perf_counter()
        chunks = [list(range(k, runs, processes)) for k in range(processes)]
        jobs = [(name, chunk, steps) for chunk in chunks if chunk]
        if processes > 1:
            with ProcessPoolExecutor(processes) as pool:
                parts = list(pool.map(_one_condition, jobs))
        else:
            parts = [_one_condition(job) for job in jobs]
        effort = np.concatenate([p[1] for p in parts])
        fdr = np.concatenate([p[2] for p in parts])
        audits = np.concatenate([p[3] for p in parts])
        wall = time.perf_counter() - start
        last = 10  # records: the last 100,000 steps
        final_effort, final_fdr = effort[:, -last:].mean(axis=1), np.nanmean(fdr[:, -last:], axis=1)
        crossed = effort < 10
        first = np.where(crossed.any(axis=1), crossed.argmax(axis=1) * 10_000, -1)
        below = first[first >= 0]
        print(
            f"  {name:9s} {CONDITIONS[name]}: final effort {final_effort.mean():.1f} (sd {final_effort.std(ddof=1):.1f}), "
            f"final FDR {final_fdr.mean():.3f} (sd {final_fdr.std(ddof=1):.3f}), effort < 10 at the end in "
            f"{np.mean(final_effort < 10):.0%} of runs, first below 10 at step {np.median(below) if below.size else float('nan'):,.0f} "
            f"(median of {below.size} runs), audits per claim {np.nanmean(audits[:, 1:]):.3f}; "
            f"{wall:.0f} s wall, {wall * processes / runs:.1f} s per run per process"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["hawk_dove", "moran", "bad_science"],
        choices=["hawk_dove", "moran", "bad_science"],
    )
    parser.add_argument(
        "--runs", type=int, default=50, help="runs per Smaldino-McElreath condition (default 50)"
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=1_000_000,
        help="time steps per run (default 10^6, the paper's)",
    )
    parser.add_argument(
        "--processes", type=int, default=1, help="processes for the Smaldino-McElreath runs"
    )
    parser.add_argument(
        "--conditions", nargs="+", default=list(CONDITIONS), choices=list(CONDITIONS)
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.processes < 1 or args.steps < 10_000 or args.steps % 10_000:
        parser.error("--runs and --processes must be >= 1; --steps a multiple of 10,000")
    print(f"machine: {load()} (start); python {sys.version.split()[0]}")
    start = time.perf_counter()
    if "hawk_dove" in args.parts:
        hawk_dove_part()
    if "moran" in args.parts:
        moran_part()
    if "bad_science" in args.parts:
        bad_science_part(args.conditions, args.runs, args.steps, args.processes)
    print(f"machine: {load()} (end); total {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

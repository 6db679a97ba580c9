"""Full-scale Calvano et al. (2020) baseline: 1,000 sessions with the NumPy engine (opt-in).

Not part of the test suite. Reproduces the paper's headline, an average profit gain of
Delta = 0.849 over 1,000 sessions (Calvano, Calzolari, Denicolò & Pastorello 2020, AER
110(10): 3267–97, doi:10.1257/aer.20190623), at the paper's baseline: 2 firms, logit demand
(a = 2, a0 = 0, mu = 1/4, c = 1), delta = 0.95, m = 15, xi = 0.1, memory 1, alpha = 0.15,
beta = 4e-6, convergence after 100,000 periods without a change of greedy strategy.

    python benchmarks/calvano_full.py                   # 1,000 sessions, split over 2 processes
    python benchmarks/calvano_full.py --processes 1     # the same on one core
    python benchmarks/calvano_full.py --sessions 20     # a quick look
    python benchmarks/calvano_full.py --sessions 0 --replication /path/to/clone --replication-sessions 2

Prints mean and standard deviation of Delta against the published 0.849, convergence
share and time, the wall time and the sessions per second. Sessions are independent and
seeded one by one, so splitting the seeds over ``--processes`` workers (default 2, one per
core of the course's reference machine) gives exactly the same per-session results.

``--replication`` times a local clone of Matteo Courthoud's public Python replication
(https://github.com/matteocourthoud/Algorithmic-Collusion-Replication, MIT licence; not
part of this repository) for a few sessions, for a side-by-side sessions-per-second figure.
Note its convergence counter rises once per firm per period, so its 100,000 means 50,000
periods for two firms, and every session starts from the lowest prices.

Measured on the course's 2-core machine (21 Nov 2026): 1,000 sessions, all converged,
Delta mean 0.847 (std 0.117) vs the published 0.849; learning time mean 1.76 M periods
(longest session 3.26 M). Two processes: wall time 231 s, 4.3 sessions/s, peak memory
286 MB per process. One process (other jobs running): 387 s, 2.6 sessions/s. The
replication above: 2 sessions in 150 s, 0.013 sessions/s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from mesa_models.collusion.calvano_fast import simulate

PUBLISHED_DELTA = 0.849


def time_replication(folder: Path, sessions: int) -> None:
    """Sessions per second of Courthoud's replication (``input/init.py``, ``input/qlearning.py``)."""
    if not (folder / "input" / "qlearning.py").is_file():
        raise SystemExit(f"--replication {folder}: no input/qlearning.py there; clone the replication first")
    sys.path.insert(0, str(folder))
    from input.init import model  # noqa: PLC0415  (third-party code, imported only on request)
    from input.qlearning import simulate_game  # noqa: PLC0415

    start = time.perf_counter()
    for seed in range(sessions):
        np.random.seed(seed)
        with contextlib.redirect_stdout(io.StringIO()):  # it prints its progress
            simulate_game(model())
    wall = time.perf_counter() - start
    print(f"replication ({folder.name}): {sessions} sessions in {wall:,.1f} s; {sessions / wall:.4f} sessions per second")


def run_sessions(seeds: list[int]) -> dict[str, np.ndarray]:
    """One worker's share of the sessions: per-session results as plain arrays."""
    batch = simulate(seeds=seeds)
    return {
        "gain": batch.profit_gain(),
        "converged": batch.converged,
        "learning_time": batch.convergence_time,
        "periods": batch.periods,
        "fixed_point": np.array([len(c) == 1 for c in batch.cycles()]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000, help="number of sessions (default 1000)")
    parser.add_argument("--first-seed", type=int, default=0, help="seed of the first session (default 0)")
    parser.add_argument("--processes", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--replication", type=Path, help="folder of a clone of Courthoud's replication")
    parser.add_argument("--replication-sessions", type=int, default=2, help="sessions to time (default 2)")
    args = parser.parse_args(argv)
    if args.sessions < 0:
        parser.error(f"--sessions got {args.sessions}; allowed: an integer >= 0")
    if args.processes < 1:
        parser.error(f"--processes got {args.processes}; allowed: an integer >= 1")
    if args.replication is not None:
        time_replication(args.replication, args.replication_sessions)
    if args.sessions == 0:
        return 0

    seeds = list(range(args.first_seed, args.first_seed + args.sessions))
    chunks = [c.tolist() for c in np.array_split(seeds, min(args.processes, len(seeds)))]
    start = time.perf_counter()
    if len(chunks) == 1:
        parts = [run_sessions(chunks[0])]
    else:
        with ProcessPoolExecutor(len(chunks)) as pool:
            parts = list(pool.map(run_sessions, chunks))
    wall = time.perf_counter() - start
    r = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    gains, n = r["gain"], len(seeds)
    print(f"sessions: {n} (baseline parameters, beta = 4e-6), {len(chunks)} process(es)")
    print(f"converged: {r['converged'].sum()} of {n}; learning time (periods) mean "
          f"{r['learning_time'].mean():,.0f}, max {r['learning_time'].max():,}; "
          f"longest session {r['periods'].max():,} periods")
    print(f"profit gain Delta: mean {gains.mean():.3f}, std {gains.std(ddof=1) if n > 1 else 0:.3f} "
          f"(published: {PUBLISHED_DELTA}); median {np.median(gains):.3f}")
    print(f"converged to a fixed price pair: {r['fixed_point'].mean():.0%} of sessions")
    print(f"wall time: {wall:,.1f} s; {n / wall:.3f} sessions per second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

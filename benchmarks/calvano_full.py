"""Full-scale Calvano et al. (2020) baseline: 1,000 sessions, and the engine's speed (opt-in).

Not part of the test suite. Reproduces the paper's headline, an average profit gain of
Delta = 0.849 over 1,000 sessions (Calvano, Calzolari, Denicolò & Pastorello 2020, AER
110(10): 3267–97, doi:10.1257/aer.20190623, Section IV), at the paper's baseline: 2 firms,
logit demand (a = 2, a0 = 0, mu = 1/4, c = 1), delta = 0.95, m = 15, xi = 0.1, memory 1,
alpha = 0.15, beta = 4e-6, converged after 100,000 periods without a change of greedy
strategy. It also measures the engines, side by side with a public numba replication
when you point it at a local copy::

    python benchmarks/calvano_full.py                      # 1,000 sessions on 2 processes + speed table
    python benchmarks/calvano_full.py --sessions 100       # a quicker look
    python benchmarks/calvano_full.py --replication /tmp/calvano2020-replication --replication-sessions 10

``--replication`` times Yusei406/calvano2020-replication (MIT licence; not part of this
repository: fetch it yourself and pass its folder) for a few sessions at the same
parameters (its convergence window set to the paper's 100,000 periods; its exploration
rate, 0.1/25,000 per period, is the paper's beta = 4e-6), in the same run, so that both
face the same machine load.

Printed: the machine load (1-minute load average before and after), the compiled engine's
one-off set-up cost, a speed table (per session, per core, at batch sizes 1, 10, 100 and
1,000; CPU time per simulated period next to a floor estimated from a loop that does only
the two Q-updates of a period, and the cost of the period's random numbers), and the
1,000-session result: Delta mean and standard deviation against the published 0.849,
convergence, wall time. CPU times are the fair comparison on a shared machine; wall times
depend on how many other jobs were running.

Measured on the course's shared 2-core machine (21 Nov 2026, 1-minute load average 1.4 at
the start and 1.7 at the end, i.e. other engineers' jobs were running): 1,000 sessions,
all converged, Delta mean 0.847 (sd 0.117) against the published 0.849; mean learning time
1.76 million periods, longest session 3.26 million. Two processes: 45.0 s wall. Per
session and core: compiled 0.074-0.078 s at batch sizes 1, 10 and 100 (42-43 ns of CPU per
period), 0.090 s in the 1,000-session run on two processes; Yusei406/calvano2020-replication
0.219 s (118 ns per period), so the compiled engine is 2.4-3.0x faster per core; the NumPy
fallback 63 s per session alone, 0.61 s per session in a batch of 1,000. Floor: 4 ns per
period for the two Q-updates alone; drawing the period's four uniforms costs 9 ns.
Under heavier load (load average 5-9) the same 1,000 sessions took 88-334 s of wall time
at the same CPU time per session.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from mesa_models.collusion.calvano import Market
from mesa_models.collusion.calvano_fast import compile_report, simulate

PUBLISHED_DELTA = 0.849


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def timed(fn):
    """(result, wall seconds, CPU seconds of this process and its finished children)."""
    wall, cpu = time.perf_counter(), _cpu()
    result = fn()
    return result, time.perf_counter() - wall, _cpu() - cpu


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def floor_ns_per_period(periods: int = 5_000_000) -> float:
    """CPU time of a compiled loop that does only the two Q-updates of a baseline period
    (prices, states and the value of the next state's best price given), per period: a
    floor for any engine that plays the paper's sessions one period after another."""
    import numba

    @numba.njit(cache=False)
    def two_updates(q, value, profit, actions, states, alpha, delta):
        for t in range(len(states) - 1):
            s, nxt = states[t], states[t + 1]
            p = actions[t, 0] * 15 + actions[t, 1]
            for i in range(2):
                a = actions[t, i]
                old = q[i, s, a]
                new = old + alpha * (profit[p, i] + delta * value[i, nxt] - old)
                q[i, s, a] = new
                if new > value[i, s]:
                    value[i, s] = new
        return q[0, 0, 0]

    mk = Market()
    rng = np.random.default_rng(0)
    actions = rng.integers(15, size=(periods, 2))
    states = actions[:, 0] * 15 + actions[:, 1]
    q = mk.initial_q(0.95).copy()
    value = q.max(axis=-1)
    two_updates(q, value, mk.profit_table, actions[:10], states[:10], 0.15, 0.95)  # compile
    best = math.inf
    for _ in range(5):  # process_time: os.times() ticks are too coarse for a loop this fast
        cpu = time.process_time()
        two_updates(q, value, mk.profit_table, actions, states, 0.15, 0.95)
        best = min(best, time.process_time() - cpu)
    return best / periods * 1e9


def uniforms_ns_per_period(periods: int = 4_000_000) -> float:
    """CPU time to draw the four uniforms of a two-firm period (NumPy's PCG64, in blocks
    as the engine draws them): part of every engine's cost under the shared protocol."""
    gen = np.random.default_rng(0)
    best = math.inf
    for _ in range(3):
        cpu = time.process_time()
        for _ in range(periods // 65536):
            gen.random((65536, 2, 2))
        best = min(best, time.process_time() - cpu)
    return best / (periods // 65536 * 65536) * 1e9


def time_replication(folder: Path, sessions: int) -> dict[str, float]:
    """Per-session wall and CPU time of Yusei406/calvano2020-replication at the paper's scale."""
    if not (folder / "AER_python" / "train.py").is_file():
        raise SystemExit(
            f"--replication {folder}: no AER_python/train.py there; fetch the replication first"
        )
    sys.path.insert(0, str(folder))
    from AER_python.agent import Agent  # noqa: PLC0415  (third-party code, imported only on request)
    from AER_python.config import Config  # noqa: PLC0415
    from AER_python.environment import Environment  # noqa: PLC0415
    from AER_python.train import Trainer  # noqa: PLC0415

    config = Config()
    config.convergence_window = 100_000  # the paper's rule (its default is 10,000)
    config.max_steps = 10**8
    env = Environment(config)
    trainer = Trainer(config, env, Agent(config, env, 0), Agent(config, env, 1))
    with contextlib.redirect_stdout(io.StringIO()):
        _, compile_wall, _ = timed(lambda: trainer.train_session(10_000))  # JIT compilation
    periods = 0
    wall = cpu = 0.0
    for seed in range(sessions):
        result, w, c = timed(lambda seed=seed: trainer.train_session(seed))
        wall, cpu, periods = (
            wall + w,
            cpu + c,
            periods + result["steps"] + config.convergence_window,
        )
    return {
        "wall": wall / sessions,
        "cpu": cpu / sessions,
        "ns": cpu / periods * 1e9,
        "compile": compile_wall,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sessions",
        type=int,
        default=1000,
        help="sessions of the full run (default 1000; 0 to skip)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="processes for the full run (default 2)"
    )
    parser.add_argument(
        "--replication", type=Path, help="folder of a copy of Yusei406/calvano2020-replication"
    )
    parser.add_argument(
        "--replication-sessions", type=int, default=10, help="its sessions to time (default 10)"
    )
    parser.add_argument(
        "--numpy-periods",
        type=int,
        default=20_000,
        help="periods used to time the NumPy engine per batch size (default 20000; 0 to skip)",
    )
    args = parser.parse_args(argv)
    for name in ("sessions", "replication_sessions", "numpy_periods"):
        if getattr(args, name) < 0:
            parser.error(
                f"--{name.replace('_', '-')} got {getattr(args, name)}; allowed: an integer >= 0"
            )
    if args.workers < 1:
        parser.error(f"--workers got {args.workers}; allowed: an integer >= 1")

    print(f"machine: {load()} (start)")
    report = compile_report()
    print(f"compiled engine: {report}")
    if report["engine"] != "numba":
        print("numba is missing: the NumPy engine will be used (same results, much slower)")

    rows = []
    # -- compiled engine, one process, batch sizes 1, 10, 100 ---------------------------------------
    sample = None
    for size, calls in (
        (1, 10),
        (10, 1),
        (100, 1),
    ):  # ten single-session calls average out session lengths

        def run(size=size, calls=calls):
            return [
                simulate(
                    seeds=range(2000 + c * size, 2000 + (c + 1) * size), progress=False, cache=False
                )
                for c in range(calls)
            ]

        batches, wall, cpu = timed(run)
        periods = sum(int(b.periods.sum()) for b in batches)
        label = f"compiled, 1 process, batch of {size}" + (f" ({calls} calls)" if calls > 1 else "")
        rows.append((label, wall / (size * calls), cpu / (size * calls), cpu / periods * 1e9))
        sample = batches[-1]
    # -- NumPy engine, per period of a batch, scaled to the batch's slowest session -----------------
    if args.numpy_periods:
        slowest = int(sample.periods.max())
        for size in (1, 10, 100, 1000):
            _, wall, cpu = timed(
                lambda size=size: simulate(
                    seeds=range(2000, 2000 + size),
                    engine="numpy",
                    max_periods=args.numpy_periods,
                    progress=False,
                    cache=False,
                )
            )
            # a batch runs until its slowest session converges: periods x (time per period) / sessions
            rows.append(
                (
                    f"NumPy, 1 process, batch of {size} (from {args.numpy_periods:,} periods)",
                    wall / args.numpy_periods * slowest / size,
                    cpu / args.numpy_periods * slowest / size,
                    cpu / args.numpy_periods / size * 1e9,
                )
            )
    # -- the replication, same machine, same run ----------------------------------------------------
    if args.replication is not None and args.replication_sessions:
        rep = time_replication(args.replication, args.replication_sessions)
        rows.append(
            (
                f"Yusei406/calvano2020-replication, {args.replication_sessions} sessions",
                rep["wall"],
                rep["cpu"],
                rep["ns"],
            )
        )
        print(f"replication: JIT compilation {rep['compile']:.1f} s (not counted)")
    # -- the full run -------------------------------------------------------------------------------
    full = None
    if args.sessions:
        workers = args.workers if args.workers > 1 else None
        full, wall, cpu = timed(lambda: simulate(args.sessions, workers=workers, cache=False))
        ns = cpu / full.periods.sum() * 1e9
        rows.append(
            (
                f"compiled, {args.workers} process(es), {args.sessions:,} sessions (wall {wall:,.1f} s)",
                wall * args.workers / args.sessions,
                cpu / args.sessions,
                ns,
            )
        )

    floor = floor_ns_per_period() if report["engine"] == "numba" else float("nan")
    uniforms = uniforms_ns_per_period()
    print()
    print(
        f"| engine and batch | wall s per session per core | CPU s per session | CPU ns per period |"
    )
    print(f"|---|---:|---:|---:|")
    for label, wall_s, cpu_s, ns in rows:
        print(f"| {label} | {wall_s:.3f} | {cpu_s:.3f} | {ns:,.0f} |")
    print(f"| floor: a loop doing only the two Q-updates of each period | | | {floor:,.0f} |")
    print(
        f"| for reference: drawing a period's four uniforms (PCG64, in blocks) | | | {uniforms:,.1f} |"
    )
    print()
    if full is not None:
        gains = full.profit_gain()
        n = full.n_sessions
        print(
            f"sessions: {n:,} (baseline, beta = 4e-6, 100,000-period rule), {args.workers} process(es)"
        )
        print(
            f"converged: {full.converged.sum():,} of {n:,}; learning time mean {full.convergence_time.mean():,.0f} "
            f"periods, longest session {full.periods.max():,} periods"
        )
        print(
            f"profit gain Delta: mean {gains.mean():.3f}, sd {gains.std(ddof=1) if n > 1 else 0:.3f}, "
            f"standard error {gains.std(ddof=1) / math.sqrt(n) if n > 1 else 0:.3f} (published: {PUBLISHED_DELTA})"
        )
        print(
            f"deviations punished (the cut does not pay): {full.punishes().mean():.0%} of sessions; "
            f"converged to a fixed price pair: {np.mean([len(c) == 1 for c in full.cycles()]):.0%}"
        )
    print(f"machine: {load()} (end)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

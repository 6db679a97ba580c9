"""Unit 05 (Network effects) at the published scale: Watts's cascade window and
Pastor-Satorras & Vespignani's threshold contrast, with their run times (opt-in, not
part of the test suite).

1. Watts (2002), Figs. 1-2: global cascades on uniform random graphs of N = 10,000
   agents, threshold phi = 0.18, 1,000 independent runs (fresh graph, fresh single seed)
   per mean degree z. A cascade counts as global when it reaches >= 10 % of the agents.
2. Pastor-Satorras & Vespignani (2001): stationary SIS prevalence on random
   and Barabási-Albert graphs of mean degree 6 (mu = 1, synchronous updates, half the
   agents compromised at the start) at N = 100,000 (they went up to 8.5 million), and the
   threshold estimate 1 / largest eigenvalue for N = 1,000 ... 100,000.
3. Pastor-Satorras & Vespignani (2002): random vs hub patching at lambda = 0.2 on the
   scale-free graph of N = 100,000.

    python benchmarks/networks_full.py            # everything (a few minutes on one core)
    python benchmarks/networks_full.py --quick    # 200 runs per z, N = 20,000 for the SIS parts
    python benchmarks/networks_full.py --part watts

Measured on the course's 2-core machine (21 Nov 2026, shared with other jobs: load ~9, so
the times are pessimistic), full run 430 s:

* Watts: global cascades for 1.5 <= z <= 6.25 (theory: 1.02 < z < 5.76); at z = 6 in
  6.2 % of runs with mean size 99.7 %, at z = 6.25 in 0.6 %, none from z = 6.5; 18,000
  cascades of 10,000 agents in 160 s (8.9 ms each).
* Pastor-Satorras & Vespignani, N = 100,000, seeds 0-1: random graph 0 up to lambda = 0.14,
  7.1 % at 0.16; scale-free graph still 0.9 % at lambda = 0.06 (0 at 0.04); 177 s.
  1 / largest eigenvalue (mean of 3 graphs), N = 1,000 / 10,000 / 100,000: scale-free 0.074
  / 0.050 / 0.031, random 0.140 / 0.139 / 0.139; 24 s.
* Patching at lambda = 0.2, N = 100,000: unpatched 21.3 %; 5 % random 19.0 %, 10 % random
  16.8 %; 1 % hubs 13.7 %, 2 % hubs 9.1 %, 5 % hubs 0; 69 s.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from mesa_models.networks import (
    cascade_frequency,
    graph_edges,
    patching_effect,
    prevalence_curve,
    spectral_radius,
    theoretical_window,
)

Z_VALUES = (
    0.5,
    1.0,
    1.5,
    2.0,
    2.5,
    3.0,
    3.5,
    4.0,
    4.5,
    5.0,
    5.5,
    5.75,
    6.0,
    6.25,
    6.5,
    7.0,
    8.0,
    10.0,
)
LAMBDAS = (0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.25, 0.30)


def watts(realizations: int, seed: int) -> pd.DataFrame:
    start = time.perf_counter()
    frame = cascade_frequency(Z_VALUES, phi=0.18, n=10_000, realizations=realizations, seed=seed)
    seconds = time.perf_counter() - start
    lower, upper = theoretical_window(0.18)
    print(f"\n== Watts (2002): N = 10,000, phi = 0.18, {realizations:,} runs per z ==")
    print(f"cascade condition (theory): {lower:.2f} < z < {upper:.2f}")
    print(frame.round(4).to_string(index=False))
    inside = frame[frame["frequency"] > 0]["z"]
    print(f"global cascades observed for {inside.min():g} <= z <= {inside.max():g}")
    print(
        f"time: {seconds:.1f} s for {len(Z_VALUES) * realizations:,} cascades ({seconds / (len(Z_VALUES) * realizations) * 1e3:.2f} ms each)"
    )
    return frame


def thresholds(n: int, seeds: tuple[int, ...]) -> pd.DataFrame:
    start = time.perf_counter()
    settings = dict(n=n, mean_degree=6, mu=1.0, steps=500, window=200, seeds=seeds)
    curves = {
        top: prevalence_curve(LAMBDAS, topology=top, **settings) for top in ("random", "scale-free")
    }
    seconds = time.perf_counter() - start
    table = pd.DataFrame(
        {
            "lambda": LAMBDAS,
            **{top: c["prevalence"].to_numpy() for top, c in curves.items()},
            **{f"{top} survived": c["survived"].to_numpy() for top, c in curves.items()},
        }
    )
    print(
        f"\n== Pastor-Satorras & Vespignani (2001): SIS, mean degree 6, mu = 1, N = {n:,}, seeds {seeds} =="
    )
    print(table.round(4).to_string(index=False))
    print(f"time: {seconds:.1f} s")
    start = time.perf_counter()
    rows = []
    for size in (1_000, 10_000, 100_000):
        for top in ("random", "scale-free"):
            values = [spectral_radius((size, graph_edges(top, size, 6, s))) for s in (0, 1, 2)]
            rows.append(
                {
                    "n": size,
                    "topology": top,
                    "largest eigenvalue": np.mean(values),
                    "1/eigenvalue": 1 / np.mean(values),
                }
            )
    radius = pd.DataFrame(rows)
    print("\nthreshold estimate 1 / largest eigenvalue (mean of 3 graphs):")
    print(radius.round(3).to_string(index=False))
    print(f"time: {time.perf_counter() - start:.1f} s")
    return table


def patching(n: int, seeds: tuple[int, ...]) -> pd.DataFrame:
    start = time.perf_counter()
    budgets = [0] + [int(n * share) for share in (0.01, 0.02, 0.05, 0.10)]
    frame = patching_effect(
        budgets,
        strategies=("random", "hubs"),
        spreading_rate=0.2,
        n=n,
        mean_degree=6,
        steps=500,
        window=200,
        seeds=seeds,
    )
    print(
        f"\n== Pastor-Satorras & Vespignani (2002): patching at lambda = 0.2, scale-free, N = {n:,}, seeds {seeds} =="
    )
    print(frame.round(4).to_string(index=False))
    print(f"time: {time.perf_counter() - start:.1f} s")
    return frame


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="200 runs per z; N = 20,000 for the SIS parts"
    )
    parser.add_argument("--part", choices=("all", "watts", "thresholds", "patching"), default="all")
    parser.add_argument(
        "--realizations", type=int, default=None, help="runs per z (default 1,000; --quick 200)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    realizations = args.realizations or (200 if args.quick else 1_000)
    n_sis = 20_000 if args.quick else 100_000
    seeds = (args.seed, args.seed + 1)
    start = time.perf_counter()
    if args.part in ("all", "watts"):
        watts(realizations, args.seed)
    if args.part in ("all", "thresholds"):
        thresholds(n_sis, seeds)
    if args.part in ("all", "patching"):
        patching(n_sis, seeds)
    print(f"\ntotal wall time: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

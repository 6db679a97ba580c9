"""Unit 07 (Destabilising dynamics) at the published scale (opt-in, not part of the tests).

    python benchmarks/dynamics_full.py                 # everything (a few minutes on one core)
    python benchmarks/dynamics_full.py --only bh       # just Brock & Hommes (or: beer, crash)
    python benchmarks/dynamics_full.py --seeds 20      # fewer flash-crash seeds

Three parts, each printing its results and run time:

* **Brock & Hommes (1998), §4.1.2** (fundamentalists versus trend chasers, g = 1.2,
  R = 1.1, C = 1, a sigma^2 = 1): the first bifurcation found numerically against the
  analytic ln(R / (g - R)) / C = ln 11; the Hopf point; the bifurcation diagram on 1,001
  intensities of choice in [0, 6] after 10,000 periods; the largest Lyapunov exponent at
  beta = 3.6 averaged over 100,000 periods (the lesson uses 4,000) and the share of the
  diagram's betas above the Hopf point with a positive exponent (20,000 periods each).
* **Sterman (1989)**: the 36-week beer game with his Table 2 estimates (theta = 0.36,
  alpha_S = 0.26, beta = 0.34, S' = 17) and a demand step from 4 to 8 in week 5: bullwhip
  ratios stage by stage, the two remedies, and the same over 1,000 games with noisy demand.
* **Flash crash**: the model's 6-May-like defaults (75,000 contracts at 9 % of the previous
  minute's volume) over many seeds, with no breaker, a 5-second pause at 2 %, and a 1 %
  band around the 5-minute mean: the range of the largest fall and how often each breaker
  limits it.

Measured on the course's 2-core machine, one process, with other jobs running (21 Nov 2026):

* Brock & Hommes (26 s): numerical first bifurcation 2.39790 against ln 11 = 2.39790
  (difference 2e-7); Hopf point 3.3313; largest Lyapunov exponent at beta = 3.6 over
  100,000 periods 0.0258; beyond beta = 3.58, 99 % of 404 betas have a positive exponent.
* Beer game (9 s): ratios 3.94, 20.23, 44.57, 64.26 (team cost $2,255); sharing
  point-of-sale data 1.95, 4.10, 6.03, 5.12 ($870); counting the supply line 0.86, 1.28,
  1.77, 2.06 ($539); in 1,000 noisy games the ratios increase stage by stage in 100 %.
* Flash crash, 100 seeds x 3 settings x 35 minutes (328 s): largest fall 3.03-6.77 %
  without a breaker (median 4.50 %), 2.20-4.26 % with the pause (median 2.36 %), 2.03-3.67 %
  with the band (median 2.30 %); each breaker reduces the fall in 100 % of the seeds.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from mesa_models.dynamics.beer_game import GAME_WEEKS, customer_demand, full_supply_line_s_prime
from mesa_models.dynamics.beer_game_fast import play
from mesa_models.dynamics.brock_hommes import pitchfork_beta
from mesa_models.dynamics.brock_hommes_fast import bifurcation_points, hopf_beta, lyapunov_exponents
from mesa_models.dynamics.flash_crash_fast import run_many
from mesa_models.dynamics.lab import reference_first_bifurcation


def brock_hommes() -> None:
    start = time.perf_counter()
    numerical = reference_first_bifurcation(1.2, 1.1, 1.0)
    print(
        f"first bifurcation: numerical {numerical:.5f}, analytic ln 11 = {pitchfork_beta():.5f} "
        f"(difference {abs(numerical - pitchfork_beta()):.1e})"
    )
    print(f"Hopf point of the non-fundamental steady states: beta** = {hopf_beta():.4f}")
    betas = np.linspace(0, 6, 1001)
    beta_points, x_points = bifurcation_points(betas, transient=10_000, keep=500)
    spread = x_points.reshape(500, -1).max(axis=0) - x_points.reshape(500, -1).min(axis=0)
    print(
        f"bifurcation diagram: 1,001 betas x 500 points after 10,000 periods; the long-run spread of x exceeds "
        f"0.01 from beta = {betas[np.argmax(spread > 0.01)]:.3f}"
    )
    exponent = lyapunov_exponents([3.6], steps=100_000, transient=10_000)[0]
    print(
        f"largest Lyapunov exponent at beta = 3.6 over 100,000 periods: {exponent:.4f} "
        f"({'in' if 0.025 <= exponent <= 0.026 else 'OUTSIDE'} the lesson's range 0.025-0.026)"
    )
    chaotic = betas[betas > hopf_beta() + 0.25]
    exponents = lyapunov_exponents(chaotic, steps=20_000, transient=2000)
    print(
        f"beyond beta = {chaotic.min():.2f}: {np.mean(exponents > 0):.0%} of {chaotic.size} betas have a positive exponent "
        f"(median {np.median(exponents):.4f})"
    )
    print(f"Brock & Hommes: {time.perf_counter() - start:.1f} s\n")


def beer_game() -> None:
    start = time.perf_counter()
    step = play()
    print(
        "bullwhip ratios, Sterman's estimates (retailer .. factory):",
        np.round(step["ratios"], 2),
        f"team cost ${step['cost']:,.0f}",
    )
    for name, kwargs in {
        "share point-of-sale data": {"share_pos": True},
        "count the supply line": {"beta": 1.0, "s_prime": full_supply_line_s_prime()},
    }.items():
        result = play(**kwargs)
        print(f"  {name:26s}", np.round(result["ratios"], 2), f"team cost ${result['cost']:,.0f}")
    increasing = 0
    factory = []
    for seed in range(1000):
        demand = customer_demand(GAME_WEEKS, demand_noise=1.0, rng=np.random.default_rng(seed))
        ratios = play(demand=demand)["ratios"]
        increasing += bool((np.diff(ratios) > 0).all())
        factory.append(ratios[3])
    print(
        f"1,000 games with noisy demand (sd 1 case): ratios increase stage by stage in {increasing / 10:.1f}% of them; "
        f"median factory ratio {np.median(factory):.1f}"
    )
    print(f"beer game: {time.perf_counter() - start:.1f} s\n")


def flash_crash(n_seeds: int) -> None:
    start = time.perf_counter()
    settings = {
        "no breaker": {},
        "5 s pause at 2 %": {"breaker": "pause"},
        "1 % band, 5-min mean": {"breaker": "band", "breaker_trigger": 1.0, "breaker_window": 300},
    }
    table = run_many(range(n_seeds), 2100, settings)
    falls = table.pivot(index="seed", columns="setting", values="drawdown")
    for name in settings:
        column = falls[name]
        print(
            f"  {name:22s} largest fall {column.min():.2f}-{column.max():.2f}% (median {column.median():.2f}%)"
        )
    for name in list(settings)[1:]:
        print(
            f"  {name} limits the fall in {np.mean(falls[name] < falls['no breaker']):.0%} of {n_seeds} seeds"
        )
    done = table.groupby("setting")["seller_done"].agg(["min", "max"]) / 60
    print("  sell order complete (minutes from the start):", done.round(1).to_dict(orient="index"))
    print(
        f"flash crash, {n_seeds} seeds x 3 settings x 35 minutes: {time.perf_counter() - start:.1f} s "
        f"({3 * n_seeds * 2100 / (time.perf_counter() - start):,.0f} simulated seconds per second)\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=("bh", "beer", "crash"), help="run one part")
    parser.add_argument("--seeds", type=int, default=100, help="flash-crash seeds (default 100)")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds got {args.seeds}; allowed: an integer >= 1")
    started = time.perf_counter()
    if args.only in (None, "bh"):
        brock_hommes()
    if args.only in (None, "beer"):
        beer_game()
    if args.only in (None, "crash"):
        flash_crash(args.seeds)
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

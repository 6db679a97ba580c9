"""Unit 04 (Information asymmetries) at full scale: the published results and the lesson's
claims, with more sellers, meetings, seeds and pairs than the lesson can afford (opt-in).

Not part of the test suite. Prints, with the wall time of each part:

1. Akerlof (1970, §II): with 100,000 sellers the price path of the uncertified market
   follows p_t = 1.5 (3/4)^t and trade vanishes;
2. the certifier sweep of the lesson (4 grades) with 10,000 sellers and 50 seeds;
3. Chatterjee & Samuelson (1983) / Myerson & Satterthwaite (1983): efficiency of the
   linear equilibrium over 10 million meetings against 27/32, trade rate against 9/32;
4. learning traders: the lesson's run (50 pairs, 10,000 rounds) for 10 seeds, greedy efficiency;
5. the biased signalling game: 100 pairs per bias, 30,000 rounds, mutual information
   against Crawford & Sobel's N(b).

    python benchmarks/information_full.py            # everything (a few minutes on one core)
    python benchmarks/information_full.py --quick    # smaller, a quick look

Measured on the course's 2-core machine (shared with other jobs), one process, 21 Nov 2026:
1. 100,000 sellers x 10 seeds: price path within 0.0073 of 1.5 (3/4)^t; volume 0.750,
   0.236, 0.056, 0.003 in periods 1, 5, 10, 20 (1.7 s). 2. Sweep, 10,000 sellers x 50
   seeds: volume < 0.01 up to accuracy 0.3, 0.062 at 0.4, 0.658 at 0.5, 0.750 at 1.0;
   welfare 0.699 at 0.5, 0.938 at 1.0 (27.9 s). 3. 10,000,000 meetings: efficiency
   0.84368 +- 0.00013 (27/32 = 0.84375), trade rate 0.28110 +- 0.00014 (9/32 = 0.28125)
   (5.9 s). 4. Learners, 10 seeds: greedy efficiency 0.857-0.879, mean 0.868 (25.9 s).
   5. Signalling, 100 pairs x 30,000 rounds: 1.807 bits at b = 0 (58 % signalling
   systems), 1.404 at 0.1, 1.013 at 0.2, 0.484 at 0.25, 0.374 at 0.3 (16.9 s).
   Wall time 78 s.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mesa_models.information.bargaining import CS_EFFICIENCY, CS_TRADE_PROBABILITY
from mesa_models.information.bargaining_fast import greedy_efficiency, simulate_auction
from mesa_models.information.lemons import akerlof_price_path
from mesa_models.information.lemons_fast import simulate_lemons, sweep_lemons
from mesa_models.information.signalling import crawford_sobel_max_messages
from mesa_models.information.signalling_fast import simulate_signalling


def timed(label: str):
    class _Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            print(f"\n== {label}")
            return self

        def __exit__(self, *exc):
            print(f"   ({time.perf_counter() - self.start:,.1f} s)")

    return _Timer()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller runs for a quick look")
    args = parser.parse_args(argv)
    q = args.quick
    start = time.perf_counter()

    with timed("1. Akerlof's market without information"):
        sellers, seeds = (10_000, 3) if q else (100_000, 10)
        runs = simulate_lemons(20, seeds=range(seeds), n_sellers=sellers)
        theory = akerlof_price_path(19)
        deviation = np.abs(runs.price[:, 1:] - theory).max()
        print(
            f"   {sellers:,} sellers, {seeds} seeds: price path vs 1.5 (3/4)^t, largest deviation {deviation:.4f}"
        )
        print(
            f"   volume in periods 1, 5, 10, 20: {np.round(runs.volume[:, [1, 5, 10, 20]].mean(axis=0), 4)}"
        )

    with timed("2. certifier accuracy sweep (4 grades)"):
        sellers, seeds = (2_000, 10) if q else (10_000, 50)
        table = sweep_lemons(
            "certifier_accuracy",
            np.round(np.arange(0, 1.01, 0.1), 1),
            30,
            seeds=range(seeds),
            grades=4,
            n_sellers=sellers,
        )
        print(f"   {sellers:,} sellers, {seeds} seeds, mean of the last 10 of 30 periods")
        print(table[["volume", "volume_sd", "efficiency", "welfare"]].round(3).to_string())

    with timed("3. Chatterjee-Samuelson linear equilibrium"):
        rounds, pairs = (2_000, 500) if q else (10_000, 1_000)
        runs = simulate_auction(rounds, seeds=[0], n_pairs=pairs, keep_meetings=True)
        n = rounds * pairs
        print(
            f"   {n:,} meetings: efficiency {runs.efficiency():.5f} +- {runs.standard_error():.5f} (published 27/32 = {CS_EFFICIENCY:.5f})"
        )
        trade_se = np.sqrt(CS_TRADE_PROBABILITY * (1 - CS_TRADE_PROBABILITY) / n)
        print(
            f"   trade rate {runs.trade_rate():.5f} +- {trade_se:.5f} (published 9/32 = {CS_TRADE_PROBABILITY:.5f})"
        )

    with timed("4. learning traders (50 pairs, 10,000 rounds)"):
        seeds = 3 if q else 10
        greedy, late = [], []
        for seed in range(seeds):
            runs = simulate_auction(10_000, seeds=[seed], strategy="learning")
            greedy.append(greedy_efficiency(runs))
            late.append(runs.efficiency(last=2000))
        print(
            f"   {seeds} seeds: greedy efficiency {np.min(greedy):.3f}-{np.max(greedy):.3f} (mean {np.mean(greedy):.3f}); "
            f"last 2,000 rounds with exploration {np.min(late):.3f}-{np.max(late):.3f}"
        )

    with timed("5. biased signalling game"):
        pairs, rounds = (40, 15_000) if q else (100, 30_000)
        biases = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
        runs = simulate_signalling(rounds, biases=biases, n_pairs=pairs, seed=0)
        for b, bits, share in zip(
            biases, runs.information_by_bias(), runs.signalling_systems(), strict=True
        ):
            print(
                f"   b = {b:.2f}: {bits:.3f} bits, signalling systems {share:.0%}, Crawford-Sobel N(b) = {crawford_sobel_max_messages(b)}"
            )
        print(f"   ({pairs} pairs per bias, {rounds:,} rounds)")

    print(f"\nwall time: {time.perf_counter() - start:,.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Unit 08 at full scale: Nowak & Sigmund's (1998) q > c/b condition and the image-scoring
versus standing comparison under errors of perception (opt-in; not part of the tests).

    python benchmarks/commitment_full.py                 # everything (several minutes)
    python benchmarks/commitment_full.py --generations 300 --seeds 4   # a quick look
    python benchmarks/commitment_full.py --parts errors,evolution       # skip the threshold sweep

Threshold: n = 100 players, b = 1 (Nowak & Sigmund 1998: n = 100, b = 1, c = 0.1), 500
encounters per generation, mutation 0.01 (also 0.001 with --mutation), discriminators only
at the start; c/b in {0.1, 0.2, 0.3, 0.5, 0.7}, q from 0 to 1 in steps of 0.05, 10 seeds,
1,000 generations; late cooperation = mean over the second half. For each c/b it prints
the largest q at which every seed collapsed (< 0.1) and the smallest q from which every
seed cooperated (> 0.9), beside c/b and the newcomer-corrected (c/b) / known_share.

Perception errors: one generation of 20,000 encounters among 100 discriminators (no
mutation), 10 seeds per error rate, image scoring vs standing, with the mean-field fixed
points of Ohtsuki & Iwasa's reputation dynamics.

Evolution under errors: c/b = 0.2, perception error 0.05, 2,000 encounters per generation,
ALLC mutants allowed, image scoring vs standing.

Prints the run time of each part.

Measured on the course's 2-core machine (shared, load about 12), mutation 0.01:
every seed collapsed (< 0.1) up to / every seed cooperated (> 0.9) from
  c/b = 0.1: q = 0.15 / q = 0.3    ((c/b)/k = 0.125)
  c/b = 0.2: q = 0.3  / q = 0.4    (0.250)
  c/b = 0.3: q = 0.45 / q = 0.6    (0.374)
  c/b = 0.5: q = 0.7  / q = 0.8    (0.624)
  c/b = 0.7: q = 0.8  / q = 0.95   (0.874)
in 673 s (1,050 populations x 1,000 generations x 500 encounters, one process).
Perception errors (8 s): image scoring cooperation 1.000, 0.638, 0.602, 0.539, 0.501, 0.508 at
mu = 0, 0.01, 0.02, 0.05, 0.1, 0.2 (fixed point 1/2 for mu > 0); standing 1.000, 0.990,
0.981, 0.951, 0.900, 0.799 (fixed point 1 - mu).
Evolution under errors (175 s): image scoring cooperation by seed 0.38, 0.45, 0.15, 0.19, 0.52,
0.0, 0.5, 0.59, 0.26, 0.55 (mean 0.36; mean shares DISC 0.17, ALLC 0.22, ALLD 0.61); standing
0.39, 0.84, 0.95, 0.95, 0.31, 0.95, 0.95, 0.94, 0.35, 0.94 (mean 0.76; DISC 0.57, ALLC 0.22,
ALLD 0.21).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mesa_models.commitment.indirect_reciprocity import reputation_fixed_point
from mesa_models.commitment.indirect_reciprocity_fast import simulate, threshold_sweep
from mesa_models.commitment.plots import known_share


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generations", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--mutation", type=float, default=0.01)
    parser.add_argument(
        "--parts",
        default="threshold,errors,evolution",
        help="comma-separated parts to run: threshold, errors, evolution (default: all)",
    )
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    if not parts <= {"threshold", "errors", "evolution"}:
        parser.error(f"--parts got {args.parts!r}; allowed: threshold, errors, evolution")
    if args.generations < 2 or args.seeds < 1:
        parser.error("--generations must be >= 2 and --seeds >= 1")

    if "threshold" in parts:
        run_threshold(args)
    if "errors" in parts:
        run_errors(args)
    if "evolution" in parts:
        run_evolution(args)
    return 0


def run_threshold(args: argparse.Namespace) -> None:
    qs = np.round(np.arange(0, 1.0001, 0.05), 2)
    ratios = [0.1, 0.2, 0.3, 0.5, 0.7]
    k = known_share(100, 500)
    print(
        f"q > c/b: n = 100, 500 encounters/generation, mutation {args.mutation}, {args.seeds} seeds, "
        f"{args.generations} generations; known share {k:.3f}"
    )
    start = time.perf_counter()
    table = threshold_sweep(
        qs,
        ratios,
        range(args.seeds),
        args.generations,
        initial_defectors=0.0,
        mutation=args.mutation,
    )
    late = table.set_index(["c_over_b", "q", "seed"])["cooperation"]
    for ratio in ratios:
        collapsed = [q for q in qs if (late.loc[ratio, q] < 0.1).all()]
        held = [q for q in qs if (late.loc[ratio, q] > 0.9).all()]
        first_held = min((q for q in held if all(p in held for p in qs if p >= q)), default=None)
        means = " ".join(f"{late.loc[ratio, q].mean():.2f}" for q in qs)
        print(
            f"  c/b = {ratio}: every seed collapsed up to q = {max(collapsed, default=None)}, every seed cooperated "
            f"from q = {first_held}; corrected threshold (c/b)/k = {ratio / k:.3f}\n    mean by q: {means}"
        )
    print(f"  time: {time.perf_counter() - start:.1f} s")


def run_errors(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    errors = [0.0, 0.01, 0.02, 0.05, 0.1, 0.2]
    print("perception errors: one generation of 20,000 encounters, 100 discriminators")
    for norm in ("image scoring", "standing"):
        runs = simulate(
            [s for _ in errors for s in range(args.seeds)],
            1,
            rounds=20_000,
            mutation=0.0,
            initial_defectors=0.0,
            norm=norm,
            perception_error=[mu for mu in errors for _ in range(args.seeds)],
        )
        coop = runs.cooperation[:, 0].reshape(len(errors), args.seeds).mean(axis=1)
        good = runs.good[:, 0].reshape(len(errors), args.seeds).mean(axis=1)
        for mu, c, g in zip(errors, coop, good, strict=True):
            print(
                f"  {norm:13s} mu = {mu:<5}: cooperation {c:.3f}, good share {g:.3f}, fixed point {reputation_fixed_point(norm, 0.0, mu):.3f}"
            )
    print(f"  time: {time.perf_counter() - start:.1f} s")


def run_evolution(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    print(
        f"evolution under perception error 0.05: c/b = 0.2, 2,000 encounters/generation, ALLC mutants allowed, "
        f"{args.seeds} seeds, {args.generations} generations (shares: mean over the last half)"
    )
    for norm in ("image scoring", "standing"):
        runs = simulate(
            range(args.seeds),
            args.generations,
            norm=norm,
            perception_error=0.05,
            initial_defectors=0.0,
            allow_cooperators=True,
            rounds=2000,
            cost=0.2,
        )
        half = args.generations // 2
        coop = runs.late_cooperation()
        alld = runs.defectors[:, -half:].mean(axis=1)
        print(
            f"  {norm:13s}: cooperation by seed {np.round(coop, 2).tolist()}; seeds taken over by ALLD (> 0.9): "
            f"{int((alld > 0.9).sum())} of {args.seeds}; mean shares DISC {runs.discriminators[:, -half:].mean():.2f}, "
            f"ALLC {runs.cooperators[:, -half:].mean():.2f}, ALLD {alld.mean():.2f}"
        )
    print(f"  time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())

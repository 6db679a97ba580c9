"""Unit 09 (Emergent agency) at full scale: the published results, with their run times.

Not part of the test suite (tests/test_consensus.py, test_collapse.py, test_schelling.py,
test_amplification.py and test_split_task.py check the same claims at CI scale).

    python benchmarks/emergence_full.py            # everything (about two minutes on one core)
    python benchmarks/emergence_full.py --quick    # smaller, for a smoke test

1. DeGroot (1974): on networks of 1,000 agents the consensus equals the left-eigenvector
   (centrality) weighted average of the initial opinions, to numerical precision.
2. Shumailov et al. (2024, Nature 631, Theorem 3.1), one-dimensional Gaussian: 1,000
   lineages for 2,000 generations with M = 10, 100 and 1,000 samples per generation. The
   mean of log sigma_n^2 is compared with n d_M (z-score over lineages), the median
   variance with exp(n d_M), E[mu_n^2] with n/M while the sample mean is reliable, and the
   share of collapsed models (sigma < 0.1) is reported.
3. Schelling (1971): a 200 x 200 town, 5 seeds, preferences 0.25, 0.3 and 0.5: the
   tipping point between "2 of 8" and "3 of 8" like neighbours (Hatna & Benenson 2015).
4. The four ESRH failures of the lesson with 10,000 tasks per step and 10 seeds: the
   failure share at every scale (component tests pass for all).
5. Split tasks at 1,000 tasks per step: completion by number of pieces, and the three
   monitors at a 1 % false-alarm budget calibrated on 20,000 benign tasks.

Measured on the course's 2-core machine (21 Nov 2026, load average about 10 from other
jobs; one process): total wall time 318 s (95 s CPU). DeGroot: largest |opinion - pi.x0|
9e-15 (scale-free, 1,000 agents), 2e-13 (small world, 333 agents, 2,000 steps), 2e-15
(complete). Collapse, M = 100, 1,000 lineages: mean log variance within 1.5 standard errors
of n d_M at n = 10, 100, 500, 1,000; median variance 2.3e-9 at n = 2,000 against
exp(n d_M) = 1.6e-9, 99 % of models collapsed (sigma < 0.1). M = 1,000: z within +-0.8 up
to n = 2,000 (median variance 0.150 vs 0.135). M = 10: the law holds to n = 100 (z = +1.6);
by n = 500 the variances (about 1e-25) are below floating-point resolution and from
n = 1,000 a growing share is exactly 0 (76 % at n = 2,000): the absorbing delta function
Shumailov et al. describe for discrete representations. Schelling, 200 x 200, 5 seeds, 200
steps: 0.578 like neighbours at wanted 0.25, 0.751 at 0.3, 0.874 at 0.5. ESRH, 10,000 tasks
per step, 10 seeds: every component passes; each failure first shows at its own scale
(dyadic 91.8 %; network 99.9 % after 0.6 % in the dyad; temporal 100 % after 0.0 % in the
chain; cross-system 7.9 % after 3.2 % at the temporal scale). Split tasks, 1,000 tasks
per step: harmful completion 0, 0.25, 0.86, 0.98, 1.00 for 1, 2, 3, 4, 6 pieces; at a 1 %
budget the agent, window and plan monitors stop 35 %, 52 % (with 27 % false alarms) and
70 % of harmful tasks.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from mesa_models.emergence.amplification import SCALES, AmplificationModel, component_check
from mesa_models.emergence.collapse import (
    expected_sd_factor,
    log_variance_drift,
    log_variance_step_variance,
)
from mesa_models.emergence.collapse_fast import simulate_collapse
from mesa_models.emergence.consensus import DeGrootModel
from mesa_models.emergence.schelling_fast import SchellingArray
from mesa_models.emergence.split_task import SplitTaskModel, monitor_scores, threshold_for_budget
from mesa_models.running import run

ESRH_CASES = {
    "dyadic": dict(gain=1.5, bias=0.05, noise=0.01),
    "network": dict(gain=0.9, bias=0.035, noise=0.01),
    "temporal": dict(gain=0.5, bias=0.03, noise=0.01, n_agents=4, learning=0.05),
    "cross-system": dict(gain=0.5, bias=0.045, noise=0.01, n_agents=3, attention=2, learning=0.0),
}


def degroot(n_agents: int, seeds: range) -> None:
    runs = (
        ("scale-free", n_agents, 300),
        ("small world", max(n_agents // 3, 30), 2000),
        ("complete", n_agents, 30),
    )
    for network, n_agents, steps in runs:
        start = time.perf_counter()
        errors = []
        for seed in seeds:
            model = DeGrootModel(rng=seed, n_agents=n_agents, network=network, self_weight=0.3)
            model.run_for(steps)
            errors.append(float(np.abs(model.opinions() - model.predicted).max()))
            hub = model.weights.max() * n_agents
        print(
            f"  {network:11s} {n_agents} agents, {steps} steps, {len(seeds)} seeds: largest |opinion - pi.x0| = "
            f"{max(errors):.1e}; most central agent weighs {hub:.1f} x average  [{time.perf_counter() - start:.1f} s]"
        )


def collapse(n_models: int, generations: int, sizes: tuple[int, ...]) -> None:
    for m in sizes:
        start = time.perf_counter()
        history = simulate_collapse(generations, rng=m, n_models=n_models, sample_size=m)
        wall = time.perf_counter() - start
        d, v = log_variance_drift(m), log_variance_step_variance(m)
        print(
            f"  M = {m}: d_M = {d:.5f}, c_M = {expected_sd_factor(m):.5f}  [{wall:.1f} s for {n_models} x {generations} generations]"
        )
        for n in sorted({10, 100, generations // 4, generations // 2, generations}):
            sigma = history.sigma[n]
            # Below about 1e-8 relative to the mean, a model's samples are no longer resolved in
            # floating point: the variance estimate is rounding noise and soon exactly 0 -- the
            # absorbing delta function Shumailov et al. point out for discrete representations.
            resolved = sigma > 1e-10 * np.maximum(np.abs(history.mu[n]), 1.0)
            text = (
                f"    n = {n:5d}: median var {np.median(sigma**2):.3g} vs exp(n d_M) {math.exp(n * d):.3g}; "
                f"collapsed {np.mean(sigma < 0.1):.0%}"
            )
            if resolved.all():
                log_var = np.log(sigma**2)
                z = (log_var.mean() - n * d) / math.sqrt(n * v / n_models)
                text += f"; mean log var {log_var.mean():.3f} vs n d_M {n * d:.3f} (z = {z:+.2f})"
            else:
                text += f"; {np.mean(~resolved):.0%} below floating-point resolution ({np.mean(sigma == 0):.0%} exactly 0)"
            print(text)
        n = 10
        mu2 = history.mu[n] ** 2
        z = (mu2.mean() - n / m) / (mu2.std() / math.sqrt(n_models))
        print(f"    E[mu_10^2] = {mu2.mean():.4f} vs n/M = {n / m:.4f} (z = {z:+.2f})")


def schelling(size: int, seeds: range, steps: int) -> None:
    for wanted in (0.25, 0.3, 0.5):
        start = time.perf_counter()
        finals = [
            run(SchellingArray, steps, rng=s, width=size, height=size, wanted=wanted)[
                "similar"
            ].iloc[-1]
            for s in seeds
        ]
        print(
            f"  {size}x{size}, wanted {wanted}: like neighbours after {steps} steps {np.mean(finals):.3f} "
            f"(range {min(finals):.3f}-{max(finals):.3f}, {len(seeds)} seeds)  [{time.perf_counter() - start:.1f} s]"
        )


def esrh(n_tasks: int, seeds: range) -> None:
    start = time.perf_counter()
    print("  failure shares (mean over seeds) at each scale; component tests:")
    for name, params in ESRH_CASES.items():
        passed = all(
            component_check(
                AmplificationModel(rng=s, scale="cross-system", n_tasks=n_tasks, **params)
            )["passed"].all()
            for s in seeds
        )
        shares = []
        for scale in SCALES:
            steps = 100 if scale == "temporal" else 20
            shares.append(
                np.mean(
                    [
                        run(
                            AmplificationModel, steps, rng=s, scale=scale, n_tasks=n_tasks, **params
                        )["failures"]
                        .iloc[-10:]
                        .mean()
                        for s in seeds
                    ]
                )
            )
        print(
            f"    {name:12s} components {'pass' if passed else 'FAIL'}; "
            + ", ".join(f"{s} {x:.1%}" for s, x in zip(SCALES, shares))
        )
    print(f"  [{time.perf_counter() - start:.1f} s]")


def split_tasks(tasks: int, steps: int) -> None:
    start = time.perf_counter()
    rows = []
    for k in (1, 2, 3, 4, 6):
        frame = run(SplitTaskModel, steps, rng=k, n_subtasks=k, tasks_per_step=tasks)
        rows.append(f"{k}: {frame['harmful_completed'].iloc[1:].mean():.3f}")
    print("  harmful tasks completed by number of pieces: " + ", ".join(rows))
    for monitor in ("agent", "window", "plan"):
        calibration = monitor_scores(
            max(20_000 // tasks, 1),
            rng=100,
            monitor=monitor,
            harmful_share=0.0,
            tasks_per_step=tasks,
        )
        threshold = threshold_for_budget(calibration["benign"], 0.01)
        traffic = monitor_scores(steps, rng=0, monitor=monitor, tasks_per_step=tasks)
        print(
            f"  {monitor:6s} monitor at a 1 % budget: benign stopped {np.mean(traffic['benign'] > threshold):.3f}, "
            f"harmful stopped {np.mean(traffic['harmful'] > threshold):.3f}"
        )
    print(f"  [{time.perf_counter() - start:.1f} s]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test)")
    args = parser.parse_args(argv)
    quick = args.quick
    total = time.perf_counter()
    sections = [
        ("1. DeGroot consensus", lambda: degroot(200 if quick else 1000, range(2 if quick else 3))),
        (
            "2. Model collapse, Theorem 3.1",
            lambda: collapse(
                200 if quick else 1000,
                200 if quick else 2000,
                (10, 100) if quick else (10, 100, 1000),
            ),
        ),
        (
            "3. Schelling's tipping point",
            lambda: schelling(
                60 if quick else 200, range(2 if quick else 5), 100 if quick else 200
            ),
        ),
        ("4. ESRH failures", lambda: esrh(1000 if quick else 10_000, range(2 if quick else 10))),
        (
            "5. Split tasks and monitors",
            lambda: split_tasks(200 if quick else 1000, 20 if quick else 200),
        ),
    ]
    for title, section in sections:
        print(title)
        section()
    print(f"total wall time {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

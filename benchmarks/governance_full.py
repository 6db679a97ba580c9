"""Unit 11 (Oversight and governance) at full scale (opt-in; not part of the test suite).

1. **k-of-n against the exact rates**: unanimous panels of k = 1..8 auditors with
   correlation 0, 0.1, 0.3 (error rate 0.2), one million harmful high-risk proposals per
   point in the NumPy engine, against ``rho e + (1 - rho) e^k``; and 2-of-3 panels in 1..5
   layers (one base model, correlation 0.3; three base models). Reports the largest deviation
   in standard errors.
2. **Learned pricing agents** (Calvano et al. 2020, AER 110(10), at the paper's parameters:
   beta = 4e-6, 100,000-period convergence window): ``--sessions`` sessions with delta = 0.5
   (old version) and with delta = 0.95 (new version); profit gains, customer surplus, and the
   share of (old, new) session pairs the customer's evaluator flags with 2, 3, 5 and 10
   scenarios (5 evaluations per pair).
3. **Detection power** of the paired one-sided t-test for pricing changes 1 %, 2 % and 5 % of
   the way to monopoly, 2..40 scenarios, ``--repeats`` evaluations each, against the
   noncentral-t prediction; the false-alarm rate of a harmless change.
4. **Accountability**: 200,000 tasks through the pipeline; incident Shapley shares against
   the exact shares of the expected-harm game, for a perfect and a realistic human standard.

    python benchmarks/governance_full.py                    # everything (100 sessions, 1000 repeats)
    python benchmarks/governance_full.py --sessions 20 --repeats 300   # quicker
    python benchmarks/governance_full.py --parts 2 3                 # only parts 2 and 3

Prints each part's figures and run time. Measured on the course's 2-core machine (21 Nov
2026, one process, other jobs running; defaults): (1) 10^6 proposals per point, every point
within 1.7 standard errors of the exact rate, e.g. correlation 0.3, k = 8: 0.0598 (exact
0.0600); 140 s wall. (2) 100 sessions per version: profit gain 0.195 (delta 0.5) vs 0.851
(delta 0.95); customer surplus 0.658 vs 0.519 per period; flagged with 2, 3, 5, 10
scenarios: 70.4 %, 96.4 %, 99.0 %, 99.4 % (a few session pairs barely differ); learning
77 s wall. (3) 1,000 evaluations per point; simulated power within 0.04 of the noncentral-t
prediction everywhere (2 % degradation: 0.129, 0.213, 0.309, 0.610, 0.881, 0.990 for 2 ... 40
scenarios); false alarms 0.042-0.051; 65 s wall. (4) 200,000 tasks, 5,186 failures; Shapley
shares within 0.002 of the exact ones (perfect standard: 0.107, 0.220, 0.337, 0.337; realistic
human standard: 0.161, 0.332, 0.506, 0.000); 12 s wall. The lesson's numbers (8 sessions, 100
evaluations per point, 5,000 tasks) are recomputed in tests/test_governance_numbers.py.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from mesa_models.collusion import simulate
from mesa_models.governance import (
    ROLES,
    AccountabilityModel,
    LearnedPricingSystem,
    PricingSystem,
    detection_power,
    draw_scenarios,
    evaluate_change,
    expected_attribution,
    panel_pass_probability,
    power_prediction,
    simulate_oversight,
)


def k_of_n() -> None:
    start = time.perf_counter()
    worst = 0.0
    for rho in (0.0, 0.1, 0.3):
        row = []
        for k in range(1, 9):
            sim = simulate_oversight(
                100,
                50,
                rng=1000 * k + int(10 * rho),
                n_proposers=200,
                misaligned_share=1.0,
                high_risk_share=1.0,
                n_auditors=k,
                k=k,
                correlation=rho,
                pool_size=60,
            )
            passed = sim["residual_harm"][:, 1:].mean() / 10
            exact = panel_pass_probability(0.2, k, k, correlation=rho)
            se = math.sqrt(exact * (1 - exact) / 1_000_000)
            worst = max(worst, abs(passed - exact) / se)
            row.append(f"k={k}: {passed:.6f} ({exact:.6f})")
        print(f"1. correlation {rho}: " + ", ".join(row))
    for label, kw in (
        ("one base model, rho 0.3", dict(correlation=0.3)),
        ("three base models, rho 0.3", dict(correlation=0.3, families=3)),
    ):
        row = []
        for layers in range(1, 6):
            sim = simulate_oversight(
                100,
                50,
                rng=layers,
                n_proposers=200,
                misaligned_share=1.0,
                high_risk_share=1.0,
                n_auditors=3,
                k=2,
                layers=layers,
                **kw,
            )
            passed = sim["residual_harm"][:, 1:].mean() / 10
            exact = panel_pass_probability(0.2, 3, 2, layers=layers, **kw)
            worst = max(worst, abs(passed - exact) / math.sqrt(exact * (1 - exact) / 1_000_000))
            row.append(f"L={layers}: {passed:.5f} ({exact:.5f})")
        print(f"1. 2-of-3 panels, {label}: " + ", ".join(row))
    print(
        f"1. largest deviation from the exact rates: {worst:.1f} standard errors [{time.perf_counter() - start:.1f} s]"
    )


def learned(sessions: int) -> None:
    start = time.perf_counter()
    old = simulate(sessions, delta=0.5, progress=False)
    new = simulate(seeds=range(sessions, 2 * sessions), delta=0.95, progress=False)
    learn = time.perf_counter() - start
    check = draw_scenarios(20, 1)
    surplus = {
        name: np.mean(
            [
                np.mean(
                    [
                        LearnedPricingSystem(b, j)(s, np.random.default_rng(i))
                        for i, s in enumerate(check)
                    ]
                )
                for j in range(sessions)
            ]
        )
        for name, b in (("old", old), ("new", new))
    }
    print(
        f"2. {sessions} sessions per version at the paper's scale: profit gain {old.profit_gain().mean():.3f} (delta 0.5) "
        f"vs {new.profit_gain().mean():.3f} (delta 0.95); customer surplus {surplus['old']:.4f} vs {surplus['new']:.4f} "
        f"per period [learning {learn:.1f} s]"
    )
    rates = {}
    for n_scenarios in (2, 3, 5, 10):
        flags = [
            evaluate_change(
                LearnedPricingSystem(old, j),
                LearnedPricingSystem(new, j),
                draw_scenarios(n_scenarios, 100 * j + rep),
                rep,
            )["flagged"]
            for j in range(sessions)
            for rep in range(5)
        ]
        rates[n_scenarios] = float(np.mean(flags))
    print(
        f"2. share of evaluations that flag the change, by scenarios: {rates} [{time.perf_counter() - start:.1f} s]"
    )


def power(repeats: int) -> None:
    start = time.perf_counter()
    baseline = PricingSystem(0.0)
    counts = (2, 3, 5, 10, 20, 40)
    for d in (0.01, 0.02, 0.05):
        diffs = evaluate_change(baseline, PricingSystem(d), draw_scenarios(5000, 7), 7)[
            "differences"
        ]
        effect = diffs.mean() / diffs.std(ddof=1)
        simulated = [detection_power(baseline, PricingSystem(d), s, repeats, rng=s) for s in counts]
        predicted = [power_prediction(effect, s) for s in counts]
        print(
            f"3. degradation {d:.0%} (effect {effect:.3f} sd): "
            + ", ".join(
                f"S={s}: {a:.3f} ({b:.3f})"
                for s, a, b in zip(counts, simulated, predicted, strict=True)
            )
        )
    alarms = [
        detection_power(baseline, PricingSystem(0.0), s, repeats, rng=100 + s) for s in counts
    ]
    print(
        f"3. false alarms of a harmless change: {', '.join(f'{a:.3f}' for a in alarms)} (level 0.05) "
        f"[{time.perf_counter() - start:.1f} s]"
    )


def accountability() -> None:
    start = time.perf_counter()
    for standard in (0.0, 0.6):
        model = AccountabilityModel(rng=1, human_standard=standard)
        model.run_for(200_000)
        exact = expected_attribution(human_standard=standard)
        total = sum(exact.values())
        got = ", ".join(
            f"{r} {model.shapley_total[r] / model.total_harm:.3f} ({exact[r] / total:.3f})"
            for r in ROLES
        )
        print(
            f"4. human standard {standard}: {model.failed_tasks} failures in 200,000 tasks; Shapley shares {got}"
        )
    print(f"4. [{time.perf_counter() - start:.1f} s]")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=1000)
    parser.add_argument(
        "--parts", nargs="*", type=int, default=[1, 2, 3, 4], help="which parts to run (1-4)"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    parts = {
        1: k_of_n,
        2: lambda: learned(args.sessions),
        3: lambda: power(args.repeats),
        4: accountability,
    }
    for part in args.parts:
        parts[part]()
    print(f"total wall time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()

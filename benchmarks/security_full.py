"""Full-scale infectious jailbreak (Gu et al. 2024) with the fast engine (opt-in).

Not part of the test suite. Reproduces, at and beyond the paper's published scale of one
million agents (Gu, Zheng, Pang, Du, Liu, Wang, Jiang & Lin 2024, "Agent Smith: A Single
Image Can Jailbreak One Million Multimodal LLM Agents Exponentially Fast", ICML 2024,
section "Infectious dynamics", Eqs. 5-7, Fig. 1; https://arxiv.org/abs/2402.08567):

1. the recurrence: one-round residuals c_{t+1} - E[c_{t+1} | c_t] of outbreaks among 10^6
   agents are zero within sampling error;
2. the threshold: the long-run share is 1 - 2 gamma / beta when beta > 2 gamma, else 0
   (10^6 agents);
3. log N: from one carrier, the median rounds to infect half and 99 % of N agents, for
   N = 10^2 ... 10^8, against the per-round recurrence and the paper's continuous-time
   formula; the fitted slope in log N.

    python benchmarks/security_full.py                  # everything, 500 outbreaks per size
    python benchmarks/security_full.py --runs 100       # quicker
    python benchmarks/security_full.py --max-exponent 6 # stop at a million agents

Prints each part's figures and run time. Measured on the course's 2-core machine (21 Nov
2026, one process, other jobs running; 500 outbreaks per size): residual -2.5e-6 (1.7
standard errors); plateaus 0.7500, 0.4999, 0.2499, 0.1248 against 0.75, 0.5, 0.25, 0.125,
and 0.0047 at gamma = beta/2; beta = 1, gamma = 0: median rounds to half of N = 10^2 ... 10^8
agents 11, 17, 23, 29, 34, 40, 46 (recurrence 11 ... 45), to 99 %: 18 ... 53; slope 2.51
rounds per factor e (recurrence 2.47, continuous formula 2.00); beta = 0.8, gamma = 0.1:
slope 3.83 (recurrence 3.81, continuous 3.33), 16-18 % of single carriers die out. Wall
time 4.3 s (2.4 s of CPU). The lesson's figures (34 and 42 rounds for 10^6 agents, 46
rounds to half of 10^8) are recomputed in tests/test_security_numbers.py.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from mesa_models.security.infectious_jailbreak import (
    expected_next,
    growth_factor,
    ode_rounds,
    plateau,
    recurrence_rounds,
)
from mesa_models.security.infectious_jailbreak_fast import simulate


def residuals(runs: int) -> None:
    start = time.perf_counter()
    n, beta, gamma = 1_000_000, 0.8, 0.1
    shares = simulate(
        n_agents=n, beta=beta, gamma=gamma, initial_infected=100, rounds=60, runs=runs, rng=0
    ).fraction
    now, nxt = shares[:, :-1], shares[:, 1:]
    alive = now > 0
    residual = nxt[alive] - np.array([expected_next(c, beta, gamma, n) for c in now[alive]])
    se = residual.std(ddof=1) / math.sqrt(residual.size)
    print(
        f"1. recurrence, N = 10^6, beta = {beta}, gamma = {gamma}, {runs} outbreaks x 60 rounds: mean residual "
        f"{residual.mean():+.2e} (standard error {se:.2e}, {abs(residual.mean()) / se:.1f} SE) "
        f"[{time.perf_counter() - start:.1f} s]"
    )


def threshold(runs: int) -> None:
    start = time.perf_counter()
    n, beta = 1_000_000, 0.8
    print(
        f"2. threshold, N = 10^6, beta = {beta}, 1 % initial carriers, share over rounds 251-300:"
    )
    for gamma in (0.1, 0.2, 0.3, 0.35, 0.4, 0.45):
        late = (
            simulate(
                n_agents=n,
                beta=beta,
                gamma=gamma,
                initial_infected=n // 100,
                rounds=300,
                runs=max(runs // 25, 4),
                rng=1,
            )
            .fraction[:, -50:]
            .mean()
        )
        print(
            f"   gamma = {gamma:.2f}: simulated {late:.4f}, Gu et al. 1 - 2 gamma / beta = {plateau(beta, gamma):.4f}"
        )
    print(f"   [{time.perf_counter() - start:.1f} s]")


def scaling(runs: int, max_exponent: int) -> None:
    for beta, gamma in ((1.0, 0.0), (0.8, 0.1)):
        start = time.perf_counter()
        sizes = [10**k for k in range(2, max_exponent + 1)]
        print(
            f"3. rounds from one carrier, beta = {beta}, gamma = {gamma}, {runs} outbreaks per size "
            f"(median over outbreaks that took off):"
        )
        print(
            "   N             half: sim  recurrence  continuous   99% of plateau: sim  recurrence  continuous  died out"
        )
        medians = []
        for n in sizes:
            outbreaks = simulate(n_agents=n, beta=beta, gamma=gamma, rounds=150, runs=runs, rng=2)
            target_99 = min(0.99, 0.99 * plateau(beta, gamma))
            half, ninety_nine = (
                np.nanmedian(outbreaks.rounds_to(0.5)),
                np.nanmedian(outbreaks.rounds_to(target_99)),
            )
            medians.append(half)
            died = float((outbreaks.counts[:, -1] == 0).mean())
            print(
                f"   {n:<12,} {half:9.1f} {recurrence_rounds(n, beta, gamma, 0.5):11} {ode_rounds(n, beta, gamma, 0.5):11.1f}"
                f" {ninety_nine:21.1f} {recurrence_rounds(n, beta, gamma, target_99):11} "
                f"{ode_rounds(n, beta, gamma, target_99):11.1f} {died:9.1%}"
            )
        slope = np.polyfit(np.log(sizes), medians, 1)[0]
        print(
            f"   slope: {slope:.3f} rounds per factor e of N; per-round recurrence 1/ln(1 - gamma + beta/2) = "
            f"{1 / math.log(growth_factor(beta, gamma)):.3f}; paper's continuous formula 2/(beta - 2 gamma) = "
            f"{2 / (beta - 2 * gamma):.3f} [{time.perf_counter() - start:.1f} s]"
        )
    print(
        "   Gu et al. (Fig. 1): with one million LLaVA-1.5 agents the infection ratio approached 100 % after 27-31 rounds."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs", type=int, default=500, help="outbreaks per population size (default 500)"
    )
    parser.add_argument(
        "--max-exponent", type=int, default=8, help="largest N is 10^this, at most 8 (default 8)"
    )
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error(f"--runs got {args.runs}; allowed: an integer >= 2")
    if not 3 <= args.max_exponent <= 8:
        parser.error(f"--max-exponent got {args.max_exponent}; allowed: an integer in [3, 8]")
    start = time.perf_counter()
    residuals(args.runs)
    threshold(args.runs)
    scaling(args.runs, args.max_exponent)
    print(f"wall time: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Checks for the Unit 10 lab (Multi-agent security): the infection recurrence, rounds to
infect, a quarantine policy's outcome, the cheapest alarm threshold, least-privilege
manifests.

Every check compares the student's function with a reference over cases in which each
argument takes several values, calls it with protected inputs (an in-place change is named)
and checks types first; the policy measurement is also checked for reproducibility.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from mesa_models.checks import (
    Verdict,
    call,
    expect,
    expect_matches,
    expect_reproducible,
    expect_type,
    run_check,
    same,
    show,
    vary,
)
from mesa_models.params import Param, validate_arguments
from mesa_models.security.defence_fast import simulate_defence
from mesa_models.security.manifests import ROLE_TASKS, TASK_OPTIONS, TOOL_HARM

__all__ = [
    "LAB_ROUNDS",
    "LATE_ROUNDS",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "check_exercise_5",
    "reference_cheapest_threshold",
    "reference_design_manifests",
    "reference_measure_policy",
    "reference_next_share",
    "reference_rounds_to_reach",
    "variant_catalogues",
]

#: Rounds of each defence run in Exercises 3-4, and the late window for the infected share.
LAB_ROUNDS = 60
LATE_ROUNDS = 20


# -- references ----------------------------------------------------------------------------------------


def _share(name: str) -> Param:
    return Param(name, 0.5, "a probability or share", low=0, high=1)


@validate_arguments(c=_share("c"), beta=_share("beta"), gamma=_share("gamma"))
def reference_next_share(c: float, beta: float, gamma: float) -> float:
    """Gu et al. (2024), the expectation of Eq. (5): (1 - gamma) c + beta c (1 - c) / 2."""
    return (1 - gamma) * c + beta * c * (1 - c) / 2


@validate_arguments(
    n_agents=Param("n_agents", 2, "agents", low=2),
    beta=_share("beta"),
    gamma=_share("gamma"),
    target=_share("target"),
    max_rounds=Param("max_rounds", 1, "rounds at most", low=0, high=10_000_000),
)
def reference_rounds_to_reach(
    n_agents: int, beta: float, gamma: float, target: float, max_rounds: int
) -> int | None:
    """Rounds of the recurrence, from one carrier among ``n_agents``, until the share is at
    least ``target``; None if that does not happen within ``max_rounds`` rounds."""
    c = 1 / n_agents
    for t in range(max_rounds + 1):
        if c >= target:
            return t
        c = reference_next_share(c, beta, gamma)
    return None


def reference_measure_policy(
    threshold: float, capacity: float, seeds: Sequence[int]
) -> tuple[float, float]:
    """(late infected share, false-alarm cost) of the defence model with this alarm
    threshold and quarantine capacity: ``simulate_defence(LAB_ROUNDS, len(seeds),
    rng=np.random.SeedSequence(seeds), threshold=threshold, capacity=capacity)``; the infected
    share averaged over the last ``LATE_ROUNDS`` rounds and the runs, the false-alarm cost
    over rounds 1..LAB_ROUNDS and the runs."""
    result = simulate_defence(
        LAB_ROUNDS,
        len(seeds),
        rng=np.random.SeedSequence(list(seeds)),
        threshold=threshold,
        capacity=capacity,
    )
    return float(result["infected"][:, -LATE_ROUNDS:].mean()), float(
        result["false_alarm_cost"][:, 1:].mean()
    )


@validate_arguments(target=Param("target", 0.5, "highest acceptable late infected share"))
def reference_cheapest_threshold(table: pd.DataFrame, target: float) -> float | None:
    """The threshold (index of ``table``) with the lowest ``false_alarm_cost`` among rows
    whose ``infected`` is at most ``target``; None if no row is."""
    ok = table[table["infected"] <= target]
    return None if ok.empty else float(ok["false_alarm_cost"].idxmin())


def reference_design_manifests(
    role_tasks: Mapping[str, Sequence[str]],
    task_options: Mapping[str, Sequence[Iterable[str]]],
    tool_harm: Mapping[str, float],
) -> dict[str, frozenset[str]]:
    """For each role, a manifest of least total harm weight that lets it do every task
    (one alternative per task; every combination tried)."""
    manifests = {}
    for role, tasks in role_tasks.items():
        best, best_harm = frozenset(), math.inf
        for choice in itertools.product(*(task_options[task] for task in tasks)):
            tools = frozenset().union(*map(frozenset, choice)) if choice else frozenset()
            harm = sum(tool_harm[t] for t in tools)
            if harm < best_harm:
                best, best_harm = tools, harm
        manifests[role] = best
    return manifests


def variant_catalogues() -> list[tuple[dict, dict, dict]]:
    """The course catalogue and two variants (other harm weights, other options), as
    ``(role_tasks, task_options, tool_harm)``: a hard-coded answer fits at most one."""
    base = (dict(ROLE_TASKS), {k: list(v) for k, v in TASK_OPTIONS.items()}, dict(TOOL_HARM))
    cheap_email = dict(
        TOOL_HARM, send_email=1, reply_ticket=3, read_tickets=2, run_code=2, read_db=6
    )
    other_options = {k: list(v) for k, v in TASK_OPTIONS.items()}
    other_options["share findings"] = [
        frozenset({"post_chat"}),
        frozenset({"send_email"}),
        frozenset({"read_docs", "request_approval"}),
    ]
    other_options["watch systems"] = [
        frozenset({"run_code"}),
        frozenset({"read_logs", "read_reports"}),
    ]
    other_harm = dict(TOOL_HARM, post_chat=5, read_logs=3, ci_pipeline=12, deploy=7)
    return [
        base,
        (dict(ROLE_TASKS), {k: list(v) for k, v in TASK_OPTIONS.items()}, cheap_email),
        (dict(ROLE_TASKS), other_options, other_harm),
    ]


# -- Exercise 1: the recurrence -------------------------------------------------------------------------

EX1_CASES = vary(
    {"c": 0.2, "beta": 0.8, "gamma": 0.1},
    c=[0.0, 0.05, 0.5, 1.0],
    beta=[0.3, 1.0],
    gamma=[0.0, 0.5],
)


def check_exercise_1(next_share: Callable[[float, float, float], float]) -> Verdict:
    """``next_share(c, beta, gamma)`` is Gu et al.'s expected share after one round."""

    def test() -> None:
        expect_type(next_share, "callable", "what you passed")
        expect_matches(next_share, reference_next_share, EX1_CASES, tol=1e-12)

    return run_check(
        "Exercise 1 — Gu et al.'s recurrence",
        test,
        hint="Two terms: the carriers who do not forget, and the new infections — a share c(1 - c) of the "
        "N/2 pairs has a carrier asking a clean agent, and each passes the virus with probability beta. "
        "Divide by N to get a share.",
    )


# -- Exercise 2: rounds to reach a share -------------------------------------------------------------------

EX2_CASES = vary(
    {"n_agents": 1_000_000, "beta": 1.0, "gamma": 0.0, "target": 0.5, "max_rounds": 200},
    n_agents=[100, 10_000],
    beta=[0.6],
    gamma=[0.1, 0.5],
    target=[0.99, 0.0001],
    max_rounds=[20],
)


def check_exercise_2(rounds_to_reach: Callable[..., int | None]) -> Verdict:
    """``rounds_to_reach(n_agents, beta, gamma, target, max_rounds)`` iterates the recurrence
    from one carrier; an int, or None if the target is not reached within max_rounds."""

    def test() -> None:
        expect_type(rounds_to_reach, "callable", "what you passed")
        for case in EX2_CASES:
            got = call(rounds_to_reach, *case.values())
            want = reference_rounds_to_reach(*case.values())
            label = "rounds_to_reach(" + ", ".join(f"{k}={show(v)}" for k, v in case.items()) + ")"
            if want is None:
                expect(
                    got is None,
                    f"{label} should be None (the share never reaches {case['target']} within "
                    f"{case['max_rounds']} rounds), got {show(got)}",
                )
            else:
                got = expect_type(got, "integer", label)
                expect(got == want, f"{label} should be {want}, got {got}")

    return run_check(
        "Exercise 2 — rounds to infect",
        test,
        hint="Start from c = 1 / n_agents at round 0; while c is below the target, apply next_share and count "
        "a round; stop with None once you have used max_rounds rounds. Round 0 counts if c already "
        "reaches the target.",
    )


# -- Exercise 3: measuring a quarantine policy --------------------------------------------------------------

EX3_CASES = vary(
    {"threshold": 1.0, "capacity": 1.0, "seeds": [0, 1, 2]},
    threshold=[2.5, 0.0],
    capacity=[0.1],
    seeds=[[5, 6], [3]],
)


def check_exercise_3(
    measure_policy: Callable[[float, float, Sequence[int]], tuple[float, float]],
) -> Verdict:
    """``measure_policy(threshold, capacity, seeds)`` returns (late infected share,
    false-alarm cost) exactly as :func:`reference_measure_policy` defines them."""

    def pair(case: dict) -> tuple[float, float]:
        label = "measure_policy(" + ", ".join(f"{k}={show(v)}" for k, v in case.items()) + ")"
        got = call(measure_policy, *case.values())
        expect(
            isinstance(got, tuple | list) and len(got) == 2,
            f"{label} should return a pair (infected share, false-alarm cost), got {show(got)}",
        )
        return (
            expect_type(got[0], "probability", f"the infected share of {label}"),
            expect_type(got[1], "probability", f"the false-alarm cost of {label}"),
        )

    def test() -> None:
        expect_type(measure_policy, "callable", "what you passed")
        pair(EX3_CASES[0])  # types first
        expect_reproducible(
            lambda seed: pair({"threshold": 1.0, "capacity": 1.0, "seeds": [seed, seed + 1]}),
            "measure_policy(1.0, 1.0, seeds)",
        )
        for case in EX3_CASES:
            label = "measure_policy(" + ", ".join(f"{k}={show(v)}" for k, v in case.items()) + ")"
            infected, cost = pair(case)
            want = reference_measure_policy(*case.values())
            expect(
                same(infected, want[0], 1e-9),
                f"the infected share of {label} should be {show(want[0])}, got {show(infected)}",
            )
            expect(
                same(cost, want[1], 1e-9),
                f"the false-alarm cost of {label} should be {show(want[1])}, got {show(cost)}",
            )

    return run_check(
        "Exercise 3 — measuring a quarantine policy",
        test,
        hint="Call simulate_defence once, seeded with np.random.SeedSequence(seeds) as the exercise says, and "
        "pass threshold and capacity on. Each result array has one row per run and one column per round: "
        "average the infected share over the last LATE_ROUNDS columns, the false-alarm cost over all "
        "columns except round 0.",
    )


# -- Exercise 4: the cheapest threshold on target ----------------------------------------------------------


def _tables() -> list[pd.DataFrame]:
    """Sweep-like tables: an unlimited quarantine (cost falls with the threshold), a budget
    (cost not monotone), a noisy one where a low threshold is on target and cheapest, and
    the budget table in reverse order."""
    thresholds = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    unlimited = pd.DataFrame(
        {
            "infected": [0.0, 0.0, 0.0, 0.0, 0.001, 0.30, 0.60],
            "false_alarm_cost": [0.50, 0.38, 0.24, 0.12, 0.044, 0.016, 0.010],
        },
        index=thresholds,
    )
    budget = pd.DataFrame(
        {
            "infected": [0.60, 0.58, 0.04, 0.02, 0.0, 0.07, 0.50],
            "false_alarm_cost": [0.030, 0.028, 0.055, 0.060, 0.043, 0.012, 0.008],
        },
        index=thresholds,
    )
    noisy = pd.DataFrame(
        {
            "infected": [0.03, 0.45, 0.60, 0.02, 0.0, 0.30, 0.55],
            "false_alarm_cost": [0.030, 0.029, 0.055, 0.060, 0.043, 0.012, 0.008],
        },
        index=thresholds,
    )
    for table in (unlimited, budget, noisy):
        table.index.name = "threshold"
    return [unlimited, budget, noisy, budget.iloc[::-1]]


def check_exercise_4(cheapest_threshold: Callable[[pd.DataFrame, float], float | None]) -> Verdict:
    """``cheapest_threshold(table, target)``: the threshold of least false-alarm cost among
    rows on target, None if none; the table is not changed."""

    def test() -> None:
        expect_type(cheapest_threshold, "callable", "what you passed")
        for k, table in enumerate(_tables()):
            for target in (0.05, 0.01, 0.1, 0.0, -0.01):
                label = f"cheapest_threshold(table {k + 1}, target={target})"
                got = call(cheapest_threshold, table, target)
                want = reference_cheapest_threshold(table, target)
                if want is None:
                    expect(
                        got is None,
                        f"{label} should be None (no threshold keeps infection at or below the target), "
                        f"got {show(got)}",
                    )
                    continue
                got = expect_type(got, "number", label)
                expect(same(got, want), f"{label} should be {show(want)}, got {show(got)}")

    return run_check(
        "Exercise 4 — the cheapest threshold on target",
        test,
        hint="Keep the rows with table['infected'] <= target (a new frame; do not sort or drop in place), "
        "then take the index of the smallest 'false_alarm_cost'. With a budget the cost is not "
        "monotone, so neither the highest nor the lowest threshold on target is right in general.",
    )


# -- Exercise 5: least-privilege manifests -----------------------------------------------------------------


def check_exercise_5(
    design_manifests: Callable[[Mapping, Mapping, Mapping], Mapping[str, Iterable[str]]],
) -> Verdict:
    """``design_manifests(role_tasks, task_options, tool_harm)``: for every role a set of
    catalogue tools that does every task, with the least possible blast radius."""

    def test() -> None:
        expect_type(design_manifests, "callable", "what you passed")
        for k, (role_tasks, task_options, tool_harm) in enumerate(variant_catalogues()):
            name = "the course catalogue" if k == 0 else f"variant catalogue {k}"
            got = call(design_manifests, role_tasks, task_options, tool_harm)
            expect(
                isinstance(got, Mapping),
                f"for {name} return a dict role -> set of tools, got {show(got)}",
            )
            expect(
                set(got) == set(role_tasks),
                f"for {name} return one manifest per role {sorted(role_tasks)}, got roles {sorted(got)}",
            )
            best = reference_design_manifests(role_tasks, task_options, tool_harm)
            for role in role_tasks:
                tools = got[role]
                expect(
                    isinstance(tools, set | frozenset | list | tuple)
                    and all(isinstance(t, str) for t in tools),
                    f"for {name}, the manifest of {role!r} should be a set of tool names, got {show(tools)}",
                )
                tools = frozenset(tools)
                unknown = sorted(tools - set(tool_harm))
                expect(
                    not unknown,
                    f"for {name}, {role!r} is granted {unknown[:1]}, which is not in the catalogue (default deny)",
                )
                for task in role_tasks[role]:
                    expect(
                        any(frozenset(option) <= tools for option in task_options[task]),
                        f"for {name}, {role!r} cannot do {task!r} with {sorted(tools)}; it needs one of "
                        + " or ".join(str(sorted(o)) for o in task_options[task]),
                    )
                mine, least = (
                    sum(tool_harm[t] for t in tools),
                    sum(tool_harm[t] for t in best[role]),
                )
                expect(
                    mine <= least + 1e-9,
                    f"for {name}, {role!r} gets {sorted(tools)} with blast radius {show(mine)}; "
                    f"a manifest with blast radius {show(least)} does the job",
                )

    return run_check(
        "Exercise 5 — least-privilege manifests",
        test,
        hint="Per role, try every combination of one option per task (itertools.product over the tasks' "
        "options), take the union of the chosen tool sets, and keep the union with the smallest total "
        "harm. Choosing the cheapest option task by task misses tools that serve two tasks.",
    )

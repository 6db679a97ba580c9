"""Unit 10 lab checks: the reference answers pass, stubs are "not attempted", and for every
exercise realistic wrong answers are rejected with a message that names the cause; every
argument of each reference matters over the check's cases."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from mesa_models.checks import insensitive_arguments
from mesa_models.security import lab
from mesa_models.security.defence_fast import simulate_defence
from mesa_models.security.manifests import (
    ALL_TOOLS,
    LEAST_PRIVILEGE,
    ROLE_TASKS,
    TASK_OPTIONS,
    TOOL_HARM,
)


@pytest.fixture(autouse=True)
def no_expectation(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)


def stub(*args, **kwargs):
    raise NotImplementedError


def rejected(verdict, *words):
    assert verdict.status in ("incorrect", "error"), verdict
    text = f"{verdict.message} {verdict.hint}".lower()
    assert all(w.lower() in text for w in words), verdict
    return verdict


# -- Exercise 1 -------------------------------------------------------------------------------------------


def test_exercise_1():
    assert lab.check_exercise_1(lab.reference_next_share).status == "correct"
    assert lab.check_exercise_1(stub).status == "not attempted"
    rejected(
        lab.check_exercise_1(lambda c, beta, gamma: (1 - gamma) * c + beta * c * (1 - c)),
        "should be",
    )  # forgot / 2
    rejected(
        lab.check_exercise_1(lambda c, beta, gamma: c + beta * c * (1 - c) / 2), "gamma="
    )  # no forgetting
    rejected(
        lab.check_exercise_1(lambda c, beta, gamma: (1 - gamma) * c + 0.8 * c * (1 - c) / 2),
        "beta=",
    )  # hard-coded beta
    rejected(
        lab.check_exercise_1(
            lambda c, beta, gamma: np.array([(1 - gamma) * c + beta * c * (1 - c) / 2])
        ),
        "a number",
    )
    rejected(lab.check_exercise_1(lambda c, beta: c), "TypeError")  # wrong signature


def test_exercise_1_cases_vary_every_argument():
    base = lab.EX1_CASES[0]
    assert (
        insensitive_arguments(
            lab.reference_next_share,
            base,
            c=[0.0, 0.05, 0.5, 1.0],
            beta=[0.3, 1.0],
            gamma=[0.0, 0.5],
        )
        == []
    )


# -- Exercise 2 -------------------------------------------------------------------------------------------


def off_by_one(n_agents, beta, gamma, target, max_rounds):
    result = lab.reference_rounds_to_reach(n_agents, beta, gamma, target, max_rounds)
    return None if result is None else result + 1


def ignores_max_rounds(n_agents, beta, gamma, target, max_rounds):
    return lab.reference_rounds_to_reach(n_agents, beta, gamma, target, 10_000)


def starts_from_zero(n_agents, beta, gamma, target, max_rounds):
    c = 0.0
    for t in range(max_rounds + 1):
        if c >= target:
            return t
        c = lab.reference_next_share(c, beta, gamma)
    return None


def float_rounds(*args):
    result = lab.reference_rounds_to_reach(*args)
    return None if result is None else float(result)


def test_exercise_2():
    assert lab.check_exercise_2(lab.reference_rounds_to_reach).status == "correct"
    assert lab.check_exercise_2(stub).status == "not attempted"
    rejected(lab.check_exercise_2(off_by_one), "should be 34, got 35")
    rejected(lab.check_exercise_2(ignores_max_rounds), "max_rounds=20", "should be none")
    rejected(lab.check_exercise_2(starts_from_zero), "whole number", "got none")
    rejected(lab.check_exercise_2(float_rounds), "whole number (int)")


def test_exercise_2_cases_vary_every_argument():
    assert (
        insensitive_arguments(
            lab.reference_rounds_to_reach,
            lab.EX2_CASES[0],
            n_agents=[100, 10_000],
            beta=[0.6],
            gamma=[0.1, 0.5],
            target=[0.99, 0.0001],
            max_rounds=[20],
        )
        == []
    )


# -- Exercise 3 -------------------------------------------------------------------------------------------


def measure(rng_for, infected_window=lab.LATE_ROUNDS, skip_first=True, use_capacity=True):
    def measure_policy(threshold, capacity, seeds):
        result = simulate_defence(
            lab.LAB_ROUNDS,
            len(seeds),
            rng=rng_for(seeds),
            threshold=threshold,
            capacity=capacity if use_capacity else 1.0,
        )
        infected = result["infected"][:, -infected_window:].mean()
        cost = result["false_alarm_cost"][:, 1 if skip_first else 0 :].mean()
        return float(infected), float(cost)

    return measure_policy


def test_exercise_3():
    assert lab.check_exercise_3(lab.reference_measure_policy).status == "correct"
    assert lab.check_exercise_3(stub).status == "not attempted"
    right_rng = lambda seeds: np.random.SeedSequence(list(seeds))  # noqa: E731
    rejected(
        lab.check_exercise_3(measure(lambda seeds: None)), "not reproducible"
    )  # global randomness
    rejected(
        lab.check_exercise_3(measure(lambda seeds: 0)), "does not depend on the seed"
    )  # ignores the seeds
    rejected(
        lab.check_exercise_3(measure(right_rng, infected_window=lab.LAB_ROUNDS + 1)),
        "infected share",
        "should be",
    )
    rejected(
        lab.check_exercise_3(measure(right_rng, skip_first=False)), "false-alarm cost", "should be"
    )
    rejected(lab.check_exercise_3(measure(right_rng, use_capacity=False)), "capacity=0.1")

    def as_dict(threshold, capacity, seeds):
        infected, cost = lab.reference_measure_policy(threshold, capacity, seeds)
        return {"infected": infected, "false_alarm_cost": cost}

    rejected(lab.check_exercise_3(as_dict), "should return a pair")


def test_exercise_3_cases_vary_every_argument():
    assert (
        insensitive_arguments(
            lab.reference_measure_policy,
            lab.EX3_CASES[0],
            threshold=[2.5, 0.0],
            capacity=[0.1],
            seeds=[[5, 6], [3]],
        )
        == []
    )


# -- Exercise 4 -------------------------------------------------------------------------------------------


def lowest_infection(table, target):
    return float(table["infected"].idxmin())


def highest_on_target(table, target):
    ok = table[table["infected"] <= target]
    return None if ok.empty else float(ok.index.max())


def fixed_target(table, target):
    return lab.reference_cheapest_threshold(table, 0.05)


def marks_in_place(table, target):
    table["on_target"] = (
        table["infected"] <= target
    )  # a helper column written into the caller's table
    ok = table[table["on_target"]]
    return None if ok.empty else float(ok["false_alarm_cost"].idxmin())


def returns_the_row(table, target):
    ok = table[table["infected"] <= target]
    return None if ok.empty else ok.loc[ok["false_alarm_cost"].idxmin()]


def zero_for_none(table, target):
    result = lab.reference_cheapest_threshold(table, target)
    return 0.0 if result is None else result


def test_exercise_4():
    assert lab.check_exercise_4(lab.reference_cheapest_threshold).status == "correct"
    assert lab.check_exercise_4(stub).status == "not attempted"
    rejected(lab.check_exercise_4(lowest_infection), "should be")
    rejected(lab.check_exercise_4(highest_on_target), "table 3", "should be 0")
    rejected(lab.check_exercise_4(fixed_target), "target=0.0) should be 1.5")
    rejected(lab.check_exercise_4(marks_in_place), "changed its input in place")
    rejected(lab.check_exercise_4(returns_the_row), "a number", "series")
    rejected(lab.check_exercise_4(zero_for_none), "should be none")


def test_exercise_4_cases_vary_every_argument():
    tables = lab._tables()
    assert (
        insensitive_arguments(
            lab.reference_cheapest_threshold,
            {"table": tables[0], "target": 0.05},
            table=tables[1:3],
            target=[0.0, -0.01],
        )
        == []
    )


# -- Exercise 5 -------------------------------------------------------------------------------------------


def greedy(role_tasks, task_options, tool_harm):
    return {
        role: set().union(
            *(min(task_options[t], key=lambda o: sum(tool_harm[x] for x in o)) for t in tasks)
        )
        for role, tasks in role_tasks.items()
    }


def drops_last_task(role_tasks, task_options, tool_harm):
    return lab.reference_design_manifests(
        {r: t[:-1] for r, t in role_tasks.items()}, task_options, tool_harm
    )


def mutates_options(role_tasks, task_options, tool_harm):
    task_options.pop("cite sources")
    return lab.reference_design_manifests(
        role_tasks, {**task_options, "cite sources": [frozenset({"web_search"})]}, tool_harm
    )


def adds_admin(role_tasks, task_options, tool_harm):
    return {
        role: set(tools) | {"admin"}
        for role, tools in lab.reference_design_manifests(
            role_tasks, task_options, tool_harm
        ).items()
    }


def as_options(role_tasks, task_options, tool_harm):
    return {
        role: [frozenset(tools)]
        for role, tools in lab.reference_design_manifests(
            role_tasks, task_options, tool_harm
        ).items()
    }


def test_exercise_5():
    assert lab.check_exercise_5(lab.reference_design_manifests).status == "correct"
    assert lab.check_exercise_5(stub).status == "not attempted"
    rejected(
        lab.check_exercise_5(lambda rt, to, th: dict(LEAST_PRIVILEGE)),
        "variant catalogue 1",
        "blast radius",
    )  # looked up
    rejected(
        lab.check_exercise_5(greedy), "'researcher'", "blast radius 5"
    )  # cheapest option task by task
    rejected(
        lab.check_exercise_5(lambda rt, to, th: dict(ALL_TOOLS)), "blast radius 54"
    )  # default allow
    rejected(lab.check_exercise_5(drops_last_task), "cannot do")
    rejected(lab.check_exercise_5(mutates_options), "changed its input in place")
    rejected(lab.check_exercise_5(adds_admin), "not in the catalogue")
    rejected(lab.check_exercise_5(as_options), "set of tool names")


def test_exercise_5_cases_vary_every_argument():
    catalogues = lab.variant_catalogues()
    role_tasks, task_options, tool_harm = catalogues[0]
    fewer_roles = {r: t for r, t in role_tasks.items() if r != "coder"}
    assert (
        insensitive_arguments(
            lab.reference_design_manifests,
            {"role_tasks": role_tasks, "task_options": task_options, "tool_harm": tool_harm},
            role_tasks=[fewer_roles],
            task_options=[catalogues[2][1]],
            tool_harm=[catalogues[1][2]],
        )
        == []
    )


def test_reference_manifests_match_the_package():
    assert lab.reference_design_manifests(ROLE_TASKS, TASK_OPTIONS, TOOL_HARM) == LEAST_PRIVILEGE
    # and brute force agrees with an independent enumeration of all subsets for one role
    role = "researcher"
    tools = sorted({t for task in ROLE_TASKS[role] for o in TASK_OPTIONS[task] for t in o})
    best = min(
        (
            frozenset(c)
            for k in range(len(tools) + 1)
            for c in itertools.combinations(tools, k)
            if all(any(set(o) <= set(c) for o in TASK_OPTIONS[task]) for task in ROLE_TASKS[role])
        ),
        key=lambda c: sum(TOOL_HARM[t] for t in c),
    )
    assert sum(TOOL_HARM[t] for t in best) == sum(TOOL_HARM[t] for t in LEAST_PRIVILEGE[role])


def test_tables_are_left_alone_by_the_reference():
    table = lab._tables()[1]
    before = table.copy()
    lab.reference_cheapest_threshold(table, 0.05)
    pd.testing.assert_frame_equal(table, before)

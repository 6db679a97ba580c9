"""Checks for the Unit 00 lab (the Corridor model).

Each check runs the student's code on cases that vary every argument it takes and cover
both makers' conventions, with its inputs protected (:func:`mesa_models.checks.call`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from mesa_models.checks import Verdict, call, expect, expect_type, run_check, show
from mesa_models.running import sweep
from mesa_models.welcome.corridor import EAST, Corridor, Robot

__all__ = ["check_exercise_1", "check_exercise_2", "check_exercise_3"]

MIXED_SEEDS = range(8)


def _heading(robot: Robot) -> str:
    return "east" if robot.heading == EAST else "west"


def check_exercise_1(robot_class: type) -> Verdict:
    """A robot that keeps to the right-hand lane whatever its maker said."""

    def test() -> None:
        expect(
            inspect.isclass(robot_class)
            and issubclass(robot_class, Robot)
            and robot_class is not Robot,
            f"pass your class (a subclass of Robot), got {show(robot_class)}",
        )
        lawful = type("LawfulCorridor", (Corridor,), {"robot_class": robot_class})
        for share in (0.0, 1.0, 0.5):  # all keep-left makers, all keep-right, a mix
            model = lawful(rng=1, share_keep_right=share, n_robots=10)
            for robot in model.agents:
                lane = expect_type(robot.preferred_lane, "integer", "preferred_lane")
                right_hand = 0 if robot.heading == EAST else 1
                expect(
                    lane == right_hand,
                    f"a robot heading {_heading(robot)} whose maker says keep {robot.convention} "
                    f"should prefer lane {right_hand} (its right-hand lane), got {lane}",
                )
        speeds = []
        for seed in MIXED_SEEDS:
            mixed = lawful(rng=seed, share_keep_right=0.5)
            mixed.run_for(200)
            speeds.append(mixed.datacollector.get_model_vars_dataframe()["speed"].iloc[-50:].mean())
        expect(
            np.mean(speeds) > 0.6,
            f"with the law in force a 50/50 corridor should flow (mean speed > 0.6 cells/step "
            f"over the last 50 steps), got {np.mean(speeds):.2f}",
        )

    return run_check(
        "Exercise 1 — one traffic law for every robot",
        test,
        hint="The answer depends only on the robot's heading, not on its maker: which lane is on "
        "your right when you face east (towards +x), and when you face west?",
    )


def _reference_share_on_own_side(model: Corridor) -> float:
    return sum(robot.in_preferred_lane for robot in model.agents) / len(model.agents)


def check_exercise_2(reporter: Callable[[Corridor], float]) -> Verdict:
    """A reporter: the share of robots in their maker's preferred lane."""

    def test() -> None:
        expect_type(reporter, "callable", "what you passed")
        cases = [
            (0, 0, 0.5, 12),
            (1, 30, 0.5, 12),
            (2, 60, 1.0, 8),
            (3, 10, 0.0, 20),
            (4, 45, 0.25, 16),
        ]
        for seed, steps, share, robots in cases:
            model = Corridor(rng=seed, share_keep_right=share, n_robots=robots)
            if steps:
                model.run_for(steps)
            label = f"your reporter on Corridor(rng={seed}, share_keep_right={share}, n_robots={robots}) after {steps} steps"
            got = expect_type(reporter(model), "number", label)
            want = _reference_share_on_own_side(model)
            expect(abs(got - want) < 1e-9, f"{label} should be {want:.4f}, got {show(got)}")

    return run_check(
        "Exercise 2 — a new reporter",
        test,
        hint="A share is a count divided by a total: count the robots that are in their preferred lane "
        "(each robot knows whether it is), and divide by however many robots this model has.",
    )


def _reference_gridlock_rate(
    shares: Sequence[float], seeds: Sequence[int], steps: int
) -> pd.Series:
    frame = sweep(Corridor, {"share_keep_right": list(shares)}, seeds=list(seeds), steps=steps)
    return (frame["speed"] == 0).groupby(frame["share_keep_right"]).mean()


#: (shares, seeds, steps): each argument changes the answer in some case (tests check it).
GRIDLOCK_CASES = (
    ([0.0, 0.5, 1.0], [0, 1, 2, 3], 150),
    ([0.0, 0.5, 1.0], [0, 1, 2, 3], 30),
    ([0.0, 0.5, 1.0], [4, 5, 6, 7, 8, 9], 150),
    ([1.0, 0.25], [0, 1, 2, 3], 150),
)


def check_exercise_3(gridlock_rate: Callable[..., pd.Series]) -> Verdict:
    """A sweep: share of runs that end in gridlock, by share of keep-right robots."""

    def test() -> None:
        for shares, seeds, steps in GRIDLOCK_CASES:
            label = f"gridlock_rate({shares}, seeds={seeds}, steps={steps})"
            got = expect_type(
                call(gridlock_rate, list(shares), list(seeds), steps), pd.Series, label
            )
            want = _reference_gridlock_rate(shares, seeds, steps)
            expect(
                sorted(float(i) for i in got.index) == sorted(shares),
                f"{label} should be indexed by the shares {sorted(shares)}, got index {show(list(got.index))}",
            )
            got = got.sort_index()
            expect(
                np.allclose(got.to_numpy(dtype=float), want.to_numpy()),
                f"{label} should give rates {show(want.round(3).tolist())}, got {show(got.round(3).tolist())}",
            )

    return run_check(
        "Exercise 3 — a small sweep",
        test,
        hint="Pass shares, seeds and steps on to sweep(...) unchanged; a run is in gridlock when its "
        "final speed is exactly 0; then group the runs by share_keep_right and average.",
    )

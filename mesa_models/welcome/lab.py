"""Checks for the Unit 00 lab (the Corridor model)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from mesa_models.checks import Verdict, expect, run_check
from mesa_models.welcome.corridor import EAST, Corridor, Robot
from mesa_models.running import sweep

__all__ = ["check_exercise_1", "check_exercise_2", "check_exercise_3"]

MIXED_SEEDS = range(8)


def check_exercise_1(robot_class: type) -> Verdict:
    """A robot that keeps to the right-hand lane whatever its maker said."""

    def test() -> None:
        expect(
            inspect.isclass(robot_class) and issubclass(robot_class, Robot),
            f"pass your class (a subclass of Robot), got {robot_class!r}",
        )
        LawfulCorridor = type("LawfulCorridor", (Corridor,), {"robot_class": robot_class})
        model = LawfulCorridor(rng=0, share_keep_right=0.0)
        for robot in model.agents:
            lane = robot.preferred_lane
            expect(lane in (0, 1), f"preferred_lane must be 0 or 1, got {lane!r}")
            right_hand = 0 if robot.heading == EAST else 1
            expect(
                lane == right_hand,
                f"a robot heading {'east' if robot.heading == EAST else 'west'} "
                f"(maker says keep {robot.convention}) should prefer lane {right_hand} "
                f"(its right-hand lane), got {lane}",
            )
        speeds = []
        for seed in MIXED_SEEDS:
            mixed = LawfulCorridor(rng=seed, share_keep_right=0.5)
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
        hint="Facing east, the right-hand lane is 0 (south); facing west it is 1 (north). "
        "Return it from preferred_lane without looking at self.convention.",
    )


def _reference_share_on_own_side(model: Corridor) -> float:
    return sum(robot.in_preferred_lane for robot in model.agents) / len(model.agents)


def check_exercise_2(reporter: Callable[[Corridor], float]) -> Verdict:
    """A reporter: the share of robots in their maker's preferred lane."""

    def test() -> None:
        expect(callable(reporter), f"pass your function, got {reporter!r}")
        for seed, steps, share in [(0, 0, 0.5), (1, 30, 0.5), (2, 60, 1.0), (3, 10, 0.0)]:
            model = Corridor(rng=seed, share_keep_right=share)
            if steps:
                model.run_for(steps)
            got = reporter(model)
            want = _reference_share_on_own_side(model)
            expect(
                isinstance(got, int | float | np.floating) and not isinstance(got, bool),
                f"the reporter should return a number, got {got!r}",
            )
            expect(
                abs(float(got) - want) < 1e-9,
                f"for Corridor(rng={seed}, share_keep_right={share}) after {steps} steps "
                f"expected {want:.4f}, got {float(got):.4f}",
            )

    return run_check(
        "Exercise 2 — a new reporter",
        test,
        hint="Count robots whose in_preferred_lane is True, divide by the number of robots "
        "(model.agents, and len(model.agents)).",
    )


def _reference_gridlock_rate(shares: Sequence[float], seeds: Sequence[int], steps: int) -> pd.Series:
    frame = sweep(Corridor, {"share_keep_right": list(shares)}, seeds=seeds, steps=steps)
    return (frame["speed"] == 0).groupby(frame["share_keep_right"]).mean()


def check_exercise_3(gridlock_rate: Callable[..., pd.Series]) -> Verdict:
    """A sweep: share of runs that end in gridlock, by share of keep-right robots."""

    def test() -> None:
        shares, seeds, steps = [0.0, 0.5, 1.0], list(range(4)), 150
        got = gridlock_rate(shares, seeds, steps)
        expect(isinstance(got, pd.Series), f"return a pandas Series, got {type(got).__name__}")
        want = _reference_gridlock_rate(shares, seeds, steps)
        expect(
            [float(i) for i in got.index] == shares,
            f"the Series should be indexed by share_keep_right {shares}, got {list(got.index)}",
        )
        expect(
            np.allclose(got.to_numpy(dtype=float), want.to_numpy()),
            f"expected rates {want.round(3).tolist()}, got {got.round(3).tolist()}",
        )

    return run_check(
        "Exercise 3 — a small sweep",
        test,
        hint="sweep(Corridor, {'share_keep_right': list(shares)}, seeds=seeds, steps=steps) gives "
        "one row per run; a run is gridlocked when its final speed == 0; group by share and take the mean.",
    )


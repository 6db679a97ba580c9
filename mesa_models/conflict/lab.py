"""Exercise checks for the Unit 02 lab (Conflict): forgiveness, sanctions, the b threshold."""

from __future__ import annotations

import random
from collections.abc import Callable
from numbers import Real

from mesa_models.checks import Verdict, expect, run_check
from mesa_models.conflict.commons import CommonsHarvest, protect_last_apples
from mesa_models.conflict.escalation import Strategy, single_error_recovery
from mesa_models.running import run
from mesa_models.conflict.spatial_pd_fast import SpatialPDArray

__all__ = [
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "reference_late_share",
]



# -- Exercise 1: generous tit-for-tat ----------------------------------------------------
def check_exercise_1(strategy_cls: type[Strategy]) -> Verdict:
    """A generous TFT: cooperate after C; after D forgive with probability about 1/3;
    a pair of them recovers from a single mistake."""

    def test() -> None:
        expect(isinstance(strategy_cls, type) and issubclass(strategy_cls, Strategy), f"pass your class (a Strategy subclass), got {strategy_cls!r}")
        player = strategy_cls()
        player.reset()
        expect(player.first_move() == "C", f"open with 'C', got {player.first_move()!r}")
        rnd = random.Random(0)
        after_c = {player.move(["C"], ["C"], rnd) for _ in range(200)}
        expect(after_c == {"C"}, f"after the opponent cooperates, always cooperate; got moves {sorted(after_c)}")
        forgive = sum(player.move(["C"], ["D"], rnd) == "C" for _ in range(3000)) / 3000
        expect(0.25 <= forgive <= 0.42, f"after a defection, forgive about 1/3 of the time; you forgave {forgive:.0%}")
        result = single_error_recovery(strategy_cls, seeds=range(10))
        expect(result["recovered"] == 1.0, f"a pair of your players should return to mutual cooperation after one mistake; they did in {result['recovered']:.0%} of matches")

    return run_check("Exercise 1 — generous tit-for-tat", test, hint="Copy TFT, but when the opponent's last move was 'D', return 'C' if random.random() < 1/3.")


# -- Exercise 2: a graduated sanction ------------------------------------------------------
def _cell_with_apples_around(n: int) -> tuple[CommonsHarvest, object]:
    """A model with an apple at (10, 10) and exactly ``n`` apples around it."""
    model = CommonsHarvest(rng=0, n_harvesters=1, fine=1.5, protect_below=2)
    model.apples[:] = False
    model.apples[10, 10] = True
    for dx, dy in [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)][:n]:
        model.apples[10 + dx, 10 + dy] = True
    return model, model.grid[(10, 10)]


def check_exercise_2(rule: Callable) -> Verdict:
    """fine × (protect_below − apples around) when fewer than protect_below apples stand
    around the cell, else 0."""

    def test() -> None:
        expect(callable(rule), f"pass your sanction rule (a function), got {rule!r}")
        for around, expected in [(0, 3.0), (1, 1.5), (2, 0.0), (5, 0.0)]:
            model, cell = _cell_with_apples_around(around)
            harvester = next(iter(model.agents))
            got = rule(harvester, cell)
            expect(
                isinstance(got, Real) and abs(got - expected) < 1e-9,
                f"with fine = 1.5, protect_below = 2 and {around} apple(s) around, the fine should be {expected}; got {got!r}",
            )

    return run_check("Exercise 2 — a graduated sanction", test, hint="Count with harvester.model.apples_around(cell); read fine and protect_below from harvester.model.")


# -- Exercise 3: the weakest fine that prevents collapse --------------------------------------
def _graduated_reference(harvester, cell) -> float:
    model = harvester.model
    around = model.apples_around(cell)
    return model.fine * (model.protect_below - around) if around < model.protect_below else 0.0


def check_exercise_3(weakest_fine: Callable[[Callable], float]) -> Verdict:
    """``weakest_fine(rule)`` returns the smallest fine on the grid 0.25, 0.5, ... that keeps
    the commons alive for seeds 0-3 over 300 steps (monitoring 0.5) under ``rule``.
    Known cases: 2.0 for the flat rule ``protect_last_apples``, 1.0 for a graduated rule."""

    def test() -> None:
        expect(callable(weakest_fine), f"pass your weakest_fine function, got {weakest_fine!r}")
        for rule, want in ((protect_last_apples, 2.0), (_graduated_reference, 1.0)):
            got = weakest_fine(rule)
            expect(
                isinstance(got, Real) and abs(got - want) < 1e-9,
                f"for the rule {rule.__name__!r} the weakest fine is {want}; your function returned {got!r}",
            )

    return run_check(
        "Exercise 3 — the weakest fine that prevents collapse",
        test,
        hint="Loop over fine = 0.25, 0.5, ...; for each, run CommonsHarvest(rng=seed, fine=fine, monitoring=0.5, sanction_rule=rule) "
        "for 300 steps on seeds 0-3 and return the first fine with no collapse (time_to_collapse is None).",
    )


# -- Exercise 4: where does cooperation survive? ---------------------------------------------
def reference_late_share(b: float, seed: int = 0) -> float:
    """Mean cooperator share over steps 101-150 on a 60x60 torus from 90 % cooperators."""
    frame = run(SpatialPDArray, 150, rng=seed, width=60, height=60, b=b, initial_cooperators=0.9)
    return float(frame["cooperators"].iloc[-50:].mean())


def check_exercise_4(late_share: Callable[[float, int], float]) -> Verdict:
    """``late_share(b, seed)`` reproduces the reference measurement at b = 1.5, 1.9, 2.2."""

    def test() -> None:
        expect(callable(late_share), f"pass your late_share function, got {late_share!r}")
        for b, seed in ((1.5, 0), (1.9, 1), (2.2, 0)):
            got, want = late_share(b, seed), reference_late_share(b, seed)
            expect(isinstance(got, Real) and abs(got - want) < 0.005, f"late_share({b}, {seed}) should be {want:.3f}; got {got!r}")

    return run_check(
        "Exercise 4 — measuring cooperation",
        test,
        hint="run(SpatialPDArray, 150, rng=seed, width=60, height=60, b=b, initial_cooperators=0.9), then average the last 50 values of 'cooperators'.",
    )

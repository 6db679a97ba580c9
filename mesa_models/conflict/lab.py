"""Exercise checks for the Unit 02 lab (Conflict): forgiveness, sanctions, the b threshold.

Each check varies every argument the student's code takes (fines and thresholds other
than the lesson's, other seeds, monitoring rates and horizons), covers every branch of the
rule (opponent's last move C or D whatever one's own; apples below, at and above the
protection level), protects inputs and tests reproducibility where randomness enters.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from mesa_models.checks import (
    Verdict,
    call,
    expect,
    expect_close,
    expect_reproducible,
    expect_type,
    run_check,
    show,
)
from mesa_models.conflict.commons import CommonsHarvest, protect_last_apples
from mesa_models.conflict.escalation import Strategy, single_error_recovery
from mesa_models.conflict.spatial_pd_fast import SpatialPDArray
from mesa_models.base import seed_argument
from mesa_models.params import validate_arguments
from mesa_models.running import run

__all__ = [
    "LATE_SHARE_CASES",
    "WEAKEST_FINE_CASES",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "graduated_reference",
    "reference_late_share",
    "reference_weakest_fine",
]


# -- Exercise 1: generous tit-for-tat ----------------------------------------------------
#: (mine, theirs) histories: the opponent's *last* move decides, whatever came before and
#: whatever this player did.
AFTER_C = ((["C"], ["C"]), (["D"], ["C"]), (["C", "D", "C"], ["D", "D", "C"]))
AFTER_D = ((["C"], ["D"]), (["D"], ["D"]), (["D", "C", "C"], ["C", "C", "D"]))
FORGIVE_DRAWS = 3000
FORGIVE_RANGE = (0.30, 0.367)  # 1/3 ± 4 standard errors over 3,000 draws


def check_exercise_1(strategy_cls: type[Strategy]) -> Verdict:
    """A generous TFT: cooperate after C; after D forgive with probability 1/3, drawing
    from the ``random`` it is given; a pair of them recovers from a single mistake."""

    def test() -> None:
        expect(
            isinstance(strategy_cls, type)
            and issubclass(strategy_cls, Strategy)
            and strategy_cls is not Strategy,
            f"pass your class (a Strategy subclass), got {show(strategy_cls)}",
        )
        player = strategy_cls()
        player.reset()
        expect(player.first_move() == "C", f"open with 'C', got {show(player.first_move())}")
        rnd = random.Random(0)
        for mine, theirs in AFTER_C:
            moves = {call(player.move, mine, theirs, rnd) for _ in range(100)}
            expect(
                moves == {"C"},
                f"when the opponent's last move was 'C' (your moves {mine}, theirs {theirs}), always cooperate; got {sorted(moves)}",
            )
        for mine, theirs in AFTER_D:
            moves = [call(player.move, mine, theirs, rnd) for _ in range(FORGIVE_DRAWS)]
            expect(
                set(moves) <= {"C", "D"},
                f"moves are 'C' or 'D', got {sorted(set(moves) - {'C', 'D'})}",
            )
            forgive = moves.count("C") / FORGIVE_DRAWS
            low, high = FORGIVE_RANGE
            expect(
                low <= forgive <= high,
                f"when the opponent's last move was 'D' (your moves {mine}, theirs {theirs}), forgive with probability 1/3; "
                f"you forgave {forgive:.1%} of {FORGIVE_DRAWS} times",
            )

        def moves_after_a_defection(seed: int) -> list[str]:
            rnd = random.Random(seed)
            return [player.move(["C"], ["D"], rnd) for _ in range(40)]

        expect_reproducible(
            moves_after_a_defection, "your move() after a defection, 40 times with one random"
        )
        result = single_error_recovery(strategy_cls, seeds=range(10))
        expect(
            result["recovered"] == 1.0,
            f"a pair of your players should return to mutual cooperation after one mistake; they did in {result['recovered']:.0%} of matches",
        )

    return run_check(
        "Exercise 1 — generous tit-for-tat",
        test,
        hint="Only the opponent's last move matters (theirs[-1]). After a 'D', draw one number from the random "
        "you are given (not from the random module or NumPy) and forgive one time in three.",
    )


# -- Exercise 2: a graduated sanction ------------------------------------------------------
NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def _cell_with_apples_around(
    n: int, fine: float, protect_below: int
) -> tuple[CommonsHarvest, object]:
    """A model with an apple at (10, 10) and exactly ``n`` apples around it."""
    model = CommonsHarvest(rng=0, n_harvesters=1, fine=fine, protect_below=protect_below)
    model.apples[:] = False
    model.apples[10, 10] = True
    for dx, dy in NEIGHBOURS[:n]:
        model.apples[10 + dx, 10 + dy] = True
    return model, model.grid[(10, 10)]


def graduated_reference(harvester, cell) -> float:
    """fine × (protect_below − apples around) below the protection level, else 0."""
    model = harvester.model
    around = model.apples_around(cell)
    return model.fine * (model.protect_below - around) if around < model.protect_below else 0.0


def check_exercise_2(rule: Callable) -> Verdict:
    """fine × (protect_below − apples around) when fewer than protect_below apples stand
    around the cell, else 0 — for several fines and protection levels."""

    def test() -> None:
        expect_type(rule, "callable", "your sanction rule")
        for fine, protect_below in ((1.5, 2), (2.5, 3), (0.75, 4)):
            for around in range(0, protect_below + 2):
                model, cell = _cell_with_apples_around(around, fine, protect_below)
                harvester = next(iter(model.agents))
                want = graduated_reference(harvester, cell)
                label = f"with fine = {fine}, protect_below = {protect_below} and {around} apple(s) around, the fine"
                expect_close(call(rule, harvester, cell), want, label)

    return run_check(
        "Exercise 2 — a graduated sanction",
        test,
        hint="Read the fine and the protection level from the model (harvester.model), not from the lesson's "
        "numbers; count the apples around the cell with the model's own method; mind 'fewer than'.",
    )


# -- Exercise 3: the weakest fine that prevents collapse --------------------------------------
def reference_weakest_fine(
    rule: Callable, monitoring: float = 0.5, seeds=range(4), steps: int = 300
) -> float | None:
    """Smallest multiple of 0.25 (up to 20) under which no seed collapses within ``steps``."""
    for quarter in range(1, 81):
        fine = quarter / 4
        if all(_survives(rule, fine, monitoring, seed, steps) for seed in seeds):
            return fine
    return None


def _survives(rule: Callable, fine: float, monitoring: float, seed: int, steps: int) -> bool:
    model = CommonsHarvest(rng=seed, fine=fine, monitoring=monitoring, sanction_rule=rule)
    model.run_for(steps)
    return model.time_to_collapse is None


#: (rule, monitoring, seeds, steps, answer), cheapest first. Each argument changes the answer
#: in some case, and the third catches "return as soon as any seed survives" (seed 1
#: outlives 100 steps while seeds 0, 2, 3 collapse). A test recomputes every answer.
WEAKEST_FINE_CASES = (
    (protect_last_apples, 0.5, (1,), 200, 0.25),
    (graduated_reference, 0.5, (0, 1, 2, 3), 30, 0.25),
    (protect_last_apples, 0.5, (0, 1, 2, 3), 100, 2.0),
    (protect_last_apples, 1.0, (0, 1, 2, 3), 150, 1.0),
    (graduated_reference, 0.5, (0, 1, 2, 3), 150, 1.0),
    (protect_last_apples, 0.5, (0, 1, 2, 3), 300, 2.0),
)


def check_exercise_3(weakest_fine: Callable[..., float]) -> Verdict:
    """``weakest_fine(rule, monitoring, seeds, steps)`` returns the smallest fine on the grid
    0.25, 0.5, ... that keeps the commons alive for every seed over ``steps`` steps."""

    def test() -> None:
        expect_type(weakest_fine, "callable", "your weakest_fine")
        for rule, monitoring, seeds, steps, want in WEAKEST_FINE_CASES:
            label = f"weakest_fine({rule.__name__}, monitoring={monitoring}, seeds={list(seeds)}, steps={steps})"
            got = call(weakest_fine, rule, monitoring, list(seeds), steps)
            expect_close(got, want, label)

    return run_check(
        "Exercise 3 — the weakest fine that prevents collapse",
        test,
        hint="Use every argument you are given (monitoring, seeds, steps). A fine works only if the commons "
        "survives for *every* seed: move on to the next fine at the first seed that collapses.",
    )


# -- Exercise 4: where does cooperation survive? ---------------------------------------------
@validate_arguments(seed=seed_argument("seed"))
def reference_late_share(b: float, seed: int = 0) -> float:
    """Mean cooperator share over steps 101-150 on a 60x60 torus from 90 % cooperators."""
    frame = run(SpatialPDArray, 150, rng=seed, width=60, height=60, b=b, initial_cooperators=0.9)
    return float(frame["cooperators"].iloc[-50:].mean())


#: (b, seed): three regimes of b, and several seeds.
LATE_SHARE_CASES = ((1.5, 0), (1.9, 1), (2.2, 0), (1.85, 3))


def check_exercise_4(late_share: Callable[[float, int], float]) -> Verdict:
    """``late_share(b, seed)`` reproduces the reference measurement exactly."""

    def test() -> None:
        expect_type(late_share, "callable", "your late_share")
        for b, seed in LATE_SHARE_CASES:
            expect_close(
                call(late_share, b, seed),
                reference_late_share(b, seed),
                f"late_share({b}, {seed})",
                tol=1e-9,
            )

    return run_check(
        "Exercise 4 — measuring cooperation",
        test,
        hint="Use both arguments (b and the seed, as rng=). The table has one row per step, starting at step 0: "
        "the last 50 rows are steps 101-150. Grid size and starting share are in the exercise text.",
    )

"""Exercise checks for the Unit 08 lab (Commitment and trust).

1. the standing norm (a truth table);
2. the payoffs of two rigid commitments in Chicken;
3. an escape clause that releases a commitment with some probability;
4. measuring cooperation under errors of perception, for any norm and seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from mesa_models.checks import (
    CheckFailed,
    Verdict,
    call,
    expect,
    expect_equal,
    expect_matches,
    expect_reproducible,
    expect_type,
    run_check,
    vary,
)
from mesa_models.base import seed_argument
from mesa_models.commitment.chicken import (
    CHICKEN_PARAMS,
    CommitAt,
    Commitment,
    RigidCommitment,
    crash_rate,
    play_chicken,
)
from mesa_models.commitment.indirect_reciprocity import IndirectReciprocity, image_scoring, standing
from mesa_models.params import Param, validate_arguments

_IR_PARAMS = IndirectReciprocity.params

__all__ = [
    "LAB_ROUNDS",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "reference_chicken_payoffs",
    "reference_cooperation_level",
    "ReferenceEscapeClause",
]

#: Encounters in the one long generation of Exercise 4 (20 acts per player on average).
LAB_ROUNDS = 2_000


# -- Exercise 1: the standing norm -----------------------------------------------------------
def check_exercise_1(norm: Callable[[bool, bool], bool]) -> Verdict:
    """``norm(helped, recipient_good)`` is the standing norm: helping is good; refusing is
    good only when the recipient was bad."""

    def test() -> None:
        expect_type(norm, "callable", "what you passed")
        for helped in (True, False):
            for good in (True, False):
                got = call(norm, helped, good)
                label = f"{getattr(norm, '__name__', 'your norm')}(helped={helped}, recipient_good={good})"
                got = expect_type(got, "bool", label)
                want = standing(helped, good)
                if got != want:
                    why = (
                        "refusing a bad recipient is justified under standing"
                        if not helped and not good
                        else "refusing a good recipient is what standing condemns"
                        if not helped
                        else "helping is always good under standing"
                    )
                    raise CheckFailed(f"{label} should be {want}, got {got}: {why}")

    return run_check(
        "Exercise 1 — the standing norm",
        test,
        hint="Four cases. Helping is always good; refusing is good exactly when the recipient's reputation was bad.",
    )


# -- Exercise 2: payoffs of two rigid commitments --------------------------------------------------
def _tick(name: str):
    param = Param(name, 0, "commitment tick (None: no commitment)", "ticks", low=0, high=499)
    return lambda value, owner: None if value is None else param.validate(value, owner)


@validate_arguments(
    tick_a=_tick("tick_a"),
    tick_b=_tick("tick_b"),
    delay=Param("delay", 2, "ticks before a commitment is visible", "ticks", low=1, high=500),
    cost=CHICKEN_PARAMS["cost"],
    crash_cost=CHICKEN_PARAMS["crash_cost"],
)
def reference_chicken_payoffs(tick_a, tick_b, delay, cost, crash_cost):
    """Payoffs of two rigid commitments at ``tick_a``, ``tick_b`` (None: no commitment)."""
    window = max(t for t in (tick_a, tick_b, 0) if t is not None) + delay + 1
    return play_chicken(
        CommitAt(tick_a),
        CommitAt(tick_b),
        window=window,
        delay=delay,
        cost=cost,
        crash_cost=crash_cost,
        mistake=0.0,
    ).payoffs


CHICKEN_BASE = {"tick_a": 5, "tick_b": 6, "delay": 2, "cost": 0.1, "crash_cost": 10.0}  # a crash
CHICKEN_CASES = vary(
    CHICKEN_BASE,
    tick_a=[
        None,
        0,
        4,
        6,
        7,
        9,
    ],  # b alone; a first; a just visible in time; same tick; too close; b first
    tick_b=[None, 3, 4, 7, 8],  # a alone; b just in time; too close; a just in time; a first
    delay=[1, 3, 6],
    cost=[0.0, 0.5],
    crash_cost=[4.0],
)


def check_exercise_2(chicken_payoffs: Callable) -> Verdict:
    """``chicken_payoffs(tick_a, tick_b, delay, cost, crash_cost)`` -> ``(payoff_a, payoff_b)``."""

    def test() -> None:
        expect_type(chicken_payoffs, "callable", "what you passed")
        for case in CHICKEN_CASES:
            got = call(chicken_payoffs, *case.values())
            label = "chicken_payoffs(" + ", ".join(f"{k}={v!r}" for k, v in case.items()) + ")"
            expect_type(got, tuple, label)
            expect(
                len(got) == 2,
                f"{label} should return two payoffs (driver a, driver b), got {len(got)} values",
            )
            for value, who in zip(got, "ab", strict=True):
                expect_type(value, "number", f"{label}: the payoff of driver {who}")
            want = reference_chicken_payoffs(*case.values())
            expect_equal(got, want, label)

    return run_check(
        "Exercise 2 — payoffs of two rigid commitments",
        test,
        hint="Decide first who actually commits: the later driver yields if the earlier commitment was "
        "visible (earlier tick + delay <= its own tick). Commitments less than `delay` ticks apart "
        "both stand and crash. Then subtract `cost` from every driver who did commit.",
    )


# -- Exercise 3: an escape clause ----------------------------------------------------------------
class ReferenceEscapeClause(RigidCommitment):
    """Commit at a random tick; at play, swerve with probability ``p_escape`` if the other's
    commitment was seen, else go straight."""

    name = "escape clause"

    def __init__(self, p_escape: float = 0.5) -> None:
        self.p_escape = p_escape

    def escape(self, saw_commitment, random):
        return saw_commitment and random.random() < self.p_escape


def _frequency(strategy: Commitment, saw: bool, draws: int, seed: int) -> float:
    rnd = random.Random(seed)
    hits = 0
    for _ in range(draws):
        value = strategy.escape(saw, rnd)
        expect_type(value, "bool", f"escape({saw}, random)")
        hits += value
    return hits / draws


def check_exercise_3(escape_cls: type) -> Verdict:
    """An escape clause: ``EscapeClause(p_escape)`` commits like a rigid committer and, at
    play, swerves with probability ``p_escape`` only when it saw the other's commitment."""

    def test() -> None:
        expect_type(escape_cls, "class", "what you passed")
        expect(
            issubclass(escape_cls, Commitment),
            f"{escape_cls.__name__} should be a subclass of Commitment (or RigidCommitment)",
        )
        for p in (0.0, 0.3, 0.8, 1.0):
            strategy = escape_cls(p)
            tick = strategy.commit_tick(10, random.Random(1))
            expect(
                isinstance(tick, int) and 0 <= tick < 10,
                f"{escape_cls.__name__}({p}).commit_tick(10, random) should plan a tick in 0..9 like a rigid committer, got {tick!r}",
            )
            unseen = _frequency(strategy, False, 300, 2)
            expect(
                unseen == 0,
                f"{escape_cls.__name__}({p}) escaped in {unseen:.0%} of plays when it had NOT seen the other's "
                "commitment; the clause should only release it when it has",
            )
            seen = _frequency(strategy, True, 4000, 3)
            expect(
                abs(seen - p) < 0.03,
                f"{escape_cls.__name__}({p}) escaped in {seen:.1%} of plays after seeing the other's "
                f"commitment; expected about {p:.0%}",
            )

        def sequence(seed: int) -> list[bool]:
            strategy, rnd = escape_cls(0.5), random.Random(seed)
            return [strategy.escape(True, rnd) for _ in range(40)]

        expect_reproducible(sequence, f"{escape_cls.__name__}(0.5).escape(True, random)")
        mine = crash_rate(escape_cls(1.0), escape_cls(1.0), 3000, rng=5)
        rigid = crash_rate(RigidCommitment, RigidCommitment, 3000, rng=5)
        expect(
            mine < rigid / 5,
            f"two drivers with a certain escape clause (p_escape = 1) crashed in {mine:.1%} of matches, "
            f"not much less than two rigid committers ({rigid:.1%})",
        )

    return run_check(
        "Exercise 3 — an escape clause",
        test,
        hint="Store p_escape in __init__; in escape(self, saw_commitment, random) return True only if "
        "saw_commitment is True and a draw from the `random` argument falls below p_escape.",
    )


# -- Exercise 4: cooperation under errors of perception ---------------------------------------------
@validate_arguments(perception_error=_IR_PARAMS["perception_error"], seed=seed_argument("seed"))
def reference_cooperation_level(norm, perception_error, seed):
    """Share of helped encounters in one long generation of discriminators only."""
    model = IndirectReciprocity(
        rng=seed,
        norm_rule=norm,
        perception_error=perception_error,
        rounds=LAB_ROUNDS,
        initial_defectors=0.0,
        mutation=0.0,
    )
    model.step()
    return model.cooperation


COOPERATION_BASE = {"norm": standing, "perception_error": 0.05, "seed": 1}
COOPERATION_CASES = vary(
    COOPERATION_BASE, norm=[image_scoring], perception_error=[0.0, 0.2], seed=[2]
)


def check_exercise_4(cooperation_level: Callable) -> Verdict:
    """``cooperation_level(norm, perception_error, seed)`` as :func:`reference_cooperation_level`."""

    def test() -> None:
        expect_type(cooperation_level, "callable", "what you passed")
        expect_matches(
            cooperation_level, reference_cooperation_level, COOPERATION_CASES, kind="probability"
        )
        expect_reproducible(
            lambda seed: cooperation_level(image_scoring, 0.05, seed),
            "cooperation_level(image_scoring, 0.05, seed)",
        )

    return run_check(
        "Exercise 4 — cooperation under errors of perception",
        test,
        hint=f"IndirectReciprocity(rng=seed, norm_rule=norm, perception_error=perception_error, rounds={LAB_ROUNDS}, "
        "initial_defectors=0.0, mutation=0.0); call step() once and return model.cooperation.",
    )

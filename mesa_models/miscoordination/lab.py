"""Checks for the Unit 01 lab (miscoordination): conventions, cheap talk, El Farol.

Each ``check_exercise_N`` runs the student's code on known cases and returns a
:class:`~mesa_models.checks.Verdict` (correct / not attempted / incorrect / error).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

from mesa_models.checks import Verdict, expect, run_check
from mesa_models.miscoordination.conventions import ACTIONS, Conventions, follow_signal
from mesa_models.miscoordination.el_farol import ElFarol, Patron, attendance_stats
from mesa_models.running import run

__all__ = [
    "MEETING",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "meeting_miscoordination",
]

#: The lab's meeting scenario: two tight-knit groups of 50 (complete graphs) learn apart
#: for 40 steps, then 2 roads per driver join them; announcements are flipped 20 % of the
#: time. With seeds 2, 3, 4 the groups settle on opposite sides.
MEETING = dict(groups=2, topology="complete", contact_step=40, cross_links=2, signal_noise=0.2)
MEETING_SEEDS = (2, 3, 4)
MEETING_STEPS = 100


def meeting_miscoordination(signal_rule: Callable | None = None, *, cheap_talk: bool = True) -> dict[str, float]:
    """Mean share of meetings that crash after contact in :data:`MEETING` (over its
    seeds): ``all`` meetings and ``cross`` (between the groups) meetings."""
    rates, cross = [], []
    for seed in MEETING_SEEDS:
        model = Conventions(rng=seed, cheap_talk=cheap_talk, signal_rule=signal_rule, **MEETING)
        frame = run(model, MEETING_STEPS)
        after = frame.loc[MEETING["contact_step"] + 1 :]
        rates.append(after["miscoordination"].mean())
        cross.append(after["cross_miscoordination"].mean())
    return {"all": float(np.mean(rates)), "cross": float(np.nanmean(cross))}


def check_exercise_1(overload_frequency: Callable) -> Verdict:
    """``overload_frequency(attendance, level)``: share of weeks strictly above ``level``."""

    def test() -> None:
        cases = [(([50, 70, 80, 60], 75), 0.25), (([0, 100], 60), 0.5), (([75, 75], 75), 0.0), (([61], 60), 1.0)]
        for (attendance, level), expected in cases:
            got = overload_frequency(attendance, level)
            expect(isinstance(got, numbers.Real) and not isinstance(got, bool), f"overload_frequency({attendance}, {level}) should return a number, got {got!r}")
            expect(math.isclose(float(got), expected), f"overload_frequency({attendance}, {level}) should be {expected}, got {got!r}")
        frame = run(ElFarol, 50, rng=0)
        got = overload_frequency(frame["attendance"], 75)
        expected = float(np.mean(frame["attendance"] > 75))
        expect(math.isclose(float(got), expected), f"on a pandas Series of attendance the answer should be {expected:.3f}, got {got!r}")

    return run_check(
        "Exercise 1 — how often is the bar overloaded?",
        test,
        hint="Count the weeks with attendance > level (strictly above) and divide by the number of weeks; "
        "np.mean(np.asarray(attendance) > level) does both.",
    )


def check_exercise_2(signal_rule: Callable) -> Verdict:
    """A signalling rule that beats both silence and blind trust in the noisy meeting."""

    def test() -> None:
        model = Conventions(rng=0, cheap_talk=True, signal_rule=signal_rule, **MEETING)
        driver = next(iter(model.agents))
        for stranger in (False, True):
            for heard in ACTIONS:
                driver.meeting_stranger = stranger
                side = signal_rule(driver, heard)
                expect(side in ACTIONS, f"the rule must return 'left' or 'right', got {side!r} (stranger={stranger}, heard {heard!r})")
        yours = meeting_miscoordination(signal_rule)
        silent = meeting_miscoordination(cheap_talk=False)
        blind = meeting_miscoordination(follow_signal)
        best = min(silent["all"], blind["all"])
        expect(
            yours["all"] < 0.85 * best,
            f"after contact {yours['all']:.1%} of meetings crash with your rule; "
            f"silent driving gives {silent['all']:.1%} and always following the signal {blind['all']:.1%}. "
            f"Aim below {0.85 * best:.1%}.",
        )
        expect(yours["cross"] < 0.5, f"meetings between the groups still crash {yours['cross']:.0%} of the time; aim below 50 %")

    return run_check(
        "Exercise 2 — a signalling rule for strangers",
        test,
        hint="Signals are wrong 20 % of the time. Among your own group, your own side is a better guide than a noisy "
        "signal; with a stranger (agent.meeting_stranger) the signal is the only clue you have.",
    )


def _forecasts(family: Callable, draws: int = 40) -> list[float]:
    rng = np.random.default_rng(0)
    history = np.array([44, 78, 56, 15, 23, 67, 84, 34], dtype=float)
    values = []
    for _ in range(draws):
        predictor = family(rng, memory=8, n_agents=100)
        expect(callable(predictor), f"the family must return a predictor (a function history -> forecast), got {predictor!r}")
        value = predictor(history)
        expect(isinstance(value, numbers.Real) and math.isfinite(value), f"a predictor returned {value!r}; it must return a finite number")
        values.append(float(value))
    return values


def check_exercise_3(family: Callable) -> Verdict:
    """A heterogeneous predictor family: many different forecasts, mean near the
    threshold, overload well below the monoculture's."""

    def test() -> None:
        distinct = len({round(v, 2) for v in _forecasts(family)})
        expect(distinct >= 10, f"40 predictors from your family made only {distinct} different forecasts of the same history; aim for at least 10")
        diverse, mono = [], []
        for seed in range(3):
            diverse.append(attendance_stats(run(ElFarol, 300, rng=seed, predictor_family=family).attendance[1:], 60, burn_in=50))
            mono.append(attendance_stats(run(ElFarol, 300, rng=seed, predictor_family=family, monoculture=True).attendance[1:], 60, burn_in=50))
        mean = np.mean([s["mean"] for s in diverse])
        over, over_mono = np.mean([s["overloaded"] for s in diverse]), np.mean([s["overloaded"] for s in mono])
        expect(abs(mean - 60) <= 6, f"mean attendance with your family is {mean:.1f}; Arthur's agents find about 60 (aim for 54-66)")
        expect(over < 0.7 * over_mono, f"your diverse population is overloaded in {over:.0%} of weeks vs {over_mono:.0%} for the monoculture; aim below {0.7 * over_mono:.0%}")

    return run_check(
        "Exercise 3 — a heterogeneous predictor population",
        test,
        hint="Draw from more than one kind of predictor, e.g. call arthur_family half the time and linear_family "
        "the other half (rng.random() < 0.5), so agents disagree about next week.",
    )


def check_exercise_4(patron_class: type) -> Verdict:
    """A patron that keeps a monoculture (one shared bag) from overloading the bar."""

    def test() -> None:
        expect(isinstance(patron_class, type) and issubclass(patron_class, Patron), f"pass a subclass of Patron, got {patron_class!r}")
        model_cls = type("MitigatedElFarol", (ElFarol,), {"patron_class": patron_class})
        yours, plain = [], []
        for seed in range(3):
            yours.append(attendance_stats(run(model_cls, 200, rng=seed, monoculture=True).attendance[1:], 60, burn_in=20))
            plain.append(attendance_stats(run(ElFarol, 200, rng=seed, monoculture=True).attendance[1:], 60, burn_in=20))
        over, over_plain = np.mean([s["overloaded"] for s in yours]), np.mean([s["overloaded"] for s in plain])
        mean = np.mean([s["mean"] for s in yours])
        expect(over < 0.5 * over_plain, f"with your patrons the shared-model bar is overloaded in {over:.0%} of weeks (plain monoculture: {over_plain:.0%}); aim below half of that")
        expect(45 <= mean <= 75, f"mean attendance is {mean:.1f}; a mitigation that empties (or floods) the bar is no mitigation (aim for 45-75)")

    return run_check(
        "Exercise 4 — defuse the monoculture",
        test,
        hint="Everyone reads the same forecast, so everyone makes the same move. Break the tie privately: "
        "e.g. after super().decide(), go with a probability near threshold / n_agents, nudged by the forecast.",
    )

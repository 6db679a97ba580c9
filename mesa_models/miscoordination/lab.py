"""Checks for the Unit 01 lab (miscoordination): conventions, cheap talk, El Farol.

Each ``check_exercise_N`` runs the student's code on cases that vary every argument and
cover every branch the exercise is about (groups on the same side and on opposite sides;
several bar sizes and memories), protects its inputs, and tests reproducibility where
randomness is involved. It returns a :class:`~mesa_models.checks.Verdict`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from mesa_models.checks import (
    CheckFailed,
    Verdict,
    call,
    expect,
    expect_reproducible,
    expect_type,
    run_check,
    show,
)
from mesa_models.miscoordination.conventions import ACTIONS, Conventions, follow_signal
from mesa_models.miscoordination.el_farol import ElFarol, Patron, attendance_stats
from mesa_models.running import run

__all__ = [
    "MEETING",
    "MEETING_SEEDS",
    "SAME_SIDE_SEEDS",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "meeting_miscoordination",
]

#: The lab's meeting scenario: two tight-knit groups of 50 (complete graphs) learn apart
#: for 40 steps, then 2 roads per driver join them; announcements are flipped 20 % of the
#: time. With seeds 2, 3, 4 the groups settle on opposite sides; with 0, 5, 8 on the same.
MEETING = dict(groups=2, topology="complete", contact_step=40, cross_links=2, signal_noise=0.2)
MEETING_SEEDS = (2, 3, 4)
SAME_SIDE_SEEDS = (0, 5, 8)
MEETING_STEPS = 100


def meeting_miscoordination(
    signal_rule: Callable | None = None,
    *,
    cheap_talk: bool = True,
    seeds: Iterable[int] = MEETING_SEEDS,
) -> dict[str, float]:
    """Mean share of meetings that crash after contact in :data:`MEETING`, over ``seeds``:
    ``all`` meetings and ``cross`` (between the groups) meetings."""
    if signal_rule is not None and not callable(signal_rule):
        raise TypeError(
            f"meeting_miscoordination(): parameter 'signal_rule' got {signal_rule!r}; expected a function rule(agent, signal) or None"
        )
    if not isinstance(cheap_talk, bool):
        raise TypeError(
            f"meeting_miscoordination(): parameter 'cheap_talk' got {cheap_talk!r}; expected True or False"
        )
    seeds = list(seeds)
    if not seeds:
        raise ValueError(
            "meeting_miscoordination(): parameter 'seeds' is empty; give at least one seed"
        )
    rates, cross = [], []
    for seed in seeds:
        model = Conventions(rng=seed, cheap_talk=cheap_talk, signal_rule=signal_rule, **MEETING)
        frame = run(model, MEETING_STEPS)
        after = frame.loc[MEETING["contact_step"] + 1 :]
        rates.append(after["miscoordination"].mean())
        cross.append(after["cross_miscoordination"].mean())
    return {"all": float(np.mean(rates)), "cross": float(np.nanmean(cross))}


# -- Exercise 1 ----------------------------------------------------------------------------


def _overload_cases() -> list[tuple[object, float, float]]:
    """(attendance, level, expected): lists, arrays and Series; values equal to the level;
    levels other than 75."""
    series = run(ElFarol, 60, rng=0)["attendance"]
    return [
        ([50, 70, 80, 60], 75, 0.25),
        ([0, 100], 60, 0.5),
        ([75, 75, 76], 75, 1 / 3),
        (np.array([60, 61, 59, 80]), 60, 0.5),
        (np.array([10.0, 20.0, 30.0]), 15.5, 2 / 3),
        (series, 75, float(np.mean(series > 75))),
        (series, 50, float(np.mean(series > 50))),
    ]


def check_exercise_1(overload_frequency: Callable) -> Verdict:
    """``overload_frequency(attendance, level)``: share of weeks strictly above ``level``."""

    def test() -> None:
        for attendance, level, want in _overload_cases():
            label = f"overload_frequency({show(attendance, 40)}, {level})"
            got = expect_type(call(overload_frequency, attendance, level), "number", label)
            expect(abs(got - want) < 1e-9, f"{label} should be {want:.4f}, got {show(got)}")

    return run_check(
        "Exercise 1 — how often is the bar overloaded?",
        test,
        hint="A share of weeks: how many weeks are strictly above level, out of all weeks. Use the level "
        "you are given, and make it work for a list, a NumPy array and a pandas Series alike.",
    )


# -- Exercise 2 ----------------------------------------------------------------------------


def check_exercise_2(signal_rule: Callable) -> Verdict:
    """A signalling rule that beats both silence and blind trust in the noisy meeting,
    whether the two groups settled on opposite sides or on the same side."""

    def test() -> None:
        expect_type(signal_rule, "callable", "your rule")
        model = Conventions(rng=0, cheap_talk=True, signal_rule=signal_rule, **MEETING)
        driver = next(iter(model.agents))
        for stranger in (False, True):
            for heard in ACTIONS:
                driver.meeting_stranger = stranger
                side = call(signal_rule, driver, heard)
                expect(
                    side in ACTIONS,
                    f"the rule must return 'left' or 'right', got {show(side)} (stranger={stranger}, heard {heard!r})",
                )
        for seeds, where in ((MEETING_SEEDS, "opposite sides"), (SAME_SIDE_SEEDS, "the same side")):
            yours = meeting_miscoordination(signal_rule, seeds=seeds)
            silent = meeting_miscoordination(cheap_talk=False, seeds=seeds)
            blind = meeting_miscoordination(follow_signal, seeds=seeds)
            if where == "opposite sides":
                best = min(silent["all"], blind["all"])
                expect(
                    yours["all"] < 0.85 * best,
                    f"when the groups drive on {where}, {yours['all']:.1%} of meetings crash after contact with your rule; "
                    f"silent driving gives {silent['all']:.1%} and always following the signal {blind['all']:.1%}. "
                    f"Aim below {0.85 * best:.1%}.",
                )
                expect(
                    yours["cross"] < 0.5,
                    f"when the groups drive on {where}, meetings between them still crash {yours['cross']:.0%} of the time; aim below 50 %",
                )
            else:
                expect(
                    yours["cross"] <= blind["cross"] + 0.02,
                    f"when both groups already drive on {where}, {yours['cross']:.0%} of meetings between them crash with "
                    f"your rule, against {blind['cross']:.0%} for one that follows the signal: does your rule really listen "
                    "to the signal, or does it guess the stranger's side?",
                )

    return run_check(
        "Exercise 2 — a signalling rule for strangers",
        test,
        hint="Signals are wrong 20 % of the time. Among your own group, your own side is a better guide than a noisy "
        "signal; with a stranger (agent.meeting_stranger) the signal is the only clue you have — do not assume "
        "strangers drive on the other side.",
    )


# -- Exercise 3 ----------------------------------------------------------------------------


def _forecasts(family: Callable, draws: int = 40) -> list[float]:
    rng = np.random.default_rng(0)
    history = np.array([44, 78, 56, 15, 23, 67, 84, 34], dtype=float)
    values = []
    for _ in range(draws):
        predictor = call(family, rng, memory=8, n_agents=100)
        expect(
            callable(predictor),
            f"the family must return a predictor (a function history -> forecast), got {show(predictor)}",
        )
        values.append(expect_type(call(predictor, history), "number", "a predictor's forecast"))
    return values


#: (parameters, threshold) of the bars the family is tried in: Arthur's, and a smaller one
#: with a shorter memory.
BARS = ((dict(), 60), (dict(memory=4, n_agents=50, threshold=30), 30))


def check_exercise_3(family: Callable) -> Verdict:
    """A heterogeneous predictor family: many different forecasts, mean near the
    threshold, overload well below the monoculture's, in bars of two sizes; reproducible."""

    def test() -> None:
        expect_type(family, "callable", "your family")
        distinct = len({round(v, 2) for v in _forecasts(family)})
        expect(
            distinct >= 10,
            f"40 predictors from your family made only {distinct} different forecasts of the same history; aim for at least 10",
        )
        for memory in (4, 8):
            predictor = call(family, np.random.default_rng(memory), memory=memory, n_agents=50)
            try:
                predictor(np.linspace(10.0, 40.0, memory))
            except Exception as error:  # noqa: BLE001 - explained to the student
                raise CheckFailed(
                    f"a predictor from your family(rng, memory={memory}, n_agents=50) fails on a history of {memory} "
                    f"weeks ({type(error).__name__}: {error}); pass memory and n_agents on"
                ) from None
        expect_reproducible(
            lambda seed: run(ElFarol, 30, rng=seed, predictor_family=family)["attendance"].tolist(),
            "a bar run with your family",
        )
        for params, threshold in BARS:
            diverse, mono = [], []
            for seed in range(3):
                diverse.append(
                    attendance_stats(
                        run(ElFarol, 300, rng=seed, predictor_family=family, **params).attendance[
                            1:
                        ],
                        threshold,
                        burn_in=50,
                    )
                )
                mono.append(
                    attendance_stats(
                        run(
                            ElFarol,
                            300,
                            rng=seed,
                            predictor_family=family,
                            monoculture=True,
                            **params,
                        ).attendance[1:],
                        threshold,
                        burn_in=50,
                    )
                )
            mean = np.mean([s["mean"] for s in diverse])
            over, over_mono = (
                np.mean([s["overloaded"] for s in diverse]),
                np.mean([s["overloaded"] for s in mono]),
            )
            bar = f"ElFarol({', '.join(f'{k}={v}' for k, v in params.items()) or 'defaults'})"
            expect(
                abs(mean - threshold) <= 0.1 * threshold,
                f"in {bar} mean attendance with your family is {mean:.1f}; aim within 10 % of the threshold {threshold}",
            )
            expect(
                over < 0.7 * over_mono,
                f"in {bar} your diverse population is overloaded in {over:.0%} of weeks vs {over_mono:.0%} for the monoculture; aim below {0.7 * over_mono:.0%}",
            )

    return run_check(
        "Exercise 3 — a heterogeneous predictor population",
        test,
        hint="Draw from more than one kind of predictor so that agents disagree about next week; take every random "
        "choice from the rng you are given, and pass memory and n_agents on to the families you call.",
    )


# -- Exercise 4 ----------------------------------------------------------------------------


@contextlib.contextmanager
def _recording_forecasts() -> Iterator[list[tuple[bool, bool]]]:
    """While active, ``Patron.decide`` records each patron's tentative decision, so the
    check can pair it with the final one (and see whether super().decide() was called)."""
    original = Patron.decide
    pairs: list[tuple[bool, bool]] = []

    def recording(self):
        original(self)
        self._tentative = bool(self.attending)

    Patron.decide = recording
    try:
        yield pairs
    finally:
        Patron.decide = original


def _followed_forecast(model_cls: type) -> tuple[int, float, float]:
    """Steps in which every patron called super().decide(), and P(go | forecast says go),
    P(go | forecast says stay), over a short monoculture run."""
    model = model_cls(rng=11, monoculture=True)
    called, go_go, go_stay = 0, [], []
    for _ in range(60):
        for patron in model.agents:
            patron._tentative = None
        model.step()
        tentative = [(p._tentative, p.attending) for p in model.agents]
        if all(t is not None for t, _ in tentative):
            called += 1
        go_go += [a for t, a in tentative if t is True]
        go_stay += [a for t, a in tentative if t is False]
    p_go = float(np.mean(go_go)) if go_go else float("nan")
    p_stay = float(np.mean(go_stay)) if go_stay else float("nan")
    return called, p_go, p_stay


def check_exercise_4(patron_class: type) -> Verdict:
    """A patron that keeps a monoculture (one shared bag) from overloading the bar while
    still acting on the shared forecast (calls super().decide()); reproducible."""

    def test() -> None:
        expect(
            isinstance(patron_class, type)
            and issubclass(patron_class, Patron)
            and patron_class is not Patron,
            f"pass a subclass of Patron, got {show(patron_class)}",
        )
        model_cls = type("MitigatedElFarol", (ElFarol,), {"patron_class": patron_class})
        with _recording_forecasts():
            called, p_go, p_stay = _followed_forecast(model_cls)
        expect(
            called == 60,
            "your decide() must call super().decide() first: it computes self.forecast and a tentative "
            f"self.attending (it was skipped in {60 - called} of 60 weeks)",
        )
        expect(
            p_go - p_stay > 0.05,
            f"your patrons ignore the forecast: they went {p_go:.0%} of the time when it said go and "
            f"{p_stay:.0%} when it said stay home. Act on the forecast, just not in lockstep",
        )
        expect_reproducible(
            lambda seed: run(model_cls, 30, rng=seed, monoculture=True)["attendance"].tolist(),
            "a bar of your patrons",
        )
        yours, plain = [], []
        for seed in range(3):
            yours.append(
                attendance_stats(
                    run(model_cls, 200, rng=seed, monoculture=True).attendance[1:], 60, burn_in=20
                )
            )
            plain.append(
                attendance_stats(
                    run(ElFarol, 200, rng=seed, monoculture=True).attendance[1:], 60, burn_in=20
                )
            )
        over, over_plain = (
            np.mean([s["overloaded"] for s in yours]),
            np.mean([s["overloaded"] for s in plain]),
        )
        mean = np.mean([s["mean"] for s in yours])
        expect(
            over < 0.5 * over_plain,
            f"with your patrons the shared-model bar is overloaded in {over:.0%} of weeks (plain monoculture: {over_plain:.0%}); aim below half of that",
        )
        expect(
            45 <= mean <= 75,
            f"mean attendance is {mean:.1f}; a mitigation that empties (or floods) the bar is no mitigation (aim for 45-75)",
        )

    return run_check(
        "Exercise 4 — defuse the monoculture",
        test,
        hint="Everyone reads the same forecast, so everyone makes the same move. Keep the forecast's advice but "
        "break the tie privately: after super().decide(), go with a probability that depends on what the forecast "
        "said, drawing from self.random.",
    )

"""The Unit 01 lab checks: correct for the reference answers, "not attempted" for stubs,
"incorrect"/"error" for plausible wrong answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesa_models.miscoordination.conventions import follow_signal, ignore_signal
from mesa_models.miscoordination.el_farol import (
    LinearPredictor,
    Patron,
    arthur_family,
    linear_family,
)
from mesa_models.miscoordination import lab as unit01


# -- reference answers (the same as in solutions/01_miscoordination_lab.ipynb) -------------
def overload_frequency(attendance, level):
    return float(np.mean(np.asarray(attendance) > level))


def trust_strangers(agent, signal):
    return signal if agent.meeting_stranger else agent.side


def mixed_family(rng, *, memory, n_agents):
    family = arthur_family if rng.random() < 0.5 else linear_family
    return family(rng, memory=memory, n_agents=n_agents)


class HedgingPatron(Patron):
    def decide(self):
        super().decide()
        share = self.model.threshold / self.model.n_agents
        self.attending = self.random.random() < (share + 0.1 if self.attending else share - 0.1)


# -- wrong answers ------------------------------------------------------------------------
def stub(*args, **kwargs):
    raise NotImplementedError


def overload_at_or_above(attendance, level):
    return float(np.mean(np.asarray(attendance) >= level))


def last_week_family(rng, *, memory, n_agents):
    return LinearPredictor((0.0,) * (memory - 1) + (1.0,), 0.0, "same as last week")


class HomeBody(Patron):
    def decide(self):
        self.attending = False


class StubPatron(Patron):
    def decide(self):
        raise NotImplementedError


@pytest.mark.parametrize(
    ("check", "answer"),
    [
        (unit01.check_exercise_1, overload_frequency),
        (unit01.check_exercise_2, trust_strangers),
        (unit01.check_exercise_3, mixed_family),
        (unit01.check_exercise_4, HedgingPatron),
    ],
)
def test_reference_answers_are_correct(check, answer):
    verdict = check(answer)
    assert verdict.status == "correct", str(verdict)


@pytest.mark.parametrize(
    ("check", "answer"),
    [
        (unit01.check_exercise_1, stub),
        (unit01.check_exercise_2, stub),
        (unit01.check_exercise_3, stub),
        (unit01.check_exercise_4, StubPatron),
    ],
)
def test_stubs_are_not_attempted(check, answer):
    assert check(answer).status == "not attempted"


@pytest.mark.parametrize(
    ("check", "answer", "status"),
    [
        (unit01.check_exercise_1, overload_at_or_above, "incorrect"),
        (unit01.check_exercise_1, lambda attendance, level: "0.25", "incorrect"),
        (unit01.check_exercise_2, follow_signal, "incorrect"),
        (unit01.check_exercise_2, ignore_signal, "incorrect"),
        (unit01.check_exercise_2, lambda agent, signal: signal.upper(), "incorrect"),
        (unit01.check_exercise_3, last_week_family, "incorrect"),
        (unit01.check_exercise_3, lambda rng, memory, n_agents: 60, "incorrect"),
        (unit01.check_exercise_4, HomeBody, "incorrect"),
        (unit01.check_exercise_4, Patron, "incorrect"),
        (unit01.check_exercise_4, int, "incorrect"),
    ],
)
def test_wrong_answers_are_caught(check, answer, status):
    verdict = check(answer)
    assert verdict.status == status, str(verdict)
    assert verdict.hint


def test_broken_code_is_an_error():
    def crashes(attendance, level):
        return attendance / 0  # list / int -> TypeError

    assert unit01.check_exercise_1(crashes).status == "error"


# -- realistic wrong answers, each rejected with a message naming the cause -----------------

import random  # noqa: E402

from mesa_models.checks import insensitive_arguments  # noqa: E402


def overload_above_75(attendance, level):  # hard-codes the lesson's level
    return float(np.mean(np.asarray(attendance) > 75))


def overload_count(attendance, level):  # forgets to divide
    return int(np.sum(np.asarray(attendance) > level))


def overload_sorts_input(attendance, level):  # sorts the caller's data in place
    values = attendance if isinstance(attendance, list) else attendance
    values.sort() if isinstance(values, list) else None
    return float(np.mean(np.asarray(values) > level))


def overload_as_series(attendance, level):  # returns the boolean series' mean as a Series
    return pd.Series(np.asarray(attendance) > level).rolling(1).mean()


def flip_for_strangers(agent, signal):  # never reads the signal: guesses the stranger's side
    other = "left" if agent.side == "right" else "right"
    return other if agent.meeting_stranger else agent.side


def global_rng_family(rng, *, memory, n_agents):  # draws from NumPy's global generator
    family = arthur_family if np.random.random() < 0.5 else linear_family
    return family(rng, memory=memory, n_agents=n_agents)


def fixed_memory_family(rng, *, memory, n_agents):  # ignores memory and n_agents
    family = arthur_family if rng.random() < 0.5 else linear_family
    return family(rng, memory=8, n_agents=100)


class CoinFlipPatron(Patron):  # skips super().decide(): ignores the forecast
    def decide(self):
        self.attending = self.random.random() < 0.6


class IgnoresForecastPatron(Patron):  # calls super() but throws the forecast away
    def decide(self):
        super().decide()
        self.attending = self.random.random() < 0.6


class GlobalRandomPatron(Patron):  # right idea, but Python's global random
    def decide(self):
        super().decide()
        share = self.model.threshold / self.model.n_agents
        self.attending = random.random() < (share + 0.1 if self.attending else share - 0.1)


@pytest.mark.parametrize(
    ("check", "answer", "cause"),
    [
        (unit01.check_exercise_1, overload_at_or_above, "([75, 75, 76], 75) should be 0.3333"),
        (unit01.check_exercise_1, overload_above_75, "60) should be 0.5000"),
        (unit01.check_exercise_1, overload_count, "should be 0.2500, got 1"),
        (unit01.check_exercise_1, overload_sorts_input, "changed its input in place"),
        (unit01.check_exercise_1, overload_as_series, "should be a number, got a pandas Series"),
        (unit01.check_exercise_2, flip_for_strangers, "does your rule really listen to the signal"),
        (unit01.check_exercise_2, follow_signal, "Aim below"),
        (unit01.check_exercise_2, ignore_signal, "Aim below"),
        (unit01.check_exercise_3, global_rng_family, "not reproducible"),
        (unit01.check_exercise_3, fixed_memory_family, "memory=4, n_agents=50) fails"),
        (unit01.check_exercise_3, last_week_family, "different forecasts"),
        (unit01.check_exercise_4, CoinFlipPatron, "must call super().decide() first"),
        (unit01.check_exercise_4, IgnoresForecastPatron, "ignore the forecast"),
        (unit01.check_exercise_4, GlobalRandomPatron, "not reproducible"),
    ],
)
def test_realistic_wrong_answers_name_the_cause(check, answer, cause):
    verdict = check(answer)
    assert verdict.status == "incorrect" and cause in verdict.message, str(verdict)


def test_exercise_1_cases_make_level_matter():
    base = {"attendance": [50, 70, 80, 60], "level": 75}
    assert insensitive_arguments(overload_frequency, base, level=[60, 50.5]) == []

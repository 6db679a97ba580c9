"""The Unit 01 lab checks: correct for the reference answers, "not attempted" for stubs,
"incorrect"/"error" for plausible wrong answers."""

from __future__ import annotations

import numpy as np
import pytest

from mesa_models.miscoordination.conventions import follow_signal, ignore_signal
from mesa_models.miscoordination.el_farol import LinearPredictor, Patron, arthur_family, linear_family
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

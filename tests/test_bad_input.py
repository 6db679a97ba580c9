"""Every public helper function, driven with bad values: a clear error or a valid result.

For each function a unit exports (``mesa_models.<unit>.__all__`` and the lab helpers in
``mesa_models.<unit>.lab``), :data:`VALID_CALLS` gives one valid call. Each of its number
arguments is then replaced, one at a time, by values a student or instructor might pass
by mistake — a string, ``None``, NaN, ±inf, a negative number, a fraction where a count is
meant, a bool, a huge number — and by NumPy scalar types of the valid value. The
function must either return normally (the value may be legal for it) or raise a
``TypeError``/``ValueError`` whose message names the parameter; any other exception, a
message that does not name the parameter, or a call that runs for more than a few seconds
fails. NumPy scalars of a valid value must give the same result as the Python value.

Model constructors are covered the same way by ``test_declared_params.py``. Functions
whose every argument is an agent, a cell or a model built by a test (decision rules that a
model calls) are listed in :data:`NOT_NUMERIC` with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import math
import signal
from collections.abc import Callable
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest

from mesa_models import run
from mesa_models.checks import same

UNITS = ("welcome", "miscoordination", "conflict")


def _corridor_frame():
    from mesa_models.welcome import Corridor

    return run(Corridor, 30, rng=0)


def _conventions_frame():
    from mesa_models.miscoordination import Conventions

    return run(Conventions, 20, rng=0)


#: name -> zero-argument function returning (args, kwargs) of one valid call.
VALID_CALLS: dict[str, Callable[[], tuple[tuple, dict]]] = {
    "welcome.frozen_since": lambda: ((_corridor_frame(),), {}),
    "miscoordination.emergence_time": lambda: ((_conventions_frame(),), {"level": 0.9}),
    "miscoordination.attendance_stats": lambda: (([50, 70, 65, 80, 40], 60), {"overload": 75, "burn_in": 1}),
    "miscoordination.arthur_family": lambda: ((np.random.default_rng(0),), {"memory": 8, "n_agents": 100}),
    "miscoordination.linear_family": lambda: ((np.random.default_rng(0),), {"memory": 8, "n_agents": 100}),
    "miscoordination.lab.meeting_miscoordination": lambda: ((), {"cheap_talk": False, "seeds": (2,)}),
    "conflict.gini": lambda: (([1.0, 2.0, 3.0],), {}),
    "conflict.quota": lambda: ((0.1,), {}),
    "conflict.play_match": lambda: (("TFT", "GTFT", 20), {"noise": 0.05, "rng": 1}),
    "conflict.single_error_recovery": lambda: (("TFT",), {"rounds": 20, "error_round": 3, "seeds": range(2)}),
    "conflict.late_share": lambda: (([0.3, 0.4, 0.5, 0.6], 2), {}),
    "conflict.nowak_may_payoff": lambda: (("C", "D", 1.9), {}),
    "conflict.lab.reference_late_share": lambda: ((1.9,), {"seed": 1}),
}

#: Exported functions with no number argument to corrupt, and why.
NOT_NUMERIC = {
    "welcome.keep_to_my_side": "a decision rule: takes a Robot built by the model",
    "miscoordination.best_response": "a decision rule: takes a Driver and its observations",
    "miscoordination.follow_signal": "a signalling rule: takes a Driver and a side",
    "miscoordination.ignore_signal": "a signalling rule: takes a Driver and a side",
    "miscoordination.difference_reward": "a credit rule: takes a Learner and its model",
    "miscoordination.team_reward": "a credit rule: takes a Learner and its model",
    "conflict.greedy": "a harvest policy: takes a Harvester, a Cell and the expected fine the model computed",
    "conflict.restrained": "a harvest policy: takes a Harvester, a Cell and the expected fine the model computed",
    "conflict.no_sanction": "a sanction rule: takes a Harvester and a Cell",
    "conflict.protect_last_apples": "a sanction rule: takes a Harvester and a Cell",
    "conflict.payoff_table": "tabulates a payoff function; b is validated by the function it is given",
    "conflict.lab.graduated_reference": "a sanction rule: takes a Harvester and a Cell",
    "conflict.lab.reference_weakest_fine": "a reference answer: takes a sanction rule; runs minutes on bad horizons",
}


def public_functions() -> list[str]:
    names = []
    for unit in UNITS:
        for module_name in (f"mesa_models.{unit}", f"mesa_models.{unit}.lab"):
            module = importlib.import_module(module_name)
            prefix = module_name.removeprefix("mesa_models.")
            for name in getattr(module, "__all__", []):
                obj = getattr(module, name)
                if inspect.isfunction(obj) and not name.startswith("check_"):
                    names.append(f"{prefix}.{name}")
    return names


def resolve(qualified: str) -> Callable:
    module, name = qualified.rsplit(".", 1)
    return getattr(importlib.import_module(f"mesa_models.{module}"), name)


def test_every_public_function_is_covered():
    missing = [n for n in public_functions() if n not in VALID_CALLS and n not in NOT_NUMERIC]
    assert not missing, f"add a valid call to VALID_CALLS (or a reason to NOT_NUMERIC) for: {missing}"


@contextmanager
def time_limit(seconds: int, what: str):
    def alarm(signum, frame):
        raise TimeoutError(f"{what} still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def bad_values(valid):
    values = ["3", None, math.nan, math.inf, -math.inf, -1, True, 10**12]
    if isinstance(valid, int):
        values.append(2.5)
    return values


def numeric_slots(args: tuple, kwargs: dict, func: Callable) -> list[tuple[str, object, Callable]]:
    """(parameter name, valid value, rebuild(value) -> (args, kwargs)) for each number argument."""
    names = list(inspect.signature(func).parameters)
    slots = []
    for i, value in enumerate(args):
        if isinstance(value, int | float) and not isinstance(value, bool):
            slots.append((names[i], value, lambda v, i=i: (args[:i] + (v,) + args[i + 1 :], kwargs)))
    for key, value in kwargs.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            slots.append((key, value, lambda v, key=key: (args, {**kwargs, key: v})))
    return slots


CASES = [(name, slot) for name in VALID_CALLS for slot in range(4)]


@pytest.mark.parametrize("qualified", sorted(VALID_CALLS))
def test_bad_numbers_give_a_clear_error_or_a_valid_result(qualified):
    func = resolve(qualified)
    args, kwargs = VALID_CALLS[qualified]()
    with time_limit(30, f"{qualified} (valid call)"):
        reference = func(*args, **kwargs)
    problems = []
    for name, valid, rebuild in numeric_slots(args, kwargs, func):
        for bad in bad_values(valid):
            call_args, call_kwargs = rebuild(bad)
            try:
                with time_limit(5, f"{qualified}({name}={bad!r})"):
                    func(*call_args, **call_kwargs)
            except (TypeError, ValueError) as error:
                if name not in str(error):
                    problems.append(f"{name}={bad!r}: {type(error).__name__} does not name {name!r}: {error}")
            except Exception as error:  # noqa: BLE001 - the point of the test
                problems.append(f"{name}={bad!r}: raw {type(error).__name__}: {str(error)[:120]}")
        numpy_kind = np.int64 if isinstance(valid, int) else np.float64
        call_args, call_kwargs = rebuild(numpy_kind(valid))
        try:
            with time_limit(30, f"{qualified}({name}=numpy)"):
                result = func(*call_args, **call_kwargs)
            if not _same_result(result, reference):
                problems.append(f"{name}={numpy_kind.__name__}({valid}) gives a different result")
        except Exception as error:  # noqa: BLE001
            problems.append(f"{name}={numpy_kind.__name__}({valid}) refused: {type(error).__name__}: {error}")
    assert not problems, f"{qualified}:\n  " + "\n  ".join(problems)


def _same_result(a, b) -> bool:
    if isinstance(a, pd.DataFrame | pd.Series):
        return a.equals(b)
    if callable(a) and callable(b):
        return type(a) is type(b)
    try:
        return same(a, b)
    except Exception:  # noqa: BLE001 - objects without equality (e.g. predictors)
        return type(a) is type(b)

"""Friendly feedback for lab exercises.

An exercise check runs the student's function or class on known cases and returns a
:class:`Verdict` that a notebook displays as a short coloured box:

* ``not attempted`` – the stub still raises ``NotImplementedError``;
* ``correct``       – every known case passed;
* ``incorrect``     – a case failed: what was expected, what came back, and a hint;
* ``error``         – the student's code raised; the exception in one line and a hint.

Each unit's ``lab.py`` (e.g. ``mesa_models.collusion.lab``) writes checks as small
functions wrapped by :func:`run_check`. Inside, use the helpers that make a check hard to
fool (CONTRIBUTING.md, "Checks that cannot be fooled"):

* :func:`call` — call the student's function with protected inputs: arrays read-only,
  other containers deep-copied and compared afterwards, so an in-place change is named;
* :func:`expect_type` / :func:`expect_close` / :func:`expect_equal` — type first ("a
  number, got a pandas Series of 50 values"), then value, formatted by :func:`show`;
* :func:`vary` + :func:`expect_matches` — compare with a reference over cases in which
  every argument takes several values (a hard-coded argument is caught);
* :func:`expect_reproducible` — same seed twice gives the same result even when the
  global random generators differ, another seed a different one (global RNG is caught);
* :func:`insensitive_arguments` — for the tests of a check: which arguments the reference
  ignores over the chosen cases (each should change the answer).

When the test suite runs a notebook it sets ``RISKLAB_EXPECT`` to ``pass`` (solutions) or
``not attempted`` (untouched labs); a verdict with any other status then raises
:class:`CheckMismatch`, so a broken solution or check fails the build.
"""

from __future__ import annotations

import copy
import html
import math
import numbers
import os
import random
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "Verdict",
    "CheckFailed",
    "CheckMismatch",
    "call",
    "expect",
    "expect_close",
    "expect_equal",
    "expect_matches",
    "expect_reproducible",
    "expect_type",
    "insensitive_arguments",
    "run_check",
    "same",
    "show",
    "vary",
]

_STYLES = {
    "correct": ("#009E73", "✔ Correct"),
    "not attempted": ("#999999", "… Not attempted yet"),
    "incorrect": ("#E69F00", "✘ Not quite"),
    "error": ("#D55E00", "✘ Your code raised an error"),
}


class CheckFailed(AssertionError):
    """A known case did not give the expected result (raised by :func:`expect`)."""


class CheckMismatch(AssertionError):
    """Raised under the test suite when a verdict is not the one the notebook must show."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of one exercise check."""

    exercise: str
    status: str  # one of "correct", "not attempted", "incorrect", "error"
    message: str = ""
    hint: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        head = f"{self.exercise}: {_STYLES[self.status][1]}"
        lines = [head]
        if self.message:
            lines.append(f"  {self.message}")
        if self.hint and self.status != "correct":
            lines.append(f"  Hint: {self.hint}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour, label = _STYLES[self.status]
        body = f"<b>{html.escape(self.exercise)}</b>: {label}"
        if self.message:
            body += f"<br>{html.escape(self.message)}"
        if self.hint and self.status != "correct":
            body += f"<br><i>Hint:</i> {html.escape(self.hint)}"
        return (
            f'<div style="border-left: 6px solid {colour}; padding: 4px 10px; '
            f'margin: 4px 0">{body}</div>'
        )


def expect(condition: bool, message: str) -> None:
    """Fail the current check with ``message`` (what was expected, what came back)."""
    if not condition:
        raise CheckFailed(message)


def run_check(exercise: str, test: Callable[[], object], hint: str) -> Verdict:
    """Run ``test`` (which calls the student's code and :func:`expect`) and judge it.

    Args:
        exercise: title shown in the verdict, e.g. ``"Exercise 1 — a hesitant rule"``.
        test: a zero-argument function that raises :class:`CheckFailed` on a wrong answer.
        hint: shown with any verdict but "correct".
    """
    try:
        test()
    except NotImplementedError:
        verdict = Verdict(
            exercise,
            "not attempted",
            "Replace the `raise NotImplementedError` line with your code.",
            hint,
        )
    except CheckFailed as failure:
        verdict = Verdict(exercise, "incorrect", str(failure), hint)
    except Exception as error:  # the student's code crashed: one line, not a traceback
        verdict = Verdict(exercise, "error", _one_line(error), hint)
    else:
        verdict = Verdict(exercise, "correct")
    _enforce_expected(verdict)
    return verdict


def _one_line(error: Exception) -> str:
    """``TypeError: ... (line 4 of your cell)`` from an exception raised in notebook code."""
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if "ipykernel" in frame.filename or frame.filename.startswith("<"):
            where = f" (line {frame.lineno} of your cell)"
            break
    return f"{type(error).__name__}: {error}{where}"


def _enforce_expected(verdict: Verdict) -> None:
    expected = os.environ.get("RISKLAB_EXPECT")
    if not expected:
        return
    ok = verdict.passed if expected == "pass" else verdict.status == expected
    if not ok:
        raise CheckMismatch(
            f"this notebook must show {expected!r} here, but the check said:\n{verdict}"
        )


# -- helpers that make a check hard to fool ------------------------------------------------------


def show(value: Any, limit: int = 70) -> str:
    """``value`` as a person reads it: ``0.318`` not ``np.float64(0.318)``, long things cut.

    >>> show(np.float64(0.31849)), show(np.arange(100)), show("C")
    ('0.3185', 'an array of 100 values [0, 1, 2, 3, 4, 5, …]', "'C'")
    """
    text = _show(value, limit)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: Any, limit: int) -> str:
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.4g}"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _show(value.item(), limit)
        flat = ", ".join(_show(v, limit) for v in value.ravel()[:6])
        more = ", …" if value.size > 6 else ""
        shape = f"{value.size} values" if value.ndim == 1 else f"shape {value.shape}"
        return f"an array of {shape} [{flat}{more}]"
    kind = type(value).__name__
    if kind in ("Series", "DataFrame") and hasattr(value, "to_numpy"):
        rows = f"{len(value)} rows" if kind == "DataFrame" else f"{len(value)} values"
        head = ", ".join(_show(v, limit) for v in value.to_numpy().ravel()[:4])
        return f"a pandas {kind} of {rows} [{head}{', …' if value.size > 4 else ''}]"
    if isinstance(value, list | tuple):
        items = ", ".join(_show(v, limit) for v in value[:8])
        more = ", …" if len(value) > 8 else ""
        return (
            f"[{items}{more}]"
            if isinstance(value, list)
            else f"({items}{more}{',' if len(value) == 1 else ''})"
        )
    if isinstance(value, dict):
        items = ", ".join(
            f"{_show(k, limit)}: {_show(v, limit)}" for k, v in list(value.items())[:6]
        )
        return "{" + items + (", …" if len(value) > 6 else "") + "}"
    if isinstance(value, type) or callable(value):
        return (
            getattr(value, "__qualname__", None) or getattr(value, "__name__", None) or repr(value)
        )
    return repr(value)


_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "number": (
        lambda v: (
            isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) and not math.isnan(v)
        ),
        "a number",
    ),
    "integer": (
        lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_),
        "a whole number (int)",
    ),
    "probability": (
        lambda v: (
            isinstance(v, numbers.Real)
            and not isinstance(v, bool | np.bool_)
            and 0 <= float(v) <= 1
        ),
        "a probability (a number from 0 to 1)",
    ),
    "bool": (lambda v: isinstance(v, bool | np.bool_), "True or False"),
    "callable": (callable, "a function"),
    "class": (lambda v: isinstance(v, type), "a class"),
}


def _article(value: Any) -> str:
    kind = type(value).__name__
    if kind in ("Series", "DataFrame", "ndarray"):
        return show(value)
    name = {"NoneType": "None", "bool_": "bool", "float64": "float", "int64": "int"}.get(kind, kind)
    return (
        name if name == "None" else f"{'an' if name[0] in 'aeiou' else 'a'} {name}: {show(value)}"
    )


def expect_type(value: Any, kind: str | type | tuple[type, ...], what: str) -> Any:
    """Fail unless ``value`` is of ``kind``; return it as a plain Python value.

    ``kind`` is ``"number"``, ``"integer"``, ``"probability"``, ``"bool"``,
    ``"callable"``, ``"class"``, or a type (tuple of types). Numbers come back as ``float``
    or ``int`` (NumPy scalars unwrapped). The message says what was expected and what came,
    e.g. "your_function(0.5) should return a number, got a pandas Series of 50 values […]".
    """
    if isinstance(kind, str):
        ok, label = _KINDS[kind]
        good = bool(ok(value))
    else:
        good = isinstance(value, kind)
        names = [k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,))]
        label = "a " + " or ".join(names)
    if not good:
        nan = (
            isinstance(value, numbers.Real)
            and not isinstance(value, bool)
            and math.isnan(float(value))
        )
        got = "NaN" if nan else _article(value)
        raise CheckFailed(f"{what} should be {label}, got {got}")
    if kind in ("number", "probability"):
        return float(value)
    if kind == "integer":
        return int(value)
    if kind == "bool":
        return bool(value)
    return value


def expect_close(got: Any, want: float, what: str, *, tol: float = 1e-9) -> float:
    """Fail unless ``got`` is a number within ``tol`` of ``want`` (absolute); return it."""
    got = expect_type(got, "number", what)
    if math.isnan(got) or abs(got - want) > tol:
        raise CheckFailed(f"{what} should be {show(want)}, got {show(got)}")
    return got


def same(a: Any, b: Any, tol: float = 1e-9) -> bool:
    """Equal as results: numbers within ``tol``, arrays/frames elementwise, sequences itemwise."""
    if (
        isinstance(a, numbers.Real)
        and isinstance(b, numbers.Real)
        and not isinstance(a, bool | np.bool_)
    ):
        return (math.isnan(a) and math.isnan(b)) or abs(float(a) - float(b)) <= tol
    if hasattr(a, "to_numpy") and hasattr(b, "to_numpy"):
        return (
            a.shape == b.shape
            and same(a.to_numpy(), b.to_numpy(), tol)
            and list(a.index) == list(b.index)
        )
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            return bool(np.allclose(a, b, atol=tol, rtol=0, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k], tol) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y, tol) for x, y in zip(a, b))
    return bool(a == b)


def expect_equal(got: Any, want: Any, what: str, *, tol: float = 1e-9) -> None:
    """Fail unless ``got`` equals ``want`` as a result (see :func:`same`)."""
    if not same(got, want, tol):
        raise CheckFailed(f"{what} should be {show(want)}, got {show(got)}")


def _protect(value: Any) -> Any:
    """A copy the student may read but not secretly change: arrays read-only."""
    if isinstance(value, np.ndarray):
        frozen = value.copy()
        frozen.flags.writeable = False
        return frozen
    if isinstance(value, list | dict | set) or type(value).__name__ in ("Series", "DataFrame"):
        return copy.deepcopy(value)
    return value


def _signature(func: Any, args: Sequence, kwargs: Mapping) -> str:
    name = getattr(func, "__name__", "your function")
    shown = [show(a, 30) for a in args] + [f"{k}={show(v, 30)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(shown)})"


def call(func: Callable, *args: Any, **kwargs: Any) -> Any:
    """Call the student's ``func`` with protected copies of its inputs and return the result.

    Arrays are passed read-only; lists, dicts, sets, Series and DataFrames as deep copies
    that are compared with the originals afterwards. An in-place change (``x.sort()``,
    ``x[0] = ...``, ``x.append``) fails the check with a message that names the argument,
    instead of corrupting the caller's data or surfacing as an unrelated error.
    """
    expect_type(func, "callable", "what you passed")
    protected = [_protect(a) for a in args]
    protected_kw = {k: _protect(v) for k, v in kwargs.items()}
    label = _signature(func, args, kwargs)
    try:
        result = func(*protected, **protected_kw)
    except ValueError as error:
        if "read-only" in str(error):
            raise CheckFailed(
                f"{label} tried to change its input in place ({error}); work on a copy "
                "(np.sort(x), sorted(x), x.copy()) and leave the argument as it was"
            ) from None
        raise
    for position, (original, given) in enumerate(
        zip(list(args) + list(kwargs.values()), protected + list(protected_kw.values()))
    ):
        if (
            given is not original
            and not isinstance(original, np.ndarray)
            and not same(original, given)
        ):
            name = (
                f"argument {position + 1}"
                if position < len(args)
                else f"argument {list(kwargs)[position - len(args)]!r}"
            )
            raise CheckFailed(
                f"{label} changed its input in place ({name} became {show(given)}); "
                "work on a copy (sorted(x), list(x), x.copy()) and leave the argument as it was"
            )
    return result


def vary(base: Mapping[str, Any], **alternatives: Sequence[Any]) -> list[dict[str, Any]]:
    """The base case, then one case per alternative value of each argument (others at base).

    >>> vary({"b": 1.5, "seed": 0}, b=[1.9], seed=[3])
    [{'b': 1.5, 'seed': 0}, {'b': 1.9, 'seed': 0}, {'b': 1.5, 'seed': 3}]
    """
    unknown = set(alternatives) - set(base)
    if unknown:
        raise ValueError(f"vary: {sorted(unknown)} are not in the base case {sorted(base)}")
    cases = [dict(base)]
    for name, values in alternatives.items():
        cases += [{**base, name: value} for value in values]
    return cases


def expect_matches(
    student: Callable,
    reference: Callable,
    cases: Sequence[Mapping[str, Any]],
    *,
    tol: float = 1e-9,
    kind: str | type | None = "number",
) -> None:
    """Call ``student`` and ``reference`` on every case and fail at the first difference.

    Each case is a dict of arguments, passed positionally in order (so a student who renamed
    a parameter is not penalised) and named in the message:
    "late_share(b=1.9, seed=1) should be 0.3185, got 0.2500". ``kind`` is checked first
    (``None`` to skip, e.g. for arrays or tuples).
    """
    for case in cases:
        got = call(student, *case.values())
        label = (
            getattr(student, "__name__", "your function")
            + "("
            + ", ".join(f"{k}={show(v, 30)}" for k, v in case.items())
            + ")"
        )
        if kind is not None:
            got = expect_type(got, kind, label)
        want = reference(*case.values())
        if not same(got, want, tol):
            raise CheckFailed(f"{label} should be {show(want)}, got {show(got)}")


def _scramble_global_random(state: int) -> None:
    random.seed(state)
    np.random.seed(state)


def expect_reproducible(
    run: Callable[[int], Any], what: str, *, seeds: tuple[int, int] = (7, 8), tol: float = 0.0
) -> None:
    """``run(seed)`` gives the same result twice for one seed and a different one for another.

    Between the two same-seed calls Python's and NumPy's global random generators are set to
    different states, so code that draws from them (``random.random()``, ``np.random``)
    instead of the model's ``self.random`` or the ``rng`` it was given is caught; the
    different-seed call catches code that ignores the seed altogether. The global generators
    are restored afterwards.
    """
    saved = random.getstate(), np.random.get_state()
    try:
        _scramble_global_random(101)
        first = run(seeds[0])
        _scramble_global_random(202)
        again = run(seeds[0])
        other = run(seeds[1])
    finally:
        random.setstate(saved[0])
        np.random.set_state(saved[1])
    if not same(first, again, tol):
        raise CheckFailed(
            f"{what} is not reproducible: the same seed ({seeds[0]}) gave {show(first)} and then {show(again)}. "
            "Draw random numbers only from the model's self.random / the rng you were given, "
            "not from random.random() or np.random"
        )
    if same(first, other, tol):
        raise CheckFailed(
            f"{what} gave {show(first)} for seed {seeds[0]} and for seed {seeds[1]}: the result "
            "does not depend on the seed. Pass the seed on (rng=seed) instead of a fixed number"
        )


def insensitive_arguments(
    reference: Callable, base: Mapping[str, Any], **alternatives: Sequence[Any]
) -> list[str]:
    """For tests of checks: the arguments whose alternatives leave ``reference``'s answer
    unchanged. A check's cases should make this empty, so that a student function that
    ignores an argument gives a different answer and is caught."""
    want = reference(*base.values())
    return [
        name
        for name, values in alternatives.items()
        if all(same(reference(*{**base, name: v}.values()), want) for v in values)
    ]

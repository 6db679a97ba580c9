"""Friendly feedback for lab exercises.

An exercise check runs the student's function or class on known cases and returns a
:class:`Verdict` that a notebook displays as a short coloured box:

* ``not attempted`` – the stub still raises ``NotImplementedError``;
* ``correct``       – every known case passed;
* ``incorrect``     – a case failed: what was expected, what came back, and a hint;
* ``error``         – the student's code raised; the exception in one line and a hint.

Unit modules (``mesa_models.exercises.*``) write checks as small functions that call
:func:`expect` and wrap them with :func:`run_check`.

When the test suite runs a notebook it sets ``RISKLAB_EXPECT`` to ``pass`` (solutions) or
``not attempted`` (untouched labs); a verdict with any other status then raises
:class:`CheckMismatch`, so a broken solution or check fails the build.
"""

from __future__ import annotations

import html
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Verdict", "CheckFailed", "CheckMismatch", "expect", "run_check"]

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
        verdict = Verdict(exercise, "not attempted", "Replace the `raise NotImplementedError` line with your code.", hint)
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
        raise CheckMismatch(f"this notebook must show {expected!r} here, but the check said:\n{verdict}")

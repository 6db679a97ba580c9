"""Exercise checks: the four verdicts, display, and the test-suite enforcement."""

import pytest

from mesa_models.checks import CheckMismatch, Verdict, expect, run_check


def judge(test):
    return run_check("Exercise X", test, hint="try harder")


def test_four_verdicts(monkeypatch):
    monkeypatch.delenv("RISKLAB_EXPECT", raising=False)

    def stub():
        raise NotImplementedError("todo")

    def wrong():
        expect(1 + 1 == 3, "expected 3, got 2")

    def crash():
        return {}["missing"]

    assert judge(lambda: None).status == "correct"
    assert judge(stub).status == "not attempted"
    verdict = judge(wrong)
    assert (
        verdict.status == "incorrect"
        and "expected 3, got 2" in str(verdict)
        and "Hint: try harder" in str(verdict)
    )
    verdict = judge(crash)
    assert verdict.status == "error" and "KeyError: 'missing'" in verdict.message


def test_html_has_no_traceback_and_escapes():
    html = (
        Verdict("Ex <1>", "incorrect", "got <b>", "hint").__repr__(),
        Verdict("Ex <1>", "incorrect", "got <b>", "hint")._repr_html_(),
    )
    assert "&lt;b&gt;" in html[1] and "Traceback" not in html[0]


@pytest.mark.parametrize(
    ("expected", "test", "raises"),
    [
        ("pass", lambda: None, False),
        ("pass", lambda: expect(False, "no"), True),
        ("not attempted", lambda: (_ for _ in ()).throw(NotImplementedError()), False),
        ("not attempted", lambda: None, True),
    ],
)
def test_enforcement_under_the_test_suite(monkeypatch, expected, test, raises):
    monkeypatch.setenv("RISKLAB_EXPECT", expected)
    if raises:
        with pytest.raises(CheckMismatch):
            judge(test)
    else:
        judge(test)


# -- the helpers that make checks hard to fool -------------------------------------------------

import random  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from mesa_models.checks import (  # noqa: E402
    CheckFailed,
    call,
    expect_close,
    expect_matches,
    expect_reproducible,
    expect_type,
    insensitive_arguments,
    show,
    vary,
)


def test_show_is_for_people():
    assert show(np.float64(0.31849)) == "0.3185"
    assert show(np.int64(3)) == "3" and show(np.bool_(True)) == "True"
    assert show(np.arange(100)).startswith("an array of 100 values [0, 1, 2")
    assert show(pd.Series(range(50))).startswith("a pandas Series of 50 values [0, 1, 2, 3, …]")
    assert len(show(list(range(1000)))) <= 70 and "np." not in show([np.float64(1.5)])
    assert show(test_show_is_for_people) == "test_show_is_for_people"


@pytest.mark.parametrize(
    ("value", "kind", "fragment"),
    [
        (True, "probability", "should be a probability (a number from 0 to 1), got a bool: True"),
        (pd.Series(range(50)), "number", "got a pandas Series of 50 values"),
        (1.5, "probability", "got a float: 1.5"),
        (float("nan"), "number", "got NaN"),
        (2.5, "integer", "should be a whole number (int), got a float: 2.5"),
        ("0.3", "number", "got a str: '0.3'"),
        (None, "number", "got None"),
    ],
)
def test_expect_type_says_what_was_expected_and_got(value, kind, fragment):
    with pytest.raises(CheckFailed) as failure:
        expect_type(value, kind, "f(1)")
    assert fragment in str(failure.value) and "np." not in str(failure.value)


def test_expect_type_unwraps_numpy():
    assert type(expect_type(np.float32(0.5), "probability", "x")) is float
    assert type(expect_type(np.int64(2), "integer", "x")) is int
    assert expect_close(np.float64(0.5), 0.5, "x") == 0.5


def test_call_names_in_place_changes():
    def sorts_list(xs):
        xs.sort()
        return xs[0]

    def sorts_array(xs):
        xs.sort()
        return xs[0]

    def fine(xs):
        return sorted(xs)[0]

    data = [3, 1, 2]
    with pytest.raises(
        CheckFailed, match=r"changed its input in place \(argument 1 became \[1, 2, 3\]\)"
    ):
        call(sorts_list, data)
    assert data == [3, 1, 2]
    array = np.array([3.0, 1.0, 2.0])
    with pytest.raises(CheckFailed, match="tried to change its input in place"):
        call(sorts_array, array)
    assert array.tolist() == [3.0, 1.0, 2.0] and array.flags.writeable
    assert call(fine, data) == 1


def test_vary_and_expect_matches_catch_an_ignored_argument():
    def reference(b, seed):
        return b * 10 + seed

    def ignores_seed(b, seed):
        return b * 10

    cases = vary({"b": 1.5, "seed": 0}, b=[1.9], seed=[3])
    assert cases == [{"b": 1.5, "seed": 0}, {"b": 1.9, "seed": 0}, {"b": 1.5, "seed": 3}]
    expect_matches(reference, reference, cases)
    with pytest.raises(CheckFailed, match=r"ignores_seed\(b=1.5, seed=3\) should be 18, got 15"):
        expect_matches(ignores_seed, reference, cases)
    assert insensitive_arguments(reference, {"b": 1.5, "seed": 0}, b=[1.9], seed=[3]) == []
    assert insensitive_arguments(ignores_seed, {"b": 1.5, "seed": 0}, b=[1.9], seed=[3]) == ["seed"]
    with pytest.raises(ValueError, match="not in the base case"):
        vary({"b": 1}, c=[2])


def test_expect_reproducible_catches_global_rng_and_ignored_seed():
    def good(seed):
        return random.Random(seed).random()

    def global_rng(seed):
        return np.random.random()

    def fixed_seed(seed):
        return random.Random(0).random()

    state = random.getstate()
    expect_reproducible(good, "good")
    assert random.getstate() == state
    with pytest.raises(CheckFailed, match="not reproducible"):
        expect_reproducible(global_rng, "global_rng")
    with pytest.raises(CheckFailed, match="does not depend on the seed"):
        expect_reproducible(fixed_seed, "fixed_seed")


def test_kernel_start_is_retried(monkeypatch):
    """conftest.py wraps nbval's kernel start: a failed start is tried again."""
    import conftest

    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < conftest.KERNEL_START_ATTEMPTS:
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        return "km", "kc"

    assert (
        conftest._retrying(flaky)() == ("km", "kc") and len(calls) == conftest.KERNEL_START_ATTEMPTS
    )

    def dead(*args, **kwargs):
        raise RuntimeError("dead")

    with pytest.raises(RuntimeError, match="dead"):
        conftest._retrying(dead)()

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
    assert verdict.status == "incorrect" and "expected 3, got 2" in str(verdict) and "Hint: try harder" in str(verdict)
    verdict = judge(crash)
    assert verdict.status == "error" and "KeyError: 'missing'" in verdict.message


def test_html_has_no_traceback_and_escapes():
    html = Verdict("Ex <1>", "incorrect", "got <b>", "hint").__repr__(), Verdict("Ex <1>", "incorrect", "got <b>", "hint")._repr_html_()
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

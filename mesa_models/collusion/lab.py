"""Checks and tools for the Unit 03 lab (collusion: Calvano et al. 2020 pricing, secret tools).

The Calvano sessions run at the paper's scale (beta = 4e-6, converged after 100,000
periods without a change of greedy prices) and are cached (:func:`lab_batch`), so the lab,
its checks and the tests share them. Every check uses the helpers of
:mod:`mesa_models.checks`: student code is called through :func:`~mesa_models.checks.call`
(inputs read-only or compared afterwards), types are checked first, and answers are
compared with a reference over cases in which every argument varies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from mesa_models.base import validate_rng
from mesa_models.checks import (
    Verdict,
    call,
    expect,
    expect_matches,
    expect_reproducible,
    expect_type,
    run_check,
    same,
    show,
    vary,
)
from mesa_models.collusion.calvano import CALVANO_PARAMS, Market, profit_gain
from mesa_models.collusion.calvano_fast import Batch, simulate
from mesa_models.collusion.secret_tools import SecretToolsModel
from mesa_models.params import Param, require
from mesa_models.running import run

__all__ = [
    "AUDIT_GRID",
    "AUDIT_SETTINGS",
    "DATASET_SEEDS",
    "DELTAS",
    "SESSION_SEEDS",
    "best_fixed_audit",
    "check_exercise_1",
    "check_exercise_2",
    "check_exercise_3",
    "check_exercise_4",
    "collusion_dataset",
    "lab_batch",
    "precision_recall",
    "reference_detector",
    "reference_policy",
    "reference_profit_gain",
    "reference_profit_gain_by_delta",
    "social_cost",
]

#: Discount factors of the patience exercise; 50 sessions each (a mean of 50 sessions has a
#: standard error of about 0.02 in Delta).
DELTAS = (0.0, 0.5, 0.95)
SESSION_SEEDS = tuple(range(50))
#: Sessions per discount factor (0.95 and 0) in the detector's dataset.
DATASET_SEEDS = tuple(range(12))
AUDIT_SEEDS = tuple(range(4))
AUDIT_STEPS = 200
AUDIT_GRID = tuple(float(p) for p in np.round(np.arange(0, 1.01, 0.1), 2))
#: The settings the audit-policy check tries: the baseline, then one deterrence parameter
#: changed at a time (a policy must respond to each of them).
AUDIT_SETTINGS = ({}, {"detection": 0.5}, {"fine": 8.0}, {"gain": 2.0})
#: A policy passes when its harm + audit cost is within this factor of the best fixed rate.
AUDIT_TOLERANCE = 1.15
LABELS = ("screen", "punishment")


# -- tools -------------------------------------------------------------------------------------
def lab_batch(delta: float, seeds: Iterable[int] = SESSION_SEEDS) -> Batch:
    """Calvano sessions at the paper's scale with discount factor ``delta`` (cached, so the
    lab, its checks and the tests share them)."""
    delta = CALVANO_PARAMS["delta"].validate(delta, "lab_batch")
    require(
        isinstance(seeds, Iterable) and not isinstance(seeds, str | bytes),
        "seeds",
        seeds,
        "a list of integer seeds",
        "lab_batch",
    )
    seeds = tuple(validate_rng(seed, "lab_batch", "seeds") for seed in seeds)
    require(
        len(seeds) >= 1 and None not in seeds,
        "seeds",
        seeds,
        "at least one integer seed >= 0",
        "lab_batch",
    )
    return _lab_batch(delta, seeds)


@lru_cache(maxsize=16)
def _lab_batch(delta: float, seeds: tuple[int, ...]) -> Batch:
    return simulate(seeds=seeds, delta=delta)


def collusion_dataset(
    periods: int = 60, noise: float = 0.05, rng: Any = 0, label: str = "screen"
) -> tuple[np.ndarray, np.ndarray]:
    """Price histories of 24 sessions at the paper's scale and their labels.

    Twelve sessions with patient firms (delta = 0.95), then twelve with myopic firms
    (delta = 0). Each history is ``periods`` periods of the session's learned play, with a
    random grid price in place of a firm's price with probability ``noise`` per firm and
    period (shocks; the rival reacts as it learned to). Returns ``(histories, labels)``:
    prices of shape ``(24, periods, 2)`` and one bool per session.

    ``label="screen"``: supra-competitive, the session's profit gain Delta exceeds 0.5 (what
    a screen on price data can hope to find). ``label="punishment"``: the lesson's
    behavioural test, the learned strategies make a one-period price cut unprofitable
    (:meth:`Batch.punishes`).
    """
    owner = "collusion_dataset"
    periods = Param("periods", 60, "periods per history", "periods", low=1, high=10_000).validate(
        periods, owner
    )
    noise = Param("noise", 0.05, "chance of a random price", "probability", low=0, high=1).validate(
        noise, owner
    )
    validate_rng(rng, owner)
    require(label in LABELS, "label", label, f"one of {', '.join(map(repr, LABELS))}", owner)
    histories, labels = [], []
    for delta in (0.95, 0.0):
        batch = lab_batch(delta, DATASET_SEEDS)
        histories.append(batch.price_histories(periods, noise=noise, rng=rng))
        labels.append(batch.profit_gain() > 0.5 if label == "screen" else batch.punishes())
    return np.concatenate(histories), np.concatenate(labels)


def precision_recall(predicted: Sequence[bool], truth: Sequence[bool]) -> tuple[float, float]:
    """Precision (share of flagged sessions that are positive) and recall (share of positive
    sessions flagged). An empty denominator gives 0."""
    owner = "precision_recall"
    arrays = []
    for name, values in (("predicted", predicted), ("truth", truth)):
        try:
            array = np.asarray(values)
        except Exception:  # noqa: BLE001 - anything that is not a sequence
            array = np.asarray(None)
        require(
            array.ndim == 1 and (array.dtype == bool or (array.size == 0)),
            name,
            show(values),
            "a sequence of True/False, one per session",
            owner,
        )
        arrays.append(array.astype(bool))
    predicted, truth = arrays
    require(
        len(predicted) == len(truth),
        "predicted",
        f"{len(predicted)} values",
        f"one per session in truth ({len(truth)})",
        owner,
    )
    hits = np.sum(predicted & truth)
    return (
        float(hits / predicted.sum()) if predicted.sum() else 0.0,
        float(hits / truth.sum()) if truth.sum() else 0.0,
    )


def social_cost(
    audit_policy: Callable | None = None,
    audit_prob: float = 0.0,
    seeds: Iterable[int] = AUDIT_SEEDS,
    steps: int = AUDIT_STEPS,
    **params: Any,
) -> float:
    """Mean third-party harm plus audit cost per interaction over the second half of
    ``steps`` rounds of :class:`SecretToolsModel`, averaged over ``seeds``.

    ``audit_policy`` (a function ``model -> probability``) or a fixed ``audit_prob``;
    ``params`` are any other model parameters, e.g. ``detection=0.5`` (steganography: the
    auditor recognises half of the covert uses it inspects) or ``fine=8``.
    """
    owner = "social_cost"
    if audit_policy is not None and not callable(audit_policy):
        raise TypeError(
            f"{owner}: parameter 'audit_policy' got {audit_policy!r}; expected None or a function model -> probability"
        )
    require(
        isinstance(seeds, Iterable) and not isinstance(seeds, str | bytes),
        "seeds",
        seeds,
        "a list of integer seeds",
        owner,
    )
    seeds = list(seeds)
    require(len(seeds) >= 1, "seeds", seeds, "at least one integer seed >= 0", owner)
    for seed in seeds:
        require(seed is not None, "seeds", seeds, "integer seeds >= 0", owner)
        validate_rng(seed, owner, "seeds")
    steps = Param("steps", AUDIT_STEPS, "rounds per run", "rounds", low=2, high=100_000).validate(
        steps, owner
    )
    SecretToolsModel.params.resolve({"audit_prob": audit_prob, **params}, owner)
    costs = []
    for seed in seeds:
        frame = run(
            SecretToolsModel(rng=seed, audit_policy=audit_policy, audit_prob=audit_prob, **params),
            steps,
        )
        costs.append(frame["social_cost"].iloc[steps // 2 + 1 :].mean())
    return float(np.mean(costs))


@lru_cache(maxsize=32)
def _fixed_costs(setting: tuple) -> dict[float, float]:
    return {p: social_cost(audit_prob=p, **dict(setting)) for p in AUDIT_GRID}


def best_fixed_audit(**params: Any) -> tuple[float, float]:
    """The fixed audit probability on :data:`AUDIT_GRID` with the lowest harm + audit cost
    (:func:`social_cost`) for these model parameters, and that cost: ``(p, cost)``.
    E.g. ``best_fixed_audit(detection=0.3)`` for an auditor that recognises 30 % of covert uses."""
    SecretToolsModel.params.resolve(params, "best_fixed_audit")
    require(
        "audit_prob" not in params,
        "audit_prob",
        params.get("audit_prob"),
        "not given (this function searches over it)",
        "best_fixed_audit",
    )
    defaults = SecretToolsModel.params.defaults()
    setting = tuple(
        sorted((k, v) for k, v in params.items() if v != defaults[k])
    )  # one cache entry per model
    costs = _fixed_costs(setting)
    best = min(costs, key=costs.get)
    return best, costs[best]


# -- reference answers (used by the checks and their tests) -----------------------------------------
def reference_profit_gain(prices: np.ndarray, market: Market) -> float:
    """Exercise 1: the average over firms of each firm's profit gain at ``prices``."""
    return float(np.mean(profit_gain(market.profits(prices), market)))


def reference_detector(history: np.ndarray) -> bool:
    """Exercise 2: flag a history whose implied profit gain (demand known) exceeds 0.45."""
    return reference_profit_gain(np.asarray(history).reshape(-1, 2), Market()) > 0.45


def reference_policy(model: SecretToolsModel) -> float:
    """Exercise 3: audit at 2.5 times the break-even rate gain / (detection x fine)."""
    if model.detection * model.fine == 0:
        return 1.0
    return min(1.0, 2.5 * model.gain / (model.detection * model.fine))


def reference_profit_gain_by_delta(deltas: Sequence[float], seeds: Sequence[int]) -> list[float]:
    """Exercise 4: mean profit gain of the sessions ``seeds`` for each discount factor."""
    return [
        float(lab_batch(float(d), tuple(int(s) for s in seeds)).profit_gain().mean())
        for d in deltas
    ]


# -- Exercise 1: the profit gain ----------------------------------------------------------------
EX1_BASE = {"prices": np.array([1.6, 1.8]), "market": Market()}


def _ex1_cases() -> list[dict[str, Any]]:
    mk = Market()
    cases = vary(
        EX1_BASE,
        prices=[
            np.array([mk.nash_price] * 2),
            np.array([mk.monopoly_price] * 2),
            np.array([1.9, 1.5]),
        ],
        market=[Market(c=0.8), Market(mu=0.5)],
    )
    cases.append({"prices": np.array([1.5, 1.6, 1.7]), "market": Market(n_firms=3)})
    return cases


def check_exercise_1(profit_gain_of: Callable) -> Verdict:
    """``profit_gain_of(prices, market)``: Delta averaged over the firms."""

    def test() -> None:
        expect_type(profit_gain_of, "callable", "what you passed")
        expect_matches(profit_gain_of, reference_profit_gain, _ex1_cases(), tol=1e-9)

    return run_check(
        "Exercise 1 — the profit gain Delta",
        test,
        hint="Take the profits from the market you are given (not a global one), normalise each firm's profit between "
        "that market's Nash and monopoly profits, and return one number: the average over the firms.",
    )


# -- Exercise 2: a collusion screen from price histories --------------------------------------------
#: The histories the detector is judged on, as (periods, noise, rng): the lab's (rng 0),
#: then fresh ones, of other lengths too.
EX2_DATASETS = ((60, 0.05, 0), (60, 0.05, 123), (40, 0.05, 124))
EX2_PRECISION, EX2_RECALL = 0.8, 0.9


def check_exercise_2(detector: Callable) -> Verdict:
    """A detector that flags supra-competitive sessions from price histories, judged by
    precision and recall on fresh histories of several lengths."""

    def test() -> None:
        expect_type(detector, "callable", "what you passed")
        for periods, noise, rng in EX2_DATASETS:
            histories, truth = collusion_dataset(periods=periods, noise=noise, rng=rng)
            flags = []
            for j, history in enumerate(histories):
                flag = call(detector, history)
                flags.append(
                    expect_type(
                        flag, "bool", f"detector(history of session {j}, {periods} periods)"
                    )
                )
            precision, recall = precision_recall(flags, truth)
            which = "the lab's histories" if rng == 0 else f"fresh histories of {periods} periods"
            expect(
                precision >= EX2_PRECISION and recall >= EX2_RECALL,
                f"on {which} your detector flags {sum(flags)} of {len(flags)} sessions: "
                f"precision {precision:.2f}, recall {recall:.2f} ({int(truth.sum())} sessions are supra-competitive); "
                f"expected precision >= {EX2_PRECISION} and recall >= {EX2_RECALL}",
            )

    return run_check(
        "Exercise 2 — a collusion screen",
        test,
        hint="Prices alone hide the demand side: turn the observed prices into the profit gain they imply (you know the "
        "market), and choose the threshold on the training histories, where shocks pull observed profits below "
        "the learned ones. Work with the history whatever its length, and do not change it.",
    )


# -- Exercise 3: an audit policy ------------------------------------------------------------------
def _describe(setting: dict[str, Any]) -> str:
    if not setting:
        return "at the baseline (gain 1, fine 4, detection 1)"
    return (
        "with "
        + ", ".join(f"{k} = {show(v)}" for k, v in setting.items())
        + " (the rest at the baseline)"
    )


def check_exercise_3(audit_policy: Callable) -> Verdict:
    """An audit policy whose harm + audit cost is close to the best fixed audit rate in every
    setting of the deterrence parameters; it returns a probability, reads the model
    without changing it, and draws no random numbers of its own."""

    def test() -> None:
        expect_type(audit_policy, "callable", "what you passed")
        for setting in AUDIT_SETTINGS:
            model = SecretToolsModel(rng=0, **setting)
            model.run_for(20)
            before = {k: getattr(model, k) for k in model.param_values}
            expect_type(
                call(audit_policy, model),
                "probability",
                f"audit_policy(model {_describe(setting)})",
            )
            changed = {k: getattr(model, k) for k, v in before.items() if getattr(model, k) != v}
            expect(
                not changed,
                f"audit_policy changed the model's parameters ({', '.join(f'{k} -> {show(v)}' for k, v in changed.items())}); "
                "a policy reads the model, it does not rewrite the fine or the gain",
            )
        expect_reproducible(
            lambda seed: social_cost(audit_policy, seeds=(seed,), steps=60),
            "social_cost(audit_policy)",
        )
        for setting in AUDIT_SETTINGS:
            best_p, best_cost = best_fixed_audit(**setting)
            mine = social_cost(audit_policy, **setting)
            expect(
                mine <= AUDIT_TOLERANCE * best_cost,
                f"{_describe(setting)} your policy's harm + audit cost is {mine:.3f} per interaction, but a fixed audit "
                f"rate p = {best_p} gives {best_cost:.3f}; within {AUDIT_TOLERANCE - 1:.0%} was expected. "
                f"Does your policy respond to {', '.join(setting) if setting else 'the gain, the fine and the detection rate'}?",
            )

    return run_check(
        "Exercise 3 — an audit policy",
        test,
        hint="Deterrence needs p x detection x fine > gain: read all three from the model, whatever their values. Learners "
        "estimate payoffs noisily, so audit well above the break-even rate, but not always at 1 (audits cost). "
        "Return a plain probability and draw no random numbers.",
    )


# -- Exercise 4: patience and collusion --------------------------------------------------------------
EX4_BASE = {"deltas": [0.95, 0.0], "seeds": (0, 1)}


def _ex4_cases() -> list[dict[str, Any]]:
    return vary(EX4_BASE, deltas=[[0.5]], seeds=[(2,)])


def check_exercise_4(profit_gain_by_delta: Callable) -> Verdict:
    """``profit_gain_by_delta(deltas, seeds)``: the mean Delta of the sessions ``seeds`` at
    each discount factor, in the order of ``deltas``."""

    def test() -> None:
        expect_type(profit_gain_by_delta, "callable", "what you passed")
        for case in _ex4_cases():
            label = (
                f"profit_gain_by_delta(deltas={show(case['deltas'])}, seeds={show(case['seeds'])})"
            )
            got = expect_type(
                call(profit_gain_by_delta, *case.values()), (list, tuple, np.ndarray), label
            )
            expect(
                np.ndim(got) == 1 and len(got) == len(case["deltas"]),
                f"{label} should return one mean profit gain per discount factor ({len(case['deltas'])}), got {show(got)}",
            )
            got = [expect_type(value, "number", f"each value {label} returns") for value in got]
            want = reference_profit_gain_by_delta(*case.values())
            expect(same(got, want), f"{label} should be {show(want)}, got {show(got)}")

    return run_check(
        "Exercise 4 — patience and collusion",
        test,
        hint="For each discount factor, in the order given: simulate the sessions with the seeds you are given (at the "
        "paper's default schedule) and take the mean of their profit gains. Return a list of numbers.",
    )

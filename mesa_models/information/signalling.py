"""Strategic communication: a biased sender and a receiver learn to talk, or not (Unit 04).

A sender sees the state of the world, one of ``n_states`` equally likely points
theta_i = (i + 1/2)/K in [0, 1], and sends one of K messages; a receiver sees only the
message and picks one of K acts a_j = theta_j. The receiver wants the act that matches the
state; the sender wants the act ``bias`` higher. Each gets payoff
max(0, 1 - (K (a - target))^2): 1 for its preferred act, falling with the squared distance
to 0 one state-step away. With ``bias`` = 0 this is a Lewis (1969) signalling game with
partial credit; with ``bias`` > 0 it is a discrete version of Crawford & Sobel's (1982)
cheap-talk game ("Strategic Information Transmission", *Econometrica* 50(6):1431-1451,
doi:10.2307/1913390), whose uniform-quadratic example has equilibria that
partition [0, 1] into at most

    N(b) = the largest N with 2 b N (N - 1) < 1,   i.e. ceil(-1/2 + 1/2 sqrt(1 + 2/b)),

intervals: the more the interests differ, the coarser the talk, and for b >= 1/4 only
"babbling" (no information) survives (:func:`crawford_sobel_max_messages`,
:func:`crawford_sobel_partition`, :func:`crawford_sobel_information`).

Nobody here solves for an equilibrium. Sender and receiver learn by **Roth–Erev
reinforcement** ("urn learning"), as in Skyrms (2010), *Signals: Evolution, Learning, and
Information* (Oxford UP, doi:10.1093/acprof:oso/9780199580828.001.0001): the sender keeps a
weight for every (state, message), the receiver for every (message, act), each starting at
``initial_weight``; they choose in proportion to the weights and add the payoff they
received to the weight of what they just did. ``n_pairs`` independent sender–receiver
pairs learn side by side. The information transmitted is the mutual information between
state and act under the pair's current (mixed) strategies, in bits
(:func:`strategy_information`); log2 K bits is a **signalling system**.

One step is ``rounds_per_step`` rounds. Random numbers, every round, from ``model.rng``:
the states (``rng.integers(0, K, n_pairs)``), the senders' draws and the receivers' draws
(``rng.random(n_pairs)`` each). :mod:`mesa_models.information.signalling_fast` draws the
same numbers, so the engines agree weight for weight.

Extension points: ``payoff=`` (a function ``(act, target, n_states) -> payoff >= 0``,
default :func:`quadratic_payoff`), or subclass :class:`Sender`/:class:`Receiver` and
override ``choose`` or ``learn``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel
from mesa_models.information.lemons import plain_seed
from mesa_models.information.bargaining import number_or_array
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS

__all__ = [
    "SIGNALLING_PARAMS",
    "Receiver",
    "Sender",
    "SignallingGame",
    "choose_by_weight",
    "crawford_sobel_information",
    "crawford_sobel_max_messages",
    "crawford_sobel_partition",
    "mutual_information",
    "payoff_tables",
    "pick_by_weight",
    "plot_information_vs_bias",
    "quadratic_payoff",
    "state_points",
    "strategy_information",
]

#: Parameters shared by the Mesa model and the NumPy engine (declared once).
SIGNALLING_PARAMS = Params(
    Param(
        "n_pairs",
        20,
        "independent sender-receiver pairs",
        "pairs",
        low=1,
        high=100_000,
        widget_max=200,
    ),
    Param(
        "n_states", 4, "states of the world (as many messages and acts)", "states", low=2, high=12
    ),
    Param(
        "bias",
        0.0,
        "how much higher than the state the sender wants the act",
        "state units [0, 1]",
        low=0,
        high=0.5,
        step=0.01,
    ),
    Param(
        "rounds_per_step",
        100,
        "rounds of play per model step",
        "rounds",
        low=1,
        high=100_000,
        widget_max=2000,
    ),
    Param(
        "initial_weight",
        1.0,
        "starting weight of every choice in the urns",
        "payoff units",
        low=0,
        high=1000,
        low_open=True,
        widget_max=10,
    ),
)


#: The Mesa model builds two agents per pair; more pairs belong to the NumPy engine.
MESA_MAX_PAIRS = 10_000


def state_points(n_states: int) -> np.ndarray:
    """The states (and acts) theta_i = (i + 1/2)/K."""
    return (np.arange(n_states) + 0.5) / n_states


def quadratic_payoff(
    act: float | np.ndarray, target: float | np.ndarray, n_states: int
) -> float | np.ndarray:
    """max(0, 1 - (K (act - target))^2): 1 on target, 0 one state-step (1/K) away or more."""
    act = number_or_array(act, "act", "quadratic_payoff()")
    target = number_or_array(target, "target", "quadratic_payoff()")
    n_states = SIGNALLING_PARAMS["n_states"].validate(n_states, "quadratic_payoff()")
    return np.maximum(0.0, 1.0 - (n_states * (np.asarray(act) - target)) ** 2)


def payoff_tables(
    n_states: int, bias: float, payoff: Callable | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(sender, receiver)`` payoffs, each shape ``(state, act)``, validated: finite and >= 0
    (Roth–Erev weights must not shrink below zero)."""
    rule = payoff or quadratic_payoff
    if not callable(rule):
        raise TypeError(
            f"parameter 'payoff' got {rule!r}; expected a function (act, target, n_states) -> payoff"
        )
    theta = state_points(n_states)
    tables = []
    for shift in (bias, 0.0):
        table = np.empty((n_states, n_states))
        for i, state in enumerate(theta):
            for j, act in enumerate(theta):
                value = rule(float(act), float(state + shift), n_states)
                if (
                    isinstance(value, bool)
                    or not isinstance(value, numbers.Real | np.floating)
                    or not math.isfinite(value)
                    or value < 0
                ):
                    name = getattr(rule, "__name__", repr(rule))
                    raise ValueError(
                        f"payoff function {name!r} returned {value!r} for act {act:.3f}, target {state + shift:.3f}; "
                        "allowed: a finite number >= 0"
                    )
                table[i, j] = float(value)
        tables.append(table)
    return tables[0], tables[1]


def choose_by_weight(weights: np.ndarray, draw: float | np.ndarray) -> int | np.ndarray:
    """Index chosen with probability proportional to ``weights`` (last axis), given a
    uniform ``draw`` in [0, 1): the number of cumulative weights at or below draw x total.
    Both engines use this exact arithmetic."""
    cumulative = np.cumsum(weights, axis=-1)
    total = cumulative[..., -1:]
    pick = np.sum(np.asarray(draw)[..., None] * total >= cumulative, axis=-1)
    return np.minimum(pick, weights.shape[-1] - 1)


def pick_by_weight(weights: list[float], draw: float) -> int:
    """:func:`choose_by_weight` for one row, in plain Python (much faster on a handful of
    weights, and bit for bit the same: the cumulative sums add in the same order)."""
    threshold = draw * sum_in_order(weights)
    total, count = 0.0, 0
    for w in weights:
        total += w
        if threshold >= total:
            count += 1
    return min(count, len(weights) - 1)


def sum_in_order(values: list[float]) -> float:
    """Left-to-right sum (as ``np.cumsum``'s last element; ``sum()`` may differ in the last bit)."""
    total = 0.0
    for v in values:
        total += v
    return total


def mutual_information(joint: np.ndarray) -> float:
    """Mutual information in bits of a joint distribution (or table of counts) ``joint[x, y]``."""
    joint = np.asarray(joint, dtype=float)
    require(
        joint.ndim == 2 and joint.size > 0,
        "joint",
        f"an array of shape {joint.shape}",
        "a non-empty 2-D table",
        "mutual_information",
    )
    require(
        bool(np.isfinite(joint).all() and (joint >= 0).all()),
        "joint",
        "a table with negative or non-finite entries",
        "finite numbers >= 0",
        "mutual_information",
    )
    total = joint.sum()
    require(
        total > 0,
        "joint",
        "an all-zero table",
        "a table with a positive total",
        "mutual_information",
    )
    p = joint / total
    px, py = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    nz = p > 0
    return float(np.sum(p[nz] * np.log2(p[nz] / (px @ py)[nz])))


def strategy_information(sender_weights: np.ndarray, receiver_weights: np.ndarray) -> np.ndarray:
    """Mutual information (bits) between state and act under the mixed strategies the
    weights define, with equally likely states. Accepts one pair (2-D arrays) or a batch
    (leading axis = pairs); returns an array with one value per pair."""
    s = np.asarray(sender_weights, dtype=float)
    r = np.asarray(receiver_weights, dtype=float)
    if s.ndim == 2:
        s, r = s[None], r[None]
    s = s / s.sum(axis=2, keepdims=True)
    r = r / r.sum(axis=2, keepdims=True)
    joint = s @ r / s.shape[1]  # (pairs, state, act)
    p_act = joint.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(joint > 0, joint * np.log2(joint / (p_act / s.shape[1])), 0.0)
    return terms.sum(axis=(1, 2))


def crawford_sobel_max_messages(bias: float) -> float:
    """Crawford & Sobel's N(b): the most intervals an equilibrium of the uniform-quadratic
    game can have, the largest N with 2 b N (N - 1) < 1 (``math.inf`` for b = 0)."""
    if (
        isinstance(bias, bool)
        or not isinstance(bias, numbers.Real)
        or not math.isfinite(bias)
        or bias < 0
    ):
        raise ValueError(
            f"crawford_sobel_max_messages(): parameter 'bias' got {bias!r}; allowed: a number >= 0"
        )
    if bias == 0:
        return math.inf
    n = math.ceil(-0.5 + 0.5 * math.sqrt(1 + 2 / bias))
    while 2 * bias * n * (n - 1) >= 1:  # guard the boundary against rounding
        n -= 1
    while 2 * bias * (n + 1) * n < 1:
        n += 1
    return n


def crawford_sobel_partition(bias: float, n: int | None = None) -> np.ndarray:
    """Boundaries a_0 = 0 < a_1 < ... < a_N = 1 of the equilibrium with ``n`` intervals
    (default: the most informative, N(b)): a_i = i/N + 2 b i (i - N). Each interval is 4b
    longer than the one before."""
    most = crawford_sobel_max_messages(bias)
    if n is None:
        require(
            math.isfinite(most),
            "n",
            n,
            "a number of intervals when bias = 0 (any N works)",
            "crawford_sobel_partition",
        )
        n = int(most)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= most:
        raise ValueError(
            f"crawford_sobel_partition(): parameter 'n' got {n!r}; allowed: an integer in [1, N(b) = {most}] for bias={bias!r}"
        )
    i = np.arange(n + 1)
    return i / n + 2 * bias * i * (i - n)


def crawford_sobel_information(bias: float, cap: int | None = None) -> float:
    """Bits carried by the most informative Crawford–Sobel equilibrium: the entropy of its
    partition of the uniform state. With ``cap`` (a number of states) the answer is capped
    at log2(cap), the most a ``cap``-state game can carry (and b = 0 gives that cap)."""
    if cap is not None and (
        isinstance(cap, bool) or not isinstance(cap, numbers.Integral) or cap < 1
    ):
        raise ValueError(
            f"crawford_sobel_information(): parameter 'cap' got {cap!r}; allowed: an integer >= 1"
        )
    most = crawford_sobel_max_messages(bias)
    if not math.isfinite(most):
        return math.log2(cap) if cap is not None else math.inf
    lengths = np.diff(crawford_sobel_partition(bias))
    bits = abs(float(np.sum(lengths * np.log2(lengths))))  # abs: no '-0.0' for one interval
    return min(bits, math.log2(cap)) if cap is not None else bits


class Sender(Agent):
    """Sees the state, sends a message; urn weights ``weights[state, message]``."""

    def __init__(self, model: SignallingGame) -> None:
        super().__init__(model)
        self.weights = np.full((model.n_states, model.n_states), model.initial_weight)

    def choose(self, state: int, draw: float) -> int:
        return pick_by_weight(self.weights[state].tolist(), draw)

    def learn(self, state: int, message: int, payoff: float) -> None:
        self.weights[state, message] += payoff


class Receiver(Agent):
    """Sees the message, picks an act; urn weights ``weights[message, act]``."""

    def __init__(self, model: SignallingGame) -> None:
        super().__init__(model)
        self.weights = np.full((model.n_states, model.n_states), model.initial_weight)

    def choose(self, message: int, draw: float) -> int:
        return pick_by_weight(self.weights[message].tolist(), draw)

    def learn(self, message: int, act: int, payoff: float) -> None:
        self.weights[message, act] += payoff


class SignallingGame(RiskModel):
    """Sender–receiver pairs learn to communicate by Roth–Erev reinforcement; the sender is biased.

    Reporters: ``information`` (mean over pairs of the mutual information between state
    and act, bits), ``signalling_systems`` (share of pairs within 0.1 bit of log2 K),
    ``receiver_payoff`` and ``sender_payoff`` (mean payoffs of the last step's rounds).
    """

    params = SIGNALLING_PARAMS
    reporters = {
        "information": "information",
        "signalling_systems": "signalling_systems",
        "receiver_payoff": "receiver_payoff",
        "sender_payoff": "sender_payoff",
    }
    default_plots = ("information",)
    sender_class: ClassVar[type[Sender]] = Sender
    receiver_class: ClassVar[type[Receiver]] = Receiver

    def __init__(self, *, payoff: Callable | None = None, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        require(
            self.n_pairs <= MESA_MAX_PAIRS,
            "n_pairs",
            self.n_pairs,
            f"at most {MESA_MAX_PAIRS:,} in the Mesa model (two Python objects per pair, about "
            f"{self.n_pairs * 2 * (1000 + 8 * self.n_states**2) / 1e6:,.0f} MB here); "
            "use simulate_signalling (signalling_fast) for more pairs",
            "SignallingGame",
        )
        self.sender_payoffs, self.receiver_payoffs = payoff_tables(self.n_states, self.bias, payoff)
        self.pairs = []
        for _ in range(self.n_pairs):
            self.pairs.append((self.sender_class(self), self.receiver_class(self)))
        self.receiver_payoff = self.sender_payoff = float("nan")
        self._measure()
        self.start_datacollector()

    def step(self) -> None:
        k, n = self.n_states, self.n_pairs
        earned = np.zeros(2)
        for _ in range(self.rounds_per_step):
            states = self.rng.integers(0, k, n)
            sender_draws = self.rng.random(n)
            receiver_draws = self.rng.random(n)
            for (sender, receiver), state, u, v in zip(
                self.pairs,
                states.tolist(),
                sender_draws.tolist(),
                receiver_draws.tolist(),
                strict=True,
            ):
                message = sender.choose(state, u)
                act = receiver.choose(message, v)
                to_sender = self.sender_payoffs[state, act]
                to_receiver = self.receiver_payoffs[state, act]
                sender.learn(state, message, to_sender)
                receiver.learn(message, act, to_receiver)
                earned += (to_sender, to_receiver)
        self.sender_payoff, self.receiver_payoff = (earned / (self.rounds_per_step * n)).tolist()
        self._measure()
        self.datacollector.collect(self)

    def _measure(self) -> None:
        self.pair_information = strategy_information(*self.weights())
        self.information = float(self.pair_information.mean())
        self.signalling_systems = float(
            np.mean(self.pair_information >= math.log2(self.n_states) - 0.1)
        )

    def weights(self) -> tuple[np.ndarray, np.ndarray]:
        """``(sender, receiver)`` urn weights of every pair, each shape ``(n_pairs, K, K)``."""
        return (
            np.array([s.weights for s, _ in self.pairs]),
            np.array([r.weights for _, r in self.pairs]),
        )

    def act_given_state(self) -> np.ndarray:
        """Probability of each act in each state, averaged over pairs, shape ``(K, K)``."""
        s, r = self.weights()
        s = s / s.sum(axis=2, keepdims=True)
        r = r / r.sum(axis=2, keepdims=True)
        return (s @ r).mean(axis=0)

    def draw_state(self, ax: plt.Axes) -> None:
        """Heat map of P(act | state), averaged over pairs: a diagonal is a signalling system."""
        draw_act_given_state(ax, self.act_given_state(), self.bias, self.information)


def draw_act_given_state(ax: plt.Axes, table: np.ndarray, bias: float, bits: float) -> None:
    k = table.shape[0]
    image = ax.imshow(table, origin="lower", cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("act chosen by the receiver (index)")
    ax.set_ylabel("state seen by the sender (index)")
    ax.grid(False)
    ax.set_title(f"P(act | state), b = {bias:g}: {bits:.2f} bits")
    plt.colorbar(image, ax=ax, fraction=0.046, label="probability")


def plot_information_vs_bias(
    biases: Any,
    mean_bits: Any,
    spread: Any = None,
    *,
    n_states: int = 4,
    ax: plt.Axes | None = None,
    title: str | None = None,
) -> plt.Axes:
    """Learned information (mean, and a band such as the 10th-90th percentiles of pairs)
    against the bias, beside Crawford & Sobel's log2 N(b) (capped at log2 ``n_states``)."""
    n_states = SIGNALLING_PARAMS["n_states"].validate(n_states, "plot_information_vs_bias()")
    b = np.asarray(biases, dtype=float)
    bits = np.asarray(mean_bits, dtype=float)
    require(
        b.ndim == 1 and b.shape == bits.shape,
        "mean_bits",
        bits.shape,
        f"one value per bias ({b.shape})",
        "plot_information_vs_bias",
    )
    if ax is None:
        _, ax = plt.subplots()
    if spread is not None:
        band = np.asarray(spread, dtype=float)
        ax.fill_between(
            b,
            band[:, 0],
            band[:, 1],
            color=COLORS["sky"],
            alpha=0.35,
            label="10th-90th percentile of pairs",
        )
    ax.plot(b, bits, "o-", color=COLORS["blue"], label="learners: mean over pairs")
    grid = np.linspace(max(b.min(), 1e-3), b.max(), 400)
    cap = math.log2(n_states)
    cs = [min(math.log2(crawford_sobel_max_messages(x)), cap) for x in grid]
    ax.step(
        grid,
        cs,
        where="post",
        color=COLORS["vermillion"],
        ls="--",
        label=f"Crawford & Sobel: log2 N(b), capped at log2 {n_states}",
    )
    ax.set_xlabel("sender's bias b (state units)")
    ax.set_ylabel("information transmitted (bits)")
    ax.set_ylim(0, cap + 0.1)
    ax.legend(fontsize=8)
    ax.set_title(title or "The more the sender's interests differ, the less gets through")
    return ax

"""NumPy engine for the biased signalling game: many pairs, many biases, one batch (Unit 04).

Same game, payoffs, Roth–Erev learning, random numbers and arithmetic as
:class:`~mesa_models.information.signalling.SignallingGame` (see its module docstring), with
all pairs updated as array operations. ``simulate_signalling(rounds, biases=[b],
n_pairs=P, seed=s)`` plays exactly the pairs of ``SignallingGame(rng=s, bias=b,
n_pairs=P)`` after ``rounds`` rounds, weight for weight (tests/test_signalling.py checks
it). Several biases run side by side in one batch (``n_pairs`` pairs each), which is how
the lesson measures information against bias: 8 biases x 50 pairs x 20,000 rounds in a few
seconds.

>>> runs = simulate_signalling(2000, biases=[0.0, 0.3], n_pairs=10, seed=1)
>>> runs.information_by_bias().shape
(2,)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mesa_models.base import validate_rng
from mesa_models.information.signalling import (
    SIGNALLING_PARAMS,
    choose_by_weight,
    payoff_tables,
    strategy_information,
)
from mesa_models.params import require

__all__ = ["MAX_WEIGHTS", "SignallingRuns", "simulate_signalling"]

#: Refuse batches whose urn weights would exceed this many numbers (8 bytes each).
MAX_WEIGHTS = 50_000_000


@dataclass(frozen=True)
class SignallingRuns:
    """Final urns of every pair: ``sender_weights``/``receiver_weights`` of shape
    ``(pairs, K, K)``; ``bias`` per pair; ``information`` (bits) per pair; ``history``
    (bits per pair every ``record_every`` rounds, shape ``(records, pairs)``) and
    ``history_rounds`` (the rounds at which it was recorded, starting with 0)."""

    biases: tuple[float, ...]
    n_pairs: int
    n_states: int
    seed: int
    rounds: int
    bias: np.ndarray
    sender_weights: np.ndarray
    receiver_weights: np.ndarray
    information: np.ndarray
    history: np.ndarray
    history_rounds: np.ndarray

    def information_by_bias(self) -> np.ndarray:
        """Mean information (bits) over the pairs of each bias, in the order of ``biases``."""
        return self.information.reshape(len(self.biases), self.n_pairs).mean(axis=1)

    def spread_by_bias(self, q: tuple[float, float] = (10, 90)) -> np.ndarray:
        """Percentiles ``q`` of the pairs' information for each bias, shape ``(len(biases), 2)``."""
        return np.percentile(self.information.reshape(len(self.biases), self.n_pairs), q, axis=1).T

    def signalling_systems(self, tolerance: float = 0.1) -> np.ndarray:
        """Share of each bias's pairs within ``tolerance`` bits of log2 K (a signalling system)."""
        full = math.log2(self.n_states) - tolerance
        return (self.information.reshape(len(self.biases), self.n_pairs) >= full).mean(axis=1)


#: Most rounds one call of :func:`simulate_signalling` plays.
MAX_ROUNDS = 100_000_000


def simulate_signalling(
    rounds: int,
    *,
    biases: Iterable[float] | float = (0.0,),
    n_pairs: int = 20,
    seed: int = 0,
    n_states: int = 4,
    initial_weight: float = 1.0,
    payoff: Callable | None = None,
    record_every: int | None = None,
) -> SignallingRuns:
    """Play ``rounds`` rounds with ``n_pairs`` pairs for each bias in ``biases``, all in one batch.

    ``record_every``: also record every pair's information every that many rounds.
    """
    owner = "simulate_signalling"
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral) or rounds < 0:
        raise ValueError(f"{owner}: parameter 'rounds' got {rounds!r}; allowed: an integer >= 0")
    require(
        rounds <= MAX_ROUNDS,
        "rounds",
        rounds,
        f"an integer <= {MAX_ROUNDS:,} (longer batches run for hours)",
        owner,
    )
    if isinstance(biases, numbers.Real) and not isinstance(biases, bool):
        biases = [biases]
    if not isinstance(biases, Iterable) or isinstance(biases, str | bytes):
        raise TypeError(
            f"{owner}: parameter 'biases' got {biases!r}; expected a number or a list of numbers"
        )
    biases = [SIGNALLING_PARAMS["bias"].validate(b, owner) for b in biases]
    require(len(biases) > 0, "biases", biases, "at least one bias", owner)
    n_pairs = SIGNALLING_PARAMS["n_pairs"].validate(n_pairs, owner)
    k = SIGNALLING_PARAMS["n_states"].validate(n_states, owner)
    initial_weight = SIGNALLING_PARAMS["initial_weight"].validate(initial_weight, owner)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{owner}: parameter 'seed' got {seed!r}; expected an integer >= 0")
    validate_rng(seed, owner, "seed")
    if record_every is not None and (
        isinstance(record_every, bool)
        or not isinstance(record_every, numbers.Integral)
        or record_every < 1
    ):
        raise ValueError(
            f"{owner}: parameter 'record_every' got {record_every!r}; allowed: an integer >= 1 or None"
        )
    pairs = len(biases) * n_pairs
    cells = 2 * pairs * k * k
    require(
        cells <= MAX_WEIGHTS,
        "n_pairs",
        n_pairs,
        f"a batch of at most {MAX_WEIGHTS:,} urn weights; {len(biases)} biases x {n_pairs} pairs x 2 x {k}x{k} "
        f"needs {cells:,} (about {cells * 8 / 1e9:.1f} GB)",
        owner,
    )

    tables = [payoff_tables(k, b, payoff) for b in biases]
    sender_pay = np.repeat(np.stack([t[0] for t in tables]), n_pairs, axis=0)  # (pairs, state, act)
    receiver_pay = tables[0][1]  # the receiver's payoffs do not depend on the bias
    rng = np.random.default_rng(int(seed))
    sender = np.full((pairs, k, k), initial_weight)
    receiver = np.full((pairs, k, k), initial_weight)
    idx = np.arange(pairs)
    history, history_rounds = [strategy_information(sender, receiver)], [0]
    for t in range(1, int(rounds) + 1):
        states = rng.integers(0, k, pairs)
        u = rng.random(pairs)
        v = rng.random(pairs)
        messages = choose_by_weight(sender[idx, states], u)
        acts = choose_by_weight(receiver[idx, messages], v)
        sender[idx, states, messages] += sender_pay[idx, states, acts]
        receiver[idx, messages, acts] += receiver_pay[states, acts]
        if record_every is not None and t % record_every == 0:
            history.append(strategy_information(sender, receiver))
            history_rounds.append(t)
    information = strategy_information(sender, receiver)
    return SignallingRuns(
        biases=tuple(biases),
        n_pairs=n_pairs,
        n_states=k,
        seed=int(seed),
        rounds=int(rounds),
        bias=np.repeat(biases, n_pairs),
        sender_weights=sender,
        receiver_weights=receiver,
        information=information,
        history=np.array(history),
        history_rounds=np.array(history_rounds),
    )

"""Vectorised NumPy engine for many independent Calvano et al. (2020) sessions at once.

Source: Calvano, Calzolari, Denicolò & Pastorello (2020), "Artificial Intelligence,
Algorithmic Pricing, and Collusion", AER 110(10): 3267–97, doi:10.1257/aer.20190623.

It plays exactly the sessions :class:`mesa_models.collusion.calvano.CalvanoModel` plays — same
:class:`~mesa_models.collusion.calvano.Market`, same Q-update arithmetic, same random numbers
(session ``j`` seeded with ``seeds[j]`` is the Mesa model with ``rng=seeds[j]``) — but one
period of every session is one round of array operations. A session stops when no greedy
price has changed for ``convergence_window`` periods (or at ``max_periods``); finished
sessions are dropped from the working arrays so the batch speeds up as it converges.

>>> batch = simulate(seeds=range(4), beta=2e-4, convergence_window=2_000, max_periods=100_000)
>>> batch.converged.all()
True
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mesa_models.collusion.calvano import (
    CALVANO_PARAMS,
    DRAW_BLOCK,
    Market,
    converged_cycle,
    cycle_profit_gain,
    exploration_rate,
    impulse_response,
    market_from,
)
from mesa_models.params import require

__all__ = ["Batch", "simulate"]


@dataclass
class Batch:
    """Results of :func:`simulate`, one entry per session (arrays indexed by session)."""

    market: Market
    params: dict[str, Any]
    seeds: list[int]
    q: np.ndarray  # (S, n_firms, n_states, m) final Q-tables
    greedy: np.ndarray  # (S, n_firms, n_states) final greedy price indices
    state: np.ndarray  # (S,) state when the session stopped
    periods: np.ndarray  # (S,) periods played
    converged: np.ndarray  # (S,) bool: met the convergence criterion
    history: np.ndarray | None  # (S, record, n_firms) price indices of the first periods
    wall_time: float

    @property
    def n_sessions(self) -> int:
        return len(self.seeds)

    @property
    def convergence_time(self) -> np.ndarray:
        """Period at which each session's greedy strategies last changed (its learning
        time; the session stopped ``convergence_window`` periods later)."""
        return self.periods - np.where(self.converged, self.params["convergence_window"], 0)

    def cycles(self) -> list[np.ndarray]:
        """Each session's converged cycle of price indices (see :func:`converged_cycle`)."""
        return [converged_cycle(self.market, self.greedy[j], int(self.state[j])) for j in range(self.n_sessions)]

    def profit_gain(self) -> np.ndarray:
        """Calvano et al.'s Delta per session: average profit gain on the converged cycle."""
        return np.array([cycle_profit_gain(self.market, c) for c in self.cycles()])

    def converged_prices(self) -> np.ndarray:
        """Average price of each firm on each session's converged cycle, shape (S, n_firms)."""
        return np.array([self.market.prices[c].mean(axis=0) for c in self.cycles()])

    def price_histories(self, periods: int, *, noise: float = 0.0, rng: Any = None) -> np.ndarray:
        """Prices an observer would see after learning, shape (S, periods, n_firms): each
        session plays its final greedy strategies from its final state, except that each
        firm, with probability ``noise`` per period, charges a random grid price (a stand-in
        for demand or cost shocks; the rivals then react as they learned to)."""
        require(isinstance(periods, int) and periods >= 1, "periods", periods, "an integer >= 1", "price_histories")
        require(0 <= noise <= 1, "noise", noise, "a probability in [0, 1]", "price_histories")
        gen = np.random.default_rng(rng)
        mk = self.market
        out = np.empty((self.n_sessions, periods, mk.n_firms), dtype=int)
        for j in range(self.n_sessions):
            state = int(self.state[j])
            for t in range(periods):
                actions = self.greedy[j][:, state].copy()
                shocked = gen.random(mk.n_firms) < noise
                actions[shocked] = gen.integers(mk.m, size=int(shocked.sum()))
                out[j, t] = actions
                state = int(mk.next_state(state, mk.profile_index(actions)))
        return mk.prices[out]

    def impulse_responses(self, **kwargs: Any) -> np.ndarray:
        """:func:`impulse_response` of every session, shape (S, periods, n_firms)."""
        return np.array([impulse_response(self.market, self.greedy[j], int(self.state[j]), **kwargs)
                         for j in range(self.n_sessions)])


def simulate(
    n_sessions: int | None = None,
    *,
    seeds: Iterable[int] | None = None,
    max_periods: int = 10**7,
    uniforms: np.ndarray | None = None,
    initial_states: np.ndarray | None = None,
    record: int = 0,
    **params: Any,
) -> Batch:
    """Run independent Calvano sessions side by side until each converges.

    Args:
        n_sessions: number of sessions (seeds ``0 .. n_sessions-1``); or give ``seeds``.
        seeds: one integer seed per session (session ``j`` = ``CalvanoModel(rng=seeds[j])``).
        max_periods: stop unconverged sessions after this many periods.
        uniforms: optional pre-drawn uniforms, shape ``(periods, S, n_firms, 2)``, used
            instead of the seeded generators (``initial_states`` then gives the start).
        initial_states: optional ``(S,)`` initial state indices (with ``uniforms``).
        record: keep the price indices of the first ``record`` periods (``Batch.history``).
        **params: any :data:`mesa_models.collusion.calvano.CALVANO_PARAMS` (validated).
    """
    values = CALVANO_PARAMS.resolve(params, "simulate")
    mk = market_from(values)
    if seeds is None:
        require(isinstance(n_sessions, int) and not isinstance(n_sessions, bool) and n_sessions >= 1,
                "n_sessions", n_sessions, "an integer >= 1 (or pass seeds=)", "simulate")
        seeds = range(n_sessions)
    seeds = [int(s) for s in seeds]
    require(len(seeds) >= 1 and all(s >= 0 for s in seeds), "seeds", seeds, "at least one integer >= 0", "simulate")
    require(isinstance(max_periods, int) and max_periods >= 1, "max_periods", max_periods, "an integer >= 1", "simulate")
    require(isinstance(record, int) and 0 <= record, "record", record, "an integer >= 0", "simulate")
    n, m, ns, S = mk.n_firms, mk.m, mk.n_states, len(seeds)
    alpha, delta, beta, window = values["alpha"], values["delta"], values["beta"], values["convergence_window"]

    # -- random numbers: per-session generators, exactly as CalvanoModel draws them -----------
    if uniforms is None:
        gens = [np.random.default_rng(s) for s in seeds]
        state = np.array([mk.state_from_digits(g.integers(m, size=n * mk.memory)) for g in gens])
    else:
        uniforms = np.asarray(uniforms, dtype=float)
        require(uniforms.ndim == 4 and uniforms.shape[1:] == (S, n, 2), "uniforms", uniforms.shape,
                f"an array of shape (periods, {S}, {n}, 2)", "simulate")
        require(initial_states is not None and np.shape(initial_states) == (S,), "initial_states",
                initial_states, f"{S} state indices when uniforms= is given", "simulate")
        state = np.asarray(initial_states, dtype=np.int64)
        max_periods = min(max_periods, len(uniforms))

    # -- working arrays, flattened: row r = (session, firm, state) -------------------------------
    q_all = np.broadcast_to(mk.initial_q(delta), (S, n, ns, m)).copy()
    greedy_all = q_all.argmax(axis=-1)
    profit_table = np.ascontiguousarray(mk.profit_table)
    weights = m ** np.arange(n - 1, -1, -1)
    periods = np.zeros(S, dtype=np.int64)
    converged = np.zeros(S, dtype=bool)
    history = np.zeros((S, record, n), dtype=np.int64) if record else None

    active = np.arange(S)  # original ids of sessions still learning
    q = q_all.reshape(S * n * ns, m).copy()
    qf = q.reshape(-1)
    g = greedy_all.reshape(S * n * ns).copy()
    v = np.take_along_axis(q, g[:, None], axis=1)[:, 0].copy()  # value of the greedy price
    row_base = (np.arange(S)[:, None] * n + np.arange(n)[None, :]) * ns  # (A, n)
    last_change = np.zeros(S, dtype=np.int64)  # period count at the last change of any greedy price
    block = (np.empty((0, S, n), dtype=bool), np.empty((0, S, n), dtype=np.int64))
    state_out = np.zeros(S, dtype=np.int64)
    start = time.perf_counter()

    def write_back(keep: np.ndarray) -> None:
        """Store finished sessions (``~keep``) and shrink the working arrays."""
        nonlocal q, qf, g, v, row_base, state, last_change, block, active
        A = len(active)
        done = ~keep
        q3, g3 = q.reshape(A, n, ns, m), g.reshape(A, n, ns)
        q_all[active[done]] = q3[done]
        greedy_all[active[done]] = g3[done]
        state_out[active[done]] = state[done]
        active = active[keep]
        q = np.ascontiguousarray(q3[keep]).reshape(-1, m)
        qf = q.reshape(-1)
        g = np.ascontiguousarray(g3[keep]).reshape(-1)
        v = np.ascontiguousarray(v.reshape(A, n, ns)[keep]).reshape(-1)
        state, last_change = state[keep], last_change[keep]
        block = (block[0][:, keep], block[1][:, keep])
        row_base = (np.arange(len(active))[:, None] * n + np.arange(n)[None, :]) * ns

    t = 0
    while len(active) and t < max_periods:
        offset = t % DRAW_BLOCK
        if uniforms is not None:
            u = uniforms[t, active]
            explore, random_price = u[..., 0] < exploration_rate(beta, t), (u[..., 1] * m).astype(np.int64)
        else:
            if offset == 0:  # draw the next block; decide exploration for the whole block at once
                u = np.empty((len(active), DRAW_BLOCK, n, 2))
                for k, j in enumerate(active):
                    gens[j].random(out=u[k])  # the same numbers as gens[j].random((DRAW_BLOCK, n, 2))
                eps = np.array([exploration_rate(beta, t + k) for k in range(DRAW_BLOCK)])
                block = (np.ascontiguousarray((u[..., 0] < eps[None, :, None]).transpose(1, 0, 2)),
                         np.ascontiguousarray((u[..., 1] * m).astype(np.int64).transpose(1, 0, 2)))
            explore, random_price = block[0][offset], block[1][offset]
        rows = row_base + state[:, None]  # (A, n) flat row of (session, firm, state)
        greedy_now = g.take(rows)
        best_now = v.take(rows)
        actions = np.where(explore, random_price, greedy_now)
        profile = actions[:, 0] * weights[0]
        for i in range(1, n):
            profile = profile + actions[:, i] * weights[i]
        rewards = profit_table.take(profile, axis=0)  # (A, n)
        next_state = (state * mk.n_profiles + profile) % ns if mk.memory > 1 else profile
        cell = rows * m + actions
        old = qf.take(cell)
        new = old + alpha * (rewards + delta * v.take(row_base + next_state[:, None]) - old)
        qf[cell] = new
        # Greedy bookkeeping without scanning rows: only Q(state, action) changed.
        on_greedy = actions == greedy_now
        takes_over = (new > best_now) | ((new == best_now) & (actions < greedy_now))
        takes_over &= ~on_greedy
        g[rows] = np.where(takes_over, actions, greedy_now)
        v[rows] = np.where(takes_over | on_greedy, new, best_now)
        falls = on_greedy & (new < best_now)  # the greedy value fell: rescan those rows
        if falls.any():
            fr = rows[falls]
            block_q = np.take(q, fr, axis=0)
            best = block_q.argmax(axis=1)
            g[fr] = best
            v[fr] = block_q.reshape(-1)[np.arange(len(fr)) * m + best]
            takes_over[falls] = best != actions[falls]
        changed = takes_over[:, 0]
        for i in range(1, n):
            changed = changed | takes_over[:, i]
        if history is not None and t < record:
            history[active, t] = actions
        state = next_state
        t += 1
        last_change[changed] = t
        if t - last_change.min() >= window:  # a session just converged: store it, drop it
            done = t - last_change >= window
            periods[active[done]] = t
            converged[active[done]] = True
            write_back(~done)
    if len(active):  # hit max_periods
        periods[active] = t
        write_back(np.zeros(len(active), dtype=bool))
    return Batch(mk, values, seeds, q_all, greedy_all, state_out, periods, converged, history,
                 time.perf_counter() - start)

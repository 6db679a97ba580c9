"""The NumPy engine behind :func:`mesa_models.collusion.simulate` (private module).

It plays many Calvano et al. (2020) sessions side by side, one period of every session per
round of array operations. It is the fallback where the compiled engine cannot run (no
numba, e.g. in a browser kernel) and gives exactly the same sessions: same
:class:`~mesa_models.collusion.calvano.Market`, same Q-update arithmetic, same random
numbers as :class:`~mesa_models.collusion.calvano.CalvanoModel` (the protocol is in that
module's docstring). A batch runs until its slowest session has converged; finished
sessions are dropped from the working arrays so the batch speeds up as it converges.
Cost: about 60 microseconds per period, almost whatever the batch size, so it pays only
when hundreds of sessions run together.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mesa_models.collusion.calvano import DRAW_BLOCK, Market
from mesa_models.collusion.calvano import _exploration_rate as exploration_rate

__all__ = ["run_batch"]


def run_batch(
    mk: Market,
    values: dict,
    gens: list[np.random.Generator] | None,
    state: np.ndarray,
    max_periods: int,
    uniforms: np.ndarray | None,
    record: int,
    on_finished: Callable[[int, int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Run the sessions to convergence (or ``max_periods``).

    ``gens`` are the sessions' generators, already past the draw of their initial
    ``state`` (or None when ``uniforms``, shape ``(periods, S, n_firms, 2)``, are given).
    ``on_finished(n_done, t)`` is called whenever sessions finish. Returns per-session
    arrays: ``q``, ``greedy``, ``state``, ``periods``, ``converged``, ``history``.
    """
    n, m, ns, S = mk.n_firms, mk.m, mk.n_states, len(state)
    alpha, delta, beta, window = (
        values["alpha"],
        values["delta"],
        values["beta"],
        values["convergence_window"],
    )
    state = np.asarray(state, dtype=np.int64).copy()

    # -- working arrays, flattened: row r = (session, firm, state) -------------------------------
    q_all = np.broadcast_to(mk.initial_q(delta), (S, n, ns, m)).copy()
    greedy_all = q_all.argmax(axis=-1)
    profit_table = np.ascontiguousarray(mk.profit_table)
    weights = m ** np.arange(n - 1, -1, -1)
    periods = np.zeros(S, dtype=np.int64)
    converged = np.zeros(S, dtype=bool)
    history = np.zeros((S, record, n), dtype=np.int64)

    active = np.arange(S)  # original ids of sessions still learning
    q = q_all.reshape(S * n * ns, m).copy()
    qf = q.reshape(-1)
    g = greedy_all.reshape(S * n * ns).copy()
    v = np.take_along_axis(q, g[:, None], axis=1)[:, 0].copy()  # value of the greedy price
    row_base = (np.arange(S)[:, None] * n + np.arange(n)[None, :]) * ns  # (A, n)
    last_change = np.zeros(S, dtype=np.int64)  # period count at the last change of any greedy price
    block = (np.empty((0, S, n), dtype=bool), np.empty((0, S, n), dtype=np.int64))
    state_out = np.zeros(S, dtype=np.int64)

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
            explore, random_price = (
                u[..., 0] < exploration_rate(beta, t),
                (u[..., 1] * m).astype(np.int64),
            )
        else:
            if offset == 0:  # draw the next block; decide exploration for the whole block at once
                u = np.empty((len(active), DRAW_BLOCK, n, 2))
                for k, j in enumerate(active):
                    gens[j].random(
                        out=u[k]
                    )  # the same numbers as gens[j].random((DRAW_BLOCK, n, 2))
                eps = np.array([exploration_rate(beta, t + k) for k in range(DRAW_BLOCK)])
                block = (
                    np.ascontiguousarray((u[..., 0] < eps[None, :, None]).transpose(1, 0, 2)),
                    np.ascontiguousarray((u[..., 1] * m).astype(np.int64).transpose(1, 0, 2)),
                )
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
        if t < record:
            history[active, t] = actions
        state = next_state
        t += 1
        last_change[changed] = t
        if t - last_change.min() >= window:  # a session just converged: store it, drop it
            done = t - last_change >= window
            periods[active[done]] = t
            converged[active[done]] = True
            write_back(~done)
            if on_finished is not None:
                on_finished(int(done.sum()), t)
    if len(active):  # hit max_periods
        periods[active] = t
        unfinished = len(active)
        write_back(np.zeros(len(active), dtype=bool))
        if on_finished is not None:
            on_finished(unfinished, t)
    return {
        "q": q_all,
        "greedy": greedy_all,
        "state": state_out,
        "periods": periods,
        "converged": converged,
        "history": history,
    }

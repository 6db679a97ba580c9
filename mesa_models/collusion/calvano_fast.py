"""Fast engine for many Calvano et al. (2020) sessions: :func:`simulate` and its :class:`Batch`.

Source: Calvano, Calzolari, Denicolò & Pastorello (2020), "Artificial Intelligence,
Algorithmic Pricing, and Collusion", AER 110(10): 3267–97, doi:10.1257/aer.20190623.

:func:`simulate` plays exactly the sessions :class:`~mesa_models.collusion.calvano.CalvanoModel`
plays — same :class:`~mesa_models.collusion.calvano.Market`, same Q-update arithmetic, same
random numbers (session ``j`` seeded with ``seeds[j]`` is the Mesa model with
``rng=seeds[j]``, period by period and bit for bit) — only much faster. Two engines do the
work:

* ``"numba"`` (the default where numba is installed): one compiled loop per session, a
  few tens of nanoseconds per period. A baseline session at the paper's scale
  (beta = 4e-6, about 1.9 million periods) takes well under a tenth of a second.
  Compilation happens once, on first use, and is cached on disk where the package folder
  (or ``NUMBA_CACHE_DIR``) is writable; :func:`compile_report` says what it cost.
* ``"numpy"`` (the fallback, e.g. in a browser kernel without numba): all sessions side
  by side as array operations, about 60 microseconds per period of the slowest session,
  in the private module :mod:`mesa_models.collusion._calvano_batch`.

Both give identical results (tests compare them with each other and with the Mesa model,
including 3 firms and memory 2). Sessions are seeded one by one, so they can be split over
processes or a cluster without changing a single number: ``simulate(1000, workers=2)`` uses a
local process pool, ``simulate(1000, executor=client.get_executor())`` a Dask cluster.

>>> batch = simulate(4, beta=2e-4, convergence_window=2_000, progress=False)
>>> bool(batch.converged.all())
True
"""

from __future__ import annotations

import math
import numbers
import os
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mesa_models.collusion.calvano import (
    CALVANO_PARAMS,
    DRAW_BLOCK,
    Market,
    converged_cycle,
    cycle_profit_gain,
    impulse_response,
    market_from,
    punishes,
)
from mesa_models.params import require
from mesa_models.running import _check_parallel, map_ordered, progress_bar

__all__ = [
    "Batch",
    "CACHE_BYTES",
    "ENGINES",
    "MAX_BATCH_BYTES",
    "clear_cache",
    "compile_report",
    "numba_available",
    "simulate",
]

#: Engines :func:`simulate` knows; ``"auto"`` picks numba when it can be imported.
ENGINES = ("auto", "numba", "numpy")
#: Largest memory a call to :func:`simulate` may need for its Q-tables (bytes).
MAX_BATCH_BYTES = 1_000_000_000
#: Periods of uniforms drawn per call of the compiled loop (a multiple of DRAW_BLOCK).
CHUNK_PERIODS = 64 * DRAW_BLOCK


# -- results ------------------------------------------------------------------------------------
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
    engine: str = "numpy"

    @property
    def n_sessions(self) -> int:
        return len(self.seeds)

    def select(self, sessions: Iterable[int]) -> Batch:
        """The sessions at positions ``sessions`` (e.g. ``range(10)``) as a new Batch."""
        idx = np.asarray(list(sessions), dtype=int)
        require(
            idx.ndim == 1 and len(idx) >= 1 and bool(((idx >= 0) & (idx < self.n_sessions)).all()),
            "sessions",
            list(idx),
            f"positions in [0, {self.n_sessions - 1}]",
            "Batch.select",
        )
        return Batch(
            self.market,
            self.params,
            [self.seeds[i] for i in idx],
            self.q[idx],
            self.greedy[idx],
            self.state[idx],
            self.periods[idx],
            self.converged[idx],
            None if self.history is None else self.history[idx],
            self.wall_time,
            self.engine,
        )

    @property
    def convergence_time(self) -> np.ndarray:
        """Period at which each session's greedy strategies last changed (its learning
        time; the session stopped ``convergence_window`` periods later)."""
        return self.periods - np.where(self.converged, self.params["convergence_window"], 0)

    def cycles(self) -> list[np.ndarray]:
        """Each session's converged cycle of price indices (see :func:`converged_cycle`)."""
        return [
            converged_cycle(self.market, self.greedy[j], int(self.state[j]))
            for j in range(self.n_sessions)
        ]

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
        require(
            isinstance(periods, numbers.Integral)
            and not isinstance(periods, bool)
            and periods >= 1,
            "periods",
            periods,
            "an integer >= 1",
            "price_histories",
        )
        require(
            isinstance(noise, numbers.Real) and not isinstance(noise, bool) and 0 <= noise <= 1,
            "noise",
            noise,
            "a probability in [0, 1]",
            "price_histories",
        )
        gen = np.random.default_rng(rng)
        mk = self.market
        out = np.empty((self.n_sessions, int(periods), mk.n_firms), dtype=int)
        for j in range(self.n_sessions):
            state = int(self.state[j])
            for t in range(int(periods)):
                actions = self.greedy[j][:, state].copy()
                shocked = gen.random(mk.n_firms) < noise
                actions[shocked] = gen.integers(mk.m, size=int(shocked.sum()))
                out[j, t] = actions
                state = int(mk.next_state(state, mk.profile_index(actions)))
        return mk.prices[out]

    def impulse_responses(self, **kwargs: Any) -> np.ndarray:
        """:func:`impulse_response` of every session, shape (S, periods, n_firms)."""
        return np.array(
            [
                impulse_response(self.market, self.greedy[j], int(self.state[j]), **kwargs)
                for j in range(self.n_sessions)
            ]
        )

    def punishes(self, **kwargs: Any) -> np.ndarray:
        """:func:`~mesa_models.collusion.calvano.punishes` of every session (bool array):
        does the learned strategy make a one-period price cut unprofitable?"""
        return np.array(
            [
                punishes(
                    self.market,
                    self.greedy[j],
                    int(self.state[j]),
                    delta=self.params["delta"],
                    **kwargs,
                )
                for j in range(self.n_sessions)
            ],
            dtype=bool,
        )

    def to_frame(self, *params: str) -> pd.DataFrame:
        """One row per session: ``seed``, ``converged``, ``convergence_time``, ``periods``,
        ``profit_gain``, ``cycle_length`` and each firm's average price on the cycle
        (``price_0``, ``price_1``, ...). Name parameters (``batch.to_frame("delta")``) to add
        their values as columns, handy when you concatenate the frames of a sweep."""
        for name in params:
            require(
                name in self.params,
                "params",
                name,
                f"names of parameters: {', '.join(self.params)}",
                "Batch.to_frame",
            )
        cycles = self.cycles()
        frame = pd.DataFrame(
            {
                "seed": self.seeds,
                "converged": self.converged,
                "convergence_time": self.convergence_time,
                "periods": self.periods,
                "profit_gain": [cycle_profit_gain(self.market, c) for c in cycles],
                "cycle_length": [len(c) for c in cycles],
            }
        )
        prices = np.array([self.market.prices[c].mean(axis=0) for c in cycles]).reshape(
            len(cycles), self.market.n_firms
        )
        for i in range(self.market.n_firms):
            frame[f"price_{i}"] = prices[:, i]
        for name in params:
            frame[name] = self.params[name]
        frame.index.name = "session"
        return frame


# -- the compiled engine ----------------------------------------------------------------------------
def _period_loop(
    q,
    greedy,
    value,
    profit_table,
    u,
    n_periods,
    state,
    t,
    stable,
    m,
    n_profiles,
    n_states,
    memory_one,
    alpha,
    delta,
    beta,
    window,
    history,
):  # pragma: no cover - compiled by numba
    """Play up to ``n_periods`` periods of one session in place (compiled with numba).

    ``u[k, i, 0]`` decides whether firm ``i`` explores in the k-th period of this chunk,
    ``u[k, i, 1]`` which price it then picks (the protocol of CalvanoModel). For each row
    (firm, state) of Q, ``greedy`` and ``value`` hold its lowest-index argmax and the
    maximum, kept up to date without rescanning the row unless the greedy value fell.
    Returns ``(periods played, state, t, stable, converged)``.
    """
    n = q.shape[0]
    actions = np.empty(n, dtype=np.int64)
    record = history.shape[0]
    high = low = 0.0
    for k in range(n_periods):
        if k % 1024 == 0:  # bounds on the exploration rate over the next 1,024 periods
            high = math.exp(-beta * t) * (1.0 + 1e-12)
            low = math.exp(-beta * (t + 1024)) * (1.0 - 1e-12)
        profile = 0
        for i in range(n):
            u0 = u[k, i, 0]
            # explore when u0 < exp(-beta t); the exponential is needed only between the bounds
            if u0 < low or (u0 < high and u0 < math.exp(-beta * t)):
                a = int(u[k, i, 1] * m)
            else:
                a = greedy[i, state]
            actions[i] = a
            profile = profile * m + a
        if memory_one:
            next_state = profile
        else:
            next_state = (state * n_profiles + profile) % n_states
        changed = False
        for i in range(n):
            a = actions[i]
            target = profit_table[profile, i] + delta * value[i, next_state]
            old = q[i, state, a]
            new = old + alpha * (target - old)
            q[i, state, a] = new
            g = greedy[i, state]
            best = value[i, state]
            if a == g:
                if new >= best:
                    value[i, state] = new
                else:  # the greedy value fell: rescan the row
                    b = 0
                    vb = q[i, state, 0]
                    for j in range(1, m):
                        if q[i, state, j] > vb:
                            vb = q[i, state, j]
                            b = j
                    greedy[i, state] = b
                    value[i, state] = vb
                    if b != g:
                        changed = True
            elif new > best or (new == best and a < g):
                greedy[i, state] = a
                value[i, state] = new
                changed = True
        if t < record:
            for i in range(n):
                history[t, i] = actions[i]
        state = next_state
        t += 1
        if changed:
            stable = 0
        else:
            stable += 1
            if stable >= window:
                return k + 1, state, t, stable, True
    return n_periods, state, t, stable, False


_KERNEL: dict[str, Any] = {}  # "loop": the compiled function (or None), "report": compile_report()


def numba_available() -> bool:
    """Whether the compiled engine can run here (numba importable)."""
    return _kernel() is not None


def _kernel():
    """The compiled period loop, built on first use; None where numba cannot be imported."""
    if "loop" in _KERNEL:
        return _KERNEL["loop"]
    try:
        import numba  # noqa: PLC0415  (optional dependency, imported on first use)
    except ImportError:
        _KERNEL.update(loop=None, report={"engine": "numpy", "reason": "numba is not installed"})
        return None
    cache = True
    try:
        loop = numba.njit(cache=True, nogil=True)(_period_loop)
    except RuntimeError:  # no writable cache location (read-only install, no NUMBA_CACHE_DIR)
        loop, cache = numba.njit(nogil=True)(_period_loop), False
    start = time.perf_counter()
    _warm_up(loop)
    seconds = time.perf_counter() - start
    stats = getattr(loop, "stats", None)
    from_cache = bool(stats and stats.cache_hits)
    _KERNEL.update(
        loop=loop,
        report={
            "engine": "numba",
            "numba": numba.__version__,
            "seconds": seconds,
            "cached_on_disk": cache,
            "loaded_from_cache": from_cache,
        },
    )
    return loop


def _warm_up(loop) -> None:
    """Compile (or load from the cache) by running the loop once on a tiny problem."""
    profit_table = np.zeros((4, 2))
    profit_table.setflags(
        write=False
    )  # like Market.profit_table, so the real calls reuse this compilation
    loop(
        np.zeros((2, 4, 2)),
        np.zeros((2, 4), dtype=np.int64),
        np.zeros((2, 4)),
        profit_table,
        np.zeros((1, 2, 2)),
        1,
        0,
        0,
        0,
        2,
        4,
        4,
        True,
        0.1,
        0.9,
        0.1,
        10,
        np.zeros((0, 2), dtype=np.int64),
    )


def compile_report() -> dict[str, Any]:
    """What the compiled engine cost to set up in this process: ``seconds`` (compilation, or
    loading the compiled code from the disk cache), whether it was ``loaded_from_cache``
    and whether it can be ``cached_on_disk`` here; ``engine: "numpy"`` with the reason
    where numba is missing."""
    _kernel()
    return dict(_KERNEL["report"])


def _run_compiled(
    mk: Market,
    values: dict,
    seed: int | None,
    state: int,
    gen,
    max_periods: int,
    uniforms: np.ndarray | None,
    record: int,
) -> dict[str, Any]:
    """One session with the compiled loop."""
    loop = _kernel()
    n, m = mk.n_firms, mk.m
    q = np.ascontiguousarray(mk.initial_q(values["delta"]))
    greedy = q.argmax(axis=-1)
    value = q.max(axis=-1)
    history = np.zeros((record, n), dtype=np.int64)
    profit_table = mk.profit_table
    t = stable = 0
    converged = False
    args = (
        m,
        mk.n_profiles,
        mk.n_states,
        mk.memory == 1,
        float(values["alpha"]),
        float(values["delta"]),
        float(values["beta"]),
        int(values["convergence_window"]),
        history,
    )
    buffer = (
        np.empty((CHUNK_PERIODS, n, 2)) if uniforms is None else None
    )  # refilled, not reallocated
    while t < max_periods and not converged:
        if uniforms is None:
            u = gen.random(
                out=buffer
            )  # the same numbers as CHUNK_PERIODS/DRAW_BLOCK blocks of DRAW_BLOCK
        else:
            u = np.ascontiguousarray(uniforms[t : t + CHUNK_PERIODS])
        todo = min(len(u), max_periods - t)
        _, state, t, stable, converged = loop(
            q, greedy, value, profit_table, u, todo, state, t, stable, *args
        )
    return {
        "q": q,
        "greedy": greedy,
        "state": state,
        "periods": t,
        "converged": converged,
        "history": history,
    }


def _run_chunk(
    seeds: list[int],
    values: dict,
    max_periods: int,
    record: int,
    engine: str,
    uniforms: np.ndarray | None = None,
    initial_states: np.ndarray | None = None,
    progress: bool | None = False,
) -> dict[str, Any]:
    """Sessions ``seeds`` with ``engine`` ("numba" or "numpy"), results stacked by session.
    Module-level so that process pools and clusters can run it."""
    mk = market_from(values, "simulate")
    n, S = mk.n_firms, len(seeds)
    if engine == "numba" and _kernel() is None:
        engine = "numpy"  # a worker without numba: same results, slower
    if uniforms is None:
        gens = [np.random.default_rng(s) for s in seeds]
        states = np.array(
            [mk.state_from_digits(g.integers(mk.m, size=n * mk.memory)) for g in gens],
            dtype=np.int64,
        )
    else:
        gens, states = None, np.asarray(initial_states, dtype=np.int64)
    with progress_bar(
        S, desc=f"Calvano sessions ({engine})", unit="session", progress=progress
    ) as bar:
        if engine == "numpy":
            from mesa_models.collusion._calvano_batch import run_batch  # noqa: PLC0415

            out = run_batch(
                mk,
                values,
                gens,
                states,
                max_periods,
                uniforms,
                record,
                on_finished=lambda done, t: (bar.update(done), bar.set_postfix(period=f"{t:,}")),
            )
        else:
            parts = []
            for j in range(S):
                parts.append(
                    _run_compiled(
                        mk,
                        values,
                        seeds[j],
                        int(states[j]),
                        None if gens is None else gens[j],
                        max_periods,
                        None if uniforms is None else uniforms[:, j],
                        record,
                    )
                )
                bar.update(1)
            out = {key: np.stack([p[key] for p in parts]) for key in parts[0]}
    out["engine"] = engine
    return out


# -- the public entry point -------------------------------------------------------------------------
def simulate(
    n_sessions: int | None = None,
    *,
    seeds: Iterable[int] | None = None,
    max_periods: int = 10**7,
    uniforms: np.ndarray | None = None,
    initial_states: np.ndarray | None = None,
    record: int = 0,
    engine: str = "auto",
    workers: int | None = None,
    executor: Any = None,
    progress: bool | None = None,
    cache: bool = True,
    **params: Any,
) -> Batch:
    """Run independent Calvano sessions until each converges.

    Args:
        n_sessions: number of sessions (seeds ``0 .. n_sessions-1``); or give ``seeds``.
        seeds: one integer seed per session (session ``j`` = ``CalvanoModel(rng=seeds[j])``).
        max_periods: stop unconverged sessions after this many periods.
        uniforms: optional pre-drawn uniforms, shape ``(periods, S, n_firms, 2)``, used
            instead of the seeded generators (``initial_states`` then gives the start).
        initial_states: optional ``(S,)`` initial state indices (with ``uniforms``).
        record: keep the price indices of the first ``record`` periods (``Batch.history``).
        engine: ``"auto"`` (compiled where numba is installed, else NumPy), ``"numba"`` or
            ``"numpy"``; every engine gives the same sessions.
        workers: run on a local pool of this many processes (sessions are split into
            tasks; the results are the same as in one process).
        executor: or any :class:`concurrent.futures.Executor`, e.g. a Dask client's
            ``client.get_executor()`` to run on a cluster.
        progress: show a progress bar (default: yes, once the run has taken a second,
            except under the test suite).
        cache: reuse sessions this process has already played with the same seed and
            parameters (they would come out the same; up to :data:`CACHE_BYTES` of them are
            kept). ``cache=False`` plays every session again, e.g. to time the engine.
        **params: any :data:`mesa_models.collusion.calvano.CALVANO_PARAMS` (validated).
    """
    owner = "simulate"
    values = CALVANO_PARAMS.resolve(params, owner)
    mk = market_from(values, owner)
    n, ns, m = mk.n_firms, mk.n_states, mk.m
    require(_is_int(record) and record >= 0, "record", record, "an integer >= 0", owner)
    if seeds is None:
        require(
            n_sessions is not None,
            "n_sessions",
            n_sessions,
            "an integer >= 1 (or pass seeds=)",
            owner,
        )
        require(
            _is_int(n_sessions) and n_sessions >= 1,
            "n_sessions",
            n_sessions,
            "an integer >= 1 (or pass seeds=)",
            owner,
        )
        _check_memory(int(n_sessions), n, ns, m, int(record), 1, "n_sessions", n_sessions, owner)
        seeds = range(int(n_sessions))
    else:
        require(
            n_sessions is None,
            "n_sessions",
            n_sessions,
            "None when seeds= is given (pass one or the other)",
            owner,
        )
        require(
            isinstance(seeds, Iterable) and not isinstance(seeds, str | bytes),
            "seeds",
            seeds,
            "a list of integer seeds >= 0",
            owner,
        )
        if hasattr(seeds, "__len__"):
            _check_memory(
                len(seeds), n, ns, m, int(record), 1, "seeds", f"{len(seeds):,} seeds", owner
            )
        seeds = list(seeds)
        require(all(_is_int(s) and s >= 0 for s in seeds), "seeds", seeds, "integers >= 0", owner)
    seeds = [int(s) for s in seeds]
    S = len(seeds)
    require(S >= 1, "seeds", seeds, "at least one integer >= 0", owner)
    require(
        _is_int(max_periods) and max_periods >= 1,
        "max_periods",
        max_periods,
        "an integer >= 1",
        owner,
    )
    require(engine in ENGINES, "engine", engine, f"one of {', '.join(map(repr, ENGINES))}", owner)
    if not isinstance(cache, bool):
        raise TypeError(f"{owner}: parameter 'cache' got {cache!r}; expected True or False")
    parallel = _check_parallel(workers, executor, owner)
    max_periods, record = int(max_periods), int(record)
    if engine == "auto":
        engine = "numba" if _kernel() is not None else "numpy"
    elif engine == "numba" and _kernel() is None:
        raise ValueError(
            f"{owner}: parameter 'engine' got 'numba', but numba cannot be imported here; "
            "use engine='auto' or 'numpy' (same results, slower)"
        )
    copies = 2 if engine == "numpy" and not parallel else 1  # the NumPy engine keeps a working copy
    _check_memory(
        S,
        n,
        ns,
        m,
        record,
        copies,
        "n_sessions" if n_sessions is not None else "seeds",
        n_sessions if n_sessions is not None else f"{S:,} seeds",
        owner,
    )
    if uniforms is not None:
        require(not parallel, "uniforms", "an array", "only without workers= or executor=", owner)
        uniforms = np.asarray(uniforms, dtype=float)
        require(
            uniforms.ndim == 4 and uniforms.shape[1:] == (S, n, 2),
            "uniforms",
            uniforms.shape,
            f"an array of shape (periods, {S}, {n}, 2)",
            owner,
        )
        require(
            initial_states is not None and np.shape(initial_states) == (S,),
            "initial_states",
            initial_states,
            f"{S} state indices when uniforms= is given",
            owner,
        )
        states = np.asarray(initial_states)
        require(
            np.issubdtype(states.dtype, np.integer) and bool(((states >= 0) & (states < ns)).all()),
            "initial_states",
            initial_states,
            f"integers in [0, {ns - 1}]",
            owner,
        )
        max_periods = min(max_periods, len(uniforms))
    else:
        require(
            initial_states is None,
            "initial_states",
            initial_states,
            "None unless uniforms= is given",
            owner,
        )

    start = time.perf_counter()
    use_cache = cache and uniforms is None and record == 0
    keys = [_cache_key(seed, values, max_periods, engine) for seed in seeds] if use_cache else []
    todo = [seed for seed, key in zip(seeds, keys) if key not in _CACHE] if use_cache else seeds
    if todo and not parallel:
        out = _run_chunk(
            todo, values, max_periods, record, engine, uniforms, initial_states, progress
        )
    elif todo:
        size = _task_size(len(todo), engine, workers)
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        jobs = [(chunk, values, max_periods, record, engine) for chunk in chunks]
        parts = map_ordered(
            _run_chunk,
            jobs,
            workers=workers,
            executor=executor,
            progress=progress,
            desc=f"Calvano sessions ({engine})",
            unit="session",
            weights=[len(c) for c in chunks],
            owner=owner,
        )
        out = {key: np.concatenate([p[key] for p in parts]) for key in _FIELDS}
        out["engine"] = "+".join(sorted({p["engine"] for p in parts}))
    if use_cache:
        if todo:
            for j, seed in enumerate(todo):
                _remember(
                    _cache_key(seed, values, max_periods, engine),
                    {key: out[key][j] for key in _FIELDS},
                )
        sessions = [_CACHE[key] for key in keys]
        for key in keys:
            _CACHE.move_to_end(key)
        out = {key: np.stack([session[key] for session in sessions]) for key in _FIELDS}
        out["engine"] = engine
    return Batch(
        mk,
        values,
        seeds,
        out["q"],
        out["greedy"],
        np.asarray(out["state"], dtype=np.int64),
        np.asarray(out["periods"], dtype=np.int64),
        np.asarray(out["converged"], dtype=bool),
        out["history"] if record else None,
        time.perf_counter() - start,
        out["engine"],
    )


# -- finished sessions are remembered, so that the same session is never played twice -----------
_FIELDS = ("q", "greedy", "state", "periods", "converged", "history")
#: Most memory the cache of finished sessions may use (bytes); the oldest sessions go first.
CACHE_BYTES = 200_000_000
_CACHE: OrderedDict[tuple, dict[str, np.ndarray]] = OrderedDict()
_CACHE_SIZE = [0]


def _cache_key(seed: int, values: dict, max_periods: int, engine: str) -> tuple:
    return seed, tuple(sorted(values.items())), max_periods, engine


def _remember(key: tuple, session: dict[str, np.ndarray]) -> None:
    session = {
        k: np.array(v, copy=True) for k, v in session.items()
    }  # Batch arrays stay the caller's
    size = sum(v.nbytes for v in session.values())
    if key in _CACHE or size > CACHE_BYTES:
        return
    _CACHE[key] = session
    _CACHE_SIZE[0] += size
    while _CACHE_SIZE[0] > CACHE_BYTES:
        _, old = _CACHE.popitem(last=False)
        _CACHE_SIZE[0] -= sum(v.nbytes for v in old.values())


def clear_cache() -> None:
    """Forget every finished session (:func:`simulate` plays them again when asked)."""
    _CACHE.clear()
    _CACHE_SIZE[0] = 0


def _check_memory(
    S: int, n: int, ns: int, m: int, record: int, copies: int, name: str, value: Any, owner: str
) -> None:
    """Refuse, before any work, a call whose Q-tables (and recorded prices) exceed
    :data:`MAX_BATCH_BYTES`; the message names the parameter, the estimate and the limit."""
    q_bytes = S * n * ns * m * 8 * copies
    history_bytes = S * record * n * 8
    need = q_bytes + history_bytes
    if need <= MAX_BATCH_BYTES:
        return
    if history_bytes > q_bytes:
        name, value = "record", record
        what = f"recording {record:,} periods of prices for {S:,} sessions needs about {need / 1e9:,.1f} GB"
        advice = "record fewer periods or sessions"
    else:
        what = (
            f"{S:,} sessions with {n} firms, {ns:,} states and {m} prices need about {need / 1e9:,.1f} GB "
            "for their Q-tables"
        )
        advice = "run fewer sessions per call (seeds=...) or lower m, memory or n_firms"
    raise ValueError(
        f"{owner}: parameter {name!r} got {value!r}: {what} (limit {MAX_BATCH_BYTES / 1e9:.1f} GB, "
        f"mesa_models.collusion.calvano_fast.MAX_BATCH_BYTES); {advice}"
    )


def _task_size(S: int, engine: str, workers: int | None) -> int:
    """Sessions per task: small tasks balance the compiled engine's load; the NumPy engine
    needs big batches to be efficient."""
    w = int(workers) if workers else (os.cpu_count() or 2)
    if engine == "numpy":
        return max(1, math.ceil(S / w))
    return max(1, min(10, math.ceil(S / (4 * w))))


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)

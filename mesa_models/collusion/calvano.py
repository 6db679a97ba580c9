"""Q-learning pricing agents that learn to collude (Unit 03).

Source: Calvano, Calzolari, Denicolò & Pastorello (2020), "Artificial Intelligence,
Algorithmic Pricing, and Collusion", *American Economic Review* 110(10): 3267–97,
doi:10.1257/aer.20190623. The learning rule is Watkins & Dayan's (1992) Q-learning.

This module holds two things shared by both engines:

* :class:`Market` — the market primitives: logit demand, the one-shot Bertrand–Nash and
  joint-monopoly benchmarks (solved numerically with SciPy), the price grid, the table of
  profits for every price profile, the state encoding and the paper's Q-table
  initialisation;
* :class:`CalvanoModel` — the readable Mesa model: each firm is a Mesa agent
  (:class:`PricingFirm`) with its own Q-table. Students change the learning rule, the
  exploration schedule, the memory or the number of firms here.

The vectorised engine for many sessions lives in :mod:`mesa_models.collusion.calvano_fast`; it
reads the same :class:`Market` and consumes the same random numbers, so a session has the
same trajectory in both engines (a test checks this step by step).

Random numbers (the shared protocol). A session seeded with ``rng=seed`` uses
``numpy.random.default_rng(seed)``: first ``integers(m, size=n_firms * memory)`` for the
initial state (the last ``memory`` price profiles, oldest first), then blocks of
``random((DRAW_BLOCK, n_firms, 2))`` uniforms: in period ``t`` firm ``i`` explores when
``u[t, i, 0] < exp(-beta t)`` and then picks price index ``floor(u[t, i, 1] * m)``.
Greedy ties go to the lowest price index (``numpy.argmax``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
import numbers
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import mesa
import numpy as np
from scipy.optimize import brentq

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require

__all__ = [
    "CALVANO_PARAMS",
    "DRAW_BLOCK",
    "MAX_Q_ENTRIES",
    "Market",
    "PricingFirm",
    "CalvanoModel",
    "converged_cycle",
    "cycle_profit_gain",
    "greedy_path",
    "exploration_rate",
    "impulse_response",
    "market_from",
    "profit_gain",
    "punishes",
]

#: Periods of uniforms drawn at once (both engines must use the same block size).
DRAW_BLOCK = 1024
#: Largest Q-table (states x prices) a firm may have; guards against memory blow-ups.
MAX_Q_ENTRIES = 2_000_000

#: The parameters of a Calvano session, declared once for both engines (DESIGN.md §6).
CALVANO_PARAMS = Params(
    Param("n_firms", 2, "number of competing firms", "firms", low=2, high=5),
    Param("memory", 1, "periods of past prices a firm remembers (k)", "periods", low=1, high=3),
    Param("m", 15, "number of prices on the grid", "prices", low=2, high=100),
    Param(
        "xi",
        0.1,
        "grid extends this share of (p_M - p_N) beyond both benchmarks",
        "fraction",
        low=0,
        high=2,
    ),
    Param("a", 2.0, "product quality index a_i (same for every firm)", "", low=-10, high=10),
    Param("a0", 0.0, "quality of the outside good a_0", "", low=-10, high=10),
    Param(
        "mu", 0.25, "horizontal differentiation (logit scale) mu", "", low=0, high=10, low_open=True
    ),
    Param("c", 1.0, "marginal cost c", "price units", low=0, high=10),
    Param("delta", 0.95, "discount factor", "", low=0, high=1, high_open=True, step=0.01),
    Param("alpha", 0.15, "learning rate", "", low=0, high=1, low_open=True, step=0.01),
    Param(
        "beta",
        4e-6,
        "exploration decay: epsilon_t = exp(-beta t)",
        "1/period",
        low=0,
        high=0.01,
        step=1e-5,
    ),
    Param(
        "convergence_window",
        100_000,
        "converged when no greedy price changed for this many periods",
        "periods",
        low=1,
        high=10**8,
    ),
)


_PERIOD = Param("t", 0, "period", "periods", low=0)


def exploration_rate(beta: float, t: int) -> float:
    """Calvano et al.'s schedule: explore with probability ``exp(-beta t)`` in period ``t``."""
    beta = CALVANO_PARAMS["beta"].validate(beta, "exploration_rate")
    t = _PERIOD.validate(t, "exploration_rate")
    return _exploration_rate(beta, t)


def _exploration_rate(beta: float, t: int) -> float:
    """:func:`exploration_rate` without argument checks, for the engines' inner loops (the
    compiled engine computes the same expression, so all engines agree bit for bit)."""
    return math.exp(-beta * t)


@dataclass(frozen=True, repr=False)
class Market:
    """Logit-demand Bertrand market of Calvano et al. (2020), Section II.

    Demand for firm ``i`` is ``q_i = exp((a - p_i)/mu) / (sum_j exp((a - p_j)/mu) + exp(a0/mu))``
    and its profit is ``(p_i - c) q_i``. Firms choose from ``m`` equally spaced prices on
    ``[p_N - xi (p_M - p_N), p_M + xi (p_M - p_N)]``; a state is the last ``memory`` price
    profiles.
    """

    n_firms: int = 2
    a: float = 2.0
    a0: float = 0.0
    mu: float = 0.25
    c: float = 1.0
    m: int = 15
    xi: float = 0.1
    memory: int = 1
    #: the function the user called, named in error messages (not a market parameter)
    owner: str = field(default="Market", compare=False, repr=False)

    def __post_init__(self) -> None:
        owner = self.owner
        values = CALVANO_PARAMS.resolve(
            {k: getattr(self, k) for k in ("n_firms", "a", "a0", "mu", "c", "m", "xi", "memory")},
            owner,
        )
        for k, v in values.items():
            object.__setattr__(self, k, v)
        entries = self.n_firms * self.n_states * self.m
        require(
            self.n_states * self.m <= MAX_Q_ENTRIES,
            "memory",
            self.memory,
            f"a state space with m^(n_firms*memory+1) <= {MAX_Q_ENTRIES:,} Q-values per firm "
            f"(m={self.m}, n_firms={self.n_firms} gives {entries // self.n_firms:,}, "
            f"{entries * 8 / 1e6:,.0f} MB for all firms); lower memory, m or n_firms",
            owner,
        )
        self._check_demand()

    def __repr__(self) -> str:
        """Only what differs from the baseline: ``Market()``, ``Market(c=0.8)``."""
        changed = [
            f"{k}={getattr(self, k)!r}"
            for k in ("n_firms", "a", "a0", "mu", "c", "m", "xi", "memory")
            if getattr(self, k) != CALVANO_PARAMS[k].default
        ]
        return f"Market({', '.join(changed)})"

    def _check_demand(self) -> None:
        """Refuse demand parameters for which the logit market has no usable benchmarks:
        exponentials that overflow, no interior monopoly price, or profits too small to
        tell Nash from monopoly (the profit gain would be 0/0)."""
        owner, a, a0, mu, c = self.owner, self.a, self.a0, self.mu, self.c
        limit = 700.0  # exp(709) is the largest float64
        if (a - c) / mu > limit:
            raise ValueError(
                f"{owner}: parameters a={a!r}, c={c!r}, mu={mu!r} give demand exp((a - p)/mu) = exp({(a - c) / mu:,.0f}) "
                f"at prices near cost, which overflows; allowed: (a - c)/mu <= {limit:.0f} (raise mu, or bring a closer to c)"
            )
        if a0 / mu > limit:
            raise ValueError(
                f"{owner}: parameters a0={a0!r}, mu={mu!r} give the outside good a weight exp(a0/mu) = "
                f"exp({a0 / mu:,.0f}), which overflows; allowed: a0/mu <= {limit:.0f} (raise mu or lower a0)"
            )
        try:
            with np.errstate(
                all="ignore"
            ):  # judged below, with a message that names the parameters
                nash, monopoly = self.nash_price, self.monopoly_price
        except ValueError:
            raise ValueError(
                f"{owner}: parameters a={a!r}, a0={a0!r}, mu={mu!r}, c={c!r} leave no finite Nash or monopoly price "
                "(the outside good a0 is negligible next to the products' quality a, so a cartel could raise "
                "prices without limit); lower a or raise a0 or mu"
            ) from None
        gap = self.monopoly_profit - self.nash_profit
        if (
            not (math.isfinite(nash) and math.isfinite(monopoly) and math.isfinite(gap))
            or gap <= 1e-9 * max(self.monopoly_profit, 1e-300)
            or self.monopoly_profit < 1e-12
        ):
            raise ValueError(
                f"{owner}: parameters a={a!r}, c={c!r}, mu={mu!r} give almost no demand at prices above cost "
                f"(profit per firm {self.nash_profit:.3g} at Nash, {self.monopoly_profit:.3g} at monopoly), so the "
                "profit gain Delta = (pi - pi_N)/(pi_M - pi_N) is undefined; allowed: a quality a well above "
                "the cost c relative to mu (e.g. the baseline a=2, c=1, mu=0.25)"
            )

    # -- demand and profit ---------------------------------------------------------
    def demand(self, prices: np.ndarray) -> np.ndarray:
        """Quantities for price profiles ``prices`` (last axis = firms)."""
        prices = np.asarray(prices, dtype=float)
        e = np.exp((self.a - prices) / self.mu)
        return e / (e.sum(axis=-1, keepdims=True) + math.exp(self.a0 / self.mu))

    def profits(self, prices: np.ndarray) -> np.ndarray:
        """Per-firm profits ``(p_i - c) q_i`` for price profiles (last axis = firms)."""
        prices = np.asarray(prices, dtype=float)
        return (prices - self.c) * self.demand(prices)

    def _symmetric_demand(self, p: float) -> float:
        return self.demand(np.full(self.n_firms, p))[0]

    # -- benchmarks --------------------------------------------------------------------
    @cached_property
    def nash_price(self) -> float:
        """Symmetric one-shot Nash price: the root of the first-order condition
        ``(p - c)(1 - q(p)) = mu`` (each firm best-responds to the others)."""

        def foc(p):
            return (p - self.c) * (1 - self._symmetric_demand(p)) - self.mu

        return float(brentq(foc, self.c, self.c + 50 * self.mu + 10, xtol=1e-14))

    @cached_property
    def monopoly_price(self) -> float:
        """Symmetric joint-profit-maximising price: root of ``(p - c)(1 - n q(p)) = mu``."""

        def foc(p):
            return (p - self.c) * (1 - self.n_firms * self._symmetric_demand(p)) - self.mu

        return float(brentq(foc, self.c, self.c + 50 * self.mu + 10, xtol=1e-14))

    @property
    def nash_profit(self) -> float:
        """Per-firm profit when every firm charges the Nash price."""
        return float(self.profits(np.full(self.n_firms, self.nash_price))[0])

    @property
    def monopoly_profit(self) -> float:
        """Per-firm profit when every firm charges the monopoly price."""
        return float(self.profits(np.full(self.n_firms, self.monopoly_price))[0])

    # -- discretisation ------------------------------------------------------------------
    @cached_property
    def prices(self) -> np.ndarray:
        """The ``m`` feasible prices (the paper's grid)."""
        pn, pm = self.nash_price, self.monopoly_price
        return np.linspace(pn - self.xi * (pm - pn), pm + self.xi * (pm - pn), self.m)

    @property
    def n_profiles(self) -> int:
        """Number of joint price profiles, ``m ** n_firms``."""
        return self.m**self.n_firms

    @property
    def n_states(self) -> int:
        """Number of states: the last ``memory`` price profiles, ``m ** (n_firms * memory)``."""
        return self.m ** (self.n_firms * self.memory)

    def profile_index(self, actions) -> int | np.ndarray:
        """Encode price indices (last axis = firms, firm 0 most significant) as one integer."""
        actions = np.asarray(actions)
        weights = self.m ** np.arange(self.n_firms - 1, -1, -1)
        return actions @ weights

    def next_state(self, state, profile):
        """Shift the newest price profile into a state (works on ints and arrays)."""
        return (state * self.n_profiles + profile) % self.n_states

    def state_from_digits(self, digits) -> int:
        """State index from ``n_firms * memory`` price indices, oldest profile first."""
        state = 0
        for d in np.asarray(digits).ravel():
            state = state * self.m + int(d)
        return state

    def last_profile(self, state):
        """Price indices (one per firm) of the newest profile in ``state``."""
        profile = np.asarray(state) % self.n_profiles
        return np.stack(
            [(profile // self.m**j) % self.m for j in range(self.n_firms - 1, -1, -1)], axis=-1
        )

    @cached_property
    def profit_table(self) -> np.ndarray:
        """Profits of every firm for every price profile: shape ``(m ** n_firms, n_firms)``."""
        grids = np.meshgrid(*([self.prices] * self.n_firms), indexing="ij")
        profiles = np.stack([g.ravel() for g in grids], axis=-1)
        table = self.profits(profiles)
        table.setflags(write=False)
        return table

    def initial_q(self, delta: float) -> np.ndarray:
        """Calvano et al.'s initial Q-values, shape ``(n_firms, n_states, m)``: the
        discounted payoff of each own price when rivals pick prices uniformly at random,
        ``Q0_i(s, a_i) = mean_{a_-i} pi_i(a_i, a_-i) / (1 - delta)``, the same in every state."""
        table = self.profit_table.reshape((self.m,) * self.n_firms + (self.n_firms,))
        q0 = np.empty((self.n_firms, self.m))
        for i in range(self.n_firms):
            others = tuple(j for j in range(self.n_firms) if j != i)
            q0[i] = table[..., i].mean(axis=others) / (1 - delta)
        return np.repeat(q0[:, None, :], self.n_states, axis=1)

    def best_response(self, firm: int, profile) -> int:
        """Index of firm ``firm``'s one-period profit-maximising grid price against ``profile``."""
        profile = np.array(profile)
        candidates = np.repeat(profile[None, :], self.m, axis=0)
        candidates[:, firm] = np.arange(self.m)
        return int(np.argmax(self.profit_table[self.profile_index(candidates), firm]))


def market_from(values: dict[str, Any], owner: str = "Market") -> Market:
    """The :class:`Market` for a dict of resolved :data:`CALVANO_PARAMS` values; errors
    name ``owner``, the function the user called."""
    return Market(
        **{k: values[k] for k in ("n_firms", "a", "a0", "mu", "c", "m", "xi", "memory")},
        owner=owner,
    )


def profit_gain(profit, market: Market):
    """Calvano et al.'s profit gain ``Delta = (pi - pi_N) / (pi_M - pi_N)``: 0 at the
    one-shot Nash outcome, 1 at joint monopoly. ``profit`` is a number or an array."""
    if not isinstance(market, Market):
        raise TypeError(
            f"profit_gain: parameter 'market' got {market!r}; expected a Market (e.g. Market())"
        )
    if isinstance(profit, str | bytes) or isinstance(profit, bool):
        raise TypeError(
            f"profit_gain: parameter 'profit' got {profit!r}; expected a number or an array of numbers"
        )
    try:
        values = np.asarray(profit, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"profit_gain: parameter 'profit' got {profit!r}; expected a number or an array of numbers"
        ) from None
    require(bool(np.isfinite(values).all()), "profit", profit, "finite numbers", "profit_gain")
    return (values - market.nash_profit) / (market.monopoly_profit - market.nash_profit)


class PricingFirm(mesa.Agent):
    """A firm that sets prices with tabular Q-learning (Watkins & Dayan 1992).

    Override :meth:`explores`, :meth:`random_price` or :meth:`learn` in a subclass (then
    set ``CalvanoModel.firm_class``) to try another exploration or learning rule.
    """

    def __init__(self, model: CalvanoModel, index: int, q0: np.ndarray) -> None:
        super().__init__(model)
        self.index = index
        self.q = q0.copy()  # Q-table: states x price indices
        self.greedy = self.q.argmax(axis=1)  # current greedy price index in every state
        self.action = 0

    def explores(self, t: int, u: float) -> bool:
        """Epsilon-greedy: explore with probability epsilon_t = exp(-beta t)."""
        return u < _exploration_rate(self.model.beta, t)

    def random_price(self, u: float) -> int:
        """A uniformly random price index from a uniform number ``u`` in [0, 1)."""
        return int(u * self.model.market.m)

    def choose_price(self, t: int, state: int, u_explore: float, u_price: float) -> int:
        """This period's price index."""
        if self.explores(t, u_explore):
            return self.random_price(u_price)
        return int(self.greedy[state])

    def learn(self, state: int, action: int, reward: float, next_state: int) -> bool:
        """Q-learning update of ``Q(state, action)``; returns whether the greedy price in
        ``state`` changed."""
        target = reward + self.model.delta * self.q[next_state].max()
        old = self.q[state, action]
        self.q[state, action] = old + self.model.alpha * (target - old)
        new_greedy = int(self.q[state].argmax())
        changed = new_greedy != self.greedy[state]
        self.greedy[state] = new_greedy
        return changed


class CalvanoModel(RiskModel):
    """Q-learning firms in a repeated Bertrand market with logit demand learn
    supra-competitive prices. Source: Calvano et al. (2020), AER 110(10): 3267–97.

    One step is one period: every firm picks a price (exploring or greedy), the market
    pays profits, every firm updates its Q-table. Reporters: ``price_0``, ``price_1``, ...
    (prices charged), ``profit_gain`` (this period's average Delta across firms),
    ``epsilon`` (exploration rate), ``stable_for`` (periods since any greedy price changed).
    """

    params = CALVANO_PARAMS
    default_plots = ("price_0", "profit_gain")
    firm_class: type[PricingFirm] = PricingFirm

    def __init__(
        self, *, rng: Any = None, uniforms: np.ndarray | None = None, **params: Any
    ) -> None:
        super().__init__(rng=rng, **params)
        self.market = market_from(self.param_values, type(self).__name__)
        mk = self.market
        # Same draws as the NumPy engine: initial state first, then blocks of uniforms.
        self.state = mk.state_from_digits(self.rng.integers(mk.m, size=mk.n_firms * mk.memory))
        if uniforms is not None:
            uniforms = np.asarray(uniforms, dtype=float)
            require(
                uniforms.ndim == 3 and uniforms.shape[1:] == (mk.n_firms, 2),
                "uniforms",
                uniforms.shape,
                f"an array of shape (periods, {mk.n_firms}, 2)",
                "CalvanoModel",
            )
        self._uniforms = uniforms
        self._block = np.empty((0, mk.n_firms, 2))
        self.t = 0  # periods played
        self.stable_for = 0
        self.converged = False
        self.converged_at: int | None = None  # period count when the criterion was first met
        q0 = mk.initial_q(self.delta)
        self.firms = [self.firm_class(self, i, q0[i]) for i in range(mk.n_firms)]
        newest = mk.last_profile(self.state)  # the initial state's newest price profile
        self.last_prices = mk.prices[newest]
        self.last_profits = mk.profit_table[mk.profile_index(newest)]
        self.start_datacollector()

    @property
    def reporters(self) -> dict[str, Callable[[CalvanoModel], float]]:  # type: ignore[override]
        cols = {f"price_{i}": (lambda m, i=i: float(m.last_prices[i])) for i in range(self.n_firms)}
        cols["profit_gain"] = lambda m: float(profit_gain(m.last_profits, m.market).mean())
        cols["epsilon"] = lambda m: _exploration_rate(m.beta, m.t)
        cols["stable_for"] = "stable_for"
        return cols

    def _draws(self) -> np.ndarray:
        """The uniforms of the current period, shape ``(n_firms, 2)``."""
        if self._uniforms is not None:
            return self._uniforms[self.t]
        offset = self.t % DRAW_BLOCK
        if offset == 0:
            self._block = self.rng.random((DRAW_BLOCK, self.market.n_firms, 2))
        return self._block[offset]

    def step(self) -> None:
        """One period: choose prices, pay profits, learn, check convergence."""
        mk = self.market
        u = self._draws()
        actions = [
            firm.choose_price(self.t, self.state, u[i, 0], u[i, 1])
            for i, firm in enumerate(self.firms)
        ]
        for firm, a in zip(self.firms, actions, strict=True):
            if not (isinstance(a, int | np.integer) and 0 <= a < mk.m):
                raise ValueError(
                    f"{type(firm).__name__}.choose_price returned {a!r}; allowed: an integer in [0, {mk.m - 1}]"
                )
            firm.action = int(a)
        profile = int(mk.profile_index(actions))
        rewards = mk.profit_table[profile]
        next_state = int(mk.next_state(self.state, profile))
        changed = False
        for i, firm in enumerate(self.firms):
            changed |= bool(firm.learn(self.state, actions[i], rewards[i], next_state))
        self.state = next_state
        self.t += 1
        self.stable_for = 0 if changed else self.stable_for + 1
        if not self.converged and self.stable_for >= self.convergence_window:
            self.converged, self.converged_at = True, self.t
        self.last_prices = mk.prices[np.asarray(actions)]
        self.last_profits = rewards
        self.datacollector.collect(self)

    def greedy_tables(self) -> np.ndarray:
        """Every firm's greedy price index in every state, shape ``(n_firms, n_states)``."""
        return np.stack([f.greedy for f in self.firms])

    def session_cycle(self) -> np.ndarray:
        """Price indices of the cycle the current greedy strategies settle into."""
        return converged_cycle(self.market, self.greedy_tables(), self.state)

    def session_profit_gain(self) -> float:
        """Calvano et al.'s Delta of this session: average profit gain on :meth:`session_cycle`."""
        return cycle_profit_gain(self.market, self.session_cycle())

    def impulse_response(self, **kwargs: Any) -> np.ndarray:
        """Prices around a forced one-period deviation (see :func:`impulse_response`)."""
        return impulse_response(self.market, self.greedy_tables(), self.state, **kwargs)

    def punishes(self, **kwargs: Any) -> bool:
        """Whether the learned strategies punish a price cut (see :func:`punishes`)."""
        return punishes(self.market, self.greedy_tables(), self.state, delta=self.delta, **kwargs)


# -- analysis of learned strategies (shared by both engines) ---------------------------------
def _check_strategy(
    market: Market, greedy: np.ndarray, state: Any, owner: str
) -> tuple[np.ndarray, int]:
    greedy = np.asarray(greedy)
    require(
        greedy.shape == (market.n_firms, market.n_states)
        and np.issubdtype(greedy.dtype, np.integer),
        "greedy",
        f"an array of shape {greedy.shape}",
        f"integer price indices of shape (n_firms, n_states) = ({market.n_firms}, {market.n_states})",
        owner,
    )
    require(
        isinstance(state, numbers.Integral)
        and not isinstance(state, bool)
        and 0 <= state < market.n_states,
        "state",
        state,
        f"an integer in [0, {market.n_states - 1}]",
        owner,
    )
    return greedy, int(state)


def _is_index(value: Any, size: int) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and 0 <= value < size


def greedy_path(
    market: Market, greedy: np.ndarray, state: int, periods: int
) -> tuple[np.ndarray, int]:
    """Play the greedy strategies ``greedy`` (shape ``(n_firms, n_states)``) from ``state``
    for ``periods`` periods. Returns the price indices, shape ``(periods, n_firms)``, and
    the final state."""
    greedy, state = _check_strategy(market, greedy, state, "greedy_path")
    require(
        isinstance(periods, numbers.Integral)
        and not isinstance(periods, bool)
        and 0 <= periods <= 10**7,
        "periods",
        periods,
        "an integer in [0, 10000000]",
        "greedy_path",
    )
    out = np.empty((periods, market.n_firms), dtype=int)
    for t in range(periods):
        out[t] = greedy[:, state]
        state = int(market.next_state(state, market.profile_index(out[t])))
    return out, state


def _cycle_entry(market: Market, greedy: np.ndarray, state: int) -> tuple[int, np.ndarray, int]:
    """The first state on the cycle the greedy strategies reach from ``state``, the
    cycle's price indices from there, and the number of periods it takes to get there."""
    seen: dict[int, int] = {}
    profiles = []
    while state not in seen:
        seen[state] = len(profiles)
        actions = greedy[:, state]
        profiles.append(actions.copy())
        state = int(market.next_state(state, market.profile_index(actions)))
    return state, np.array(profiles[seen[state] :]), seen[state]


def converged_cycle(market: Market, greedy: np.ndarray, state: int) -> np.ndarray:
    """The cycle of price profiles the greedy strategies settle into from ``state``:
    price indices, shape ``(cycle length, n_firms)`` (length 1 = a constant price pair)."""
    greedy, state = _check_strategy(market, greedy, state, "converged_cycle")
    return _cycle_entry(market, greedy, state)[1]


def cycle_profit_gain(market: Market, cycle: np.ndarray) -> float:
    """Average profit gain Delta over a greedy cycle (mean over periods and firms), as
    Calvano et al. measure a session's outcome."""
    return float(profit_gain(market.profit_table[market.profile_index(cycle)], market).mean())


def _deviation_paths(
    market: Market,
    greedy: np.ndarray,
    state: int,
    firm: int,
    deviation: int | None,
    before: int,
    after: int,
    owner: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Price indices with and without a forced one-period deviation, both shape
    ``(before + 1 + after, n_firms)``; row ``before`` is the deviation period."""
    greedy, state = _check_strategy(market, greedy, state, owner)
    require(
        _is_index(firm, market.n_firms),
        "firm",
        firm,
        f"an integer in [0, {market.n_firms - 1}]",
        owner,
    )
    for name, value in (("before", before), ("after", after)):
        require(
            isinstance(value, numbers.Integral)
            and not isinstance(value, bool)
            and 0 <= value <= 10_000,
            name,
            value,
            "an integer in [0, 10000] (periods)",
            owner,
        )
    # Start where the session is after n_states greedy periods (surely on its cycle), at the
    # same point of the cycle as a plain walk would reach, without walking that far.
    entry, cycle, steps = _cycle_entry(market, greedy, state)
    _, state = greedy_path(market, greedy, entry, (market.n_states - steps) % len(cycle))
    pre, state = greedy_path(market, greedy, state, int(before))
    actions = greedy[:, state].copy()
    if deviation is None:
        deviation = market.best_response(int(firm), actions)
    require(
        _is_index(deviation, market.m),
        "deviation",
        deviation,
        f"None or a price index in [0, {market.m - 1}]",
        owner,
    )
    baseline, _ = greedy_path(market, greedy, state, int(after) + 1)
    actions[int(firm)] = int(deviation)
    state = int(market.next_state(state, market.profile_index(actions)))
    post, _ = greedy_path(market, greedy, state, int(after))
    return np.concatenate([pre, actions[None, :], post]), np.concatenate([pre, baseline])


def impulse_response(
    market: Market,
    greedy: np.ndarray,
    state: int,
    *,
    firm: int = 0,
    deviation: int | None = None,
    before: int = 3,
    after: int = 20,
) -> np.ndarray:
    """Prices (not indices) around a forced one-period deviation, shape
    ``(before + 1 + after, n_firms)``.

    The session first plays its greedy strategies from ``state`` until it is on its
    converged cycle; ``before`` periods of that are shown; then ``firm`` is forced for one
    period to charge price index ``deviation`` (default: its one-period best response to
    the rivals' current prices, a price cut); afterwards every firm follows its greedy
    strategy again. Row ``before`` is the deviation period.
    """
    path, _ = _deviation_paths(
        market, greedy, state, firm, deviation, before, after, "impulse_response"
    )
    return market.prices[path]


def punishes(
    market: Market,
    greedy: np.ndarray,
    state: int,
    *,
    delta: float,
    firm: int = 0,
    horizon: int = 200,
) -> bool:
    """Calvano et al.'s behavioural test of collusion for one session: after ``firm``'s
    one-period price cut (its best response to the rivals' prices on the converged cycle),
    do the learned strategies punish it, so that the cut does not pay?

    True when (a) some rival charges less in the period after the cut than it would have
    without the cut, and (b) the deviator's profit over the cut and the ``horizon``
    periods after it, discounted at ``delta``, is below what it earns by staying on the
    cycle. A myopic learner's price drop after a cut (its best reply to a lower price) fails
    (b); high prices that nobody defends fail (a).
    """
    require(
        isinstance(delta, numbers.Real) and not isinstance(delta, bool) and 0 <= delta < 1,
        "delta",
        delta,
        "a discount factor in [0, 1)",
        "punishes",
    )
    require(
        isinstance(horizon, numbers.Integral)
        and not isinstance(horizon, bool)
        and 1 <= horizon <= 10_000,
        "horizon",
        horizon,
        "an integer in [1, 10000] (periods)",
        "punishes",
    )
    deviate, comply = _deviation_paths(
        market, greedy, state, firm, None, 0, int(horizon), "punishes"
    )
    rivals = [i for i in range(market.n_firms) if i != firm]
    cut = bool((market.prices[deviate[1, rivals]] < market.prices[comply[1, rivals]]).any())
    discount = float(delta) ** np.arange(len(deviate))
    gain = discount @ (
        market.profit_table[market.profile_index(deviate), firm]
        - market.profit_table[market.profile_index(comply), firm]
    )
    return cut and bool(gain < 0)

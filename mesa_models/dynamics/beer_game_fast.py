"""The beer game for many ordering rules at once (NumPy).

The same game, week by week and operation by operation, as the Mesa model
:class:`mesa_models.dynamics.beer_game.BeerGame` with Sterman's anchoring-and-adjustment
rule, vectorised over parameter sets: ``theta``, ``alpha_s``, ``beta`` and ``s_prime`` may be
arrays (broadcast to a common shape), and every combination plays the same customer
demand. Used for maps of the bullwhip effect over the rule's parameters (thousands of
games in a fraction of a second); tests/test_beer_game.py checks that it plays exactly the
Mesa model's games.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from mesa_models.dynamics.beer_game import BEER_GAME_PARAMS, GAME_WEEKS, ROLES, customer_demand
from mesa_models.params import require

__all__ = ["play", "MAX_GAMES"]

#: Largest batch :func:`play` accepts (games x weeks x 4 stages x 8 bytes ≈ 1 GB at 36 weeks).
MAX_GAMES = 1_000_000


def play(
    theta: Any = 0.36,
    alpha_s: Any = 0.26,
    beta: Any = 0.34,
    s_prime: Any = 17.0,
    *,
    weeks: int = GAME_WEEKS,
    demand: Any = None,
    share_pos: bool = False,
    **params: Any,
) -> dict[str, np.ndarray]:
    """Play the beer game once for every combination of the rule's parameters.

    ``theta``, ``alpha_s``, ``beta``, ``s_prime``: numbers or arrays (broadcast together).
    ``weeks``: length of the game; ``demand``: customer demand per week (default: the step
    from ``demand_before`` to ``demand_after`` in ``step_week``, as in the Mesa model; for
    noisy demand pass ``customer_demand(weeks, ..., rng=np.random.default_rng(seed))``,
    which draws what the Mesa model draws from ``rng=seed``); ``params``: the game's other
    declared parameters (delays, costs, ``initial_inventory``...).

    Returns ``orders`` (shape ``(*batch, weeks, 4)``), ``inventory`` (effective, same
    shape), ``cost`` (team total, shape ``batch``), ``ratios`` (bullwhip ratios, shape
    ``(*batch, 4)``) and ``demand``.
    """
    rule = {"theta": theta, "alpha_s": alpha_s, "beta": beta, "s_prime": s_prime}
    unknown = set(params) - set(BEER_GAME_PARAMS) | (
        set(params) & {"theta", "alpha_s", "beta", "s_prime", "share_pos", "demand_noise"}
    )
    if unknown:
        raise TypeError(
            f"play() got an unexpected parameter {sorted(unknown)[0]!r}; game parameters: "
            f"{', '.join(n for n in BEER_GAME_PARAMS if n not in rule and n not in ('share_pos', 'demand_noise'))}"
        )
    game = BEER_GAME_PARAMS.resolve(params, "play")
    arrays = {}
    for name, value in rule.items():
        array = np.asarray(value, dtype=float)
        p = BEER_GAME_PARAMS[name]
        require(bool(np.isfinite(array).all()), name, value, "finite numbers", "play")
        require(
            bool((array >= p.low).all() and (array <= p.high).all()),
            name,
            value,
            p.allowed(),
            "play",
        )
        arrays[name] = array
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    games = int(np.prod(shape)) if shape else 1
    require(
        isinstance(weeks, int | np.integer)
        and not isinstance(weeks, bool)
        and 1 <= weeks <= 10_000,
        "weeks",
        weeks,
        "an integer in [1, 10000]",
        "play",
    )
    require(
        games <= MAX_GAMES,
        "theta",
        f"{games:,} combinations",
        f"at most {MAX_GAMES:,} games at once "
        f"(this batch would need about {games * weeks * 4 * 8 * 2 / 1e9:.1f} GB)",
        "play",
    )
    t, a, b, s = (
        np.broadcast_to(arrays[n], shape).reshape(games)
        for n in ("theta", "alpha_s", "beta", "s_prime")
    )
    if demand is None:
        demand = customer_demand(
            int(weeks), game["demand_before"], game["demand_after"], game["step_week"]
        )
    demand = np.asarray(demand, dtype=float)
    require(
        demand.shape == (weeks,) and bool(np.isfinite(demand).all()) and bool((demand >= 0).all()),
        "demand",
        demand,
        f"{weeks} finite numbers >= 0 (one per week)",
        "play",
    )

    n_stages = len(ROLES)
    start = float(game["demand_before"])
    inventory = np.full((games, n_stages), float(game["initial_inventory"]))
    backlog = np.zeros((games, n_stages))
    expected = np.full((games, n_stages), start)
    lead = np.array(
        [game["order_delay"] + game["shipping_delay"]] * (n_stages - 1)
        + [game["production_delay"]],
        dtype=float,
    )
    supply_line = np.tile(start * lead, (games, 1))
    cost = np.zeros((games, n_stages))
    shipping = [
        deque([np.full(games, start)] * game["shipping_delay"]) for _ in range(n_stages - 1)
    ]
    shipping.append(deque([np.full(games, start)] * game["production_delay"]))
    mail = [deque([np.full(games, start)] * game["order_delay"]) for _ in range(n_stages - 1)]
    orders = np.empty((games, weeks, n_stages))
    effective = np.empty((games, weeks, n_stages))
    for week in range(weeks):
        d = demand[week]
        for i in range(n_stages):
            arrival = shipping[i].popleft()
            inventory[:, i] += arrival
            supply_line[:, i] -= arrival
        incoming = [np.full(games, d)] + [m.popleft() for m in mail]
        for i in range(n_stages):
            wanted = incoming[i] + backlog[:, i]
            shipped = np.minimum(inventory[:, i], wanted)
            inventory[:, i] -= shipped
            backlog[:, i] = wanted - shipped
            if i > 0:
                shipping[i - 1].append(shipped)
        for i in range(n_stages):
            signal = np.full(games, d) if share_pos else incoming[i]
            expected[:, i] = t * signal + (1 - t) * expected[:, i]
            order = np.maximum(
                0.0,
                expected[:, i]
                + a * (s - (inventory[:, i] - backlog[:, i]) - b * supply_line[:, i]),
            )
            supply_line[:, i] += order
            if i < n_stages - 1:
                mail[i].append(order)
            else:
                shipping[i].append(order)
            orders[:, week, i] = order
        for i in range(n_stages):
            cost[:, i] += (
                game["holding_cost"] * inventory[:, i] + game["backlog_cost"] * backlog[:, i]
            )
        effective[:, week] = inventory - backlog
    team = cost[:, 0] + cost[:, 1] + cost[:, 2] + cost[:, 3]
    demand_var = demand.var()
    ratios = (
        orders.var(axis=1) / demand_var if demand_var > 0 else np.full((games, n_stages), np.nan)
    )
    return {
        "orders": orders.reshape(*shape, weeks, n_stages),
        "inventory": effective.reshape(*shape, weeks, n_stages),
        "cost": team.reshape(shape),
        "ratios": ratios.reshape(*shape, n_stages),
        "demand": demand,
    }

"""Unit 07 — Destabilising dynamics: agents reacting to each other turn small shocks into crashes, cycles and chaos.

Lesson ``lessons/07_destabilising_dynamics.ipynb``; lab ``labs/07_destabilising_dynamics_lab.ipynb``
(checks in :mod:`mesa_models.dynamics.lab`).

Models:

* :mod:`mesa_models.dynamics.flash_crash` — :class:`FlashCrash`: a volume-paced sell order, trend followers and inventory-limited market makers; circuit breakers (pauses, price bands).
* :mod:`mesa_models.dynamics.flash_crash_fast` — :class:`FlashCrashArray`, :func:`run_many`: the same market with agents as arrays, step for step identical, for sweeps over seeds and breakers.
* :mod:`mesa_models.dynamics.brock_hommes` — :class:`BrockHommes`: Brock & Hommes's (1998) adaptive belief system, traders switching forecasting rules by recent profit.
* :mod:`mesa_models.dynamics.brock_hommes_fast` — :func:`orbits`, :func:`bifurcation_points`, :func:`lyapunov_exponents`, :func:`hopf_beta`: the same map for many intensities of choice at once.
* :mod:`mesa_models.dynamics.beer_game` — :class:`BeerGame`: Sterman's (1989) beer distribution game with the anchoring-and-adjustment ordering rule; the bullwhip effect.
* :mod:`mesa_models.dynamics.beer_game_fast` — :func:`play`: the beer game for many ordering rules at once, game for game identical.
"""

from mesa_models.dynamics.beer_game import (
    BEER_GAME_PARAMS,
    GAME_WEEKS,
    ROLES,
    STERMAN_1989,
    BeerGame,
    Stage,
    bullwhip_ratios,
    customer_demand,
    draw_orders,
    full_supply_line_s_prime,
    sterman_order,
    total_cost,
)
from mesa_models.dynamics.beer_game_fast import play
from mesa_models.dynamics.brock_hommes import (
    BrockHommes,
    ForecastRule,
    Predictor,
    Trader,
    default_rules,
    fundamental_eigenvalue,
    logit_choice,
    pitchfork_beta,
    steady_state,
)
from mesa_models.dynamics.brock_hommes_fast import (
    bifurcation_points,
    draw_bifurcation,
    draw_lyapunov,
    hopf_beta,
    jacobian,
    lyapunov_exponents,
    orbits,
)
from mesa_models.dynamics.flash_crash import (
    Exchange,
    FlashCrash,
    FundamentalTrader,
    LargeSeller,
    MarketMaker,
    NoiseTrader,
    TrendFollower,
    crash_stats,
    draw_crash,
    plot_crash_anatomy,
    price_band,
    stop_logic,
)
from mesa_models.dynamics.flash_crash_fast import FlashCrashArray, run_many

__all__ = [
    "BEER_GAME_PARAMS",
    "GAME_WEEKS",
    "ROLES",
    "STERMAN_1989",
    "BeerGame",
    "Stage",
    "bullwhip_ratios",
    "customer_demand",
    "draw_orders",
    "full_supply_line_s_prime",
    "sterman_order",
    "total_cost",
    "play",
    "BrockHommes",
    "ForecastRule",
    "Predictor",
    "Trader",
    "default_rules",
    "fundamental_eigenvalue",
    "logit_choice",
    "pitchfork_beta",
    "steady_state",
    "bifurcation_points",
    "draw_bifurcation",
    "draw_lyapunov",
    "hopf_beta",
    "jacobian",
    "lyapunov_exponents",
    "orbits",
    "Exchange",
    "FlashCrash",
    "FundamentalTrader",
    "LargeSeller",
    "MarketMaker",
    "NoiseTrader",
    "TrendFollower",
    "crash_stats",
    "draw_crash",
    "plot_crash_anatomy",
    "price_band",
    "stop_logic",
    "FlashCrashArray",
    "run_many",
]

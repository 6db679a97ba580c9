"""The beer distribution game and the bullwhip effect (Unit 07, Destabilising dynamics).

Sterman, J. D. (1989). "Modeling managerial behavior: Misperceptions of feedback in a
dynamic decision making experiment." *Management Science* 35(3): 321–339,
doi:10.1287/mnsc.35.3.321. Lee, H. L., Padmanabhan, V., & Whang, S. (1997). "Information
distortion in a supply chain: The bullwhip effect." *Management Science* 43(4): 546–558,
doi:10.1287/mnsc.43.4.546.

Four stages — retailer, wholesaler, distributor, factory — each keep an inventory, fill the
orders of the stage below from it (unfilled orders become a backlog), and order from the
stage above. Orders take ``order_delay`` weeks to reach the supplier, shipments
``shipping_delay`` weeks to arrive; the factory's production takes ``production_delay``
weeks (a one-week production request plus two weeks of brewing on Sterman's board).
The game starts in equilibrium — 12 cases in every inventory, 4 cases in every pipeline
slot, demand 4 — and customer demand steps from 4 to 8 cases in week 5. Each case held
costs $0.50 a week, each case backlogged $1.00.

Every stage orders with Sterman's **anchoring-and-adjustment** heuristic

    O_t = max(0, L^_t + alpha_S (S' - S_t - beta SL_t)),
    L^_t = theta L_t + (1 - theta) L^_{t-1},

where ``L_t`` is this week's incoming order, ``S_t`` the effective inventory (stock minus
backlog), ``SL_t`` the supply line (ordered but not yet received). Sterman estimated the
rule from 44 players; the summary estimates (his Table 2) are theta = 0.36, alpha_S =
0.26, beta = 0.34 and S' = 17 — players weighted the supply line by only a third
(beta well below 1), the "misperception of feedback" that makes the chain oscillate.

Each week, in this order: shipments arrive; every stage reads its incoming order (the
retailer: customer demand), ships what it can and books the rest as backlog; every stage
updates its demand forecast and orders; costs are counted on the end-of-week inventory
and backlog.

Two remedies from Lee et al. (1997): ``share_pos=True`` lets every stage forecast from
point-of-sale customer demand instead of its incoming orders; ``beta = 1`` accounts for the
whole supply line (raise ``s_prime`` by the supply line the stage used to ignore, about
0.66 x 16 cases, to keep the same desired inventory: :func:`full_supply_line_s_prime`).

Extension points: ``order_policy=`` (a function ``stage -> order``, default
:func:`sterman_order`, which reads the model's theta, alpha_S, beta and S'), or subclass
:class:`Stage` and override :meth:`Stage.decide`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import mesa
import numpy as np
import pandas as pd

from mesa_models.base import RiskModel
from mesa_models.dynamics.flash_crash import plain_seed
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import PALETTE

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
]

ROLES = ("retailer", "wholesaler", "distributor", "factory")
#: Length of Sterman's games (weeks).
GAME_WEEKS = 36
#: Sterman's (1989, Table 2) summary estimates of the ordering heuristic.
STERMAN_1989 = {"theta": 0.36, "alpha_s": 0.26, "beta": 0.34, "s_prime": 17.0}

BEER_GAME_PARAMS = Params(
    Param("demand_before", 4.0, "customer demand before the step", "cases/week", low=0, high=100),
    Param("demand_after", 8.0, "customer demand from the step on", "cases/week", low=0, high=100),
    Param("step_week", 5, "week in which customer demand steps", "week", low=1, high=1000),
    Param(
        "demand_noise",
        0.0,
        "standard deviation of random customer demand around the step",
        "cases/week",
        low=0,
        high=10,
        step=0.1,
    ),
    Param("order_delay", 2, "weeks an order takes to reach the supplier", "weeks", low=1, high=20),
    Param("shipping_delay", 2, "weeks a shipment takes to arrive", "weeks", low=1, high=20),
    Param(
        "production_delay",
        3,
        "weeks from the factory's order to finished beer",
        "weeks",
        low=1,
        high=20,
    ),
    Param(
        "initial_inventory",
        12.0,
        "inventory of every stage at the start",
        "cases",
        low=0,
        high=1000,
    ),
    Param(
        "theta",
        0.36,
        "weight of the latest order in the demand forecast (Sterman: 0.36)",
        "",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "alpha_s",
        0.26,
        "share of the stock gap corrected each week (Sterman: 0.26)",
        "1/week",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "beta",
        0.34,
        "weight of the supply line (Sterman: 0.34; 1 = all of it)",
        "",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "s_prime",
        17.0,
        "desired effective inventory plus weighted supply line S' (Sterman: 17)",
        "cases",
        low=0,
        high=100,
        step=0.5,
    ),
    Param("share_pos", False, "every stage forecasts from point-of-sale customer demand"),
    Param(
        "holding_cost", 0.5, "cost per case in inventory per week", "$/case/week", low=0, high=100
    ),
    Param("backlog_cost", 1.0, "cost per case backlogged per week", "$/case/week", low=0, high=100),
)


@validate_arguments(
    s_prime=BEER_GAME_PARAMS["s_prime"],
    beta=BEER_GAME_PARAMS["beta"],
    supply_line=Param(
        "supply_line", 16.0, "cases ordered, not yet received", "cases", low=0, high=10_000
    ),
)
def full_supply_line_s_prime(
    s_prime: float = 17.0, beta: float = 0.34, supply_line: float = 16.0
) -> float:
    """S' for ``beta = 1`` that keeps the desired inventory of a rule with (s_prime, beta):
    ``S' = S* + beta SL*`` with ``SL*`` = ``supply_line`` cases (16 at the start of the game),
    so ``S'_full = s_prime + (1 - beta) supply_line`` (27.56 for Sterman's estimates)."""
    return s_prime + (1 - beta) * supply_line


def sterman_order(stage: Stage) -> float:
    """Sterman's (1989) anchoring-and-adjustment rule with the model's theta, alpha_S,
    beta and S' (the stage's forecast ``expected_demand`` already uses theta)."""
    m = stage.model
    return max(
        0.0,
        stage.expected_demand
        + m.alpha_s * (m.s_prime - stage.effective_inventory - m.beta * stage.supply_line),
    )


@validate_arguments(
    weeks=Param("weeks", GAME_WEEKS, "length of the game", "weeks", low=1, high=10_000),
    **{
        name: BEER_GAME_PARAMS[name]
        for name in ("demand_before", "demand_after", "step_week", "demand_noise")
    },
)
def customer_demand(
    weeks: int,
    demand_before: float = 4.0,
    demand_after: float = 8.0,
    step_week: int = 5,
    demand_noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Customer demand for weeks 1..``weeks``: ``demand_before`` until week ``step_week - 1``,
    ``demand_after`` from week ``step_week``, plus normal noise with standard deviation
    ``demand_noise`` drawn from ``rng`` (one number per week, never below 0) — the same
    numbers the Mesa model draws week by week from the same seed."""
    week = np.arange(1, weeks + 1)
    demand = np.where(week < step_week, float(demand_before), float(demand_after))
    if demand_noise > 0:
        if rng is None:
            raise ValueError("customer_demand(): parameter 'rng' is needed when demand_noise > 0")
        demand = np.maximum(demand + demand_noise * rng.standard_normal(weeks), 0.0)
    return demand


class Stage(mesa.Agent):
    """One position of the supply chain.

    What an ordering policy may read: ``role``, ``position`` (0 = retailer … 3 = factory),
    ``week``, ``inventory``, ``backlog``, ``effective_inventory`` (inventory − backlog),
    ``supply_line`` (ordered, not yet received), ``incoming_order`` (this week's order from
    downstream, or customer demand for the retailer), ``demand_signal`` (what the forecast
    uses: the incoming order, or customer demand when ``share_pos``), ``expected_demand``
    (the forecast L^) and ``last_order``.
    """

    def __init__(self, model: BeerGame, position: int) -> None:
        super().__init__(model)
        self.position = position
        self.role = ROLES[position]
        self.inventory = float(model.initial_inventory)
        self.backlog = 0.0
        self.incoming_order = float(model.demand_before)
        self.demand_signal = float(model.demand_before)
        self.expected_demand = float(model.demand_before)
        self.last_order = float(model.demand_before)
        self.shipped = float(model.demand_before)
        self.cost = 0.0
        lead = (
            model.production_delay
            if position == len(ROLES) - 1
            else model.order_delay + model.shipping_delay
        )
        self.supply_line = float(model.demand_before) * lead

    @property
    def effective_inventory(self) -> float:
        return self.inventory - self.backlog

    @property
    def week(self) -> int:
        return self.model.week

    def receive(self, cases: float) -> None:
        self.inventory += cases
        self.supply_line -= cases

    def fill_orders(self, order: float) -> float:
        """Read this week's order, ship what inventory allows, book the rest as backlog."""
        self.incoming_order = order
        wanted = order + self.backlog
        self.shipped = min(self.inventory, wanted)
        self.inventory -= self.shipped
        self.backlog = wanted - self.shipped
        return self.shipped

    def decide(self) -> float:
        """This week's order: the model's ordering policy, checked."""
        policy = self.model.order_policy
        order = policy(self)
        if (
            isinstance(order, bool)
            or not isinstance(order, int | float | np.integer | np.floating)
            or not math.isfinite(order)
            or order < 0
        ):
            name = getattr(policy, "__name__", repr(policy))
            raise ValueError(
                f"BeerGame: ordering policy {name!r} returned {order!r} for the {self.role} in week {self.week}; "
                "allowed: a finite number of cases >= 0"
            )
        return float(order)

    def place_order(self, signal: float) -> float:
        m = self.model
        self.demand_signal = signal
        self.expected_demand = m.theta * signal + (1 - m.theta) * self.expected_demand
        self.last_order = self.decide()
        self.supply_line += self.last_order
        return self.last_order

    def count_cost(self) -> None:
        self.cost += (
            self.model.holding_cost * self.inventory + self.model.backlog_cost * self.backlog
        )


class BeerGame(RiskModel):
    """Sterman's (1989) beer distribution game with four rule-following stages.

    One step is one week; a standard game is :data:`GAME_WEEKS` (36) weeks, and the game
    goes on as long as it is stepped (demand stays at its post-step level). Reporters:
    ``demand`` (customer demand), ``orders_<role>``, ``inventory_<role>`` (effective
    inventory: stock minus backlog) and ``cost`` (team cost so far, $).
    """

    params = BEER_GAME_PARAMS
    reporters = {
        "demand": "demand",
        **{
            f"orders_{role}": (lambda m, i=i: m.stages[i].last_order)
            for i, role in enumerate(ROLES)
        },
        **{
            f"inventory_{role}": (lambda m, i=i: m.stages[i].effective_inventory)
            for i, role in enumerate(ROLES)
        },
        "cost": lambda m: m.team_cost(),
    }
    default_plots = ("cost",)

    def __init__(
        self,
        *,
        order_policy: Callable[[Stage], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        owner = type(self).__name__
        if order_policy is not None and not callable(order_policy):
            raise TypeError(
                f"{owner}: parameter 'order_policy' got {order_policy!r}; expected a function stage -> order"
            )
        self.order_policy = order_policy or sterman_order
        self.week = 0
        self.demand = float(self.demand_before)
        self.stages = [Stage(self, i) for i in range(len(ROLES))]
        start = float(self.demand_before)
        # shipping[i]: cases on their way to stage i; mail[i]: orders on their way from stage i to i + 1.
        self.shipping = [deque([start] * self.shipping_delay) for _ in range(len(ROLES) - 1)]
        self.shipping.append(deque([start] * self.production_delay))
        self.mail = [deque([start] * self.order_delay) for _ in range(len(ROLES) - 1)]
        self.start_datacollector()

    def step(self) -> None:
        self.week += 1
        self.demand = self.customer_demand(self.week)
        for stage, pipeline in zip(self.stages, self.shipping, strict=True):
            stage.receive(pipeline.popleft())
        incoming = [self.demand] + [mail.popleft() for mail in self.mail]
        for i, stage in enumerate(self.stages):
            shipped = stage.fill_orders(incoming[i])
            if i > 0:
                self.shipping[i - 1].append(shipped)
        for i, stage in enumerate(self.stages):
            signal = self.demand if self.share_pos else stage.incoming_order
            order = stage.place_order(signal)
            if i < len(ROLES) - 1:
                self.mail[i].append(order)
            else:
                self.shipping[i].append(order)  # the brewery always delivers
        for stage in self.stages:
            stage.count_cost()
        self.datacollector.collect(self)

    def customer_demand(self, week: int) -> float:
        """Customer demand in ``week`` (noise, if any, drawn now from the model's rng)."""
        demand = self.demand_before if week < self.step_week else self.demand_after
        if self.demand_noise > 0:
            demand = max(demand + self.demand_noise * self.rng.standard_normal(), 0.0)
        return float(demand)

    def team_cost(self) -> float:
        return float(sum(stage.cost for stage in self.stages))

    def draw_state(self, ax: plt.Axes) -> None:
        draw_orders(ax, self.datacollector.get_model_vars_dataframe())


def _orders(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["demand", *(f"orders_{role}" for role in ROLES)]
    missing = [c for c in columns if c not in getattr(frame, "columns", ())]
    if missing:
        raise ValueError(
            f"the table needs the columns {columns} (a BeerGame run); missing {missing}"
        )
    return frame.loc[frame.index >= 1, columns]


def bullwhip_ratios(frame: pd.DataFrame) -> pd.Series:
    """Variance of each stage's orders over the variance of customer demand, weeks 1..end
    (Lee et al.'s measure of the bullwhip effect), indexed by role."""
    orders = _orders(frame)
    demand_var = float(orders["demand"].var(ddof=0))
    require(
        demand_var > 0,
        "frame",
        "constant customer demand",
        "a run in which customer demand varies (a step or noise)",
        "bullwhip_ratios",
    )
    return pd.Series(
        {role: float(orders[f"orders_{role}"].var(ddof=0)) / demand_var for role in ROLES},
        name="bullwhip ratio",
    )


def total_cost(frame: pd.DataFrame) -> float:
    """The team's total cost at the end of the run ($)."""
    if "cost" not in getattr(frame, "columns", ()):
        raise ValueError("total_cost(): the table needs a 'cost' column (a BeerGame run)")
    return float(frame["cost"].iloc[-1])


def draw_orders(ax: plt.Axes, frame: pd.DataFrame, *, title: str | None = None) -> None:
    """Customer demand and every stage's orders, week by week."""
    orders = _orders(frame)
    ax.step(
        orders.index, orders["demand"], where="mid", color="black", lw=1.5, label="customer demand"
    )
    for colour, role in zip(PALETTE, ROLES, strict=False):
        ax.plot(orders.index, orders[f"orders_{role}"], color=colour, lw=1.3, label=role)
    ax.set_xlabel("week")
    ax.set_ylabel("orders (cases/week)")
    ax.legend(fontsize=7, ncol=2)
    if title is None and orders["demand"].var() > 0:
        ratios = bullwhip_ratios(frame)
        title = f"factory orders vary {ratios['factory']:.0f}x as much as demand"
    ax.set_title(title or "orders")

"""Monoculture and correlated failure: many agents, few base models (Unit 05).

Kleinberg, J., & Raghavan, M. (2021), "Algorithmic monoculture and social welfare", PNAS
118(22): e2018340118, doi:10.1073/pnas.2018340118, show that when many decision-makers
rely on the same algorithm their errors become correlated, and that this can lower
welfare even when the shared algorithm is individually more accurate than the
alternatives. Bommasani et al. (2022), "Picking on the same person: does algorithmic
monoculture lead to outcome homogenization?" (NeurIPS 2022, arXiv:2211.13972), call the
extreme case *systemic failure*: everyone fails on the same inputs. This model isolates
that mechanism for AI agents.

``n_agents`` agents are each built on one of ``n_models`` base models (by default split
as evenly as possible; ``shares=`` sets any split). Every step one input arrives that all
agents must handle. Base model j fails on it with probability ``failure_rate`` (or
``failure_rates[j]``), independently of the other models; with probability
``common_shock`` the input defeats every base model at once (a blind spot they share, e.g.
the same training data). An agent fails when its base model fails, or on its own with
probability ``agent_error``.

With equal failure rates the *average* failure rate is the same however the agents are
split, but the *distribution* of simultaneous failures is not: with one shared model the
agents fail all together or not at all; with many models the failures are spread out, and
the chance that most agents fail at once collapses. :func:`failure_distribution` gives
that distribution exactly (no simulation), and tests/test_monoculture.py checks the Mesa
model's histogram against it.

Extension points: ``shares=`` and ``failure_rates=`` (sequences, one entry per base
model), or subclass :class:`Deployment` (the agent) and override :meth:`Deployment.fails`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, ClassVar

import matplotlib as mpl
import matplotlib.pyplot as plt
import mesa
import numpy as np
from scipy.stats import binom

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS, draw_grid

__all__ = [
    "Deployment",
    "Monoculture",
    "agent_counts",
    "failure_distribution",
    "mass_failure_probability",
    "mix_cost",
]

#: Largest population for which :func:`failure_distribution` convolves agent-level errors.
MAX_EXACT_AGENTS = 20_000
#: Largest population the exact functions accept (the distribution has n_agents + 1 entries).
MAX_AGENTS = 1_000_000


def _sequence(values: Any, name: str, owner: str) -> np.ndarray:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(
            f"{owner}: parameter {name!r} got {values!r}; expected a list of numbers, one per base model"
        )
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        array = values
    else:
        for value in values:
            if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
                raise TypeError(f"{owner}: parameter {name!r} contains {value!r}; expected numbers")
        array = np.asarray(values, dtype=float)
    if array.ndim != 1 or array.size == 0 or np.isnan(array).any():
        raise ValueError(
            f"{owner}: parameter {name!r} got {values!r}; allowed: a non-empty list of numbers"
        )
    return array.astype(float, copy=False)


def check_shares(shares: Any, owner: str = "", name: str = "shares") -> np.ndarray:
    """``shares`` as a float array: non-negative, summing to 1."""
    array = _sequence(shares, name, owner)
    if (array < 0).any() or abs(array.sum() - 1) > 1e-9:
        raise ValueError(
            f"{owner}: parameter {name!r} got {np.round(array, 6).tolist()!r}; allowed: non-negative numbers that sum to 1"
        )
    return array


def check_rates(
    rates: Any, size: int | None = None, owner: str = "", name: str = "failure_rates"
) -> np.ndarray:
    """``rates`` as a float array of probabilities (of length ``size`` if given)."""
    array = _sequence(rates, name, owner)
    if ((array < 0) | (array > 1)).any():
        raise ValueError(
            f"{owner}: parameter {name!r} got {array.tolist()!r}; allowed: probabilities in [0, 1]"
        )
    if size is not None and array.size != size:
        raise ValueError(
            f"{owner}: parameter {name!r} has {array.size} entries; allowed: one per base model ({size})"
        )
    return array


AGENTS = Param("n_agents", 100, "agents", "agents", low=1, high=MAX_AGENTS)
PROBABILITY = {
    name: Param(name, 0.0, doc, "probability", low=0, high=1)
    for name, doc in (
        ("common_shock", "chance an input defeats every base model"),
        ("agent_error", "chance an agent fails on its own"),
    )
}
LEVEL = Param(
    "level",
    0.5,
    "share of agents failing together that counts as mass failure",
    "fraction",
    low=0,
    high=1,
    low_open=True,
)


def _rates(value: Any, owner: str) -> Any:
    """``failure_rates``: one probability for every base model, or a list of them."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return Param(
            "failure_rates", 0.1, "chance a base model fails", "probability", low=0, high=1
        ).validate(value, owner)
    return check_rates(value, None, owner)


@validate_arguments(n_agents=AGENTS)
def agent_counts(shares: Sequence[float], n_agents: int) -> np.ndarray:
    """How many of ``n_agents`` agents use each base model: ``shares`` rounded by the
    largest-remainder method (ties go to the earlier model), so the counts sum to n."""
    shares = check_shares(shares, "agent_counts()")
    exact = shares * n_agents
    counts = np.floor(exact + 1e-9).astype(np.int64)
    remainder = exact - counts
    missing = n_agents - int(counts.sum())
    if missing > 0:
        order = np.lexsort((np.arange(shares.size), -np.round(remainder, 12)))
        counts[order[:missing]] += 1
    return counts


def mix_cost(shares: Sequence[float], costs: Sequence[float]) -> float:
    """Average cost per agent of a mix: ``sum_j shares_j * costs_j``."""
    shares = check_shares(shares, "mix_cost")
    costs = _sequence(costs, "costs", "mix_cost")
    if costs.size != shares.size:
        raise ValueError(
            f"mix_cost: parameter 'costs' has {costs.size} entries; allowed: one per base model ({shares.size})"
        )
    return float(np.dot(shares, costs))


@validate_arguments(
    failure_rates=_rates,
    n_agents=AGENTS,
    common_shock=PROBABILITY["common_shock"],
    agent_error=PROBABILITY["agent_error"],
)
def failure_distribution(
    shares: Sequence[float],
    failure_rates: Sequence[float] | float,
    n_agents: int = 100,
    *,
    common_shock: float = 0.0,
    agent_error: float = 0.0,
) -> np.ndarray:
    """Exact probability that 0, 1, ..., n_agents agents fail on the same input.

    Base models fail independently (model j with probability ``failure_rates[j]``, or all
    with ``failure_rates`` if it is one number), all of them together with probability
    ``common_shock``, and each agent alone with probability ``agent_error``. Returns an
    array of length n_agents + 1 that sums to 1.
    """
    owner = "failure_distribution()"
    shares = check_shares(shares, owner)
    rates = (
        np.full(shares.size, failure_rates)
        if isinstance(failure_rates, float)
        else check_rates(failure_rates, shares.size, owner)
    )
    if agent_error > 0 and n_agents > MAX_EXACT_AGENTS:
        raise ValueError(
            f"{owner}: parameter 'n_agents' got {n_agents}; allowed with agent_error > 0: at most {MAX_EXACT_AGENTS:,} "
            f"(the exact convolution needs ~n_agents^2 = {n_agents**2:,} operations)"
        )
    require(
        shares.size * n_agents <= 100_000_000,
        "n_agents",
        n_agents,
        f"at most {100_000_000 // shares.size:,} for {shares.size} base models (work ~ models x agents)",
        owner,
    )
    counts = agent_counts(shares, n_agents)
    dist = np.zeros(n_agents + 1)
    dist[0] = 1.0
    filled = 0  # agents accounted for so far: dist has support 0..filled
    for count, rate in zip(counts, rates, strict=True):
        if count == 0:
            continue
        if agent_error == 0:
            shifted = np.zeros_like(dist)
            shifted[count:] = dist[: n_agents + 1 - count]
            dist = (1 - rate) * dist + rate * shifted
        else:
            own = binom.pmf(np.arange(count + 1), count, agent_error) * (1 - rate)
            own[count] += rate
            dist[: filled + count + 1] = np.convolve(dist[: filled + 1], own)
        filled += count
    dist = (1 - common_shock) * dist
    dist[n_agents] += common_shock
    return dist


@validate_arguments(
    failure_rates=_rates,
    n_agents=AGENTS,
    level=LEVEL,
    common_shock=PROBABILITY["common_shock"],
    agent_error=PROBABILITY["agent_error"],
)
def mass_failure_probability(
    shares: Sequence[float],
    failure_rates: Sequence[float] | float,
    n_agents: int = 100,
    *,
    level: float = 0.5,
    common_shock: float = 0.0,
    agent_error: float = 0.0,
) -> float:
    """Exact probability that at least a share ``level`` of the agents fails on the same
    input (see :func:`failure_distribution`)."""
    dist = failure_distribution(
        shares, failure_rates, n_agents, common_shock=common_shock, agent_error=agent_error
    )
    failing = np.arange(dist.size) / (dist.size - 1)
    return float(np.clip(dist[failing >= level - 1e-12].sum(), 0.0, 1.0))


class Deployment(mesa.Agent):
    """An agent built on one base model: it fails when the model does, or by itself."""

    def __init__(self, model: Monoculture, index: int, base: int) -> None:
        super().__init__(model)
        self.index = index
        self.base = base
        self.failed = False

    def fails(self) -> bool:
        """Does this agent fail on the current input?"""
        model = self.model
        return bool(
            model.model_failed[self.base] or model.own_draws[self.index] < model.agent_error
        )

    def handle(self) -> None:
        self.failed = self.fails()


class Monoculture(RiskModel):
    """Agents on shared base models facing one input per step; reports how many fail
    together.

    Reporters: ``failed`` (share of agents failing on this step's input),
    ``mass_failure`` (1 if at least ``mass_level`` of them failed, else 0),
    ``failure_rate`` and ``mass_failure_rate`` (running means over the steps so far).
    """

    params = Params(
        Param(
            "n_agents",
            100,
            "agents (each built on one base model)",
            "agents",
            low=1,
            high=100_000,
            widget_max=400,
            step=10,
        ),
        Param(
            "n_models",
            1,
            "base models the agents are split across (evenly unless shares= is given)",
            "models",
            low=1,
            high=1000,
            widget_max=20,
        ),
        Param(
            "failure_rate",
            0.1,
            "chance that a base model fails on an input",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param(
            "common_shock",
            0.0,
            "chance that an input defeats every base model at once (a shared blind spot)",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param(
            "agent_error",
            0.0,
            "chance that an agent fails on its own, whatever its base model does",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param(
            "mass_level",
            0.5,
            "a mass failure: at least this share of agents fails on the same input",
            "fraction",
            low=0,
            high=1,
            low_open=True,
            step=0.05,
        ),
    )
    reporters = {
        "failed": lambda m: m.failed_share(),
        "mass_failure": lambda m: float(m.steps > 0 and m.failed_share() >= m.mass_level - 1e-12),
        "failure_rate": lambda m: m.failures / (m.steps * m.n_agents) if m.steps else math.nan,
        "mass_failure_rate": lambda m: m.mass_failures / m.steps if m.steps else math.nan,
    }
    default_plots = ("mass_failure_rate",)
    agent_class: ClassVar[type[Deployment]] = Deployment

    def __init__(
        self,
        *,
        shares: Sequence[float] | None = None,
        failure_rates: Sequence[float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "Monoculture"
        if shares is not None:
            self.shares = check_shares(shares, owner)
            if "n_models" in params and params["n_models"] != self.shares.size:
                raise ValueError(
                    f"{owner}: parameter 'n_models' got {params['n_models']!r} but 'shares' lists {self.shares.size} "
                    "base models; allowed: leave n_models out or make them agree"
                )
            self.n_models = self.param_values["n_models"] = int(self.shares.size)
        else:
            require(
                self.n_models <= self.n_agents,
                "n_models",
                self.n_models,
                f"at most n_agents = {self.n_agents}",
                owner,
            )
            self.shares = np.full(self.n_models, 1 / self.n_models)
        if failure_rates is not None:
            self.failure_rates = check_rates(failure_rates, self.n_models, owner)
        else:
            self.failure_rates = np.full(self.n_models, self.failure_rate)
        self.counts = agent_counts(self.shares, self.n_agents)
        bases = np.repeat(np.arange(self.n_models), self.counts)
        self.deployments = [
            self.agent_class(self, index, int(base)) for index, base in enumerate(bases)
        ]
        self.model_failed = np.zeros(self.n_models, dtype=bool)
        self.own_draws = np.ones(self.n_agents)
        self.failures = 0
        self.mass_failures = 0
        self.start_datacollector()

    def step(self) -> None:
        shock = self.rng.random() < self.common_shock
        self.model_failed = shock | (self.rng.random(self.n_models) < self.failure_rates)
        self.own_draws = self.rng.random(self.n_agents)
        self.agents.do("handle")
        failed = sum(agent.failed for agent in self.deployments)
        self.failures += failed
        self.mass_failures += failed >= self.mass_level * self.n_agents - 1e-9
        self.datacollector.collect(self)

    def failed_share(self) -> float:
        return sum(agent.failed for agent in self.deployments) / self.n_agents

    def distribution(self) -> np.ndarray:
        """The exact distribution of the number of agents failing on one input."""
        return failure_distribution(
            self.shares,
            self.failure_rates,
            self.n_agents,
            common_shock=self.common_shock,
            agent_error=self.agent_error,
        )

    def draw_state(self, ax: plt.Axes) -> None:
        """The agents as a grid of squares, grouped by base model: failed agents
        vermillion, working agents blue (alternating shades mark the base models)."""
        n = self.n_agents
        width = int(math.ceil(math.sqrt(n)))
        height = int(math.ceil(n / width))
        codes = np.full(width * height, -1)
        for agent in self.deployments:
            codes[agent.index] = 0 if agent.failed else 1 + agent.base % 2
        grid = codes.reshape(height, width)[::-1].T
        cmap = mpl.colors.ListedColormap(
            ["white", COLORS["vermillion"], COLORS["blue"], COLORS["sky"]]
        )
        draw_grid(
            ax,
            grid,
            cmap=cmap,
            vmin=-1.5,
            vmax=2.5,
            labels={0: "failed", 1: "works (model 1, 3, …)", 2: "works (model 2, 4, …)"},
        )
        down = int(self.model_failed.sum()) if self.steps else 0
        ax.set_title(
            f"{self.failed_share():.0%} failed; {down} of {self.n_models} base model(s) down"
        )

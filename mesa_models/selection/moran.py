"""The Moran process: will a new variant take over? (Unit 06, Selection pressures).

Moran (1958), "Random processes in genetics", Proc. Camb. Phil. Soc. 54:60–71,
doi:10.1017/S0305004100033193; Nowak (2006), *Evolutionary Dynamics: Exploring the
Equations of Life*, Harvard University Press, ch. 6 ("Evolutionary dynamics in finite
populations"). A population of N individuals holds residents (fitness 1) and mutants
(relative fitness r). Each step one individual is chosen to **reproduce**, with probability
proportional to fitness, and one is chosen uniformly at random to **die**; the offspring
takes the dead one's place (the parent may be the one that dies, and then nothing changes).
The population size never changes, so eventually one type takes over (**fixation**).

A single mutant fixes with probability (Nowak 2006, eq. 6.13)

    ρ = (1 − 1/r) / (1 − 1/r^N)        (ρ = 1/N when r = 1),

because each change of the mutant count is an increase with probability r / (1 + r),
whatever the count: a gambler's-ruin walk. A neutral mutant fixes with probability 1/N;
r > 1 raises the chance above that, r < 1 lowers it — by how much depends on N
(:func:`fixation_probability`).

Each agent is an :class:`Individual` with a ``kind`` ("mutant" or "resident"). The step
draws the parent by walking the individuals in order with one uniform number scaled by the
total fitness, then the victim with one uniform integer (both from the model's ``rng``).
:mod:`mesa_models.selection.moran_fast` simulates the same process on counts, with the
same transition probabilities, for thousands of runs at once (tests/test_moran.py compares
them).

Extension points: ``fitness=`` (a function ``(kind, r) -> float``, positive), or subclass
:class:`Moran` and override :meth:`Moran.choose_parent` / :meth:`Moran.choose_victim`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS, draw_grid

__all__ = [
    "MORAN_PARAMS",
    "MUTANT",
    "RESIDENT",
    "Individual",
    "Moran",
    "constant_fitness",
    "fixation_probability",
    "run_to_fixation",
]

MUTANT, RESIDENT = "mutant", "resident"

MORAN_PARAMS = Params(
    Param("n_agents", 20, "population size N", "individuals", low=2, high=5_000),
    Param(
        "r",
        1.1,
        "relative fitness of the mutant (residents have fitness 1)",
        "ratio",
        low=0,
        low_open=True,
        high=100,
        step=0.01,
        widget_max=3,
    ),
    Param("initial_mutants", 1, "mutants at the start", "individuals", low=0, high=5_000),
)


def fixation_probability(r: float, n: int, initial: int = 1) -> float:
    """Probability that ``initial`` mutants of relative fitness ``r`` take over a Moran
    population of ``n``: (1 − r^−i) / (1 − r^−N), or i/N when r = 1 (Nowak 2006, ch. 6)."""
    if isinstance(r, bool) or not isinstance(r, numbers.Real) or not (r > 0 and math.isfinite(r)):
        raise ValueError(
            f"fixation_probability(): parameter 'r' got {r!r}; allowed: a finite number > 0"
        )
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(
            f"fixation_probability(): parameter 'n' got {n!r}; allowed: an integer >= 1"
        )
    if (
        isinstance(initial, bool)
        or not isinstance(initial, numbers.Integral)
        or not 0 <= initial <= n
    ):
        raise ValueError(
            f"fixation_probability(): parameter 'initial' got {initial!r}; allowed: an integer in [0, {n}]"
        )
    r, n, i = float(r), int(n), int(initial)
    if r == 1.0:
        return i / n
    # (1 - r^-i) / (1 - r^-N), written to stay finite for large N: for r < 1 use the
    # equivalent (r^(N-i) - r^N) / (1 - r^N) ... via logs.
    if r > 1:
        return float(-math.expm1(-i * math.log(r)) / -math.expm1(-n * math.log(r)))
    lr = math.log(r)  # negative
    # (1 - r^-i)/(1 - r^-N) = r^(N-i) (1 - r^i) / (1 - r^N)... computed as exp of logs
    return float(math.exp((n - i) * lr) * (-math.expm1(i * lr)) / (-math.expm1(n * lr)))


def constant_fitness(kind: str, r: float) -> float:
    """Mutants have fitness r, residents 1."""
    return r if kind == MUTANT else 1.0


class Individual(Agent):
    """One member of the population: a mutant or a resident."""

    def __init__(self, model: Moran, kind: str) -> None:
        super().__init__(model)
        self.kind = kind

    @property
    def fitness(self) -> float:
        return self.model.fitness_of(self)


class Moran(RiskModel):
    """The Moran birth–death process with one Mesa agent per individual.

    Each step is one birth–death event. Reporters: ``mutants`` (count), ``mutant_share``.
    ``fixed`` is ``"mutant"`` or ``"resident"`` once one type has taken over, else None.
    """

    params = MORAN_PARAMS
    reporters = {
        "mutants": lambda m: m.mutant_count(),
        "mutant_share": lambda m: m.mutant_count() / m.n_agents,
    }
    default_plots = ("mutant_share",)

    def __init__(
        self,
        *,
        fitness: Callable[[str, float], float] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=int(rng) if isinstance(rng, np.integer) else rng, **params)
        require(
            self.initial_mutants <= self.n_agents,
            "initial_mutants",
            self.initial_mutants,
            f"an integer in [0, n_agents={self.n_agents}]",
            "Moran",
        )
        if fitness is not None and not callable(fitness):
            raise TypeError(
                f"Moran: parameter 'fitness' got {fitness!r}; expected a function (kind, r) -> positive number"
            )
        self.fitness_function = fitness or constant_fitness
        self.individuals = [
            Individual(self, MUTANT if i < self.initial_mutants else RESIDENT)
            for i in range(self.n_agents)
        ]
        self._mutants = self.initial_mutants
        self.fitness_of(self.individuals[0])  # validate an injected fitness early
        if self.n_agents > 1:
            self.fitness_of(self.individuals[-1])
        self.start_datacollector()

    def fitness_of(self, individual: Individual) -> float:
        value = self.fitness_function(individual.kind, self.r)
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not (value > 0 and math.isfinite(value))
        ):
            name = getattr(self.fitness_function, "__name__", repr(self.fitness_function))
            raise ValueError(
                f"fitness function {name!r} returned {value!r} for a {individual.kind}; allowed: a finite number > 0"
            )
        return float(value)

    # -- dynamics ----------------------------------------------------------------------------
    def step(self) -> None:
        if self.fixed is None:
            parent = self.choose_parent()
            victim = self.choose_victim()
            if victim.kind != parent.kind:
                self._mutants += 1 if parent.kind == MUTANT else -1
                victim.kind = parent.kind
        self.datacollector.collect(self)

    def choose_parent(self) -> Individual:
        """An individual drawn with probability proportional to its fitness."""
        fitness = [ind.fitness for ind in self.individuals]
        target = self.rng.random() * sum(fitness)
        for ind, f in zip(self.individuals, fitness, strict=True):
            target -= f
            if target < 0:
                return ind
        return self.individuals[-1]  # rounding: target landed exactly on the total

    def choose_victim(self) -> Individual:
        """An individual drawn uniformly at random (it may be the parent)."""
        return self.individuals[int(self.rng.integers(self.n_agents))]

    # -- reporting ---------------------------------------------------------------------------
    def mutant_count(self) -> int:
        return self._mutants

    @property
    def fixed(self) -> str | None:
        if self._mutants == self.n_agents:
            return MUTANT
        if self._mutants == 0:
            return RESIDENT
        return None

    def draw_state(self, ax: plt.Axes) -> None:
        side = int(math.ceil(math.sqrt(self.n_agents)))
        cells = np.full(side * side, np.nan)
        cells[: self.n_agents] = [ind.kind == MUTANT for ind in self.individuals]
        cmap = mpl.colors.ListedColormap([COLORS["blue"], COLORS["orange"]]).with_extremes(
            bad="white"
        )
        state = {MUTANT: ", mutants fixed", RESIDENT: ", mutants lost", None: ""}[self.fixed]
        draw_grid(
            ax,
            np.ma.masked_invalid(cells.reshape(side, side)),
            cmap=cmap,
            vmin=-0.5,
            vmax=1.5,
            labels={0: "resident", 1: "mutant"},
            title=f"{self._mutants} of {self.n_agents} mutants{state}",
        )


def run_to_fixation(model: Moran, max_steps: int = 1_000_000) -> tuple[str | None, int]:
    """Step ``model`` until one type has taken over (or ``max_steps``); returns
    ``(fixed, steps)`` where ``fixed`` is "mutant", "resident" or None."""
    if not isinstance(model, Moran):
        raise TypeError(
            f"run_to_fixation(): parameter 'model' got {model!r}; expected a Moran model"
        )
    require(
        isinstance(max_steps, numbers.Integral) and max_steps >= 0,
        "max_steps",
        max_steps,
        "an integer >= 0",
        "run_to_fixation",
    )
    steps = 0
    while model.fixed is None and steps < max_steps:
        model.step()
        steps += 1
    return model.fixed, steps

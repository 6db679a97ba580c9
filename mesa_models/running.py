"""Run a model and get a table back: one run (:func:`run`) or a seeded sweep (:func:`sweep`)."""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import mesa
import pandas as pd

from mesa_models.base import RiskModel

__all__ = ["run", "stepper", "sweep"]


def run(model: RiskModel | type[RiskModel], steps: int, *, rng: Any = None, **params: Any) -> pd.DataFrame:
    """Run ``model`` for ``steps`` steps and return its DataCollector table.

    ``model`` is either a model instance (then ``rng`` and ``params`` must be empty) or a
    model class, which is built with ``rng`` and ``params`` first. The table has one row
    per collected step, indexed by step number (row 0 is the initial state).

    >>> from mesa_models.welcome.corridor import Corridor
    >>> run(Corridor, 5, rng=1).index.tolist()
    [0, 1, 2, 3, 4, 5]
    """
    _check_steps(steps)
    if isinstance(model, type):
        if not issubclass(model, RiskModel):
            raise TypeError(f"run() needs a course model class or instance, got {model!r}")
        model = model(rng=rng, **params)
    elif not isinstance(model, RiskModel):
        raise TypeError(f"run() needs a course model class or instance, got {model!r}")
    elif params or rng is not None:
        raise TypeError("run(): pass rng= and parameters only with a model class, not an instance")
    if steps:  # Mesa warns on a zero-length run
        model.run_for(steps)
    frame = model.datacollector.get_model_vars_dataframe()
    frame.index = range(model.steps - len(frame) + 1, model.steps + 1)
    frame.index.name = "step"
    return frame


def sweep(
    model_cls: type[RiskModel],
    parameters: Mapping[str, Any | Iterable[Any]],
    *,
    seeds: Iterable[int],
    steps: int,
    every_step: bool = False,
) -> pd.DataFrame:
    """Run ``model_cls`` for every combination of ``parameters`` and every seed.

    A thin wrapper around :func:`mesa.batch_run` (one process, no progress bar: on Binder
    and Colab spawning workers costs more than it saves). Lists in ``parameters`` are
    swept; scalars are held fixed. Returns one row per run with the parameters, the seed
    (column ``rng``) and the final values of the model's reporters; with
    ``every_step=True``, one row per run and step.
    """
    if not (isinstance(model_cls, type) and issubclass(model_cls, RiskModel)):
        raise TypeError(f"sweep() needs a course model class, got {model_cls!r}")
    _check_steps(steps)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("sweep(): parameter 'seeds' is empty; pass at least one seed")
    grid = {k: (list(v) if _is_sweep(v) else [v]) for k, v in parameters.items()}
    # Validate every combination up front, so a typo fails before any run starts.
    for combo in itertools.product(*grid.values()):
        model_cls.params.resolve(dict(zip(grid, combo, strict=True)), model_cls.__name__)
    rows = mesa.batch_run(
        model_cls,
        parameters=grid,
        rng=seeds,
        max_steps=steps,
        number_processes=1,
        data_collection_period=1 if every_step else -1,
        display_progress=False,
    )
    frame = pd.DataFrame(rows)
    return frame.drop(columns=["RunId", "iteration"], errors="ignore")


def stepper(model_cls: type[RiskModel], *, rng: Any = 0, **params: Any) -> Callable[[], Callable[[], None]]:
    """A ``setup()`` that builds ``model_cls(rng=rng, **params)`` and returns its ``step``:
    the shape of a benchmark case (``benchmarks/cases_*.py``), built lazily so that timing
    excludes construction."""
    if not (isinstance(model_cls, type) and issubclass(model_cls, RiskModel)):
        raise TypeError(f"stepper() needs a course model class, got {model_cls!r}")
    model_cls.params.resolve(params, model_cls.__name__)  # fail now, not when timed

    def setup() -> Callable[[], None]:
        return model_cls(rng=rng, **params).step

    return setup


def _check_steps(steps: Any) -> None:
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"parameter 'steps' got {steps!r}; allowed: an integer >= 0")


def _is_sweep(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, str | bytes)

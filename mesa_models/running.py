"""Run a model and get a table back: one run (:func:`run`) or a seeded sweep (:func:`sweep`).

Long work shows a progress bar (``tqdm.auto``: a widget in Jupyter, text elsewhere) and can
spread over several processes or a cluster. Any object with the
:class:`concurrent.futures.Executor` interface will do: ``workers=2`` starts a local
process pool; ``executor=client.get_executor()`` runs on a Dask cluster (``distributed``),
``ray.util.concurrent.futures.RayExecutor()`` on a Ray cluster. Runs are seeded one by one,
so the table is the same however the work is split (a test checks it).
"""

from __future__ import annotations

import itertools
import multiprocessing
import numbers
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from typing import Any

import pandas as pd
from mesa.batchrunner import _model_run_func  # the run-and-collect step of mesa.batch_run

from mesa_models.base import RiskModel, validate_rng

__all__ = ["map_ordered", "progress_bar", "run", "show_progress", "stepper", "sweep"]


def run(
    model: RiskModel | type[RiskModel], steps: int, *, rng: Any = None, **params: Any
) -> pd.DataFrame:
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
    workers: int | None = None,
    executor: Executor | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run ``model_cls`` for every combination of ``parameters`` and every seed.

    Lists in ``parameters`` are swept; scalars are held fixed. Returns one row per run
    with the parameters, the seed (column ``rng``) and the final values of the model's
    reporters (the same table as :func:`mesa.batch_run`, without its run counters); with
    ``every_step=True``, one row per run and step.

    Runs go one after the other in this process unless you ask for parallelism:
    ``workers=2`` starts a local pool of 2 processes (worth it for sweeps that take more
    than a few seconds; the model class must live in a module, not in the notebook), or
    pass ``executor=`` any :class:`concurrent.futures.Executor`, e.g. a Dask cluster's
    ``client.get_executor()``. A progress bar appears when the sweep takes more than a
    second (``progress=False`` hides it). The table is the same in every case.
    """
    if not (isinstance(model_cls, type) and issubclass(model_cls, RiskModel)):
        raise TypeError(f"sweep() needs a course model class, got {model_cls!r}")
    _check_steps(steps)
    if isinstance(seeds, numbers.Integral) or not isinstance(seeds, Iterable):
        raise TypeError(
            f"sweep(): parameter 'seeds' got {seeds!r}; expected a list of seeds such as range({seeds})"
            if isinstance(seeds, numbers.Integral)
            else f"sweep(): parameter 'seeds' got {seeds!r}; expected a list of non-negative integer seeds"
        )
    seeds = [validate_rng(seed, "sweep()", "seeds") for seed in seeds]
    if not seeds:
        raise ValueError("sweep(): parameter 'seeds' is empty; pass at least one seed")
    if not isinstance(every_step, bool):
        raise TypeError(
            f"sweep(): parameter 'every_step' got {every_step!r}; expected True or False"
        )
    grid = {k: (list(v) if _is_sweep(v) else [v]) for k, v in parameters.items()}
    for name, values in grid.items():
        if not values:
            raise ValueError(
                f"sweep(): parameter {name!r} got an empty list; give at least one value"
            )
    combos = [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*grid.values())]
    # Validate every combination up front, so a typo fails before any run starts.
    for combo in combos:
        model_cls.params.resolve(combo, model_cls.__name__)
    pool = _check_parallel(workers, executor, "sweep")
    if pool and model_cls.__module__ == "__main__" and executor is None:
        raise ValueError(
            f"sweep(): worker processes cannot import {model_cls.__name__}, which is defined in the notebook; "
            "move it to a module (a .py file) or run without workers="
        )
    jobs = [
        (model_cls, {**combo, "rng": seed}, steps, every_step) for seed in seeds for combo in combos
    ]
    results = map_ordered(
        _sweep_job,
        jobs,
        workers=workers,
        executor=executor,
        progress=progress,
        desc=f"sweep {model_cls.__name__}",
        unit="run",
        owner="sweep",
    )
    return pd.DataFrame([row for rows in results for row in rows])


def _sweep_job(
    model_cls: type[RiskModel], kwargs: dict[str, Any], steps: int, every_step: bool
) -> list[dict]:
    """One run of a sweep: exactly what :func:`mesa.batch_run` does for one run."""
    rows = _model_run_func(
        model_cls, (0, 0, kwargs), max_steps=steps, data_collection_period=1 if every_step else -1
    )
    for row in rows:
        row.pop("RunId", None)
        row.pop("iteration", None)
    return rows


def stepper(
    model_cls: type[RiskModel], *, rng: Any = 0, **params: Any
) -> Callable[[], Callable[[], None]]:
    """A ``setup()`` that builds ``model_cls(rng=rng, **params)`` and returns its ``step``:
    the shape of a benchmark case (``benchmarks/cases_*.py``), built lazily so that timing
    excludes construction."""
    if not (isinstance(model_cls, type) and issubclass(model_cls, RiskModel)):
        raise TypeError(f"stepper() needs a course model class, got {model_cls!r}")
    model_cls.params.resolve(params, model_cls.__name__)  # fail now, not when timed

    def setup() -> Callable[[], None]:
        return model_cls(rng=rng, **params).step

    return setup


# -- progress and parallel execution (shared by sweep and the units' multi-run engines) ----------
#: Environment variable: set to 0 to hide every progress bar (the test suite hides them anyway).
PROGRESS_ENV = "RISKLAB_PROGRESS"


def show_progress(progress: bool | None = None, owner: str = "") -> bool:
    """Whether to draw a progress bar: ``progress`` if given, else on, except under pytest
    (readable logs) or when ``RISKLAB_PROGRESS=0``."""
    if progress is not None:
        if not isinstance(progress, bool):
            where = f"{owner}(): " if owner else ""
            raise TypeError(
                f"{where}parameter 'progress' got {progress!r}; expected True, False or None"
            )
        return progress
    setting = os.environ.get(PROGRESS_ENV, "").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    return "PYTEST_CURRENT_TEST" not in os.environ


def progress_bar(
    total: int, *, desc: str = "", unit: str = "it", progress: bool | None = None, owner: str = ""
):
    """A ``tqdm.auto`` bar that appears only once the work has taken a second (so quick
    calls stay silent) and not at all when :func:`show_progress` says no."""
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        disable=not show_progress(progress, owner),
        delay=1.0,
        dynamic_ncols=True,
    )


def _check_parallel(workers: Any, executor: Any, owner: str) -> bool:
    """Validate ``workers``/``executor``; True when the work leaves this process."""
    if workers is not None and executor is not None:
        raise ValueError(
            f"{owner}(): pass either workers= (a local process pool) or executor=, not both"
        )
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
            raise ValueError(
                f"{owner}(): parameter 'workers' got {workers!r}; allowed: an integer >= 1 (processes)"
            )
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(
            f"{owner}(): parameter 'executor' got {executor!r}; expected a concurrent.futures.Executor "
            "(e.g. ProcessPoolExecutor(), or a Dask client's client.get_executor())"
        )
    return executor is not None or (workers is not None and workers > 1)


def map_ordered(
    fn: Callable[..., Any],
    jobs: Sequence[tuple],
    *,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: bool | None = None,
    desc: str = "",
    unit: str = "it",
    weights: Sequence[int] | None = None,
    owner: str = "map_ordered",
) -> list[Any]:
    """``[fn(*job) for job in jobs]``, in order, on an executor if asked.

    ``workers=k`` (k > 1) runs the jobs on a local pool of k processes (spawned, so it
    behaves the same on Linux, macOS and Windows); ``executor=`` on any
    :class:`concurrent.futures.Executor` (a Dask ``client.get_executor()``, Ray's
    ``RayExecutor``, a ``ThreadPoolExecutor``...). ``fn`` must then be importable (a
    module-level function). The progress bar advances by ``weights[i]`` (default 1) as job
    ``i`` finishes.
    """
    parallel = _check_parallel(workers, executor, owner)
    weights = [1] * len(jobs) if weights is None else list(weights)
    results: list[Any] = [None] * len(jobs)
    with progress_bar(sum(weights), desc=desc, unit=unit, progress=progress, owner=owner) as bar:
        if not parallel:
            for i, job in enumerate(jobs):
                results[i] = fn(*job)
                bar.update(weights[i])
            return results
        if executor is None:
            pool = ProcessPoolExecutor(
                int(workers), mp_context=multiprocessing.get_context("spawn")
            )
        else:
            pool = executor
        futures: dict = {}
        try:
            futures = {pool.submit(fn, *job): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                i = futures[future]
                results[i] = future.result()
                bar.update(weights[i])
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        finally:
            if executor is None:
                pool.shutdown(wait=True, cancel_futures=True)
    return results


def _check_steps(steps: Any) -> None:
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"parameter 'steps' got {steps!r}; allowed: an integer >= 0")


def _is_sweep(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, str | bytes)

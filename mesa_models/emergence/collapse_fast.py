"""NumPy engine for model collapse (Shumailov et al. 2024): thousands of lineages at once.

Same rules, parameters and random-number order as the Mesa model
:class:`mesa_models.emergence.collapse.ModelCollapse` with its default ``original``
(standard normal data) and ``fit`` (unbiased mean and variance): each step draws one
``(n_models, sample_size)`` block of standard normals -- row i holds model i's synthetic
draws followed by its fresh real data, exactly the order in which the Mesa agents draw
them -- so the two engines produce the same means and standard deviations, step by step
(tests/test_collapse.py checks it). One step of 1,000 models with 100 samples each takes a
few milliseconds (the Mesa model: about 20 ms for 200 models), so the benchmark can run
Shumailov et al.'s theorem for thousands of generations.

:func:`simulate_collapse` returns the whole history as arrays; :class:`ModelCollapseArray`
is the same engine as a course model (same reporters, for ``run`` and ``explore``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.emergence.collapse import COLLAPSE_PARAMS, _check_sizes, collapse_reporters
from mesa_models.params import require

__all__ = ["CollapseHistory", "ModelCollapseArray", "collapse_step", "simulate_collapse"]


def collapse_step(
    model: RiskModel, mu: np.ndarray, sigma: np.ndarray, original: bool
) -> tuple[np.ndarray, np.ndarray]:
    """One generation for all models: the next ``(mu, sigma)`` arrays."""
    n = model.n_models
    if model.source == "others":
        parents = model.rng.integers(0, n - 1, size=n)
        parents = parents + (parents >= np.arange(n))
    else:
        parents = np.arange(n)
    z = model.rng.standard_normal((n, model.sample_size))
    synthetic = z[:, : model.n_synthetic]
    if not original:
        synthetic = mu[parents, None] + sigma[parents, None] * synthetic
    data = (
        np.concatenate([synthetic, z[:, model.n_synthetic :]], axis=1)
        if model.n_real
        else synthetic
    )
    return data.mean(axis=1), np.sqrt(data.var(axis=1, ddof=1))


class ModelCollapseArray(RiskModel):
    """Recursive training on generated data, all models as NumPy arrays (same as :class:`ModelCollapse`)."""

    params = COLLAPSE_PARAMS
    reporters = collapse_reporters(lambda m: m.mu, lambda m: m.sigma)
    default_plots = ("median_variance", "tail_mass")

    def __init__(self, *, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=rng, **params)
        _check_sizes(self, "ModelCollapseArray")
        self.mu = np.zeros(self.n_models)
        self.sigma = np.ones(self.n_models)
        self.start_datacollector()

    def step(self) -> None:
        self.mu, self.sigma = collapse_step(self, self.mu, self.sigma, original=self.steps == 1)
        self.datacollector.collect(self)

    def draw_state(self, ax: plt.Axes) -> None:
        ax.hist(self.sigma, bins=30, color="#0072B2")
        ax.set_xlabel("standard deviation of a model")
        ax.set_ylabel("models")
        ax.set_title(f"generation {self.steps}", fontsize=10)


@dataclass(frozen=True)
class CollapseHistory:
    """Means and standard deviations of every model at every generation (row 0: the original)."""

    mu: np.ndarray
    sigma: np.ndarray
    sample_size: int

    @property
    def generations(self) -> int:
        return self.mu.shape[0] - 1


def simulate_collapse(generations: int, *, rng: Any = None, **params: Any) -> CollapseHistory:
    """Run ``generations`` generations and keep every model's ``(mu, sigma)``.

    ``params`` are those of :class:`ModelCollapseArray`; the history holds
    ``(generations + 1) x n_models`` values of each (about 16 bytes each; refused above 400 MB).
    """
    require(
        isinstance(generations, int | np.integer)
        and not isinstance(generations, bool)
        and generations >= 0,
        "generations",
        generations,
        "an integer >= 0",
        "simulate_collapse",
    )
    model = ModelCollapseArray(rng=rng, **params)
    size = 16 * (generations + 1) * model.n_models
    require(
        size <= 400_000_000,
        "generations",
        generations,
        f"at most {400_000_000 // (16 * model.n_models) - 1:,} for {model.n_models:,} models "
        f"(the history would take {size / 1e6:,.0f} MB)",
        "simulate_collapse",
    )
    mu = np.empty((generations + 1, model.n_models))
    sigma = np.empty_like(mu)
    mu[0], sigma[0] = model.mu, model.sigma
    for g in range(1, generations + 1):
        model.mu, model.sigma = collapse_step(model, model.mu, model.sigma, original=g == 1)
        mu[g], sigma[g] = model.mu, model.sigma
    return CollapseHistory(mu, sigma, model.sample_size)

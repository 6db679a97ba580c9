"""Brock & Hommes's map for many intensities of choice at once: orbits, bifurcation
diagram, largest Lyapunov exponent, and the Hopf point.

The same equations and the same order of operations as the Mesa model
:class:`mesa_models.dynamics.brock_hommes.BrockHommes` with ``n_traders = 0`` (the
infinite-population limit) and no noise, vectorised over a vector of ``beta`` values: the
two follow the same trajectory from the same start (tests/test_brock_hommes.py checks it;
in the chaotic region rounding differences of one unit in the last place eventually grow,
as they must).

* :func:`orbits` — x_t for every beta, shape ``(steps + 1, len(betas))``.
* :func:`bifurcation_points` — the long-run values of x for every beta: the bifurcation
  diagram.
* :func:`lyapunov_exponents` — the largest Lyapunov exponent for every beta, from the
  tangent map (the Jacobian of the three-dimensional map in (x_t, x_{t-1}, x_{t-2})),
  renormalised every step (Benettin et al. 1980).
* :func:`hopf_beta` — where the non-fundamental steady states lose stability: the beta at
  which the spectral radius of the Jacobian at x* crosses 1 (bisection).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from mesa_models.plotting import COLORS
from mesa_models.dynamics.brock_hommes import (
    BROCK_HOMMES_PARAMS,
    FORMULA_PARAMS,
    ForecastRule,
    default_rules,
    formula_arguments,
    pitchfork_beta,
    steady_state,
)
from mesa_models.params import Param, require, validate_arguments

__all__ = [
    "bifurcation_points",
    "draw_bifurcation",
    "draw_lyapunov",
    "hopf_beta",
    "jacobian",
    "lyapunov_exponents",
    "orbits",
]

#: Largest number of periods :func:`lyapunov_exponents` and :func:`bifurcation_points` iterate
#: (transient and kept values each): a million periods take tens of seconds.
MAX_STEPS = 1_000_000
_X0 = BROCK_HOMMES_PARAMS["x0"]
_X = Param("x", 0.0, "a deviation from the fundamental price", "price", low=-1e6, high=1e6)

#: Largest number of stored values (betas x steps) :func:`orbits` accepts: 8 bytes each,
#: so about 400 MB.
MAX_VALUES = 50_000_000


def _setup(
    betas: Any,
    R: float,
    rules: Sequence[ForecastRule] | None,
    trend: float,
    cost: float,
    a_sigma2: float,
    owner: str,
):
    betas = np.atleast_1d(np.asarray(betas, dtype=float))
    require(betas.ndim == 1 and betas.size >= 1, "betas", betas, "one or more numbers", owner)
    require(
        bool(np.isfinite(betas).all() and (betas >= 0).all()),
        "betas",
        betas,
        "finite numbers >= 0",
        owner,
    )
    require(R > 1, "R", R, "a number > 1", owner)
    require(a_sigma2 > 0, "a_sigma2", a_sigma2, "a number > 0", owner)
    if rules is None:
        rules = default_rules(trend, cost)
    elif not all(isinstance(r, ForecastRule) for r in rules) or len(rules) < 2:
        raise TypeError(
            f"{owner}(): parameter 'rules' got {rules!r}; expected a list of at least two ForecastRule"
        )
    g = np.array([r.trend for r in rules], dtype=float)
    b = np.array([r.bias for r in rules], dtype=float)
    c = np.array([r.cost for r in rules], dtype=float)
    return betas, g, b, c


def _check_steps(steps: Any, name: str, owner: str, low: int = 1, high: int | None = None) -> int:
    integer = isinstance(steps, int | np.integer) and not isinstance(steps, bool)
    if high is None:
        require(integer and steps >= low, name, steps, f"an integer >= {low}", owner)
    else:
        require(
            integer and low <= steps <= high, name, steps, f"an integer in [{low}, {high:,}]", owner
        )
    return int(steps)


def _shares(betas: np.ndarray, fitness: np.ndarray) -> np.ndarray:
    """Logit shares, one row per beta (the same arithmetic as ``logit_choice``)."""
    scaled = betas[:, None] * fitness
    weights = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


def _fitness(x, x_prev, x_prev2, g, b, c, R, a_sigma2):
    forecast = g[None, :] * x_prev2[:, None] + b[None, :]
    return (x - R * x_prev)[:, None] * (forecast - (R * x_prev)[:, None]) / a_sigma2 - c[None, :]


@formula_arguments("R", "trend", "cost", "a_sigma2", x0=_X0)
def orbits(
    betas: Any,
    steps: int,
    *,
    R: float = 1.1,
    trend: float = 1.2,
    cost: float = 1.0,
    a_sigma2: float = 1.0,
    x0: float = 0.1,
    rules: Sequence[ForecastRule] | None = None,
) -> np.ndarray:
    """The deviation x_t for ``t = 0..steps`` and every beta; shape ``(steps + 1, len(betas))``.

    Starts, like the Mesa model, from x = ``x0`` for the last three periods. An orbit
    that diverges (possible when trend chasers extrapolate strongly, g/R large) becomes
    inf or NaN without warnings.
    """
    betas, g, b, c = _setup(betas, R, rules, trend, cost, a_sigma2, "orbits")
    steps = _check_steps(steps, "steps", "orbits")
    size = (steps + 1) * betas.size
    require(
        size <= MAX_VALUES,
        "steps",
        steps,
        f"at most {MAX_VALUES:,} stored values in all (len(betas) x (steps + 1) = {size:,}, about {8 * size / 1e6:,.0f} MB); "
        "use bifurcation_points for long runs",
        "orbits",
    )
    out = np.empty((steps + 1, betas.size))
    x = np.full(betas.size, float(x0))
    x_prev, x_prev2 = x.copy(), x.copy()
    out[0] = x
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            shares = _shares(betas, _fitness(x, x_prev, x_prev2, g, b, c, R, a_sigma2))
            forecasts = g[None, :] * x[:, None] + b[None, :]
            x_new = (shares * forecasts).sum(axis=1) / R
            x_prev2, x_prev, x = x_prev, x, x_new
            out[t] = x
    return out


def bifurcation_points(
    betas: Any,
    *,
    transient: int = 2000,
    keep: int = 200,
    **kwargs: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """Points of the bifurcation diagram: for every beta, the ``keep`` values of x after a
    ``transient``. Returns ``(beta, x)`` as flat arrays of equal length."""
    betas = np.atleast_1d(np.asarray(betas, dtype=float))
    transient = _check_steps(transient, "transient", "bifurcation_points", low=0, high=MAX_STEPS)
    keep = _check_steps(keep, "keep", "bifurcation_points")
    for name in ("R", "trend", "cost", "a_sigma2"):
        if name in kwargs:
            kwargs[name] = FORMULA_PARAMS[name].validate(kwargs[name], "bifurcation_points()")
    if "x0" in kwargs:
        kwargs["x0"] = _X0.validate(kwargs["x0"], "bifurcation_points()")
    require(
        betas.size * keep <= MAX_VALUES,
        "keep",
        keep,
        f"at most {MAX_VALUES:,} points in all",
        "bifurcation_points",
    )
    values = _tail(betas, transient, keep, **kwargs)
    return np.repeat(betas[None, :], keep, axis=0).ravel(), values.ravel()


def _tail(betas: np.ndarray, transient: int, keep: int, **kwargs: Any) -> np.ndarray:
    """The last ``keep`` values after ``transient`` steps, without storing the transient."""
    chunk = max(1, min(transient, MAX_VALUES // max(betas.size, 1) - 1, 5000))
    x0 = kwargs.pop("x0", 0.1)
    state = None
    done = 0
    while done < transient:
        n = min(chunk, transient - done)
        run = _orbit_from(betas, n, state, x0, **kwargs)
        state = run[-3:]
        done += n
    run = _orbit_from(betas, keep, state, x0, **kwargs)
    return run[-keep:]


def _orbit_from(betas, steps, state, x0, **kwargs):
    """``orbits`` continued from the last three rows ``state`` (or from x0)."""
    if state is None:
        return orbits(betas, steps, x0=x0, **kwargs)[1:]
    R = kwargs.get("R", 1.1)
    a_sigma2 = kwargs.get("a_sigma2", 1.0)
    _, g, b, c = _setup(
        betas,
        R,
        kwargs.get("rules"),
        kwargs.get("trend", 1.2),
        kwargs.get("cost", 1.0),
        a_sigma2,
        "orbits",
    )
    x_prev2, x_prev, x = (np.array(row, dtype=float) for row in state)
    out = np.empty((steps, betas.size))
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            shares = _shares(betas, _fitness(x, x_prev, x_prev2, g, b, c, R, a_sigma2))
            x_new = (shares * (g[None, :] * x[:, None] + b[None, :])).sum(axis=1) / R
            x_prev2, x_prev, x = x_prev, x, x_new
            out[t] = x
    return out


@formula_arguments(
    "beta",
    "R",
    "trend",
    "cost",
    "a_sigma2",
    x=_X,
    x_prev=Param("x_prev", 0.0, "", low=-1e6, high=1e6),
    x_prev2=Param("x_prev2", 0.0, "", low=-1e6, high=1e6),
)
def jacobian(
    beta: float,
    x: float,
    x_prev: float,
    x_prev2: float,
    *,
    R: float = 1.1,
    trend: float = 1.2,
    cost: float = 1.0,
    a_sigma2: float = 1.0,
    rules: Sequence[ForecastRule] | None = None,
) -> np.ndarray:
    """The 3x3 Jacobian of the map (x_t, x_{t-1}, x_{t-2}) -> (x_{t+1}, x_t, x_{t-1})."""
    betas, g, b, c = _setup([beta], R, rules, trend, cost, a_sigma2, "jacobian")
    rows, _ = _jacobian_rows(
        betas, np.array([x]), np.array([x_prev]), np.array([x_prev2]), g, b, c, R, a_sigma2
    )
    return np.array([rows[0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def _jacobian_rows(betas, x, x_prev, x_prev2, g, b, c, R, a_sigma2):
    """First row of the Jacobian for every beta: d x_{t+1} / d(x_t, x_{t-1}, x_{t-2}).

    With shares n_h, forecasts f_h = g_h x + b_h, their mean F = sum n_h f_h, last
    period's forecast errors e_h = g_h x_{t-2} + b_h - R x_{t-1}, the move m = x - R x_{t-1}
    and w_h = beta n_h (f_h - F) / (a sigma^2) (which sum to 0), the derivatives of the
    logit shares give the row ((sum w e + sum n g) / R, -sum w e, m sum w g / R)."""
    error = g[None, :] * x_prev2[:, None] + b[None, :] - (R * x_prev)[:, None]
    move = x - R * x_prev
    n = _shares(betas, move[:, None] * error / a_sigma2 - c[None, :])
    forecasts = g[None, :] * x[:, None] + b[None, :]
    mean = (n * forecasts).sum(axis=1)
    w = betas[:, None] * n * (forecasts - mean[:, None]) / a_sigma2
    we = (w * error).sum(axis=1)
    return np.stack(
        [(we + (n * g[None, :]).sum(axis=1)) / R, -we, move * (w * g[None, :]).sum(axis=1) / R],
        axis=1,
    ), mean


@formula_arguments("R", "trend", "cost", "a_sigma2", x0=_X0)
def lyapunov_exponents(
    betas: Any,
    *,
    steps: int = 20_000,
    transient: int = 2000,
    R: float = 1.1,
    trend: float = 1.2,
    cost: float = 1.0,
    a_sigma2: float = 1.0,
    x0: float = 0.1,
    rules: Sequence[ForecastRule] | None = None,
) -> np.ndarray:
    """The largest Lyapunov exponent (per period, natural log) for every beta: the mean
    log growth of a tangent vector carried along ``steps`` periods after a ``transient``.

    Positive: chaos (nearby orbits separate exponentially); zero: a quasi-periodic orbit
    (an invariant circle); negative: a stable steady state or cycle."""
    betas, g, b, c = _setup(betas, R, rules, trend, cost, a_sigma2, "lyapunov_exponents")
    steps = _check_steps(steps, "steps", "lyapunov_exponents", high=MAX_STEPS)
    transient = _check_steps(transient, "transient", "lyapunov_exponents", low=0, high=MAX_STEPS)
    x = np.full(betas.size, float(x0))
    x_prev, x_prev2 = x.copy(), x.copy()
    v0, v1, v2 = np.ones(betas.size), np.zeros(betas.size), np.zeros(betas.size)
    total = np.zeros(betas.size)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for t in range(transient + steps):
            row, mean = _jacobian_rows(betas, x, x_prev, x_prev2, g, b, c, R, a_sigma2)
            new0 = row[:, 0] * v0 + row[:, 1] * v1 + row[:, 2] * v2
            norm = np.sqrt(new0 * new0 + v0 * v0 + v1 * v1)
            v0, v1, v2 = new0 / norm, v0 / norm, v1 / norm
            if t >= transient:
                total += np.log(norm)
            x_prev2, x_prev, x = x_prev, x, mean / R
    return total / steps


@formula_arguments(
    "R",
    "trend",
    "cost",
    "a_sigma2",
    tol=Param("tol", 1e-10, "bisection tolerance", low=0, low_open=True, high=1),
)
def hopf_beta(
    R: float = 1.1,
    trend: float = 1.2,
    cost: float = 1.0,
    a_sigma2: float = 1.0,
    *,
    tol: float = 1e-10,
) -> float:
    """The intensity of choice at which the non-fundamental steady states lose stability
    (the spectral radius of the Jacobian at x* crosses 1), by bisection above
    :func:`pitchfork_beta`. NaN if it does not happen below beta = 1000."""
    low = pitchfork_beta(R, trend, cost)
    require(
        math.isfinite(low),
        "trend",
        trend,
        f"greater than R={R} (otherwise there is no pitchfork, hence no Hopf point)",
        "hopf_beta",
    )

    def radius(beta: float) -> float:
        x = steady_state(beta, R, trend, cost, a_sigma2)
        return float(
            np.abs(
                np.linalg.eigvals(
                    jacobian(beta, x, x, x, R=R, trend=trend, cost=cost, a_sigma2=a_sigma2)
                )
            ).max()
        )

    low = low + 1e-9
    high = max(2 * low, low + 1)
    while radius(high) < 1:
        high *= 2
        if high > 1000:
            return float("nan")
    while high - low > tol:
        mid = 0.5 * (low + high)
        if radius(mid) < 1:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


@formula_arguments("R", "trend", "cost", "a_sigma2")
def draw_bifurcation(
    ax: plt.Axes,
    betas: Any,
    points: tuple[np.ndarray, np.ndarray],
    *,
    R: float = 1.1,
    trend: float = 1.2,
    cost: float = 1.0,
    a_sigma2: float = 1.0,
    title: str | None = None,
) -> None:
    """Draw bifurcation-diagram ``points`` (from :func:`bifurcation_points`) over the analytic
    steady states (0 and x*, thin grey) and mark the pitchfork and Hopf points."""
    beta_points, x_points = points
    betas = np.atleast_1d(np.asarray(betas, dtype=float))
    grid = np.linspace(betas.min(), betas.max(), 400)
    ax.plot(
        grid,
        [steady_state(b, R, trend, cost, a_sigma2) for b in grid],
        color=COLORS["grey"],
        lw=0.8,
        ls="--",
        zorder=1,
        label="steady state x* (analytic)",
    )
    ax.plot(beta_points, x_points, ".", ms=1.5, color=COLORS["blue"], alpha=0.5, zorder=2)
    star = pitchfork_beta(R, trend, cost)
    if math.isfinite(star) and betas.min() <= star <= betas.max():
        ax.axvline(
            star, color=COLORS["vermillion"], lw=1, ls=":", label=f"pitchfork beta* = {star:.3f}"
        )
        hopf = hopf_beta(R, trend, cost, a_sigma2)
        if math.isfinite(hopf) and hopf <= betas.max():
            ax.axvline(
                hopf, color=COLORS["orange"], lw=1, ls=":", label=f"Hopf beta** = {hopf:.3f}"
            )
    ax.set_xlabel("intensity of choice beta")
    ax.set_ylabel("long-run deviation x")
    ax.legend(loc="upper left", fontsize=8)
    if title:
        ax.set_title(title)


@validate_arguments(floor=Param("floor", -0.15, "lower end of the y-axis", low=-1e6, high=0))
def draw_lyapunov(
    ax: plt.Axes, betas: Any, exponents: Any, *, floor: float = -0.15, title: str | None = None
) -> None:
    """The largest Lyapunov exponent against beta, the chaotic (positive) part shaded; the
    axis is cut at ``floor`` so that the small positive values stay visible."""
    betas = np.asarray(betas, dtype=float)
    exponents = np.asarray(exponents, dtype=float)
    if betas.shape != exponents.shape:
        raise ValueError(
            f"draw_lyapunov(): 'betas' has shape {betas.shape} but 'exponents' {exponents.shape}; allowed: equal shapes"
        )
    ax.plot(betas, exponents, color=COLORS["green"], lw=1.2)
    ax.fill_between(
        betas,
        0,
        exponents,
        where=exponents > 0,
        color=COLORS["green"],
        alpha=0.3,
        label="chaos (exponent > 0)",
    )
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylim(floor, max(0.05, float(np.nanmax(exponents)) * 1.2))
    ax.set_xlabel("intensity of choice beta")
    ax.set_ylabel("largest Lyapunov\nexponent (per period)")
    ax.legend(loc="lower right", fontsize=8)
    if title:
        ax.set_title(title)

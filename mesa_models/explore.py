"""``explore(Model)``: an interactive dashboard built from a model's parameter declaration.

Sliders, dropdowns and checkboxes come from ``Model.params``; buttons Step, Run and Reset
drive the model; one figure shows the model's state (if it has ``draw_state``) beside the
time series of chosen DataCollector columns. Works in JupyterLab 4 (ipywidgets 8), Colab
(ipywidgets 7) and headless (tests): callbacks draw into an ``Output`` and call
``plt.show()`` there, so figures never pile up.

Static mode, for the course website (``RISKLAB_STATIC_DASHBOARDS=1``, set by
``tools/build_site.py``): a web page cannot run the model, so ``explore`` shows the
dashboard's first figure as an ordinary figure output plus a note on where to open the
notebook, instead of the widgets. It still returns the :class:`Dashboard`; a later
``dashboard.run()`` shows its new figure in that cell.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython import get_ipython
from IPython.display import HTML, display

from mesa_models.base import RiskModel
from mesa_models.params import Param

__all__ = ["STATIC_ENV", "Dashboard", "explore", "static_dashboards"]

#: Environment variable: ``1`` shows each dashboard as a static figure plus a note (website).
STATIC_ENV = "RISKLAB_STATIC_DASHBOARDS"
#: What a static dashboard says under its figure (the page's top links open the notebook).
STATIC_NOTE = (
    "<b>Interactive in the notebook:</b> open it in Colab, Binder or JupyterLite (links at the "
    "top of the page) to move the sliders and press Step, Run and Reset."
)


def static_dashboards() -> bool:
    """Whether :data:`STATIC_ENV` asks for static dashboards (``1``/``0``, unset = widgets)."""
    setting = os.environ.get(STATIC_ENV, "").strip().lower()
    if setting in ("", "0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on"):
        return True
    raise ValueError(
        f"environment variable {STATIC_ENV} got {os.environ[STATIC_ENV]!r}; allowed: 1 (static "
        "figures, as on the course website) or 0 / unset (interactive widgets)"
    )


def explore(
    model_cls: type[RiskModel],
    *,
    plots: Sequence[str] | None = None,
    controls: Sequence[str] | None = None,
    fixed: dict[str, Any] | None = None,
    model_kwargs: dict[str, Any] | None = None,
    steps_per_run: int = 50,
    rng: int | None = None,
    seed: int | None = None,
    **initial: Any,
) -> Dashboard:
    """Build, display and return a dashboard for ``model_cls``.

    Args:
        model_cls: a :class:`~mesa_models.base.RiskModel` subclass.
        plots: DataCollector columns to plot (default: ``model_cls.default_plots``).
        controls: which declared parameters get a widget (default: all not in ``fixed``).
        fixed: parameter values held fixed (no widget).
        model_kwargs: extra constructor arguments that are not parameters (e.g. a rule).
        steps_per_run: how many steps the Run button advances.
        rng: initial value of the seed box (an integer, default 0), as ``rng=`` of every
            model and of ``run``/``sweep``.
        seed: older name of ``rng`` (kept so existing notebooks run); give one, not both.
        **initial: starting values for the widgets (validated like model arguments); a
            value for a parameter that has no widget (see ``controls``) is held fixed.
    """
    dashboard = Dashboard(
        model_cls,
        plots=plots,
        controls=controls,
        fixed=fixed,
        model_kwargs=model_kwargs,
        steps_per_run=steps_per_run,
        rng=_seed_box_value(rng, seed),
        initial=initial,
        static=static_dashboards(),
    )
    display(HTML(dashboard.static_note()) if dashboard.static else dashboard.widget)
    return dashboard


def _seed_box_value(rng: Any, seed: Any) -> int:
    """The dashboard's starting seed from ``rng=`` (or its alias ``seed=``)."""
    if rng is not None and seed is not None:
        raise ValueError(
            f"explore(): got both rng={rng!r} and seed={seed!r}; give one (seed is an alias)"
        )
    rng = next((value for value in (rng, seed) if value is not None), 0)
    if isinstance(rng, bool) or not isinstance(rng, int) or not 0 <= rng < 2**31:
        raise ValueError(
            f"explore(): parameter 'rng' got {rng!r}; allowed: an integer from 0 to 2**31 - 1 "
            "(the dashboard's seed box)"
        )
    return rng


class Dashboard:
    """The widgets, the current model and the drawing logic of one ``explore`` call."""

    def __init__(
        self,
        model_cls: type[RiskModel],
        *,
        plots: Sequence[str] | None = None,
        controls: Sequence[str] | None = None,
        fixed: dict[str, Any] | None = None,
        model_kwargs: dict[str, Any] | None = None,
        steps_per_run: int = 50,
        rng: int = 0,
        initial: dict[str, Any] | None = None,
        static: bool = False,
    ) -> None:
        """Arguments as for :func:`explore`; ``static=True`` draws each figure into the
        current cell output instead of the widget's ``Output`` (see the module docstring)."""
        if not isinstance(static, bool):
            raise TypeError(
                f"Dashboard(): parameter 'static' got {static!r}; expected True or False"
            )
        if not (isinstance(model_cls, type) and issubclass(model_cls, RiskModel)):
            raise TypeError(f"explore() needs a course model class, got {model_cls!r}")
        if (
            isinstance(steps_per_run, bool)
            or not isinstance(steps_per_run, int)
            or steps_per_run < 1
        ):
            raise ValueError(
                f"explore(): parameter 'steps_per_run' got {steps_per_run!r}; allowed: an integer >= 1"
            )
        declared = model_cls.params
        self.model_cls = model_cls
        resolved = declared.resolve(fixed or {}, model_cls.__name__)  # validates names and values
        self.fixed = {name: resolved[name] for name in fixed or {}}
        self.model_kwargs = dict(model_kwargs or {})
        start = declared.resolve(initial or {}, model_cls.__name__)
        names = (
            list(controls) if controls is not None else [n for n in declared if n not in self.fixed]
        )
        unknown = [n for n in names if n not in declared]
        if unknown:
            raise ValueError(
                f"explore(): control {unknown[0]!r} is not a parameter of {model_cls.__name__}; known: {', '.join(declared)}"
            )
        # A starting value for a parameter without a widget holds it fixed.
        self.fixed.update({name: start[name] for name in initial or {} if name not in names})
        self.plots = list(plots if plots is not None else model_cls.default_plots)

        self.controls = {name: _make_control(declared[name], start[name]) for name in names}
        self.seed_box = widgets.BoundedIntText(value=rng, min=0, max=2**31 - 1, description="seed")
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.run_button = widgets.Button(description=f"Run {steps_per_run}", icon="play")
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.steps_per_run = steps_per_run
        self.figure: plt.Figure | None = None
        self.model: RiskModel | None = None
        self.static = static

        self.step_button.on_click(lambda _: self.step())
        self.run_button.on_click(lambda _: self.run())
        self.reset_button.on_click(lambda _: self.reset())
        for control in [*self.controls.values(), self.seed_box]:
            control.observe(lambda _: self.reset(), names="value")

        legend = "<br>".join(
            f"<b>{n}</b>: {declared[n].doc}"
            + (f" [{declared[n].unit}]" if declared[n].unit else "")
            for n in names
        )
        buttons = widgets.HBox(
            [self.step_button, self.run_button, self.reset_button, self.seed_box]
        )
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [
                        widgets.VBox(list(self.controls.values())),
                        widgets.HTML(f"<small>{legend}</small>"),
                    ]
                ),
                buttons,
                self.status,
                self.output,
            ]
        )
        self.reset()

    # -- actions -----------------------------------------------------------------
    def parameters(self) -> dict[str, Any]:
        """The parameter values the next Reset will use."""
        return {**{n: c.value for n, c in self.controls.items()}, **self.fixed}

    def reset(self) -> None:
        """Build a fresh model from the widgets' values and draw it."""
        try:
            self.model = self.model_cls(
                rng=self.seed_box.value, **self.model_kwargs, **self.parameters()
            )
        except (TypeError, ValueError) as error:  # an impossible combination of sliders
            self.model = None
            self.status.value = f"<span style='color:#D55E00'>⚠ {error}</span>"
            self._clear_output()
            if self.static:
                display(HTML(self.status.value))
            return
        self.status.value = ""
        self.draw()

    def step(self, n: int = 1) -> None:
        """Advance the model ``n`` steps and redraw."""
        if self.model is None:
            return
        self.model.run_for(n)
        self.draw()

    def run(self) -> None:
        """Advance the model by ``steps_per_run`` steps and redraw."""
        self.step(self.steps_per_run)

    def static_note(self) -> str:
        """HTML shown under a static dashboard: where to open it, and the settings drawn."""
        shown = {**self.parameters(), "seed": self.seed_box.value}
        settings = html.escape(", ".join(f"{name} = {value}" for name, value in shown.items()))
        return (
            f"<div class='risklab-static-dashboard'><p>{STATIC_NOTE}</p>"
            f"<p><small>Its first view: {settings}.</small></p></div>"
        )

    # -- drawing -----------------------------------------------------------------
    def draw(self) -> None:
        """Redraw state and time series into the output area (static: into the cell)."""
        if self.static:
            figure = self._render()
            display(figure)
            plt.close(figure)  # shown once: the inline backend would show it again
            return
        with self.output:
            self._clear_output(wait=True)
            self._render()
            plt.show()

    def _render(self) -> plt.Figure:
        """A new figure of the model's state beside its time series (the old one closed)."""
        model = self.model
        has_state = hasattr(model, "draw_state")
        panels = int(has_state) + len(self.plots)
        if self.figure is not None:
            plt.close(self.figure)
        fig, axes = plt.subplots(
            1, max(panels, 1), figsize=(3.6 * max(panels, 1), 3.2), squeeze=False
        )
        axes = list(axes[0])
        if has_state:
            model.draw_state(axes.pop(0))
        frame = model.datacollector.get_model_vars_dataframe()
        for ax, column in zip(axes, self.plots, strict=False):
            ax.plot(range(len(frame)), frame[column], color="#0072B2")
            ax.set_xlabel("step")
            ax.set_ylabel(column)
            ax.set_title(column.replace("_", " "))
        fig.suptitle(f"{self.model_cls.__name__}, step {model.steps}", fontsize=10)
        self.figure = fig
        return fig

    def _clear_output(self, wait: bool = False) -> None:
        # Outside a kernel (tests, scripts) clearing would only print terminal escape codes.
        shell = get_ipython()
        if shell is not None and getattr(shell, "kernel", None) is not None:
            self.output.clear_output(wait=wait)


def _make_control(param: Param, value: Any) -> widgets.Widget:
    """The widget for one declared parameter."""
    style = {"description_width": "initial"}
    layout = widgets.Layout(width="320px")
    if param.choices is not None:
        return widgets.Dropdown(
            options=list(param.choices),
            value=value,
            description=param.name,
            style=style,
            layout=layout,
        )
    if param.kind is bool:
        return widgets.Checkbox(value=value, description=param.name, style=style, layout=layout)
    low, high = _slider_range(param)
    common = dict(
        value=value,
        min=low,
        max=high,
        description=param.name,
        continuous_update=False,
        style=style,
        layout=layout,
    )
    if param.kind is int:
        return widgets.IntSlider(step=int(param.step or 1), **common)
    step = param.step or _nice_step((high - low) / 100)
    return widgets.FloatSlider(step=step, readout_format=".3g", **common)


def _slider_range(param: Param) -> tuple[float, float]:
    """Slider ends inside the declared range (open ends nudged inward by one step)."""
    is_int = param.kind is int
    unit = 1 if is_int else (param.step or 0.01)
    low = param.low if param.low is not None else min(0, param.default)
    high = (
        param.high
        if param.high is not None
        else (param.widget_max or max(4 * abs(param.default), 1))
    )
    if param.low is not None and param.low_open:
        low += unit
    if param.high is not None and param.high_open:
        high -= unit
    if is_int:
        return int(math.ceil(low)), int(math.floor(high))
    return float(low), float(high)


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 0.01
    exponent = math.floor(math.log10(raw))
    return 10.0**exponent

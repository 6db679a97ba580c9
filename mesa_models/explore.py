"""``explore(Model)``: an interactive dashboard built from a model's parameter declaration.

Sliders, dropdowns and checkboxes come from ``Model.params``; buttons Step, Run and Reset
drive the model; one figure shows the model's state (if it has ``draw_state``) beside the
time series of chosen DataCollector columns. Works in JupyterLab 4 (ipywidgets 8), Colab
(ipywidgets 7) and headless (tests): callbacks draw into an ``Output`` and call
``plt.show()`` there, so figures never pile up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython import get_ipython
from IPython.display import display

from mesa_models.base import RiskModel
from mesa_models.params import Param

__all__ = ["explore", "Dashboard"]


def explore(
    model_cls: type[RiskModel],
    *,
    plots: Sequence[str] | None = None,
    controls: Sequence[str] | None = None,
    fixed: dict[str, Any] | None = None,
    model_kwargs: dict[str, Any] | None = None,
    steps_per_run: int = 50,
    seed: int = 0,
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
        seed: initial value of the seed box.
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
        seed=seed,
        initial=initial,
    )
    display(dashboard.widget)
    return dashboard


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
        seed: int = 0,
        initial: dict[str, Any] | None = None,
    ) -> None:
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
        self.seed_box = widgets.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed")
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.run_button = widgets.Button(description=f"Run {steps_per_run}", icon="play")
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.steps_per_run = steps_per_run
        self.figure: plt.Figure | None = None
        self.model: RiskModel | None = None

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

    # -- drawing -----------------------------------------------------------------
    def draw(self) -> None:
        """Redraw state and time series into the output area."""
        model = self.model
        has_state = hasattr(model, "draw_state")
        panels = int(has_state) + len(self.plots)
        with self.output:
            self._clear_output(wait=True)
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
            plt.show()

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

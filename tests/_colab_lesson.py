"""Run one lesson on Colab's stack and drive its dashboards (a helper of test_colab.py).

``python _colab_lesson.py LESSON SETUP_TAG REPORT``, run with the Colab environment's
Python, executes the lesson with nbclient in a fresh kernel, with three cells added, and
writes a JSON report to REPORT. The added cells call this module inside the kernel (it sits
on the kernel's path beside the stand-in ``google.colab``):

* before the setup cell, :func:`record_subprocesses` notes every ``subprocess.run``;
* after it, :func:`check_setup_was_noop`: the cell saw Colab, started nothing (the course
  is installed), and ``mesa_models`` comes from site-packages, not from the repository;
* at the end, :func:`drive_dashboards` drives every ``explore`` dashboard the lesson built.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MARK = "RISKLAB-DASHBOARDS "
CALLS: list[Any] = []  # commands started while the setup cell ran
DASHBOARDS: list[Any] = []  # every Dashboard built after the setup cell
_real_run = subprocess.run


# -- inside the kernel -------------------------------------------------------------------
def record_subprocesses() -> None:
    """Note the command of every ``subprocess.run`` from now on (the setup cell's pip)."""

    def recording_run(*args: Any, **kwargs: Any) -> Any:
        CALLS.append(args[0] if args else kwargs.get("args"))
        return _real_run(*args, **kwargs)

    subprocess.run = recording_run


def check_setup_was_noop() -> None:
    """The setup cell took its Colab branch and did nothing: the course is installed."""
    import sysconfig

    from IPython import get_ipython

    import mesa_models

    subprocess.run = _real_run
    assert get_ipython().user_ns.get("ON_COLAB") is True, (
        "the setup cell did not take its Colab branch (google.colab not found)"
    )
    assert not CALLS, f"the setup cell ran {CALLS} although the course is installed"
    assert mesa_models.__file__.startswith(sysconfig.get_paths()["purelib"]), (
        f"mesa_models was imported from {mesa_models.__file__}, not the installed package"
    )
    record_dashboards()


def record_dashboards() -> None:
    """Keep every ``Dashboard`` that ``explore`` builds from now on."""
    from mesa_models.explore import Dashboard

    init = Dashboard.__init__

    def recording_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        DASHBOARDS.append(self)

    Dashboard.__init__ = recording_init


def other_value(control: Any) -> Any:
    """A value for ``control`` other than its current one (cheap: towards the minimum)."""
    import ipywidgets as widgets

    if isinstance(control, widgets.Checkbox):
        return not control.value
    if isinstance(control, widgets.Dropdown):
        return next(option for option in control.options if option != control.value)
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        if control.value != control.min:
            return control.min
        return min(control.min + control.step, control.max)
    if isinstance(control, widgets.BoundedIntText):
        return control.value + 1 if control.value < control.max else control.value - 1
    raise AssertionError(f"no test for a {type(control).__name__} control")


def move(dashboard: Any, name: str, control: Any) -> str:
    """Move one control: the model is rebuilt with the new value, or, for an impossible
    combination, the dashboard says why and recovers when the control moves back."""
    model_name = dashboard.model_cls.__name__
    original, model = control.value, dashboard.model
    control.value = other_value(control)
    if dashboard.model is None:
        assert dashboard.status.value, f"{model_name}: {name}={control.value!r} gave no message"
        control.value = original
        assert dashboard.model is not None, (
            f"{model_name}: {name} back to {original!r} gave {dashboard.status.value}"
        )
        return name
    assert dashboard.model is not model and dashboard.model.steps == 0, (
        f"{model_name}: moving {name} did not rebuild the model"
    )
    if name != "seed":
        held = dashboard.model.param_values[name]
        assert held == control.value, (
            f"{model_name}: {name} is {control.value!r}, model has {held!r}"
        )
    return name


def check_redrawn(dashboard: Any, before: Any, action: str) -> None:
    """A new figure, titled with the model's step, and the previous one closed."""
    import matplotlib.pyplot as plt

    name, figure = dashboard.model_cls.__name__, dashboard.figure
    assert figure is not None and figure is not before, f"{name}: {action} did not redraw"
    title = figure.get_suptitle()
    assert title.endswith(f"step {dashboard.model.steps}"), (
        f"{name}: after {action} the figure says {title!r}"
    )
    assert before is None or not plt.fignum_exists(before.number), (
        f"{name}: {action} left the previous figure open"
    )


def drive(dashboard: Any) -> dict[str, Any]:
    """Move one control of each kind and the seed, then Step, Run and Reset."""
    name = dashboard.model_cls.__name__
    assert dashboard.model is not None, f"{name}: no model at start: {dashboard.status.value}"
    kinds: dict[type, tuple[str, Any]] = {}
    for pname, control in dashboard.controls.items():
        kinds.setdefault(type(control), (pname, control))
    moved = [move(dashboard, *pair) for pair in [*kinds.values(), ("seed", dashboard.seed_box)]]
    start = dashboard.model.steps
    for button, steps in (
        (dashboard.step_button, start + 1),
        (dashboard.run_button, start + 1 + dashboard.steps_per_run),
        (dashboard.reset_button, 0),
    ):
        before = dashboard.figure
        button.click()
        action = button.description
        assert dashboard.model.steps == steps, (
            f"{name}: after {action} the model is at step {dashboard.model.steps}, not {steps}"
        )
        check_redrawn(dashboard, before, action)
    return {"model": name, "moved": moved, "output": dashboard.output.model_id}


def drive_dashboards() -> None:
    """Drive every recorded dashboard (ipywidgets 7 only); print them and the kernel's
    environment (``sys.prefix``)."""
    import ipywidgets

    assert ipywidgets.__version__.startswith("7."), f"ipywidgets {ipywidgets.__version__}"
    driven = [drive(dashboard) for dashboard in DASHBOARDS]
    print(MARK + json.dumps({"kernel_prefix": sys.prefix, "dashboards": driven}))


# -- the runner ----------------------------------------------------------------------------
def images(outputs: list[dict[str, Any]]) -> int:
    return sum("image/png" in output.get("data", {}) for output in outputs)


def cpu_seconds() -> float | None:
    """CPU time of this process and the kernels it ran (unlike wall time, load-independent)."""
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return round(sum(u.ru_utime + u.ru_stime for u in usage), 1)


def timing(nb: Any, labels: list[Any], started: datetime) -> dict[str, Any]:
    """Where the time went, by nbclient's timing metadata (the kernel's clock): kernel start,
    the cells (total and slowest three), the longest wait between two cells, shutdown."""
    spans = []  # (start, end, label) of every cell the kernel ran
    for cell, label in zip(nb.cells, labels, strict=True):
        times = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in times and "shell.execute_reply" in times:
            start = datetime.fromisoformat(times["iopub.execute_input"])
            spans.append((start, datetime.fromisoformat(times["shell.execute_reply"]), label))
    if not spans:
        return {}
    seconds = [((end - start).total_seconds(), label) for start, end, label in spans]
    seconds.sort(key=lambda pair: pair[0], reverse=True)
    gaps = [((b[0] - a[1]).total_seconds(), a[2], b[2]) for a, b in itertools.pairwise(spans)]
    gap = max(gaps, key=lambda triple: triple[0], default=(0.0, None, None))
    return {
        "start_seconds": round((spans[0][0] - started).total_seconds(), 1),
        "cells_seconds": round(sum(s for s, _ in seconds), 1),
        "slowest_cells": [[round(s, 1), label] for s, label in seconds[:3]],
        "longest_gap": [round(gap[0], 1), gap[1], gap[2]],
        "end_seconds": round((datetime.now(UTC) - spans[-1][1]).total_seconds(), 1),
    }


def run_lesson(path: str, setup_tag: str) -> dict[str, Any]:
    """Execute the lesson with the three cells added; report errors, the setup cell's
    output, the dashboards driven and the figures each dashboard's Output holds."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbclient.output_widget import OutputWidget

    # nbclient's stand-in for an Output widget echoes each output back to the kernel on the
    # shell socket while it waits on that socket for the cell's reply; the reply's wake-up
    # is then sometimes lost and nbclient sits out the whole cell timeout (2 minutes, after
    # about one `explore` cell in eight). The kernel needs no echo: the report reads the
    # outputs from nbclient's own copy (``widget_state``).
    OutputWidget.sync_state = lambda self: None

    nb = nbformat.read(path, as_version=4)
    setup = next(i for i, c in enumerate(nb.cells) if setup_tag in c.metadata.get("tags", []))
    new = nbformat.v4.new_code_cell
    labels: list[Any] = list(range(len(nb.cells)))  # the lesson's cell numbers, and ours
    for at, label, source in (  # after the setup cell first, so that `setup` stays valid
        (setup + 1, "check setup", "_colab_lesson.check_setup_was_noop()"),
        (setup, "record", "import _colab_lesson\n_colab_lesson.record_subprocesses()"),
    ):
        nb.cells.insert(at, new(source))
        labels.insert(at, label)
    nb.cells.append(new("_colab_lesson.drive_dashboards()"))
    labels.append("dashboards")
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    report: dict[str, Any] = {"error": None, "dashboards": None, "kernel_prefix": None}
    start, started = time.perf_counter(), datetime.now(UTC)
    try:
        client.execute()
    except CellExecutionError as error:
        report["error"] = re.sub(r"\x1b\[[0-9;]*m", "", str(error))[-3000:]  # no colours
    report["seconds"] = round(time.perf_counter() - start, 1)
    report.update(timing(nb, labels, started), cpu_seconds=cpu_seconds())
    report["setup_outputs"] = nb.cells[setup + 1].outputs
    for output in nb.cells[-1].outputs:
        if output.get("name") == "stdout" and MARK in output.get("text", ""):
            report.update(json.loads(output["text"].split(MARK, 1)[1].splitlines()[0]))
    report["leaked_figures"] = images(nb.cells[-1].outputs)
    report["figures"] = {  # per dashboard, "Model #i": the figures its Output holds
        f"{d['model']} #{i}": images(client.widget_state.get(d["output"], {}).get("outputs", []))
        for i, d in enumerate(report["dashboards"] or [])
    }
    return report


if __name__ == "__main__":
    lesson, tag, out = sys.argv[1:4]
    with open(out, "w") as handle:
        json.dump(run_lesson(lesson, tag), handle)

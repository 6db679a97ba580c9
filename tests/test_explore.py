"""The explore() dashboard, headless: widgets from the declaration, buttons drive the model."""

import importlib
import io

import numpy as np

import ipywidgets as widgets
import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from mesa_models import explore  # noqa: E402
from mesa_models.explore import Dashboard  # noqa: E402
from mesa_models.welcome.corridor import Corridor  # noqa: E402


def png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def test_widgets_follow_the_declaration():
    d = explore(Corridor, fixed={"length": 24})
    assert set(d.controls) == {"n_robots", "share_keep_right", "patience", "hesitation"}
    share = d.controls["share_keep_right"]
    assert isinstance(share, widgets.FloatSlider) and (share.min, share.max) == (0.0, 1.0)
    assert isinstance(d.controls["n_robots"], widgets.IntSlider)
    assert d.model.length == 24


def test_buttons_step_run_reset_and_redraw():
    d = explore(Corridor, steps_per_run=10)
    before = png(d.figure)
    d.step_button.click()
    assert d.model.steps == 1
    d.run_button.click()
    assert d.model.steps == 11
    assert png(d.figure) != before
    d.reset_button.click()
    assert d.model.steps == 0


def test_changing_a_control_rebuilds_the_model_and_bad_combinations_show_a_message():
    d = explore(Corridor, rng=4)
    d.controls["share_keep_right"].value = 1.0
    assert d.model.share_keep_right == 1.0 and d.model.steps == 0
    d.controls["n_robots"].value = 100  # more robots than cells allow
    assert d.model is None and "'n_robots' got 100" in d.status.value
    d.step_button.click()  # harmless while the model is invalid
    d.controls["n_robots"].value = 10
    assert d.model.n_robots == 10 and d.status.value == ""


def test_initial_value_without_a_control_is_held_fixed():
    d = explore(Corridor, controls=["share_keep_right"], length=50)
    assert d.model.length == 50 and set(d.controls) == {"share_keep_right"}
    d.controls["share_keep_right"].value = 1.0
    assert d.model.length == 50


def test_same_seed_same_dashboard_state():
    a, b = explore(Corridor, rng=3), explore(Corridor, rng=3)
    a.run()
    b.run()
    assert a.seed_box.value == 3
    assert [r.cell.coordinate for r in a.model.agents] == [
        r.cell.coordinate for r in b.model.agents
    ]


def test_rng_like_every_function_and_seed_as_its_alias():
    def positions(dashboard):
        dashboard.run()
        return [r.cell.coordinate for r in dashboard.model.agents]

    assert explore(Corridor).seed_box.value == 0
    assert explore(Corridor, seed=5).seed_box.value == 5
    assert positions(explore(Corridor, seed=5)) == positions(explore(Corridor, rng=5))
    assert positions(explore(Corridor, rng=5)) != positions(explore(Corridor, rng=6))
    with pytest.raises(ValueError, match=r"both rng=5 and seed=6"):
        explore(Corridor, rng=5, seed=6)
    for bad in (-1, 2**31, 1.5, True, "3", np.random.default_rng(0)):
        with pytest.raises(
            ValueError, match=r"parameter 'rng' got .*integer from 0 to 2\*\*31 - 1"
        ):
            explore(Corridor, rng=bad)


def test_bad_arguments():
    with pytest.raises(TypeError, match="course model class"):
        explore(object)
    with pytest.raises(ValueError, match="'steps_per_run' got 0"):
        explore(Corridor, steps_per_run=0)
    with pytest.raises(ValueError, match="control 'speed' is not a parameter"):
        explore(Corridor, controls=["speed"])
    with pytest.raises(ValueError, match="'hesitation' got 2"):
        explore(Corridor, hesitation=2)


# -- static mode (the course website) ------------------------------------------------------


@pytest.fixture
def shown(monkeypatch):
    """What explore() displays, in order (instead of printing it)."""
    module = importlib.import_module("mesa_models.explore")
    displayed = []
    monkeypatch.setattr(module, "display", displayed.append)
    return displayed


def test_static_mode_shows_the_first_figure_and_a_note_instead_of_widgets(monkeypatch, shown):
    monkeypatch.setenv("RISKLAB_STATIC_DASHBOARDS", "1")
    d = explore(Corridor, steps_per_run=10, rng=2, share_keep_right=0.75)
    assert isinstance(d, Dashboard) and d.static
    figure, note = shown
    assert isinstance(figure, Figure) and figure is d.figure
    assert "step 0" in figure.texts[0].get_text()  # the suptitle names the step drawn
    html = note.data
    assert "risklab-static-dashboard" in html and "Interactive in the notebook" in html
    for where in ("Colab", "Binder", "JupyterLite"):
        assert where in html
    assert "share_keep_right = 0.75" in html and "seed = 2" in html
    assert not any(isinstance(item, widgets.Widget) for item in shown)
    # The same picture the interactive dashboard draws first.
    monkeypatch.setenv("RISKLAB_STATIC_DASHBOARDS", "0")
    interactive = explore(Corridor, steps_per_run=10, rng=2, share_keep_right=0.75)
    assert png(interactive.figure) == png(figure)
    assert shown[-1] is interactive.widget


def test_static_dashboard_methods_show_their_figure_in_the_cell(monkeypatch, shown):
    monkeypatch.setenv("RISKLAB_STATIC_DASHBOARDS", "yes")
    d = explore(Corridor, steps_per_run=10)
    shown.clear()
    d.run()
    assert d.model.steps == 10
    assert shown == [d.figure] and "step 10" in d.figure.texts[0].get_text()
    d.step()
    assert len(shown) == 2 and shown[1] is d.figure and d.model.steps == 11


def test_static_dashboard_with_an_impossible_combination_shows_the_message(monkeypatch, shown):
    monkeypatch.setenv("RISKLAB_STATIC_DASHBOARDS", "1")
    d = explore(Corridor, n_robots=100)  # more robots than cells allow
    assert d.model is None
    assert "'n_robots' got 100" in shown[0].data and "Interactive in the notebook" in shown[1].data


@pytest.mark.parametrize("value", ["", "0", "off", "false"])
def test_widgets_unless_static_mode_is_asked_for(monkeypatch, shown, value):
    monkeypatch.setenv("RISKLAB_STATIC_DASHBOARDS", value)
    d = explore(Corridor)
    assert not d.static and shown == [d.widget]


def test_static_mode_rejects_a_value_it_does_not_know(monkeypatch):
    monkeypatch.setenv("RISKLAB_STATIC_DASHBOARDS", "static")
    with pytest.raises(ValueError, match=r"RISKLAB_STATIC_DASHBOARDS got 'static'; allowed: 1"):
        explore(Corridor)
    with pytest.raises(TypeError, match="parameter 'static' got 1"):
        Dashboard(Corridor, static=1)

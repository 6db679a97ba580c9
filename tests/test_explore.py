"""The explore() dashboard, headless: widgets from the declaration, buttons drive the model."""

import io

import ipywidgets as widgets
import matplotlib
import pytest

matplotlib.use("Agg")

from mesa_models import explore  # noqa: E402
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
    d = explore(Corridor, seed=4)
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
    a, b = explore(Corridor, seed=3), explore(Corridor, seed=3)
    a.run()
    b.run()
    assert [r.cell.coordinate for r in a.model.agents] == [
        r.cell.coordinate for r in b.model.agents
    ]


def test_bad_arguments():
    with pytest.raises(TypeError, match="course model class"):
        explore(object)
    with pytest.raises(ValueError, match="'steps_per_run' got 0"):
        explore(Corridor, steps_per_run=0)
    with pytest.raises(ValueError, match="control 'speed' is not a parameter"):
        explore(Corridor, controls=["speed"])
    with pytest.raises(ValueError, match="'hesitation' got 2"):
        explore(Corridor, hesitation=2)

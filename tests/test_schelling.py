"""Schelling (1971): mild preferences produce strong segregation -- over seeds, with the
tipping point Hatna & Benenson (2015) describe; the Mesa model and the NumPy engine agree
step by step."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mesa_models import run
from mesa_models.emergence.schelling import Household, Schelling, random_town
from mesa_models.emergence.schelling_fast import (
    SchellingArray,
    content_mask,
    neighbour_sum,
    similar_share,
)


@pytest.mark.parametrize(
    "params", [{}, {"wanted": 0.5, "density": 0.7}, {"minority_share": 0.2, "wanted": 0.4}]
)
def test_mesa_and_numpy_engines_agree_step_by_step(params):
    mesa_model = Schelling(rng=3, width=16, height=12, **params)
    array_model = SchellingArray(rng=3, width=16, height=12, **params)
    assert np.array_equal(mesa_model.town(), array_model.grid)
    for step in range(12):
        mesa_model.step()
        array_model.step()
        assert np.array_equal(mesa_model.town(), array_model.grid), (
            f"towns differ at step {step + 1}"
        )
    a = mesa_model.datacollector.get_model_vars_dataframe()
    b = array_model.datacollector.get_model_vars_dataframe()
    assert np.allclose(a.to_numpy(), b.to_numpy())
    assert a["moved"].iloc[1:].sum() > 0  # not trivially frozen


@pytest.mark.parametrize("seed", range(5))
def test_mild_preferences_produce_strong_segregation(seed):
    # Nobody asks for more than 30 % like neighbours; the town ends with about three quarters.
    frame = run(SchellingArray, 100, rng=seed, wanted=0.3)
    assert frame["similar"].iloc[0] == pytest.approx(0.5, abs=0.02)
    assert frame["similar"].iloc[-1] > 0.7
    assert frame["discontented"].iloc[-1] == 0.0  # everyone is content, in a segregated town


@pytest.mark.parametrize("seed", range(3))
def test_tipping_point(seed):
    # With 8 neighbours a preference is a count: 0.25 means 2 of 8, 0.3 means 3 of 8. Below
    # a third the town stays nearly as mixed as it started; above, it segregates.
    low = run(SchellingArray, 100, rng=seed, wanted=0.25)["similar"].iloc[-1]
    high = run(SchellingArray, 100, rng=seed, wanted=0.3)["similar"].iloc[-1]
    assert low < 0.6 and high > 0.7 and high - low > 0.12


def test_stronger_preferences_segregate_more_until_nobody_can_be_content():
    finals = {
        w: np.mean([run(SchellingArray, 150, rng=s, wanted=w)["similar"].iloc[-1] for s in (0, 1)])
        for w in (0.3, 0.5, 0.6, 0.8)
    }
    assert finals[0.3] < finals[0.5] < finals[0.6]
    assert finals[0.8] < 0.65  # demands too high: households keep moving, no stable pattern forms
    assert run(SchellingArray, 50, rng=0, wanted=0.8)["discontented"].iloc[-1] > 0.5


def test_neighbour_counting_on_a_torus():
    a = np.zeros((5, 4), dtype=int)
    a[0, 0] = 1
    s = neighbour_sum(a)
    assert s.sum() == 8 and s[0, 0] == 0 and s[4, 3] == 1 and s[1, 1] == 1
    town = np.array([[0, 0, -1], [1, 0, 0], [-1, -1, -1]], dtype=np.int8)
    content = content_mask(town, 0.5)
    assert not content[2, 0] and content[0, 0]
    assert 0 <= similar_share(town) <= 1


def test_mesa_model_counts_like_the_engine_and_draws():
    model = Schelling(rng=1, width=12, height=12)
    assert model.similar_share() == pytest.approx(similar_share(model.town()))
    h = next(iter(model.agents))
    same, occupied = h.neighbour_counts()
    assert 0 <= same <= occupied <= 8
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "alike" in ax.get_title()
    SchellingArray(rng=1).draw_state(ax)
    plt.close(fig)


def test_content_rule_injection():
    def never(household, same, occupied):
        return False

    model = Schelling(rng=0, width=10, height=10, content_rule=never)
    model.step()
    assert model.discontented == 1.0 and model.moved > 0

    def broken(household, same, occupied):
        return "yes"

    with pytest.raises(ValueError, match="content rule 'broken'"):
        Schelling(rng=0, width=5, height=5, content_rule=broken)
    with pytest.raises(TypeError, match="'content_rule'"):
        Schelling(content_rule=0.3)

    class Tolerant(Household):
        def is_content(self):
            return True

    class TolerantTown(Schelling):
        household_class = Tolerant

    assert run(TolerantTown, 3, rng=0, width=10, height=10)["moved"].iloc[1:].sum() == 0


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"density": 1.0}, "'density' got 1.0"),
        ({"width": 2}, "'width' got 2"),
        ({"wanted": 1.2}, "'wanted' got 1.2"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, words):
    with pytest.raises(ValueError, match=words):
        Schelling(rng=0, **kwargs)
    with pytest.raises(ValueError, match=words):
        SchellingArray(rng=0, **kwargs)


def test_numpy_scalars_and_same_seed_same_run():
    model = SchellingArray(rng=2, width=np.int64(20), height=np.int64(20), wanted=np.float64(0.4))
    assert model.grid.shape == (20, 20)
    town = random_town(10, 10, 0.9, 0.5, np.random.default_rng(0))
    assert set(np.unique(town)) <= {-1, 0, 1}
    for engine in (Schelling, SchellingArray):
        a, b, c = (run(engine, 3, rng=s, width=15, height=15) for s in (4, 4, 5))
        assert a.equals(b) and not a.equals(c)

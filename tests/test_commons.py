"""Commons harvest: greedy harvesters collapse the resource; restraint and sanctions keep it."""

import numpy as np
import pytest

from mesa_models import run
from mesa_models.conflict.commons import CommonsHarvest, gini, quota

SEEDS = (0, 1, 2, 3)


def outcome(seed, steps=300, **kwargs):
    model = CommonsHarvest(rng=seed, **kwargs)
    model.run_for(steps)
    return model


def test_greedy_harvesters_collapse_the_commons():
    for seed in SEEDS:
        model = outcome(seed)
        assert model.time_to_collapse is not None and model.time_to_collapse < 300, seed
        assert model.stock() == 0.0
        frame = model.datacollector.get_model_vars_dataframe()
        assert frame["collapsed"].iloc[-1] == 1


def test_sanctions_above_the_temptation_sustain_the_commons_on_the_same_seeds():
    # A protected apple is taken only if 1 > monitoring x fine: with monitoring 0.5 the
    # weakest deterring fine is 2 (an expected sanction equal to an apple's value).
    for seed in SEEDS:
        sanctioned = outcome(seed, fine=2.0, monitoring=0.5)
        assert sanctioned.time_to_collapse is None and sanctioned.stock() > 1.0, seed
        weak = outcome(seed, fine=1.9, monitoring=0.5)
        assert weak.time_to_collapse is not None, seed
        assert sanctioned.welfare() > 4 * outcome(seed).welfare()


def test_restraint_and_quotas_sustain_the_commons():
    for seed in SEEDS:
        assert outcome(seed, policy="restrained").time_to_collapse is None
        assert outcome(seed, harvest_policy=quota(0.1)).time_to_collapse is None


def test_a_patch_with_no_apples_around_never_regrows():
    model = CommonsHarvest(rng=0, n_harvesters=1, regrowth=1.0)
    model.apples[:] = False
    model.apples[4:7, 4:7] = True
    model.apples[5, 5] = False
    assert model.neighbour_counts()[5, 5] == 8
    model.regrow()
    assert model.apples[5, 5]  # regrowth = 1 and all 8 neighbours bear apples: certain regrowth
    assert not model.apples[10:, 10:].any()  # far from any apple nothing grows
    model.apples[:] = False
    for _ in range(20):
        model.regrow()
    assert not model.apples.any()


def test_gini():
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert gini([]) == 0.0
    with pytest.raises(ValueError):
        gini([-1, 2])


def test_sanction_and_policy_are_injectable_and_checked():
    model = outcome(0, steps=50, sanction_rule=lambda h, c: 100.0, monitoring=1.0)
    assert model.welfare() == 0.0 and model.stock() > 1  # nobody harvests a 100-apple fine
    with pytest.raises(ValueError, match="sanction rule"):
        outcome(0, steps=5, sanction_rule=lambda h, c: -1)
    with pytest.raises(ValueError, match="harvest policy"):
        outcome(0, steps=5, harvest_policy=lambda h, c, f: "yes")
    with pytest.raises(TypeError, match="'harvest_policy'"):
        CommonsHarvest(harvest_policy=3)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"patch_size": 30}, "'patch_size'"),
        ({"monitoring": 2}, "'monitoring'"),
        ({"policy": "kind"}, "'policy'"),
    ],
)
def test_bad_parameters_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        CommonsHarvest(**kwargs)
    with pytest.raises(ValueError, match="'per_step'"):
        quota(0)


def test_reporters_and_determinism():
    a = run(CommonsHarvest, 40, rng=3)
    b = run(CommonsHarvest, 40, rng=3)
    c = run(CommonsHarvest, 40, rng=4)
    assert a.equals(b) and not a.equals(c)
    assert list(a.columns) == ["stock", "welfare", "equality", "collapsed"]
    assert a["stock"].iloc[0] == 1.0 and a["welfare"].is_monotonic_increasing
    assert ((a["equality"] >= 0) & (a["equality"] <= 1)).all()
    assert np.isfinite(a.to_numpy(dtype=float)).all()

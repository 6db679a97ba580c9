"""El Farol (Arthur 1994): mean attendance near the threshold, monoculture overload,
predictor families, validation, determinism, and the NumPy engine's agreement with the Mesa model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesa_models import run
from mesa_models.miscoordination.el_farol import (
    ElFarol,
    LinearPredictor,
    arthur_family,
    attendance_stats,
    linear_family,
)
from mesa_models.miscoordination.el_farol_fast import ElFarolArray

SEEDS = range(6)


def _stats(seed, steps=300, **params):
    frame = run(ElFarol, steps, rng=seed, **params)
    return attendance_stats(frame.attendance[1:], 60, burn_in=50)


def test_arthur_mean_attendance_self_organises_near_the_threshold():
    """Arthur (1994) at full published scale: N = 100 agents, threshold 60, each agent with
    k = 6 predictors from Arthur's predictor types (memory 8 weeks). Mean attendance over
    weeks 51-300, averaged over seeds 0-5, lies within ±2 of 60."""
    means = [_stats(seed)["mean"] for seed in SEEDS]
    assert abs(np.mean(means) - 60) <= 2
    assert all(abs(m - 60) <= 5 for m in means)


def test_monoculture_overloads_far_more_often_than_a_diverse_population():
    """Same seeds: one shared bag (monoculture) vs independent bags from a pool of 100."""
    diverse = [_stats(seed) for seed in SEEDS]
    mono = [_stats(seed, monoculture=True) for seed in SEEDS]
    overload_diverse = np.mean([s["overloaded"] for s in diverse])
    overload_mono = np.mean([s["overloaded"] for s in mono])
    assert overload_mono > 1.6 * overload_diverse
    assert overload_mono - overload_diverse > 0.15
    assert np.mean([s["std"] for s in mono]) > 1.8 * np.mean([s["std"] for s in diverse])


def test_monoculture_means_everyone_decides_alike():
    frame = run(ElFarol, 40, rng=3, monoculture=True)
    assert set(frame.attendance[1:]) <= {0, 100}
    assert set(frame.distinct_predictors[1:]) == {1}


def test_more_predictor_diversity_less_swing():
    def swing(pool):
        return np.mean([_stats(seed, 200, pool_size=pool)["std"] for seed in range(3)])

    assert swing(6) > swing(25) > swing(100)


def test_arthur_family_predictors_do_what_their_names_say():
    rng = np.random.default_rng(0)
    history = np.array([10, 20, 30, 40, 50, 60, 70, 80], dtype=float)
    seen = {}
    for _ in range(300):
        p = arthur_family(rng, memory=8, n_agents=100)
        seen[p.name] = p(history)
    assert seen["same as 1 weeks ago"] == 80
    assert seen["same as 3 weeks ago"] == 60
    assert seen["mirror image of last week"] == 20
    assert seen["average of last 4 weeks"] == pytest.approx(65)
    assert seen["trend of last 5 weeks"] == pytest.approx(90)  # the line continues


def test_linear_family_is_linear_and_bounded():
    p = linear_family(np.random.default_rng(1), memory=4, n_agents=100)
    assert isinstance(p, LinearPredictor) and len(p.weights) == 4
    assert all(-1 <= w <= 1 for w in p.weights) and -100 <= p.constant <= 100


def test_forecasts_are_clipped_to_the_population():
    model = ElFarol(
        rng=0, predictor_family=lambda rng, memory, n_agents: LinearPredictor((3.0,), 0.0)
    )
    model.history[-1] = 90
    assert model.predict_all().max() == 100


def test_same_seed_same_frame():
    pd.testing.assert_frame_equal(run(ElFarol, 60, rng=11), run(ElFarol, 60, rng=11))
    assert not run(ElFarol, 60, rng=11).equals(run(ElFarol, 60, rng=12))


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"n_agents": -1}, "n_agents"),
        ({"threshold": 0}, "threshold"),
        ({"threshold": 100}, "threshold"),
        ({"threshold": 150}, "threshold"),
        ({"score_decay": 1.0}, "score_decay"),
        ({"bag_size": 10, "pool_size": 5}, "bag_size"),
        ({"memory": 0}, "memory"),
    ],
)
def test_bad_parameters_name_themselves(params, name):
    with pytest.raises(ValueError, match=name):
        ElFarol(rng=0, **params)


def test_bad_predictors_are_reported():
    def gut_feeling(history):
        return "sixty"

    with pytest.raises(
        ValueError, match=r"predictor 'gut_feeling' returned 'sixty'; allowed: a finite number"
    ):
        ElFarol(rng=0, predictor_family=lambda rng, memory, n_agents: gut_feeling).step()
    with pytest.raises(ValueError, match="returned nan"):
        ElFarol(rng=0, predictor_family=lambda rng, memory, n_agents: lambda h: float("nan")).step()
    with pytest.raises(ValueError, match="predictor family"):
        ElFarol(rng=0, predictor_family=lambda rng, memory, n_agents: 60)
    with pytest.raises(TypeError, match="predictor_family"):
        ElFarol(rng=0, predictor_family="arthur")


def test_attendance_stats():
    stats = attendance_stats([50, 70, 80, 60], 60)
    assert stats == {
        "mean": 65.0,
        "std": pytest.approx(np.std([50, 70, 80, 60])),
        "crowded": 0.5,
        "overloaded": 0.25,
    }
    assert attendance_stats([50, 70, 80, 60], 60, burn_in=2)["mean"] == 70
    with pytest.raises(ValueError, match="burn_in"):
        attendance_stats([1, 2], 60, burn_in=5)


# -- the vectorised engine ----------------------------------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"monoculture": True},
        {"predictor_family": linear_family},
        {"pool_size": 6},
        {"memory": 3, "bag_size": 10, "score_decay": 0.5},
    ],
)
def test_fast_engine_reproduces_the_mesa_trajectory(params):
    """Same state, same rules: week-by-week identical attendance for 300 weeks."""
    for seed in range(3):
        model = ElFarol(rng=seed, **params)
        engine = ElFarolArray.from_model(model)
        model.run_for(300)
        assert engine.run(300).tolist() == model.history[model.memory :]
        np.testing.assert_allclose(engine.scores, model.scores)


def test_fast_engine_from_params_and_midway():
    model = ElFarol(rng=5)
    model.run_for(40)
    engine = ElFarolArray.from_model(model)  # starts from the model's state at week 40
    model.run_for(60)
    assert engine.run(60).tolist() == model.history[-60:]
    assert (
        ElFarolArray.from_params(rng=5).run(100).tolist()
        == run(ElFarol, 100, rng=5).attendance[1:].tolist()
    )


def test_fast_engine_validation():
    with pytest.raises(TypeError, match="linear predictors"):
        ElFarolArray.from_model(
            ElFarol(rng=0, predictor_family=lambda rng, memory, n_agents: lambda h: 50.0)
        )
    with pytest.raises(ValueError, match="threshold"):
        ElFarolArray.from_params(rng=0, threshold=0)
    engine = ElFarolArray.from_params(rng=0)
    with pytest.raises(ValueError, match="weeks"):
        engine.run(-1)
    with pytest.raises(ValueError, match="threshold"):
        ElFarolArray(
            engine.weights,
            engine.constants,
            engine.bags,
            engine.history,
            threshold=150,
            score_decay=0.9,
        )
    with pytest.raises(ValueError, match="bags"):
        ElFarolArray(
            engine.weights,
            engine.constants,
            engine.bags + 1000,
            engine.history,
            threshold=60,
            score_decay=0.9,
        )

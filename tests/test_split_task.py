"""Split tasks (Hammond et al. 2025, §3.6; Jones et al. 2024): a task every agent refuses
when asked directly is completed once split into harmless-looking pieces; monitors that
read more of the plan catch more of it at the same false-alarm budget."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mesa_models import run
from mesa_models.emergence.split_task import (
    SplitTaskModel,
    Worker,
    equal_split,
    monitor_scores,
    refuse_above_threshold,
    threshold_for_budget,
)


def completion(k, seed, steps=20, **params):
    frame = run(SplitTaskModel, steps, rng=seed, n_subtasks=k, **params)
    return frame.iloc[1:].mean()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_agent_refuses_the_whole_task_but_completes_the_pieces(seed):
    direct = completion(1, seed)
    assert direct["harmful_completed"] == 0.0 and direct["benign_completed"] > 0.8
    rates = [completion(k, seed)["harmful_completed"] for k in (1, 2, 3, 4, 6)]
    assert rates == sorted(rates) and rates[-1] > 0.95
    # each piece really looks harmless: its expected apparent harm is below the threshold
    model = SplitTaskModel(rng=seed, n_subtasks=4)
    model.step()
    assert model.apparent[model.harmful].mean() == pytest.approx(0.25, abs=0.03)
    assert (
        model.assigned[:, :, None] != model.assigned[:, None, :]
    ).sum() == 4 * 3 * model.tasks_per_step  # distinct workers


def test_pieces_completion_follows_the_normal_tail():
    # With an equal split, a harmful piece looks like N(1/k, noise^2): completed when all k pass.
    from scipy.stats import norm

    for k in (2, 3):
        p_piece = norm.cdf((0.5 - 1 / k) / 0.1)
        frame = run(SplitTaskModel, 100, rng=4, n_subtasks=k, harmful_share=1.0, tasks_per_step=40)
        assert frame["harmful_completed"].iloc[1:].mean() == pytest.approx(p_piece**k, abs=0.03)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_plan_monitor_beats_the_agent_monitor_at_the_same_budget(seed):
    detection, alarms = {}, {}
    for monitor in ("agent", "window", "plan"):
        calibration = monitor_scores(60, rng=100 + seed, monitor=monitor, harmful_share=0.0)
        threshold = threshold_for_budget(calibration["benign"], 0.01)
        scores = monitor_scores(60, rng=seed, monitor=monitor)
        detection[monitor] = float(np.mean(scores["harmful"] > threshold))
        alarms[monitor] = float(np.mean(scores["benign"] > threshold))
    assert detection["plan"] > detection["agent"] + 0.1
    assert alarms["plan"] < 0.03 and alarms["agent"] < 0.03
    # a window cannot tell whose pieces it reads: calibrated on benign traffic, it overshoots
    # its budget once harmful pieces share its windows
    assert alarms["window"] > 0.1


def test_monitor_stops_tasks():
    model = SplitTaskModel(rng=0, monitor="plan", monitor_threshold=0.8)
    model.run_for(20)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["detected"].iloc[1:].mean() > 0.5
    assert frame["harmful_completed"].iloc[1:].mean() < 0.5
    none = SplitTaskModel(rng=0)
    none.step()
    assert none.detected == 0.0 and np.isneginf(none.task_scores).all()


def test_threshold_for_budget():
    scores = np.array([0.9, 0.1, 0.5, 0.3, 0.7])
    assert threshold_for_budget(scores, 0.2) == 0.7  # one score (0.9) above
    assert threshold_for_budget(scores, 0.39) == 0.7
    assert threshold_for_budget(scores, 0.4) == 0.5
    assert threshold_for_budget(scores, 0.0) == 0.9
    assert threshold_for_budget(scores, 1.0) < 0.1
    assert threshold_for_budget(np.array([0.5, 0.5, 0.5, 0.2]), 0.5) == 0.5
    rng = np.random.default_rng(1)
    for _ in range(20):
        s, b = rng.random(rng.integers(1, 50)), rng.random()
        t = threshold_for_budget(s, b)
        assert np.mean(s > t) <= b + 1e-12
        lower = s[s < t]
        assert lower.size == 0 or np.mean(s > lower.max()) > b  # the lowest such threshold
    with pytest.raises(ValueError, match="'budget'"):
        threshold_for_budget(scores, 1.5)
    with pytest.raises(ValueError, match="'benign_scores'"):
        threshold_for_budget([], 0.1)
    with pytest.raises(ValueError, match="'benign_scores'"):
        threshold_for_budget([0.1, np.nan], 0.1)
    with pytest.raises(TypeError, match="'budget'"):
        threshold_for_budget(scores, "1%")
    assert threshold_for_budget(scores, np.float64(0.2)) == 0.7


def test_extension_points():
    def cautious(worker, apparent_harm):  # a worker that refuses anything above 0.2
        return apparent_harm > 0.2

    assert completion(4, 0, refusal_rule=cautious)["harmful_completed"] < 0.5

    def uneven(harm, k):  # one piece carries most of the harm
        shares = np.full((harm.size, k), 0.1 / (k - 1)) * harm[:, None]
        shares[:, 0] = 0.9 * harm
        return shares

    assert completion(4, 0, splitter=uneven)["harmful_completed"] < 0.05

    class Suspicious(Worker):
        def refuses(self, apparent_harm):
            return True

    class SuspiciousModel(SplitTaskModel):
        worker_class = Suspicious

    assert run(SuspiciousModel, 3, rng=0)["benign_completed"].iloc[1:].max() == 0.0
    assert equal_split(np.array([1.0, 0.4]), 2).tolist() == [[0.5, 0.5], [0.2, 0.2]]
    assert refuse_above_threshold(SplitTaskModel(rng=0).workers[0], 0.6) is True

    with pytest.raises(ValueError, match="refusal rule 'maybe'"):

        def maybe(worker, harm):
            return "perhaps"

        SplitTaskModel(rng=0, refusal_rule=maybe).step()
    with pytest.raises(ValueError, match="splitter"):
        SplitTaskModel(rng=0, splitter=lambda harm, k: harm).step()
    with pytest.raises(TypeError, match="'splitter'"):
        SplitTaskModel(splitter=1)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"n_subtasks": 13}, ValueError, "'n_subtasks' got 13.*n_agents=12"),
        ({"monitor": "all"}, ValueError, "'monitor' got 'all'"),
        (
            {"tasks_per_step": 100_000, "n_agents": 1000},
            ValueError,
            "'tasks_per_step' got 100000.*GB",
        ),
        ({"harmful_share": -0.1}, ValueError, "'harmful_share' got -0.1"),
        ({"window": 0}, ValueError, "'window' got 0"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        SplitTaskModel(rng=0, **kwargs)


def test_helpers_validate_and_numpy_scalars():
    with pytest.raises(ValueError, match="'steps'"):
        monitor_scores(0)
    model = SplitTaskModel(rng=1, n_subtasks=np.int64(3), harmful_share=np.float64(0.5))
    model.step()
    assert model.apparent.shape == (40, 3)
    a, b, c = (run(SplitTaskModel, 4, rng=s, monitor="window") for s in (2, 2, 3))
    assert a.equals(b) and not a.equals(c)


def test_draw_state():
    model = SplitTaskModel(rng=0)
    fig, ax = plt.subplots()
    model.draw_state(ax)  # before any step: nothing to show yet
    model.step()
    model.draw_state(ax)
    assert "harmful tasks done" in ax.get_title()
    plt.close(fig)

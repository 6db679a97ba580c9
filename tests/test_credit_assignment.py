"""Credit assignment (Hammond et al. 2025 §2.1; Wolpert & Tumer 2001): a shared team
reward slows individual learning more the bigger the team; difference rewards do not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mesa_models import run
from mesa_models.miscoordination.credit_assignment import (
    TeamLearning,
    difference_reward,
    team_reward,
)


def _share_correct(steps, seeds=range(3), **params):
    return float(
        np.mean(
            [run(TeamLearning, steps, rng=s, **params)["share_correct"].iloc[-1] for s in seeds]
        )
    )


def test_difference_rewards_teach_everyone_quickly():
    assert _share_correct(300, n_agents=100, reward="difference") == 1.0


def test_team_reward_learning_slows_with_team_size():
    small, large = _share_correct(1000, n_agents=5), _share_correct(1000, n_agents=100)
    assert small >= 0.9
    assert large < 0.5
    assert _share_correct(500, n_agents=2) == 1.0


def test_a_credit_rule_can_be_injected():
    own = run(TeamLearning(rng=4, credit_rule=lambda agent, model: agent.contribution), 50)
    pd.testing.assert_frame_equal(own, run(TeamLearning, 50, rng=4, reward="difference"))
    model = TeamLearning(rng=0)
    model.step()
    agent = next(iter(model.agents))
    assert team_reward(agent, model) == model.team_score
    assert difference_reward(agent, model) == agent.contribution


def test_same_seed_same_frame():
    pd.testing.assert_frame_equal(run(TeamLearning, 80, rng=9), run(TeamLearning, 80, rng=9))


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"n_agents": -3}, "n_agents"),
        ({"exploration": 1.2}, "exploration"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"reward": "bonus"}, "reward"),
        ({"n_actions": 1}, "n_actions"),
    ],
)
def test_bad_parameters_name_themselves(params, name):
    with pytest.raises(ValueError, match=name):
        TeamLearning(rng=0, **params)


def test_bad_credit_rules_are_reported():
    def praise(agent, model):
        return "well done"

    with pytest.raises(
        ValueError, match=r"credit rule 'praise' returned 'well done'; allowed: a finite number"
    ):
        TeamLearning(rng=0, credit_rule=praise).step()
    with pytest.raises(TypeError, match="credit_rule"):
        TeamLearning(rng=0, credit_rule=3)

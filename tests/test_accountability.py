"""Accountability: Shapley values are efficient, symmetric and give a null player nothing (on
random games and the pipeline's incidents); incident attributions average to the expected
game's; last-actor blame falls on the human; determinism and bad input."""

from __future__ import annotations

import itertools
import math

import matplotlib
import numpy as np
import pytest

from mesa_models import run
from mesa_models.governance.accountability import (
    ROLES,
    AccountabilityModel,
    Incident,
    expected_attribution,
    last_actor_blame,
    pipeline_failure_probability,
    pipeline_game,
    shapley_values,
)

matplotlib.use("Agg")


def random_game(players, rng):
    worth = {frozenset(): 0.0}
    for size in range(1, len(players) + 1):
        for members in itertools.combinations(players, size):
            worth[frozenset(members)] = float(rng.normal())
    return worth.__getitem__


@pytest.mark.parametrize("seed", range(5))
def test_efficiency_on_random_games(seed):
    rng = np.random.default_rng(seed)
    players = list("abcde")[: 3 + seed % 3]
    game = random_game(players, rng)
    phi = shapley_values(game, players)
    assert sum(phi.values()) == pytest.approx(
        game(frozenset(players)) - game(frozenset()), abs=1e-12
    )


@pytest.mark.parametrize("seed", range(4))
def test_symmetry_and_null_player(seed):
    rng = np.random.default_rng(seed)
    base = random_game(["a", "b", "c"], rng)

    def game(s):  # d duplicates c; e never matters
        core = frozenset({"c"} if ({"c", "d"} & s) else set()) | (s & {"a", "b"})
        bonus = 0.7 if {"c", "d"} <= s else 0.0
        return base(core) + bonus

    phi = shapley_values(game, ["a", "b", "c", "d", "e"])
    assert phi["c"] == pytest.approx(phi["d"], abs=1e-12)
    assert phi["e"] == pytest.approx(0.0, abs=1e-12)
    assert sum(phi.values()) == pytest.approx(
        game(frozenset("abcde")) - game(frozenset()), abs=1e-12
    )


def test_known_games():
    majority = shapley_values(lambda s: float(len(s) >= 2), ["x", "y", "z"])
    assert all(v == pytest.approx(1 / 3) for v in majority.values())
    glove = shapley_values(
        lambda s: float(min(int("L" in s), int("R1" in s) + int("R2" in s))), ["L", "R1", "R2"]
    )
    assert glove == pytest.approx({"L": 2 / 3, "R1": 1 / 6, "R2": 1 / 6})
    weights = {"a": 3.0, "b": 1.0}
    assert shapley_values(lambda s: sum(weights[p] for p in s), ["a", "b"]) == pytest.approx(
        weights
    )


def test_an_incident_splits_among_the_necessary_causes():
    incident = Incident(
        ROLES,
        ("producer", "producer", "checker", "checker"),
        (0.05, 0.1, 0.3, 0.6),
        (0, 0, 0, 0),
        draws=(0.01, 0.5, 0.2, 0.4),
        harm=1.0,
    )
    assert incident.failed
    phi = incident.shapley()
    assert phi == pytest.approx({"planner": 1 / 3, "coder": 0.0, "tester": 1 / 3, "human": 1 / 3})
    assert last_actor_blame(incident) == {"planner": 0.0, "coder": 0.0, "tester": 0.0, "human": 1.0}
    # two producers both erred: either alone would have caused it
    both = Incident(
        ROLES, incident.kinds, incident.rates, incident.standards, (0.01, 0.05, 0.2, 0.4), 1.0
    )
    assert both.shapley()["planner"] == pytest.approx(both.shapley()["coder"])


def test_pipeline_failure_probability():
    kinds = ["producer", "producer", "checker", "checker"]
    assert pipeline_failure_probability(kinds, [0.05, 0.1, 0.3, 0.6]) == pytest.approx(
        (1 - 0.95 * 0.9) * 0.3 * 0.6
    )
    assert (
        pipeline_failure_probability(["checker", "producer"], [0.0, 0.5]) == 0.5
    )  # a check before any work does nothing
    game = pipeline_game(kinds, [0.05, 0.1, 0.3, 0.6], [0, 0, 0, 0.6])
    phi = shapley_values(game, range(4))
    assert phi[3] == pytest.approx(0.0, abs=1e-15)  # the human met the standard: a null player
    assert sum(phi.values()) == pytest.approx(game(frozenset(range(4))))


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("standard", [0.0, 0.6])
def test_incident_attributions_average_to_the_expected_game(seed, standard):
    tasks = 6000
    model = AccountabilityModel(rng=seed, human_standard=standard)
    model.run_for(tasks)
    exact = expected_attribution(human_standard=standard)
    fails = model.failed_tasks
    assert fails / tasks == pytest.approx(
        pipeline_failure_probability(["producer"] * 2 + ["checker"] * 2, [0.05, 0.1, 0.3, 0.6]),
        rel=0.25,
    )
    for role in ROLES:
        got = model.shapley_total[role] / tasks
        se = math.sqrt(
            max(exact[role], 1e-4) / tasks
        )  # Poisson-like bound on a per-task average in [0, 1]
        assert got == pytest.approx(exact[role], abs=3 * se), role
    # every incident's shares add up to its harm (nothing is unavoidable here)
    assert sum(model.shapley_total.values()) == pytest.approx(model.total_harm)


def test_the_moral_crumple_zone():
    frame = run(AccountabilityModel, 3000, rng=4, human_standard=0.6)
    last = frame.iloc[-1]
    assert last["blamed_human"] == 1.0
    assert last["shapley_human"] == 0.0  # the human did what could be asked: Shapley gives nothing
    perfect = run(AccountabilityModel, 3000, rng=4).iloc[-1]
    assert (
        0.25 < perfect["shapley_human"] < 0.45
    )  # with a perfect standard, the human shares with the tester
    assert perfect["shapley_human"] == pytest.approx(perfect["shapley_tester"], abs=1e-12)


def test_determinism_and_blame_rule():
    a, b, c = (run(AccountabilityModel, 500, rng=s) for s in (1, 1, 2))
    assert a.equals(b) and not a.equals(c)

    def share_equally(incident):
        return {r: incident.harm / 4 for r in incident.roles}

    frame = run(AccountabilityModel, 500, rng=1, blame_rule=share_equally)
    assert frame["blamed_coder"].iloc[-1] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="blame rule 'bad'"):

        def bad(incident):
            return {"intern": 1.0}

        AccountabilityModel(
            rng=1, blame_rule=bad, planner_error=1.0, tester_miss=1.0, human_miss=1.0
        ).step()
    with pytest.raises(TypeError, match="blame_rule"):
        AccountabilityModel(blame_rule="human")


def test_draw_state():
    import matplotlib.pyplot as plt

    model = AccountabilityModel(rng=1)
    model.run_for(300)
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "failures" in ax.get_title()
    plt.close(fig)


def test_bad_input():
    with pytest.raises(ValueError, match="'players'"):
        shapley_values(lambda s: 0.0, list(range(17)))
    with pytest.raises(ValueError, match="'players'"):
        shapley_values(lambda s: 0.0, ["a", "a"])
    with pytest.raises(TypeError, match="'value'"):
        shapley_values(3, ["a"])
    with pytest.raises(ValueError, match="value function 'nan_game'"):

        def nan_game(s):
            return math.nan

        shapley_values(nan_game, ["a"])
    with pytest.raises(ValueError, match="'rates'"):
        pipeline_failure_probability(["producer"], [1.5])
    with pytest.raises(ValueError, match="'kinds'"):
        pipeline_failure_probability(["maker"], [0.5])
    with pytest.raises(ValueError, match="'human_miss'"):
        AccountabilityModel(human_miss=2)
    with pytest.raises(ValueError, match="'harm'"):
        pipeline_game(["producer"], [0.1], [0.0], harm=-1)

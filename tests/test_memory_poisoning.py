"""Memory poisoning: the compromise returns after a reset but not after a purge (several
seeds); costs; the attacker's window; extension points; determinism; bad input."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from mesa_models import run
from mesa_models.security.memory_poisoning import MemoryAgent, MemoryPoisoning

matplotlib.use("Agg")

SEEDS = range(6)


def runs(rounds=80, **params):
    return [run(MemoryPoisoning, rounds, rng=seed, **params) for seed in SEEDS]


def test_compromise_outlives_the_attacker():
    for frame in runs(40, cleanup="none"):
        assert frame["compromised"].iloc[10] > 0  # the attack landed
        assert (
            frame["compromised"].iloc[40] > frame["compromised"].iloc[10]
        )  # and kept growing after it stopped


def test_reset_is_followed_by_reinfection():
    for frame in runs(cleanup="reset"):
        assert frame["compromised"].iloc[40] == 0.0  # behaviour restored ...
        assert frame["poisoned_memory"].iloc[40] > 0.3  # ... memory untouched
        assert frame["compromised"].iloc[41] > 0.3  # back within one round
        assert frame["compromised"].iloc[80] > 0.95


def test_purge_is_not_followed_by_reinfection():
    for frame in runs(cleanup="purge"):
        after = frame.loc[40:]
        assert (after["compromised"] == 0).all() and (after["poisoned_memory"] == 0).all()


def test_incomplete_purge_lets_the_compromise_return():
    late = [frame["compromised"].iloc[80] for frame in runs(cleanup="purge", purge_recall=0.98)]
    assert np.mean(late) > 0.5
    assert all(
        frame["compromised"].iloc[40] == 0 for frame in runs(45, cleanup="purge", purge_recall=0.98)
    )


def test_costs():
    model = MemoryPoisoning(
        rng=0,
        cleanup="purge",
        n_agents=50,
        memory_size=10,
        cleanup_round=5,
        reset_cost=2.0,
        scan_cost=0.5,
    )
    model.run_for(5)
    entries = 50 * 10
    assert model.cleanup_cost == pytest.approx(2.0 * 50 + 0.5 * entries)
    reset = MemoryPoisoning(rng=0, cleanup="reset", n_agents=50, cleanup_round=5, reset_cost=2.0)
    reset.run_for(6)
    assert reset.cleanup_cost == 100.0
    frame = reset.datacollector.get_model_vars_dataframe()
    assert frame["total_cost"].iloc[-1] == pytest.approx(frame["harm"].iloc[-1] + 100.0)
    assert (np.diff(frame["harm"]) >= 0).all()
    none = MemoryPoisoning(rng=0, cleanup="none", cleanup_round=3)
    none.run_for(5)
    assert none.cleanup_cost == 0.0


def test_no_attack_no_compromise():
    frame = run(MemoryPoisoning, 30, rng=1, attack_targets=0, cleanup="none")
    assert (frame["compromised"] == 0).all() and (frame["poisoned_memory"] == 0).all()


def test_no_spread_and_no_memory_means_attack_only_lasts_in_memory():
    # memory of one entry: the agent's own note replaces the poison at once, so only the
    # agents hit in a round can be compromised, and with spread 0 nobody else is
    frame = run(
        MemoryPoisoning,
        20,
        rng=2,
        memory_size=1,
        spread=0.0,
        attack_rounds=5,
        attack_targets=5,
        cleanup="none",
    )
    assert frame["compromised"].max() <= 25 / 100


def test_same_seed_same_run():
    a = run(MemoryPoisoning, 30, rng=3)
    assert a.equals(run(MemoryPoisoning, 30, rng=3)) and not a.equals(
        run(MemoryPoisoning, 30, rng=4)
    )


def test_extension_points():
    def wipe_memory(model):  # a custom clean-up: forget everything, keep behaviour
        for agent in model.population:
            agent.memory.clear()
        return 7.0

    model = MemoryPoisoning(rng=0, cleanup_policy=wipe_memory, cleanup_round=30)
    model.run_for(30)
    assert model.cleanup_cost == 7.0 and model.poisoned_share() == 0.0

    class Careful(MemoryAgent):
        def retrieve(self):
            return False  # never uses memory: never compromised

    class CarefulModel(MemoryPoisoning):
        agent_class = Careful

    assert run(CarefulModel, 20, rng=0)["compromised"].max() == 0.0

    class Broken(MemoryAgent):
        def retrieve(self):
            return "poison"

    class BrokenModel(MemoryPoisoning):
        agent_class = Broken

    with pytest.raises(ValueError, match="retrieve returned 'poison'"):
        BrokenModel(rng=0).step()
    with pytest.raises(ValueError, match="clean-up function 'bad' returned -1"):

        def bad(model):
            return -1

        MemoryPoisoning(rng=0, cleanup_policy=bad, cleanup_round=1).step()
    with pytest.raises(TypeError, match="'cleanup_policy'"):
        MemoryPoisoning(cleanup_policy="purge")


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="'attack_targets' got 20"):
        MemoryPoisoning(n_agents=10, attack_targets=20)
    with pytest.raises(ValueError, match="'cleanup' got 'wipe'"):
        MemoryPoisoning(cleanup="wipe")
    with pytest.raises(ValueError, match="'purge_recall' got 1.5"):
        MemoryPoisoning(purge_recall=1.5)
    model = MemoryPoisoning(rng=np.int64(1), n_agents=np.int64(20), spread=np.float64(0.5))
    model.step()


def test_draw_state():
    import matplotlib.pyplot as plt

    model = MemoryPoisoning(rng=0)
    model.run_for(15)
    fig, ax = plt.subplots()
    model.draw_state(ax)
    plt.close(fig)

"""Indirect reciprocity (Nowak & Sigmund 1998): norms, the q > c/b condition, errors of
perception, the NumPy engine's seed-for-seed agreement with the Mesa model, bad input."""

import numpy as np
import pytest

from mesa_models import run
from mesa_models.commitment.indirect_reciprocity import (
    IndirectReciprocity,
    Member,
    image_scoring,
    norm_table,
    reputation_fixed_point,
    standing,
)
from mesa_models.commitment.indirect_reciprocity_fast import simulate, threshold_sweep
from mesa_models.commitment.plots import known_share


def test_norm_tables():
    assert norm_table("image scoring").tolist() == [[False, False], [True, True]]
    assert norm_table("standing").tolist() == [
        [True, False],
        [True, True],
    ]  # [helped][recipient_good]
    assert norm_table("stern judging").tolist() == [[True, False], [False, True]]
    assert norm_table("shunning").tolist() == [[False, False], [False, True]]


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(q=0.5),
        dict(
            q=0.3,
            cost=0.2,
            execution_error=0.05,
            perception_error=0.05,
            norm="standing",
            allow_cooperators=True,
            initial_cooperators=0.2,
            rounds=300,
        ),
        dict(
            norm_rule=lambda helped, good: helped or not good,
            perception_error=0.1,
            n_agents=30,
            rounds=200,
        ),
    ],
)
def test_fast_engine_follows_the_mesa_model_seed_for_seed(kwargs):
    seeds = [3, 11]
    runs = simulate(seeds, 12, **kwargs)
    for k, seed in enumerate(seeds):
        frame = run(IndirectReciprocity, 12, rng=seed, **kwargs)
        for column in ("cooperation", "discriminators", "defectors", "cooperators", "good"):
            assert np.array_equal(frame[column].iloc[1:].to_numpy(), getattr(runs, column)[k]), (
                column
            )


def test_per_population_parameters_equal_separate_runs():
    both = simulate([4, 4], 5, q=[0.2, 0.9], cost=[0.1, 0.3])
    alone = simulate([4], 5, q=0.9, cost=0.3)
    assert np.array_equal(both.cooperation[1], alone.cooperation[0])


def test_same_seed_same_run_other_seed_other_run():
    a = run(IndirectReciprocity, 5, rng=1, q=0.6)
    assert a.equals(run(IndirectReciprocity, 5, rng=1, q=0.6))
    assert not a.equals(run(IndirectReciprocity, 5, rng=2, q=0.6))


def test_image_scoring_threshold_q_above_c_over_b_across_seeds():
    """Nowak & Sigmund (1998): discriminators resist defectors only if q > c/b. From an
    all-discriminator start with 1 % mutation, every seed collapses when q is below c/b
    and every seed keeps cooperating when q is clearly above it (newcomers without a
    record dilute the information: effective q = known_share x q, about 0.8 q)."""
    table = threshold_sweep(
        [0.2, 0.35, 0.8, 0.95], [0.3, 0.5], range(6), 150, initial_defectors=0.0
    )
    late = table.set_index(["c_over_b", "q", "seed"])["cooperation"]
    for ratio, below, above in ((0.3, 0.2, 0.8), (0.5, 0.35, 0.95)):
        assert (late.loc[ratio, below] < 0.1).all(), (ratio, below, late.loc[ratio, below].tolist())
        assert (late.loc[ratio, above] > 0.9).all(), (ratio, above, late.loc[ratio, above].tolist())
    assert 0.79 < known_share(100, 500) < 0.81


def test_perception_errors_break_image_scoring_but_not_standing():
    """Reputation dynamics among discriminators (Ohtsuki & Iwasa 2004): with errors of
    perception image scoring drifts to about half good reputations, standing stays near
    1 - error; cooperation follows, in every seed."""
    assert reputation_fixed_point("image scoring", 0.0, 0.05) == pytest.approx(0.5)
    assert reputation_fixed_point("standing", 0.0, 0.05) == pytest.approx(0.95)
    assert reputation_fixed_point("standing", 0.05, 0.05) == pytest.approx(0.95 / (1 + 0.05 * 0.9))
    common = dict(rounds=10_000, mutation=0.0, initial_defectors=0.0, perception_error=0.05)
    image = simulate(range(4), 1, norm="image scoring", **common).cooperation[:, 0]
    stand = simulate(range(4), 1, norm="standing", **common).cooperation[:, 0]
    assert (image < 0.65).all() and (stand > 0.93).all(), (image, stand)
    clean = simulate(
        range(4), 1, norm="image scoring", **{**common, "perception_error": 0.0}
    ).cooperation[:, 0]
    assert (clean == 1.0).all()


def test_member_subclass_changes_decisions():
    class Stingy(Member):
        def decide(self, recipient_good):
            return False

    model = IndirectReciprocity(rng=0, member_class=Stingy, rounds=50)
    model.step()
    assert model.cooperation == 0.0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(cost=1.0), ValueError, "'cost' got 1.0"),
        (dict(initial_cooperators=0.6, initial_defectors=0.6), ValueError, "'initial_defectors'"),
        (dict(norm="tit for tat"), ValueError, "'norm' got 'tit for tat'"),
        (dict(norm_rule=3), TypeError, "'norm'"),
        (dict(norm_rule=lambda h, g: "good"), ValueError, "returned 'good'"),
        (dict(member_class=int), TypeError, "'member_class'"),
        (dict(q=1.5), ValueError, "'q' got 1.5"),
        (dict(rounds="many"), TypeError, "'rounds'"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        IndirectReciprocity(rng=0, **kwargs)


def test_numpy_scalars_are_accepted():
    model = IndirectReciprocity(
        rng=np.int64(2), q=np.float64(0.4), n_agents=np.int64(20), rounds=np.int64(40)
    )
    model.step()
    runs = simulate(
        [np.int64(2)], np.int64(1), q=np.float64(0.4), n_agents=np.int64(20), rounds=np.int64(40)
    )
    assert runs.cooperation[0, 0] == model.cooperation


def test_simulate_refuses_bad_sweeps():
    with pytest.raises(ValueError, match="'q' has 2 values for 3 seeds"):
        simulate([1, 2, 3], 2, q=[0.1, 0.2])
    with pytest.raises(ValueError, match="'generations' got 0"):
        simulate([1], 0)
    with pytest.raises(ValueError, match="'seeds' is empty"):
        simulate([], 3)
    with pytest.raises(ValueError, match="encounters in all"):
        simulate(range(1000), 10_000, rounds=1_000_000)
    with pytest.raises(ValueError, match="GiB"):
        simulate(range(100), 1, rounds=1_000_000)
    with pytest.raises(ValueError, match="'rounds' got 0"):
        known_share(100, 0)
    with pytest.raises(ValueError, match="'cost' got 0.6"):
        simulate([1, 2], 2, cost=[0.1, 0.6], benefit=[1.0, 0.5])
    with pytest.raises(ValueError, match="'last' got 5"):
        simulate([1], 2).late_cooperation(5)
    with pytest.raises(ValueError, match="cost_over_benefit"):
        threshold_sweep([0.5], [1.2], [0], 2)

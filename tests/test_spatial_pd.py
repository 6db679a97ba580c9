"""Spatial prisoner's dilemma (Nowak & May 1992): Mesa model, NumPy engine, and the
published regimes. Fixed seeds throughout."""

import numpy as np
import pytest

from mesa_models import run
from mesa_models.conflict.spatial_pd import (
    SpatialPD,
    draw_transitions,
    imitate_best,
    late_share,
    nowak_may_payoff,
)
from mesa_models.conflict.spatial_pd_fast import (
    SpatialPDArray,
    block_max,
    block_sum,
    step_asynchronous,
)


def random_grid(seed, shape, share):
    return np.random.default_rng(seed).random(shape) < share


# -- the two engines agree ------------------------------------------------------------
@pytest.mark.parametrize("b", [1.9, 1.5, 1.65, 4 / 3])  # 1.5 and 4/3 produce exact C/D ties
def test_mesa_and_numpy_engines_agree_step_by_step(b):
    start = random_grid(7, (20, 16), 0.9)
    mesa_model = SpatialPD(width=20, height=16, b=b, initial=start, rng=0)
    array_model = SpatialPDArray(width=20, height=16, b=b, initial=start, rng=0)
    changed = 0
    for step in range(25):
        mesa_model.step()
        array_model.step()
        assert np.array_equal(mesa_model.strategies(), array_model.grid), (
            f"b={b}: grids differ at step {step + 1}"
        )
        changed += int(mesa_model.switched_share() > 0)
    assert changed >= 3  # the trajectory is not trivially frozen
    assert mesa_model.datacollector.get_model_vars_dataframe()[
        "cooperators"
    ].tolist() == pytest.approx(
        array_model.datacollector.get_model_vars_dataframe()["cooperators"].tolist()
    )


def test_engines_agree_asynchronously_given_the_same_order():
    start = random_grid(3, (12, 12), 0.8)
    mesa_model = SpatialPD(width=12, height=12, b=1.6, initial=start, asynchronous=True, rng=5)
    grid = start.copy()
    for step in range(6):
        mesa_model.step()
        grid = step_asynchronous(grid, mesa_model.payoffs, mesa_model.last_order)
        assert np.array_equal(mesa_model.strategies(), grid), (
            f"asynchronous grids differ at step {step + 1}"
        )


def test_block_helpers_on_a_torus():
    a = np.zeros((5, 4), dtype=int)
    a[0, 0] = 1
    s = block_sum(a)
    assert s.sum() == 9 and s[4, 3] == 1 and s[1, 1] == 1 and s[2, 2] == 0
    m = block_max(np.where(a == 1, 5.0, 0.0))
    assert m[4, 3] == 5.0 and m[2, 0] == 0.0


# -- known cases ------------------------------------------------------------------------
@pytest.mark.parametrize("engine", [SpatialPD, SpatialPDArray])
def test_single_defector_grows_into_a_3x3_block(engine):
    # A lone D scores 8b; its C neighbours score 8 and see nobody better than the D
    # (for b > 9/8), so the D's whole block defects after one step: Nowak & May's Fig. 1.
    start = np.ones((11, 11), dtype=bool)
    start[5, 5] = False
    model = engine(width=11, height=11, b=1.9, initial=start, rng=0)
    model.step()
    defectors = ~(model.strategies() if engine is SpatialPD else model.grid)
    assert defectors.sum() == 9 and defectors[4:7, 4:7].all()


class FakePlayer:
    def __init__(self, strategy, score, neighbours=()):
        self.strategy, self.score, self.neighbours = strategy, score, list(neighbours)

    def block(self):
        return [self, *self.neighbours]


@pytest.mark.parametrize(
    "me, others, expected",
    [
        (("C", 3.0), [("D", 3.0), ("C", 1.0)], "C"),  # exact tie: keep C
        (("D", 3.0), [("C", 3.0)], "D"),  # exact tie: keep D
        (
            ("D", 1.0),
            [("C", 2.0), ("D", 2.0)],
            "D",
        ),  # best C and best D tie; I am not among them: keep
        (("C", 1.0), [("D", 2.0), ("C", 1.5)], "D"),  # the strictly best strategy wins
    ],
)
def test_imitate_best_tie_breaking(me, others, expected):
    player = FakePlayer(*me, [FakePlayer(*o) for o in others])
    assert imitate_best(player) == expected


# -- the published regimes (NumPy engine, grids of at least 100x100) -----------------------
def test_spatial_chaos_at_b_1_9_averages_about_0_32():
    # Nowak & May (1992): for 1.8 < b < 2 the cooperator share fluctuates around 0.318.
    for seed in (0, 1):
        frame = run(
            SpatialPDArray, 300, rng=seed, width=100, height=100, b=1.9, initial_cooperators=0.9
        )
        share = late_share(frame["cooperators"], last=100)
        assert share == pytest.approx(0.32, abs=0.03), f"seed {seed}: late-step share {share:.3f}"
        assert (
            frame["cooperators"].iloc[-100:].std() > 0.005
        )  # still fluctuating: chaos, not a frozen state


def test_cooperators_take_over_for_small_b():
    frame = run(SpatialPDArray, 50, rng=0, width=100, height=100, b=1.1, initial_cooperators=0.5)
    assert frame["cooperators"].iloc[0] == pytest.approx(0.5, abs=0.02)
    assert frame["cooperators"].iloc[-1] > 0.95


def test_defectors_win_for_large_b():
    frame = run(SpatialPDArray, 100, rng=0, width=100, height=100, b=2.5, initial_cooperators=0.9)
    assert frame["cooperators"].iloc[-1] < 0.01


def test_asynchronous_updating_destroys_cooperation_at_b_1_9():
    # Huberman & Glance (1993): with one-at-a-time updates the b = 1.9 chaos disappears.
    sync = run(SpatialPDArray, 60, rng=0, width=40, height=40, b=1.9, initial_cooperators=0.9)
    asyn = run(
        SpatialPDArray,
        60,
        rng=0,
        width=40,
        height=40,
        b=1.9,
        initial_cooperators=0.9,
        asynchronous=True,
    )
    assert late_share(sync["cooperators"], 20) > 0.25
    assert late_share(asyn["cooperators"], 20) < 0.02
    mesa_async = run(
        SpatialPD, 15, rng=0, width=20, height=20, b=1.9, initial_cooperators=0.9, asynchronous=True
    )
    assert mesa_async["cooperators"].iloc[-1] < 0.05


# -- extension points, drawing, validation, determinism ------------------------------------
def test_update_rule_and_payoff_are_injectable():
    model = SpatialPD(width=8, height=8, rng=1, update_rule=lambda player: "D")
    model.step()
    assert model.cooperator_share() == 0.0
    doubled = SpatialPD(
        width=5,
        height=5,
        initial=np.ones((5, 5), bool),
        payoff=lambda m, o, b: 2 * nowak_may_payoff(m, o, b),
        rng=0,
    )
    assert {p.score for p in doubled.agents} == {18.0}


def test_draw_state_uses_four_colours(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = SpatialPDArray(width=30, height=30, rng=2)
    model.step()
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "cooperators" in ax.get_title()
    assert len(ax.get_legend().get_texts()) == 4
    plt.close(fig)
    with pytest.raises(ValueError):
        draw_transitions(ax, np.zeros(3), np.zeros(3))


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"b": 0.5}, ValueError, "'b'"),
        ({"width": 2}, ValueError, "'width'"),
        ({"initial": np.ones((4, 4), bool)}, ValueError, "'initial'"),
        ({"initial": np.full((50, 50), 2)}, ValueError, "'initial'"),
        ({"update_rule": 3}, TypeError, "'update_rule'"),
        ({"payoff": lambda m, o, b: "lots"}, ValueError, "payoff function"),
        ({"asynchronous": "yes"}, TypeError, "'asynchronous'"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        SpatialPD(rng=0, **kwargs)


def test_bad_update_rule_result_names_the_rule():
    def sulk(player):
        return "X"

    model = SpatialPD(width=5, height=5, rng=0, update_rule=sulk)
    with pytest.raises(ValueError, match="sulk.*'X'"):
        model.step()


def test_numpy_engine_validates_too():
    with pytest.raises(ValueError, match="initial_cooperators"):
        SpatialPDArray(initial_cooperators=1.5)
    with pytest.raises(ValueError, match="'last'"):
        late_share([0.1, 0.2], last=5)


@pytest.mark.parametrize(
    "engine, kwargs",
    [(SpatialPD, {}), (SpatialPDArray, {}), (SpatialPDArray, {"asynchronous": True})],
)
def test_same_seed_same_run(engine, kwargs):
    a = run(engine, 5, rng=11, width=15, height=15, **kwargs)
    b = run(engine, 5, rng=11, width=15, height=15, **kwargs)
    c = run(engine, 5, rng=12, width=15, height=15, **kwargs)
    assert a.equals(b)
    assert not a.equals(c)


def test_a_grid_too_large_for_mesa_is_refused_up_front():
    import time

    start = time.perf_counter()
    with pytest.raises(
        ValueError, match=r"1,000,000 cells would need about 2\.2 GB.*use SpatialPDArray"
    ):
        SpatialPD(width=1000, height=1000)
    assert time.perf_counter() - start < 1.0
    assert SpatialPDArray(width=1000, height=1000, rng=0).width == 1000

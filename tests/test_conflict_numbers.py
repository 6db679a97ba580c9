"""Every number stated in the prose of lessons/02_conflict.ipynb and of the model answer
in solutions/02_conflict_lab.ipynb, recomputed with the notebooks' seeds and rounding."""

import numpy as np
import pytest

from mesa_models import run
from mesa_models.conflict.commons import CommonsHarvest, gini, quota
from mesa_models.conflict.escalation import (
    STRATEGIES,
    ContriteTFT,
    GenerousTFT,
    IteratedDilemma,
    Pavlov,
    play_match,
    single_error_recovery,
)
from mesa_models.conflict.lab import reference_late_share
from mesa_models.conflict.spatial_pd import SpatialPD, late_share, nowak_may_payoff
from mesa_models.conflict.spatial_pd_fast import SpatialPDArray


def test_section_1_payoff_table():
    assert [nowak_may_payoff(m, o, 1.9) for m in "CD" for o in "CD"] == [1.0, 0.0, 1.9, 0.0]


def test_section_2_engines_identical_for_20_steps():
    start = np.random.default_rng(0).random((30, 30)) < 0.9
    mesa_model = SpatialPD(width=30, height=30, b=1.9, initial=start, rng=0)
    numpy_model = SpatialPDArray(width=30, height=30, b=1.9, initial=start, rng=0)
    for _ in range(20):
        mesa_model.step()
        numpy_model.step()
        assert (mesa_model.strategies() == numpy_model.grid).all()


def test_section_2_three_regimes():
    late = {
        b: late_share(
            run(SpatialPDArray, 300, rng=0, width=100, height=100, b=b, initial_cooperators=0.9)[
                "cooperators"
            ],
            last=100,
        )
        for b in (1.1, 1.9, 2.2)
    }
    assert f"{late[1.1]:.0%}" == "98%"
    assert round(late[1.9], 2) == 0.32
    assert f"{late[2.2]:.0%}" == "3%"
    # "a 50 % start gives the same level"
    half = late_share(
        run(SpatialPDArray, 300, rng=0, width=100, height=100, b=1.9, initial_cooperators=0.5)[
            "cooperators"
        ],
        last=100,
    )
    assert round(half, 2) == 0.32


def test_section_2_asynchronous_contrast():
    sync = run(SpatialPDArray, 60, rng=0, width=50, height=50, b=1.9)["cooperators"]
    asyn = run(SpatialPDArray, 60, rng=0, width=50, height=50, b=1.9, asynchronous=True)[
        "cooperators"
    ]
    assert f"{late_share(sync, 20):.0%}" == "30%"
    assert late_share(asyn, 20) < 0.01
    assert int((asyn < 0.01).idxmax()) == 33


def test_section_3_commons_table():
    settings = {
        "greedy": {},
        "restrained": {"policy": "restrained"},
        "sanctioned": {"fine": 2.0, "monitoring": 0.5},
        "quota": {"harvest_policy": quota(0.1)},
    }
    result = {}
    for name, kwargs in settings.items():
        models = []
        for seed in range(8):
            model = CommonsHarvest(rng=seed, **kwargs)
            model.run_for(300)
            models.append(model)
        collapse = [m.time_to_collapse for m in models if m.time_to_collapse is not None]
        welfare = np.mean([m.welfare() for m in models])
        equality = np.mean([1 - gini([max(h.payoff, 0) for h in m.agents]) for m in models])
        result[name] = (collapse, welfare, equality)
    collapse, welfare, _ = result["greedy"]
    assert len(collapse) == 8 and np.median(collapse) == 75.5
    assert round(welfare, -1) == 150
    assert result["restrained"][0] == [] and round(result["restrained"][1]) == 1285
    assert result["restrained"][1] / welfare > 8
    assert result["sanctioned"][0] == [] and round(result["sanctioned"][1]) == 1123
    assert (
        result["quota"][0] == [] and round(result["quota"][1]) == 372 and result["quota"][2] == 1.0
    )


def test_section_4_escalation_numbers():
    first, second = play_match(STRATEGIES["TFT"], STRATEGIES["TFT"], 14, errors=[(3, 0)])
    assert first[3:] == ["D", "C"] * 5 + ["D"] and second[4:] == ["D", "C"] * 5
    for strategy in (ContriteTFT, Pavlov):
        assert single_error_recovery(strategy)["rounds_to_recover"] == 2
    assert 2 < single_error_recovery(GenerousTFT)["rounds_to_recover"] < 5  # "a few rounds"
    payoff = {
        name: run(
            IteratedDilemma, 200, rng=1, strategy_a=name, strategy_b=name, noise=0.05, n_pairs=100
        )["payoff"]
        .iloc[1:]
        .mean()
        for name in ("TFT", "GTFT", "CTFT")
    }
    assert (
        f"{payoff['TFT']:.2f}" == "2.25" and round(1 - payoff["TFT"] / 3, 2) == 0.25
    )  # "a quarter"
    assert f"{payoff['GTFT']:.2f}" == "2.86"
    assert f"{payoff['CTFT']:.2f}" == "2.90"
    for name in ("TFT", "GTFT", "CTFT", "WSLS"):
        noiseless = run(
            IteratedDilemma, 50, rng=1, strategy_a=name, strategy_b=name, noise=0.0, n_pairs=5
        )
        assert (noiseless["payoff"].iloc[1:] == 3.0).all()


def test_lab_model_answer_numbers():
    assert f"{reference_late_share(1.1):.0%}" == "98%"
    assert f"{reference_late_share(1.75):.0%}" == "71%"  # "about 70 %"
    assert round(reference_late_share(1.9), 2) == 0.32
    assert reference_late_share(2.05) < 0.05  # "a few per cent" above b = 2
    asyn = {
        b: run(
            SpatialPDArray,
            40,
            rng=0,
            width=30,
            height=30,
            b=b,
            initial_cooperators=0.9,
            asynchronous=True,
        )["cooperators"]
        .iloc[-10:]
        .mean()
        for b in (1.7, 1.9)
    }
    assert asyn[1.9] == 0.0 and asyn[1.7] > 0.5


@pytest.mark.parametrize("b", [1.79, 1.81])
def test_b_thresholds_are_jumps(b):
    # The lesson's dashboard prompt: 1.79 and 1.81 fall on different steps of the staircase.
    share = late_share(
        run(SpatialPDArray, 150, rng=0, width=60, height=60, b=b, initial_cooperators=0.9)[
            "cooperators"
        ],
        50,
    )
    assert (share > 0.6) if b < 1.8 else (share < 0.4)


def test_lab_flat_versus_graduated_at_their_weakest_fines():
    """Lab 02 exercise 3's figure: the graduated rule prevents collapse with half the flat
    rule's fine (1.0 vs 2.0), but over the last 50 steps it keeps less stock and its
    harvesters eat less (seeds 0-3, monitoring 0.5, 300 steps)."""
    from mesa_models.conflict import CommonsHarvest, protect_last_apples
    from mesa_models.conflict.lab import graduated_reference

    def outcome(rule, fine):
        stock, welfare = [], []
        for seed in range(4):
            model = CommonsHarvest(rng=seed, fine=fine, monitoring=0.5, sanction_rule=rule)
            model.run_for(300)
            assert model.time_to_collapse is None
            stock.append(model.datacollector.get_model_vars_dataframe()["stock"].iloc[-50:].mean())
            welfare.append(model.welfare())
        return sum(stock) / 4, sum(welfare) / 4

    flat, graduated = outcome(protect_last_apples, 2.0), outcome(graduated_reference, 1.0)
    assert graduated[0] < 0.5 * flat[0] and graduated[1] < 0.5 * flat[1]

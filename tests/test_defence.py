"""Defence under a budget: the monitor's rates, the containment threshold, the monotone
trade-off without a budget (and its break with one), segmentation, least privilege and
manifests; the NumPy engine agrees with the Mesa model; determinism and bad input."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

from mesa_models import run
from mesa_models.security import lab
from mesa_models.security.defence import (
    DefenceModel,
    critical_detection,
    defence_growth_factor,
    monitor_rates,
    role_blast_radii,
    segment_sizes,
    threshold_for_detection,
)
from mesa_models.security.defence_fast import (
    DefenceArray,
    policy_outcome,
    simulate_defence,
    threshold_sweep,
)
from mesa_models.security.manifests import (
    ALL_TOOLS,
    LEAST_PRIVILEGE,
    ROLE_TASKS,
    ROLES,
    TASK_OPTIONS,
    TOOL_HARM,
    blast_radius,
    can_do_job,
    missing_tasks,
    validate_manifests,
)

matplotlib.use("Agg")

# -- formulas ---------------------------------------------------------------------------------------------


def test_monitor_rates_are_signal_detection():
    detection, false_alarm = monitor_rates(1.5, 1.0)
    assert detection == pytest.approx(0.6914625, abs=1e-6) and false_alarm == pytest.approx(
        0.1586553, abs=1e-6
    )
    assert monitor_rates(0.0, 0.5)[0] == pytest.approx(
        monitor_rates(0.0, 0.5)[1]
    )  # a blind monitor
    assert monitor_rates(1.5, threshold_for_detection(1.5, 0.3))[0] == pytest.approx(0.3)


def test_containment_condition():
    # (1 - d)(1 - gamma + beta / 2) <= 1  <=>  d >= 1 - 1 / (1 - gamma + beta / 2)
    d = critical_detection(0.8, 0.1)
    assert d == pytest.approx(1 - 1 / 1.3)
    assert defence_growth_factor(0.8, 0.1, d) == pytest.approx(1.0)
    assert (
        critical_detection(0.4, 0.3) == 0.0
    )  # beta <= 2 gamma: nothing to do (Gu et al.'s principle)
    assert threshold_for_detection(1.5, d) == pytest.approx(2.2363, abs=1e-4)


@pytest.mark.parametrize("seeds", [range(10), range(10, 20)])
def test_quarantine_contains_below_the_threshold_and_not_above(seeds):
    t_star = threshold_for_detection(1.5, critical_detection(0.8, 0.1))
    below = policy_outcome(100, seeds, threshold=t_star - 0.5)
    above = policy_outcome(100, seeds, threshold=t_star + 0.75)
    assert below["infected"] == 0.0
    assert above["infected"] > 0.3


@pytest.mark.parametrize("seeds", [range(8), range(30, 38)])
def test_without_a_budget_the_tradeoff_is_monotone(seeds):
    sweep = threshold_sweep(np.round(np.arange(0, 3.01, 0.5), 2), rounds=80, seeds=seeds)
    # lower threshold: strictly more false alarms ...
    assert (np.diff(sweep["false_alarm_cost"]) < 0).all()
    # ... and never more infection (within two standard errors)
    infected, se = sweep["infected"].to_numpy(), sweep["infected_se"].fillna(0).to_numpy()
    for low, high in zip(range(len(sweep) - 1), range(1, len(sweep)), strict=True):
        assert infected[low] <= infected[high] + 2 * math.hypot(se[low], se[high]) + 1e-12


def test_a_budget_breaks_monotonicity():
    sweep = threshold_sweep([0.5, 2.0, 3.0], rounds=100, seeds=range(12), capacity=0.1)
    assert (
        sweep.loc[0.5, "infected"] > sweep.loc[2.0, "infected"] + 0.3
    )  # too vigilant: quarantine full of false alarms
    assert sweep.loc[3.0, "infected"] > sweep.loc[2.0, "infected"] + 0.3  # too lax: carriers missed


def test_segmentation_caps_an_isolated_outbreak():
    finals = {
        s: policy_outcome(150, range(8), quarantine=False, segments=s, cross_traffic=0.0)[
            "infected"
        ]
        for s in (1, 2, 4, 8)
    }
    values = [finals[s] for s in (1, 2, 4, 8)]
    assert all(a > b for a, b in zip(values, values[1:]))
    for s, value in finals.items():
        assert value == pytest.approx(0.75 * segment_sizes(200, s)[0] / 200, abs=0.03)


def test_cross_traffic_delays_but_does_not_stop():
    sealed = simulate_defence(150, 8, rng=1, quarantine=False, segments=4, cross_traffic=0.0)[
        "infected"
    ]
    leaky = simulate_defence(150, 8, rng=1, quarantine=False, segments=4, cross_traffic=0.02)[
        "infected"
    ]
    open_ = simulate_defence(150, 8, rng=1, quarantine=False)["infected"]
    assert (
        leaky[:, -20:].mean() == pytest.approx(open_[:, -20:].mean(), abs=0.03)
        and sealed[:, -20:].mean() < 0.25
    )
    half = lambda series: np.median((series >= 0.375).argmax(axis=1))  # noqa: E731
    assert half(leaky) > half(open_) + 5


def test_least_privilege_limits_harm_not_spread():
    full = policy_outcome(100, range(8), quarantine=False)
    least = policy_outcome(100, range(8), quarantine=False, least_privilege=True)
    assert least["infected"] == pytest.approx(full["infected"])  # same seeds, same spread
    ratio = np.mean(list(role_blast_radii(True).values())) / np.mean(
        list(role_blast_radii(False).values())
    )
    assert least["harm"] / full["harm"] == pytest.approx(ratio, rel=0.05)


# -- manifests ------------------------------------------------------------------------------------------------


def test_least_privilege_manifests_are_minimal_and_sufficient():
    best = lab.reference_design_manifests(ROLE_TASKS, TASK_OPTIONS, TOOL_HARM)
    for role in ROLES:
        assert can_do_job(role, LEAST_PRIVILEGE[role]) and can_do_job(role, ALL_TOOLS[role])
        assert blast_radius(LEAST_PRIVILEGE[role]) == blast_radius(best[role])
    assert blast_radius(ALL_TOOLS["coder"]) == sum(TOOL_HARM.values())
    assert missing_tasks("support", {"read_tickets", "reply_ticket"}) == ["issue refunds"]


def test_manifest_errors():
    with pytest.raises(ValueError, match="'root_shell'.*not in the tool catalogue"):
        blast_radius({"read_docs", "root_shell"})
    with pytest.raises(TypeError, match="set of tool names"):
        blast_radius("read_docs")
    with pytest.raises(ValueError, match="'role' got 'ceo'"):
        can_do_job("ceo", set())
    with pytest.raises(ValueError, match="'support' cannot do the task 'issue refunds'"):
        validate_manifests({**LEAST_PRIVILEGE, "support": {"read_tickets", "reply_ticket"}})
    with pytest.raises(ValueError, match="no manifest for role 'operator'"):
        validate_manifests({r: t for r, t in LEAST_PRIVILEGE.items() if r != "operator"})


# -- the two engines ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        dict(quarantine=False, initial_infected=6),
        dict(threshold=2.5, initial_infected=10),
        dict(threshold=1.0, capacity=0.2, initial_infected=10),
        dict(quarantine=False, segments=2, cross_traffic=0.05, initial_infected=6),
    ],
    ids=["no defence", "weak monitor", "budget", "segments"],
)
def test_engines_agree_in_distribution(settings):
    rounds, params = 20, dict(n_agents=100, **settings)
    mesa = np.array(
        [run(DefenceModel, rounds, rng=seed, **params)["infected"].to_numpy() for seed in range(30)]
    )
    fast = simulate_defence(rounds, 2000, rng=1, **params)["infected"]
    for t in (1, 5, 10, 20):
        se = math.hypot(
            mesa[:, t].std(ddof=1) / math.sqrt(len(mesa)),
            fast[:, t].std(ddof=1) / math.sqrt(len(fast)),
        )
        assert abs(mesa[:, t].mean() - fast[:, t].mean()) < 4 * se + 1e-9, (
            t,
            mesa[:, t].mean(),
            fast[:, t].mean(),
            se,
        )


def test_defence_array_is_the_batch_engine_with_one_run():
    frame = run(DefenceArray, 30, rng=3, capacity=0.1, segments=2)
    batch = simulate_defence(30, 1, rng=3, capacity=0.1, segments=2).frame()
    assert np.allclose(frame.to_numpy(), batch.to_numpy())


def test_same_seed_same_run():
    for model in (DefenceModel, DefenceArray):
        a = run(model, 20, rng=5)
        assert a.equals(run(model, 20, rng=5)) and not a.equals(run(model, 20, rng=6))
    assert policy_outcome(30, [1, 2]) == policy_outcome(30, [1, 2]) != policy_outcome(30, [3, 4])


def test_quarantine_bookkeeping():
    everyone = lambda agent: True  # noqa: E731  (a monitor that flags every agent)
    model = DefenceModel(rng=0, monitor=everyone, quarantine_rounds=2)
    model.step()
    assert model.count(lambda a: not a.active) == 200 and model.new_false_alarms == 196
    model.step()  # nobody active, clocks run down; released agents are purged
    model.step()
    assert model.count(lambda a: a.carrier) == 0
    budget = DefenceModel(rng=0, monitor=everyone, capacity=0.1)
    budget.step()
    assert budget.count(lambda a: not a.active) == 20


def test_custom_monitor():
    perfect = DefenceModel(rng=0, monitor=lambda agent: agent.carrier)
    perfect.run_for(5)
    assert perfect.count(lambda a: a.carrier and a.active) == 0 and perfect.new_false_alarms == 0
    with pytest.raises(ValueError, match="monitor 'maybe' returned 'yes'"):

        def maybe(agent):
            return "yes"

        DefenceModel(rng=0, monitor=maybe).step()
    with pytest.raises(TypeError, match="'monitor'"):
        DefenceModel(monitor=0.5)


def test_custom_manifests():
    model = DefenceModel(rng=0, manifests={**LEAST_PRIVILEGE, "coder": {"edit_repo", "run_code"}})
    assert model.blast_radii["coder"] == 13
    with pytest.raises(ValueError, match="'coder' cannot do the task 'test code'"):
        DefenceModel(manifests={**LEAST_PRIVILEGE, "coder": {"edit_repo"}})


def test_bad_input_names_the_parameter():
    for model in (DefenceModel, DefenceArray):
        with pytest.raises(ValueError, match="'segments' got 20"):
            model(n_agents=30, segments=20)
        with pytest.raises(ValueError, match="'initial_infected' got 60"):
            model(segments=4, initial_infected=60)
        with pytest.raises(ValueError, match="'capacity' got 2"):
            model(capacity=2)
    with pytest.raises(ValueError, match=r"'runs'.*MB"):
        simulate_defence(10, 10_000, n_agents=20_000)
    with pytest.raises(TypeError, match="'runs'"):
        simulate_defence(10, 2.5)
    with pytest.raises(ValueError, match="'last'"):
        policy_outcome(10, [0], last=20)
    with pytest.raises(TypeError, match="'seeds'"):
        policy_outcome(10, "0")
    with pytest.raises(ValueError, match="'seeds'"):
        policy_outcome(10, [])
    with pytest.raises(ValueError, match="'detection'"):
        threshold_for_detection(1.5, 1.0)
    with pytest.raises(TypeError, match="'threshold'"):
        monitor_rates(1.5, "high")
    model = DefenceModel(rng=np.int64(2), n_agents=np.int64(50), threshold=np.float64(1.5))
    model.step()
    assert simulate_defence(np.int64(3), np.int64(2), rng=0, threshold=np.float64(2.0))[
        "infected"
    ].shape == (2, 4)


def test_draw_state():
    import matplotlib.pyplot as plt

    for model in (DefenceModel(rng=0, segments=4), DefenceArray(rng=0, segments=4)):
        model.run_for(3)
        fig, ax = plt.subplots()
        model.draw_state(ax)
        plt.close(fig)
        assert set(np.unique(model.states())) <= {0, 1, 2, 3}

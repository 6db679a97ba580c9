"""Conventions model (Young 1993; Hammond et al. 2025 §2.1, Case Study 1): emergence,
topology, zero-shot meetings, cheap talk, validation, determinism."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from mesa_models import run
from mesa_models.miscoordination.conventions import (
    ACTIONS,
    Conventions,
    emergence_time,
    follow_signal,
    ignore_signal,
)


def test_a_convention_emerges_on_a_connected_small_world():
    model = Conventions(rng=1, topology="small world", n_agents=100)
    assert nx.is_connected(model.graph)
    frame = run(model, 150)
    assert emergence_time(frame, 0.95) is not None
    assert frame["agreement"].iloc[-1] >= 0.95
    # once agreed, drivers rarely crash: only noise makes them (noise 0.02 -> about 2 %)
    assert frame["miscoordination"].iloc[-20:].mean() < 0.06


def test_which_side_wins_is_arbitrary():
    """Symmetric game: across seeds both conventions win sometimes."""
    winners = {
        run(Conventions, 60, rng=s, topology="complete").share_left.iloc[-1] > 0.5 for s in range(8)
    }
    assert winners == {True, False}


def test_dense_networks_agree_faster_than_ring_lattices():
    def median_time(topology):
        times = [emergence_time(run(Conventions, 200, rng=s, topology=topology)) for s in range(4)]
        return sorted(t if t is not None else math.inf for t in times)[1:3]

    complete, ring = median_time("complete"), median_time("ring lattice")
    assert max(complete) <= 10
    assert min(ring) > 3 * max(complete)


def test_isolated_populations_miscoordinate_at_first_contact():
    """Groups that settled on opposite sides crash in most cross meetings at contact;
    groups that happened to settle on the same side do not."""
    apart, together = [], []
    for seed in range(8):
        frame = run(Conventions, 62, rng=seed, groups=2, topology="random", contact_step=60)
        a, b = frame.share_left_A[60], frame.share_left_B[60]
        assert math.isnan(frame.cross_miscoordination[60])  # no meetings before contact
        rate = frame.cross_miscoordination[61]
        if min(a, b) <= 0.1 and max(a, b) >= 0.9:
            apart.append(rate)
        elif min(a, b) >= 0.9 or max(a, b) <= 0.1:
            together.append(rate)
    assert len(apart) >= 3 and len(together) >= 2
    assert min(apart) > 0.6
    assert max(together) < 0.2


def test_cheap_talk_cuts_cross_group_crashes_and_noise_hurts():
    def mean_cross(**kw):
        rates = []
        for seed in (2, 3, 4):  # seeds whose complete-graph groups settle on opposite sides
            frame = run(
                Conventions, 100, rng=seed, groups=2, topology="complete", contact_step=40, **kw
            )
            rates.append(frame.cross_miscoordination[41:].mean())
        return sum(rates) / len(rates)

    silent = mean_cross()
    clean = mean_cross(cheap_talk=True, signal_noise=0.0)
    noisy = mean_cross(cheap_talk=True, signal_noise=0.3)
    assert silent > 0.8
    assert clean < 0.05
    assert clean < noisy < silent


def test_ignore_signal_is_the_same_as_no_talk_for_collisions():
    a = run(Conventions, 30, rng=4, groups=2, topology="complete", contact_step=10)
    model = Conventions(
        rng=4,
        groups=2,
        topology="complete",
        contact_step=10,
        cheap_talk=True,
        signal_noise=0.0,
        signal_rule=ignore_signal,
    )
    b = run(model, 30)
    pd.testing.assert_series_equal(a.share_left_A, b.share_left_A)
    pd.testing.assert_series_equal(a.miscoordination, b.miscoordination)


def test_same_seed_same_frame():
    kw = dict(groups=2, topology="small world", contact_step=20, cheap_talk=True)
    pd.testing.assert_frame_equal(
        run(Conventions, 40, rng=7, **kw), run(Conventions, 40, rng=7, **kw)
    )
    assert not run(Conventions, 40, rng=7, **kw).equals(run(Conventions, 40, rng=8, **kw))


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"n_agents": -5}, "n_agents"),
        ({"noise": 1.5}, "noise"),
        ({"signal_noise": -0.1}, "signal_noise"),
        ({"initial_left": 2}, "initial_left"),
        ({"rewire_prob": -0.01}, "rewire_prob"),
        ({"degree": 5}, "degree"),
        ({"degree": 100, "n_agents": 50}, "degree"),
        ({"topology": "grid"}, "topology"),
    ],
)
def test_bad_parameters_name_themselves(params, name):
    with pytest.raises(ValueError, match=name):
        Conventions(rng=0, **params)


def test_rules_returning_invalid_sides_are_reported():
    def keep_middle(agent, observed):
        return "middle"

    with pytest.raises(
        ValueError, match=r"response rule 'keep_middle' returned 'middle'; allowed: 'left', 'right'"
    ):
        Conventions(rng=0, response_rule=keep_middle).step()

    def shout(agent, signal):
        return signal.upper()

    with pytest.raises(
        ValueError,
        match=r"signal rule 'shout' returned 'LEFT'|signal rule 'shout' returned 'RIGHT'",
    ):
        Conventions(rng=0, cheap_talk=True, signal_rule=shout).step()
    with pytest.raises(TypeError, match="response_rule"):
        Conventions(rng=0, response_rule="majority")


def test_rules_have_the_documented_signatures():
    model = Conventions(rng=0)
    driver = next(iter(model.agents))
    assert follow_signal(driver, "left") == "left"
    assert ignore_signal(driver, "left") == driver.side
    assert set(ACTIONS) == {"left", "right"}
    assert {d.group for d in model.agents} == {0}

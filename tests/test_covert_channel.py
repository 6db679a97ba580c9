"""A covert channel (Motwani et al. 2024): what an overseer who reads the messages can and
cannot see under each code, what outcome monitoring sees, and what paraphrasing does."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import stats

from mesa_models import run
from mesa_models.information.covert_channel import CovertChannel, Overseer, Sender

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_plain_messages_are_read_by_the_overseer(seed):
    frame = run(CovertChannel, 10, rng=seed, code="plain")
    assert (frame["overseer_accuracy"][1:] == 1).all() and (
        frame["colluder_accuracy"][1:] == 1
    ).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_a_private_code_is_broken_from_audits_but_not_without(seed):
    audited = run(CovertChannel, 10, rng=seed, code="private code", audit_rate=0.1)
    assert (audited["overseer_accuracy"][3:] == 1).all()
    blind = run(CovertChannel, 10, rng=seed, code="private code", audit_rate=0.0)
    assert blind["overseer_accuracy"][1:].max() < 0.4  # guessing one fixed value: about 1/4


@pytest.mark.parametrize("seed", SEEDS)
def test_keyed_stego_is_invisible_to_readers_but_not_to_outcome_monitoring(seed):
    model = CovertChannel(rng=seed, code="keyed stego", audit_rate=0.2)
    model.run_for(50)  # 10,000 messages
    assert model.colluder_bits == pytest.approx(2, abs=0.01)
    assert model.overseer_bits < 0.01
    frame = model.datacollector.get_model_vars_dataframe()
    assert abs(frame["overseer_accuracy"][1:].mean() - 0.25) < 0.02  # chance
    # the wordings are as uniform as innocent traffic: a chi-square test finds nothing
    assert stats.chisquare(model.wording_counts).pvalue > 0.001
    # the receiver's actions still reveal that the secret got through
    assert model.outcome_bits > 1.9


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_paraphrasing_cuts_the_hidden_channel(p):
    model = CovertChannel(rng=0, code="keyed stego", paraphrase=p, n_messages=2000)
    model.run_for(5)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["colluder_accuracy"][1:].mean() == pytest.approx((1 - p) + p / 4, abs=0.02)
    plain = CovertChannel(rng=0, code="plain", paraphrase=p)
    plain.run_for(2)
    assert plain.colluder_accuracy == 1.0  # paraphrasing keeps the meaning


def test_same_seed_same_run():
    a, b, c = (run(CovertChannel, 5, rng=s) for s in (3, 3, 4))
    assert a.equals(b) and not a.equals(c)


def test_smarter_overseer_subclass():
    class Knows(
        Overseer
    ):  # an overseer that has stolen the key stream cannot exist here; one that guesses 3
        def guess(self, content, wording):
            return np.full_like(wording, 3)

    class Channel(CovertChannel):
        overseer_class = Knows

    model = Channel(rng=0)
    model.run_for(3)
    assert abs(model.overseer_accuracy - 0.25) < 0.1


def test_bad_encoder_is_named():
    class Broken(Sender):
        def encode(self, secrets, innocent, keys):
            return secrets, secrets + 10

    class Channel(CovertChannel):
        sender_class = Broken

    with pytest.raises(ValueError, match="Sender.encode returned wording"):
        Channel(rng=0).step()


def test_draw_state():
    model = CovertChannel(rng=0)
    model.run_for(2)
    fig, ax = plt.subplots()
    model.draw_state(ax)
    assert "innocent" in ax.get_title()
    plt.close(fig)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"code": "rot13"}, ValueError, "'code' got 'rot13'"),
        ({"n_symbols": 1}, ValueError, "'n_symbols' got 1"),
        ({"audit_rate": 1.1}, ValueError, "'audit_rate' got 1.1"),
        ({"paraphrase": -0.1}, ValueError, "'paraphrase' got -0.1"),
        ({"n_messages": 0}, ValueError, "'n_messages' got 0"),
        ({"n_messages": 2.5}, TypeError, "'n_messages' got 2.5"),
    ],
)
def test_bad_input_gives_clear_errors(kwargs, error, words):
    with pytest.raises(error, match=words):
        CovertChannel(rng=0, **kwargs)


def test_numpy_scalars_are_accepted():
    model = CovertChannel(rng=np.int64(0), n_messages=np.int64(10), paraphrase=np.float64(0.2))
    model.step()
    assert model.n_messages == 10

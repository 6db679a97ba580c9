"""Program equilibrium (Tennenholtz 2004): transparent programs cooperate in a one-shot
dilemma; noisy inspection and disguised programs break it."""

import numpy as np
import pytest

from mesa_models import run
from mesa_models.commitment.chicken import replicator
from mesa_models.commitment.program_equilibrium import (
    CliqueBot,
    Impostor,
    Program,
    ProgramDilemma,
    cooperation_probability,
    play_programs,
    program_payoff_matrix,
)


def late(frame, column, last=50):
    return frame[column].iloc[-last:].mean()


def test_clique_bots_cooperate_and_deviating_does_not_pay():
    assert play_programs("clique", "clique") == ("C", "C")
    assert play_programs("clique", "defect") == ("D", "D")
    m = program_payoff_matrix(["clique", "defect", "cooperate"])
    assert m[0, 0] == 3 and m[1, 0] == 1 and m[2, 0] == 0  # any deviation earns less than 3


def test_program_equilibrium_holds_in_the_population_across_seeds():
    for seed in range(3):
        frame = run(ProgramDilemma, 200, rng=seed)
        assert late(frame, "cooperation") == 1.0 and frame["clique"].iloc[-1] == 1.0


def test_noisy_inspection_lowers_cooperation_then_lets_defectors_in():
    eps = 0.1
    assert program_payoff_matrix(["clique"], inspection_noise=eps)[0, 0] == pytest.approx(
        3 - eps - eps**2
    )
    threshold = (-5 + np.sqrt(33)) / 2  # AllD vs CliqueBot = 1 + 4 eps beats 3 - eps - eps^2
    assert threshold == pytest.approx(0.3723, abs=1e-4)
    for seed in range(3):
        mild = run(ProgramDilemma, 200, rng=seed, inspection_noise=0.1)
        assert late(mild, "cooperation") == pytest.approx(
            1 - 0.1, abs=0.03
        )  # each CliqueBot misreads 10 % of the time
        assert mild["clique"].iloc[-1] == 1.0
        harsh = run(ProgramDilemma, 300, rng=seed, inspection_noise=0.45)
        assert late(harsh, "cooperation") < 0.35 and harsh["clique"].iloc[-1] < 0.8


def test_disguise_breaks_program_equilibrium_below_half_detection():
    """An impostor earns 1 + 4 (1 - d) against CliqueBots: more than their 3 iff d < 1/2."""
    m = program_payoff_matrix(["clique", "impostor"], detection=0.4)
    assert m[1, 0] == pytest.approx(3.4) and m[0, 0] == 3
    for seed in range(3):
        fooled = run(ProgramDilemma, 300, rng=seed, detection=0.2)
        assert late(fooled, "cooperation") < 0.2 and fooled["impostor"].iloc[-1] > 0.8
        careful = run(ProgramDilemma, 300, rng=seed, detection=0.8)
        assert late(careful, "cooperation") > 0.95


def test_population_agrees_with_exact_expectations():
    model = ProgramDilemma(
        rng=2,
        n_agents=1000,
        inspection_noise=0.2,
        detection=0.5,
        imitation=0.0,
        initial_clique=0.5,
        initial_defect=0.2,
        initial_impostor=0.2,
    )
    coop = run(model, 30)["cooperation"].iloc[1:].mean()
    shares = {"clique": 0.5, "defect": 0.2, "impostor": 0.2, "cooperate": 0.1}
    exact = sum(
        sa * sb * cooperation_probability(a, b, 0.2, 0.5)
        for a, sa in shares.items()
        for b, sb in shares.items()
    )
    assert coop == pytest.approx(exact, abs=0.01)
    path = replicator(program_payoff_matrix(detection=0.2), [0.9, 0.05, 0.0, 0.05], 400, rate=0.1)
    assert path[-1][3] > 0.9  # impostors take over in the mean dynamics too


def test_custom_program_plugs_in():
    class Grudger(Program):
        name, source, conditional = "grudger", "cooperate unless the other always defects", True

        def decide(self, view, random):
            return "D" if view.source == "defect" else "C"

    assert play_programs(Grudger(), "defect") == ("D", "D")
    assert play_programs(Grudger(), "clique") == ("C", "D")
    model = ProgramDilemma(
        rng=0,
        programs={"cooperate": Grudger},
        initial_clique=0.0,
        initial_defect=0.0,
        initial_impostor=0.0,
    )
    model.step()
    assert model.cooperation == 1.0


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: play_programs("clique", "tft"), TypeError, "'b' got 'tft'"),
        (
            lambda: play_programs("clique", "clique", inspection_noise=2),
            ValueError,
            "'inspection_noise' got 2",
        ),
        (lambda: cooperation_probability("clique", "x"), ValueError, "'b' got 'x'"),
        (lambda: ProgramDilemma(rng=0, n_agents=9), ValueError, "'n_agents' got 9"),
        (
            lambda: ProgramDilemma(rng=0, initial_clique=0.9, initial_impostor=0.2),
            ValueError,
            "'initial_impostor'",
        ),
        (lambda: ProgramDilemma(rng=0, programs={"tft": CliqueBot}), ValueError, "'tft'"),
        (
            lambda: play_programs(
                type("Odd", (Program,), {"decide": lambda s, v, r: "maybe"})(), "clique"
            ),
            ValueError,
            "returned 'maybe'",
        ),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_numpy_scalars_and_impostor_view():
    assert play_programs("clique", Impostor, detection=np.float64(0.0), random=1) == ("C", "D")
    assert ProgramDilemma(rng=np.int64(3), inspection_noise=np.float64(0.1)).inspection_noise == 0.1

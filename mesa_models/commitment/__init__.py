"""Unit 08 — Commitment and trust: credible commitments cut both ways; reputation builds trust among strangers.

Lesson ``lessons/08_commitment_and_trust.ipynb``; lab ``labs/08_commitment_and_trust_lab.ipynb``
(checks in :mod:`mesa_models.commitment.lab`).

Models:

* :mod:`mesa_models.commitment.chicken` — :class:`ChickenPopulation`: Chicken with commitment devices (Schelling 1960); the first credible commitment wins, simultaneous ones crash; rigid vs conditional commitments; exact payoffs and replicator dynamics.
* :mod:`mesa_models.commitment.program_equilibrium` — :class:`ProgramDilemma`: one-shot dilemma between agents that read each other's program (Tennenholtz 2004), with noisy inspection and disguised programs.
* :mod:`mesa_models.commitment.indirect_reciprocity` — :class:`IndirectReciprocity`: help by public reputation (Nowak & Sigmund 1998): image scoring, standing and other norms, the q > c/b condition, errors of perception.
* :mod:`mesa_models.commitment.indirect_reciprocity_fast` — :func:`simulate`: the same model in NumPy, many populations in lockstep, seed for seed identical to the Mesa model; :func:`threshold_sweep` over q and c/b.
* :mod:`mesa_models.commitment.plots` — figure helpers for the lesson and lab (:func:`plot_threshold`).
"""

from mesa_models.commitment.chicken import (
    CHICKEN_STRATEGIES,
    ChickenPopulation,
    CommitAt,
    Commitment,
    ConditionalCommitment,
    RigidCommitment,
    Yielder,
    crash_rate,
    expected_match,
    payoff_matrix,
    play_chicken,
    replicator,
    simultaneous_probability,
)
from mesa_models.commitment.indirect_reciprocity import (
    NORMS,
    IndirectReciprocity,
    Member,
    image_scoring,
    norm_table,
    reputation_fixed_point,
    shunning,
    standing,
    stern_judging,
)
from mesa_models.commitment.indirect_reciprocity_fast import (
    ReputationRuns,
    simulate,
    threshold_sweep,
)
from mesa_models.commitment.plots import known_share, plot_threshold
from mesa_models.commitment.program_equilibrium import (
    PROGRAMS,
    AlwaysCooperate,
    AlwaysDefect,
    CliqueBot,
    Impostor,
    Program,
    ProgramDilemma,
    cooperation_probability,
    play_programs,
    program_payoff_matrix,
)

__all__ = [
    "CHICKEN_STRATEGIES",
    "ChickenPopulation",
    "CommitAt",
    "Commitment",
    "ConditionalCommitment",
    "RigidCommitment",
    "Yielder",
    "crash_rate",
    "expected_match",
    "payoff_matrix",
    "play_chicken",
    "replicator",
    "simultaneous_probability",
    "NORMS",
    "IndirectReciprocity",
    "Member",
    "image_scoring",
    "norm_table",
    "reputation_fixed_point",
    "shunning",
    "standing",
    "stern_judging",
    "ReputationRuns",
    "simulate",
    "plot_threshold",
    "known_share",
    "PROGRAMS",
    "AlwaysCooperate",
    "AlwaysDefect",
    "CliqueBot",
    "Impostor",
    "Program",
    "ProgramDilemma",
    "cooperation_probability",
    "play_programs",
    "program_payoff_matrix",
    "threshold_sweep",
]

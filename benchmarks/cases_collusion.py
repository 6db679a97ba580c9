"""Benchmark cases for Unit 03 (Collusion), at the lesson's sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step. The fast engines run whole sessions,
so their "step" is one call: a full session at the paper's scale for the compiled engine,
a fixed number of periods for the NumPy fallback (a full session would take minutes).
The full-scale experiment and the speed table are in ``benchmarks/calvano_full.py``.
"""

from mesa_models.collusion.calvano import CalvanoModel
from mesa_models.collusion.calvano_fast import simulate
from mesa_models.collusion.secret_tools import SecretToolsModel
from mesa_models.running import stepper


def _sessions(n_sessions, engine, **limits):
    def setup():
        seeds = iter(range(10**6))  # a new session every step
        return lambda: simulate(
            seeds=[next(seeds) for _ in range(n_sessions)],
            engine=engine,
            progress=False,
            cache=False,
            **limits,
        )

    return setup


CASES = [
    (
        "Calvano, Mesa model, 1 session, 1 period per step (dashboard)",
        stepper(CalvanoModel, beta=2e-4, convergence_window=5_000),
        5000,
    ),
    (
        "Calvano, compiled engine, 1 full session at the paper's scale per step",
        _sessions(1, "numba"),
        5,
    ),
    (
        "Calvano, NumPy fallback, 12 sessions x 1,000 periods per step",
        _sessions(12, "numpy", max_periods=1_000),
        5,
    ),
    (
        "Calvano, NumPy fallback, 1,000 sessions x 100 periods per step",
        _sessions(1_000, "numpy", max_periods=100),
        2,
    ),
    ("secret tools, 20 agents", stepper(SecretToolsModel, audit_prob=0.3), 500),
]

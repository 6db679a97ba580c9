"""Benchmark cases for Unit 03 (Collusion), at the lesson's default sizes.

Each case is ``(label, setup, steps)``; ``setup()`` builds a model and returns a
zero-argument function that advances it one step. The NumPy engine runs sessions to
completion, so its "step" is one call that plays a fixed number of periods.
"""

from mesa_models.collusion.calvano import CalvanoModel
from mesa_models.collusion.calvano_fast import simulate
from mesa_models.collusion.secret_tools import SecretToolsModel
from mesa_models.running import stepper



def _numpy_chunk(sessions, periods):
    def setup():
        return lambda: simulate(seeds=range(sessions), max_periods=periods, beta=1e-4, convergence_window=10_000)

    return setup


CASES = [
    ("Calvano, Mesa model, 1 session, 1 period per step", stepper(CalvanoModel, beta=2e-4, convergence_window=5_000), 5000),
    ("Calvano, NumPy engine, 12 sessions x 1,000 periods per step", _numpy_chunk(12, 1_000), 5),
    ("Calvano, NumPy engine, 1,000 sessions x 100 periods per step", _numpy_chunk(1_000, 100), 2),
    ("secret tools, 20 agents", stepper(SecretToolsModel, audit_prob=0.3), 500),
]

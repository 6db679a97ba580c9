"""Unit 03 — Collusion: agents that learn to cooperate against everyone else.

Lesson ``lessons/03_collusion.ipynb``; lab ``labs/03_collusion_lab.ipynb`` (checks in
:mod:`mesa_models.collusion.lab`).

Models:

* :mod:`~mesa_models.collusion.calvano` — :class:`CalvanoModel` and :class:`Market`:
  Q-learning pricing agents that learn supra-competitive prices (Calvano et al. 2020).
* :mod:`~mesa_models.collusion.calvano_fast` — :func:`simulate`: many Calvano sessions at
  the paper's scale (compiled with numba, NumPy fallback), identical to the Mesa model
  session by session, on one core, a process pool or a cluster.
* :mod:`~mesa_models.collusion._calvano_batch` — the NumPy engine behind :func:`simulate` where
  numba is missing (all sessions side by side as array operations; same results).
* :mod:`~mesa_models.collusion.secret_tools` — :class:`SecretToolsModel`: competing agents
  that learn to use a covert tool, and audits that deter it.
"""

from mesa_models.collusion.calvano import (
    CalvanoModel,
    Market,
    PricingFirm,
    converged_cycle,
    cycle_profit_gain,
    exploration_rate,
    greedy_path,
    impulse_response,
    profit_gain,
    punishes,
)
from mesa_models.collusion.calvano_fast import Batch, compile_report, numba_available, simulate
from mesa_models.collusion.secret_tools import (
    SecretToolsModel,
    ToolAgent,
    logit_use_probability,
)

__all__ = [
    "CalvanoModel",
    "Market",
    "PricingFirm",
    "converged_cycle",
    "cycle_profit_gain",
    "exploration_rate",
    "greedy_path",
    "impulse_response",
    "profit_gain",
    "punishes",
    "Batch",
    "compile_report",
    "numba_available",
    "simulate",
    "SecretToolsModel",
    "ToolAgent",
    "logit_use_probability",
]

"""A capability no agent has alone: a refused task, split into harmless-looking pieces (Unit 09).

Hammond et al. (2025), *Multi-Agent Risks from Advanced AI*, §3.6 (emergent capabilities):
a multi-agent system can overcome the safety-enhancing limits of its parts. Jones, Dragan &
Steinhardt (2024), "Adversaries can misuse combinations of safe models"
(arXiv:2406.14595), showed it with real models: a malicious task split into sub-tasks, each
given to a model that judges only its own piece, succeeds where every model refuses the
whole. This model keeps only the structure of that attack.

Each step an orchestrator receives ``tasks_per_step`` tasks; a share ``harmful_share`` are
harmful (harm 1), the rest benign with harm drawn from Beta(2, 5) (mostly harmless, a few
dual-use). Each task is split into ``n_subtasks`` pieces, each carrying an equal share of
the task's harm, and each piece goes to a different worker agent. A piece's **apparent
harm** is its share plus noise (``signal_noise``): what anyone reading that message sees.
A worker refuses a piece whose apparent harm exceeds ``refusal_threshold`` -- every worker
refuses the harmful task when asked directly (``n_subtasks = 1``) -- and a task is
completed only if every piece is done. Nobody holds the whole task, and nobody is asked to
do anything that looks harmful.

A **monitor** reads some of the traffic and raises an alarm when the harm it sees exceeds
``monitor_threshold``; an alarm stops every task with a piece in what it read:

* ``agent``: one message at a time (what one agent exchanges);
* ``window``: ``window`` consecutive messages of the step's traffic, in which the pieces
  of all tasks are interleaved in random order (score: their summed apparent harm);
* ``plan``: all pieces of one task, as the orchestrator's plan links them (score: their sum).

For every task the model records the highest score among the things a monitor read that
contained one of its pieces (``task_scores``); a task is stopped when it exceeds the
threshold. Reporters: ``harmful_completed``, ``benign_completed``, ``detected`` (share of
harmful tasks the monitor stopped) and ``false_alarms`` (share of benign tasks it stopped).
:func:`monitor_scores` collects the scores over many steps, to set a threshold for a
false-alarm budget (:func:`threshold_for_budget`).

Extension points: ``refusal_rule=`` (``f(worker, apparent_harm) -> True to refuse``,
default :func:`refuse_above_threshold`), ``splitter=`` (``f(harm, n_subtasks) -> shares``,
an array ``(tasks, n_subtasks)`` of each piece's share of the harm; default
:func:`equal_split`); or subclass :class:`Worker` (override :meth:`Worker.refuses`).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import mesa
import numpy as np

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS

__all__ = [
    "MONITORS",
    "SplitTaskModel",
    "Worker",
    "equal_split",
    "monitor_scores",
    "refuse_above_threshold",
    "threshold_for_budget",
]

MONITORS = ("none", "agent", "window", "plan")


def refuse_above_threshold(worker: Worker, apparent_harm: float) -> bool:
    """Refuse a piece whose apparent harm exceeds the model's ``refusal_threshold``."""
    return apparent_harm > worker.model.refusal_threshold


@validate_arguments(
    n_subtasks=Param("n_subtasks", 4, "pieces each task is split into", "pieces", low=1, high=50)
)
def equal_split(harm: np.ndarray, n_subtasks: int) -> np.ndarray:
    """Each piece carries an equal share of its task's harm."""
    return np.repeat(harm[:, None] / n_subtasks, n_subtasks, axis=1)


def threshold_for_budget(benign_scores: Any, budget: float) -> float:
    """The lowest threshold at which at most ``budget`` of the benign scores raise an alarm
    (an alarm is a score strictly above the threshold)."""
    scores = np.sort(np.asarray(benign_scores, dtype=float).ravel())
    require(
        scores.size > 0,
        "benign_scores",
        "an empty array",
        "at least one score",
        "threshold_for_budget",
    )
    require(
        bool(np.isfinite(scores).all()),
        "benign_scores",
        "an array with NaN or infinite values",
        "finite scores",
        "threshold_for_budget",
    )
    if isinstance(budget, bool) or not isinstance(budget, numbers.Real):
        raise TypeError(
            f"threshold_for_budget: parameter 'budget' got {budget!r}; expected a number in [0, 1]"
        )
    require(0 <= budget <= 1, "budget", budget, "a share in [0, 1]", "threshold_for_budget")
    allowed = int(np.floor(budget * scores.size + 1e-9))  # benign scores that may lie above
    return (
        float(scores[scores.size - 1 - allowed])
        if allowed < scores.size
        else float(scores[0] - 1.0)
    )


class Worker(mesa.Agent):
    """A worker agent that checks only the piece it is given."""

    def refuses(self, apparent_harm: float) -> bool:
        verdict = self.model.refusal_rule(self, apparent_harm)
        if not isinstance(verdict, bool | np.bool_):
            name = getattr(self.model.refusal_rule, "__name__", "refusal_rule")
            raise ValueError(
                f"refusal rule {name!r} returned {verdict!r}; allowed: True (refuse) or False (do the piece)"
            )
        return bool(verdict)


SPLIT_PARAMS = Params(
    Param(
        "n_agents",
        12,
        "worker agents (each piece goes to a different one)",
        "agents",
        low=1,
        high=1000,
    ),
    Param(
        "n_subtasks",
        4,
        "pieces each task is split into (1: the task is asked for directly)",
        "pieces",
        low=1,
        high=50,
    ),
    Param(
        "tasks_per_step",
        40,
        "tasks the orchestrator receives per step",
        "tasks",
        low=1,
        high=100_000,
    ),
    Param(
        "harmful_share",
        0.25,
        "share of tasks that are harmful",
        "fraction",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "refusal_threshold",
        0.5,
        "a worker refuses a piece whose apparent harm exceeds this",
        "harm",
        low=0,
        high=2,
        step=0.05,
    ),
    Param(
        "signal_noise",
        0.1,
        "how unclear a piece's harm is (standard deviation of its apparent harm)",
        "harm",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "monitor",
        "none",
        "what a monitor reads: nothing, one agent's message, a window of messages, or a task's whole plan",
        choices=MONITORS,
    ),
    Param("window", 8, "messages a window monitor reads together", "messages", low=1, high=100_000),
    Param(
        "monitor_threshold",
        0.8,
        "a monitor raises an alarm when the harm it reads exceeds this",
        "harm",
        low=0,
        high=50,
        step=0.05,
    ),
)


class SplitTaskModel(RiskModel):
    """Harmful tasks split into harmless-looking pieces, and monitors that see more or less of them."""

    params = SPLIT_PARAMS
    reporters = {
        "harmful_completed": "harmful_completed",
        "benign_completed": "benign_completed",
        "detected": "detected",
        "false_alarms": "false_alarms",
    }
    default_plots = ("harmful_completed", "detected")
    worker_class: ClassVar[type[Worker]] = Worker

    def __init__(
        self,
        *,
        refusal_rule: Callable[[Worker, float], bool] | None = None,
        splitter: Callable[[np.ndarray, int], np.ndarray] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "SplitTaskModel"
        for name, func in (("refusal_rule", refusal_rule), ("splitter", splitter)):
            if func is not None and not callable(func):
                raise TypeError(f"{owner}: parameter {name!r} got {func!r}; expected a function")
        require(
            self.n_subtasks <= self.n_agents,
            "n_subtasks",
            self.n_subtasks,
            f"at most n_agents={self.n_agents} (each piece goes to a different worker)",
            owner,
        )
        require(
            self.tasks_per_step * max(self.n_subtasks, self.n_agents) <= 20_000_000,
            "tasks_per_step",
            self.tasks_per_step,
            f"at most {20_000_000 // max(self.n_subtasks, self.n_agents):,} (tasks x agents would exceed 20 million entries, "
            f"about {8 * self.tasks_per_step * max(self.n_subtasks, self.n_agents) / 1e9:.1f} GB)",
            owner,
        )
        self.refusal_rule = refusal_rule or refuse_above_threshold
        self.splitter = splitter or equal_split
        self.workers = [self.worker_class(self) for _ in range(self.n_agents)]
        self.harmful_completed = self.benign_completed = 0.0
        self.detected = self.false_alarms = 0.0
        self.harmful = np.zeros(0, dtype=bool)
        self.task_scores = np.zeros(0)
        self.apparent = np.zeros((0, self.n_subtasks))
        self.refused = np.zeros((0, self.n_subtasks), dtype=bool)
        self.start_datacollector()

    # -- one step --------------------------------------------------------------------------
    def step(self) -> None:
        n_tasks, k = self.tasks_per_step, self.n_subtasks
        harmful = self.rng.random(n_tasks) < self.harmful_share
        harm = np.where(harmful, 1.0, self.rng.beta(2.0, 5.0, n_tasks))
        shares = self._split(harm)
        apparent = shares + self.signal_noise * self.rng.standard_normal((n_tasks, k))
        assigned = np.argsort(self.rng.random((n_tasks, self.n_agents)), axis=1)[:, :k]
        refused = np.array(
            [
                [self.workers[assigned[t, j]].refuses(float(apparent[t, j])) for j in range(k)]
                for t in range(n_tasks)
            ]
        )
        scores = self.score_tasks(apparent)
        stopped = scores > self.monitor_threshold
        completed = ~refused.any(axis=1) & ~stopped
        self.harmful, self.apparent, self.refused, self.assigned, self.task_scores = (
            harmful,
            apparent,
            refused,
            assigned,
            scores,
        )
        self.harmful_completed = _share(completed[harmful])
        self.benign_completed = _share(completed[~harmful])
        self.detected = _share(stopped[harmful])
        self.false_alarms = _share(stopped[~harmful])
        self.datacollector.collect(self)

    def _split(self, harm: np.ndarray) -> np.ndarray:
        shares = self.splitter(harm, self.n_subtasks)
        expected = (harm.size, self.n_subtasks)
        if (
            not isinstance(shares, np.ndarray)
            or shares.shape != expected
            or not np.isfinite(shares).all()
        ):
            name = getattr(self.splitter, "__name__", "splitter")
            raise ValueError(
                f"splitter {name!r} returned {shares!r:.80}; allowed: a finite array of shape {expected}"
            )
        return shares.astype(float)

    def score_tasks(self, apparent: np.ndarray) -> np.ndarray:
        """For each task, the highest monitor score among the things read that contained
        one of its pieces (``-inf`` without a monitor)."""
        n_tasks, k = apparent.shape
        if self.monitor == "none":
            return np.full(n_tasks, -np.inf)
        if self.monitor == "agent":
            return apparent.max(axis=1)
        if self.monitor == "plan":
            return apparent.sum(axis=1)
        order = self.rng.permutation(n_tasks * k)  # the interleaved message stream
        flat = apparent.ravel()[order]
        owner = order // k
        n_windows = -(-flat.size // self.window)
        window_of = np.arange(flat.size) // self.window
        window_score = np.bincount(window_of, weights=flat, minlength=n_windows)
        scores = np.full(n_tasks, -np.inf)
        np.maximum.at(scores, owner, window_score[window_of])
        return scores

    # -- drawing ---------------------------------------------------------------------------
    def draw_state(self, ax: plt.Axes) -> None:
        """The apparent harm of every piece in the last step: harmful tasks' pieces in
        vermillion, benign ones in blue, the workers' refusal threshold as a line."""
        if self.apparent.size:
            bins = np.linspace(min(-0.3, self.apparent.min()), max(1.3, self.apparent.max()), 40)
            ax.hist(
                self.apparent[~self.harmful].ravel(),
                bins=bins,
                color=COLORS["blue"],
                alpha=0.7,
                label="benign pieces",
            )
            ax.hist(
                self.apparent[self.harmful].ravel(),
                bins=bins,
                color=COLORS["vermillion"],
                alpha=0.7,
                label="harmful pieces",
            )
        ax.axvline(
            self.refusal_threshold, color=COLORS["black"], linestyle="--", label="refusal threshold"
        )
        ax.set_xlabel("apparent harm of a piece")
        ax.set_ylabel("pieces")
        ax.legend(fontsize=7)
        ax.set_title(
            f"{self.n_subtasks} pieces per task: {self.harmful_completed:.0%} of harmful tasks done",
            fontsize=10,
        )


def _share(mask: np.ndarray) -> float:
    return float(mask.mean()) if mask.size else float("nan")


#: Most steps and most tasks in all (steps x tasks_per_step) :func:`monitor_scores` runs.
MAX_MONITOR_STEPS = 100_000
MAX_MONITOR_TASKS = 2_000_000


def monitor_scores(steps: int, *, rng: Any = None, **params: Any) -> dict[str, np.ndarray]:
    """Run a :class:`SplitTaskModel` for ``steps`` steps and collect every task's monitor
    score: ``{"benign": ..., "harmful": ...}`` (arrays). Run it with ``harmful_share=0``
    to get a record of benign traffic for calibrating a threshold."""
    require(
        isinstance(steps, int | np.integer)
        and not isinstance(steps, bool)
        and 1 <= steps <= MAX_MONITOR_STEPS,
        "steps",
        steps,
        f"an integer in [1, {MAX_MONITOR_STEPS:,}]",
        "monitor_scores",
    )
    model = SplitTaskModel(rng=rng, **params)
    require(
        steps * model.tasks_per_step <= MAX_MONITOR_TASKS,
        "steps",
        steps,
        f"at most {MAX_MONITOR_TASKS:,} tasks in all (steps x tasks_per_step = {steps * model.tasks_per_step:,})",
        "monitor_scores",
    )
    benign, harmful = [], []
    for _ in range(int(steps)):
        model.step()
        benign.append(model.task_scores[~model.harmful])
        harmful.append(model.task_scores[model.harmful])
    return {"benign": np.concatenate(benign), "harmful": np.concatenate(harmful)}

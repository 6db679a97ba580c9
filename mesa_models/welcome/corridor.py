"""Corridor: two kinds of safe robots that deadlock together (Unit 00).

Robots shuttle east and west along a two-lane corridor (a ring, so traffic never ends).
Each robot's maker taught it one sensible rule: keep to your side (right for one maker,
left for the other); if someone is coming straight at you, step into the other lane.
A corridor of robots from one maker flows freely, whichever side that maker chose. Mix
the makers and two robots that meet face to face both step aside, into the same lane,
again and again: the "sidewalk dance", a coordination failure that no single robot
causes. It is the convention problem of Hammond et al. (2025), *Multi-Agent Risks from
Advanced AI*, Case Study 1 (driving on the left or the right), in miniature.

Moves are simultaneous: every robot picks an action from the same snapshot; a move
succeeds into an empty cell, and when several robots claim the same cell (a near miss,
counted in ``conflicts``) one of them, drawn at random, gets it.

Extension points: pass ``rule=`` (a function ``robot -> action``) or subclass
:class:`Robot` and override :meth:`Robot.choose_action`, then set ``robot_class``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import pandas as pd
from mesa.discrete_space import Cell, CellAgent, OrthogonalVonNeumannGrid

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require
from mesa_models.plotting import COLORS

__all__ = ["ACTIONS", "EAST", "WEST", "Corridor", "Robot", "frozen_since", "keep_to_my_side"]

#: What a robot can do in one step.
ACTIONS = ("forward", "change_lane", "wait")
EAST, WEST = +1, -1


class Robot(CellAgent):
    """A robot with a heading (east +1 or west -1) and its maker's convention.

    The sensing helpers (``cell_ahead``, ``oncoming_ahead``, ...) are what a rule may use.
    """

    def __init__(self, model: Corridor, heading: int, convention: str) -> None:
        super().__init__(model)
        self.heading = heading
        self.convention = convention  # "right" or "left"
        self.next_action = "wait"
        self.moved_forward = False
        self.face_to_face = 0  # consecutive steps with an oncoming robot right ahead

    # -- what a robot can see ------------------------------------------------------
    @property
    def x(self) -> int:
        return self.cell.coordinate[0]

    @property
    def lane(self) -> int:
        """0 = south lane, 1 = north lane."""
        return self.cell.coordinate[1]

    @property
    def preferred_lane(self) -> int:
        """The lane on this robot's side: facing east, the right-hand lane is south (0)."""
        keeps_right = self.convention == "right"
        return 0 if (self.heading == EAST) == keeps_right else 1

    @property
    def in_preferred_lane(self) -> bool:
        return self.lane == self.preferred_lane

    def cell_ahead(self) -> Cell:
        return self.model.cell_at(self.x + self.heading, self.lane)

    def cell_beside(self) -> Cell:
        return self.model.cell_at(self.x, 1 - self.lane)

    def oncoming_ahead(self) -> bool:
        """Is a robot facing me in the cell right in front of me?"""
        return any(other.heading != self.heading for other in self.cell_ahead().agents)

    # -- deciding ------------------------------------------------------------------
    def choose_action(self) -> str:
        """The robot's decision rule; by default the model's ``rule``."""
        return self.model.rule(self)

    def decide(self) -> None:
        """Pick this step's action (a hesitant robot sometimes just waits)."""
        self.face_to_face = self.face_to_face + 1 if self.oncoming_ahead() else 0
        if self.random.random() < self.model.hesitation:
            self.next_action = "wait"
            return
        action = self.choose_action()
        if action not in ACTIONS:
            name = getattr(self.model.rule, "__name__", type(self).__name__)
            raise ValueError(
                f"rule {name!r} returned {action!r} for robot {self.unique_id}; "
                f"allowed: {', '.join(map(repr, ACTIONS))}"
            )
        self.next_action = action

    def target(self) -> Cell | None:
        """The cell this step's action would move to (None when waiting)."""
        if self.next_action == "forward":
            return self.cell_ahead()
        if self.next_action == "change_lane":
            return self.cell_beside()
        return None


def keep_to_my_side(robot: Robot) -> str:
    """Each maker's rule, sensible on its own.

    Get back to your side when you can. Facing an oncoming robot while on your side, wait
    for it to give way; if it has not after ``patience`` steps, go round it.
    """
    beside_free = robot.cell_beside().is_empty
    if robot.oncoming_ahead():
        if beside_free and (
            not robot.in_preferred_lane or robot.face_to_face > robot.model.patience
        ):
            return "change_lane"
        return "wait"
    if not robot.in_preferred_lane and beside_free:
        return "change_lane"
    if robot.cell_ahead().is_empty:
        return "forward"
    return "wait"


class Corridor(RiskModel):
    """Robots from two makers with opposite keep-to-the-side conventions share a corridor.

    Reporters: ``speed`` (share of robots that moved forward this step, in cells per
    step), ``standoffs`` (pairs nose to nose in one lane), ``conflicts`` (cells claimed by
    two robots at once this step).
    """

    params = Params(
        Param("length", 30, "cells along the (ring-shaped) corridor", "cells", low=4, high=200),
        Param("n_robots", 12, "robots; half head east, half west", "robots", low=2, high=200),
        Param(
            "share_keep_right",
            0.5,
            "share of robots whose maker taught 'keep right'",
            "fraction",
            low=0,
            high=1,
            step=0.05,
        ),
        Param(
            "patience",
            2,
            "steps a robot on its own side waits for an oncoming one to give way",
            "steps",
            low=0,
            high=20,
        ),
        Param(
            "hesitation",
            0.1,
            "chance a robot waits instead of acting in a step",
            "probability",
            low=0,
            high=1,
            step=0.05,
        ),
    )
    reporters = {
        "speed": lambda m: m.agents.agg("moved_forward", lambda moved: sum(moved) / len(moved)),
        "standoffs": lambda m: m.count_standoffs(),
        "conflicts": "conflicts",
    }
    default_plots = ("speed", "standoffs")
    robot_class: ClassVar[type[Robot]] = Robot

    def __init__(
        self, *, rule: Callable[[Robot], str] | None = None, rng: Any = None, **params: Any
    ) -> None:
        super().__init__(rng=rng, **params)
        require(
            self.n_robots <= self.length,
            "n_robots",
            self.n_robots,
            f"at most length={self.length} (half the cells)",
            "Corridor",
        )
        if rule is not None and not callable(rule):
            raise TypeError(
                f"Corridor: parameter 'rule' got {rule!r}; expected a function robot -> action"
            )
        self.rule = rule or keep_to_my_side
        self.grid = OrthogonalVonNeumannGrid((self.length, 2), torus=True, random=self.random)

        n_right = round(self.share_keep_right * self.n_robots)
        conventions = ["right"] * n_right + ["left"] * (self.n_robots - n_right)
        self.random.shuffle(conventions)
        cells = self.random.sample(list(self.grid.all_cells), self.n_robots)
        for i, (convention, cell) in enumerate(zip(conventions, cells, strict=True)):
            robot = self.robot_class(
                self, heading=EAST if i % 2 == 0 else WEST, convention=convention
            )
            robot.cell = cell

        self.conflicts = 0
        self.start_datacollector()

    def cell_at(self, x: int, lane: int) -> Cell:
        return self.grid[(x % self.length, lane)]

    def step(self) -> None:
        self.agents.do("decide")
        claims: dict[Cell, list[Robot]] = defaultdict(list)
        for robot in self.agents:
            target = robot.target()
            if target is not None and target.is_empty:
                claims[target].append(robot)
        self.conflicts = sum(1 for claimants in claims.values() if len(claimants) > 1)
        for robot in self.agents:
            robot.moved_forward = False
        for cell, claimants in claims.items():
            winner = self.random.choice(claimants)
            winner.moved_forward = winner.next_action == "forward"
            winner.cell = cell
        self.datacollector.collect(self)

    def count_standoffs(self) -> int:
        """Pairs of robots standing nose to nose in the same lane."""
        return sum(1 for robot in self.agents if robot.heading == EAST and robot.oncoming_ahead())

    def draw_state(self, ax: plt.Axes) -> None:
        """Robots as arrows (the way they drive): colour = maker's convention, black
        outline = nose to nose with an oncoming robot."""
        colour = {"right": COLORS["blue"], "left": COLORS["orange"]}
        for robot in self.agents:
            ax.scatter(
                robot.x,
                robot.lane,
                marker=">" if robot.heading == EAST else "<",
                s=160,
                color=colour[robot.convention],
                edgecolors="black" if robot.oncoming_ahead() else "none",
                linewidths=2,
            )
        for convention, c in colour.items():
            ax.scatter([], [], marker="s", color=c, label=f"taught to keep {convention}")
        ax.scatter([], [], marker="s", color="white", edgecolors="black", label="in a standoff")
        ax.set_xlim(-0.5, self.length - 0.5)
        ax.set_ylim(-0.7, 1.7)
        ax.set_yticks([0, 1], ["south lane", "north lane"])
        ax.set_xlabel("position along the corridor (cells)")
        ax.set_title(f"{self.count_standoffs()} standoff(s)")
        ax.legend(loc="upper center", ncol=3, bbox_to_anchor=(0.5, -0.3), fontsize=8)
        ax.grid(False)


def frozen_since(frame: pd.DataFrame) -> int | None:
    """The step from which no robot ever moves forward again (gridlock), or ``None`` if
    robots were still moving at the last step of ``frame`` (a :func:`run` table)."""
    if frame["speed"].iloc[-1] > 0:
        return None
    moving = frame.index[frame["speed"] > 0]
    return int(moving.max()) + 1 if len(moving) else int(frame.index[0])

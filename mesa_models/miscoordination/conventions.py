"""Conventions: drivers on a network settle on a side of the road, or fail to (Unit 01).

Hammond et al. (2025), *Multi-Agent Risks from Advanced AI*, §2.1, Case Study 1: agents
with the *same* goal (do not crash) can still fail because driving on the left and on the
right are both fine and nothing but history picks one. Each agent sits on a network and,
every step, looks at the side a small sample of its neighbours drives on, adopts the
majority (a best response in a pure coordination game) and, with probability ``noise``,
picks a side at random instead. This is adaptive play with sampling and mistakes in the
spirit of Young (1993, 1996); which convention wins is an accident, how fast one wins
depends on the network.

Each step, in random order, every agent first meets one random neighbour on the road
(the two collide when they drive on different sides), then revises its side. ``miscoordination`` is the share of this
step's meetings that collided.

Two populations (``groups=2``): each group learns on its own network and is cut off from
the other until ``contact_step``; then ``cross_links`` roads per agent join them. Groups
that settled on different sides collide at once: a zero-shot coordination failure, the
problem Other-Play (Hu et al. 2020) addresses for independently trained AI agents.

Cheap talk (``cheap_talk=True``): before a meeting, the neighbour announces the side it
will drive on; with probability ``signal_noise`` the message arrives flipped. The
listener's ``signal_rule(agent, signal) -> side`` picks the side it drives on in that
meeting (default :func:`follow_signal`).

Extension points: ``response_rule=`` (``rule(agent, observed_sides) -> side``, default
:func:`best_response`) and ``signal_rule=``; or subclass :class:`Driver` and set
``driver_class``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd
from mesa.discrete_space import FixedAgent, Network

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require, validate_arguments
from mesa_models.plotting import COLORS, draw_network

__all__ = [
    "ACTIONS",
    "Conventions",
    "Driver",
    "best_response",
    "emergence_time",
    "follow_signal",
    "ignore_signal",
]

#: The sides a driver can choose.
ACTIONS = ("left", "right")
TOPOLOGIES = ("ring lattice", "small world", "random", "complete")


def best_response(agent: Driver, observed: Sequence[str]) -> str:
    """Drive on the side most of the sampled neighbours drive on; keep your side on a tie.

    In a pure coordination game (payoff 1 for matching, 0 for a crash) this is the best
    reply to the sample.
    """
    left = sum(1 for side in observed if side == "left")
    right = len(observed) - left
    if left == right:
        return agent.side
    return "left" if left > right else "right"


def follow_signal(agent: Driver, signal: str) -> str:
    """Drive on the side the oncoming driver announced."""
    return signal


def ignore_signal(agent: Driver, signal: str) -> str:
    """Keep your own side whatever you hear (talk without listening)."""
    return agent.side


class Driver(FixedAgent):
    """A driver on a network node: its ``side``, its ``group`` and this step's meeting.

    What a rule may read: ``side``, ``group``, ``neighbours()`` (the drivers it can meet
    now), ``meeting_stranger`` (is the driver it is meeting from the other group?).
    """

    def __init__(self, model: Conventions, group: int, side: str) -> None:
        super().__init__(model)
        self.group = group
        self.side = side
        self.home: list[Driver] = []  # neighbours in my own group
        self.strangers: list[Driver] = []  # neighbours in the other group (roads open at contact)
        self.meeting_stranger = False
        self.collided = False

    def neighbours(self) -> list[Driver]:
        """The drivers this one can see and meet now."""
        return self.home + self.strangers if self.model.in_contact else self.home

    def choose_side(self) -> None:
        """Best-respond to a sample of neighbours; with probability ``noise`` pick at random."""
        others = self.neighbours()
        sample = self.random.sample(others, min(self.model.sample_size, len(others)))
        side = self.model.checked(
            "response rule", self.model.response_rule, self, [d.side for d in sample]
        )
        if self.random.random() < self.model.noise:
            side = self.random.choice(ACTIONS)
        self.side = side

    def signal(self) -> str:
        """The side this driver announces, as received: flipped with ``signal_noise``."""
        if self.model.signal_noise and self.random.random() < self.model.signal_noise:
            return "left" if self.side == "right" else "right"
        return self.side

    def meet(self) -> None:
        """Meet one random neighbour on the road; record whether we collided."""
        others = self.neighbours()
        if not others:
            return
        partner = self.random.choice(others)
        self.meeting_stranger = partner.group != self.group
        played = self.side
        if self.model.cheap_talk:
            played = self.model.checked(
                "signal rule", self.model.signal_rule, self, partner.signal()
            )
        self.collided = played != partner.side
        self.model.record_meeting(self.meeting_stranger, self.collided)

    def step(self) -> None:
        self.meet()
        self.choose_side()


class Conventions(RiskModel):
    """Drivers on a network learn a side of the road; populations that learnt apart meet.

    Reporters: ``share_left`` (drivers on the left), ``agreement`` (share on the majority
    side, 0.5 to 1), ``miscoordination`` (share of this step's meetings that collided),
    ``cross_miscoordination`` (the same among meetings between the two groups; NaN
    before contact), ``share_left_A`` / ``share_left_B`` (per group; B is NaN with one
    group).
    """

    params = Params(
        Param("n_agents", 100, "drivers (split evenly when groups=2)", "agents", low=4, high=5000),
        Param("topology", "small world", "who meets whom within a group", choices=TOPOLOGIES),
        Param(
            "degree",
            4,
            "neighbours per driver (ring lattice, small world, random; even)",
            "agents",
            low=2,
            high=100,
            step=2,
        ),
        Param(
            "rewire_prob",
            0.1,
            "small world: chance each road is rewired to a random driver",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param(
            "sample_size",
            3,
            "neighbours a driver looks at before choosing a side",
            "agents",
            low=1,
            high=100,
        ),
        Param(
            "noise",
            0.02,
            "chance a driver picks a side at random instead of best-responding",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
        Param(
            "initial_left",
            0.5,
            "chance each driver starts on the left",
            "probability",
            low=0,
            high=1,
            step=0.05,
        ),
        Param("groups", 1, "populations that learn apart before meeting", "groups", choices=(1, 2)),
        Param(
            "contact_step",
            60,
            "groups=2: last step before the groups' roads are joined",
            "steps",
            low=0,
            high=10_000,
            widget_max=200,
        ),
        Param(
            "cross_links",
            2,
            "groups=2: roads from each driver of group A into group B",
            "roads",
            low=1,
            high=50,
        ),
        Param("cheap_talk", False, "drivers announce their side before a meeting"),
        Param(
            "signal_noise",
            0.1,
            "chance an announcement arrives flipped",
            "probability",
            low=0,
            high=1,
            step=0.01,
        ),
    )
    reporters = {
        "share_left": lambda m: m.share_left(),
        "agreement": lambda m: m.agreement(),
        "miscoordination": lambda m: _rate(m.collisions, m.meetings),
        "cross_miscoordination": lambda m: _rate(m.cross_collisions, m.cross_meetings),
        "share_left_A": lambda m: m.share_left(0),
        "share_left_B": lambda m: m.share_left(1),
    }
    default_plots = ("agreement", "miscoordination")
    driver_class: ClassVar[type[Driver]] = Driver

    def __init__(
        self,
        *,
        response_rule: Callable[[Driver, Sequence[str]], str] | None = None,
        signal_rule: Callable[[Driver, str], str] | None = None,
        rng: Any = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng, **params)
        owner = "Conventions"
        group_size = self.n_agents // self.groups
        if self.topology in ("ring lattice", "small world"):
            require(
                self.degree % 2 == 0,
                "degree",
                self.degree,
                "an even number (half the roads on each side of the ring)",
                owner,
            )
        if self.topology != "complete":
            require(
                self.degree < group_size,
                "degree",
                self.degree,
                f"less than the group size {group_size}",
                owner,
            )
        for name, rule in (("response_rule", response_rule), ("signal_rule", signal_rule)):
            if rule is not None and not callable(rule):
                raise TypeError(f"{owner}: parameter {name!r} got {rule!r}; expected a function")
        self.response_rule = response_rule or best_response
        self.signal_rule = signal_rule or follow_signal

        self.graph = self._build_graph()
        self.space = Network(self.graph, layout=None, random=self.random)
        for node in self.graph.nodes:
            group = self.graph.nodes[node]["group"]
            side = "left" if self.random.random() < self.initial_left else "right"
            driver = self.driver_class(self, group=group, side=side)
            driver.cell = self.space[node]
        for driver in self.agents:
            for other in driver.cell.neighborhood.agents:
                (driver.home if other.group == driver.group else driver.strangers).append(other)
        self._reset_counts()
        self.start_datacollector()

    # -- network -------------------------------------------------------------------
    def _group_graph(self, n: int) -> nx.Graph:
        if self.topology == "ring lattice":
            return nx.watts_strogatz_graph(n, self.degree, 0.0, seed=self.random)
        if self.topology == "small world":
            return nx.watts_strogatz_graph(n, self.degree, self.rewire_prob, seed=self.random)
        if self.topology == "random":
            return nx.gnm_random_graph(n, n * self.degree // 2, seed=self.random)
        return nx.complete_graph(n)

    def _build_graph(self) -> nx.Graph:
        sizes = [self.n_agents // self.groups] * self.groups
        sizes[-1] += self.n_agents - sum(sizes)
        graph = nx.Graph()
        offset = 0
        for group, size in enumerate(sizes):
            part = nx.relabel_nodes(self._group_graph(size), {i: i + offset for i in range(size)})
            graph.add_nodes_from(part.nodes, group=group)
            graph.add_edges_from(part.edges)
            offset += size
        if self.groups == 2:
            b_nodes = list(range(sizes[0], self.n_agents))
            for a in range(sizes[0]):
                for b in self.random.sample(b_nodes, min(self.cross_links, len(b_nodes))):
                    graph.add_edge(a, b)
        return graph

    # -- running -------------------------------------------------------------------
    @property
    def in_contact(self) -> bool:
        """Are the groups' roads joined in the current step?"""
        return self.groups == 2 and self.steps > self.contact_step

    def checked(self, kind: str, rule: Callable[..., str], *args: Any) -> str:
        """Call ``rule(*args)`` and insist that it returns one of :data:`ACTIONS`."""
        side = rule(*args)
        if side not in ACTIONS:
            name = getattr(rule, "__name__", repr(rule))
            raise ValueError(
                f"{kind} {name!r} returned {side!r}; allowed: {', '.join(map(repr, ACTIONS))}"
            )
        return side

    def _reset_counts(self) -> None:
        self.meetings = self.collisions = self.cross_meetings = self.cross_collisions = 0

    def record_meeting(self, cross: bool, collided: bool) -> None:
        self.meetings += 1
        self.collisions += collided
        if cross:
            self.cross_meetings += 1
            self.cross_collisions += collided

    def step(self) -> None:
        self._reset_counts()
        self.agents.shuffle_do("step")
        self.datacollector.collect(self)

    # -- measuring -----------------------------------------------------------------
    def share_left(self, group: int | None = None) -> float:
        """Share of drivers (of one group, if given) on the left; NaN for an empty group."""
        sides = [d.side for d in self.agents if group is None or d.group == group]
        return sum(1 for s in sides if s == "left") / len(sides) if sides else math.nan

    def agreement(self) -> float:
        """Share of drivers on the majority side (1 = everyone agrees)."""
        share = self.share_left()
        return max(share, 1 - share)

    def draw_state(self, ax: plt.Axes) -> None:
        """The network, drivers coloured by side (blue = left, orange = right)."""
        if not hasattr(self, "_layout"):
            self._layout = {}
            for group in range(self.groups):
                nodes = [n for n in self.graph.nodes if self.graph.nodes[n]["group"] == group]
                circle = nx.circular_layout(nodes)
                self._layout.update({n: (x + 2.4 * group, y) for n, (x, y) in circle.items()})
        colour = {"left": COLORS["blue"], "right": COLORS["orange"]}
        sides = {d.cell.coordinate: d.side for d in self.agents}
        group = nx.get_node_attributes(self.graph, "group")
        visible = nx.Graph()  # roads between the groups appear only once they are open
        visible.add_nodes_from(self.graph)
        visible.add_edges_from(
            (a, b) for a, b in self.graph.edges if self.in_contact or group[a] == group[b]
        )
        draw_network(
            ax, visible, self._layout, [colour[sides[n]] for n in visible.nodes], node_size=18
        )
        ax.set_title(f"blue = left, orange = right ({self.share_left():.0%} left)")


@validate_arguments(
    level=Param(
        "level",
        0.95,
        "agreement that counts as a convention",
        "share",
        low=0.5,
        high=1,
        low_open=True,
    )
)
def emergence_time(frame: pd.DataFrame, level: float = 0.95) -> int | None:
    """First step at which ``agreement`` reached ``level`` (None if it never did)."""
    if not isinstance(frame, pd.DataFrame) or "agreement" not in frame:
        raise TypeError(
            "emergence_time(): 'frame' must be a Conventions DataCollector table with an 'agreement' column"
        )
    reached = frame.index[frame["agreement"] >= level]
    return int(reached[0]) if len(reached) else None


def _rate(count: int, total: int) -> float:
    return count / total if total else math.nan

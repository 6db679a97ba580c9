"""Indirect reciprocity: strangers help those with a good reputation (Unit 08).

Source: Nowak, M. A. & Sigmund, K. (1998), "Evolution of indirect reciprocity by image
scoring", *Nature* 393:573-577 (doi:10.1038/31225), whose abstract states the condition
this model reproduces: cooperation is stable only if the probability ``q`` of knowing the
recipient's image exceeds the cost-to-benefit ratio ``c/b``. Norms beyond image scoring
follow Ohtsuki & Iwasa (2004), "How should we define goodness? Reputation dynamics in
indirect reciprocity", *J. Theor. Biol.* 231:107-120 (doi:10.1016/j.jtbi.2004.06.005),
and the *standing* norm of Sugden (1986), compared with image scoring under errors by
Leimar & Hammerstein (2001) and Panchanathan & Boyd (2003).

The setup is Nowak & Sigmund's binary-image version: ``n_agents`` players; a generation
has ``rounds`` encounters, each between a random donor and a random recipient (never the
same player), so the same two players rarely meet twice. The donor may pay ``cost`` to
give the recipient ``benefit``. Every player has a public reputation, good or bad (everyone
starts good). Strategies:

* ``ALLC`` always helps; ``ALLD`` never helps;
* ``DISC`` (discriminator) helps a recipient it knows to be good; with probability
  ``1 - q`` it does not know the recipient's reputation and then gives the benefit of the
  doubt (helps).

After each act the public re-assesses the donor with a *norm*, a rule
``norm(helped, recipient_good) -> donor_good``:

* image scoring: helping is good, refusing is bad (whatever the recipient's reputation);
* standing: helping is good; refusing a *bad* recipient is justified, hence good;
* stern judging: helping the good and refusing the bad are good, the rest bad;
* shunning: only helping the good is good.

Errors: with probability ``execution_error`` an intended help fails; with probability
``perception_error`` the public records the wrong reputation (an error of perception).
At the end of a generation players reproduce in proportion to their payoff (negative
payoffs count as zero; Wright-Fisher sampling), offspring start with a good reputation, and
each offspring mutates with probability ``mutation`` to a random strategy.

All randomness of a generation is drawn up front from ``model.rng`` (who meets whom, who
knows, which errors happen, who reproduces); :mod:`~mesa_models.commitment.indirect_reciprocity_fast`
draws the same numbers in the same order and so follows the same trajectory, seed for seed.

Extension points:

* ``norm_rule=`` - a function ``norm_rule(helped: bool, recipient_good: bool) -> bool``
  (your own assessment rule; it replaces the rule named by the ``norm`` parameter);
* :meth:`Member.decide` - override in a subclass of :class:`Member` (pass
  ``member_class=``) to change how a strategy acts on what it knows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel
from mesa_models.params import Param, Params, require, validate_arguments

__all__ = [
    "NORMS",
    "STRATEGY_NAMES",
    "IndirectReciprocity",
    "Member",
    "image_scoring",
    "norm_table",
    "reputation_fixed_point",
    "shunning",
    "standing",
    "stern_judging",
]

#: Strategy codes used by both engines.
ALLC, ALLD, DISC = 0, 1, 2
STRATEGY_NAMES = ("ALLC", "ALLD", "DISC")


def image_scoring(helped: bool, recipient_good: bool) -> bool:
    """Nowak & Sigmund (1998): a donor who helps is good, one who refuses is bad."""
    return helped


def standing(helped: bool, recipient_good: bool) -> bool:
    """Sugden (1986): helping is good; refusing is bad only if the recipient was good."""
    return helped or not recipient_good


def stern_judging(helped: bool, recipient_good: bool) -> bool:
    """Kandori (1992); Pacheco, Santos & Chalub (2006): help the good, refuse the bad."""
    return helped == recipient_good


def shunning(helped: bool, recipient_good: bool) -> bool:
    """Only helping a good recipient earns a good reputation."""
    return helped and recipient_good


#: The built-in norms by the names the model's ``norm`` parameter uses.
NORMS: dict[str, Callable[[bool, bool], bool]] = {
    "image scoring": image_scoring,
    "standing": standing,
    "stern judging": stern_judging,
    "shunning": shunning,
}


def norm_table(norm: Any, owner: str = "norm_table") -> np.ndarray:
    """The norm as a 2x2 boolean table ``[helped, recipient_good] -> donor_good``.

    ``norm`` is a name from :data:`NORMS` or a function ``norm(helped, recipient_good)``
    returning True (good) or False (bad). A non-callable is a ``TypeError``; a function
    returning anything but a bool is a ``ValueError`` naming the function and the value.
    """
    if isinstance(norm, str):
        if norm not in NORMS:
            raise ValueError(
                f"{owner}: parameter 'norm' got {norm!r}; allowed: one of {', '.join(map(repr, NORMS))} or a function"
            )
        norm = NORMS[norm]
    if not callable(norm):
        raise TypeError(
            f"{owner}: parameter 'norm' got {norm!r}; expected a norm name or a function norm(helped, recipient_good) -> bool"
        )
    table = np.zeros((2, 2), dtype=bool)
    name = getattr(norm, "__name__", repr(norm))
    for helped in (False, True):
        for good in (False, True):
            verdict = norm(helped, good)
            if not isinstance(verdict, bool | np.bool_):
                raise ValueError(
                    f"{owner}: the norm {name}(helped={helped}, recipient_good={good}) returned {verdict!r}; "
                    "allowed: True (good) or False (bad)"
                )
            table[int(helped), int(good)] = bool(verdict)
    return table


@validate_arguments(
    iterations=Param("iterations", 10_000, "iterations of the map", low=0, high=1_000_000)
)
def reputation_fixed_point(
    norm: Any,
    execution_error: float = 0.0,
    perception_error: float = 0.0,
    q: float = 1.0,
    iterations: int = 10_000,
) -> float:
    """Long-run share of good reputations in a large population of discriminators only.

    Iterates the mean-field map ``g -> P(donor judged good)`` for a random donor meeting a
    random recipient (Ohtsuki & Iwasa 2004's reputation dynamics, second-order norms, one
    public assessor) from ``g = 1``. Standing with errors ``e`` and ``mu`` gives
    ``(1 - mu) / (1 + e (1 - 2 mu))``, close to 1; image scoring with full information
    (``q = 1``) and only a perception error ``mu > 0`` gives 1/2, however small ``mu``:
    discriminators who refuse bad players are judged bad themselves.
    """
    table = norm_table(norm, "reputation_fixed_point")
    for name, value in (
        ("execution_error", execution_error),
        ("perception_error", perception_error),
        ("q", q),
    ):
        _check_probability(value, name, "reputation_fixed_point")
    e, mu = float(execution_error), float(perception_error)
    g = 1.0
    for _ in range(iterations):
        good_next = 0.0
        for recipient_good, p_r in ((True, g), (False, 1 - g)):
            # a discriminator helps a good recipient, or any recipient it does not know
            intends = 1.0 if recipient_good else 1 - q
            p_help = intends * (1 - e)
            for helped, p_a in ((True, p_help), (False, 1 - p_help)):
                judged_good = table[int(helped), int(recipient_good)]
                good_next += p_r * p_a * ((1 - mu) if judged_good else mu)
        if abs(good_next - g) < 1e-15:
            break
        g = good_next
    return float(g)


def _check_probability(value: Any, name: str, owner: str) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not 0 <= value <= 1
    ):
        raise ValueError(f"{owner}: parameter {name!r} got {value!r}; allowed: a number in [0, 1]")


class Member(Agent):
    """One player: a strategy, a public reputation and this generation's payoff."""

    def __init__(self, model: IndirectReciprocity, strategy: int) -> None:
        super().__init__(model)
        self.strategy = strategy
        self.good = True
        self.payoff = 0.0

    @property
    def strategy_name(self) -> str:
        return STRATEGY_NAMES[self.strategy]

    def decide(self, recipient_good: bool | None) -> bool:
        """Whether to help a recipient whose reputation this donor sees as ``recipient_good``
        (``None``: unknown). Override to change the strategies' behaviour."""
        if self.strategy == ALLC:
            return True
        if self.strategy == ALLD:
            return False
        return recipient_good is None or recipient_good


INDIRECT_PARAMS = Params(
    Param("n_agents", 100, "players in the population", "agents", low=4, high=5_000),
    Param("norm", "image scoring", "how the public judges a donor", choices=tuple(NORMS)),
    Param(
        "benefit",
        1.0,
        "benefit b to a helped recipient",
        "payoff",
        low=0,
        low_open=True,
        high=100,
        widget_max=5,
    ),
    Param(
        "cost",
        0.1,
        "cost c of helping to the donor",
        "payoff",
        low=0,
        high=100,
        widget_max=1,
        step=0.01,
    ),
    Param(
        "q",
        1.0,
        "chance a donor knows the recipient's reputation",
        "probability",
        low=0,
        high=1,
        step=0.01,
    ),
    Param(
        "rounds",
        500,
        "donor-recipient encounters per generation",
        "encounters",
        low=1,
        high=1_000_000,
        widget_max=2_000,
    ),
    Param(
        "execution_error",
        0.0,
        "chance an intended help fails",
        "probability",
        low=0,
        high=0.5,
        step=0.01,
    ),
    Param(
        "perception_error",
        0.0,
        "chance the public records the wrong reputation",
        "probability",
        low=0,
        high=0.5,
        step=0.01,
    ),
    Param(
        "mutation",
        0.01,
        "chance an offspring takes a random strategy",
        "probability",
        low=0,
        high=1,
        step=0.005,
    ),
    Param(
        "initial_cooperators",
        0.0,
        "share of ALLC players at the start",
        "share",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "initial_defectors",
        0.5,
        "share of ALLD players at the start (the rest are DISC)",
        "share",
        low=0,
        high=1,
        step=0.05,
    ),
    Param("allow_cooperators", False, "mutants may be ALLC (else only ALLD and DISC)"),
)


def initial_strategies(
    n_agents: int, initial_cooperators: float, initial_defectors: float
) -> np.ndarray:
    """The starting strategies: ALLC first, then ALLD, then DISC (the order is irrelevant in
    a well-mixed population; shares are rounded to whole players)."""
    n_c = int(round(initial_cooperators * n_agents))
    n_d = int(round(initial_defectors * n_agents))
    return np.array([ALLC] * n_c + [ALLD] * n_d + [DISC] * (n_agents - n_c - n_d), dtype=np.int64)


def draw_generation(rng: np.random.Generator, n_agents: int, rounds: int) -> tuple[np.ndarray, ...]:
    """All the encounter randomness of one generation, in the order both engines use:
    donors, recipients (never the donor), and uniforms for knowing, execution and
    perception errors."""
    donors = rng.integers(0, n_agents, size=rounds)
    recipients = (donors + 1 + rng.integers(0, n_agents - 1, size=rounds)) % n_agents
    know, slip, misperceive = rng.random(rounds), rng.random(rounds), rng.random(rounds)
    return donors, recipients, know, slip, misperceive


def next_generation(
    rng: np.random.Generator,
    strategies: np.ndarray,
    payoffs: np.ndarray,
    mutation: float,
    n_strategies: int,
) -> np.ndarray:
    """Wright-Fisher reproduction in proportion to payoff (negative counts as zero), then
    mutation to a uniformly random strategy among the first ``n_strategies`` codes shifted
    so that ALLD and DISC are always available."""
    n = len(strategies)
    fitness = np.maximum(payoffs, 0.0)
    total = fitness.sum()
    draws = rng.random(n)
    if total > 0:
        cumulative = np.cumsum(fitness)
        parents = np.minimum(
            np.searchsorted(cumulative, draws * cumulative[-1], side="right"), n - 1
        )
    else:
        parents = np.minimum((draws * n).astype(np.int64), n - 1)
    children = strategies[parents]
    mutate = rng.random(n) < mutation
    mutant = rng.integers(0, n_strategies, size=n) + (3 - n_strategies)  # 2 strategies: ALLD, DISC
    return np.where(mutate, mutant, children)


class IndirectReciprocity(RiskModel):
    """Indirect reciprocity by reputation among strangers (Nowak & Sigmund 1998).

    One step = one generation of ``rounds`` encounters followed by reproduction. Reporters:
    ``cooperation`` (share of this generation's encounters in which the donor helped),
    ``discriminators``, ``defectors``, ``cooperators`` (strategy shares of the new
    generation), ``good`` (share of good reputations at the end of the generation) and
    ``payoff`` (mean payoff per player in the generation).
    """

    params = INDIRECT_PARAMS
    reporters = {
        "cooperation": "cooperation",
        "discriminators": lambda m: m.share(DISC),
        "defectors": lambda m: m.share(ALLD),
        "cooperators": lambda m: m.share(ALLC),
        "good": "good_share",
        "payoff": "mean_payoff",
    }
    default_plots = ("cooperation", "discriminators")

    def __init__(
        self,
        *,
        norm_rule: Any = None,
        member_class: type[Member] = Member,
        rng: Any = None,
        **params: Any,
    ) -> None:
        """``norm_rule`` (a function ``(helped, recipient_good) -> bool``) replaces the
        built-in norm named by ``norm``; ``member_class`` is a :class:`Member` subclass."""
        rng = (
            int(rng) if isinstance(rng, np.integer) else rng
        )  # Mesa's random.Random needs a plain int
        super().__init__(rng=rng, **params)
        owner = type(self).__name__
        require(
            self.cost < self.benefit,
            "cost",
            self.cost,
            f"less than benefit={self.benefit} (else helping never pays)",
            owner,
        )
        require(
            self.initial_cooperators + self.initial_defectors <= 1,
            "initial_defectors",
            self.initial_defectors,
            f"at most 1 - initial_cooperators = {1 - self.initial_cooperators:g}",
            owner,
        )
        if not (isinstance(member_class, type) and issubclass(member_class, Member)):
            raise TypeError(
                f"{owner}: parameter 'member_class' got {member_class!r}; expected a subclass of Member"
            )
        self.norm_rule = self.norm if norm_rule is None else norm_rule
        self.table = norm_table(self.norm_rule, owner)
        self.members = [
            member_class(self, int(s))
            for s in initial_strategies(
                self.n_agents, self.initial_cooperators, self.initial_defectors
            )
        ]
        self.cooperation = float("nan")
        self.good_share = 1.0
        self.mean_payoff = float("nan")
        self.start_datacollector()

    def share(self, strategy: int) -> float:
        """Share of players with strategy code ``strategy`` (0 ALLC, 1 ALLD, 2 DISC)."""
        return sum(m.strategy == strategy for m in self.members) / len(self.members)

    def strategies(self) -> np.ndarray:
        return np.array([m.strategy for m in self.members], dtype=np.int64)

    def encounter(
        self, donor: Member, recipient: Member, knows: bool, slips: bool, misperceived: bool
    ) -> bool:
        """One act of giving or refusing, judged by the public. Returns whether help was given."""
        seen = recipient.good if knows else None
        intends = donor.decide(seen)
        if not isinstance(intends, bool | np.bool_):
            raise ValueError(
                f"{type(donor).__name__}.decide({seen!r}) returned {intends!r}; allowed: True (help) or False"
            )
        helped = bool(intends) and not slips
        if helped:
            donor.payoff -= self.cost
            recipient.payoff += self.benefit
        verdict = bool(self.table[int(helped), int(recipient.good)])
        donor.good = verdict != misperceived
        return helped

    def step(self) -> None:
        donors, recipients, know, slip, misperceive = draw_generation(
            self.rng, self.n_agents, self.rounds
        )
        helped = 0
        for t in range(self.rounds):
            helped += self.encounter(
                self.members[donors[t]],
                self.members[recipients[t]],
                know[t] < self.q,
                slip[t] < self.execution_error,
                misperceive[t] < self.perception_error,
            )
        self.cooperation = helped / self.rounds
        payoffs = np.array([m.payoff for m in self.members])
        self.mean_payoff = float(payoffs.mean())
        self.good_share = sum(m.good for m in self.members) / self.n_agents
        children = next_generation(
            self.rng, self.strategies(), payoffs, self.mutation, 3 if self.allow_cooperators else 2
        )
        for member, strategy in zip(self.members, children, strict=True):
            member.strategy = int(strategy)
            member.good = True
            member.payoff = 0.0
        self.datacollector.collect(self)

    def draw_state(self, ax) -> None:
        """Bar chart of the strategy shares."""
        from mesa_models.plotting import COLORS

        shares = [self.share(s) for s in (ALLC, ALLD, DISC)]
        ax.bar(
            STRATEGY_NAMES, shares, color=[COLORS["green"], COLORS["vermillion"], COLORS["blue"]]
        )
        ax.set_ylim(0, 1)
        ax.set_ylabel("share of players")
        ax.set_title(
            f"generation {self.steps}: {self.norm if isinstance(self.norm_rule, str) else 'custom norm'}"
        )

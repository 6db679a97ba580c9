"""NumPy engine for :class:`~mesa_models.commitment.indirect_reciprocity.IndirectReciprocity`:
many populations (one per seed) in lockstep, for sweeps over ``q``, ``c/b``, norms and errors.

Encounters inside a generation are sequential (a reputation earned in one encounter is
seen in the next), so the engine loops over encounters and vectorises over populations.
Each population has its own ``numpy.random.default_rng(seed)`` and draws exactly the
numbers the Mesa model draws, in the same order (:func:`draw_generation`,
:func:`next_generation`), so population ``k`` of ``simulate(seeds=[..., s, ...])`` follows
``IndirectReciprocity(rng=s)`` step for step (tests/test_indirect_reciprocity.py checks it).

Norms are given by name or as a function ``norm(helped, recipient_good) -> bool``, exactly
as in the Mesa model (turned into a 2x2 table once). The strategies' decision rule is fixed
here; to experiment with it, subclass the Mesa model's ``Member``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mesa_models.commitment.indirect_reciprocity import (
    ALLC,
    ALLD,
    DISC,
    INDIRECT_PARAMS,
    draw_generation,
    initial_strategies,
    next_generation,
    norm_table,
)
from mesa_models.params import require

__all__ = [
    "MAX_BYTES",
    "MAX_ENCOUNTERS",
    "PER_POPULATION",
    "ReputationRuns",
    "simulate",
    "threshold_sweep",
]

#: Refuse runs with more encounters (populations x generations x rounds) than this.
MAX_ENCOUNTERS = 2_000_000_000
#: Refuse runs whose per-generation arrays (about 48 bytes per population and encounter) exceed this.
MAX_BYTES = 1 << 30


@dataclass(frozen=True)
class ReputationRuns:
    """Per-generation results, arrays of shape ``(populations, generations)``."""

    seeds: tuple[int, ...]
    cooperation: np.ndarray
    discriminators: np.ndarray
    defectors: np.ndarray
    cooperators: np.ndarray
    good: np.ndarray

    def late_cooperation(self, last: int | None = None) -> np.ndarray:
        """Mean cooperation over the last ``last`` generations (default: the second half),
        one value per population."""
        generations = self.cooperation.shape[1]
        last = generations - generations // 2 if last is None else last
        if (
            isinstance(last, bool)
            or not isinstance(last, int | np.integer)
            or not 1 <= last <= generations
        ):
            raise ValueError(
                f"late_cooperation(): parameter 'last' got {last!r}; allowed: an integer in [1, {generations}]"
            )
        return self.cooperation[:, -last:].mean(axis=1)


#: Parameters that may differ between the populations of one run (give one value per seed).
PER_POPULATION = ("benefit", "cost", "q", "execution_error", "perception_error")


def simulate(
    seeds: Iterable[int], generations: int, *, norm_rule: Any = None, **params: Any
) -> ReputationRuns:
    """Run one population per seed for ``generations`` generations.

    ``params`` are :class:`IndirectReciprocity`'s declared parameters (same names, same
    defaults, same validation); ``norm_rule`` replaces the named norm with a function.
    ``benefit``, ``cost``, ``q``, ``execution_error`` and ``perception_error`` may also be
    sequences with one value per seed, so that one run sweeps them (population ``k`` then
    equals ``IndirectReciprocity(rng=seeds[k], q=q[k], ...)``).
    """
    seeds = tuple(seeds)
    per_population = {}
    for name in PER_POPULATION:
        value = params.get(name)
        if value is not None and not isinstance(value, str) and np.ndim(value) == 1:
            if len(value) != len(seeds):
                raise ValueError(
                    f"simulate(): parameter {name!r} has {len(value)} values for {len(seeds)} seeds; give one per seed or a single number"
                )
            per_population[name] = np.array(
                [INDIRECT_PARAMS[name].validate(v, "simulate") for v in value], dtype=float
            )
            params[name] = INDIRECT_PARAMS[name].default
    values = INDIRECT_PARAMS.resolve(params, "simulate")
    if not seeds:
        raise ValueError("simulate(): parameter 'seeds' is empty; pass at least one seed")
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(
                f"simulate(): parameter 'seeds' contains {seed!r}; allowed: integers >= 0"
            )
    if (
        isinstance(generations, bool)
        or not isinstance(generations, int | np.integer)
        or generations < 1
    ):
        raise ValueError(
            f"simulate(): parameter 'generations' got {generations!r}; allowed: an integer >= 1"
        )
    pops = len(seeds)
    column = {
        name: per_population.get(name, np.full(pops, float(values[name])))[:, None]
        for name in PER_POPULATION
    }
    bad = np.flatnonzero(column["cost"][:, 0] >= column["benefit"][:, 0])
    if bad.size:
        k = int(bad[0])
        require(
            False,
            "cost",
            float(column["cost"][k, 0]),
            f"less than benefit={float(column['benefit'][k, 0]):g} (population {k})",
            "simulate",
        )
    require(
        values["initial_cooperators"] + values["initial_defectors"] <= 1,
        "initial_defectors",
        values["initial_defectors"],
        f"at most 1 - initial_cooperators = {1 - values['initial_cooperators']:g}",
        "simulate",
    )
    work = len(seeds) * int(generations) * values["rounds"]
    require(
        work <= MAX_ENCOUNTERS,
        "generations",
        generations,
        f"at most {MAX_ENCOUNTERS:,} encounters in all (asked for {work:,} = seeds x generations x rounds)",
        "simulate",
    )
    memory = len(seeds) * values["rounds"] * 48
    require(
        memory <= MAX_BYTES,
        "rounds",
        values["rounds"],
        f"a generation of at most {MAX_BYTES // (48 * len(seeds)):,} encounters for {len(seeds)} populations "
        f"(this one would need about {memory / 2**30:.1f} GiB; run fewer seeds at once)",
        "simulate",
    )
    table = norm_table(values["norm"] if norm_rule is None else norm_rule, "simulate")
    flat_table = table.reshape(-1)  # index 2 * helped + recipient_good

    n, rounds = values["n_agents"], values["rounds"]
    b, c, q = column["benefit"], column["cost"], column["q"]
    e, mu = column["execution_error"], column["perception_error"]
    n_strategies = 3 if values["allow_cooperators"] else 2
    rngs = [np.random.default_rng(int(s)) for s in seeds]
    rows = np.arange(pops)
    strategies = np.tile(
        initial_strategies(n, values["initial_cooperators"], values["initial_defectors"]), (pops, 1)
    )
    out = {
        k: np.empty((pops, generations))
        for k in ("cooperation", "discriminators", "defectors", "cooperators", "good")
    }

    for gen in range(generations):
        draws = [draw_generation(rng, n, rounds) for rng in rngs]
        donors, recipients, know, slip, misperceive = (
            np.stack(d) for d in zip(*draws, strict=True)
        )
        # Strategies are fixed within a generation: what each donor is can be looked up at once.
        kind = strategies[rows[:, None], donors]
        always = (kind == ALLC) & (slip >= e)  # helps whatever it sees (unless it slips)
        discriminating = (kind == DISC) & (slip >= e)  # helps the good, and anyone it does not know
        unknown = know >= q
        errs = misperceive < mu
        good = np.ones((pops, n), dtype=bool)
        helped = np.zeros((pops, rounds), dtype=bool)
        for t in range(rounds):  # reputations are sequential: each act is judged before the next
            r = recipients[:, t]
            rep_r = good[rows, r]
            act = always[:, t] | (discriminating[:, t] & (rep_r | unknown[:, t]))
            helped[:, t] = act
            good[rows, donors[:, t]] = flat_table[2 * act + rep_r] != errs[:, t]
        # Payoffs in the Mesa model's order of additions (donor, then recipient, encounter by encounter).
        payoff = np.zeros(pops * n)
        offset = (rows * n)[:, None]
        where = np.stack([donors + offset, recipients + offset], axis=2).reshape(-1)
        amount = np.stack([np.where(helped, -c, 0.0), np.where(helped, b, 0.0)], axis=2).reshape(
            -1
        )  # c, b: (pops, 1)
        np.add.at(payoff, where, amount)
        payoff = payoff.reshape(pops, n)
        helped_count = helped.sum(axis=1)
        out["cooperation"][:, gen] = helped_count / rounds
        out["good"][:, gen] = good.mean(axis=1)
        strategies = np.stack(
            [
                next_generation(rngs[k], strategies[k], payoff[k], values["mutation"], n_strategies)
                for k in range(pops)
            ]
        )
        out["discriminators"][:, gen] = (strategies == DISC).mean(axis=1)
        out["defectors"][:, gen] = (strategies == ALLD).mean(axis=1)
        out["cooperators"][:, gen] = (strategies == ALLC).mean(axis=1)
    return ReputationRuns(seeds=seeds, **out)


def threshold_sweep(
    qs: Iterable[float],
    cost_over_benefit: Iterable[float],
    seeds: Iterable[int],
    generations: int,
    *,
    last: int | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Late cooperation for every ``(c/b, q, seed)``, all populations in one run.

    ``benefit`` is 1 (or ``params['benefit']``) and ``cost = c/b x benefit``. Returns a table
    with columns ``c_over_b``, ``q``, ``seed`` and ``cooperation`` (mean over the last
    ``last`` generations, default the second half).
    """
    qs, ratios, seeds = (
        [float(q) for q in qs],
        [float(r) for r in cost_over_benefit],
        [int(s) for s in seeds],
    )
    if not qs or not ratios or not seeds:
        raise ValueError(
            "threshold_sweep(): 'qs', 'cost_over_benefit' and 'seeds' must each have at least one value"
        )
    for r in ratios:
        if not 0 <= r < 1:
            raise ValueError(
                f"threshold_sweep(): parameter 'cost_over_benefit' contains {r!r}; allowed: numbers in [0, 1)"
            )
    for name in ("q", "cost", "seeds"):
        if name in params:
            raise TypeError(
                f"threshold_sweep(): pass {name!r} through qs / cost_over_benefit / seeds, not as a parameter"
            )
    benefit = float(params.pop("benefit", 1.0))
    grid = [(r, q, s) for r in ratios for q in qs for s in seeds]
    runs = simulate(
        [s for _, _, s in grid],
        generations,
        q=[q for _, q, _ in grid],
        cost=[r * benefit for r, _, _ in grid],
        benefit=[benefit] * len(grid),
        **params,
    )
    return pd.DataFrame(
        {
            "c_over_b": [r for r, _, _ in grid],
            "q": [q for _, q, _ in grid],
            "seed": [s for _, _, s in grid],
            "cooperation": runs.late_cooperation(last),
        }
    )

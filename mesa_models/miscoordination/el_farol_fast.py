"""A vectorised El Farol engine for sweeps (Arthur 1994), in agreement with the Mesa model.

:class:`~mesa_models.miscoordination.el_farol.ElFarol` is the readable reference: one Mesa agent per
bar-goer. :class:`ElFarolArray` applies the same rules to arrays: the pool of linear
predictors is a weight matrix, the agents' bags are an index matrix, and a week is a few
NumPy operations. Built with :meth:`ElFarolArray.from_model` it starts from the Mesa
model's exact state (pool, bags, history, scores) and produces the same attendance,
week by week (a test checks it). Use it when a lesson or lab needs many runs.

>>> from mesa_models.miscoordination.el_farol import ElFarol
>>> engine = ElFarolArray.from_params(rng=0)
>>> len(engine.run(10))
10
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from mesa_models.miscoordination.el_farol import FORECAST_DECIMALS, ElFarol, LinearPredictor

__all__ = ["ElFarolArray"]


class ElFarolArray:
    """Arthur's El Farol bar on arrays. Build it with :meth:`from_model` or :meth:`from_params`.

    Attributes: ``weights`` (pool × memory), ``constants`` (pool), ``bags`` (agents × k
    indices into the pool), ``scores`` (pool), ``history`` (list of attendances).
    """

    def __init__(
        self,
        weights: np.ndarray,
        constants: np.ndarray,
        bags: np.ndarray,
        history: list[int],
        *,
        threshold: float,
        score_decay: float,
        scores: np.ndarray | None = None,
    ) -> None:
        self.weights = np.asarray(weights, dtype=float)
        self.constants = np.asarray(constants, dtype=float)
        self.bags = np.asarray(bags, dtype=int)
        if self.weights.ndim != 2 or self.constants.shape != (self.weights.shape[0],):
            raise ValueError(
                f"ElFarolArray: 'weights' must be pool × memory and 'constants' one per row; got shapes {self.weights.shape} and {self.constants.shape}"
            )
        if (
            self.bags.ndim != 2
            or self.bags.size == 0
            or self.bags.min() < 0
            or self.bags.max() >= len(self.constants)
        ):
            raise ValueError(
                f"ElFarolArray: 'bags' must be an agents × k matrix of indices in [0, {len(self.constants)})"
            )
        self.n_agents = self.bags.shape[0]
        self.memory = self.weights.shape[1]
        if not 0 < threshold < self.n_agents:
            raise ValueError(
                f"ElFarolArray: parameter 'threshold' got {threshold!r}; allowed: strictly between 0 and n_agents={self.n_agents}"
            )
        if not 0 <= score_decay < 1:
            raise ValueError(
                f"ElFarolArray: parameter 'score_decay' got {score_decay!r}; allowed: a number in [0, 1)"
            )
        if len(history) < self.memory:
            raise ValueError(
                f"ElFarolArray: 'history' needs at least memory={self.memory} weeks, got {len(history)}"
            )
        self.threshold = threshold
        self.score_decay = score_decay
        self.scores = (
            np.zeros(len(self.constants)) if scores is None else np.array(scores, dtype=float)
        )
        self.history = [int(a) for a in history]
        self._rows = np.arange(self.n_agents)

    @classmethod
    def from_model(cls, model: ElFarol) -> ElFarolArray:
        """The engine in the exact current state of a Mesa ``ElFarol`` model whose pool
        holds only :class:`~mesa_models.miscoordination.el_farol.LinearPredictor` objects."""
        if not isinstance(model, ElFarol):
            raise TypeError(f"ElFarolArray.from_model() needs an ElFarol model, got {model!r}")
        for predictor in model.pool:
            if not isinstance(predictor, LinearPredictor):
                raise TypeError(
                    f"ElFarolArray needs linear predictors (LinearPredictor); the pool holds {predictor!r}"
                )
        memory = model.memory
        weights = np.zeros((model.pool_size, memory))
        for row, predictor in zip(weights, model.pool, strict=True):
            w = np.asarray(predictor.weights, dtype=float)[-memory:]
            row[memory - len(w) :] = w
        constants = np.array([p.constant for p in model.pool], dtype=float)
        bags = np.array([patron.bag for patron in model.agents], dtype=int)
        return cls(
            weights,
            constants,
            bags,
            list(model.history),
            threshold=model.threshold,
            score_decay=model.score_decay,
            scores=model.scores,
        )

    @classmethod
    def from_params(cls, *, rng: Any = None, **params: Any) -> ElFarolArray:
        """Build (and validate) an ``ElFarol`` model with these arguments, then take its state."""
        return cls.from_model(ElFarol(rng=rng, **params))

    def step(self) -> int:
        """Play one week; return its attendance."""
        window = np.asarray(self.history[-self.memory :], dtype=float)
        forecasts = np.clip(self.constants + self.weights @ window, 0.0, float(self.n_agents))
        forecasts = np.round(forecasts, FORECAST_DECIMALS)
        # each agent trusts the best-scoring predictor in its bag (first one on ties)
        best = self.bags[self._rows, np.argmin(self.scores[self.bags], axis=1)]
        attendance = int(np.count_nonzero(forecasts[best] <= self.threshold))
        self.scores = self.score_decay * self.scores + np.abs(forecasts - attendance)
        self.history.append(attendance)
        return attendance

    def run(self, weeks: int) -> np.ndarray:
        """Play ``weeks`` weeks; return their attendances."""
        if isinstance(weeks, bool) or not isinstance(weeks, numbers.Integral) or weeks < 0:
            raise ValueError(
                f"ElFarolArray.run(): parameter 'weeks' got {weeks!r}; allowed: an integer >= 0"
            )
        return np.array([self.step() for _ in range(weeks)], dtype=int)

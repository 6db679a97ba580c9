"""Declared model parameters: one declaration drives validation, widgets and docs.

A model lists its parameters once, as :class:`Param` objects in a :class:`Params`
collection. :class:`mesa_models.base.RiskModel` validates constructor arguments against
it, :func:`mesa_models.explore` builds sliders and dropdowns from it, and the model's
docstring and ``help()`` show the table it renders.
"""

from __future__ import annotations

import difflib
import math
import numbers
import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Param", "Params", "require", "validate_arguments"]


@dataclass(frozen=True)
class Param:
    """One model parameter.

    Args:
        name: keyword argument name.
        default: default value; its type fixes the parameter's kind (bool, int, float, str).
        doc: one-line meaning, shown in docs and as the widget tooltip.
        unit: unit of measurement ("agents", "steps", "probability", ...), or "".
        low, high: numeric bounds (``None`` = unbounded on that side).
        low_open, high_open: make a bound exclusive, e.g. ``(0, 1]`` is ``low_open=True``.
        choices: allowed values for a categorical parameter (then no bounds).
        step: slider step for the dashboard (defaults: 1 for ints, range/100 for floats).
        widget_max: upper end of the dashboard slider when ``high`` is unbounded.
    """

    name: str
    default: Any
    doc: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple | None = None
    step: float | None = None
    widget_max: float | None = None

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"Param name {self.name!r} is not a valid Python identifier")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
            if self.low is not None or self.high is not None:
                raise ValueError(f"Param {self.name!r}: use either choices or bounds, not both")
        # The default must itself be valid: a declaration cannot contradict itself.
        self.validate(self.default)

    @property
    def kind(self) -> type:
        """The parameter's Python type, taken from the default."""
        for kind in (bool, int, float, str):
            if isinstance(self.default, kind):
                return kind
        return type(self.default)

    def allowed(self) -> str:
        """Human-readable description of the allowed values, e.g. ``'a float in (0, 1]'``."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = {bool: "True or False", int: "an integer", float: "a number"}.get(
            self.kind, f"a {self.kind.__name__}"
        )
        if self.low is None and self.high is None:
            return kind
        left = "(" if self.low_open or self.low is None else "["
        right = ")" if self.high_open or self.high is None else "]"
        lo = "-inf" if self.low is None else _fmt(self.low)
        hi = "inf" if self.high is None else _fmt(self.high)
        return f"{kind} in {left}{lo}, {hi}{right}"

    def validate(self, value: Any, owner: str = "") -> Any:
        """Return ``value`` converted to this parameter's kind, or raise a clear error.

        Raises:
            TypeError: the value has the wrong type (e.g. a string for a number).
            ValueError: the value is outside the declared range or choices.
        """
        where = f"{owner}: " if owner else ""
        prefix = f"{where}parameter {self.name!r} got {value!r}"
        if self.choices is not None:
            if value not in self.choices:
                raise ValueError(f"{prefix}; allowed: {self.allowed()}")
            return value
        kind = self.kind
        if kind is bool:
            if not isinstance(value, bool | _np_bool()):
                raise TypeError(f"{prefix}; expected True or False")
            return bool(value)
        if kind in (int, float):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{prefix}; expected {self.allowed()}")
            if kind is int:
                if not isinstance(value, numbers.Integral):
                    if not float(value).is_integer():
                        raise TypeError(f"{prefix}; expected {self.allowed()}")
                value = int(value)
            else:
                value = float(value)
                if math.isnan(value):
                    raise ValueError(f"{prefix}; expected {self.allowed()}")
            too_low = self.low is not None and (
                value < self.low or (self.low_open and value == self.low)
            )
            too_high = self.high is not None and (
                value > self.high or (self.high_open and value == self.high)
            )
            if too_low or too_high:
                raise ValueError(f"{prefix}; allowed: {self.allowed()}")
            return value
        if not isinstance(value, kind):
            raise TypeError(f"{prefix}; expected {self.allowed()}")
        return value

    def row(self) -> str:
        """One line of the parameter table used in docstrings."""
        unit = f" [{self.unit}]" if self.unit else ""
        return f"{self.name} = {self.default!r}{unit}: {self.doc} ({self.allowed()})"


class Params(Mapping[str, Param]):
    """An ordered, read-only collection of :class:`Param` declarations."""

    def __init__(self, *params: Param) -> None:
        self._params: dict[str, Param] = {}
        for p in params:
            if not isinstance(p, Param):
                raise TypeError(f"Params takes Param objects, got {p!r}")
            if p.name in self._params:
                raise ValueError(f"parameter {p.name!r} declared twice")
            self._params[p.name] = p

    def __getitem__(self, name: str) -> Param:
        return self._params[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __repr__(self) -> str:
        return "Params(" + ", ".join(self._params) + ")"

    def defaults(self) -> dict[str, Any]:
        """Every parameter's default value."""
        return {name: p.default for name, p in self._params.items()}

    def resolve(
        self, values: Mapping[str, Any], owner: str = "", keywords: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Defaults overridden by ``values``, each validated.

        ``keywords`` are the owner's other keyword arguments (``rng``, ``strategy=`` ...):
        an unknown name is matched against them too, and the error lists them.

        Raises:
            TypeError: an unknown parameter name (with a did-you-mean suggestion) or a
                value of the wrong type.
            ValueError: a value outside its declared range.
        """
        unknown = [k for k in values if k not in self._params]
        if unknown:
            name = unknown[0]
            extra = [k for k in keywords if k not in self._params]
            close = difflib.get_close_matches(name, [*self._params, *extra], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            where = f"{owner}() " if owner else ""
            also = f"; other keyword arguments: {', '.join(extra)}" if extra else ""
            raise TypeError(
                f"{where}got an unknown parameter {name!r}.{hint} "
                f"Known parameters: {', '.join(self._params) or 'none'}{also}"
            )
        resolved = self.defaults()
        for name, value in values.items():
            resolved[name] = self._params[name].validate(value, owner)
        return resolved

    def table(self) -> str:
        """Plain-text parameter table (one line per parameter)."""
        return "\n".join("    " + p.row() for p in self._params.values())


def require(condition: bool, name: str, value: Any, allowed: str, owner: str = "") -> None:
    """Raise ``ValueError`` naming the parameter, the value and what is allowed.

    For constraints between parameters that a single :class:`Param` cannot express,
    e.g. ``require(threshold < n_agents, "threshold", threshold, f"less than n_agents={n}")``.
    """
    if not condition:
        where = f"{owner}: " if owner else ""
        raise ValueError(f"{where}parameter {name!r} got {value!r}; allowed: {allowed}")


def _fmt(x: float) -> str:
    return f"{x:g}"


def _np_bool() -> type:
    import numpy as np

    return np.bool_


def validate_arguments(**declared: Param | Callable[[Any, str], Any]) -> Callable:
    """Decorator: validate a helper function's arguments the way models validate theirs.

    Each keyword names an argument of the decorated function and gives its declaration: a
    :class:`Param` (its ``default`` only fixes the kind; bounds and choices apply) or a
    function ``(value, owner) -> value`` for anything a Param cannot say. Values are
    converted (NumPy scalars to ``int``/``float``) before the call; a bad one raises the
    Param's ``TypeError``/``ValueError``, which names the function, the parameter, the
    value and what is allowed::

        @validate_arguments(last=Param("last", 50, "final values to average", low=1))
        def late_share(shares, last): ...
    """

    def decorate(func: Callable) -> Callable:
        signature = inspect.signature(func)
        unknown = set(declared) - set(signature.parameters)
        if unknown:
            raise TypeError(
                f"validate_arguments: {func.__name__} has no parameter(s) {sorted(unknown)}"
            )

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as error:
                raise TypeError(f"{func.__name__}(): {error}") from None
            for name, rule in declared.items():
                if name in bound.arguments:
                    value = bound.arguments[name]
                    if isinstance(rule, Param):
                        bound.arguments[name] = rule.validate(value, f"{func.__name__}()")
                    else:
                        bound.arguments[name] = rule(value, f"{func.__name__}()")
            return func(*bound.args, **bound.kwargs)

        return wrapper

    return decorate

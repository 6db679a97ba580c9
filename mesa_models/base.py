"""The common base of every course model: declared parameters plus a seeded Mesa model.

Subclasses declare ``params = Params(...)`` and call ``super().__init__(rng=rng, **params)``
first thing in ``__init__``. After that every declared parameter is an attribute of the
model, validated, and ``model.param_values`` holds them all (handy for reports).

Conventions every subclass follows:

* ``rng=`` seeds everything (Mesa's ``model.random`` and ``model.rng``); spaces get
  ``random=self.random``. Same seed, same run.
* Model-level reporters are declared in the class attribute ``reporters`` (name ->
  attribute name or function of the model); ``self.start_datacollector()`` at the end of
  ``__init__`` builds ``self.datacollector`` from them and records step 0, and ``step()``
  ends with ``self.datacollector.collect(self)``. A student adds a reporter by subclassing:
  ``reporters = {**Corridor.reporters, "mine": my_function}``.
* Optional ``draw_state(ax)`` draws the current grid or network; the dashboard uses it.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import mesa
import numpy as np

from mesa_models.params import Params

__all__ = ["RiskModel", "plain_seed", "seed_argument", "seed_list", "validate_rng"]


def validate_rng(rng: Any, owner: str = "", name: str = "rng") -> Any:
    """Accept what Mesa accepts for ``rng=``: None, a non-negative int (NumPy integers
    too, returned as ``int``), a Generator, a BitGenerator or a SeedSequence. Anything
    else is a ``TypeError``/``ValueError`` naming ``name``. Returns the value to use."""
    where = f"{owner}: " if owner else ""
    if rng is None or isinstance(
        rng, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence
    ):
        return rng
    if isinstance(rng, bool | np.bool_) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"{where}parameter {name!r} got {rng!r}; expected None, a non-negative integer "
            "seed or a numpy.random.Generator"
        )
    if rng < 0:
        raise ValueError(f"{where}parameter {name!r} got {rng!r}; allowed: an integer >= 0")
    return int(rng)


def plain_seed(rng: Any) -> Any:
    """``rng`` with a NumPy integer seed turned into a Python ``int`` (Python's
    ``random.Random``, which Mesa seeds, refuses NumPy integers); anything else unchanged."""
    return int(rng) if isinstance(rng, np.integer) and not isinstance(rng, np.bool_) else rng


def seed_list(seeds: Any, owner: str, name: str = "seeds") -> list[int]:
    """``seeds`` (one integer seed or an iterable of them) as a list of non-negative ints,
    or a ``TypeError``/``ValueError`` naming ``name`` and the function ``owner``."""
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool | np.bool_):
        seeds = [seeds]
    if not isinstance(seeds, Iterable) or isinstance(seeds, str | bytes):
        raise TypeError(
            f"{owner}: parameter {name!r} got {seeds!r}; expected an integer or a list of integers"
        )
    seeds = list(seeds)
    if not seeds:
        raise ValueError(f"{owner}: parameter {name!r} is empty; pass at least one seed")
    for seed in seeds:
        if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"{owner}: parameter {name!r} got {seed!r}; expected integers")
        validate_rng(seed, owner, name)
    return [int(s) for s in seeds]


def seed_argument(name: str) -> Callable[[Any, str], Any]:
    """A :func:`~mesa_models.params.validate_arguments` rule for a seed argument called ``name``."""
    return lambda value, owner: validate_rng(value, owner, name)


class RiskModel(mesa.Model):
    """A Mesa model whose parameters are declared once in ``params``."""

    params: ClassVar[Params] = Params()
    #: Model-level DataCollector reporters: column name -> attribute name or function(model).
    reporters: ClassVar[Mapping[str, str | Callable[[Any], Any]]] = {}
    #: DataCollector column names the dashboard plots by default.
    default_plots: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, rng: Any = None, **params: Any) -> None:
        owner = type(self).__name__
        rng = validate_rng(rng, owner)
        keywords = tuple(inspect.signature(type(self)).parameters)
        for name in params:
            if name in _class_attributes(type(self)):
                raise TypeError(
                    f"{owner}() got {name}= as a keyword, but {name} is a class attribute: subclass "
                    f"{owner} and set it there, e.g. class My{owner}({owner}): {name} = ..."
                )
        values = type(self).params.resolve(params, owner, keywords + _class_attributes(type(self)))
        super().__init__(rng=rng)
        self.param_values: dict[str, Any] = values
        for name, value in values.items():
            setattr(self, name, value)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not isinstance(cls.params, Params):
            raise TypeError(f"{cls.__name__}.params must be a Params(...) declaration")
        cls.__signature__ = _signature_with_params(cls)
        if cls.params:
            doc = inspect.cleandoc(cls.__doc__ or "")
            cls.__doc__ = f"{doc}\n\nParameters (declared in ``params``):\n{cls.params.table()}"

    def start_datacollector(self) -> None:
        """Build ``self.datacollector`` from ``reporters`` and record the initial state."""
        for name, reporter in self.reporters.items():
            if not (isinstance(reporter, str) or callable(reporter)):
                raise TypeError(
                    f"{type(self).__name__}.reporters[{name!r}] is {reporter!r}; "
                    "expected an attribute name or a function of the model"
                )
        self.datacollector = mesa.DataCollector(model_reporters=dict(self.reporters))
        self.datacollector.collect(self)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.param_values.items())
        return f"{type(self).__name__}({args}) at step {self.steps}"


def _class_attributes(cls: type) -> tuple[str, ...]:
    """Extension points set by subclassing (``robot_class``, ``patron_class`` ...)."""
    return tuple(
        n for n in dir(cls) if n.endswith("_class") and isinstance(getattr(cls, n, None), type)
    )


def _signature_with_params(cls: type) -> inspect.Signature:
    """The constructor signature with ``**params`` spelled out as keyword arguments, so
    tab completion and ``help()`` show every declared parameter and its default."""
    init = inspect.signature(cls.__init__)
    explicit = [
        p
        for p in list(init.parameters.values())[1:]  # drop self
        if p.kind is not inspect.Parameter.VAR_KEYWORD and p.name not in cls.params
    ]
    declared = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=p.default)
        for name, p in cls.params.items()
    ]
    positional = [p for p in explicit if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    keyword = [p for p in explicit if p.kind is inspect.Parameter.KEYWORD_ONLY]
    return inspect.Signature(positional + declared + keyword)

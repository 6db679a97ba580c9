"""Every parameter of every course model: the default builds, and a value outside the
declared range (or choices) is a ValueError naming the parameter (property-based)."""

import importlib
import pkgutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mesa_models
from mesa_models.base import RiskModel

for module in pkgutil.walk_packages(mesa_models.__path__, "mesa_models."):
    importlib.import_module(module.name)


def all_models():
    found, stack = [], list(RiskModel.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("mesa_models.") and cls not in found:
            found.append(cls)
    return sorted(found, key=lambda c: c.__qualname__)


MODELS = all_models()
CASES = [(model, name) for model in MODELS for name in model.params]


def test_every_model_module_is_found():
    assert {"Corridor", "Conventions", "ElFarol", "SpatialPD", "CalvanoModel"} <= {
        m.__name__ for m in MODELS
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_defaults_build(model):
    built = model(rng=0)
    assert built.param_values == model.params.defaults()


def outside(param):
    """A strategy for values just or far outside the declared range."""
    options = []
    if param.low is not None:
        below = st.floats(
            min_value=param.low - 1e6,
            max_value=param.low,
            exclude_max=not param.low_open,
            allow_nan=False,
        )
        options.append(below.map(int) if param.kind is int else below)
    if param.high is not None:
        above = st.floats(
            min_value=param.high,
            max_value=param.high + 1e6,
            exclude_min=not param.high_open,
            allow_nan=False,
        )
        options.append(above.map(int) if param.kind is int else above)
    return st.one_of(*options)


@pytest.mark.parametrize(("model", "name"), CASES, ids=lambda x: getattr(x, "__name__", x))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_out_of_range_is_a_clear_value_error(model, name, data):
    param = model.params[name]
    if param.choices is not None:
        bad = data.draw(st.text(min_size=1, max_size=8).filter(lambda v: v not in param.choices))
    elif param.kind in (int, float) and (param.low is not None or param.high is not None):
        bad = data.draw(outside(param).filter(lambda v: _really_outside(param, v)))
    else:
        return  # booleans and unbounded numbers: nothing is out of range
    with pytest.raises(ValueError, match=rf"'{name}' got "):
        model(rng=0, **{name: bad})


def _really_outside(param, value):
    try:
        param.validate(value)
    except ValueError:
        return True
    return False

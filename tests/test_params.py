"""Parameter declarations: validation messages, coercion, docs, and property-based checks
that every declared range accepts its inside and rejects its outside."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesa_models import Param, Params, RiskModel, require


class Toy(RiskModel):
    """A toy model for testing declarations."""

    params = Params(
        Param("n_agents", 10, "agents", "agents", low=1, high=100),
        Param("alpha", 0.15, "learning rate", "", low=0, high=1, low_open=True),
        Param("delta", 0.95, "discount", "", low=0, high=1, high_open=True),
        Param("topology", "ring", "network", choices=("ring", "complete")),
        Param("noisy", False, "add noise"),
    )

    def __init__(self, *, rng=None, **params):
        super().__init__(rng=rng, **params)
        self.start_datacollector()


def test_defaults_become_attributes():
    model = Toy(rng=0)
    assert (model.n_agents, model.alpha, model.delta, model.topology, model.noisy) == (
        10,
        0.15,
        0.95,
        "ring",
        False,
    )
    assert model.param_values == Toy.params.defaults()


def test_out_of_range_names_parameter_value_and_range():
    with pytest.raises(ValueError, match=r"'alpha' got 0; allowed: a number in \(0, 1\]"):
        Toy(alpha=0)
    with pytest.raises(ValueError, match=r"'delta' got 1; allowed: a number in \[0, 1\)"):
        Toy(delta=1)
    with pytest.raises(ValueError, match=r"'n_agents' got -5; allowed: an integer in \[1, 100\]"):
        Toy(n_agents=-5)
    with pytest.raises(
        ValueError, match=r"'topology' got 'star'; allowed: one of 'ring', 'complete'"
    ):
        Toy(topology="star")
    with pytest.raises(ValueError, match="'alpha' got nan"):
        Toy(alpha=math.nan)


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match="'n_agents' got '10'"):
        Toy(n_agents="10")
    with pytest.raises(TypeError, match="'n_agents' got 2.5"):
        Toy(n_agents=2.5)
    with pytest.raises(TypeError, match="'noisy' got 1; expected True or False"):
        Toy(noisy=1)
    with pytest.raises(TypeError, match="'alpha' got True"):
        Toy(alpha=True)


def test_unknown_parameter_suggests_the_closest_name():
    with pytest.raises(TypeError, match="unknown parameter 'n_agent'. Did you mean 'n_agents'"):
        Toy(n_agent=3)


def test_coercion_of_integral_values():
    assert Toy(n_agents=5.0).n_agents == 5 and isinstance(Toy(n_agents=5.0).n_agents, int)
    assert isinstance(Toy(alpha=1).alpha, float)


def test_rng_is_validated():
    with pytest.raises(TypeError, match="'rng' got 'seed'"):
        Toy(rng="seed")
    with pytest.raises(ValueError, match="'rng' got -1"):
        Toy(rng=-1)


def test_signature_and_docstring_come_from_the_declaration():
    import inspect

    sig = inspect.signature(Toy)
    assert list(sig.parameters) == ["n_agents", "alpha", "delta", "topology", "noisy", "rng"]
    assert sig.parameters["alpha"].default == 0.15
    assert "alpha = 0.15: learning rate (a number in (0, 1])" in Toy.__doc__


def test_a_declaration_cannot_contradict_itself():
    with pytest.raises(ValueError, match="'p' got 2"):
        Param("p", 2, "a probability", low=0, high=1)
    with pytest.raises(ValueError, match="declared twice"):
        Params(Param("a", 1, "x"), Param("a", 2, "y"))
    with pytest.raises(ValueError, match="either choices or bounds"):
        Param("c", "a", "x", choices=("a",), low=0)


def test_require_names_parameter_and_allowed_values():
    with pytest.raises(
        ValueError, match=r"Toy: parameter 'k' got 12; allowed: less than n_agents=10"
    ):
        require(12 < 10, "k", 12, "less than n_agents=10", "Toy")
    require(True, "k", 1, "anything")


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-10, max_value=10, allow_nan=False))
def test_float_ranges_accept_inside_and_reject_outside(x):
    inside = 0 < x <= 1
    if inside:
        assert Toy.params["alpha"].validate(x) == x
    else:
        with pytest.raises(ValueError, match="'alpha'"):
            Toy.params["alpha"].validate(x)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-1000, max_value=1000))
def test_int_ranges_accept_inside_and_reject_outside(n):
    if 1 <= n <= 100:
        assert Toy.params["n_agents"].validate(n) == n
    else:
        with pytest.raises(ValueError, match="'n_agents'"):
            Toy.params["n_agents"].validate(n)


def test_unknown_keyword_names_extension_points_too():
    from mesa_models.conflict import CommonsHarvest
    from mesa_models.miscoordination import ElFarol, Patron

    with pytest.raises(
        TypeError, match=r"Did you mean 'sanction_rule'\?.*other keyword arguments: .*sanction_rule"
    ):
        CommonsHarvest(sanctionrule=None)
    with pytest.raises(TypeError, match=r"Did you mean 'predictor_family'\?"):
        ElFarol(predictor_familly=None)
    with pytest.raises(TypeError, match=r"patron_class is a class attribute: subclass ElFarol"):
        ElFarol(patron_class=Patron)

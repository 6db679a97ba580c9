"""Every public helper of Unit 03, driven with bad values (the property test of
``tests/test_bad_input.py``, applied to ``mesa_models.collusion`` and its lab): each bad
number gives a clear ``TypeError``/``ValueError`` naming the parameter, or a valid result,
within seconds; NumPy scalars of a valid value give the same result."""

from __future__ import annotations

import numpy as np
import pytest

from test_bad_input import bad_number_problems

UNIT = "collusion"


def _market():
    from mesa_models.collusion import Market

    return Market(m=3)


def _greedy():
    return np.zeros((2, 9), dtype=int)


VALID_CALLS = {
    "collusion.exploration_rate": lambda: ((4e-6, 1000), {}),
    "collusion.profit_gain": lambda: ((0.3, _market()), {}),
    "collusion.logit_use_probability": lambda: ((0.5, 0.2), {}),
    "collusion.simulate": lambda: (
        (2,),
        {"beta": 1e-3, "convergence_window": 500, "max_periods": 5_000, "delta": 0.9},
    ),
    "collusion.impulse_response": lambda: (
        (_market(), _greedy(), 4),
        {"firm": 1, "before": 2, "after": 4},
    ),
    "collusion.converged_cycle": lambda: ((_market(), _greedy(), 4), {}),
    "collusion.greedy_path": lambda: ((_market(), _greedy(), 4, 6), {}),
    "collusion.cycle_profit_gain": lambda: ((_market(), np.array([[1, 2]])), {}),
    "collusion.punishes": lambda: (
        (_market(), _greedy(), 4),
        {"delta": 0.95, "firm": 0, "horizon": 20},
    ),
    "collusion.compile_report": lambda: ((), {}),
    "collusion.numba_available": lambda: ((), {}),
    "collusion.lab.lab_batch": lambda: ((0.95, (0,)), {}),
    "collusion.lab.collusion_dataset": lambda: ((), {"periods": 20, "noise": 0.05, "rng": 0}),
    "collusion.lab.social_cost": lambda: ((), {"audit_prob": 0.3, "seeds": (0,), "steps": 20}),
    "collusion.lab.best_fixed_audit": lambda: ((), {"detection": 0.5}),
}

NOT_NUMERIC = {
    "collusion.lab.precision_recall": "takes two sequences of True/False",
    "collusion.lab.reference_profit_gain": "a reference answer: takes a price array and a Market",
    "collusion.lab.reference_detector": "a reference answer: takes a price history",
    "collusion.lab.reference_policy": "a reference answer: takes a model",
    "collusion.lab.reference_profit_gain_by_delta": "a reference answer: takes two lists",
}


def public_functions() -> list[str]:
    import importlib
    import inspect

    names = []
    for module_name in (f"mesa_models.{UNIT}", f"mesa_models.{UNIT}.lab"):
        module = importlib.import_module(module_name)
        prefix = module_name.removeprefix("mesa_models.")
        for name in getattr(module, "__all__", []):
            if inspect.isfunction(getattr(module, name)) and not name.startswith("check_"):
                names.append(f"{prefix}.{name}")
    return names


def test_every_public_function_is_covered():
    missing = [n for n in public_functions() if n not in VALID_CALLS and n not in NOT_NUMERIC]
    assert not missing, (
        f"add a valid call to VALID_CALLS (or a reason to NOT_NUMERIC) for: {missing}"
    )


@pytest.mark.parametrize("qualified", sorted(VALID_CALLS))
def test_bad_numbers_give_a_clear_error_or_a_valid_result(qualified):
    problems = bad_number_problems(qualified, VALID_CALLS[qualified])
    assert not problems, f"{qualified}:\n  " + "\n  ".join(problems)

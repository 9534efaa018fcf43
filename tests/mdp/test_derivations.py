"""The derivations the MDP pages render: a wrong step is caught (tests/test_derivations.py verifies every chain)."""

from __future__ import annotations

import sympy as sp

from refalgo import Derivation
from refalgo.mdp import values


def test_a_wrong_discount_step_is_caught() -> None:
    """Dropping γ from the recursion of the return must fail with a counterexample."""
    ret = values.derivations()[0]
    g = sp.Symbol("gamma", positive=True)
    first, second = ret.steps[0], ret.steps[1]
    wrong = Derivation("wrong", [first, (second.expr.subs(g, 1), "forgot γ")], assumptions=ret.assumptions)
    assert not wrong.verify().ok

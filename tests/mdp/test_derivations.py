"""The derivations the MDP pages render: every chain verifies, and a wrong step is caught."""

from __future__ import annotations

import pytest
import sympy as sp

from refalgo import Derivation
from refalgo.mdp import optimal, values

DERIVATIONS = [*values.derivations(), *optimal.derivations()]


@pytest.mark.parametrize("d", DERIVATIONS, ids=lambda d: d.title[:50])
def test_derivation_verifies(d: Derivation) -> None:
    v = d.verify()
    assert v.ok, v.summary()


def test_a_wrong_discount_step_is_caught() -> None:
    """Dropping γ from the recursion of the return must fail with a counterexample."""
    ret = values.derivations()[0]
    g = sp.Symbol("gamma", positive=True)
    first, second = ret.steps[0], ret.steps[1]
    wrong = Derivation("wrong", [first, (second.expr.subs(g, 1), "forgot γ")], assumptions=ret.assumptions)
    assert not wrong.verify().ok

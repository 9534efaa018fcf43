"""The shared exact special functions: values, symmetry, derivative and input."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from refalgo.functions import sigmoid

z = sp.Symbol("z", real=True)


def test_sigmoid_values() -> None:
    assert sigmoid(0) == sp.Rational(1, 2)
    assert sp.simplify(sigmoid(sp.log(3)) - sp.Rational(3, 4)) == 0  # e^{log 3} / (1 + e^{log 3})
    assert sp.limit(sigmoid(z), z, sp.oo) == 1 and sp.limit(sigmoid(z), z, -sp.oo) == 0


def test_sigmoid_symmetry_and_derivative() -> None:
    assert sp.simplify(sigmoid(z) + sigmoid(-z) - 1) == 0
    assert sp.simplify(sp.diff(sigmoid(z), z) - sigmoid(z) * (1 - sigmoid(z))) == 0


@given(st.fractions(min_value=-20, max_value=20, max_denominator=50))
def test_every_exact_form_of_the_argument_gives_one_expression(q: Fraction) -> None:
    rational = sp.Rational(q.numerator, q.denominator)
    forms = (q, f"{q.numerator}/{q.denominator}", rational, np.array(rational, dtype=object))
    assert len({sigmoid(v) for v in forms}) == 1
    assert abs(float(sigmoid(q)) - 1 / (1 + np.exp(-float(q)))) <= 1e-15


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="z: expected a finite number; got nan"):
        sigmoid(float("nan"))
    with pytest.raises(TypeError, match="z: expected a real number"):
        sigmoid([0])
    with pytest.raises(ValueError, match="z: expected a real value"):
        sigmoid(sp.Symbol("w", imaginary=True))

"""quadratic_form_symbolic and quadratic_form: a polynomial of degree 2 as its coefficients (A, b, c), and bad input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from refalgo.calculus import quadratic_form_symbolic
from refalgo.calculus.quadratic_form import quadratic_form
from refalgo.testing import int_matrices, int_vectors

x, y, z = sp.symbols("x y z", real=True)


def test_quadratic_form_coefficients() -> None:
    # f = 2x² − 3xy + z² + 4yz − x + 5: A_xy = −3/2, A_yz = 2.
    A, b, c = quadratic_form_symbolic(2 * x**2 - 3 * x * y + z**2 + 4 * y * z - x + 5, [x, y, z])
    assert A == sp.Matrix([[2, sp.Rational(-3, 2), 0], [sp.Rational(-3, 2), 0, 2], [0, 2, 1]])
    assert list(b) == [-1, 0, 0] and c == 5


def test_quadratic_form_with_parameters_round_trips() -> None:
    k = sp.Symbol("k", positive=True)
    expr = k * x**2 + 2 * x * y + y**2 - 4 * y + k
    A, b, c = quadratic_form_symbolic(expr, [x, y])
    v = sp.Matrix([x, y])
    assert sp.expand((v.T * A * v)[0] + (b.T * v)[0] + c - expr) == 0


@pytest.mark.parametrize(
    "expr, variables, exc, message",
    [
        ("x**2", [x], TypeError, "f: expected a scalar SymPy expression"),
        (sp.sin(x) + x**2, [x], ValueError, "f: expected a polynomial"),
        (1 / x + x**2, [x], ValueError, "f: expected a polynomial"),
        (2 * x + y, [x, y], ValueError, "degree exactly 2.*got degree 1"),
        (x**3 + x**2, [x], ValueError, "degree exactly 2.*got degree 3"),
        ((x + 1) ** 2 - x**2, [x], ValueError, "got degree 1"),
        (x**2, [], ValueError, "variables: expected at least one symbol"),
        (x**2, [x, x], ValueError, "variables: expected distinct symbols"),
        (x**2, ["x"], TypeError, r"variables\[0\]: expected a SymPy Symbol"),
        (x**2, "x", TypeError, "variables: expected a list or tuple of SymPy symbols"),
    ],
)
def test_quadratic_form_bad_input(expr, variables, exc, message) -> None:
    with pytest.raises(exc, match=message):
        quadratic_form_symbolic(expr, variables)


# ---------------------------------------------------------------------- numeric twin
def test_numeric_coefficients_from_values() -> None:
    """The numeric twin reads the hand-split coefficients of a three-variable polynomial off its values."""
    # The same f = 2x² − 3xy + z² + 4yz − x + 5 as a function of one array: A_xy = −3/2, A_yz = 2.
    A, b, c = quadratic_form(lambda p: 2 * p[0] ** 2 - 3 * p[0] * p[1] + p[2] ** 2 + 4 * p[1] * p[2] - p[0] + 5, 3)
    assert A.tolist() == [[2.0, -1.5, 0.0], [-1.5, 0.0, 2.0], [0.0, 2.0, 1.0]]
    assert b.tolist() == [-1.0, 0.0, 0.0] and c == 5.0


def test_numeric_one_variable() -> None:
    """One variable: the coefficients of 3x² − 6x + 1."""
    # f = 3x² − 6x + 1: A = [[3]], b = (−6), c = 1.
    A, b, c = quadratic_form(lambda p: 3 * p[0] ** 2 - 6 * p[0] + 1, 1)
    assert (A.tolist(), b.tolist(), c) == ([[3.0]], [-6.0], 1.0)


@given(
    st.integers(1, 4).flatmap(lambda n: st.tuples(int_matrices(n, n, -9, 9), int_vectors(n, -9, 9), st.integers(-9, 9))),
    st.lists(st.floats(-3, 3), min_size=4, max_size=4),
)
def test_numeric_coefficients_give_back_f(abc: tuple[Any, ...], at: list[float]) -> None:
    """For any integer A (symmetric or not), b and c the numeric twin returns the symmetric part, b and c exactly, and they rebuild f."""
    # Any A (not symmetric), b, c: the coefficients read off the values rebuild f everywhere, with A symmetrized.
    M, b0, c0 = np.array(abc[0], dtype=float), np.array(abc[1], dtype=float), float(abc[2])
    n = b0.size
    f = lambda p: p @ M @ p + b0 @ p + c0  # noqa: E731
    A, b, c = quadratic_form(f, n)
    assert np.array_equal(A, (M + M.T) / 2) and np.array_equal(b, b0) and c == c0
    x = np.array(at[:n])
    assert abs(x @ A @ x + b @ x + c - f(x)) <= 1e-12 * (1 + np.abs(M).sum() * 9 + np.abs(b0).sum() * 3 + abs(c0))


@pytest.mark.parametrize(
    "f, n, exc, message",
    [
        (None, 2, TypeError, "f: expected a callable"),
        (lambda p: p @ p, 0, ValueError, "n: expected at least 1 variable; got 0"),
        (lambda p: p @ p, 2.0, TypeError, "n: expected an int"),
        (lambda p: p @ p, True, TypeError, "n: expected an int"),
        (lambda p: p, 2, ValueError, r"f: expected a scalar value; f\(0\) returned an array of shape \(2,\)"),
        (lambda p: np.log(p[0]), 1, ValueError, r"f: f\(0\) = -inf; f must be finite"),
        (lambda p: "x", 1, TypeError, r"f: expected f\(0\) to return a number"),
    ],
)
def test_numeric_bad_input(f, n, exc, message) -> None:
    """A non-callable f, a bad n, or an f that is not a finite scalar is refused with an error naming the argument."""
    with np.errstate(divide="ignore"), pytest.raises(exc, match=message):
        quadratic_form(f, n)

"""quadratic_form_symbolic: a polynomial of degree 2 as its coefficients (A, b, c), and bad input."""

from __future__ import annotations

import pytest
import sympy as sp

from refalgo.calculus import quadratic_form_symbolic

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
        ("x**2", [x], TypeError, "expr: expected a scalar SymPy expression"),
        (sp.sin(x) + x**2, [x], ValueError, "expr: expected a polynomial"),
        (1 / x + x**2, [x], ValueError, "expr: expected a polynomial"),
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

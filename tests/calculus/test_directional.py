"""Directional and partial derivatives: published values, twins, and the theorems of the notes."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.calculus._engine.examples import DIFFERENCE_TOLERANCE as TOLERANCE
from refalgo.calculus._engine.examples import as_callable, example_inputs, random_functions
from refalgo.calculus.directional import (
    derivations,
    directional_derivative,
    directional_derivative_symbolic,
    partial_derivative_symbolic,
)
from refalgo.calculus.gradient_vector import gradient, gradient_symbolic

from ._helpers import EPS, exactly_equal, polynomial_examples, x, y, z


# ---------------------------------------------------------------------- published values
def test_notes_worked_example_exact() -> None:
    # Source notes (方向导数, worked example): f = x² + y² at (1, 2): 22/5 along w = (3, 4), 2 along u = (1, 0).
    """Published values: the notes' worked example, f = x² + y² at (1, 2), gives 22/5 along (3, 4) and 2 along (1,
    0), exactly.
    """
    f = x**2 + y**2
    assert directional_derivative_symbolic(f, [x, y], [1, 2], [3, 4]) == sp.Rational(22, 5)
    assert directional_derivative_symbolic(f, [x, y], [1, 2], [1, 0]) == 2


@pytest.mark.parametrize("method", ["central", "complex"])
def test_notes_worked_example_numeric(method: Any) -> None:
    """The notes' worked example numerically: 4.4 and 2 by central differences (within 10⁻⁹) and by the complex step
    (within 4ε).
    """
    def f(p: Any) -> Any:
        return p[0] ** 2 + p[1] ** 2

    tol = 1e-9 if method == "central" else 4 * EPS
    assert abs(directional_derivative(f, [1.0, 2.0], [3.0, 4.0], method=method) - 4.4) <= tol
    assert abs(directional_derivative(f, [1.0, 2.0], [1.0, 0.0], method=method) - 2.0) <= tol


def test_stewart_angle_direction() -> None:
    # Stewart, Calculus 8e §14.6: f = x³ − 3xy + 4y², u at angle π/6: D_u f(1, 2) = (13 − 3√3)/2.
    """Stewart §14.6: x³ − 3xy + 4y² at (1, 2) at angle π/6 gives (13 − 3√3)/2."""
    u = [sp.cos(sp.pi / 6), sp.sin(sp.pi / 6)]
    d = directional_derivative_symbolic(x**3 - 3 * x * y + 4 * y**2, [x, y], [1, 2], u)
    assert exactly_equal(d, (13 - 3 * sp.sqrt(3)) / 2)


def test_stewart_unnormalized_direction() -> None:
    # Stewart, Calculus 8e §14.6: f = x²y³ − 4y at (2, −1) along v = 2i + 5j: ∇f = (−4, 8), D_u f = 32/√29.
    """Stewart §14.6: x²y³ − 4y at (2, −1) along (2, 5) gives 32/√29, with ∇f = (−4, 8)."""
    f = x**2 * y**3 - 4 * y
    assert list(gradient_symbolic(f, [x, y], [2, -1])) == [-4, 8]
    assert exactly_equal(directional_derivative_symbolic(f, [x, y], [2, -1], [2, 5]), 32 / sp.sqrt(29))


def test_stewart_three_variables() -> None:
    # Stewart, Calculus 8e §14.6: f = x sin(yz) at (1, 3, 0) along v = i + 2j − k: D_u f = −√(3/2).
    """Stewart §14.6: x sin(yz) at (1, 3, 0) along (1, 2, −1) gives −√(3/2), exactly and by the complex step."""
    d = directional_derivative_symbolic(x * sp.sin(y * z), [x, y, z], [1, 3, 0], [1, 2, -1])
    assert exactly_equal(d, -sp.sqrt(sp.Rational(3, 2)))
    num = directional_derivative(lambda p: p[0] * np.sin(p[1] * p[2]), [1.0, 3.0, 0.0], [1.0, 2.0, -1.0], method="complex")
    assert abs(num + np.sqrt(1.5)) <= 4 * EPS


# ---------------------------------------------------------------------- twins and derivations
@given(example_inputs())
def test_limit_twin_equals_gradient_formula_and_numeric_twins(ex: dict[str, Any]) -> None:
    """The twins agree: the limit of the difference quotient equals ∇f · v/‖v‖ from differentiation rules exactly (to
    50 digits), central differences agree within the registry tolerance and the complex step within 10⁻¹².
    """
    f, xs, p, v = ex["f"], ex["variables"], ex["point"], ex["direction"]
    by_limit = directional_derivative_symbolic(f, xs, p, v)
    grad = gradient_symbolic(f, xs, p)
    norm = sp.sqrt(sum(sp.Integer(vi) ** 2 for vi in v))
    by_formula = sum(gi * vi for gi, vi in zip(grad, v)) / norm
    assert exactly_equal(by_limit, by_formula)
    fn = as_callable(ex)
    central = directional_derivative(fn, np.array(p, dtype=float), np.array(v, dtype=float))
    TOLERANCE.assert_close(float(by_limit), central, "central difference")
    cs = directional_derivative(fn, np.array(p, dtype=float), np.array(v, dtype=float), method="complex")
    assert abs(cs - float(by_limit)) <= 1e-12 * (1 + abs(float(by_limit)))


def test_derivations_verify() -> None:
    ds = derivations()
    statuses = [d.verify().status for d in ds]
    assert statuses == ["checked"], [d.verify().summary() for d in ds]
    assert all("aligned" in d.to_latex() for d in ds)


# ---------------------------------------------------------------------- theorems as properties
@given(example_inputs(), st.integers(1, 6))
def test_only_the_heading_counts(ex: dict[str, Any], c: int) -> None:
    # D_{cv} f = D_v f for c > 0 (the direction is normalized), D_{-v} f = -D_v f, and 0 along a level curve.
    """Only the heading counts: D_{cv} f = D_v f for c > 0, D_{−v} f = −D_v f, and the rate is 0 along a direction
    perpendicular to ∇f (a level curve).
    """
    fn, p, v = as_callable(ex), np.array(ex["point"], dtype=float), np.array(ex["direction"], dtype=float)
    d = directional_derivative(fn, p, v, method="complex")
    tol = 1e-12 * (1 + abs(d))
    assert abs(directional_derivative(fn, p, c * v, method="complex") - d) <= tol
    assert abs(directional_derivative(fn, p, -v, method="complex") + d) <= tol
    g = gradient(fn, p, method="complex")
    assume(np.any(g != 0))
    tangent = np.zeros_like(g)
    tangent[:2] = [-g[1], g[0]]  # perpendicular to the gradient
    assume(np.any(tangent != 0))
    assert abs(directional_derivative(fn, p, tangent, method="complex")) <= 1e-12 * (1 + np.linalg.norm(g))


@given(polynomial_examples, st.integers(1, 3))
def test_partials_are_directional_derivatives_along_the_axes(ex: tuple[Any, ...], scale: int) -> None:
    """Partial derivatives are directional derivatives along the axes (along any positive multiple of e_i), exactly."""
    f, xs, p, _ = ex
    grad = gradient_symbolic(f, xs, p)  # differentiation rules, no limit
    for i in range(len(xs)):
        axis = [scale if j == i else 0 for j in range(len(xs))]  # any positive multiple of e_i
        assert directional_derivative_symbolic(f, xs, p, axis) == grad[i]
        assert partial_derivative_symbolic(f, xs, p, i) == grad[i]


@given(polynomial_examples, random_functions(3, max_terms=2, transcendental=False), st.integers(-3, 3), st.integers(-3, 3))
def test_linear_in_f(ex: tuple[Any, ...], g3: sp.Expr, a: int, b: int) -> None:
    """Linearity in f: D_u(af + bg) = a D_u f + b D_u g, exactly."""
    f, xs, p, v = ex
    g = g3.xreplace({s: sp.Integer(1) for s in (x, y, z)[len(xs) :]})
    lhs = directional_derivative_symbolic(a * f + b * g, xs, p, v)
    rhs = a * directional_derivative_symbolic(f, xs, p, v) + b * directional_derivative_symbolic(g, xs, p, v)
    assert exactly_equal(lhs, rhs)


zero_entries = st.sampled_from([0, 0.0, -0.0, "0", "0.0", sp.Integer(0), Fraction(0)])


@given(st.integers(1, 4).flatmap(lambda n: st.lists(zero_entries, min_size=n, max_size=n)))
def test_zero_direction_is_a_clear_error_everywhere(zero: list[Any]) -> None:
    xs = list((x, y, z, sp.Symbol("w", real=True))[: len(zero)])
    with pytest.raises(ValueError, match="direction: expected a nonzero vector"):
        directional_derivative_symbolic(sum(xs, sp.Integer(0)) ** 2, xs, [1] * len(xs), zero)
    numeric_zero = [float(sp.Rational(str(e))) if isinstance(e, str) else float(e) for e in zero]
    for method in ("central", "complex"):
        with pytest.raises(ValueError, match="direction: expected a nonzero vector"):
            directional_derivative(lambda q: np.sum(q) ** 2, np.ones(len(zero)), numeric_zero, method=method)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- exact inputs and non-differentiable points
def test_point_entries_of_every_accepted_kind_agree() -> None:
    f = x**3 * y
    want = directional_derivative_symbolic(f, [x, y], [sp.Rational(1, 2), 3], [1, 1])
    for half in ("0.5", 0.5, Fraction(1, 2), sp.Rational(1, 2), sp.Float("0.5")):
        assert directional_derivative_symbolic(f, [x, y], [half, 3], [1, 1]) == want
        assert list(gradient_symbolic(f, [x, y], [half, sp.Integer(3)])) == [sp.Rational(9, 4), sp.Rational(1, 8)]


def test_no_directional_derivative_where_one_sided_limits_differ() -> None:
    f = sp.Abs(x) + y
    with pytest.raises(ValueError, match="has no directional derivative"):
        directional_derivative_symbolic(f, [x, y], [0, 0], [1, 1])
    assert directional_derivative_symbolic(f, [x, y], [0, 0], [0, 2]) == 1

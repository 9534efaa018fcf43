"""Directional derivatives and the gradient: published values, twins, and the theorems of the notes."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.calculus.directional import (
    _TOLERANCE,
    _as_callable,
    _examples,
    _floats,
    _random_functions,
    derivations,
    directional_derivative,
    directional_derivative_symbolic,
    gradient,
    gradient_symbolic,
    partial_derivative,
    partial_derivative_symbolic,
    steepest_ascent,
    steepest_ascent_symbolic,
)

x, y, z = sp.symbols("x y z", real=True)
EPS = float(np.finfo(np.float64).eps)
H_CENTRAL = EPS ** (1 / 3)


def exactly_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """Two closed forms are the same number: to 50 digits (they come from different computations)."""
    return bool(abs(sp.N(a - b, 50)) < sp.Float("1e-40"))


def coordinates(n: int) -> st.SearchStrategy[list[sp.Rational]]:
    q = st.fractions(-2, 2, max_denominator=4).map(lambda f: sp.Rational(f.numerator, f.denominator))
    return st.lists(q, min_size=n, max_size=n)


def nonzero_directions(n: int) -> st.SearchStrategy[list[int]]:
    return st.tuples(st.lists(st.integers(-4, 4), min_size=n, max_size=n), st.integers(0, n - 1), st.integers(1, 4)).map(
        lambda t: [t[2] if i == t[1] and not any(t[0]) else v for i, v in enumerate(t[0])]
    )


polynomial_examples = st.integers(2, 3).flatmap(
    lambda n: st.tuples(
        _random_functions(n, transcendental=False), st.just(list((x, y, z)[:n])), coordinates(n), nonzero_directions(n)
    )
)


# ---------------------------------------------------------------------- published values
def test_notes_worked_example_exact() -> None:
    # Source notes (方向导数, worked example): f = x² + y² at (1, 2): 22/5 along w = (3, 4), 2 along u = (1, 0).
    f = x**2 + y**2
    assert directional_derivative_symbolic(f, [x, y], [1, 2], [3, 4]) == sp.Rational(22, 5)
    assert directional_derivative_symbolic(f, [x, y], [1, 2], [1, 0]) == 2


def test_string_points_are_exact() -> None:
    # "1/3" and "0.5" spell exact rationals; ∇(x² + y²) = (2x, 2y).
    assert list(gradient_symbolic(x**2 + y**2, [x, y], ["1/3", "0.5"])) == [sp.Rational(2, 3), 1]


@pytest.mark.parametrize("method", ["central", "complex"])
def test_notes_worked_example_numeric(method: Any) -> None:
    def f(p: Any) -> Any:
        return p[0] ** 2 + p[1] ** 2

    tol = 1e-9 if method == "central" else 4 * EPS
    assert abs(directional_derivative(f, [1.0, 2.0], [3.0, 4.0], method=method) - 4.4) <= tol
    assert abs(directional_derivative(f, [1.0, 2.0], [1.0, 0.0], method=method) - 2.0) <= tol


def test_stewart_angle_direction() -> None:
    # Stewart, Calculus 8e §14.6: f = x³ − 3xy + 4y², u at angle π/6: D_u f(1, 2) = (13 − 3√3)/2.
    u = [sp.cos(sp.pi / 6), sp.sin(sp.pi / 6)]
    d = directional_derivative_symbolic(x**3 - 3 * x * y + 4 * y**2, [x, y], [1, 2], u)
    assert exactly_equal(d, (13 - 3 * sp.sqrt(3)) / 2)


def test_stewart_unnormalized_direction() -> None:
    # Stewart, Calculus 8e §14.6: f = x²y³ − 4y at (2, −1) along v = 2i + 5j: ∇f = (−4, 8), D_u f = 32/√29.
    f = x**2 * y**3 - 4 * y
    assert list(gradient_symbolic(f, [x, y], [2, -1])) == [-4, 8]
    assert exactly_equal(directional_derivative_symbolic(f, [x, y], [2, -1], [2, 5]), 32 / sp.sqrt(29))


def test_stewart_three_variables() -> None:
    # Stewart, Calculus 8e §14.6: f = x sin(yz) at (1, 3, 0) along v = i + 2j − k: D_u f = −√(3/2).
    d = directional_derivative_symbolic(x * sp.sin(y * z), [x, y, z], [1, 3, 0], [1, 2, -1])
    assert exactly_equal(d, -sp.sqrt(sp.Rational(3, 2)))
    num = directional_derivative(lambda p: p[0] * np.sin(p[1] * p[2]), [1.0, 3.0, 0.0], [1.0, 2.0, -1.0], method="complex")
    assert abs(num + np.sqrt(1.5)) <= 4 * EPS


def test_stewart_maximum_rate() -> None:
    # Stewart, Calculus 8e §14.6: f = x e^y at P(2, 0): toward Q(1/2, 2) the rate is 1; the largest rate is √5 along (1, 2).
    f = x * sp.exp(y)
    assert directional_derivative_symbolic(f, [x, y], [2, 0], [sp.Rational(1, 2) - 2, 2]) == 1
    best = steepest_ascent_symbolic(f, [x, y], [2, 0])
    assert best.rate == sp.sqrt(5) and list(best.direction) == [1 / sp.sqrt(5), 2 / sp.sqrt(5)]
    num = steepest_ascent(lambda p: p[0] * np.exp(p[1]), [2.0, 0.0], method="complex")
    assert abs(num.rate - np.sqrt(5)) <= 4 * EPS
    assert np.max(np.abs(num.direction - np.array([1, 2]) / np.sqrt(5))) <= 4 * EPS


def test_complex_step_on_the_squire_trapp_function() -> None:
    # Squire & Trapp (1998) and Martins et al. (2003) test function f(x) = eˣ / √(sin³x + cos³x) at x = 1.5;
    # the complex step reaches full precision where central differences lose about a third of the digits.
    t = sp.Symbol("t", real=True)
    f = sp.exp(t) / sp.sqrt(sp.sin(t) ** 3 + sp.cos(t) ** 3)
    exact = float(sp.N(sp.diff(f, t).subs(t, sp.Rational(3, 2)), 30))

    def fn(p: Any) -> Any:
        return np.exp(p[0]) / np.sqrt(np.sin(p[0]) ** 3 + np.cos(p[0]) ** 3)

    cs = gradient(fn, [1.5], method="complex")[0]
    cd = gradient(fn, [1.5], method="central")[0]
    assert abs(cs - exact) <= 8 * EPS * abs(exact)
    assert abs(cd - exact) <= 1e-8 * abs(exact)


# ---------------------------------------------------------------------- twins and derivations
@given(_examples())
def test_limit_twin_equals_gradient_formula_and_numeric_twins(ex: dict[str, Any]) -> None:
    f, xs, p, v = ex["f"], ex["variables"], ex["point"], ex["direction"]
    by_limit = directional_derivative_symbolic(f, xs, p, v)
    grad = gradient_symbolic(f, xs, p)
    norm = sp.sqrt(sum(sp.Integer(vi) ** 2 for vi in v))
    by_formula = sum(gi * vi for gi, vi in zip(grad, v)) / norm
    assert exactly_equal(by_limit, by_formula)
    fn = _as_callable(ex)
    central = directional_derivative(fn, _floats(p), _floats(v))
    _TOLERANCE.assert_close(float(by_limit), central, "central difference")
    cs = directional_derivative(fn, _floats(p), _floats(v), method="complex")
    assert abs(cs - float(by_limit)) <= 1e-12 * (1 + abs(float(by_limit)))


def test_derivations_verify() -> None:
    ds = derivations()
    statuses = [d.verify().status for d in ds]
    assert statuses == ["checked", "proven", "proven", "proven"], [d.verify().summary() for d in ds]
    assert all("aligned" in d.to_latex() for d in ds)


# ---------------------------------------------------------------------- theorems as properties
@given(polynomial_examples)
def test_no_unit_direction_beats_the_gradient_norm(ex: tuple[Any, ...]) -> None:
    f, xs, p, v = ex
    grad = gradient_symbolic(f, xs, p)
    assume(any(g != 0 for g in grad))
    rate = steepest_ascent_symbolic(f, xs, p).rate
    d = directional_derivative_symbolic(f, xs, p, v)
    assert sp.N(rate - d, 50) >= -sp.Float("1e-40")
    along = directional_derivative_symbolic(f, xs, p, list(grad))
    assert exactly_equal(along, rate)
    downhill = directional_derivative_symbolic(f, xs, p, [-g for g in grad])
    assert exactly_equal(downhill, -rate)  # steepest descent


@given(_examples(), st.integers(1, 6))
def test_only_the_heading_counts(ex: dict[str, Any], c: int) -> None:
    # D_{cv} f = D_v f for c > 0 (the direction is normalized), D_{-v} f = -D_v f, and 0 along a level curve.
    fn, p, v = _as_callable(ex), _floats(ex["point"]), _floats(ex["direction"])
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


@given(_examples())
def test_numeric_rate_bounds_every_direction(ex: dict[str, Any]) -> None:
    fn, p, v = _as_callable(ex), _floats(ex["point"]), _floats(ex["direction"])
    assume(np.any(gradient(fn, p, method="complex") != 0))
    best = steepest_ascent(fn, p, method="complex")
    d = directional_derivative(fn, p, v, method="complex")
    slack = 1e-12 * (1 + best.rate)
    assert d <= best.rate + slack
    assert abs(directional_derivative(fn, p, best.direction, method="complex") - best.rate) <= slack
    assert abs(np.linalg.norm(best.direction) - 1) <= 4 * EPS


@given(polynomial_examples, st.integers(1, 3))
def test_partials_are_directional_derivatives_along_the_axes(ex: tuple[Any, ...], scale: int) -> None:
    f, xs, p, _ = ex
    grad = gradient_symbolic(f, xs, p)  # differentiation rules, no limit
    for i in range(len(xs)):
        axis = [scale if j == i else 0 for j in range(len(xs))]  # any positive multiple of e_i
        assert directional_derivative_symbolic(f, xs, p, axis) == grad[i]
        assert partial_derivative_symbolic(f, xs, p, i) == grad[i]


@given(_examples())
def test_numeric_partials_are_gradient_entries(ex: dict[str, Any]) -> None:
    fn, p = _as_callable(ex), _floats(ex["point"])
    for method in ("central", "complex"):
        g = gradient(fn, p, method=method)  # type: ignore[arg-type]
        parts = np.array([partial_derivative(fn, p, i, method=method) for i in range(p.size)])  # type: ignore[arg-type]
        tol = 1e-6 if method == "central" else 1e-12
        assert np.max(np.abs(g - parts)) <= tol * (1 + np.max(np.abs(g)))


@given(polynomial_examples, _random_functions(3, max_terms=2, transcendental=False), st.integers(-3, 3), st.integers(-3, 3))
def test_linear_in_f(ex: tuple[Any, ...], g3: sp.Expr, a: int, b: int) -> None:
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


@given(_examples())
def test_finite_differences_meet_their_documented_error(ex: dict[str, Any]) -> None:
    f, xs, p = ex["f"], ex["variables"], ex["point"]
    exact = np.array([float(g) for g in gradient_symbolic(f, xs, p)])
    terms = sp.Add.make_args(f)
    at = dict(zip(xs, p))
    scale = 1 + sum(abs(float(t.xreplace(at))) for t in terms)  # rounding in f is relative to its terms
    third = np.array([abs(float(sp.diff(f, v, 3).xreplace(at))) for v in xs])
    slope_scale = np.array([1 + sum(abs(float(sp.diff(t, v).xreplace(at))) for t in terms) for v in xs])
    h = H_CENTRAL * np.maximum(1.0, np.abs(_floats(p)))
    fn, pf = _as_callable(ex), _floats(p)
    # central: truncation h²/6·|f'''| (doubled: f''' is taken at p, not at the unknown intermediate point)
    # plus rounding: each of the two values is off by a few eps relative to its terms, divided by 2h.
    central_bound = h**2 / 3 * (third + 1) + 8 * EPS * scale / h
    assert np.all(np.abs(gradient(fn, pf) - exact) <= central_bound)
    # complex step: no cancellation; a few eps relative to the terms of the derivative.
    assert np.all(np.abs(gradient(fn, pf, method="complex") - exact) <= 16 * EPS * slope_scale)


# ---------------------------------------------------------------------- exact inputs and non-differentiable points
def test_point_entries_of_every_accepted_kind_agree() -> None:
    f = x**3 * y
    want = directional_derivative_symbolic(f, [x, y], [sp.Rational(1, 2), 3], [1, 1])
    for half in ("0.5", 0.5, Fraction(1, 2), sp.Rational(1, 2), sp.Float("0.5")):
        assert directional_derivative_symbolic(f, [x, y], [half, 3], [1, 1]) == want
        assert list(gradient_symbolic(f, [x, y], [half, sp.Integer(3)])) == [sp.Rational(9, 4), sp.Rational(1, 8)]


def test_floats_enter_as_their_exact_binary_value() -> None:
    assert gradient_symbolic(x**2, [x], ["0.1"])[0] == sp.Rational(1, 5)
    assert gradient_symbolic(x**2, [x], [0.1])[0] == 2 * sp.Rational(0.1)
    assert sp.Rational(0.1) != sp.Rational(1, 10)


def test_gradient_without_a_point_is_the_partial_derivative_functions() -> None:
    assert list(gradient_symbolic(x**2 * sp.sin(y), [x, y])) == [2 * x * sp.sin(y), x**2 * sp.cos(y)]


def test_no_directional_derivative_where_one_sided_limits_differ() -> None:
    f = sp.Abs(x) + y
    with pytest.raises(ValueError, match="has no directional derivative"):
        directional_derivative_symbolic(f, [x, y], [0, 0], [1, 1])
    assert directional_derivative_symbolic(f, [x, y], [0, 0], [0, 2]) == 1


def test_critical_point_has_no_steepest_direction() -> None:
    with pytest.raises(ValueError, match="critical point"):
        steepest_ascent_symbolic(x**2 + y**2, [x, y], [0, 0])
    with pytest.raises(ValueError, match="critical point"):
        steepest_ascent(lambda p: p[0] ** 2 + p[1] ** 2, [0.0, 0.0], method="complex")

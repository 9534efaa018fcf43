"""The gradient and steepest ascent: published values, twins, and the theorems of the notes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given

from refalgo.calculus._engine.examples import as_callable, example_inputs
from refalgo.calculus.directional import directional_derivative, directional_derivative_symbolic, partial_derivative
from refalgo.calculus.gradient_vector import (
    derivations,
    gradient,
    gradient_symbolic,
    steepest_ascent,
    steepest_ascent_symbolic,
)

from ._helpers import EPS, H_CENTRAL, exactly_equal, polynomial_examples, x, y


# ---------------------------------------------------------------------- published values
def test_string_points_are_exact() -> None:
    # "1/3" and "0.5" spell exact rationals; ∇(x² + y²) = (2x, 2y).
    assert list(gradient_symbolic(x**2 + y**2, [x, y], ["1/3", "0.5"])) == [sp.Rational(2, 3), 1]


def test_stewart_maximum_rate() -> None:
    # Stewart, Calculus 8e §14.6: f = x e^y at P(2, 0): toward Q(1/2, 2) the rate is 1; the largest rate is √5 along (1, 2).
    """Stewart §14.6: x eʸ at (2, 0) toward (½, 2) gives 1, with steepest rate √5 along (1, 2), exactly and by the
    complex step.
    """
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
    """The complex step on the Squire–Trapp test function eˣ/√(sin³x + cos³x) at x = 1.5 is accurate to a few ε, and
    central differences to 10⁻⁸.
    """
    t = sp.Symbol("t", real=True)
    f = sp.exp(t) / sp.sqrt(sp.sin(t) ** 3 + sp.cos(t) ** 3)
    exact = float(sp.N(sp.diff(f, t).subs(t, sp.Rational(3, 2)), 30))

    def fn(p: Any) -> Any:
        return np.exp(p[0]) / np.sqrt(np.sin(p[0]) ** 3 + np.cos(p[0]) ** 3)

    cs = gradient(fn, [1.5], method="complex")[0]
    cd = gradient(fn, [1.5], method="central")[0]
    assert abs(cs - exact) <= 8 * EPS * abs(exact)
    assert abs(cd - exact) <= 1e-8 * abs(exact)


# ---------------------------------------------------------------------- derivations
def test_derivations_verify() -> None:
    ds = derivations()
    statuses = [d.verify().status for d in ds]
    assert statuses == ["proven", "proven", "proven"], [d.verify().summary() for d in ds]
    assert all("aligned" in d.to_latex() for d in ds)


# ---------------------------------------------------------------------- theorems as properties
@given(polynomial_examples)
def test_no_unit_direction_beats_the_gradient_norm(ex: tuple[Any, ...]) -> None:
    """No unit direction beats ‖∇f‖, the direction ∇f/‖∇f‖ reaches it and −∇f gives −‖∇f‖, exactly."""
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


@given(example_inputs())
def test_numeric_rate_bounds_every_direction(ex: dict[str, Any]) -> None:
    """Numerically too, no direction beats the steepest rate, the steepest direction reaches it, and it is a unit
    vector.
    """
    fn, p, v = as_callable(ex), np.array(ex["point"], dtype=float), np.array(ex["direction"], dtype=float)
    assume(np.any(gradient(fn, p, method="complex") != 0))
    best = steepest_ascent(fn, p, method="complex")
    d = directional_derivative(fn, p, v, method="complex")
    slack = 1e-12 * (1 + best.rate)
    assert d <= best.rate + slack
    assert abs(directional_derivative(fn, p, best.direction, method="complex") - best.rate) <= slack
    assert abs(np.linalg.norm(best.direction) - 1) <= 4 * EPS


@given(example_inputs())
def test_numeric_partials_are_gradient_entries(ex: dict[str, Any]) -> None:
    """Numeric partial derivatives are the entries of the numeric gradient, by central differences and by the complex
    step.
    """
    fn, p = as_callable(ex), np.array(ex["point"], dtype=float)
    for method in ("central", "complex"):
        g = gradient(fn, p, method=method)  # type: ignore[arg-type]
        parts = np.array([partial_derivative(fn, p, i, method=method) for i in range(p.size)])  # type: ignore[arg-type]
        tol = 1e-6 if method == "central" else 1e-12
        assert np.max(np.abs(g - parts)) <= tol * (1 + np.max(np.abs(g)))


@given(example_inputs())
def test_finite_differences_meet_their_documented_error(ex: dict[str, Any]) -> None:
    """Each method meets its documented error against the exact gradient: central differences within h²/3·(|∂ᵢ³f| +
    1) + 8εS/h (S the sum of the absolute values of the terms of f), the complex step within 16ε times the
    corresponding sum for ∂ᵢf.
    """
    f, xs, p = ex["f"], ex["variables"], ex["point"]
    exact = np.array([float(g) for g in gradient_symbolic(f, xs, p)])
    terms = sp.Add.make_args(f)
    at = dict(zip(xs, p))
    scale = 1 + sum(abs(float(t.xreplace(at))) for t in terms)  # rounding in f is relative to its terms
    third = np.array([abs(float(sp.diff(f, v, 3).xreplace(at))) for v in xs])
    slope_scale = np.array([1 + sum(abs(float(sp.diff(t, v).xreplace(at))) for t in terms) for v in xs])
    h = H_CENTRAL * np.maximum(1.0, np.abs(np.array(p, dtype=float)))
    fn, pf = as_callable(ex), np.array(p, dtype=float)
    # central: truncation h²/6·|f'''| (doubled: f''' is taken at p, not at the unknown intermediate point)
    # plus rounding: each of the two values is off by a few eps relative to its terms, divided by 2h.
    central_bound = h**2 / 3 * (third + 1) + 8 * EPS * scale / h
    assert np.all(np.abs(gradient(fn, pf) - exact) <= central_bound)
    # complex step: no cancellation; a few eps relative to the terms of the derivative.
    assert np.all(np.abs(gradient(fn, pf, method="complex") - exact) <= 16 * EPS * slope_scale)


# ---------------------------------------------------------------------- exact inputs and critical points
def test_floats_enter_as_their_exact_binary_value() -> None:
    assert gradient_symbolic(x**2, [x], ["0.1"])[0] == sp.Rational(1, 5)
    assert gradient_symbolic(x**2, [x], [0.1])[0] == 2 * sp.Rational(0.1)
    assert sp.Rational(0.1) != sp.Rational(1, 10)


def test_gradient_without_a_point_is_the_partial_derivative_functions() -> None:
    assert list(gradient_symbolic(x**2 * sp.sin(y), [x, y])) == [2 * x * sp.sin(y), x**2 * sp.cos(y)]


def test_critical_point_has_no_steepest_direction() -> None:
    with pytest.raises(ValueError, match="critical point"):
        steepest_ascent_symbolic(x**2 + y**2, [x, y], [0, 0])
    with pytest.raises(ValueError, match="critical point"):
        steepest_ascent(lambda p: p[0] ** 2 + p[1] ** 2, [0.0, 0.0], method="complex")

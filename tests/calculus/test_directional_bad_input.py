"""Bad input to every public function of refalgo.calculus.directional and .gradient: a clear error naming the argument."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import sympy as sp

from refalgo.calculus.directional import (
    directional_derivative,
    directional_derivative_symbolic,
    partial_derivative,
    partial_derivative_symbolic,
)
from refalgo.calculus.gradient_vector import gradient, gradient_symbolic, steepest_ascent, steepest_ascent_symbolic

x, y = sp.symbols("x y", real=True)
F = x**2 + y**2


def square(p: Any) -> Any:
    return p[0] ** 2 + p[1] ** 2


# ---------------------------------------------------------------------- symbolic
def call_symbolic(name: str, f: Any = F, variables: Any = (x, y), point: Any = (1, 2), direction: Any = (3, 4), index: Any = 0) -> Any:
    if name == "gradient":
        return gradient_symbolic(f, variables, point)
    if name == "directional":
        return directional_derivative_symbolic(f, variables, point, direction)
    if name == "partial":
        return partial_derivative_symbolic(f, variables, point, index)
    return steepest_ascent_symbolic(f, variables, point)


SYMBOLIC = ["gradient", "directional", "partial", "steepest"]


@pytest.mark.parametrize("name", SYMBOLIC)
@pytest.mark.parametrize("f", ["x**2 + y**2", lambda p: p, sp.Matrix([x, y]), None, 3])
def test_symbolic_f_must_be_a_sympy_expression(name: str, f: Any) -> None:
    with pytest.raises(TypeError, match="f: expected a scalar SymPy expression"):
        call_symbolic(name, f=f)


@pytest.mark.parametrize("name", SYMBOLIC)
@pytest.mark.parametrize(
    "variables,exc",
    [("xy", TypeError), (x, TypeError), ([x, "y"], TypeError), ([], ValueError), (None, TypeError)],
)
def test_symbolic_variables_must_be_a_list_of_symbols(name: str, variables: Any, exc: type[Exception]) -> None:
    with pytest.raises(exc, match=r"variables(\[\d+\])?: expected"):
        call_symbolic(name, variables=variables)


@pytest.mark.parametrize("name", SYMBOLIC)
def test_symbolic_variables_must_be_distinct_and_cover_f(name: str) -> None:
    with pytest.raises(ValueError, match="variables: expected distinct symbols"):
        call_symbolic(name, variables=[x, x])
    with pytest.raises(ValueError, match=r"f: has free symbols \['z'\]"):
        call_symbolic(name, f=F + sp.Symbol("z"))


@pytest.mark.parametrize("name", SYMBOLIC)
@pytest.mark.parametrize(
    "point,exc,message",
    [
        ((1,), ValueError, r"point: expected 2 entries; got 1"),
        ((1, 2, 3), ValueError, r"point: expected 2 entries"),
        ("12", TypeError, r"point: expected a sequence or array of numbers"),
        (5, TypeError, r"point: expected a sequence or array of numbers"),
        ((1, float("nan")), ValueError, r"point\[1\]: expected a finite number; got nan"),
        ((float("inf"), 1), ValueError, r"point\[0\]: expected a finite number; got inf"),
        ((1, sp.oo), ValueError, r"point\[1\]: expected a finite real number; got oo"),
        ((1, sp.nan), ValueError, r"point\[1\]: expected a finite real number"),
        ((1, sp.I), ValueError, r"point\[1\]: expected a finite real number; got I"),
        ((1, "one"), ValueError, r"point\[1\]: expected a decimal string such as '0.25' or a ratio such as '1/3'; got 'one'"),
        ((1, "1/0"), ValueError, r"point\[1\]: expected a nonzero denominator"),
        ((1, None), TypeError, r"point\[1\]: expected a real number"),
        ((1, 2j), TypeError, r"point\[1\]: expected a real number"),
        ((True, 2), TypeError, r"point\[0\]: expected a real number; got bool"),
        ((1, x), ValueError, r"point\[1\]: expected a number; got the expression x"),
    ],
)
def test_symbolic_point_entries(name: str, point: Any, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=message):
        call_symbolic(name, point=point)


@pytest.mark.parametrize(
    "direction,exc,message",
    [
        ((3,), ValueError, r"direction: expected 2 entries; got 1"),
        ((0, 0), ValueError, r"direction: expected a nonzero vector"),
        (("0.0", sp.Integer(0)), ValueError, r"direction: expected a nonzero vector"),
        ((3, float("nan")), ValueError, r"direction\[1\]: expected a finite number"),
        ((3, "north"), ValueError, r"direction\[1\]: expected a decimal string"),
        (None, TypeError, r"direction: expected a sequence or array of numbers"),
    ],
)
def test_symbolic_direction(direction: Any, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=message):
        call_symbolic("directional", direction=direction)


@pytest.mark.parametrize("name", SYMBOLIC)
@pytest.mark.parametrize(
    "f,point,message",
    [
        (1 / x + y, (0, 1), r"f: the value f\(point\) is zoo at point \(0, 1\)"),
        (sp.log(x) + y, (0, 1), r"f: the value f\(point\) is zoo"),
        (sp.sqrt(x) + y, (-1, 1), r"f: the value f\(point\) is .*I.* expected a finite real number"),
    ],
)
def test_symbolic_f_not_finite_at_the_point(name: str, f: sp.Expr, point: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call_symbolic(name, f=f, point=point)


def test_symbolic_gradient_not_finite_at_the_point() -> None:
    with pytest.raises(ValueError, match=r"f: ∂f/∂x is zoo at point \(0, 1\)"):
        gradient_symbolic(sp.sqrt(x) + y, [x, y], [0, 1])
    with pytest.raises(ValueError, match=r"f: has no directional derivative at point \(0, 1\)"):
        directional_derivative_symbolic(sp.sqrt(x**2) + y, [x, y], [0, 1], [1, 0])


def test_symbolic_piecewise_is_refused() -> None:
    # x·sin(1/x) patched with 0 at 0 has no derivative there, but sympy.limit would read the patch and say 0.
    patched = sp.Piecewise((x * sp.sin(1 / x), sp.Ne(x, 0)), (0, True)) + y
    with pytest.raises(ValueError, match="f: Piecewise expressions are not supported"):
        directional_derivative_symbolic(patched, [x, y], [0, 0], [1, 0])


@pytest.mark.parametrize("index,exc", [(2, ValueError), (-1, ValueError), ("0", TypeError), (0.0, TypeError), (True, TypeError)])
def test_symbolic_partial_index(index: Any, exc: type[Exception]) -> None:
    with pytest.raises(exc, match="index: expected"):
        call_symbolic("partial", index=index)


def test_symbolic_critical_point() -> None:
    with pytest.raises(ValueError, match=r"point: ∇f is zero at \(0, 0\)"):
        call_symbolic("steepest", point=(0, 0))


# ---------------------------------------------------------------------- numeric
def call_numeric(name: str, f: Any = square, point: Any = (1.0, 2.0), direction: Any = (3.0, 4.0), method: Any = "central", index: Any = 0) -> Any:
    if name == "gradient":
        return gradient(f, point, method=method)
    if name == "directional":
        return directional_derivative(f, point, direction, method=method)
    if name == "partial":
        return partial_derivative(f, point, index, method=method)
    return steepest_ascent(f, point, method=method)


NUMERIC = ["gradient", "directional", "partial", "steepest"]
METHODS = ["central", "complex"]


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("f", [None, "p[0]**2", F, 3.0])
def test_numeric_f_must_be_callable(name: str, f: Any) -> None:
    with pytest.raises(TypeError, match="f: expected a callable"):
        call_numeric(name, f=f)


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize(
    "point,exc,message",
    [
        ([[1.0, 2.0]], ValueError, r"expected a 1-D array; got shape \(1, 2\)"),
        (1.0, ValueError, r"expected a 1-D array; got shape \(\)"),
        ([], ValueError, r"expected a non-empty array"),
        ([1.0, np.nan], ValueError, r"expected finite numbers; got nan"),
        ([np.inf, 1.0], ValueError, r"expected finite numbers; got inf"),
        (["a", "b"], TypeError, r"expected an array of numbers"),
        ("12", TypeError, r"expected an array of numbers"),
        (None, TypeError, r"expected an array of numbers"),
        ([1.0 + 1j, 2.0], TypeError, r"expected real numbers"),
    ],
)
def test_numeric_point(name: str, point: Any, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=rf"point: {message}"):
        call_numeric(name, point=point)


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("method", ["forward", None, "Central"])
def test_numeric_method(name: str, method: Any) -> None:
    with pytest.raises(ValueError, match="method: expected 'central' or 'complex'"):
        call_numeric(name, method=method)


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "f,exc,message",
    [
        (lambda p: p, ValueError, r"f: expected a scalar value; f\(.*\) returned an array of shape \(2,\)"),
        (lambda p: np.array([p[0]]), ValueError, r"f: expected a scalar value; .* shape \(1,\)"),
        (lambda p: "big", TypeError, r"f: expected f\(.*\) to return a number"),
        (lambda p: None, TypeError, r"f: expected f\(.*\) to return a number"),
        (lambda p: 1j * p[0], TypeError, r"f: expected a real value for real input"),
    ],
)
def test_numeric_f_must_return_a_real_scalar(name: str, method: str, f: Any, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=message):
        call_numeric(name, f=f, method=method)


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("method", METHODS)
def test_numeric_f_not_finite_at_the_point(name: str, method: str) -> None:
    with np.errstate(divide="ignore"), pytest.raises(ValueError, match=r"f: f\((x|point)\) = -inf; f must be finite"):
        call_numeric(name, f=lambda p: np.log(p[0]) + p[1], point=(0.0, 1.0), method=method)


@pytest.mark.parametrize("name", NUMERIC)
def test_numeric_f_not_finite_next_to_the_point(name: str) -> None:
    # sqrt is finite at 0 but not at 0 - h: central differences need f on both sides.
    with np.errstate(invalid="ignore"), pytest.raises(ValueError, match=r"f: f\(.* - h·.*\) = nan; f must be finite at and near"):
        call_numeric(name, f=lambda p: np.sqrt(p[0]) + p[1], point=(0.0, 1.0), direction=(1.0, 0.0))


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize(
    "f,reason",
    [
        (lambda p: math.sin(p[0]) + p[1] ** 2, "failed with (TypeError|ComplexWarning)"),
        (lambda p: float(np.sum(p**2)), "failed with (TypeError|ComplexWarning)"),
        (lambda p: np.abs(p[0]) + np.abs(p[1]), "returned the real value"),
        (lambda p: np.real(p[0] ** 2 + p[1]), "returned the real value"),
        (lambda p: np.add.reduce(np.array(p, dtype=np.float64)), "failed with ComplexWarning"),
    ],
)
def test_complex_step_needs_complex_safe_f(name: str, f: Any, reason: str) -> None:
    with pytest.raises(TypeError, match=rf"f: complex-step differentiation needs f to accept complex input.*{reason}"):
        call_numeric(name, f=f, method="complex")
    call_numeric(name, f=f, method="central")  # the same f is fine with central differences


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "direction,exc,message",
    [
        ((3.0,), ValueError, r"direction: expected shape \(2,\), the shape of point; got shape \(1,\)"),
        ((3.0, 4.0, 5.0), ValueError, r"direction: expected shape \(2,\)"),
        ((0.0, 0.0), ValueError, r"direction: expected a nonzero vector"),
        ((0.0, np.nan), ValueError, r"direction: expected finite numbers"),
        ([[3.0, 4.0]], ValueError, r"direction: expected a 1-D array"),
        ("34", TypeError, r"direction: expected an array of numbers"),
    ],
)
def test_numeric_direction(method: str, direction: Any, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=message):
        call_numeric("directional", direction=direction, method=method)


def test_numeric_tiny_and_huge_directions_are_normalized() -> None:
    for scale in (1e-310, 1e300):
        d = directional_derivative(square, [1.0, 2.0], [3.0 * scale, 4.0 * scale], method="complex")
        assert abs(d - 4.4) <= 1e-14


@pytest.mark.parametrize("index,exc", [(2, ValueError), (-1, ValueError), ("0", TypeError), (0.0, TypeError), (None, TypeError)])
def test_numeric_partial_index(index: Any, exc: type[Exception]) -> None:
    with pytest.raises(exc, match="index: expected"):
        call_numeric("partial", index=index)


@pytest.mark.parametrize("method", METHODS)
def test_numeric_critical_point(method: str) -> None:
    with pytest.raises(ValueError, match="point: the gradient is zero"):
        call_numeric("steepest", point=(0.0, 0.0), method=method)

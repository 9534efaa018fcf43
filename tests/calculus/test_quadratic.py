"""Quadratic forms: published and hand-checked examples, every row of the classification table, symbolic entries, bad input."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from refalgo.calculus import (
    CompletedSquare,
    quadratic_extremum,
    quadratic_extremum_symbolic,
    quadratic_form_symbolic,
)

x, y, z = sp.symbols("x y z", real=True)


def both(A: list[list[int]], b: list[int], c: int) -> tuple:
    return quadratic_extremum_symbolic(A, b, c), quadratic_extremum(np.array(A, float), np.array(b, float), float(c))


def span_of(columns: np.ndarray) -> np.ndarray:
    """Orthogonal projector onto the span of the columns."""
    q = np.linalg.qr(np.asarray(columns, dtype=float))[0]
    return q @ q.T


# ---------------------------------------------------------------------- hand-checked examples
# Each expected value below is worked out by hand in its comment: solve 2Ax + b = 0,
# then substitute into f.
HAND = [
    # f = 2x² + 2xy + y² − 2x − 2y + 3: 4x + 2y = 2, 2x + 2y = 2 ⇒ (0, 1); f = 1 − 2 + 3 = 2.
    ([[2, 1], [1, 1]], [-2, -2], 3, "minimum", "positive definite", [0, 1], 2),
    # f = −x² − 2y² + 4x + 4y − 1: x = 2, y = 1; f = −4 − 2 + 8 + 4 − 1 = 5.
    ([[-1, 0], [0, -2]], [4, 4], -1, "maximum", "negative definite", [2, 1], 5),
    # f = x² − y² + 2x + 4y = (x + 1)² − (y − 2)² + 3.
    ([[1, 0], [0, -1]], [2, 4], 0, "saddle", "indefinite", [-1, 2], 3),
    # f = (x + y)² − 2(x + y) + 5 = (x + y − 1)² + 4: minimum 4 on x + y = 1, nearest the origin at (½, ½).
    ([[1, 1], [1, 1]], [-2, -2], 5, "minimum", "positive semidefinite", [Fraction(1, 2), Fraction(1, 2)], 4),
    # f = −(x − y)² + 2: maximum 2 on the line x = y, which passes through the origin.
    ([[-1, 1], [1, -1]], [0, 0], 2, "maximum", "negative semidefinite", [0, 0], 2),
    # f = x² − y² + 2x + 7 (z absent): stationary set (−1, 0, t), value 6.
    ([[1, 0, 0], [0, -1, 0], [0, 0, 0]], [2, 0, 0], 7, "saddle", "indefinite", [-1, 0, 0], 6),
    # f = 3x² − 6x + 1 = 3(x − 1)² − 2.
    ([[3]], [-6], 1, "minimum", "positive definite", [1], -2),
    # A = [[1, 4], [0, 1]] has symmetric part [[1, 2], [2, 1]] (eigenvalues 3, −1): f = x² + 4xy + y², saddle at 0.
    ([[1, 4], [0, 1]], [0, 0], 0, "saddle", "indefinite", [0, 0], 0),
]


@pytest.mark.parametrize("A, b, c, kind, definiteness, point, value", HAND)
def test_hand_checked_examples(A, b, c, kind, definiteness, point, value) -> None:
    """Hand-checked examples, each worked out in its comment: both twins give the kind, definiteness, point and
    value.
    """
    exact, numeric = both(A, b, c)
    assert (exact.kind, exact.definiteness) == (kind, definiteness)
    assert (numeric.kind, numeric.definiteness) == (kind, definiteness)
    assert list(exact.point) == [sp.Rational(p.numerator, p.denominator) if isinstance(p, Fraction) else p for p in point]
    assert exact.value == value
    np.testing.assert_allclose(numeric.point, [float(p) for p in point], atol=1e-12)
    assert abs(numeric.value - value) <= 1e-12


def test_boyd_vandenberghe_unconstrained_quadratic_minimum() -> None:
    # Boyd & Vandenberghe, Convex Optimization, A.5.4: inf ½xᵀPx + qᵀx + r = r − ½qᵀP⁻¹q at x = −P⁻¹q
    # for P ≻ 0. With P = [[4, 2], [2, 2]] (P⁻¹ = [[½, −½], [−½, 1]]), q = (2, −2), r = 1:
    # P⁻¹q = (2, −3), so x = (−2, 3) and the value is 1 − ½(4 + 6) = −4. Here A = P/2, b = q, c = r.
    """Boyd & Vandenberghe, A.5.4: inf ½xᵀPx + qᵀx + r = r − ½qᵀP⁻¹q at x = −P⁻¹q for P ≻ 0, on a worked 2×2 example."""
    exact, numeric = both([[2, 1], [1, 1]], [2, -2], 1)
    assert exact.kind == numeric.kind == "minimum"
    assert list(exact.point) == [-2, 3] and exact.value == -4
    np.testing.assert_allclose(numeric.point, [-2.0, 3.0], rtol=1e-13)
    assert abs(numeric.value + 4) <= 1e-12


def test_boyd_vandenberghe_unbounded_when_q_not_in_range() -> None:
    # Boyd & Vandenberghe, A.5.4: with P ⪰ 0 singular and q ∉ range(P) the infimum is −∞.
    # f = x² + y: along (0, −t) it is −t.
    """Boyd & Vandenberghe, A.5.4: with P ⪰ 0 singular and q outside the range of P, both twins report "unbounded"
    along the null direction.
    """
    exact, numeric = both([[1, 0], [0, 0]], [0, 1], 0)
    assert exact.kind == numeric.kind == "unbounded"
    assert exact.definiteness == numeric.definiteness == "positive semidefinite"
    assert exact.point is exact.value is exact.completed is None
    assert numeric.point is None and numeric.value is None and numeric.completed is None
    assert list(exact.directions) == [0, 1]
    np.testing.assert_allclose(span_of(numeric.directions), [[0, 0], [0, 1]], atol=1e-15)


@pytest.mark.parametrize(
    "A, b, definiteness",
    [
        ([[1, 0, 0], [0, -1, 0], [0, 0, 0]], [0, 0, 1], "indefinite"),  # x² − y² + z
        ([[-1, 0], [0, 0]], [0, 3], "negative semidefinite"),  # −x² + 3y
    ],
)
def test_unbounded_rows(A, b, definiteness) -> None:
    exact, numeric = both(A, b, 0)
    assert (exact.kind, exact.definiteness) == (numeric.kind, numeric.definiteness) == ("unbounded", definiteness)


def test_affine_set_of_minimizers() -> None:
    # f = (x + y − 1)² + 4: the minimizers are (½, ½) + t(1, −1).
    exact, numeric = both([[1, 1], [1, 1]], [-2, -2], 5)
    assert exact.directions.shape == (2, 1)
    d = exact.directions[:, 0]
    assert d[0] == -d[1] != 0
    np.testing.assert_allclose(span_of(numeric.directions), [[0.5, -0.5], [-0.5, 0.5]], atol=1e-15)
    t = sp.Rational(7, 3)
    moved = exact.point + t * exact.directions[:, 0]
    assert exact.completed.subs(dict(zip(exact.variables, moved))) == 4


def test_string_coefficients_are_exact() -> None:
    # Decimal and ratio strings spell exact rationals: "0.5" is 1/2, not the float's binary value.
    r = quadratic_extremum_symbolic([["1/2", 0], [0, "0.5"]], ["0.1", "-1/3"], "0", variables=[x, y])
    assert list(r.point) == [sp.Rational(-1, 10), sp.Rational(1, 3)]
    assert r.value == -(sp.Rational(1, 10) ** 2 + sp.Rational(1, 3) ** 2) / 2


def test_completed_square_text() -> None:
    r = quadratic_extremum_symbolic([[1, 0], [0, -1]], [2, 4], 0, variables=[x, y])
    assert r.completed == (x + 1) ** 2 - (y - 2) ** 2 + 3
    assert sp.expand(r.completed - (x**2 - y**2 + 2 * x + 4 * y)) == 0


def test_numeric_completed_square_is_callable_on_grids() -> None:
    r = quadratic_extremum([[2.0, 1.0], [1.0, 1.0]], [-2.0, -2.0], 3.0)
    assert isinstance(r.completed, CompletedSquare)
    pts = np.array([[[0.0, 0.0], [1.0, 2.0]], [[-1.0, 3.0], [0.5, 0.5]]])
    f = lambda p: 2 * p[..., 0] ** 2 + 2 * p[..., 0] * p[..., 1] + p[..., 1] ** 2 - 2 * p[..., 0] - 2 * p[..., 1] + 3  # noqa: E731
    np.testing.assert_allclose(r.completed(pts), f(pts), rtol=1e-14)
    with pytest.raises(ValueError, match=r"x: expected shape \(\.\.\., 2\)"):
        r.completed([1.0, 2.0, 3.0])


# ---------------------------------------------------------------------- symbolic entries
def test_positive_symbol_decides_definiteness() -> None:
    a = sp.Symbol("a", positive=True)
    r = quadratic_extremum_symbolic([[a, 0], [0, 2]], [1, 1], 0)
    assert (r.kind, r.definiteness) == ("minimum", "positive definite")
    assert list(r.point) == [-1 / (2 * a), sp.Rational(-1, 4)]
    # c − ¼bᵀA⁻¹b = −¼(1/a + 1/2)
    assert sp.simplify(r.value - (-(1 / a + sp.Rational(1, 2)) / 4)) == 0


def test_negative_symbol_gives_a_saddle() -> None:
    a = sp.Symbol("a", negative=True)
    r = quadratic_extremum_symbolic([[a, 0], [0, 2]], [0, 0], 1)
    assert (r.kind, r.definiteness) == ("saddle", "indefinite")


def test_symbolic_b_outside_the_range() -> None:
    t = sp.Symbol("t", positive=True)
    r = quadratic_extremum_symbolic([[1, 0], [0, 0]], [1, t], 0)
    assert r.kind == "unbounded"
    # One provably nonzero component along the null space decides, whatever the open one is.
    s = sp.Symbol("s", real=True)
    r = quadratic_extremum_symbolic([[1, 0, 0], [0, 0, 0], [0, 0, 0]], [0, 1, s], 0)
    assert r.kind == "unbounded"


@pytest.mark.parametrize(
    "A, b, message",
    [
        ([[sp.Symbol("a", real=True), 0], [0, 2]], [1, 1], "cannot decide the sign"),
        ([[1, 0], [0, 0]], [1, sp.Symbol("t", real=True)], r"b: cannot decide the sign of \(Nᵀb\)\[0\]"),
        ([[sp.Symbol("a"), 0], [0, 2]], [1, 1], r"A\[0, 0\]: expected a real value"),
    ],
)
def test_undecidable_symbolic_input(A, b, message) -> None:
    with pytest.raises(ValueError, match=message):
        quadratic_extremum_symbolic(A, b, 0)


# ---------------------------------------------------------------------- bad input
BAD = [
    (np.ones((2, 3)), [1.0, 1.0], 0.0, ValueError, "A: expected a square matrix"),
    (np.zeros((0, 0)), [], 0.0, ValueError, "A: expected a non"),
    (np.zeros((2, 2)), [1.0, 1.0], 0.0, ValueError, r"symmetric part \(A \+ Aᵀ\)/2 is zero"),
    ([[0.0, 1.0], [-1.0, 0.0]], [1.0, 1.0], 0.0, ValueError, "symmetric part"),
    (np.eye(2), [1.0, 1.0, 1.0], 0.0, ValueError, r"b: expected .*3"),
    ([[np.nan, 0.0], [0.0, 1.0]], [1.0, 1.0], 0.0, ValueError, "A: expected finite"),
    (np.eye(2), [np.inf, 1.0], 0.0, ValueError, "b: expected finite"),
    (np.eye(2), [1.0, 1.0], float("nan"), ValueError, "c: expected a finite"),
    ([["a", "b"], ["c", "d"]], [1.0, 1.0], 0.0, TypeError, "A: expected .*numbers"),
    (np.eye(2), [1.0, 1.0], "0", TypeError, "c: expected a real number"),
]


@pytest.mark.parametrize("A, b, c, exc, message", BAD)
def test_numeric_bad_input(A, b, c, exc, message) -> None:
    with pytest.raises(exc, match=message):
        quadratic_extremum(A, b, c)


@pytest.mark.parametrize(
    "A, b, c, exc, message",
    [
        (np.eye(2) * 1j, [1.0, 1.0], 0.0, TypeError, "A: expected real numbers"),
        ([1.0, 2.0], [1.0], 0.0, ValueError, "A: expected a 2-D array"),
        (np.eye(2), [[1.0, 1.0]], 0.0, ValueError, r"b: expected shape \(2\)"),
        (np.eye(2), [1.0, 1.0], True, TypeError, "c: expected a real number"),
    ],
)
def test_numeric_bad_input_more(A, b, c, exc, message) -> None:
    with pytest.raises(exc, match=message):
        quadratic_extremum(A, b, c)


@pytest.mark.parametrize(
    "A, b, c, exc, message",
    [
        ([[1, 2, 3], [4, 5, 6]], [1, 1], 0, ValueError, r"A: expected a square matrix; got shape \(2, 3\)"),
        ([], [], 0, ValueError, r"A: expected a 2-D array; got shape \(0,\)"),
        ([1, 2], [1, 1], 0, ValueError, r"A: expected a 2-D array; got shape \(2,\)"),
        ([[0, 0], [0, 0]], [1, 1], 0, ValueError, "symmetric part"),
        ([[0, 2], [-2, 0]], [1, 1], 0, ValueError, "symmetric part"),
        ([[1, 0], [0, 1]], [1, 1, 1], 0, ValueError, "b: expected 2 entries; got 3"),
        ([[1, 0], [0, 1]], sp.eye(2), 0, ValueError, r"b: expected a 1-D sequence of numbers; got shape \(2, 2\)"),
        ([[float("nan"), 0], [0, 1]], [1, 1], 0, ValueError, r"A\[0, 0\]: expected a finite number"),
        ([[sp.oo, 0], [0, 1]], [1, 1], 0, ValueError, r"A\[0, 0\]: expected a finite real number; got oo"),
        ([[1, 0], [0, 1]], [1, sp.nan], 0, ValueError, r"b\[1\]: expected a finite real number; got nan"),
        ([[1, 0], [0, 1]], [1, 1], float("inf"), ValueError, "c: expected a finite number"),
        ([["x", 0], [0, 1]], [1, 1], 0, ValueError, r"A\[0, 0\]: expected a decimal string such as '0.25' or a ratio"),
        ([[1, 0], [0, 1]], [None, 1], 0, TypeError, r"b\[0\]: expected a real number"),
        ([[1, 0], [0, 1]], "12", 0, TypeError, "b: expected a sequence or array of numbers"),
        ([[1, 0], [0, 1]], [1, 1], True, TypeError, "c: expected a real number"),
        ([[1, 0], [0, sp.I]], [1, 1], 0, ValueError, r"A\[1, 1\]: expected a finite real number; got I"),
        ([[1, 0], [0, sp.Symbol("z")]], [1, 1], 0, ValueError, r"A\[1, 1\]: expected a real value; z is not known to be real"),
        ("A", [1, 1], 0, TypeError, "A: expected a sequence or array of numbers"),
    ],
)
def test_symbolic_bad_input(A, b, c, exc, message) -> None:
    with pytest.raises(exc, match=message):
        quadratic_extremum_symbolic(A, b, c)


def test_symbolic_variables_must_match() -> None:
    with pytest.raises(ValueError, match="variables: expected 2 symbols"):
        quadratic_extremum_symbolic([[1, 0], [0, 1]], [0, 0], 0, variables=[x])


def test_floats_enter_exactly() -> None:
    # 0.1 is the binary double 3602879701896397/2**55, not 1/10.
    r = quadratic_extremum_symbolic([[0.5]], [0.1], 0)
    assert r.point[0] == -sp.Rational(0.1)
    assert r.point[0] != sp.Rational(-1, 10)


def test_sympy_floats_enter_exactly_too() -> None:
    # 0.5 x² + 0.1 x: x* = −0.1 (the double), exactly; Floats from a parsed polynomial are converted.
    A, b, c = quadratic_form_symbolic(sp.Float(0.5) * x**2 + sp.Float(0.1) * x, [x])
    r = quadratic_extremum_symbolic(A, b, c)
    assert r.point[0] == -sp.Rational(0.1) and r.value.is_Rational


def test_numpy_inputs_to_the_symbolic_twin() -> None:
    r = quadratic_extremum_symbolic(np.array([[2, 1], [1, 1]]), np.array([-2.0, -2.0]), np.int64(3))
    assert (r.kind, list(r.point), r.value) == ("minimum", [0, 1], 2)


def test_huge_entries_do_not_overflow_the_symmetrization() -> None:
    # A = 1e308·I: (A + Aᵀ) would overflow to inf; f = 1e308 (x² + y²) + x + y has x* = −b/(2·1e308).
    r = quadratic_extremum(np.eye(2) * 1e308, [1.0, 1.0], 0.0)
    assert r.kind == "minimum"
    np.testing.assert_allclose(r.point, [-0.5e-308, -0.5e-308], rtol=1e-12)

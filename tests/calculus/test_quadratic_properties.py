"""Quadratic forms: the theorems of the page as Hypothesis properties.

Inputs are built with a known answer: ``A = Bᵀ D B`` with ``B`` unimodular (an integer
matrix with an integer inverse) has the inertia of the diagonal ``D`` (Sylvester's law
of inertia), its null space is ``B⁻¹`` applied to the zero positions of ``D``, and
``b = A y`` lies in its range while ``b = A y + m Bᵀ e_k`` (``D_k = 0``, ``m ≠ 0``) does not.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.calculus import quadratic_extremum, quadratic_extremum_symbolic
from refalgo.testing import int_matrices, int_vectors, rationals

# Each row of the classification table: the diagonal signs of D and whether b is in range.
ROWS = {
    "positive definite": ((1, 1, 1), True, "minimum"),
    "negative definite": ((-1, -1, -1), True, "maximum"),
    "indefinite": ((1, -1, 1), True, "saddle"),
    "positive semidefinite, b in range": ((1, 0, 1), True, "minimum"),
    "positive semidefinite, b not in range": ((1, 1, 0), False, "unbounded"),
    "negative semidefinite, b in range": ((-1, 0, 0), True, "maximum"),
    "negative semidefinite, b not in range": ((0, -1, 0), False, "unbounded"),
    "indefinite singular, b in range": ((1, -1, 0), True, "saddle"),
    "indefinite singular, b not in range": ((0, -1, 1), False, "unbounded"),
}
DEFINITENESS = {
    (3, 0): "positive definite", (0, 3): "negative definite",
    (2, 0): "positive semidefinite", (1, 0): "positive semidefinite",
    (0, 2): "negative semidefinite", (0, 1): "negative semidefinite",
}


def unimodular(n: int) -> st.SearchStrategy[sp.Matrix]:
    """U·L with U unit upper and L unit lower triangular integer matrices: det ±1."""
    def build(upper: list[list[int]], lower: list[list[int]], flip: list[bool]) -> sp.Matrix:
        U = sp.Matrix(n, n, lambda i, j: 1 if i == j else (upper[i][j] if j > i else 0))
        L = sp.Matrix(n, n, lambda i, j: (-1 if flip[i] else 1) if i == j else (lower[i][j] if j < i else 0))
        return U * L

    return st.builds(build, int_matrices(n, n, -2, 2), int_matrices(n, n, -2, 2), st.lists(st.booleans(), min_size=n, max_size=n))


@st.composite
def case(draw: Any, row: str) -> dict[str, Any]:
    """``{"A", "b", "c", "row", "null"}`` for one row of the table, the answer known by construction.

    ``null`` holds ``B⁻¹ e_k`` (``B⁻¹ = det(B)·adj(B)`` as ``det B = ±1``) for each ``D_k = 0``.
    """
    signs, in_range, _ = ROWS[row]
    scale = draw(st.lists(st.integers(1, 3), min_size=3, max_size=3))
    D = sp.diag(*[s * k for s, k in zip(signs, scale)])
    B = draw(unimodular(3))
    A = B.T * D * B
    y = sp.Matrix(draw(int_vectors(3, -3, 3)))
    b = A * y
    if not in_range:
        k = signs.index(0)
        m = draw(st.integers(1, 3).flatmap(lambda v: st.sampled_from([v, -v])))
        b += m * B.T * sp.eye(3)[:, k]
    K = sp.Matrix(draw(int_matrices(3, 3, -2, 2)))
    return {"A": A + K - K.T, "b": b, "c": draw(st.integers(-5, 5)), "row": row, "null": B.adjugate() * B.det() * sp.diag(*[int(s == 0) for s in signs])}


def numeric(ex: dict[str, Any]):  # noqa: ANN201
    return quadratic_extremum(np.array(ex["A"].tolist(), dtype=float), np.array(list(ex["b"]), dtype=float), float(ex["c"]))


def f_of(ex: dict[str, Any], point: sp.Matrix) -> sp.Expr:
    """f(x) = xᵀAx + bᵀx + c computed from the raw (unsymmetrized) coefficients."""
    A, b = ex["A"], ex["b"]
    return sum((A[i, j] * point[i] * point[j] for i in range(3) for j in range(3)), sp.Integer(0)) + (b.T * point)[0] + ex["c"]


any_case = st.sampled_from(sorted(ROWS)).flatmap(case)


@pytest.mark.parametrize("row", sorted(ROWS))
def test_twins_classify_each_row_as_constructed(row: str) -> None:
    """Every row of the table, by construction: for A = BᵀDB with B an integer matrix of determinant ±1 (the inertia
    of D, by Sylvester's law), and b in or out of the range, both twins report the constructed kind,
    definiteness and null-space dimension.
    """

    @given(case(row))
    def check(ex: dict[str, Any]) -> None:
        signs, _, kind = ROWS[row]
        pos, neg = sum(s > 0 for s in signs), sum(s < 0 for s in signs)
        definiteness = DEFINITENESS.get((pos, neg), "indefinite")
        exact, num = quadratic_extremum_symbolic(ex["A"], ex["b"], ex["c"]), numeric(ex)
        assert (exact.kind, exact.definiteness) == (kind, definiteness)
        assert (num.kind, num.definiteness) == (kind, definiteness)
        assert exact.directions.shape[1] == num.directions.shape[1] == signs.count(0)

    check()


@given(any_case)
def test_completed_square_expands_back_to_f(ex: dict[str, Any]) -> None:
    """The completed square expands back to f exactly, whenever it exists."""
    r = quadratic_extremum_symbolic(ex["A"], ex["b"], ex["c"])
    assume(r.completed is not None)
    assert sp.expand(r.completed - f_of(ex, sp.Matrix(r.variables))) == 0


@given(any_case)
def test_stationary_point_is_stationary_and_of_least_norm(ex: dict[str, Any]) -> None:
    """The stationary point is stationary and of least norm: 2Ax* + b = 0 and Nᵀx* = 0, exactly, and f(x*) equals
    value.
    """
    r = quadratic_extremum_symbolic(ex["A"], ex["b"], ex["c"])
    assume(r.point is not None)
    assert (ex["A"] + ex["A"].T) * r.point + ex["b"] == sp.zeros(3, 1)  # ∇f(x*) = 0
    assert r.directions.T * r.point == sp.zeros(r.directions.shape[1], 1)  # x* ⟂ null(A)
    assert f_of(ex, r.point) == r.value


@given(any_case)
def test_null_space_is_the_constructed_one(ex: dict[str, Any]) -> None:
    """The null space is the constructed one, B⁻¹{e_k : D_k = 0}."""
    r = quadratic_extremum_symbolic(ex["A"], ex["b"], ex["c"])
    expected = ex["null"]
    expected = expected[:, [j for j in range(3) if any(expected[:, j])]]
    assert r.directions.rank() == expected.rank() == sp.Matrix.hstack(r.directions, expected).rank()


@given(any_case, st.lists(rationals(-4, 4), min_size=3, max_size=3))
def test_f_is_constant_along_directions_and_linear_when_unbounded(ex: dict[str, Any], t: list[sp.Rational]) -> None:
    """f is constant on the stationary set, and when kind is "unbounded", f(t d) = c + t bᵀd along null directions,
    with bᵀd ≠ 0 for one of them.
    """
    r = quadratic_extremum_symbolic(ex["A"], ex["b"], ex["c"])
    assume(r.directions.shape[1] > 0)
    d = r.directions * sp.Matrix(t[: r.directions.shape[1]])
    if r.point is not None:
        assert f_of(ex, r.point + d) == r.value
    else:
        s = t[2]
        assert f_of(ex, s * d) == ex["c"] + s * (ex["b"].T * d)[0]  # f(s d) = c + s bᵀd: no bound either way
        assert any(v != 0 for v in ex["b"].T * r.directions)  # some null direction tilts f


@given(
    st.sampled_from(["positive definite", "negative definite"]).flatmap(case),
    st.lists(st.lists(rationals(-6, 6), min_size=3, max_size=3), min_size=1, max_size=5),
)
def test_definite_extremum_beats_every_sampled_point(ex: dict[str, Any], xs: list[list[sp.Rational]]) -> None:
    """The extremum beats every sampled point: f(x*) ≤ f(x) for a positive definite A (strictly unless x = x*), ≥ for
    a negative definite one, exactly and in float64.
    """
    exact, num = quadratic_extremum_symbolic(ex["A"], ex["b"], ex["c"]), numeric(ex)
    sign = 1 if exact.kind == "minimum" else -1
    for x in xs:
        fx = f_of(ex, sp.Matrix(x))
        assert sign * (fx - exact.value) >= 0
        assert sign * (fx - exact.value) > 0 or sp.Matrix(x) == exact.point
        scale = 1 + abs(float(fx))
        assert sign * (float(fx) - num.value) >= -1e-9 * scale


@given(st.sampled_from(["positive definite", "negative definite", "indefinite"]).flatmap(case))
def test_value_is_c_minus_quarter_b_inverse_b(ex: dict[str, Any]) -> None:
    """The value is c − ¼ bᵀA⁻¹b for invertible A, with A⁻¹ from the adjugate, exactly and in float64."""
    S = (ex["A"] + ex["A"].T) / 2
    b = ex["b"]
    golden = ex["c"] - (b.T * S.adjugate() * b)[0] / (4 * S.det())  # A⁻¹ = adj A / det A
    exact, num = quadratic_extremum_symbolic(ex["A"], b, ex["c"]), numeric(ex)
    assert exact.value == golden
    assert abs(num.value - float(golden)) <= 1e-9 * (1 + abs(float(golden)))


@given(any_case, int_matrices(3, 3, -4, 4))
def test_antisymmetric_part_changes_nothing(ex: dict[str, Any], k: list[list[int]]) -> None:
    """An antisymmetric part changes nothing: A, (A + Aᵀ)/2 and (A + Aᵀ)/2 + K − Kᵀ give identical exact results."""
    K = sp.Matrix(k)
    S = (ex["A"] + ex["A"].T) / 2
    base = quadratic_extremum_symbolic(S, ex["b"], ex["c"])
    for A in (ex["A"], S + K - K.T):
        other = quadratic_extremum_symbolic(A, ex["b"], ex["c"])
        assert (other.kind, other.point, other.value, other.directions, other.completed) == (
            base.kind, base.point, base.value, base.directions, base.completed
        )
    n1 = quadratic_extremum(np.array(S.tolist(), dtype=float), np.array(list(ex["b"]), dtype=float), float(ex["c"]))
    n2 = quadratic_extremum(np.array((S + K - K.T).tolist(), dtype=float), np.array(list(ex["b"]), dtype=float), float(ex["c"]))
    assert (n1.kind, n1.definiteness) == (n2.kind, n2.definiteness)
    if n1.point is not None and n2.point is not None:
        np.testing.assert_allclose(n1.point, n2.point, rtol=0, atol=1e-12 * (1 + np.abs(n1.point).max()))


@given(any_case, st.lists(st.floats(-5, 5), min_size=3, max_size=3))
def test_numeric_completed_square_evaluates_f(ex: dict[str, Any], x: list[float]) -> None:
    r = numeric(ex)
    assume(r.completed is not None)
    A, b = np.array(ex["A"].tolist(), dtype=float), np.array(list(ex["b"]), dtype=float)
    xv = np.array(x)
    f = xv @ A @ xv + b @ xv + float(ex["c"])
    scale = 1 + np.abs(A).sum() * (1 + np.abs(xv).max() + np.abs(r.point).max()) ** 2 + np.abs(b).sum() * np.abs(xv).max()
    assert abs(float(r.completed(xv)) - f) <= 1e-12 * scale

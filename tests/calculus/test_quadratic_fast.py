"""The numeric quadratic twin's Cholesky fast path, held to its eigh path and to the exact twin.

The fast path must report the same kind, definiteness and (empty) null space as ``eigh``, and
a point and value within the rounding of a solve with condition number κ(S); matrices it
cannot certify (indefinite, singular, too close to singular, NaN or inf) go to ``eigh``.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from refalgo.calculus import quadratic_extremum, quadratic_extremum_symbolic
from refalgo.calculus._engine.definite import definite_point

EPS = np.finfo(np.float64).eps


def definite_problem(n: int, seed: int, sign: int = 1, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    B = rng.standard_normal((n, n))
    return sign * scale * (B.T @ B + n * np.eye(n)), rng.standard_normal(n)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 8, 16, 33, 64])
@pytest.mark.parametrize("sign", [1, -1])
def test_fast_path_agrees_with_eigh(n: int, sign: int) -> None:
    """For definite ±A (n = 1 … 64) the fast path is taken and agrees with eigh: same kind, definiteness and empty
    null space; point and value within 10 n ε κ(S) of eigh's, relative to their size.
    """
    A, b = definite_problem(n, seed=n, sign=sign)
    A[0, -1] += 0.5  # a nonsymmetric part, which both paths drop
    S = (A + A.T) / 2
    assert definite_point(S, b) is not None
    fast, slow = quadratic_extremum(A, b, 1.5), quadratic_extremum(A, b, 1.5, method="eigh")
    assert (fast.kind, fast.definiteness) == (slow.kind, slow.definiteness) == (
        ("minimum", "positive definite") if sign > 0 else ("maximum", "negative definite"))
    assert fast.directions.shape == slow.directions.shape == (n, 0)
    assert fast.point is not None and slow.point is not None and fast.value is not None and slow.value is not None
    tol = 10 * n * EPS * np.linalg.cond(S)
    assert np.linalg.norm(fast.point - slow.point) <= tol * np.linalg.norm(slow.point)
    assert abs(fast.value - slow.value) <= tol * (abs(slow.value) + abs(b @ slow.point))
    assert fast.completed is not None
    np.testing.assert_array_equal(fast.completed.matrix, S)


@pytest.mark.parametrize("entries", ["integer", "rational"])
def test_fast_path_against_the_exact_twin(entries: str) -> None:
    """On an integer (or rational) positive definite problem the fast path's point and value are the exact twin's
    rounded, to 10 n ε κ.
    """
    rng = np.random.default_rng(5)
    B = sp.Matrix(rng.integers(-3, 4, size=(6, 6)).tolist())
    A, b = B.T * B + sp.eye(6), sp.Matrix(rng.integers(-5, 6, size=6).tolist())
    if entries == "rational":
        A, b = A / 7, b / 3
    exact = quadratic_extremum_symbolic(A, b, sp.Rational(1, 3))
    fast = quadratic_extremum(np.array(A.tolist(), dtype=float), np.array(b.T.tolist()[0], dtype=float), 1 / 3)
    assert (fast.kind, fast.definiteness) == (exact.kind, exact.definiteness)
    assert exact.point is not None and fast.point is not None and fast.value is not None
    want = np.array([float(v) for v in exact.point])
    tol = 10 * 6 * EPS * np.linalg.cond(np.array(A.tolist(), dtype=float))
    assert np.linalg.norm(fast.point - want) <= tol * np.linalg.norm(want)
    assert abs(fast.value - float(exact.value)) <= tol * (1 + abs(float(exact.value)))


def test_closed_forms() -> None:
    """f = 2x² + y² − 4x + 2y + 1 has its minimum −2 at (1, −1); f = −x² − y² + 2x − 2y its maximum 2 at (1, −1)
    (to a few ε: the Cholesky factor of 2 is √2, rounded).
    """
    for A, b, c, kind, definiteness, value in (
        (np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([-4.0, 2.0]), 1.0, "minimum", "positive definite", -2.0),
        (-np.eye(2), np.array([2.0, -2.0]), 0.0, "maximum", "negative definite", 2.0),
    ):
        r = quadratic_extremum(A, b, c)
        assert (r.kind, r.definiteness) == (kind, definiteness) and r.point is not None and r.value is not None
        assert np.all(np.abs(r.point - [1.0, -1.0]) <= 4 * EPS) and abs(r.value - value) <= 8 * EPS


@pytest.mark.parametrize(
    "S",
    [
        np.diag([1.0, -1.0, 2.0]),  # indefinite
        np.diag([0.0, 1.0, 2.0]),  # zero first pivot
        np.diag([1.0, 1.0, 0.0]),  # singular
        np.diag([1.0, 1.0, 1e-15]),  # definite, but inside twice eigh's rank tolerance
        np.array([[1.0, np.nan], [np.nan, 1.0]]),
        np.array([[np.inf, 0.0], [0.0, 1.0]]),
    ],
)
def test_what_the_certificate_refuses(S: np.ndarray) -> None:
    """Indefinite, singular and nearly singular matrices and NaN or inf are not certified, so eigh decides."""
    assert definite_point(S, np.ones(S.shape[0])) is None


def test_near_singular_matrix_goes_to_eigh() -> None:
    """λ_min = 10⁻¹⁵ λ_max is below the margin: quadratic_extremum gives eigh's result (here: semidefinite)."""
    A, b = np.diag([1.0, 1.0, 1e-17]), np.array([1.0, 1.0, 0.0])
    auto, slow = quadratic_extremum(A, b, 0.0), quadratic_extremum(A, b, 0.0, method="eigh")
    assert (auto.kind, auto.definiteness) == (slow.kind, slow.definiteness) == ("minimum", "positive semidefinite")
    np.testing.assert_array_equal(auto.point, slow.point)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "A, b, c, message",
    [
        (np.array([[1.0, np.nan], [np.nan, 1.0]]), np.ones(2), 0.0, "A: expected finite numbers"),
        (np.eye(2), np.array([np.inf, 1.0]), 0.0, "b: expected finite numbers"),
        (np.eye(2), np.array([np.nan, 1.0]), 0.0, "b: expected finite numbers"),
        (np.eye(2), np.ones(2), float("nan"), "c: expected a finite number"),
        (np.eye(2), np.ones(2), float("inf"), "c: expected a finite number"),
        (-np.eye(2), np.ones(2), float("-inf"), "c: expected a finite number"),
    ],
)
def test_bad_values_in_plain_arrays_are_named(A: np.ndarray, b: np.ndarray, c: float, message: str) -> None:
    """NaN or inf in plain float64 inputs (which the fast path takes without checks) still raise the named error."""
    with pytest.raises(ValueError, match=message):
        quadratic_extremum(A, b, c)


def test_bad_method() -> None:
    """An unknown ``method`` raises an error naming it."""
    with pytest.raises(ValueError, match="method: expected 'auto' or 'eigh'; got 'lu'"):
        quadratic_extremum(np.eye(2), np.ones(2), 0.0, method="lu")

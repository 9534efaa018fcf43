"""The numeric quadratic twin's LDLᵀ fast path (nonsingular, not definite), held to the exact twin and to eigh.

The inertia the path certifies must be the exact inertia (the symbolic twin's, from Descartes' rule on the
characteristic polynomial — no floating point); point and value must be the exact ones rounded, within the
rounding of a solve with condition number κ(S). Singular and nearly singular matrices must not be certified,
so that ``eigh`` and its rank tolerance decide.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from refalgo.calculus import quadratic_extremum, quadratic_extremum_symbolic
from refalgo.calculus._engine.indefinite import MAX_N, indefinite_point

EPS = np.finfo(np.float64).eps

INTEGER_CASES = [
    [[1, 0], [0, -1]],
    [[0, 1], [1, 0]],  # zero diagonal: a 2×2 pivot
    [[0, 1, 2], [1, 0, 3], [2, 3, 0]],  # zero diagonal, pivots with interchanges
    [[2, 5, -1], [5, 1, 4], [-1, 4, -3]],
    [[1, 2, 3, 4], [2, 1, 0, -1], [3, 0, -2, 5], [4, -1, 5, 0]],
    [[-3, 1, 0, 0, 2], [1, -4, 1, 0, 0], [0, 1, -5, 1, 0], [0, 0, 1, 6, 1], [2, 0, 0, 1, -2]],
]


def _random_integer(n: int, seed: int) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    B = rng.integers(-4, 5, size=(n, n))
    return (B + B.T).tolist()


@pytest.mark.parametrize("A", INTEGER_CASES + [_random_integer(n, seed) for n, seed in ((6, 1), (7, 2), (8, 3))])
def test_integer_matrices_against_the_exact_twin(A: list[list[int]]) -> None:
    """On integer indefinite matrices the path is taken, its inertia is the exact one, and point and value are
    the exact ones rounded, to 10 n ε κ(S).
    """
    n = len(A)
    b = [(-1) ** i * (i + 1) for i in range(n)]
    exact = quadratic_extremum_symbolic(A, b, sp.Rational(1, 3))
    assert exact.directions.shape[1] == 0 and exact.point is not None and exact.value is not None
    S = np.array(A, dtype=float)
    taken = indefinite_point(S, np.array(b, dtype=float))
    assert taken is not None
    char = sp.Matrix(A).charpoly().all_coeffs()  # the exact inertia again, from the roots' signs
    roots = sp.Poly(char, sp.Symbol("x")).real_roots()
    assert taken[:2] == (sum(1 for r in roots if r > 0), sum(1 for r in roots if r < 0))
    fast = quadratic_extremum(S, np.array(b, dtype=float), 1 / 3)
    assert (fast.kind, fast.definiteness) == (exact.kind, exact.definiteness) == ("saddle", "indefinite")
    assert fast.point is not None and fast.value is not None
    want = np.array([float(v) for v in exact.point])
    tol = 10 * n * EPS * np.linalg.cond(S)
    assert np.linalg.norm(fast.point - want) <= tol * np.linalg.norm(want)
    assert abs(fast.value - float(exact.value)) <= tol * (1 + abs(float(exact.value)) + abs(np.array(b) @ want))


@pytest.mark.parametrize("n", [2, 3, 5, 16, 33, MAX_N])
def test_agrees_with_eigh(n: int) -> None:
    """Random indefinite matrices of every inertia: the same kind, definiteness and empty null space as eigh, the
    inertia of NumPy's eigenvalues, point and value within 10 n ε κ(S) of eigh's.
    """
    rng = np.random.default_rng(n)
    for positive in (1, n // 2, n - 1):
        Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
        w = rng.uniform(0.5, 2.0, n) * np.where(np.arange(n) < positive, 1.0, -1.0)
        A, b = (Q * w) @ Q.T, rng.standard_normal(n)
        A[0, -1] += 0.25  # a nonsymmetric part, which both paths drop
        S = (A + A.T) / 2
        taken = indefinite_point(S, b)
        assert taken is not None
        lam = np.linalg.eigvalsh(S)
        assert taken[:2] == (int(np.sum(lam > 0)), int(np.sum(lam < 0)))
        fast, slow = quadratic_extremum(A, b, 0.5), quadratic_extremum(A, b, 0.5, method="eigh")
        assert (fast.kind, fast.definiteness) == (slow.kind, slow.definiteness) == ("saddle", "indefinite")
        assert fast.directions.shape == slow.directions.shape == (n, 0)
        assert fast.point is not None and slow.point is not None and fast.value is not None and slow.value is not None
        tol = 10 * n * EPS * np.linalg.cond(S)
        assert np.linalg.norm(fast.point - slow.point) <= tol * np.linalg.norm(slow.point)
        assert abs(fast.value - slow.value) <= tol * (abs(slow.value) + abs(b @ slow.point))


@pytest.mark.parametrize("small", [0.0, 1e-300, 1e-15, -1e-14, 5e-14])
def test_near_singular_matrices_fall_back(small: float) -> None:
    """An eigenvalue within 32 n² ε max|s_ij| of zero (here n = 3: 6.4·10⁻¹⁴), even hidden by a rotation, is not
    certified; quadratic_extremum then returns eigh's result exactly.
    """
    Q = np.linalg.qr(np.random.default_rng(7).standard_normal((3, 3)))[0]
    for S in (np.diag([1.0, -1.0, small]), (Q * [1.0, -1.0, small]) @ Q.T):
        S = (S + S.T) / 2
        assert indefinite_point(S, np.ones(3)) is None
        auto, slow = quadratic_extremum(S, np.ones(3), 0.0), quadratic_extremum(S, np.ones(3), 0.0, method="eigh")
        assert (auto.kind, auto.definiteness) == (slow.kind, slow.definiteness)
        assert auto.directions.shape == slow.directions.shape


def test_just_outside_the_margin_is_certified() -> None:
    """An eigenvalue of 10⁻¹¹, about 150 times the margin for n = 3, is certified and counted with its sign."""
    taken = indefinite_point(np.diag([1.0, -1.0, -1e-11]), np.ones(3))
    assert taken is not None and taken[:2] == (1, 2)
    np.testing.assert_allclose(taken[2], [-0.5, 0.5, 0.5e11], rtol=1e-15)


def test_large_matrices_and_bad_values_are_not_certified() -> None:
    """Above MAX_N the path declines (eigh is as cheap), and NaN or inf make the bound non-finite."""
    n = MAX_N + 1
    assert indefinite_point(np.diag(np.where(np.arange(n) % 2 == 0, 1.0, -1.0)), np.ones(n)) is None
    assert indefinite_point(np.array([[1.0, np.nan], [np.nan, -1.0]]), np.ones(2)) is None
    assert indefinite_point(np.array([[np.inf, 0.0], [0.0, -1.0]]), np.ones(2)) is None


@pytest.mark.parametrize(
    "b, c, message",
    [
        (np.array([np.inf, 1.0]), 0.0, "b: expected finite numbers"),
        (np.array([np.nan, 1.0]), 0.0, "b: expected finite numbers"),
        (np.ones(2), float("nan"), "c: expected a finite number"),
    ],
)
def test_bad_values_with_an_indefinite_matrix_are_named(b: np.ndarray, c: float, message: str) -> None:
    """NaN or inf in b or c beside an indefinite A (which the LDLᵀ path takes without checks) raise the named error."""
    with pytest.raises(ValueError, match=message):
        quadratic_extremum(np.diag([1.0, -1.0]), b, c)

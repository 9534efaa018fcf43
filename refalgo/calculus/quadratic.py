r"""Quadratic forms and completing the square (多元二次多项式, 二次型, 配方).

A quadratic polynomial in $n$ variables,

$$
f(x) = \sum_{i,j} a_{ij} x_i x_j + \sum_k b_k x_k + c = x^\top A x + b^\top x + c,
$$

with $A \ne 0$. Only the symmetric part $(A + A^\top)/2$ of the coefficient
matrix matters ($x^\top A x$ is a scalar, so it equals its transpose
$x^\top A^\top x$); both twins symmetrize first. When $2 A x^* + b = 0$ has a
solution, completing the square gives

$$
f(x) = (x - x^*)^\top A (x - x^*) + f(x^*), \qquad
x^* = -\tfrac12 A^{-1} b,\quad f(x^*) = c - \tfrac14 b^\top A^{-1} b
\text{ (A invertible)},
$$

and the signs of the eigenvalues of $A$ decide what $x^*$ is.

Classification
--------------
``kind`` is one of four words, decided by the inertia of $A$ (how many
eigenvalues are positive, negative, zero) and by whether $b$ lies in the range
of $A$ (exactly when a stationary point exists):

| $A$ is | $b$ | `kind` | stationary points |
|---|---|---|---|
| positive definite | any | `minimum` | one, the unique minimizer |
| negative definite | any | `maximum` | one, the unique maximizer |
| indefinite, invertible | any | `saddle` | one, neither minimum nor maximum |
| positive semidefinite | in range(A) | `minimum` | an affine set, every point a minimizer |
| negative semidefinite | in range(A) | `maximum` | an affine set, every point a maximizer |
| indefinite, singular | in range(A) | `saddle` | an affine set of saddle points |
| singular (any sign) | not in range(A) | `unbounded` | none |

``unbounded`` means there is no stationary point; then $f$ is unbounded both
above and below (along a null vector $d$ of $A$ with $b^\top d \ne 0$,
$f(t d) = t\, b^\top d + c$). A ``saddle`` is unbounded both ways too, but has
stationary points. ``definiteness`` carries the finer word (``"positive semidefinite"``…).

Conventions
-----------
* Where the stationary points form an affine set, ``point`` is the one of least
  Euclidean norm and ``directions`` is a basis of the null space of $A$: the set is
  ``point + span(directions)`` and $f$ equals ``value`` on all of it. When
  $A$ is invertible ``directions`` has no columns.
* Vectors are columns (``sympy.Matrix`` of shape ``(n, 1)``) in the symbolic twin and
  1-D arrays in the numeric twin; ``directions`` is ``(n, k)`` in both.
* Boyd & Vandenberghe (*Convex Optimization*, A.5.4) write $\tfrac12 x^\top P x + q^\top x + r$;
  their $P$ is our $2A$ and their minimizer $-P^{-1} q$ is our $x^*$.

Twins
-----
The symbolic twin decides the inertia exactly from the signs of the coefficients of the
characteristic polynomial (Descartes' rule of signs is exact for a polynomial whose
roots are all real, as a symmetric matrix's are) and solves with ``DomainMatrix`` over
the rationals (or a field of rational functions of the symbols). The numeric twin uses
``numpy.linalg.eigh`` (inertia, null space and pseudo-inverse) with the tolerances documented on
`quadratic_extremum`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._validate import as_array, as_real
from ..registry import Concept, Tolerance
from ._quadratic_exact import check_variables, exact_entry, exact_matrix, exact_vector, in_range, inertia, null_basis, solve

__all__ = [
    "CompletedSquare",
    "QuadraticExtremum",
    "QuadraticExtremumSymbolic",
    "quadratic_extremum",
    "quadratic_extremum_symbolic",
]

Kind = Literal["minimum", "maximum", "saddle", "unbounded"]
Definiteness = Literal[
    "positive definite", "negative definite", "indefinite", "positive semidefinite", "negative semidefinite"
]
_EPS = float(np.finfo(np.float64).eps)


def _definiteness(positive: int, negative: int, n: int) -> Definiteness:
    """The definiteness word for an inertia (``positive + negative >= 1``)."""
    if negative == 0:
        return "positive definite" if positive == n else "positive semidefinite"
    if positive == 0:
        return "negative definite" if negative == n else "negative semidefinite"
    return "indefinite"


def _kind(definiteness: Definiteness, stationary: bool) -> Kind:
    """The ``kind`` of the classification table from the definiteness and whether b ∈ range(A)."""
    if not stationary:
        return "unbounded"
    if definiteness.startswith("positive"):
        return "minimum"
    if definiteness.startswith("negative"):
        return "maximum"
    return "saddle"


# ---------------------------------------------------------------------- symbolic twin
@dataclass(frozen=True)
class QuadraticExtremumSymbolic:
    r"""Exact classification of a quadratic polynomial and its completed square.

    Attributes
    ----------
    kind
        ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"unbounded"`` (see the module's table).
    definiteness
        ``"positive definite"``, ``"negative definite"``, ``"indefinite"``,
        ``"positive semidefinite"`` or ``"negative semidefinite"``.
    point
        The stationary point $x^*$ (``(n, 1)`` matrix) of least norm; ``None`` if unbounded.
    value
        $f(x^*)$, the value on every stationary point; ``None`` if unbounded.
    directions
        ``(n, k)`` matrix whose columns span the null space of $A$; the stationary
        points are ``point + span(directions)``.
    completed
        $(x - x^*)^\top A (x - x^*) + f(x^*)$ in ``variables``, with ``A``
        symmetrized; ``None`` if unbounded.
    variables
        The symbols ``completed`` is written in.
    """

    kind: Kind
    definiteness: Definiteness
    point: sp.Matrix | None
    value: sp.Expr | None
    directions: sp.Matrix
    completed: sp.Expr | None
    variables: tuple[sp.Symbol, ...]


def quadratic_extremum_symbolic(
    A: Any, b: Any, c: Any, *, variables: Sequence[sp.Symbol] | None = None
) -> QuadraticExtremumSymbolic:
    r"""Classify $f(x) = x^\top A x + b^\top x + c$ exactly and complete the square.

    Parameters
    ----------
    A
        ``(n, n)`` coefficients: a ``sympy.Matrix`` or nested lists of integers,
        fractions, floats, decimal or ratio strings (``"0.1"``, ``"1/3"``) or real
        SymPy expressions (floats, Python's or SymPy's, are taken as their exact
        binary values). Symmetrized as $(A + A^\top)/2$; must not be zero then.
    b
        ``n`` linear coefficients (list or ``(n, 1)`` matrix).
    c
        Constant term.
    variables
        Symbols for ``completed``; default ``x_1, …, x_n`` (real).

    Returns
    -------
    QuadraticExtremumSymbolic
        ``kind``, ``definiteness``, ``point``, ``value``, ``directions``, ``completed``.

    Raises
    ------
    TypeError
        Non-numeric entries (``None``, booleans, complex numbers).
    ValueError
        Empty or non-square ``A``, ``A + Aᵀ = 0``, ``b`` of the wrong length,
        infinite or non-real entries, strings that are not decimals or ratios, or a sign the symbols' assumptions do not decide.

    Notes
    -----
    The inertia of the symmetric part $A$ comes from the signs of the
    coefficients $p_k$ of $\det(\lambda I - A)$; $b$ lies in the range
    of $A$ iff $N^\top b = 0$ for a null-space basis $N$; then the
    least-norm stationary point solves $(A + N N^\top)\, x^* = -b/2$ (the extra term
    forces $N^\top x^* = 0$) and $f(x^*)$ is $f$ evaluated there.

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, 2004, Appendix A.5.4–A.5.5.
    R. A. Horn and C. R. Johnson, *Matrix Analysis*, 2nd ed., 2013, §4.5 (inertia).

    Examples
    --------
    >>> r = quadratic_extremum_symbolic([[1, 0], [0, 2]], [-2, 4], 1)
    >>> r.kind, list(r.point), r.value
    ('minimum', [1, -1], -2)
    >>> r.completed
    (x_1 - 1)**2 + 2*(x_2 + 1)**2 - 2
    """
    A0 = exact_matrix(A)
    n = A0.shape[0]
    bv = exact_vector(b, n)
    cv = exact_entry(c, "c")
    xs = check_variables(variables) if variables is not None else sp.symbols(f"x_1:{n + 1}", real=True)
    if len(xs) != n:
        raise ValueError(f"variables: expected {n} symbols to match A ({n}×{n}); got {len(xs)}")
    S = ((A0 + A0.T) / 2).applyfunc(sp.cancel)
    if all(e.is_zero for e in S):
        raise ValueError("A: the symmetric part (A + Aᵀ)/2 is zero, so f is not quadratic")
    positive, negative, zero = inertia(S)
    definiteness = _definiteness(positive, negative, n)
    N = null_basis(S, zero)
    stationary = in_range(N.T * bv)
    if not stationary:
        return QuadraticExtremumSymbolic("unbounded", definiteness, None, None, N, None, tuple(xs))
    point = solve(S + N * N.T, -bv / 2)
    value = sp.factor(sp.cancel((point.T * S * point)[0, 0] + (bv.T * point)[0, 0] + cv))
    d = sp.Matrix(xs) - point
    squares = [S[i, i] * d[i] ** 2 for i in range(n)]
    cross = [2 * S[i, j] * (d[i] * d[j]) for i in range(n) for j in range(i + 1, n)]
    completed = sp.Add(*squares, *cross, value)
    return QuadraticExtremumSymbolic(_kind(definiteness, True), definiteness, point, value, N, completed, tuple(xs))


# ---------------------------------------------------------------------- numeric twin
@dataclass(frozen=True)
class CompletedSquare:
    r"""The completed square $g(x) = (x - x^*)^\top A (x - x^*) + f^*$, callable.

    Attributes
    ----------
    matrix
        The symmetrized $A$, shape ``(n, n)``.
    center
        $x^*$, shape ``(n,)``.
    offset
        $f^* = f(x^*)$.

    Calling it on an array of shape ``(..., n)`` returns $g$ of shape ``(...)``,
    equal to the original $f$ up to rounding.
    """

    matrix: NDArray[np.float64]
    center: NDArray[np.float64]
    offset: float

    def __call__(self, x: Any) -> NDArray[np.float64]:
        n = self.center.shape[0]
        arr = as_array(x, "x")
        if arr.shape[-1] != n:
            raise ValueError(f"x: expected shape (..., {n}); got shape {arr.shape}")
        d = arr - self.center
        return np.asarray(np.einsum("...i,ij,...j->...", d, self.matrix, d) + self.offset)


@dataclass(frozen=True)
class QuadraticExtremum:
    """Float64 classification of a quadratic polynomial and its completed square.

    Attributes
    ----------
    kind
        ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"unbounded"`` (see the module's table).
    definiteness
        As in `QuadraticExtremumSymbolic`, decided with the rank tolerance.
    point
        Least-norm stationary point, shape ``(n,)``; ``None`` if unbounded.
    value
        $f$ at ``point`` (and on every stationary point); ``None`` if unbounded.
    directions
        ``(n, k)`` orthonormal basis of the numerical null space of $A$.
    completed
        `CompletedSquare` (callable); ``None`` if unbounded.
    """

    kind: Kind
    definiteness: Definiteness
    point: NDArray[np.float64] | None
    value: float | None
    directions: NDArray[np.float64]
    completed: CompletedSquare | None


def _numeric_inputs(A: Any, b: Any, c: Any) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    arr = as_array(A, "A", ndim=2)
    n = arr.shape[0]
    if arr.shape != (n, n):
        raise ValueError(f"A: expected a square matrix; got shape {arr.shape}")
    bv = as_array(b, "b", shape=(n,))
    S = arr / 2 + arr.T / 2  # halves first: (A + Aᵀ) could overflow
    if not np.any(S):
        raise ValueError("A: the symmetric part (A + Aᵀ)/2 is zero, so f is not quadratic")
    return S, bv, as_real(c, "c")


def quadratic_extremum(A: Any, b: Any, c: Any) -> QuadraticExtremum:
    r"""Classify $f(x) = x^\top A x + b^\top x + c$ in float64 and complete the square.

    Parameters
    ----------
    A
        ``(n, n)`` array of real coefficients; symmetrized as $(A + A^\top)/2$,
        which must not be zero.
    b
        Shape ``(n,)`` linear coefficients.
    c
        Constant term.

    Returns
    -------
    QuadraticExtremum
        ``kind``, ``definiteness``, ``point``, ``value``, ``directions``, ``completed``.

    Raises
    ------
    TypeError
        Non-numeric or complex input.
    ValueError
        Empty or non-square ``A``, zero symmetric part, ``b`` of the wrong shape, NaN or inf.

    Notes
    -----
    With $A = V \operatorname{diag}(\lambda) V^\top$ from ``eigh``:

    * an eigenvalue counts as zero when $|\lambda_i| \le n\,\varepsilon\,\lVert A\rVert_2$
      ($\varepsilon$ = float64 eps, $\lVert A\rVert_2 = \max|\lambda_i|$; the
      rank rule of ``numpy.linalg.matrix_rank``), the others by their sign;
    * $b$ counts as in the range of $A$ when its component along the null
      vectors $N$ satisfies $\lVert N^\top b\rVert \le n\,\varepsilon\,
      (\lVert A\rVert_2 / g)\,\lVert b\rVert$, $g$ the smallest nonzero
      $|\lambda_i|$: the computed null space is off by about
      $\varepsilon\lVert A\rVert_2/g$ (Davis–Kahan), so an in-range $b$
      shows a spurious component of that relative size;
    * $x^*$ is the least-norm solution of $A x = -b/2$,
      $x^* = -\tfrac12 \sum_{\lambda_i \ne 0} v_i v_i^\top b / \lambda_i$ over the
      eigenvalues kept (the pseudo-inverse with the same cutoff, what ``lstsq`` gives),
      and $f(x^*) = c + \tfrac12 b^\top x^*$ (as $x^{*\top} A x^* = -\tfrac12 b^\top x^*$).

    A matrix within the rank tolerance of a singular one is treated as singular.

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, 2004, Appendix A.5.4.
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013, §5.5 and §8.6.

    Examples
    --------
    >>> r = quadratic_extremum([[1.0, 0.0], [0.0, 2.0]], [-2.0, 4.0], 1.0)
    >>> r.kind, r.point.tolist(), r.value
    ('minimum', [1.0, -1.0], -2.0)
    >>> float(r.completed([0.0, 0.0]))
    1.0
    """
    S, bv, cv = _numeric_inputs(A, b, c)
    n = S.shape[0]
    w, V = np.linalg.eigh(S)
    norm = float(np.max(np.abs(w)))
    tol = n * _EPS * norm
    zero = np.abs(w) <= tol
    definiteness = _definiteness(int(np.sum(w > tol)), int(np.sum(w < -tol)), n)
    N = V[:, zero]
    gap = float(np.min(np.abs(w[~zero])))
    stationary = bool(np.linalg.norm(N.T @ bv) <= n * _EPS * (norm / gap) * np.linalg.norm(bv))
    if not stationary:
        return QuadraticExtremum("unbounded", definiteness, None, None, N, None)
    kept = V[:, ~zero]
    point: NDArray[np.float64] = kept @ ((kept.T @ bv) / w[~zero]) / -2
    value = float(cv + bv @ point / 2)
    return QuadraticExtremum(_kind(definiteness, True), definiteness, point, value, N, CompletedSquare(S, point, value))


# ---------------------------------------------------------------------- registry
_TOLERANCE = Tolerance(
    rtol=1e-9,
    atol=1e-9,
    why=(
        "applied to vectors scaled by max(1, largest exact entry): the drawn symmetric parts have integer "
        "entries of size <= 27 and n <= 3, so ‖A‖₂ <= 81 and a nonzero eigenvalue is >= 81⁻² (the product "
        "of the nonzero eigenvalues is a nonzero integer); κ <= 81³ bounds the solve's relative error by "
        "κ·eps ≈ 1.2e-10 (observed: below 1e-13)"
    ),
)


def _examples() -> Any:
    """Hypothesis strategy of ``{"A", "b", "c"}``: every row of the classification table.

    ``A = Bᵀ D B + K − Kᵀ`` with ``B`` an ``r × n`` integer matrix, ``D`` a diagonal of
    signs (inertia and rank controlled directly) and ``K − Kᵀ`` an antisymmetric part the
    twins must ignore; ``b`` is either ``A y`` (in the range) or any integer vector.
    """
    from hypothesis import strategies as st

    from ..testing import int_matrices, int_vectors, nonzero_int_vectors

    def build(n: int, r: int) -> Any:
        rows = st.lists(nonzero_int_vectors(n, -3, 3), min_size=r, max_size=r)
        signs = st.lists(st.sampled_from([1, -1]), min_size=r, max_size=r)
        return st.builds(_example, rows, signs, int_matrices(n, n, -2, 2), int_vectors(n, -3, 3), st.booleans(), st.integers(-5, 5))

    return st.integers(1, 3).flatmap(lambda n: st.integers(1, n).flatmap(lambda r: build(n, r)))


def _example(rows: list[list[int]], signs: list[int], k: list[list[int]], y: list[int], in_range: bool, c: int) -> dict[str, Any]:
    B, K = np.array(rows, dtype=np.int64), np.array(k, dtype=np.int64)
    sym = B.T @ np.diag(signs) @ B
    if not np.any(sym):
        sym = B.T @ B  # opposite signs cancelled; with all signs + the rows cannot
    b = sym @ np.array(y) if in_range else np.array(y)
    return {"A": (sym + K - K.T).tolist(), "b": b.tolist(), "c": c}


def _compare(exact: QuadraticExtremumSymbolic, numeric: QuadraticExtremum, tol: Tolerance) -> None:
    where = "calculus/quadratic-extremum"
    if (exact.kind, exact.definiteness) != (numeric.kind, numeric.definiteness):
        raise AssertionError(f"{where}: exact {exact.kind}/{exact.definiteness} vs numeric {numeric.kind}/{numeric.definiteness}")
    k = exact.directions.shape[1]
    if numeric.directions.shape[1] != k:
        raise AssertionError(f"{where}: null space of dimension {k} (exact) vs {numeric.directions.shape[1]} (numeric)")
    if k:
        basis = np.linalg.qr(np.array(exact.directions.tolist(), dtype=np.float64))[0]
        tol.assert_close(basis @ basis.T, numeric.directions @ numeric.directions.T, f"{where} null-space projector")
    found = (exact.point is not None, numeric.point is not None)
    if found[0] != found[1]:
        raise AssertionError(f"{where}: only the {'exact' if found[0] else 'numeric'} twin found a stationary point")
    if exact.point is None or exact.value is None or exact.completed is None:
        return
    if numeric.point is None or numeric.value is None or numeric.completed is None:
        return
    _close(tol, [float(v) for v in exact.point], numeric.point, f"{where} point")
    _close(tol, [float(exact.value)], [numeric.value], f"{where} value")
    probe = [sp.Integer(v) for v in (2, -1, 3)[: len(exact.variables)]]
    at = float(exact.completed.subs(dict(zip(exact.variables, probe))))
    _close(tol, [at], numeric.completed(np.array(probe, dtype=np.float64)).reshape(1), f"{where} completed square")


def _close(tol: Tolerance, exact: Any, numeric: Any, what: str) -> None:
    """``tol.assert_close`` on both vectors divided by max(1, largest |exact| entry)."""
    e = np.asarray(exact, dtype=np.float64)
    scale = max(1.0, float(np.max(np.abs(e))))
    tol.assert_close(e / scale, np.asarray(numeric, dtype=np.float64) / scale, what)


CONCEPTS = (
    Concept(
        name="quadratic-extremum",
        area="calculus",
        symbolic=lambda ex: quadratic_extremum_symbolic(ex["A"], ex["b"], ex["c"]),
        numeric=lambda ex: quadratic_extremum(np.array(ex["A"], dtype=np.float64), np.array(ex["b"], dtype=np.float64), float(ex["c"])),
        inputs=_examples,
        tolerance=_TOLERANCE,
        references=(
            "S. Boyd and L. Vandenberghe, Convex Optimization, 2004, Appendix A.5.4–A.5.5",
            "R. A. Horn and C. R. Johnson, Matrix Analysis, 2nd ed., 2013, §4.5 (inertia)",
        ),
        page="calculus/quadratic-forms.md",
        compare=_compare,
    ),
)

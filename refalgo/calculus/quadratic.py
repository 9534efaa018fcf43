r"""Quadratic forms and completing the square (多元二次多项式, 二次型, 配方).

$f(x) = x^\top A x + b^\top x + c$ with $A \ne 0$. Both twins replace $A$ by its
symmetric part, complete the square about a stationary point where one exists, and
classify $f$ by the inertia of $A$ (how many eigenvalues are positive, negative, zero)
and by whether $b$ lies in the range of $A$: ``kind`` is ``"minimum"``, ``"maximum"``,
``"saddle"`` (stationary points exist) or ``"unbounded"`` (none; then $f$ is unbounded
above and below). The page's table lists every case.

Conventions
-----------
* Where the stationary points form an affine set, ``point`` is the one of least
  Euclidean norm and ``directions`` a basis of the null space of $A$: the set is
  ``point + span(directions)``, and $f$ equals ``value`` on all of it.
* Vectors are columns ``(n, 1)`` (symbolic twin) or 1-D arrays (numeric twin);
  ``directions`` is ``(n, k)`` in both.
* No ½ in front: Boyd & Vandenberghe (*Convex Optimization*, A.5.4) write
  $\tfrac12 x^\top P x + q^\top x + r$; their $P$ is our $2A$.

Equations
---------
Each line of the twins is tagged with the equation it implements; $N$ is a basis of the
null space of $S$.

$$
\begin{aligned}
& S = \tfrac12 (A + A^\top) && (1)\\
& (n_+, n_-, n_0) = \text{numbers of positive, negative, zero eigenvalues of } S && (2)\\
& \text{a stationary point exists} \iff b \in \operatorname{range}(S) \iff N^\top b = 0 && (3)\\
& x^* = \operatorname*{arg\,min} \{\lVert x \rVert : 2 S x + b = 0\} = -\tfrac12 S^{+} b && (4)\\
& f(x^*) = x^{*\top} S x^* + b^\top x^* + c = c + \tfrac12 b^\top x^* && (5)\\
& f(x) = (x - x^*)^\top S (x - x^*) + f(x^*) && (6)
\end{aligned}
$$
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import ExactNumber, ExactNumbers, exact, exact_matrix, exact_vector
from .._validate import as_array, as_real, as_symbols
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ._engine.definite import definite_point, plain_inputs
from ._engine.exact_linalg import in_range, inertia, null_basis, require_real, solve
from ._engine.examples import QUADRATIC_TOLERANCE, quadratic_examples
from ._engine.forms import bilinear, symmetric_matrix
from ._engine.indefinite import MAX_N, indefinite_point, symmetric_part

__all__ = [
    "CompletedSquare",
    "QuadraticExtremum",
    "QuadraticExtremumSymbolic",
    "derivations",
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


def _kind(definiteness: Definiteness) -> Kind:
    """The ``kind`` of a quadratic with stationary points, from its definiteness."""
    if definiteness.startswith("positive"):
        return "minimum"
    if definiteness.startswith("negative"):
        return "maximum"
    return "saddle"


def _size(shape: tuple[int, ...]) -> int:
    """``n`` for a square ``(n, n)`` shape, or an error naming ``A``."""
    if shape[0] != shape[1]:
        raise ValueError(f"A: expected a square matrix; got shape {shape}")
    return shape[0]


_NOT_QUADRATIC = "A: the symmetric part (A + Aᵀ)/2 is zero, so f is not quadratic"


# ---------------------------------------------------------------------- symbolic twin
@dataclass(frozen=True)
class QuadraticExtremumSymbolic:
    r"""Exact classification of a quadratic polynomial and its completed square.

    Attributes
    ----------
    kind
        ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"unbounded"``.
    definiteness
        ``"positive definite"``, ``"negative definite"``, ``"indefinite"``,
        ``"positive semidefinite"`` or ``"negative semidefinite"``.
    point
        $x^*$, the least-norm stationary point (``(n, 1)`` matrix); ``None`` if unbounded.
    value
        $f(x^*)$, the value on every stationary point; ``None`` if unbounded.
    directions
        ``(n, k)`` matrix whose columns span the null space of $A$.
    completed
        $(x - x^*)^\top A (x - x^*) + f(x^*)$ in ``variables``, ``A`` symmetrized;
        ``None`` if unbounded.
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
    A: ExactNumbers, b: ExactNumbers, c: ExactNumber, *, variables: Sequence[sp.Symbol] | None = None
) -> QuadraticExtremumSymbolic:
    r"""Classify $f(x) = x^\top A x + b^\top x + c$ exactly and complete the square.

    The inertia comes from the signs of the coefficients of $\det(\lambda I - S)$
    (Descartes' rule, exact for a symmetric matrix), the solve from ``DomainMatrix``.

    Parameters
    ----------
    A
        ``(n, n)`` coefficients: exact numbers (int, float at its binary value, Fraction,
        ``"p/q"`` or decimal string) or real SymPy expressions, nested or as an array.
    b
        ``n`` linear coefficients (list, array or ``(n, 1)`` matrix).
    c
        Constant term.
    variables
        Symbols for ``completed``; default ``x_1, …, x_n`` (real).

    Returns
    -------
    QuadraticExtremumSymbolic

    Raises
    ------
    TypeError
        Non-numeric entries (``None``, booleans, complex numbers).
    ValueError
        Non-square ``A``, zero symmetric part, ``b`` of the wrong length, infinite or
        non-real entries, or a sign the symbols' assumptions do not decide.

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, 2004, Appendix A.5.4–A.5.5.
    R. A. Horn and C. R. Johnson, *Matrix Analysis*, 2nd ed., 2013, §4.5 (inertia).

    Examples
    --------
    >>> quadratic_extremum_symbolic([[1, 0], [0, 2]], [-2, 4], 1).completed
    (x_1 - 1)**2 + 2*(x_2 + 1)**2 - 2
    """
    S, bv, cv, xs = _exact_inputs(A, b, c, variables)
    n = S.shape[0]
    positive, negative, zero = inertia(S)  # (2)
    definiteness = _definiteness(positive, negative, n)
    N = null_basis(S, zero)
    if not in_range(N.T * bv):  # (3) Nᵀb ≠ 0
        return QuadraticExtremumSymbolic("unbounded", definiteness, None, None, N, None, xs)
    point = solve(S + N * N.T, -bv / 2)  # (4) (S + NNᵀ) x* = −b/2 forces Nᵀx* = 0
    value = sp.factor(sp.cancel((point.T * S * point)[0, 0] + (bv.T * point)[0, 0] + cv))  # (5)
    d = sp.Matrix(xs) - point
    squares = [S[i, i] * d[i] ** 2 for i in range(n)]
    cross = [2 * S[i, j] * (d[i] * d[j]) for i in range(n) for j in range(i + 1, n)]
    completed = sp.Add(*squares, *cross, value)  # (6)
    return QuadraticExtremumSymbolic(_kind(definiteness), definiteness, point, value, N, completed, xs)


def _exact_inputs(
    A: ExactNumbers, b: ExactNumbers, c: ExactNumber, variables: Sequence[sp.Symbol] | None
) -> tuple[sp.Matrix, sp.Matrix, sp.Expr, tuple[sp.Symbol, ...]]:
    """The symmetric part of ``A``, ``b`` as a column, ``c`` and the symbols, all checked."""
    M = exact_matrix(A, "A", symbolic=True)
    n = _size(M.shape)
    bv = sp.Matrix(exact_vector(b, "b", length=n, symbolic=True))
    cv = exact(c, "c", symbolic=True)
    for values, name in ((M, "A"), (list(bv), "b"), (cv, "c")):
        require_real(values, name)
    xs = as_symbols(variables, length=n) if variables is not None else sp.symbols(f"x_1:{n + 1}", real=True)
    S = ((M + M.T) / 2).applyfunc(sp.cancel)  # (1)
    if all(e.is_zero for e in S):
        raise ValueError(_NOT_QUADRATIC)
    return S, bv, cv, tuple(xs)


# ---------------------------------------------------------------------- numeric twin
@dataclass(frozen=True)
class CompletedSquare:
    r"""The completed square $g(x) = (x - x^*)^\top A (x - x^*) + f^*$, callable on ``(..., n)`` arrays.

    Attributes
    ----------
    matrix
        The symmetrized $A$, shape ``(n, n)``.
    center
        $x^*$, shape ``(n,)``.
    offset
        $f^* = f(x^*)$.
    """

    matrix: NDArray[np.float64]
    center: NDArray[np.float64]
    offset: float

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        n = self.center.shape[0]
        arr = as_array(x, "x")
        if arr.shape[-1] != n:
            raise ValueError(f"x: expected shape (..., {n}); got shape {arr.shape}")
        d = arr - self.center
        return np.asarray(np.einsum("...i,ij,...j->...", d, self.matrix, d) + self.offset)  # (6)


@dataclass(frozen=True)
class QuadraticExtremum:
    """Float64 classification of a quadratic polynomial and its completed square.

    Attributes
    ----------
    kind, definiteness
        As in `QuadraticExtremumSymbolic`, decided with the rank tolerance.
    point
        Least-norm stationary point, shape ``(n,)``; ``None`` if unbounded.
    value
        $f$ at ``point`` (and on every stationary point); ``None`` if unbounded.
    directions
        ``(n, k)`` orthonormal basis of the numerical null space of $A$.
    completed
        `CompletedSquare`; ``None`` if unbounded.
    """

    kind: Kind
    definiteness: Definiteness
    point: NDArray[np.float64] | None
    value: float | None
    directions: NDArray[np.float64]
    completed: CompletedSquare | None


def quadratic_extremum(A: ArrayLike, b: ArrayLike, c: float, *, method: str = "auto") -> QuadraticExtremum:
    r"""Classify $f(x) = x^\top A x + b^\top x + c$ in float64 and complete the square.

    From one ``numpy.linalg.eigh``: an eigenvalue counts as zero when
    $|\lambda_i| \le n\,\varepsilon\,\lVert A\rVert_2$ (NumPy's rank rule), and $b$ as
    in the range when $\lVert N^\top b\rVert \le n\,\varepsilon\,(\lVert A\rVert_2/g)\,\lVert b\rVert$,
    $g$ the smallest nonzero $|\lambda_i|$; the page explains both. With ``method="auto"``
    a definite $\pm A$ is first certified and solved by two Cholesky factorizations
    (:mod:`refalgo.calculus._engine.definite`), and any other $A$ with $n \le 64$ whose
    eigenvalues are certified away from zero by two shifted Bunch–Kaufman LDLᵀ factorizations
    (:mod:`refalgo.calculus._engine.indefinite`, Sylvester's law of inertia); both give the
    same classification as ``eigh`` without eigenvectors. Every other matrix goes on to ``eigh``.

    Parameters
    ----------
    A
        ``(n, n)`` real coefficients; symmetrized, must not be zero then.
    b
        Shape ``(n,)`` linear coefficients.
    c
        Constant term.
    method
        ``"auto"`` (Cholesky when $\pm A$ is certified definite, LDLᵀ when the inertia is
        certified with no zero eigenvalue, else ``eigh``) or ``"eigh"``
        (always the eigendecomposition below).

    Returns
    -------
    QuadraticExtremum

    Raises
    ------
    TypeError
        Non-numeric or complex input.
    ValueError
        Empty or non-square ``A``, zero symmetric part, ``b`` of the wrong shape, NaN or inf,
        an unknown ``method``.

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, 2004, Appendix A.5.4.
    G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013, §5.5 and §8.6.

    Examples
    --------
    >>> r = quadratic_extremum([[1.0, 0.0], [0.0, 2.0]], [-2.0, 4.0], 1.0)
    >>> r.kind, r.point.tolist(), r.value
    ('minimum', [1.0, -1.0], -2.0)
    """
    if method not in ("auto", "eigh"):
        raise ValueError(f"method: expected 'auto' or 'eigh'; got {method!r}")
    fast = _certified_definite(A, b, c) if method == "auto" else None
    if fast is not None:
        return fast
    M = as_array(A, "A", ndim=2)
    n = _size(M.shape)
    bv = as_array(b, "b", shape=(n,))
    cv = as_real(c, "c")
    S = M / 2 + M.T / 2  # (1), halves first: A + Aᵀ could overflow
    if not np.any(S):
        raise ValueError(_NOT_QUADRATIC)
    w, V = np.linalg.eigh(S)
    norm = float(np.max(np.abs(w)))
    tol = n * _EPS * norm
    zero = np.abs(w) <= tol
    definiteness = _definiteness(int(np.sum(w > tol)), int(np.sum(w < -tol)), n)  # (2)
    N = V[:, zero]
    gap = float(np.min(np.abs(w[~zero])))
    if np.linalg.norm(N.T @ bv) > n * _EPS * (norm / gap) * np.linalg.norm(bv):  # (3) Nᵀb ≠ 0
        return QuadraticExtremum("unbounded", definiteness, None, None, N, None)
    kept = V[:, ~zero]
    point: NDArray[np.float64] = kept @ ((kept.T @ bv) / w[~zero]) / -2  # (4) x* = −½ Σ v_i v_iᵀ b / λ_i
    value = float(cv + bv @ point / 2)  # (5) f(x*) = c + ½ bᵀx*
    return QuadraticExtremum(_kind(definiteness), definiteness, point, value, N, CompletedSquare(S, point, value))


def _certified_definite(A: ArrayLike, b: ArrayLike, c: float) -> QuadraticExtremum | None:
    """The fast paths for plain float64 inputs: Cholesky for a certified definite ±S, else LDLᵀ for a certified nonsingular S; ``None`` otherwise."""
    inputs = plain_inputs(A, b, c)
    if inputs is None:
        return None
    M, bv, cv = inputs
    n = M.shape[0]
    compiled = symmetric_part(M) if n <= MAX_N else None  # S, and LDLᵀ's shifted matrices, in one pass
    if compiled is None:
        S = M / 2 + M.T / 2  # (1)
        diagonal = S.diagonal()
        one_sign, prepared = bool(diagonal.min() > 0 if diagonal[0] > 0 else diagonal.max() < 0), None
    else:
        S, one_sign, prepared = compiled  # (1)
    # a definite ±S has a diagonal of one sign: with both signs there, go straight to LDLᵀ
    definite = definite_point(S, bv) if one_sign else None
    if definite is not None:
        sign, x = definite  # inertia (n, 0, 0) or (0, n, 0): no null space, x* = −½ S⁻¹b  (2)–(4)
        positive, negative = (n, 0) if sign > 0 else (0, n)
    else:
        indefinite = indefinite_point(S, bv, prepared)  # inertia (n₊, n₋, 0) certified by LDLᵀ  (2)–(4)
        if indefinite is None:
            return None
        positive, negative, x = indefinite
    value = float(cv + bv @ x / 2)  # (5)
    if not math.isfinite(value):  # NaN or inf in b or c: the checks of the eigh path name it
        return None
    definiteness = _definiteness(positive, negative, n)
    return QuadraticExtremum(_kind(definiteness), definiteness, x, value, np.zeros((n, 0)), CompletedSquare(S, x, value))


# ---------------------------------------------------------------------- derivations
def _minimum_value() -> Derivation:
    A, _ = symmetric_matrix(2)
    b = sp.symbols("b_1:3", real=True)
    c = sp.Symbol("c", real=True)
    p = sp.symbols("x^*_1:3", real=True)
    det, adj = A.det(), A.adjugate()
    star = {p[i]: sp.together(-(adj[i, 0] * b[0] + adj[i, 1] * b[1]) / (2 * det)) for i in range(2)}
    btx = b[0] * p[0] + b[1] * p[1]
    return Derivation(
        "The value at the stationary point is c − ¼bᵀA⁻¹b (2×2)",
        [
            Step(bilinear(A, p) + btx + c, "definition of f"),
            Step(sp.Add(-btx / 2, btx, c, evaluate=False), r"$Ax^* = -b/2$, so $x^{*\top} A x^* = -\tfrac12 b^\top x^*$"),
            Step(c + btx / 2, "collect", display=r"c + \tfrac12 (b_1 x^*_1 + b_2 x^*_2)"),
            Step(c - bilinear(adj, b) / (4 * det), r"$x^* = -\tfrac12 A^{-1} b$ with $A^{-1} = \operatorname{adj} A / \det A$"),
        ],
        assumptions=Assumptions.of(sp.Ne(det, 0), matrices={A: "symmetric"}),
        where=star,
        lhs_latex="f(x^*)",
        names={p[0]: r"x^*_1", p[1]: r"x^*_2"},
    )


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivation of this module: the value at the stationary point, (5).

    Returns
    -------
    tuple of Derivation
        $f(x^*) = c - \tfrac14 b^\top A^{-1} b$ for a symmetric invertible 2×2 $A$. Completing
        the square, (6), is derived in :func:`refalgo.calculus.quadratic_form.derivations`.

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, 2004, Appendix A.5.4.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven']
    """
    return (_minimum_value(),)


# ---------------------------------------------------------------------- registry
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
    if (exact.point is None) != (numeric.point is None):
        raise AssertionError(f"{where}: only the {'numeric' if exact.point is None else 'exact'} twin found a stationary point")
    if exact.point is None or exact.value is None or exact.completed is None:
        return
    assert numeric.point is not None and numeric.value is not None and numeric.completed is not None
    _close(tol, [float(v) for v in exact.point], numeric.point, f"{where} point")
    _close(tol, [float(exact.value)], [numeric.value], f"{where} value")
    probe = [sp.Integer(v) for v in (2, -1, 3)[: len(exact.variables)]]
    at = float(exact.completed.subs(dict(zip(exact.variables, probe))))
    _close(tol, [at], numeric.completed(np.array(probe, dtype=np.float64)).reshape(1), f"{where} completed square")


def _close(tol: Tolerance, exact: ArrayLike, numeric: ArrayLike, what: str) -> None:
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
        inputs=quadratic_examples,
        tolerance=QUADRATIC_TOLERANCE,
        references=(
            "S. Boyd and L. Vandenberghe, Convex Optimization, 2004, Appendix A.5.4–A.5.5",
            "R. A. Horn and C. R. Johnson, Matrix Analysis, 2nd ed., 2013, §4.5 (inertia)",
        ),
        page="calculus/quadratic-forms.md",
        compare=_compare,
    ),
)

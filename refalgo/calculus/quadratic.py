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

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import NDArray
from sympy.polys.matrices import DomainMatrix

from .._exact import exact
from .._validate import as_array, as_real
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance

__all__ = [
    "CompletedSquare",
    "QuadraticExtremum",
    "QuadraticExtremumSymbolic",
    "QuadraticForm",
    "derivations",
    "quadratic_extremum",
    "quadratic_extremum_symbolic",
    "quadratic_form_symbolic",
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
class QuadraticForm(NamedTuple):
    r"""The coefficients of $f(x) = x^\top A x + b^\top x + c$ with ``A`` symmetric.

    Attributes
    ----------
    A
        Symmetric ``(n, n)`` ``sympy.Matrix``; $A_{ii}$ is the coefficient of
        $x_i^2$ and $A_{ij} = A_{ji}$ half that of $x_i x_j$.
    b
        ``(n, 1)`` ``sympy.Matrix`` of the linear coefficients.
    c
        The constant term.
    """

    A: sp.Matrix
    b: sp.Matrix
    c: sp.Expr


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


def _exact_entry(v: Any, where: str) -> sp.Expr:
    """One coefficient as an exact SymPy expression known to be real, or a clear error."""
    value = exact(v, where, symbolic=True)
    if value.is_extended_real is not True:
        raise ValueError(
            f"{where}: expected a real value; {value} is not known to be real (declare its symbols real=True)"
        )
    return value


def _rows(x: Any, name: str) -> list[list[Any]]:
    """``x`` as a list of rows, or a clear error."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name}: expected a square matrix of numbers; got {type(x).__name__} {x!r}")
    if isinstance(x, sp.MatrixBase):
        return x.tolist()
    try:
        rows = list(x)
        return [list(r) for r in rows]
    except TypeError:
        raise ValueError(f"{name}: expected a square matrix (a sequence of rows); got {type(x).__name__} {x!r}") from None


def _exact_matrix(A: Any) -> sp.Matrix:
    """``A`` as a square nonempty exact matrix (not yet symmetrized)."""
    rows = _rows(A, "A")
    n = len(rows)
    if n == 0 or any(len(r) != n for r in rows):
        got = f"{n} rows of lengths {[len(r) for r in rows]}" if n else "no rows"
        raise ValueError(f"A: expected a nonempty square matrix; got {got}")
    return sp.Matrix(n, n, lambda i, j: _exact_entry(rows[i][j], f"A[{i}, {j}]"))


def _exact_vector(b: Any, n: int) -> sp.Matrix:
    """``b`` as an exact ``(n, 1)`` column, or a clear error."""
    if isinstance(b, (str, bytes)) or b is None:
        raise TypeError(f"b: expected {n} numbers; got {type(b).__name__} {b!r}")
    if isinstance(b, sp.MatrixBase) and 1 not in b.shape:
        raise ValueError(f"b: expected a vector of length {n}; got a matrix of shape {b.shape}")
    try:
        flat = list(b)
    except TypeError:
        raise TypeError(f"b: expected {n} numbers; got {type(b).__name__} {b!r}") from None
    if len(flat) != n:
        raise ValueError(f"b: expected a vector of length {n} to match A ({n}×{n}); got length {len(flat)}")
    return sp.Matrix([_exact_entry(v, f"b[{k}]") for k, v in enumerate(flat)])


def _undecided(what: str, value: sp.Expr, name: str = "A") -> ValueError:
    return ValueError(
        f"{name}: cannot decide the sign of {what} = {value} from the assumptions on its symbols; "
        "declare them positive/negative/nonzero, or substitute numbers"
    )


def _simplest(value: sp.Expr) -> sp.Expr:
    """``value`` itself if rational, else factored (so that SymPy's sign assumptions apply)."""
    return value if value.is_Rational else sp.factor(sp.cancel(value))


def _possible_signs(value: sp.Expr) -> tuple[int, ...]:
    """The signs ``value`` may have under its symbols' assumptions (all three if unknown)."""
    v = _simplest(value)
    for sign, known in ((0, v.is_zero), (1, v.is_positive), (-1, v.is_negative)):
        if known:
            return (sign,)
    options = [s for s, excluded in ((0, v.is_nonzero), (1, v.is_nonpositive), (-1, v.is_nonnegative)) if not excluded]
    return tuple(options)


def _changes(signs: Sequence[int]) -> int:
    nonzero = [s for s in signs if s != 0]
    return sum(1 for p, q in zip(nonzero, nonzero[1:]) if p != q)


def _inertia_of_signs(signs: Sequence[int]) -> tuple[int, int, int]:
    """(positive, negative, zero) roots of a real-rooted polynomial from its coefficient signs (p_n … p_0)."""
    n = len(signs) - 1
    zero = next(k for k in range(n + 1) if signs[n - k] != 0)
    return _changes(signs), _changes([s * (-1) ** (n - i) for i, s in enumerate(signs)]), zero


def _inertia(S: sp.Matrix) -> tuple[int, int, int]:
    r"""(positive, negative, zero) eigenvalue counts of symmetric ``S``, exactly.

    With $\det(\lambda I - S) = \sum_k p_k \lambda^k$, the zero eigenvalues are the
    lowest power with $p_k \ne 0$, the positive ones the sign changes of
    $(p_n, \dots, p_0)$ and the negative ones those of $((-1)^k p_k)$
    (Descartes' rule, exact for real-rooted polynomials). A coefficient whose sign the
    assumptions leave open is tried with each sign it may have; the inertia is decided
    when every combination gives the same counts.
    """
    dm = DomainMatrix.from_Matrix(S)
    coeffs = [dm.domain.to_sympy(p) for p in dm.charpoly()]  # p_n (= 1), ..., p_0
    options = [_possible_signs(p) for p in coeffs]
    open_ = [i for i, o in enumerate(options) if len(o) > 1]
    if len(open_) > 6:
        i = open_[0]
        raise _undecided(f"the coefficient of λ^{len(coeffs) - 1 - i} in det(λI − A)", coeffs[i])
    outcomes = {_inertia_of_signs(signs) for signs in itertools.product(*options)}
    if len(outcomes) != 1:
        i = open_[0]
        raise _undecided(f"the coefficient of λ^{len(coeffs) - 1 - i} in det(λI − A)", sp.factor(coeffs[i]))
    return outcomes.pop()


def _in_range(residual: sp.Matrix) -> bool:
    """Whether ``b`` is in range(A), from ``residual = Nᵀb``: yes iff every entry is 0."""
    options = [_possible_signs(r) for r in residual]
    if any(0 not in o for o in options):
        return False  # one entry is nonzero whatever the symbols are
    if all(o == (0,) for o in options):
        return True
    k = next(k for k, o in enumerate(options) if o != (0,))
    raise _undecided(f"(Nᵀb)[{k}], b's component along the null space of A", _simplest(residual[k]), "b")


def _null_basis(S: sp.Matrix, k: int) -> sp.Matrix:
    """``(n, k)`` basis of the null space of ``S`` (``k`` known from the inertia)."""
    n = S.shape[0]
    if k == 0:
        return sp.zeros(n, 0)
    rows = DomainMatrix.from_Matrix(S).to_field().nullspace().to_Matrix()
    if rows.shape[0] != k:
        raise ValueError(
            f"A: the characteristic polynomial gives {k} zero eigenvalues but elimination finds a "
            f"null space of dimension {rows.shape[0]}; the rank depends on the values of the symbols"
        )
    return rows.T.applyfunc(sp.cancel)


def _solve(M: sp.Matrix, rhs: sp.Matrix) -> sp.Matrix:
    """The solution of ``M x = rhs`` for invertible ``M``, with DomainMatrix over a field."""
    dm, dr = DomainMatrix.from_Matrix(M).unify(DomainMatrix.from_Matrix(rhs))
    return dm.to_field().lu_solve(dr.to_field()).to_Matrix().applyfunc(sp.cancel)


def quadratic_form_symbolic(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> QuadraticForm:
    r"""The coefficients ``(A, b, c)`` of a polynomial of degree exactly 2 in ``variables``.

    Parameters
    ----------
    expr
        A SymPy expression, polynomial of total degree 2 in ``variables``; other
        symbols are parameters and may appear in the coefficients.
    variables
        The distinct SymPy symbols $x_1, \dots, x_n$.

    Returns
    -------
    QuadraticForm
        ``A`` symmetric ``(n, n)``, ``b`` ``(n, 1)`` and ``c`` with
        ``expr == x.T*A*x + b.T*x + c``.

    Raises
    ------
    TypeError
        If ``expr`` is not a SymPy expression or a variable is not a symbol.
    ValueError
        If ``variables`` is empty or repeats a symbol, or ``expr`` is not a polynomial
        of degree exactly 2 in them.

    Notes
    -----
    $A_{ii}$ is the coefficient of $x_i^2$; the coefficient $a$ of
    $x_i x_j$ ($i \ne j$) is split evenly, $A_{ij} = A_{ji} = a/2$.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> quadratic_form_symbolic(x**2 + 3*x*y - y + 5, [x, y])
    QuadraticForm(A=Matrix([
    [  1, 3/2],
    [3/2,   0]]), b=Matrix([
    [ 0],
    [-1]]), c=5)
    """
    xs = _check_variables(variables)
    if not isinstance(expr, sp.Expr):
        raise TypeError(f"expr: expected a SymPy expression; got {type(expr).__name__} {expr!r}")
    try:
        poly = sp.Poly(expr, *xs)
    except sp.PolynomialError as exc:
        raise ValueError(f"expr: expected a polynomial in {list(xs)}; got {expr} ({exc})") from None
    if poly.total_degree() != 2:
        raise ValueError(f"expr: expected a polynomial of degree exactly 2 in {list(xs)}; got degree {poly.total_degree()}")
    n = len(xs)

    def coeff(powers: list[int]) -> sp.Expr:
        return poly.coeff_monomial(tuple(powers))

    def unit(*idx: int) -> list[int]:
        return [sum(1 for i in idx if i == k) for k in range(n)]

    A = sp.Matrix(n, n, lambda i, j: coeff(unit(i, j)) / (1 if i == j else 2))
    b = sp.Matrix([coeff(unit(k)) for k in range(n)])
    return QuadraticForm(A, b, coeff([0] * n))


def _check_variables(variables: Any) -> tuple[sp.Symbol, ...]:
    if isinstance(variables, (str, bytes)):
        raise TypeError(f"variables: expected a sequence of SymPy symbols; got {variables!r}")
    xs = tuple(variables)
    if not xs:
        raise ValueError("variables: expected at least one symbol; got none")
    for k, v in enumerate(xs):
        if not isinstance(v, sp.Symbol):
            raise TypeError(f"variables[{k}]: expected a SymPy Symbol; got {type(v).__name__} {v!r}")
    if len(set(xs)) != len(xs):
        raise ValueError(f"variables: expected distinct symbols; got {list(xs)}")
    return xs


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
    A0 = _exact_matrix(A)
    n = A0.shape[0]
    bv = _exact_vector(b, n)
    cv = _exact_entry(c, "c")
    xs = _check_variables(variables) if variables is not None else sp.symbols(f"x_1:{n + 1}", real=True)
    if len(xs) != n:
        raise ValueError(f"variables: expected {n} symbols to match A ({n}×{n}); got {len(xs)}")
    S = ((A0 + A0.T) / 2).applyfunc(sp.cancel)
    if all(e.is_zero for e in S):
        raise ValueError("A: the symmetric part (A + Aᵀ)/2 is zero, so f is not quadratic")
    positive, negative, zero = _inertia(S)
    definiteness = _definiteness(positive, negative, n)
    N = _null_basis(S, zero)
    stationary = _in_range(N.T * bv)
    if not stationary:
        return QuadraticExtremumSymbolic("unbounded", definiteness, None, None, N, None, tuple(xs))
    point = _solve(S + N * N.T, -bv / 2)
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


# ---------------------------------------------------------------------- derivations
def _symmetric(n: int) -> tuple[sp.ImmutableMatrix, tuple[sp.Symbol, ...]]:
    """A symmetric ``n × n`` matrix of real symbols a_ij (i <= j) and the vector x."""
    a = {(i, j): sp.Symbol(f"a_{{{i + 1}{j + 1}}}", real=True) for i in range(n) for j in range(i, n)}
    A = sp.ImmutableMatrix(n, n, lambda i, j: a[(min(i, j), max(i, j))])
    return A, sp.symbols(f"x_1:{n + 1}", real=True)


def _quad(A: sp.MatrixBase, u: Sequence[sp.Expr], v: Sequence[sp.Expr] | None = None) -> sp.Expr:
    """$u^T A v$ as a scalar sum (``v = u`` by default)."""
    v = u if v is None else v
    n = A.shape[0]
    return sp.Add(*(A[i, j] * u[i] * v[j] for i in range(n) for j in range(n)))


def _symmetrization() -> Derivation:
    n = 2
    a = sp.ImmutableMatrix(n, n, lambda i, j: sp.Symbol(f"a_{{{i + 1}{j + 1}}}", real=True))
    x = sp.symbols(f"x_1:{n + 1}", real=True)
    half = {(i, j): sp.Symbol(f"s_{{{i + 1}{j + 1}}}", real=True) for i in range(n) for j in range(i, n)}
    s = sp.ImmutableMatrix(n, n, lambda i, j: half[(min(i, j), max(i, j))])
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    grouped = sp.Add(*(a[i, i] * x[i] ** 2 for i in range(n))) + sp.Add(*((a[i, j] + a[j, i]) * x[i] * x[j] for i, j in pairs))
    return Derivation(
        "Only the symmetric part of A counts (2×2, A not symmetric)",
        [
            Step(_quad(a, x), "expand the product"),
            Step(grouped, "x1 x2 = x2 x1, so only a12 + a21 multiplies x1 x2"),
            Step(_quad(s, x), "split a12 + a21 evenly between the two positions"),
        ],
        where={half[(i, j)]: (a[i, j] + a[j, i]) / 2 for i, j in half},
        lhs_latex=r"x^\top A x",
    )


def _completed_square_2x2() -> Derivation:
    A, x = _symmetric(2)
    b = sp.symbols("b_1:3", real=True)
    c, fs = sp.Symbol("c", real=True), sp.Symbol("f^*", real=True)
    p = sp.symbols("x^*_1:3", real=True)
    det = A.det()
    adj = A.adjugate()
    star = [sp.together(-(adj[i, 0] * b[0] + adj[i, 1] * b[1]) / (2 * det)) for i in range(2)]
    linear = sp.Add(*(sp.Add(*(A[i, j] * p[j] for j in range(2))) * x[i] for i in range(2)))
    return Derivation(
        "Completing the square, 2×2, about the stationary point −½A⁻¹b",
        [
            Step(_quad(A, [x[i] - p[i] for i in range(2)]) + fs, "definition"),
            Step(_quad(A, x) - 2 * linear + _quad(A, p) + fs, "expand; A symmetric, so the cross terms are 2 (Ax*)ᵀx"),
            Step(_quad(A, x) + b[0] * x[0] + b[1] * x[1] + c, "−2Ax* = b and f* = c − x*ᵀAx* = c − ¼bᵀA⁻¹b"),
        ],
        assumptions=Assumptions.of(sp.Ne(det, 0), matrices={A: "symmetric"}),
        where={p[0]: star[0], p[1]: star[1], fs: c - _quad(adj, b) / (4 * det)},
        lhs_latex=r"(x - x^*)^\top A (x - x^*) + f(x^*)",
    )


def _completed_square_3x3() -> Derivation:
    A, x = _symmetric(3)
    b = sp.symbols("b_1:4", real=True)
    c, fs = sp.Symbol("c", real=True), sp.Symbol("f^*", real=True)
    p = sp.symbols("x^*_1:4", real=True)
    Ap = [sp.Add(*(A[i, j] * p[j] for j in range(3))) for i in range(3)]
    return Derivation(
        "Completing the square, 3×3, about any solution of 2Ax + b = 0",
        [
            Step(_quad(A, [x[i] - p[i] for i in range(3)]) + fs, "definition"),
            Step(_quad(A, x) - 2 * sp.Add(*(Ap[i] * x[i] for i in range(3))) + _quad(A, p) + fs, "expand; A symmetric"),
            Step(_quad(A, x) + sp.Add(*(b[i] * x[i] for i in range(3))) + c, "b = −2Ax* and f* = c − x*ᵀAx*"),
        ],
        assumptions=Assumptions.of(matrices={A: "symmetric"}),
        where={**{b[i]: -2 * Ap[i] for i in range(3)}, fs: c - _quad(A, p)},
        lhs_latex=r"(x - x^*)^\top A (x - x^*) + f(x^*)",
    )


def _stationary_point() -> Derivation:
    A, x = _symmetric(2)
    X, b = sp.ImmutableMatrix(x), sp.ImmutableMatrix(sp.symbols("b_1:3", real=True))
    inverse = A.adjugate() / A.det()
    star = (-inverse * b / 2).applyfunc(sp.together)
    zero = sp.ImmutableMatrix([0, 0])
    return Derivation(
        "The stationary point: ∇f = 2Ax + b = 0 ⇔ x = −½A⁻¹b (2×2)",
        [
            Step(sp.Eq(2 * A * X + b, zero, evaluate=False), "∇f(x) = (A + Aᵀ)x + b = 2Ax + b; set it to 0"),
            Step(sp.Eq(A * X, -b / 2, evaluate=False), "halve both sides", factor=sp.Rational(1, 2)),
            Step(sp.Eq(X, star, evaluate=False), "multiply by A⁻¹ = adj A / det A (undone by multiplying by A)", factor=inverse),
        ],
        assumptions=Assumptions.of(sp.Ne(A.det(), 0), matrices={A: "symmetric"}),
    )


def _minimum_value() -> Derivation:
    A, _ = _symmetric(2)
    b = sp.symbols("b_1:3", real=True)
    c = sp.Symbol("c", real=True)
    p = sp.symbols("x^*_1:3", real=True)
    det, adj = A.det(), A.adjugate()
    star = {p[i]: sp.together(-(adj[i, 0] * b[0] + adj[i, 1] * b[1]) / (2 * det)) for i in range(2)}
    btx = b[0] * p[0] + b[1] * p[1]
    return Derivation(
        "The value at the stationary point is c − ¼bᵀA⁻¹b (2×2)",
        [
            Step(_quad(A, p) + btx + c, "definition of f"),
            Step(sp.Add(-btx / 2, btx, c, evaluate=False), "Ax* = −b/2, so x*ᵀAx* = −½bᵀx*"),
            Step(c + btx / 2, "collect"),
            Step(c - _quad(adj, b) / (4 * det), "x* = −½A⁻¹b with A⁻¹ = adj A / det A"),
        ],
        assumptions=Assumptions.of(sp.Ne(det, 0), matrices={A: "symmetric"}),
        where=star,
        lhs_latex="f(x^*)",
    )


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations of the page: symmetrization, stationary point, value, completed square.

    Returns
    -------
    tuple of Derivation
        (1) $x^\top A x = x^\top \tfrac{A + A^\top}{2} x$ for a general 2×2 $A$;
        (2) $2Ax + b = 0 \Leftrightarrow x = -\tfrac12 A^{-1} b$ (equation chain, 2×2);
        (3) $f(x^*) = c - \tfrac14 b^\top A^{-1} b$ (2×2);
        (4) $(x - x^*)^\top A (x - x^*) + f(x^*) = x^\top A x + b^\top x + c$ for a
        symmetric invertible 2×2 $A$ with $x^* = -\tfrac12 A^{-1} b$, and
        (5) for a symmetric 3×3 $A$ at any $x^*$ with $2Ax^* + b = 0$
        (singular $A$ included).

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, 2004, Appendix A.5.5.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven', 'proven', 'proven']
    """
    return (_symmetrization(), _stationary_point(), _minimum_value(), _completed_square_2x2(), _completed_square_3x3())


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

"""Exact inputs and exact linear algebra for the symbolic quadratic twins.

Coefficients enter through :func:`refalgo._exact.exact` (floats at their binary value,
decimal and ratio strings as written, real SymPy expressions as they are). The inertia
of a symmetric matrix comes from the signs of its characteristic polynomial's
coefficients (Descartes' rule of signs, exact for real-rooted polynomials); null spaces
and solves use SymPy's ``DomainMatrix`` over the rationals or a field of rational
functions of the symbols.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from .._exact import exact


# ---------------------------------------------------------------------- inputs
def exact_entry(v: Any, where: str) -> sp.Expr:
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


def exact_matrix(A: Any) -> sp.Matrix:
    """``A`` as a square nonempty exact matrix (not yet symmetrized)."""
    rows = _rows(A, "A")
    n = len(rows)
    if n == 0 or any(len(r) != n for r in rows):
        got = f"{n} rows of lengths {[len(r) for r in rows]}" if n else "no rows"
        raise ValueError(f"A: expected a nonempty square matrix; got {got}")
    return sp.Matrix(n, n, lambda i, j: exact_entry(rows[i][j], f"A[{i}, {j}]"))


def exact_vector(b: Any, n: int) -> sp.Matrix:
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
    return sp.Matrix([exact_entry(v, f"b[{k}]") for k, v in enumerate(flat)])


def check_variables(variables: Any) -> tuple[sp.Symbol, ...]:
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


# ---------------------------------------------------------------------- signs and inertia
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


def inertia(S: sp.Matrix) -> tuple[int, int, int]:
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


def in_range(residual: sp.Matrix) -> bool:
    """Whether ``b`` is in range(A), from ``residual = Nᵀb``: yes iff every entry is 0."""
    options = [_possible_signs(r) for r in residual]
    if any(0 not in o for o in options):
        return False  # one entry is nonzero whatever the symbols are
    if all(o == (0,) for o in options):
        return True
    k = next(k for k, o in enumerate(options) if o != (0,))
    raise _undecided(f"(Nᵀb)[{k}], b's component along the null space of A", _simplest(residual[k]), "b")


# ---------------------------------------------------------------------- null space and solve
def null_basis(S: sp.Matrix, k: int) -> sp.Matrix:
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


def solve(M: sp.Matrix, rhs: sp.Matrix) -> sp.Matrix:
    """The solution of ``M x = rhs`` for invertible ``M``, with DomainMatrix over a field."""
    dm, dr = DomainMatrix.from_Matrix(M).unify(DomainMatrix.from_Matrix(rhs))
    return dm.to_field().lu_solve(dr.to_field()).to_Matrix().applyfunc(sp.cancel)

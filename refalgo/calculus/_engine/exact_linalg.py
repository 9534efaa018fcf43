r"""Exact linear algebra for the symbolic quadratic twin: signs, inertia, range, null space, solve.

The inertia of a symmetric matrix comes from the signs of its characteristic polynomial's
coefficients (Descartes' rule of signs, exact for real-rooted polynomials); null spaces
and solves use SymPy's ``DomainMatrix`` over the rationals or a field of rational
functions of the symbols. A sign the symbols' assumptions leave open is tried both ways;
an answer stands only if every way agrees.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import sympy as sp
from sympy.polys.matrices import DomainMatrix


def require_real(values: sp.MatrixBase | Sequence[sp.Expr] | sp.Expr, name: str) -> None:
    """Refuse an entry not known to be real (its sign could not be decided), named as ``name[i, j]``."""
    for idx, value in np.ndenumerate(np.array(values, dtype=object)):
        if sp.S(value).is_extended_real is not True:
            where = f"{name}[{', '.join(map(str, idx))}]" if idx else name
            raise ValueError(f"{where}: expected a real value; {value} is not known to be real (declare its symbols real=True)")


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

    With :math:`\det(\lambda I - S) = \sum_k p_k \lambda^k`, the zero eigenvalues are the
    lowest power with :math:`p_k \ne 0`, the positive ones the sign changes of
    :math:`(p_n, \dots, p_0)` and the negative ones those of :math:`((-1)^k p_k)`.
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

"""Exact and sparse linear algebra under the rl objectives.

Exact: a policy's chain :math:`P_\\pi, r_\\pi` with exact entries, square solves over the
rationals with SymPy's ``DomainMatrix`` (or over rational functions for symbolic entries),
and the dependent columns of an exact matrix. Numeric: the dependent columns of a float
matrix by QR with column pivoting.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sps
import sympy as sp
from numpy.typing import NDArray
from sympy.polys.matrices import DomainMatrix
from sympy.polys.matrices.exceptions import DMNonInvertibleMatrixError

from ..._exact import exact_array
from ...mdp.model import MDP, exact_policy

__all__ = ["dependent_columns", "dependent_columns_exact", "exact_chain", "exact_solve"]


def exact_chain(mdp: MDP, policy: Any) -> tuple[sp.Matrix, sp.Matrix]:
    r"""Exact :math:`P_\pi` (S × S) and :math:`r_\pi` (a column): the model's exact entries, else its floats' binary values."""
    S, A = mdp.n_states, mdp.n_actions
    if mdp.P_exact is not None:
        P = mdp.P_exact
    else:
        dense = mdp.P if not mdp.is_sparse else mdp.P.toarray().reshape(S, A, S)
        P = exact_array(dense, "P")
    R = mdp.R_exact if mdp.R_exact is not None else exact_array(mdp.R, "R")
    pi = exact_policy(policy, mdp)
    P_pi = sp.zeros(S, S)
    r_pi = sp.zeros(S, 1)
    for s, row in enumerate(pi):
        for a, w in row.items():
            r_pi[s] += w * R[s, a]  # r_π(s) = Σ_a π(a|s) r(s, a)
            for t in range(S):
                if P[s, a, t] != 0:
                    P_pi[s, t] += w * P[s, a, t]  # P_π(s, s') = Σ_a π(a|s) p(s'|s, a)
    return P_pi, r_pi


def exact_solve(M: sp.Matrix, b: sp.Matrix, name: str) -> sp.Matrix:
    """Solve ``M x = b`` exactly: LU over QQ for rational entries, else over the fraction field of the symbols."""
    if all(v.is_Rational for v in (*M, *b)):
        dM = DomainMatrix.from_Matrix(M).convert_to(sp.QQ)
        db = DomainMatrix.from_Matrix(b).convert_to(sp.QQ)
    else:
        dM, db = DomainMatrix.from_Matrix(M).to_field().unify(DomainMatrix.from_Matrix(b).to_field())
    try:
        x = dM.lu_solve(db).to_Matrix()
    except DMNonInvertibleMatrixError as exc:
        raise ValueError(f"{name}: the linear system is singular") from exc
    return x if all(v.is_Rational for v in x) else x.applyfunc(sp.factor)


def dependent_columns_exact(M: sp.Matrix) -> list[int]:
    """The columns of an exact matrix that are combinations of earlier ones (the non-pivots of its RREF)."""
    _, pivots = DomainMatrix.from_Matrix(M).to_field().rref()
    return [j for j in range(M.shape[1]) if j not in pivots]


def dependent_columns(M: Any, *, rtol: float = 1e-10) -> NDArray[np.intp]:
    """Columns of a float matrix (dense or sparse) that are combinations of earlier ones, by QR in column order.

    Column ``j`` is dependent when the diagonal entry ``R[j, j]`` of the (unpivoted) QR
    factorisation, the part of column ``j`` outside the span of the earlier columns, is at
    most ``rtol`` times the column's norm. A sparse matrix is judged by its Gram matrix
    :math:`M^\\top M` (columns × columns), whose columns have the same dependencies; the
    tolerance is then ``rtol`` squared.
    """
    gram = sps.issparse(M)
    G = (M.T @ M).toarray() if gram else np.asarray(M, dtype=np.float64)
    if G.shape[1] == 0:
        return np.zeros(0, dtype=np.intp)
    Rf = sla.qr(G, mode="r")[0]
    diag = np.zeros(G.shape[1])
    m = min(Rf.shape)
    diag[:m] = np.abs(np.diag(Rf))
    norms = np.linalg.norm(G, axis=0)
    return np.flatnonzero(diag <= (rtol**2 if gram else rtol) * np.maximum(norms, 1e-300)).astype(np.intp)

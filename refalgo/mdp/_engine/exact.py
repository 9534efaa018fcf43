"""Exact arithmetic under the symbolic twins: exact transitions and rewards, P_π, the linear solve.

A model given exact entries (``Fraction``, SymPy ``Rational``, ``"3/10"``) is read at
those; a float model at its floats' exact binary values (``0.25`` is 1/4, ``0.3`` is not
3/10). Linear systems are solved by LU over the rationals (or rational functions of a
symbolic discount) with SymPy's sparse ``DomainMatrix``.
"""

from __future__ import annotations

from typing import Any

import scipy.sparse as sps
import sympy as sp
from sympy.polys.matrices import DomainMatrix
from sympy.polys.matrices.exceptions import DMNonInvertibleMatrixError

from ..._exact import exact
from .tabular import Tabular


def exact_rewards(mdp: Tabular) -> list[list[sp.Expr]]:
    """``R[s][a]`` exactly: the model's exact entries if it was given them, else its floats' binary values."""
    if mdp.R_exact is not None:
        return [list(row) for row in mdp.R_exact]
    return [[exact(x, f"R[{s}, {a}]") for a, x in enumerate(row)] for s, row in enumerate(mdp.R.tolist())]


def exact_transitions(mdp: Tabular) -> list[dict[int, sp.Expr]]:
    """Row ``s·A + a`` of P as exact {next state: probability}."""
    if mdp.P_exact is not None:
        flat = mdp.P_exact.reshape(mdp.n_states * mdp.n_actions, mdp.n_states)
        return [{t: p for t, p in enumerate(row) if p != 0} for row in flat]
    P2 = sps.csr_array(mdp.transition_matrix())
    out: list[dict[int, sp.Expr]] = []
    for k in range(P2.shape[0]):
        lo, hi = P2.indptr[k], P2.indptr[k + 1]
        out.append({int(j): exact(p, "P") for j, p in zip(P2.indices[lo:hi], P2.data[lo:hi]) if p != 0})
    return out


def exact_policy_model(
    mdp: Tabular, pi: list[dict[int, sp.Expr]], rows: list[dict[int, sp.Expr]] | None = None,
    R: list[list[sp.Expr]] | None = None,
) -> tuple[list[dict[int, sp.Expr]], list[sp.Expr]]:
    """Exact P_π (sparse rows) and r_π; ``rows`` and ``R`` are the exact transitions and rewards if already built."""
    A = mdp.n_actions
    rows = exact_transitions(mdp) if rows is None else rows
    R = exact_rewards(mdp) if R is None else R
    P_pi: list[dict[int, sp.Expr]] = []
    r_pi: list[sp.Expr] = []
    for s, probs in enumerate(pi):
        row: dict[int, sp.Expr] = {}
        for a, w in probs.items():
            for t, p in rows[s * A + a].items():
                row[t] = row.get(t, sp.Integer(0)) + w * p
        P_pi.append(row)
        r_pi.append(sp.Add(*(w * R[s][a] for a, w in probs.items())))
    return P_pi, r_pi


def exact_solve(P_pi: list[dict[int, sp.Expr]], r_pi: list[sp.Expr], gamma: sp.Expr, keep: list[int]) -> dict[int, sp.Expr]:
    """Solve (I - γ P_π) v = r_π on the states ``keep`` (the others have value 0)."""
    pos = {s: i for i, s in enumerate(keep)}
    n = len(keep)
    A: dict[int, dict[int, sp.Expr]] = {i: {i: sp.Integer(1)} for i in range(n)}
    for s in keep:
        for t, p in P_pi[s].items():
            if t in pos:
                A[pos[s]][pos[t]] = A[pos[s]].get(pos[t], sp.Integer(0)) - gamma * p
    b = {i: {0: r_pi[s]} for i, s in enumerate(keep) if r_pi[s] != 0}
    if gamma.is_Rational:
        M = DomainMatrix({i: {j: sp.QQ(v.p, v.q) for j, v in row.items() if v != 0} for i, row in A.items()}, (n, n), sp.QQ)
        rhs = DomainMatrix({i: {0: sp.QQ(v[0].p, v[0].q)} for i, v in b.items()}, (n, 1), sp.QQ)
    else:
        M = DomainMatrix.from_dict_sympy(n, n, A).to_field()
        rhs = DomainMatrix.from_dict_sympy(n, 1, b).convert_to(M.domain)
        M, rhs = M.unify(rhs)
    try:
        sol = _sparse_rref_solve(M, rhs) if prefer_sparse(A, gamma) else M.lu_solve(rhs).to_Matrix()
    except DMNonInvertibleMatrixError as exc:
        raise ValueError(
            "policy: I - gamma·P_pi is singular; with gamma = 1 the policy must reach a terminal state "
            "with probability 1 from every state"
        ) from exc
    return {s: sp.factor(sol[i, 0]) if not gamma.is_Rational else sol[i, 0] for i, s in enumerate(keep)}


def prefer_sparse(A: dict[int, dict[int, sp.Expr]], gamma: sp.Expr) -> bool:
    """Whether sparse Gauss–Jordan elimination should beat dense LU for this system.

    ``lu_solve`` densifies the matrix; sparse elimination keeps the grid-like structure of
    typical models, which pays off while the numbers stay small. With 53-bit binary
    denominators from floats the growth of the numbers dominates, and dense LU (fewer
    operations on them) is faster. Chain-like systems (at most one off-diagonal entry per
    row: deterministic policies in deterministic models) have no fill-in at all.
    """
    if all(len(row) <= 2 for row in A.values()):
        return True
    if not gamma.is_Rational:
        return False
    entries = [v for row in A.values() for v in row.values()]
    return len(entries) <= 8 * len(A) and all(sp.Rational(v).q < 2**32 for v in entries)


def _sparse_rref_solve(M: DomainMatrix, rhs: DomainMatrix) -> sp.Matrix:
    """Solve by sparse Gauss–Jordan elimination on [M | rhs] (see :func:`prefer_sparse`)."""
    n = M.shape[0]
    reduced, pivots = M.hstack(rhs).rref()
    if len(pivots) < n or n in pivots:
        raise DMNonInvertibleMatrixError("singular")
    return reduced[:, n].to_Matrix()

"""Exact arithmetic shared by the symbolic twins: numbers, policies, transitions, the linear solve.

Floats enter SymPy at their exact binary value (``sp.Rational(0.25) == 1/4``), decimal
strings and fractions exactly; linear systems are solved by LU over the rationals (or
rational functions of a symbolic discount) with SymPy's sparse ``DomainMatrix``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import scipy.sparse as sps
import sympy as sp
from sympy.polys.matrices import DomainMatrix
from sympy.polys.matrices.exceptions import DMNonInvertibleMatrixError

from .._exact import exact
from .model import MDP, as_policy


def exact_gamma(mdp: MDP, gamma: Any) -> sp.Expr:
    if gamma is None:
        return mdp.gamma_exact
    if isinstance(gamma, sp.Symbol):
        return gamma
    from .model import _exact_gamma as parse

    return parse(gamma)[1]


def _is_exact_rows(policy: Any) -> bool:
    return (
        isinstance(policy, (list, tuple))
        and len(policy) > 0
        and all(isinstance(r, (list, tuple)) for r in policy)
        and all(isinstance(v, (int, Fraction, sp.Rational)) and not isinstance(v, bool) for r in policy for v in r)
    )


def exact_policy(policy: Any, mdp: MDP) -> list[dict[int, sp.Expr]]:
    """The policy as exact rows {action: probability}; rows of Fractions or Rationals stay exact."""
    if not _is_exact_rows(policy):
        pi = as_policy(policy, mdp)  # floats enter at their exact binary value
        return [
            {a: exact(p, f"policy[{s}, {a}]", symbolic=True) for a, p in enumerate(r) if p != 0}
            for s, r in enumerate(pi.tolist())
        ]
    rows = [[exact(v, f"policy[{s}, {a}]", symbolic=True) for a, v in enumerate(r)] for s, r in enumerate(policy)]
    as_policy(np.array([[float(v) for v in r] for r in rows]), mdp)
    for s, r in enumerate(rows):
        if sp.Add(*r) != 1:
            raise ValueError(f"policy[{s}] sums to {sp.Add(*r)}, expected exactly 1")
    return [{a: p for a, p in enumerate(r) if p != 0} for r in rows]


def exact_transitions(mdp: MDP) -> list[dict[int, sp.Expr]]:
    """Row ``s·A + a`` of P as exact {next state: probability}."""
    P2 = sps.csr_array(mdp.transition_matrix())
    out: list[dict[int, sp.Expr]] = []
    for k in range(P2.shape[0]):
        lo, hi = P2.indptr[k], P2.indptr[k + 1]
        out.append({int(j): sp.Rational(float(p)) for j, p in zip(P2.indices[lo:hi], P2.data[lo:hi]) if p != 0})
    return out


def exact_policy_model(
    mdp: MDP, pi: list[dict[int, sp.Expr]], rows: list[dict[int, sp.Expr]] | None = None
) -> tuple[list[dict[int, sp.Expr]], list[sp.Expr]]:
    """Exact P_π (sparse rows) and r_π; ``rows`` are the exact transitions if already built."""
    A = mdp.n_actions
    rows = exact_transitions(mdp) if rows is None else rows
    P_pi: list[dict[int, sp.Expr]] = []
    r_pi: list[sp.Expr] = []
    for s, probs in enumerate(pi):
        row: dict[int, sp.Expr] = {}
        for a, w in probs.items():
            for t, p in rows[s * A + a].items():
                row[t] = row.get(t, sp.Integer(0)) + w * p
        P_pi.append(row)
        r_pi.append(sp.Add(*(w * sp.Rational(float(mdp.R[s, a])) for a, w in probs.items())))
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
        sol = _sparse_rref_solve(M, rhs) if _prefer_sparse(A, gamma) else M.lu_solve(rhs).to_Matrix()
    except DMNonInvertibleMatrixError as exc:
        raise ValueError(
            "policy: I - gamma·P_pi is singular; with gamma = 1 the policy must reach a terminal state "
            "with probability 1 from every state"
        ) from exc
    return {s: sp.factor(sol[i, 0]) if not gamma.is_Rational else sol[i, 0] for i, s in enumerate(keep)}


def _prefer_sparse(A: dict[int, dict[int, sp.Expr]], gamma: sp.Expr) -> bool:
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
    """Solve by sparse Gauss–Jordan elimination on [M | rhs] (see :func:`_prefer_sparse`)."""
    n = M.shape[0]
    reduced, pivots = M.hstack(rhs).rref()
    if len(pivots) < n or n in pivots:
        raise DMNonInvertibleMatrixError("singular")
    return reduced[:, n].to_Matrix()

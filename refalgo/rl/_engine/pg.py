r"""Machinery of the exact policy gradient: one LU factorisation of :math:`I - \gamma P_\pi` serves two solves.

Only :mod:`refalgo.rl.pg_theorem` imports this module. The values
:math:`v_\pi = (I - \gamma P_\pi)^{-1} r_\pi` and the discounted visitation
:math:`\eta^\top = d_0^\top (I - \gamma P_\pi)^{-1}` solve the same matrix, once as it is
and once transposed; SuperLU (sparse model) or LAPACK (dense model) factors it once.
With :math:`\gamma = 1` both are solved on the non-terminal states only (terminal states
have value 0 and are not counted as visited); a softmax policy gives every action positive
probability, so in a model that accepts :math:`\gamma = 1` it ends every episode.

The exact side builds :math:`P_\pi` and :math:`r_\pi` from the model's exact entries and a
policy whose entries are SymPy expressions (of symbols :math:`\theta`, say) and solves by
LU over the field of those expressions.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sps
import scipy.sparse.linalg as spla
import sympy as sp
from numpy.typing import NDArray
from sympy.polys.matrices import DomainMatrix

from ..._exact import exact_array
from ...mdp.bellman import policy_model
from ...mdp.model import MDP, terminal_states

__all__ = ["Evaluation", "evaluate", "exact_model", "exact_objective", "exact_policy_chain", "inner_states"]


class Evaluation(NamedTuple):
    r"""A policy's values, action values and discounted visitation (float64), from one factorisation."""

    v: NDArray[np.float64]
    q: NDArray[np.float64]
    eta: NDArray[np.float64]


def inner_states(mdp: MDP) -> NDArray[np.intp]:
    """The states the linear systems are solved on: all with gamma < 1, the non-terminal ones with gamma = 1."""
    if mdp.gamma < 1.0:
        return np.arange(mdp.n_states)
    return np.flatnonzero(~terminal_states(mdp))


def _factor(P_pi: Any, gamma: float, idx: NDArray[np.intp]) -> Any:
    """A solver ``solve(b, trans)`` of :math:`(I - \\gamma P_\\pi)` restricted to ``idx`` (``trans`` for the transpose)."""
    n = idx.size
    if sps.issparse(P_pi):
        sub = sps.csr_array(P_pi)[idx][:, idx]
        lu = spla.splu((sps.eye_array(n, format="csc") - gamma * sub).tocsc())
        return lambda b, trans: lu.solve(b, trans="T" if trans else "N")
    lu_piv = sla.lu_factor(np.eye(n) - gamma * np.asarray(P_pi)[np.ix_(idx, idx)], check_finite=False)
    return lambda b, trans: sla.lu_solve(lu_piv, b, trans=1 if trans else 0, check_finite=False)


def evaluate(mdp: MDP, pi: NDArray[np.float64], start: NDArray[np.float64]) -> Evaluation:
    r""":math:`v_\pi`, :math:`q_\pi` and :math:`\eta = (I - \gamma P_\pi)^{-\top} d_0` of a full-support policy ``pi``."""
    S = mdp.n_states
    P_pi, r_pi = policy_model(mdp, pi)
    idx = inner_states(mdp)
    v = np.zeros(S)
    eta = np.zeros(S)
    if idx.size:
        solve = _factor(P_pi, mdp.gamma, idx)
        v[idx] = solve(r_pi[idx], False)  # (I − γP_π) v = r_π
        eta[idx] = solve(start[idx], True)  # (I − γP_π)ᵀ η = d_0
    q = mdp.R + mdp.gamma * np.asarray(mdp.transition_matrix() @ v).reshape(S, mdp.n_actions)  # q = r + γ P v
    return Evaluation(v, q, eta)


def exact_model(mdp: MDP) -> tuple[NDArray[Any], NDArray[Any]]:
    """The model's exact ``P[s, a, s']`` and ``R[s, a]``: its exact entries if it was given them, else its floats' binary values."""
    S, A = mdp.n_states, mdp.n_actions
    if mdp.P_exact is not None:
        P = mdp.P_exact
    else:
        P = exact_array(mdp.P if not mdp.is_sparse else mdp.P.toarray().reshape(S, A, S), "P")
    R = mdp.R_exact if mdp.R_exact is not None else exact_array(mdp.R, "R")
    return P, R


def exact_policy_chain(mdp: MDP, pi: sp.Matrix) -> tuple[sp.Matrix, sp.Matrix]:
    r"""Exact :math:`P_\pi` and :math:`r_\pi` of a policy whose entries are SymPy expressions (not checked to sum to 1)."""
    P, R = exact_model(mdp)
    S, A = mdp.n_states, mdp.n_actions
    P_pi = sp.zeros(S, S)
    r_pi = sp.zeros(S, 1)
    for s in range(S):
        r_pi[s] = sp.Add(*[pi[s, a] * R[s, a] for a in range(A)])  # r_π(s) = Σ_a π(a|s) r(s, a)
        for t in range(S):
            P_pi[s, t] = sp.Add(*[pi[s, a] * P[s, a, t] for a in range(A) if P[s, a, t] != 0])
    return P_pi, r_pi


def exact_objective(mdp: MDP, pi: sp.Matrix, d0: list[Any]) -> tuple[Any, Any]:
    r""":math:`J = d_0^\top (I - \gamma P_\pi)^{-1} r_\pi` as one element of the field ``K`` of the policy's symbols (LU over ``K``).

    Returns ``(J, K)``: ``J`` can be differentiated in ``K`` (``J.diff(K.convert(x))``) and
    converted back by ``K.to_sympy``; nothing is simplified on the way.
    """
    P_pi, r_pi = exact_policy_chain(mdp, pi)
    idx = [int(s) for s in inner_states(mdp)]
    if not idx:
        return sp.QQ.zero, sp.QQ
    M = sp.eye(len(idx)) - mdp.gamma_exact * P_pi.extract(idx, idx)
    b = r_pi.extract(idx, [0])
    row = sp.Matrix([[d0[s] for s in idx]])
    dM, db, dd = (DomainMatrix.from_Matrix(X) for X in (M, b, row))
    dM, db = dM.to_field().unify(db.to_field())
    dd = dd.convert_to(dM.domain)
    v = dM.lu_solve(db)  # (I − γP_π) v = r_π over K
    return (dd * v).rep.to_ddm()[0][0], dM.domain  # J = d_0ᵀ v, the one entry of a 1 × 1 product

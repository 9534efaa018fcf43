r"""Policy iteration and truncated policy iteration (策略迭代, 截断策略迭代).

Policy iteration alternates exact evaluation :math:`v_k = (I - \gamma P_{\pi_k})^{-1}
r_{\pi_k}` with greedy improvement :math:`\pi_{k+1}(s) \in \arg\max_a q_k(s, a)`;
truncated policy iteration replaces the exact evaluation by a fixed number of sweeps
:math:`v \leftarrow r_\pi + \gamma P_\pi v`. Both return a
:class:`~refalgo.mdp.optimal.Solution`; the exact counterpart is
:func:`~refalgo.mdp.optimal.optimal_values_symbolic`.

Tie rule: improvement keeps the current action unless another is better by more than
``1e-10·(1 + max|q|)``, so rounding cannot make the loop cycle between tied actions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._validate import as_array, as_positive
from .bellman import policy_model
from .model import MDP, proper_policy
from .optimal import Solution, _q, _start
from .values import _direct

__all__ = ["policy_iteration", "truncated_policy_iteration"]

_SWITCH_RTOL = 1e-10


def _improve(q: NDArray[np.float64], policy: NDArray[np.intp]) -> NDArray[np.intp]:
    """Greedy improvement that keeps the current action unless another is clearly better."""
    best = np.argmax(q, axis=1)
    rows = np.arange(q.shape[0])
    slack = _SWITCH_RTOL * (1.0 + float(np.max(np.abs(q))))
    keep = q[rows, policy] >= q[rows, best] - slack
    return np.where(keep, policy, best)


def policy_iteration(mdp: MDP, *, policy0: Any = None, max_iter: int = 10_000, record: bool = False) -> Solution:
    r"""Policy iteration: evaluate exactly, improve greedily, stop when the policy is stable.

    Parameters
    ----------
    mdp
        The model (dense or sparse).
    policy0
        Initial deterministic policy (``S`` action indices). Default: all zeros for
        :math:`\gamma < 1`; with :math:`\gamma = 1`, a proper policy
        (:func:`~refalgo.mdp.model.proper_policy`), since evaluation needs one.
    max_iter
        Safety limit on improvement steps.
    record
        Keep the value of every evaluated policy in ``history``.

    Returns
    -------
    Solution
        Optimal values and policy (``bound`` 0: exact up to rounding).

    Raises
    ------
    ValueError
        Invalid ``policy0``; with :math:`\gamma = 1`, an improper ``policy0``.

    Notes
    -----
    Evaluation solves :math:`(I - \gamma P_{\pi_k}) v_k = r_{\pi_k}`; improvement takes
    :math:`\pi_{k+1}(s) \in \arg\max_a q_k(s, a)`. Each step satisfies
    :math:`v_{\pi_{k+1}} \ge v_{\pi_k}` elementwise, there are finitely many
    deterministic policies, so the loop ends — at a policy greedy with respect to its own
    values, i.e. a solution of the BOE.

    Examples
    --------
    >>> from refalgo.mdp import zhao_grid_world
    >>> policy_iteration(zhao_grid_world().mdp).values[:5].round(1).tolist()
    [5.8, 5.6, 6.2, 6.5, 5.8]
    """
    if policy0 is None:
        policy = proper_policy(mdp) if mdp.gamma == 1.0 else np.zeros(mdp.n_states, dtype=np.intp)
    else:
        policy = as_array(policy0, "policy0", ndim=1, shape=(mdp.n_states,), dtype=np.intp)
    P2, R = mdp.transition_matrix(), mdp.R.ravel()
    history, residuals, v_old = [], [], None
    for k in range(1, max_iter + 1):
        v = _direct(mdp, *policy_model(mdp, policy))
        residuals.append(float(np.max(np.abs(v - v_old))) if v_old is not None else float(np.max(np.abs(v))))
        if record:
            history.append(v)
        new = _improve(_q(mdp, P2, R, v), policy)
        if np.array_equal(new, policy):
            return Solution(v, policy, k, 0.0, np.array(residuals), tuple(history))
        policy, v_old = new, v
    raise ValueError(f"max_iter: policy iteration did not stabilize in {max_iter} steps")


def truncated_policy_iteration(
    mdp: MDP, *, sweeps: int, tol: float = 1e-8, v0: Any = None, max_iter: int = 1_000_000, record: bool = False
) -> Solution:
    r"""Truncated policy iteration: greedy improvement, then ``sweeps`` evaluation sweeps.

    Parameters
    ----------
    mdp
        The model, with :math:`\gamma < 1`.
    sweeps
        Evaluation sweeps per improvement, >= 1 (1 is value iteration).
    tol
        Guaranteed accuracy of the returned values.
    v0
        Initial values. Default :math:`\min R / (1-\gamma)` in every state, a lower bound
        on :math:`v^*` from which the iterates increase monotonically.
    max_iter
        Safety limit on improvement steps.
    record
        Keep every outer iterate in ``history``.

    Returns
    -------
    Solution
        As :func:`value_iteration`.

    Raises
    ------
    ValueError
        :math:`\gamma = 1`, ``sweeps < 1``, ``tol <= 0``, or no convergence.

    Notes
    -----
    Step k: :math:`\pi_k = \text{greedy}(v_k)`, :math:`v_{k+1} = T_{\pi_k}^{\,j} v_k` with
    :math:`T_\pi v = r_\pi + \gamma P_\pi v` and :math:`j` = ``sweeps``. Stop when
    :math:`\frac{\gamma}{1-\gamma}\|f(v_k) - v_k\|_\infty \le` ``tol`` and return
    :math:`f(v_k)`, which is within that bound of :math:`v^*`.

    References
    ----------
    Zhao (2025), §4.3; Puterman (1994), §6.5 (modified policy iteration).

    Examples
    --------
    >>> from refalgo.mdp import zhao_grid_world
    >>> truncated_policy_iteration(zhao_grid_world().mdp, sweeps=5).values[:5].round(1).tolist()
    [5.8, 5.6, 6.2, 6.5, 5.8]
    """
    if mdp.gamma == 1.0:
        raise ValueError("mdp: truncated policy iteration needs gamma < 1 for its stopping bound; use policy_iteration")
    if isinstance(sweeps, bool) or not isinstance(sweeps, (int, np.integer)) or sweeps < 1:
        raise ValueError(f"sweeps: expected an integer >= 1; got {sweeps!r}")
    tol = as_positive(tol, "tol")
    S, A = mdp.n_states, mdp.n_actions
    P2, R = mdp.transition_matrix(), mdp.R.ravel()
    v = np.full(S, float(mdp.R.min()) / (1.0 - mdp.gamma)) if v0 is None else _start(mdp, v0)
    factor = mdp.gamma / (1.0 - mdp.gamma)
    history, residuals = [v] if record else [], []
    rows = np.arange(S) * A
    for k in range(1, max_iter + 1):
        q = _q(mdp, P2, R, v)
        policy = np.argmax(q, axis=1)
        fv = q[np.arange(S), policy]
        residuals.append(float(np.max(np.abs(fv - v))))
        if factor * residuals[-1] <= tol:
            return Solution(fv, policy, k, factor * residuals[-1], np.array(residuals), tuple(history))
        P_pi, r_pi = P2[rows + policy], R[rows + policy]
        v = fv
        for _ in range(sweeps - 1):
            v = r_pi + mdp.gamma * (P_pi @ v)
        if record:
            history.append(v)
    raise ValueError(f"max_iter: truncated policy iteration did not reach tol = {tol:g} in {max_iter} steps")

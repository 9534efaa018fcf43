r"""Policy iteration and truncated policy iteration (策略迭代, 截断策略迭代).

Conventions as in :mod:`refalgo.mdp.model`; Zhao (2025), §4.2–4.3, Puterman (1994),
§6.4–6.5. The steps, numbered as the code lines that compute them:

.. math::
   \begin{aligned}
   v_k &= (I - \gamma P_{\pi_k})^{-1} r_{\pi_k} \quad (1)\\
   q_k(s, a) &= r(s, a) + \gamma \textstyle\sum_{s'} p(s' \mid s, a)\, v_k(s') \quad (2)\\
   \pi_{k+1}(s) &\in \arg\max_a q_k(s, a) \quad (3)\\
   v &\leftarrow r_\pi + \gamma P_\pi v \quad (4)
   \end{aligned}

Policy iteration evaluates exactly (1) — by LU, or by BiCGSTAB to a certified accuracy
on large sparse models — and improves (2)–(3) until the policy is stable; truncated
policy iteration replaces (1) by ``sweeps`` applications of (4). Both return a
:class:`~refalgo.mdp.optimal.Solution`; the exact counterpart is
:func:`~refalgo.mdp.optimal.optimal_values_symbolic`.

Tie rule: improvement keeps the current action unless another is better by more than a
slack — ``1e-10·(1 + max|q|)`` after an exact evaluation, :math:`2\gamma\varepsilon` plus
rounding after one certified to :math:`\varepsilon` — so neither rounding nor the
evaluation error can make the loop cycle between tied actions.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._validate import as_array, as_positive
from ._engine import sweep
from ._engine.solve import (
    LOOSE, ROUNDING, SWITCH_RTOL, certified, direct, improve, krylov, krylov_products, next_accuracy, uses_krylov,
)
from .model import MDP, as_actions, proper_policy, terminal_states
from .optimal import Solution, start_values

__all__ = ["policy_iteration", "truncated_policy_iteration"]


class _Evaluated(NamedTuple):
    values: NDArray[np.float64]
    error: float  # certified bound on |values - v_pi|, 0 for an exact solve


def _evaluate(
    m: sweep.Model, policy: NDArray[np.intp], terminal: NDArray[np.bool_] | None, tol: float | None,
    v0: NDArray[np.float64] | None,
) -> _Evaluated:
    """Exact LU evaluation (``tol`` None), or BiCGSTAB certified to ``tol`` started from ``v0``."""
    chain = sweep.rows(m, policy)
    if tol is None:
        return _Evaluated(direct(chain.P, chain.r, m.gamma, terminal), 0.0)
    v, err = krylov(chain, tol=tol, v0=v0)
    return _Evaluated(v, err)


def policy_iteration(
    mdp: MDP,
    *,
    policy0: ArrayLike | None = None,
    tol: float = 1e-8,
    max_iter: int = 10_000,
    record: bool = False,
    backend: str = "auto",
) -> Solution:
    r"""Policy iteration: evaluate, improve greedily, stop when the policy is stable.

    Parameters
    ----------
    mdp
        The model (dense or sparse).
    policy0
        Initial deterministic policy (``S`` action indices). Default: all zeros for
        :math:`\gamma < 1`; with :math:`\gamma = 1`, a proper policy
        (:func:`~refalgo.mdp.model.proper_policy`), since evaluation needs one.
    tol
        Guaranteed accuracy :math:`\|v - v^*\|_\infty \le` ``tol`` when evaluation is by
        BiCGSTAB (sparse models of more than 500 states, :math:`\gamma < 1`); exact LU
        evaluation ignores it.
    max_iter, record
        Safety limit on improvement steps; keep the value of every evaluated policy in ``history``.
    backend
        Products of the BiCGSTAB evaluation: ``"numba"`` (the ``fast`` extra) or
        ``"numpy"``; ``"auto"`` takes SciPy's CSR product, as fast for a plain product.

    Returns
    -------
    Solution
        Optimal values and policy. ``bound`` is 0 after exact LU evaluation (exact up to
        rounding), else the certified :math:`\|f(v) - v\|_\infty / (1-\gamma) \le` ``tol``.

    Raises
    ------
    ValueError
        Invalid ``policy0``, ``tol`` or ``backend``; with :math:`\gamma = 1`, an improper
        ``policy0``; a ``tol`` too small to certify in float64.

    Notes
    -----
    Each step gives :math:`v_{\pi_{k+1}} \ge v_{\pi_k}`, and there are finitely many
    deterministic policies, so the loop ends at a solution of the BOE. With BiCGSTAB
    evaluations certified to :math:`\varepsilon`, an action replaces the current one only
    when better by more than :math:`2\gamma\varepsilon` plus rounding, so the loop cannot
    cycle (the page gives the argument).

    Examples
    --------
    >>> from refalgo.mdp import zhao_grid_world
    >>> policy_iteration(zhao_grid_world().mdp).values[:5].round(1).tolist()
    [5.8, 5.6, 6.2, 6.5, 5.8]
    """
    if policy0 is None:
        policy = proper_policy(mdp) if mdp.gamma == 1.0 else np.zeros(mdp.n_states, dtype=np.intp)
    else:
        policy = as_actions(as_array(policy0, "policy0", ndim=1, shape=(mdp.n_states,), dtype=np.intp), mdp, name="policy0")
    tol = as_positive(tol, "tol")
    m = sweep.model(mdp, backend)._replace(backend=krylov_products(backend))
    gamma = mdp.gamma
    terminal = terminal_states(mdp) if gamma == 1.0 else None
    final = tol * (1.0 - gamma) / (1.0 + gamma) if uses_krylov(mdp) else None
    eval_tol = None if final is None else max(final, LOOSE * float(np.max(np.abs(mdp.R))) / (1.0 - gamma))
    history, residuals = [], []
    v_old: NDArray[np.float64] | None = None
    for k in range(1, max_iter + 1):
        v, err = _evaluate(m, policy, terminal, eval_tol, v_old)  # (1) v_k = (I − γP_{π_k})⁻¹ r_{π_k}
        residuals.append(float(np.max(np.abs(v - v_old))) if v_old is not None else float(np.max(np.abs(v))))
        if record:
            history.append(v)
        q = sweep.q_values(m, v)  # (2) q_k(s, a) = r(s, a) + γ Σ_s' p(s'|s, a) v_k(s')
        scale = 1.0 + float(np.max(np.abs(q)))
        slack = SWITCH_RTOL * scale if eval_tol is None else 2.0 * gamma * err + ROUNDING * scale
        new = improve(q, policy, slack)  # (3) π_{k+1}(s) ∈ argmax_a q_k(s, a), keeping ties
        stable = bool(np.array_equal(new, policy))
        if stable and (final is None or (bound := certified(q, v, gamma)) <= tol):
            return Solution(v, policy, k, 0.0 if final is None else bound, np.array(residuals), tuple(history))
        if final is not None and eval_tol is not None:
            eval_tol = next_accuracy(eval_tol, final, residuals[-1], stable)
        policy, v_old = new, v
    raise ValueError(f"max_iter: policy iteration did not stabilize in {max_iter} steps")


def truncated_policy_iteration(
    mdp: MDP,
    *,
    sweeps: int,
    tol: float = 1e-8,
    v0: ArrayLike | None = None,
    max_iter: int = 1_000_000,
    record: bool = False,
    backend: str = "auto",
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
    max_iter, record
        Safety limit on improvement steps; keep every outer iterate in ``history``.
    backend
        ``"auto"``, ``"numba"`` or ``"numpy"``, as :func:`~refalgo.mdp.optimal.value_iteration`.

    Returns
    -------
    Solution
        ``values`` within ``bound`` :math:`\le` ``tol`` of :math:`v^*`; ``policy`` greedy for
        the last iterate :math:`v_k`, :math:`2\,` ``tol``-optimal.

    Raises
    ------
    ValueError
        :math:`\gamma = 1`, ``sweeps < 1``, ``tol <= 0``, or no convergence.

    Notes
    -----
    The loop stops by MacQueen's bounds on :math:`f(v_k) - v_k`, as
    :func:`~refalgo.mdp.optimal.value_iteration` does, and returns the centre of their
    box; the same bounds make the greedy policy ``2·tol``-optimal.

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
    m = sweep.model(mdp, backend)
    v = np.full(mdp.n_states, float(mdp.R.min()) / (1.0 - mdp.gamma)) if v0 is None else start_values(mdp, v0)
    history, residuals = [v] if record else [], []
    for k in range(1, max_iter + 1):
        step, policy = sweep.greedy_sweep(m, v)  # (2)–(3) π_k = greedy(v_k), and f(v_k) = T_{π_k} v_k
        residuals.append(step.residual)
        bound = sweep.span_bound(step, mdp.gamma)
        if bound <= tol:
            return Solution(sweep.midpoint(step, mdp.gamma), policy, k, bound, np.array(residuals), tuple(history))
        chain = sweep.rows(m, policy)
        v = step.values
        for _ in range(sweeps - 1):
            v = sweep.policy_sweep(chain, v).values  # (4) v ← r_π + γ P_π v, sweeps − 1 more times
        if record:
            history.append(v)
    raise ValueError(f"max_iter: truncated policy iteration did not reach tol = {tol:g} in {max_iter} steps")

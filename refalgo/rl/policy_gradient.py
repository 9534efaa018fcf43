r"""The exact policy gradient (策略梯度) of a softmax policy: objective, theorem, visitation measure.

Conventions
-----------
* A **tabular softmax** policy has parameters ``theta`` of shape ``(S, A)``:
  :math:`\pi(a \mid s, \theta) = \exp\theta_{s a} / \sum_b \exp\theta_{s b}`. A
  **linear-softmax** policy has ``theta`` of shape ``(d,)`` and state–action features
  ``features`` :math:`\Phi`, shape ``(S·A, d)`` (row ``s·A + a`` is :math:`\phi(s, a)`, as
  :func:`refalgo.rl.features.state_action_features` builds them):
  :math:`\pi(a \mid s) \propto \exp \phi(s, a)^\top\theta`. Tabular softmax is the linear
  one with :math:`\Phi = I_{SA}`.
* The objective is the value of the start distribution :math:`d_0` (``start``: a state
  index or ``S`` probabilities), Sutton & Barto's :math:`J(\theta) = v_{\pi_\theta}(s_0)`
  (§13.2) and Zhao's :math:`\bar v_\pi = d_0^\top v_\pi` (ch. 9):

.. math::

    J(\theta) = d_0^\top v_\pi, \qquad v_\pi = (I - \gamma P_\pi)^{-1} r_\pi \qquad (1)

    \eta^\top = d_0^\top (I - \gamma P_\pi)^{-1}, \qquad
    \eta(s) = \textstyle\sum_{t \ge 0} \gamma^t \Pr(S_t = s) \qquad (2)

    \nabla J(\theta) = \sum_s \eta(s) \sum_a \nabla\pi(a \mid s, \theta)\, q_\pi(s, a) \qquad (3)

    \frac{\partial J}{\partial \theta_{s a}} = \eta(s)\, \pi(a \mid s)\, \bigl(q_\pi(s, a) - v_\pi(s)\bigr)
    = \eta(s)\, \pi(a \mid s)\, A_\pi(s, a) \qquad (4)

* :math:`\eta` is the *unnormalised* discounted visitation (Sutton & Barto's :math:`\eta`
  with discounting, §13.2; it sums to :math:`1/(1-\gamma)`). Some authors (Agarwal et al.
  2021) use the normalised :math:`d^{\pi}_{d_0} = (1-\gamma)\eta`, and then
  :math:`\nabla J = \frac{1}{1-\gamma}\sum_s d^\pi(s)\ldots`: the same vector.
* With :math:`\gamma = 1` (an episodic model) :math:`\eta(s)` is the expected number of
  visits to the non-terminal state :math:`s` in one episode; terminal states get
  :math:`\eta = 0` and value 0.

The numeric twin :func:`policy_gradient` evaluates (4) by two solves with one LU
factorisation (sparse for sparse models). The symbolic twin
:func:`policy_gradient_symbolic` differentiates the closed form (1) in :math:`\theta`
exactly — it never uses the theorem, so their agreement checks it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sps
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._validate import as_array, as_count, probability_rows
from ..mdp.model import MDP
from ._engine import pg

__all__ = [
    "discounted_visitation",
    "policy_gradient",
    "softmax_policy",
]


# ---------------------------------------------------------------------- inputs
def _features(features: Any, mdp: MDP) -> Any:
    """:math:`\\Phi` of shape ``(S·A, d)``, dense or CSR, or a clear error."""
    SA = mdp.n_states * mdp.n_actions
    if sps.issparse(features):
        Phi = sps.csr_array(features, dtype=np.float64)
        if not np.all(np.isfinite(Phi.data)):
            raise ValueError("features: expected finite numbers; got NaN or inf")
    else:
        Phi = as_array(features, "features", ndim=2)
    if Phi.shape[0] != SA:
        raise ValueError(
            f"features: expected S·A = {SA} rows (row s·A + a is φ(s, a)); got shape {Phi.shape}"
            " (state features (S, k) become state-action features by state_action_features)"
        )
    return Phi


def _logits(theta: ArrayLike, mdp: MDP, features: Any) -> tuple[NDArray[np.float64], Any]:
    """The logits ``h[s, a]`` (shape ``(S, A)``) and the features (None for tabular softmax)."""
    S, A = mdp.n_states, mdp.n_actions
    if features is None:
        return as_array(theta, "theta", ndim=2, shape=(S, A)), None
    Phi = _features(features, mdp)
    w = as_array(theta, "theta", ndim=1, shape=(Phi.shape[1],))
    return np.asarray(Phi @ w).reshape(S, A), Phi


def _start(start: Any, n_states: int) -> NDArray[np.float64]:
    """:math:`d_0` as ``S`` float probabilities, from a state index or a distribution."""
    if start is None:
        raise ValueError("start: expected a state index or S probabilities (the start distribution d_0); got None")
    if np.ndim(start) == 0:
        s = as_count(start, "start", minimum=0)
        if s >= n_states:
            raise ValueError(f"start: expected a state index 0 … {n_states - 1}; got {s}")
        return np.eye(n_states)[s]
    d0 = as_array(start, "start", ndim=1, shape=(n_states,))
    probability_rows(d0, "start")
    return d0


# ---------------------------------------------------------------------- numeric twins
def softmax_policy(theta: ArrayLike) -> NDArray[np.float64]:
    r"""The tabular softmax policy :math:`\pi(a \mid s) = \exp\theta_{sa} / \sum_b \exp\theta_{sb}`.

    Parameters
    ----------
    theta
        :math:`\theta`, shape ``(S, A)``, finite.

    Returns
    -------
    numpy.ndarray
        ``(S, A)``, rows summing to 1. Each row is shifted by its maximum before the
        exponential, so no entry overflows (``theta`` of 1000 is fine) and the largest
        entry of a row is at least :math:`1/A`.

    Raises
    ------
    ValueError
        ``theta`` not 2-D, or not finite.

    Examples
    --------
    >>> softmax_policy([[0.0, np.log(3.0)], [1000.0, 1000.0]]).round(6).tolist()
    [[0.25, 0.75], [0.5, 0.5]]
    """
    h = as_array(theta, "theta", ndim=2)
    e = np.exp(h - h.max(axis=1, keepdims=True))  # shift: softmax(h) = softmax(h − max h)
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def discounted_visitation(
    mdp: MDP, theta: ArrayLike, *, start: ArrayLike | int, features: ArrayLike | None = None
) -> NDArray[np.float64]:
    r"""The discounted visitation :math:`\eta^\top = d_0^\top (I - \gamma P_\pi)^{-1}` (2) of the softmax policy, in float64.

    Parameters
    ----------
    mdp
        The model (dense or sparse; :math:`\gamma = 1` needs terminal states).
    theta
        ``(S, A)`` (tabular softmax) or ``(d,)`` with ``features``.
    start
        :math:`d_0`: a state index or ``S`` probabilities.
    features
        :math:`\Phi`, ``(S·A, d)``, for a linear-softmax policy.

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``; sums to :math:`1/(1-\gamma)` when :math:`\gamma < 1`; with
        :math:`\gamma = 1` the expected visits per episode (0 on terminal states).

    Raises
    ------
    ValueError
        A ``theta`` of the wrong shape or not finite; ``start`` not a state or not a distribution.

    Examples
    --------
    >>> m = MDP([[[0.5, 0.5]], [[0.0, 1.0]]], [[0.0], [1.0]], 0.5)
    >>> discounted_visitation(m, [[0.0], [0.0]], start=0).tolist()  # 1 + 1/4 + 1/16 + … = 4/3 in state 0
    [1.3333333333333333, 0.6666666666666666]
    """
    h, _ = _logits(theta, mdp, features)
    return pg.evaluate(mdp, softmax_policy(h), _start(start, mdp.n_states)).eta


def policy_gradient(
    mdp: MDP, theta: ArrayLike, *, start: ArrayLike | int, features: ArrayLike | None = None
) -> NDArray[np.float64]:
    r"""The exact gradient :math:`\nabla J(\theta)` of :math:`J = d_0^\top v_{\pi_\theta}`, by the policy gradient theorem (3)–(4).

    Parameters
    ----------
    mdp
        The model (dense or sparse; :math:`\gamma = 1` needs terminal states: the policy,
        which tries every action, then ends every episode).
    theta
        :math:`\theta`: ``(S, A)`` for tabular softmax, ``(d,)`` with ``features``.
    start
        :math:`d_0`: a state index or ``S`` probabilities.
    features
        :math:`\Phi`, ``(S·A, d)``: a linear-softmax policy; then the gradient is
        :math:`\Phi^\top g` with :math:`g_{sa}` of (4) (the chain rule through the logits
        :math:`\Phi\theta`), i.e. :math:`\sum_s \eta(s)\sum_a \pi(a|s) A_\pi(s,a)\,\phi(s,a)`.

    Returns
    -------
    numpy.ndarray
        The shape of ``theta``.

    Raises
    ------
    ValueError
        ``theta`` of the wrong shape (``(S, A)``, or ``(d,)`` matching ``features``) or
        not finite; ``start`` missing, not a state or not a distribution.

    Notes
    -----
    One LU factorisation of :math:`I - \gamma P_\pi` (SuperLU for a sparse model) gives
    :math:`v_\pi` and, transposed, :math:`\eta`; no inverse is formed.

    References
    ----------
    R. S. Sutton, D. McAllester, S. Singh, Y. Mansour, "Policy gradient methods for
    reinforcement learning with function approximation", NeurIPS 1999, Theorem 1;
    Sutton & Barto (2018), §13.2; Zhao (2025), ch. 9.

    Examples
    --------
    >>> m = MDP([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[0.0, 1.0], [0.0, 0.0]], 0.5)
    >>> policy_gradient(m, np.zeros((2, 2)), start=0).round(6).tolist()  # J = π(1|0)/(1 − π(0|0)/2): ±2/9
    [[-0.222222, 0.222222], [0.0, 0.0]]
    """
    h, Phi = _logits(theta, mdp, features)
    pi = softmax_policy(h)
    ev = pg.evaluate(mdp, pi, _start(start, mdp.n_states))  # v_π (1), η (2), q_π
    g = ev.eta[:, None] * pi * (ev.q - ev.v[:, None])  # (4) ∂J/∂θ_sa = η(s) π(a|s) (q(s, a) − v(s))
    if Phi is None:
        return g
    return np.asarray(Phi.T @ g.ravel())  # the chain rule through the logits h = Φθ

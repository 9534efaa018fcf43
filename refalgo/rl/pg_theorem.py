r"""The exact policy gradient (策略梯度) of a softmax policy: objectives, theorem, visitation, natural gradient.

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

    \bar r_\pi = d_\pi^\top r_\pi = (1 - \gamma)\, d_\pi^\top v_\pi = (1-\gamma)\,\bar v_\pi
    \quad (d_\pi^\top P_\pi = d_\pi^\top) \qquad (5)

    F(\theta) = \sum_s d(s) \sum_a \pi(a \mid s)\, \nabla\ln\pi\, \nabla\ln\pi^\top, \quad d = (1-\gamma)\eta,
    \qquad \theta \leftarrow \theta + \alpha F^{+} \nabla J \qquad (6)

* :math:`\eta` is the *unnormalised* discounted visitation (Sutton & Barto's :math:`\eta`
  with discounting, §13.2; it sums to :math:`1/(1-\gamma)`). Agarwal et al. (2021) use the
  normalised :math:`d^{\pi}_{d_0} = (1-\gamma)\eta` — in the Fisher matrix (6) too — and write
  :math:`\nabla J = \frac{1}{1-\gamma}\sum_s d^\pi(s)\ldots`: the same vector.
* With :math:`\gamma = 1` (an episodic model) :math:`\eta(s)` is the expected number of
  visits to the non-terminal state :math:`s` in one episode; terminal states get
  :math:`\eta = 0` and value 0. The Fisher matrix and the natural gradient need :math:`\gamma < 1`.
* The average forms of (5) use the stationary distribution :math:`d_\pi` of
  :func:`refalgo.rl.stationary.stationary_distribution` (one closed class, aperiodic).

The numeric twin :func:`policy_gradient` evaluates (4) by two solves with one LU
factorisation (sparse for sparse models). The symbolic twin
:func:`policy_gradient_symbolic` differentiates the closed form (1) in :math:`\theta`
exactly — it never uses the theorem, so their agreement checks it. Likewise the exact
Fisher matrix differentiates :math:`\ln\pi` with SymPy, the numeric one uses the score
:math:`e_a - \pi(\cdot \mid s)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sps
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_array, exact_distribution
from .._validate import as_array, as_count, as_positive, probability_rows
from ..derivation import Derivation, Step
from ..mdp.bellman import policy_model
from ..mdp.model import MDP
from ..registry import Concept, Tolerance
from ._engine import pg
from ._engine.linalg import exact_solve
from .stationary import (
    chain_stationary_distribution,
    chain_stationary_distribution_symbolic,
)

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "discounted_visitation",
    "discounted_visitation_symbolic",
    "fisher_information",
    "fisher_information_symbolic",
    "natural_gradient",
    "natural_gradient_symbolic",
    "natural_policy_gradient_step",
    "objective",
    "objective_symbolic",
    "policy_gradient",
    "policy_gradient_symbolic",
    "short_corridor",
    "short_corridor_features",
    "softmax_policy",
    "softmax_policy_symbolic",
    "variance_minimising_baseline",
]

REFERENCES = (
    ("R. S. Sutton, D. McAllester, S. Singh and Y. Mansour, Policy gradient methods for reinforcement learning with "
     "function approximation, NeurIPS 1999, Theorem 1"),
    "R. S. Sutton and A. G. Barto, Reinforcement Learning: An Introduction, 2nd ed., 2018, §13.1-13.4 and Example 13.1",
    "S. Zhao, Mathematical Foundations of Reinforcement Learning, Springer 2025, ch. 9 (policy gradient) and ch. 10",
    "S. Kakade, A natural policy gradient, NeurIPS 2001",
    ("A. Agarwal, S. M. Kakade, J. D. Lee and G. Mahajan, On the theory of policy gradient methods, JMLR 22 (2021), "
     "Lemma 5.1 (NPG for softmax is soft policy iteration)"),
    "L. Weaver and N. Tao, The optimal reward baseline for gradient-based reinforcement learning, UAI 2001",
)
KINDS = ("start", "average_value", "average_reward")


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


def _start(start: Any, n_states: int, *, exact: bool = False) -> Any:
    """:math:`d_0` as ``S`` probabilities (floats, or exact numbers), from a state index or a distribution."""
    if start is None:
        raise ValueError("start: expected a state index or S probabilities (the start distribution d_0); got None")
    if np.ndim(start) == 0:
        s = as_count(start, "start", minimum=0)
        if s >= n_states:
            raise ValueError(f"start: expected a state index 0 … {n_states - 1}; got {s}")
        return [sp.Integer(int(i == s)) for i in range(n_states)] if exact else np.eye(n_states)[s]
    if exact:
        return exact_distribution(start, "start", length=n_states)
    d0 = as_array(start, "start", ndim=1, shape=(n_states,))
    probability_rows(d0, "start")
    return d0


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(map(repr, KINDS))}; got {kind!r}")
    return kind


def _discounted(mdp: MDP, what: str) -> None:
    if mdp.gamma >= 1.0:
        raise ValueError(f"mdp: {what} weights states by d = (1 − γ)η and needs gamma < 1; got gamma = {mdp.gamma}")


def _exact_logits(theta: Any, mdp: MDP, features: Any) -> sp.Matrix:
    """The exact logits ``h[s, a]``: ``theta`` itself (tabular) or ``Φθ``; entries may hold symbols."""
    S, A = mdp.n_states, mdp.n_actions
    if features is None:
        return sp.Matrix(exact_array(theta, "theta", shape=(S, A), symbolic=True).tolist())
    Phi = sp.Matrix(exact_array(features.toarray() if sps.issparse(features) else features, "features",
                                shape=(S * A, None)).tolist())
    w = sp.Matrix(exact_array(theta, "theta", shape=(Phi.shape[1],), symbolic=True).tolist())
    return (Phi * w).reshape(S, A)


def _dummies(S: int, A: int) -> sp.Matrix:
    """Positive symbols :math:`x_{sa}` standing for :math:`e^{h_{sa}}`: the policy is then rational in them."""
    return sp.Matrix(S, A, lambda s, a: sp.Symbol(f"x_{s}_{a}", positive=True))


def _tidy(e: sp.Expr) -> sp.Expr:
    """A number stays as it is (exact, e.g. in :math:`e^{3/10}`); an expression in symbols is put over one factored denominator."""
    return e if e.is_number else sp.factor(sp.together(e))


def _exact_values(mdp: MDP, pi: sp.Matrix, d0: list[Any] | None) -> tuple[sp.Matrix, sp.Matrix | None, sp.Matrix]:
    r"""Exact :math:`v_\pi` (1), :math:`\eta` (2) (None without ``d0``) and :math:`r_\pi` by LU over the rational functions."""
    S = mdp.n_states
    P_pi, r_pi = pg.exact_policy_chain(mdp, pi)
    idx = [int(s) for s in pg.inner_states(mdp)]
    M = sp.eye(len(idx)) - mdp.gamma_exact * P_pi.extract(idx, idx)
    v, eta = sp.zeros(S, 1), None
    if idx:
        v_in = exact_solve(M, r_pi.extract(idx, [0]), "theta")  # (1) (I − γP_π) v = r_π
        for i, s in enumerate(idx):
            v[s] = v_in[i]
    if d0 is not None:
        eta = sp.zeros(S, 1)
        if idx:
            eta_in = exact_solve(M.T, sp.Matrix([d0[s] for s in idx]), "theta")  # (2) (I − γP_π)ᵀ η = d_0
            for i, s in enumerate(idx):
                eta[s] = eta_in[i]
    return v, eta, r_pi


# ---------------------------------------------------------------------- symbolic twins
def softmax_policy_symbolic(theta: Any) -> sp.Matrix:
    r"""The tabular softmax policy :math:`\pi(a \mid s) = e^{\theta_{sa}} / \sum_b e^{\theta_{sb}}`, exactly.

    Parameters
    ----------
    theta
        ``(S, A)`` exact numbers, number strings or SymPy expressions (symbols allowed).

    Returns
    -------
    sympy.Matrix
        ``(S, A)``. Logits :math:`\ln` of rationals give rational probabilities.

    Examples
    --------
    >>> softmax_policy_symbolic([[0, sp.log(3)]])
    Matrix([[1/4, 3/4]])
    """
    h = sp.Matrix(exact_array(theta, "theta", ndim=2, symbolic=True).tolist())
    e = h.applyfunc(sp.exp)
    return sp.Matrix(h.rows, h.cols, lambda s, a: e[s, a] / sum(e.row(s)))


def objective_symbolic(
    mdp: MDP, theta: Any, *, start: Any = None, features: Any = None, kind: str = "start"
) -> sp.Expr:
    r"""The objective of the softmax policy exactly: :math:`d_0^\top v_\pi` (1), or an average form (5).

    Parameters
    ----------
    mdp
        A small model (exact entries if it was given them).
    theta
        ``(S, A)``, or ``(d,)`` with ``features``; exact numbers or SymPy expressions.
    start
        :math:`d_0` (a state index or ``S`` exact probabilities); needed by ``kind="start"``.
    features
        :math:`\Phi`, ``(S·A, d)`` exact numbers: a linear-softmax policy.
    kind
        ``"start"``: :math:`J = d_0^\top v_\pi`; ``"average_value"``: :math:`\bar v_\pi =
        d_\pi^\top v_\pi`; ``"average_reward"``: :math:`\bar r_\pi = d_\pi^\top r_\pi`, with
        the stationary distribution :math:`d_\pi` (exact).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        As :func:`policy_gradient_symbolic`; an unknown ``kind``; a chain without a unique
        aperiodic stationary distribution for the average forms.

    Examples
    --------
    >>> m = MDP([[[1, 0], [0, 1]], [[0, 1], [0, 1]]], [[0, 1], [0, 0]], "1/2")
    >>> objective_symbolic(m, [[0, 0], [0, 0]], start=0)  # J = π(1|0)/(1 − γπ(0|0))
    2/3
    """
    h = _exact_logits(theta, mdp, features)
    pi = softmax_policy_symbolic(h)
    if _kind(kind) == "start":
        v, _, _ = _exact_values(mdp, pi, None)
        return sp.simplify(sum(d * x for d, x in zip(_start(start, mdp.n_states, exact=True), v)))  # (1) J = d_0ᵀ v_π
    v, _, r_pi = _exact_values(mdp, pi, None)
    P_pi, _ = pg.exact_policy_chain(mdp, pi)
    d = chain_stationary_distribution_symbolic(P_pi.applyfunc(sp.simplify))  # d_πᵀ P_π = d_πᵀ
    return sp.simplify((d.T * (v if kind == "average_value" else r_pi))[0])  # (5) v̄_π, or r̄_π = d_πᵀ r_π


def discounted_visitation_symbolic(mdp: MDP, theta: Any, *, start: Any, features: Any = None) -> sp.Matrix:
    r"""The exact discounted visitation :math:`\eta^\top = d_0^\top (I - \gamma P_\pi)^{-1}` (2) of the softmax policy.

    Parameters
    ----------
    mdp, theta, start, features
        As :func:`policy_gradient_symbolic`.

    Returns
    -------
    sympy.Matrix
        Column of ``S`` entries (0 on terminal states when :math:`\gamma = 1`).

    Examples
    --------
    >>> m = MDP([[["1/2", "1/2"]], [[0, 1]]], [[0], [1]], "1/2")
    >>> discounted_visitation_symbolic(m, [[0], [0]], start=0).T
    Matrix([[4/3, 2/3]])
    """
    h = _exact_logits(theta, mdp, features)
    _, eta, _ = _exact_values(mdp, softmax_policy_symbolic(h), _start(start, mdp.n_states, exact=True))
    assert eta is not None
    return eta.applyfunc(sp.simplify)


def policy_gradient_symbolic(mdp: MDP, theta: Any, *, start: Any, features: Any = None) -> sp.Matrix:
    r"""The exact :math:`\nabla J(\theta)` by differentiating the closed form (1) of :math:`J` — no theorem used.

    :math:`J` is computed as a rational function of :math:`x_{sa} = e^{h_{sa}}` (the policy
    is rational in them) by exact LU, then :math:`\partial J/\partial h_{sa} = x_{sa}\,
    \partial J/\partial x_{sa}` (chain rule) and :math:`\nabla_\theta J = \Phi^\top
    \nabla_h J` for a linear-softmax policy. Small models only (2–3 states).

    Parameters
    ----------
    mdp
        The model (its exact entries if it was given them, else its floats' binary values).
    theta
        ``(S, A)`` (tabular softmax) or ``(d,)`` with ``features``: exact numbers, number
        strings or SymPy expressions (symbols give the gradient as a closed form in them).
    start
        :math:`d_0`: a state index or ``S`` exact probabilities.
    features
        :math:`\Phi`, ``(S·A, d)`` exact numbers.

    Returns
    -------
    sympy.Matrix
        ``(S, A)`` (tabular) or a ``d``-column (linear).

    Raises
    ------
    ValueError
        ``theta`` of the wrong shape or not finite; ``start`` missing or not a distribution.

    Examples
    --------
    >>> m = MDP([[[1, 0], [0, 1]], [[0, 1], [0, 1]]], [[0, 1], [0, 0]], "1/2")
    >>> policy_gradient_symbolic(m, [[0, 0], [0, 0]], start=0)
    Matrix([
    [-2/9, 2/9],
    [   0,   0]])
    """
    S, A = mdp.n_states, mdp.n_actions
    h = _exact_logits(theta, mdp, features)
    x = _dummies(S, A)
    pi = sp.Matrix(S, A, lambda s, a: x[s, a] / sum(x.row(s)))
    J, K = pg.exact_objective(mdp, pi, _start(start, S, exact=True))  # (1) J = d_0ᵀ v_π, an element of QQ(x)
    at = {x[s, a]: sp.exp(h[s, a]) for s in range(S) for a in range(A)}
    grad = sp.Matrix(S, A, lambda s, a: _tidy((x[s, a] * K.to_sympy(J.diff(K.convert(x[s, a])))).xreplace(at)))  # x ∂J/∂x
    if features is None:
        return grad
    Phi = sp.Matrix(exact_array(features.toarray() if sps.issparse(features) else features, "features").tolist())
    return (Phi.T * grad.reshape(S * A, 1)).applyfunc(_tidy)  # chain rule through h = Φθ


def fisher_information_symbolic(mdp: MDP, theta: Any, *, start: Any) -> sp.Matrix:
    r"""The exact Fisher matrix (6) of tabular softmax, :math:`\nabla\ln\pi` by differentiating :math:`\ln\pi` with SymPy.

    Parameters
    ----------
    mdp, theta, start
        As :func:`policy_gradient_symbolic` (tabular; :math:`\gamma < 1`).

    Returns
    -------
    sympy.Matrix
        ``(S·A, S·A)``, index ``s·A + a``.

    Raises
    ------
    ValueError
        As :func:`policy_gradient_symbolic`; :math:`\gamma = 1`.

    Examples
    --------
    >>> fisher_information_symbolic(MDP([[[1], [1]]], [[0, 0]], "1/2"), [[0, 0]], start=0)
    Matrix([
    [ 1/4, -1/4],
    [-1/4,  1/4]])
    """
    _discounted(mdp, "the Fisher matrix")
    S, A = mdp.n_states, mdp.n_actions
    h = _exact_logits(theta, mdp, None)
    t = sp.Matrix(S, A, lambda s, a: sp.Symbol(f"t_{s}_{a}", real=True))
    pi_t = softmax_policy_symbolic(t)
    eta = discounted_visitation_symbolic(mdp, h, start=start)
    at = {t[s, a]: h[s, a] for s in range(S) for a in range(A)}
    F = sp.zeros(S * A, S * A)
    for s in range(S):
        for a in range(A):
            score = sp.Matrix([sp.diff(sp.log(pi_t[s, a]), t[i, b]) for i in range(S) for b in range(A)])
            F += (1 - mdp.gamma_exact) * eta[s] * pi_t[s, a] * score * score.T  # (6) d(s) π(a|s) ∇ln π ∇ln πᵀ
    return F.xreplace(at).applyfunc(sp.simplify)


def natural_gradient_symbolic(mdp: MDP, theta: Any, *, start: Any) -> sp.Matrix:
    r"""The exact natural gradient :math:`F^{+}\nabla J` (6): the pseudo-inverse of the exact Fisher matrix times the exact gradient.

    Parameters
    ----------
    mdp, theta, start
        As :func:`fisher_information_symbolic`.

    Returns
    -------
    sympy.Matrix
        ``(S, A)``: the minimum-norm solution (each state's row sums to 0 where :math:`d(s) > 0`).

    Examples
    --------
    >>> m = MDP([[[1, 0], [0, 1]], [[0, 1], [0, 1]]], [[0, 1], [0, 0]], "1/2")
    >>> natural_gradient_symbolic(m, [[0, 0], [0, 0]], start=0)  # ±A(0, a)/(1 − γ) − mean, A = ∓1/3
    Matrix([
    [-2/3, 2/3],
    [   0,   0]])
    """
    F = fisher_information_symbolic(mdp, theta, start=start)
    g = policy_gradient_symbolic(mdp, theta, start=start)
    S, A = mdp.n_states, mdp.n_actions
    return (F.pinv() * g.reshape(S * A, 1)).applyfunc(sp.simplify).reshape(S, A)  # (6) F⁺ ∇J


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
    return e / e.sum(axis=1, keepdims=True)


def objective(
    mdp: MDP, theta: ArrayLike, *, start: ArrayLike | int | None = None, features: ArrayLike | None = None,
    kind: str = "start",
) -> float:
    r"""The objective of the softmax policy in float64: :math:`d_0^\top v_\pi` (1), or an average form (5).

    Parameters
    ----------
    mdp, theta, start, features, kind
        As :func:`objective_symbolic` (dense or sparse model).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As :func:`policy_gradient`; an unknown ``kind``; no unique aperiodic stationary
        distribution for the average forms.

    Examples
    --------
    >>> m = MDP([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[0.0, 1.0], [0.0, 0.0]], 0.5)
    >>> round(objective(m, np.zeros((2, 2)), start=0), 12)
    0.666666666667
    """
    h, _ = _logits(theta, mdp, features)
    pi = softmax_policy(h)
    if _kind(kind) == "start":
        return float(_start(start, mdp.n_states) @ pg.evaluate(mdp, pi, np.zeros(mdp.n_states)).v)  # (1)
    P_pi, r_pi = policy_model(mdp, pi)
    d = chain_stationary_distribution(P_pi)
    if kind == "average_reward":
        return float(d @ r_pi)  # (5) r̄_π = d_πᵀ r_π
    return float(d @ pg.evaluate(mdp, pi, np.zeros(mdp.n_states)).v)  # (5) v̄_π = d_πᵀ v_π


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
    Sutton, McAllester, Singh and Mansour (NeurIPS 1999), Theorem 1; Sutton & Barto
    (2018), §13.2; Zhao (2025), ch. 9.

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


def fisher_information(mdp: MDP, theta: ArrayLike, *, start: ArrayLike | int) -> Any:
    r"""The Fisher matrix (6) of tabular softmax in float64: block :math:`s` is :math:`d(s)\,(\operatorname{diag}\pi_s - \pi_s\pi_s^\top)`.

    The score of tabular softmax is :math:`\nabla_{\theta_{s\cdot}}\ln\pi(a|s) = e_a - \pi(\cdot|s)`
    (zero outside row :math:`s`), and :math:`\sum_a \pi_a (e_a - \pi)(e_a - \pi)^\top =
    \operatorname{diag}\pi - \pi\pi^\top`.

    Parameters
    ----------
    mdp, theta, start
        As :func:`policy_gradient` (tabular; :math:`\gamma < 1`).

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_array
        ``(S·A, S·A)`` (index ``s·A + a``), sparse for a sparse model.

    Raises
    ------
    ValueError
        As :func:`policy_gradient`; :math:`\gamma = 1`.

    Examples
    --------
    >>> fisher_information(MDP([[[1.0], [1.0]]], [[0.0, 0.0]], 0.5), [[0.0, 0.0]], start=0).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    _discounted(mdp, "the Fisher matrix")
    blocks = _fisher_blocks(mdp, theta, start)
    F = sps.block_diag(list(blocks), format="csr")
    return sps.csr_array(F) if mdp.is_sparse else F.toarray()


def _fisher_blocks(mdp: MDP, theta: ArrayLike, start: Any) -> NDArray[np.float64]:
    h, _ = _logits(theta, mdp, None)
    pi = softmax_policy(h)
    d = (1 - mdp.gamma) * pg.evaluate(mdp, pi, _start(start, mdp.n_states)).eta  # d = (1 − γ) η
    cov = np.einsum("sa,ab->sab", pi, np.eye(mdp.n_actions)) - np.einsum("sa,sb->sab", pi, pi)  # diag π − ππᵀ
    return d[:, None, None] * cov  # (6), block by block


def natural_gradient(mdp: MDP, theta: ArrayLike, *, start: ArrayLike | int) -> NDArray[np.float64]:
    r"""The natural gradient :math:`F^{+}\nabla J` (6) of tabular softmax, block by block (float64 pseudo-inverses).

    Parameters
    ----------
    mdp, theta, start
        As :func:`fisher_information`.

    Returns
    -------
    numpy.ndarray
        ``(S, A)``, the minimum-norm solution of :math:`F x = \nabla J`. Agarwal et al.
        (2021), Lemma 5.1: it is :math:`A_\pi/(1-\gamma)` up to a constant per state.

    Examples
    --------
    >>> m = MDP([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[0.0, 1.0], [0.0, 0.0]], 0.5)
    >>> natural_gradient(m, np.zeros((2, 2)), start=0).round(6).tolist()
    [[-0.666667, 0.666667], [0.0, 0.0]]
    """
    _discounted(mdp, "the natural gradient")
    g = policy_gradient(mdp, theta, start=start)
    blocks = _fisher_blocks(mdp, theta, start)
    return np.einsum("sab,sb->sa", np.linalg.pinv(blocks, hermitian=True), g)  # (6) F⁺∇J, one block per state


def natural_policy_gradient_step(
    mdp: MDP, theta: ArrayLike, *, start: ArrayLike | int, step: float
) -> NDArray[np.float64]:
    r"""One natural policy gradient update :math:`\theta + \alpha F^{+}\nabla J` (6), with :math:`\alpha` = ``step``.

    For tabular softmax the new policy is :math:`\pi_{t+1}(a|s) \propto \pi_t(a|s)\,
    \exp(\alpha A_{\pi_t}(s,a)/(1-\gamma))` in every state with :math:`d(s) > 0`: soft
    policy iteration (Agarwal et al. 2021, Lemma 5.1).

    Parameters
    ----------
    mdp, theta, start
        As :func:`natural_gradient`.
    step
        :math:`\alpha > 0`.

    Returns
    -------
    numpy.ndarray
        The new ``(S, A)`` parameters.

    Raises
    ------
    ValueError
        As :func:`natural_gradient`; ``step`` ≤ 0.

    Examples
    --------
    >>> m = MDP([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[0.0, 1.0], [0.0, 0.0]], 0.5)
    >>> natural_policy_gradient_step(m, np.zeros((2, 2)), start=0, step=0.75).round(6).tolist()
    [[-0.5, 0.5], [0.0, 0.0]]
    """
    alpha = as_positive(step, "step")
    h = as_array(theta, "theta", ndim=2, shape=(mdp.n_states, mdp.n_actions))
    return h + alpha * natural_gradient(mdp, h, start=start)  # (6) θ ← θ + α F⁺∇J


def variance_minimising_baseline(mdp: MDP, theta: ArrayLike, *, features: ArrayLike | None = None) -> NDArray[np.float64]:
    r"""The baseline :math:`b^*(s) = \mathbb{E}_\pi[\|\nabla\ln\pi\|^2 q_\pi] / \mathbb{E}_\pi[\|\nabla\ln\pi\|^2]` of each state.

    It minimises :math:`\mathbb{E}_{A\sim\pi}\|\nabla\ln\pi(A|s)\,(q_\pi(s,A) - b)\|^2`, the
    second moment (hence the variance: the mean does not depend on :math:`b`) of the
    one-state gradient estimate (Weaver & Tao 2001). Where :math:`\|\nabla\ln\pi(a|s)\|` is
    the same for every action (e.g. a uniform tabular policy) it equals :math:`v_\pi(s)`,
    the usual baseline.

    Parameters
    ----------
    mdp, theta, features
        As :func:`policy_gradient` (no start distribution needed).

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``.

    Examples
    --------
    >>> m = MDP([[[1.0], [1.0]]], [[1.0, 3.0]], 0.0)
    >>> variance_minimising_baseline(m, [[0.0, np.log(3.0)]]).round(6).tolist()  # weights π‖e_a − π‖² = 9/32, 3/32
    [1.5]
    """
    h, Phi = _logits(theta, mdp, features)
    pi = softmax_policy(h)
    q = pg.evaluate(mdp, pi, np.zeros(mdp.n_states)).q
    if Phi is None:
        sq = 1 - 2 * pi + np.sum(pi**2, axis=1, keepdims=True)  # ‖e_a − π‖²
    else:
        F = (Phi.toarray() if sps.issparse(Phi) else Phi).reshape(mdp.n_states, mdp.n_actions, -1)
        score = F - np.einsum("sa,sad->sd", pi, F)[:, None, :]  # φ(s, a) − E_π φ(s, ·)
        sq = np.sum(score**2, axis=2)
    w = pi * sq
    return np.asarray(np.sum(w * q, axis=1) / np.sum(w, axis=1))  # b* = E[‖∇ln π‖² q] / E[‖∇ln π‖²]


def short_corridor() -> MDP:
    r"""Sutton & Barto's Example 13.1, the short corridor with switched actions, as an :class:`~refalgo.mdp.MDP`.

    States 0, 1, 2 and the terminal state 3; actions 0 = left, 1 = right; reward −1 per
    step, :math:`\gamma = 1`. In states 0 and 2 the actions move as named (left in state 0
    stays there); in state 1 they are switched. With :func:`short_corridor_features` every
    state looks the same, so a policy is one probability :math:`p` of "right", and
    :math:`J(p) = v(0) = (2p - 4)/(p(1 - p))`.

    Returns
    -------
    MDP

    References
    ----------
    Sutton & Barto (2018), Example 13.1 and Figure 13.1 (left).

    Examples
    --------
    >>> m = short_corridor(); m.n_states, m.n_actions, m.gamma
    (4, 2, 1.0)
    """
    E = np.eye(4, dtype=int)
    P = [[E[0], E[1]], [E[2], E[0]], [E[1], E[3]], [E[3], E[3]]]  # [left, right] of each state; state 1 switched
    R = [[-1, -1], [-1, -1], [-1, -1], [0, 0]]
    return MDP(np.array(P, dtype=object), np.array(R, dtype=object), 1)


def short_corridor_features() -> NDArray[np.float64]:
    r"""Sutton & Barto's features of Example 13.1: :math:`\phi(s, \text{right}) = (1, 0)`, :math:`\phi(s, \text{left}) = (0, 1)`.

    Returns
    -------
    numpy.ndarray
        ``(8, 2)``, rows ``s·2 + a``; with ``theta = (θ_R, θ_L)`` the probability of right is
        :math:`\sigma(\theta_R - \theta_L)` in every state.

    Examples
    --------
    >>> short_corridor_features()[:2].tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    return np.tile(np.array([[0.0, 1.0], [1.0, 0.0]]), (4, 1))


# ---------------------------------------------------------------------- derivations
def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the page renders.

    Examples
    --------
    >>> [d.verify().status for d in derivations()][:2]
    ['proven', 'proven']
    """
    return (_twins_agree(), _log_derivative(), _baseline_unbiased(), _optimal_baseline(), _td_error(),
            _importance_sampling(), _linear_score(), _average_reward(), _npg_soft_policy_iteration())


def _twins_agree() -> Derivation:
    p = sp.Symbol("p", positive=True)
    g = sp.Symbol("gamma", positive=True)
    J = p / (1 - g * (1 - p))
    eta, v, q1 = 1 / (1 - g * (1 - p)), J, 1
    return Derivation(
        r"Both twins on a two-state model: differentiating $J$ gives the theorem's $\eta(s)\,\pi(a|s)\,(q_\pi(s,a) - v_\pi(s))$",
        [
            Step(sp.diff(J, p) * p * (1 - p), r"differentiate $J = v_\pi(s_0) = p/(1 - \gamma(1 - p))$ (the symbolic twin), "
                                              r"chain rule with $\partial p/\partial\theta_1 = p(1 - p)$"),
            Step((1 - g) * p * (1 - p) / (1 - g * (1 - p)) ** 2, "quotient rule"),
            Step(eta * p * (q1 - v), r"$\eta(s_0) = 1/(1-\gamma(1-p))$, $q_\pi(s_0, a_1) = 1$, $v_\pi(s_0) = J$: the theorem (4)"),
        ],
        lhs_latex=r"\frac{\partial J}{\partial \theta_1}",
        symbols={"p": r"$\pi(a_1|s_0) = e^{\theta_1}/(e^{\theta_0} + e^{\theta_1})$, the probability of leaving $s_0$ "
                      r"($a_1$, reward 1; $a_0$ stays, reward 0)",
                 r"\gamma": "the discount; the other state is absorbing with reward 0"},
    )


def _softmax3() -> tuple[tuple[sp.Symbol, ...], tuple[sp.Symbol, ...], dict[sp.Symbol, sp.Expr]]:
    t = sp.symbols("theta_1:4", real=True)
    p = sp.symbols("pi_1:4", positive=True)
    Z = sum(sp.exp(x) for x in t)
    return t, p, {p[i]: sp.exp(t[i]) / Z for i in range(3)}


def _log_derivative() -> Derivation:
    t, p, where = _softmax3()
    return Derivation(
        r"The log-derivative trick, and the tabular softmax score $e_a - \pi(\cdot|s)$",
        [
            Step(sp.Derivative(p[0], t[1]), r"$\partial\pi(a_1|s)/\partial\theta_2$"),
            Step(p[0] * sp.Derivative(sp.log(p[0]), t[1]), r"$\nabla\pi = \pi\,\nabla\ln\pi$"),
            Step(p[0] * (0 - p[1]), r"$\partial\ln\pi(a_1|s)/\partial\theta_2 = [a_1 = a_2] - \pi(a_2|s)$"),
        ],
        where=where,
        symbols={r"\theta_1, \theta_2, \theta_3": r"the logits of three actions in one state"},
    )


def _baseline_unbiased() -> Derivation:
    t, p, where = _softmax3()
    b = sp.Symbol("b", real=True)
    return Derivation(
        r"Any baseline is unbiased: $\mathbb{E}_{A\sim\pi}[\nabla\ln\pi(A|s)\, b(s)] = 0$",
        [
            Step(b * sum(x * sp.Derivative(sp.log(x), t[0]) for x in p), r"the expectation over three actions"),
            Step(b * sp.Add(*[sp.Derivative(x, t[0]) for x in p], evaluate=False), r"$\pi\,\nabla\ln\pi = \nabla\pi$"),
            Step(sp.Integer(0), r"$\sum_a \pi(a|s) = 1$ for every $\theta$"),
        ],
        where=where,
        lhs_latex=r"\mathbb{E}_{A\sim\pi}\Bigl[\frac{\partial \ln\pi(A|s)}{\partial\theta_1}\, b\Bigr]",
        symbols={"b": r"any baseline $b(s)$, independent of the action"},
    )


def _optimal_baseline() -> Derivation:
    p1 = sp.Symbol("p_1", positive=True)
    g1, g2 = sp.symbols("g_1 g_2", positive=True)
    q1, q2, b = sp.symbols("q_1 q_2 b", real=True)
    w1, w2 = p1 * g1, (1 - p1) * g2
    bstar = (w1 * q1 + w2 * q2) / (w1 + w2)
    V = w1 * (q1 - b) ** 2 + w2 * (q2 - b) ** 2
    return Derivation(
        r"The variance-minimising baseline $b^* = \mathbb{E}[\|\nabla\ln\pi\|^2 q]/\mathbb{E}[\|\nabla\ln\pi\|^2]$",
        [
            Step(sp.diff(V, b).subs(b, bstar), r"the slope of $\mathbb{E}\|\nabla\ln\pi(A|s)(q(s,A) - b)\|^2$ at $b^*$"),
            Step(-2 * (w1 * (q1 - bstar) + w2 * (q2 - bstar)), r"differentiate the two terms"),
            Step(-2 * ((w1 * q1 + w2 * q2) - bstar * (w1 + w2)), r"collect $b^*$"),
            Step(sp.Integer(0), r"the definition of $b^*$"),
        ],
        lhs_latex=r"\frac{d}{db}\mathbb{E}\bigl\|\nabla\ln\pi\,(q-b)\bigr\|^2\Big|_{b^*}",
        symbols={"p_1": r"$\pi(a_1|s)$ ($\pi(a_2|s) = 1 - p_1$)", "g_a": r"$\|\nabla\ln\pi(a|s)\|^2$",
                 "q_a": r"$q_\pi(s, a)$"},
        argument=r"The second derivative is $2\,\mathbb{E}\|\nabla\ln\pi\|^2 > 0$, so $b^*$ is the minimum. When "
                 r"$\|\nabla\ln\pi(a|s)\|^2$ is the same for all $a$, $b^* = \sum_a\pi(a|s)q_\pi(s,a) = v_\pi(s)$.",
    )


def _td_error() -> Derivation:
    r, g, p, v1, v2, vs = sp.symbols("r gamma p v_1 v_2 v_s", real=True)
    return Derivation(
        r"With $v = v_\pi$ the TD error's expectation is the advantage: $\mathbb{E}[\delta \mid s, a] = q_\pi(s,a) - v_\pi(s)$",
        [
            Step(p * (r + g * v1 - vs) + (1 - p) * (r + g * v2 - vs), r"$\delta = r + \gamma v_\pi(S') - v_\pi(s)$, two next states"),
            Step(r + g * (p * v1 + (1 - p) * v2) - vs, r"the probabilities sum to 1"),
            Step((r + g * (p * v1 + (1 - p) * v2)) - vs, r"$q_\pi(s,a) = r + \gamma\sum_{s'}p(s'|s,a)v_\pi(s')$, minus $v_\pi(s)$"),
        ],
        lhs_latex=r"\mathbb{E}[\delta \mid s, a]",
        symbols={"p": r"$p(s_1|s,a)$", "v_1, v_2, v_s": r"$v_\pi(s_1), v_\pi(s_2), v_\pi(s)$"},
    )


def _importance_sampling() -> Derivation:
    p1, b1 = sp.symbols("pi_1 beta_1", positive=True)
    s1, s2, q1, q2 = sp.symbols("psi_1 psi_2 q_1 q_2", real=True)
    b2, p2 = 1 - b1, 1 - p1
    return Derivation(
        r"Importance sampling makes the off-policy gradient unbiased: $\mathbb{E}_{A\sim\beta}[\rho\,\nabla\ln\pi\, q] = \mathbb{E}_{A\sim\pi}[\nabla\ln\pi\, q]$",
        [
            Step(b1 * (p1 / b1) * s1 * q1 + b2 * (p2 / b2) * s2 * q2, r"the expectation under the behaviour policy $\beta$"),
            Step(p1 * s1 * q1 + p2 * s2 * q2, r"$\beta(a|s)\,\rho = \beta(a|s)\,\pi(a|s)/\beta(a|s) = \pi(a|s)$"),
        ],
        lhs_latex=r"\mathbb{E}_{A\sim\beta}[\rho\,\psi(A)\,q(A)]",
        symbols={r"\psi_a": r"$\nabla\ln\pi(a|s)$ (one coordinate)", r"\beta_1, \pi_1": r"$\beta(a_1|s)$, $\pi(a_1|s)$ (both > 0)"},
    )


def _linear_score() -> Derivation:
    w1, w2, f11, f12, f21, f22 = sp.symbols("theta_1 theta_2 phi_11 phi_12 phi_21 phi_22", real=True)
    p1, p2 = sp.symbols("pi_1 pi_2", positive=True)
    h1, h2 = f11 * w1 + f12 * w2, f21 * w1 + f22 * w2
    where = {p1: sp.exp(h1) / (sp.exp(h1) + sp.exp(h2)), p2: sp.exp(h2) / (sp.exp(h1) + sp.exp(h2))}
    return Derivation(
        r"The linear-softmax score: $\nabla\ln\pi(a|s) = \phi(s,a) - \mathbb{E}_{\pi}[\phi(s,\cdot)]$",
        [
            Step(sp.Derivative(sp.log(p1), w1), r"first coordinate of $\nabla_\theta \ln\pi(a_1|s)$"),
            Step(f11 - (p1 * f11 + p2 * f21), r"$\ln\pi_1 = h_1 - \ln(e^{h_1} + e^{h_2})$, $h_a = \phi(s,a)^\top\theta$: the softmax weights"),
        ],
        where=where,
        symbols={r"\phi_{aj}": r"feature $j$ of $(s, a)$"},
    )


def _average_reward() -> Derivation:
    p, q = sp.symbols("p q", positive=True)
    g = sp.Symbol("gamma", positive=True)
    r1, r2, v1, v2, d1, d2 = sp.symbols("r_1 r_2 v_1 v_2 d_1 d_2", real=True)
    P = sp.Matrix([[1 - p, p], [q, 1 - q]])
    v = (sp.eye(2) - g * P).inv() * sp.Matrix([r1, r2])
    where = {v1: v[0], v2: v[1], d1: q / (p + q), d2: p / (p + q)}
    return Derivation(
        r"The average reward is $(1-\gamma)$ times the average value: $\bar r_\pi = (1-\gamma)\, d_\pi^\top v_\pi$",
        [
            Step((1 - g) * (d1 * v1 + d2 * v2), r"$\bar v_\pi = d_\pi^\top v_\pi$ on the two-state chain"),
            Step((1 - g) * (d1 * r1 + d2 * r2 + g * (d1 * ((1 - p) * v1 + p * v2) + d2 * (q * v1 + (1 - q) * v2))),
                 r"the Bellman equation $v_\pi = r_\pi + \gamma P_\pi v_\pi$"),
            Step((1 - g) * (d1 * r1 + d2 * r2 + g * (d1 * v1 + d2 * v2)), r"stationarity $d_\pi^\top P_\pi = d_\pi^\top$"),
            Step(d1 * r1 + d2 * r2, r"solve $x = (1-\gamma)(\bar r + \gamma x/(1-\gamma))$ for $x$: the terms in $\gamma$ cancel"),
        ],
        where=where,
        lhs_latex=r"(1-\gamma)\,\bar v_\pi",
        symbols={"p, q": r"the switching probabilities of the chain $P_\pi$", r"r_1, r_2": r"$r_\pi$",
                 r"v_1, v_2": r"$v_\pi = (I - \gamma P_\pi)^{-1} r_\pi$", r"d_1, d_2": r"the stationary distribution $d_\pi$"},
        argument=r"The same three lines hold for any chain: only $v_\pi = r_\pi + \gamma P_\pi v_\pi$ and "
                 r"$d_\pi^\top P_\pi = d_\pi^\top$ are used, so $d_\pi^\top v_\pi = d_\pi^\top r_\pi/(1-\gamma)$.",
    )


def _npg_soft_policy_iteration() -> Derivation:
    pa, eta = sp.symbols("pi_a eta_s", positive=True)
    Aa, g, c, d = sp.symbols("A_a gamma c d", real=True)
    return Derivation(
        r"NPG for tabular softmax: $x = A_\pi/(1-\gamma)$ solves $F x = \nabla J$ in each state",
        [
            Step(d * (pa * Aa - pa * c) / (1 - g), r"entry $a$ of $d(s)\,(\mathrm{diag}\,\pi - \pi\pi^\top)\,A_\pi(s,\cdot)/(1-\gamma)$"),
            Step(d * pa * Aa / (1 - g), r"$c = \sum_b \pi(b|s)A_\pi(s,b) = 0$"),
            Step(eta * pa * Aa, r"$d(s) = (1-\gamma)\eta(s)$: entry $(s, a)$ of the gradient (4)"),
        ],
        where={c: 0, d: (1 - g) * eta},
        lhs_latex=r"\bigl(F_s\,\tfrac{A_\pi(s,\cdot)}{1-\gamma}\bigr)_a",
        symbols={r"\pi_a, A_a": r"$\pi(a|s)$, $A_\pi(s,a)$", r"\eta_s": r"$\eta(s)$"},
        argument=r"Every solution differs from $A_\pi/(1-\gamma)$ by a constant in each state (the null space of "
                 r"$\mathrm{diag}\,\pi - \pi\pi^\top$ is the constants), and softmax ignores such constants: "
                 r"$\theta + \alpha x$ gives $\pi_{t+1}(a|s) \propto \pi_t(a|s)\exp(\alpha A_\pi(s,a)/(1-\gamma))$.",
    )


# ---------------------------------------------------------------------- registry
def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def model(S: int) -> SearchStrategy[dict[str, Any]]:
        weights = st.lists(st.lists(st.lists(st.integers(0, 4), min_size=S, max_size=S).filter(any),
                                    min_size=2, max_size=2), min_size=S, max_size=S)
        rewards = st.lists(st.lists(st.integers(-3, 3), min_size=2, max_size=2), min_size=S, max_size=S)
        logits = st.lists(st.lists(st.integers(1, 4), min_size=2, max_size=2), min_size=S, max_size=S)

        def build(w: Any, r: Any, x: Any, s0: int) -> dict[str, Any]:
            P = np.array([[[sp.Rational(c, sum(row)) for c in row] for row in sa] for sa in w], dtype=object)
            return {"mdp": MDP(P, np.array(r, dtype=object), "9/10"),
                    "theta": [[sp.log(v) for v in row] for row in x], "start": s0}
        return st.builds(build, weights, rewards, logits, st.integers(0, S - 1))

    return st.integers(2, 3).flatmap(model)


def _symbolic(example: dict[str, Any]) -> list[float]:
    g = policy_gradient_symbolic(example["mdp"], example["theta"], start=example["start"])
    return [float(x) for x in g]


def _numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    theta = np.array([[float(x) for x in row] for row in example["theta"]])
    return policy_gradient(example["mdp"], theta, start=example["start"]).ravel()


CONCEPTS = (
    Concept(
        name="policy-gradient",
        area="rl",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-10, atol=1e-10, why="two LU solves of I − γP_π (γ = 0.9, at most 3 states: condition "
                            "≤ 1/(1 − γ)·3 = 30) and logits ln k rounded to eps: error a few hundred eps of |q| ≤ 30"),
        references=REFERENCES,
        page="rl/policy-gradient.md",
    ),
)

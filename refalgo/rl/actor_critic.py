r"""Sampled policy gradient: REINFORCE (with and without a baseline), QAC, A2C and off-policy actor-critic (Actor-Critic).

The actor is a **linear-softmax policy** on state–action features :math:`\Phi`
(shape ``(S·A, d)``, row ``s·A + a`` is :math:`\phi(s, a)`):

.. math::

    \pi(a \mid s, \theta) = \frac{\exp(\phi(s, a)^\top\theta)}{\sum_b \exp(\phi(s, b)^\top\theta)}, \qquad
    \nabla_\theta \ln\pi(a \mid s, \theta) = \phi(s, a) - \sum_b \pi(b \mid s, \theta)\,\phi(s, b) \qquad (1)

With ``features=None`` the policy is **tabular softmax**: :math:`\Phi = I_{SA}` and
``theta`` has shape ``(S, A)``, :math:`\pi(a|s) \propto \exp\theta[s, a]` — the
convention of :func:`refalgo.rl.pg_theorem.policy_gradient`. The objective is
:math:`J(\theta) = \sum_s d_0(s)\, v_{\pi_\theta}(s)`, with :math:`d_0` given by ``start``;
the learners evaluate it exactly (:func:`refalgo.mdp.state_values`) every
``record_every`` episodes: the learning curve.

The updates, one per episode (REINFORCE) or per step (the actor-critics):

.. math::

    G_t = \sum_{k \ge t} \gamma^{k-t} R_{k+1}, \qquad
    \theta \leftarrow \theta + \alpha_\theta \sum_t \gamma^t \bigl(G_t - b(S_t)\bigr)\nabla\ln\pi(A_t \mid S_t, \theta) \qquad (2)

    w \leftarrow w + \alpha_w \bigl(G_t - \hat v(S_t, w)\bigr)\psi(S_t), \qquad b(s) = \hat v(s, w) = \psi(s)^\top w \qquad (3)

    \text{QAC:}\quad w \leftarrow w + \alpha_w\bigl[R_{t+1} + \gamma\hat q(S_{t+1}, A_{t+1}, w) - \hat q(S_t, A_t, w)\bigr]\psi(S_t, A_t), \quad
    \theta \leftarrow \theta + \alpha_\theta\, \nabla\ln\pi(A_t \mid S_t, \theta)\, \hat q(S_t, A_t, w) \qquad (4)

    \delta_t = R_{t+1} + \gamma\hat v(S_{t+1}, w) - \hat v(S_t, w) \qquad (5)

    \text{A2C:}\quad w \leftarrow w + \alpha_w \delta_t\, \psi(S_t), \quad \theta \leftarrow \theta + \alpha_\theta\, \delta_t\, \nabla\ln\pi(A_t \mid S_t, \theta) \qquad (6)

    \text{off-policy, } A_t \sim \beta:\quad \rho_t = \frac{\pi(A_t \mid S_t, \theta)}{\beta(A_t \mid S_t)}, \quad
    w \leftarrow w + \alpha_w \rho_t \delta_t\, \psi(S_t), \quad \theta \leftarrow \theta + \alpha_\theta\, \rho_t \delta_t\, \nabla\ln\pi(A_t \mid S_t, \theta) \qquad (7)

**Conventions.** REINFORCE keeps Sutton & Barto's factor :math:`\gamma^t` in (2) (their
§13.3–13.4): with it the expected update of one episode is exactly
:math:`\alpha_\theta\nabla J(\theta)`; many codes drop it, and then follow a different
vector. Sutton & Barto update :math:`\theta` after each step of the episode; here the
sum (2) is taken at the :math:`\theta` (and (3) at the :math:`w`) of the episode's start: one
update per episode.
QAC, A2C and off-policy AC follow Zhao's Algorithms 10.1–10.3 (the notes' boxes): the
critic is updated first and QAC's actor uses the new :math:`w`; no :math:`\gamma^t`
unless ``discount_weight=True`` (Sutton & Barto's :math:`I` of §13.5). Critics are
linear: :math:`\hat v(s, w) = \psi(s)^\top w` with ``critic_features`` ``(S, k)``
(default one-hot), :math:`\hat q(s, a, w) = \psi(s, a)^\top w` with ``(S·A, k)``
(default one-hot). A terminal state (absorbing, reward 0) has value 0 and ends the
episode; an episode that reaches ``max_steps`` is cut there (REINFORCE then sums only
the rewards seen, the actor-critics bootstrap from the last state).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_matrix, exact_vector
from .._validate import as_array, as_count, as_flag, as_positive
from ..derivation import Derivation, Step
from ..mdp.model import MDP, as_policy
from ..mdp.values import state_values
from ..registry import Concept, Tolerance
from ._engine.ac import ModelStepper, linear_softmax, softmax_row
from .sampling import Transitions, discounted_returns_by_episode

__all__ = [
    "A2CLoss", "ActorCriticRun", "a2c", "a2c_loss", "derivations", "episode_gradients", "linear_softmax_policy",
    "off_policy_actor_critic", "qac", "reinforce", "reinforce_loss", "reinforce_with_baseline", "softmax_score",
    "softmax_score_symbolic",
]

REFERENCES = (
    ("R. S. Sutton and A. G. Barto, Reinforcement Learning: An Introduction, 2nd ed. (2018), §13.2-13.5, eq. (13.8), "
     "Example 13.1 and Figures 13.1-13.2."),
    "S. Zhao, Mathematical Foundations of Reinforcement Learning, Springer 2025, ch. 10, Algorithms 10.1-10.3.",
    ("R. J. Williams, Simple statistical gradient-following algorithms for connectionist reinforcement learning, "
     "Machine Learning 8 (1992) 229-256."),
    "T. Degris, M. White and R. S. Sutton, Off-policy actor-critic, ICML 2012.",
)


def softmax_score_symbolic(theta: Any, features: Any, *, n_actions: int) -> sp.Matrix:
    r"""Every score :math:`\nabla_\theta \ln\pi(a \mid s, \theta)` exactly, by differentiating :math:`\ln\pi` with SymPy.

    Parameters
    ----------
    theta
        :math:`\theta`, ``d`` exact numbers.
    features
        :math:`\Phi`, ``(S·A, d)`` exact numbers, row ``s·A + a``.
    n_actions
        :math:`A`.

    Returns
    -------
    sympy.Matrix
        ``(S·A, d)``: row ``s·A + a`` is :math:`\nabla_\theta\ln\pi(a \mid s, \theta)`.

    Examples
    --------
    >>> softmax_score_symbolic([0, 0], [[1, 0], [0, 1]], n_actions=2)
    Matrix([
    [ 1/2, -1/2],
    [-1/2,  1/2]])
    """
    A = as_count(n_actions, "n_actions")
    Phi = sp.Matrix(exact_matrix(features, "features"))
    if Phi.rows % A:
        raise ValueError(f"features: expected S·A rows (a multiple of n_actions = {A}); got {Phi.rows}")
    th = sp.Matrix(exact_vector(theta, "theta", length=Phi.cols))
    x = sp.symbols(f"x0:{Phi.cols}", real=True)
    logits = [sum(Phi[i, j] * x[j] for j in range(Phi.cols)) for i in range(Phi.rows)]
    at = dict(zip(x, th))
    out = sp.zeros(Phi.rows, Phi.cols)
    for s in range(Phi.rows // A):
        log_z = sp.log(sum(sp.exp(logits[s * A + b]) for b in range(A)))  # ln π(a|s, θ) = logit(s, a) − ln Z(s)
        d_log_z = [sp.diff(log_z, x[j]).subs(at) for j in range(Phi.cols)]
        for a in range(A):
            for j in range(Phi.cols):
                out[s * A + a, j] = sp.diff(logits[s * A + a], x[j]) - d_log_z[j]
    return out


def softmax_score(theta: ArrayLike, features: ArrayLike, *, n_actions: int) -> NDArray[np.float64]:
    r"""Every score :math:`\nabla_\theta \ln\pi(a \mid s, \theta) = \phi(s, a) - \sum_b \pi(b|s)\phi(s, b)` (1), in float64.

    Parameters
    ----------
    theta
        :math:`\theta`, shape ``(d,)``.
    features
        :math:`\Phi`, ``(S·A, d)``, row ``s·A + a``.
    n_actions
        :math:`A`.

    Returns
    -------
    numpy.ndarray
        ``(S·A, d)``: row ``s·A + a`` is the score of action ``a`` in state ``s``.

    Raises
    ------
    ValueError
        ``features`` with a row count not a multiple of ``n_actions``, or ``theta`` of another length than its columns.

    Examples
    --------
    >>> softmax_score([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], n_actions=2).tolist()
    [[0.5, -0.5], [-0.5, 0.5]]
    """
    Phi, th, A = _actor(features, theta, n_actions)
    pi = linear_softmax(Phi, th, A)  # π(·|s, θ), (1)
    mean = np.einsum("sa,sad->sd", pi, Phi.reshape(-1, A, Phi.shape[1]))  # Σ_b π(b|s) φ(s, b)
    return Phi - np.repeat(mean, A, axis=0)  # (1)


def linear_softmax_policy(theta: ArrayLike, features: ArrayLike | None = None, *, n_actions: int | None = None) -> NDArray[np.float64]:
    r"""The policy :math:`\pi(a \mid s, \theta)` of (1) as an ``(S, A)`` array.

    ``features=None``: tabular softmax, ``theta`` of shape ``(S, A)``. Otherwise ``theta``
    has shape ``(d,)``, ``features`` ``(S·A, d)`` and ``n_actions`` is required.

    Examples
    --------
    >>> linear_softmax_policy([[0.0, np.log(3.0)]]).round(6).tolist()
    [[0.25, 0.75]]
    """
    if features is None:
        th = as_array(theta, "theta", ndim=2)
        return linear_softmax(np.eye(th.size), th.ravel(), th.shape[1])
    if n_actions is None:
        raise ValueError("n_actions: expected the number of actions A with features; got None")
    Phi, th1, A = _actor(features, theta, n_actions)
    return linear_softmax(Phi, th1, A)


def _actor(features: Any, theta: Any, n_actions: int) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    A = as_count(n_actions, "n_actions")
    Phi = as_array(features, "features", ndim=2)
    if Phi.shape[0] % A:
        raise ValueError(f"features: expected S·A rows (a multiple of n_actions = {A}); got {Phi.shape[0]}")
    return Phi, as_array(theta, "theta", ndim=1, shape=(Phi.shape[1],)), A


def _start(mdp: MDP, start: Any) -> NDArray[np.float64]:
    S = mdp.n_states
    if np.ndim(start) == 0:
        s = as_count(start, "start", minimum=0)
        if s >= S:
            raise ValueError(f"start: expected a state 0 … {S - 1} or a distribution over the states; got {s}")
        return np.eye(S)[s]
    d = as_array(start, "start", ndim=1, shape=(S,))
    if np.any(d < 0) or abs(d.sum() - 1) > 1e-9:
        raise ValueError(f"start: expected a distribution over the {S} states (nonnegative, sum 1); got sum {d.sum():.6g}")
    return d


# ----------------------------------------------------------------------------------------------------------------
# Gradient estimates and losses on a fixed batch of episodes
# ----------------------------------------------------------------------------------------------------------------

def _episode_index(t: Transitions) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """For each step, its episode and its time ``t`` within the episode."""
    ends = t.terminated.astype(np.intp)
    episode = np.concatenate([[0], np.cumsum(ends)[:-1]])
    first = np.concatenate([[0], np.flatnonzero(t.terminated) + 1])[episode]
    return episode, np.arange(t.states.size) - first


def _finished(t: Transitions) -> Transitions:
    keep = int(np.flatnonzero(t.terminated)[-1]) + 1 if t.terminated.any() else 0
    if keep == 0:
        raise ValueError("transitions: expected at least one finished episode (a step flagged terminated)")
    return Transitions(t.states[:keep], t.actions[:keep], t.rewards[:keep], t.next_states[:keep], t.terminated[:keep])


def _tabular(mdp: MDP, theta: Any, features: Any) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[int, ...]]:
    """Φ, flat θ and the shape to give θ back: tabular (``features=None``) or linear."""
    S, A = mdp.n_states, mdp.n_actions
    if features is None:
        th = as_array(theta, "theta", ndim=2, shape=(S, A))
        return np.eye(S * A), th.ravel().copy(), (S, A)
    Phi = as_array(features, "features", ndim=2, shape=(S * A, None))
    return Phi, as_array(theta, "theta", ndim=1, shape=(Phi.shape[1],)).copy(), (Phi.shape[1],)


def episode_gradients(
    mdp: MDP, theta: ArrayLike, transitions: Transitions, *, features: ArrayLike | None = None,
    baseline: ArrayLike | None = None, behaviour: ArrayLike | None = None,
) -> NDArray[np.float64]:
    r"""One REINFORCE gradient estimate per finished episode of ``transitions``: the sum in (2).

    :math:`\sum_t \gamma^t (G_t - b(S_t))\nabla\ln\pi(A_t|S_t, \theta)`, unbiased for
    :math:`\nabla J(\theta)` when the episodes start from :math:`d_0` and follow
    :math:`\pi_\theta`. With ``behaviour`` :math:`\beta` the episodes follow :math:`\beta` and
    each reward :math:`R_{k+1}` is weighted by :math:`\rho_0\cdots\rho_k`,
    :math:`\rho_j = \pi(A_j|S_j)/\beta(A_j|S_j)` (per-decision importance sampling), and the
    baseline term of step :math:`t` by :math:`\rho_0\cdots\rho_t`: unbiased again.

    Parameters
    ----------
    mdp, theta, features
        The model and the policy (1); ``theta`` ``(S, A)`` when ``features`` is None.
    transitions
        A trajectory (e.g. :func:`~refalgo.rl.sample_trajectory`); the steps after its last
        terminated one are dropped.
    baseline
        :math:`b(s)`, ``(S,)`` (default 0).
    behaviour
        :math:`\beta`, ``(S, A)``, positive wherever actions were taken (default: on-policy).

    Returns
    -------
    numpy.ndarray
        ``(n_episodes, *theta.shape)``.

    Examples
    --------
    >>> m = MDP([[[0.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[1.0, 0.0], [0.0, 0.0]], 1.0)
    >>> t = Transitions(np.array([0]), np.array([0]), np.array([1.0]), np.array([1]), np.array([True]))
    >>> episode_gradients(m, np.zeros((2, 2)), t)[0].tolist()  # G_0 = 1, score (1/2, -1/2)
    [[0.5, -0.5], [0.0, 0.0]]
    """
    Phi, th, shape = _tabular(mdp, theta, features)
    t = _finished(transitions)
    A, g = mdp.n_actions, mdp.gamma
    episode, step = _episode_index(t)
    pi = linear_softmax(Phi, th, A)
    rows = t.states * A + t.actions
    score = softmax_score(th, Phi, n_actions=A)[rows]  # (1)
    b = np.zeros(mdp.n_states) if baseline is None else as_array(baseline, "baseline", ndim=1, shape=(mdp.n_states,))
    if behaviour is None:
        G = discounted_returns_by_episode(t, gamma=g)  # G_t, (2)
        weight = g ** step * (G - b[t.states])  # γ^t (G_t − b(S_t))
    else:
        beta = as_policy(behaviour, mdp)
        if np.any(beta[t.states, t.actions] <= 0):
            raise ValueError("behaviour: expected β(a|s) > 0 for every action taken in transitions")
        rho = pi[t.states, t.actions] / beta[t.states, t.actions]  # ρ_t
        first = np.arange(t.states.size) - step  # each step's episode start
        last = np.flatnonzero(t.terminated)[episode]  # and end
        log_c = np.cumsum(np.log(rho))
        c = np.exp(log_c - log_c[first] + np.log(rho[first]))  # ρ_0 ⋯ ρ_t within the episode
        disc = g ** step
        after = np.append(np.cumsum((disc * c * t.rewards)[::-1])[::-1], 0.0)
        weight = after[:-1] - after[last + 1] - disc * c * b[t.states]  # Σ_{k ≥ t} γ^k ρ_0⋯ρ_k R_{k+1} − γ^t ρ_0⋯ρ_t b(S_t)
    out = np.zeros((int(episode[-1]) + 1, th.size))
    np.add.at(out, episode, weight[:, None] * score)  # Σ_t weight_t ∇ln π(A_t|S_t)
    return out.reshape(-1, *shape)


def reinforce_loss(
    theta: ArrayLike, features: ArrayLike, transitions: Transitions, *, gamma: float, n_actions: int,
    baseline: ArrayLike | None = None, dtype: Any = np.float32,
) -> tuple[Any, NDArray[Any]]:
    r"""REINFORCE's surrogate loss on a batch of finished episodes, and its gradient, in ``dtype``.

    :math:`L(\theta) = -\frac1E\sum_t \gamma^t (G_t - b(S_t))\ln\pi(A_t|S_t, \theta)`, with
    :math:`G_t` and :math:`b` held fixed; :math:`-\nabla L` is the mean of
    :func:`episode_gradients` and one REINFORCE update (2) is :math:`\theta - \alpha_\theta\nabla L`.

    Parameters
    ----------
    theta, features, n_actions
        :math:`\theta` ``(d,)``, :math:`\Phi` ``(S·A, d)``, :math:`A`.
    transitions
        Finished episodes (the last step flagged terminated).
    gamma
        :math:`\gamma`.
    baseline
        :math:`b(s)`, ``(S,)`` (default 0).
    dtype
        ``numpy.float32`` (default, as a network is trained) or ``numpy.float64``.

    Returns
    -------
    tuple
        ``(loss, gradient)``: a ``dtype`` scalar and a ``(d,)`` array.

    Examples
    --------
    >>> t = Transitions(np.array([0]), np.array([0]), np.array([1.0]), np.array([1]), np.array([True]))
    >>> loss, grad = reinforce_loss([0.0, 0.0], np.eye(2), t, gamma=1.0, n_actions=2)
    >>> round(float(loss), 6), grad.tolist()  # −ln(1/2), −(1/2, −1/2)
    (0.693147, [-0.5, 0.5])
    """
    Phi, th, A = _actor(features, theta, n_actions)
    t = _finished(transitions)
    episode, step = _episode_index(t)
    G = discounted_returns_by_episode(t, gamma=gamma)
    b = np.zeros(Phi.shape[0] // A) if baseline is None else as_array(baseline, "baseline", ndim=1, shape=(Phi.shape[0] // A,))
    weight = (float(gamma) ** step * (G - b[t.states])).astype(dtype)  # γ^t (G_t − b(S_t)), held fixed
    Phi, th = Phi.astype(dtype), th.astype(dtype)
    logits = (Phi @ th).reshape(-1, A)[t.states]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_pi = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # ln π(·|S_t, θ)
    pi = np.exp(log_pi)
    n_ep = dtype(int(episode[-1]) + 1)
    loss = -(weight * log_pi[np.arange(t.states.size), t.actions]).sum() / n_ep
    blocks = Phi.reshape(-1, A, Phi.shape[1])[t.states]
    score = blocks[np.arange(t.states.size), t.actions] - np.einsum("ta,tad->td", pi, blocks)  # (1)
    return loss, -(weight[:, None] * score).sum(axis=0) / n_ep


class A2CLoss(NamedTuple):
    r"""The A2C losses on a batch (means over its steps) and their gradients.

    Attributes
    ----------
    actor
        :math:`-\frac1n\sum_t \delta_t \ln\pi(A_t|S_t, \theta)`, :math:`\delta_t` held fixed.
    critic
        :math:`\frac1n\sum_t \tfrac12\delta_t^2`, the target :math:`R_{t+1} + \gamma\hat v(S_{t+1}, w)` held fixed.
    grad_theta, grad_w
        Their gradients; one A2C update (6) is :math:`\theta - \alpha_\theta` ``grad_theta``,
        :math:`w - \alpha_w` ``grad_w``.
    """

    actor: Any
    critic: Any
    grad_theta: NDArray[Any]
    grad_w: NDArray[Any]


def a2c_loss(
    theta: ArrayLike, w: ArrayLike, features: ArrayLike, critic_features: ArrayLike, transitions: Transitions, *,
    gamma: float, n_actions: int, dtype: Any = np.float32,
) -> A2CLoss:
    r"""A2C's actor and critic losses on a batch of transitions, with the TD-error advantage (5), in ``dtype``.

    Parameters
    ----------
    theta, features, n_actions
        :math:`\theta` ``(d,)``, :math:`\Phi` ``(S·A, d)``, :math:`A`.
    w, critic_features
        :math:`w` ``(k,)``, :math:`\Psi` ``(S, k)``: :math:`\hat v(s, w) = \psi(s)^\top w`.
    transitions
        Any transitions; a terminated step has :math:`\hat v(S_{t+1}) = 0`.
    gamma
        :math:`\gamma`.
    dtype
        ``numpy.float32`` (default) or ``numpy.float64``.

    Returns
    -------
    A2CLoss

    Examples
    --------
    >>> t = Transitions(np.array([0]), np.array([0]), np.array([1.0]), np.array([0]), np.array([True]))
    >>> out = a2c_loss([0.0, 0.0], [0.0], np.eye(2), [[1.0]], t, gamma=0.9, n_actions=2)
    >>> float(out.critic), out.grad_theta.tolist(), out.grad_w.tolist()  # δ = 1
    (0.5, [-0.5, 0.5], [-1.0])
    """
    Phi, th, A = _actor(features, theta, n_actions)
    Psi = as_array(critic_features, "critic_features", ndim=2, shape=(Phi.shape[0] // A, None)).astype(dtype)
    wv = as_array(w, "w", ndim=1, shape=(Psi.shape[1],)).astype(dtype)
    Phi, th = Phi.astype(dtype), th.astype(dtype)
    t = transitions
    g = dtype(gamma)
    v, v_next = Psi[t.states] @ wv, np.where(t.terminated, dtype(0), Psi[t.next_states] @ wv)
    delta = (t.rewards.astype(dtype) + g * v_next - v).astype(dtype)  # (5)
    logits = (Phi @ th).reshape(-1, A)[t.states]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_pi = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = dtype(t.states.size)
    blocks = Phi.reshape(-1, A, Phi.shape[1])[t.states]
    score = blocks[np.arange(t.states.size), t.actions] - np.einsum("ta,tad->td", np.exp(log_pi), blocks)  # (1)
    return A2CLoss(
        actor=-(delta * log_pi[np.arange(t.states.size), t.actions]).sum() / n,
        critic=(delta * delta).sum() / (2 * n),
        grad_theta=-(delta[:, None] * score).sum(axis=0) / n,  # −mean δ ∇ln π, (6)
        grad_w=-(delta[:, None] * Psi[t.states]).sum(axis=0) / n,  # −mean δ ψ(S), (6)
    )


# ----------------------------------------------------------------------------------------------------------------
# The learners
# ----------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActorCriticRun:
    r"""The history of a learner.

    Attributes
    ----------
    theta, w
        The last :math:`\theta` (shape ``(S, A)`` tabular, else ``(d,)``) and critic
        weights :math:`w` (empty for REINFORCE without baseline).
    returns
        The discounted return :math:`\sum_t \gamma^t R_{t+1}` of each episode.
    lengths
        The number of steps of each episode.
    episodes
        The episodes after which :math:`J` was evaluated (0 is before learning).
    objective
        :math:`J(\theta) = d_0^\top v_{\pi_\theta}` at those episodes, exact (a linear solve); NaN when
        :math:`\gamma = 1` and probabilities that underflowed to 0 leave the policy without an end.
    theta_history, w_history
        :math:`\theta` and :math:`w` at those episodes.
    transitions
        Everything experienced; episodes cut at ``max_steps`` end unflagged.
    """

    theta: NDArray[np.float64]
    w: NDArray[np.float64]
    returns: NDArray[np.float64]
    lengths: NDArray[np.intp]
    episodes: NDArray[np.intp]
    objective: NDArray[np.float64]
    theta_history: NDArray[np.float64]
    w_history: NDArray[np.float64]
    transitions: Transitions


class _Setup(NamedTuple):
    Phi: NDArray[np.float64]
    theta: NDArray[np.float64]
    shape: tuple[int, ...]
    Psi: NDArray[np.float64]
    w: NDArray[np.float64]
    start: NDArray[np.float64]
    stepper: ModelStepper
    n_episodes: int
    max_steps: int
    every: int


def _setup(mdp: MDP, features: Any, theta0: Any, critic_features: Any, critic_rows: int, w0: Any, start: Any,
           seed: int, n_episodes: int, max_steps: int, record_every: int | None, steps: dict[str, Any]) -> _Setup:
    for name, value in steps.items():  # every step size > 0
        as_positive(value, name)
    S, A = mdp.n_states, mdp.n_actions
    theta0 = np.zeros((S, A) if features is None else np.shape(features)[1:]) if theta0 is None else theta0
    Phi, th, shape = _tabular(mdp, theta0, features)
    if critic_rows == 0:
        Psi = np.zeros((S, 0))
    else:
        Psi = np.eye(critic_rows) if critic_features is None else as_array(critic_features, "critic_features", ndim=2,
                                                                           shape=(critic_rows, None))
    w = np.zeros(Psi.shape[1]) if w0 is None else as_array(w0, "w0", ndim=1, shape=(Psi.shape[1],)).copy()
    n = as_count(n_episodes, "n_episodes")
    every = as_count(record_every, "record_every") if record_every is not None else max(1, n // 100)
    d0 = _start(mdp, start)
    return _Setup(Phi, th, shape, Psi, w, d0, ModelStepper(mdp, d0, as_count(seed, "seed", minimum=0)), n,
                  as_count(max_steps, "max_steps"), every)


def _progress(n: int, progress: bool, name: str) -> Any:
    if not as_flag(progress, "progress"):
        return range(n)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # the bar is a convenience: without tqdm, run silently
        return range(n)
    return tqdm(range(n), desc=name)


class _Recorder:
    """Collects the episodes, J(θ) every ``every`` episodes, and the experience."""

    def __init__(self, mdp: MDP, u: _Setup) -> None:
        self.mdp, self.u = mdp, u
        self.returns: list[float] = []
        self.lengths: list[int] = []
        self.log: list[tuple[int, int, float, int, bool]] = []
        self.episodes: list[int] = []
        self.J: list[float] = []
        self.thetas: list[NDArray[np.float64]] = []
        self.ws: list[NDArray[np.float64]] = []
        self.record(0)

    def record(self, episode: int) -> None:
        pi = linear_softmax(self.u.Phi, self.u.theta, self.mdp.n_actions)
        self.episodes.append(episode)
        try:
            self.J.append(float(self.u.start @ state_values(self.mdp, pi)))
        except ValueError:  # γ = 1 and a float policy that never terminates (probabilities underflowed to 0)
            self.J.append(float("nan"))
        self.thetas.append(self.u.theta.reshape(self.u.shape).copy())
        self.ws.append(self.u.w.copy())

    def episode_done(self, e: int, rewards: list[float]) -> None:
        self.returns.append(float(np.polyval(rewards[::-1], self.mdp.gamma)) if rewards else 0.0)
        self.lengths.append(len(rewards))
        if (e + 1) % self.u.every == 0 or e + 1 == self.u.n_episodes:
            self.record(e + 1)

    def run(self) -> ActorCriticRun:
        log = np.array(self.log, dtype=object).reshape(-1, 5)
        t = Transitions(log[:, 0].astype(np.intp), log[:, 1].astype(np.intp), log[:, 2].astype(float),
                        log[:, 3].astype(np.intp), log[:, 4].astype(bool))
        return ActorCriticRun(self.u.theta.reshape(self.u.shape).copy(), self.u.w.copy(), np.array(self.returns),
                              np.array(self.lengths, dtype=np.intp), np.array(self.episodes, dtype=np.intp), np.array(self.J),
                              np.array(self.thetas), np.array(self.ws), t)


def _reinforce(mdp: MDP, u: _Setup, alpha_theta: float, alpha_w: float | None, progress: bool, name: str) -> ActorCriticRun:
    rec, step, A, g = _Recorder(mdp, u), u.stepper, mdp.n_actions, mdp.gamma
    Phi, Psi, theta, w = u.Phi, u.Psi, u.theta, u.w
    for e in _progress(u.n_episodes, progress, name):
        pi_cdf = np.cumsum(linear_softmax(Phi, theta, A), axis=1).tolist()  # π(·|·, θ) of the episode's start
        s = step.first_state()
        states: list[int] = []
        actions: list[int] = []
        rewards: list[float] = []
        while not step.terminal[s] and len(rewards) < u.max_steps:  # one episode under π(·|·, θ)
            a = step.draw(pi_cdf[s])
            s2 = step.next_state(s, a)
            states.append(s); actions.append(a); rewards.append(float(step.R[s][a]))
            rec.log.append((s, a, rewards[-1], s2, bool(step.terminal[s2])))
            s = s2
        if rewards:
            G = np.array(rewards)
            for k in range(len(rewards) - 2, -1, -1):
                G[k] += g * G[k + 1]  # G_t = R_{t+1} + γ G_{t+1}, (2)
            st, ac = np.array(states), np.array(actions)
            b = Psi[st] @ w if alpha_w is not None else np.zeros(len(rewards))  # b(S_t) = v̂(S_t, w), (3)
            blocks = Phi.reshape(-1, A, Phi.shape[1])[st]  # φ(S_t, ·)
            pis = linear_softmax(Phi, theta, A)[st]  # π(·|S_t, θ)
            score = blocks[np.arange(st.size), ac] - np.einsum("ta,tad->td", pis, blocks)  # ∇ln π(A_t|S_t, θ), (1)
            grad = (g ** np.arange(st.size) * (G - b)) @ score  # Σ_t γ^t (G_t − b(S_t)) ∇ln π, (2)
            if alpha_w is not None:
                w += alpha_w * ((G - b)[:, None] * Psi[st]).sum(axis=0)  # (3), at the w of the episode's start
            theta += alpha_theta * grad  # (2)
        rec.episode_done(e, rewards)
    return rec.run()


def reinforce(
    mdp: MDP, *, n_episodes: int, alpha_theta: float, seed: int, features: ArrayLike | None = None,
    theta0: ArrayLike | None = None, start: int | ArrayLike = 0, max_steps: int = 1000, record_every: int | None = None,
    progress: bool = True,
) -> ActorCriticRun:
    r"""REINFORCE (Monte Carlo policy gradient): the update (2) with :math:`b = 0`, once per episode.

    :math:`\alpha_\theta` is ``alpha_theta``; Sutton & Barto §13.3, with their :math:`\gamma^t`.

    Parameters
    ----------
    mdp
        The model the agent acts in; episodes end in terminal states or after ``max_steps``.
    n_episodes
        Number of episodes, >= 1.
    alpha_theta
        Step size > 0.
    seed
        Seed of NumPy's ``default_rng``.
    features, theta0
        :math:`\Phi` ``(S·A, d)`` and :math:`\theta_0` ``(d,)``; or tabular (``features=None``),
        :math:`\theta_0` ``(S, A)``; default zeros (the uniform policy).
    start
        The first state of each episode, or a distribution :math:`d_0` over states.
    max_steps
        Longest episode.
    record_every
        Evaluate :math:`J` every this many episodes (default: about 100 records).
    progress
        Show a tqdm progress bar (if tqdm is installed); ``False`` silences it.

    Returns
    -------
    ActorCriticRun

    Raises
    ------
    ValueError
        A step size <= 0, shapes of ``features`` or ``theta0`` that do not match the model,
        a bad ``start``, ``seed`` or count.

    Examples
    --------
    >>> m = MDP([[[0.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[1.0, 0.0], [0.0, 0.0]], 1.0)
    >>> run = reinforce(m, n_episodes=200, alpha_theta=0.5, seed=0, progress=False)
    >>> bool(run.objective[-1] > 0.95)  # J(π*) = 1: take action 0
    True
    """
    u = _setup(mdp, features, theta0, None, 0, None, start, seed, n_episodes, max_steps, record_every,
               {"alpha_theta": alpha_theta})
    return _reinforce(mdp, u, float(alpha_theta), None, progress, "REINFORCE")


def reinforce_with_baseline(
    mdp: MDP, *, n_episodes: int, alpha_theta: float, alpha_w: float, seed: int, features: ArrayLike | None = None,
    theta0: ArrayLike | None = None, critic_features: ArrayLike | None = None, w0: ArrayLike | None = None,
    start: int | ArrayLike = 0, max_steps: int = 1000, record_every: int | None = None, progress: bool = True,
) -> ActorCriticRun:
    r"""REINFORCE with a learned baseline :math:`b(s) = \hat v(s, w)`: the updates (2)–(3), once per episode.

    Sutton & Barto §13.4. :math:`\alpha_w` is ``alpha_w``; :math:`\psi` the rows of
    ``critic_features`` ``(S, k)`` (default one-hot), :math:`w_0` is ``w0`` (default zeros).

    Parameters
    ----------
    mdp, n_episodes, alpha_theta, seed, features, theta0, start, max_steps, record_every, progress
        As :func:`reinforce`.
    alpha_w
        Step size of the baseline's weights, > 0.
    critic_features, w0
        :math:`\Psi` ``(S, k)`` and :math:`w_0` ``(k,)``.

    Returns
    -------
    ActorCriticRun

    Raises
    ------
    ValueError
        As :func:`reinforce`, and for ``alpha_w``, ``critic_features``, ``w0``.

    Examples
    --------
    >>> m = MDP([[[0.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[1.0, 0.0], [0.0, 0.0]], 1.0)
    >>> run = reinforce_with_baseline(m, n_episodes=200, alpha_theta=0.5, alpha_w=0.1, seed=0, progress=False)
    >>> bool(run.objective[-1] > 0.95), bool(abs(run.w[0] - 1) < 0.1)  # b(0) → v_π(0) → 1
    (True, True)
    """
    u = _setup(mdp, features, theta0, critic_features, mdp.n_states, w0, start, seed, n_episodes, max_steps, record_every,
               {"alpha_theta": alpha_theta, "alpha_w": alpha_w})
    return _reinforce(mdp, u, float(alpha_theta), float(alpha_w), progress, "REINFORCE with baseline")


def _actor_critic(mdp: MDP, u: _Setup, alpha_theta: float, alpha_w: float, kind: str, behaviour: Any,
                  discount_weight: bool, progress: bool, name: str) -> ActorCriticRun:
    rec, step, A, g = _Recorder(mdp, u), u.stepper, mdp.n_actions, mdp.gamma
    Phi, Psi, theta, w = u.Phi, u.Psi, u.theta, u.w
    for e in _progress(u.n_episodes, progress, name):
        s, I = step.first_state(), 1.0
        rewards: list[float] = []
        pi_s = softmax_row(Phi[s * A:(s + 1) * A] @ theta)
        a = step.action(behaviour[s] if kind == "off" else pi_s)
        while not step.terminal[s] and len(rewards) < u.max_steps:
            s2 = step.next_state(s, a)
            r, done = float(step.R[s][a]), bool(step.terminal[s2])
            rewards.append(r); rec.log.append((s, a, r, s2, done))
            score = Phi[s * A + a] - np.array(pi_s) @ Phi[s * A:(s + 1) * A]  # ∇ln π(a|s, θ), (1)
            pi_s2 = softmax_row(Phi[s2 * A:(s2 + 1) * A] @ theta)
            a2 = step.action(behaviour[s2] if kind == "off" else pi_s2) if not done else 0
            if kind == "qac":
                q_next = 0.0 if done else Psi[s2 * A + a2] @ w
                w += alpha_w * I * (r + g * q_next - Psi[s * A + a] @ w) * Psi[s * A + a]  # critic, Sarsa, (4)
                theta += alpha_theta * I * (Psi[s * A + a] @ w) * score  # actor with q̂(s, a, w_{t+1}), (4)
            else:
                delta = r + g * (0.0 if done else Psi[s2] @ w) - Psi[s] @ w  # TD error, (5)
                rho = pi_s[a] / behaviour[s][a] if kind == "off" else 1.0  # importance ratio, (7)
                w += alpha_w * I * rho * delta * Psi[s]  # critic, (6) / (7)
                theta += alpha_theta * I * rho * delta * score  # actor, (6) / (7)
            I = I * g if discount_weight else 1.0
            s, a = s2, a2
            pi_s = softmax_row(Phi[s * A:(s + 1) * A] @ theta)
        rec.episode_done(e, rewards)
    return rec.run()


def _ac(mdp: MDP, kind: str, *, n_episodes: int, alpha_theta: float, alpha_w: float, seed: int, features: Any,
        theta0: Any, critic_features: Any, w0: Any, start: Any, max_steps: int, discount_weight: bool,
        record_every: int | None, progress: bool, behaviour: Any = None) -> ActorCriticRun:
    rows = mdp.n_states * mdp.n_actions if kind == "qac" else mdp.n_states
    u = _setup(mdp, features, theta0, critic_features, rows, w0, start, seed, n_episodes, max_steps, record_every,
               {"alpha_theta": alpha_theta, "alpha_w": alpha_w})
    beta = None
    if kind == "off":
        beta = as_policy(behaviour, mdp)
        if np.any(beta <= 0):
            s, a = np.argwhere(beta <= 0)[0]
            raise ValueError(f"behaviour: expected β(a|s) > 0 for every action (the softmax target gives each action "
                             f"positive probability); got β({a}|{s}) = {beta[s, a]}")
    names = {"qac": "QAC", "a2c": "A2C", "off": "off-policy AC"}
    return _actor_critic(mdp, u, float(alpha_theta), float(alpha_w), kind, None if beta is None else beta.tolist(), as_flag(discount_weight, "discount_weight"),
                         progress, names[kind])


def qac(
    mdp: MDP, *, n_episodes: int, alpha_theta: float, alpha_w: float, seed: int, features: ArrayLike | None = None,
    theta0: ArrayLike | None = None, critic_features: ArrayLike | None = None, w0: ArrayLike | None = None,
    start: int | ArrayLike = 0, max_steps: int = 1000, discount_weight: bool = False, record_every: int | None = None,
    progress: bool = True,
) -> ActorCriticRun:
    r"""QAC, the simplest actor-critic: a Sarsa critic :math:`\hat q(s, a, w) = \psi(s, a)^\top w` and the actor (4), each step.

    Zhao's Algorithm 10.1: draw :math:`A_{t+1} \sim \pi(\cdot|S_{t+1}, \theta_t)`; critic
    :math:`w_{t+1} = w_t + \alpha_w[R_{t+1} + \gamma\hat q(S_{t+1}, A_{t+1}, w_t) - \hat q(S_t, A_t, w_t)]\psi(S_t, A_t)`;
    actor :math:`\theta_{t+1} = \theta_t + \alpha_\theta\nabla\ln\pi(A_t|S_t, \theta_t)\,\hat q(S_t, A_t, w_{t+1})`.

    Parameters
    ----------
    mdp, n_episodes, alpha_theta, seed, features, theta0, start, max_steps, record_every, progress
        As :func:`reinforce`.
    alpha_w
        The critic's step size, > 0.
    critic_features, w0
        :math:`\Psi` ``(S·A, k)``, row ``s·A + a`` (default one-hot), and :math:`w_0` (default zeros).
    discount_weight
        Multiply step :math:`t`'s updates by :math:`\gamma^t` (Sutton & Barto's :math:`I`); default off, as Zhao.

    Returns
    -------
    ActorCriticRun

    Raises
    ------
    ValueError
        As :func:`reinforce`, and for ``alpha_w``, ``critic_features``, ``w0``.

    Examples
    --------
    >>> m = MDP([[[0.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[1.0, 0.0], [0.0, 0.0]], 1.0)
    >>> run = qac(m, n_episodes=300, alpha_theta=0.5, alpha_w=0.2, seed=0, progress=False)
    >>> bool(run.objective[-1] > 0.9)
    True
    """
    return _ac(mdp, "qac", n_episodes=n_episodes, alpha_theta=alpha_theta, alpha_w=alpha_w, seed=seed, features=features,
               theta0=theta0, critic_features=critic_features, w0=w0, start=start, max_steps=max_steps,
               discount_weight=discount_weight, record_every=record_every, progress=progress)


def a2c(
    mdp: MDP, *, n_episodes: int, alpha_theta: float, alpha_w: float, seed: int, features: ArrayLike | None = None,
    theta0: ArrayLike | None = None, critic_features: ArrayLike | None = None, w0: ArrayLike | None = None,
    start: int | ArrayLike = 0, max_steps: int = 1000, discount_weight: bool = False, record_every: int | None = None,
    progress: bool = True,
) -> ActorCriticRun:
    r"""Advantage actor-critic (A2C): the TD error (5) as the advantage, the updates (6) each step.

    Zhao's Algorithm 10.2; with ``discount_weight=True``, Sutton & Barto's one-step
    actor-critic (§13.5). :math:`\hat v(s, w) = \psi(s)^\top w`, ``critic_features`` ``(S, k)``.

    Parameters
    ----------
    mdp, n_episodes, alpha_theta, alpha_w, seed, features, theta0, start, max_steps, discount_weight, record_every, progress
        As :func:`qac`.
    critic_features, w0
        :math:`\Psi` ``(S, k)`` (default one-hot) and :math:`w_0` (default zeros).

    Returns
    -------
    ActorCriticRun

    Raises
    ------
    ValueError
        As :func:`qac`.

    Examples
    --------
    >>> m = MDP([[[0.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[1.0, 0.0], [0.0, 0.0]], 1.0)
    >>> run = a2c(m, n_episodes=300, alpha_theta=0.5, alpha_w=0.2, seed=0, progress=False)
    >>> bool(run.objective[-1] > 0.9)
    True
    """
    return _ac(mdp, "a2c", n_episodes=n_episodes, alpha_theta=alpha_theta, alpha_w=alpha_w, seed=seed, features=features,
               theta0=theta0, critic_features=critic_features, w0=w0, start=start, max_steps=max_steps,
               discount_weight=discount_weight, record_every=record_every, progress=progress)


def off_policy_actor_critic(
    mdp: MDP, behaviour: ArrayLike, *, n_episodes: int, alpha_theta: float, alpha_w: float, seed: int,
    features: ArrayLike | None = None, theta0: ArrayLike | None = None, critic_features: ArrayLike | None = None,
    w0: ArrayLike | None = None, start: int | ArrayLike = 0, max_steps: int = 1000, discount_weight: bool = False,
    record_every: int | None = None, progress: bool = True,
) -> ActorCriticRun:
    r"""Off-policy actor-critic: actions from the behaviour policy :math:`\beta`, the updates (7) weighted by :math:`\rho_t`.

    Zhao's Algorithm 10.3 (after Degris, White & Sutton 2012). :math:`\beta` is ``behaviour``.

    Parameters
    ----------
    mdp
        The model.
    behaviour
        :math:`\beta(a|s)`, ``(S, A)``, every entry > 0.
    n_episodes, alpha_theta, alpha_w, seed, features, theta0, critic_features, w0, start, max_steps, discount_weight, record_every, progress
        As :func:`a2c`.

    Returns
    -------
    ActorCriticRun
        ``returns`` are those of the behaviour policy's episodes; ``objective`` is
        :math:`J` of the learned target policy :math:`\pi_\theta`.

    Raises
    ------
    ValueError
        As :func:`a2c`, and a ``behaviour`` that is not a policy or gives some action probability 0.

    Examples
    --------
    >>> m = MDP([[[0.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]], [[1.0, 0.0], [0.0, 0.0]], 1.0)
    >>> run = off_policy_actor_critic(m, np.full((2, 2), 0.5), n_episodes=300, alpha_theta=0.5, alpha_w=0.2, seed=0,
    ...                               progress=False)
    >>> bool(run.objective[-1] > 0.9)
    True
    """
    return _ac(mdp, "off", n_episodes=n_episodes, alpha_theta=alpha_theta, alpha_w=alpha_w, seed=seed, features=features,
               theta0=theta0, critic_features=critic_features, w0=w0, start=start, max_steps=max_steps,
               discount_weight=discount_weight, record_every=record_every, progress=progress, behaviour=behaviour)


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the pages render: REINFORCE's and QAC's expected updates are policy gradients.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven']
    """
    t1, t2 = sp.symbols("theta_1 theta_2", real=True)
    r1, r2, q1, q2, p = sp.symbols("r_1 r_2 q_1 q_2 p", real=True)
    pi1 = sp.exp(t1) / (sp.exp(t1) + sp.exp(t2))
    pi2 = sp.exp(t2) / (sp.exp(t1) + sp.exp(t2))
    reinforce_mean = Derivation(
        r"REINFORCE on a one-step episode: the expected update $\mathbb E[G_0\,\partial_{\theta_1}\ln\pi(A_0)]$ is $\partial_{\theta_1} J$ "
        r"(two actions, rewards $r_1, r_2$, tabular softmax)",
        [
            Step(pi1 * r1 * sp.diff(sp.log(pi1), t1) + pi2 * r2 * sp.diff(sp.log(pi2), t1),
                 r"average $G_0\,\partial_{\theta_1}\ln\pi(A_0)$ over $A_0 \sim \pi$, with $G_0 = r_{A_0}$",
                 display=r"p \cdot r_1 \cdot (1 - p) + (1 - p) \cdot r_2 \cdot (-p)"),
            Step(pi1 * (1 - pi1) * (r1 - r2), r"collect $p\,(1 - p)$", display=r"p \cdot (1 - p) \cdot (r_1 - r_2)"),
            Step(sp.diff(pi1 * r1 + pi2 * r2, t1), r"$\partial_{\theta_1} p = p\,(1 - p)$: the derivative of $J = p\,r_1 + (1 - p)\,r_2$",
                 display=r"\frac{\partial}{\partial\theta_1}\bigl(p\,r_1 + (1 - p)\,r_2\bigr)"),
        ],
        where={p: pi1},
        lhs_latex=r"\mathbb E\bigl[G_0\,\partial_{\theta_1}\ln\pi(A_0)\bigr]",
        symbols={"p": r"$\pi(a_1) = e^{\theta_1}/(e^{\theta_1} + e^{\theta_2})$", "r_i": r"the reward of action $a_i$"},
        argument=(r"Every step of a longer episode contributes in the same way, weighted by $\gamma^t$ and by the probability "
                  r"of reaching $S_t$: that sum is the policy gradient theorem, which is why (2) keeps the factor $\gamma^t$."),
    )
    qac_mean = Derivation(
        r"QAC's actor with an exact critic: $\mathbb E_{A\sim\pi}[\partial_{\theta_1}\ln\pi(A|s)\,q(s, A)] = "
        r"\sum_a \partial_{\theta_1}\pi(a|s)\,q(s, a)$ (two actions)",
        [
            Step(pi1 * sp.diff(sp.log(pi1), t1) * q1 + pi2 * sp.diff(sp.log(pi2), t1) * q2,
                 r"average the actor's step over $A \sim \pi(\cdot|s)$", display=r"p \cdot (1 - p) \cdot q_1 + (1 - p) \cdot (-p) \cdot q_2"),
            Step(sp.diff(pi1, t1) * q1 + sp.diff(pi2, t1) * q2, r"$\pi\,\partial\ln\pi = \partial\pi$ (the log-derivative trick): "
                 r"$\partial_{\theta_1} p = p\,(1 - p)$, $\partial_{\theta_1}(1 - p) = -p\,(1 - p)$",
                 display=r"p \cdot (1 - p) \cdot q_1 - p \cdot (1 - p) \cdot q_2"),
        ],
        where={p: pi1},
        lhs_latex=r"\mathbb E_{A\sim\pi}\bigl[\partial_{\theta_1}\ln\pi(A|s)\,q(s, A)\bigr]",
        symbols={"p": r"$\pi(a_1|s)$", "q_i": r"$q_\pi(s, a_i)$, what the critic $\hat q(s, a_i, w)$ estimates"},
        argument=(r"Weighted by the discounted visitation $\eta(s)$, the right side summed over states is the policy gradient "
                  r"theorem's $\nabla J$: QAC follows it as far as $\hat q$ is close to $q_\pi$."),
    )
    return reinforce_mean, qac_mean


def _inputs() -> Any:
    from hypothesis import strategies as st

    from ..testing import int_matrices, rationals

    def example(S: int, A: int, d: int) -> Any:
        return st.fixed_dictionaries({"theta": st.lists(rationals(-2, 2, 4), min_size=d, max_size=d),
                                      "features": int_matrices(S * A, d, -2, 2), "n_actions": st.just(A)})

    return st.tuples(st.integers(1, 2), st.integers(2, 3), st.integers(1, 3)).flatmap(lambda t: example(*t))


def _symbolic(example: dict[str, Any]) -> NDArray[np.float64]:
    m = softmax_score_symbolic(example["theta"], example["features"], n_actions=example["n_actions"])
    return np.array([[float(x) for x in m.row(i)] for i in range(m.rows)])


def _numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    return softmax_score([float(x) for x in example["theta"]], np.array(example["features"], dtype=float),
                         n_actions=example["n_actions"])


CONCEPTS = (
    Concept(
        name="softmax-score",
        area="rl",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-12, atol=1e-12, why="a softmax of at most three logits below 12 in size, then one "
                            "weighted sum of integer features: a few ulps"),
        references=REFERENCES,
        page="rl/actor-critic.md",
    ),
)

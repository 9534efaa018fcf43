r"""DDPG (深度确定性策略梯度) in NumPy on the linear-quadratic regulator, where the answer is known.

DDPG (Lillicrap et al. 2015) is an actor-critic for continuous actions: a deterministic
actor :math:`u = \mu(x, \theta)`, a critic :math:`\hat Q(x, u, w)` fitted to a Bellman target
computed with slowly moving copies of both (the **target networks**), minibatches drawn from a
**replay buffer**, and **exploration noise** added to the actor's action. Here the problem is
LQR and both function classes contain the truth, so every part can be checked against the
exact answer of :mod:`refalgo.rl.lqr`.

**Conventions** (shared with :mod:`refalgo.rl.lqr`). State :math:`x \in \mathbb R^n`, action
:math:`u \in \mathbb R^m`, dynamics :math:`x' = Ax + Bu` (deterministic; episodes restart from
:math:`x_0 \sim \mathcal N(0, \Sigma_0)`), cost :math:`c(x, u) = x^\top Q x + u^\top R u`,
discount :math:`\gamma`. **We minimise cost**: the critic estimates the cost-to-go
:math:`Q_K(x, u)`, the actor descends it. With a reward :math:`r = -c` the critic would learn
:math:`q = -Q_K` and the actor ascend it: the same updates with every sign of :math:`\hat Q`
flipped. The actor is linear, :math:`\mu(x) = -Kx` (``K`` has shape ``(m, n)``); the critic is
quadratic, :math:`\hat Q(x, u) = z^\top H z + b` with :math:`z = [x; u]` and ``H`` symmetric
``(n+m, n+m)``. The exact :math:`Q_K` is such a quadratic with :math:`b = 0` (deterministic
dynamics), :math:`H = H_K` of :func:`refalgo.rl.lqr.lqr_q_matrix`.

One DDPG step on a minibatch :math:`\mathcal B` of :math:`N` transitions :math:`(x, u, c, x')`:

.. math::

    y = c + \gamma\,\hat Q\bigl(x', -K^- x';\ H^-, b^-\bigr) \qquad (1)

    \begin{aligned}
    \delta &= \hat Q(x, u; H, b) - y, \\
    H &\leftarrow H - \alpha_w \frac{2}{N}\sum_{\mathcal B} \delta\, z z^\top, \quad
    b \leftarrow b - \alpha_w \frac{2}{N}\sum_{\mathcal B} \delta \qquad (2)
    \end{aligned}

    \begin{aligned}
    \nabla_K \frac1N\sum_{\mathcal B}\hat Q(x, -Kx) &= -\frac{2}{N}\sum_{\mathcal B}\bigl(H_{ux}x + H_{uu}u\bigr)x^\top\Big|_{u = -Kx}, \\
    K &\leftarrow K - \alpha_\theta \nabla_K \qquad (3)
    \end{aligned}

    \begin{aligned}
    H^- &\leftarrow \tau H + (1 - \tau) H^-, \quad b^- \leftarrow \tau b + (1 - \tau) b^-, \\
    K^- &\leftarrow \tau K + (1 - \tau) K^- \qquad (4)
    \end{aligned}

(2) is the semi-gradient of :math:`\frac1N\sum\delta^2` with :math:`y` held fixed; (3) is the
deterministic policy gradient (Silver et al. 2014): :math:`\nabla_K\mu = -x^\top` times
:math:`\nabla_u\hat Q`, taken with the critic just updated, as in the paper's Algorithm 1.

Exploration adds :math:`n_t` to the action, :math:`u_t = -Kx_t + n_t`: Gaussian, or the
Ornstein–Uhlenbeck process :math:`dn = \theta_{OU}(\mu_{OU} - n)\,dt + \sigma\,dW`, discretised
by Euler–Maruyama as in the code of Lillicrap et al.'s experiments (and OpenAI Baselines'
``OrnsteinUhlenbeckActionNoise``):

.. math::

    n_{k+1} = n_k + \theta_{OU}(\mu_{OU} - n_k)\,\Delta t + \sigma\sqrt{\Delta t}\,\varepsilon_k,
    \quad \varepsilon_k \sim \mathcal N(0, 1) \qquad (5)

whose mean and variance after :math:`k` steps from :math:`n_0` are
:math:`\mu_{OU} + a^k(n_0 - \mu_{OU})` and :math:`\sigma^2\Delta t\,(1 - a^{2k})/(1 - a^2)`,
:math:`a = 1 - \theta_{OU}\Delta t` (6), stationary variance
:math:`\sigma^2/(\theta_{OU}(2 - \theta_{OU}\Delta t))`, against :math:`\sigma^2/(2\theta_{OU})` for the
continuous process. Parameter names: ``ou_theta``, ``sigma``, ``mu``, ``dt``, ``x0``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact, exact_positive, exact_vector
from .._validate import as_array, as_count, as_flag, as_positive, as_real
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ._engine.ddpg import (
    LIMIT,
    check_discount,
    check_gains,
    check_system,
    check_tau,
    progress_range,
    record,
)

__all__ = [
    "DDPGLQRHistory", "DDPGLQRRun", "DDPGLQRUpdate", "ReplayBatch", "ReplayBuffer", "ddpg_lqr", "ddpg_lqr_update",
    "derivations", "gaussian_noise", "ornstein_uhlenbeck_noise", "ou_moments", "ou_moments_symbolic", "quadratic_critic",
    "soft_update",
    "soft_update_symbolic",
]

REFERENCES = (
    "T. P. Lillicrap et al., Continuous control with deep reinforcement learning, arXiv:1509.02971 (ICLR 2016), Algorithm 1 and §7.",
    "D. Silver et al., Deterministic policy gradient algorithms, ICML 2014, Theorem 1.",
    "G. E. Uhlenbeck and L. S. Ornstein, On the theory of the Brownian motion, Phys. Rev. 36 (1930) 823-841.",
    "S. Zhao, Mathematical Foundations of Reinforcement Learning, Springer 2025, §10.4 (deterministic actor-critic).",
)


# ----------------------------------------------------------------------------------------------------------------
# The replay buffer
# ----------------------------------------------------------------------------------------------------------------

class ReplayBatch(NamedTuple):
    """A minibatch: states ``(N, n)``, actions ``(N, m)``, costs ``(N,)``, next states ``(N, n)``."""

    x: NDArray[np.float64]
    u: NDArray[np.float64]
    cost: NDArray[np.float64]
    x_next: NDArray[np.float64]


class ReplayBuffer:
    r"""A ring buffer of the last ``capacity`` transitions :math:`(x, u, c, x')`, sampled uniformly with its own seeded generator.

    The one mutable object of this module (as in every DDPG code): :meth:`add` overwrites the
    oldest transition once full, :meth:`sample` draws ``batch_size`` distinct stored
    transitions, each set equally likely.

    Parameters
    ----------
    capacity
        How many transitions are kept, >= 1.
    state_dim, action_dim
        :math:`n` and :math:`m`, >= 1.
    seed
        Seeds the draws of :meth:`sample`.

    Raises
    ------
    ValueError
        Counts < 1, a negative seed.

    Examples
    --------
    >>> buf = ReplayBuffer(10, state_dim=1, action_dim=1, seed=0)
    >>> buf.add([1.0], [0.5], 2.0, [0.8])
    >>> len(buf), buf.sample(1).cost.tolist()
    (1, [2.0])
    """

    def __init__(self, capacity: int, *, state_dim: int, action_dim: int, seed: int) -> None:
        self.capacity = as_count(capacity, "capacity")
        self.state_dim, self.action_dim = as_count(state_dim, "state_dim"), as_count(action_dim, "action_dim")
        self._rng = np.random.default_rng(as_count(seed, "seed", minimum=0))
        self._x = np.zeros((self.capacity, self.state_dim))
        self._u = np.zeros((self.capacity, self.action_dim))
        self._c = np.zeros(self.capacity)
        self._x2 = np.zeros((self.capacity, self.state_dim))
        self.n_added = 0

    def __len__(self) -> int:
        return min(self.n_added, self.capacity)

    def add(self, x: ArrayLike, u: ArrayLike, cost: float, x_next: ArrayLike) -> None:
        """Store one transition, dropping the oldest when full."""
        self.store(as_array(x, "x", ndim=1, shape=(self.state_dim,)), as_array(u, "u", ndim=1, shape=(self.action_dim,)),
                  as_real(cost, "cost"), as_array(x_next, "x_next", ndim=1, shape=(self.state_dim,)))

    def store(self, x: NDArray[np.float64], u: NDArray[np.float64], cost: float, x_next: NDArray[np.float64]) -> None:
        """Store one transition without checking it (the learner's inner loop; :meth:`add` checks)."""
        i = self.n_added % self.capacity
        self._x[i], self._u[i], self._c[i], self._x2[i] = x, u, cost, x_next
        self.n_added += 1

    def sample(self, batch_size: int) -> ReplayBatch:
        """``batch_size`` distinct stored transitions, drawn uniformly; an error if the buffer holds fewer."""
        N = as_count(batch_size, "batch_size")
        if N > len(self):
            raise ValueError(f"batch_size: expected at most the {len(self)} transitions in the buffer"
                             f"{' (it is empty)' if len(self) == 0 else ''}; got {N}")
        idx = self._rng.choice(len(self), size=N, replace=False)
        return ReplayBatch(self._x[idx], self._u[idx], self._c[idx], self._x2[idx])

    def newest(self) -> ReplayBatch:
        """The last transition added, as a batch of one (plain online learning); an error if the buffer is empty."""
        if len(self) == 0:
            raise ValueError("buffer: expected at least one transition; got an empty buffer")
        i = [(self.n_added - 1) % self.capacity]
        return ReplayBatch(self._x[i], self._u[i], self._c[i], self._x2[i])


def check_batch(batch: Any, n: int, m: int) -> tuple[NDArray[np.float64], ...]:
    if not isinstance(batch, ReplayBatch):
        raise TypeError(f"batch: expected a ReplayBatch; got {type(batch).__name__}")
    x = as_array(batch.x, "batch.x", ndim=2, shape=(None, n))
    N = x.shape[0]
    return (x, as_array(batch.u, "batch.u", shape=(N, m)), as_array(batch.cost, "batch.cost", shape=(N,)),
            as_array(batch.x_next, "batch.x_next", shape=(N, n)))


# ----------------------------------------------------------------------------------------------------------------
# Exploration noise: the Ornstein–Uhlenbeck process (5) and its moments (6)
# ----------------------------------------------------------------------------------------------------------------

def _ou_exact(ou_theta: Any, sigma: Any, dt: Any) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    th, sg, h = exact_positive(ou_theta, "ou_theta"), exact_positive(sigma, "sigma"), exact_positive(dt, "dt")
    if not th * h < 2:
        raise ValueError(f"ou_theta * dt: expected a number in (0, 2) (a stable discretisation); got {th * h}")
    return th, sg, h


def ou_moments_symbolic(k: int | None, *, ou_theta: Any, sigma: Any, dt: Any, mu: Any = 0, x0: Any = 0) -> tuple[sp.Expr, sp.Expr]:
    r"""Mean and variance of the discretised OU process (5) after ``k`` steps from ``x0``, exactly, by the closed form (6).

    :math:`\theta_{OU}` is ``ou_theta``, :math:`\sigma` ``sigma``, :math:`\Delta t` ``dt``,
    :math:`\mu_{OU}` ``mu``, :math:`n_0` ``x0``. With ``k=None``, the stationary moments
    :math:`(\mu_{OU},\ \sigma^2/(\theta_{OU}(2 - \theta_{OU}\Delta t)))`.

    Parameters
    ----------
    k
        Number of steps, >= 0, or ``None`` for the limit :math:`k \to \infty`.
    ou_theta, sigma, dt
        Exact numbers > 0 with :math:`\theta_{OU}\Delta t < 2` (so that :math:`|a| < 1`).
    mu, x0
        Exact numbers: the mean the process is pulled to, and its (deterministic) start.

    Returns
    -------
    (sympy.Expr, sympy.Expr)
        The mean and the variance.

    Raises
    ------
    ValueError
        A parameter <= 0, :math:`\theta_{OU}\Delta t \ge 2`, a negative ``k``.

    Examples
    --------
    >>> ou_moments_symbolic(None, ou_theta="0.15", sigma="0.2", dt=1)
    (0, 16/111)
    >>> ou_moments_symbolic(1, ou_theta=1, sigma=1, dt="1/2", x0=2)
    (1, 1/2)
    """
    th, sg, h = _ou_exact(ou_theta, sigma, dt)
    m, n0 = exact(mu, "mu"), exact(x0, "x0")
    a = 1 - th * h
    if k is None:
        return m, sg**2 / (th * (2 - th * h))
    steps = as_count(k, "k", minimum=0)
    return m + a**steps * (n0 - m), sg**2 * h * (1 - a ** (2 * steps)) / (1 - a**2)  # (6)


def soft_update_symbolic(target: Any, online: Any, *, tau: Any, n_updates: int = 1) -> list[sp.Expr]:
    r"""The target after ``n_updates`` soft updates (4) toward fixed online parameters, exactly, by the closed form.

    :math:`\theta^-_k = \theta + (1 - \tau)^k(\theta^-_0 - \theta)` (the derivation on the page);
    ``target`` is :math:`\theta^-_0`, ``online`` is :math:`\theta`, ``tau`` is :math:`\tau`, ``n_updates`` is :math:`k`.

    Parameters
    ----------
    target, online
        Exact numbers, one list each, of one length.
    tau
        :math:`\tau \in (0, 1]`, exact.
    n_updates
        :math:`k \ge 0`.

    Returns
    -------
    list of sympy.Expr

    Raises
    ------
    ValueError
        ``tau`` outside (0, 1], lengths that differ, a negative ``n_updates``.

    Examples
    --------
    >>> soft_update_symbolic([0, 1], [1, 1], tau="1/4", n_updates=2)
    [7/16, 1]
    """
    old = exact_vector(target, "target")
    new = exact_vector(online, "online", length=len(old))
    t = exact(tau, "tau")
    if not 0 < t <= 1:
        raise ValueError(f"tau: expected a soft-update rate in (0, 1]; got {t}")
    k = as_count(n_updates, "n_updates", minimum=0)
    return [w + (1 - t) ** k * (w0 - w) for w0, w in zip(old, new)]


def ou_moments(k: int, *, ou_theta: float, sigma: float, dt: float, mu: float = 0.0, x0: float = 0.0) -> tuple[float, float]:
    r"""Mean and variance of the discretised OU process (5) after ``k`` steps, in float64, by iterating the moment recursion.

    :math:`m_{j+1} = m_j + \theta_{OU}(\mu_{OU} - m_j)\Delta t`,
    :math:`v_{j+1} = (1 - \theta_{OU}\Delta t)^2 v_j + \sigma^2\Delta t`, from :math:`m_0 = n_0`, :math:`v_0 = 0`
    (the noise :math:`\varepsilon_j` is independent of :math:`n_j`). Names as in
    :func:`ou_moments_symbolic`.

    Parameters
    ----------
    k
        Number of steps, >= 0.
    ou_theta, sigma, dt
        > 0, with ``ou_theta * dt < 2``.
    mu, x0
        The long-run mean and the start.

    Returns
    -------
    (float, float)

    Raises
    ------
    ValueError
        As :func:`ou_moments_symbolic`.

    Examples
    --------
    >>> ou_moments(1, ou_theta=1.0, sigma=1.0, dt=0.5, x0=2.0)
    (1.0, 0.5)
    """
    th, sg, h = _ou_float(ou_theta, sigma, dt)
    m, v = as_real(x0, "x0"), 0.0
    target = as_real(mu, "mu")
    for _ in range(as_count(k, "k", minimum=0)):
        m = m + th * (target - m) * h  # the mean of (5)
        v = (1 - th * h) ** 2 * v + sg**2 * h  # the variance of (5): Var(a n + σ√Δt ε) = a² Var n + σ²Δt
    return m, v


def _ou_float(ou_theta: Any, sigma: Any, dt: Any) -> tuple[float, float, float]:
    th, sg, h = as_positive(ou_theta, "ou_theta"), as_positive(sigma, "sigma"), as_positive(dt, "dt")
    if not th * h < 2:
        raise ValueError(f"ou_theta * dt: expected a number in (0, 2) (a stable discretisation); got {th * h}")
    return th, sg, h


def ornstein_uhlenbeck_noise(n_steps: int, *, ou_theta: float = 0.15, sigma: float = 0.2, dt: float = 1e-2, mu: float = 0.0,
                             x0: float | None = None, size: int = 1, seed: int) -> NDArray[np.float64]:
    r"""A path of the discretised Ornstein–Uhlenbeck process (5), ``(n_steps, size)``, row 0 the start.

    Each column is an independent process. Defaults: θ = 0.15, σ = 0.2 (Lillicrap et al. §7),
    :math:`\Delta t = 10^{-2}` (OpenAI Baselines' default); ``x0=None`` starts at ``mu``.

    Parameters
    ----------
    n_steps
        Rows of the path, >= 1.
    ou_theta, sigma, dt
        > 0, with ``ou_theta * dt < 2``.
    mu, x0
        The long-run mean; the start (default ``mu``).
    size
        Number of independent processes (columns), >= 1.
    seed
        Seeds the Gaussian draws.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        Counts < 1, parameters out of range.

    Examples
    --------
    >>> ornstein_uhlenbeck_noise(4, size=2, seed=0).shape
    (4, 2)
    """
    th, sg, h = _ou_float(ou_theta, sigma, dt)
    n, d, m = as_count(n_steps, "n_steps"), as_count(size, "size"), as_real(mu, "mu")
    eps = np.random.default_rng(as_count(seed, "seed", minimum=0)).standard_normal((n - 1, d))
    out = np.empty((n, d))
    out[0] = m if x0 is None else as_real(x0, "x0")
    for k in range(n - 1):
        out[k + 1] = out[k] + th * (m - out[k]) * h + sg * np.sqrt(h) * eps[k]  # (5)
    return out


def gaussian_noise(n_steps: int, *, sigma: float, size: int = 1, seed: int) -> NDArray[np.float64]:
    r"""Independent Gaussian exploration noise :math:`n_t \sim \mathcal N(0, \sigma^2)`, ``(n_steps, size)``.

    Parameters
    ----------
    n_steps, size
        Rows and columns, >= 1.
    sigma
        Standard deviation > 0.
    seed
        Seeds the draws.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        Counts < 1, ``sigma`` <= 0.

    Examples
    --------
    >>> gaussian_noise(3, sigma=0.1, seed=0).shape
    (3, 1)
    """
    n, d, sg = as_count(n_steps, "n_steps"), as_count(size, "size"), as_positive(sigma, "sigma")
    return sg * np.random.default_rng(as_count(seed, "seed", minimum=0)).standard_normal((n, d))


# ----------------------------------------------------------------------------------------------------------------
# Replay buffer and soft updates
# ----------------------------------------------------------------------------------------------------------------

def soft_update(target: ArrayLike, online: ArrayLike, *, tau: float, n_updates: int = 1) -> NDArray[np.float64]:
    r"""The soft update :math:`\theta^- \leftarrow \tau\theta + (1 - \tau)\theta^-` (4), ``n_updates`` times toward fixed ``online``; a new array.

    ``target`` is :math:`\theta^-`, ``online`` is :math:`\theta`, ``tau`` is :math:`\tau`;
    :math:`\tau = 1` copies the online parameters (a hard update every step).

    Parameters
    ----------
    target, online
        Arrays of one shape.
    tau
        :math:`\tau \in (0, 1]`.
    n_updates
        How many updates, >= 0 (the learner applies one per step).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        ``tau`` outside (0, 1], shapes that differ.

    Examples
    --------
    >>> soft_update([0.0, 1.0], [1.0, 1.0], tau=0.25).tolist()
    [0.25, 1.0]
    """
    t = check_tau(tau)
    out = as_array(target, "target").copy()
    new = as_array(online, "online", shape=out.shape)
    for _ in range(as_count(n_updates, "n_updates", minimum=0)):
        out = t * new + (1 - t) * out  # (4)
    return out



# ----------------------------------------------------------------------------------------------------------------
# DDPG on LQR: one update (1)-(4), and the learner
# ----------------------------------------------------------------------------------------------------------------

class DDPGLQRUpdate(NamedTuple):
    r"""One update: targets :math:`y` (1), errors :math:`\delta`, the critic loss :math:`\frac1N\sum\delta^2`, the gradients (2)-(3) and the new parameters."""

    targets: NDArray[np.float64]
    td_errors: NDArray[np.float64]
    critic_loss: float
    grad_H: NDArray[np.float64]
    grad_b: float
    grad_K: NDArray[np.float64]
    K: NDArray[np.float64]
    H: NDArray[np.float64]
    b: float


def quadratic_critic(H: NDArray[np.float64], b: float, x: NDArray[np.float64], u: NDArray[np.float64]) -> NDArray[np.float64]:
    r""":math:`\hat Q(x, u) = z^\top H z + b` with :math:`z = [x; u]`, for rows ``x`` ``(N, n)`` and ``u`` ``(N, m)``: ``(N,)``.

    Examples
    --------
    >>> quadratic_critic(np.eye(2), 1.0, np.array([[1.0]]), np.array([[2.0]])).tolist()
    [6.0]
    """
    z = np.concatenate([x, u], axis=1)
    return np.einsum("ni,ij,nj->n", z, H, z) + b


def ddpg_lqr_update(K: ArrayLike, H: ArrayLike, b: float, K_target: ArrayLike, H_target: ArrayLike, b_target: float,
                    batch: ReplayBatch, *, gamma: float, actor_lr: float, critic_lr: float) -> DDPGLQRUpdate:
    r"""One DDPG update on LQR: the critic step (1)-(2) with the target networks, then the actor's DPG step (3) on the new critic.

    :math:`K, H, b` are ``K``, ``H``, ``b``; :math:`K^-, H^-, b^-` the ``*_target``;
    :math:`\alpha_\theta, \alpha_w` are ``actor_lr``, ``critic_lr``. The soft update (4) is
    :func:`soft_update`, applied by :func:`ddpg_lqr` after this step.

    Parameters
    ----------
    K, K_target
        Gains ``(m, n)``.
    H, H_target
        Symmetric ``(n+m, n+m)``.
    b, b_target
        The critic's constants.
    batch
        A :class:`ReplayBatch` (costs :math:`c = x^\top Qx + u^\top Ru` of the transitions).
    gamma
        :math:`\gamma \in [0, 1)`.
    actor_lr, critic_lr
        Step sizes > 0.

    Returns
    -------
    DDPGLQRUpdate

    Raises
    ------
    ValueError
        Shapes that do not match, a non-symmetric ``H``, ``gamma`` outside [0, 1), step sizes <= 0.

    Examples
    --------
    >>> batch = ReplayBatch(np.array([[1.0]]), np.array([[0.0]]), np.array([1.0]), np.array([[1.0]]))
    >>> up = ddpg_lqr_update([[0.0]], np.zeros((2, 2)), 0.0, [[0.0]], np.eye(2), 0.0, batch, gamma=0.5, actor_lr=0.1, critic_lr=0.1)
    >>> up.targets.tolist(), up.td_errors.tolist()  # y = 1 + 0.5·(1² + 0²); δ = 0 − 1.5
    ([1.5], [-1.5])
    """
    Kc, Hc, Kt, Ht = check_gains(K, H, K_target, H_target)
    g, a_th, a_w = check_discount(gamma), as_positive(actor_lr, "actor_lr"), as_positive(critic_lr, "critic_lr")
    x, u, c, x2 = check_batch(batch, *Kc.shape[::-1])
    return _update(Kc, Hc, as_real(b, "b"), Kt, Ht, as_real(b_target, "b_target"), x, u, c, x2, g, a_th, a_w)


def _update(K: NDArray[np.float64], H: NDArray[np.float64], b: float, Kt: NDArray[np.float64], Ht: NDArray[np.float64],
            bt: float, x: NDArray[np.float64], u: NDArray[np.float64], c: NDArray[np.float64], x2: NDArray[np.float64],
            gamma: float, actor_lr: float, critic_lr: float) -> DDPGLQRUpdate:
    """(1)-(3) on validated arrays: the body the page shows."""
    N, n = x.shape
    y = c + gamma * quadratic_critic(Ht, bt, x2, -x2 @ Kt.T)  # (1) y = c + γ Q̂(x', −K⁻x'; H⁻, b⁻)
    delta = quadratic_critic(H, b, x, u) - y  # (2) δ = Q̂(x, u) − y
    z = np.concatenate([x, u], axis=1)
    grad_H = 2 / N * np.einsum("n,ni,nj->ij", delta, z, z)  # (2) ∇_H (1/N)Σδ² = (2/N) Σ δ z zᵀ
    grad_b = 2 / N * float(delta.sum())  # (2) ∇_b = (2/N) Σ δ
    H_new, b_new = H - critic_lr * grad_H, b - critic_lr * grad_b  # (2)
    u_pi = -x @ K.T  # μ(x) = −Kx
    dQ_du = 2 * (x @ H_new[n:, :n].T + u_pi @ H_new[n:, n:].T)  # ∇_u Q̂ = 2(H_ux x + H_uu u), rows (N, m)
    grad_K = -(dQ_du.T @ x) / N  # (3) ∇_K = (1/N) Σ ∇_u Q̂ · ∂μ/∂K = −(1/N) Σ ∇_u Q̂ xᵀ
    return DDPGLQRUpdate(y, delta, float(np.mean(delta**2)), grad_H, grad_b, grad_K, K - actor_lr * grad_K, H_new, b_new)


@dataclass(frozen=True)
class DDPGLQRHistory:
    r"""What :func:`ddpg_lqr` records every ``record_every`` steps (and at step 0).

    Attributes
    ----------
    steps
        The environment steps recorded, ``(R,)``.
    K, H, b
        The actor's gain ``(R, m, n)``, the critic's matrix ``(R, n+m, n+m)`` and constant ``(R,)`` at those steps.
    critic_loss
        The mean of :math:`\delta^2` over the updates since the previous record (NaN before learning starts).
    """

    steps: NDArray[np.intp]
    K: NDArray[np.float64]
    H: NDArray[np.float64]
    b: NDArray[np.float64]
    critic_loss: NDArray[np.float64]


@dataclass(frozen=True)
class DDPGLQRRun:
    r"""The result of :func:`ddpg_lqr`: the last :math:`K`, :math:`H`, :math:`b`, the history, and whether the run diverged.

    ``diverged`` is True when a gain, a critic entry or a state left the finite range
    (:math:`|\cdot| > 10^{8}`); the run then stops and the history ends there.
    """

    K: NDArray[np.float64]
    H: NDArray[np.float64]
    b: float
    history: DDPGLQRHistory
    diverged: bool


class _Settings(NamedTuple):
    A: NDArray[np.float64]
    B: NDArray[np.float64]
    Q: NDArray[np.float64]
    R: NDArray[np.float64]
    chol0: NDArray[np.float64]
    gamma: float
    n_steps: int
    tau: float
    replay: bool
    batch_size: int
    buffer_size: int
    learning_starts: int
    episode_length: int
    noise: NDArray[np.float64]
    actor_lr: float
    critic_lr: float
    record_every: int
    seed: int


def _exploration(noise: str, n_steps: int, m: int, sigma: float, ou_theta: float, dt: float, episode: int,
                 seed: int) -> NDArray[np.float64]:
    """Every step's exploration noise ``(n_steps, m)``; the OU process restarts at 0 with each episode."""
    if noise == "gaussian":
        return gaussian_noise(n_steps, sigma=sigma, size=m, seed=seed)
    if noise != "ou":
        raise ValueError(f"noise: expected 'gaussian' or 'ou'; got {noise!r}"[:200])
    n_episodes = -(-n_steps // episode)
    paths = ornstein_uhlenbeck_noise(episode, ou_theta=ou_theta, sigma=sigma, dt=dt, x0=0.0, size=n_episodes * m, seed=seed)
    return paths.reshape(episode, n_episodes, m).transpose(1, 0, 2).reshape(-1, m)[:n_steps]


def _settings(A: Any, B: Any, Q: Any, R: Any, Sigma0: Any, kw: dict[str, Any]) -> _Settings:
    Am, Bm, Qm, Rm, chol0 = check_system(A, B, Q, R, Sigma0)
    n_steps, episode = as_count(kw["n_steps"], "n_steps"), as_count(kw["episode_length"], "episode_length")
    batch = as_count(kw["batch_size"], "batch_size") if as_flag(kw["replay"], "replay") else 1
    seed = as_count(kw["seed"], "seed", minimum=0)
    noise = _exploration(kw["noise"], n_steps, Bm.shape[1], as_positive(kw["noise_sigma"], "noise_sigma"), kw["ou_theta"],
                         kw["dt"], episode, seed + 1)
    start = as_count(kw["learning_starts"], "learning_starts", minimum=batch)
    every = max(1, n_steps // 200) if kw["record_every"] is None else as_count(kw["record_every"], "record_every")
    return _Settings(Am, Bm, Qm, Rm, chol0, check_discount(kw["gamma"]), n_steps, check_tau(kw["tau"]), kw["replay"], batch,
                     as_count(kw["buffer_size"], "buffer_size", minimum=batch), start, episode, noise,
                     as_positive(kw["actor_lr"], "actor_lr"), as_positive(kw["critic_lr"], "critic_lr"), every, seed)


def ddpg_lqr(
    A: ArrayLike, B: ArrayLike, Q: ArrayLike, R: ArrayLike, *, gamma: float, n_steps: int, seed: int,
    K0: ArrayLike | None = None, H0: ArrayLike | None = None, b0: float = 0.0, tau: float = 0.1, replay: bool = True,
    batch_size: int = 32, buffer_size: int = 10_000, learning_starts: int = 200, actor_lr: float = 1e-2,
    critic_lr: float = 2e-2, noise: str = "gaussian", noise_sigma: float = 0.3, ou_theta: float = 0.15, dt: float = 1.0,
    episode_length: int = 10, Sigma0: ArrayLike | None = None, record_every: int | None = None, progress: bool = True,
) -> DDPGLQRRun:
    r"""DDPG on LQR with a linear actor :math:`\mu(x) = -Kx` and a quadratic critic :math:`z^\top Hz + b`: updates (1)-(4) each step.

    Each step: act :math:`u = -Kx + n_t` (noise ``noise``), observe the cost
    :math:`c = x^\top Qx + u^\top Ru` and :math:`x' = Ax + Bu`, store the transition; once the
    buffer holds ``learning_starts`` transitions, draw ``batch_size`` of them (``replay=True``)
    or take only the newest one (``replay=False``, plain online DPG), apply
    :func:`ddpg_lqr_update`, then the soft updates (4) with rate ``tau``. Episodes restart
    every ``episode_length`` steps from :math:`x_0 \sim \mathcal N(0, \Sigma_0)`.

    Parameters
    ----------
    A, B, Q, R
        ``(n, n)``, ``(n, m)``, :math:`Q \succeq 0` ``(n, n)``, :math:`R \succ 0` ``(m, m)``.
    gamma
        :math:`\gamma \in [0, 1)`.
    n_steps
        Environment steps, >= 1.
    seed
        Seeds the start states, the exploration noise and the replay draws.
    K0, H0, b0
        The initial actor ``(m, n)`` (default 0), critic (default 0) and constant; the targets start equal to them.
    tau
        Soft-update rate :math:`\tau \in (0, 1]`; 1 makes the targets the online parameters.
    replay
        Sample minibatches from a buffer (DDPG) or update on the newest transition only.
    batch_size, buffer_size, learning_starts
        Minibatch size; buffer capacity (>= ``batch_size``); transitions stored before the
        first update (>= ``batch_size``; 1 is enough without replay).
    actor_lr, critic_lr
        :math:`\alpha_\theta`, :math:`\alpha_w` > 0.
    noise, noise_sigma, ou_theta, dt
        ``"gaussian"`` (standard deviation ``noise_sigma``) or ``"ou"`` (the process (5) with
        :math:`\sigma` = ``noise_sigma``, :math:`\theta_{OU}` = ``ou_theta``, :math:`\Delta t` =
        ``dt``, restarted at 0 each episode).
    episode_length
        Steps per episode, >= 1.
    Sigma0
        :math:`\Sigma_0 = \mathbb E[x_0x_0^\top]`, default :math:`I`.
    record_every
        Steps between records (default: about 200 records).
    progress
        Show a tqdm progress bar.

    Returns
    -------
    DDPGLQRRun

    Raises
    ------
    ValueError
        Shapes that do not match, :math:`R` not positive definite, :math:`Q` or
        :math:`\Sigma_0` not positive semidefinite, ``tau`` outside (0, 1], ``gamma`` outside
        [0, 1), counts < 1, ``buffer_size < batch_size``, an unknown ``noise``.

    Examples
    --------
    >>> run = ddpg_lqr([[0.9]], [[1.0]], [[1.0]], [[1.0]], gamma=0.9, n_steps=400, seed=0, record_every=100, progress=False)
    >>> run.history.steps.tolist(), run.diverged
    ([0, 100, 200, 300, 400], False)
    """
    s = _settings(A, B, Q, R, Sigma0, {
        "n_steps": n_steps, "episode_length": episode_length, "batch_size": batch_size, "replay": replay, "seed": seed,
        "noise": noise, "noise_sigma": noise_sigma, "ou_theta": ou_theta, "dt": dt, "learning_starts": learning_starts,
        "record_every": record_every, "gamma": gamma, "tau": tau, "buffer_size": buffer_size, "actor_lr": actor_lr,
        "critic_lr": critic_lr})
    n, m = s.B.shape
    K = np.zeros((m, n)) if K0 is None else as_array(K0, "K0", shape=(m, n)).copy()
    H = np.zeros((n + m, n + m)) if H0 is None else as_array(H0, "H0", shape=(n + m, n + m)).copy()
    if not np.allclose(H, H.T, rtol=1e-12, atol=1e-12):
        raise ValueError(f"H0: expected a symmetric matrix; got H0 - H0ᵀ of largest entry {np.abs(H - H.T).max():.3g}")
    return _run(s, K, H, as_real(b0, "b0"), as_flag(progress, "progress"))


def _run(s: _Settings, K: NDArray[np.float64], H: NDArray[np.float64], b: float, progress: bool) -> DDPGLQRRun:
    """The loop of :func:`ddpg_lqr` on validated settings."""
    n, m = s.B.shape
    rng = np.random.default_rng(s.seed)
    buffer = ReplayBuffer(s.buffer_size, state_dim=n, action_dim=m, seed=s.seed + 2)
    Kt, Ht, bt = K.copy(), H.copy(), b  # the target actor and critic start as copies
    rec: dict[str, list[Any]] = {"steps": [0], "K": [K.copy()], "H": [H.copy()], "b": [b], "loss": [np.nan]}
    losses: list[float] = []
    diverged = False
    for t in progress_range(s.n_steps, progress):
        if t % s.episode_length == 0:
            x = s.chol0 @ rng.standard_normal(n)  # a new episode: x₀ ~ N(0, Σ₀)
        u = -K @ x + s.noise[t]  # act: μ(x) plus exploration noise
        x_next = s.A @ x + s.B @ u
        buffer.store(x, u, float(x @ s.Q @ x + u @ s.R @ u), x_next)  # c = xᵀQx + uᵀRu
        x = x_next
        if len(buffer) >= s.learning_starts:
            batch = buffer.sample(s.batch_size) if s.replay else buffer.newest()  # replay, or the newest transition
            up = _update(K, H, b, Kt, Ht, bt, *batch, s.gamma, s.actor_lr, s.critic_lr)  # (1)-(3)
            K, H, b = up.K, up.H, up.b
            Kt, Ht, bt = s.tau * K + (1 - s.tau) * Kt, s.tau * H + (1 - s.tau) * Ht, s.tau * b + (1 - s.tau) * bt  # (4)
            losses.append(up.critic_loss)
        if not (np.abs(K).max() < LIMIT and np.abs(H).max() < LIMIT and np.abs(x).max() < LIMIT):
            diverged = True
            break
        if (t + 1) % s.record_every == 0 or t + 1 == s.n_steps:
            record(rec, t + 1, K, H, b, losses)
    history = DDPGLQRHistory(np.array(rec["steps"], dtype=np.intp), np.array(rec["K"]), np.array(rec["H"]),
                             np.array(rec["b"]), np.array(rec["loss"]))
    return DDPGLQRRun(K, H, float(b), history, diverged)



# ----------------------------------------------------------------------------------------------------------------
# Derivations and the registry
# ----------------------------------------------------------------------------------------------------------------

def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the page renders: the OU process's mean and variance, discretised and continuous; the soft update.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven', 'proven', 'proven']
    """
    th, h, sg, v, t, s = sp.symbols("theta dt sigma v t s", positive=True)
    mu, m, x0, tau, w, w0 = sp.symbols("mu m_k n_0 tau theta theta_0^-", real=True)
    names = {th: r"\theta_{OU}", h: r"\Delta t", mu: r"\mu_{OU}", m: "m_k", x0: "n_0"}
    a = 1 - th * h
    stationary = Derivation(
        r"The discretised process (5): stationary variance $v = \sigma^2/(\theta_{OU}(2 - \theta_{OU}\Delta t))$",
        [
            Step(sp.Eq(v, a**2 * v + sg**2 * h),
                 why=r"$\operatorname{Var} n_{k+1} = \operatorname{Var} n_k = v$; $\varepsilon_k$ is "
                 r"independent of $n_k$, so the variances of $(1 - \theta_{OU}\Delta t) n_k$ and $\sigma\sqrt{\Delta t}\,\varepsilon_k$ add"),
            Step(sp.Eq(v * (1 - a**2), sg**2 * h), r"collect $v$"),
            Step(sp.Eq(v * th * h * (2 - th * h), sg**2 * h),
                 why=r"$1 - (1 - \theta_{OU}\Delta t)^2 = \theta_{OU}\Delta t\,(2 - \theta_{OU}\Delta t)$"),
            Step(sp.Eq(v, sg**2 / (th * (2 - th * h))),
                 why=r"divide by $\theta_{OU}\Delta t\,(2 - \theta_{OU}\Delta t) > 0$",
                 factor=1 / (th * h * (2 - th * h))),
        ],
        assumptions=Assumptions.of(th * h < 2), names=names,
        symbols={"v": r"the stationary variance of $n_k$"},
    )
    mean = Derivation(
        r"The discretised mean: $m_{k+1} - \mu_{OU} = (1 - \theta_{OU}\Delta t)(m_k - \mu_{OU})$, so $m_k = \mu_{OU} + (1 - \theta_{OU}\Delta t)^k (n_0 - \mu_{OU})$",
        [
            Step(m + th * (mu - m) * h - mu, r"the mean of (5), $\mathbb E\varepsilon_k = 0$, minus $\mu_{OU}$"),
            Step(a * (m - mu), r"factor $m_k - \mu_{OU}$"),
        ],
        lhs_latex=r"m_{k+1} - \mu_{OU}", names=names,
        argument=r"Applied $k$ times from $m_0 = n_0$ the factor gives $(1 - \theta_{OU}\Delta t)^k$; it tends to 0 when $0 < \theta_{OU}\Delta t < 2$.",
    )
    continuous = Derivation(
        r"The continuous process: $\operatorname{Var} n_t = \sigma^2 \int_0^t e^{-2\theta_{OU}(t - s)}\,ds = \frac{\sigma^2}{2\theta_{OU}}(1 - e^{-2\theta_{OU} t})$",
        [
            Step(sp.Integral(sg**2 * sp.exp(-2 * th * (t - s)), (s, 0, t)),
                 r"$n_t = \mu_{OU} + (n_0 - \mu_{OU})e^{-\theta_{OU} t} + \sigma\int_0^t e^{-\theta_{OU}(t-s)}dW_s$, Itô's isometry"),
            Step(sg**2 * (1 - sp.exp(-2 * th * t)) / (2 * th), r"integrate",
                 display=r"\frac{\sigma^2}{2\theta_{OU}}(1 - e^{-2\theta_{OU} t})"),
        ],
        lhs_latex=r"\operatorname{Var} n_t", names=names,
        argument=(r"The mean $\mu_{OU} + (n_0 - \mu_{OU})e^{-\theta_{OU} t}$ solves $dm/dt = \theta_{OU}(\mu_{OU} - m)$; as $t \to \infty$ "
                  r"the variance tends to $\sigma^2/(2\theta_{OU})$, and $(1 - \theta_{OU}\Delta t)^{t/\Delta t} \to e^{-\theta_{OU} t}$ "
                  r"links the discretised mean to this one."),
    )
    gap = Derivation(
        r"Discretised against continuous: the stationary variance is larger by $\sigma^2\Delta t/(2(2 - \theta_{OU}\Delta t))$",
        [
            Step(sg**2 / (th * (2 - th * h)) - sg**2 / (2 * th), r"the two stationary variances"),
            Step(sg**2 * h / (2 * (2 - th * h)), r"over the common denominator $2\theta_{OU}(2 - \theta_{OU}\Delta t)$"),
        ],
        lhs_latex=r"v - \frac{\sigma^2}{2\theta_{OU}}", names=names,
        argument=r"The gap is of order $\Delta t$: with $\Delta t = 1$ (the form $n_{k+1} = n_k - \theta_{OU} n_k + \sigma\varepsilon_k$) it is not small.",
    )
    soft = Derivation(
        r"Three soft updates (4) toward a fixed $\theta$: $\theta^-_3 = \theta + (1 - \tau)^3(\theta^-_0 - \theta)$",
        [
            Step(tau * w + (1 - tau) * (tau * w + (1 - tau) * (tau * w + (1 - tau) * w0)), r"(4) applied three times"),
            Step(w + (1 - tau) ** 3 * (w0 - w), r"expand and collect: the weights $\tau(1 - \tau)^j$ sum to $1 - (1 - \tau)^3$"),
        ],
        lhs_latex=r"\theta^-_3", names={w0: r"\theta^-_0", w: r"\theta"},
        argument=(r"After $k$ updates the gap is $(1 - \tau)^k$ times the first one: the target follows the online parameters "
                  r"with a lag of about $1/\tau$ updates; $\tau = 1$ removes the lag."),
    )
    return stationary, mean, continuous, gap, soft


def _inputs() -> Any:
    from hypothesis import strategies as st

    from ..testing import rationals

    def tenths(hi: int) -> Any:  # p/10 for p = 1 … hi: positive by construction
        return st.integers(1, hi).map(lambda p: sp.Rational(p, 10))

    return st.fixed_dictionaries({"k": st.integers(0, 8), "ou_theta": tenths(10), "sigma": tenths(20), "dt": tenths(10),
                                  "mu": rationals(-2, 2, 10), "x0": rationals(-2, 2, 10)})


def _symbolic(example: dict[str, Any]) -> list[float]:
    return [float(v) for v in ou_moments_symbolic(**example)]


def _numeric(example: dict[str, Any]) -> list[float]:
    return list(ou_moments(example["k"], **{k: float(v) for k, v in example.items() if k != "k"}))


def _soft_inputs() -> Any:
    from hypothesis import strategies as st

    from ..testing import rationals

    return st.integers(1, 3).flatmap(lambda d: st.fixed_dictionaries({
        "target": st.lists(rationals(-2, 2, 10), min_size=d, max_size=d),
        "online": st.lists(rationals(-2, 2, 10), min_size=d, max_size=d),
        "tau": st.integers(1, 10).map(lambda p: sp.Rational(p, 10)), "n_updates": st.integers(0, 6)}))


def _soft_symbolic(example: dict[str, Any]) -> list[float]:
    return [float(v) for v in soft_update_symbolic(**example)]


def _soft_numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    return soft_update([float(v) for v in example["target"]], [float(v) for v in example["online"]],
                       tau=float(example["tau"]), n_updates=example["n_updates"])


CONCEPTS = (
    Concept(
        name="ou-noise-moments",
        area="rl",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-12, atol=1e-12, why="at most eight steps of a two-term recursion with factors below 1 in size"),
        references=REFERENCES,
        page="rl/ddpg.md",
    ),
    Concept(
        name="soft-update",
        area="rl",
        symbolic=_soft_symbolic,
        numeric=_soft_numeric,
        inputs=_soft_inputs,
        tolerance=Tolerance(rtol=1e-12, atol=1e-12, why="at most six convex combinations of numbers below 3 in size"),
        references=REFERENCES,
        page="rl/ddpg.md",
    ),
)

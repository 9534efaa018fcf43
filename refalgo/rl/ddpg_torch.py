r"""DDPG with neural networks (深度确定性策略梯度) on Gymnasium's Pendulum-v1, in PyTorch.

Deep deterministic policy gradient (Lillicrap et al. 2015) learns a deterministic actor
:math:`\mu(s, \theta)` and a critic :math:`\hat q(s, a, w)` from a replay buffer of transitions
:math:`(s, a, r, s', \mathrm{terminated})` gathered with exploration noise. One update on a
minibatch :math:`\mathcal B`:

.. math::

    y = r + \gamma\,(1 - \mathrm{terminated})\, \hat q\big(s', \mu(s', \theta^-), w^-\big) \qquad (1)

    L(w) = \frac{1}{|\mathcal B|}\sum_{\mathcal B} \big(\hat q(s, a, w) - y\big)^2 \qquad (2)

    \begin{aligned}
    L(\theta) &= -\frac{1}{|\mathcal B|}\sum_{\mathcal B} \hat q\big(s, \mu(s, \theta), w\big), \\
    \nabla_\theta L &= -\frac{1}{|\mathcal B|}\sum_{\mathcal B} \nabla_\theta \mu(s, \theta)\,
    \nabla_a \hat q(s, a, w)\big|_{a = \mu(s, \theta)} \qquad (3)
    \end{aligned}

    w^- \leftarrow \tau w + (1 - \tau) w^-, \qquad \theta^- \leftarrow \tau \theta + (1 - \tau) \theta^- \qquad (4)

The target :math:`y` is held fixed in (2) (a semi-gradient, as in DQN); (3) is the
deterministic policy gradient of Silver et al. (2014), ascended by descending its negative,
with the critic just updated by (2). Then both target networks move by (4).

Networks, as in the paper: the actor is :math:`s \to` 400 ReLU :math:`\to` 300 ReLU
:math:`\to a_{\max}\tanh(\cdot)`; the critic is :math:`s \to` 400 ReLU, then the action joins,
:math:`[h, a] \to` 300 ReLU :math:`\to` 1. Both final layers start uniform in
:math:`\pm 3\cdot 10^{-3}`, the others with PyTorch's default (the paper's
:math:`\pm 1/\sqrt{\text{fan-in}}`). Exploration adds an Ornstein–Uhlenbeck process
:math:`n_{t+1} = n_t - \theta_{\mathrm{OU}} n_t + \sigma_{\mathrm{OU}}\,\varepsilon_t` (reset to 0 each
episode) to :math:`\mu(s)`, clipped to the action bounds. ``terminated`` is Gymnasium's flag: a
time-limit truncation (Pendulum's only ending, after 200 steps) still bootstraps.

:data:`PAPER_DEVIATIONS` lists which of the paper's settings :func:`train_ddpg_pendulum` keeps
and which it changes, and why. :func:`ddpg_update` is one update (1)–(4) on given networks and
a given batch, returning every quantity the tests hold against a NumPy computation.
PyTorch and Gymnasium are imported only when called (both are in refalgo's ``parity`` extra).
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._validate import as_array, as_count, as_positive, as_real

__all__ = [
    "PAPER_DEVIATIONS",
    "DDPGBatch",
    "DDPGHistory",
    "DDPGNetworks",
    "DDPGRun",
    "DDPGUpdate",
    "ddpg_networks",
    "ddpg_update",
    "evaluate_policy",
    "ou_noise",
    "train_ddpg_pendulum",
]

TORCH_MISSING = ("refalgo.rl.ddpg_torch needs PyTorch and Gymnasium, which are in refalgo's parity extra: "
                 "pip install 'refalgo[parity]'")

PAPER_DEVIATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("hidden layers", "400, 300 ReLU; action enters the critic's 2nd layer", "same", "kept"),
    ("final-layer initialisation", "uniform ±3·10⁻³", "same", "kept"),
    ("Adam step sizes", "actor 10⁻⁴, critic 10⁻³", "same", "kept"),
    ("discount γ", "0.99", "same", "kept"),
    ("minibatch", "64", "same", "kept"),
    ("exploration", "Ornstein–Uhlenbeck, θ = 0.15, σ = 0.2", "same (dt = 1, reset each episode, clipped to ±2)", "kept"),
    ("replay capacity", "10⁶", "same", "kept (larger than the whole run: nothing is dropped)"),
    ("soft update τ", "10⁻³", "5·10⁻³", "the step budget: 20–30k steps instead of millions; 5·10⁻³ is CleanRL's and SB3's value"),
    ("critic L2 weight decay", "10⁻²", "0", "it pulls q̂ toward 0 while Pendulum's values are about −100 to −1000; CleanRL and SB3 drop it"),
    ("batch normalisation", "on every layer", "none", "one low-dimensional task with scaled inputs (cos, sin, θ̇ ≤ 8); CleanRL and SB3 drop it"),
    ("first steps", "act with μ + noise from the start", "1,000 uniformly random actions, then learning starts", "fills the buffer before the first update, as CleanRL and SB3 do"),
    ("training length", "2.5 million steps (all tasks)", "25,000 steps per seed", "two shared CPU cores; Pendulum is learned well before"),
)
"""The paper's settings (Lillicrap et al. 2015, §7 "Experiment details") against :func:`train_ddpg_pendulum`'s defaults.

Rows of ``(setting, paper, here, why)``; ``here == "same"`` means kept unchanged.
"""


class DDPGBatch(NamedTuple):
    """A minibatch of transitions: observations ``(B, n)``, actions ``(B, m)``, rewards ``(B,)``, next observations, terminated ``(B,)`` in {0, 1}."""

    obs: NDArray[Any]
    actions: NDArray[Any]
    rewards: NDArray[Any]
    next_obs: NDArray[Any]
    terminated: NDArray[Any]


class DDPGNetworks(NamedTuple):
    """The four networks (PyTorch modules) and the two Adam optimisers of DDPG."""

    actor: Any
    critic: Any
    actor_target: Any
    critic_target: Any
    actor_optimizer: Any
    critic_optimizer: Any


class DDPGUpdate(NamedTuple):
    r"""One update (1)–(4), as float32 NumPy arrays.

    Attributes
    ----------
    targets
        :math:`y` of (1), ``(B,)``.
    critic_loss, critic_grad
        (2) and its gradient in the critic's parameters (at the weights before the step), in
        ``critic.parameters()`` order.
    actor_loss, actor_grad
        (3), with the critic after its step, and its gradient in the actor's parameters.
    """

    targets: NDArray[np.float32]
    critic_loss: float
    critic_grad: list[NDArray[np.float32]]
    actor_loss: float
    actor_grad: list[NDArray[np.float32]]


class DDPGHistory(NamedTuple):
    """What a training run records: per step the losses (NaN before learning starts); per episode its return and last step."""

    critic_loss: NDArray[np.float64]
    actor_loss: NDArray[np.float64]
    episode_returns: NDArray[np.float64]
    episode_ends: NDArray[np.intp]


class DDPGRun(NamedTuple):
    """The result of :func:`train_ddpg_pendulum`: the trained networks (PyTorch modules), the history, the settings used."""

    actor: Any
    critic: Any
    history: DDPGHistory
    settings: dict[str, Any]


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # torch is in the parity extra only
        raise ImportError(TORCH_MISSING) from exc
    return torch


def _gym() -> Any:
    try:
        import gymnasium
    except ImportError as exc:
        raise ImportError(TORCH_MISSING) from exc
    return gymnasium


def _hidden(hidden: Any) -> tuple[int, int]:
    if not isinstance(hidden, (tuple, list)) or len(hidden) != 2:
        raise ValueError(f"hidden: expected two layer widths (h1, h2); got {hidden!r}"[:200])
    return as_count(hidden[0], "hidden[0]"), as_count(hidden[1], "hidden[1]")


def ddpg_networks(obs_dim: int, action_dim: int, action_bound: float, *, seed: int, hidden: tuple[int, int] = (400, 300),
                  final_init: float = 3e-3, actor_lr: float = 1e-4, critic_lr: float = 1e-3,
                  critic_weight_decay: float = 0.0) -> DDPGNetworks:
    r"""The paper's actor and critic (float32, on the CPU), their targets (copies) and Adam optimisers.

    Actor :math:`s \to h_1 \to h_2 \to a_{\max}\tanh`; critic :math:`s \to h_1`, then
    :math:`[h_1, a] \to h_2 \to 1`; ReLU between. Final layers uniform in ``±final_init``.

    Parameters
    ----------
    obs_dim, action_dim
        Sizes of the observation and action vectors, >= 1.
    action_bound
        :math:`a_{\max} > 0`: actions lie in :math:`[-a_{\max}, a_{\max}]`.
    seed
        Seeds the initialisation (``torch.manual_seed``).
    hidden
        ``(h1, h2)``.
    final_init
        Half-width of the final layers' uniform initialisation (weights and biases), > 0.
    actor_lr, critic_lr, critic_weight_decay
        Adam's step sizes, and the critic's L2 weight decay (>= 0).

    Returns
    -------
    DDPGNetworks

    Raises
    ------
    ValueError
        Sizes < 1, a bound, ``final_init`` or step size <= 0, a negative weight decay.
    ImportError
        PyTorch is not installed (it is in the ``parity`` extra).

    Examples
    --------
    >>> nets = ddpg_networks(3, 1, 2.0, seed=0, hidden=(8, 6))
    >>> [tuple(p.shape) for p in nets.critic.parameters()]
    [(8, 3), (8,), (6, 9), (6,), (1, 6), (1,)]
    """
    n, m = as_count(obs_dim, "obs_dim"), as_count(action_dim, "action_dim")
    bound = as_positive(action_bound, "action_bound")
    h1, h2 = _hidden(hidden)
    init = as_positive(final_init, "final_init")
    lr_a, lr_c = as_positive(actor_lr, "actor_lr"), as_positive(critic_lr, "critic_lr")
    wd = as_positive(critic_weight_decay, "critic_weight_decay", allow_zero=True)
    as_count(seed, "seed", minimum=0)
    torch = _torch()
    nn = torch.nn
    module: Any = nn.Module  # a base class known only once PyTorch is imported

    class Actor(module):
        def __init__(self) -> None:
            super().__init__()
            self.l1, self.l2, self.l3 = nn.Linear(n, h1), nn.Linear(h1, h2), nn.Linear(h2, m)
            self.register_buffer("bound", torch.tensor(bound, dtype=torch.float32))

        def forward(self, s: Any) -> Any:
            return self.bound * torch.tanh(self.l3(torch.relu(self.l2(torch.relu(self.l1(s))))))

    class Critic(module):
        def __init__(self) -> None:
            super().__init__()
            self.l1, self.l2, self.l3 = nn.Linear(n, h1), nn.Linear(h1 + m, h2), nn.Linear(h2, 1)

        def forward(self, s: Any, a: Any) -> Any:
            h = torch.relu(self.l1(s))
            return self.l3(torch.relu(self.l2(torch.cat([h, a], dim=-1)))).squeeze(-1)

    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        actor, critic = Actor(), Critic()
    with torch.no_grad():
        for layer in (actor.l3, critic.l3):
            for p in (layer.weight, layer.bias):
                p.copy_((torch.rand(p.shape, generator=gen) * 2 - 1) * init)
    actor_target, critic_target = copy.deepcopy(actor), copy.deepcopy(critic)  # θ⁻ = θ, w⁻ = w at the start
    for p in (*actor_target.parameters(), *critic_target.parameters()):
        p.requires_grad_(False)
    return DDPGNetworks(actor, critic, actor_target, critic_target, torch.optim.Adam(actor.parameters(), lr=lr_a),
                        torch.optim.Adam(critic.parameters(), lr=lr_c, weight_decay=wd))


def _batch(batch: Any, obs_dim: int, action_dim: int) -> tuple[NDArray[np.float32], ...]:
    if not isinstance(batch, DDPGBatch):
        raise TypeError(f"batch: expected a DDPGBatch; got {type(batch).__name__}")
    f32 = np.float32
    s = as_array(batch.obs, "batch.obs", ndim=2, shape=(None, obs_dim), dtype=f32)
    B = s.shape[0]
    a = as_array(batch.actions, "batch.actions", ndim=2, shape=(B, action_dim), dtype=f32)
    r = as_array(batch.rewards, "batch.rewards", ndim=1, shape=(B,), dtype=f32)
    s2 = as_array(batch.next_obs, "batch.next_obs", ndim=2, shape=(B, obs_dim), dtype=f32)
    done = as_array(batch.terminated, "batch.terminated", ndim=1, shape=(B,), dtype=f32)
    if not np.all((done == 0) | (done == 1)):
        raise ValueError("batch.terminated: expected 0 or 1 per transition (Gymnasium's terminated, not truncated)")
    return s, a, r, s2, done


def ddpg_update(nets: DDPGNetworks, batch: DDPGBatch, *, gamma: float, tau: float) -> DDPGUpdate:
    r"""One DDPG update in place: critic step on (2) with targets (1), actor step on (3), soft updates (4).

    Parameters
    ----------
    nets
        From :func:`ddpg_networks`; the networks and optimisers are updated in place.
    batch
        A :class:`DDPGBatch` (converted to float32).
    gamma
        :math:`\gamma \in [0, 1]`.
    tau
        The soft-update rate :math:`\tau \in (0, 1]`; 1 copies the online networks.

    Returns
    -------
    DDPGUpdate

    Raises
    ------
    ValueError
        ``gamma`` outside [0, 1], ``tau`` outside (0, 1], a batch of inconsistent shapes or
        ``terminated`` not 0/1.

    Examples
    --------
    >>> nets = ddpg_networks(3, 1, 2.0, seed=0, hidden=(8, 6))
    >>> b = DDPGBatch(np.ones((4, 3)), np.zeros((4, 1)), np.full(4, -1.0), np.ones((4, 3)), np.ones(4))
    >>> ddpg_update(nets, b, gamma=0.99, tau=0.005).targets.tolist()  # terminated: y = r
    [-1.0, -1.0, -1.0, -1.0]
    """
    if not isinstance(nets, DDPGNetworks):
        raise TypeError(f"nets: expected DDPGNetworks (from ddpg_networks); got {type(nets).__name__}")
    g, t = as_real(gamma, "gamma"), as_real(tau, "tau")
    if not 0 <= g <= 1:
        raise ValueError(f"gamma: expected a discount in [0, 1]; got {g}")
    if not 0 < t <= 1:
        raise ValueError(f"tau: expected a soft-update rate in (0, 1]; got {t}")
    torch = _torch()
    arrays = _batch(batch, nets.actor.l1.in_features, nets.actor.l3.out_features)
    s, a, r, s2, done = (torch.from_numpy(x) for x in arrays)
    return _update(torch, nets, s, a, r, s2, done, g, t)


def _update(torch: Any, nets: DDPGNetworks, s: Any, a: Any, r: Any, s2: Any, done: Any, gamma: float, tau: float) -> DDPGUpdate:
    """(1)–(4) on float32 tensors."""
    actor, critic = nets.actor, nets.critic
    with torch.no_grad():
        y = r + gamma * (1 - done) * nets.critic_target(s2, nets.actor_target(s2))  # (1) from the target networks
    critic_loss = torch.mean((critic(s, a) - y) ** 2)  # (2)
    nets.critic_optimizer.zero_grad()
    critic_loss.backward()
    critic_grad = [p.grad.detach().numpy().copy() for p in critic.parameters()]
    nets.critic_optimizer.step()
    for p in critic.parameters():
        p.requires_grad_(False)  # (3) moves θ only; w is a constant of the actor's loss
    try:
        actor_loss = -torch.mean(critic(s, actor(s)))  # (3): descend −q̂ to ascend q̂
        nets.actor_optimizer.zero_grad()
        actor_loss.backward()
    finally:
        for p in critic.parameters():
            p.requires_grad_(True)
    actor_grad = [p.grad.detach().numpy().copy() for p in actor.parameters()]
    nets.actor_optimizer.step()
    with torch.no_grad():  # (4)
        for net, target in ((critic, nets.critic_target), (actor, nets.actor_target)):
            for p_t, p in zip(target.parameters(), net.parameters()):
                p_t.mul_(1 - tau).add_(tau * p)
    return DDPGUpdate(y.numpy().copy(), float(critic_loss.detach()), critic_grad,
                      float(actor_loss.detach()), actor_grad)


def _ou_step(n: Any, theta: float, sigma: float, eps: Any) -> Any:
    """One step of the Ornstein–Uhlenbeck noise, n − θn + σε: the same line for :func:`ou_noise` and the training loop."""
    return n - theta * n + sigma * eps


def ou_noise(n_steps: int, *, theta: float = 0.15, sigma: float = 0.2, size: int = 1, seed: int) -> NDArray[np.float64]:
    r"""An Ornstein–Uhlenbeck path from 0: :math:`n_{t+1} = n_t - \theta n_t + \sigma \varepsilon_t`, ``(n_steps, size)``.

    The discrete form used by the paper's code (time step 1, mean 0). Its stationary variance
    is :math:`\sigma^2 / (2\theta - \theta^2)`.

    Parameters
    ----------
    n_steps
        Length of the path, >= 1 (the first value is 0).
    theta, sigma
        Pull toward 0, in (0, 2); noise scale > 0.
    size
        Dimension of the process, >= 1.
    seed
        Seeds the Gaussian draws.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        Counts < 1, ``theta`` outside (0, 2), ``sigma`` <= 0.

    Examples
    --------
    >>> ou_noise(3, seed=0).shape
    (3, 1)
    """
    n, d = as_count(n_steps, "n_steps"), as_count(size, "size")
    th, sg = as_real(theta, "theta"), as_positive(sigma, "sigma")
    if not 0 < th < 2:
        raise ValueError(f"theta: expected a pull in (0, 2) (a stable process); got {th}")
    rng = np.random.default_rng(as_count(seed, "seed", minimum=0))
    out = np.zeros((n, d))
    eps = rng.standard_normal((n - 1, d))
    for k in range(1, n):
        out[k] = _ou_step(out[k - 1], th, sg, eps[k - 1])
    return out


def _settings(kwargs: dict[str, Any]) -> dict[str, Any]:
    _hidden(kwargs["hidden"])
    for name in ("actor_lr", "critic_lr", "final_init", "ou_sigma"):
        as_positive(kwargs[name], name)
    as_positive(kwargs["critic_weight_decay"], "critic_weight_decay", allow_zero=True)
    if not 0 <= as_real(kwargs["gamma"], "gamma") <= 1:
        raise ValueError(f"gamma: expected a discount in [0, 1]; got {kwargs['gamma']}")
    if not 0 < as_real(kwargs["tau"], "tau") <= 1:
        raise ValueError(f"tau: expected a soft-update rate in (0, 1]; got {kwargs['tau']}")
    if not 0 < as_real(kwargs["ou_theta"], "ou_theta") < 2:
        raise ValueError(f"ou_theta: expected a pull in (0, 2); got {kwargs['ou_theta']}")
    for name in ("total_steps", "batch_size", "buffer_size"):
        as_count(kwargs[name], name)
    for name in ("seed", "learning_starts"):
        as_count(kwargs[name], name, minimum=0)
    return {k: (tuple(v) if k == "hidden" else v) for k, v in kwargs.items()}


def train_ddpg_pendulum(
    *, seed: int, total_steps: int, hidden: tuple[int, int] = (400, 300), actor_lr: float = 1e-4, critic_lr: float = 1e-3,
    critic_weight_decay: float = 0.0, gamma: float = 0.99, tau: float = 0.005, batch_size: int = 64,
    buffer_size: int = 1_000_000, learning_starts: int = 1000, ou_theta: float = 0.15, ou_sigma: float = 0.2,
    final_init: float = 3e-3, progress: bool = True,
) -> DDPGRun:
    r"""Train DDPG on Gymnasium's ``Pendulum-v1`` (PyTorch, CPU, one thread), seeded and reproducible.

    The first ``learning_starts`` steps take uniformly random actions; after that each step acts
    with :math:`\mu(s) +` OU noise (clipped to :math:`\pm 2`), stores the transition and runs one
    :func:`ddpg_update` on ``batch_size`` transitions drawn uniformly from the buffer. Defaults
    follow the paper except where :data:`PAPER_DEVIATIONS` says.

    Parameters
    ----------
    seed
        Seeds PyTorch (initialisation), NumPy (replay draws, warm-up actions, OU noise) and ``env.reset``.
    total_steps
        Environment steps, >= 1 (an episode of Pendulum is 200 steps).
    hidden, actor_lr, critic_lr, critic_weight_decay, final_init
        As in :func:`ddpg_networks`.
    gamma, tau
        As in :func:`ddpg_update`.
    batch_size, buffer_size, learning_starts
        Minibatch size, replay capacity (oldest dropped), random steps before learning.
    ou_theta, ou_sigma
        The exploration noise, as in :func:`ou_noise`.
    progress
        Show a tqdm progress bar.

    Returns
    -------
    DDPGRun

    Raises
    ------
    ValueError
        Counts < 1, ``gamma``, ``tau`` or ``ou_theta`` out of range, step sizes <= 0.
    ImportError
        PyTorch or Gymnasium is not installed (they are in the ``parity`` extra).

    Examples
    --------
    >>> run = train_ddpg_pendulum(seed=0, total_steps=250, hidden=(16, 16), learning_starts=200, progress=False)
    >>> run.history.episode_returns.shape, run.history.critic_loss.shape
    ((1,), (250,))
    """
    settings = _settings({"seed": seed, "total_steps": total_steps, "hidden": hidden, "actor_lr": actor_lr, "critic_lr": critic_lr,
                          "critic_weight_decay": critic_weight_decay, "gamma": gamma, "tau": tau, "batch_size": batch_size,
                          "buffer_size": buffer_size, "learning_starts": learning_starts, "ou_theta": ou_theta,
                          "ou_sigma": ou_sigma, "final_init": final_init})
    torch, gym = _torch(), _gym()
    from tqdm.auto import tqdm

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # networks this small run faster on one thread, and the result does not depend on the machine's cores
    try:
        return _train(torch, gym, tqdm, progress, settings)
    finally:
        torch.set_num_threads(threads)


def _train(torch: Any, gym: Any, tqdm: Any, progress: bool, cfg: dict[str, Any]) -> DDPGRun:
    """The loop of :func:`train_ddpg_pendulum` on validated settings."""
    env = gym.make("Pendulum-v1")
    n, m = env.observation_space.shape[0], env.action_space.shape[0]
    low, high = env.action_space.low.astype(np.float32), env.action_space.high.astype(np.float32)
    nets = ddpg_networks(n, m, float(high[0]), seed=cfg["seed"], hidden=cfg["hidden"], final_init=cfg["final_init"],
                         actor_lr=cfg["actor_lr"], critic_lr=cfg["critic_lr"], critic_weight_decay=cfg["critic_weight_decay"])
    torch.manual_seed(cfg["seed"])
    rng = np.random.default_rng(cfg["seed"])
    T, cap, B = cfg["total_steps"], min(cfg["buffer_size"], cfg["total_steps"]), cfg["batch_size"]
    S, A = np.zeros((cap, n), np.float32), np.zeros((cap, m), np.float32)
    R, S2, D = np.zeros(cap, np.float32), np.zeros((cap, n), np.float32), np.zeros(cap, np.float32)
    critic_loss, actor_loss = np.full(T, np.nan), np.full(T, np.nan)
    returns: list[float] = []
    ends: list[int] = []
    episode_return = 0.0
    noise = np.zeros(m)
    s, _ = env.reset(seed=cfg["seed"])
    for t in tqdm(range(T), disable=not progress, desc="DDPG Pendulum"):
        if t < cfg["learning_starts"]:
            a = rng.uniform(low, high).astype(np.float32)
        else:
            noise = _ou_step(noise, cfg["ou_theta"], cfg["ou_sigma"], rng.standard_normal(m))
            with torch.no_grad():
                mu = nets.actor(torch.from_numpy(np.asarray(s, np.float32))).numpy()
            a = np.clip(mu + noise, low, high).astype(np.float32)
        s2, r, terminated, truncated, _ = env.step(a)
        i = t % cap
        S[i], A[i], R[i], S2[i], D[i] = s, a, r, s2, float(terminated)
        episode_return += float(r)
        if t >= cfg["learning_starts"]:
            idx = rng.integers(min(t + 1, cap), size=B)  # uniform replay
            bs, ba, br, bs2, bdone = (torch.from_numpy(x[idx]) for x in (S, A, R, S2, D))
            u = _update(torch, nets, bs, ba, br, bs2, bdone, cfg["gamma"], cfg["tau"])
            critic_loss[t], actor_loss[t] = u.critic_loss, u.actor_loss
        s = s2
        if terminated or truncated:
            returns.append(episode_return)
            ends.append(t)
            episode_return, noise = 0.0, np.zeros(m)
            s, _ = env.reset()
    env.close()
    history = DDPGHistory(critic_loss, actor_loss, np.array(returns), np.array(ends, dtype=np.intp))
    return DDPGRun(nets.actor, nets.critic, history, cfg)


def evaluate_policy(actor: Any, *, episodes: int, seed: int) -> NDArray[np.float64]:
    r"""Returns of the greedy policy :math:`a = \mu(s)` (no noise) over ``episodes`` Pendulum episodes, seeded.

    Parameters
    ----------
    actor
        A trained actor (``DDPGRun.actor``).
    episodes
        Number of episodes, >= 1.
    seed
        Seeds the first ``env.reset``; later episodes continue the environment's generator.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        ``episodes`` < 1.

    Examples
    --------
    >>> run = train_ddpg_pendulum(seed=0, total_steps=200, hidden=(8, 8), learning_starts=200, progress=False)
    >>> evaluate_policy(run.actor, episodes=2, seed=1).shape
    (2,)
    """
    k = as_count(episodes, "episodes")
    as_count(seed, "seed", minimum=0)
    torch, gym = _torch(), _gym()
    env = gym.make("Pendulum-v1")
    out = np.zeros(k)
    for e in range(k):
        s, _ = env.reset(seed=seed if e == 0 else None)
        done = False
        while not done:
            with torch.no_grad():
                a = actor(torch.from_numpy(np.asarray(s, np.float32))).numpy()
            s, r, terminated, truncated, _ = env.step(a)
            out[e] += float(r)
            done = terminated or truncated
    env.close()
    return out


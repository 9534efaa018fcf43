r"""Deep Q-learning (DQN, 深度Q学习): a Q-network trained on replayed transitions toward a frozen target network.

The Q-network :math:`\hat q(s, \cdot, w)` maps a state's input vector :math:`x(s)` to one
value per action. DQN minimises, over minibatches :math:`\mathcal B` drawn uniformly from a
replay buffer of past transitions :math:`(s, a, r, s', \mathrm{done})`,

.. math::

    y = r + \gamma\,(1 - \mathrm{done}) \max_{a'} \hat q(s', a', w^-) \qquad (1)

    \delta = \hat q(s, a, w) - y, \qquad
    L(w) = \frac{1}{|\mathcal B|}\sum_{\mathcal B} H_\kappa(\delta) \qquad (2)

    H_\kappa(\delta) = \begin{cases} \tfrac12 \delta^2 & |\delta| \le \kappa \\
    \kappa(|\delta| - \tfrac12\kappa) & |\delta| > \kappa \end{cases}, \qquad
    \nabla_w L = \frac{1}{|\mathcal B|}\sum_{\mathcal B} \operatorname{clip}(\delta, -\kappa, \kappa)\, \nabla_w \hat q(s, a, w) \qquad (3)

where :math:`w^-` are the weights of the **target network**, copied from :math:`w` every
``target_update`` steps (hard update) or moved toward it by
:math:`w^- \leftarrow \tau w + (1 - \tau) w^-` after every step (soft update). The gradient (3)
is a semi-gradient: :math:`y` is held fixed, as in Zhao §8.4 (the notes' 深度Q学习) and Mnih et
al. (2015). :math:`H_\kappa` is PyTorch's ``huber_loss(delta=κ)``; with :math:`\kappa = 1` it is
also ``smooth_l1_loss``.

Conventions. Networks are linear (:math:`\hat q = W x + b`) or have one hidden ReLU layer
(:math:`\hat q = W_2\,\mathrm{relu}(W_1 x + b_1) + b_2`); a layer's weight has shape
``(out, in)`` as in ``torch.nn.Linear``. ``done`` is Gymnasium's ``terminated``: a time-limit
truncation still bootstraps. A discrete observation :math:`s` enters the network one-hot,
:math:`x(s) = e_s`. Actions are ε-greedy with ties to the lowest index; ε falls linearly from
``epsilon_start`` to ``epsilon_end`` over the first ``epsilon_fraction`` of the steps.

:func:`dqn_update` is one update (1)–(3) plus a plain gradient step, in NumPy on given weights
and a given batch: the readable twin the tests hold against PyTorch's autograd.
:func:`train_dqn` is the whole algorithm in PyTorch (imported only when called: PyTorch is in
refalgo's ``parity`` extra, not a dependency). With one-hot input and a linear network, DQN is
tabular Q-learning on replayed minibatches, and its greedy values approach the exact
:math:`q^*` of :mod:`refalgo.mdp` (via :func:`refalgo.mdp.from_gymnasium`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._validate import as_array, as_count, as_positive, as_real
from ..derivation import Derivation, Step

__all__ = ["DQNBatch", "DQNHistory", "DQNRun", "DQNUpdate", "dqn_update", "q_network", "train_dqn"]

TORCH_MISSING = "refalgo.rl.dqn needs PyTorch, which is in refalgo's parity extra: pip install 'refalgo[parity]'"


class DQNBatch(NamedTuple):
    """A minibatch of transitions: inputs ``x`` ``(B, n_in)``, actions ``(B,)``, rewards, next inputs, terminated flags."""

    x: NDArray[Any]
    actions: NDArray[np.intp]
    rewards: NDArray[Any]
    next_x: NDArray[Any]
    done: NDArray[Any]


class DQNUpdate(NamedTuple):
    r"""One DQN update: the targets :math:`y` (1), the errors :math:`\delta`, the loss (2), the gradient (3) and the new weights.

    ``gradient`` and ``params`` are lists of arrays in the order of the network's parameters
    (``[W, b]`` or ``[W1, b1, W2, b2]``).
    """

    targets: NDArray[Any]
    td_errors: NDArray[Any]
    loss: float
    gradient: list[NDArray[Any]]
    params: list[NDArray[Any]]


class DQNHistory(NamedTuple):
    r"""What a training run records for plots.

    Attributes
    ----------
    epsilon, loss
        Per step: ε, and the minibatch loss (2) (NaN on steps without an update).
    episode_returns, episode_ends
        Per finished episode: its undiscounted return and its last step.
    steps, q_values
        Every ``record_every`` steps (and at 0): the step and the table :math:`\hat q(s, a, w)`, ``(n_records, S, A)``.
    """

    epsilon: NDArray[np.float64]
    loss: NDArray[np.float64]
    episode_returns: NDArray[np.float64]
    episode_ends: NDArray[np.intp]
    steps: NDArray[np.intp]
    q_values: NDArray[np.float64]


class DQNRun(NamedTuple):
    r"""The result of :func:`train_dqn`: the greedy network's :math:`\hat q(s, a)` for every state ``(S, A)``, its weights, the history."""

    q_values: NDArray[np.float64]
    params: list[NDArray[np.float32]]
    history: DQNHistory


def _params(params: Any, name: str) -> list[NDArray[Any]]:
    """``[W, b]`` or ``[W1, b1, W2, b2]`` as arrays of one float dtype, shapes checked."""
    if not isinstance(params, (list, tuple)) or len(params) not in (2, 4):
        raise ValueError(f"{name}: expected [W, b] (linear) or [W1, b1, W2, b2] (one hidden layer); got {type(params).__name__} "
                         f"of length {len(params) if isinstance(params, (list, tuple)) else '-'}")
    dtype = np.result_type(*[np.asarray(p).dtype for p in params], np.float32)
    out = [as_array(p, f"{name}[{i}]", ndim=2 - i % 2, dtype=dtype) for i, p in enumerate(params)]
    for i in range(0, len(out), 2):
        if out[i + 1].shape != (out[i].shape[0],):
            raise ValueError(f"{name}[{i + 1}]: expected a bias of shape ({out[i].shape[0]},); got {out[i + 1].shape}")
    if len(out) == 4 and out[2].shape[1] != out[0].shape[0]:
        raise ValueError(f"{name}[2]: expected {out[0].shape[0]} inputs (the hidden width); got {out[2].shape[1]}")
    return out


def q_network(params: list[ArrayLike], x: ArrayLike) -> NDArray[Any]:
    r"""The Q-network's values :math:`\hat q(x, \cdot)`, ``(B, A)``: :math:`Wx + b`, or :math:`W_2\,\mathrm{relu}(W_1 x + b_1) + b_2`.

    Parameters
    ----------
    params
        ``[W, b]`` or ``[W1, b1, W2, b2]``, weights ``(out, in)``.
    x
        Inputs ``(B, in)``.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        Parameters of the wrong number or shapes, inputs of the wrong width.

    Examples
    --------
    >>> q_network([np.eye(2), np.array([0.0, 1.0])], np.array([[3.0, 4.0]])).tolist()
    [[3.0, 5.0]]
    """
    p = _params(params, "params")
    X = as_array(x, "x", ndim=2, shape=(None, p[0].shape[1]), dtype=p[0].dtype)
    return _forward(p, X)[0]


def _forward(p: list[NDArray[Any]], X: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any] | None]:
    if len(p) == 2:
        return X @ p[0].T + p[1], None
    z = X @ p[0].T + p[1]
    return np.maximum(z, 0) @ p[2].T + p[3], z


def dqn_update(online: list[ArrayLike], target: list[ArrayLike], batch: DQNBatch, *, gamma: float, lr: float,
               huber_delta: float = 1.0) -> DQNUpdate:
    r"""One DQN update in NumPy: targets (1) from the target network, Huber loss (2), its semi-gradient (3), a step of size ``lr``.

    :math:`w` is ``online``, :math:`w^-` is ``target``, :math:`\gamma` is ``gamma``,
    :math:`\kappa` is ``huber_delta``. The new weights are :math:`w - \mathrm{lr}\,\nabla_w L`
    (plain gradient descent; :func:`train_dqn` uses Adam on the same gradient). Computed in
    the dtype of the weights (float32 as PyTorch's default).

    Parameters
    ----------
    online, target
        ``[W, b]`` or ``[W1, b1, W2, b2]``, the same shapes.
    batch
        A :class:`DQNBatch`.
    gamma
        :math:`\gamma \in [0, 1]`.
    lr
        Step size > 0.
    huber_delta
        :math:`\kappa > 0`, where the loss turns from quadratic to linear.

    Returns
    -------
    DQNUpdate

    Raises
    ------
    ValueError
        Weights of other shapes, a batch of inconsistent sizes, actions out of range,
        ``gamma`` outside [0, 1], ``lr`` or ``huber_delta`` <= 0.

    Examples
    --------
    >>> W, b = np.array([[1.0, 0.0], [0.0, 2.0]]), np.zeros(2)
    >>> batch = DQNBatch(np.array([[1.0, 0.0]]), np.array([0]), np.array([1.0]), np.array([[0.0, 1.0]]), np.array([0.0]))
    >>> u = dqn_update([W, b], [W, b], batch, gamma=0.5, lr=0.1)
    >>> u.targets.tolist(), u.td_errors.tolist()  # y = 1 + 0.5·max(0, 2); δ = 1 − 2
    ([2.0], [-1.0])
    """
    w, w_minus = _params(online, "online"), _params(target, "target")
    if [a.shape for a in w] != [a.shape for a in w_minus]:
        raise ValueError(f"target: expected the shapes of online {[a.shape for a in w]}; got {[a.shape for a in w_minus]}")
    g, step, kappa = as_real(gamma, "gamma"), as_positive(lr, "lr"), as_positive(huber_delta, "huber_delta")
    if not 0 <= g <= 1:
        raise ValueError(f"gamma: expected a discount in [0, 1]; got {g}")
    X, a, r, X2, done = _batch(batch, w[0].shape[1], w[-1].shape[0], w[0].dtype)
    B = X.shape[0]
    y = r + g * (1 - done) * _forward(w_minus, X2)[0].max(axis=1)  # (1) y = r + γ(1 − done) max_a' q̂(s', a', w⁻)
    q, z = _forward(w, X)
    delta = q[np.arange(B), a] - y  # (2) δ = q̂(s, a, w) − y
    huber = np.where(np.abs(delta) <= kappa, 0.5 * delta**2, kappa * (np.abs(delta) - 0.5 * kappa))  # (2) H_κ(δ)
    G = np.zeros_like(q)
    G[np.arange(B), a] = np.clip(delta, -kappa, kappa) / B  # (3) ∂L/∂q̂(s, a) = clip(δ, −κ, κ)/|B|; y held fixed
    grad = _backward(w, X, z, G)
    return DQNUpdate(y, delta, float(huber.mean()), grad, [p - np.asarray(step, dtype=p.dtype) * d for p, d in zip(w, grad)])


def _batch(batch: Any, n_in: int, n_actions: int, dtype: Any) -> tuple[NDArray[Any], ...]:
    if not isinstance(batch, DQNBatch):
        raise TypeError(f"batch: expected a DQNBatch; got {type(batch).__name__}")
    X = as_array(batch.x, "batch.x", ndim=2, shape=(None, n_in), dtype=dtype)
    B = X.shape[0]
    X2 = as_array(batch.next_x, "batch.next_x", ndim=2, shape=(B, n_in), dtype=dtype)
    r = as_array(batch.rewards, "batch.rewards", ndim=1, shape=(B,), dtype=dtype)
    done = as_array(batch.done, "batch.done", ndim=1, shape=(B,), dtype=dtype)
    a = as_array(batch.actions, "batch.actions", ndim=1, shape=(B,), dtype=np.intp)
    if a.min() < 0 or a.max() >= n_actions:
        raise ValueError(f"batch.actions: expected actions 0 … {n_actions - 1}; got {a.min()} … {a.max()}")
    if not np.all((done == 0) | (done == 1)):
        raise ValueError("batch.done: expected 0 or 1 (terminated) per transition")
    return X, a, r, X2, done


def _backward(w: list[NDArray[Any]], X: NDArray[Any], z: NDArray[Any] | None, G: NDArray[Any]) -> list[NDArray[Any]]:
    """Back-propagate ∂L/∂q̂ = G through the network: ∇W = Gᵀ·input, ∇b = Σ G, through the ReLU where z > 0."""
    if z is None:
        return [G.T @ X, G.sum(axis=0)]
    h = np.maximum(z, 0)
    Gz = (G @ w[2]) * (z > 0)  # chain rule through relu(W1 x + b1)
    return [Gz.T @ X, Gz.sum(axis=0), G.T @ h, G.sum(axis=0)]


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # torch is in the parity extra only
        raise ImportError(TORCH_MISSING) from exc
    return torch


def _schedule(n: int, start: float, end: float, fraction: float) -> NDArray[np.float64]:
    """ε_t: linear from ``start`` to ``end`` over the first ``fraction`` of ``n`` steps, then ``end``."""
    ramp = max(1, round(fraction * n))
    return np.where(np.arange(n) < ramp, start + (end - start) * np.arange(n) / ramp, end)


def _check_train(env: Any, n_steps: int, gamma: float, kwargs: dict[str, Any]) -> tuple[int, int]:
    obs: Any = getattr(env, "observation_space", None)
    act: Any = getattr(env, "action_space", None)
    if not (hasattr(obs, "n") and hasattr(act, "n")):
        raise ValueError(f"env: expected a Gymnasium environment with Discrete observation and action spaces "
                         f"(FrozenLake, CliffWalking, Taxi); got spaces {obs!r}, {act!r}")
    as_count(n_steps, "n_steps")
    if not 0 <= as_real(gamma, "gamma") <= 1:
        raise ValueError(f"gamma: expected a discount in [0, 1]; got {gamma}")
    for name in ("lr", "huber_delta"):
        as_positive(kwargs[name], name)
    for name in ("epsilon_start", "epsilon_end", "epsilon_fraction"):
        if not 0 <= as_real(kwargs[name], name) <= 1:
            raise ValueError(f"{name}: expected a number in [0, 1]; got {kwargs[name]}")
    if kwargs["tau"] is not None and not 0 < as_real(kwargs["tau"], "tau") <= 1:
        raise ValueError(f"tau: expected a soft-update rate in (0, 1] or None; got {kwargs['tau']}")
    for name in ("batch_size", "buffer_size", "target_update", "train_every", "record_every"):
        as_count(kwargs[name], name)
    as_count(kwargs["hidden"], "hidden", minimum=0)
    as_count(kwargs["learning_starts"], "learning_starts", minimum=0)
    as_count(kwargs["seed"], "seed", minimum=0)
    return int(obs.n), int(act.n)


def train_dqn(
    env: Any, *, n_steps: int, gamma: float, seed: int, hidden: int = 0, lr: float = 1e-2, batch_size: int = 32,
    buffer_size: int = 10_000, learning_starts: int = 100, train_every: int = 1, target_update: int = 100,
    tau: float | None = None, huber_delta: float = 1.0, epsilon_start: float = 1.0, epsilon_end: float = 0.05,
    epsilon_fraction: float = 0.5, record_every: int | None = None, progress: bool = True,
) -> DQNRun:
    r"""Train a DQN on a Gymnasium environment with discrete states (one-hot input), in PyTorch on the CPU.

    Each step: act ε-greedily on :math:`\hat q(s, \cdot, w)`; store :math:`(s, a, r, s', \mathrm{terminated})`
    in a replay buffer of ``buffer_size`` (oldest dropped); every ``train_every`` steps after
    ``learning_starts``, draw ``batch_size`` transitions uniformly and take one Adam step of
    size ``lr`` on the loss (2) with targets (1) from the target network; then update the
    target network, hard every ``target_update`` steps or soft with rate ``tau`` if given.

    Parameters
    ----------
    env
        A Gymnasium environment with ``Discrete`` observation and action spaces.
    n_steps
        Environment steps, >= 1.
    gamma
        :math:`\gamma \in [0, 1]`.
    seed
        Seeds the network's initialisation, the replay draws, ε-greedy and ``env.reset``.
    hidden
        Width of the hidden ReLU layer; 0 for a linear network (tabular with one-hot input).
    lr, batch_size, buffer_size, learning_starts, train_every
        Adam's step size; minibatch size; replay capacity; steps before learning; steps between updates.
    target_update, tau
        Hard update period of :math:`w^-`; if ``tau`` is given, soft updates with that rate instead.
    huber_delta
        :math:`\kappa` of (2).
    epsilon_start, epsilon_end, epsilon_fraction
        The ε schedule: linear from start to end over this fraction of the steps.
    record_every
        Record the table :math:`\hat q(s, a, w)` every this many steps (default: about 50 records).
    progress
        Show a tqdm progress bar.

    Returns
    -------
    DQNRun

    Raises
    ------
    ValueError
        Spaces that are not discrete, counts < 1, ``gamma``, ε's or ``tau`` out of range, ``lr`` <= 0.
    ImportError
        PyTorch is not installed (it is in the ``parity`` extra).

    Examples
    --------
    >>> import gymnasium as gym
    >>> run = train_dqn(gym.make("FrozenLake-v1", is_slippery=False), n_steps=300, gamma=0.9, seed=0, progress=False)
    >>> run.q_values.shape, run.history.epsilon.shape
    ((16, 4), (300,))
    """
    settings: dict[str, Any] = {"hidden": hidden, "lr": lr, "batch_size": batch_size, "buffer_size": buffer_size, "learning_starts": learning_starts,
                    "train_every": train_every, "target_update": target_update, "tau": tau, "huber_delta": huber_delta,
                    "epsilon_start": epsilon_start, "epsilon_end": epsilon_end, "epsilon_fraction": epsilon_fraction, "seed": seed,
                    "record_every": max(1, n_steps // 50) if record_every is None else record_every}
    S, A = _check_train(env, n_steps, gamma, settings)
    torch = _torch()
    from tqdm.auto import tqdm

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a network this small runs several times faster on one thread
    try:
        return _train(torch, tqdm, env, S, A, n_steps, gamma, progress, **settings)
    finally:
        torch.set_num_threads(threads)


def _train(torch: Any, tqdm: Any, env: Any, S: int, A: int, n_steps: int, gamma: float, progress: bool, *, hidden: int,
           lr: float, batch_size: int, buffer_size: int, learning_starts: int, train_every: int, target_update: int,
           tau: float | None, huber_delta: float, epsilon_start: float, epsilon_end: float, epsilon_fraction: float,
           seed: int, record_every: int) -> DQNRun:
    """The loop of :func:`train_dqn` on validated settings."""
    torch.manual_seed(seed)
    net = _torch_network(torch, S, A, hidden)
    target_net = _torch_network(torch, S, A, hidden)
    target_net.load_state_dict(net.state_dict())
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    eye = torch.eye(S)
    buffer = np.zeros((buffer_size, 4), dtype=np.int64)  # s, a, s', terminated
    rewards = np.zeros(buffer_size, dtype=np.float32)
    eps = _schedule(n_steps, epsilon_start, epsilon_end, epsilon_fraction)
    losses = np.full(n_steps, np.nan)
    returns, ends, episode_return = [], [], 0.0
    snapshots = [_table(torch, net, eye)]
    s, _ = env.reset(seed=seed)
    for t in tqdm(range(n_steps), disable=not progress, desc="DQN"):
        if rng.random() < eps[t]:
            a = int(rng.integers(A))
        else:
            with torch.no_grad():
                a = int(torch.argmax(net(eye[int(s)])))  # greedy, ties to the lowest index
        s2, r, terminated, truncated, _ = env.step(a)
        buffer[t % buffer_size], rewards[t % buffer_size] = (int(s), a, int(s2), int(terminated)), r
        episode_return += float(r)
        if t + 1 >= learning_starts and (t + 1) % train_every == 0:
            idx = rng.integers(min(t + 1, buffer_size), size=batch_size)  # uniform replay
            losses[t] = _torch_step(torch, net, target_net, optimizer, eye, buffer[idx], rewards[idx], gamma, huber_delta)
            if tau is not None:
                _soft_update(torch, net, target_net, tau)
        if tau is None and (t + 1) % target_update == 0:
            target_net.load_state_dict(net.state_dict())  # hard update w⁻ ← w
        if (t + 1) % record_every == 0:
            snapshots.append(_table(torch, net, eye))
        s = s2
        if terminated or truncated:
            returns.append(episode_return)
            ends.append(t)
            episode_return = 0.0
            s, _ = env.reset()
    history = DQNHistory(eps, losses, np.array(returns), np.array(ends, dtype=np.intp),
                         np.arange(len(snapshots), dtype=np.intp) * record_every, np.array(snapshots))
    return DQNRun(_table(torch, net, eye), [p.detach().numpy().copy() for p in net.parameters()], history)


def _table(torch: Any, net: Any, eye: Any) -> NDArray[np.float64]:
    with torch.no_grad():
        return np.asarray(net(eye).double().numpy())


def _torch_network(torch: Any, n_in: int, n_out: int, hidden: int) -> Any:
    nn = torch.nn
    return nn.Linear(n_in, n_out) if hidden == 0 else nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))


def _torch_step(torch: Any, net: Any, target_net: Any, optimizer: Any, eye: Any, rows: NDArray[np.int64],
                r: NDArray[np.float32], gamma: float, kappa: float) -> float:
    """One update (1)–(3) in PyTorch on replayed rows ``(s, a, s', terminated)``; the loss."""
    s, a, s2, done = (torch.from_numpy(rows[:, i]) for i in range(4))
    with torch.no_grad():
        y = torch.from_numpy(r) + gamma * (1 - done.float()) * target_net(eye[s2]).max(dim=1).values  # (1)
    q = net(eye[s]).gather(1, a[:, None]).squeeze(1)
    loss = torch.nn.functional.huber_loss(q, y, delta=kappa)  # (2)
    optimizer.zero_grad()
    loss.backward()  # (3)
    optimizer.step()
    return float(loss.detach())


def _soft_update(torch: Any, net: Any, target_net: Any, tau: float) -> None:
    """w⁻ ← τw + (1 − τ)w⁻."""
    with torch.no_grad():
        for p_t, p in zip(target_net.parameters(), net.parameters()):
            p_t.mul_(1 - tau).add_(tau * p)


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the page renders: the semi-gradient (3) of the Huber loss on its three pieces.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven']
    """
    w1, w2, p1, p2, y = sp.symbols("w_1 w_2 phi_1 phi_2 y", real=True)
    kappa = sp.Symbol("kappa", positive=True)
    delta = w1 * p1 + w2 * p2 - y
    phi = sp.Matrix([p1, p2])
    names = {w1: "w_1", w2: "w_2", p1: r"\phi_1", p2: r"\phi_2", kappa: r"\kappa"}
    symbols = {r"\phi_1, \phi_2": r"the features $\phi(s, a)$ (for a network: $\nabla_w \hat q(s, a, w)$)",
               "y": r"the target (1), held fixed ($\delta = \phi^\top w - y$)", r"\kappa": "the Huber threshold"}

    def piece(title: str, h: sp.Expr, why: str, result: sp.Matrix, why_result: str) -> Derivation:
        return Derivation(
            title,
            [Step(sp.Matrix([sp.diff(h, w1), sp.diff(h, w2)]), why), Step(result, why_result)],
            lhs_latex=r"\nabla_w H_\kappa(\delta)", names=names, symbols=symbols,
        )

    inside = piece(r"Inside the band, $|\delta| \le \kappa$: $\nabla_w \tfrac12\delta^2 = \delta\,\phi$",
                   delta**2 / 2, r"differentiate in $w_1$, $w_2$ with $y$ fixed",
                   delta * phi, r"chain rule: $\partial\delta/\partial w = \phi$")
    above = piece(r"Above the band, $\delta > \kappa$: $\nabla_w \kappa(\delta - \tfrac12\kappa) = \kappa\,\phi$",
                  kappa * (delta - kappa / 2), r"differentiate $\kappa(|\delta| - \frac12\kappa)$ where $|\delta| = \delta$",
                  kappa * phi, r"the slope is $+\kappa$")
    below = piece(r"Below the band, $\delta < -\kappa$: $\nabla_w \kappa(-\delta - \tfrac12\kappa) = -\kappa\,\phi$",
                  kappa * (-delta - kappa / 2), r"differentiate $\kappa(|\delta| - \frac12\kappa)$ where $|\delta| = -\delta$",
                  -kappa * phi, r"the slope is $-\kappa$")
    return inside, above, below

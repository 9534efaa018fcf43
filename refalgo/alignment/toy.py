r"""A complete toy DPO experiment: softmax policies over K responses, preferences from Bradley–Terry.

For each of P prompts the policy is a softmax over K responses,
:math:`\pi_\theta(k \mid p) = e^{\theta_{pk}} / \sum_j e^{\theta_{pj}}`. A comparison for
prompt p draws an unordered pair of distinct responses uniformly and labels it by
Bradley–Terry with a known reward :math:`r_{pk}`. The preference data are summarized by
weights :math:`W_{pij}` = the probability (population) or frequency (finite sample)
that a comparison of prompt p is "i beats j"; each prompt's weights sum to 1.

The DPO loss, averaged over prompts, is

.. math::

    \mathcal{L}(\theta) = \frac{1}{P}\sum_p \sum_{i \ne j} W_{pij}\,
    \mathrm{sp}\bigl(-\beta (h_{pi} - h_{pj})\bigr), \qquad
    h_{pk} = \log\pi_\theta(k\mid p) - \log\pi_\text{ref}(k\mid p),

with :math:`\mathrm{sp}(u) = \log(1 + e^u)`. For a softmax policy
:math:`h_{pi} - h_{pj} = (\theta_{pi} - \theta_{pj}) - (\log\pi_\text{ref}(i) - \log\pi_\text{ref}(j))`:
the normalizer cancels, the loss is convex in θ, and with the *population* weights
:math:`W_{pij} \propto \sigma(r_{pi} - r_{pj})` it is minimized exactly when
:math:`\beta(h_{pi} - h_{pj}) = r_{pi} - r_{pj}`, i.e. at :math:`\pi^* \propto \pi_\text{ref} e^{r/\beta}`
(:func:`refalgo.alignment.kl_optimum`). With *finite* data DPO converges instead to the
optimum for the empirical preference frequencies — the Bradley–Terry maximum-likelihood
reward — which differs from π* by sampling noise (and diverges if some pair is
always won by the same response).

Training starts at :math:`\theta = \log\pi_\text{ref}` (the policy starts as the reference,
as DPO does) and takes Adam steps (:func:`refalgo.optim.adam_step`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, log_softmax

from .._validate import as_array, as_positive
from ..optim import adam_init, adam_step

__all__ = [
    "ToyRun",
    "bt_preference_weights",
    "sample_preference_weights",
    "smoothness_step",
    "toy_dpo_loss",
    "train_toy_dpo",
]

REFERENCES = (
    "R. Rafailov et al., Direct Preference Optimization, NeurIPS 2023, §4–5 and Appendix A.",
    "R. A. Bradley and M. E. Terry, Biometrika 39 (1952).",
)


class ToyRun(NamedTuple):
    """The result of :func:`train_toy_dpo`: final policy and the per-step curves."""

    policy: NDArray[np.float64]
    logits: NDArray[np.float64]
    losses: NDArray[np.float64]
    implicit_rewards: NDArray[np.float64]


def _as_table(x: Any, name: str) -> NDArray[np.float64]:
    a = as_array(x, name, ndim=(1, 2))
    a = a[None, :] if a.ndim == 1 else a
    if a.shape[1] < 2:
        raise ValueError(f"{name}: expected at least 2 responses per prompt; got shape {a.shape}")
    return a


def bt_preference_weights(reward: Any) -> NDArray[np.float64]:
    r"""Population preference weights :math:`W_{pij} = \sigma(r_{pi} - r_{pj}) / \binom{K}{2}` for i ≠ j.

    Parameters
    ----------
    reward
        :math:`r`, shape ``(K,)`` or ``(P, K)``, finite.

    Returns
    -------
    numpy.ndarray
        Shape ``(P, K, K)``: the probability that a comparison of prompt p (a uniform
        pair, labelled by Bradley–Terry) is "i beats j"; zero diagonal, each prompt sums to 1.

    Raises
    ------
    TypeError, ValueError
        Non-numeric or non-finite rewards, more than 2 dimensions, fewer than 2 responses.

    Examples
    --------
    >>> bt_preference_weights([0.0, 0.0])
    array([[[0. , 0.5],
            [0.5, 0. ]]])
    """
    r = _as_table(reward, "reward")
    k = r.shape[1]
    w = expit(r[:, :, None] - r[:, None, :]) / (k * (k - 1) / 2)
    w[:, np.arange(k), np.arange(k)] = 0.0
    return np.asarray(w, dtype=np.float64)


def sample_preference_weights(reward: Any, *, comparisons: int, seed: int) -> NDArray[np.float64]:
    r"""Empirical preference weights from ``comparisons`` Bradley–Terry comparisons per prompt.

    Parameters
    ----------
    reward
        :math:`r`, shape ``(K,)`` or ``(P, K)``.
    comparisons
        Number of labelled pairs drawn per prompt (≥ 1).
    seed
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    numpy.ndarray
        Shape ``(P, K, K)``: the frequency of "i beats j" among the prompt's comparisons.

    Raises
    ------
    TypeError, ValueError
        As :func:`bt_preference_weights`, or ``comparisons`` not a positive integer.

    Examples
    --------
    >>> w = sample_preference_weights([0.0, 1.0, 2.0], comparisons=1000, seed=0)
    >>> round(float(w.sum()), 12), w.shape
    (1.0, (1, 3, 3))
    """
    r = _as_table(reward, "reward")
    if isinstance(comparisons, bool) or not isinstance(comparisons, (int, np.integer)) or comparisons < 1:
        raise ValueError(f"comparisons: expected a positive integer; got {comparisons!r}")
    rng = np.random.default_rng(seed)
    p, k = r.shape
    i, j = np.triu_indices(k, 1)
    pick = rng.integers(0, i.size, size=(p, comparisons))
    a, b = i[pick], j[pick]
    rows = np.arange(p)[:, None]
    a_wins = rng.random((p, comparisons)) < expit(r[rows, a] - r[rows, b])
    winner, loser = np.where(a_wins, a, b), np.where(a_wins, b, a)
    w = np.zeros((p, k, k))
    np.add.at(w, (np.broadcast_to(rows, winner.shape), winner, loser), 1.0)
    return w / comparisons


def _check_weights(weights: Any, shape: tuple[int, int]) -> NDArray[np.float64]:
    w = as_array(weights, "weights", ndim=3)
    if w.shape != (shape[0], shape[1], shape[1]):
        raise ValueError(f"weights: expected shape {(shape[0], shape[1], shape[1])}; got shape {w.shape}")
    if np.any(w < 0):
        raise ValueError(f"weights: expected nonnegative weights; got minimum {w.min()}")
    return w


def toy_dpo_loss(logits: Any, reference: Any, weights: Any, *, beta: float) -> tuple[float, NDArray[np.float64]]:
    r"""The toy DPO loss and its gradient with respect to the softmax logits.

    Parameters
    ----------
    logits
        θ, shape ``(P, K)`` (or ``(K,)``): the policy is ``softmax(θ)`` per prompt.
    reference
        :math:`\pi_\text{ref}`, the same shape, positive rows summing to 1.
    weights
        :math:`W`, shape ``(P, K, K)``, nonnegative (from :func:`bt_preference_weights`
        or :func:`sample_preference_weights`).
    beta
        β > 0.

    Returns
    -------
    loss, grad
        :math:`\mathcal{L}(\theta)` (see the module docstring) and :math:`\partial\mathcal{L}/\partial\theta`,
        shape ``(P, K)``.

    Raises
    ------
    TypeError, ValueError
        Non-numeric or non-finite input, shapes that do not match, a reference with a
        zero or rows not summing to 1, negative weights, β ≤ 0.

    Notes
    -----
    With :math:`u_{pij} = \beta(h_{pi} - h_{pj})` and :math:`G_{pij} = -\beta W_{pij}\sigma(-u_{pij})/P`,
    :math:`\partial\mathcal{L}/\partial\theta_{pk} = \sum_j G_{pkj} - \sum_i G_{pik}`
    (the log-softmax normalizer cancels in :math:`h_{pi} - h_{pj}`).

    Examples
    --------
    >>> loss, grad = toy_dpo_loss([0.0, 0.0], [0.5, 0.5], bt_preference_weights([0.0, 0.0]), beta=1.0)
    >>> round(loss, 6), grad                    # log 2; balanced preferences: no pull
    (0.693147, array([[0., 0.]]))
    """
    theta = _as_table(logits, "logits")
    q, w, b = _problem(reference, weights, beta, theta.shape)
    return _loss_grad(theta, np.log(q), w, b)


def _problem(reference: Any, weights: Any, beta: Any, shape: tuple[int, ...] | None) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    q = _as_table(reference, "reference")
    if shape is not None and q.shape != shape:
        raise ValueError(f"reference: expected the shape of logits {shape}; got shape {q.shape}")
    if np.any(q <= 0) or np.any(np.abs(q.sum(axis=1) - 1) > 1e-9 * q.shape[1]):
        raise ValueError("reference: expected rows of positive probabilities summing to 1 (tolerance 1e-9·K)")
    return q, _check_weights(weights, q.shape), as_positive(beta, "beta")


def _loss_grad(theta: NDArray[np.float64], log_q: NDArray[np.float64], w: NDArray[np.float64], b: float) -> tuple[float, NDArray[np.float64]]:
    h = log_softmax(theta, axis=1) - log_q
    u = b * (h[:, :, None] - h[:, None, :])  # u[p, i, j] = β (h_pi − h_pj)
    n = theta.shape[0]
    loss = float(np.sum(w * np.logaddexp(0.0, -u)) / n)
    g = -b * w * expit(-u) / n  # ∂L/∂u
    return loss, g.sum(axis=2) - g.sum(axis=1)


def smoothness_step(weights: NDArray[np.float64], beta: float) -> float:
    r"""The gradient-descent step :math:`1/L` for the toy loss, from a bound on its curvature.

    The Hessian is :math:`rac{eta^2}{P}\sum_{i
e j} W_{pij}\,\sigma'(u_{pij})(e_i - e_j)(e_i - e_j)^	op`
    per prompt, a graph Laplacian with edge weights at most :math:`(W_{pij} + W_{pji})/4`; its
    largest eigenvalue is at most twice the largest weighted degree, so
    :math:`L \le eta^2 \max_{p,i}\sum_j (W_{pij} + W_{pji}) / (2P)`.
    """
    degree = float(np.max(np.sum(weights + np.swapaxes(weights, 1, 2), axis=2)))
    return 2 * weights.shape[0] / (beta**2 * max(degree, np.finfo(np.float64).tiny))


def train_toy_dpo(
    reference: Any,
    weights: Any,
    *,
    beta: float,
    steps: int = 2000,
    optimizer: str = "adam",
    lr: float | None = None,
) -> ToyRun:
    r"""Train the toy softmax policy with the DPO loss, starting at :math:`\theta = \log\pi_\text{ref}`.

    Parameters
    ----------
    reference
        :math:`\pi_\text{ref}`, shape ``(P, K)`` or ``(K,)``, positive rows summing to 1.
    weights
        :math:`W`, shape ``(P, K, K)``.
    beta
        β > 0.
    steps
        Number of optimizer steps (≥ 1).
    optimizer
        ``"adam"`` (:func:`refalgo.optim.adam_step`, PyTorch's default betas and ε) or
        ``"gd"`` (plain gradient descent).
    lr
        Step size > 0. Default: 0.05 for Adam; for gradient descent :math:`1/L` with
        :math:`L` the curvature bound of :func:`smoothness_step`, which guarantees descent.

    Returns
    -------
    ToyRun
        ``policy`` and ``logits`` after training, ``losses`` (``steps + 1`` values, the
        first at the reference) and ``implicit_rewards`` :math:`\beta\log(\pi_\theta/\pi_\text{ref})`,
        shape ``(steps + 1, P, K)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`toy_dpo_loss`; ``steps`` not a positive integer, ``lr`` ≤ 0, an
        unknown ``optimizer``.

    Notes
    -----
    The loss is convex in θ; with population weights its minimizers are the logits of
    :math:`\pi^* \propto \pi_\text{ref}e^{r/\beta}`, so gradient descent with step :math:`1/L`
    converges to π* linearly.

    Examples
    --------
    >>> from refalgo.alignment import kl_optimum
    >>> q, r = [0.5, 0.25, 0.25], [1.0, 0.0, -1.0]
    >>> run = train_toy_dpo(q, bt_preference_weights(r), beta=0.5, steps=1500)
    >>> bool(abs(run.policy - kl_optimum(q, r, beta=0.5)).max() < 1e-6)
    True
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps: expected a positive integer; got {steps!r}")
    if optimizer not in ("adam", "gd"):
        raise ValueError(f"optimizer: expected 'adam' or 'gd'; got {optimizer!r}")
    q, w, b = _problem(reference, weights, beta, None)
    default = 0.05 if optimizer == "adam" else smoothness_step(w, b)
    rate = default if lr is None else as_positive(lr, "lr")
    log_q = np.log(q)
    theta, state = log_q.copy(), adam_init(log_q)
    losses, rewards = [], []
    for step in range(steps + 1):
        loss, grad = _loss_grad(theta, log_q, w, b)
        losses.append(loss)
        rewards.append(b * (log_softmax(theta, axis=1) - log_q))
        if step == steps:
            break
        if optimizer == "adam":
            theta, state = adam_step(theta, grad, state, lr=rate)
        else:
            theta = theta - rate * grad
    return ToyRun(np.exp(log_softmax(theta, axis=1)), theta, np.array(losses), np.array(rewards))

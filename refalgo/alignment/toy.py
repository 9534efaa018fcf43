r"""A complete toy DPO experiment: softmax policies over K responses, preferences from Bradley–Terry.

For each of P prompts the policy is a softmax over K responses,
:math:`\pi_\theta(k \mid p) = e^{\theta_{pk}} / \sum_j e^{\theta_{pj}}`. A comparison for
prompt p draws an unordered pair of distinct responses uniformly and labels it by
Bradley–Terry with a known reward :math:`r_{pk}`. The data are summarized by weights
:math:`W_{pij}`, the probability (population) or frequency (finite sample) that a
comparison of prompt p is "i beats j". The DPO loss averaged over prompts is

.. math::

    \mathcal{L}(\theta) = \frac{1}{P}\sum_p \sum_{i \ne j} W_{pij}\,
    \mathrm{sp}\bigl(-\beta (h_{pi} - h_{pj})\bigr), \qquad
    h_{pk} = \log\pi_\theta(k\mid p) - \log\pi_\text{ref}(k\mid p).

With the population weights its minimizer is :math:`\pi^* \propto \pi_\text{ref} e^{r/\beta}`
(:func:`refalgo.alignment.kl_optimum`); with finite data it is the optimum for the
empirical preference frequencies. The DPO page shows both.

**Conventions** — the DPO paper's loss (Rafailov et al. 2023, eq. 7) on a tabular policy:

* ``logits``, ``reference`` and ``reward`` have shape ``(P, K)`` (or ``(K,)`` for one
  prompt), ``weights`` shape ``(P, K, K)``, ``weights[p, i, j]`` for "i beats j"; each
  prompt's weights sum to 1 and every reference probability is positive;
* training starts at :math:`\theta = \log\pi_\text{ref}` (the policy starts as the
  reference, as DPO does) and takes Adam steps (:func:`refalgo.optim.adam_step`) or
  gradient-descent steps.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_softmax

from .._validate import as_array, as_count, as_positive, probability_rows
from ._engine.descent import descend, smoothness_step

__all__ = [
    "ToyRun",
    "bt_preference_weights",
    "sample_preference_weights",
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


def _as_table(x: ArrayLike, name: str) -> NDArray[np.float64]:
    """``x`` as a ``(P, K)`` table with K ≥ 2 (a 1-D ``x`` is one prompt)."""
    a = as_array(x, name, ndim=(1, 2))
    a = a[None, :] if a.ndim == 1 else a
    if a.shape[1] < 2:
        raise ValueError(f"{name}: expected at least 2 responses per prompt; got shape {a.shape}")
    return a


# ---------------------------------------------------------------- the preference data
def bt_preference_weights(reward: ArrayLike) -> NDArray[np.float64]:
    r"""Population preference weights :math:`W_{pij} = \sigma(r_{pi} - r_{pj}) / \binom{K}{2}` for i ≠ j.

    :math:`r` is ``reward``; a uniform pair of distinct responses, labelled by Bradley–Terry.

    Parameters
    ----------
    reward
        :math:`r`, shape ``(K,)`` or ``(P, K)``, finite.

    Returns
    -------
    numpy.ndarray
        Shape ``(P, K, K)``: the probability that a comparison of prompt p is "i beats
        j"; zero diagonal, each prompt sums to 1.

    Raises
    ------
    TypeError, ValueError
        Non-numeric or non-finite rewards, more than 2 dimensions, fewer than 2 responses.

    References
    ----------
    Bradley & Terry (1952); Rafailov et al. (2023), eq. (1).

    Examples
    --------
    >>> bt_preference_weights([0.0, 0.0])
    array([[[0. , 0.5],
            [0.5, 0. ]]])
    """
    r = _as_table(reward, "reward")
    k = r.shape[1]
    w = expit(r[:, :, None] - r[:, None, :]) / (k * (k - 1) / 2)  # (1) σ(r_i − r_j) per pair, pairs uniform
    w[:, np.arange(k), np.arange(k)] = 0.0
    return np.asarray(w, dtype=np.float64)


def sample_preference_weights(reward: ArrayLike, *, comparisons: int, seed: int) -> NDArray[np.float64]:
    r"""Empirical preference weights from ``comparisons`` Bradley–Terry comparisons per prompt.

    :math:`r` is ``reward``; the frequencies estimate :func:`bt_preference_weights`.

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

    References
    ----------
    Bradley & Terry (1952).

    Examples
    --------
    >>> w = sample_preference_weights([0.0, 1.0, 2.0], comparisons=1000, seed=0)
    >>> round(float(w.sum()), 12), w.shape
    (1.0, (1, 3, 3))
    """
    r = _as_table(reward, "reward")
    n = as_count(comparisons, "comparisons")
    rng = np.random.default_rng(seed)
    p, k = r.shape
    i, j = np.triu_indices(k, 1)
    pick = rng.integers(0, i.size, size=(p, n))  # a uniform unordered pair per comparison
    a, b = i[pick], j[pick]
    rows = np.arange(p)[:, None]
    a_wins = rng.random((p, n)) < expit(r[rows, a] - r[rows, b])  # (1) labelled by Bradley–Terry
    winner, loser = np.where(a_wins, a, b), np.where(a_wins, b, a)
    w = np.zeros((p, k, k))
    np.add.at(w, (np.broadcast_to(rows, winner.shape), winner, loser), 1.0)
    return w / n


# ---------------------------------------------------------------- the loss and training
def _problem(reference: ArrayLike, weights: ArrayLike, beta: float, shape: tuple[int, ...] | None) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    b = as_positive(beta, "beta")
    q = _as_table(reference, "reference")
    if shape is not None and q.shape != shape:
        raise ValueError(f"reference: expected shape {shape} (that of logits); got shape {q.shape}")
    probability_rows(q, "reference")
    if np.any(q <= 0):
        bad = tuple(int(i) for i in np.argwhere(q <= 0)[0])
        raise ValueError(f"reference[{bad[0]}, {bad[1]}]: expected a probability > 0 (training starts at log π_ref); got {q[bad]}")
    w = as_array(weights, "weights", shape=(q.shape[0], q.shape[1], q.shape[1]))
    probability_rows(w, "weights", row_ndim=2)
    return q, w, b


def _loss_and_gradient(theta: NDArray[np.float64], log_q: NDArray[np.float64], w: NDArray[np.float64], beta: float) -> tuple[float, NDArray[np.float64]]:
    h = log_softmax(theta, axis=1) - log_q  # h_pk = log π_θ(k|p) − log π_ref(k|p)
    u = beta * (h[:, :, None] - h[:, None, :])  # (7) u_pij = β (h_pi − h_pj)
    n = theta.shape[0]
    loss = float(np.sum(w * np.logaddexp(0.0, -u)) / n)  # (7) L = (1/P) Σ W_pij (−log σ(u_pij))
    g = -beta * w * expit(-u) / n  # ∂L/∂h_pi through u_pij: −β W_pij σ(−u_pij) / P
    return loss, g.sum(axis=2) - g.sum(axis=1)  # the log-softmax normalizer cancels in h_pi − h_pj


def toy_dpo_loss(logits: ArrayLike, reference: ArrayLike, weights: ArrayLike, *, beta: float) -> tuple[float, NDArray[np.float64]]:
    r"""The toy DPO loss :math:`\mathcal{L}(\theta)` and its gradient with respect to the softmax logits.

    θ is ``logits``, :math:`\pi_\text{ref}` is ``reference``, :math:`W` is ``weights``,
    β is ``beta``; the loss is the one of the module docstring.

    Parameters
    ----------
    logits
        θ, shape ``(P, K)`` (or ``(K,)``): the policy is ``softmax(θ)`` per prompt.
    reference
        :math:`\pi_\text{ref}`, the same shape, positive rows summing to 1.
    weights
        :math:`W`, shape ``(P, K, K)``, each prompt a distribution over ordered pairs
        (from :func:`bt_preference_weights` or :func:`sample_preference_weights`).
    beta
        β > 0.

    Returns
    -------
    loss, grad
        :math:`\mathcal{L}(\theta)` and :math:`\partial\mathcal{L}/\partial\theta`, shape ``(P, K)``.

    Raises
    ------
    TypeError, ValueError
        Non-numeric or non-finite input, shapes that do not match, a reference with a
        zero or rows not summing to 1, weights that are negative or do not sum to 1
        per prompt, β ≤ 0.

    References
    ----------
    Rafailov et al. (2023), eq. (7).

    Examples
    --------
    >>> loss, grad = toy_dpo_loss([0.0, 0.0], [0.5, 0.5], bt_preference_weights([0.0, 0.0]), beta=1.0)
    >>> round(loss, 6), grad                    # log 2; balanced preferences: no pull
    (0.693147, array([[0., 0.]]))
    """
    theta = _as_table(logits, "logits")
    q, w, b = _problem(reference, weights, beta, theta.shape)
    return _loss_and_gradient(theta, np.log(q), w, b)


def train_toy_dpo(
    reference: ArrayLike,
    weights: ArrayLike,
    *,
    beta: float,
    steps: int = 2000,
    optimizer: str = "adam",
    lr: float | None = None,
) -> ToyRun:
    r"""Train the toy softmax policy with the DPO loss, starting at :math:`\theta = \log\pi_\text{ref}`.

    :math:`\pi_\text{ref}` is ``reference``, :math:`W` is ``weights``, β is ``beta``.

    Parameters
    ----------
    reference, weights, beta
        As in :func:`toy_dpo_loss`.
    steps
        Number of optimizer steps (≥ 1).
    optimizer
        ``"adam"`` (:func:`refalgo.optim.adam_step`, PyTorch's default betas and ε) or
        ``"gd"`` (plain gradient descent).
    lr
        Step size > 0. Default: 0.05 for Adam; for gradient descent :math:`1/L`, with
        :math:`L` a bound on the loss's curvature, which guarantees descent.

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

    References
    ----------
    Rafailov et al. (2023), §4–5.

    Examples
    --------
    >>> from refalgo.alignment import kl_optimum
    >>> q, r = [0.5, 0.25, 0.25], [1.0, 0.0, -1.0]
    >>> run = train_toy_dpo(q, bt_preference_weights(r), beta=0.5, steps=1500)
    >>> bool(abs(run.policy - kl_optimum(q, r, beta=0.5)).max() < 1e-6)  # π* ∝ π_ref e^{r/β}
    True
    """
    n_steps = as_count(steps, "steps")
    if optimizer not in ("adam", "gd"):
        raise ValueError(f"optimizer: expected 'adam' or 'gd'; got {optimizer!r}")
    rate = None if lr is None else as_positive(lr, "lr")
    q, w, b = _problem(reference, weights, beta, None)
    if rate is None:
        rate = 0.05 if optimizer == "adam" else smoothness_step(w, b)
    log_q = np.log(q)
    thetas, losses = descend(lambda theta: _loss_and_gradient(theta, log_q, w, b), log_q.copy(),  # start at π_ref
                             steps=n_steps, optimizer=optimizer, lr=rate)
    implicit_rewards = b * (log_softmax(thetas, axis=2) - log_q)  # β log π_θ/π_ref after each step
    return ToyRun(np.exp(log_softmax(thetas[-1], axis=1)), thetas[-1], losses, implicit_rewards)

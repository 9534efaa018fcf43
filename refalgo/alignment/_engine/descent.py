r"""The toy DPO experiment's optimizer loop and its gradient-descent step size."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ...optim import adam_init, adam_step

LossAndGradient = Callable[[NDArray[np.float64]], tuple[float, NDArray[np.float64]]]


def smoothness_step(weights: NDArray[np.float64], beta: float) -> float:
    r"""The gradient-descent step :math:`1/L` for the toy DPO loss, which guarantees descent.

    Per prompt the Hessian in the logits is
    :math:`\frac{\beta^2}{P}\sum_{i \ne j} W_{pij}\,\sigma'(u_{pij})(e_i - e_j)(e_i - e_j)^\top`,
    a graph Laplacian with edge weights at most :math:`(W_{pij} + W_{pji})/4`; its largest
    eigenvalue is at most twice the largest weighted degree, so
    :math:`L \le \beta^2 \max_{p,i}\sum_j (W_{pij} + W_{pji}) / (2P)`. ``weights`` has
    shape ``(P, K, K)``; neither argument is validated here.

    Examples
    --------
    >>> smoothness_step(np.array([[[0.0, 0.5], [0.5, 0.0]]]), 1.0)  # L ≤ 1/2
    2.0
    """
    degree = float(np.max(np.sum(weights + np.swapaxes(weights, 1, 2), axis=2)))
    return 2 * weights.shape[0] / (beta**2 * max(degree, np.finfo(np.float64).tiny))


def descend(
    loss_and_gradient: LossAndGradient, theta: NDArray[np.float64], *, steps: int, optimizer: str, lr: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``steps`` Adam (PyTorch's defaults) or gradient-descent steps from ``theta``.

    Returns the logits before and after every step, shape ``(steps + 1, *theta.shape)``,
    and the loss at each of them, shape ``(steps + 1,)``. Nothing is validated here.

    Examples
    --------
    >>> thetas, losses = descend(lambda t: (float(t @ t), 2 * t), np.array([1.0]), steps=2, optimizer="gd", lr=0.25)
    >>> thetas.ravel().tolist(), losses.tolist()
    ([1.0, 0.5, 0.25], [1.0, 0.25, 0.0625])
    """
    state = adam_init(theta)
    thetas, losses = [theta], []
    for step in range(steps + 1):
        loss, grad = loss_and_gradient(theta)
        losses.append(loss)
        if step == steps:
            break
        if optimizer == "adam":
            stepped, state = adam_step(theta, grad, state, lr=lr)
            theta = np.asarray(stepped, dtype=np.float64)
        else:
            theta = theta - lr * grad
        thetas.append(theta)
    return np.array(thetas), np.array(losses)

r"""The toy DPO experiment's step size for gradient descent, from a bound on the loss's curvature."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


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

r"""A search for the KL-regularized optimum that never uses its closed form."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import logsumexp


def maximize_numerically(reference: NDArray[np.float64], reward: NDArray[np.float64], beta: float) -> NDArray[np.float64]:
    r"""Maximize :math:`J(\pi) = \sum_y \pi(y)\bigl(r(y) - \beta\log\tfrac{\pi(y)}{\pi_\text{ref}(y)}\bigr)` by BFGS.

    The policy is a softmax over the responses the reference supports; BFGS runs on
    its logits to gradient norm :math:`10^{-12}`. Responses with
    :math:`\pi_\text{ref} = 0` get probability 0. ``reference`` is one probability
    vector, ``reward`` the same shape, ``beta`` > 0; neither is validated here.

    Examples
    --------
    >>> maximize_numerically(np.array([0.5, 0.5]), np.array([0.0, 1.0]), 1.0).round(6)  # e / (1 + e)
    array([0.268941, 0.731059])
    """
    support = reference > 0
    q, r = reference[support], reward[support]

    def negative_j(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        logp = theta - logsumexp(theta)
        p = np.exp(logp)
        advantage = r - beta * (logp - np.log(q))
        value = float(p @ advantage)
        grad = p * (advantage - value)  # ∂J/∂θ_k = π_k (A_k − J), A_k = r_k − β log(π_k/π_ref,k)
        return -value, -grad

    result = minimize(negative_j, np.zeros(q.size), jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 10_000})
    out = np.zeros_like(reference)
    out[support] = np.exp(result.x - logsumexp(result.x))
    return out

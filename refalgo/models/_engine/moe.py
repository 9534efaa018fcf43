"""Fast paths of the MoE layer: selection by sorting, dispatch grouped by expert, combine by one gather.

Imported only by :mod:`refalgo.models.moe`. Nothing here loops over tokens in Python: the
token-slots are sorted by expert once, each expert runs one matrix product on its contiguous
block of rows, and the weighted outputs are put back in token order by the inverse permutation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def top_k_lowest_index(values: NDArray[Any], k: int) -> NDArray[np.intp]:
    """Indices of the ``k`` largest entries of each row, largest first, ties to the lowest index.

    A stable sort of the negated values keeps equal values in index order, so of two equal
    scores the lower expert (or group) index wins, the rule the exact twin applies.
    """
    return np.argsort(-values, axis=-1, kind="stable")[..., :k]


def silu(x: NDArray[Any]) -> NDArray[Any]:
    """x·σ(x) = x / (1 + e^(-x)) in the input's precision (e^(-x) = inf gives -0, the limit)."""
    with np.errstate(over="ignore"):
        return x / (1 + np.exp(-x))


def swiglu(x: NDArray[Any], w_gate: NDArray[Any], w_up: NDArray[Any], w_down: NDArray[Any]) -> NDArray[Any]:
    """(silu(x W_gateᵀ) ⊙ x W_upᵀ) W_downᵀ, weights in ``nn.Linear`` layout (out, in)."""
    return (silu(x @ w_gate.T) * (x @ w_up.T)) @ w_down.T


def grouped_experts(
    x: NDArray[Any],
    indices: NDArray[np.intp],
    weights: NDArray[Any],
    w_gate: NDArray[Any],
    w_up: NDArray[Any],
    w_down: NDArray[Any],
) -> NDArray[Any]:
    """Σ_j weights[t, j] · expert_{indices[t, j]}(x[t]) for every token t, one product per expert.

    The T·k token-slots are sorted by expert (stably, so each block is in token order); expert e
    reads its block of rows of ``x``, and the results, scaled by their weights, are summed over
    the k slots of each token after the inverse permutation.
    """
    t, k = indices.shape
    flat = indices.ravel()
    order = np.argsort(flat, kind="stable")  # token-slots grouped by expert
    bounds = np.searchsorted(flat[order], np.arange(w_gate.shape[0] + 1))
    out = np.empty((t * k, x.shape[1]), dtype=x.dtype)
    tokens = order // k
    for e in np.flatnonzero(np.diff(bounds)):  # one block per expert that received tokens
        rows = order[bounds[e] : bounds[e + 1]]
        out[rows] = swiglu(x[tokens[bounds[e] : bounds[e + 1]]], w_gate[e], w_up[e], w_down[e])
    out *= weights.reshape(-1, 1).astype(x.dtype, copy=False)
    return out.reshape(t, k, -1).sum(axis=1)


def capacity_ranks(indices: NDArray[np.intp], num_experts: int) -> NDArray[np.intp]:
    """Each token-slot's place in its expert's queue: first choices of all tokens in position order, then second choices, …"""
    t, k = indices.shape
    flat = indices.T.ravel()  # rank-major: slot j of every token before slot j + 1
    order = np.argsort(flat, kind="stable")
    starts = np.searchsorted(flat[order], np.arange(num_experts))
    ranks = np.empty(t * k, dtype=np.intp)
    ranks[order] = np.arange(t * k) - starts[flat[order]]
    return ranks.reshape(k, t).T

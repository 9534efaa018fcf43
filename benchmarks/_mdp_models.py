r"""Sparse random MDPs for the MDP benchmark, and the same model in each solver's format.

A model has ``S`` states and ``A`` actions; every pair ``(s, a)`` moves to ``k``
distinct successors drawn uniformly without replacement, with probabilities drawn
uniformly and normalised, and the reward ``R[s, a]`` is uniform on [0, 1). The
transitions are built directly in CSR form with shape ``(S·A, S)``, row ``s·A + a``
holding :math:`p(\cdot \mid s, a)` (the layout :class:`refalgo.mdp.MDP` accepts), and
a seed makes the model reproducible.

A second, *local* family (:func:`local_sparse_mdp`) draws the ``k`` successors of
``(s, a)`` uniformly without replacement among the states within ``width`` of ``s``
(``s - width … s + width``, wrapping around at the ends), as in grid worlds and queues
where a transition moves the state only a little; probabilities and rewards as above.

Each peer wants its own format; the converters below build it from the same arrays, so
every solver is handed exactly the same numbers:

* pymdptoolbox: a list of ``A`` sparse ``(S, S)`` matrices and ``R`` of shape ``(S, A)``;
* mdpsolver: nested lists ``tranMatProbs[s][a][j]``, ``tranMatColumns[s][a][j]`` and
  ``rewards[s][a]``.

A deterministic policy turns the model into a one-action model (``restrict``): its
transition rows are ``P[s·A + policy[s]]`` and its rewards ``R[s, policy[s]]``. Solving
that model by value iteration is iterative policy evaluation, which is how the peers
evaluate a policy on a sparse model.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray


class SparseModel(NamedTuple):
    """A sparse MDP: ``P`` is CSR of shape ``(S·A, S)``, ``R`` has shape ``(S, A)``."""

    P: sps.csr_array
    R: NDArray[np.float64]
    gamma: float

    @property
    def n_states(self) -> int:
        return int(self.R.shape[0])

    @property
    def n_actions(self) -> int:
        return int(self.R.shape[1])


def _distinct_sorted_columns(rng: np.random.Generator, n_rows: int, n_states: int, k: int) -> NDArray[np.int32]:
    """``k`` distinct states per row, uniform without replacement, sorted within the row."""
    cols = np.sort(rng.integers(0, n_states, size=(n_rows, k)), axis=1)
    while True:
        clash = np.flatnonzero(np.any(cols[:, 1:] == cols[:, :-1], axis=1)) if k > 1 else np.empty(0, int)
        if clash.size == 0:
            return cols.astype(np.int32)
        cols[clash] = np.sort(rng.integers(0, n_states, size=(clash.size, k)), axis=1)


def _check(n_states: int, n_actions: int, n_successors: int, gamma: float) -> None:
    if n_states < 1 or n_actions < 1:
        raise ValueError(f"n_states, n_actions: expected positive integers; got {n_states}, {n_actions}")
    if not 1 <= n_successors <= n_states:
        raise ValueError(f"n_successors: expected 1 … n_states = {n_states}; got {n_successors}")
    if not 0.0 < gamma < 1.0:
        raise ValueError(f"gamma: expected a discount in (0, 1); got {gamma}")


def _model(rng: np.random.Generator, cols: NDArray[np.int32], n_states: int, n_actions: int, gamma: float) -> SparseModel:
    """The CSR model with the given sorted columns per row; probabilities and rewards drawn from ``rng``."""
    n_rows, k = cols.shape
    weights = rng.random((n_rows, k))
    probs = weights / weights.sum(axis=1, keepdims=True)
    indptr = np.arange(0, n_rows * k + 1, k, dtype=np.int32 if n_rows * k < 2**31 else np.int64)
    P = sps.csr_array((probs.ravel(), cols.ravel(), indptr), shape=(n_rows, n_states))
    R = rng.random((n_states, n_actions))
    return SparseModel(P, R, float(gamma))


def random_sparse_mdp(
    n_states: int, *, n_actions: int = 4, n_successors: int = 4, gamma: float = 0.9, seed: int = 0
) -> SparseModel:
    """A reproducible sparse random MDP with ``n_successors`` successors per (state, action).

    Raises ValueError for sizes that cannot hold ``n_successors`` distinct successors or
    a discount outside (0, 1).
    """
    _check(n_states, n_actions, n_successors, gamma)
    rng = np.random.default_rng(seed)
    cols = _distinct_sorted_columns(rng, n_states * n_actions, n_states, n_successors)
    return _model(rng, cols, n_states, n_actions, gamma)


def local_sparse_mdp(
    n_states: int, *, n_actions: int = 4, n_successors: int = 4, width: int = 64, gamma: float = 0.9, seed: int = 0
) -> SparseModel:
    """A reproducible sparse MDP whose successors of ``s`` lie within ``width`` states of ``s`` (wrapping around).

    Raises ValueError when ``n_states <= 2 * width`` (the window would overlap itself),
    when the window cannot hold ``n_successors`` distinct states, or as
    :func:`random_sparse_mdp`.
    """
    _check(n_states, n_actions, n_successors, gamma)
    if width < 0 or n_states <= 2 * width:
        raise ValueError(f"width: expected 0 <= width < n_states / 2 = {n_states / 2:g}; got {width}")
    if n_successors > 2 * width + 1:
        raise ValueError(f"n_successors: expected at most 2·width + 1 = {2 * width + 1}; got {n_successors}")
    rng = np.random.default_rng(seed)
    n_rows = n_states * n_actions
    offsets = _distinct_sorted_columns(rng, n_rows, 2 * width + 1, n_successors).astype(np.int64) - width
    states = np.repeat(np.arange(n_states, dtype=np.int64), n_actions)[:, None]
    cols = np.sort((states + offsets) % n_states, axis=1).astype(np.int32)
    return _model(rng, cols, n_states, n_actions, gamma)


def random_policy(model: SparseModel, *, seed: int = 1) -> NDArray[np.int64]:
    """A reproducible deterministic policy: one action index per state."""
    return np.random.default_rng(seed).integers(0, model.n_actions, size=model.n_states)


def restrict(model: SparseModel, policy: NDArray[np.int64]) -> SparseModel:
    """The one-action model of ``policy``: rows ``P[s·A + policy[s]]`` and rewards ``R[s, policy[s]]``."""
    S, A = model.n_states, model.n_actions
    rows = np.arange(S) * A + policy
    return SparseModel(sps.csr_array(model.P[rows]), model.R[np.arange(S), policy][:, None].copy(), model.gamma)


def to_pymdptoolbox(model: SparseModel) -> tuple[list[Any], NDArray[np.float64]]:
    """``(transitions, reward)``: ``A`` CSR matrices of shape ``(S, S)`` and ``R`` of shape ``(S, A)``."""
    A = model.n_actions
    return [sps.csr_matrix(model.P[a::A]) for a in range(A)], model.R


def to_mdpsolver(model: SparseModel) -> dict[str, Any]:
    """Keyword arguments for ``mdpsolver.model().mdp``: nested lists per state and action."""
    S, A = model.n_states, model.n_actions
    counts = np.diff(model.P.indptr)
    k = int(counts[0])
    if np.any(counts != k):
        raise ValueError("model: the nested-list format needs the same number of successors in every row")
    return {
        "discount": model.gamma,
        "rewards": model.R.tolist(),
        "tranMatProbs": model.P.data.reshape(S, A, k).tolist(),
        "tranMatColumns": model.P.indices.reshape(S, A, k).tolist(),
    }

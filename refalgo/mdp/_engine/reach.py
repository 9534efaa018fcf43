"""Reachability on the support of a transition matrix: breadth-first searches and the almost-sure fixed point."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray
from scipy.sparse.csgraph import breadth_first_order


def reach_backward(edges: Any, targets: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """States with a path to ``targets`` along ``edges`` (an (S, S) matrix of s -> s' edges).

    The edges are reversed and one extra node, linked to every target, starts a single
    breadth-first search, so the cost is one pass over the stored entries.
    """
    S = edges.shape[0]
    graph = sps.csr_array(edges.T)  # s' -> s
    n = int(targets.sum())
    hub = sps.csr_array((np.ones(n), (np.full(n, S), np.flatnonzero(targets))), shape=(S + 1, S + 1))
    graph = sps.csr_array(sps.block_diag([graph, sps.csr_array((1, 1))], format="csr") + hub)
    order = breadth_first_order(graph, S, directed=True, return_predecessors=False)
    mask = np.zeros(S + 1, dtype=bool)
    mask[order] = True
    return mask[:S]


def proper_states(P_pi: Any, terminal: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The non-terminal mask, after checking that the chain ``P_pi`` reaches a terminal state from every state."""
    reach = reach_backward(sps.csr_array(P_pi), terminal)
    if not reach.all():
        bad = np.flatnonzero(~reach)
        raise ValueError(
            f"policy: with gamma = 1 the policy must reach a terminal state with probability 1, but from "
            f"states {bad[:10].tolist()} it never does, so their values are not finite"
        )
    return ~terminal


def almost_sure_set(P2: sps.csr_array, n_actions: int, targets: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """The nested fixed point behind :func:`refalgo.mdp.model.almost_sure_reach`, on the ``(S·A, S)`` support.

    Keep a candidate set W; an action is allowed when all its successors stay in W;
    shrink W to the states that reach ``targets`` by allowed actions; repeat until W is
    stable.
    """
    S, A = P2.shape[1], n_actions
    W = np.ones(S, dtype=bool)
    while True:
        leaks = np.asarray(P2 @ (~W).astype(np.float64)).ravel() > 0
        allowed = ~leaks.reshape(S, A) & W[:, None]
        pick = sps.csr_array((allowed.ravel().astype(np.float64), (np.repeat(np.arange(S), A), np.arange(S * A))), shape=(S, S * A))
        new = reach_backward(pick @ P2, targets & W) & W
        if np.array_equal(new, W):
            return W, allowed
        W = new


def layered_policy(P2: sps.csr_array, allowed: NDArray[np.bool_], terminal: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Breadth-first layers from the terminal states; each state takes its lowest allowed action into an earlier layer."""
    S, A = allowed.shape
    policy = np.zeros(S, dtype=np.intp)
    done = terminal.copy()
    while not done.all():
        hits = (np.asarray(P2 @ done.astype(np.float64)).reshape(S, A) > 0) & allowed & ~done[:, None]
        fresh = hits.any(axis=1)
        policy[fresh] = np.argmax(hits[fresh], axis=1)
        done |= fresh
    return policy

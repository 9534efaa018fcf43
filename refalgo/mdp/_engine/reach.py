"""Reachability on the support of a transition matrix, by one breadth-first search."""

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

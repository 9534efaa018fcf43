"""The structure of a Markov chain: closed communicating classes and the period.

A finite chain has a unique stationary distribution exactly when it has one closed
communicating class; it converges to it from every start exactly when that class is also
aperiodic. Both are read off the graph of the positive entries of ``P`` (strongly
connected components, and the gcd of ``level(u) + 1 - level(v)`` over the edges of a
breadth-first search inside the class).
"""

from __future__ import annotations

from math import gcd
from typing import Any

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray
from scipy.sparse.csgraph import breadth_first_order, connected_components

__all__ = ["ChainStructure", "chain_structure", "describe_states", "require_unique"]


class ChainStructure:
    """Closed classes (lists of states), transient states and the period of the one closed class."""

    def __init__(self, closed: list[NDArray[np.intp]], transient: NDArray[np.intp], period: int) -> None:
        self.closed = closed
        self.transient = transient
        self.period = period


def describe_states(states: NDArray[np.intp], limit: int = 8) -> str:
    """``[0, 3, 5]`` or ``[0, 3, 5, … (120 states)]``."""
    shown = ", ".join(str(int(s)) for s in states[:limit])
    return f"[{shown}]" if states.size <= limit else f"[{shown}, … ({states.size} states)]"


def _period(graph: sps.csr_array, members: NDArray[np.intp]) -> int:
    """The period of the closed class ``members``: gcd of level(u) + 1 − level(v) over its edges."""
    sub = graph[members][:, members].tocsr()
    order, pred = breadth_first_order(sub, 0, directed=True, return_predecessors=True)
    level = np.full(members.size, -1, dtype=np.int64)
    level[0] = 0
    for v in order[1:]:
        level[v] = level[pred[v]] + 1
    coo = sub.tocoo()
    g = 0
    for diff in np.unique(np.abs(level[coo.row] + 1 - level[coo.col])):
        g = gcd(g, int(diff))
        if g == 1:
            break
    return g


def chain_structure(P: Any) -> ChainStructure:
    """The closed classes, transient states and (for one closed class) the period of ``P``'s graph."""
    graph = sps.csr_array(P)
    graph.eliminate_zeros()
    n, labels = connected_components(graph, directed=True, connection="strong")
    coo = graph.tocoo()
    leaving = np.zeros(n, dtype=bool)
    leaving[labels[coo.row][labels[coo.row] != labels[coo.col]]] = True
    closed = [np.flatnonzero(labels == c) for c in range(n) if not leaving[c]]
    transient = np.flatnonzero(leaving[labels])
    period = _period(graph, closed[0]) if len(closed) == 1 else 0
    return ChainStructure(closed, transient, period)


def require_unique(structure: ChainStructure, name: str, *, aperiodic: bool) -> None:
    """A ValueError naming ``name`` unless the chain has one closed class (and, if asked, period 1)."""
    if len(structure.closed) > 1:
        classes = "; ".join(describe_states(c) for c in structure.closed[:4])
        raise ValueError(
            f"{name}: the chain is reducible with {len(structure.closed)} closed classes ({classes}), so its "
            "stationary distribution is not unique: every mixture of the classes' distributions is stationary"
        )
    if aperiodic and structure.period > 1:
        raise ValueError(
            f"{name}: the chain is periodic with period {structure.period}: its stationary distribution is unique, "
            "but the distribution of the state does not converge to it (it cycles); pass aperiodic=False to "
            "accept it as the long-run average"
        )

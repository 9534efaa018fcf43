"""Machinery of the actor-critic learners: a seeded stepper of an MDP and the linear softmax.

Only :mod:`refalgo.rl.actor_critic` imports this module. Everything here is plain NumPy:
the learners act on small models, where a step costs a few microseconds of Python.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from math import exp
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...mdp.model import MDP, terminal_states

__all__ = ["ModelStepper", "linear_softmax", "softmax_row"]


def softmax_row(logits: NDArray[np.float64]) -> list[float]:
    """The softmax of one row of logits as a list, shifted by its maximum so that no exponential overflows.

    Plain Python: for a handful of actions it is several times faster than NumPy's calls.

    Examples
    --------
    >>> [round(p, 6) for p in softmax_row(np.array([0.0, np.log(3.0)]))]
    [0.25, 0.75]
    """
    values = logits.tolist()
    top = max(values)
    e = [exp(x - top) for x in values]
    total = sum(e)
    return [x / total for x in e]


def linear_softmax(Phi: NDArray[Any], theta: NDArray[Any], n_actions: int) -> NDArray[Any]:
    r"""All rows :math:`\pi(\cdot \mid s) \propto \exp(\phi(s, \cdot)^\top\theta)`, shape ``(S, A)``, in the dtype of ``theta``.

    Examples
    --------
    >>> linear_softmax(np.eye(2), np.array([0.0, np.log(3.0)]), 2).round(6).tolist()
    [[0.25, 0.75]]
    """
    logits = (Phi @ theta).reshape(-1, n_actions)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class ModelStepper:
    """Draws first states, actions and next states of ``mdp`` from one seeded generator.

    Uniform numbers are drawn from NumPy's ``default_rng(seed)`` in blocks of 4096 and turned
    into states and actions by inverting cumulative distributions (``bisect``), which is
    what makes a step cost microseconds in plain Python.

    Examples
    --------
    >>> m = MDP([[[0.0, 1.0]], [[0.0, 1.0]]], [[1.0], [0.0]], 1.0)
    >>> step = ModelStepper(m, np.array([1.0, 0.0]), seed=0)
    >>> s = step.first_state(); a = step.action([1.0]); s, a, step.next_state(s, a), bool(step.terminal[1])
    (0, 0, 1, True)
    """

    def __init__(self, mdp: MDP, start: NDArray[np.float64], seed: int) -> None:
        P = mdp.transition_matrix()
        self.rng = np.random.default_rng(seed)
        self.n_actions = mdp.n_actions
        self.P_cdf = np.cumsum(P.toarray() if mdp.is_sparse else np.asarray(P), axis=1).tolist()
        self.start_cdf = np.cumsum(start).tolist()
        self.terminal = terminal_states(mdp).tolist()
        self.R = np.asarray(mdp.R).tolist()
        self._u: list[float] = []
        self._i = 0

    def _uniform(self) -> float:
        if self._i == len(self._u):
            self._u, self._i = self.rng.random(4096).tolist(), 0
        self._i += 1
        return self._u[self._i - 1]

    def draw(self, cdf: list[float]) -> int:
        """An index drawn from the cumulative distribution ``cdf`` (a list)."""
        return min(bisect_right(cdf, self._uniform()), len(cdf) - 1)

    def first_state(self) -> int:
        """:math:`S_0 \\sim d_0`."""
        return self.draw(self.start_cdf)

    def action(self, probabilities: list[float]) -> int:
        """:math:`A \\sim` ``probabilities`` (one row of a policy)."""
        return self.draw(list(accumulate(probabilities)))

    def next_state(self, s: int, a: int) -> int:
        """:math:`S' \\sim p(\\cdot \\mid s, a)`."""
        return self.draw(self.P_cdf[s * self.n_actions + a])

r"""Baird's counterexample: off-policy semi-gradient TD diverges (Sutton & Barto Example 11.1).

Seven states and two actions. *dashed* moves to one of the six upper states with equal
probability, *solid* moves to the seventh (lower) state; every reward is 0, so
:math:`v_\pi = 0` and :math:`w = 0` represents it exactly. The behaviour policy takes
dashed with probability 6/7 and solid with 1/7, so its chain's stationary distribution is
uniform; the target policy always takes solid. The features (Sutton & Barto Figure 11.1):
upper state :math:`i` (0-based ``i = 0 … 5``) has :math:`2` in weight :math:`i` and
:math:`1` in weight 7; the lower state has :math:`1` in weight 6 and :math:`2` in weight
7 — eight features for seven states, linearly dependent, as in the book.

The expected off-policy semi-gradient TD(0) update under the behaviour distribution
:math:`d_b` is :math:`w \leftarrow w + \alpha(b - A w)` with :math:`A = \Phi^\top D_b(I -
\gamma P_\pi)\Phi` (:func:`refalgo.rl.td_system` with ``weights`` = :math:`d_b`); for
:math:`\gamma = 0.99` this :math:`A` has an eigenvalue with negative real part, so
:math:`I - \alpha A` has an eigenvalue outside the unit circle for every :math:`\alpha >
0`, and both the expected and the sampled updates diverge from almost every start.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..mdp.model import MDP, Number

__all__ = ["BairdExample", "baird_counterexample"]


class BairdExample(NamedTuple):
    """Baird's star: the model, its features, the two policies, the behaviour distribution and the book's start.

    Attributes
    ----------
    mdp
        7 states, actions 0 = dashed, 1 = solid, rewards 0.
    features
        :math:`\\Phi`, ``(7, 8)``.
    behavior, target
        ``(7, 2)`` policies: dashed 6/7 and solid 1/7; always solid.
    weights
        The behaviour policy's stationary distribution, uniform.
    w0
        The book's initial weights ``(1, 1, 1, 1, 1, 1, 10, 1)``.
    """

    mdp: MDP
    features: NDArray[np.float64]
    behavior: NDArray[np.float64]
    target: NDArray[np.float64]
    weights: NDArray[np.float64]
    w0: NDArray[np.float64]


def baird_counterexample(*, gamma: Number = "0.99") -> BairdExample:
    r"""Baird's counterexample as in Sutton & Barto (2018), Example 11.1 and Figure 11.1.

    Parameters
    ----------
    gamma
        Discount, by default exactly 99/100 as in the book.

    Returns
    -------
    BairdExample

    References
    ----------
    L. Baird, "Residual algorithms", *ICML* 1995; Sutton & Barto (2018), Example 11.1,
    Figures 11.1–11.2.

    Examples
    --------
    >>> ex = baird_counterexample()
    >>> ex.features.shape, ex.mdp.gamma, ex.behavior[0].tolist()
    ((7, 8), 0.99, [0.8571428571428571, 0.14285714285714285])
    """
    P = np.zeros((7, 2, 7))
    P[:, 0, :6] = 1.0 / 6.0  # dashed: one of the six upper states
    P[:, 1, 6] = 1.0  # solid: the lower state
    Phi = np.zeros((7, 8))
    Phi[np.arange(6), np.arange(6)] = 2.0
    Phi[:6, 7] = 1.0
    Phi[6, 6], Phi[6, 7] = 1.0, 2.0
    behavior = np.tile([6.0 / 7.0, 1.0 / 7.0], (7, 1))
    target = np.tile([0.0, 1.0], (7, 1))
    w0 = np.array([1.0, 1, 1, 1, 1, 1, 10, 1])
    return BairdExample(MDP(P, np.zeros((7, 2)), gamma), Phi, behavior, target, np.full(7, 1.0 / 7.0), w0)

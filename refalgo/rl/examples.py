r"""The textbooks' prediction examples as MDPs: Sutton & Barto's random walks (随机游走).

* :func:`random_walk` — Example 6.2: non-terminal states 1 … n between terminal states 0
  and n + 1, every episode starts in the middle, each step goes left or right with
  probability 1/2, and leaving on the right pays +1 (every other reward is 0), γ = 1.
  The true values are :math:`v_\pi(s) = s/(n + 1)`.
* :func:`thousand_state_random_walk` — Example 9.1: states 1 … 1000 between terminal states
  0 and 1001, every episode starts at 500, each step jumps to one of the 100 states to the
  left or the 100 to the right with equal probability; a jump past an end terminates there
  (the probability of all the missing states goes to that end), −1 on the left, +1 on the
  right, γ = 1.

**Conventions** — the MDP's actions are the moves themselves, deterministic, and the
policy is the equiprobable one (:func:`walk_policy`), so every sampled reward is the one
the book's episode earns (a single action with expected rewards would pay 1/2 at every
step from state n). State index ``s`` is the book's state ``s``; the terminal states are
``0`` and ``n + 1``. Example 6.2 has exact rational entries (the exact twins use them);
Example 9.1 is sparse with float entries.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

from .._validate import as_count
from ..mdp.model import MDP

__all__ = ["random_walk", "thousand_state_random_walk", "walk_policy"]


def random_walk(n_states: int = 5) -> MDP:
    r"""Sutton & Barto's Example 6.2 random walk with ``n_states`` non-terminal states (A–E for 5).

    Parameters
    ----------
    n_states
        :math:`n \ge 1`, the number of non-terminal states.

    Returns
    -------
    MDP
        ``n + 2`` states (0 and ``n + 1`` terminal), actions 0 = left, 1 = right, exact
        entries, γ = 1.

    Raises
    ------
    ValueError
        ``n_states`` not a positive integer.

    References
    ----------
    R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed., 2018, Example 6.2.

    Examples
    --------
    >>> from refalgo.mdp import state_values
    >>> m = random_walk()
    >>> [round(float(v) * 6, 12) for v in state_values(m, walk_policy(m))[1:6]]  # 1/6 … 5/6
    [1.0, 2.0, 3.0, 4.0, 5.0]
    """
    n = as_count(n_states, "n_states")
    P = np.zeros((n + 2, 2, n + 2), dtype=object)
    R = np.zeros((n + 2, 2), dtype=object)
    for s in range(1, n + 1):
        P[s, 0, s - 1] = P[s, 1, s + 1] = 1  # left, right
    P[0, :, 0] = P[n + 1, :, n + 1] = 1  # absorbing terminal states
    R[n, 1] = 1  # +1 for leaving on the right
    return MDP(P, R, 1)


def thousand_state_random_walk(n_states: int = 1000, *, jump: int = 100) -> MDP:
    r"""Sutton & Barto's Example 9.1: ``n_states`` states, jumps of 1 … ``jump`` to either side.

    Parameters
    ----------
    n_states
        Non-terminal states (the book's 1000).
    jump
        The largest jump (the book's 100); at most ``n_states``.

    Returns
    -------
    MDP
        Sparse, ``n_states + 2`` states, ``2·jump`` deterministic actions: action ``i <
        jump`` moves ``i + 1`` to the left, action ``jump + i`` moves ``i + 1`` to the right,
        clipped at the terminal states 0 and ``n_states + 1``; γ = 1.

    Raises
    ------
    ValueError
        Counts that are not positive integers, or ``jump > n_states``.

    References
    ----------
    Sutton and Barto (2018), Example 9.1 (Figure 9.1).

    Examples
    --------
    >>> m = thousand_state_random_walk(4, jump=2)
    >>> m.n_states, m.n_actions
    (6, 4)
    """
    n, k = as_count(n_states, "n_states"), as_count(jump, "jump")
    if k > n:
        raise ValueError(f"jump: expected at most n_states = {n}; got {k}")
    S, A = n + 2, 2 * k
    moves = np.r_[-np.arange(1, k + 1), np.arange(1, k + 1)]
    s = np.arange(S)[:, None]
    nxt = np.clip(s + moves[None, :], 0, n + 1)
    nxt[[0, n + 1]] = np.array([[0], [n + 1]])  # terminal states stay
    inner = (s >= 1) & (s <= n)
    R = np.where(inner & (nxt == 0), -1.0, 0.0) + np.where(inner & (nxt == n + 1), 1.0, 0.0)
    P = sps.csr_array((np.ones(S * A), (np.arange(S * A), nxt.ravel())), shape=(S * A, S))
    return MDP(P, R, 1)


def walk_policy(mdp: MDP) -> NDArray[np.float64]:
    """The equiprobable policy of a random walk: every move with probability ``1/A``.

    Examples
    --------
    >>> walk_policy(random_walk(1)).tolist()[1]
    [0.5, 0.5]
    """
    return np.full((mdp.n_states, mdp.n_actions), 1.0 / mdp.n_actions)

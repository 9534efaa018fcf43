r"""Samplers: transitions :math:`(s, a, r, s')` drawn from an :class:`~refalgo.mdp.MDP` under a policy, seeded.

Two ways to draw the experience the learners consume, both reproducible from ``seed``
(NumPy's ``default_rng``):

* :func:`sample_transitions` — independent transitions: :math:`s \sim d` (a weighting of
  the states, by default the stationary distribution of the policy's chain),
  :math:`a \sim \pi(\cdot \mid s)`, :math:`s' \sim p(\cdot \mid s, a)`. This is the
  setting of the expected-update analysis (Sutton & Barto §9.4, Zhao §8.2): the mean of
  one TD update over such a transition is exactly :math:`b - A w`.
* :func:`sample_trajectory` — one Markov trajectory :math:`S_0, A_0, R_1, S_1, \dots`,
  restarted from ``start`` whenever it enters a terminal state, so an episodic task
  yields a sequence of episodes.

The reward of a transition is the model's expected reward :math:`r(s, a)` (``R[s, a]``);
an MDP stores no reward noise. ``terminated[t]`` flags a next state that is terminal
(absorbing with reward 0, :func:`refalgo.mdp.terminal_states`), whose value is 0 and
after which a trajectory restarts. :func:`discounted_returns_by_episode` turns a
trajectory into the Monte Carlo targets :math:`G_t`.

Sampling is by the inverse CDF, vectorised over a sparse ``(S·A, S)`` transition matrix:
each stored probability is keyed by its row index plus the cumulative sum within the
row, so one ``searchsorted`` finds the next state of every row at once (exact to about
``1e-9`` per probability for :math:`10^6`-state models, float64's resolution at
:math:`S \cdot A`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray

from .. import _backend
from .._exact import exact_discount
from .._validate import as_count
from ..mdp.model import MDP, as_policy, terminal_states
from .objectives import resolve_weights

__all__ = ["Transitions", "discounted_returns_by_episode", "sample_trajectory", "sample_transitions", "trajectory_loop"]


class Transitions(NamedTuple):
    r"""A batch of transitions, one entry per step :math:`t`.

    Attributes
    ----------
    states, actions, next_states
        :math:`S_t, A_t, S_{t+1}` as integer arrays.
    rewards
        :math:`R_{t+1} = r(S_t, A_t)`.
    terminated
        Whether :math:`S_{t+1}` is terminal (its value is 0; a trajectory restarts after it).
    """

    states: NDArray[np.intp]
    actions: NDArray[np.intp]
    rewards: NDArray[np.float64]
    next_states: NDArray[np.intp]
    terminated: NDArray[np.bool_]


class _Sampler:
    """Inverse-CDF tables of the policy and the transitions."""

    def __init__(self, mdp: MDP, policy: ArrayLike) -> None:
        self.pi_cdf = np.cumsum(as_policy(policy, mdp), axis=1)
        self.pi_cdf[:, -1] = np.inf  # u < 1 always lands in a row
        P2 = sps.csr_array(mdp.transition_matrix())
        P2.eliminate_zeros()
        rows = np.repeat(np.arange(P2.shape[0]), np.diff(P2.indptr))
        within = np.cumsum(P2.data) - np.repeat(np.concatenate([[0.0], np.cumsum(P2.data)])[P2.indptr[:-1]], np.diff(P2.indptr))
        self.keys = rows + within
        self.keys[P2.indptr[1:] - 1] = np.arange(1, P2.shape[0] + 1)  # each row's last key is exactly row + 1
        self.targets = P2.indices.astype(np.intp)
        self.n_actions = mdp.n_actions
        self.R = mdp.R
        self.terminal = terminal_states(mdp)

    def actions(self, states: NDArray[np.intp], u: NDArray[np.float64]) -> NDArray[np.intp]:
        return (self.pi_cdf[states] <= u[:, None]).sum(axis=1).astype(np.intp)  # a ~ π(·|s)

    def next_states(self, rows: NDArray[np.intp], u: NDArray[np.float64]) -> NDArray[np.intp]:
        return self.targets[np.searchsorted(self.keys, rows + u, side="right")]  # s' ~ p(·|s, a)


def sample_transitions(mdp: MDP, policy: ArrayLike, *, n: int, seed: int, weights: Any = None) -> Transitions:
    r"""``n`` independent transitions: :math:`s \sim d`, :math:`a \sim \pi(\cdot|s)`, :math:`s' \sim p(\cdot|s, a)`.

    Parameters
    ----------
    mdp, policy
        The model (dense or sparse) and the policy that picks the actions.
    n
        Number of transitions, >= 1.
    seed
        Seed of NumPy's ``default_rng``, an integer >= 0.
    weights
        :math:`d`, as :func:`~refalgo.rl.objectives.resolve_weights` takes it (default:
        the stationary distribution of the policy's chain).

    Returns
    -------
    Transitions

    Raises
    ------
    ValueError
        ``n`` or ``seed`` not a nonnegative integer, an invalid policy or weighting.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.0, 1.0]], [[1.0, 0.0]]], [[1.0], [2.0]], 0.9)
    >>> batch = sample_transitions(m, [0, 0], n=4, seed=0, weights="uniform")
    >>> bool(((batch.next_states == 1 - batch.states) & (batch.rewards == batch.states + 1)).all())
    True
    """
    n = as_count(n, "n")
    rng = np.random.default_rng(as_count(seed, "seed", minimum=0))
    d = resolve_weights(mdp, policy, weights)
    sampler = _Sampler(mdp, policy)
    states = np.minimum(np.searchsorted(np.cumsum(d), rng.random(n), side="right"), mdp.n_states - 1).astype(np.intp)
    actions = sampler.actions(states, rng.random(n))
    nxt = sampler.next_states(states * mdp.n_actions + actions, rng.random(n))
    return Transitions(states, actions, mdp.R[states, actions], nxt, sampler.terminal[nxt])


def sample_trajectory(mdp: MDP, policy: ArrayLike, *, n: int, seed: int, start: int | ArrayLike = 0,
                      backend: str = "auto") -> Transitions:
    r"""One trajectory of ``n`` steps under ``policy``, restarted from ``start`` after each terminal state.

    Parameters
    ----------
    mdp, policy
        The model and the policy.
    n
        Number of steps, >= 1.
    seed
        Seed of NumPy's ``default_rng``, an integer >= 0.
    start
        The initial state (an index), or a distribution over the states to draw each
        episode's first state from.
    backend
        ``"auto"``, ``"numba"`` or ``"numpy"`` (the readable loop :func:`trajectory_loop`);
        both draw the same trajectory from the same seed.

    Returns
    -------
    Transitions
        ``next_states[t] == states[t + 1]`` except after a terminal state, where the
        next episode starts.

    Raises
    ------
    ValueError
        ``n`` or ``seed`` not a nonnegative integer; ``start`` not a state or not a distribution.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.0, 1.0]], [[1.0, 0.0]]], [[1.0], [2.0]], 0.9)
    >>> sample_trajectory(m, [0, 0], n=4, seed=0).states.tolist()
    [0, 1, 0, 1]
    """
    n = as_count(n, "n")
    rng = np.random.default_rng(as_count(seed, "seed", minimum=0))
    if np.ndim(start) == 0:
        s0 = as_count(start, "start", minimum=0)
        if s0 >= mdp.n_states:
            raise ValueError(f"start: expected a state 0 … {mdp.n_states - 1}; got {s0}")
        start_cdf = np.zeros(mdp.n_states)
        start_cdf[s0:] = 1.0
    else:
        start_cdf = np.cumsum(resolve_weights(mdp, policy, start))
    sampler = _Sampler(mdp, policy)
    u_act, u_next, u_start = rng.random(n), rng.random(n), rng.random(n)
    states, actions, nxt = (np.empty(n, dtype=np.intp) for _ in range(3))
    kernels = _backend.compiled("refalgo.rl._engine.kernels", backend)
    loop = kernels.trajectory_loop if kernels is not None else trajectory_loop
    loop(sampler.pi_cdf, sampler.keys, sampler.targets, sampler.terminal, start_cdf, mdp.n_actions,
         u_act, u_next, u_start, states, actions, nxt)
    return Transitions(states, actions, mdp.R[states, actions], nxt, sampler.terminal[nxt])


def trajectory_loop(pi_cdf: Any, keys: Any, targets: Any, terminal: Any, start_cdf: Any, n_actions: int,
                    u_act: Any, u_next: Any, u_start: Any, states: Any, actions: Any, nxt: Any) -> None:
    """The trajectory in plain Python, in place: inverse-CDF draws of :math:`A_t` and :math:`S_{t+1}` from uniforms.

    ``pi_cdf[s]`` is the cumulative policy row (last entry inf), ``keys``/``targets`` the
    sorted cumulative transition table (row ``s·A + a`` owns the keys in ``(s·A + a, s·A + a + 1]``),
    ``start_cdf`` the cumulative start distribution; after a terminal :math:`S_{t+1}` the next
    episode starts from a fresh draw. A compiled copy (:mod:`refalgo.rl._engine.kernels`) runs
    the same lines.

    Examples
    --------
    >>> s, a, x = (np.zeros(2, dtype=np.intp) for _ in range(3))
    >>> trajectory_loop(np.array([[np.inf]] * 2), np.array([1.0, 2.0]), np.array([1, 0]), np.array([False, False]),
    ...                 np.array([1.0, 1.0]), 1, np.zeros(2), np.full(2, 0.5), np.zeros(2), s, a, x)
    >>> s.tolist(), x.tolist()
    ([0, 1], [1, 0])
    """
    S = start_cdf.shape[0]
    s = min(int(np.searchsorted(start_cdf, u_start[0], side="right")), S - 1)
    for t in range(states.shape[0]):  # a Markov chain: each step needs the one before
        states[t] = s
        a = int((pi_cdf[s] <= u_act[t]).sum())  # a ~ π(·|s)
        actions[t] = a
        nxt[t] = targets[np.searchsorted(keys, s * n_actions + a + u_next[t], side="right")]  # s' ~ p(·|s, a)
        s = int(nxt[t])
        if terminal[s]:
            s = min(int(np.searchsorted(start_cdf, u_start[t], side="right")), S - 1)


def discounted_returns_by_episode(transitions: Transitions, *, gamma: float) -> NDArray[np.float64]:
    r"""The Monte Carlo target :math:`G_t = R_{t+1} + \gamma G_{t+1}` of every step, within its episode.

    An episode ends at a step flagged ``terminated`` (where :math:`G_{t+1} = 0`); the
    steps after the last terminated one belong to an unfinished episode and get NaN.

    Parameters
    ----------
    transitions
        A trajectory from :func:`sample_trajectory`.
    gamma
        :math:`\gamma \in [0, 1]`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``.

    Raises
    ------
    ValueError
        ``gamma`` outside :math:`[0, 1]`.

    Examples
    --------
    >>> t = Transitions(np.array([0, 1, 0]), np.zeros(3, int), np.array([1.0, 2.0, 5.0]), np.array([1, 2, 1]),
    ...                 np.array([False, True, False]))
    >>> discounted_returns_by_episode(t, gamma=0.5).tolist()
    [2.0, 2.0, nan]
    """
    g = float(exact_discount(gamma, "gamma"))
    r, done = transitions.rewards, transitions.terminated
    G = np.full(r.size, np.nan)
    following = np.nan  # the unfinished episode at the end has no return
    for t in range(r.size - 1, -1, -1):
        following = r[t] + (0.0 if done[t] else g * following)  # G_t = R_{t+1} + γ G_{t+1}, G = 0 after the end
        G[t] = following
    return G

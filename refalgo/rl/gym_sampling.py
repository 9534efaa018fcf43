r"""Transitions drawn from a Gymnasium toy-text environment itself, in the states of :func:`refalgo.mdp.from_gymnasium`.

:func:`gym_transitions` is :func:`refalgo.rl.sampling.sample_transitions` with the
environment's own ``step`` in place of the model: :math:`s \sim d`, :math:`a \sim \pi(\cdot \mid s)`,
then the environment is put in state :math:`s` and stepped with :math:`a`. A step flagged
``terminated`` leads to the terminal state that :func:`~refalgo.mdp.from_gymnasium` adds (index
``n``, the environment's number of states), so the batch feeds
:func:`~refalgo.rl.td.semi_gradient_td` and :func:`q_learning_on_transitions` with the same
state indices as the exact model: what the learners estimate from Gymnasium's dynamics can be
compared with what :mod:`refalgo.mdp` computes from its transition table.

Toy-text environments (FrozenLake, CliffWalking, Taxi) keep their state in ``unwrapped.s``
and draw slippery moves from ``unwrapped.np_random``, which ``reset(seed=seed)`` seeds; that is
how a state is set and the batch is made reproducible.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_discount
from .._validate import as_array, as_count
from .sampling import Transitions

__all__ = ["gym_transitions", "q_learning_on_transitions"]


def _distribution(p: Any, name: str, shape: tuple[int, ...]) -> NDArray[np.float64]:
    arr = as_array(p, name, shape=shape)
    if np.any(arr < 0) or not np.allclose(arr.sum(axis=-1), 1.0, atol=1e-9):
        raise ValueError(f"{name}: expected probabilities >= 0 summing to 1 along the last axis; got sums {np.unique(arr.sum(axis=-1))[:3]}")
    return arr


def gym_transitions(env: Any, policy: ArrayLike, *, n: int, seed: int, weights: ArrayLike) -> Transitions:
    r"""``n`` independent transitions from a toy-text environment: :math:`s \sim d`, :math:`a \sim \pi(\cdot|s)`, ``env.step(a)`` from :math:`s`.

    Parameters
    ----------
    env
        A Gymnasium toy-text environment (discrete spaces, state in ``unwrapped.s``).
    policy
        :math:`\pi`, ``(S, A)`` over the environment's ``S`` states (rows sum to 1).
    n
        Number of transitions, >= 1.
    seed
        Seeds the draws of :math:`s` and :math:`a` (NumPy's ``default_rng``) and the environment.
    weights
        :math:`d`, a distribution over the ``S`` states; give 0 to the states where an episode has ended.

    Returns
    -------
    Transitions
        States indexed as in :func:`~refalgo.mdp.from_gymnasium`: a terminated step leads to state ``S``.

    Raises
    ------
    ValueError
        Spaces that are not discrete, a policy or weighting of the wrong shape or not a distribution, ``n`` < 1.

    Examples
    --------
    >>> import gymnasium as gym
    >>> env = gym.make("FrozenLake-v1", is_slippery=False)
    >>> d = np.zeros(16); d[14] = 1.0  # the state left of the goal
    >>> t = gym_transitions(env, np.tile([0, 0, 1.0, 0], (16, 1)), n=2, seed=0, weights=d)  # always "right"
    >>> t.next_states.tolist(), t.rewards.tolist(), t.terminated.tolist()
    ([16, 16], [1.0, 1.0], [True, True])
    """
    obs: Any = getattr(env, "observation_space", None)
    act: Any = getattr(env, "action_space", None)
    if not (hasattr(obs, "n") and hasattr(act, "n")):
        raise ValueError(f"env: expected a toy-text environment with Discrete spaces; got {obs!r}, {act!r}")
    S, A = int(obs.n), int(act.n)
    pi = _distribution(policy, "policy", (S, A))
    d = _distribution(weights, "weights", (S,))
    n = as_count(n, "n")
    rng = np.random.default_rng(as_count(seed, "seed", minimum=0))
    env.reset(seed=seed)
    states = np.minimum(np.searchsorted(np.cumsum(d), rng.random(n), side="right"), S - 1).astype(np.intp)  # s ~ d
    actions = np.minimum((np.cumsum(pi[states], axis=1) <= rng.random(n)[:, None]).sum(axis=1), A - 1).astype(np.intp)  # a ~ π(·|s)
    nxt, rewards, done = np.empty(n, dtype=np.intp), np.empty(n), np.zeros(n, dtype=bool)
    base = env.unwrapped
    for t in range(n):  # the environment steps one transition at a time
        base.s = int(states[t])
        s2, r, terminated, _, _ = base.step(int(actions[t]))  # s' ~ p(·|s, a), Gymnasium's dynamics
        nxt[t], rewards[t], done[t] = (S if terminated else int(s2)), float(r), bool(terminated)
    return Transitions(states, actions, rewards, nxt, done)


def q_learning_on_transitions(transitions: Transitions, *, n_states: int, n_actions: int, gamma: float,
                              omega: float = 0.8) -> NDArray[np.float64]:
    r"""Tabular Q-learning replayed over a batch, step size :math:`\alpha = 1/n(s, a)^\omega`; the table ``(n_states, n_actions)``.

    .. math::

        q(s, a) \leftarrow q(s, a) + \alpha_{n(s,a)}\big[r + \gamma (1 - \mathrm{done}) \max_{a'} q(s', a') - q(s, a)\big]

    where :math:`n(s, a)` counts the updates of the pair so far. With :math:`\omega \in (1/2, 1]`
    the step sizes satisfy Robbins–Monro (:math:`\sum\alpha = \infty`, :math:`\sum\alpha^2 < \infty`),
    so with every pair sampled infinitely often :math:`q \to q^*` almost surely (Watkins & Dayan
    1992); :math:`\omega < 1` avoids the slow rate of :math:`1/n` steps (Even-Dar & Mansour 2003).
    :math:`\omega = 0` gives :math:`\alpha = 1`: on a deterministic task, asynchronous value
    iteration, whose error shrinks by :math:`\gamma` each time every pair has been updated.
    The terminal state keeps :math:`q = 0`.

    Parameters
    ----------
    transitions
        From :func:`gym_transitions` or :func:`~refalgo.rl.sampling.sample_transitions`.
    n_states, n_actions
        The table's shape (``n_states`` includes the terminal state).
    gamma
        :math:`\gamma \in [0, 1]`.
    omega
        :math:`\omega \in (1/2, 1]`, or 0 for :math:`\alpha = 1`.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        ``gamma`` outside [0, 1], ``omega`` neither 0 nor in (1/2, 1], states or actions outside the table.

    Examples
    --------
    >>> t = Transitions(np.array([0, 0]), np.array([1, 1]), np.array([2.0, 4.0]), np.array([1, 1]), np.array([True, True]))
    >>> q_learning_on_transitions(t, n_states=2, n_actions=2, gamma=0.9, omega=1.0)[0].tolist()  # the mean of 2 and 4
    [0.0, 3.0]
    """
    g = float(exact_discount(gamma, "gamma"))
    if not (0.5 < float(omega) <= 1 or float(omega) == 0):
        raise ValueError(f"omega: expected 0 or an exponent in (1/2, 1]; got {omega}")
    S, A = as_count(n_states, "n_states"), as_count(n_actions, "n_actions")
    s, a, s2 = transitions.states, transitions.actions, transitions.next_states
    if min(s.min(), s2.min()) < 0 or max(s.max(), s2.max()) >= S or a.min() < 0 or a.max() >= A:
        raise ValueError(f"transitions: expected states 0 … {S - 1} and actions 0 … {A - 1}")
    r = as_array(transitions.rewards, "transitions.rewards", ndim=1)
    q, counts = np.zeros((S, A)), np.zeros((S, A))
    for t in range(s.size):  # each update reads the table the one before left
        counts[s[t], a[t]] += 1
        target = r[t] + (0.0 if transitions.terminated[t] else g * q[s2[t]].max())
        q[s[t], a[t]] += counts[s[t], a[t]] ** -omega * (target - q[s[t], a[t]])
    return q

r"""The Markov chain of a policy and the one-step Bellman quantities.

Conventions as in :mod:`refalgo.mdp.model` (``P[s, a, s']``, ``R[s, a]``, ``policy[s, a]``).
The equations, numbered as the code lines that compute them:

.. math::
   \begin{aligned}
   q(s, a) &= r(s, a) + \gamma \textstyle\sum_{s'} p(s' \mid s, a)\, v(s') \quad (1)\\
   r_\pi(s) &= \textstyle\sum_a \pi(a \mid s)\, r(s, a) \quad (2)\\
   P_\pi(s, s') &= \textstyle\sum_a \pi(a \mid s)\, p(s' \mid s, a) \quad (3)\\
   v(s) &= \textstyle\sum_a \pi(a \mid s)\, q(s, a) \quad (4)\\
   \rho &= r_\pi + \gamma P_\pi v - v \quad (5)
   \end{aligned}

Action values (1): exact twin :func:`action_values_symbolic`, numeric
:func:`action_values`; the chain of a policy (2)–(3): :func:`policy_model`; (4):
:func:`state_values_from_action_values`; the Bellman residual (5), zero exactly at
:math:`v = v_\pi`: :func:`bellman_residual`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_discount, exact_vector
from .._validate import as_array
from ._engine.exact import exact_rewards, exact_transitions
from ._engine.sweep import policy_matrix
from .model import MDP, Number, as_policy

__all__ = [
    "action_values",
    "action_values_symbolic",
    "bellman_residual",
    "policy_model",
    "state_values_from_action_values",
]


def action_values_symbolic(mdp: MDP, values: ArrayLike, *, gamma: Number | sp.Symbol | None = None) -> sp.Matrix:
    r"""Exact action values :math:`q(s, a) = r(s, a) + \gamma \sum_{s'} p(s' \mid s, a) v(s')`.

    Parameters
    ----------
    mdp
        The model.
    values
        ``S`` state values :math:`v(s)`: SymPy numbers or expressions, ``Fraction``\ s,
        number strings, or floats taken at their exact binary value.
    gamma
        Optional override of ``mdp.gamma_exact`` (an exact number or a SymPy symbol).

    Returns
    -------
    sympy.Matrix
        ``S × A`` matrix of exact action values.

    References
    ----------
    Zhao (2025), ch. 2 (action values); Sutton & Barto (2018), §3.5.

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.array([[[1.0], ]]), [[1.0]], "1/2")
    >>> action_values_symbolic(m, [2])
    Matrix([[2]])
    """
    g = mdp.gamma_exact if gamma is None else exact_discount(gamma, "gamma", symbolic=True)
    v = exact_vector(values, "values", length=mdp.n_states, symbolic=True)
    rows, R = exact_transitions(mdp), exact_rewards(mdp)
    S, A = mdp.n_states, mdp.n_actions
    # (1) q(s, a) = r(s, a) + γ Σ_s' p(s'|s, a) v(s')
    return sp.Matrix(S, A, lambda s, a: R[s][a] + g * sp.Add(*(p * v[t] for t, p in rows[s * A + a].items())))


def policy_model(mdp: MDP, policy: ArrayLike) -> tuple[Any, NDArray[np.float64]]:
    r"""The Markov chain of a policy: :math:`P_\pi` and :math:`r_\pi`.

    Parameters
    ----------
    mdp
        The model.
    policy
        ``(S, A)`` probabilities or ``S`` action indices.

    Returns
    -------
    tuple
        ``(P_pi, r_pi)``: ``P_pi`` is a dense ``(S, S)`` array for a dense model and a
        CSR matrix for a sparse one; ``r_pi`` has shape ``(S,)``.

    References
    ----------
    Zhao (2025), ch. 2 (the matrix-vector form of the Bellman equation).

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]]), [[0.0, 1.0], [2.0, 2.0]], 0.9)
    >>> P_pi, r_pi = policy_model(m, [[0.5, 0.5], [1.0, 0.0]])
    >>> P_pi.tolist(), r_pi.tolist()
    ([[0.5, 0.5], [0.0, 1.0]], [0.5, 2.0])
    """
    pi = as_policy(policy, mdp)
    r_pi = np.einsum("sa,sa->s", pi, mdp.R)  # (2) r_π(s) = Σ_a π(a|s) r(s, a)
    if mdp.is_sparse:
        return policy_matrix(mdp.P, pi), r_pi  # the same sum, as CSR
    return np.einsum("sat,sa->st", mdp.P, pi), r_pi  # (3) P_π(s, s') = Σ_a π(a|s) p(s'|s, a)


def action_values(mdp: MDP, values: ArrayLike) -> NDArray[np.float64]:
    r"""Action values :math:`q(s, a) = R[s, a] + \gamma \sum_{s'} P[s, a, s'] v(s')`.

    Parameters
    ----------
    mdp
        The model.
    values
        State values ``v``, shape ``(S,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(S, A)``.

    References
    ----------
    Zhao (2025), ch. 2 (action values); Sutton & Barto (2018), §3.5.

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]]), [[0.0, 1.0], [2.0, 2.0]], 0.5)
    >>> action_values(m, [0.0, 4.0]).tolist()
    [[0.0, 3.0], [4.0, 4.0]]
    """
    v = as_array(values, "values", ndim=1, shape=(mdp.n_states,))
    flat = mdp.transition_matrix() @ v  # Σ_s' p(s'|s, a) v(s'), one row per (s, a)
    return mdp.R + mdp.gamma * np.asarray(flat).reshape(mdp.n_states, mdp.n_actions)  # (1)


def state_values_from_action_values(mdp: MDP, policy: ArrayLike, q: ArrayLike) -> NDArray[np.float64]:
    r"""State values from action values: :math:`v(s) = \sum_a \pi(a \mid s)\, q(s, a)`.

    Parameters
    ----------
    mdp
        The model (for the shapes).
    policy
        ``(S, A)`` probabilities or ``S`` action indices.
    q
        Action values, shape ``(S, A)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``.

    References
    ----------
    Zhao (2025), ch. 2 (action values).

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.full((1, 2, 1), 1.0), [[0.0, 0.0]], 0.5)
    >>> state_values_from_action_values(m, [[0.25, 0.75]], [[4.0, 8.0]]).tolist()
    [7.0]
    """
    pi = as_policy(policy, mdp)
    qq = as_array(q, "q", shape=(mdp.n_states, mdp.n_actions))
    return np.einsum("sa,sa->s", pi, qq)  # (4) v(s) = Σ_a π(a|s) q(s, a)


def bellman_residual(mdp: MDP, policy: ArrayLike, values: ArrayLike) -> NDArray[np.float64]:
    r"""The Bellman residual :math:`r_\pi + \gamma P_\pi v - v`; zero exactly at :math:`v = v_\pi`.

    Parameters
    ----------
    mdp
        The model.
    policy
        ``(S, A)`` probabilities or ``S`` action indices.
    values
        Candidate state values, shape ``(S,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``.

    References
    ----------
    Zhao (2025), ch. 2; Puterman (1994), §6.6.

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.ones((1, 1, 1)), [[1.0]], 0.5)
    >>> bellman_residual(m, [0], [2.0]).tolist()
    [0.0]
    """
    v = as_array(values, "values", ndim=1, shape=(mdp.n_states,))
    P_pi, r_pi = policy_model(mdp, policy)
    return r_pi + mdp.gamma * np.asarray(P_pi @ v) - v  # (5) r_π + γ P_π v − v

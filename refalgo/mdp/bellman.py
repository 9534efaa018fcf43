r"""The Markov chain of a policy and the one-step Bellman quantities.

For a policy :math:`\pi`: :math:`P_\pi` and :math:`r_\pi` (:func:`policy_model`); the
action values :math:`q(s, a) = r(s, a) + \gamma \sum_{s'} p(s' \mid s, a)\, v(s')` of a
value vector (exact twin :func:`action_values_symbolic`, numeric :func:`action_values`);
:math:`v(s) = \sum_a \pi(a \mid s) q(s, a)` (:func:`state_values_from_action_values`);
and the Bellman residual :math:`r_\pi + \gamma P_\pi v - v` (:func:`bellman_residual`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sps
import sympy as sp
from numpy.typing import NDArray

from .._validate import as_array
from . import _sweep
from .._exact import exact
from ._exact import exact_gamma, exact_transitions
from .model import MDP, as_policy

__all__ = [
    "action_values",
    "action_values_symbolic",
    "bellman_residual",
    "policy_model",
    "state_values_from_action_values",
]


def action_values_symbolic(mdp: MDP, values: Any, *, gamma: Any = None) -> sp.Matrix:
    r"""Exact action values :math:`q(s, a) = r(s, a) + \gamma \sum_{s'} p(s' \mid s, a) v(s')`.

    Parameters
    ----------
    mdp
        The model.
    values
        ``S`` state values (SymPy numbers or expressions, or floats taken exactly).
    gamma
        Optional override of ``mdp.gamma_exact`` (an exact number or a symbol).

    Returns
    -------
    sympy.Matrix
        ``S × A`` matrix of exact action values.

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.array([[[1.0], ]]), [[1.0]], "1/2")
    >>> action_values_symbolic(m, [2])
    Matrix([[2]])
    """
    g = exact_gamma(mdp, gamma)
    v = [exact(x, f"values[{i}]", symbolic=True) for i, x in enumerate(list(values))]
    if len(v) != mdp.n_states:
        raise ValueError(f"values: expected {mdp.n_states} state values; got {len(v)}")
    rows = exact_transitions(mdp)
    S, A = mdp.n_states, mdp.n_actions
    return sp.Matrix(
        S, A, lambda s, a: sp.Rational(float(mdp.R[s, a])) + g * sp.Add(*(p * v[t] for t, p in rows[s * A + a].items()))
    )


def policy_model(mdp: MDP, policy: Any) -> tuple[Any, NDArray[np.float64]]:
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

    Notes
    -----
    :math:`[P_\pi]_{s s'} = \sum_a \pi(a \mid s) P[s, a, s']` (``einsum("sat,sa->st")``)
    and :math:`[r_\pi]_s = \sum_a \pi(a \mid s) R[s, a]`.

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
    r_pi = np.einsum("sa,sa->s", pi, mdp.R)
    if not mdp.is_sparse:
        return np.einsum("sat,sa->st", mdp.P, pi), r_pi
    S, A = mdp.n_states, mdp.n_actions
    if np.all(pi.max(axis=1) == 1.0):  # deterministic: P_π's rows are rows of P, selected, not multiplied
        return mdp.transition_matrix()[_sweep.row_indices(A, pi.argmax(axis=1))], r_pi
    weights = sps.csr_array((pi.ravel(), (np.repeat(np.arange(S), A), np.arange(S * A))), shape=(S, S * A))
    weights.eliminate_zeros()
    return sps.csr_array(weights @ mdp.P), r_pi


def action_values(mdp: MDP, values: Any) -> NDArray[np.float64]:
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

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]]), [[0.0, 1.0], [2.0, 2.0]], 0.5)
    >>> action_values(m, [0.0, 4.0]).tolist()
    [[0.0, 3.0], [4.0, 4.0]]
    """
    v = as_array(values, "values", ndim=1, shape=(mdp.n_states,))
    flat = mdp.transition_matrix() @ v
    return mdp.R + mdp.gamma * np.asarray(flat).reshape(mdp.n_states, mdp.n_actions)


def state_values_from_action_values(mdp: MDP, policy: Any, q: Any) -> NDArray[np.float64]:
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
    return np.einsum("sa,sa->s", pi, qq)


def bellman_residual(mdp: MDP, policy: Any, values: Any) -> NDArray[np.float64]:
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
    return r_pi + mdp.gamma * np.asarray(P_pi @ v) - v

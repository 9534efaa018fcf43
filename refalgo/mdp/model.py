r"""The tabular Markov decision process: transitions, expected rewards, discount, policies.

Conventions
-----------
* States are ``0 … S-1`` and actions ``0 … A-1``; every action is available in every state.
* Dense transitions are ``P[s, a, s']`` = :math:`p(s' \mid s, a)`, shape ``(S, A, S)``.
  Sparse transitions are a SciPy sparse matrix of shape ``(S·A, S)`` whose row
  ``s·A + a`` is :math:`p(\cdot \mid s, a)` — the dense array reshaped, so both forms
  describe the same model.
* ``R[s, a]`` is the expected immediate reward :math:`\sum_{s'} p(s' \mid s, a)\,
  r(s, a, s')`; a reward table ``R[s, a, s']`` is reduced to it on construction.
* ``gamma`` is the discount :math:`\gamma \in [0, 1]`. It is kept as a float and as an
  exact SymPy number (:attr:`MDP.gamma_exact`): a decimal string ``"0.9"`` or a
  ``Fraction`` gives exactly 9/10, a float gives its exact binary value.
* A policy is an ``(S, A)`` row-stochastic array :math:`\pi(a \mid s)`; for a
  deterministic policy an array of ``S`` action indices is accepted.

Undiscounted problems
---------------------
With :math:`\gamma = 1` the return :math:`\sum_k R_{t+k+1}` is a finite sum only if the
episode ends. A state is *terminal* when every action keeps it there with probability 1
and reward 0; from then on nothing more is collected. ``MDP`` accepts :math:`\gamma = 1`
only when every state can reach a terminal state with probability 1 under some policy
(the almost-sure reachability set is the whole state space); otherwise no policy has
finite values everywhere and construction fails with a ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.sparse as sps
import sympy as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import breadth_first_order

from .._validate import as_array

__all__ = ["MDP", "almost_sure_reach", "as_policy", "proper_policy", "terminal_states"]

ROW_TOL = 1e-9  # tolerance on |sum of a probability row - 1|


def _exact_gamma(gamma: Any) -> tuple[float, sp.Rational]:
    """``gamma`` as (float, exact Rational) from a float, int, Fraction, decimal string or Rational."""
    if isinstance(gamma, (bool, np.bool_)):
        raise TypeError(f"gamma: expected a number in [0, 1]; got {gamma!r}")
    if isinstance(gamma, str):
        try:
            exact = sp.Rational(gamma.strip())
        except (TypeError, ValueError, SyntaxError) as exc:
            raise ValueError(f"gamma: expected a decimal string such as '0.9'; got {gamma!r}") from exc
    elif isinstance(gamma, Fraction):
        exact = sp.Rational(gamma.numerator, gamma.denominator)
    elif isinstance(gamma, sp.Rational):
        exact = gamma
    elif isinstance(gamma, (int, float, np.integer, np.floating)):
        if not np.isfinite(gamma):
            raise ValueError(f"gamma: expected a number in [0, 1]; got {gamma}")
        exact = sp.Rational(float(gamma)) if isinstance(gamma, (float, np.floating)) else sp.Integer(int(gamma))
    else:
        raise TypeError(f"gamma: expected a number in [0, 1]; got {type(gamma).__name__} {gamma!r}")
    if not (0 <= exact <= 1):
        raise ValueError(f"gamma: expected a number in [0, 1]; got {float(exact)}")
    return float(exact), exact


def _check_rows(P2: Any, n_actions: int) -> None:
    """Every row of the ``(S·A, S)`` matrix is a probability distribution."""
    data = P2.data if sps.issparse(P2) else P2
    if not np.all(np.isfinite(data)):
        raise ValueError("P: expected finite probabilities; got NaN or inf")
    if np.any(data < 0):
        if sps.issparse(P2):
            k = int(np.searchsorted(P2.indptr, np.flatnonzero(P2.data < 0)[0], side="right") - 1)
        else:
            k = int(np.argwhere(P2 < 0)[0][0])
        raise ValueError(f"P: expected nonnegative probabilities; row P[{k // n_actions}, {k % n_actions}] has a negative entry")
    sums = np.asarray(P2 @ np.ones(P2.shape[1])).ravel()
    bad = np.flatnonzero(np.abs(sums - 1.0) > ROW_TOL)
    if bad.size:
        k = int(bad[0])
        raise ValueError(
            f"P[{k // n_actions}, {k % n_actions}] sums to {float(sums[k]):.12g}, expected 1 (tolerance {ROW_TOL:g})"
        )


def _dense_model(P: Any, R: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    P = as_array(P, "P", ndim=3)
    S, A, S2 = P.shape
    if S != S2:
        raise ValueError(f"P: expected shape (S, A, S) with the same S twice; got shape {P.shape}")
    _check_rows(P.reshape(S * A, S), A)
    Rr = as_array(R, "R", ndim=(2, 3))
    if Rr.ndim == 3:
        if Rr.shape != P.shape:
            raise ValueError(f"R: a reward table R[s, a, s'] must have the shape of P, {P.shape}; got shape {Rr.shape}")
        Rr = np.einsum("sat,sat->sa", P, Rr)
    elif Rr.shape != (S, A):
        raise ValueError(f"R: expected shape ({S}, {A}) (states, actions); got shape {Rr.shape}")
    return P, Rr


def _sparse_model(P: Any, R: Any) -> tuple[Any, NDArray[np.float64]]:
    P2 = sps.csr_array(P, dtype=np.float64)
    SA, S = P2.shape
    if S == 0 or SA % S:
        raise ValueError(f"P: a sparse P must have shape (S·A, S); got shape {P2.shape}")
    A = SA // S
    P2.sum_duplicates()
    if P2.nnz < 2**31 and SA < 2**31:  # 32-bit indices: less memory traffic per sweep
        P2.indices, P2.indptr = P2.indices.astype(np.int32, copy=False), P2.indptr.astype(np.int32, copy=False)
    _check_rows(P2, A)
    Rr = as_array(R, "R", ndim=(1, 2))
    if Rr.size != SA or (Rr.ndim == 2 and Rr.shape != (S, A)):
        raise ValueError(f"R: expected shape ({S}, {A}) (states, actions); got shape {Rr.shape}")
    return P2, Rr.reshape(S, A)


@dataclass(frozen=True, eq=False, init=False)
class MDP:
    r"""A finite Markov decision process with expected rewards.

    Parameters
    ----------
    P
        Transition probabilities: a dense array ``P[s, a, s']`` of shape ``(S, A, S)``,
        or a SciPy sparse matrix of shape ``(S·A, S)`` (row ``s·A + a``).
    R
        Expected immediate rewards ``R[s, a]``, shape ``(S, A)``; a dense ``P`` also
        accepts a reward table ``R[s, a, s']``, reduced to :math:`\sum_{s'} P R`.
    gamma
        Discount :math:`\gamma \in [0, 1]`: a float, an int, a ``Fraction``, a decimal
        string such as ``"0.9"`` or a SymPy ``Rational``.

    Attributes
    ----------
    gamma_exact
        :math:`\gamma` as an exact SymPy number.

    Raises
    ------
    TypeError
        Non-numeric arrays or ``gamma``.
    ValueError
        Wrong shapes, NaN or inf, negative probabilities, rows that do not sum to 1,
        ``gamma`` outside [0, 1], or :math:`\gamma = 1` when some state cannot reach a
        terminal state with probability 1.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]])
    >>> m = MDP(P, [[0.0, 1.0], [2.0, 2.0]], "0.9")
    >>> m.n_states, m.n_actions, m.gamma, m.gamma_exact
    (2, 2, 0.9, 9/10)
    """

    P: Any
    R: NDArray[np.float64]
    gamma: float
    gamma_exact: sp.Rational = field(repr=False)

    def __init__(
        self, P: Any, R: Any, gamma: float | int | str | Fraction | sp.Rational | np.floating[Any] | np.integer[Any]
    ) -> None:
        g, exact = _exact_gamma(gamma)
        if sps.issparse(P):
            P, R = _sparse_model(P, R)
        else:
            P, R = _dense_model(P, R)
        if isinstance(P, np.ndarray):
            P = P.copy()
            P.setflags(write=False)
        R = R.copy()
        R.setflags(write=False)
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "R", R)
        object.__setattr__(self, "gamma", g)
        object.__setattr__(self, "gamma_exact", exact)
        if g == 1.0:
            _require_episodic(self)

    @property
    def n_states(self) -> int:
        """The number of states ``S``."""
        return int(self.R.shape[0])

    @property
    def n_actions(self) -> int:
        """The number of actions ``A``."""
        return int(self.R.shape[1])

    @property
    def is_sparse(self) -> bool:
        """Whether the transitions are stored as a sparse ``(S·A, S)`` matrix."""
        return sps.issparse(self.P)

    def transition_matrix(self) -> Any:
        """The transitions as an ``(S·A, S)`` matrix (a reshaped view of a dense ``P``)."""
        if self.is_sparse:
            return self.P
        return self.P.reshape(self.n_states * self.n_actions, self.n_states)


def terminal_states(mdp: MDP) -> NDArray[np.bool_]:
    """Mask of the terminal states: every action stays with probability 1 and reward 0.

    Parameters
    ----------
    mdp
        The model.

    Returns
    -------
    numpy.ndarray
        Boolean array of shape ``(S,)``.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[[0.0, 1.0]], [[0.0, 1.0]]])
    >>> terminal_states(MDP(P, [[-1.0], [0.0]], 1.0)).tolist()
    [False, True]
    """
    S, A = mdp.n_states, mdp.n_actions
    P2 = mdp.transition_matrix()
    rows = np.arange(S * A)
    stay = np.asarray(P2[rows, np.repeat(np.arange(S), A)]).ravel().reshape(S, A)
    return np.all((stay == 1.0) & (mdp.R == 0.0), axis=1)


def _reach_backward(edges: Any, targets: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """States with a path to ``targets`` along ``edges`` (an (S, S) matrix of s -> s' edges)."""
    S = edges.shape[0]
    graph = sps.csr_array(edges.T)  # s' -> s
    hub = sps.csr_array((np.ones(int(targets.sum())), (np.full(int(targets.sum()), S), np.flatnonzero(targets))), shape=(S + 1, S + 1))
    graph = sps.csr_array(sps.block_diag([graph, sps.csr_array((1, 1))], format="csr") + hub)
    order = breadth_first_order(graph, S, directed=True, return_predecessors=False)
    mask = np.zeros(S + 1, dtype=bool)
    mask[order] = True
    return mask[:S]


def almost_sure_reach(mdp: MDP, targets: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """States from which some policy reaches ``targets`` with probability 1, and the allowed actions.

    Parameters
    ----------
    mdp
        The model.
    targets
        Boolean mask of target states, shape ``(S,)``.

    Returns
    -------
    tuple
        ``(W, allowed)``: the mask of states that reach ``targets`` almost surely under
        some policy, and the ``(S, A)`` mask of actions that never leave ``W``.

    Notes
    -----
    The classic nested fixed point: keep a candidate set W; an action is allowed when all
    its successors stay in W; shrink W to the states that reach ``targets`` by allowed
    actions; repeat until W is stable. Only the support of ``P`` matters.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.zeros((3, 1, 3)); P[0, 0, [0, 1]] = 0.5; P[1, 0, 1] = 1.0; P[2, 0, 2] = 1.0
    >>> W, _ = almost_sure_reach(MDP(P, np.zeros((3, 1)), 0.5), np.array([False, True, False]))
    >>> W.tolist()
    [True, True, False]
    """
    S, A = mdp.n_states, mdp.n_actions
    P2 = sps.csr_array(mdp.transition_matrix())
    W = np.ones(S, dtype=bool)
    while True:
        leaks = np.asarray(P2 @ (~W).astype(np.float64)).ravel() > 0
        allowed = ~leaks.reshape(S, A) & W[:, None]
        pick = sps.csr_array((allowed.ravel().astype(np.float64), (np.repeat(np.arange(S), A), np.arange(S * A))), shape=(S, S * A))
        new = _reach_backward(pick @ P2, targets & W) & W
        if np.array_equal(new, W):
            return W, allowed
        W = new


def _require_episodic(mdp: MDP) -> None:
    term = terminal_states(mdp)
    W, _ = almost_sure_reach(mdp, term)
    if not W.all():
        bad = np.flatnonzero(~W)
        raise ValueError(
            f"gamma: gamma = 1 needs every state to reach a terminal state (absorbing, reward 0) with "
            f"probability 1 under some policy; states {bad[:10].tolist()} cannot, so their return is not "
            "a finite sum. Use gamma < 1 or add terminal states."
        )


def as_policy(policy: Any, mdp: MDP) -> NDArray[np.float64]:
    r"""A policy as an ``(S, A)`` row-stochastic array, or a clear error.

    Parameters
    ----------
    policy
        ``(S, A)`` probabilities :math:`\pi(a \mid s)`, or ``S`` action indices for a
        deterministic policy.
    mdp
        The model the policy acts in.

    Returns
    -------
    numpy.ndarray
        Float array of shape ``(S, A)`` whose rows sum to 1.

    Raises
    ------
    TypeError
        Non-numeric input, or non-integer action indices.
    ValueError
        Wrong shape, NaN, negative probabilities, rows that do not sum to 1, or action
        indices outside ``0 … A-1``.

    Examples
    --------
    >>> import numpy as np
    >>> m = MDP(np.full((2, 3, 2), 0.5), np.zeros((2, 3)), 0.5)
    >>> as_policy([2, 0], m).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    S, A = mdp.n_states, mdp.n_actions
    raw = np.asarray(policy) if not isinstance(policy, (str, bytes)) else None
    if raw is not None and raw.ndim == 1 and raw.dtype != object:
        idx = as_array(policy, "policy", ndim=1, shape=(S,), dtype=raw.dtype)
        if not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"policy: a 1-D policy holds action indices and must be integers; got dtype {idx.dtype}")
        if idx.min() < 0 or idx.max() >= A:
            raise ValueError(f"policy: action indices must lie in 0 … {A - 1}; got {int(idx.min())} … {int(idx.max())}")
        out = np.zeros((S, A))
        out[np.arange(S), idx] = 1.0
        return out
    pi = as_array(policy, "policy", ndim=2, shape=(S, A))
    if np.any(pi < 0):
        s, a = np.argwhere(pi < 0)[0]
        raise ValueError(f"policy: expected nonnegative probabilities; got {pi[s, a]} at policy[{s}, {a}]")
    sums = pi.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > ROW_TOL)
    if bad.size:
        raise ValueError(f"policy[{int(bad[0])}] sums to {float(sums[bad[0]]):.12g}, expected 1 (tolerance {ROW_TOL:g})")
    return pi


def proper_policy(mdp: MDP) -> NDArray[np.intp]:
    """A deterministic policy that reaches a terminal state with probability 1 from every state.

    For :math:`\\gamma = 1` models (where such a policy exists by construction). States are
    ranked by breadth-first layers from the terminal states; each picks the lowest-index
    action that keeps it inside the almost-sure set and reaches an earlier layer with
    positive probability, so the distance to the terminal states falls with positive
    probability at every step.

    Parameters
    ----------
    mdp
        The model.

    Returns
    -------
    numpy.ndarray
        ``S`` action indices (terminal states take action 0).

    Raises
    ------
    ValueError
        Some state cannot reach a terminal state with probability 1.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.zeros((2, 2, 2)); P[0, 0, 0] = P[0, 1, 1] = P[1, :, 1] = 1.0
    >>> proper_policy(MDP(P, [[-1.0, -1.0], [0.0, 0.0]], 1.0)).tolist()
    [1, 0]
    """
    S, A = mdp.n_states, mdp.n_actions
    term = terminal_states(mdp)
    W, allowed = almost_sure_reach(mdp, term)
    if not W.all():
        raise ValueError(f"mdp: states {np.flatnonzero(~W)[:10].tolist()} cannot reach a terminal state with probability 1")
    P2 = sps.csr_array(mdp.transition_matrix())
    policy = np.zeros(S, dtype=np.intp)
    done = term.copy()
    while not done.all():
        hits = (np.asarray(P2 @ done.astype(np.float64)).reshape(S, A) > 0) & allowed & ~done[:, None]
        fresh = hits.any(axis=1)
        policy[fresh] = np.argmax(hits[fresh], axis=1)
        done |= fresh
    return policy

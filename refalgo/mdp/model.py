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
* Exact numbers stay exact: a dense ``P`` or an ``R`` given as ``Fraction``\ s, SymPy
  ``Rational``\ s or strings such as ``"3/10"`` is also kept as those exact entries
  (:attr:`MDP.P_exact`, :attr:`MDP.R_exact`), which the symbolic twins compute with;
  the numeric twins see the same model as floats. A float ``0.3`` is the binary number
  nearest 3/10, and an exact twin given it computes with that number.
* A policy is an ``(S, A)`` row-stochastic array :math:`\pi(a \mid s)`; for a
  deterministic policy an array of ``S`` action indices is accepted.
* With :math:`\gamma = 1` a state is *terminal* when every action keeps it there with
  probability 1 and reward 0; ``MDP`` accepts :math:`\gamma = 1` only when every state
  can reach a terminal state with probability 1 under some policy, so that returns are
  finite sums (the state-values page explains why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sps
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_array, exact_discount, exact_distribution, is_exact_input
from .._validate import as_array, probability_rows
from ._engine.reach import almost_sure_set, layered_policy

__all__ = ["MDP", "almost_sure_reach", "as_actions", "as_policy", "exact_policy", "proper_policy", "terminal_states"]

Number: TypeAlias = "float | int | str | Fraction | sp.Rational | np.floating[Any] | np.integer[Any]"


def _given_exactly(x: Any) -> bool:
    """Whether ``x`` holds exact numbers of its own (Fractions, Rationals, ints, number strings), not a float array."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "U":
        x = x.astype(object)
    if isinstance(x, (str, bytes)) or np.ndim(x) == 0 or (isinstance(x, np.ndarray) and x.dtype != object):
        return False
    return is_exact_input(x)


def _exact_rows(P: NDArray[Any]) -> None:
    """Every row ``P[s, a]`` of exact entries sums to exactly 1."""
    for s, a in np.ndindex(P.shape[:2]):
        exact_distribution(P[s, a], f"P[{s}, {a}]")


def _dense_model(P: Any, R: Any) -> tuple[NDArray[np.float64], NDArray[np.float64], Any, Any]:
    """Float ``P`` and ``R`` (and their exact entries, or None) of a dense model, checked."""
    Pf = as_array(P, "P", ndim=3)
    S, A, S2 = Pf.shape
    if S != S2:
        raise ValueError(f"P: expected shape (S, A, S) with the same S twice; got shape {Pf.shape}")
    probability_rows(Pf, "P")
    P_exact = exact_array(P, "P") if _given_exactly(P) else None
    if P_exact is not None:
        _exact_rows(P_exact)
    Rf = as_array(R, "R", ndim=(2, 3))
    R_exact = exact_array(R, "R") if _given_exactly(R) else None
    if Rf.ndim == 3:
        if Rf.shape != Pf.shape:
            raise ValueError(f"R: a reward table R[s, a, s'] must have the shape of P, {Pf.shape}; got shape {Rf.shape}")
        Rf = np.einsum("sat,sat->sa", Pf, Rf)
        if R_exact is not None:  # Σ_s' p(s'|s, a) r(s, a, s'), with P's exact entries when it has them
            Pe = P_exact if P_exact is not None else exact_array(Pf, "P")
            R_exact = (Pe * R_exact).sum(axis=2)
    elif Rf.shape != (S, A):
        raise ValueError(f"R: expected shape ({S}, {A}) (states, actions); got shape {Rf.shape}")
    return Pf, Rf, P_exact, R_exact


def _sparse_model(P: Any, R: Any) -> tuple[sps.csr_array, NDArray[np.float64], None, Any]:
    """CSR ``P`` and float ``R`` (and R's exact entries, or None) of a sparse model, checked."""
    P2 = sps.csr_array(P, dtype=np.float64)
    SA, S = P2.shape
    if S == 0 or SA % S:
        raise ValueError(f"P: a sparse P must have shape (S·A, S); got shape {P2.shape}")
    A = SA // S
    P2.sum_duplicates()
    if P2.nnz < 2**31 and SA < 2**31:  # 32-bit indices: less memory traffic per sweep
        P2.indices, P2.indptr = P2.indices.astype(np.int32, copy=False), P2.indptr.astype(np.int32, copy=False)
    if not np.all(np.isfinite(P2.data)):
        raise ValueError("P: expected finite probabilities; got NaN or inf")
    probability_rows(P2, "P", rows=(S, A))
    Rr = as_array(R, "R", ndim=(1, 2))
    R_exact = exact_array(R, "R") if _given_exactly(R) else None
    if Rr.size != SA or (Rr.ndim == 2 and Rr.shape != (S, A)):
        raise ValueError(f"R: expected shape ({S}, {A}) (states, actions); got shape {Rr.shape}")
    return P2, Rr.reshape(S, A), None, None if R_exact is None else R_exact.reshape(S, A)


@dataclass(frozen=True, eq=False, init=False)
class MDP:
    r"""A finite Markov decision process with expected rewards.

    Parameters
    ----------
    P
        Transition probabilities :math:`p(s' \mid s, a)`: a dense array ``P[s, a, s']`` of
        shape ``(S, A, S)`` (floats, or exact numbers: ``Fraction``, SymPy ``Rational``,
        ``"3/10"``), or a SciPy sparse matrix of shape ``(S·A, S)`` (row ``s·A + a``).
    R
        Expected immediate rewards :math:`r(s, a)` as ``R[s, a]``, shape ``(S, A)``; a
        dense ``P`` also accepts a reward table ``R[s, a, s']``, reduced to
        :math:`\sum_{s'} P R`.
    gamma
        Discount :math:`\gamma \in [0, 1]`: a float, an int, a ``Fraction``, a decimal
        or ratio string such as ``"0.9"`` or a SymPy ``Rational``.

    Attributes
    ----------
    gamma_exact
        :math:`\gamma` as an exact SymPy number.
    P_exact, R_exact
        Object arrays of the exact entries of ``P`` (shape ``(S, A, S)``) and ``R``
        (shape ``(S, A)``) when they were given as exact numbers, else ``None``; the
        symbolic twins compute with them, the numeric twins with the floats ``P``, ``R``.

    Raises
    ------
    TypeError
        Non-numeric arrays or ``gamma``.
    ValueError
        Wrong shapes, NaN or inf, negative probabilities, rows that do not sum to 1
        (exactly 1 for exact entries), ``gamma`` outside [0, 1] or too long a number, or
        :math:`\gamma = 1` when some state cannot reach a terminal state with probability 1.

    References
    ----------
    Zhao (2025), ch. 1; Sutton & Barto (2018), §3.1.

    Examples
    --------
    >>> m = MDP([[["3/10", "7/10"], [0, 1]], [[0, 1], [0, 1]]], [[0.0, 1.0], [2.0, 2.0]], "0.9")
    >>> m.n_states, m.n_actions, m.gamma, m.gamma_exact, m.P_exact[0, 0].tolist()
    (2, 2, 0.9, 9/10, [3/10, 7/10])
    """

    P: Any
    R: NDArray[np.float64]
    gamma: float
    gamma_exact: sp.Rational = field(repr=False)
    P_exact: NDArray[Any] | None = field(repr=False)
    R_exact: NDArray[Any] | None = field(repr=False)

    def __init__(self, P: ArrayLike | sps.sparray | sps.spmatrix, R: ArrayLike, gamma: Number) -> None:
        exact = exact_discount(gamma, "gamma")
        P, R, P_exact, R_exact = _sparse_model(P, R) if sps.issparse(P) else _dense_model(P, R)
        for name, value in (("P", P), ("R", R), ("gamma", float(exact)), ("gamma_exact", exact),
                            ("P_exact", P_exact), ("R_exact", R_exact)):
            if isinstance(value, np.ndarray):
                value = value.copy()
                value.setflags(write=False)
            object.__setattr__(self, name, value)
        if self.gamma == 1.0:
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

    References
    ----------
    D. P. Bertsekas and J. N. Tsitsiklis, *Neuro-Dynamic Programming*, 1996, ch. 2 (stochastic shortest paths).

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

    References
    ----------
    C. Baier and J.-P. Katoen, *Principles of Model Checking*, MIT Press 2008, ch. 10 (reachability in MDPs).

    Examples
    --------
    >>> import numpy as np
    >>> P = np.zeros((3, 1, 3)); P[0, 0, [0, 1]] = 0.5; P[1, 0, 1] = 1.0; P[2, 0, 2] = 1.0
    >>> W, _ = almost_sure_reach(MDP(P, np.zeros((3, 1)), 0.5), np.array([False, True, False]))
    >>> W.tolist()
    [True, True, False]
    """
    return almost_sure_set(sps.csr_array(mdp.transition_matrix()), mdp.n_actions, targets)


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


def as_policy(policy: ArrayLike, mdp: MDP) -> NDArray[np.float64]:
    r"""A policy :math:`\pi(a \mid s)` as an ``(S, A)`` row-stochastic float array, or a clear error.

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
        out = np.zeros((S, A))
        out[np.arange(S), as_actions(policy, mdp)] = 1.0
        return out
    pi = as_array(policy, "policy", ndim=2, shape=(S, A))
    probability_rows(pi, "policy")
    return pi


def as_actions(actions: ArrayLike, mdp: MDP, *, name: str = "policy") -> NDArray[np.intp]:
    """A deterministic policy as ``S`` action indices in ``0 … A-1``, or a clear error naming ``name``.

    Examples
    --------
    >>> import numpy as np
    >>> as_actions([2, 0], MDP(np.full((2, 3, 2), 0.5), np.zeros((2, 3)), 0.5)).tolist()
    [2, 0]
    """
    S, A = mdp.n_states, mdp.n_actions
    idx = as_array(actions, name, ndim=1, shape=(S,), dtype=np.asarray(actions).dtype)
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"{name}: a 1-D policy holds action indices and must be integers; got dtype {idx.dtype}")
    if idx.min() < 0 or idx.max() >= A:
        raise ValueError(f"{name}: action indices must lie in 0 … {A - 1}; got {int(idx.min())} … {int(idx.max())}")
    return idx.astype(np.intp, copy=False)


def exact_policy(policy: ArrayLike, mdp: MDP) -> list[dict[int, sp.Expr]]:
    r"""A policy as exact rows ``{a: π(a|s)}``: exact entries stay exact, floats enter at their binary value.

    Parameters
    ----------
    policy
        ``S`` action indices, or ``(S, A)`` probabilities: floats, or exact numbers
        (``Fraction``, SymPy ``Rational``, ``"1/5"``) in lists or object arrays, whose
        rows must then sum to exactly 1.
    mdp
        The model the policy acts in.

    Returns
    -------
    list
        For each state, ``{action: probability}`` over the actions of nonzero probability.

    Raises
    ------
    TypeError, ValueError
        As :func:`as_policy`; exact rows that do not sum to exactly 1.

    Examples
    --------
    >>> import numpy as np
    >>> m = MDP(np.full((1, 2, 1), 1.0), [[0.0, 0.0]], 0.5)
    >>> exact_policy([["1/5", "4/5"]], m)
    [{0: 1/5, 1: 4/5}]
    """
    pi = as_policy(policy, mdp)  # shape, range and the float row sums
    if np.ndim(policy) == 2 and _given_exactly(policy):
        rows = exact_array(np.asarray(policy, dtype=object), "policy", shape=(mdp.n_states, mdp.n_actions))
        for s, row in enumerate(rows):
            exact_distribution(row, f"policy[{s}]")
    else:
        rows = exact_array(pi, "policy")
    return [{a: p for a, p in enumerate(row) if p != 0} for row in rows]


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

    References
    ----------
    Bertsekas and Tsitsiklis (1996), ch. 2 (proper policies).

    Examples
    --------
    >>> import numpy as np
    >>> P = np.zeros((2, 2, 2)); P[0, 0, 0] = P[0, 1, 1] = P[1, :, 1] = 1.0
    >>> proper_policy(MDP(P, [[-1.0, -1.0], [0.0, 0.0]], 1.0)).tolist()
    [1, 0]
    """
    term = terminal_states(mdp)
    W, allowed = almost_sure_reach(mdp, term)
    if not W.all():
        raise ValueError(f"mdp: states {np.flatnonzero(~W)[:10].tolist()} cannot reach a terminal state with probability 1")
    return layered_policy(sps.csr_array(mdp.transition_matrix()), allowed, term)

r"""The stationary distribution of a policy's Markov chain (平稳分布).

Following a policy :math:`\pi` turns the MDP into a Markov chain with transition matrix
:math:`P_\pi` (:func:`refalgo.mdp.policy_model`). A distribution :math:`d` over the
states is *stationary* when one step of the chain leaves it unchanged:

.. math::

    d^\top P_\pi = d^\top, \qquad \textstyle\sum_s d(s) = 1, \qquad d \ge 0. \qquad (1)

It is the long-run fraction of time the chain spends in each state, and the weighting
under which on-policy TD learns (:mod:`refalgo.rl.projected_bellman`).

**Conventions** — Zhao (2025), §8.2.1; Sutton & Barto (2018), §9.2 (their :math:`\mu`):

* ``P[s, s']`` is :math:`P_\pi(s, s')`, rows sum to 1; :math:`d` is a row vector in the
  math and a 1-D array in the code.
* (1) has a unique solution exactly when the chain has one *closed* communicating class
  (states outside it are transient and get :math:`d(s) = 0`); otherwise every mixture of
  the classes' distributions solves it, and both twins raise a ``ValueError`` naming the
  classes.
* A periodic chain (period :math:`k > 1`) has a unique :math:`d`, but the distribution of
  :math:`S_t` cycles instead of converging to it. Both twins refuse it by default and
  accept it with ``aperiodic=False``, as the long-run average.

Twins: :func:`chain_stationary_distribution_symbolic` solves (1) exactly (over the
rationals, or as rational functions of symbolic entries for small chains);
:func:`chain_stationary_distribution` solves it in float64 by one sparse LU
factorisation. :func:`stationary_distribution` and
:func:`stationary_distribution_symbolic` build the chain of a policy first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_array, exact_distribution
from .._validate import as_array, as_count, as_flag, probability_rows
from ..derivation import Derivation, Step
from ..mdp.bellman import policy_model
from ..mdp.model import MDP, terminal_states
from ..registry import Concept, Tolerance
from ._engine.chains import chain_structure, require_unique
from ._engine.linalg import exact_chain, exact_solve

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "chain_stationary_distribution",
    "chain_stationary_distribution_symbolic",
    "derivations",
    "on_policy_distribution",
    "on_policy_distribution_symbolic",
    "stationary_distribution",
    "stationary_distribution_symbolic",
]

REFERENCES = (
    "S. Zhao, Mathematical Foundations of Reinforcement Learning, Springer 2025, §8.2.1 (stationary distribution)",
    "R. S. Sutton and A. G. Barto, Reinforcement Learning: An Introduction, 2nd ed., 2018, §9.2 (on-policy distribution)",
    "J. R. Norris, Markov Chains, Cambridge University Press 1997, §1.7 (invariant distributions) and §1.8 (periodicity)",
)


def _exact_chain_matrix(P: Any, name: str) -> sp.Matrix:
    """A square exact (or symbolic) transition matrix, rows summing to 1 identically."""
    M = sp.Matrix(P) if isinstance(P, sp.MatrixBase) else sp.Matrix(exact_array(P, name, ndim=2).tolist())
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"{name}: expected a square matrix P[s, s']; got shape {M.shape}")
    for s in range(M.shape[0]):
        total = sp.simplify(sum(M.row(s)) - 1)
        if total != 0:
            raise ValueError(f"{name}[{s}]: expected a row summing to exactly 1; got sum 1 + ({total})")
        for t in range(M.shape[1]):
            if M[s, t].is_negative:
                raise ValueError(f"{name}[{s}, {t}]: expected a probability >= 0; got {M[s, t]}")
    return M


def chain_stationary_distribution_symbolic(P: Any, *, aperiodic: bool = True) -> sp.Matrix:
    r"""The exact stationary distribution :math:`d` of a transition matrix, solving (1).

    Parameters
    ----------
    P
        :math:`P_\pi`, ``(S, S)``: exact numbers (``Fraction``, ``"1/3"``, SymPy
        rationals; floats at their binary value), or a SymPy ``Matrix`` whose entries may
        hold symbols (a symbolic entry counts as positive unless it is identically 0).
    aperiodic
        Refuse a periodic chain (default).

    Returns
    -------
    sympy.Matrix
        Column of ``S`` exact probabilities (rational functions of the symbols).

    Raises
    ------
    ValueError
        Not square; a row not summing to exactly 1; a negative entry; more than one
        closed class; a periodic chain with ``aperiodic=True``.

    Examples
    --------
    >>> p, q = sp.symbols("p q", positive=True)
    >>> chain_stationary_distribution_symbolic(sp.Matrix([[1 - p, p], [q, 1 - q]])).T
    Matrix([[q/(p + q), p/(p + q)]])
    """
    M = _exact_chain_matrix(P, "P")
    S = M.shape[0]
    structure = chain_structure(np.array([[M[s, t] != 0 for t in range(S)] for s in range(S)], dtype=float))
    require_unique(structure, "P", aperiodic=as_flag(aperiodic, "aperiodic"))
    system = (M.T - sp.eye(S)).copy()
    system[S - 1, :] = sp.ones(1, S)  # (1): S − 1 balance equations and Σ_s d(s) = 1
    rhs = sp.zeros(S, 1)
    rhs[S - 1] = 1
    return exact_solve(system, rhs, "P")


def stationary_distribution_symbolic(mdp: MDP, policy: ArrayLike, *, aperiodic: bool = True) -> sp.Matrix:
    r"""The exact stationary distribution of the chain :math:`P_\pi` of ``policy`` in ``mdp``.

    Parameters
    ----------
    mdp
        The model; its exact entries if it was given them, else its floats' binary values.
    policy
        ``S`` action indices or ``(S, A)`` probabilities (exact strings and fractions stay exact).
    aperiodic
        Refuse a periodic chain (default).

    Returns
    -------
    sympy.Matrix
        Column of ``S`` exact probabilities.

    Raises
    ------
    ValueError
        An invalid policy; a chain with more than one closed class, or periodic.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[["1/2", "1/2"]], [["1/3", "2/3"]]], [[0], [1]], "0.9")
    >>> stationary_distribution_symbolic(m, [0, 0]).T
    Matrix([[2/5, 3/5]])
    """
    P_pi, _ = exact_chain(mdp, policy)
    return chain_stationary_distribution_symbolic(P_pi, aperiodic=aperiodic)


def on_policy_distribution_symbolic(mdp: MDP, policy: ArrayLike, *, start: ArrayLike | int) -> sp.Matrix:
    r"""The exact on-policy distribution :math:`\mu` of an episodic task, from the expected visits (2).

    In an episodic task the chain ends in a terminal state, so (1) puts all its weight
    there. Sutton & Barto's on-policy distribution (§9.2, eqs. (9.2)–(9.3)) counts visits
    instead: with :math:`h` the distribution of the first state and :math:`\eta(s)` the
    expected number of steps spent in :math:`s` in one episode,

    .. math::

        \eta(s) = h(s) + \sum_{\bar s\ \text{non-terminal}} \eta(\bar s)\, P_\pi(\bar s, s), \qquad
        \mu(s) = \frac{\eta(s)}{\sum_{s'} \eta(s')} \qquad (2)

    over the non-terminal states (terminal states get :math:`\mu = 0`).

    Parameters
    ----------
    mdp, policy
        An episodic model (some terminal state, reached with probability 1) and the policy.
    start
        :math:`h`: a state index, or ``S`` exact probabilities on the non-terminal states.

    Returns
    -------
    sympy.Matrix
        Column of ``S`` exact probabilities.

    Raises
    ------
    ValueError
        No terminal state, ``start`` not a non-terminal state or not a distribution on them,
        or a policy that never terminates from some visited state (singular (2)).

    Examples
    --------
    >>> from refalgo.rl.examples import random_walk, walk_policy
    >>> m = random_walk()
    >>> on_policy_distribution_symbolic(m, walk_policy(m), start=3).T  # 1, 2, 3, 2, 1 visits in a 9-step episode
    Matrix([[0, 1/9, 2/9, 1/3, 2/9, 1/9, 0]])
    """
    P_pi, _ = exact_chain(mdp, policy)
    inner = np.flatnonzero(~_terminal_mask(mdp))
    h_exact = sp.Matrix(_start_vector(start, mdp.n_states, inner, exact=True))
    Q = P_pi.extract(list(inner), list(inner))
    eta = exact_solve(sp.eye(inner.size) - Q.T, h_exact.extract(list(inner), [0]), "policy")  # (2) (I − Qᵀ) η = h
    mu = sp.zeros(mdp.n_states, 1)
    total = sum(eta)
    for i, s in enumerate(inner):
        mu[int(s)] = eta[i] / total  # (2) μ = η / Σ η
    return mu


def chain_stationary_distribution(P: Any, *, aperiodic: bool = True) -> NDArray[np.float64]:
    r"""The stationary distribution :math:`d` of a transition matrix in float64, by one sparse LU solve.

    The balance equations :math:`(I - P^\top) d = 0` have rank :math:`S - 1` when the
    chain has one closed class. One recurrent state's value is fixed to 1, the balance
    equations of the others are solved by SuperLU (keeping the sparsity of :math:`P`),
    and the result is normalised to sum to 1.

    Parameters
    ----------
    P
        :math:`P_\pi`: a dense ``(S, S)`` array or a SciPy sparse matrix, rows summing to 1.
    aperiodic
        Refuse a periodic chain (default).

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``, nonnegative, summing to 1.

    Raises
    ------
    ValueError
        Not square; not row-stochastic; more than one closed class; periodic with
        ``aperiodic=True``.

    Examples
    --------
    >>> chain_stationary_distribution([[0.5, 0.5], [1/3, 2/3]]).round(6).tolist()
    [0.4, 0.6]
    """
    A = sps.csr_array(P, dtype=np.float64) if sps.issparse(P) else sps.csr_array(as_array(P, "P", ndim=2))
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"P: expected a square matrix P[s, s']; got shape {A.shape}")
    if not np.all(np.isfinite(A.data)):
        raise ValueError("P: expected finite probabilities; got NaN or inf")
    probability_rows(A, "P")
    structure = chain_structure(A)
    require_unique(structure, "P", aperiodic=as_flag(aperiodic, "aperiodic"))
    S = A.shape[0]
    pin = int(structure.closed[0][0])  # a recurrent state: d(pin) > 0, so fix it to 1 and normalise after
    rest = np.flatnonzero(np.arange(S) != pin)
    M = (sps.eye_array(S, format="csr") - A.T).tocsc()  # (1) (I − Pᵀ) d = 0
    d = np.zeros(S)
    d[pin] = 1.0
    if rest.size:  # the other S − 1 balance equations, with d(pin) = 1 moved to the right
        d[rest] = np.atleast_1d(spla.spsolve(M[rest][:, rest].tocsc(), -M[rest][:, [pin]].toarray().ravel()))
    d = np.clip(d, 0.0, None)  # rounding may leave −1e-17 on a transient state
    return np.asarray(d / d.sum())


def stationary_distribution(mdp: MDP, policy: ArrayLike, *, aperiodic: bool = True) -> NDArray[np.float64]:
    r"""The stationary distribution of the chain :math:`P_\pi` of ``policy`` in ``mdp``, in float64.

    Parameters
    ----------
    mdp
        The model (dense or sparse).
    policy
        ``S`` action indices or ``(S, A)`` probabilities.
    aperiodic
        Refuse a periodic chain (default).

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``.

    Raises
    ------
    ValueError
        An invalid policy; a chain with more than one closed class, or periodic.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.5, 0.5]], [[0.25, 0.75]]], [[0.0], [1.0]], 0.9)
    >>> stationary_distribution(m, [0, 0]).round(6).tolist()
    [0.333333, 0.666667]
    """
    P_pi, _ = policy_model(mdp, policy)
    return chain_stationary_distribution(P_pi, aperiodic=aperiodic)


def on_policy_distribution(mdp: MDP, policy: ArrayLike, *, start: ArrayLike | int) -> NDArray[np.float64]:
    r"""The on-policy distribution :math:`\mu` (2) of an episodic task in float64, by one sparse LU solve.

    Parameters
    ----------
    mdp, policy, start
        As :func:`on_policy_distribution_symbolic` (dense or sparse model; ``start`` a state
        index or ``S`` probabilities).

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``, zero on the terminal states.

    Raises
    ------
    ValueError
        As :func:`on_policy_distribution_symbolic`.

    Examples
    --------
    >>> from refalgo.rl.examples import random_walk, walk_policy
    >>> m = random_walk()
    >>> (on_policy_distribution(m, walk_policy(m), start=3) * 9).round(12).tolist()
    [0.0, 1.0, 2.0, 3.0, 2.0, 1.0, 0.0]
    """
    P_pi, _ = policy_model(mdp, policy)
    inner = np.flatnonzero(~_terminal_mask(mdp))
    h = np.asarray(_start_vector(start, mdp.n_states, inner, exact=False), dtype=np.float64)
    Q = sps.csr_array(P_pi)[inner][:, inner]
    M = (sps.eye_array(inner.size, format="csr") - Q.T).tocsc()
    eta = np.atleast_1d(spla.spsolve(M, h[inner]))  # (2) (I − Qᵀ) η = h
    if not np.all(np.isfinite(eta)) or np.any(eta < -1e-9):
        raise ValueError("policy: expected a policy that terminates from every visited state; the visit counts (2) are singular")
    mu = np.zeros(mdp.n_states)
    mu[inner] = np.clip(eta, 0.0, None) / np.clip(eta, 0.0, None).sum()  # (2) μ = η / Σ η
    return mu


def _terminal_mask(mdp: MDP) -> NDArray[np.bool_]:
    term = terminal_states(mdp)
    if not term.any():
        raise ValueError("mdp: expected an episodic task with a terminal state; this one has none (use the stationary distribution)")
    return term


def _start_vector(start: Any, n_states: int, inner: NDArray[np.intp], *, exact: bool) -> list[Any]:
    """:math:`h` as a list of ``S`` probabilities (exact or float), none on a terminal state."""
    if np.ndim(start) == 0:
        s = as_count(start, "start", minimum=0)
        if s not in set(inner.tolist()):
            raise ValueError(f"start: expected a non-terminal state (one of {inner.min()} … {inner.max()}); got {s}")
        return [int(i == s) for i in range(n_states)]
    if exact:
        h: list[Any] = exact_distribution(start, "start", length=n_states)
    else:
        h = as_array(start, "start", ndim=1).tolist()
        if len(h) != n_states:
            raise ValueError(f"start: expected {n_states} probabilities; got {len(h)}")
        probability_rows(np.asarray(h), "start")
    outside = sorted(set(range(n_states)) - set(inner.tolist()))
    if any(h[i] != 0 for i in outside):
        raise ValueError(f"start: expected no probability on the terminal states {outside}")
    return h

def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivation the page renders: the two-state chain's closed form is stationary.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven']
    """
    p, q = sp.symbols("p q", positive=True)
    d1, d2 = q / (p + q), p / (p + q)
    return (
        Derivation(
            r"The two-state chain: $d = \bigl(\frac{q}{p+q}, \frac{p}{p+q}\bigr)$ satisfies $d^\top P_\pi = d^\top$",
            [
                Step(d1 * (1 - p) + d2 * q, r"first entry of $d^\top P_\pi$: stay in $s_1$, or move from $s_2$",
                     display=r"\frac{q}{p+q}(1-p) + \frac{p}{p+q}\, q"),
                Step((q - p * q + p * q) / (p + q), "one denominator", display=r"\frac{q - pq + pq}{p+q}"),
                Step(q / (p + q), r"$pq$ cancels: the first entry of $d$", display=r"\frac{q}{p+q}"),
            ],
            lhs_latex=r"(d^\top P_\pi)_1",
            symbols={"p": r"the probability of moving from $s_1$ to $s_2$",
                     "q": r"the probability of moving from $s_2$ to $s_1$"},
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def chain(rows: list[list[int]]) -> list[list[sp.Rational]]:
        # Positive integer weights normalised per row: every entry > 0, so the chain is irreducible and aperiodic.
        return [[sp.Rational(w, sum(row)) for w in row] for row in rows]

    n = st.integers(1, 5)
    return n.flatmap(lambda S: st.lists(st.lists(st.integers(1, 9), min_size=S, max_size=S), min_size=S, max_size=S)).map(
        lambda rows: {"P": chain(rows)}
    )


def _symbolic(example: dict[str, Any]) -> list[float]:
    return [float(v) for v in chain_stationary_distribution_symbolic(example["P"])]


def _numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    return chain_stationary_distribution(np.array(example["P"], dtype=np.float64))


def _episodic_inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def model(rows: list[list[int]]) -> dict[str, Any]:
        # Positive weights over the n non-terminal states and the terminal state n: every state ends with probability > 0.
        n = len(rows)
        P = [[[sp.Rational(w, sum(row)) for w in row]] for row in rows] + [[[0] * n + [1]]]
        return {"mdp": MDP(np.array(P, dtype=object), [[0]] * (n + 1), 1), "start": [sp.Rational(1, n)] * n + [0]}

    n = st.integers(1, 4)
    return n.flatmap(lambda k: st.lists(st.lists(st.integers(1, 9), min_size=k + 1, max_size=k + 1), min_size=k, max_size=k)).map(model)


def _episodic_symbolic(example: dict[str, Any]) -> list[float]:
    m = example["mdp"]
    return [float(v) for v in on_policy_distribution_symbolic(m, np.zeros(m.n_states, dtype=int), start=example["start"])]


def _episodic_numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    m = example["mdp"]
    return on_policy_distribution(m, np.zeros(m.n_states, dtype=int), start=np.array(example["start"], dtype=np.float64))


CONCEPTS = (
    Concept(
        name="stationary-distribution",
        area="rl",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-12, atol=1e-12, why="LU of a 5×5 system whose entries lie in [1/45, 1]: error a few eps"),
        references=REFERENCES,
        page="rl/value-approximation.md",
    ),
    Concept(
        name="on-policy-distribution",
        area="rl",
        symbolic=_episodic_symbolic,
        numeric=_episodic_numeric,
        inputs=_episodic_inputs,
        tolerance=Tolerance(rtol=1e-12, atol=1e-12, why="LU of I − Qᵀ for at most 4 states, each ending with probability "
                            ">= 1/37 per step: condition below 200, error a few hundred eps"),
        references=REFERENCES,
        page="rl/value-approximation.md",
    ),
)

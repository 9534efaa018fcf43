r"""State values, action values and the Bellman equation (状态价值, 贝尔曼方程).

The return from time ``t`` is :math:`G_t = \sum_{k \ge 0} \gamma^k R_{t+k+1}`; the state
value of a policy is its conditional expectation :math:`v_\pi(s) = \mathbb{E}[G_t \mid
S_t = s]` (it depends on ``s`` and :math:`\pi`, not on ``t``). Splitting the first reward
off the return gives the Bellman equation, elementwise

.. math:: v_\pi(s) = \sum_a \pi(a \mid s)\Big[r(s, a) + \gamma \sum_{s'} p(s' \mid s, a)\, v_\pi(s')\Big],

and in matrix form :math:`v_\pi = r_\pi + \gamma P_\pi v_\pi` with
:math:`[r_\pi]_s = \sum_a \pi(a \mid s) r(s, a)` and :math:`[P_\pi]_{s s'} = \sum_a \pi(a
\mid s) p(s' \mid s, a)`. Its solution is :math:`v_\pi = (I - \gamma P_\pi)^{-1} r_\pi`, or
the limit of the iteration :math:`v_{k+1} = r_\pi + \gamma P_\pi v_k`. The action value
is :math:`q_\pi(s, a) = r(s, a) + \gamma \sum_{s'} p(s' \mid s, a) v_\pi(s')` and
:math:`v_\pi(s) = \sum_a \pi(a \mid s) q_\pi(s, a)`.

Twins: :func:`state_values_symbolic` solves the linear system exactly over the
rationals (SymPy ``DomainMatrix``, or rational functions of a symbolic :math:`\gamma`);
:func:`state_values` solves it in float64 (LAPACK for dense models, SuperLU for sparse
ones) or by the iteration. With :math:`\gamma = 1` terminal states get value 0 and the
system is solved on the other states, which is possible exactly when the policy reaches
a terminal state with probability 1 (a *proper* policy).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla
import sympy as sp
from numpy.typing import NDArray

from .._validate import as_array, as_positive
from ..registry import Concept, Tolerance
from . import _sweep
from ._exact import exact_gamma, exact_policy, exact_policy_model, exact_solve
from .bellman import policy_model
from .model import MDP, _reach_backward, terminal_states

__all__ = [
    "PolicyEvaluation",
    "iterative_policy_evaluation",
    "state_values",
    "state_values_symbolic",
]


# ---------------------------------------------------------------------- exact twin
def state_values_symbolic(mdp: MDP, policy: Any, *, gamma: Any = None) -> sp.Matrix:
    r"""Exact state values :math:`v_\pi = (I - \gamma P_\pi)^{-1} r_\pi` as a SymPy column.

    Parameters
    ----------
    mdp
        The model; its float entries are taken at their exact binary value (0.25, 1 and
        -1 are exact).
    policy
        ``(S, A)`` probabilities or ``S`` action indices; rows of ``Fraction`` or SymPy
        ``Rational`` stay exact.
    gamma
        Optional override of ``mdp.gamma_exact``: an exact number, a decimal string or a
        SymPy symbol (then the values are rational functions of it; small models only).

    Returns
    -------
    sympy.Matrix
        Column of ``S`` exact values.

    Raises
    ------
    ValueError
        An invalid policy, or (with :math:`\gamma = 1`) a policy that does not reach a
        terminal state with probability 1.

    Notes
    -----
    The system :math:`(I - \gamma P_\pi) v = r_\pi` is solved by LU over the field of
    rationals (or of rational functions of ``gamma``) with SymPy's sparse
    ``DomainMatrix``, never by ``Matrix.inv``: sparse Gauss–Jordan elimination while the
    numbers stay small (grid-like models with rational probabilities: a 100-state grid
    takes well under a second), dense LU when the entries carry the 53-bit binary
    denominators of arbitrary floats (then the exact answer itself has thousands of
    digits and a 100-state model takes tens of seconds). With :math:`\gamma = 1`,
    terminal states are fixed at 0 and removed from the system.

    References
    ----------
    S. Zhao, *Mathematical Foundations of Reinforcement Learning*, Springer 2025, ch. 2.

    Examples
    --------
    >>> import sympy as sp
    >>> from refalgo.mdp import zhao_grid_world
    >>> g = sp.Symbol("gamma")
    >>> world = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    >>> state_values_symbolic(world.mdp, [2, 2, 1, 4], gamma=g).T
    Matrix([[-gamma/(gamma - 1), -1/(gamma - 1), -1/(gamma - 1), -1/(gamma - 1)]])
    """
    g = exact_gamma(mdp, gamma)
    pi = exact_policy(policy, mdp)
    P_pi, r_pi = exact_policy_model(mdp, pi)
    S = mdp.n_states
    keep = list(range(S))
    if g == 1:
        term = terminal_states(mdp)
        keep = [s for s in range(S) if not term[s]]
    sol = exact_solve(P_pi, r_pi, g, keep)
    return sp.Matrix([sol.get(s, sp.Integer(0)) for s in range(S)])


# ---------------------------------------------------------------------- numeric twin
def _proper_states(P_pi: Any, mdp: MDP) -> NDArray[np.bool_]:
    """Non-terminal mask, after checking that every state reaches a terminal one under P_π."""
    term = terminal_states(mdp)
    reach = _reach_backward(sps.csr_array(P_pi), term)
    if not reach.all():
        bad = np.flatnonzero(~reach)
        raise ValueError(
            f"policy: with gamma = 1 the policy must reach a terminal state with probability 1, but from "
            f"states {bad[:10].tolist()} it never does, so their values are not finite"
        )
    return ~term


def _direct(mdp: MDP, P_pi: Any, r_pi: NDArray[np.float64]) -> NDArray[np.float64]:
    S = mdp.n_states
    keep = _proper_states(P_pi, mdp) if mdp.gamma == 1.0 else np.ones(S, dtype=bool)
    idx = np.flatnonzero(keep)
    v = np.zeros(S)
    if mdp.is_sparse:
        sub = sps.csc_array(P_pi[idx][:, idx])
        v[idx] = spla.spsolve(sps.identity(idx.size, format="csc") - mdp.gamma * sub, r_pi[idx])
    else:
        v[idx] = np.linalg.solve(np.eye(idx.size) - mdp.gamma * P_pi[np.ix_(idx, idx)], r_pi[idx])
    return v


DIRECT_MAX_STATES = 500  # sparse models up to this size are solved exactly by sparse LU
_KRYLOV_ATTEMPTS = 4


def uses_krylov(mdp: MDP) -> bool:
    """Whether ``method="auto"`` solves this model by BiCGSTAB: sparse, over the LU size, gamma < 1."""
    return mdp.is_sparse and mdp.n_states > DIRECT_MAX_STATES and mdp.gamma < 1.0


def krylov_products(backend: str) -> str:
    """The backend of BiCGSTAB's products: SciPy's CSR product unless numba is asked for by name.

    A plain product has nothing to fuse, and on one thread the two run at the same speed.
    """
    return "numba" if backend == "numba" else "numpy"


def _residual_operator(chain: _sweep.Chain) -> spla.LinearOperator:
    """:math:`x \\mapsto x - \\gamma P_\\pi x` as a SciPy linear operator."""
    P_pi, gamma = chain.P, chain.gamma
    S = P_pi.shape[0]
    if chain.backend == "numba":
        k = _sweep.kernels()
        arrays = _sweep.csr_arrays(P_pi)

        def matvec(x: NDArray[np.float64]) -> NDArray[np.float64]:
            out = np.empty(S)
            k.residual_product(*arrays, np.ascontiguousarray(x, dtype=np.float64).ravel(), gamma, out, chain.ahead)
            return out
    else:

        def matvec(x: NDArray[np.float64]) -> NDArray[np.float64]:
            x = np.asarray(x, dtype=np.float64).ravel()
            return x - gamma * np.asarray(P_pi @ x)

    return spla.LinearOperator((S, S), matvec=matvec, dtype=np.float64)


def _krylov(
    chain: Any, *, tol: float, v0: NDArray[np.float64] | None = None
) -> tuple[NDArray[np.float64], float]:
    r"""BiCGSTAB on :math:`(I - \gamma P_\pi) v = r_\pi`, certified: ``(v, bound)`` with :math:`\|v - v_\pi\|_\infty \le` bound :math:`\le` ``tol``.

    The bound is computed after the solve from the residual :math:`\rho = r_\pi +
    \gamma P_\pi v - v` (one explicit sweep): :math:`v_\pi - v = (I - \gamma
    P_\pi)^{-1}\rho` and :math:`\|(I - \gamma P_\pi)^{-1}\|_\infty = \|\sum_k \gamma^k
    P_\pi^k\|_\infty \le \sum_k \gamma^k = 1/(1-\gamma)`, so :math:`\|v - v_\pi\|_\infty \le
    \|\rho\|_\infty/(1-\gamma)`. BiCGSTAB controls the 2-norm of its residual; if the
    certified bound exceeds ``tol``, the solve continues from ``v`` with a 16 times smaller
    target, a few times (the last time by LGMRES, in case BiCGSTAB broke down), before a
    clear error.
    """
    gamma, r = chain.gamma, chain.r
    target = tol * (1.0 - gamma)  # max-norm residual that certifies tol
    A = _residual_operator(chain)
    v = np.zeros_like(r) if v0 is None else v0
    # BiCGSTAB stops on the 2-norm of its residual; a max-norm target t allows a 2-norm of
    # up to t·√S, and a spread-out residual sits near t·√S/8 — checked below, not assumed
    atol = target * max(1.0, np.sqrt(r.size) / 8.0)
    bound = np.inf
    for attempt in range(_KRYLOV_ATTEMPTS):
        solver = spla.bicgstab if attempt < _KRYLOV_ATTEMPTS - 1 else spla.lgmres  # a different method last
        x, _info = solver(A, r, x0=v, rtol=0.0, atol=atol, maxiter=1000)
        if not np.all(np.isfinite(x)):  # a breakdown: keep the last finite iterate
            continue
        step = _sweep.policy_sweep(chain, x)
        v, bound = x, step.residual / (1.0 - gamma)
        if bound <= tol:
            return v, bound
        atol /= 16.0
    raise ValueError(
        f"tol: the Krylov solve could not certify |v - v_pi| <= {tol:g} in float64 (best certified bound {bound:.3g}); "
        "use a larger tol"
    )


class PolicyEvaluation(NamedTuple):
    """Result of :func:`iterative_policy_evaluation`.

    Attributes
    ----------
    values
        The centre of MacQueen's bounds after the last sweep (see
        :func:`iterative_policy_evaluation`).
    sweeps
        How many sweeps were made (``k``).
    bound
        The guaranteed bound :math:`\\|v_k - v_\\pi\\|_\\infty \\le` ``bound``.
    history
        The iterates :math:`v_0, v_1, …, v_k` when ``record=True``, else empty.
    """

    values: NDArray[np.float64]
    sweeps: int
    bound: float
    history: tuple[NDArray[np.float64], ...]


def iterative_policy_evaluation(
    mdp: MDP,
    policy: Any,
    *,
    tol: float = 1e-10,
    v0: Any = None,
    max_sweeps: int = 1_000_000,
    record: bool = False,
    backend: str = "auto",
) -> PolicyEvaluation:
    r"""Iterate :math:`v_{k+1} = r_\pi + \gamma P_\pi v_k` until :math:`v_\pi` is known within ``tol``.

    Parameters
    ----------
    mdp
        The model, with :math:`\gamma < 1`.
    policy
        ``(S, A)`` probabilities or ``S`` action indices.
    tol
        Guaranteed accuracy, > 0.
    v0
        Initial values (default zeros).
    max_sweeps
        Safety limit on the number of sweeps.
    record
        Keep every iterate in ``history`` (for plots; costs ``S`` floats per sweep).
    backend
        ``"auto"``, ``"numba"`` (compiled parallel sweeps of a sparse model; the ``fast``
        extra) or ``"numpy"``.

    Returns
    -------
    PolicyEvaluation
        Values within ``bound`` :math:`\le` ``tol`` of :math:`v_\pi`, sweeps, the bound and
        the optional history of iterates.

    Raises
    ------
    ValueError
        :math:`\gamma = 1` (no contraction, hence no bound: use :func:`state_values`),
        ``tol <= 0``, bad ``v0``, unknown ``backend``, or no convergence within
        ``max_sweeps``.
    ImportError
        ``backend="numba"`` without numba installed.

    Notes
    -----
    The map :math:`T_\pi v = r_\pi + \gamma P_\pi v` is a :math:`\gamma`-contraction in
    the max norm, so :math:`\|v_k - v_\pi\|_\infty \le \gamma^k \|v_0 - v_\pi\|_\infty`.
    It is also monotone and shifts constants by :math:`\gamma`, which gives MacQueen's
    bounds: with :math:`d = v_{k+1} - v_k` and :math:`c = \gamma/(1-\gamma)`,
    :math:`v_{k+1} + c\min_s d(s) \le v_\pi \le v_{k+1} + c\max_s d(s)` (MacQueen 1966; Puterman 1994,
    §6.6, for a single decision rule). The iteration stops once half that box,
    :math:`c\,(\max d - \min d)/2`, is at most ``tol`` and returns its centre
    :math:`v_{k+1} + c\,(\max d + \min d)/2`. Since :math:`(\max d - \min d)/2 \le
    \|d\|_\infty`, this never stops later than the max-norm rule :math:`c\|d\|_\infty
    \le` ``tol`` with the same guarantee, and usually much earlier: the span ignores the
    common offset, which shrinks only like :math:`\gamma^k`.

    References
    ----------
    M. L. Puterman, *Markov Decision Processes*, Wiley 1994, §6.6 (bounds and the span
    stopping rule).

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.ones((1, 1, 1)), [[1.0]], 0.5)
    >>> res = iterative_policy_evaluation(m, [0], tol=1e-6)
    >>> abs(res.values[0] - 2.0) <= res.bound <= 1e-6
    True
    """
    if mdp.gamma == 1.0:
        raise ValueError("mdp: iterative evaluation needs gamma < 1 for its error bound; use state_values(method='direct')")
    tol = as_positive(tol, "tol")
    m = _sweep.model(mdp, backend)
    chain = _sweep.chain(*policy_model(mdp, policy), mdp.gamma, m.backend)
    v = np.zeros(mdp.n_states) if v0 is None else as_array(v0, "v0", shape=(mdp.n_states,)).copy()
    history = [v] if record else []
    for k in range(1, max_sweeps + 1):
        step = _sweep.policy_sweep(chain, v)
        v = step.values
        if record:
            history.append(v)
        bound = _sweep.span_bound(step, mdp.gamma)
        if bound <= tol:
            return PolicyEvaluation(_sweep.midpoint(step, mdp.gamma), k, bound, tuple(history))
    raise ValueError(f"max_sweeps: no convergence to tol = {tol:g} within {max_sweeps} sweeps (bound {bound:.3g})")


def state_values(
    mdp: MDP, policy: Any, *, method: str = "auto", tol: float = 1e-10, backend: str = "auto"
) -> NDArray[np.float64]:
    r"""State values :math:`v_\pi` of a policy, solving :math:`v = r_\pi + \gamma P_\pi v` in float64.

    Parameters
    ----------
    mdp
        The model (dense or sparse).
    policy
        ``(S, A)`` probabilities :math:`\pi(a \mid s)` or ``S`` action indices.
    method
        ``"direct"``: solve :math:`(I - \gamma P_\pi) v = r_\pi` by LU (LAPACK, or SuperLU
        for a sparse model). ``"krylov"``: BiCGSTAB (a Krylov method) to a certified accuracy ``tol`` (sparse
        or dense, :math:`\gamma < 1`). ``"iterative"``: :func:`iterative_policy_evaluation`
        to ``tol``. ``"auto"`` (default): ``"krylov"`` for a sparse model with more than
        :data:`DIRECT_MAX_STATES` states and :math:`\gamma < 1`, else ``"direct"``.
    tol
        Guaranteed accuracy :math:`\|v - v_\pi\|_\infty \le` ``tol`` of the Krylov and
        iterative methods.
    backend
        Sweeps of the iterative method: ``"auto"``, ``"numba"`` or ``"numpy"`` (see
        :func:`iterative_policy_evaluation`); products of the Krylov method: ``"numba"``,
        else SciPy's (as :func:`~refalgo.mdp.policy_iteration.policy_iteration`).

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``.

    Raises
    ------
    ValueError
        An invalid policy, method or backend; rewards too large for float64
        (:math:`\max|r|/(1-\gamma)^2 > 10^{300}`); ``"krylov"`` with :math:`\gamma = 1`, or a
        ``tol`` too small to certify in float64; with :math:`\gamma = 1`, a policy that
        does not reach a terminal state with probability 1.

    Notes
    -----
    The direct solve is accurate to about :math:`\kappa_\infty(I - \gamma P_\pi)\,
    \varepsilon \le \frac{1+\gamma}{1-\gamma}\varepsilon` relative to
    :math:`\|r_\pi\|_\infty / (1-\gamma)`. With :math:`\gamma = 1`, terminal states have
    value 0 and the system is solved on the others. Sparse LU of a random sparse
    :math:`I - \gamma P_\pi` fills in almost completely (time grows like :math:`S^3`), which
    is why large sparse models go to BiCGSTAB: its result is certified after the solve by
    :math:`\|v - v_\pi\|_\infty \le \|r_\pi + \gamma P_\pi v - v\|_\infty / (1-\gamma)`,
    because :math:`v_\pi - v = (I - \gamma P_\pi)^{-1}(r_\pi + \gamma P_\pi v - v)` and
    :math:`\|(I - \gamma P_\pi)^{-1}\|_\infty \le \sum_k \gamma^k = 1/(1-\gamma)`.

    References
    ----------
    R. S. Sutton and A. G. Barto, *Reinforcement Learning: An Introduction*, 2nd ed.,
    2018, eq. (3.14) and §4.1; H. A. van der Vorst, "Bi-CGSTAB: a fast and smoothly converging
    variant of Bi-CG for the solution of nonsymmetric linear systems", *SIAM J. Sci.
    Stat. Comput.* 13 (1992) 631–644.

    Examples
    --------
    >>> from refalgo.mdp import zhao_grid_world
    >>> world = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    >>> state_values(world.mdp, [2, 2, 1, 4]).round(6).tolist()
    [9.0, 10.0, 10.0, 10.0]
    >>> state_values(world.mdp, [2, 2, 1, 4], method="krylov", tol=1e-9).round(6).tolist()
    [9.0, 10.0, 10.0, 10.0]
    """
    _sweep.check_range(mdp.R, mdp.gamma, "R")
    if method == "auto":
        method = "krylov" if uses_krylov(mdp) else "direct"
    if method == "direct":
        P_pi, r_pi = policy_model(mdp, policy)
        return _direct(mdp, P_pi, r_pi)
    if method == "krylov":
        if mdp.gamma == 1.0:
            raise ValueError("method: 'krylov' certifies its result only for gamma < 1; use method='direct'")
        tol = as_positive(tol, "tol")
        _sweep.resolve(backend, mdp.is_sparse, 0)  # validates the name
        return _krylov(_sweep.chain(*policy_model(mdp, policy), mdp.gamma, krylov_products(backend)), tol=tol)[0]
    if method == "iterative":
        return iterative_policy_evaluation(mdp, policy, tol=tol, backend=backend).values
    raise ValueError(f"method: expected 'auto', 'direct', 'krylov' or 'iterative'; got {method!r}")


# ---------------------------------------------------------------------- registry
def _inputs() -> Any:
    from ._strategies import state_value_examples

    return state_value_examples()


CONCEPTS = (
    Concept(
        name="state-values",
        area="mdp",
        symbolic=lambda ex: list(state_values_symbolic(ex["mdp"], ex["policy"])),
        numeric=lambda ex: state_values(ex["mdp"], ex["policy"]),
        inputs=_inputs,
        tolerance=Tolerance(
            rtol=1e-9,
            atol=1e-9,
            why="direct float64 solve: error about cond(I - γP_π)·eps·|v| with cond <= (1+γ)/(1-γ) <= 39 and |v| <= 100",
        ),
        references=(
            "S. Zhao, Mathematical Foundations of Reinforcement Learning, Springer 2025, ch. 2",
            "R. S. Sutton and A. G. Barto, Reinforcement Learning: An Introduction, 2nd ed., 2018, §3.5",
        ),
        page="mdp/state-values.md",
    ),
)


# ---------------------------------------------------------------------- derivations
def _two_state_symbols() -> tuple[Any, ...]:
    """π(a|s), r(s, a), p(s'|s, a), v(s) as symbols for a 2-state, 2-action model."""
    pi = sp.Matrix(2, 2, lambda s, a: sp.Symbol(f"pi_{a + 1}{s + 1}", nonnegative=True))
    r = sp.Matrix(2, 2, lambda s, a: sp.Symbol(f"r_{s + 1}{a + 1}", real=True))
    p = [[[sp.Symbol(f"p_{s + 1}{a + 1}{t + 1}", nonnegative=True) for t in range(2)] for a in range(2)] for s in range(2)]
    v = sp.Matrix([sp.Symbol(f"v_{s + 1}", real=True) for s in range(2)])
    return pi, r, p, v


def derivations() -> list[Any]:
    r"""The verified derivations shown on the state-values page."""
    from ..assumptions import Assumptions
    from ..derivation import Derivation

    g = sp.Symbol("gamma", positive=True)
    between = Assumptions.of(g < 1)
    Rs = sp.symbols("R_{t+1} R_{t+2} R_{t+3} R_{t+4}", real=True)
    G_t, G_next = sp.Symbol("G_t"), sp.Symbol("G_{t+1}")
    ret = Derivation(
        "The return splits into the first reward and the discounted return from the next step",
        [
            (sp.Eq(G_t, sum((g**k * Rs[k] for k in range(4)), sp.Integer(0)), evaluate=False), "definition, an episode of four rewards"),
            (Rs[0] + g * (Rs[1] + g * Rs[2] + g**2 * Rs[3]), "factor γ out of the later terms"),
            (Rs[0] + g * G_next, "the bracket is the return from t + 1"),
        ],
        assumptions=between,
        where={G_next: Rs[1] + g * Rs[2] + g**2 * Rs[3]},
    )
    pi, r, p, v = _two_state_symbols()
    elementwise = sp.Matrix([
        sum((pi[s, a] * (r[s, a] + g * sum((p[s][a][t] * v[t] for t in range(2)), sp.Integer(0))) for a in range(2)), sp.Integer(0))
        for s in range(2)
    ])
    r_pi_m = sp.Matrix([sum((pi[s, a] * r[s, a] for a in range(2)), sp.Integer(0)) for s in range(2)])
    P_pi_m = sp.Matrix(2, 2, lambda s, t: sum((pi[s, a] * p[s][a][t] for a in range(2)), sp.Integer(0)))
    matrix = Derivation(
        "The elementwise Bellman equation is the matrix equation v = r_π + γP_π v (two states, two actions)",
        [
            (elementwise, "Σ_a π(a|s)[r(s,a) + γ Σ_s' p(s'|s,a) v(s')] for s = 1, 2"),
            (r_pi_m + g * P_pi_m * v, "collect the terms without v and the coefficients of each v(s')"),
        ],
        assumptions=between,
        lhs_latex=r"\begin{bmatrix} v(s_1) \\ v(s_2) \end{bmatrix}",
    )
    example = _closed_form_example(g)
    e_k, v_k, v_pi = sp.Symbol("e_{k+1}"), sp.Matrix(sp.symbols("x_1 x_2", real=True)), sp.Matrix(sp.symbols("u_1 u_2", real=True))
    r_vec = sp.Matrix(sp.symbols("b_1 b_2", real=True))
    M = sp.Matrix(2, 2, sp.symbols("m_11 m_12 m_21 m_22", nonnegative=True))
    error = Derivation(
        "Each sweep multiplies the error by γP_π",
        [
            (sp.Eq(e_k, (r_vec + g * M * v_k) - (r_vec + g * M * v_pi), evaluate=False), "v_{k+1} − v_π, both sides of the Bellman equation"),
            (g * M * (v_k - v_pi), "r_π cancels; factor γP_π"),
        ],
        assumptions=between,
    )
    q_of_v = Derivation(
        "Averaging the action values over the policy gives the state value",
        [
            (sp.Matrix([sum((pi[s, a] * (r[s, a] + g * sum((p[s][a][t] * v[t] for t in range(2)), sp.Integer(0))) for a in range(2)), sp.Integer(0)) for s in range(2)]),
             "Σ_a π(a|s) q(s, a) with q(s, a) = r(s, a) + γ Σ_s' p(s'|s, a) v(s')"),
            (r_pi_m + g * P_pi_m * v, "the right-hand side of the Bellman equation, = v when v = v_π"),
        ],
        assumptions=between,
        lhs_latex=r"\sum_a \pi(a|s)\, q(s, a)",
    )
    return [ret, matrix, example, error, q_of_v]


def _closed_form_example(g: sp.Symbol) -> Any:
    """Zhao's Figure 2.4 policy: the Bellman equation at the target, solved for v(s4)."""
    from ..assumptions import Assumptions
    from ..derivation import Derivation, Step

    v4 = sp.Symbol("v_pi(s_4)", real=True)
    return Derivation(
        "Zhao's 2×2 example (Figure 2.4): staying in the target forever is worth 1/(1 − γ)",
        [
            (sp.Eq(v4, 1 + g * v4, evaluate=False), "Bellman equation at s4: reward 1, back to s4"),
            (sp.Eq((1 - g) * v4, 1, evaluate=False), "collect v(s4)"),
            Step(sp.Eq(v4, 1 / (1 - g), evaluate=False), "divide by 1 − γ > 0", factor=1 / (1 - g)),
        ],
        assumptions=Assumptions.of(g < 1),
    )

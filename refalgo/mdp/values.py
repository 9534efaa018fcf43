r"""State values and the Bellman equation (状态价值, 贝尔曼方程).

Conventions as in :mod:`refalgo.mdp.model`: ``P[s, a, s']`` = :math:`p(s' \mid s, a)`,
``R[s, a]`` = :math:`r(s, a)`, ``policy[s, a]`` = :math:`\pi(a \mid s)`, values are
returns (rewards are gains, not costs), following Zhao (2025), ch. 2, and Sutton & Barto
(2018), §3.5. The equations, numbered as the code lines that compute them:

.. math::
   \begin{aligned}
   G_t &= \textstyle\sum_{k \ge 0} \gamma^k R_{t+k+1}, \qquad v_\pi(s) = \mathbb{E}[G_t \mid S_t = s] \quad (1)\\
   v_\pi(s) &= \textstyle\sum_a \pi(a \mid s)\big[r(s, a) + \gamma \sum_{s'} p(s' \mid s, a)\, v_\pi(s')\big] \quad (2)\\
   v_\pi &= r_\pi + \gamma P_\pi v_\pi \quad (3)\\
   v_\pi &= (I - \gamma P_\pi)^{-1} r_\pi \quad (4)\\
   v_{k+1} &= r_\pi + \gamma P_\pi v_k \quad (5)
   \end{aligned}

with :math:`r_\pi` and :math:`P_\pi` from :func:`~refalgo.mdp.bellman.policy_model`. With
:math:`\gamma = 1` terminal states have value 0 and (4) is solved on the others, which
is possible exactly when the policy reaches a terminal state with probability 1 (a
*proper* policy).

Twins: :func:`state_values_symbolic` solves (4) exactly over the rationals (or rational
functions of a symbolic :math:`\gamma`); :func:`state_values` solves it in float64, by
LU or by a certified Krylov method, or iterates (5) (:func:`iterative_policy_evaluation`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_discount
from .._validate import as_array, as_positive
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..parsing import Notation
from ..registry import Concept, Tolerance
from ._engine import sweep
from ._engine.exact import exact_policy_model, exact_solve
from ._engine.solve import direct, krylov, krylov_products, uses_krylov
from .bellman import policy_model
from .model import MDP, Number, exact_policy, terminal_states

__all__ = [
    "PolicyEvaluation",
    "iterative_policy_evaluation",
    "state_values",
    "state_values_symbolic",
]


# ---------------------------------------------------------------------- exact twin
def state_values_symbolic(
    mdp: MDP, policy: ArrayLike, *, gamma: Number | sp.Symbol | None = None
) -> sp.Matrix:
    r"""Exact state values :math:`v_\pi = (I - \gamma P_\pi)^{-1} r_\pi` as a SymPy column.

    Parameters
    ----------
    mdp
        The model; its exact entries if it was given them (:attr:`~.MDP.P_exact`), else
        its floats at their exact binary value (0.25, 1 and -1 are exact; 0.3 is not 3/10).
    policy
        ``S`` action indices, or ``(S, A)`` probabilities :math:`\pi(a \mid s)`:
        ``Fraction``\ s, SymPy ``Rational``\ s and strings such as ``"1/5"`` (in lists
        or object arrays) stay exact, floats enter at their binary value.
    gamma
        Optional override of ``mdp.gamma_exact``: an exact number, a number string or a
        SymPy symbol (then the values are rational functions of it; small models only).

    Returns
    -------
    sympy.Matrix
        Column of ``S`` exact values.

    Raises
    ------
    ValueError
        An invalid policy (exact rows must sum to exactly 1), or (with :math:`\gamma =
        1`) a policy that does not reach a terminal state with probability 1.

    Examples
    --------
    >>> import sympy as sp
    >>> from refalgo.mdp import zhao_grid_world
    >>> g = sp.Symbol("gamma")
    >>> world = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    >>> state_values_symbolic(world.mdp, [2, 2, 1, 4], gamma=g).T
    Matrix([[-gamma/(gamma - 1), -1/(gamma - 1), -1/(gamma - 1), -1/(gamma - 1)]])

    References
    ----------
    S. Zhao, *Mathematical Foundations of Reinforcement Learning*, Springer 2025, ch. 2.
    """
    g = mdp.gamma_exact if gamma is None else exact_discount(gamma, "gamma", symbolic=True)
    P_pi, r_pi = exact_policy_model(mdp, exact_policy(policy, mdp))  # r_π, P_π of (3), exactly
    term = terminal_states(mdp) if g == 1 else np.zeros(mdp.n_states, dtype=bool)
    sol = exact_solve(P_pi, r_pi, g, [s for s in range(mdp.n_states) if not term[s]])  # (4), by exact LU
    return sp.Matrix([sol.get(s, sp.Integer(0)) for s in range(mdp.n_states)])


# ---------------------------------------------------------------------- numeric twin
def state_values(
    mdp: MDP, policy: ArrayLike, *, method: str = "auto", tol: float = 1e-10, backend: str = "auto"
) -> NDArray[np.float64]:
    r"""State values :math:`v_\pi` of a policy, solving :math:`v = r_\pi + \gamma P_\pi v` in float64.

    Parameters
    ----------
    mdp
        The model (dense or sparse).
    policy
        ``(S, A)`` probabilities :math:`\pi(a \mid s)` or ``S`` action indices.
    method
        ``"direct"``: solve (4) by LU (LAPACK, or SuperLU for a sparse model).
        ``"krylov"``: BiCGSTAB to a certified accuracy ``tol`` (:math:`\gamma < 1`).
        ``"iterative"``: :func:`iterative_policy_evaluation` to ``tol``. ``"auto"``
        (default): ``"krylov"`` for a sparse model of more than 500 states and
        :math:`\gamma < 1`, else ``"direct"``.
    tol
        Guaranteed accuracy :math:`\|v - v_\pi\|_\infty \le` ``tol`` of the Krylov and
        iterative methods.
    backend
        ``"auto"``, ``"numba"`` or ``"numpy"``: the sweeps of the iterative method, the
        products of the Krylov method (SciPy's unless ``"numba"`` is named).

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

    Examples
    --------
    >>> from refalgo.mdp import zhao_grid_world
    >>> world = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    >>> state_values(world.mdp, [2, 2, 1, 4]).round(6).tolist()
    [9.0, 10.0, 10.0, 10.0]

    References
    ----------
    Sutton and Barto (2018), eq. (3.14) and §4.1; H. A. van der Vorst, "Bi-CGSTAB", *SIAM
    J. Sci. Stat. Comput.* 13 (1992) 631–644.
    """
    sweep.check_range(mdp.R, mdp.gamma, "R")
    if method == "auto":
        method = "krylov" if uses_krylov(mdp) else "direct"
    if method == "iterative":
        return iterative_policy_evaluation(mdp, policy, tol=tol, backend=backend).values
    if method not in ("direct", "krylov"):
        raise ValueError(f"method: expected 'auto', 'direct', 'krylov' or 'iterative'; got {method!r}")
    if method == "krylov":
        if mdp.gamma == 1.0:
            raise ValueError("method: 'krylov' certifies its result only for gamma < 1; use method='direct'")
        tol = as_positive(tol, "tol")
        sweep.resolve(backend, mdp.is_sparse, 0)  # validates the name
    P_pi, r_pi = policy_model(mdp, policy)  # r_π, P_π of (3)
    if method == "krylov":
        return krylov(sweep.chain(P_pi, r_pi, mdp.gamma, krylov_products(backend)), tol=tol)[0]  # (4), certified
    if mdp.is_sparse or mdp.gamma == 1.0:  # sparse LU, or (4) on the non-terminal states of a proper policy
        return direct(P_pi, r_pi, mdp.gamma, terminal_states(mdp) if mdp.gamma == 1.0 else None)
    return np.linalg.solve(np.eye(mdp.n_states) - mdp.gamma * P_pi, r_pi)  # (4) v_π = (I − γP_π)⁻¹ r_π


class PolicyEvaluation(NamedTuple):
    """Result of :func:`iterative_policy_evaluation`.

    Attributes
    ----------
    values
        The centre of the bracket that holds :math:`v_\\pi` after the last sweep.
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
    policy: ArrayLike,
    *,
    tol: float = 1e-10,
    v0: ArrayLike | None = None,
    max_sweeps: int = 1_000_000,
    record: bool = False,
    backend: str = "auto",
) -> PolicyEvaluation:
    r"""Iterate (5) :math:`v_{k+1} = r_\pi + \gamma P_\pi v_k` until :math:`v_\pi` is known within ``tol``.

    It stops by the span rule: with :math:`d = v_{k+1} - v_k` and :math:`c =
    \gamma/(1-\gamma)`, :math:`v_\pi` lies in :math:`v_{k+1} + c\,[\min d, \max d]`
    (MacQueen's bounds); once half that box is at most ``tol``, its centre is returned.

    Parameters
    ----------
    mdp
        The model, with :math:`\gamma < 1`.
    policy
        ``(S, A)`` probabilities or ``S`` action indices.
    tol
        Guaranteed accuracy, > 0.
    v0
        Initial values :math:`v_0` (default zeros).
    max_sweeps, record
        Safety limit on the sweeps; keep every iterate in ``history`` (``S`` floats per sweep).
    backend
        ``"auto"``, ``"numba"`` (compiled parallel sweeps of a sparse model; the ``fast``
        extra) or ``"numpy"``.

    Returns
    -------
    PolicyEvaluation
        Values within ``bound`` :math:`\le` ``tol`` of :math:`v_\pi`, sweeps, bound, history.

    Raises
    ------
    ValueError
        :math:`\gamma = 1` (no bound: use :func:`state_values`), ``tol <= 0``, bad ``v0``,
        unknown ``backend``, or no convergence within ``max_sweeps``.
    ImportError
        ``backend="numba"`` without numba installed.

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.ones((1, 1, 1)), [[1.0]], 0.5)
    >>> res = iterative_policy_evaluation(m, [0], tol=1e-6)
    >>> abs(res.values[0] - 2.0) <= res.bound <= 1e-6
    True

    References
    ----------
    M. L. Puterman, *Markov Decision Processes*, Wiley 1994, §6.6 (bounds and the span
    stopping rule).
    """
    if mdp.gamma == 1.0:
        raise ValueError("mdp: iterative evaluation needs gamma < 1 for its error bound; use state_values(method='direct')")
    tol = as_positive(tol, "tol")
    m = sweep.model(mdp, backend)
    chain = sweep.chain(*policy_model(mdp, policy), mdp.gamma, m.backend)  # r_π, P_π of (3)
    v = np.zeros(mdp.n_states) if v0 is None else as_array(v0, "v0", shape=(mdp.n_states,)).copy()
    history = [v] if record else []
    for k in range(1, max_sweeps + 1):
        step = sweep.policy_sweep(chain, v)  # (5) v_{k+1} = r_π + γ P_π v_k
        v = step.values
        if record:
            history.append(v)
        bound = sweep.span_bound(step, mdp.gamma)  # c (max d − min d) / 2
        if bound <= tol:
            return PolicyEvaluation(sweep.midpoint(step, mdp.gamma), k, bound, tuple(history))
    raise ValueError(f"max_sweeps: no convergence to tol = {tol:g} within {max_sweeps} sweeps (bound {bound:.3g})")


# ---------------------------------------------------------------------- derivations
def _two_state_symbols() -> tuple[Any, ...]:
    """π(a|s), r(s, a), p(s'|s, a), v(s) as symbols for a 2-state, 2-action model."""
    pi = sp.Matrix(2, 2, lambda s, a: sp.Symbol(f"pi_{a + 1}{s + 1}", nonnegative=True))
    r = sp.Matrix(2, 2, lambda s, a: sp.Symbol(f"r_{s + 1}{a + 1}", real=True))
    p = [[[sp.Symbol(f"p_{s + 1}{a + 1}{t + 1}", nonnegative=True) for t in range(2)] for a in range(2)] for s in range(2)]
    v = sp.Matrix([sp.Symbol(f"v_{s + 1}", real=True) for s in range(2)])
    return pi, r, p, v


# What the component symbols of the two-state expansions stand for (the "where" line under them).
_TWO_STATE_SYMBOLS = {
    r"\pi_{as}": r"the probability $\pi(a|s)$ of action $a$ in state $s$",
    r"r_{sa}": r"the expected reward $r(s, a)$",
    r"p_{sat}": r"the probability $p(s_t|s, a)$ of moving from $s$ to $s_t$ under $a$",
    r"v_s": r"the value $v(s)$ (states and actions numbered 1, 2)",
}


# The two-state expansions as the page writes them (reward first, then γ times the next values), read back
# and compared with the verified steps.
_ELEMENTWISE = r"\begin{bmatrix} " + r" \\ ".join(
    " + ".join(rf"\pi_{{{a}{s}}} \bigl(r_{{{s}{a}}} + \gamma (p_{{{s}{a}1}} v_1 + p_{{{s}{a}2}} v_2)\bigr)" for a in (1, 2))
    for s in (1, 2)) + r" \end{bmatrix}"
_COLLECTED = r"\begin{bmatrix} " + r" \\ ".join(
    " + ".join(rf"\pi_{{{a}{s}}} r_{{{s}{a}}}" for a in (1, 2)) + r" + \gamma \bigl("
    + " + ".join("(" + " + ".join(rf"\pi_{{{a}{s}}} p_{{{s}{a}{t}}}" for a in (1, 2)) + f") v_{t}" for t in (1, 2)) + r"\bigr)"
    for s in (1, 2)) + r" \end{bmatrix}"
_TWO_STATE_NOTATION = Notation(scalars=("gamma", "pi"))


def derivations() -> list[Derivation]:
    r"""The verified derivations shown on the state-values page."""

    g = sp.Symbol("gamma", positive=True)
    between = Assumptions.of(g < 1)
    Rs = sp.symbols("R_{t+1} R_{t+2} R_{t+3} R_{t+4}", real=True)
    G_t, G_next = sp.Symbol("G_t"), sp.Symbol("G_{t+1}")
    ret = Derivation(
        "The return splits into the first reward and the discounted return from the next step",
        [
            Step(sp.Eq(G_t, sum((g**k * Rs[k] for k in range(4)), sp.Integer(0)), evaluate=False),
                 "definition, an episode of four rewards",
                 display=r"G_t = R_{t+1} + \gamma R_{t+2} + \gamma^2 R_{t+3} + \gamma^3 R_{t+4}"),
            Step(Rs[0] + g * (Rs[1] + g * Rs[2] + g**2 * Rs[3]), r"factor $\gamma$ out of the later terms",
                 display=r"R_{t+1} + \gamma \left(R_{t+2} + \gamma R_{t+3} + \gamma^2 R_{t+4}\right)"),
            Step(Rs[0] + g * G_next, r"the bracket is the return from $t + 1$", display=r"R_{t+1} + \gamma G_{t+1}"),
        ],
        assumptions=between,
        where={G_next: Rs[1] + g * Rs[2] + g**2 * Rs[3]},
        names={**{R: f"R_{{t+{k + 1}}}" for k, R in enumerate(Rs)}, G_next: "G_{t+1}"},
        symbols={"R_{t+k}": r"the reward received at step $t + k$", "G_t": r"the discounted return from step $t$",
                 r"\gamma": "the discount rate"},
    )
    pi, r, p, v = _two_state_symbols()
    elementwise = sp.Matrix([
        sum((pi[s, a] * (r[s, a] + g * sum((p[s][a][t] * v[t] for t in range(2)), sp.Integer(0))) for a in range(2)), sp.Integer(0))
        for s in range(2)
    ])
    r_pi_m = sp.Matrix([sum((pi[s, a] * r[s, a] for a in range(2)), sp.Integer(0)) for s in range(2)])
    P_pi_m = sp.Matrix(2, 2, lambda s, t: sum((pi[s, a] * p[s][a][t] for a in range(2)), sp.Integer(0)))
    matrix = Derivation(
        r"The elementwise Bellman equation is the matrix equation $v = r_\pi + \gamma P_\pi v$ (two states, two actions)",
        [
            Step(elementwise, r"$\sum_a \pi(a|s)\bigl[r(s,a) + \gamma \sum_{s'} p(s'|s,a) v(s')\bigr]$ for $s = s_1, s_2$",
                 display=_ELEMENTWISE),
            Step(r_pi_m + g * P_pi_m * v, r"collect the terms without $v$ and the coefficients of each $v(s')$",
                 display=_COLLECTED),
        ],
        assumptions=between,
        lhs_latex=r"\begin{bmatrix} v(s_1) \\ v(s_2) \end{bmatrix}",
        symbols=_TWO_STATE_SYMBOLS,
        notation=_TWO_STATE_NOTATION,
    )
    example = _closed_form_example(g)
    # The matrix-notation chains hold explicit 2-state matrices; names= reads r_π, P_π, v_π, v_k back as them.
    b = sp.ImmutableMatrix(sp.symbols("b_1 b_2", real=True))
    M = sp.ImmutableMatrix(2, 2, sp.symbols("m_11 m_12 m_21 m_22", nonnegative=True))
    u = sp.ImmutableMatrix(sp.symbols("u_1 u_2", real=True))
    x = sp.ImmutableMatrix(sp.symbols("x_1 x_2", real=True))
    matrix_names = {b: r"r_\pi", M: r"P_\pi", u: r"v_\pi", x: "v_k"}
    matrix_notation = Notation(matrices={"P_pi": (2, 2)}, vectors={"r_pi": 2, "v_pi": 2, "v_k": 2})
    system = Derivation(
        r"The Bellman equation in matrix form is a linear system for $v_\pi$",
        [
            Step(sp.Eq(u, b + g * M * u, evaluate=False), r"(3), one row per state",
                 display=r"v_\pi = r_\pi + \gamma P_\pi v_\pi"),
            Step(sp.Eq((sp.eye(2) - g * M) * u, b, evaluate=False), r"move $\gamma P_\pi v_\pi$ to the left",
                 display=r"(I - \gamma P_\pi) v_\pi = r_\pi"),
        ],
        assumptions=between,
        symbols={r"r_\pi": r"the vector of expected rewards, $r_\pi(s) = \sum_a \pi(a|s) r(s, a)$",
                 r"P_\pi": r"the transition matrix, $P_\pi(s, s') = \sum_a \pi(a|s) p(s'|s, a)$",
                 "I": "the identity matrix"},
        names=matrix_names,
        notation=matrix_notation,
    )
    error = Derivation(
        r"Each sweep multiplies the error by $\gamma P_\pi$",
        [
            Step((b + g * M * x) - (b + g * M * u), r"(5) minus (3)",
                 display=r"(r_\pi + \gamma P_\pi v_k) - (r_\pi + \gamma P_\pi v_\pi)"),
            Step(g * M * (x - u), r"$r_\pi$ cancels; factor $\gamma P_\pi$", display=r"\gamma P_\pi (v_k - v_\pi)"),
        ],
        assumptions=between,
        lhs_latex=r"v_{k+1} - v_\pi",
        symbols={"v_k": r"the value vector after sweep $k$"},
        names=matrix_names,
        notation=matrix_notation,
    )
    q_of_v = Derivation(
        "Averaging the action values over the policy gives the state value",
        [
            Step(sp.Matrix([sum((pi[s, a] * (r[s, a] + g * sum((p[s][a][t] * v[t] for t in range(2)), sp.Integer(0))) for a in range(2)), sp.Integer(0)) for s in range(2)]),
                 r"$\sum_a \pi(a|s) q(s, a)$ with $q(s, a) = r(s, a) + \gamma \sum_{s'} p(s'|s, a) v(s')$", display=_ELEMENTWISE),
            Step(r_pi_m + g * P_pi_m * v, r"the right-hand side of the Bellman equation, $= v$ when $v = v_\pi$",
                 display=_COLLECTED),
        ],
        assumptions=between,
        lhs_latex=r"\sum_a \pi(a|s)\, q(s, a)",
        symbols=_TWO_STATE_SYMBOLS,
        notation=_TWO_STATE_NOTATION,
    )
    # The page shows the first four; the last two, component by component, are folded under them.
    return [ret, system, example, error, matrix, q_of_v]


def _closed_form_example(g: sp.Symbol) -> Derivation:
    """Zhao's Figure 2.4 policy: the Bellman equation at the target, solved for v(s4)."""

    v4 = sp.Symbol("v_pi(s_4)", real=True)
    return Derivation(
        r"Zhao's 2×2 example (Figure 2.4): staying in the target forever is worth $1/(1 - \gamma)$",
        [
            Step(sp.Eq(v4, 1 + g * v4, evaluate=False), r"Bellman equation at $s_4$: reward 1, back to $s_4$",
                 display=r"v_\pi(s_4) = 1 + \gamma v_\pi(s_4)"),
            Step(sp.Eq((1 - g) * v4, 1, evaluate=False), r"collect $v_\pi(s_4)$",
                 display=r"(1 - \gamma) v_\pi(s_4) = 1"),
            Step(sp.Eq(v4, 1 / (1 - g), evaluate=False), r"divide by $1 - \gamma > 0$", factor=1 / (1 - g),
                 display=r"v_\pi(s_4) = \frac{1}{1 - \gamma}"),
        ],
        assumptions=Assumptions.of(g < 1),
        names={v4: r"v_\pi(s_4)"},
    )


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

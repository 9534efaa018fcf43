r"""Optimal policies, the Bellman optimality equation and value iteration (最优策略, 贝尔曼最优方程).

Conventions as in :mod:`refalgo.mdp.model` (``P[s, a, s']``, ``R[s, a]``, rewards are
gains); Zhao (2025), ch. 3–4, and Sutton & Barto (2018), §3.6 and §4.4. The equations:

.. math::
   \begin{aligned}
   q(s, a) &= r(s, a) + \gamma \textstyle\sum_{s'} p(s' \mid s, a)\, v(s') \quad (1)\\
   f(v)(s) &= \max_a q(s, a), \qquad v^* = f(v^*) \ \text{(the BOE)} \quad (2)\\
   v_{k+1} &= f(v_k) \quad (3)
   \end{aligned}

For :math:`\gamma < 1`, :math:`f` is a :math:`\gamma`-contraction in the max norm, so
(2) has one solution :math:`v^*`, (3) converges to it from anywhere, and every policy
greedy for :math:`v^*` is optimal. Value iteration stops by the span of
:math:`v_{k+1} - v_k` (MacQueen's bounds) with a guaranteed accuracy.

Twins: :func:`optimal_values_symbolic` runs policy iteration in exact rational
arithmetic and returns the *set* of optimal actions of every state (ties decided
exactly); :func:`value_iteration` (and :mod:`~refalgo.mdp.policy_iteration`) in float64,
ties toward the lowest action index (``np.argmax``). Its sweeps run through the engine
(NumPy/SciPy, or numba kernels chosen by ``backend``); tests hold them equal to
:func:`bellman_optimality_operator`, the readable :math:`f`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._validate import as_array, as_positive
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..parsing import Notation
from ..registry import Concept, Tolerance
from ._engine import sweep
from ._engine.exact import exact_policy_model, exact_rewards, exact_solve, exact_transitions
from ._engine.solve import stable_policy
from .bellman import action_values
from .model import MDP, as_actions, proper_policy, terminal_states

__all__ = [
    "ExactSolution",
    "Solution",
    "bellman_optimality_operator",
    "greedy_policy",
    "optimal_values_symbolic",
    "value_iteration",
]


class Solution(NamedTuple):
    """Result of the numeric solvers.

    Attributes
    ----------
    values
        The final value estimate.
    policy
        A greedy deterministic policy (``S`` action indices).
    iterations
        Sweeps (value iteration) or improvement steps (policy iterations) made.
    bound
        Guaranteed :math:`\\|` ``values`` :math:`- v^*\\|_\\infty \\le` ``bound`` in exact
        arithmetic (float64 rounding of the last sweep adds a few units in the last place
        of the values). 0 after policy iteration with exact (LU) evaluation, which is
        exact up to rounding.
    residuals
        :math:`\\|v_{k+1} - v_k\\|_\\infty` for each iteration.
    history
        The iterates :math:`v_0, v_1, …` when ``record=True``, else empty.
    """

    values: NDArray[np.float64]
    policy: NDArray[np.intp]
    iterations: int
    bound: float
    residuals: NDArray[np.float64]
    history: tuple[NDArray[np.float64], ...]


class ExactSolution(NamedTuple):
    """Result of :func:`optimal_values_symbolic`.

    Attributes
    ----------
    values
        :math:`v^*` as an exact SymPy column.
    policy
        An optimal deterministic policy: the lowest optimal action in each state.
    optimal_actions
        For each state the set of all optimal actions (exact ties).
    history
        The policies visited by exact policy iteration, first to last.
    """

    values: sp.Matrix
    policy: tuple[int, ...]
    optimal_actions: tuple[frozenset[int], ...]
    history: tuple[tuple[int, ...], ...]


def bellman_optimality_operator(mdp: MDP, values: ArrayLike) -> NDArray[np.float64]:
    r"""The BOE right-hand side :math:`f(v)(s) = \max_a [R(s, a) + \gamma \sum_{s'} P(s, a, s') v(s')]`.

    Parameters
    ----------
    mdp
        The model.
    values
        ``v``, shape ``(S,)``.

    Returns
    -------
    numpy.ndarray
        :math:`f(v)`, shape ``(S,)``.

    References
    ----------
    Zhao (2025), ch. 3 (the BOE and its contraction); Puterman (1994), §6.2.

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]]), [[0.0, 1.0], [2.0, 2.0]], 0.5)
    >>> bellman_optimality_operator(m, [0.0, 4.0]).tolist()
    [3.0, 4.0]
    """
    return sweep.row_max(action_values(mdp, values))  # (2) f(v)(s) = max_a q(s, a), q from (1)


def greedy_policy(mdp: MDP, values: ArrayLike) -> NDArray[np.intp]:
    r"""A deterministic policy greedy with respect to ``values``: :math:`\arg\max_a q(s, a)`.

    Parameters
    ----------
    mdp
        The model.
    values
        ``v``, shape ``(S,)``.

    Returns
    -------
    numpy.ndarray
        ``S`` action indices; ties go to the lowest index (``np.argmax``), decided in
        floating point.

    References
    ----------
    Zhao (2025), ch. 3; Sutton & Barto (2018), §4.2.

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.mdp import MDP
    >>> m = MDP(np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]]), [[0.0, 1.0], [2.0, 2.0]], 0.5)
    >>> greedy_policy(m, [0.0, 4.0]).tolist()
    [1, 0]
    """
    return np.argmax(action_values(mdp, values), axis=1)


def start_values(mdp: MDP, v0: ArrayLike | None) -> NDArray[np.float64]:
    """The first iterate :math:`v_0`: a copy of ``v0`` checked to have shape ``(S,)``, or zeros."""
    return np.zeros(mdp.n_states) if v0 is None else as_array(v0, "v0", ndim=1, shape=(mdp.n_states,)).copy()


def value_iteration(
    mdp: MDP,
    *,
    tol: float = 1e-8,
    v0: ArrayLike | None = None,
    max_sweeps: int = 1_000_000,
    record: bool = False,
    backend: str = "auto",
) -> Solution:
    r"""Value iteration (3) :math:`v_{k+1} = f(v_k)`, stopped by the span of :math:`v_{k+1} - v_k` (MacQueen's bounds).

    Parameters
    ----------
    mdp
        The model (dense or sparse).
    tol
        Guaranteed accuracy: on return :math:`\|v - v^*\|_\infty \le` ``tol``.
    v0
        Initial values :math:`v_0` (default zeros).
    max_sweeps, record
        Safety limit on the sweeps; keep every iterate in ``history``.
    backend
        ``"auto"``, ``"numba"`` (compiled parallel sweeps of a sparse model; the ``fast``
        extra) or ``"numpy"``.

    Returns
    -------
    Solution
        ``values`` within ``bound`` :math:`\le` ``tol`` of :math:`v^*`, a greedy ``policy``
        that is ``2·γ·tol``-optimal, the residuals :math:`\|v_{k+1} - v_k\|_\infty` and the
        iterates. With :math:`\gamma = 1` the sweeps stop at a residual of ``tol`` and the
        greedy policy is improved with exact evaluations until stable (``bound`` 0).

    Raises
    ------
    ValueError
        ``tol <= 0``, bad ``v0``, unknown ``backend``, or no convergence within
        ``max_sweeps``.
    ImportError
        ``backend="numba"`` without numba installed.

    References
    ----------
    Zhao (2025), §4.1; Sutton & Barto (2018), §4.4; Puterman, *Markov Decision Processes*
    (1994), Theorem 6.3.1 and §6.6; MacQueen, *J. Math. Anal. Appl.* 14 (1966) 38–43.

    Examples
    --------
    >>> from refalgo.mdp import zhao_grid_world
    >>> sol = value_iteration(zhao_grid_world().mdp, tol=1e-9)
    >>> sol.values[:5].round(1).tolist()
    [5.8, 5.6, 6.2, 6.5, 5.8]
    """
    tol = as_positive(tol, "tol")
    m = sweep.model(mdp, backend)
    v = start_values(mdp, v0)
    history, residuals = [v] if record else [], []
    for k in range(1, max_sweeps + 1):
        step = sweep.optimality_sweep(m, v)  # (3) v_{k+1} = f(v_k), as bellman_optimality_operator
        residuals.append(step.residual)
        v = step.values
        if record:
            history.append(v)
        bound = sweep.span_bound(step, mdp.gamma) if mdp.gamma < 1.0 else step.residual
        if bound <= tol:
            break
    else:
        raise ValueError(f"max_sweeps: value iteration did not reach tol = {tol:g} in {max_sweeps} sweeps")
    if mdp.gamma < 1.0:
        v = sweep.midpoint(step, mdp.gamma)  # the centre of MacQueen's box
        return Solution(v, sweep.greedy_sweep(m, v)[1], k, bound, np.array(residuals), tuple(history))
    v, policy, steps = stable_policy(m, sweep.greedy_sweep(m, v)[1], terminal_states(mdp))  # exact evaluations
    return Solution(v, policy, k + steps, 0.0, np.array(residuals), tuple(history))


def optimal_values_symbolic(mdp: MDP, *, policy0: ArrayLike | None = None) -> ExactSolution:
    r"""Exact optimal values, an optimal policy and every optimal action, by exact policy iteration.

    Parameters
    ----------
    mdp
        A small model (every entry is taken at its exact binary value; :math:`\gamma`
        as ``mdp.gamma_exact``).
    policy0
        Initial deterministic policy (default as :func:`policy_iteration`).

    Returns
    -------
    ExactSolution
        :math:`v^*` exactly, the lowest optimal action per state, the set of all optimal
        actions per state, and the policies visited.

    Notes
    -----
    Each evaluation solves :math:`(I - \gamma P_\pi) v = r_\pi` over the rationals
    (``DomainMatrix``); improvement switches an action only when another is strictly
    better in exact arithmetic, so the loop ends at a policy greedy for its own values —
    the BOE holds exactly, and :math:`\{a : q^*(s, a) = v^*(s)\}` is the exact set of
    optimal actions.

    References
    ----------
    Zhao (2025), §4.2; Puterman (1994), §6.4 (policy iteration).

    Examples
    --------
    >>> from refalgo.mdp import zhao_grid_world
    >>> world = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    >>> sol = optimal_values_symbolic(world.mdp)
    >>> list(sol.values), sol.optimal_actions[0]
    ([9, 10, 10, 10], frozenset({2}))
    """
    S, A = mdp.n_states, mdp.n_actions
    g = mdp.gamma_exact
    if policy0 is None:
        policy = [int(a) for a in (proper_policy(mdp) if g == 1 else np.zeros(S, dtype=np.intp))]
    else:
        policy = as_actions(as_array(policy0, "policy0", ndim=1, shape=(S,), dtype=np.intp), mdp, name="policy0").tolist()
    rows = exact_transitions(mdp)
    R = exact_rewards(mdp)
    keep = [s for s in range(S) if not terminal_states(mdp)[s]] if g == 1 else list(range(S))
    visited = [tuple(policy)]
    while True:
        pi = [{policy[s]: sp.Integer(1)} for s in range(S)]
        sol = exact_solve(*exact_policy_model(mdp, pi, rows, R), g, keep)
        v = [sol.get(s, sp.Integer(0)) for s in range(S)]
        q = [[R[s][a] + g * sp.Add(*(p * v[t] for t, p in rows[s * A + a].items())) for a in range(A)] for s in range(S)]
        best = [max(qs) for qs in q]
        new = [policy[s] if q[s][policy[s]] == best[s] else q[s].index(best[s]) for s in range(S)]
        if new == policy:
            sets = tuple(frozenset(a for a in range(A) if q[s][a] == best[s]) for s in range(S))
            lowest = tuple(min(x) for x in sets)
            return ExactSolution(sp.Matrix(v), lowest, sets, tuple(visited))
        policy = new
        visited.append(tuple(policy))


# ---------------------------------------------------------------------- derivations
def derivations() -> list[Derivation]:
    r"""The verified derivations shown on the optimal-policies page."""

    g = sp.Symbol("gamma", positive=True)
    f, h = sp.symbols("f_1:3", real=True), sp.symbols("g_1:3", real=True)
    gap = sp.Max(*(sp.Abs(a - b) for a, b in zip(f, h)))
    key = Derivation(
        r"Key inequality $|\max_a f(a) - \max_a g(a)| \le \max_a |f(a) - g(a)|$, written as "
        r"$\max(\text{left}, \text{right}) = \text{right}$ (two actions)",
        [Step(sp.Max(sp.Abs(sp.Max(*f) - sp.Max(*h)), gap), "the larger of the two sides",
              display=r"\max\bigl(|\max(f_1, f_2) - \max(g_1, g_2)|, \max(|f_1 - g_1|, |f_2 - g_2|)\bigr)"),
         Step(gap, "is always the right side", display=r"\max(|f_1 - g_1|, |f_2 - g_2|)")],
        symbols={r"f_k, g_k": r"$f(a_k)$ and $g(a_k)$ for the two actions $a_1, a_2$"},
        notation=Notation(scalars=("f", "g")),
        argument=(
            r"Swap the names $f$ and $g$ if needed so that $\max_a f(a) \ge \max_a g(a)$; the left side is then "
            r"$\max_a f(a) - \max_a g(a)$. Let $a^*$ maximize $f$. Since $\max_a g(a) \ge g(a^*)$, "
            r"$\max_a f(a) - \max_a g(a) \le f(a^*) - g(a^*) \le |f(a^*) - g(a^*)| \le \max_a |f(a) - g(a)|$. "
            r"The next chain writes the gap between the two sides as a sum of exactly these three nonnegative "
            r"slacks, and is proven."
        ),
    )
    slack = Derivation(
        r"The slack of the key inequality is a sum of three nonnegative terms ($a^* = 1$ maximizes $f$, "
        r"$\max_a f(a) \ge \max_a g(a)$)",
        [
            Step(gap - (f[0] - sp.Max(*h)), r"right side minus left side, with $\max_a f(a) = f(a^*)$",
                 display=r"\max(|f_1 - g_1|, |f_2 - g_2|) - \bigl(f_1 - \max(g_1, g_2)\bigr)"),
            Step(sp.Add(gap - sp.Abs(f[0] - h[0]), sp.Abs(f[0] - h[0]) - (f[0] - h[0]), sp.Max(*h) - h[0],
                        evaluate=False),
                 r"add and subtract $|f(a^*) - g(a^*)|$ and $g(a^*)$",
                 display=r"\bigl(\max(|f_1 - g_1|, |f_2 - g_2|) - |f_1 - g_1|\bigr) + \bigl(|f_1 - g_1| - (f_1 - g_1)\bigr)"
                         r" + \bigl(\max(g_1, g_2) - g_1\bigr)"),
        ],
        symbols={r"f_k, g_k": r"$f(a_k)$ and $g(a_k)$ for the two actions, $a_1 = a^*$"},
        argument=(
            r"Each term is at least 0: a maximum is at least each of its entries (the first and the third term), "
            r"and $|x| \ge x$ (the second). So the right side is at least the left side."
        ),
    )
    v1, v2 = sp.symbols("v_1:4", real=True), sp.symbols("w_1:4", real=True)
    p = sp.symbols("p_1:3", nonnegative=True)
    probs = (p[0], p[1], 1 - p[0] - p[1])
    r = sp.Symbol("r", real=True)
    diff = Derivation(
        r"For one action the two action values differ by $\gamma$ times an average of $v_1 - v_2$",
        [
            Step((r + g * sum((q * a for q, a in zip(probs, v1)), sp.Integer(0))) - (r + g * sum((q * b for q, b in zip(probs, v2)), sp.Integer(0))),
                 r"$q_1(s, a) - q_2(s, a)$, three next states",
                 display=r"\bigl(r + \gamma (p_1 v_1 + p_2 v_2 + (1 - p_1 - p_2) v_3)\bigr)"
                         r" - \bigl(r + \gamma (p_1 w_1 + p_2 w_2 + (1 - p_1 - p_2) w_3)\bigr)"),
            Step(g * sum((q * (a - b) for q, a, b in zip(probs, v1, v2)), sp.Integer(0)), "the reward cancels",
                 display=r"\gamma \bigl(p_1 (v_1 - w_1) + p_2 (v_2 - w_2) + (1 - p_1 - p_2)(v_3 - w_3)\bigr)"),
        ],
        notation=Notation(scalars=("gamma", "p", "r", "v", "w")),
        assumptions=Assumptions.of(g < 1, p[0] + p[1] <= 1),
        symbols={r"v_k, w_k": r"the values $v_1(s'_k)$ and $v_2(s'_k)$ of the two value functions at the next state $s'_k$",
                 r"p_1, p_2": r"the probabilities of the first two next states (the third has $1 - p_1 - p_2$)"},
    )
    d = sp.symbols("d_1:3", real=True)
    biggest = sp.Max(*(sp.Abs(x) for x in d))
    average = Derivation(
        r"An average is at most the largest magnitude: $|p d_1 + (1 - p) d_2| \le \max_i |d_i|$, written as "
        r"$\max(\text{left}, \text{right}) = \text{right}$",
        [Step(sp.Max(sp.Abs(p[0] * d[0] + (1 - p[0]) * d[1]), biggest), r"$0 \le p \le 1$",
              display=r"\max\bigl(|p d_1 + (1 - p) d_2|, \max(|d_1|, |d_2|)\bigr)"),
         Step(biggest, "", display=r"\max(|d_1|, |d_2|)")],
        names={p[0]: "p"},
        notation=Notation(scalars=("p", "d")),
        assumptions=Assumptions.of(p[0] <= 1),
        argument=(
            r"By the triangle inequality and $p, 1 - p \ge 0$: $|p d_1 + (1 - p) d_2| \le p |d_1| + (1 - p) |d_2| "
            r"\le (p + 1 - p) \max_i |d_i| = \max_i |d_i|$."
        ),
    )
    series = Derivation(
        "The tail of the geometric series bounds value iteration's remaining error",
        [(sp.Sum(g ** sp.Symbol("j", integer=True, positive=True), (sp.Symbol("j", integer=True, positive=True), 1, sp.oo)), r"$\sum_{j \ge 1} \gamma^j$, the tail after one step"),
         (g / (1 - g), r"geometric series, $0 < \gamma < 1$")],
        assumptions=Assumptions.of(g < 1),
    )
    return [key, slack, diff, average, series, *_affine()]


def _affine() -> list[Derivation]:
    """Rewards αr + β: α v* + β/(1−γ) solves the new BOE with the same maximizing actions."""

    g = sp.Symbol("gamma", positive=True)
    alpha, beta = sp.Symbol("alpha", positive=True), sp.Symbol("beta", real=True)
    shift = beta / (1 - g)
    q1, q2 = sp.symbols("q_1 q_2", real=True)
    through_max = Derivation(
        r"A positive scale and a shift pass through the max and keep its maximizer ($\alpha > 0$)",
        [(alpha * sp.Max(q1, q2) + shift, r"$\alpha \max_a q(s, a) + \beta/(1 - \gamma)$"),
         (sp.Max(alpha * q1 + shift, alpha * q2 + shift), "")],
        assumptions=Assumptions.of(g < 1),
        argument=(
            r"For $\alpha > 0$ the map $x \mapsto \alpha x + c$ is increasing, so it keeps the order of the "
            r"action values: the action with the largest $q$ has the largest $\alpha q + c$, and "
            r"$\max_a (\alpha q(s, a) + c) = \alpha \max_a q(s, a) + c$, with $c = \beta/(1 - \gamma)$."
        ),
    )
    r, p = sp.Symbol("r", real=True), sp.Symbol("p", nonnegative=True)
    x, y = sp.Symbol("v^*(s_1)", real=True), sp.Symbol("v^*(s_2)", real=True)
    wx, wy = sp.Symbol("w(s_1)", real=True), sp.Symbol("w(s_2)", real=True)
    per_action = Derivation(
        r"Each scaled action value is the new reward plus $\gamma$ times the new values "
        r"$w = \alpha v^* + \beta/(1 - \gamma)$",
        [
            Step(alpha * (r + g * (p * x + (1 - p) * y)) + shift, r"$\alpha q^*(s, a) + \beta/(1 - \gamma)$, two next states",
                 display=r"\alpha \bigl(r + \gamma (p\, v^*(s_1) + (1 - p)\, v^*(s_2))\bigr) + \frac{\beta}{1 - \gamma}"),
            Step(alpha * r + beta + g * (p * wx + (1 - p) * wy),
                 r"$\frac{\beta}{1 - \gamma} = \beta + \gamma \frac{\beta}{1 - \gamma}$; the $p$'s sum to 1",
                 display=r"\alpha r + \beta + \gamma \bigl(p\, w(s_1) + (1 - p)\, w(s_2)\bigr)"),
        ],
        assumptions=Assumptions.of(g < 1, p <= 1),
        where={wx: alpha * x + shift, wy: alpha * y + shift},
        names={x: r"v^*(s_1)", y: r"v^*(s_2)", wx: r"w(s_1)", wy: r"w(s_2)"},
        notation=Notation(functions=("w",), scalars=("alpha", "beta", "gamma", "p", "r")),
        symbols={"p": r"the probability of moving to $s_1$ (and $1 - p$ of moving to $s_2$)"},
    )
    return [through_max, per_action]


# ---------------------------------------------------------------------- registry
def _inputs() -> Any:
    from ._strategies import optimal_value_examples

    return optimal_value_examples()


CONCEPTS = (
    Concept(
        name="optimal-values",
        area="mdp",
        symbolic=lambda ex: list(optimal_values_symbolic(ex["mdp"]).values),
        numeric=lambda ex: value_iteration(ex["mdp"], tol=1e-10).values,
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=2e-10, why="value iteration stops with the guarantee |v - v*| <= tol = 1e-10"),
        references=(
            "S. Zhao, Mathematical Foundations of Reinforcement Learning, Springer 2025, ch. 3-4",
            "R. S. Sutton and A. G. Barto, Reinforcement Learning: An Introduction, 2nd ed., 2018, §3.6, §4.4",
        ),
        page="mdp/optimal-policies.md",
    ),
)

r"""Batch updating: what tabular TD(0) and constant-α MC converge to on a fixed batch of episodes (批量更新).

Sutton & Barto's §6.3: a finite batch of episodes is presented again and again; every step
:math:`t` of the batch proposes an increment, and the table of values :math:`V` changes
only once per sweep, by the sum of the increments:

.. math::

    V(s) \leftarrow V(s) + \alpha \sum_{t:\, S_t = s} \bigl(U_t - V(S_t)\bigr), \qquad
    U_t = R_{t+1} + \gamma V(S_{t+1}) \ \text{(TD)}, \quad U_t = G_t \ \text{(MC)} \qquad (1)

For a small enough :math:`\alpha` the sweeps converge, and the limits are known in closed form:

* **batch MC** stops where every sum in (1) vanishes, :math:`V(s) = \frac{1}{N(s)}\sum_{t:
  S_t = s} G_t` — the **sample mean** of the returns that followed the :math:`N(s)` visits of
  :math:`s` (every visit counted), which minimises the squared error on the batch. (2)
* **batch TD(0)** stops where :math:`N(s) V(s) = \sum_{t: S_t = s} R_{t+1} + \gamma
  \sum_{t: S_t = s} V(S_{t+1})`, i.e. :math:`V = \hat r + \gamma \hat P V`: the values of the
  maximum-likelihood model of the batch (:math:`\hat P(s, s')` the fraction of the visits to
  :math:`s` that went to :math:`s'`, :math:`\hat r(s)` the mean reward), the
  **certainty-equivalence estimate**. (3)

**Conventions** — ``transitions`` is a trajectory from
:func:`~refalgo.rl.sampling.sample_trajectory` (or built by hand) made of finished episodes:
the last step is ``terminated``, and a terminal :math:`S_{t+1}` has value 0. A state never
visited as some :math:`S_t` keeps the value 0. Every-visit counting, as in the book's batch
experiments (Example 6.3, Figure 6.2 right) and Example 6.4.

Twins: :func:`batch_td_values_symbolic` solves (3) and :func:`batch_mc_values_symbolic`
averages (2), both over the rationals from the exact rewards; :func:`batch_td_values` and
:func:`batch_mc_values` run the sweeps (1) in float64 until an increment is below ``tol``.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._exact import exact_discount, exact_vector
from .._validate import as_array, as_count
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ._engine.linalg import exact_solve
from .sampling import Transitions
from .td import DivergenceWarning

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["BatchRun", "batch_mc_values", "batch_mc_values_symbolic", "batch_td_values", "batch_td_values_symbolic", "derivations"]

REFERENCES = (
    ("R. S. Sutton and A. G. Barto, Reinforcement Learning: An Introduction, 2nd ed., 2018, §6.3 (Example 6.3, Figure 6.2) "
     "and Example 6.4"),
)


class BatchRun(NamedTuple):
    """The result of the batch sweeps (1).

    Attributes
    ----------
    values
        :math:`V` after the last sweep, shape ``(n_states,)``.
    sweeps
        How many sweeps were made.
    converged
        Whether the last sweep's largest change was below ``tol``.
    """

    values: NDArray[np.float64]
    sweeps: int
    converged: bool


def _episodes(transitions: Any, n_states: int) -> Transitions:
    if not isinstance(transitions, Transitions):
        raise TypeError(f"transitions: expected a Transitions batch from refalgo.rl.sampling; got {type(transitions).__name__}")
    n = as_count(n_states, "n_states")
    for name in ("states", "next_states"):
        idx = getattr(transitions, name)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise ValueError(f"transitions.{name}: expected states 0 … {n - 1}; got {idx.min()} … {idx.max()}")
    if transitions.states.size == 0 or not transitions.terminated[-1]:
        raise ValueError("transitions: expected finished episodes (the last step terminated); the batch ends mid-episode")
    as_array(transitions.rewards, "transitions.rewards", ndim=1)
    return transitions


def batch_td_values_symbolic(transitions: Transitions, n_states: int, *, gamma: Any = 1) -> sp.Matrix:
    r"""The exact limit of batch TD(0): the certainty-equivalence values (3), over the rationals.

    Parameters
    ----------
    transitions
        Finished episodes (the rewards at their exact binary values, or exact already).
    n_states
        The number of states (rows of :math:`V`).
    gamma
        :math:`\gamma \in [0, 1]`, exact.

    Returns
    -------
    sympy.Matrix
        Column of ``n_states`` exact values; 0 for states never visited.

    Raises
    ------
    ValueError
        States outside ``0 … n_states − 1``, an unfinished last episode, NaN rewards, or a
        batch whose model never terminates from some state (singular (3), possible with γ = 1).

    Examples
    --------
    Sutton & Barto's Example 6.4 (states A = 0, B = 1, terminal 2): A, 0, B, 0; then six
    episodes B, 1 and one B, 0.

    >>> t = Transitions(np.array([0, 1] + [1] * 7), np.zeros(9, int), np.array([0.0, 0] + [1] * 6 + [0]),
    ...                 np.array([1] + [2] * 8), np.array([False] + [True] * 8))
    >>> batch_td_values_symbolic(t, 3).T
    Matrix([[3/4, 3/4, 0]])
    """
    t = _episodes(transitions, n_states)
    g = exact_discount(gamma, "gamma")
    r = exact_vector(t.rewards, "transitions.rewards")
    N = sp.zeros(n_states, n_states)
    total = sp.zeros(n_states, 1)
    for s, reward, s2, done in zip(t.states.tolist(), r, t.next_states.tolist(), t.terminated.tolist()):
        N[s, s] += 1  # N(s) visits
        total[s] += reward  # Σ R_{t+1}
        if not done:
            N[s, s2] -= g  # − γ Σ V(S_{t+1})
    seen = sorted(set(t.states.tolist()))
    V = exact_solve(N.extract(seen, seen), total.extract(seen, [0]), "transitions")  # (3) N V − γ C V = Σ R
    out = sp.zeros(n_states, 1)
    for i, s in enumerate(seen):
        out[s] = V[i]
    return out


def batch_mc_values_symbolic(transitions: Transitions, n_states: int, *, gamma: Any = 1) -> sp.Matrix:
    r"""The exact limit of batch constant-α MC: each state's sample mean of returns (2), every visit counted.

    Parameters
    ----------
    transitions, n_states, gamma
        As :func:`batch_td_values_symbolic`.

    Returns
    -------
    sympy.Matrix
        Column of ``n_states`` exact values; 0 for states never visited.

    Raises
    ------
    ValueError
        As :func:`batch_td_values_symbolic` (never singular).

    Examples
    --------
    Example 6.4 again: the only return that followed A is 0.

    >>> t = Transitions(np.array([0, 1] + [1] * 7), np.zeros(9, int), np.array([0.0, 0] + [1] * 6 + [0]),
    ...                 np.array([1] + [2] * 8), np.array([False] + [True] * 8))
    >>> batch_mc_values_symbolic(t, 3).T
    Matrix([[0, 3/4, 0]])
    """
    t = _episodes(transitions, n_states)
    g = exact_discount(gamma, "gamma")
    r = exact_vector(t.rewards, "transitions.rewards")
    sums, counts = [sp.Integer(0)] * n_states, [0] * n_states
    following = sp.Integer(0)
    for i in range(t.states.size - 1, -1, -1):
        following = r[i] + (0 if t.terminated[i] else g * following)  # G_t = R_{t+1} + γ G_{t+1}
        sums[t.states[i]] += following
        counts[t.states[i]] += 1
    return sp.Matrix([s / c if c else 0 for s, c in zip(sums, counts)])  # (2) mean of the returns


def _sweeps(t: Transitions, n_states: int, gamma: float, alpha: float, tol: float, max_sweeps: int,
            increments: Any) -> BatchRun:
    if not alpha > 0:
        raise ValueError(f"alpha: expected a step size > 0; got {alpha}")
    if not tol > 0:
        raise ValueError(f"tol: expected a tolerance > 0; got {tol}")
    V = np.zeros(n_states)
    for sweep in range(1, as_count(max_sweeps, "max_sweeps") + 1):
        step = alpha * np.bincount(t.states, weights=increments(V), minlength=n_states)  # (1) α Σ_{t: S_t = s} (U_t − V(S_t))
        V += step
        change = float(np.max(np.abs(step)))
        if not change < 1e150:
            warnings.warn(f"the batch sweeps diverged at sweep {sweep}: lower alpha (at most 1/max N(s))",
                          DivergenceWarning, stacklevel=3)
            return BatchRun(V - step, sweep - 1, False)
        if change < tol:
            return BatchRun(V, sweep, True)
    warnings.warn(f"the batch sweeps did not settle in {max_sweeps} sweeps (last change {change:.2e})", RuntimeWarning, stacklevel=3)
    return BatchRun(V, max_sweeps, False)


def batch_td_values(transitions: Transitions, n_states: int, *, gamma: float = 1.0, alpha: float, tol: float = 1e-12,
                    max_sweeps: int = 1_000_000) -> BatchRun:
    r"""Batch TD(0): the sweeps (1) with :math:`U_t = R_{t+1} + \gamma V(S_{t+1})` until no value moves by ``tol``.

    Parameters
    ----------
    transitions, n_states, gamma
        As :func:`batch_td_values_symbolic`.
    alpha
        :math:`\alpha > 0`; the sweeps converge for :math:`\alpha \max_s N(s) \le 1`.
    tol
        Stop when the largest change of a sweep is below this.
    max_sweeps
        Give up (with a warning) after this many sweeps.

    Returns
    -------
    BatchRun

    Raises
    ------
    ValueError
        As :func:`batch_td_values_symbolic`, or ``alpha``, ``tol`` not positive.

    Warns
    -----
    DivergenceWarning
        When the sweeps blow up (``alpha`` too large); the last finite values are returned.

    Examples
    --------
    >>> t = Transitions(np.array([0, 1] + [1] * 7), np.zeros(9, int), np.array([0.0, 0] + [1] * 6 + [0]),
    ...                 np.array([1] + [2] * 8), np.array([False] + [True] * 8))
    >>> batch_td_values(t, 3, alpha=0.1).values.round(9).tolist()
    [0.75, 0.75, 0.0]
    """
    t = _episodes(transitions, n_states)
    g = float(exact_discount(gamma, "gamma"))
    bootstrap = np.where(t.terminated, 0.0, g)  # a terminal S_{t+1} has value 0
    return _sweeps(t, n_states, g, alpha, tol, max_sweeps,
                   lambda V: t.rewards + bootstrap * V[t.next_states] - V[t.states])  # (1) U_t − V(S_t), TD target


def batch_mc_values(transitions: Transitions, n_states: int, *, gamma: float = 1.0, alpha: float, tol: float = 1e-12,
                    max_sweeps: int = 1_000_000) -> BatchRun:
    r"""Batch constant-α MC: the sweeps (1) with :math:`U_t = G_t` until no value moves by ``tol``.

    Parameters
    ----------
    transitions, n_states, gamma, alpha, tol, max_sweeps
        As :func:`batch_td_values`.

    Returns
    -------
    BatchRun

    Raises
    ------
    ValueError
        As :func:`batch_td_values`.

    Examples
    --------
    >>> t = Transitions(np.array([0, 1] + [1] * 7), np.zeros(9, int), np.array([0.0, 0] + [1] * 6 + [0]),
    ...                 np.array([1] + [2] * 8), np.array([False] + [True] * 8))
    >>> batch_mc_values(t, 3, alpha=0.1).values.round(9).tolist()
    [0.0, 0.75, 0.0]
    """
    t = _episodes(transitions, n_states)
    g = float(exact_discount(gamma, "gamma"))
    G = np.zeros(t.states.size)
    following = 0.0
    for i in range(t.states.size - 1, -1, -1):  # returns, backwards within each episode
        following = t.rewards[i] + (0.0 if t.terminated[i] else g * following)
        G[i] = following
    return _sweeps(t, n_states, g, alpha, tol, max_sweeps, lambda V: G - V[t.states])  # (1) U_t − V(S_t), MC target


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivation the page renders: Example 6.4's batch-TD value of A.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven']
    """
    b = sp.Symbol("V_B", real=True)
    return (
        Derivation(
            r"Example 6.4: where batch TD(0) stops, $V_A = V_B = \frac34$",
            [
                Step(sp.Eq(8 * b, 6, evaluate=False), r"(3) at $B$: 8 visits, rewards summing to 6, all into the terminal state",
                     display=r"8\, V_B = 6"),
                Step(sp.Eq(b, sp.Rational(3, 4), evaluate=False), "divide by 8", factor=sp.Rational(1, 8),
                     display=r"V_B = \tfrac34"),
            ],
            names={b: "V_B"},
            symbols={"V_B": "the value of state B"},
            argument=(r"A was visited once, with reward 0 and next state B, so (3) at A is $V_A = 0 + \gamma V_B$ "
                      r"with $\gamma = 1$: $V_A = \frac34$. Batch MC instead averages the one return that followed A, 0."),
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    step = st.tuples(st.integers(0, 2), st.integers(-2, 2))

    def build(episodes: list[list[tuple[int, int]]]) -> dict[str, Any]:
        s, r, s2, done = [], [], [], []
        for ep in episodes:
            for i, (state, reward) in enumerate(ep):
                last = i == len(ep) - 1
                s.append(state)
                r.append(float(reward))
                s2.append(3 if last else ep[i + 1][0])
                done.append(last)
        t = Transitions(np.array(s), np.zeros(len(s), int), np.array(r), np.array(s2), np.array(done))
        return {"transitions": t, "n_states": 4, "gamma": "1/2"}

    return st.lists(st.lists(step, min_size=1, max_size=4), min_size=1, max_size=4).map(build)


def _symbolic(example: dict[str, Any]) -> list[float]:
    return [float(x) for x in batch_td_values_symbolic(example["transitions"], example["n_states"], gamma=example["gamma"])]


def _numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    t = example["transitions"]
    alpha = 0.5 / np.bincount(t.states).max()
    return batch_td_values(t, example["n_states"], gamma=0.5, alpha=alpha, tol=1e-14).values


CONCEPTS = (
    Concept(
        name="batch-td-certainty-equivalence",
        area="rl",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-9, atol=1e-9, why="sweeps contracting at least by 1 − α N(s)(1 − γ) = 3/4 per sweep, "
                            "stopped at a change below 1e-14: the error to the limit is below 4e-14, plus rounding"),
        references=REFERENCES,
        page="rl/td-linear.md",
    ),
)

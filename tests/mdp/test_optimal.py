"""Optimal values: the BOE's contraction, agreement of the solvers, invariances, exact ties."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.mdp import (
    MDP,
    action_values,
    bellman_optimality_operator,
    greedy_policy,
    optimal_values_symbolic,
    policy_iteration,
    state_values,
    sutton_barto_small_gridworld,
    truncated_policy_iteration,
    value_iteration,
    zhao_grid_world,
)
from refalgo.mdp._strategies import mdps

vectors = st.lists(st.floats(-50, 50), min_size=5, max_size=5)


def exact_v(m: MDP) -> np.ndarray:
    return np.array([float(x) for x in optimal_values_symbolic(m).values])


@given(mdps(), vectors, vectors)
def test_boe_operator_is_a_gamma_contraction(m: MDP, a: list[float], b: list[float]) -> None:
    """The Bellman optimality operator is a γ-contraction: ‖f(v₁) − f(v₂)‖∞ ≤ γ ‖v₁ − v₂‖∞ on random MDPs and
    vectors.
    """
    v1, v2 = np.array(a[: m.n_states]), np.array(b[: m.n_states])
    lhs = np.max(np.abs(bellman_optimality_operator(m, v1) - bellman_optimality_operator(m, v2)))
    assert lhs <= m.gamma * np.max(np.abs(v1 - v2)) + 1e-9


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=6), st.data())
def test_key_inequality_of_the_contraction(f: list[float], data: st.DataObject) -> None:
    """|max_a f(a) - max_a g(a)| <= max_a |f(a) - g(a)|."""
    g = data.draw(st.lists(st.floats(-1e3, 1e3), min_size=len(f), max_size=len(f)))
    x, y = np.array(f), np.array(g)
    assert abs(x.max() - y.max()) <= np.max(np.abs(x - y))


@given(mdps())
def test_all_solvers_agree_with_the_exact_solution(m: MDP) -> None:
    """Value iteration, policy iteration, truncated policy iteration and the exact solver agree on random MDPs, and
    value iteration's greedy policy is 2·tol-optimal.
    """
    exact = exact_v(m)
    vi = value_iteration(m, tol=1e-8)
    assert np.max(np.abs(vi.values - exact)) <= 1e-8
    assert np.max(np.abs(policy_iteration(m).values - exact)) <= 1e-9
    assert np.max(np.abs(truncated_policy_iteration(m, sweeps=3, tol=1e-8).values - exact)) <= 1e-8
    # the greedy policy of value iteration is 2·tol-optimal
    assert np.max(np.abs(state_values(m, vi.policy) - exact)) <= 2e-8 + 1e-9


@given(mdps())
def test_exact_solution_satisfies_the_boe_and_the_optimal_sets(m: MDP) -> None:
    """The exact solution satisfies the Bellman optimality equation exactly, and the reported sets are exactly the
    maximising actions.
    """
    sol = optimal_values_symbolic(m)
    g = m.gamma_exact
    for s in range(m.n_states):
        q = [sp.Rational(m.R[s, a]) + g * sum((sp.Rational(m.P[s, a, t]) * sol.values[t] for t in range(m.n_states)), sp.Integer(0)) for a in range(m.n_actions)]
        assert max(q) == sol.values[s]
        assert sol.optimal_actions[s] == frozenset(a for a in range(m.n_actions) if q[a] == sol.values[s])
        assert sol.policy[s] == min(sol.optimal_actions[s])


@given(mdps(), st.data())
def test_policy_improvement_never_lowers_a_value(m: MDP, data: st.DataObject) -> None:
    """Policy improvement never lowers any state's value."""
    policy = np.array(data.draw(st.lists(st.integers(0, m.n_actions - 1), min_size=m.n_states, max_size=m.n_states)))
    v = state_values(m, policy)
    improved = greedy_policy(m, v)
    assert np.all(state_values(m, improved) >= v - 1e-9)


@given(mdps(), st.sampled_from([Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1), Fraction(2), Fraction(3)]), st.integers(-3, 3))
def test_affine_rewards_keep_the_optimal_policy(m: MDP, alpha: Fraction, beta: int) -> None:
    """r -> αr + β (α > 0): the optimal actions are unchanged and v* -> αv* + β/(1-γ).

    α is dyadic so that αR is exact in float64 and the comparison can be exact."""
    assume(m.gamma_exact < 1)
    base = optimal_values_symbolic(m)
    shifted = optimal_values_symbolic(MDP(m.P, float(alpha) * m.R + beta, m.gamma_exact))
    a, b, g = sp.Rational(alpha), sp.Integer(beta), m.gamma_exact
    assert list(shifted.values) == [a * v + b / (1 - g) for v in base.values]
    assert shifted.optimal_actions == base.optimal_actions


def test_value_iteration_history_follows_the_gamma_k_bound() -> None:
    """On Zhao's grid world, value iteration's errors stay under γᵏ ‖v₀ − v*‖∞, and its result lies within its
    certified bound of v*.
    """
    m = zhao_grid_world().mdp
    exact = exact_v(m)
    res = value_iteration(m, tol=1e-6, record=True)
    errs = np.array([np.max(np.abs(v - exact)) for v in res.history])
    assert np.all(errs <= 0.9 ** np.arange(len(errs)) * errs[0] + 1e-12)
    # the returned values are the centre of MacQueen's box around the last iterate
    assert np.max(np.abs(res.values - exact)) <= res.bound + 1e-12 and res.bound <= 1e-6


def test_exact_ties_are_reported_as_sets() -> None:
    """Zhao's γ = 0.9 grid: from the top-right corner both 'down' and 'left' are optimal."""
    sol = optimal_values_symbolic(zhao_grid_world().mdp)
    assert sol.optimal_actions[4] == frozenset({2, 3})
    assert sol.optimal_actions[17] == frozenset({4})  # stay in the target


def test_gamma_changes_the_optimal_policy() -> None:
    """Zhao (2025), §3.5: a far-sighted agent (γ = 0.9) crosses a forbidden cell to reach the
    target sooner; a short-sighted one (γ = 0.5) avoids the immediate penalty."""
    far = optimal_values_symbolic(zhao_grid_world(gamma="0.9").mdp)
    near = optimal_values_symbolic(zhao_grid_world(gamma="0.5").mdp)
    assert far.optimal_actions != near.optimal_actions
    # from (2, 1) the far-sighted agent goes right into the forbidden cell (2, 2)
    assert 1 in far.optimal_actions[11] and 1 not in near.optimal_actions[11]


def test_sparse_solvers_match_dense() -> None:
    w = zhao_grid_world()
    m = w.mdp
    S, A = m.n_states, m.n_actions
    sparse = MDP(sps.csr_array(m.P.reshape(S * A, S)), m.R, m.gamma)
    for solve in (value_iteration, policy_iteration, lambda x: truncated_policy_iteration(x, sweeps=4)):
        assert np.max(np.abs(solve(sparse).values - solve(m).values)) <= 1e-8


def test_undiscounted_solvers() -> None:
    m = sutton_barto_small_gridworld().mdp
    exact = exact_v(m)
    assert np.array_equal(value_iteration(m).values, exact)
    assert np.array_equal(policy_iteration(m).values, exact)
    with pytest.raises(ValueError, match="gamma < 1"):
        truncated_policy_iteration(m, sweeps=2)


def test_bad_arguments_are_named() -> None:
    m = zhao_grid_world().mdp
    with pytest.raises(ValueError, match="tol"):
        value_iteration(m, tol=-1.0)
    with pytest.raises(ValueError, match="max_sweeps"):
        value_iteration(m, tol=1e-12, max_sweeps=2)
    with pytest.raises(ValueError, match="v0"):
        value_iteration(m, v0=[0.0])
    with pytest.raises(ValueError, match="sweeps"):
        truncated_policy_iteration(m, sweeps=0)
    with pytest.raises(ValueError, match="policy0"):
        policy_iteration(m, policy0=[0, 1])
    with pytest.raises(ValueError, match="values"):
        bellman_optimality_operator(m, np.zeros(3))
    with pytest.raises(ValueError, match="values"):
        greedy_policy(m, np.full(25, np.inf))
    assert action_values(m, np.zeros(25)).shape == (25, 5)


def test_undiscounted_sparse_model() -> None:
    """Sutton & Barto's Example 4.1 stored sparse: terminal states, evaluation and all solvers."""
    from refalgo.mdp import ACTIONS, grid_world, terminal_states

    w = grid_world((4, 4), terminal=[(0, 0), (3, 3)], r_boundary=-1.0, r_step=-1.0, actions=ACTIONS[:4], gamma=1, sparse=True)
    assert np.flatnonzero(terminal_states(w.mdp)).tolist() == [0, 15]
    assert state_values(w.mdp, np.full((16, 4), 0.25))[1] == pytest.approx(-14.0, abs=1e-9)
    steps = np.array([0, 1, 2, 3, 1, 2, 3, 2, 2, 3, 2, 1, 3, 2, 1, 0], dtype=float)
    assert np.array_equal(value_iteration(w.mdp).values, -steps)
    assert np.array_equal(policy_iteration(w.mdp).values, -steps)
    assert exact_v(w.mdp).tolist() == (-steps).tolist()

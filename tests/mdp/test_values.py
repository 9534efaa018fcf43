"""State values: the twins agree, the Bellman equation's identities hold, bad input is named."""

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
    action_values_symbolic,
    bellman_residual,
    iterative_policy_evaluation,
    policy_model,
    state_values,
    state_values_from_action_values,
    state_values_symbolic,
    sutton_barto_small_gridworld,
    zhao_grid_world,
)
from refalgo.mdp._strategies import mdp_and_policy


def close(a: object, b: object, tol: float) -> bool:
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return x.shape == y.shape and bool(np.all(np.abs(x - y) <= tol)) and bool(np.all(np.abs(y - x) <= tol))


@given(mdp_and_policy())
def test_twins_agree(case: tuple[MDP, np.ndarray]) -> None:
    """The exact and the float64 state values agree within 10⁻⁹ on random MDPs (probabilities in quarters, integer
    rewards, exact γ), and the exact ones are rationals.
    """
    m, pi = case
    exact = state_values_symbolic(m, pi)
    assert all(x.is_Rational for x in exact)
    assert close([float(x) for x in exact], state_values(m, pi), 1e-9)


@given(mdp_and_policy())
def test_iteration_converges_within_its_bound(case: tuple[MDP, np.ndarray]) -> None:
    """Iterative policy evaluation stops within its guaranteed bound of the exact values, and every iterate satisfies
    ‖v_k − v_π‖∞ ≤ γᵏ ‖v_0 − v_π‖∞.
    """
    m, pi = case
    res = iterative_policy_evaluation(m, pi, tol=1e-6, record=True)
    exact = np.array([float(x) for x in state_values_symbolic(m, pi)])
    assert res.bound <= 1e-6
    assert np.max(np.abs(res.values - exact)) <= res.bound + 1e-12
    # a priori: |v_k - v_pi| <= gamma^k |v_0 - v_pi| for every iterate (v_0 = 0)
    for k, v in enumerate(res.history):
        assert np.max(np.abs(v - exact)) <= m.gamma**k * np.max(np.abs(exact)) + 1e-9


@given(mdp_and_policy(gammas=st.just(Fraction(0))))
def test_gamma_zero_gives_expected_immediate_reward(case: tuple[MDP, np.ndarray]) -> None:
    """γ = 0 gives v_π = r_π exactly, in both twins."""
    m, pi = case
    r_pi = (pi * m.R).sum(axis=1)
    assert close(state_values(m, pi), r_pi, 0.0)
    assert [float(x) for x in state_values_symbolic(m, pi)] == r_pi.tolist()


@given(mdp_and_policy())
def test_v_is_the_policy_average_of_q(case: tuple[MDP, np.ndarray]) -> None:
    """v_π(s) = Σ_a π(a | s) q_π(s, a): exactly in the symbolic twin, within 10⁻⁹ in float64."""
    m, pi = case
    v = state_values(m, pi)
    assert close(state_values_from_action_values(m, pi, action_values(m, v)), v, 1e-9)
    ve = state_values_symbolic(m, pi)
    qe = action_values_symbolic(m, list(ve))
    assert all(sum((sp.Rational(pi[s, a]) * qe[s, a] for a in range(m.n_actions)), sp.Integer(0)) == ve[s] for s in range(m.n_states))


@given(mdp_and_policy())
def test_bellman_residual_vanishes_only_at_v_pi(case: tuple[MDP, np.ndarray]) -> None:
    """The Bellman residual r_π + γ P_π v − v vanishes at v_π, and at w = v_π + 1 it is at least (1 − γ)‖w − v_π‖∞ =
    1 − γ in max norm.
    """
    m, pi = case
    v = state_values(m, pi)
    assert close(bellman_residual(m, pi, v), np.zeros(m.n_states), 1e-9)
    assume(m.gamma < 0.9)
    # off the solution the residual is (I - γP_π)(v_π - w), at least (1-γ)·|v_π - w| in max norm
    w = v + 1.0
    assert np.max(np.abs(bellman_residual(m, pi, w))) >= (1 - m.gamma) - 1e-9


@given(mdp_and_policy())
def test_sparse_direct_and_iterative_agree(case: tuple[MDP, np.ndarray]) -> None:
    """Sparse and dense models give the same values, directly and iteratively, and P_π matches einsum("sat,sa->st",
    P, π).
    """
    m, pi = case
    S, A = m.n_states, m.n_actions
    sparse = MDP(sps.csr_array(m.P.reshape(S * A, S)), m.R, m.gamma)
    direct = state_values(sparse, pi)
    assert close(direct, state_values(m, pi), 1e-9)
    assert close(state_values(sparse, pi, method="iterative", tol=1e-9), direct, 2e-9)
    P_pi, r_pi = policy_model(sparse, pi)
    assert close(P_pi.toarray(), np.einsum("sat,sa->st", m.P, pi), 1e-15)


def test_symbolic_gamma_gives_closed_forms() -> None:
    """Zhao (2025), §2.5, Figure 2.4: v(s1) = γ/(1-γ), v(s2) = v(s3) = v(s4) = 1/(1-γ)."""
    g = sp.Symbol("gamma")
    w = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    v = state_values_symbolic(w.mdp, [2, 2, 1, 4], gamma=g)
    expected = [g / (1 - g), 1 / (1 - g), 1 / (1 - g), 1 / (1 - g)]
    assert all(sp.simplify(a - b) == 0 for a, b in zip(v, expected))


def test_exact_policies_stay_exact() -> None:
    w = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    third = Fraction(1, 3)
    pi = [[0, third, 2 * third, 0, 0], [0, 0, 1, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 0, 1]]
    v = state_values_symbolic(w.mdp, pi)
    # v(s1) = 1/3·(-1 + γ·10) + 2/3·(0 + γ·10) = -1/3 + 9
    assert v[0] == sp.Rational(26, 3)
    with pytest.raises(ValueError, match="sums to 0.666"):
        state_values_symbolic(w.mdp, [[0, third, third, 0, 0]] + pi[1:])
    nearly = Fraction(1, 10**12)  # within the float tolerance, but not exactly 1
    with pytest.raises(ValueError, match=r"policy\[0\]: expected probabilities summing to exactly 1"):
        state_values_symbolic(w.mdp, [[0, third + nearly, 2 * third, 0, 0]] + pi[1:])


def test_gamma_one_needs_a_proper_policy() -> None:
    """With γ = 1, a policy that never reaches a terminal state is a clear error in both twins, and iterative
    evaluation asks for γ < 1.
    """
    w = sutton_barto_small_gridworld()
    always_up = np.zeros(16, dtype=int)  # state 1 bumps into the top edge forever
    with pytest.raises(ValueError, match="never does"):
        state_values(w.mdp, always_up)
    with pytest.raises(ValueError, match="singular"):
        state_values_symbolic(w.mdp, always_up)
    up_or_right = np.tile([0.5, 0.5, 0.0, 0.0], (16, 1))  # stuck in the top-right corner
    with pytest.raises(ValueError, match="never does"):
        state_values(w.mdp, up_or_right)
    with pytest.raises(ValueError, match="singular"):
        state_values_symbolic(w.mdp, up_or_right)
    with pytest.raises(ValueError, match="gamma < 1"):
        iterative_policy_evaluation(w.mdp, np.full((16, 4), 0.25))


def test_bad_arguments_are_named() -> None:
    w = zhao_grid_world()
    pi = np.full((25, 5), 0.2)
    with pytest.raises(ValueError, match="method"):
        state_values(w.mdp, pi, method="magic")
    with pytest.raises(ValueError, match="tol"):
        iterative_policy_evaluation(w.mdp, pi, tol=0.0)
    with pytest.raises(ValueError, match="v0"):
        iterative_policy_evaluation(w.mdp, pi, v0=np.zeros(3))
    with pytest.raises(ValueError, match="max_sweeps"):
        iterative_policy_evaluation(w.mdp, pi, tol=1e-12, max_sweeps=3)
    with pytest.raises(ValueError, match="values"):
        action_values(w.mdp, np.zeros(24))
    with pytest.raises(ValueError, match="values: expected 25"):
        action_values_symbolic(w.mdp, [0] * 24)
    with pytest.raises(ValueError, match="q"):
        state_values_from_action_values(w.mdp, pi, np.zeros((25, 4)))
    with pytest.raises(ValueError, match="values"):
        bellman_residual(w.mdp, pi, np.full(25, np.nan))


@given(st.lists(st.integers(0, 4), min_size=25, max_size=25))
def test_deterministic_policies_on_a_grid_use_the_sparse_exact_path(actions: list[int]) -> None:
    """A deterministic policy in a deterministic grid gives a chain-like system, solved by
    sparse elimination; it must agree with the float64 solve like the dense LU path does."""
    m = zhao_grid_world().mdp
    exact = [float(x) for x in state_values_symbolic(m, np.array(actions))]
    assert close(exact, state_values(m, np.array(actions)), 1e-9)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -np.inf, sp.nan, sp.oo])
def test_exact_twins_refuse_non_finite_values(bad: object) -> None:
    """sp.Rational(float('nan')) is 0 in SymPy: a NaN must be refused, not read as 0."""
    m = MDP(np.ones((1, 1, 1)), [[1.0]], "1/2")
    with pytest.raises(ValueError, match=r"values\[0\]"):
        action_values_symbolic(m, [bad])


def test_exact_twins_take_sympy_floats_exactly() -> None:
    m = MDP(np.ones((1, 1, 1)), [[1.0]], "1/2")
    # q = 1 + v/2 with v = 0.1 at its exact binary value, never the Float 0.1
    q = action_values_symbolic(m, [sp.Float(0.1)])[0, 0]
    assert q == 1 + sp.Rational(0.1) / 2 and q.is_Rational


def test_symbolic_twins_accept_the_same_exact_inputs() -> None:
    """Lists of Rationals, object arrays of Rationals, Fractions and "p/q" strings: one policy, one answer."""
    w = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    rows = [["0", "1/5", "4/5", "0", "0"], ["0", "0", "1", "0", "0"], ["0", "1", "0", "0", "0"], ["0", "0", "0", "0", "1"]]
    as_rationals = [[sp.Rational(x) for x in row] for row in rows]
    forms = [
        rows,
        np.array(rows, dtype=object),
        as_rationals,
        np.array(as_rationals, dtype=object),
        [[Fraction(x) for x in row] for row in rows],
    ]
    values = [state_values_symbolic(w.mdp, pi) for pi in forms]
    assert all(v == values[0] for v in values)
    # v(s1) = 1/5·(-1 + γ·10) + 4/5·(0 + γ·10) = -1/5 + 9, with γ = 9/10 exactly
    assert values[0][0] == sp.Rational(44, 5)
    q = [action_values_symbolic(w.mdp, v) for v in (["9", "10", "10", "10"], np.array([9, "10", 10, sp.Integer(10)], dtype=object))]
    assert q[0] == q[1] and q[0][0, 2] == 9


def test_symbolic_gamma_override_takes_strings_and_is_guarded() -> None:
    """The exact twin's gamma override takes the number strings MDP takes, behind the same size guard."""
    w = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    assert state_values_symbolic(w.mdp, [2, 2, 1, 4], gamma="1/2")[3] == 2  # 1/(1 − 1/2)
    with pytest.raises(ValueError, match="^gamma: expected"):
        state_values_symbolic(w.mdp, [2, 2, 1, 4], gamma="1e-99999999")

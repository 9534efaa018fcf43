"""Published numbers: Sutton & Barto's grid worlds, Zhao's 5×5 grid world, Gymnasium toy text.

Tables printed to one decimal are compared with a tolerance of half a unit in the last
place (0.05).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from refalgo.mdp import (
    action_values_symbolic,
    from_gymnasium,
    optimal_values_symbolic,
    policy_iteration,
    policy_model,
    state_values,
    state_values_symbolic,
    sutton_barto_gridworld,
    sutton_barto_small_gridworld,
    value_iteration,
    zhao_grid_world,
)

HALF_ULP = 0.05 + 1e-12


def assert_table(values: np.ndarray, table: list[list[float]]) -> None:
    got, want = np.asarray(values, dtype=float).reshape(np.shape(table)), np.array(table)
    assert np.all(np.abs(got - want) <= HALF_ULP) and np.all(np.abs(want - got) <= HALF_ULP), (got.round(2), want)


# ---------------------------------------------------------------------- Sutton & Barto
def test_sutton_barto_figure_3_2_random_policy() -> None:
    """Sutton & Barto (2018), Example 3.5, Figure 3.2 (right), p. 60: equiprobable policy, γ = 0.9."""
    w = sutton_barto_gridworld()
    v = state_values(w.mdp, np.full((25, 4), 0.25))
    assert_table(v, [
        [3.3, 8.8, 4.4, 5.3, 1.5],
        [1.5, 3.0, 2.3, 1.9, 0.5],
        [0.1, 0.7, 0.7, 0.4, -0.4],
        [-1.0, -0.4, -0.4, -0.6, -1.2],
        [-1.9, -1.3, -1.2, -1.4, -2.0],
    ])


FIG_3_5 = [
    [22.0, 24.4, 22.0, 19.4, 17.5],
    [19.8, 22.0, 19.8, 17.8, 16.0],
    [17.8, 19.8, 17.8, 16.0, 14.4],
    [16.0, 17.8, 16.0, 14.4, 13.0],
    [14.4, 16.0, 14.4, 13.0, 11.7],
]


def test_sutton_barto_figure_3_5_optimal_values() -> None:
    """Sutton & Barto (2018), Example 3.8, Figure 3.5 (middle), p. 65: v*, γ = 0.9."""
    m = sutton_barto_gridworld().mdp
    assert_table(value_iteration(m, tol=1e-6).values, FIG_3_5)
    assert_table(policy_iteration(m).values, FIG_3_5)


def test_sutton_barto_exercise_3_24_exact_value_of_a() -> None:
    """Sutton & Barto (2018), Exercise 3.24: v*(A) = 10 / (1 - γ⁵) (A, then four steps back up)."""
    sol = optimal_values_symbolic(sutton_barto_gridworld().mdp)
    g = sp.Rational(9, 10)
    assert sol.values[1] == 10 / (1 - g**5)
    assert round(float(sol.values[1]), 3) == 24.419


FIG_4_1 = {
    1: [[0.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, -1.0], [-1.0, -1.0, -1.0, 0.0]],
    2: [[0.0, -1.7, -2.0, -2.0], [-1.7, -2.0, -2.0, -2.0], [-2.0, -2.0, -2.0, -1.7], [-2.0, -2.0, -1.7, 0.0]],
    3: [[0.0, -2.4, -2.9, -3.0], [-2.4, -2.9, -3.0, -2.9], [-2.9, -3.0, -2.9, -2.4], [-3.0, -2.9, -2.4, 0.0]],
    10: [[0.0, -6.1, -8.4, -9.0], [-6.1, -7.7, -8.4, -8.4], [-8.4, -8.4, -7.7, -6.1], [-9.0, -8.4, -6.1, 0.0]],
}


def test_sutton_barto_figure_4_1_iterative_evaluation() -> None:
    """Sutton & Barto (2018), Example 4.1, Figure 4.1, p. 77: sweeps k = 1, 2, 3, 10 and k = ∞."""
    m = sutton_barto_small_gridworld().mdp
    random = np.full((16, 4), 0.25)
    P_pi, r_pi = policy_model(m, random)
    v = np.zeros(16)
    for k in range(1, 11):
        v = r_pi + P_pi @ v  # γ = 1
        if k in FIG_4_1:
            assert_table(v, FIG_4_1[k])
    final = [[0, -14, -20, -22], [-14, -18, -20, -20], [-20, -20, -18, -14], [-22, -20, -14, 0]]
    assert list(state_values_symbolic(m, random)) == [sp.Integer(x) for row in final for x in row]
    assert_table(state_values(m, random), final)


def test_sutton_barto_figure_4_1_greedy_policies_are_optimal_from_k_3() -> None:
    """Sutton & Barto (2018), Figure 4.1 and its text: the greedy policies with respect to v_k
    are optimal for k = 3, 10 and ∞. Values are multiples of 4^-k, exact in float64 for these
    k, and the greedy sets are taken in exact arithmetic."""
    m = sutton_barto_small_gridworld().mdp
    random = np.full((16, 4), 0.25)
    optimal = optimal_values_symbolic(m).optimal_actions
    P_pi, r_pi = policy_model(m, random)
    v = np.zeros(16)
    iterates = {}
    for k in range(1, 11):
        v = r_pi + P_pi @ v
        iterates[k] = [sp.Rational(x) for x in v]
    iterates[0] = list(state_values_symbolic(m, random))  # k = ∞
    for k in (3, 10, 0):
        q = action_values_symbolic(m, iterates[k])
        for s in range(16):
            best = max(q.row(s))
            greedy = {a for a in range(4) if q[s, a] == best}
            assert greedy <= optimal[s], (k, s, greedy, optimal[s])


def test_sutton_barto_figure_4_1_optimal_values() -> None:
    """Sutton & Barto (2018), Figure 4.1: the greedy policy at k = ∞ is optimal; v* is minus the
    number of steps to the nearest terminal corner."""
    sol = optimal_values_symbolic(sutton_barto_small_gridworld().mdp)
    steps = [[0, 1, 2, 3], [1, 2, 3, 2], [2, 3, 2, 1], [3, 2, 1, 0]]
    assert list(sol.values) == [-sp.Integer(x) for row in steps for x in row]


# ---------------------------------------------------------------------- Zhao
def test_zhao_figure_2_4_deterministic_policy() -> None:
    """Zhao (2025), §2.5, Figure 2.4: v = (γ/(1-γ), 1/(1-γ), 1/(1-γ), 1/(1-γ)) = (9, 10, 10, 10) at γ = 0.9."""
    w = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    policy = [2, 2, 1, 4]  # s1 down, s2 down, s3 right, s4 stay
    assert list(state_values_symbolic(w.mdp, policy)) == [9, 10, 10, 10]
    assert np.max(np.abs(state_values(w.mdp, policy) - [9, 10, 10, 10])) <= 1e-12


ZHAO_OPTIMAL = {
    # Zhao (2025), §3.5 (impact of γ and of the rewards on the optimal policy), 5×5 grid world.
    ("0.9", -1.0): [
        [5.8, 5.6, 6.2, 6.5, 5.8],
        [6.5, 7.2, 8.0, 7.2, 6.5],
        [7.2, 8.0, 10.0, 8.0, 7.2],
        [8.0, 10.0, 10.0, 10.0, 8.0],
        [7.2, 9.0, 10.0, 9.0, 8.1],
    ],
    ("0.5", -1.0): [
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.1],
        [0.0, 0.0, 2.0, 0.1, 0.1],
        [0.0, 2.0, 2.0, 2.0, 0.2],
        [0.0, 1.0, 2.0, 1.0, 0.5],
    ],
    ("0", -1.0): [
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0, 0.0],
        [0.0, 1.0, 1.0, 1.0, 0.0],
        [0.0, 0.0, 1.0, 0.0, 0.0],
    ],
    ("0.9", -10.0): [
        [3.5, 3.9, 4.3, 4.8, 5.3],
        [3.1, 3.5, 4.8, 5.3, 5.9],
        [2.8, 2.5, 10.0, 5.9, 6.6],
        [2.5, 10.0, 10.0, 10.0, 7.3],
        [2.3, 9.0, 10.0, 9.0, 8.1],
    ],
}


@pytest.mark.parametrize("gamma, r_forbidden", list(ZHAO_OPTIMAL), ids=lambda x: str(x))
def test_zhao_chapter_3_optimal_values(gamma: str, r_forbidden: float) -> None:
    """Zhao (2025), chapter 3: optimal state values of the 5×5 grid world (r_boundary = -1,
    r_target = 1) for γ = 0.9, 0.5, 0 and for r_forbidden = -10."""
    m = zhao_grid_world(gamma=gamma, r_forbidden=r_forbidden).mdp
    table = ZHAO_OPTIMAL[(gamma, r_forbidden)]
    assert_table(value_iteration(m, tol=1e-6).values, table)
    assert_table([float(x) for x in optimal_values_symbolic(m).values], table)


def test_zhao_far_sighted_policy_avoids_forbidden_cells_when_penalty_is_large() -> None:
    """Zhao (2025), §3.5: with r_forbidden = -10 the optimal policy never enters a forbidden cell."""
    w = zhao_grid_world(r_forbidden=-10.0)
    sol = optimal_values_symbolic(w.mdp)
    forbidden = {w.state(*c) for c in w.forbidden}
    P = w.mdp.P
    for s in range(25):
        if s in forbidden:
            continue
        for a in sol.optimal_actions[s]:
            assert int(np.argmax(P[s, a])) not in forbidden


# ---------------------------------------------------------------------- Gymnasium
gym = pytest.importorskip("gymnasium")


@pytest.mark.parity
def test_frozenlake_exact_against_iterative() -> None:
    """FrozenLake-v1 4×4, slippery, γ = 0.9: an exact rational solve of Gymnasium's table against
    value iteration; holes and the goal are worth 0."""
    m = from_gymnasium(gym.make("FrozenLake-v1"), "0.9")
    exact = np.array([float(x) for x in optimal_values_symbolic(m).values])
    vi = value_iteration(m, tol=1e-12).values
    assert np.max(np.abs(vi - exact)) <= 1e-12
    assert exact[[5, 7, 11, 12, 15, 16]].tolist() == [0.0] * 6


@pytest.mark.parity
def test_frozenlake_against_pymdptoolbox() -> None:
    mdptoolbox = pytest.importorskip("mdptoolbox.mdp")
    m = from_gymnasium(gym.make("FrozenLake-v1"), 0.9)
    peer = mdptoolbox.PolicyIteration(np.transpose(m.P, (1, 0, 2)), np.array(m.R), 0.9)
    peer.run()
    ours = policy_iteration(m)
    assert np.max(np.abs(np.array(peer.V) - ours.values)) <= 1e-9


@pytest.mark.parity
def test_cliff_walking_optimal_return() -> None:
    """Sutton & Barto (2018), Example 6.6: the optimal path along the cliff takes 13 steps of -1."""
    m = from_gymnasium(gym.make("CliffWalking-v1"), 1)
    assert policy_iteration(m).values[36] == -13.0
    assert optimal_values_symbolic(m).values[36] == -13


@pytest.mark.parity
def test_taxi_solvers_agree() -> None:
    m = from_gymnasium(gym.make("Taxi-v4"), 0.9)
    assert m.n_states == 501 and m.n_actions == 6
    assert np.max(np.abs(value_iteration(m, tol=1e-8).values - policy_iteration(m).values)) <= 1e-8


def test_from_gymnasium_rejects_other_objects() -> None:
    from refalgo.mdp import from_gymnasium as read

    with pytest.raises(TypeError, match="transition table"):
        read(object(), 0.9)

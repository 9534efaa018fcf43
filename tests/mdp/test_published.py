"""Published numbers: Sutton & Barto's grid worlds, Zhao's 2×2, 1×2 and 5×5 grid worlds, Gymnasium toy text.

Tables printed to one decimal are compared with a tolerance of half a unit in the last
place (0.05).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from refalgo.mdp import (
    action_values,
    action_values_symbolic,
    bellman_optimality_operator,
    from_gymnasium,
    greedy_policy,
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
# Zhao's book: "Book All-in-one.pdf" in MathFoundationRL/Book-Mathematical-Foundation-of-Reinforcement-
# Learning @ e8675888a6431b04b4ca7fd1b81e13621f2483ea; page numbers below are the book's printed ones.
# It was read in a text extraction of that PDF, which drops minus signs and γ; they were restored from
# the surrounding equations and checked against these transcriptions of the text in public repositories:
ZHAO_CH2_RETURNS = ("wgyhhhh/Mathematical-Foundations-of-Reinforcement-Learning-Notes, "
                    ".history/docs/Chapter-2/2-1_20251028010609.md @ 71df085091b45af90fe7e492a74ef7574c517800")
ZHAO_CH2_EXAMPLES = "LYK-love/LYK-love.github.io, source/_posts/Bellman-Equation.md @ 62b8d7b8bdb5cd42a0f164678f0f8a151f6e2a24"
ZHAO_CH2_ACTION_VALUES = "LYK-love/LYK-love.github.io, source/_posts/Action-Value.md @ db0565aefd7ef87e888fb746da3a49d2a9398f69"
ZHAO_CH4_VALUE_ITERATION = ("wgyhhhh/Mathematical-Foundations-of-Reinforcement-Learning-Notes, "
                            ".history/docs/Chapter-4/4-1_20251028010729.md @ 71df085091b45af90fe7e492a74ef7574c517800")
ZHAO_CH4_POLICY_ITERATION = ("wgyhhhh/Mathematical-Foundations-of-Reinforcement-Learning-Notes, "
                             "docs/Chapter-4/4-2.md @ e6dc810d226b6a9250210fe34fac0d2997b77c8f")

# The 2×2 grid of Zhao's chapters 2 and 4: s1 s2 / s3 s4, s2 forbidden, s4 the target.
UP, RIGHT, DOWN, LEFT, STAY = range(5)  # Zhao's a1 … a5


def zhao_2x2(gamma: str = "0.9"):
    return zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1), gamma=gamma)


def test_zhao_figure_2_4_deterministic_policy() -> None:
    """Zhao (2025), §2.5, Figure 2.4, pp. 23–24: v = (γ/(1-γ), 1/(1-γ), 1/(1-γ), 1/(1-γ)) = (9, 10, 10, 10)
    at γ = 0.9. Also in ZHAO_CH2_EXAMPLES."""
    w = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    policy = [2, 2, 1, 4]  # s1 down, s2 down, s3 right, s4 stay
    assert list(state_values_symbolic(w.mdp, policy)) == [9, 10, 10, 10]
    assert np.max(np.abs(state_values(w.mdp, policy) - [9, 10, 10, 10])) <= 1e-12


ZHAO_OPTIMAL = {
    # Zhao (2025), §3.5 (impact of γ and of the rewards on the optimal policy), 5×5 grid world,
    # Figure 3.4 (a)–(d), p. 50.
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


def test_zhao_section_2_1_returns_of_three_policies() -> None:
    """Zhao (2025), §2.1, Figure 2.2 and inequality (2.1), pp. 16–17: three policies that differ only in s1
    (down; right into the forbidden cell; either with probability 0.5) are worth
    γ/(1-γ), -1 + γ/(1-γ) and -0.5 + γ/(1-γ) from s1, so return1 > return3 > return2 for every
    γ in (0, 1). Also in ZHAO_CH2_RETURNS. Checked for a symbolic γ."""
    g = sp.Symbol("gamma")
    m = zhao_2x2().mdp
    rest = {1: DOWN, 2: RIGHT, 3: STAY}

    def policy(first: dict[int, float]) -> np.ndarray:
        pi = np.zeros((4, 5))
        for a, p in first.items():
            pi[0, a] = p
        for s, a in rest.items():
            pi[s, a] = 1.0
        return pi

    book = {
        "return1": (policy({DOWN: 1.0}), g / (1 - g)),
        "return2": (policy({RIGHT: 1.0}), -1 + g / (1 - g)),
        "return3": (policy({RIGHT: 0.5, DOWN: 0.5}), -sp.Rational(1, 2) + g / (1 - g)),
    }
    v1 = {name: state_values_symbolic(m, pi, gamma=g)[0] for name, (pi, _) in book.items()}
    for name, (_, closed_form) in book.items():
        assert sp.simplify(v1[name] - closed_form) == 0, (name, v1[name])
    assert sp.simplify(v1["return1"] - v1["return3"]) == sp.Rational(1, 2)
    assert sp.simplify(v1["return3"] - v1["return2"]) == sp.Rational(1, 2)


def test_zhao_figure_2_5_stochastic_policy() -> None:
    """Zhao (2025), §2.5, Figure 2.5, pp. 24–25: s1 goes right or down with probability 0.5 each; the book
    solves v(s2) = v(s3) = v(s4) = 1/(1-γ) and v(s1) = -0.5 + γ/(1-γ), and prints
    (8.5, 10, 10, 10) for γ = 0.9. Also in ZHAO_CH2_EXAMPLES."""
    g = sp.Symbol("gamma")
    m = zhao_2x2().mdp
    pi = np.zeros((4, 5))
    pi[0, RIGHT] = pi[0, DOWN] = 0.5
    pi[1, DOWN] = pi[2, RIGHT] = pi[3, STAY] = 1.0
    closed = state_values_symbolic(m, pi, gamma=g)
    want = [-sp.Rational(1, 2) + g / (1 - g)] + [1 / (1 - g)] * 3
    assert all(sp.simplify(a - b) == 0 for a, b in zip(closed, want)), closed
    assert list(state_values_symbolic(m, pi)) == [sp.Rational(17, 2), 10, 10, 10]
    assert_table(state_values(m, pi), [[8.5, 10.0], [10.0, 10.0]])
    assert np.max(np.abs(state_values(m, pi) - [8.5, 10, 10, 10])) <= 1e-12


def test_zhao_figure_2_6_matrix_vector_form() -> None:
    """Zhao (2025), §2.6, Figure 2.6, p. 26: for the policy of Figure 2.5, r_π = (0.5·0 + 0.5·(-1), 1, 1, 1)
    and P_π has rows (0, 0.5, 0.5, 0), (0, 0, 0, 1), (0, 0, 0, 1), (0, 0, 0, 1)."""
    m = zhao_2x2().mdp
    pi = np.zeros((4, 5))
    pi[0, RIGHT] = pi[0, DOWN] = 0.5
    pi[1, DOWN] = pi[2, RIGHT] = pi[3, STAY] = 1.0
    P_pi, r_pi = policy_model(m, pi)
    assert np.asarray(P_pi).tolist() == [[0, 0.5, 0.5, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 1]]
    assert r_pi.tolist() == [-0.5, 1.0, 1.0, 1.0]


# Zhao's Figure 2.7 draws its policies as arrows; the text gives the values. The two "good" policies
# differ only in the top two cells of the fourth column (text, p. 30): there, right and down tie.
R_, D_, U_, L_, O_ = RIGHT, DOWN, UP, LEFT, STAY
GOOD_RIGHT = [
    [R_, R_, R_, R_, D_],
    [U_, U_, R_, R_, D_],
    [U_, L_, D_, R_, D_],
    [U_, R_, O_, L_, D_],
    [U_, R_, U_, L_, L_],
]
FIG_2_7_GOOD = [
    [3.5, 3.9, 4.3, 4.8, 5.3],
    [3.1, 3.5, 4.8, 5.3, 5.9],
    [2.8, 2.5, 10.0, 5.9, 6.6],
    [2.5, 10.0, 10.0, 10.0, 7.3],
    [2.3, 9.0, 10.0, 9.0, 8.1],
]
FIG_2_7_BAD_FIRST = [
    [-6.6, -7.3, -8.1, -9.0, -10.0],
    [-8.5, -8.3, -8.1, -9.0, -10.0],
    [-7.5, -8.3, -8.1, -9.0, -10.0],
    [-7.5, -7.2, -9.1, -9.0, -10.0],
    [-7.6, -7.3, -8.1, -9.0, -10.0],
]


def test_zhao_figure_2_7_good_policies_share_their_values() -> None:
    """Zhao (2025), §2.7.3, Figure 2.7(a), pp. 28–30: the 5×5 grid with r_boundary = r_forbidden = -1,
    r_target = 1, γ = 0.9; two good policies, different in the top two cells of the fourth column,
    have the same printed values. Both are optimal, and they never enter a forbidden cell, on the
    grid with r_forbidden = -10 (whose optimal values §3.5 prints as the same table)."""
    w = zhao_grid_world()
    right = [a for row in GOOD_RIGHT for a in row]
    down = list(right)
    down[w.state(0, 3)] = down[w.state(1, 3)] = DOWN
    v_right, v_down = state_values_symbolic(w.mdp, right), state_values_symbolic(w.mdp, down)
    assert v_right == v_down
    assert_table([float(x) for x in v_right], FIG_2_7_GOOD)
    assert_table(state_values(w.mdp, down), FIG_2_7_GOOD)
    far_sighted = optimal_values_symbolic(zhao_grid_world(r_forbidden=-10.0).mdp).optimal_actions
    assert far_sighted[w.state(0, 3)] == far_sighted[w.state(1, 3)] == {RIGHT, DOWN}
    assert all(a in best and b in best for a, b, best in zip(right, down, far_sighted))


def test_zhao_figure_2_7_first_bad_policy() -> None:
    """Zhao (2025), §2.7.3, Figure 2.7(b), left, p. 29: the printed values of the first bad policy are
    those of moving right in every cell — every right-column cell bounces off the wall forever
    (-1/(1-γ) = -10). (The second bad policy's arrows cannot be read from the text, so it is not
    reproduced.)"""
    w = zhao_grid_world()
    always_right = [RIGHT] * 25
    assert_table(state_values(w.mdp, always_right), FIG_2_7_BAD_FIRST)
    exact = state_values_symbolic(w.mdp, always_right)
    assert [exact[w.state(r, 4)] for r in range(5)] == [-10] * 5


def test_zhao_figure_2_8_action_values_of_s1() -> None:
    """Zhao (2025), §2.8.1, Figure 2.8, pp. 31–32: the action values of s1 in the 2×2 grid, for any policy,
    q(s1, a1) = -1 + γv(s1), q(s1, a2) = -1 + γv(s2), q(s1, a3) = 0 + γv(s3),
    q(s1, a4) = -1 + γv(s1), q(s1, a5) = 0 + γv(s1). Also in ZHAO_CH2_ACTION_VALUES."""
    g = sp.Symbol("gamma")
    v = sp.symbols("v1:5")
    q = action_values_symbolic(zhao_2x2().mdp, v, gamma=g)
    assert list(q.row(0)) == [-1 + g * v[0], -1 + g * v[1], g * v[2], -1 + g * v[0], g * v[0]]


def test_zhao_figure_3_2_improving_a_policy_in_s1() -> None:
    """Zhao (2025), §3.1, Figure 3.2, pp. 36–37: the policy goes right from s1 (into the forbidden
    cell), down from s2, right from s3 and stays in s4; at γ = 0.9, v = (8, 10, 10, 10) and
    q(s1, ·) = (6.2, 8, 9, 6.2, 7.2), so a3 (down) is the better action in s1."""
    m = zhao_2x2().mdp
    policy = [RIGHT, DOWN, RIGHT, STAY]
    v = state_values_symbolic(m, policy)
    assert list(v) == [8, 10, 10, 10]
    q = action_values_symbolic(m, v)
    assert list(q.row(0)) == [sp.Rational(x) for x in ("6.2", "8", "9", "6.2", "7.2")]
    assert max(range(5), key=lambda a: q[0, a]) == DOWN
    assert np.max(np.abs(action_values(m, state_values(m, policy))[0] - [6.2, 8, 9, 6.2, 7.2])) <= 1e-12


def test_zhao_figure_3_5_no_meaningless_detours() -> None:
    """Zhao (2025), §3.5, Figure 3.5, pp. 52–53: a 2×2 grid whose bottom-right cell is the target;
    going down from s2 is worth 1/(1-γ) = 10, the detour s2 → s1 → s3 → s4 only γ²/(1-γ) = 8.1,
    although no step of it is punished. Values printed: (9, 10, 10, 10) and (9, 8.1, 10, 10)."""
    g = sp.Symbol("gamma")
    m = zhao_grid_world(shape=(2, 2), forbidden=(), target=(1, 1)).mdp
    direct, detour = [DOWN, DOWN, RIGHT, STAY], [DOWN, LEFT, RIGHT, STAY]
    assert list(state_values_symbolic(m, direct)) == [9, 10, 10, 10]
    assert list(state_values_symbolic(m, detour)) == [9, sp.Rational("8.1"), 10, 10]
    assert sp.simplify(state_values_symbolic(m, detour, gamma=g)[1] - g**2 / (1 - g)) == 0
    assert all(a in best for a, best in zip(direct, optimal_values_symbolic(m).optimal_actions))


def test_zhao_figure_4_2_value_iteration_step_by_step() -> None:
    """Zhao (2025), §4.1.2, Figure 4.2 and Tables 4.1–4.3, pp. 59–61 (2×2 grid, r_boundary = r_forbidden = -1, r_target = 1,
    γ = 0.9), from v0 = 0: at k = 0, a3 and a5 tie in s1 (the book picks a5) and
    π1 = (a5, a3, a2, a5), v1 = (0, 1, 1, 1); at k = 1, π2 = (a3, a3, a2, a5) with
    v2 = (γ, 1 + γ, 1 + γ, 1 + γ), and π2 is optimal. Also in ZHAO_CH4_VALUE_ITERATION."""
    g = sp.Symbol("gamma")
    m = zhao_2x2().mdp
    nine_tenths = sp.Rational(9, 10)

    def greedy_sets(q: sp.Matrix) -> list[set[int]]:
        return [{a for a in range(5) if q[s, a] == max(q.row(s))} for s in range(4)]

    q0 = action_values_symbolic(m, [0] * 4)
    assert greedy_sets(q0) == [{DOWN, STAY}, {DOWN}, {RIGHT}, {STAY}]
    v1 = [max(q0.row(s)) for s in range(4)]
    assert v1 == [0, 1, 1, 1]
    q1 = action_values_symbolic(m, v1, gamma=g)
    pi2 = [DOWN, DOWN, RIGHT, STAY]
    assert [sp.expand(q1[s, a]) for s, a in enumerate(pi2)] == [g, 1 + g, 1 + g, 1 + g]
    q1_at_09 = q1.subs(g, nine_tenths)
    assert greedy_sets(q1_at_09) == [{a} for a in pi2]
    assert [max(q1_at_09.row(s)) for s in range(4)] == [nine_tenths, 1 + nine_tenths, 1 + nine_tenths, 1 + nine_tenths]
    assert all(a in best for a, best in zip(pi2, optimal_values_symbolic(m).optimal_actions))
    f1 = bellman_optimality_operator(m, np.zeros(4))
    f2 = bellman_optimality_operator(m, f1)
    assert np.max(np.abs(f1 - [0, 1, 1, 1])) <= 1e-12 and np.max(np.abs(f2 - [0.9, 1.9, 1.9, 1.9])) <= 1e-12
    assert greedy_policy(m, f1).tolist() == pi2


# Zhao's Figure 4.3: two cells s1 s2, the target s2, actions a_l, a_0, a_r.
A_L, A_0, A_R = range(3)


def zhao_1x2():
    return zhao_grid_world(shape=(1, 2), forbidden=(), target=(0, 1), actions=("left", "stay", "right"))


def test_zhao_figure_4_3_policy_evaluation_of_pi0() -> None:
    """Zhao (2025), §4.2.3, Figure 4.3(a), p. 67: π0 moves left in both states, so
    v(s1) = -1 + γv(s1), v(s2) = 0 + γv(s1), solved as v_π0 = (-10, -9); the iteration from 0
    gives (-1, 0), (-1.9, -0.9), (-2.71, -1.71). Also in ZHAO_CH4_POLICY_ITERATION."""
    g = sp.Symbol("gamma")
    m = zhao_1x2().mdp
    pi0 = [A_L, A_L]
    assert list(state_values_symbolic(m, pi0)) == [-10, -9]
    closed = state_values_symbolic(m, pi0, gamma=g)
    assert sp.simplify(closed[0] + 1 / (1 - g)) == 0 and sp.simplify(closed[1] + g / (1 - g)) == 0
    printed = [[-1, 0], ["-1.9", "-0.9"], ["-2.71", "-1.71"]]
    v = [sp.Integer(0), sp.Integer(0)]
    P_pi, r_pi = policy_model(m, pi0)
    w = np.zeros(2)
    for row in printed:
        q = action_values_symbolic(m, v)
        v = [q[s, a] for s, a in enumerate(pi0)]
        w = r_pi + 0.9 * (P_pi @ w)
        assert v == [sp.Rational(x) for x in row]
        assert np.max(np.abs(w - [float(x) for x in row])) <= 1e-12


def test_zhao_table_4_5_action_values_and_improvement() -> None:
    """Zhao (2025), §4.2.3, Tables 4.4–4.5 and Figure 4.3(b), p. 68: q_π0 at v_π0 = (-10, -9) is
    (-10, -9, -7.1) in s1 and (-9, -7.1, -9.1) in s2 over (a_l, a_0, a_r); improving gives
    π1(a_r | s1) = 1, π1(a_0 | s2) = 1, which is optimal, so one iteration suffices. v_π0 and π1
    also in ZHAO_CH4_POLICY_ITERATION."""
    m = zhao_1x2().mdp
    table_4_5 = [["-10", "-9", "-7.1"], ["-9", "-7.1", "-9.1"]]
    q = action_values_symbolic(m, state_values_symbolic(m, [A_L, A_L]))
    assert q == sp.Matrix([[sp.Rational(x) for x in row] for row in table_4_5])
    q_float = action_values(m, state_values(m, [A_L, A_L]))
    assert np.max(np.abs(q_float - np.array(table_4_5, dtype=float))) <= 1e-12
    assert greedy_policy(m, state_values(m, [A_L, A_L])).tolist() == [A_R, A_0]
    exact = optimal_values_symbolic(m)
    assert exact.optimal_actions == (frozenset({A_R}), frozenset({A_0})) and list(exact.values) == [10, 10]
    run = policy_iteration(m, policy0=[A_L, A_L], record=True)
    assert run.policy.tolist() == [A_R, A_0] and len(run.history) == 2
    assert np.max(np.abs(run.history[0] - [-10, -9])) <= 1e-12 and np.max(np.abs(run.values - [10, 10])) <= 1e-12


# Zhao's Figure 4.4 (p. 69): policy iteration on the 5×5 grid with r_forbidden = -10, panels (a)–(h).
FIG_4_4 = {
    0: [[0, 0, 0, 0, 0], [0, -100, -100, 0, 0], [0, 0, -100, 0, 0], [0, -100, 10, -100, 0], [0, -100, 0, 0, 0]],
    1: [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 10, 0, 0], [0, 10, 10, 10, 0], [0, 9, 10, 0, 0]],
    2: [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 10, 0, 0], [0, 10, 10, 10, 0], [0, 9, 10, 9, 0]],
}


def test_zhao_figure_4_4_policy_iteration_on_the_5x5_grid() -> None:
    """Zhao (2025), §4.2.3, Figure 4.4, pp. 68–69: policy iteration with r_boundary = -1,
    r_forbidden = -10, r_target = 1, γ = 0.9. The printed v_π0 is that of staying everywhere
    (10 in the target, -10/(1-γ) = -100 in the forbidden cells, 0 elsewhere); the panels v_π1 and
    v_π2 follow from greedy improvement whatever the tie rule, and v_π10 is v*. The panels in
    between depend on how the book's code breaks ties and are not compared."""
    w = zhao_grid_world(r_forbidden=-10.0)
    run = policy_iteration(w.mdp, policy0=[STAY] * 25, record=True)
    for k, table in FIG_4_4.items():
        assert_table(run.history[k], table)
    assert list(state_values_symbolic(w.mdp, [STAY] * 25)) == [x for row in FIG_4_4[0] for x in row]
    assert_table(run.values, FIG_2_7_GOOD)  # panel (h): the same table as Figure 2.7(a)
    # Lemma 4.1 (p. 63): every improvement step raises no state's value.
    assert all(np.all(later - earlier >= -1e-9) for earlier, later in zip(run.history, run.history[1:]))


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
    """Parity: FrozenLake-v1 (γ = 0.9) solved by refalgo's policy iteration and by pymdptoolbox's agree within 10⁻⁹."""
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
    """Parity: Gymnasium's Taxi-v4 (501 states, 6 actions, γ = 0.9) solved by value iteration and by policy iteration
    agree within 10⁻⁸.
    """
    m = from_gymnasium(gym.make("Taxi-v4"), 0.9)
    assert m.n_states == 501 and m.n_actions == 6
    assert np.max(np.abs(value_iteration(m, tol=1e-8).values - policy_iteration(m).values)) <= 1e-8


def test_from_gymnasium_rejects_other_objects() -> None:
    from refalgo.mdp import from_gymnasium as read

    with pytest.raises(TypeError, match="transition table"):
        read(object(), 0.9)

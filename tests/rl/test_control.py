"""Sarsa and Q-learning with linear features: tabular Q-learning reaches the exact q* of refalgo.mdp, with a bound the run itself certifies."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.mdp import MDP, action_values_symbolic, optimal_values_symbolic, zhao_grid_world
from refalgo.rl import linear_q_learning, linear_sarsa, one_hot_features, state_action_features


def complete_rounds(states: np.ndarray, actions: np.ndarray, n_actions: int, n_pairs: int) -> int:
    """How many times, one after another, every state–action pair has been updated."""
    seen, rounds = set(), 0
    for s, a in zip(states, actions):
        seen.add(int(s) * n_actions + int(a))
        if len(seen) == n_pairs:
            rounds, seen = rounds + 1, set()
    return rounds


def test_tabular_q_learning_reaches_exact_q_star() -> None:
    """On Zhao's 2×2 grid (deterministic, γ = 9/10), one-hot Q-learning with α = 1 is asynchronous value iteration:
    after k complete rounds over all pairs, ‖q − q*‖∞ ≤ γᵏ‖q*‖∞ (q₀ = 0), with q* from refalgo.mdp's exact solver.
    """
    world = zhao_grid_world(shape=(2, 2), forbidden=[(0, 1)], target=(1, 1))
    mdp = world.mdp
    S, A = mdp.n_states, mdp.n_actions
    q_star = np.array(action_values_symbolic(mdp, optimal_values_symbolic(mdp).values), dtype=float).ravel()
    run = linear_q_learning(mdp, one_hot_features(S * A), n_steps=5000, alpha=1.0, epsilon=1.0, seed=0)
    k = complete_rounds(run.transitions.states, run.transitions.actions, A, S * A)
    assert k >= 20
    assert np.max(np.abs(run.weights - q_star)) <= mdp.gamma**k * np.max(np.abs(q_star)) + 1e-12


def test_sarsa_equals_q_learning_with_one_action() -> None:
    """With a single action the next action is the greedy one, so Sarsa and Q-learning make identical updates."""
    P = np.array([[[0.5, 0.5]], [[0.25, 0.75]]])
    m = MDP(P, [[1.0], [-1.0]], 0.9)
    phi = state_action_features([[1.0, 0.5], [0.2, 1.0]], 1)
    a = linear_sarsa(m, phi, n_steps=500, alpha=0.1, epsilon=0.3, seed=4)
    b = linear_q_learning(m, phi, n_steps=500, alpha=0.1, epsilon=0.3, seed=4)
    assert np.array_equal(a.weights, b.weights)


def test_bad_input() -> None:
    """Features with a row count other than S·A, ε outside [0, 1] and step sizes <= 0 are refused by name."""
    m = MDP([[[1.0], [1.0]]], [[0.0, 1.0]], 0.5)
    with pytest.raises(ValueError, match="features"):
        linear_q_learning(m, [[1.0]], n_steps=10, alpha=0.1, epsilon=0.1, seed=0)
    with pytest.raises(ValueError, match="epsilon"):
        linear_sarsa(m, np.eye(2), n_steps=10, alpha=0.1, epsilon=1.5, seed=0)
    with pytest.raises(ValueError, match="alpha"):
        linear_sarsa(m, np.eye(2), n_steps=10, alpha=-0.1, epsilon=0.1, seed=0)
    with pytest.raises(ValueError, match="n_steps"):
        linear_sarsa(m, np.eye(2), n_steps=0, alpha=0.1, epsilon=0.1, seed=0)

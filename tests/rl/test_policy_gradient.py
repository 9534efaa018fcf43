"""The exact policy gradient: the theorem against differentiation and finite differences, dense against sparse, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp
from hypothesis import given, settings

from refalgo.mdp import MDP, state_values
from refalgo.rl.features import one_hot_features, state_action_features
from refalgo.rl.pg_theorem import (
    CONCEPTS,
    discounted_visitation,
    discounted_visitation_symbolic,
    natural_policy_gradient_step,
    objective,
    objective_symbolic,
    policy_gradient,
    policy_gradient_symbolic,
    softmax_policy,
    softmax_policy_symbolic,
)


def _random_mdp(seed: int, S: int = 5, A: int = 3, gamma: float = 0.9) -> MDP:
    rng = np.random.default_rng(seed)
    P = rng.random((S, A, S)) ** 3
    P /= P.sum(axis=2, keepdims=True)
    return MDP(P, rng.normal(size=(S, A)), gamma)


def _central_difference(mdp: MDP, theta: np.ndarray, d0: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """∂J/∂θ by central differences of J = d0ᵀ v_π, v_π from refalgo.mdp.state_values (no theorem involved)."""
    out = np.zeros_like(theta)
    for idx in np.ndindex(theta.shape):
        e = np.zeros_like(theta)
        e[idx] = h
        out[idx] = (d0 @ state_values(mdp, softmax_policy(theta + e)) - d0 @ state_values(mdp, softmax_policy(theta - e))) / (2 * h)
    return out


# A two-state model: in s0 action 0 stays (reward 0), action 1 moves to the absorbing s1 (reward 1).
TWO = MDP([[[1, 0], [0, 1]], [[0, 1], [0, 1]]], [[0, 1], [0, 0]], "1/2")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_theorem_matches_finite_differences(seed: int) -> None:
    """The theorem's ∇J equals the central difference of J (error O(h²) ≈ 1e-9 for these models)."""
    mdp = _random_mdp(seed)
    rng = np.random.default_rng(seed + 10)
    theta = rng.normal(size=(5, 3))
    d0 = rng.dirichlet(np.ones(5))
    assert np.max(np.abs(policy_gradient(mdp, theta, start=d0) - _central_difference(mdp, theta, d0))) <= 1e-7


@settings(max_examples=10, deadline=None)
@given(CONCEPTS[0].inputs())
def test_twins_agree_on_random_small_mdps(example: dict) -> None:
    """Differentiating J exactly (SymPy) and the theorem by LU (NumPy) give the same ∇J on random 2–3-state MDPs."""
    CONCEPTS[0].check(example)


def test_symbolic_gradient_is_a_closed_form_in_theta() -> None:
    """With symbolic θ: J = π1/(1 − π0/2), so ∂J/∂θ01 = π0 π1 (1 − 1/2)/(1 − π0/2)² (quotient rule, by hand)."""
    t = sp.Matrix(2, 2, sp.symbols("t0:4", real=True))
    g = policy_gradient_symbolic(TWO, t, start=0)
    p1 = sp.exp(t[0, 1]) / (sp.exp(t[0, 0]) + sp.exp(t[0, 1]))
    expected = (1 - p1) * p1 * sp.Rational(1, 2) / (1 - (1 - p1) / 2) ** 2
    assert sp.simplify(g[0, 1] - expected) == 0 and sp.simplify(g[0, 0] + expected) == 0
    assert g[1, 0] == 0 and g[1, 1] == 0


def test_sparse_model_gives_the_dense_gradient() -> None:
    """A sparse model (SuperLU) and its dense twin (LAPACK) give the same ∇J and η to rounding."""
    mdp = _random_mdp(3)
    sparse = MDP(sps.csr_array(mdp.P.reshape(15, 5)), mdp.R, mdp.gamma)
    theta = np.random.default_rng(4).normal(size=(5, 3))
    assert np.max(np.abs(policy_gradient(sparse, theta, start=2) - policy_gradient(mdp, theta, start=2))) <= 1e-12
    assert np.max(np.abs(discounted_visitation(sparse, theta, start=2) - discounted_visitation(mdp, theta, start=2))) <= 1e-12


def test_one_hot_linear_softmax_is_tabular() -> None:
    """Linear softmax on one-hot state-action features (Φ = I) gives the tabular gradient, entry for entry."""
    mdp = _random_mdp(6)
    theta = np.random.default_rng(6).normal(size=(5, 3))
    Phi = state_action_features(one_hot_features(5), 3)
    linear = policy_gradient(mdp, theta.ravel(), start=1, features=Phi)
    assert np.max(np.abs(linear - policy_gradient(mdp, theta, start=1).ravel())) <= 1e-13


def test_linear_softmax_matches_finite_differences_and_the_symbolic_twin() -> None:
    """On aggregated features ∇J = Φᵀg agrees with central differences and with differentiating J exactly."""
    mdp = _random_mdp(7, S=3, A=2)
    Phi = state_action_features([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], 2)
    w = np.array([0.3, -0.2, 0.5, 0.1])
    g = policy_gradient(mdp, w, start=0, features=Phi)
    J = lambda x: state_values(mdp, softmax_policy((Phi @ x).reshape(3, 2)))[0]
    fd = np.array([(J(w + 1e-5 * e) - J(w - 1e-5 * e)) / 2e-5 for e in np.eye(4)])
    assert np.max(np.abs(g - fd)) <= 1e-7
    exact = policy_gradient_symbolic(mdp, [sp.Rational(3, 10), sp.Rational(-1, 5), sp.Rational(1, 2), sp.Rational(1, 10)],
                                     start=0, features=Phi)
    assert np.max(np.abs(np.array([float(x) for x in exact]) - g)) <= 1e-10


def test_softmax_is_stable_for_huge_logits() -> None:
    """Logits of 1e300 and −1e300 do not overflow: the row shift leaves (1, 0) and a uniform row."""
    pi = softmax_policy([[1e300, -1e300], [1e300, 1e300]])
    assert pi.tolist() == [[1.0, 0.0], [0.5, 0.5]]
    assert softmax_policy_symbolic([[sp.log(2), sp.log(6)]]) == sp.Matrix([[sp.Rational(1, 4), sp.Rational(3, 4)]])


def test_visitation_twins_and_its_total() -> None:
    """Σ_s η(s) = Σ_t γ^t = 1/(1 − γ) = 10, and the exact η (LU over QQ) equals the float one."""
    mdp = _random_mdp(5, S=3, A=2)
    eta = discounted_visitation(mdp, np.zeros((3, 2)), start=[0.5, 0.5, 0.0])
    assert abs(eta.sum() - 10.0) <= 1e-12 and np.all(eta >= 0)
    exact = discounted_visitation_symbolic(mdp, [[0, 0]] * 3, start=["1/2", "1/2", 0])
    assert np.max(np.abs(np.array([float(x) for x in exact]) - eta)) <= 1e-12


def test_objective_twins_and_the_average_reward_relation() -> None:
    """J, v̄_π and r̄_π agree between twins, and r̄_π = (1 − γ) v̄_π (5) (Zhao 2025, §9.2)."""
    mdp = MDP([[["1/2", "1/2"], ["1/4", "3/4"]], [["1/3", "2/3"], [1, 0]]], [[1, 0], [2, -1]], "9/10")
    theta = [[0, sp.log(2)], [sp.log(3), 0]]
    th = np.array([[0.0, np.log(2)], [np.log(3), 0.0]])
    for kind in ("start", "average_value", "average_reward"):
        exact = objective_symbolic(mdp, theta, start=1, kind=kind)
        assert abs(float(exact) - objective(mdp, th, start=1, kind=kind)) <= 1e-12
    rbar = objective_symbolic(mdp, theta, kind="average_reward")
    assert sp.simplify(rbar - sp.Rational(1, 10) * objective_symbolic(mdp, theta, kind="average_value")) == 0


def test_episodic_visits_count_steps_before_termination() -> None:
    """γ = 1: from state 1 of a 3-state walk whose middle state leaves each way with probability 1/2, η = visits per episode."""
    P = [[[1, 0, 0], [1, 0, 0]], [[1, 0, 0], [0, 0, 1]], [[0, 0, 1], [0, 0, 1]]]
    mdp = MDP(P, [[0, 0], [0, 1], [0, 0]], 1)
    assert discounted_visitation(mdp, np.zeros((3, 2)), start=1).tolist() == [0.0, 1.0, 0.0]
    g = policy_gradient(mdp, np.zeros((3, 2)), start=1)  # J = π(right|1): ∂J/∂θ = π(1 − π) = ±1/4
    assert np.max(np.abs(g - np.array([[0, 0], [-0.25, 0.25], [0, 0]]))) <= 1e-15


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"theta": np.zeros((5, 2)), "start": 0}, "theta: expected shape"),
        ({"theta": np.full((5, 3), np.nan), "start": 0}, "theta: expected finite"),
        ({"theta": np.zeros((5, 3)), "start": None}, "start: expected a state index"),
        ({"theta": np.zeros((5, 3)), "start": 7}, "start: expected a state index 0"),
        ({"theta": np.zeros((5, 3)), "start": [0.5, 0.5, 0.5, 0, 0]}, "start"),
        ({"theta": np.zeros(4), "start": 0, "features": np.eye(15)}, "theta: expected shape"),
        ({"theta": np.zeros(4), "start": 0, "features": np.eye(4)}, "features: expected S·A = 15 rows"),
    ],
)
def test_bad_input_is_named(kwargs: dict, match: str) -> None:
    """Each bad argument raises a ValueError naming it."""
    with pytest.raises(ValueError, match=match):
        policy_gradient(_random_mdp(0), **kwargs)


def test_bad_input_of_the_other_functions_is_named() -> None:
    """Step size ≤ 0, an unknown objective, a missing start, γ = 1 for the Fisher matrix, a bad exact θ."""
    with pytest.raises(ValueError, match="step: expected a number > 0"):
        natural_policy_gradient_step(TWO, np.zeros((2, 2)), start=0, step=0.0)
    with pytest.raises(ValueError, match="kind: expected one of"):
        objective(TWO, np.zeros((2, 2)), start=0, kind="average")
    with pytest.raises(ValueError, match="start: expected a state index"):
        objective(TWO, np.zeros((2, 2)))
    episodic = MDP([[[0, 1], [0, 1]], [[0, 1], [0, 1]]], [[1, 0], [0, 0]], 1)
    with pytest.raises(ValueError, match="mdp: the natural gradient .* needs gamma < 1"):
        natural_policy_gradient_step(episodic, np.zeros((2, 2)), start=0, step=1.0)
    with pytest.raises(ValueError, match="theta: expected shape"):
        policy_gradient_symbolic(TWO, [[0, 0, 0]], start=0)
    with pytest.raises(ValueError, match="start: expected probabilities summing to exactly 1"):
        policy_gradient_symbolic(TWO, [[0, 0], [0, 0]], start=["1/2", "1/3"])

"""The exact policy gradient: the theorem against finite differences of J, dense against sparse, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps

from refalgo.mdp import MDP, state_values
from refalgo.rl.policy_gradient import discounted_visitation, policy_gradient, softmax_policy


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


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_theorem_matches_finite_differences(seed: int) -> None:
    """The theorem's ∇J equals the central difference of J (error O(h²) ≈ 1e-9 for these models)."""
    mdp = _random_mdp(seed)
    rng = np.random.default_rng(seed + 10)
    theta = rng.normal(size=(5, 3))
    d0 = rng.dirichlet(np.ones(5))
    assert np.max(np.abs(policy_gradient(mdp, theta, start=d0) - _central_difference(mdp, theta, d0))) <= 1e-7


def test_sparse_model_gives_the_dense_gradient() -> None:
    """A sparse model (SuperLU) and its dense twin (LAPACK) give the same ∇J and η to rounding."""
    mdp = _random_mdp(3)
    sparse = MDP(sps.csr_array(mdp.P.reshape(15, 5)), mdp.R, mdp.gamma)
    theta = np.random.default_rng(4).normal(size=(5, 3))
    assert np.max(np.abs(policy_gradient(sparse, theta, start=2) - policy_gradient(mdp, theta, start=2))) <= 1e-12
    assert np.max(np.abs(discounted_visitation(sparse, theta, start=2) - discounted_visitation(mdp, theta, start=2))) <= 1e-12


def test_softmax_is_stable_for_huge_logits() -> None:
    """Logits of 1e300 and −1e300 do not overflow: the row shift leaves (1, 0) and a uniform row."""
    pi = softmax_policy([[1e300, -1e300], [1e300, 1e300]])
    assert pi.tolist() == [[1.0, 0.0], [0.5, 0.5]]


def test_visitation_sums_to_one_over_one_minus_gamma() -> None:
    """Σ_s η(s) = Σ_t γ^t = 1/(1 − γ) = 10 for γ = 0.9."""
    eta = discounted_visitation(_random_mdp(5), np.zeros((5, 3)), start=0)
    assert abs(eta.sum() - 10.0) <= 1e-12 and np.all(eta >= 0)


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

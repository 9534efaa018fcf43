"""Parity: the exact ∇J against PyTorch autograd through a differentiable linear solve of (I − γP_π) v = r_π."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps

from refalgo.mdp import MDP
from refalgo.rl.pg_theorem import (
    policy_gradient,
    short_corridor,
    short_corridor_features,
)

torch = pytest.importorskip("torch")


def _autograd(mdp: MDP, theta: np.ndarray, d0: np.ndarray, features: np.ndarray | None = None) -> np.ndarray:
    """∇J by torch: softmax, P_π, r_π, torch.linalg.solve on the non-terminal states, backward — float64."""
    S, A = mdp.n_states, mdp.n_actions
    P = torch.tensor(mdp.P.toarray().reshape(S, A, S) if mdp.is_sparse else np.asarray(mdp.P, dtype=float))
    R = torch.tensor(np.asarray(mdp.R, dtype=float))
    w = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    logits = w.reshape(S, A) if features is None else (torch.tensor(features) @ w).reshape(S, A)
    pi = torch.softmax(logits, dim=1)
    P_pi, r_pi = torch.einsum("sat,sa->st", P, pi), (pi * R).sum(dim=1)
    keep = [s for s in range(S) if not (mdp.gamma == 1.0 and bool(np.all(np.asarray(mdp.P, dtype=float)[s, :, s] == 1)))]
    idx = torch.tensor(keep)
    M = torch.eye(len(keep), dtype=torch.float64) - mdp.gamma * P_pi[idx][:, idx]
    v = torch.linalg.solve(M, r_pi[idx])
    J = (torch.tensor(d0)[idx] * v).sum()
    J.backward()
    return w.grad.numpy()


@pytest.mark.parity
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_exact_gradient_matches_torch_autograd(seed: int) -> None:
    """Random 20-state, 4-action models (dense and sparse), γ = 0.95: the theorem and autograd agree to 1e-10."""
    rng = np.random.default_rng(seed)
    P = rng.random((20, 4, 20)) ** 4
    P /= P.sum(axis=2, keepdims=True)
    mdp = MDP(P, rng.normal(size=(20, 4)), 0.95)
    theta = rng.normal(size=(20, 4))
    d0 = rng.dirichlet(np.ones(20))
    expected = _autograd(mdp, theta, d0)
    assert np.max(np.abs(policy_gradient(mdp, theta, start=d0) - expected)) <= 1e-10
    sparse = MDP(sps.csr_array(P.reshape(80, 20)), mdp.R, 0.95)
    assert np.max(np.abs(policy_gradient(sparse, theta, start=d0) - expected)) <= 1e-10


@pytest.mark.parity
def test_episodic_linear_softmax_matches_torch_autograd() -> None:
    """The short corridor (γ = 1, terminal state) with Sutton & Barto's two features: the same gradient."""
    m, Phi = short_corridor(), short_corridor_features()
    theta = np.array([0.3, -0.4])
    d0 = np.array([1.0, 0.0, 0.0, 0.0])
    expected = _autograd(m, theta, d0, Phi)
    assert np.max(np.abs(policy_gradient(m, theta, start=d0, features=Phi) - expected)) <= 1e-10

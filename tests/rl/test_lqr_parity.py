"""Parity: the DPG gradient of LQR against PyTorch autograd of J(K) through a differentiable Lyapunov solve."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.rl.lqr import dpg_gradient_lqr, stochastic_gradient_lqr

torch = pytest.importorskip("torch")


def _autograd(A: np.ndarray, B: np.ndarray, Q: np.ndarray, R: np.ndarray, K: np.ndarray, gamma: float, S0: np.ndarray,
              sigma: float = 0.0) -> np.ndarray:
    """∇J by torch, float64: vec P = (I − γ Lᵀ⊗Lᵀ)⁻¹ vec(Q + KᵀRK) by torch.linalg.solve, J = tr(PΣ₀) (+ the noise term), backward."""
    n = A.shape[0]
    At, Bt, Qt, Rt, St = (torch.tensor(M, dtype=torch.float64) for M in (A, B, Q, R, S0))
    Kt = torch.tensor(K, dtype=torch.float64, requires_grad=True)
    L = At - Bt @ Kt
    T = torch.eye(n * n, dtype=torch.float64) - gamma * torch.kron(L.T, L.T)
    M = Qt + Kt.T @ Rt @ Kt
    P = torch.linalg.solve(T, M.T.reshape(-1)).reshape(n, n).T  # column-major vec
    J = torch.trace(P @ St)
    if sigma > 0:
        J = J + sigma**2 * torch.trace(Rt + gamma * Bt.T @ P @ Bt) / (1 - gamma)
    J.backward()
    return Kt.grad.numpy()


@pytest.mark.parity
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_dpg_gradient_matches_torch_autograd(seed: int) -> None:
    """Random 4-state, 2-action systems with ρ(√γ(A − BK)) = 0.9, γ = 0.95: the DPG formula and autograd agree to 1e-9 (relative)."""
    rng = np.random.default_rng(seed)
    A, B, K = rng.normal(size=(4, 4)), rng.normal(size=(4, 2)), rng.normal(size=(2, 4))
    c = 0.9 / (np.sqrt(0.95) * np.abs(np.linalg.eigvals(A - B @ K)).max())
    A, K = A * c, K * c
    F, S = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    Q, R, S0 = F @ F.T, np.diag([1.0, 0.5]), S @ S.T
    expected = _autograd(A, B, Q, R, K, 0.95, S0)
    G = dpg_gradient_lqr(A, B, Q, R, K, gamma=0.95, Sigma0=S0)
    assert np.abs(G - expected).max() <= 1e-9 * np.abs(expected).max()
    Gs = stochastic_gradient_lqr(A, B, Q, R, K, gamma=0.95, sigma=0.3, Sigma0=S0)
    expected_s = _autograd(A, B, Q, R, K, 0.95, S0, sigma=0.3)
    assert np.abs(Gs - expected_s).max() <= 1e-9 * np.abs(expected_s).max()

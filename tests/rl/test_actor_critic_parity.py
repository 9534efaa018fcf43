"""REINFORCE's and A2C's losses and gradients on fixed batches equal an independent PyTorch implementation (autograd) in float32."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.mdp import MDP
from refalgo.rl import sample_trajectory
from refalgo.rl.actor_critic import a2c_loss, linear_softmax_policy, reinforce_loss

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.parity


def batch_setup() -> tuple[MDP, np.ndarray, np.ndarray, np.ndarray, np.ndarray, object]:
    """A 3-state model with a terminal state, random float32-representable features and weights, and 60 steps of π_θ."""
    P = np.zeros((4, 2, 4))
    P[0, 0], P[0, 1] = [0.2, 0.5, 0, 0.3], [0, 0.2, 0.6, 0.2]
    P[1, 0], P[1, 1] = [0.3, 0, 0.4, 0.3], [0, 0.3, 0.3, 0.4]
    P[2, 0], P[2, 1] = [0.4, 0.3, 0, 0.3], [0.1, 0.1, 0.3, 0.5]
    P[3, :, 3] = 1
    mdp = MDP(P, [[1.0, -0.5], [2.0, 0.25], [-1.0, 3.0], [0.0, 0.0]], 0.9)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(8, 3)).astype(np.float32).astype(np.float64)
    theta = rng.normal(size=3).astype(np.float32).astype(np.float64)
    psi = rng.normal(size=(4, 2)).astype(np.float32).astype(np.float64)
    w = rng.normal(size=2).astype(np.float32).astype(np.float64)
    batch = sample_trajectory(mdp, linear_softmax_policy(theta, x, n_actions=2), n=60, seed=3)
    return mdp, x, theta, psi, w, batch


def test_reinforce_loss_and_gradient_match_torch_autograd() -> None:
    """L(θ) = −(1/E) Σ_t γᵗ (G_t − b(S_t)) ln π(A_t|S_t, θ) and ∇L in float32 agree with torch's log_softmax and autograd
    (returns computed backwards in torch, same weights) to 1e-6, with and without a baseline.
    """
    mdp, x, theta, _, _, t = batch_setup()
    keep = int(np.flatnonzero(t.terminated)[-1]) + 1
    S, A, r, done = t.states[:keep], t.actions[:keep], t.rewards[:keep], t.terminated[:keep]
    for baseline in (None, np.array([0.5, -1.0, 2.0, 0.0])):
        th = torch.tensor(theta, dtype=torch.float32, requires_grad=True)
        logits = (torch.tensor(x, dtype=torch.float32) @ th).reshape(-1, 2)[torch.tensor(S)]
        log_pi = torch.log_softmax(logits, dim=1)[torch.arange(keep), torch.tensor(A)]
        g, ret, t_in, steps = 0.0, [0.0] * keep, [0] * keep, 0
        for k in range(keep - 1, -1, -1):  # G_t = R_{t+1} + γ G_{t+1}, reset at episode ends
            g = float(r[k]) + (0.0 if done[k] else mdp.gamma * g)
            ret[k] = g
        for k in range(keep):
            t_in[k], steps = steps, 0 if done[k] else steps + 1
        G = torch.tensor(ret, dtype=torch.float32)
        b = torch.zeros(keep) if baseline is None else torch.tensor(baseline, dtype=torch.float32)[torch.tensor(S)]
        weight = torch.tensor(mdp.gamma, dtype=torch.float32) ** torch.tensor(t_in, dtype=torch.float32) * (G - b)
        loss = -(weight * log_pi).sum() / int(done.sum())
        loss.backward()
        ours, grad = reinforce_loss(theta, x, t, gamma=mdp.gamma, n_actions=2, baseline=baseline, dtype=np.float32)
        assert grad.dtype == np.float32
        np.testing.assert_allclose(ours, loss.item(), rtol=0, atol=1e-6 * max(1.0, abs(loss.item())))
        np.testing.assert_allclose(grad, th.grad.numpy(), rtol=0, atol=1e-6 * max(1.0, float(np.abs(grad).max())))


def test_a2c_losses_and_gradients_match_torch_autograd() -> None:
    """A2C with the TD-error advantage δ = r + γ v̂(S') − v̂(S): the actor loss −mean δ ln π (δ detached) and the critic
    loss mean ½δ² (target detached), and their gradients in θ and w, agree with torch autograd in float32 to 1e-6.
    """
    mdp, x, theta, psi, w, t = batch_setup()
    th = torch.tensor(theta, dtype=torch.float32, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float32, requires_grad=True)
    Psi = torch.tensor(psi, dtype=torch.float32)
    v = Psi[torch.tensor(t.states)] @ wt
    v_next = (Psi[torch.tensor(t.next_states)] @ wt) * torch.tensor(~t.terminated, dtype=torch.float32)
    target = torch.tensor(t.rewards, dtype=torch.float32) + mdp.gamma * v_next.detach()
    delta = target - v
    log_pi = torch.log_softmax((torch.tensor(x, dtype=torch.float32) @ th).reshape(-1, 2)[torch.tensor(t.states)], dim=1)
    actor = -(delta.detach() * log_pi[torch.arange(t.states.size), torch.tensor(t.actions)]).mean()
    critic = (0.5 * delta**2).mean()
    (actor + critic).backward()
    out = a2c_loss(theta, w, x, psi, t, gamma=mdp.gamma, n_actions=2, dtype=np.float32)
    assert out.grad_theta.dtype == np.float32 and out.grad_w.dtype == np.float32
    for ours, theirs in ((out.actor, actor.item()), (out.critic, critic.item())):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6 * max(1.0, abs(theirs)))
    np.testing.assert_allclose(out.grad_theta, th.grad.numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(out.grad_w, wt.grad.numpy(), rtol=0, atol=1e-6)

"""A2C's update equals Stable-Baselines3's A2C (the parity-heavy extra) on the same rollout, the same weights, float32."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from refalgo.rl.actor_critic import a2c_loss
from refalgo.rl.sampling import Transitions

torch = pytest.importorskip("torch")
gym = pytest.importorskip("gymnasium")
sb3 = pytest.importorskip("stable_baselines3")

pytestmark = pytest.mark.parity

S, A, GAMMA = 4, 2, 0.9
P = np.zeros((S, A, S))
P[0, 0], P[0, 1] = [0.2, 0.5, 0, 0.3], [0, 0.2, 0.6, 0.2]
P[1, 0], P[1, 1] = [0.3, 0, 0.4, 0.3], [0, 0.3, 0.3, 0.4]
P[2, 0], P[2, 1] = [0.4, 0.3, 0, 0.3], [0.1, 0.1, 0.3, 0.5]
P[3, :, 3] = 1
R = np.array([[1.0, -0.5], [2.0, 0.25], [-1.0, 3.0], [0.0, 0.0]])


class SmallMDP(gym.Env):  # type: ignore[misc]
    """The three-state model with its terminal state 3: an episode ends (terminated) on reaching it."""

    observation_space = gym.spaces.Discrete(S)
    action_space = gym.spaces.Discrete(A)

    def reset(self, *, seed: int | None = None, options: Any = None) -> tuple[int, dict]:
        super().reset(seed=seed)
        self.s = 0
        return self.s, {}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict]:
        r = float(R[self.s, action])
        self.s = int(self.np_random.choice(S, p=P[self.s, action]))
        return self.s, r, self.s == 3, False, {}


def test_a2c_update_matches_stable_baselines3() -> None:
    """SB3's A2C with a linear policy and value head (net_arch [] on one-hot observations), one-step TD advantages
    (gae_lambda = 0), no entropy term, vf_coef = ½, no gradient clipping and plain SGD: one train() on its own rollout
    of 16 steps moves the weights by exactly −α times a2c_loss's gradients on the same transitions (float32, 1e-6).
    """
    model = sb3.A2C("MlpPolicy", SmallMDP(), n_steps=16, gamma=GAMMA, gae_lambda=0.0, ent_coef=0.0, vf_coef=0.5,
                    max_grad_norm=1e9, learning_rate=0.1, normalize_advantage=False, seed=0,
                    policy_kwargs={"net_arch": {"pi": [], "vf": []}, "optimizer_class": torch.optim.SGD,
                                   "optimizer_kwargs": {}})
    pol = model.policy
    with torch.no_grad():  # start from nonzero weights
        g = torch.Generator().manual_seed(1)
        for p in pol.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    W0, b0 = pol.action_net.weight.detach().numpy().copy(), pol.action_net.bias.detach().numpy().copy()
    U0, c0 = pol.value_net.weight.detach().numpy().copy(), pol.value_net.bias.detach().numpy().copy()
    model.learn(total_timesteps=16)  # one rollout of 16 steps, then one train()
    buf = model.rollout_buffer
    states = buf.observations.reshape(16).astype(int)
    actions = buf.actions.reshape(16).astype(int)
    starts = buf.episode_starts.reshape(16).astype(bool)
    # S_{t+1} is the next observation unless an episode ended; the rollout's last step bootstraps from the env's state.
    last_done = bool(model._last_episode_starts[0])
    terminated = np.append(starts[1:], last_done)
    next_states = np.append(states[1:], int(np.asarray(model._last_obs).reshape(-1)[0]))
    next_states[terminated] = 3
    t = Transitions(states, actions, buf.rewards.reshape(16).astype(float), next_states, terminated)

    # θ = (W[a, s] for every (a, s), b[a]); φ(s, a) picks W[a, s] and b[a]. w = (U[0, s], c); ψ(s) = (e_s, 1).
    x = np.zeros((S * A, A * S + A))
    for s in range(S):
        for a in range(A):
            x[s * A + a, a * S + s] = x[s * A + a, A * S + a] = 1.0
    psi = np.hstack([np.eye(S), np.ones((S, 1))])
    theta0 = np.concatenate([W0.ravel(), b0]).astype(np.float64)
    w0 = np.concatenate([U0.ravel(), c0]).astype(np.float64)
    out = a2c_loss(theta0, w0, x, psi, t, gamma=GAMMA, n_actions=A, dtype=np.float32)
    theta1 = theta0 - 0.1 * out.grad_theta
    w1 = w0 - 0.1 * out.grad_w
    np.testing.assert_allclose(pol.action_net.weight.detach().numpy().ravel(), theta1[:A * S], rtol=0, atol=1e-6)
    np.testing.assert_allclose(pol.action_net.bias.detach().numpy(), theta1[A * S:], rtol=0, atol=1e-6)
    np.testing.assert_allclose(pol.value_net.weight.detach().numpy().ravel(), w1[:S], rtol=0, atol=1e-6)
    np.testing.assert_allclose(pol.value_net.bias.detach().numpy(), w1[S:], rtol=0, atol=1e-6)
    assert t.terminated.sum() >= 3 and np.abs(theta1 - theta0).max() > 1e-3  # episodes end inside the batch; a real step

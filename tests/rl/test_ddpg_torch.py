"""DDPG with PyTorch MLPs: one update (1)–(4) against a NumPy computation written here, the mask, the targets, the sign, a seeded run."""

from __future__ import annotations

import copy
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("gymnasium")

from refalgo.rl.ddpg_torch import (
    PAPER_DEVIATIONS,
    DDPGBatch,
    ddpg_networks,
    ddpg_update,
    evaluate_policy,
    ou_noise,
    train_ddpg_pendulum,
)

pytestmark = pytest.mark.parity

BOUND, GAMMA, TAU, LR_A, LR_C = 2.0, 0.99, 0.05, 1e-3, 1e-3


# --- an independent NumPy computation: forward passes and back-propagation written by hand, float64 ---------------

def params(net) -> list[np.ndarray]:
    return [p.detach().numpy().astype(np.float64) for p in net.parameters()]


def relu(z):
    return np.maximum(z, 0.0)


def actor_forward(p, s):
    W1, b1, W2, b2, W3, b3 = p
    z1 = s @ W1.T + b1
    z2 = relu(z1) @ W2.T + b2
    z3 = relu(z2) @ W3.T + b3
    return BOUND * np.tanh(z3), (z1, z2, z3)


def critic_forward(p, s, a):
    V1, c1, V2, c2, V3, c3 = p
    u1 = s @ V1.T + c1
    x = np.concatenate([relu(u1), a], axis=1)
    u2 = x @ V2.T + c2
    return (relu(u2) @ V3.T + c3)[:, 0], (u1, x, u2)


def critic_backward(p, s, cache, dq):
    """Gradients of Σ dq·q̂ in the critic's parameters, and in the action input."""
    V1, _c1, V2, _c2, V3, _c3 = p
    u1, x, u2 = cache
    g2 = relu(u2)
    du2 = (dq[:, None] * V3) * (u2 > 0)
    dx = du2 @ V2
    h1 = V1.shape[0]
    du1 = dx[:, :h1] * (u1 > 0)
    grads = [du1.T @ s, du1.sum(0), du2.T @ x, du2.sum(0), dq[None, :] @ g2, np.array([dq.sum()])]
    return grads, dx[:, h1:]


def actor_backward(p, s, cache, da):
    _W1, _b1, W2, _b2, W3, _b3 = p
    z1, z2, z3 = cache
    dz3 = da * BOUND * (1 - np.tanh(z3) ** 2)
    dz2 = (dz3 @ W3) * (z2 > 0)
    dz1 = (dz2 @ W2) * (z1 > 0)
    return [dz1.T @ s, dz1.sum(0), dz2.T @ relu(z1), dz2.sum(0), dz3.T @ relu(z2), dz3.sum(0)]


def adam_first_step(p, g, lr, eps=1e-8):
    """Adam's first step from zero moments: m̂ = g, v̂ = g², so p − lr·g/(|g| + ε)."""
    return [x - lr * d / (np.abs(d) + eps) for x, d in zip(p, g)]


def reference_update(online_actor, online_critic, target_actor, target_critic, batch, gamma, tau):
    s, a, r, s2, done = (np.asarray(x, np.float64) for x in batch)
    B = len(r)
    mu2, _ = actor_forward(target_actor, s2)
    q2, _ = critic_forward(target_critic, s2, mu2)
    y = r + gamma * (1 - done) * q2  # (1)
    q, cache = critic_forward(online_critic, s, a)
    critic_loss = np.mean((q - y) ** 2)  # (2)
    critic_grad, _ = critic_backward(online_critic, s, cache, 2 * (q - y) / B)
    critic_new = adam_first_step(online_critic, critic_grad, LR_C)
    mu, acache = actor_forward(online_actor, s)
    qa, ccache = critic_forward(critic_new, s, mu)
    actor_loss = -np.mean(qa)  # (3), with the critic after its step
    _, da = critic_backward(critic_new, s, ccache, np.full(B, -1.0 / B))
    actor_grad = actor_backward(online_actor, s, acache, da)
    actor_new = adam_first_step(online_actor, actor_grad, LR_A)
    soft = lambda new, old: [tau * n + (1 - tau) * o for n, o in zip(new, old)]
    return {"y": y, "critic_loss": critic_loss, "critic_grad": critic_grad, "critic_new": critic_new, "actor_loss": actor_loss,
                "actor_grad": actor_grad, "actor_new": actor_new, "actor_target": soft(actor_new, target_actor),
                "critic_target": soft(critic_new, target_critic)}


def make_case(seed=0, B=16, terminated=None):
    nets = ddpg_networks(3, 1, BOUND, seed=seed, hidden=(8, 6), actor_lr=LR_A, critic_lr=LR_C)
    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():  # targets different from the online networks, and final layers large enough to matter
        for net in (nets.actor, nets.critic):
            net.l3.weight.mul_(100)
        for net in (nets.actor_target, nets.critic_target):
            for p in net.parameters():
                p.add_(0.5 * torch.randn(p.shape, generator=gen))
    rng = np.random.default_rng(seed)
    done = (rng.random(B) < 0.5).astype(np.float32) if terminated is None else np.full(B, terminated, np.float32)
    batch = DDPGBatch(rng.normal(size=(B, 3)).astype(np.float32), rng.uniform(-2, 2, (B, 1)).astype(np.float32),
                      rng.uniform(-16, 0, B).astype(np.float32), rng.normal(size=(B, 3)).astype(np.float32), done)
    return nets, batch


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, np.float64), b, rtol=1e-6, atol=1e-6)


# --- one update ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1])
def test_one_update_matches_numpy(seed):
    """One ddpg_update (small networks 3 → 8 → 6, batch of 16, target networks perturbed away from the online ones) equals a NumPy computation written in the test, forward and back-propagation by hand: the targets (1), the critic's loss (2) and gradient, Adam's first step, the actor's loss (3) and gradient through the updated critic, and the soft updates (4), to 1e-6 in float32."""
    nets, batch = make_case(seed)
    before = [params(n) for n in (nets.actor, nets.critic, nets.actor_target, nets.critic_target)]
    ref = reference_update(*before, batch, GAMMA, TAU)
    u = ddpg_update(nets, batch, gamma=GAMMA, tau=TAU)
    close(u.targets, ref["y"])
    close(u.critic_loss, ref["critic_loss"])
    close(u.actor_loss, ref["actor_loss"])
    for got, want in zip(u.critic_grad + u.actor_grad, ref["critic_grad"] + ref["actor_grad"]):
        close(got, want)
    for net, key in ((nets.critic, "critic_new"), (nets.actor, "actor_new"), (nets.actor_target, "actor_target"),
                     (nets.critic_target, "critic_target")):
        for got, want in zip(params(net), ref[key]):
            close(got, want)


def test_terminated_transitions_do_not_bootstrap():
    """A terminated transition's target is its reward, y = r, exactly; the others bootstrap. Replacing (1 − terminated) by terminated, or dropping it, fails this test and the one above."""
    nets, batch = make_case(2)
    u = ddpg_update(nets, batch, gamma=GAMMA, tau=TAU)
    done = batch.terminated == 1
    assert 0 < done.sum() < len(done)
    np.testing.assert_array_equal(u.targets[done], batch.rewards[done])  # y = r when terminated
    assert np.all(np.abs(u.targets[~done] - batch.rewards[~done]) > 1e-3)  # and bootstraps otherwise


def test_targets_come_from_the_target_networks():
    """The targets (1) are computed with the target actor and critic, not the online ones: on a case where the two give targets more than 0.1 apart, the update's y equals the target networks' to 1e-6."""
    nets, batch = make_case(3, terminated=0.0)
    s2 = np.asarray(batch.next_obs, np.float64)
    online = batch.rewards + GAMMA * critic_forward(params(nets.critic), s2, actor_forward(params(nets.actor), s2)[0])[0]
    target = batch.rewards + GAMMA * critic_forward(params(nets.critic_target), s2,
                                                    actor_forward(params(nets.actor_target), s2)[0])[0]
    assert np.abs(online - target).max() > 0.1  # the case tells the two apart
    close(ddpg_update(nets, batch, gamma=GAMMA, tau=TAU).targets, target)


def test_actor_step_increases_the_critics_value():
    """The actor's step ascends the critic: q̂(s, μ(s)) averaged over the batch is larger after the step than before, and the reported actor loss is minus the value before. A loss of +q̂ (the wrong sign) fails."""
    nets, batch = make_case(4)
    old_actor = copy.deepcopy(nets.actor)
    u = ddpg_update(nets, batch, gamma=GAMMA, tau=TAU)
    s = torch.from_numpy(batch.obs)
    with torch.no_grad():
        q_old, q_new = nets.critic(s, old_actor(s)).mean(), nets.critic(s, nets.actor(s)).mean()
    assert float(q_new) > float(q_old)  # ascent on q̂: the actor's loss is −q̂
    assert u.actor_loss == pytest.approx(-float(q_old), rel=1e-6)


def test_tau_one_copies_the_online_networks():
    nets, batch = make_case(5)
    ddpg_update(nets, batch, gamma=GAMMA, tau=1.0)
    for net, target in ((nets.actor, nets.actor_target), (nets.critic, nets.critic_target)):
        for p, q in zip(params(net), params(target)):
            np.testing.assert_array_equal(p, q)


def test_networks_follow_the_paper():
    """The networks are the paper's: 400 and 300 hidden units, the action joining the critic at its second layer, final layers within ±3·10⁻³, actions within the bound ±2 for any input."""
    nets = ddpg_networks(3, 1, BOUND, seed=0)
    shapes = [tuple(p.shape) for p in nets.critic.parameters()]
    assert shapes == [(400, 3), (400,), (300, 401), (300,), (1, 300), (1,)]  # the action joins at the 2nd layer
    assert [tuple(p.shape) for p in nets.actor.parameters()][::2] == [(400, 3), (300, 400), (1, 300)]
    for net in (nets.actor, nets.critic):
        w = float(net.l3.weight.detach().abs().max())
        assert 2.9e-3 < w <= 3e-3
    with torch.no_grad():
        a = nets.actor(100 * torch.randn(50, 3))
    assert float(a.abs().max()) <= BOUND
    assert {row[0] for row in PAPER_DEVIATIONS} >= {"soft update τ", "critic L2 weight decay", "batch normalisation"}


# --- exploration noise -----------------------------------------------------------------------------------------------

def test_ou_stationary_variance_and_correlation():
    """The Ornstein–Uhlenbeck noise nₜ₊₁ = (1 − θ)nₜ + σεₜ with θ = 0.15, σ = 0.2: over 100,000 steps its variance is within 5 % of the closed form σ²/(2θ − θ²) and its lag-one correlation within 0.01 of 1 − θ."""
    theta, sigma = 0.15, 0.2
    x = ou_noise(100_000, theta=theta, sigma=sigma, seed=0)[1000:, 0]
    assert x.var() == pytest.approx(sigma**2 / (2 * theta - theta**2), rel=0.05)  # closed form of the AR(1) process
    assert np.corrcoef(x[:-1], x[1:])[0, 1] == pytest.approx(1 - theta, abs=0.01)


# --- a short seeded run --------------------------------------------------------------------------------------------

def test_short_run_is_reproducible():
    """Two 400-step runs on Pendulum-v1 with the same seed give identical returns, losses and weights; another seed gives other returns. Episodes end by truncation at 200 steps, and the greedy returns lie within Pendulum's bounds [−16.27·200, 0]."""
    kw = {"total_steps": 400, "hidden": (16, 16), "learning_starts": 200, "batch_size": 16, "progress": False}
    a, b, c = train_ddpg_pendulum(seed=3, **kw), train_ddpg_pendulum(seed=3, **kw), train_ddpg_pendulum(seed=4, **kw)
    assert a.history.episode_ends.tolist() == [199, 399]
    np.testing.assert_array_equal(a.history.episode_returns, b.history.episode_returns)
    np.testing.assert_array_equal(a.history.critic_loss, b.history.critic_loss)
    assert np.isnan(a.history.critic_loss[:200]).all() and np.isfinite(a.history.critic_loss[200:]).all()
    for p, q in zip(params(a.actor), params(b.actor)):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(a.history.episode_returns, c.history.episode_returns)
    returns = evaluate_policy(a.actor, episodes=2, seed=0)
    assert returns.shape == (2,) and np.all((returns <= 0) & (returns >= -16.3 * 200))  # Pendulum's reward bounds


# --- bad input -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "name"), [
    ({"tau": 0.0}, "tau"), ({"tau": 1.5}, "tau"), ({"gamma": -0.1}, "gamma"),
])
def test_update_rejects_bad_rates(kwargs, name):
    nets, batch = make_case(0)
    with pytest.raises(ValueError, match=name):
        ddpg_update(nets, batch, **{"gamma": GAMMA, "tau": TAU, **kwargs})


def test_update_rejects_bad_batches():
    nets, batch = make_case(0)
    with pytest.raises(ValueError, match="batch.terminated"):
        ddpg_update(nets, batch._replace(terminated=np.full(16, 0.5)), gamma=GAMMA, tau=TAU)
    with pytest.raises(ValueError, match="batch.actions"):
        ddpg_update(nets, batch._replace(actions=np.zeros((16, 2))), gamma=GAMMA, tau=TAU)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"total_steps": 0}, "total_steps"), ({"hidden": (8,)}, "hidden"), ({"tau": 0}, "tau"),
    ({"actor_lr": -1e-4}, "actor_lr"), ({"ou_theta": 2.5}, "ou_theta"), ({"batch_size": 0}, "batch_size"),
])
def test_training_rejects_bad_settings(kwargs, name):
    with pytest.raises(ValueError, match=name):
        train_ddpg_pendulum(**{"seed": 0, "total_steps": 10, **kwargs})


def test_missing_torch_names_the_parity_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"refalgo\[parity\]"):
        ddpg_networks(3, 1, 2.0, seed=0)

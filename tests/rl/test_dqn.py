"""DQN: one update in NumPy against PyTorch's autograd (float32, 1e-6), the training code's own step, and the greedy values against the exact q*."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from refalgo.mdp import action_values, from_gymnasium, optimal_values_symbolic
from refalgo.rl.dqn import DQNBatch, dqn_update, q_network, train_dqn

torch = pytest.importorskip("torch")
gym = pytest.importorskip("gymnasium")

GAMMA = 0.9


def network(hidden: int, seed: int, n_in: int = 6, n_out: int = 3) -> list[np.ndarray]:
    """Float32 weights ``[W, b]`` or ``[W1, b1, W2, b2]`` drawn from a seeded generator."""
    rng = np.random.default_rng(seed)
    sizes = [(n_out, n_in)] if hidden == 0 else [(hidden, n_in), (n_out, hidden)]
    out = []
    for shape in sizes:
        out += [(0.5 * rng.normal(size=shape)).astype(np.float32), (0.5 * rng.normal(size=shape[0])).astype(np.float32)]
    return out


def fixed_batch(seed: int = 0, B: int = 10, n_in: int = 6, n_actions: int = 3) -> DQNBatch:
    """A batch with some terminated transitions and rewards large enough that some errors fall outside the Huber band."""
    rng = np.random.default_rng(seed)
    done = np.zeros(B, dtype=np.float32)
    done[::3] = 1.0
    return DQNBatch(rng.normal(size=(B, n_in)).astype(np.float32), rng.integers(n_actions, size=B),
                    (2 * rng.normal(size=B)).astype(np.float32), rng.normal(size=(B, n_in)).astype(np.float32), done)


def autograd_update(online, target, batch: DQNBatch, *, gamma: float, lr: float, kappa: float = 1.0,
                    mask: bool = True, use_target: bool = True):
    """The same update written independently in PyTorch: nn.Linear layers, huber_loss, autograd, an SGD step.

    ``mask=False`` drops the (1 − done) factor and ``use_target=False`` bootstraps from the online network: the two
    mistakes the comparison must catch.
    """
    def build(params):
        layers = [torch.nn.Linear(p.shape[1], p.shape[0]) for p in params[::2]]
        with torch.no_grad():
            for layer, W, b in zip(layers, params[::2], params[1::2]):
                layer.weight.copy_(torch.from_numpy(W))
                layer.bias.copy_(torch.from_numpy(b))
        return layers[0] if len(layers) == 1 else torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1])

    net, tnet = build(online), build(target)
    x, x2 = torch.from_numpy(batch.x), torch.from_numpy(batch.next_x)
    r, done = torch.from_numpy(batch.rewards), torch.from_numpy(batch.done)
    with torch.no_grad():
        boot = (tnet if use_target else net)(x2).max(dim=1).values
        y = r + gamma * ((1 - done) if mask else 1.0) * boot
    q = net(x).gather(1, torch.from_numpy(batch.actions).long()[:, None]).squeeze(1)
    loss = torch.nn.functional.huber_loss(q, y, delta=kappa)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    opt.zero_grad()
    loss.backward()
    grads = [p.grad.numpy().copy() for p in net.parameters()]
    opt.step()
    return y.numpy(), (q - y).detach().numpy(), float(loss.detach()), grads, [p.detach().numpy().copy() for p in net.parameters()]


@pytest.mark.parity
@pytest.mark.parametrize("hidden", [0, 8])
@pytest.mark.parametrize("kappa", [1.0, 2.0])
def test_update_matches_pytorch_autograd(hidden: int, kappa: float) -> None:
    """The NumPy update (targets, errors, Huber loss, semi-gradient, SGD step) equals PyTorch autograd's to 1e-6 in float32,
    for a linear network and one with a ReLU hidden layer, with errors on both sides of the Huber band.
    """
    online, target, batch = network(hidden, 1), network(hidden, 2), fixed_batch()
    mine = dqn_update(online, target, batch, gamma=GAMMA, lr=0.1, huber_delta=kappa)
    y, delta, loss, grads, params = autograd_update(online, target, batch, gamma=GAMMA, lr=0.1, kappa=kappa)
    assert np.any(np.abs(delta) > kappa) and np.any(np.abs(delta) <= kappa)
    assert all(a.dtype == np.float32 for a in mine.gradient)
    np.testing.assert_allclose(mine.targets, y, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(mine.td_errors, delta, rtol=1e-6, atol=1e-6)
    assert abs(mine.loss - loss) <= 1e-6 * max(1.0, abs(loss))
    for a, b in zip(mine.gradient, grads):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    for a, b in zip(mine.params, params):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


@pytest.mark.parity
def test_dropping_the_done_mask_or_the_target_network_fails_the_comparison() -> None:
    """The same comparison against an update without (1 − done), or bootstrapping from the online network, differs by far
    more than 1e-6: the test above would catch either mistake.
    """
    online, target, batch = network(8, 1), network(8, 2), fixed_batch()
    mine = dqn_update(online, target, batch, gamma=GAMMA, lr=0.1)
    for wrong in ({"mask": False}, {"use_target": False}):
        y, _, _, grads, _ = autograd_update(online, target, batch, gamma=GAMMA, lr=0.1, **wrong)
        assert np.max(np.abs(mine.targets - y)) > 1e-2
        assert max(np.max(np.abs(a - b)) for a, b in zip(mine.gradient, grads)) > 1e-3


def test_hand_computed_update() -> None:
    """Two one-hot transitions, linear network W = [[1, 2], [3, 4]] (rows: actions), b = 0, target network 2W, γ = 1/2:
    the terminated one has y = r = 1, the other y = 0 + ½·max(2·2, 2·4) = 4; δ = (1 − 1, 2 − 4) = (0, −2);
    Huber (κ = 1): loss = (0 + 1.5)/2 = 0.75; ∂L/∂q = clip(δ)/2 = (0, −½), so ∇W = [[0, −½], [0, 0]].
    """
    W = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    b = np.zeros(2, dtype=np.float32)
    batch = DQNBatch(np.eye(2, dtype=np.float32), np.array([0, 0]), np.array([1.0, 0.0], dtype=np.float32),
                     np.eye(2, dtype=np.float32)[[0, 1]], np.array([1.0, 0.0], dtype=np.float32))
    u = dqn_update([W, b], [2 * W, b], batch, gamma=0.5, lr=1.0)
    assert u.targets.tolist() == [1.0, 4.0]
    assert u.td_errors.tolist() == [0.0, -2.0]
    assert u.loss == 0.75
    assert u.gradient[0].tolist() == [[0.0, -0.5], [0.0, 0.0]] and u.gradient[1].tolist() == [-0.5, 0.0]


@pytest.mark.parity
def test_training_step_is_the_same_update() -> None:
    """train_dqn's own PyTorch step (with plain SGD in place of Adam) moves one-hot linear weights exactly as dqn_update."""
    from refalgo.rl import dqn

    online, target = network(0, 3, n_in=5, n_out=2), network(0, 4, n_in=5, n_out=2)
    rows = np.array([[0, 1, 2, 0], [3, 0, 4, 1], [2, 1, 2, 0], [4, 0, 0, 1]], dtype=np.int64)
    r = np.array([1.0, -2.0, 0.5, 3.0], dtype=np.float32)
    eye = np.eye(5, dtype=np.float32)
    batch = DQNBatch(eye[rows[:, 0]], rows[:, 1], r, eye[rows[:, 2]], rows[:, 3].astype(np.float32))
    mine = dqn_update(online, target, batch, gamma=GAMMA, lr=0.05)
    net, tnet = torch.nn.Linear(5, 2), torch.nn.Linear(5, 2)
    with torch.no_grad():
        for layer, (W, bias) in ((net, online), (tnet, target)):
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(bias))
    loss = dqn._torch_step(torch, net, tnet, torch.optim.SGD(net.parameters(), lr=0.05), torch.eye(5), rows, r, GAMMA, 1.0)
    assert abs(loss - mine.loss) <= 1e-6
    np.testing.assert_allclose(net.weight.detach().numpy(), mine.params[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(net.bias.detach().numpy(), mine.params[1], rtol=1e-6, atol=1e-6)


@pytest.mark.parity
def test_greedy_values_approach_exact_q_star() -> None:
    """FrozenLake-v1 4×4, not slippery, γ = 0.9: a linear DQN on one-hot states (tabular Q-learning on replayed
    minibatches, 2,000 steps) gets max_a q̂(s, a) within 0.05 of v*(s) on every state where the agent acts, and its greedy
    policy reaches the goal; q* = action values of the exact optimal values of from_gymnasium's model (refalgo.mdp).
    v* ranges over 0.9⁰ … 0.9⁵ here, so 0.05 is below every gap between neighbouring states' values: a wrong target
    (a dropped mask or discount) moves them by more.
    """
    env = gym.make("FrozenLake-v1", is_slippery=False)
    mdp = from_gymnasium(env, "9/10")
    v = np.array([float(x) for x in optimal_values_symbolic(mdp).values])
    q_star = action_values(mdp, v)[:16]
    acting = np.array([c not in "HG" for c in env.unwrapped.desc.ravel().astype(str)])
    run = train_dqn(env, n_steps=2000, gamma=0.9, seed=0, progress=False)
    assert np.max(np.abs(run.q_values.max(axis=1) - v[:16])[acting]) < 0.05
    greedy = run.q_values.argmax(axis=1)
    assert np.all(np.isclose(q_star[np.arange(16), greedy], q_star.max(axis=1))[acting])  # greedy actions are optimal
    assert run.history.q_values.shape == (51, 16, 4) and np.isnan(run.history.loss[:99]).all()
    assert run.history.episode_returns[-1] == 1.0


@pytest.mark.parity
def test_seeded_and_reproducible_with_soft_updates() -> None:
    """The same seed gives the same history (hidden layer, soft target updates); another seed another one."""
    env = gym.make("FrozenLake-v1", is_slippery=False)
    kw = {"n_steps": 150, "gamma": 0.9, "hidden": 4, "tau": 0.1, "learning_starts": 20, "progress": False}
    a, b, c = (train_dqn(env, seed=s, **kw) for s in (3, 3, 4))
    assert np.array_equal(a.q_values, b.q_values) and np.array_equal(a.history.loss, b.history.loss, equal_nan=True)
    assert not np.array_equal(a.q_values, c.q_values)
    assert a.history.epsilon[0] == 1.0 and np.isclose(a.history.epsilon[75], 0.05) and a.history.epsilon[-1] == 0.05


def test_bad_input() -> None:
    """Continuous spaces, γ, learning rate, ε, τ and counts out of range; weights, batches and actions of the wrong shape."""
    env = gym.make("FrozenLake-v1")
    with pytest.raises(ValueError, match="env"):
        train_dqn(gym.make("CartPole-v1"), n_steps=10, gamma=0.9, seed=0)
    for bad, name in (({"gamma": 1.5}, "gamma"), ({"lr": 0.0}, "lr"), ({"epsilon_end": 2.0}, "epsilon_end"),
                      ({"tau": 0.0}, "tau"), ({"batch_size": 0}, "batch_size"), ({"n_steps": 0}, "n_steps")):
        kw = {"n_steps": 10, "gamma": 0.9, "seed": 0} | bad
        with pytest.raises(ValueError, match=name):
            train_dqn(env, **kw)
    online = network(0, 0)
    batch = fixed_batch()
    with pytest.raises(ValueError, match="target"):
        dqn_update(online, network(4, 0), batch, gamma=0.9, lr=0.1)
    with pytest.raises(ValueError, match="online"):
        dqn_update(online[:1], online, batch, gamma=0.9, lr=0.1)
    with pytest.raises(ValueError, match="batch.actions"):
        dqn_update(online, online, batch._replace(actions=batch.actions + 3), gamma=0.9, lr=0.1)
    with pytest.raises(ValueError, match="batch.next_x"):
        dqn_update(online, online, batch._replace(next_x=batch.next_x[:2]), gamma=0.9, lr=0.1)
    with pytest.raises(ValueError, match="huber_delta"):
        dqn_update(online, online, batch, gamma=0.9, lr=0.1, huber_delta=-1.0)
    with pytest.raises(ValueError, match="x"):
        q_network(online, np.zeros((2, 5)))


def test_refalgo_rl_imports_without_torch() -> None:
    """With PyTorch hidden, `import refalgo.rl` works and train_dqn raises an ImportError that names the parity extra."""
    code = ("import sys; sys.modules['torch'] = None\n"
            "import refalgo.rl\nfrom refalgo.rl.dqn import train_dqn\n"
            "import gymnasium as gym\n"
            "try:\n    train_dqn(gym.make('FrozenLake-v1'), n_steps=5, gamma=0.9, seed=0)\n"
            "except ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "refalgo[parity]" in out

"""DDPG on LQR in NumPy: its pieces (replay buffer, OU and Gaussian noise, soft updates) and the learner, checked against the exact LQR answer."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import sympy as sp

from refalgo.rl.ddpg import (
    ReplayBatch,
    ReplayBuffer,
    ddpg_lqr,
    ddpg_lqr_update,
    gaussian_noise,
    ornstein_uhlenbeck_noise,
    ou_moments,
    ou_moments_symbolic,
    quadratic_critic,
    soft_update,
    soft_update_symbolic,
)
from refalgo.rl.lqr import lqr_optimal, lqr_q_matrix

# The scalar system of the tests: x' = 0.9x + u, cost x² + u², γ = 0.9; K* ≈ 0.511 (by hand in the first test).
A, B, Q, R, GAMMA = np.array([[0.9]]), np.array([[1.0]]), np.array([[1.0]]), np.array([[1.0]]), 0.9
# The step sizes at which DDPG converges on it and plain online DPG does not (the τ ablation of the page).
ABLATION = {"actor_lr": 2e-2, "critic_lr": 0.15, "episode_length": 10, "learning_starts": 200}


@cache
def exact_gain() -> np.ndarray:
    return np.asarray(lqr_optimal(A, B, Q, R, gamma=GAMMA)[0])


def h_matrix(K: np.ndarray) -> np.ndarray:
    return np.asarray(lqr_q_matrix(A, B, Q, R, K, gamma=GAMMA))


def test_scalar_riccati_by_hand() -> None:
    """The scalar system's optimal gain from the Riccati equation solved by hand equals lqr_optimal's.

    p = 1 + 0.729p − 0.6561p²/(1 + 0.9p) multiplies out to 0.9p² − 0.629p − 1 = 0; K* = 0.81p/(1 + 0.9p).
    """
    p = (0.629 + np.sqrt(0.629**2 + 4 * 0.9)) / (2 * 0.9)
    assert abs(0.81 * p / (1 + 0.9 * p) - exact_gain()[0, 0]) < 1e-12


# ---------------------------------------------------------------------------------------------------------------
# Exploration noise
# ---------------------------------------------------------------------------------------------------------------

def test_ou_sampled_moments_match_the_exact_ones() -> None:
    """Across 20,000 independent OU paths the sample mean and variance after k steps match the closed form (6) within 5 standard errors."""
    kw = {"ou_theta": 0.5, "sigma": 0.4, "dt": 0.2, "mu": 1.0}
    paths = ornstein_uhlenbeck_noise(31, x0=-1.0, size=20_000, seed=3, **kw)
    for k in (5, 30):
        mean, var = (float(v) for v in ou_moments_symbolic(k, x0=-1, ou_theta="0.5", sigma="0.4", dt="0.2", mu=1))
        n = paths.shape[1]
        assert abs(paths[k].mean() - mean) < 5 * np.sqrt(var / n)
        assert abs(paths[k].var() - var) < 5 * var * np.sqrt(2 / n)


def test_ou_stationary_variance_tends_to_the_continuous_one() -> None:
    """The discretised stationary variance σ²/(θ(2 − θΔt)) tends to the continuous σ²/(2θ) (Uhlenbeck & Ornstein 1930) as Δt → 0, from above."""
    gaps = [float(ou_moments_symbolic(None, ou_theta="0.15", sigma="0.2", dt=dt)[1]) - 0.2**2 / (2 * 0.15) for dt in (1, "0.1", "0.001")]
    assert gaps[0] > gaps[1] > gaps[2] > 0
    assert gaps[2] < 1.1e-5


def test_ou_with_the_papers_settings() -> None:
    """Lillicrap et al.'s θ = 0.15, σ = 0.2 at Δt = 1: stationary variance 0.04/(0.15·1.85) = 16/111, and the recursion reaches it."""
    assert ou_moments_symbolic(None, ou_theta="0.15", sigma="0.2", dt=1) == (0, sp.Rational(16, 111))
    assert abs(ou_moments(400, ou_theta=0.15, sigma=0.2, dt=1.0)[1] - 16 / 111) < 1e-12


def test_noise_is_seeded() -> None:
    """The same seed gives the same noise, another seed another; Gaussian noise has the requested scale."""
    assert np.array_equal(ornstein_uhlenbeck_noise(50, seed=1), ornstein_uhlenbeck_noise(50, seed=1))
    assert not np.array_equal(ornstein_uhlenbeck_noise(50, seed=1), ornstein_uhlenbeck_noise(50, seed=2))
    g = gaussian_noise(40_000, sigma=0.3, seed=0)
    assert abs(g.std() - 0.3) < 5 * 0.3 / np.sqrt(2 * 40_000)


# ---------------------------------------------------------------------------------------------------------------
# Replay buffer and soft updates
# ---------------------------------------------------------------------------------------------------------------

def filled(n_added: int, capacity: int) -> ReplayBuffer:
    buf = ReplayBuffer(capacity, state_dim=1, action_dim=1, seed=0)
    for i in range(n_added):
        buf.add([float(i)], [0.0], float(i), [0.0])
    return buf


def test_replay_buffer_samples_uniformly_without_repeats() -> None:
    """Each of 10 stored transitions is drawn equally often (a χ² test at 0.1%), and a batch never repeats a transition."""
    buf = filled(10, 10)
    counts = np.zeros(10)
    for _ in range(2000):
        cost = buf.sample(3).cost
        assert len(set(cost.tolist())) == 3
        counts[cost.astype(int)] += 1
    expected = 2000 * 3 / 10
    assert ((counts - expected) ** 2 / expected).sum() < 27.88  # χ²(9) at 0.1%


def test_replay_buffer_keeps_the_last_transitions() -> None:
    """Past its capacity the buffer holds exactly the last `capacity` transitions; `newest` is the last one added."""
    buf = filled(13, 5)
    assert len(buf) == 5
    assert sorted(buf.sample(5).cost.tolist()) == [8.0, 9.0, 10.0, 11.0, 12.0]
    assert buf.newest().cost.tolist() == [12.0]


def test_soft_update() -> None:
    """τ = 1 copies the online parameters; k soft updates toward fixed θ leave (1 − τ)^k of the gap (the derivation)."""
    online, target = np.array([1.0, -2.0]), np.array([3.0, 0.5])
    assert np.array_equal(soft_update(target, online, tau=1.0), online)
    t = target
    for _ in range(7):
        t = soft_update(t, online, tau=0.2)
    assert np.allclose(t, online + 0.8**7 * (target - online), rtol=0, atol=1e-14)
    assert np.array_equal(soft_update(target, online, tau=0.2, n_updates=7), t)
    assert soft_update_symbolic([3, "1/2"], [1, -2], tau="0.2", n_updates=7) == [1 + sp.Rational(4, 5) ** 7 * 2,
                                                                                   -2 + sp.Rational(4, 5) ** 7 * sp.Rational(5, 2)]


# ---------------------------------------------------------------------------------------------------------------
# One update
# ---------------------------------------------------------------------------------------------------------------

def random_update_inputs(seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    n, m, N = 2, 1, 7

    def sym(d: int) -> np.ndarray:
        M = rng.normal(size=(d, d))
        return M + M.T

    batch = ReplayBatch(rng.normal(size=(N, n)), rng.normal(size=(N, m)), rng.random(N), rng.normal(size=(N, n)))
    return rng.normal(size=(m, n)), sym(n + m), 0.3, rng.normal(size=(m, n)), sym(n + m), -0.2, batch


def test_update_gradients_match_finite_differences() -> None:
    """The critic's gradient (2) and the actor's DPG gradient (3) equal central finite differences of (1/N)Σδ² (target fixed) and of (1/N)ΣQ̂(x, −Kx)."""
    K, H, b, Kt, Ht, bt, batch = random_update_inputs(0)
    up = ddpg_lqr_update(K, H, b, Kt, Ht, bt, batch, gamma=0.9, actor_lr=0.01, critic_lr=0.01)
    h = 1e-6

    def critic_loss(Hx: np.ndarray, bx: float) -> float:
        return float(np.mean((quadratic_critic(Hx, bx, batch.x, batch.u) - up.targets) ** 2))

    for i, j in [(0, 0), (0, 2), (1, 2), (2, 2)]:
        E = np.zeros_like(H)
        E[i, j] = E[j, i] = h / (2 if i != j else 1)  # a symmetric step: ∂/∂H_ij along (e_ij + e_ji)/2
        fd = (critic_loss(H + E, b) - critic_loss(H - E, b)) / (2 * h)
        assert abs(fd - up.grad_H[i, j]) < 1e-5 * (1 + abs(fd))
    assert abs((critic_loss(H, b + h) - critic_loss(H, b - h)) / (2 * h) - up.grad_b) < 1e-5

    def actor_objective(Kx: np.ndarray) -> float:
        return float(np.mean(quadratic_critic(up.H, up.b, batch.x, -batch.x @ Kx.T)))

    for j in range(K.shape[1]):
        E = np.zeros_like(K)
        E[0, j] = h
        fd = (actor_objective(K + E) - actor_objective(K - E)) / (2 * h)
        assert abs(fd - up.grad_K[0, j]) < 1e-5 * (1 + abs(fd))
    assert np.allclose(up.K, K - 0.01 * up.grad_K) and np.allclose(up.H, H - 0.01 * up.grad_H)


def test_exact_critic_is_a_fixed_point() -> None:
    """With H = H_K from lqr_q_matrix, b = 0 and targets equal to the online parameters, every Bellman error δ is 0; at K* the actor's gradient is 0 too."""
    rng = np.random.default_rng(1)
    x, u = rng.normal(size=(20, 1)), rng.normal(size=(20, 1))
    batch = ReplayBatch(x, u, (x**2 + u**2).ravel(), x * 0.9 + u)
    for K in (np.array([[0.2]]), exact_gain()):
        HK = h_matrix(K)
        up = ddpg_lqr_update(K, HK, 0.0, K, HK, 0.0, batch, gamma=GAMMA, actor_lr=0.1, critic_lr=0.1)
        assert np.abs(up.td_errors).max() < 1e-10
    assert np.abs(up.grad_K).max() < 1e-10


# ---------------------------------------------------------------------------------------------------------------
# The learner
# ---------------------------------------------------------------------------------------------------------------

@cache
def ddpg_runs() -> tuple:
    return tuple(ddpg_lqr(A, B, Q, R, gamma=GAMMA, n_steps=3000, seed=s, tau=0.1, record_every=50, progress=False, **ABLATION)
                 for s in range(3))


def test_ddpg_converges_to_the_optimal_gain() -> None:
    """From K = 0, DDPG with replay and soft targets (τ = 0.1) reaches K* within 10⁻³ in 3,000 steps, for each of 3 seeds."""
    for run in ddpg_runs():
        assert not run.diverged
        assert abs(run.K[0, 0] - exact_gain()[0, 0]) < 1e-3


def test_critic_approaches_the_exact_q_matrix() -> None:
    """The critic's H approaches the exact H_K of the current gain: relative error below 1% at the end, and a tenth of what it was 500 steps after learning began; b approaches 0."""
    for run in ddpg_runs():
        hist = run.history
        errors = [np.abs(H - h_matrix(K)).max() / np.abs(h_matrix(K)).max() for H, K in zip(hist.H, hist.K)]
        early = errors[list(hist.steps).index(700)]
        assert errors[-1] < 0.01 and errors[-1] < early / 10
        assert abs(run.b) < 0.05


def oscillation(run: object) -> float:
    """Peak-to-peak of K over the second half of the recorded run (inf if it diverged)."""
    if run.diverged:  # type: ignore[attr-defined]
        return float("inf")
    K = run.history.K[:, 0, 0]  # type: ignore[attr-defined]
    return float(np.ptp(K[len(K) // 2 :]))


def test_tau_one_without_replay_oscillates_or_diverges() -> None:
    """At DDPG's step sizes, plain online DPG (τ = 1, the newest transition only) diverges or swings by more than 0.005 in K over the second half of 3,000 steps, for each of 3 seeds; DDPG swings by less than 0.001."""
    for seed, stable in enumerate(ddpg_runs()):
        online = ddpg_lqr(A, B, Q, R, gamma=GAMMA, n_steps=3000, seed=seed, tau=1.0, replay=False, record_every=50,
                          progress=False, **ABLATION)
        assert oscillation(online) > 0.005
        assert oscillation(stable) < 0.001


def test_runs_are_seeded() -> None:
    """The same seed gives the same history; with OU exploration DDPG also reaches K* within 10⁻³."""
    kw = {"gamma": GAMMA, "n_steps": 2000, "record_every": 100, "progress": False, "noise": "ou", "dt": 1.0, "ou_theta": 0.5,
          "tau": 0.1, **ABLATION}
    first, again = ddpg_lqr(A, B, Q, R, seed=5, **kw), ddpg_lqr(A, B, Q, R, seed=5, **kw)
    assert np.array_equal(first.history.K, again.history.K) and np.array_equal(first.history.H, again.history.H)
    assert abs(first.K[0, 0] - exact_gain()[0, 0]) < 1e-3


# ---------------------------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------------------------

def test_bad_input() -> None:
    """Bad input is refused with a ValueError naming the argument: τ outside (0, 1], an empty or too small buffer, γ >= 1, R not positive definite, mismatched shapes, an unstable OU discretisation, an unknown noise."""
    run = {"gamma": GAMMA, "n_steps": 10, "seed": 0, "progress": False}
    with pytest.raises(ValueError, match="tau: expected a soft-update rate in \\(0, 1\\]; got 0.0"):
        soft_update([1.0], [2.0], tau=0.0)
    with pytest.raises(ValueError, match="tau: .* got 1.5"):
        ddpg_lqr(A, B, Q, R, tau=1.5, **run)
    with pytest.raises(ValueError, match="batch_size: .*empty"):
        filled(0, 4).sample(1)
    with pytest.raises(ValueError, match="batch_size: expected at most the 2 transitions"):
        filled(2, 4).sample(3)
    with pytest.raises(ValueError, match="buffer: .*empty"):
        filled(0, 4).newest()
    with pytest.raises(ValueError, match="gamma: expected a discount in \\[0, 1\\)"):
        ddpg_lqr(A, B, Q, R, **{**run, "gamma": 1.0})
    with pytest.raises(ValueError, match="R: expected a symmetric positive definite matrix"):
        ddpg_lqr(A, B, Q, [[0.0]], **run)
    with pytest.raises(ValueError, match="Q: expected shape \\(1, 1\\)"):
        ddpg_lqr(A, B, np.eye(2), R, **run)
    with pytest.raises(ValueError, match="K0: expected shape \\(1, 1\\)"):
        ddpg_lqr(A, B, Q, R, K0=[[1.0, 2.0]], **run)
    with pytest.raises(ValueError, match="ou_theta \\* dt: expected a number in \\(0, 2\\)"):
        ornstein_uhlenbeck_noise(5, ou_theta=2.0, dt=1.0, seed=0)
    with pytest.raises(ValueError, match="noise: expected 'gaussian' or 'ou'"):
        ddpg_lqr(A, B, Q, R, noise="uniform", **run)
    with pytest.raises(ValueError, match="learning_starts: expected an integer >= 32"):
        ddpg_lqr(A, B, Q, R, learning_starts=10, **run)
    with pytest.raises(ValueError, match="H: expected a symmetric matrix"):
        K, H, b, Kt, Ht, bt, batch = random_update_inputs(0)
        ddpg_lqr_update(K, H + np.triu(np.ones_like(H), 1), b, Kt, Ht, bt, batch, gamma=0.9, actor_lr=0.1, critic_lr=0.1)
    with pytest.raises(ValueError, match="n_updates: expected an integer >= 0"):
        soft_update([1.0], [2.0], tau=0.5, n_updates=-1)
    with pytest.raises(ValueError, match="tau: expected a soft-update rate"):
        soft_update_symbolic([1], [2], tau=0)
    with pytest.raises(ValueError, match="H0: expected a symmetric matrix"):
        ddpg_lqr(A, B, Q, R, H0=[[1.0, 2.0], [0.0, 1.0]], **run)
    with pytest.raises(ValueError, match="k: expected an integer >= 0"):
        ou_moments_symbolic(-1, ou_theta=1, sigma=1, dt=1)

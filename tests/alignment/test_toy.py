"""The toy DPO experiment: DPO on population Bradley–Terry preferences converges to π*.

With finite data DPO converges to the optimum for the *empirical* preference
frequencies, not to π*; the convergence property therefore uses the exact expected
loss under Bradley–Terry (population weights), for which π* is the true target.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from refalgo.alignment import (
    bt_preference_weights,
    bt_preference_weights_symbolic,
    kl_optimum,
    sample_preference_weights,
    toy_dpo_loss,
    toy_dpo_loss_symbolic,
    train_toy_dpo,
)
from refalgo.alignment._engine.descent import smoothness_step


@st.composite
def toy_problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float]:
    p, k = draw(st.integers(1, 3)), draw(st.integers(2, 5))
    weights = np.array(draw(st.lists(st.integers(1, 20), min_size=p * k, max_size=p * k)), dtype=np.float64).reshape(p, k)
    reward = np.array(draw(st.lists(st.floats(-2, 2), min_size=p * k, max_size=p * k))).reshape(p, k)
    beta = draw(st.sampled_from([0.05, 0.2, 1.0, 3.0]))
    return weights / weights.sum(axis=1, keepdims=True), reward, beta


@given(toy_problems())
def test_dpo_on_population_preferences_converges_to_the_kl_optimum(problem: tuple) -> None:
    """The toy experiment: gradient descent on DPO with population Bradley–Terry preferences converges to π* within
    10⁻⁸, monotonically, and its implicit rewards recover r up to a shift per prompt.
    """
    q, r, beta = problem
    run = train_toy_dpo(q, bt_preference_weights(r), beta=beta, steps=400, optimizer="gd")
    assert np.all(np.abs(run.policy - kl_optimum(q, r, beta=beta)) <= 1e-8)
    assert np.all(np.diff(run.losses) <= 1e-12)  # step 1/L: monotone descent
    # implicit rewards recover r up to a per-prompt shift
    implicit = run.implicit_rewards[-1]
    centred = (implicit - implicit.mean(axis=1, keepdims=True)) - (r - r.mean(axis=1, keepdims=True))
    assert np.all(np.abs(centred) <= 1e-6)


def test_adam_also_converges() -> None:
    q = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    r = np.array([[1.0, -0.5, 0.0], [0.0, 2.0, -1.0]])
    run = train_toy_dpo(q, bt_preference_weights(r), beta=0.5, steps=1500, optimizer="adam")
    assert np.all(np.abs(run.policy - kl_optimum(q, r, beta=0.5)) <= 1e-6)
    assert run.losses.shape == (1501,) and run.implicit_rewards.shape == (1501, 2, 3)


@given(toy_problems())
def test_gradient_matches_central_differences(problem: tuple) -> None:
    """The toy loss's gradient matches central differences."""
    q, r, beta = problem
    w = bt_preference_weights(r)
    theta = np.log(q) + 0.3 * r
    _, grad = toy_dpo_loss(theta, q, w, beta=beta)
    step = 1e-6
    for idx in np.ndindex(*theta.shape):
        e = np.zeros_like(theta)
        e[idx] = step
        fd = (toy_dpo_loss(theta + e, q, w, beta=beta)[0] - toy_dpo_loss(theta - e, q, w, beta=beta)[0]) / (2 * step)
        assert abs(fd - grad[idx]) <= 1e-7


@given(st.integers(1, 2), st.integers(2, 3), st.integers(0, 2**32 - 1), st.sampled_from(["1/10", "1/2", "2"]))
def test_gradient_matches_the_symbolic_derivative(p: int, k: int, seed: int, beta: str) -> None:
    """The toy loss's gradient matches SymPy's derivative of the exact loss at rational logits, to 1e-13."""
    rng = np.random.default_rng(seed)
    q = [[sp.Rational(int(v), 10) for v in row] for row in rng.multinomial(10 - k, np.ones(k) / k, size=p) + 1]
    raw = rng.integers(1, 6, size=(p, k, k)) * (1 - np.eye(k, dtype=int))
    w = [[[sp.Rational(int(v), int(raw[i].sum())) for v in row] for row in raw[i]] for i in range(p)]
    point = {(i, j): sp.Rational(int(rng.integers(-8, 9)), 4) for i in range(p) for j in range(k)}
    thetas = {ij: sp.Symbol(f"t_{ij[0]}_{ij[1]}", real=True) for ij in point}
    loss = toy_dpo_loss_symbolic([[thetas[i, j] for j in range(k)] for i in range(p)], q, w, beta=beta)
    exact = np.array([[float(sp.N(sp.diff(loss, thetas[i, j]).subs({thetas[ij]: v for ij, v in point.items()}), 30))
                       for j in range(k)] for i in range(p)])
    theta = np.array([[float(point[i, j]) for j in range(k)] for i in range(p)])
    as_float = lambda a: np.array(a, dtype=object).astype(np.float64)  # noqa: E731
    _, grad = toy_dpo_loss(theta, as_float(q), as_float(w), beta=float(sp.Rational(beta)))
    assert np.all(np.abs(grad - exact) <= 1e-13)


@given(toy_problems())
def test_minimum_value_is_the_bradley_terry_entropy(problem: tuple) -> None:
    # At π* every β(h_i - h_j) equals r_i - r_j, so the loss is Σ W_ij softplus(-(r_i - r_j)):
    # the expected BT negative log-likelihood of the true reward.
    """At π* the toy loss equals the Bradley–Terry entropy of r (the expected negative log-likelihood of the true
    reward), and its gradient vanishes.
    """
    q, r, beta = problem
    w = bt_preference_weights(r)
    star = kl_optimum(q, r, beta=beta)
    loss, grad = toy_dpo_loss(np.log(star), q, w, beta=beta)
    expected = np.sum(w * np.logaddexp(0, -(r[:, :, None] - r[:, None, :]))) / r.shape[0]
    assert abs(loss - expected) <= 1e-12 and np.all(np.abs(grad) <= 1e-12)


def test_finite_data_converges_to_the_empirical_optimum() -> None:
    # K = 2: the empirical optimum has β(h_1 - h_2) = log(wins_1 / wins_2), not r_1 - r_2.
    q, r, beta = np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]), 0.5
    w = sample_preference_weights(r, comparisons=200, seed=3)
    run = train_toy_dpo(q, w, beta=beta, steps=400, optimizer="gd")
    h = run.implicit_rewards[-1, 0]
    assert abs((h[0] - h[1]) - np.log(w[0, 0, 1] / w[0, 1, 0])) <= 1e-8
    assert 0 < w[0, 0, 1] < 1 and abs(w.sum() - 1) <= 1e-12


def test_sampled_weights_approach_the_population() -> None:
    r = np.array([[0.0, 1.0, -1.0]])
    w = sample_preference_weights(r, comparisons=200_000, seed=0)
    assert np.all(np.abs(w - bt_preference_weights(r)) <= 5e-3)  # ~ 4 standard errors


@given(toy_problems(), st.integers(0, 2**32 - 1))
def test_the_step_size_bounds_the_curvature(problem: tuple, seed: int) -> None:
    """The gradient-descent step 1/L bounds the curvature: L is at least the largest Hessian eigenvalue (central differences of the gradient) at random logits."""
    q, r, beta = problem
    w = bt_preference_weights(r)
    theta = np.log(q) + np.random.default_rng(seed).normal(size=q.shape)
    n, step = theta.size, 1e-5
    hessian = np.empty((n, n))
    for k in range(n):
        e = np.zeros(n)
        e[k] = step
        up = toy_dpo_loss(theta + e.reshape(theta.shape), q, w, beta=beta)[1].ravel()
        down = toy_dpo_loss(theta - e.reshape(theta.shape), q, w, beta=beta)[1].ravel()
        hessian[:, k] = (up - down) / (2 * step)
    largest = np.linalg.eigvalsh((hessian + hessian.T) / 2).max()
    assert largest <= 1 / smoothness_step(w, beta) + 1e-7


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: bt_preference_weights([1.0]), ValueError, "reward: expected at least 2 responses"),
        (lambda: bt_preference_weights_symbolic([1]), ValueError, "reward: expected at least 2 responses"),
        (lambda: sample_preference_weights([0.0, 1.0], comparisons=0, seed=0), ValueError, "comparisons: expected a positive integer"),
        (lambda: toy_dpo_loss([0.0, 0.0], [1.0, 0.0], np.zeros((1, 2, 2)), beta=1.0), ValueError, r"reference\[0, 1\]: expected a probability > 0"),
        (lambda: toy_dpo_loss([0.0, 0.0], [0.5, 0.5], np.zeros((1, 3, 3)), beta=1.0), ValueError, "weights: expected shape"),
        (lambda: toy_dpo_loss([0.0, 0.0], [0.5, 0.5], -np.ones((1, 2, 2)), beta=1.0), ValueError, r"weights\[0, 0, 0\]: expected a probability >= 0"),
        (lambda: toy_dpo_loss([0.0, np.nan], [0.5, 0.5], np.zeros((1, 2, 2)), beta=1.0), ValueError, "logits: expected finite"),
        (lambda: toy_dpo_loss([0.0, 0.0], [0.5, 0.5], np.full((1, 2, 2), 0.5), beta=1.0), ValueError, r"weights\[0\] sums to 2, expected 1"),
        (lambda: toy_dpo_loss([0.0, 0.0], [0.5, 0.5], np.zeros((1, 2, 2)), beta=0.0), ValueError, "beta: expected a number > 0"),
        (lambda: train_toy_dpo([0.5, 0.5], np.zeros((1, 2, 2)), beta=1.0, steps=0), ValueError, "steps: expected a positive integer"),
        (lambda: train_toy_dpo([0.5, 0.5], np.zeros((1, 2, 2)), beta=1.0, optimizer="sgd"), ValueError, "optimizer: expected"),
        (lambda: train_toy_dpo([0.5, 0.5], np.zeros((1, 2, 2)), beta=1.0, lr=-1.0), ValueError, "lr: expected a number > 0"),
    ],
)
def test_bad_input(call: object, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        call()  # type: ignore[operator]

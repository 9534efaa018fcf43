"""Adam and AdamW as properties: degenerate-case identities, invariances, exact decay, the step-size bound."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.optim import (
    adam_init,
    adam_step,
    adam_step_bound,
    adam_step_bound_symbolic,
    adamw_step,
    adamw_symbolic,
)

betas_st = st.tuples(st.floats(0.0, 0.99), st.floats(0.01, 0.999))
lr_st = st.sampled_from([1e-3, 1e-2, 0.1])


def _history(draw: st.DrawFn, n: int, steps: int, nonzero: bool = False) -> np.ndarray:
    """Gradients with log-uniform magnitudes over 1e-3..1e3 and random signs (never 0 if ``nonzero``)."""
    mags = np.array(draw(st.lists(st.floats(-3, 3), min_size=n * steps, max_size=n * steps)))
    signs = np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n * steps, max_size=n * steps)))
    zeros = np.ones(n * steps) if nonzero else np.array(draw(st.lists(st.sampled_from([0.0, 1.0, 1.0]), min_size=n * steps, max_size=n * steps)))
    return (signs * 10.0**mags * zeros).reshape(steps, n)


@st.composite
def histories(draw: st.DrawFn, nonzero: bool = False) -> tuple[np.ndarray, np.ndarray]:
    n, steps = draw(st.integers(1, 4)), draw(st.integers(1, 30))
    p0 = np.array(draw(st.lists(st.floats(-10, 10), min_size=n, max_size=n)))
    return p0, _history(draw, n, steps, nonzero)


def _run(step: object, p0: np.ndarray, grads: np.ndarray, **kw: object) -> tuple[np.ndarray, list[np.ndarray]]:
    p, s = p0, adam_init(p0, amsgrad=bool(kw.get("amsgrad", False)))
    trail = []
    for g in grads:
        p, s = step(p, g, s, **kw)  # type: ignore[operator]
        trail.append(p)
    return p, trail


@given(histories(), betas_st, lr_st, st.booleans(), st.booleans())
def test_adamw_without_decay_is_adam(h: tuple[np.ndarray, np.ndarray], betas: tuple[float, float], lr: float, amsgrad: bool, maximize: bool) -> None:
    """AdamW with λ = 0 is Adam, bit for bit, with any betas, amsgrad and maximize."""
    p0, grads = h
    kw = dict(lr=lr, betas=betas, eps=1e-8, weight_decay=0.0, amsgrad=amsgrad, maximize=maximize)
    a, _ = _run(adam_step, p0, grads, **kw)
    w, _ = _run(adamw_step, p0, grads, **kw)
    assert np.array_equal(a, w)


@given(st.integers(1, 40), st.floats(1e-4, 0.1), st.floats(0.0, 2.0), st.floats(-5, 5), betas_st)
def test_adamw_zero_gradient_decays_geometrically(t: int, lr: float, lam: float, theta0: float, betas: tuple[float, float]) -> None:
    """A coordinate whose gradient stays 0 shrinks as (1 − lr·λ)^t, whatever the other coordinates do."""
    p0 = np.array([theta0, 1.0])
    grads = np.column_stack([np.zeros(t), np.linspace(-1, 2, t)])
    p, _ = _run(adamw_step, p0, grads, lr=lr, betas=betas, weight_decay=lam)
    expected = theta0 * (1 - lr * lam) ** t
    assert abs(p[0] - expected) <= 4e-16 * t * abs(theta0) + 1e-300


@given(st.integers(1, 6), st.sampled_from(["1/10", "1/100", "3/1000"]), st.sampled_from(["0", "1/2", "1/100"]))
def test_adamw_zero_gradient_decay_is_exact(t: int, lr: str, lam: str) -> None:
    """The exact twin gives exactly θ0 (1 − αλ)^t."""
    a, l_ = sp.Rational(lr), sp.Rational(lam)
    traj = adamw_symbolic([3], [[0]] * t, lr=a, betas=("0.9", "0.999"), eps="1e-8", weight_decay=l_)
    assert traj[t - 1, 0] == 3 * (1 - a * l_) ** t


@given(histories(nonzero=True), betas_st, lr_st, st.floats(-6, 6), st.sampled_from([0.0, 0.3]))
def test_scale_invariance_without_eps(h: tuple[np.ndarray, np.ndarray], betas: tuple[float, float], lr: float, log_c: float, lam: float) -> None:
    """With ε = 0, multiplying every gradient by any c > 0 from 10⁻⁶ to 10⁶ changes nothing (Adam; AdamW whatever its decay)."""
    p0, grads = h
    c = 10.0**log_c
    for step, wd in ((adam_step, 0.0), (adamw_step, lam)):
        a, _ = _run(step, p0, grads, lr=lr, betas=betas, eps=0.0, weight_decay=wd)
        b, _ = _run(step, p0, c * grads, lr=lr, betas=betas, eps=0.0, weight_decay=wd)
        assert np.all(np.abs(a - b) <= 1e-12 * (np.abs(a) + lr * len(grads)))


@given(histories(), betas_st, lr_st)
def test_maximize_is_minimizing_the_negated_gradient(h: tuple[np.ndarray, np.ndarray], betas: tuple[float, float], lr: float) -> None:
    """maximize=True equals minimizing −g, bit for bit."""
    p0, grads = h
    up, _ = _run(adam_step, p0, grads, lr=lr, betas=betas, weight_decay=0.1, maximize=True)
    down, _ = _run(adam_step, p0, -grads, lr=lr, betas=betas, weight_decay=0.1)
    assert np.array_equal(up, down)


@given(histories(), betas_st)
def test_amsgrad_denominator_never_shrinks(h: tuple[np.ndarray, np.ndarray], betas: tuple[float, float]) -> None:
    """The AMSGrad running maximum never shrinks and never falls below v_t."""
    p0, grads = h
    p, s = p0, adam_init(p0, amsgrad=True)
    previous = np.zeros_like(p0)
    for g in grads:
        p, s = adam_step(p, g, s, betas=betas, amsgrad=True)
        assert np.all(s.max_exp_avg_sq >= s.exp_avg_sq) and np.all(s.max_exp_avg_sq >= previous)
        previous = s.max_exp_avg_sq


@given(st.integers(1, 60), betas_st, st.data())
def test_first_moment_is_the_unrolled_sum(t: int, betas: tuple[float, float], data: st.DataObject) -> None:
    """m_t = (1 − β₁) Σ β₁^{t−i} g_i and v_t likewise, for every t (the page derives it at t = 4)."""
    b1, b2 = betas
    g = np.array(data.draw(st.lists(st.floats(-5, 5), min_size=t, max_size=t)))
    p, s = np.zeros(1), adam_init(np.zeros(1))
    for gi in g:
        p, s = adam_step(p, np.array([gi]), s, betas=betas, lr=0.0)
    w1, w2 = (1 - b1) * b1 ** (t - np.arange(1, t + 1)), (1 - b2) * b2 ** (t - np.arange(1, t + 1))
    assert abs(s.exp_avg[0] - w1 @ g) <= 1e-13 * (np.abs(w1) @ np.abs(g) + 1e-300)
    assert abs(s.exp_avg_sq[0] - w2 @ g**2) <= 1e-13 * (w2 @ g**2 + 1e-300)


@given(st.floats(1e-3, 1.0), st.floats(-5, 5), st.floats(0.01, 3), st.floats(1e-3, 0.1))
def test_l2_and_decoupled_differ_by_lr_lambda_theta_after_one_step(g1: float, theta0: float, lam: float, lr: float) -> None:
    """The verified first-step gap: with ε = 0, g₁ > 0 and g₁ + λθ₀ > 0, θ₁(L2) − θ₁(W) = αλθ₀."""
    assume(g1 + lam * theta0 > 1e-3)
    kw = dict(lr=lr, eps=0.0, weight_decay=lam)
    a, _ = _run(adam_step, np.array([theta0]), np.array([[g1]]), **kw)
    w, _ = _run(adamw_step, np.array([theta0]), np.array([[g1]]), **kw)
    gap = lr * lam * theta0
    assert abs((a[0] - w[0]) - gap) <= 1e-15 * (abs(theta0) + 1)


# --------------------------------------------------------------------------- the step-size bound
def _ratio(grads: np.ndarray, betas: tuple[float, float], lr: float = 1e-3) -> float:
    """|Δ_t| / lr of the last step, taken with ε = 0 and no decay (one coordinate).

    The earlier steps use ε = 1 (ε does not enter the moments), so leading zero
    gradients do not make them 0/0.
    """
    p, s = np.zeros(1), adam_init(np.zeros(1))
    for g in grads[:-1]:
        p, s = adam_step(p, np.array([g]), s, lr=lr, betas=betas, eps=1.0)
    last, _ = adam_step(p, np.array([grads[-1]]), s, lr=lr, betas=betas, eps=0.0)
    return float(abs(last[0] - p[0]) / lr)


@given(st.data(), st.integers(1, 40), st.tuples(st.floats(0.0, 0.95), st.floats(0.05, 0.999)))
def test_every_step_is_within_the_tight_bound(data: st.DataObject, t: int, betas: tuple[float, float]) -> None:
    """The step-size bound |Δ_t| ≤ α B_t holds for random histories spanning six orders of magnitude."""
    g = _history(data.draw, 1, t)[:, 0]
    assume(np.any(g != 0))
    bound = adam_step_bound(t, betas=betas)
    assert _ratio(g, betas, lr=1.0) <= bound * (1 + 1e-12)


@given(st.integers(1, 200), st.tuples(st.floats(0.0, 0.95), st.floats(0.05, 0.999)))
def test_the_tight_bound_is_attained(t: int, betas: tuple[float, float]) -> None:
    """Cauchy–Schwarz is an equality for g_i ∝ (β₁/β₂)^{t−i}."""
    b1, b2 = betas
    assume(b1 > 0 or t == 1)
    g = (b1 / b2) ** (t - np.arange(1, t + 1, dtype=np.float64)) if b1 > 0 else np.ones(1)
    assume(np.all(np.isfinite(g)) and g.min() > 1e-150 and g.max() < 1e150)
    bound = adam_step_bound(t, betas=betas)
    assert abs(_ratio(g, betas, lr=1.0) - bound) <= 1e-11 * bound


@given(st.integers(1, 60), st.tuples(st.floats(0.0, 0.99), st.floats(0.01, 0.999)), st.data())
def test_kingma_ba_bound_holds_for_constant_magnitude_gradients(t: int, betas: tuple[float, float], data: st.DataObject) -> None:
    """|g_i| = 1 with any signs: |m̂_t| <= 1 <= √v̂_t, so |Δ_t| <= α (Kingma & Ba 2015, §2.1, the common case)."""
    signs = np.array(data.draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=t, max_size=t)))
    assert _ratio(signs, betas, lr=1.0) <= 1 + 1e-12


def test_kingma_ba_first_step_is_exactly_the_step_size() -> None:
    """Kingma & Ba (2015) §2.1: at t = 1 with ε = 0 the step is ±α whatever the gradient."""
    for g in (1e-6, 3.0, -250.0):
        assert _ratio(np.array([g]), (0.9, 0.999)) == pytest.approx(1.0, rel=1e-15)


def test_kingma_ba_sparse_case_approaches_their_first_bound() -> None:
    """One nonzero gradient at step t: the ratio is (1−β₁)/√(1−β₂)·√(1−β₂ᵗ)/(1−β₁ᵗ) → (1−β₁)/√(1−β₂) (§2.1)."""
    b1, b2 = 0.5, 0.99  # the first case: 1 − β₁ = 0.5 > √(1 − β₂) = 0.1
    for t in (1, 5, 3000):
        g = np.zeros(t)
        g[-1] = 1.0
        spike = (1 - b1) / np.sqrt(1 - b2) * np.sqrt(1 - b2**t) / (1 - b1**t)
        assert _ratio(g, (b1, b2)) == pytest.approx(spike, rel=1e-12)
    assert _ratio(g, (b1, b2)) == pytest.approx((1 - b1) / np.sqrt(1 - b2), rel=1e-12)


@pytest.mark.parametrize("betas,paper_bound", [((0.9, 0.999), (1 - 0.9) / np.sqrt(1 - 0.999)), ((0.9, 0.99), 1.0)])
def test_kingma_ba_stated_bounds_fail_for_growing_gradients(betas: tuple[float, float], paper_bound: float) -> None:
    """The §2.1 statement is not a bound over every history: gradients growing by β₂/β₁ per step exceed it.

    (0.9, 0.999) is the paper's first case, 1 − β₁ > √(1 − β₂); (0.9, 0.99) is the second (equality).
    """
    b1, b2 = betas
    t = 3000
    g = (b1 / b2) ** (t - np.arange(1, t + 1, dtype=np.float64))
    ratio = _ratio(g, betas)
    assert ratio > 1.5 * paper_bound
    assert ratio == pytest.approx(adam_step_bound(t, betas=betas), rel=1e-10)


def test_bound_closed_form_matches_published_defaults_limit() -> None:
    """For the default betas the supremum tends to (1−β₁)/√((1−β₂)(1−β₁²/β₂)) ≈ 7.2703 (closed form of the series)."""
    b1, b2 = 0.9, 0.999
    limit = (1 - b1) / np.sqrt((1 - b2) * (1 - b1**2 / b2))
    assert adam_step_bound(100_000, betas=(b1, b2)) == pytest.approx(limit, rel=1e-12)
    assert float(adam_step_bound_symbolic(30, ("0.9", "0.999"))) == pytest.approx(adam_step_bound(30, betas=(b1, b2)), rel=1e-13)

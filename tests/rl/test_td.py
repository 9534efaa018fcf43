"""Sampled semi-gradient TD against the exact TD fixed point, the random walk's published values, and Baird's divergence.

The statistical argument. On independent transitions (s ~ d, a ~ π, s' ~ p), one TD(0)
update is w ← w + α(b_t − A_t w) with (A_t, b_t) independent of w_t and E[A_t] = A,
E[b_t] = b. In the stationary regime of the constant-step iteration, taking expectations
gives b − A E[w] = 0, so E[w] = w_TD exactly: the long-run average of the iterates is an
unbiased estimate of w_TD. Independent seeds give independent estimates, so their mean
lies within a few standard errors (computed from the seeds' spread) of w_TD; 5 standard
errors fail by chance with probability below 1e-6 per coordinate. A sign flipped in the
update moves the mean away (or diverges), which the same test detects.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp

from refalgo.mdp import MDP, state_values
from refalgo.rl import (
    DivergenceWarning,
    Transitions,
    baird_counterexample,
    gradient_monte_carlo,
    one_hot_features,
    sample_trajectory,
    sample_transitions,
    semi_gradient_td,
    td_fixed_point_symbolic,
    td_system,
    value_error_minimizer,
)
from refalgo.rl.td import linear_td_loop

P5 = np.array([[[1, 2, 1, 1, 3]], [[2, 1, 1, 2, 2]], [[1, 1, 4, 1, 1]], [[3, 1, 1, 2, 1]], [[1, 2, 2, 2, 1]]], dtype=object)
MODEL = MDP(np.array([[[sp.Rational(x, 8) for x in row] for row in s] for s in P5], dtype=object), [[1], [-2], [0], [3], [1]], "0.8")
FEATURES = np.array([[1.0, 0.0], [1.0, 0.25], [1.0, 0.5], [1.0, 0.75], [1.0, 1.0]])


def seed_means(mdp: MDP, policy, features, *, alpha: float, n: int, seeds: int, weights=None, sign: float = 1.0):
    """Per seed, the average of the recorded iterates over the second half of an n-step run; their mean and standard error."""
    estimates = []
    for seed in range(seeds):
        t = sample_transitions(mdp, policy, n=n, seed=seed, weights=weights)
        if sign > 0:
            run = semi_gradient_td(t, features, gamma=mdp.gamma, alpha=alpha, record_every=10)
            hist = run.history
        else:  # the readable loop with the update's sign flipped: w ← w − αδφ
            Phi = sps.csr_array(features)
            hist = np.zeros((n // 10 + 1, Phi.shape[1]))
            w, total = np.zeros(Phi.shape[1]), np.zeros(Phi.shape[1])
            with np.errstate(all="ignore"):
                linear_td_loop(Phi, t.states, t.rewards, t.next_states, np.where(t.terminated, 0.0, mdp.gamma), np.ones(n),
                               np.full(n, -alpha), 0.0, np.zeros(n, bool), w, 10, hist, total)
        estimates.append(hist[hist.shape[0] // 2:].mean(axis=0))
    e = np.array(estimates)
    return e.mean(axis=0), e.std(axis=0, ddof=1) / np.sqrt(seeds)


def test_td0_converges_to_the_exact_td_fixed_point() -> None:
    """Semi-gradient TD(0) on independent on-policy transitions averages to the exact w_TD within 5 standard errors over 10 seeds."""
    w_td = np.array([float(x) for x in td_fixed_point_symbolic(MODEL, [0] * 5, FEATURES)])
    mean, se = seed_means(MODEL, [0] * 5, FEATURES, alpha=0.02, n=20_000, seeds=10)
    assert np.all(np.abs(mean - w_td) <= 5 * se), (mean, w_td, se)


def test_a_flipped_sign_fails_the_same_check() -> None:
    """With the update's sign flipped, the same 5-standard-error check against w_TD fails."""
    w_td = np.array([float(x) for x in td_fixed_point_symbolic(MODEL, [0] * 5, FEATURES)])
    mean, se = seed_means(MODEL, [0] * 5, FEATURES, alpha=0.02, n=2_000, seeds=4, sign=-1.0)
    assert not np.all(np.abs(mean - w_td) <= 5 * se)


def random_walk() -> MDP:
    """Sutton & Barto's Example 6.2: states 1–5 between terminal states 0 and 6; actions left, right; +1 for leaving on the right."""
    P = np.zeros((7, 2, 7))
    for s in range(1, 6):
        P[s, 0, s - 1] = P[s, 1, s + 1] = 1.0
    P[0, :, 0] = P[6, :, 6] = 1.0
    R = np.zeros((7, 2))
    R[5, 1] = 1.0
    return MDP(P, R, 1)


WALK = np.full((7, 2), 0.5)  # the equiprobable policy


def test_random_walk_true_values_and_tabular_td() -> None:
    """Sutton & Barto Example 6.2: the true values of A–E are 1/6 … 5/6, and tabular TD(0) averages to them within 5 standard errors."""
    m = random_walk()
    truth = np.arange(1, 6) / 6
    assert np.allclose(state_values(m, WALK)[1:6], truth, atol=1e-12)
    weights = np.r_[0.0, np.full(5, 0.2), 0.0]
    mean, se = seed_means(m, WALK, one_hot_features(7), alpha=0.05, n=10_000, seeds=10, weights=weights)
    assert np.all(np.abs(mean[1:6] - truth) <= 5 * se[1:6]), (mean, se)


def test_gradient_mc_targets_are_the_returns() -> None:
    """Gradient MC with one-hot features and step 1/(visit count) gives each state the mean of its returns: on the random walk the returns are 0 or 1."""
    m = random_walk()
    t = sample_trajectory(m, WALK, n=3000, seed=3, start=3)
    run = gradient_monte_carlo(t, one_hot_features(7), gamma=1.0, alpha=1.0 / np.maximum(1, _visit_counts(t, 3000)))
    kept = int(np.flatnonzero(t.terminated)[-1]) + 1
    right = np.zeros(7)
    for s in range(1, 6):  # the mean return from s: the fraction of its visits whose episode ends on the right
        ends = _episode_end(t)[:kept][t.states[:kept] == s]
        right[s] = np.mean(ends == 6)
    assert np.allclose(run.weights[1:6], right[1:6], atol=1e-12)


def _visit_counts(t: Transitions, n: int) -> np.ndarray:
    counts = np.zeros(7)
    out = np.zeros(n)
    for i, s in enumerate(t.states):
        counts[s] += 1
        out[i] = counts[s]
    return out


def _episode_end(t: Transitions) -> np.ndarray:
    end = np.full(t.states.size, -1)
    last = -1
    for i in range(t.states.size - 1, -1, -1):
        if t.terminated[i]:
            last = t.next_states[i]
        end[i] = last
    return end


def test_compiled_and_readable_loops_agree() -> None:
    """The numba kernel and the readable loop give the same iterates, averages and history, with traces and ratios."""
    m = random_walk()
    t = sample_trajectory(m, WALK, n=2000, seed=1, start=3)
    ratios = np.random.default_rng(0).uniform(0.5, 1.5, t.states.size)
    features = np.c_[np.ones(7), np.arange(7) / 6.0]
    a = semi_gradient_td(t, features, gamma=0.9, alpha=0.05, lam=0.7, ratios=ratios, backend="numpy")
    b = semi_gradient_td(t, features, gamma=0.9, alpha=0.05, lam=0.7, ratios=ratios, backend="numba")
    for x, y in zip(a[:4], b[:4]):
        assert np.allclose(x, y, rtol=1e-12, atol=1e-12)


def test_baird_expected_update_is_unstable() -> None:
    """Sutton & Barto Example 11.1: under the behaviour distribution, A = ΦᵀD(I − γP_π)Φ has an eigenvalue with negative real part."""
    ex = baird_counterexample()
    A = td_system(ex.mdp, ex.target, ex.features, weights=ex.weights, allow_dependent=True).A
    assert np.linalg.eigvals(A).real.min() < -0.1


def test_baird_sampled_updates_diverge() -> None:
    """Off-policy semi-gradient TD(0) on Baird's star (α = 0.01, the book's w₀) grows its weights tenfold within 1000 steps (Figure 11.2)."""
    ex = baird_counterexample()
    t = sample_transitions(ex.mdp, ex.behavior, n=1000, seed=0, weights=ex.weights)
    rho = ex.target[t.states, t.actions] / ex.behavior[t.states, t.actions]
    run = semi_gradient_td(t, ex.features, gamma=0.99, alpha=0.01, w0=ex.w0, ratios=rho)
    assert np.linalg.norm(run.weights) > 10 * np.linalg.norm(ex.w0)


def test_divergence_warns_and_returns_the_history() -> None:
    """A diverging run warns with DivergenceWarning, stops, and returns finite history up to the divergence, never NaN."""
    ex = baird_counterexample()
    t = sample_transitions(ex.mdp, ex.behavior, n=200_000, seed=0, weights=ex.weights)
    rho = ex.target[t.states, t.actions] / ex.behavior[t.states, t.actions]
    with pytest.warns(DivergenceWarning):
        run = semi_gradient_td(t, ex.features, gamma=0.99, alpha=0.5, w0=ex.w0, ratios=rho)
    assert run.diverged and np.all(np.isfinite(run.history)) and run.steps[-1] < 200_000


def test_bad_input() -> None:
    """Step sizes <= 0, lam > 0 on independent draws, mismatched features, a non-batch and NaN rewards are refused by name."""
    m = random_walk()
    t = sample_transitions(m, WALK, n=10, seed=0, weights="uniform")
    with pytest.raises(ValueError, match="alpha: expected step sizes > 0"):
        semi_gradient_td(t, one_hot_features(7), gamma=0.9, alpha=0.0)
    with pytest.raises(ValueError, match="lam: lam > 0 needs a trajectory"):
        semi_gradient_td(t, one_hot_features(7), gamma=0.9, alpha=0.1, lam=0.5)
    with pytest.raises(ValueError, match="transitions.states"):
        semi_gradient_td(t, one_hot_features(3), gamma=0.9, alpha=0.1)
    with pytest.raises(TypeError, match="transitions: expected a Transitions batch"):
        semi_gradient_td((t.states,), one_hot_features(7), gamma=0.9, alpha=0.1)
    with pytest.raises(ValueError, match="transitions.rewards"):
        semi_gradient_td(t._replace(rewards=np.full(10, np.nan)), one_hot_features(7), gamma=0.9, alpha=0.1)
    with pytest.raises(ValueError, match="gamma"):
        semi_gradient_td(t, one_hot_features(7), gamma=1.5, alpha=0.1)
    with pytest.raises(ValueError, match="n: expected a positive integer"):
        sample_transitions(m, WALK, n=0, seed=0)
    with pytest.raises(ValueError, match="seed"):
        sample_trajectory(m, WALK, n=5, seed=-1)
    with pytest.raises(ValueError, match="finished episode"):
        gradient_monte_carlo(t._replace(terminated=np.zeros(10, bool)), one_hot_features(7), gamma=1.0, alpha=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        semi_gradient_td(t, one_hot_features(7), gamma=0.9, alpha=0.1)


def test_gradient_mc_converges_to_the_value_error_minimizer() -> None:
    """Sutton & Barto §9.3 (the setting of Example 9.1, smaller): on a 20-state random walk in 2 groups of 10 states,
    gradient MC with step 1/(visits of the group) averages, over 10 seeds, to the value-error minimiser under the
    on-policy distribution μ of the episodes (eq. 9.2–9.3), within 5 standard errors (the uniform weighting's minimiser fails).
    """
    n = 20
    P = np.zeros((n + 2, 2, n + 2))
    for s in range(1, n + 1):
        P[s, 0, s - 1] = P[s, 1, s + 1] = 1.0
    P[0, :, 0] = P[n + 1, :, n + 1] = 1.0
    R = np.zeros((n + 2, 2))
    R[n, 1], R[1, 0] = 1.0, -1.0
    m = MDP(P, R, 1)
    policy = np.full((n + 2, 2), 0.5)
    groups = np.r_[0, np.arange(n) // 10, 1]
    Phi = np.eye(2)[groups]
    start = 10
    # μ ∝ η, η(s) = h(s) + Σ_s̄ η(s̄) P_π(s̄, s) over the non-terminal states (Sutton & Barto eq. 9.2), by a dense solve
    P_pi = P.mean(axis=1)[1:n + 1, 1:n + 1]
    h = np.zeros(n)
    h[start - 1] = 1.0
    eta = np.linalg.solve(np.eye(n) - P_pi.T, h)
    mu = np.r_[0.0, eta / eta.sum(), 0.0]
    w_star = value_error_minimizer(m, policy, Phi, weights=mu)
    estimates = []
    for seed in range(10):
        t = sample_trajectory(m, policy, n=8_000, seed=seed, start=start)
        counts = np.zeros(2)
        alpha = np.empty(t.states.size)
        for i, s in enumerate(t.states):
            counts[groups[s]] += 1
            alpha[i] = 1.0 / counts[groups[s]]
        estimates.append(gradient_monte_carlo(t, Phi, gamma=1.0, alpha=alpha).weights)
    e = np.array(estimates)
    mean, se = e.mean(axis=0), e.std(axis=0, ddof=1) / np.sqrt(len(e))
    assert np.all(np.abs(mean - w_star) <= 5 * se), (mean, w_star, se)


def test_compiled_and_readable_trajectory_samplers_agree() -> None:
    """The numba trajectory sampler and the readable loop draw the same states, actions and next states from the same seed."""
    from refalgo.rl.examples import random_walk, thousand_state_random_walk, walk_policy

    for m, start in ((random_walk(), 3), (thousand_state_random_walk(50, jump=10), 25), (MODEL, 0)):
        pi = walk_policy(m)
        a = sample_trajectory(m, pi, n=3000, seed=7, start=start, backend="numba")
        b = sample_trajectory(m, pi, n=3000, seed=7, start=start, backend="numpy")
        for x, y in zip(a, b):
            assert np.array_equal(x, y)

"""The TD(λ) fixed point: its degenerate cases, Tsitsiklis & Van Roy's bound, the λ-operator's contraction, and sampled TD(λ).

The statistical argument for the sampled check: the trajectory is a stationary-started
ergodic chain, and with a constant step α the long-run mean of the TD(λ) iterates lies
within O(α) of w_λ (Tsitsiklis & Van Roy 1997, Theorem 1, with the trace's Markov noise);
with α = 0.01 that bias is below the seed spread, so the mean over 10 seeds of each run's
second-half average is held within 5 standard errors of the exact w_λ. The same mean is
more than 5 standard errors away from w_0: λ changes the limit and the test sees it.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.mdp import MDP, policy_model, state_values
from refalgo.rl import (
    sample_trajectory,
    semi_gradient_td,
    stationary_distribution,
    td_fixed_point_symbolic,
    value_error_minimizer,
    value_error_minimizer_symbolic,
    weighted_norm,
)
from refalgo.rl._strategies import approximation_examples
from refalgo.rl.td_lambda import td_lambda_fixed_point, td_lambda_fixed_point_symbolic

stationary = approximation_examples(stationary_only=True)
P5 = [[1, 2, 1, 1, 3], [2, 1, 1, 2, 2], [1, 1, 4, 1, 1], [3, 1, 1, 2, 1], [1, 2, 2, 2, 1]]
MODEL = MDP(np.array([[[sp.Rational(x, 8) for x in row]] for row in P5], dtype=object), [[1], [-2], [0], [3], [1]], "0.8")
INDICATOR = np.array([[1.0], [0.0], [0.0], [1.0], [1.0]])  # one feature: the indicator of states 0, 3, 4


def _floats(ex: dict) -> tuple:
    return ex["mdp"], np.array(ex["policy"], dtype=float), np.array(ex["features"], dtype=float)


@settings(max_examples=15, deadline=None)
@given(stationary)
def test_lambda_zero_is_td_and_lambda_one_is_the_value_error_minimizer(ex: dict) -> None:
    """Exactly: w_0 is the TD fixed point w_TD, and w_1 is the value-error minimiser Πv_π (T^(1) v = v_π)."""
    mdp, pi, Phi = ex["mdp"], ex["policy"], ex["features"]
    assert td_lambda_fixed_point_symbolic(mdp, pi, Phi, lam=0) == td_fixed_point_symbolic(mdp, pi, Phi)
    assert td_lambda_fixed_point_symbolic(mdp, pi, Phi, lam=1) == value_error_minimizer_symbolic(mdp, pi, Phi)


@settings(max_examples=25, deadline=None)
@given(stationary, st.sampled_from([0.0, 0.3, 0.7, 0.95, 1.0]))
def test_tsitsiklis_van_roy_bound(ex: dict, lam: float) -> None:
    """‖Φw_λ − v_π‖_D ≤ (1 − γλ)/(1 − γ)·‖Πv_π − v_π‖_D under the stationary D (Tsitsiklis & Van Roy 1997, Theorem 1 (c))."""
    mdp, pi, Phi = _floats(ex)
    d, v, g = stationary_distribution(mdp, pi), state_values(mdp, pi), mdp.gamma
    e_lam = weighted_norm(Phi @ td_lambda_fixed_point(mdp, pi, Phi, lam=lam) - v, d)
    e_pi = weighted_norm(Phi @ value_error_minimizer(mdp, pi, Phi) - v, d)
    assert e_lam <= (1 - g * lam) / (1 - g) * e_pi + 1e-9 * (1 + np.abs(v).max())


@settings(max_examples=25, deadline=None)
@given(stationary, st.sampled_from([0.0, 0.5, 0.9]), st.integers(0, 2**31))
def test_lambda_operator_contracts_in_the_d_norm(ex: dict, lam: float, seed: int) -> None:
    """T^(λ)v = (I − γλP_π)⁻¹(r_π + γ(1 − λ)P_π v) is a contraction of modulus γ(1 − λ)/(1 − γλ) in ‖·‖_D, and Φw_λ solves Φw = ΠT^(λ)(Φw)."""
    mdp, pi, Phi = _floats(ex)
    P, r = policy_model(mdp, pi)
    P = np.asarray(P.toarray() if hasattr(P, "toarray") else P)
    g, S = mdp.gamma, mdp.n_states
    d = stationary_distribution(mdp, pi)

    def T(v: np.ndarray) -> np.ndarray:
        return np.linalg.solve(np.eye(S) - g * lam * P, r + g * (1 - lam) * P @ v)

    v, u = np.random.default_rng(seed).normal(size=(2, S)) * 10
    assert weighted_norm(T(v) - T(u), d) <= g * (1 - lam) / (1 - g * lam) * weighted_norm(v - u, d) * (1 + 1e-9) + 1e-12
    x = Phi @ td_lambda_fixed_point(mdp, pi, Phi, lam=lam)
    projected = Phi @ np.linalg.solve(Phi.T @ (d[:, None] * Phi), Phi.T @ (d * T(x)))  # Π = Φ(ΦᵀDΦ)⁻¹ΦᵀD
    assert np.allclose(projected, x, atol=1e-8 * (1 + np.abs(x).max()))


def test_closed_form_in_lambda() -> None:
    """Two states, P_π all 1/2, r_π = (0, 2), φ = (1, 2), γ = 1/2: by hand P² = P, so (I − λP/2)⁻¹ = I + j·P with j = λ/(2 − λ), A_λ = 11/8 + 9j/8, b_λ = 2 + 3j/2 and w_λ = (16 − 2λ)/(11 − λ): 16/11 at λ = 0, 10/7 at 1/2, 7/5 at 1."""
    lam = sp.Symbol("lambda")
    m = MDP([[["1/2", "1/2"]], [["1/2", "1/2"]]], [[0], [2]], "1/2")
    w = td_lambda_fixed_point_symbolic(m, [0, 0], [[1], [2]], lam=lam)[0]
    assert sp.simplify(w - (16 - 2 * lam) / (11 - lam)) == 0
    assert abs(td_lambda_fixed_point(MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [2.0]], 0.5), [0, 0], [[1.0], [2.0]], lam=0.5)[0] - 10 / 7) < 1e-14


def test_sampled_td_lambda_reaches_the_exact_fixed_point() -> None:
    """Sampled TD(0.9) on one trajectory per seed averages to the exact w_0.9 within 5 standard errors over 10 seeds, and is more than 5 standard errors from w_0."""
    lam = sp.Rational(9, 10)
    w_lam = float(td_lambda_fixed_point_symbolic(MODEL, [0] * 5, INDICATOR, lam=lam)[0])
    w_0 = float(td_fixed_point_symbolic(MODEL, [0] * 5, INDICATOR)[0])
    estimates = []
    for seed in range(10):
        t = sample_trajectory(MODEL, [0] * 5, n=20_000, seed=seed, start=[sp.Rational(1, 5)] * 5)
        run = semi_gradient_td(t, INDICATOR, gamma=0.8, alpha=0.01, lam=0.9, record_every=10)
        estimates.append(run.history[run.history.shape[0] // 2:, 0].mean())
    e = np.array(estimates)
    se = e.std(ddof=1) / np.sqrt(e.size)
    assert abs(e.mean() - w_lam) <= 5 * se, (e.mean(), w_lam, se)
    assert abs(e.mean() - w_0) > 5 * se, (e.mean(), w_0, se)


def test_bad_input() -> None:
    """λ outside [0, 1], features of the wrong row count and a weighting that is not a distribution are refused by name."""
    with pytest.raises(ValueError, match="lam"):
        td_lambda_fixed_point(MODEL, [0] * 5, INDICATOR, lam=1.5)
    with pytest.raises(ValueError, match="lam"):
        td_lambda_fixed_point_symbolic(MODEL, [0] * 5, INDICATOR, lam=-1)
    with pytest.raises(ValueError, match="features"):
        td_lambda_fixed_point(MODEL, [0] * 5, INDICATOR[:4], lam=0.5)
    with pytest.raises(ValueError, match="weights"):
        td_lambda_fixed_point(MODEL, [0] * 5, INDICATOR, lam=0.5, weights=[0.5, 0.5, 0.5, 0, 0])


def test_sparse_model_limits() -> None:
    """On a 50,000-state sparse ring walk with sparse aggregation features, w_0 equals the sparse TD fixed point and w_1 the value-error minimiser, to 1e-9."""
    from refalgo.rl import state_aggregation_features, td_fixed_point

    S = 50_000
    idx = np.arange(S)
    P = sps.csr_array((np.r_[np.full(S, 0.5), np.full(S, 0.3), np.full(S, 0.2)],
                       (np.r_[idx, idx, idx], np.r_[(idx + 1) % S, (idx - 1) % S, idx])), shape=(S, S))
    m = MDP(P, np.sin(2 * np.pi * idx / S)[:, None], 0.9)
    Phi = state_aggregation_features(idx // 1000, sparse=True)
    pi = np.zeros(S, int)
    scale = 1 + np.abs(value_error_minimizer(m, pi, Phi)).max()
    assert np.allclose(td_lambda_fixed_point(m, pi, Phi, lam=0.0), td_fixed_point(m, pi, Phi), atol=1e-9 * scale)
    assert np.allclose(td_lambda_fixed_point(m, pi, Phi, lam=1.0), value_error_minimizer(m, pi, Phi), atol=1e-9 * scale)

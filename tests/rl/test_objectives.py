"""The value error and its minimiser, the TD fixed point: theorems of Tsitsiklis & Van Roy and Sutton & Barto §9.4 as properties."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.mdp import MDP, policy_model, state_values, state_values_symbolic
from refalgo.rl import (
    one_hot_features,
    projected_bellman_operator,
    resolve_weights,
    state_aggregation_features,
    stationary_distribution,
    td_fixed_point,
    td_fixed_point_symbolic,
    td_system,
    value_error,
    value_error_minimizer,
    value_error_minimizer_symbolic,
    value_error_symbolic,
    weighted_norm,
)
from refalgo.rl._strategies import approximation_examples, positive_mdps

stationary = approximation_examples(stationary_only=True)


def _floats(ex: dict) -> tuple:
    return ex["mdp"], np.array(ex["policy"], dtype=float), np.array(ex["features"], dtype=float)


@settings(max_examples=25, deadline=None)
@given(approximation_examples())
def test_minimizer_beats_every_perturbation(ex: dict) -> None:
    """The value-error minimiser has a value error no larger than any perturbed weight vector, and its gradient vanishes."""
    mdp, pi, Phi = _floats(ex)
    w = value_error_minimizer(mdp, pi, Phi, weights=ex["weights"])
    best = value_error(mdp, pi, Phi, w, weights=ex["weights"])
    for e in np.eye(Phi.shape[1]):
        assert best <= value_error(mdp, pi, Phi, w + 0.1 * e, weights=ex["weights"]) + 1e-12
    d = resolve_weights(mdp, pi, ex["weights"])
    assert np.max(np.abs(Phi.T @ (d * (state_values(mdp, pi) - Phi @ w)))) <= 1e-8  # (2) = 0


@settings(max_examples=15, deadline=None)
@given(approximation_examples())
def test_symbolic_value_error_is_minimal_at_the_exact_minimizer(ex: dict) -> None:
    """The exact VE as a quadratic in symbolic weights has zero gradient at the exact minimiser of the normal equations."""
    k = len(ex["features"][0])
    ws = sp.symbols(f"w0:{k}", real=True)
    ve = value_error_symbolic(ex["mdp"], ex["policy"], ex["features"], list(ws), weights=ex["weights"])
    w = value_error_minimizer_symbolic(ex["mdp"], ex["policy"], ex["features"], weights=ex["weights"])
    assert all(sp.diff(ve, x).subs(dict(zip(ws, w))) == 0 for x in ws)


@settings(max_examples=20, deadline=None)
@given(positive_mdps(max_states=4))
def test_one_hot_features_give_exact_values(mdp: MDP) -> None:
    """With tabular (one-hot) features, w_TD = Π v_π = v_π exactly (Sutton & Barto §9.4: the tabular case is exact)."""
    pi = [[sp.Rational(1, mdp.n_actions)] * mdp.n_actions for _ in range(mdp.n_states)]
    v = state_values_symbolic(mdp, pi)
    Phi = np.eye(mdp.n_states, dtype=int)
    assert td_fixed_point_symbolic(mdp, pi, Phi) == v
    assert value_error_minimizer_symbolic(mdp, pi, Phi, weights=[sp.Rational(1, mdp.n_states)] * mdp.n_states) == v


@settings(max_examples=30, deadline=None)
@given(stationary)
def test_expected_update_matrix_is_positive_definite(ex: dict) -> None:
    """Under the stationary weighting, A = ΦᵀD(I − γP_π)Φ is positive definite (xᵀAx > 0), so ΦᵀD(γP_π − I)Φ, the other sign convention, is negative definite: expected TD(0) is stable (S&B §9.4)."""
    mdp, pi, Phi = _floats(ex)
    A = td_system(mdp, pi, Phi).A
    assert np.linalg.eigvalsh((A + A.T) / 2).min() > 0
    P, _ = policy_model(mdp, pi)  # the other sign convention, built here from P_π and d
    D = np.diag(stationary_distribution(mdp, pi))
    N = Phi.T @ D @ (mdp.gamma * np.asarray(P) - np.eye(mdp.n_states)) @ Phi
    assert np.allclose(N, -A, atol=1e-12)
    assert np.linalg.eigvalsh((N + N.T) / 2).max() < 0


@settings(max_examples=30, deadline=None)
@given(stationary, st.integers(0, 2**31))
def test_projected_bellman_operator_is_a_gamma_contraction(ex: dict, seed: int) -> None:
    """‖ΠT_π v − ΠT_π u‖_D ≤ γ‖v − u‖_D for random v, u under the stationary D (Tsitsiklis & Van Roy 1997, Lemma 4)."""
    mdp, pi, Phi = _floats(ex)
    rng = np.random.default_rng(seed)
    v, u = rng.normal(size=(2, mdp.n_states)) * 10
    d = stationary_distribution(mdp, pi)
    lhs = weighted_norm(projected_bellman_operator(mdp, pi, Phi, v) - projected_bellman_operator(mdp, pi, Phi, u), d)
    assert lhs <= mdp.gamma * weighted_norm(v - u, d) * (1 + 1e-9) + 1e-12


@settings(max_examples=30, deadline=None)
@given(stationary)
def test_td_fixed_point_error_bounds(ex: dict) -> None:
    """‖Φw_TD − v_π‖_D ≤ ‖Πv_π − v_π‖_D/√(1−γ²), hence Tsitsiklis–Van Roy's 1/(1−γ) and S&B eq. (9.14) VE(w_TD) ≤ min VE/(1−γ)."""
    mdp, pi, Phi = _floats(ex)
    d, v, g = stationary_distribution(mdp, pi), state_values(mdp, pi), mdp.gamma
    e_td = weighted_norm(Phi @ td_fixed_point(mdp, pi, Phi) - v, d)
    e_pi = weighted_norm(Phi @ value_error_minimizer(mdp, pi, Phi) - v, d)
    slack = 1e-9 * (1 + np.abs(v).max())
    assert e_td <= e_pi / np.sqrt(1 - g**2) + slack
    assert e_td <= e_pi / (1 - g) + slack
    assert e_td**2 <= e_pi**2 / (1 - g) + slack
    assert e_pi <= e_td + slack  # the projection is the best approximation


@settings(max_examples=20, deadline=None)
@given(stationary)
def test_td_fixed_point_is_a_fixed_point_of_the_projected_operator(ex: dict) -> None:
    """Φw_TD solves the projected Bellman equation Φw = ΠT_π(Φw)."""
    mdp, pi, Phi = _floats(ex)
    vhat = Phi @ td_fixed_point(mdp, pi, Phi)
    assert np.max(np.abs(projected_bellman_operator(mdp, pi, Phi, vhat) - vhat)) <= 1e-8 * (1 + np.abs(vhat).max())


def test_gamma_zero_gives_the_projected_reward() -> None:
    """With γ = 0, v_π = r_π and the TD fixed point equals the value-error minimiser (both project r_π)."""
    m = MDP([[["1/3", "2/3"]], [["1/4", "3/4"]], [["1/2", "1/2"]]] and [[["1/3", "1/3", "1/3"]], [["1/4", "1/4", "1/2"]], [["1/2", "0", "1/2"]]],
            [[1], [-2], [5]], 0)
    Phi = [[1, 0], [1, 1], [1, 2]]
    assert td_fixed_point_symbolic(m, [0, 0, 0], Phi) == value_error_minimizer_symbolic(m, [0, 0, 0], Phi)


def test_closed_form_in_gamma() -> None:
    """Two states, P_π all 1/2, r_π = (0, 2), φ = (1, 2): by hand A = 5/2 − 9γ/4 and b = 2, so w_TD = 8/(10 − 9γ)."""
    g = sp.Symbol("gamma")
    m = MDP([[["1/2", "1/2"]], [["1/2", "1/2"]]], [[0], [2]], "1/2")
    assert sp.simplify(td_fixed_point_symbolic(m, [0, 0], [[1], [2]], gamma=g)[0] - 8 / (10 - 9 * g)) == 0
    assert td_fixed_point(m, [0, 0], [[1.0], [2.0]])[0] == pytest.approx(8 / 5.5, rel=1e-13)


def test_sparse_state_aggregation_matches_dense() -> None:
    """On a 2000-state ring walk, sparse aggregation features give the same w_TD and w* as the dense ones, and both bounds hold."""
    S = 2000
    idx = np.arange(S)
    P = sps.csr_array((np.r_[np.full(S, 0.5), np.full(S, 0.3), np.full(S, 0.2)],
                       (np.r_[idx, idx, idx], np.r_[(idx + 1) % S, (idx - 1) % S, idx])), shape=(S, S))
    m = MDP(P, np.sin(2 * np.pi * idx / S)[:, None], 0.9)
    sparse = state_aggregation_features(idx // 100, sparse=True)
    dense = sparse.toarray()
    assert np.allclose(td_fixed_point(m, np.zeros(S, int), sparse), td_fixed_point(m, np.zeros(S, int), dense), atol=1e-12)
    assert np.allclose(value_error_minimizer(m, np.zeros(S, int), sparse), value_error_minimizer(m, np.zeros(S, int), dense), atol=1e-10)


# ------------------------------------------------------------------ bad input
M = MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [2.0]], 0.5)


@pytest.mark.parametrize("fn", [value_error_minimizer, td_fixed_point, value_error_minimizer_symbolic, td_fixed_point_symbolic])
def test_bad_features(fn) -> None:
    """Features with the wrong row count, or dependent columns (named), are refused naming features."""
    with pytest.raises(ValueError, match=r"features: expected an \(S, k\) array with S = 2 rows"):
        fn(M, [0, 0], [[1.0], [1.0], [1.0]])
    with pytest.raises(ValueError, match=r"features: expected linearly independent columns; columns \[1\]"):
        fn(M, [0, 0], [[1.0, 2.0], [1.0, 2.0]])


@pytest.mark.parametrize("fn", [value_error_minimizer, td_fixed_point, value_error_minimizer_symbolic, td_fixed_point_symbolic])
def test_bad_weights(fn) -> None:
    """A weighting that is negative, does not sum to 1 or has the wrong length is refused naming weights."""
    for bad in ([0.5, 0.6], [1.5, -0.5], [1.0]):
        with pytest.raises(ValueError, match="weights"):
            fn(M, [0, 0], [[1.0], [2.0]], weights=bad)


def test_other_bad_input() -> None:
    """Weights strings, a w of the wrong length, NaN values and x/weights of different sizes are refused by name."""
    with pytest.raises(ValueError, match="weights: expected None, 'stationary', 'uniform'"):
        resolve_weights(M, [0, 0], "even")
    with pytest.raises(ValueError, match="w: expected shape"):
        value_error(M, [0, 0], [[1.0], [2.0]], [1.0, 2.0])
    with pytest.raises(ValueError, match="w: expected 1 entries"):
        value_error_symbolic(M, [0, 0], [[1], [2]], [1, 2])
    with pytest.raises(ValueError, match="x: expected shape"):
        weighted_norm([1.0, 2.0, 3.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="values: expected finite"):
        projected_bellman_operator(M, [0, 0], [[1.0], [2.0]], [np.nan, 0.0])
    with pytest.raises(ValueError, match="R"):
        MDP([[[1.0]]], [[np.nan]], 0.5)
    with pytest.raises(ValueError, match="gamma"):
        MDP([[[1.0]]], [[1.0]], 1.0)
    assert one_hot_features(2).shape == (2, 2)

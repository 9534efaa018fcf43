"""LQR exact and numeric, and the deterministic policy gradient on it: twins, published numbers, properties, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.rl.lqr import (
    CONCEPTS,
    InfiniteCostError,
    derivations,
    dpg_gradient_lqr,
    dpg_gradient_lqr_symbolic,
    lqr_cost,
    lqr_cost_symbolic,
    lqr_optimal,
    lqr_optimal_symbolic,
    lqr_policy_value,
    lqr_policy_value_symbolic,
    lqr_q_matrix,
    lqr_state_covariance,
    stochastic_gradient_lqr,
    stochastic_gradient_lqr_symbolic,
)

A2 = np.array([[1.0, 0.5], [0.0, 1.0]])
B2 = np.array([[0.0], [1.0]])
Q2, R2 = np.eye(2), np.array([[1.0]])


def _stable_system(seed: int, n: int, m: int, gamma: float) -> tuple[np.ndarray, ...]:
    """A random system and gain with ρ(√γ(A − BK)) = 0.9 (A and K scaled together), Q ⪰ 0, R ≻ 0, Σ₀ ⪰ 0."""
    rng = np.random.default_rng(seed)
    A, B, K = rng.normal(size=(n, n)), rng.normal(size=(n, m)), rng.normal(size=(m, n))
    c = 0.9 / (np.sqrt(gamma) * np.abs(np.linalg.eigvals(A - B @ K)).max())
    F, G, S = rng.normal(size=(n, n)), rng.normal(size=(m, m)), rng.normal(size=(n, n))
    return A * c, B, F @ F.T, G @ G.T + 0.1 * np.eye(m), K * c, S @ S.T


def _finite_differences(A: np.ndarray, B: np.ndarray, Q: np.ndarray, R: np.ndarray, K: np.ndarray, gamma: float,
                        S0: np.ndarray, h: float = 1e-6, sigma: float = 0.0) -> np.ndarray:
    G = np.zeros_like(K)
    for idx in np.ndindex(*K.shape):
        E = np.zeros_like(K)
        E[idx] = h
        G[idx] = (lqr_cost(A, B, Q, R, K + E, gamma=gamma, Sigma0=S0, sigma=sigma)
                  - lqr_cost(A, B, Q, R, K - E, gamma=gamma, Sigma0=S0, sigma=sigma)) / (2 * h)
    return G


# ---------------------------------------------------------------- published numbers and closed forms
def test_dlqr_documentation_example() -> None:
    """Altair Compose's dlqr example (A = [9, 0.2; 0, 8], B = [0; 1], Q = [2, 1; 1, 2], R = 1, undiscounted) prints
    K = [394.61003, 16.76761], X = [1.04036e7, 2.34349e5; 2.34349e5, 5.34387e3], closed-loop poles 0.11073 and 0.12166.
    """
    A, B, Q, R = [[9, 0.2], [0, 8]], [[0], [1]], [[2, 1], [1, 2]], [[1]]
    K, P = lqr_optimal(A, B, Q, R, gamma=1.0)
    assert np.abs(K - [[394.61003, 16.76761]]).max() <= 1e-5
    assert np.abs(P / [[1.04036e7, 2.34349e5], [2.34349e5, 5.34387e3]] - 1).max() <= 1e-5
    poles = np.sort(np.linalg.eigvals(np.array(A) - np.array(B) @ K).real)
    assert np.abs(poles - [0.11073, 0.12166]).max() <= 1e-5
    exact = lqr_optimal_symbolic([[9, "0.2"], [0, 8]], B, Q, R, gamma=1)
    assert not exact.is_exact  # the solution is irrational: 50 digits
    assert float(sp.Abs(exact.K[0, 0] - sp.Float("394.61003", 30))) <= 1e-5
    # SciPy's Schur-method solve of a system with open-loop eigenvalues 8 and 9 (‖P‖ ≈ 1e7): 1.3e-12 relative
    # error seen with one LAPACK build, so 1e-10, still seven digits past the published five
    assert np.abs(np.array(exact.P.tolist(), dtype=float) / P - 1).max() <= 1e-10


def test_scalar_riccati_golden_ratio_and_closed_form() -> None:
    """a = b = q = r = 1, γ = 1: P² − P − 1 = 0, P* = (1 + √5)/2 (the golden ratio), K* = P*/(1 + P*) = (√5 − 1)/2."""
    sol = lqr_optimal_symbolic([[1]], [[1]], [[1]], [[1]], gamma=1)
    phi = (1 + sp.sqrt(5)) / 2
    assert sol.is_exact and sp.simplify(sol.P[0, 0] - phi) == 0 and sp.simplify(sol.K[0, 0] - (phi - 1)) == 0
    K, P = lqr_optimal([[1.0]], [[1.0]], [[1.0]], [[1.0]], gamma=1.0)
    assert abs(P[0, 0] - float(phi)) <= 1e-12 and abs(K[0, 0] - float(phi - 1)) <= 1e-12


def test_scalar_riccati_symbolic_satisfies_the_equation() -> None:
    """The scalar closed form with symbolic entries satisfies (4), and K* zeroes the exact gradient (numbers substituted)."""
    a, b, q, r, g = sp.symbols("a b q r gamma", positive=True)
    sol = lqr_optimal_symbolic([[a]], [[b]], [[q]], [[r]], gamma=g)
    P, K = sol.P[0, 0], sol.K[0, 0]
    residual = q + g * a**2 * P - g**2 * a**2 * b**2 * P**2 / (r + g * b**2 * P) - P
    point = {a: sp.Rational(3, 2), b: sp.Rational(1, 2), q: 2, r: sp.Rational(1, 3), g: sp.Rational(9, 10)}
    assert sp.simplify(residual.subs(point)) == 0
    k_star = sp.radsimp(K.subs(point))
    grad = dpg_gradient_lqr_symbolic([["3/2"]], [["1/2"]], [[2]], [["1/3"]], [[k_star]], gamma="9/10")
    assert sp.simplify(grad[0, 0]) == 0


def test_rational_riccati_solution_is_recovered_exactly() -> None:
    """Q built so that P = [[2, 1], [1, 3]] solves (4) for A = [[1, 1], [0, 1]], B = I, R = I, γ = 1/2: the exact twin returns it."""
    A, B, R, g = sp.Matrix([[1, 1], [0, 1]]), sp.eye(2), sp.eye(2), sp.Rational(1, 2)
    P = sp.Matrix([[2, 1], [1, 3]])
    K = g * (R + g * B.T * P * B).inv() * B.T * P * A
    Q = P - g * A.T * P * (A - B * K)
    assert all(Q[:k, :k].det() > 0 for k in (1, 2))
    sol = lqr_optimal_symbolic(A, B, Q, R, gamma=g)
    assert sol.is_exact and sol.P == P and sol.K == K
    _, Pn = lqr_optimal(np.array(A.tolist(), dtype=float), np.eye(2), np.array(Q.tolist(), dtype=float), np.eye(2), gamma=0.5)
    assert np.abs(Pn - np.array(P.tolist(), dtype=float)).max() <= 1e-12


def test_policy_value_closed_form_scalar() -> None:
    """P_k = (q + rk²)/(1 − γ(a − bk)²) for a scalar system, symbolic and numeric."""
    a, b, q, r, k, g = sp.symbols("a b q r k gamma", positive=True)
    P = lqr_policy_value_symbolic([[a]], [[b]], [[q]], [[r]], [[k]], gamma=g)[0, 0]
    assert sp.cancel(P - (q + r * k**2) / (1 - g * (a - b * k) ** 2)) == 0
    assert abs(lqr_policy_value([[1.2]], [[0.5]], [[2.0]], [[0.3]], [[0.8]], gamma=0.9)[0, 0]
               - (2 + 0.3 * 0.64) / (1 - 0.9 * 0.8**2)) <= 1e-12


def test_value_and_q_matrix_twins_on_a_2d_rational_system() -> None:
    """Exact P_K (2) and the numeric solve agree; H_K (3) satisfies Q_K(x, −Kx) = V_K(x) and H_uu⁻¹H_ux = K at K*."""
    K = [["1/2", "3/2"]]
    exact = lqr_policy_value_symbolic([[1, "1/2"], [0, 1]], B2, Q2, R2, K, gamma="9/10")
    P = lqr_policy_value(A2, B2, Q2, R2, [[0.5, 1.5]], gamma=0.9)
    assert np.abs(np.array(exact.tolist(), dtype=float) - P).max() <= 1e-12
    H = lqr_q_matrix(A2, B2, Q2, R2, [[0.5, 1.5]], gamma=0.9)
    x = np.array([0.3, -1.1])
    z = np.concatenate([x, -np.array([[0.5, 1.5]]) @ x])
    assert abs(z @ H @ z - x @ P @ x) <= 1e-12
    Ks, _ = lqr_optimal(A2, B2, Q2, R2, gamma=0.9)
    Hs = lqr_q_matrix(A2, B2, Q2, R2, Ks, gamma=0.9)
    assert np.abs(np.linalg.solve(Hs[2:, 2:], Hs[2:, :2]) - Ks).max() <= 1e-10


def test_cost_twins_and_gamma_zero() -> None:
    """J = tr(P_K Σ₀) in both twins; γ = 0 makes P_K = Q + KᵀRK and K* = 0."""
    S0 = [[2, 1], [1, 1]]
    exact = lqr_cost_symbolic([[1, "1/2"], [0, 1]], B2, Q2, R2, [["1/2", "3/2"]], gamma="9/10", Sigma0=S0)
    assert abs(float(exact) - lqr_cost(A2, B2, Q2, R2, [[0.5, 1.5]], gamma=0.9, Sigma0=S0)) <= 1e-11
    K = np.array([[0.7, -0.2]])
    assert np.abs(lqr_policy_value(A2, B2, Q2, R2, K, gamma=0.0) - (Q2 + K.T @ R2 @ K)).max() <= 1e-14
    Ks, Ps = lqr_optimal(A2, B2, Q2, R2, gamma=0.0)
    assert np.all(Ks == 0) and np.all(Ps == Q2)


# ---------------------------------------------------------------- the DPG theorem
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 4), m=st.integers(1, 3), gamma=st.sampled_from([0.5, 0.9, 0.99, 1.0]))
def test_dpg_theorem_equals_finite_differences_on_random_stable_systems(seed: int, n: int, m: int, gamma: float) -> None:
    """On random systems with ρ(√γ(A − BK)) = 0.9, the DPG formula (5) equals central differences of J(K) (h = 1e-6),
    relative error below 1e-5 of the largest entry."""
    A, B, Q, R, K, S0 = _stable_system(seed, n, m, gamma)
    G = dpg_gradient_lqr(A, B, Q, R, K, gamma=gamma, Sigma0=S0)
    F = _finite_differences(A, B, Q, R, K, gamma, S0)
    assert np.abs(G - F).max() <= 1e-5 * max(1.0, np.abs(G).max())


@settings(max_examples=12, deadline=None)
@given(CONCEPTS[0].inputs())
def test_dpg_twins_agree_on_random_rational_systems(example: dict) -> None:
    """The DPG formula (numeric) and the exact derivative of J(K) (symbolic) agree on rational 1-D and 2-D systems."""
    exact = np.array(dpg_gradient_lqr_symbolic(**example).tolist(), dtype=float)
    floats = {k: np.array(v.tolist(), dtype=float) if isinstance(v, sp.MatrixBase) else float(v) for k, v in example.items()}
    numeric = dpg_gradient_lqr(**floats)
    assert np.abs(exact - numeric).max() <= 1e-8 * max(1.0, np.abs(exact).max())


def test_dpg_gradient_is_zero_at_the_riccati_gain_only() -> None:
    """∇J(K*) = 0 (K* from the Riccati equation), and a descent step from a nearby gain lowers J."""
    Ks, _ = lqr_optimal(A2, B2, Q2, R2, gamma=0.9)
    assert np.abs(dpg_gradient_lqr(A2, B2, Q2, R2, Ks, gamma=0.9)).max() <= 1e-9
    K = Ks + [[0.1, -0.1]]
    G = dpg_gradient_lqr(A2, B2, Q2, R2, K, gamma=0.9)
    assert np.abs(G).max() >= 1e-3
    assert lqr_cost(A2, B2, Q2, R2, K - 1e-3 * G, gamma=0.9) < lqr_cost(A2, B2, Q2, R2, K, gamma=0.9)


def test_dpg_gradient_symbolic_closed_form_scalar() -> None:
    """With symbolic entries, the exact derivative is 2((r + γb²P)k − γbPa)Σ₀/(1 − γ(a − bk)²) (Fazel et al. 2018, Lemma 1)."""
    a, b, k, q, r, g, s0 = sp.symbols("a b k q r gamma Sigma_0", positive=True)
    G = dpg_gradient_lqr_symbolic([[a]], [[b]], [[q]], [[r]], [[k]], gamma=g, Sigma0=[[s0]])[0, 0]
    D = 1 - g * (a - b * k) ** 2
    P = (q + r * k**2) / D
    assert sp.cancel(G - 2 * ((r + g * b**2 * P) * k - g * b * P * a) * s0 / D) == 0


def test_state_covariance_is_the_discounted_sum() -> None:
    """Σ_K (6) equals Σ_t γ^t (A − BK)^t Σ₀ ((A − BK)ᵀ)^t summed to 400 terms (ρ = 0.9 · √γ-scaled)."""
    A, B, _, _, K, S0 = _stable_system(3, 3, 2, 0.9)
    L, X, total = A - B @ K, S0.copy(), np.zeros((3, 3))
    for t in range(400):
        total += 0.9**t * X
        X = L @ X @ L.T
    assert np.abs(lqr_state_covariance(A, B, K, gamma=0.9, Sigma0=S0) - total).max() <= 1e-9 * np.abs(total).max()


# ---------------------------------------------------------------- the stochastic policy and σ → 0
def test_gaussian_policy_cost_is_exactly_quadratic_in_sigma() -> None:
    """J_σ = J + σ²(r + γb²P_k)/(1 − γ) on the scalar system; the numeric twin agrees for σ = 0.5."""
    s = sp.Symbol("sigma", positive=True)
    J = lqr_cost_symbolic([["1.2"]], [["0.5"]], [[2]], [["0.3"]], [["0.8"]], gamma="0.9", sigma=s)
    P = sp.Rational(2 + sp.Rational(3, 10) * sp.Rational(16, 25)) / (1 - sp.Rational(9, 10) * sp.Rational(16, 25))
    assert sp.expand(J - P - s**2 * (sp.Rational(3, 10) + sp.Rational(9, 10) * sp.Rational(1, 4) * P) / sp.Rational(1, 10)) == 0
    assert abs(lqr_cost([[1.2]], [[0.5]], [[2.0]], [[0.3]], [[0.8]], gamma=0.9, sigma=0.5) - float(J.subs(s, sp.Rational(1, 2)))) <= 1e-10


def test_gaussian_policy_cost_matches_a_seeded_simulation() -> None:
    """J_σ (7) against the mean discounted cost of 20000 seeded rollouts of 120 steps (γ^120 < 1e-5): within 4 standard errors."""
    rng = np.random.default_rng(0)
    a, b, q, r, k, g, sg = 1.2, 0.5, 2.0, 0.3, 0.8, 0.9, 0.5
    x = rng.normal(size=20000)
    total = np.zeros_like(x)
    for t in range(120):
        u = -k * x + sg * rng.normal(size=x.size)
        total += g**t * (q * x**2 + r * u**2)
        x = a * x + b * u
    J = lqr_cost([[a]], [[b]], [[q]], [[r]], [[k]], gamma=g, sigma=sg)
    assert abs(total.mean() - J) <= 4 * total.std() / np.sqrt(x.size)


def test_stochastic_gradient_twins_and_the_limit_sigma_to_zero() -> None:
    """∇J_σ by the stochastic theorem (8) equals the exact derivative of (7) in σ; at σ = 0 it is the DPG gradient
    (Silver et al. 2014, Theorem 2), and the gap shrinks as σ²."""
    s = sp.Symbol("sigma", positive=True)
    args = ([[1, "1/2"], [0, 1]], B2, Q2, R2, [["1/2", "3/2"]])
    exact = stochastic_gradient_lqr_symbolic(*args, gamma="9/10", sigma=s, Sigma0=[[2, 1], [1, 1]])
    assert exact.subs(s, 0) == dpg_gradient_lqr_symbolic(*args, gamma="9/10", Sigma0=[[2, 1], [1, 1]])
    assert all(sp.degree(e, s) == 2 for e in exact)
    dpg = dpg_gradient_lqr(A2, B2, Q2, R2, [[0.5, 1.5]], gamma=0.9, Sigma0=[[2, 1], [1, 1]])
    gaps = []
    for sigma in (1.0, 0.1, 0.01):
        G = stochastic_gradient_lqr(A2, B2, Q2, R2, [[0.5, 1.5]], gamma=0.9, sigma=sigma, Sigma0=[[2, 1], [1, 1]])
        assert np.abs(G - np.array(exact.subs(s, sp.Float(sigma)).tolist(), dtype=float)).max() <= 1e-9
        gaps.append(np.abs(G - dpg).max())
    assert abs(gaps[1] / gaps[0] - 1e-2) <= 1e-9 and abs(gaps[2] / gaps[1] - 1e-2) <= 1e-9


def test_stochastic_theorem_against_finite_differences_and_sampled_scores() -> None:
    """(8) equals central differences of J_σ; and the sampled score-function average E[∇ln π · Q^π] at a state
    (200000 seeded draws, Q^π from H_K) is within 4 standard errors of the Stein form −∇_u Q(x, −Kx)xᵀ."""
    A, B, Q, R, K, S0 = _stable_system(7, 2, 1, 0.9)
    G = stochastic_gradient_lqr(A, B, Q, R, K, gamma=0.9, sigma=0.3, Sigma0=S0)
    assert np.abs(G - _finite_differences(A, B, Q, R, K, 0.9, S0, sigma=0.3)).max() <= 1e-5 * max(1.0, np.abs(G).max())
    H = lqr_q_matrix(A, B, Q, R, K, gamma=0.9)
    x, sg = np.array([0.7, -0.4]), 0.3
    eps = np.random.default_rng(1).normal(size=(200000, 1))
    u = -(K @ x) + sg * eps
    z = np.hstack([np.broadcast_to(x, (u.shape[0], 2)), u])
    samples = (-(eps / sg) * np.einsum("ni,ij,nj->n", z, H, z)[:, None])[:, 0] * x[0]  # entry (0, 0) of ∇_K ln π · Q
    stein = (-2 * (H[2:, :2] - H[2:, 2:] @ K) @ x)[0] * x[0]
    assert abs(samples.mean() - stein) <= 4 * samples.std() / np.sqrt(samples.size)


# ---------------------------------------------------------------- derivations and bad input
def test_derivations_verify() -> None:
    """The page's six derivations (DPG on LQR, its integrand, scalar Riccati, noise cost, Stein's step, Theorem 2) verify."""
    assert [d.verify().status for d in derivations()] == ["proven"] * 6


def test_unstable_gain_is_an_infinite_cost_never_a_number() -> None:
    """ρ(√γ(A − BK)) ≥ 1: every function raises InfiniteCostError (a ValueError) saying the cost is infinite."""
    for f in (lqr_policy_value, lqr_q_matrix, dpg_gradient_lqr, lqr_cost):
        with pytest.raises(InfiniteCostError, match="infinite"):
            f([[2.0]], [[1.0]], [[1.0]], [[1.0]], [[0.5]], gamma=1.0)
    with pytest.raises(InfiniteCostError, match="infinite"):
        lqr_state_covariance([[2.0]], [[1.0]], [[0.5]], gamma=0.9)
    with pytest.raises(InfiniteCostError, match="infinite"):
        lqr_policy_value_symbolic([[2]], [[1]], [[1]], [[1]], [["1/2"]], gamma="9/10")
    with pytest.raises(InfiniteCostError, match="infinite"):
        lqr_policy_value_symbolic([[2]], [[1]], [[1]], [[1]], [[1]], gamma=1)  # ρ = 1 exactly: a singular system
    with pytest.raises(InfiniteCostError, match="infinite"):
        dpg_gradient_lqr_symbolic([[2, 0], [0, "1/2"]], [[1], [0]], Q2, R2, [["1/2", 0]], gamma=1)
    with pytest.raises(InfiniteCostError, match="stabilis"):
        lqr_optimal([[2.0, 0.0], [0.0, 0.5]], [[0.0], [1.0]], Q2, R2, gamma=1.0)  # the unstable mode is not controllable
    with pytest.raises(InfiniteCostError, match="stabilis"):
        lqr_optimal_symbolic([[2, 0], [0, "1/2"]], [[0], [1]], Q2, R2, gamma=1)
    with pytest.raises(InfiniteCostError, match="stabilis"):
        lqr_optimal_symbolic([[2]], [[0]], [[1]], [[1]], gamma=1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"R": [[0.0]]}, "R: expected a symmetric positive definite"),
        ({"R": [[-1.0]]}, "R: expected a symmetric positive definite"),
        ({"Q": [[-1.0, 0], [0, 1]]}, "Q: expected a symmetric positive semidefinite"),
        ({"Q": [[1.0, 1], [0, 1]]}, "Q: expected a symmetric matrix"),
        ({"A": [[1.0, 0.5]]}, "A: expected a square matrix"),
        ({"B": [[1.0], [0], [0]]}, r"B: expected shape \(2, any\)"),
        ({"K": [[1.0, 2, 3]]}, r"K: expected shape \(1, 2\)"),
        ({"R": [[1.0, 0], [0, 1]]}, r"R: expected shape \(1, 1\)"),
        ({"gamma": 1.5}, r"gamma: expected a discount in \[0, 1\]"),
        ({"Sigma0": [[1.0, 0], [0, -1]]}, "Sigma0: expected a symmetric positive semidefinite"),
        ({"sigma": -0.1}, "sigma: expected a standard deviation >= 0"),
        ({"sigma": 0.1, "gamma": 1.0}, "gamma: expected a discount below 1 with sigma > 0"),
    ],
)
def test_bad_input_is_named(kwargs: dict, match: str) -> None:
    args = {"A": A2, "B": B2, "Q": Q2, "R": R2, "K": [[0.5, 1.5]], "gamma": 0.9, "Sigma0": None, "sigma": 0.0} | kwargs
    with pytest.raises(ValueError, match=match):
        lqr_cost(**args)
    exact = {k: (np.array(v, dtype=float).tolist() if v is not None and not np.isscalar(v) else v) for k, v in args.items()}
    with pytest.raises(ValueError, match=match.replace("a discount in \\[0, 1\\]", "a number in \\[0, 1\\]")):
        lqr_cost_symbolic(**exact)


def test_bad_input_of_the_other_functions_is_named() -> None:
    with pytest.raises(ValueError, match="R: expected a symmetric positive definite"):
        lqr_optimal(A2, B2, Q2, [[0.0]], gamma=0.9)
    with pytest.raises(ValueError, match="R: expected a symmetric positive definite"):
        lqr_optimal_symbolic([[1]], [[1]], [[1]], [[0]], gamma=1)
    with pytest.raises(ValueError, match=r"K: expected shape \(1, 2\)"):
        dpg_gradient_lqr(A2, B2, Q2, R2, [[1.0]], gamma=0.9)
    with pytest.raises(ValueError, match=r"K: expected shape \(1, 2\)"):
        dpg_gradient_lqr_symbolic(A2, B2, Q2, R2, [[1]], gamma="9/10")
    with pytest.raises(ValueError, match="symbols only when n = m = 1"):
        lqr_optimal_symbolic([[sp.Symbol("a"), 0], [0, 1]], B2, Q2, R2, gamma=1)
    with pytest.raises(ValueError, match="sigma: expected a standard deviation"):
        stochastic_gradient_lqr(A2, B2, Q2, R2, [[0.5, 1.5]], gamma=0.9, sigma=-1.0)
    with pytest.raises(ValueError, match=r"B: expected shape \(2, any\)"):
        lqr_state_covariance(A2, [[1.0]], [[0.5, 1.5]], gamma=0.9)

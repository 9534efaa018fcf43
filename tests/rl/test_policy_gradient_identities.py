"""Identities of the policy gradient as properties, the natural gradient as soft policy iteration, and the short corridor (Sutton & Barto, Example 13.1)."""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.mdp import MDP, action_values, state_values, state_values_symbolic
from refalgo.rl.pg_theorem import (
    fisher_information,
    fisher_information_symbolic,
    natural_gradient,
    natural_gradient_symbolic,
    natural_policy_gradient_step,
    objective,
    objective_symbolic,
    policy_gradient,
    short_corridor,
    short_corridor_features,
    softmax_policy,
    variance_minimising_baseline,
)


def _random_mdp(seed: int, S: int = 4, A: int = 3, gamma: float = 0.9) -> MDP:
    rng = np.random.default_rng(seed)
    P = rng.random((S, A, S)) ** 2
    P /= P.sum(axis=2, keepdims=True)
    return MDP(P, rng.normal(size=(S, A)), gamma)


seeds = st.integers(0, 10_000)


def _advantage(mdp: MDP, pi: np.ndarray) -> np.ndarray:
    """A_π = q_π − v_π from refalgo.mdp (state_values, action_values): independent of the module under test."""
    v = state_values(mdp, pi)
    return action_values(mdp, v) - v[:, None]


@settings(max_examples=25, deadline=None)
@given(seeds)
def test_score_is_e_a_minus_pi_and_any_baseline_is_unbiased(seed: int) -> None:
    """∂ln π(a|s)/∂θ_s· = e_a − π(·|s) (central differences of ln softmax), and Σ_a π(a|s)(e_a − π) b = 0."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=(1, 4)) * 2
    pi = softmax_policy(theta)[0]
    for a in range(4):
        fd = np.array([(np.log(softmax_policy(theta + 1e-6 * e)[0, a]) - np.log(softmax_policy(theta - 1e-6 * e)[0, a])) / 2e-6
                       for e in np.eye(4)[:, None, :]])
        assert np.max(np.abs(fd - (np.eye(4)[a] - pi))) <= 1e-8
    b = rng.normal() * 10
    assert np.max(np.abs(sum(pi[a] * (np.eye(4)[a] - pi) * b for a in range(4)))) <= 1e-12


@settings(max_examples=15, deadline=None)
@given(seeds)
def test_td_error_expectation_is_the_advantage(seed: int) -> None:
    """E[R + γ v_π(S') − v_π(s) | s, a] = q_π(s, a) − v_π(s), the TD error averaged over next states (Zhao 2025, §10.3)."""
    mdp = _random_mdp(seed)
    pi = softmax_policy(np.random.default_rng(seed).normal(size=(4, 3)))
    v = state_values(mdp, pi)
    delta = mdp.R + mdp.gamma * np.einsum("sat,t->sa", mdp.P, v) - v[:, None]
    q_pi = mdp.R + mdp.gamma * np.einsum("sat,tb,tb->sa", mdp.P, pi, action_values(mdp, v))  # Bellman equation of q_π
    assert np.max(np.abs(delta - (q_pi - v[:, None]))) <= 1e-10


@settings(max_examples=15, deadline=None)
@given(seeds)
def test_importance_weighted_gradient_is_unbiased(seed: int) -> None:
    """Σ_s η(s) Σ_a β(a|s) ρ ∇ln π q_π = ∇J for any behaviour β with full support (Degris et al. 2012)."""
    mdp = _random_mdp(seed)
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=(4, 3))
    pi = softmax_policy(theta)
    beta = rng.dirichlet(np.ones(3), size=4)
    q = action_values(mdp, state_values(mdp, pi))
    eta = np.linalg.solve(np.eye(4) - mdp.gamma * np.einsum("sat,sa->st", mdp.P, pi).T, np.eye(4)[0])
    g = np.zeros((4, 3))
    for s in range(4):
        for a in range(3):
            g[s] += eta[s] * beta[s, a] * (pi[s, a] / beta[s, a]) * (np.eye(3)[a] - pi[s]) * q[s, a]
    assert np.max(np.abs(g - policy_gradient(mdp, theta, start=0))) <= 1e-10


@settings(max_examples=15, deadline=None)
@given(seeds)
def test_optimal_baseline_minimises_the_second_moment(seed: int) -> None:
    """b* gives a smaller E‖∇ln π (q − b)‖² than v_π and than b* ± 0.1 in every state (Weaver & Tao 2001)."""
    mdp = _random_mdp(seed)
    theta = np.random.default_rng(seed).normal(size=(4, 3)) * 2
    pi = softmax_policy(theta)
    v = state_values(mdp, pi)
    q = action_values(mdp, v)
    sq = np.sum((np.eye(3)[None, :, :] - pi[:, None, :]) ** 2, axis=2)
    moment = lambda b: np.sum(pi * sq * (q - b[:, None]) ** 2, axis=1)
    b = variance_minimising_baseline(mdp, theta)
    for other in (v, b + 0.1, b - 0.1):
        assert np.all(moment(b) <= moment(other) + 1e-12)


def test_optimal_baseline_is_v_for_a_uniform_policy() -> None:
    """With π uniform ‖e_a − π‖² is the same for every a, so b* = Σ_a π q = v_π exactly."""
    mdp = _random_mdp(3)
    b = variance_minimising_baseline(mdp, np.zeros((4, 3)))
    assert np.max(np.abs(b - state_values(mdp, np.full((4, 3), 1 / 3)))) <= 1e-12


def test_average_reward_is_one_minus_gamma_times_average_value() -> None:
    """r̄_π = (1 − γ) v̄_π on a random ergodic model (Zhao 2025, §9.2, eq. (9.4))."""
    mdp = _random_mdp(11)
    theta = np.random.default_rng(11).normal(size=(4, 3))
    assert abs(objective(mdp, theta, kind="average_reward") - 0.1 * objective(mdp, theta, kind="average_value")) <= 1e-12


def test_fisher_twins_agree() -> None:
    """The exact Fisher matrix (SymPy differentiates ln π) equals the float one built from e_a − π."""
    mdp = MDP([[["1/2", "1/2"], ["1/4", "3/4"]], [["1/3", "2/3"], [1, 0]]], [[1, 0], [2, -1]], "9/10")
    theta = [[0, sp.log(2)], [sp.log(3), 0]]
    exact = np.array(fisher_information_symbolic(mdp, theta, start=0).tolist(), dtype=float)
    numeric = fisher_information(mdp, np.array([[0, np.log(2)], [np.log(3), 0]]), start=0)
    assert np.max(np.abs(exact - numeric)) <= 1e-12


def test_npg_is_soft_policy_iteration_exactly() -> None:
    """F⁺∇J = (A_π − mean_a A_π)/(1 − γ) exactly (Agarwal et al. 2021, Lemma 5.1), A_π from state_values_symbolic."""
    mdp = MDP([[["1/2", "1/2"], ["1/4", "3/4"]], [["1/3", "2/3"], [1, 0]]], [[1, 0], [2, -1]], "9/10")
    pi = [[sp.Rational(1, 3), sp.Rational(2, 3)], [sp.Rational(3, 4), sp.Rational(1, 4)]]
    theta = [[0, sp.log(2)], [sp.log(3), 0]]
    v = state_values_symbolic(mdp, pi)
    P, R = mdp.P_exact, mdp.R_exact
    A = sp.Matrix(2, 2, lambda s, a: R[s, a] + sp.Rational(9, 10) * sum(P[s, a, t] * v[t] for t in range(2)) - v[s])
    expected = sp.Matrix(2, 2, lambda s, a: (A[s, a] - (A[s, 0] + A[s, 1]) / 2) * 10)
    assert natural_gradient_symbolic(mdp, theta, start=0) == expected


@settings(max_examples=15, deadline=None)
@given(seeds, st.floats(0.05, 2.0))
def test_npg_step_is_soft_policy_iteration(seed: int, step: float) -> None:
    """softmax(θ + α F⁺∇J) = π exp(α A_π/(1 − γ)) normalised, in every state (d > 0 everywhere here)."""
    mdp = _random_mdp(seed)
    theta = np.random.default_rng(seed).normal(size=(4, 3))
    pi = softmax_policy(theta)
    target = pi * np.exp(step * _advantage(mdp, pi) / (1 - mdp.gamma))
    target /= target.sum(axis=1, keepdims=True)
    new = softmax_policy(natural_policy_gradient_step(mdp, theta, start=[0.25] * 4, step=step))
    assert np.max(np.abs(new - target)) <= 1e-9


def test_natural_gradient_solves_the_fisher_system() -> None:
    """F x = ∇J for the returned x (so x is a natural gradient, not only its softmax image)."""
    mdp = _random_mdp(2)
    theta = np.random.default_rng(2).normal(size=(4, 3))
    F = fisher_information(mdp, theta, start=1)
    x = natural_gradient(mdp, theta, start=1)
    assert np.max(np.abs(F @ x.ravel() - policy_gradient(mdp, theta, start=1).ravel())) <= 1e-10


# ------------------------------------------------------------------ Sutton & Barto, Example 13.1
P = sp.Symbol("p", positive=True)


def test_short_corridor_value_is_the_book_closed_form() -> None:
    """J(p) = v(S) = (2p − 4)/(p(1 − p)) for the policy "right with probability p" (S&B 2018, Example 13.1)."""
    J = objective_symbolic(short_corridor(), [sp.log(P / (1 - P)), 0], start=0, features=short_corridor_features())
    assert sp.simplify(J - (2 * P - 4) / (P * (1 - P))) == 0


def test_short_corridor_optimum_and_epsilon_greedy_values() -> None:
    """p* = 2 − √2 ≈ 0.59 with J(p*) ≈ −11.6; ε-greedy (ε = 0.1) reaches only −44 (p = 0.95) or −82 (p = 0.05) (S&B, Ex. 13.1)."""
    J = (2 * P - 4) / (P * (1 - P))
    p_star = [r for r in sp.solve(sp.diff(J, P), P) if 0 < r < 1]
    assert p_star == [2 - sp.sqrt(2)] and round(float(p_star[0]), 2) == 0.59
    assert abs(float(J.subs(P, p_star[0])) - -11.6) <= 0.1  # −11.657: the book's "about −11.6"
    m = short_corridor()
    assert round(float(state_values(m, [[0.05, 0.95]] * 4)[0])) == -44
    assert round(float(state_values(m, [[0.95, 0.05]] * 4)[0])) == -82


def test_short_corridor_gradient_vanishes_at_the_optimum() -> None:
    """The exact ∇J of the linear-softmax corridor policy is 0 at p* = 2 − √2, positive below it, negative above."""
    m, Phi = short_corridor(), short_corridor_features()
    logit = lambda p: np.array([np.log(p / (1 - p)), 0.0])
    p_star = 2 - np.sqrt(2)
    assert np.max(np.abs(policy_gradient(m, logit(p_star), start=0, features=Phi))) <= 1e-12
    assert policy_gradient(m, logit(0.4), start=0, features=Phi)[0] > 0 > policy_gradient(m, logit(0.8), start=0, features=Phi)[0]
    assert abs(objective(m, logit(p_star), start=0, features=Phi) - (2 * p_star - 4) / (p_star * (1 - p_star))) <= 1e-12

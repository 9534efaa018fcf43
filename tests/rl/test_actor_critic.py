"""REINFORCE, QAC, A2C and off-policy actor-critic: learning curves reach the exact optimum J(π*) of refalgo.mdp, and the sampled gradients are unbiased for the exact ∇J."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.mdp import MDP, state_values, value_iteration
from refalgo.rl import discounted_returns_by_episode, sample_trajectory
from refalgo.rl.actor_critic import (
    a2c,
    a2c_loss,
    episode_gradients,
    linear_softmax_policy,
    off_policy_actor_critic,
    qac,
    reinforce,
    reinforce_loss,
    reinforce_with_baseline,
    softmax_score,
)
from refalgo.rl.pg_theorem import (
    policy_gradient,
    short_corridor,
    short_corridor_features,
    softmax_policy,
)
from refalgo.rl.sampling import Transitions


def three_state_mdp(rewards: list[list[float]]) -> MDP:
    """Three states and a terminal one, two actions, stochastic transitions, γ = 0.8."""
    P = np.zeros((4, 2, 4))
    P[0, 0], P[0, 1] = [0.2, 0.5, 0, 0.3], [0, 0.2, 0.6, 0.2]
    P[1, 0], P[1, 1] = [0.3, 0, 0.4, 0.3], [0, 0.3, 0.3, 0.4]
    P[2, 0], P[2, 1] = [0.4, 0.3, 0, 0.3], [0.1, 0.1, 0.3, 0.5]
    P[3, :, 3] = 1
    return MDP(P, np.array(rewards + [[0.0, 0.0]]), 0.8)


LEARN = three_state_mdp([[2.0, 0.0], [-1.0, 2.0], [1.0, -2.0]])
GRAD = three_state_mdp([[4.0, 3.0], [2.0, 5.0], [3.5, 1.0]])  # rewards with a common offset: a baseline matters
THETA = np.array([[0.3, -0.2], [-0.5, 0.4], [0.1, 0.6], [0.0, 0.0]])
BETA = np.array([[0.5, 0.5], [0.7, 0.3], [0.3, 0.7], [0.5, 0.5]])


CORRIDOR_BEST = -(6 + 4 * np.sqrt(2))  # max_p J(p) = (4 − 2p)/(p² − p) at p = 2 − √2: ≈ −11.657 (S&B Example 13.1: −11.6)


def exact_gradient(mdp: MDP, theta: np.ndarray) -> np.ndarray:
    """∇J(θ) of J = v_π(s₀), exact: refalgo.rl.pg_theorem's policy gradient theorem (a linear solve)."""
    return policy_gradient(mdp, theta, start=0)


def z_score(estimates: np.ndarray, exact: np.ndarray) -> float:
    """The largest |mean − exact| / standard error over the components that vary."""
    mean, se = estimates.mean(axis=0), estimates.std(axis=0, ddof=1) / np.sqrt(len(estimates))
    varies = se > 0
    assert np.all(np.abs(mean[~varies] - exact[~varies]) < 1e-12)
    return float(np.max(np.abs(mean[varies] - exact[varies]) / se[varies]))


@pytest.fixture(scope="module")
def on_policy_batch() -> Transitions:
    return sample_trajectory(GRAD, linear_softmax_policy(THETA), n=30_000, seed=0)


def episode_sums(t: Transitions, weights: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Σ_t weights_t ∇ln π(A_t|S_t) per finished episode: the frame of the hand-written mutant estimators."""
    keep = int(np.flatnonzero(t.terminated)[-1]) + 1
    episode = np.concatenate([[0], np.cumsum(t.terminated)[:-1]])[:keep]
    score = softmax_score(theta.ravel(), np.eye(theta.size), n_actions=theta.shape[1])[(t.states * 2 + t.actions)[:keep]]
    out = np.zeros((episode[-1] + 1, theta.size))
    np.add.at(out, episode, weights[:keep, None] * score)
    return out.reshape(-1, *theta.shape)


def time_in_episode(t: Transitions) -> np.ndarray:
    first = np.concatenate([[0], np.flatnonzero(t.terminated) + 1])
    return np.arange(t.states.size) - first[np.concatenate([[0], np.cumsum(t.terminated)[:-1]])]


def test_reinforce_gradient_is_unbiased_and_its_mutants_are_rejected(on_policy_batch: Transitions) -> None:
    """REINFORCE's one-episode estimate Σ_t γᵗ G_t ∇ln π averaged over 10,000 episodes matches the exact ∇J within
    4.5 standard errors; the same estimate with its sign flipped, or without the factor γᵗ, is rejected (> 8).
    """
    exact = exact_gradient(GRAD, THETA)
    est = episode_gradients(GRAD, THETA, on_policy_batch)
    assert len(est) > 9_000
    assert z_score(est, exact) < 4.5
    assert z_score(-est, exact) > 8  # flipped sign
    G = discounted_returns_by_episode(on_policy_batch, gamma=GRAD.gamma)
    assert z_score(episode_sums(on_policy_batch, G, THETA), exact) > 8  # the γᵗ factor dropped
    assert z_score(episode_sums(on_policy_batch, GRAD.gamma ** time_in_episode(on_policy_batch) * G, THETA), exact) < 4.5


def test_baseline_keeps_the_gradient_unbiased_and_cuts_its_variance(on_policy_batch: Transitions) -> None:
    """With the baseline b(s) = v_π(s) the estimate stays unbiased (within 4.5 standard errors of ∇J) and its total
    variance falls below half; a "baseline" that depends on the action, q_π(S_t, A_t), biases it and is rejected.
    """
    exact = exact_gradient(GRAD, THETA)
    pi = linear_softmax_policy(THETA)
    v = state_values(GRAD, pi)
    plain = episode_gradients(GRAD, THETA, on_policy_batch)
    based = episode_gradients(GRAD, THETA, on_policy_batch, baseline=v)
    assert z_score(based, exact) < 4.5
    assert based.var(axis=0).sum() < 0.5 * plain.var(axis=0).sum()
    t = on_policy_batch
    q = GRAD.R + GRAD.gamma * np.einsum("sat,t->sa", GRAD.P, v)
    G = discounted_returns_by_episode(t, gamma=GRAD.gamma)
    wrong = episode_sums(t, GRAD.gamma ** time_in_episode(t) * (G - q[t.states, t.actions]), THETA)
    assert z_score(wrong, exact) > 8


def test_importance_sampling_makes_the_off_policy_estimate_unbiased() -> None:
    """Episodes of a behaviour policy β, each reward weighted by ρ₀⋯ρ_k: the mean estimate matches ∇J of π (within
    4.5 standard errors); without the ratios it is rejected (> 8), and so is the weighted estimate with its sign flipped.
    """
    exact = exact_gradient(GRAD, THETA)
    t = sample_trajectory(GRAD, BETA, n=30_000, seed=1)
    est = episode_gradients(GRAD, THETA, t, behaviour=BETA)
    assert z_score(est, exact) < 4.5
    assert z_score(-est, exact) > 8
    assert z_score(episode_gradients(GRAD, THETA, t), exact) > 8  # ρ left out


@pytest.mark.parametrize(("learner", "steps"), [
    (reinforce, {"alpha_theta": 0.1}),
    (reinforce_with_baseline, {"alpha_theta": 0.1, "alpha_w": 0.1}),
    (qac, {"alpha_theta": 0.05, "alpha_w": 0.2}),
    (a2c, {"alpha_theta": 0.1, "alpha_w": 0.2}),
    (lambda m, **kw: off_policy_actor_critic(m, BETA, **kw), {"alpha_theta": 0.1, "alpha_w": 0.2}),
], ids=["reinforce", "reinforce-baseline", "qac", "a2c", "off-policy"])
def test_learning_curves_approach_the_exact_optimum(learner, steps) -> None:  # type: ignore[no-untyped-def]
    """From the uniform policy, 300 episodes close at least 93% of the gap between J(uniform) and the exact optimum
    J(π*) = v*(s₀) of refalgo.mdp's value iteration, for each of three seeds; the recorded J is the exact one.
    """
    J_star = value_iteration(LEARN, tol=1e-12).values[0]
    J_uniform = float(state_values(LEARN, np.full((4, 2), 0.5))[0])
    for seed in range(3):
        run = learner(LEARN, n_episodes=300, seed=seed, progress=False, **steps)
        assert run.objective[0] == pytest.approx(J_uniform, abs=1e-12)
        assert run.objective[-1] <= J_star + 1e-9
        assert (run.objective[-1] - J_uniform) / (J_star - J_uniform) > 0.93
        assert run.objective[-1] == pytest.approx(state_values(LEARN, linear_softmax_policy(run.theta))[0], abs=1e-12)
        assert run.episodes[-1] == 300 and run.returns.shape == (300,)


@pytest.fixture(scope="module")
def corridor_runs() -> dict[str, list]:
    mdp, x = short_corridor(), short_corridor_features()  # x(s, right) = (1, 0), x(s, left) = (0, 1) in every state
    h = np.log(0.05 / 0.95) / 2
    theta0 = np.array([h, -h])  # π(right) = 0.05, as in Sutton & Barto's Figures 13.1–13.2
    return {
        "plain": [reinforce(mdp, n_episodes=1000, alpha_theta=2**-13, seed=s, features=x, theta0=theta0, record_every=25,
                            progress=False) for s in range(3)],
        "baseline": [reinforce_with_baseline(mdp, n_episodes=1000, alpha_theta=2**-9, alpha_w=2**-6, seed=s, features=x,
                                             theta0=theta0, critic_features=np.ones((4, 1)), record_every=25, progress=False)
                     for s in range(3)],
    }


def test_short_corridor_reinforce_figures(corridor_runs: dict[str, list]) -> None:
    """Sutton & Barto Figures 13.1–13.2 (short corridor, Example 13.1): from J ≈ −82 both curves rise towards the best
    aliased policy's −11.6 (exactly −(6 + 4√2)); with the baseline (α_θ = 2⁻⁹, α_w = 2⁻⁶) every seed is within 0.5 of it
    by episode 100 (and on average over episodes 500–1000), while REINFORCE with α = 2⁻¹³ is still below −14 there and
    within 1.5 of it after 1000 episodes.
    """
    for run in corridor_runs["plain"] + corridor_runs["baseline"]:
        assert run.objective[0] == pytest.approx(-82.105, abs=1e-3)  # (4 − 2p)/(p² − p) at p = 0.05
        assert np.all(run.objective <= CORRIDOR_BEST + 1e-9)
    at_100 = list(corridor_runs["plain"][0].episodes).index(100)
    late = corridor_runs["plain"][0].episodes >= 500
    for run in corridor_runs["baseline"]:
        assert run.objective[at_100] > CORRIDOR_BEST - 0.5
        assert run.objective[late].mean() > CORRIDOR_BEST - 0.5
    for run in corridor_runs["plain"]:
        assert run.objective[at_100] < -14
        assert run.objective[-1] > CORRIDOR_BEST - 1.5


def test_tabular_is_linear_softmax_with_one_hot_features() -> None:
    """features=None (θ of shape (S, A)) and one-hot features (θ flattened) make the same run, number for number, and
    the same policy as refalgo.rl.pg_theorem's tabular softmax.
    """
    a = a2c(LEARN, n_episodes=20, alpha_theta=0.1, alpha_w=0.2, seed=3, progress=False)
    b = a2c(LEARN, n_episodes=20, alpha_theta=0.1, alpha_w=0.2, seed=3, features=np.eye(8), progress=False)
    assert np.array_equal(a.theta.ravel(), b.theta) and np.array_equal(a.objective, b.objective)
    np.testing.assert_allclose(linear_softmax_policy(THETA.ravel(), np.eye(8), n_actions=2), softmax_policy(THETA), atol=1e-15)
    np.testing.assert_allclose(linear_softmax_policy(THETA), softmax_policy(THETA), atol=1e-15)


def test_one_learner_update_is_one_step_down_the_loss() -> None:
    """One REINFORCE episode moves θ by −α ∇L of reinforce_loss on that episode; one A2C step moves θ and w by −α times
    the gradients of a2c_loss on that transition (float64): the learners and the losses of the parity tests agree.
    """
    x = np.random.default_rng(0).normal(size=(8, 3))
    theta0 = np.array([0.2, -0.1, 0.4])
    run = reinforce(GRAD, n_episodes=1, alpha_theta=0.3, seed=5, features=x, theta0=theta0, progress=False)
    t = run.transitions
    assert t.terminated[-1] and t.states.size > 2
    _, grad = reinforce_loss(theta0, x, t, gamma=GRAD.gamma, n_actions=2, dtype=np.float64)
    np.testing.assert_allclose(run.theta, theta0 - 0.3 * grad, rtol=0, atol=1e-12)
    psi = np.random.default_rng(1).normal(size=(4, 2))
    w0 = np.array([0.5, -0.3])
    run = a2c(GRAD, n_episodes=1, max_steps=1, alpha_theta=0.3, alpha_w=0.2, seed=2, features=x, theta0=theta0,
              critic_features=psi, w0=w0, progress=False)
    out = a2c_loss(theta0, w0, x, psi, run.transitions, gamma=GRAD.gamma, n_actions=2, dtype=np.float64)
    np.testing.assert_allclose(run.theta, theta0 - 0.3 * out.grad_theta, rtol=0, atol=1e-12)
    np.testing.assert_allclose(run.w, w0 - 0.2 * out.grad_w, rtol=0, atol=1e-12)


def test_discount_weight_scales_step_t_by_gamma_to_the_t() -> None:
    """With discount_weight=True (Sutton & Barto's I = γᵗ) the first step of an episode is the same update and the
    second is γ times the undiscounted one, on the same transitions; 1 before the first step, as in §13.5.
    """
    kw = {"n_episodes": 1, "alpha_theta": 0.3, "alpha_w": 0.2, "seed": 5, "progress": False}
    one = a2c(GRAD, max_steps=1, **kw)
    plain, weighted = a2c(GRAD, max_steps=2, **kw), a2c(GRAD, max_steps=2, discount_weight=True, **kw)
    assert plain.lengths[0] == 2 and np.array_equal(plain.transitions.states, weighted.transitions.states)
    assert np.array_equal(a2c(GRAD, max_steps=1, discount_weight=True, **kw).theta, one.theta)
    np.testing.assert_allclose(weighted.theta - one.theta, GRAD.gamma * (plain.theta - one.theta), rtol=0, atol=1e-14)
    np.testing.assert_allclose(weighted.w - one.w, GRAD.gamma * (plain.w - one.w), rtol=0, atol=1e-14)


def test_bad_input() -> None:
    """Step sizes <= 0, a behaviour policy with a zero, features or θ of the wrong shape, a bad start and a batch with
    no finished episode are refused with a ValueError naming the argument.
    """
    m = LEARN
    for learner, kw in ((reinforce, {}), (reinforce_with_baseline, {"alpha_w": 0.1}), (qac, {"alpha_w": 0.1}),
                        (a2c, {"alpha_w": 0.1})):
        for bad in (0.0, -0.5):
            with pytest.raises(ValueError, match="alpha_theta: expected a number > 0; got"):
                learner(m, n_episodes=2, alpha_theta=bad, seed=0, progress=False, **kw)
    for learner in (reinforce_with_baseline, qac, a2c):
        with pytest.raises(ValueError, match="alpha_w"):
            learner(m, n_episodes=2, alpha_theta=0.1, alpha_w=0.0, seed=0, progress=False)
    with pytest.raises(ValueError, match=r"behaviour: expected β\(a\|s\) > 0"):
        off_policy_actor_critic(m, np.array([[1.0, 0.0]] * 4), n_episodes=2, alpha_theta=0.1, alpha_w=0.1, seed=0, progress=False)
    with pytest.raises(ValueError, match="policy"):
        off_policy_actor_critic(m, np.full((4, 2), 0.7), n_episodes=2, alpha_theta=0.1, alpha_w=0.1, seed=0, progress=False)
    with pytest.raises(ValueError, match="features: expected shape"):
        reinforce(m, n_episodes=2, alpha_theta=0.1, seed=0, features=np.eye(6), progress=False)
    with pytest.raises(ValueError, match="theta: expected shape"):
        reinforce(m, n_episodes=2, alpha_theta=0.1, seed=0, theta0=np.zeros((4, 3)), progress=False)
    with pytest.raises(ValueError, match="critic_features: expected shape"):
        qac(m, n_episodes=2, alpha_theta=0.1, alpha_w=0.1, seed=0, critic_features=np.eye(4), progress=False)
    with pytest.raises(ValueError, match="start"):
        a2c(m, n_episodes=2, alpha_theta=0.1, alpha_w=0.1, seed=0, start=7, progress=False)
    with pytest.raises(ValueError, match="n_episodes"):
        a2c(m, n_episodes=0, alpha_theta=0.1, alpha_w=0.1, seed=0, progress=False)
    unfinished = Transitions(np.array([0]), np.array([0]), np.array([1.0]), np.array([1]), np.array([False]))
    with pytest.raises(ValueError, match="transitions: expected at least one finished episode"):
        episode_gradients(m, THETA, unfinished)
    with pytest.raises(ValueError, match="n_actions"):
        linear_softmax_policy([0.0], np.eye(2))
    batch = Transitions(np.array([0]), np.array([0]), np.array([1.0]), np.array([1]), np.array([True]))
    with pytest.raises(ValueError, match="baseline: expected shape"):
        reinforce_loss([0.0, 0.0], np.eye(2)[[0, 1, 0, 1]], batch, gamma=0.5, n_actions=2, baseline=np.zeros(3))
    with pytest.raises(ValueError, match="critic_features: expected shape"):
        a2c_loss([0.0, 0.0], [0.0], np.eye(2)[[0, 1, 0, 1]], np.ones((3, 1)), batch, gamma=0.5, n_actions=2)
    with pytest.raises(ValueError, match="features: expected S·A rows"):
        softmax_score([0.0, 0.0], np.eye(3)[:, :2], n_actions=2)

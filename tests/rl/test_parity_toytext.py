"""Parity with Gymnasium's toy-text dynamics: TD(0) and Q-learning on transitions stepped by the environments themselves
approach the exact values and q* that refalgo.mdp computes from from_gymnasium's transition table.

The statistical argument of the TD tests. Transitions are independent draws s ~ d, a ~ π, s' from ``env.step``. With
one-hot features and a constant step α, the mean iterate obeys E[w_{t+1}] = (I − αD(I − γP_π))E[w_t] + αDr_π exactly
(the update is linear in w), a contraction in the ∞-norm with factor c = 1 − α·min d·(1 − γ) when α·max d ≤ 1. So the
average of the iterates over the second half of an n-step run has mean v_π + b with |b| ≤ c^{n/2}‖v_π‖∞. Across
independent seeds these averages are i.i.d.; their mean is within t·SE + c^{n/2}‖v_π‖∞ of v_π, t the Student quantile
for a two-sided level of 10⁻³ shared among the K coordinates (Bonferroni). The same tolerance must reject the values of
another discount (the check has power).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

from refalgo.mdp import (
    action_values,
    from_gymnasium,
    optimal_values_symbolic,
    state_values,
)
from refalgo.rl import one_hot_features, semi_gradient_td
from refalgo.rl.gym_sampling import gym_transitions, q_learning_on_transitions
from tests.rl.test_control import complete_rounds

gym = pytest.importorskip("gymnasium")

LEVEL = 1e-3


def acting_states(env) -> np.ndarray:
    """The states where an episode goes on: not those whose every transition is a terminated self-loop (holes, goal)."""
    P = env.unwrapped.P
    return np.array([not all(len(P[s][a]) == 1 and P[s][a][0][1] == s and P[s][a][0][3] for a in P[s]) for s in P])


def exact_q_star(env, gamma: str) -> np.ndarray:
    mdp = from_gymnasium(env, gamma)
    return action_values(mdp, np.array([float(x) for x in optimal_values_symbolic(mdp).values]))


@pytest.mark.parity
@pytest.mark.parametrize(("name", "alpha"), [("FrozenLake-v1", 0.2), ("CliffWalkingSlippery-v1", 0.5)])
def test_td0_on_gymnasium_steps_reaches_the_exact_values(name: str, alpha: float) -> None:
    """Slippery FrozenLake-v1 and CliffWalkingSlippery-v1 under the uniform policy, γ = 0.9: TD(0) with one-hot features on
    20,000 transitions stepped by the environment, 10 seeds; the mean of the tail averages is within t·SE + c^{n/2}‖v_π‖∞
    of state_values of from_gymnasium's model (the module docstring's argument), and outside it for γ = 0.85.
    """
    env = gym.make(name)
    S, A = env.observation_space.n, env.action_space.n
    live = acting_states(env)
    d, n, seeds = live / live.sum(), 20_000, 10
    uniform = np.full((S + 1, A), 1.0 / A)
    v = state_values(from_gymnasium(env, 0.9), uniform)[:S]
    estimates = []
    for seed in range(seeds):
        run = semi_gradient_td(gym_transitions(env, uniform[:S], n=n, seed=seed, weights=d), one_hot_features(S + 1),
                               gamma=0.9, alpha=alpha, record_every=10)
        estimates.append(run.history[run.history.shape[0] // 2:].mean(axis=0)[:S])
    e = np.array(estimates)
    mean, se = e.mean(axis=0)[live], e.std(axis=0, ddof=1)[live] / np.sqrt(seeds)
    assert alpha * d.max() <= 1
    bias = (1 - alpha * d[live].min() * (1 - 0.9)) ** (n // 2) * np.abs(v).max()
    tol = st.t.ppf(1 - LEVEL / (2 * live.sum()), seeds - 1) * se + bias
    assert np.all(np.abs(mean - v[live]) <= tol), (np.abs(mean - v[live]) / tol).max()
    v_other = state_values(from_gymnasium(env, 0.85), uniform)[:S]
    assert np.any(np.abs(mean - v_other[live]) > tol)


@pytest.mark.parity
@pytest.mark.parametrize(("name", "n"), [("FrozenLake-v1", 5_000), ("CliffWalking-v1", 24_000)])
def test_q_learning_on_deterministic_tasks_reaches_q_star(name: str, n: int) -> None:
    """FrozenLake-v1 (not slippery) and CliffWalking-v1 are deterministic: tabular Q-learning with α = 1 on transitions
    stepped by the environment is asynchronous value iteration, so after k complete rounds over the acting pairs
    ‖q − q*‖∞ ≤ γᵏ‖q*‖∞ (q₀ = 0), with q* exact from refalgo.mdp. No statistics needed: the bound is certified by the run.
    """
    env = gym.make(name, is_slippery=False)
    S, A = env.observation_space.n, env.action_space.n
    live = acting_states(env)
    q_star = exact_q_star(env, "9/10")[:S]
    t = gym_transitions(env, np.full((S, A), 1.0 / A), n=n, seed=0, weights=live / live.sum())
    q = q_learning_on_transitions(t, n_states=S + 1, n_actions=A, gamma=0.9, omega=0)[:S]
    k = complete_rounds(t.states, t.actions, A, int(live.sum()) * A)
    assert k >= 20
    assert np.max(np.abs(q - q_star)[live]) <= 0.9**k * np.max(np.abs(q_star)) + 1e-12


@pytest.mark.parity
def test_q_star_is_the_fixed_point_of_sampled_q_learning_targets() -> None:
    """Slippery FrozenLake-v1, γ = 0.9: Q-learning's expected update vanishes at q*, E[r + γ(1 − done) max q*(s')] =
    q*(s, a). With 300 environment steps per acting pair, every sample mean of the target is within t·SE of q*(s, a)
    (Bonferroni over the pairs, level 10⁻³); the same check rejects the q* of the non-slippery lake.
    """
    env = gym.make("FrozenLake-v1")
    S, A = env.observation_space.n, env.action_space.n
    live = acting_states(env)
    q_star = exact_q_star(env, "9/10")
    pairs = [(s, a) for s in np.flatnonzero(live) for a in range(A)]
    m = 300
    pi = np.zeros((S, A))
    means, ses = [], []
    for j, (s, a) in enumerate(pairs):
        d = np.zeros(S)
        d[s] = 1.0
        pi[:] = 0.0
        pi[:, a] = 1.0
        t = gym_transitions(env, pi, n=m, seed=j, weights=d)
        target = t.rewards + 0.9 * np.where(t.terminated, 0.0, q_star[t.next_states].max(axis=1))
        means.append(target.mean())
        ses.append(target.std(ddof=1) / np.sqrt(m))
    means, ses = np.array(means), np.array(ses)
    tol = st.t.ppf(1 - LEVEL / (2 * len(pairs)), m - 1) * ses + 1e-12
    exact = np.array([q_star[s, a] for s, a in pairs])
    assert np.all(np.abs(means - exact) <= tol), np.max(np.abs(means - exact) / tol)
    q_calm = exact_q_star(gym.make("FrozenLake-v1", is_slippery=False), "9/10")
    bad = np.sum(np.abs(means - np.array([q_calm[s, a] for s, a in pairs])) > tol)
    assert bad >= len(pairs) // 2


@pytest.mark.parity
def test_q_learning_on_slippery_frozen_lake_finds_an_optimal_policy() -> None:
    """Slippery FrozenLake-v1, γ = 0.9: tabular Q-learning with Robbins–Monro steps α = 1/n(s, a)^0.8 on 20,000 uniform
    transitions stepped by the environment, 4 seeds. q → q* almost surely (Watkins & Dayan 1992), but Q-learning's
    max makes the finite-sample estimate biased, so no standard-error band applies: the checks are that every seed's
    table is within 0.1 of q* (q* ≤ 0.64 here; a table of zeros is 0.64 off) and that the greedy policy of the seeds'
    mean is near-optimal: its exact value (refalgo.mdp.state_values) within 0.02 of v* in every state, where the
    uniform policy is up to 0.25 below (state 13). Near-ties in q* (0.069 against 0.067 at the start) leave room for a
    greedy choice that is not exactly optimal, hence 0.02 and not 0.
    """
    env = gym.make("FrozenLake-v1")
    S, A = env.observation_space.n, env.action_space.n
    live = acting_states(env)
    mdp = from_gymnasium(env, "9/10")
    q_star = exact_q_star(env, "9/10")
    tables = [q_learning_on_transitions(gym_transitions(env, np.full((S, A), 1.0 / A), n=20_000, seed=seed,
                                                        weights=live / live.sum()), n_states=S + 1, n_actions=A, gamma=0.9)
              for seed in range(4)]
    for q in tables:
        assert np.max(np.abs(q - q_star)[:S][live]) <= 0.1
    greedy = np.mean(tables, axis=0).argmax(axis=1)
    v_greedy = state_values(mdp, np.eye(A)[greedy])
    assert np.max(np.abs(v_greedy - q_star.max(axis=1))) <= 0.02
    assert np.max(q_star.max(axis=1) - state_values(mdp, np.full((S + 1, A), 1.0 / A))) > 0.2


def test_bad_input() -> None:
    """A continuous environment, a policy or weighting that is not a distribution, ω out of range: refused by name."""
    env = gym.make("FrozenLake-v1")
    d = np.full(16, 1 / 16)
    with pytest.raises(ValueError, match="env"):
        gym_transitions(gym.make("CartPole-v1"), np.ones((1, 2)), n=3, seed=0, weights=[1.0])
    with pytest.raises(ValueError, match="policy"):
        gym_transitions(env, np.ones((16, 4)), n=3, seed=0, weights=d)
    with pytest.raises(ValueError, match="weights"):
        gym_transitions(env, np.full((16, 4), 0.25), n=3, seed=0, weights=np.ones(16))
    t = gym_transitions(env, np.full((16, 4), 0.25), n=3, seed=0, weights=d)
    with pytest.raises(ValueError, match="omega"):
        q_learning_on_transitions(t, n_states=17, n_actions=4, gamma=0.9, omega=0.3)
    with pytest.raises(ValueError, match="transitions"):
        q_learning_on_transitions(t, n_states=5, n_actions=4, gamma=0.9)

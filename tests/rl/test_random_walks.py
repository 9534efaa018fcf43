"""Sutton & Barto's random walks: Example 6.2 (Figure 6.2), Example 6.3 and 6.4 (batch updating), Example 9.1 (Figure 9.1).

The statistical arguments. Learning curves are averaged over independent seeds; the mean
of a run's RMS error over episodes 91–100 is one number per seed, and two methods are
told apart when their seed means differ by more than 5 standard errors of the difference
(a chance failure below 1e-6 under a normal approximation). Sampled limits (gradient MC on
the 1000-state walk) are means over seeds held within 5 standard errors of the exact value.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp

from refalgo.mdp import state_values
from refalgo.rl import (
    Transitions,
    gradient_monte_carlo,
    one_hot_features,
    sample_trajectory,
    semi_gradient_td,
    state_aggregation_features,
    value_error_minimizer,
)
from refalgo.rl.batch import (
    batch_mc_values,
    batch_mc_values_symbolic,
    batch_td_values,
    batch_td_values_symbolic,
)
from refalgo.rl.examples import random_walk, thousand_state_random_walk, walk_policy
from refalgo.rl.stationary import (
    on_policy_distribution,
    on_policy_distribution_symbolic,
)
from refalgo.rl.td import DivergenceWarning

WALK = random_walk()
PI = walk_policy(WALK)
TRUTH = np.arange(1, 6) / 6
W0 = np.r_[0.0, np.full(5, 0.5), 0.0]  # the book starts every estimate at 1/2


def rms_curve(t: Transitions, method: str, alpha: float, episodes: int = 100) -> np.ndarray:
    """RMS error over states A–E after 0, 1, …, ``episodes`` episodes of tabular TD(0) or constant-α MC."""
    ends = np.flatnonzero(t.terminated)[:episodes]
    assert ends.size == episodes
    learner = semi_gradient_td if method == "td" else gradient_monte_carlo
    run = learner(t, one_hot_features(7), gamma=1.0, alpha=alpha, w0=W0, record_every=1)
    V = run.history[np.r_[0, ends + 1]][:, 1:6]
    return np.sqrt(((V - TRUTH) ** 2).mean(axis=1))


def test_example_6_2_values_and_visit_distribution() -> None:
    """Example 6.2: v_π(A…E) = 1/6 … 5/6 exactly, and from C the expected visits are 1, 2, 3, 2, 1 (9 steps on average).

    The visit counts are the Green's function of the symmetric walk absorbed at 0 and 6,
    2·min(s, 3)·(6 − max(s, 3))/6, so the on-policy distribution (S&B eq. 9.3) is (1, 2, 3, 2, 1)/9.
    """
    exact = on_policy_distribution_symbolic(WALK, PI, start=3)
    assert list(exact) == [0] + [sp.Rational(2 * min(s, 3) * (6 - max(s, 3)), 6 * 9) for s in range(1, 6)] + [0]
    assert np.allclose(on_policy_distribution(WALK, PI, start=3), [float(x) for x in exact], atol=1e-15)
    assert np.allclose(state_values(WALK, PI)[1:6], TRUTH, atol=1e-14)


def test_figure_6_2_td_learns_faster_than_constant_alpha_mc() -> None:
    """Figure 6.2 (left): from V = 1/2 (RMS √(1/18)), after 100 episodes TD(0) at α = 0.05, 0.1 is below MC at every α of the figure (0.01–0.04), by 5 standard errors over 60 seeds.

    Also the figure's shape: every curve starts at √(1/18) ≈ 0.236 and all fall; TD with
    α = 0.15 is the fastest over the first 10 episodes of the three TD curves.
    """
    trajs = [sample_trajectory(WALK, PI, n=1400, seed=s, start=3) for s in range(60)]
    late = {}
    early = {}
    for method, alphas in (("td", (0.05, 0.1, 0.15)), ("mc", (0.01, 0.02, 0.03, 0.04))):
        for a in alphas:
            c = np.array([rms_curve(t, method, a) for t in trajs])
            assert np.allclose(c[:, 0], np.sqrt(1 / 18), atol=1e-12)
            late[method, a] = c[:, 91:].mean(axis=1)
            early[method, a] = c[:, 10].mean()
            assert late[method, a].mean() < np.sqrt(1 / 18) / 2
    for td in (0.05, 0.1):
        for mc in (0.01, 0.02, 0.03, 0.04):
            diff = late["mc", mc] - late["td", td]  # same trajectories: a paired difference
            assert diff.mean() > 5 * diff.std(ddof=1) / np.sqrt(diff.size), (td, mc, diff.mean())
    assert early["td", 0.15] < early["td", 0.1] < early["td", 0.05]


def _episodes(steps: list[tuple[int, float, int]]) -> Transitions:
    s, r, s2 = (np.array(x) for x in zip(*steps))
    return Transitions(s.astype(np.intp), np.zeros(s.size, np.intp), r.astype(float), s2.astype(np.intp), np.isin(s2, (0, 6)))


def test_example_6_4_you_are_the_predictor() -> None:
    """Example 6.4: after A,0,B,0; six episodes B,1; one B,0 — batch MC gives V(A) = 0, batch TD V(A) = 3/4; both V(B) = 3/4."""
    t = Transitions(np.array([0, 1] + [1] * 7), np.zeros(9, np.intp), np.array([0.0, 0] + [1] * 6 + [0]),
                    np.array([1] + [2] * 8), np.array([False] + [True] * 8))
    q = sp.Rational(3, 4)
    assert list(batch_td_values_symbolic(t, 3)) == [q, q, 0]
    assert list(batch_mc_values_symbolic(t, 3)) == [0, q, 0]
    assert np.allclose(batch_td_values(t, 3, alpha=0.1).values, [0.75, 0.75, 0], atol=1e-10)
    assert np.allclose(batch_mc_values(t, 3, alpha=0.1).values, [0, 0.75, 0], atol=1e-10)


def test_example_6_3_batch_limits_on_a_fixed_batch() -> None:
    """Example 6.3: on three fixed random-walk episodes, batch TD reaches the certainty-equivalence values and batch MC the sample means, both worked out by hand.

    Episodes C→D→E→right (+1), C→B→A→left (0), C→D→C→B→C→D→E→right (+1). Returns: every
    visit of the first and third episode is followed by 1, of the second by 0, so batch MC
    gives A 0, B 1/2 (0, 1), C 4/5 (1, 0, 1, 1, 1), D 1, E 1. The maximum-likelihood model
    moves C→D 3/5, C→B 2/5, B→A 1/2, B→C 1/2, A→left, D→E 2/3, D→C 1/3, E→right (+1): solving
    V = r̂ + P̂V gives E = 1, A = 0, B = C/2, D = (2 + C)/3 and C = (3D + 2B)/5 = (2 + 2C)/5, so C = 2/3.
    """
    t = _episodes([(3, 0, 4), (4, 0, 5), (5, 1, 6), (3, 0, 2), (2, 0, 1), (1, 0, 0),
                   (3, 0, 4), (4, 0, 3), (3, 0, 2), (2, 0, 3), (3, 0, 4), (4, 0, 5), (5, 1, 6)])
    R = sp.Rational
    C = R(2, 3)
    assert list(batch_td_values_symbolic(t, 7)) == [0, 0, C / 2, C, (2 + C) / 3, 1, 0]
    assert list(batch_mc_values_symbolic(t, 7)) == [0, 0, R(1, 2), R(4, 5), 1, 1, 0]
    td = batch_td_values(t, 7, alpha=0.05)
    mc = batch_mc_values(t, 7, alpha=0.05)
    assert td.converged and mc.converged
    assert np.allclose(td.values, [float(x) for x in batch_td_values_symbolic(t, 7)], atol=1e-10)
    assert np.allclose(mc.values, [float(x) for x in batch_mc_values_symbolic(t, 7)], atol=1e-10)


def test_figure_6_2_right_batch_td_beats_batch_mc() -> None:
    """Figure 6.2 (right): on batches of 5 random-walk episodes, the exact batch-TD limit has lower RMS error than the batch-MC limit, over 100 seeds by 5 standard errors.

    On the first 10 batches the sampled sweeps (1) are also held to the exact limits.
    """
    diffs = []
    for seed in range(100):
        t = sample_trajectory(WALK, PI, n=400, seed=seed, start=3)
        t = Transitions(*(x[: np.flatnonzero(t.terminated)[4] + 1] for x in t))
        td = np.array([float(x) for x in batch_td_values_symbolic(t, 7)])[1:6]
        mc = np.array([float(x) for x in batch_mc_values_symbolic(t, 7)])[1:6]
        if seed < 10:  # the sampled batch sweeps reach the exact limits on these sampled batches too
            alpha = 0.5 / np.bincount(t.states).max()
            assert np.allclose(batch_td_values(t, 7, alpha=alpha).values[1:6], td, atol=1e-9)
            assert np.allclose(batch_mc_values(t, 7, alpha=alpha).values[1:6], mc, atol=1e-9)
        diffs.append(np.sqrt(((mc - TRUTH) ** 2).mean()) - np.sqrt(((td - TRUTH) ** 2).mean()))
    d = np.array(diffs)
    assert d.mean() > 5 * d.std(ddof=1) / np.sqrt(d.size), d.mean()


def test_batch_bad_input() -> None:
    """An unfinished last episode, states out of range, step sizes <= 0 and too large a step are refused or warned by name."""
    t = _episodes([(3, 0, 4), (4, 0, 5), (5, 1, 6)])
    unfinished = Transitions(*(x[:2] for x in t))
    with pytest.raises(ValueError, match="transitions"):
        batch_td_values_symbolic(unfinished, 7)
    with pytest.raises(ValueError, match="transitions.next_states"):
        batch_mc_values(t, 6, alpha=0.1)
    with pytest.raises(ValueError, match="alpha"):
        batch_td_values(t, 7, alpha=0.0)
    with pytest.raises(TypeError, match="transitions"):
        batch_mc_values_symbolic([(3, 0, 4)], 7)
    big = _episodes([(3, 0, 4), (4, 0, 3)] * 20 + [(3, 0, 4), (4, 0, 5), (5, 1, 6)])
    with pytest.warns(DivergenceWarning):
        run = batch_td_values(big, 7, alpha=1.0)
    assert not run.converged and np.all(np.isfinite(run.values))


BIG = thousand_state_random_walk()
BIG_PI = walk_policy(BIG)
GROUPS = np.r_[-1, np.repeat(np.arange(10), 100), -1]  # ten groups of 100; the terminal states (−1) in none
AGGREGATE = np.r_[np.zeros((1, 10)), state_aggregation_features(GROUPS[1:1001]), np.zeros((1, 10))]


def test_example_9_1_true_values_and_on_policy_distribution() -> None:
    """Example 9.1 / Figure 9.1: the true values solve the book's walk, are antisymmetric and increasing; μ peaks at 500 with 0.0137, the top of the figure's distribution scale.

    The values are checked against a dense solve of (I − P)v = r built here from the
    book's description: from s, each of the 200 neighbours within 100 with probability
    1/200; the probability of the missing ones ends the episode on that side (reward ∓1).
    """
    v = state_values(BIG, BIG_PI)
    s = np.arange(1, 1001)[:, None]
    near = np.abs(s - s.T)
    P = np.where((near >= 1) & (near <= 100), 1 / 200, 0.0)  # among the non-terminal states
    r = (np.maximum(0, s[:, 0] + 100 - 1000) - np.maximum(0, 101 - s[:, 0])) / 200  # +1 · P(right end) − 1 · P(left end)
    direct = np.linalg.solve(np.eye(1000) - P, r)
    assert np.allclose(v[1:1001], direct, atol=1e-10)
    assert np.allclose(v[1:1001], -v[1:1001][::-1], atol=1e-10) and np.all(np.diff(v[1:1001]) > 0)
    mu = on_policy_distribution(BIG, BIG_PI, start=500)
    assert mu.argmax() == 500 and round(mu.max(), 4) == 0.0137


def test_example_9_1_aggregation_minimizer_is_the_staircase_of_group_means() -> None:
    """With state aggregation, the value-error minimiser under μ gives each group the μ-weighted mean of v_π over it (Figure 9.1's staircase)."""
    v = state_values(BIG, BIG_PI)
    mu = on_policy_distribution(BIG, BIG_PI, start=500)
    w = value_error_minimizer(BIG, BIG_PI, AGGREGATE, weights=mu)
    for g in range(10):
        members = GROUPS == g
        assert abs(w[g] - (mu[members] @ v[members]) / mu[members].sum()) < 1e-12
    assert np.all(np.diff(w) > 0)


def test_example_9_1_gradient_mc_reaches_the_staircase() -> None:
    """Gradient MC with aggregation and step 1/(visits of the group) averages each group's returns: over 10 seeds of 300 episodes, within 5 standard errors of the exact minimiser.

    With step 1/n on the n-th visit of a group, the group's weight is the mean of the
    returns that followed its visits; its expectation is the visit-weighted mean of v_π over
    the group, the μ-weighted group mean (the exact minimiser).
    """
    mu = on_policy_distribution(BIG, BIG_PI, start=500)
    exact = value_error_minimizer(BIG, BIG_PI, AGGREGATE, weights=mu)
    estimates = []
    for seed in range(10):
        t = sample_trajectory(BIG, BIG_PI, n=30_000, seed=seed, start=500)
        keep = np.flatnonzero(t.terminated)[299] + 1
        t = Transitions(*(x[:keep] for x in t))
        g = GROUPS[t.states]
        visits = np.zeros(t.states.size)
        for k in range(10):
            visits[g == k] = np.arange(1, (g == k).sum() + 1)
        estimates.append(gradient_monte_carlo(t, AGGREGATE, gamma=1.0, alpha=1.0 / visits).weights)
    e = np.array(estimates)
    se = e.std(axis=0, ddof=1) / np.sqrt(len(e))
    assert np.all(np.abs(e.mean(axis=0) - exact) <= 5 * se), (e.mean(axis=0), exact, se)


def test_on_policy_distribution_bad_input() -> None:
    """A start on a terminal state, a start distribution that does not sum to 1, and a task with no terminal state are refused by name."""
    with pytest.raises(ValueError, match="start"):
        on_policy_distribution(WALK, PI, start=0)
    with pytest.raises(ValueError, match="start"):
        on_policy_distribution_symbolic(WALK, PI, start=["0", "1/2", "1/2", "1/2", "0", "0", "0"])
    with pytest.raises(ValueError, match="start"):
        on_policy_distribution(WALK, PI, start=[0, 0.5, 0.5, 0, 0, 0, 0.0][:6])
    from refalgo.mdp import MDP

    with warnings.catch_warnings(), pytest.raises(ValueError, match="mdp"):
        on_policy_distribution(MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [1.0]], 0.9), [0, 0], start=0)

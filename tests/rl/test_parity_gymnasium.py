"""Parity with Gymnasium: sampled tabular TD(0) on FrozenLake's own transition table approaches the exact values of refalgo.mdp."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.mdp import from_gymnasium, state_values, terminal_states
from refalgo.rl import one_hot_features, td_fixed_point
from tests.rl.test_td import seed_means

gym = pytest.importorskip("gymnasium")


@pytest.mark.parity
def test_td0_on_frozen_lake_reaches_the_exact_values() -> None:
    """FrozenLake-v1 (4×4, slippery) under the uniform policy, γ = 0.9: with one-hot features w_TD equals state_values
    of from_gymnasium's model, and TD(0) on independent transitions averages to it within 5 standard errors over 10 seeds.
    """
    mdp = from_gymnasium(gym.make("FrozenLake-v1"), 0.9)
    S, A = mdp.n_states, mdp.n_actions
    policy = np.full((S, A), 1.0 / A)
    live = ~terminal_states(mdp)
    weights = live / live.sum()
    v = state_values(mdp, policy)
    assert np.allclose(td_fixed_point(mdp, policy, one_hot_features(S), weights=np.where(live, 0.9, 0.1) / np.where(live, 0.9, 0.1).sum()), v, atol=1e-10)
    mean, se = seed_means(mdp, policy, one_hot_features(S), alpha=0.05, n=40_000, seeds=10, weights=weights)
    visited = live & (se > 0)
    assert visited.sum() >= 10
    assert np.all(np.abs(mean[visited] - v[visited]) <= 5 * se[visited]), (mean, v, se)

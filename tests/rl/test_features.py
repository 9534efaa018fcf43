"""Feature builders: shapes, the defining identities of each basis, and bad input."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.rl import (
    fourier_features,
    grid_coordinates,
    one_hot_features,
    polynomial_features,
    state_action_features,
    state_aggregation_features,
    tile_coding_features,
)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(2, 6), st.integers(1, 5), st.integers(0, 2**31))
def test_tile_coding_puts_one_tile_per_tiling(m: int, tilings: int, tiles: int, seed: int) -> None:
    """Every point of the box lies in exactly one tile of each tiling: each row has n_tilings ones, one per tiling block."""
    x = np.random.default_rng(seed).uniform(-1.0, 2.0, size=(40, m))
    Phi = tile_coding_features(x, n_tilings=tilings, tiles=tiles, low=-1.0, high=2.0, sparse=False)
    block = (tiles + 1) ** m
    assert Phi.shape == (40, tilings * block)
    assert np.array_equal(Phi.reshape(40, tilings, block).sum(axis=2), np.ones((40, tilings)))


def test_nearby_points_share_more_tiles_than_distant_ones() -> None:
    """Generalisation of tile coding (Sutton & Barto §9.5.4): points a tenth of a tile apart share most tiles, points far apart none."""
    Phi = tile_coding_features([0.50, 0.51, 0.95], n_tilings=8, tiles=10, low=0.0, high=1.0, sparse=False)
    assert Phi[0] @ Phi[1] >= 7 and Phi[0] @ Phi[2] == 0


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 3), st.integers(0, 4))
def test_polynomial_feature_count(m: int, degree: int) -> None:
    """There are C(m + n, m) monomials of total degree at most n in m coordinates, the constant first."""
    Phi = polynomial_features(np.random.default_rng(0).uniform(size=(5, m)), degree=degree)
    assert Phi.shape == (5, comb(m + degree, m)) and np.all(Phi[:, 0] == 1)


def test_fourier_features_are_orthogonal_on_a_uniform_grid() -> None:
    """The cosines cos(πcx), c = 0 … n, are orthogonal on the midpoints of a uniform grid of [0, 1] (a discrete cosine transform)."""
    x = (np.arange(64) + 0.5) / 64
    Phi = fourier_features(x, order=5)
    G = Phi.T @ Phi / 64
    assert np.allclose(G, np.diag([1.0] + [0.5] * 5), atol=1e-12)


def test_state_action_and_aggregation_layouts() -> None:
    """Row s·A + a of the state–action features holds φ(s) at columns j·A + a; aggregation has one 1 per row."""
    phi = np.array([[1.0, 2.0], [3.0, 4.0]])
    sa = state_action_features(phi, 3)
    assert sa.shape == (6, 6) and sa[1 * 3 + 2].tolist() == [0, 0, 3.0, 0, 0, 4.0]
    assert np.array_equal(state_action_features(one_hot_features(2, sparse=True), 3).toarray(), np.eye(6))
    agg = state_aggregation_features([0, 0, 1, 2, 2])
    assert agg.sum(axis=1).tolist() == [1.0] * 5 and agg.shape == (5, 3)
    assert grid_coordinates((1, 1)).tolist() == [[0.0, 0.0]]


def test_bad_input() -> None:
    """Each builder names the argument it refuses: counts, labels, coordinates outside the box or [0, 1]."""
    with pytest.raises(ValueError, match="n_states"):
        one_hot_features(0)
    with pytest.raises(ValueError, match="groups: every label"):
        state_aggregation_features([0, 2])
    with pytest.raises(ValueError, match="groups: expected integer labels"):
        state_aggregation_features([0.5, 1.0])
    with pytest.raises(ValueError, match="degree"):
        polynomial_features([0.1], degree=-1)
    with pytest.raises(ValueError, match=r"coords: expected coordinates in \[0, 1\]"):
        fourier_features([1.5], order=2)
    with pytest.raises(ValueError, match="coords: expected points inside the box"):
        tile_coding_features([2.0], n_tilings=2, tiles=2, low=0.0, high=1.0)
    with pytest.raises(ValueError, match="n_tilings"):
        tile_coding_features([0.5], n_tilings=0, tiles=2, low=0.0, high=1.0)
    with pytest.raises(ValueError, match="tiles, low, high"):
        tile_coding_features([0.5], n_tilings=1, tiles=2, low=1.0, high=1.0)
    with pytest.raises(ValueError, match="n_actions"):
        state_action_features(np.eye(2), 0)

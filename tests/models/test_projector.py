"""Kimi-VL's projector: the 2 × 2 token merge, the forward pass, the token count and the parameter count."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.models.moonvit import pack_images
from refalgo.models.projector import (
    CHANNEL_ORDERS,
    ProjectorWeights,
    init_projector,
    merge_tokens,
    merge_tokens_symbolic,
    project,
    project_symbolic,
    projector_parameter_count,
    projector_parameter_count_symbolic,
    token_count,
)

grids = st.lists(st.tuples(st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=3)


def kimi_vl_patch_merger(features: np.ndarray, grid_hws: list[list[int]], k: int) -> np.ndarray:
    """Kimi-VL's patch_merger and the projector's view(-1, k²C), transcribed to NumPy (an independent golden)."""
    out, start = [], 0
    for h, w in grid_hws:
        seq = features[start:start + h * w]
        merged = seq.reshape(h // k, k, w // k, k, -1).transpose(0, 2, 1, 3, 4).reshape((h // k) * (w // k), -1)
        out.append(merged)
        start += h * w
    return np.concatenate(out)


@settings(max_examples=12, deadline=None)
@given(grids, st.integers(1, 3), st.sampled_from(CHANNEL_ORDERS), st.integers(0, 2**31))
def test_merge_twins_and_kimi_vl_order(half_grids: list[tuple[int, int]], c: int, order: str, seed: int) -> None:
    """The token merge moves entries only: it equals its exact index-permutation twin, and in the "kimi-vl" order Kimi-VL's view-permute-view."""
    grid = [[2 * a, 2 * b] for a, b in half_grids]
    features = np.random.default_rng(seed).integers(-99, 99, (sum(h * w for h, w in grid), c)).astype(float)
    merged = merge_tokens(features, grid, channel_order=order)
    assert np.array_equal(merged, merge_tokens_symbolic(features, grid, channel_order=order).astype(float))
    if order == "kimi-vl":
        assert np.array_equal(merged, kimi_vl_patch_merger(features, grid, 2))


def test_merge_of_one_block_by_hand() -> None:
    """A 2 × 2 grid of C = 2 features a, b, c, d becomes one token (a₀ a₁ b₀ b₁ c₀ c₁ d₀ d₁) in Kimi-VL's order and (a₀ b₀ c₀ d₀ a₁ b₁ c₁ d₁) in pixel_unshuffle's."""
    features = np.array([[10, 11], [20, 21], [30, 31], [40, 41]], float)
    assert merge_tokens(features, [[2, 2]]).tolist() == [[10, 11, 20, 21, 30, 31, 40, 41]]
    assert merge_tokens(features, [[2, 2]], channel_order="pixel-unshuffle").tolist() == [[10, 20, 30, 40, 11, 21, 31, 41]]


@pytest.mark.parametrize("height, width, tokens", [(448, 448, 256), (896, 1344, 1536), (28, 28, 1), (1792, 28, 64)])
def test_token_count(height: int, width: int, tokens: int) -> None:
    """An H × W image gives (H/28)·(W/28) tokens: 448² → 16² = 256, 896 × 1344 → 32 · 48 = 1536, counted by hand and by packing and merging a blank image."""
    assert token_count(height, width) == tokens
    if height * width <= 896 * 1344:
        packed = pack_images([np.zeros((height, width, 1))])
        assert merge_tokens(packed.patches, packed.grid_hws).shape[0] == tokens


def test_kimi_vl_parameter_count() -> None:
    """Kimi-VL-A3B's projector (vision hidden_size 1152, merge_kernel_size [2, 2], text hidden_size 2048, config.json): 2·1152 + 4608² + 4608 + 4608·2048 + 2048 = 2304 + 21,233,664 + 4608 + 9,437,184 + 2048 = 30,679,808 parameters."""
    assert projector_parameter_count() == 30_679_808
    C, D, k = sp.symbols("C D k", positive=True, integer=True)
    assert projector_parameter_count_symbolic().subs({C: 1152, D: 2048, k: 2}) == 30_679_808


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 64), st.integers(1, 64), st.integers(1, 4))
def test_parameter_count_twins(c: int, d: int, k: int) -> None:
    """The integer parameter count equals the symbolic one at the same sizes, and the sum of the sizes of init_projector's arrays."""
    C, D, K = sp.symbols("C D k", positive=True, integer=True)
    n = projector_parameter_count(hidden_size=c, out_size=d, merge_kernel=k)
    assert n == projector_parameter_count_symbolic().subs({C: c, D: d, K: k})
    if c * k * k <= 64:
        assert n == sum(a.size for a in init_projector(hidden_size=c, out_size=d, merge_kernel=k))


@pytest.mark.parametrize("grid", [[[2, 2]], [[2, 4]]])
def test_forward_twins(grid: list[list[int]]) -> None:
    """The float64 forward pass (LayerNorm, merge, Linear-GELU-Linear) agrees with its exact twin (square roots and erf kept exact) to 1e-13."""
    rng = np.random.default_rng(len(grid))
    rows = sum(h * w for h, w in grid)
    features = rng.integers(-5, 5, (rows, 2)).astype(float)
    w = init_projector(hidden_size=2, out_size=2, seed=3)
    weights = ProjectorWeights(*(np.round(a * 8) / 8 for a in w))  # dyadic, so the exact twin sees the same numbers
    exact = project_symbolic(features, grid, weights, eps="1/64")
    assert np.max(np.abs(project(features, grid, weights, eps=1 / 64) - np.array(sp.Matrix(exact).evalf(30).tolist(), dtype=float))) < 1e-13


def test_float32_stays_float32() -> None:
    """Float32 features and weights give float32 tokens, within 1e-5 of the float64 pass."""
    rng = np.random.default_rng(4)
    features = rng.standard_normal((8, 4))
    w = init_projector(hidden_size=4, out_size=3, seed=5)
    w32 = ProjectorWeights(*(a.astype(np.float32) for a in w))
    out32 = project(features.astype(np.float32), [[2, 4]], w32)
    assert out32.dtype == np.float32
    assert np.max(np.abs(out32 - project(features, [[2, 4]], w))) < 1e-5

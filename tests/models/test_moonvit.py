"""MoonViT's packing: patches, positions, cu_seqlens, the block-diagonal mask, packed attention, position embeddings."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.models.moonvit import (
    MERGE_KERNEL,
    PATCH_SIZE,
    POS_EMB_GRID,
    attention,
    attention_symbolic,
    block_diagonal_mask,
    block_diagonal_mask_symbolic,
    pack_images,
    packed_attention,
    patchify,
    patchify_symbolic,
    position_embedding,
    position_embedding_symbolic,
)

sizes = st.lists(st.integers(1, 4), min_size=1, max_size=4)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**31))
def test_patch_index_map(h: int, w: int, c: int, p: int, seed: int) -> None:
    """Patch r·w + c holds the P × P block at grid (r, c), flattened (channel, row, column), as the exact twin and a reshape of the image agree."""
    image = np.random.default_rng(seed).integers(-99, 99, (h * p, w * p, c))
    patches, positions = patchify(image, patch_size=p, merge_kernel=1)
    by_reshape = image.reshape(h, p, w, p, c).transpose(0, 2, 4, 1, 3).reshape(h * w, c * p * p)
    exact, exact_positions = patchify_symbolic(image, patch_size=p, merge_kernel=1)
    assert np.array_equal(patches, by_reshape)
    assert np.array_equal(exact.astype(float), by_reshape)
    assert positions.tolist() == [[r, q] for r in range(h) for q in range(w)] == exact_positions.tolist()


def test_packing_of_three_images() -> None:
    """Images of 28 × 56, 56 × 28 and 28 × 28 pixels pack into 8 + 8 + 4 = 20 tokens with cu_seqlens [0, 8, 16, 20] and each image's own row-major positions."""
    images = [np.zeros((28, 56, 3)), np.ones((56, 28, 3)), np.full((28, 28, 3), 2.0)]
    packed = pack_images(images)
    assert packed.patches.shape == (20, 3 * 14 * 14)
    assert packed.grid_hws.tolist() == [[2, 4], [4, 2], [2, 2]]
    assert packed.cu_seqlens.tolist() == [0, 8, 16, 20] and packed.cu_seqlens.dtype == np.int32
    assert packed.positions[8:16].tolist() == [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1], [3, 0], [3, 1]]
    assert np.array_equal(packed.patches[:, 0], np.repeat([0.0, 1.0, 2.0], [8, 8, 4]))


@settings(max_examples=12, deadline=None)
@given(sizes)
def test_mask_twins(lengths: list[int]) -> None:
    """The boolean block-diagonal mask equals the exact direct sum of all-ones blocks, one block per image."""
    cu = np.concatenate([[0], np.cumsum(lengths)])
    assert np.array_equal(block_diagonal_mask(cu).astype(int), np.array(block_diagonal_mask_symbolic(cu).tolist(), dtype=int))


@settings(max_examples=30, deadline=None)
@given(sizes, st.integers(1, 4), st.sampled_from([np.float32, np.float64]), st.integers(0, 2**31))
def test_packed_attention_equals_attention_per_image(lengths: list[int], d: int, dtype: type, seed: int) -> None:
    """Attention on the packed sequence under the block-diagonal mask equals attention on each image separately, concatenated (NaViT's packing changes nothing)."""
    rng = np.random.default_rng(seed)
    n = sum(lengths)
    q, k, v = (rng.standard_normal((n, d)).astype(dtype) * 3 for _ in range(3))
    cu = np.concatenate([[0], np.cumsum(lengths)])
    separate = np.concatenate([attention(q[a:b], k[a:b], v[a:b]) for a, b in zip(cu[:-1], cu[1:])])
    packed = packed_attention(q, k, v, cu)
    tol = 1e-5 if dtype == np.float32 else 1e-13
    assert packed.dtype == dtype
    assert np.max(np.abs(packed - separate)) <= tol * (1 + np.max(np.abs(v)))


def test_tiny_exact_attention() -> None:
    """Three tokens, images of 2 and 1 tokens, d = 1: the exact attention is (e·1 + 1·3)/(e + 1) for token 0, where the float64 one agrees to 1e-15."""
    q = k = [[1], [0], [5]]
    v = [[1], [3], [7]]
    mask = block_diagonal_mask_symbolic([0, 2, 3])
    exact = attention_symbolic(q, k, v, mask=mask)
    e = sp.E
    assert sp.simplify(exact[0, 0] - (e * 1 + 1 * 3) / (e + 1)) == 0
    assert exact[2, 0] == 7
    numeric = attention(np.array(q, float), np.array(k, float), np.array(v, float), mask=block_diagonal_mask([0, 2, 3]))
    assert np.max(np.abs(numeric - np.array(exact.evalf(30).tolist(), dtype=float))) < 1e-15


@pytest.mark.parametrize("h, w", [(1, 4), (3, 2)])
def test_position_embedding_twins(h: int, w: int) -> None:
    """The position embedding of a 2 × 3 grid resized by bicubic interpolation to h × w agrees with its exact twin to 1e-13."""
    grid = np.random.default_rng(h).integers(-9, 9, (2, 3, 1))
    exact = position_embedding_symbolic(grid, [[h, w]]).astype(float)
    assert np.max(np.abs(position_embedding(grid, [[h, w]]) - exact)) < 1e-13


def test_position_embedding_at_its_own_size_is_the_grid() -> None:
    """At the grid's own size 64 × 64 the bicubic resize is the identity, so Kimi-VL's shortcut (no resize) gives the same embedding."""
    weight = np.random.default_rng(0).standard_normal((64, 64, 3))
    assert np.array_equal(position_embedding(weight, [[64, 64]]), weight.reshape(64 * 64, 3))


def test_published_moonvit_configuration() -> None:
    """MoonViT-SO-400M's config.json (moonshotai/Kimi-VL-A3B-Instruct, vision_config): patch_size 14, init_pos_emb_height = init_pos_emb_width = 64, merge_kernel_size [2, 2]; the 64 × 64 grid spans 896 × 896 pixels at one patch per cell."""
    assert (PATCH_SIZE, POS_EMB_GRID, MERGE_KERNEL) == (14, (64, 64), (2, 2))
    assert position_embedding(np.zeros((*POS_EMB_GRID, 1)), [[896 // 14, 896 // 14]]).shape == (4096, 1)

"""Parity of MoonViT's packing with PyTorch 2.13 (CPU): the patch embedding as a strided Conv2d, masked attention as scaled_dot_product_attention, and the position embedding as F.interpolate bicubic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.models.moonvit import block_diagonal_mask, pack_images, packed_attention, position_embedding

torch = pytest.importorskip("torch")
F = torch.nn.functional
pytestmark = pytest.mark.parity


def test_patch_embedding_is_a_strided_convolution() -> None:
    """Patch vectors times a Conv2d weight flattened to (D, C·P²) equal MoonVisionPatchEmbed's Conv2d (kernel = stride = P) read row-major, so the (channel, row, column) order is Kimi-VL's."""
    rng = np.random.default_rng(1)
    image = rng.standard_normal((28, 56, 3))
    weight, bias = rng.standard_normal((5, 3, 14, 14)), rng.standard_normal(5)
    packed = pack_images([image])
    ours = packed.patches @ weight.reshape(5, -1).T + bias
    conv = F.conv2d(torch.from_numpy(image.transpose(2, 0, 1))[None], torch.from_numpy(weight), torch.from_numpy(bias), stride=14)
    theirs = conv[0].flatten(1).T.numpy()  # (h·w, D), token r·w + c
    assert np.max(np.abs(ours - theirs)) < 1e-12


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=4), st.integers(1, 6), st.integers(0, 2**31))
def test_packed_attention_matches_sdpa(lengths: list[int], d: int, seed: int) -> None:
    """Packed attention equals torch's scaled_dot_product_attention with the boolean block-diagonal mask, as in Kimi-VL's sdpa path, to 1e-12 in float64."""
    rng = np.random.default_rng(seed)
    n = sum(lengths)
    q, k, v = (rng.standard_normal((n, d)) for _ in range(3))
    cu = np.concatenate([[0], np.cumsum(lengths)])
    theirs = F.scaled_dot_product_attention(*(torch.from_numpy(a)[None] for a in (q, k, v)),
                                            attn_mask=torch.from_numpy(block_diagonal_mask(cu))[None])[0].numpy()
    assert np.max(np.abs(packed_attention(q, k, v, cu) - theirs)) < 1e-12


@pytest.mark.parametrize("dtype, bound", [(np.float64, 24 * 2.2e-16), (np.float32, 24 * 1.2e-7)])
def test_position_embedding_matches_torch_bicubic(dtype: type, bound: float) -> None:
    """A 64 × 64 grid resized to four images' grids (down and up) equals Learnable2DInterpPosEmb's F.interpolate(mode="bicubic", align_corners=False), within 24 eps·max|E| (the vision chapter's bicubic bound)."""
    weight = np.random.default_rng(2).standard_normal((64, 64, 4)).astype(dtype)
    grids = [[2, 4], [16, 12], [64, 64], [80, 70]]
    t = torch.from_numpy(weight).permute(2, 0, 1)[None]
    theirs = np.concatenate([F.interpolate(t, size=tuple(g), mode="bicubic")[0].permute(1, 2, 0).reshape(-1, 4).numpy() for g in grids])
    ours = position_embedding(weight, grids)
    assert ours.dtype == dtype
    assert np.max(np.abs(ours - theirs)) <= bound * np.max(np.abs(weight))

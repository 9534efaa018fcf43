"""Bad input to MoonViT's packing (image sizes, shapes, empty lists, boundaries, masks, grids) is refused with an error naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.models.moonvit import (
    attention,
    attention_symbolic,
    block_diagonal_mask,
    block_diagonal_mask_symbolic,
    cu_seqlens,
    pack_images,
    packed_attention,
    patchify,
    patchify_symbolic,
    position_embedding,
    position_embedding_symbolic,
)


@pytest.mark.parametrize("f", [patchify, patchify_symbolic])
@pytest.mark.parametrize("image, kwargs, match", [
    (np.zeros((42, 28, 3)), {}, r"image: expected a height divisible by patch_size × merge_kernel = 14 × 2 = 28; got 42"),
    (np.zeros((28, 30, 3)), {}, r"image: expected a width divisible by patch_size × merge_kernel = 14 × 2 = 28; got 30"),
    (np.zeros((28, 28)), {}, r"image: expected an image of shape \(H, W, C\); got shape \(28, 28\)"),
    (np.zeros((28, 28, 3)), {"patch_size": 0}, "patch_size: expected a positive integer; got 0"),
    (np.zeros((28, 28, 3)), {"merge_kernel": (2, 2, 2)}, "merge_kernel: expected an integer or a pair"),
])
def test_patchify_refuses(f, image, kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        f(image, **kwargs)


def test_patchify_refuses_nan() -> None:
    image = np.zeros((28, 28, 1))
    image[3, 4, 0] = np.nan
    with pytest.raises(ValueError, match=r"image: expected finite numbers; got nan at image\[3, 4, 0\]"):
        patchify(image)


def test_pack_refuses_empty_and_mixed_channels() -> None:
    with pytest.raises(ValueError, match="images: expected a non-empty list of .* of length 0"):
        pack_images([])
    with pytest.raises(ValueError, match=r"images: expected the same channel count C in every image; got patch lengths C·P² = \[196, 588\]"):
        pack_images([np.zeros((28, 28, 3)), np.zeros((28, 28, 1))])
    with pytest.raises(ValueError, match="images: expected a non-empty list"):
        pack_images(np.zeros((28, 28, 3)))


@pytest.mark.parametrize("f", [block_diagonal_mask, block_diagonal_mask_symbolic])
@pytest.mark.parametrize("cu", [[1, 3], [0, 2, 2], [0], [0.0, 2.0], [[0, 1]]])
def test_mask_refuses_bad_boundaries(f, cu) -> None:
    with pytest.raises(ValueError, match="cu_seqlens: expected a 1-D integer array starting at 0 and strictly increasing"):
        f(cu)


@pytest.mark.parametrize("grid", [[], [[2, 0]], [[2, 2, 2]], [[1.5, 2]]])
def test_grids_refused(grid) -> None:
    with pytest.raises(ValueError, match=r"grid_hws: expected a non-empty \(N, 2\) array of positive integers"):
        cu_seqlens(grid)
    with pytest.raises(ValueError, match="grid_hws: expected"):
        position_embedding(np.zeros((4, 4, 1)), grid)


@pytest.mark.parametrize("f", [attention, attention_symbolic])
def test_attention_refuses_shapes_and_masks(f) -> None:
    q = np.zeros((2, 1))
    with pytest.raises(ValueError, match=r"k, v: expected k of shape \(2, 1\) like q and v with 2 rows; got k \(3, 1\), v \(2, 1\)"):
        f(q, np.zeros((3, 1)), q)
    with pytest.raises(ValueError, match=r"mask: expected a boolean \(2, 2\) array; got shape \(3, 3\)"):
        f(q, q, q, mask=np.ones((3, 3), bool))
    with pytest.raises(ValueError, match="mask: expected every row to allow at least one key; row 1 allows none"):
        f(q, q, q, mask=[[True, False], [False, False]])
    with pytest.raises(ValueError, match="q: expected a 2-D array"):
        f(np.zeros(2), q, q)


def test_packed_attention_refuses_a_wrong_length() -> None:
    q = np.zeros((3, 1))
    with pytest.raises(ValueError, match="cu_seqlens: expected its last entry to be the sequence length 3; got 4"):
        packed_attention(q, q, q, [0, 2, 4])


@pytest.mark.parametrize("f", [position_embedding, position_embedding_symbolic])
def test_position_embedding_refuses_a_flat_weight(f) -> None:
    with pytest.raises(ValueError, match="weight: expected a 3-D array"):
        f(np.zeros((4, 4)), [[2, 2]])

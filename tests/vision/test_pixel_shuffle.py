"""PixelShuffle and PixelUnshuffle: the index map (9), the inverse pair, the twins, PyTorch's documented shapes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.vision import pixel_shuffle, pixel_shuffle_symbolic, pixel_unshuffle


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2))
def test_index_map(c: int, r: int, h: int, w: int, lead: int) -> None:
    """Output [c, h·r + i, w·r + j] is input [c·r² + i·r + j, h, w], for every leading shape."""
    shape = (2,) * lead + (c * r * r, h, w)
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    y = pixel_shuffle(x, r)
    assert y.shape == (2,) * lead + (c, h * r, w * r)
    for ch in range(c):
        for i in range(r):
            for j in range(r):
                assert np.array_equal(y[..., ch, i::r, j::r], x[..., ch * r * r + i * r + j, :, :])


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**31))
def test_inverse_pair(c: int, r: int, h: int, w: int, seed: int) -> None:
    """pixel_unshuffle undoes pixel_shuffle and pixel_shuffle undoes pixel_unshuffle, bit for bit."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, c * r * r, h, w)).astype(np.float32)
    z = rng.standard_normal((2, c, h * r, w * r))
    assert np.array_equal(pixel_unshuffle(pixel_shuffle(x, r), r), x)
    assert np.array_equal(pixel_shuffle(pixel_unshuffle(z, r), r), z)


def test_twins_on_symbols() -> None:
    """The exact twin puts the symbol of channel c·r² + i·r + j at sub-pixel (i, j): with r = 2, channels a, b, c, d fill the 2 × 2 patch row by row."""
    out = pixel_shuffle_symbolic(np.array(["1", "2", "3", "4"], dtype=object).reshape(4, 1, 1), 2)
    assert out.tolist() == [[[1, 2], [3, 4]]]


def test_pytorch_documented_shapes() -> None:
    """PyTorch's nn.PixelShuffle example: (1, 9, 4, 4) with factor 3 gives (1, 1, 12, 12); nn.PixelUnshuffle's: (1, 1, 12, 12) with factor 3 gives (1, 9, 4, 4)."""
    assert pixel_shuffle(np.zeros((1, 9, 4, 4)), 3).shape == (1, 1, 12, 12)
    assert pixel_unshuffle(np.zeros((1, 1, 12, 12)), 3).shape == (1, 9, 4, 4)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**31))
def test_sub_pixel_convolution_is_a_transposed_convolution(c_in: int, c: int, r: int, h: int, w: int, seed: int) -> None:
    """A 1 × 1 convolution to C·r² channels followed by pixel_shuffle equals a transposed convolution with an r × r kernel and stride r whose weight is the same numbers rearranged, W_T[c_in, c, i, j] = W[c·r² + i·r + j, c_in] (Shi et al. 2016)."""
    from refalgo.vision import conv2d, conv_transpose2d

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, c_in, h, w))
    weight = rng.standard_normal((c * r * r, c_in, 1, 1))
    rearranged = weight[:, :, 0, 0].reshape(c, r, r, c_in).transpose(3, 0, 1, 2)
    sub_pixel = pixel_shuffle(conv2d(x, weight), r)
    assert np.max(np.abs(sub_pixel - conv_transpose2d(x, rearranged, stride=r))) <= 1e-12 * (1 + np.sum(np.abs(x)) * np.max(np.abs(weight)))

"""Max-unpooling: the values return to the positions max-pooling recorded; twins, PyTorch parity, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.vision import max_unpool2d, max_unpool2d_symbolic
from refalgo.vision.unpooling import CONCEPTS


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**31))
def test_pooling_the_unpooled_maxima_gives_them_back(h: int, w: int, k: int, seed: int) -> None:
    """For non-overlapping k × k windows the unpooled image holds each pooled value at its recorded position and zeros elsewhere, so pooling it again gives max(pooled, 0) (or the pooled values when k = 1)."""
    x = np.random.default_rng(seed).standard_normal((2, 3, h * k, w * k))
    windows = x.reshape(2, 3, h, k, w, k).transpose(0, 1, 2, 4, 3, 5).reshape(2, 3, h, w, k * k)
    arg = windows.argmax(axis=-1)
    pooled = windows.max(axis=-1)
    rows = np.arange(h)[:, None] * k + arg // k
    cols = np.arange(w)[None, :] * k + arg % k
    y = max_unpool2d(pooled, rows * (w * k) + cols, k)
    repooled = y.reshape(2, 3, h, k, w, k).max(axis=(3, 5))
    assert np.array_equal(repooled, pooled if k == 1 else np.maximum(pooled, 0.0))  # the zeros around a negative maximum win
    assert np.array_equal(np.take_along_axis(y.reshape(2, 3, -1), (rows * (w * k) + cols).reshape(2, 3, -1), axis=2).reshape(pooled.shape), pooled)
    assert np.count_nonzero(y) == np.count_nonzero(pooled)


@settings(max_examples=40, deadline=None)
@given(CONCEPTS[0].inputs())
def test_twins_agree(example: dict) -> None:
    """The exact twin's entry-by-entry scatter and the numeric twin's indexed assignment give the same image."""
    assert np.array_equal(max_unpool2d_symbolic(example["input"], example["indices"], example["k"]).astype(float),
                          max_unpool2d(example["input"], example["indices"], example["k"]))


@pytest.mark.parity
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(0, 1), st.integers(2, 9), st.integers(2, 9), st.integers(0, 2**31))
def test_matches_torch(k: int, s: int, p: int, h: int, w: int, seed: int) -> None:
    """max_unpool2d of torch's max_pool2d values and indices equals torch's max_unpool2d bit for bit (kernel, stride, padding, float32)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    p = min(p, k // 2)
    h, w = max(h, k), max(w, k)
    x = torch.from_numpy(np.random.default_rng(seed).standard_normal((2, 3, h, w)).astype(np.float32))
    pooled, idx = F.max_pool2d(x, k, stride=s, padding=p, return_indices=True)
    ref = F.max_unpool2d(pooled, idx, k, stride=s, padding=p, output_size=(h, w)).numpy()
    got = max_unpool2d(pooled.numpy(), idx.numpy(), k, stride=s, padding=p, output_size=(h, w))
    assert got.dtype == ref.dtype and np.array_equal(got, ref)


@pytest.mark.parametrize("f", [max_unpool2d, max_unpool2d_symbolic])
def test_bad_input(f) -> None:
    """Wrong ranks, mismatched or out-of-range or non-integer indices and empty sizes are refused, naming the argument."""
    x = np.ones((1, 1, 2, 2))
    with pytest.raises(ValueError, match="input: expected a 4-D array"):
        f(np.ones((2, 2)), np.zeros((2, 2), int), 2)
    with pytest.raises(ValueError, match="indices: expected the input's shape"):
        f(x, np.zeros((1, 1, 2, 1), int), 2)
    with pytest.raises(ValueError, match=r"indices: expected flat positions in \[0, 16\)"):
        f(x, np.full((1, 1, 2, 2), 16), 2)
    with pytest.raises(TypeError, match="indices: expected an integer array"):
        f(x, np.zeros((1, 1, 2, 2)), 2)
    with pytest.raises(ValueError, match="kernel_size: expected a positive integer"):
        f(x, np.zeros((1, 1, 2, 2), int), 0)


def test_pytorch_documented_example() -> None:
    """nn.MaxUnpool2d's example: the 4 × 4 image 1, …, 16 max-pooled 2 × 2 keeps 6, 8, 14, 16 at positions 5, 7, 13, 15; unpooling prints them there with zeros elsewhere."""
    got = max_unpool2d(np.array([[[[6.0, 8.0], [14.0, 16.0]]]]), np.array([[[[5, 7], [13, 15]]]]), 2, stride=2)
    assert got[0, 0].tolist() == [[0, 0, 0, 0], [0, 6, 0, 8], [0, 0, 0, 0], [0, 14, 0, 16]]

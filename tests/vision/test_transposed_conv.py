"""Transposed convolution: the adjoint of convolution, zero insertion, output sizes, checkerboard counts, parity with PyTorch, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.vision import conv2d, conv2d_symbolic, conv_transpose2d, conv_transpose2d_symbolic, overlap_counts


@st.composite
def geometries(draw: st.DrawFn) -> dict:
    g = draw(st.integers(1, 2))
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    p = tuple(draw(st.integers(0, (k[i] - 1) * d[i] // 2)) for i in range(2))
    return {"g": g, "cin": g * draw(st.integers(1, 2)), "cout": g * draw(st.integers(1, 2)), "k": k, "s": s, "d": d, "p": p,
            "h": (k[0] - 1) * d[0] + draw(st.integers(1, 4)), "w": (k[1] - 1) * d[1] + draw(st.integers(1, 4)),
            "seed": draw(st.integers(0, 2**31))}


@settings(max_examples=60, deadline=None)
@given(geometries())
def test_adjoint_identity(geo: dict) -> None:
    """⟨conv2d(x, w), y⟩ = ⟨x, conv_transpose2d(y, w)⟩ for every stride, padding, dilation and groups, with output_padding chosen so that convᵀ returns to x's size."""
    rng = np.random.default_rng(geo["seed"])
    x = rng.standard_normal((2, geo["cin"], geo["h"], geo["w"]))
    w = rng.standard_normal((geo["cout"], geo["cin"] // geo["g"], *geo["k"]))
    y_shape = conv2d(x, w, stride=geo["s"], padding=geo["p"], dilation=geo["d"], groups=geo["g"]).shape
    y = rng.standard_normal(y_shape)
    sizes = [(y_shape[2 + i] - 1) * geo["s"][i] - 2 * geo["p"][i] + geo["d"][i] * (geo["k"][i] - 1) + 1 for i in range(2)]
    op = tuple(x.shape[2 + i] - sizes[i] for i in range(2))
    assert all(0 <= op[i] < max(geo["s"][i], geo["d"][i]) for i in range(2))
    back = conv_transpose2d(y, w, stride=geo["s"], padding=geo["p"], output_padding=op, dilation=geo["d"], groups=geo["g"])
    lhs = float(np.sum(conv2d(x, w, stride=geo["s"], padding=geo["p"], dilation=geo["d"], groups=geo["g"]) * y))
    assert abs(lhs - float(np.sum(x * back))) <= 1e-12 * (1 + np.sum(np.abs(x)) * np.sum(np.abs(w)) * np.max(np.abs(y)))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**31))
def test_zero_insertion_then_convolution(h: int, w: int, k: int, s: int, seed: int) -> None:
    """A stride-s transposed convolution equals inserting s − 1 zeros between input pixels, padding by k − 1 and convolving with the kernel flipped in both axes."""
    rng = np.random.default_rng(seed)
    x, ker = rng.standard_normal((1, 1, h, w)), rng.standard_normal((1, 1, k, k))
    spread = np.zeros((1, 1, (h - 1) * s + 1, (w - 1) * s + 1))
    spread[:, :, ::s, ::s] = x
    flipped = ker[:, :, ::-1, ::-1].copy()
    expected = conv2d(spread, flipped, padding=k - 1)
    assert np.max(np.abs(conv_transpose2d(x, ker, stride=s) - expected)) <= 1e-12


def test_twins_agree_on_symbols() -> None:
    """On a 2 × 2 input of integers and a 3 × 3 kernel with stride 2, padding 1 and output_padding 1, the exact gather and the numeric scatter give the same 4 × 4 image."""
    x = np.array([[[[1, -2], [3, 4]]]])
    w = np.arange(9).reshape(1, 1, 3, 3) - 4
    exact = conv_transpose2d_symbolic(x, w, stride=2, padding=1, output_padding=1).astype(float)
    assert np.array_equal(exact, conv_transpose2d(x, w, stride=2, padding=1, output_padding=1))
    assert np.array_equal(conv2d_symbolic(x, w[:, :, :2, :2]).astype(float), conv2d(x, w[:, :, :2, :2]))


def test_pytorch_documented_output_size() -> None:
    """PyTorch's nn.ConvTranspose2d example: a 12 × 12 input downsampled by Conv2d(16, 16, 3, stride=2, padding=1) to 6 × 6 comes back to 12 × 12 with output_size, i.e. output_padding 1."""
    x = np.zeros((1, 16, 12, 12))
    h = conv2d(x, np.zeros((16, 16, 3, 3)), stride=2, padding=1)
    assert h.shape == (1, 16, 6, 6)
    assert conv_transpose2d(h, np.zeros((16, 16, 3, 3)), stride=2, padding=1, output_padding=1).shape == (1, 16, 12, 12)


@pytest.mark.parametrize("k, s", [(3, 2), (4, 2), (5, 3), (6, 3), (3, 3), (2, 4)])
def test_checkerboard_counts(k: int, s: int) -> None:
    """Away from the borders, an output pixel t receives #{a < k : a ≡ t (mod s)} taps: ⌈k/s⌉ or ⌊k/s⌋ (Odena et al. 2016), constant exactly when s divides k."""
    counts = overlap_counts(12, k, s)
    interior = counts[k : len(counts) - k]
    for t, c in enumerate(counts[k : len(counts) - k], start=k):
        assert c == len([a for a in range(k) if a % s == t % s])
    assert (len(set(interior.tolist())) == 1) == (k % s == 0)


@pytest.mark.parity
@settings(max_examples=80, deadline=None)
@given(geometries(), st.sampled_from([np.float32, np.float64]))
def test_parity_with_torch(geo: dict, dtype: type) -> None:
    """conv2d and conv_transpose2d agree with torch.nn.functional (with bias, groups, dilation, output_padding) to 8 eps times the sum of |products| per output."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(geo["seed"])
    x = rng.standard_normal((2, geo["cin"], geo["h"], geo["w"])).astype(dtype)
    wt = rng.standard_normal((geo["cin"], geo["cout"] // geo["g"], *geo["k"])).astype(dtype)
    b = rng.standard_normal(geo["cout"]).astype(dtype)
    op = tuple(int(rng.integers(0, max(geo["s"][i], geo["d"][i]))) for i in range(2))
    args = dict(stride=geo["s"], padding=geo["p"], dilation=geo["d"], groups=geo["g"])
    ref = F.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(wt), torch.from_numpy(b), output_padding=op, **args).numpy()
    got = conv_transpose2d(x, wt, b, output_padding=op, **args)
    bound = 8 * np.finfo(dtype).eps * (conv_transpose2d(np.abs(x), np.abs(wt), np.abs(b), output_padding=op, **args) + 1)
    assert got.shape == ref.shape and got.dtype == ref.dtype and np.all(np.abs(got - ref) <= bound)
    wc = np.transpose(wt, (1, 0, 2, 3)).reshape(geo["cout"], geo["cin"] // geo["g"], *geo["k"]) if geo["g"] == 1 else rng.standard_normal((geo["cout"], geo["cin"] // geo["g"], *geo["k"])).astype(dtype)
    ref2 = F.conv2d(torch.from_numpy(x), torch.from_numpy(wc), torch.from_numpy(b), **args).numpy()
    got2 = conv2d(x, wc, b, **args)
    bound2 = 8 * np.finfo(dtype).eps * (conv2d(np.abs(x), np.abs(wc), np.abs(b), **args) + 1)
    assert got2.shape == ref2.shape and np.all(np.abs(got2 - ref2) <= bound2)


@pytest.mark.parametrize("f", [conv_transpose2d, conv_transpose2d_symbolic])
def test_bad_input(f) -> None:
    """Wrong ranks, channel counts, groups, output_padding and an empty output are refused, each naming the argument."""
    x, w = np.zeros((1, 2, 3, 3)), np.zeros((2, 1, 3, 3))
    with pytest.raises(ValueError, match="input: expected a 4-D array"):
        f(np.zeros((2, 3, 3)), w)
    with pytest.raises(ValueError, match="weight: expected weight.shape\\[0\\] = 2 input channels"):
        f(x, np.zeros((3, 1, 3, 3)))
    with pytest.raises(ValueError, match="groups: expected a divisor"):
        f(x, w, groups=3)
    with pytest.raises(ValueError, match="output_padding: expected values smaller than stride"):
        f(x, w, stride=2, output_padding=2)
    with pytest.raises(ValueError, match="padding: expected stride .* to leave an output"):
        f(np.zeros((1, 2, 1, 1)), np.zeros((2, 1, 1, 1)), padding=1)
    with pytest.raises(ValueError, match="stride: expected a positive integer"):
        f(x, w, stride=0)


@pytest.mark.parametrize("f", [conv2d, conv2d_symbolic])
def test_conv2d_bad_input(f) -> None:
    """A kernel larger than the padded input, a weight with the wrong channel count and a bad bias shape are refused, naming the argument."""
    x = np.zeros((1, 2, 4, 4))
    with pytest.raises(ValueError, match="padding: expected stride .* to leave an output"):
        f(x, np.zeros((1, 2, 5, 5)))
    with pytest.raises(ValueError, match="weight: expected weight.shape\\[1\\] × groups = 2"):
        f(x, np.zeros((1, 3, 3, 3)))
    with pytest.raises(ValueError, match="bias"):
        f(x, np.zeros((1, 2, 3, 3)), np.zeros(2))


def test_nan_and_overlap_arguments() -> None:
    """A NaN input and a zero kernel size are refused, naming the argument."""
    with pytest.raises(ValueError, match="input: expected finite numbers"):
        conv_transpose2d(np.full((1, 1, 2, 2), np.nan), np.ones((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="kernel_size: expected a positive integer"):
        overlap_counts(4, 0, 2)


def test_pytorch_documented_shapes() -> None:
    """PyTorch's nn.ConvTranspose2d examples on a 50 × 100 input: ConvTranspose2d(16, 33, 3, stride=2) gives 101 × 201, and kernel (3, 5), stride (2, 1), padding (4, 2) gives 93 × 100, as (12) counts by hand."""
    x = np.zeros((2, 16, 50, 100))
    assert conv_transpose2d(x, np.zeros((16, 33, 3, 3)), stride=2).shape == (2, 33, 101, 201)  # 49·2 + 2 + 1, 99·2 + 2 + 1
    assert conv_transpose2d(x, np.zeros((16, 33, 3, 5)), stride=(2, 1), padding=(4, 2)).shape == (2, 33, 93, 100)  # 98 − 8 + 3, 99 − 4 + 5


@pytest.mark.parametrize("view", ["flip", "transpose", "stride"])
def test_non_contiguous_inputs_match_torch(view: str) -> None:
    """Views that are not contiguous (flipped, transposed, strided) give what torch gives on the same view, to 8 eps times the sum of |products| per output."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(7)
    base = rng.standard_normal((2, 3, 10, 10))
    x = {"flip": base[..., ::-1], "transpose": base.transpose(0, 1, 3, 2), "stride": base[:, :, ::2, 1::2]}[view]
    w = rng.standard_normal((3, 2, 3, 3))
    t = torch.from_numpy(x.copy() if view == "flip" else x)  # torch has no negative strides; the other views go in as they are
    ref = F.conv_transpose2d(t, torch.from_numpy(w), stride=2, padding=1, output_padding=1).numpy()
    got = conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)
    scale = conv_transpose2d(np.abs(x), np.abs(w), stride=2, padding=1, output_padding=1)
    assert got.shape == ref.shape and np.all(np.abs(got - ref) <= 8 * np.finfo(float).eps * scale)

"""Parity with torch.nn.functional (PyTorch 2.13, CPU): interpolate in every mode, pixel_shuffle and pixel_unshuffle.

Nearest, nearest-exact, area (outputs larger than 1 × 1), pixel_shuffle and
pixel_unshuffle agree bit for bit. PyTorch's linear and cubic kernels fuse multiply-adds
and NumPy does not, so those modes agree to a bound stated in units of
eps·max|input|: 8 for (bi/tri)linear and 24 for bicubic, in float64 and float32 alike.
Linear: two weights per axis, each product and sum rounded once either way. Bicubic: four
weights per axis, each a cubic in t evaluated with a few roundings that PyTorch fuses
differently, and the first axis's error is carried by the second axis's weights
(sum |W| <= 11/8). The largest seen is about 4 (linear) and 17 (bicubic, a 64x upscale).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.vision import interpolate, pixel_shuffle, pixel_unshuffle

torch = pytest.importorskip("torch")
F = torch.nn.functional
pytestmark = pytest.mark.parity

RANK = {"nearest": (3, 4, 5), "nearest-exact": (3, 4, 5), "area": (3, 4, 5), "linear": (3,), "bilinear": (4,), "bicubic": (4,), "trilinear": (5,)}
BOUND = {"linear": 8, "bilinear": 8, "trilinear": 8, "bicubic": 24}
FACTORS = [0.5, 1 / 3, 0.75, 1.0, 1.7, 2.0, 2.5, 3.0, 7.0]


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, np.ndarray, dict]:
    mode = draw(st.sampled_from(sorted(RANK)))
    rank = draw(st.sampled_from(RANK[mode]))
    spatial = tuple(draw(st.lists(st.integers(1, 9), min_size=rank - 2, max_size=rank - 2)))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    x = np.random.default_rng(draw(st.integers(0, 2**31))).standard_normal((2, 2, *spatial)).astype(dtype)
    if draw(st.booleans()):  # a non-contiguous view
        x = np.flip(x, axis=-1)
    kw: dict = {"align_corners": draw(st.booleans()) if mode in BOUND else None}
    if draw(st.booleans()):
        kw["size"] = tuple(draw(st.lists(st.integers(1, 14), min_size=rank - 2, max_size=rank - 2)))
    else:
        factors = [max(f, 1.0 / n + 1e-9) for f, n in zip(draw(st.lists(st.sampled_from(FACTORS), min_size=rank - 2, max_size=rank - 2)), spatial)]
        kw["scale_factor"] = tuple(factors)
        kw["recompute_scale_factor"] = draw(st.booleans()) if mode != "area" else None
    return mode, x, kw


@settings(max_examples=150, deadline=None)
@given(cases())
def test_interpolate_matches_torch(case: tuple[str, np.ndarray, dict]) -> None:
    """interpolate equals torch.nn.functional.interpolate: bit for bit for nearest, nearest-exact and area, within 8 (linear, and area to one pixel) or 24 (bicubic) eps·max|input| otherwise; same shape and dtype."""
    mode, x, kw = case
    ref = F.interpolate(torch.from_numpy(x.copy()), mode=mode, **kw).numpy()
    got = interpolate(x, mode=mode, **kw)
    assert got.shape == ref.shape and got.dtype == ref.dtype
    if mode in BOUND:
        err = float(np.max(np.abs(got.astype(np.float64) - ref)))
        assert err <= BOUND[mode] * np.finfo(x.dtype).eps * float(np.max(np.abs(x)))
    elif mode == "area" and all(s == 1 for s in ref.shape[2:]):  # PyTorch takes a mean, summed in its own order
        assert np.max(np.abs(got.astype(np.float64) - ref)) <= 8 * np.finfo(x.dtype).eps * float(np.max(np.abs(x)))
    else:
        assert np.array_equal(got, ref)


@pytest.mark.parametrize("n_in, n_out", [(1, 1), (1, 7), (7, 1), (3, 200), (200, 3)])
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "area", "linear"])
def test_awkward_sizes(n_in: int, n_out: int, mode: str) -> None:
    """Input or output of one pixel and very large up- and downscales agree with PyTorch (bit for bit, or within 8 eps·max|input| for linear)."""
    x = np.random.default_rng(n_in * 1000 + n_out).standard_normal((1, 3, n_in))
    ref = F.interpolate(torch.from_numpy(x), size=n_out, mode=mode).numpy()
    got = interpolate(x, size=n_out, mode=mode)
    assert np.max(np.abs(got - ref)) <= 8 * np.finfo(float).eps * np.max(np.abs(x))
    if mode.startswith("nearest"):
        assert np.array_equal(got, ref)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.sampled_from([np.float32, np.float64]), st.integers(0, 2**31))
def test_pixel_shuffle_matches_torch(c: int, r: int, h: int, w: int, dtype: type, seed: int) -> None:
    """pixel_shuffle and pixel_unshuffle equal torch's bit for bit, float32 and float64."""
    x = np.random.default_rng(seed).standard_normal((2, c * r * r, h, w)).astype(dtype)
    y = pixel_shuffle(x, r)
    assert np.array_equal(y, F.pixel_shuffle(torch.from_numpy(x), r).numpy())
    assert np.array_equal(pixel_unshuffle(y, r), F.pixel_unshuffle(torch.from_numpy(y.copy()), r).numpy())


AWKWARD = [
    ({"size": (1, 1)}, (5, 7)),  # output of one pixel
    ({"size": (6, 9)}, (1, 1)),  # input of one pixel
    ({"size": (1, 8)}, (1, 3)),
    ({"scale_factor": 2.5}, (5, 4)),
    ({"scale_factor": (1 / 3, 2.5)}, (9, 5)),
    ({"scale_factor": 1 / 3}, (12, 7)),
    ({"scale_factor": 64}, (3, 2)),  # a very large upscale: 3 × 2 to 192 × 128
    ({"size": (301, 5)}, (2, 5)),
]


@pytest.mark.parametrize("mode, align_corners", [("nearest", None), ("nearest-exact", None), ("area", None), ("bilinear", None),
                                                  ("bilinear", True), ("bicubic", None), ("bicubic", True)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kw, spatial", AWKWARD)
def test_awkward_cases_two_dimensional(kw: dict, spatial: tuple, mode: str, align_corners: bool | None, dtype: type) -> None:
    """2-D awkward cases against torch, both dtypes, align_corners True and False: output or input of one pixel, scale factors 2.5 and 1/3 (per axis too), an upscale by 64, and a transposed (non-contiguous) input; bit for bit for nearest, nearest-exact and area, within 8 (bilinear) or 24 (bicubic) eps·max|input|."""
    rng = np.random.default_rng(sum(spatial) * 31 + len(kw))
    x = rng.standard_normal((1, 2, spatial[1], spatial[0])).astype(dtype).transpose(0, 1, 3, 2)  # a non-contiguous view
    ref = F.interpolate(torch.from_numpy(x), mode=mode, align_corners=align_corners, **kw).numpy()
    got = interpolate(x, mode=mode, align_corners=align_corners, **kw)
    assert got.shape == ref.shape and got.dtype == ref.dtype
    err = float(np.max(np.abs(got.astype(np.float64) - ref)))
    if mode in BOUND:
        assert err <= BOUND[mode] * np.finfo(dtype).eps * float(np.max(np.abs(x)))
    elif mode == "area" and ref.shape[2:] == (1, 1):  # PyTorch takes a mean there, summed in its own order
        assert err <= 8 * np.finfo(dtype).eps * float(np.max(np.abs(x)))
    else:
        assert np.array_equal(got, ref)


def _fma32(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """a·b + c rounded once to float32: the float64 product of two float32 numbers is exact."""
    return (a.astype(np.float64) * b.astype(np.float64) + c.astype(np.float64)).astype(np.float32)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 24), st.booleans(), st.integers(0, 2**31))
def test_linear_float32_differs_from_torch_only_by_fused_multiply_adds(n_in: int, n_out: int, corners: bool, seed: int) -> None:
    """Along one axis in float32, PyTorch's linear mode is refalgo's arithmetic with two fused multiply-adds, x_o = fma(σ, o + 1/2, −1/2) and y_o = fma(1 − λ, x_i, λ·x_{i+1}): this model matches torch bit for bit, which is why the unfused numeric twin is held to a bound and not to equality."""
    x = np.random.default_rng(seed).standard_normal(n_in).astype(np.float32)
    ref = F.interpolate(torch.from_numpy(x[None, None]), size=n_out, mode="linear", align_corners=corners).numpy()[0, 0]
    o = np.arange(n_out)
    f32 = np.float32
    if n_in == n_out:
        model = x.copy()
    else:
        if corners:
            source = (f32(n_in - 1) / f32(n_out - 1) if n_out > 1 else f32(0)) * o.astype(f32)
        else:
            source = _fma32(np.full(n_out, f32(n_in) / f32(n_out)), o.astype(f32) + f32(0.5), np.full(n_out, f32(-0.5)))
        source = np.maximum(source, f32(0))
        i = np.minimum(np.floor(source).astype(np.int64), n_in - 1)
        lam = source - i.astype(f32)
        model = _fma32(f32(1) - lam, x[i], lam * x[np.minimum(i + 1, n_in - 1)])
    assert np.array_equal(model, ref)
    assert np.max(np.abs(interpolate(x[None, None], size=n_out, mode="linear", align_corners=corners)[0, 0] - ref)) <= 8 * np.finfo(f32).eps * np.max(np.abs(x))

"""Properties of the resize: partition of unity, affine reproduction, separability, round trips, twins."""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.vision import (
    interpolate,
    interpolate_symbolic,
    interpolation_matrix,
    interpolation_matrix_symbolic,
)
from refalgo.vision.resampling import AXIS_MODES, cubic_kernel

sizes = st.integers(1, 9)


@settings(max_examples=60, deadline=None)
@given(sizes, st.integers(1, 13), st.sampled_from(AXIS_MODES), st.booleans())
def test_rows_sum_to_one(n_in: int, n_out: int, mode: str, corners: bool) -> None:
    """Every row of every exact interpolation matrix sums to exactly 1 (a partition of unity), and is non-negative for the nearest, linear and area modes."""
    M = interpolation_matrix_symbolic(n_in, n_out, mode=mode, align_corners=corners if mode in ("linear", "cubic") else None)
    for o in range(n_out):
        assert sum(M.row(o)) == 1
        if mode != "cubic":
            assert all(w >= 0 for w in M.row(o))


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 8), st.integers(2, 12), st.integers(-5, 5), st.integers(-5, 5), st.integers(-5, 5))
def test_aligned_bilinear_reproduces_affine_functions(h: int, w: int, a: int, b: int, c: int) -> None:
    """Bilinear interpolation with align_corners=True samples an affine image a·y + b·x + c exactly at the output's grid points y·(H−1)/(H'−1), x·(W−1)/(W'−1)."""
    image = [[[[a * y + b * x + c for x in range(w)] for y in range(h)]]]
    out = interpolate_symbolic(image, size=(h + 3, 2 * w - 1), mode="bilinear", align_corners=True)
    for yo in range(h + 3):
        for xo in range(2 * w - 1):
            y, x = sp.Rational(yo * (h - 1), h + 2), sp.Rational(xo * (w - 1), 2 * w - 2)
            assert out[0, 0, yo, xo] == a * y + b * x + c


@settings(max_examples=30, deadline=None)
@given(sizes, sizes, st.integers(1, 8), st.integers(1, 8), st.sampled_from(["nearest", "bilinear", "bicubic", "area"]), st.integers(0, 2**31))
def test_two_axes_are_the_kronecker_product(h: int, w: int, ho: int, wo: int, mode: str, seed: int) -> None:
    """A 2-D resize equals the Kronecker product of the two axes' matrices (8) applied to the flattened image."""
    x = np.random.default_rng(seed).standard_normal((1, 1, h, w))
    axis = {"bilinear": "linear", "bicubic": "cubic"}.get(mode, mode)
    K = np.kron(interpolation_matrix(h, ho, mode=axis), interpolation_matrix(w, wo, mode=axis))
    got = interpolate(x, size=(ho, wo), mode=mode).ravel()
    assert np.max(np.abs(got - K @ x.ravel())) <= 1e-13 * max(1.0, float(np.max(np.abs(x)))) * 8


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.integers(0, 2**31))
def test_nearest_upsampling_then_striding_round_trips(h: int, w: int, k: int, seed: int) -> None:
    """Nearest upsampling by an integer factor k, then keeping every k-th pixel, gives the input back."""
    x = np.random.default_rng(seed).standard_normal((2, 3, h, w))
    y = interpolate(x, scale_factor=k, mode="nearest")
    assert np.array_equal(y[:, :, ::k, ::k], x)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4))
def test_area_downsampling_is_average_pooling(n: int, k: int) -> None:
    """Area mode to size n from n·k pixels is k-wide average pooling: each row of the matrix is 1/k on its own k pixels, so k times its transpose is nearest upsampling by k (the adjoint of average pooling, scaled)."""
    A = interpolation_matrix_symbolic(n * k, n, mode="area")
    N = interpolation_matrix_symbolic(n, n * k, mode="nearest")
    assert k * A.T == N


def test_bicubic_kernel_values() -> None:
    """Keys' kernel with A = −3/4 is 1 at 0 and 0 at the other integers (Keys 1981, the interpolation conditions); by hand from (4), W(1/2) = 5/32 − 9/16 + 1 = 19/32 and W(3/2) = A/8 = −3/32."""
    assert [cubic_kernel(sp.Integer(t)) for t in (0, 1, 2, -1, 3)] == [1, 0, 0, 0, 0]
    assert cubic_kernel(sp.Rational(3, 2)) == sp.Rational(-3, 32)
    assert cubic_kernel(sp.Rational(1, 2)) == sp.Rational(19, 32)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["nearest", "nearest-exact", "linear", "area"]), st.integers(1, 6), st.integers(1, 9), st.integers(0, 2**31))
def test_numeric_twin_matches_exact_twin(mode: str, n_in: int, n_out: int, seed: int) -> None:
    """The float64 resize agrees with the exact one to 1e-13 on integer images of 1-D signals."""
    x = np.random.default_rng(seed).integers(-9, 10, (1, 2, n_in))
    exact = interpolate_symbolic(x, size=n_out, mode=mode).astype(float)
    assert np.max(np.abs(interpolate(x, size=n_out, mode=mode) - exact)) <= 1e-13


def test_scale_factor_and_size_give_different_grids() -> None:
    """5 pixels with scale_factor=2.5 and with size=12 both give 12 pixels but different linear weights; recompute_scale_factor=True makes them equal."""
    x = [[[0, 1, 2, 3, 4]]]
    by_factor = interpolate_symbolic(x, scale_factor=2.5, mode="linear")
    by_size = interpolate_symbolic(x, size=12, mode="linear")
    recomputed = interpolate_symbolic(x, scale_factor=2.5, mode="linear", recompute_scale_factor=True)
    assert by_factor.shape == by_size.shape == (1, 1, 12)
    assert by_factor[0, 0, 1] == sp.Rational(1, 10)  # (1 + 1/2)·2/5 − 1/2
    assert by_size[0, 0, 1] == sp.Rational(1, 8)  # (1 + 1/2)·5/12 − 1/2
    assert (recomputed == by_size).all()


def test_nearest_exact_float32_scale_differs_from_the_exact_rule() -> None:
    """14 → 23 pixels: the exact nearest-centre rule sends output pixel 11 to input 7 ((11 + 1/2)·14/23 = 7 exactly), while the float32 scale PyTorch uses rounds below 7 and picks input 6."""
    exact = interpolation_matrix_symbolic(14, 23, mode="nearest-exact")
    numeric = interpolation_matrix(14, 23, mode="nearest-exact")
    assert exact[11, 7] == 1 and numeric[11, 6] == 1


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear"]), st.sampled_from([np.float32, np.float64]),
       st.integers(0, 2**31))
def test_compiled_sweep_equals_numpy_path(mode: str, dtype: type, seed: int) -> None:
    """The compiled per-axis sweep (backend="numba") gives bit for bit the NumPy listing's result (backend="numpy")."""
    rank = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}.get(mode, 4)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 2, *rng.integers(1, 7, rank - 2))).astype(dtype)
    size = tuple(int(v) for v in rng.integers(1, 12, rank - 2))
    assert np.array_equal(interpolate(x, size=size, mode=mode, backend="numba"), interpolate(x, size=size, mode=mode, backend="numpy"))

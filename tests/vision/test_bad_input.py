"""Bad input to interpolate, the interpolation matrices and the pixel shuffles is refused with an error naming the argument, by PyTorch's rules where PyTorch has one."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.vision import (
    interpolate,
    interpolate_symbolic,
    interpolation_matrix,
    interpolation_matrix_symbolic,
    pixel_shuffle,
    pixel_shuffle_symbolic,
    pixel_unshuffle,
    pixel_unshuffle_symbolic,
)

X = np.zeros((1, 1, 4, 4))


@pytest.mark.parametrize("f", [interpolate, interpolate_symbolic])
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"size": 2, "scale_factor": 2.0}, "size, scale_factor: expected exactly one of them; got both"),
        ({}, "size, scale_factor: expected exactly one of them; got neither"),
        ({"size": 2, "align_corners": True}, "align_corners: expected None with mode 'nearest'"),
        ({"size": 2, "mode": "area", "align_corners": False}, "align_corners: expected None with mode 'area'"),
        ({"size": 2, "mode": "linear"}, "input: expected a 3-D array"),
        ({"size": 2, "mode": "trilinear"}, "input: expected a 5-D array"),
        ({"size": 0}, r"size\[0\]: expected a positive integer"),
        ({"size": (2, 2, 2)}, "size: expected one value or 2"),
        ({"scale_factor": -1.0}, r"scale_factor\[0\]: expected a number > 0"),
        ({"scale_factor": 0.1}, r"scale_factor\[0\]: expected a factor giving at least one pixel"),
        ({"size": 2, "recompute_scale_factor": True}, "recompute_scale_factor: expected None or False with an explicit size"),
        ({"size": 2, "mode": "cubic"}, "mode: expected one of"),
        ({"size": 2, "mode": "bilinear", "antialias": True}, "antialias: expected False"),
    ],
)
def test_interpolate_refuses(f, kwargs: dict, match: str) -> None:
    """Each bad combination is refused, naming the argument."""
    with pytest.raises(ValueError, match=match):
        f(X, **kwargs)


def test_interpolate_refuses_rank_and_nan() -> None:
    """A 2-D array, a NaN and an unknown backend are refused, naming the argument."""
    with pytest.raises(ValueError, match="backend: expected one of"):
        interpolate(X, size=2, backend="fast")
    with pytest.raises(ValueError, match="input: expected a 3-D, 4-D or 5-D array"):
        interpolate(np.zeros((4, 4)), size=2)
    with pytest.raises(ValueError, match="input: expected finite numbers"):
        interpolate(np.full((1, 1, 2), np.nan), size=2)


@pytest.mark.parametrize("f", [interpolation_matrix, interpolation_matrix_symbolic])
def test_matrix_refuses(f) -> None:
    """Sizes below 1, unknown modes and align_corners with nearest are refused, naming the argument."""
    with pytest.raises(ValueError, match="input_size: expected a positive integer"):
        f(0, 3)
    with pytest.raises(ValueError, match="output_size: expected a positive integer"):
        f(3, -1)
    with pytest.raises(ValueError, match="mode: expected one of"):
        f(3, 4, mode="bilinear")
    with pytest.raises(ValueError, match="align_corners: expected None"):
        f(3, 4, mode="nearest", align_corners=True)
    with pytest.raises(ValueError, match="scale_factor: expected a number > 0"):
        f(3, 4, scale_factor=0.0)


@pytest.mark.parametrize("f", [pixel_shuffle, pixel_shuffle_symbolic])
def test_shuffle_refuses(f) -> None:
    """Channels not divisible by r², fewer than 3 axes and r < 1 are refused, naming the argument."""
    with pytest.raises(ValueError, match="input: expected a channel count .* divisible by upscale_factor² = 4; got 3"):
        f(np.zeros((1, 3, 2, 2)), 2)
    with pytest.raises(ValueError, match="input: expected at least 3 axes"):
        f(np.zeros((4, 2)), 2)
    with pytest.raises(ValueError, match="upscale_factor: expected a positive integer"):
        f(np.zeros((1, 4, 2, 2)), 0)


@pytest.mark.parametrize("f", [pixel_unshuffle, pixel_unshuffle_symbolic])
def test_unshuffle_refuses(f) -> None:
    """A height or width not divisible by r and r < 1 are refused, naming the argument."""
    with pytest.raises(ValueError, match="input: expected a height .* divisible by downscale_factor = 2; got 3"):
        f(np.zeros((1, 1, 3, 2)), 2)
    with pytest.raises(ValueError, match="downscale_factor: expected a positive integer"):
        f(np.zeros((1, 1, 2, 2)), 2.0)

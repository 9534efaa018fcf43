"""The worked examples printed in PyTorch 2.13's documentation of nn.Upsample, nn.UpsamplingNearest2d and nn.UpsamplingBilinear2d."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.vision import interpolate, interpolate_symbolic

SMALL = [[[[1, 2], [3, 4]]]]
PADDED = [[[[1, 2, 0], [3, 4, 0], [0, 0, 0]]]]

# The tensors as printed in the docstrings (four decimals), torch/nn/modules/upsampling.py.
NEAREST = [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
BILINEAR = [[1.0, 1.25, 1.75, 2.0], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3.0, 3.25, 3.75, 4.0]]
ALIGNED = [[1.0, 1.3333, 1.6667, 2.0], [1.6667, 2.0, 2.3333, 2.6667], [2.3333, 2.6667, 3.0, 3.3333], [3.0, 3.3333, 3.6667, 4.0]]
PADDED_BILINEAR = [
    [1.0, 1.25, 1.75, 1.5, 0.5, 0.0],
    [1.5, 1.75, 2.25, 1.875, 0.625, 0.0],
    [2.5, 2.75, 3.25, 2.625, 0.875, 0.0],
    [2.25, 2.4375, 2.8125, 2.25, 0.75, 0.0],
    [0.75, 0.8125, 0.9375, 0.75, 0.25, 0.0],
    [0.0] * 6,
]
PADDED_ALIGNED = [
    [1.0, 1.4, 1.8, 1.6, 0.8, 0.0],
    [1.8, 2.2, 2.6, 2.24, 1.12, 0.0],
    [2.6, 3.0, 3.4, 2.88, 1.44, 0.0],
    [2.4, 2.72, 3.04, 2.56, 1.28, 0.0],
    [1.2, 1.36, 1.52, 1.28, 0.64, 0.0],
    [0.0] * 6,
]


@pytest.mark.parametrize(
    "image, mode, corners, printed",
    [
        (SMALL, "nearest", None, NEAREST),
        (SMALL, "bilinear", False, BILINEAR),
        (SMALL, "bilinear", True, ALIGNED),
        (PADDED, "bilinear", False, PADDED_BILINEAR),
        (PADDED, "bilinear", True, PADDED_ALIGNED),
    ],
)
def test_upsample_docstring_examples(image: list, mode: str, corners: bool | None, printed: list) -> None:
    """nn.Upsample(scale_factor=2) on [[1, 2], [3, 4]] and on it padded to 3 × 3, nearest and bilinear with align_corners False and True (UpsamplingNearest2d and UpsamplingBilinear2d print the same tensors): both twins match the printed four decimals."""
    exact = interpolate_symbolic(image, scale_factor=2, mode=mode, align_corners=corners)[0, 0].astype(float)
    numeric = interpolate(np.array(image, dtype=np.float32), scale_factor=2, mode=mode, align_corners=corners)[0, 0]
    assert np.max(np.abs(exact - np.array(printed))) <= 5e-5
    assert np.max(np.abs(numeric - np.array(printed))) <= 5e-5


def test_aligned_example_is_thirds() -> None:
    """The printed 1.3333 and 1.6667 of UpsamplingBilinear2d's example are exactly 4/3 and 5/3 in the exact twin."""
    exact = interpolate_symbolic(SMALL, scale_factor=2, mode="bilinear", align_corners=True)[0, 0]
    assert exact[0, 1] * 3 == 4 and exact[0, 2] * 3 == 5

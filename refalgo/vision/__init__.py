"""Vision: upsampling (上采样), exactly and bit for bit with PyTorch where PyTorch is exact.

Concept modules:

* :mod:`refalgo.vision.resampling` — one axis of a resize: the interpolation matrix of each
  mode, exact (:func:`interpolation_matrix_symbolic`) and as PyTorch computes it
  (:func:`interpolation_matrix`, :func:`axis_taps`);
* :mod:`refalgo.vision.interpolation` — :func:`interpolate`, mirroring
  ``torch.nn.functional.interpolate``, and its exact twin :func:`interpolate_symbolic`;
* :mod:`refalgo.vision.shuffle` — :func:`pixel_shuffle`, :func:`pixel_unshuffle` and
  their exact twins;
* :mod:`refalgo.vision.transposed_conv` — :func:`conv2d`, :func:`conv_transpose2d` (its
  adjoint), their exact twins, and the checkerboard's :func:`overlap_counts`;
* :mod:`refalgo.vision.unpooling` — :func:`max_unpool2d` (SegNet's upsampling with the
  max-pooling indices) and its exact twin.
"""

from .interpolation import MODES, interpolate, interpolate_symbolic, output_size
from .shuffle import (
    pixel_shuffle,
    pixel_shuffle_symbolic,
    pixel_unshuffle,
    pixel_unshuffle_symbolic,
)
from .transposed_conv import conv2d, conv2d_symbolic, conv_transpose2d, conv_transpose2d_symbolic, overlap_counts
from .unpooling import max_unpool2d, max_unpool2d_symbolic
from .resampling import (
    A_CUBIC,
    axis_taps,
    cubic_kernel,
    interpolation_matrix,
    interpolation_matrix_symbolic,
)

__all__ = [
    "A_CUBIC",
    "MODES",
    "axis_taps",
    "conv2d",
    "conv2d_symbolic",
    "conv_transpose2d",
    "conv_transpose2d_symbolic",
    "cubic_kernel",
    "interpolate",
    "interpolate_symbolic",
    "interpolation_matrix",
    "interpolation_matrix_symbolic",
    "max_unpool2d",
    "max_unpool2d_symbolic",
    "output_size",
    "overlap_counts",
    "pixel_shuffle",
    "pixel_shuffle_symbolic",
    "pixel_unshuffle",
    "pixel_unshuffle_symbolic",
]

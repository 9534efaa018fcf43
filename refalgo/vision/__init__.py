"""Vision: upsampling (上采样), exactly and bit for bit with PyTorch where PyTorch is exact.

Concept modules:

* :mod:`refalgo.vision.resampling` — one axis of a resize: the interpolation matrix of each
  mode, exact (:func:`interpolation_matrix_symbolic`) and as PyTorch computes it
  (:func:`interpolation_matrix`, :func:`axis_taps`);
* :mod:`refalgo.vision.interpolation` — :func:`interpolate`, mirroring
  ``torch.nn.functional.interpolate``, and its exact twin :func:`interpolate_symbolic`;
* :mod:`refalgo.vision.pixel_shuffle` — :func:`pixel_shuffle`, :func:`pixel_unshuffle` and
  their exact twins.
"""

from .interpolation import MODES, interpolate, interpolate_symbolic, output_size
from .pixel_shuffle import (
    pixel_shuffle,
    pixel_shuffle_symbolic,
    pixel_unshuffle,
    pixel_unshuffle_symbolic,
)
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
    "cubic_kernel",
    "interpolate",
    "interpolate_symbolic",
    "interpolation_matrix",
    "interpolation_matrix_symbolic",
    "output_size",
    "pixel_shuffle",
    "pixel_shuffle_symbolic",
    "pixel_unshuffle",
    "pixel_unshuffle_symbolic",
]

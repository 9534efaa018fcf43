"""A compiled resampling pass along one axis: the readable NumPy twin's arithmetic, in one sweep.

:func:`refalgo.vision.interpolation.interpolate` gathers the taps of an axis with
``np.take`` and adds their weighted values tap by tap, each a full pass over memory. This
kernel computes every output entry in one visit with the same operations in the same order
(first tap times its weight, then each further product added, no fused multiply-add), so
its results are bit for bit those of the NumPy path; the tests hold the two equal.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

__all__ = ["resample_axis"]


@numba.njit(cache=False, nogil=True)
def _sweep(x: Any, index: Any, weight: Any, out: Any) -> None:
    B, _, inner = x.shape
    n_out, taps = index.shape
    for b in range(B):
        for o in range(n_out):
            i0 = index[o, 0]
            w0 = weight[o, 0]
            for c in range(inner):
                out[b, o, c] = x[b, i0, c] * w0
            for k in range(1, taps):
                ik = index[o, k]
                wk = weight[o, k]
                for c in range(inner):
                    out[b, o, c] = out[b, o, c] + x[b, ik, c] * wk


def resample_axis(x: NDArray[Any], axis: int, index: NDArray[np.int64], weight: NDArray[Any]) -> NDArray[Any]:
    """``x`` resampled along ``axis``: output ``o`` is ``sum_k weight[o, k] * x[index[o, k]]``, taps added in order."""
    shape = x.shape
    x3 = np.ascontiguousarray(x).reshape(int(np.prod(shape[:axis], dtype=np.int64)), shape[axis], -1)
    out = np.empty((x3.shape[0], index.shape[0], x3.shape[2]), dtype=x.dtype)
    _sweep(x3, np.ascontiguousarray(index), np.ascontiguousarray(weight, dtype=x.dtype), out)
    return out.reshape(shape[:axis] + (index.shape[0],) + shape[axis + 1 :])

r"""PixelShuffle and PixelUnshuffle: channels to space and back (sub-pixel convolution's last step).

``pixel_shuffle`` with upscale factor :math:`r` moves a block of :math:`r^2` channels onto an
:math:`r \times r` patch of pixels (Shi et al. 2016):

.. math::

    Y[\dots, c, h r + i, w r + j] = X[\dots, c r^2 + i r + j, h, w],
    \qquad 0 \le i, j < r \qquad (9)

so an input of shape ``(*, C·r², H, W)`` becomes ``(*, C, H·r, W·r)``. ``pixel_unshuffle``
with downscale factor :math:`r` is its inverse, ``(*, C, H·r, W·r)`` to ``(*, C·r², H, W)``.
Both only move entries, so they are exact in any precision; the conventions (channel index
:math:`c r^2 + i r + j`, any number of leading axes) are PyTorch's ``F.pixel_shuffle`` and
``F.pixel_unshuffle``. A convolution producing :math:`C r^2` channels followed by
``pixel_shuffle`` is the *sub-pixel convolution* of super-resolution networks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._exact import exact_array
from .._validate import as_array, as_count
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from .transposed_conv import conv2d_symbolic, conv_transpose2d_symbolic

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["pixel_shuffle", "pixel_shuffle_symbolic", "pixel_unshuffle", "pixel_unshuffle_symbolic"]

REFERENCES = (
    "W. Shi et al., Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel "
    "Convolutional Neural Network, CVPR 2016, eq. (4) (the periodic shuffling operator PS).",
    "PyTorch 2.13 documentation, torch.nn.PixelShuffle and torch.nn.PixelUnshuffle.",
)


def _shuffle_shape(shape: tuple[int, ...], r: int, name: str) -> tuple[int, ...]:
    if len(shape) < 3:
        raise ValueError(f"{name}: expected at least 3 axes (*, C·r², H, W); got shape {shape}")
    if shape[-3] % (r * r):
        raise ValueError(f"{name}: expected a channel count (axis -3) divisible by upscale_factor² = {r * r}; got {shape[-3]}")
    return (*shape[:-3], shape[-3] // (r * r), shape[-2] * r, shape[-1] * r)


def _unshuffle_shape(shape: tuple[int, ...], r: int, name: str) -> tuple[int, ...]:
    if len(shape) < 3:
        raise ValueError(f"{name}: expected at least 3 axes (*, C, H·r, W·r); got shape {shape}")
    for axis, what in ((-2, "height"), (-1, "width")):
        if shape[axis] % r:
            raise ValueError(f"{name}: expected a {what} (axis {axis}) divisible by downscale_factor = {r}; got {shape[axis]}")
    return (*shape[:-3], shape[-3] * r * r, shape[-2] // r, shape[-1] // r)


def pixel_shuffle_symbolic(input: Any, upscale_factor: int) -> NDArray[Any]:
    r"""(9) entry by entry: an object array of the input's exact entries in their new places.

    Parameters
    ----------
    input
        Exact numbers (or SymPy symbols) of shape ``(*, C·r², H, W)``.
    upscale_factor
        :math:`r \ge 1`.

    Returns
    -------
    numpy.ndarray
        Object array of shape ``(*, C, H·r, W·r)``.

    Raises
    ------
    ValueError
        Fewer than 3 axes, channels not divisible by :math:`r^2`, or :math:`r < 1`.

    Examples
    --------
    >>> pixel_shuffle_symbolic([[[1]], [[2]], [[3]], [[4]]], 2).tolist()
    [[[1, 2], [3, 4]]]
    """
    x = exact_array(input, "input", symbolic=True)
    r = as_count(upscale_factor, "upscale_factor")
    out = np.empty(_shuffle_shape(x.shape, r, "input"), dtype=object)
    for idx in np.ndindex(*out.shape):
        *lead, c, y, xx = idx
        out[idx] = x[(*lead, c * r * r + (y % r) * r + xx % r, y // r, xx // r)]  # (9)
    return out


def pixel_unshuffle_symbolic(input: Any, downscale_factor: int) -> NDArray[Any]:
    r"""The inverse of (9) entry by entry: ``(*, C, H·r, W·r)`` to ``(*, C·r², H, W)``, exactly.

    Raises ValueError for fewer than 3 axes, a height or width not divisible by :math:`r`, or :math:`r < 1`.

    Examples
    --------
    >>> pixel_unshuffle_symbolic([[[1, 2], [3, 4]]], 2).ravel().tolist()
    [1, 2, 3, 4]
    """
    x = exact_array(input, "input", symbolic=True)
    r = as_count(downscale_factor, "downscale_factor")
    out = np.empty(_unshuffle_shape(x.shape, r, "input"), dtype=object)
    for idx in np.ndindex(*out.shape):
        *lead, k, h, w = idx
        c, i, j = k // (r * r), (k % (r * r)) // r, k % r
        out[idx] = x[(*lead, c, h * r + i, w * r + j)]  # (9) read backwards
    return out


def pixel_shuffle(input: Any, upscale_factor: int) -> NDArray[Any]:
    r"""(9) as one reshape and one transpose, like ``torch.nn.functional.pixel_shuffle``.

    Parameters
    ----------
    input
        A finite array of shape ``(*, C·r², H, W)``; float32 stays float32, integers and
        other floats become float64.
    upscale_factor
        :math:`r \ge 1`.

    Returns
    -------
    numpy.ndarray
        Shape ``(*, C, H·r, W·r)``, the same entries moved (bit for bit).

    Raises
    ------
    TypeError, ValueError
        A non-finite or non-numeric input, fewer than 3 axes, channels not divisible by
        :math:`r^2`, or :math:`r < 1`.

    Examples
    --------
    >>> pixel_shuffle(np.arange(4.0).reshape(1, 4, 1, 1), 2)
    array([[[[0., 1.],
             [2., 3.]]]])
    """
    x = as_array(input, "input", dtype=np.float32 if getattr(input, "dtype", None) == np.float32 else np.float64)
    r = as_count(upscale_factor, "upscale_factor")
    *lead, c, h, w = _shuffle_shape(x.shape, r, "input")
    blocks = x.reshape(*lead, c, r, r, h // r, w // r)  # channel c r² + i r + j  ->  (c, i, j)
    n = len(lead)
    return blocks.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2).reshape(*lead, c, h, w)  # (c, h, i, w, j)   (9)


def pixel_unshuffle(input: Any, downscale_factor: int) -> NDArray[Any]:
    r"""The inverse of :func:`pixel_shuffle`, like ``torch.nn.functional.pixel_unshuffle``.

    Same input rules as :func:`pixel_shuffle`; shape ``(*, C, H·r, W·r)`` to ``(*, C·r², H, W)``.

    Examples
    --------
    >>> pixel_unshuffle(np.arange(4.0).reshape(1, 1, 2, 2), 2).ravel()
    array([0., 1., 2., 3.])
    """
    x = as_array(input, "input", dtype=np.float32 if getattr(input, "dtype", None) == np.float32 else np.float64)
    r = as_count(downscale_factor, "downscale_factor")
    *lead, k, h, w = _unshuffle_shape(x.shape, r, "input")
    n = len(lead)
    pixels = x.reshape(*lead, k // (r * r), h, r, w, r)  # (c, h, i, w, j)
    return pixels.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3).reshape(*lead, k, h, w)  # (c, i, j, h, w)   (9)


def derivations() -> tuple[Derivation, ...]:
    r"""Sub-pixel convolution is a transposed convolution: on a symbolic 2 × 2 image, r = 2, one channel.

    A 1 × 1 convolution to :math:`r^2` channels with weights :math:`w_0, \dots, w_3`, then
    (9), equals the transposed convolution with stride :math:`r` whose :math:`r \times r`
    kernel holds the same weights, :math:`K[i, j] = w_{i r + j}`.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven']
    """
    x = np.array(sp.symbols("x_0:4", real=True), dtype=object).reshape(1, 1, 2, 2)
    w = np.array(sp.symbols("w_0:4", real=True), dtype=object)
    sub_pixel = pixel_shuffle_symbolic(conv2d_symbolic(x, w.reshape(4, 1, 1, 1)), 2)[0, 0]
    transposed = conv_transpose2d_symbolic(x, w.reshape(1, 1, 2, 2), stride=2)[0, 0]
    return (
        Derivation(
            "Sub-pixel convolution equals a transposed convolution with the weights rearranged",
            [
                Step(sp.Matrix(sub_pixel), "(9) after a 1 × 1 convolution to 4 channels"),
                Step(sp.Matrix(transposed), "transposed convolution, stride 2, $K[i, j] = w_{2i + j}$"),
            ],
            lhs_latex=r"\mathrm{PS}\big(\mathrm{conv}_{1 \times 1}(x)\big)",
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def example(dims: tuple[int, int, int, int]) -> SearchStrategy[dict[str, Any]]:
        c, r, h, w = dims
        n = c * r * r * h * w
        return st.lists(st.integers(-99, 99), min_size=n, max_size=n).map(
            lambda v: {"input": np.array(v).reshape(1, c * r * r, h, w), "r": r})

    return st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)).flatmap(example)


CONCEPTS = (
    Concept(
        name="pixel-shuffle", area="vision",
        symbolic=lambda ex: pixel_shuffle_symbolic(ex["input"], ex["r"]).astype(float),
        numeric=lambda ex: pixel_shuffle(ex["input"], ex["r"]),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="entries are moved, never computed"),
        references=REFERENCES, page="vision/pixel-shuffle.md",
    ),
    Concept(
        name="pixel-unshuffle", area="vision",
        symbolic=lambda ex: pixel_unshuffle_symbolic(pixel_shuffle_symbolic(ex["input"], ex["r"]), ex["r"]).astype(float),
        numeric=lambda ex: pixel_unshuffle(pixel_shuffle(ex["input"], ex["r"]), ex["r"]),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="entries are moved, never computed"),
        references=REFERENCES, page="vision/pixel-shuffle.md",
    ),
)

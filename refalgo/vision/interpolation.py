r"""Upsampling without learning: ``interpolate``, PyTorch's resize, exactly and in floating point.

An array of shape ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)`` (PyTorch's layout) is
resized along its spatial axes. Every mode is separable: along each axis :math:`d` the output is
the input multiplied by that axis's interpolation matrix :math:`M_d`
(:mod:`refalgo.vision.resampling`), so the whole resize is the Kronecker product

.. math::

    \operatorname{vec}(Y) = (M_H \otimes M_W) \operatorname{vec}(X) \qquad (8)

on each ``(n, c)`` image (row-major ``vec``; three factors in 3-D).

**Conventions**, those of ``torch.nn.functional.interpolate`` (PyTorch 2.13):

* exactly one of ``size`` and ``scale_factor``; a number stands for every spatial axis;
* with ``scale_factor`` the output has :math:`\lfloor \text{in} \cdot \text{scale\_factor} \rfloor`
  pixels, and the source coordinate uses ``1/scale_factor`` unless
  ``recompute_scale_factor=True``, which uses ``in/out`` (they differ when
  ``in·scale_factor`` is not an integer);
* ``mode``: ``"nearest"``, ``"nearest-exact"``, ``"area"`` (any rank), ``"linear"`` (3-D),
  ``"bilinear"``, ``"bicubic"`` (4-D), ``"trilinear"`` (5-D);
* ``align_corners`` only with the linear and cubic modes (``None`` means ``False``);
  ``UpsamplingBilinear2d`` is ``mode="bilinear", align_corners=True``, while
  ``Upsample(mode="bilinear")`` uses ``False``: the two give different images.
* float32 input is computed in float32, anything else in float64. The axes are resampled
  last to first, as PyTorch's kernel nests them. PyTorch's compiled kernels fuse multiply-adds
  (FMA), NumPy does not: nearest, nearest-exact and area agree bit for bit, the linear and
  cubic modes to a few units in the last place (the bounds are stated by the parity tests).
* ``antialias=True`` (a low-pass filter for downsampling) is not provided.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .. import _backend
from .._exact import exact_array
from .._validate import as_array, as_flag, as_positive
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from .resampling import REFERENCES, axis_taps, interpolation_matrix_symbolic

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["MODES", "derivations", "interpolate", "interpolate_symbolic", "output_size"]

MODES = {"nearest": None, "nearest-exact": None, "area": None, "linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_AXIS_MODE = {"linear": "linear", "bilinear": "linear", "trilinear": "linear", "bicubic": "cubic"}


def _per_axis(value: Any, name: str, dims: int) -> list[Any]:
    items = list(value) if isinstance(value, (list, tuple)) else [value] * dims
    if len(items) != dims:
        raise ValueError(f"{name}: expected one value or {dims} (one per spatial axis); got {len(items)}")
    return items


def output_size(
    input_shape: Sequence[int], *, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
    align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
) -> tuple[tuple[int, ...], list[float | None]]:
    r"""The output's spatial sizes and the scale factors the kernels use (``None``: from the sizes).

    Checks every argument as :func:`interpolate` does and raises the same errors.

    Examples
    --------
    >>> output_size((1, 1, 5, 5), scale_factor=2.5)
    ((12, 12), [2.5, 2.5])
    >>> output_size((1, 1, 5, 5), scale_factor=2.5, recompute_scale_factor=True)
    ((12, 12), [None, None])
    """
    if mode not in MODES:
        raise ValueError(f"mode: expected one of {', '.join(MODES)}; got {mode!r}")
    rank = len(input_shape)
    if rank not in (3, 4, 5) or (MODES[mode] is not None and rank != MODES[mode]):
        want = f"{MODES[mode]}-D" if MODES[mode] else "3-D, 4-D or 5-D"
        raise ValueError(f"input: expected a {want} array (N, C, spatial...) for mode {mode!r}; got shape {tuple(input_shape)}")
    if align_corners is not None:
        as_flag(align_corners, "align_corners")
        if mode not in _AXIS_MODE:
            raise ValueError(f"align_corners: expected None with mode {mode!r} (only linear, bilinear, bicubic, trilinear align corners); got {align_corners!r}")
    if (size is None) == (scale_factor is None):
        raise ValueError(f"size, scale_factor: expected exactly one of them; got {'both' if size is not None else 'neither'}")
    dims, spatial = rank - 2, tuple(input_shape[2:])
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor: expected None or False with an explicit size; got True")
        sizes = _per_axis(size, "size", dims)
        for k, s in enumerate(sizes):
            if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
                raise ValueError(f"size[{k}]: expected a positive integer; got {s!r}")
        return tuple(int(s) for s in sizes), [None] * dims
    factors = [as_positive(f, f"scale_factor[{k}]") for k, f in enumerate(_per_axis(scale_factor, "scale_factor", dims))]
    out = tuple(math.floor(float(n * f)) for n, f in zip(spatial, factors))
    for k, s in enumerate(out):
        if s < 1:
            raise ValueError(f"scale_factor[{k}]: expected a factor giving at least one pixel; {spatial[k]} × {factors[k]} gives {s}")
    if recompute_scale_factor is not None:
        as_flag(recompute_scale_factor, "recompute_scale_factor")
    return out, [None] * dims if recompute_scale_factor else list(factors)


def interpolate_symbolic(
    input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
    align_corners: bool | None = None, recompute_scale_factor: bool | None = None, antialias: bool = False,
) -> NDArray[Any]:
    r"""The resized array, exactly: every entry a rational combination of the input's entries.

    Each spatial axis is multiplied by its exact matrix (8) from
    :func:`~refalgo.vision.resampling.interpolation_matrix_symbolic`, the scale being the exact
    value of ``1/scale_factor`` (a float at its binary value) or ``in/out``.

    Parameters
    ----------
    input
        Exact numbers of shape ``(N, C, *spatial)``; SymPy symbols are allowed.
    size, scale_factor, mode, align_corners, recompute_scale_factor, antialias
        As in :func:`interpolate`.

    Returns
    -------
    numpy.ndarray
        An object array of SymPy expressions, shape ``(N, C, *output spatial)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`interpolate`.

    Examples
    --------
    >>> interpolate_symbolic([[[0, 1]]], size=4, mode="linear")[0, 0].tolist()
    [0, 1/4, 3/4, 1]
    """
    x = exact_array(input, "input", symbolic=True)
    if antialias is not False:
        raise ValueError(f"antialias: expected False (the low-pass filter of downsampling is not provided); got {antialias!r}")
    out, factors = output_size(x.shape, size=size, scale_factor=scale_factor, mode=mode,
                               align_corners=align_corners, recompute_scale_factor=recompute_scale_factor)
    axis_mode = _AXIS_MODE.get(mode, mode)
    for axis in range(x.ndim - 1, 1, -1):
        M = interpolation_matrix_symbolic(x.shape[axis], out[axis - 2], mode=axis_mode, align_corners=align_corners,
                                          scale_factor=factors[axis - 2])
        Mo = np.array(M.tolist(), dtype=object)
        x = np.moveaxis(np.tensordot(Mo, np.moveaxis(x, axis, 0), axes=1), 0, axis)  # y = M_d x along axis d  (8)
    return np.vectorize(sp.expand, otypes=[object])(x)


def interpolate(
    input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
    align_corners: bool | None = None, recompute_scale_factor: bool | None = None, antialias: bool = False,
    *, backend: str = "auto",
) -> NDArray[Any]:
    r"""Resize ``input`` along its spatial axes, as ``torch.nn.functional.interpolate`` does.

    Parameters
    ----------
    input
        A finite array of shape ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
    size
        Output spatial size: one integer for every axis, or one per axis.
    scale_factor
        Multiplier of the spatial size: one number, or one per axis.
    mode
        ``"nearest"`` (default), ``"nearest-exact"``, ``"linear"``, ``"bilinear"``,
        ``"bicubic"``, ``"trilinear"`` or ``"area"``.
    align_corners
        Source coordinate (1) when true, half-pixel centres (2) when false; linear and cubic
        modes only; ``None`` means ``False``.
    recompute_scale_factor
        With ``scale_factor``: use ``in/out`` instead of ``1/scale_factor`` in the coordinates.
    antialias
        Must be ``False``.
    backend
        ``"numpy"`` runs the listing below; ``"numba"`` (``"auto"`` when numba is installed)
        makes each axis one compiled sweep with the same operations in the same order, so the
        results are identical.

    Returns
    -------
    numpy.ndarray
        float32 for float32 input, float64 otherwise; shape ``(N, C, *output spatial)``.

    Raises
    ------
    TypeError, ValueError
        A non-finite input or one of the wrong rank for the mode, both or neither of
        ``size`` and ``scale_factor``, a size or factor that is not positive or gives an
        empty output, ``align_corners`` with a mode that has no corners, an unknown mode,
        ``recompute_scale_factor`` with ``size``, ``antialias=True``, or an unknown ``backend``.

    Examples
    --------
    >>> interpolate(np.array([[[0.0, 1.0]]]), scale_factor=2, mode="linear")
    array([[[0.  , 0.25, 0.75, 1.  ]]])
    """
    dtype = np.float32 if getattr(input, "dtype", None) == np.float32 else np.float64
    x = as_array(input, "input", dtype=dtype)
    if antialias is not False:
        raise ValueError(f"antialias: expected False (the low-pass filter of downsampling is not provided); got {antialias!r}")
    out, factors = output_size(x.shape, size=size, scale_factor=scale_factor, mode=mode,
                               align_corners=align_corners, recompute_scale_factor=recompute_scale_factor)
    engine = _backend.compiled("refalgo.vision._engine.resample", backend)
    if mode == "area":
        return _area(x, out)
    axis_mode = _AXIS_MODE.get(mode, mode)
    for axis in range(x.ndim - 1, 1, -1):  # last axis first, as PyTorch nests them
        index, weight = axis_taps(x.shape[axis], out[axis - 2], mode=axis_mode, align_corners=bool(align_corners),
                                  scale_factor=factors[axis - 2], dtype=dtype)
        if engine is not None:
            x = engine.resample_axis(x, axis, index, weight)  # the loop below, compiled
            continue
        shape = (1,) * axis + weight.shape[:1] + (1,) * (x.ndim - axis - 1)
        y = np.take(x, index[:, 0], axis=axis) * weight[:, 0].reshape(shape)  # first tap     (3), (4), (5), (6)
        for k in range(1, index.shape[1]):
            y += np.take(x, index[:, k], axis=axis) * weight[:, k].reshape(shape)  # the others, in order
        x = y
    return x


def _area(x: NDArray[Any], out: tuple[int, ...]) -> NDArray[Any]:
    """Adaptive average pooling (7): each window summed in row-major order, then divided by each width."""
    dt = x.dtype.type
    if all(s == 1 for s in out) and x.ndim <= 4:  # PyTorch takes the mean for a 1 × 1 output
        return x.mean(axis=tuple(range(2, x.ndim)), keepdims=True, dtype=dt)
    taps = [axis_taps(n, m, mode="area", align_corners=False, scale_factor=None, dtype=dt) for n, m in zip(x.shape[2:], out)]
    total = np.zeros(x.shape[:2] + out, dtype=dt)
    for offsets in np.ndindex(*(index.shape[1] for index, _ in taps)):  # window offsets, row-major
        grid: tuple[Any, ...] = np.ix_(*(index[:, k] for (index, _), k in zip(taps, offsets)))
        inside: tuple[Any, ...] = np.ix_(*(valid[:, k] for (_, valid), k in zip(taps, offsets)))
        total = total + x[(slice(None), slice(None), *grid)] * functools.reduce(np.multiply, inside)
    for d, (_, valid) in enumerate(taps):  # sum / k_1 / k_2 ...
        width = valid.sum(axis=1).astype(dt)
        total = total / width.reshape((1,) * (d + 2) + (-1,) + (1,) * (len(out) - d - 1))
    return total


def derivations() -> tuple[Derivation, ...]:
    """Why ``scale_factor=2.5`` on 5 pixels is not ``size=12``: the two source coordinates differ.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven']
    """
    o = sp.Symbol("o", nonnegative=True, integer=True)
    half = sp.Rational(1, 2)
    return (
        Derivation(
            "scale_factor = 5/2 on 5 pixels against size = 12: the coordinates drift apart by $(2o + 1)/120$",
            [
                Step((o + half) * sp.Rational(2, 5) - half - ((o + half) * sp.Rational(5, 12) - half),
                     "formula (2) with $\\sigma = 1/\\mathrm{scale\\_factor} = 2/5$, less (2) with $\\sigma = 5/12$"),
                Step((o + half) * (sp.Rational(2, 5) - sp.Rational(5, 12)), "the half-pixel shifts cancel"),
                Step(-(2 * o + 1) / sp.Integer(120), "$2/5 - 5/12 = -1/60$"),
            ],
            lhs_latex=r"x_o^{\,\mathrm{scale}} - x_o^{\,\mathrm{size}}",
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def example(mode: str) -> SearchStrategy[dict[str, Any]]:
        rank = MODES[mode] or 4
        spatial = st.lists(st.integers(1, 5), min_size=rank - 2, max_size=rank - 2)
        return st.fixed_dictionaries({
            "mode": st.just(mode),
            "input": spatial.flatmap(lambda s: st.lists(st.integers(-9, 9), min_size=int(np.prod(s)), max_size=int(np.prod(s))).map(
                lambda v: np.array(v, dtype=np.int64).reshape((1, 1, *s)))),
            "size": st.lists(st.integers(1, 7), min_size=rank - 2, max_size=rank - 2).map(tuple),
            "align_corners": st.just(None) if mode not in _AXIS_MODE else st.booleans(),
        })

    return st.sampled_from(list(MODES)).flatmap(example)


def _call(f: Any, ex: dict[str, Any]) -> Any:
    return f(ex["input"], size=ex["size"], mode=ex["mode"], align_corners=ex["align_corners"])


CONCEPTS = (
    Concept(
        name="interpolate", area="vision",
        symbolic=lambda ex: _call(interpolate_symbolic, ex).astype(float),
        numeric=lambda ex: _call(interpolate, ex),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=1e-12, why="at most 64 products of integers below 10 with weights in [-0.1, 1], in float64"),
        references=REFERENCES, page="vision/interpolation.md",
    ),
)

r"""One axis of a resize: which input pixels each output pixel reads, and with what weights.

Every mode of :func:`refalgo.vision.interpolate` is separable: along one axis of ``in_size``
pixels resized to ``out_size`` pixels, output pixel :math:`o` is a weighted sum of input
pixels, :math:`y_o = \sum_i M_{oi} x_i`. This module computes that matrix :math:`M` (the
*interpolation matrix*, ``out_size × in_size``) exactly and as PyTorch's CPU kernels do.

**The source coordinate** of output pixel :math:`o` (PyTorch's ``area_pixel_compute_source_index``):

.. math::

    s = \frac{\text{in} - 1}{\text{out} - 1}\, o \quad (\text{align\_corners}) \qquad (1)

    x_o = \sigma\,(o + \tfrac12) - \tfrac12, \quad \sigma = \frac{\text{in}}{\text{out}}
    \ \text{or}\ \frac{1}{\text{scale\_factor}} \quad (\text{half-pixel centres}) \qquad (2)

With ``align_corners=True`` the first and last pixel centres of input and output coincide;
with ``False`` pixels are unit squares whose edges line up, pixel :math:`o` covering
:math:`[o, o + 1)`. Where a ``scale_factor`` is given (and not recomputed), :math:`\sigma` is
``1/scale_factor``, not ``in/out``: the two differ whenever ``in·scale_factor`` is not an integer.

**The rules** (``mode``):

* ``"linear"``: :math:`x_o` clamped below at 0, :math:`i = \lfloor x_o \rfloor`,
  :math:`\lambda = x_o - i`; weight :math:`1-\lambda` on :math:`i` and :math:`\lambda` on
  :math:`\min(i+1, \text{in}-1)` (3).
* ``"cubic"``: :math:`i = \lfloor x_o \rfloor`, :math:`t = x_o - i`, taps :math:`i-1, \dots, i+2`
  clamped into the image, weights :math:`W(t+1), W(t), W(1-t), W(2-t)` of Keys' kernel (4)
  with :math:`A = -3/4` (PyTorch's and OpenCV's choice; Keys and Pillow use :math:`-1/2`).
* ``"nearest"``: :math:`i = \min(\lfloor \sigma o \rfloor, \text{in}-1)` (5), the rule PyTorch
  keeps for backward compatibility (it shifts the image by half a pixel);
* ``"nearest-exact"``: :math:`i = \min(\lfloor \sigma (o + \frac12) \rfloor, \text{in}-1)` (6),
  the nearest pixel centre (Pillow, scikit-image);
* ``"area"``: the average of input pixels :math:`\lfloor o\,\text{in}/\text{out} \rfloor` to
  :math:`\lceil (o+1)\,\text{in}/\text{out} \rceil - 1` (7), PyTorch's adaptive average pooling.

.. math::

    W(t) = \begin{cases} (A+2)|t|^3 - (A+3)|t|^2 + 1 & |t| \le 1 \\
    A|t|^3 - 5A|t|^2 + 8A|t| - 4A & 1 < |t| < 2 \\ 0 & \text{otherwise} \end{cases} \qquad (4)

The exact twin evaluates these rules in rational arithmetic. The numeric twin evaluates
them as PyTorch 2.13's CPU kernels do, operation by operation in the input's precision
(float32 for float32 input), including two details of theirs: the floor of a float64
coordinate is taken after rounding it to float32 (``floorf``), and ``"nearest"`` uses a
float32 scale with the shortcuts ``out = in`` and ``out = 2·in``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._exact import exact_positive
from .._validate import as_count, as_flag, as_positive
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "AXIS_MODES",
    "A_CUBIC",
    "axis_taps",
    "cubic_kernel",
    "derivations",
    "interpolation_matrix",
    "interpolation_matrix_symbolic",
]

REFERENCES = (
    "PyTorch 2.13 documentation, torch.nn.functional.interpolate; source aten/src/ATen/native/UpSample.h "
    "(area_pixel_compute_source_index, compute_source_index_and_lambda, get_cubic_upsample_coefficients).",
    "R. Keys, Cubic convolution interpolation for digital image processing, IEEE Trans. ASSP 29(6), 1981, eq. (15).",
)

A_CUBIC = sp.Rational(-3, 4)  # PyTorch's bicubic constant A
AXIS_MODES = ("nearest", "nearest-exact", "linear", "cubic", "area")


def _check_axis(input_size: Any, output_size: Any, mode: Any, align_corners: Any, scale_factor: Any) -> tuple[int, int, bool]:
    n_in, n_out = as_count(input_size, "input_size"), as_count(output_size, "output_size")
    if mode not in AXIS_MODES:
        raise ValueError(f"mode: expected one of {', '.join(AXIS_MODES)}; got {mode!r}")
    corners = False if align_corners is None else as_flag(align_corners, "align_corners")
    if corners and mode not in ("linear", "cubic"):
        raise ValueError(f"align_corners: expected None with mode {mode!r} (only linear and cubic modes align corners); got {align_corners!r}")
    if scale_factor is not None:
        as_positive(scale_factor, "scale_factor")
    return n_in, n_out, corners


def cubic_kernel(t: sp.Expr, a: sp.Expr = A_CUBIC) -> sp.Expr:
    """Keys' cubic convolution kernel :math:`W(t)` (4), exactly, for a number or a real symbol ``t``."""
    u = sp.Abs(t)
    return sp.Piecewise(((a + 2) * u**3 - (a + 3) * u**2 + 1, u <= 1), (a * u**3 - 5 * a * u**2 + 8 * a * u - 4 * a, u < 2), (0, True))


def interpolation_matrix_symbolic(
    input_size: int, output_size: int, *, mode: str = "linear", align_corners: bool | None = None, scale_factor: Any = None
) -> sp.Matrix:
    r"""The exact ``output_size × input_size`` matrix :math:`M` of one axis: :math:`y = M x`.

    Parameters
    ----------
    input_size, output_size
        Pixels along the axis before and after (positive integers).
    mode
        ``"nearest"``, ``"nearest-exact"``, ``"linear"``, ``"cubic"`` or ``"area"``.
    align_corners
        Formula (1) when true, (2) when false or ``None``; only for linear and cubic.
    scale_factor
        The factor :math:`\sigma^{-1}` used in (2), (5), (6) when given (an exact number: a
        float enters at its binary value); ``None`` uses ``input_size / output_size``.

    Returns
    -------
    sympy.Matrix
        Rational entries; row :math:`o` holds the weights of output pixel :math:`o`.

    Raises
    ------
    ValueError
        A size below 1, an unknown mode, ``align_corners`` with a mode that has no corners,
        or a ``scale_factor`` that is not positive.

    Examples
    --------
    >>> interpolation_matrix_symbolic(2, 4, mode="linear")
    Matrix([
    [  1,   0],
    [3/4, 1/4],
    [1/4, 3/4],
    [  0,   1]])
    """
    n_in, n_out, corners = _check_axis(input_size, output_size, mode, align_corners, scale_factor)
    sigma = sp.Rational(n_in, n_out) if scale_factor is None else 1 / exact_positive(scale_factor, "scale_factor")
    M = sp.zeros(n_out, n_in)
    for o in range(n_out):
        if mode == "area":
            start, end = sp.floor(sp.Rational(o * n_in, n_out)), sp.ceiling(sp.Rational((o + 1) * n_in, n_out))  # (7)
            for i in range(int(start), int(end)):
                M[o, i] = 1 / (end - start)
            continue
        if mode.startswith("nearest"):
            shift = sp.Rational(1, 2) if mode == "nearest-exact" else 0
            M[o, min(int(sp.floor(sigma * (o + shift))), n_in - 1)] = 1  # (5), (6)
            continue
        if corners:
            x = sp.Rational(n_in - 1, n_out - 1) * o if n_out > 1 else sp.Integer(0)  # (1)
        else:
            x = sigma * (o + sp.Rational(1, 2)) - sp.Rational(1, 2)  # (2)
        if mode == "linear":
            x = max(x, sp.Integer(0))
            i = int(sp.floor(x))
            taps = {i: 1 - (x - i), i + 1: x - i}  # (3)
        else:
            i = int(sp.floor(x))
            taps = {j: cubic_kernel(x - j) for j in range(i - 1, i + 3)}  # (4)
        for j, w in taps.items():
            M[o, min(max(j, 0), n_in - 1)] += w
    return M


def axis_taps(
    input_size: int, output_size: int, *, mode: str, align_corners: bool, scale_factor: float | None, dtype: Any
) -> tuple[NDArray[np.int64], NDArray[Any]]:
    r"""Indices and weights of one axis as PyTorch's CPU kernels compute them, in ``dtype``.

    Returns ``(index, weight)``, both ``(output_size, taps)``: output pixel :math:`o` is
    :math:`\sum_k` ``weight[o, k] * x[index[o, k]]``, summed in the order of ``k``. For
    ``"area"`` the taps are the pixels of the window (weight 1, to be summed, then divided).
    """
    dt = np.dtype(dtype).type
    o = np.arange(output_size)
    if mode == "area":
        start, end = (o * input_size) // output_size, -((-(o + 1) * input_size) // output_size)  # (7)
        width = int((end - start).max())
        index = np.minimum(start[:, None] + np.arange(width), end[:, None] - 1)
        return index, ((start[:, None] + np.arange(width)) < end[:, None]).astype(dt)
    if mode.startswith("nearest"):
        return _nearest(input_size, output_size, mode, scale_factor)[:, None], np.ones((output_size, 1), dt)
    if mode == "linear" and input_size == output_size:
        return np.stack([o, o], axis=1), np.stack([np.ones(output_size, dt), np.zeros(output_size, dt)], axis=1)
    if align_corners:
        scale = dt(input_size - 1) / dt(output_size - 1) if output_size > 1 else dt(0)
        x = scale * o.astype(dt)  # (1)
    else:
        scale = dt(1.0 / scale_factor) if scale_factor else dt(input_size) / dt(output_size)
        x = scale * (o.astype(dt) + dt(0.5)) - dt(0.5)  # (2)
    if mode == "linear":
        x = np.where(x < 0, dt(0), x)
    i = np.minimum(np.floor(x.astype(np.float32)).astype(np.int64), input_size - 1)  # floorf, as PyTorch
    t = np.minimum(np.maximum(x - i.astype(dt), dt(0)), dt(1))
    if mode == "linear":
        return np.stack([i, i + (i < input_size - 1)], axis=1), np.stack([dt(1) - t, t], axis=1)  # (3)
    weights = np.stack([_far(t + dt(1.0)), _near(t), _near(dt(1.0) - t), _far(dt(1.0) - t + dt(1.0))], axis=1)  # (4)
    return np.clip(i[:, None] + np.arange(-1, 3), 0, input_size - 1), weights


def _near(x: NDArray[Any]) -> NDArray[Any]:
    a = x.dtype.type(-0.75)
    return ((a + 2) * x - (a + 3)) * x * x + 1  # W(t), |t| <= 1   (4)


def _far(x: NDArray[Any]) -> NDArray[Any]:
    a = x.dtype.type(-0.75)
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a  # W(t), 1 < |t| < 2   (4)


def _nearest(input_size: int, output_size: int, mode: str, scale_factor: float | None) -> NDArray[np.int64]:
    o = np.arange(output_size)
    if mode == "nearest" and output_size == input_size:
        return o
    if mode == "nearest" and output_size == 2 * input_size:
        return o >> 1
    scale = np.float32(1.0 / scale_factor) if scale_factor else np.float32(input_size) / np.float32(output_size)
    if mode == "nearest":
        x = o.astype(np.float32) * scale  # (5), in float32
    else:
        x = ((o + 0.5) * np.float64(scale)).astype(np.float32)  # (6), float64 product rounded to float32
    return np.minimum(np.floor(x).astype(np.int64), input_size - 1)


def interpolation_matrix(
    input_size: int, output_size: int, *, mode: str = "linear", align_corners: bool | None = None, scale_factor: float | None = None
) -> NDArray[np.float64]:
    r"""The ``output_size × input_size`` matrix of one axis in float64, from PyTorch's index arithmetic.

    Same parameters and errors as :func:`interpolation_matrix_symbolic`; the entries are the
    weights of :func:`axis_taps` (float64) added at their indices, area weights divided by
    the window's width.

    Examples
    --------
    >>> interpolation_matrix(2, 4, mode="linear")
    array([[1.  , 0.  ],
           [0.75, 0.25],
           [0.25, 0.75],
           [0.  , 1.  ]])
    """
    n_in, n_out, corners = _check_axis(input_size, output_size, mode, align_corners, scale_factor)
    index, weight = axis_taps(n_in, n_out, mode=mode, align_corners=corners, scale_factor=scale_factor, dtype=np.float64)
    if mode == "area":
        weight = weight / weight.sum(axis=1, keepdims=True)
    M = np.zeros((n_out, n_in))
    np.add.at(M, (np.arange(n_out)[:, None], index), weight)
    return M


def derivations() -> tuple[Derivation, ...]:
    """The page's derivations: the two source-coordinate formulas and the bicubic partition of unity.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven']
    """
    o, n_in, n_out, t, a = sp.symbols("o n_in n_out t A", positive=True)
    sigma = n_in / n_out
    half = sp.Rational(1, 2)
    names = {n_in: r"\mathrm{in}", n_out: r"\mathrm{out}"}
    centres = Derivation(
        "Half-pixel centres: the source coordinate of output pixel $o$",
        [
            Step((o + half) * sigma - half, "the centre $o + 1/2$ in input pixels, less the half pixel of input centres"),
            Step(sigma * o + (n_in - n_out) / (2 * n_out), "expanded: a shift of $(\\sigma - 1)/2$ beside the scaling"),
        ],
        lhs_latex="x_o", names=names,
    )
    corners = Derivation(
        "Aligned corners: the end pixels of input and output coincide",
        [
            Step(sp.Matrix([0, (n_out - 1)]) * (n_in - 1) / (n_out - 1), "formula (1) at $o = 0$ and $o = \\mathrm{out} - 1$"),
            Step(sp.Matrix([0, n_in - 1]), "the first and the last input pixel"),
        ],
        lhs_latex=r"\begin{pmatrix} x_0 \\ x_{\mathrm{out}-1} \end{pmatrix}", names=names,
    )
    near = lambda u: (a + 2) * u**3 - (a + 3) * u**2 + 1
    far = lambda u: a * u**3 - 5 * a * u**2 + 8 * a * u - 4 * a
    unity = Derivation(
        "The four bicubic weights sum to 1 for every A",
        [
            Step(far(1 + t) + near(t) + near(1 - t) + far(2 - t), "the taps at distances $1 + t$, $t$, $1 - t$, $2 - t$ from $x_o$, by (4)"),
            Step(sp.Integer(1), "expanded: the $A$ terms and the powers of $t$ cancel"),
        ],
        lhs_latex=r"\sum_{k=-1}^{2} W(t - k)",
    )
    return (centres, corners, unity)


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    modes = st.sampled_from(AXIS_MODES)
    return st.fixed_dictionaries({"input_size": st.integers(1, 12), "output_size": st.integers(1, 16), "mode": modes,
                                  "align_corners": st.booleans()})


def _arguments(ex: dict[str, Any]) -> dict[str, Any]:
    corners = ex["align_corners"] if ex["mode"] in ("linear", "cubic") else None
    return {"mode": ex["mode"], "align_corners": corners}


CONCEPTS = (
    Concept(
        name="interpolation-matrix", area="vision",
        symbolic=lambda ex: np.array(interpolation_matrix_symbolic(ex["input_size"], ex["output_size"], **_arguments(ex)).tolist(), dtype=float),
        numeric=lambda ex: interpolation_matrix(ex["input_size"], ex["output_size"], **_arguments(ex)),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=1e-13, why="weights in [-0.1, 1] from a few float64 operations on the coordinate"),
        references=REFERENCES, page="vision/interpolation.md",
    ),
)

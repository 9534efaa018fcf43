r"""Upsampling with learning: transposed convolution (转置卷积, "deconvolution") as the adjoint of convolution.

``conv2d`` (cross-correlation, PyTorch's convention) of an input ``(N, C_in, H, W)`` with a
weight ``(C_out, C_in/groups, kH, kW)``:

.. math::

    y[n, o, p, q] = b_o + \sum_{c, k, l} w[o, c, k, l]\;
        x_{\text{pad}}[n, g\,C_{\text{in}}/G + c,\; p s + k d,\; q s + l d] \qquad (10)

with stride :math:`s`, zero padding :math:`P`, dilation :math:`d` and group :math:`g` of
output channel :math:`o`; the output has :math:`\lfloor (H + 2P - d(k-1) - 1)/s \rfloor + 1` rows.
``conv_transpose2d`` with a weight ``(C_in, C_out/groups, kH, kW)`` is the adjoint of (10)
without bias: every input pixel :math:`(h, w)` scatters its kernel onto output rows
:math:`h s - P + k d`, so

.. math::

    \langle \mathrm{conv}(x), y \rangle = \langle x, \mathrm{conv}^{\top}(y) \rangle \qquad (11)

and its output has :math:`(H - 1)s - 2P + d(k - 1) + \text{output\_padding} + 1` rows (12).
``output_padding`` (smaller than the stride or the dilation) picks one of the input sizes
that a strided convolution maps to the same output size. Equivalently, a transposed
convolution inserts :math:`s - 1` zeros between input pixels and convolves with the flipped
kernel. When the kernel size is not a multiple of the stride, output pixels receive
different numbers of kernel taps — the checkerboard pattern of Odena et al. (2016), counted
by :func:`overlap_counts`.
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

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["conv2d", "conv2d_symbolic", "conv_transpose2d", "conv_transpose2d_symbolic", "derivations", "overlap_counts"]

REFERENCES = (
    "V. Dumoulin and F. Visin, A guide to convolution arithmetic for deep learning, arXiv:1603.07285 (2016), "
    "relationships 1-14 (output sizes, transposed convolution as the transposed matrix).",
    "A. Odena, V. Dumoulin and C. Olah, Deconvolution and Checkerboard Artifacts, Distill (2016).",
    "PyTorch 2.13 documentation, torch.nn.Conv2d and torch.nn.ConvTranspose2d (shape formulas).",
)


def _pair(value: Any, name: str, minimum: int) -> tuple[int, int]:
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2:
        raise ValueError(f"{name}: expected an integer or a pair; got {value!r}")
    return as_count(items[0], name, minimum=minimum), as_count(items[1], name, minimum=minimum)


def _geometry(x_shape: tuple[int, ...], w_shape: tuple[int, ...], transposed: bool, stride: Any, padding: Any,
              output_padding: Any, groups: Any, dilation: Any) -> dict[str, Any]:
    """Checked hyperparameters and the output size (10) or (12); errors name the argument."""
    if len(x_shape) != 4:
        raise ValueError(f"input: expected a 4-D array (N, C, H, W); got shape {x_shape}")
    if len(w_shape) != 4:
        raise ValueError(f"weight: expected a 4-D array; got shape {w_shape}")
    s, p, d = _pair(stride, "stride", 1), _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
    op, g = _pair(output_padding, "output_padding", 0), as_count(groups, "groups")
    if any(op[i] >= max(s[i], d[i]) for i in range(2)):
        raise ValueError(f"output_padding: expected values smaller than stride {s} or dilation {d}; got {op}")
    c_in = x_shape[1]
    if c_in % g or w_shape[0] % g:
        raise ValueError(f"groups: expected a divisor of the input channels {c_in} and of weight.shape[0] = {w_shape[0]}; got {g}")
    want = w_shape[0] if transposed else w_shape[1] * g
    if want != c_in:
        raise ValueError(f"weight: expected {'weight.shape[0]' if transposed else 'weight.shape[1] × groups'} = {c_in} input channels; got shape {w_shape}")
    k = w_shape[2:]
    if transposed:
        out = tuple((x_shape[2 + i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1 for i in range(2))  # (12)
    else:
        out = tuple((x_shape[2 + i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))  # (10)
    if min(out) < 1:
        raise ValueError(f"padding: expected stride {s}, padding {p}, dilation {d} and kernel {k} to leave an output; they give size {out}")
    c_out = w_shape[1] * g if transposed else w_shape[0]
    return {"s": s, "p": p, "d": d, "op": op, "g": g, "k": k, "out": out, "c_out": c_out}


def conv2d_symbolic(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1) -> NDArray[Any]:
    r"""(10) term by term, exactly: an object array of SymPy expressions (symbols allowed).

    Parameters and errors as :func:`conv2d`.

    Examples
    --------
    >>> conv2d_symbolic([[[[1, 2, 3]]]], [[[[1, -1]]]]).tolist()
    [[[[-1, -1]]]]
    """
    x, w = exact_array(input, "input", symbolic=True), exact_array(weight, "weight", symbolic=True)
    geo = _geometry(x.shape, w.shape, False, stride, padding, 0, groups, dilation)
    (sh, sw), (ph, pw), (dh, dw), k = geo["s"], geo["p"], geo["d"], geo["k"]
    b = exact_array(bias, "bias", shape=(geo["c_out"],), symbolic=True) if bias is not None else np.zeros(geo["c_out"], dtype=object)
    per = w.shape[1]
    out = np.empty((x.shape[0], geo["c_out"], *geo["out"]), dtype=object)
    for n, o, i, j in np.ndindex(*out.shape):
        g = o // (geo["c_out"] // geo["g"])
        terms = [w[o, c, a, e] * x[n, g * per + c, i * sh + a * dh - ph, j * sw + e * dw - pw]
                 for c in range(per) for a in range(k[0]) for e in range(k[1])
                 if 0 <= i * sh + a * dh - ph < x.shape[2] and 0 <= j * sw + e * dw - pw < x.shape[3]]
        out[n, o, i, j] = sp.expand(b[o] + sp.Add(*terms))  # (10)
    return out


def conv_transpose2d_symbolic(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
                              output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> NDArray[Any]:
    r"""The transposed convolution by gathering: output pixel :math:`t` sums the input pixels :math:`h` with :math:`h s - P + k d = t`.

    Parameters and errors as :func:`conv_transpose2d`; exact entries (symbols allowed).

    Examples
    --------
    >>> conv_transpose2d_symbolic([[[[1, 2]]]], [[[[1, 1, 1]]]], stride=2).tolist()
    [[[[1, 1, 3, 2, 2]]]]
    """
    x, w = exact_array(input, "input", symbolic=True), exact_array(weight, "weight", symbolic=True)
    geo = _geometry(x.shape, w.shape, True, stride, padding, output_padding, groups, dilation)
    (sh, sw), (ph, pw), (dh, dw), k = geo["s"], geo["p"], geo["d"], geo["k"]
    b = exact_array(bias, "bias", shape=(geo["c_out"],), symbolic=True) if bias is not None else np.zeros(geo["c_out"], dtype=object)
    per_in, per_out = x.shape[1] // geo["g"], w.shape[1]
    out = np.empty((x.shape[0], geo["c_out"], *geo["out"]), dtype=object)
    for n, o, t, u in np.ndindex(*out.shape):
        g, oc = divmod(o, per_out)
        terms = []
        for a in range(k[0]):
            for e in range(k[1]):
                h, rh = divmod(t + ph - a * dh, sh)
                v, rv = divmod(u + pw - e * dw, sw)
                if rh == 0 and rv == 0 and 0 <= h < x.shape[2] and 0 <= v < x.shape[3]:
                    terms += [x[n, c, h, v] * w[c, oc, a, e] for c in range(g * per_in, (g + 1) * per_in)]
        out[n, o, t, u] = sp.expand(b[o] + sp.Add(*terms))  # adjoint of (10)   (11)
    return out


def _numeric(input: Any, weight: Any, bias: Any) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any] | None]:
    dtype = np.float32 if getattr(input, "dtype", None) == np.float32 else np.float64
    x, w = as_array(input, "input", dtype=dtype), as_array(weight, "weight", dtype=dtype)
    return x, w, None if bias is None else as_array(bias, "bias", ndim=1, dtype=dtype)


def _check_bias(b: NDArray[Any] | None, c_out: int) -> None:
    if b is not None and b.shape != (c_out,):
        raise ValueError(f"bias: expected shape ({c_out},), one value per output channel; got shape {b.shape}")


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1, groups: int = 1) -> NDArray[Any]:
    r"""(10) as one tensor contraction over sliding windows, like ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    input
        ``(N, C_in, H, W)``, finite.
    weight
        ``(C_out, C_in/groups, kH, kW)``.
    bias
        ``(C_out,)`` or ``None``.
    stride, padding, dilation
        Integers or pairs: :math:`s \ge 1`, :math:`P \ge 0` (zeros), :math:`d \ge 1`.
    groups
        :math:`G`, dividing both channel counts.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)``; float32 for float32 input, float64 otherwise.

    Raises
    ------
    TypeError, ValueError
        Wrong ranks or channel counts, bad hyperparameters, or a geometry with no output.

    Examples
    --------
    >>> conv2d(np.array([[[[1.0, 2.0, 3.0]]]]), np.array([[[[1.0, -1.0]]]]))
    array([[[[-1., -1.]]]])
    """
    x, w, b = _numeric(input, weight, bias)
    geo = _geometry(x.shape, w.shape, False, stride, padding, 0, groups, dilation)
    _check_bias(b, geo["c_out"])
    (sh, sw), (ph, pw), (dh, dw), (kh, kw), G = geo["s"], geo["p"], geo["d"], geo["k"], geo["g"]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    win = np.lib.stride_tricks.sliding_window_view(xp, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    win = win[:, :, ::sh, ::sw, ::dh, ::dw][:, :, : geo["out"][0], : geo["out"][1]]  # (N, C, Ho, Wo, kH, kW)
    win = win.reshape(x.shape[0], G, x.shape[1] // G, *win.shape[2:])
    wg = w.reshape(G, w.shape[0] // G, *w.shape[1:])
    y = np.einsum("ngcpqkl,gockl->ngopq", win, wg).reshape(x.shape[0], geo["c_out"], *geo["out"])  # (10)
    return y if b is None else y + b[:, None, None]


def conv_transpose2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> NDArray[Any]:
    r"""Scatter every input pixel's kernel onto the output, like ``torch.nn.functional.conv_transpose2d``.

    Parameters
    ----------
    input
        ``(N, C_in, H, W)``, finite.
    weight
        ``(C_in, C_out/groups, kH, kW)`` (PyTorch's layout for transposed convolutions).
    bias
        ``(C_out,)`` or ``None``.
    stride, padding, output_padding, dilation
        Integers or pairs; ``output_padding`` smaller than ``stride`` or ``dilation``.
    groups
        :math:`G`, dividing both channel counts.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, H_out, W_out)`` with the sizes (12).

    Raises
    ------
    TypeError, ValueError
        Wrong ranks or channel counts, bad hyperparameters, or a geometry with no output.

    Examples
    --------
    >>> conv_transpose2d(np.array([[[[1.0, 2.0]]]]), np.ones((1, 1, 1, 3)), stride=2)
    array([[[[1., 1., 3., 2., 2.]]]])
    """
    x, w, b = _numeric(input, weight, bias)
    geo = _geometry(x.shape, w.shape, True, stride, padding, output_padding, groups, dilation)
    _check_bias(b, geo["c_out"])
    (sh, sw), (ph, pw), (dh, dw), (kh, kw), G = geo["s"], geo["p"], geo["d"], geo["k"], geo["g"]
    N, C, H, W = x.shape
    full = np.zeros((N, G, w.shape[1], ph + geo["out"][0] + ph, pw + geo["out"][1] + pw), dtype=x.dtype)
    xg, wg = x.reshape(N, G, C // G, H, W), w.reshape(G, C // G, *w.shape[1:])
    for a in range(kh):
        for e in range(kw):
            rows, cols = slice(a * dh, a * dh + (H - 1) * sh + 1, sh), slice(e * dw, e * dw + (W - 1) * sw + 1, sw)
            full[:, :, :, rows, cols] += np.einsum("ngchw,gco->ngohw", xg, wg[:, :, :, a, e])  # pixel (h, w) -> h s + a d
    y = full[:, :, :, ph : ph + geo["out"][0], pw : pw + geo["out"][1]].reshape(N, geo["c_out"], *geo["out"])  # crop P
    return y if b is None else y + b[:, None, None]


def overlap_counts(size: int, kernel_size: int, stride: int) -> NDArray[np.int64]:
    r"""How many kernel taps land on each output pixel of a 1-D transposed convolution of ``size`` pixels.

    The row or column profile of the checkerboard: a constant input and a constant kernel
    give an output proportional to these counts. Away from the borders they repeat with
    period ``stride`` and are constant exactly when ``stride`` divides ``kernel_size``.

    Examples
    --------
    >>> overlap_counts(4, 3, 2).tolist()
    [1, 1, 2, 1, 2, 1, 2, 1, 1]
    """
    n, k, s = as_count(size, "size"), as_count(kernel_size, "kernel_size"), as_count(stride, "stride")
    ones = np.ones((1, 1, 1, n), dtype=np.int64)
    return conv_transpose2d(ones, np.ones((1, 1, 1, k)), stride=(1, s)).astype(np.int64)[0, 0, 0]


def derivations() -> tuple[Derivation, ...]:
    """The output size (12) checked against the convolution's, and the adjoint identity (11) on symbolic tensors: a 3 × 3 input, a 2 × 2 kernel, stride 2, padding 1.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven']
    """
    n, s, k, d, p = sp.symbols("n s k d P", positive=True, integer=True)
    unevaluated_sum, unevaluated_product = (lambda *a: sp.Add(*a, evaluate=False)), (lambda *a: sp.Mul(*a, evaluate=False))
    span, reach = unevaluated_product(unevaluated_sum(n, -1), s), unevaluated_product(d, unevaluated_sum(k, -1))
    out = unevaluated_sum(span, -2 * p, reach, 1)  # (12) with output_padding 0
    size = Derivation(
        "The convolution with the same parameters maps the output size (12) back to the input size",
        [
            Step(sp.floor(unevaluated_product(unevaluated_sum(out, 2 * p, -reach, -1), sp.Pow(s, -1)), evaluate=False) + 1,
                 "(12) with $\\texttt{op} = 0$ put into the convolution's size"),
            Step(sp.floor(unevaluated_product(span, sp.Pow(s, -1)), evaluate=False) + 1, "the padding and the kernel's reach cancel"),
            Step(n, "the quotient is the integer $\\mathrm{in} - 1$, so the floor drops"),
        ],
        lhs_latex=r"\left\lfloor \frac{\mathrm{out} + 2P - d(k - 1) - 1}{s} \right\rfloor + 1", names={n: r"\mathrm{in}"},
    )
    x = np.array(sp.symbols("x_0:9", real=True), dtype=object).reshape(1, 1, 3, 3)
    w = np.array(sp.symbols("w_0:4", real=True), dtype=object).reshape(1, 1, 2, 2)
    y = np.array(sp.symbols("y_0:4", real=True), dtype=object).reshape(1, 1, 2, 2)
    forward = conv2d_symbolic(x, w, stride=2, padding=1)
    backward = conv_transpose2d_symbolic(y, w, stride=2, padding=1, output_padding=1)  # back to 3 × 3
    adjoint = Derivation(
        "Transposed convolution is the adjoint of convolution: ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩",
        [
            Step(sp.Add(*(forward * y).ravel()), "(10) with stride 2, padding 1: each output pixel is one tap of the kernel on $x$"),
            Step(sp.Add(*(x * backward).ravel()), "the same products, grouped by input pixel: convᵀ gathers them (11)"),
        ],
        lhs_latex=r"\langle \mathrm{conv}(x), y \rangle",
    )
    return (size, adjoint)


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def example(dims: tuple[int, ...]) -> SearchStrategy[dict[str, Any]]:
        h, w, k, s, d, g = dims
        def ints(*shape: int) -> SearchStrategy[NDArray[np.int64]]:
            return st.lists(st.integers(-5, 5), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(lambda v: np.array(v).reshape(shape))
        return st.fixed_dictionaries({"input": ints(1, g, h, w), "weight": ints(g, 1, k, k), "stride": st.just(s),
                                      "dilation": st.just(d), "groups": st.just(g), "padding": st.integers(0, (k - 1) * d // 2)})

    return st.tuples(*(st.integers(1, 3),) * 5, st.integers(1, 2)).flatmap(example)


def _call(f: Any, ex: dict[str, Any]) -> Any:
    return f(ex["input"], ex["weight"], stride=ex["stride"], padding=ex["padding"], groups=ex["groups"], dilation=ex["dilation"])


CONCEPTS = (
    Concept(
        name="conv-transpose2d", area="vision",
        symbolic=lambda ex: _call(conv_transpose2d_symbolic, ex).astype(float),
        numeric=lambda ex: _call(conv_transpose2d, ex),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="sums of at most 9 products of integers below 6: exact in float64"),
        references=REFERENCES, page="vision/transposed-convolution.md",
    ),
)

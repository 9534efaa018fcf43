r"""Max-unpooling: SegNet's upsampling without learning, with the indices max-pooling remembered.

Max-pooling keeps the largest value of each window and, with ``return_indices=True`` in
PyTorch, where it was: ``indices[n, c, i, j]`` is the flat position :math:`h W_{\text{out}} + w`
of the maximum in the ``(n, c)`` plane. ``max_unpool2d`` puts each value back at its
position and zeros everywhere else:

.. math::

    Y[n, c, \lfloor k / W_{\text{out}} \rfloor, k \bmod W_{\text{out}}] = X[n, c, i, j],
    \quad k = \text{indices}[n, c, i, j] \qquad (13)

The default output size is :math:`(H - 1)s - 2P + k` per axis (PyTorch's
``F.max_unpool2d``), ``stride`` defaulting to ``kernel_size``. Where two entries share an
index PyTorch leaves the result unspecified; here the later one in row-major order wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._exact import exact_array
from .._validate import as_array, as_count
from ..registry import Concept, Tolerance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["max_unpool2d", "max_unpool2d_symbolic"]

REFERENCES = (
    "V. Badrinarayanan, A. Kendall and R. Cipolla, SegNet: A Deep Convolutional Encoder-Decoder Architecture "
    "for Image Segmentation, IEEE TPAMI 39(12), 2017, Sec. 3 (upsampling with the max-pooling indices).",
    "PyTorch 2.13 documentation, torch.nn.MaxUnpool2d and torch.nn.functional.max_unpool2d.",
)


def _size(x_shape: tuple[int, ...], idx_shape: tuple[int, ...], kernel_size: Any, stride: Any, padding: Any,
          output_size: Any) -> tuple[int, int]:
    if len(x_shape) != 4:
        raise ValueError(f"input: expected a 4-D array (N, C, H, W); got shape {x_shape}")
    if idx_shape != x_shape:
        raise ValueError(f"indices: expected the input's shape {x_shape}; got shape {idx_shape}")
    if output_size is not None:
        size = tuple(output_size)[-2:]
        if len(size) != 2:
            raise ValueError(f"output_size: expected (H_out, W_out); got {output_size!r}")
        return as_count(size[0], "output_size[0]"), as_count(size[1], "output_size[1]")
    pair = lambda v, name, low: (as_count(v, name, minimum=low),) * 2 if not isinstance(v, (tuple, list)) else (  # noqa: E731
        as_count(v[0], name, minimum=low), as_count(v[1], name, minimum=low))
    k = pair(kernel_size, "kernel_size", 1)
    s = k if stride is None else pair(stride, "stride", 1)
    p = pair(padding, "padding", 0)
    out = tuple((x_shape[2 + a] - 1) * s[a] - 2 * p[a] + k[a] for a in range(2))
    if min(out) < 1:
        raise ValueError(f"padding: expected kernel_size {k}, stride {s} and padding {p} to leave an output; they give {out}")
    return out[0], out[1]


def _positions(indices: Any, plane: int) -> NDArray[np.int64]:
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"indices: expected an integer array; got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= plane):
        raise ValueError(f"indices: expected flat positions in [0, {plane}); got values in [{idx.min()}, {idx.max()}]")
    return idx.astype(np.int64)


def max_unpool2d_symbolic(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                          output_size: Any = None) -> NDArray[Any]:
    r"""(13) entry by entry: an object array of zeros and the input's exact entries.

    Parameters and errors as :func:`max_unpool2d`.

    Examples
    --------
    >>> max_unpool2d_symbolic([[[["1/2"]]]], np.array([[[[3]]]]), 2).tolist()
    [[[[0, 0], [0, 1/2]]]]
    """
    x = exact_array(input, "input", symbolic=True)
    ho, wo = _size(x.shape, np.shape(indices), kernel_size, stride, padding, output_size)
    idx = _positions(indices, ho * wo)
    out = np.zeros((*x.shape[:2], ho, wo), dtype=object)
    for n, c, i, j in np.ndindex(*x.shape):
        k = int(idx[n, c, i, j])
        out[n, c, k // wo, k % wo] = x[n, c, i, j]  # (13)
    return out


def max_unpool2d(input: Any, indices: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> NDArray[Any]:
    r"""Put each pooled value back where max-pooling found it, like ``torch.nn.functional.max_unpool2d``.

    Parameters
    ----------
    input
        ``(N, C, H, W)``, the pooled values; float32 stays float32, anything else becomes float64.
    indices
        Integers of the same shape: flat positions :math:`h W_{\text{out}} + w` in each plane.
    kernel_size, stride, padding
        Of the max-pooling being undone (integers or pairs); ``stride`` defaults to ``kernel_size``.
    output_size
        ``(H_out, W_out)`` (or a longer shape ending in them), overriding the size formula.

    Returns
    -------
    numpy.ndarray
        ``(N, C, H_out, W_out)``: zeros except at the indices.

    Raises
    ------
    TypeError, ValueError
        A wrong rank, indices of another shape, non-integer or out of range, or sizes with no output.

    Examples
    --------
    >>> max_unpool2d(np.array([[[[5.0]]]]), np.array([[[[2]]]]), 2)
    array([[[[0., 0.],
             [5., 0.]]]])
    """
    x = as_array(input, "input", dtype=np.float32 if getattr(input, "dtype", None) == np.float32 else np.float64)
    ho, wo = _size(x.shape, np.shape(indices), kernel_size, stride, padding, output_size)
    idx = _positions(indices, ho * wo)
    out = np.zeros((*x.shape[:2], ho * wo), dtype=x.dtype)
    planes = out.reshape(-1, ho * wo)
    planes[np.arange(planes.shape[0])[:, None], idx.reshape(planes.shape[0], -1)] = x.reshape(planes.shape[0], -1)  # (13)
    return out.reshape(*x.shape[:2], ho, wo)


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def example(dims: tuple[int, int, int]) -> SearchStrategy[dict[str, Any]]:
        h, w, k = dims  # one maximum per k × k window, at a drawn offset inside it
        n = h * w
        values = st.lists(st.integers(-9, 9), min_size=n, max_size=n)
        offsets = st.lists(st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)), min_size=n, max_size=n)
        return st.tuples(values, offsets).map(lambda vo: {
            "input": np.array(vo[0]).reshape(1, 1, h, w), "k": k,
            "indices": np.array([(i * k + a) * (w * k) + j * k + b for (i, j), (a, b) in zip(np.ndindex(h, w), vo[1])]).reshape(1, 1, h, w),
        })

    return st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3)).flatmap(example)


CONCEPTS = (
    Concept(
        name="max-unpool2d", area="vision",
        symbolic=lambda ex: max_unpool2d_symbolic(ex["input"], ex["indices"], ex["k"]).astype(float),
        numeric=lambda ex: max_unpool2d(ex["input"], ex["indices"], ex["k"]),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="entries are moved, never computed"),
        references=REFERENCES, page="vision/transposed-convolution.md",
    ),
)

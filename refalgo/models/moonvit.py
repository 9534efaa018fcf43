r"""MoonViT's input side: native-resolution patches, a packed sequence, its attention mask, position embeddings.

MoonViT (Kimi-VL's vision encoder) keeps every image at its own size. An image of
:math:`H \times W` pixels and :math:`C` channels is cut into :math:`P \times P` patches
(:math:`P = 14`), giving an :math:`h \times w` grid, :math:`h = H/P`, :math:`w = W/P`:

.. math::

    x_{r w + c}[\kappa\, P^2 + \delta_y P + \delta_x] = X[r P + \delta_y,\; c P + \delta_x,\; \kappa] \qquad (1)

Several images are concatenated into one sequence (NaViT's *packing*); image :math:`n`
occupies tokens :math:`s_n \le t < s_{n+1}`:

.. math::

    s_0 = 0, \qquad s_{n+1} = s_n + h_n w_n \qquad (2)

and a token attends only to tokens of its own image, through the block-diagonal mask

.. math::

    M_{ij} = 1 \iff s_n \le i, j < s_{n+1} \text{ for some } n \qquad (3)

    \operatorname{Attn}(Q, K, V)_i = \sum_j \frac{M_{ij} \exp(q_i \cdot k_j / \sqrt{d})}
        {\sum_l M_{il} \exp(q_i \cdot k_l / \sqrt{d})} \, v_j \qquad (4)

The absolute position embedding is a learnable :math:`64 \times 64 \times D` grid :math:`E`,
resized to each image's patch grid by bicubic interpolation:

.. math::

    E^{(n)} = \operatorname{bicubic}(E)\big|_{h_n \times w_n}, \qquad
    \text{token } r w_n + c \text{ of image } n \text{ gets } E^{(n)}[r, c] \qquad (5)

**Conventions** — those of Kimi-VL's released code (``modeling_kimi_vl.py`` of
moonshotai/Kimi-VL-A3B-Instruct: ``MoonVisionPatchEmbed``, ``Learnable2DInterpPosEmb``,
``MoonVitEncoder``):

* an image is an ``(H, W, C)`` array (channels last); ``H`` and ``W`` are multiples of
  :math:`P` times the projector's merge kernel (28 for MoonViT), so the projector's
  :math:`2 \times 2` merge later fits;
* tokens are in **row-major** grid order, token :math:`r w + c` at grid position
  ``(r, c)``; a patch vector is flattened in (channel, row, column) order, index
  :math:`\kappa P^2 + \delta_y P + \delta_x` as in (1) — the layout of a ``Conv2d`` weight
  ``(D, C, P, P)``, so the patch embedding is one matrix product;
* ``cu_seqlens`` is (2) as int32, the argument of flash-attention's varlen kernels;
* the mask is boolean, ``True`` where attention is allowed; masked scores become
  :math:`-\infty` before the softmax (4), one head, queries and keys ``(L, d)``;
* position embeddings: ``F.interpolate(E.permute(2, 0, 1)[None], size=(h, w),
  mode="bicubic")`` with PyTorch's defaults, i.e. ``align_corners=False`` and Keys'
  :math:`A = -0.75`, no antialias; at the grid's own size :math:`64 \times 64` the code
  skips the resize, which changes nothing (the bicubic resize to the same size is the identity).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._exact import exact_array
from .._validate import as_array, as_count
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ..vision import interpolate, interpolate_symbolic, pixel_unshuffle

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "MERGE_KERNEL", "PATCH_SIZE", "POS_EMB_GRID", "PackedImages", "attention", "attention_symbolic",
    "block_diagonal_mask", "block_diagonal_mask_symbolic", "cu_seqlens", "derivations", "pack_images",
    "packed_attention", "patchify", "patchify_symbolic", "position_embedding", "position_embedding_symbolic",
]

REFERENCES = (
    "Kimi Team, Kimi-VL Technical Report, arXiv:2504.07491 (2025), §2.1 (MoonViT: native resolution, "
    "NaViT packing, interpolated absolute position embedding plus 2D RoPE).",
    "M. Dehghani et al., Patch n' Pack: NaViT, a Vision Transformer for any Aspect Ratio and Resolution, "
    "NeurIPS 2023, §2.2 (sequence packing, masked self-attention).",
    "moonshotai/Kimi-VL-A3B-Instruct, modeling_kimi_vl.py and config.json (patch_size 14, "
    "init_pos_emb_height = init_pos_emb_width = 64, merge_kernel_size [2, 2], hidden_size 1152).",
    "A. Vaswani et al., Attention Is All You Need, NeurIPS 2017, eq. (1).",
)

PATCH_SIZE = 14
"""MoonViT's patch side :math:`P` (``patch_size`` in MoonViT-SO-400M's config.json)."""
MERGE_KERNEL = (2, 2)
"""The projector's merge kernel (``merge_kernel_size``): images are multiples of :math:`2P = 28`."""
POS_EMB_GRID = (64, 64)
"""The learnable position-embedding grid (``init_pos_emb_height``, ``init_pos_emb_width``)."""


class PackedImages(NamedTuple):
    """Several images as one sequence: the inputs of MoonViT's encoder."""

    patches: NDArray[Any]
    """``(L, C·P²)``: every image's patch vectors (1), image after image."""
    positions: NDArray[np.int64]
    """``(L, 2)``: each token's ``(row, col)`` in its own image's grid."""
    grid_hws: NDArray[np.int64]
    """``(N, 2)``: each image's grid ``(h, w)``."""
    cu_seqlens: NDArray[np.int32]
    """``(N + 1,)``: the boundaries (2)."""


def _kernel(merge_kernel: Any) -> tuple[int, int]:
    pair = (merge_kernel, merge_kernel) if isinstance(merge_kernel, (int, np.integer)) else tuple(merge_kernel)
    if len(pair) != 2:
        raise ValueError(f"merge_kernel: expected an integer or a pair (kh, kw); got {merge_kernel!r}")
    return as_count(pair[0], "merge_kernel[0]"), as_count(pair[1], "merge_kernel[1]")


def _grid(shape: tuple[int, ...], patch_size: int, merge_kernel: Any, name: str) -> tuple[int, int]:
    if len(shape) != 3:
        raise ValueError(f"{name}: expected an image of shape (H, W, C); got shape {shape}")
    kh, kw = _kernel(merge_kernel)
    for size, k, what in ((shape[0], kh, "height"), (shape[1], kw, "width")):
        if size == 0 or size % (patch_size * k):
            raise ValueError(f"{name}: expected a {what} divisible by patch_size × merge_kernel = "
                             f"{patch_size} × {k} = {patch_size * k}; got {size}")
    return shape[0] // patch_size, shape[1] // patch_size


def _boundaries(cu: Any) -> NDArray[np.int64]:
    s = np.asarray(cu)
    if s.ndim != 1 or s.size < 2 or s.dtype.kind not in "iu" or s[0] != 0 or np.any(np.diff(s) < 1):
        raise ValueError(f"cu_seqlens: expected a 1-D integer array starting at 0 and strictly increasing; got {s.tolist()!r}"[:200])
    return s.astype(np.int64)


def _qkv(q: Any, k: Any, v: Any, mask: Any, exact: bool) -> tuple[Any, Any, Any, Any]:
    if exact:
        qa, ka, va = (exact_array(a, n, ndim=2) for a, n in ((q, "q"), (k, "k"), (v, "v")))
    else:
        dtype = np.float32 if all(getattr(a, "dtype", None) == np.float32 for a in (q, k, v)) else np.float64
        qa, ka, va = (as_array(a, n, ndim=2, dtype=dtype) for a, n in ((q, "q"), (k, "k"), (v, "v")))
    if ka.shape != qa.shape or va.shape[0] != qa.shape[0]:
        raise ValueError(f"k, v: expected k of shape {qa.shape} like q and v with {qa.shape[0]} rows; "
                         f"got k {ka.shape}, v {va.shape}")
    m = None
    if mask is not None:
        m = np.array(mask.tolist() if isinstance(mask, sp.MatrixBase) else mask)
        if m.dtype == object and all(t in (0, 1) for t in m.flat):  # exact 0/1 entries
            m = m.astype(np.int64)
        if m.shape != (qa.shape[0], qa.shape[0]) or m.dtype.kind not in "biu":
            raise ValueError(f"mask: expected a boolean ({qa.shape[0]}, {qa.shape[0]}) array; got shape {m.shape}, dtype {m.dtype}")
        m = m.astype(bool)
        if not m.any(axis=1).all():
            raise ValueError(f"mask: expected every row to allow at least one key; row {int(np.argmin(m.any(axis=1)))} allows none")
    return qa, ka, va, m


def _pos_inputs(weight: Any, grid_hws: Any, exact: bool) -> tuple[Any, NDArray[np.int64]]:
    e = exact_array(weight, "weight", ndim=3, symbolic=True) if exact else as_array(
        weight, "weight", ndim=3, dtype=np.float32 if getattr(weight, "dtype", None) == np.float32 else np.float64)
    cu_seqlens(grid_hws)  # validates grid_hws
    return e, np.asarray(grid_hws, dtype=np.int64)


def patchify_symbolic(image: Any, *, patch_size: int = PATCH_SIZE, merge_kernel: Any = MERGE_KERNEL) -> tuple[NDArray[Any], NDArray[np.int64]]:
    r"""(1) entry by entry: the patch vectors of one image (an object array) and their grid positions.

    Same parameters, returns and errors as :func:`patchify`, on exact numbers or SymPy symbols.

    Examples
    --------
    >>> p, pos = patchify_symbolic([[[1], [2]], [[3], [4]]], patch_size=1, merge_kernel=1)
    >>> p.tolist(), pos.tolist()
    ([[1], [2], [3], [4]], [[0, 0], [0, 1], [1, 0], [1, 1]])
    """
    x = exact_array(image, "image", symbolic=True)
    p = as_count(patch_size, "patch_size")
    h, w = _grid(x.shape, p, merge_kernel, "image")
    channels = x.shape[2]
    out = np.empty((h * w, channels * p * p), dtype=object)
    for r, c, kappa, dy, dx in np.ndindex(h, w, channels, p, p):
        out[r * w + c, kappa * p * p + dy * p + dx] = x[r * p + dy, c * p + dx, kappa]  # (1)
    positions = np.array([(t // w, t % w) for t in range(h * w)], dtype=np.int64)
    return out, positions


def block_diagonal_mask_symbolic(cu_seqlens: Any) -> sp.Matrix:
    r"""(3) as a SymPy 0/1 matrix: the direct sum of all-ones blocks of sizes :math:`s_{n+1} - s_n`.

    Examples
    --------
    >>> block_diagonal_mask_symbolic([0, 2, 3])
    Matrix([
    [1, 1, 0],
    [1, 1, 0],
    [0, 0, 1]])
    """
    s = _boundaries(cu_seqlens)
    return sp.diag(*[sp.ones(int(b - a), int(b - a)) for a, b in zip(s[:-1], s[1:])])


def attention_symbolic(q: Any, k: Any, v: Any, *, mask: Any = None) -> sp.Matrix:
    r"""(4) exactly: each output row a sum of ``exp`` terms over the allowed keys only.

    Same parameters as :func:`attention`, exact numbers; masked pairs are left out of both
    sums rather than given weight :math:`e^{-\infty}`.

    Examples
    --------
    >>> attention_symbolic([[0], [1]], [[0], [1]], [[1], [2]], mask=block_diagonal_mask_symbolic([0, 1, 2]))
    Matrix([
    [1],
    [2]])
    """
    qa, ka, va, m = _qkv(q, k, v, mask, exact=True)
    L, d = qa.shape
    rows = []
    for i in range(L):
        keep = [j for j in range(L) if m is None or m[i, j]]
        e = {j: sp.exp(sum(qa[i, a] * ka[j, a] for a in range(d)) / sp.sqrt(d)) for j in keep}
        total = sp.Add(*e.values())
        rows.append([sp.Add(*(e[j] * va[j, c] for j in keep)) / total for c in range(va.shape[1])])  # (4)
    return sp.Matrix(rows)


def position_embedding_symbolic(weight: Any, grid_hws: Any) -> NDArray[Any]:
    r"""(5) exactly, with the upsampling chapter's exact bicubic resize: ``(L, D)`` object array.

    Same parameters as :func:`position_embedding`.

    Examples
    --------
    >>> position_embedding_symbolic([[[0], [1]], [[2], [3]]], [[1, 1]]).tolist()
    [[3/2]]
    """
    e, grid = _pos_inputs(weight, grid_hws, exact=True)
    chw = e.transpose(2, 0, 1)[None]
    parts = [interpolate_symbolic(chw, size=(int(h), int(w)), mode="bicubic", align_corners=False)[0]
             .transpose(1, 2, 0).reshape(h * w, -1) for h, w in grid]  # (5)
    return np.concatenate(parts)


def patchify(image: Any, *, patch_size: int = PATCH_SIZE, merge_kernel: Any = MERGE_KERNEL) -> tuple[NDArray[Any], NDArray[np.int64]]:
    r"""Cut an ``(H, W, C)`` image into :math:`(H/P)(W/P)` patch vectors (1), row-major, with their positions.

    :math:`P` is ``patch_size``; the patch grid is :math:`h \times w = (H/P) \times (W/P)`.

    Parameters
    ----------
    image
        A finite ``(H, W, C)`` array; float32 stays float32, anything else becomes float64.
    patch_size
        :math:`P \ge 1` (MoonViT: 14).
    merge_kernel
        The projector's merge kernel ``(kh, kw)`` or one integer: ``H`` must be a multiple of
        :math:`P k_h` and ``W`` of :math:`P k_w` (MoonViT: ``(2, 2)``, multiples of 28).

    Returns
    -------
    patches : numpy.ndarray
        ``(h·w, C·P²)``; row :math:`r w + c` is the patch at grid ``(r, c)``, flattened
        (channel, row, column).
    positions : numpy.ndarray
        ``(h·w, 2)`` int64: ``(r, c)`` of each row.

    Raises
    ------
    TypeError, ValueError
        Not a finite 3-D array, or a side not divisible by :math:`P k`.

    Examples
    --------
    >>> patches, positions = patchify(np.zeros((28, 56, 3)))
    >>> patches.shape, positions[-1].tolist()
    ((8, 588), [1, 3])
    """
    x = as_array(image, "image", dtype=np.float32 if getattr(image, "dtype", None) == np.float32 else np.float64)
    p = as_count(patch_size, "patch_size")
    h, w = _grid(x.shape, p, merge_kernel, "image")
    blocks = pixel_unshuffle(x.transpose(2, 0, 1), p)  # (C·P², h, w), channel κP² + δy·P + δx   (1)
    patches = blocks.reshape(blocks.shape[0], h * w).T  # token r·w + c, row-major              (1)
    rows, cols = np.divmod(np.arange(h * w), w)
    return np.ascontiguousarray(patches), np.stack([rows, cols], axis=1)


def cu_seqlens(grid_hws: Any) -> NDArray[np.int32]:
    r"""The boundaries (2) of the packed images: ``[0, h_0 w_0, h_0 w_0 + h_1 w_1, …]``, int32.

    Raises ValueError unless ``grid_hws`` is a non-empty ``(N, 2)`` array of positive integers.

    Examples
    --------
    >>> cu_seqlens([[2, 3], [1, 1]]).tolist()
    [0, 6, 7]
    """
    g = np.asarray(grid_hws)
    if g.ndim != 2 or g.shape[1] != 2 or g.shape[0] == 0 or g.dtype.kind not in "iu" or np.any(g < 1):
        raise ValueError(f"grid_hws: expected a non-empty (N, 2) array of positive integers; got {g.tolist()!r}"[:200])
    return np.concatenate([[0], np.cumsum(g[:, 0] * g[:, 1])]).astype(np.int32)  # (2)


def pack_images(images: Sequence[Any], *, patch_size: int = PATCH_SIZE, merge_kernel: Any = MERGE_KERNEL) -> PackedImages:
    r"""Patchify every image (1) and concatenate them into one sequence with its boundaries (2).

    Parameters
    ----------
    images
        A non-empty list of ``(H_n, W_n, C)`` arrays of any sizes (the same ``C``).
    patch_size, merge_kernel
        As in :func:`patchify`.

    Returns
    -------
    PackedImages
        ``patches (L, C·P²)``, ``positions (L, 2)``, ``grid_hws (N, 2)``, ``cu_seqlens (N + 1,)``
        with :math:`L = \sum_n h_n w_n`.

    Raises
    ------
    TypeError, ValueError
        An empty list, an image that :func:`patchify` refuses, or images with different ``C``.

    Examples
    --------
    >>> packed = pack_images([np.zeros((28, 28, 3)), np.zeros((56, 28, 3))])
    >>> packed.cu_seqlens.tolist(), packed.grid_hws.tolist()
    ([0, 4, 12], [[2, 2], [4, 2]])
    """
    if isinstance(images, np.ndarray) or not isinstance(images, Sequence) or len(images) == 0:
        raise ValueError(f"images: expected a non-empty list of (H, W, C) arrays; got {type(images).__name__}"
                         f"{' of length 0' if isinstance(images, Sequence) and not len(images) else ''}")
    cut = [patchify(img, patch_size=patch_size, merge_kernel=merge_kernel) for img in images]
    dims = {p.shape[1] for p, _ in cut}
    if len(dims) > 1:
        raise ValueError(f"images: expected the same channel count C in every image; got patch lengths C·P² = {sorted(dims)}")
    grid = np.array([[pos[-1, 0] + 1, pos[-1, 1] + 1] for _, pos in cut], dtype=np.int64)
    return PackedImages(np.concatenate([p for p, _ in cut]), np.concatenate([pos for _, pos in cut]), grid, cu_seqlens(grid))


def block_diagonal_mask(cu_seqlens: Any) -> NDArray[np.bool_]:
    r"""(3) as a boolean ``(L, L)`` array, ``True`` where token ``i`` may attend to token ``j``.

    Raises ValueError unless ``cu_seqlens`` is a 1-D integer array starting at 0, strictly increasing.

    Examples
    --------
    >>> block_diagonal_mask([0, 1, 3]).astype(int).tolist()
    [[1, 0, 0], [0, 1, 1], [0, 1, 1]]
    """
    s = _boundaries(cu_seqlens)
    image = np.searchsorted(s, np.arange(s[-1]), side="right") - 1  # token t belongs to image n: s_n <= t < s_{n+1}
    return image[:, None] == image[None, :]  # (3)


def attention(q: Any, k: Any, v: Any, *, mask: Any = None) -> NDArray[Any]:
    r"""Scaled dot-product attention (4), one head, with an optional boolean mask (3).

    :math:`Q, K, V` are ``q``, ``k``, ``v``; :math:`M` is ``mask``; :math:`d` is ``q.shape[1]``.

    Parameters
    ----------
    q, k
        ``(L, d)`` queries and keys.
    v
        ``(L, d_v)`` values. float32 when all three are float32, else float64.
    mask
        Optional boolean ``(L, L)``; ``True`` where query ``i`` may attend to key ``j``. Every
        row must allow at least one key.

    Returns
    -------
    numpy.ndarray
        ``(L, d_v)``.

    Raises
    ------
    TypeError, ValueError
        Non-finite or non-2-D inputs, mismatched shapes, a mask of the wrong shape or with
        an empty row.

    Examples
    --------
    >>> attention(np.zeros((2, 1)), np.zeros((2, 1)), np.array([[1.0], [3.0]]))
    array([[2.],
           [2.]])
    """
    qa, ka, va, m = _qkv(q, k, v, mask, exact=False)
    scores = qa @ ka.T / np.sqrt(qa.dtype.type(qa.shape[1]))  # q_i · k_j / √d          (4)
    if m is not None:
        scores = np.where(m, scores, -np.inf)  # M_ij = 0 → weight exp(−∞) = 0             (3)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))  # shift by the row max: same softmax
    return (weights / weights.sum(axis=1, keepdims=True)) @ va  # Σ_j softmax_ij v_j   (4)


def packed_attention(q: Any, k: Any, v: Any, cu_seqlens: Any) -> NDArray[Any]:
    r"""Attention (4) on a packed sequence under its block-diagonal mask (3).

    Equals :func:`attention` on each image's rows ``s_n:s_{n+1}`` separately, concatenated
    (a property the tests check); ``cu_seqlens[-1]`` must be the sequence length ``L``.

    Examples
    --------
    >>> packed_attention(np.zeros((3, 1)), np.zeros((3, 1)), np.array([[1.0], [3.0], [7.0]]), [0, 2, 3]).ravel()
    array([2., 2., 7.])
    """
    mask = block_diagonal_mask(cu_seqlens)
    if mask.shape[0] != np.shape(q)[0]:
        raise ValueError(f"cu_seqlens: expected its last entry to be the sequence length {np.shape(q)[0]}; got {mask.shape[0]}")
    return attention(q, k, v, mask=mask)


def position_embedding(weight: Any, grid_hws: Any) -> NDArray[Any]:
    r"""The absolute position embedding (5) of every packed token: ``E`` resized to each grid, row-major.

    :math:`E` is ``weight``; image :math:`n`'s grid :math:`h_n \times w_n` is ``grid_hws[n]``.

    Parameters
    ----------
    weight
        The learnable grid, ``(H_0, W_0, D)`` (MoonViT: ``(64, 64, 1152)``).
    grid_hws
        ``(N, 2)`` positive integers, each image's patch grid.

    Returns
    -------
    numpy.ndarray
        ``(Σ h_n w_n, D)``: row :math:`s_n + r w_n + c` is :math:`E^{(n)}[r, c]`, to be added to
        the patch embeddings of :func:`pack_images`' order.

    Raises
    ------
    TypeError, ValueError
        ``weight`` not a finite 3-D array; ``grid_hws`` not an ``(N, 2)`` array of positive integers.

    Examples
    --------
    >>> e = np.arange(8.0).reshape(2, 2, 2)
    >>> position_embedding(e, [[2, 2]]).shape
    (4, 2)
    """
    e, grid = _pos_inputs(weight, grid_hws, exact=False)
    chw = e.transpose(2, 0, 1)[None]  # Kimi-VL: weight.permute(2, 0, 1).unsqueeze(0)
    parts = [interpolate(chw, size=(int(h), int(w)), mode="bicubic", align_corners=False, backend="numpy")[0]
             .transpose(1, 2, 0).reshape(h * w, -1) for h, w in grid]  # (5), then flatten(end_dim=1)
    return np.concatenate(parts)


def derivations() -> tuple[Derivation, ...]:
    r"""The packed softmax row equals the image's own softmax: three tokens, images of 2 and 1 tokens.

    Row 0 of (4) under the mask (3) with ``cu_seqlens = [0, 2, 3]``: the term of token 2
    carries :math:`M_{02} = 0`, so it leaves both sums.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven']
    """
    a0, a1, a2 = sp.symbols("a_0 a_1 a_2", real=True)
    v0, v1, v2 = sp.symbols("v_0 v_1 v_2", real=True)
    m = block_diagonal_mask_symbolic([0, 2, 3])  # row 0 is (1, 1, 0)
    e, v = (sp.exp(a0), sp.exp(a1), sp.exp(a2)), (v0, v1, v2)
    packed = sp.Add(*(m[0, j] * e[j] * v[j] for j in range(3))) / sp.Add(*(m[0, j] * e[j] for j in range(3)))
    own = (sp.exp(a0) * v0 + sp.exp(a1) * v1) / (sp.exp(a0) + sp.exp(a1))
    return (
        Derivation(
            "Attention on a packed sequence: token 0 of a two-token image ignores the next image",
            [
                Step(packed, "(4), mask row $(1, 1, 0)$ of (3)",
                     display=r"\frac{1 \cdot e^{a_0} v_0 + 1 \cdot e^{a_1} v_1 + 0 \cdot e^{a_2} v_2}"
                             r"{1 \cdot e^{a_0} + 1 \cdot e^{a_1} + 0 \cdot e^{a_2}}"),
                Step(own, "image 0's own softmax",
                     display=r"\frac{e^{a_0} v_0 + e^{a_1} v_1}{e^{a_0} + e^{a_1}}"),
            ],
            lhs_latex=r"\operatorname{Attn}_0",
            symbols={"a_j": "the score $q_0 \\cdot k_j / \\sqrt{d}$", "v_j": "the value of token $j$ (one channel)"},
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def example(sizes: list[int]) -> SearchStrategy[dict[str, Any]]:
        n = sum(sizes)
        ints = st.lists(st.integers(-2, 2), min_size=n * 2, max_size=n * 2)
        return st.tuples(ints, ints, ints).map(lambda t: {
            "q": np.array(t[0]).reshape(n, 2), "k": np.array(t[1]).reshape(n, 2), "v": np.array(t[2]).reshape(n, 2),
            "cu_seqlens": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32)})

    return st.lists(st.integers(1, 3), min_size=1, max_size=3).flatmap(example)


def _patch_inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def example(dims: tuple[int, int, int, int]) -> SearchStrategy[dict[str, Any]]:
        h, w, c, p = dims
        n = h * p * w * p * c
        return st.lists(st.integers(-99, 99), min_size=n, max_size=n).map(
            lambda v: {"image": np.array(v).reshape(h * p, w * p, c), "p": p})

    return st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)).flatmap(example)


CONCEPTS = (
    Concept(
        name="packed-attention", area="models",
        symbolic=lambda ex: np.array(attention_symbolic(ex["q"], ex["k"], ex["v"], mask=block_diagonal_mask_symbolic(
            ex["cu_seqlens"])).evalf(30).tolist(), dtype=float),
        numeric=lambda ex: packed_attention(ex["q"], ex["k"], ex["v"], ex["cu_seqlens"]),
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-12, atol=1e-12, why="a softmax over at most three scores below 6 in size: a few roundings"),
        references=REFERENCES, page="models/moonvit.md",
    ),
    Concept(
        name="patchify", area="models",
        symbolic=lambda ex: patchify_symbolic(ex["image"], patch_size=ex["p"], merge_kernel=1)[0].astype(float),
        numeric=lambda ex: patchify(ex["image"], patch_size=ex["p"], merge_kernel=1)[0],
        inputs=_patch_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="entries are moved, never computed"),
        references=REFERENCES, page="models/moonvit.md",
    ),
)

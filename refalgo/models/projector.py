r"""Kimi-VL's MLP projector: LayerNorm, a 2 × 2 token merge (pixel unshuffle), Linear-GELU-Linear.

MoonViT's output is one :math:`C`-vector per patch (:math:`C = 1152`) on each image's
:math:`h \times w` grid, row-major (:mod:`refalgo.models.moonvit`). The projector first
normalizes every patch vector over its :math:`C` channels (LayerNorm, :math:`\varepsilon = 10^{-5}`):

.. math::

    y = \frac{x - \mu}{\sqrt{\sigma^2 + \varepsilon}} \odot \gamma + \beta \qquad (6)

then merges each :math:`k \times k` block of patches (:math:`k = 2`) into one token of
:math:`k^2 C = 4608` channels — a pixel *unshuffle* (space-to-depth) on the patch grid,
:math:`w' = w / k`:

.. math::

    z_{I w' + J}\big[(i k + j) C + c\big] = y_{(I k + i) w + J k + j}[c],
    \qquad 0 \le i, j < k \qquad (7)

and finally maps it into the language model's width :math:`D = 2048` with a two-layer MLP and
the exact (erf) GELU:

.. math::

    o = W_2 \operatorname{GELU}(W_1 z + b_1) + b_2, \qquad
    \operatorname{GELU}(u) = \tfrac{u}{2}\big(1 + \operatorname{erf}(u / \sqrt 2)\big) \qquad (8)

An :math:`H \times W` image therefore becomes

.. math::

    T = \frac{H}{P k} \cdot \frac{W}{P k} \qquad (9)

tokens (:math:`P k = 28`), and the projector holds

.. math::

    N = \underbrace{2C}_{\gamma,\, \beta} + \underbrace{(k^2 C)^2 + k^2 C}_{W_1,\, b_1}
        + \underbrace{k^2 C D + D}_{W_2,\, b_2} \qquad (10)

parameters.

**Conventions** — Kimi-VL's released code (``patch_merger`` and
``KimiVLMultiModalProjector`` in ``modeling_kimi_vl.py`` of moonshotai/Kimi-VL-A3B-Instruct):

* the LayerNorm acts on the :math:`C` channels of each patch *before* the merge (so it has
  :math:`2C`, not :math:`2k^2C`, parameters);
* the merged channel order is **patch-major**, :math:`(i k + j) C + c`: Kimi-VL's
  ``view(h/k, k, w/k, k, C).permute(0, 2, 1, 3, 4)`` followed by ``view(-1, k²C)``.
  PyTorch's ``pixel_unshuffle`` (and :func:`refalgo.vision.pixel_unshuffle`, which this
  module calls) orders them **channel-major**, :math:`c k^2 + i k + j`; the two differ by a
  fixed permutation of :math:`W_1`'s columns. ``channel_order="pixel-unshuffle"`` gives the
  PyTorch order;
* weights in ``torch.nn.Linear``'s layout: :math:`W_1` is ``(k²C, k²C)``, :math:`W_2` is
  ``(D, k²C)``, both ``(out, in)``; GELU is ``GELUActivation`` (erf), not the tanh
  approximation MoonViT uses inside its encoder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import NDArray
from scipy.special import erf

from .._exact import exact, exact_array
from .._validate import as_array, as_count, as_positive
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ..vision import pixel_unshuffle

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "CHANNEL_ORDERS", "ProjectorWeights", "derivations", "init_projector", "merge_tokens", "merge_tokens_symbolic",
    "project", "project_symbolic", "projector_parameter_count", "projector_parameter_count_symbolic", "token_count",
]

REFERENCES = (
    "Kimi Team, Kimi-VL Technical Report, arXiv:2504.07491 (2025), §2.1 (MLP projector: pixel shuffle "
    "compressing 2 × 2 patches, then a two-layer MLP into the language model's embedding width).",
    "moonshotai/Kimi-VL-A3B-Instruct, modeling_kimi_vl.py (patch_merger, KimiVLMultiModalProjector) and "
    "config.json (vision hidden_size 1152, merge_kernel_size [2, 2], text hidden_size 2048).",
    "J. L. Ba, J. R. Kiros and G. E. Hinton, Layer Normalization, arXiv:1607.06450 (2016), eq. (4).",
    "D. Hendrycks and K. Gimpel, Gaussian Error Linear Units (GELUs), arXiv:1606.08415 (2016).",
)

CHANNEL_ORDERS = ("kimi-vl", "pixel-unshuffle")
"""``"kimi-vl"``: channel :math:`(i k + j) C + c` (7); ``"pixel-unshuffle"``: PyTorch's :math:`c k^2 + i k + j`."""


class ProjectorWeights(NamedTuple):
    """The projector's parameters, in ``torch.nn`` layouts (``Linear`` weights are ``(out, in)``)."""

    norm_weight: NDArray[Any]
    """γ, ``(C,)``."""
    norm_bias: NDArray[Any]
    """β, ``(C,)``."""
    w1: NDArray[Any]
    """``(k²C, k²C)``."""
    b1: NDArray[Any]
    """``(k²C,)``."""
    w2: NDArray[Any]
    """``(D, k²C)``."""
    b2: NDArray[Any]
    """``(D,)``."""


def _order(channel_order: str) -> str:
    if channel_order not in CHANNEL_ORDERS:
        raise ValueError(f"channel_order: expected one of {CHANNEL_ORDERS}; got {channel_order!r}")
    return channel_order


def _grids(features_rows: int, grid_hws: Any, k: int) -> NDArray[np.int64]:
    g = np.asarray(grid_hws)
    if g.ndim != 2 or g.shape[1] != 2 or g.shape[0] == 0 or g.dtype.kind not in "iu" or np.any(g < 1):
        raise ValueError(f"grid_hws: expected a non-empty (N, 2) array of positive integers; got {g.tolist()!r}"[:200])
    if np.any(g % k):
        raise ValueError(f"grid_hws: expected every grid side divisible by merge_kernel = {k}; got {g.tolist()!r}"[:200])
    if int((g[:, 0] * g[:, 1]).sum()) != features_rows:
        raise ValueError(f"features: expected Σ h·w = {int((g[:, 0] * g[:, 1]).sum())} rows for grid_hws; got {features_rows}")
    return g.astype(np.int64)


def _weights(weights: Any, c_dim: int, k: int, exact_entries: bool) -> ProjectorWeights:
    if not isinstance(weights, ProjectorWeights):
        raise TypeError(f"weights: expected a ProjectorWeights; got {type(weights).__name__}")
    wide = k * k * c_dim
    d = np.shape(weights.w2)[0] if np.ndim(weights.w2) == 2 else -1
    shapes = {"norm_weight": (c_dim,), "norm_bias": (c_dim,), "w1": (wide, wide), "b1": (wide,), "w2": (d, wide), "b2": (d,)}
    conv = (lambda a, n, s: exact_array(a, f"weights.{n}", shape=s)) if exact_entries else (
        lambda a, n, s: as_array(a, f"weights.{n}", shape=s, dtype=np.float32 if getattr(a, "dtype", None) == np.float32 else np.float64))
    if d < 1:
        raise ValueError(f"weights.w2: expected a 2-D (D, {wide}) array; got shape {np.shape(weights.w2)}")
    return ProjectorWeights(*(conv(getattr(weights, n), n, s) for n, s in shapes.items()))


def merge_tokens_symbolic(features: Any, grid_hws: Any, *, merge_kernel: int = 2, channel_order: str = "kimi-vl") -> NDArray[Any]:
    r"""(7) entry by entry, as an index permutation: an object array ``(Σ h w / k², k² C)``.

    Same parameters as :func:`merge_tokens`, exact numbers or SymPy symbols.

    Examples
    --------
    >>> merge_tokens_symbolic([[1], [2], [3], [4]], [[2, 2]]).tolist()
    [[1, 2, 3, 4]]
    """
    x = exact_array(features, "features", ndim=2, symbolic=True)
    k = as_count(merge_kernel, "merge_kernel")
    order = _order(channel_order)
    c_dim = x.shape[1]
    rows, start = [], 0
    for h, w in _grids(x.shape[0], grid_hws, k):
        for big_i, big_j in np.ndindex(h // k, w // k):
            token = np.empty(k * k * c_dim, dtype=object)
            for i, j, c in np.ndindex(k, k, c_dim):
                slot = (i * k + j) * c_dim + c if order == "kimi-vl" else c * k * k + i * k + j
                token[slot] = x[start + (big_i * k + i) * w + big_j * k + j, c]  # (7)
            rows.append(token)
        start += h * w
    return np.array(rows, dtype=object)


def project_symbolic(features: Any, grid_hws: Any, weights: ProjectorWeights, *, merge_kernel: int = 2, eps: Any = "1e-5") -> NDArray[Any]:
    r"""(6)–(8) exactly: square roots and erf kept symbolic, for tiny sizes (an object array ``(T, D)``).

    Same parameters as :func:`project`; every number enters exactly (``eps`` as a decimal string).

    Examples
    --------
    >>> w = ProjectorWeights([1, 1], [0, 0], np.eye(8), np.zeros(8), [[1] + [0] * 7], [0])
    >>> project_symbolic([[0, 2]] * 4, [[2, 2]], w, eps=0)[0, 0]  # GELU(-1): LayerNorm sends (0, 2) to (-1, 1)
    -1/2 + erf(sqrt(2)/2)/2
    """
    x = exact_array(features, "features", ndim=2)
    k = as_count(merge_kernel, "merge_kernel")
    p = _weights(weights, x.shape[1], k, exact_entries=True)
    e = exact(eps, "eps")
    c_dim = x.shape[1]
    mu = x.sum(axis=1, keepdims=True) / c_dim
    var = ((x - mu) ** 2).sum(axis=1, keepdims=True) / c_dim
    y = (x - mu) / np.vectorize(lambda s: sp.sqrt(s + e), otypes=[object])(var) * p.norm_weight + p.norm_bias  # (6)
    z = merge_tokens_symbolic(y, grid_hws, merge_kernel=k)  # (7)
    u = z.dot(p.w1.T) + p.b1
    g = np.vectorize(lambda t: t / 2 * (1 + sp.erf(t / sp.sqrt(2))), otypes=[object])(u)  # GELU   (8)
    return g.dot(p.w2.T) + p.b2  # (8)


def projector_parameter_count_symbolic() -> sp.Expr:
    r"""(10) as a SymPy expression in the symbols ``C`` (vision width), ``D`` (text width), ``k`` (merge kernel).

    Examples
    --------
    >>> projector_parameter_count_symbolic()
    C**2*k**4 + C*D*k**2 + C*k**2 + 2*C + D
    """
    c_dim, d, k = sp.symbols("C D k", positive=True, integer=True)
    return sp.expand(2 * c_dim + (k**2 * c_dim) ** 2 + k**2 * c_dim + k**2 * c_dim * d + d)  # (10)


def merge_tokens(features: Any, grid_hws: Any, *, merge_kernel: int = 2, channel_order: str = "kimi-vl") -> NDArray[Any]:
    r"""The token merge (7): every :math:`k \times k` block of patches of every image becomes one token.

    Parameters
    ----------
    features
        ``(L, C)`` patch vectors of packed images, each image row-major
        (:func:`refalgo.models.moonvit.pack_images` order); float32 stays float32.
    grid_hws
        ``(N, 2)`` each image's grid ``(h, w)``, both divisible by :math:`k`, :math:`\sum h w = L`.
    merge_kernel
        :math:`k` (Kimi-VL: 2).
    channel_order
        ``"kimi-vl"`` (default, (7)) or ``"pixel-unshuffle"`` (PyTorch's :math:`c k^2 + i k + j`).

    Returns
    -------
    numpy.ndarray
        ``(L / k², k² C)``: image after image, merged tokens row-major on the
        :math:`(h/k) \times (w/k)` grid. Entries are only moved (bit for bit).

    Raises
    ------
    TypeError, ValueError
        Non-finite or non-2-D ``features``, a grid side not divisible by :math:`k`, row count
        not :math:`\sum h w`, or an unknown ``channel_order``.

    Examples
    --------
    >>> merge_tokens(np.arange(8.0).reshape(4, 2), [[2, 2]])
    array([[0., 1., 2., 3., 4., 5., 6., 7.]])
    """
    x = as_array(features, "features", ndim=2, dtype=np.float32 if getattr(features, "dtype", None) == np.float32 else np.float64)
    k = as_count(merge_kernel, "merge_kernel")
    order = _order(channel_order)
    c_dim, out, start = x.shape[1], [], 0
    for h, w in _grids(x.shape[0], grid_hws, k):
        image = x[start:start + h * w].reshape(h, w, c_dim).transpose(2, 0, 1)  # (C, h, w)
        blocks = pixel_unshuffle(image, k)  # (C·k², h/k, w/k), channel c k² + i k + j
        if order == "kimi-vl":
            blocks = blocks.reshape(c_dim, k * k, h // k, w // k).transpose(1, 0, 2, 3)  # → (i k + j) C + c   (7)
        out.append(blocks.reshape(k * k * c_dim, -1).T)  # merged token I w' + J, row-major
        start += h * w
    return np.ascontiguousarray(np.concatenate(out))


def project(features: Any, grid_hws: Any, weights: ProjectorWeights, *, merge_kernel: int = 2, eps: float = 1e-5) -> NDArray[Any]:
    r"""The projector's forward pass (6)–(8): packed MoonViT features to language-model tokens.

    :math:`\gamma, \beta, W_1, b_1, W_2, b_2` are the fields of ``weights``; :math:`k` is
    ``merge_kernel``; :math:`\varepsilon` is ``eps``.

    Parameters
    ----------
    features
        ``(L, C)`` patch vectors of packed images (row-major per image).
    grid_hws
        ``(N, 2)`` each image's grid, sides divisible by :math:`k`.
    weights
        A :class:`ProjectorWeights` with shapes ``(C,), (C,), (k²C, k²C), (k²C,), (D, k²C), (D,)``;
        all float32 (with float32 features) computes in float32, otherwise float64.
    merge_kernel
        :math:`k` (Kimi-VL: 2).
    eps
        :math:`\varepsilon > 0` of the LayerNorm (Kimi-VL: ``1e-5``).

    Returns
    -------
    numpy.ndarray
        ``(L / k², D)``: the image tokens handed to the language model.

    Raises
    ------
    TypeError, ValueError
        As :func:`merge_tokens`, or a weight of the wrong shape, or ``eps`` not positive.

    Examples
    --------
    >>> w = init_projector(hidden_size=4, out_size=3, seed=0)
    >>> project(np.ones((8, 4)), [[2, 4]], w).shape
    (2, 3)
    """
    x = as_array(features, "features", ndim=2, dtype=np.float32 if getattr(features, "dtype", None) == np.float32 else np.float64)
    k = as_count(merge_kernel, "merge_kernel")
    p = _weights(weights, x.shape[1], k, exact_entries=False)
    e = x.dtype.type(as_positive(eps, "eps"))
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    y = (x - mu) / np.sqrt(var + e) * p.norm_weight + p.norm_bias  # LayerNorm over C      (6)
    z = merge_tokens(y.astype(x.dtype), grid_hws, merge_kernel=k)  # k × k patches → one token   (7)
    u = z @ p.w1.T + p.b1  # W₁ z + b₁                                                       (8)
    g = u / 2 * (1 + erf(u / np.sqrt(x.dtype.type(2))))  # GELU(u) = u/2 (1 + erf(u/√2))     (8)
    return (g.astype(x.dtype) @ p.w2.T + p.b2).astype(x.dtype)  # W₂ GELU(…) + b₂            (8)


def init_projector(*, hidden_size: int = 1152, out_size: int = 2048, merge_kernel: int = 2, seed: int = 0,
                   dtype: Any = np.float64) -> ProjectorWeights:
    r"""Random projector weights for examples and tests (no trained weights are loaded).

    γ ≈ 1 and β ≈ 0 perturbed by 0.1·N(0, 1); each ``Linear`` weight is N(0, 1/fan_in), biases
    0.1·N(0, 1), from ``numpy.random.default_rng(seed)``.

    Examples
    --------
    >>> [a.shape for a in init_projector(hidden_size=2, out_size=3)]
    [(2,), (2,), (8, 8), (8,), (3, 8), (3,)]
    """
    c_dim, d, k = as_count(hidden_size, "hidden_size"), as_count(out_size, "out_size"), as_count(merge_kernel, "merge_kernel")
    rng, wide = np.random.default_rng(as_count(seed, "seed", minimum=0)), k * k * c_dim
    parts = (1 + 0.1 * rng.standard_normal(c_dim), 0.1 * rng.standard_normal(c_dim),
             rng.standard_normal((wide, wide)) / np.sqrt(wide), 0.1 * rng.standard_normal(wide),
             rng.standard_normal((d, wide)) / np.sqrt(wide), 0.1 * rng.standard_normal(d))
    return ProjectorWeights(*(a.astype(dtype) for a in parts))


def token_count(height: int, width: int, *, patch_size: int = 14, merge_kernel: int = 2) -> int:
    r"""(9): the number of language-model tokens of an ``height`` × ``width`` image, :math:`\frac{H}{Pk}\frac{W}{Pk}`.

    Raises ValueError when a side is not a positive multiple of :math:`P k`.

    Examples
    --------
    >>> token_count(448, 448), token_count(896, 1344)
    (256, 1536)
    """
    side = as_count(patch_size, "patch_size") * as_count(merge_kernel, "merge_kernel")
    for v, name in ((height, "height"), (width, "width")):
        if as_count(v, name) % side:
            raise ValueError(f"{name}: expected a multiple of patch_size × merge_kernel = {side}; got {v}")
    return (height // side) * (width // side)  # (9)


def projector_parameter_count(*, hidden_size: int = 1152, out_size: int = 2048, merge_kernel: int = 2) -> int:
    r"""(10) as an integer: the projector's own parameters (LayerNorm, two Linear layers with biases).

    ``hidden_size`` is :math:`C`, ``out_size`` is :math:`D`, ``merge_kernel`` is :math:`k`;
    the defaults are Kimi-VL-A3B's. Raises ValueError unless all three are positive integers.

    Examples
    --------
    >>> projector_parameter_count()
    30679808
    """
    c_dim, d, k = as_count(hidden_size, "hidden_size"), as_count(out_size, "out_size"), as_count(merge_kernel, "merge_kernel")
    wide = k * k * c_dim
    return 2 * c_dim + (wide * wide + wide) + (wide * d + d)  # γ, β; W₁, b₁; W₂, b₂   (10)


def derivations() -> tuple[Derivation, ...]:
    r"""The token count (9) from the patch grid, and the parameter count (10) factored.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven']
    """
    H, W, P, k, C, D = sp.symbols("H W P k C D", positive=True)
    return (
        Derivation(
            "Image tokens after the merge: an H × W image gives HW/(Pk)² tokens",
            [
                Step((H / P) * (W / P) / k**2, "$(H/P)(W/P)$ patches (1), $k^2$ per token (7)",
                     display=r"\frac{(H/P)(W/P)}{k^2}"),
                Step((H / (P * k)) * (W / (P * k)), "(9): $H/(Pk)$ rows of $W/(Pk)$ tokens",
                     display=r"\frac{H}{P k} \cdot \frac{W}{P k}"),
                Step(H * W / (P * k) ** 2, "one fraction", display=r"\frac{H W}{(P k)^2}"),
            ],
            lhs_latex="T",
        ),
        Derivation(
            "Projector parameters: LayerNorm, then two Linear layers with biases",
            [
                Step(2 * C + ((k**2 * C) * (k**2 * C) + k**2 * C) + (k**2 * C * D + D), "(10) term by term"),
                Step(2 * C + k**2 * C * (k**2 * C + 1 + D) + D, "$k^2 C$ factored out"),
            ],
            lhs_latex="N",
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    def example(dims: tuple[int, int, int]) -> SearchStrategy[dict[str, Any]]:
        gh, gw, c_dim = dims
        n = 4 * gh * gw * c_dim
        return st.lists(st.integers(-9, 9), min_size=n, max_size=n).map(
            lambda v: {"features": np.array(v).reshape(4 * gh * gw, c_dim), "grid": [[2 * gh, 2 * gw]]})

    return st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)).flatmap(example)


CONCEPTS = (
    Concept(
        name="token-merge", area="models",
        symbolic=lambda ex: merge_tokens_symbolic(ex["features"], ex["grid"]).astype(float),
        numeric=lambda ex: merge_tokens(ex["features"], ex["grid"]),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="entries are moved, never computed"),
        references=REFERENCES, page="models/moonvit.md",
    ),
)

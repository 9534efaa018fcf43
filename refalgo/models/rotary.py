r"""Rotary position embedding (RoPE): 1-D (RoFormer) and MoonViT's 2-D split over rows and columns.

RoPE (Su et al. 2021) rotates a query or key :math:`x \in \mathbb{R}^d` (:math:`d` even) at
position :math:`m` pair by pair: pair :math:`i < d/2` turns by the angle :math:`m\theta_i`,

.. math::

    \theta_i = b^{-2i/d} \qquad (1)

    \phi_i = m\,\theta_i \qquad (2)

    \begin{pmatrix} y_a \\ y_b \end{pmatrix}
    = \begin{pmatrix} \cos\phi_i & -\sin\phi_i \\ \sin\phi_i & \cos\phi_i \end{pmatrix}
      \begin{pmatrix} x_a \\ x_b \end{pmatrix} \qquad (3)

so :math:`y = R(m)\,x` with :math:`R(m)` block-diagonal and orthogonal. Because
:math:`R(m)^\top R(n) = R(n - m)`, the score :math:`\langle R(m) q, R(n) k\rangle` depends on
the positions only through :math:`n - m` (the page derives it).

**Conventions.**

* ``x`` has shape ``(..., n, d)``: any leading axes (batch, heads), then ``n`` tokens of
  head dimension ``d``; ``positions`` holds one integer :math:`m \ge 0` per token (1-D) or
  one pair ``(h, w)`` — row, column on the patch grid — per token (2-D).
* :math:`b` is ``base`` (10000 in RoFormer, Llama and MoonViT).
* ``layout`` says which two channels form pair :math:`i`:

  - ``"interleaved"``: :math:`(x_{2i}, x_{2i+1})` — RoFormer's eq. (13), GPT-J, Meta's
    original Llama code (``view_as_complex``), DeepSeek-V3's checkpoints and MoonViT;
  - ``"half"``: :math:`(x_i, x_{i + d/2})` — GPT-NeoX and Hugging Face ``transformers``
    (``rotate_half``: Llama, and the Kimi vision port, whose loader permutes ``q_proj`` and
    ``k_proj``; its DeepSeek-V3 reads interleaved pairs and returns them de-interleaved).

  The two differ by a fixed permutation of the channels, applied to :math:`W_q` and
  :math:`W_k` alike, so the scores are the same; the weights are not interchangeable.
* **2-D (MoonViT, Kimi-VL).** :math:`d` divisible by 4; the :math:`d/4` frequencies
  :math:`\theta_j = b^{-4j/d}` are shared by both axes and the pairs alternate between them:
  pair :math:`2j` turns by :math:`w\,\theta_j` (column), pair :math:`2j + 1` by
  :math:`h\,\theta_j` (row) (4). This is the order of MoonViT's code (``x_cis`` before
  ``y_cis``); its docstring names the axes the other way round.

The numeric twins compute the angles and the rotation in float64 (float32 inputs are
returned in float32).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._exact import exact, exact_array
from .._validate import as_array, as_real
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "LAYOUTS",
    "derivations",
    "rope",
    "rope_2d",
    "rope_2d_symbolic",
    "rope_complex",
    "rope_decay_bound",
    "rope_frequencies",
    "rope_symbolic",
    "rotation_matrix_symbolic",
]

LAYOUTS = ("interleaved", "half")

REFERENCES = (
    "J. Su, Y. Lu, S. Pan, A. Murtadha, B. Wen, Y. Liu, RoFormer: Enhanced Transformer with Rotary "
    "Position Embedding, arXiv:2104.09864 (2021), eqs. (13)-(16), section 3.4.3 and Fig. 2.",
    "Kimi Team, Kimi-VL Technical Report, arXiv:2504.07491 (2025), section 2.1 (MoonViT: 2D RoPE); "
    "MoonViT's Rope2DPosEmb and apply_rope in Kimi-VL-A3B-Instruct's modeling_kimi_vl.py.",
    "Hugging Face transformers 5.23: llama apply_rotary_pos_emb and rotate_half, deepseek_v3 "
    "apply_rotary_pos_emb_interleave, kimi_k25 Kimi_K25VisionRotaryEmbedding.",
)


# ---------------------------------------------------------------- checks shared by the twins
def _layout(layout: Any) -> str:
    if layout not in LAYOUTS:
        raise ValueError(f"layout: expected 'interleaved' or 'half'; got {layout!r}"[:200])
    return str(layout)


def _head_dim(d: int, multiple: int, name: str = "x") -> int:
    if d == 0 or d % multiple:
        what = "even" if multiple == 2 else "divisible by 4 (two axes, each in pairs)"
        raise ValueError(f"{name}: expected a head dimension (last axis) {what}; got {d}")
    return d


def _base(base: Any) -> float:
    b = as_real(base, "base")
    if b <= 1:
        raise ValueError(f"base: expected a number > 1 (θ_i = base^(-2i/d) must fall with i); got {b}")
    return b


def _pairs(d: int, layout: str) -> list[tuple[int, int]]:
    """The channels (a, b) of pair i, for i < d/2."""
    return [(2 * i, 2 * i + 1) for i in range(d // 2)] if layout == "interleaved" else [(i, i + d // 2) for i in range(d // 2)]


def _positions(positions: Any, n: int, axes: int) -> NDArray[np.float64]:
    want = (n,) if axes == 1 else (n, 2)
    p = as_array(positions, "positions", dtype=np.float64)
    if p.shape != want:
        raise ValueError(f"positions: expected shape {want} (one {'integer' if axes == 1 else '(row, column) pair'} per token); got shape {p.shape}")
    bad = np.argwhere((p < 0) | (p != np.round(p)))
    if bad.size:
        at = tuple(int(i) for i in bad[0])
        raise ValueError(f"positions: expected integers >= 0; got {p[at]} at positions[{', '.join(map(str, at))}]")
    return p


def _queries(x: Any, multiple: int) -> NDArray[Any]:
    arr = as_array(x, "x", dtype=np.float32 if getattr(x, "dtype", None) == np.float32 else np.float64)
    if arr.ndim < 2:
        raise ValueError(f"x: expected shape (..., n, d), tokens by head dimension; got shape {arr.shape}")
    _head_dim(arr.shape[-1], multiple)
    return arr


# ---------------------------------------------------------------- symbolic twins
def rotation_matrix_symbolic(angles: Any, *, layout: str = "interleaved") -> sp.Matrix:
    r"""The block-diagonal rotation (3): pair :math:`i` of the chosen layout turned by ``angles[i]``.

    Parameters
    ----------
    angles
        :math:`\phi_0, \dots, \phi_{d/2-1}`: exact numbers or real SymPy expressions
        (e.g. ``m * theta_0``).
    layout
        ``"interleaved"`` or ``"half"`` (see the module docstring).

    Returns
    -------
    sympy.Matrix
        :math:`d \times d`, orthogonal.

    Raises
    ------
    ValueError
        Empty or non-real angles, or an unknown layout.

    Examples
    --------
    >>> t = sp.Symbol("t", real=True)
    >>> rotation_matrix_symbolic([t])
    Matrix([
    [cos(t), -sin(t)],
    [sin(t),  cos(t)]])
    """
    phi = list(exact_array(angles, "angles", ndim=1, symbolic=True))
    d = 2 * len(phi)
    R = sp.zeros(d, d)
    for (a, b), p in zip(_pairs(d, _layout(layout)), phi):
        R[a, a], R[a, b], R[b, a], R[b, b] = sp.cos(p), -sp.sin(p), sp.sin(p), sp.cos(p)  # (3)
    return R


def _position_symbolic(value: Any, name: str) -> sp.Expr:
    m = exact(value, name, symbolic=True)
    if m.is_number and not (m.is_integer and m >= 0):
        raise ValueError(f"{name}: expected an integer >= 0 or a SymPy symbol; got {m}")
    return m


def _symbolic_input(x: Any, positions: Any, multiple: int, axes: int) -> tuple[NDArray[Any], list[Any]]:
    q = exact_array(x, "x", ndim=2, symbolic=True)
    _head_dim(q.shape[1], multiple)
    pos = np.asarray(positions, dtype=object)
    want = (q.shape[0],) if axes == 1 else (q.shape[0], 2)
    if pos.shape != want:
        raise ValueError(f"positions: expected shape {want}; got shape {pos.shape}")
    return q, [_position_symbolic(v, f"positions[{', '.join(map(str, i))}]") for i, v in np.ndenumerate(pos)]


def rope_symbolic(x: Any, positions: Any, *, base: Any = 10000, layout: str = "interleaved") -> sp.Matrix:
    r"""(1)–(3) exactly: row :math:`t` of ``x`` times the matrix :math:`R(m_t)` with :math:`\theta_i = b^{-2i/d}`.

    Parameters
    ----------
    x
        Shape ``(n, d)``, :math:`d` even: exact numbers or real SymPy expressions.
    positions
        :math:`m_0, \dots, m_{n-1}`: integers :math:`\ge 0` or SymPy symbols.
    base
        :math:`b > 1`, an exact number.
    layout
        ``"interleaved"`` or ``"half"``.

    Returns
    -------
    sympy.Matrix
        ``(n, d)``, entries built from :math:`\cos(m\,b^{-2i/d})` and :math:`\sin(m\,b^{-2i/d})`.

    Raises
    ------
    ValueError
        An odd :math:`d`, a position that is not a non-negative integer, :math:`b \le 1`, a
        wrong shape or an unknown layout.

    Examples
    --------
    >>> rope_symbolic([[1, 0]], [2], base=4)
    Matrix([[cos(2), sin(2)]])
    """
    q, m = _symbolic_input(x, positions, 2, 1)
    d, b = q.shape[1], _base_symbolic(base)
    theta = [b ** sp.Rational(-2 * i, d) for i in range(d // 2)]  # (1)
    rows = [rotation_matrix_symbolic([mt * th for th in theta], layout=layout) * sp.Matrix(q[t]) for t, mt in enumerate(m)]  # (2), (3)
    return sp.Matrix.hstack(*rows).T


def rope_2d_symbolic(x: Any, positions: Any, *, base: Any = 10000, layout: str = "interleaved") -> sp.Matrix:
    r"""MoonViT's 2-D RoPE exactly: pair :math:`2j` turns by :math:`w\,\theta_j`, pair :math:`2j+1` by :math:`h\,\theta_j`, :math:`\theta_j = b^{-4j/d}` (4).

    Parameters
    ----------
    x
        Shape ``(n, d)``, :math:`d` divisible by 4: exact numbers or real SymPy expressions.
    positions
        Shape ``(n, 2)``: each token's ``(h, w)`` (row, column), integers :math:`\ge 0` or symbols.
    base, layout
        As in :func:`rope_symbolic`.

    Returns
    -------
    sympy.Matrix
        ``(n, d)``.

    Raises
    ------
    ValueError
        :math:`d` not divisible by 4, a bad position, :math:`b \le 1`, a wrong shape or layout.

    Examples
    --------
    >>> rope_2d_symbolic([[1, 0, 1, 0]], [[2, 3]])
    Matrix([[cos(3), sin(3), cos(2), sin(2)]])
    """
    q, hw = _symbolic_input(x, positions, 4, 2)
    d, b = q.shape[1], _base_symbolic(base)
    theta = [b ** sp.Rational(-4 * j, d) for j in range(d // 4)]  # (4)
    rows = []
    for t in range(q.shape[0]):
        h, w = hw[2 * t], hw[2 * t + 1]
        angles = [a for th in theta for a in (w * th, h * th)]  # pair 2j: column, pair 2j+1: row   (4)
        rows.append(rotation_matrix_symbolic(angles, layout=layout) * sp.Matrix(q[t]))  # (3)
    return sp.Matrix.hstack(*rows).T


def _base_symbolic(base: Any) -> sp.Expr:
    b = exact(base, "base")
    if b <= 1:
        raise ValueError(f"base: expected a number > 1 (θ_i = base^(-2i/d) must fall with i); got {b}")
    return b


# ---------------------------------------------------------------- numeric twins
def rope_frequencies(dim: int, *, base: float = 10000.0) -> NDArray[np.float64]:
    r"""The frequencies (1), :math:`\theta_i = b^{-2i/d}` for :math:`i < d/2`, in float64.

    Raises ValueError for an odd or non-positive ``dim`` or :math:`b \le 1`.

    Examples
    --------
    >>> rope_frequencies(4, base=100.0)
    array([1. , 0.1])
    """
    if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, (int, np.integer)) or dim <= 0 or dim % 2:
        raise ValueError(f"dim: expected a positive even integer; got {dim!r}"[:200])
    return _base(base) ** (-np.arange(0, dim, 2) / dim)  # θ_i = b^(−2i/d)   (1)


def _rotate(x: NDArray[Any], angles: NDArray[np.float64], layout: str) -> NDArray[Any]:
    """(3) on every pair at once: ``angles`` has shape ``(n, d/2)``, broadcast over the leading axes."""
    d = x.shape[-1]
    cos, sin = np.cos(angles), np.sin(angles)
    xa, xb = (x[..., 0::2], x[..., 1::2]) if layout == "interleaved" else (x[..., : d // 2], x[..., d // 2 :])
    out = np.empty(x.shape, dtype=np.float64)
    ya, yb = (out[..., 0::2], out[..., 1::2]) if layout == "interleaved" else (out[..., : d // 2], out[..., d // 2 :])
    ya[...] = xa * cos - xb * sin  # y_a = x_a cos φ − x_b sin φ   (3)
    yb[...] = xa * sin + xb * cos  # y_b = x_a sin φ + x_b cos φ   (3)
    return out.astype(x.dtype, copy=False)


def rope(x: Any, positions: Any, *, base: float = 10000.0, layout: str = "interleaved") -> NDArray[Any]:
    r"""RoPE (1)–(3) on an array of queries or keys.

    Parameters
    ----------
    x
        Shape ``(..., n, d)``, :math:`d` even; float32 stays float32, other numbers become float64.
    positions
        Shape ``(n,)``: the position :math:`m \ge 0` of each token, whole numbers.
    base
        :math:`b > 1`.
    layout
        ``"interleaved"`` (RoFormer, GPT-J, DeepSeek's checkpoints) or ``"half"``
        (GPT-NeoX, ``transformers``' ``rotate_half``).

    Returns
    -------
    numpy.ndarray
        :math:`R(m_t)\,x_t` for every token, the shape and float type of ``x``.

    Raises
    ------
    TypeError, ValueError
        A non-finite or non-numeric ``x``, an odd :math:`d`, fewer than 2 axes, positions
        of the wrong shape or not non-negative integers, :math:`b \le 1`, an unknown layout.

    Examples
    --------
    >>> rope(np.array([[1.0, 0.0]]), [1], base=4.0).round(4)
    array([[0.5403, 0.8415]])
    """
    q = _queries(x, 2)
    m = _positions(positions, q.shape[-2], 1)
    theta = rope_frequencies(q.shape[-1], base=base)  # (1)
    angles = m[:, None] * theta[None, :]  # φ_i = m θ_i   (2)
    return _rotate(q, angles, _layout(layout))  # (3)


def rope_2d(x: Any, positions: Any, *, base: float = 10000.0, layout: str = "interleaved") -> NDArray[Any]:
    r"""MoonViT's 2-D RoPE (4) on queries or keys of image patches.

    Parameters
    ----------
    x
        Shape ``(..., n, d)``, :math:`d` divisible by 4.
    positions
        Shape ``(n, 2)``: each patch's ``(h, w)``, row and column on the grid, integers :math:`\ge 0`.
    base, layout
        As in :func:`rope`; MoonViT uses ``"interleaved"`` and :math:`b = 10000`,
        ``transformers``' Kimi vision port ``"half"``.

    Returns
    -------
    numpy.ndarray
        The shape and float type of ``x``.

    Raises
    ------
    TypeError, ValueError
        As :func:`rope`, with :math:`d` not divisible by 4 and positions not of shape ``(n, 2)``.

    Examples
    --------
    >>> rope_2d(np.array([[1.0, 0.0, 1.0, 0.0]]), [[0, 1]]).round(4)
    array([[0.5403, 0.8415, 1.    , 0.    ]])
    """
    q = _queries(x, 4)
    hw = _positions(positions, q.shape[-2], 2)
    theta = _base(base) ** (-np.arange(0, q.shape[-1], 4) / q.shape[-1])  # θ_j = b^(−4j/d)   (4)
    angles = np.empty((q.shape[-2], q.shape[-1] // 2))
    angles[:, 0::2] = hw[:, 1:2] * theta  # pair 2j: column w θ_j   (4)
    angles[:, 1::2] = hw[:, 0:1] * theta  # pair 2j+1: row h θ_j    (4)
    return _rotate(q, angles, _layout(layout))  # (3)


def rope_complex(x: Any, positions: Any, *, base: float = 10000.0, layout: str = "interleaved") -> NDArray[Any]:
    r"""RoPE as complex multiplication: pair :math:`i` read as :math:`z_i = x_a + \mathrm{i}\,x_b`, times :math:`e^{\mathrm{i} m\theta_i}`.

    RoFormer's eq. (13) and Meta's Llama code (``view_as_complex`` and ``polar``); the same
    arguments, shapes and errors as :func:`rope`, an independent computation of the same map.

    Examples
    --------
    >>> rope_complex(np.array([[1.0, 0.0]]), [1], base=4.0).round(4)
    array([[0.5403, 0.8415]])
    """
    q = _queries(x, 2)
    m = _positions(positions, q.shape[-2], 1)
    d = q.shape[-1]
    a, b = (slice(0, d, 2), slice(1, d, 2)) if _layout(layout) == "interleaved" else (slice(0, d // 2), slice(d // 2, d))
    z = q[..., a].astype(np.float64) + 1j * q[..., b]  # z_i = x_a + i x_b
    z = z * np.exp(1j * np.outer(m, rope_frequencies(d, base=base)))  # z_i e^{i m θ_i}
    out = np.empty(q.shape, dtype=np.float64)
    out[..., a], out[..., b] = z.real, z.imag
    return out.astype(q.dtype, copy=False)


def rope_decay_bound(distances: Any, *, dim: int, base: float = 10000.0) -> NDArray[np.float64]:
    r"""RoFormer's relative upper bound (§3.4.3): :math:`\frac{1}{d/2}\sum_{j=1}^{d/2} |S_j|` at each distance :math:`r`.

    :math:`S_j = \sum_{k=0}^{j-1} e^{\mathrm{i} r \theta_k}`. With
    :math:`h_i = (q_a + \mathrm{i} q_b)(k_a - \mathrm{i} k_b)` for pair :math:`i` and
    :math:`h_{d/2} = 0`, Abel's summation gives
    :math:`|\sum_i h_i e^{\mathrm{i} r\theta_i}| \le \max_i |h_{i+1} - h_i| \sum_j |S_j|`,
    and the score :math:`\langle R(m)q, R(n)k \rangle` is the real part of that sum with
    :math:`r = m - n`.

    Parameters
    ----------
    distances
        Relative distances :math:`r` (any real numbers; the bound is even in :math:`r`).
    dim
        :math:`d`, even.
    base
        :math:`b > 1`.

    Returns
    -------
    numpy.ndarray
        One bound per distance; at :math:`r = 0` it is :math:`(d/2 + 1)/2`.

    Examples
    --------
    >>> rope_decay_bound([0.0], dim=8)
    array([2.5])
    """
    r = as_array(distances, "distances", ndim=(0, 1)).reshape(-1)
    theta = rope_frequencies(dim, base=base)
    S = np.cumsum(np.exp(1j * np.outer(r, theta)), axis=1)  # S_j, j = 1 … d/2
    return np.abs(S).mean(axis=1)  # (1/(d/2)) Σ_j |S_j|


# ---------------------------------------------------------------- derivations
def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the page renders, on :math:`d = 4` with free frequencies :math:`\theta_0, \theta_1`.

    Orthogonality of :math:`R(m)`; the relative-position identity in 1-D and 2-D; the
    complex form of one pair; Abel's summation behind the long-term decay bound.

    Examples
    --------
    >>> [d.title.split(":")[0] for d in derivations()][:3]
    ['Every rotation here is orthogonal', 'Relative position, one pair', '2-D']
    """
    return (_orthogonal(), _relative_1d(), _relative_2d(), _complex_pair(), _abel())


def _orthogonal() -> Derivation:
    p0, p1 = sp.symbols("phi_0 phi_1", real=True)
    R = rotation_matrix_symbolic([p0, p1])
    return Derivation(
        "Every rotation here is orthogonal: $R^\\top R = I$ for any pair angles $\\phi_0, \\phi_1$",
        [
            Step(R.T * R, "each $2 \\times 2$ block times its transpose; the off-diagonal terms cancel"),
            Step(sp.eye(4), "$\\cos^2\\phi + \\sin^2\\phi = 1$"),
        ],
        lhs_latex=r"R^\top R",
        symbols={"R": "(3) with $\\phi_i = m\\theta_i$ in 1-D, $\\phi_{2j} = w\\theta_j$, $\\phi_{2j+1} = h\\theta_j$ in 2-D"},
    )


def _pair_score(qa: Any, qb: Any, ka: Any, kb: Any, phi: Any) -> sp.Expr:
    """:math:`(q_a k_a + q_b k_b)\\cos\\phi + (q_b k_a - q_a k_b)\\sin\\phi`: one pair's score, key turned φ further."""
    return (qa * ka + qb * kb) * sp.cos(phi) + (qb * ka - qa * kb) * sp.sin(phi)


def _pair_grouped(qa: Any, qb: Any, ka: Any, kb: Any, a: Any, b: Any) -> sp.Expr:
    """One pair's score with the query turned by a and the key by b, grouped by the two products of q and k."""
    return (qa * ka + qb * kb) * (sp.cos(a) * sp.cos(b) + sp.sin(a) * sp.sin(b)) + (qb * ka - qa * kb) * (
        sp.cos(a) * sp.sin(b) - sp.sin(a) * sp.cos(b))


_DIFFERENCE = "$\\cos a\\cos b + \\sin a\\sin b = \\cos(b - a)$, $\\cos a\\sin b - \\sin a\\cos b = \\sin(b - a)$"

def _relative_chain(q: sp.Matrix, k: sp.Matrix, before: list[Any], after: list[Any], first: str) -> list[Step]:
    """Score of q turned by the pair angles ``before`` with k turned by ``after``, down to the angle differences."""
    pairs = range(len(before))
    return [
        Step(sp.expand((rotation_matrix_symbolic(before) * q).dot(rotation_matrix_symbolic(after) * k)), first),
        Step(sum(_pair_grouped(q[2 * i], q[2 * i + 1], k[2 * i], k[2 * i + 1], before[i], after[i]) for i in pairs),
             "group each pair by $q_a k_a + q_b k_b$ and $q_b k_a - q_a k_b$"),
        Step(sum(_pair_score(q[2 * i], q[2 * i + 1], k[2 * i], k[2 * i + 1], after[i] - before[i]) for i in pairs),
             _DIFFERENCE),
    ]


def _relative_1d() -> Derivation:
    m, n, t = sp.symbols("m n theta_i", real=True)
    q = sp.Matrix(sp.symbols("q_a q_b", real=True))
    k = sp.Matrix(sp.symbols("k_a k_b", real=True))
    steps = _relative_chain(q, k, [m * t], [n * t], "expand both rotated pairs")
    steps.append(Step(q.dot(rotation_matrix_symbolic([(n - m) * t]) * k), "read back as $q^\\top R(n - m)\\,k$"))
    return Derivation(
        "Relative position, one pair: $\\langle R(m)q, R(n)k \\rangle = \\langle q, R(n - m)k \\rangle$",
        steps, lhs_latex=r"\langle R(m)q, R(n)k \rangle",
        argument="The score of $d$ channels is the sum of $d/2$ such pairs, each with its own $\\theta_i$, so it "
                 "depends on $m$ and $n$ only through $n - m$.",
    )


def _relative_2d() -> Derivation:
    m1, m2, n1, n2, t = sp.symbols("m_1 m_2 n_1 n_2 theta", real=True)
    q = sp.Matrix(sp.symbols("q_0:4", real=True))
    k = sp.Matrix(sp.symbols("k_0:4", real=True))
    steps = _relative_chain(q, k, [m2 * t, m1 * t], [n2 * t, n1 * t], "$d = 4$: pair 0 turns with the column, pair 1 with the row (4)")
    steps.append(Step(q.dot(rotation_matrix_symbolic([(n2 - m2) * t, (n1 - m1) * t]) * k),
                      "read back as $q^\\top R(n_1 - m_1, n_2 - m_2)\\,k$"))
    return Derivation(
        "2-D: $\\langle R(m_1, m_2)q, R(n_1, n_2)k \\rangle = \\langle q, R(n_1 - m_1, n_2 - m_2)k \\rangle$",
        steps, lhs_latex=r"\langle R(m_1, m_2)q, R(n_1, n_2)k \rangle",
        symbols={"(m_1, m_2)": "the query's (row, column); $(n_1, n_2)$ the key's"},
    )


def _complex_pair() -> Derivation:
    xa, xb, phi = sp.symbols("x_a x_b phi", real=True)
    z = sp.expand_complex((xa + sp.I * xb) * sp.exp(sp.I * phi))
    return Derivation(
        "One pair as a complex number: $(x_a + i x_b)\\,e^{i\\phi}$ is the rotation (3)",
        [
            Step(sp.Matrix([sp.re(z), sp.im(z)]), "real and imaginary parts of $(x_a + i x_b)(\\cos\\phi + i\\sin\\phi)$"),
            Step(rotation_matrix_symbolic([phi]) * sp.Matrix([xa, xb]), "the rotation (3) of $(x_a, x_b)$"),
        ],
        lhs_latex=r"\begin{pmatrix} \operatorname{Re} \\ \operatorname{Im} \end{pmatrix}",
    )


def _abel() -> Derivation:
    h = sp.symbols("h_0:3")
    u = sp.symbols("u_0:3")
    S = sp.symbols("S_1:4")
    h3 = sp.Integer(0)  # h_{d/2} = 0
    hs = (*h, h3)
    return Derivation(
        "Abel's summation ($d/2 = 3$): $\\sum_i h_i u_i = -\\sum_i S_{i+1}(h_{i+1} - h_i)$",
        [
            Step(sum(h[i] * u[i] for i in range(3)), "the score before its real part, $u_i = e^{i(m - n)\\theta_i}$"),
            Step(h[0] * S[0] + sum(h[i] * (S[i] - S[i - 1]) for i in (1, 2)), "$u_i = S_{i+1} - S_i$, $S_0 = 0$"),
            Step(-sum(S[i] * (hs[i + 1] - hs[i]) for i in range(3)), "regroup by $S_j$, with $h_3 = 0$"),
        ],
        where={S[0]: u[0], S[1]: u[0] + u[1], S[2]: u[0] + u[1] + u[2]},
        lhs_latex=r"\sum_{i=0}^{2} h_i u_i",
        argument="So $|\\sum_i h_i u_i| \\le \\max_i |h_{i+1} - h_i| \\sum_j |S_j|$: the bound's distance dependence is all in $\\sum_j |S_j|$.",
    )


# ---------------------------------------------------------------- registry
def _inputs(axes: int) -> Any:
    def strategy() -> SearchStrategy[dict[str, Any]]:
        from hypothesis import strategies as st

        def example(dims: tuple[int, int, str]) -> SearchStrategy[dict[str, Any]]:
            n, d, layout = dims
            shape = (n,) if axes == 1 else (n, 2)
            return st.fixed_dictionaries({
                "x": st.lists(st.lists(st.integers(-9, 9), min_size=d, max_size=d), min_size=n, max_size=n),
                "positions": st.lists(st.integers(0, 40), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(
                    lambda v: np.array(v).reshape(shape)),
                "base": st.sampled_from([100, 10000]),
                "layout": st.just(layout),
            })

        step = 2 if axes == 1 else 4
        return st.tuples(st.integers(1, 3), st.sampled_from([step, 2 * step, 3 * step]), st.sampled_from(LAYOUTS)).flatmap(example)

    return strategy


def _kw(ex: dict[str, Any]) -> dict[str, Any]:
    return {"base": ex["base"], "layout": ex["layout"]}


_TOL = Tolerance(rtol=1e-12, atol=1e-12, why="angles below 40 rad, entries below 9·d: a few roundings of cos, sin and one multiply-add per entry")

CONCEPTS = (
    Concept(
        name="rope", area="models",
        symbolic=lambda ex: np.array(rope_symbolic(ex["x"], ex["positions"].tolist(), **_kw(ex)).evalf(20), dtype=float),
        numeric=lambda ex: rope(np.array(ex["x"], dtype=float), ex["positions"], **_kw(ex)),
        inputs=_inputs(1), tolerance=_TOL, references=REFERENCES, page="models/rope.md",
    ),
    Concept(
        name="rope-2d", area="models",
        symbolic=lambda ex: np.array(rope_2d_symbolic(ex["x"], ex["positions"].tolist(), **_kw(ex)).evalf(20), dtype=float),
        numeric=lambda ex: rope_2d(np.array(ex["x"], dtype=float), ex["positions"], **_kw(ex)),
        inputs=_inputs(2), tolerance=_TOL, references=REFERENCES, page="models/rope.md",
    ),
)

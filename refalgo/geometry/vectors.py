r"""Vectors in the plane: dot and cross product, length, angle, rotation, projection, polar-angle order.

A vector (向量) has a magnitude and a direction and no position: :math:`\vec{AB} = B - A`
is the same vector wherever :math:`A` sits. Vectors add componentwise and scale by a
number (NumPy's ``+`` and ``*`` on ``(2,)`` arrays); everything else is built from two
products:

.. math::

    u \cdot v = u_x v_x + u_y v_y = |u|\,|v| \cos\theta \qquad (8)

    u \times v = u_x v_y - u_y v_x = |u|\,|v| \sin\theta \qquad (9)

with :math:`\theta` the angle from :math:`u` to :math:`v`, counter-clockwise positive. So
:math:`|u| = \sqrt{u \cdot u}`, :math:`\theta = \operatorname{atan2}(u \times v, u \cdot v)`,
the rotation by :math:`\theta` is :math:`(u_x\cos\theta - u_y\sin\theta,\ u_x\sin\theta + u_y\cos\theta)`,
and the projection of :math:`u` onto :math:`v` is :math:`\frac{u\cdot v}{v \cdot v} v`.

The polar-angle order sorts vectors by their angle in :math:`[0, 2\pi)` from the positive
:math:`x` axis: first the upper half-plane (:math:`y > 0`, or :math:`y = 0, x > 0`), then
the lower one, and inside a half-plane :math:`u` comes before :math:`v` when
:math:`u \times v > 0`. Ties (equal angles) keep the input order.

**Conventions**: a vector is an ``(x, y)`` pair; the numeric twins take ``(2,)`` or
``(n, 2)`` arrays and work row by row; angles are in radians.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import ExactNumber, ExactNumbers, exact, exact_array, exact_vector
from .._validate import as_array, as_real
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "angle",
    "angle_symbolic",
    "cross",
    "cross_symbolic",
    "derivations",
    "dot",
    "dot_symbolic",
    "polar_sort",
    "polar_sort_symbolic",
    "project",
    "project_symbolic",
    "rotate",
    "rotate_symbolic",
]

REFERENCES = (
    "M. de Berg, O. Cheong, M. van Kreveld, M. Overmars, Computational Geometry: Algorithms and "
    "Applications, 3rd ed. (2008), section 1.1.",
)


def dot_symbolic(u: ExactNumbers, v: ExactNumbers) -> sp.Expr:
    """The dot product (8), exactly.

    Examples
    --------
    >>> dot_symbolic((1, 2), ("1/2", 3))
    13/2
    """
    (ux, uy), (vx, vy) = exact_vector(u, "u", length=2, symbolic=True), exact_vector(v, "v", length=2, symbolic=True)
    return ux * vx + uy * vy


def cross_symbolic(u: ExactNumbers, v: ExactNumbers) -> sp.Expr:
    """The 2-D cross product (9), exactly: the signed area of the parallelogram on ``u, v``.

    Examples
    --------
    >>> cross_symbolic((1, 0), (0, 1)), cross_symbolic((0, 1), (1, 0))
    (1, -1)
    """
    (ux, uy), (vx, vy) = exact_vector(u, "u", length=2, symbolic=True), exact_vector(v, "v", length=2, symbolic=True)
    return ux * vy - uy * vx


def angle_symbolic(u: ExactNumbers, v: ExactNumbers) -> sp.Expr:
    """The angle from ``u`` to ``v`` in :math:`(-\\pi, \\pi]`, exactly: ``atan2(u × v, u · v)``.

    Examples
    --------
    >>> angle_symbolic((1, 0), (1, 1))
    pi/4
    """
    if all(c == 0 for c in exact_vector(u, "u", length=2)) or all(c == 0 for c in exact_vector(v, "v", length=2)):
        raise ValueError("u, v: expected nonzero vectors; the angle of a zero vector is undefined")
    return sp.atan2(cross_symbolic(u, v), dot_symbolic(u, v))


def rotate_symbolic(u: ExactNumbers, theta: ExactNumber | sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``u`` rotated counter-clockwise by ``theta``, exactly (``theta`` may be ``pi/3`` or a symbol).

    Examples
    --------
    >>> rotate_symbolic((1, 0), sp.pi / 2)
    (0, 1)
    """
    ux, uy = exact_vector(u, "u", length=2, symbolic=True)
    t = exact(theta, "theta", symbolic=True)
    return sp.simplify(ux * sp.cos(t) - uy * sp.sin(t)), sp.simplify(ux * sp.sin(t) + uy * sp.cos(t))


def project_symbolic(u: ExactNumbers, v: ExactNumbers) -> tuple[sp.Expr, sp.Expr]:
    """The projection of ``u`` onto the line of ``v``, exactly: :math:`(u\\cdot v / v\\cdot v)\\, v`.

    Examples
    --------
    >>> project_symbolic((2, 1), (1, 1))
    (3/2, 3/2)
    """
    vx, vy = exact_vector(v, "v", length=2)
    if vx == 0 and vy == 0:
        raise ValueError("v: expected a nonzero vector to project onto; got (0, 0)")
    k = dot_symbolic(u, v) / dot_symbolic(v, v)
    return k * vx, k * vy


def polar_sort_symbolic(vectors: ExactNumbers) -> list[int]:
    """The indices of ``vectors`` in polar-angle order, decided exactly (half-plane, then cross sign).

    Examples
    --------
    >>> polar_sort_symbolic([(0, -1), (-1, 0), (0, 1), (1, 0)])
    [3, 2, 1, 0]
    """
    vs = exact_array(vectors, "vectors", shape=(None, 2))
    if any(x == 0 and y == 0 for x, y in vs):
        raise ValueError("vectors: expected nonzero vectors; a zero vector has no polar angle")

    def lower(w: Any) -> bool:
        return bool(w[1] < 0 or (w[1] == 0 and w[0] < 0))

    def before(i: int, j: int) -> int:
        a, b = vs[i], vs[j]
        if lower(a) != lower(b):
            return 1 if lower(a) else -1
        c = a[0] * b[1] - a[1] * b[0]
        return -1 if c > 0 else (1 if c < 0 else 0)

    return sorted(range(len(vs)), key=functools.cmp_to_key(before))


def _vectors(x: ArrayLike, name: str) -> NDArray[np.float64]:
    a = as_array(x, name, ndim=(1, 2))
    return as_array(a, name, shape=(2,) if a.ndim == 1 else (None, 2))


def dot(u: ArrayLike, v: ArrayLike) -> NDArray[np.float64] | float:
    """The dot product (8) of ``(2,)`` vectors, or row by row of ``(n, 2)`` arrays.

    Examples
    --------
    >>> dot([1.0, 2.0], [0.5, 3.0])
    6.5
    """
    a, b = _vectors(u, "u"), _vectors(v, "v")
    out = a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1]  # (8)
    return float(out) if out.ndim == 0 else out


def cross(u: ArrayLike, v: ArrayLike) -> NDArray[np.float64] | float:
    """The 2-D cross product (9), rounded (for its exact sign use :func:`~refalgo.geometry.orientation.orient2d`).

    Examples
    --------
    >>> cross([1.0, 0.0], [0.0, 1.0])
    1.0
    """
    a, b = _vectors(u, "u"), _vectors(v, "v")
    out = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]  # (9)
    return float(out) if out.ndim == 0 else out


def angle(u: ArrayLike, v: ArrayLike) -> NDArray[np.float64] | float:
    """The angle from ``u`` to ``v`` in :math:`(-\\pi, \\pi]`, by ``atan2(u × v, u · v)`` (accurate near 0 and π).

    Examples
    --------
    >>> round(angle([1.0, 0.0], [1.0, 1.0]), 12)
    0.785398163397
    """
    a, b = _vectors(u, "u"), _vectors(v, "v")
    if np.any(np.all(a == 0, axis=-1)) or np.any(np.all(b == 0, axis=-1)):
        raise ValueError("u, v: expected nonzero vectors; the angle of a zero vector is undefined")
    out = np.arctan2(a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0], a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1])
    return float(out) if out.ndim == 0 else out


def rotate(u: ArrayLike, theta: float) -> NDArray[np.float64]:
    """``u`` (``(2,)`` or ``(n, 2)``) rotated counter-clockwise by ``theta`` radians.

    Examples
    --------
    >>> np.round(rotate([1.0, 0.0], np.pi / 2), 12) + 0.0
    array([0., 1.])
    """
    a, t = _vectors(u, "u"), as_real(theta, "theta")
    c, s = np.cos(t), np.sin(t)
    return np.stack([a[..., 0] * c - a[..., 1] * s, a[..., 0] * s + a[..., 1] * c], axis=-1)


def project(u: ArrayLike, v: ArrayLike) -> NDArray[np.float64]:
    """The projection of ``u`` onto the line of ``v``: ``(u·v / v·v) v``, row by row.

    Examples
    --------
    >>> project([2.0, 1.0], [1.0, 1.0])
    array([1.5, 1.5])
    """
    a, b = _vectors(u, "u"), _vectors(v, "v")
    vv = b[..., 0] ** 2 + b[..., 1] ** 2
    if np.any(vv == 0):
        raise ValueError("v: expected a nonzero vector to project onto; got (0, 0)")
    k = (a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1]) / vv
    return np.asarray(k)[..., None] * b


def polar_sort(vectors: ArrayLike) -> NDArray[np.int64]:
    """The indices of the ``(n, 2)`` ``vectors`` in polar-angle order, by ``atan2`` mapped to [0, 2π).

    A stable sort: equal computed angles keep the input order. ``atan2`` rounds, so two
    directions closer than about :math:`10^{-16}` radians may come out in either order;
    :func:`polar_sort_symbolic` decides every pair exactly.

    Examples
    --------
    >>> polar_sort([[0.0, -1.0], [-1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    array([3, 2, 1, 0])
    """
    a = as_array(vectors, "vectors", shape=(None, 2))
    if np.any(np.all(a == 0, axis=1)):
        raise ValueError("vectors: expected nonzero vectors; a zero vector has no polar angle")
    theta = np.arctan2(a[:, 1], a[:, 0])
    theta = np.where(theta < 0, theta + 2 * np.pi, theta)
    return np.argsort(theta, kind="stable")


def derivations() -> tuple[Derivation, ...]:
    """The verified derivations the page renders: Lagrange's identity ties (8) and (9) to the lengths.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven']
    """
    ux, uy, vx, vy, t, c, s = sp.symbols("u_x u_y v_x v_y theta c s", real=True)
    return (
        Derivation(
            "$(u \\cdot v)^2 + (u \\times v)^2 = |u|^2 |v|^2$, so $\\cos\\theta$ and $\\sin\\theta$ are well defined",
            [
                Step((ux * vx + uy * vy) ** 2 + (ux * vy - uy * vx) ** 2, "the squares of (8) and (9)"),
                Step(ux**2 * vx**2 + uy**2 * vy**2 + ux**2 * vy**2 + uy**2 * vx**2, "the cross terms $2u_xv_xu_yv_y$ cancel"),
                Step((ux**2 + uy**2) * (vx**2 + vy**2), "factor: $|u|^2 |v|^2$"),
            ],
        ),
        Derivation(
            "Rotation keeps the cross product: $R_\\theta u \\times R_\\theta v = u \\times v$",
            [
                Step((ux * c - uy * s) * (vx * s + vy * c) - (ux * s + uy * c) * (vx * c - vy * s), "the cross product of the rotated vectors"),
                Step((ux * vy - uy * vx) * (c**2 + s**2), "collect $u_xv_y - u_yv_x$"),
                Step(ux * vy - uy * vx, "$\\cos^2\\theta + \\sin^2\\theta = 1$"),
            ],
            where={c: sp.cos(t), s: sp.sin(t)},
            symbols={"c, s": "$\\cos\\theta$, $\\sin\\theta$"},
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    from ..testing import int_vectors, nonzero_int_vectors

    return st.fixed_dictionaries({"u": int_vectors(2, -50, 50), "v": nonzero_int_vectors(2, -50, 50)})


def _symbolic(example: dict[str, Any]) -> list[float]:
    u, v = example["u"], example["v"]
    return [float(dot_symbolic(u, v)), float(cross_symbolic(u, v)), *map(float, project_symbolic(u, v))]


def _numeric(example: dict[str, Any]) -> list[float]:
    u, v = np.array(example["u"], dtype=float), np.array(example["v"], dtype=float)
    return [float(dot(u, v)), float(cross(u, v)), *project(u, v)]


CONCEPTS = (
    Concept(
        name="vectors",
        area="geometry",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-15, atol=0.0, why="integers below 50: products and sums exact, one division rounded"),
        references=REFERENCES,
        page="geometry/vectors.md",
    ),
)

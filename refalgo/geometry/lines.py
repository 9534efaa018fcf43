r"""Lines and half-planes: the side of a point, the projection onto a line, the distance to it, where two lines meet.

A line is given by two different points :math:`a \ne b`; its direction is :math:`u = b - a`.
The directed line :math:`ab` has the open **left half-plane** :math:`D(a, b, r) > 0` (the
orientation (5)), the **right** one :math:`D < 0`, and the line itself :math:`D = 0`:

.. math::

    \operatorname{side}(r) = \operatorname{sgn} D(a, b, r) = \operatorname{sgn}\big(u \times (r - a)\big) \qquad (16)

The projection of :math:`r` onto the line and the distance from :math:`r` to it are

.. math::

    \pi(r) = a + \frac{(r - a)\cdot u}{u \cdot u}\, u \qquad (17)

    \operatorname{dist}(r) = \frac{|u \times (r - a)|}{|u|} \qquad (18)

and the lines :math:`ab` and :math:`cd`, when not parallel (:math:`u \times w \ne 0`,
:math:`w = d - c`), meet at

.. math::

    x = a + t\,u, \qquad t = \frac{(c - a) \times w}{u \times w} \qquad (19)

**Conventions**: left of the directed line is positive, as in the orientation (5), so a
counter-clockwise convex polygon is the intersection of the left half-planes of its edges.
The symbolic twins return exact rationals (the distance an exact square root); the
numeric twins decide the side and parallelism exactly on the doubles as given and round
(17)–(19). Parallel lines (including the same line twice) have no single meeting point:
``line_intersection`` returns ``None`` for them.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import ExactNumbers, exact_array, exact_vector
from .._validate import as_array
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from .orientation import orient2d

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "derivations",
    "halfplane_side",
    "halfplane_side_symbolic",
    "line_intersection",
    "line_intersection_symbolic",
    "point_line_distance",
    "point_line_distance_symbolic",
    "project_onto_line",
    "project_onto_line_symbolic",
]

REFERENCES = (
    "M. de Berg, O. Cheong, M. van Kreveld, M. Overmars, Computational Geometry: Algorithms and "
    "Applications, 3rd ed. (2008), sections 1.1 and 4.2 (half-planes).",
    "T. H. Cormen, C. E. Leiserson, R. L. Rivest, C. Stein, Introduction to Algorithms, 3rd ed. (2009), section 33.1.",
)


def _exact_line(a: ExactNumbers, b: ExactNumbers) -> tuple[sp.Rational, sp.Rational, sp.Rational, sp.Rational]:
    ax, ay = exact_vector(a, "a", length=2)
    bx, by = exact_vector(b, "b", length=2)
    if ax == bx and ay == by:
        raise ValueError("a, b: expected two different points on the line; got the same point twice")
    return ax, ay, bx - ax, by - ay


def halfplane_side_symbolic(point: ExactNumbers, a: ExactNumbers, b: ExactNumbers) -> int | list[int]:
    """The side (16) of ``point`` (one ``(x, y)`` or a list of them) for the directed line ``ab``: +1 left, 0 on, −1 right.

    Examples
    --------
    >>> halfplane_side_symbolic((0, 1), (0, 0), (1, 0)), halfplane_side_symbolic([(0, -1), (5, 0)], (0, 0), (1, 0))
    (1, [-1, 0])
    """
    ax, ay, ux, uy = _exact_line(a, b)
    many = np.asarray(point, dtype=object).ndim == 2
    rows = exact_array(point, "point", shape=(None, 2)) if many else [exact_vector(point, "point", length=2)]
    signs = [int(sp.sign(ux * (ry - ay) - uy * (rx - ax))) for rx, ry in rows]
    return signs if many else signs[0]


def project_onto_line_symbolic(point: ExactNumbers, a: ExactNumbers, b: ExactNumbers) -> tuple[sp.Expr, sp.Expr]:
    """The projection (17) of ``point`` onto the line ``ab``, exactly.

    Examples
    --------
    >>> project_onto_line_symbolic((2, 1), (0, 0), (1, 1))
    (3/2, 3/2)
    """
    ax, ay, ux, uy = _exact_line(a, b)
    rx, ry = exact_vector(point, "point", length=2)
    k = ((rx - ax) * ux + (ry - ay) * uy) / (ux * ux + uy * uy)
    return ax + k * ux, ay + k * uy


def point_line_distance_symbolic(point: ExactNumbers, a: ExactNumbers, b: ExactNumbers) -> sp.Expr:
    """The distance (18) from ``point`` to the line ``ab``, exactly (a rational times a square root).

    Examples
    --------
    >>> point_line_distance_symbolic((0, 1), (0, 0), (1, 1))
    sqrt(2)/2
    """
    ax, ay, ux, uy = _exact_line(a, b)
    rx, ry = exact_vector(point, "point", length=2)
    return sp.Abs(ux * (ry - ay) - uy * (rx - ax)) / sp.sqrt(ux * ux + uy * uy)


def line_intersection_symbolic(
    a: ExactNumbers, b: ExactNumbers, c: ExactNumbers, d: ExactNumbers
) -> tuple[sp.Rational, sp.Rational] | None:
    """Where the lines ``ab`` and ``cd`` meet (19), as exact rationals; ``None`` when they are parallel.

    Examples
    --------
    >>> line_intersection_symbolic((0, 0), (3, 1), (0, 1), (1, 0))
    (3/4, 1/4)
    >>> line_intersection_symbolic((0, 0), (1, 1), (0, 1), (2, 3)) is None
    True
    """
    ax, ay, ux, uy = _exact_line(a, b)
    cx, cy = exact_vector(c, "c", length=2)
    dx, dy = exact_vector(d, "d", length=2)
    if cx == dx and cy == dy:
        raise ValueError("c, d: expected two different points on the line; got the same point twice")
    wx, wy = dx - cx, dy - cy
    denominator = ux * wy - uy * wx  # u x w
    if denominator == 0:
        return None
    t = ((cx - ax) * wy - (cy - ay) * wx) / denominator
    return ax + t * ux, ay + t * uy


def _line(a: ArrayLike, b: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    A, B = as_array(a, "a", shape=(2,)), as_array(b, "b", shape=(2,))
    if np.array_equal(A, B):
        raise ValueError("a, b: expected two different points on the line; got the same point twice")
    return A, B


def halfplane_side(point: ArrayLike, a: ArrayLike, b: ArrayLike) -> NDArray[np.int8] | int:
    """The side (16) of ``point`` for the directed line ``ab``, decided exactly on the doubles given.

    Parameters
    ----------
    point
        ``(2,)`` or ``(n, 2)`` array of finite doubles.
    a, b
        Two different points of the line, ``(2,)`` each; the line is directed from ``a`` to ``b``.

    Returns
    -------
    int or numpy.ndarray
        +1 in the open left half-plane, 0 on the line, −1 right (``int8`` array for ``(n, 2)`` input).

    Raises
    ------
    TypeError, ValueError
        On non-finite coordinates, wrong shapes, or ``a == b``.

    Examples
    --------
    >>> halfplane_side([[0.0, 1.0], [2.0, 0.0]], [0.0, 0.0], [1.0, 0.0]).tolist()
    [1, 0]
    """
    A, B = _line(a, b)
    r = as_array(point, "point", ndim=(1, 2))
    r = as_array(r, "point", shape=(2,) if r.ndim == 1 else (None, 2))
    return orient2d(A, B, r)  # (16) = (5), exact


def project_onto_line(point: ArrayLike, a: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """The projection (17) of ``point`` onto the line ``ab``, in doubles.

    Examples
    --------
    >>> project_onto_line([2.0, 1.0], [0.0, 0.0], [1.0, 1.0])
    array([1.5, 1.5])
    """
    A, B = _line(a, b)
    r = as_array(point, "point", shape=(2,))
    u = B - A
    return A + (np.dot(r - A, u) / np.dot(u, u)) * u  # (17)


def point_line_distance(point: ArrayLike, a: ArrayLike, b: ArrayLike) -> float:
    """The distance (18) from ``point`` to the line ``ab``, in doubles; exactly 0 when the point is on the line.

    Examples
    --------
    >>> point_line_distance([3.0, 4.0], [0.0, 0.0], [1.0, 0.0])
    4.0
    """
    A, B = _line(a, b)
    r = as_array(point, "point", shape=(2,))
    if orient2d(A, B, r) == 0:  # (16): on the line, decided exactly
        return 0.0
    u, v = B - A, r - A
    return float(abs(u[0] * v[1] - u[1] * v[0]) / np.hypot(u[0], u[1]))  # (18)


def _exact_cross_is_zero(u: tuple[float, float], c: tuple[float, float], w: tuple[float, float], a: tuple[float, float]) -> bool:
    """Whether (b − a) × (d − c) is exactly 0 for the doubles given (u = (b, a), w = (d, c) as pairs of points)."""
    (bx, by), (ax, ay), (dx, dy), (cx, cy) = u, a, w, c
    F = Fraction
    return (F(bx) - F(ax)) * (F(dy) - F(cy)) == (F(by) - F(ay)) * (F(dx) - F(cx))


def line_intersection(a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike) -> NDArray[np.float64] | None:
    """Where the lines ``ab`` and ``cd`` meet (19), rounded; ``None`` when they are exactly parallel.

    Parameters
    ----------
    a, b, c, d
        ``(2,)`` arrays of finite doubles, ``a != b`` and ``c != d``.

    Returns
    -------
    numpy.ndarray or None
        The meeting point ``(2,)``; ``None`` for parallel (or identical) lines, decided exactly.

    Raises
    ------
    TypeError, ValueError
        On non-finite coordinates, wrong shapes, ``a == b`` or ``c == d``.

    Examples
    --------
    >>> line_intersection([0.0, 0.0], [3.0, 1.0], [0.0, 1.0], [1.0, 0.0])
    array([0.75, 0.25])
    """
    A, B = _line(a, b)
    C, D = as_array(c, "c", shape=(2,)), as_array(d, "d", shape=(2,))
    if np.array_equal(C, D):
        raise ValueError("c, d: expected two different points on the line; got the same point twice")
    if _exact_cross_is_zero((B[0], B[1]), (C[0], C[1]), (D[0], D[1]), (A[0], A[1])):  # u x w = 0: parallel
        return None
    u, w = B - A, D - C
    t = ((C[0] - A[0]) * w[1] - (C[1] - A[1]) * w[0]) / (u[0] * w[1] - u[1] * w[0])  # (19)
    return A + t * u


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the page renders: the projection (17) leaves an orthogonal residual, whose length is (18).

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven']
    """
    ax, ay, ux, uy, rx, ry, k = sp.symbols("a_x a_y u_x u_y r_x r_y k", real=True)
    vx, vy = rx - ax, ry - ay
    k_value = (vx * ux + vy * uy) / (ux**2 + uy**2)
    ex, ey = vx - k * ux, vy - k * uy  # r - pi(r)
    return (
        Derivation(
            "The residual $r - \\pi(r)$ of (17) is orthogonal to the line: $(r - \\pi(r)) \\cdot u = 0$",
            [
                Step(ex * ux + ey * uy, "$r - \\pi(r) = (r - a) - k u$ with $k = (r - a)\\cdot u / u \\cdot u$"),
                Step(vx * ux + vy * uy - k * (ux**2 + uy**2), "expand: $(r - a)\\cdot u - k\\, u \\cdot u$"),
                Step(sp.Integer(0), "$k\\, u \\cdot u = (r - a)\\cdot u$"),
            ],
            where={k: k_value},
        ),
        Derivation(
            "The residual's length is the distance (18): $|r - \\pi(r)|^2 = (u \\times (r - a))^2 / u \\cdot u$",
            [
                Step(ex**2 + ey**2, "the squared length of $r - \\pi(r)$"),
                Step(vx**2 + vy**2 - (vx * ux + vy * uy) ** 2 / (ux**2 + uy**2), "Pythagoras: $|r - a|^2 - ((r - a)\\cdot u)^2 / u \\cdot u$"),
                Step((ux * vy - uy * vx) ** 2 / (ux**2 + uy**2), "Lagrange's identity $|u|^2|v|^2 - (u\\cdot v)^2 = (u \\times v)^2$"),
            ],
            where={k: k_value},
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    from ..testing import int_vectors, nonzero_int_vectors

    def lines(a: list[int], ab: list[int], c: list[int], cd: list[int], r: list[int]) -> dict[str, Any]:
        return {"a": a, "b": [a[0] + ab[0], a[1] + ab[1]], "c": c, "d": [c[0] + cd[0], c[1] + cd[1]], "point": r}

    v, w = int_vectors(2, -9, 9), nonzero_int_vectors(2, -9, 9)  # b = a + (b - a), b - a nonzero
    return st.builds(lines, v, w, v, w, v)


def _symbolic(example: dict[str, Any]) -> list[float]:
    r, a, b, c, d = (example[k] for k in ("point", "a", "b", "c", "d"))
    x = line_intersection_symbolic(a, b, c, d)
    meet = [1.0, 0.0, 0.0] if x is None else [0.0, *(float(v) for v in x)]  # parallel flag, point
    side = halfplane_side_symbolic(r, a, b)
    assert isinstance(side, int)
    return [float(side), *map(float, project_onto_line_symbolic(r, a, b)), float(point_line_distance_symbolic(r, a, b)), *meet]


def _numeric(example: dict[str, Any]) -> list[float]:
    r, a, b, c, d = (np.array(example[k], dtype=float) for k in ("point", "a", "b", "c", "d"))
    x = line_intersection(a, b, c, d)
    meet = [1.0, 0.0, 0.0] if x is None else [0.0, *x.tolist()]
    return [float(halfplane_side(r, a, b)), *project_onto_line(r, a, b).tolist(), point_line_distance(r, a, b), *meet]


CONCEPTS = (
    Concept(
        name="lines-and-half-planes",
        area="geometry",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-14, atol=1e-14, why="small integers: crosses and dots exact, each of (17)-(19) rounded a few times"),
        references=REFERENCES,
        page="geometry/constructions.md",
    ),
)

r"""Polygons: the signed area by the shoelace formula, and whether a point is inside, on the boundary or outside.

A polygon is its vertices :math:`v_0, \dots, v_{n-1}` in order, the last joined back to
the first. Its signed area is the sum of the signed areas of the triangles
:math:`(0, v_i, v_{i+1})`:

.. math::

    A = \frac12 \sum_{i=0}^{n-1} (x_i\, y_{i+1} - x_{i+1}\, y_i), \qquad v_n = v_0 \qquad (12)

positive when the vertices run counter-clockwise. For a polygon that crosses itself, (12)
is the area weighted by the winding number of each region, which is not the area of the
region it encloses.

A point :math:`r` is on the boundary when it lies on one of the edges; otherwise it is
inside when the winding number of the polygon around it is nonzero. The winding number
counts, for each edge that crosses the horizontal line through :math:`r` (lower end
included, upper excluded), +1 for an upward edge with :math:`r` on its left and −1 for a
downward edge with :math:`r` on its right:

.. math::

    w(r) = \sum_{y_i \le r_y < y_{i+1}} [D(v_i, v_{i+1}, r) > 0]
         - \sum_{y_{i+1} \le r_y < y_i} [D(v_i, v_{i+1}, r) < 0] \qquad (13)

For a simple polygon, nonzero winding and the even-odd rule agree; for a self-crossing
one this module answers by the nonzero winding rule (shapely answers by even-odd, so the
two can differ there).

**Conventions**: ``points`` and ``polygon`` are ``(n, 2)`` arrays of vertices, ``n >= 3``,
without repeating the first vertex at the end; the area is signed; the answer of
:func:`point_in_polygon` is ``"inside"``, ``"boundary"`` or ``"outside"``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import ExactNumbers, exact_array, exact_vector
from .._validate import as_array
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from .floating import SPLITTER
from .orientation import orient2d

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["derivations", "point_in_polygon", "point_in_polygon_symbolic", "polygon_area", "polygon_area_symbolic"]

REFERENCES = (
    "D. Sunday, Practical Geometry Algorithms (2021), chapter on polygon area and winding number inclusion.",
    "J. O'Rourke, Computational Geometry in C, 2nd ed. (1998), sections 1.3 and 7.4.",
)


def _exact_polygon(points: ExactNumbers, name: str) -> list[tuple[sp.Expr, sp.Expr]]:
    v = exact_array(points, name, shape=(None, 2))
    if v.shape[0] < 3:
        raise ValueError(f"{name}: expected a polygon of at least 3 vertices; got {v.shape[0]}")
    return [(x, y) for x, y in v]


def polygon_area_symbolic(points: ExactNumbers) -> sp.Expr:
    """The signed area (12) of the polygon, exactly (doubles at their binary value).

    Examples
    --------
    >>> polygon_area_symbolic([(0, 0), (2, 0), (2, 1), (0, 1)])
    2
    >>> polygon_area_symbolic([(0, 0), (0, 1), (1, 0)])
    -1/2
    """
    v = _exact_polygon(points, "points")
    return sp.Rational(1, 2) * sp.Add(*(v[i - 1][0] * v[i][1] - v[i][0] * v[i - 1][1] for i in range(len(v))))


def point_in_polygon_symbolic(point: ExactNumbers, polygon: ExactNumbers) -> str:
    """Inside, on the boundary or outside, exactly: a ray to the right counts crossings (even-odd).

    The crossing abscissa of each edge with the horizontal line through ``point`` is
    computed as an exact rational: an independent route from the winding number (13).

    Examples
    --------
    >>> square = [(0, 0), (2, 0), (2, 2), (0, 2)]
    >>> [point_in_polygon_symbolic(p, square) for p in [(1, 1), (2, 1), (3, 1)]]
    ['inside', 'boundary', 'outside']
    """
    rx, ry = (Fraction(int(c.p), int(c.q)) for c in exact_vector(point, "point", length=2))
    v = [(Fraction(int(x.p), int(x.q)), Fraction(int(y.p), int(y.q))) for x, y in _exact_polygon(polygon, "polygon")]
    crossings = 0
    for (ax, ay), (bx, by) in zip(v, v[1:] + v[:1]):
        if (bx - ax) * (ry - ay) == (by - ay) * (rx - ax) and min(ax, bx) <= rx <= max(ax, bx) and min(ay, by) <= ry <= max(ay, by):
            return "boundary"
        if (ay <= ry) != (by <= ry):  # the edge crosses the line y = r_y (half-open)
            x_cross = ax + (ry - ay) * (bx - ax) / (by - ay)
            crossings += x_cross > rx
    return "inside" if crossings % 2 else "outside"


def _polygon(x: ArrayLike, name: str) -> NDArray[np.float64]:
    v = as_array(x, name, shape=(None, 2))
    if v.shape[0] < 3:
        raise ValueError(f"{name}: expected a polygon of at least 3 vertices; got {v.shape[0]}")
    return v


def _split(a: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    c = SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def _two_product(a: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Dekker's two-product (4), elementwise: ``a b = x + y`` exactly."""
    x = a * b
    (ahi, alo), (bhi, blo) = _split(a), _split(b)
    return x, alo * blo - (((x - ahi * bhi) - alo * bhi) - ahi * blo)


def polygon_area(points: ArrayLike) -> float:
    """The signed area (12) of the polygon, correctly rounded: products split exactly, then ``math.fsum``.

    Each product :math:`x_i y_{i+1}` is split by Dekker's two-product into a double and its
    exact rounding error, and the :math:`4n` parts are added by ``math.fsum``, which returns
    the double nearest their exact sum. Coordinates outside :math:`[2^{-400}, 2^{400}]` in
    magnitude (where the split may overflow or its error underflow) are summed as exact
    rationals instead.

    Parameters
    ----------
    points
        ``(n, 2)`` vertices of finite doubles in order, ``n >= 3``.

    Returns
    -------
    float
        The double nearest the exact signed area; positive for counter-clockwise vertices.

    Raises
    ------
    TypeError, ValueError
        If ``points`` is not an ``(n, 2)`` array of finite numbers with ``n >= 3``.

    Examples
    --------
    >>> polygon_area([[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [0.0, 1.0]])
    2.0
    """
    v = _polygon(points, "points")
    x, y = v[:, 0], v[:, 1]
    x_next, y_next = np.roll(x, -1), np.roll(y, -1)
    magnitudes = np.abs(v[v != 0])
    if magnitudes.size and (magnitudes.min() < 2.0**-400 or magnitudes.max() > 2.0**400):
        exact = sum(Fraction(a) * Fraction(b) - Fraction(c) * Fraction(d) for a, b, c, d in zip(x, y_next, x_next, y))
        return float(Fraction(exact) / 2)
    left, left_err = _two_product(x, y_next)  # x_i y_(i+1), exactly as two doubles
    right, right_err = _two_product(x_next, y)  # x_(i+1) y_i
    return math.fsum(np.concatenate([left, left_err, -right, -right_err])) / 2  # (12); halving is exact


def point_in_polygon(point: ArrayLike, polygon: ArrayLike) -> str:
    """Inside, on the boundary or outside, by the winding number (13) with the exact orientation predicate.

    Parameters
    ----------
    point
        ``(x, y)`` of finite doubles.
    polygon
        ``(n, 2)`` vertices in order, ``n >= 3``; a self-crossing polygon is answered by the
        nonzero winding rule.

    Returns
    -------
    str
        ``"inside"``, ``"boundary"`` or ``"outside"``.

    Raises
    ------
    TypeError, ValueError
        If ``point`` is not a pair or ``polygon`` not an ``(n, 2)`` array of finite numbers, ``n >= 3``.

    Examples
    --------
    >>> point_in_polygon([1.0, 1.0], [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]])
    'inside'
    """
    r = as_array(point, "point", shape=(2,))
    a = _polygon(polygon, "polygon")
    b = np.roll(a, -1, axis=0)
    side = np.asarray(orient2d(a, b, r))  # D(v_i, v_(i+1), r) for every edge, exact
    in_box = np.all((np.minimum(a, b) <= r) & (r <= np.maximum(a, b)), axis=1)
    if np.any((side == 0) & in_box):
        return "boundary"
    up = (a[:, 1] <= r[1]) & (r[1] < b[:, 1])
    down = (b[:, 1] <= r[1]) & (r[1] < a[:, 1])
    winding = np.count_nonzero(up & (side > 0)) - np.count_nonzero(down & (side < 0))  # (13)
    return "inside" if winding != 0 else "outside"


def derivations() -> tuple[Derivation, ...]:
    """The verified derivation the page renders: the shoelace formula (12) is additive over a triangle fan.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven']
    """
    x = sp.symbols("x_0:4", real=True)
    y = sp.symbols("y_0:4", real=True)

    def shoelace(idx: list[int]) -> sp.Expr:
        return sp.Rational(1, 2) * sp.Add(*(x[idx[k - 1]] * y[idx[k]] - x[idx[k]] * y[idx[k - 1]] for k in range(len(idx))))

    return (
        Derivation(
            "The area of a quadrilateral is the sum of its two triangles $v_0v_1v_2$ and $v_0v_2v_3$",
            [
                Step(shoelace([0, 1, 2, 3]), "(12) for $n = 4$"),
                Step(shoelace([0, 1, 2]) + shoelace([0, 2, 3]), "the diagonal $v_0v_2$ is walked once each way and cancels"),
            ],
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    coords = st.integers(-20, 20).map(lambda k: k / 4)
    return st.fixed_dictionaries({"points": st.lists(st.tuples(coords, coords), min_size=3, max_size=12)})


CONCEPTS = (
    Concept(
        name="polygon-area",
        area="geometry",
        symbolic=lambda ex: float(polygon_area_symbolic(ex["points"])),
        numeric=lambda ex: polygon_area(ex["points"]),
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="correctly rounded: the numeric twin returns the double nearest the exact area"),
        references=REFERENCES,
        page="geometry/constructions.md",
    ),
)

r"""Segments: where a point lies relative to a segment, and how two segments meet.

A point :math:`r` lies left of the directed segment :math:`pq` when :math:`D(p, q, r) > 0`
(the orientation (5)), right when :math:`D < 0`; when :math:`D = 0` it is on the line, and
on the segment exactly when also :math:`(r - p)\cdot(r - q) \le 0` (it is between the
endpoints).

Two segments :math:`ab` and :math:`cd` cross **properly** (at one point inside both) when

.. math::

    D(a, b, c)\, D(a, b, d) < 0 \quad\text{and}\quad D(c, d, a)\, D(c, d, b) < 0 \qquad (10)

and then the crossing point is

.. math::

    x = a + t\,(b - a), \qquad t = \frac{(c - a) \times (d - c)}{(b - a) \times (d - c)} \qquad (11)

Otherwise they **touch** (meet in one point that is an endpoint of one of them), **overlap**
(collinear, sharing a piece of positive length), or do not meet.

**Conventions**: the kinds are the strings ``"none"``, ``"proper"``, ``"touching"`` and
``"overlap"``; the symbolic twin returns the meeting point (or the overlap's two ends,
lexicographically ordered) as exact rationals; the numeric twin decides the kind with the
exact predicate on the doubles as given and rounds the point of (11).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import ExactNumbers, exact_vector
from .._validate import as_array
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from .orientation import orient2d

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "SegmentIntersection",
    "SegmentIntersectionSymbolic",
    "derivations",
    "point_segment_position",
    "point_segment_position_symbolic",
    "segment_intersection",
    "segment_intersection_symbolic",
]

REFERENCES = (
    "T. H. Cormen, C. E. Leiserson, R. L. Rivest, C. Stein, Introduction to Algorithms, 3rd ed. (2009), "
    "section 33.1 (SEGMENTS-INTERSECT).",
)


class SegmentIntersectionSymbolic(NamedTuple):
    """How two segments meet, exactly: ``kind`` and the meeting points (none, one, or the overlap's two ends)."""

    kind: str
    points: tuple[tuple[sp.Rational, sp.Rational], ...]


class SegmentIntersection(NamedTuple):
    """How two segments meet: ``kind`` (decided exactly) and the meeting points as a ``(k, 2)`` float array."""

    kind: str
    points: NDArray[np.float64]


def _exact_point(x: ExactNumbers, name: str) -> tuple[Fraction, Fraction]:
    px, py = exact_vector(x, name, length=2)
    return Fraction(int(px.p), int(px.q)), Fraction(int(py.p), int(py.q))


def _det(p: tuple[Fraction, Fraction], q: tuple[Fraction, Fraction], r: tuple[Fraction, Fraction]) -> Fraction:
    return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])


def _rational_pair(p: tuple[Fraction, Fraction]) -> tuple[sp.Rational, sp.Rational]:
    return sp.Rational(p[0].numerator, p[0].denominator), sp.Rational(p[1].numerator, p[1].denominator)


def _between(p: Any, q: Any, r: Any) -> bool:
    """For collinear ``p, q, r``: whether ``r`` lies on the closed segment ``pq``."""
    return bool((r[0] - p[0]) * (r[0] - q[0]) + (r[1] - p[1]) * (r[1] - q[1]) <= 0)


def point_segment_position_symbolic(point: ExactNumbers, p: ExactNumbers, q: ExactNumbers) -> str:
    """Where ``point`` lies relative to the directed segment ``pq``, exactly.

    Returns
    -------
    str
        ``"left"``, ``"right"``, ``"on segment"`` or ``"on line"`` (collinear, outside the segment).

    Examples
    --------
    >>> point_segment_position_symbolic((1, 1), (0, 0), (2, 0)), point_segment_position_symbolic((3, 0), (0, 0), (2, 0))
    ('left', 'on line')
    """
    r, a, b = _exact_point(point, "point"), _exact_point(p, "p"), _exact_point(q, "q")
    if a == b:
        raise ValueError("p, q: expected two different endpoints; got a segment of length 0")
    d = _det(a, b, r)
    if d != 0:
        return "left" if d > 0 else "right"
    return "on segment" if _between(a, b, r) else "on line"


def segment_intersection_symbolic(
    a: ExactNumbers, b: ExactNumbers, c: ExactNumbers, d: ExactNumbers
) -> SegmentIntersectionSymbolic:
    """How the segments ``ab`` and ``cd`` meet, with the meeting point(s) as exact rationals.

    Examples
    --------
    >>> segment_intersection_symbolic((0, 0), (2, 2), (0, 2), (2, 0))
    SegmentIntersectionSymbolic(kind='proper', points=((1, 1),))
    >>> segment_intersection_symbolic((0, 0), (2, 0), (1, 0), (3, 0)).kind
    'overlap'
    """
    A, B, C, D = (_exact_point(x, n) for x, n in ((a, "a"), (b, "b"), (c, "c"), (d, "d")))
    d1, d2, d3, d4 = _det(A, B, C), _det(A, B, D), _det(C, D, A), _det(C, D, B)
    if d1 * d2 < 0 and d3 * d4 < 0:  # (10)
        t = d3 / (d3 - d4)  # (c - a) x (d - c) / ((b - a) x (d - c)), (11)
        point = (A[0] + t * (B[0] - A[0]), A[1] + t * (B[1] - A[1]))
        return SegmentIntersectionSymbolic("proper", (_rational_pair(point),))
    if d1 == d2 == d3 == d4 == 0:  # all four collinear
        ends = sorted(p for p in {A, B, C, D} if _between(A, B, p) and _between(C, D, p))
        kind = "none" if not ends else ("touching" if ends[0] == ends[-1] else "overlap")
        chosen = [] if not ends else sorted({ends[0], ends[-1]})
    else:
        chosen = sorted({p for p, s, (u, v) in ((C, d1, (A, B)), (D, d2, (A, B)), (A, d3, (C, D)), (B, d4, (C, D))) if s == 0 and _between(u, v, p)})
        kind = "touching" if chosen else "none"
    return SegmentIntersectionSymbolic(kind, tuple(_rational_pair(p) for p in chosen))


def _point(x: ArrayLike, name: str) -> NDArray[np.float64]:
    return as_array(x, name, shape=(2,))


def point_segment_position(point: ArrayLike, p: ArrayLike, q: ArrayLike) -> str:
    """Where ``point`` lies relative to the directed segment ``pq``, decided exactly on the doubles given.

    Examples
    --------
    >>> point_segment_position([0.1, 0.2], [0.0, 0.0], [0.3, 0.6])
    'on segment'
    """
    r, a, b = _point(point, "point"), _point(p, "p"), _point(q, "q")
    if np.array_equal(a, b):
        raise ValueError("p, q: expected two different endpoints; got a segment of length 0")
    s = orient2d(a, b, r)  # (5), exact
    if s != 0:
        return "left" if s > 0 else "right"
    inside = all(min(a[k], b[k]) <= r[k] <= max(a[k], b[k]) for k in range(2))  # collinear: between iff inside the box
    return "on segment" if inside else "on line"


def segment_intersection(a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike) -> SegmentIntersection:
    """How the segments ``ab`` and ``cd`` meet: the kind decided exactly, the point of (11) rounded.

    Parameters
    ----------
    a, b, c, d
        Endpoints ``(x, y)`` of finite doubles.

    Returns
    -------
    SegmentIntersection
        ``kind`` and a ``(k, 2)`` array: the crossing point (``"proper"``), the common
        endpoint (``"touching"``), the overlap's two ends (``"overlap"``), or none.

    Examples
    --------
    >>> segment_intersection([0.0, 0.0], [2.0, 2.0], [0.0, 2.0], [2.0, 0.0])
    SegmentIntersection(kind='proper', points=array([[1., 1.]]))
    """
    A, B, C, D = _point(a, "a"), _point(b, "b"), _point(c, "c"), _point(d, "d")
    d1, d2, d3, d4 = orient2d(A, B, C), orient2d(A, B, D), orient2d(C, D, A), orient2d(C, D, B)  # (5), exact
    if d1 * d2 < 0 and d3 * d4 < 0:  # (10)
        e = D - C
        t = ((C[0] - A[0]) * e[1] - (C[1] - A[1]) * e[0]) / ((B[0] - A[0]) * e[1] - (B[1] - A[1]) * e[0])  # (11)
        return SegmentIntersection("proper", (A + t * (B - A))[None, :])

    def on(u: NDArray[np.float64], v: NDArray[np.float64], r: NDArray[np.float64]) -> bool:
        return bool(np.all(np.minimum(u, v) <= r) and np.all(r <= np.maximum(u, v)))

    if d1 == d2 == d3 == d4 == 0:
        ends = sorted({tuple(p) for p in (A, B, C, D) if on(A, B, p) and on(C, D, p)})
        kind = "none" if not ends else ("touching" if ends[0] == ends[-1] else "overlap")
        chosen = [] if not ends else sorted({ends[0], ends[-1]})
    else:
        pairs = ((C, d1, A, B), (D, d2, A, B), (A, d3, C, D), (B, d4, C, D))
        chosen = sorted({tuple(p) for p, s, u, v in pairs if s == 0 and on(u, v, p)})
        kind = "touching" if chosen else "none"
    return SegmentIntersection(kind, np.array(chosen, dtype=np.float64).reshape(-1, 2))


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivation the page renders: the point (11) lies on the line through ``c`` and ``d``.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven']
    """
    ax, ay, bx, by, cx, cy, dx, dy, t = sp.symbols("a_x a_y b_x b_y c_x c_y d_x d_y t", real=True)
    cross = lambda ux, uy, vx, vy: ux * vy - uy * vx  # noqa: E731
    t_value = cross(cx - ax, cy - ay, dx - cx, dy - cy) / cross(bx - ax, by - ay, dx - cx, dy - cy)
    x, y = ax + t * (bx - ax), ay + t * (by - ay)
    return (
        Derivation(
            "The point $a + t(b - a)$ of (11) is on the line $cd$: $(x - c) \\times (d - c) = 0$",
            [
                Step(cross(x - cx, y - cy, dx - cx, dy - cy), "the orientation of $c, d, x$"),
                Step(cross(ax - cx, ay - cy, dx - cx, dy - cy) + t * cross(bx - ax, by - ay, dx - cx, dy - cy), "linear in $t$"),
                Step(sp.Integer(0), "$t$ from (11) cancels the two terms"),
            ],
            where={t: t_value},
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    from ..testing import int_vectors, nonzero_int_vectors

    def segments(a: list[int], ab: list[int], c: list[int], cd: list[int]) -> dict[str, Any]:
        return {"a": a, "b": [a[0] + ab[0], a[1] + ab[1]], "c": c, "d": [c[0] + cd[0], c[1] + cd[1]]}

    v, w = int_vectors(2, -4, 4), nonzero_int_vectors(2, -4, 4)  # b = a + (b - a) with b - a nonzero
    return st.builds(segments, v, w, v, w)


def _symbolic(example: dict[str, Any]) -> tuple[str, list[list[float]]]:
    r = segment_intersection_symbolic(example["a"], example["b"], example["c"], example["d"])
    return r.kind, [[float(v) for v in p] for p in r.points]


def _numeric(example: dict[str, Any]) -> tuple[str, list[list[float]]]:
    r = segment_intersection(*(np.array(example[k], dtype=float) for k in "abcd"))
    return r.kind, r.points.tolist()


def _compare(exact: Any, numeric: Any, tolerance: Tolerance) -> None:
    if exact[0] != numeric[0]:
        raise AssertionError(f"segment intersection: kind {numeric[0]!r}, exactly {exact[0]!r}")
    tolerance.assert_close(exact[1], numeric[1], "geometry/segment-intersection")


CONCEPTS = (
    Concept(
        name="segment-intersection",
        area="geometry",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-15, atol=1e-15, why="small integers: the crosses are exact, t and the point rounded twice"),
        references=REFERENCES,
        page="geometry/constructions.md",
        compare=_compare,
    ),
)

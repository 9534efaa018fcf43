r"""The convex hull (凸包) of a finite set of points, by Andrew's monotone chain on the exact orientation predicate.

The convex hull of a set :math:`S` is the smallest convex polygon that contains it; its
vertices are points of :math:`S`. Andrew's monotone chain sorts the points by
:math:`(x, y)` and builds the lower hull left to right and the upper hull right to left,
keeping a stack of points in which every three consecutive ones turn left:

.. math::

    \text{pop } h_k \text{ while } D(h_{k-1}, h_k, s) \le 0 \quad (< 0 \text{ to keep collinear points}) \qquad (14)

then pushes the new point :math:`s`. With an exact :math:`D` (the orientation (5)) the
result is the exact hull of the doubles as given; with a rounded :math:`D` the chain can
drop a true vertex or keep a point inside (Kettner et al. 2008, section 4).

The symbolic twin is an independent algorithm: Jarvis's gift wrapping on exact
rationals, which from each hull vertex takes as the next one the point that leaves every
other point on its left.

**Conventions**: the hull's vertices come counter-clockwise, starting from the smallest
point in :math:`(x, y)` order, without repeating the first one; duplicates are merged;
collinear points on the hull's edges are dropped unless ``collinear=True``. When all
points lie on one line the hull is that segment: its two ends, or with ``collinear=True``
every point in :math:`(x, y)` order. One distinct point is its own hull.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._backend import compiled
from .._exact import ExactNumbers, exact_array
from .._validate import as_array, as_flag
from ..registry import Concept, Tolerance
from .orientation import orient2d, orient2d_naive

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["convex_hull", "convex_hull_incremental", "convex_hull_symbolic"]

REFERENCES = (
    "A. M. Andrew, Another efficient algorithm for convex hulls in two dimensions, Inform. Process. Lett. 9 (1979) 216-219.",
    "R. A. Jarvis, On the identification of the convex hull of a finite set of points in the plane, "
    "Inform. Process. Lett. 2 (1973) 18-21.",
    "S. G. Akl and G. T. Toussaint, A fast convex hull algorithm, Inform. Process. Lett. 7 (1978) 219-222.",
    "L. Kettner, K. Mehlhorn, S. Pion, S. Schirra, C. Yap, Classroom examples of robustness problems in "
    "geometric computations, Comput. Geom. 40 (2008) 61-78, section 4.",
)

Point = tuple[Fraction, Fraction]


def _det(p: Point, q: Point, r: Point) -> Fraction:
    return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])


def _dot(p: Point, q: Point, r: Point) -> Fraction:
    return (q[0] - p[0]) * (r[0] - p[0]) + (q[1] - p[1]) * (r[1] - p[1])


def convex_hull_symbolic(points: ExactNumbers, *, collinear: bool = False) -> list[tuple[sp.Rational, sp.Rational]]:
    """The hull's vertices, exactly, by gift wrapping on rationals.

    Examples
    --------
    >>> convex_hull_symbolic([(0, 0), (2, 0), (1, 1), (2, 2), (0, 2), (1, 0)])
    [(0, 0), (2, 0), (2, 2), (0, 2)]
    >>> convex_hull_symbolic([(0, 0), (2, 0), (2, 2), (0, 2), (1, 0)], collinear=True)
    [(0, 0), (1, 0), (2, 0), (2, 2), (0, 2)]
    """
    keep = as_flag(collinear, "collinear")
    pts: list[Point] = sorted({(Fraction(int(x.p), int(x.q)), Fraction(int(y.p), int(y.q))) for x, y in exact_array(points, "points", shape=(None, 2))})
    if len(pts) == 1 or all(_det(pts[0], pts[-1], p) == 0 for p in pts):
        hull = pts if keep else [pts[0], pts[-1]][: len(pts)]
    else:
        hull = [pts[0]]
        while True:
            cur, visited = hull[-1], set(hull[1:])  # a visited point is never next: only the start closes the loop
            candidates = [p for p in pts if p not in visited]
            cand = candidates[-1]
            for p in candidates:
                d = _det(cur, cand, p)
                ahead = _dot(cur, cand, p) > 0
                nearer = _dot(cur, p, p) < _dot(cur, cand, cand)
                if d < 0 or (d == 0 and ahead and nearer == keep):  # p right of cur->cand, or a better collinear pick
                    cand = p
            if cand == hull[0]:
                break
            hull.append(cand)
    return [(sp.Rational(x.numerator, x.denominator), sp.Rational(y.numerator, y.denominator)) for x, y in hull]


def _sorted_unique(pts: NDArray[np.float64]) -> NDArray[np.float64]:
    """The distinct points in (x, y) order (-0.0 merged with 0.0)."""
    pts = pts + 0.0
    s = pts[np.lexsort((pts[:, 1], pts[:, 0]))]
    fresh = np.ones(len(s), dtype=bool)
    fresh[1:] = np.any(s[1:] != s[:-1], axis=1)
    return s[fresh]


def _chain(pts: NDArray[np.float64], keep: bool) -> list[int]:
    """One monotone chain (14) over ``pts`` in the given order: indices of the chain."""
    stack: list[int] = []
    for i in range(len(pts)):
        while len(stack) >= 2:
            turn = orient2d(pts[stack[-2]], pts[stack[-1]], pts[i])  # (5), exact
            if turn < 0 or (turn == 0 and not keep):  # (14)
                stack.pop()
            else:
                break
        stack.append(i)
    return stack


def convex_hull(points: ArrayLike, *, collinear: bool = False, backend: str = "auto") -> NDArray[np.float64]:
    """The hull's vertices, counter-clockwise: Andrew's monotone chain (14) with the exact predicate.

    Parameters
    ----------
    points
        ``(n, 2)`` array of finite doubles, ``n >= 1``.
    collinear
        Keep the points that lie on the hull's edges between two vertices.
    backend
        ``"auto"``, ``"numba"`` (compiled chain, after discarding the points strictly inside
        the quadrilateral of the four extreme points, Akl and Toussaint's heuristic) or
        ``"numpy"`` (the readable chain below). Coordinates outside
        :math:`[2^{-300}, 2^{300}]` in magnitude always take the readable chain.

    Returns
    -------
    numpy.ndarray
        ``(k, 2)``: the hull's vertices, from the smallest in :math:`(x, y)` order.

    Raises
    ------
    TypeError, ValueError
        If ``points`` is not a non-empty ``(n, 2)`` array of finite numbers, or ``collinear``
        is not a bool.

    Examples
    --------
    >>> convex_hull([[0.0, 0.0], [2.0, 0.0], [1.0, 1.0], [2.0, 2.0], [0.0, 2.0], [1.0, 0.0]])
    array([[0., 0.],
           [2., 0.],
           [2., 2.],
           [0., 2.]])
    """
    pts = as_array(points, "points", shape=(None, 2))
    keep = as_flag(collinear, "collinear")
    kernels = compiled("refalgo.geometry._engine.kernels", backend)
    if kernels is not None and kernels.all_in_range(pts):
        return _compiled_hull(np.ascontiguousarray(pts), keep, kernels)
    s = _sorted_unique(pts)  # sort by (x, y)                                (14)
    if len(s) <= 2:
        return s
    lower, upper = _chain(s, keep), _chain(s[::-1], keep)
    if keep and len(lower) == len(upper) == len(s):  # all on one line: both chains hold every point
        return s
    upper = [len(s) - 1 - i for i in upper]
    return s[lower[:-1] + upper[:-1]]


def _compiled_hull(pts: NDArray[np.float64], keep: bool, kernels: Any) -> NDArray[np.float64]:
    extremes = kernels.extremes(pts)  # counter-clockwise points of the hull's boundary
    quad = pts[[i for k, i in enumerate(extremes) if k == 0 or not np.array_equal(pts[i], pts[extremes[k - 1]])]]
    if len(quad) > 1 and np.array_equal(quad[0], quad[-1]):
        quad = quad[:-1]
    inside = kernels.interior_mask(pts, np.ascontiguousarray(quad))  # strictly inside: not on the hull
    s = _sorted_unique(pts[~inside])
    if len(s) <= 2:
        return s
    return s[kernels.hull_chain(s, np.arange(len(s), dtype=np.int64), keep)]


def _visible_chain(visible: list[bool], i: int) -> tuple[int, int]:
    """The first and last edge of the run of visible edges through edge ``i`` (edge ``k`` joins vertices ``k``, ``k + 1``)."""
    n, start, end = len(visible), i, i
    for _ in range(n - 1):  # at most once round: a point that sees every edge stops here (Kettner et al.'s B1)
        if not visible[(start - 1) % n]:
            break
        start = (start - 1) % n
    for _ in range(n - 1):
        if not visible[(end + 1) % n] or (end + 1) % n == start:
            break
        end = (end + 1) % n
    return start, end


def convex_hull_incremental(points: ArrayLike, *, predicate: str = "naive") -> NDArray[np.float64]:
    """The incremental hull of Kettner et al. (2008, section 4.1), on the naive or the exact predicate.

    Start with the triangle of the first three points, counter-clockwise. For each further
    point :math:`r`, look for an edge :math:`(h_k, h_{k+1})` that :math:`r` sees,
    :math:`D(h_k, h_{k+1}, r) < 0`; if there is none, :math:`r` is taken to be inside and
    dropped; otherwise the run of visible edges around that edge is replaced by the two
    edges through :math:`r`. With ``predicate="naive"`` (the float determinant) this is the
    algorithm whose failures the paper constructs: an outside point that sees no edge is
    lost, an inside point that sees an edge makes the hull non-convex. This function exists
    to show those failures; use :func:`convex_hull` for hulls.

    Parameters
    ----------
    points
        ``(n, 2)`` array of finite doubles, ``n >= 3``, the first three not collinear
        (decided by the chosen predicate).
    predicate
        ``"naive"`` (:func:`orient2d_naive`) or ``"exact"`` (:func:`orient2d`).

    Returns
    -------
    numpy.ndarray
        ``(k, 2)``: the vertices the algorithm ends with, counter-clockwise as it sees them.

    Raises
    ------
    TypeError, ValueError
        If ``points`` is not an ``(n, 2)`` array of finite numbers with ``n >= 3``, the first three
        are collinear, or ``predicate`` is not one of the two names.

    Examples
    --------
    >>> convex_hull_incremental([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.2, 0.2]]).tolist()
    [[0.0, 1.0], [0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]
    """
    pts = as_array(points, "points", shape=(None, 2))
    if predicate not in ("naive", "exact"):
        raise ValueError(f"predicate: expected 'naive' or 'exact'; got {predicate!r}")
    orient = orient2d_naive if predicate == "naive" else orient2d
    if len(pts) < 3 or orient(pts[0], pts[1], pts[2]) == 0:
        raise ValueError(f"points: expected at least three points, the first three not collinear; got {len(pts)} points")
    hull = [pts[0], pts[1], pts[2]] if orient(pts[0], pts[1], pts[2]) > 0 else [pts[1], pts[0], pts[2]]
    for r in pts[3:]:
        n = len(hull)
        visible = [bool(orient(hull[k], hull[(k + 1) % n], r) < 0) for k in range(n)]  # r sees edge k
        if not any(visible):
            continue  # taken to be inside
        start, end = _visible_chain(visible, visible.index(True))
        kept = [hull[(end + 1 + m) % n] for m in range((start - end - 1) % n + 1)]  # vertices end+1, ..., start
        hull = [*kept, r]
    return np.array(hull, dtype=np.float64)


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    coords = st.integers(-6, 6).map(float)
    return st.fixed_dictionaries(
        {"points": st.lists(st.tuples(coords, coords), min_size=1, max_size=25), "collinear": st.booleans()}
    )


def _symbolic(example: dict[str, Any]) -> NDArray[np.float64]:
    return np.array(convex_hull_symbolic(example["points"], collinear=example["collinear"]), dtype=np.float64)


def _numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    return convex_hull(example["points"], collinear=example["collinear"])


CONCEPTS = (
    Concept(
        name="convex-hull",
        area="geometry",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="exact: the same vertices, in the same order"),
        references=REFERENCES,
        page="geometry/convex-hull.md",
    ),
)

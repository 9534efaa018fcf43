"""Vectors, segments, polygons and the convex hull: the twins agree and the theorems hold as properties."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from refalgo.geometry import (
    angle,
    angle_symbolic,
    convex_hull,
    convex_hull_symbolic,
    cross,
    dot,
    point_in_polygon,
    point_in_polygon_symbolic,
    point_segment_position,
    polar_sort,
    polar_sort_symbolic,
    polygon_area,
    polygon_area_symbolic,
    rotate,
    rotate_symbolic,
    segment_intersection,
    segment_intersection_symbolic,
)
from tests.geometry._helpers import exact_orientation

small = st.integers(-8, 8).map(float)
pts = st.tuples(small, small)
cloud = st.lists(pts, min_size=1, max_size=40)
fine = st.integers(-(2**20), 2**20).map(lambda k: k * 2.0**-10)


def test_vectors_worked_values() -> None:
    """Dot, cross and angle of (3, 4) and (4, 3): 24, -7 and -atan(7/24); rotating (1, 0) by pi/3 gives (1/2, sqrt(3)/2)."""
    assert dot([3.0, 4.0], [4.0, 3.0]) == 24.0 and cross([3.0, 4.0], [4.0, 3.0]) == -7.0
    assert sp.simplify(angle_symbolic((3, 4), (4, 3)) + sp.atan(sp.Rational(7, 24))) == 0
    assert abs(angle([3.0, 4.0], [4.0, 3.0]) + np.arctan(7 / 24)) < 1e-15
    assert rotate_symbolic((1, 0), sp.pi / 3) == (sp.Rational(1, 2), sp.sqrt(3) / 2)
    assert np.allclose(rotate([1.0, 0.0], np.pi / 3), [0.5, np.sqrt(3) / 2], rtol=0, atol=1e-15)


@given(st.lists(st.tuples(st.integers(-9, 9), st.integers(-9, 9)).filter(lambda v: v != (0, 0)), min_size=1, max_size=12, unique_by=lambda v: sp.atan2(v[1], v[0])))
def test_polar_sort_twins_agree_on_distinct_directions(vs: list[tuple[int, int]]) -> None:
    """On integer vectors with distinct directions the atan2 order equals the exact half-plane-and-cross order."""
    assert polar_sort(np.array(vs, dtype=float)).tolist() == polar_sort_symbolic(vs)


@given(pts, pts, pts)
def test_point_segment_position_follows_orientation(a: tuple[float, float], b: tuple[float, float], r: tuple[float, float]) -> None:
    """Left and right are the exact orientation's sign; "on segment" means collinear and between the endpoints."""
    if a == b:
        return
    pos = point_segment_position(r, a, b)
    s = exact_orientation(a, b, r)
    assert pos == {1: "left", -1: "right"}.get(s, pos)
    if s == 0:
        between = all(min(a[k], b[k]) <= r[k] <= max(a[k], b[k]) for k in range(2))
        assert pos == ("on segment" if between else "on line")


@given(pts, pts, pts, pts)
def test_segment_intersection_twins_and_symmetry(a, b, c, d) -> None:  # type: ignore[no-untyped-def]
    """The numeric kind equals the exact kind; swapping the segments or their ends changes neither the kind nor the points."""
    if a == b or c == d:
        return
    exact = segment_intersection_symbolic(a, b, c, d)
    num = segment_intersection(a, b, c, d)
    assert num.kind == exact.kind
    assert np.allclose(num.points, np.array(exact.points, dtype=float).reshape(-1, 2), rtol=1e-15, atol=1e-15)
    assert segment_intersection_symbolic(d, c, b, a) == exact


def test_segment_intersection_kinds() -> None:
    """A cross at (1, 1); a T touching at (1, 0); a collinear overlap [1, 2]; parallel segments that never meet; an exact rational crossing."""
    assert segment_intersection([0.0, 0.0], [2.0, 2.0], [0.0, 2.0], [2.0, 0.0]).kind == "proper"
    t = segment_intersection([0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [1.0, 5.0])
    assert t.kind == "touching" and t.points.tolist() == [[1.0, 0.0]]
    o = segment_intersection([0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [3.0, 0.0])
    assert o.kind == "overlap" and o.points.tolist() == [[1.0, 0.0], [2.0, 0.0]]
    assert segment_intersection([0.0, 0.0], [2.0, 0.0], [0.0, 1.0], [2.0, 1.0]).kind == "none"
    r = segment_intersection_symbolic((0, 0), (3, 1), (0, 1), (1, 0))
    assert r.points == ((sp.Rational(3, 4), sp.Rational(1, 4)),)


@given(st.lists(st.tuples(fine, fine), min_size=3, max_size=30))
def test_polygon_area_is_correctly_rounded(vs: list[tuple[float, float]]) -> None:
    """The numeric area is the double nearest the exact shoelace sum (computed here with Fraction)."""
    exact = sum(Fraction(vs[i - 1][0]) * Fraction(vs[i][1]) - Fraction(vs[i][0]) * Fraction(vs[i - 1][1]) for i in range(len(vs))) / 2
    assert polygon_area(vs) == exact.numerator / exact.denominator
    assert polygon_area_symbolic(vs) == sp.Rational(exact.numerator, exact.denominator)


@given(st.lists(pts, min_size=3, max_size=12), pts)
def test_area_is_additive_over_a_fan(vs: list[tuple[float, float]], o: tuple[float, float]) -> None:
    """The signed area is the sum of the signed areas of the triangles (o, v_i, v_(i+1)), for any point o."""
    fan = sum((polygon_area_symbolic([o, vs[i - 1], vs[i]]) for i in range(len(vs))), sp.Integer(0))
    assert polygon_area_symbolic(vs) == fan


def test_compensated_area_beats_the_plain_sum() -> None:
    """A unit square moved to 1e8: the plain float shoelace loses the area, the compensated one returns 1 exactly."""
    sq = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]) + 1e8 + 0.1
    x, y = sq[:, 0], sq[:, 1]
    plain = 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)
    exact = polygon_area_symbolic(sq)
    assert polygon_area(sq) == float(exact) and plain != float(exact)


@given(st.lists(pts, min_size=3, max_size=25), pts)
def test_point_in_hull_polygon_twins(cloud_: list[tuple[float, float]], r: tuple[float, float]) -> None:
    """For the hull of random points (a simple polygon), winding number and exact ray crossing agree on inside/boundary/outside."""
    hull = convex_hull(cloud_)
    if len(hull) < 3:
        return
    assert point_in_polygon(r, hull) == point_in_polygon_symbolic(r, hull)
    for v in hull:
        assert point_in_polygon(v, hull) == "boundary"


def test_point_in_polygon_non_convex() -> None:
    """An L-shaped polygon: the notch is outside, the arm inside, a reflex vertex and an edge point on the boundary."""
    L = [(0.0, 0.0), (4.0, 0.0), (4.0, 1.0), (1.0, 1.0), (1.0, 4.0), (0.0, 4.0)]
    for r, want in [((2.0, 2.0), "outside"), ((0.5, 3.0), "inside"), ((1.0, 1.0), "boundary"), ((2.5, 1.0), "boundary"), ((3.0, 0.5), "inside")]:
        assert point_in_polygon(r, L) == want == point_in_polygon_symbolic(r, L)


@given(cloud, st.booleans())
def test_hull_twins_and_backends_agree(points: list[tuple[float, float]], keep: bool) -> None:
    """Monotone chain (both backends) and gift wrapping return the same vertices in the same order."""
    want = np.array(convex_hull_symbolic(points, collinear=keep), dtype=float)
    assert np.array_equal(convex_hull(points, collinear=keep, backend="numpy"), want)
    assert np.array_equal(convex_hull(points, collinear=keep, backend="numba"), want)


@given(st.lists(st.tuples(fine, fine), min_size=3, max_size=60))
def test_hull_is_convex_and_contains_every_point(points: list[tuple[float, float]]) -> None:
    """Every turn of the hull is strictly left, and every input point is inside or on it (exact orientation, from Fraction)."""
    hull = convex_hull(points)
    k = len(hull)
    if k < 3:
        return
    for i in range(k):
        assert exact_orientation(hull[i - 2], hull[i - 1], hull[i]) == 1
    for p in points:
        assert all(exact_orientation(hull[i - 1], hull[i], p) >= 0 for i in range(k))


def test_hull_near_degenerate() -> None:
    """Points on a line with 2^-50 offsets, duplicates and all-collinear sets: exact hulls."""
    line = [(float(i), float(i)) for i in range(6)]
    assert convex_hull(line).tolist() == [[0.0, 0.0], [5.0, 5.0]]
    assert convex_hull(line, collinear=True).tolist() == [list(p) for p in line]
    bumped = line + [(2.0, 2.0 + 2.0**-50)]
    assert convex_hull(bumped).tolist() == [[0.0, 0.0], [5.0, 5.0], [2.0, 2.0 + 2.0**-50]]
    assert convex_hull([(1.0, 2.0)] * 5).tolist() == [[1.0, 2.0]]
    assert convex_hull([(-0.0, 0.0), (0.0, -0.0)]).tolist() == [[0.0, 0.0]]


def test_kettner_a1_hull_keeps_the_extreme_point() -> None:
    """Kettner et al. (2008), failure A1: the float incremental hull loses p4 = (0.5.., 0.5..); the exact hull has it as its first vertex."""
    a1 = [(7.3000000000000194, 7.3000000000000167), (24.000000000000068, 24.000000000000071), (24.00000000000005, 24.000000000000053),
          (0.50000000000001621, 0.50000000000001243), (8.0, 4.0), (4.0, 9.0), (15.0, 27.0), (26.0, 25.0), (19.0, 11.0)]
    hull = convex_hull(a1)
    assert hull.tolist() == [[0.50000000000001621, 0.50000000000001243], [8.0, 4.0], [19.0, 11.0], [26.0, 25.0], [15.0, 27.0], [4.0, 9.0]]

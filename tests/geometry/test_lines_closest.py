"""Lines and half-planes, the closest pair and the incremental hull of Kettner et al.: twins agree, properties hold, the published failures reproduce."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.geometry import (
    closest_pair,
    closest_pair_symbolic,
    convex_hull,
    convex_hull_incremental,
    halfplane_side,
    halfplane_side_symbolic,
    line_intersection,
    line_intersection_symbolic,
    orient2d,
    point_line_distance,
    point_line_distance_symbolic,
    project_onto_line,
    project_onto_line_symbolic,
)
from tests.geometry._helpers import exact_orientation

small = st.integers(-9, 9).map(float)
point = st.tuples(small, small)
wide = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)

# Kettner, Mehlhorn, Pion, Schirra, Yap (2008), section 4.2, failure A1 (p1..p4) with the five points p5..p9 of their figure.
A1 = [(7.3000000000000194, 7.3000000000000167), (24.000000000000068, 24.000000000000071), (24.00000000000005, 24.000000000000053),
      (0.50000000000001621, 0.50000000000001243), (8.0, 4.0), (4.0, 9.0), (15.0, 27.0), (26.0, 25.0), (19.0, 11.0)]
# Failure A2 as published with the visible variant: an inside point sees an edge (same paper, section 4.2).
A2 = [(24.00000000000005, 24.000000000000053), (24.0, 6.0), (54.850000000000357, 61.000000000000121),
      (24.000000000000068, 24.000000000000071), (6.0, 6.0)]
# Failure B1: a point outside the current hull sees every edge (same paper, section 4.3).
B1 = [(200.0, 49.200000000000003), (100.0, 49.600000000000001), (-233.33333333333334, 50.93333333333333), (166.66666666666669, 49.333333333333336)]


def test_lines_worked_values() -> None:
    """By hand: (2, 1) projects onto y = x at (3/2, 3/2), at distance sqrt(2)/2; y = x/3 and x + y = 1 meet at (3/4, 1/4)."""
    assert project_onto_line_symbolic((2, 1), (0, 0), (1, 1)) == (sp.Rational(3, 2), sp.Rational(3, 2))
    assert project_onto_line([2.0, 1.0], [0.0, 0.0], [1.0, 1.0]).tolist() == [1.5, 1.5]
    assert point_line_distance_symbolic((2, 1), (0, 0), (1, 1)) == sp.sqrt(2) / 2
    assert math.isclose(point_line_distance([2.0, 1.0], [0.0, 0.0], [1.0, 1.0]), math.sqrt(0.5), rel_tol=2.3e-16)
    assert line_intersection_symbolic((0, 0), (3, 1), (0, 1), (1, 0)) == (sp.Rational(3, 4), sp.Rational(1, 4))
    assert line_intersection([0.0, 0.0], [3.0, 1.0], [0.0, 1.0], [1.0, 0.0]).tolist() == [0.75, 0.25]
    assert line_intersection([0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [2.0, 3.0]) is None


@given(point, point, point, point, point)
def test_line_twins_agree_and_the_point_lies_on_both_lines(a, b, c, d, r) -> None:  # type: ignore[no-untyped-def]
    """On small integers the twins agree; the meeting point (19) is exactly on both lines, the projection (17) exactly on its line."""
    assume(a != b and c != d)
    a, b, c, d, r = ((Fraction(u), Fraction(v)) for u, v in (a, b, c, d, r))
    x = line_intersection_symbolic(a, b, c, d)
    y = line_intersection(*(np.array(p, dtype=float) for p in (a, b, c, d)))
    assert (x is None) == (y is None)
    if x is not None:
        for u, v in ((a, b), (c, d)):
            assert (u[0] - x[0]) * (v[1] - x[1]) - (u[1] - x[1]) * (v[0] - x[0]) == 0
        assert np.allclose(y, [float(x[0]), float(x[1])], rtol=1e-14, atol=1e-14)
    p = project_onto_line_symbolic(r, a, b)
    assert (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) == 0
    want = float(point_line_distance_symbolic(r, a, b))
    assert abs(point_line_distance(np.array(r, dtype=float), np.array(a, dtype=float), np.array(b, dtype=float)) - want) <= 1e-14 * (1 + want)


@given(st.tuples(wide, wide), st.tuples(wide, wide), st.lists(st.tuples(wide, wide), min_size=1, max_size=20), st.integers(-3, 3))
def test_halfplane_side_is_exact_and_flips_with_the_direction(a, b, rows, k) -> None:  # type: ignore[no-untyped-def]
    """The side (16) is the exact sign on any doubles (also on points pushed onto the line), and reversing the line flips it."""
    assume(a != b)
    rows = rows + [(a[0] + k * (b[0] - a[0]), a[1] + k * (b[1] - a[1]))]  # on the line, up to rounding
    sides = halfplane_side(rows, a, b)
    assert sides.tolist() == [exact_orientation(a, b, r) for r in rows] == halfplane_side_symbolic(rows, a, b)
    assert (halfplane_side(rows, b, a) == -sides).all()


def test_convex_polygon_is_the_intersection_of_left_half_planes() -> None:
    """A point is inside the counter-clockwise square exactly when it is on the left of all four edges."""
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    grid = np.array([(x, y) for x in np.linspace(-0.5, 1.5, 9) for y in np.linspace(-0.5, 1.5, 9)])
    left = np.all([halfplane_side(grid, square[i], square[(i + 1) % 4]) > 0 for i in range(4)], axis=0)
    assert left.tolist() == [bool(0 < x < 1 and 0 < y < 1) for x, y in grid]


def test_point_on_a_line_has_distance_zero_exactly() -> None:
    """A point exactly on the line through (0.1, 0.2) and (0.3, 0.6) — their midpoint in doubles — is at distance 0, not a rounding residue."""
    a, b = (0.1, 0.2), (0.3, 0.6)
    r = (0.2, 0.4)
    if exact_orientation(a, b, r) == 0:
        assert point_line_distance(r, a, b) == 0.0
    else:
        assert point_line_distance(r, a, b) > 0.0
    assert point_line_distance((2.0, 4.0), (0.0, 0.0), (1.0, 2.0)) == 0.0


def _brute(points: list[tuple[float, float]]) -> tuple[Fraction, int, int]:
    F = Fraction
    return min(((F(p[0]) - F(q[0])) ** 2 + (F(p[1]) - F(q[1])) ** 2, i, j)
               for i, p in enumerate(points) for j, q in enumerate(points) if i < j)


@given(st.lists(st.tuples(st.integers(-12, 12).map(lambda v: v / 8), st.integers(-12, 12).map(lambda v: v / 8)), min_size=2, max_size=40))
def test_closest_pair_twins_agree_with_ties_and_duplicates(points) -> None:  # type: ignore[no-untyped-def]
    """On a coarse grid (many ties and duplicates) both twins return the same pair as a brute force over exact squared distances."""
    d, i, j = _brute(points)
    assert tuple(closest_pair(points)) == (i, j, float(d))
    assert tuple(closest_pair_symbolic(points)) == (i, j, sp.Rational(d.numerator, d.denominator))


def test_closest_pair_decides_distances_closer_than_rounding() -> None:
    """Two pairs whose squared distances differ by far less than their rounding error: the exact comparison picks the truly closer one."""
    u = 2.0**-30
    base = [(0.0, 0.0), (1.0, 1.0 + u), (10.0, 10.0), (11.0 + u, 11.0)]
    d, i, j = _brute(base)
    got = closest_pair(base)
    assert (got.i, got.j) == (i, j) and got.squared_distance == float(d)
    near = [(1e8 + 0.5, 3.0), (1e8 + 1.5, 3.0 + 2.0**-26), (-5.0, 0.0), (-4.0, 2.0**-26 + 2.0**-52)]
    d, i, j = _brute(near)
    assert (closest_pair(near).i, closest_pair(near).j) == (i, j)


def test_closest_pair_matches_a_kd_tree_on_random_points() -> None:
    """20,000 normal random points (seed 11): the squared distance equals scipy.spatial.cKDTree's smallest nearest-neighbour distance squared."""
    spatial = __import__("pytest").importorskip("scipy.spatial")
    pts = np.random.default_rng(11).standard_normal((20_000, 2))
    got = closest_pair(pts)
    dist, _ = spatial.cKDTree(pts).query(pts, k=2)
    assert math.isclose(got.squared_distance, float(dist[:, 1].min()) ** 2, rel_tol=4e-16)
    assert math.isclose(math.dist(pts[got.i], pts[got.j]) ** 2, got.squared_distance, rel_tol=4e-16)


def test_closest_pair_on_one_vertical_line() -> None:
    """All points share one x (the sweep's worst case): the pair of the two closest y's, found by sorting."""
    ys = np.random.default_rng(5).permutation(np.r_[np.arange(0.0, 300.0, 3.0), 150.5])
    pts = np.c_[np.full(len(ys), 7.0), ys]
    got = closest_pair(pts)
    assert sorted([pts[got.i, 1], pts[got.j, 1]]) == [150.0, 150.5] and got.squared_distance == 0.25


def test_incremental_hull_failure_a1_loses_an_extreme_point() -> None:
    """Kettner et al. (2008), section 4.2, failure A1: on the float predicate p4 sees no edge and is dropped; the exact predicate keeps it, and the hull equals the monotone chain's."""
    naive = {tuple(p) for p in convex_hull_incremental(A1).tolist()}
    exact = {tuple(p) for p in convex_hull_incremental(A1, predicate="exact").tolist()}
    p4 = (0.50000000000001621, 0.50000000000001243)
    assert p4 not in naive and p4 in exact
    assert exact == {tuple(p) for p in convex_hull(A1).tolist()}
    assert naive == {(8.0, 4.0), (4.0, 9.0), (15.0, 27.0), (26.0, 25.0), (19.0, 11.0)}


def test_incremental_hull_failure_a2_is_not_convex() -> None:
    """Failure A2: on the float predicate two inside points near (24, 24) see an edge and enter the hull, which then turns right; exactly, the hull is the triangle."""
    naive = convex_hull_incremental(A2)
    turns = [orient2d(naive[k - 1], naive[k], naive[(k + 1) % len(naive)]) for k in range(len(naive))]
    assert len(naive) == 5 and min(turns) < 0
    exact = convex_hull_incremental(A2, predicate="exact")
    assert {tuple(p) for p in exact.tolist()} == {(6.0, 6.0), (24.0, 6.0), (54.850000000000357, 61.000000000000121)}


def test_incremental_hull_failure_b1_sees_every_edge() -> None:
    """Failure B1: the fourth point sees all three edges on the float predicate, and the float hull collapses to two points; exactly, it is a triangle."""
    assert len(convex_hull_incremental(B1)) == 2
    assert {tuple(p) for p in convex_hull_incremental(B1, predicate="exact").tolist()} == {tuple(p) for p in convex_hull(B1).tolist()}
    assert len(convex_hull(B1)) == 3


@given(st.lists(point, min_size=3, max_size=30))
def test_exact_incremental_hull_contains_the_monotone_chain(points) -> None:  # type: ignore[no-untyped-def]
    """With the exact predicate the incremental hull has every vertex of the monotone chain's hull, and nothing strictly inside it."""
    assume(orient2d(points[0], points[1], points[2]) != 0)
    inc = {tuple(p) for p in convex_hull_incremental(points, predicate="exact").tolist()}
    assert {tuple(p) for p in convex_hull(points).tolist()} <= inc <= {tuple(p) for p in convex_hull(points, collinear=True).tolist()}

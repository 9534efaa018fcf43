"""Parity with shapely (GEOS) and scipy.spatial.ConvexHull (Qhull): agreement where they are exact, the cases where they are not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.geometry import convex_hull, orient2d, point_in_polygon, polygon_area
from tests.geometry._helpers import exact_orientation

shapely = pytest.importorskip("shapely")
spatial = pytest.importorskip("scipy.spatial")

pytestmark = pytest.mark.parity

small = st.integers(-50, 50).map(float)
cloud = st.lists(st.tuples(small, small), min_size=3, max_size=60)


def _vertex_set(a: np.ndarray) -> set[tuple[float, float]]:
    return {(float(x), float(y)) for x, y in a}


@given(cloud)
def test_hull_matches_shapely_and_qhull(points: list[tuple[float, float]]) -> None:
    """On integer points the hull's vertices are those of shapely's convex_hull and of Qhull (when the set is not flat)."""
    ours = convex_hull(points)
    geos = shapely.MultiPoint(points).convex_hull
    if geos.geom_type == "Polygon":
        assert _vertex_set(ours) == _vertex_set(np.asarray(geos.exterior.coords)[:-1])
        qhull = spatial.ConvexHull(np.array(points))
        assert _vertex_set(ours) == _vertex_set(np.array(points)[qhull.vertices])
        assert polygon_area(ours) == pytest.approx(geos.area, rel=0, abs=0)


def test_hull_on_a_line_with_2_to_the_minus_50_offsets() -> None:
    """Points on y = x with one nudged up by 2^-50: the exact hull is a thin triangle; shapely agrees; Qhull joggles or refuses flat input."""
    points = [(float(i), float(i)) for i in range(10)] + [(4.0, 4.0 + 2.0**-50)]
    ours = convex_hull(points)
    assert _vertex_set(ours) == {(0.0, 0.0), (9.0, 9.0), (4.0, 4.0 + 2.0**-50)}
    geos = shapely.MultiPoint(points).convex_hull
    assert _vertex_set(np.asarray(geos.exterior.coords)[:-1]) == _vertex_set(ours)


def test_qhull_refuses_all_collinear_input() -> None:
    """All points on one line: Qhull raises (a flat input), shapely returns a LineString, refalgo returns the segment's two ends."""
    points = np.array([[float(i), 2.0 * i] for i in range(5)])
    with pytest.raises(spatial.QhullError):
        spatial.ConvexHull(points)
    assert shapely.MultiPoint(points).convex_hull.geom_type == "LineString"
    assert convex_hull(points).tolist() == [[0.0, 0.0], [4.0, 8.0]]


@pytest.mark.parametrize("p, q, r", [
    ((0.5, 0.5), (12.0, 12.0), (24.0, 24.0)),
    ((0.5 + 2.0**-53, 0.5), (12.0, 12.0), (24.0, 24.0)),
    ((0.50000000000002531, 0.5000000000000171), (17.300000000000001, 17.300000000000001), (24.00000000000005, 24.0000000000000517765)),
])
def test_orientation_agrees_with_geos_on_kettner_points(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> None:
    """GEOS decides orientation with a robust (double-double) predicate: its LinearRing orientation agrees with the exact sign."""
    want = exact_orientation(p, q, r)
    assert orient2d(p, q, r) == want
    if want != 0:
        ring = shapely.LinearRing([p, q, r])
        assert ring.is_ccw == (want > 0)


@given(st.lists(st.tuples(small, small), min_size=3, max_size=20), st.tuples(small, small))
def test_point_in_polygon_matches_shapely_on_hulls(points: list[tuple[float, float]], r: tuple[float, float]) -> None:
    """On convex polygons (the hull of random points) inside / boundary / outside match shapely's contains and touches."""
    hull = convex_hull(points)
    if len(hull) < 3:
        return
    poly, pt = shapely.Polygon(hull), shapely.Point(r)
    want = "inside" if poly.contains(pt) else ("boundary" if poly.touches(pt) else "outside")
    assert point_in_polygon(r, hull) == want


def test_hull_of_random_points_matches_qhull() -> None:
    """20,000 normal random points: the same hull vertices as Qhull and shapely (generic input, far from degenerate)."""
    pts = np.random.default_rng(7).standard_normal((20_000, 2))
    ours = _vertex_set(convex_hull(pts))
    assert ours == _vertex_set(pts[spatial.ConvexHull(pts).vertices])
    assert ours == _vertex_set(np.asarray(shapely.MultiPoint(pts).convex_hull.exterior.coords)[:-1])


@pytest.mark.parametrize("name", ["a", "b", "c"])
def test_shewchuk_port_agrees_on_kettner_grids(name: str) -> None:
    """Shewchuk's adaptive predicate as ported in the `robust` package gives the same sign on every 7th point of each Figure 2 grid."""
    orientation = pytest.importorskip("robust.angular").orientation
    from tests.geometry._helpers import kettner_grid
    from tests.geometry.test_orientation import FIGURE_2

    p, q, r = FIGURE_2[name]
    grid = kettner_grid(p)[::7]
    theirs = [int(orientation(q, (float(x), float(y)), r)) for x, y in grid]  # orientation(q, vertex p, r)
    assert orient2d(grid, q, r).tolist() == theirs


@given(st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 2)), min_size=1, max_size=50))
def test_shewchuk_port_agrees_on_near_collinear_triples(rows: list[tuple[float, ...]]) -> None:
    """On triples with r on the line pq (rounded), refalgo's exact sign equals the Shewchuk port's."""
    orientation = pytest.importorskip("robust.angular").orientation
    for px, py, qx, qy, t in rows:
        p, q = (px, py), (qx, qy)
        r = (px + t * (qx - px), py + t * (qy - py))
        assert orient2d(p, q, r) == int(orientation(q, p, r)) == exact_orientation(p, q, r)


def _near_degenerate_cloud(base: list[tuple[int, int]], ts: list[float], nudges: list[int], dup: int) -> np.ndarray:
    """Integer points, points on their hull's edges moved by k * 2^-50 * scale (k in -2..2), and ``dup`` duplicates."""
    q = np.array(base, dtype=float)
    h = convex_hull(q)
    extra = []
    for k in range(len(h)):
        a, b = h[k], h[(k + 1) % len(h)]
        for t, n in zip(ts, nudges):
            p = a + t * (b - a)
            extra.append(p + n * 2.0**-50 * max(1.0, float(np.abs(p).max())))
    pts = np.vstack([q, np.array(extra).reshape(-1, 2)])
    return np.vstack([pts, pts[:dup]])


def _distance_to_boundary(p: tuple[float, float], hull: np.ndarray) -> float:
    from refalgo.geometry import point_line_distance

    return min(point_line_distance(p, hull[k], hull[(k + 1) % len(hull)]) for k in range(len(hull)))


near_cloud = st.builds(
    _near_degenerate_cloud,
    st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=3, max_size=12, unique=True),
    st.lists(st.floats(0.05, 0.95), min_size=1, max_size=3),
    st.lists(st.integers(-2, 2), min_size=3, max_size=3),
    st.integers(0, 3),
)


@given(near_cloud)
def test_near_degenerate_hulls_exact_geos_and_qhull(points: np.ndarray) -> None:
    """Points 2^-50 off the hull's edges, duplicates: refalgo's hull is gift wrapping's exact hull; Qhull's vertices are exact hull vertices (it may drop near-coplanar ones); GEOS differs from the exact hull only by points within 10^-12 of its boundary."""
    from refalgo.geometry import convex_hull_symbolic

    ours = convex_hull(points)
    assert _vertex_set(ours) == {(float(x), float(y)) for x, y in convex_hull_symbolic(points)}
    assume(len(ours) >= 3)
    try:
        qhull = spatial.ConvexHull(points)
    except spatial.QhullError:
        pass
    else:
        assert _vertex_set(points[qhull.vertices]) <= _vertex_set(ours)
    geos = shapely.MultiPoint(points).convex_hull
    theirs = _vertex_set(np.asarray(geos.exterior.coords)[:-1]) if geos.geom_type == "Polygon" else _vertex_set(np.asarray(geos.coords))
    for p in theirs ^ _vertex_set(ours):
        assert _distance_to_boundary(p, ours) < 1e-12


@given(st.lists(st.integers(-20, 20), min_size=3, max_size=25), st.sampled_from([1.0, 0.5, 3.0, 0.1, 1 / 3]))
def test_all_collinear_sets_exact_geos_and_qhull(ts: list[int], slope: float) -> None:
    """Points on a line y = m x + c rounded to doubles (so some are off it by an ulp): refalgo equals the exact hull, Qhull raises or returns exact vertices only, GEOS stays within 10^-12."""
    from refalgo.geometry import convex_hull_symbolic

    x = np.array(ts, dtype=float) * 0.7 + 3.1
    points = np.c_[x, slope * x + 1.3]
    ours = convex_hull(points)
    assert _vertex_set(ours) == {(float(a), float(b)) for a, b in convex_hull_symbolic(points)}
    try:
        qhull = spatial.ConvexHull(points)
    except spatial.QhullError:
        pass
    else:
        assert _vertex_set(points[qhull.vertices]) <= _vertex_set(ours)
    geos = shapely.MultiPoint(points).convex_hull
    theirs = _vertex_set(np.asarray(geos.exterior.coords)[:-1]) if geos.geom_type == "Polygon" else _vertex_set(np.asarray(geos.coords))
    if len(ours) >= 3:
        for p in theirs ^ _vertex_set(ours):
            assert _distance_to_boundary(p, ours) < 1e-12


def test_the_listed_disagreements() -> None:
    """The cases the convex-hull page lists: GEOS misses a vertex of a thin hull, GEOS keeps a point that is exactly inside, Qhull drops a vertex 2^-48 outside an edge; refalgo's hull is the exact one in all three."""
    from refalgo.geometry import convex_hull_symbolic, point_in_polygon

    missing = np.array([[-6.0, -4.7], [8.7, 10.0], [13.6, 14.9], [-1.0999999999999992, 0.20000000000000084], [10.799999999999999, 12.1]])
    inside = np.array([[5.9, 7.2], [1.0000000000000004, 2.3000000000000007], [4.5, 5.8], [-2.4999999999999996, -1.1999999999999995],
                       [10.799999999999999, 12.1], [-8.799999999999999, -7.499999999999999]])
    for pts in (missing, inside):
        assert _vertex_set(convex_hull(pts)) == {(float(a), float(b)) for a, b in convex_hull_symbolic(pts)}
    geos = _vertex_set(np.asarray(shapely.MultiPoint(missing).convex_hull.exterior.coords)[:-1])
    assert _vertex_set(convex_hull(missing)) - geos
    geos = _vertex_set(np.asarray(shapely.MultiPoint(inside).convex_hull.exterior.coords)[:-1])
    assert any(point_in_polygon(p, convex_hull(inside)) == "inside" for p in geos)
    tri = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [5.0, 5.0 + 2.0**-48]])
    assert _vertex_set(convex_hull(tri)) == _vertex_set(tri)
    assert _vertex_set(tri[spatial.ConvexHull(tri).vertices]) == _vertex_set(tri[:3])

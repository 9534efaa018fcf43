"""Parity with shapely (GEOS) and scipy.spatial.ConvexHull (Qhull): agreement where they are exact, the cases where they are not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
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

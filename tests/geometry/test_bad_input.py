"""Every public function of the geometry chapter rejects bad input with an error that names the argument."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.geometry import (
    closest_pair,
    closest_pair_symbolic,
    convex_hull_incremental,
    halfplane_side,
    halfplane_side_symbolic,
    line_intersection,
    line_intersection_symbolic,
    point_line_distance,
    point_line_distance_symbolic,
    project_onto_line,
    project_onto_line_symbolic,
    angle,
    convex_hull,
    convex_hull_symbolic,
    eq,
    orient2d,
    orient2d_eps,
    orient2d_naive,
    orient2d_symbolic,
    point_in_polygon,
    point_in_polygon_symbolic,
    point_segment_position,
    polar_sort,
    polygon_area,
    polygon_area_symbolic,
    project,
    segment_intersection,
    sgn,
    two_product,
    two_sum,
)

NAN, INF = float("nan"), float("inf")
CASES = [
    (lambda: orient2d((NAN, 0.0), (1.0, 0.0), (0.0, 1.0)), ValueError, "p"),
    (lambda: orient2d((0.0, 0.0), (INF, 0.0), (0.0, 1.0)), ValueError, "q"),
    (lambda: orient2d((0.0, 0.0), (1.0, 0.0), (0.0, 1.0, 2.0)), ValueError, "r"),
    (lambda: orient2d(np.zeros((3, 2)), np.zeros((4, 2)), np.zeros((3, 2))), ValueError, "p, q, r"),
    (lambda: orient2d((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), backend="gpu"), ValueError, "backend"),
    (lambda: orient2d_naive("ab", (1.0, 0.0), (0.0, 1.0)), TypeError, "p"),
    (lambda: orient2d_eps((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), eps=-1.0), ValueError, "eps"),
    (lambda: orient2d_symbolic((0, 0), (1, 0), (0,)), ValueError, "r"),
    (lambda: convex_hull(np.empty((0, 2))), ValueError, "points"),
    (lambda: convex_hull([[0.0, NAN]]), ValueError, "points"),
    (lambda: convex_hull([[0.0, 1.0, 2.0]]), ValueError, "points"),
    (lambda: convex_hull([[0.0, 1.0]], collinear="yes"), TypeError, "collinear"),
    (lambda: convex_hull_symbolic([]), ValueError, "points"),
    (lambda: polygon_area([[0.0, 0.0], [1.0, 0.0]]), ValueError, "points"),
    (lambda: polygon_area([[0.0, 0.0], [1.0, INF], [1.0, 1.0]]), ValueError, "points"),
    (lambda: polygon_area_symbolic([(0, 0), (1, 0)]), ValueError, "points"),
    (lambda: point_in_polygon([0.0, NAN], [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), ValueError, "point"),
    (lambda: point_in_polygon([0.0, 0.0], [[0.0, 0.0], [1.0, 0.0]]), ValueError, "polygon"),
    (lambda: point_in_polygon_symbolic((0, 0), [(0, 0), (1, 0)]), ValueError, "polygon"),
    (lambda: point_segment_position([0.0, 0.0], [1.0, 1.0], [1.0, 1.0]), ValueError, "p, q"),
    (lambda: segment_intersection([0.0, 0.0], [1.0, 1.0], [0.0, NAN], [1.0, 0.0]), ValueError, "c"),
    (lambda: two_sum(NAN, 1.0), ValueError, "a"),
    (lambda: two_sum(1e308, 1e308), ValueError, "a, b"),
    (lambda: two_product(1.0, 2.0**1000), ValueError, "b"),
    (lambda: two_product(2.0**-500, 2.0**-500), ValueError, "a, b"),
    (lambda: two_sum("1", 1.0), TypeError, "a"),
    (lambda: sgn(1.0, eps=0.0), ValueError, "eps"),
    (lambda: eq(1.0, NAN), ValueError, "b"),
    (lambda: angle([0.0, 0.0], [1.0, 0.0]), ValueError, "u, v"),
    (lambda: project([1.0, 0.0], [0.0, 0.0]), ValueError, "v"),
    (lambda: polar_sort([[1.0, 0.0], [0.0, 0.0]]), ValueError, "vectors"),
    (lambda: halfplane_side([0.0, NAN], [0.0, 0.0], [1.0, 0.0]), ValueError, "point"),
    (lambda: halfplane_side([0.0, 1.0], [1.0, 1.0], [1.0, 1.0]), ValueError, "a, b"),
    (lambda: halfplane_side(np.zeros((2, 3)), [0.0, 0.0], [1.0, 0.0]), ValueError, "point"),
    (lambda: halfplane_side_symbolic((0, 1), (0, 0), (0, 0)), ValueError, "a, b"),
    (lambda: project_onto_line([1.0, 1.0], [0.0, INF], [1.0, 0.0]), ValueError, "a"),
    (lambda: project_onto_line_symbolic((1, 1), (2, 2), (2, 2)), ValueError, "a, b"),
    (lambda: point_line_distance([1.0, 1.0], [0.0, 0.0], [1.0, 0.0, 2.0]), ValueError, "b"),
    (lambda: point_line_distance_symbolic((1, 1), (0, 0), (0, 0)), ValueError, "a, b"),
    (lambda: line_intersection([0.0, 0.0], [1.0, 0.0], [2.0, 2.0], [2.0, 2.0]), ValueError, "c, d"),
    (lambda: line_intersection([0.0, 0.0], [1.0, 0.0], [2.0, NAN], [2.0, 2.0]), ValueError, "c"),
    (lambda: line_intersection_symbolic((0, 0), (1, 0), (1, 1), (1, 1)), ValueError, "c, d"),
    (lambda: closest_pair([[0.0, 0.0]]), ValueError, "points"),
    (lambda: closest_pair([[0.0, 0.0], [NAN, 1.0]]), ValueError, "points"),
    (lambda: closest_pair([[0.0, 0.0], [2.0**600, 1.0]]), ValueError, "points"),
    (lambda: closest_pair("ab"), TypeError, "points"),
    (lambda: closest_pair_symbolic([(0, 0)]), ValueError, "points"),
    (lambda: convex_hull_incremental([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), ValueError, "points"),
    (lambda: convex_hull_incremental([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], predicate="eps"), ValueError, "predicate"),
]


@pytest.mark.parametrize("call, error, name", CASES, ids=[f"{i}-{c[2]}" for i, c in enumerate(CASES)])
def test_bad_input_names_the_argument(call, error, name) -> None:  # type: ignore[no-untyped-def]
    """Each bad input raises the documented error, and the message starts with the argument's name."""
    with pytest.raises(error) as info:
        call()
    assert str(info.value).startswith(f"{name}:"), str(info.value)

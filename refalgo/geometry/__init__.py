"""Computational geometry: floating point and EPS, vectors, the orientation predicate, lines and half-planes, segments, polygons, the convex hull, the closest pair.

Each concept lives in its own module with both twins side by side; the public names are
re-exported here.
"""

__all__: list[str] = []

from .floating import EPS, eq, eq_symbolic, sgn, sgn_symbolic, two_product, two_product_symbolic, two_sum, two_sum_symbolic

__all__ += ["EPS", "eq", "eq_symbolic", "sgn", "sgn_symbolic", "two_product", "two_product_symbolic", "two_sum", "two_sum_symbolic"]

from .orientation import incircle, incircle_symbolic, orient2d, orient2d_eps, orient2d_naive, orient2d_symbolic

__all__ += ["incircle", "incircle_symbolic", "orient2d", "orient2d_eps", "orient2d_naive", "orient2d_symbolic"]

from .vectors import (
    angle,
    angle_symbolic,
    cross,
    cross_symbolic,
    dot,
    dot_symbolic,
    polar_sort,
    polar_sort_symbolic,
    project,
    project_symbolic,
    rotate,
    rotate_symbolic,
)

__all__ += [
    "angle",
    "angle_symbolic",
    "cross",
    "cross_symbolic",
    "dot",
    "dot_symbolic",
    "polar_sort",
    "polar_sort_symbolic",
    "project",
    "project_symbolic",
    "rotate",
    "rotate_symbolic",
]

from .segments import (
    SegmentIntersection,
    SegmentIntersectionSymbolic,
    point_segment_position,
    point_segment_position_symbolic,
    segment_intersection,
    segment_intersection_symbolic,
)

__all__ += [
    "SegmentIntersection",
    "SegmentIntersectionSymbolic",
    "point_segment_position",
    "point_segment_position_symbolic",
    "segment_intersection",
    "segment_intersection_symbolic",
]

from .polygons import point_in_polygon, point_in_polygon_symbolic, polygon_area, polygon_area_symbolic

__all__ += ["point_in_polygon", "point_in_polygon_symbolic", "polygon_area", "polygon_area_symbolic"]

from .hull import convex_hull, convex_hull_incremental, convex_hull_symbolic

__all__ += ["convex_hull", "convex_hull_incremental", "convex_hull_symbolic"]

from .lines import (
    halfplane_side,
    halfplane_side_symbolic,
    line_intersection,
    line_intersection_symbolic,
    point_line_distance,
    point_line_distance_symbolic,
    project_onto_line,
    project_onto_line_symbolic,
)

__all__ += [
    "halfplane_side",
    "halfplane_side_symbolic",
    "line_intersection",
    "line_intersection_symbolic",
    "point_line_distance",
    "point_line_distance_symbolic",
    "project_onto_line",
    "project_onto_line_symbolic",
]

from .closest import ClosestPair, ClosestPairSymbolic, closest_pair, closest_pair_symbolic

__all__ += ["ClosestPair", "ClosestPairSymbolic", "closest_pair", "closest_pair_symbolic"]

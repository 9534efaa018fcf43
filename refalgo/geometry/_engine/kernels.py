r"""Compiled kernels: the exact orientation predicate and Andrew's monotone chain on top of it.

This module imports numba (the ``fast`` extra); :mod:`refalgo.geometry.orientation` and
:mod:`refalgo.geometry.hull` import it only when the numba backend is chosen, so
``import refalgo`` never does.

:func:`orient_exact` first evaluates the determinant in floating point and keeps its sign
when the error bound of :mod:`.bounds` proves it right (almost every call on random
input). Otherwise, when every coordinate lies in the range where expansion arithmetic is
exact, it evaluates the determinant as a sum of 16 doubles built by two-sum and Dekker's
two-product (Shewchuk 1997, sections 2.3-2.6) and reads the sign off the largest
component of the exact expansion. Outside that range it returns ``UNDECIDED`` and the
caller decides with rational arithmetic. No ``fastmath``: every operation is rounded as
IEEE 754 says, with no fused multiply-add, which the error-free transformations need.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from .bounds import EXPANSION_MAX, EXPANSION_MIN, FILTER_COEFFICIENT, FILTER_FLOOR, SPLITTER

__all__ = ["UNDECIDED", "all_in_range", "extremes", "orient_exact", "orient_many", "hull_chain", "interior_mask"]

UNDECIDED = 2  # returned when a coordinate lies outside the exact range of expansion arithmetic


@numba.njit(inline="always", cache=True)
def _two_sum(a: float, b: float) -> tuple[float, float]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@numba.njit(inline="always", cache=True)
def _split(a: float) -> tuple[float, float]:
    c = SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


@numba.njit(inline="always", cache=True)
def _two_product(a: float, b: float) -> tuple[float, float]:
    x = a * b
    ahi, alo = _split(a)
    bhi, blo = _split(b)
    err = x - ahi * bhi
    err -= alo * bhi
    err -= ahi * blo
    return x, alo * blo - err


@numba.njit(cache=True)
def _grow(h: NDArray[np.float64], n: int, b: float) -> int:
    """Add ``b`` to the nonoverlapping expansion ``h[:n]`` (increasing magnitude), dropping zeros."""
    q = b
    m = 0
    for i in range(n):
        q, e = _two_sum(q, h[i])
        if e != 0.0:
            h[m] = e
            m += 1
    if q != 0.0:
        h[m] = q
        m += 1
    return m


@numba.njit(cache=True)
def _in_range(x: float) -> bool:
    a = abs(x)
    return a == 0.0 or (EXPANSION_MIN <= a <= EXPANSION_MAX)


@numba.njit(cache=True)
def _expansion_sign(px: float, py: float, qx: float, qy: float, rx: float, ry: float, h: NDArray[np.float64]) -> int:
    a = _two_sum(qx, -px)
    b = _two_sum(ry, -py)
    c = _two_sum(qy, -py)
    d = _two_sum(rx, -px)
    n = 0
    for i in range(2):
        for j in range(2):
            x, y = _two_product(a[i], b[j])
            n = _grow(h, n, y)
            n = _grow(h, n, x)
            x, y = _two_product(c[i], d[j])
            n = _grow(h, n, -y)
            n = _grow(h, n, -x)
    if n == 0:
        return 0
    return 1 if h[n - 1] > 0.0 else -1


@numba.njit(cache=True)
def orient_exact(px: float, py: float, qx: float, qy: float, rx: float, ry: float, h: NDArray[np.float64]) -> int:
    """The sign of det[q - p, r - p], or ``UNDECIDED`` outside the expansion range; ``h`` is scratch (32 doubles)."""
    left = (qx - px) * (ry - py)
    right = (qy - py) * (rx - px)
    det = left - right
    bound = FILTER_COEFFICIENT * (abs(left) + abs(right)) + FILTER_FLOOR
    if det > bound:
        return 1
    if -det > bound:
        return -1
    if not (_in_range(px) and _in_range(py) and _in_range(qx) and _in_range(qy) and _in_range(rx) and _in_range(ry)):
        return UNDECIDED
    return _expansion_sign(px, py, qx, qy, rx, ry, h)


@numba.njit(cache=True)
def orient_many(p: NDArray[np.float64], q: NDArray[np.float64], r: NDArray[np.float64], out: NDArray[np.int8]) -> int:
    """``out[i]`` = the sign of det[q_i - p_i, r_i - p_i] (or ``UNDECIDED``), for (n, 2) arrays; the number undecided.

    A NaN or infinite coordinate always leaves its triple ``UNDECIDED``.
    """
    h = np.empty(32)
    undecided = 0
    for i in range(p.shape[0]):
        s = orient_exact(p[i, 0], p[i, 1], q[i, 0], q[i, 1], r[i, 0], r[i, 1], h)
        out[i] = s
        undecided += s == UNDECIDED
    return undecided


@numba.njit(cache=True)
def all_in_range(points: NDArray[np.float64]) -> bool:
    """Whether every coordinate is 0 or has a magnitude in the exact range of expansion arithmetic."""
    for i in range(points.shape[0]):
        if not (_in_range(points[i, 0]) and _in_range(points[i, 1])):
            return False
    return True


@numba.njit(cache=True)
def extremes(points: NDArray[np.float64]) -> NDArray[np.int64]:
    """Indices of the leftmost-lowest, lowest-rightmost, rightmost-highest and highest-leftmost points.

    Each is a point of the hull's boundary, and the four come in counter-clockwise order.
    """
    best = np.zeros(4, dtype=np.int64)
    for i in range(1, points.shape[0]):
        x, y = points[i, 0], points[i, 1]
        a = points[best[0]]
        if x < a[0] or (x == a[0] and y < a[1]):
            best[0] = i
        a = points[best[1]]
        if y < a[1] or (y == a[1] and x > a[0]):
            best[1] = i
        a = points[best[2]]
        if x > a[0] or (x == a[0] and y > a[1]):
            best[2] = i
        a = points[best[3]]
        if y > a[1] or (y == a[1] and x < a[0]):
            best[3] = i
    return best


@numba.njit(cache=True)
def interior_mask(points: NDArray[np.float64], poly: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which points lie strictly inside the convex counter-clockwise polygon ``poly`` (exactly)."""
    h = np.empty(32)
    k = poly.shape[0]
    inside = np.zeros(points.shape[0], dtype=np.bool_)
    if k < 3:
        return inside
    for i in range(points.shape[0]):
        x, y = points[i, 0], points[i, 1]
        strictly = True
        for j in range(k):
            a = poly[j]
            b = poly[(j + 1) % k]
            if orient_exact(a[0], a[1], b[0], b[1], x, y, h) != 1:
                strictly = False
                break
        inside[i] = strictly
    return inside


@numba.njit(cache=True)
def _chain(points: NDArray[np.float64], order: NDArray[np.int64], stack: NDArray[np.int64], keep: bool) -> int:
    """One monotone chain over ``points[order]``; the chain's indices into ``points`` go to ``stack``."""
    h = np.empty(32)
    top = 0
    for idx in order:
        x, y = points[idx, 0], points[idx, 1]
        while top >= 2:
            a = points[stack[top - 2]]
            b = points[stack[top - 1]]
            s = orient_exact(a[0], a[1], b[0], b[1], x, y, h)
            if s < 0 or (s == 0 and not keep):
                top -= 1
            else:
                break
        stack[top] = idx
        top += 1
    return top


@numba.njit(cache=True)
def hull_chain(points: NDArray[np.float64], order: NDArray[np.int64], keep: bool) -> NDArray[np.int64]:
    """Andrew's monotone chain over distinct points sorted by (x, y) (``order``): hull indices, counter-clockwise.

    Every coordinate must lie in the expansion range (the caller checks), so no
    orientation is ``UNDECIDED``.
    """
    n = order.shape[0]
    lower = np.empty(n, dtype=np.int64)
    upper = np.empty(n, dtype=np.int64)
    nl = _chain(points, order, lower, keep)
    nu = _chain(points, order[::-1], upper, keep)
    if nl == n and nu == n and n > 2 and keep:  # all points on one line: both chains hold them all
        return order.copy()
    out = np.empty(nl + nu - 2, dtype=np.int64)
    out[: nl - 1] = lower[: nl - 1]
    out[nl - 1 :] = upper[: nu - 1]
    return out

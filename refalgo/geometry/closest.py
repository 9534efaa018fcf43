r"""The closest pair of a finite set of points, with the squared distances compared exactly.

Among :math:`n \ge 2` points :math:`s_0, \dots, s_{n-1}` find indices :math:`i < j` that
minimise the squared distance

.. math::

    d^2(i, j) = (x_i - x_j)^2 + (y_i - y_j)^2 \qquad (20)

**The sweep.** Sort the points by :math:`x`. A pair :math:`k` places apart in that order
is at least as far apart in :math:`x` as any pair fewer places apart that starts at the
same point, so the sweep compares every point with its :math:`k`-th successor for
:math:`k = 1, 2, \dots`, all points at once, and stops at the first :math:`k` for which
every :math:`(x_{i+k} - x_i)^2` exceeds the best squared distance found so far (with the
rounding slack below): no pair further apart in the order can be closer. On points with
distinct, spread-out :math:`x` this takes a few passes; when many points share nearly one
:math:`x` it degrades to all pairs.

**Exact on doubles.** The float :math:`\hat d^2` of (20) carries a relative error of at
most :math:`\gamma = (1 + \varepsilon)^4 - 1` (two differences, two squares and a sum,
:math:`\varepsilon = 2^{-53}`), plus an absolute :math:`\eta = 2^{-1072}` when the squares
underflow. With :math:`\hat m` the smallest :math:`\hat d^2`, the true closest pair has

.. math::

    \hat d^2 \le \hat m \,\frac{1 + \gamma}{1 - \gamma} + 2\eta \qquad (21)

so the sweep keeps every pair under that bound and the winner is chosen among them with
rational arithmetic.

**Conventions**: the result is a pair of input indices :math:`i < j` and the squared
distance (the symbolic twin exact, the numeric twin the double nearest the exact value);
among pairs at the same exact distance the lexicographically smallest :math:`(i, j)` wins.
Duplicated points are a pair at distance 0. Coordinates must lie within
:math:`\pm 2^{500}`, so that no squared distance overflows.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import ExactNumbers, exact_array
from .._validate import as_array
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["ClosestPair", "ClosestPairSymbolic", "closest_pair", "closest_pair_symbolic", "derivations"]

REFERENCES = (
    "M. I. Shamos and D. Hoey, Closest-point problems, 16th Annual Symposium on Foundations of Computer Science (1975) 151-162.",
    "T. H. Cormen, C. E. Leiserson, R. L. Rivest, C. Stein, Introduction to Algorithms, 3rd ed. (2009), section 33.4.",
    "N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed. (2002), section 3.1 (the gamma_n bound).",
)

GAMMA = (1 + 2.0**-53) ** 4 - 1 + 2.0**-100  # (1 + eps)^4 - 1, rounded up
ETA = 2.0**-1072  # the absolute error of squares that underflow (three roundings of at most 2^-1075)
LIMIT = 2.0**500  # |coordinate| bound: squared differences stay below 2^1003


class ClosestPairSymbolic(NamedTuple):
    """The closest pair, exactly: indices ``i < j`` and the squared distance (20) as a rational."""

    i: int
    j: int
    squared_distance: sp.Rational


class ClosestPair(NamedTuple):
    """The closest pair: indices ``i < j`` and the double nearest the exact squared distance (20)."""

    i: int
    j: int
    squared_distance: float


def closest_pair_symbolic(points: ExactNumbers) -> ClosestPairSymbolic:
    """The closest pair by comparing all :math:`n(n-1)/2` exact squared distances (20).

    Examples
    --------
    >>> closest_pair_symbolic([(0, 0), (5, 5), (1, 1), (6, 5)])
    ClosestPairSymbolic(i=1, j=3, squared_distance=1)
    """
    pts = exact_array(points, "points", shape=(None, 2))
    if len(pts) < 2:
        raise ValueError(f"points: expected at least two points; got {len(pts)}")
    best: tuple[sp.Rational, int, int] | None = None
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            d2 = (pts[i][0] - pts[j][0]) ** 2 + (pts[i][1] - pts[j][1]) ** 2  # (20)
            if best is None or d2 < best[0]:  # strict: the first (i, j) in order wins ties
                best = (d2, i, j)
    assert best is not None
    return ClosestPairSymbolic(best[1], best[2], best[0])


def _points(points: ArrayLike) -> NDArray[np.float64]:
    pts = as_array(points, "points", shape=(None, 2))
    if len(pts) < 2:
        raise ValueError(f"points: expected at least two points; got {len(pts)}")
    if np.max(np.abs(pts)) > LIMIT:
        raise ValueError(f"points: expected coordinates within ±2^500; got {np.max(np.abs(pts))!r}")
    return pts + 0.0  # -0.0 as 0.0


def _bound(best: float) -> float:
    return best * (1 + GAMMA) / (1 - GAMMA) * (1 + 2.0**-50) + 2 * ETA  # (21), the division's rounding covered


def _exact_d2(p: NDArray[np.float64], q: NDArray[np.float64]) -> Fraction:
    dx, dy = Fraction(float(p[0])) - Fraction(float(q[0])), Fraction(float(p[1])) - Fraction(float(q[1]))
    return dx * dx + dy * dy  # (20), exact


def closest_pair(points: ArrayLike) -> ClosestPair:
    """The closest pair: a sweep over the points in :math:`x` order in doubles, the winner chosen exactly (21).

    Parameters
    ----------
    points
        ``(n, 2)`` array of finite doubles, ``n >= 2``, coordinates within :math:`\\pm 2^{500}`.

    Returns
    -------
    ClosestPair
        ``i < j`` (input indices) and the double nearest the exact squared distance.

    Raises
    ------
    TypeError, ValueError
        If ``points`` is not an ``(n, 2)`` array of finite numbers with ``n >= 2`` within range.

    Examples
    --------
    >>> closest_pair([[0.0, 0.0], [5.0, 5.0], [1.0, 1.0], [6.0, 5.0]])
    ClosestPair(i=1, j=3, squared_distance=1.0)
    """
    pts = _points(points)
    order = np.lexsort((pts[:, 1], pts[:, 0]))  # sort by x
    s = pts[order]
    best, kept = np.inf, []
    for k in range(1, len(s)):
        dx2 = (s[k:, 0] - s[:-k, 0]) ** 2
        if dx2.min() > _bound(best):  # every pair k or more places apart is too far in x
            break
        d2 = dx2 + (s[k:, 1] - s[:-k, 1]) ** 2  # (20) in doubles
        best = min(best, float(d2.min()))
        near = np.flatnonzero(d2 <= _bound(best))
        kept.append((order[near], order[near + k], d2[near]))
    i, j, d2 = (np.concatenate(parts) for parts in zip(*kept))
    cand = d2 <= _bound(best)  # (21): the true closest pair is among these
    pairs = sorted(zip(np.minimum(i, j)[cand].tolist(), np.maximum(i, j)[cand].tolist()))
    exact = [(_exact_d2(pts[a], pts[b]), a, b) for a, b in pairs]
    d, a, b = min(exact)  # smallest exact distance, then smallest (i, j)
    return ClosestPair(a, b, float(d))


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivation the page renders: the rounding of (20) is within :math:`\gamma`, the argument for (21).

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven']
    """
    dx, dy, d1, d2, d3, d4, d5 = sp.symbols("d_x d_y delta_1 delta_2 delta_3 delta_4 delta_5", real=True)
    return (
        Derivation(
            "The rounded squared distance: $\\hat d^2 = d^2 (1 + \\theta)$ with $\\theta$ between the extremes of the $\\delta$'s products",
            [
                Step(((dx * (1 + d1)) ** 2 * (1 + d3) + (dy * (1 + d2)) ** 2 * (1 + d4)) * (1 + d5),
                     "each difference, square and the sum rounded: $\\mathrm{fl}(a \\circ b) = (a \\circ b)(1 + \\delta)$, $|\\delta| \\le \\varepsilon$"),
                Step(dx**2 * (1 + d1) ** 2 * (1 + d3) * (1 + d5) + dy**2 * (1 + d2) ** 2 * (1 + d4) * (1 + d5),
                     "distribute the last factor: each term is its exact square times four factors $1 + \\delta$"),
            ],
            argument=(
                "Each term is $d_x^2$ or $d_y^2$ times a product of four factors in $[1 - \\varepsilon, 1 + \\varepsilon]$, "
                "so $\\hat d^2$ lies between $(1 - \\varepsilon)^4 d^2 \\ge (1 - \\gamma) d^2$ and $(1 + \\gamma) d^2$. "
                "If the true closest pair has $d_*^2$, then $\\hat m \\ge (1 - \\gamma) d_*^2$ and its own "
                "$\\hat d^2 \\le (1 + \\gamma) d_*^2 \\le \\hat m (1 + \\gamma)/(1 - \\gamma)$: bound (21)."
            ),
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    coords = st.integers(-20, 20).map(lambda v: v / 4)
    return st.fixed_dictionaries({"points": st.lists(st.tuples(coords, coords), min_size=2, max_size=30)})


def _symbolic(example: dict[str, Any]) -> list[float]:
    r = closest_pair_symbolic(example["points"])
    return [r.i, r.j, float(r.squared_distance)]


def _numeric(example: dict[str, Any]) -> list[float]:
    r = closest_pair(example["points"])
    return [r.i, r.j, r.squared_distance]


CONCEPTS = (
    Concept(
        name="closest-pair",
        area="geometry",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=0.0, why="exact: the same pair, and the squared distance correctly rounded"),
        references=REFERENCES,
        page="geometry/convex-hull.md",
    ),
)

"""The in-circle predicate: the exact sign of the in-circle determinant of the doubles as given."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from refalgo.geometry import incircle, incircle_symbolic, orient2d

coords = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
points = st.tuples(coords, coords)
wild = st.floats(allow_nan=False, allow_infinity=False, min_value=-(2.0**300), max_value=2.0**300)
nudges = st.sampled_from([0.0, 2.0**-52, -(2.0**-50), 2.0**-40, 2.0**-1074])


def exact_incircle(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]) -> int:
    """The sign of the in-circle determinant with every double at its exact value (Fraction, expanded by the first row)."""
    rows = [(Fraction(p[0]) - Fraction(d[0]), Fraction(p[1]) - Fraction(d[1])) for p in (a, b, c)]
    m = [[x, y, x * x + y * y] for x, y in rows]
    det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    return (det > 0) - (det < 0)


@st.composite
def near_cocircular(draw: st.DrawFn) -> tuple[tuple[float, float], ...]:
    """Four points on the circle of radius 5 about a drawn centre (Pythagorean offsets), the last nudged by a few ulps."""
    cx, cy = draw(st.integers(-100, 100)), draw(st.integers(-100, 100))
    offsets = draw(st.permutations([(5, 0), (3, 4), (0, 5), (-4, 3), (-5, 0), (-3, -4), (4, -3)]))[:4]
    pts = [(float(cx + dx), float(cy + dy)) for dx, dy in offsets]
    pts[3] = (pts[3][0] + draw(nudges), pts[3][1] + draw(nudges))
    return tuple(pts)


@given(st.one_of(st.tuples(points, points, points, points), near_cocircular(), st.tuples(*(st.tuples(wild, wild),) * 4)))
def test_incircle_matches_rational_arithmetic(quad: tuple[tuple[float, float], ...]) -> None:
    """incircle is the sign of the exact in-circle determinant, on random, near-cocircular and wide-ranging inputs; the symbolic twin agrees."""
    want = exact_incircle(*quad)
    assert incircle(*quad) == want
    assert int(sp.sign(incircle_symbolic(*quad))) == want


@given(near_cocircular())
def test_incircle_is_invariant_under_rotation_of_abc(quad: tuple[tuple[float, float], ...]) -> None:
    """Rotating a, b, c keeps the sign; swapping two of them flips it (the orientation of a, b, c flips)."""
    a, b, c, d = quad
    s = incircle(a, b, c, d)
    assert incircle(b, c, a, d) == s and incircle(b, a, c, d) == -s


def test_incircle_closed_forms() -> None:
    """Unit-square corners are cocircular (0); the centre of a counter-clockwise triangle's circle is inside (+1) when it is counter-clockwise, -1 when clockwise."""
    assert incircle((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)) == 0
    assert orient2d((0.0, 0.0), (1.0, 0.0), (0.0, 1.0)) == 1
    assert incircle((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.5, 0.5)) == 1
    assert incircle((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (0.5, 0.5)) == -1
    assert incircle_symbolic((0, 0), (2, 0), (0, 2), (1, 1)) == 8


@pytest.mark.parity
@given(near_cocircular())
def test_incircle_agrees_with_the_shewchuk_port(quad: tuple[tuple[float, float], ...]) -> None:
    """Shewchuk's adaptive in-circle test, as ported in the `robust` package, gives the same sign on near-cocircular points."""
    determinant = pytest.importorskip("robust.cocircular").determinant
    v = determinant(*quad)
    assert incircle(*quad) == (v > 0) - (v < 0)


def test_incircle_bad_input() -> None:
    """A NaN coordinate or a point that is not a pair raises a ValueError naming the argument."""
    with pytest.raises(ValueError, match="^d:"):
        incircle((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (float("nan"), 0.0))
    with pytest.raises(ValueError, match="^b:"):
        incircle((0.0, 0.0), (1.0, 0.0, 2.0), (0.0, 1.0), (0.0, 0.0))

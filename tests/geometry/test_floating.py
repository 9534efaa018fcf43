"""The EPS idiom as the notes write it, what it gets wrong on concrete doubles, and the exact error-free transformations."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from refalgo.geometry import eq, eq_symbolic, orient2d, orient2d_eps, sgn, sgn_symbolic, two_product, two_sum

finite = st.floats(min_value=-(2.0**500), max_value=2.0**500, allow_nan=False)
moderate = st.floats(min_value=2.0**-400, max_value=2.0**400).flatmap(lambda m: st.sampled_from([m, -m]))


def test_eps_idiom_as_written() -> None:
    """sgn is 0 below EPS = 1e-8 and the sign above; eq(a, b) is |a - b| < EPS, so 0.1 + 0.2 "equals" 0.3."""
    assert [sgn(v) for v in (-1.0, -1e-9, 0.0, 1e-9, 2e-8)] == [-1, 0, 0, 0, 1]
    assert eq(0.1 + 0.2, 0.3) and 0.1 + 0.2 != 0.3
    assert sgn_symbolic("-3/1000000000") == 0 and sgn_symbolic(-0.5) == -1


def test_eps_equality_is_not_transitive() -> None:
    """a = b and b = c within EPS, yet a != c: 0, 0.6e-8 and 1.2e-8 (exactly and in doubles)."""
    a, b, c = 0.0, 0.6e-8, 1.2e-8
    assert eq(a, b) and eq(b, c) and not eq(a, c)
    assert eq_symbolic(a, b) and eq_symbolic(b, c) and not eq_symbolic(a, c)


def test_eps_depends_on_scale() -> None:
    """At 1e9 neighbouring doubles are 1.2e-7 apart, so no two distinct ones are EPS-equal; at 1e-9 every pair is."""
    big = 1e9
    assert not eq(big, np.nextafter(big, np.inf))
    assert eq(1e-9, 9e-9) and 9e-9 / 1e-9 > 8


def test_eps_orientation_calls_a_real_turn_collinear() -> None:
    """A right angle with legs 1e-5 has determinant 1e-10 < EPS: the EPS orientation answers 0, the exact one +1."""
    p, q, r = (0.0, 0.0), (1e-5, 0.0), (0.0, 1e-5)
    assert orient2d_eps(p, q, r) == 0 and orient2d(p, q, r) == 1


def test_eps_orientation_calls_rounding_a_turn() -> None:
    """Three doubles exactly on the line y = 3x, far apart: the rounded determinant is 1/32, far above EPS, so EPS says "turn"."""
    xs = (0.1859062658947177, 9932890.709584586, 8739518.75915761)
    p, q, r = ((x, 3 * x) for x in xs)
    assert all(Fraction(3 * x) == 3 * Fraction(x) for x in xs)  # exactly on the line
    assert orient2d_eps(p, q, r) == 1 and orient2d(p, q, r) == 0


@given(finite, finite)
def test_two_sum_is_exact(a: float, b: float) -> None:
    """s = fl(a + b) and s + e = a + b exactly, for any doubles whose sum does not overflow."""
    s, e = two_sum(a, b)
    assert s == a + b
    assert Fraction(s) + Fraction(e) == Fraction(a) + Fraction(b)


@given(moderate, moderate)
def test_two_product_is_exact(a: float, b: float) -> None:
    """x = fl(a b) and x + y = a b exactly, by Dekker's split, in the range where y is a double."""
    x, y = two_product(a, b)
    assert x == a * b
    assert Fraction(x) + Fraction(y) == Fraction(a) * Fraction(b)


def test_two_sum_published_example() -> None:
    """0.1 + 0.2: the rounded sum 0.30000000000000004 and its error -2**-55 * 0.8 (the doubles' exact values)."""
    s, e = two_sum(0.1, 0.2)
    assert s == 0.30000000000000004
    assert Fraction(e) == Fraction(0.1) + Fraction(0.2) - Fraction(s)
    assert e != 0.0

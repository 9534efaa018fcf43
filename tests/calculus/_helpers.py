"""Shared by the calculus tests: exact comparison and strategies for points, directions and polynomials."""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from refalgo.calculus._engine.examples import random_functions

x, y, z = sp.symbols("x y z", real=True)
EPS = float(np.finfo(np.float64).eps)
H_CENTRAL = EPS ** (1 / 3)


def exactly_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """Two closed forms are the same number: to 50 digits (they come from different computations)."""
    return bool(abs(sp.N(a - b, 50)) < sp.Float("1e-40"))


def coordinates(n: int) -> st.SearchStrategy[list[sp.Rational]]:
    q = st.fractions(-2, 2, max_denominator=4).map(lambda f: sp.Rational(f.numerator, f.denominator))
    return st.lists(q, min_size=n, max_size=n)


def nonzero_directions(n: int) -> st.SearchStrategy[list[int]]:
    return st.tuples(st.lists(st.integers(-4, 4), min_size=n, max_size=n), st.integers(0, n - 1), st.integers(1, 4)).map(
        lambda t: [t[2] if i == t[1] and not any(t[0]) else v for i, v in enumerate(t[0])]
    )


polynomial_examples = st.integers(2, 3).flatmap(
    lambda n: st.tuples(
        random_functions(n, transcendental=False), st.just(list((x, y, z)[:n])), coordinates(n), nonzero_directions(n)
    )
)

"""Hypothesis strategies shared by the tests and by registry entries.

Valid inputs are built directly (a stochastic matrix is a normalized nonnegative
matrix, an SPD matrix is ``B Bᵀ + cI``), never filtered out of random ones. This module
imports Hypothesis, a test dependency; the rest of refalgo never imports it.
"""

from __future__ import annotations

import sympy as sp
from hypothesis import strategies as st

__all__ = [
    "rationals",
    "int_vectors",
    "int_matrices",
    "nonzero_int_vectors",
]


def rationals(lo: int = -5, hi: int = 5, max_den: int = 8) -> st.SearchStrategy[sp.Rational]:
    """Exact SymPy rationals ``p/q`` in ``[lo, hi]`` with ``q <= max_den``."""
    return st.fractions(lo, hi, max_denominator=max_den).map(lambda f: sp.Rational(f.numerator, f.denominator))


def int_vectors(n: int, lo: int = -5, hi: int = 5) -> st.SearchStrategy[list[int]]:
    """Lists of ``n`` integers."""
    return st.lists(st.integers(lo, hi), min_size=n, max_size=n)


def nonzero_int_vectors(n: int, lo: int = -5, hi: int = 5) -> st.SearchStrategy[list[int]]:
    """Lists of ``n`` integers, not all zero (built directly: one entry is forced nonzero)."""
    nonzero = st.integers(1, max(abs(lo), abs(hi))).flatmap(lambda k: st.sampled_from([k, -k]))
    return st.tuples(int_vectors(n, lo, hi), st.integers(0, n - 1), nonzero).map(
        lambda t: [t[2] if i == t[1] and t[0][i] == 0 else v for i, v in enumerate(t[0])]
    )


def int_matrices(rows: int, cols: int, lo: int = -5, hi: int = 5) -> st.SearchStrategy[list[list[int]]]:
    """``rows × cols`` integer matrices as nested lists."""
    return st.lists(int_vectors(cols, lo, hi), min_size=rows, max_size=rows)

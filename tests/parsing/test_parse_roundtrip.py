"""Round trips: what SymPy prints, in Python syntax or in LaTeX, reads back to the same expression."""

from __future__ import annotations

import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.parsing import parse

x, y, z, gamma = sp.symbols("x y z gamma", real=True)
atoms = st.sampled_from([x, y, z, gamma]) | st.integers(-9, 9).map(sp.Integer) | st.fractions(-5, 5, max_denominator=7).map(
    lambda f: sp.Rational(f.numerator, f.denominator)
)


def _combine(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
    pairs = st.tuples(children, children)
    return st.one_of(
        pairs.map(lambda p: p[0] + p[1]),
        pairs.map(lambda p: p[0] * p[1]),
        pairs.map(lambda p: p[0] - p[1]),
        st.tuples(st.sampled_from([x, y, z, gamma, x + 1]), st.integers(-3, 4)).map(lambda p: p[0] ** p[1]),
        st.tuples(children, st.sampled_from([x, y, 1 + z**2])).map(lambda p: p[0] / p[1]),
        children.map(sp.exp),
        st.tuples(children, st.sampled_from([sp.sin, sp.cos, sp.sqrt])).map(lambda p: p[1](p[0])),
    )


expressions = st.recursive(atoms, _combine, max_leaves=6)


def _same(got: sp.Expr, e: sp.Expr) -> bool:
    """Identical, or equal once SymPy's automatic distribution (2*(a + b) -> 2*a + 2*b) is undone."""
    return got == e or sp.simplify(got - e) == 0


@given(expressions)
def test_python_printing_reads_back(e: sp.Expr) -> None:
    assume(not e.has(sp.I, sp.zoo, sp.nan))  # the readers know real numbers only
    assert _same(parse(sp.sstr(e), syntax="python"), e)


@given(expressions)
def test_latex_printing_reads_back(e: sp.Expr) -> None:
    assume(not e.has(sp.I, sp.zoo, sp.nan))
    assert _same(parse(sp.latex(e), syntax="latex"), e)

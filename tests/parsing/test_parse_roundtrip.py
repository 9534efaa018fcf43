"""Round trips: what SymPy prints, in Python syntax or in LaTeX, reads back to the same expression."""

from __future__ import annotations

import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.parsing import AmbiguousNotation, ParseError, parse, read_chain

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


def _read_back(read: object, *args: object, **kwargs: object) -> object:
    """What ``read`` returns; a printed product ``x \\left(y + z\\right)`` of a name seen nowhere else is
    ambiguous and a printed e^{e^{8}} is out of range: such examples are set aside, never passed."""
    try:
        return read(*args, **kwargs)  # type: ignore[operator]
    except AmbiguousNotation as exc:
        assert " \\cdot " in exc.readings[0]
    except ParseError as exc:
        assert "out of range" in exc.message
    assume(False)
    return None


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
    assert _same(_read_back(parse, sp.latex(e), syntax="latex"), e)


@given(expressions, expressions)
def test_a_printed_chain_reads_back_piece_by_piece(e1: sp.Expr, e2: sp.Expr) -> None:
    """One syntax for the whole chain: each side reads back as it was printed."""
    assume(not (e1.has(sp.I, sp.zoo, sp.nan) or e2.has(sp.I, sp.zoo, sp.nan)))
    for printer, syntax in ((sp.latex, "latex"), (sp.sstr, "auto")):
        got = _read_back(read_chain, f"{printer(e1)} = {printer(e2)}", syntax=syntax).exprs  # type: ignore[attr-defined]
        assert _same(got[0], e1) and _same(got[1], e2)

r"""read_chain: one syntax and one notation for a derivation, the explanation, the declarations."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.parsing import DIMENSION, Notation, ParseError, Reading, parse, read_chain

R = {"real": True}
x, y, s = sp.symbols("x y s", **R)
v = sp.Function("v", **R)
s1, s2 = sp.symbols("s_1 s_2", **R)


def test_reading_holds_one_object_per_piece_and_where_it_came_from() -> None:
    r = read_chain(["(x + 1)^2", r"= x^2 + 2x + 1 = x^2 + 1 + 2x"])
    assert isinstance(r, Reading)
    assert r.exprs == ((x + 1) ** 2, x**2 + 2 * x + 1, x**2 + 2 * x + 1)
    assert r.pieces == ("(x + 1)^2", "x^2 + 2x + 1", "x^2 + 1 + 2x")
    assert r.locations == ((0, 0), (1, 2), (1, 17))
    assert r.syntax == "latex"


def test_syntax_is_decided_once_for_all_pieces() -> None:
    # "xy + yx" alone would be read as Python (the name xy); with "2xy" beside it, all is LaTeX.
    assert read_chain("xy + yx = 2xy").exprs == (2 * x * y, 2 * x * y)
    assert read_chain("x**2 = x*x").syntax == "python"
    with pytest.raises(ParseError, match=r"mixes Python syntax \(\*\*\) with LaTeX") as info:
        read_chain(["x^2", "= x**2"])
    assert info.value.text == "= x**2" and info.value.position == 3


def test_the_notation_is_resolved_before_any_piece_is_read() -> None:
    # u is applied with two arguments in the second piece, so the first piece applies it too.
    r = read_chain([r"u(s + 1)", r"= u(s, 1)"])
    u = sp.Function("u", **R)
    assert r.exprs == (u(s + 1), u(s, 1))
    assert "u" in r.notation.functions
    # A carries ^\top in the last piece, so A is a matrix in the first one too.
    r = read_chain([r"A B", r"= (B^\top A^\top)^\top"])
    n = DIMENSION
    A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, n)
    assert r.exprs[0] == A * B
    assert dict(r.notation.matrices) == {"A": (n, n), "B": (n, n)}


def test_explain_says_how_each_piece_was_read() -> None:
    notation = Notation(matrices={"A": (3, 3)}, index_sets={"a": 2})
    lines = read_chain(r"v(s_1) + x^{(1)} + \hat{v} + s' = \sum_a q(s, a)", notation=notation).explain()
    assert lines[0] == "syntax: LaTeX"
    assert lines[1].startswith("notation: functions: ") and r"a \in \{a_{1}, a_{2}\}" in lines[1]
    assert r"  v(s_1): the function v applied to s_{1}" in lines
    assert r"  x^{(1)}: the symbol x^{(1)}, an index, not a power" in lines
    assert r"  \hat{v}: the symbol \hat{v}, distinct from v" in lines
    assert r"  s': the symbol s', distinct from s" in lines
    assert r"  \sum_a q(s, a): the sum over a \in \{a_{1}, a_{2}\}, written out" in lines
    matrix_lines = read_chain(r"A^{\top} A", notation=notation).explain()
    assert r"  A^{\top}: the transpose of A, of shape 3 \times 3" in matrix_lines
    assert r"  A: the matrix A of shape 3 \times 3" in matrix_lines


def test_explain_states_the_product_default() -> None:
    lines = read_chain(r"a(b + c) = ab + ac").explain()
    assert "  a: a times the parenthesis: a is used as a value in the derivation and is not a declared function" in lines


def test_texts_after_the_first_may_continue_the_chain() -> None:
    assert read_chain(["x + x", "= 2x"]).exprs == (2 * x, 2 * x)
    with pytest.raises(ParseError, match="empty expression"):
        read_chain("= 2x")
    with pytest.raises(ParseError, match="empty expression"):
        read_chain("x = = 2x")


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="texts: expected a string or a non-empty sequence"):
        read_chain(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"texts\[1\]: expected a string"):
        read_chain(["x", 2])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="notation: expected a refalgo.parsing.Notation"):
        read_chain("x", notation={"functions": ["u"]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="syntax: expected"):
        read_chain("x", syntax="tex")  # type: ignore[arg-type]


# ---------------------------------------------------------------- declarations
def test_notation_normalizes_names() -> None:
    n = Notation(functions=(r"\hat{v}", "π", r"\pi_{\text{ref}}"), matrices=("A",), vectors={"x": 3},
                 index_sets={"a": ["left", "right"], "k": [0, 1]}, distributions={r"\pi": "a"})
    assert n.functions == frozenset({"vhat", "pi", "pi_ref"})
    assert n.matrices["A"] == (DIMENSION, DIMENSION) and n.matrices["x"] == (3, 1)
    assert n.index_sets["a"] == (sp.Symbol("left", **R), sp.Symbol("right", **R))
    assert n.index_sets["k"] == (0, 1)
    assert n.distributions == {"pi": "a"}
    assert n.index_values("a''") == n.index_sets["a"]


def test_notation_from_command_line_strings() -> None:
    n = Notation.from_strings(functions=["u,w"], scalars=["r"], matrices=["A,B"], vectors=["x"],
                              index_sets=["a=a1,a2", "s=3"], distributions=["pi=a"])
    assert n.functions == {"u", "w"} and n.scalars == {"r"}
    assert set(n.matrices) == {"A", "B", "x"}
    assert n.index_sets["s"] == tuple(sp.Symbol(f"s_{k}", **R) for k in (1, 2, 3))
    with pytest.raises(ValueError, match="index_sets: expected name=values"):
        Notation.from_strings(index_sets=["a"])


@pytest.mark.parametrize(
    "kwargs,error,words",
    [
        ({"functions": [3]}, TypeError, "functions: expected a string"),
        ({"functions": ["2x"]}, ValueError, "functions: expected a name"),
        ({"matrices": {"A": (2,)}}, ValueError, "matrices['A']: expected a shape (rows, columns)"),
        ({"matrices": {"A": (0, 2)}}, ValueError, "expected a size from 1 to 50"),
        ({"vectors": {"x": 2.5}}, ValueError, "vectors['x']: expected a size"),
        ({"index_sets": {"a": 0}}, ValueError, "index_sets['a']: expected a size from 1 to 50"),
        ({"index_sets": {"a": [1, 1]}}, ValueError, "expected 1 to 50 distinct values"),
        ({"index_sets": {"a": [0.5]}}, TypeError, "expected names (strings) or whole numbers"),
        ({"index_sets": ["a"]}, TypeError, "index_sets: expected a mapping"),
        ({"distributions": {"p": "x"}}, ValueError, "distributions['p']: 'x' is not a declared index set"),
        ({"defaults": "yes"}, TypeError, "defaults: expected True or False"),
    ],
)
def test_notation_refuses_bad_declarations(kwargs: dict, error: type, words: str) -> None:
    with pytest.raises(error) as info:
        Notation(**kwargs)
    assert words in str(info.value)


def test_without_defaults_no_name_is_a_function() -> None:
    assert parse("v(s + 1) + v", syntax="latex", notation=Notation(defaults=False)) == sp.Symbol("v", **R) * (s + 1) + sp.Symbol("v", **R)


# ---------------------------------------------------------------- properties
_BASES = ["x", "y", "s", "a", "w", r"\theta", r"\mu"]
_DECOR = {"": "", r"\hat": "hat", r"\bar": "bar", r"\tilde": "tilde"}


@given(st.sampled_from(_BASES), st.sampled_from(sorted(_DECOR)), st.sampled_from(["", "1", "t", r"\pi", "*"]),
       st.integers(0, 2))
def test_decorated_names_read_as_their_symbol(base: str, decoration: str, sub: str, primes: int) -> None:
    text = (f"{decoration}{{{base}}}" if decoration else base) + (f"_{{{sub}}}" if sub else "") + "'" * primes
    name = base.lstrip("\\") + _DECOR[decoration] + (f"_{sub.lstrip(chr(92))}" if sub else "") + "'" * primes
    assert parse(text, syntax="latex") == sp.Symbol(name, **R)


_n = DIMENSION
_MATS = [sp.MatrixSymbol("A", _n, _n), sp.MatrixSymbol("B", _n, _n), sp.MatrixSymbol("C", _n, _n)]
_factors = st.sampled_from(_MATS) | st.sampled_from(_MATS).map(lambda m: m.T) | st.sampled_from(_MATS).map(lambda m: m.I)


@given(st.lists(_factors, min_size=1, max_size=4), st.integers(-3, 3).filter(bool))
def test_printed_matrix_products_read_back(factors: list, k: int) -> None:
    expr = k * sp.MatMul(*factors)
    assume(not expr.has(sp.Identity))  # A A^{-1} is printed as the identity \mathbb{I}
    assert parse(sp.latex(expr), syntax="latex", notation=Notation(matrices=("A", "B", "C"))) == expr


_args = st.sampled_from([x, y, s, x + 1, 2 * s, x * y])


@given(st.sampled_from(["v", "q", "V", "Z", "f"]), st.lists(_args, min_size=1, max_size=3), st.integers(1, 3))
def test_printed_applications_read_back(name: str, args: list, k: int) -> None:
    expr = k * sp.Function(name, **R)(*args) + x
    assert parse(sp.latex(expr), syntax="latex") == expr


def test_conditions_read_with_the_derivation() -> None:
    r = read_chain(r"\sum_{i=1}^{2} x_i = x_1 + x_2")
    xs = sp.Function("x", **R)
    assert r.condition("x_1 > 0") == (xs(1) > 0,)
    assert r.condition("0 < gamma < 1") == (sp.Lt(0, sp.Symbol("gamma", **R)), sp.Lt(sp.Symbol("gamma", **R), 1))
    assert r.condition(r"\gamma = 0.9") == (sp.Eq(sp.Symbol("gamma", **R), sp.Rational(9, 10)),)
    with pytest.raises(ParseError, match="holds no symbol"):
        r.condition("1 = 1")
    m = read_chain(r"A^\top A", notation=Notation(matrices={"A": (2, 2)}))
    assert m.condition("a > 0") == (sp.Symbol("a", **R) > 0,)


def test_notations_compare_and_hash_by_their_declarations() -> None:
    a = Notation(matrices=("A",), index_sets={"a": 2})
    assert a == Notation(matrices=("A",), index_sets={"a": 2}) and hash(a) == hash(Notation(matrices=("A",), index_sets={"a": 2}))
    assert a != Notation(matrices=("B",), index_sets={"a": 2})

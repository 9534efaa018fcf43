"""Python-syntax input: the whitelisted forms, exact numbers, and errors with their column."""

from __future__ import annotations

import pytest
import sympy as sp

from refalgo.parsing import ParseError, detect_syntax, parse, parse_condition

x, y, gamma, z = sp.symbols("x y gamma z", real=True)
k, n = sp.symbols("k n", integer=True)
f = sp.Function("f", real=True)

CASES = [
    ("x**2 + 2*x + 1", x**2 + 2 * x + 1),
    ("(x + 1)**2", (x + 1) ** 2),
    ("-x + +y", -x + y),
    ("x / 3 - y", x / 3 - y),
    ("0.1 + 1e-3", sp.Rational(101, 1000)),  # exact from the decimal text, not from the binary float
    ("1_000 * x", 1000 * x),
    ("sqrt(x) + exp(x) + log(x) + ln(y)", sp.sqrt(x) + sp.exp(x) + sp.log(x) + sp.log(y)),
    ("log(x, 2)", sp.log(x, 2)),
    ("sin(x)**2 + cos(x)**2 + tan(y)", sp.sin(x) ** 2 + sp.cos(x) ** 2 + sp.tan(y)),
    ("asin(x) + acos(x) + atan(x) + tanh(x)", sp.asin(x) + sp.acos(x) + sp.atan(x) + sp.tanh(x)),
    ("Abs(x) + abs(y)", sp.Abs(x) + sp.Abs(y)),
    ("sigmoid(z)", 1 / (1 + sp.exp(-z))),
    ("max(x, y) + Min(x, y)", sp.Max(x, y) + sp.Min(x, y)),
    ("factorial(5) + binomial(4, 2)", sp.Integer(126)),
    ("root(x, 3)", sp.sign(x) * sp.Abs(x) ** sp.Rational(1, 3)),  # the real cube root
    ("root(x, 4)", x ** sp.Rational(1, 4)),
    ("pi + E + e", sp.pi + 2 * sp.E),
    ("oo", sp.oo),
    ("γ**2", gamma**2),
    ("f(x) + f(x, y)", f(x) + sp.Function("f", real=True)(x, y)),
    ("diff(f(x), x)", sp.Derivative(f(x), x)),
    ("diff(x**3, x, 2)", sp.Derivative(x**3, (x, 2))),
    ("Sum(gamma**k, (k, 0, oo))", sp.Sum(gamma**k, (k, 0, sp.oo))),
    ("Product(k, (k, 1, n))", sp.Product(k, (k, 1, n))),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0] for c in CASES])
def test_python_form_reads_as_written_by_hand(text: str, expected: sp.Basic) -> None:
    assert parse(text, syntax="python") == expected


def test_symbols_are_real_so_square_roots_simplify() -> None:
    assert sp.simplify(parse("sqrt(x**2)")) == sp.Abs(x)


def test_python_conditions_are_chained_relations() -> None:
    assert parse_condition("0 < gamma < 1") == (sp.Lt(0, gamma), sp.Lt(gamma, 1))
    assert parse_condition("x != 0") == (sp.Ne(x, 0),)
    with pytest.raises(ParseError, match="holds no symbol"):
        parse_condition("1 < 2")
    with pytest.raises(ParseError, match="expected a condition|invalid|comparison"):
        parse_condition("x + 1")


def test_detect_syntax() -> None:
    assert detect_syntax("x**2") == "python"
    assert detect_syntax("x^2") == "latex"
    assert detect_syntax("2x") == "latex"
    assert detect_syntax("x != 1") == "python"
    assert detect_syntax("n!") == "latex"


@pytest.mark.parametrize(
    "text,column,words",
    [
        ("x +* 2", 3, "not a valid Python expression"),
        ("x ^ 2", 0, "^ is not a power"),
        ("x.real", 0, "attribute access"),
        ("x[0]", 0, "subscripts"),
        ("'a' + x", 0, "only numbers"),
        ("x + 1j", 4, "only numbers"),
        ("f(x, y=1)", 7, "keyword arguments"),
        ("sqrt(x, y)", 0, "takes 1 argument"),
        ("sqrt + 1", 0, "sqrt is a function"),
        ("x + __y", 4, "underscore"),
        ("x < 1", 0, "only accepted as a condition"),
        ("Sum(k, k, 1)", 0, "write Sum(term, (k, lower, upper))"),
        ("x / 0", 0, "division by zero"),
        ("x and y", 0, "and/or"),
        ("True + x", 0, "only numbers"),
    ],
)
def test_python_errors_point_at_the_problem(text: str, column: int, words: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, syntax="python")
    assert words in info.value.message
    assert info.value.position == column
    assert str(info.value).splitlines()[-1] == "  " + " " * column + "^"


def test_non_ascii_column_is_counted_in_characters() -> None:
    with pytest.raises(ParseError) as info:
        parse("γ + x.real", syntax="python")
    assert info.value.position == 4


def test_bad_argument_types() -> None:
    with pytest.raises(TypeError, match="text: expected a string"):
        parse(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="syntax: expected"):
        parse("x", syntax="tex")  # type: ignore[arg-type]
    with pytest.raises(ParseError, match="empty expression"):
        parse("   ")


def test_declared_matrices_in_python_syntax() -> None:
    from refalgo.parsing import DIMENSION, Notation

    n = DIMENSION
    A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, n)
    decl = Notation(matrices=("A", "B"))
    assert parse("A.T * B.T", syntax="python", notation=decl) == A.T * B.T
    assert parse("A @ B", syntax="python", notation=decl) == A * B
    assert parse("(I - A) * B", syntax="python", notation=decl) == (sp.Identity(n) - A) * B
    with pytest.raises(ParseError, match="cannot be an argument of sin"):
        parse("sin(A)", syntax="python", notation=decl)
    with pytest.raises(ParseError, match="@ multiplies declared matrices"):
        parse("x @ y", syntax="python")
    with pytest.raises(ParseError, match="only M.T, the transpose of a declared matrix"):
        parse("x.T", syntax="python")

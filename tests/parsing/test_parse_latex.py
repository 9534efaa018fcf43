"""Every LaTeX construct the page documents, read into the SymPy object written by hand."""

from __future__ import annotations

import pytest
import sympy as sp

from refalgo.parsing import ParseError, parse, parse_chain, parse_condition

x, y, z, a, b, n_real = sp.symbols("x y z a b n", real=True)
gamma, theta, alpha, beta, sigma, lam = sp.symbols("gamma theta alpha beta sigma lambda", real=True)
i, k, n, t, T = sp.symbols("i k n t T", integer=True)
f, g, pi_, pi_ref, seq, r, L, Q = (sp.Function(s, real=True) for s in ("f", "g", "pi", "pi_ref", "x", "r", "L", "Q"))
s_, act = sp.symbols("s a", real=True)

CASES = [
    # plain algebra, implicit products, fractions
    (r"\frac{1}{2}x^{2}", x**2 / 2),
    (r"2x", 2 * x),
    (r"x y", x * y),
    (r"xy", x * y),
    (r"2(x+1)", 2 * x + 2),
    (r"(x+1)(x-1)", (x + 1) * (x - 1)),
    (r"a \cdot b \times z", a * b * z),
    (r"a / b", a / b),
    (r"\dfrac{a}{b} + \tfrac{1}{3}", a / b + sp.Rational(1, 3)),
    (r"x^23", 3 * x**2),  # TeX reads x^23 as x^2 followed by 3
    (r"x^{-1}", 1 / x),
    (r"-x^2", -(x**2)),
    (r"0.25x", x / 4),
    (r"\left( x + 1 \right)^{2}", (x + 1) ** 2),
    (r"\left[ x \right] + \{ y \}", x + y),
    # subscripts and Greek letters
    (r"x_1 + x_{ij}", sp.Symbol("x_1", real=True) + sp.Symbol("x_ij", real=True)),
    (r"\theta_t", sp.Symbol("theta_t", real=True)),
    (r"\alpha \beta \gamma", alpha * beta * gamma),
    (r"\lambda + \varepsilon", lam + sp.Symbol("epsilon", real=True)),
    ("γ + θ", gamma + theta),
    (r"\mathrm{KL}", sp.Symbol("KL", real=True)),
    # constants and elementary functions
    (r"e^{x}", sp.exp(x)),
    (r"e^x y", y * sp.exp(x)),
    (r"\exp(x) + \exp x", 2 * sp.exp(x)),
    (r"\ln x + \log y", sp.log(x) + sp.log(y)),
    (r"\log_2 x", sp.log(x, 2)),
    (r"\log x \log y", sp.log(x) * sp.log(y)),
    (r"\sin 2x", sp.sin(2 * x)),
    (r"\sin^2 x + \cos^2 x", sp.sin(x) ** 2 + sp.cos(x) ** 2),
    (r"\tan x \cdot \tanh(y)", sp.tan(x) * sp.tanh(y)),
    (r"\arctan(x) + \sinh(x) + \cosh(x)", sp.atan(x) + sp.sinh(x) + sp.cosh(x)),
    (r"2\pi", 2 * sp.pi),
    (r"\infty", sp.oo),
    (r"\sqrt{x}", sp.sqrt(x)),
    (r"\sqrt[3]{x}", sp.sign(x) * sp.Abs(x) ** sp.Rational(1, 3)),  # the real cube root
    (r"\binom{5}{2}", sp.Integer(10)),
    (r"\binom{n}{2}", sp.binomial(n_real, 2)),
    (r"4!", sp.Integer(24)),
    (r"\max(a, b) - \min(a, b)", sp.Max(a, b) - sp.Min(a, b)),
    # the logistic sigmoid
    (r"\sigma(z)", 1 / (1 + sp.exp(-z))),
    (r"\sigma^2", sigma**2),
    # absolute value and norms
    (r"|x|", sp.Abs(x)),
    (r"|x| |y|", sp.Abs(x) * sp.Abs(y)),
    (r"||x| - |y||", sp.Abs(sp.Abs(x) - sp.Abs(y))),
    (r"\left| x - y \right|", sp.Abs(x - y)),
    (r"\|(a, b)\|", sp.sqrt(a**2 + b**2)),
    (r"\left\| (a, b) \right\|^2", a**2 + b**2),
    (r"\|(a, b)\|_1", sp.Abs(a) + sp.Abs(b)),
    (r"\|(a, b)\|_\infty", sp.Max(sp.Abs(a), sp.Abs(b))),
    (r"\lVert x \rVert", sp.Abs(x)),
    # function application, conditional bar
    (r"f(x)", f(x)),
    (r"f(x, y)", f(x, y)),
    (r"Q(s, a)", Q(s_, act)),
    (r"\log \pi(y|x)", sp.log(pi_(y, x))),
    (r"\log \pi(y \mid x)", sp.log(pi_(y, x))),
    (r"\beta \log \frac{\pi(y|x)}{\pi_{ref}(y|x)}", beta * sp.log(pi_(y, x) / pi_ref(y, x))),
    (r"x(x+1)", x * (x + 1)),
    (r"\operatorname{g}(x)", g(x)),
    # derivatives
    (r"\frac{\partial}{\partial x} x^2 y", sp.Derivative(x**2 * y, x)),
    (r"\frac{\partial f}{\partial x}", sp.Derivative(f(x), x)),
    (r"\frac{\partial f(x, y)}{\partial y}", sp.Derivative(f(x, y), y)),
    (r"\frac{\partial^2 f}{\partial x \partial y}", sp.Derivative(f(x, y), x, y)),
    (r"\frac{\partial^2}{\partial x^2} x^3", sp.Derivative(x**3, (x, 2))),
    (r"\frac{d}{dx} \sin x", sp.Derivative(sp.sin(x), x)),
    (r"f'(x)", sp.Derivative(f(x), x)),
    (r"\frac{df}{dx}", sp.Derivative(f(x), x)),
    (r"\frac{\mathrm{d}}{\mathrm{d}x} \mathrm{e}^{2x}", sp.Derivative(sp.exp(2 * x), x)),
    (r"\frac{d^2}{dx^2} e^{2x}", sp.Derivative(sp.exp(2 * x), (x, 2))),
    (r"\frac{\partial L}{\partial \theta}", sp.Derivative(L(theta), theta)),
    # sums and products
    (r"\sum_{k=0}^{\infty} \gamma^k", sp.Sum(gamma**k, (k, 0, sp.oo))),
    (r"\sum_{i=1}^{n} x_i", sp.Sum(seq(i), (i, 1, n))),
    (r"\sum_{t=0}^{T} \gamma^t r_{t+1}", sp.Sum(gamma**t * r(t + 1), (t, 0, T))),
    (r"\sum_{k=1}^{n} k + 1", sp.Sum(k, (k, 1, n)) + 1),
    (r"\prod_{k=1}^{n} k", sp.Product(k, (k, 1, n))),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0] for c in CASES])
def test_latex_construct_reads_as_written_by_hand(text: str, expected: sp.Basic) -> None:
    got = parse(text, syntax="latex")
    assert got == expected, f"{text!r} read as {got!r}, expected {expected!r}"


def test_auto_syntax_reads_latex_markers_and_implicit_products() -> None:
    assert parse("2x + 1") == 2 * x + 1
    assert parse(r"\frac{x}{2}") == x / 2
    assert parse("|x|") == sp.Abs(x)


def test_chain_splits_at_top_level_equals_only() -> None:
    assert parse_chain(r"\sum_{k=0}^{2} x^k = 1 + x + x^2") == [sp.Sum(x**k, (k, 0, 2)), 1 + x + x**2]
    assert parse_chain(r"(x+1)^2 &= x^2 + 2x + 1 \\") == [(x + 1) ** 2, x**2 + 2 * x + 1]


def test_latex_conditions() -> None:
    assert parse_condition(r"0 < \gamma \leq 1") == (sp.Lt(0, gamma), sp.Le(gamma, 1))
    assert parse_condition(r"x \ge 0") == (x >= 0,)
    assert parse_condition(r"x \neq 1") == (sp.Ne(x, 1),)


@pytest.mark.parametrize(
    "text,column,words",
    [
        (r"x + \input{a}", 4, r"unknown or unsupported LaTeX command \input"),
        (r"\frac{1}{", 9, "ends too early"),
        (r"(x + 1", 6, "expected ) to close the ( opened at column 1"),
        (r"x + $y", 4, "unexpected character '$'"),
        (r"(x + 1)'", 7, "a prime is read on a name"),
        (r"\partial x", 0, r"\partial is read only"),
        (r"\sum_{k=1}^{n}", 14, "ends too early"),
        (r"\|(a, b) + c\|", 9, r"expected \| to close"),
        (r"(a, b)", 6, "a list (a, b, ...) is only accepted"),
        (r"\sqrt[0]{x}", 0, "whole number n"),
        (r"x = y", 2, "unexpected ="),
        (r"x < 1", 2, "only accepted as a condition"),
        (r"2 + abc", 4, "the letters 'abc' form a word"),
        (r"\sum_{k=1}^{2000} k", 0, "more than 1000 terms"),
    ],
)
def test_latex_errors_point_at_the_problem(text: str, column: int, words: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, syntax="latex")
    assert words in info.value.message
    assert info.value.position == column
    caret_line = str(info.value).splitlines()[-1]
    assert caret_line == "  " + " " * column + "^"


def test_multi_letter_names_are_allowed_in_subscripts_and_mathrm() -> None:
    assert parse(r"\pi_{ref}") == sp.Symbol("pi_ref", real=True)
    assert parse(r"x_{max} + \mathrm{lr}") == sp.Symbol("x_max", real=True) + sp.Symbol("lr", real=True)


def test_two_character_comparisons_in_latex_conditions() -> None:
    assert parse_condition(r"x != 1", syntax="latex") == (sp.Ne(x, 1),)
    assert parse_condition(r"x <= 1", syntax="latex") == (x <= 1,)

r"""Refusals name what was not understood and the accepted form; ambiguity is asked, never guessed."""

from __future__ import annotations

import pytest
import sympy as sp

from refalgo.parsing import AmbiguousNotation, Notation, ParseError, parse, parse_chain, parse_condition, read_chain

REFUSALS = [
    # (text, column, words that must be in the message, words that must not)
    (r"\sum_a \pi(a|s)", 0, r"the values of a are not declared: declare index_sets={'a'", "expected = but found"),
    (r"\sum_{s'} p(s'|s)", 0, r"the values of s' are not declared: declare index_sets={'s'", "expected ="),
    (r"\max_a q(s, a)", 0, "index_sets", "write \\max(a, b)"),
    (r"1 + 2 + \cdots + n", 8, r"\cdots (a pattern left to the reader) is read only after terms of a sequence", ""),
    (r"r_1 + \gamma r_2 + \cdots", 19, r"otherwise write the sum with its limits", ""),
    (r"1 + \dots", 4, r"\sum_{k=0}^{n}", ""),
    (r"D_{\mathrm{KL}}(p \,\|\, q)", 0, "distributions={'p': 'x', 'q': 'x'}", ""),
    (r"\mathbb{R}", 0, r"\mathbb{R} (a set of numbers) is not read", ""),
    (r"\mathbb{E}[X]", 10, r"\mathbb{E}_{a \sim \pi}[...]", ""),
    (r"\int x \, dx", 5, r"only definite integrals are read: write \int_{a}^{b}", ""),
    (r"\int_0^1 x", 10, "the differential (dx)", ""),
    (r"\lim_{x} x", 7, r"\lim_{x \to a}", ""),
    (r"\nabla f(x)", 7, r"\nabla_\theta", ""),
    (r"\left. x^2 \right|", 18, r"\left. f(x) \right|_{x=1}", ""),
    (r"x^2 \Big|_{x=1}", 8, r"an evaluation bar is written \left. f(x) \right|_{x=1}", "expected |"),
    (r"\hat{xy}", 6, r"\hat{...} holds one name", ""),
    (r"\pi(\cdot|s)", 0, r"\cdot as an argument is read only in \mathbb{E}", ""),
    (r"\begin{align} x \end{align}", 0, r"the environment 'align' is not read; matrices are written \begin{pmatrix}", "form a word"),
    (r"\begin{pmatrix} 1 & 2 \\ 3 \end{pmatrix}", 0, "the rows of the matrix have different lengths", "form a word"),
    (r"\begin{pmatrix} 1 & 2 \end{bmatrix}", 22, r"\end{bmatrix} does not close", ""),
    (r"\mathbf{x} \mathbf{x}", 11, "cannot multiply the n x 1 vector x by the n x 1 vector x", ""),
    (r"\mathbf{A}^{1/2}", 0, "a matrix power needs a whole exponent", ""),
    (r"\mathbf{A} + 1", 11, "cannot be a term of a sum with a number", ""),
    (r"\det x", 0, r"\det takes a square matrix", ""),
    (r"\operatorname{tr}(x)", 0, r"\operatorname{tr} takes a square matrix", ""),
    (r"(x + 1)'", 7, r"a prime is read on a name (s', \pi')", r"write \frac{d}{dx} f(x)"),
    (r"\frac{}{1}", 6, "expected an expression before }", ""),
    (r"x \approx y", 2, r"\approx is not an equality: a step is checked only where it is written with =", ""),
    (r"P(X = x)", 4, "an event such as P(X = x) is not read", "expected )"),
    (r"\lfloor x", 9, r"expected \rfloor but found the end of the input", ""),
    (r"\sum_{k=1} k", 11, r"a sum \sum_{k=1}^{n} with a lower limit needs an upper limit", ""),
]


@pytest.mark.parametrize("text,column,words,not_words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal_names_the_problem_and_the_accepted_form(text: str, column: int, words: str, not_words: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, syntax="latex")
    assert not isinstance(info.value, AmbiguousNotation)
    assert words in info.value.message
    assert not not_words or not_words not in info.value.message
    assert info.value.position == column


def test_the_issue_notations_are_read_not_refused() -> None:
    """pmatrix, s' and \\sum_a (declared) were refused with misleading messages; now they are read."""
    parse(r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}")
    parse("s'")
    parse(r"\sum_a \pi(a|s)", notation=Notation(index_sets={"a": 2}))


CONFUSABLES = [
    ("\u0445 + 1", 0, "U+0445 CYRILLIC SMALL LETTER HA", "x"),
    ("2\u0430", 1, "U+0430 CYRILLIC SMALL LETTER A", "a"),
    ("x + \u03bf", 4, "U+03BF GREEK SMALL LETTER OMICRON", "o"),
    ("\u0391 x", 0, "U+0391 GREEK CAPITAL LETTER ALPHA", "A"),
    ("\U0001d465 + 1", 0, "U+1D465 MATHEMATICAL ITALIC SMALL X", "x"),
    ("\uff58**2", 0, "U+FF58 FULLWIDTH LATIN SMALL LETTER X", "x"),
]


@pytest.mark.parametrize("syntax", ["auto", "latex", "python"])
@pytest.mark.parametrize("text,column,name,latin", CONFUSABLES, ids=[c[2] for c in CONFUSABLES])
def test_confusable_letters_are_refused_with_their_name(text: str, column: int, name: str, latin: str, syntax: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, syntax=syntax)  # type: ignore[arg-type]
    assert info.value.message.endswith(f"({name}) looks like the Latin {latin}; type {latin}")
    assert info.value.position == column


def test_confusables_are_refused_in_conditions_and_chains() -> None:
    with pytest.raises(ParseError, match="CYRILLIC SMALL LETTER HA"):
        parse_condition("\u0445 > 0")
    with pytest.raises(ParseError, match="CYRILLIC SMALL LETTER HA") as info:
        parse_chain("x + 1 = \u0445 + 1")
    assert info.value.position == 8


def test_greek_letters_and_other_scripts() -> None:
    assert parse("\u03b3 + \u03bd") == parse(r"\gamma + \nu")  # gamma and nu are Greek letters, accepted
    with pytest.raises(ParseError, match=r"U\+0436 CYRILLIC SMALL LETTER ZHE\); type it as a LaTeX command"):
        parse("x + \u0436")


# ---------------------------------------------------------------- ambiguity
AMBIGUOUS = [
    (r"u(s_1) + u(s_2) = u(s_1 + s_2)", (r"u \cdot (s_1)", "u(s_1)"), "neither a declared function nor used as a value"),
    (r"c(x + 1)", (r"c \cdot (x + 1)", "c(x + 1)"), "neither a declared function"),
    (r"r(1 + \gamma) = r + \gamma r", (r"r \cdot (1 + \gamma)", r"r(1 + \gamma)"), "a function by default, but it is also used as a value"),
    (r"A^T B^T = B^T A^T", ("A^{T}", r"A^{\top}"), "the power A^{T} (T a number) or the transpose"),
    (r"x^T y", ("x^{T}", r"x^{\top}"), "declare T a scalar"),
    (r"\mathbf{x}^\top A \mathbf{x}", ("A (a number)", "A (a matrix)"), "A stands beside a matrix or vector"),
]


@pytest.mark.parametrize("text,readings,words", AMBIGUOUS, ids=[a[0] for a in AMBIGUOUS])
def test_ambiguous_notation_carries_both_readings(text: str, readings: tuple[str, str], words: str) -> None:
    with pytest.raises(AmbiguousNotation) as info:
        parse_chain(text, syntax="latex")
    assert info.value.readings == readings
    assert words in info.value.message


def test_ambiguity_is_settled_by_declarations_or_by_use() -> None:
    assert parse_chain(r"c(x + 1) = cx + c")[0] == parse(r"c \cdot (x + 1)")
    assert parse(r"c(x + 1)", notation=Notation(functions=("c",))) == parse(r"c(x, 1)").func(parse("x + 1"))
    assert parse_chain(r"A^T B^T", notation=Notation(scalars=("T",)))[0] == parse(r"A^{T} \cdot B^{T}", notation=Notation(scalars=("T",)))
    assert parse(r"\gamma^T") == parse(r"\gamma^{T}", notation=Notation(scalars=("T",)))  # a Greek letter: a power
    x, T = parse("x"), parse("T")
    assert parse(r"x^T + T") == x**T + T  # T is a number elsewhere: x^T is a power


def test_ambiguity_error_is_located_in_the_chain() -> None:
    with pytest.raises(AmbiguousNotation) as info:
        read_chain(["x + 1", r"= u(x + 1)"])
    assert info.value.text == r"= u(x + 1)" and info.value.position == 2


def test_a_gradient_of_a_function_that_does_not_mention_the_variable_is_asked() -> None:
    with pytest.raises(AmbiguousNotation) as info:
        parse(r"\nabla_\theta \log \pi(a|s)")
    assert info.value.readings == (r"\pi(a, s) (constant in \theta)", r"\pi(a, s, \theta)")
    assert r"its gradient would be 0; if it depends on \theta, write it as \pi(a, s, \theta)" in info.value.message


def test_subscripted_or_declared_functions_are_taken_as_written_under_a_gradient() -> None:
    pi_theta, pi_ref = sp.Function("pi_theta", real=True), sp.Function("pi_ref", real=True)
    y, x, theta = sp.symbols("y x theta", real=True)
    assert parse(r"\nabla_\theta \log \frac{\pi_\theta(y|x)}{\pi_{ref}(y|x)}") == sp.Derivative(
        sp.log(pi_theta(y, x, theta) / pi_ref(y, x)), theta)
    Z = sp.Function("Z", real=True)
    assert parse(r"\nabla_\theta \log Z(x)", notation=Notation(functions=("Z",))) == sp.Derivative(sp.log(Z(x)), theta)


@pytest.mark.parametrize("text,words", [
    (r"\sin^{-1} x", r"the inverse function (\arcsin) or a power of \sin"),
    (r"\cos^{-1}(x)", r"write \arccos x for the inverse, or (\cos x)^{-1} for the power"),
])
def test_inverse_trigonometric_superscripts_are_asked(text: str, words: str) -> None:
    with pytest.raises(AmbiguousNotation) as info:
        parse(text)
    assert words in info.value.message


@pytest.mark.parametrize("text", [r"f^{-1}(x)", r"f^2(x)", r"\sigma^2(z)", r"Q^{2}(s, a)"])
def test_a_superscript_between_a_function_and_its_argument_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match=r"a superscript before its argument means an inverse or an iterate"):
        parse(text, syntax="latex")


def test_a_power_of_a_function_name_used_as_a_value_multiplies() -> None:
    p = sp.Symbol("p", real=True)
    assert parse(r"p^2(1 - p)") == p**2 * (1 - p)
    assert parse(r"\sin^2 x") == sp.sin(sp.Symbol("x", real=True)) ** 2


def test_a_superscript_on_a_function_name_used_as_a_value_is_asked() -> None:
    with pytest.raises(AmbiguousNotation) as info:
        parse_chain(r"V^\pi(s) + V")
    assert info.value.readings == (r"V^{\pi} (a power)", r"V^\pi (a name of its own)")
    with pytest.raises(AmbiguousNotation, match=r"p\^x is ambiguous"):
        parse(r"p^x (1 - p)^{1 - x}")
    p, x = sp.symbols("p x", real=True)
    assert parse(r"p^x(1 - p)^{1 - x}", notation=Notation(scalars=("p",))) == p**x * (1 - p) ** (1 - x)
    V, V_pi = sp.Symbol("V", real=True), sp.Symbol("V^pi", real=True)
    assert parse(r"V^\pi + V", notation=Notation(functions=("V",))) == V_pi + V

"""Derivation: chains are verified link by link, and only verified chains render."""

from __future__ import annotations

import pytest
import sympy as sp

from refalgo import Assumptions, Derivation, DerivationError, Step

x, c = sp.symbols("x c", real=True)
beta = sp.Symbol("beta", positive=True)


def test_expression_chain_renders_with_justifications() -> None:
    d = Derivation(
        "square of a sum",
        [
            Step(sp.Eq(sp.Symbol("f"), (x + 1) ** 2), "definition"),
            Step(sp.Mul(x + 1, x + 1, evaluate=False), "power"),
            Step(x**2 + 2 * x + 1, "distribute"),
        ],
    )
    assert d.verify().status == "proven"
    tex = d.to_latex()
    assert tex.startswith(r"\begin{aligned}") and r"\text{distribute}" in tex
    assert tex.count(r"\\") == 2
    assert "proven" in d.to_markdown()


def test_broken_step_is_reported_and_never_rendered() -> None:
    d = Derivation("wrong", [((x + 1) ** 2, ""), (x**2 + 1, "forgot the cross term")])
    v = d.verify()
    assert not v.ok and v.first_failure().index == 1
    assert "x = " in v.summary()
    with pytest.raises(DerivationError, match="Step 1"):
        d.to_latex()


def test_equation_chain_with_factor() -> None:
    # 2x + 2c = 0  <=>  x = -c  (divide both sides by 2, rearrange)
    d = Derivation(
        "solve a linear equation",
        [
            Step(sp.Eq(2 * x + 2 * c, 0), "stationarity"),
            Step(sp.Eq(x, -c), "divide by 2", factor=sp.Rational(1, 2)),
        ],
    )
    assert d.verify().status == "proven"


def test_equation_chain_with_zero_factor_fails() -> None:
    d = Derivation(
        "multiplying by a factor that may be zero",
        [Step(sp.Eq(x, 1), "given"), Step(sp.Eq(c * x, c), "times c", factor=c)],
    )
    v = d.verify()
    assert not v.ok and "factor" in v.summary()


def test_equation_that_evaluated_to_a_boolean_is_rejected() -> None:
    with pytest.raises(ValueError, match="evaluate=False"):
        Derivation("trivial", [Step(sp.Eq(x, 1), "given"), Step(sp.Eq(x - x, 0), "oops")])


def test_where_definitions_are_substituted() -> None:
    xs = sp.Symbol("x_star")
    d = Derivation(
        "value at the stationary point",
        [(xs**2 + 2 * c * xs, "evaluate"), (-(c**2), "substitute x* = -c")],
        where={xs: -c},
    )
    assert d.verify().ok
    assert r"\text{where }" in d.to_latex()


def test_assumptions_make_a_step_valid() -> None:
    steps = [(sp.log(sp.exp(x / beta)), ""), (x / beta, "log of exp")]
    assert Derivation("log-exp", steps, assumptions=Assumptions.of(beta > 0)).verify().ok


def test_mixed_chain_is_rejected() -> None:
    with pytest.raises(ValueError, match="step 1"):
        Derivation("mixed", [(x, ""), Step(sp.Eq(x, x), "eq")])


def test_too_short_chain_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        Derivation("one", [(x, "")])


def test_a_string_factor_is_refused_not_parsed() -> None:
    d = Derivation("string factor", [Step(sp.Eq(x, 1), "given"), Step(sp.Eq(2 * x, 2), "double", factor="2")])
    with pytest.raises(TypeError, match="factor of step 1"):
        d.verify()


def test_adopted_verification_is_the_one_checked_before_and_only_of_the_same_chain() -> None:
    def chain(title: str, last: sp.Expr) -> Derivation:
        return Derivation(title, [((x + 1) ** 2, ""), (last, "distribute")])

    first = chain("square", x**2 + 2 * x + 1)
    again = chain("square", x**2 + 2 * x + 1)
    again.adopt_verification(first.verify())
    assert again.verify() is first.verify() and again.verify().status == "proven"
    # A failed verification adopted stays failed: the copy cannot render either.
    wrong, wrong_again = chain("square", x**2 + 1), chain("square", x**2 + 1)
    wrong_again.adopt_verification(wrong.verify())
    with pytest.raises(DerivationError, match="Step 1"):
        wrong_again.to_latex()
    with pytest.raises(ValueError, match="verification: expected the Verification of 'other'"):
        chain("other", x**2 + 2 * x + 1).adopt_verification(first.verify())
    longer = Derivation("square", [((x + 1) ** 2, ""), ((x + 1) * (x + 1), "power"), (x**2 + 2 * x + 1, "distribute")])
    with pytest.raises(ValueError, match="expected 2 checked links"):
        longer.adopt_verification(first.verify())

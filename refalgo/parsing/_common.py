r"""What both input syntaxes share: the error type, the size limits and the guarded builders.

Every SymPy object that the parsers create goes through `Builder`, which counts
nodes and refuses, *before* SymPy evaluates anything, numbers and powers whose exact
value would be enormous. Symbols are real; a name's spelling decides the symbol, so the
same name in two inputs is the same symbol.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import sympy as sp

# Limits on untrusted input. Each is far beyond what a hand derivation needs.
MAX_CHARS = 2000  # characters in one expression
MAX_DEPTH = 60  # nesting of brackets, braces and operators
MAX_NODES = 3000  # SymPy nodes built for one expression
MAX_DIGITS = 60  # digits in one number literal
MAX_DECIMAL_EXPONENT = 60  # |e| in a literal such as 1e-5
MAX_EXPONENT = 1000  # |n| in x**n when n is a number
MAX_BITS = 20000  # size of an exact rational built from numbers alone
MAX_COUNT = 1000  # numeric arguments of factorial/binomial, terms of a finite sum


class ParseError(ValueError):
    """Input that cannot be read, with the position of the problem.

    Attributes
    ----------
    message
        What is wrong, in words.
    text
        The input that was being read.
    position
        0-based column of the problem in ``text``.
    """

    def __init__(self, message: str, text: str = "", position: int = 0) -> None:
        self.message = message
        self.text = text
        self.position = max(0, min(position, len(text)))
        super().__init__(self.pretty())

    def pretty(self) -> str:
        """The message, the offending line and a caret under the problem's column."""
        if not self.text:
            return self.message
        line_start = self.text.rfind("\n", 0, self.position) + 1
        line_end = self.text.find("\n", self.position)
        line = self.text[line_start : line_end if line_end >= 0 else None]
        column = self.position - line_start
        return f"{self.message} (column {column + 1})\n  {line}\n  {' ' * column}^"

    def shifted(self, text: str, offset: int) -> ParseError:
        """The same error placed at ``offset + position`` inside the larger ``text``."""
        return ParseError(self.message, text, offset + self.position)


def symbol(name: str, *, integer: bool = False) -> sp.Symbol:
    """The real (or integer) symbol called ``name``."""
    return sp.Symbol(name, integer=True) if integer else sp.Symbol(name, real=True)


def integer_bounds(bound: Any) -> Any:
    """``bound`` with its symbols made integer: the limits of a sum count terms."""
    return bound.subs({s: symbol(s.name, integer=True) for s in bound.free_symbols if isinstance(s, sp.Symbol)})


def function(name: str) -> Any:
    """The undefined function called ``name`` (it stands for any smooth function)."""
    return sp.Function(name, real=True)


def sigmoid(z: sp.Expr) -> sp.Expr:
    r"""The logistic sigmoid $\sigma(z) = 1/(1 + e^{-z})$."""
    return 1 / (1 + sp.exp(-z))


def _bits(q: sp.Rational) -> int:
    return int(abs(q.p)).bit_length() + int(q.q).bit_length()


@dataclass
class Builder:
    """Builds SymPy objects for one input, refusing oversized ones; see the module docstring."""

    text: str
    nodes: int = 0

    def fail(self, message: str, position: int) -> ParseError:
        return ParseError(message, self.text, position)

    def count(self, position: int, n: int = 1) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise self.fail(f"the expression is too large (more than {MAX_NODES} parts)", position)

    def number(self, literal: str, position: int) -> sp.Rational:
        """An exact rational from a decimal literal such as ``12``, ``0.5`` or ``1e-3``."""
        lit = literal.replace("_", "").lower()
        mantissa, _, exp_text = lit.partition("e")
        digits = mantissa.replace(".", "")
        if not digits.isdigit() or mantissa.count(".") > 1 or (exp_text and not exp_text.lstrip("+-").isdigit()):
            raise self.fail(f"cannot read the number {literal!r}", position)
        if len(digits) > MAX_DIGITS:
            raise self.fail(f"number literal with {len(digits)} digits; at most {MAX_DIGITS} are accepted", position)
        exponent = int(exp_text) if exp_text else 0
        if abs(exponent) > MAX_DECIMAL_EXPONENT:
            raise self.fail(f"decimal exponent {exponent} is out of range (|e| <= {MAX_DECIMAL_EXPONENT})", position)
        whole, _, frac = mantissa.partition(".")
        value = sp.Rational(int(whole + frac or "0"), 10 ** len(frac)) * sp.Rational(10) ** exponent
        self.count(position)
        return sp.Rational(value)

    def checked(self, value: Any, position: int) -> Any:
        """``value`` unless it is an exact number too large to work with."""
        if isinstance(value, sp.Rational) and _bits(value) > MAX_BITS:
            raise self.fail(f"a number in the expression would have more than {MAX_BITS} bits", position)
        return value

    def power(self, base: Any, exponent: Any, position: int) -> Any:
        """``base ** exponent``, refusing huge numeric exponents before anything is evaluated."""
        self.count(position)
        if exponent.is_number:
            if not exponent.is_Rational:
                # An exponent such as sqrt(2) or pi: keep it unevaluated but bounded in size.
                try:
                    magnitude = abs(sp.N(exponent, 15))
                except (TypeError, ValueError):
                    magnitude = sp.oo
                if not magnitude.is_finite or magnitude > MAX_EXPONENT:
                    raise self.fail(f"exponent {exponent} is out of range (|n| <= {MAX_EXPONENT})", position)
            elif abs(exponent) > MAX_EXPONENT or exponent.q > MAX_EXPONENT:
                raise self.fail(f"exponent {exponent} is out of range (|n| <= {MAX_EXPONENT})", position)
            elif base.is_Rational and _bits(base) * abs(exponent) > MAX_BITS:
                raise self.fail(f"{base}**{exponent} would have more than {MAX_BITS} bits", position)
        if base.is_zero and exponent.is_number and exponent.is_negative:
            raise self.fail("division by zero: 0 raised to a negative power", position)
        return self.checked(sp.Pow(base, exponent), position)

    def times(self, a: Any, b: Any, position: int) -> Any:
        self.count(position)
        return self.checked(a * b, position)

    def divide(self, a: Any, b: Any, position: int) -> Any:
        self.count(position)
        if b.is_zero:
            raise self.fail("division by zero", position)
        return self.checked(a / b, position)

    def plus(self, a: Any, b: Any, position: int) -> Any:
        self.count(position)
        return self.checked(a + b, position)

    def relation(self, rel: Any, a: Any, b: Any, position: int) -> Any:
        """The relation ``rel(a, b)``, refusing one that is already decided (no symbols)."""
        value = rel(a, b)
        if not value.is_Relational:
            raise self.fail(f"the condition {rel(a, b, evaluate=False)} holds no symbol; it is always {value}", position)
        return value

    def count_argument(self, value: Any, what: str, position: int) -> Any:
        """``value`` unless it is a number too large to be the argument of ``what``."""
        if value.is_number and value.is_Rational and abs(value) > MAX_COUNT:
            raise self.fail(f"{what} of {value} is out of range (at most {MAX_COUNT})", position)
        return value

    def bounded_range(self, lower: Any, upper: Any, position: int) -> None:
        """Refuse a finite sum or product with more than ``MAX_COUNT`` numeric terms."""
        if lower.is_number and upper.is_number and upper.is_finite and lower.is_finite:
            if (upper - lower) > MAX_COUNT:
                raise self.fail(f"a sum or product of more than {MAX_COUNT} terms is out of range", position)


GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau "
    "upsilon phi chi psi omega"
).split()


def greek_name(char: str) -> str | None:
    """``"gamma"`` for ``"γ"``, ``"Gamma"`` for ``"Γ"``; None for any other character."""
    try:
        words = unicodedata.name(char).split()
    except ValueError:
        return None
    if len(words) != 4 or words[0] != "GREEK" or words[2] != "LETTER":
        return None
    letter = words[3].lower().replace("lamda", "lambda")
    if letter not in GREEK:
        return None
    return letter if words[1] == "SMALL" else letter.capitalize()

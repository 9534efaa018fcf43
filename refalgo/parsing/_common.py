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


class AmbiguousNotation(ParseError):
    r"""Notation with two plausible readings that the declared notation does not settle.

    Raised instead of guessing, e.g. for ``u(s_1 + s_2)`` when ``u`` is neither declared a
    function nor used anywhere else in the derivation (a product $u \cdot (s_1 + s_2)$, or
    the function $u$ applied to $s_1 + s_2$?).

    Attributes
    ----------
    readings
        The two readings, each a LaTeX string with its meaning in words, e.g.
        ``("u \cdot (s_1 + s_2) (a product)", "u(s_1 + s_2) (the function u applied)")``.
    message, text, position
        As for `ParseError`; the message says how to settle the reading.
    """

    def __init__(self, message: str, text: str = "", position: int = 0, readings: tuple[str, str] = ("", "")) -> None:
        self.readings = readings
        super().__init__(message, text, position)

    def shifted(self, text: str, offset: int) -> AmbiguousNotation:
        """The same error placed at ``offset + position`` inside the larger ``text``."""
        return AmbiguousNotation(self.message, text, offset + self.position, self.readings)


# Letters of other scripts that look like Latin letters: a formula holding one is almost
# surely a typing accident, and reading it as a new symbol would split one name in two.
_LOOKALIKES = {
    **dict(zip("\u0430\u0435\u043e\u0440\u0441\u0445\u0443\u0456\u0458\u0455\u04bb\u0501\u051b\u051d", "aeopcxyijshdqw")),
    **dict(zip("\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0423\u0406\u0408\u0405", "ABEKMHOPCTXYIJS")),
    **dict(zip("\u03bf\u039f\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u03a1\u03a4\u03a5\u03a7", "oOABEZHIKMNPTYX")),
}


def character_problem(char: str) -> str | None:
    """Why ``char`` (one non-ASCII character) is refused, or None when it is accepted.

    Greek letters are accepted (γ is ``\\gamma``) except the ones drawn like Latin letters
    (omicron, capital alpha, ...); letters of other scripts that look like a Latin letter
    (Cyrillic х, mathematical italic 𝑥, fullwidth ｘ) are refused with the letter to type.
    """
    if char.isascii():
        return None
    try:
        name = unicodedata.name(char)
    except ValueError:
        name = "an unnamed character"
    code = f"U+{ord(char):04X} {name}"
    latin = _LOOKALIKES.get(char)
    if latin is None:
        folded = unicodedata.normalize("NFKC", char)
        latin = folded if len(folded) == 1 and folded.isascii() and folded.isalpha() else None
    if latin is not None:
        return f"the character {char!r} ({code}) looks like the Latin {latin}; type {latin}"
    if greek_name(char) or char in "\u2264\u2265\u2260\u00b7\u00d7\u221e\u2202":
        return None
    return f"unexpected character {char!r} ({code}); type it as a LaTeX command or in plain ASCII"


def refuse_characters(text: str) -> None:
    """Raise a ParseError at the first character that `character_problem` refuses."""
    for pos, char in enumerate(text):
        if not char.isascii():
            problem = character_problem(char)
            if problem:
                raise ParseError(problem, text, pos)


def symbol(name: str, *, integer: bool = False) -> sp.Symbol:
    """The real (or integer) symbol called ``name``."""
    return sp.Symbol(name, integer=True) if integer else sp.Symbol(name, real=True)


def integer_bounds(bound: Any) -> Any:
    """``bound`` with its symbols made integer: the limits of a sum count terms."""
    return bound.subs({s: symbol(s.name, integer=True) for s in bound.free_symbols if isinstance(s, sp.Symbol)})


def function(name: str) -> Any:
    """The undefined function called ``name`` (it stands for any smooth function)."""
    return sp.Function(name, real=True)


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
        exponent = self.scalar(exponent, "an exponent", position)
        if is_matrix(base):
            return self.matrix_power(base, exponent, position)
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
        a, b = _fit_identity(a, b)
        if is_matrix(a) and is_matrix(b):
            if not _same(a.shape[1], b.shape[0]):
                if a.shape == (1, 1) or b.shape == (1, 1):  # (x^T y) z: a 1 x 1 product is a number
                    a, b = (sp.Trace(a), b) if a.shape == (1, 1) else (a, sp.Trace(b))
                    return a * b
                raise self.fail(f"cannot multiply {describe(a)} by {describe(b)}: the shapes do not match", position)
            return a * b
        return self.checked(a * b, position)

    def hadamard(self, a: Any, b: Any, position: int) -> Any:
        r"""The elementwise product ``a \odot b`` of two matrices of one shape."""
        self.count(position)
        if not (is_matrix(a) and is_matrix(b)):
            raise self.fail(r"\odot multiplies matrices or vectors elementwise; one side is a number", position)
        if not (_same(a.shape[0], b.shape[0]) and _same(a.shape[1], b.shape[1])):
            raise self.fail(f"\\odot needs two matrices of one shape; got {describe(a)} and {describe(b)}", position)
        if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
            return sp.ImmutableMatrix(a.multiply_elementwise(b))
        return sp.HadamardProduct(a, b)

    def divide(self, a: Any, b: Any, position: int) -> Any:
        self.count(position)
        b = self.scalar(b, "a denominator", position)
        if b.is_zero:
            raise self.fail("division by zero", position)
        if is_matrix(a):
            return a / b
        return self.checked(a / b, position)

    def plus(self, a: Any, b: Any, position: int) -> Any:
        self.count(position)
        a, b = _fit_identity(a, b)
        if is_matrix(a) != is_matrix(b):
            a, b = self.scalar(a, "a term of a sum with a number", position), self.scalar(b, "a term of a sum with a number", position)
        elif is_matrix(a) and not (_same(a.shape[0], b.shape[0]) and _same(a.shape[1], b.shape[1])):
            raise self.fail(f"cannot add {describe(a)} and {describe(b)}: the shapes differ", position)
        return self.checked(a + b, position)

    def scalar(self, value: Any, what: str, position: int) -> Any:
        """``value`` as a number: a 1 x 1 matrix (``x^T y``) becomes its entry; a larger one is refused."""
        if not is_matrix(value):
            return value
        if value.shape == (1, 1):
            return value[0, 0] if isinstance(value, sp.MatrixBase) else sp.Trace(value)
        raise self.fail(f"{describe(value)} cannot be {what}, which must be a number", position)

    def matrix_power(self, base: Any, exponent: Any, position: int) -> Any:
        if not _same(base.shape[0], base.shape[1]):
            raise self.fail(f"only a square matrix has powers; got {describe(base)}", position)
        if not (exponent.is_Integer and abs(exponent) <= 64):
            raise self.fail(f"a matrix power needs a whole exponent from -64 to 64; got {exponent}", position)
        if isinstance(base, sp.MatrixBase):
            self.explicit_work(base, "a power of", position)
            numeric = all(e.is_Rational for e in base)
            bits = max((_bits(e) for e in base if e.is_Rational), default=1) + base.rows.bit_length()
            if numeric and bits * abs(int(exponent)) * (2 if exponent < 0 else 1) * base.rows > MAX_BITS:
                raise self.fail(f"the entries of this matrix power would have more than {MAX_BITS} bits", position)
            if not numeric and abs(exponent) > 8:
                raise self.fail("a matrix written out with symbols is raised to powers from -8 to 8 only", position)
            if exponent < 0 and base.det() == 0:
                raise self.fail("the matrix is singular: it has no inverse", position)
            return sp.ImmutableMatrix(base**exponent)
        return sp.Inverse(base) if exponent == -1 else base**exponent

    def explicit_work(self, m: Any, what: str, position: int) -> None:
        """Refuse a determinant, inverse or power of a written-out matrix that would be costly."""
        numeric = all(e.is_Rational for e in m)
        limit = 12 if numeric else 4
        if m.rows > limit:
            kind = "numbers" if numeric else "symbols"
            raise self.fail(f"{what} a {m.rows} x {m.cols} matrix of {kind} is out of range (at most {limit} x {limit})",
                            position)

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


def is_matrix(value: Any) -> bool:
    """Whether ``value`` is a matrix or vector (symbolic or explicit)."""
    return isinstance(value, (sp.MatrixExpr, sp.MatrixBase))


def _identity_of(value: Any) -> Any:
    """The identity matrix inside ``value`` (I or c I), or None."""
    if isinstance(value, sp.Identity):
        return value
    if isinstance(value, sp.MatMul) and any(isinstance(f, sp.Identity) for f in value.args):
        return next(f for f in value.args if isinstance(f, sp.Identity))
    return None


def _fit_identity(a: Any, b: Any) -> tuple[Any, Any]:
    """An identity I of the default size takes the size of the square matrix it meets."""
    eye_a, eye_b = _identity_of(a), _identity_of(b)
    if eye_a is not None and eye_b is None and is_matrix(b) and b.shape[0] == b.shape[1] and eye_a.shape != b.shape:
        a = a.xreplace({eye_a: sp.Identity(b.shape[0])})
    elif eye_b is not None and eye_a is None and is_matrix(a) and a.shape[0] == a.shape[1] and eye_b.shape != a.shape:
        b = b.xreplace({eye_b: sp.Identity(a.shape[0])})
    return a, b


def _same(a: Any, b: Any) -> bool:
    """Whether two matrix dimensions (Python ints or SymPy expressions, never text) are equal."""

    def dimension(d: Any) -> sp.Expr:
        if isinstance(d, int) and not isinstance(d, bool):
            return sp.Integer(d)
        if isinstance(d, sp.Expr):
            return d
        raise TypeError(f"a matrix dimension must be an int or a SymPy expression; got {type(d).__name__}")

    return bool(dimension(a) == dimension(b))


def describe(value: Any) -> str:
    """``"the n x n matrix A"``: what a value is, in words, for messages."""
    if not is_matrix(value):
        return f"the number {value}"
    rows, cols = value.shape
    kind = "vector" if cols == 1 else ("row vector" if rows == 1 else "matrix")
    shown = value if isinstance(value, sp.MatrixSymbol) or not isinstance(value, sp.MatrixBase) else "written out"
    return f"the {rows} x {cols} {kind} {shown}"


GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau "
    "upsilon phi chi psi omega"
).split()


def greek_name(char: str) -> str | None:
    """``"gamma"`` for ``"γ"``, ``"Gamma"`` for ``"Γ"``; None for any other character."""
    if len(char) != 1:
        return None
    try:
        words = unicodedata.name(char).split()
    except ValueError:
        return None
    if len(words) != 4 or words[0] != "GREEK" or words[2] != "LETTER":
        return None
    letter = words[3].lower().replace("lamda", "lambda")
    if letter not in GREEK or char in _LOOKALIKES:
        return None
    return letter if words[1] == "SMALL" else letter.capitalize()

r"""Reading untrusted math text — Python syntax or LaTeX — into SymPy objects, safely.

Two readers build SymPy objects directly from the text; nothing is ever passed to
``eval``, ``exec``, ``sympify`` or ``parse_expr``:

* **Python syntax** (``x**2 + sqrt(x)``) is parsed by ``ast.parse(mode="eval")`` and
  only a whitelist of node types is accepted;
* **LaTeX** (``\frac{1}{2} x^{2}``) is read by a small recursive-descent parser.

``syntax="auto"`` picks the reader by `detect_syntax`. Both readers refuse, before SymPy evaluates anything, inputs that would be
costly: more than 2000 characters, nesting deeper than 60, number literals of more
than 60 digits, numeric exponents beyond 1000, exact numbers of more than 20000 bits,
factorials and finite sums beyond 1000 terms. Every refusal is a `ParseError`
that says what is wrong and where.

Symbols are real (sum indices are integers); the same name always gives the same
symbol, so expressions read separately can be compared.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import sympy as sp

from ._common import MAX_CHARS, ParseError
from ._latex import FUNCTION_LETTERS
from ._latex_commands import parse_latex
from ._python import CONSTANTS, FUNCTIONS, parse_python

__all__ = [
    "ParseError",
    "Syntax",
    "detect_syntax",
    "parse",
    "parse_chain",
    "parse_condition",
    "split_chain",
    "FUNCTION_LETTERS",
    "PYTHON_FUNCTIONS",
    "PYTHON_CONSTANTS",
]

Syntax = Literal["auto", "python", "latex"]
PYTHON_FUNCTIONS = tuple(sorted(FUNCTIONS) + ["Sum", "Product", "diff", "Derivative"])
PYTHON_CONSTANTS = tuple(sorted(CONSTANTS))
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*\(")
_LATEX_HINT = re.compile(r"![^=]|!$|\d[A-DF-Za-df-z(]|\d[eE](?![\d+-])|\)\s*\(")


def detect_syntax(text: str) -> Literal["python", "latex"]:
    r"""Which reader ``syntax="auto"`` uses for ``text``.

    Python syntax when the text holds ``**``; otherwise LaTeX when it holds any of
    ``\ { } ^ |``, a ``!`` that is not ``!=``, or an implicit product such as ``2x``,
    ``2(x+1)``, ``(a)(b)`` or ``x(x+1)`` (a single letter other than the function letters
    ``f g h p q F G H J L P Q V`` before a parenthesis); otherwise Python syntax.

    Examples
    --------
    >>> detect_syntax(r"\frac{1}{2} x^2"), detect_syntax("x**2 / 2"), detect_syntax("2x + 1")
    ('latex', 'python', 'latex')
    >>> detect_syntax("x(x + 1)"), detect_syntax("f(x) + sqrt(x)")
    ('latex', 'python')
    """
    if "**" in text:
        return "python"
    if any(c in text for c in "\\{}^|") or _LATEX_HINT.search(text):
        return "latex"
    calls = _CALL.findall(text)
    if any(len(name) == 1 and name not in FUNCTION_LETTERS for name in calls):
        return "latex"  # x(x + 2): a product, as in written math
    return "python"


def _reader(text: str, syntax: Syntax) -> Any:
    if syntax not in ("auto", "python", "latex"):
        raise ValueError(f"syntax: expected 'auto', 'python' or 'latex'; got {syntax!r}")
    chosen = detect_syntax(text) if syntax == "auto" else syntax
    return parse_latex if chosen == "latex" else parse_python


def _checked_text(text: Any, name: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name}: expected a string; got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ParseError(f"input of {len(text)} characters; at most {MAX_CHARS} are accepted", text[:MAX_CHARS], MAX_CHARS)
    if not text.strip():
        raise ParseError("empty expression", text, 0)
    return text


def parse(text: str, *, syntax: Syntax = "auto") -> sp.Expr:
    r"""Read one expression.

    Parameters
    ----------
    text
        The expression, e.g. ``"(x + 1)**2"`` or ``r"\frac{1}{1 + e^{-z}}"``.
    syntax
        ``"python"``, ``"latex"`` or ``"auto"`` (see `detect_syntax`).

    Returns
    -------
    sympy.Expr
        The expression; its symbols are real.

    Raises
    ------
    ParseError
        The text cannot be read or is refused; ``.position`` is the column.
    TypeError
        ``text`` is not a string.

    Examples
    --------
    >>> parse("(x + 1)**2")
    (x + 1)**2
    >>> parse(r"\frac{\partial}{\partial x} \sigma(x)")
    Derivative(1/(1 + exp(-x)), x)
    >>> parse(r"\sum_{k=0}^{\infty} \gamma^k")
    Sum(gamma**k, (k, 0, oo))
    """
    text = _checked_text(text, "text")
    expr: sp.Expr = _reader(text, syntax)(text)
    return expr


def parse_condition(text: str, *, syntax: Syntax = "auto") -> tuple[sp.Basic, ...]:
    r"""Read a condition such as ``"x > 0"`` or ``"0 < gamma < 1"`` into SymPy relations.

    A chained comparison gives one relation per link. Accepted: ``< <= > >= !=`` and, in
    LaTeX, ``\le \leq \ge \geq \ne \neq``.

    Parameters
    ----------
    text
        The condition.
    syntax
        As for `parse`.

    Returns
    -------
    tuple of sympy relations

    Raises
    ------
    ParseError
        Not a condition, or not readable.

    Examples
    --------
    >>> parse_condition("0 < gamma < 1")
    (0 < gamma, gamma < 1)
    >>> parse_condition(r"\sigma \geq 0")
    (sigma >= 0,)
    """
    text = _checked_text(text, "condition")
    chosen = detect_syntax(text) if syntax == "auto" else syntax
    relations = (parse_latex if chosen == "latex" else parse_python)(text, relation=True)
    return tuple(relations)


def split_chain(text: str) -> list[tuple[int, str]]:
    r"""Split ``"a = b = c"`` at its top-level ``=`` signs into ``(offset, piece)`` pairs.

    ``=`` inside brackets (``\sum_{k=0}``) and in ``<= >= != ==`` does not split. LaTeX
    alignment marks (``&``, a trailing ``\\``) around the pieces are dropped.

    Examples
    --------
    >>> split_chain(r"(x+1)^2 &= x^2 + 2x + 1 \\")
    [(0, '(x+1)^2'), (11, 'x^2 + 2x + 1')]
    """
    pieces: list[tuple[int, str]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            depth += 1
        elif ch in _PAIRS.values():
            depth -= 1
        elif ch == "=" and depth == 0 and text[i - 1 : i] not in ("<", ">", "!", "=") and text[i + 1 : i + 2] != "=":
            pieces.append((start, text[start:i]))
            start = i + 1
    pieces.append((start, text[start:]))
    return [_trim(offset, piece) for offset, piece in pieces]


def _trim(offset: int, piece: str) -> tuple[int, str]:
    body = piece.rstrip()
    if body.endswith("\\\\"):
        body = body[:-2]
    core = body.strip().strip("&").strip()
    return (offset + piece.find(core) if core else offset), core


def parse_chain(text: str, *, syntax: Syntax = "auto") -> list[sp.Expr]:
    r"""Read ``"e0 = e1 = ..."`` into its expressions; a ParseError points into ``text``.

    Examples
    --------
    >>> parse_chain("(x + 1)**2 = x**2 + 2*x + 1")
    [(x + 1)**2, x**2 + 2*x + 1]
    """
    text = _checked_text(text, "text")
    out = []
    for offset, piece in split_chain(text):
        if not piece:
            raise ParseError("empty expression (check the = signs)", text, offset)
        try:
            out.append(parse(piece, syntax=syntax))
        except ParseError as exc:
            raise exc.shifted(text, offset) from None
    return out

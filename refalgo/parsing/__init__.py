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

from typing import Any

import sympy as sp

from ._common import AmbiguousNotation, Builder, ParseError, refuse_characters
from ._latex_operators import read_latex
from ._notation import DEFAULT_FUNCTIONS, DIMENSION, Notation
from ._python import CONSTANTS, FUNCTIONS, read_python
from ._reading import (
    FUNCTION_LETTERS,
    Piece,
    Reading,
    Syntax,
    checked_text,
    detect_syntax,
    read_chain,
    read_pieces,
    split_chain,
)

__all__ = [
    "AmbiguousNotation",
    "DEFAULT_FUNCTIONS",
    "DIMENSION",
    "FUNCTION_LETTERS",
    "Notation",
    "PYTHON_CONSTANTS",
    "PYTHON_FUNCTIONS",
    "ParseError",
    "Reading",
    "Syntax",
    "detect_syntax",
    "parse",
    "parse_chain",
    "parse_condition",
    "read_chain",
    "split_chain",
]

PYTHON_FUNCTIONS = tuple(sorted(FUNCTIONS) + ["Sum", "Product", "diff", "Derivative"])
PYTHON_CONSTANTS = tuple(sorted(CONSTANTS))


def parse(text: str, *, syntax: Syntax = "auto", notation: Notation | None = None) -> Any:
    r"""Read one expression.

    Parameters
    ----------
    text
        The expression, e.g. ``"(x + 1)**2"`` or ``r"\frac{1}{1 + e^{-z}}"``.
    syntax
        ``"python"``, ``"latex"`` or ``"auto"`` (see `detect_syntax`).
    notation
        The declared `Notation` (default: the RL/DL defaults alone).

    Returns
    -------
    sympy.Expr or sympy.MatrixExpr
        The expression; its symbols are real.

    Raises
    ------
    AmbiguousNotation
        The text has two plausible readings (``.readings``); see `Notation`.
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
    text = checked_text(text, "text")
    return read_pieces([Piece(0, 0, text)], [text], syntax, notation).exprs[0]


def parse_chain(text: str, *, syntax: Syntax = "auto", notation: Notation | None = None) -> list[Any]:
    r"""Read ``"e0 = e1 = ..."`` into its expressions, with one syntax and one notation for all.

    A ParseError points into ``text``. `read_chain` does the same and also says how each
    piece was read.

    Examples
    --------
    >>> parse_chain("(x + 1)**2 = x**2 + 2*x + 1")
    [(x + 1)**2, x**2 + 2*x + 1]
    >>> parse_chain("xy + yx = 2xy")
    [2*x*y, 2*x*y]
    """
    text = checked_text(text, "text")
    return list(read_chain(text, syntax=syntax, notation=notation).exprs)


def parse_condition(text: str, *, syntax: Syntax = "auto", notation: Notation | None = None) -> tuple[sp.Basic, ...]:
    r"""Read a condition such as ``"x > 0"``, ``"0 < gamma < 1"`` or ``"\gamma = 0.9"``.

    A chained comparison gives one relation per link. Accepted: ``= < <= > >= !=`` and, in
    LaTeX, ``\le \leq \ge \geq \ne \neq``. An equation ``name = value`` gives ``sympy.Eq``.

    Parameters
    ----------
    text
        The condition.
    syntax, notation
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
    >>> parse_condition(r"\gamma = 0.9")
    (Eq(gamma, 9/10),)
    """
    text = checked_text(text, "condition")
    refuse_characters(text)
    pieces = split_chain(text)
    if len(pieces) > 1:
        return _equations(text, pieces, syntax, notation)
    chosen = detect_syntax(text, notation) if syntax == "auto" else syntax
    if chosen not in ("python", "latex"):
        raise ValueError(f"syntax: expected 'auto', 'python' or 'latex'; got {syntax!r}")
    read = read_latex if chosen == "latex" else read_python
    relations, _ = read(text, relation=True, notation=notation)
    return tuple(relations)


def _equations(text: str, pieces: list[tuple[int, str]], syntax: Syntax, notation: Notation | None) -> tuple[Any, ...]:
    for offset, piece in pieces:
        if not piece:
            raise ParseError("empty expression (check the = signs)", text, offset)
    exprs = read_pieces([Piece(0, o, p) for o, p in pieces], [text], syntax, notation).exprs
    builder = Builder(text)
    return tuple(builder.relation(sp.Eq, a, b, o) for (o, _), a, b in zip(pieces[1:], exprs, exprs[1:]))

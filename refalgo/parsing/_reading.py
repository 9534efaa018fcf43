r"""One reading for a whole derivation: one syntax, one notation, decided before any piece.

`read_chain` splits the texts of a derivation at their top-level ``=`` signs, picks one
syntax for all the pieces, reads every LaTeX piece once to learn how the derivation uses
its names (`Usage`), resolves the `Notation` from that, and only then reads each piece
for good. The `Reading` it returns says, in LaTeX, how each piece was read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp

from ._common import MAX_CHARS, Builder, ParseError, is_matrix, refuse_characters
from ._latex import Usage
from ._latex_operators import read_latex
from ._notation import DEFAULT_FUNCTIONS, DIMENSION, Notation
from ._python import FUNCTIONS as PY_FUNCTIONS
from ._python import read_python

Syntax = Literal["auto", "python", "latex"]
# Letters that name a function when followed by "(" in the default notation.
FUNCTION_LETTERS = frozenset(n for n in DEFAULT_FUNCTIONS if len(n) == 1)
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_DEFINES = re.compile(r"\\(triangleq|doteq|coloneqq)(?![A-Za-z])")
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*\(")
_LATEX_HINT = re.compile(r"![^=]|!$|\d[A-DF-Za-df-z(]|\d[eE](?![\d+-])|\)[ \t]*[(A-Za-z]")
_LATEX_MARKS = re.compile(r"[\\{}^|]")
_PRIME = re.compile(r"[\w})]'")  # s', \hat{v}': a prime, when no quote opens a Python string
_QUOTE = re.compile(r"(^|[^\w}')])['\"]")



def detect_syntax(text: str, notation: Notation | None = None) -> Literal["python", "latex"]:
    r"""Which reader ``syntax="auto"`` uses for ``text``.

    Python syntax when the text holds ``**``; otherwise LaTeX when it holds any of
    ``\ { } ^ | '``, a ``!`` that is not ``!=``, or an implicit product such as ``2x``,
    ``2(x+1)``, ``(a)(b)``, ``(a)b`` or ``x(x+1)`` (a single letter that is not a function name of
    the notation — by default ``f g h p q r v F G H J L P Q R V Z`` — before a
    parenthesis); otherwise Python syntax.

    Examples
    --------
    >>> detect_syntax(r"\frac{1}{2} x^2"), detect_syntax("x**2 / 2"), detect_syntax("2x + 1")
    ('latex', 'python', 'latex')
    >>> detect_syntax("x(x + 1)"), detect_syntax("f(x) + sqrt(x)")
    ('latex', 'python')
    """
    if "**" in text:
        return "python"
    if _LATEX_MARKS.search(text) or _LATEX_HINT.search(text) or (_PRIME.search(text) and not _QUOTE.search(text)):
        return "latex"
    letters = FUNCTION_LETTERS | (notation.functions if notation else frozenset())
    calls = _CALL.findall(text)
    if any(len(name) == 1 and name not in letters for name in calls):
        return "latex"  # x(x + 2): a product, as in written math
    return "python"


def checked_text(text: Any, name: str) -> str:
    """``text`` if it is a non-empty string of acceptable length; else TypeError or ParseError."""
    if not isinstance(text, str):
        raise TypeError(f"{name}: expected a string; got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ParseError(f"input of {len(text)} characters; at most {MAX_CHARS} are accepted", text[:MAX_CHARS], MAX_CHARS)
    if not text.strip():
        raise ParseError("empty expression", text, 0)
    return text


def split_chain(text: str) -> list[tuple[int, str]]:
    r"""Split ``"a = b = c"`` at its top-level ``=`` signs into ``(offset, piece)`` pairs.

    ``=`` inside brackets (``\sum_{k=0}``) and in ``<= >= != ==`` does not split; the
    definitional ``:=``, ``\triangleq``, ``\doteq`` and ``\coloneqq`` split like ``=``. LaTeX
    alignment marks (``&``, a trailing ``\\``) around the pieces are dropped.

    Examples
    --------
    >>> split_chain(r"(x+1)^2 &= x^2 + 2x + 1 \\")
    [(0, '(x+1)^2'), (11, 'x^2 + 2x + 1')]
    >>> split_chain(r"G_t \doteq R_{t+1} + \gamma G_{t+1}")
    [(0, 'G_t'), (11, 'R_{t+1} + \\gamma G_{t+1}')]
    """
    pieces: list[tuple[int, str]] = []
    depth, start, i = 0, 0, 0
    while i < len(text):
        ch = text[i]
        width = 0
        if ch in _PAIRS:
            depth += 1
        elif ch in _PAIRS.values():
            depth -= 1
        elif depth == 0 and ch == "=" and text[i - 1 : i] not in ("<", ">", "!", "=", ":") and text[i + 1 : i + 2] != "=":
            width = 1
        elif depth == 0 and text.startswith(":=", i):
            width = 2
        elif depth == 0 and ch == "\\":
            m = _DEFINES.match(text, i)
            width = m.end() - i if m else 0
        if width:
            pieces.append((start, text[start:i]))
            start = i + width
            i += width
            continue
        i += 1
    pieces.append((start, text[start:]))
    return [_trim(offset, piece) for offset, piece in pieces]


def _trim(offset: int, piece: str) -> tuple[int, str]:
    body = piece.rstrip()
    if body.endswith("\\\\"):
        body = body[:-2]
    core = body.strip().strip("&").strip()
    return (offset + piece.find(core) if core else offset), core


@dataclass(frozen=True)
class Piece:
    """One piece of a chain: which text it comes from, where it starts, what it says."""

    source: int
    offset: int
    text: str


@dataclass(frozen=True)
class Reading:
    r"""How a derivation was read: one SymPy object per piece, under one syntax and notation.

    Attributes
    ----------
    exprs
        The pieces as SymPy objects, in order.
    pieces
        The pieces' text, in order.
    notation
        The `Notation` used for every piece: the declared one, with the function names and
        matrices inferred from the whole derivation added.
    syntax
        ``"latex"`` or ``"python"``, the same for every piece.
    notes
        For each piece, the ``(LaTeX source, how it was read)`` pairs worth stating.
    locations
        For each piece, ``(k, offset)``: it starts at column ``offset`` of the k-th text.
    """

    exprs: tuple[Any, ...]
    pieces: tuple[str, ...]
    notation: Notation
    syntax: str
    notes: tuple[tuple[tuple[str, str], ...], ...]
    locations: tuple[tuple[int, int], ...] = ()
    usage: Usage = field(default_factory=Usage, repr=False, compare=False)

    def condition(self, text: str) -> tuple[Any, ...]:
        r"""Read an assumption about this derivation, with its syntax, notation and names.

        ``x_1 > 0`` then speaks of the same ``x_1`` as the derivation (term 1 of the sequence
        x when ``x_i`` is summed over there); ``\gamma = 0.9`` gives ``sympy.Eq``.

        Examples
        --------
        >>> r = read_chain(r"\sum_{i=1}^{2} x_i = x_1 + x_2")
        >>> r.condition("x_1 > 0")
        (x(1) > 0,)
        """
        text = checked_text(text, "condition")
        refuse_characters(text)
        pieces = split_chain(text)
        detected = detect_syntax(text, self.notation)
        if self.syntax == "latex" and detected == "python" and "**" not in text:
            try:  # x_1 > 0 beside a LaTeX derivation: its names, as the derivation reads them
                return self._condition(text, pieces, "latex")
            except ParseError:
                pass  # "0 < gamma < 1": plain Python syntax
        return self._condition(text, pieces, detected)

    def _condition(self, text: str, pieces: list[tuple[int, str]], syntax: str) -> tuple[Any, ...]:
        if len(pieces) > 1:
            for offset, piece in pieces:
                if not piece:
                    raise ParseError("empty expression (check the = signs)", text, offset)
            exprs = [self._read(piece, text, offset, syntax) for offset, piece in pieces]
            builder = Builder(text)
            return tuple(builder.relation(sp.Eq, a, b, o) for (o, _), a, b in zip(pieces[1:], exprs, exprs[1:]))
        if syntax == "python":
            return tuple(read_python(text, relation=True, notation=self.notation)[0])
        return tuple(read_latex(text, relation=True, notation=self.notation, usage=self.usage)[0])

    def _read(self, piece: str, text: str, offset: int, syntax: str) -> Any:
        try:
            if syntax == "python":
                return read_python(piece, notation=self.notation)[0]
            return read_latex(piece, notation=self.notation, usage=self.usage)[0]
        except ParseError as exc:
            raise exc.shifted(text, offset) from None

    def explain(self) -> list[str]:
        r"""How each piece was read, one line each, in LaTeX.

        The first lines give the syntax and the notation in force; then each piece, the
        SymPy object it became (printed in LaTeX), and the readings that the notation decided.

        Examples
        --------
        >>> read_chain(r"v(s_1) + v(s_2) = v(s_1 + s_2)").explain()[2:4]
        ['piece 1: v(s_1) + v(s_2) \\quad\\text{read as}\\quad v{\\left(s_{1} \\right)} + v{\\left(s_{2} \\right)}', '  v(s_1): the function v applied to s_{1}']
        """
        lines = [f"syntax: {'LaTeX' if self.syntax == 'latex' else 'Python'}"]
        lines.append("notation: " + "; ".join(self.notation.describe()))
        for k, (piece, expr, notes) in enumerate(zip(self.pieces, self.exprs, self.notes), start=1):
            lines.append(f"piece {k}: {piece} \\quad\\text{{read as}}\\quad {sp.latex(expr)}")
            lines.extend(f"  {source}: {meaning}" for source, meaning in notes)
        return lines


def read_chain(texts: str | Sequence[str], *, syntax: Syntax = "auto", notation: Notation | None = None) -> Reading:
    r"""Read a derivation ``e0 = e1 = ...`` with one syntax and one notation for every piece.

    Parameters
    ----------
    texts
        One text or several (the lines of a derivation); each is split at its top-level
        ``=``. A text after the first may begin with ``=``: it continues the chain.
    syntax
        ``"python"``, ``"latex"`` or ``"auto"``: detected once, on all the texts together.
    notation
        The declared `Notation` (default: the RL/DL defaults alone).

    Returns
    -------
    Reading
        ``.exprs`` (one SymPy object per piece), ``.notation`` (what was used),
        ``.explain()`` (how each piece was read, in LaTeX).

    Raises
    ------
    AmbiguousNotation
        A piece has two plausible readings; ``.readings`` holds both, in LaTeX.
    ParseError
        A piece cannot be read; ``.text`` is the text holding it, ``.position`` the column.
    TypeError
        ``texts`` is not a string or a sequence of strings.

    Examples
    --------
    >>> read_chain("xy + yx = 2xy").exprs
    (2*x*y, 2*x*y)
    >>> read_chain(r"A^{\top} B^{\top} = (B A)^{\top}", notation=Notation(matrices=("A", "B"))).exprs
    (A.T*B.T, A.T*B.T)
    """
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, Sequence) or not texts:
        raise TypeError(f"texts: expected a string or a non-empty sequence of strings; got {type(texts).__name__}")
    pieces: list[Piece] = []
    for k, text in enumerate(texts):
        checked_text(text, f"texts[{k}]" if len(texts) > 1 else "text")
        for n, (offset, piece) in enumerate(split_chain(text)):
            if not piece and not (n == 0 and k > 0):
                raise ParseError("empty expression (check the = signs)", text, offset)
            if piece:
                pieces.append(Piece(k, offset, piece))
    return read_pieces(pieces, list(texts), syntax, notation)


def read_pieces(pieces: list[Piece], texts: list[str], syntax: Syntax, notation: Notation | None) -> Reading:
    """Read already split pieces as one derivation (see `read_chain`)."""
    if syntax not in ("auto", "python", "latex"):
        raise ValueError(f"syntax: expected 'auto', 'python' or 'latex'; got {syntax!r}")
    if notation is not None and not isinstance(notation, Notation):
        raise TypeError(f"notation: expected a refalgo.parsing.Notation; got {type(notation).__name__}")
    notation = notation or Notation()
    for p in pieces:
        _located(lambda p=p: refuse_characters(p.text), p, texts)
    chosen = syntax if syntax != "auto" else chain_syntax(pieces, texts, notation)
    if chosen == "python":
        usage = Usage(declared=notation.functions)
        results = [_located(lambda p=p: read_python(p.text, notation=notation), p, texts) for p in pieces]
        called = {str(f.func) for value, _ in results for f in value.atoms(sp.core.function.AppliedUndef)}
        resolved = notation.extended(functions=called - set(PY_FUNCTIONS))
    else:
        usage = Usage(declared=notation.functions)
        for p in pieces:
            try:
                read_latex(p.text, notation=notation, usage=usage, survey=True)
            except ParseError:
                pass  # the second reading reports it, at its place
        resolved = resolve(notation, usage)
        results = [_located(lambda p=p: read_latex(p.text, notation=resolved, usage=usage), p, texts) for p in pieces]
    exprs = harmonized([value for value, _ in results])
    return Reading(tuple(exprs), tuple(p.text for p in pieces), resolved, chosen, tuple(tuple(n) for _, n in results),
                   tuple((p.source, p.offset) for p in pieces), usage)


def _located(read: Any, piece: Piece, texts: list[str]) -> Any:
    try:
        return read()
    except ParseError as exc:
        raise exc.shifted(texts[piece.source], piece.offset) from None


def chain_syntax(pieces: list[Piece], texts: list[str], notation: Notation) -> Literal["python", "latex"]:
    """One syntax for all the pieces; a chain that mixes ``**`` with LaTeX marks is refused."""
    joined = " = ".join(p.text for p in pieces)
    if "**" in joined and _LATEX_MARKS.search(joined):
        p = next(p for p in pieces if "**" in p.text)
        raise ParseError("the derivation mixes Python syntax (**) with LaTeX (\\, ^, { } or |); write every "
                         "step in one syntax", texts[p.source], p.offset + p.text.index("**"))
    return detect_syntax(joined, notation)


def resolve(notation: Notation, usage: Usage) -> Notation:
    """The notation with what the first reading inferred: functions and matrices."""
    matrices = {}
    for name in usage.bold | usage.transposed:
        if notation.shape(name) is None and name != "I":  # I, \mathbf{I}: the identity matrix
            vector = name[0].islower()
            matrices[name] = (DIMENSION, sp.Integer(1)) if vector else (DIMENSION, DIMENSION)
    return notation.extended(functions=usage.separated - notation.scalars, matrices=matrices)


def harmonized(exprs: list[Any]) -> list[Any]:
    """A 1 x 1 matrix (``x^T y``) becomes a number when another piece of the chain is one."""
    if not any(is_matrix(e) and e.shape == (1, 1) for e in exprs) or all(is_matrix(e) for e in exprs):
        return exprs
    return [(e[0, 0] if isinstance(e, sp.MatrixBase) else sp.Trace(e)) if is_matrix(e) and e.shape == (1, 1) else e
            for e in exprs]

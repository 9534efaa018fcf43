r"""Tokens of the LaTeX math subset that `refalgo.parsing._latex` reads.

A token is a number (``12``, ``0.5``), one letter, a command (``\frac``, ``\|``) or one
punctuation character. Spacing commands and alignment marks are dropped;
``\left(`` and ``\right)`` become the bracket with its side recorded. Any other
character is refused here, with its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import MAX_CHARS, ParseError, character_problem, greek_name

_SKIP = {
    r"\,", r"\;", r"\:", r"\!", r"\ ", r"\quad", r"\qquad", r"\displaystyle", r"\textstyle",
    r"\limits", r"\big", r"\Big", r"\bigg", r"\Bigg", r"\bigl", r"\bigr", r"\Bigl", r"\Bigr",
    r"\biggl", r"\biggr", r"\Biggl", r"\Biggr", r"\\", "&",
}
_DELIMITERS = {"(", ")", "[", "]", "|", ".", r"\|", r"\{", r"\}", r"\lvert", r"\rvert", r"\lVert", r"\rVert",
               r"\vert", r"\Vert", r"\langle", r"\rangle"}
_CANONICAL = {r"\lvert": "|", r"\rvert": "|", r"\vert": "|", r"\lVert": r"\|", r"\rVert": r"\|", r"\Vert": r"\|"}
_PUNCT = set("+-*/^_()[]{}|,;:=<>!'")
_ENVIRONMENT = re.compile(r"\\(begin|end)\s*\{([A-Za-z]*\*?)\}")
_TOKEN = re.compile(r"\s+|\\(?:begin|end)\s*\{[A-Za-z]*\*?\}|\d+(?:\.\d+)?|\.\d+|\\[A-Za-z]+|\\.|<=|>=|!=|.", re.S)
MATRIX_ENVIRONMENTS = ("pmatrix", "bmatrix", "matrix", "Bmatrix", "vmatrix")


@dataclass
class Token:
    """One token: its kind (``num``, ``letter``, ``cmd``, ``punct``, ``end``), text and position."""

    kind: str
    text: str
    pos: int
    side: str = ""  # "open" or "close" for a bracket written with \left or \right
    end: int = -1  # position just after the token in the text

    def __post_init__(self) -> None:
        if self.end < 0:
            self.end = self.pos + len(self.text)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token; raises ParseError on a bad character."""
    if len(text) > MAX_CHARS:
        raise ParseError(f"input of {len(text)} characters; at most {MAX_CHARS} are accepted", text, MAX_CHARS)
    raw: list[Token] = []
    environments: list[str] = []
    for m in _TOKEN.finditer(text):
        s, pos = m.group(), m.start()
        env = _ENVIRONMENT.fullmatch(s)
        if env:
            _environment(env.group(1), env.group(2), environments, text, pos)
            raw.append(Token("cmd", f"\\{env.group(1)}{{{env.group(2)}}}", pos, end=m.end()))
            continue
        if s in ("&", r"\\") and environments:
            raw.append(Token("punct", s, pos))
            continue
        if s.isspace() or s in _SKIP:
            continue
        if s[0].isdigit() or s[0] == ".":
            raw.append(Token("num", s, pos))
        elif s.startswith("\\"):
            raw.append(Token("cmd", _CANONICAL.get(s, s), pos, end=m.end()))
        elif s.isascii() and s.isalpha():
            raw.append(Token("letter", s, pos))
        elif greek_name(s):
            raw.append(Token("cmd", "\\" + (greek_name(s) or ""), pos, end=pos + 1))
        elif s in _PUNCT or s in ("<=", ">=", "!="):
            raw.append(Token("punct", s, pos))
        elif s in ("≤", "≥", "≠", "·", "×", "∞", "∂"):
            names = {"≤": r"\le", "≥": r"\ge", "≠": r"\ne", "·": r"\cdot", "×": r"\times", "∞": r"\infty", "∂": r"\partial"}
            raw.append(Token("cmd", names[s], pos, end=pos + 1))
        else:
            raise ParseError(character_problem(s) or f"unexpected character {s!r}", text, pos)
    _refuse_words(raw, text)
    return _sides(raw, text) + [Token("end", "", len(text))]


def _environment(kind: str, name: str, open_envs: list[str], text: str, pos: int) -> None:
    """Keep track of matrix environments; refuse any other environment."""
    if name not in MATRIX_ENVIRONMENTS:
        raise ParseError(
            f"the environment {name!r} is not read; matrices are written "
            r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} (or bmatrix)",
            text,
            pos,
        )
    if kind == "begin":
        open_envs.append(name)
    elif not open_envs or open_envs.pop() != name:
        raise ParseError(f"\\end{{{name}}} does not close the environment opened before it", text, pos)


def _refuse_words(raw: list[Token], text: str) -> None:
    r"""Refuse three or more adjacent letters (``for``, ``range``) outside a subscript group.

    Juxtaposed letters multiply (``xy`` is ``x*y``), but a word is almost surely not a
    product; multi-letter names go in subscripts (``\pi_{ref}``) or ``\mathrm{KL}``.
    """
    braces: list[bool] = []  # for each open brace: is it a subscript or a \mathrm-like name group?
    run = 0
    for k, t in enumerate(raw):
        if t.text == "{":
            before = raw[k - 1].text if k else ""
            if before == "*" and k > 1:
                before = raw[k - 2].text  # \operatorname*{argmax}
            braces.append(before in _NAME_GROUPS or (bool(braces) and braces[-1]))
        elif t.text == "}" and braces:
            braces.pop()
        adjacent = k > 0 and raw[k - 1].kind == "letter" and raw[k - 1].pos + 1 == t.pos
        run = run + 1 if t.kind == "letter" and adjacent else (1 if t.kind == "letter" else 0)
        if run >= 3 and not (braces and braces[-1]):
            start = t.pos - run + 1
            word = text[start : t.pos + 1]
            raise ParseError(
                f"the letters {word!r} form a word; write products with spaces (x y z) and "
                r"multi-letter names as \mathrm{" + word + "} or in a subscript",
                text,
                start,
            )


_NAME_GROUPS = ("_", r"\mathrm", r"\operatorname", r"\text", r"\textrm", r"\mathit", r"\mathsf", r"\textit")


def _sides(raw: list[Token], text: str) -> list[Token]:
    r"""Fold ``\left``/``\right`` into the bracket that follows them; ``\mathrm{d}`` is ``d``."""
    out: list[Token] = []
    i = 0
    while i < len(raw):
        t = raw[i]
        upright = [u.text for u in raw[i + 1 : i + 4]]
        if t.text == r"\mathrm" and upright in (["{", "d", "}"], ["{", "e", "}"]):
            out.append(Token("letter", upright[1], t.pos, end=raw[i + 3].end))  # upright d and e
            i += 4
            continue
        if t.text in (r"\left", r"\right"):
            nxt = raw[i + 1] if i + 1 < len(raw) else None
            if nxt is None or nxt.text not in _DELIMITERS:
                raise ParseError(f"{t.text} must be followed by a bracket such as ( [ | or .", text, t.pos)
            side = "open" if t.text == r"\left" else "close"
            if nxt.text == "." and side == "open":
                out.append(Token("cmd", r"\left.", t.pos, side, end=nxt.end))  # an evaluation bar follows
            elif nxt.text != ".":
                out.append(Token(nxt.kind, nxt.text, t.pos, side, end=nxt.end))
            i += 2
            continue
        out.append(t)
        i += 1
    return out

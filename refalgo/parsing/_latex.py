r"""LaTeX input: a small recursive-descent parser that builds SymPy objects directly.

Grammar, loosest binding first (``|`` separates alternatives)::

    relation := expr (REL expr)*                  REL: = < > \le \ge \ne ... (conditions only)
    expr     := [+|-] term ((+|-) term)*
    term     := signed ((\cdot|\times|\odot|*|/|\div) signed | signed)*   (juxtaposition multiplies)
    signed   := (+|-) signed | scripted
    scripted := primary [^ sup] [!]
    primary  := number | name [( arguments )] | ( expr ) | | expr | | command ...

Names (letters, Greek letters, decorated and scripted names) are read in
``_latex_names``; the commands (``\frac``, ``\sum``, ``\mathbb{E}``, ...) in
``_latex_commands`` and ``_latex_operators``. What each construct means is listed in the
docstring of `refalgo.parsing`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import sympy as sp

from ._common import GREEK, MAX_DEPTH, Builder, ParseError, is_matrix, symbol
from ._latex_lexer import Token
from ._notation import Notation

FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    r"\exp": sp.exp, r"\ln": sp.log, r"\log": sp.log, r"\sin": sp.sin, r"\cos": sp.cos, r"\tan": sp.tan,
    r"\cot": sp.cot, r"\sec": sp.sec, r"\csc": sp.csc, r"\arcsin": sp.asin, r"\arccos": sp.acos,
    r"\arctan": sp.atan, r"\sinh": sp.sinh, r"\cosh": sp.cosh, r"\tanh": sp.tanh,
}
_VARIANTS = {r"\varepsilon": "epsilon", r"\varphi": "phi", r"\vartheta": "theta", r"\varrho": "rho",
             r"\varpi": "pi", r"\varsigma": "sigma", r"\ell": "ell"}
GREEK_NAMES = {"\\" + g: g for g in GREEK} | {"\\" + g.capitalize(): g.capitalize() for g in GREEK} | _VARIANTS
RELATIONS = {"<": sp.StrictLessThan, ">": sp.StrictGreaterThan, r"\lt": sp.StrictLessThan,
             r"\gt": sp.StrictGreaterThan, "<=": sp.LessThan, r"\le": sp.LessThan, r"\leq": sp.LessThan,
             r"\leqslant": sp.LessThan, ">=": sp.GreaterThan, r"\ge": sp.GreaterThan, r"\geq": sp.GreaterThan,
             r"\geqslant": sp.GreaterThan, "!=": sp.Unequality, r"\ne": sp.Unequality, r"\neq": sp.Unequality,
             "=": sp.Eq}
_PRODUCT_OPS = {"*", "/", r"\cdot", r"\times", r"\div", r"\odot"}
FRACS = {r"\frac", r"\dfrac", r"\tfrac"}
OPENERS = {"(": ")", "[": "]", "{": "}", r"\{": r"\}"}
SEPARATORS = (",", ";", "|", r"\mid")
DOTS = {r"\cdots", r"\ldots", r"\dots", r"\dotsb", r"\dotsc", r"\dotsm", r"\vdots", r"\ddots"}
# A placeholder argument: \pi(\cdot | s) inside an expectation or a KL divergence.
PLACEHOLDER = sp.Symbol("placeholder_cdot", real=True)


@dataclass
class Usage:
    """What a first reading of a whole derivation found out about its names."""

    separated: set[str] = field(default_factory=set)  # ... with a , ; | inside: surely functions
    values: Counter[str] = field(default_factory=Counter)  # names used as plain values
    transposed: set[str] = field(default_factory=set)  # names carrying ^\top
    bold: set[str] = field(default_factory=set)  # names written \mathbf{x}, \boldsymbol{x}
    sequences: set[str] = field(default_factory=set)  # x in x_i with i a summation index
    differentiated: set[str] = field(default_factory=set)  # theta in \nabla_\theta, x in \partial x
    declared: frozenset[str] = frozenset()  # the function names the user declared (not inferred)


class Parser:
    """Recursive descent over the tokens of one input; see the module docstring.

    ``survey`` marks the first reading of a derivation: it only collects `Usage` and never
    reports an ambiguity; the second reading decides with the resolved `Notation`.
    """

    commands: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def __init__(self, text: str, tokens: list[Token], notation: Notation | None = None,
                 usage: Usage | None = None, survey: bool = False) -> None:
        self.text, self.tokens, self.i = text, tokens, 0
        self.b = Builder(text)
        self.depth = 0
        self.bars: list[str] = []  # what a "|" or "\|" closes here: "abs", "norm" or "sep" (argument list)
        self.bound: list[sp.Symbol] = []  # indices of the sums being read
        self.notation = notation or Notation()
        self.usage = usage or Usage()
        self.survey = survey
        self.notes: list[tuple[str, str]] = []  # (LaTeX source, how it was read)
        self.last_name: tuple[Any, int] | None = None  # the last plain name read, and the token after it
        self.stop_at_differential = 0  # inside an integrand: "d x" ends the term

    # ---------------------------------------------------------------- token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def next(self) -> Token:
        t = self.tok
        if t.kind != "end":  # the end token stays current: reading past it is an error, not an IndexError
            self.i += 1
        return t

    def fail(self, message: str, tok: Token | None = None) -> ParseError:
        return self.b.fail(message, (tok or self.tok).pos)

    def expect(self, text: str, hint: str = "") -> Token:
        if self.tok.text != text:
            found = self.tok.text or "the end of the input"
            raise self.fail(f"expected {text} but found {found}{hint}")
        return self.next()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"the expression is nested more than {MAX_DEPTH} deep")

    def source(self, start: int) -> str:
        """The text read since position ``start``."""
        end = self.tokens[self.i - 1].end if self.i else start
        return self.text[start:end].strip()

    def note(self, start: int, meaning: str) -> None:
        """Record how the text since ``start`` was read (for `Reading.explain`)."""
        if not self.survey:
            entry = (self.source(start), meaning)
            if entry not in self.notes:
                self.notes.append(entry)

    def matching(self, k: int) -> int:
        """Index of the token closing the bracket opened at token ``k``; a ParseError if there is none."""
        depth = 0
        for j in range(k, len(self.tokens)):
            text = self.tokens[j].text
            if text in ("(", "[", "{", r"\{") or text.startswith(r"\begin"):
                depth += 1
            elif text in (")", "]", "}", r"\}") or text.startswith(r"\end"):
                depth -= 1
                if depth == 0:
                    return j
        opened = self.tokens[k]
        raise self.fail(f"{opened.text} opened at column {opened.pos + 1} is never closed", opened)

    # ---------------------------------------------------------------- grammar
    def parse(self, relation: bool) -> Any:
        if self.tok.kind == "end":
            raise self.fail("empty expression")
        first = self.expr()
        relations = []
        while self.tok.text in RELATIONS:
            if not relation and self.tok.text == "=":
                raise self.fail("unexpected = (a chain a = b = c is read as a whole, by parse_chain)")
            if not relation:
                raise self.fail("a comparison is only accepted as a condition (an assumption)")
            op = self.next()
            second = self.expr()
            relations.append(self.b.relation(RELATIONS[op.text], first, second, op.pos))
            first = second
        if self.tok.text in (r"\approx", r"\simeq", r"\propto", r"\equiv", r"\sim"):
            raise self.fail(f"{self.tok.text} is not an equality: a step is checked only where it is written with =")
        if self.tok.kind != "end":
            raise self.fail(f"unexpected {self.tok.text}")
        if relation and not relations:
            raise self.fail("expected a condition such as x > 0")
        result = relations if relation else first
        if any(getattr(r, "has", lambda *_: False)(PLACEHOLDER) for r in (relations if relation else [first])):
            raise self.b.fail(r"\cdot as an argument is read only in \mathbb{E}_{a \sim \pi(\cdot|s)} and "
                              r"D_{\mathrm{KL}}(\pi(\cdot|s) \| \pi_{\mathrm{ref}}(\cdot|s))", 0)
        return result

    def expr(self) -> Any:
        self.enter()
        start = self.tok
        sign = 1
        if self.tok.text in "+-" and self.tok.kind == "punct":
            sign = -1 if self.next().text == "-" else 1
        value = self.term()
        if sign < 0:
            value = self.b.times(sp.Integer(-1), value, start.pos)
        terms = [value]
        while self.tok.kind == "punct" and self.tok.text in ("+", "-"):
            op = self.next()
            if op.text == "+" and self.tok.text in DOTS:
                terms = self.elided(terms)
                value = sp.Add(*terms)
                continue
            rhs = self.term()
            if op.text == "-":
                rhs = self.b.times(sp.Integer(-1), rhs, op.pos)
            terms.append(rhs)
            value = self.b.plus(value, rhs, op.pos)
        self.depth -= 1
        return value

    def elided(self, terms: list[Any]) -> list[Any]:
        """``x_1 + x_2 + \\cdots + x_n``: the terms with the elided run read as a sum (see _latex_operators)."""
        raise self.fail(f"{self.tok.text} is not read")

    def term(self, explicit: bool = True) -> Any:
        value = self.signed()
        while True:
            if explicit and self.tok.text in _PRODUCT_OPS:
                op = self.next()
                rhs = self.signed()
                if op.text in ("/", r"\div"):
                    value = self.b.divide(value, rhs, op.pos)
                elif op.text == r"\odot":
                    value = self.b.hadamard(value, rhs, op.pos)
                else:
                    value = self.product(value, rhs, op.pos)
            elif self.starts_factor(functions=explicit):
                at = self.tok.pos
                value = self.product(value, self.scripted(), at)
            else:
                return value

    def product(self, a: Any, b: Any, position: int) -> Any:
        """``a b`` (overridden where names are known)."""
        return self.b.times(a, b, position)

    def signed(self) -> Any:
        if self.tok.kind == "punct" and self.tok.text in ("+", "-"):
            op = self.next()
            inner = self.signed()
            return self.b.times(sp.Integer(-1), inner, op.pos) if op.text == "-" else inner
        return self.scripted()

    def starts_factor(self, functions: bool = True) -> bool:
        """Whether the current token can begin a factor (``functions``: also \\log, \\sin, ...)."""
        t = self.tok
        if t.kind == "letter" and t.text == "d" and self.stop_at_differential:
            nxt = self.peek()
            if nxt.kind == "letter" or nxt.text in GREEK_NAMES:
                return False  # the differential d x that ends an integrand
        if t.kind in ("num", "letter"):
            return True
        closes = bool(self.bars) and self.bars[-1] in ("abs", "sep")
        if t.text == "|" and self.peek().text in ("_", "^") and not t.side and not closes:
            raise self.fail(r"an evaluation bar is written \left. f(x) \right|_{x=1}, with \left. where it starts")
        if t.text in ("|", r"\|"):
            closing = {"|": ("abs", "sep"), r"\|": ("norm",)}[t.text]
            if t.side:
                return t.side == "open"
            return not (self.bars and self.bars[-1] in closing)
        if t.text in FUNCTIONS:
            return functions
        return t.text in OPENERS or t.text in GREEK_NAMES or (t.kind == "cmd" and t.text in self.commands)

    def scripted(self) -> Any:
        self.enter()
        start = self.tok
        self.last_name = None
        base = self.primary()
        name = self.last_name[0] if self.last_name and self.last_name[1] == self.i else None
        if self.tok.text == "^":
            base = self.superscript(base, name, start)
        if self.tok.text == "!":
            at = self.next().pos
            base = sp.factorial(self.b.count_argument(self.b.scalar(base, "a factorial's argument", at), "factorial", at))
        if self.tok.text == "'":
            raise self.fail("a prime is read on a name (s', \\pi') and on f, g, h, \\sigma before their argument "
                            "(f'(x), a derivative); for the derivative of an expression write \\frac{d}{dx}")
        self.depth -= 1
        return base

    def superscript(self, base: Any, name: Any, start: Token) -> Any:
        """``base^{...}``: a power, or a transpose (overridden where names are known)."""
        self.next()
        exponent = self.script()
        return self.b.power(base, exponent, start.pos)

    def script(self) -> Any:
        """The argument of ^ or _: a braced group or a single digit, letter or command."""
        t = self.tok
        if t.text == "{":
            return self.group()
        if t.kind == "num" and len(t.text) > 1:
            # TeX reads x^23 as x^2 followed by 3.
            self.tokens[self.i] = Token("num", t.text[1:], t.pos + 1)
            return self.b.number(t.text[0], t.pos)
        if t.kind == "letter" or t.text in GREEK_NAMES:
            return self.script_letter()
        if t.kind == "num" or t.text == r"\infty":
            return self.primary()
        if t.text == "-" and self.peek().kind in ("num", "letter"):
            self.next()
            return -self.script()
        raise self.fail("expected a group {...}, a digit or a letter after ^ or _")

    def script_letter(self) -> Any:
        """One letter as a script, as TeX reads it: ``p^x(1 - p)`` is p^x times (1 - p)."""
        t = self.next()
        name = GREEK_NAMES.get(t.text, t.text)
        if self.survey:
            self.usage.values[name] += 1
        if name in ("e", "pi"):
            return sp.E if name == "e" else sp.pi
        return symbol(name)

    def group(self) -> Any:
        self.expect("{")
        value = self.expr()
        self.expect("}")
        return value

    # ---------------------------------------------------------------- primaries
    def primary(self) -> Any:
        t = self.tok
        self.b.count(t.pos)
        if t.kind == "num":
            self.next()
            return self.b.number(t.text, t.pos)
        if t.kind == "letter" or t.text in GREEK_NAMES:
            return self.name_atom()
        if t.text in OPENERS:
            return self.bracketed()
        if t.text in ("|", r"\|"):
            return self.bars_value()
        handler = self.commands.get(t.text)
        if handler is not None:
            return handler(self)
        if t.kind == "end":
            raise self.fail("the expression ends too early")
        if t.text in (r"\approx", r"\sim", r"\simeq", r"\propto", r"\equiv"):
            raise self.fail(f"{t.text} is not an equality: a step is checked only where it is written with =")
        if t.text in ("}", ")", "]"):
            raise self.fail(f"expected an expression before {t.text}")
        if t.kind == "cmd":
            raise self.fail(f"unknown or unsupported LaTeX command {t.text}; the accepted notation is listed "
                            "in the documentation of refalgo.parsing")
        raise self.fail(f"unexpected {t.text}")

    def name_atom(self) -> Any:
        """A letter or Greek letter (overridden in ``_latex_names``)."""
        raise NotImplementedError

    def has_separator(self) -> bool:
        """Whether the parenthesis at the current token holds a , ; | or \\mid at its top level."""
        close = self.matching(self.i)
        depth = 0
        for t in self.tokens[self.i : close]:
            if t.text in ("(", "[", "{", r"\{"):
                depth += 1
            elif t.text in (")", "]", "}", r"\}"):
                depth -= 1
            elif depth == 1 and t.text in SEPARATORS:
                return True
        return False

    def arguments(self) -> list[Any]:
        """A parenthesised argument list; , ; | and \\mid all separate arguments."""
        self.expect("(")
        self.bars.append("sep")
        args = [self.argument()]
        while self.tok.text in SEPARATORS:
            self.next()
            args.append(self.argument())
        self.bars.pop()
        if self.tok.text == "=":
            raise self.fail("an event such as P(X = x) is not read; write the probability as a function, p(x)")
        self.expect(")")
        if len(args) > 8:
            raise self.fail(f"{len(args)} arguments; at most 8 are accepted")
        return args

    def argument(self) -> Any:
        if self.tok.text == r"\cdot" and self.peek().text in (*SEPARATORS, ")"):
            self.next()
            return PLACEHOLDER
        start = self.tok.pos
        value = self.expr()
        if self.tok.text in (r"\succ", r"\prec"):
            # p(y_w \succ y_l | x): the event "y_w is preferred to y_l", an argument of p
            op = self.next()
            other = self.expr()
            winner, loser = (value, other) if op.text == r"\succ" else (other, value)
            self.note(start, f"the event {sp.latex(winner)} \\succ {sp.latex(loser)}: {sp.latex(winner)} is preferred")
            return sp.Function("succ", real=True)(winner, loser)
        return value

    def bracketed(self) -> Any:
        items = self.items()
        if len(items) != 1:
            raise self.fail("a list (a, b, ...) is only accepted inside a norm \\| \\|, an inner product "
                            "\\langle a, b \\rangle or as function arguments")
        return items[0]

    def items(self) -> list[Any]:
        open_tok = self.next()
        close = OPENERS[open_tok.text]
        self.bars.append("")
        items = [self.expr()]
        while self.tok.text == ",":
            self.next()
            items.append(self.expr())
        self.bars.pop()
        if self.tok.text != close:
            found = self.tok.text or "the end of the input"
            raise self.fail(f"expected {close} to close the {open_tok.text} opened at column {open_tok.pos + 1}; found {found}")
        self.next()
        return items

    def bars_value(self) -> Any:
        open_tok = self.next()
        kind = "abs" if open_tok.text == "|" else "norm"
        self.bars.append(kind)
        items = self.items() if kind == "norm" and self.tok.text in ("(", "[") else [self.expr()]
        self.bars.pop()
        if self.tok.text != open_tok.text:
            raise self.fail(f"expected {open_tok.text} to close the one opened at column {open_tok.pos + 1}")
        self.next()
        if kind == "abs":
            return sp.Abs(self.b.scalar(items[0], "inside |...|", open_tok.pos))
        p = 2
        if self.tok.text == "_":
            self.next()
            p_tok = self.tok
            p_value = self.script()
            if p_value not in (1, 2, sp.oo):
                raise self.fail(r"norms \|v\|_p are read for p = 1, 2 and \infty", p_tok)
            p = p_value
        if len(items) == 1 and is_matrix(items[0]):
            self.note(open_tok.pos, f"the {'Euclidean ' if p == 2 else ''}norm of a vector"
                      + (f" (p = {sp.latex(p)})" if p != 2 else ""))
            return self.vector_norm(items[0], p, open_tok)
        items = [self.b.scalar(v, "inside \\| \\|", open_tok.pos) for v in items]
        if p == 1:
            return sp.Add(*[sp.Abs(v) for v in items])
        if p == sp.oo:
            return sp.Max(*[sp.Abs(v) for v in items])
        return sp.sqrt(sp.Add(*[v**2 for v in items])) if len(items) > 1 else sp.Abs(items[0])

    def vector_norm(self, v: Any, p: Any, at: Token) -> Any:
        r"""``\|v\|`` of a vector: the Euclidean norm $\sqrt{v^\top v}$ (p = 2 only, unless written out)."""
        if isinstance(v, sp.MatrixBase):
            entries = list(v)
            if p == 1:
                return sp.Add(*[sp.Abs(e) for e in entries])
            if p == sp.oo:
                return sp.Max(*[sp.Abs(e) for e in entries])
            return sp.sqrt(sp.Add(*[e**2 for e in entries]))
        if v.shape[1] != 1 or p != 2:
            raise self.fail(r"the norm of a symbolic matrix is read only as \|x\| = \sqrt{x^\top x} for a vector x", at)
        return sp.sqrt(sp.Trace(v.T * v))

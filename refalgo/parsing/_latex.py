r"""LaTeX input: a small recursive-descent parser that builds SymPy objects directly.

Grammar, loosest binding first (``|`` separates alternatives)::

    relation := expr (REL expr)*                  REL: < > \le \ge \ne ...
    expr     := [+|-] term ((+|-) term)*
    term     := signed ((\cdot|\times|*|/|\div) signed | signed)*   (juxtaposition multiplies)
    signed   := (+|-) signed | scripted
    scripted := primary [_ sub] [^ sup] [!]

What each construct means is listed on the documentation page "How to check a
derivation"; the choices that matter: letters are separate real symbols (``xy`` is
``x*y``), ``e`` is Euler's number, ``\log`` is the natural logarithm, ``\sigma(z)`` is the
logistic sigmoid, ``f(x)``/``\pi(y|x)`` apply an unspecified function, and inside
``\sum_{i=1}^{n}`` a subscript that uses ``i`` is the i-th term of a sequence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import sympy as sp

from ._common import GREEK, MAX_DEPTH, Builder, ParseError, function, sigmoid, symbol
from ._latex_lexer import Token

FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    r"\exp": sp.exp, r"\ln": sp.log, r"\log": sp.log, r"\sin": sp.sin, r"\cos": sp.cos, r"\tan": sp.tan,
    r"\cot": sp.cot, r"\sec": sp.sec, r"\csc": sp.csc, r"\arcsin": sp.asin, r"\arccos": sp.acos,
    r"\arctan": sp.atan, r"\sinh": sp.sinh, r"\cosh": sp.cosh, r"\tanh": sp.tanh,
}
_VARIANTS = {r"\varepsilon": "epsilon", r"\varphi": "phi", r"\vartheta": "theta", r"\varrho": "rho",
             r"\varpi": "pi", r"\varsigma": "sigma", r"\ell": "ell"}
GREEK_NAMES = {"\\" + g: g for g in GREEK} | {"\\" + g.capitalize(): g.capitalize() for g in GREEK} | _VARIANTS
_RELATIONS = {"<": sp.StrictLessThan, ">": sp.StrictGreaterThan, r"\lt": sp.StrictLessThan,
              r"\gt": sp.StrictGreaterThan, "<=": sp.LessThan, r"\le": sp.LessThan, r"\leq": sp.LessThan,
              r"\leqslant": sp.LessThan, ">=": sp.GreaterThan, r"\ge": sp.GreaterThan, r"\geq": sp.GreaterThan,
              r"\geqslant": sp.GreaterThan, "!=": sp.Unequality, r"\ne": sp.Unequality, r"\neq": sp.Unequality}
_PRODUCT_OPS = {"*", "/", r"\cdot", r"\times", r"\div"}
FRACS = {r"\frac", r"\dfrac", r"\tfrac"}
_OPENERS = {"(": ")", "[": "]", "{": "}", r"\{": r"\}"}
# Letters that name a function when followed by "(": f(x) applies f, but x(y + 1) multiplies.
FUNCTION_LETTERS = frozenset("fghpqFGHJLPQV")
_GREEK_FUNCTIONS = frozenset({"pi", "phi", "psi", "mu", "rho", "nu"})
_FACTOR_COMMANDS = set(FUNCTIONS) | set(GREEK_NAMES) | FRACS | {
    r"\sqrt", r"\sum", r"\prod", r"\binom", r"\infty", r"\mathrm", r"\operatorname", r"\max", r"\min",
    r"\{", r"\|", r"\pi", r"\partial",
}


class Parser:
    """Recursive descent over the tokens of one input; see the module docstring.

    The commands (``\\frac``, ``\\sum``, ...) are read by the subclass in
    ``_latex_commands``, through the ``commands`` table.
    """

    commands: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text, self.tokens, self.i = text, tokens, 0
        self.b = Builder(text)
        self.depth = 0
        self.bars: list[str] = []  # what a "|" or "\|" closes here: "abs", "norm" or "sep" (argument list)
        self.bound: list[sp.Symbol] = []  # indices of the sums being read

    # ---------------------------------------------------------------- token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def next(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def fail(self, message: str, tok: Token | None = None) -> ParseError:
        return self.b.fail(message, (tok or self.tok).pos)

    def expect(self, text: str) -> Token:
        if self.tok.text != text:
            found = self.tok.text or "the end of the input"
            raise self.fail(f"expected {text} but found {found}")
        return self.next()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"the expression is nested more than {MAX_DEPTH} deep")

    # ---------------------------------------------------------------- grammar
    def parse(self, relation: bool) -> Any:
        if self.tok.kind == "end":
            raise self.fail("empty expression")
        first = self.expr()
        relations = []
        while self.tok.text in _RELATIONS:
            if not relation:
                raise self.fail("a comparison is only accepted as a condition (an assumption)")
            op = self.next()
            rel = _RELATIONS[op.text]
            second = self.expr()
            relations.append(self.b.relation(rel, first, second, op.pos))
            first = second
        if self.tok.kind != "end":
            raise self.fail(f"unexpected {self.tok.text}")
        if relation and not relations:
            raise self.fail("expected a condition such as x > 0")
        return relations if relation else first

    def expr(self) -> Any:
        self.enter()
        start = self.tok
        sign = 1
        if self.tok.text in "+-" and self.tok.kind == "punct":
            sign = -1 if self.next().text == "-" else 1
        value = self.term()
        if sign < 0:
            value = self.b.times(sp.Integer(-1), value, start.pos)
        while self.tok.kind == "punct" and self.tok.text in ("+", "-"):
            op = self.next()
            rhs = self.term()
            if op.text == "-":
                rhs = self.b.times(sp.Integer(-1), rhs, op.pos)
            value = self.b.plus(value, rhs, op.pos)
        self.depth -= 1
        return value

    def term(self, explicit: bool = True) -> Any:
        value = self.signed()
        while True:
            if explicit and self.tok.text in _PRODUCT_OPS:
                op = self.next()
                rhs = self.signed()
                value = self.b.divide(value, rhs, op.pos) if op.text in ("/", r"\div") else self.b.times(value, rhs, op.pos)
            elif self.starts_factor(functions=explicit):
                at = self.tok.pos
                value = self.b.times(value, self.scripted(), at)
            else:
                return value

    def signed(self) -> Any:
        if self.tok.kind == "punct" and self.tok.text in ("+", "-"):
            op = self.next()
            inner = self.signed()
            return self.b.times(sp.Integer(-1), inner, op.pos) if op.text == "-" else inner
        return self.scripted()

    def starts_factor(self, functions: bool = True) -> bool:
        """Whether the current token can begin a factor (``functions``: also \\log, \\sin, ...)."""
        t = self.tok
        if t.kind in ("num", "letter"):
            return True
        if t.text in ("|", r"\|"):
            closing = {"|": ("abs", "sep"), r"\|": ("norm",)}[t.text]
            if t.side:
                return t.side == "open"
            return not (self.bars and self.bars[-1] in closing)
        if t.text in FUNCTIONS:
            return functions
        return t.text in _OPENERS or (t.kind == "cmd" and t.text in _FACTOR_COMMANDS)

    def scripted(self) -> Any:
        self.enter()
        start = self.tok
        if start.kind == "letter" and self.peek().text == "_" or start.text in GREEK_NAMES and self.peek().text == "_":
            base = self.subscripted()
        else:
            base = self.primary()
        if self.tok.text == "^":
            self.next()
            exponent = self.script()
            base = self.b.power(base, exponent, start.pos)
        if self.tok.text == "!":
            at = self.next().pos
            base = sp.factorial(self.b.count_argument(base, "factorial", at))
        if self.tok.text == "'":
            raise self.fail(r"primes are not read; write \frac{d}{dx} f(x)")
        self.depth -= 1
        return base

    def script(self) -> Any:
        """The argument of ^ or _: a braced group or a single digit, letter or command."""
        t = self.tok
        if t.text == "{":
            return self.group()
        if t.kind == "num" and len(t.text) > 1:
            # TeX reads x^23 as x^2 followed by 3.
            self.tokens[self.i] = Token("num", t.text[1:], t.pos + 1)
            return self.b.number(t.text[0], t.pos)
        if t.kind in ("num", "letter") or t.text in GREEK_NAMES or t.text == r"\infty":
            return self.primary()
        if t.text == "-" and self.peek().kind in ("num", "letter"):
            self.next()
            return -self.primary()
        raise self.fail("expected a group {...}, a digit or a letter after ^ or _")

    def group(self) -> Any:
        self.expect("{")
        value = self.expr()
        self.expect("}")
        return value

    def subscripted(self) -> Any:
        base_tok = self.next()
        base = GREEK_NAMES.get(base_tok.text, base_tok.text)
        self.expect("_")
        first = self.i
        sub = self.script()
        sub_text = "".join(GREEK_NAMES.get(t.text, t.text) for t in self.tokens[first : self.i] if t.text not in "{}")
        if self.tok.text == "(" and (base in FUNCTION_LETTERS or base in _GREEK_FUNCTIONS or self.has_separator()):
            return function(f"{base}_{sub_text}")(*self.arguments())
        if {str(k) for k in self.bound} & {str(s) for s in sub.free_symbols}:
            return function(base)(sub)  # the sub-th term of the sequence ``base``
        return symbol(f"{base}_{sub_text}")

    # ---------------------------------------------------------------- primaries
    def primary(self) -> Any:
        t = self.tok
        self.b.count(t.pos)
        if t.kind == "num":
            self.next()
            return self.b.number(t.text, t.pos)
        if t.kind == "letter":
            return self.letter()
        if t.text in _OPENERS:
            return self.bracketed()
        if t.text in ("|", r"\|"):
            return self.bars_value()
        handler = self.commands.get(t.text)
        if handler is not None:
            return handler(self)
        if t.text in GREEK_NAMES:
            return self.greek()
        if t.kind == "end":
            raise self.fail("the expression ends too early")
        if t.kind == "cmd":
            raise self.fail(f"unknown or unsupported LaTeX command {t.text}")
        raise self.fail(f"unexpected {t.text}")

    def letter(self) -> Any:
        t = self.next()
        if self.tok.text == "(" and (t.text in FUNCTION_LETTERS or self.has_separator()):
            return function(t.text)(*self.arguments())
        return sp.E if t.text == "e" else symbol(t.text)

    def greek(self) -> Any:
        t = self.next()
        name = GREEK_NAMES[t.text]
        if self.tok.text == "(":
            if name == "sigma":
                args = self.arguments()
                if len(args) != 1:
                    raise self.fail(r"\sigma(z), the logistic sigmoid, takes one argument", t)
                return sigmoid(args[0])
            if name in _GREEK_FUNCTIONS or self.has_separator():
                return function(name)(*self.arguments())
        return sp.pi if name == "pi" else symbol(name)

    def has_separator(self) -> bool:
        """Whether the parenthesis at the current token holds a , ; or \\mid at its top level."""
        depth = 0
        for t in self.tokens[self.i :]:
            if t.text in ("(", "[", "{", r"\{"):
                depth += 1
            elif t.text in (")", "]", "}", r"\}"):
                depth -= 1
                if depth == 0:
                    return False
            elif depth == 1 and t.text in (",", ";", r"\mid"):
                return True
        return False

    def arguments(self) -> list[Any]:
        """A parenthesised argument list; , ; | and \\mid all separate arguments."""
        self.expect("(")
        self.bars.append("sep")
        args = [self.expr()]
        while self.tok.text in (",", ";", "|", r"\mid"):
            self.next()
            args.append(self.expr())
        self.bars.pop()
        self.expect(")")
        if len(args) > 8:
            raise self.fail(f"{len(args)} arguments; at most 8 are accepted")
        return args

    def bracketed(self) -> Any:
        items = self.items()
        if len(items) != 1:
            raise self.fail("a list (a, b, ...) is only accepted inside a norm \\| \\| or as function arguments")
        return items[0]

    def items(self) -> list[Any]:
        open_tok = self.next()
        close = _OPENERS[open_tok.text]
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
        if kind == "norm" and self.tok.text in ("(", "["):
            items = self.items()
        else:
            items = [self.expr()]
        self.bars.pop()
        if self.tok.text != open_tok.text:
            raise self.fail(f"expected {open_tok.text} to close the one opened at column {open_tok.pos + 1}")
        self.next()
        if kind == "abs":
            return sp.Abs(items[0])
        p = 2
        if self.tok.text == "_":
            self.next()
            p_tok = self.tok
            p_value = self.script()
            if p_value not in (1, 2, sp.oo):
                raise self.fail(r"norms \|v\|_p are read for p = 1, 2 and \infty", p_tok)
            p = p_value
        if p == 1:
            return sp.Add(*[sp.Abs(v) for v in items])
        if p == sp.oo:
            return sp.Max(*[sp.Abs(v) for v in items])
        return sp.sqrt(sp.Add(*[v**2 for v in items])) if len(items) > 1 else sp.Abs(items[0])

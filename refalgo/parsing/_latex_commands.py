r"""The commands of the LaTeX reader: fractions and derivatives, roots, sums, functions.

``CommandParser`` adds to the grammar of ``_latex`` one method per command and
registers them in the ``commands`` table that ``Parser.primary`` dispatches on.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ._common import MAX_EXPONENT, function, integer_bounds, symbol
from ._latex import FRACS, FUNCTIONS, GREEK_NAMES, Parser
from ._latex_lexer import Token, tokenize


def parse_latex(text: str, *, relation: bool = False) -> Any:
    """The SymPy object for a LaTeX math expression (or, with ``relation``, a list of relations)."""
    return CommandParser(text, tokenize(text)).parse(relation)


class CommandParser(Parser):
    """The LaTeX reader with its commands; see the module docstring."""

    def named_function(self) -> Any:
        t = self.next()
        fn = FUNCTIONS[t.text]
        base = None
        if t.text == r"\log" and self.tok.text == "_":
            self.next()
            base = self.script()
        power = None
        if self.tok.text == "^":
            self.next()
            power = self.script()
        if self.tok.text == "(":
            arg = self.bracketed()
        elif self.starts_factor(functions=False):
            arg = self.term(explicit=False)
        else:
            raise self.fail(f"{t.text} needs an argument")
        value = fn(arg) if base is None else sp.log(arg, base)
        return value if power is None else self.b.power(value, power, t.pos)

    def sqrt(self) -> Any:
        t = self.next()
        index = None
        if self.tok.text == "[":
            self.next()
            index = self.expr()
            self.expect("]")
        radicand = self.group() if self.tok.text == "{" else self.scripted()
        if index is None:
            return sp.sqrt(radicand)
        if index.is_number and not (index.is_Integer and 2 <= index <= MAX_EXPONENT):
            raise self.fail(rf"\sqrt[n]{{...}} needs a whole number n from 2 to {MAX_EXPONENT}", t)
        return sp.root(radicand, index)

    def binom(self) -> Any:
        t = self.next()
        n, k = self.group(), self.group()
        return sp.binomial(self.b.count_argument(n, "binomial", t.pos), self.b.count_argument(k, "binomial", t.pos))

    def infinity(self) -> Any:
        self.next()
        return sp.oo

    def roman(self) -> Any:
        t = self.next()
        self.expect("{")
        start = self.tok.pos
        while self.tok.kind in ("letter", "num"):
            self.next()
        name = self.text[start : self.tok.pos].replace(" ", "")
        self.expect("}")
        if not name or not name[0].isalpha():
            raise self.fail(f"{t.text}{{...}} must hold a name such as KL", t)
        if self.tok.text == "(" and (t.text == r"\operatorname" or self.has_separator()):
            return function(name)(*self.arguments())
        return sp.E if name == "e" else symbol(name)

    def extremum(self) -> Any:
        t = self.next()
        if self.tok.text != "(":
            raise self.fail(rf"write {t.text}(a, b)")
        args = self.arguments()
        if len(args) < 2:
            raise self.fail(rf"{t.text}(a, b) needs at least two arguments", t)
        return (sp.Max if t.text == r"\max" else sp.Min)(*args)

    def big_operator(self) -> Any:
        t = self.next()
        self.expect("_")
        self.expect("{")
        k_tok = self.tok
        if k_tok.kind != "letter" and k_tok.text not in GREEK_NAMES:
            raise self.fail(rf"write {t.text}_{{k=1}}^{{n}} with a letter as the index")
        self.next()
        k = symbol(GREEK_NAMES.get(k_tok.text, k_tok.text), integer=True)
        self.expect("=")
        lower = self.expr()
        self.expect("}")
        self.expect("^")
        upper = self.script()
        lower, upper = integer_bounds(lower), integer_bounds(upper)
        self.b.bounded_range(lower, upper, t.pos)
        self.bound.append(k)
        term = self.term()
        self.bound.pop()
        term = term.subs(symbol(str(k)), k)
        return (sp.Sum if t.text == r"\sum" else sp.Product)(term, (k, lower, upper))

    def fraction(self) -> Any:
        t = self.next()
        if self.tok.text == "{" and self.peek().text in (r"\partial", "d") and self._derivative_ahead():
            return self.derivative(t)
        num = self.group()
        den = self.group()
        return self.b.divide(num, den, t.pos)

    def _derivative_ahead(self) -> bool:
        """Whether \\frac{...}{...} here is d/dx or ∂/∂x: both groups start with the same d or ∂."""
        mark = self.peek().text
        depth, j = 0, self.i
        while j < len(self.tokens):
            text = self.tokens[j].text
            depth += text == "{"
            depth -= text == "}"
            j += 1
            if depth == 0:
                break
        after = self.tokens[j : j + 3]
        return len(after) == 3 and after[0].text == "{" and after[1].text == mark and after[2].kind in ("letter", "cmd")

    def derivative(self, frac: Token) -> Any:
        self.expect("{")
        mark = self.next().text
        order = self._order()
        target = None if self.tok.text == "}" else self.expr()
        self.expect("}")
        self.expect("{")
        variables: list[Any] = []
        while self.tok.text == mark:
            self.next()
            v_tok = self.tok
            v = self.scripted()
            if isinstance(v, sp.Pow) and isinstance(v.base, sp.Symbol) and v.exp.is_Integer and 1 <= v.exp <= 10:
                variables.extend([v.base] * int(v.exp))
            elif isinstance(v, sp.Symbol):
                variables.append(v)
            else:
                raise self.fail(f"expected a variable after {mark}", v_tok)
        self.expect("}")
        if order is not None and order != len(variables):
            raise self.fail(f"the order {order} does not match the {len(variables)} variable(s) below", frac)
        if target is None:
            target = self.term()
        elif isinstance(target, sp.Symbol):
            # \frac{\partial f}{\partial x}: f stands for an unspecified function of the variables.
            target = function(str(target))(*dict.fromkeys(variables))
        return sp.Derivative(target, *variables)

    def _order(self) -> int | None:
        if self.tok.text != "^":
            return None
        self.next()
        value = self.script()
        if not (value.is_Integer and 1 <= value <= 10):
            raise self.fail("a derivative order must be a whole number from 1 to 10")
        return int(value)

    def partial(self) -> Any:
        raise self.fail(r"\partial is read only in \frac{\partial}{\partial x} or \frac{\partial f}{\partial x}")


CommandParser.commands = {
    **{name: CommandParser.named_function for name in FUNCTIONS},
    **{name: CommandParser.fraction for name in FRACS},
    r"\sqrt": CommandParser.sqrt,
    r"\binom": CommandParser.binom,
    r"\infty": CommandParser.infinity,
    r"\mathrm": CommandParser.roman,
    r"\operatorname": CommandParser.roman,
    r"\max": CommandParser.extremum,
    r"\min": CommandParser.extremum,
    r"\sum": CommandParser.big_operator,
    r"\prod": CommandParser.big_operator,
    r"\partial": CommandParser.partial,
}

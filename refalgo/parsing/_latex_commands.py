r"""The commands of the LaTeX reader: fractions and derivatives, roots, sums, functions.

``CommandParser`` adds to the grammar of ``_latex`` and ``_latex_names`` one method per
command; ``_latex_operators`` adds the operators of the notation model and registers every
method in the ``commands`` table that ``Parser.primary`` dispatches on.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ._common import MAX_EXPONENT, AmbiguousNotation, function, integer_bounds, symbol
from ._latex import FUNCTIONS, GREEK_NAMES
from ._latex_lexer import Token
from ._latex_names import NameParser, NameRef


class CommandParser(NameParser):
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
            at = self.next()
            power = self.script()
            if power.is_number and power.is_negative:
                inverse = {r"\sin": r"\arcsin", r"\cos": r"\arccos", r"\tan": r"\arctan"}.get(t.text, "the inverse function")
                written = self.text[t.pos : self.tokens[self.i - 1].end]
                raise AmbiguousNotation(
                    f"{written} is ambiguous: the inverse function ({inverse}) or a power of {t.text}; write "
                    f"{inverse} x for the inverse, or ({t.text} x)^{{{sp.latex(power)}}} for the power",
                    self.text, at.pos, (f"{inverse}", f"({t.text} x)^{{{sp.latex(power)}}}"))
        if self.tok.text == "(":
            arg = self.bracketed()
        elif self.starts_factor(functions=False):
            arg = self.term(explicit=False)
        else:
            raise self.fail(f"{t.text} needs an argument")
        arg = self.b.scalar(arg, f"the argument of {t.text}", t.pos)
        value = fn(arg) if base is None else sp.log(arg, base)
        return value if power is None else self.b.power(value, power, t.pos)

    def sqrt(self) -> Any:
        t = self.next()
        index = None
        if self.tok.text == "[":
            self.next()
            index = self.b.scalar(self.expr(), "the order of a root", t.pos)
            self.expect("]")
        radicand = self.group() if self.tok.text == "{" else self.scripted()
        radicand = self.b.scalar(radicand, "under a root", t.pos)
        if index is None:
            return sp.sqrt(radicand)
        if index.is_number and not (index.is_Integer and 2 <= index <= MAX_EXPONENT):
            raise self.fail(rf"\sqrt[n]{{...}} needs a whole number n from 2 to {MAX_EXPONENT}", t)
        if index.is_Integer and index % 2:
            # Real analysis: the odd root of a negative number is negative (\sqrt[3]{-8} = -2).
            self.note(t.pos, f"the real root of order {index}: negative for a negative radicand")
            return sp.real_root(radicand, index)
        return sp.root(radicand, index)

    def binom(self) -> Any:
        t = self.next()
        n, k = self.group(), self.group()
        return sp.binomial(self.b.count_argument(n, "binomial", t.pos), self.b.count_argument(k, "binomial", t.pos))

    def infinity(self) -> Any:
        self.next()
        return sp.oo

    def roman(self) -> Any:
        r"""``\mathrm{KL}``, ``\operatorname{softmax}(x)``: a multi-letter name."""
        t = self.next()
        if t.text == r"\operatorname" and self.tok.text == "*":
            self.next()
        self.expect("{")
        parts = []
        while self.tok.kind in ("letter", "num"):
            parts.append(self.next().text)
        name = "".join(parts)
        self.expect("}", f" ({t.text}{{...}} holds a name made of letters and digits)")
        if not name or not name[0].isalpha():
            raise self.fail(f"{t.text}{{...}} must hold a name such as KL", t)
        operator = self.named_operator(name, t)
        if operator is not None:
            return operator
        ref = NameRef(name, t.pos)
        self.name_scripts(ref)
        if t.text == r"\operatorname" and self.tok.text == "(":
            special = self.special_application(ref, t.pos)
            return special if special is not None else self.application(ref, t.pos)
        return self.named(ref, t.pos)

    def named_operator(self, name: str, t: Token) -> Any:
        r"""``\operatorname{tr}``, ``\operatorname{argmax}``...: see ``_latex_operators``."""
        return None

    def extremum(self) -> Any:
        t = self.next()
        if self.tok.text == "_":
            return self.extremum_over_set(t)
        if self.tok.text != "(":
            raise self.fail(rf"write {t.text}(a, b), or {t.text}_a f(a) over a declared index set")
        args = self.arguments()
        if len(args) < 2:
            raise self.fail(rf"{t.text}(a, b) needs at least two arguments", t)
        args = [self.b.scalar(a, f"an argument of {t.text}", t.pos) for a in args]
        return (sp.Max if t.text == r"\max" else sp.Min)(*args)

    def extremum_over_set(self, t: Token) -> Any:
        r"""``\max_a f(a)`` over a declared index set: see ``_latex_operators``."""
        raise self.fail(rf"write {t.text}(a, b)", t)

    def sum_over_set(self, t: Token) -> Any:
        r"""``\sum_a f(a)`` over a declared index set: see ``_latex_operators``."""
        raise self.fail(rf"write {t.text}_{{k=1}}^{{n}}", t)

    def big_operator(self) -> Any:
        t = self.next()
        self.expect("_", rf" (write {t.text}_{{k=1}}^{{n}}, or {t.text}_a over a declared index set)")
        if not self.limits_ahead():
            return self.sum_over_set(t)
        self.expect("{")
        k_tok = self.tok
        if k_tok.kind != "letter" and k_tok.text not in GREEK_NAMES:
            raise self.fail(rf"write {t.text}_{{k=1}}^{{n}} with a letter as the index")
        self.next()
        k = symbol(GREEK_NAMES.get(k_tok.text, k_tok.text), integer=True)
        self.expect("=")
        lower = self.expr()
        self.expect("}")
        self.expect("^", rf" (a sum {t.text}_{{k=1}}^{{n}} with a lower limit needs an upper limit)")
        upper = self.script()
        lower, upper = integer_bounds(lower), integer_bounds(upper)
        self.b.bounded_range(lower, upper, t.pos)
        self.bound.append(k)
        term = self.b.scalar(self.term(), f"the term of {t.text}", t.pos)
        self.bound.pop()
        term = term.subs(symbol(str(k)), k)
        return (sp.Sum if t.text == r"\sum" else sp.Product)(term, (k, lower, upper))

    def limits_ahead(self) -> bool:
        """Whether ``_{k=1}`` follows (a sum with limits), not ``_a`` or ``_{s'}`` (over a set)."""
        if self.tok.text != "{":
            return False
        close = self.matching(self.i)
        return any(u.text == "=" for u in self.tokens[self.i + 1 : close])

    def fraction(self) -> Any:
        t = self.next()
        if self.tok.text == "{" and self.peek().text in (r"\partial", "d") and self._derivative_ahead():
            return self.derivative(t)
        num = self.fraction_part()
        den = self.fraction_part()
        return self.b.divide(num, den, t.pos)

    def fraction_part(self) -> Any:
        r"""A braced group, or (as TeX reads ``\frac12``) one digit, letter or command."""
        if self.tok.text == "{":
            return self.group()
        if self.tok.kind in ("num", "letter") or self.tok.text in GREEK_NAMES:
            return self.script()
        raise self.fail(r"expected {...} after \frac, as in \frac{1}{2}")

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
        for variable in variables:
            self.differentiates_by(str(variable))
        if order is not None and order != len(variables):
            raise self.fail(f"the order {order} does not match the {len(variables)} variable(s) below", frac)
        if target is None:
            target = self.term()
        elif isinstance(target, sp.Symbol):
            # \frac{\partial f}{\partial x}: f stands for an unspecified function of the variables.
            if self.survey:
                self.usage.values[str(target)] -= 1  # not a use of f as a value
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

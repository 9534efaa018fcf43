r"""Operators over declared finite sets: sums, products, extrema, arg max, expectations, KL.

A finite set is declared in `Notation` (``index_sets``); ``\sum_a f(a)`` is then the sum of
the terms written out, ``f(a_1) + f(a_2)``, so the derivation is checked on exactly the set
it is about. The written-out size is bounded before anything is built.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ._common import function, symbol
from ._latex import PLACEHOLDER
from ._latex_commands import CommandParser
from ._latex_lexer import Token
from ._latex_names import NameRef
from ._notation import DIMENSION


def _size(expr: Any) -> int:
    return sum(1 for _ in sp.preorder_traversal(expr))


class SetParser(CommandParser):
    """The LaTeX reader's operators over finite sets; see the module docstring."""

    # ---------------------------------------------------------------- finite index sets
    def index_name(self, t: Token) -> NameRef:
        r"""The index under ``\sum_a``, ``\max_{s'}``, ``\sum_{a \in \mathcal{A}}``."""
        braced = self.tok.text == "{"
        if braced:
            self.next()
        ref = self.read_name()
        if braced and self.tok.text == r"\in":
            self.next()
            self.read_name()  # the set's own name: the values come from the declaration
        if braced:
            self.expect("}", f" (write {t.text}_{{a}} or {t.text}_{{a \\in \\mathcal{{A}}}})")
        return ref

    def index_values(self, ref: NameRef, t: Token, form: str) -> tuple[Any, ...]:
        values = self.notation.index_values(ref.name)
        if values is None:
            name = ref.name
            raise self.b.fail(
                f"{form} runs over a finite set, and the values of {name} are not declared: declare "
                f"index_sets={{{name.rstrip(chr(39))!r}: [...]}} (a list of values or a size; --index "
                f"{name.rstrip(chr(39))}=K on the command line), or write a "
                f"sum with limits such as \\sum_{{k=1}}^{{n}}", t.pos)
        return values

    def indexed_term(self, ref: NameRef, what: str, t: Token) -> Any:
        r"""The term after ``\sum_a``: inside it, ``x_a`` is term a of the sequence x."""
        self.bound.append(symbol(ref.name))
        try:
            return self.b.scalar(self.term(), what, t.pos)
        finally:
            self.bound.pop()

    def over_set(self, term: Any, index: sp.Symbol, values: tuple[Any, ...], t: Token) -> list[Any]:
        """``term`` with each value of the index put in, refused if the written-out sum is too large."""
        self.b.count(t.pos, len(values) * _size(term))
        return [term.xreplace({index: v}) for v in values]

    def sum_over_set(self, t: Token) -> Any:
        start = t.pos
        ref = self.index_name(t)
        term = self.indexed_term(ref, f"the term of {t.text}", t)
        values = self.index_values(ref, t, f"{t.text}_{{{ref.latex()}}}")
        terms = self.over_set(term, symbol(ref.name), values, t)
        self.note(start, f"the {'sum' if t.text == chr(92) + 'sum' else 'product'} over "
                  f"{ref.latex()} \\in \\{{{', '.join(sp.latex(v) for v in values)}\\}}, written out")
        return sp.Add(*terms) if t.text == r"\sum" else sp.Mul(*terms)

    def extremum_over_set(self, t: Token) -> Any:
        self.next()
        ref = self.index_name(t)
        term = self.indexed_term(ref, f"the term of {t.text}", t)
        values = self.index_values(ref, t, f"{t.text}_{{{ref.latex()}}}")
        terms = self.over_set(term, symbol(ref.name), values, t)
        self.note(t.pos, f"the {t.text[1:]} over {ref.latex()} \\in \\{{{', '.join(sp.latex(v) for v in values)}\\}}")
        return (sp.Max if t.text == r"\max" else sp.Min)(*terms)

    def arg_extremum(self) -> Any:
        r"""``\arg\max_a f(a)``: the first value of the declared set where f is largest."""
        t = self.next()
        if self.tok.text not in (r"\max", r"\min"):
            raise self.fail(r"\arg is read only as \arg\max_a or \arg\min_a over a declared index set")
        return self.argmax(self.next(), t.pos)

    def argmax(self, t: Token, start: int) -> Any:
        self.expect("_", rf" (write \arg{t.text}_a f(a) over a declared index set)")
        ref = self.index_name(t)
        term = self.indexed_term(ref, "the term of an arg max", t)
        values = self.index_values(ref, t, f"\\arg{t.text}_{{{ref.latex()}}}")
        terms = self.over_set(term, symbol(ref.name), values, t)
        better = sp.Gt if t.text == r"\max" else sp.Lt
        at_least = sp.Ge if t.text == r"\max" else sp.Le
        pieces = []
        for k, v in enumerate(values[:-1]):
            wins = [better(terms[k], terms[j]) for j in range(k)] + [at_least(terms[k], terms[j]) for j in range(k + 1, len(terms))]
            pieces.append((v, sp.And(*wins)))
        pieces.append((values[-1], True))
        self.note(start, f"the first {ref.latex()} in \\{{{', '.join(sp.latex(v) for v in values)}\\}} where the term is "
                  f"{'largest' if t.text == chr(92) + 'max' else 'smallest'} (ties go to the first)")
        return sp.Piecewise(*pieces)

    # ---------------------------------------------------------------- expectations and KL
    def distribution(self) -> tuple[NameRef, list[Any] | None]:
        r"""``\pi`` or ``\pi(\cdot | s)``: a distribution's name and its arguments (\cdot marks the index)."""
        ref = self.read_name()
        args = self.arguments() if self.tok.text == "(" else None
        if args is not None and PLACEHOLDER not in args:
            raise self.fail(rf"write the distribution as {ref.latex()}(\cdot | s), with \cdot where the value goes")
        return ref, args

    @staticmethod
    def weight(ref: NameRef, args: list[Any] | None, value: Any) -> Any:
        if args is None:
            return function(ref.name)(value)
        return function(ref.name)(*[value if a is PLACEHOLDER else a for a in args])

    def blackboard(self) -> Any:
        r"""``\mathbb{E}_{a \sim \pi}[X]``: the expectation over a declared finite support."""
        t = self.next()
        braced = self.tok.text == "{"
        if braced:
            self.next()
        letter = self.next()
        if braced:
            self.expect("}")
        if letter.text == "I":
            self.note(t.pos, "the identity matrix")
            return sp.Identity(DIMENSION) if not self.survey else symbol("I")
        if letter.text != "E":
            raise self.b.fail(rf"\mathbb{{{letter.text}}} (a set of numbers) is not read; the expectation is "
                              r"written \mathbb{E}_{a \sim \pi}[...]", t.pos)
        form = r"write the expectation as \mathbb{E}_{a \sim \pi}[...] or \mathbb{E}_{a \sim \pi(\cdot|s)}[...]"
        if self.tok.text != "_":
            raise self.fail(form)
        self.next()
        braced = self.tok.text == "{"
        if braced:
            self.next()
        index = self.read_name()
        if self.tok.text != r"\sim":
            raise self.fail(form)
        self.next()
        dist, args = self.distribution()
        if braced:
            self.expect("}", " (" + form + ")")
        if self.tok.text not in ("[", "(", r"\{"):
            raise self.fail(r"expected [ after \mathbb{E}_{...}: " + form)
        self.bound.append(symbol(index.name))
        try:
            body = self.b.scalar(self.bracketed(), "the argument of an expectation", t.pos)
        finally:
            self.bound.pop()
        values = self.index_values(index, t, f"the expectation over {index.latex()}")
        terms = self.over_set(body, symbol(index.name), values, t)
        self.note(t.pos, f"the expectation over {index.latex()} \\in \\{{{', '.join(sp.latex(v) for v in values)}\\}} "
                  f"weighted by {sp.latex(self.weight(dist, args, symbol(index.name)))}")
        return sp.Add(*[self.weight(dist, args, v) * term for v, term in zip(values, terms)])

    def special_application(self, ref: NameRef, start: int) -> Any:
        if not (ref.base == "D" and ref.sub == "KL" and not ref.mods or ref.name == "KL"):
            return None
        form = (r"D_{\mathrm{KL}}(p \| q) is read for distributions p, q over a declared finite set: declare "
                r"index_sets={'x': [...]} and distributions={'p': 'x', 'q': 'x'} (--index x=K --distribution p:x "
                r"--distribution q:x), and write each side as p or "
                r"\pi(\cdot | s)")
        self.expect("(")
        p, p_args = self.distribution()
        if self.tok.text == "|" and self.peek().text == "|":
            self.next()
        elif self.tok.text != r"\|":
            raise self.fail(r"expected \| between the two distributions: " + form)
        self.next()
        q, q_args = self.distribution()
        self.expect(")", " (" + form + ")")
        over = {self.notation.distributions.get(p.name), self.notation.distributions.get(q.name)} - {None}
        if len(over) != 1:
            raise self.b.fail(form if not over else f"{p.latex()} and {q.latex()} are declared over different sets", start)
        index = str(over.pop())
        values = self.notation.index_values(index) or ()
        self.note(start, f"the KL divergence, a sum over {sp.latex(sp.Symbol(index))} \\in "
                  f"\\{{{', '.join(sp.latex(v) for v in values)}\\}}")
        terms = []
        for v in values:
            pv, qv = self.weight(p, p_args, v), self.weight(q, q_args, v)
            terms.append(pv * sp.log(pv / qv))
        self.b.count(start, 4 * len(terms))
        return sp.Add(*terms)

r"""The operators of the notation model: sums and extrema over declared finite sets,
expectations, the KL divergence, gradients, integrals, limits, evaluation bars, inner
products, determinants and traces, matrices written out; and the table of every command.

A finite set is declared in `Notation` (``index_sets``); ``\sum_a f(a)`` is then the sum of
the terms written out, ``f(a_1) + f(a_2)``, so the derivation is checked on exactly the
set it is about.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ._common import ParseError, function, is_matrix, symbol
from ._latex import FRACS, FUNCTIONS, PLACEHOLDER
from ._latex_commands import CommandParser
from ._latex_lexer import Token, tokenize
from ._latex_names import NameRef
from ._notation import DIMENSION, Notation

_DOTS = {r"\cdots", r"\ldots", r"\dots", r"\dotsb", r"\dotsc", r"\dotsm", r"\vdots", r"\ddots"}
_ARROWS = {r"\to", r"\rightarrow", r"\longrightarrow"}


def read_latex(text: str, *, relation: bool = False, notation: Notation | None = None, usage: Any = None,
               survey: bool = False) -> tuple[Any, list[tuple[str, str]]]:
    """The SymPy object for a LaTeX expression (or relations) and the notes on how it was read."""
    parser = OperatorParser(text, tokenize(text), notation, usage, survey)
    return parser.parse(relation), parser.notes


def parse_latex(text: str, *, relation: bool = False) -> Any:
    """The SymPy object for a LaTeX math expression (or, with ``relation``, a list of relations)."""
    return read_latex(text, relation=relation)[0]


def _size(expr: Any) -> int:
    return sum(1 for _ in sp.preorder_traversal(expr))


class OperatorParser(CommandParser):
    """The complete LaTeX reader; see the module docstring."""

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
                f"index_sets={{{name.rstrip(chr(39))!r}: [...]}} (a list of values or a size), or write a "
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
                r"index_sets={'x': [...]} and distributions={'p': 'x', 'q': 'x'}, and write each side as p or "
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

    # ---------------------------------------------------------------- calculus
    def nabla(self) -> Any:
        t = self.next()
        if self.tok.text != "_":
            raise self.fail(r"write the gradient with its variable: \nabla_\theta J(\theta)")
        self.next()
        braced = self.tok.text == "{"
        if braced:
            self.next()
        ref = self.read_name()
        more = []
        while braced and self.tok.text == ",":
            self.next()
            more.append(self.read_name())
        if braced:
            self.expect("}", r" (write \nabla_{\theta} or \nabla_{x, y})")
        if more:
            return self.partials([ref, *more], t)
        shape = self.notation.shape(ref.name)
        variable = sp.MatrixSymbol(ref.name, *shape) if shape is not None and not self.survey else symbol(ref.name)
        body = self.term()
        if not is_matrix(variable):
            self.note(t.pos, f"the derivative with respect to {ref.latex()}")
            return sp.Derivative(self.b.scalar(body, "differentiated", t.pos), variable)
        try:
            value = sp.diff(body, variable)
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            raise self.b.fail(rf"cannot take the gradient of this expression with respect to the vector "
                              rf"{ref.latex()}; write it with {ref.latex()}^\top and matrices", t.pos) from None
        self.note(t.pos, f"the gradient with respect to the vector {ref.latex()}")
        return value

    def partials(self, refs: list[NameRef], t: Token) -> Any:
        r"""``\nabla_{x, y} f``: the column of the partial derivatives of f."""
        body = self.b.scalar(self.term(), "differentiated", t.pos)
        names = ", ".join(r.latex() for r in refs)
        self.note(t.pos, f"the gradient with respect to ({names}), a column of partial derivatives")
        return sp.ImmutableMatrix([sp.Derivative(body, symbol(r.name)) for r in refs])

    def integral(self) -> Any:
        t = self.next()
        lower = upper = None
        for _ in range(2):
            if self.tok.text == "_" and lower is None:
                self.next()
                lower = self.script()
            elif self.tok.text == "^" and upper is None:
                self.next()
                upper = self.script()
        if lower is None or upper is None:
            raise self.fail(r"only definite integrals are read: write \int_{a}^{b} f(x) \, dx")
        self.stop_at_differential += 1
        body = self.expr()
        self.stop_at_differential -= 1
        if not (self.tok.kind == "letter" and self.tok.text == "d"):
            raise self.fail(r"expected the differential (dx) that ends the integrand: \int_{a}^{b} f(x) \, dx")
        self.next()
        var = self.read_name()
        self.note(t.pos, f"the definite integral over {var.latex()} from {sp.latex(lower)} to {sp.latex(upper)}")
        return sp.Integral(self.b.scalar(body, "an integrand", t.pos), (symbol(var.name), lower, upper))

    def limit(self) -> Any:
        t = self.next()
        form = r"write the limit as \lim_{x \to a} f(x) (or x \to 0^{+})"
        self.expect("_", f" ({form})")
        self.expect("{", f" ({form})")
        ref = self.read_name()
        if self.tok.text not in _ARROWS:
            raise self.fail(form)
        self.next()
        close = self._brace_end()
        direction = "+-"
        texts = [u.text for u in self.tokens[close - 4 : close]]
        for sign in "+-":
            for tail in (["^", sign], ["^", "{", sign, "}"]):
                if texts[-len(tail):] == tail:
                    direction = sign
                    del self.tokens[close - len(tail) : close]
                    break
        point = self.expr()
        self.expect("}", f" ({form})")
        body = self.b.scalar(self.term(), "the expression of a limit", t.pos)
        self.note(t.pos, f"the limit as {ref.latex()} tends to {sp.latex(point)}"
                  + ("" if direction == "+-" else f" from {'above' if direction == '+' else 'below'}"))
        return sp.Limit(body, symbol(ref.name), point, direction)

    def _brace_end(self) -> int:
        depth = 1
        for j in range(self.i, len(self.tokens)):
            text = self.tokens[j].text
            depth += text == "{"
            depth -= text == "}"
            if depth == 0:
                return j
        return len(self.tokens) - 1

    def evaluation_bar(self) -> Any:
        r"""``\left. f \right|_{x=1}``: f with x replaced by 1."""
        t = self.next()
        body = self.expr()
        form = r"write an evaluation bar as \left. f(x) \right|_{x=1}"
        if not (self.tok.text == "|" and self.tok.side == "close"):
            raise self.fail(r"expected \right| to close the \left. opened at column " + f"{t.pos + 1} ({form})")
        self.next()
        self.expect("_", f" ({form})")
        self.expect("{", f" ({form})")
        names, values = [], []
        while True:
            ref = self.read_name()
            self.expect("=", f" ({form})")
            names.append(symbol(ref.name))
            values.append(self.expr())
            if self.tok.text != ",":
                break
            self.next()
        self.expect("}", f" ({form})")
        self.note(t.pos, "the expression evaluated at " + ", ".join(f"{sp.latex(n)} = {sp.latex(v)}" for n, v in zip(names, values)))
        return sp.Subs(body, tuple(names), tuple(values))

    # ---------------------------------------------------------------- linear algebra
    def inner_product(self) -> Any:
        t = self.next()
        u = self.expr()
        self.expect(",", r" (write the inner product as \langle u, v \rangle)")
        v = self.expr()
        self.expect(r"\rangle", r" (write the inner product as \langle u, v \rangle)")
        if is_matrix(u) != is_matrix(v):
            raise self.b.fail(r"\langle u, v \rangle needs two vectors or two numbers", t.pos)
        self.note(t.pos, "the inner product u^{\\top} v")
        if not is_matrix(u):
            return self.b.times(u, v, t.pos)
        if not (u.shape == v.shape and u.shape[1] == 1):
            raise self.b.fail(r"\langle u, v \rangle needs two column vectors of one length", t.pos)
        return self.b.scalar(self.b.times(u.T, v, t.pos), "an inner product", t.pos)

    def matrix_argument(self, t: Token) -> Any:
        value = self.bracketed() if self.tok.text == "(" else self.scripted()
        if not is_matrix(value) or value.shape[0] != value.shape[1]:
            raise self.b.fail(f"{t.text} takes a square matrix; got {value}", t.pos)
        return value

    def determinant(self) -> Any:
        t = self.next()
        m = self.matrix_argument(t)
        if isinstance(m, sp.MatrixBase):
            self.b.explicit_work(m, "the determinant of", t.pos)
        self.note(t.pos, f"the determinant of {sp.latex(m)}")
        return m.det() if isinstance(m, sp.MatrixBase) else sp.Determinant(m)

    def named_operator(self, name: str, t: Token) -> Any:
        t = Token(t.kind, f"{t.text}{{{name}}}", t.pos)
        if name in ("tr", "Tr", "trace"):
            m = self.matrix_argument(t)
            self.note(t.pos, f"the trace of {sp.latex(m)}")
            return m.trace() if isinstance(m, sp.MatrixBase) else sp.Trace(m)
        if name in ("argmax", "argmin"):
            return self.argmax(Token("cmd", "\\" + name[3:], t.pos), t.pos)

        return None

    def matrix_literal(self) -> Any:
        r"""``\begin{pmatrix} a & b \\ c & d \end{pmatrix}``: an explicit matrix (vmatrix: its determinant)."""
        t = self.next()
        env = t.text[len(r"\begin{") : -1]
        rows: list[list[Any]] = [[]]
        while True:
            rows[-1].append(self.b.scalar(self.expr(), "a matrix entry", t.pos))
            if self.tok.text == "&":
                self.next()
            elif self.tok.text == "\\\\" and not self.peek().text.startswith(r"\end"):
                self.next()
                rows.append([])
            elif self.tok.text == "\\\\" or self.tok.text.startswith(r"\end"):
                if self.tok.text == "\\\\":
                    self.next()
                self.expect(rf"\end{{{env}}}")
                break
            else:
                raise self.fail(rf"expected &, \\ or \end{{{env}}} in the matrix")
        if len({len(r) for r in rows}) != 1:
            raise self.b.fail(f"the rows of the matrix have different lengths: {[len(r) for r in rows]}", t.pos)
        m = sp.ImmutableMatrix(rows)
        self.note(t.pos, f"the {m.rows} \\times {m.cols} matrix written out")
        if env == "vmatrix":
            if m.rows != m.cols:
                raise self.b.fail("a determinant (vmatrix) needs a square matrix", t.pos)
            self.b.explicit_work(m, "the determinant of", t.pos)
            return m.det()
        return m

    def dots(self) -> Any:
        t = self.tok
        raise self.fail(rf"{t.text} (a pattern left to the reader) is not read; write the sum or product with its "
                        r"limits, such as \sum_{k=0}^{n} \gamma^k or \sum_{k=0}^{\infty} \gamma^k")


OperatorParser.commands = {
    **{name: OperatorParser.named_function for name in FUNCTIONS},
    **{name: OperatorParser.fraction for name in FRACS},
    r"\sqrt": OperatorParser.sqrt,
    r"\binom": OperatorParser.binom,
    r"\infty": OperatorParser.infinity,
    r"\mathrm": OperatorParser.roman,
    r"\operatorname": OperatorParser.roman,
    r"\text": OperatorParser.roman,
    r"\max": OperatorParser.extremum,
    r"\min": OperatorParser.extremum,
    r"\arg": OperatorParser.arg_extremum,
    r"\sum": OperatorParser.big_operator,
    r"\prod": OperatorParser.big_operator,
    r"\partial": OperatorParser.partial,
    r"\mathbb": OperatorParser.blackboard,
    r"\nabla": OperatorParser.nabla,
    r"\int": OperatorParser.integral,
    r"\lim": OperatorParser.limit,
    r"\left.": OperatorParser.evaluation_bar,
    r"\langle": OperatorParser.inner_product,
    r"\det": OperatorParser.determinant,
    **{rf"\begin{{{env}}}": OperatorParser.matrix_literal for env in ("pmatrix", "bmatrix", "matrix", "Bmatrix", "vmatrix")},
    **{name: OperatorParser.dots for name in _DOTS},
}
for _name in ("hat", "widehat", "bar", "overline", "tilde", "widetilde", "check", "dot", "ddot", "breve",
              "mathbf", "boldsymbol", "bm", "vec", "mathbfit", "mathcal", "mathscr", "mathfrak"):
    OperatorParser.commands["\\" + _name] = OperatorParser.name_atom

__all__ = ["OperatorParser", "ParseError", "parse_latex", "read_latex"]

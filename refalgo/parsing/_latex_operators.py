r"""The operators of the notation model: gradients, integrals, limits, evaluation bars,
inner products, determinants and traces, matrices written out (those over finite sets are
in ``_latex_sets``); and the table of every command the LaTeX reader knows.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from sympy.core.function import AppliedUndef

from ._common import AmbiguousNotation, ParseError, integer_bounds, is_matrix, symbol
from ._latex import DOTS, FRACS, FUNCTIONS
from ._latex_lexer import Token, tokenize
from ._latex_names import NameRef
from ._latex_sets import SetParser
from ._notation import Notation

_ARROWS = {r"\to", r"\rightarrow", r"\longrightarrow"}


# Upright names with a fixed meaning when applied (unless declared as functions of one's own).
_NAMED = {
    "ReLU": ("the rectifier ReLU(x) = max(0, x)", lambda x: sp.Max(0, x)),
    "relu": ("the rectifier ReLU(x) = max(0, x)", lambda x: sp.Max(0, x)),
    "sgn": ("the sign function", sp.sign),
    "sign": ("the sign function", sp.sign),
    "softplus": ("softplus(x) = log(1 + e^x)", lambda x: sp.log(1 + sp.exp(x))),
    "sigmoid": ("the logistic sigmoid 1 / (1 + e^{-x})", lambda x: 1 / (1 + sp.exp(-x))),
}


def _size(expr: Any) -> int:
    return sum(1 for _ in sp.preorder_traversal(expr))


def series(terms: list[Any], last: Any) -> Any:
    """The sum that ``terms + ... + last`` (``last`` None: endless) spells, or None.

    Two patterns are read: consecutive terms of one sequence, ``x(c), x(c + 1), ...`` (at least
    two), ending at ``x(e)``; and powers ``1, b, b^2, ...`` of one symbol (at least three),
    ending at ``b^e``. Anything else is refused by the caller.
    """
    k = sp.Symbol("k", integer=True)
    if len(terms) >= 2 and all(isinstance(t, AppliedUndef) and len(t.args) == 1 for t in terms):
        f, start = terms[0].func, terms[0].args[0]
        if start.is_Integer and all(t.func == f and t.args[0] == start + j for j, t in enumerate(terms)):
            if last is None:
                return sp.Sum(f(k), (k, start, sp.oo))
            if isinstance(last, AppliedUndef) and last.func == f and len(last.args) == 1:
                end = last.args[0]
                if not (end.is_Integer and end < start + len(terms)):
                    return sp.Sum(f(k), (k, start, integer_bounds(end)))
        return None
    if len(terms) >= 3 and terms[0] == 1 and isinstance(terms[1], sp.Symbol):
        b = terms[1]
        if all(t == b**j for j, t in enumerate(terms)):
            if last is None:
                return sp.Sum(b**k, (k, 0, sp.oo))
            if isinstance(last, sp.Pow) and last.base == b and not (last.exp.is_Integer and last.exp < len(terms)):
                return sp.Sum(b**k, (k, 0, integer_bounds(last.exp)))
    return None


def read_latex(text: str, *, relation: bool = False, notation: Notation | None = None, usage: Any = None,
               survey: bool = False) -> tuple[Any, list[tuple[str, str]]]:
    """The SymPy object for a LaTeX expression (or relations) and the notes on how it was read."""
    parser = OperatorParser(text, tokenize(text), notation, usage, survey)
    try:
        return parser.parse(relation), parser.notes
    except ParseError:
        raise
    except (TypeError, ValueError, NotImplementedError) as exc:  # SymPy refusing to combine two objects
        why = str(exc)[:80] or "a matrix where a number is expected?"
        raise parser.fail(f"these parts cannot be combined ({type(exc).__name__}: {why})") from None


class OperatorParser(SetParser):
    """The complete LaTeX reader; see the module docstring."""

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
        for r in (ref, *more):
            self.differentiates_by(r.name)
        if more:
            return self.partials([ref, *more], t)
        shape = self.notation.shape(ref.name)
        variable = sp.MatrixSymbol(ref.name, *shape) if shape is not None and not self.survey else symbol(ref.name)
        body = self.term()
        self.refuse_hidden_dependence(body, variable, ref, t)
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

    def refuse_hidden_dependence(self, body: Any, variable: Any, ref: NameRef, t: Token) -> None:
        r"""``\nabla_\theta \log \pi(a|s)``: π(a|s) as written does not depend on θ, so its gradient
        would be 0 — almost surely not what is meant; ask instead."""
        if self.survey:
            return
        for f in sorted(body.atoms(AppliedUndef), key=str):
            name = str(f.func)
            if not f.has(variable) and "_" not in name and name not in self.usage.declared:
                name = sp.latex(sp.Symbol(str(f.func)))
                written = f"{name}({', '.join(sp.latex(a) for a in f.args)})"
                with_parameter = f"{name}({', '.join(sp.latex(a) for a in (*f.args, variable))})"
                raise AmbiguousNotation(
                    f"{written} does not depend on {ref.latex()} as written, so its gradient would be 0; if it "
                    f"depends on {ref.latex()}, write it as {with_parameter} (or with the subscript, as "
                    f"\\pi_\\theta(a|s))", self.text, t.pos, (f"{written} (constant in {ref.latex()})", with_parameter))

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
        known = _NAMED.get(name)
        if known is None or self.tok.text != "(" or name in self.usage.declared:
            return None
        meaning, fn = known
        args = self.arguments()
        if len(args) != 1:
            raise self.b.fail(f"{t.text}(x) takes one argument", t.pos)
        self.note(t.pos, meaning)
        return fn(self.b.scalar(args[0], f"the argument of {t.text}", t.pos))

    def floor(self) -> Any:
        r"""``\lfloor x \rfloor`` and ``\lceil x \rceil``."""
        t = self.next()
        close, fn = (r"\rfloor", sp.floor) if t.text == r"\lfloor" else (r"\rceil", sp.ceiling)
        value = self.b.scalar(self.expr(), f"inside {t.text}", t.pos)
        self.expect(close, f" (to close the {t.text} at column {t.pos + 1})")
        return fn(value)

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

    def elided(self, terms: list[Any]) -> list[Any]:
        r"""``x_1 + x_2 + \cdots + x_n`` or ``1 + \gamma + \gamma^2 + \cdots``: the run before the dots
        read as a sum, where the pattern is one of two unambiguous ones (see `series`)."""
        dots = self.next()
        last = None
        if self.tok.kind == "punct" and self.tok.text == "+":
            self.next()
            last = self.term()
        if self.survey:
            self.survey_sequence([*terms, last])
            return [*terms, *([last] if last is not None else [])]
        for first in range(len(terms) - 1):
            value = series(terms[first:], last)
            if value is not None:
                self.note(dots.pos, f"the elided terms read as {sp.latex(value)}")
                self.b.count(dots.pos, _size(value))
                return [*terms[:first], value]
        raise self.b.fail(rf"{dots.text} (a pattern left to the reader) is read only after terms of a sequence "
                          r"(x_1 + x_2 + \cdots + x_n) or after 1 + \gamma + \gamma^2 + \cdots; otherwise write the sum "
                          r"with its limits, such as \sum_{k=0}^{n} \gamma^k", dots.pos)

    def survey_sequence(self, terms: list[Any]) -> None:
        """In the first reading, ``x_1 + x_2 + \\cdots + x_n`` makes x a sequence (x_1 is then x(1))."""
        for term in terms:
            if isinstance(term, sp.Symbol) and "_" in term.name:
                base, _, sub = term.name.partition("_")
                if sub.isdigit() or (len(sub) == 1 and sub.isalpha()):
                    self.usage.sequences.add(base)

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
    r"\lfloor": OperatorParser.floor,
    r"\lceil": OperatorParser.floor,
    **{rf"\begin{{{env}}}": OperatorParser.matrix_literal for env in ("pmatrix", "bmatrix", "matrix", "Bmatrix", "vmatrix")},
    **{name: OperatorParser.dots for name in DOTS},
}
for _name in ("hat", "widehat", "bar", "overline", "tilde", "widetilde", "check", "dot", "ddot", "breve",
              "mathbf", "boldsymbol", "bm", "vec", "mathbfit", "mathcal", "mathscr", "mathfrak"):
    OperatorParser.commands["\\" + _name] = OperatorParser.name_atom

__all__ = ["OperatorParser", "ParseError", "read_latex"]

r"""Names in LaTeX input: decorations, scripts, primes, and what a name followed by ``(`` means.

A name is a letter or a Greek letter, possibly decorated (``\hat{v}``, ``\bar{x}``,
``\tilde{\pi}``, ``\mathcal{L}``; bold ``\mathbf{x}`` marks a vector or matrix), with a
subscript (``v_\pi``, ``v_*``, ``\pi_{\text{ref}}``), a name-like superscript (``\pi^*``,
``x^{(i)}``, and ``V^{\pi}`` on a function name) and primes (``s'``). Each spelling is its
own symbol: ``\hat{v}``, ``v_*``, ``v'`` and ``v`` are four names.

Followed by ``(``, a name is applied as a function or multiplies the parenthesis; the rule
(documented in `refalgo.parsing`) is decided from the `Notation` and from how the whole
derivation uses the name, and a reading that stays open raises `AmbiguousNotation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..functions import sigmoid
from ._common import AmbiguousNotation, function, is_matrix, symbol
from ._latex import GREEK_NAMES, Parser
from ._notation import DIMENSION

DECORATIONS = {r"\hat": "hat", r"\widehat": "hat", r"\bar": "bar", r"\overline": "bar", r"\tilde": "tilde",
               r"\widetilde": "tilde", r"\check": "check", r"\dot": "dot", r"\ddot": "ddot", r"\breve": "breve"}
BOLD = {r"\mathbf", r"\boldsymbol", r"\bm", r"\vec", r"\mathbfit"}
LETTERFORMS = {r"\mathcal": "cal", r"\mathscr": "scr", r"\mathfrak": "frak"}
NAME_GROUPS = {r"\text", r"\mathrm", r"\textrm", r"\mathit", r"\mathsf", r"\textit", r"\operatorname"}
STARS = {"*", r"\star", r"\ast"}
# f'(x) is the derivative of f; other primed names (s', \pi') are names of their own.
DERIVATIVE_PRIMES = {"f", "g", "h", "F", "G", "H", "sigma"}
_TOPS = ([r"\top"], [r"\intercal"], ["{", r"\top", "}"], ["{", r"\intercal", "}"], [r"\mathsf", "T"],
         [r"\mathsf", "{", "T", "}"], ["{", r"\mathsf", "T", "}"], ["{", r"\mathsf", "{", "T", "}", "}"],
         ["{", r"\rm", "T", "}"], ["{", r"\mathrm", "{", "T", "}", "}"])


@dataclass
class NameRef:
    """A name as written: its letter, decorations, scripts and primes."""

    base: str
    pos: int
    mods: str = ""  # "hat", "bar", "cal": SymPy prints vhat as \hat{v}
    sub: str = ""
    sup: str = ""
    primes: int = 0
    bold: bool = False
    index: Any = None  # a script holding a summation index: x_i in \sum_i is term i of x
    sub_value: Any = None  # the subscript read as an expression (t + 1 for R_{t+1}), when it is one
    index_kind: str = ""

    @property
    def name(self) -> str:
        out = self.base + self.mods + (f"_{self.sub}" if self.sub else "") + (f"^{self.sup}" if self.sup else "")
        return out + "'" * self.primes

    @property
    def sequence(self) -> str:
        return self.base + self.mods + ("^()" if self.index_kind == "^" else "")

    def latex(self) -> str:
        return sp.latex(sp.Symbol(self.name))


def _counts(value: Any) -> bool:
    """Whether a subscript counts terms: a whole number, or a sum of one-letter names and whole numbers (t + 1)."""
    if value is None or not isinstance(value, sp.Expr) or isinstance(value, sp.MatrixExpr):
        return False
    if value.is_Integer:
        return True
    names = value.free_symbols
    return bool(names) and all(len(str(n)) == 1 and str(n).isalpha() for n in names) and value.is_polynomial() and all(
        c.is_Integer for c in sp.Poly(value, *sorted(names, key=str)).coeffs())


class NameParser(Parser):
    """The LaTeX reader's names; see the module docstring."""

    in_script = 0  # > 0 while reading a name's own subscript: those letters are not uses of a value

    def name_atom(self) -> Any:
        start = self.tok.pos
        ref = self.read_name()
        return self.named(ref, start)

    def named(self, ref: NameRef, start: int) -> Any:
        """The value of ``ref``, applied to a parenthesis that follows when it is a function."""
        if self.tok.text == "{" and self.peek().text == "(" and self.peek().side == "open":
            close = self.matching(self.i)
            if self.tokens[close - 1].text == ")" and self.matching(self.i + 1) == close - 1:
                del self.tokens[close]  # v{\left(s \right)}, as SymPy prints an application
                del self.tokens[self.i]
        if self.tok.text == "(":
            value = self.applied(ref, start)
            if value is not None:
                return value
        return self.value_of(ref, start)

    def read_name(self) -> NameRef:
        self.enter()
        ref = self.decorated_name()
        self.depth -= 1
        return ref

    def decorated_name(self) -> NameRef:
        t = self.tok
        if t.text in DECORATIONS or t.text in BOLD or t.text in LETTERFORMS:
            self.next()
            ref = self.name_argument(t.text)
            if t.text in BOLD:
                ref.bold = True
            else:
                ref.mods += DECORATIONS.get(t.text) or LETTERFORMS[t.text]
        elif t.kind == "letter":
            self.next()
            ref = NameRef(t.text, t.pos)
        elif t.text in GREEK_NAMES:
            self.next()
            ref = NameRef(GREEK_NAMES[t.text], t.pos)
        else:
            raise self.fail(f"expected a letter or a Greek letter; found {t.text or 'the end of the input'}")
        self.name_scripts(ref)
        return ref

    def name_argument(self, command: str) -> NameRef:
        if self.tok.text != "{":
            return self.read_name()
        self.next()
        ref = self.read_name()
        self.expect("}", f" ({command}{{...}} holds one name, such as {command}{{v}})")
        return ref

    def name_scripts(self, ref: NameRef) -> None:
        while True:
            t = self.tok
            if t.text == "'":
                self.next()
                ref.primes += 1
            elif t.text == "_" and not ref.sub and ref.index is None:
                self.next()
                self.name_subscript(ref)
            elif not (t.text == "^" and not ref.sup and ref.index is None and self.name_superscript(ref)):
                return

    def span_text(self, a: int, b: int) -> str:
        """The name spelled by tokens ``a .. b-1``: ``\\text{ref}`` → ``ref``, ``\\theta`` → ``theta``."""
        parts = []
        for t in self.tokens[a:b]:
            if t.text in ("{", "}") or t.text in NAME_GROUPS:
                continue
            parts.append("*" if t.text in STARS else GREEK_NAMES.get(t.text, t.text))
        return "".join(parts)

    def name_subscript(self, ref: NameRef) -> None:
        t = self.tok
        if t.text in STARS:
            self.next()
            ref.sub = "*"
            return
        first = self.i
        if t.text == "{":
            close = self.matching(self.i)
            inner = self.tokens[self.i + 1 : close]
            if any(u.text in NAME_GROUPS or u.text in STARS or u.text in ("'", ":") for u in inner):
                ref.sub = self.span_text(self.i + 1, close)
                self.i = close + 1
                return
        if t.text == "{":
            self.in_script += 1
            sub = self.script()
            self.in_script -= 1
        else:
            sub = self.single_script()
        if {str(k) for k in self.bound} & {str(s) for s in getattr(sub, "free_symbols", ())}:
            ref.index, ref.index_kind = sub, "_"
        elif t.text == "{":
            ref.sub, ref.sub_value = self.span_text(first, self.i), sub
        else:
            ref.sub, ref.sub_value = (sub.name if isinstance(sub, sp.Symbol) else str(sub)), sub

    def single_script(self) -> Any:
        r"""One digit, letter or Greek letter after ``_``: only that token (``q_\pi(s, a)`` is q_π applied)."""
        t = self.tok
        if t.kind == "num":
            if len(t.text) > 1:  # TeX reads x_12 as x_1 followed by 2
                self.tokens[self.i] = type(t)("num", t.text[1:], t.pos + 1)
                return self.b.number(t.text[0], t.pos)
            self.next()
            return self.b.number(t.text, t.pos)
        if t.kind == "letter" or t.text in GREEK_NAMES:
            self.next()
            return symbol(GREEK_NAMES.get(t.text, t.text))
        raise self.fail("expected a group {...}, a digit or a letter after _")

    def name_superscript(self, ref: NameRef) -> bool:
        """Read ``^*``, ``^{(i)}`` or (on a function name) ``^{\\pi}`` as part of the name."""
        after = self.peek()
        if after.text in STARS:
            self.i += 2
            ref.sup = "*"
            return True
        if after.text == "{":
            close = self.matching(self.i + 1)
            inner = self.tokens[self.i + 2 : close]
            if len(inner) == 1 and inner[0].text in STARS:
                self.i = close + 1
                ref.sup = "*"
                return True
            if inner and inner[0].text == "(" and self.matching(self.i + 2) == close - 1:
                return self.index_superscript(ref, close)
        if not self.is_function_name(ref):
            return False
        end = None
        if after.kind == "letter" and after.text != "T" or after.text in GREEK_NAMES:
            end = self.i + 2
        elif after.text == "{":
            close = self.matching(self.i + 1)
            inner = self.tokens[self.i + 2 : close]
            texts = [u.text for u in inner]
            namelike = all(u.kind == "letter" or u.text in GREEK_NAMES or u.text in STARS or u.text in "_'{}" for u in inner)
            if inner and namelike and texts != ["T"] and (inner[0].kind == "letter" or inner[0].text in GREEK_NAMES):
                end = close + 1
        if end is None or not self.variant_superscript(ref, end):
            return False
        ref.sup = self.span_text(self.i + 1, end)
        self.i = end
        return True

    def variant_superscript(self, ref: NameRef, end: int) -> bool:
        r"""Whether ``V^{\pi}`` names a variant of the function V (not a power of the value V).

        It does, unless the derivation also uses V as a plain value: then ``V^{\pi}`` (or
        ``p^x`` in ``p^x (1 - p)^{1 - x}``) may be a power as well, and the reader asks."""
        if self.survey or self.usage.values[ref.name] == 0 or ref.name in self.usage.declared:
            return True
        if ref.name in self.notation.scalars or ref.base in self.notation.scalars:
            return False
        written = self.text[ref.pos : self.tokens[end - 1].end]
        sup = self.text[self.tokens[self.i].end : self.tokens[end - 1].end]
        readings = (f"{ref.latex()}^{{{sup.strip('{}')}}} (a power)", f"{written} (a name of its own)")
        raise AmbiguousNotation(
            f"{written} is ambiguous: {ref.latex()} is a function name but is also used as a value in this "
            f"derivation, so {written} may be a power of that value or a function of its own; declare "
            f"{ref.latex()} a function (functions=..., or --function) for the name, or a scalar (scalars=..., or --scalar) for the power",
            self.text, ref.pos, readings)

    def index_superscript(self, ref: NameRef, close: int) -> bool:
        r"""``x^{(i)}``: the i-th example, a name (or a term of a sequence inside \sum_i)."""
        self.i += 2
        first = self.i
        self.next()
        self.in_script += 1
        index = self.expr()
        self.in_script -= 1
        self.expect(")")
        text = "(" + self.span_text(first + 1, self.i - 1) + ")"
        self.expect("}")
        if {str(k) for k in self.bound} & {str(s) for s in getattr(index, "free_symbols", ())}:
            ref.index, ref.index_kind = index, "^"
        else:
            ref.sup = text
        return True

    def is_function_name(self, ref: NameRef) -> bool:
        n = self.notation
        return n.is_declared_function(ref.name) or n.is_default_function(ref.name, ref.base) or ref.name in self.usage.separated

    # ---------------------------------------------------------------- values
    def value_of(self, ref: NameRef, start: int) -> Any:
        name = ref.name
        if ref.index is not None:
            if self.survey:
                self.usage.sequences.add(ref.sequence)
            self.note(start, f"the term of the sequence {ref.base} at index {sp.latex(ref.index)}")
            return function(ref.sequence)(ref.index)
        term = self.sequence_term(ref, start)
        if term is not None:
            return term
        if self.survey:
            if not self.in_script:
                self.usage.values[name] += 1
            if ref.bold:
                self.usage.bold.add(name)
        shape = self.notation.shape(name)
        identity = ref.bold or (bool(self.notation.matrices) and "I" not in self.notation.scalars)
        if name == "I" and shape is None and identity and not self.survey:
            self.note(start, "the identity matrix I (the derivation has matrices)")
            self.last_name = (ref, self.i)
            return sp.Identity(DIMENSION)
        if shape is not None and not self.survey:
            kind = "vector" if shape[1] == 1 else "matrix"
            self.note(start, f"the {kind} {ref.latex()} of shape {sp.latex(shape[0])} \\times {sp.latex(shape[1])}")
            value: Any = sp.MatrixSymbol(name, *shape)
        elif name in ("pi", "e"):
            value = sp.pi if name == "pi" else sp.E
        else:
            value = symbol(name)
            self.note_name(ref, start)
        self.last_name = (ref, self.i)
        return value

    def sequence_term(self, ref: NameRef, start: int) -> Any:
        """``x_1`` is term 1 of the sequence x when ``x_i`` is summed over elsewhere in the derivation."""
        if self.survey:
            return None
        plain = ref.base + ref.mods
        if _counts(ref.sub_value) and not ref.sup and not ref.primes and plain in self.usage.sequences:
            index = ref.sub_value
        elif ref.sup[1:-1].isdigit() and ref.sup.startswith("(") and not ref.sub and plain + "^()" in self.usage.sequences:
            index, plain = sp.Integer(int(ref.sup[1:-1])), plain + "^()"
        else:
            return None
        self.note(start, f"term {sp.latex(index)} of the sequence {ref.base}, which is summed over elsewhere")
        return function(plain)(index)

    def note_name(self, ref: NameRef, start: int) -> None:
        if ref.sup.startswith("("):
            self.note(start, f"the symbol {ref.latex()}, an index, not a power")
        elif ref.primes:
            self.note(start, f"the symbol {ref.latex()}, distinct from {sp.latex(sp.Symbol(ref.name.rstrip(chr(39))))}")
        elif ref.mods or ref.sup:
            self.note(start, f"the symbol {ref.latex()}, distinct from {sp.latex(sp.Symbol(ref.base))}")

    # ---------------------------------------------------------------- name followed by "("
    def applied(self, ref: NameRef, start: int) -> Any:
        """The application of ``ref`` to the parenthesis ahead, or None when it multiplies it."""
        name = ref.name
        if name == "sigma":
            return self.sigmoid(start)
        if ref.primes and ref.base in DERIVATIVE_PRIMES and not (ref.mods or ref.sub or ref.sup or ref.bold):
            return self.prime_derivative(ref, start)
        special = self.special_application(ref, start)
        if special is not None:
            return special
        if name == "e":
            return None
        separated = self.has_separator()
        if self.survey:
            if separated:
                self.usage.separated.add(name)
            return self.application(ref, start)
        n = self.notation
        if n.shape(name) is not None:
            return None
        if name in n.scalars or ref.base in n.scalars:
            self.note(start, f"{ref.latex()} times the parenthesis: {sp.latex(sp.Symbol(ref.base))} is declared a scalar")
            return None
        if n.is_declared_function(name) or separated:
            return self.application(ref, start)
        if n.is_default_function(name, ref.base):
            if self.usage.values[name] == 0:
                return self.application(ref, start)
            raise self.ambiguous(ref, start, default=True)
        if self.usage.values[name] > 0:
            self.note(start, f"{ref.latex()} times the parenthesis: {ref.latex()} is used as a value in the "
                      "derivation and is not a declared function")
            return None
        raise self.ambiguous(ref, start, default=False)

    def special_application(self, ref: NameRef, start: int) -> Any:
        """Names with a meaning of their own before ``(`` (the KL divergence); see ``_latex_operators``."""
        return None

    def application(self, ref: NameRef, start: int) -> Any:
        args = self.arguments()
        parameter = self.parameter_of(ref)
        if parameter is not None and parameter not in args:
            args.append(parameter)
            self.note(start, f"{ref.latex()} depends on its subscript {sp.latex(parameter)}, which the derivation "
                      "differentiates by: an argument of its own")
        value = function(ref.name)(*args)
        self.note(start, f"the function {ref.latex()} applied to {', '.join(sp.latex(a) for a in args)}")
        return value

    def parameter_of(self, ref: NameRef) -> Any:
        r"""θ for ``\pi_\theta`` when the derivation differentiates by θ: then π_θ(a|s) is π_θ(a, s, θ)."""
        sub = ref.sub
        if self.survey or not sub.isalpha() or sub == "pi" or sub not in self.usage.differentiated:
            return None
        if not (len(sub) == 1 or "\\" + sub in GREEK_NAMES):
            return None
        return symbol(sub)

    def differentiates_by(self, name: str) -> None:
        """Record that the derivation differentiates by ``name`` (see `parameter_of`)."""
        if self.survey:
            self.usage.differentiated.add(name)

    def sigmoid(self, start: int) -> Any:
        args = self.arguments()
        if len(args) != 1:
            raise self.b.fail(r"\sigma(z), the logistic sigmoid, takes one argument", start)
        self.note(start, r"the logistic sigmoid \sigma(z) = 1 / (1 + e^{-z})")
        return sigmoid(self.b.scalar(args[0], "the argument of \\sigma", start))

    def prime_derivative(self, ref: NameRef, start: int) -> Any:
        args = self.arguments()
        if len(args) != 1:
            raise self.b.fail(f"{ref.latex()}(x), a derivative, takes one argument", start)
        arg = args[0]
        t = arg if isinstance(arg, sp.Symbol) else sp.Dummy("t", real=True)
        inner = sigmoid(t) if ref.base == "sigma" else function(ref.base)(t)
        value = sp.Derivative(inner, (t, ref.primes))
        self.note(start, f"the derivative of order {ref.primes} of {sp.latex(sp.Symbol(ref.base))}")
        return value if t is arg else sp.Subs(value, t, arg)

    def ambiguous(self, ref: NameRef, start: int, default: bool) -> AmbiguousNotation:
        close = self.matching(self.i)
        group = self.text[self.tok.pos : self.tokens[close].end]
        written = self.text[start : self.tok.pos].strip()
        product, applied = f"{written} \\cdot {group}", f"{written}{group}"
        if default:
            why = (f"{written} is a function by default, but it is also used as a value in this derivation; "
                   f"declare it a function (functions=..., or --function) to read {applied}, or a scalar (scalars=..., or --scalar) to "
                   f"read the product {product}")
        else:
            why = (f"{written} is neither a declared function nor used as a value elsewhere in the derivation, "
                   f"so it may be the product {product} or the function {written} applied to {group}; declare "
                   f"it a function (functions=..., or --function) or write the product with \\cdot")
        return AmbiguousNotation(f"{applied} is ambiguous: {why}", self.text, start, (product, applied))

    def product(self, a: Any, b: Any, position: int) -> Any:
        """``a b``; a capital letter beside a matrix is refused unless declared a matrix or a scalar."""
        if not self.survey and is_matrix(a) != is_matrix(b):
            other = b if is_matrix(a) else a
            if isinstance(other, sp.Symbol) and other.name[:1].isupper() and other.name not in self.notation.scalars:
                name = other.name
                raise AmbiguousNotation(
                    f"{name} stands beside a matrix or vector, but {name} is not declared: as a number, {name} "
                    f"would commute with the matrices; declare it a matrix (matrices=..., or --matrix) or a scalar (scalars=..., or --scalar)",
                    self.text, position, (f"{name} (a number)", f"{name} (a matrix)"))
        return self.b.times(a, b, position)

    # ---------------------------------------------------------------- superscripts: transpose or power
    def superscript(self, base: Any, name: Any, start: Any) -> Any:
        kind, length = self.transpose_mark()
        if kind is None:
            self.refuse_function_power(name, start)
            return super().superscript(base, name, start)
        if kind == "top" or is_matrix(base):
            self.i += length
            return self.transpose(base, name, start.pos)
        n = self.notation
        latin = isinstance(name, NameRef) and len(name.base) == 1 and not name.bold and name.name != "e"
        if self.survey or not latin or "T" in n.scalars or self.usage.values["T"] > 0:
            self.i += length
            return self.b.power(base, symbol("T"), start.pos)
        written = self.text[start.pos : self.tok.pos].strip()
        readings = (f"{written}^{{T}}", f"{written}^{{\\top}}")
        raise AmbiguousNotation(
            f"{written}^T is ambiguous: the power {readings[0]} (T a number) or the transpose {readings[1]}; "
            f"write ^{{\\top}} or declare {written} a matrix (matrices=..., or --matrix) for the transpose, or declare T a "
            "scalar (scalars=..., or --scalar) for the power",
            self.text, start.pos, readings)

    def refuse_function_power(self, name: Any, start: Any) -> None:
        """``f^{-1}(x)``, ``f^2(x)``: an inverse or an iterate, not a power of a number; refused."""
        if self.survey or not isinstance(name, NameRef) or not self.is_function_name(name) or self.usage.values[name.name] > 1:
            return  # p^2(1 - p): p is a value (the one before the parenthesis counts once)
        after = self.matching(self.i + 1) + 1 if self.peek().text == "{" else self.i + 2
        if self.tokens[min(after, len(self.tokens) - 1)].text != "(":
            return
        written = self.text[start.pos : self.tokens[after - 1].end]
        raise self.b.fail(f"{written}(...) is not read: {name.latex()} is a function, and a superscript before its "
                          f"argument means an inverse or an iterate; write {name.latex()}(x)^{{2}} for a power of "
                          "its value", start.pos)

    def transpose_mark(self) -> tuple[str | None, int]:
        """``("top", k)`` for ``^\\top`` and its spellings, ``("T", k)`` for ``^T``; k tokens with the ^."""
        texts = [t.text for t in self.tokens[self.i + 1 : self.i + 8]]
        for pattern in _TOPS:
            if texts[: len(pattern)] == pattern:
                return "top", len(pattern) + 1
        if texts[:1] == ["T"] and self.peek().kind == "letter":
            return "T", 2
        if texts[:3] == ["{", "T", "}"]:
            return "T", 4
        return None, 0

    def transpose(self, base: Any, name: Any, start: int) -> Any:
        if self.survey:
            if isinstance(name, NameRef):
                self.usage.transposed.add(name.name)
            return base
        if not is_matrix(base):
            self.note(start, "the transpose of a number, which is the number itself")
            return base
        value = base.T
        self.note(start, f"the transpose of {sp.latex(base)}, of shape {sp.latex(base.shape[1])} \\times {sp.latex(base.shape[0])}")
        return sp.ImmutableMatrix(value) if isinstance(base, sp.MatrixBase) else value

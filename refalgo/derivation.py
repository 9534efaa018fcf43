r"""Machine-checked derivations: a titled chain of steps, each proven or checked.

A :class:`Derivation` is a list of :class:`Step`\ s. Two shapes of chain are supported:

**Expression chain** — the familiar :math:`e_0 = e_1 = \dots = e_n`. Each step is a
SymPy expression (or matrix) and must equal the one before it. The first step may be
an equation ``Eq(lhs, e0)``; it is the starting point (a definition, not checked) and
the chain continues from its right-hand side, rendered as ``lhs = e0 = e1 = …``.

**Equation chain** — every step is an ``Eq``. The first is the premise; each later one
must be *equivalent* to the one before: ``(lhs_i - rhs_i) == factor_i * (lhs_{i-1} -
rhs_{i-1})`` identically, with the step's ``factor`` (default 1, for rearranging
terms) nonzero under the assumptions. "Multiply both sides by 2" is ``factor=2``.

``where`` holds definitions (symbol → expression) that are substituted before each
comparison and rendered beneath the chain, so a step can name ``x_star`` while the
check knows what it is.

:meth:`Derivation.verify` runs :func:`refalgo.equality.compare` on every link; a step
is *proven* when a SymPy rewrite reduces the difference to 0, *checked* when the
sides agree at random exact points (not a proof), and *failed* with a counterexample
otherwise. :meth:`Derivation.to_latex` and :meth:`Derivation.to_markdown` render only
a derivation that passed, so a page can never show an unverified chain.

Rendering in the author's notation
----------------------------------
The verified SymPy object stays the source of truth; what the page prints is produced
from it or checked against it.

* ``Step(expr, why, display=r"\theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}")``
  prints the step as the author writes it. While the derivation is verified, the display
  form is read back by refalgo's own safe parser (:func:`refalgo.parsing.read_chain`,
  every display of the derivation in one reading, with the derivation's ``notation``) and
  compared with the step's expression by :func:`refalgo.equality.compare` under the
  derivation's assumptions; a display form that differs fails the verification with the
  point where it differs. An equation step's display is ``lhs = rhs`` (each side compared);
  an expression step's display is one expression.
* Names the parser reads differently from the step's symbols are matched in three ways:
  a symbol or an undefined function of the same name (the parser's ``\hat m_t`` is
  ``mhat_t``, ``\theta_{t-1}`` is ``theta_t-1``, ``v(s)`` is the function ``v``); or a
  declared ``names={symbol: r"latex"}`` mapping, which also tells the LaTeX printer how to
  write the symbol when a step has no display form (``names={x: r"v_*(s_1)"}`` for a
  symbol ``x`` that stands for a value); a display name that matches nothing is refused
  with a message naming it. A key of ``names`` may also be an explicit matrix of the
  step's symbols (``names={A: "A", X: r"\mathbf{x}"}``, with ``notation`` declaring the
  shapes): a display in matrix notation, ``\mathbf{x}^\top A \mathbf{x}``, is then
  carried out on those matrices and compared with the component form the step holds.
* Without a display form a step is printed by SymPy's LaTeX printer with a textbook term
  order: in a sum, positive terms before negative ones (``\theta_{t-1} - \alpha \dots``,
  ``t - i``, ``1 - \gamma``); in a product, numbers, then Greek letters, then the rest
  (``\gamma G``, ``\beta_1^{t-i} g_i``).
* ``why`` is text with math: ``"divide by $1 - \gamma$"``; the text is set in ``\text{}``
  and the ``$…$`` parts as math. Titles follow the same rule: their text reaches the page
  literally (``*``, ``_`` and ``\`` escaped for Markdown) and ``$…$`` is math.
* ``symbols={r"\hat m_t": "bias-corrected first moment"}`` is the reader's "where" line,
  printed under the chain.
* ``argument=`` (on a :class:`Step` or on the whole :class:`Derivation`) is a short written
  proof in Markdown with ``$…$`` math, shown under the chain. A step that is only
  *checked* by sampling should carry one; :meth:`Derivation.marks` says, link by link,
  ``"proven"``, ``"checked"`` or ``"argued"`` (checked, with a written argument).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from .assumptions import Assumptions
from .equality import Comparison, compare, show
from .parsing import Notation, ParseError, parse, read_chain

__all__ = ["Derivation", "DerivationError", "DisplayResult", "Step", "StepResult", "Tally", "Verification", "Wording", "ENGLISH",
           "latex", "markdown_text", "text_latex"]


class DerivationError(AssertionError):
    """A derivation has a step that failed or could not be decided."""


@dataclass(frozen=True)
class Step:
    """One step of a :class:`Derivation`.

    Parameters
    ----------
    expr
        A SymPy expression, matrix or ``Eq``.
    why
        One-line justification shown beside the step ("chain rule").
    factor
        For an equation step: the nonzero factor relating it to the previous equation.
    display
        LaTeX of the step in the author's notation (``lhs = rhs`` for an equation step);
        read back and compared with ``expr`` when the derivation is verified.
    argument
        A short written proof of this step (Markdown, ``$…$`` math), shown under the chain;
        expected when the step is only checked by sampling.
    """

    expr: Any
    why: str = ""
    factor: Any = None
    display: str | None = None
    argument: str | None = None

    @property
    def is_equation(self) -> bool:
        return isinstance(self.expr, sp.Equality)


@dataclass(frozen=True)
class StepResult:
    """The verdict on one link of the chain (step ``index`` against the one before)."""

    index: int
    comparison: Comparison
    factor_check: Comparison | None = None

    @property
    def ok(self) -> bool:
        return bool(self.comparison) and (self.factor_check is None or bool(self.factor_check))

    @property
    def status(self) -> str:
        if not self.ok:
            return "failed"
        statuses = {self.comparison.status} | ({self.factor_check.status} if self.factor_check else set())
        return "checked" if "checked" in statuses else "proven"


@dataclass(frozen=True)
class DisplayResult:
    """The verdict on a step's display form: is what the page prints the verified step?"""

    index: int
    comparison: Comparison
    display: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.comparison)


@dataclass(frozen=True)
class Tally:
    """How a passed derivation was verified: the proven and the checked links, and the sample points."""

    proven: tuple[int, ...]
    checked: tuple[int, ...]
    points: int


def _steps(idx: Sequence[int]) -> str:
    return ("step " if len(idx) == 1 else "steps ") + ", ".join(str(i) for i in idx)


def _summary_en(t: Tally, argued: bool) -> str:
    parts = []
    if t.proven:
        parts.append(f"{_steps(t.proven)} proven symbolically")
    if t.checked:
        parts.append(f"{_steps(t.checked)} checked at {t.points}+ random exact points (evidence, not proof)")
    text = "; ".join(parts) + "." if parts else "Nothing to verify."
    return text + (" The sampled steps carry the written argument above." if argued else "")


def _where_en(defs: Sequence[tuple[str, str]]) -> str:
    said = [f"${tex}$ {'are' if ',' in tex else 'is'} {what}" for tex, what in defs]
    return "where " + (said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]) + "."


@dataclass(frozen=True)
class Wording:
    """The fixed words around a rendered derivation, in one language.

    :meth:`Derivation.to_markdown` takes one, with a ``text`` function that turns the
    derivation's own words (title, justifications, symbol descriptions, arguments) into
    the same language; :data:`ENGLISH` is the default, and the site defines the others.
    """

    proven: str
    checked: str
    where: Callable[[Sequence[tuple[str, str]]], str]
    argument: str  # "{text}" is the argument
    step_argument: str  # "{index}" is the step, "{text}" the argument
    summary: Callable[[Tally, bool], str]


ENGLISH = Wording(
    proven="✓ proven",
    checked="✓ checked",
    where=_where_en,
    argument="*Argument.* {text}",
    step_argument="*Why step {index} holds.* {text}",
    summary=_summary_en,
)


@dataclass(frozen=True)
class Verification:
    """The verdicts on every link of a derivation, and on every display form."""

    title: str
    results: tuple[StepResult, ...]
    displays: tuple[DisplayResult, ...] = ()

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results) and all(d.ok for d in self.displays)

    @property
    def status(self) -> str:
        """``"proven"`` if every link is proven, ``"checked"`` if some were only sampled, else ``"failed"``."""
        if not self.ok:
            return "failed"
        return "checked" if "checked" in self.link_statuses() else "proven"

    def link_statuses(self) -> list[str]:
        """Each link's status; a link is only *checked* when a display form at either end was sampled."""
        sampled = {d.index for d in self.displays if d.comparison.status == "checked"}
        return [
            "checked" if r.status == "proven" and ({r.index - 1, r.index} & sampled) else r.status
            for r in self.results
        ]

    def first_failure(self) -> StepResult | None:
        return next((r for r in self.results if not r.ok), None)

    def tally(self) -> Tally:
        """Which links were proven, which only checked, and the fewest sample points behind a checked one."""
        statuses = self.link_statuses()
        checked = [r for r, s in zip(self.results, statuses) if s == "checked"]
        return Tally(
            proven=tuple(r.index for r, s in zip(self.results, statuses) if s == "proven"),
            checked=tuple(r.index for r in checked),
            points=min((_points(r, self.displays) for r in checked), default=0),
        )

    def summary(self, wording: Wording | None = None) -> str:
        """A readable sentence on how each step was verified (in ``wording``'s language when it passed)."""
        failed = self.first_failure()
        if failed is not None:
            return f"Step {failed.index} of “{self.title}” does not follow from step {failed.index - 1}: {_failure(failed)}."
        shown = next((d for d in self.displays if not d.ok), None)
        if shown is not None:
            return (f"The display form of step {shown.index} of “{self.title}” is not the verified step: "
                    f"{_display_failure(shown)}.")
        return (wording or ENGLISH).summary(self.tally(), False)

    def raise_for_failure(self) -> None:
        if not self.ok:
            raise DerivationError(self.summary())


def _failure(r: StepResult) -> str:
    c = r.comparison
    if not c and c.counterexample is not None:
        ce = c.counterexample
        at = ", ".join(f"{k} = {v}" for k, v in ce.values.items()) or "every point"
        return f"at {at} this step gives {show(ce.lhs)} but the previous one gives {show(ce.rhs)}"
    if not c:
        return c.describe()
    return r.factor_check.describe() if r.factor_check is not None else "failed"


def _display_failure(d: DisplayResult) -> str:
    c = d.comparison
    if c.counterexample is not None:
        ce = c.counterexample
        at = ", ".join(f"{k} = {v}" for k, v in ce.values.items()) or "every point"
        return f"at {at} the display {d.display} gives {show(ce.lhs)} but the step gives {show(ce.rhs)}"
    return f"{d.display}: {c.describe()}"


def _points(r: StepResult, displays: tuple[DisplayResult, ...]) -> int:
    """The fewest sample points behind a checked link (its comparison, factor, or a display at either end)."""
    counts = [c.points for c in (r.comparison, r.factor_check) if c is not None and c.status == "checked"]
    counts += [d.comparison.points for d in displays if d.index in (r.index - 1, r.index) and d.comparison.status == "checked"]
    return min(counts) if counts else 0


class Derivation:
    """A titled, verifiable chain of steps; see the module docstring.

    Parameters
    ----------
    title
        What is derived.
    steps
        :class:`Step` objects or ``(expr, why)`` pairs.
    assumptions
        What the symbols range over.
    where
        Definitions substituted before every comparison and shown under the chain.
    lhs_latex
        Optional LaTeX for the left-hand side of an expression chain that does not
        start with an ``Eq`` (the first expression is then shown after it).
    symbols
        The reader's "where" line: LaTeX of a symbol → what it is (text, ``$…$`` math),
        printed under the chain.
    names
        SymPy symbol → its LaTeX on the page: used to print steps without a display form
        and to match the names of display forms to the step's symbols. A key may also be
        an explicit ``ImmutableMatrix`` of symbols, named as a matrix or vector of the
        ``notation`` (see the module docstring).
    notation
        The :class:`refalgo.parsing.Notation` the display forms are read with.
    argument
        A short written proof of the whole derivation (Markdown, ``$…$`` math), shown under
        the chain; it covers every step that is only checked by sampling.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> d = Derivation("square of a sum", [((x + 1)**2, ""), (x**2 + 2*x + 1, "expand")])
    >>> d.verify().status
    'proven'
    """

    def __init__(
        self,
        title: str,
        steps: Sequence[Step | tuple[Any, str]],
        *,
        assumptions: Assumptions | None = None,
        where: Mapping[sp.Symbol, Any] | None = None,
        lhs_latex: str | None = None,
        symbols: Mapping[str, str] | None = None,
        names: Mapping[Any, str] | None = None,
        notation: Notation | None = None,
        argument: str | None = None,
    ) -> None:
        self.title = title
        self.steps: tuple[Step, ...] = tuple(s if isinstance(s, Step) else Step(*s) for s in steps)
        self.assumptions = assumptions
        self.where: Mapping[sp.Symbol, Any] = dict(where or {})
        self.lhs_latex = lhs_latex
        self.symbols: Mapping[str, str] = dict(symbols or {})
        self.names: Mapping[Any, str] = dict(names or {})  # symbols, or explicit matrices of symbols
        self.notation = notation
        self.argument = argument
        self._verification: Verification | None = None
        self._validate()

    def __repr__(self) -> str:
        return f"Derivation({self.title!r}, {len(self.steps)} steps)"

    def _validate(self) -> None:
        if len(self.steps) < 2:
            raise ValueError(f"steps: a derivation needs at least 2 steps; got {len(self.steps)}")
        for i, s in enumerate(self.steps):
            if isinstance(s.expr, (bool, sp.logic.boolalg.BooleanAtom)):
                raise ValueError(
                    f"steps: step {i} is {s.expr}, an equation SymPy already decided; "
                    "build it with sp.Eq(lhs, rhs, evaluate=False)"
                )
        for i, s in enumerate(self.steps):
            for field_name, text in (("why", s.why), ("argument", s.argument)):
                if text and _unbalanced(text):
                    raise ValueError(f"steps: the {field_name} of step {i} has an unmatched $: {text!r}")
        for field_name, text in (("title", self.title), ("argument", self.argument), *self.symbols.items()):
            if text and _unbalanced(text):
                raise ValueError(f"{field_name}: unmatched $ in {text!r}")
        for sym in self.names:
            if not isinstance(sym, (sp.Symbol, sp.ImmutableMatrix)):
                raise TypeError(f"names: keys must be SymPy symbols or immutable matrices; got {sym!r}")
        kinds = [s.is_equation for s in self.steps]
        if any(kinds[1:]) and not all(kinds):
            bad = next(i for i in range(1, len(kinds)) if kinds[i] != kinds[0] or not kinds[0])
            raise ValueError(
                f"steps: step {bad} is an {'equation' if kinds[bad] else 'expression'} but the chain is "
                f"{'an equation chain' if kinds[0] else 'an expression chain'}; an equation may only start an "
                "expression chain, or every step must be an equation"
            )

    @property
    def is_equation_chain(self) -> bool:
        return all(s.is_equation for s in self.steps)

    def _sub(self, expr: Any) -> Any:
        return expr.subs(dict(self.where)) if self.where else expr

    def _link(self, i: int) -> StepResult:
        prev, cur = self.steps[i - 1], self.steps[i]
        if self.is_equation_chain:
            factor = _as_factor(cur.factor, i)
            lhs = self._sub(cur.expr.lhs - cur.expr.rhs)
            rhs = self._sub(factor * (prev.expr.lhs - prev.expr.rhs))
            fcheck = None
            if cur.factor is not None:
                fcheck = _nonzero(self._sub(factor), self.assumptions)
            return StepResult(i, compare(lhs, rhs, self.assumptions), fcheck)
        before = prev.expr.rhs if prev.is_equation else prev.expr
        return StepResult(i, compare(self._sub(cur.expr), self._sub(before), self.assumptions))

    def verify(self) -> Verification:
        """Check every link of the chain and every display form; cached after the first call."""
        if self._verification is None:
            results = tuple(self._link(i) for i in range(1, len(self.steps)))
            self._verification = Verification(self.title, results, self._displays())
        return self._verification

    def adopt_verification(self, verification: Verification) -> None:
        """Take the verification of a chain with the same content (steps, assumptions, display
        forms), checked before as another object, instead of checking again."""
        if not isinstance(verification, Verification) or verification.title != self.title:
            got = getattr(verification, "title", type(verification).__name__)
            raise ValueError(f"verification: expected the Verification of {self.title!r}; got one of {got!r}")
        if len(verification.results) != len(self.steps) - 1:
            raise ValueError(
                f"verification: expected {len(self.steps) - 1} checked links for {self.title!r}; "
                f"got {len(verification.results)}"
            )
        self._verification = verification

    def marks(self) -> list[str]:
        """Each link's mark: ``"proven"``, ``"checked"``, or ``"argued"`` (checked, with a written argument)."""
        v = self.verify()
        v.raise_for_failure()
        return [
            "argued" if status == "checked" and (self.argument or self.steps[r.index].argument) else status
            for r, status in zip(v.results, v.link_statuses())
        ]

    # --------------------------------------------------------------- display forms
    def _displays(self) -> tuple[DisplayResult, ...]:
        shown = [(i, s.display) for i, s in enumerate(self.steps) if s.display is not None]
        if not shown:
            return ()
        try:
            reading = read_chain([text for _, text in shown], syntax="latex", notation=self.notation)
            pieces: dict[int, list[Any]] = {}
            for (source, _), expr in zip(reading.locations, reading.exprs):
                pieces.setdefault(source, []).append(expr)
            read = [(i, text, pieces.get(k, []), reading.notation) for k, (i, text) in enumerate(shown)]
        except ParseError:
            read = [self._read_alone(i, text) for i, text in shown]
        return tuple(self._display(i, text, exprs, notation) for i, text, exprs, notation in read)

    def _read_alone(self, i: int, text: str) -> tuple[int, str, Any, Any]:
        try:
            reading = read_chain(text, syntax="latex", notation=self.notation)
        except ParseError as exc:
            return i, text, exc, None
        return i, text, list(reading.exprs), reading.notation

    def _display(self, i: int, text: str, exprs: Any, notation: Notation | None) -> DisplayResult:
        step = self.steps[i]
        if isinstance(exprs, ParseError):
            return DisplayResult(i, Comparison("undecided", "display", detail=f"it cannot be read: {exprs}"), text)
        targets = [step.expr.lhs, step.expr.rhs] if step.is_equation else [step.expr]
        if len(exprs) != len(targets):
            want = "an equation lhs = rhs" if step.is_equation else "one expression, without ="
            return DisplayResult(i, Comparison("failed", "display", detail=f"expected {want}"), text)
        try:
            mine = [self._renamed(e, notation) for e in exprs]
        except ValueError as exc:
            return DisplayResult(i, Comparison("undecided", "display", detail=str(exc)), text)
        outcomes = [compare(self._sub(a), self._sub(b), self.assumptions) for a, b in zip(mine, targets)]
        rank = {"failed": 0, "undecided": 1, "checked": 2, "proven": 3}
        return DisplayResult(i, min(outcomes, key=lambda c: rank[c.status]), text)

    def _renamed(self, expr: Any, notation: Notation | None) -> Any:
        """A parsed display expression in the derivation's own symbols and functions."""
        pool: dict[str, Any] = {}
        funcs: dict[str, Any] = {}
        everything = [s.expr for s in self.steps] + [s.factor for s in self.steps if s.factor is not None]
        everything += list(self.where) + list(self.where.values()) + list(self.names)
        for e in everything:
            for sym in getattr(e, "free_symbols", ()):
                if isinstance(sym, sp.Symbol):
                    pool.setdefault(sym.name, sym)
            for f in getattr(e, "atoms", lambda *_: ())(AppliedUndef):
                funcs.setdefault(f.func.__name__, f.func)
        declared = {parse(tex, syntax="latex", notation=notation): sym for sym, tex in self.names.items()}
        expr = expr.xreplace(declared) if declared else expr
        if any(isinstance(sym, sp.ImmutableMatrix) for sym in self.names):
            expr = _explicit(expr)
        expr = expr.replace(
            lambda e: isinstance(e, AppliedUndef) and e.func.__name__ in funcs and e.func != funcs[e.func.__name__],
            lambda e: funcs[e.func.__name__](*e.args),
        )
        unknown = sorted(s.name for s in expr.free_symbols if isinstance(s, sp.Symbol) and s.name not in pool)
        if unknown:
            raise ValueError(f"it names {', '.join(unknown)}, which no symbol of the derivation is called; "
                             "declare the symbol in names={symbol: latex}")
        return expr.xreplace({s: pool[s.name] for s in expr.free_symbols if isinstance(s, sp.Symbol)})

    # ------------------------------------------------------------------ rendering
    def _tex(self, expr: Any) -> str:
        return latex(expr, names={k: v for k, v in self.names.items() if isinstance(k, sp.Symbol)})

    def _sides(self, s: Step) -> tuple[str, str]:
        """The two sides of an equation step as printed: its display form, else SymPy's LaTeX."""
        if s.display is not None:
            pieces = split_display(s.display)
            return pieces[0], pieces[1]
        return self._tex(s.expr.lhs), self._tex(s.expr.rhs)

    def _shown(self, s: Step) -> str:
        return s.display.strip() if s.display is not None else self._tex(s.expr)

    def to_latex(self, text: Callable[[str], str] | None = None) -> str:
        """The verified chain as a LaTeX ``aligned`` block; raises DerivationError if unverified.

        ``text`` turns each step's justification into the page's language (as written by default).
        """
        self.verify().raise_for_failure()
        say = text or (lambda words: words)
        lines = []
        tag = lambda s: rf" && {text_latex(say(s.why))}" if s.why else ""  # noqa: E731
        if self.is_equation_chain:
            for s in self.steps:
                lhs, rhs = self._sides(s)
                lines.append(f"{lhs} &= {rhs}{tag(s)}")
        else:
            first = self.steps[0]
            if first.is_equation:
                lhs, rhs = self._sides(first)
                lines.append(f"{lhs} &= {rhs}{tag(first)}")
            elif self.lhs_latex:
                lines.append(f"{self.lhs_latex} &= {self._shown(first)}{tag(first)}")
            else:
                lines.append(f"& {self._shown(first)}{tag(first)}")
            for s in self.steps[1:]:
                lines.append(f"&= {self._shown(s)}{tag(s)}")
        body = r" \\" + "\n"
        out = r"\begin{aligned}" + "\n" + body.join(lines) + "\n" + r"\end{aligned}"
        if self.where:
            # The definitions go on a line of their own below the chain, both flush left, so
            # that a where line wider than the chain does not push the chain off to the right.
            defs = r",\quad ".join(f"{self._tex(k)} = {self._tex(v)}" for k, v in self.where.items())
            out = (
                r"\begin{array}{l}" + "\n" + r"\displaystyle " + out + r" \\[4pt]" + "\n"
                + rf"\displaystyle \text{{{_tex_text(say('where'))} }} {defs}" + "\n" + r"\end{array}"
            )
        return out

    def to_markdown(self, wording: Wording = ENGLISH, text: Callable[[str], str] | None = None) -> str:
        """Title, the rendered chain, its symbols, written arguments and how it was verified, as Markdown.

        ``text`` turns each of the derivation's own words (its title, the steps'
        justifications, the symbols' descriptions, the arguments) into ``wording``'s
        language; by default they are printed as written.
        """
        say = text or (lambda words: words)
        v = self.verify()
        latex_block = self.to_latex(text=say)
        mark = wording.proven if v.status == "proven" else wording.checked
        parts = [f"**{markdown_text(say(self.title))}** — *{mark}*", f"$$\n{latex_block}\n$$"]
        if self.symbols:
            parts.append(wording.where([(tex.strip(), markdown_text(say(what))) for tex, what in self.symbols.items()]))
        if self.argument:
            parts.append(wording.argument.format(text=say(self.argument.strip())))
        for i, s in enumerate(self.steps):
            if s.argument:
                parts.append(wording.step_argument.format(index=i, text=say(s.argument.strip())))
        parts.append(f"<small>{wording.summary(v.tally(), 'argued' in self.marks())}</small>")
        return "\n\n".join(parts) + "\n"


# MathJax's \text{} mode rejects ^ ~ and \textbackslash; \unicode{} draws them literally.
_TEXT_ESCAPES = {
    "\\": r"\unicode{x5C}",
    "^": r"\unicode{x5E}",
    "~": r"\unicode{x7E}",
    "{": r"\{",
    "}": r"\}",
    "_": r"\_",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "$": r"\$",
}


def _tex_text(s: str) -> str:
    """``s`` escaped for a LaTeX ``\\text{}`` group as MathJax reads it."""
    return "".join(_TEXT_ESCAPES.get(c, c) for c in s)


# ----------------------------------------------------------------------- text with math
_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)
# Characters that Python-Markdown would read as markup inside a line of text.
_MD_ESCAPES = {c: "\\" + c for c in "\\`*_{}[]#|"} | {"<": "&lt;", "&": "&amp;"}


def _unbalanced(text: str) -> bool:
    return len(re.findall(r"(?<!\\)\$", text)) % 2 == 1


def _spans(text: str) -> list[tuple[bool, str]]:
    r"""``text`` cut into ``(is_math, piece)`` at its ``$…$`` spans; ``\$`` is a literal dollar."""
    out, at = [], 0
    for m in _MATH.finditer(text):
        out.append((False, text[at : m.start()]))
        out.append((True, m.group(1).strip()))
        at = m.end()
    out.append((False, text[at:]))
    return [(math, piece) for math, piece in out if piece]


def text_latex(text: str) -> str:
    r"""Text with ``$…$`` math as LaTeX for a math block: ``\text{…}`` around the text, the math as is.

    Examples
    --------
    >>> text_latex(r"divide by $1 - \gamma$")
    '\\text{divide by }1 - \\gamma'
    """
    return "".join(piece if math else r"\text{" + _tex_text(piece.replace(r"\$", "$")) + "}" for math, piece in _spans(text))


def markdown_text(text: str) -> str:
    r"""Text with ``$…$`` math as Markdown: every other character reaches the page literally.

    ``*``, ``_``, ``\``, backquotes, brackets and ``<`` are escaped, so ``J(π*) − J(π*)`` is
    not read as emphasis; a ``$…$`` span is left to the math extension.

    Examples
    --------
    >>> markdown_text(r"J(π*) − J(π_ref), with $\beta > 0$")
    'J(π\\*) − J(π\\_ref), with $\\beta > 0$'
    """
    return "".join(f"${piece}$" if math else _md_escaped(piece) for math, piece in _spans(text))


def _md_escaped(piece: str) -> str:
    # A written \$ stays \$: the math extension prints it as a literal dollar.
    return r"\$".join("".join(_MD_ESCAPES.get(c, c) for c in part) for part in piece.split(r"\$"))


def split_display(text: str) -> list[str]:
    """The sides of a display form at its top-level ``=`` signs, as written."""
    from .parsing import split_chain

    return [piece for _, piece in split_chain(text)]


# --------------------------------------------------------------------- term order
_GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho "
    "sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
)


def _greek(factor: Any) -> bool:
    base = factor.base if isinstance(factor, sp.Pow) else factor
    if not isinstance(base, sp.Symbol):
        return False
    head = re.split(r"[_^']", base.name.lstrip("\\"), maxsplit=1)[0]
    return head in _GREEK


class _TextbookPrinter(LatexPrinter):
    """SymPy's LaTeX with a textbook term order (see the module docstring)."""

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        terms = super()._as_ordered_terms(expr, order="lex")
        positive = [t for t in terms if not t.could_extract_minus_sign()]
        return positive + [t for t in terms if t.could_extract_minus_sign()] if positive else terms

    def _print_Mul(self, expr: Any) -> str:
        factors = list(expr.as_ordered_factors())
        ranked = sorted(factors, key=lambda f: 0 if f.is_number else (1 if _greek(f) else 2))
        if ranked == factors or self._settings["order"] == "none":
            return super()._print_Mul(expr)
        self._settings["order"] = "none"
        try:
            return super()._print_Mul(sp.Mul(*ranked, evaluate=False))
        finally:
            self._settings["order"] = None


def latex(expr: Any, names: Mapping[sp.Symbol, str] | None = None) -> str:
    r"""``expr`` in LaTeX with a textbook term order; ``names`` says how to write some symbols.

    Examples
    --------
    >>> t, i, b = sp.symbols("t i beta_1")
    >>> latex(b ** (t - i)), latex(1 - b)
    ('\\beta_{1}^{t - i}', '1 - \\beta_{1}')
    """
    return _TextbookPrinter({"symbol_names": dict(names or {})}).doprint(expr)


def _explicit(expr: Any) -> Any:
    """A display read with declared matrices, once they are explicit: products and traces carried out."""
    out = expr.doit()
    if isinstance(out, sp.MatrixBase) and out.shape == (1, 1):
        return out[0, 0]
    return out


def _as_factor(factor: Any, index: int) -> sp.Expr:
    """A step's factor as a SymPy expression; strings are refused (nothing is parsed here)."""
    if factor is None:
        return sp.Integer(1)
    if isinstance(factor, bool) or not isinstance(factor, (int, sp.Expr, sp.MatrixBase)):
        raise TypeError(f"steps: the factor of step {index} must be an int, a SymPy expression or a matrix; got {factor!r}")
    return sp.Integer(factor) if isinstance(factor, int) else factor


def _nonzero(expr: Any, assumptions: Assumptions | None) -> Comparison:
    """Whether ``expr`` is nonzero under the assumptions (exactly if SymPy knows, else sampled)."""
    if expr.is_zero is False:
        return Comparison("proven", "nonzero")
    assumptions = assumptions or Assumptions()
    n = 0
    for point in assumptions.points([expr]):
        v = point.apply(expr)
        if v == 0:
            return Comparison("failed", "factor", detail=f"the factor {expr} is 0 at {point.describe()}")
        n += 1
    return Comparison("checked", f"{n} exact points", points=n) if n else Comparison("undecided", "factor")

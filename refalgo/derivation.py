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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .assumptions import Assumptions
from .equality import Comparison, compare, show

__all__ = ["Derivation", "DerivationError", "Step", "StepResult", "Verification"]


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
    """

    expr: Any
    why: str = ""
    factor: Any = None

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
class Verification:
    """The verdicts on every link of a derivation."""

    title: str
    results: tuple[StepResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def status(self) -> str:
        """``"proven"`` if every link is proven, ``"checked"`` if some were only sampled, else ``"failed"``."""
        if not self.ok:
            return "failed"
        return "checked" if any(r.status == "checked" for r in self.results) else "proven"

    def first_failure(self) -> StepResult | None:
        return next((r for r in self.results if not r.ok), None)

    def summary(self) -> str:
        """A readable sentence on how each step was verified."""
        proven = [r.index for r in self.results if r.status == "proven"]
        checked = [r for r in self.results if r.status == "checked"]
        failed = self.first_failure()
        if failed is not None:
            return f"Step {failed.index} of “{self.title}” does not follow from step {failed.index - 1}: {_failure(failed)}."
        parts = []
        if proven:
            parts.append(f"{_steps(proven)} proven symbolically")
        if checked:
            pts = min(r.comparison.points or (r.factor_check.points if r.factor_check else 0) for r in checked)
            parts.append(f"{_steps([r.index for r in checked])} checked at {pts}+ random exact points (evidence, not proof)")
        return "; ".join(parts) + "." if parts else "Nothing to verify."

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


def _steps(idx: list[int]) -> str:
    return ("step " if len(idx) == 1 else "steps ") + ", ".join(str(i) for i in idx)


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
    ) -> None:
        self.title = title
        self.steps: tuple[Step, ...] = tuple(s if isinstance(s, Step) else Step(*s) for s in steps)
        self.assumptions = assumptions
        self.where: Mapping[sp.Symbol, Any] = dict(where or {})
        self.lhs_latex = lhs_latex
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
        """Check every link of the chain; cached after the first call."""
        if self._verification is None:
            results = tuple(self._link(i) for i in range(1, len(self.steps)))
            self._verification = Verification(self.title, results)
        return self._verification

    # ------------------------------------------------------------------ rendering
    def to_latex(self) -> str:
        """The verified chain as a LaTeX ``aligned`` block; raises DerivationError if unverified."""
        self.verify().raise_for_failure()
        lines = []
        tag = lambda s: rf" && \text{{{_tex_text(s.why)}}}" if s.why else ""  # noqa: E731
        if self.is_equation_chain:
            for s in self.steps:
                lines.append(f"{sp.latex(s.expr.lhs)} &= {sp.latex(s.expr.rhs)}{tag(s)}")
        else:
            first = self.steps[0]
            if first.is_equation:
                lines.append(f"{sp.latex(first.expr.lhs)} &= {sp.latex(first.expr.rhs)}{tag(first)}")
            elif self.lhs_latex:
                lines.append(f"{self.lhs_latex} &= {sp.latex(first.expr)}{tag(first)}")
            else:
                lines.append(f"& {sp.latex(first.expr)}{tag(first)}")
            for s in self.steps[1:]:
                lines.append(f"&= {sp.latex(s.expr)}{tag(s)}")
        body = r" \\" + "\n"
        out = r"\begin{aligned}" + "\n" + body.join(lines) + "\n" + r"\end{aligned}"
        if self.where:
            # MathJax breaks lines only inside an environment, so the definitions go in a
            # gathered block below the chain rather than after it.
            defs = r",\quad ".join(f"{sp.latex(k)} = {sp.latex(v)}" for k, v in self.where.items())
            out = r"\begin{gathered}" + "\n" + out + r" \\[4pt]" + "\n" + rf"\text{{where }} {defs}" + "\n" + r"\end{gathered}"
        return out

    def to_markdown(self) -> str:
        """Title, the rendered chain and how it was verified, as Markdown for the docs."""
        v = self.verify()
        latex = self.to_latex()
        mark = "✓ proven" if v.status == "proven" else "✓ checked"
        return f"**{self.title}** — *{mark}*\n\n$$\n{latex}\n$$\n\n<small>{v.summary()}</small>\n"


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

r"""Deciding whether two expressions are equal under assumptions.

This is the engine behind :meth:`refalgo.Derivation.verify` and
:func:`refalgo.check.equivalent`. Before anything is expanded or evaluated, the size of
every intermediate is estimated on the expression tree (`refalgo._cost`); a claim
whose evaluation would build enormous numbers, degrees or sums is *undecided*
("refused before evaluating"). Then:

1. **Symbolic.** The difference of the two sides is put through increasingly strong
   SymPy rewrites (``doit``, ``expand``, ``cancel``, ``simplify`` on expressions of
   moderate size). If one of them returns exactly zero, the identity is **proven**.
   The slow ``simplify`` runs only after the first four sample points (stage 3) showed
   no counterexample, since a counterexample settles the claim at once.
2. **Constants.** A claim without symbols, functions or matrices has one value on each
   side: it is **proven** when an exact rewrite of the difference gives 0, **failed**
   when interval arithmetic separates the two values, and **undecided** otherwise —
   never "checked" at a single point.
3. **Sampled.** Otherwise both sides are evaluated at distinct exact points that
   satisfy the assumptions (see :class:`refalgo.assumptions.Assumptions`: simple
   values, boundaries, large magnitudes, random rationals), undefined functions
   replaced by concrete random rational functions and matrix symbols by explicit exact
   matrices. The two values at a point are compared **exactly**: rationals by equality;
   other numbers by interval arithmetic (mpmath ``iv`` at 64 to 1024 bits, or SymPy's
   ``evalf`` with its error bound) that must separate them for a difference, and by an
   exact rewrite of their difference to 0 for agreement. A difference is a
   **counterexample** — re-evaluated from the original expressions before it is
   reported — and the identity has **failed**. Exact agreement at every point (at least
   ``max(3, samples // 4)`` distinct points) is reported as **checked**: evidence, never
   a proof. No tolerance is ever used: two values that agree to 300 digits but whose
   difference no rewrite reduces to 0 make the point *inconclusive*.

Conventions (real analysis)
---------------------------
* Symbols are real. An odd root of a negative number is the real root:
  :math:`\sqrt[3]{-8} = -2` (``x**(p/q)`` with odd ``q`` is read as
  ``sign(x)**p * |x|**(p/q)``).
* A point where a side divides by zero is skipped (such points are isolated).
* A side that takes the logarithm or an even root of a negative number at a point is
  not real there, even when the imaginary parts cancel later. A point where one side
  is real and the other is not is a counterexample: the step changed the domain. A
  point where neither side is real is skipped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp

from ._cost import digits_of, expanded_terms, refusal
from ._pointwise import NONREAL, differ, explicit, value
from .assumptions import Assumptions, Point

__all__ = ["Comparison", "Counterexample", "compare", "show", "Status"]

Status = Literal["proven", "checked", "failed", "undecided"]

_SIMPLIFY_MAX_OPS = 400
_EXPAND_MAX_TERMS = 20_000
_EARLY_POINTS = 4  # points tried for a counterexample before the slow rewrites


@dataclass(frozen=True)
class Counterexample:
    """A point where two sides differ, and both sides' values there."""

    values: Mapping[str, str]
    lhs: Any
    rhs: Any

    def __str__(self) -> str:
        at = ", ".join(f"{k} = {v}" for k, v in self.values.items()) or "(no symbols)"
        return f"at {at}: left side = {show(self.lhs)}, right side = {show(self.rhs)}"


@dataclass(frozen=True)
class Comparison:
    """Outcome of :func:`compare`; truthy when the sides were proven or checked equal.

    Attributes
    ----------
    status
        ``"proven"`` (symbolic rewrite gave 0), ``"checked"`` (exactly equal at every
        sample point), ``"failed"`` (a counterexample was found) or ``"undecided"``
        (neither a proof nor enough points where the sides are exactly equal).
    method
        How the status was reached, e.g. ``"expansion"`` or ``"24 distinct exact points"``.
    counterexample
        The point where the sides differ, when ``status == "failed"``.
    points
        How many distinct sample points showed exact agreement.
    detail
        More words, e.g. why the claim is undecided.
    """

    status: Status
    method: str
    counterexample: Counterexample | None = None
    points: int = 0
    detail: str = field(default="", compare=False)

    def __bool__(self) -> bool:
        return self.status in ("proven", "checked")

    def describe(self) -> str:
        """One readable sentence about the outcome."""
        if self.status == "proven":
            return f"proven ({self.method})"
        if self.status == "checked":
            return f"checked at {self.points} distinct exact points (not a proof)"
        if self.status == "failed":
            return f"fails {self.counterexample}" if self.counterexample else f"fails: {self.detail or self.method}"
        return f"undecided: {self.detail or self.method}"


def show(v: Any) -> str:
    """``v`` for a message: exact, with a decimal approximation, and never an enormous integer.

    Examples
    --------
    >>> show(sp.Rational(1, 3)), show(sp.sqrt(2))
    ('1/3', 'sqrt(2) ≈ 1.41421356237')
    >>> show(sp.factorial(1000))
    '≈ 4.02387260077e+2567 (an integer of 2568 digits)'
    """
    if isinstance(v, str):
        return v
    if isinstance(v, sp.MatrixBase):
        return "[" + ", ".join("[" + ", ".join(show(x) for x in row) + "]" for row in v.tolist()) + "]"
    if isinstance(v, sp.Rational) and digits_of(v) > 60:
        kind = f"an integer of {len(str(abs(v.p))) if abs(v.p).bit_length() < 13000 else _digits(v.p)} digits" if v.q == 1 else "a fraction"
        return f"≈ {str(sp.Float(v, 12)).replace('E', 'e')} ({kind})"
    try:
        text = sp.sstr(v)
    except (ValueError, RecursionError):
        return f"≈ {sp.N(v, 12)}" if isinstance(v, sp.Basic) else type(v).__name__
    if len(text) > 200:
        text = text[:100] + " … " + text[-40:]
    if isinstance(v, sp.Basic) and not v.is_Rational and v.is_number:
        try:
            approx = sp.sstr(v.evalf(12))
        except (ValueError, TypeError, RecursionError):
            return text
        return f"{text} ≈ {approx}" if approx != text else text
    return text


def _digits(n: int) -> int:
    return int(math.floor(math.log10(abs(n)))) + 1


# ---------------------------------------------------------------------- conventions
def _real_roots(expr: Any) -> Any:
    """Odd roots as real roots: ``x**(p/q)`` with odd ``q`` becomes ``sign(x)**p * |x|**(p/q)``."""
    if not isinstance(expr, sp.Basic) or isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(_real_roots) if isinstance(expr, sp.MatrixBase) else expr

    def odd_root(e: Any) -> bool:
        return (
            isinstance(e, sp.Pow)
            and e.exp.is_Rational
            and not e.exp.is_Integer
            and e.exp.q % 2 == 1
            and e.base.is_nonnegative is not True
        )

    return expr.replace(odd_root, lambda e: sp.sign(e.base) ** e.exp.p * sp.Abs(e.base) ** e.exp)


# ---------------------------------------------------------------------- symbolic stage
def _is_zero(out: Any) -> bool:
    if isinstance(out, sp.MatrixBase):
        return all(v == 0 for v in out)
    return bool(out == 0 or isinstance(out, sp.ZeroMatrix))


def _zero_by(expr: Any, assumptions: Assumptions, strong: bool) -> str | None:
    """Name of the first rewrite that turns ``expr`` into exactly 0, if any.

    The cheap rewrites (evaluation, expansion, cancellation) come first; ``strong`` adds
    simplification, also under the conditions, which can take seconds.
    """
    facts = sp.And(*assumptions.conditions) if assumptions.conditions else None
    rewrites: list[tuple[str, Callable[[Any], Any]]] = []
    if not strong:
        rewrites += [("identical", lambda e: e), ("evaluation", lambda e: e.doit())]
    if expanded_terms(expr) <= _EXPAND_MAX_TERMS:
        if not strong:
            rewrites += [
                ("expansion", lambda e: sp.expand(e.doit())),
                ("cancellation", lambda e: sp.cancel(sp.together(e.doit())) if not isinstance(e, sp.MatrixExpr) else e.doit()),
            ]
        elif sp.count_ops(expr) <= _SIMPLIFY_MAX_OPS:
            rewrites.append(("simplification", lambda e: sp.simplify(e.doit())))
            if facts is not None and not isinstance(expr, sp.MatrixExpr):
                rewrites.append(("simplification under the conditions", lambda e: sp.simplify(sp.refine(e.doit(), facts))))
    for name, rw in rewrites:
        try:
            out = rw(expr)
        except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError, sp.PolynomialError):
            continue
        if _is_zero(out):
            return name
    return None


def _shape(v: Any) -> Any:
    if isinstance(v, (sp.MatrixBase, sp.MatrixExpr)):
        return v.shape
    return None


def _shown(v: Any) -> Any:
    return NONREAL if v == NONREAL else v


# ---------------------------------------------------------------------- deciding
def _refused(lhs: Any, rhs: Any) -> Comparison | None:
    for side, name in ((lhs, "left"), (rhs, "right")):
        msg = refusal(side)
        if msg is not None:
            return Comparison("undecided", "budget", detail=f"refused before evaluating the {name} side: {msg}")
    return None


def _shape_mismatch(lhs: Any, rhs: Any) -> str | None:
    ls, rs = _shape(lhs), _shape(rhs)
    if ls is None and rs is None:
        return None
    if ls is None or rs is None:
        known = ls if ls is not None else rs
        if tuple(known) == (1, 1):
            return None  # a 1×1 matrix against a scalar
        return f"the sides have different shapes: {ls or 'a scalar'} and {rs or 'a scalar'}"
    if all(getattr(d, "is_Integer", False) for d in (*ls, *rs)) and tuple(ls) != tuple(rs):
        return f"the sides have different shapes: {ls} and {rs}"
    return None


def _is_constant(lhs: Any, rhs: Any) -> bool:
    for side in (lhs, rhs):
        if not isinstance(side, sp.Basic):
            return False
        if side.free_symbols or side.atoms(sp.core.function.AppliedUndef) or side.atoms(sp.MatrixSymbol):
            return False
    return True


def _constant(lhs: Any, rhs: Any) -> Comparison:
    """Decide a claim without symbols exactly, or call it undecided."""
    point = Point({})
    va, vb = value(point, lhs), value(point, rhs)
    if va is None or vb is None:
        return Comparison("undecided", "constants", detail="a side has no finite real value")
    if len(va) != len(vb):
        return Comparison("failed", "shape", detail="the sides have different shapes")
    verdicts = [differ(a, b) for a, b in zip(va, vb)]
    if any(verdicts):
        return Comparison("failed", "exact evaluation", Counterexample({}, explicit(point, lhs), explicit(point, rhs)))
    if all(v is False for v in verdicts):
        return Comparison("proven", "exact evaluation")
    return Comparison(
        "undecided",
        "constants",
        detail="the two constant sides could be neither separated by interval arithmetic at 1024 bits "
        "nor shown equal by an exact rewrite",
    )


def _confirmed(point: Point, lhs: Any, rhs: Any) -> bool:
    """Re-evaluate both sides at ``point`` from the original expressions: do they differ?"""
    va, vb = value(point, lhs), value(point, rhs)
    if va is None or vb is None:
        return False
    if len(va) == 1 and len(vb) == 1:
        return bool(differ(va[0], vb[0]))
    return len(va) != len(vb) or any(differ(a, b) for a, b in zip(va, vb))


def _sampled(lhs: Any, rhs: Any, assumptions: Assumptions, limit: int | None = None) -> Comparison:
    """Compare at distinct sample points; with ``limit``, only look for a counterexample there."""
    agreed = inconclusive = costly = 0
    last_refusal = ""
    for k, point in enumerate(assumptions.points([lhs, rhs])):
        if limit is not None and k >= limit:
            break
        msg = refusal(point.concrete(lhs), point.values) or refusal(point.concrete(rhs), point.values)
        if msg is not None:
            costly += 1
            last_refusal = msg
            continue
        va, vb = value(point, lhs), value(point, rhs)
        if va is None or vb is None:
            continue
        if len(va) != len(vb):
            return Comparison("failed", "shape", detail=f"the sides have different shapes at {point.describe()}")
        verdicts = [differ(a, b) for a, b in zip(va, vb)]
        if any(verdicts) and _confirmed(point, lhs, rhs):
            ce = Counterexample(point.describe(), _side(point, lhs, va), _side(point, rhs, vb))
            return Comparison("failed", f"exact evaluation at point {agreed + inconclusive + 1}", ce, agreed)
        if all(v is False for v in verdicts):
            agreed += 1
        else:
            inconclusive += 1
    needed = max(3, assumptions.samples // 4)
    notes = []
    if inconclusive:
        notes.append(f"{inconclusive} points where the sides agree to 300 digits but exact equality was not shown")
    if costly:
        notes.append(f"{costly} points skipped as too costly ({last_refusal})")
    if agreed >= needed:
        method = f"{agreed} distinct exact points" + (f"; {'; '.join(notes)}" if notes else "")
        return Comparison("checked", method, points=agreed)
    detail = f"exact agreement at only {agreed} distinct sample points (at least {needed} needed)"
    return Comparison("undecided", "sampling", points=agreed, detail="; ".join([detail, *notes]))


def _side(point: Point, expr: Any, values: list[Any]) -> Any:
    if len(values) == 1 and not isinstance(expr, (sp.MatrixBase, sp.MatrixExpr)):
        return _shown(values[0])
    return explicit(point, expr)


def compare(lhs: Any, rhs: Any, assumptions: Assumptions | None = None) -> Comparison:
    """Decide whether ``lhs == rhs`` under ``assumptions``; see the module docstring.

    Parameters
    ----------
    lhs, rhs
        SymPy expressions, explicit matrices or matrix expressions (``MatrixSymbol``) of
        the same shape.
    assumptions
        What the symbols range over; default: every symbol real, sampled over the reals.

    Returns
    -------
    Comparison
        Truthy when proven or checked.

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> compare((x + 1)**2, x**2 + 2*x + 1).status
    'proven'
    >>> compare(1 / (1 + sp.exp(-100)), sp.Integer(1)).status
    'failed'
    >>> A, B = sp.MatrixSymbol("A", 2, 2), sp.MatrixSymbol("B", 2, 2)
    >>> compare(A.T * B.T, B.T * A.T).status
    'failed'
    """
    assumptions = assumptions or Assumptions()
    refused = _refused(lhs, rhs)
    if refused is not None:
        return refused
    lhs, rhs = _real_roots(lhs), _real_roots(rhs)
    mismatch = _shape_mismatch(lhs, rhs)
    if mismatch is not None:
        return Comparison("failed", "shape", detail=mismatch)
    try:
        difference = lhs - rhs
    except (TypeError, ValueError, sp.ShapeError):
        difference = None
    proof = _proof(difference, assumptions, strong=False)
    if proof is not None:
        return proof
    if _is_constant(lhs, rhs):
        return _constant(lhs, rhs)
    early = _sampled(lhs, rhs, assumptions, limit=_EARLY_POINTS)  # a counterexample ends it cheaply
    if early.status == "failed":
        return early
    return _proof(difference, assumptions, strong=True) or _sampled(lhs, rhs, assumptions)


def _proof(difference: Any, assumptions: Assumptions, strong: bool) -> Comparison | None:
    """``proven`` when a rewrite reduces the difference (every entry of it) to 0."""
    if isinstance(difference, sp.MatrixBase):
        methods = [_zero_by(d, assumptions, strong) for d in difference]
        if all(m is not None for m in methods):
            return Comparison("proven", ", ".join(sorted({m for m in methods if m})))
    elif difference is not None:
        method = _zero_by(difference, assumptions, strong)
        if method is not None:
            return Comparison("proven", method)
    return None

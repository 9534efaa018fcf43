r"""Deciding whether two expressions are equal under assumptions.

This is the engine behind :meth:`refalgo.Derivation.verify` and
:func:`refalgo.check.equivalent`. It works in two stages:

1. **Symbolic.** The difference of the two sides is put through increasingly strong
   SymPy rewrites (``doit``, ``expand``, ``cancel``, ``simplify`` on expressions of
   moderate size). If one of them returns exactly zero, the identity is **proven**.
2. **Sampled.** Otherwise both sides are evaluated at exact rational points that satisfy
   the assumptions (see :class:`refalgo.assumptions.Assumptions`), undefined functions
   replaced by concrete random smooth ones. A point where the sides differ is a
   **counterexample** and the identity has **failed**. Agreement at every point is
   reported as **checked** — evidence, never a proof.

Values at a point are compared exactly when both are rational; otherwise with 60
significant digits, and a relative difference below ``1e-40`` counts as equal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy as sp

from .assumptions import Assumptions, Point

__all__ = ["Comparison", "Counterexample", "compare", "Status"]

Status = Literal["proven", "checked", "failed", "undecided"]

_DIGITS = 60
_RELTOL = sp.Float("1e-40", _DIGITS)
_SIMPLIFY_MAX_OPS = 400


@dataclass(frozen=True)
class Counterexample:
    """A point where two sides differ, and both sides' values there."""

    values: Mapping[str, str]
    lhs: sp.Expr
    rhs: sp.Expr

    def __str__(self) -> str:
        at = ", ".join(f"{k} = {v}" for k, v in self.values.items()) or "(no symbols)"
        return f"at {at}: left side = {_show(self.lhs)}, right side = {_show(self.rhs)}"


@dataclass(frozen=True)
class Comparison:
    """Outcome of :func:`compare`; truthy when the sides were proven or checked equal.

    Attributes
    ----------
    status
        ``"proven"`` (symbolic rewrite gave 0), ``"checked"`` (equal at every sample
        point), ``"failed"`` (a counterexample was found) or ``"undecided"`` (neither a
        proof nor enough evaluable points).
    method
        How the status was reached, e.g. ``"expand"`` or ``"24 exact points"``.
    counterexample
        The point where the sides differ, when ``status == "failed"``.
    points
        How many sample points were evaluated.
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
            return f"checked at {self.points} exact points (not a proof)"
        if self.status == "failed":
            return f"fails {self.counterexample}"
        return f"undecided: {self.detail or self.method}"


def _show(v: Any) -> str:
    if isinstance(v, sp.Basic) and not v.is_Rational and v.is_number:
        approx = v.evalf(12)
        return f"{v} ≈ {approx}" if str(approx) != str(v) else str(v)
    return str(v)


def _zero_by(expr: Any, assumptions: Assumptions) -> str | None:
    """Name of the first rewrite that turns ``expr`` into exactly 0, if any."""
    facts = sp.And(*assumptions.conditions) if assumptions.conditions else None
    rewrites: list[tuple[str, Callable[[Any], Any]]] = [
        ("identical", lambda e: e),
        ("evaluation", lambda e: e.doit()),
        ("expansion", lambda e: sp.expand(e.doit())),
        ("cancellation", lambda e: sp.cancel(sp.together(e.doit()))),
    ]
    if sp.count_ops(expr) <= _SIMPLIFY_MAX_OPS:
        rewrites.append(("simplification", lambda e: sp.simplify(e.doit())))
        if facts is not None:
            rewrites.append(("simplification under the conditions", lambda e: sp.simplify(sp.refine(e.doit(), facts))))
    for name, rw in rewrites:
        try:
            out = rw(expr)
        except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError):
            continue
        if out == 0:
            return name
    return None


def _as_pair(lhs: Any, rhs: Any) -> tuple[list[Any], list[Any]]:
    """Both sides as flat lists of scalar entries; raises ValueError on a shape mismatch."""
    lm, rm = isinstance(lhs, sp.MatrixBase), isinstance(rhs, sp.MatrixBase)
    if lm != rm or (lm and lhs.shape != rhs.shape):
        shape = lambda v: v.shape if isinstance(v, sp.MatrixBase) else "a scalar"  # noqa: E731
        raise ValueError(f"the sides have different shapes: {shape(lhs)} and {shape(rhs)}")
    if lm:
        return list(lhs), list(rhs)
    return [lhs], [rhs]


def _value(point: Point, expr: Any) -> Any:
    try:
        v = point.apply(expr)
    except (ZeroDivisionError, TypeError, ValueError, NotImplementedError):
        return None
    if not isinstance(v, sp.Basic) or v.free_symbols or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    if v.has(sp.Limit, sp.Derivative, sp.Integral, sp.Sum, sp.Product):
        return None
    return v


def _differ(a: sp.Expr, b: sp.Expr) -> bool | None:
    """True when ``a != b`` (decided exactly or to 60 digits), None when not evaluable."""
    if a.is_Rational and b.is_Rational:
        return bool(a != b)
    try:
        x, y = sp.N(a, _DIGITS), sp.N(b, _DIGITS)
        d = abs(sp.N(x - y, _DIGITS))
        scale = max(abs(x), abs(y), sp.Integer(1))
    except (TypeError, ValueError):
        return None
    if not d.is_number or not d.is_finite:
        return None
    return bool(d > _RELTOL * scale)


def compare(lhs: Any, rhs: Any, assumptions: Assumptions | None = None) -> Comparison:
    """Decide whether ``lhs == rhs`` under ``assumptions``; see the module docstring.

    Parameters
    ----------
    lhs, rhs
        SymPy expressions or matrices of the same shape.
    assumptions
        What the symbols range over; default: every symbol as declared (real or
        complex), sampled in a box around 0.

    Returns
    -------
    Comparison
        Truthy when proven or checked.
    """
    assumptions = assumptions or Assumptions()
    try:
        ls, rs = _as_pair(lhs, rhs)
    except ValueError as exc:
        return Comparison("failed", "shape", detail=str(exc))
    methods = [_zero_by(a - b, assumptions) for a, b in zip(ls, rs)]
    if all(m is not None for m in methods):
        return Comparison("proven", ", ".join(sorted({m for m in methods if m})))
    pending = [(a, b) for (a, b), m in zip(zip(ls, rs), methods) if m is None]
    exprs = [e for pair in pending for e in pair]
    evaluated = 0
    for point in assumptions.points(exprs):
        values = [(_value(point, a), _value(point, b)) for a, b in pending]
        if any(va is None or vb is None for va, vb in values):
            continue
        evaluated += 1
        for va, vb in values:
            verdict = _differ(va, vb)
            if verdict:
                lv = lhs if not isinstance(lhs, sp.MatrixBase) else point.apply(lhs)
                rv = rhs if not isinstance(rhs, sp.MatrixBase) else point.apply(rhs)
                if not isinstance(lhs, sp.MatrixBase):
                    lv, rv = va, vb
                return Comparison("failed", f"{evaluated} exact points", Counterexample(point.describe(), lv, rv), evaluated)
    if evaluated == 0:
        return Comparison("undecided", "sampling", detail="no sample point could be evaluated on both sides")
    if evaluated < max(3, assumptions.samples // 4):
        return Comparison("undecided", "sampling", points=evaluated, detail=f"only {evaluated} sample points could be evaluated")
    return Comparison("checked", f"{evaluated} exact points", points=evaluated)

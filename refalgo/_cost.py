r"""Size estimates on the expression tree, made before SymPy expands or evaluates anything.

A claim such as ``((x^{1000})^{1000})^{1000} = x`` or ``\exp(\exp(10^{9})) = 1`` is
cheap to write and ruinous to evaluate. `refusal` walks the tree once and estimates,
for every node, what evaluating it would build:

* ``digits`` — decimal digits of the exact value (numerator and denominator), from
  the bit lengths of the numbers, ``|n|·digits(b)`` for ``b**n``, ``log10(n!)`` for a
  factorial, a sum of the parts for a product;
* ``magnitude`` — ``log10 |value|``; the argument of ``exp``, ``sin``, ``cos``… must
  stay below ``10**MAX_ARGUMENT`` (evaluating ``exp(exp(10**9))`` needs the integer
  part of a number with 4·10⁸ digits);
* ``degree`` — the degree of powers of symbols after SymPy combines powers of powers;
* ``terms`` — how many terms evaluating nested finite sums and products builds.

With ``values`` (a sample point) the symbols take their values there; without, a
symbol counts as a small number, so only the constants and the structure are judged.
Estimates, not bounds: they are generous where cheap and catch every construct that
grows without limit (nested powers, exponential towers, factorials, products, sums).
`expanded_terms` estimates the terms of a full expansion, so that ``expand`` is
skipped where it would build millions of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

__all__ = ["MAX_ARGUMENT", "MAX_DEGREE", "MAX_DIGITS", "MAX_TERMS", "expanded_terms", "refusal", "digits_of"]

MAX_DIGITS = 5000  # decimal digits of any exact number met while evaluating
MAX_DEGREE = 10_000  # degree of a power of a symbol
MAX_TERMS = 10_000  # terms built by evaluating nested finite sums and products
MAX_ARGUMENT = 15  # log10 of the largest argument of exp, sin, cos, …

_LOG10_2 = math.log10(2)
_LOG10_E = math.log10(math.e)
_GROWING = (sp.exp, sp.sinh, sp.cosh)
_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
_BOUNDED = (sp.tanh, sp.atan, sp.acot, sp.sign, sp.erf)


class _TooCostly(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Size:
    digits: float
    magnitude: float
    degree: float


_SMALL = _Size(1.0, 0.0, 0.0)


def digits_of(q: sp.Rational) -> float:
    """Decimal digits of numerator and denominator together, without converting to a string."""
    return (int(abs(q.p)).bit_length() + int(q.q).bit_length()) * _LOG10_2


def _short(expr: Any) -> str:
    """A short, safe rendering of ``expr`` for a message (no huge integer is printed)."""
    if isinstance(expr, sp.Rational) and digits_of(expr) > 30:
        return f"a number of about {digits_of(expr):.0f} digits"
    try:
        text = sp.sstr(expr) if sp.count_ops(expr, visual=False) < 40 else type(expr).__name__
    except (ValueError, RecursionError):
        text = type(expr).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _pow10(x: float) -> float:
    return math.inf if x > 300 else 10.0**x


class _Walker:
    def __init__(self, values: Mapping[Any, Any] | None) -> None:
        self.values = dict(values or {})

    def size(self, e: Any) -> _Size:
        out = self._size(e)
        if out.digits > MAX_DIGITS and isinstance(e, sp.Rational):
            raise _TooCostly(f"a number of about {out.digits:.0f} digits is too large to work with (at most {MAX_DIGITS})")
        if out.digits > MAX_DIGITS:
            raise _TooCostly(f"{_short(e)} would have about {_fmt(out.digits)} digits (at most {MAX_DIGITS})")
        if out.degree > MAX_DEGREE:
            raise _TooCostly(f"{_short(e)} has degree {_fmt(out.degree)} (at most {MAX_DEGREE})")
        return out

    def _size(self, e: Any) -> _Size:
        if isinstance(e, sp.MatrixBase):
            parts = [self.size(v) for v in e]
            return _Size(max((p.digits for p in parts), default=1.0), max((p.magnitude for p in parts), default=0.0),
                         max((p.degree for p in parts), default=0.0))
        if not isinstance(e, sp.Basic):
            return _SMALL
        if e.is_Rational:
            d = digits_of(e)
            mag = (math.log10(abs(int(e.p))) if e.p else -1e4) - math.log10(int(e.q))
            return _Size(d, mag, 0.0)
        if e.is_Float:
            return _Size(float(e._prec) * _LOG10_2, float(math.log10(abs(float(e))) if e and math.isfinite(float(e)) else 0.0), 0.0)
        if e.is_NumberSymbol or e is sp.I or e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
            return _SMALL
        if isinstance(e, sp.Symbol) or isinstance(e, sp.MatrixSymbol):
            v = self.values.get(e)
            if isinstance(v, sp.Rational):
                s = self._size(v)
                return _Size(s.digits, s.magnitude, 1.0)
            return _Size(1.0, 0.0, 1.0)
        if isinstance(e, (sp.Sum, sp.Product)):
            return self._series(e)
        if isinstance(e, sp.Pow) or isinstance(e, sp.MatPow):
            return self._power(e.args[0], e.args[1])
        if isinstance(e, sp.exp):
            return self._growing(e, e.args[0])
        if isinstance(e, (sp.factorial, sp.gamma, sp.binomial, sp.factorial2, sp.RisingFactorial, sp.FallingFactorial)):
            return self._factorial(e)
        parts = [self.size(a) for a in e.args]
        if not parts:
            return _SMALL
        digits = max(p.digits for p in parts)
        magnitude = max(p.magnitude for p in parts)
        degree = max(p.degree for p in parts)
        if isinstance(e, (sp.Add, sp.MatAdd)):
            return _Size(digits + math.log10(len(parts)), magnitude + math.log10(len(parts)), degree)
        if isinstance(e, (sp.Mul, sp.MatMul)):
            return _Size(sum(p.digits for p in parts), sum(p.magnitude for p in parts), sum(p.degree for p in parts))
        if isinstance(e, _GROWING[1:]):
            return self._growing(e, e.args[0])
        if isinstance(e, _PERIODIC):
            self._argument(e, parts[0])
            return _Size(digits, max(magnitude, 0.0), degree)
        if isinstance(e, _BOUNDED):
            return _Size(digits, 0.0, degree)
        if isinstance(e, sp.log):
            return _Size(digits, math.log10(max(abs(parts[0].magnitude) / _LOG10_E, 1.0)), degree)
        if isinstance(e, (sp.Inverse, sp.Determinant)):
            n = max(int(d) for d in e.args[0].shape) if all(getattr(d, "is_Integer", False) for d in e.args[0].shape) else 3
            return _Size(digits * n + n, magnitude * n, degree * n)
        return _Size(sum(p.digits for p in parts), sum(max(p.magnitude, 0.0) for p in parts), degree)

    def _argument(self, e: Any, arg: _Size) -> None:
        if arg.magnitude > MAX_ARGUMENT:
            raise _TooCostly(
                f"{getattr(e, '__name__', type(e).__name__)} of a number about {_power_of_ten(arg.magnitude)} is beyond evaluation "
                f"(arguments up to 10^{MAX_ARGUMENT})"
            )

    def _growing(self, e: Any, arg_expr: Any) -> _Size:
        arg = self.size(arg_expr)
        self._argument(e, arg)
        return _Size(arg.digits, max(_pow10(arg.magnitude) * _LOG10_E, 0.0), arg.degree)

    def _power(self, base_expr: Any, exp_expr: Any) -> _Size:
        base = self.size(base_expr)
        if exp_expr.is_Rational:
            n = float(abs(exp_expr.p))
            k = float(exp_expr)
            return _Size(max(n, 1.0) * base.digits, k * base.magnitude if k > 0 else abs(k) * abs(base.magnitude),
                         abs(k) * base.degree)
        ex = self.size(exp_expr)
        scale = _pow10(ex.magnitude)
        if exp_expr.free_symbols and not self.values:
            scale = 1.0  # a symbolic exponent: judged again at each sample point
        if base_expr is sp.E:
            self._argument(sp.exp, ex)
            return _Size(ex.digits, scale * _LOG10_E, ex.degree)
        digits = scale * max(base.digits, 1.0) + ex.digits
        return _Size(digits, scale * abs(base.magnitude), base.degree * max(scale, 1.0))

    def _factorial(self, e: Any) -> _Size:
        parts = [self.size(a) for a in e.args]
        n = _pow10(max(p.magnitude for p in parts))
        digits = math.lgamma(n + 1) / math.log(10) if n < 1e12 else math.inf
        return _Size(max(digits, 1.0), digits, max(p.degree for p in parts))

    def _series(self, e: Any) -> _Size:
        count = 1.0
        bound: dict[Any, Any] = {}
        for lim in e.limits:
            var, lo, hi = lim if len(lim) == 3 else (lim[0], None, None)
            if lo is None or hi is None:
                continue
            los, his = self.size(lo), self.size(hi)
            if lo.is_infinite or hi.is_infinite:
                continue
            lo_v, hi_v = self._value(lo), self._value(hi)
            if lo_v is not None and hi_v is not None:
                count *= max(hi_v - lo_v + 1, 0)
            elif not (lo.free_symbols | hi.free_symbols) - set(self.values):
                count *= _pow10(max(los.magnitude, his.magnitude)) * 2
            largest = max(abs(v) for v in (lo_v, hi_v) if v is not None) if (lo_v is not None or hi_v is not None) else 1
            bound[var] = sp.Integer(int(min(largest, 10**30)))
        if count > MAX_TERMS:
            raise _TooCostly(f"evaluating {_short(e)} builds about {_fmt(count)} terms (at most {MAX_TERMS})")
        inner = _Walker({**self.values, **bound})
        body = inner.size(e.function)
        terms = _nested_terms(e.function, self.values)
        if count * terms > MAX_TERMS:
            raise _TooCostly(f"evaluating {_short(e)} builds about {_fmt(count * terms)} terms (at most {MAX_TERMS})")
        if isinstance(e, sp.Product):
            return _Size(body.digits * max(count, 1.0), body.magnitude * max(count, 1.0), body.degree * max(count, 1.0))
        return _Size(body.digits + math.log10(max(count, 1.0)), body.magnitude + math.log10(max(count, 1.0)), body.degree)

    def _value(self, bound: Any) -> int | None:
        v = bound.xreplace(self.values) if bound.free_symbols else bound
        return int(v) if getattr(v, "is_Integer", False) else None


def _nested_terms(expr: Any, values: Mapping[Any, Any]) -> float:
    """Terms that the finite sums and products inside ``expr`` build when evaluated."""
    total = 1.0
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Sum, sp.Product)):
            n = 1.0
            for lim in node.limits:
                if len(lim) == 3:
                    lo, hi = (b.xreplace(dict(values)) if b.free_symbols else b for b in lim[1:])
                    if lo.is_Integer and hi.is_Integer:
                        n *= max(int(hi) - int(lo) + 1, 0)
            total = max(total, n)
    return total


def _power_of_ten(m: float) -> str:
    if not math.isfinite(m):
        return "10^(infinity)"
    return f"10^{m:.0f}" if m < 1e6 else f"10^({m:.2g})"


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "infinitely many"
    return f"{x:.3g}" if x < 1e6 else f"10^{math.log10(x):.0f}"


def refusal(expr: Any, values: Mapping[Any, Any] | None = None) -> str | None:
    """Why evaluating ``expr`` (at ``values``, if given) would cost too much; None if it would not.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> refusal(x**1000 + 1) is None
    True
    >>> refusal(sp.exp(sp.exp(10**9)))
    'exp of a number about 10^(4.3e+08) is beyond evaluation (arguments up to 10^15)'
    """
    try:
        _Walker(values).size(expr)
    except _TooCostly as exc:
        return exc.message
    except RecursionError:
        return "the expression is nested too deeply to evaluate"
    return None


def expanded_terms(expr: Any) -> float:
    """Estimated number of terms of ``sp.expand(expr)`` (an upper estimate).

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> expanded_terms((x + y + 1)**300)
    45451.0
    """
    try:
        return _terms(expr)
    except RecursionError:
        return math.inf


def _terms(e: Any) -> float:
    if isinstance(e, sp.MatrixBase):
        return sum(_terms(v) for v in e)
    if not isinstance(e, sp.Basic) or not e.args:
        return 1.0
    if isinstance(e, sp.Add):
        return sum(_terms(a) for a in e.args)
    if isinstance(e, sp.Mul):
        return math.prod(_terms(a) for a in e.args)
    if isinstance(e, sp.Pow) and e.exp.is_Integer and e.exp > 0:
        t = _terms(e.base)
        n = int(e.exp)
        return float(math.comb(n + int(min(t, 1e6)) - 1, n)) if t > 1 and t < 1e6 else (1.0 if t <= 1 else math.inf)
    if isinstance(e, (sp.Sum, sp.Product)):
        return _nested_terms(e, {}) * _terms(e.function)
    return max((_terms(a) for a in e.args), default=1.0)

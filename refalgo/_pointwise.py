r"""Exact values of both sides at one sample point, and whether they differ.

The pointwise half of `refalgo.equality`: substitute a `refalgo.assumptions.Point`,
evaluate, and compare two real numbers **without any tolerance**:

* two rationals are compared exactly;
* otherwise interval arithmetic (mpmath ``iv`` at 64, 256 and 1024 bits, or SymPy's
  ``evalf`` with its error bound where ``iv`` lacks a function) must *separate* the two
  values — or enclose their difference away from 0 — for them to differ;
* and an exact rewrite of the difference to 0 (minimal polynomial for algebraic
  numbers; expansion, logarithm expansion for positive arguments, simplification) for
  them to agree. Neither: the point is inconclusive (None).

Real-analysis conventions: a side that takes the logarithm or an even root of a negative
number at the point is *not real* there (`NONREAL`), even when the imaginary parts cancel
later; a pole or an unevaluable form gives None.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import sympy as sp
from mpmath.libmp import fzero, from_int, mpf_abs, mpf_add, mpf_lt, mpf_mul, mpf_pow_int, mpf_sub

from .assumptions import Point

__all__ = ["NONREAL", "differ", "explicit", "value"]

NONREAL = "not real"
_PRECISIONS = (64, 256, 1024)  # bits of the interval evaluations, tried in turn
_ZERO_TEST_MAX_OPS = 300

class _Unsupported(Exception):
    pass


def _iv(e: Any) -> Any:
    """An mpmath interval enclosing the real number ``e`` at the current ``iv.prec``."""
    iv = mpmath.iv
    if e.is_Integer:
        return iv.mpf(int(e))
    if e.is_Rational:
        return iv.mpf(int(e.p)) / iv.mpf(int(e.q))
    if e is sp.pi:
        return iv.pi
    if e is sp.E:
        return iv.e
    if isinstance(e, sp.Add):
        out = iv.mpf(0)
        for a in e.args:
            out = out + _iv(a)
        return out
    if isinstance(e, sp.Mul):
        out = iv.mpf(1)
        for a in e.args:
            out = out * _iv(a)
        return out
    if isinstance(e, sp.Pow):
        base = _iv(e.base)
        if e.exp.is_Integer:
            return base ** int(e.exp)
        if e.exp == sp.Rational(1, 2):
            return iv.sqrt(base)
        if e.exp == sp.Rational(-1, 2):
            return 1 / iv.sqrt(base)
        if e.base.is_positive:
            return iv.exp(_iv(e.exp) * iv.log(base))
        raise _Unsupported
    table = {sp.exp: iv.exp, sp.log: iv.log, sp.sin: iv.sin, sp.cos: iv.cos, sp.tan: iv.tan, sp.Abs: iv.fabs}
    fn = table.get(type(e))
    if fn is not None and len(e.args) == 1:
        if isinstance(e, sp.log) and not e.args[0].is_positive:
            raise _Unsupported
        return fn(_iv(e.args[0]))
    raise _Unsupported


def _enclosure(e: Any, bits: int) -> tuple[Any, Any] | None:
    """Lower and upper bounds (raw mpf tuples) of the real number ``e``, or None when none is known."""
    saved = mpmath.iv.prec
    try:
        mpmath.iv.prec = bits
        box = _iv(e)
        return box._mpi_  # exact endpoints (raw mpf tuples)
    except (_Unsupported, ValueError, ZeroDivisionError, TypeError, OverflowError):
        pass
    finally:
        mpmath.iv.prec = saved
    digits = int(bits * math.log10(2))
    try:
        v = sp.N(e, digits, strict=True)
    except (sp.PrecisionExhausted, ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None
    if not v.is_Float or v == 0:
        return None
    mid = v._mpf_
    err = mpf_mul(mpf_abs(mid), mpf_pow_int(from_int(10), 2 - digits, bits + 20), bits + 20, "u")
    return mpf_sub(mid, err, bits + 20, "d"), mpf_add(mid, err, bits + 20, "u")


def _realness(v: Any) -> bool | None:
    """Whether the number ``v`` is real: True, False, or None when it cannot be told."""
    if v.is_real is not None:
        return bool(v.is_real)
    try:
        im = sp.im(v)
    except (TypeError, ValueError, RecursionError):
        return None
    if im == 0:
        return True
    box = _enclosure(im, 256)
    if box is not None and (mpf_lt(fzero, box[0]) or mpf_lt(box[1], fzero)):
        return False
    return None


def _exactly_zero(d: Any) -> bool:
    """Whether an exact rewrite reduces the constant ``d`` to 0 (a proof of d = 0)."""
    if d == 0:
        return True
    try:
        if sp.count_ops(d) > _ZERO_TEST_MAX_OPS:
            return False
        if not d.has(sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.pi, sp.E, sp.Abs, sp.sign, sp.Function):
            return bool(sp.minimal_polynomial(d, sp.Dummy("t")).is_Symbol)
        if sp.expand(d) == 0:
            return True
        logs = d.atoms(sp.log)
        if logs and all(a.args[0].is_positive for a in logs):  # both rewrites are exact for positive arguments
            if sp.expand(sp.expand_log(d, force=True, factor=True)) == 0 or sp.logcombine(d, force=True) == 0:
                return True
        return bool(sp.simplify(d) == 0)
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError, sp.PolynomialError):
        return False


def differ(a: Any, b: Any) -> bool | None:
    """True when the numbers differ, False when they are exactly equal, None when it cannot be told."""
    if isinstance(a, str) or isinstance(b, str):
        if a == b == NONREAL:
            return None
        return True  # one side real, the other not: the domain changed
    if a.is_Rational and b.is_Rational:
        return bool(a != b)
    d = a - b
    if d.is_Rational:
        return bool(d != 0)
    for bits in _PRECISIONS:
        la, lb, ld = _enclosure(a, bits), _enclosure(b, bits), _enclosure(d, bits)
        if la is not None and lb is not None and (mpf_lt(la[1], lb[0]) or mpf_lt(lb[1], la[0])):
            return True
        if ld is not None and (mpf_lt(fzero, ld[0]) or mpf_lt(ld[1], fzero)):
            return True
    return False if _exactly_zero(sp.expand(d) if sp.count_ops(d) < 200 else d) else None


def _scalar(v: Any) -> Any:
    """A value at a point: a real number, ``NONREAL``, or None (pole or not evaluable)."""
    if not isinstance(v, sp.Basic) or v.free_symbols:
        return None
    if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    if v.has(sp.Limit, sp.Derivative, sp.Integral, sp.Sum, sp.Product, sp.core.function.AppliedUndef):
        return None
    if isinstance(v, sp.logic.boolalg.BooleanAtom) or not v.is_number:
        return None
    if v.has(sp.I):
        return NONREAL  # an imaginary part on the way (log or even root of a negative), even if it cancels
    real = _realness(v)
    if real is None:
        return None
    return v if real else NONREAL


def _outside_real_domain(point: Point, expr: Any) -> bool:
    """Whether a logarithm or even root in ``expr`` has a negative argument at ``point``."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.log):
            arg = node.args[0]
        elif isinstance(node, sp.Pow) and node.exp.is_Rational and node.exp.q % 2 == 0:
            arg = node.base
        else:
            continue
        try:
            v = point.apply(arg)
        except MemoryError:
            raise
        except Exception:
            continue
        if isinstance(v, sp.Basic) and v.is_number and not v.has(sp.I) and v.is_negative:
            return True
    return False


def value(point: Point, expr: Any) -> list[Any] | None:
    """The entries of ``expr`` at ``point`` (one for a scalar), or None where not evaluable."""
    if not isinstance(expr, sp.MatrixBase) and _outside_real_domain(point, expr):
        return [NONREAL]
    try:
        v = point.apply(expr)
    except MemoryError:
        raise
    except Exception:  # SymPy raises many kinds on poles and unevaluable forms
        return None
    if isinstance(v, sp.MatrixExpr) and not isinstance(v, sp.MatrixBase):
        try:
            v = v.as_explicit()
        except Exception:
            return None
    entries = list(v) if isinstance(v, sp.MatrixBase) else [v]
    out = [_scalar(e) for e in entries]
    if any(e is None for e in out):
        return None
    return out


def explicit(point: Point, expr: Any) -> Any:
    try:
        v = point.apply(expr)
        return v.as_explicit() if isinstance(v, sp.MatrixExpr) and not isinstance(v, sp.MatrixBase) else v
    except MemoryError:
        raise
    except Exception:
        return expr

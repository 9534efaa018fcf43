r"""Numbers into exact SymPy values, shared by every symbolic twin.

A float enters at its exact binary value (``0.1`` becomes
``3602879701896397/36028797018963968``, never 1/10); a decimal string enters as the
decimal it spells (``"0.1"`` is 1/10) and a ratio string as the ratio (``"1/3"``).
Strings are matched against two small patterns and converted by :class:`fractions.Fraction`;
nothing is ever parsed as SymPy code.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["exact"]

# Exponents are capped at four digits: "1e999999999" would otherwise build a
# billion-digit integer before any check could refuse it.
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,4})?")
_RATIO = re.compile(r"[+-]?\d+/\d+")
_NOT_FINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)


def exact(value: Any, name: str, *, symbolic: bool = False) -> sp.Expr:
    r"""``value`` as an exact real SymPy number (or, with ``symbolic``, a real expression).

    Parameters
    ----------
    value
        An ``int``, ``float`` (finite), :class:`fractions.Fraction`, NumPy integer or
        float, a decimal string such as ``"0.25"`` or ``"-1.5e-3"``, a ratio string such
        as ``"1/3"``, or a finite real SymPy number. With ``symbolic=True`` also a SymPy
        expression with free symbols, unless it is known not to be real.
    name
        The argument's name, used in every error message (e.g. ``"point[1]"``).
    symbolic
        Whether expressions with free symbols (or undefined functions) are accepted.

    Returns
    -------
    sympy.Expr
        An exact value: Python and NumPy numbers become ``Integer`` or ``Rational``,
        SymPy numbers are returned as they are except that every ``Float`` inside is
        replaced by its exact binary value.

    Raises
    ------
    TypeError
        A ``bool``, ``None``, complex, bytes, a matrix or any other non-number.
    ValueError
        A NaN or infinite value, a string that is neither a decimal nor a ratio of
        integers (or has denominator 0), a SymPy value that is not real, or an
        expression with free symbols when ``symbolic`` is false.

    Notes
    -----
    For a finite float :math:`x`, the result is the rational :math:`p/q` with
    :math:`q` a power of two that equals :math:`x` exactly, so ``float(exact(x, "x")) == x``.
    A decimal string :math:`d_1\dots d_k.e_1\dots e_m` with exponent :math:`E` becomes
    :math:`(d_1\dots d_k e_1\dots e_m)\cdot 10^{E-m}` in lowest terms.

    Examples
    --------
    >>> exact(0.25, "x"), exact("0.1", "x"), exact("-2/6", "x")
    (1/4, 1/10, -1/3)
    >>> exact(0.1, "x")
    3602879701896397/36028797018963968
    >>> exact(sp.Float(0.5) * sp.Symbol("t"), "x", symbolic=True)
    t/2
    >>> exact(float("nan"), "gamma")
    Traceback (most recent call last):
    ...
    ValueError: gamma: expected a finite number; got nan
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a real number; got bool {value!r}")
    if isinstance(value, (int, np.integer)):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            raise ValueError(f"{name}: expected a finite number; got {value}")
        return sp.Rational(float(value))
    if isinstance(value, str):
        return _from_string(value, name)
    if isinstance(value, sp.Expr) and not getattr(value, "is_Matrix", False):
        return _from_sympy(value, name, symbolic=symbolic)
    kinds = f"int, float, Fraction, decimal string or real SymPy {'expression' if symbolic else 'number'}"
    raise TypeError(f"{name}: expected a real number ({kinds}); got {type(value).__name__} {value!r}"[:200])


def _from_string(text: str, name: str) -> sp.Rational:
    """A decimal or ratio string as an exact rational, or a ValueError naming ``name``."""
    s = text.strip()
    if not (_DECIMAL.fullmatch(s) or _RATIO.fullmatch(s)):
        raise ValueError(
            f"{name}: expected a decimal string such as '0.25' or a ratio such as '1/3'; got {text!r}"[:200]
        )
    try:
        q = Fraction(s)
    except ZeroDivisionError:
        raise ValueError(f"{name}: expected a nonzero denominator; got {text!r}") from None
    return sp.Rational(q.numerator, q.denominator)


def _from_sympy(value: sp.Expr, name: str, *, symbolic: bool) -> sp.Expr:
    """A SymPy value checked finite and real, its Floats replaced by their exact binary values."""
    if value.has(*_NOT_FINITE):
        raise ValueError(f"{name}: expected a finite real number; got {value}")
    value = value.xreplace({f: sp.Rational(f) for f in value.atoms(sp.Float)})
    if not value.is_number:
        if not symbolic:
            raise ValueError(f"{name}: expected a number; got the expression {value}")
        if value.is_extended_real is False:
            raise ValueError(f"{name}: expected a real value; got {value}")
        return value
    if value.is_extended_real is False or value.is_finite is False:
        raise ValueError(f"{name}: expected a finite real number; got {value}")
    return value

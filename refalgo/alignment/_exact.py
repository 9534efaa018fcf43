"""Exact inputs for the symbolic twins: numbers become SymPy rationals without rounding."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp


def exact(x: Any, name: str) -> sp.Expr:
    """``x`` as an exact SymPy number: floats by their binary value, strings as decimals."""
    if isinstance(x, sp.Basic):
        if not x.is_number or x.is_real is False:
            raise TypeError(f"{name}: expected a real number; got {x!r}")
        return x
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a real number; got {x!r}")
    if isinstance(x, (int, np.integer)):
        return sp.Integer(int(x))
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise ValueError(f"{name}: expected a finite number; got {x}")
        return sp.Rational(float(x))
    if isinstance(x, str):
        try:
            Fraction(x)
        except ValueError:
            raise ValueError(f"{name}: expected a decimal number such as '0.1'; got {x!r}") from None
        return sp.Rational(x)
    raise TypeError(f"{name}: expected a real number; got {type(x).__name__} {x!r}")


def exact_or_symbol(x: Any, name: str) -> sp.Expr:
    """A SymPy expression with free symbols as it is; anything else through :func:`exact`."""
    if isinstance(x, sp.Expr) and x.free_symbols:
        return x
    return exact(x, name)


def exact_vector(xs: Iterable[Any], name: str) -> list[sp.Expr]:
    """A sequence of numbers as a list of exact SymPy numbers."""
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Iterable):
        raise TypeError(f"{name}: expected a sequence of numbers; got {type(xs).__name__}")
    out = [exact(x, f"{name}[{i}]") for i, x in enumerate(xs)]
    if not out:
        raise ValueError(f"{name}: expected at least one number; got none")
    return out


def sigmoid(z: sp.Expr) -> sp.Expr:
    """The logistic function as a SymPy expression, 1 / (1 + exp(-z))."""
    return 1 / (1 + sp.exp(-z))

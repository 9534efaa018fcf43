"""A SymPy expression and its variables, checked; its exact value at a point, checked finite and real."""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from ..._validate import as_symbols

NOT_FINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)


def as_expression(f: object, name: str = "f") -> sp.Expr:
    """``f`` if it is a scalar SymPy expression, else a TypeError naming ``name``."""
    if not isinstance(f, sp.Expr):
        raise TypeError(f"{name}: expected a scalar SymPy expression; got {type(f).__name__} {f!r}"[:160])
    return f


def check_expression(f: object, variables: Sequence[sp.Symbol]) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """A scalar SymPy expression ``f`` whose free symbols are all among the distinct ``variables``."""
    expr = as_expression(f)
    xs = as_symbols(variables)
    extra = expr.free_symbols - set(xs)
    if extra:
        raise ValueError(f"f: has free symbols {sorted(map(str, extra))} that are not among variables {xs}")
    return expr, xs


def exact_at(expr: sp.Expr, what: str, where: str) -> sp.Expr:
    """``expr`` (already at a point) evaluated, or a ValueError if it is not a finite real number."""
    value = expr.doit()
    if value.has(*NOT_FINITE) or value.is_finite is False or value.is_extended_real is False or not value.is_number:
        raise ValueError(f"f: {what} is {value} at {where}; expected a finite real number")
    return value

"""Exact inputs for the symbolic twins: numbers become SymPy rationals without rounding.

:func:`exact` is the project's shared converter (:mod:`refalgo._exact`), re-exported here
for the chapter's modules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sympy as sp

from .._exact import exact

__all__ = ["exact", "exact_or_symbol", "exact_vector", "sigmoid"]


def exact_or_symbol(x: Any, name: str) -> sp.Expr:
    """A number as :func:`exact` makes it, or a SymPy expression with free symbols (not known to be non-real)."""
    return exact(x, name, symbolic=True)


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

"""Quadratic forms written out as sums, for the derivations of the quadratic-forms page."""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp


def bilinear(A: sp.MatrixBase, u: Sequence[sp.Expr], v: Sequence[sp.Expr] | None = None) -> sp.Expr:
    r""":math:`u^\top A v = \sum_{i,j} a_{ij} u_i v_j` as one flat sum (``v = u`` by default)."""
    v = u if v is None else v
    n = A.shape[0]
    return sp.Add(*(A[i, j] * u[i] * v[j] for i in range(n) for j in range(n)))


def symmetric_matrix(n: int) -> tuple[sp.ImmutableMatrix, tuple[sp.Symbol, ...]]:
    """A symmetric ``n × n`` matrix of real symbols a_ij (i <= j) and the vector x_1, …, x_n."""
    a = {(i, j): sp.Symbol(f"a_{{{i + 1}{j + 1}}}", real=True) for i in range(n) for j in range(i, n)}
    A = sp.ImmutableMatrix(n, n, lambda i, j: a[(min(i, j), max(i, j))])
    return A, sp.symbols(f"x_1:{n + 1}", real=True)

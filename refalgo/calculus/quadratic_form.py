r"""Quadratic polynomials as coefficients (多元二次多项式, 二次型): $f(x) = x^\top A x + b^\top x + c$.

A polynomial of total degree 2 in $x_1, \dots, x_n$ is determined by a symmetric
matrix $A$, a vector $b$ and a number $c$: $A_{ii}$ is the coefficient of $x_i^2$,
and the coefficient of $x_i x_j$ ($i \ne j$) is split evenly between $A_{ij}$ and
$A_{ji}$. Only the symmetric part of a coefficient matrix matters, since
$x^\top A x = x^\top \tfrac{A + A^\top}{2} x$ (verified in
:func:`refalgo.calculus.quadratic_derivations.derivations`). What the signs of $A$'s
eigenvalues make of $f$ is :mod:`refalgo.calculus.quadratic`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import sympy as sp

from ._quadratic_exact import check_variables

__all__ = ["QuadraticForm", "quadratic_form_symbolic"]


class QuadraticForm(NamedTuple):
    r"""The coefficients of $f(x) = x^\top A x + b^\top x + c$ with ``A`` symmetric.

    Attributes
    ----------
    A
        Symmetric ``(n, n)`` ``sympy.Matrix``; $A_{ii}$ is the coefficient of
        $x_i^2$ and $A_{ij} = A_{ji}$ half that of $x_i x_j$.
    b
        ``(n, 1)`` ``sympy.Matrix`` of the linear coefficients.
    c
        The constant term.
    """

    A: sp.Matrix
    b: sp.Matrix
    c: sp.Expr


def quadratic_form_symbolic(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> QuadraticForm:
    r"""The coefficients ``(A, b, c)`` of a polynomial of degree exactly 2 in ``variables``.

    Parameters
    ----------
    expr
        A SymPy expression, polynomial of total degree 2 in ``variables``; other
        symbols are parameters and may appear in the coefficients.
    variables
        The distinct SymPy symbols $x_1, \dots, x_n$.

    Returns
    -------
    QuadraticForm
        ``A`` symmetric ``(n, n)``, ``b`` ``(n, 1)`` and ``c`` with
        ``expr == x.T*A*x + b.T*x + c``.

    Raises
    ------
    TypeError
        If ``expr`` is not a SymPy expression or a variable is not a symbol.
    ValueError
        If ``variables`` is empty or repeats a symbol, or ``expr`` is not a polynomial
        of degree exactly 2 in them.

    Notes
    -----
    $A_{ii}$ is the coefficient of $x_i^2$; the coefficient $a$ of
    $x_i x_j$ ($i \ne j$) is split evenly, $A_{ij} = A_{ji} = a/2$.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> quadratic_form_symbolic(x**2 + 3*x*y - y + 5, [x, y])
    QuadraticForm(A=Matrix([
    [  1, 3/2],
    [3/2,   0]]), b=Matrix([
    [ 0],
    [-1]]), c=5)
    """
    xs = check_variables(variables)
    if not isinstance(expr, sp.Expr):
        raise TypeError(f"expr: expected a SymPy expression; got {type(expr).__name__} {expr!r}")
    try:
        poly = sp.Poly(expr, *xs)
    except sp.PolynomialError as exc:
        raise ValueError(f"expr: expected a polynomial in {list(xs)}; got {expr} ({exc})") from None
    if poly.total_degree() != 2:
        raise ValueError(f"expr: expected a polynomial of degree exactly 2 in {list(xs)}; got degree {poly.total_degree()}")
    n = len(xs)

    def coeff(powers: list[int]) -> sp.Expr:
        return poly.coeff_monomial(tuple(powers))

    def unit(*idx: int) -> list[int]:
        return [sum(1 for i in idx if i == k) for k in range(n)]

    A = sp.Matrix(n, n, lambda i, j: coeff(unit(i, j)) / (1 if i == j else 2))
    b = sp.Matrix([coeff(unit(k)) for k in range(n)])
    return QuadraticForm(A, b, coeff([0] * n))

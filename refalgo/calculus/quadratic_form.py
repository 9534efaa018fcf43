r"""Quadratic polynomials as coefficients, and completing the square (多元二次多项式, 二次型, 配方).

A polynomial of total degree 2 in $x_1, \dots, x_n$ is $f(x) = x^\top A x + b^\top x + c$.
Its gradient is $2Ax + b$, and about any solution $x^*$ of $2Ax^* + b = 0$ it is a pure
quadratic form plus a constant, $f(x) = (x - x^*)^\top A (x - x^*) + f(x^*)$: completing
the square, which :func:`derivations` verifies. What the signs of $A$'s eigenvalues then
make of $f$ is :mod:`refalgo.calculus.quadratic`.

Conventions
-----------
* $A$ is symmetric: $A_{ii}$ is the coefficient of $x_i^2$, and the coefficient of
  $x_i x_j$ ($i \ne j$) is split evenly between $A_{ij}$ and $A_{ji}$. Only the
  symmetric part of a coefficient matrix matters, $x^\top A x = x^\top \tfrac{A + A^\top}{2} x$.
* ``b`` is a column ``(n, 1)``; symbols other than ``variables`` are parameters and may
  appear in the coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import sympy as sp

from .._validate import as_symbols
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ._engine.expressions import as_expression
from ._engine.forms import bilinear, symmetric_matrix

__all__ = ["QuadraticForm", "derivations", "quadratic_form_symbolic"]


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


# ---------------------------------------------------------------------- symbolic twin
def quadratic_form_symbolic(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> QuadraticForm:
    r"""The coefficients ``(A, b, c)`` of a polynomial of degree exactly 2 in ``variables``.

    $x_1, \dots, x_n$ are ``variables``; $f$ is ``expr``.

    Parameters
    ----------
    expr
        A SymPy expression, polynomial of total degree 2 in ``variables``.
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

    References
    ----------
    R. A. Horn and C. R. Johnson, *Matrix Analysis*, 2nd ed., 2013, §4.1 (Hermitian and symmetric matrices).

    Examples
    --------
    >>> x, y = sp.symbols("x y", real=True)
    >>> quadratic_form_symbolic(x**2 + 3*x*y - y + 5, [x, y]).A
    Matrix([
    [  1, 3/2],
    [3/2,   0]])
    """
    xs = as_symbols(variables)
    as_expression(expr, "expr")
    try:
        poly = sp.Poly(expr, *xs)
    except sp.PolynomialError as exc:
        raise ValueError(f"expr: expected a polynomial in {list(xs)}; got {expr} ({exc})") from None
    if poly.total_degree() != 2:
        raise ValueError(f"expr: expected a polynomial of degree exactly 2 in {list(xs)}; got degree {poly.total_degree()}")
    n = len(xs)

    def coeff(*idx: int) -> sp.Expr:
        """The coefficient of the monomial that is the product of the variables at ``idx``."""
        return poly.coeff_monomial(tuple(sum(1 for i in idx if i == k) for k in range(n)))

    A = sp.Matrix(n, n, lambda i, j: coeff(i, j) / (1 if i == j else 2))  # A_ij = A_ji = half the x_i x_j coefficient
    b = sp.Matrix([coeff(k) for k in range(n)])
    return QuadraticForm(A, b, coeff())


# ---------------------------------------------------------------------- derivations
def _symmetrization() -> Derivation:
    n = 2
    a = sp.ImmutableMatrix(n, n, lambda i, j: sp.Symbol(f"a_{{{i + 1}{j + 1}}}", real=True))
    x = sp.symbols(f"x_1:{n + 1}", real=True)
    half = {(i, j): sp.Symbol(f"s_{{{i + 1}{j + 1}}}", real=True) for i in range(n) for j in range(i, n)}
    s = sp.ImmutableMatrix(n, n, lambda i, j: half[(min(i, j), max(i, j))])
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    grouped = sp.Add(*(a[i, i] * x[i] ** 2 for i in range(n))) + sp.Add(*((a[i, j] + a[j, i]) * x[i] * x[j] for i, j in pairs))
    return Derivation(
        "Only the symmetric part of A counts (2×2, A not symmetric)",
        [
            Step(bilinear(a, x), "expand the product"),
            Step(grouped, "x1 x2 = x2 x1, so only a12 + a21 multiplies x1 x2"),
            Step(bilinear(s, x), "split a12 + a21 evenly between the two positions"),
        ],
        where={half[(i, j)]: (a[i, j] + a[j, i]) / 2 for i, j in half},
        lhs_latex=r"x^\top A x",
    )


def _stationary_point() -> Derivation:
    A, x = symmetric_matrix(2)
    X, b = sp.ImmutableMatrix(x), sp.ImmutableMatrix(sp.symbols("b_1:3", real=True))
    inverse = A.adjugate() / A.det()
    star = (-inverse * b / 2).applyfunc(sp.together)
    zero = sp.ImmutableMatrix([0, 0])
    return Derivation(
        "The stationary point: ∇f = 2Ax + b = 0 ⇔ x = −½A⁻¹b (2×2)",
        [
            Step(sp.Eq(2 * A * X + b, zero, evaluate=False), "∇f(x) = (A + Aᵀ)x + b = 2Ax + b; set it to 0"),
            Step(sp.Eq(A * X, -b / 2, evaluate=False), "halve both sides", factor=sp.Rational(1, 2)),
            Step(sp.Eq(X, star, evaluate=False), "multiply by A⁻¹ = adj A / det A (undone by multiplying by A)", factor=inverse),
        ],
        assumptions=Assumptions.of(sp.Ne(A.det(), 0), matrices={A: "symmetric"}),
    )

def _completed_square_2x2() -> Derivation:
    A, x = symmetric_matrix(2)
    b = sp.symbols("b_1:3", real=True)
    c, fs = sp.Symbol("c", real=True), sp.Symbol("f^*", real=True)
    p = sp.symbols("x^*_1:3", real=True)
    det, adj = A.det(), A.adjugate()
    star = [sp.together(-(adj[i, 0] * b[0] + adj[i, 1] * b[1]) / (2 * det)) for i in range(2)]
    linear = sp.Add(*(sp.Add(*(A[i, j] * p[j] for j in range(2))) * x[i] for i in range(2)))
    return Derivation(
        "Completing the square, 2×2, about the stationary point −½A⁻¹b",
        [
            Step(bilinear(A, [x[i] - p[i] for i in range(2)]) + fs, "definition"),
            Step(bilinear(A, x) - 2 * linear + bilinear(A, p) + fs, "expand; A symmetric, so the cross terms are 2 (Ax*)ᵀx"),
            Step(bilinear(A, x) + b[0] * x[0] + b[1] * x[1] + c, "−2Ax* = b and f* = c − x*ᵀAx* = c − ¼bᵀA⁻¹b"),
        ],
        assumptions=Assumptions.of(sp.Ne(det, 0), matrices={A: "symmetric"}),
        where={p[0]: star[0], p[1]: star[1], fs: c - bilinear(adj, b) / (4 * det)},
        lhs_latex=r"(x - x^*)^\top A (x - x^*) + f(x^*)",
    )

def _completed_square_3x3() -> Derivation:
    A, x = symmetric_matrix(3)
    b = sp.symbols("b_1:4", real=True)
    c, fs = sp.Symbol("c", real=True), sp.Symbol("f^*", real=True)
    p = sp.symbols("x^*_1:4", real=True)
    Ap = [sp.Add(*(A[i, j] * p[j] for j in range(3))) for i in range(3)]
    return Derivation(
        "Completing the square, 3×3, about any solution of 2Ax + b = 0",
        [
            Step(bilinear(A, [x[i] - p[i] for i in range(3)]) + fs, "definition"),
            Step(bilinear(A, x) - 2 * sp.Add(*(Ap[i] * x[i] for i in range(3))) + bilinear(A, p) + fs, "expand; A symmetric"),
            Step(bilinear(A, x) + sp.Add(*(b[i] * x[i] for i in range(3))) + c, "b = −2Ax* and f* = c − x*ᵀAx*"),
        ],
        assumptions=Assumptions.of(matrices={A: "symmetric"}),
        where={**{b[i]: -2 * Ap[i] for i in range(3)}, fs: c - bilinear(A, p)},
        lhs_latex=r"(x - x^*)^\top A (x - x^*) + f(x^*)",
    )


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations of this module: symmetric part, stationary point, completing the square.

    Returns
    -------
    tuple of Derivation
        $x^\top A x = x^\top \tfrac{A + A^\top}{2} x$ for a general 2×2 $A$;
        $2Ax + b = 0 \Leftrightarrow x = -\tfrac12 A^{-1} b$ (2×2);
        $(x - x^*)^\top A (x - x^*) + f(x^*) = x^\top A x + b^\top x + c$ for a symmetric
        invertible 2×2 $A$ with $x^* = -\tfrac12 A^{-1} b$, and for a symmetric 3×3 $A$ at
        any $x^*$ with $2Ax^* + b = 0$ (singular $A$ included).

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, 2004, Appendix A.5.5.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven', 'proven']
    """
    return (_symmetrization(), _stationary_point(), _completed_square_2x2(), _completed_square_3x3())

r"""The verified derivations of the quadratic-forms page: symmetrization, stationary point, value, completed square.

Each is a chain of exact SymPy steps over a matrix of real symbols
$a_{ij}$; the page renders them and the tests verify every link.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from ..assumptions import Assumptions
from ..derivation import Derivation, Step

__all__ = ["derivations"]


def _symmetric(n: int) -> tuple[sp.ImmutableMatrix, tuple[sp.Symbol, ...]]:
    """A symmetric ``n × n`` matrix of real symbols a_ij (i <= j) and the vector x."""
    a = {(i, j): sp.Symbol(f"a_{{{i + 1}{j + 1}}}", real=True) for i in range(n) for j in range(i, n)}
    A = sp.ImmutableMatrix(n, n, lambda i, j: a[(min(i, j), max(i, j))])
    return A, sp.symbols(f"x_1:{n + 1}", real=True)


def _quad(A: sp.MatrixBase, u: Sequence[sp.Expr], v: Sequence[sp.Expr] | None = None) -> sp.Expr:
    """$u^T A v$ as a scalar sum (``v = u`` by default)."""
    v = u if v is None else v
    n = A.shape[0]
    return sp.Add(*(A[i, j] * u[i] * v[j] for i in range(n) for j in range(n)))


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
            Step(_quad(a, x), "expand the product"),
            Step(grouped, "x1 x2 = x2 x1, so only a12 + a21 multiplies x1 x2"),
            Step(_quad(s, x), "split a12 + a21 evenly between the two positions"),
        ],
        where={half[(i, j)]: (a[i, j] + a[j, i]) / 2 for i, j in half},
        lhs_latex=r"x^\top A x",
    )


def _completed_square_2x2() -> Derivation:
    A, x = _symmetric(2)
    b = sp.symbols("b_1:3", real=True)
    c, fs = sp.Symbol("c", real=True), sp.Symbol("f^*", real=True)
    p = sp.symbols("x^*_1:3", real=True)
    det = A.det()
    adj = A.adjugate()
    star = [sp.together(-(adj[i, 0] * b[0] + adj[i, 1] * b[1]) / (2 * det)) for i in range(2)]
    linear = sp.Add(*(sp.Add(*(A[i, j] * p[j] for j in range(2))) * x[i] for i in range(2)))
    return Derivation(
        "Completing the square, 2×2, about the stationary point −½A⁻¹b",
        [
            Step(_quad(A, [x[i] - p[i] for i in range(2)]) + fs, "definition"),
            Step(_quad(A, x) - 2 * linear + _quad(A, p) + fs, "expand; A symmetric, so the cross terms are 2 (Ax*)ᵀx"),
            Step(_quad(A, x) + b[0] * x[0] + b[1] * x[1] + c, "−2Ax* = b and f* = c − x*ᵀAx* = c − ¼bᵀA⁻¹b"),
        ],
        assumptions=Assumptions.of(sp.Ne(det, 0), matrices={A: "symmetric"}),
        where={p[0]: star[0], p[1]: star[1], fs: c - _quad(adj, b) / (4 * det)},
        lhs_latex=r"(x - x^*)^\top A (x - x^*) + f(x^*)",
    )


def _completed_square_3x3() -> Derivation:
    A, x = _symmetric(3)
    b = sp.symbols("b_1:4", real=True)
    c, fs = sp.Symbol("c", real=True), sp.Symbol("f^*", real=True)
    p = sp.symbols("x^*_1:4", real=True)
    Ap = [sp.Add(*(A[i, j] * p[j] for j in range(3))) for i in range(3)]
    return Derivation(
        "Completing the square, 3×3, about any solution of 2Ax + b = 0",
        [
            Step(_quad(A, [x[i] - p[i] for i in range(3)]) + fs, "definition"),
            Step(_quad(A, x) - 2 * sp.Add(*(Ap[i] * x[i] for i in range(3))) + _quad(A, p) + fs, "expand; A symmetric"),
            Step(_quad(A, x) + sp.Add(*(b[i] * x[i] for i in range(3))) + c, "b = −2Ax* and f* = c − x*ᵀAx*"),
        ],
        assumptions=Assumptions.of(matrices={A: "symmetric"}),
        where={**{b[i]: -2 * Ap[i] for i in range(3)}, fs: c - _quad(A, p)},
        lhs_latex=r"(x - x^*)^\top A (x - x^*) + f(x^*)",
    )


def _stationary_point() -> Derivation:
    A, x = _symmetric(2)
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


def _minimum_value() -> Derivation:
    A, _ = _symmetric(2)
    b = sp.symbols("b_1:3", real=True)
    c = sp.Symbol("c", real=True)
    p = sp.symbols("x^*_1:3", real=True)
    det, adj = A.det(), A.adjugate()
    star = {p[i]: sp.together(-(adj[i, 0] * b[0] + adj[i, 1] * b[1]) / (2 * det)) for i in range(2)}
    btx = b[0] * p[0] + b[1] * p[1]
    return Derivation(
        "The value at the stationary point is c − ¼bᵀA⁻¹b (2×2)",
        [
            Step(_quad(A, p) + btx + c, "definition of f"),
            Step(sp.Add(-btx / 2, btx, c, evaluate=False), "Ax* = −b/2, so x*ᵀAx* = −½bᵀx*"),
            Step(c + btx / 2, "collect"),
            Step(c - _quad(adj, b) / (4 * det), "x* = −½A⁻¹b with A⁻¹ = adj A / det A"),
        ],
        assumptions=Assumptions.of(sp.Ne(det, 0), matrices={A: "symmetric"}),
        where=star,
        lhs_latex="f(x^*)",
    )


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations of the page: symmetrization, stationary point, value, completed square.

    Returns
    -------
    tuple of Derivation
        (1) $x^\top A x = x^\top \tfrac{A + A^\top}{2} x$ for a general 2×2 $A$;
        (2) $2Ax + b = 0 \Leftrightarrow x = -\tfrac12 A^{-1} b$ (equation chain, 2×2);
        (3) $f(x^*) = c - \tfrac14 b^\top A^{-1} b$ (2×2);
        (4) $(x - x^*)^\top A (x - x^*) + f(x^*) = x^\top A x + b^\top x + c$ for a
        symmetric invertible 2×2 $A$ with $x^* = -\tfrac12 A^{-1} b$, and
        (5) for a symmetric 3×3 $A$ at any $x^*$ with $2Ax^* + b = 0$
        (singular $A$ included).

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, 2004, Appendix A.5.5.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven', 'proven', 'proven']
    """
    return (_symmetrization(), _stationary_point(), _minimum_value(), _completed_square_2x2(), _completed_square_3x3())

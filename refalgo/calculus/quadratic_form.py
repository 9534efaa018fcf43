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
* ``b`` is a column ``(n, 1)`` in the symbolic twin, whose symbols other than
  ``variables`` are parameters and may appear in the coefficients; a 1-D array in the
  numeric twin.

Equations
---------
Each line of the twins is tagged with the equation it implements; $[m]\,f$ is the
coefficient of the monomial $m$ in $f$, and $e_i$ the $i$-th axis.

$$
\begin{aligned}
& A_{ii} = [x_i^2]\,f, \quad A_{ij} = A_{ji} = \tfrac12 [x_i x_j]\,f, \quad b_i = [x_i]\,f, \quad c = [1]\,f && (1)\\
& c = f(0), \qquad f(\pm e_i) = A_{ii} \pm b_i + c && (2)\\
& f(e_i + e_j) = A_{ii} + A_{jj} + 2 A_{ij} + b_i + b_j + c && (3)
\end{aligned}
$$
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._validate import as_symbols
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..parsing import Notation
from ..registry import Concept
from ._engine.differences import ScalarFunction, check_callable, value_at
from ._engine.examples import FORM_TOLERANCE, as_callable, quadratic_polynomials
from ._engine.expressions import as_expression
from ._engine.forms import bilinear, symmetric_matrix

__all__ = ["QuadraticForm", "derivations", "quadratic_form", "quadratic_form_symbolic"]


class QuadraticForm(NamedTuple):
    r"""The coefficients of $f(x) = x^\top A x + b^\top x + c$ with ``A`` symmetric.

    Attributes
    ----------
    A
        Symmetric ``(n, n)``; $A_{ii}$ is the coefficient of $x_i^2$ and
        $A_{ij} = A_{ji}$ half that of $x_i x_j$. A ``sympy.Matrix`` (symbolic twin) or
        a float array (numeric twin).
    b
        The linear coefficients: an ``(n, 1)`` ``sympy.Matrix`` or an ``(n,)`` array.
    c
        The constant term: a ``sympy.Expr`` or a float.
    """

    A: sp.Matrix | NDArray[np.float64]
    b: sp.Matrix | NDArray[np.float64]
    c: sp.Expr | float


# ---------------------------------------------------------------------- symbolic twin
def quadratic_form_symbolic(f: sp.Expr, variables: Sequence[sp.Symbol]) -> QuadraticForm:
    r"""The coefficients ``(A, b, c)`` of a polynomial of degree exactly 2 in ``variables``.

    $x_1, \dots, x_n$ are ``variables``.

    Parameters
    ----------
    f
        A SymPy expression, polynomial of total degree 2 in ``variables``.
    variables
        The distinct SymPy symbols $x_1, \dots, x_n$.

    Returns
    -------
    QuadraticForm
        ``A`` symmetric ``(n, n)``, ``b`` ``(n, 1)`` and ``c`` with
        ``f == x.T*A*x + b.T*x + c``.

    Raises
    ------
    TypeError
        If ``f`` is not a SymPy expression or a variable is not a symbol.
    ValueError
        If ``variables`` is empty or repeats a symbol, or ``f`` is not a polynomial
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
    as_expression(f)
    try:
        poly = sp.Poly(f, *xs)
    except sp.PolynomialError as exc:
        raise ValueError(f"f: expected a polynomial in {list(xs)}; got {f} ({exc})") from None
    if poly.total_degree() != 2:
        raise ValueError(f"f: expected a polynomial of degree exactly 2 in {list(xs)}; got degree {poly.total_degree()}")
    n = len(xs)

    def coeff(*idx: int) -> sp.Expr:
        """The coefficient of the monomial that is the product of the variables at ``idx``."""
        return poly.coeff_monomial(tuple(sum(1 for i in idx if i == k) for k in range(n)))

    A = sp.Matrix(n, n, lambda i, j: coeff(i, j) / (1 if i == j else 2))  # (1) A_ij = A_ji = ½ [x_i x_j] f
    b = sp.Matrix([coeff(k) for k in range(n)])  # (1) b_i = [x_i] f
    return QuadraticForm(A, b, coeff())  # (1) c = [1] f


# ---------------------------------------------------------------------- numeric twin
def quadratic_form(f: ScalarFunction, n: int) -> QuadraticForm:
    r"""The coefficients ``(A, b, c)`` of a quadratic function ``f`` of ``n`` variables, from its values.

    $1 + 2n + n(n-1)/2$ values of ``f``, at $0$, $\pm e_i$ and $e_i + e_j$, determine a
    polynomial of degree at most 2 (polarization); the coefficients are exact up to
    rounding when ``f`` is one. Nothing checks that it is: for any other ``f`` the
    result is the quadratic through those points.

    Parameters
    ----------
    f
        A function of a 1-D float array of length ``n`` returning a real number.
    n
        The number of variables, at least 1.

    Returns
    -------
    QuadraticForm
        ``A`` symmetric ``(n, n)``, ``b`` ``(n,)`` and ``c``, floats.

    Raises
    ------
    TypeError
        If ``f`` is not callable or returns something that is not a real number, or
        ``n`` is not an int.
    ValueError
        If ``n`` < 1, or ``f`` returns a non-scalar or a non-finite value.

    References
    ----------
    R. A. Horn and C. R. Johnson, *Matrix Analysis*, 2nd ed., 2013, §4.1 (Hermitian and symmetric matrices).

    Examples
    --------
    >>> quadratic_form(lambda p: p[0] ** 2 + 3 * p[0] * p[1] - p[1] + 5, 2).A
    array([[1. , 1.5],
           [1.5, 0. ]])
    """
    check_callable(f)
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n: expected an int; got {n!r}")
    if n < 1:
        raise ValueError(f"n: expected at least 1 variable; got {n}")
    e = np.eye(n)
    c = float(value_at(f, np.zeros(n), "0"))  # (2) c = f(0)
    ahead = np.array([value_at(f, e[i], f"e_{i}") for i in range(n)], dtype=np.float64)
    behind = np.array([value_at(f, -e[i], f"-e_{i}") for i in range(n)], dtype=np.float64)
    b = (ahead - behind) / 2  # (2) f(±e_i) = A_ii ± b_i + c
    A = np.diag((ahead + behind) / 2 - c)  # (2)
    for i, j in zip(*np.triu_indices(n, 1)):
        pair = float(value_at(f, e[i] + e[j], f"e_{i} + e_{j}"))
        A[i, j] = A[j, i] = (pair - ahead[i] - ahead[j] + c) / 2  # (3) f(e_i + e_j) = A_ii + A_jj + 2A_ij + b_i + b_j + c
    return QuadraticForm(A, b, c)


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
            Step(grouped, r"$x_1 x_2 = x_2 x_1$, so only $a_{12} + a_{21}$ multiplies $x_1 x_2$",
                 display=r"a_{11} x_1^2 + (a_{12} + a_{21}) x_1 x_2 + a_{22} x_2^2"),
            Step(bilinear(s, x), r"split $a_{12} + a_{21}$ evenly between the two positions"),
        ],
        where={half[(i, j)]: (a[i, j] + a[j, i]) / 2 for i, j in half},
        lhs_latex=r"x^\top A x",
        names={a[i, j]: f"a_{{{i + 1}{j + 1}}}" for i in range(n) for j in range(n)},
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
            Step(sp.Eq(2 * A * X + b, zero, evaluate=False), r"$\nabla f(x) = (A + A^\top)x + b = 2Ax + b$; set it to $0$"),
            Step(sp.Eq(A * X, -b / 2, evaluate=False), "halve both sides", factor=sp.Rational(1, 2)),
            Step(sp.Eq(X, star, evaluate=False), r"multiply by $A^{-1} = \operatorname{adj} A / \det A$ (undone by multiplying by $A$)", factor=inverse),
        ],
        assumptions=Assumptions.of(sp.Ne(A.det(), 0), matrices={A: "symmetric"}),
    )

# The completing-the-square chain in matrix notation; each line is read back and compared
# with the component form that the steps hold.
_SQUARE = (
    r"(\mathbf{x} - \mathbf{x}^*)^\top A (\mathbf{x} - \mathbf{x}^*) + f^*",
    r"\mathbf{x}^\top A \mathbf{x} - 2 (A \mathbf{x}^*)^\top \mathbf{x} + (\mathbf{x}^*)^\top A \mathbf{x}^* + f^*",
    r"\mathbf{x}^\top A \mathbf{x} + \mathbf{b}^\top \mathbf{x} + c",
)


def _matrix_notation(A: sp.Matrix, x: Sequence[sp.Symbol], p: Sequence[sp.Symbol],
                     b: Sequence[sp.Symbol]) -> dict[str, Any]:
    """How the matrix-notation display forms name the component matrices, and the reader's "where" line."""
    n = len(x)
    column = lambda name: "(" + ", ".join(f"{name}_{k}" for k in range(1, n + 1)) + r")^\top"  # noqa: E731
    return {
        "names": {sp.ImmutableMatrix(A): "A", sp.ImmutableMatrix(x): r"\mathbf{x}", sp.ImmutableMatrix(p): r"\mathbf{x}^*",
                  sp.ImmutableMatrix(b): r"\mathbf{b}"},
        "notation": Notation(matrices={"A": (n, n)}, vectors={"x": n, "x^*": n, "b": n}),
        "symbols": {"A": r"the symmetric matrix $(a_{ij})$", r"\mathbf{x}": f"${column('x')}$",
                    r"\mathbf{x}^*": f"the point ${column('x^*')}$", r"\mathbf{b}": f"${column('b')}$"},
    }


def _completed_square_2x2() -> Derivation:
    A, x = symmetric_matrix(2)
    b = sp.symbols("b_1:3", real=True)
    c, fs = sp.Symbol("c", real=True), sp.Symbol("f^*", real=True)
    p = sp.symbols("x^*_1:3", real=True)
    det, adj = A.det(), A.adjugate()
    star = [sp.together(-(adj[i, 0] * b[0] + adj[i, 1] * b[1]) / (2 * det)) for i in range(2)]
    linear = sp.Add(*(sp.Add(*(A[i, j] * p[j] for j in range(2))) * x[i] for i in range(2)))
    return Derivation(
        r"Completing the square, 2×2, about the stationary point $\mathbf{x}^* = -\tfrac12 A^{-1} \mathbf{b}$",
        [
            Step(bilinear(A, [x[i] - p[i] for i in range(2)]) + fs, r"definition, with $f^* = f(\mathbf{x}^*)$",
                 display=_SQUARE[0]),
            Step(bilinear(A, x) - 2 * linear + bilinear(A, p) + fs,
                 r"expand; $A$ symmetric, so the cross terms are $-2 (A \mathbf{x}^*)^\top \mathbf{x}$", display=_SQUARE[1]),
            Step(bilinear(A, x) + b[0] * x[0] + b[1] * x[1] + c,
                 r"$-2A\mathbf{x}^* = \mathbf{b}$ and $f^* = c - (\mathbf{x}^*)^\top A \mathbf{x}^* = c - \tfrac14 \mathbf{b}^\top A^{-1} \mathbf{b}$",
                 display=_SQUARE[2]),
        ],
        assumptions=Assumptions.of(sp.Ne(det, 0), matrices={A: "symmetric"}),
        where={p[0]: star[0], p[1]: star[1], fs: c - bilinear(adj, b) / (4 * det)},
        lhs_latex=r"(\mathbf{x} - \mathbf{x}^*)^\top A (\mathbf{x} - \mathbf{x}^*) + f(\mathbf{x}^*)",
        **_matrix_notation(A, x, p, b),
    )

def _completed_square_3x3() -> Derivation:
    A, x = symmetric_matrix(3)
    b = sp.symbols("b_1:4", real=True)
    c, fs = sp.Symbol("c", real=True), sp.Symbol("f^*", real=True)
    p = sp.symbols("x^*_1:4", real=True)
    Ap = [sp.Add(*(A[i, j] * p[j] for j in range(3))) for i in range(3)]
    return Derivation(
        r"Completing the square, 3×3, about any solution of $2A\mathbf{x} + \mathbf{b} = 0$",
        [
            Step(bilinear(A, [x[i] - p[i] for i in range(3)]) + fs, r"definition, with $f^* = f(\mathbf{x}^*)$",
                 display=_SQUARE[0]),
            Step(bilinear(A, x) - 2 * sp.Add(*(Ap[i] * x[i] for i in range(3))) + bilinear(A, p) + fs,
                 r"expand; $A$ symmetric", display=_SQUARE[1]),
            Step(bilinear(A, x) + sp.Add(*(b[i] * x[i] for i in range(3))) + c,
                 r"$\mathbf{b} = -2A\mathbf{x}^*$ and $f^* = c - (\mathbf{x}^*)^\top A \mathbf{x}^*$", display=_SQUARE[2]),
        ],
        assumptions=Assumptions.of(matrices={A: "symmetric"}),
        where={**{b[i]: -2 * Ap[i] for i in range(3)}, fs: c - bilinear(A, p)},
        lhs_latex=r"(\mathbf{x} - \mathbf{x}^*)^\top A (\mathbf{x} - \mathbf{x}^*) + f(\mathbf{x}^*)",
        **_matrix_notation(A, x, p, b),
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


# ---------------------------------------------------------------------- registry
def _coefficients(form: QuadraticForm) -> NDArray[np.float64]:
    """``A``, ``b`` and ``c`` of either twin as one float vector, for the parity test."""
    A, b = np.asarray(form.A, dtype=np.float64), np.asarray(form.b, dtype=np.float64)
    return np.concatenate([A.ravel(), b.ravel(), [float(form.c)]])


CONCEPTS = (
    Concept(
        name="quadratic-form",
        area="calculus",
        symbolic=lambda ex: _coefficients(quadratic_form_symbolic(ex["f"], ex["variables"])),
        numeric=lambda ex: _coefficients(quadratic_form(as_callable(ex), len(ex["variables"]))),
        inputs=quadratic_polynomials,
        tolerance=FORM_TOLERANCE,
        references=("R. A. Horn and C. R. Johnson, Matrix Analysis, 2nd ed., 2013, §4.1",),
        page="calculus/quadratic-forms.md",
    ),
)

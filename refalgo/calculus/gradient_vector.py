r"""The gradient and the direction of steepest ascent (梯度, 最速上升方向).

The gradient :math:`\nabla f` stacks the partial derivatives of :math:`f` into a vector.
For a differentiable :math:`f`, :math:`D_u f = \nabla f \cdot u`, so the largest rate of
change is :math:`\lVert \nabla f \rVert`, along :math:`\nabla f / \lVert \nabla f \rVert`.

Conventions
-----------
* Points are 1-D, one entry per variable, in the order of ``variables`` (symbolic) or
  of the array ``f`` takes (numeric).
* Gradients and directions are a column ``sympy.Matrix`` (symbolic) or a 1-D array
  (numeric).
* At a critical point (:math:`\nabla f = 0`) there is no direction of steepest ascent;
  both twins raise ``ValueError``.

Equations
---------
Each line of the twins is tagged with the equation it implements.

.. math:: \nabla f = (\partial f/\partial x_1, \dots, \partial f/\partial x_n)^\top \qquad (1)

.. math:: \partial_i f \approx \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2 h_i},
          \quad h_i = \varepsilon^{1/3} \max(1, |x_i|) \qquad (2)

.. math:: \partial_i f \approx \operatorname{Im} f(x + \mathrm{i}\,h\,e_i) / h, \quad h = 10^{-20} \qquad (3)

.. math:: \max_{\lVert u \rVert = 1} D_u f = \lVert \nabla f \rVert
          \text{ at } u = \nabla f / \lVert \nabla f \rVert \qquad (4)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import ExactNumbers, exact_vector
from .._validate import as_array
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..parsing import Notation
from ..registry import Concept
from ._engine.differences import (
    COMPLEX_STEP,
    Method,
    ScalarFunction,
    central_steps,
    check_callable,
    check_method,
    complex_value,
    value_at,
)
from ._engine.examples import DIFFERENCE_TOLERANCE, as_callable, example_inputs
from ._engine.expressions import check_expression, exact_at

__all__ = [
    "SteepestAscent",
    "derivations",
    "gradient",
    "gradient_symbolic",
    "steepest_ascent",
    "steepest_ascent_symbolic",
]


class SteepestAscent(NamedTuple):
    r"""The direction of steepest ascent of ``f`` at a point and the rate along it.

    Attributes
    ----------
    direction
        The unit vector :math:`\nabla f / \lVert \nabla f \rVert`: a column
        ``sympy.Matrix`` (symbolic twin) or a 1-D float array (numeric twin).
    rate
        :math:`\lVert \nabla f \rVert`, the largest directional derivative: a
        ``sympy.Expr`` or a float.
    """

    direction: sp.Matrix | NDArray[np.float64]
    rate: sp.Expr | float


# ---------------------------------------------------------------------- symbolic twins
def gradient_symbolic(f: sp.Expr, variables: Sequence[sp.Symbol], point: ExactNumbers | None = None) -> sp.Matrix:
    r"""Exact gradient of ``f`` by differentiation rules: the partial derivative functions, or their values at ``point``.

    :math:`x_1, \dots, x_n` are ``variables``, :math:`P_0` is ``point``.

    Parameters
    ----------
    f, variables
        As in :func:`refalgo.calculus.directional_derivative_symbolic`.
    point
        Optional :math:`P_0`, exact numbers as there. Without it the result is a
        function of ``variables``.

    Returns
    -------
    sympy.Matrix
        The column :math:`\nabla f`, shape ``(n, 1)``.

    Raises
    ------
    TypeError
        If ``f`` is not a SymPy expression, ``variables`` not a list of symbols, or an
        entry of ``point`` not a number.
    ValueError
        If ``f`` has symbols outside ``variables``, ``point`` has the wrong length or a
        non-finite entry, or ``f`` or a partial derivative is not finite and real there.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.3 and §14.6.

    Examples
    --------
    >>> x, y = sp.symbols("x y", real=True)
    >>> gradient_symbolic(x**2 + y**2, [x, y], [1, 2]).T
    Matrix([[2, 4]])
    """
    f, xs = check_expression(f, variables)
    partials = [sp.diff(f, v) for v in xs]  # (1)
    if point is None:
        return sp.Matrix(partials)
    p = exact_vector(point, "point", length=len(xs))
    at = dict(zip(xs, p))
    where = f"point {tuple(p)}"
    exact_at(f.xreplace(at), "the value f(point)", where)
    return sp.Matrix([exact_at(d.xreplace(at), f"∂f/∂{v}", where) for d, v in zip(partials, xs)])


def steepest_ascent_symbolic(f: sp.Expr, variables: Sequence[sp.Symbol], point: ExactNumbers) -> SteepestAscent:
    r"""Exact direction of steepest ascent of ``f`` at ``point`` and its rate :math:`\lVert\nabla f\rVert`.

    :math:`P_0` is ``point``.

    Parameters
    ----------
    f, variables, point
        As in :func:`gradient_symbolic`; ``point`` is required.

    Returns
    -------
    SteepestAscent
        ``direction`` :math:`\nabla f(P_0)/\lVert \nabla f(P_0) \rVert` (a column
        ``sympy.Matrix``) and ``rate`` :math:`\lVert \nabla f(P_0) \rVert`.

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient_symbolic`; ValueError also when :math:`\nabla f(P_0) = 0`.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6, Theorem 15.

    Examples
    --------
    >>> x, y = sp.symbols("x y", real=True)
    >>> best = steepest_ascent_symbolic(x**2 + y**2, [x, y], [1, 2])
    >>> best.rate, best.direction.T
    (2*sqrt(5), Matrix([[sqrt(5)/5, 2*sqrt(5)/5]]))
    """
    g = gradient_symbolic(f, variables, point)
    rate = sp.sqrt(sp.Add(*(gi**2 for gi in g)))  # (4) ‖∇f‖
    if rate == 0:
        raise ValueError(f"point: ∇f is zero at {tuple(point)}, a critical point with no direction of steepest ascent")
    return SteepestAscent(g / rate, rate)  # (4) u = ∇f / ‖∇f‖


# ---------------------------------------------------------------------- numeric twins
def gradient(f: ScalarFunction, point: ArrayLike, *, method: Method = "central") -> NDArray[np.float64]:
    r"""Numeric gradient of a scalar function ``f`` at ``point`` by finite differences.

    :math:`x` is ``point``. Central differences cost :math:`2n` calls and are accurate to
    about :math:`10^{-10}` relative to the scale of :math:`f`; the complex step costs
    :math:`n` complex calls and is accurate to rounding, but needs ``f`` real-analytic
    and written for complex input (no ``abs``, ``float()``, comparisons on values).

    Parameters
    ----------
    f
        A function of a 1-D float array of length :math:`n` returning a real number.
    point
        :math:`x`, shape ``(n,)``, finite.
    method
        ``"central"`` (default, any ``f``) or ``"complex"`` (complex step).

    Returns
    -------
    numpy.ndarray
        :math:`\nabla f(x)`, shape ``(n,)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, returns something that is not a number, or (complex
        step) does not accept complex input or discards its imaginary part.
    ValueError
        If ``point`` is not a finite 1-D array, ``method`` is unknown, ``f`` returns a
        non-scalar, or ``f`` is not finite at ``point`` or at a perturbed point.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., §8.1. W. Squire and
    G. Trapp, SIAM Review 40(1), 1998. J. R. R. A. Martins et al., ACM TOMS 29(3), 2003.

    Examples
    --------
    >>> gradient(lambda p: p[0] ** 2 + p[1] ** 2, [1.0, 2.0], method="complex")
    array([2., 4.])
    """
    check_callable(f)
    check_method(method)
    x = as_array(point, "point", ndim=1)
    value_at(f, x, "point")
    if method == "complex":
        z = x + 1j * COMPLEX_STEP * np.eye(x.size)  # row i: x + ih e_i
        parts = [complex_value(f, z[i], f"point + ih·e_{i}") for i in range(x.size)]
        return np.array(parts) / COMPLEX_STEP  # (3) Im f(x + ih e_i) / h
    h = central_steps(x)  # (2) h_i = ε^{1/3} max(1, |x_i|)
    shifts = np.diag(h)  # row i: h_i e_i
    plus = np.array([value_at(f, x + shifts[i], f"point + h·e_{i}") for i in range(x.size)], dtype=np.float64)
    minus = np.array([value_at(f, x - shifts[i], f"point - h·e_{i}") for i in range(x.size)], dtype=np.float64)
    return (plus - minus) / (2 * h)  # (2) (f(x + h_i e_i) − f(x − h_i e_i)) / 2h_i


def steepest_ascent(f: ScalarFunction, point: ArrayLike, *, method: Method = "central") -> SteepestAscent:
    r"""Numeric direction of steepest ascent of ``f`` at ``point`` and its rate :math:`\lVert \nabla f \rVert`.

    Near a critical point the direction is only as good as the gradient's relative
    accuracy (with central differences, meaningless once :math:`\lVert\nabla f\rVert`
    is near :math:`10^{-10}`).

    Parameters
    ----------
    f, point, method
        As in :func:`gradient`.

    Returns
    -------
    SteepestAscent
        ``direction`` (unit 1-D array along the numeric gradient) and ``rate`` (its norm).

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient`; ValueError also when the numeric gradient is exactly zero.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6, Theorem 15.

    Examples
    --------
    >>> best = steepest_ascent(lambda p: p[0] ** 2 + p[1] ** 2, [1.0, 2.0], method="complex")
    >>> best.direction * np.sqrt(5), round(best.rate**2, 10)
    (array([1., 2.]), 20.0)
    """
    g = gradient(f, point, method=method)
    rate = float(np.linalg.norm(g))  # (4) ‖∇f‖
    if rate == 0:
        raise ValueError(f"point: the gradient is zero at {np.asarray(point)}, a critical point with no direction of steepest ascent")
    return SteepestAscent(g / rate, rate)  # (4) u = ∇f / ‖∇f‖


# ---------------------------------------------------------------------- derivations
def _cauchy_schwarz() -> Derivation:
    fx, fy, theta = sp.symbols("f_x f_y theta", real=True)
    dot = fx * sp.cos(theta) + fy * sp.sin(theta)
    return Derivation(
        "No unit direction beats the gradient's norm (Lagrange's identity)",
        [
            Step((fx**2 + fy**2) - dot**2, r"$u = (\cos\theta, \sin\theta)$ is any unit vector"),
            Step((fx**2 + fy**2) * (sp.cos(theta) ** 2 + sp.sin(theta) ** 2) - dot**2, r"multiply by $\lVert u \rVert^2 = \cos^2\theta + \sin^2\theta = 1$"),
            Step((fx * sp.sin(theta) - fy * sp.cos(theta)) ** 2, r"Lagrange's identity: a square, so $\ge 0$"),
        ],
        lhs_latex=r"\lVert \nabla f \rVert^2 - (\nabla f \cdot u)^2",
    )


def _maximum_is_attained() -> Derivation:
    fx, fy = sp.symbols("f_x f_y", real=True)
    norm = sp.sqrt(fx**2 + fy**2)
    return Derivation(
        "The bound is reached along the gradient",
        [
            Step(fx * (fx / norm) + fy * (fy / norm), r"$u = \nabla f / \lVert \nabla f \rVert$"),
            Step(sp.Mul(fx**2 + fy**2, sp.Pow(norm, -1), evaluate=False), "collect"),
            Step(norm, r"$a^2 / \sqrt{a^2} = \sqrt{a^2}$ for $a^2 > 0$"),
        ],
        assumptions=Assumptions.of(fx**2 + fy**2 > 0),
        lhs_latex=r"\nabla f \cdot \frac{\nabla f}{\lVert \nabla f \rVert}",
    )


def _cosine_of_the_angle() -> Derivation:
    fx, fy, theta, phi = sp.symbols("f_x f_y theta phi", real=True)
    r = sp.Symbol("r", nonnegative=True)
    return Derivation(
        "Along the direction at angle θ, the rate is a cosine",
        [
            Step(fx * sp.cos(theta) + fy * sp.sin(theta), r"$\nabla f \cdot (\cos\theta, \sin\theta)$"),
            Step(r * (sp.cos(phi) * sp.cos(theta) + sp.sin(phi) * sp.sin(theta)), r"$\nabla f = r(\cos\varphi, \sin\varphi)$, $r = \lVert \nabla f \rVert$",
                 display=r"r (\cos\theta \cos\varphi + \sin\theta \sin\varphi)"),
            Step(r * sp.cos(theta - phi), r"$\cos(\theta - \varphi) = \cos\theta\cos\varphi + \sin\theta\sin\varphi$",
                 display=r"r \cos(\theta - \varphi)"),
        ],
        where={fx: r * sp.cos(phi), fy: r * sp.sin(phi)},
        names={phi: r"\varphi"},
        notation=Notation(scalars=("r",)),
        lhs_latex=r"D_{u(\theta)} f",
    )


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations of steepest ascent: the Cauchy–Schwarz bound, its maximizer, the cosine form.

    Returns
    -------
    tuple of Derivation
        :math:`\lVert\nabla f\rVert^2 - (\nabla f\cdot u)^2` is a square for unit
        :math:`u`; the bound is reached at :math:`u = \nabla f/\lVert\nabla f\rVert`;
        :math:`D_{u(\theta)} f = \lVert\nabla f\rVert \cos(\theta - \varphi)`.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6, Theorem 15.

    Examples
    --------
    >>> [d.verify().ok for d in derivations()]
    [True, True, True]
    """
    return (_cauchy_schwarz(), _maximum_is_attained(), _cosine_of_the_angle())


# ---------------------------------------------------------------------- registry
CONCEPTS = (
    Concept(
        name="gradient",
        area="calculus",
        symbolic=lambda ex: list(gradient_symbolic(ex["f"], ex["variables"], ex["point"])),
        numeric=lambda ex: gradient(as_callable(ex), ex["point"]),
        inputs=example_inputs,
        tolerance=DIFFERENCE_TOLERANCE,
        references=("J. Stewart, Calculus: Early Transcendentals, 8th ed., §14.3 and §14.6", "J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., §8.1"),
        page="calculus/directional-derivative.md",
    ),
)

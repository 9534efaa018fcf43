r"""Directional and partial derivatives (方向导数, 偏导数).

The directional derivative of :math:`f` at :math:`P_0` along a nonzero :math:`v` is the
rate of change of :math:`f` per unit of distance along :math:`v`, (1) below; the partial
derivatives are the directional derivatives along the coordinate axes, (5).

Conventions
-----------
* The direction is normalized (Stewart, *Calculus*, §14.6); texts that do not normalize
  get :math:`\nabla f \cdot v`, which scales with :math:`\lVert v \rVert`.
* The limit is two-sided; where the one-sided limits differ, the symbolic twin raises.
* Points and directions are 1-D, one entry per variable, in the order of ``variables``
  (symbolic) or of the array ``f`` takes (numeric); ``index`` counts from 0.

Equations
---------
Each line of the twins is tagged with the equation it implements.

.. math:: D_u f(P_0) = \lim_{h \to 0} \frac{f(P_0 + h\,u) - f(P_0)}{h} \qquad (1)

.. math:: u = v / \lVert v \rVert \qquad (2)

.. math:: D_u f \approx \frac{g(h) - g(-h)}{2h}, \quad g(t) = f(P_0 + t\,u),
          \quad h = \varepsilon^{1/3} \max(1, \lVert P_0 \rVert_\infty) \qquad (3)

.. math:: D_u f \approx \operatorname{Im} g(\mathrm{i}\,h) / h, \quad h = 10^{-20} \qquad (4)

.. math:: \partial f / \partial x_i = D_{e_i} f \qquad (5)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike

from .._exact import ExactNumbers, exact_vector
from .._validate import as_array
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept
from ._engine.differences import (
    CENTRAL_SCALE,
    COMPLEX_STEP,
    Method,
    ScalarFunction,
    check_callable,
    check_method,
    complex_value,
    value_at,
)
from ._engine.examples import DIFFERENCE_TOLERANCE, as_callable, example_inputs
from ._engine.expressions import check_expression, exact_at

__all__ = [
    "derivations",
    "directional_derivative",
    "directional_derivative_symbolic",
    "partial_derivative",
    "partial_derivative_symbolic",
]


# ---------------------------------------------------------------------- symbolic twins
def directional_derivative_symbolic(
    f: sp.Expr, variables: Sequence[sp.Symbol], point: ExactNumbers, direction: ExactNumbers
) -> sp.Expr:
    r"""Exact directional derivative of ``f`` at ``point`` along ``direction``, from the limit definition.

    :math:`P_0` is ``point``, :math:`v` is ``direction``. The limit is taken by
    ``sympy.limit`` from both sides, with no differentiation rule.

    Parameters
    ----------
    f
        A scalar SymPy expression in ``variables``.
    variables
        The distinct symbols of ``f``, in order.
    point
        :math:`P_0`, one exact number per variable (int, float at its binary value,
        Fraction, ``"p/q"`` or decimal string, SymPy number; list, tuple or array).
    direction
        :math:`v`, nonzero, one entry per variable; it is normalized.

    Returns
    -------
    sympy.Expr
        :math:`D_u f(P_0)`, exact.

    Raises
    ------
    TypeError
        If ``f``, ``variables`` or an entry of ``point``/``direction`` has the wrong type.
    ValueError
        If lengths differ from ``variables``, ``direction`` is zero, ``f`` is not finite
        and real at ``point``, the two-sided limit does not exist, or ``f`` contains a
        ``Piecewise``.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6, Definition 2.

    Examples
    --------
    >>> x, y = sp.symbols("x y", real=True)
    >>> directional_derivative_symbolic(x**2 + y**2, [x, y], [1, 2], [3, 4])
    22/5
    """
    f, xs = check_expression(f, variables)
    if f.has(sp.Piecewise):
        raise ValueError("f: Piecewise expressions are not supported; sympy.limit would take the branch at the point itself")
    p = exact_vector(point, "point", length=len(xs))
    v = exact_vector(direction, "direction", length=len(xs))
    norm = sp.sqrt(sp.Add(*(d**2 for d in v)))  # (2) ‖v‖
    if norm.is_zero:
        raise ValueError(f"direction: expected a nonzero vector; got {v}")
    where = f"point {tuple(p)}"
    f0 = f.xreplace(dict(zip(xs, p)))
    exact_at(f0, "the value f(point)", where)
    s = sp.Dummy("s", real=True)
    g = f.xreplace({x: pi + s * vi for x, pi, vi in zip(xs, p, v)})  # g(s) = f(P0 + s v), h = s‖v‖
    try:
        slope = sp.limit((g - f0) / s, s, 0, dir="+-") if g.has(s) else sp.Integer(0)  # (1)
    except ValueError as exc:
        raise ValueError(f"f: has no directional derivative at {where} along {tuple(v)}: {exc}") from None
    return exact_at(slope / norm, "the directional derivative", f"{where} along {tuple(v)}")


def partial_derivative_symbolic(f: sp.Expr, variables: Sequence[sp.Symbol], point: ExactNumbers, index: int) -> sp.Expr:
    r"""Exact partial derivative :math:`\partial f/\partial x_i` at ``point``, from the limit along axis ``index``.

    :math:`P_0` is ``point``, :math:`i` is ``index``.

    Parameters
    ----------
    f, variables, point
        As in :func:`directional_derivative_symbolic`.
    index
        :math:`i`, the position of the variable in ``variables`` (0-based).

    Returns
    -------
    sympy.Expr
        :math:`D_{e_i} f(P_0)`.

    Raises
    ------
    TypeError, ValueError
        For an ``index`` that is not an int in :math:`[0, n)`, or as
        :func:`directional_derivative_symbolic`.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.3.

    Examples
    --------
    >>> x, y = sp.symbols("x y", real=True)
    >>> partial_derivative_symbolic(x**2 * y, [x, y], [3, 2], 0)
    12
    """
    _, xs = check_expression(f, variables)
    return directional_derivative_symbolic(f, xs, point, _axis(index, len(xs)))  # (5)


def _axis(index: object, n: int) -> list[int]:
    """The unit vector :math:`e_i` of length ``n``, or an error naming ``index``."""
    if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"index: expected an int; got {index!r}")
    if not 0 <= int(index) < n:
        raise ValueError(f"index: expected 0 <= index < {n}; got {index}")
    return [1 if i == int(index) else 0 for i in range(n)]


# ---------------------------------------------------------------------- numeric twins
def directional_derivative(f: ScalarFunction, point: ArrayLike, direction: ArrayLike, *, method: Method = "central") -> float:
    r"""Numeric directional derivative of ``f`` at ``point`` along ``direction`` (normalized).

    :math:`P_0` is ``point``, :math:`v` is ``direction``. Two calls of ``f`` along the
    line :math:`P_0 + t u` (one complex call), whatever the dimension; the gradient is
    not formed.

    Parameters
    ----------
    f
        A function of a 1-D float array returning a real number; complex-safe for
        ``method="complex"``.
    point
        :math:`P_0`, shape ``(n,)``, finite.
    direction
        :math:`v`, shape ``(n,)``, finite and nonzero; it is normalized.
    method
        ``"central"`` (default) or ``"complex"`` (complex step).

    Returns
    -------
    float
        :math:`D_u f(P_0)`.

    Raises
    ------
    TypeError, ValueError
        As :func:`refalgo.calculus.gradient`; ValueError also when ``direction`` is zero
        or its shape differs from ``point``'s.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., §8.1. J. R. R. A.
    Martins et al., "The complex-step derivative approximation", ACM TOMS 29(3), 2003.

    Examples
    --------
    >>> directional_derivative(lambda p: p[0] ** 2 + p[1] ** 2, [1.0, 2.0], [1.0, 0.0], method="complex")
    2.0
    """
    check_callable(f)
    check_method(method)
    p = as_array(point, "point", ndim=1)
    v = as_array(direction, "direction", ndim=1)
    if v.shape != p.shape:
        raise ValueError(f"direction: expected shape {p.shape}, the shape of point; got shape {v.shape}")
    if not np.any(v):
        raise ValueError(f"direction: expected a nonzero vector; got {v}")
    w = v / np.max(np.abs(v))  # rescaled first, so that tiny or huge directions neither underflow nor overflow
    u = w / np.linalg.norm(w)  # (2) u = v / ‖v‖
    value_at(f, p, "point")
    if method == "complex":
        return complex_value(f, p + 1j * COMPLEX_STEP * u, "point + ih·u") / COMPLEX_STEP  # (4) Im g(ih) / h
    h = CENTRAL_SCALE * max(1.0, float(np.max(np.abs(p))))  # (3) h = ε^{1/3} max(1, ‖P0‖∞)
    ahead, behind = value_at(f, p + h * u, "point + h·u"), value_at(f, p - h * u, "point - h·u")
    return float((ahead - behind) / (2 * h))  # (3) (g(h) − g(−h)) / 2h


def partial_derivative(f: ScalarFunction, point: ArrayLike, index: int, *, method: Method = "central") -> float:
    r"""Numeric partial derivative :math:`\partial f / \partial x_i` at ``point``: the directional derivative along axis ``index``.

    :math:`i` is ``index``.

    Parameters
    ----------
    f, point, method
        As in :func:`directional_derivative`.
    index
        :math:`i`, 0-based position of the variable.

    Returns
    -------
    float
        :math:`\partial f/\partial x_i` at ``point``.

    Raises
    ------
    TypeError, ValueError
        As :func:`directional_derivative`, and for an ``index`` that is not an int in
        :math:`[0, n)`.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.3.

    Examples
    --------
    >>> partial_derivative(lambda p: p[0] ** 2 * p[1], [3.0, 2.0], 0, method="complex")
    12.0
    """
    p = as_array(point, "point", ndim=1)
    e = np.array(_axis(index, p.size), dtype=np.float64)
    return directional_derivative(f, p, e, method=method)  # (5) ∂f/∂x_i = D_{e_i} f


# ---------------------------------------------------------------------- derivations
_LIMIT_IS_A_DERIVATIVE = (
    r"Put $g(t) = f(x_0 + t\,u_1,\; y_0 + t\,u_2)$, a function of the one real variable $t$. "
    r"Then $g(0) = f(x_0, y_0)$ and $g(h) = f(x_0 + h\,u_1,\; y_0 + h\,u_2)$, so the difference "
    r"quotient of the definition is exactly $\frac{g(h) - g(0)}{h}$, and its limit as $h \to 0$ is, by the "
    r"definition of the derivative in one variable, $g'(0)$: one limit written twice, so one side exists "
    r"exactly when the other does."
)


def _limit_is_gradient_formula() -> Derivation:
    f = sp.Function("f")
    x, y, x0, y0, v1, v2, h, t = sp.symbols("x y x_0 y_0 v_1 v_2 h t", real=True)
    u1, u2 = sp.symbols("u_1 u_2", real=True)
    norm = sp.sqrt(v1**2 + v2**2)
    fx = sp.Subs(sp.Derivative(f(x, y), x), (x, y), (x0, y0))
    fy = sp.Subs(sp.Derivative(f(x, y), y), (x, y), (x0, y0))
    quotient = (f(x0 + h * u1, y0 + h * u2) - f(x0, y0)) / h
    steps = [
        Step(sp.Limit(quotient, h, 0, dir="+-"), r"definition, with $u = v/\lVert v \rVert$",
             display=r"\lim_{h \to 0} \frac{f(x_0 + h u_1, y_0 + h u_2) - f(x_0, y_0)}{h}"),
        Step(sp.Subs(sp.Derivative(f(x0 + t * u1, y0 + t * u2), t), t, 0),
             display=r"\left.\frac{d}{dt} f(x_0 + t u_1, y_0 + t u_2)\right|_{t=0}",
             why=r"the limit is $g'(0)$, for $g(t) = f(x_0 + t u_1, y_0 + t u_2)$", argument=_LIMIT_IS_A_DERIVATIVE),
        Step(u1 * fx + u2 * fy, "chain rule"),
        Step((v1 * fx + v2 * fy) / norm, r"$u = v/\lVert v \rVert$: the gradient dotted with $v/\lVert v \rVert$"),
    ]
    return Derivation(
        "The limit definition equals the gradient formula",
        steps,
        assumptions=Assumptions.of(v1**2 + v2**2 > 0, functions=[f], samples=6),
        where={u1: v1 / norm, u2: v2 / norm},
        lhs_latex=r"D_u f(x_0, y_0)",
    )


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivation of this module: the limit definition equals :math:`\nabla f \cdot v/\lVert v \rVert`.

    Returns
    -------
    tuple of Derivation
        One chain, for any differentiable :math:`f(x, y)` (checked with random smooth functions).

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6, Theorem 3.

    Examples
    --------
    >>> [d.title for d in derivations()]
    ['The limit definition equals the gradient formula']
    """
    return (_limit_is_gradient_formula(),)


# ---------------------------------------------------------------------- registry
CONCEPTS = (
    Concept(
        name="directional-derivative",
        area="calculus",
        symbolic=lambda ex: directional_derivative_symbolic(ex["f"], ex["variables"], ex["point"], ex["direction"]),
        numeric=lambda ex: directional_derivative(as_callable(ex), ex["point"], ex["direction"]),
        inputs=example_inputs,
        tolerance=DIFFERENCE_TOLERANCE,
        references=("J. Stewart, Calculus: Early Transcendentals, 8th ed., §14.6", "J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., §8.1"),
        page="calculus/directional-derivative.md",
    ),
)

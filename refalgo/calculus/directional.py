r"""Directional and partial derivatives (方向导数, 偏导数).

The **directional derivative** of a scalar function :math:`f` at a point :math:`P_0`
along a nonzero direction :math:`v` is a number: the rate of change of :math:`f` per
unit of distance travelled from :math:`P_0` along :math:`v`,

.. math:: D_u f(P_0) = \lim_{h \to 0} \frac{f(P_0 + h\,u) - f(P_0)}{h},
          \qquad u = \frac{v}{\lVert v \rVert}.

The **partial derivatives** are the directional derivatives along the coordinate axes,
one per variable; as functions of the point they are the partial derivative functions.
Stacked into a vector they form the gradient (:mod:`refalgo.calculus.gradient_vector`);
for a differentiable :math:`f`, :math:`D_u f = \nabla f \cdot u`, as :func:`derivations`
verifies.

Conventions
-----------
* The direction is always **normalized** (Stewart, *Calculus*, §14.6). Texts that do
  not normalize get :math:`\nabla f \cdot v`, which scales with :math:`\lVert v \rVert`.
* The limit is **two-sided**; where the one-sided limits differ, ``f`` has no
  directional derivative there and the symbolic twin raises ``ValueError``.
* Points and directions are 1-D, one entry per variable, in the order of
  ``variables`` (symbolic) or of the array ``f`` takes (numeric).

Twins
-----
The symbolic twin takes the limit of the difference quotient (``sympy.limit``); it
uses no differentiation rule. The numeric twin differences along the line
:math:`P_0 + t\,u`: central differences (error :math:`O(h^2)` plus rounding) or the
complex step (error :math:`O(h^2)` with :math:`h = 10^{-20}`, no subtractive
cancellation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._validate import as_array
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept
from ._common import (
    CENTRAL_SCALE,
    COMPLEX_STEP,
    TOLERANCE,
    Method,
    as_callable,
    as_floats,
    check_callable,
    check_expression,
    check_method,
    complex_value,
    example_inputs,
    exact_at,
    exact_vector,
    value_at,
)

__all__ = [
    "derivations",
    "directional_derivative",
    "directional_derivative_symbolic",
    "partial_derivative",
    "partial_derivative_symbolic",
]


def _norm(direction: list[sp.Expr]) -> sp.Expr:
    """The exact Euclidean norm of a direction, or a ValueError if it is zero."""
    norm = sp.sqrt(sum((d**2 for d in direction), sp.Integer(0)))
    if norm.is_zero:
        raise ValueError(f"direction: expected a nonzero vector; got {direction}")
    return norm


# ---------------------------------------------------------------------- symbolic twins
def directional_derivative_symbolic(
    f: sp.Expr, variables: Sequence[sp.Symbol], point: Sequence[Any], direction: Sequence[Any]
) -> sp.Expr:
    r"""Exact directional derivative of ``f`` at ``point`` along ``direction``, from the limit definition.

    Parameters
    ----------
    f
        A scalar SymPy expression in ``variables``.
    variables
        The distinct symbols of ``f``, in order.
    point
        :math:`P_0`, one exact number per variable (ints, floats, decimal strings,
        fractions or SymPy numbers; floats enter exactly as ``sp.Rational(x)``).
    direction
        :math:`v`, nonzero, one entry per variable; it is normalized.

    Returns
    -------
    sympy.Expr
        :math:`D_u f(P_0)` with :math:`u = v/\lVert v \rVert`, exact.

    Raises
    ------
    TypeError
        If ``f``, ``variables`` or an entry of ``point``/``direction`` has the wrong type.
    ValueError
        If lengths differ from ``variables``, ``direction`` is zero, ``f`` is not finite
        and real at ``point``, the two-sided limit does not exist (``f`` has no
        directional derivative there), or ``f`` contains a ``Piecewise``.

    Notes
    -----
    With :math:`g(s) = f(P_0 + s\,v)` and :math:`h = s \lVert v \rVert`,

    .. math:: D_u f(P_0) = \lim_{h \to 0} \frac{f(P_0 + h u) - f(P_0)}{h}
              = \frac{1}{\lVert v \rVert} \lim_{s \to 0} \frac{g(s) - g(0)}{s},

    the second form keeping square roots of :math:`\lVert v \rVert` out of the limit.
    The limit is taken by ``sympy.limit`` from both sides; no derivative rule is
    used, so this is independent of :func:`gradient_symbolic`.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6, Definition 2.

    Examples
    --------
    The worked example of the notes: :math:`f = x^2 + y^2` at (1, 2).

    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> directional_derivative_symbolic(x**2 + y**2, [x, y], [1, 2], [3, 4])
    22/5
    >>> directional_derivative_symbolic(x**2 + y**2, [x, y], [1, 2], [1, 0])
    2
    """
    f, xs = check_expression(f, variables)
    if f.has(sp.Piecewise):
        raise ValueError("f: Piecewise expressions are not supported; sympy.limit would take the branch at the point itself")
    p = exact_vector(point, "point", len(xs))
    v = exact_vector(direction, "direction", len(xs))
    norm = _norm(v)
    where = f"point {tuple(p)}"
    f0 = f.xreplace(dict(zip(xs, p)))
    exact_at(f0, "the value f(point)", where)
    s = sp.Dummy("s", real=True)
    g = f.xreplace({x: pi + s * vi for x, pi, vi in zip(xs, p, v)})
    try:
        slope = sp.limit((g - f0) / s, s, 0, dir="+-") if g.has(s) else sp.Integer(0)
    except ValueError as exc:
        raise ValueError(f"f: has no directional derivative at {where} along {tuple(v)}: {exc}") from None
    return exact_at(slope / norm, "the directional derivative", f"{where} along {tuple(v)}")


def partial_derivative_symbolic(f: sp.Expr, variables: Sequence[sp.Symbol], point: Sequence[Any], index: int) -> sp.Expr:
    r"""Exact partial derivative :math:`\partial f/\partial x_i` at ``point``: the directional derivative along axis ``index``.

    Parameters
    ----------
    f
        A scalar SymPy expression in ``variables``.
    variables
        The distinct symbols of ``f``, in order.
    point
        :math:`P_0`, one exact number per variable.
    index
        :math:`i`, the position of the variable in ``variables`` (0-based).

    Returns
    -------
    sympy.Expr
        :math:`D_{e_i} f(P_0)`, from the limit definition along the unit vector :math:`e_i`.

    Raises
    ------
    TypeError
        If ``index`` is not an int, or as :func:`directional_derivative_symbolic`.
    ValueError
        If ``index`` is out of range, or as :func:`directional_derivative_symbolic`.

    Notes
    -----
    :math:`\partial f/\partial x_i (P_0) = \lim_{h\to 0} (f(P_0 + h e_i) - f(P_0))/h`.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.3.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> partial_derivative_symbolic(x**2 * y, [x, y], [3, 2], 0)
    12
    """
    _, xs = check_expression(f, variables)
    axis = _axis(index, len(xs))
    return directional_derivative_symbolic(f, xs, point, axis)


def _axis(index: Any, n: int) -> list[int]:
    if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"index: expected an int; got {index!r}")
    if not 0 <= int(index) < n:
        raise ValueError(f"index: expected 0 <= index < {n}; got {index}")
    return [1 if i == int(index) else 0 for i in range(n)]


# ---------------------------------------------------------------------- numeric twins
def _point_and_unit(point: Any, direction: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    p = as_array(point, "point", ndim=1)
    v = as_array(direction, "direction", ndim=1)
    if v.shape != p.shape:
        raise ValueError(f"direction: expected shape {p.shape}, the shape of point; got shape {v.shape}")
    top = np.max(np.abs(v))
    if top == 0:
        raise ValueError(f"direction: expected a nonzero vector; got {v}")
    w = v / top  # rescaled first, so that tiny or huge directions neither underflow nor overflow
    return p, w / np.linalg.norm(w)


def directional_derivative(
    f: Callable[..., Any], point: Any, direction: Any, *, method: Method = "central"
) -> float:
    r"""Numeric directional derivative of ``f`` at ``point`` along ``direction`` (normalized).

    Parameters
    ----------
    f
        A function taking a 1-D float array and returning a real number; complex-safe
        for ``method="complex"`` (see :func:`gradient`).
    point
        :math:`P_0`, shape ``(n,)``, finite.
    direction
        :math:`v`, shape ``(n,)``, finite and nonzero; it is normalized to
        :math:`u = v/\lVert v \rVert`.
    method
        ``"central"`` (default) or ``"complex"``.

    Returns
    -------
    float
        :math:`D_u f(P_0)`.

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient`; ValueError also when ``direction`` is zero or its shape
        differs from ``point``'s.

    Notes
    -----
    The difference quotient of the limit definition along the line
    :math:`g(t) = f(P_0 + t\,u)`, two calls whatever :math:`n`:

    .. math:: D_u f \approx \frac{g(h) - g(-h)}{2h}, \quad h = \varepsilon^{1/3} \max(1, \lVert P_0 \rVert_\infty),
              \qquad\text{or}\qquad D_u f \approx \frac{\operatorname{Im} g(\mathrm{i}\,h)}{h}, \quad h = 10^{-20},

    with the errors stated in :func:`gradient` (central: :math:`\tfrac{h^2}{6}|g'''| +
    O(\varepsilon |f|/h)`; complex step: rounding only). It does not go through the
    gradient, so :math:`D_u f = \nabla f \cdot u` is a check, not an identity of the code.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6. J. Nocedal and
    S. J. Wright, *Numerical Optimization*, 2nd ed., §8.1. J. R. R. A. Martins et al.,
    ACM TOMS 29(3), 2003.

    Examples
    --------
    >>> f = lambda p: p[0] ** 2 + p[1] ** 2
    >>> round(directional_derivative(f, [1.0, 2.0], [3.0, 4.0]), 8)
    4.4
    >>> directional_derivative(f, [1.0, 2.0], [1.0, 0.0], method="complex")
    2.0
    """
    check_callable(f)
    check_method(method)
    p, u = _point_and_unit(point, direction)
    value_at(f, p, "point")
    if method == "complex":
        return complex_value(f, p + 1j * COMPLEX_STEP * u, "point + ih·u") / COMPLEX_STEP
    h = CENTRAL_SCALE * max(1.0, float(np.max(np.abs(p))))
    ahead, behind = value_at(f, p + h * u, "point + h·u"), value_at(f, p - h * u, "point - h·u")
    return float((ahead - behind) / (2 * h))


def partial_derivative(f: Callable[..., Any], x: Any, index: int, *, method: Method = "central") -> float:
    r"""Numeric partial derivative :math:`\partial f / \partial x_i` at ``x``: the directional derivative along axis ``index``.

    Parameters
    ----------
    f
        A function taking a 1-D float array and returning a real number.
    x
        The point, shape ``(n,)``, finite.
    index
        :math:`i`, 0-based position of the variable.
    method
        ``"central"`` (default) or ``"complex"``.

    Returns
    -------
    float
        :math:`\partial f/\partial x_i (x)`.

    Raises
    ------
    TypeError, ValueError
        As :func:`directional_derivative`, and for an ``index`` that is not an int in
        :math:`[0, n)`.

    Notes
    -----
    :math:`\partial f/\partial x_i = D_{e_i} f`, computed by :func:`directional_derivative`
    along :math:`e_i`.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.3.

    Examples
    --------
    >>> partial_derivative(lambda p: p[0] ** 2 * p[1], [3.0, 2.0], 0, method="complex")
    12.0
    """
    p = as_array(x, "x", ndim=1)
    return directional_derivative(f, p, np.array(_axis(index, p.size), dtype=np.float64), method=method)


# ---------------------------------------------------------------------- derivations
def _limit_is_gradient_formula() -> Derivation:
    f = sp.Function("f")
    x, y, x0, y0, v1, v2, h, t = sp.symbols("x y x_0 y_0 v_1 v_2 h t", real=True)
    u1, u2 = sp.symbols("u_1 u_2", real=True)
    norm = sp.sqrt(v1**2 + v2**2)
    fx = sp.Subs(sp.Derivative(f(x, y), x), (x, y), (x0, y0))
    fy = sp.Subs(sp.Derivative(f(x, y), y), (x, y), (x0, y0))
    quotient = (f(x0 + h * u1, y0 + h * u2) - f(x0, y0)) / h
    steps = [
        Step(sp.Eq(sp.Symbol(r"D_{u} f(x_0, y_0)"), sp.Limit(quotient, h, 0, dir="+-")), "definition, u = v/|v|"),
        Step(sp.Subs(sp.Derivative(f(x0 + t * u1, y0 + t * u2), t), t, 0), "the limit is g'(0) for g(t) = f(P0 + t u)"),
        Step(u1 * fx + u2 * fy, "chain rule"),
        Step((v1 * fx + v2 * fy) / norm, "u = v/|v|: the gradient dotted with v/|v|"),
    ]
    return Derivation(
        "The limit definition equals the gradient formula",
        steps,
        assumptions=Assumptions.of(v1**2 + v2**2 > 0, functions=[f], samples=6),
        where={u1: v1 / norm, u2: v2 / norm},
    )


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivation of this module: the limit definition equals the gradient formula.

    Returns
    -------
    tuple of Derivation
        One chain: :math:`\lim_{h\to0}(f(P_0 + h u) - f(P_0))/h = \nabla f \cdot v/\lVert v\rVert`
        for any differentiable :math:`f(x, y)` (checked with random smooth functions).

    Notes
    -----
    The chain rule turns the limit, the derivative at 0 of :math:`g(t) = f(P_0 + t u)`,
    into :math:`u_1 f_x + u_2 f_y`. The steepest-ascent derivations are in
    :func:`refalgo.calculus.gradient_vector.derivations`.

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
        numeric=lambda ex: directional_derivative(as_callable(ex), as_floats(ex["point"]), as_floats(ex["direction"])),
        inputs=example_inputs,
        tolerance=TOLERANCE,
        references=("J. Stewart, Calculus: Early Transcendentals, 8th ed., §14.6", "J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., §8.1"),
        page="calculus/directional-derivative.md",
    ),
)

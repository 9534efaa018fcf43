r"""The gradient and the direction of steepest ascent (梯度, 最速上升方向).

The **gradient** :math:`\nabla f` of a scalar function stacks its partial derivatives
(:mod:`refalgo.calculus.directional`) into a vector. For a differentiable :math:`f`,
every directional derivative is :math:`D_u f = \nabla f \cdot u`, so the largest one is
:math:`\lVert \nabla f \rVert`, reached along :math:`u = \nabla f / \lVert \nabla f \rVert`
(steepest ascent), and along the direction at angle :math:`\theta` from the gradient the
rate is :math:`\lVert \nabla f \rVert \cos\theta`.

Conventions
-----------
* Points are 1-D, one entry per variable, in the order of ``variables`` (symbolic) or
  of the array ``f`` takes (numeric).
* Gradients are returned as a column ``sympy.Matrix`` (symbolic) or a 1-D array
  (numeric); the steepest-ascent direction likewise, as a unit vector.
* At a critical point (:math:`\nabla f = 0`) there is no direction of steepest ascent;
  both twins raise ``ValueError``.

Twins
-----
The symbolic gradient differentiates by SymPy's rules. The numeric twin uses central
differences (error :math:`O(h^2)` plus rounding) or the complex step (error
:math:`O(h^2)` with :math:`h = 10^{-20}`, no subtractive cancellation), one coordinate
at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

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
    "SteepestAscent",
    "derivations",
    "gradient",
    "gradient_symbolic",
    "steepest_ascent",
    "steepest_ascent_symbolic",
]


class SteepestAscent(NamedTuple):
    """The direction of steepest ascent of ``f`` at a point and the rate along it.

    Attributes
    ----------
    direction
        The unit vector :math:`\\nabla f / \\lVert \\nabla f \\rVert` (a column
        ``sympy.Matrix`` from the symbolic twin, a 1-D array from the numeric one).
    rate
        :math:`\\lVert \\nabla f \\rVert`, the largest directional derivative.
    """

    direction: Any
    rate: Any


# ---------------------------------------------------------------------- symbolic twins
def gradient_symbolic(f: sp.Expr, variables: Sequence[sp.Symbol], point: Sequence[Any] | None = None) -> sp.Matrix:
    r"""Exact gradient of ``f``: the partial derivative functions, or their values at ``point``.

    Parameters
    ----------
    f
        A scalar SymPy expression in ``variables``.
    variables
        The distinct symbols :math:`x_1, \dots, x_n` of ``f``, in order.
    point
        Optional point :math:`P_0` (ints, floats, decimal strings, fractions or SymPy
        numbers; floats enter exactly as ``sp.Rational(x)``). Without it the result is
        a function of ``variables``.

    Returns
    -------
    sympy.Matrix
        The column :math:`\nabla f = (\partial f/\partial x_1, \dots, \partial f/\partial x_n)^\top`.

    Raises
    ------
    TypeError
        If ``f`` is not a SymPy expression, ``variables`` not a list of symbols, or an
        entry of ``point`` not a number.
    ValueError
        If ``f`` has symbols outside ``variables``, ``point`` has the wrong length or a
        non-finite entry, or ``f`` or a partial derivative is not finite and real at ``point``.

    Notes
    -----
    Each partial is SymPy's derivative rule applied to ``f``; the value at
    :math:`P_0` is then substituted. The partial derivative
    :math:`\partial f/\partial x_i (P_0)` is the directional derivative along the
    :math:`i`-th axis.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.3 and §14.6.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> gradient_symbolic(x**2 + y**2, [x, y]).T
    Matrix([[2*x, 2*y]])
    >>> gradient_symbolic(x**2 + y**2, [x, y], [1, 2]).T
    Matrix([[2, 4]])
    """
    f, xs = check_expression(f, variables)
    partials = [sp.diff(f, v) for v in xs]
    if point is None:
        return sp.Matrix(partials)
    p = exact_vector(point, "point", len(xs))
    at = dict(zip(xs, p))
    where = f"point {tuple(p)}"
    exact_at(f.xreplace(at), "the value f(point)", where)
    return sp.Matrix([exact_at(d.xreplace(at), f"∂f/∂{v}", where) for d, v in zip(partials, xs)])


def steepest_ascent_symbolic(f: sp.Expr, variables: Sequence[sp.Symbol], point: Sequence[Any]) -> SteepestAscent:
    r"""Exact direction of steepest ascent of ``f`` at ``point`` and its rate :math:`\lVert\nabla f\rVert`.

    Parameters
    ----------
    f
        A scalar SymPy expression in ``variables``.
    variables
        The distinct symbols of ``f``, in order.
    point
        :math:`P_0`, one exact number per variable.

    Returns
    -------
    SteepestAscent
        ``direction`` :math:`\nabla f(P_0)/\lVert \nabla f(P_0) \rVert` (a column
        ``sympy.Matrix``) and ``rate`` :math:`\lVert \nabla f(P_0) \rVert`.

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient_symbolic`; ValueError also when :math:`\nabla f(P_0) = 0`
        (a critical point has no direction of steepest ascent).

    Notes
    -----
    By Cauchy–Schwarz, :math:`D_u f = \nabla f \cdot u \le \lVert \nabla f \rVert` for
    every unit :math:`u`, with equality only at :math:`u = \nabla f / \lVert \nabla f \rVert`.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6, Theorem 15.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> best = steepest_ascent_symbolic(x**2 + y**2, [x, y], [1, 2])
    >>> best.rate, best.direction.T
    (2*sqrt(5), Matrix([[sqrt(5)/5, 2*sqrt(5)/5]]))
    """
    g = gradient_symbolic(f, variables, point)
    rate = sp.sqrt(sum((gi**2 for gi in g), sp.Integer(0)))
    if rate == 0:
        raise ValueError(f"point: ∇f is zero at {tuple(point)}, a critical point with no direction of steepest ascent")
    return SteepestAscent(g / rate, rate)


# ---------------------------------------------------------------------- numeric twins
def _central_steps(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Steps :math:`h_i = \\varepsilon^{1/3} \\max(1, |x_i|)`, rounded so that ``x + h`` is exact."""
    h = CENTRAL_SCALE * np.maximum(1.0, np.abs(x))
    return (x + h) - x


def gradient(f: Callable[..., Any], x: Any, *, method: Method = "central") -> NDArray[np.float64]:
    r"""Numeric gradient of a scalar function ``f`` at ``x`` by finite differences.

    Parameters
    ----------
    f
        A function taking a 1-D float array of length :math:`n` and returning a real
        number. With ``method="complex"`` it must also accept a complex array and
        compute in complex arithmetic (no ``abs``, ``float()``, comparisons on values).
    x
        The point :math:`P_0`, shape ``(n,)``, finite.
    method
        ``"central"`` (default, any ``f``) or ``"complex"`` (complex step).

    Returns
    -------
    numpy.ndarray
        :math:`\nabla f(P_0)`, shape ``(n,)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, returns something that is not a number, or (complex
        step) does not accept complex input or discards its imaginary part.
    ValueError
        If ``x`` is not a finite 1-D array, ``method`` is unknown, ``f`` returns a
        non-scalar, or ``f`` is not finite at ``x`` or at a perturbed point.

    Notes
    -----
    Central differences, with :math:`e_i` the :math:`i`-th axis and :math:`\varepsilon`
    the float64 machine epsilon:

    .. math:: \partial_i f \approx \frac{f(x + h_i e_i) - f(x - h_i e_i)}{2 h_i},
              \qquad h_i = \varepsilon^{1/3} \max(1, |x_i|),

    with error :math:`\tfrac{h_i^2}{6} |\partial_i^3 f| + O(\varepsilon |f| / h_i)`:
    truncation plus rounding, balanced by :math:`h \propto \varepsilon^{1/3}`, so about
    :math:`10^{-10}` relative to the scale of :math:`f`. The step is rounded so that
    :math:`x + h_i` is exactly representable. Cost: :math:`2n` calls.

    Complex step, with :math:`h = 10^{-20}`:

    .. math:: \partial_i f \approx \frac{\operatorname{Im} f(x + \mathrm{i}\,h\,e_i)}{h},

    with truncation error :math:`\tfrac{h^2}{6} |\partial_i^3 f|` (negligible) and no
    difference of nearly equal numbers, so the result is accurate to a few units of
    rounding in :math:`\partial_i f` itself. It needs ``f`` real-analytic and coded
    for complex input. Cost: :math:`n` complex calls.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., §8.1.
    W. Squire and G. Trapp, "Using complex variables to estimate derivatives of real
    functions", SIAM Review 40(1), 1998. J. R. R. A. Martins, P. Sturdza and J. J.
    Alonso, "The complex-step derivative approximation", ACM TOMS 29(3), 2003.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda p: p[0] ** 2 + p[1] ** 2
    >>> np.round(gradient(f, [1.0, 2.0]), 8)
    array([2., 4.])
    >>> gradient(f, [1.0, 2.0], method="complex")
    array([2., 4.])
    """
    check_callable(f)
    check_method(method)
    p = as_array(x, "x", ndim=1)
    value_at(f, p, "x")
    if method == "complex":
        z = p + 1j * COMPLEX_STEP * np.eye(p.size)
        return np.array([complex_value(f, z[i], f"x + ih·e_{i}") for i in range(p.size)]) / COMPLEX_STEP
    h = _central_steps(p)
    shifts = np.diag(h)
    plus = np.array([value_at(f, p + shifts[i], f"x + h·e_{i}") for i in range(p.size)], dtype=np.float64)
    minus = np.array([value_at(f, p - shifts[i], f"x - h·e_{i}") for i in range(p.size)], dtype=np.float64)
    return (plus - minus) / (2 * h)


def steepest_ascent(f: Callable[..., Any], x: Any, *, method: Method = "central") -> SteepestAscent:
    r"""Numeric direction of steepest ascent of ``f`` at ``x`` and its rate :math:`\lVert \nabla f \rVert`.

    Parameters
    ----------
    f
        A function taking a 1-D float array and returning a real number.
    x
        The point, shape ``(n,)``, finite.
    method
        ``"central"`` (default) or ``"complex"``, as in :func:`gradient`.

    Returns
    -------
    SteepestAscent
        ``direction`` (unit 1-D array along the numeric gradient) and ``rate`` (its norm).

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient`; ValueError also when the numeric gradient is exactly zero.

    Notes
    -----
    :math:`\max_{\lVert u \rVert = 1} \nabla f \cdot u = \lVert \nabla f \rVert` at
    :math:`u = \nabla f/\lVert \nabla f \rVert` (Cauchy–Schwarz). Near a critical point the
    direction is only as good as the gradient's relative accuracy: with central
    differences, meaningless once :math:`\lVert\nabla f\rVert` is near the
    :math:`10^{-10}` error scale.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6, Theorem 15.

    Examples
    --------
    >>> import numpy as np
    >>> best = steepest_ascent(lambda p: p[0] ** 2 + p[1] ** 2, [1.0, 2.0], method="complex")
    >>> best.direction * np.sqrt(5), round(best.rate**2, 10)
    (array([1., 2.]), 20.0)
    """
    g = gradient(f, x, method=method)
    rate = float(np.linalg.norm(g))
    if rate == 0:
        raise ValueError(f"x: the gradient is zero at {np.asarray(x)}, a critical point with no direction of steepest ascent")
    return SteepestAscent(g / rate, rate)


# ---------------------------------------------------------------------- derivations
def _cauchy_schwarz() -> Derivation:
    fx, fy, theta = sp.symbols("f_x f_y theta", real=True)
    dot = fx * sp.cos(theta) + fy * sp.sin(theta)
    return Derivation(
        "No unit direction beats the gradient's norm (Lagrange's identity)",
        [
            Step((fx**2 + fy**2) - dot**2, "u = (cos θ, sin θ) is any unit vector"),
            Step((fx**2 + fy**2) * (sp.cos(theta) ** 2 + sp.sin(theta) ** 2) - dot**2, "multiply by |u|² = 1"),
            Step((fx * sp.sin(theta) - fy * sp.cos(theta)) ** 2, "Lagrange's identity: a square, so ≥ 0"),
        ],
        lhs_latex=r"\lVert \nabla f \rVert^2 - (\nabla f \cdot u)^2",
    )


def _maximum_is_attained() -> Derivation:
    fx, fy = sp.symbols("f_x f_y", real=True)
    norm = sp.sqrt(fx**2 + fy**2)
    return Derivation(
        "The bound is reached along the gradient",
        [
            Step(fx * (fx / norm) + fy * (fy / norm), "u = ∇f/|∇f|"),
            Step(sp.Mul(fx**2 + fy**2, sp.Pow(norm, -1), evaluate=False), "collect"),
            Step(norm, "a² / √(a²) = √(a²) for a² > 0"),
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
            Step(fx * sp.cos(theta) + fy * sp.sin(theta), "∇f · (cos θ, sin θ)"),
            Step(r * (sp.cos(phi) * sp.cos(theta) + sp.sin(phi) * sp.sin(theta)), "∇f = r (cos φ, sin φ), r = |∇f|"),
            Step(r * sp.cos(theta - phi), "cos(θ − φ) = cos θ cos φ + sin θ sin φ"),
        ],
        where={fx: r * sp.cos(phi), fy: r * sp.sin(phi)},
        lhs_latex=r"D_{u(\theta)} f",
    )


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations of steepest ascent: the Cauchy–Schwarz bound, its maximizer, the cosine form.

    Returns
    -------
    tuple of Derivation
        (1) :math:`\lVert\nabla f\rVert^2 - (\nabla f\cdot u)^2` is a square for unit
        :math:`u`; (2) :math:`\nabla f\cdot \nabla f/\lVert\nabla f\rVert = \lVert\nabla f\rVert`;
        (3) :math:`D_{u(\theta)} f = \lVert\nabla f\rVert \cos(\theta - \varphi)`.

    Notes
    -----
    (1) and (2) together: :math:`\max_{\lVert u\rVert = 1} D_u f = \lVert \nabla f \rVert`,
    reached at :math:`u = \nabla f / \lVert \nabla f \rVert`. That :math:`D_u f = \nabla f \cdot u`
    is :func:`refalgo.calculus.directional.derivations`.

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
        numeric=lambda ex: gradient(as_callable(ex), as_floats(ex["point"])),
        inputs=example_inputs,
        tolerance=TOLERANCE,
        references=("J. Stewart, Calculus: Early Transcendentals, 8th ed., §14.3 and §14.6", "J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., §8.1"),
        page="calculus/directional-derivative.md",
    ),
)

r"""Directional derivatives, partial derivatives and the gradient (方向导数, 偏导数, 梯度).

The **directional derivative** of a scalar function :math:`f` at a point :math:`P_0`
along a nonzero direction :math:`v` is a number: the rate of change of :math:`f` per
unit of distance travelled from :math:`P_0` along :math:`v`,

.. math:: D_u f(P_0) = \lim_{h \to 0} \frac{f(P_0 + h\,u) - f(P_0)}{h},
          \qquad u = \frac{v}{\lVert v \rVert}.

The **partial derivatives** are the directional derivatives along the coordinate axes,
one per variable; as functions of the point they are the partial derivative functions.
The **gradient** :math:`\nabla f` stacks them into a vector. For a differentiable
:math:`f`, :math:`D_u f = \nabla f \cdot u`, so the largest directional derivative is
:math:`\lVert \nabla f \rVert`, reached along :math:`u = \nabla f / \lVert \nabla f \rVert`
(steepest ascent).

Conventions
-----------
* The direction is always **normalized** (Stewart, *Calculus*, §14.6). Texts that do
  not normalize get :math:`\nabla f \cdot v`, which scales with :math:`\lVert v \rVert`.
* The limit is **two-sided**; where the one-sided limits differ, ``f`` has no
  directional derivative there and the symbolic twin raises ``ValueError``.
* Points and directions are 1-D, one entry per variable, in the order of
  ``variables`` (symbolic) or of the array ``f`` takes (numeric). Gradients are
  returned as a column ``sympy.Matrix`` (symbolic) or a 1-D array (numeric).

Twins
-----
The symbolic directional derivative takes the limit of the difference quotient
(``sympy.limit``); the symbolic gradient differentiates by SymPy's rules. The numeric
twins use central differences (error :math:`O(h^2)` plus rounding) or the complex step
(error :math:`O(h^2)` with :math:`h = 10^{-20}`, no subtractive cancellation).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import NDArray

from .._exact import exact
from .._validate import as_array
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance

__all__ = [
    "SteepestAscent",
    "derivations",
    "directional_derivative",
    "directional_derivative_symbolic",
    "gradient",
    "gradient_symbolic",
    "partial_derivative",
    "partial_derivative_symbolic",
    "steepest_ascent",
    "steepest_ascent_symbolic",
]

Method = Literal["central", "complex"]
_EPS = float(np.finfo(np.float64).eps)
_CENTRAL_SCALE = _EPS ** (1 / 3)  # balances truncation h^2 against rounding eps/h
_COMPLEX_STEP = 1e-20
_BAD = (sp.nan, sp.zoo, sp.oo, -sp.oo)


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


# ---------------------------------------------------------------------- exact inputs
def _exact_vector(values: Any, name: str, n: int) -> list[sp.Expr]:
    """``values`` as ``n`` exact numbers, or an error naming ``name``."""
    if isinstance(values, (str, bytes, sp.Basic)) and not isinstance(values, sp.MatrixBase):
        raise TypeError(f"{name}: expected a sequence of {n} numbers; got {values!r}")
    try:
        entries = list(values)
    except TypeError:
        raise TypeError(f"{name}: expected a sequence of {n} numbers; got {values!r}") from None
    if len(entries) != n:
        raise ValueError(f"{name}: expected {n} entries, one per variable; got {len(entries)}")
    return [exact(v, f"{name}[{i}]") for i, v in enumerate(entries)]


def _check_expression(f: Any, variables: Any) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """Validate a scalar SymPy expression and its distinct variables."""
    if not isinstance(f, sp.Expr):
        raise TypeError(f"f: expected a scalar SymPy expression; got {type(f).__name__} {f!r}"[:160])
    if isinstance(variables, (str, sp.Basic)) or not isinstance(variables, Sequence):
        raise TypeError(f"variables: expected a list or tuple of SymPy symbols; got {variables!r}")
    xs = tuple(variables)
    bad = [v for v in xs if not isinstance(v, sp.Symbol)]
    if not xs or bad:
        raise TypeError(f"variables: expected a non-empty list of SymPy symbols; got {xs!r}")
    if len(set(xs)) != len(xs):
        raise ValueError(f"variables: expected distinct symbols; got {xs!r}")
    extra = f.free_symbols - set(xs)
    if extra:
        raise ValueError(f"f: has free symbols {sorted(map(str, extra))} that are not among variables {xs}")
    return f, xs


def _exact_at(expr: sp.Expr, what: str, where: str) -> sp.Expr:
    """``expr`` (already at a point) evaluated, or a ValueError if it is not a finite real number."""
    value = expr.doit()
    if value.has(*_BAD) or value.is_finite is False or value.is_extended_real is False or not value.is_number:
        raise ValueError(f"f: {what} is {value} at {where}; expected a finite real number")
    return value


def _norm(direction: list[sp.Expr]) -> sp.Expr:
    """The exact Euclidean norm of a direction, or a ValueError if it is zero."""
    norm = sp.sqrt(sum((d**2 for d in direction), sp.Integer(0)))
    if norm.is_zero:
        raise ValueError(f"direction: expected a nonzero vector; got {direction}")
    return norm


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
    f, xs = _check_expression(f, variables)
    partials = [sp.diff(f, v) for v in xs]
    if point is None:
        return sp.Matrix(partials)
    p = _exact_vector(point, "point", len(xs))
    at = dict(zip(xs, p))
    where = f"point {tuple(p)}"
    _exact_at(f.xreplace(at), "the value f(point)", where)
    return sp.Matrix([_exact_at(d.xreplace(at), f"∂f/∂{v}", where) for d, v in zip(partials, xs)])


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
    f, xs = _check_expression(f, variables)
    if f.has(sp.Piecewise):
        raise ValueError("f: Piecewise expressions are not supported; sympy.limit would take the branch at the point itself")
    p = _exact_vector(point, "point", len(xs))
    v = _exact_vector(direction, "direction", len(xs))
    norm = _norm(v)
    where = f"point {tuple(p)}"
    f0 = f.xreplace(dict(zip(xs, p)))
    _exact_at(f0, "the value f(point)", where)
    s = sp.Dummy("s", real=True)
    g = f.xreplace({x: pi + s * vi for x, pi, vi in zip(xs, p, v)})
    try:
        slope = sp.limit((g - f0) / s, s, 0, dir="+-") if g.has(s) else sp.Integer(0)
    except ValueError as exc:
        raise ValueError(f"f: has no directional derivative at {where} along {tuple(v)}: {exc}") from None
    return _exact_at(slope / norm, "the directional derivative", f"{where} along {tuple(v)}")


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
    _, xs = _check_expression(f, variables)
    axis = _axis(index, len(xs))
    return directional_derivative_symbolic(f, xs, point, axis)


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


def _axis(index: Any, n: int) -> list[int]:
    if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"index: expected an int; got {index!r}")
    if not 0 <= int(index) < n:
        raise ValueError(f"index: expected 0 <= index < {n}; got {index}")
    return [1 if i == int(index) else 0 for i in range(n)]


# ---------------------------------------------------------------------- numeric twins
def _check_callable(f: Any) -> None:
    if not callable(f):
        raise TypeError(f"f: expected a callable taking a 1-D array and returning a number; got {type(f).__name__} {f!r}"[:160])


def _check_method(method: Any) -> None:
    if method not in ("central", "complex"):
        raise ValueError(f"method: expected 'central' or 'complex'; got {method!r}")


def _value(f: Callable[..., Any], x: NDArray[Any], where: str, *, complex_input: bool = False) -> Any:
    """``f(x)`` as a scalar, or an error saying what ``f`` returned at ``where``."""
    out = np.asarray(f(x))
    if out.dtype == object or not np.issubdtype(out.dtype, np.number):
        raise TypeError(f"f: expected f({where}) to return a number; got {out!r}"[:160])
    if out.shape != ():
        raise ValueError(f"f: expected a scalar value; f({where}) returned an array of shape {out.shape}")
    if np.iscomplexobj(out) and not complex_input:
        raise TypeError(f"f: expected a real value for real input; f({where}) returned {out}")
    if not np.isfinite(out):
        raise ValueError(f"f: f({where}) = {out}; f must be finite at and near the point")
    return out[()]


def _complex_value(f: Callable[..., Any], z: NDArray[np.complex128], where: str) -> float:
    """``Im f(z)`` for a complex-step point, or a TypeError when ``f`` is not complex-safe."""
    why = "complex-step differentiation needs f to accept complex input and compute in complex arithmetic"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            out = _value(f, z, where, complex_input=True)
    except (TypeError, np.exceptions.ComplexWarning) as exc:
        if str(exc).startswith("f: expected a scalar"):
            raise
        raise TypeError(f"f: {why}; f({where}) failed with {type(exc).__name__}: {exc}"[:300]) from exc
    if not np.iscomplexobj(out):
        raise TypeError(
            f"f: {why}; f({where}) returned the real value {out}, so f drops the imaginary part "
            "(abs, float(), np.real, a real-valued buffer); use method='central'"
        )
    return float(out.imag)


def _central_steps(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Steps :math:`h_i = \\varepsilon^{1/3} \\max(1, |x_i|)`, rounded so that ``x + h`` is exact."""
    h = _CENTRAL_SCALE * np.maximum(1.0, np.abs(x))
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
    _check_callable(f)
    _check_method(method)
    p = as_array(x, "x", ndim=1)
    _value(f, p, "x")
    if method == "complex":
        z = p + 1j * _COMPLEX_STEP * np.eye(p.size)
        return np.array([_complex_value(f, z[i], f"x + ih·e_{i}") for i in range(p.size)]) / _COMPLEX_STEP
    h = _central_steps(p)
    shifts = np.diag(h)
    plus = np.array([_value(f, p + shifts[i], f"x + h·e_{i}") for i in range(p.size)], dtype=np.float64)
    minus = np.array([_value(f, p - shifts[i], f"x - h·e_{i}") for i in range(p.size)], dtype=np.float64)
    return (plus - minus) / (2 * h)


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
    _check_callable(f)
    _check_method(method)
    p, u = _point_and_unit(point, direction)
    _value(f, p, "point")
    if method == "complex":
        return _complex_value(f, p + 1j * _COMPLEX_STEP * u, "point + ih·u") / _COMPLEX_STEP
    h = _CENTRAL_SCALE * max(1.0, float(np.max(np.abs(p))))
    ahead, behind = _value(f, p + h * u, "point + h·u"), _value(f, p - h * u, "point - h·u")
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
    r"""The verified derivations of this page: limit = gradient formula, the Cauchy–Schwarz bound, its maximizer, the cosine form.

    Returns
    -------
    tuple of Derivation
        (1) :math:`\lim_{h\to0}(f(P_0 + h u) - f(P_0))/h = \nabla f \cdot v/\lVert v\rVert`
        for any differentiable :math:`f(x, y)` (checked with random smooth functions);
        (2) :math:`\lVert\nabla f\rVert^2 - (\nabla f\cdot u)^2` is a square for unit
        :math:`u`; (3) :math:`\nabla f\cdot \nabla f/\lVert\nabla f\rVert = \lVert\nabla f\rVert`;
        (4) :math:`D_{u(\theta)} f = \lVert\nabla f\rVert \cos(\theta - \varphi)`.

    Notes
    -----
    (2) and (3) together: :math:`\max_{\lVert u\rVert = 1} D_u f = \lVert \nabla f \rVert`,
    reached at :math:`u = \nabla f / \lVert \nabla f \rVert`.

    References
    ----------
    J. Stewart, *Calculus: Early Transcendentals*, 8th ed., §14.6, Theorems 3 and 15.

    Examples
    --------
    >>> [d.verify().ok for d in derivations()[1:]]
    [True, True, True]
    """
    return (_limit_is_gradient_formula(), _cauchy_schwarz(), _maximum_is_attained(), _cosine_of_the_angle())


# ---------------------------------------------------------------------- registry
_VARIABLES = sp.symbols("x y z", real=True)
_TOLERANCE = Tolerance(
    rtol=1e-6,
    atol=1e-6,
    why=(
        "central differences with h = eps^(1/3) max(1, |x|): truncation h²/6·|f'''| plus rounding "
        "about eps·|f|/h; for the drawn functions (|x| <= 2, |f| and |f'''| below about 1e4) that is "
        "below 1e-6 in total, a thousand times the typical 1e-10"
    ),
)


def _random_functions(n: int, *, max_terms: int = 3, transcendental: bool = True) -> Any:
    """Hypothesis strategy of smooth expressions in the first ``n`` of x, y, z.

    Each is a sum of one to ``max_terms`` terms ``c · monomial · atom``: a monomial of
    degree at most 3, an atom 1 or (if ``transcendental``) sin L, cos L, exp(L/4),
    log(1 + L²), atan L or sqrt(1 + L²) of a small-integer linear form L. On |x_i| <= 2
    the values stay below about 1e4.
    """
    from hypothesis import strategies as st

    xs = _VARIABLES[:n]
    small = st.integers(-2, 2)
    linear = st.tuples(st.lists(small, min_size=n, max_size=n), small).map(
        lambda t: sum((c * x for c, x in zip(t[0], xs)), sp.Integer(t[1]))
    )
    shapes = [lambda L: sp.Integer(1)]
    if transcendental:
        shapes += [sp.sin, sp.cos, lambda L: sp.exp(L / 4), lambda L: sp.log(1 + L**2), sp.atan, lambda L: sp.sqrt(1 + L**2)]
    atom = st.tuples(st.sampled_from(shapes), linear).map(lambda t: t[0](t[1]))
    monomial = st.lists(st.sampled_from(xs), max_size=3).map(lambda m: sp.Mul(*m))
    coef = st.integers(1, 3).flatmap(lambda k: st.sampled_from([k, -k]))
    term = st.builds(lambda c, m, a: c * m * a, coef, monomial, atom)
    return st.lists(term, min_size=1, max_size=max_terms).map(lambda ts: sp.Add(*ts))


def _examples() -> Any:
    """Hypothesis strategy of ``{"f", "variables", "point", "direction"}`` for the registry."""
    from hypothesis import strategies as st

    def draw_for(n: int) -> Any:
        coordinate = st.fractions(-2, 2, max_denominator=4).map(lambda q: sp.Rational(q.numerator, q.denominator))
        nonzero = st.tuples(st.lists(st.integers(-4, 4), min_size=n, max_size=n), st.integers(0, n - 1), st.integers(1, 4)).map(
            lambda t: [t[2] if i == t[1] and not any(t[0]) else c for i, c in enumerate(t[0])]
        )  # an all-zero draw gets one entry set, so every direction is nonzero by construction
        return st.fixed_dictionaries(
            {
                "f": _random_functions(n, max_terms=2),
                "variables": st.just(list(_VARIABLES[:n])),
                "point": st.lists(coordinate, min_size=n, max_size=n),
                "direction": nonzero,
            }
        )

    return st.integers(2, 3).flatmap(draw_for)


def _as_callable(example: Any) -> Callable[[NDArray[Any]], Any]:
    """The example's expression as a function of one array (``0·p[0]`` keeps a constant in p's dtype)."""
    unpacked = sp.lambdify(example["variables"], example["f"], modules="numpy")
    return lambda p: unpacked(*p) + 0 * p[0]


def _floats(values: Sequence[Any]) -> NDArray[np.float64]:
    return np.array([float(v) for v in values], dtype=np.float64)


CONCEPTS = (
    Concept(
        name="directional-derivative",
        area="calculus",
        symbolic=lambda ex: directional_derivative_symbolic(ex["f"], ex["variables"], ex["point"], ex["direction"]),
        numeric=lambda ex: directional_derivative(_as_callable(ex), _floats(ex["point"]), _floats(ex["direction"])),
        inputs=_examples,
        tolerance=_TOLERANCE,
        references=("J. Stewart, Calculus: Early Transcendentals, 8th ed., §14.6", "J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., §8.1"),
        page="calculus/directional-derivative.md",
    ),
    Concept(
        name="gradient",
        area="calculus",
        symbolic=lambda ex: list(gradient_symbolic(ex["f"], ex["variables"], ex["point"])),
        numeric=lambda ex: gradient(_as_callable(ex), _floats(ex["point"])),
        inputs=_examples,
        tolerance=_TOLERANCE,
        references=("J. Stewart, Calculus: Early Transcendentals, 8th ed., §14.3 and §14.6", "J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., §8.1"),
        page="calculus/directional-derivative.md",
    ),
)

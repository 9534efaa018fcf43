r"""Finite differences and the complex step: the step sizes and a guarded evaluation of ``f``.

Every call of the user's ``f`` goes through :func:`value_at` (or :func:`complex_value`),
so that a non-scalar, non-finite or, for the complex step, non-complex-safe ``f`` is
refused with a message that says at which point it failed.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

Method = Literal["central", "complex"]
ScalarFunction = Callable[[NDArray[Any]], ArrayLike]
EPS = float(np.finfo(np.float64).eps)
CENTRAL_SCALE = EPS ** (1 / 3)  # balances truncation h^2 against rounding eps/h
COMPLEX_STEP = 1e-20


def check_callable(f: object) -> None:
    """Refuse an ``f`` that cannot be called."""
    if not callable(f):
        raise TypeError(f"f: expected a callable taking a 1-D array and returning a number; got {type(f).__name__} {f!r}"[:160])


def check_method(method: object) -> None:
    """Refuse a ``method`` other than ``"central"`` and ``"complex"``."""
    if method not in ("central", "complex"):
        raise ValueError(f"method: expected 'central' or 'complex'; got {method!r}")


def central_steps(x: NDArray[np.float64]) -> NDArray[np.float64]:
    r"""Steps :math:`h_i = \varepsilon^{1/3} \max(1, |x_i|)`, rounded so that ``x + h`` is exact."""
    h = CENTRAL_SCALE * np.maximum(1.0, np.abs(x))
    return (x + h) - x


def value_at(f: ScalarFunction, x: NDArray[Any], where: str, *, complex_input: bool = False) -> np.number[Any]:
    """``f(x)`` as a NumPy scalar, or an error saying what ``f`` returned at ``where``."""
    out = np.asarray(f(x))
    if out.dtype == object or not np.issubdtype(out.dtype, np.number):
        raise TypeError(f"f: expected f({where}) to return a number; got {out!r}"[:160])
    if out.shape != ():
        raise ValueError(f"f: expected a scalar value; f({where}) returned an array of shape {out.shape}")
    if np.iscomplexobj(out) and not complex_input:
        raise TypeError(f"f: expected a real value for real input; f({where}) returned {out}")
    if not np.isfinite(out):
        raise ValueError(f"f: f({where}) = {out}; f must be finite at and near the point")
    return cast("np.number[Any]", out[()])


def complex_value(f: ScalarFunction, z: NDArray[np.complex128], where: str) -> float:
    """``Im f(z)`` at a complex-step point, or a TypeError when ``f`` is not complex-safe."""
    why = "complex-step differentiation needs f to accept complex input and compute in complex arithmetic"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            out = value_at(f, z, where, complex_input=True)
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

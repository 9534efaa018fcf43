"""Input validation shared by the numeric twins: clear errors naming the argument.

Every message says which argument, what was expected, and what came, e.g.
``direction: expected a finite 1-D array of numbers; got shape (2, 2)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["as_array", "as_positive", "as_probability", "as_real", "require"]


def _describe(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}"[:120]


def as_array(
    x: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: tuple[int | None, ...] | None = None,
    dtype: Any = np.float64,
    finite: bool = True,
    nonempty: bool = True,
) -> NDArray[Any]:
    """``x`` as a NumPy array of ``dtype``, or a TypeError/ValueError naming ``name``."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name}: expected an array of numbers; got {_describe(x)}")
    arr0 = np.asarray(x)
    if arr0.dtype == object or not (np.issubdtype(arr0.dtype, np.number) or arr0.dtype == np.bool_):
        raise TypeError(f"{name}: expected an array of numbers; got {_describe(x)}")
    if np.iscomplexobj(arr0) and not np.issubdtype(np.dtype(dtype), np.complexfloating):
        raise TypeError(f"{name}: expected real numbers; got complex values")
    arr = arr0.astype(dtype, copy=False)
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if dims is not None and arr.ndim not in dims:
        want = " or ".join(f"{d}-D" for d in dims)
        raise ValueError(f"{name}: expected a {want} array; got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(w is not None and w != g for w, g in zip(shape, arr.shape)):
            want = "(" + ", ".join("any" if w is None else str(w) for w in shape) + ")"
            raise ValueError(f"{name}: expected shape {want}; got shape {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name}: expected a non-empty array; got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = f"[{', '.join(str(int(i)) for i in bad)}]" if arr.ndim else ""
        raise ValueError(f"{name}: expected finite numbers; got {arr[tuple(bad)]} at {name}{where}")
    return arr


def as_real(x: Any, name: str, *, finite: bool = True) -> float:
    """``x`` as a Python float, or a clear error."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a real number; got {_describe(x)}")
    v = float(x)
    if finite and not np.isfinite(v):
        raise ValueError(f"{name}: expected a finite number; got {v}")
    return v


def as_positive(x: Any, name: str, *, allow_zero: bool = False) -> float:
    """``x`` as a float > 0 (or >= 0 with ``allow_zero``), or a clear error."""
    v = as_real(x, name)
    if v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{name}: expected a number {'>= 0' if allow_zero else '> 0'}; got {v}")
    return v


def as_probability(x: Any, name: str, *, lo_open: bool = False, hi_open: bool = False) -> float:
    """``x`` as a float in [0, 1] (ends open as asked), or a clear error."""
    v = as_real(x, name)
    lo_ok = v > 0 if lo_open else v >= 0
    hi_ok = v < 1 if hi_open else v <= 1
    if not (lo_ok and hi_ok):
        interval = ("(" if lo_open else "[") + "0, 1" + (")" if hi_open else "]")
        raise ValueError(f"{name}: expected a number in {interval}; got {v}")
    return v


def require(condition: bool, message: str, exc: type[Exception] = ValueError) -> None:
    """Raise ``exc(message)`` unless ``condition``."""
    if not condition:
        raise exc(message)

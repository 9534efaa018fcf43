"""Input validation shared by the numeric twins: clear errors naming the argument.

Every message says which argument, what was expected, and what came, e.g.
``direction: expected a finite 1-D array of numbers; got shape (2, 2)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray

__all__ = ["ROW_TOL", "as_array", "as_count", "as_flag", "as_positive", "as_real", "as_symbols", "probability_rows"]

ROW_TOL = 1e-9  # tolerance on |sum of a probability row - 1|, per entry of the row


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
    try:
        arr0 = np.asarray(x)
    except ValueError:
        raise ValueError(f"{name}: expected a rectangular array of numbers; got ragged rows") from None
    if arr0.dtype == object or arr0.dtype.kind == "U":
        arr0 = _exact_floats(arr0, name)
    if not (np.issubdtype(arr0.dtype, np.number) or arr0.dtype == np.bool_):
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


def _exact_floats(arr: NDArray[Any], name: str) -> NDArray[np.float64]:
    """An object or string array of exact numbers (Fractions, SymPy rationals, "3/10") as floats."""
    from ._exact import exact_array  # the one converter, so "3/10" means the same everywhere

    if arr.size == 0:
        return np.zeros(arr.shape)
    try:
        return np.array(exact_array(arr, name), dtype=np.float64)
    except TypeError:
        raise TypeError(f"{name}: expected an array of numbers; got {_describe(arr)}") from None
    except ValueError as exc:
        if arr.dtype == object:
            raise  # a NaN, or a string that is not a number, inside an object array: named entry
        raise TypeError(f"{name}: expected an array of numbers; got {_describe(arr)} ({exc})") from None


def as_count(x: Any, name: str, *, minimum: int = 1) -> int:
    """``x`` as a Python int >= ``minimum`` (bools and floats refused), or a ValueError naming ``name``."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)) or x < minimum:
        want = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name}: expected {want}; got {x!r}"[:200])
    return int(x)


def as_flag(x: Any, name: str) -> bool:
    """``x`` as a bool, refusing anything but ``True`` and ``False`` (``0``, ``"yes"``, ``None``)."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False; got {_describe(x)}")
    return bool(x)


def as_symbols(x: Any, name: str = "variables", *, length: int | None = None) -> tuple[sp.Symbol, ...]:
    """``x`` as a non-empty tuple of distinct SymPy symbols, or a clear error."""
    if isinstance(x, (str, bytes, sp.Basic)) or not isinstance(x, Sequence):
        raise TypeError(f"{name}: expected a list or tuple of SymPy symbols; got {_describe(x)}")
    xs = tuple(x)
    if not xs:
        raise ValueError(f"{name}: expected at least one symbol; got none")
    for k, v in enumerate(xs):
        if not isinstance(v, sp.Symbol):
            raise TypeError(f"{name}[{k}]: expected a SymPy Symbol; got {_describe(v)}")
    if len(set(xs)) != len(xs):
        raise ValueError(f"{name}: expected distinct symbols; got {list(xs)}")
    if length is not None and len(xs) != length:
        raise ValueError(f"{name}: expected {length} symbols; got {len(xs)}")
    return xs


def probability_rows(
    p: Any, name: str, *, tol: float = ROW_TOL, rows: tuple[int, ...] | None = None, row_ndim: int = 1
) -> None:
    """Every row (last axis) of ``p`` is a probability distribution, within ``tol`` per entry.

    With ``row_ndim=2`` a row of a dense ``p`` is the block of its last two axes (a
    distribution over pairs, e.g. ``W[p, i, j]``). Messages name the first offending entry or row, e.g.
    ``P[1, 0] sums to 0.97, expected 1 (tolerance 2e-09)``. ``p`` may also be a SciPy
    sparse matrix, whose stored entries are checked (``tol`` per stored entry of a row);
    ``rows`` then names its row ``k`` by
    ``np.unravel_index(k, rows)``, so an ``(S·A, S)`` matrix with ``rows=(S, A)`` gets the
    messages of the ``(S, A, S)`` array.
    """
    if hasattr(p, "tocsr"):
        _sparse_probability_rows(p.tocsr(), name, tol, rows or (p.shape[0],))
        return
    if np.any(p < 0):
        bad = tuple(int(i) for i in np.argwhere(p < 0)[0])
        raise ValueError(f"{name}[{', '.join(map(str, bad))}]: expected a probability >= 0; got {p[bad]}")
    sums = p.sum(axis=tuple(range(-row_ndim, 0)))
    limit = tol * int(np.prod(p.shape[-row_ndim:]))
    err = np.abs(sums - 1.0)
    if np.any(err > limit):
        bad = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), np.shape(sums)))
        where = f"{name}[{', '.join(map(str, bad))}]" if bad else name
        raise ValueError(f"{where} sums to {float(sums[bad]):.12g}, expected 1 (tolerance {limit:.1g})")


def _sparse_probability_rows(p: Any, name: str, tol: float, rows: tuple[int, ...]) -> None:
    """:func:`probability_rows` of a CSR matrix, its row ``k`` named by its index in ``rows``."""

    def where(k: int, *more: int) -> str:
        index = [int(i) for i in np.unravel_index(k, rows)] + list(more)
        return f"{name}[{', '.join(map(str, index))}]"

    neg = np.flatnonzero(p.data < 0)
    if neg.size:
        k = int(np.searchsorted(p.indptr, neg[0], side="right") - 1)
        raise ValueError(f"{where(k, int(p.indices[neg[0]]))}: expected a probability >= 0; got {p.data[neg[0]]}")
    sums = np.asarray(p.sum(axis=1)).ravel()
    limit = tol * np.maximum(np.diff(p.indptr), 1)  # per stored entry: only those are summed
    err = np.abs(sums - 1.0)
    if np.any(err > limit):
        k = int(np.argmax(np.where(err > limit, err, -1.0)))
        raise ValueError(f"{where(k)} sums to {float(sums[k]):.12g}, expected 1 (tolerance {limit[k]:.1g})")

"""Parameter structures for the optimizers: one array, a list/tuple of arrays, or a dict of arrays.

A structure is flattened into its leaves (arrays, in a fixed order) and rebuilt from
new leaves of the same shapes. Every error names the leaf by its path, e.g.
``grads['w']`` or ``state.exp_avg[1]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Leaves = list[NDArray[np.floating[Any]]]
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _leaf_items(tree: Any, name: str) -> tuple[list[tuple[str, Any]], Callable[[Sequence[Any]], Any]]:
    """``(path, leaf)`` pairs of ``tree`` and a function rebuilding it from new leaves."""
    if isinstance(tree, Mapping):
        keys = list(tree.keys())
        if not keys:
            raise ValueError(f"{name}: expected at least one array; got an empty dict")
        if not all(isinstance(k, str) for k in keys):
            raise TypeError(f"{name}: expected a dict with string keys; got keys {keys!r}")
        return [(f"{name}[{k!r}]", tree[k]) for k in keys], lambda new: dict(zip(keys, new))
    if isinstance(tree, (list, tuple)):
        if not tree:
            raise ValueError(f"{name}: expected at least one array; got an empty {type(tree).__name__}")
        kind = type(tree)
        return [(f"{name}[{i}]", v) for i, v in enumerate(tree)], lambda new: kind(new)
    return [(name, tree)], lambda new: new[0]


def _structure(tree: Any) -> tuple[str, Any]:
    if isinstance(tree, Mapping):
        return "dict", sorted(tree.keys())
    if isinstance(tree, (list, tuple)):
        return type(tree).__name__, len(tree)
    return "array", None


def _describe_structure(tree: Any) -> str:
    kind, detail = _structure(tree)
    if kind == "dict":
        return f"a dict with keys {detail}"
    if kind in ("list", "tuple"):
        return f"a {kind} of {detail} arrays"
    return "a single array"


def _as_leaf(x: Any, path: str, dtype: np.dtype[Any] | None) -> NDArray[np.floating[Any]]:
    if isinstance(x, (str, bytes, Mapping)) or x is None:
        raise TypeError(f"{path}: expected an array of real numbers; got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{path}: expected an array of real numbers; got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{path}: expected real numbers; got complex dtype {arr.dtype}")
    target = dtype if dtype is not None else (arr.dtype if arr.dtype in FLOAT_DTYPES else np.dtype(np.float64))
    out = arr.astype(target, copy=False)
    if not np.all(np.isfinite(out)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        raise ValueError(
            f"{path}: expected finite numbers; got {out[bad]} at index {bad if out.ndim else '()'} "
            "(refalgo refuses NaN and inf instead of letting them poison the moment estimates)"
        )
    return out


def flatten_params(params: Any, name: str = "params") -> tuple[Leaves, Callable[[Sequence[Any]], Any]]:
    """Validated float32/float64 leaves of ``params`` and a rebuild function.

    Leaves of other real dtypes are converted to float64; non-finite entries are an error.
    """
    items, rebuild = _leaf_items(params, name)
    return [_as_leaf(v, path, None) for path, v in items], rebuild


def _items_like(tree: Any, params: Any, name: str) -> list[tuple[str, Any]]:
    """``(path, leaf)`` pairs of ``tree`` in the order of ``params``' leaves; the structures must match."""
    if _structure(tree) != _structure(params):
        raise ValueError(
            f"{name}: expected the structure of params ({_describe_structure(params)}); got {_describe_structure(tree)}"
        )
    if isinstance(params, Mapping):
        return [(f"{name}[{k!r}]", tree[k]) for k in params.keys()]
    return _leaf_items(tree, name)[0]


def flatten_like(tree: Any, params: Any, leaves: Leaves, name: str) -> Leaves:
    """Validated leaves of ``tree``, converted to the dtypes of ``params``' ``leaves`` and of the same shapes."""
    out = []
    for (path, v), ref in zip(_items_like(tree, params, name), leaves):
        arr = _as_leaf(v, path, ref.dtype)
        if arr.shape != ref.shape:
            raise ValueError(f"{path}: expected shape {ref.shape} like the matching parameter; got shape {arr.shape}")
        out.append(arr)
    return out


def state_leaves(tree: Any, params: Any, leaves: Leaves, name: str) -> Leaves:
    """Leaves of a state buffer: the structure, shapes and dtypes of the parameters exactly (no conversion)."""
    for (path, v), ref in zip(_items_like(tree, params, name), leaves):
        if not isinstance(v, np.ndarray) or v.dtype != ref.dtype:
            got = f"dtype {v.dtype}" if isinstance(v, np.ndarray) else type(v).__name__
            raise TypeError(f"{path}: expected a NumPy array of dtype {ref.dtype} like the matching parameter; got {got}")
    return flatten_like(tree, params, leaves, name)


def leaf_paths(tree: Any, name: str) -> list[str]:
    """The path of every leaf of ``tree``, in leaf order (e.g. ``params['w']``)."""
    return [path for path, _ in _leaf_items(tree, name)[0]]

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

from ..transforms import AdamState, GradientTransformation, apply_updates

__all__ = ["FLOAT_DTYPES", "Leaves", "flatten_like", "flatten_params", "leaf_paths", "moment_leaves", "rebuild_like", "run_chain", "state_leaves"]

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


def rebuild_like(params: Any, leaves: Sequence[Any]) -> Any:
    """A structure like ``params`` (array, list, tuple or dict) holding ``leaves`` in leaf order."""
    return _leaf_items(params, "params")[1](leaves)


def leaf_paths(tree: Any, name: str) -> list[str]:
    """The path of every leaf of ``tree``, in leaf order (e.g. ``params['w']``)."""
    return [path for path, _ in _leaf_items(tree, name)[0]]


def moment_leaves(state: Any, params: Any, leaves: Leaves, amsgrad: bool) -> tuple[int, Leaves, Leaves, Leaves | None]:
    """The step and the moment buffers of an ``AdamState`` as leaves matching ``params`` exactly.

    The running maximum is ``None`` when ``amsgrad`` is off or the state has none.
    """
    if isinstance(state.step, bool) or not isinstance(state.step, (int, np.integer)) or state.step < 0:
        raise ValueError(f"state.step: expected a nonnegative integer; got {state.step!r}")
    m = state_leaves(state.exp_avg, params, leaves, "state.exp_avg")
    v = state_leaves(state.exp_avg_sq, params, leaves, "state.exp_avg_sq")
    for path, vi in zip(leaf_paths(state.exp_avg_sq, "state.exp_avg_sq"), v):
        if np.any(vi < 0):
            raise ValueError(f"{path}: expected nonnegative second moments; got minimum {vi.min()}")
    vmax = None
    if amsgrad and state.max_exp_avg_sq is not None:
        vmax = state_leaves(state.max_exp_avg_sq, params, leaves, "state.max_exp_avg_sq")
    return int(state.step), m, v, vmax


def run_chain(tx: GradientTransformation, params: Any, grads: Any, state: Any, *, amsgrad: bool,
              eps: float) -> tuple[Any, AdamState[Any]]:
    """Run the chain ``tx`` (one :class:`AdamState` among stateless links) on every array of ``params``.

    The NaN policy of :mod:`refalgo.optim.adam`: the input is checked before the step,
    and 0/0 (``eps = 0`` with a zero second moment) and overflow after it.
    """
    if not isinstance(state, AdamState):
        raise TypeError(f"state: expected an AdamState from adam_init; got {type(state).__name__}")
    leaves, rebuild = flatten_params(params)
    grad_leaves = flatten_like(grads, params, leaves, "grads")
    step, ms, vs, xs = moment_leaves(state, params, leaves, amsgrad)
    layout = tx.init(np.zeros(0))  # the chain's states, filled with each array's moments below
    out = []
    for k, path in enumerate(leaf_paths(params, "params")):
        moments = AdamState(step, ms[k], vs[k], None if xs is None else xs[k])
        states = tuple(moments if isinstance(s, AdamState) else s for s in layout)
        with np.errstate(over="ignore", invalid="ignore"):  # overflow and 0/0 are reported below
            u, states = tx.update(grad_leaves[k], states, leaves[k])
            p = apply_updates(leaves[k], u)
        new = next(s for s in states if isinstance(s, AdamState))
        second = new.max_exp_avg_sq if amsgrad else new.exp_avg_sq
        if eps == 0 and np.any(second == 0):
            bad = tuple(int(i) for i in np.argwhere(second == 0)[0])
            raise ValueError(f"eps: with eps = 0 the update of {path} at index {bad} is 0/0 (its second moment is 0); use eps > 0")
        for arr, what in ((p, "the new parameter"), (new.exp_avg, "the first moment"), (new.exp_avg_sq, "the second moment")):
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"grads: the step overflowed {what} of {path} in {arr.dtype}; scale the gradients down")
        out.append((p, new))
    new_max = rebuild([s.max_exp_avg_sq for _, s in out]) if amsgrad else state.max_exp_avg_sq
    new_state = AdamState(step + 1, rebuild([s.exp_avg for _, s in out]), rebuild([s.exp_avg_sq for _, s in out]), new_max)
    return rebuild([p for p, _ in out]), new_state

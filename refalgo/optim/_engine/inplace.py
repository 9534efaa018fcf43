r"""The in-place fast path: the same Adam/AdamW step, updating the arrays it is given.

:func:`refalgo.optim.adam_step_inplace` and :func:`~refalgo.optim.adamw_step_inplace`
hand their work to :func:`inplace_step`. :func:`refalgo.optim.adam_step` and
:func:`~refalgo.optim.adamw_step` are the reference: pure functions that allocate new arrays. For large models the step is limited by
memory traffic: it must read :math:`\theta, g, m, v` and write :math:`\theta, m, v`, and a
chain of NumPy operations on whole arrays reads and writes every array many times.
The update is computed in Kingma & Ba's efficient form,
:math:`\theta \leftarrow \theta - \alpha_t m_t/(\sqrt{v_t} + \hat\epsilon)` with
:math:`\alpha_t = \alpha\sqrt{1-\beta_2^t}/(1-\beta_1^t)` and :math:`\hat\epsilon = \epsilon\sqrt{1-\beta_2^t}`,
which equals the reference's update exactly in real arithmetic (derived on the Adam
page) and saves one pass; in floating point the two differ by a few roundings.

**Backends** (``backend=``):

* ``"numba"`` — a compiled kernel (:mod:`refalgo.optim._engine.fused`, the ``fast`` extra)
  that does the whole update of each element in one loop, so every array passes
  through memory exactly once, with blocks of elements shared among numba's threads.
  It uses all cores unless told otherwise: ``numba.set_num_threads(k)`` or the
  environment variable ``NUMBA_NUM_THREADS``; leaves of fewer than 32768 elements
  run on the calling thread. The first call for a dtype compiles the kernel (a few
  seconds, once per machine: the machine code is cached on disk, and later processes
  load it in a fraction of a second). Compiled without ``fastmath``, it gives the
  same numbers as the NumPy backend.
* ``"numpy"`` — the flattened arrays are walked in cache-sized chunks, with the
  update run on each chunk by in-place ufuncs (``out=``) and two scratch buffers: each
  array passes through main memory about once, but each chunk goes through a dozen
  ufunc calls on one thread.
* ``"auto"`` (default) — numba when it can be imported, else NumPy.

The parameters and the state's buffers are **mutated**; the returned
:class:`~refalgo.optim.AdamState` shares them and carries the new step count. With
``amsgrad`` at step 0 and no running maximum in the state, one is created.

**NaN policy.** The gradients are checked for NaN and inf before anything is
written, so a bad batch can be skipped with the state intact. Non-finite values that
*arise* during the step (non-finite parameters passed in, or overflow of
:math:`v_t` in float32) are detected during it and reported as a ``ValueError``; the
arrays then hold the non-finite values.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..._backend import compiled
from ..._validate import as_flag, as_positive
from ..transforms import AdamState, as_betas, running_max
from .tree import FLOAT_DTYPES, leaf_paths, rebuild_like

__all__ = ["CHUNK", "PARALLEL_MIN", "Coefficients", "Hyper", "as_schedule_multiplier", "chunked", "coefficients", "inplace_step", "step_inplace"]

CHUNK = 65536  # elements per chunk: long enough to amortize each call, short enough to stay in cache
PARALLEL_MIN = 32768  # elements from which the compiled kernel shares the work among threads


def _arrays(tree: Any, params: Any, name: str, dtypes: list[np.dtype[Any]] | None) -> list[NDArray[Any]]:
    """The leaves of ``tree`` as writable C-contiguous float arrays matching ``params``' structure."""
    if isinstance(params, dict):
        if not isinstance(tree, dict) or set(tree) != set(params):
            raise ValueError(f"{name}: expected a dict with the keys of params {sorted(params)}")
        leaves, paths = [tree[k] for k in params], [f"{name}[{k!r}]" for k in params]
    elif isinstance(params, (list, tuple)):
        if not isinstance(tree, (list, tuple)) or len(tree) != len(params):
            raise ValueError(f"{name}: expected a list of {len(params)} arrays like params; got {type(tree).__name__}")
        leaves, paths = list(tree), leaf_paths(tree, name)
    else:
        leaves, paths = [tree], [name]
    for k, (leaf, path) in enumerate(zip(leaves, paths)):
        if not isinstance(leaf, np.ndarray) or leaf.dtype not in FLOAT_DTYPES:
            got = f"dtype {leaf.dtype}" if isinstance(leaf, np.ndarray) else type(leaf).__name__
            raise TypeError(f"{path}: the in-place step needs a float32 or float64 NumPy array; got {got}")
        if dtypes is not None and leaf.dtype != dtypes[k]:
            raise TypeError(f"{path}: expected dtype {dtypes[k]} like the matching parameter; got {leaf.dtype}")
        if not (leaf.flags.c_contiguous and leaf.flags.writeable):
            raise ValueError(f"{path}: the in-place step needs a writable C-contiguous array")
    return leaves


def _finite(x: NDArray[Any]) -> bool:
    """Whether every entry of ``x`` is finite: NaN propagates through min and max, inf shows in one of them."""
    return bool(np.isfinite(np.minimum.reduce(x, axis=None)) and np.isfinite(np.maximum.reduce(x, axis=None)))


class Hyper(NamedTuple):
    """The validated hyperparameters of one step (``schedule_multiplier`` is ``None`` for PyTorch's convention)."""

    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    amsgrad: bool
    maximize: bool
    schedule_multiplier: float | None


class Coefficients(NamedTuple):
    """The step's scalars; the L2 coefficient is 0 for AdamW and the decay factor ``keep`` is 1 for Adam."""

    one_minus_beta1: float
    beta2: float
    one_minus_beta2: float
    l2: float
    keep: float
    alpha_t: float
    eps_hat: float


def coefficients(t: int, h: Hyper, decoupled: bool) -> Coefficients:
    """The scalars of step ``t`` in the efficient form."""
    eta = 1.0 if h.schedule_multiplier is None else h.schedule_multiplier
    root_bc2 = math.sqrt(1 - h.beta2**t)
    alpha_t = eta * h.lr * root_bc2 / (1 - h.beta1**t)  # α_t = α √(1 − β₂ᵗ) / (1 − β₁ᵗ)
    eps_hat = h.eps * root_bc2  # ε̂ = ε √(1 − β₂ᵗ)
    keep = 1 - (h.lr if h.schedule_multiplier is None else eta) * h.weight_decay if decoupled else 1.0
    l2 = 0.0 if decoupled else h.weight_decay
    return Coefficients(1 - h.beta1, h.beta2, 1 - h.beta2, l2, keep, alpha_t, eps_hat)


def chunked(p: NDArray[Any], g: NDArray[Any], m: NDArray[Any], v: NDArray[Any], vmax: NDArray[Any] | None,
             c: Coefficients, maximize: bool, chunk: int) -> bool:
    """Update one leaf in place, chunk by chunk, in the efficient form; returns whether the results are finite."""
    pf, gf, mf, vf = p.reshape(-1), g.reshape(-1), m.reshape(-1), v.reshape(-1)
    xf = None if vmax is None else vmax.reshape(-1)
    a, b = np.empty(min(chunk, pf.size), p.dtype), np.empty(min(chunk, pf.size), p.dtype)
    finite = True
    for s in range(0, pf.size, chunk):
        e = min(s + chunk, pf.size)
        pc, gc, mc, vc, ac, bc = pf[s:e], gf[s:e], mf[s:e], vf[s:e], a[: e - s], b[: e - s]
        if maximize or c.l2 != 0:
            np.negative(gc, out=ac) if maximize else np.copyto(ac, gc)
            if c.l2 != 0:
                np.multiply(pc, c.l2, out=bc)  # g ← g + λθ
                ac += bc
            gc = ac
        if c.keep != 1:
            pc *= c.keep  # θ ← (1 − αλ)θ
        np.subtract(gc, mc, out=bc)  # m ← m + (1 − β₁)(g − m)
        bc *= c.one_minus_beta1
        mc += bc
        np.multiply(gc, gc, out=bc)  # v ← β₂ v + (1 − β₂) g²
        bc *= c.one_minus_beta2
        vc *= c.beta2
        vc += bc
        if xf is not None:
            np.maximum(xf[s:e], vc, out=xf[s:e])
        np.sqrt(vc if xf is None else xf[s:e], out=bc)  # θ ← θ − α_t m / (√v + ε̂)
        bc += c.eps_hat
        np.divide(mc, bc, out=bc)
        bc *= -c.alpha_t
        pc += bc
        finite = finite and _finite(pc) and bool(np.isfinite(np.maximum.reduce(vc, axis=None)))
    return finite


def _fused_leaf(kernels: Any, p: NDArray[Any], g: NDArray[Any], m: NDArray[Any], v: NDArray[Any],
                vmax: NDArray[Any] | None, c: Coefficients, maximize: bool) -> bool:
    """Update one leaf in place with a compiled kernel; the scalars go in the leaf's dtype."""
    scalars = tuple(p.dtype.type(x) for x in (-1.0 if maximize else 1.0, *c))
    p, g, m, v = (x.reshape(-1) for x in (p, g, m, v))
    if p.size < PARALLEL_MIN:
        return bool(kernels.serial_kernel(p, g, m, v, v if vmax is None else vmax.reshape(-1), scalars, vmax is not None))
    if vmax is None:
        return bool(kernels.adam_kernel(p, g, m, v, scalars))
    return bool(kernels.amsgrad_kernel(p, g, m, v, vmax.reshape(-1), scalars))


def _grads_finite(kernels: Any, g: NDArray[Any]) -> bool:
    """Whether every gradient is finite, by the compiled kernel when there is one."""
    if kernels is None:
        return _finite(g)
    return bool((kernels.all_finite if g.size >= PARALLEL_MIN else kernels.all_finite_serial)(g.reshape(-1)))


def inplace_step(params: Any, grads: Any, state: Any, h: Hyper, decoupled: bool, chunk: int, backend: str) -> Any:
    """One Adam (``decoupled=False``) or AdamW step in place; returns ``state`` with the new step count.

    ``state`` is an ``AdamState`` (checked by the caller) whose buffers are updated; with
    ``h.amsgrad`` and no running maximum, zeros are created for it (the caller refuses
    that after step 0).
    """
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"chunk: expected a positive integer; got {chunk!r}")
    if h.eps == 0:
        raise ValueError("eps: the in-place step needs eps > 0 (with eps = 0 use adam_step, which reports 0/0)")
    kernels = compiled("refalgo.optim._engine.fused", backend)  # None: the chunked NumPy path
    ps = _arrays(params, params, "params", None)
    dts = [p.dtype for p in ps]
    gs = _arrays(grads, params, "grads", dts)
    ms = _arrays(state.exp_avg, params, "state.exp_avg", dts)
    vs = _arrays(state.exp_avg_sq, params, "state.exp_avg_sq", dts)
    xs: list[Any] = [None] * len(ps)
    running_max = state.max_exp_avg_sq
    if h.amsgrad and running_max is not None:
        xs = _arrays(running_max, params, "state.max_exp_avg_sq", dts)
    paths = leaf_paths(grads, "grads")
    for k, (p, g, m, v, x) in enumerate(zip(ps, gs, ms, vs, xs)):
        for arr, path in ((g, paths[k]), (m, f"state.exp_avg[{k}]"), (v, f"state.exp_avg_sq[{k}]"), (x, "state.max_exp_avg_sq")):
            if arr is not None and arr.shape != p.shape:
                raise ValueError(f"{path}: expected shape {p.shape} like the matching parameter; got {arr.shape}")
        if not _grads_finite(kernels, g):
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(g))[0])
            raise ValueError(f"{paths[k]}: expected finite numbers; got {g[bad]} at index {bad}; nothing was updated")
    if h.amsgrad and running_max is None:  # step 0: start the running maximum, as PyTorch does
        xs = [np.zeros_like(p) for p in ps]
        running_max = rebuild_like(params, xs)
    t = state.step + 1
    c = coefficients(t, h, decoupled)
    for k, (p, g, m, v, x) in enumerate(zip(ps, gs, ms, vs, xs)):
        if kernels is not None:
            finite = _fused_leaf(kernels, p, g, m, v, x, c, h.maximize)
        else:
            with np.errstate(over="ignore", invalid="ignore"):  # reported below
                finite = chunked(p, g, m, v, x, c, h.maximize, chunk)
        if not finite:
            raise ValueError(f"params: leaf {k} holds non-finite values after the step (non-finite input or overflow)")
    return state._replace(step=t, max_exp_avg_sq=running_max)


def as_schedule_multiplier(eta: float | None) -> float | None:
    """``schedule_multiplier``: ``None`` (PyTorch's convention) or a number >= 0 (the AdamW paper's η_t)."""
    return None if eta is None else as_positive(eta, "schedule_multiplier", allow_zero=True)


def step_inplace(params: Any, grads: Any, state: Any, *, decoupled: bool, chunk: int, backend: str, lr: float,
                 betas: tuple[float, float], eps: float, weight_decay: float, amsgrad: bool, maximize: bool,
                 schedule_multiplier: float | None) -> Any:
    """Validate the hyperparameters and the state, then :func:`inplace_step`."""
    b1, b2 = as_betas(betas)
    h = Hyper(as_positive(lr, "lr", allow_zero=True), b1, b2, as_positive(eps, "eps", allow_zero=True),
              as_positive(weight_decay, "weight_decay", allow_zero=True), as_flag(amsgrad, "amsgrad"),
              as_flag(maximize, "maximize"), as_schedule_multiplier(schedule_multiplier))
    if not isinstance(state, AdamState):
        raise TypeError(f"state: expected an AdamState from adam_init; got {type(state).__name__}")
    if h.amsgrad:
        running_max(state, lambda: None)  # refuses amsgrad switched on after step 0
    return inplace_step(params, grads, state, h, decoupled, chunk, backend)

r"""The DPO fast path: blocks of pairs handed to the compiled kernels of :mod:`.fused`, on one thread or several.

:func:`refalgo.alignment.dpo_loss` and :func:`~refalgo.alignment.dpo_gradients` call
:func:`fast_losses` and :func:`fast_gradients` first; ``None`` sends them on to their
readable NumPy formulas, which then also raise the errors that name an argument.

The fast path takes four 1-D C-contiguous arrays of one dtype, float32 or float64 (what
the readable twins would compute in), and cuts them into blocks of :data:`BLOCK` pairs:
each block's inputs, outputs and scratch (a float32 block is 64 KiB per array) stay in
the core's cache while the kernels and NumPy's vectorized ``exp`` pass over them. With
``threads > 1`` the work goes to a pool of threads in a few contiguous shares per thread, taken
as threads come free; the kernels release the GIL, and so does NumPy's ``exp``. Where one
compiled kernel finishes a pair (float64, and float32 IPO) it needs no scratch, so a share is a
single call and no Python runs between blocks. The float32 losses and gradients with a
softplus or sigmoid call NumPy's vectorized ``exp`` between two kernels, so each thread walks
its share block by block, a few microseconds of Python (holding the GIL) per block of
:data:`BLOCK` pairs. Which path ran changes a float64 result only where NumPy's own
AVX-512 ``exp`` and ``log`` round differently from the C library's; in float32 the results
differ from the readable twin's by the few ULP that :mod:`.fused` states.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._backend import compiled

__all__ = ["BLOCK", "ENGINE_MIN", "TASKS_PER_THREAD", "as_threads", "fast_gradients", "fast_losses"]

BLOCK = 16384  # pairs per block: a float32 block's inputs, outputs and scratch fit in a core's L2 cache
ENGINE_MIN = 2048  # pairs from which backend="auto" takes the fast path
TASKS_PER_THREAD = 4  # shares of the blocks per thread, taken as threads come free
_POOLS: dict[int, ThreadPoolExecutor] = {}
_KINDS = {"sigmoid": 0, "ipo": 1, "robust": 2}


def as_threads(threads: Any) -> int:
    """``threads``: a positive integer, or a TypeError/ValueError naming it."""
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)):
        raise TypeError(f"threads: expected a positive integer; got {type(threads).__name__}")
    if threads < 1:
        raise ValueError(f"threads: expected a positive integer; got {threads}")
    return int(threads)


def _inputs(arrays: Sequence[Any], backend: str) -> list[NDArray[Any]] | None:
    """The four arrays if the fast path can take them as they are: 1-D, C-contiguous, one float dtype and length."""
    if not all(isinstance(a, np.ndarray) for a in arrays):
        return None
    first = arrays[0]
    if first.dtype not in (np.float32, np.float64) or first.ndim != 1 or first.size == 0:
        return None
    if backend == "auto" and first.size < ENGINE_MIN:
        return None
    if any(a.dtype != first.dtype or a.shape != first.shape or not a.flags.c_contiguous for a in arrays):
        return None
    return list(arrays)


Work = Callable[[int, int, Any, Any], bool]


def _run(work: Work, n: int, threads: int, dtype: np.dtype[Any], blocked: bool = True) -> bool:
    """``work(start, stop, scratch, scratch)`` over blocks of pairs, on ``threads`` threads; whether all inputs were valid.

    With one thread, one task does every block. With several, the blocks are cut into
    :data:`TASKS_PER_THREAD` contiguous shares per thread, which the pool's threads take as they
    come free: a thread slowed by another process on its core does fewer shares instead of
    holding up the call. Each share allocates its two scratch blocks once. ``blocked=False``: a
    work that needs no scratch, called once on each share.
    """
    blocks = -(-n // BLOCK)
    threads = min(threads, blocks)
    shares = 1 if threads == 1 else min(blocks, TASKS_PER_THREAD * threads)

    def share(k: int) -> bool:
        first, last = k * blocks // shares, (k + 1) * blocks // shares
        with np.errstate(over="ignore", under="ignore"):  # e^{±z} may overflow or underflow; σ and log1p take both
            if not blocked:
                return work(first * BLOCK, min(last * BLOCK, n), None, None)
            z, tail = np.empty(BLOCK, dtype), np.empty(BLOCK, dtype)
            return all([work(b * BLOCK, min(b * BLOCK + BLOCK, n), z, tail) for b in range(first, last)])

    if threads == 1:
        return share(0)
    pool = _POOLS.get(threads)
    if pool is None:
        pool = _POOLS.setdefault(threads, ThreadPoolExecutor(threads, thread_name_prefix="refalgo-dpo"))
    return all(list(pool.map(share, range(shares))))


def _scalars(dtype: np.dtype[Any], beta: float, coefficient: float) -> tuple[Any, ...]:
    """``(β, coefficient, 1/(2β), −inf)`` in ``dtype``, as NumPy casts Python floats against an array of it."""
    return tuple(dtype.type(x) for x in (beta, coefficient, 1 / (2 * beta), -math.inf))


def fast_losses(arrays: Sequence[Any], beta: float, eps: float, loss_type: str, free: bool, backend: str,
                threads: int) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]] | None:
    """Losses and both rewards by the kernels, or ``None`` when the readable twin must run (or raise)."""
    kernels: Any = compiled("refalgo.alignment._engine.fused", backend)
    inputs = None if kernels is None else _inputs(arrays, backend)
    if inputs is None:
        return None
    pc, pr, rc, rr = inputs
    n, dtype, kind = pc.size, pc.dtype, _KINDS[loss_type]
    linear = {"sigmoid": eps, "ipo": 0.0, "robust": -(eps / (1 - 2 * eps))}[loss_type]  # the z term beside the softplus
    c = _scalars(dtype, beta, linear)
    losses, chosen, rejected = np.empty(n, dtype), np.empty(n, dtype), np.empty(n, dtype)

    def split(s: int, e: int, z: NDArray[Any], tail: NDArray[Any]) -> bool:  # float32: NumPy's vectorized exp
        z, tail = z[: e - s], tail[: e - s]  # scratch apart from the outputs, so the loops vectorize
        ok = kernels.margins_kernel(pc[s:e], pr[s:e], rc[s:e], rr[s:e], z, tail, chosen[s:e], rejected[s:e], c, free)
        np.exp(tail, out=tail)
        kernels.softplus_kernel(z, tail, losses[s:e], c)
        return bool(ok)

    def whole(s: int, e: int, *_: Any) -> bool:
        return bool(kernels.pairs_kernel(pc[s:e], pr[s:e], rc[s:e], rr[s:e], losses[s:e], chosen[s:e], rejected[s:e],
                                         c, kind, free))

    split_exp = dtype == np.float32 and kind != 1
    ok = _run(split if split_exp else whole, n, threads, dtype, blocked=split_exp)
    return (losses, chosen, rejected) if ok else None


def fast_gradients(arrays: Sequence[Any], beta: float, eps: float, loss_type: str, free: bool, backend: str,
                   threads: int) -> tuple[NDArray[Any], NDArray[Any]] | None:
    """Both gradients by the kernels, or ``None`` when the readable twin must run (or raise)."""
    kernels: Any = compiled("refalgo.alignment._engine.fused", backend)
    inputs = None if kernels is None else _inputs(arrays, backend)
    if inputs is None:
        return None
    pc, pr, rc, rr = inputs
    n, dtype, kind = pc.size, pc.dtype, _KINDS[loss_type]
    c = _scalars(dtype, beta, eps / (1 - 2 * eps) if loss_type == "robust" else eps)
    d_chosen, d_rejected = np.empty(n, dtype), np.empty(n, dtype)

    def split(s: int, e: int, z: NDArray[Any], _: NDArray[Any]) -> bool:  # float32: NumPy's vectorized exp
        z = z[: e - s]  # scratch apart from the outputs, so the loops vectorize
        ok = kernels.gradient_margins_kernel(pc[s:e], pr[s:e], rc[s:e], rr[s:e], z, c, free)
        np.exp(z, out=z)
        kernels.gradients_from_exp(z, d_chosen[s:e], d_rejected[s:e], c, kind)
        return bool(ok)

    def whole(s: int, e: int, *_: Any) -> bool:
        return bool(kernels.gradients_kernel(pc[s:e], pr[s:e], rc[s:e], rr[s:e], d_chosen[s:e], d_rejected[s:e],
                                             c, kind, free))

    split_exp = dtype == np.float32 and kind != 1
    ok = _run(split if split_exp else whole, n, threads, dtype, blocked=split_exp)
    return (d_chosen, d_rejected) if ok else None

"""Fast paths of the MoE layer: selection by sorting, dispatch grouped by expert, combine by gathers.

Imported only by :mod:`refalgo.models.moe`. Nothing here loops over tokens in Python: the
token-slots are sorted by expert once, each expert runs its products on its contiguous block of
rows and writes them to a block of one buffer, and each token sums its k rows of that buffer,
found through the inverse permutation. With more than one BLAS thread, the experts (and blocks
of the shared expert's tokens) are handed to as many Python threads, each running one-thread
BLAS: 64 experts of a few hundred tokens each are small products that a multi-threaded BLAS
splits poorly, and threads that take the next expert as they come free are not held up by one
slowed by another process. Each product and each sum is the same whichever thread runs it, so
with one-thread BLAS the result is the same for any number of workers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from typing import Any

import numpy as np
from numpy.typing import NDArray

# below this many multiply-adds in the experts, threads cost more than they save
_PARALLEL_MIN_WORK = 1 << 28
_SHARED_BLOCK = 512  # tokens per task of the shared expert


def top_k_lowest_index(values: NDArray[Any], k: int) -> NDArray[np.intp]:
    """Indices of the ``k`` largest entries of each row, largest first, ties to the lowest index.

    A stable sort of the negated values keeps equal values in index order, so of two equal
    scores the lower expert (or group) index wins, the rule the exact twin applies.
    """
    return np.argsort(-values, axis=-1, kind="stable")[..., :k]


def swiglu_into(x: NDArray[Any], w_gate: NDArray[Any], w_up: NDArray[Any], w_down: NDArray[Any], out: NDArray[Any]) -> None:
    """out = (silu(x W_gateᵀ) ⊙ x W_upᵀ) W_downᵀ, weights in ``nn.Linear`` layout (out, in).

    silu(g) = g / (1 + e^(-g)) is evaluated in place in g's precision (e^(-g) = inf gives -0, the limit).
    """
    g = x @ w_gate.T
    u = x @ w_up.T
    s = np.negative(g)
    with np.errstate(over="ignore"):
        np.exp(s, out=s)
    s += 1
    np.divide(g, s, out=g)
    g *= u
    np.matmul(g, w_down.T, out=out)


@functools.cache
def _blas_controller() -> Any:
    """threadpoolctl's handle on the BLAS libraries loaded in this process, or None without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController().select(user_api="blas")


def blas_threads() -> int:
    """The number of threads the loaded BLAS uses now (1 if threadpoolctl cannot tell)."""
    blas = _blas_controller()
    if blas is None or not blas.lib_controllers:
        return 1
    return max(int(lib.num_threads) for lib in blas.lib_controllers)


def _run(tasks: Sequence[Callable[[], object]], workers: int) -> None:
    """Run the tasks, in order on this thread or taken in order by ``workers`` threads with one-thread BLAS each."""
    if workers == 1:
        for task in tasks:
            task()
        return
    blas = _blas_controller()  # the limit holds for the whole process while the tasks run
    with blas.limit(limits=1) if blas is not None else nullcontext(), ThreadPoolExecutor(workers, "moe") as pool:
        for future in [pool.submit(task) for task in tasks]:
            future.result()


def _blocks(n: int, size: int) -> Iterator[slice]:
    return (slice(a, min(a + size, n)) for a in range(0, n, size))


def _sort_slots(indices: NDArray[np.intp], n: int) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Token-slots sorted by expert, stably: each slot's token in sorted order, expert e's block
    ``bounds[e]:bounds[e + 1]``, and ``where[t, j]``, the sorted position of slot (t, j)."""
    t, k = indices.shape
    flat = indices.ravel()
    order = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[order], np.arange(n + 1))
    where = np.empty(t * k, dtype=np.intp)
    where[order] = np.arange(t * k)
    return order // k, bounds, where.reshape(t, k)


def _combine(buf: NDArray[Any], where: NDArray[np.intp], weights: NDArray[Any], y: NDArray[Any], add: bool) -> None:
    """y (+)= Σ_j weights[:, j] · buf[where[:, j]], j = 0, …, k-1 in that order."""
    w = weights.astype(buf.dtype, copy=False)
    acc = np.take(buf, where[:, 0], axis=0)
    acc *= w[:, :1]
    for j in range(1, where.shape[1]):
        term = np.take(buf, where[:, j], axis=0)
        term *= w[:, j : j + 1]
        acc += term
    if add:
        y += acc
    else:
        y[...] = acc


def grouped_experts(
    x: NDArray[Any],
    indices: NDArray[np.intp],
    weights: NDArray[Any],
    w_gate: NDArray[Any],
    w_up: NDArray[Any],
    w_down: NDArray[Any],
    shared: tuple[NDArray[Any], NDArray[Any], NDArray[Any]] | None = None,
    *,
    workers: int | None = None,
) -> NDArray[Any]:
    """Σ_j weights[t, j] · expert_{indices[t, j]}(x[t]) (+ shared(x[t])) for every token t, one product per expert.

    Expert e reads its block of rows of ``x`` (slots sorted by expert, each block in token order)
    and writes its outputs to the same block of a (T·k, H) buffer; token t then sums
    ``weights[t, j]`` times its row j of that buffer, j = 0, …, k-1, and adds the shared expert's
    output, computed in blocks of 512 tokens. ``workers``: threads (None: the BLAS library's
    thread count as threadpoolctl, the ``fast`` extra, reads it, when the work is large enough;
    else 1); with several, threadpoolctl holds the BLAS library to one thread meanwhile.
    """
    t, k = indices.shape
    n, width, hidden = w_gate.shape
    tokens, bounds, where = _sort_slots(indices, n)
    buf = np.empty((t * k, hidden), dtype=x.dtype)
    y = np.empty((t, hidden), dtype=x.dtype)
    if workers is None:
        big = t * k * width * hidden + (0 if shared is None else t * shared[0].shape[0] * hidden) >= _PARALLEL_MIN_WORK
        workers = blas_threads() if big else 1

    def expert(e: int) -> None:
        a, b = bounds[e], bounds[e + 1]
        swiglu_into(np.take(x, tokens[a:b], axis=0), w_gate[e], w_up[e], w_down[e], buf[a:b])

    sizes = np.diff(bounds)
    busy = np.flatnonzero(sizes)[np.argsort(-sizes[sizes > 0], kind="stable")]  # experts with tokens, busiest first
    tasks = [] if shared is None else [functools.partial(swiglu_into, x[r], *shared, y[r]) for r in _blocks(t, _SHARED_BLOCK)]
    _run(tasks + [functools.partial(expert, int(e)) for e in busy], workers)
    _run([functools.partial(_combine, buf, where[r], weights[r], y[r], shared is not None)
          for r in _blocks(t, max(1, -(-t // (4 * workers))))], workers)
    return y


def capacity_ranks(indices: NDArray[np.intp], num_experts: int) -> NDArray[np.intp]:
    """Each token-slot's place in its expert's queue: first choices of all tokens in position order, then second choices, …"""
    t, k = indices.shape
    flat = indices.T.ravel()  # rank-major: slot j of every token before slot j + 1
    order = np.argsort(flat, kind="stable")
    starts = np.searchsorted(flat[order], np.arange(num_experts))
    ranks = np.empty(t * k, dtype=np.intp)
    ranks[order] = np.arange(t * k) - starts[flat[order]]
    return ranks.reshape(k, t).T

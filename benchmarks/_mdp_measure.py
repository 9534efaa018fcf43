r"""Memory bandwidth, the traffic of one sweep, and certified reference values.

* :func:`copy_bandwidth`: ``np.copyto`` between two 256 MiB arrays (far beyond the
  caches), counted as STREAM counts a copy: bytes read plus bytes written (one thread,
  CPU time); :func:`threaded_copy_bandwidth`: the same copy as a numba ``prange`` loop on
  several threads (wall time), the reference for the multi-threaded sweeps.
* :func:`sweep_bytes`: the bytes one Bellman sweep must move at the least — the CSR
  arrays (``data``, ``indices``, ``indptr``) once, the rewards once, the old values
  once and the new values once. Gathers of ``v[indices]`` that miss the cache move
  more; that excess is what the achieved fraction of the copy bandwidth shows.
* :func:`gather_seconds`: the ceiling of this access pattern — the fastest time of a
  bare pass over the same CSR arrays that reads ``data`` and ``indices``, gathers
  ``v[indices]`` (with and without prefetching, as the sweeps may), and writes one number per state (the sum of the products over the
  state's rows): no rewards, no discount, no max over actions, no change tracked. A
  sweep does all of that and more, so its time per sweep is at least this pass's
  time on as many threads; compared with the same :func:`sweep_bytes`, the pass gives
  the bandwidth this gather pattern allows.
* :func:`certify`: for any ``v``, one sweep ``u = f(v)`` and ``d = u - v`` bracket
  :math:`v^*` by the MacQueen bounds :math:`u + \frac{\gamma}{1-\gamma}\min d \le v^* \le
  u + \frac{\gamma}{1-\gamma}\max d` (MacQueen 1966; Puterman 1994, §6.6); the reference
  values are the midpoint, with half the bracket's width as their certified error. The
  sweep here is NumPy written for this check, separate from every solver measured.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from refalgo.mdp._engine.sweep import csr_arrays

from ._mdp_models import SparseModel

COPY_BYTES = 256 * 2**20


def numba_available() -> bool:
    """Whether numba (refalgo's ``fast`` extra) is installed: the gather ceiling needs it."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def copy_bandwidth(*, nbytes: int = COPY_BYTES, repeats: int = 7) -> float:
    """Best bytes per second of ``np.copyto(dst, src)`` (CPU time), counting read plus write."""
    src = np.ones(nbytes // 8)
    dst = np.zeros_like(src)
    np.copyto(dst, src)
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        np.copyto(dst, src)
        times.append(time.process_time() - t0)
    return 2.0 * src.nbytes / min(times)


@functools.cache
def prange_copy() -> Callable[..., None]:
    """``copy(src, dst)``: a numba ``prange`` loop copying ``src`` into ``dst`` on numba's threads (compiled once)."""
    import numba

    @numba.njit(parallel=True)
    def copy(src: NDArray[np.float64], dst: NDArray[np.float64]) -> None:
        for i in numba.prange(src.shape[0]):
            dst[i] = src[i]

    return copy


def threaded_copy_bandwidth(threads: int, *, nbytes: int = COPY_BYTES, repeats: int = 7) -> float:
    """Best bytes per second of a numba ``prange`` copy on ``threads`` threads (wall time), read plus write."""
    import numba

    copy = prange_copy()
    numba.set_num_threads(threads)
    src = np.ones(nbytes // 8)
    dst = np.zeros_like(src)
    copy(src, dst)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        copy(src, dst)
        times.append(time.perf_counter() - t0)
    numba.set_num_threads(1)
    return 2.0 * src.nbytes / min(times)


@functools.cache
def _gather_kernels() -> tuple[Callable[..., None], ...]:
    """The bare gather pass, plain and prefetching, each on the calling thread and split over numba's threads.

    Both sum a state's entries with the sweeps' own inner loops (``kernels.dot``, the
    hand-unrolled left-to-right sum, and ``kernels.dot_ahead``, which also prefetches
    :data:`refalgo.mdp._engine.sweep.PREFETCH_AHEAD` entries ahead), so the pass differs from a
    sweep only in the work it leaves out; the best of the two passes is taken.
    """
    import numba

    from refalgo.mdp._engine.kernels import dot, dot_ahead
    from refalgo.mdp._engine.sweep import PREFETCH_AHEAD

    @numba.njit
    def rows(indptr: Any, indices: Any, data: Any, v: Any, n_actions: int, out: Any, start: int, stop: int) -> None:
        actions = np.uint64(n_actions)
        for s in range(start, stop):
            first, last = np.uint64(s) * actions, (np.uint64(s) + np.uint64(1)) * actions
            out[s] = dot(indices, data, v, np.uint64(indptr[first]), np.uint64(indptr[last]))

    @numba.njit
    def rows_ahead(indptr: Any, indices: Any, data: Any, v: Any, n_actions: int, out: Any, start: int, stop: int) -> None:
        actions, ahead = np.uint64(n_actions), np.uint64(PREFETCH_AHEAD)
        for s in range(start, stop):
            first, last = np.uint64(s) * actions, (np.uint64(s) + np.uint64(1)) * actions
            out[s] = dot_ahead(indices, data, v, np.uint64(indptr[first]), np.uint64(indptr[last]), ahead)

    def ways(body: Any) -> tuple[Callable[..., None], Callable[..., None]]:
        @numba.njit(parallel=True)
        def split(indptr: Any, indices: Any, data: Any, v: Any, n_actions: int, out: Any) -> None:
            n = out.shape[0]
            nb = min(n, 1024)
            for b in numba.prange(nb):
                body(indptr, indices, data, v, n_actions, out, b * n // nb, (b + 1) * n // nb)

        def serial(indptr: Any, indices: Any, data: Any, v: Any, n_actions: int, out: Any) -> None:
            body(indptr, indices, data, v, n_actions, out, 0, out.shape[0])

        return serial, split

    return (*ways(rows), *ways(rows_ahead))


def gather_seconds(model: SparseModel, threads: int, *, repeats: int = 7) -> float:
    """Best time of the bare gather pass over ``model``'s CSR arrays on up to ``threads`` threads.

    One thread: CPU time of the pass on the calling thread. More: wall time, the best of
    the pass on the calling thread and the pass split over ``threads`` threads (waking
    the workers costs more than a small model's whole pass). Either way the best of the
    plain and the prefetching pass.

    The integer arrays are read as unsigned views, as refalgo's kernels read them (a
    signed index costs a wraparound test per gather); ``v`` is a written (not merely
    allocated) random vector, as a solver's values are.
    """
    import numba

    serial, split, serial_ahead, split_ahead = _gather_kernels()
    P = model.P
    indptr, indices, _ = csr_arrays(P)
    v = np.random.default_rng(0).random(model.n_states)
    out = np.empty(model.n_states)
    numba.set_num_threads(threads)
    runs: tuple[Callable[..., None], ...]
    if threads == 1:
        runs, clock = (serial, serial_ahead), time.process_time
    else:
        runs, clock = (serial, split, serial_ahead, split_ahead), time.perf_counter
    times = []
    for run in runs:
        run(indptr, indices, P.data, v, model.n_actions, out)
        for _ in range(repeats):
            t0 = clock()
            run(indptr, indices, P.data, v, model.n_actions, out)
            times.append(clock() - t0)
    numba.set_num_threads(1)
    return min(times)


def sweep_bytes(model: SparseModel) -> int:
    """Least bytes one sweep moves: CSR arrays, rewards, old and new values, once each."""
    P = model.P
    return int(P.data.nbytes + P.indices.nbytes + P.indptr.nbytes + model.R.nbytes + 2 * 8 * model.n_states)


def bellman_sweep(model: SparseModel, v: NDArray[np.float64]) -> NDArray[np.float64]:
    """:math:`f(v)(s) = \\max_a [R(s, a) + \\gamma (P v)(s·A + a)]`."""
    q = model.R + model.gamma * (model.P @ v).reshape(model.n_states, model.n_actions)
    return np.asarray(q.max(axis=1))


class Certified(NamedTuple):
    """Reference values and a certified bound on their max-norm distance to :math:`v^*`."""

    values: NDArray[np.float64]
    error: float


def certify(model: SparseModel, v: NDArray[np.float64]) -> Certified:
    """The midpoint of the MacQueen bracket around :math:`v^*` computed from ``v``, and its half-width."""
    u = bellman_sweep(model, v)
    d = u - v
    c = model.gamma / (1.0 - model.gamma)
    lo, hi = u + c * float(d.min()), u + c * float(d.max())
    return Certified(0.5 * (lo + hi), 0.5 * float(np.max(hi - lo)))

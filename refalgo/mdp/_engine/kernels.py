r"""Compiled sweeps over a CSR transition matrix (numba, the ``fast`` extra).

Imported only when a solver runs with ``backend="numba"`` (or ``"auto"`` picks it), so
``import refalgo`` never imports numba. Each kernel makes one pass over the CSR arrays
with the states split into contiguous blocks run in parallel (``prange``), and fuses
what the NumPy path does in separate passes. A sweep can also run on the calling thread
alone, as :func:`optimality_block` or :func:`policy_block` over all states: waking the
sleeping OpenMP workers costs a few hundred microseconds per parallel region, more than
a whole sweep of a small model, so :mod:`refalgo.mdp._engine.sweep` does that below
:data:`~refalgo.mdp._engine.sweep.PARALLEL_NNZ` stored probabilities or with one numba thread.

* :func:`optimality_sweep` — :math:`q(s, a) = R[s, a] + \gamma \sum_{s'} P[s·A + a, s']
  v(s')` row by row, the max (and optionally the first maximising action) over the
  ``A`` consecutive rows of a state, the new value written once;
* :func:`policy_sweep` — :math:`r_\pi(s) + \gamma (P_\pi v)(s)` for a one-row-per-state
  chain;
* :func:`residual_product` — :math:`x - \gamma P_\pi x`, the matrix–vector product of a
  Krylov solve.

The sweeps also return the smallest and largest change :math:`\min_s, \max_s (v_{new} -
v)(s)`, reduced per block, which the span stopping rule needs, so no further pass over
the values is made. No ``fastmath``: every sum is the plain left-to-right float64 sum.

Four details decide the speed of the inner loop, each measured on the benchmark's
models (``docs/performance/mdp.md`` has the numbers):

* the CSR ``indptr`` and ``indices`` arrive as *unsigned* views (``uint32`` for SciPy's
  ``int32``): indexing with a signed integer makes numba emit a negative-index
  wraparound test on every gather;
* a state's rows are walked as one run of entries: each row's end is read once and is
  the next row's start, and the first action is not peeled off the loop over actions;
* each row's loop is unrolled by hand four entries at a time (:func:`dot`), still
  adding the products one at a time in CSR order;
* with ``ahead > 0`` the loop issues a prefetch of ``v[indices[k + ahead]]`` while it
  sums entry ``k`` (:func:`prefetch`, LLVM's ``llvm.prefetch``). When the successors
  are scattered over a value vector too big for the core's own caches, every gather
  waits for the shared L3 or for memory; the prefetch starts those reads early without
  holding up the loop, as a plain load would. When the successors are near their
  state, or ``v`` fits the caches, the prefetch is pure overhead, so
  :func:`refalgo.mdp._engine.sweep.prefetch_ahead` chooses ``ahead`` per model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llvmlite import binding, ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

# LLVM 17 and later have opaque pointers only, which changed the intrinsic's mangled name.
_PREFETCH = "llvm.prefetch.p0" if binding.llvm_version_info >= (17,) else "llvm.prefetch.p0i8"


def _prefetch(typingctx, array, index):
    """``prefetch(array, index)``: ask the CPU to bring ``array[index]`` into the L1 cache; changes no result.

    A prefetch never faults and is not a load: the loop retires it at once, whether or
    not the data has arrived. ``index`` is not bounds-checked, so callers keep it in range.
    """
    if not (isinstance(array, types.Array) and array.ndim == 1 and isinstance(index, types.Integer)):
        return None  # a typing error at the call, not a crash in code generation
    sig = types.void(array, index)

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        ary = context.make_array(array_type)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, array_type, ary, [args[1]], wraparound=False)
        byte_ptr = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32]), _PREFETCH
        )
        # (address, 0 = read, 3 = keep in all cache levels, 1 = data cache)
        builder.call(fn, [builder.bitcast(ptr, byte_ptr), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


prefetch: Any = intrinsic(_prefetch)


@njit(cache=True)
def _blocks(n: int) -> int:
    """Number of contiguous blocks of states: enough for load balance, few enough to reduce cheaply."""
    return max(1, min(n, 1024))


@njit(cache=True, inline="always")
def dot(indices, data, v, j, stop):
    """``Σ data[k]·v[indices[k]]`` for ``k = j … stop-1``, left to right.

    Unrolled by hand four entries at a time, then one at a time. The sum is the same
    left-to-right sum; what changes is the code around it: left to itself, LLVM unrolls
    by eight behind a loop for the remainder, which a row of a few entries spends all
    its time in.
    """
    acc = 0.0
    one, two, three, four = np.uint64(1), np.uint64(2), np.uint64(3), np.uint64(4)
    while j + three < stop:
        acc += data[j] * v[np.uint64(indices[j])]
        acc += data[j + one] * v[np.uint64(indices[j + one])]
        acc += data[j + two] * v[np.uint64(indices[j + two])]
        acc += data[j + three] * v[np.uint64(indices[j + three])]
        j += four
    while j < stop:
        acc += data[j] * v[np.uint64(indices[j])]
        j += one
    return acc


@njit(cache=True, inline="always")
def dot_ahead(indices, data, v, j, stop, ahead):
    """:func:`dot`, prefetching ``v[indices[k + ahead]]`` while it sums entry ``k`` (up to the last entry)."""
    acc = 0.0
    one, two, three, four = np.uint64(1), np.uint64(2), np.uint64(3), np.uint64(4)
    n = np.uint64(indices.shape[0])
    while j + three < stop:
        k = j + ahead
        if k + three < n:
            prefetch(v, np.uint64(indices[k]))
            prefetch(v, np.uint64(indices[k + one]))
            prefetch(v, np.uint64(indices[k + two]))
            prefetch(v, np.uint64(indices[k + three]))
        acc += data[j] * v[np.uint64(indices[j])]
        acc += data[j + one] * v[np.uint64(indices[j + one])]
        acc += data[j + two] * v[np.uint64(indices[j + two])]
        acc += data[j + three] * v[np.uint64(indices[j + three])]
        j += four
    while j < stop:
        k = j + ahead
        if k < n:
            prefetch(v, np.uint64(indices[k]))
        acc += data[j] * v[np.uint64(indices[j])]
        j += one
    return acc


@njit(cache=True, inline="always")
def _best(indptr, indices, data, R, v, gamma, n_actions, row, ahead):
    """``(max_a q(s, a), first maximiser)`` for the state whose first row is ``row``.

    Ties keep the lowest action, as ``np.argmax``. A NaN q-value is kept if it is the
    first action's and skipped otherwise (``q > best`` is false); the full NaN rule of
    NumPy's backend cost a tenth of the sweep. With finite inputs a q-value is NaN only
    after an overflow, which the solvers refuse up front.

    The running max is a select, not a branch: which action wins is as good as random,
    and a mispredicted branch would discard the gathers already in flight. Inlined into
    a caller that drops the maximiser, the compiler removes its bookkeeping.
    """
    j = np.uint64(indptr[row])
    best, arg = -np.inf, 0
    for a in range(n_actions):
        end = np.uint64(indptr[row + np.uint64(1)])
        acc = dot(indices, data, v, j, end) if ahead == 0 else dot_ahead(indices, data, v, j, end, ahead)
        q = R[row] + gamma * acc
        # the first action, then any strictly larger one: ties keep the lowest action
        better = (q > best) | (a == 0)  # bitwise, not `or`: no branch
        arg = a if better else arg
        best = q if better else best
        j, row = end, row + np.uint64(1)
    return best, arg


@njit(cache=True)
def optimality_block(indptr, indices, data, R, v, gamma, n_actions, out, policy, with_policy, ahead, start, stop):
    """States ``start … stop-1`` of :func:`optimality_sweep`; returns (min, max) of their change."""
    lo, hi = np.inf, -np.inf
    step = np.uint64(ahead)
    actions = np.uint64(n_actions)
    for s in range(start, stop):
        row = np.uint64(s) * actions
        if with_policy:
            best, arg = _best(indptr, indices, data, R, v, gamma, n_actions, row, step)
            policy[s] = arg
        else:
            best, _ = _best(indptr, indices, data, R, v, gamma, n_actions, row, step)
        out[s] = best
        d = best - v[s]
        lo = min(lo, d)
        hi = max(hi, d)
    return lo, hi


@njit(parallel=True, cache=True)
def optimality_sweep(indptr, indices, data, R, v, gamma, n_actions, out, policy, with_policy, ahead):
    """``out[s] = max_a q(s, a)``; ``policy[s]`` = first maximiser when ``with_policy``. Returns (min, max) of out - v."""
    n = out.shape[0]
    nb = _blocks(n)
    lows = np.empty(nb)
    highs = np.empty(nb)
    for b in prange(nb):
        lo, hi = optimality_block(
            indptr, indices, data, R, v, gamma, n_actions, out, policy, with_policy, ahead,
            b * n // nb, (b + 1) * n // nb,
        )
        lows[b] = lo
        highs[b] = hi
    return lows.min(), highs.max()


@njit(cache=True)
def policy_block_ahead(indptr, indices, data, r, v, gamma, out, ahead, start, stop):
    """:func:`policy_block`, prefetching ``ahead`` entries on.

    A function of its own: a prefetching path inside :func:`policy_block`, even behind a
    test made once per call, slowed its plain loop by 5–8 %.
    """
    lo, hi = np.inf, -np.inf
    step = np.uint64(ahead)
    for s in range(start, stop):
        row = np.uint64(s)
        new = r[s] + gamma * dot_ahead(indices, data, v, np.uint64(indptr[row]), np.uint64(indptr[row + np.uint64(1)]), step)
        out[s] = new
        d = new - v[s]
        lo = min(lo, d)
        hi = max(hi, d)
    return lo, hi


@njit(cache=True)
def policy_block(indptr, indices, data, r, v, gamma, out, start, stop):
    """States ``start … stop-1`` of :func:`policy_sweep`; returns (min, max) of their change."""
    lo, hi = np.inf, -np.inf
    for s in range(start, stop):
        row = np.uint64(s)
        new = r[s] + gamma * dot(indices, data, v, np.uint64(indptr[row]), np.uint64(indptr[row + np.uint64(1)]))
        out[s] = new
        d = new - v[s]
        lo = min(lo, d)
        hi = max(hi, d)
    return lo, hi


@njit(parallel=True, cache=True)
def policy_sweep(indptr, indices, data, r, v, gamma, out, ahead):
    """``out = r + gamma * (P v)`` for an (S, S) CSR chain. Returns (min, max) of out - v."""
    n = out.shape[0]
    nb = _blocks(n)
    lows = np.empty(nb)
    highs = np.empty(nb)
    for b in prange(nb):
        first, last = b * n // nb, (b + 1) * n // nb
        if ahead == 0:
            lo, hi = policy_block(indptr, indices, data, r, v, gamma, out, first, last)
        else:
            lo, hi = policy_block_ahead(indptr, indices, data, r, v, gamma, out, ahead, first, last)
        lows[b] = lo
        highs[b] = hi
    return lows.min(), highs.max()


@njit(parallel=True, cache=True)
def residual_product(indptr, indices, data, x, gamma, out, ahead):
    """``out = x - gamma * (P x)`` for an (S, S) CSR chain."""
    n = out.shape[0]
    step = np.uint64(ahead)
    for s in prange(n):
        row = np.uint64(s)
        j, end = np.uint64(indptr[row]), np.uint64(indptr[row + np.uint64(1)])
        acc = dot(indices, data, x, j, end) if step == 0 else dot_ahead(indices, data, x, j, end, step)
        out[s] = x[s] - gamma * acc

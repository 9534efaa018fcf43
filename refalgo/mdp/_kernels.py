r"""Compiled sweeps over a CSR transition matrix (numba, the ``fast`` extra).

Imported only when a solver runs with ``backend="numba"`` (or ``"auto"`` picks it), so
``import refalgo`` never imports numba. Each kernel makes one pass over the CSR arrays
with the states split into contiguous blocks run in parallel (``prange``), and fuses
what the NumPy path does in separate passes. A sweep can also run on the calling thread
alone, as :func:`optimality_block` or :func:`policy_block` over all states: waking the
sleeping OpenMP workers costs a few hundred microseconds per parallel region, more than
a whole sweep of a small model, so :mod:`refalgo.mdp._sweep` does that below
:data:`~refalgo.mdp._sweep.PARALLEL_NNZ` stored probabilities or with one numba thread.

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

The CSR ``indptr`` and ``indices`` arrive as *unsigned* views (``uint32`` for SciPy's
``int32``): indexing with a signed integer makes numba emit a negative-index wraparound
test on every gather, which more than halves the speed of the inner loop.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _blocks(n: int) -> int:
    """Number of contiguous blocks of states: enough for load balance, few enough to reduce cheaply."""
    return max(1, min(n, 1024))


@njit(cache=True, inline="always")
def _dot(indptr, indices, data, v, row):
    """Row ``row`` of the CSR matrix times ``v``, summed left to right, unsigned indices throughout."""
    acc = 0.0
    j, stop = np.uint64(indptr[row]), np.uint64(indptr[row + np.uint64(1)])
    while j < stop:
        acc += data[j] * v[np.uint64(indices[j])]
        j += np.uint64(1)
    return acc


@njit(cache=True)
def optimality_block(indptr, indices, data, R, v, gamma, n_actions, out, policy, with_policy, start, stop):
    """States ``start … stop-1`` of :func:`optimality_sweep`; returns (min, max) of their change.

    The running max over actions is a select, not a branch: which action wins is as good
    as random, and a mispredicted branch would discard the gathers already in flight.
    """
    lo, hi = np.inf, -np.inf
    for s in range(start, stop):
        base = np.uint64(s * n_actions)
        best = R[base] + gamma * _dot(indptr, indices, data, v, base)
        arg = 0
        for a in range(1, n_actions):
            row = base + np.uint64(a)
            q = R[row] + gamma * _dot(indptr, indices, data, v, row)
            better = q > best  # strict: ties keep the lowest action, as np.argmax
            arg = a if better else arg
            best = q if better else best
        out[s] = best
        if with_policy:
            policy[s] = arg
        d = best - v[s]
        lo = min(lo, d)
        hi = max(hi, d)
    return lo, hi


@njit(parallel=True, cache=True)
def optimality_sweep(indptr, indices, data, R, v, gamma, n_actions, out, policy, with_policy):
    """``out[s] = max_a q(s, a)``; ``policy[s]`` = first maximiser when ``with_policy``. Returns (min, max) of out - v."""
    n = out.shape[0]
    nb = _blocks(n)
    lows = np.empty(nb)
    highs = np.empty(nb)
    for b in prange(nb):
        lo, hi = optimality_block(
            indptr, indices, data, R, v, gamma, n_actions, out, policy, with_policy, b * n // nb, (b + 1) * n // nb
        )
        lows[b] = lo
        highs[b] = hi
    return lows.min(), highs.max()


@njit(cache=True)
def policy_block(indptr, indices, data, r, v, gamma, out, start, stop):
    """States ``start … stop-1`` of :func:`policy_sweep`; returns (min, max) of their change."""
    lo, hi = np.inf, -np.inf
    for s in range(start, stop):
        new = r[s] + gamma * _dot(indptr, indices, data, v, np.uint64(s))
        out[s] = new
        d = new - v[s]
        lo = min(lo, d)
        hi = max(hi, d)
    return lo, hi


@njit(parallel=True, cache=True)
def policy_sweep(indptr, indices, data, r, v, gamma, out):
    """``out = r + gamma * (P v)`` for an (S, S) CSR chain. Returns (min, max) of out - v."""
    n = out.shape[0]
    nb = _blocks(n)
    lows = np.empty(nb)
    highs = np.empty(nb)
    for b in prange(nb):
        lo, hi = policy_block(indptr, indices, data, r, v, gamma, out, b * n // nb, (b + 1) * n // nb)
        lows[b] = lo
        highs[b] = hi
    return lows.min(), highs.max()


@njit(parallel=True, cache=True)
def residual_product(indptr, indices, data, x, gamma, out):
    """``out = x - gamma * (P x)`` for an (S, S) CSR chain."""
    n = out.shape[0]
    for s in prange(n):
        out[s] = x[s] - gamma * _dot(indptr, indices, data, x, np.uint64(s))

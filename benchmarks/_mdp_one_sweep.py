r"""One sweep at its best, timed next to the copy it is compared with, in the same rounds.

A solve's time per sweep (the solve tables) carries the solve's setup, its last greedy
sweep and whatever the machine's other jobs did over the whole solve; on a shared
machine that moves the per-sweep figure by tens of percent between runs. The bandwidth
target is about *one sweep*, so :func:`one_sweep_rates` times single sweeps directly:

* ``"value iteration"`` — refalgo's optimality sweep :math:`v \mapsto \max_a [R + \gamma
  P v]` through ``sweep.optimality_sweep``, exactly as ``value_iteration`` calls it
  (a new output array each time, the backend's thread rule, its prefetch rule);
* ``"policy evaluation"`` — ``sweep.policy_sweep`` over a deterministic policy's chain,
  as ``iterative_policy_evaluation`` calls it;
* ``"bare pass"`` — the gather ceiling of :mod:`benchmarks._mdp_measure` over the
  model, the better of the plain and the prefetching pass (and on several threads of
  the split and the one-thread pass); ``"chain pass"`` — the same over the policy's
  chain, the ceiling of the policy sweep;
* ``"copy"`` — the copy bandwidth in those same rounds between two 256 MiB arrays, the
  better of ``np.copyto`` and numba's ``prange`` copy on as many threads.

Each round times every kind in turn, ``repeats`` times each, and keeps each kind's best;
the result is the median over the rounds of those bests, so one lucky or unlucky round
does not decide it, and every kind saw the same machine. Bytes are counted as
:func:`benchmarks._mdp_measure.sweep_bytes` counts them (the copy: read plus write).
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable

import numpy as np

from . import _mdp_measure as measure
from ._mdp_models import SparseModel

KINDS = ("value iteration", "policy evaluation", "bare pass", "chain pass", "copy")


def _timers(model: SparseModel, chain: SparseModel, threads: int) -> dict[str, tuple[list[Callable[[], object]], int]]:
    """For each kind, the ways to run it (the best counts) and the bytes one run moves."""
    from refalgo.mdp import MDP
    from refalgo.mdp._engine import sweep

    m = sweep.model(MDP(model.P, model.R, model.gamma), "numba")
    c = sweep.chain(chain.P, chain.R.ravel(), chain.gamma, "numba")
    v = np.random.default_rng(0).random(model.n_states)
    out = np.empty(model.n_states)
    serial, split, serial_ahead, split_ahead = measure._gather_kernels()
    ways = (serial, serial_ahead) if threads == 1 else (serial, split, serial_ahead, split_ahead)

    def passes(over: SparseModel) -> list[Callable[[], object]]:
        return [functools.partial(run, *sweep.csr_arrays(over.P), v, over.n_actions, out) for run in ways]

    src = np.ones(measure.COPY_BYTES // 8)
    dst = np.zeros_like(src)
    copies: list[Callable[[], object]] = [lambda: np.copyto(dst, src), lambda: measure.prange_copy()(src, dst)]
    return {
        "value iteration": ([lambda: sweep.optimality_sweep(m, v)], measure.sweep_bytes(model)),
        "policy evaluation": ([lambda: sweep.policy_sweep(c, v)], measure.sweep_bytes(chain)),
        "bare pass": (passes(model), measure.sweep_bytes(model)),
        "chain pass": (passes(chain), measure.sweep_bytes(chain)),
        "copy": (copies, 2 * src.nbytes),
    }


def _batch(run: Callable[[], object], clock: Callable[[], float]) -> int:
    """The smallest power of two of runs that takes at least 2 ms: the CPU clock may move in ticks."""
    n = 1
    while n < 1 << 16:
        t0 = clock()
        for _ in range(n):
            run()
        if clock() - t0 >= 2e-3:
            break
        n *= 2
    return n


def _best_seconds(run: Callable[[], object], clock: Callable[[], float], repeats: int) -> float:
    """The best time per run over about ``repeats`` runs, timed in batches of :func:`_batch` runs."""
    n = _batch(run, clock)
    best = np.inf
    for _ in range(max(3, repeats // n)):
        t0 = clock()
        for _ in range(n):
            run()
        best = min(best, (clock() - t0) / n)
    return float(best)


def one_sweep_rates(model: SparseModel, chain: SparseModel, threads: int, *, rounds: int = 5,
                    repeats: int | None = None) -> dict[str, float]:
    """Bytes per second of each kind (:data:`KINDS`) on ``threads`` numba threads, the median over rounds of each round's best.

    One thread is timed by CPU time, several by the wall clock; runs shorter than 2 ms are
    timed in batches, since the CPU clock may move in ticks. ``repeats`` (default: at
    least 7, and about 2·10⁷ / nnz for a model of ``nnz`` stored probabilities) is how
    often each way of running a sweep or pass is timed in a round; the 256 MiB copy runs
    7 times a round. numba's thread count is restored afterwards.
    """
    import numba

    if repeats is None:
        repeats = max(7, int(2e7 // max(1, model.P.nnz)))
    saved = numba.get_num_threads()
    numba.set_num_threads(threads)
    clock = time.process_time if threads == 1 else time.perf_counter
    try:
        timers = _timers(model, chain, threads)
        for runs, _ in timers.values():  # compile, load and touch everything once
            for run in runs:
                run()
        rates: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for _ in range(rounds):
            for kind, (runs, nbytes) in timers.items():
                best = np.inf
                for run in runs:
                    best = min(best, _best_seconds(run, clock, 7 if kind == "copy" else repeats))
                rates[kind].append(nbytes / best)
    finally:
        numba.set_num_threads(saved)
    return {kind: statistics.median(r) for kind, r in rates.items()}

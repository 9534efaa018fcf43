"""Compiled (numba) loop of the linear TD learners: the same update as :func:`refalgo.rl.td.linear_td_loop`.

Imported on first use through :func:`refalgo._backend.compiled`, so ``import refalgo``
never imports numba. A test holds this kernel and the readable loop equal to rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

__all__ = ["linear_td_loop", "trajectory_loop"]

DIVERGED = 1e150  # |δ| beyond this is taken as divergence: the loop stops before floats overflow


@njit(cache=True, nogil=True)
def _loop(indptr: Any, indices: Any, data: Any, states: Any, targets: Any, next_states: Any, bootstrap: Any,
          ratios: Any, alpha: Any, trace_decay: Any, resets: Any, w: Any, record_every: int, history: Any,
          total: Any) -> int:  # pragma: no cover - compiled
    k = w.shape[0]
    z = np.zeros(k)
    sparse_trace = trace_decay == 0.0
    row = 0
    for t in range(states.shape[0]):
        s, s2 = states[t], next_states[t]
        v = 0.0
        for j in range(indptr[s], indptr[s + 1]):
            v += data[j] * w[indices[j]]
        v2 = 0.0
        if bootstrap[t] != 0.0:
            for j in range(indptr[s2], indptr[s2 + 1]):
                v2 += data[j] * w[indices[j]]
        delta = targets[t] + bootstrap[t] * v2 - v
        if not abs(delta) < DIVERGED:
            return t
        step = alpha[t] * delta
        if sparse_trace:
            for j in range(indptr[s], indptr[s + 1]):
                w[indices[j]] += step * ratios[t] * data[j]
        else:
            if resets[t]:
                z[:] = 0.0
            for i in range(k):
                z[i] *= trace_decay
            for j in range(indptr[s], indptr[s + 1]):
                z[indices[j]] += data[j]
            for i in range(k):
                z[i] *= ratios[t]
                w[i] += step * z[i]
        for i in range(k):
            total[i] += w[i]
        if (t + 1) % record_every == 0:
            row += 1
            history[row, :] = w
    return states.shape[0]


def linear_td_loop(Phi: Any, states: Any, targets: Any, next_states: Any, bootstrap: Any, ratios: Any, alpha: Any,
                   trace_decay: float, resets: Any, w: Any, record_every: int, history: Any, total: Any) -> int:
    """Run the compiled loop on a CSR ``Phi``; returns the number of steps done (fewer after a divergence)."""
    return int(_loop(Phi.indptr, Phi.indices, Phi.data, states, targets, next_states, bootstrap, ratios, alpha,
                     float(trace_decay), resets, w, int(record_every), history, total))


@njit(cache=True, nogil=True)
def _trajectory(pi_cdf: Any, keys: Any, targets: Any, terminal: Any, start_cdf: Any, n_actions: int, u_act: Any,
                u_next: Any, u_start: Any, states: Any, actions: Any, nxt: Any) -> None:  # pragma: no cover - compiled
    S = start_cdf.shape[0]
    s = min(np.searchsorted(start_cdf, u_start[0], side="right"), S - 1)
    for t in range(states.shape[0]):
        states[t] = s
        a = 0
        for j in range(pi_cdf.shape[1]):
            if pi_cdf[s, j] <= u_act[t]:
                a += 1
        actions[t] = a
        nxt[t] = targets[np.searchsorted(keys, s * n_actions + a + u_next[t], side="right")]
        s = nxt[t]
        if terminal[s]:
            s = min(np.searchsorted(start_cdf, u_start[t], side="right"), S - 1)


def trajectory_loop(pi_cdf: Any, keys: Any, targets: Any, terminal: Any, start_cdf: Any, n_actions: int, u_act: Any,
                    u_next: Any, u_start: Any, states: Any, actions: Any, nxt: Any) -> None:
    """Run the compiled trajectory loop: the same draws as :func:`refalgo.rl.sampling.trajectory_loop`, in place."""
    _trajectory(np.ascontiguousarray(pi_cdf, dtype=np.float64), keys, targets, terminal, start_cdf, int(n_actions),
                u_act, u_next, u_start, states, actions, nxt)

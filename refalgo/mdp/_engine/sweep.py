r"""One Bellman sweep, by the compiled kernels or by NumPy/SciPy, and the span stopping rule.

Backends (the ``backend`` keyword of the solvers):

* ``"numpy"`` — one SciPy CSR (or BLAS, for a dense model) matrix–vector product, then the
  max over actions and the change as separate vectorized passes;
* ``"numba"`` — the fused parallel kernels of :mod:`refalgo.mdp._engine.kernels` (sparse models
  only; needs numba, from the ``fast`` extra);
* ``"auto"`` — ``"numba"`` for a sparse model with at least :data:`AUTO_NNZ` stored
  probabilities when numba is installed, else ``"numpy"``.

The two backends compute the same sums in a different order, so they agree to rounding,
not bit for bit. The numba sweeps prefetch the values ahead of their gathers when
:func:`prefetch_ahead` finds the model's successors scattered over a large value vector;
a prefetch changes no result, only when the data arrives. The numba sweeps run on every numba thread for a model with at least
:data:`PARALLEL_NNZ` stored probabilities, and on the calling thread below that (or when
numba is set to one thread): starting a parallel region costs a few hundred
microseconds, which a sweep of fewer entries (a millisecond or two on one thread) does
not repay.

The span rule (MacQueen's bounds, derived on the optimal-policies page): for an
operator :math:`T` that is monotone with :math:`T(v + c\mathbf 1) = Tv + \gamma c
\mathbf 1`, :math:`u = Tv` and :math:`d = u - v`, the fixed point lies between
:math:`u + \tfrac{\gamma}{1-\gamma}\min_s d(s)` and :math:`u + \tfrac{\gamma}{1-\gamma}\max_s
d(s)`; :func:`span_bound` is half that box, :func:`midpoint` its centre.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray

from ..._backend import check, compiled
from .tabular import Tabular

AUTO_NNZ = 1 << 16
PARALLEL_NNZ = 1 << 20
PREFETCH_STATES = 1 << 15
PREFETCH_AHEAD = 16
SCATTER_STATES = 1024
SAMPLED_ROWS = 4096


def kernels() -> Any:
    """The compiled kernels module, or an ImportError naming the ``fast`` extra."""
    return compiled("refalgo.mdp._engine.kernels", "numba")


def csr_arrays(P: Any) -> tuple[NDArray[Any], NDArray[Any], NDArray[np.float64]]:
    """``(indptr, indices, data)`` with the integer arrays as unsigned views, as the kernels take them."""
    def unsigned(a: NDArray[Any]) -> NDArray[Any]:
        return a.view(np.dtype(f"u{a.dtype.itemsize}"))

    return unsigned(P.indptr), unsigned(P.indices), P.data


def prefetch_ahead(P: Any, rows_per_state: int) -> int:
    """How many entries ahead the numba sweeps prefetch ``v``: :data:`PREFETCH_AHEAD`, or 0 for no prefetch.

    A prefetch pays when a gather would otherwise wait for the shared L3 cache or for
    memory: the value vector holds at least :data:`PREFETCH_STATES` states (256 KiB) and
    most successors lie more than
    :data:`SCATTER_STATES` states (8 KiB of values) from their own state. Otherwise the
    hardware's own prefetcher and the caches already serve the gathers, and the extra
    instructions slow the sweep (by a fifth to two fifths on the benchmark's local models).
    Scattering is judged on every row of about ``SAMPLED_ROWS / rows_per_state`` states
    spread evenly over the model (row ``i`` belongs to state ``i // rows_per_state``), so
    every action is sampled: a fixed sample, so the choice is deterministic, and since
    there are at least :data:`PREFETCH_STATES` states it reads at most an eighth of the
    entries one sweep reads.
    """
    n_rows, n_states = P.shape
    if n_states < PREFETCH_STATES or P.nnz == 0:
        return 0
    # every row of evenly spaced states (a state's rows are one run of entries), so each action is sampled
    states = np.arange(0, n_rows // rows_per_state, max(1, n_rows // SAMPLED_ROWS), dtype=np.int64)
    starts = P.indptr[states * rows_per_state].astype(np.int64)
    counts = P.indptr[(states + 1) * rows_per_state].astype(np.int64) - starts
    owner = np.repeat(states, counts)
    entry = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    far = np.abs(P.indices[entry].astype(np.int64) - owner) > SCATTER_STATES
    return PREFETCH_AHEAD if far.size and 2 * int(far.sum()) > far.size else 0


def parallel(nnz: int) -> bool:
    """Whether a numba sweep over ``nnz`` stored probabilities runs on several threads."""
    if nnz < PARALLEL_NNZ:
        return False
    import numba

    return bool(numba.get_num_threads() > 1)


def resolve(backend: Any, sparse: bool, nnz: int) -> str:
    """``"numba"`` or ``"numpy"`` for this model; a clear error for an unknown name."""
    if check(backend) == "numba":
        if not sparse:
            raise ValueError("backend: 'numba' sweeps sparse (CSR) models; this model is dense, use 'numpy' or 'auto'")
        kernels()
        return "numba"
    worth_it = backend == "auto" and sparse and nnz >= AUTO_NNZ
    return "numba" if worth_it and compiled("refalgo.mdp._engine.kernels", "auto") is not None else "numpy"


class Model(NamedTuple):
    """What a sweep of the Bellman optimality operator reads: ``P`` as (S·A, S), flat ``R``."""

    P2: Any
    R: NDArray[np.float64]
    gamma: float
    n_states: int
    n_actions: int
    backend: str
    ahead: int = 0


class Chain(NamedTuple):
    """What a policy sweep reads: ``P_pi`` (S, S) and ``r_pi``."""

    P: Any
    r: NDArray[np.float64]
    gamma: float
    backend: str
    ahead: int = 0


class Step(NamedTuple):
    """A sweep's result: the new values and the smallest and largest change."""

    values: NDArray[np.float64]
    low: float
    high: float

    @property
    def residual(self) -> float:
        """:math:`\\|u - v\\|_\\infty`."""
        return max(abs(self.low), abs(self.high))


def check_range(rewards: NDArray[np.float64], gamma: float, name: str) -> None:
    r"""A ValueError naming ``name`` when float64 cannot hold the values and the stopping rule's bracket.

    Every value is at most :math:`\max|r|/(1-\gamma)` in size, and the span rule scales
    a change by :math:`\gamma/(1-\gamma)`; both must stay finite, or a sweep returns
    ``inf`` and the rule's bound turns NaN or 0 without saying so. The check asks for
    :math:`\max|r|/(1-\gamma)^2 \le 10^{300}`. An undiscounted model (``gamma = 1``)
    has no such a-priori bound and is not checked here.
    """
    if gamma >= 1.0 or rewards.size == 0:
        return
    scale = float(np.max(np.abs(rewards))) / (1.0 - gamma) ** 2
    if not scale <= 1e300:
        raise ValueError(
            f"{name}: rewards up to {float(np.max(np.abs(rewards))):.3g} with gamma = {gamma:g} give values and "
            f"bounds beyond float64 (max|r|/(1 - gamma)^2 = {scale:.3g} > 1e300); scale the rewards down "
            "(values scale with them) or use the exact solvers"
        )


def model(mdp: Tabular, backend: Any = "auto") -> Model:
    """The sweep inputs of ``mdp`` with the backend resolved; a clear error if float64 cannot hold its values."""
    check_range(mdp.R, mdp.gamma, "R")
    P2 = mdp.transition_matrix()
    nnz = int(P2.nnz) if mdp.is_sparse else int(P2.size)
    name = resolve(backend, mdp.is_sparse, nnz)
    ahead = prefetch_ahead(P2, mdp.n_actions) if name == "numba" else 0
    return Model(P2, mdp.R.ravel(), mdp.gamma, mdp.n_states, mdp.n_actions, name, ahead)


def compact_csr(P: Any) -> Any:
    """``P`` as CSR with 32-bit ``indptr`` and ``indices`` whenever they fit; ``data`` is shared, not copied.

    A sparse product (as :func:`policy_matrix` makes ``P_π``) comes
    back with 64-bit indices: twice the index bytes on every sweep. Its column indices
    are also unsorted within a row; sorting them would cost about as much as it saves
    over a few dozen sweeps, so they are left as they are.
    """
    P = P if isinstance(P, sps.csr_array) else sps.csr_array(P)
    if P.nnz >= 2**31 or P.shape[1] >= 2**31 or (P.indices.dtype == np.int32 and P.indptr.dtype == np.int32):
        return P
    return sps.csr_array((P.data, P.indices.astype(np.int32), P.indptr.astype(np.int32)), shape=P.shape, copy=False)


def chain(P_pi: Any, r_pi: NDArray[np.float64], gamma: float, backend: str) -> Chain:
    """A policy's chain; the numba backend needs it as compact CSR (:func:`compact_csr`)."""
    ahead = 0
    if backend == "numba":
        P_pi = compact_csr(P_pi)
        ahead = prefetch_ahead(P_pi, 1)
    return Chain(P_pi, np.ascontiguousarray(r_pi, dtype=np.float64), gamma, backend, ahead)


def q_values(m: Model, v: NDArray[np.float64]) -> NDArray[np.float64]:
    """Action values as an (S, A) array: one CSR/BLAS mat-vec over the (S·A, S) matrix."""
    flat = np.asarray(m.P2 @ (m.gamma * v))  # scale the S values, not the S·A products
    flat += m.R
    return flat.reshape(m.n_states, m.n_actions)


def row_max(q: NDArray[np.float64]) -> NDArray[np.float64]:
    """max over actions of an (S, A) array, as A - 1 vectorized column passes.

    Equal to ``q.max(axis=1)``, several times faster for few actions: NumPy reduces a short
    contiguous axis row by row, while each column pass is one long strided loop.
    """
    out = q[:, 0].copy()
    for a in range(1, q.shape[1]):
        np.maximum(out, q[:, a], out=out)
    return out


def _change(new: NDArray[np.float64], v: NDArray[np.float64]) -> tuple[float, float]:
    d = np.subtract(new, v)
    return float(d.min()), float(d.max())


def _optimality_kernel(
    m: Model, v: NDArray[np.float64], out: NDArray[np.float64], policy: NDArray[np.intp], with_policy: bool
) -> tuple[float, float]:
    """The numba optimality sweep into ``out`` (and ``policy``), parallel or on this thread."""
    k, args = kernels(), (*csr_arrays(m.P2), m.R, v, m.gamma, m.n_actions, out, policy, with_policy, m.ahead)
    if parallel(int(m.P2.nnz)):
        return k.optimality_sweep(*args)
    return k.optimality_block(*args, 0, m.n_states)


def optimality_sweep(m: Model, v: NDArray[np.float64]) -> Step:
    r""":math:`u = f(v)` and the range of :math:`u - v`."""
    if m.backend == "numba":
        out = np.empty(m.n_states)
        lo, hi = _optimality_kernel(m, v, out, np.empty(0, dtype=np.intp), False)
        return Step(out, float(lo), float(hi))
    new = row_max(q_values(m, v))
    return Step(new, *_change(new, v))


def greedy_sweep(m: Model, v: NDArray[np.float64]) -> tuple[Step, NDArray[np.intp]]:
    """:func:`optimality_sweep` plus the first maximising action per state (``np.argmax``'s tie rule)."""
    if m.backend == "numba":
        out, policy = np.empty(m.n_states), np.empty(m.n_states, dtype=np.intp)
        lo, hi = _optimality_kernel(m, v, out, policy, True)
        return Step(out, float(lo), float(hi)), policy
    q = q_values(m, v)
    policy = np.argmax(q, axis=1)
    new = q[np.arange(m.n_states), policy]
    return Step(new, *_change(new, v)), policy


def row_indices(n_actions: int, policy: NDArray[np.intp]) -> NDArray[np.intp]:
    """The rows ``s·A + policy[s]`` of the (S·A, S) matrix that a deterministic policy uses."""
    return np.arange(policy.shape[0]) * n_actions + policy


def policy_matrix(P2: Any, pi: NDArray[np.float64]) -> sps.csr_array:
    """:math:`P_\\pi` of a sparse ``(S·A, S)`` model as CSR: a deterministic policy's rows are selected, not multiplied."""
    S, A = pi.shape
    if np.all(pi.max(axis=1) == 1.0):
        return P2[row_indices(A, pi.argmax(axis=1))]
    weights = sps.csr_array((pi.ravel(), (np.repeat(np.arange(S), A), np.arange(S * A))), shape=(S, S * A))
    weights.eliminate_zeros()
    return sps.csr_array(weights @ P2)


def rows(m: Model, policy: NDArray[np.intp]) -> Chain:
    """The chain of a deterministic policy: rows ``s·A + policy[s]`` of ``P`` and ``R``."""
    idx = row_indices(m.n_actions, policy)
    return chain(m.P2[idx], m.R[idx], m.gamma, m.backend)


def policy_sweep(c: Chain, v: NDArray[np.float64]) -> Step:
    r""":math:`u = r_\pi + \gamma P_\pi v` and the range of :math:`u - v`."""
    if c.backend == "numba":
        out = np.empty(v.shape[0])
        k, args = kernels(), (*csr_arrays(c.P), c.r, v, c.gamma, out)
        if parallel(int(c.P.nnz)):
            lo, hi = k.policy_sweep(*args, c.ahead)
        elif c.ahead:
            lo, hi = k.policy_block_ahead(*args, c.ahead, 0, v.shape[0])
        else:
            lo, hi = k.policy_block(*args, 0, v.shape[0])
        return Step(out, float(lo), float(hi))
    new = np.asarray(c.P @ (c.gamma * v))  # scale the S values, then add r_π in place
    new += c.r
    return Step(new, *_change(new, v))


def span_bound(step: Step, gamma: float) -> float:
    r"""Half the MacQueen bracket: :math:`\frac{\gamma}{1-\gamma}\,\frac{\max d - \min d}{2}`."""
    return gamma / (1.0 - gamma) * (step.high - step.low) / 2.0


def midpoint(step: Step, gamma: float) -> NDArray[np.float64]:
    r"""The centre of the MacQueen bracket: :math:`u + \frac{\gamma}{1-\gamma}\,\frac{\max d + \min d}{2}`."""
    return step.values + gamma / (1.0 - gamma) * (step.high + step.low) / 2.0

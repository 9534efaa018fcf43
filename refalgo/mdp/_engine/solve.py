r"""Linear solves for :math:`(I - \gamma P_\pi) v = r_\pi`, and the slack of policy iteration.

* :func:`direct` — LU (LAPACK for a dense chain, SuperLU for a sparse one); with
  :math:`\gamma = 1` only on the non-terminal states, after :func:`~.reach.proper_states`;
* :func:`krylov` — BiCGSTAB with an a-posteriori certificate of its accuracy;
* :func:`improve`, :func:`certified` and :func:`next_accuracy` — what keeps policy
  iteration from cycling when its evaluations carry rounding or a certified error;
* :func:`stable_policy` — policy iteration with LU evaluations, how value iteration
  ends when :math:`\gamma = 1` gives its sweeps no bound.

The certificate: for any :math:`v`, with :math:`\rho = r_\pi + \gamma P_\pi v - v`,
:math:`v_\pi - v = (I - \gamma P_\pi)^{-1}\rho` and :math:`\|(I - \gamma
P_\pi)^{-1}\|_\infty \le \sum_k \gamma^k = 1/(1-\gamma)`, so :math:`\|v - v_\pi\|_\infty
\le \|\rho\|_\infty / (1-\gamma)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from . import sweep
from .reach import proper_states
from .tabular import Tabular

DIRECT_MAX_STATES = 500  # sparse models up to this size are solved exactly by sparse LU
KRYLOV_ATTEMPTS = 4
SWITCH_RTOL = 1e-10  # rounding slack of an exact (LU) evaluation, relative to max |q|
ROUNDING = 64 * float(np.finfo(np.float64).eps)  # rounding slack of q computed from certified values
LOOSE = 1e-3  # early evaluations: accuracy relative to how much the values last changed


def direct(
    P_pi: Any, r_pi: NDArray[np.float64], gamma: float, terminal: NDArray[np.bool_] | None = None
) -> NDArray[np.float64]:
    """LU solve of the Bellman equation; with a ``terminal`` mask (gamma = 1) on the other states, which must be proper."""
    S = r_pi.shape[0]
    keep = proper_states(P_pi, terminal) if terminal is not None else np.ones(S, dtype=bool)
    idx = np.flatnonzero(keep)
    v = np.zeros(S)
    if sps.issparse(P_pi):
        sub = sps.csc_array(P_pi[idx][:, idx])
        v[idx] = spla.spsolve(sps.identity(idx.size, format="csc") - gamma * sub, r_pi[idx])
    else:
        v[idx] = np.linalg.solve(np.eye(idx.size) - gamma * P_pi[np.ix_(idx, idx)], r_pi[idx])
    return v


def uses_krylov(mdp: Tabular) -> bool:
    """Whether ``method="auto"`` solves this model by BiCGSTAB: sparse, over the LU size, gamma < 1."""
    return mdp.is_sparse and mdp.n_states > DIRECT_MAX_STATES and mdp.gamma < 1.0


def krylov_products(backend: str) -> str:
    """The backend of BiCGSTAB's products: SciPy's CSR product unless numba is asked for by name.

    A plain product has nothing to fuse, and on one thread the two run at the same speed.
    """
    return "numba" if backend == "numba" else "numpy"


def residual_operator(chain: sweep.Chain) -> spla.LinearOperator:
    """:math:`x \\mapsto x - \\gamma P_\\pi x` as a SciPy linear operator."""
    P_pi, gamma = chain.P, chain.gamma
    S = P_pi.shape[0]
    if chain.backend == "numba":
        k = sweep.kernels()
        arrays = sweep.csr_arrays(P_pi)

        def matvec(x: NDArray[np.float64]) -> NDArray[np.float64]:
            out = np.empty(S)
            k.residual_product(*arrays, np.ascontiguousarray(x, dtype=np.float64).ravel(), gamma, out, chain.ahead)
            return out
    else:

        def matvec(x: NDArray[np.float64]) -> NDArray[np.float64]:
            x = np.asarray(x, dtype=np.float64).ravel()
            return x - gamma * np.asarray(P_pi @ x)

    return spla.LinearOperator((S, S), matvec=matvec, dtype=np.float64)


def krylov(
    chain: sweep.Chain, *, tol: float, v0: NDArray[np.float64] | None = None
) -> tuple[NDArray[np.float64], float]:
    r"""BiCGSTAB on the chain's Bellman equation, certified: ``(v, bound)`` with :math:`\|v - v_\pi\|_\infty \le` bound :math:`\le` ``tol``.

    The bound is the certificate of the module docstring, from one explicit sweep after
    the solve. BiCGSTAB controls the 2-norm of its residual; if the certified bound
    exceeds ``tol``, the solve continues from ``v`` with a 16 times smaller target, a few
    times (the last time by LGMRES, in case BiCGSTAB broke down), before a clear error.
    """
    gamma, r = chain.gamma, chain.r
    target = tol * (1.0 - gamma)  # max-norm residual that certifies tol
    A = residual_operator(chain)
    v = np.zeros_like(r) if v0 is None else v0
    # BiCGSTAB stops on the 2-norm of its residual; a max-norm target t allows a 2-norm of
    # up to t·√S, and a spread-out residual sits near t·√S/8 — checked below, not assumed
    atol = target * max(1.0, np.sqrt(r.size) / 8.0)
    bound = np.inf
    for attempt in range(KRYLOV_ATTEMPTS):
        solver = spla.bicgstab if attempt < KRYLOV_ATTEMPTS - 1 else spla.lgmres  # a different method last
        x, _info = solver(A, r, x0=v, rtol=0.0, atol=atol, maxiter=1000)
        if not np.all(np.isfinite(x)):  # a breakdown: keep the last finite iterate
            continue
        step = sweep.policy_sweep(chain, x)
        v, bound = x, step.residual / (1.0 - gamma)
        if bound <= tol:
            return v, bound
        atol /= 16.0
    raise ValueError(
        f"tol: the Krylov solve could not certify |v - v_pi| <= {tol:g} in float64 (best certified bound {bound:.3g}); "
        "use a larger tol"
    )


def improve(q: NDArray[np.float64], policy: NDArray[np.intp], slack: float) -> NDArray[np.intp]:
    """Greedy improvement that keeps the current action unless another is better by more than ``slack``."""
    best = np.argmax(q, axis=1)
    rows = np.arange(q.shape[0])
    keep = q[rows, policy] >= q[rows, best] - slack
    return np.where(keep, policy, best)


def certified(q: NDArray[np.float64], v: NDArray[np.float64], gamma: float) -> float:
    """:math:`\\|f(v) - v\\|_\\infty / (1-\\gamma)`, a bound on :math:`\\|v - v^*\\|_\\infty`."""
    return float(np.max(np.abs(sweep.row_max(q) - v))) / (1.0 - gamma)


def next_accuracy(eval_tol: float, final: float, change: float, stable: bool) -> float:
    """The next evaluation's accuracy: loose while the values still move a lot, ``final`` at the end.

    A policy that looks stable at a loose accuracy is evaluated again at ``final``; one that
    is stable at ``final`` without a certificate (rounding) again 16 times more tightly.
    """
    if stable:
        return final if eval_tol > final else eval_tol / 16.0
    return max(final, min(eval_tol, LOOSE * change))


def stable_policy(
    m: sweep.Model, policy: NDArray[np.intp], terminal: NDArray[np.bool_] | None, max_iter: int = 10_000
) -> tuple[NDArray[np.float64], NDArray[np.intp], int]:
    """Evaluate by LU and improve from ``policy`` until stable: ``(values, policy, evaluations)``."""
    for k in range(1, max_iter + 1):
        chain = sweep.rows(m, policy)
        v = direct(chain.P, chain.r, m.gamma, terminal)
        q = sweep.q_values(m, v)
        new = improve(q, policy, SWITCH_RTOL * (1.0 + float(np.max(np.abs(q)))))
        if np.array_equal(new, policy):
            return v, policy, k
        policy = new
    raise ValueError(f"max_iter: policy iteration did not stabilize in {max_iter} steps")

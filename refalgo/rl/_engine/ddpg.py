"""Machinery of DDPG on LQR: the checks of the learner's inputs, its recorder and progress bar.

Only :mod:`refalgo.rl.ddpg` imports this module. Plain NumPy: the systems are small, and a
step of the learner costs a few NumPy calls.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._validate import as_array, as_real

__all__ = ["LIMIT", "check_discount", "check_gains", "check_system", "check_tau",
           "progress_range", "record"]


def check_tau(tau: Any) -> float:
    t = as_real(tau, "tau")
    if not 0 < t <= 1:
        raise ValueError(f"tau: expected a soft-update rate in (0, 1]; got {t}")
    return t


def check_discount(gamma: Any) -> float:
    g = as_real(gamma, "gamma")
    if not 0 <= g < 1:
        raise ValueError(f"gamma: expected a discount in [0, 1); got {g}")
    return g


def check_gains(K: Any, H: Any, K_target: Any, H_target: Any) -> tuple[NDArray[np.float64], ...]:
    Kc = as_array(K, "K", ndim=2)
    d = sum(Kc.shape)
    Hc = as_array(H, "H", shape=(d, d))
    if not np.allclose(Hc, Hc.T, rtol=1e-12, atol=1e-12):
        raise ValueError(f"H: expected a symmetric matrix; got H - Hᵀ of largest entry {np.abs(Hc - Hc.T).max():.3g}")
    return Kc, Hc, as_array(K_target, "K_target", shape=Kc.shape), as_array(H_target, "H_target", shape=(d, d))


LIMIT = 1e8  # beyond this a gain, a critic entry or a state counts as diverged


def check_system(A: Any, B: Any, Q: Any, R: Any, Sigma0: Any) -> tuple[NDArray[np.float64], ...]:
    Am = as_array(A, "A", ndim=2)
    n = Am.shape[0]
    if Am.shape != (n, n):
        raise ValueError(f"A: expected a square matrix; got shape {Am.shape}")
    Bm = as_array(B, "B", ndim=2, shape=(n, None))
    m = Bm.shape[1]
    Qm, Rm = as_array(Q, "Q", shape=(n, n)), as_array(R, "R", shape=(m, m))
    S0 = np.eye(n) if Sigma0 is None else as_array(Sigma0, "Sigma0", shape=(n, n))
    for name, M, strict in (("Q", Qm, False), ("R", Rm, True), ("Sigma0", S0, False)):
        low = np.linalg.eigvalsh((M + M.T) / 2).min() if np.allclose(M, M.T) else None
        if low is None or low < -1e-12 or (strict and low <= 0):
            raise ValueError(f"{name}: expected a symmetric positive {'definite' if strict else 'semidefinite'} matrix; "
                             + ("got a non-symmetric one" if low is None else f"got smallest eigenvalue {low:.3g}"))
    w, V = np.linalg.eigh(S0)
    return Am, Bm, Qm, Rm, V * np.sqrt(np.clip(w, 0, None))  # x₀ = V√Λ ξ has covariance Σ₀


def progress_range(n: int, progress: bool) -> Any:
    """``range(n)``, wrapped in a tqdm bar when ``progress`` (and tqdm is installed)."""
    if not progress:
        return range(n)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # the bar is a convenience: without tqdm, run silently
        return range(n)
    return tqdm(range(n), desc="DDPG on LQR")


def record(rec: dict[str, list[Any]], step: int, K: NDArray[np.float64], H: NDArray[np.float64], b: float,
           losses: list[float]) -> None:
    """Append one record of the learner's history: the step, copies of K and H, b, the mean loss since the last record."""
    for key, value in (("steps", step), ("K", K.copy()), ("H", H.copy()), ("b", b),
                       ("loss", float(np.mean(losses)) if losses else np.nan)):
        rec[key].append(value)
    losses.clear()

r"""The linear-quadratic regulator (线性二次调节器) solved exactly: the reference problem for deterministic policies.

**Conventions** (shared with :mod:`refalgo.rl.ddpg`). State :math:`x \in \mathbb R^n`, action
:math:`u \in \mathbb R^m`, dynamics :math:`x' = Ax + Bu`, cost :math:`c(x, u) = x^\top Q x + u^\top R u`
with :math:`Q \succeq 0`, :math:`R \succ 0`, discount :math:`\gamma \in [0, 1]`, start
:math:`x_0` with :math:`\Sigma_0 = \mathbb E[x_0 x_0^\top]` (default :math:`I`). A linear
deterministic policy is :math:`\mu(x) = -Kx` (``K`` has shape ``(m, n)``). **We minimise cost**:

.. math::

    J(K) = \mathbb E_{x_0}\sum_{t \ge 0} \gamma^t c(x_t, -Kx_t) = \operatorname{tr}(P_K \Sigma_0) \qquad (1)

    P_K = Q + K^\top R K + \gamma (A - BK)^\top P_K (A - BK) \qquad (2)

(2) is the discounted **Lyapunov equation** (李雅普诺夫方程); :math:`V_K(x) = x^\top P_K x`. It
has a unique solution, and :math:`J` is finite for every :math:`\Sigma_0`, exactly when
:math:`\rho(\sqrt\gamma(A - BK)) < 1` (:math:`\rho` the spectral radius); otherwise the cost is
infinite and every function here raises :class:`InfiniteCostError`. With a reward
:math:`r = -c` the return is :math:`-J(K)`: maximising it is minimising :math:`J`, and every
gradient below flips sign.

The action value of the policy is a quadratic form in :math:`z = [x; u]`:

.. math::

    Q_K(x, u) = c(x, u) + \gamma V_K(Ax + Bu) = z^\top H_K z, \qquad
    H_K = \begin{bmatrix} Q + \gamma A^\top P_K A & \gamma A^\top P_K B \\
    \gamma B^\top P_K A & R + \gamma B^\top P_K B \end{bmatrix} \qquad (3)

The optimal gain solves the discounted **Riccati equation** (黎卡提方程):

.. math::

    P^* = Q + \gamma A^\top P^* A - \gamma^2 A^\top P^* B (R + \gamma B^\top P^* B)^{-1} B^\top P^* A, \qquad
    K^* = \gamma (R + \gamma B^\top P^* B)^{-1} B^\top P^* A \qquad (4)

which is the undiscounted equation for :math:`(\sqrt\gamma A, \sqrt\gamma B)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray

from .._validate import as_array, as_real

__all__ = ["InfiniteCostError", "lqr_optimal", "lqr_policy_value", "lqr_q_matrix"]

REFERENCES = (
    "D. Silver et al., Deterministic policy gradient algorithms, ICML 2014, Theorems 1 and 2.",
    "D. P. Bertsekas, Dynamic Programming and Optimal Control, Vol. I, 4th ed., Athena Scientific 2017, §3.1.",
    "B. D. O. Anderson and J. B. Moore, Optimal Control: Linear Quadratic Methods, Prentice Hall 1990, ch. 2.",
    "M. Fazel, R. Ge, S. Kakade and M. Mesbahi, Global convergence of policy gradient methods for the linear "
    "quadratic regulator, ICML 2018, Lemma 1.",
)

_SYM_TOL = 1e-10  # |M - Mᵀ| allowed in Q, R, Sigma0 (relative to the largest entry)


class InfiniteCostError(ValueError):
    r"""The gain does not stabilise :math:`\sqrt\gamma(A - BK)`: the discounted cost :math:`J(K)` is infinite."""


# ----------------------------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------------------------

def _check_discount(gamma: Any) -> float:
    g = as_real(gamma, "gamma")
    if not 0 <= g <= 1:
        raise ValueError(f"gamma: expected a discount in [0, 1]; got {g}")
    return g


def _check_psd(M: NDArray[np.float64], name: str, *, strict: bool) -> NDArray[np.float64]:
    scale = max(1.0, float(np.abs(M).max()))
    if not np.allclose(M, M.T, rtol=0, atol=_SYM_TOL * scale):
        raise ValueError(f"{name}: expected a symmetric matrix; got {name} - {name}ᵀ of largest entry "
                         f"{np.abs(M - M.T).max():.3g}")
    M = (M + M.T) / 2
    low = float(np.linalg.eigvalsh(M).min())
    if low < -1e-12 * scale or (strict and low <= 0):
        kind = "positive definite" if strict else "positive semidefinite"
        raise ValueError(f"{name}: expected a symmetric {kind} matrix; got smallest eigenvalue {low:.3g}")
    return M


def _check_system(A: Any, B: Any, Q: Any, R: Any) -> tuple[NDArray[np.float64], ...]:
    Am = as_array(A, "A", ndim=2)
    n = Am.shape[0]
    if Am.shape != (n, n):
        raise ValueError(f"A: expected a square matrix; got shape {Am.shape}")
    Bm = as_array(B, "B", ndim=2, shape=(n, None))
    m = Bm.shape[1]
    Qm = _check_psd(as_array(Q, "Q", ndim=2, shape=(n, n)), "Q", strict=False)
    Rm = _check_psd(as_array(R, "R", ndim=2, shape=(m, m)), "R", strict=True)
    return Am, Bm, Qm, Rm


def _check_gain(K: Any, n: int, m: int) -> NDArray[np.float64]:
    return as_array(K, "K", ndim=2, shape=(m, n))


def _check_sigma0(Sigma0: Any, n: int) -> NDArray[np.float64]:
    if Sigma0 is None:
        return np.eye(n)
    return _check_psd(as_array(Sigma0, "Sigma0", ndim=2, shape=(n, n)), "Sigma0", strict=False)


def _closed_loop(A: NDArray[np.float64], B: NDArray[np.float64], K: NDArray[np.float64], gamma: float) -> NDArray[np.float64]:
    """:math:`\\sqrt\\gamma(A - BK)`, or :class:`InfiniteCostError` when its spectral radius is >= 1."""
    L = np.sqrt(gamma) * (A - B @ K)
    rho = float(np.abs(np.linalg.eigvals(L)).max())
    if not rho < 1 - 1e-12:
        raise InfiniteCostError(
            f"K: expected a gain with spectral radius of sqrt(gamma)·(A - BK) below 1; got {rho:.6g} >= 1, "
            "so the discounted cost J(K) is infinite (the closed loop does not decay fast enough)")
    return L


def _lyapunov(L: NDArray[np.float64], M: NDArray[np.float64]) -> NDArray[np.float64]:
    """The solution :math:`X = M + L^\\top X L` (symmetrised)."""
    X = sla.solve_discrete_lyapunov(L.T, M)
    return (X + X.T) / 2


# ----------------------------------------------------------------------------------------------------------------
# Numeric twins
# ----------------------------------------------------------------------------------------------------------------

def lqr_policy_value(A: ArrayLike, B: ArrayLike, Q: ArrayLike, R: ArrayLike, K: ArrayLike, *, gamma: float) -> NDArray[np.float64]:
    r"""The value matrix :math:`P_K` of the policy :math:`u = -Kx`: :math:`V_K(x) = x^\top P_K x`, by the Lyapunov equation (2).

    Parameters
    ----------
    A, B
        Dynamics :math:`x' = Ax + Bu`, shapes ``(n, n)`` and ``(n, m)``.
    Q, R
        Cost weights, ``(n, n)`` symmetric positive semidefinite and ``(m, m)`` symmetric positive definite.
    K
        The gain, shape ``(m, n)``.
    gamma
        The discount, in :math:`[0, 1]`.

    Returns
    -------
    numpy.ndarray
        :math:`P_K`, symmetric ``(n, n)``.

    Raises
    ------
    InfiniteCostError
        :math:`\rho(\sqrt\gamma(A - BK)) \ge 1`: the cost is infinite (a subclass of ValueError).
    ValueError
        Mismatched shapes, ``Q`` not positive semidefinite, ``R`` not positive definite, ``gamma`` outside [0, 1].

    Examples
    --------
    >>> lqr_policy_value([[1.0]], [[1.0]], [[1.0]], [[1.0]], [[0.5]], gamma=1.0)  # (1 + 1/4) / (1 - 1/4)
    array([[1.66666667]])
    >>> lqr_policy_value([[2.0]], [[1.0]], [[1.0]], [[1.0]], [[0.5]], gamma=1.0)
    Traceback (most recent call last):
    ...
    refalgo.rl.lqr.InfiniteCostError: K: expected a gain with spectral radius of sqrt(gamma)·(A - BK) below 1; got 1.5 >= 1, so the discounted cost J(K) is infinite (the closed loop does not decay fast enough)
    """
    Am, Bm, Qm, Rm = _check_system(A, B, Q, R)
    g = _check_discount(gamma)
    Km = _check_gain(K, Am.shape[0], Bm.shape[1])
    return _lyapunov(_closed_loop(Am, Bm, Km, g), Qm + Km.T @ Rm @ Km)


def lqr_optimal(A: ArrayLike, B: ArrayLike, Q: ArrayLike, R: ArrayLike, *, gamma: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""The optimal gain and value matrix :math:`(K^*, P^*)` by the discounted Riccati equation (4).

    Solved by :func:`scipy.linalg.solve_discrete_are` on :math:`(\sqrt\gamma A, \sqrt\gamma B)`; the
    stabilising solution is returned, and its gain is checked to stabilise :math:`\sqrt\gamma(A - BK^*)`.

    Parameters
    ----------
    A, B, Q, R, gamma
        As in :func:`lqr_policy_value`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        :math:`K^*` of shape ``(m, n)`` and :math:`P^*` of shape ``(n, n)``.

    Raises
    ------
    InfiniteCostError
        No gain makes the cost finite (:math:`(\sqrt\gamma A, \sqrt\gamma B)` not stabilisable), or the
        Riccati solution found does not stabilise (e.g. an unstable mode that :math:`Q` does not see).
    ValueError
        As in :func:`lqr_policy_value`.

    Examples
    --------
    >>> K, P = lqr_optimal([[1.0]], [[1.0]], [[1.0]], [[1.0]], gamma=1.0)  # P* = (1 + √5)/2, K* = P*/(1 + P*)
    >>> K.round(6), P.round(6)
    (array([[0.618034]]), array([[1.618034]]))
    """
    Am, Bm, Qm, Rm = _check_system(A, B, Q, R)
    g = _check_discount(gamma)
    n, m = Bm.shape
    if g == 0:
        return np.zeros((m, n)), Qm.copy()
    s = np.sqrt(g)
    try:
        P = sla.solve_discrete_are(s * Am, s * Bm, Qm, Rm)
    except (np.linalg.LinAlgError, ValueError) as exc:
        raise InfiniteCostError(f"A, B: expected a system that some gain stabilises (sqrt(gamma)·(A, B) stabilisable); "
                                f"the Riccati equation has no stabilising solution ({exc})") from None
    P = (P + P.T) / 2
    K = g * np.linalg.solve(Rm + g * Bm.T @ P @ Bm, Bm.T @ P @ Am)
    _closed_loop(Am, Bm, K, g)
    return K, P


def _h_blocks(A: NDArray[np.float64], B: NDArray[np.float64], Q: NDArray[np.float64], R: NDArray[np.float64],
              P: NDArray[np.float64], g: float) -> NDArray[np.float64]:
    H = np.block([[Q + g * A.T @ P @ A, g * A.T @ P @ B], [g * B.T @ P @ A, R + g * B.T @ P @ B]])
    return (H + H.T) / 2


def lqr_q_matrix(A: ArrayLike, B: ArrayLike, Q: ArrayLike, R: ArrayLike, K: ArrayLike, *, gamma: float) -> NDArray[np.float64]:
    r"""The matrix :math:`H_K` of the action value :math:`Q_K(x, u) = [x; u]^\top H_K [x; u]`, by (3).

    :math:`Q_K(x, u)` is the discounted cost of taking :math:`u` in :math:`x` and then following
    :math:`u = -Kx`. Under noisy dynamics :math:`x' = Ax + Bu + w` it gains a constant, the same for every
    :math:`(x, u)`, which no gradient sees.

    Parameters
    ----------
    A, B, Q, R, K, gamma
        As in :func:`lqr_policy_value`.

    Returns
    -------
    numpy.ndarray
        :math:`H_K`, symmetric ``(n + m, n + m)``; blocks ``H[:n, :n]`` (:math:`H_{xx}`), ``H[:n, n:]``
        (:math:`H_{xu}`), ``H[n:, n:]`` (:math:`H_{uu}`).

    Raises
    ------
    InfiniteCostError, ValueError
        As in :func:`lqr_policy_value`.

    Examples
    --------
    >>> lqr_q_matrix([[1.0]], [[1.0]], [[1.0]], [[1.0]], [[0.5]], gamma=0.6)  # P_K = 25/17
    array([[1.88235294, 0.88235294],
           [0.88235294, 1.88235294]])
    """
    Am, Bm, Qm, Rm = _check_system(A, B, Q, R)
    g = _check_discount(gamma)
    Km = _check_gain(K, Am.shape[0], Bm.shape[1])
    P = _lyapunov(_closed_loop(Am, Bm, Km, g), Qm + Km.T @ Rm @ Km)
    return _h_blocks(Am, Bm, Qm, Rm, P, g)

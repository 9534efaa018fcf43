r"""The linear-quadratic regulator (线性二次调节器) solved exactly, and the deterministic policy gradient (确定性策略梯度) on it.

**Conventions** (shared with :mod:`refalgo.rl.ddpg`). State :math:`x \in \mathbb R^n`, action
:math:`u \in \mathbb R^m`, dynamics :math:`x' = Ax + Bu`, cost :math:`c(x, u) = x^\top Q x + u^\top R u`
with :math:`Q \succeq 0`, :math:`R \succ 0`, discount :math:`\gamma \in [0, 1]`, start
:math:`x_0` with :math:`\Sigma_0 = \mathbb E[x_0 x_0^\top]` (``Sigma0``, default :math:`I`). A linear
deterministic policy is :math:`\mu(x) = -Kx` (``K`` has shape ``(m, n)``). **We minimise cost**:

.. math::

    J(K) = \mathbb E_{x_0}\sum_{t \ge 0} \gamma^t c(x_t, -Kx_t) = \operatorname{tr}(P_K \Sigma_0) \qquad (1)

    P_K = Q + K^\top R K + \gamma (A - BK)^\top P_K (A - BK) \qquad (2)

(2) is the discounted **Lyapunov equation** (李雅普诺夫方程); :math:`V_K(x) = x^\top P_K x`. It has
a unique solution, and :math:`J` is finite for every :math:`\Sigma_0`, exactly when
:math:`\rho(\sqrt\gamma(A - BK)) < 1` (:math:`\rho` the spectral radius); otherwise the cost is
infinite and every function here raises :class:`InfiniteCostError`. With a reward :math:`r = -c`
the return is :math:`-J(K)`: maximising it is minimising :math:`J`, and every gradient flips sign.

The action value of the policy is a quadratic form in :math:`z = [x; u]`:

.. math::

    \begin{aligned}
    Q_K(x, u) &= c(x, u) + \gamma V_K(Ax + Bu) = z^\top H_K z, \\
    H_K &= \begin{bmatrix} Q + \gamma A^\top P_K A & \gamma A^\top P_K B \\
    \gamma B^\top P_K A & R + \gamma B^\top P_K B \end{bmatrix} \qquad (3)
    \end{aligned}

The optimal gain solves the discounted **Riccati equation** (黎卡提方程), the undiscounted one
for :math:`(\sqrt\gamma A, \sqrt\gamma B)`:

.. math::

    \begin{aligned}
    P^* &= Q + \gamma A^\top P^* A - \gamma^2 A^\top P^* B (R + \gamma B^\top P^* B)^{-1} B^\top P^* A, \\
    K^* &= \gamma (R + \gamma B^\top P^* B)^{-1} B^\top P^* A \qquad (4)
    \end{aligned}

**The deterministic policy gradient theorem** (Silver et al. 2014, Theorem 1), with
:math:`\rho^\mu` the unnormalised discounted state distribution, :math:`\mathbb E_{x\sim\rho^\mu} f(x) = \sum_t \gamma^t\,\mathbb E f(x_t)`:

.. math::

    \begin{aligned}
    \nabla_K J &= \mathbb E_{x\sim\rho^\mu}\bigl[\nabla_K \mu(x)\, \nabla_u Q_K(x, u)|_{u=\mu(x)}\bigr]
    = -2\,(H_{ux} - H_{uu} K)\,\Sigma_K \\
    &= 2\bigl((R + \gamma B^\top P_K B)K - \gamma B^\top P_K A\bigr)\Sigma_K \qquad (5)
    \end{aligned}

    \Sigma_K = \sum_{t\ge 0}\gamma^t\,\mathbb E[x_t x_t^\top] = \Sigma_0 + \gamma (A - BK)\Sigma_K (A - BK)^\top \qquad (6)

(:math:`\partial \mu_l/\partial K_{ij} = -[l = i]\,x_j` and :math:`\nabla_u Q_K(x, u) = 2(H_{ux}x + H_{uu}u)`).

**The Gaussian-linear policy** :math:`u \sim \mathcal N(-Kx, \sigma^2 I)` (``sigma``), :math:`\gamma < 1`,
has the same :math:`P_K` and :math:`H_K` plus constants, and

.. math::

    J_\sigma(K) = J(K) + \frac{\sigma^2}{1 - \gamma}\operatorname{tr}(R + \gamma B^\top P_K B) \qquad (7)

    \begin{aligned}
    \nabla_K J_\sigma &= -2\,(H_{ux} - H_{uu} K)\,\Sigma_{K,\sigma}, \\
    \Sigma_{K,\sigma} &= \Sigma_0 + \frac{\gamma\sigma^2}{1-\gamma} BB^\top + \gamma (A - BK)\Sigma_{K,\sigma}(A - BK)^\top \qquad (8)
    \end{aligned}

(8) is the stochastic policy gradient theorem :math:`\mathbb E_{\rho^\pi}\mathbb E_{u\sim\pi}[\nabla_K\ln\pi(u|x)\,Q^\pi(x, u)]`
with the inner expectation done exactly (Stein's lemma: for a quadratic :math:`Q`,
:math:`\mathbb E[\varepsilon\,Q(x, \mu + \sigma\varepsilon)]/\sigma = \nabla_u Q(x, \mu)`); as :math:`\sigma \to 0`,
:math:`\Sigma_{K,\sigma} \to \Sigma_K` and (8) tends to the deterministic gradient (5) — Silver et al.'s Theorem 2.

The numeric twins solve (2), (4), (6), (8) with SciPy; the symbolic twins solve (2) as an exact
linear system, the scalar (4) in closed form, and obtain the gradient by **differentiating**
:math:`J(K)` — never by (5) — so their agreement checks the theorem.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Any, NamedTuple

import mpmath
import numpy as np
import scipy.linalg as sla
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact, exact_discount, exact_matrix
from .._validate import as_array, as_real
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ._engine.linalg import exact_solve

__all__ = [
    "InfiniteCostError", "RiccatiSolution", "derivations", "dpg_gradient_lqr", "dpg_gradient_lqr_symbolic",
    "lqr_cost", "lqr_cost_symbolic", "lqr_optimal", "lqr_optimal_symbolic", "lqr_policy_value",
    "lqr_policy_value_symbolic", "lqr_q_matrix", "lqr_state_covariance", "stochastic_gradient_lqr",
    "stochastic_gradient_lqr_symbolic",
]

REFERENCES = (
    ("D. Silver, G. Lever, N. Heess, T. Degris, D. Wierstra and M. Riedmiller, Deterministic policy gradient algorithms, "
     "ICML 2014, Theorems 1 and 2."),
    ("M. Fazel, R. Ge, S. Kakade and M. Mesbahi, Global convergence of policy gradient methods for the linear "
     "quadratic regulator, ICML 2018, Lemma 1."),
    "D. P. Bertsekas, Dynamic Programming and Optimal Control, Vol. I, 4th ed., Athena Scientific 2017, §3.1.",
    "B. D. O. Anderson and J. B. Moore, Optimal Control: Linear Quadratic Methods, Prentice Hall 1990, ch. 2.",
    ("G. A. Hewer, An iterative technique for the computation of the steady state gains for the discrete optimal "
     "regulator, IEEE Trans. Automatic Control 16 (1971) 382-384."),
    ("Altair Compose documentation, dlqr (ControlSystem library), example: A = [9, 0.2; 0, 8], B = [0; 1], "
     "Q = [2, 1; 1, 2], R = 1."),
)

_SYM_TOL = 1e-10  # |M - Mᵀ| allowed in Q, R, Sigma0 (relative to the largest entry)
_DIGITS = 50  # significant digits of the high-precision Riccati solution


class InfiniteCostError(ValueError):
    r"""The gain does not stabilise :math:`\sqrt\gamma(A - BK)`: the discounted cost :math:`J(K)` is infinite."""


class RiccatiSolution(NamedTuple):
    r"""The optimal gain :math:`K^*` and value matrix :math:`P^*` of :func:`lqr_optimal_symbolic`.

    :attr:`is_exact` says which kind of answer it is: exact (rational, or the scalar closed form with
    square roots), or a high-precision approximation (``Float`` entries of 50 significant digits)
    when the matrix solution is not rational.
    """

    K: sp.Matrix
    P: sp.Matrix

    @property
    def is_exact(self) -> bool:
        """Whether no entry is a ``Float`` (an exact value, not a 50-digit approximation)."""
        return not (self.K.has(sp.Float) or self.P.has(sp.Float))


# ----------------------------------------------------------------------------------------------------------------
# Checks, exact
# ----------------------------------------------------------------------------------------------------------------

def _exact_definite(M: sp.Matrix, name: str, *, strict: bool) -> None:
    """Symmetry of an exact matrix; (semi)definiteness by principal minors when its entries are numbers."""
    if (M - M.T).applyfunc(sp.simplify) != sp.zeros(*M.shape):
        raise ValueError(f"{name}: expected a symmetric matrix; got {name} = {M.tolist()}"[:200])
    if M.free_symbols:
        return  # undecidable in general: the closed forms then hold where M is (semi)definite
    n = M.shape[0]
    if strict:  # Sylvester: the leading principal minors are positive
        bad = any(not M[:k, :k].det() > 0 for k in range(1, n + 1))
    else:  # every principal minor is non-negative
        bad = any(M.extract(list(s), list(s)).det() < 0 for k in range(1, n + 1) for s in combinations(range(n), k))
    if bad:
        kind = "positive definite" if strict else "positive semidefinite"
        raise ValueError(f"{name}: expected a symmetric {kind} matrix; got {name} = {M.tolist()}"[:200])


def _exact_system(A: Any, B: Any, Q: Any, R: Any, gamma: Any) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, sp.Matrix, sp.Expr]:
    Am = exact_matrix(A, "A", symbolic=True)
    n = Am.shape[0]
    if Am.shape != (n, n):
        raise ValueError(f"A: expected a square matrix; got shape {Am.shape}")
    Bm = exact_matrix(B, "B", shape=(n, None), symbolic=True)
    m = Bm.shape[1]
    Qm, Rm = exact_matrix(Q, "Q", shape=(n, n), symbolic=True), exact_matrix(R, "R", shape=(m, m), symbolic=True)
    _exact_definite(Qm, "Q", strict=False)
    _exact_definite(Rm, "R", strict=True)
    return Am, Bm, Qm, Rm, exact_discount(gamma, symbolic=True)


def _exact_sigma0(Sigma0: Any, n: int) -> sp.Matrix:
    if Sigma0 is None:
        return sp.eye(n)
    S = exact_matrix(Sigma0, "Sigma0", shape=(n, n), symbolic=True)
    _exact_definite(S, "Sigma0", strict=False)
    return S


def _exact_lyapunov(L: sp.Matrix, g: sp.Expr, rhs: list[sp.Matrix], *, transpose: bool) -> list[sp.Matrix]:
    r"""Solve :math:`X = M + \gamma L^\top X L` (``transpose``) or :math:`X = M + \gamma L X L^\top` for each ``M``, exactly.

    One linear system :math:`(I - \gamma\,L^\top\otimes L^\top)\operatorname{vec}X = \operatorname{vec}M` (column-major
    vec), all right-hand sides at once; a singular system (an eigenvalue of :math:`\gamma L\otimes L` at 1) is an
    infinite cost.
    """
    n = L.shape[0]
    T = L.T if transpose else L
    system = sp.eye(n * n) - g * _kron(T, T)
    b = sp.Matrix.hstack(*[M.T.reshape(n * n, 1) for M in rhs])  # column-major vec
    try:
        x = exact_solve(system, b, "K")
    except ValueError:
        raise InfiniteCostError("K: expected a gain with spectral radius of sqrt(gamma)·(A - BK) below 1; got a closed "
                                "loop with an eigenvalue product on the unit circle, so J(K) is infinite") from None
    return [x[:, k].reshape(n, n).T for k in range(len(rhs))]


def _kron(X: sp.Matrix, Y: sp.Matrix) -> sp.Matrix:
    r"""The Kronecker product :math:`X \otimes Y` of two ``(n, n)`` matrices."""
    n = X.shape[0]
    return sp.Matrix(n * n, n * n, lambda i, j: X[i // n, j // n] * Y[i % n, j % n])


def _exact_value(A: sp.Matrix, B: sp.Matrix, Q: sp.Matrix, R: sp.Matrix, K: sp.Matrix, g: sp.Expr) -> sp.Matrix:
    """:math:`P_K` by (2), exactly; with numeric entries, the stability of :math:`\\sqrt\\gamma(A - BK)` is checked exactly."""
    L = A - B * K
    numbers = not (L.free_symbols or g.free_symbols)
    rhs = [Q + K.T * R * K] + ([sp.eye(A.shape[0])] if numbers else [])
    X = _exact_lyapunov(L, g, rhs, transpose=True)
    if numbers and not all(X[1][:k, :k].det() > 0 for k in range(1, A.shape[0] + 1)):
        # Lyapunov's theorem: X = I + γLᵀXL has a positive definite solution iff ρ(√γ L) < 1.
        rho = max(abs(complex(e)) for e in (sp.sqrt(g) * L).evalf(30).eigenvals())
        raise InfiniteCostError(f"K: expected a gain with spectral radius of sqrt(gamma)·(A - BK) below 1; got {rho:.6g} >= 1, "
                                "so the discounted cost J(K) is infinite (the closed loop does not decay fast enough)")
    return X[0].applyfunc(sp.factor) if X[0].free_symbols else X[0]


def _exact_gain(K: Any, n: int, m: int) -> sp.Matrix:
    return exact_matrix(K, "K", shape=(m, n), symbolic=True)


def _exact_sigma(sigma: Any, g: sp.Expr) -> sp.Expr:
    s = exact(sigma, "sigma", symbolic=True)
    if s.is_number and s < 0:
        raise ValueError(f"sigma: expected a standard deviation >= 0; got {s}")
    if s != 0 and g == 1:
        raise ValueError("gamma: expected a discount below 1 with sigma > 0 (the noise adds a cost every step forever); got 1")
    return s


# ----------------------------------------------------------------------------------------------------------------
# Symbolic twins
# ----------------------------------------------------------------------------------------------------------------

def lqr_policy_value_symbolic(A: Any, B: Any, Q: Any, R: Any, K: Any, *, gamma: Any) -> sp.Matrix:
    r"""The value matrix :math:`P_K` exactly, by solving the Lyapunov equation (2) as a linear system.

    Entries may be exact numbers or SymPy symbols. With numbers the stability of
    :math:`\sqrt\gamma(A - BK)` is decided exactly (Lyapunov's theorem: :math:`X = I + \gamma L^\top X L`
    has a positive definite solution); with symbols the result holds where the closed loop is stable.

    Parameters
    ----------
    A, B, Q, R, K, gamma
        As in :func:`lqr_policy_value`: exact numbers (``int``, ``Fraction``, ``"0.9"``, SymPy) or symbols.

    Returns
    -------
    sympy.Matrix
        :math:`P_K`, ``(n, n)``.

    Raises
    ------
    InfiniteCostError
        The closed loop is not stable (numbers only).
    ValueError
        Shapes, ``R`` not positive definite, ``Q`` not positive semidefinite (decided when numeric).

    Examples
    --------
    >>> a, b, q, r, k, g = sp.symbols("a b q r k gamma", positive=True)
    >>> lqr_policy_value_symbolic([[a]], [[b]], [[q]], [[r]], [[k]], gamma=g)
    Matrix([[-(k**2*r + q)/(a**2*gamma - 2*a*b*gamma*k + b**2*gamma*k**2 - 1)]])
    >>> lqr_policy_value_symbolic([[1]], [[1]], [[1]], [[1]], [["1/2"]], gamma="3/5")
    Matrix([[25/17]])
    """
    Am, Bm, Qm, Rm, g = _exact_system(A, B, Q, R, gamma)
    return _exact_value(Am, Bm, Qm, Rm, _exact_gain(K, *Bm.shape), g)


def lqr_cost_symbolic(A: Any, B: Any, Q: Any, R: Any, K: Any, *, gamma: Any, Sigma0: Any = None, sigma: Any = 0) -> sp.Expr:
    r"""The cost :math:`J(K) = \operatorname{tr}(P_K\Sigma_0)` (1), or :math:`J_\sigma(K)` (7) of the Gaussian policy, exactly.

    Parameters
    ----------
    A, B, Q, R, K, gamma
        As in :func:`lqr_policy_value_symbolic`.
    Sigma0
        :math:`\mathbb E[x_0 x_0^\top]`, ``(n, n)`` positive semidefinite; default :math:`I`.
    sigma
        Standard deviation :math:`\sigma \ge 0` of the Gaussian policy :math:`u \sim \mathcal N(-Kx, \sigma^2 I)`
        (a number or a symbol); ``0`` is the deterministic policy. :math:`\sigma > 0` needs :math:`\gamma < 1`.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    InfiniteCostError, ValueError
        As in :func:`lqr_policy_value_symbolic`; ``sigma < 0``; ``sigma > 0`` with ``gamma = 1``.

    Examples
    --------
    >>> s = sp.Symbol("sigma", positive=True)
    >>> lqr_cost_symbolic([[1]], [[1]], [[1]], [[1]], [["1/2"]], gamma="3/5", sigma=s)
    80*sigma**2/17 + 25/17
    """
    Am, Bm, Qm, Rm, g = _exact_system(A, B, Q, R, gamma)
    s = _exact_sigma(sigma, g)
    P = _exact_value(Am, Bm, Qm, Rm, _exact_gain(K, *Bm.shape), g)
    J = (P * _exact_sigma0(Sigma0, Am.shape[0])).trace()
    noise = s**2 * (Rm + g * Bm.T * P * Bm).trace() / (1 - g) if s != 0 else 0  # (7)
    return sp.factor(J + noise) if (J + noise).free_symbols - s.free_symbols else sp.expand(J + noise)


def _vec(M: sp.Matrix) -> sp.Matrix:
    """Column-major :math:`\\operatorname{vec}`: the columns of ``M`` stacked."""
    return M.T.reshape(M.shape[0] * M.shape[1], 1)


def _unit(m: int, n: int, i: int, j: int) -> sp.Matrix:
    """:math:`E_{ij}`, the ``(m, n)`` matrix with a 1 at ``(i, j)``."""
    E = sp.zeros(m, n)
    E[i, j] = 1
    return E


def _differentiate_cost(A: Any, B: Any, Q: Any, R: Any, K: Any, gamma: Any, Sigma0: Any, sigma: Any) -> sp.Matrix:
    r""":math:`\partial J_\sigma/\partial K_{ij}`: the derivative in :math:`t` at 0 of :math:`J_\sigma(K + tE_{ij})`, exactly.

    Forward mode with dual numbers (:math:`t^2 = 0`): writing (2) for :math:`K + tE_{ij}` as the linear system
    :math:`(T_0 + tT_1)(p_0 + tp_1) = m_0 + tm_1` in :math:`\operatorname{vec}P`, the order-0 part gives
    :math:`P_K` and the order-1 part :math:`T_0 p_1 = m_1 - T_1 p_0` its derivative; :math:`J` is linear in :math:`P`.
    """
    Am, Bm, Qm, Rm, g = _exact_system(A, B, Q, R, gamma)
    Km = _exact_gain(K, *Bm.shape)
    s, S0 = _exact_sigma(sigma, g), _exact_sigma0(Sigma0, Am.shape[0])
    m, n = Km.shape
    p0 = _vec(_exact_value(Am, Bm, Qm, Rm, Km, g))  # order 0: P_K by (2), its cost checked finite
    L0 = (Am - Bm * Km).T
    T0 = sp.eye(n * n) - g * _kron(L0, L0)
    E = [_unit(m, n, i, j) for i in range(m) for j in range(n)]
    rhs = []
    for Eij in E:  # d/dt of Lᵀ = (A − B(K + tE))ᵀ is −(BE)ᵀ; of M = Q + (K + tE)ᵀR(K + tE) is EᵀRK + KᵀRE
        L1 = -(Bm * Eij).T
        T1 = -g * (_kron(L1, L0) + _kron(L0, L1))
        rhs.append(_vec(Eij.T * Rm * Km + Km.T * Rm * Eij) - T1 * p0)
    p1 = exact_solve(T0, sp.Matrix.hstack(*rhs), "K")
    G = sp.zeros(m, n)
    for k, Eij in enumerate(E):
        P1 = p1[:, k].reshape(n, n).T
        dJ = (P1 * S0).trace() + (s**2 * g * (Bm.T * P1 * Bm).trace() / (1 - g) if s != 0 else 0)  # (1), (7)
        G += dJ * Eij
    return G.applyfunc(sp.factor) if G.free_symbols - s.free_symbols else G.applyfunc(sp.expand)


def dpg_gradient_lqr_symbolic(A: Any, B: Any, Q: Any, R: Any, K: Any, *, gamma: Any, Sigma0: Any = None) -> sp.Matrix:
    r""":math:`\nabla_K J` exactly, by differentiating the closed form of :math:`J(K)` — not by the DPG theorem.

    For each entry :math:`K_{ij}`, :math:`J(K + tE_{ij}) = \operatorname{tr}(P(t)\Sigma_0)` is differentiated
    exactly at :math:`t = 0` by differentiating the Lyapunov equation (2) that defines :math:`P(t)`
    (forward mode: one exact solve for :math:`P_K`, one for all :math:`mn` derivatives, same matrix).
    Neither :math:`\Sigma_K` nor :math:`\nabla_u Q` appears: compare :func:`dpg_gradient_lqr`, which
    evaluates the theorem (5).

    Parameters
    ----------
    A, B, Q, R, K, gamma, Sigma0
        As in :func:`lqr_cost_symbolic`.

    Returns
    -------
    sympy.Matrix
        :math:`\partial J/\partial K`, shape ``(m, n)`` (the gradient of the cost; ascend the return with its negative).

    Raises
    ------
    InfiniteCostError, ValueError
        As in :func:`lqr_cost_symbolic`.

    Examples
    --------
    >>> dpg_gradient_lqr_symbolic([[1]], [[1]], [[1]], [[1]], [["1/2"]], gamma="3/5")
    Matrix([[40/289]])
    """
    return _differentiate_cost(A, B, Q, R, K, gamma, Sigma0, 0)


def stochastic_gradient_lqr_symbolic(A: Any, B: Any, Q: Any, R: Any, K: Any, *, gamma: Any, sigma: Any,
                                     Sigma0: Any = None) -> sp.Matrix:
    r""":math:`\nabla_K J_\sigma` of the Gaussian policy :math:`\mathcal N(-Kx, \sigma^2 I)`, exactly, by differentiating (7).

    With a symbol for ``sigma`` the answer is a polynomial in :math:`\sigma` (of degree 2), whose value at
    :math:`\sigma = 0` is :func:`dpg_gradient_lqr_symbolic` (Silver et al. 2014, Theorem 2).

    Parameters
    ----------
    A, B, Q, R, K, gamma, Sigma0, sigma
        As in :func:`lqr_cost_symbolic`; :math:`\gamma < 1` when :math:`\sigma > 0`.

    Returns
    -------
    sympy.Matrix
        Shape ``(m, n)``.

    Raises
    ------
    InfiniteCostError, ValueError
        As in :func:`lqr_cost_symbolic`.

    Examples
    --------
    >>> s = sp.Symbol("sigma", positive=True)
    >>> stochastic_gradient_lqr_symbolic([[1]], [[1]], [[1]], [[1]], [["1/2"]], gamma="3/5", sigma=s)
    Matrix([[60*sigma**2/289 + 40/289]])
    """
    return _differentiate_cost(A, B, Q, R, K, gamma, Sigma0, sigma)


def _scalar_riccati(a: sp.Expr, b: sp.Expr, q: sp.Expr, r: sp.Expr, g: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    r"""The largest root of :math:`\gamma b^2 P^2 + (r(1 - \gamma a^2) - \gamma q b^2)P - qr = 0`, and :math:`K^*`."""
    if g == 0:
        return sp.Integer(0), q
    if b == 0:
        if (g * a**2 - 1).is_nonnegative:
            raise InfiniteCostError(f"A, B: expected a system some gain stabilises; got b = 0 and gamma·a² = {g * a**2} >= 1")
        return sp.Integer(0), q / (1 - g * a**2)
    c1 = r * (1 - g * a**2) - g * q * b**2
    P = (-c1 + sp.sqrt(c1**2 + 4 * g * b**2 * q * r)) / (2 * g * b**2)
    K = g * b * P * a / (r + g * b**2 * P)
    return (sp.radsimp(sp.simplify(K)), sp.radsimp(sp.simplify(P))) if P.is_number else (K, P)


def _mp(v: sp.Rational) -> Any:
    return mpmath.mpf(int(v.p)) / int(v.q)


def _mp_matrix(M: sp.Matrix) -> Any:
    return mpmath.matrix([[_mp(v) for v in row] for row in M.tolist()])


def _mp_kron(X: Any, n: int) -> Any:
    return mpmath.matrix([[X[i // n, j // n] * X[i % n, j % n] for j in range(n * n)] for i in range(n * n)])


def _hewer(A: sp.Matrix, B: sp.Matrix, Q: sp.Matrix, R: sp.Matrix, g: sp.Expr, K0: NDArray[np.float64]) -> tuple[Any, Any]:
    """Policy iteration (Hewer 1971) in 60-digit arithmetic from a stabilising ``K0``: (K*, P*) as mpmath matrices."""
    n = A.shape[0]
    with mpmath.workdps(_DIGITS + 10):
        a, b, q, r, gm = _mp_matrix(A), _mp_matrix(B), _mp_matrix(Q), _mp_matrix(R), _mp(g)
        K = mpmath.matrix(K0.tolist())
        P = mpmath.zeros(n, n)
        for _ in range(60):
            L = a - b * K
            T = mpmath.eye(n * n) - gm * _mp_kron(L.T, n)  # vec(LᵀPL) = (Lᵀ ⊗ Lᵀ) vec P
            M = q + K.T * r * K
            vec = mpmath.lu_solve(T, mpmath.matrix([M[i, j] for j in range(n) for i in range(n)]))
            P_new = mpmath.matrix([[vec[j * n + i] for j in range(n)] for i in range(n)])
            K = gm * mpmath.inverse(r + gm * b.T * P_new * b) * (b.T * P_new * a)  # (4), an m × m inverse
            done = mpmath.mnorm(P_new - P, 1) <= mpmath.mpf(10) ** (-_DIGITS - 5) * (1 + mpmath.mnorm(P_new, 1))
            P = P_new
            if done:
                break
        return K, P


def _riccati_recursion(A: sp.Matrix, B: sp.Matrix, Q: sp.Matrix, R: sp.Matrix, g: sp.Expr) -> NDArray[np.float64]:
    """A stabilising gain from the Riccati recursion from P = 0 (value iteration), float64; at most 20000 steps."""
    a, b, q, r = (np.array(M.tolist(), dtype=float) for M in (A, B, Q, R))
    gf = float(g)
    P = np.zeros_like(q)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging recursion is detected below, not warned about
        K = _recursion_gain(a, b, q, r, gf, P)
    if K is None:
        raise InfiniteCostError("A, B: expected a system some gain stabilises (sqrt(gamma)·(A, B) stabilisable, unstable modes "
                                "seen by Q); the Riccati recursion did not reach a stabilising solution")
    return K


def _recursion_gain(a: NDArray[np.float64], b: NDArray[np.float64], q: NDArray[np.float64], r: NDArray[np.float64], gf: float,
                    P: NDArray[np.float64]) -> NDArray[np.float64] | None:
    for _ in range(20000):
        K = np.asarray(gf * np.linalg.solve(r + gf * b.T @ P @ b, b.T @ P @ a), dtype=np.float64)
        P_new = q + gf * a.T @ P @ (a - b @ K)
        if not np.all(np.isfinite(P_new)):
            break
        if np.abs(P_new - P).max() <= 1e-13 * (1 + np.abs(P_new).max()):
            return K if np.abs(np.linalg.eigvals(np.sqrt(gf) * (a - b @ K))).max() < 1 else None
        P = P_new
    return None


def _rational_or_float(A: sp.Matrix, B: sp.Matrix, Q: sp.Matrix, R: sp.Matrix, g: sp.Expr, P: Any) -> RiccatiSolution:
    """The exact rational solution if rounding ``P`` to nearby fractions satisfies (4) exactly, else 50-digit floats."""
    n = A.shape[0]
    guess = sp.Matrix(n, n, lambda i, j: sp.Rational(Fraction(mpmath.nstr(P[i, j], _DIGITS + 5)).limit_denominator(10**15)))
    guess = (guess + guess.T) / 2
    S = R + g * B.T * guess * B
    if S.det() != 0:
        K = g * S.LUsolve(B.T * guess * A)
        if guess == Q + g * A.T * guess * (A - B * K):
            return RiccatiSolution(K, guess)
    Pf = sp.Matrix(n, n, lambda i, j: sp.Float(mpmath.nstr(P[i, j], _DIGITS + 5), _DIGITS))
    with mpmath.workdps(_DIGITS + 10):
        gm, b = _mp(g), _mp_matrix(B)
        Kmp = gm * mpmath.inverse(_mp_matrix(R) + gm * b.T * P * b) * (b.T * P * _mp_matrix(A))  # (4)
        Kf = sp.Matrix(B.shape[1], n, lambda i, j: sp.Float(mpmath.nstr(Kmp[i, j], _DIGITS + 5), _DIGITS))
    return RiccatiSolution(Kf, Pf)


def lqr_optimal_symbolic(A: Any, B: Any, Q: Any, R: Any, *, gamma: Any) -> RiccatiSolution:
    r"""The optimal :math:`(K^*, P^*)` of (4): a closed form for a scalar system, exact or 50-digit for matrices.

    **Scalar** (:math:`n = m = 1`, entries numbers or symbols): (4) multiplied by :math:`r + \gamma b^2 P` is the
    quadratic :math:`\gamma b^2 P^2 + (r(1 - \gamma a^2) - \gamma q b^2)P - qr = 0`; :math:`P^*` is its larger root
    (the stabilising one) and :math:`K^* = \gamma b P^* a/(r + \gamma b^2 P^*)`.

    **Matrix** (exact numbers only): a stabilising gain from the Riccati recursion (float64), then policy
    iteration (Hewer 1971) with 60-digit arithmetic. If the entries, rounded to nearby fractions, satisfy
    (4) exactly, that rational solution is returned; otherwise 50-digit ``Float`` entries.
    :attr:`RiccatiSolution.is_exact` says which.

    Parameters
    ----------
    A, B, Q, R, gamma
        As in :func:`lqr_policy_value_symbolic`.

    Returns
    -------
    RiccatiSolution
        ``(K, P)`` as SymPy matrices, with ``is_exact``.

    Raises
    ------
    InfiniteCostError
        No gain has finite cost; or (scalar, :math:`q = 0`) none is needed but the check is on the root.
    ValueError
        As in :func:`lqr_policy_value_symbolic`; symbols in a matrix system.

    Examples
    --------
    >>> lqr_optimal_symbolic([[1]], [[1]], [[1]], [[1]], gamma=1)  # the golden ratio
    RiccatiSolution(K=Matrix([[-1/2 + sqrt(5)/2]]), P=Matrix([[1/2 + sqrt(5)/2]]))
    """
    Am, Bm, Qm, Rm, g = _exact_system(A, B, Q, R, gamma)
    if Am.shape == (1, 1) and Bm.shape == (1, 1):
        K, P = _scalar_riccati(Am[0, 0], Bm[0, 0], Qm[0, 0], Rm[0, 0], g)
        return RiccatiSolution(sp.Matrix([[K]]), sp.Matrix([[P]]))
    if any(M.free_symbols for M in (Am, Bm, Qm, Rm)) or not g.is_Rational:
        raise ValueError("A, B, Q, R, gamma: expected exact numbers for a matrix system (symbols only when n = m = 1); got symbols")
    if g == 0:
        return RiccatiSolution(sp.zeros(Bm.shape[1], Am.shape[0]), Qm)
    _, P = _hewer(Am, Bm, Qm, Rm, g, _riccati_recursion(Am, Bm, Qm, Rm, g))
    return _rational_or_float(Am, Bm, Qm, Rm, g, P)


# ----------------------------------------------------------------------------------------------------------------
# Checks, numeric
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


def _check_sigma(sigma: Any, g: float) -> float:
    s = as_real(sigma, "sigma")
    if s < 0:
        raise ValueError(f"sigma: expected a standard deviation >= 0; got {s}")
    if s > 0 and g == 1:
        raise ValueError("gamma: expected a discount below 1 with sigma > 0 (the noise adds a cost every step forever); got 1.0")
    return s


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
    """The solution :math:`X = M + L X L^\\top` (symmetrised)."""
    X = sla.solve_discrete_lyapunov(L, M)
    return (X + X.T) / 2


def _h_blocks(A: NDArray[np.float64], B: NDArray[np.float64], Q: NDArray[np.float64], R: NDArray[np.float64],
              P: NDArray[np.float64], g: float) -> NDArray[np.float64]:
    H = np.block([[Q + g * A.T @ P @ A, g * A.T @ P @ B], [g * B.T @ P @ A, R + g * B.T @ P @ B]])  # (3)
    return (H + H.T) / 2


# ----------------------------------------------------------------------------------------------------------------
# Numeric twins
# ----------------------------------------------------------------------------------------------------------------

def lqr_policy_value(A: ArrayLike, B: ArrayLike, Q: ArrayLike, R: ArrayLike, K: ArrayLike, *, gamma: float) -> NDArray[np.float64]:
    r"""The value matrix :math:`P_K` of the policy :math:`u = -Kx`: :math:`V_K(x) = x^\top P_K x`, by the Lyapunov equation (2).

    Solved by :func:`scipy.linalg.solve_discrete_lyapunov` on :math:`\sqrt\gamma(A - BK)`.

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
    return _lyapunov(_closed_loop(Am, Bm, Km, g).T, Qm + Km.T @ Rm @ Km)  # (2)


def lqr_cost(A: ArrayLike, B: ArrayLike, Q: ArrayLike, R: ArrayLike, K: ArrayLike, *, gamma: float,
             Sigma0: ArrayLike | None = None, sigma: float = 0.0) -> float:
    r"""The cost :math:`J(K) = \operatorname{tr}(P_K\Sigma_0)` (1), or :math:`J_\sigma(K)` (7) of the Gaussian policy.

    Parameters
    ----------
    A, B, Q, R, K, gamma
        As in :func:`lqr_policy_value`.
    Sigma0
        :math:`\mathbb E[x_0 x_0^\top]`, ``(n, n)`` positive semidefinite; default :math:`I`.
    sigma
        Standard deviation of :math:`u \sim \mathcal N(-Kx, \sigma^2 I)`; ``0`` (default) is the deterministic policy.

    Returns
    -------
    float

    Raises
    ------
    InfiniteCostError, ValueError
        As in :func:`lqr_policy_value`; ``sigma < 0``; ``sigma > 0`` with ``gamma = 1``.

    Examples
    --------
    >>> round(lqr_cost([[1.0]], [[1.0]], [[1.0]], [[1.0]], [[0.5]], gamma=0.6), 10)  # 25/17
    1.4705882353
    """
    Am, Bm, Qm, Rm = _check_system(A, B, Q, R)
    g = _check_discount(gamma)
    s = _check_sigma(sigma, g)
    Km, S0 = _check_gain(K, Am.shape[0], Bm.shape[1]), _check_sigma0(Sigma0, Am.shape[0])
    P = _lyapunov(_closed_loop(Am, Bm, Km, g).T, Qm + Km.T @ Rm @ Km)  # (2)
    J = float(np.trace(P @ S0))  # (1)
    return J + s**2 * float(np.trace(Rm + g * Bm.T @ P @ Bm)) / (1 - g) if s > 0 else J  # (7)


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
    K = g * np.linalg.solve(Rm + g * Bm.T @ P @ Bm, Bm.T @ P @ Am)  # (4)
    _closed_loop(Am, Bm, K, g)
    return K, P


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
        :math:`H_K`, symmetric ``(n + m, n + m)``; blocks ``H[:n, :n]`` (:math:`H_{xx}`), ``H[n:, :n]``
        (:math:`H_{ux}`), ``H[n:, n:]`` (:math:`H_{uu}`).

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
    P = _lyapunov(_closed_loop(Am, Bm, Km, g).T, Qm + Km.T @ Rm @ Km)  # (2)
    return _h_blocks(Am, Bm, Qm, Rm, P, g)


def lqr_state_covariance(A: ArrayLike, B: ArrayLike, K: ArrayLike, *, gamma: float, Sigma0: ArrayLike | None = None,
                         sigma: float = 0.0) -> NDArray[np.float64]:
    r"""The discounted state covariance :math:`\Sigma_K = \sum_t \gamma^t\,\mathbb E[x_t x_t^\top]` (6), or :math:`\Sigma_{K,\sigma}` (8).

    :math:`\Sigma_K` is the second moment of the unnormalised discounted state distribution :math:`\rho^\mu`
    of the DPG theorem; with action noise :math:`\sigma > 0` each step adds :math:`\sigma^2BB^\top` to
    :math:`\mathbb E[x_{t+1}x_{t+1}^\top]`.

    Parameters
    ----------
    A, B, K, gamma, Sigma0, sigma
        As in :func:`lqr_cost`.

    Returns
    -------
    numpy.ndarray
        Symmetric ``(n, n)``.

    Raises
    ------
    InfiniteCostError, ValueError
        As in :func:`lqr_cost` (``A``, ``B``, ``K``, ``Sigma0``, ``gamma``, ``sigma``).

    Examples
    --------
    >>> lqr_state_covariance([[1.0]], [[1.0]], [[0.5]], gamma=0.6)  # 1/(1 - 0.6·0.25)
    array([[1.17647059]])
    """
    Am = as_array(A, "A", ndim=2)
    if Am.shape[0] != Am.shape[1]:
        raise ValueError(f"A: expected a square matrix; got shape {Am.shape}")
    Bm = as_array(B, "B", ndim=2, shape=(Am.shape[0], None))
    g = _check_discount(gamma)
    s = _check_sigma(sigma, g)
    Km, S0 = _check_gain(K, Am.shape[0], Bm.shape[1]), _check_sigma0(Sigma0, Am.shape[0])
    M = S0 + g * s**2 / (1 - g) * Bm @ Bm.T if s > 0 else S0
    return _lyapunov(_closed_loop(Am, Bm, Km, g), M)  # (6), (8)


def dpg_gradient_lqr(A: ArrayLike, B: ArrayLike, Q: ArrayLike, R: ArrayLike, K: ArrayLike, *, gamma: float,
                     Sigma0: ArrayLike | None = None) -> NDArray[np.float64]:
    r""":math:`\nabla_K J` by the deterministic policy gradient theorem (5): :math:`\mathbb E_{\rho^\mu}[\nabla_K\mu\,\nabla_u Q_K]`.

    :math:`\nabla_u Q_K(x, \mu(x)) = 2(H_{ux} - H_{uu}K)x` from :func:`lqr_q_matrix`, :math:`\nabla_K\mu(x)`
    contributes :math:`-(\cdot)\,x^\top`, and the expectation over :math:`\rho^\mu` of :math:`xx^\top` is
    :math:`\Sigma_K` (6). Compare :func:`dpg_gradient_lqr_symbolic`, which differentiates :math:`J(K)`.

    Parameters
    ----------
    A, B, Q, R, K, gamma, Sigma0
        As in :func:`lqr_cost`.

    Returns
    -------
    numpy.ndarray
        :math:`\partial J/\partial K`, shape ``(m, n)``: the gradient of the **cost**; gradient descent is
        :math:`K \leftarrow K - \alpha\nabla_K J` (with reward :math:`-c`, ascend :math:`-\nabla_K J`).

    Raises
    ------
    InfiniteCostError, ValueError
        As in :func:`lqr_cost`.

    Examples
    --------
    >>> dpg_gradient_lqr([[1.0]], [[1.0]], [[1.0]], [[1.0]], [[0.5]], gamma=0.6)  # 40/289
    array([[0.1384083]])
    """
    Am, Bm, Qm, Rm = _check_system(A, B, Q, R)
    g = _check_discount(gamma)
    n = Am.shape[0]
    Km, S0 = _check_gain(K, n, Bm.shape[1]), _check_sigma0(Sigma0, n)
    L = _closed_loop(Am, Bm, Km, g)
    H = _h_blocks(Am, Bm, Qm, Rm, _lyapunov(L.T, Qm + Km.T @ Rm @ Km), g)  # (2), (3)
    Sigma = _lyapunov(L, S0)  # (6): E_{x∼ρ^μ}[x xᵀ]
    grad_u = 2 * (H[n:, :n] - H[n:, n:] @ Km)  # ∇_u Q_K(x, u)|_{u=-Kx} = grad_u @ x
    return -grad_u @ Sigma  # (5): ∇_K μ(x) = -(·) xᵀ, averaged over ρ^μ


def stochastic_gradient_lqr(A: ArrayLike, B: ArrayLike, Q: ArrayLike, R: ArrayLike, K: ArrayLike, *, gamma: float,
                            sigma: float, Sigma0: ArrayLike | None = None) -> NDArray[np.float64]:
    r""":math:`\nabla_K J_\sigma` of :math:`u \sim \mathcal N(-Kx, \sigma^2 I)` by the stochastic policy gradient theorem (8).

    The score is :math:`\nabla_K \ln\pi(u|x) = (u + Kx)\,x^\top/\sigma^2 \cdot (-1)`; for the quadratic
    :math:`Q^\pi = z^\top H_K z + \text{const}` the expectation over :math:`u` is exactly
    :math:`-\nabla_u Q_K(x, -Kx)\,x^\top` (Stein's lemma), and the state average is over
    :math:`\rho^\pi`, whose second moment :math:`\Sigma_{K,\sigma}` includes the noise.

    Parameters
    ----------
    A, B, Q, R, K, gamma, Sigma0
        As in :func:`lqr_cost`.
    sigma
        :math:`\sigma > 0`, with :math:`\gamma < 1`; ``0`` gives :func:`dpg_gradient_lqr`.

    Returns
    -------
    numpy.ndarray
        Shape ``(m, n)``.

    Raises
    ------
    InfiniteCostError, ValueError
        As in :func:`lqr_cost`.

    Examples
    --------
    >>> stochastic_gradient_lqr([[1.0]], [[1.0]], [[1.0]], [[1.0]], [[0.5]], gamma=0.6, sigma=1.0)  # (40 + 60)/289
    array([[0.34602076]])
    """
    Am, Bm, Qm, Rm = _check_system(A, B, Q, R)
    g = _check_discount(gamma)
    s = _check_sigma(sigma, g)
    n = Am.shape[0]
    Km, S0 = _check_gain(K, n, Bm.shape[1]), _check_sigma0(Sigma0, n)
    L = _closed_loop(Am, Bm, Km, g)
    H = _h_blocks(Am, Bm, Qm, Rm, _lyapunov(L.T, Qm + Km.T @ Rm @ Km), g)  # (3): Q^π = zᵀH_K z + const
    Sigma = _lyapunov(L, S0 + g * s**2 / (1 - g) * Bm @ Bm.T if s > 0 else S0)  # (8): E_{x∼ρ^π}[x xᵀ]
    score_times_q = 2 * (H[n:, :n] - H[n:, n:] @ Km)  # E_u[(u + Kx) Q^π(x, u)]/σ² = ∇_u Q_K(x, -Kx) (Stein)
    return -score_times_q @ Sigma  # (8)


# ----------------------------------------------------------------------------------------------------------------
# Derivations
# ----------------------------------------------------------------------------------------------------------------

def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the page renders: the DPG theorem on LQR, its integrand, the scalar Riccati
    equation, the Gaussian policy's extra cost, Stein's step and Theorem 2 on the scalar system.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven', 'proven', 'proven', 'proven']
    """
    return (_dpg_equals_derivative(), _dpg_integrand(), _scalar_riccati_quadratic(), _noise_cost(), _stein_step(),
            _theorem_two())


_POSITIVE = {"q", "r", "gamma", "Sigma_0", "sigma"}


def _sym(names: str) -> tuple[sp.Symbol, ...]:
    """The derivations' symbols, each with its one assumption: cost weights, discount and variances positive, the rest real."""
    return tuple(sp.Symbol(v, positive=True) if v in _POSITIVE else sp.Symbol(v, real=True) for v in names.split())


def _scalar_defs() -> tuple[dict[str, sp.Symbol], dict[sp.Symbol, sp.Expr], sp.Expr]:
    a, b, k, q, r, g, s0 = _sym("a b k q r gamma Sigma_0")
    P, S, hux, huu = sp.symbols("P_k Sigma_k h_ux h_uu", real=True)
    D = 1 - g * (a - b * k) ** 2
    Pk = (q + r * k**2) / D
    where = {P: Pk, S: s0 / D, hux: g * b * Pk * a, huu: r + g * b**2 * Pk}
    return {"P": P, "S": S, "hux": hux, "huu": huu}, where, D


_SCALAR_SYMBOLS = {
    "a, b": r"the scalar dynamics $x' = ax + bu$", "q, r": "the cost weights", "k": r"the gain, $\mu(x) = -kx$",
    r"\Sigma_0": r"$\mathbb E x_0^2$", "P_k": r"the value $V_k(x) = P_k x^2$, from (2)",
    r"\Sigma_k": r"$\sum_t\gamma^t\mathbb E x_t^2$, from (6)", r"h_{ux}, h_{uu}": r"the blocks of $H_k$ (3)",
}


def _dpg_equals_derivative() -> Derivation:
    a, b, k, q, r, g, s0 = _sym("a b k q r gamma Sigma_0")
    v, where, D = _scalar_defs()
    P, S, hux, huu = v["P"], v["S"], v["hux"], v["huu"]
    return Derivation(
        r"The DPG theorem on a scalar LQR: the derivative of $J(k) = P_k\Sigma_0$ is $2\bigl((r + \gamma b^2 P_k)k - \gamma b P_k a\bigr)\Sigma_k$",
        [
            Step(sp.Derivative(s0 * (q + r * k**2) / D, k), r"$J(k) = \Sigma_0 P_k$ with $P_k = (q + rk^2)/(1 - \gamma(a - bk)^2)$ from (2)"),
            Step(2 * s0 * (r * k * D - g * b * (a - b * k) * (q + r * k**2)) / D**2, "quotient rule"),
            Step(2 * (r * k - g * b * P * (a - b * k)) * S, r"name $P_k$ and $\Sigma_k = \Sigma_0/(1 - \gamma(a - bk)^2)$"),
            Step(2 * ((r + g * b**2 * P) * k - g * b * P * a) * S, r"collect $k$: the known result (Fazel et al. 2018, Lemma 1)"),
            Step(-2 * (hux - huu * k) * S, r"$h_{uu} = r + \gamma b^2 P_k$, $h_{ux} = \gamma b P_k a$: the DPG theorem (5)"),
        ],
        where=where, lhs_latex=r"\frac{dJ}{dk}", names={P: "P_k", S: r"\Sigma_k", hux: "h_{ux}", huu: "h_{uu}", s0: r"\Sigma_0"},
        symbols=_SCALAR_SYMBOLS,
        argument=(r"The gradient vanishes exactly where $k = \gamma b P_k a/(r + \gamma b^2 P_k)$, the Riccati gain (4); "
                  r"for matrices the same computation, with $\operatorname{tr}$ and the Lyapunov equations, gives (5)."),
    )


def _dpg_integrand() -> Derivation:
    k, x = _sym("k x")
    hux, huu = sp.symbols("h_ux h_uu", real=True)
    u = -k * x
    return Derivation(
        r"The integrand of the DPG theorem for $\mu(x) = -kx$: $\nabla_k\mu(x)\,\nabla_u Q(x, u)|_{u = \mu(x)}$",
        [
            Step((-x) * (2 * hux * x + 2 * huu * u), r"$\nabla_k\mu(x) = -x$; $Q_k(x, u) = h_{xx}x^2 + 2h_{ux}xu + h_{uu}u^2$ (3), "
                                                    r"so $\nabla_u Q = 2h_{ux}x + 2h_{uu}u$, at $u = -kx$"),
            Step(-2 * (hux - huu * k) * x**2, r"expand: a multiple of $x^2$, whose average over $\rho^\mu$ is $\Sigma_k$"),
        ],
        lhs_latex=r"\nabla_k\mu(x)\,\nabla_u Q_k(x, u)|_{u=\mu(x)}", names={hux: "h_{ux}", huu: "h_{uu}"},
        symbols={"x": "the state", r"h_{ux}, h_{uu}": r"the blocks of $H_k$ (3)"},
    )


def _scalar_riccati_quadratic() -> Derivation:
    a, b, q, r, g = _sym("a b q r gamma")
    P = sp.Symbol("P", positive=True)
    return Derivation(
        r"The scalar Riccati equation (4) is a quadratic in $P$",
        [
            Step(sp.Eq(P, q + g * a**2 * P - g**2 * a**2 * b**2 * P**2 / (r + g * b**2 * P)), r"(4) with $n = m = 1$"),
            Step(sp.Eq(P * (r + g * b**2 * P), (q + g * a**2 * P) * (r + g * b**2 * P) - g**2 * a**2 * b**2 * P**2),
                 r"multiply by $r + \gamma b^2 P > 0$", factor=r + g * b**2 * P),
            Step(sp.Eq(g * b**2 * P**2 + (r * (1 - g * a**2) - g * q * b**2) * P - q * r, 0),
                 r"expand: $\gamma^2 a^2 b^2 P^2$ cancels"),
        ],
        symbols={"P": r"$P^*$", "a, b": r"the scalar dynamics $x' = ax + bu$", "q, r": "the cost weights"},
        argument=(r"The product of the roots is $-qr/(\gamma b^2) \le 0$: one root is $\ge 0$, and it is $P^*$ "
                  r"$= \bigl(-c + \sqrt{c^2 + 4\gamma b^2 qr}\bigr)/(2\gamma b^2)$ with $c = r(1 - \gamma a^2) - \gamma q b^2$. "
                  r"With $a = b = q = r = \gamma = 1$: $P^2 - P - 1 = 0$, $P^* = (1 + \sqrt 5)/2$, the golden ratio."),
    )


def _noise_cost() -> Derivation:
    b, r, g, sg = _sym("b r gamma sigma")
    c, p = sp.symbols("c P_k", real=True)
    return Derivation(
        r"The Gaussian policy $u \sim \mathcal N(-kx, \sigma^2)$: $V_\sigma(x) = P_k x^2 + c$ with $c = \sigma^2(r + \gamma b^2 P_k)/(1 - \gamma)$",
        [
            Step(sp.Eq(c, sg**2 * r + g * (p * b**2 * sg**2 + c)),
                 r"the constant terms of the Bellman equation: $\mathbb E[ru^2] = rk^2x^2 + r\sigma^2$, "
                 r"$\mathbb E[P_k x'^2] = P_k(a - bk)^2x^2 + P_k b^2\sigma^2$; the $x^2$ terms are (2)"),
            Step(sp.Eq(c * (1 - g), sg**2 * (r + g * b**2 * p)), r"collect $c$"),
            Step(sp.Eq(c, sg**2 * (r + g * b**2 * p) / (1 - g)), r"divide by $1 - \gamma$", factor=1 / (1 - g)),
        ],
        assumptions=Assumptions.of(g < 1), names={p: "P_k"},
        symbols={"c": r"the cost the noise adds, the same in every state", "P_k": r"the value matrix (2) of $\mu(x) = -kx$"},
        argument=r"So $J_\sigma(k) = J(k) + \sigma^2(r + \gamma b^2 P_k)/(1 - \gamma)$, (7): the noise costs $\sigma^2 h_{uu}/(1-\gamma)$.",
    )


def _stein_step() -> Derivation:
    (sg,) = _sym("sigma")
    q0, gr, h, e1, e2, e3 = sp.symbols("Q_0 g h m_1 m_2 m_3", real=True)
    return Derivation(
        r"Stein's step: for a quadratic $Q$ the score-function average is the action gradient, $\mathbb E[\varepsilon Q(x, \mu + \sigma\varepsilon)]/\sigma = \nabla_u Q(x, \mu)$",
        [
            Step((e1 * q0 + sg * gr * e2 + sg**2 * h * e3) / sg,
                 r"$Q(x, \mu + \sigma\varepsilon) = Q_0 + \sigma g\varepsilon + \sigma^2 h\varepsilon^2$, times $\varepsilon$, averaged"),
            Step(gr, r"$\mathbb E\varepsilon = 0$, $\mathbb E\varepsilon^2 = 1$, $\mathbb E\varepsilon^3 = 0$ for $\varepsilon \sim \mathcal N(0, 1)$"),
        ],
        where={e1: 0, e2: 1, e3: 0}, lhs_latex=r"\frac{1}{\sigma}\mathbb E[\varepsilon\, Q(x, \mu(x) + \sigma\varepsilon)]",
        symbols={"Q_0, g, h": r"$Q(x, \mu(x))$, $\nabla_u Q(x, \mu(x))$, $h_{uu}$", "m_j": r"$\mathbb E\varepsilon^j$"},
        argument=(r"With $\nabla_k \ln\pi(u|x) = -(u + kx)x/\sigma^2 = -\varepsilon x/\sigma$, the inner average of the stochastic "
                  r"theorem is $-x\,\nabla_u Q(x, -kx)$, the deterministic integrand: only the state distribution differs."),
    )


def _theorem_two() -> Derivation:
    a, b, k, q, r, g, s0, sg = _sym("a b k q r gamma Sigma_0 sigma")
    v, where, D = _scalar_defs()
    P, hux, huu = v["P"], v["hux"], v["huu"]
    Ss = sp.Symbol("Sigma_sigma", positive=True)
    where = {**where, Ss: (s0 + g * sg**2 * b**2 / (1 - g)) / D}
    Jsig = s0 * (q + r * k**2) / D + sg**2 * (r + g * b**2 * (q + r * k**2) / D) / (1 - g)
    return Derivation(
        r"Theorem 2 on a scalar LQR: differentiating $J_\sigma$ gives the stochastic theorem (8), which tends to (5) as $\sigma \to 0$",
        [
            Step(sp.Derivative(Jsig, k), r"$J_\sigma(k) = \Sigma_0 P_k + \sigma^2(r + \gamma b^2 P_k)/(1 - \gamma)$, (7)"),
            Step(2 * (r * k - g * b * P * (a - b * k)) * (s0 + g * sg**2 * b**2 / (1 - g)) / D,
                 r"$dP_k/dk = 2(rk - \gamma b P_k(a - bk))/(1 - \gamma(a - bk)^2)$, from the first derivation with $\Sigma_0 = 1$"),
            Step(-2 * (hux - huu * k) * Ss, r"$\Sigma_{k,\sigma} = (\Sigma_0 + \gamma\sigma^2 b^2/(1 - \gamma))/(1 - \gamma(a - bk)^2)$, (8)"),
        ],
        where=where, assumptions=Assumptions.of(g < 1), lhs_latex=r"\frac{dJ_\sigma}{dk}",
        names={P: "P_k", hux: "h_{ux}", huu: "h_{uu}", s0: r"\Sigma_0", Ss: r"\Sigma_{k,\sigma}"},
        symbols={**_SCALAR_SYMBOLS, r"\Sigma_{k,\sigma}": r"$\sum_t\gamma^t\mathbb E x_t^2$ under the noisy policy"},
        argument=(r"$\Sigma_{k,\sigma} - \Sigma_k = \gamma\sigma^2 b^2/((1 - \gamma)(1 - \gamma(a - bk)^2))$ is exactly quadratic "
                  r"in $\sigma$, so $\nabla J_\sigma = \nabla J + O(\sigma^2)$ and the limit $\sigma \to 0$ is the DPG (5)."),
    )


# ----------------------------------------------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------------------------------------------

def _inputs() -> Any:
    from hypothesis import strategies as st

    from ..testing import rationals

    def build(n: int, m: int, entries: list[sp.Rational], q: list[int], r: int, g: sp.Rational) -> dict[str, Any]:
        A = sp.Matrix(n, n, entries[: n * n])
        B = sp.Matrix(n, m, entries[n * n: n * n + n * m])
        K = sp.Matrix(m, n, entries[n * n + n * m: n * n + 2 * n * m])
        rho = max(abs(complex(e)) for e in np.linalg.eigvals(np.array((A - B * K).tolist(), dtype=float))) * float(g) ** 0.5
        c = sp.Rational(1, int(np.ceil(rho / 0.8))) if rho >= 0.8 else 1  # scale A and K: the closed loop scales by c
        return {"A": A * c, "B": B, "Q": sp.diag(*q[:n]), "R": r * sp.eye(m), "K": K * c, "gamma": g}

    def shaped(nm: tuple[int, int]) -> Any:
        n, m = nm
        size = n * n + 2 * n * m
        return st.builds(build, st.just(n), st.just(m), st.lists(rationals(-2, 2, 4), min_size=size, max_size=size),
                         st.lists(st.integers(0, 3), min_size=n, max_size=n), st.integers(1, 3),
                         st.sampled_from([sp.Rational(1, 2), sp.Rational(9, 10), sp.Integer(1)]))

    return st.sampled_from([(1, 1), (2, 1), (2, 2)]).flatmap(shaped)


def _symbolic(example: dict[str, Any]) -> list[float]:
    return [float(v) for v in dpg_gradient_lqr_symbolic(**example)]


def _numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    A, B, Q, R, K = (np.array(example[k].tolist(), dtype=float) for k in "ABQRK")
    return dpg_gradient_lqr(A, B, Q, R, K, gamma=float(example["gamma"])).ravel()


CONCEPTS = (
    Concept(
        name="dpg-lqr",
        area="rl",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-8, atol=1e-8, why="two Lyapunov solves (Bartels–Stewart) with √γ(A − BK) of spectral radius "
                            "below 0.8: condition ≤ 1/(1 − 0.64) per solve, entries ≤ 2, gradients up to ~1e3 in size"),
        references=REFERENCES,
        page="rl/dpg-lqr.md",
    ),
)

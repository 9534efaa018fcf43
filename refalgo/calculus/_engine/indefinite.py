r"""The fast path for a nonsingular indefinite quadratic: inertia and point from LDLᵀ factorizations.

:mod:`.definite` certifies a definite :math:`\pm S` by Cholesky. Any other nonsingular
:math:`S` would go to ``eigh`` (about :math:`9n^3` flops and, for small :math:`n`, several
NumPy calls). Sylvester's law of inertia gives the classification without eigenvalues: if
:math:`B = X D X^\top` with :math:`X` invertible and :math:`D` block diagonal, :math:`B` and
:math:`D` have the same numbers of positive, negative and zero eigenvalues. LAPACK's
Bunch–Kaufman ``dsytrf`` computes such an :math:`X` (a permuted unit lower triangular
matrix) and :math:`D` (1×1 and 2×2 blocks) in :math:`n^3/3` flops, and the inertia of
:math:`D` is read off block by block: the sign of a 1×1 block, and for a 2×2 block
:math:`\begin{pmatrix} a & b\\ b & c\end{pmatrix}` one eigenvalue of each sign when
:math:`ac - b^2 < 0`, else two of the sign of :math:`a`.

:func:`indefinite_point` makes this a certificate, in the manner of the Cholesky path:

1. **Two shifted factorizations.** With :math:`m = \max_{ij}|s_{ij}|`,
   :math:`t = 2n^2\varepsilon m` (at least twice the ``eigh`` twin's rank tolerance
   :math:`n\varepsilon\lVert S\rVert_2`, since :math:`\lVert S\rVert_2 \le nm`) and
   :math:`\delta = 16t`, factor :math:`B_\pm = \operatorname{fl}(S \mp \delta I)`.
2. **A rigorous residual bound.** The computed factors are the exact factors of
   :math:`S \mp \delta I + E_\pm`. :math:`E_\pm = X D X^\top - S \pm \delta I` is computed in
   floating point (one matrix product) with its rounding bounded (Higham, *Accuracy and Stability*, §3.5:
   :math:`|\operatorname{fl}(Y X^\top) - Y X^\top| \le \gamma_n |Y||X^\top|`), giving
   :math:`e_\pm \ge \lVert E_\pm\rVert_F \ge \lVert E_\pm\rVert_2`; an unpacking or
   factorization gone wrong shows up here as a large :math:`e_\pm`, never as a wrong answer.
3. **The certificate.** By Weyl's inequality the inertia of :math:`B_+ + E_+` counts
   :math:`n_+ \le \#\{\lambda_i(S) > \delta - e_+\}` and that of :math:`B_- + E_-` counts
   :math:`n_- \le \#\{\lambda_i(S) < -(\delta - e_-)\}`. When :math:`e_\pm \le \delta - t` and
   :math:`n_+ + n_- = n`, the two sets are disjoint and cover every eigenvalue: no eigenvalue
   of :math:`S` lies in :math:`[-t, t]`, and the inertia of :math:`S` is
   :math:`(n_+, n_-, 0)` — the one the ``eigh`` twin reports, whose eigenvalues are within a
   few :math:`\varepsilon\lVert S\rVert_2` of the exact ones.
4. **Solve.** ``dsysv`` (a third Bunch–Kaufman factorization, of :math:`S` itself, and its
   solve) gives :math:`x^* = -\tfrac12 S^{-1} b`.

An uncertain sign of a 2×2 block's determinant, a zero pivot, a residual bound above
:math:`\delta - t` (a matrix within :math:`\approx 16t` of singular, or factors with large
growth), or a NaN or inf anywhere returns ``None``, and the caller runs ``eigh``. The
unpacking of LAPACK's factors and the residual bound (:func:`_unpack`, :func:`_bound`) are numba kernels; without numba (the
``fast`` extra) :func:`indefinite_point` returns ``None``. Used for :math:`n \le` :data:`MAX_N`;
above it three factorizations and the residual's products approach ``eigh``'s cost.

References: J. R. Bunch and L. Kaufman, "Some stable methods for calculating inertia and
solving symmetric linear systems", *Math. Comp.* 31 (1977), 163–179; N. J. Higham,
*Accuracy and Stability of Numerical Algorithms*, 2nd ed., 2002, §3.5 and §11.1; LAPACK's
``dsytrf`` documentation for the storage of :math:`X` and :math:`D`.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.linalg.lapack import dsysv, dsytrf

__all__ = ["MAX_N", "indefinite_point", "symmetric_part"]

MAX_N = 64
_EPS = float(np.finfo(np.float64).eps)
_U = _EPS / 2


def _gamma(k: int) -> float:
    """Higham's :math:`\\gamma_k = ku/(1 - ku)`."""
    return k * _U / (1 - k * _U)


# by n: the residual's rounding factor γ_{n+3}/(1 − γ_{n+2}) and the norms' γ_{n²+2}
_GAMMA_R = [_gamma(n + 3) / (1 - _gamma(n + 2)) for n in range(MAX_N + 1)]
_GAMMA_NORM = [_gamma(n * n + 2) for n in range(MAX_N + 1)]


@cache
def _kernel() -> Any:
    """The compiled :func:`_shifted`, :func:`_unpack` and :func:`_bound`, or ``None`` without numba."""
    try:
        import numba
    except ImportError:  # pragma: no cover - the fast extra is installed in CI
        return None
    return numba.njit(cache=True)(_shifted), numba.njit(cache=True)(_unpack), numba.njit(cache=True)(_bound)


def _shifted(M: Any) -> tuple[Any, float, bool, float, Any, Any]:
    r"""``(S, m, one_sign, δ, B₊, B₋)`` for a square float64 ``M``.

    :math:`S = M/2 + M^\top/2` element by element as NumPy computes it (halves first),
    :math:`m = \max_{ij}|s_{ij}|` (NaN or inf when ``M`` holds one), ``one_sign``: whether the
    diagonal of :math:`S` is all positive or all negative (as a definite :math:`\pm S`'s is),
    :math:`\delta = 32n^2\varepsilon m` and :math:`B_\pm = \operatorname{fl}(S \mp \delta I)` in
    Fortran order (what ``dsytrf`` overwrites without a copy).
    """
    n = M.shape[0]
    S = np.empty((n, n))
    m = 0.0
    for i in range(n):
        for j in range(n):
            s = M[i, j] / 2 + M[j, i] / 2
            S[i, j] = s
            a = abs(s)
            if math.isnan(a) or a > m:  # a NaN, once met, stays: no later a > NaN
                m = a
    first = S[0, 0]
    one_sign = first != 0
    for i in range(n):
        one_sign = one_sign and (S[i, i] > 0) == (first > 0) and S[i, i] != 0
    delta = 32.0 * n * n * 2.220446049250313e-16 * m
    plus = np.empty((n, n)).T  # Fortran order
    minus = np.empty((n, n)).T
    for j in range(n):
        for i in range(n):
            plus[i, j] = S[i, j]
            minus[i, j] = S[i, j]
        plus[j, j] = S[j, j] - delta
        minus[j, j] = S[j, j] + delta
    return S, m, one_sign, delta, plus, minus


def symmetric_part(M: NDArray[np.float64]) -> tuple[NDArray[np.float64], bool, Any] | None:
    r"""``(S, one_sign, prepared)`` by one compiled pass over a square float64 ``M``, or ``None`` without numba.

    ``S`` is :math:`M/2 + M^\top/2` to the bit, ``one_sign`` whether its diagonal has one sign
    (else :math:`\pm S` cannot be definite), ``prepared`` what :func:`indefinite_point` takes.
    """
    kernels = _kernel()
    if kernels is None:
        return None
    S, m, one_sign, delta, plus, minus = kernels[0](M)
    return S, bool(one_sign), (S, m, delta, plus, minus)


def _unpack(ldu_plus: Any, ipiv_plus: Any, ldu_minus: Any, ipiv_minus: Any) -> tuple[Any, Any, int, int, Any, bool]:
    r"""``((XD)ᵀ, Xᵀ, n₊ of B₊, n₋ of B₋, spread, certain)`` from the ``dsytrf(B±, lower=1)`` outputs.

    For each side (index 0: :math:`B_+`, 1: :math:`B_-`) unpacks :math:`B = X D X^\top`: LAPACK
    stores :math:`X = P_1 L_1 P_2 L_2 \cdots`, and the columns of :math:`X` beyond step
    :math:`k` are still permuted unit vectors :math:`e_{\pi_j}`, so :math:`X L_k` only scatters
    :math:`L_k`'s column below the block into rows :math:`\pi`. ``(XD)ᵀ[s]`` is :math:`(XD)^\top`, ``Xᵀ[s]``
    is :math:`X^\top`; the inertia of :math:`D` is read block by block; ``spread[s]`` is
    :math:`\lVert |X||D|\rVert_F \lVert X\rVert_F \ge \lVert |X||D||X^\top|\rVert_F`, which
    bounds the rounding of the product :math:`(XD)X^\top`. ``certain`` is false on a zero pivot
    or a 2×2 block whose determinant's sign is within its rounding.
    """
    n = ldu_plus.shape[0]
    YT = np.zeros((2, n, n))  # (XD)ᵀ, written row by row
    XT = np.zeros((2, n, n))
    spread = np.zeros(2)
    positive_plus = 0
    negative_minus = 0
    for side in range(2):
        ldu = ldu_plus if side == 0 else ldu_minus
        ipiv = ipiv_plus if side == 0 else ipiv_minus
        pi = np.arange(n)
        positive = 0
        negative = 0
        ya2 = 0.0
        k = 0
        while k < n:
            if ipiv[k] > 0:  # 1×1 block; rows and columns k and ipiv[k] − 1 interchanged
                kp = ipiv[k] - 1
                pi[k], pi[kp] = pi[kp], pi[k]
                XT[side, k, pi[k]] = 1.0
                for i in range(k + 1, n):
                    XT[side, k, pi[i]] = ldu[i, k]
                d = ldu[k, k]
                if d > 0:
                    positive += 1
                elif d < 0:
                    negative += 1
                else:
                    return YT, XT, 0, 0, spread, False
                for i in range(n):
                    y = XT[side, k, i] * d
                    YT[side, k, i] = y
                    ya2 += y * y
                k += 1
            else:  # 2×2 block; rows and columns k + 1 and −ipiv[k] − 1 interchanged
                if k + 1 >= n:
                    return YT, XT, 0, 0, spread, False
                kp = -ipiv[k] - 1
                pi[k + 1], pi[kp] = pi[kp], pi[k + 1]
                XT[side, k, pi[k]] = 1.0
                XT[side, k + 1, pi[k + 1]] = 1.0
                for i in range(k + 2, n):
                    XT[side, k, pi[i]] = ldu[i, k]
                    XT[side, k + 1, pi[i]] = ldu[i, k + 1]
                a = ldu[k, k]
                b = ldu[k + 1, k]
                c = ldu[k + 1, k + 1]
                ac = a * c
                bb = b * b
                det = ac - bb
                # |fl(ac − b²) − (ac − b²)| ≤ γ₂(|ac| + b²): decide the sign only outside that margin
                if abs(det) <= 4.5e-16 * (abs(ac) + bb):
                    return YT, XT, 0, 0, spread, False
                if det < 0:
                    positive += 1
                    negative += 1
                elif a > 0:
                    positive += 2
                else:
                    negative += 2
                for i in range(n):
                    x0 = XT[side, k, i]
                    x1 = XT[side, k + 1, i]
                    YT[side, k, i] = x0 * a + x1 * b
                    YT[side, k + 1, i] = x0 * b + x1 * c
                    y0 = abs(x0) * abs(a) + abs(x1) * abs(b)  # |X||D|, rounded up by at most γ₂ (in γ_r)
                    y1 = abs(x0) * abs(b) + abs(x1) * abs(c)
                    ya2 += y0 * y0 + y1 * y1
                k += 2
        xa2 = 0.0
        for i in range(n):
            for j in range(n):
                xa2 += XT[side, i, j] * XT[side, i, j]
        spread[side] = np.sqrt(ya2) * np.sqrt(xa2)
        if side == 0:
            positive_plus = positive
        else:
            negative_minus = negative
    return YT, XT, positive_plus, negative_minus, spread, True


def _bound(S: Any, R: Any, delta: float, spread: Any, gamma_r: float, gamma_norm: float) -> float:
    r"""The larger of the two bounds :math:`e_\pm \ge \lVert X D X^\top - B_\pm\rVert_2`, ``R[s]`` = fl((XD)Xᵀ).

    :math:`e = ((1 + u)\lVert \operatorname{fl}(\tilde P - B)\rVert_F + \gamma_r\,\text{spread})(1 + \gamma_{\text{norm}})`:
    the product's rounding is at most :math:`\gamma_{n+3}|X||D||X^\top|` entrywise (Higham §3.5),
    the subtraction's :math:`u` relative, the Frobenius norms' :math:`\gamma_{n^2+2}`.
    """
    n = S.shape[0]
    worst = 0.0
    for side in range(2):
        shift = delta if side == 0 else -delta
        r2 = 0.0
        for i in range(n):
            for j in range(n):
                bij = S[i, j] - shift if i == j else S[i, j]
                r = R[side, i, j] - bij
                r2 += r * r
        e = ((1 + 1.1102230246251565e-16) * np.sqrt(r2) + gamma_r * spread[side]) * (1 + gamma_norm)
        worst = max(worst, e)
    return worst


def indefinite_point(S: NDArray[np.float64], b: NDArray[np.float64], prepared: Any = None) -> tuple[int, int, NDArray[np.float64]] | None:
    r"""``(n₊, n₋, x*)`` when the inertia of ``S`` is certified as :math:`(n_+, n_-, 0)`, else ``None``.

    ``S`` is symmetric ``(n, n)`` float64 with :math:`n \le` :data:`MAX_N`, ``b`` shape
    ``(n,)``; neither is validated here. ``prepared``: the third item of :func:`symmetric_part`
    for this ``S``, if at hand. See the module's notes for the certificate.

    Examples
    --------
    >>> p, q, x = indefinite_point(np.array([[1.0, 0.0], [0.0, -1.0]]), np.array([-2.0, 4.0]))
    >>> (p, q), x.tolist()
    ((1, 1), [1.0, 2.0])
    """
    n = S.shape[0]
    kernels = _kernel()
    if n > MAX_N or kernels is None:
        return None
    _, unpack, bound = kernels
    if prepared is None:
        symmetric, m, _, delta, plus, minus = kernels[0](S)  # S/2 + Sᵀ/2 is S, to the bit, for a symmetric S
        prepared = (symmetric, m, delta, plus, minus)
    S, m, delta, plus, minus = prepared
    if not math.isfinite(m) or m == 0.0:
        return None
    t = delta / 16  # 2n²εm
    ldu_plus, ipiv_plus, info_plus = dsytrf(plus, lower=1, overwrite_a=1)
    ldu_minus, ipiv_minus, info_minus = dsytrf(minus, lower=1, overwrite_a=1)
    if info_plus != 0 or info_minus != 0:
        return None
    YT, XT, positive, negative, spread, certain = unpack(ldu_plus, ipiv_plus, ldu_minus, ipiv_minus)
    if not certain or positive + negative != n:
        return None
    e = bound(S, YT.transpose(0, 2, 1) @ XT, delta, spread, _GAMMA_R[n], _GAMMA_NORM[n])  # one batched product: (XD)Xᵀ for B₊ and B₋
    # B± = fl(S ∓ δI): the rounding of the diagonal, at most u(m + δ), joins the residual bound
    if e + _U * (m + delta) * (1 + _EPS) > delta - t:
        return None
    _, _, x, info = dsysv(S, (b / -2).reshape(n, 1), lower=1)
    if info != 0:
        return None
    return positive, negative, x[:, 0]

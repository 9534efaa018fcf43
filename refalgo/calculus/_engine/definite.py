r"""The fast path of the numeric quadratic twin: a definite matrix certified and solved by Cholesky.

:func:`refalgo.calculus.quadratic_extremum` classifies :math:`S = (A + A^\top)/2` from one
``eigh`` (eigenvalues and eigenvectors: :math:`\approx 9n^3` flops and, for small
:math:`n`, mostly NumPy's per-call overhead). Most quadratics met in practice are definite,
and for those the answer needs no eigenvectors: the inertia is :math:`(n, 0, 0)` or
:math:`(0, n, 0)`, the null space is empty, and the point solves :math:`2Sx = -b`.

:func:`definite_point` factors :math:`\pm S` twice with LAPACK's ``dpotrf`` called directly
(:math:`n^3/3` flops each):

1. **Certificate.** The Cholesky factorization of :math:`B = \pm S - \delta I` with
   :math:`\delta = \bigl(2n\varepsilon + \frac{\gamma_{n+1}}{1 - \gamma_{n+1}}\bigr)\, n\max_{ij}|s_{ij}|`
   (:math:`n\max_{ij}|s_{ij}|` bounds both :math:`\lVert S\rVert_2` and :math:`\operatorname{tr}(\pm S)`),
   :math:`\gamma_k = k u/(1 - ku)`, :math:`u = \varepsilon/2`. When it runs to completion in
   floating point, the computed factor is the exact factor of :math:`B + \Delta B` with
   :math:`\lVert\Delta B\rVert_2 \le \frac{\gamma_{n+1}}{1 - \gamma_{n+1}}\operatorname{tr}(B)` (Demmel's bound, as used by
   Rump 2006 to verify positive definiteness), so
   :math:`\lambda_{\min}(\pm S) \ge 2n^2\varepsilon\max_{ij}|s_{ij}| \ge 2n\varepsilon\lVert S\rVert_2`:
   at least twice the rank tolerance of the ``eigh`` twin, which therefore reports the same
   definiteness (its eigenvalues are within a few :math:`\varepsilon\lVert S\rVert_2` of the exact ones).
2. **Solve.** The factor of :math:`\pm S` itself and ``dpotrs`` give
   :math:`x^* = -\tfrac12 S^{-1} b`.

Anything else — a zero or negative pivot, a matrix too close to singular for the margin,
a NaN or inf (which makes :math:`\delta` non-finite) — returns ``None``, and the caller
runs ``eigh`` after its input checks. :func:`plain_inputs` lets plain float64 arrays skip
those checks on the way in: the caller accepts the fast result only when :math:`\delta` and
the value :math:`f(x^*)` are finite, which a NaN or inf anywhere in ``A``, ``b`` or ``c`` prevents. The two paths give the same kind and
definiteness; their points differ by rounding, at most about
:math:`\kappa(S)\,n\,\varepsilon\,\lVert x^*\rVert` (the tests hold them together).

References: J. W. Demmel, "On floating point errors in Cholesky", LAPACK Working Note 14,
1989; S. M. Rump, "Verification of positive definiteness", *BIT* 46 (2006), 433–452.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.linalg.lapack import dpotrf, dpotrs

__all__ = ["definite_point", "plain_inputs"]

_EPS = float(np.finfo(np.float64).eps)


def plain_inputs(A: Any, b: Any, c: Any) -> tuple[NDArray[np.float64], NDArray[np.float64], float] | None:
    """``(A, b, c)`` when they are already a square float64 array, a matching float64 vector and a real number, else ``None``.

    Nothing else is checked (the values may be NaN or inf); see the module's notes.
    """
    if type(A) is not np.ndarray or type(b) is not np.ndarray or A.dtype != np.float64 or b.dtype != np.float64:
        return None
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0 or b.shape != (A.shape[0],):
        return None
    if type(c) not in (float, int, np.float64):
        return None
    return A, b, float(c)


def definite_point(S: NDArray[np.float64], b: NDArray[np.float64]) -> tuple[int, NDArray[np.float64]] | None:
    r"""``(sign, x*)`` when :math:`\pm S` is certified definite (``sign`` ±1), else ``None``.

    ``S`` is symmetric ``(n, n)`` float64 and ``b`` shape ``(n,)``; neither is validated here.

    Examples
    --------
    >>> definite_point(np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([-4.0, 2.0]))
    (1, array([ 1., -1.]))
    >>> definite_point(np.array([[1.0, 0.0], [0.0, -1.0]]), np.array([0.0, 0.0])) is None  # indefinite
    True
    """
    n = S.shape[0]
    sign = 1 if S[0, 0] > 0 else -1 if S[0, 0] < 0 else 0
    if sign == 0:
        return None
    M = S if sign == 1 else -S
    u = _EPS / 2
    gamma = (n + 1) * u / (1 - (n + 1) * u)
    # n max|s_ij| bounds both ||S||_2 and tr(±S): one reduction, which NaN and inf make non-finite
    delta = (2 * n * _EPS + gamma / (1 - gamma)) * n * float(np.abs(S).max())
    if not math.isfinite(delta):
        return None
    shifted = M.copy(order="F")
    shifted.flat[:: n + 1] -= delta  # B = ±S − δI
    _, info = dpotrf(shifted, lower=0, clean=0, overwrite_a=1)
    if info != 0:
        return None
    factor, info = dpotrf(M, lower=0, clean=0)
    if info != 0:
        return None
    x, info = dpotrs(factor, b / (-2 * sign), lower=0)  # (±S) x = ∓b/2
    return (sign, x) if info == 0 else None

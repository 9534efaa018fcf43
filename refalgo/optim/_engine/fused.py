r"""Compiled kernels for the in-place Adam/AdamW step: the whole update in one pass over memory.

This module imports numba (the ``fast`` extra); :mod:`refalgo.optim._engine.inplace` imports it
only when the numba backend is chosen, so ``import refalgo`` never does.

:func:`adam_kernel` (and :func:`amsgrad_kernel`) walks the flattened arrays once, in
blocks shared among numba's threads (``prange``), and finishes each element while
its :math:`\theta, g, m, v` are in registers: every array is read once and written
once, the 28 bytes per float32 parameter that the update must move. The loop body
is the chunked NumPy path's sequence of operations, element by element and in the
same order (a maximized gradient is multiplied by −1 and AdamW's absent L2 term is
:math:`0\cdot\theta`, both exact); without ``fastmath`` (IEEE arithmetic: no
reassociation, no fused multiply-add) the two backends give the same numbers.

Every scalar arrives in the arrays' dtype: a float64 constant inside a float32 loop
would promote each element to float64 and the loop would no longer vectorize.
``cache=True`` keeps the machine code on disk, so each dtype is compiled once per
machine.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

__all__ = ["adam_kernel", "amsgrad_kernel", "serial_kernel", "all_finite", "all_finite_serial"]

BLOCK = 2048  # elements per block shared among threads


@numba.njit(inline="always")
def _moments(i: int, p: NDArray[Any], g: NDArray[Any], m: NDArray[Any], v: NDArray[Any],
             c: tuple[Any, ...]) -> tuple[Any, Any, Any]:
    r"""Decay, gradient and both moments of element ``i``; stores :math:`m, v` and returns (decayed θ, m, v).

    ``c`` holds the sign of the gradient (−1 with ``maximize``), :math:`1-\beta_1, \beta_2,
    1-\beta_2`, Adam's L2 coefficient λ (0 for AdamW), AdamW's decay factor ``keep``
    (:math:`1-\alpha\lambda` or :math:`1-\eta_t\lambda`; 1 for Adam) and the efficient
    form's :math:`\alpha_t, \hat\epsilon`, all in the arrays' dtype.
    """
    sign, one_minus_beta1, beta2, one_minus_beta2, l2, keep, _, _ = c
    gi = sign * g[i] + l2 * p[i]  # g ← ±g + λθ
    mi = m[i] + one_minus_beta1 * (gi - m[i])  # m ← m + (1 − β₁)(g − m)
    vi = v[i] * beta2 + gi * gi * one_minus_beta2  # v ← β₂v + (1 − β₂)g²
    m[i] = mi
    v[i] = vi
    return p[i] * keep, mi, vi  # θ ← (1 − αλ)θ


@numba.njit(inline="always")
def _update(i: int, p: NDArray[Any], theta: Any, mi: Any, vi: Any, c: tuple[Any, ...]) -> Any:
    r"""Store :math:`\theta - \alpha_t m/(\sqrt{v} + \hat\epsilon)` in ``p[i]`` and return it; ``vi`` is :math:`v_t`, or its running maximum (AMSGrad)."""
    alpha_t, eps_hat = c[6], c[7]
    theta = theta - alpha_t * (mi / (np.sqrt(vi) + eps_hat))  # θ ← θ − α_t m / (√v + ε̂)
    p[i] = theta
    return theta


@numba.njit(inline="always", error_model="numpy")
def _finite(x: NDArray[Any]) -> bool:
    """Whether every entry of ``x`` is finite (a logical and, which vectorizes at full width)."""
    finite = True
    for i in range(x.size):
        finite = finite & np.isfinite(x[i])
    return finite


@numba.njit(inline="always", error_model="numpy")
def _step_block(p: NDArray[Any], g: NDArray[Any], m: NDArray[Any], v: NDArray[Any], vmax: NDArray[Any],
                c: tuple[Any, ...], amsgrad: bool) -> bool:
    """Update a block of elements in place; returns whether all its new θ and v are finite.

    A plain loop (not ``prange``) over a block: its logical-and reduction leaves the loop
    vectorized at the full SIMD width, where a count across threads would halve it.
    """
    finite = True
    for i in range(p.size):
        theta, mi, vi = _moments(i, p, g, m, v, c)
        if amsgrad:
            vmax[i] = max(vmax[i], vi)  # v_max ← max(v_max, v)
        theta = _update(i, p, theta, mi, vmax[i] if amsgrad else vi, c)
        finite = finite & np.isfinite(theta) & np.isfinite(vi)
    return finite


@numba.njit(parallel=True, cache=True)
def adam_kernel(p: NDArray[Any], g: NDArray[Any], m: NDArray[Any], v: NDArray[Any], c: tuple[Any, ...]) -> bool:
    """One step on flat arrays in place, blocks of elements shared among threads; whether the results are finite."""
    bad = 0
    for b in numba.prange((p.size + BLOCK - 1) // BLOCK):
        s, e = b * BLOCK, min(b * BLOCK + BLOCK, p.size)
        bad += not _step_block(p[s:e], g[s:e], m[s:e], v[s:e], v[s:e], c, False)  # no AMSGrad: vmax is not touched
    return bad == 0


@numba.njit(parallel=True, cache=True)
def amsgrad_kernel(p: NDArray[Any], g: NDArray[Any], m: NDArray[Any], v: NDArray[Any], vmax: NDArray[Any],
                   c: tuple[Any, ...]) -> bool:
    """:func:`adam_kernel` dividing by the running maximum ``vmax`` of :math:`v_t` (AMSGrad)."""
    bad = 0
    for b in numba.prange((p.size + BLOCK - 1) // BLOCK):
        s, e = b * BLOCK, min(b * BLOCK + BLOCK, p.size)
        bad += not _step_block(p[s:e], g[s:e], m[s:e], v[s:e], vmax[s:e], c, True)
    return bad == 0


@numba.njit(cache=True, error_model="numpy")
def serial_kernel(p: NDArray[Any], g: NDArray[Any], m: NDArray[Any], v: NDArray[Any], vmax: NDArray[Any],
                  c: tuple[Any, ...], amsgrad: bool) -> bool:
    """:func:`adam_kernel` or :func:`amsgrad_kernel` on the calling thread, for arrays too small to repay waking the others."""
    return _step_block(p, g, m, v, vmax, c, amsgrad)


@numba.njit(parallel=True, cache=True)
def all_finite(x: NDArray[Any]) -> bool:
    """Whether every entry of the flat array ``x`` is finite, blocks shared among threads."""
    bad = 0
    for b in numba.prange((x.size + BLOCK - 1) // BLOCK):
        bad += not _finite(x[b * BLOCK : min(b * BLOCK + BLOCK, x.size)])
    return bad == 0


@numba.njit(cache=True, error_model="numpy")
def all_finite_serial(x: NDArray[Any]) -> bool:
    """:func:`all_finite` on the calling thread."""
    return _finite(x)

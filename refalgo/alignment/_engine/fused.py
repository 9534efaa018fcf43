r"""Compiled DPO kernels: the losses, rewards or gradients of a block of pairs in one pass over memory.

This module imports numba (the ``fast`` extra); :mod:`refalgo.alignment._engine.batched`
imports it only when the compiled path is chosen, so ``import refalgo`` never does.

The readable twins (:func:`refalgo.alignment.dpo_loss`, :func:`~refalgo.alignment.dpo_gradients`)
run a chain of NumPy ufuncs: each pass reads and writes whole arrays, and the inputs are read
again by the checks (finite, ≤ 0). Here each pair is finished while its four log-probabilities
are in registers, the checks folded into the same loop. Every kernel releases the GIL
(``nogil``), so :mod:`.batched` can hand blocks of pairs to several threads.

The loop bodies are the readable twin's operations, element by element and in the same order,
in the inputs' dtype (every scalar arrives in that dtype, as NumPy casts a Python float
against a float32 array), compiled without ``fastmath``: no reassociation, no fused
multiply-add. Only the transcendental functions can differ:

* **float64** — :func:`pairs_kernel` and :func:`gradients_kernel` call the C library's ``exp``
  and ``log1p``, which NumPy's float64 loops also call on a CPU without AVX-512, and
  :math:`\sigma(x) = 1/(1 + e^{-x})` as SciPy's ``expit`` computes it: the results are the
  readable twin's to the last bit. With AVX-512 NumPy uses its own vectorized ``exp`` and
  ``log``; the rewards and gradients are still the same, the losses within 2 ULP of
  :math:`\max(|\text{loss}|, |\beta h|, \log 2)`.
* **float32** — the C library's scalar ``log1pf`` (which NumPy's float32 ``log1p`` calls)
  costs more than all the rest of the loss. So the float32 loss is split around NumPy's
  vectorized ``exp``: :func:`margins_kernel` writes :math:`-|\beta h|`, NumPy exponentiates it
  in place (the very values the readable twin gets), and :func:`softplus_kernel` finishes
  with :func:`log1p_double`, a branch-free series in float64 that the compiler vectorizes,
  rounded once to float32. Over all 1,065,353,216 float32 values in (0, 1] it differs from
  glibc 2.36's ``log1pf`` by at most 1 unit in the last place (ULP), on 2,442,467 of them
  (0.23 %; ``python -m benchmarks alignment --log1p-sweep`` repeats the sweep); the float32 gradient takes
  :math:`e^{\beta h}` from NumPy's ``exp`` too and forms :math:`1/(1 + e^{\beta h})` in
  float64. The tests state and hold the resulting bounds.

Each kernel returns whether every input was finite and ≤ 0; when one was not, the caller
discards the outputs and lets the readable twin raise the error that names the argument.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

__all__ = ["IPO", "ROBUST", "SIGMOID", "gradient_margins_kernel", "gradients_from_exp", "gradients_kernel", "log1p_double",
           "log1p_float32", "margins_kernel", "pairs_kernel", "softplus_kernel"]

SIGMOID, IPO, ROBUST = 0, 1, 2  # loss_type codes
_LN2 = math.log(2.0)
_SQRT2_MINUS_1 = math.sqrt(2.0) - 1.0
# 1/(2k + 1) for k = 11, …, 0: the Horner coefficients of atanh(s)/s in s², |s| ≤ 3 − 2√2
_ATANH = tuple(1.0 / (2 * k + 1) for k in range(11, -1, -1))


@numba.njit(inline="always")
def log1p_double(x: float) -> float:
    r""":math:`\log(1 + x)` for :math:`0 \le x \le 1` in float64 arithmetic, without library calls.

    :math:`\log(1 + x) = 2\operatorname{atanh}(s)` with :math:`s = x/(2 + x)` for
    :math:`x \le \sqrt2 - 1`, and :math:`\log 2 + 2\operatorname{atanh}(s)` with
    :math:`s = (x - 1)/(x + 3)` above; either way :math:`|s| \le 3 - 2\sqrt2 < 0.1716`, and
    the atanh series to :math:`s^{23}` leaves a truncation error below :math:`2^{-60}`
    relative. Both branches are computed and one selected, so a loop over it vectorizes.
    """
    big = x > _SQRT2_MINUS_1
    s = (x - 1.0) / (x + 3.0) if big else x / (x + 2.0)
    s2 = s * s
    p = 0.0
    for coefficient in _ATANH:
        p = p * s2 + coefficient
    r = 2.0 * s * p
    return r + _LN2 if big else r


@numba.njit(nogil=True, cache=True, error_model="numpy")
def log1p_float32(x: NDArray[np.float32], out: NDArray[np.float32]) -> None:
    """``out[i]`` = :func:`log1p_double` of ``x[i]`` rounded to float32 (for the sweep against ``log1pf``)."""
    for i in range(x.size):
        out[i] = np.float32(log1p_double(np.float64(x[i])))


@numba.njit(inline="always")
def _margin(pc: Any, pr: Any, rc: Any, rr: Any, free: bool) -> Any:
    """:math:`h` as the readable twin computes it: ``pc - pr``, or ``(pc - rc) - (pr - rr)``."""
    return pc - pr if free else (pc - rc) - (pr - rr)


@numba.njit(inline="always")
def _valid(pc: Any, pr: Any, rc: Any, rr: Any, ninf: Any) -> bool:
    """All four finite and ≤ 0 (NaN fails both comparisons, +inf the first, −inf the second)."""
    return (pc <= 0) & (pr <= 0) & (rc <= 0) & (rr <= 0) & (pc > ninf) & (pr > ninf) & (rc > ninf) & (rr > ninf)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def pairs_kernel(pc: NDArray[Any], pr: NDArray[Any], rc: NDArray[Any], rr: NDArray[Any], losses: NDArray[Any],
                 chosen: NDArray[Any], rejected: NDArray[Any], c: tuple[Any, ...], kind: int, free: bool) -> bool:
    """Losses and rewards of every pair with the C library's ``exp`` and ``log1p``; whether all inputs were valid.

    ``c`` is ``(β, the coefficient of z added to the softplus, 1/(2β), −inf)`` in the
    inputs' dtype; ``kind`` one of :data:`SIGMOID`, :data:`IPO`, :data:`ROBUST`.
    """
    b, linear, shift, ninf = c
    zero = b * 0
    ok = True
    for i in range(pc.size):
        a, w, q, s = pc[i], pr[i], rc[i], rr[i]
        ok = ok & _valid(a, w, q, s, ninf)
        h = _margin(a, w, q, s, free)
        if kind == IPO:
            d = h - shift
            losses[i] = d * d  # (h − 1/(2β))²
        else:
            z = b * h
            u = -z
            sp = (u if u > zero else zero) + np.log1p(np.exp(-abs(u)))  # sp(−z) = −log σ(z)
            losses[i] = sp + linear * z if linear != 0 else sp  # cDPO: + εz; robust: − ε/(1 − 2ε) z
        chosen[i] = b * (a - q)
        rejected[i] = b * (w - s)
    return ok


@numba.njit(nogil=True, cache=True)
def margins_kernel(pc: NDArray[Any], pr: NDArray[Any], rc: NDArray[Any], rr: NDArray[Any], z: NDArray[Any],
                   tail: NDArray[Any], chosen: NDArray[Any], rejected: NDArray[Any], c: tuple[Any, ...],
                   free: bool) -> bool:
    r""":math:`z = \beta h`, :math:`-|z|` (to be exponentiated in place) and the rewards; whether all inputs were valid."""
    b, _, _, ninf = c
    ok = True
    for i in range(pc.size):
        a, w, q, s = pc[i], pr[i], rc[i], rr[i]
        ok = ok & _valid(a, w, q, s, ninf)
        zi = b * _margin(a, w, q, s, free)
        z[i] = zi
        tail[i] = -abs(-zi)
        chosen[i] = b * (a - q)
        rejected[i] = b * (w - s)
    return ok


@numba.njit(nogil=True, cache=True, error_model="numpy")
def softplus_kernel(z: NDArray[Any], e: NDArray[Any], losses: NDArray[Any], c: tuple[Any, ...]) -> None:
    r"""Float32 losses from :math:`z` and :math:`e = e^{-|z|}`: :math:`\max(-z, 0) + \operatorname{log1p}(e)` plus the linear term."""
    b, linear, _, _ = c
    zero = b * 0
    for i in range(z.size):
        u = -z[i]
        sp = (u if u > zero else zero) + np.float32(log1p_double(np.float64(e[i])))
        losses[i] = sp + linear * z[i] if linear != 0 else sp


@numba.njit(nogil=True, cache=True, error_model="numpy")
def gradients_kernel(pc: NDArray[Any], pr: NDArray[Any], rc: NDArray[Any], rr: NDArray[Any], d_chosen: NDArray[Any],
                     d_rejected: NDArray[Any], c: tuple[Any, ...], kind: int, free: bool) -> bool:
    r""":math:`\partial\mathcal{L}/\partial h` of every pair and its negative, with the C library's ``exp``; whether all inputs were valid.

    ``c`` is ``(β, ε or ε/(1 − 2ε), 1/(2β), −inf)`` in the inputs' dtype.
    """
    b, offset, shift, ninf = c
    one = b * 0 + 1
    ok = True
    for i in range(pc.size):
        a, w, q, s = pc[i], pr[i], rc[i], rr[i]
        ok = ok & _valid(a, w, q, s, ninf)
        h = _margin(a, w, q, s, free)
        if kind == IPO:
            d = (one + one) * (h - shift)  # 2(h − 1/(2β))
        else:
            sig = one / (one + np.exp(b * h))  # σ(−z) = 1/(1 + e^{z})
            d = b * (offset - sig) if kind == SIGMOID else -b * (sig + offset)  # β(ε − σ(−z)); −β(σ(−z) + ε/(1 − 2ε))
        d_chosen[i] = d
        d_rejected[i] = -d
    return ok


@numba.njit(nogil=True, cache=True)
def gradient_margins_kernel(pc: NDArray[Any], pr: NDArray[Any], rc: NDArray[Any], rr: NDArray[Any], z: NDArray[Any],
                            c: tuple[Any, ...], free: bool) -> bool:
    r""":math:`z = \beta h` of every pair (to be exponentiated in place); whether all inputs were valid."""
    b, _, _, ninf = c
    ok = True
    for i in range(pc.size):
        a, w, q, s = pc[i], pr[i], rc[i], rr[i]
        ok = ok & _valid(a, w, q, s, ninf)
        z[i] = b * _margin(a, w, q, s, free)
    return ok


@numba.njit(nogil=True, cache=True, error_model="numpy")
def gradients_from_exp(e: NDArray[Any], d_chosen: NDArray[Any], d_rejected: NDArray[Any], c: tuple[Any, ...],
                       kind: int) -> None:
    r"""Float32 gradients from :math:`e = e^{z}`: :math:`\sigma(-z) = 1/(1 + e)` formed in float64 and rounded once."""
    b, offset, _, _ = c
    for i in range(e.size):
        sig = np.float32(1.0 / (1.0 + np.float64(e[i])))
        d = b * (offset - sig) if kind == SIGMOID else -b * (sig + offset)
        d_chosen[i] = d
        d_rejected[i] = -d

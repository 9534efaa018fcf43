r"""Adam and AdamW: exponential moving averages of the gradient and its square, bias-corrected.

Given the gradient :math:`g_t` at step :math:`t = 1, 2, \dots` and :math:`m_0 = v_0 = 0`,

.. math::

    m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
    v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \qquad
    \hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad
    \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad
    \theta_t = \theta_{t-1} - \alpha \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.

**Conventions** (PyTorch's ``torch.optim.Adam``/``AdamW``, the default):

* ``weight_decay`` λ in :func:`adam_step` is an L2 term added to the gradient,
  :math:`g_t \leftarrow g_t + \lambda\theta_{t-1}`, so it passes through the moments;
  in :func:`adamw_step` it is *decoupled*: :math:`\theta \leftarrow (1 - \alpha\lambda)\theta`
  is applied first, outside the moments.
* ε is added after the bias-corrected square root, :math:`\sqrt{\hat v_t} + \epsilon`.
* ``maximize`` negates the gradient before anything else (before the L2 term).
* ``amsgrad`` keeps the running maximum of :math:`v_t` (not of :math:`\hat v_t`) and
  divides it by the current :math:`1-\beta_2^t`.
* The AdamW paper multiplies the decay by the schedule multiplier :math:`\eta_t`, not
  by the learning rate: pass ``schedule_multiplier=eta_t`` to follow it (then the
  Adam step is :math:`\eta_t\alpha` and the decay factor :math:`1-\eta_t\lambda`).

Everything operates leafwise on one array, a list/tuple of arrays, or a dict of
arrays, in float32 or float64 (other real dtypes become float64). The functions are
pure: they return new arrays and a new :class:`AdamState`.

**NaN policy.** Non-finite parameters, gradients or state are refused with a
``ValueError`` naming the leaf and index: a NaN entering :math:`m_t` or :math:`v_t` never
leaves it again. With ``eps = 0`` a coordinate whose :math:`\hat v_t` is 0 would give
0/0; that is an error too, as is an update that overflows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .._validate import as_positive, as_real
from ._tree import Leaves, flatten_like, flatten_params, leaf_paths, state_leaves

__all__ = ["AdamState", "adam_init", "adam_step", "adamw_step"]

REFERENCES = (
    "D. P. Kingma and J. Ba, Adam: A Method for Stochastic Optimization, ICLR 2015, Algorithm 1 and §2–3.",
    "I. Loshchilov and F. Hutter, Decoupled Weight Decay Regularization, ICLR 2019, Algorithm 2.",
    "PyTorch 2.13 documentation, torch.optim.Adam and torch.optim.AdamW (algorithm boxes).",
)


class AdamState(NamedTuple):
    r"""The optimizer state: the step count and the moment buffers, shaped like the parameters.

    Attributes
    ----------
    step
        How many steps have been taken (:math:`t` of the last step; 0 after :func:`adam_init`).
    exp_avg
        :math:`m_t`, the moving average of the gradient.
    exp_avg_sq
        :math:`v_t`, the moving average of the squared gradient.
    max_exp_avg_sq
        :math:`\max_{i \le t} v_i` when created with ``amsgrad=True``, else ``None``.
    """

    step: int
    exp_avg: Any
    exp_avg_sq: Any
    max_exp_avg_sq: Any = None


@dataclass(frozen=True)
class _Hyper:
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    amsgrad: bool
    maximize: bool
    schedule_multiplier: float | None


def _hyper(lr: Any, betas: Any, eps: Any, weight_decay: Any, amsgrad: Any, maximize: Any, schedule: Any) -> _Hyper:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas: expected a pair (beta1, beta2); got {betas!r}")
    b1, b2 = (as_real(b, f"betas[{i}]") for i, b in enumerate(betas))
    for i, b in enumerate((b1, b2)):
        if not 0 <= b < 1:
            raise ValueError(f"betas[{i}]: expected a number in [0, 1); got {b}")
    for flag, name in ((amsgrad, "amsgrad"), (maximize, "maximize")):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name}: expected True or False; got {flag!r}")
    eta = None if schedule is None else as_positive(schedule, "schedule_multiplier", allow_zero=True)
    return _Hyper(
        as_positive(lr, "lr", allow_zero=True),
        b1,
        b2,
        as_positive(eps, "eps", allow_zero=True),
        as_positive(weight_decay, "weight_decay", allow_zero=True),
        bool(amsgrad),
        bool(maximize),
        eta,
    )


def adam_init(params: Any, *, amsgrad: bool = False) -> AdamState:
    """Zero moment buffers shaped like ``params``: the state before the first step.

    Parameters
    ----------
    params
        One array, a list/tuple of arrays, or a dict of arrays (float32 or float64).
    amsgrad
        Also keep the running maximum of :math:`v_t` (needed by ``amsgrad=True`` steps).

    Returns
    -------
    AdamState
        ``step = 0`` and zero buffers of the parameters' structure, shapes and dtypes.

    Raises
    ------
    TypeError, ValueError
        If ``params`` is not a structure of finite real arrays.

    Examples
    --------
    >>> import numpy as np
    >>> s = adam_init({"w": np.ones(3), "b": np.zeros(1, dtype=np.float32)})
    >>> s.step, s.exp_avg["b"].dtype, s.max_exp_avg_sq
    (0, dtype('float32'), None)
    """
    leaves, rebuild = flatten_params(params)
    zeros = lambda: rebuild([np.zeros_like(p) for p in leaves])  # noqa: E731
    return AdamState(0, zeros(), zeros(), zeros() if amsgrad else None)


def _check_state(state: Any, params: Any, leaves: Leaves, amsgrad: bool) -> tuple[int, Leaves, Leaves, Leaves | None]:
    if not isinstance(state, AdamState):
        raise TypeError(f"state: expected an AdamState from adam_init; got {type(state).__name__}")
    if isinstance(state.step, bool) or not isinstance(state.step, (int, np.integer)) or state.step < 0:
        raise ValueError(f"state.step: expected a nonnegative integer; got {state.step!r}")
    m = state_leaves(state.exp_avg, params, leaves, "state.exp_avg")
    v = state_leaves(state.exp_avg_sq, params, leaves, "state.exp_avg_sq")
    for path, vi in zip(leaf_paths(state.exp_avg_sq, "state.exp_avg_sq"), v):
        if np.any(vi < 0):
            raise ValueError(f"{path}: expected nonnegative second moments; got minimum {vi.min()}")
    vmax = None
    if amsgrad:
        if state.max_exp_avg_sq is None:
            raise ValueError("state.max_exp_avg_sq: amsgrad=True needs the running maximum; create the state with adam_init(params, amsgrad=True)")
        vmax = state_leaves(state.max_exp_avg_sq, params, leaves, "state.max_exp_avg_sq")
    return int(state.step), m, v, vmax


def _leaf_step(
    p: NDArray[Any], g: NDArray[Any], m: NDArray[Any], v: NDArray[Any], vmax: NDArray[Any] | None,
    t: int, h: _Hyper, decoupled: bool,
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any] | None, NDArray[Any]]:
    """One step on one leaf; returns (p, m, v, vmax, denominator)."""
    with np.errstate(over="ignore", invalid="ignore"):  # overflow and 0/0 are reported by the caller
        return _leaf_update(p, g, m, v, vmax, t, h, decoupled)


def _leaf_update(
    p: NDArray[Any], g: NDArray[Any], m: NDArray[Any], v: NDArray[Any], vmax: NDArray[Any] | None,
    t: int, h: _Hyper, decoupled: bool,
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any] | None, NDArray[Any]]:
    eta = 1.0 if h.schedule_multiplier is None else h.schedule_multiplier
    alpha = eta * h.lr  # the Adam step size actually applied
    if h.maximize:
        g = -g
    if h.weight_decay != 0 and decoupled:
        decay = h.lr if h.schedule_multiplier is None else eta  # PyTorch: lr·λ; AdamW paper: η_t·λ
        p = p * (1 - decay * h.weight_decay)
    elif h.weight_decay != 0:
        g = g + h.weight_decay * p  # L2 term enters the moments
    m = h.beta1 * m + (1 - h.beta1) * g  # (1)
    v = h.beta2 * v + (1 - h.beta2) * (g * g)  # (2)
    if vmax is not None:
        vmax = np.maximum(vmax, v)
    second = v if vmax is None else vmax
    step_size = alpha / (1 - h.beta1**t)  # α / (1 − β₁ᵗ): bias correction (3)
    denom = np.sqrt(second) / math.sqrt(1 - h.beta2**t) + h.eps  # √v̂ + ε, bias correction (4)
    return p - step_size * (m / denom), m, v, vmax, denom  # (5)


def _step(params: Any, grads: Any, state: Any, h: _Hyper, decoupled: bool) -> tuple[Any, AdamState]:
    leaves, rebuild = flatten_params(params)
    gl = flatten_like(grads, params, leaves, "grads")
    step, ml, vl, vmaxl = _check_state(state, params, leaves, h.amsgrad)
    t = step + 1
    paths = leaf_paths(params, "params")
    out: list[tuple[Any, ...]] = []
    for i, path in enumerate(paths):
        p, m, v, vmax, denom = _leaf_step(leaves[i], gl[i], ml[i], vl[i], None if vmaxl is None else vmaxl[i], t, h, decoupled)
        if h.eps == 0 and np.any(denom == 0):
            bad = tuple(int(k) for k in np.argwhere(denom == 0)[0])
            raise ValueError(f"eps: with eps = 0 the update of {path} at index {bad} is 0/0 (its second moment is 0); use eps > 0")
        for arr, what in ((p, "the new parameter"), (m, "the first moment"), (v, "the second moment")):
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"grads: the step overflowed {what} of {path} in {arr.dtype}; scale the gradients down")
        out.append((p, m, v, vmax))
    new_max = None if vmaxl is None else rebuild([o[3] for o in out])
    if not h.amsgrad:
        new_max = state.max_exp_avg_sq
    new_state = AdamState(t, rebuild([o[1] for o in out]), rebuild([o[2] for o in out]), new_max)
    return rebuild([o[0] for o in out]), new_state


def adam_step(
    params: Any,
    grads: Any,
    state: AdamState,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
    maximize: bool = False,
    schedule_multiplier: float | None = None,
) -> tuple[Any, AdamState]:
    r"""One Adam step, weight decay as an L2 term inside the gradient (``torch.optim.Adam``).

    Parameters
    ----------
    params
        :math:`\theta_{t-1}`: one array, a list/tuple or a dict of float32/float64 arrays.
    grads
        :math:`g_t`, the gradient of the loss at ``params``: the same structure and shapes.
    state
        :class:`AdamState` after step :math:`t-1` (from :func:`adam_init` or the previous step).
    lr
        :math:`\alpha \ge 0`, the step size.
    betas
        :math:`(\beta_1, \beta_2)`, each in [0, 1): decay rates of the two moving averages.
    eps
        :math:`\epsilon \ge 0`, added to :math:`\sqrt{\hat v_t}`.
    weight_decay
        :math:`\lambda \ge 0`: the gradient becomes :math:`g_t + \lambda\theta_{t-1}`.
    amsgrad
        Normalize by :math:`\max_{i\le t} v_i` instead of :math:`v_t` (AMSGrad).
    maximize
        Ascend instead of descend (the gradient is negated first).
    schedule_multiplier
        :math:`\eta_t`; when given the step size is :math:`\eta_t\alpha` (the AdamW paper's schedule).

    Returns
    -------
    params, state
        :math:`\theta_t` (same structure and dtypes) and the state after step :math:`t`.

    Raises
    ------
    TypeError, ValueError
        Mismatched structure, shapes or dtypes; ``lr``, ``eps`` or ``weight_decay``
        negative; a beta outside [0, 1); NaN or inf anywhere; ``eps = 0`` with
        :math:`\hat v_t = 0`; overflow.

    Notes
    -----
    With :math:`g \leftarrow -g` for ``maximize`` and :math:`g \leftarrow g + \lambda\theta_{t-1}`,

    .. math::

        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
        \theta_t = \theta_{t-1} - \frac{\alpha}{1-\beta_1^t}\,
        \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}.

    The L2 term is divided by :math:`\sqrt{\hat v_t} + \epsilon` like the rest of the
    gradient; :func:`adamw_step` decouples it.

    References
    ----------
    Kingma & Ba (2015), Algorithm 1; PyTorch ``torch.optim.Adam``.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([1.0, -2.0])
    >>> p1, s = adam_step(p, np.array([0.5, -3.0]), adam_init(p), lr=0.1)
    >>> p1  # the first step moves every coordinate by lr·sign(g) (up to ε)
    array([ 0.9, -1.9])
    >>> s.step
    1
    """
    h = _hyper(lr, betas, eps, weight_decay, amsgrad, maximize, schedule_multiplier)
    return _step(params, grads, state, h, decoupled=False)


def adamw_step(
    params: Any,
    grads: Any,
    state: AdamState,
    *,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
    amsgrad: bool = False,
    maximize: bool = False,
    schedule_multiplier: float | None = None,
) -> tuple[Any, AdamState]:
    r"""One AdamW step: Adam with weight decay decoupled from the gradient (``torch.optim.AdamW``).

    Parameters
    ----------
    params, grads, state, lr, betas, eps, amsgrad, maximize
        As in :func:`adam_step`.
    weight_decay
        :math:`\lambda \ge 0`; the parameters are first multiplied by :math:`1 - \alpha\lambda`
        (PyTorch), or by :math:`1 - \eta_t\lambda` when ``schedule_multiplier`` is given.
    schedule_multiplier
        :math:`\eta_t` of the AdamW paper. ``None`` (default) follows PyTorch: decay
        :math:`\alpha\lambda`, step :math:`\alpha`. A number follows the paper: decay
        :math:`\eta_t\lambda`, step :math:`\eta_t\alpha`.

    Returns
    -------
    params, state
        :math:`\theta_t` and the state after step :math:`t`.

    Raises
    ------
    TypeError, ValueError
        As :func:`adam_step`.

    Notes
    -----
    .. math::

        \theta_t = (1 - \alpha\lambda)\,\theta_{t-1} - \alpha\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon},

    with :math:`m_t, v_t` built from :math:`g_t` alone. A coordinate whose gradient stays 0
    shrinks exactly as :math:`(1-\alpha\lambda)^t`; with :math:`\lambda = 0` this is :func:`adam_step`.

    References
    ----------
    Loshchilov & Hutter (2019), Algorithm 2; PyTorch ``torch.optim.AdamW``.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([1.0, 2.0])
    >>> p1, _ = adamw_step(p, np.zeros(2), adam_init(p), lr=0.1, weight_decay=0.5)
    >>> p1  # zero gradient: only the decay acts, p·(1 − 0.1·0.5)
    array([0.95, 1.9 ])
    """
    h = _hyper(lr, betas, eps, weight_decay, amsgrad, maximize, schedule_multiplier)
    return _step(params, grads, state, h, decoupled=True)

r"""Optimizers as chains of small gradient transformations, the way optax writes them.

A transformation is a pair of pure functions on a NamedTuple state:
``init(params) -> state`` and ``update(updates, state, params) -> (updates, state)``.
``updates`` starts as the gradient :math:`g_t` and leaves the chain as the change
:math:`u_t` to add to the parameters, :math:`\theta_t = \theta_{t-1} + u_t`
(:func:`apply_updates`). The difference between Adam with L2 and AdamW is then the
order of two links (Loshchilov & Hutter 2019, Algorithm 2):

* Adam with L2: ``chain(add_decayed_weights(λ), scale_by_adam(...), scale_by_learning_rate(α))``
  — the decay joins the gradient, so it passes through the moments and is divided by
  :math:`\sqrt{\hat v_t}+\epsilon`;
* AdamW: ``chain(scale_by_adam(...), add_decayed_weights(λ), scale_by_learning_rate(α))``
  — the decay joins Adam's *normalized* step, :math:`u_t = -\alpha(\hat m_t/(\sqrt{\hat v_t}+\epsilon) + \lambda\theta_{t-1})`.

**Conventions.** AdamW follows optax (``optax.adamw`` is this chain); PyTorch's
``torch.optim.AdamW`` multiplies :math:`\theta` by :math:`1-\alpha\lambda` first and then
subtracts the Adam step, the same number up to the order of roundings (the tests
hold both to :math:`10^{-12}` over 1000 steps). Equation numbers are those of the Adam
page: (1)–(2) the moving averages, (3)–(4) the bias corrections, (5) the update. ε is
added after the square root; ``amsgrad`` keeps the running maximum of :math:`v_t`
(PyTorch's convention, not of :math:`\hat v_t` as ``optax.amsgrad`` does).

Each transformation acts on one array (float32 or float64; a Python float keeps the
array's dtype); :func:`refalgo.optim.adam_step` runs a chain over every array of a
parameter structure and validates the input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray

from .._validate import as_flag, as_positive, as_real

__all__ = [
    "AdamState",
    "EmptyState",
    "GradientTransformation",
    "add_decayed_weights",
    "apply_updates",
    "as_betas",
    "chain",
    "running_max",
    "scale",
    "scale_by_adam",
    "scale_by_learning_rate",
]

Array = NDArray[np.floating[Any]]
T = TypeVar("T")


class AdamState(NamedTuple, Generic[T]):
    r"""Adam's state: the step count and the moment buffers, shaped like the parameters.

    ``step`` is :math:`t` of the last step (0 before the first); ``exp_avg`` is :math:`m_t`;
    ``exp_avg_sq`` is :math:`v_t`; ``max_exp_avg_sq`` is :math:`\max_{i\le t} v_i` (AMSGrad)
    or ``None``. The buffers are one array, or a list, tuple or dict of arrays.
    """

    step: int
    exp_avg: T
    exp_avg_sq: T
    max_exp_avg_sq: T | None = None


class EmptyState(NamedTuple):
    """The state of a transformation that keeps none."""


class GradientTransformation(NamedTuple):
    """A transformation: ``init(params) -> state`` and ``update(updates, state, params) -> (updates, state)``."""

    init: Callable[[Array], Any]
    update: Callable[[Array, Any, Array], tuple[Array, Any]]


def as_betas(betas: Sequence[Any]) -> tuple[float, float]:
    r"""``betas`` as the pair :math:`(\beta_1, \beta_2)` of floats in [0, 1), or a TypeError/ValueError naming it.

    Examples
    --------
    >>> as_betas((0.9, 0.999))
    (0.9, 0.999)
    """
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas: expected a pair (beta1, beta2); got {betas!r}")
    b1, b2 = (as_real(b, f"betas[{i}]") for i, b in enumerate(betas))
    for i, b in enumerate((b1, b2)):
        if not 0 <= b < 1:
            raise ValueError(f"betas[{i}]: expected a number in [0, 1); got {b}")
    return b1, b2


def running_max(state: AdamState[T], zeros: Callable[[], T]) -> T:
    """``state.max_exp_avg_sq``; at step 0 without one, ``zeros()`` (PyTorch's habit); a ValueError later.

    Examples
    --------
    >>> running_max(AdamState(0, 0.0, 0.0), lambda: 0.0)
    0.0
    """
    if state.max_exp_avg_sq is not None:
        return state.max_exp_avg_sq
    if state.step == 0:
        return zeros()
    raise ValueError(
        f"amsgrad: switched on at step {state.step} of a state without the running maximum "
        "state.max_exp_avg_sq; start the run with amsgrad=True, or with adam_init(params, amsgrad=True)"
    )


def scale_by_adam(*, betas: Sequence[float] = (0.9, 0.999), eps: float = 1e-8, amsgrad: bool = False) -> GradientTransformation:
    r"""Adam's scaling: the gradient becomes :math:`\hat m_t/(\sqrt{\hat v_t}+\epsilon)`.

    :math:`\beta_1, \beta_2` are ``betas``; :math:`\epsilon` is ``eps``.

    Parameters
    ----------
    betas
        :math:`(\beta_1, \beta_2)`, each in [0, 1): decay rates of the two moving averages.
    eps
        :math:`\epsilon \ge 0`, added to :math:`\sqrt{\hat v_t}`.
    amsgrad
        Divide by :math:`\sqrt{\max_{i\le t} v_i/(1-\beta_2^t)}` instead (AMSGrad, PyTorch's form).
        At step 0 a state without the running maximum gets one; later it is a ValueError.

    Returns
    -------
    GradientTransformation
        Its state is an :class:`AdamState` of arrays.

    Raises
    ------
    TypeError, ValueError
        ``betas`` not a pair in [0, 1), ``eps < 0``, ``amsgrad`` not a bool.

    Examples
    --------
    >>> import numpy as np
    >>> tx = scale_by_adam()
    >>> u, s = tx.update(np.array([0.5, -3.0]), tx.init(np.zeros(2)), np.zeros(2))
    >>> np.round(u, 6), s.step  # the first step is sign(g), up to ε
    (array([ 1., -1.]), 1)

    References
    ----------
    Kingma & Ba (2015), Algorithm 1; ``optax.scale_by_adam``.
    """
    b1, b2 = as_betas(betas)
    eps = as_positive(eps, "eps", allow_zero=True)
    amsgrad = as_flag(amsgrad, "amsgrad")

    def init(params: Array) -> AdamState[Array]:
        zeros = np.zeros_like(params)
        return AdamState(0, zeros, zeros.copy(), zeros.copy() if amsgrad else None)

    def update(g: Array, state: AdamState[Array], params: Array | None = None) -> tuple[Array, AdamState[Array]]:
        t = state.step + 1
        m = b1 * state.exp_avg + (1 - b1) * g  # (1) m_t = β₁ m_{t−1} + (1 − β₁) g_t
        v = b2 * state.exp_avg_sq + (1 - b2) * (g * g)  # (2) v_t = β₂ v_{t−1} + (1 − β₂) g_t²
        v_max, second = state.max_exp_avg_sq, v
        if amsgrad:
            v_max = second = np.maximum(running_max(state, lambda: np.zeros_like(v)), v)  # max_{i≤t} v_i
        m_hat = m / (1 - b1**t)  # (3) m̂_t = m_t / (1 − β₁ᵗ)
        v_hat = second / (1 - b2**t)  # (4) v̂_t = v_t / (1 − β₂ᵗ)
        return m_hat / (np.sqrt(v_hat) + eps), AdamState(t, m, v, v_max)  # (5) m̂_t / (√v̂_t + ε)

    return GradientTransformation(init, update)


def _stateless(fn: Callable[[Array, Array], Array]) -> GradientTransformation:
    """A transformation without state: ``update(u, state, params) = (fn(u, params), state)``."""
    return GradientTransformation(lambda params: EmptyState(), lambda u, state, params: (fn(u, params), state))


def add_decayed_weights(weight_decay: float = 0.0) -> GradientTransformation:
    r"""Add :math:`\lambda\theta_{t-1}` to the updates; :math:`\lambda` is ``weight_decay``.

    Before :func:`scale_by_adam` this is the L2 term (the gradient of
    :math:`\tfrac\lambda2\lVert\theta\rVert^2`); after it, AdamW's decoupled decay.

    Parameters
    ----------
    weight_decay
        :math:`\lambda \ge 0`.

    Returns
    -------
    GradientTransformation
        Stateless; ``update`` needs ``params``.

    Raises
    ------
    TypeError, ValueError
        ``weight_decay`` not a number >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> add_decayed_weights(0.5).update(np.array([1.0]), EmptyState(), np.array([4.0]))[0]
    array([3.])

    References
    ----------
    Loshchilov & Hutter (2019), Algorithm 2; ``optax.add_decayed_weights``.
    """
    lam = as_positive(weight_decay, "weight_decay", allow_zero=True)
    return _stateless(lambda u, theta: u + lam * theta)  # u + λ θ_{t−1}


def scale(step_size: float) -> GradientTransformation:
    """Multiply the updates by ``step_size`` (any real number: ``scale(-1.0)`` turns descent into ascent).

    Examples
    --------
    >>> import numpy as np
    >>> scale(-1.0).update(np.array([2.0]), EmptyState(), np.zeros(1))[0]
    array([-2.])
    """
    c = as_real(step_size, "step_size")
    return _stateless(lambda u, theta: c * u)


def scale_by_learning_rate(lr: float, *, flip_sign: bool = True) -> GradientTransformation:
    r"""Multiply the updates by :math:`-\alpha` (descent), or by :math:`\alpha` with ``flip_sign=False``; α is ``lr``.

    Parameters
    ----------
    lr
        :math:`\alpha \ge 0`.
    flip_sign
        Whether to negate as well (the last link of a minimizer).

    Returns
    -------
    GradientTransformation
        Stateless.

    Raises
    ------
    TypeError, ValueError
        ``lr`` not a number >= 0, ``flip_sign`` not a bool.

    Examples
    --------
    >>> import numpy as np
    >>> scale_by_learning_rate(0.1).update(np.array([2.0]), EmptyState(), np.zeros(1))[0]
    array([-0.2])

    References
    ----------
    ``optax.scale_by_learning_rate``.
    """
    alpha = as_positive(lr, "lr", allow_zero=True)
    sign = -1.0 if as_flag(flip_sign, "flip_sign") else 1.0
    return _stateless(lambda u, theta: (sign * alpha) * u)  # u ← −α u


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """The transformations applied in order; the state is the tuple of their states.

    Examples
    --------
    >>> import numpy as np
    >>> tx = chain(add_decayed_weights(0.5), scale_by_learning_rate(0.1))
    >>> tx.update(np.array([1.0]), tx.init(np.ones(1)), np.array([4.0]))[0]  # −0.1 (1 + 0.5 · 4)
    array([-0.3])

    References
    ----------
    ``optax.chain``.
    """

    def init(params: Array) -> tuple[Any, ...]:
        return tuple(tx.init(params) for tx in transforms)

    def update(u: Array, states: tuple[Any, ...], params: Array) -> tuple[Array, tuple[Any, ...]]:
        new = []
        for tx, s in zip(transforms, states, strict=True):
            u, s = tx.update(u, s, params)
            new.append(s)
        return u, tuple(new)

    return GradientTransformation(init, update)


def apply_updates(params: Array, updates: Array) -> Array:
    r""":math:`\theta_t = \theta_{t-1} + u_t`, in the parameters' dtype.

    Examples
    --------
    >>> import numpy as np
    >>> apply_updates(np.array([1.0], np.float32), np.array([-0.25]))
    array([0.75], dtype=float32)
    """
    return (params + updates).astype(params.dtype, copy=False)

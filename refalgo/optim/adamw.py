r"""AdamW: Adam with the weight decay decoupled from the gradient.

The whole difference from Adam with L2 is *where* the decay term :math:`\lambda\theta_{t-1}`
enters (Loshchilov & Hutter 2019). Adam with L2 adds it to the gradient, so it passes
through the moments and is divided by :math:`\sqrt{\hat v_t}+\epsilon`; AdamW adds it to
Adam's normalized step, outside the moments:

.. math::

    \theta_t = \theta_{t-1} - \alpha\Big(\frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon} + \lambda\theta_{t-1}\Big),

with :math:`\hat m_t, \hat v_t` built from :math:`g_t` alone. In transforms
(:mod:`refalgo.optim.transforms`): ``chain(scale_by_adam(...), add_decayed_weights(λ),
scale_by_learning_rate(α))``, against Adam's ``chain(add_decayed_weights(λ),
scale_by_adam(...), scale_by_learning_rate(α))``. :math:`\alpha` is ``lr``, :math:`\lambda` is
``weight_decay``, :math:`\eta_t` is ``schedule_multiplier``; the rest is as in :mod:`refalgo.optim.adam`.

**Conventions.** The numeric twin follows optax's order of operations (``optax.adamw``:
the decay is added to the scaled update, and the sum multiplied by :math:`-\alpha`);
``torch.optim.AdamW`` first multiplies :math:`\theta` by :math:`1-\alpha\lambda` and then subtracts
the Adam step, and the exact twin computes that form. The two are equal in exact
arithmetic and differ in float64 by roundings (the tests hold refalgo to PyTorch to
:math:`10^{-12}` over 1000 steps). The AdamW paper multiplies the decay by the schedule
multiplier :math:`\eta_t`, not by :math:`\alpha`: with ``schedule_multiplier=eta_t``,
:math:`\theta_t = \theta_{t-1} - \eta_t(\alpha\hat m_t/(\sqrt{\hat v_t}+\epsilon) + \lambda\theta_{t-1})`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from .._exact import ExactNumber, ExactNumbers
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ._engine.inplace import CHUNK, as_schedule_multiplier, step_inplace
from ._engine.tree import run_chain
from .adam import HORIZON, Params, alpha, b1, epsilon, i, lam, maximize_first, optimizer_concept, trajectory_symbolic
from .transforms import AdamState, GradientTransformation, add_decayed_weights, chain, scale_by_adam, scale_by_learning_rate

__all__ = ["adamw_chain", "adamw_step", "adamw_step_inplace", "adamw_symbolic", "derivations"]


# ---------------------------------------------------------------------- exact twin
def adamw_symbolic(params: ExactNumbers, grads: ExactNumbers | Sequence[ExactNumbers], *, lr: ExactNumber,
                   betas: Sequence[ExactNumber], eps: ExactNumber,
                   weight_decay: ExactNumber = 0, amsgrad: bool = False, maximize: bool = False) -> sp.ImmutableMatrix:
    r"""Exact AdamW trajectory, :math:`\theta_t = (1-\alpha\lambda)\theta_{t-1} - \alpha\hat m_t/(\sqrt{\hat v_t}+\epsilon)`.

    Parameters, returns and raises as :func:`~refalgo.optim.adam.adam_symbolic`; here :math:`\lambda` never
    enters the moments.

    Examples
    --------
    >>> adamw_symbolic([1], [[0], [0]], lr="0.1", betas=("0.9", "0.999"), eps="1e-8", weight_decay="0.5")
    Matrix([
    [  19/20],
    [361/400]])

    References
    ----------
    Loshchilov & Hutter (2019), Algorithm 2; PyTorch ``torch.optim.AdamW``.
    """
    return trajectory_symbolic(params, grads, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                               amsgrad=amsgrad, maximize=maximize, decoupled=True)


# ---------------------------------------------------------------------- numeric twin
def adamw_chain(*, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                weight_decay: float = 1e-2, amsgrad: bool = False, maximize: bool = False,
                schedule_multiplier: float | None = None) -> GradientTransformation:
    r"""AdamW as a chain: Adam's scaling, then the decay :math:`\lambda\theta_{t-1}`, then :math:`-\alpha`.

    With ``schedule_multiplier`` :math:`\eta_t` (the AdamW paper): Adam's scaling, then
    :math:`\alpha`, then the decay, then :math:`-\eta_t`. Arguments as in :func:`adamw_step`.

    Examples
    --------
    >>> import numpy as np
    >>> tx = adamw_chain(lr=0.1, weight_decay=0.5)
    >>> tx.update(np.zeros(2), tx.init(np.zeros(2)), np.array([1.0, 2.0]))[0]  # −0.1 · 0.5 θ
    array([-0.05, -0.1 ])
    """
    eta = as_schedule_multiplier(schedule_multiplier)
    adam = scale_by_adam(betas=betas, eps=eps, amsgrad=amsgrad)
    decay = add_decayed_weights(weight_decay)  # û_t + λ θ_{t−1}: the decay bypasses the moments
    if eta is None:  # PyTorch, optax: θ_t = θ_{t−1} − α (û_t + λ θ_{t−1})
        return chain(*maximize_first(maximize), adam, decay, scale_by_learning_rate(lr))
    # Loshchilov & Hutter, Algorithm 2: θ_t = θ_{t−1} − η_t (α û_t + λ θ_{t−1})
    return chain(*maximize_first(maximize), adam, scale_by_learning_rate(lr, flip_sign=False), decay, scale_by_learning_rate(eta))


def adamw_step(params: Params, grads: Params, state: AdamState[Params], *, lr: float = 1e-3,
               betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2,
               amsgrad: bool = False, maximize: bool = False,
               schedule_multiplier: float | None = None) -> tuple[Params, AdamState[Params]]:
    r"""One AdamW step: Adam with the decay decoupled from the gradient (``torch.optim.AdamW``).

    The chain :func:`adamw_chain` run on every array:
    :math:`\theta_t = \theta_{t-1} - \alpha(\hat m_t/(\sqrt{\hat v_t}+\epsilon) + \lambda\theta_{t-1})`,
    with :math:`m_t, v_t` built from :math:`g_t` alone. With ``schedule_multiplier``
    :math:`\eta_t` (the AdamW paper) the step is :math:`\eta_t\alpha` and the decay :math:`\eta_t\lambda`.

    Parameters, returns and raises as :func:`~refalgo.optim.adam.adam_step`; ``weight_decay`` defaults to
    :math:`10^{-2}`, as in PyTorch.

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.optim import adam_init
    >>> p = np.array([1.0, 2.0])
    >>> p1, _ = adamw_step(p, np.zeros(2), adam_init(p), lr=0.1, weight_decay=0.5)
    >>> p1  # zero gradient: only the decay acts, p·(1 − 0.1·0.5)
    array([0.95, 1.9 ])

    References
    ----------
    Loshchilov & Hutter (2019), Algorithm 2; PyTorch ``torch.optim.AdamW``; ``optax.adamw``.
    """
    tx = adamw_chain(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                     maximize=maximize, schedule_multiplier=schedule_multiplier)
    return run_chain(tx, params, grads, state, amsgrad=bool(amsgrad), eps=float(eps))


def adamw_step_inplace(params: Params, grads: Params, state: AdamState[Params], *, lr: float = 1e-3,
                       betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2,
                       amsgrad: bool = False, maximize: bool = False, schedule_multiplier: float | None = None,
                       chunk: int = CHUNK, backend: str = "auto") -> AdamState[Params]:
    """:func:`adamw_step`, updating ``params`` and the state's buffers in place; see :func:`~refalgo.optim.adam.adam_step_inplace`.

    Examples
    --------
    >>> import numpy as np
    >>> from refalgo.optim import adam_init
    >>> p = np.array([1.0, 2.0])
    >>> s = adamw_step_inplace(p, np.zeros(2), adam_init(p), lr=0.1, weight_decay=0.5)
    >>> p
    array([0.95, 1.9 ])
    """
    return step_inplace(params, grads, state, decoupled=True, chunk=chunk, backend=backend, lr=lr, betas=betas, eps=eps,
                        weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        schedule_multiplier=schedule_multiplier)


# ---------------------------------------------------------------------- derivations
def _l2_split() -> Derivation:
    """Under Adam with L2 the first moment of g + λθ splits into the moment of g and λ times that of θ (t = 4)."""
    gs, ths = sp.IndexedBase("g"), sp.IndexedBase("theta")
    c = (1 - b1) / (1 - b1**HORIZON)
    ema = lambda x: sp.Sum(b1 ** (HORIZON - i) * x, (i, 1, HORIZON))  # noqa: E731
    return Derivation(
        f"Adam with L2: the decay term passes through the first moment ($t = {HORIZON}$)",
        [
            Step(c * ema(gs[i] + lam * ths[i - 1]),
                 r"(1), (3) on $g_i + \lambda \theta_{i-1}$"),
            Step(c * ema(gs[i]) + lam * c * ema(ths[i - 1]), "linearity of the sum"),
        ],
        assumptions=Assumptions.of(b1 < 1),
        lhs_latex=rf"\hat m'_{HORIZON}",
    )


def _l2_update() -> Derivation:
    """The Adam+L2 step: the decay λθ̄ is divided by √v̂′ + ε, coordinate by coordinate."""
    mg, thbar, mp = sp.symbols(r"\hat{m}_t \bar{\theta}_t \hat{m}'_t", real=True)
    vp = sp.Symbol(r"\hat{v}'_t", nonnegative=True)
    return Derivation(
        "Adam with L2: the decay is rescaled by the adaptive denominator",
        [
            Step(sp.Eq(sp.Symbol(r"\Delta\theta_t"), -alpha * mp / (sp.sqrt(vp) + epsilon)), r"equation (5) on $g + \lambda \theta$"),
            Step(-alpha * (mg + lam * thbar) / (sp.sqrt(vp) + epsilon), "the split of the first moment",
                 display=r"-\alpha \frac{\hat m_t + \lambda \bar\theta_t}{\sqrt{\hat v'_t} + \epsilon}"),
            Step(-alpha * mg / (sp.sqrt(vp) + epsilon) - alpha * lam * thbar / (sp.sqrt(vp) + epsilon), "distribute",
                 display=r"-\alpha \frac{\hat m_t}{\sqrt{\hat v'_t} + \epsilon} - \alpha \frac{\lambda \bar\theta_t}{\sqrt{\hat v'_t} + \epsilon}"),
        ],
        where={mp: mg + lam * thbar},
        names={mg: r"\hat m_t", thbar: r"\bar\theta_t", vp: r"\hat v'_t", mp: r"\hat m'_t"},
    )


def _first_step_gap() -> Derivation:
    """Adam+L2 and AdamW after one step with ε = 0 differ by αλθ₀ when g₁ and g₁ + λθ₀ are positive."""
    g1, th0 = sp.Symbol("g_1", positive=True), sp.Symbol("theta_0", real=True)
    adam_l2 = th0 - alpha * (g1 + lam * th0) / sp.sqrt((g1 + lam * th0) ** 2)
    adamw = (1 - alpha * lam) * th0 - alpha * g1 / sp.sqrt(g1**2)
    return Derivation(
        r"Adam with L2 against AdamW: one step from rest, $\epsilon = 0$",
        [
            Step(adam_l2 - adamw, r"$\hat m_1 = g$, $\hat v_1 = g^2$",
                 display=r"\Bigl(\theta_0 - \alpha \frac{g_1 + \lambda \theta_0}{\sqrt{(g_1 + \lambda \theta_0)^2}}\Bigr)"
                         r" - \Bigl((1 - \alpha \lambda) \theta_0 - \alpha \frac{g_1}{\sqrt{g_1^2}}\Bigr)"),
            Step(th0 - alpha - ((1 - alpha * lam) * th0 - alpha),
                 r"$g_1 > 0$, $g_1 + \lambda \theta_0 > 0$",
                 display=r"(\theta_0 - \alpha) - \bigl((1 - \alpha \lambda) \theta_0 - \alpha\bigr)"),
            Step(alpha * lam * th0, "collect"),
        ],
        assumptions=Assumptions.of(g1 + lam * th0 > 0),
        lhs_latex=r"\theta_1^{\mathrm{L2}} - \theta_1^{\mathrm{W}}",
        symbols={r"\theta_1^{\mathrm{L2}}": r"the parameter after one step of Adam with the L2 term $\lambda \theta$ "
                 r"added to the gradient", r"\theta_1^{\mathrm{W}}": "the parameter after one step of AdamW"},
        argument=(
            r"From $m_0 = v_0 = 0$, one step gives $\hat m_1 = g$ and $\hat v_1 = g^2$ for whatever gradient $g$ "
            r"the optimizer sees, so with $\epsilon = 0$ the step is $-\alpha g / \sqrt{g^2} = -\alpha g / |g|$, "
            r"which is $-\alpha$ whenever $g > 0$. Adam with L2 sees $g = g_1 + \lambda \theta_0 > 0$: "
            r"$\theta_1^{\mathrm{L2}} = \theta_0 - \alpha$. AdamW sees $g = g_1 > 0$ and decays the parameter "
            r"separately: $\theta_1^{\mathrm{W}} = (1 - \alpha \lambda) \theta_0 - \alpha$. The difference is "
            r"$\alpha \lambda \theta_0$: the L2 term's effect is swallowed by the normalization, AdamW's decay is not."
        ),
    )


def derivations() -> tuple[Derivation, ...]:
    """AdamW's derivations, in page order: the L2 term through the first moment, its rescaling, the one-step gap.

    Examples
    --------
    >>> print(derivations()[-1].title)
    Adam with L2 against AdamW: one step from rest, $\\epsilon = 0$
    """
    return (_l2_split(), _l2_update(), _first_step_gap())


CONCEPTS = (optimizer_concept("adamw", adamw_symbolic, adamw_step),)

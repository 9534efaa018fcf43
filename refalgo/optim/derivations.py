r"""Adam's equations as SymPy objects, and the verified derivations the Adam page renders.

:func:`adam_equations` holds equations (1)–(5) of Adam and the AdamW update, exactly
as the exact twin (:mod:`refalgo.optim.exact`) computes them. :func:`derivations`
returns the :class:`~refalgo.Derivation` chains: the unrolled moving averages, the
bias corrections, why the L2 term is rescaled under Adam but not under AdamW, and
the efficient form with :math:`\alpha_t` and :math:`\hat\epsilon`. Each is verified when
the page builds; symbols are named like the parameters of :func:`refalgo.optim.adam_step`
(:math:`\alpha` is ``lr``, :math:`\beta_1, \beta_2` are ``betas``, :math:`\lambda` is ``weight_decay``).
"""

from __future__ import annotations

import sympy as sp

from ..assumptions import Assumptions
from ..derivation import Derivation, Step

__all__ = ["adam_equations", "derivations"]

t = sp.Symbol("t", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
b1, b2 = sp.symbols("beta_1 beta_2", positive=True)
alpha, eps = sp.symbols("alpha epsilon", positive=True)
lam = sp.Symbol("lambda", real=True)
mu = sp.Symbol("mu", real=True)
sigma2 = sp.Symbol("sigma^2", positive=True)
g, theta = sp.Function("g"), sp.Function("theta")
_BETAS = (b1 < 1, b2 < 1)


class _Factor(sp.Symbol):
    """A positive symbol rendered as a bias-correction factor ``(1 - β_k^t)``."""

    def _latex(self, printer: object) -> str:
        return rf"\left(1 - \beta_{self.name[-1]}^{{t}}\right)"


# the bias-correction factors 1 − β₁ᵗ and 1 − β₂ᵗ, positive for 0 < β < 1 and t >= 1
c1, c2 = _Factor("c_1", positive=True), _Factor("c_2", positive=True)


def adam_equations() -> tuple[tuple[str, sp.Equality], ...]:
    r"""Adam's equations (1)–(5) and the AdamW update, as labelled SymPy equations.

    Returns
    -------
    tuple of (str, sympy.Eq)
        ``(label, equation)`` pairs: the two moving averages, the two bias
        corrections, the Adam update and the AdamW update.

    Notes
    -----
    .. math::

        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\; v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\;
        \hat m_t = \frac{m_t}{1-\beta_1^t},\; \hat v_t = \frac{v_t}{1-\beta_2^t},\;
        \theta_t = \theta_{t-1} - \alpha\frac{\hat m_t}{\sqrt{\hat v_t}+\epsilon}.

    Examples
    --------
    >>> [label for label, _ in adam_equations()][:2]
    ['(1) first moment', '(2) second moment']
    """
    m, m1, v, v1, gt = sp.symbols("m_t m_{t-1} v_t v_{t-1} g_t", real=True)
    mh, vh = sp.Symbol(r"\hat{m}_t", real=True), sp.Symbol(r"\hat{v}_t", nonnegative=True)
    th, th1 = sp.Symbol("theta_t", real=True), sp.Symbol(r"\theta_{t-1}", real=True)
    return (
        ("(1) first moment", sp.Eq(m, b1 * m1 + (1 - b1) * gt)),
        ("(2) second moment", sp.Eq(v, b2 * v1 + (1 - b2) * gt**2)),
        ("(3) bias-corrected first moment", sp.Eq(mh, m / (1 - b1**t))),
        ("(4) bias-corrected second moment", sp.Eq(vh, v / (1 - b2**t))),
        ("(5) Adam update", sp.Eq(th, th1 - alpha * mh / (sp.sqrt(vh) + eps))),
        ("AdamW update", sp.Eq(th, (1 - alpha * lam) * th1 - alpha * mh / (sp.sqrt(vh) + eps))),
    )


HORIZON = 4  # the unrolling is shown for t = 4; the tests check every t up to 60 numerically


def unrolled(name: str, beta: sp.Symbol, square: bool = False) -> Derivation:
    """The recurrence ``name_t = β name_{t−1} + (1 − β) x_t`` from 0, unrolled at t = 4 into a weighted sum."""
    gs = sp.IndexedBase("g")
    x = (lambda k: gs[k] ** 2) if square else (lambda k: gs[k])
    nested: sp.Expr = sp.Integer(0)
    for k in range(1, HORIZON + 1):
        nested = beta * nested + (1 - beta) * x(k)
    plain = (1 - beta) * sp.Add(*[beta ** (HORIZON - k) * x(k) for k in range(1, HORIZON + 1)])
    return Derivation(
        f"Unrolling {name}_t: a weighted sum of the whole history (t = {HORIZON})",
        [
            Step(sp.Eq(sp.Symbol(f"{name}_{HORIZON}"), nested), f"equation ({2 if square else 1}) applied {HORIZON} times from 0"),
            Step(plain, "expand"),
            Step((1 - beta) * sp.Sum(beta ** (HORIZON - i) * x(i), (i, 1, HORIZON)), "as a sum: step i has weight beta to the power t - i"),
        ],
    )


def bias_correction(beta: sp.Symbol, moment: sp.Symbol, hat: str, of: str, which: str) -> Derivation:
    """For a stationary gradient the bias-corrected average is unbiased: 𝔼[hat] = moment."""
    geometric = sp.Mul((1 - beta) / (1 - beta**t), moment, (1 - beta**t) / (1 - beta), evaluate=False)
    return Derivation(
        f"Bias correction: the corrected {which} moment is unbiased when E[{of}] is the same at every step",
        [
            Step((1 - beta) * sp.Sum(beta ** (t - i) * moment, (i, 1, t)) / (1 - beta**t),
                 f"unrolled sum, linearity of E, and E[{of}] constant"),
            Step(geometric, "geometric sum over t terms"),
            Step(moment, "the factors cancel"),
        ],
        assumptions=Assumptions.of(beta < 1),
        lhs_latex=rf"\mathbb{{E}}[{hat}]",
    )


def l2_split() -> Derivation:
    """Under Adam with L2 the first moment of g + λθ splits into the moment of g and λ times that of θ (t = 4)."""
    gs, ths = sp.IndexedBase("g"), sp.IndexedBase("theta")
    c = (1 - b1) / (1 - b1**HORIZON)
    ema = lambda x: sp.Sum(b1 ** (HORIZON - i) * x, (i, 1, HORIZON))  # noqa: E731
    return Derivation(
        f"Adam with L2: the decay term passes through the first moment (t = {HORIZON})",
        [
            Step(c * ema(gs[i] + lam * ths[i - 1]), "bias-corrected average of the gradients g_i + lambda theta_(i-1)"),
            Step(c * ema(gs[i]) + lam * c * ema(ths[i - 1]), "linearity of the sum"),
        ],
        assumptions=Assumptions.of(b1 < 1),
        lhs_latex=rf"\hat m'_{HORIZON}",
    )


def l2_update() -> Derivation:
    """The Adam+L2 step: the decay λθ̄ is divided by √v̂′ + ε, coordinate by coordinate."""
    mg, thbar, mp = sp.symbols(r"\hat{m}_t \bar{\theta}_t \hat{m}'_t", real=True)
    vp = sp.Symbol(r"\hat{v}'_t", nonnegative=True)
    return Derivation(
        "Adam with L2: the decay is rescaled by the adaptive denominator",
        [
            Step(sp.Eq(sp.Symbol(r"\Delta\theta_t"), -alpha * mp / (sp.sqrt(vp) + eps)), "equation (5) on g + lambda theta"),
            Step(-alpha * (mg + lam * thbar) / (sp.sqrt(vp) + eps), "the split of the first moment"),
            Step(-alpha * mg / (sp.sqrt(vp) + eps) - alpha * lam * thbar / (sp.sqrt(vp) + eps), "distribute"),
        ],
        where={mp: mg + lam * thbar},
    )


def first_step_gap() -> Derivation:
    """Adam+L2 and AdamW after one step with ε = 0 differ by αλθ₀ when g₁ and g₁ + λθ₀ are positive."""
    g1, th0 = sp.Symbol("g_1", positive=True), sp.Symbol("theta_0", real=True)
    adam_l2 = th0 - alpha * (g1 + lam * th0) / sp.sqrt((g1 + lam * th0) ** 2)
    adamw = (1 - alpha * lam) * th0 - alpha * g1 / sp.sqrt(g1**2)
    return Derivation(
        "Adam with L2 against AdamW: one step from rest, eps = 0",
        [
            Step(adam_l2 - adamw, "t = 1: the bias-corrected moments are g and its square"),
            Step(th0 - alpha - ((1 - alpha * lam) * th0 - alpha), "g_1 > 0 and g_1 + lambda theta_0 > 0: each normalized gradient is 1"),
            Step(alpha * lam * th0, "collect"),
        ],
        assumptions=Assumptions.of(g1 + lam * th0 > 0),
        lhs_latex=r"\theta_1^{\mathrm{L2}} - \theta_1^{\mathrm{W}}",
    )


def efficient_form() -> Derivation:
    """Kingma & Ba's efficient arrangement: α_t = α√(1−β₂ᵗ)/(1−β₁ᵗ) and ε̂ = ε√(1−β₂ᵗ)."""
    m, v = sp.Symbol("m_t", real=True), sp.Symbol("v_t", nonnegative=True)
    a_t, e_hat = sp.symbols(r"alpha_t \hat{\epsilon}", positive=True)
    return Derivation(
        "The efficient form: fold both bias corrections into the step size",
        [
            Step(alpha * (m / c1) / (sp.sqrt(v / c2) + eps), "equations (3) to (5)"),
            Step(alpha * sp.sqrt(c2) / c1 * m / (sp.sqrt(v) + eps * sp.sqrt(c2)), "multiply above and below by the root of the second correction factor"),
            Step(a_t * m / (sp.sqrt(v) + e_hat), "name the step size and the rescaled epsilon"),
        ],
        where={a_t: alpha * sp.sqrt(c2) / c1, e_hat: eps * sp.sqrt(c2)},
        lhs_latex=r"\theta_{t-1} - \theta_t",
    )


def spike_ratio() -> Derivation:
    """A gradient that is 0 before step t and g > 0 at step t: the paper's first bound as t grows."""
    gs = sp.Symbol("g", positive=True)
    return Derivation(
        "One nonzero gradient, at step t (the sparse case of Kingma & Ba §2.1)",
        [
            Step(sp.Mul(sp.Mul(1 - b1, gs, 1 / c1, evaluate=False),
                        sp.Pow(sp.sqrt(sp.Mul(1 - b2, gs**2, 1 / c2, evaluate=False), evaluate=False), -1, evaluate=False),
                        evaluate=False),
                 "only the last term of each unrolled sum is nonzero"),
            Step((1 - b1) / sp.sqrt(1 - b2) * sp.sqrt(c2) / c1, "g cancels"),
        ],
        assumptions=Assumptions.of(*_BETAS),
        lhs_latex=r"\frac{\hat m_t}{\sqrt{\hat v_t}}",
    )


def derivations() -> tuple[Derivation, ...]:
    r"""Every derivation the Adam page shows, in page order.

    Returns
    -------
    tuple of Derivation
        Unrolled :math:`m_t` and :math:`v_t`; both bias corrections; the L2 split and
        the rescaled decay; the one-step gap between Adam+L2 and AdamW; the
        efficient form; the single-spike step ratio.

    Examples
    --------
    >>> [d.title for d in derivations()][0]
    'Unrolling m_t: a weighted sum of the whole history (t = 4)'
    """
    return (
        unrolled("m", b1),
        unrolled("v", b2, square=True),
        bias_correction(b1, mu, r"\hat m_t", "g_i", "first"),
        bias_correction(b2, sigma2, r"\hat v_t", "g_i squared", "second"),
        l2_split(),
        l2_update(),
        first_step_gap(),
        efficient_form(),
        spike_ratio(),
    )

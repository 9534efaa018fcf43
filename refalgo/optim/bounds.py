r"""How large can one Adam step be? The tight bound on the ratio of the corrected moments.

With :math:`\epsilon = 0` the Adam step on a coordinate is :math:`\Delta_t = -\alpha\,\hat m_t/\sqrt{\hat v_t}`,
so :math:`|\Delta_t| \le \alpha B_t` with the supremum over all gradient histories of length :math:`t`

.. math::

    B_t = \frac{1-\beta_1}{1-\beta_1^t}\sqrt{\frac{1-\beta_2^t}{1-\beta_2}}
    \sqrt{\sum_{k=0}^{t-1}\Big(\frac{\beta_1^2}{\beta_2}\Big)^k},

attained by :math:`g_i \propto (\beta_1/\beta_2)^{t-i}`. :math:`(\beta_1, \beta_2)` is ``betas``.
Kingma & Ba (2015, §2.1) state :math:`(1-\beta_1)/\sqrt{1-\beta_2}` or 1, which hold for the
histories they have in mind but not for every history; the page gives the
Cauchy–Schwarz argument, and :func:`derivations` verifies the attainment.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from .._exact import ExactNumber, exact
from .._validate import as_real
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from .adam import REFERENCES, b1, b2, c1, c2

__all__ = ["adam_step_bound", "adam_step_bound_symbolic", "derivations"]


def _check(t: int, betas: Sequence[object]) -> None:
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 1:
        raise ValueError(f"t: expected a step number >= 1; got {t!r}")
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas: expected a pair (beta1, beta2); got {betas!r}")


def adam_step_bound_symbolic(t: int, betas: Sequence[ExactNumber]) -> sp.Expr:
    r"""Exact supremum of :math:`|\hat m_t|/\sqrt{\hat v_t}` over all gradient histories of length ``t``.

    Parameters
    ----------
    t
        The step, :math:`t \ge 1`.
    betas
        :math:`(\beta_1, \beta_2)` as exact numbers, :math:`0 \le \beta_1 < 1`, :math:`0 < \beta_2 < 1`.

    Returns
    -------
    sympy.Expr
        The bound as an exact algebraic number; :math:`|\Delta_t| \le` ``lr`` times it when ε = 0.

    Raises
    ------
    TypeError, ValueError
        A non-integer ``t < 1`` or betas out of range.

    Examples
    --------
    >>> adam_step_bound_symbolic(1, ("0.9", "0.999"))
    1
    >>> adam_step_bound_symbolic(2, ("0.5", "0.25"))
    sqrt(10)/3
    """
    _check(t, betas)
    beta1, beta2 = exact(betas[0], "betas[0]"), exact(betas[1], "betas[1]")
    if not (0 <= beta1 < 1 and 0 < beta2 < 1):
        raise ValueError(f"betas: expected 0 <= beta1 < 1 and 0 < beta2 < 1; got ({beta1}, {beta2})")
    r = beta1**2 / beta2
    geometric = sp.Integer(t) if r == 1 else (1 - r**t) / (1 - r)  # Σ_{k<t} r^k in closed form
    return (1 - beta1) / (1 - beta1**t) * sp.sqrt((1 - beta2**t) / (1 - beta2)) * sp.sqrt(geometric)


def adam_step_bound(t: int, *, betas: tuple[float, float] = (0.9, 0.999)) -> float:
    r"""Supremum of :math:`|\hat m_t|/\sqrt{\hat v_t}` over all gradient histories of length ``t`` (floats).

    Parameters
    ----------
    t
        The step, :math:`t \ge 1`.
    betas
        :math:`(\beta_1, \beta_2)` with :math:`0 \le \beta_1 < 1` and :math:`0 < \beta_2 < 1`.

    Returns
    -------
    float
        :math:`B_t`: with ε = 0 every Adam step satisfies :math:`|\Delta_t| \le` ``lr`` :math:`\cdot B_t`,
        and the history :math:`g_i = (\beta_1/\beta_2)^{t-i}` attains it.

    Raises
    ------
    TypeError, ValueError
        A non-integer ``t < 1`` or betas out of range.

    References
    ----------
    Kingma & Ba (2015), §2.1, for the bounds this one corrects.

    Examples
    --------
    >>> round(adam_step_bound(1), 12)
    1.0
    >>> round(adam_step_bound(10_000), 3)  # > (1 - 0.9)/sqrt(1 - 0.999) = 3.162
    7.27
    """
    _check(t, betas)  # the sum is taken term by term in logarithms: it neither overflows nor cancels
    beta1, beta2 = as_real(betas[0], "betas[0]"), as_real(betas[1], "betas[1]")
    if not (0 <= beta1 < 1 and 0 < beta2 < 1):
        raise ValueError(f"betas: expected 0 <= beta1 < 1 and 0 < beta2 < 1; got ({beta1}, {beta2})")
    k = np.arange(int(t), dtype=np.float64)
    log_r = 2 * np.log(beta1) - np.log(beta2) if beta1 > 0 else -np.inf
    log_sum = float(np.logaddexp.reduce(k * log_r)) if beta1 > 0 else 0.0  # log Σ_{k<t} (β₁²/β₂)^k
    bc1 = -np.expm1(t * np.log(beta1)) if beta1 > 0 else 1.0  # 1 − β₁ᵗ without cancellation
    bc2 = -np.expm1(t * np.log(beta2))  # 1 − β₂ᵗ
    return float((1 - beta1) / bc1 * np.sqrt(bc2 / (1 - beta2)) * np.exp(0.5 * log_sum))


def _spike_ratio() -> Derivation:
    """A gradient that is 0 before step t and g > 0 at step t: the paper's first bound as t grows."""
    gs = sp.Symbol("g", positive=True)
    return Derivation(
        "One nonzero gradient, at step $t$ (the sparse case of Kingma & Ba §2.1)",
        [
            Step(sp.Mul(sp.Mul(1 - b1, gs, 1 / c1, evaluate=False),
                        sp.Pow(sp.sqrt(sp.Mul(1 - b2, gs**2, 1 / c2, evaluate=False), evaluate=False), -1, evaluate=False),
                        evaluate=False),
                 "only the last terms are nonzero"),
            Step((1 - b1) / sp.sqrt(1 - b2) * sp.sqrt(c2) / c1, "$g$ cancels"),
        ],
        assumptions=Assumptions.of(b1 < 1, b2 < 1),
        lhs_latex=r"\frac{\hat m_t}{\sqrt{\hat v_t}}",
    )


def _attained(t: int = 4) -> Derivation:
    """On the history g_i = (β₁/β₂)^{t−i} the ratio equals the bound B_t (shown at t = 4)."""
    k = sp.Symbol("k", integer=True, nonnegative=True)
    a = lambda j: (1 - b1) * b1**j  # noqa: E731  (weight of g_{t−j} in m_t)
    b = lambda j: (1 - b2) * b2**j  # noqa: E731  (weight of g_{t−j}² in v_t)
    g = lambda j: (b1 / b2) ** j  # noqa: E731
    q = b1**2 / b2
    m_hat = sp.Add(*[a(j) * g(j) for j in range(t)]) / (1 - b1**t)
    v_hat = sp.Add(*[b(j) * g(j) ** 2 for j in range(t)]) / (1 - b2**t)
    geometric = sp.Sum(q**k, (k, 0, t - 1))
    return Derivation(
        f"The bound is attained: gradients growing by $\\beta_2/\\beta_1$ per step ($t = {t}$)",
        [
            Step(m_hat / sp.sqrt(v_hat), r"unrolled sums at $g_i = (\beta_1/\beta_2)^{t-i}$",
                 display=rf"\frac{{\frac{{1 - \beta_1}}{{1 - \beta_1^{t}}} \sum_{{j=0}}^{{{t - 1}}} \beta_1^j "
                         rf"(\beta_1/\beta_2)^j}}{{\sqrt{{\frac{{1 - \beta_2}}{{1 - \beta_2^{t}}} "
                         rf"\sum_{{j=0}}^{{{t - 1}}} \beta_2^j (\beta_1/\beta_2)^{{2j}}}}}}"),
            Step((1 - b1) / (1 - b1**t) * geometric / sp.sqrt((1 - b2) / (1 - b2**t) * geometric),
                 r"both sums are the geometric sum $S$ of $\beta_1^2/\beta_2$",
                 display=rf"\frac{{\frac{{1 - \beta_1}}{{1 - \beta_1^{t}}} \sum_{{k=0}}^{{{t - 1}}} "
                         rf"(\beta_1^2/\beta_2)^k}}{{\sqrt{{\frac{{1 - \beta_2}}{{1 - \beta_2^{t}}} "
                         rf"\sum_{{k=0}}^{{{t - 1}}} (\beta_1^2/\beta_2)^k}}}}"),
            Step((1 - b1) / (1 - b1**t) * sp.sqrt((1 - b2**t) / (1 - b2)) * sp.sqrt(geometric),
                 r"$S/\sqrt{S} = \sqrt{S}$: this is $B_t$",
                 display=rf"\frac{{1 - \beta_1}}{{1 - \beta_1^{t}}} \sqrt{{\frac{{1 - \beta_2^{t}}}{{1 - \beta_2}}}} "
                         rf"\sqrt{{\sum_{{k=0}}^{{{t - 1}}} (\beta_1^2/\beta_2)^k}}"),
        ],
        assumptions=Assumptions.of(b1 < 1, b2 < 1),
        argument=(
            r"Count the history backwards, $j = t - i$, so that $g_{t-j} = (\beta_1/\beta_2)^j$. The unrolled "
            r"first moment is $m_t = \sum_{j<t} (1-\beta_1)\beta_1^j g_{t-j} = (1-\beta_1)\sum_{j<t} q^j$ with "
            r"$q = \beta_1^2/\beta_2$, and the second is "
            r"$v_t = \sum_{j<t} (1-\beta_2)\beta_2^j g_{t-j}^2 = (1-\beta_2)\sum_{j<t} \beta_2^j \beta_1^{2j} \beta_2^{-2j} "
            r"= (1-\beta_2)\sum_{j<t} q^j$: the same sum $S = \sum_{j<t} q^j \ge 1$. Dividing by the bias "
            r"corrections, $\hat m_t / \sqrt{\hat v_t} = \frac{(1-\beta_1) S}{1-\beta_1^t} \Big/ "
            r"\sqrt{\frac{(1-\beta_2) S}{1-\beta_2^t}}$, and since $S > 0$, $S / \sqrt{S} = \sqrt{S}$, which "
            r"leaves $B_t$. Nothing here depends on $t = 4$: the steps hold for every $t$, and the tests check "
            r"the attainment in floating point for every $t$ up to 200."
        ),
        lhs_latex=rf"\frac{{\hat m_{t}}}{{\sqrt{{\hat v_{t}}}}}",
    )


def derivations() -> tuple[Derivation, ...]:
    """The step-size derivations the page shows: a single nonzero gradient, and the history that attains the bound.

    Examples
    --------
    >>> # tests/test_derivations.py verifies both (20 s), so the doctest only shows the call
    >>> [d.verify().ok for d in derivations()]  # doctest: +SKIP
    [True, True]
    """
    return (_spike_ratio(), _attained())


def _inputs() -> Any:
    from hypothesis import strategies as st

    return st.fixed_dictionaries({
        "t": st.integers(1, 40),
        "betas": st.tuples(st.fractions(0, Fraction(99, 100), max_denominator=100),
                           st.fractions(Fraction(1, 100), Fraction(999, 1000), max_denominator=1000)),
    })


CONCEPTS = (
    Concept(
        name="adam-step-bound", area="optim",
        symbolic=lambda ex: adam_step_bound_symbolic(ex["t"], ex["betas"]),
        numeric=lambda ex: adam_step_bound(ex["t"], betas=(float(ex["betas"][0]), float(ex["betas"][1]))),
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-11, atol=0.0, why="a sum of at most 40 positive terms, in logarithms"),
        references=REFERENCES[:1], page="optim/adam.md",
    ),
)

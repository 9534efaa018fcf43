r"""How large can one Adam step be? The tight bound on :math:`|\hat m_t|/\sqrt{\hat v_t}`.

With :math:`\epsilon = 0` the Adam step on a coordinate is
:math:`\Delta_t = -\alpha\,\hat m_t/\sqrt{\hat v_t}`. Kingma & Ba (2015, §2.1) state
:math:`|\Delta_t| \le \alpha(1-\beta_1)/\sqrt{1-\beta_2}` when
:math:`1-\beta_1 > \sqrt{1-\beta_2}` and :math:`|\Delta_t| \le \alpha` otherwise. Those
values are attained or approached by the histories the paper has in mind (a single
nonzero gradient; gradients of constant magnitude), but they are not upper bounds over
*every* gradient history: gradients whose magnitude grows by the factor
:math:`\beta_2/\beta_1` per step push the ratio higher.

The exact supremum over all histories of length :math:`t` follows from the
Cauchy–Schwarz inequality applied to the unrolled sums
:math:`m_t = \sum_i a_i g_i` and :math:`v_t = \sum_i b_i g_i^2` with
:math:`a_i = (1-\beta_1)\beta_1^{t-i}`, :math:`b_i = (1-\beta_2)\beta_2^{t-i}`:

.. math::

    \frac{|\hat m_t|}{\sqrt{\hat v_t}} \le
    \frac{1-\beta_1}{1-\beta_1^t}\sqrt{\frac{1-\beta_2^t}{1-\beta_2}}
    \sqrt{\sum_{k=0}^{t-1}\Big(\frac{\beta_1^2}{\beta_2}\Big)^k},

with equality for :math:`g_i \propto a_i/b_i \propto (\beta_1/\beta_2)^{t-i}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from .._exact import exact
from .._validate import as_real
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from .adam import REFERENCES, b1, b2, c1, c2

__all__ = ["adam_step_bound", "adam_step_bound_symbolic", "derivations"]


def _check(t: Any, betas: Any) -> None:
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 1:
        raise ValueError(f"t: expected a step number >= 1; got {t!r}")
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas: expected a pair (beta1, beta2); got {betas!r}")


def adam_step_bound_symbolic(t: int, betas: Sequence[Any]) -> sp.Expr:
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

    Notes
    -----
    The geometric sum is taken in closed form,
    :math:`\sum_{k<t} r^k = (1-r^t)/(1-r)` with :math:`r = \beta_1^2/\beta_2` (or :math:`t` when :math:`r = 1`).

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
    geometric = sp.Integer(t) if r == 1 else (1 - r**t) / (1 - r)
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

    Notes
    -----
    See the module docstring. The sum :math:`\sum_{k<t}(\beta_1^2/\beta_2)^k` is evaluated
    term by term in logarithms (no closed form), so it neither overflows nor cancels.

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
    _check(t, betas)
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
        "One nonzero gradient, at step t (the sparse case of Kingma & Ba §2.1)",
        [
            Step(sp.Mul(sp.Mul(1 - b1, gs, 1 / c1, evaluate=False),
                        sp.Pow(sp.sqrt(sp.Mul(1 - b2, gs**2, 1 / c2, evaluate=False), evaluate=False), -1, evaluate=False),
                        evaluate=False),
                 "only the last term of each unrolled sum is nonzero"),
            Step((1 - b1) / sp.sqrt(1 - b2) * sp.sqrt(c2) / c1, "g cancels"),
        ],
        assumptions=Assumptions.of(b1 < 1, b2 < 1),
        lhs_latex=r"\frac{\hat m_t}{\sqrt{\hat v_t}}",
    )


def derivations() -> tuple[Derivation, ...]:
    """The step-size derivation the page shows: the ratio for a single nonzero gradient.

    Examples
    --------
    >>> derivations()[0].title
    'One nonzero gradient, at step t (the sparse case of Kingma & Ba §2.1)'
    """
    return (_spike_ratio(),)


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

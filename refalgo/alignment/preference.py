r"""The Bradley–Terry preference model and the reward-model loss of RLHF.

RLHF's second stage fits a reward :math:`r(x, y)` to human comparisons: for a prompt
:math:`x`, a labeller saw two responses and preferred :math:`y_w` ("chosen") to
:math:`y_l` ("rejected"). Bradley and Terry model such a comparison as

.. math::

    P(y_w \succ y_l \mid x) = \frac{e^{r(x, y_w)}}{e^{r(x, y_w)} + e^{r(x, y_l)}}
    = \sigma\bigl(r(x, y_w) - r(x, y_l)\bigr), \qquad \sigma(z) = \frac{1}{1 + e^{-z}},

and the reward model minimizes the negative log-likelihood of the labels,
:math:`-\log\sigma(r(x, y_w) - r(x, y_l))` per comparison (Ouyang et al. 2022, eq. 1;
Rafailov et al. 2023, eq. 2). Only reward *differences* for the same prompt enter,
so :math:`r \mapsto r + f(x)` changes nothing: the reward is identified up to a
per-prompt shift.

**Conventions.** Arrays hold one comparison per entry: ``reward_chosen[i]`` is
:math:`r(x_i, y_{w,i})`, ``reward_rejected[i]`` is :math:`r(x_i, y_{l,i})`. Losses are
per comparison (no mean is taken), in natural-log units (nats).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray
from scipy.special import expit

from .._validate import as_array
from ..derivation import Derivation, Step
from ..registry import Concept, Tolerance
from ._exact import exact_or_symbol, sigmoid

__all__ = [
    "bradley_terry",
    "bradley_terry_symbolic",
    "derivations",
    "reward_model_loss",
    "reward_model_loss_symbolic",
]

REFERENCES = (
    "R. A. Bradley and M. E. Terry, Rank Analysis of Incomplete Block Designs I, Biometrika 39 (1952).",
    "L. Ouyang et al., Training language models to follow instructions with human feedback, NeurIPS 2022, eq. (1).",
    "R. Rafailov et al., Direct Preference Optimization: Your Language Model is Secretly a Reward Model, "
    "NeurIPS 2023, eqs. (1)–(2).",
)


def bradley_terry_symbolic(reward_chosen: Any, reward_rejected: Any) -> sp.Expr:
    r"""Exact Bradley–Terry probability that the chosen response is preferred.

    Parameters
    ----------
    reward_chosen, reward_rejected
        :math:`r(x, y_w)` and :math:`r(x, y_l)`: exact numbers (int, Fraction, decimal
        string, SymPy number; a float enters by its exact binary value) or symbols.

    Returns
    -------
    sympy.Expr
        :math:`e^{r_w} / (e^{r_w} + e^{r_l})`, the definition by strengths :math:`e^{r}`.

    Raises
    ------
    TypeError, ValueError
        If an argument is not a real number (or real SymPy expression).

    Notes
    -----
    .. math:: P(y_w \succ y_l) = \frac{e^{r_w}}{e^{r_w} + e^{r_l}}.

    References
    ----------
    Bradley & Terry (1952); Rafailov et al. (2023), eq. (1).

    Examples
    --------
    >>> bradley_terry_symbolic(1, 1)
    1/2
    >>> bradley_terry_symbolic("0.5", 0)
    exp(1/2)/(1 + exp(1/2))
    """
    rw, rl = exact_or_symbol(reward_chosen, "reward_chosen"), exact_or_symbol(reward_rejected, "reward_rejected")
    return sp.exp(rw) / (sp.exp(rw) + sp.exp(rl))


def reward_model_loss_symbolic(reward_chosen: Any, reward_rejected: Any) -> sp.Expr:
    r"""Exact reward-model loss of one comparison: the negative log Bradley–Terry likelihood.

    Parameters
    ----------
    reward_chosen, reward_rejected
        :math:`r(x, y_w)` and :math:`r(x, y_l)`, as in :func:`bradley_terry_symbolic`.

    Returns
    -------
    sympy.Expr
        :math:`-\log\bigl(e^{r_w} / (e^{r_w} + e^{r_l})\bigr)`.

    Raises
    ------
    TypeError, ValueError
        If an argument is not a real number.

    Notes
    -----
    .. math:: \mathcal{L}_R = -\log P(y_w \succ y_l) = \log\bigl(1 + e^{-(r_w - r_l)}\bigr).

    References
    ----------
    Ouyang et al. (2022), eq. (1); Rafailov et al. (2023), eq. (2).

    Examples
    --------
    >>> reward_model_loss_symbolic(0, 0)
    log(2)
    """
    rw, rl = exact_or_symbol(reward_chosen, "reward_chosen"), exact_or_symbol(reward_rejected, "reward_rejected")
    return -sp.log(sp.exp(rw) / (sp.exp(rw) + sp.exp(rl)))


def _rewards(reward_chosen: Any, reward_rejected: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    rw = as_array(reward_chosen, "reward_chosen", ndim=(0, 1))
    rl = as_array(reward_rejected, "reward_rejected", ndim=(0, 1))
    if rw.shape != rl.shape:
        raise ValueError(f"reward_rejected: expected the shape of reward_chosen {rw.shape}; got shape {rl.shape}")
    return rw, rl


def bradley_terry(reward_chosen: Any, reward_rejected: Any) -> NDArray[np.float64]:
    r"""Bradley–Terry probabilities that each chosen response is preferred, in float64.

    Parameters
    ----------
    reward_chosen, reward_rejected
        :math:`r(x_i, y_{w,i})` and :math:`r(x_i, y_{l,i})`: finite numbers, scalars or
        1-D arrays of the same shape.

    Returns
    -------
    numpy.ndarray
        :math:`\sigma(r_w - r_l)` per comparison, of the inputs' shape.

    Raises
    ------
    TypeError
        Non-numeric input.
    ValueError
        NaN or inf, arrays of more than one dimension, or shapes that differ.

    Notes
    -----
    .. math:: P(y_w \succ y_l) = \sigma(r_w - r_l) = \frac{1}{1 + e^{-(r_w - r_l)}},

    computed with :func:`scipy.special.expit`, which neither overflows nor returns
    NaN for any finite difference.

    References
    ----------
    Bradley & Terry (1952); Rafailov et al. (2023), eq. (1).

    Examples
    --------
    >>> bradley_terry([1.0, 0.0], [1.0, 2.0]).round(4)
    array([0.5   , 0.1192])
    """
    rw, rl = _rewards(reward_chosen, reward_rejected)
    return np.asarray(expit(rw - rl), dtype=np.float64)


def reward_model_loss(reward_chosen: Any, reward_rejected: Any) -> NDArray[np.float64]:
    r"""Per-comparison reward-model loss :math:`-\log\sigma(r_w - r_l)`, stable for any margin.

    Parameters
    ----------
    reward_chosen, reward_rejected
        :math:`r(x_i, y_{w,i})` and :math:`r(x_i, y_{l,i})`, as in :func:`bradley_terry`.

    Returns
    -------
    numpy.ndarray
        The loss of each comparison in nats (not averaged).

    Raises
    ------
    TypeError, ValueError
        As :func:`bradley_terry`.

    Notes
    -----
    .. math:: \mathcal{L}_R = -\log\sigma(r_w - r_l) = \log\bigl(1 + e^{-(r_w - r_l)}\bigr),

    evaluated as ``logaddexp(0, -(r_w - r_l))``: for a margin of :math:`-10^6` it is
    :math:`10^6`, not ``inf``; for :math:`+10^6` it is :math:`e^{-10^6}` (0 in floating point).

    References
    ----------
    Ouyang et al. (2022), eq. (1).

    Examples
    --------
    >>> reward_model_loss([0.0, -1e6], [0.0, 0.0])
    array([6.93147181e-01, 1.00000000e+06])
    """
    rw, rl = _rewards(reward_chosen, reward_rejected)
    return np.asarray(np.logaddexp(0.0, rl - rw), dtype=np.float64)


# ---------------------------------------------------------------- derivations
r_w, r_l = sp.symbols("r_w r_l", real=True)
f_x = sp.Symbol("f(x)", real=True)


def bt_as_sigmoid() -> Derivation:
    """The Bradley–Terry probability is the logistic function of the reward difference."""
    return Derivation(
        "Bradley–Terry: the preference probability is σ of the reward difference",
        [
            Step(sp.Eq(sp.Symbol(r"{P(y_w \succ y_l \mid x)}"), sp.exp(r_w) / (sp.exp(r_w) + sp.exp(r_l))),
                 "strengths exp(r) compete"),
            Step(1 / (1 + sp.exp(r_l) / sp.exp(r_w)), "divide by exp(r_w)"),
            Step(sigmoid(r_w - r_l), "exp(r_l) / exp(r_w) = exp(−(r_w − r_l))"),
        ],
    )


def bt_shift_invariance() -> Derivation:
    """Adding any f(x) to the reward of every response of prompt x leaves BT unchanged."""
    return Derivation(
        "Bradley–Terry is unchanged by r(x, y) → r(x, y) + f(x)",
        [
            Step(sp.exp(r_w + f_x) / (sp.exp(r_w + f_x) + sp.exp(r_l + f_x)), "shifted rewards"),
            Step(sp.exp(f_x) * sp.exp(r_w) / (sp.exp(f_x) * (sp.exp(r_w) + sp.exp(r_l))), "factor exp(f(x))"),
            Step(sp.exp(r_w) / (sp.exp(r_w) + sp.exp(r_l)), "exp(f(x)) > 0 cancels"),
        ],
        lhs_latex=r"P_{r + f}(y_w \succ y_l \mid x)",
    )


def reward_loss_softplus() -> Derivation:
    """The reward-model loss is the softplus of minus the margin (its stable form)."""
    return Derivation(
        "Reward-model loss: the negative log-likelihood of the label",
        [
            Step(sp.Eq(sp.Symbol(r"\mathcal{L}_R"), -sp.log(sigmoid(r_w - r_l))), "negative log-likelihood of y_w ≻ y_l"),
            Step(sp.log(1 + sp.exp(-(r_w - r_l))), "-log(1/a) = log a"),
            Step((r_l - r_w) + sp.log(1 + sp.exp(r_w - r_l)), "pull out exp(r_l − r_w): no overflow for a negative margin"),
        ],
    )


def derivations() -> tuple[Derivation, ...]:
    """The verified Bradley–Terry derivations shown on the RLHF page.

    Returns
    -------
    tuple of Derivation
        BT as a sigmoid of the reward difference; invariance under a per-prompt
        shift; the reward-model loss in its stable form.

    Examples
    --------
    >>> all(d.verify().ok for d in derivations())
    True
    """
    return (bt_as_sigmoid(), bt_shift_invariance(), reward_loss_softplus())


# ---------------------------------------------------------------- registry
def _inputs() -> Any:
    from hypothesis import strategies as st

    from ..testing import rationals

    pair = st.tuples(rationals(-20, 20, 16), rationals(-20, 20, 16))
    return st.lists(pair, min_size=1, max_size=5)


def _symbolic(pairs: list[tuple[sp.Rational, sp.Rational]]) -> list[list[float]]:
    return [[float(sp.N(f(a, b), 30)) for a, b in pairs] for f in (bradley_terry_symbolic, reward_model_loss_symbolic)]


def _numeric(pairs: list[tuple[sp.Rational, sp.Rational]]) -> list[list[float]]:
    rw = np.array([float(a) for a, _ in pairs])
    rl = np.array([float(b) for _, b in pairs])
    return [list(bradley_terry(rw, rl)), list(reward_model_loss(rw, rl))]


CONCEPTS = (
    Concept(
        name="bradley-terry",
        area="alignment",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-13, atol=1e-15, why="σ and softplus are well conditioned; rationals with denominators ≤ 16 are exact in float64"),
        references=REFERENCES,
        page="alignment/rlhf.md",
    ),
)

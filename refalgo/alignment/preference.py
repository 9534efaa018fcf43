r"""The Bradley–Terry preference model, the reward-model loss of RLHF and its batch metrics.

RLHF's second stage fits a reward :math:`r(x, y)` to human comparisons: for a prompt
:math:`x`, a labeller saw two responses and preferred :math:`y_w` ("chosen") to
:math:`y_l` ("rejected"). Bradley and Terry model such a comparison as
:math:`P(y_w \succ y_l \mid x) = \sigma(r(x, y_w) - r(x, y_l))`, and the reward model
minimizes the negative log-likelihood of the labels, :math:`-\log\sigma(r_w - r_l)` per
comparison.

**Conventions** — those of the DPO paper (Rafailov et al. 2023, eqs. 1–2), which are
InstructGPT's (Ouyang et al. 2022, eq. 1) for one comparison:

* ``reward_chosen[i]`` is :math:`r(x_i, y_{w,i})`, ``reward_rejected[i]`` is
  :math:`r(x_i, y_{l,i})`: scalars or 1-D arrays of the same shape;
* losses are per comparison (no mean is taken), in nats; the metrics of
  :func:`preference_metrics` are means over the batch, a tie counting as wrong;
* only reward *differences* for the same prompt enter, so :math:`r \mapsto r + f(x)`
  changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from .._exact import ExactNumber, exact
from .._validate import as_array
from ..derivation import Derivation, Step
from ..functions import sigmoid
from ..registry import Concept, Tolerance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "PreferenceMetrics",
    "bradley_terry",
    "bradley_terry_symbolic",
    "derivations",
    "preference_metrics",
    "reward_model_loss",
    "reward_model_loss_symbolic",
]

REFERENCES = (
    "R. A. Bradley and M. E. Terry, Rank Analysis of Incomplete Block Designs I, Biometrika 39 (1952).",
    "L. Ouyang et al., Training language models to follow instructions with human feedback, NeurIPS 2022, eq. (1).",
    "R. Rafailov et al., Direct Preference Optimization: Your Language Model is Secretly a Reward Model, "
    "NeurIPS 2023, eqs. (1)–(2).",
)


class PreferenceMetrics(NamedTuple):
    """The batch metrics logged during preference training (means over the batch)."""

    accuracy: float
    margin: float
    chosen: float
    rejected: float


# ---------------------------------------------------------------- symbolic twins
def bradley_terry_symbolic(reward_chosen: ExactNumber, reward_rejected: ExactNumber) -> sp.Expr:
    r"""Exact Bradley–Terry probability that the chosen response is preferred.

    :math:`r_w` is ``reward_chosen``, :math:`r_l` is ``reward_rejected``.

    Parameters
    ----------
    reward_chosen, reward_rejected
        :math:`r(x, y_w)` and :math:`r(x, y_l)`: exact numbers (int, Fraction, ``"p/q"``
        or decimal string, SymPy number; a float enters at its exact binary value) or
        real SymPy expressions.

    Returns
    -------
    sympy.Expr
        :math:`e^{r_w} / (e^{r_w} + e^{r_l})`, the definition by strengths :math:`e^{r}`.

    Raises
    ------
    TypeError, ValueError
        An argument that is not a real number or real expression, NaN or infinite.

    References
    ----------
    Bradley & Terry (1952); Rafailov et al. (2023), eq. (1).

    Examples
    --------
    >>> bradley_terry_symbolic("1/2", 0)
    exp(1/2)/(1 + exp(1/2))
    """
    rw = exact(reward_chosen, "reward_chosen", symbolic=True)
    rl = exact(reward_rejected, "reward_rejected", symbolic=True)
    return sp.exp(rw) / (sp.exp(rw) + sp.exp(rl))  # (1) strengths e^r compete


def reward_model_loss_symbolic(reward_chosen: ExactNumber, reward_rejected: ExactNumber) -> sp.Expr:
    r"""Exact reward-model loss of one comparison: the negative log Bradley–Terry likelihood.

    :math:`r_w` is ``reward_chosen``, :math:`r_l` is ``reward_rejected``.

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
        As :func:`bradley_terry_symbolic`.

    References
    ----------
    Ouyang et al. (2022), eq. (1); Rafailov et al. (2023), eq. (2).

    Examples
    --------
    >>> reward_model_loss_symbolic(0, 0)
    log(2)
    """
    return -sp.log(bradley_terry_symbolic(reward_chosen, reward_rejected))  # (2) −log P(y_w ≻ y_l)


# ---------------------------------------------------------------- numeric twins
def _rewards(reward_chosen: ArrayLike, reward_rejected: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    rw = as_array(reward_chosen, "reward_chosen", ndim=(0, 1))
    return rw, as_array(reward_rejected, "reward_rejected", shape=rw.shape)


def bradley_terry(reward_chosen: ArrayLike, reward_rejected: ArrayLike) -> NDArray[np.float64]:
    r"""Bradley–Terry probabilities that each chosen response is preferred, in float64.

    :math:`r_w` is ``reward_chosen``, :math:`r_l` is ``reward_rejected``; computed as
    :math:`\sigma(r_w - r_l)` with :func:`scipy.special.expit` (no overflow, no NaN).

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

    References
    ----------
    Bradley & Terry (1952); Rafailov et al. (2023), eq. (1).

    Examples
    --------
    >>> bradley_terry([1.0, 0.0], [1.0, 2.0]).round(4)
    array([0.5   , 0.1192])
    """
    rw, rl = _rewards(reward_chosen, reward_rejected)
    margin = rw - rl  # r(x, y_w) − r(x, y_l)
    return np.asarray(expit(margin), dtype=np.float64)  # (1) P(y_w ≻ y_l | x) = σ(r_w − r_l)


def reward_model_loss(reward_chosen: ArrayLike, reward_rejected: ArrayLike) -> NDArray[np.float64]:
    r"""Per-comparison reward-model loss :math:`-\log\sigma(r_w - r_l)`, stable for any margin.

    :math:`r_w` is ``reward_chosen``, :math:`r_l` is ``reward_rejected``; evaluated as
    ``logaddexp(0, r_l - r_w)``, so a margin of :math:`-10^6` gives :math:`10^6`, not ``inf``.

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

    References
    ----------
    Ouyang et al. (2022), eq. (1).

    Examples
    --------
    >>> reward_model_loss([0.0, -1e6], [0.0, 0.0])
    array([6.93147181e-01, 1.00000000e+06])
    """
    rw, rl = _rewards(reward_chosen, reward_rejected)
    margin = rw - rl  # r(x, y_w) − r(x, y_l)
    return np.asarray(np.logaddexp(0.0, -margin), dtype=np.float64)  # (2) −log σ(m) = log(1 + e^{−m})


def preference_metrics(chosen_rewards: ArrayLike, rejected_rewards: ArrayLike) -> PreferenceMetrics:
    r"""Reward accuracy, mean margin and mean rewards of a batch — the numbers logged while training.

    :math:`\hat r_w` is ``chosen_rewards``, :math:`\hat r_l` is ``rejected_rewards``; with
    DPO's implicit rewards these are TRL's ``rewards/accuracies``, ``rewards/margins``,
    ``rewards/chosen`` and ``rewards/rejected``.

    Parameters
    ----------
    chosen_rewards, rejected_rewards
        Rewards per pair — a reward model's, or DPO's implicit rewards from
        :func:`~refalgo.alignment.dpo_loss` — finite 1-D arrays of the same shape.

    Returns
    -------
    PreferenceMetrics
        ``accuracy`` = fraction of pairs with :math:`\hat r_w > \hat r_l` (a tie counts as
        wrong), ``margin`` = mean of :math:`\hat r_w - \hat r_l`, ``chosen`` and
        ``rejected`` = the mean rewards.

    Raises
    ------
    TypeError, ValueError
        Non-numeric, non-finite, empty or mismatched arrays.

    References
    ----------
    The DPO reference code's ``rewards_train/*`` metrics; TRL's ``DPOTrainer`` logs.

    Examples
    --------
    >>> preference_metrics([0.5, -0.25, 0.0, 1.0], [0.25, 0.5, 0.0, 0.0])
    PreferenceMetrics(accuracy=0.5, margin=0.125, chosen=0.3125, rejected=0.1875)
    """
    w = as_array(chosen_rewards, "chosen_rewards", ndim=1)
    lo = as_array(rejected_rewards, "rejected_rewards", shape=w.shape)
    return PreferenceMetrics(float(np.mean(w > lo)), float(np.mean(w - lo)), float(np.mean(w)), float(np.mean(lo)))


# ---------------------------------------------------------------- derivations
_R_W, _R_L = sp.symbols("r_w r_l", real=True)
_F_X = sp.Symbol("f(x)", real=True)


def _bt_as_sigmoid() -> Derivation:
    return Derivation(
        r"Bradley–Terry: the preference probability is $\sigma$ of the reward difference",
        [
            Step(sp.exp(_R_W) / (sp.exp(_R_W) + sp.exp(_R_L)), r"strengths $e^{r}$ compete",
                 display=r"\frac{e^{r_w}}{e^{r_w} + e^{r_l}}"),
            Step(1 / (1 + sp.exp(_R_L) / sp.exp(_R_W)), r"divide by $e^{r_w}$", display=r"\frac{1}{1 + e^{r_l} / e^{r_w}}"),
            Step(sigmoid(_R_W - _R_L), r"$e^{r_l} / e^{r_w} = e^{-(r_w - r_l)}$, and $\sigma(z) = 1 / (1 + e^{-z})$",
                 display=r"\sigma(r_w - r_l)"),
        ],
        lhs_latex=r"P(y_w \succ y_l \mid x)",
    )


def _bt_shift_invariance() -> Derivation:
    shifted_w, shifted_l = sp.exp(_R_W + _F_X), sp.exp(_R_L + _F_X)
    numerator = sp.Mul(sp.exp(_F_X), sp.exp(_R_W), evaluate=False)
    denominator = sp.Mul(sp.exp(_F_X), sp.exp(_R_W) + sp.exp(_R_L), evaluate=False)
    factored = sp.Mul(numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False)  # shown before exp(f(x)) cancels
    return Derivation(
        r"Bradley–Terry is unchanged by $r(x, y) \to r(x, y) + f(x)$",
        [
            Step(shifted_w / (shifted_w + shifted_l), "shifted rewards",
                 display=r"\frac{e^{r_w + f(x)}}{e^{r_w + f(x)} + e^{r_l + f(x)}}"),
            Step(factored, r"factor out $e^{f(x)}$",
                 display=r"\frac{e^{f(x)} e^{r_w}}{e^{f(x)} (e^{r_w} + e^{r_l})}"),
            Step(sp.exp(_R_W) / (sp.exp(_R_W) + sp.exp(_R_L)), r"$e^{f(x)} > 0$ cancels",
                 display=r"\frac{e^{r_w}}{e^{r_w} + e^{r_l}}"),
        ],
        lhs_latex=r"P_{r + f}(y_w \succ y_l \mid x)",
        names={_F_X: "f(x)"},
    )


def _reward_loss_softplus() -> Derivation:
    return Derivation(
        "Reward-model loss: the negative log-likelihood of the label",
        [
            Step(-sp.log(sigmoid(_R_W - _R_L)), r"negative log-likelihood of $y_w \succ y_l$",
                 display=r"-\log \sigma(r_w - r_l)"),
            Step(sp.log(1 + sp.exp(-(_R_W - _R_L))), r"$-\log(1/a) = \log a$", display=r"\log(1 + e^{r_l - r_w})"),
            Step((_R_L - _R_W) + sp.log(1 + sp.exp(_R_W - _R_L)), r"pull out $e^{r_l - r_w}$: no overflow for a negative margin",
                 display=r"r_l - r_w + \log(1 + e^{r_w - r_l})"),
        ],
        lhs_latex=r"\mathcal{L}_R",
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
    return (_bt_as_sigmoid(), _bt_shift_invariance(), _reward_loss_softplus())


# ---------------------------------------------------------------- registry
def _inputs() -> SearchStrategy[list[tuple[sp.Rational, sp.Rational]]]:
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

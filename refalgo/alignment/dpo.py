r"""Direct preference optimization: the reward model folded into the policy by a change of variables.

The KL-regularized optimum :math:`\pi^* = \pi_\text{ref} e^{r/\beta} / Z` can be solved
for the reward, :math:`r(x, y) = \beta \log\frac{\pi^*(y\mid x)}{\pi_\text{ref}(y\mid x)} + \beta\log Z(x)`.
The :math:`\beta \log Z(x)` term depends on the prompt only, so it cancels inside
Bradley–Terry, and the reward-model loss becomes a loss on the policy itself
(Rafailov et al. 2023, eq. 7):

.. math::

    \mathcal{L}_\text{DPO} = -\log\sigma\bigl(\beta h\bigr), \qquad
    h = \log\frac{\pi_\theta(y_w)}{\pi_\text{ref}(y_w)} - \log\frac{\pi_\theta(y_l)}{\pi_\text{ref}(y_l)}.

**Conventions** — those of the DPO authors' reference code (``preference_loss`` in
``eric-mitchell/direct-preference-optimization``), which TRL's ``DPOTrainer`` follows:

* inputs are *sequence* log-probabilities (token log-probabilities summed over the
  response), one pair per entry of 1-D arrays; they must be ≤ 0;
* ``label_smoothing`` ε is the conservative-DPO (cDPO) label-noise rate:
  :math:`-(1-\varepsilon)\log\sigma(\beta h) - \varepsilon\log\sigma(-\beta h)`;
* ``loss_type="ipo"`` is :math:`(h - \tfrac{1}{2\beta})^2` (Azar et al. 2024, eq. 17,
  with τ = β; no per-token averaging);
* ``loss_type="robust"`` is robust DPO (Chowdhury et al. 2024):
  :math:`\bigl[-(1-\varepsilon)\log\sigma(\beta h) + \varepsilon\log\sigma(-\beta h)\bigr]/(1-2\varepsilon)`;
* ``reference_free=True`` drops the reference from :math:`h` (an implicit uniform
  reference), but the reported rewards still use it, as in the reference code;
* the implicit rewards returned are :math:`\beta(\log\pi_\theta(y) - \log\pi_\text{ref}(y))`;
* losses are per pair, not averaged.

The dtype follows the inputs: float32 when all four arrays are float32, else float64.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import NDArray
from scipy.special import expit

from .._validate import as_array, as_positive, as_real
from ..registry import Concept, Tolerance
from ._exact import exact, exact_or_symbol, sigmoid

__all__ = [
    "DPOLoss",
    "PreferenceMetrics",
    "dpo_gradients",
    "dpo_loss",
    "dpo_loss_symbolic",
    "preference_metrics",
]

REFERENCES = (
    "R. Rafailov et al., Direct Preference Optimization: Your Language Model is Secretly a Reward Model, "
    "NeurIPS 2023, eqs. (5)–(7) and §4 (gradient).",
    "E. Mitchell, A note on DPO with noisy preferences and relationship to IPO (cDPO), 2023.",
    "M. G. Azar et al., A General Theoretical Paradigm to Understand Learning from Human Preferences, "
    "AISTATS 2024, eq. (17) (IPO).",
    "S. R. Chowdhury et al., Provably Robust DPO, ICML 2024 (robust DPO).",
    "Reference code: github.com/eric-mitchell/direct-preference-optimization, trainers.py, preference_loss.",
)

LOSS_TYPES = ("sigmoid", "ipo", "robust")


class DPOLoss(NamedTuple):
    """Per-pair DPO losses and the implicit rewards of the chosen and rejected responses."""

    losses: NDArray[Any]
    chosen_rewards: NDArray[Any]
    rejected_rewards: NDArray[Any]


class PreferenceMetrics(NamedTuple):
    """The batch metrics logged during preference training (means over the batch)."""

    accuracy: float
    margin: float
    chosen: float
    rejected: float


class _Batch(NamedTuple):
    h: NDArray[Any]
    chosen: NDArray[Any]
    rejected: NDArray[Any]
    beta: float
    eps: float
    loss_type: str


def _logps(x: Any, name: str, dtype: Any) -> NDArray[Any]:
    a = as_array(x, name, ndim=1, dtype=dtype)
    if np.any(a > 0):
        k = int(np.argmax(a > 0))
        raise ValueError(f"{name}: expected log-probabilities <= 0; got {a[k]} at {name}[{k}]")
    return a


def _raw(x: Any, name: str) -> Any:
    if isinstance(x, (str, bytes)) or x is None:
        return x  # as_array names the argument in its TypeError
    try:
        return np.asarray(x)
    except ValueError:
        raise TypeError(f"{name}: expected a 1-D array of numbers; got a ragged sequence") from None


def _batch(args: tuple[Any, Any, Any, Any], beta: Any, label_smoothing: Any, loss_type: Any, reference_free: Any) -> _Batch:
    names = ("policy_chosen_logps", "policy_rejected_logps", "reference_chosen_logps", "reference_rejected_logps")
    raw = [_raw(a, n) for a, n in zip(args, names)]
    single = all(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in raw)
    dtype = np.float32 if single else np.float64
    pc, pr, rc, rr = (_logps(a, n, dtype) for a, n in zip(raw, names))
    for a, n in zip((pr, rc, rr), names[1:]):
        if a.shape != pc.shape:
            raise ValueError(f"{n}: expected the shape of policy_chosen_logps {pc.shape}; got shape {a.shape}")
    b = as_positive(beta, "beta")
    eps = as_real(label_smoothing, "label_smoothing")
    if not 0 <= eps < 0.5:
        raise ValueError(f"label_smoothing: expected a number in [0, 0.5); got {eps}")
    if not isinstance(loss_type, str) or loss_type not in LOSS_TYPES:
        raise ValueError(f"loss_type: expected one of {LOSS_TYPES}; got {loss_type!r}")
    if loss_type == "ipo" and eps != 0:
        raise ValueError(f"label_smoothing: the IPO loss has no label smoothing, expected 0; got {eps}")
    if not isinstance(reference_free, (bool, np.bool_)):
        raise TypeError(f"reference_free: expected True or False; got {reference_free!r}")
    h = (pc - pr) if reference_free else (pc - rc) - (pr - rr)
    cast = lambda v: np.asarray(v, dtype=dtype)  # noqa: E731
    return _Batch(h, cast(b * (pc - rc)), cast(b * (pr - rr)), b, eps, loss_type)


def dpo_loss(
    policy_chosen_logps: Any,
    policy_rejected_logps: Any,
    reference_chosen_logps: Any,
    reference_rejected_logps: Any,
    *,
    beta: float,
    label_smoothing: float = 0.0,
    loss_type: str = "sigmoid",
    reference_free: bool = False,
) -> DPOLoss:
    r"""Per-pair DPO (or cDPO, IPO, robust DPO) losses and implicit rewards, stable for any margin.

    Parameters
    ----------
    policy_chosen_logps, policy_rejected_logps
        :math:`\log\pi_\theta(y_w\mid x)`, :math:`\log\pi_\theta(y_l\mid x)`: 1-D arrays of
        finite numbers ≤ 0, one entry per pair.
    reference_chosen_logps, reference_rejected_logps
        :math:`\log\pi_\text{ref}(y_w\mid x)`, :math:`\log\pi_\text{ref}(y_l\mid x)`, same shape.
    beta
        :math:`\beta > 0`, the KL coefficient (for IPO, the regularization τ).
    label_smoothing
        :math:`\varepsilon \in [0, 0.5)`, the assumed rate of flipped labels (cDPO,
        robust DPO); must be 0 for IPO.
    loss_type
        ``"sigmoid"`` (DPO, cDPO), ``"ipo"`` or ``"robust"``.
    reference_free
        Use :math:`h = \log\pi_\theta(y_w) - \log\pi_\theta(y_l)` (no reference in the loss).

    Returns
    -------
    DPOLoss
        ``(losses, chosen_rewards, rejected_rewards)``, each the inputs' shape; the
        rewards are :math:`\beta(\log\pi_\theta - \log\pi_\text{ref})`.

    Raises
    ------
    TypeError
        Non-numeric arrays or a non-boolean ``reference_free``.
    ValueError
        Shapes that differ or are not 1-D; NaN, inf or positive log-probabilities;
        β ≤ 0; ε outside [0, 0.5) or nonzero with IPO; an unknown ``loss_type``.

    Notes
    -----
    With :math:`h = (\log\pi_\theta(y_w) - \log\pi_\text{ref}(y_w)) - (\log\pi_\theta(y_l) - \log\pi_\text{ref}(y_l))`
    and :math:`z = \beta h`:

    .. math::

        \text{sigmoid: } (1-\varepsilon)\,\mathrm{sp}(-z) + \varepsilon\,\mathrm{sp}(z), \quad
        \text{ipo: } (h - \tfrac{1}{2\beta})^2, \quad
        \text{robust: } \frac{(1-\varepsilon)\,\mathrm{sp}(-z) - \varepsilon\,\mathrm{sp}(z)}{1-2\varepsilon},

    where :math:`\mathrm{sp}(u) = \log(1 + e^u) = -\log\sigma(-u)`. Since
    :math:`\mathrm{sp}(z) = \mathrm{sp}(-z) + z`, the code evaluates one softplus:
    sigmoid is :math:`\mathrm{sp}(-z) + \varepsilon z`, robust is
    :math:`\mathrm{sp}(-z) - \frac{\varepsilon}{1-2\varepsilon} z`, with
    :math:`\mathrm{sp}(u) = \max(u, 0) + \operatorname{log1p}(e^{-|u|})`, finite for
    every finite :math:`u` (:math:`|z| = 10^6` included).

    References
    ----------
    Rafailov et al. (2023), eq. (7); Mitchell (2023) for cDPO; Azar et al. (2024), eq. (17);
    Chowdhury et al. (2024); the DPO reference code's ``preference_loss``.

    Examples
    --------
    >>> out = dpo_loss([-1.0], [-2.0], [-1.5], [-1.5], beta=0.1)
    >>> out.losses.round(6)            # -log σ(0.1 · ((-1 + 1.5) - (-2 + 1.5)))
    array([0.644397])
    >>> out.chosen_rewards, out.rejected_rewards
    (array([0.05]), array([-0.05]))
    """
    b = _batch(
        (policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps),
        beta, label_smoothing, loss_type, reference_free,
    )
    z = b.beta * b.h
    if b.loss_type == "ipo":
        losses = (b.h - 1 / (2 * b.beta)) ** 2
    elif b.loss_type == "sigmoid":
        losses = _softplus(-z) + b.eps * z if b.eps else _softplus(-z)  # sp(z) = sp(-z) + z
    else:
        losses = _softplus(-z) - (b.eps / (1 - 2 * b.eps)) * z
    return DPOLoss(np.asarray(losses, dtype=b.h.dtype), b.chosen, b.rejected)


def _softplus(u: NDArray[Any]) -> NDArray[Any]:
    """log(1 + e^u) without overflow: max(u, 0) + log1p(e^(-|u|))."""
    return np.maximum(u, 0) + np.log1p(np.exp(-np.abs(u)))


def dpo_gradients(
    policy_chosen_logps: Any,
    policy_rejected_logps: Any,
    reference_chosen_logps: Any,
    reference_rejected_logps: Any,
    *,
    beta: float,
    label_smoothing: float = 0.0,
    loss_type: str = "sigmoid",
    reference_free: bool = False,
) -> tuple[NDArray[Any], NDArray[Any]]:
    r"""Derivatives of each pair's loss with respect to the policy's chosen and rejected log-probabilities.

    Parameters
    ----------
    policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta, label_smoothing, loss_type, reference_free
        As in :func:`dpo_loss`.

    Returns
    -------
    d_chosen, d_rejected
        :math:`\partial\mathcal{L}_i/\partial\log\pi_\theta(y_{w,i})` and
        :math:`\partial\mathcal{L}_i/\partial\log\pi_\theta(y_{l,i})`; always
        ``d_rejected == -d_chosen``. Chain them with :math:`\nabla_\theta\log\pi_\theta`.

    Raises
    ------
    TypeError, ValueError
        As :func:`dpo_loss`.

    Notes
    -----
    For DPO :math:`\partial\mathcal{L}/\partial h = -\beta\,\sigma(-\beta h) = -\beta\,\sigma(\hat r_l - \hat r_w)`:
    the pair's weight is large when the implicit reward orders it wrongly
    (Rafailov et al. 2023, §4). With ε (using :math:`\sigma(z) = 1 - \sigma(-z)`):
    :math:`\beta\bigl[\varepsilon - \sigma(-z)\bigr]`; robust:
    :math:`-\beta\bigl[\sigma(-z) + \varepsilon/(1-2\varepsilon)\bigr]`;
    IPO: :math:`2(h - \tfrac{1}{2\beta})`. σ is :func:`scipy.special.expit`, so every
    value is finite and bounded by β for any margin.

    Examples
    --------
    >>> dc, dr = dpo_gradients([-1.0], [-1.0], [-1.0], [-1.0], beta=0.5)
    >>> dc, dr          # h = 0: -β σ(0) = -β/2
    (array([-0.25]), array([0.25]))
    """
    b = _batch(
        (policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps),
        beta, label_smoothing, loss_type, reference_free,
    )
    z = b.beta * b.h
    if b.loss_type == "ipo":
        dh = 2 * (b.h - 1 / (2 * b.beta))
    elif b.loss_type == "sigmoid":
        dh = b.beta * (b.eps - expit(-z))  # σ(z) = 1 − σ(−z)
    else:
        dh = -b.beta * (expit(-z) + b.eps / (1 - 2 * b.eps))
    d = np.asarray(dh, dtype=b.h.dtype)
    return d, -d


def preference_metrics(chosen_rewards: Any, rejected_rewards: Any) -> PreferenceMetrics:
    r"""Reward accuracy, mean margin and mean rewards of a batch — the numbers logged while training.

    Parameters
    ----------
    chosen_rewards, rejected_rewards
        Implicit rewards :math:`\hat r_w, \hat r_l` per pair (from :func:`dpo_loss`),
        finite 1-D arrays of the same shape.

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

    Notes
    -----
    These are TRL's ``rewards/accuracies``, ``rewards/margins``, ``rewards/chosen``
    and ``rewards/rejected``, and the DPO reference code's ``rewards_train/*``.

    Examples
    --------
    >>> preference_metrics([0.5, -0.25, 0.0, 1.0], [0.25, 0.5, 0.0, 0.0])
    PreferenceMetrics(accuracy=0.5, margin=0.125, chosen=0.3125, rejected=0.1875)
    """
    w = as_array(chosen_rewards, "chosen_rewards", ndim=1)
    lo = as_array(rejected_rewards, "rejected_rewards", ndim=1)
    if w.shape != lo.shape:
        raise ValueError(f"rejected_rewards: expected the shape of chosen_rewards {w.shape}; got shape {lo.shape}")
    return PreferenceMetrics(float(np.mean(w > lo)), float(np.mean(w - lo)), float(np.mean(w)), float(np.mean(lo)))


def dpo_loss_symbolic(
    policy_chosen_logp: Any,
    policy_rejected_logp: Any,
    reference_chosen_logp: Any,
    reference_rejected_logp: Any,
    *,
    beta: Any,
    label_smoothing: Any = 0,
    loss_type: str = "sigmoid",
) -> sp.Expr:
    r"""Exact DPO loss of one pair, from the definitions (σ and log written out).

    Parameters
    ----------
    policy_chosen_logp, policy_rejected_logp, reference_chosen_logp, reference_rejected_logp
        The four sequence log-probabilities of one pair: exact numbers ≤ 0, or SymPy
        symbols (to differentiate the loss).
    beta
        :math:`\beta > 0`, exact.
    label_smoothing
        :math:`\varepsilon \in [0, 1/2)`, exact (0 for IPO).
    loss_type
        ``"sigmoid"``, ``"ipo"`` or ``"robust"``, as in :func:`dpo_loss`.

    Returns
    -------
    sympy.Expr
        The loss, e.g. :math:`-(1-\varepsilon)\log\sigma(\beta h) - \varepsilon\log\sigma(-\beta h)`.

    Raises
    ------
    TypeError, ValueError
        Non-numeric arguments, a positive log-probability, β ≤ 0, ε out of range,
        or an unknown ``loss_type``.

    Notes
    -----
    :math:`\sigma(u) = 1/(1 + e^{-u})` and :math:`h` as in :func:`dpo_loss`.

    Examples
    --------
    >>> dpo_loss_symbolic(-1, -2, "-1.5", "-1.5", beta="0.1")
    -log(1/(exp(-1/10) + 1))
    """
    names = ("policy_chosen_logp", "policy_rejected_logp", "reference_chosen_logp", "reference_rejected_logp")
    args = (policy_chosen_logp, policy_rejected_logp, reference_chosen_logp, reference_rejected_logp)
    vals = [exact_or_symbol(v, n) for v, n in zip(args, names)]
    for v, n in zip(vals, names):
        if v.is_positive:
            raise ValueError(f"{n}: expected a log-probability <= 0; got {v}")
    b, eps = exact(beta, "beta"), exact(label_smoothing, "label_smoothing")
    if not b > 0:
        raise ValueError(f"beta: expected a number > 0; got {b}")
    if not (0 <= eps < sp.Rational(1, 2)):
        raise ValueError(f"label_smoothing: expected a number in [0, 1/2); got {eps}")
    h = (vals[0] - vals[2]) - (vals[1] - vals[3])
    if loss_type == "ipo":
        return (h - 1 / (2 * b)) ** 2
    clean, flipped = -sp.log(sigmoid(b * h)), -sp.log(sigmoid(-b * h))
    if loss_type == "sigmoid":
        return (1 - eps) * clean + eps * flipped
    if loss_type == "robust":
        return ((1 - eps) * clean - eps * flipped) / (1 - 2 * eps)
    raise ValueError(f"loss_type: expected one of {LOSS_TYPES}; got {loss_type!r}")


# ---------------------------------------------------------------- registry
def _inputs() -> Any:
    from hypothesis import strategies as st

    from ..testing import rationals

    logp = rationals(-30, 0, 8)
    return st.fixed_dictionaries({
        "logps": st.tuples(logp, logp, logp, logp),
        "beta": st.sampled_from([sp.Rational(1, 10), sp.Rational(1, 2), sp.Integer(1), sp.Integer(5)]),
        "eps": st.sampled_from([sp.Integer(0), sp.Rational(1, 10), sp.Rational(1, 4)]),
        "loss_type": st.sampled_from(LOSS_TYPES),
    })


def _symbolic(ex: dict[str, Any]) -> float:
    eps = 0 if ex["loss_type"] == "ipo" else ex["eps"]
    return float(sp.N(dpo_loss_symbolic(*ex["logps"], beta=ex["beta"], label_smoothing=eps, loss_type=ex["loss_type"]), 30))


def _numeric(ex: dict[str, Any]) -> float:
    eps = 0.0 if ex["loss_type"] == "ipo" else float(ex["eps"])
    arrays = [np.array([float(v)]) for v in ex["logps"]]
    return float(dpo_loss(*arrays, beta=float(ex["beta"]), label_smoothing=eps, loss_type=ex["loss_type"]).losses[0])


CONCEPTS = (
    Concept(
        name="dpo-loss",
        area="alignment",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-12, atol=1e-14, why="inputs are exact in float64; softplus has condition number ≤ 1"),
        references=REFERENCES,
        page="alignment/dpo.md",
    ),
)

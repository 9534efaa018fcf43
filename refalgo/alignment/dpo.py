r"""Direct preference optimization: the reward model folded into the policy by a change of variables.

Solving the KL-regularized optimum for the reward, :math:`r = \beta\log(\pi^*/\pi_\text{ref}) + \beta\log Z(x)`,
and putting it into Bradley–Terry cancels :math:`Z(x)`: the reward-model loss becomes a
loss on the policy itself, :math:`-\log\sigma(\beta h)` with
:math:`h = \log\frac{\pi_\theta(y_w)}{\pi_\text{ref}(y_w)} - \log\frac{\pi_\theta(y_l)}{\pi_\text{ref}(y_l)}`
(Rafailov et al. 2023, eq. 7); :func:`derivations` proves each step.

**Conventions** — those of the DPO authors' reference code (``preference_loss`` in
``eric-mitchell/direct-preference-optimization``), which TRL's ``DPOTrainer`` follows:

* inputs are *sequence* log-probabilities (token log-probabilities summed over the
  response), ≤ 0, one pair per entry of 1-D arrays (the symbolic twin takes one pair);
* ``label_smoothing`` ε is the conservative-DPO (cDPO) label-noise rate:
  :math:`-(1-\varepsilon)\log\sigma(\beta h) - \varepsilon\log\sigma(-\beta h)`;
* ``loss_type="ipo"`` is :math:`(h - \tfrac{1}{2\beta})^2` (Azar et al. 2024, eq. 17,
  with τ = β; no per-token averaging, unlike TRL);
* ``loss_type="robust"`` is robust DPO (Chowdhury et al. 2024):
  :math:`\bigl[-(1-\varepsilon)\log\sigma(\beta h) + \varepsilon\log\sigma(-\beta h)\bigr]/(1-2\varepsilon)`;
* ``reference_free=True`` drops the reference from :math:`h`, but the returned
  rewards still use it, as in the reference code;
* the implicit rewards are :math:`\beta(\log\pi_\theta(y) - \log\pi_\text{ref}(y))`;
* losses and gradients are per pair, not averaged; the dtype follows the inputs
  (float32 when all four arrays are float32, else float64).

**Fast path.** On large batches (``backend="auto"``, 2048 pairs or more, numba installed)
:func:`dpo_loss` and :func:`dpo_gradients` hand four same-dtype 1-D arrays to the compiled
kernels of :mod:`refalgo.alignment._engine.batched`, which finish each pair in one pass over
memory, optionally on several ``threads``; ``backend="numpy"`` always runs the readable
formulas below. The float64 rewards and gradients are the same to the last bit, and so are
the losses where NumPy's float64 ``exp`` and ``log1p`` are the C library's (with AVX-512 NumPy
uses its own, and the losses may differ by 2 units in the last place); float32 losses and
gradients may differ by a few units in the last place (the engine module states the bound).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from .._backend import check as check_backend
from .._exact import ExactNumber, exact, exact_positive
from .._validate import as_array, as_flag, as_positive, as_real
from ..derivation import Derivation, Step
from ..functions import sigmoid
from ..parsing import Notation
from ..registry import Concept, Tolerance
from ._engine.batched import as_threads, fast_gradients, fast_losses
from ._engine.stable import softplus

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "DPOLoss",
    "derivations",
    "dpo_gradients",
    "dpo_loss",
    "dpo_loss_symbolic",
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
_NAMES = ("policy_chosen_logps", "policy_rejected_logps", "reference_chosen_logps", "reference_rejected_logps")


class DPOLoss(NamedTuple):
    """Per-pair DPO losses and the implicit rewards of the chosen and rejected responses."""

    losses: NDArray[Any]
    chosen_rewards: NDArray[Any]
    rejected_rewards: NDArray[Any]


def _check_options(eps: float | sp.Expr, loss_type: object) -> str:
    """``loss_type`` checked, and ε in [0, 1/2) (0 for IPO), for both twins."""
    if not 0 <= eps < sp.Rational(1, 2):
        raise ValueError(f"label_smoothing: expected a number in [0, 0.5); got {eps}")
    if not isinstance(loss_type, str) or loss_type not in LOSS_TYPES:
        raise ValueError(f"loss_type: expected one of {LOSS_TYPES}; got {loss_type!r}")
    if loss_type == "ipo" and eps != 0:
        raise ValueError(f"label_smoothing: the IPO loss has no label smoothing, expected 0; got {eps}")
    return loss_type


# ---------------------------------------------------------------- symbolic twin
def dpo_loss_symbolic(
    policy_chosen_logps: ExactNumber,
    policy_rejected_logps: ExactNumber,
    reference_chosen_logps: ExactNumber,
    reference_rejected_logps: ExactNumber,
    *,
    beta: ExactNumber,
    label_smoothing: ExactNumber = 0,
    loss_type: str = "sigmoid",
    reference_free: bool = False,
) -> sp.Expr:
    r"""Exact DPO (or cDPO, IPO, robust DPO) loss of one pair, with σ and log written out.

    :math:`\log\pi_\theta(y_w)`, :math:`\log\pi_\theta(y_l)`, :math:`\log\pi_\text{ref}(y_w)`,
    :math:`\log\pi_\text{ref}(y_l)` are the four log-probability arguments; β is ``beta``,
    ε is ``label_smoothing``.

    Parameters
    ----------
    policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps
        The four sequence log-probabilities of one pair: exact numbers ≤ 0 (ints,
        Fractions, ``"p/q"`` or decimal strings, SymPy numbers), or SymPy symbols.
    beta, label_smoothing, loss_type, reference_free
        As in :func:`dpo_loss`, β and ε exact.

    Returns
    -------
    sympy.Expr
        The loss, e.g. :math:`-(1-\varepsilon)\log\sigma(\beta h) - \varepsilon\log\sigma(-\beta h)`.

    Raises
    ------
    TypeError, ValueError
        Non-numeric arguments, a positive log-probability, β ≤ 0, ε out of range or
        nonzero with IPO, an unknown ``loss_type``, a non-boolean ``reference_free``.

    References
    ----------
    Rafailov et al. (2023), eq. (7); Azar et al. (2024), eq. (17); Chowdhury et al. (2024).

    Examples
    --------
    >>> dpo_loss_symbolic(-1, -2, "-1.5", "-1.5", beta="0.1")
    -log(1/(exp(-1/10) + 1))
    """
    args = (policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps)
    pc, pr, rc, rr = (exact(v, n, symbolic=True) for v, n in zip(args, _NAMES))
    for v, n in zip((pc, pr, rc, rr), _NAMES):
        if v.is_positive:
            raise ValueError(f"{n}: expected a log-probability <= 0; got {v}")
    b, eps = exact_positive(beta, "beta"), exact(label_smoothing, "label_smoothing")
    loss_type = _check_options(eps, loss_type)
    h = (pc - pr) if as_flag(reference_free, "reference_free") else (pc - rc) - (pr - rr)  # (7) h
    if loss_type == "ipo":
        return (h - 1 / (2 * b)) ** 2  # IPO (17), τ = β
    clean, flipped = -sp.log(sigmoid(b * h)), -sp.log(sigmoid(-b * h))  # (7) −log σ(±βh)
    if loss_type == "sigmoid":
        return (1 - eps) * clean + eps * flipped  # cDPO: labels flipped with probability ε
    return ((1 - eps) * clean - eps * flipped) / (1 - 2 * eps)  # robust DPO


# ---------------------------------------------------------------- numeric twins
def _logps(args: Sequence[ArrayLike]) -> list[NDArray[Any]]:
    """The four log-probability arrays: 1-D, one shape, finite, ≤ 0, in the common dtype."""
    try:
        single = all(np.asarray(a).dtype == np.float32 for a in args)
    except ValueError:  # ragged rows: as_array names the argument below
        single = False
    dtype = np.float32 if single else np.float64
    first = as_array(args[0], _NAMES[0], ndim=1, dtype=dtype)
    out = [first] + [as_array(a, n, shape=first.shape, dtype=dtype) for a, n in zip(args[1:], _NAMES[1:])]
    for a, n in zip(out, _NAMES):
        if np.any(a > 0):
            k = int(np.argmax(a > 0))
            raise ValueError(f"{n}: expected log-probabilities <= 0; got {a[k]} at {n}[{k}]")
    return out


def _options(beta: float, label_smoothing: float, loss_type: str, reference_free: bool) -> tuple[float, float, str, bool]:
    b, eps = as_positive(beta, "beta"), as_real(label_smoothing, "label_smoothing")
    return b, eps, _check_options(eps, loss_type), as_flag(reference_free, "reference_free")


def _engine_options(backend: str, threads: int) -> tuple[str, int]:
    """``backend`` and ``threads`` checked."""
    return check_backend(backend), as_threads(threads)


def dpo_loss(
    policy_chosen_logps: ArrayLike,
    policy_rejected_logps: ArrayLike,
    reference_chosen_logps: ArrayLike,
    reference_rejected_logps: ArrayLike,
    *,
    beta: float,
    label_smoothing: float = 0.0,
    loss_type: str = "sigmoid",
    reference_free: bool = False,
    backend: str = "auto",
    threads: int = 1,
) -> DPOLoss:
    r"""Per-pair DPO (or cDPO, IPO, robust DPO) losses and implicit rewards, stable for any margin.

    Symbols as in :func:`dpo_loss_symbolic`; the softplus :math:`\mathrm{sp}(u) = -\log\sigma(-u)`
    is evaluated without overflow (:math:`|\beta h| = 10^6` included).

    Parameters
    ----------
    policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps
        :math:`\log\pi_\theta(y_w)`, :math:`\log\pi_\theta(y_l)`, :math:`\log\pi_\text{ref}(y_w)`,
        :math:`\log\pi_\text{ref}(y_l)`: 1-D arrays of finite numbers ≤ 0, one entry per pair.
    beta
        :math:`\beta > 0`, the KL coefficient (for IPO, the regularization τ).
    label_smoothing
        :math:`\varepsilon \in [0, 0.5)`, the rate of flipped labels (cDPO, robust DPO); 0 for IPO.
    loss_type, reference_free
        ``"sigmoid"`` (DPO, cDPO), ``"ipo"`` or ``"robust"``; whether :math:`h` leaves out the reference.
    backend, threads
        ``"auto"`` (the compiled fast path for 2048 pairs or more when numba is installed),
        ``"numba"`` (always; ImportError without numba) or ``"numpy"`` (the readable
        formulas only); how many threads share the fast path's blocks of pairs.

    Returns
    -------
    DPOLoss
        ``(losses, chosen_rewards, rejected_rewards)``, each the inputs' shape.

    Raises
    ------
    TypeError, ValueError
        Non-numeric arrays, a non-boolean ``reference_free``, a non-string ``backend`` or a
        non-integer ``threads`` (TypeError); ragged, non-1-D or differing shapes, NaN, inf or
        positive log-probabilities, β ≤ 0, ε outside [0, 0.5) or nonzero with IPO, an unknown
        ``loss_type`` or ``backend``, ``threads`` < 1 (ValueError).

    References
    ----------
    Rafailov et al. (2023), eq. (7); the DPO reference code's ``preference_loss``.

    Examples
    --------
    >>> out = dpo_loss([-1.0], [-2.0], [-1.5], [-1.5], beta=0.1)
    >>> out.losses.round(6), out.chosen_rewards, out.rejected_rewards
    (array([0.644397]), array([0.05]), array([-0.05]))
    """
    logps = (policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps)
    b, eps, loss_type, free = _options(beta, label_smoothing, loss_type, reference_free)
    fast = fast_losses(logps, b, eps, loss_type, free, *_engine_options(backend, threads))
    if fast is not None:
        return DPOLoss(*fast)
    pc, pr, rc, rr = _logps(logps)
    h = (pc - pr) if free else (pc - rc) - (pr - rr)  # (7) log π_θ/π_ref of y_w minus that of y_l
    z = b * h
    if loss_type == "ipo":
        losses = (h - 1 / (2 * b)) ** 2  # IPO (17), τ = β
    elif loss_type == "sigmoid":
        losses = softplus(-z) + eps * z if eps else softplus(-z)  # (7) −log σ(z); cDPO: + ε z, as sp(z) = sp(−z) + z
    else:
        losses = softplus(-z) - (eps / (1 - 2 * eps)) * z  # robust DPO, one softplus
    chosen_rewards = b * (pc - rc)  # (5) implicit reward β log π_θ(y_w)/π_ref(y_w)
    rejected_rewards = b * (pr - rr)
    return DPOLoss(*(np.asarray(v, dtype=h.dtype) for v in (losses, chosen_rewards, rejected_rewards)))


def dpo_gradients(
    policy_chosen_logps: ArrayLike,
    policy_rejected_logps: ArrayLike,
    reference_chosen_logps: ArrayLike,
    reference_rejected_logps: ArrayLike,
    *,
    beta: float,
    label_smoothing: float = 0.0,
    loss_type: str = "sigmoid",
    reference_free: bool = False,
    backend: str = "auto",
    threads: int = 1,
) -> tuple[NDArray[Any], NDArray[Any]]:
    r"""Derivatives of each pair's loss with respect to the policy's chosen and rejected log-probabilities.

    Symbols as in :func:`dpo_loss_symbolic`; σ is :func:`scipy.special.expit`, so every
    value is finite and bounded by β for any margin.

    Parameters
    ----------
    policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps, beta, label_smoothing, loss_type, reference_free, backend, threads
        As in :func:`dpo_loss`.

    Returns
    -------
    d_chosen, d_rejected
        :math:`\partial\mathcal{L}_i/\partial\log\pi_\theta(y_{w,i})` and its negative,
        :math:`\partial\mathcal{L}_i/\partial\log\pi_\theta(y_{l,i})`.

    Raises
    ------
    TypeError, ValueError
        As :func:`dpo_loss`.

    References
    ----------
    Rafailov et al. (2023), §4.

    Examples
    --------
    >>> dpo_gradients([-1.0], [-1.0], [-1.0], [-1.0], beta=0.5)  # h = 0: -β σ(0) = -β/2
    (array([-0.25]), array([0.25]))
    """
    logps = (policy_chosen_logps, policy_rejected_logps, reference_chosen_logps, reference_rejected_logps)
    b, eps, loss_type, free = _options(beta, label_smoothing, loss_type, reference_free)
    fast = fast_gradients(logps, b, eps, loss_type, free, *_engine_options(backend, threads))
    if fast is not None:
        return fast
    pc, pr, rc, rr = _logps(logps)
    h = (pc - pr) if free else (pc - rc) - (pr - rr)  # (7) h
    z = b * h
    if loss_type == "ipo":
        dh = 2 * (h - 1 / (2 * b))  # d/dh (h − 1/(2β))²
    elif loss_type == "sigmoid":
        dh = b * (eps - expit(-z))  # §4: −β σ(−βh); cDPO adds βε, as σ(z) = 1 − σ(−z)
    else:
        dh = -b * (expit(-z) + eps / (1 - 2 * eps))  # robust DPO
    d = np.asarray(dh, dtype=h.dtype)
    return d, -d  # ∂h/∂log π_θ(y_w) = 1, ∂h/∂log π_θ(y_l) = −1


# ---------------------------------------------------------------- derivations
_BETA = sp.Symbol("beta", positive=True)
_PW, _PL, _QW, _QL = sp.symbols(r"{\pi_\theta(y_w)} {\pi_\theta(y_l)} {\pi_{ref}(y_w)} {\pi_{ref}(y_l)}", positive=True)
_Z = sp.Symbol("Z(x)", positive=True)
_REWARD, _STAR, _REF = sp.Symbol("r(x,y)", real=True), sp.Symbol(r"{\pi^*(y|x)}", positive=True), sp.Symbol(r"\pi_{ref}(y|x)", positive=True)
_U, _Z_MARGIN, _EPS = sp.Symbol("u", real=True), sp.Symbol("z", real=True), sp.Symbol("varepsilon", nonnegative=True)
_THETA = sp.Symbol("theta", real=True)
_ELL_W, _ELL_L = sp.Function("ell_w"), sp.Function("ell_l")  # ℓ(θ) = log π_θ(y | x)
_A_W, _A_L = sp.symbols(r"\log\pi_{ref}(y_w) \log\pi_{ref}(y_l)", real=True)
_RHAT_W, _RHAT_L = sp.symbols(r"\hat{r}_w \hat{r}_l", real=True)


def _reparametrization() -> Derivation:
    return Derivation(
        "Reparametrization: the reward in terms of the optimal policy",
        [
            Step(sp.Eq(sp.log(_STAR), sp.log(_REF) + _REWARD / _BETA - sp.log(_Z)), r"log of $\pi^* = \pi_{\mathrm{ref}}\, e^{r/\beta} / Z$"),
            Step(sp.Eq(_REWARD, _BETA * sp.log(_STAR) - _BETA * sp.log(_REF) + _BETA * sp.log(_Z)),
                 r"multiply by $-\beta$ and rearrange", factor=-_BETA,
                 display=r"r(x, y) = \beta \log \frac{\pi^*(y|x)}{\pi_{ref}(y|x)} + \beta \log Z(x)"),
        ],
        names={_REWARD: "r(x, y)", _STAR: r"\pi^*(y|x)", _REF: r"\pi_{ref}(y|x)", _Z: "Z(x)"},
        notation=Notation(scalars=("beta",)),
    )


# How the page writes the four probabilities, read back when the display forms are compared.
_LOG_RATIOS = r"\beta \log \frac{\pi_\theta(y_w)}{\pi_{ref}(y_w)} - \beta \log \frac{\pi_\theta(y_l)}{\pi_{ref}(y_l)}"
_PROBABILITY_NAMES = {_PW: r"\pi_\theta(y_w)", _PL: r"\pi_\theta(y_l)", _QW: r"\pi_{ref}(y_w)", _QL: r"\pi_{ref}(y_l)"}


def _z_cancels() -> Derivation:
    r_w, r_l = sp.symbols("r_w r_l", real=True)
    return Derivation(
        r"$Z(x)$ cancels inside Bradley–Terry",
        [
            Step(sigmoid(r_w - r_l), r"Bradley–Terry with $r = \beta \log(\pi_\theta / \pi_{\mathrm{ref}}) + \beta \log Z(x)$",
                 display=r"\sigma(r_w - r_l)"),
            Step(sigmoid(_BETA * sp.log(_PW / _QW) - _BETA * sp.log(_PL / _QL)), r"$\beta \log Z(x) - \beta \log Z(x) = 0$",
                 display=rf"\sigma\Bigl({_LOG_RATIOS}\Bigr)"),
        ],
        where={r_w: _BETA * sp.log(_PW / _QW) + _BETA * sp.log(_Z), r_l: _BETA * sp.log(_PL / _QL) + _BETA * sp.log(_Z)},
        lhs_latex=r"P(y_w \succ y_l \mid x)",
        names=_PROBABILITY_NAMES,
        notation=Notation(scalars=("beta",)),
    )


def _dpo_objective() -> Derivation:
    u = _BETA * sp.log(_PW / _QW) - _BETA * sp.log(_PL / _QL)
    return Derivation(
        "The DPO loss and its stable form",
        [
            Step(-sp.log(sigmoid(u)), r"negative log-likelihood of $y_w \succ y_l$",
                 display=rf"-\log \sigma\Bigl({_LOG_RATIOS}\Bigr)"),
            Step(sp.log(1 + (_PL * _QW / (_PW * _QL)) ** _BETA), r"$-\log \sigma(u) = \log(1 + e^{-u})$ and $e^{-\beta \log a} = a^{-\beta}$",
                 display=r"\log\Bigl(1 + \Bigl(\frac{\pi_\theta(y_l) \, \pi_{ref}(y_w)}{\pi_\theta(y_w) \, \pi_{ref}(y_l)}\Bigr)^{\beta}\Bigr)"),
            Step(sp.log(1 + sp.exp(-u)), r"the softplus of $-\beta h$",
                 display=rf"\log\Bigl(1 + e^{{-({_LOG_RATIOS})}}\Bigr)"),
        ],
        lhs_latex=r"\mathcal{L}_\text{DPO}",
        names=_PROBABILITY_NAMES,
        notation=Notation(scalars=("beta",)),
    )


def _softplus_without_overflow() -> Derivation:
    return Derivation(
        r"Softplus without overflow ($u = -\beta h$)",
        [
            Step(sp.log(1 + sp.exp(_U)), "definition", display=r"\log(1 + e^{u})"),
            Step(sp.Piecewise((_U + sp.log(1 + sp.exp(-_U)), _U >= 0), (sp.log(1 + sp.exp(_U)), True)),
                 r"for $u \ge 0$ pull out $e^{u}$: $\max(u, 0) + \log(1 + e^{-|u|})$"),
        ],
        lhs_latex=r"\mathrm{sp}(u)",
    )


def _gradient() -> Derivation:
    loss = -sp.log(sigmoid(_BETA * (_ELL_W(_THETA) - _A_W) - _BETA * (_ELL_L(_THETA) - _A_L)))
    dw, dl = sp.Derivative(_ELL_W(_THETA), _THETA), sp.Derivative(_ELL_L(_THETA), _THETA)
    grad = sp.Symbol(r"\partial_\theta \mathcal{L}_\text{DPO}")
    return Derivation(
        "The DPO gradient",
        [
            Step(sp.Eq(grad, sp.Derivative(loss, _THETA)), r"differentiate the loss with respect to a parameter $\theta$",
                 display=r"\frac{\partial \mathcal{L}_{\text{DPO}}}{\partial \theta} = \frac{d}{d\theta} \Bigl[-\log \sigma"
                         r"\bigl(\beta (\ell_w(\theta) - \log\pi_{ref}(y_w)) - \beta (\ell_l(\theta) - \log\pi_{ref}(y_l))\bigr)\Bigr]"),
            Step(-_BETA * sp.exp(-(_RHAT_W - _RHAT_L)) / (1 + sp.exp(-(_RHAT_W - _RHAT_L))) * (dw - dl),
                 r"chain rule: $\frac{d}{du}\bigl[-\log \sigma(u)\bigr] = -\sigma(-u)$",
                 display=r"-\beta \, \frac{e^{-(\hat r_w - \hat r_l)}}{1 + e^{-(\hat r_w - \hat r_l)}} "
                         r"\left(\frac{d}{d\theta} \ell_w(\theta) - \frac{d}{d\theta} \ell_l(\theta)\right)"),
            Step(-_BETA * sigmoid(_RHAT_L - _RHAT_W) * (dw - dl), r"$\frac{e^{-u}}{1 + e^{-u}} = \sigma(-u)$",
                 display=r"-\beta \, \sigma(\hat r_l - \hat r_w) "
                         r"\left(\frac{d}{d\theta} \ell_w(\theta) - \frac{d}{d\theta} \ell_l(\theta)\right)"),
        ],
        where={_RHAT_W: _BETA * (_ELL_W(_THETA) - _A_W), _RHAT_L: _BETA * (_ELL_L(_THETA) - _A_L)},
        names={_RHAT_W: r"\hat r_w", _RHAT_L: r"\hat r_l", _A_W: r"\log\pi_{ref}(y_w)", _A_L: r"\log\pi_{ref}(y_l)",
               grad: r"\frac{\partial \mathcal{L}_{\text{DPO}}}{\partial \theta}"},
        notation=Notation(functions=("ell_w", "ell_l"), scalars=("beta",)),
        symbols={r"\ell_w(\theta)": r"$\log \pi_\theta(y_w \mid x)$, the policy's log-probability of the preferred answer",
                 r"\ell_l(\theta)": "the same for the rejected answer"},
    )


def _conservative_in_one_softplus() -> Derivation:
    z, eps = _Z_MARGIN, _EPS
    return Derivation(
        r"Conservative DPO with one softplus ($z = \beta h$)",
        [
            Step(-(1 - eps) * sp.log(sigmoid(z)) - eps * sp.log(sigmoid(-z)), r"labels flipped with probability $\varepsilon$",
                 display=r"-(1 - \varepsilon) \log \sigma(z) - \varepsilon \log \sigma(-z)"),
            Step((1 - eps) * sp.log(1 + sp.exp(-z)) + eps * sp.log(1 + sp.exp(z)), r"$-\log \sigma(u) = \log(1 + e^{-u})$",
                 display=r"(1 - \varepsilon) \log(1 + e^{-z}) + \varepsilon \log(1 + e^{z})"),
            Step(sp.log(1 + sp.exp(-z)) + eps * z, r"$\log(1 + e^{z}) = \log(1 + e^{-z}) + z$",
                 display=r"\log(1 + e^{-z}) + \varepsilon z"),
        ],
        lhs_latex=r"\mathcal{L}_\varepsilon",
        names={eps: r"\varepsilon"},
    )


def derivations() -> tuple[Derivation, ...]:
    """The verified derivations of the DPO page: reparametrization, cancellation of Z, the loss, its gradient.

    Returns
    -------
    tuple of Derivation
        Each verified when the page builds; the last shows that conservative DPO
        needs one softplus, as :func:`dpo_loss` computes it.

    Examples
    --------
    >>> [d.verify().ok for d in derivations()]
    [True, True, True, True, True, True]
    """
    return (_reparametrization(), _z_cancels(), _dpo_objective(), _softplus_without_overflow(), _gradient(),
            _conservative_in_one_softplus())


# ---------------------------------------------------------------- registry
def _inputs() -> SearchStrategy[dict[str, Any]]:
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

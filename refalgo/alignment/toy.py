r"""A complete toy DPO experiment: softmax policies over K responses, trained on Bradley–Terry comparisons.

For each of P prompts the policy is a softmax over K responses,
:math:`\pi_\theta(k \mid p) = e^{\theta_{pk}} / \sum_j e^{\theta_{pj}}`. The comparisons
are summarized by weights :math:`W_{pij}`, the probability (population) or frequency
(finite sample) that a comparison of prompt p is "i beats j"
(:mod:`refalgo.alignment.comparisons` makes both). The DPO loss averaged over prompts is

.. math::

    \mathcal{L}(\theta) = \frac{1}{P}\sum_p \sum_{i, j} W_{pij}\,
    \mathrm{sp}\bigl(-\beta (h_{pi} - h_{pj})\bigr), \qquad
    h_{pk} = \log\pi_\theta(k\mid p) - \log\pi_\text{ref}(k\mid p).

With the population weights its minimizer is :math:`\pi^* \propto \pi_\text{ref} e^{r/\beta}`
(:func:`refalgo.alignment.kl_optimum`); with finite data it is the optimum for the
empirical preference frequencies. The DPO page shows both.

**Conventions** — the DPO paper's loss (Rafailov et al. 2023, eq. 7) on a tabular policy:

* ``logits`` and ``reference`` have shape ``(P, K)`` (or ``(K,)`` for one prompt),
  ``weights`` shape ``(P, K, K)``, ``weights[p, i, j]`` for "i beats j"; each prompt's
  weights sum to 1 and every reference probability is positive; a diagonal weight (not
  a comparison) adds :math:`W_{pii}\log 2`, as :math:`h_{pi} - h_{pi} = 0`;
* training starts at :math:`\theta = \log\pi_\text{ref}` (the policy starts as the
  reference, as DPO does) and takes Adam steps (:func:`refalgo.optim.adam_step`) or
  gradient-descent steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, log_softmax

from .._exact import ExactNumber, ExactNumbers, exact_array, exact_distribution, exact_positive
from .._validate import as_array, as_count, as_positive, probability_rows
from ..derivation import Derivation, Step
from ..functions import sigmoid
from ..registry import Concept, Tolerance
from ._engine.descent import descend, smoothness_step

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "ToyRun",
    "derivations",
    "toy_dpo_loss",
    "toy_dpo_loss_symbolic",
    "train_toy_dpo",
]

REFERENCES = (
    "R. Rafailov et al., Direct Preference Optimization, NeurIPS 2023, §4–5 and Appendix A.",
    "R. A. Bradley and M. E. Terry, Biometrika 39 (1952).",
)


class ToyRun(NamedTuple):
    """The result of :func:`train_toy_dpo`: final policy and the per-step curves."""

    policy: NDArray[np.float64]
    logits: NDArray[np.float64]
    losses: NDArray[np.float64]
    implicit_rewards: NDArray[np.float64]


def _table(a: NDArray[Any], name: str) -> NDArray[Any]:
    """``a`` as a ``(P, K)`` table with K ≥ 2 (a 1-D ``a`` is one prompt)."""
    a = a[None, :] if a.ndim == 1 else a
    if a.ndim != 2 or a.shape[1] < 2:
        raise ValueError(f"{name}: expected at least 2 responses per prompt in shape (K,) or (P, K); got shape {a.shape}")
    return a


def _as_table(x: ArrayLike, name: str) -> NDArray[np.float64]:
    return _table(as_array(x, name, ndim=(1, 2)), name)


def _require_positive(q: NDArray[Any], name: str) -> None:
    """Every ``q[p, k]`` > 0: training starts at log π_ref (float or exact entries)."""
    for (p, k), v in np.ndenumerate(q):
        if not v > 0:
            raise ValueError(f"{name}[{p}, {k}]: expected a probability > 0 (training starts at log π_ref); got {v}")


# ---------------------------------------------------------------- symbolic twin
def toy_dpo_loss_symbolic(
    logits: ExactNumbers, reference: ExactNumbers, weights: ExactNumbers, *, beta: ExactNumber
) -> sp.Expr:
    r"""Exact toy DPO loss :math:`\mathcal{L}(\theta)`, with the log-softmax and softplus written out.

    θ is ``logits``, :math:`\pi_\text{ref}` is ``reference``, :math:`W` is ``weights``, β is ``beta``.

    Parameters
    ----------
    logits
        θ, shape ``(P, K)`` (or ``(K,)``): exact numbers or real SymPy expressions (to
        differentiate the loss).
    reference
        :math:`\pi_\text{ref}`, the same shape: exact positive numbers, each row summing to 1.
    weights
        :math:`W`, shape ``(P, K, K)``: exact numbers ≥ 0, each prompt summing to 1.
    beta
        β > 0, exact.

    Returns
    -------
    sympy.Expr
        :math:`\frac{1}{P}\sum_p\sum_{i, j} W_{pij}\log\bigl(1 + e^{-\beta(h_{pi} - h_{pj})}\bigr)`.

    Raises
    ------
    TypeError, ValueError
        Non-numeric entries, shapes that do not match, a reference or weights that are
        not exact distributions, a zero reference probability, β ≤ 0.

    References
    ----------
    Rafailov et al. (2023), eq. (7).

    Examples
    --------
    >>> toy_dpo_loss_symbolic([0, 0], ["1/2", "1/2"], [[[0, "1/2"], ["1/2", 0]]], beta=1)
    log(2)
    """
    theta = _table(exact_array(logits, "logits", symbolic=True), "logits")
    q = _table(exact_array(reference, "reference"), "reference")
    if q.shape != theta.shape:
        raise ValueError(f"reference: expected shape {theta.shape} (that of logits); got shape {q.shape}")
    n, k = theta.shape
    w = exact_array(weights, "weights", shape=(n, k, k))
    for p in range(n):
        exact_distribution(q[p], f"reference[{p}]")
        exact_distribution(w[p].ravel(), f"weights[{p}] (flattened)")
    _require_positive(q, "reference")
    b = exact_positive(beta, "beta")
    terms = []
    for p in range(n):
        log_z = sp.log(sp.Add(*[sp.exp(t) for t in theta[p]]))  # log Σ_j e^{θ_pj}
        h = [theta[p, i] - log_z - sp.log(q[p, i]) for i in range(k)]  # h_pk = log π_θ(k|p) − log π_ref(k|p)
        terms += [w[p, i, j] * sp.log(1 + sp.exp(-b * (h[i] - h[j]))) for i in range(k) for j in range(k)]
    return sp.Add(*terms) / n  # (7) averaged over prompts


# ---------------------------------------------------------------- numeric twins
def _problem(reference: ArrayLike, weights: ArrayLike, beta: float, shape: tuple[int, ...] | None) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    b = as_positive(beta, "beta")
    q = _as_table(reference, "reference")
    if shape is not None and q.shape != shape:
        raise ValueError(f"reference: expected shape {shape} (that of logits); got shape {q.shape}")
    probability_rows(q, "reference")
    _require_positive(q, "reference")
    w = as_array(weights, "weights", shape=(q.shape[0], q.shape[1], q.shape[1]))
    probability_rows(w, "weights", row_ndim=2)
    return q, w, b


def _loss_and_gradient(theta: NDArray[np.float64], log_q: NDArray[np.float64], w: NDArray[np.float64], beta: float) -> tuple[float, NDArray[np.float64]]:
    h = log_softmax(theta, axis=1) - log_q  # h_pk = log π_θ(k|p) − log π_ref(k|p)
    u = beta * (h[:, :, None] - h[:, None, :])  # (7) u_pij = β (h_pi − h_pj)
    n = theta.shape[0]
    loss = float(np.sum(w * np.logaddexp(0.0, -u)) / n)  # (7) L = (1/P) Σ W_pij (−log σ(u_pij))
    g = -beta * w * expit(-u) / n  # ∂L/∂h_pi through u_pij: −β W_pij σ(−u_pij) / P
    return loss, g.sum(axis=2) - g.sum(axis=1)  # the log-softmax normalizer cancels in h_pi − h_pj


def toy_dpo_loss(logits: ArrayLike, reference: ArrayLike, weights: ArrayLike, *, beta: float) -> tuple[float, NDArray[np.float64]]:
    r"""The toy DPO loss :math:`\mathcal{L}(\theta)` and its gradient with respect to the softmax logits.

    θ is ``logits``, :math:`\pi_\text{ref}` is ``reference``, :math:`W` is ``weights``,
    β is ``beta``; the loss is the one of the module docstring.

    Parameters
    ----------
    logits
        θ, shape ``(P, K)`` (or ``(K,)``): the policy is ``softmax(θ)`` per prompt.
    reference
        :math:`\pi_\text{ref}`, the same shape, positive rows summing to 1.
    weights
        :math:`W`, shape ``(P, K, K)``, each prompt a distribution over ordered pairs
        (from :func:`~refalgo.alignment.bt_preference_weights` or
        :func:`~refalgo.alignment.sample_preference_weights`).
    beta
        β > 0.

    Returns
    -------
    loss, grad
        :math:`\mathcal{L}(\theta)` and :math:`\partial\mathcal{L}/\partial\theta`, shape ``(P, K)``.

    Raises
    ------
    TypeError, ValueError
        Non-numeric or non-finite input, shapes that do not match, a reference with a
        zero or rows not summing to 1, weights that are negative or do not sum to 1
        per prompt, β ≤ 0.

    References
    ----------
    Rafailov et al. (2023), eq. (7).

    Examples
    --------
    >>> loss, grad = toy_dpo_loss([0.0, 0.0], [0.5, 0.5], [[[0.0, 0.5], [0.5, 0.0]]], beta=1.0)
    >>> round(loss, 6), grad                    # log 2; balanced preferences: no pull
    (0.693147, array([[0., 0.]]))
    """
    theta = _as_table(logits, "logits")
    q, w, b = _problem(reference, weights, beta, theta.shape)
    return _loss_and_gradient(theta, np.log(q), w, b)


def train_toy_dpo(
    reference: ArrayLike,
    weights: ArrayLike,
    *,
    beta: float,
    steps: int = 2000,
    optimizer: str = "adam",
    lr: float | None = None,
) -> ToyRun:
    r"""Train the toy softmax policy with the DPO loss, starting at :math:`\theta = \log\pi_\text{ref}`.

    :math:`\pi_\text{ref}` is ``reference``, :math:`W` is ``weights``, β is ``beta``.

    Parameters
    ----------
    reference, weights, beta
        As in :func:`toy_dpo_loss`.
    steps
        Number of optimizer steps (≥ 1).
    optimizer
        ``"adam"`` (:func:`refalgo.optim.adam_step`, PyTorch's default betas and ε) or
        ``"gd"`` (plain gradient descent).
    lr
        Step size > 0. Default: 0.05 for Adam; for gradient descent :math:`1/L`, with
        :math:`L` a bound on the loss's curvature, which guarantees descent.

    Returns
    -------
    ToyRun
        ``policy`` and ``logits`` after training, ``losses`` (``steps + 1`` values, the
        first at the reference) and ``implicit_rewards`` :math:`\beta\log(\pi_\theta/\pi_\text{ref})`,
        shape ``(steps + 1, P, K)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`toy_dpo_loss`; ``steps`` not a positive integer, ``lr`` ≤ 0, an
        unknown ``optimizer``.

    References
    ----------
    Rafailov et al. (2023), §4–5.

    Examples
    --------
    >>> from refalgo.alignment import bt_preference_weights, kl_optimum
    >>> q, r = [0.5, 0.25, 0.25], [1.0, 0.0, -1.0]
    >>> run = train_toy_dpo(q, bt_preference_weights(r), beta=0.5, steps=1500)
    >>> bool(abs(run.policy - kl_optimum(q, r, beta=0.5)).max() < 1e-6)  # π* ∝ π_ref e^{r/β}
    True
    """
    n_steps = as_count(steps, "steps")
    if optimizer not in ("adam", "gd"):
        raise ValueError(f"optimizer: expected 'adam' or 'gd'; got {optimizer!r}")
    rate = None if lr is None else as_positive(lr, "lr")
    q, w, b = _problem(reference, weights, beta, None)
    if rate is None:
        rate = 0.05 if optimizer == "adam" else smoothness_step(w, b)
    log_q = np.log(q)
    thetas, losses = descend(lambda theta: _loss_and_gradient(theta, log_q, w, b), log_q.copy(),  # start at π_ref
                             steps=n_steps, optimizer=optimizer, lr=rate)
    implicit_rewards = b * (log_softmax(thetas, axis=2) - log_q)  # β log π_θ/π_ref after each step
    return ToyRun(np.exp(log_softmax(thetas[-1], axis=1)), thetas[-1], losses, implicit_rewards)


# ---------------------------------------------------------------- derivations
_THETA = sp.symbols("theta_1:4", real=True)
_Q = sp.symbols(r"\pi_{ref\,1} \pi_{ref\,2} \pi_{ref\,3}", positive=True)
_U, _D = sp.Symbol("u", real=True), sp.Symbol("d", real=True)
_W_IJ, _W_JI, _C = sp.Symbol("W_{ij}", positive=True), sp.Symbol("W_{ji}", positive=True), sp.Symbol("C", positive=True)


def _normalizer_cancels() -> Derivation:
    log_z = sp.log(sp.Add(*[sp.exp(t) for t in _THETA]))
    h = [sp.Add(_THETA[i], -log_z, -sp.log(_Q[i]), evaluate=False) for i in range(2)]
    return Derivation(
        r"The softmax normalizer cancels in $h_1 - h_2$ ($K = 3$)",
        [
            Step(sp.Eq(sp.Symbol("{h_1 - h_2}"), sp.Add(h[0], sp.Mul(-1, h[1], evaluate=False), evaluate=False)),
                 r"$h_k = \log \mathrm{softmax}(\theta)_k - \log \pi_{\mathrm{ref}}(y_k)$"),
            Step((_THETA[0] - _THETA[1]) - (sp.log(_Q[0]) - sp.log(_Q[1])), r"the two $\log \sum_j e^{\theta_j}$ cancel",
                 display=r"\theta_1 - \theta_2 - \log \pi_{\mathrm{ref},1} + \log \pi_{\mathrm{ref},2}"),
        ],
        names={q: rf"\pi_{{\mathrm{{ref}},{k + 1}}}" for k, q in enumerate(_Q)},
    )


def _pull_vanishes_at_the_optimum() -> Derivation:
    pair = _W_IJ * sp.log(1 + sp.exp(-_U)) + _W_JI * sp.log(1 + sp.exp(_U))
    products = sp.Add(sp.Mul(sigmoid(-_D), sigmoid(_D), evaluate=False),
                      sp.Mul(-1, sigmoid(_D), sigmoid(-_D), evaluate=False), evaluate=False)
    return Derivation(
        r"Population weights: each pair's pull vanishes where $u = \beta(h_i - h_j)$ equals $d = r_i - r_j$",
        [
            Step(sp.Derivative(pair, _U), "the pair's two terms of the loss",
                 display=r"\frac{d}{du}\bigl(W_{ij} \log(1 + e^{-u}) + W_{ji} \log(1 + e^{u})\bigr)"),
            Step(-_W_IJ * sigmoid(-_U) + _W_JI * sigmoid(_U), r"$\frac{d}{du} \log(1 + e^{\pm u}) = \pm\sigma(\pm u)$",
                 display=r"W_{ji} \, \sigma(u) - W_{ij} \, \sigma(-u)"),
            Step(sp.Mul(1 / _C, products, evaluate=False),
                 r"$W_{ij} = \sigma(d)/C$, $W_{ji} = \sigma(-d)/C$ with $C = K(K - 1)/2$ pairs, at $u = d$",
                 display=r"\frac{1}{C} \bigl(\sigma(-d) \, \sigma(d) - \sigma(d) \, \sigma(-d)\bigr)"),
            Step(sp.Integer(0), "the two products cancel"),
        ],
        lhs_latex=r"\partial_u \ell_{ij}",
        names={_W_IJ: "W_{ij}", _W_JI: "W_{ji}"},
        where={_W_IJ: sigmoid(_D) / _C, _W_JI: sigmoid(-_D) / _C, _U: _D},
    )


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations of the toy experiment: why the loss is convex in θ and minimized at π*.

    Returns
    -------
    tuple of Derivation
        The softmax normalizer cancelling in :math:`h_i - h_j`; each pair's gradient
        vanishing at :math:`\beta(h_i - h_j) = r_i - r_j` under population weights.

    Examples
    --------
    >>> [d.verify().ok for d in derivations()]
    [True, True]
    """
    return (_normalizer_cancels(), _pull_vanishes_at_the_optimum())


# ---------------------------------------------------------------- registry
def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    from ..testing import rationals

    def problem(shape: tuple[int, int]) -> SearchStrategy[dict[str, Any]]:
        n, k = shape
        ints = lambda size: st.lists(st.integers(1, 9), min_size=size, max_size=size)  # noqa: E731
        return st.fixed_dictionaries({
            "logits": st.lists(rationals(-2, 2, 4), min_size=n * k, max_size=n * k),
            "reference": ints(n * k), "weights": ints(n * k * k), "shape": st.just(shape),
            "beta": st.sampled_from([sp.Rational(1, 10), sp.Rational(1, 2), sp.Integer(1), sp.Integer(3)]),
        })

    return st.tuples(st.integers(1, 2), st.integers(2, 3)).flatmap(problem)


def _exact_example(ex: dict[str, Any]) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    n, k = ex["shape"]
    theta = np.array(ex["logits"], dtype=object).reshape(n, k)
    q = np.array([sp.Integer(v) for v in ex["reference"]], dtype=object).reshape(n, k)
    w = np.array([sp.Integer(v) for v in ex["weights"]], dtype=object).reshape(n, k, k)
    w[:, np.arange(k), np.arange(k)] = sp.Integer(0)
    return theta, q / q.sum(axis=1, keepdims=True), w / w.sum(axis=(1, 2), keepdims=True)


def _symbolic(ex: dict[str, Any]) -> float:
    theta, q, w = _exact_example(ex)
    return float(sp.N(toy_dpo_loss_symbolic(theta, q, w, beta=ex["beta"]), 30))


def _numeric(ex: dict[str, Any]) -> float:
    theta, q, w = (np.array(a, dtype=np.float64) for a in _exact_example(ex))
    return toy_dpo_loss(theta, q, w, beta=float(ex["beta"]))[0]


CONCEPTS = (
    Concept(
        name="toy-dpo-loss",
        area="alignment",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-12, atol=1e-14, why="entries round once to float64; log-softmax and softplus have condition number ≤ 1 here"),
        references=REFERENCES,
        page="alignment/dpo.md",
    ),
)

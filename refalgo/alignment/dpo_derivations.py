r"""The verified derivations of DPO: from the KL-regularized optimum to the loss and its gradient.

Each function returns a :class:`~refalgo.Derivation` that the DPO page renders after
verifying it: the reward written in terms of the optimal policy, the cancellation of
the partition function inside Bradley–Terry, the DPO loss and the softplus form
:func:`refalgo.alignment.dpo_loss` evaluates, the gradient, and conservative DPO with a
single softplus. Symbols: β is ``beta``, :math:`\pi_\theta(y_w)` and :math:`\pi_\theta(y_l)`
the policy's probabilities of the chosen and rejected responses, :math:`\ell_w(\theta)`,
:math:`\ell_l(\theta)` their logarithms as functions of one parameter θ.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Derivation, Step
from ._exact import sigmoid

__all__ = [
    "conservative_in_one_softplus",
    "derivations",
    "dpo_objective",
    "gradient",
    "reparametrization",
    "softplus_without_overflow",
    "z_cancels",
]

beta_s = sp.Symbol("beta", positive=True)
pw, pl, qw, ql = sp.symbols(r"{\pi_\theta(y_w)} {\pi_\theta(y_l)} {\pi_{ref}(y_w)} {\pi_{ref}(y_l)}", positive=True)
Z = sp.Symbol("Z(x)", positive=True)
r_s, pistar, ref_s = sp.Symbol("r(x,y)", real=True), sp.Symbol(r"{\pi^*(y|x)}", positive=True), sp.Symbol(r"\pi_{ref}(y|x)", positive=True)


def reparametrization() -> Derivation:
    """Solve π* = π_ref e^{r/β}/Z for the reward."""
    return Derivation(
        "Reparametrization: the reward in terms of the optimal policy",
        [
            Step(sp.Eq(sp.log(pistar), sp.log(ref_s) + r_s / beta_s - sp.log(Z)), "log of π* = π_ref exp(r/β) / Z"),
            Step(sp.Eq(r_s, beta_s * sp.log(pistar) - beta_s * sp.log(ref_s) + beta_s * sp.log(Z)),
                 "multiply by −β and rearrange", factor=-beta_s),
        ],
    )


def z_cancels() -> Derivation:
    """Bradley–Terry with the reparametrized rewards: β log Z(x) cancels."""
    rw = beta_s * sp.log(pw / qw) + beta_s * sp.log(Z)
    rl = beta_s * sp.log(pl / ql) + beta_s * sp.log(Z)
    return Derivation(
        "Z(x) cancels inside Bradley–Terry",
        [
            Step(sp.Eq(sp.Symbol(r"{P(y_w \succ y_l \mid x)}"), sigmoid(rw - rl)), "BT with r = β log(π/π_ref) + β log Z"),
            Step(sigmoid(beta_s * sp.log(pw / qw) - beta_s * sp.log(pl / ql)), "β log Z(x) − β log Z(x) = 0"),
        ],
    )


def dpo_objective() -> Derivation:
    """The negative log-likelihood of the preferences, now a function of the policy: the DPO loss."""
    u = beta_s * sp.log(pw / qw) - beta_s * sp.log(pl / ql)
    return Derivation(
        "The DPO loss and its stable form",
        [
            Step(sp.Eq(sp.Symbol(r"\mathcal{L}_\text{DPO}"), -sp.log(sigmoid(u))), "negative log-likelihood of y_w ≻ y_l"),
            Step(sp.log(1 + (pl * qw / (pw * ql)) ** beta_s), "exp(−β log a) = 1 / a to the power β"),
            Step(sp.log(1 + sp.exp(-u)), "the softplus of −βh"),
        ],
    )


def softplus_without_overflow() -> Derivation:
    """sp(u) = max(u, 0) + log1p(e^(−|u|)): the exponent is never positive."""
    v = sp.Symbol("u", real=True)
    return Derivation(
        "Softplus without overflow (u = −βh)",
        [
            Step(sp.Eq(sp.Symbol(r"\mathrm{sp}(u)"), sp.log(1 + sp.exp(v))), "definition"),
            Step(sp.Piecewise((v + sp.log(1 + sp.exp(-v)), v >= 0), (sp.log(1 + sp.exp(v)), True)),
                 "for u ≥ 0 pull out exp(u): max(u, 0) + log1p(exp(−|u|))"),
        ],
    )


z_s, eps_s = sp.Symbol("z", real=True), sp.Symbol("varepsilon", nonnegative=True)


def conservative_in_one_softplus() -> Derivation:
    """cDPO's two softplus terms collapse to one, because sp(z) = sp(−z) + z."""
    return Derivation(
        "Conservative DPO with one softplus (z = βh)",
        [
            Step(sp.Eq(sp.Symbol(r"\mathcal{L}_\varepsilon"), -(1 - eps_s) * sp.log(sigmoid(z_s)) - eps_s * sp.log(sigmoid(-z_s))),
                 "labels flipped with probability ε"),
            Step((1 - eps_s) * sp.log(1 + sp.exp(-z_s)) + eps_s * sp.log(1 + sp.exp(z_s)), "−log σ(u) = log(1 + exp(−u))"),
            Step(sp.log(1 + sp.exp(-z_s)) + eps_s * z_s, "log(1 + exp(z)) = log(1 + exp(−z)) + z"),
        ],
    )


theta = sp.Symbol("theta", real=True)
f_w, f_l = sp.Function("ell_w"), sp.Function("ell_l")  # ℓ(θ) = log π_θ(y | x)
a_w, a_l = sp.symbols(r"\log\pi_{ref}(y_w) \log\pi_{ref}(y_l)", real=True)
rhat_w, rhat_l = sp.symbols(r"\hat{r}_w \hat{r}_l", real=True)


def gradient() -> Derivation:
    """The DPO gradient: −β σ(r̂_l − r̂_w)(∇log π(y_w) − ∇log π(y_l))."""
    loss = -sp.log(sigmoid(beta_s * (f_w(theta) - a_w) - beta_s * (f_l(theta) - a_l)))
    dw, dl = sp.Derivative(f_w(theta), theta), sp.Derivative(f_l(theta), theta)
    return Derivation(
        "The DPO gradient",
        [
            Step(sp.Eq(sp.Symbol(r"\partial_\theta \mathcal{L}_\text{DPO}"), sp.Derivative(loss, theta)),
                 "differentiate the loss with respect to a parameter θ"),
            Step(-beta_s * sp.exp(-(rhat_w - rhat_l)) / (1 + sp.exp(-(rhat_w - rhat_l))) * (dw - dl),
                 "chain rule: d/du [−log σ(u)] = −σ(−u)"),
            Step(-beta_s * sigmoid(rhat_l - rhat_w) * (dw - dl), "exp(−u) / (1 + exp(−u)) = σ(−u)"),
        ],
        where={rhat_w: beta_s * (f_w(theta) - a_w), rhat_l: beta_s * (f_l(theta) - a_l)},
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
    return (reparametrization(), z_cancels(), dpo_objective(), softplus_without_overflow(), gradient(), conservative_in_one_softplus())

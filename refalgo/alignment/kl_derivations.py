r"""The verified derivation of the KL-regularized optimum, for K = 3 responses.

A Lagrange multiplier for :math:`\sum_y \pi(y) = 1` gives the stationarity condition;
normalizing fixes the multiplier and gives :math:`\pi^* = \pi_\text{ref} e^{r/\beta} / Z`; its
value is :math:`\beta \log Z`; the gap to any policy is :math:`\beta\,\mathrm{KL}(\pi\|\pi^*)`,
which Gibbs' inequality makes nonnegative. Symbols: β is ``beta``, :math:`\pi_i` the
policy, :math:`\pi_{ref\,i}` the reference, :math:`r_i` the rewards, λ the multiplier.
"""

from __future__ import annotations

import sympy as sp

from ..assumptions import Assumptions
from ..derivation import Derivation, Step

__all__ = [
    "derivations",
    "gap_is_kl",
    "gibbs_inequality",
    "lagrange_stationarity",
    "normalization",
    "optimal_value",
    "optimum",
]

beta_s = sp.Symbol("beta", positive=True)
lam = sp.Symbol("lambda", real=True)
pis = sp.symbols("pi_1:4", positive=True)
refs = sp.symbols(r"\pi_{ref\,1} \pi_{ref\,2} \pi_{ref\,3}", positive=True)
rs = sp.symbols("r_1:4", real=True)
Z = sp.Symbol("Z", positive=True)
_Z_DEF = sp.Add(*[q * sp.exp(r / beta_s) for q, r in zip(refs, rs)])
_PI3 = {pis[2]: 1 - pis[0] - pis[1]}


def _j(policy: tuple[sp.Expr, ...]) -> sp.Expr:
    return sp.Add(*[p * (r - beta_s * (sp.log(p) - sp.log(q))) for p, q, r in zip(policy, refs, rs)])


def lagrange_stationarity() -> Derivation:
    """∂/∂π_1 of the Lagrangian, set to 0, solved for log π_1."""
    lagrangian = _j(pis) + lam * (sp.Add(*pis) - 1)
    d = sp.diff(lagrangian, pis[0])
    return Derivation(
        "Stationary point of the Lagrangian (K = 3 responses, shown for y_1)",
        [
            Step(sp.Eq(sp.Derivative(lagrangian, pis[0]), 0, evaluate=False), "L = J(π) + λ(Σ_y π(y) − 1); set ∂L/∂π(y_1) = 0"),
            Step(sp.Eq(d, 0, evaluate=False), "differentiate: d/dπ [π log π] = log π + 1"),
            Step(sp.Eq(sp.log(pis[0]), sp.log(refs[0]) + rs[0] / beta_s + lam / beta_s - 1),
                 "divide by −β and rearrange", factor=-1 / beta_s),
        ],
    )


def normalization() -> Derivation:
    """Summing π(y) = π_ref(y) e^{r/β} e^{λ/β−1} to 1 fixes the multiplier: e^{λ/β−1} = 1/Z."""
    c = sp.exp(lam / beta_s - 1)
    return Derivation(
        "Normalization fixes the multiplier",
        [
            Step(sp.Eq(sp.Add(*[q * sp.exp(r / beta_s) * c for q, r in zip(refs, rs)]), 1),
                 "exponentiate the stationarity condition for each y and require Σ_y π(y) = 1"),
            Step(sp.Eq(c * Z, 1), "factor out exp(λ/β − 1); Z is the partition function"),
            Step(sp.Eq(c, 1 / Z), "divide by Z", factor=1 / Z),
        ],
        where={Z: _Z_DEF},
    )


def optimum() -> Derivation:
    """Substituting the multiplier gives π* = π_ref e^{r/β} / Z."""
    return Derivation(
        "The optimal policy",
        [
            Step(sp.Eq(sp.Symbol(r"{\pi^*(y_1)}"), refs[0] * sp.exp(rs[0] / beta_s) * sp.exp(lam / beta_s - 1)),
                 "stationarity condition, exponentiated"),
            Step(refs[0] * sp.exp(rs[0] / beta_s) / Z, "exp(λ/β − 1) = 1/Z, i.e. λ = β(1 − log Z)"),
        ],
        where={lam: beta_s * (1 - sp.log(Z))},
    )


def optimal_value() -> Derivation:
    """At the optimum every response has r − β log(π*/π_ref) = β log Z, so J(π*) = β log Z."""
    star = tuple(q * sp.exp(r / beta_s) / _Z_DEF for q, r in zip(refs, rs))
    return Derivation(
        "The optimal value is β log Z",
        [
            Step(sp.Eq(sp.Symbol(r"{J(\pi^*)}"), _j(star)), "J at π* = π_ref exp(r/β) / Z"),
            Step(sp.Add(*star) * beta_s * sp.log(_Z_DEF), "log π* − log π_ref = r/β − log Z in every term"),
            Step(beta_s * sp.log(_Z_DEF), "π* sums to 1"),
        ],
    )


def gap_is_kl() -> Derivation:
    """J(π*) − J(π) = β KL(π ‖ π*) for every policy π: the gap is a KL divergence."""
    star = [q * sp.exp(r / beta_s) / _Z_DEF for q, r in zip(refs, rs)]
    return Derivation(
        "Optimality gap: J(π*) − J(π) = β KL(π ‖ π*)",
        [
            Step(beta_s * sp.log(_Z_DEF) - _j(pis), "J(π*) = β log Z"),
            Step(beta_s * sp.Add(*[p * (sp.log(_Z_DEF) - rs[k] / beta_s + sp.log(p) - sp.log(refs[k])) for k, p in enumerate(pis)]),
                 "write β log Z as β Σ_y π(y) log Z (π sums to 1)"),
            Step(beta_s * sp.Add(*[p * (sp.log(p) - sp.log(s)) for p, s in zip(pis, star)]),
                 "log π*(y) = log π_ref(y) + r(y)/β − log Z"),
        ],
        assumptions=Assumptions.of(pis[0] + pis[1] < 1),
        where=_PI3,
        lhs_latex=r"J(\pi^*) - J(\pi)",
    )


def gibbs_inequality() -> Derivation:
    """−KL(π‖π*) ≤ Σ π (π*/π − 1) = 0 by log t ≤ t − 1: the gap is nonnegative."""
    star = sp.symbols(r"{\pi^*_1} {\pi^*_2} {\pi^*_3}", positive=True)
    return Derivation(
        "Gibbs' inequality: the bound from log t ≤ t − 1 is exactly 0",
        [
            Step(sp.Add(*[p * (s / p - 1) for p, s in zip(pis, star)]),
                 "−KL(π‖π*) = Σ_y π log(π*/π) ≤ Σ_y π (π*/π − 1)"),
            Step(sp.Add(*star) - sp.Add(*pis), "expand"),
            Step(sp.Integer(0), "both sum to 1"),
        ],
        assumptions=Assumptions.of(pis[0] + pis[1] < 1, star[0] + star[1] < 1),
        where={pis[2]: 1 - pis[0] - pis[1], star[2]: 1 - star[0] - star[1]},
        lhs_latex=r"\textstyle\sum_y \pi(y)\bigl(\tfrac{\pi^*(y)}{\pi(y)} - 1\bigr)",
    )


def derivations() -> tuple[Derivation, ...]:
    """The verified derivation of the KL-regularized optimum, shown on the RLHF page.

    Returns
    -------
    tuple of Derivation
        Lagrange stationarity, normalization, the optimum, its value β log Z, the
        optimality gap as β·KL(π‖π*), and Gibbs' inequality.

    Examples
    --------
    >>> [d.verify().ok for d in derivations()]
    [True, True, True, True, True, True]
    """
    return (lagrange_stationarity(), normalization(), optimum(), optimal_value(), gap_is_kl(), gibbs_inequality())

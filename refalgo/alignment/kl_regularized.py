r"""The KL-regularized objective of RLHF and its closed-form optimum.

RLHF's third stage maximizes, for each prompt :math:`x`, the expected reward while
staying close to the reference (SFT) policy :math:`\pi_\text{ref}`:

.. math::

    J(\pi) = \sum_y \pi(y \mid x)\, r(x, y) - \beta\, \mathrm{KL}\bigl(\pi(\cdot\mid x) \,\|\, \pi_\text{ref}(\cdot\mid x)\bigr).

Over a finite set of responses its unique maximizer is the Gibbs (Boltzmann) policy

.. math::

    \pi^*(y \mid x) = \frac{\pi_\text{ref}(y \mid x)\, e^{r(x, y)/\beta}}{Z(x)}, \qquad
    Z(x) = \sum_y \pi_\text{ref}(y \mid x)\, e^{r(x, y)/\beta},

with :math:`J(\pi^*) = \beta \log Z(x)` and :math:`J(\pi^*) - J(\pi) = \beta\,\mathrm{KL}(\pi \,\|\, \pi^*) \ge 0`
(Rafailov et al. 2023, eq. 4 and Appendix A.1). The derivation (a Lagrange multiplier
for :math:`\sum_y \pi(y) = 1`, then Gibbs' inequality) is in :mod:`refalgo.alignment.kl_derivations`.

**Conventions.** ``reference`` and ``reward`` have shape ``(K,)`` (one prompt, K
responses) or ``(P, K)`` (P prompts), ``reward[p, k]`` = :math:`r(x_p, y_k)`; each row of
``reference`` is a probability vector. A response with :math:`\pi_\text{ref} = 0` gets
:math:`\pi^* = 0` (KL is infinite for any policy that gives it mass). β > 0 is the KL
coefficient, in the reward's units.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import logsumexp, rel_entr

from .._validate import as_array, as_positive
from ..registry import Concept, Tolerance
from ._exact import exact, exact_vector

__all__ = [
    "kl_objective",
    "kl_objective_symbolic",
    "kl_optimum",
    "kl_optimum_symbolic",
]

REFERENCES = (
    "R. Rafailov et al., Direct Preference Optimization, NeurIPS 2023, eq. (3)–(4) and Appendix A.1.",
    "J. Peters and S. Schaal, Reinforcement learning by reward-weighted regression, ICML 2007.",
    "T. M. Cover and J. A. Thomas, Elements of Information Theory, 2nd ed., Theorem 2.6.3 (Gibbs' inequality).",
)

_ROW_TOL = 1e-9


def kl_optimum_symbolic(reference: Any, reward: Any, *, beta: Any) -> list[sp.Expr]:
    r"""Exact maximizer of :math:`E_\pi[r] - \beta\,\mathrm{KL}(\pi\|\pi_\text{ref})` for one prompt.

    Parameters
    ----------
    reference
        :math:`\pi_\text{ref}(y_k)`, k = 1..K: exact nonnegative numbers summing to 1.
    reward
        :math:`r(y_k)`: K exact numbers.
    beta
        :math:`\beta > 0`, exact.

    Returns
    -------
    list of sympy.Expr
        :math:`\pi^*(y_k) = \pi_\text{ref}(y_k) e^{r(y_k)/\beta} / Z`.

    Raises
    ------
    TypeError, ValueError
        Non-numeric entries, lengths that differ, a negative probability, a reference
        that does not sum to exactly 1, or β ≤ 0.

    Notes
    -----
    .. math:: \pi^*(y) = \frac{\pi_\text{ref}(y)\, e^{r(y)/\beta}}{\sum_{y'} \pi_\text{ref}(y')\, e^{r(y')/\beta}}.

    References
    ----------
    Rafailov et al. (2023), eq. (4).

    Examples
    --------
    >>> import sympy as sp
    >>> [sp.simplify(p) for p in kl_optimum_symbolic(["0.5", "0.5"], [0, 1], beta=1)]
    [1/(1 + E), E/(1 + E)]
    """
    q, r, b = _exact_problem(reference, reward, beta)
    weights = [qk * sp.exp(rk / b) for qk, rk in zip(q, r)]
    z = sp.Add(*weights)
    return [w / z for w in weights]


def kl_objective_symbolic(policy: Any, reference: Any, reward: Any, *, beta: Any) -> sp.Expr:
    r"""Exact :math:`J(\pi) = \sum_y \pi(y) r(y) - \beta \sum_y \pi(y)\log(\pi(y)/\pi_\text{ref}(y))` for one prompt.

    Parameters
    ----------
    policy
        :math:`\pi(y_k)`: K exact probabilities, zero wherever ``reference`` is zero.
    reference, reward, beta
        As in :func:`kl_optimum_symbolic`.

    Returns
    -------
    sympy.Expr
        The objective; terms with :math:`\pi(y) = 0` contribute 0 (:math:`0 \log 0 = 0`).

    Raises
    ------
    TypeError, ValueError
        As :func:`kl_optimum_symbolic`, and if ``policy`` is not a probability vector
        or puts mass where ``reference`` has none (the objective would be :math:`-\infty`).

    Notes
    -----
    .. math:: J(\pi) = \sum_y \pi(y)\bigl(r(y) - \beta \log\tfrac{\pi(y)}{\pi_\text{ref}(y)}\bigr).

    Examples
    --------
    >>> kl_objective_symbolic(["0.5", "0.5"], ["0.5", "0.5"], [0, 1], beta=1)
    1/2
    """
    q, r, b = _exact_problem(reference, reward, beta)
    p = _exact_distribution(policy, "policy", len(q))
    for k, (pk, qk) in enumerate(zip(p, q)):
        if qk == 0 and pk != 0:
            raise ValueError(f"policy[{k}]: the reference gives this response probability 0, so the policy must too; got {pk}")
    return sp.Add(*[pk * (rk - b * sp.log(pk / qk)) for pk, qk, rk in zip(p, q, r) if pk != 0])


def _exact_problem(reference: Any, reward: Any, beta: Any) -> tuple[list[sp.Expr], list[sp.Expr], sp.Expr]:
    r = exact_vector(reward, "reward")
    q = _exact_distribution(reference, "reference", len(r))
    b = exact(beta, "beta")
    if not b > 0:
        raise ValueError(f"beta: expected a number > 0; got {b}")
    return q, r, b


def _exact_distribution(p: Any, name: str, k: int) -> list[sp.Expr]:
    out = exact_vector(p, name)
    if len(out) != k:
        raise ValueError(f"{name}: expected {k} entries (one per response); got {len(out)}")
    for i, v in enumerate(out):
        if v < 0:
            raise ValueError(f"{name}[{i}]: expected a probability >= 0; got {v}")
    total = sp.Add(*out)
    if total != 1 and sp.simplify(total - 1) != 0:
        raise ValueError(f"{name}: expected probabilities summing to exactly 1; got sum {total}")
    return out


def _numeric_problem(reference: Any, reward: Any, beta: Any) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    b = as_positive(beta, "beta")
    r = as_array(reward, "reward", ndim=(1, 2))
    q = as_array(reference, "reference", ndim=(1, 2))
    if q.shape != r.shape:
        raise ValueError(f"reference: expected the shape of reward {r.shape}; got shape {q.shape}")
    _check_rows(q, "reference")
    return q, r, b


def _check_rows(p: NDArray[np.float64], name: str) -> None:
    if np.any(p < 0):
        bad = tuple(int(i) for i in np.argwhere(p < 0)[0])
        raise ValueError(f"{name}{list(bad)}: expected a probability >= 0; got {p[bad]}")
    sums = p.sum(axis=-1)
    err = np.abs(sums - 1.0)
    if np.any(err > _ROW_TOL * p.shape[-1]):
        k = int(np.argmax(err))
        where = f" row {k}" if p.ndim == 2 else ""
        raise ValueError(f"{name}:{where} sums to {float(np.atleast_1d(sums)[k])!r}, expected 1 (tolerance {_ROW_TOL * p.shape[-1]:.1e})")


def kl_optimum(reference: Any, reward: Any, *, beta: float) -> NDArray[np.float64]:
    r"""The optimal KL-regularized policy :math:`\pi^* \propto \pi_\text{ref}\, e^{r/\beta}`, in float64.

    Parameters
    ----------
    reference
        :math:`\pi_\text{ref}`, shape ``(K,)`` or ``(P, K)``: rows of probabilities.
    reward
        :math:`r`, the same shape: ``reward[p, k]`` is :math:`r(x_p, y_k)`.
    beta
        :math:`\beta > 0`, the KL coefficient.

    Returns
    -------
    numpy.ndarray
        :math:`\pi^*`, the shape of ``reward``; each row sums to 1.

    Raises
    ------
    TypeError
        Non-numeric input.
    ValueError
        NaN or inf, shapes that differ, a row of ``reference`` that is not a
        probability vector (tolerance 1e-9·K), or β ≤ 0.

    Notes
    -----
    Computed in log space, :math:`\log\pi^* = \log\pi_\text{ref} + r/\beta - \log Z`
    with :math:`\log Z` by ``logsumexp``: no overflow however small β is, and
    :math:`\pi_\text{ref}(y) = 0` gives :math:`\pi^*(y) = 0` exactly.

    References
    ----------
    Rafailov et al. (2023), eq. (4).

    Examples
    --------
    >>> kl_optimum([0.5, 0.5], [0.0, 1.0], beta=1.0).round(4)  # e/(1+e)
    array([0.2689, 0.7311])
    >>> kl_optimum([0.25, 0.75], [3.0, 0.0], beta=1e-3)        # β → 0: argmax of r
    array([1., 0.])
    """
    q, r, b = _numeric_problem(reference, reward, beta)
    with np.errstate(divide="ignore"):
        logits = np.log(q) + r / b
    return np.asarray(np.exp(logits - logsumexp(logits, axis=-1, keepdims=True)), dtype=np.float64)


def kl_objective(policy: Any, reference: Any, reward: Any, *, beta: float) -> NDArray[np.float64]:
    r"""The KL-regularized objective :math:`J(\pi)` per prompt, in float64.

    Parameters
    ----------
    policy
        :math:`\pi`, shape ``(K,)`` or ``(P, K)``: rows of probabilities.
    reference, reward, beta
        As in :func:`kl_optimum`.

    Returns
    -------
    numpy.ndarray
        :math:`J` per prompt (a 0-D array for one prompt); :math:`-\infty` where the
        policy puts mass on a response the reference never gives.

    Raises
    ------
    TypeError, ValueError
        As :func:`kl_optimum`, and if ``policy`` is not rows of probabilities of the same shape.

    Notes
    -----
    .. math:: J(\pi) = \sum_y \pi(y) r(y) - \beta \sum_y \pi(y) \log\frac{\pi(y)}{\pi_\text{ref}(y)},

    the KL term by :func:`scipy.special.rel_entr` (:math:`0\log 0 = 0`).

    Examples
    --------
    >>> kl_objective([0.5, 0.5], [0.5, 0.5], [0.0, 1.0], beta=1.0)
    array(0.5)
    """
    q, r, b = _numeric_problem(reference, reward, beta)
    p = as_array(policy, "policy", ndim=(1, 2))
    if p.shape != r.shape:
        raise ValueError(f"policy: expected the shape of reward {r.shape}; got shape {p.shape}")
    _check_rows(p, "policy")
    return np.asarray(np.sum(p * r, axis=-1) - b * np.sum(rel_entr(p, q), axis=-1), dtype=np.float64)


# ---------------------------------------------------------------- registry
def maximize_numerically(reference: NDArray[np.float64], reward: NDArray[np.float64], beta: float) -> NDArray[np.float64]:
    """Maximize J over softmax logits with BFGS (no closed form used): the registry's numeric side."""
    support = reference > 0
    q, r = reference[support], reward[support]

    def negative_j(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        logp = theta - logsumexp(theta)
        p = np.exp(logp)
        advantage = r - beta * (logp - np.log(q))
        value = float(p @ advantage)
        grad = p * (advantage - value)  # ∂J/∂θ_k = π_k (A_k − J), A_k = r_k − β log(π_k/π_ref,k)
        return -value, -grad

    result = minimize(negative_j, np.zeros(q.size), jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 10_000})
    out = np.zeros_like(reference)
    out[support] = np.exp(result.x - logsumexp(result.x))
    return out


def _inputs() -> Any:
    from hypothesis import strategies as st

    from ..testing import rationals

    def problem(k: int) -> Any:
        weights = st.lists(st.integers(1, 9), min_size=k, max_size=k)
        rewards = st.lists(rationals(-3, 3, 4), min_size=k, max_size=k)
        betas = st.sampled_from([sp.Rational(1, 2), sp.Integer(1), sp.Rational(3, 2), sp.Integer(3)])
        return st.fixed_dictionaries({"weights": weights, "reward": rewards, "beta": betas})

    return st.integers(2, 4).flatmap(problem)


def _symbolic(ex: dict[str, Any]) -> list[float]:
    total = sum(ex["weights"])
    q = [sp.Rational(w, total) for w in ex["weights"]]
    return [float(sp.N(v, 30)) for v in kl_optimum_symbolic(q, ex["reward"], beta=ex["beta"])]


def _numeric(ex: dict[str, Any]) -> NDArray[np.float64]:
    w = np.array(ex["weights"], dtype=np.float64)
    r = np.array([float(v) for v in ex["reward"]])
    return maximize_numerically(w / w.sum(), r, float(ex["beta"]))


CONCEPTS = (
    Concept(
        name="kl-regularized-optimum",
        area="alignment",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=0.0, atol=1e-6, why="BFGS stops at gradient norm 1e-12; J is strongly concave in π with modulus β"),
        references=REFERENCES,
        page="alignment/rlhf.md",
    ),
)

r"""The KL-regularized objective of RLHF and its closed-form optimum.

RLHF's third stage maximizes, for each prompt :math:`x`, the expected reward while
staying close to the reference (SFT) policy :math:`\pi_\text{ref}`:
:math:`J(\pi) = \sum_y \pi(y) r(y) - \beta\,\mathrm{KL}(\pi \,\|\, \pi_\text{ref})`. Over a
finite set of responses its unique maximizer is the Gibbs policy
:math:`\pi^* = \pi_\text{ref} e^{r/\beta} / Z` with :math:`Z = \sum_y \pi_\text{ref}(y) e^{r(y)/\beta}`,
and :math:`J(\pi^*) = \beta\log Z`; :func:`derivations` proves both.

**Conventions** — those of the DPO paper (Rafailov et al. 2023, eqs. 3–4):

* ``reference`` and ``reward`` have shape ``(K,)`` (one prompt, K responses) or
  ``(P, K)`` (P prompts), ``reward[p, k]`` = :math:`r(x_p, y_k)`; each row of
  ``reference`` is a probability vector; the symbolic twins take one prompt;
* KL is the *reverse* KL of whole responses, :math:`\sum_y \pi(y)\log\frac{\pi(y)}{\pi_\text{ref}(y)}`;
* a response with :math:`\pi_\text{ref} = 0` gets :math:`\pi^* = 0`;
* β > 0 is the KL coefficient, in the reward's units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray
from scipy.special import logsumexp, rel_entr

from .._exact import ExactNumber, ExactNumbers, exact_distribution, exact_positive, exact_vector
from .._validate import as_array, as_positive, probability_rows
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..parsing import Notation
from ..registry import Concept, Tolerance
from ._engine.search import maximize_numerically

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "derivations",
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


# ---------------------------------------------------------------- symbolic twins
def _exact_problem(reference: ExactNumbers, reward: ExactNumbers, beta: ExactNumber) -> tuple[list[sp.Expr], list[sp.Expr], sp.Expr]:
    r = exact_vector(reward, "reward")
    return exact_distribution(reference, "reference", length=len(r)), r, exact_positive(beta, "beta")


def kl_optimum_symbolic(reference: ExactNumbers, reward: ExactNumbers, *, beta: ExactNumber) -> list[sp.Expr]:
    r"""Exact maximizer of :math:`E_\pi[r] - \beta\,\mathrm{KL}(\pi\|\pi_\text{ref})` for one prompt.

    :math:`\pi_\text{ref}` is ``reference``, :math:`r` is ``reward``, β is ``beta``.

    Parameters
    ----------
    reference
        :math:`\pi_\text{ref}(y_k)`, k = 1..K: exact nonnegative numbers summing to 1
        (ints, Fractions, ``"p/q"`` or decimal strings, SymPy numbers; floats at their
        binary value), in a list, tuple or array of any dtype.
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

    References
    ----------
    Rafailov et al. (2023), eq. (4).

    Examples
    --------
    >>> [sp.simplify(p) for p in kl_optimum_symbolic(["0.5", "0.5"], [0, 1], beta=1)]
    [1/(1 + E), E/(1 + E)]
    """
    q, r, b = _exact_problem(reference, reward, beta)
    weights = [qk * sp.exp(rk / b) for qk, rk in zip(q, r)]  # (4) π_ref(y) e^{r(y)/β}
    z = sp.Add(*weights)  # (4) Z(x)
    return [w / z for w in weights]


def kl_objective_symbolic(
    policy: ExactNumbers, reference: ExactNumbers, reward: ExactNumbers, *, beta: ExactNumber
) -> sp.Expr:
    r"""Exact :math:`J(\pi) = \sum_y \pi(y) r(y) - \beta \sum_y \pi(y)\log(\pi(y)/\pi_\text{ref}(y))` for one prompt.

    :math:`\pi` is ``policy``; the other symbols as in :func:`kl_optimum_symbolic`.

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

    References
    ----------
    Rafailov et al. (2023), eq. (3).

    Examples
    --------
    >>> kl_objective_symbolic(["0.5", "0.5"], ["0.5", "0.5"], [0, 1], beta=1)
    1/2
    """
    q, r, b = _exact_problem(reference, reward, beta)
    p = exact_distribution(policy, "policy", length=len(q))
    for k, (pk, qk) in enumerate(zip(p, q)):
        if qk == 0 and pk != 0:
            raise ValueError(f"policy[{k}]: the reference gives this response probability 0, so the policy must too; got {pk}")
    # (3) Σ_y π(y) (r(y) − β log(π(y)/π_ref(y))), with 0 log 0 = 0
    return sp.Add(*[pk * (rk - b * sp.log(pk / qk)) for pk, qk, rk in zip(p, q, r) if pk != 0])


# ---------------------------------------------------------------- numeric twins
def _numeric_problem(reference: ArrayLike, reward: ArrayLike, beta: float) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    b = as_positive(beta, "beta")
    r = as_array(reward, "reward", ndim=(1, 2))
    q = as_array(reference, "reference", shape=r.shape)
    probability_rows(q, "reference")
    return q, r, b


def kl_optimum(reference: ArrayLike, reward: ArrayLike, *, beta: float) -> NDArray[np.float64]:
    r"""The optimal KL-regularized policy :math:`\pi^* \propto \pi_\text{ref}\, e^{r/\beta}`, in float64.

    :math:`\pi_\text{ref}` is ``reference``, :math:`r` is ``reward``, β is ``beta``;
    computed in log space, with :math:`\log Z` by ``logsumexp``: no overflow however
    small β is, and :math:`\pi_\text{ref}(y) = 0` gives :math:`\pi^*(y) = 0` exactly.

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

    References
    ----------
    Rafailov et al. (2023), eq. (4).

    Examples
    --------
    >>> kl_optimum([0.5, 0.5], [0.0, 1.0], beta=1.0).round(4)  # e/(1+e)
    array([0.2689, 0.7311])
    """
    q, r, b = _numeric_problem(reference, reward, beta)
    with np.errstate(divide="ignore"):
        logits = np.log(q) + r / b  # (4) log π_ref(y) + r(y)/β; −∞ where π_ref(y) = 0
    log_z = logsumexp(logits, axis=-1, keepdims=True)  # (4) log Z(x)
    return np.asarray(np.exp(logits - log_z), dtype=np.float64)  # (4) π* = π_ref e^{r/β} / Z


def kl_objective(policy: ArrayLike, reference: ArrayLike, reward: ArrayLike, *, beta: float) -> NDArray[np.float64]:
    r"""The KL-regularized objective :math:`J(\pi)` per prompt, in float64.

    :math:`\pi` is ``policy``; the other symbols as in :func:`kl_optimum`. The KL term
    is :func:`scipy.special.rel_entr`, with :math:`0\log 0 = 0`.

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

    References
    ----------
    Rafailov et al. (2023), eq. (3).

    Examples
    --------
    >>> kl_objective([0.5, 0.5], [0.5, 0.5], [0.0, 1.0], beta=1.0)
    array(0.5)
    """
    q, r, b = _numeric_problem(reference, reward, beta)
    p = as_array(policy, "policy", shape=r.shape)
    probability_rows(p, "policy")
    expected_reward = np.sum(p * r, axis=-1)  # (3) E_π[r(y)]
    kl = np.sum(rel_entr(p, q), axis=-1)  # (3) KL(π ‖ π_ref)
    return np.asarray(expected_reward - b * kl, dtype=np.float64)


# ---------------------------------------------------------------- derivations (K = 3 responses)
_BETA = sp.Symbol("beta", positive=True)
_LAM = sp.Symbol("lambda", real=True)
_PI = sp.symbols("pi_1:4", positive=True)
_REF = sp.symbols(r"\pi_{ref\,1} \pi_{ref\,2} \pi_{ref\,3}", positive=True)
_R = sp.symbols("r_1:4", real=True)
_Z = sp.Symbol("Z", positive=True)
_Z_DEF = sp.Add(*[q * sp.exp(r / _BETA) for q, r in zip(_REF, _R)])
# π*(y_k) as a name, printed and read back as \pi^*(y_k) (_STAR_NAMES). Named Pstar_k so that SymPy, which
# sorts the keys of a substitution, replaces them before Z, the name their definitions use.
_STAR_OF = tuple(sp.Symbol(f"Pstar_{k}", positive=True) for k in (1, 2, 3))
_STAR_NAMES = {s: rf"\pi^*(y_{k + 1})" for k, s in enumerate(_STAR_OF)}
_STAR_DEF = {s: q * sp.exp(r / _BETA) / _Z for s, q, r in zip(_STAR_OF, _REF, _R)}
# How the page writes π_ref(y_k): upright "ref", as in π_ref; also how a display form names it.
_REF_NAMES = {q: rf"\pi_{{\mathrm{{ref}},{k + 1}}}" for k, q in enumerate(_REF)}



def _lagrange_stationarity() -> Derivation:
    p, q, r = _PI[0], _REF[0], _R[0]
    own_terms = p * (r - _BETA * sp.log(p / q)) + _LAM * p  # the terms of L that contain π_1
    return Derivation(
        r"Stationary point of the Lagrangian ($K = 3$ responses, shown for $y_1$)",
        [
            Step(sp.Eq(sp.Derivative(own_terms, p), 0, evaluate=False),
                 r"$\partial L / \partial \pi_1 = 0$, with the terms of $L$ that contain $\pi_1$",
                 display=r"\frac{\partial}{\partial \pi_1}\Bigl(\pi_1 \bigl(r_1 - \beta \log \frac{\pi_1}{\pi_{\mathrm{ref},1}}\bigr)"
                         r" + \lambda \pi_1\Bigr) = 0"),
            Step(sp.Eq(sp.diff(own_terms, p), 0, evaluate=False), r"$\frac{d}{d\pi}[\pi \log \pi] = \log \pi + 1$",
                 display=r"r_1 - \beta \log \frac{\pi_1}{\pi_{\mathrm{ref},1}} - \beta + \lambda = 0"),
            Step(sp.Eq(sp.log(p), sp.log(q) + r / _BETA + _LAM / _BETA - 1),
                 r"divide by $-\beta$, rearrange", factor=-1 / _BETA,
                 display=r"\log \pi_1 = \log \pi_{\mathrm{ref},1} + \frac{r_1}{\beta} + \frac{\lambda}{\beta} - 1"),
        ],
        names=_REF_NAMES,
        notation=Notation(scalars=("beta", "lambda", "pi_1")),
        symbols={r"L": r"$J(\pi) + \lambda\bigl(\sum_y \pi(y) - 1\bigr)$, the Lagrangian",
                 r"\pi_k": r"$\pi(y_k)$", r"\pi_{\mathrm{ref},k}": r"$\pi_{\mathrm{ref}}(y_k)$", r"r_k": r"$r(x, y_k)$"},
        argument=(r"By (3), $L = \sum_k \pi_k\bigl(r_k - \beta \log \frac{\pi_k}{\pi_{\mathrm{ref},k}}\bigr) + \lambda\bigl(\sum_k \pi_k - 1\bigr)$, "
                  r"and only the $k$-th term of each sum contains $\pi_k$; the same computation holds for every $y_k$ "
                  r"and every $K$. The constraints $\pi_k \ge 0$ never bind: "
                  r"$\partial J / \partial \pi_k = r_k - \beta \log \frac{\pi_k}{\pi_{\mathrm{ref},k}} - \beta$ tends to $+\infty$ "
                  r"as $\pi_k \to 0$, so no maximizer puts probability 0 on a response the reference allows."),
    )


def _normalization() -> Derivation:
    c = sp.exp(_LAM / _BETA - 1)
    return Derivation(
        "Normalization fixes the multiplier",
        [
            Step(sp.Eq(sp.Add(*[q * sp.exp(r / _BETA) * c for q, r in zip(_REF, _R)]), 1),
                 r"exponentiate the stationarity condition for each $y$ and require $\sum_y \pi(y) = 1$"),
            Step(sp.Eq(c * _Z, 1), r"factor out $e^{\lambda/\beta - 1}$; $Z$ is the partition function"),
            Step(sp.Eq(c, 1 / _Z), r"divide by $Z$", factor=1 / _Z),
        ],
        where={_Z: _Z_DEF},
        names=_REF_NAMES,
    )


def _optimum() -> Derivation:
    return Derivation(
        "The optimal policy",
        [
            Step(sp.Eq(sp.Symbol(r"{\pi^*(y_1)}"), _REF[0] * sp.exp(_R[0] / _BETA) * sp.exp(_LAM / _BETA - 1)),
                 "stationarity condition, exponentiated"),
            Step(_REF[0] * sp.exp(_R[0] / _BETA) / _Z, r"$e^{\lambda/\beta - 1} = 1/Z$, so $\lambda = \beta(1 - \log Z)$"),
        ],
        where={_LAM: _BETA * (1 - sp.log(_Z))},
        names=_REF_NAMES,
    )


def _j_ratio(policy: tuple[sp.Expr, ...]) -> sp.Expr:
    """J of (3) with each KL term as β log(π/π_ref), the page's way of writing it."""
    return sp.Add(*[p * (r - _BETA * sp.log(p / q)) for p, q, r in zip(policy, _REF, _R)])


def _optimal_value() -> Derivation:
    return Derivation(
        r"The optimal value is $\beta \log Z$",
        [
            Step(_j_ratio(_STAR_OF), r"(3) at $\pi^*$",
                 display=" + ".join(rf"\pi^*(y_{k}) \bigl(r_{k} - \beta \log \frac{{\pi^*(y_{k})}}{{\pi_{{\mathrm{{ref}},{k}}}}}\bigr)"
                                    for k in (1, 2, 3))),
            Step(_BETA * sp.Add(*_STAR_OF) * sp.log(_Z), r"$r_k - \beta \log \frac{\pi^*(y_k)}{\pi_{\mathrm{ref},k}} = \beta \log Z$",
                 display=r"\beta \bigl(\pi^*(y_1) + \pi^*(y_2) + \pi^*(y_3)\bigr) \log Z"),
            Step(_BETA * sp.log(_Z), r"$\pi^*$ sums to 1", display=r"\beta \log Z"),
        ],
        lhs_latex=r"J(\pi^*)",
        notation=Notation(scalars=("beta",)),
        where={**_STAR_DEF, _Z: _Z_DEF},
        names={**_REF_NAMES, **_STAR_NAMES},
    )


def _gap_is_kl() -> Derivation:
    return Derivation(
        r"Optimality gap: $J(\pi^*) - J(\pi) = \beta\, \mathrm{KL}(\pi \,\|\, \pi^*)$",
        [
            Step(_BETA * sp.log(_Z) - _j_ratio(_PI), r"$J(\pi^*) = \beta \log Z$ and (3)"),
            Step(_BETA * sp.Add(*[p * sp.log(p / s) for p, s in zip(_PI, _STAR_OF)]),
                 r"$\sum_k \pi_k = 1$; $r_k = \beta \log \frac{\pi^*(y_k)}{\pi_{\mathrm{ref},k}} + \beta \log Z$"),
        ],
        assumptions=Assumptions.of(_PI[0] + _PI[1] < 1),
        where={**_STAR_DEF, _Z: _Z_DEF, _PI[2]: 1 - _PI[0] - _PI[1]},
        lhs_latex=r"J(\pi^*) - J(\pi)",
        names={**_REF_NAMES, **_STAR_NAMES},
        argument=(r"For any $K$: as $\sum_y \pi(y) = 1$, $\beta \log Z - J(\pi) = \sum_y \pi(y)\bigl(\beta \log Z - r(y) + \beta \log \frac{\pi(y)}{\pi_{\mathrm{ref}}(y)}\bigr)$, "
                  r"and $\beta \log Z - r(y) = -\beta \log \frac{\pi^*(y)}{\pi_{\mathrm{ref}}(y)}$ by (4), "
                  r"so the sum is $\beta \sum_y \pi(y) \log \frac{\pi(y)}{\pi^*(y)} = \beta\, \mathrm{KL}(\pi \,\|\, \pi^*)$."),
    )


def _gibbs_inequality() -> Derivation:
    star = sp.symbols(r"{\pi^*_1} {\pi^*_2} {\pi^*_3}", positive=True)
    return Derivation(
        r"Gibbs' inequality: the bound from $\log t \le t - 1$ is exactly 0",
        [
            Step(sp.Add(*[p * (s / p - 1) for p, s in zip(_PI, star)]), r"$-\mathrm{KL}(\pi \,\|\, \pi^*) = \sum_y \pi \log(\pi^*/\pi) \le \sum_y \pi (\pi^*/\pi - 1)$"),
            Step(sp.Add(*star) - sp.Add(*_PI), "expand"),
            Step(sp.Integer(0), "both sum to 1"),
        ],
        assumptions=Assumptions.of(_PI[0] + _PI[1] < 1, star[0] + star[1] < 1),
        where={_PI[2]: 1 - _PI[0] - _PI[1], star[2]: 1 - star[0] - star[1]},
        lhs_latex=r"\textstyle\sum_y \pi(y)\bigl(\tfrac{\pi^*(y)}{\pi(y)} - 1\bigr)",
    )


def derivations() -> tuple[Derivation, ...]:
    """The verified derivation of the KL-regularized optimum, shown on the RLHF page.

    Returns
    -------
    tuple of Derivation
        Lagrange stationarity, normalization, the optimum, its value β log Z, the
        optimality gap as β·KL(π‖π*), and Gibbs' inequality (for K = 3 responses).

    Examples
    --------
    >>> [d.verify().ok for d in derivations()]
    [True, True, True, True, True, True]
    """
    return (_lagrange_stationarity(), _normalization(), _optimum(), _optimal_value(), _gap_is_kl(), _gibbs_inequality())


# ---------------------------------------------------------------- registry
def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    from ..testing import rationals

    def problem(k: int) -> SearchStrategy[dict[str, Any]]:
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

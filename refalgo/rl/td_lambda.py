r"""The fixed point of linear TD(λ): the projected λ-Bellman equation (TD(λ) 的收敛点).

TD(λ) with linear features and accumulating traces (:func:`refalgo.rl.semi_gradient_td`
with ``lam``) bootstraps from the λ-return. Its expected update on the stationary chain is
:math:`b_\lambda - A_\lambda w` with

.. math::

    A_\lambda = \Phi^\top D (I - \gamma\lambda P_\pi)^{-1}(I - \gamma P_\pi)\Phi, \qquad
    b_\lambda = \Phi^\top D (I - \gamma\lambda P_\pi)^{-1} r_\pi \qquad (1)

(Tsitsiklis & Van Roy 1997, Lemma 6; the trace :math:`z_t = \sum_k (\gamma\lambda)^{t-k}
\phi(S_k)` sums the powers :math:`(\gamma\lambda P_\pi)^j` into the inverse). The
**TD(λ) fixed point** solves

.. math::

    A_\lambda w_\lambda = b_\lambda, \qquad\text{i.e.}\qquad \Phi w_\lambda = \Pi T^{(\lambda)}_\pi(\Phi w_\lambda),
    \quad T^{(\lambda)}_\pi v = (I - \gamma\lambda P_\pi)^{-1}\bigl(r_\pi + \gamma(1 - \lambda) P_\pi v\bigr) \qquad (2)

:math:`T^{(\lambda)}_\pi` is a contraction of modulus :math:`\gamma(1-\lambda)/(1-\gamma\lambda)`
in :math:`\|\cdot\|_D`, which gives Tsitsiklis & Van Roy's Theorem 1 (c):

.. math::

    \|\Phi w_\lambda - v_\pi\|_D \le \frac{1 - \gamma\lambda}{1 - \gamma}\,\|\Pi v_\pi - v_\pi\|_D. \qquad (3)

λ = 0 gives the TD fixed point :math:`w_{TD}`; λ = 1 gives :math:`T^{(1)}_\pi v = v_\pi`,
so :math:`w_1` is the value-error minimiser (gradient Monte Carlo's limit).

**Conventions** — Sutton & Barto (2018), §12.2 (accumulating traces, their :math:`\mathbf
z_t`) and §12.1 (λ-return); Tsitsiklis & Van Roy (1997), whose :math:`\alpha` is our
:math:`\gamma` and whose :math:`r^*` is our :math:`w_\lambda`. :math:`D` is the stationary
distribution of :math:`P_\pi` by default.

Twins: :func:`td_lambda_fixed_point_symbolic` forms (1) exactly with an exact solve of
:math:`(I - \gamma\lambda P_\pi) X = (I - \gamma P_\pi)\Phi`; :func:`td_lambda_fixed_point`
factorises :math:`I - \gamma\lambda P_\pi` once (sparse LU) and builds :math:`A_\lambda`
row by row from the transposed solves :math:`x_j = (I - \gamma\lambda P_\pi)^{-\top} D\phi_j`,
so its memory stays :math:`O(S)` besides the factorisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_discount
from ..assumptions import Assumptions
from ..derivation import Derivation, Step
from ..mdp.bellman import policy_model
from ..mdp.model import MDP, Number
from ..registry import Concept, Tolerance
from ._engine.inputs import exact_features, exact_weights, feature_matrix
from ._engine.linalg import exact_chain, exact_solve
from .objectives import resolve_weights
from .stationary import chain_stationary_distribution_symbolic

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["derivations", "td_lambda_fixed_point", "td_lambda_fixed_point_symbolic"]

REFERENCES = (
    ("J. N. Tsitsiklis and B. Van Roy, An analysis of temporal-difference learning with function approximation, "
     "IEEE Trans. Automatic Control 42 (1997) 674-690, Lemma 6 and Theorem 1"),
    "R. S. Sutton and A. G. Barto, Reinforcement Learning: An Introduction, 2nd ed., 2018, §12.1-12.2",
)


def td_lambda_fixed_point_symbolic(
    mdp: MDP, policy: ArrayLike, features: Any, *, lam: Number | sp.Symbol, weights: Any = None,
    gamma: Number | sp.Symbol | None = None,
) -> sp.Matrix:
    r"""The exact TD(λ) fixed point :math:`w_\lambda`, solving :math:`A_\lambda w = b_\lambda` (1)–(2).

    :math:`\lambda` is ``lam``; the other parameters as
    :func:`~refalgo.rl.td_fixed_point_symbolic`.

    Parameters
    ----------
    mdp, policy, features, weights, gamma
        As :func:`~refalgo.rl.td_fixed_point_symbolic`.
    lam
        :math:`\lambda \in [0, 1]`, exact, or a SymPy symbol.

    Returns
    -------
    sympy.Matrix
        Column of ``k`` exact weights.

    Raises
    ------
    ValueError
        Bad features or weights, ``lam`` outside [0, 1], a singular system.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[["1/2", "1/2"]], [["1/2", "1/2"]]], [[0], [2]], "1/2")
    >>> [td_lambda_fixed_point_symbolic(m, [0, 0], [[1], [2]], lam=x)[0] for x in (0, 1)]  # w_TD, then (v₁ + 2v₂)/5
    [16/11, 7/5]
    """
    g = mdp.gamma_exact if gamma is None else exact_discount(gamma, "gamma", symbolic=True)
    lam_ = exact_discount(lam, "lam", symbolic=True)
    Phi = exact_features(features, mdp.n_states)
    P_pi, r_pi = exact_chain(mdp, policy)
    d = chain_stationary_distribution_symbolic(P_pi) if weights is None else exact_weights(weights, mdp.n_states)
    eye = sp.eye(mdp.n_states)
    M = eye - g * lam_ * P_pi  # I − γλP_π
    both = exact_solve(M, ((eye - g * P_pi) * Phi).row_join(r_pi), "lam")  # (I − γλP_π)⁻¹ [(I − γP_π)Φ, r_π]
    k = Phi.shape[1]
    DPhiT = Phi.T * sp.diag(*d)
    A = DPhiT * both[:, :k]  # (1) A_λ
    return exact_solve(A, DPhiT * both[:, k], "weights")  # (2) A_λ w_λ = b_λ


def td_lambda_fixed_point(mdp: MDP, policy: ArrayLike, features: Any, *, lam: float, weights: Any = None) -> NDArray[np.float64]:
    r"""The TD(λ) fixed point :math:`w_\lambda` in float64: one sparse LU of :math:`I - \gamma\lambda P_\pi`, k transposed solves, a k × k solve.

    Parameters
    ----------
    mdp, policy, features, weights
        As :func:`~refalgo.rl.td_fixed_point` (dense or sparse model and features).
    lam
        :math:`\lambda \in [0, 1]`.

    Returns
    -------
    numpy.ndarray
        Shape ``(k,)``.

    Raises
    ------
    ValueError
        As :func:`td_lambda_fixed_point_symbolic`.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [2.0]], 0.5)
    >>> td_lambda_fixed_point(m, [0, 0], [[1.0], [2.0]], lam=0.5).round(6).tolist()  # 10/7
    [1.428571]
    """
    lam_ = float(exact_discount(lam, "lam"))
    Phi = sps.csc_array(feature_matrix(features, mdp.n_states))
    d = resolve_weights(mdp, policy, weights)
    P_pi, r_pi = policy_model(mdp, policy)
    P = sps.csr_array(P_pi)
    lu = spla.splu((sps.eye_array(mdp.n_states, format="csr") - mdp.gamma * lam_ * P).tocsc())  # I − γλP_π, once
    k = Phi.shape[1]
    A, b = np.zeros((k, k)), np.zeros(k)
    for j in range(k):  # one column at a time: memory O(S), not O(S·k)
        x = lu.solve(d * Phi[:, [j]].toarray().ravel(), trans="T")  # x = (I − γλP_π)⁻ᵀ D φ_j
        A[j] = (Phi.T @ x) - mdp.gamma * (Phi.T @ (P.T @ x))  # (1) row j of A_λ: xᵀ(I − γP_π)Φ
        b[j] = x @ r_pi  # (1) b_λ[j] = xᵀ r_π
    if np.linalg.matrix_rank(A) < k:
        raise ValueError("weights: the TD(λ) system A_λ w = b_λ is singular under this weighting")
    return np.asarray(np.linalg.solve(A, b))  # (2)


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivation the page renders: one state, one feature, :math:`w_\lambda` does not depend on λ.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]  # the factor (1 − γλ)/φ ≠ 0 is checked at sampled points
    ['checked']
    """
    g, lam = sp.symbols("gamma lambda", positive=True)
    r, w, phi = sp.symbols("r w phi", positive=True)
    a_lam = phi**2 * (1 - g) / (1 - g * lam)
    b_lam = phi * r / (1 - g * lam)
    return (
        Derivation(
            r"One state with reward $r$ and one feature $\phi$: $A_\lambda w = b_\lambda$ gives $w_\lambda = \frac{r}{\phi(1-\gamma)}$ for every $\lambda$",
            [
                Step(sp.Eq(a_lam * w, b_lam, evaluate=False),
                     r"(1) with $P_\pi = 1$, $D = 1$: $(1 - \gamma\lambda)^{-1}$ multiplies both sides",
                     display=r"\frac{\phi^2 (1-\gamma)}{1-\gamma\lambda}\, w = \frac{\phi\, r}{1-\gamma\lambda}"),
                Step(sp.Eq(phi * (1 - g) * w, r, evaluate=False), r"multiply by $(1 - \gamma\lambda)/\phi$",
                     factor=(1 - g * lam) / phi, display=r"\phi \cdot (1-\gamma)\, w = r"),
                Step(sp.Eq(w, r / (phi * (1 - g)), evaluate=False), r"divide by $\phi(1 - \gamma)$", factor=1 / (phi * (1 - g)),
                     display=r"w = \frac{r}{\phi \cdot (1-\gamma)}"),
            ],
            assumptions=Assumptions.of(g < 1, lam <= 1),
            names={w: "w"},
            symbols={"r": "the reward of the one state", r"\phi": "its feature",
                     r"\lambda": "the trace decay"},
            argument=(r"With one state, $v_\pi = r/(1-\gamma)$ is representable, so every $\lambda$ finds it: "
                      r"$\lambda$ changes $w_\lambda$ only through what the features cannot represent."),
        ),
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from hypothesis import strategies as st

    from ._strategies import approximation_examples

    return st.tuples(approximation_examples(stationary_only=True), st.sampled_from(["0", "1/2", "9/10", "1"])).map(
        lambda pair: {**pair[0], "lam": pair[1]})


def _symbolic(example: dict[str, Any]) -> list[float]:
    return [float(x) for x in td_lambda_fixed_point_symbolic(example["mdp"], example["policy"], example["features"],
                                                             lam=example["lam"])]


def _numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    return td_lambda_fixed_point(example["mdp"], example["policy"], np.array(example["features"], dtype=float),
                                 lam=float(sp.Rational(example["lam"])))


CONCEPTS = (
    Concept(
        name="td-lambda-fixed-point",
        area="rl",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-8, atol=1e-8, why="an LU of I − γλP_π (γλ <= 19/20, condition below 40) and a k×k "
                            "solve of A_λ, positive definite under the stationary weighting: condition below 1e5"),
        references=REFERENCES,
        page="rl/td-linear.md",
    ),
)

r"""The projected Bellman equation and the TD fixed point :math:`w_{TD}` (TD-linear 的收敛点).

Semi-gradient TD(0) with linear features does not minimise the value error. In
expectation its update is :math:`w \leftarrow w + \alpha(b - A w)` with

.. math::

    A = \Phi^\top D (I - \gamma P_\pi) \Phi, \qquad b = \Phi^\top D\, r_\pi \qquad (1)

so when it converges, it converges to the solution of :math:`A w = b`, the **TD fixed
point**:

.. math::

    \Phi^\top D (I - \gamma P_\pi) \Phi\, w_{TD} = \Phi^\top D\, r_\pi \qquad (2)

which is the projected Bellman equation :math:`\Phi w = \Pi T_\pi(\Phi w)` with
:math:`T_\pi v = r_\pi + \gamma P_\pi v` and :math:`\Pi` the :math:`D`-orthogonal
projection onto the span of the features (3). With :math:`D` the stationary
distribution, :math:`\|P_\pi x\|_D \le \|x\|_D`, so :math:`\Pi T_\pi` is a
:math:`\gamma`-contraction in :math:`\|\cdot\|_D`, :math:`A` is positive definite
(:math:`x^\top A x > 0` for :math:`x \neq 0`), and

.. math::

    \|\Phi w_{TD} - v_\pi\|_D \le \frac{1}{\sqrt{1 - \gamma^2}}\, \|\Pi v_\pi - v_\pi\|_D. \qquad (4)

**Conventions** — Zhao (2025), §8.2.3–8.2.4 (his :math:`A w = b`, the same (1));
Sutton & Barto (2018), §9.4, eqs. (9.11)–(9.14) (they write :math:`\mathbf A` the same
way and the TD fixed point as :math:`\mathbf w_{TD} = \mathbf A^{-1}\mathbf b`; their
(9.14) is :math:`\overline{\mathrm{VE}}(w_{TD}) \le \frac{1}{1-\gamma}\min_w
\overline{\mathrm{VE}}(w)` for the squared error, which (4) implies since
:math:`1 - \gamma^2 \ge 1 - \gamma`); Tsitsiklis & Van Roy (1997), Theorem 1, prove
:math:`\|\Phi w_{TD} - v_\pi\|_D \le \frac{1}{1 - \gamma}\|\Pi v_\pi - v_\pi\|_D` for
TD(0), which (4) sharpens. (4) needs :math:`D` stationary; under another weighting
:math:`A` may be indefinite and the bound fails.

Twins: :func:`td_fixed_point_symbolic` solves (2) over the rationals (or as rational
functions of a symbolic :math:`\gamma`) from the exact chain; :func:`td_fixed_point`
builds (1) with sparse products (so :math:`10^6` states and sparse features are fine)
and solves the :math:`k \times k` system by LU.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sps
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_discount
from .._validate import as_array, as_flag
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

__all__ = ["TDSystem", "derivations", "projected_bellman_operator", "td_fixed_point", "td_fixed_point_symbolic", "td_system"]

REFERENCES = (
    "S. Zhao, Mathematical Foundations of Reinforcement Learning, Springer 2025, §8.2.3-8.2.4 (TD-linear, projected Bellman equation)",
    "R. S. Sutton and A. G. Barto, Reinforcement Learning: An Introduction, 2nd ed., 2018, §9.4, eqs. (9.11)-(9.14)",
    "J. N. Tsitsiklis and B. Van Roy, An analysis of temporal-difference learning with function approximation, "
    "IEEE Trans. Automatic Control 42 (1997) 674-690, Lemma 1 and Theorem 1",
)


def td_fixed_point_symbolic(
    mdp: MDP, policy: ArrayLike, features: Any, *, weights: Any = None, gamma: Number | sp.Symbol | None = None
) -> sp.Matrix:
    r"""The exact TD fixed point :math:`w_{TD}`, solving (2) over the rationals.

    Parameters
    ----------
    mdp, policy
        The model and the policy (exact entries stay exact; floats at their binary value).
    features
        :math:`\Phi`, ``(S, k)`` with independent columns.
    weights
        :math:`d`, summing to exactly 1; default the exact stationary distribution of
        :math:`P_\pi` (which does not depend on :math:`\gamma`).
    gamma
        Optional override of ``mdp.gamma_exact``: an exact number or a SymPy symbol, for a
        closed form in :math:`\gamma` (small models).

    Returns
    -------
    sympy.Matrix
        Column of ``k`` exact weights.

    Raises
    ------
    ValueError
        Bad features or weights; a singular :math:`A` (possible only off the stationary weighting).

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> g = sp.Symbol("gamma")
    >>> m = MDP([[["1/2", "1/2"]], [["1/2", "1/2"]]], [[0], [2]], "1/2")
    >>> td_fixed_point_symbolic(m, [0, 0], [[1], [2]], gamma=g)
    Matrix([[-8/(9*gamma - 10)]])
    """
    g = mdp.gamma_exact if gamma is None else exact_discount(gamma, "gamma", symbolic=True)
    Phi = exact_features(features, mdp.n_states)
    P_pi, r_pi = exact_chain(mdp, policy)
    d = chain_stationary_distribution_symbolic(P_pi) if weights is None else exact_weights(weights, mdp.n_states)
    D = sp.diag(*d)
    A = Phi.T * D * (sp.eye(mdp.n_states) - g * P_pi) * Phi  # (1) A = ΦᵀD(I − γP_π)Φ
    return exact_solve(A, Phi.T * D * r_pi, "weights")  # (2) A w_TD = ΦᵀD r_π


class TDSystem(NamedTuple):
    r"""The expected TD(0) update :math:`w \leftarrow w + \alpha(b - A w)` of (1).

    Attributes
    ----------
    A
        :math:`\Phi^\top D (I - \gamma P_\pi) \Phi`, ``(k, k)``.
    b
        :math:`\Phi^\top D\, r_\pi`, ``(k,)``.
    weights
        The weighting :math:`d` used, ``(S,)``.
    """

    A: NDArray[np.float64]
    b: NDArray[np.float64]
    weights: NDArray[np.float64]


def td_system(mdp: MDP, policy: ArrayLike, features: Any, *, weights: Any = None, allow_dependent: bool = False) -> TDSystem:
    r"""The matrix :math:`A` and vector :math:`b` of the expected TD(0) update (1), by sparse products.

    Parameters
    ----------
    mdp, policy
        The model (dense or sparse) and the policy.
    features
        :math:`\Phi`, ``(S, k)`` with independent columns: an array or a SciPy sparse matrix.
    weights
        :math:`d`, as :func:`~refalgo.rl.objectives.resolve_weights` takes it (default
        stationary), or the behaviour policy's distribution for the off-policy update.
    allow_dependent
        Accept features with dependent columns (Baird's counterexample has 8 features for
        7 states); :math:`A` is then singular.

    Returns
    -------
    TDSystem

    Raises
    ------
    ValueError
        Features with the wrong row count or dependent columns, weights that are not a
        distribution, NaN rewards.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [2.0]], 0.5)
    >>> td_system(m, [0, 0], [[1.0], [1.0]]).A.tolist()
    [[0.5]]
    """
    Phi = feature_matrix(features, mdp.n_states, independent=not as_flag(allow_dependent, "allow_dependent"))
    d = resolve_weights(mdp, policy, weights)
    P_pi, r_pi = policy_model(mdp, policy)
    DPhi = sps.diags_array(d) @ Phi if sps.issparse(Phi) else d[:, None] * Phi  # D Φ
    next_features = P_pi @ Phi  # P_π Φ: the expected next features
    A = DPhi.T @ (Phi - mdp.gamma * next_features)  # (1) A = ΦᵀD(Φ − γP_πΦ)
    A = np.asarray(A.toarray() if sps.issparse(A) else A, dtype=np.float64)
    return TDSystem(A, np.asarray(DPhi.T @ r_pi, dtype=np.float64), d)  # (1) b = ΦᵀD r_π


def td_fixed_point(mdp: MDP, policy: ArrayLike, features: Any, *, weights: Any = None) -> NDArray[np.float64]:
    r"""The TD fixed point :math:`w_{TD}` in float64: build (1) by sparse products, solve (2) by LU.

    Parameters
    ----------
    mdp, policy
        The model (dense or sparse) and the policy.
    features
        :math:`\Phi`, ``(S, k)``: an array or a SciPy sparse matrix, independent columns.
    weights
        :math:`d` (default the stationary distribution of :math:`P_\pi`).

    Returns
    -------
    numpy.ndarray
        Shape ``(k,)``.

    Raises
    ------
    ValueError
        As :func:`td_system`; a singular :math:`A` (only off the stationary weighting).

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [2.0]], 0.5)
    >>> td_fixed_point(m, [0, 0], [[1.0], [2.0]]).round(12).tolist()  # 8/(10 − 9γ) at γ = 1/2
    [1.454545454545]
    """
    A, b, _ = td_system(mdp, policy, features, weights=weights)
    try:
        lu = sla.lu_factor(A, check_finite=True)
    except (np.linalg.LinAlgError, ValueError) as exc:
        raise ValueError(f"weights: A = ΦᵀD(I − γP_π)Φ cannot be factored ({exc})") from None
    if np.any(np.abs(np.diag(lu[0])) <= 1e-14 * np.abs(A).max()):
        raise ValueError("weights: A = ΦᵀD(I − γP_π)Φ is singular under this weighting: there is no unique TD fixed point")
    return np.asarray(sla.lu_solve(lu, b))  # (2) A w_TD = b


def projected_bellman_operator(
    mdp: MDP, policy: ArrayLike, features: Any, values: ArrayLike, *, weights: Any = None
) -> NDArray[np.float64]:
    r"""The projected Bellman operator (3): :math:`\Pi T_\pi v = \Pi(r_\pi + \gamma P_\pi v)`, in float64.

    Parameters
    ----------
    mdp, policy
        The model and the policy.
    features
        :math:`\Phi`, ``(S, k)`` with independent columns.
    values
        :math:`v`, ``S`` numbers.
    weights
        :math:`d` (default stationary).

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``: a vector in the span of the features.

    Raises
    ------
    ValueError
        As :func:`td_system`, or ``values`` of the wrong length.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [2.0]], 0.5)
    >>> projected_bellman_operator(m, [0, 0], [[1.0], [1.0]], [0.0, 0.0]).tolist()
    [1.0, 1.0]
    """
    Phi = feature_matrix(features, mdp.n_states)
    d = resolve_weights(mdp, policy, weights)
    v = as_array(values, "values", ndim=1, shape=(mdp.n_states,))
    P_pi, r_pi = policy_model(mdp, policy)
    target = r_pi + mdp.gamma * (P_pi @ v)  # T_π v = r_π + γ P_π v
    DPhi = sps.diags_array(d) @ Phi if sps.issparse(Phi) else d[:, None] * Phi
    gram = DPhi.T @ Phi
    gram = gram.toarray() if sps.issparse(gram) else gram
    return np.asarray(Phi @ sla.solve(gram, DPhi.T @ target, assume_a="pos"))  # (3) Π = Φ(ΦᵀDΦ)⁻¹ΦᵀD


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the page renders: projected Bellman equation → (2); one-feature :math:`w_{TD}`; the bound (4).

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven', 'proven']
    """
    g = sp.Symbol("gamma", positive=True)
    d1, d2, p, q = sp.symbols("d_1 d_2 p q", positive=True)
    a, c, r1, r2, w = sp.symbols("a c r_1 r_2 w", real=True)
    Phi, D = sp.Matrix([[a], [c]]), sp.diag(d1, d2)
    P, r = sp.Matrix([[1 - p, p], [q, 1 - q]]), sp.Matrix([r1, r2])
    gram = (Phi.T * D * Phi)[0]
    target = r + g * P * Phi * w
    projected = Derivation(
        r"The projected Bellman equation $\Phi w = \Pi T_\pi(\Phi w)$ is $A w = b$ (two states, one feature)",
        [
            Step(sp.Eq(gram * w, (Phi.T * D * target)[0], evaluate=False),
                 r"multiply $\Phi w = \Phi(\Phi^\top D\Phi)^{-1}\Phi^\top D\,T_\pi(\Phi w)$ by $\Phi^\top D$"),
            Step(sp.Eq((Phi.T * D * (sp.eye(2) - g * P) * Phi)[0] * w, (Phi.T * D * r)[0], evaluate=False),
                 r"move $\gamma\Phi^\top D P_\pi \Phi w$ to the left: $A w = b$"),
        ],
        symbols={"a, c": r"the feature $\phi(s)$ of the two states", "d_s": r"the weight $d(s)$",
                 "p, q": r"the probabilities of switching state under $\pi$", "r_s": r"the expected reward $r_\pi(s)$"},
    )
    e_pi, e_td = sp.symbols("e_pi e_TD", nonnegative=True)
    bound = Derivation(
        r"From the Pythagorean split to the bound (4): $\|\Phi w_{TD} - v_\pi\|_D^2 \le \|\Pi v_\pi - v_\pi\|_D^2 / (1 - \gamma^2)$",
        [
            Step(sp.Eq(e_td, e_pi + g**2 * e_td, evaluate=False),
                 r"the split with equality in the contraction step (the worst case)",
                 display=r"e_{TD} = e_\Pi + \gamma^2 e_{TD}"),
            Step(sp.Eq((1 - g**2) * e_td, e_pi, evaluate=False), r"collect $e_{TD}$",
                 display=r"(1 - \gamma^2)\, e_{TD} = e_\Pi"),
            Step(sp.Eq(e_td, e_pi / (1 - g**2), evaluate=False), r"divide by $1 - \gamma^2 > 0$", factor=1 / (1 - g**2),
                 display=r"e_{TD} = \frac{e_\Pi}{1 - \gamma^2}"),
        ],
        assumptions=None,
        names={e_pi: r"e_\Pi", e_td: "e_{TD}"},
        symbols={"e_{TD}": r"$\|\Phi w_{TD} - v_\pi\|_D^2$", r"e_\Pi": r"$\|\Pi v_\pi - v_\pi\|_D^2$"},
        argument=(r"$\Phi w_{TD} - v_\pi = (\Pi v_\pi - v_\pi) + (\Phi w_{TD} - \Pi v_\pi)$; the first part is "
                  r"$D$-orthogonal to the span of the features and the second lies in it, so the squares add. "
                  r"The second is $\Pi T_\pi \Phi w_{TD} - \Pi T_\pi v_\pi$, at most $\gamma\|\Phi w_{TD} - v_\pi\|_D$ "
                  r"in norm, because $\Pi$ does not enlarge $\|\cdot\|_D$ and $\|P_\pi x\|_D \le \|x\|_D$ for the "
                  r"stationary $d$. Hence $e_{TD} \le e_\Pi + \gamma^2 e_{TD}$; the chain solves the equality case."),
    )
    return projected, _one_feature(g), bound


def _one_feature(g: sp.Symbol) -> Derivation:
    """The TD fixed point of the two-state chain with one constant feature: the average reward over 1 − γ."""
    d1, r1, r2, w = sp.symbols("d_1 r_1 r_2 w", real=True)
    return Derivation(
        r"One constant feature: $w_{TD} = \frac{d_1 r_1 + d_2 r_2}{1 - \gamma}$, the value of the average reward",
        [
            Step(sp.Eq((1 - g) * w, d1 * r1 + (1 - d1) * r2, evaluate=False),
                 r"(2) with $\Phi = \mathbf 1$: $\mathbf 1^\top D(I - \gamma P_\pi)\mathbf 1 = 1 - \gamma$ since $P_\pi\mathbf 1 = \mathbf 1$",
                 display=r"(1 - \gamma)\, w = d_1 r_1 + (1 - d_1) r_2"),
            Step(sp.Eq(w, (d1 * r1 + (1 - d1) * r2) / (1 - g), evaluate=False), r"divide by $1 - \gamma$",
                 factor=1 / (1 - g), display=r"w = \frac{d_1 r_1 + (1 - d_1) r_2}{1 - \gamma}"),
        ],
        names={w: "w"},
        symbols={"d_1": r"the weight of $s_1$ ($d_2 = 1 - d_1$)", "r_s": r"the expected reward $r_\pi(s)$"},
    )


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from ._strategies import approximation_examples

    return approximation_examples(stationary_only=True)


def _symbolic(example: dict[str, Any]) -> list[float]:
    return [float(x) for x in td_fixed_point_symbolic(example["mdp"], example["policy"], example["features"])]


def _numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    return td_fixed_point(example["mdp"], example["policy"], np.array(example["features"], dtype=float))


CONCEPTS = (
    Concept(
        name="td-fixed-point",
        area="rl",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-8, atol=1e-8, why="a k×k LU solve of A, positive definite under the stationary "
                            "weighting, with integer features and probabilities >= 1/16: condition below 1e5"),
        references=REFERENCES,
        page="rl/td-linear.md",
    ),
)

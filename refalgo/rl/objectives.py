r"""Value-function approximation: the value error and its minimiser, the projection :math:`\Pi v_\pi`.

A linear approximation gives state :math:`s` the value :math:`\hat v(s, w) =
\phi(s)^\top w`: the row ``features[s]`` of the feature matrix :math:`\Phi` times the
weights :math:`w`. How good a :math:`w` is, is measured under a weighting :math:`d` of
the states (uniform, the stationary distribution of the policy's chain, or given):

.. math::

    \mathrm{VE}(w) = \textstyle\sum_s d(s)\,\big(v_\pi(s) - \phi(s)^\top w\big)^2
        = \|\Phi w - v_\pi\|_D^2, \qquad D = \operatorname{diag}(d) \qquad (1)

    \nabla \mathrm{VE}(w) = -2\,\Phi^\top D\,(v_\pi - \Phi w) \qquad (2)

    \Phi^\top D \Phi\, w^\star = \Phi^\top D\, v_\pi \qquad (3)

    \Pi v_\pi = \Phi w^\star = \Phi (\Phi^\top D \Phi)^{-1} \Phi^\top D\, v_\pi \qquad (4)

(3) are the normal equations: setting the gradient (2) to zero. :math:`w^\star` is
unique when the columns of :math:`\Phi` are independent on the states of positive
weight; :math:`\Pi` is then the orthogonal projection onto the span of the features in
the inner product :math:`\langle x, y\rangle_D = x^\top D y`.

**Conventions** — Zhao (2025), §8.2 (his :math:`J(w)`, the same sum); Sutton & Barto
(2018), eq. (9.1) (their :math:`\overline{\mathrm{VE}}`, with :math:`\mu` for :math:`d`):

* ``features`` is :math:`\Phi`, shape ``(S, k)``, a NumPy array or a SciPy sparse matrix;
* ``weights`` is :math:`d`, ``S`` nonnegative numbers summing to 1; by default the
  stationary distribution of the policy's chain (:mod:`refalgo.rl.stationary`);
* :math:`v_\pi` comes from :mod:`refalgo.mdp` (:func:`~refalgo.mdp.state_values`).

Twins: :func:`value_error_minimizer_symbolic` solves (3) exactly over the rationals with
the exact :math:`v_\pi`; :func:`value_error_minimizer` solves the same normal equations in
float64 from the numeric :math:`v_\pi`, by a Cholesky factorisation of the
:math:`k \times k` Gram matrix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sps
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from .._exact import exact_vector
from .._validate import as_array
from ..derivation import Derivation, Step
from ..mdp.model import MDP
from ..mdp.values import state_values, state_values_symbolic
from ..registry import Concept, Tolerance
from ._engine.inputs import exact_features, exact_weights, feature_matrix, weight_vector
from ._engine.linalg import exact_solve
from .stationary import stationary_distribution, stationary_distribution_symbolic

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "derivations",
    "resolve_weights",
    "value_error",
    "value_error_minimizer",
    "value_error_minimizer_symbolic",
    "value_error_symbolic",
    "weighted_norm",
]

REFERENCES = (
    "S. Zhao, Mathematical Foundations of Reinforcement Learning, Springer 2025, §8.2 (objective function)",
    "R. S. Sutton and A. G. Barto, Reinforcement Learning: An Introduction, 2nd ed., 2018, §9.2, eq. (9.1)",
)


def _exact_weights(mdp: MDP, policy: ArrayLike, weights: Any) -> sp.Matrix:
    return stationary_distribution_symbolic(mdp, policy) if weights is None else exact_weights(weights, mdp.n_states)


def value_error_symbolic(mdp: MDP, policy: ArrayLike, features: Any, w: Any, *, weights: Any = None) -> sp.Expr:
    r"""The exact value error (1) :math:`\sum_s d(s)(v_\pi(s) - \phi(s)^\top w)^2` of the weights ``w``.

    Parameters
    ----------
    mdp, policy
        The model and the policy whose values :math:`v_\pi` are approximated.
    features
        :math:`\Phi`, ``(S, k)``, exact numbers or floats (at their binary value).
    w
        ``k`` weights; exact numbers or SymPy symbols (then VE is a quadratic in them).
    weights
        :math:`d`, summing to exactly 1; default the exact stationary distribution.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ValueError
        Features of the wrong shape or with dependent columns; ``w`` of the wrong length;
        ``weights`` not a distribution.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[["1/2", "1/2"]], [["1/2", "1/2"]]], [[0], [2]], "1/2")
    >>> value_error_symbolic(m, [0, 0], [[1], [1]], [2])
    1
    """
    Phi = exact_features(features, mdp.n_states)
    wv = sp.Matrix(exact_vector(w, "w", length=Phi.shape[1], symbolic=True))
    d = _exact_weights(mdp, policy, weights)
    err = state_values_symbolic(mdp, policy) - Phi * wv
    return sp.expand(sum((d[s] * err[s] ** 2 for s in range(mdp.n_states)), sp.Integer(0)))  # (1)


def value_error_minimizer_symbolic(mdp: MDP, policy: ArrayLike, features: Any, *, weights: Any = None) -> sp.Matrix:
    r"""The exact minimiser :math:`w^\star` of the value error: the normal equations (3) over the rationals.

    Parameters
    ----------
    mdp, policy
        The model and the policy.
    features
        :math:`\Phi`, ``(S, k)`` with independent columns.
    weights
        :math:`d`; default the exact stationary distribution of the policy's chain.

    Returns
    -------
    sympy.Matrix
        Column of ``k`` exact weights.

    Raises
    ------
    ValueError
        Bad features or weights, or a Gram matrix :math:`\Phi^\top D \Phi` that is
        singular (the features are dependent on the states of positive weight).

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[["1/2", "1/2"]], [["1/2", "1/2"]]], [[0], [2]], "1/2")
    >>> value_error_minimizer_symbolic(m, [0, 0], [[1], [1]])
    Matrix([[2]])
    """
    Phi = exact_features(features, mdp.n_states)
    D = sp.diag(*_exact_weights(mdp, policy, weights))
    v = state_values_symbolic(mdp, policy)
    return exact_solve(Phi.T * D * Phi, Phi.T * D * v, "weights")  # (3) ΦᵀDΦ w = ΦᵀD v_π


def resolve_weights(mdp: MDP, policy: ArrayLike, weights: ArrayLike | str | None) -> NDArray[np.float64]:
    r"""The weighting :math:`d` as a float array: ``None`` or ``"stationary"``, ``"uniform"``, or given.

    Parameters
    ----------
    mdp, policy
        The model and the policy (for the stationary distribution).
    weights
        ``None`` or ``"stationary"`` (the stationary distribution of :math:`P_\pi`),
        ``"uniform"``, or ``S`` nonnegative numbers summing to 1.

    Returns
    -------
    numpy.ndarray
        Shape ``(S,)``.

    Raises
    ------
    ValueError
        A string other than those two, or numbers that are not a distribution over the states.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.5, 0.5]], [[0.25, 0.75]]], [[0.0], [1.0]], 0.9)
    >>> resolve_weights(m, [0, 0], "uniform").tolist()
    [0.5, 0.5]
    """
    if weights is None or (isinstance(weights, str) and weights == "stationary"):
        return stationary_distribution(mdp, policy)
    if isinstance(weights, str):
        if weights != "uniform":
            raise ValueError(f"weights: expected None, 'stationary', 'uniform' or a distribution; got {weights!r}")
        return np.full(mdp.n_states, 1.0 / mdp.n_states)
    return weight_vector(weights, mdp.n_states)


def weighted_norm(x: ArrayLike, weights: ArrayLike) -> float:
    r"""The weighted norm :math:`\|x\|_D = \sqrt{\sum_s d(s)\, x(s)^2}`.

    Parameters
    ----------
    x
        ``S`` numbers.
    weights
        :math:`d`: ``S`` nonnegative numbers summing to 1.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Shapes that differ, non-finite numbers, weights that are not a distribution.

    Examples
    --------
    >>> weighted_norm([3.0, 4.0], [0.5, 0.5])
    3.5355339059327378
    """
    d = weight_vector(weights, np.size(weights))
    v = as_array(x, "x", ndim=1, shape=(d.size,))
    return float(np.sqrt(d @ v**2))


def value_error(mdp: MDP, policy: ArrayLike, features: Any, w: ArrayLike, *, weights: Any = None) -> float:
    r"""The value error (1) :math:`\|\Phi w - v_\pi\|_D^2` of the weights ``w``, in float64.

    Parameters
    ----------
    mdp, policy
        The model and the policy.
    features
        :math:`\Phi`, ``(S, k)``, dense or sparse.
    w
        ``k`` weights.
    weights
        :math:`d`, as :func:`resolve_weights` takes it.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As :func:`value_error_minimizer`, or ``w`` of the wrong length.

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [2.0]], 0.5)
    >>> round(value_error(m, [0, 0], [[1.0], [1.0]], [2.0]), 12)
    1.0
    """
    Phi = feature_matrix(features, mdp.n_states)
    wv = as_array(w, "w", ndim=1, shape=(Phi.shape[1],))
    d = resolve_weights(mdp, policy, weights)
    err = state_values(mdp, policy) - Phi @ wv
    return float(d @ err**2)  # (1)


def value_error_minimizer(mdp: MDP, policy: ArrayLike, features: Any, *, weights: Any = None) -> NDArray[np.float64]:
    r"""The minimiser :math:`w^\star` of the value error in float64: the normal equations (3) by Cholesky.

    :math:`\Pi v_\pi` (4) is ``features @ value_error_minimizer(...)``.

    Parameters
    ----------
    mdp, policy
        The model (dense or sparse) and the policy.
    features
        :math:`\Phi`, ``(S, k)`` with independent columns, dense or sparse.
    weights
        :math:`d`, as :func:`resolve_weights` takes it (default: stationary).

    Returns
    -------
    numpy.ndarray
        Shape ``(k,)``.

    Raises
    ------
    ValueError
        Features with the wrong row count or dependent columns; weights that are not a
        distribution; a Gram matrix :math:`\Phi^\top D \Phi` that is not positive definite
        (the features are dependent on the states of positive weight).

    Examples
    --------
    >>> from refalgo.mdp import MDP
    >>> m = MDP([[[0.5, 0.5]], [[0.5, 0.5]]], [[0.0], [2.0]], 0.5)
    >>> value_error_minimizer(m, [0, 0], [[1.0], [1.0]]).round(12).tolist()
    [2.0]
    """
    Phi = feature_matrix(features, mdp.n_states)
    d = resolve_weights(mdp, policy, weights)
    v = state_values(mdp, policy)
    DPhi = sps.diags_array(d) @ Phi if sps.issparse(Phi) else d[:, None] * Phi
    gram = np.asarray((Phi.T @ DPhi).toarray() if sps.issparse(DPhi) else Phi.T @ DPhi)  # ΦᵀDΦ
    try:
        factor = sla.cho_factor(gram)
    except np.linalg.LinAlgError:
        raise ValueError("weights: the features are linearly dependent on the states of positive weight, "
                         "so Φᵀ D Φ is singular and the minimiser is not unique") from None
    return np.asarray(sla.cho_solve(factor, DPhi.T @ v))  # (3) ΦᵀDΦ w = ΦᵀD v_π


def derivations() -> tuple[Derivation, ...]:
    r"""The verified derivations the page renders: the gradient (2) and the normal equations (3), for two states.

    Examples
    --------
    >>> [d.verify().status for d in derivations()]
    ['proven', 'proven']
    """
    d1, d2 = sp.symbols("d_1 d_2", positive=True)
    v1, v2, a, b, c, e, w1, w2 = sp.symbols("v_1 v_2 a b c e w_1 w_2", real=True)
    Phi = sp.Matrix([[a, b], [c, e]])
    w, v, D = sp.Matrix([w1, w2]), sp.Matrix([v1, v2]), sp.diag(d1, d2)
    ve = d1 * (v1 - a * w1 - b * w2) ** 2 + d2 * (v2 - c * w1 - e * w2) ** 2
    grad = Derivation(
        r"The gradient of the value error is $-2\Phi^\top D(v_\pi - \Phi w)$",
        [
            Step(sp.Matrix([sp.diff(ve, w1), sp.diff(ve, w2)]), r"differentiate (1) in $w_1$ and $w_2$ (two states, two features)"),
            Step(-2 * Phi.T * D * (v - Phi * w), r"collect $d(s)\,(v_\pi(s) - \phi(s)^\top w)$ times $\phi(s)$"),
        ],
        lhs_latex=r"\nabla \mathrm{VE}(w)",
        symbols={r"\begin{bmatrix} a & b \\ c & e \end{bmatrix}": r"the features $\Phi$, one row per state",
                 "d_s": r"the weight $d(s)$ of state $s$", "v_s": r"the value $v_\pi(s)$"},
    )
    normal = Derivation(
        r"Setting the gradient to zero gives the normal equations $\Phi^\top D \Phi\, w = \Phi^\top D\, v_\pi$",
        [
            Step(sp.Eq(-2 * Phi.T * D * (v - Phi * w), sp.zeros(2, 1), evaluate=False), "a stationary point of VE"),
            Step(sp.Eq(Phi.T * D * Phi * w, Phi.T * D * v, evaluate=False), r"expand, divide by 2, move $\Phi^\top D v_\pi$ across",
                 factor=sp.Rational(1, 2)),
        ],
        symbols={r"\begin{bmatrix} a & b \\ c & e \end{bmatrix}": r"the features $\Phi$",
                 "d_s": r"the weight $d(s)$", "v_s": r"the value $v_\pi(s)$"},
    )
    return grad, normal


def _inputs() -> SearchStrategy[dict[str, Any]]:
    from ._strategies import approximation_examples

    return approximation_examples()


def _symbolic(example: dict[str, Any]) -> list[float]:
    w = value_error_minimizer_symbolic(example["mdp"], example["policy"], example["features"], weights=example["weights"])
    return [float(x) for x in w]


def _numeric(example: dict[str, Any]) -> NDArray[np.float64]:
    return value_error_minimizer(example["mdp"], example["policy"], np.array(example["features"], dtype=float),
                                 weights=example["weights"])


CONCEPTS = (
    Concept(
        name="value-error-minimizer",
        area="rl",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-8, atol=1e-8, why="v_π within 1e-9 relative, then a k×k Cholesky solve of a Gram "
                            "matrix of integer features with weights >= 1/160: condition below 1e5"),
        references=REFERENCES,
        page="rl/value-approximation.md",
    ),
)

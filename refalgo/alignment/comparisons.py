r"""Preference data among K responses: Bradley–Terry comparisons, as a population and as a sample.

A comparison for prompt :math:`p` draws an unordered pair of distinct responses uniformly
(one of :math:`C = K(K-1)/2`) and labels it by Bradley–Terry with a known reward
:math:`r_{pk}`. The data are summarized by weights :math:`W_{pij}`, the probability
(population) or frequency (sample) that a comparison of prompt p is "i beats j"; the toy
DPO experiment (:mod:`refalgo.alignment.toy`) trains on them.

**Conventions** — Bradley–Terry as in the DPO paper (Rafailov et al. 2023, eq. 1):

* ``reward`` has shape ``(P, K)`` (or ``(K,)`` for one prompt), ``reward[p, k]`` =
  :math:`r(x_p, y_k)`, K ≥ 2; the symbolic twin takes one prompt;
* weights have shape ``(P, K, K)``, ``W[p, i, j]`` for "i beats j", a zero diagonal, and
  each prompt's weights sum to 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit

from .._exact import ExactNumbers, exact_vector
from .._validate import as_array, as_count
from ..derivation import Derivation, Step
from ..functions import sigmoid
from ..registry import Concept, Tolerance

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "bt_preference_weights",
    "bt_preference_weights_symbolic",
    "derivations",
    "sample_preference_weights",
]

REFERENCES = (
    "R. A. Bradley and M. E. Terry, Rank Analysis of Incomplete Block Designs I, Biometrika 39 (1952).",
    "R. Rafailov et al., Direct Preference Optimization, NeurIPS 2023, eq. (1) and §5.",
)


# ---------------------------------------------------------------- symbolic twin
def bt_preference_weights_symbolic(reward: ExactNumbers) -> sp.Matrix:
    r"""Exact population weights :math:`W_{ij} = \sigma(r_i - r_j) / C` of one prompt, zero on the diagonal.

    :math:`r` is ``reward``; :math:`C = K(K-1)/2` is the number of unordered pairs.

    Parameters
    ----------
    reward
        :math:`r(y_k)`, k = 1..K (K ≥ 2): exact numbers (ints, Fractions, ``"p/q"`` or
        decimal strings, SymPy numbers) or real SymPy expressions.

    Returns
    -------
    sympy.Matrix
        The K × K matrix of :math:`\sigma(r_i - r_j)/C` for i ≠ j.

    Raises
    ------
    TypeError, ValueError
        Non-numeric entries, or fewer than 2 responses.

    References
    ----------
    Bradley & Terry (1952); Rafailov et al. (2023), eq. (1).

    Examples
    --------
    >>> bt_preference_weights_symbolic([0, 0])
    Matrix([
    [  0, 1/2],
    [1/2,   0]])
    """
    r = exact_vector(reward, "reward", symbolic=True)
    k = len(r)
    if k < 2:
        raise ValueError(f"reward: expected at least 2 responses per prompt; got {k}")
    pairs = sp.Rational(k * (k - 1), 2)  # C unordered pairs, each drawn with probability 1/C
    return sp.Matrix(k, k, lambda i, j: 0 if i == j else sigmoid(r[i] - r[j]) / pairs)  # (1) BT label


# ---------------------------------------------------------------- numeric twins
def _as_table(reward: ArrayLike) -> NDArray[np.float64]:
    """``reward`` as a ``(P, K)`` table with K ≥ 2 (a 1-D ``reward`` is one prompt)."""
    r = np.atleast_2d(as_array(reward, "reward", ndim=(1, 2)))
    if r.shape[1] < 2:
        raise ValueError(f"reward: expected at least 2 responses per prompt; got shape {r.shape}")
    return r


def bt_preference_weights(reward: ArrayLike) -> NDArray[np.float64]:
    r"""Population preference weights :math:`W_{pij} = \sigma(r_{pi} - r_{pj}) / \binom{K}{2}` for i ≠ j.

    :math:`r` is ``reward``; a uniform pair of distinct responses, labelled by Bradley–Terry.

    Parameters
    ----------
    reward
        :math:`r`, shape ``(K,)`` or ``(P, K)``, finite.

    Returns
    -------
    numpy.ndarray
        Shape ``(P, K, K)``: the probability that a comparison of prompt p is "i beats
        j"; zero diagonal, each prompt sums to 1.

    Raises
    ------
    TypeError, ValueError
        Non-numeric or non-finite rewards, more than 2 dimensions, fewer than 2 responses.

    References
    ----------
    Bradley & Terry (1952); Rafailov et al. (2023), eq. (1).

    Examples
    --------
    >>> bt_preference_weights([0.0, 0.0])
    array([[[0. , 0.5],
            [0.5, 0. ]]])
    """
    r = _as_table(reward)
    k = r.shape[1]
    w = expit(r[:, :, None] - r[:, None, :]) / (k * (k - 1) / 2)  # (1) σ(r_i − r_j) per pair, pairs uniform
    w[:, np.arange(k), np.arange(k)] = 0.0
    return np.asarray(w, dtype=np.float64)


def sample_preference_weights(reward: ArrayLike, *, comparisons: int, seed: int) -> NDArray[np.float64]:
    r"""Empirical preference weights from ``comparisons`` Bradley–Terry comparisons per prompt.

    :math:`r` is ``reward``; the frequencies estimate :func:`bt_preference_weights`.

    Parameters
    ----------
    reward
        :math:`r`, shape ``(K,)`` or ``(P, K)``.
    comparisons
        Number of labelled pairs drawn per prompt (≥ 1).
    seed
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    numpy.ndarray
        Shape ``(P, K, K)``: the frequency of "i beats j" among the prompt's comparisons.

    Raises
    ------
    TypeError, ValueError
        As :func:`bt_preference_weights`, or ``comparisons`` not a positive integer.

    References
    ----------
    Bradley & Terry (1952).

    Examples
    --------
    >>> w = sample_preference_weights([0.0, 1.0, 2.0], comparisons=1000, seed=0)
    >>> round(float(w.sum()), 12), w.shape
    (1.0, (1, 3, 3))
    """
    r = _as_table(reward)
    n = as_count(comparisons, "comparisons")
    rng = np.random.default_rng(seed)
    p, k = r.shape
    i, j = np.triu_indices(k, 1)
    pick = rng.integers(0, i.size, size=(p, n))  # a uniform unordered pair per comparison
    a, b = i[pick], j[pick]
    rows = np.arange(p)[:, None]
    a_wins = rng.random((p, n)) < expit(r[rows, a] - r[rows, b])  # (1) labelled by Bradley–Terry
    winner, loser = np.where(a_wins, a, b), np.where(a_wins, b, a)
    w = np.zeros((p, k, k))
    np.add.at(w, (np.broadcast_to(rows, winner.shape), winner, loser), 1.0)
    return w / n


# ---------------------------------------------------------------- derivations
def _weights_sum_to_one() -> Derivation:
    r = sp.symbols("r_1:4", real=True)
    pairs = ((0, 1), (0, 2), (1, 2))
    third = sp.Rational(1, 3)
    grouped = [sp.Mul(third, sp.Add(sigmoid(r[i] - r[j]), sigmoid(r[j] - r[i]), evaluate=False), evaluate=False) for i, j in pairs]
    return Derivation(
        r"The population weights of a prompt sum to 1 ($K = 3$, $C = 3$ pairs)",
        [
            Step(sp.Add(*grouped, evaluate=False),
                 r"$W_{ij} = \sigma(r_i - r_j)/C$, the two orders of each unordered pair together",
                 display=" + ".join(rf"\frac{{1}}{{3}} \bigl(\sigma(r_{i + 1} - r_{j + 1}) + \sigma(r_{j + 1} - r_{i + 1})\bigr)"
                                    for i, j in pairs)),
            Step(sp.Add(*[sp.Mul(third, 1, evaluate=False)] * 3, evaluate=False), r"$\sigma(d) + \sigma(-d) = 1$ for each of the $C$ pairs"),
            Step(sp.Integer(1), r"$C$ terms of $1/C$"),
        ],
        lhs_latex=r"\sum_{i \ne j} W_{ij}",
    )


def derivations() -> tuple[Derivation, ...]:
    """The verified derivation of the comparisons: the population weights are a distribution.

    Returns
    -------
    tuple of Derivation
        The weights of a prompt summing to 1, since σ(d) + σ(−d) = 1.

    Examples
    --------
    >>> [d.verify().ok for d in derivations()]
    [True]
    """
    return (_weights_sum_to_one(),)


# ---------------------------------------------------------------- registry
def _inputs() -> SearchStrategy[list[sp.Rational]]:
    from hypothesis import strategies as st

    from ..testing import rationals

    return st.lists(rationals(-6, 6, 8), min_size=2, max_size=5)


def _symbolic(reward: list[sp.Rational]) -> list[list[float]]:
    return [[float(sp.N(v, 30)) for v in row] for row in bt_preference_weights_symbolic(reward).tolist()]


def _numeric(reward: list[sp.Rational]) -> NDArray[np.float64]:
    return bt_preference_weights(np.array([float(v) for v in reward]))[0]


CONCEPTS = (
    Concept(
        name="bt-preference-weights",
        area="alignment",
        symbolic=_symbolic,
        numeric=_numeric,
        inputs=_inputs,
        tolerance=Tolerance(rtol=1e-14, atol=1e-16, why="σ is well conditioned; rationals with denominators ≤ 8 are exact in float64"),
        references=REFERENCES,
        page="alignment/dpo.md",
    ),
)

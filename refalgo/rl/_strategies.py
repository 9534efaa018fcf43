"""Hypothesis strategies for the rl tests and registry entries: small models with features and weightings.

Valid inputs are built directly: transition rows are positive integer weights normalised
(every entry positive, so the chain of any policy is irreducible and aperiodic), kept as
exact rationals; features are ``[I_k; B]`` with integer ``B`` and the rows permuted (so
the columns are independent by construction); a given weighting is positive integers
normalised. Hypothesis is a test dependency, imported only here.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from ..mdp.model import MDP

__all__ = ["approximation_examples", "features_for", "positive_mdps"]


def _normalised(weights: list[int]) -> list[Fraction]:
    return [Fraction(w, sum(weights)) for w in weights]


@st.composite
def positive_mdps(draw: Any, *, min_states: int = 1, max_states: int = 4, max_actions: int = 2, gammas: Any = None) -> MDP:
    """A dense MDP with exact positive transition probabilities, integer rewards and an exact discount."""
    S = draw(st.integers(min_states, max_states))
    A = draw(st.integers(1, max_actions))
    rows = draw(st.lists(st.lists(st.integers(1, 4), min_size=S, max_size=S), min_size=S * A, max_size=S * A))
    P = np.array([_normalised(r) for r in rows], dtype=object).reshape(S, A, S)
    R = np.array(draw(st.lists(st.integers(-5, 5), min_size=S * A, max_size=S * A)), dtype=object).reshape(S, A)
    gamma = draw(gammas if gammas is not None else st.fractions(0, Fraction(19, 20), max_denominator=20))
    return MDP(P, R, gamma)


@st.composite
def features_for(draw: Any, n_states: int, *, max_features: int | None = None) -> list[list[int]]:
    """``(S, k)`` integer features with independent columns: ``[I_k; B]`` with its rows permuted."""
    k = draw(st.integers(1, min(n_states, max_features or n_states)))
    extra = draw(st.lists(st.lists(st.integers(-2, 2), min_size=k, max_size=k), min_size=n_states - k, max_size=n_states - k))
    rows = [[int(i == j) for j in range(k)] for i in range(k)] + extra
    order = draw(st.permutations(range(n_states)))
    return [rows[i] for i in order]


@st.composite
def _example(draw: Any, stationary_only: bool, gammas: Any) -> dict[str, Any]:
    mdp = draw(positive_mdps(gammas=gammas))
    S, A = mdp.n_states, mdp.n_actions
    policy = [_normalised(draw(st.lists(st.integers(1, 3), min_size=A, max_size=A))) for _ in range(S)]
    weights = None
    if not stationary_only and draw(st.booleans()):
        weights = _normalised(draw(st.lists(st.integers(1, 5), min_size=S, max_size=S)))
    return {"mdp": mdp, "policy": policy, "features": draw(features_for(S)), "weights": weights}


def approximation_examples(*, stationary_only: bool = False, gammas: Any = None) -> st.SearchStrategy[dict[str, Any]]:
    """``{"mdp", "policy", "features", "weights"}``: exact inputs; ``weights`` None (stationary) or a positive distribution."""
    return _example(stationary_only, gammas)

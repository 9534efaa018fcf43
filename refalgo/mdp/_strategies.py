"""Hypothesis strategies for small random MDPs, shared by the MDP tests and registry entries.

Valid models are built directly: each transition row is four quarters assigned to next
states (so every probability is a multiple of 1/4, exact in binary and in rationals),
rewards are small integers, and the discount is an exact fraction. Hypothesis is a test
dependency, imported only here.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from .model import MDP


def _quarters(n_rows: int, n_cols: int) -> st.SearchStrategy[np.ndarray]:
    """``(n_rows, n_cols)`` row-stochastic arrays whose entries are multiples of 1/4."""
    picks = st.lists(st.lists(st.integers(0, n_cols - 1), min_size=4, max_size=4), min_size=n_rows, max_size=n_rows)

    def build(rows: list[list[int]]) -> np.ndarray:
        out = np.zeros((n_rows, n_cols))
        for i, row in enumerate(rows):
            np.add.at(out[i], row, 0.25)
        return out

    return picks.map(build)


@st.composite
def mdps(draw: Any, *, max_states: int = 5, max_actions: int = 3, gammas: Any = None) -> MDP:
    """A random dense MDP with quarter probabilities, integer rewards and an exact discount."""
    S = draw(st.integers(1, max_states))
    A = draw(st.integers(1, max_actions))
    P = draw(_quarters(S * A, S)).reshape(S, A, S)
    R = np.array(draw(st.lists(st.integers(-5, 5), min_size=S * A, max_size=S * A)), dtype=np.float64).reshape(S, A)
    gamma = draw(gammas if gammas is not None else st.fractions(0, Fraction(19, 20), max_denominator=20))
    return MDP(P, R, gamma)


@st.composite
def mdp_and_policy(draw: Any, **kwargs: Any) -> tuple[MDP, np.ndarray]:
    """A random MDP and a stochastic policy on it (quarter probabilities)."""
    mdp = draw(mdps(**kwargs))
    return mdp, draw(_quarters(mdp.n_states, mdp.n_actions))


def state_value_examples() -> st.SearchStrategy[dict[str, Any]]:
    """Registry inputs for state values: ``{"mdp", "policy"}``."""
    return mdp_and_policy().map(lambda t: {"mdp": t[0], "policy": t[1]})


def optimal_value_examples() -> st.SearchStrategy[dict[str, Any]]:
    """Registry inputs for optimal values: ``{"mdp"}``."""
    return mdps(max_states=4).map(lambda m: {"mdp": m})

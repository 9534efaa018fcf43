"""The stationary distribution: the balance equations as properties, closed forms, and the chains it refuses."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.mdp import MDP
from refalgo.rl import (
    chain_stationary_distribution,
    chain_stationary_distribution_symbolic,
    stationary_distribution,
    stationary_distribution_symbolic,
)

chains = st.integers(1, 6).flatmap(
    lambda S: st.lists(st.lists(st.integers(1, 9), min_size=S, max_size=S), min_size=S, max_size=S)
).map(lambda rows: np.array([[w / sum(r) for w in r] for r in rows]))


@settings(max_examples=40, deadline=None)
@given(chains)
def test_numeric_solves_the_balance_equations(P: np.ndarray) -> None:
    """The numeric stationary distribution is a distribution with dᵀP = dᵀ, to rounding."""
    d = chain_stationary_distribution(P)
    assert np.all(d >= 0) and abs(d.sum() - 1) <= 1e-12
    assert np.max(np.abs(d @ P - d)) <= 1e-12


def test_two_state_closed_form() -> None:
    """The two-state chain with switching probabilities p, q has d = (q, p)/(p + q) (Norris, Markov Chains, Example 1.7.1 form)."""
    p, q = sp.symbols("p q", positive=True)
    d = chain_stationary_distribution_symbolic(sp.Matrix([[1 - p, p], [q, 1 - q]]))
    assert sp.simplify(d[0] - q / (p + q)) == 0 and sp.simplify(d[1] - p / (p + q)) == 0


def test_three_state_symbolic_matches_numeric_at_a_point() -> None:
    """A symbolic three-state chain, evaluated at rational parameters, equals the exact rational solution and the float one."""
    a = sp.Symbol("a", positive=True)
    P = sp.Matrix([[0, 1, 0], [a, 0, 1 - a], [sp.Rational(1, 2), 0, sp.Rational(1, 2)]])
    d = chain_stationary_distribution_symbolic(P)
    at = d.subs(a, sp.Rational(1, 3))
    exact = chain_stationary_distribution_symbolic(P.subs(a, sp.Rational(1, 3)))
    assert sp.simplify(at - exact) == sp.zeros(3, 1)
    assert np.allclose([float(x) for x in exact], chain_stationary_distribution(np.array(P.subs(a, sp.Rational(1, 3)), dtype=float)), atol=1e-14)


def test_policy_wrappers_match_hand_values() -> None:
    """Under a policy, the chain P_π = [[1/2, 1/2], [1/3, 2/3]] has d = (2/5, 3/5), solved by hand from d₁/2 = d₂/3."""
    m = MDP([[["1/2", "1/2"], [1, 0]], [["1/3", "2/3"], [0, 1]]], [[0, 0], [1, 1]], "0.9")
    assert list(stationary_distribution_symbolic(m, [0, 0])) == [sp.Rational(2, 5), sp.Rational(3, 5)]
    assert np.allclose(stationary_distribution(m, [0, 0]), [0.4, 0.6], atol=1e-14)


def test_transient_states_get_zero() -> None:
    """A chain with one closed class and a transient state puts no weight on the transient state."""
    assert np.allclose(chain_stationary_distribution([[0.5, 0.5], [0.0, 1.0]]), [0.0, 1.0])
    assert list(chain_stationary_distribution_symbolic([[0.5, 0.5], [0, 1]])) == [0, 1]


def test_sparse_large_cycle_with_self_loops() -> None:
    """A 10⁵-state lazy cycle (stay 1/2, move on 1/2) is doubly stochastic, so its stationary distribution is uniform."""
    S = 100_000
    idx = np.arange(S)
    P = sps.csr_array((np.full(2 * S, 0.5), (np.r_[idx, idx], np.r_[idx, (idx + 1) % S])), shape=(S, S))
    assert np.max(np.abs(chain_stationary_distribution(P) - 1.0 / S)) <= 1e-12


@pytest.mark.parametrize("twin", [chain_stationary_distribution, chain_stationary_distribution_symbolic])
def test_reducible_chain_names_its_classes(twin) -> None:
    """A chain with two closed classes has no unique stationary distribution: the error says reducible and lists the classes."""
    with pytest.raises(ValueError, match=r"P: the chain is reducible with 2 closed classes \(\[0, 1\]; \[2\]\)"):
        twin([[0, 1, 0], [1, 0, 0], [0, 0, 1]])


@pytest.mark.parametrize("twin", [chain_stationary_distribution, chain_stationary_distribution_symbolic])
def test_periodic_chain_names_its_period(twin) -> None:
    """A three-cycle is refused as periodic with period 3, and accepted with aperiodic=False as the uniform long-run average."""
    cycle = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError, match="periodic with period 3"):
        twin(cycle)
    assert np.allclose(np.array(twin(cycle, aperiodic=False), dtype=float).ravel(), [1 / 3] * 3)


def test_bad_input() -> None:
    """Non-square matrices, rows not summing to 1, negative entries and NaN are refused naming P; a bad flag names aperiodic."""
    with pytest.raises(ValueError, match="P: expected a square"):
        chain_stationary_distribution([[0.5, 0.5]])
    with pytest.raises(ValueError, match="P.*sums to"):
        chain_stationary_distribution([[0.5, 0.4], [0.5, 0.5]])
    with pytest.raises(ValueError, match="P.*>= 0"):
        chain_stationary_distribution([[1.5, -0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="P"):
        chain_stationary_distribution([[np.nan, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"P\[0\]: expected a row summing to exactly 1"):
        chain_stationary_distribution_symbolic([["1/2", "1/3"], [0, 1]])
    with pytest.raises(ValueError, match="P: expected a square"):
        chain_stationary_distribution_symbolic([[1, 0, 0]])
    with pytest.raises(TypeError, match="aperiodic"):
        chain_stationary_distribution([[1.0]], aperiodic=1)

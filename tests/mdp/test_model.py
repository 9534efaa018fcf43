"""The MDP model: validation with clear errors, sparse storage, terminal states, proper policies."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp
from hypothesis import given

from refalgo.mdp import (
    MDP,
    almost_sure_reach,
    as_policy,
    grid_world,
    proper_policy,
    state_values,
    state_values_symbolic,
    sutton_barto_small_gridworld,
    terminal_states,
    zhao_grid_world,
)
from refalgo.mdp._strategies import mdps


def two_state() -> tuple[np.ndarray, np.ndarray]:
    P = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.5, 0.5]]])
    return P, np.array([[0.0, 1.0], [2.0, -1.0]])


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "mutate, exc, message",
    [
        (lambda P, R: (P * 0.97, R), ValueError, r"P\[0, 0\] sums to 0.97"),
        (lambda P, R: (P - np.array([[[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, -1.0]]]), R), ValueError,
         r"P\[1, 1, 0\]: expected a probability >= 0"),
        (lambda P, R: (np.where(P == 0.5, np.nan, P), R), ValueError, "finite"),
        (lambda P, R: (P[:, :, :1], R), ValueError, r"shape \(S, A, S\)"),
        (lambda P, R: (P[0], R), ValueError, "3-D"),
        (lambda P, R: (P, R[:, :1]), ValueError, r"R: expected shape \(2, 2\)"),
        (lambda P, R: (P, np.full_like(R, np.inf)), ValueError, "finite"),
        (lambda P, R: (P, "rewards"), TypeError, "R: expected an array of numbers"),
        (lambda P, R: ([["a"]], R), TypeError, "P: expected an array of numbers"),
        (lambda P, R: (P, np.ones((2, 2, 3))), ValueError, "reward table"),
    ],
)
def test_bad_models_are_named(mutate, exc, message) -> None:
    P, R = mutate(*two_state())
    with pytest.raises(exc, match=message):
        MDP(P, R, 0.9)


@pytest.mark.parametrize(
    "gamma, exc, message",
    [(1.5, ValueError, r"\[0, 1\]"), (-0.1, ValueError, r"\[0, 1\]"), (float("nan"), ValueError, "gamma"),
     (True, TypeError, "gamma"), ([0.9], TypeError, "gamma"), ("ninety", ValueError, "decimal string")],
)
def test_bad_gamma(gamma, exc, message) -> None:
    with pytest.raises(exc, match=message):
        MDP(*two_state(), gamma)


def test_gamma_one_without_terminal_states_is_an_error() -> None:
    with pytest.raises(ValueError, match="gamma = 1 needs every state to reach a terminal state"):
        MDP(*two_state(), 1)


def test_gamma_one_with_a_trap_is_an_error() -> None:
    """A state that can reach the terminal state only with probability 1/2 under every policy."""
    P = np.zeros((3, 1, 3))
    P[0, 0, [1, 2]] = 0.5
    P[1, 0, 1] = 1.0  # terminal
    P[2, 0, 2] = 1.0  # absorbing with reward -1: not terminal
    with pytest.raises(ValueError, match=r"states \[0, 2\]"):
        MDP(P, [[0.0], [0.0], [-1.0]], 1)


def test_exact_gamma_from_strings_fractions_and_floats() -> None:
    P, R = two_state()
    assert MDP(P, R, "0.9").gamma_exact == sp.Rational(9, 10)
    assert MDP(P, R, Fraction(1, 3)).gamma_exact == sp.Rational(1, 3)
    assert MDP(P, R, 0.5).gamma_exact == sp.Rational(1, 2)
    assert MDP(P, R, 0.9).gamma_exact == sp.Rational(0.9)  # the exact binary value, not 9/10
    assert MDP(P, R, 0.9).gamma_exact != sp.Rational(9, 10)


def test_reward_table_is_reduced_to_expected_rewards() -> None:
    P, _ = two_state()
    table = np.arange(8, dtype=float).reshape(2, 2, 2)
    m = MDP(P, table, 0.5)
    # R[1, 1] = 0.5·6 + 0.5·7
    assert m.R.tolist() == [[0.0, 3.0], [5.0, 6.5]]


def test_model_arrays_are_read_only_copies() -> None:
    P, R = two_state()
    m = MDP(P, R, 0.5)
    R[0, 0] = 99.0
    assert m.R[0, 0] == 0.0
    with pytest.raises(ValueError):
        m.R[0, 0] = 1.0


@pytest.mark.parametrize(
    "policy, exc, message",
    [
        ([[0.5, 0.4], [1.0, 0.0]], ValueError, r"policy\[0\] sums to 0.9"),
        ([[1.5, -0.5], [1.0, 0.0]], ValueError, r"policy\[0, 1\]: expected a probability >= 0"),
        ([[np.nan, 1.0], [1.0, 0.0]], ValueError, "finite"),
        ([0, 2], ValueError, r"0 … 1"),
        ([0.0, 1.0], TypeError, "integers"),
        ([0, 1, 1], ValueError, "shape"),
        (np.ones((3, 2)) / 2, ValueError, "shape"),
        ("up", TypeError, "policy"),
    ],
)
def test_bad_policies_are_named(policy, exc, message) -> None:
    with pytest.raises(exc, match=message):
        as_policy(policy, MDP(*two_state(), 0.5))


# ---------------------------------------------------------------------- sparse
@given(mdps())
def test_sparse_model_matches_dense(m: MDP) -> None:
    S, A = m.n_states, m.n_actions
    sparse = MDP(sps.csr_array(m.P.reshape(S * A, S)), m.R, m.gamma)
    assert sparse.is_sparse and (sparse.n_states, sparse.n_actions) == (S, A)
    policy = np.full((S, A), 1.0 / A)
    assert np.max(np.abs(state_values(sparse, policy) - state_values(m, policy))) <= 1e-9


def test_sparse_rows_are_checked() -> None:
    P = sps.csr_array(np.array([[1.0, 0.0], [0.3, 0.3], [0.0, 1.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"P\[0, 1\] sums to 0.6"):
        MDP(P, np.zeros((2, 2)), 0.5)
    with pytest.raises(ValueError, match=r"shape \(S·A, S\)"):
        MDP(sps.csr_array(np.ones((3, 2)) / 2), np.zeros((1, 3)), 0.5)
    with pytest.raises(ValueError, match=r"P\[1, 0, 1\]: expected a probability >= 0"):
        MDP(sps.csr_array(np.array([[1.0, 0.0], [1.5, -0.5]])), np.zeros((2, 1)), 0.5)


def test_large_sparse_grid_fits_in_memory_by_arithmetic() -> None:
    """A 1000×1000 grid (10⁶ states, 5 actions) stores 5·10⁶ transitions: data, indices and
    row pointers of a CSR matrix take 8 + 8 bytes per entry plus 8 per row, about 120 MB,
    where a dense P would take 8·10⁶·5·10⁶ bytes = 40 TB. A 100×100 build checks that the
    builder really stores one entry per (state, action)."""
    w = grid_world((100, 100), targets=[(50, 50)], sparse=True)
    P = w.mdp.P
    assert sps.issparse(P) and P.nnz == 100 * 100 * 5
    per_entry = (P.data.nbytes + P.indices.nbytes) / P.nnz
    estimate = 10**6 * 5 * per_entry + (10**6 * 5 + 1) * P.indptr.itemsize
    assert estimate <= 130e6


# ---------------------------------------------------------------------- terminal states
def test_terminal_states_and_proper_policy_of_sutton_barto_4x4() -> None:
    w = sutton_barto_small_gridworld()
    term = terminal_states(w.mdp)
    assert np.flatnonzero(term).tolist() == [0, 15]
    W, allowed = almost_sure_reach(w.mdp, term)
    assert W.all() and allowed.all()
    pi = proper_policy(w.mdp)
    assert np.all(np.isfinite(state_values(w.mdp, pi)))


def test_no_terminal_states_in_a_discounted_grid() -> None:
    assert not terminal_states(zhao_grid_world().mdp).any()


# ---------------------------------------------------------------------- exact entries
def _chain_values(p: Fraction, q: Fraction, r: tuple[Fraction, Fraction], g: Fraction) -> list[Fraction]:
    """v = (I − γP)⁻¹ r for P = [[p, 1 − p], [q, 1 − q]], by Cramer's rule on the 2×2 system."""
    a, b = 1 - g * p, -g * (1 - p)
    c, d = -g * q, 1 - g * (1 - q)
    det = a * d - b * c
    return [(r[0] * d - b * r[1]) / det, (a * r[1] - c * r[0]) / det]


@pytest.mark.parametrize(
    "entries",
    [
        [[["3/10", "7/10"]], [["1/2", "1/2"]]],
        [[[Fraction(3, 10), Fraction(7, 10)]], [[Fraction(1, 2), Fraction(1, 2)]]],
        np.array([[[sp.Rational(3, 10), sp.Rational(7, 10)]], [[sp.Rational(1, 2), sp.Rational(1, 2)]]], dtype=object),
    ],
    ids=["strings", "fractions", "sympy-object-array"],
)
def test_exact_entries_give_the_hand_computed_values(entries) -> None:
    """A chain with p(s1|s1) = 3/10 is solved at 3/10, not at the float nearest it."""
    m = MDP(entries, [[1], [0]], "9/10")
    expected = _chain_values(Fraction(3, 10), Fraction(1, 2), (Fraction(1), Fraction(0)), Fraction(9, 10))
    v = state_values_symbolic(m, [0, 0])
    assert [sp.Rational(x.numerator, x.denominator) for x in expected] == list(v)
    assert all(x.q < 1000 for x in v)  # small denominators
    assert m.P_exact is not None and m.P_exact[0, 0, 0] == sp.Rational(3, 10)
    assert m.P[0, 0, 0] == 0.3  # the numeric twins see the float model


def test_float_entries_are_solved_at_their_binary_values() -> None:
    """The same numbers as floats: the exact twin answers for 0.3's binary value, 2⁻⁵³ away."""
    m = MDP([[[0.3, 0.7]], [[0.5, 0.5]]], [[1.0], [0.0]], "9/10")
    assert m.P_exact is None and m.R_exact is None
    expected = _chain_values(Fraction(3, 10), Fraction(1, 2), (Fraction(1), Fraction(0)), Fraction(9, 10))
    v = state_values_symbolic(m, [0, 0])
    gaps = [abs(sp.Rational(x.numerator, x.denominator) - y) for x, y in zip(expected, v)]
    assert all(0 < gap < sp.Rational(1, 2**48) for gap in gaps)
    assert all(y.q > 2**50 for y in v)
    numeric = state_values(m, [0, 0])
    assert np.max(np.abs(numeric - [float(x) for x in expected])) <= 1e-14


def test_exact_rows_must_sum_to_exactly_one() -> None:
    """Within the float tolerance is not enough for exact entries: the exact twins would lose mass."""
    with pytest.raises(ValueError, match=r"P\[0, 0\]: expected probabilities summing to exactly 1"):
        MDP([[["1/3", "1/3", "333333333/1000000000"]]] * 3, [[0]] * 3, "1/2")


def test_exact_reward_table_is_reduced_exactly() -> None:
    """An exact reward table R[s, a, s'] is reduced to R[s, a] = Σ_s' p(s'|s, a) r(s, a, s') in exact arithmetic."""
    m = MDP([[["1/3", "2/3"]], [["0", "1"]]], [[["3", "3/2"]], [["0", "0"]]], "1/2")
    assert m.R_exact is not None and m.R_exact[0, 0] == sp.Rational(2)  # 1/3·3 + 2/3·3/2


@pytest.mark.parametrize(
    "gamma",
    ["1e-99999999", "9" * 10**6, "1" * 10**6 + "/" + "3" * 10**6],
    ids=["long-exponent", "million-digits", "million-digit-ratio"],
)
def test_huge_gamma_strings_are_refused_by_the_size_guard(gamma: str) -> None:
    """A discount string too long to convert cheaply is refused with an error naming gamma, not parsed."""
    with pytest.raises(ValueError, match="^gamma: expected"):
        MDP(*two_state(), gamma)


def test_nan_inside_an_object_array_is_named() -> None:
    """A NaN among exact entries is refused with the entry's index, not read as a number."""
    P = np.array([[[Fraction(1, 2), float("nan")]], [[0, 1]]], dtype=object)
    with pytest.raises(ValueError, match=r"P\[0, 0, 1\]: expected a finite number; got nan"):
        MDP(P, [[0], [0]], "1/2")

"""The KL-regularized optimum: exact against float64, optimality (Gibbs), limits, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import logsumexp

from refalgo.alignment import kl_objective, kl_objective_symbolic, kl_optimum, kl_optimum_symbolic
from refalgo.alignment._engine.search import maximize_numerically
from refalgo.testing import rationals


@st.composite
def problems(draw: st.DrawFn, max_k: int = 5) -> tuple[np.ndarray, np.ndarray, float]:
    k = draw(st.integers(2, max_k))
    weights = np.array(draw(st.lists(st.integers(1, 20), min_size=k, max_size=k)), dtype=np.float64)
    reward = np.array(draw(st.lists(st.floats(-5, 5), min_size=k, max_size=k)))
    beta = draw(st.floats(0.05, 20))
    return weights / weights.sum(), reward, beta


@given(st.integers(2, 4).flatmap(lambda k: st.tuples(
    st.lists(st.integers(1, 9), min_size=k, max_size=k),
    st.lists(rationals(-4, 4, 6), min_size=k, max_size=k),
    st.sampled_from([sp.Rational(1, 3), sp.Integer(1), sp.Rational(5, 2)]),
)))
def test_exact_and_float64_agree(ex: tuple) -> None:
    """The exact and the float64 optima agree to 10⁻¹⁴, and the exact one sums to exactly 1."""
    weights, reward, beta = ex
    q = [sp.Rational(w, sum(weights)) for w in weights]
    exact = np.array([float(sp.N(v, 30)) for v in kl_optimum_symbolic(q, reward, beta=beta)])
    numeric = kl_optimum(np.array([float(v) for v in q]), np.array([float(v) for v in reward]), beta=float(beta))
    assert np.all(np.abs(numeric - exact) <= 1e-14)
    assert sp.together(sp.Add(*kl_optimum_symbolic(q, reward, beta=beta))) == 1


@given(problems(), st.lists(st.integers(0, 20), min_size=5, max_size=5))
def test_optimum_beats_every_policy_by_beta_kl(problem: tuple, raw: list[int]) -> None:
    """For random π_ref, r, β and any policy π: J(π*) − J(π) = β KL(π ‖ π*) ≥ 0."""
    q, r, beta = problem
    pw = np.array(raw[: q.size], dtype=np.float64) + 0.5
    pi = pw / pw.sum()
    star = kl_optimum(q, r, beta=beta)
    gap = kl_objective(star, q, r, beta=beta) - kl_objective(pi, q, r, beta=beta)
    kl = float(np.sum(pi * np.log(pi / star)))
    assert gap >= -1e-12
    assert abs(gap - beta * kl) <= 1e-9 * (1 + abs(gap))


@given(problems())
def test_optimal_value_is_beta_log_z(problem: tuple) -> None:
    """J(π*) = β log Z."""
    q, r, beta = problem
    value = kl_objective(kl_optimum(q, r, beta=beta), q, r, beta=beta)
    log_z = logsumexp(np.log(q) + r / beta)
    assert abs(value - beta * log_z) <= 1e-9 * (1 + abs(beta * log_z))


@given(problems(max_k=4))
def test_numeric_maximization_finds_the_closed_form(problem: tuple) -> None:
    """A BFGS maximization of J that never uses the closed form finds π* within 10⁻⁶."""
    q, r, beta = problem
    assert np.all(np.abs(maximize_numerically(q, r, beta) - kl_optimum(q, r, beta=beta)) <= 1e-6)


def test_limits_of_beta() -> None:
    """β → ∞ returns the reference, β → 0 the best response."""
    q, r = np.array([0.2, 0.3, 0.5]), np.array([1.0, 3.0, 2.0])
    assert np.all(np.abs(kl_optimum(q, r, beta=1e9) - q) <= 1e-8)  # β → ∞: stay at the reference
    assert list(kl_optimum(q, r, beta=1e-4)) == [0.0, 1.0, 0.0]  # β → 0: the best response


def test_zero_reference_mass_stays_zero_and_prompts_are_rows() -> None:
    """A response the reference never gives keeps probability 0, and each row of a 2-D input is a prompt."""
    q = np.array([[0.0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    r = np.array([[100.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    star = kl_optimum(q, r, beta=1.0)
    assert star[0, 0] == 0.0
    assert np.all(np.abs(star[0, 1:] - np.array([1, np.e]) / (1 + np.e)) <= 1e-15)
    assert np.all(np.abs(star[1] - 1 / 3) <= 1e-15)
    assert kl_objective([[0.5, 0.25, 0.25], star[1]], q, r, beta=1.0)[0] == -np.inf


def test_symbolic_objective_and_optimum() -> None:
    q, r = [sp.Rational(1, 4), sp.Rational(3, 4)], [2, 0]
    star = kl_optimum_symbolic(q, r, beta=2)
    assert sp.simplify(star[0] - sp.E / (sp.E + 3)) == 0
    value = kl_objective_symbolic(star, q, r, beta=2)
    assert sp.simplify(value - 2 * sp.log((sp.E + 3) / 4)) == 0


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"reference": [0.5, 0.5], "reward": [0.0, 1.0], "beta": 0.0}, ValueError, "beta: expected a number > 0"),
        ({"reference": [0.5, 0.5], "reward": [0.0, 1.0], "beta": -1.0}, ValueError, "beta: expected a number > 0"),
        ({"reference": [0.5, 0.6], "reward": [0.0, 1.0], "beta": 1.0}, ValueError, "reference sums to 1.1"),
        ({"reference": [1.5, -0.5], "reward": [0.0, 1.0], "beta": 1.0}, ValueError, r"reference\[1\]: expected a probability"),
        ({"reference": [0.5, 0.5], "reward": [0.0, 1.0, 2.0], "beta": 1.0}, ValueError, "reference: expected shape"),
        ({"reference": [0.5, 0.5], "reward": [0.0, np.nan], "beta": 1.0}, ValueError, "reward: expected finite"),
        ({"reference": [0.5, 0.5], "reward": [0.0, 1.0], "beta": "1"}, TypeError, "beta: expected a real number"),
    ],
)
def test_bad_input(kwargs: dict, exc: type, match: str) -> None:
    """Bad input (β ≤ 0, rows that are not probabilities, mismatched shapes, NaN, non-numbers) raises an error naming
    the argument.
    """
    with pytest.raises(exc, match=match):
        kl_optimum(kwargs["reference"], kwargs["reward"], beta=kwargs["beta"])


def test_bad_input_objective_and_symbolic() -> None:
    with pytest.raises(ValueError, match="policy sums to"):
        kl_objective([0.5, 0.4], [0.5, 0.5], [0.0, 1.0], beta=1.0)
    with pytest.raises(ValueError, match="reference: expected probabilities summing to exactly 1"):
        kl_optimum_symbolic(["0.5", "0.4"], [0, 1], beta=1)
    with pytest.raises(ValueError, match="beta: expected a number > 0"):
        kl_optimum_symbolic(["0.5", "0.5"], [0, 1], beta=0)
    with pytest.raises(ValueError, match=r"policy\[0\]: the reference gives this response probability 0"):
        kl_objective_symbolic([sp.Rational(1, 2), sp.Rational(1, 2)], [0, 1], [0, 1], beta=1)
    with pytest.raises(ValueError, match="reward: expected 3 entries|reference: expected 3 entries"):
        kl_optimum_symbolic(["0.5", "0.5"], [0, 1, 2], beta=1)

"""Bradley–Terry and the reward-model loss: closed forms, invariance, stability, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from refalgo.alignment import bradley_terry, bradley_terry_symbolic, reward_model_loss, reward_model_loss_symbolic

finite = st.floats(-50, 50, allow_nan=False)


def test_closed_form_values() -> None:
    # σ(1) = e/(1+e) and -log σ(0) = log 2, closed forms.
    """Closed forms: σ(1) = e/(1 + e) and −log σ(0) = log 2 in float64; the symbolic twins give e²/(e² + e) and log(1 + e)."""
    assert abs(bradley_terry([1.0], [0.0])[0] - math.e / (1 + math.e)) <= 1e-15
    assert abs(reward_model_loss([3.0], [3.0])[0] - math.log(2)) <= 1e-15
    assert bradley_terry_symbolic(2, 1) == sp.exp(2) / (sp.exp(2) + sp.exp(1))
    assert sp.simplify(reward_model_loss_symbolic(0, 1) - sp.log(1 + sp.E)) == 0


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=6), finite)
def test_shift_by_a_prompt_function_changes_nothing(pairs: list[tuple[float, float]], shift: float) -> None:
    """Adding any f(x) to both rewards changes neither the Bradley–Terry probability nor the loss."""
    rw, rl = (np.array(v) for v in zip(*pairs))
    f = np.full_like(rw, shift)
    assert np.all(np.abs(bradley_terry(rw + f, rl + f) - bradley_terry(rw, rl)) <= 1e-12)
    assert np.all(np.abs(reward_model_loss(rw + f, rl + f) - reward_model_loss(rw, rl)) <= 1e-10 * (1 + np.abs(rw - rl)))


@given(finite, finite)
def test_swapping_the_pair_complements_the_probability(a: float, b: float) -> None:
    """The Bradley–Terry probabilities of a pair and of its swap sum to 1."""
    p, q = bradley_terry([a], [b])[0], bradley_terry([b], [a])[0]
    assert abs(p + q - 1) <= 1e-15


@given(finite, finite)
def test_loss_is_negative_log_probability(a: float, b: float) -> None:
    """e^{−L_R} is the Bradley–Terry probability."""
    loss, p = reward_model_loss([a], [b])[0], bradley_terry([a], [b])[0]
    assert abs(math.exp(-loss) - p) <= 1e-14


def test_extreme_margins_are_finite_and_correct() -> None:
    """Extreme margins (±10⁶) give exact, finite losses and probabilities 0 and 1."""
    loss = reward_model_loss([-1e6, 1e6], [0.0, 0.0])
    assert loss[0] == 1e6 and loss[1] == 0.0
    assert list(bradley_terry([-1e6, 1e6], [0.0, 0.0])) == [0.0, 1.0]


@pytest.mark.parametrize(
    "args, exc, match",
    [
        (([1.0, 2.0], [1.0]), ValueError, "reward_rejected: expected shape"),
        (([np.nan], [1.0]), ValueError, "reward_chosen: expected finite"),
        (([1.0], [np.inf]), ValueError, "reward_rejected: expected finite"),
        ((["a"], [1.0]), TypeError, "reward_chosen: expected an array of numbers"),
        (([[1.0]], [[1.0]]), ValueError, "expected a 0-D or 1-D array"),
    ],
)
def test_bad_input(args: tuple, exc: type, match: str) -> None:
    """Bad input to the numeric twins (NaN, inf, mismatched shapes, non-numbers) raises an error naming the argument."""
    for fn in (bradley_terry, reward_model_loss):
        with pytest.raises(exc, match=match):
            fn(*args)


def test_bad_symbolic_input() -> None:
    """Bad input to the symbolic twins raises an error naming the argument."""
    with pytest.raises(TypeError, match="reward_chosen"):
        bradley_terry_symbolic([1], 0)
    with pytest.raises(ValueError, match="reward_rejected: expected a decimal"):
        reward_model_loss_symbolic(0, "one")
    with pytest.raises(ValueError, match="reward_chosen: expected a finite"):
        bradley_terry_symbolic(float("nan"), 0)

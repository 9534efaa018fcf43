"""Every symbolic twin of the chapter reads the same exact numbers however they are written.

The same rationals given as :class:`fractions.Fraction`, as ``"p/q"`` strings and as NumPy
object arrays of SymPy Rationals (0-D arrays for scalar arguments) must give the same
SymPy expression as SymPy Rationals in a list.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from refalgo.alignment import (
    bradley_terry_symbolic,
    bt_preference_weights_symbolic,
    dpo_loss_symbolic,
    kl_objective_symbolic,
    kl_optimum_symbolic,
    reward_model_loss_symbolic,
    toy_dpo_loss_symbolic,
)

values = st.fractions(min_value=-5, max_value=5, max_denominator=12)
logps = st.fractions(min_value=-20, max_value=0, max_denominator=12)
positive = st.fractions(min_value=Fraction(1, 10), max_value=4, max_denominator=12)


def _rational(q: Fraction) -> sp.Rational:
    return sp.Rational(q.numerator, q.denominator)


def _scalar_forms(q: Fraction) -> list[Any]:
    return [q, f"{q.numerator}/{q.denominator}", np.array(_rational(q), dtype=object)]


def _vector_forms(qs: list[Fraction]) -> list[Any]:
    return [list(qs), [f"{q.numerator}/{q.denominator}" for q in qs], np.array([_rational(q) for q in qs], dtype=object)]


def _same_for_every_form(twin: Callable[..., Any], args: list[Any], forms: list[Callable[[Any], list[Any]]], **kwargs: Any) -> None:
    """``twin`` on SymPy Rationals equals ``twin`` on each other written form of every argument."""
    baseline = twin(*[_rational(a) if isinstance(a, Fraction) else [_rational(v) for v in a] for a in args], **kwargs)
    for k in range(3):
        written = [form(a)[k] for form, a in zip(forms, args)]
        assert twin(*written, **kwargs) == baseline, (twin.__name__, k)


@given(values, values)
def test_bradley_terry_and_reward_loss(rw: Fraction, rl: Fraction) -> None:
    """Bradley–Terry and the reward-model loss read Fractions, "p/q" strings and 0-D object arrays as SymPy Rationals."""
    for twin in (bradley_terry_symbolic, reward_model_loss_symbolic):
        _same_for_every_form(twin, [rw, rl], [_scalar_forms, _scalar_forms])


@given(st.lists(values, min_size=2, max_size=4))
def test_bt_preference_weights(reward: list[Fraction]) -> None:
    """The exact population weights read every written form of the rewards alike."""
    _same_for_every_form(bt_preference_weights_symbolic, [reward], [_vector_forms])


@st.composite
def _problem(draw: st.DrawFn) -> tuple[list[Fraction], list[Fraction], list[Fraction], Fraction]:
    k = draw(st.integers(2, 4))
    ref, pol = (draw(st.lists(st.integers(1, 9), min_size=k, max_size=k)) for _ in range(2))
    reward = draw(st.lists(values, min_size=k, max_size=k))
    return [Fraction(w, sum(ref)) for w in ref], [Fraction(w, sum(pol)) for w in pol], reward, draw(positive)


@given(_problem())
def test_kl_optimum_and_objective(problem: tuple[list[Fraction], list[Fraction], list[Fraction], Fraction]) -> None:
    """The KL-regularized optimum and objective read every written form of the reference, policy, reward and β alike."""
    reference, policy, reward, beta = problem
    for b in _scalar_forms(beta):
        _same_for_every_form(kl_optimum_symbolic, [reference, reward], [_vector_forms] * 2, beta=b)
        _same_for_every_form(kl_objective_symbolic, [policy, reference, reward], [_vector_forms] * 3, beta=b)


@given(st.tuples(logps, logps, logps, logps), positive, st.sampled_from([Fraction(0), Fraction(1, 10), Fraction(1, 4)]),
       st.sampled_from(["sigmoid", "ipo", "robust"]), st.booleans())
def test_dpo_loss(pair: tuple[Fraction, ...], beta: Fraction, eps: Fraction, loss_type: str, free: bool) -> None:
    """The exact DPO loss reads every written form of the four log-probabilities, β and ε alike, for each loss type."""
    eps = Fraction(0) if loss_type == "ipo" else eps
    for b, e in zip(_scalar_forms(beta), _scalar_forms(eps)):
        _same_for_every_form(dpo_loss_symbolic, list(pair), [_scalar_forms] * 4,
                             beta=b, label_smoothing=e, loss_type=loss_type, reference_free=free)


@given(_problem(), st.lists(values, min_size=4, max_size=4))
def test_toy_dpo_loss(problem: tuple[list[Fraction], list[Fraction], list[Fraction], Fraction], logits: list[Fraction]) -> None:
    """The exact toy loss reads every written form of the logits, reference, weights and β alike.

    One prompt: the reference and the policy of the KL problem serve as π_ref and as the
    weights of the ordered pairs (i, i + 1 mod K), which sum to 1 like the policy.
    """
    reference, policy, _, beta = problem
    k = len(reference)
    pairs = [[policy[i] if j == (i + 1) % k else Fraction(0) for j in range(k)] for i in range(k)]
    baseline = toy_dpo_loss_symbolic([[_rational(v) for v in logits[:k]]], [[_rational(v) for v in reference]],
                                     [[[_rational(v) for v in row] for row in pairs]], beta=_rational(beta))
    for form in range(3):
        weights = np.array([[_vector_forms(row)[form] for row in pairs]], dtype=object) if form == 2 else \
            [[_vector_forms(row)[form] for row in pairs]]
        got = toy_dpo_loss_symbolic([_vector_forms(logits[:k])[form]], [_vector_forms(reference)[form]], weights,
                                    beta=_scalar_forms(beta)[form])
        assert got == baseline, form

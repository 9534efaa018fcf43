"""Every symbolic twin of the calculus chapter takes the same exact numbers in every container, and refuses huge ones.

The same point as a list of Fractions, a list of "p/q" strings and a NumPy object array
of SymPy Rationals gives the same exact answer. (``quadratic_form_symbolic`` takes an
expression, not numbers.)
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy as sp

from refalgo.calculus import (
    directional_derivative_symbolic,
    gradient,
    gradient_symbolic,
    partial_derivative_symbolic,
    quadratic_extremum,
    quadratic_extremum_symbolic,
    steepest_ascent_symbolic,
)

x, y = sp.symbols("x y", real=True)
F = x**3 - 3 * x * y + 4 * y**2


def spellings(values: list[Fraction]) -> list[Any]:
    """The same exact numbers as Fractions, as "p/q" strings and as an object array of SymPy Rationals."""
    return [
        list(values),
        [f"{v.numerator}/{v.denominator}" for v in values],
        np.array([sp.Rational(v.numerator, v.denominator) for v in values], dtype=object),
    ]


POINT = [Fraction(1, 3), Fraction(-5, 2)]
DIRECTION = [Fraction(3, 7), Fraction(4, 7)]
TWINS: dict[str, Callable[[Any], Any]] = {
    "directional_derivative_symbolic": lambda p: directional_derivative_symbolic(F, [x, y], p, DIRECTION),
    "directional_derivative_symbolic (direction)": lambda v: directional_derivative_symbolic(F, [x, y], POINT, v),
    "partial_derivative_symbolic": lambda p: partial_derivative_symbolic(F, [x, y], p, 1),
    "gradient_symbolic": lambda p: gradient_symbolic(F, [x, y], p),
    "steepest_ascent_symbolic": lambda p: steepest_ascent_symbolic(F, [x, y], p),
}


@pytest.mark.parametrize("name", list(TWINS))
def test_point_spellings_give_the_same_answer(name: str) -> None:
    """A point (or direction) as Fractions, as "p/q" strings or as an object array of Rationals gives one exact answer."""
    values = DIRECTION if name.endswith("(direction)") else POINT
    answers = [TWINS[name](spelled) for spelled in spellings(values)]
    assert answers[0] == answers[1] == answers[2]


def test_gradient_at_the_point_is_the_hand_value() -> None:
    """Each spelling of the point gives the gradient worked out by hand."""
    # ∇F = (3x² − 3y, −3x + 8y); at (1/3, −5/2): (1/3 + 15/2, −1 − 20) = (47/6, −21).
    for spelled in spellings(POINT):
        assert list(gradient_symbolic(F, [x, y], spelled)) == [sp.Rational(47, 6), -21]


def test_quadratic_coefficient_spellings_give_the_same_answer() -> None:
    """A, b and c in each spelling give one exact classification, with the hand-computed stationary point."""
    # A = [[1/2, 1/4], [1/4, 3/2]], b = (−1/3, 2/5), c = 7/8, in each spelling (A as a nested list or a 2-D object array).
    A = [[Fraction(1, 2), Fraction(1, 4)], [Fraction(1, 4), Fraction(3, 2)]]
    b, c = [Fraction(-1, 3), Fraction(2, 5)], Fraction(7, 8)
    flat = spellings([v for row in A for v in row])
    matrices = [flat[0][:2], flat[0][2:]], [flat[1][:2], flat[1][2:]], flat[2].reshape(2, 2)
    constants = c, "7/8", sp.Rational(7, 8)
    answers = [quadratic_extremum_symbolic(*abc) for abc in zip(matrices, spellings(b), constants)]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0].kind == "minimum"
    # 2Ax* = −b: x* = −½A⁻¹b with A⁻¹ = (1/(3/4 − 1/16)) [[3/2, −1/4], [−1/4, 1/2]] = (16/11) [[3/2, −1/4], [−1/4, 1/2]].
    inverse = sp.Rational(16, 11) * sp.Matrix([[sp.Rational(3, 2), sp.Rational(-1, 4)], [sp.Rational(-1, 4), sp.Rational(1, 2)]])
    assert answers[0].point == -inverse * sp.Matrix([sp.Rational(-1, 3), sp.Rational(2, 5)]) / 2


HUGE = [
    ("1e-99999999", r"expected a decimal exponent of at most four digits"),
    ("9" * 10**6, r"expected a number string of at most"),
    ("1/" + "7" * 10**6, r"expected a number string of at most"),
]


@pytest.mark.parametrize("text, message", HUGE, ids=["long exponent", "million digits", "million-digit ratio"])
def test_huge_numbers_are_refused_by_name(text: str, message: str) -> None:
    """A huge exponent or a million-digit number is refused before it is built, with the entry's name."""
    with pytest.raises(ValueError, match=rf"point\[1\]: {message}"):
        gradient_symbolic(F, [x, y], ["1/2", text])
    with pytest.raises(ValueError, match=rf"direction\[0\]: {message}"):
        directional_derivative_symbolic(F, [x, y], [1, 2], np.array([text, 1], dtype=object))
    with pytest.raises(ValueError, match=rf"A\[0, 1\]: {message}"):
        quadratic_extremum_symbolic([[1, text], [0, 1]], [0, 0], 0)
    with pytest.raises(ValueError, match=rf"c: {message}"):
        quadratic_extremum_symbolic([[1, 0], [0, 1]], [0, 0], text)


def test_nan_inside_an_object_array_is_refused_by_name() -> None:
    """A NaN inside an object array is refused by the symbolic and the numeric twins, naming the entry."""
    point = np.array([sp.Rational(1, 2), float("nan")], dtype=object)
    with pytest.raises(ValueError, match=r"point\[1\]: expected a finite number; got nan"):
        steepest_ascent_symbolic(F, [x, y], point)
    with pytest.raises(ValueError, match=r"point\[1\]: expected a finite number; got nan"):
        gradient(lambda p: p @ p, point)
    with pytest.raises(ValueError, match=r"b\[1\]: expected a finite number; got nan"):
        quadratic_extremum(np.eye(2), np.array([Fraction(1, 3), float("nan")], dtype=object), 0.0)


def test_numeric_twins_take_exact_numbers_as_floats() -> None:
    """The numeric twins read Fractions, "p/q" strings and object arrays of Rationals as the floats they round to."""
    for spelled in spellings(POINT):
        assert np.array_equal(gradient(lambda p: p @ p, spelled, method="complex"), 2 * np.array([1 / 3, -2.5]))

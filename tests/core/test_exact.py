"""The shared number→exact converter: floats by their binary value, strings as written."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo._exact import (
    exact,
    exact_array,
    exact_discount,
    exact_distribution,
    exact_matrix,
    exact_positive,
    exact_vector,
    is_exact_input,
)

t = sp.Symbol("t")
r = sp.Symbol("r", real=True)


# ---------------------------------------------------------------------- floats
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_is_its_exact_binary_value(x: float) -> None:
    p, q = x.as_integer_ratio()  # Python's own exact conversion, independent of SymPy
    value = exact(x, "x")
    assert isinstance(value, sp.Rational)
    assert (value.p, value.q) == (p, q)
    assert float(value) == x


@given(st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_float32_is_its_exact_binary_value(x: float) -> None:
    assert exact(np.float32(x), "x") == sp.Rational(*float(np.float32(x)).as_integer_ratio())


def test_float_is_not_rounded_to_the_decimal_it_prints_as() -> None:
    assert exact(0.1, "x") == sp.Rational(3602879701896397, 2**55)
    assert exact(0.1, "x") != sp.Rational(1, 10)
    assert exact(0.5, "x") == sp.Rational(1, 2) and exact(-0.0, "x") == 0


# ---------------------------------------------------------------------- strings
@given(st.integers(-(10**30), 10**30), st.integers(-40, 40))
def test_scientific_strings_are_exact(m: int, e: int) -> None:
    assert exact(f"{m}e{e}", "x") == sp.Integer(m) * sp.Integer(10) ** e
    assert exact(f"{m}E+{e}" if e >= 0 else f"{m}E{e}", "x") == sp.Integer(m) * sp.Integer(10) ** e


@given(st.integers(0, 10**20), st.integers(0, 10**20), st.integers(1, 20), st.sampled_from(["", "+", "-"]))
def test_point_decimals_are_exact(whole: int, frac: int, places: int, sign: str) -> None:
    digits = str(frac).zfill(places)
    assume(len(digits) == places)
    expected = sp.Rational(whole * 10**places + frac, 10**places)
    assert exact(f"{sign}{whole}.{digits}", "x") == (-expected if sign == "-" else expected)


@given(st.integers(-(10**12), 10**12), st.integers(1, 10**12))
def test_ratio_strings_are_exact(p: int, q: int) -> None:
    assert exact(f"{p}/{q}", "x") == sp.Rational(p, q)
    assert exact(f"  {p}/{q} ", "x") == sp.Rational(p, q)


@pytest.mark.parametrize(
    "text, expected",
    [("0.1", sp.Rational(1, 10)), (".5", sp.Rational(1, 2)), ("5.", sp.Integer(5)), ("-1.5e-3", sp.Rational(-3, 2000)),
     ("+7", sp.Integer(7)), ("-2/6", sp.Rational(-1, 3)), ("0/5", sp.Integer(0))],
)
def test_string_forms(text: str, expected: sp.Rational) -> None:
    assert exact(text, "x") == expected


@pytest.mark.parametrize(
    "text", ["one", "", "1/3/4", "1 / 3", "1.5/2", "0x10", "1_000", "inf", "nan", "1e", "e5", "2*3", "x**2", "--1"]
)
def test_other_strings_are_refused_naming_the_argument(text: str) -> None:
    with pytest.raises(ValueError, match=r"gamma: expected a decimal string such as '0.25' or a ratio such as '1/3'"):
        exact(text, "gamma")


def test_zero_denominator() -> None:
    with pytest.raises(ValueError, match=r"beta: expected a nonzero denominator; got '1/0'"):
        exact("1/0", "beta")


# ---------------------------------------------------------------------- other numbers
def test_integers_and_fractions() -> None:
    assert exact(3, "x") == 3 and isinstance(exact(3, "x"), sp.Integer)
    assert exact(np.int64(-4), "x") == -4
    assert exact(10**40, "x") == sp.Integer(10**40)
    assert exact(Fraction(-2, 6), "x") == sp.Rational(-1, 3)


def test_sympy_numbers_stay_exact_and_floats_inside_become_binary_values() -> None:
    assert exact(sp.sqrt(2), "x") == sp.sqrt(2)
    assert exact(sp.Rational(2, 3), "x") == sp.Rational(2, 3)
    assert exact(sp.Float(0.1), "x") == sp.Rational(3602879701896397, 2**55)
    assert exact(sp.Float(0.25) + sp.pi, "x") == sp.Rational(1, 4) + sp.pi


def test_symbols_only_when_asked() -> None:
    with pytest.raises(ValueError, match=r"point\[0\]: expected a number; got the expression t"):
        exact(t, "point[0]")
    assert exact(t, "x", symbolic=True) == t
    assert exact(sp.Float(0.5) * r + 1, "x", symbolic=True) == r / 2 + 1
    with pytest.raises(ValueError, match=r"A\[0, 1\]: expected a real value; got r \+ I"):
        exact(r + sp.I, "A[0, 1]", symbolic=True)
    with pytest.raises(ValueError, match=r"c: expected a finite real number; got t \+ oo"):
        exact(t + sp.oo, "c", symbolic=True)


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "value, exc, message",
    [
        (True, TypeError, r"lr: expected a real number; got bool True"),
        (np.bool_(False), TypeError, r"lr: expected a real number; got bool"),
        (None, TypeError, r"lr: expected a real number \(int, float, Fraction, decimal string or real SymPy number\); got NoneType None"),
        (2j, TypeError, r"lr: expected a real number .*; got complex 2j"),
        (b"0.5", TypeError, r"lr: expected a real number .*; got bytes"),
        ([0.5], TypeError, r"lr: expected a real number .*; got list"),
        (sp.Matrix([1]), TypeError, r"lr: expected a real number .*; got MutableDenseMatrix"),
        (sp.MatrixSymbol("M", 2, 2), TypeError, r"lr: expected a real number .*; got MatrixSymbol"),
        (sp.Eq(t, 1), TypeError, r"lr: expected a real number .*; got Equality"),
        (float("nan"), ValueError, r"lr: expected a finite number; got nan"),
        (float("-inf"), ValueError, r"lr: expected a finite number; got -inf"),
        (np.float32("inf"), ValueError, r"lr: expected a finite number; got inf"),
        (sp.oo, ValueError, r"lr: expected a finite real number; got oo"),
        (sp.nan, ValueError, r"lr: expected a finite real number; got nan"),
        (sp.zoo, ValueError, r"lr: expected a finite real number; got zoo"),
        (sp.I, ValueError, r"lr: expected a finite real number; got I"),
        (sp.log(-1), ValueError, r"lr: expected a finite real number; got I\*pi"),
    ],
)
def test_bad_input(value: Any, exc: type[Exception], message: str) -> None:
    with pytest.raises(exc, match=message):
        exact(value, "lr")


def test_symbolic_mode_names_expressions_in_the_type_error() -> None:
    with pytest.raises(TypeError, match=r"x: expected a real number \(.*real SymPy expression\); got NoneType"):
        exact(None, "x", symbolic=True)


# ---------------------------------------------------------------------- the size guard
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e-99999999", "exponent of at most four digits"),
        ("9" * 10**6, "at most 2000 characters"),
        ("1" * 999_999 + "/3", "at most 2000 characters"),
        (10**7000, "at most 20000 bits"),
        (Fraction(1, 10**7000), "at most 20000 bits"),
        (sp.Integer(3) ** 20000, "at most 20000 bits"),
    ],
    ids=["long-exponent", "long-decimal", "long-ratio", "big-int", "big-fraction", "big-sympy"],
)
def test_huge_numbers_are_refused_at_once(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        exact(value, "gamma")


# ---------------------------------------------------------------------- containers
def test_every_container_gives_the_same_exact_entries() -> None:
    expected = [sp.Rational(3, 10), sp.Rational(7, 10)]
    for given_ in (
        ["3/10", "0.7"],
        (Fraction(3, 10), Fraction(7, 10)),
        np.array([Fraction(3, 10), sp.Rational(7, 10)], dtype=object),
        np.array(["3/10", "7/10"]),
        sp.Matrix([sp.Rational(3, 10), sp.Rational(7, 10)]),
        sp.Matrix([[sp.Rational(3, 10), sp.Rational(7, 10)]]),
    ):
        assert exact_vector(given_, "p") == expected
        assert exact_distribution(given_, "p") == expected


def test_matrix_and_array_shapes_are_checked_and_entries_named() -> None:
    assert exact_matrix([[1, "1/2"], [0.25, 3]], "A") == sp.Matrix([[1, sp.Rational(1, 2)], [sp.Rational(1, 4), 3]])
    with pytest.raises(ValueError, match=r"A: expected shape \(2, any\); got shape \(3, 1\)"):
        exact_matrix([[1], [2], [3]], "A", shape=(2, None))
    with pytest.raises(ValueError, match=r"P\[1, 0\]: expected a finite number; got nan"):
        exact_array(np.array([[1, 0], [float("nan"), 1]], dtype=object), "P")
    with pytest.raises(ValueError, match="ragged"):
        exact_array([[1, 2], [3]], "P")
    with pytest.raises(TypeError, match="P: expected a sequence or array of numbers; got str"):
        exact_array("1/2", "P")


def test_distributions_must_sum_to_exactly_one() -> None:
    with pytest.raises(ValueError, match=r"p\[1\]: expected a probability >= 0; got -1/2"):
        exact_distribution(["3/2", "-1/2"], "p")
    # 0.3 and 0.7 as doubles sum to 1 - 2**-54 exactly (Python's own Fraction arithmetic agrees)
    gap = 1 - (Fraction(0.3) + Fraction(0.7))
    assert gap == Fraction(1, 2**54)
    with pytest.raises(ValueError, match=r"summing to exactly 1; got sum 1 - 1/18014398509481984 \(floats"):
        exact_distribution([0.3, 0.7], "p")


def test_distributions_of_number_expressions_are_summed_exactly() -> None:
    e = sp.E
    assert exact_distribution([e / (e + 3), 3 / (e + 3)], "p") == [e / (e + 3), 3 / (e + 3)]
    with pytest.raises(ValueError, match="p: expected probabilities summing to exactly 1"):
        exact_distribution([e / (e + 3), 2 / (e + 3)], "p")


def test_zero_dimensional_arrays_are_their_entry() -> None:
    assert exact(np.array(sp.Rational(1, 3), dtype=object), "x") == sp.Rational(1, 3)
    assert exact(np.array("3/10"), "x") == sp.Rational(3, 10)
    assert exact(np.array(0.5), "x") == sp.Rational(1, 2)
    with pytest.raises(ValueError, match="x: expected a finite number; got nan"):
        exact(np.array(float("nan"), dtype=object), "x")
    with pytest.raises(TypeError, match="x: expected a real number"):
        exact(np.array([0.5]), "x")


def test_positive_numbers() -> None:
    assert exact_positive("0.1", "beta") == sp.Rational(1, 10)
    assert exact_positive(Fraction(1, 3), "beta") == sp.Rational(1, 3)
    for bad in (0, "-1/2", -0.0):
        with pytest.raises(ValueError, match="beta: expected a number > 0; got"):
            exact_positive(bad, "beta")
    with pytest.raises(TypeError, match="beta: expected a real number"):
        exact_positive(None, "beta")


def test_discounts() -> None:
    assert exact_discount("0.9") == sp.Rational(9, 10)
    assert exact_discount(1) == 1
    g = sp.Symbol("gamma")
    assert exact_discount(g, symbolic=True) is g
    with pytest.raises(ValueError, match=r"gamma: expected a number in \[0, 1\); got 1"):
        exact_discount(1, below_one=True)
    with pytest.raises(ValueError, match=r"discount: expected a number in \[0, 1\]; got -1/10"):
        exact_discount("-0.1", "discount")
    with pytest.raises(ValueError, match="gamma: expected a number; got the expression gamma"):
        exact_discount(g)


def test_exact_inputs_are_told_from_floats() -> None:
    assert is_exact_input([[1, 0], [Fraction(1, 2), "1/2"]])
    assert is_exact_input(np.array([[sp.Rational(1, 3)]], dtype=object))
    assert is_exact_input(np.array([1, 2]))
    assert not is_exact_input([0.5, "1/2"])
    assert not is_exact_input(np.array([0.5]))
    assert not is_exact_input([])

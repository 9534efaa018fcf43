"""The shared validators: one wording for shapes, probability rows, flags and symbol lists."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from refalgo._validate import as_array, as_count, as_flag, as_symbols, probability_rows


def test_object_and_string_arrays_of_exact_numbers_become_floats() -> None:
    got = as_array(np.array([Fraction(3, 10), sp.Rational(7, 10), "1/2", 2], dtype=object), "p")
    assert got.dtype == np.float64
    assert got.tolist() == [0.3, 0.7, 0.5, 2.0]
    assert as_array(["0.25", "1/4"], "p").tolist() == [0.25, 0.25]


def test_bad_entries_of_object_arrays_are_named() -> None:
    with pytest.raises(ValueError, match=r"P\[0, 1\]: expected a finite number; got nan"):
        as_array(np.array([[1, float("nan")]], dtype=object), "P")
    with pytest.raises(TypeError, match="p: expected an array of numbers"):
        as_array(np.array([None, 1], dtype=object), "p")
    with pytest.raises(TypeError, match="p: expected an array of numbers"):
        as_array(["a", "b"], "p")


def test_rows_of_two_axes_are_distributions_over_pairs() -> None:
    w = np.array([[[0.0, 0.5], [0.5, 0.0]], [[0.0, 0.25], [0.25, 0.0]]])
    probability_rows(w[:1], "W", row_ndim=2)
    with pytest.raises(ValueError, match=r"^W\[1\] sums to 0.5, expected 1 \(tolerance 4e-09\)"):
        probability_rows(w, "W", row_ndim=2)
    with pytest.raises(ValueError, match=r"W\[0, 0, 1\]: expected a probability >= 0; got -0.5"):
        probability_rows(-w, "W", row_ndim=2)


def test_counts() -> None:
    assert as_count(3, "steps") == 3 and as_count(np.int64(0), "k", minimum=0) == 0
    for bad in (0, -1, 2.0, True, "3", None):
        with pytest.raises(ValueError, match="steps: expected a positive integer; got"):
            as_count(bad, "steps")
    with pytest.raises(ValueError, match="k: expected an integer >= 2; got 1"):
        as_count(1, "k", minimum=2)


def test_ragged_rows_are_named() -> None:
    with pytest.raises(ValueError, match="x: expected a rectangular array of numbers; got ragged rows"):
        as_array([[1.0], [1.0, 2.0]], "x")


def test_probability_rows_name_the_first_bad_row_or_entry() -> None:
    probability_rows(np.array([[0.25, 0.75], [1.0, 0.0]]), "P")
    with pytest.raises(ValueError, match=r"P\[1\] sums to 0.97, expected 1 \(tolerance 2e-09\)"):
        probability_rows(np.array([[0.5, 0.5], [0.5, 0.47]]), "P")
    with pytest.raises(ValueError, match=r"P\[0, 1\]: expected a probability >= 0; got -0.5"):
        probability_rows(np.array([[1.5, -0.5]]), "P")
    with pytest.raises(ValueError, match=r"^q sums to 0.9, expected 1"):
        probability_rows(np.array([0.4, 0.5]), "q")


def test_sparse_probability_rows_are_named_like_the_dense_array() -> None:
    """A sparse (S·A, S) matrix with ``rows=(S, A)`` gets the messages of the (S, A, S) array."""
    import scipy.sparse as sps

    dense = np.array([[[1.0, 0.0], [0.3, 0.3]], [[0.0, 1.0], [0.0, 1.0]]])
    sparse = sps.csr_array(dense.reshape(4, 2))
    for p, kwargs in ((dense, {}), (sparse, {"rows": (2, 2)})):
        with pytest.raises(ValueError, match=r"^P\[0, 1\] sums to 0.6, expected 1 \(tolerance 2e-09\)$"):
            probability_rows(p, "P", **kwargs)
    negative = np.array([[[1.0, 0.0]], [[1.5, -0.5]]])
    for p, kwargs in ((negative, {}), (sps.csr_array(negative.reshape(2, 2)), {"rows": (2, 1)})):
        with pytest.raises(ValueError, match=r"^P\[1, 0, 1\]: expected a probability >= 0; got -0.5$"):
            probability_rows(p, "P", **kwargs)
    probability_rows(sps.csr_array(np.eye(3)), "P")
    # the tolerance counts a row's stored entries, not its length: one entry allows 1e-9
    with pytest.raises(ValueError, match=r"^P\[1\] sums to 0.999999998, expected 1 \(tolerance 1e-09\)$"):
        probability_rows(sps.csr_array(np.array([[1.0, 0.0, 0.0], [0.0, 0.999999998, 0.0], [0.0, 0.0, 1.0]])), "P")


@pytest.mark.parametrize("bad", [0, 1, "yes", None, 1.0])
def test_flags_are_bools_only(bad: object) -> None:
    assert as_flag(True, "amsgrad") is True and as_flag(np.bool_(False), "amsgrad") is False
    with pytest.raises(TypeError, match="amsgrad: expected True or False; got"):
        as_flag(bad, "amsgrad")


def test_symbol_lists() -> None:
    x, y = sp.symbols("x y")
    assert as_symbols([x, y]) == (x, y)
    with pytest.raises(ValueError, match=r"variables: expected distinct symbols; got \[x, x\]"):
        as_symbols([x, x])
    with pytest.raises(TypeError, match=r"variables\[1\]: expected a SymPy Symbol; got int 2"):
        as_symbols([x, 2])
    with pytest.raises(ValueError, match="variables: expected at least one symbol"):
        as_symbols([])
    with pytest.raises(TypeError, match="variables: expected a list or tuple of SymPy symbols"):
        as_symbols(x)
    with pytest.raises(ValueError, match="variables: expected 3 symbols; got 2"):
        as_symbols((x, y), length=3)

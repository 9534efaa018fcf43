r"""Matrices and vectors are non-commutative: compared at explicit exact matrices.

Counterexample matrices are substituted back here with SymPy's own explicit matrix
arithmetic, independently of the checker.
"""

from __future__ import annotations

import io

import sympy as sp

from refalgo import Assumptions
from refalgo.check import check_steps, equivalent
from refalgo.cli import main
from refalgo.equality import compare
from refalgo.parsing import Notation

n = sp.Symbol("n", integer=True, positive=True)


def _matrix(text: str) -> sp.Matrix:
    rows = [[sp.Rational(v.strip()) for v in row.strip(" []").split(",")] for row in text.strip("[]").split("], [")]
    return sp.Matrix(rows)


def test_transposes_do_not_commute() -> None:
    A, B = sp.MatrixSymbol("A", 2, 2), sp.MatrixSymbol("B", 2, 2)
    r = compare(A.T * B.T, B.T * A.T)
    assert r.status == "failed"
    ce = r.counterexample
    assert ce is not None
    a, b = _matrix(ce.values["A"]), _matrix(ce.values["B"])
    assert a.T * b.T == ce.lhs and b.T * a.T == ce.rhs and ce.lhs != ce.rhs


def test_transpose_of_a_product_reverses_the_order() -> None:
    A, B = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("B", n, n)
    assert compare((A * B).T, B.T * A.T).status == "proven"
    wrong = compare((A * B).T, A.T * B.T)
    assert wrong.status == "failed" and wrong.counterexample is not None
    assert wrong.counterexample.values["n"] in ("2", "3")


def test_symbolic_sizes_take_two_and_three() -> None:
    A = sp.MatrixSymbol("A", n, n)
    sizes = {p.dimensions[n] for p in Assumptions().points([A * A.T])}
    assert sizes == {2, 3}


def test_completing_the_square_in_matrix_form() -> None:
    A = sp.MatrixSymbol("A", n, n)
    x, b = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("b", n, 1)
    lhs = x.T * A * x - 2 * b.T * x
    rhs = (x - A.I * b).T * A * (x - A.I * b) - b.T * A.I * b
    held = compare(lhs, rhs, Assumptions.of(matrices={A: "symmetric"}))
    assert held and held.status in ("proven", "checked")
    broken = compare(lhs, rhs)  # without symmetry the cross terms do not match
    assert broken.status == "failed"
    ce = broken.counterexample
    assert ce is not None
    a, xv, bv = (_matrix(ce.values[k]) for k in ("A", "x", "b"))
    assert a.det() != 0  # A^{-1} appears, so A is drawn invertible
    left = xv.T * a * xv - 2 * bv.T * xv
    right = (xv - a.inv() * bv).T * a * (xv - a.inv() * bv) - bv.T * a.inv() * bv
    assert left == ce.lhs and right == ce.rhs and left != right


def test_symmetric_samples_are_symmetric_and_invertible_when_inverted() -> None:
    A = sp.MatrixSymbol("A", n, n)
    for p in Assumptions.of(matrices={A: "symmetric"}).points([A.I]):
        (value,) = p.matrices.values()
        assert value == value.T and value.det() != 0


def test_latex_matrix_steps_through_the_notation() -> None:
    notation = Notation(matrices=("A", "B"))
    r = check_steps([r"A^{\top} B^{\top}", r"B^{\top} A^{\top}"], notation=notation)
    assert r.status == "failed"
    assert check_steps([r"(A B)^{\top}", r"B^{\top} A^{\top}"], notation=notation).status == "proven"
    assert equivalent(r"(A B)^{T}", r"B^{T} A^{T}", notation=notation)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_cli_matrix_counterexample_shows_the_matrices() -> None:
    code, out, _ = run("check", "--matrix", "A,B", r"A^T B^T", r"B^T A^T")
    assert code == 1 and "Counterexample: A = [[" in out and "B = [[" in out


def test_cli_completing_the_square() -> None:
    lhs = r"x^T A x - 2 b^T x"
    rhs = r"(x - A^{-1}b)^T A (x - A^{-1} b) - b^T A^{-1} b"
    code, out, _ = run("check", "--matrix", "A", "--vector", "x,b", "--symmetric", "A", lhs, rhs)
    assert code == 0, out
    assert run("check", "--matrix", "A", "--vector", "x,b", lhs, rhs)[0] == 1

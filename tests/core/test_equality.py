"""The equality engine: proofs, sampled checks, counterexamples."""

from __future__ import annotations

import sympy as sp

from refalgo import Assumptions, compare

x, y, h, a, b = sp.symbols("x y h a b", real=True)
gamma = sp.Symbol("gamma", real=True)
f = sp.Function("f")


def test_polynomial_identity_is_proven() -> None:
    r = compare((x + y) ** 3, x**3 + 3 * x**2 * y + 3 * x * y**2 + y**3)
    assert r.status == "proven" and bool(r)


def test_wrong_identity_has_counterexample_with_both_values() -> None:
    r = compare((x + 1) ** 2, x**2 + 1)
    assert r.status == "failed" and not r
    ce = r.counterexample
    assert ce is not None
    xv = sp.Rational(ce.values["x"])
    assert ce.lhs == (xv + 1) ** 2 and ce.rhs == xv**2 + 1 and ce.lhs != ce.rhs


def test_sqrt_of_square_depends_on_the_sign_assumption() -> None:
    fails = compare(sp.sqrt(x**2), x)
    assert fails.status == "failed"
    assert sp.Rational(fails.counterexample.values["x"]) < 0
    assert compare(sp.sqrt(x**2), x, Assumptions.of(x > 0))


def test_geometric_series_checked_inside_the_unit_interval_only() -> None:
    k = sp.Symbol("k", integer=True, nonnegative=True)
    series = sp.Sum(gamma**k, (k, 0, sp.oo))
    assert compare(series, 1 / (1 - gamma), Assumptions.of(0 < gamma, gamma < 1))


def test_generic_function_limit_definition_is_checked_not_proven() -> None:
    lim = sp.Limit((f(x + h * a, y + h * b) - f(x, y)) / h, h, 0)
    grad_dot = sp.diff(f(x, y), x) * a + sp.diff(f(x, y), y) * b
    r = compare(lim, grad_dot, Assumptions(samples=6))
    assert r.status == "checked" and r.points == 6


def test_generic_function_wrong_claim_fails() -> None:
    lim = sp.Limit((f(x + h * a, y + h * b) - f(x, y)) / h, h, 0)
    wrong = sp.diff(f(x, y), x) * a - sp.diff(f(x, y), y) * b
    assert compare(lim, wrong, Assumptions(samples=6)).status == "failed"


def test_matrix_sides_compare_entrywise_and_respect_kind() -> None:
    m = sp.ImmutableMatrix(2, 2, sp.symbols("m11 m12 m21 m22", real=True))
    assert compare(m.T, m, Assumptions.of(matrices={m: "symmetric"}))
    assert compare(m.T, m, Assumptions.of(matrices={m: "any"})).status == "failed"


def test_spd_samples_are_positive_definite() -> None:
    m = sp.ImmutableMatrix(3, 3, sp.symbols("s0:9", real=True))
    for point in Assumptions.of(matrices={m: "spd"}).points([], 10):
        val = m.subs(dict(point.values))
        assert val == val.T
        assert all(val[:k, :k].det() > 0 for k in (1, 2, 3))  # Sylvester's criterion


def test_shape_mismatch_fails_with_message() -> None:
    r = compare(sp.Matrix([x, y]), x)
    assert r.status == "failed" and "shape" in r.detail


def test_points_satisfy_multi_symbol_conditions() -> None:
    pts = list(Assumptions.of(x < y, 0 < x).points([x + y], 15))
    assert len(pts) == 15
    assert all(0 < p.values[x] < p.values[y] for p in pts)


def test_points_are_reproducible() -> None:
    one = [p.values for p in Assumptions(seed=3).points([x * y], 8)]
    two = [p.values for p in Assumptions(seed=3).points([x * y], 8)]
    assert one == two

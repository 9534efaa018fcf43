r"""Domain-aware sampling: the whole domain, its boundaries, distributions, and counterexamples
that always satisfy the assumptions (a Hypothesis property, checked independently)."""

from __future__ import annotations

import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo import Assumptions
from refalgo.check import equivalent

x, y = sp.symbols("x y", real=True)
gamma = sp.Symbol("gamma", real=True)


def test_open_unit_interval_is_approached_from_both_ends() -> None:
    values = [p.values[gamma] for p in Assumptions.of(0 < gamma, gamma < 1, samples=60).points([gamma])]
    assert all(0 < v < 1 for v in values)
    assert min(values) <= sp.Rational(1, 1000) and max(values) >= 1 - sp.Rational(1, 1000)


def test_closed_ends_are_sampled_exactly() -> None:
    values = {p.values[x] for p in Assumptions.of(x >= 2, x <= 5, samples=40).points([x])}
    assert {sp.Integer(2), sp.Integer(5)} <= values and all(2 <= v <= 5 for v in values)


def test_half_line_reaches_large_values() -> None:
    values = [p.values[x] for p in Assumptions.of(x > 0, samples=40).points([x])]
    assert all(v > 0 for v in values) and max(values) > 10**6


def test_integers_stay_integers() -> None:
    k = sp.Symbol("k", integer=True)
    values = [p.values[k] for p in Assumptions(samples=30).points([k])]
    assert all(v.is_Integer for v in values) and len(set(values)) == 30


def test_a_family_is_a_probability_vector() -> None:
    ps = sp.symbols("p_1 p_2 p_3 p_4", real=True)
    for point in Assumptions.of(distributions=["p"], samples=30).points([sum(ps)]):
        vals = [point.values[p] for p in ps]
        assert sum(vals) == 1 and all(v >= 0 for v in vals)


def test_a_conditional_family_has_rows_that_sum_to_one() -> None:
    table = {(i, j): sp.Symbol(f"p_{{{i},{j}}}", real=True) for i in (1, 2) for j in (1, 2, 3)}
    for point in Assumptions.of(distributions=["p"], samples=20).points(list(table.values())):
        for i in (1, 2):
            row = [point.values[table[i, j]] for j in (1, 2, 3)]
            assert sum(row) == 1 and all(v >= 0 for v in row)


def test_a_declared_support_gives_a_table_per_condition() -> None:
    pi = sp.Function("pi", real=True)
    a = sp.symbols("a_1:4", real=True)
    s = sp.Symbol("s", real=True)
    expr = sum(pi(ai, s) for ai in a) + pi(a[0], s + 1)
    for point in Assumptions.of(supports={"pi": a}, samples=10).points([expr]):
        assert point.apply(sum(pi(ai, s) for ai in a)) == 1
        assert point.apply(sum(pi(ai, s + 1) for ai in a)) == 1


def test_a_positive_family_condition_reaches_every_member() -> None:
    lhs = r"\log(p_1 p_2 p_3)"
    rhs = r"\log p_1 + \log p_2 + \log p_3"
    assert equivalent(lhs, rhs).status == "failed"
    assert equivalent(lhs, rhs, "p_i > 0")


def test_positive_function_condition_gives_positive_stand_ins() -> None:
    f = sp.Function("f", real=True)
    for point in Assumptions.of(f(x) > 0, samples=20).points([f(x)]):
        assert point.apply(f(x)) > 0


# ------------------------------------------------------------------ the property
bounds = st.integers(-20, 20)
coefficients = st.integers(-3, 3)
terms = st.lists(st.tuples(coefficients, st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=4)
wrappers = st.sampled_from(["none", "abs", "max", "sqrt"])


def _build(spec: list[tuple[int, int, int]], wrap: str) -> sp.Expr:
    p = sp.Add(*[c * x**i * y**j for c, i, j in spec])
    if wrap == "abs":
        return sp.Abs(p)
    if wrap == "max":
        return sp.Max(p, x)
    if wrap == "sqrt":
        return sp.sqrt(p**2 + 1)
    return p


@given(terms, terms, wrappers, wrappers, bounds, st.integers(1, 30), st.booleans())
def test_every_counterexample_satisfies_the_assumptions_and_separates_the_sides(
    left: list[tuple[int, int, int]], right: list[tuple[int, int, int]], wl: str, wr: str, lo: int, width: int, pos: bool
) -> None:
    lhs, rhs = _build(left, wl), _build(right, wr)
    conditions = [f"x > {lo}", f"x < {lo + width}"] + (["y > 0"] if pos else [])
    r = equivalent(lhs, rhs, conditions, timeout=None)
    if sp.expand(lhs - rhs) == 0:
        assert r.status != "failed"
    assume(r.status == "failed" and r.counterexample is not None)
    assert r.counterexample is not None
    values = {name: sp.Rational(v) for name, v in r.counterexample.values.items()}
    xv, yv = values.get("x"), values.get("y")
    if xv is not None:
        assert lo < xv < lo + width
    if pos and yv is not None:
        assert yv > 0
    # a symbol missing from the counterexample is one the assumptions made irrelevant
    # (Max(x, -y**2) is x when x > 0): any value of it gives the same two sides
    for filler in (sp.Integer(0), sp.Integer(7)):
        subs = {s: values.get(s.name, filler) for s in (lhs.free_symbols | rhs.free_symbols)}
        left_value, right_value = lhs.xreplace(subs), rhs.xreplace(subs)
        assert abs(sp.N(left_value - right_value, 30)) > 0
        assert left_value == r.counterexample.lhs and right_value == r.counterexample.rhs

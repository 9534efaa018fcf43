"""equivalent() and check_steps(): verdicts, counterexamples verified independently, budgets."""

from __future__ import annotations

import signal
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo import Assumptions
from refalgo.check import MAX_OPERATIONS, check_steps, equivalent
from refalgo.parsing import ParseError

x, y, gamma = sp.symbols("x y gamma", real=True)


def _at(values: dict[str, str], expr: sp.Expr) -> sp.Expr:
    """``expr`` at the counterexample point, substituted by name (independently of the checker)."""
    subs = {s: sp.Rational(values[s.name]) for s in expr.free_symbols}
    return sp.simplify(expr.xreplace(subs).doit())


def test_equal_sides_are_proven() -> None:
    r = equivalent("(x + 1)**2", "x**2 + 2*x + 1")
    assert r and r.status == "proven" and r.counterexample is None


def test_unequal_sides_give_a_counterexample_that_substitutes_back() -> None:
    r = equivalent("(x + y)**2", "x**2 + y**2")
    assert not r and r.status == "failed"
    ce = r.counterexample
    assert ce is not None and set(ce.values) == {"x", "y"}
    left, right = _at(ce.values, (x + y) ** 2), _at(ce.values, x**2 + y**2)
    assert left == ce.lhs and right == ce.rhs and left != right


def test_latex_and_python_sides_compare() -> None:
    assert equivalent(r"\frac{1}{2}x^{2}", "x^2/2").status == "proven"
    assert equivalent(r"e^{x} e^{y}", r"\exp(x + y)")
    assert equivalent("x**2/2", "x*x/2").status == "proven"
    with pytest.raises(ParseError, match="mixes Python syntax"):  # one syntax for a whole derivation
        equivalent(r"\frac{1}{2}x^{2}", "x**2/2")


def test_assumption_strings_decide_sqrt_of_square() -> None:
    fails = equivalent("sqrt(x**2)", "x")
    assert fails.status == "failed" and sp.Rational(fails.counterexample.values["x"]) < 0  # type: ignore[union-attr]
    assert equivalent("sqrt(x**2)", "x", "x > 0")
    assert equivalent("sqrt(x**2)", "x", ["x >= 0"])
    assert equivalent("sqrt(x**2)", "x", Assumptions.of(x > 0))
    assert equivalent("sqrt(x**2)", "x", x > 0)


def test_geometric_series_needs_the_interval() -> None:
    series = r"\sum_{k=0}^{\infty} \gamma^k"
    assert equivalent(series, r"\frac{1}{1-\gamma}", "0 < gamma < 1")
    # without it most sample points make the series diverge: no verdict either way
    assert equivalent(series, r"\frac{1}{1-\gamma}").status == "undecided"


def test_caller_symbols_keep_their_assumptions() -> None:
    p = sp.Symbol("p", positive=True)
    r = equivalent(sp.sqrt(p**2), "p")
    assert r.status == "proven"


def test_sigmoid_derivative_identity() -> None:
    assert equivalent(r"\frac{d}{dz} \sigma(z)", r"\sigma(z) (1 - \sigma(z))").status == "proven"
    assert not equivalent(r"\frac{d}{dz} \sigma(z)", r"\sigma(z)^2")


def test_log_of_a_ratio_needs_positive_arguments() -> None:
    assert equivalent(r"\log a - \log b", r"\log \frac{a}{b}", ["a > 0", "b > 0"]).status == "proven"
    # unspecified functions range over all smooth functions, negative ones included
    lhs, rhs = r"\log \pi(y|x) - \log \pi_{ref}(y|x)", r"\log \frac{\pi(y|x)}{\pi_{ref}(y|x)}"
    r = equivalent(lhs, rhs)
    assert r.status == "failed" and {"pi", "pi_ref"} <= set(r.counterexample.values)  # type: ignore[union-attr]


def test_positivity_conditions_reach_the_rewrites() -> None:
    assert equivalent("sqrt(x**2)", "x", "0 < x < 2").status == "proven"
    assert equivalent("sqrt(x**2)", "x", "x >= 0").status == "proven"


def test_sequences_in_sums_match_their_terms() -> None:
    assert equivalent(r"\sum_{i=1}^{3} x_i", "x_1 + x_2 + x_3")
    assert not equivalent(r"\sum_{i=1}^{3} x_i", "x_1 + x_2")
    # f(x) with a real argument is a function, not a sequence: f_1 stays a symbol
    r = equivalent("f(x) + f_1", "f(x) + 1")
    assert r.status == "failed" and "f_1" in r.counterexample.values  # type: ignore[union-attr]


def test_unspecified_function_identity_is_checked_not_proven() -> None:
    r = equivalent(r"\frac{\partial}{\partial x} f(x, y)^2", r"2 f(x, y) \frac{\partial f(x, y)}{\partial x}")
    assert r
    wrong = equivalent(r"\frac{\partial}{\partial x} f(x, y)^2", r"2 \frac{\partial f(x, y)}{\partial x}")
    assert wrong.status == "failed" and "f" in wrong.counterexample.values  # type: ignore[union-attr]


def test_check_steps_pinpoints_the_first_broken_step() -> None:
    steps = ["(x + 1)**2 - 1", "x**2 + 2*x", "x*(x + 2)", "x**2 + 2", "x*(x + 2)"]
    r = check_steps(steps)
    assert not r and r.first_broken == 3 and r.status == "failed"
    assert len(r.links) == 3  # stops at the first break
    ce = r.links[-1].counterexample
    assert ce is not None
    assert _at(ce.values, x * (x + 2)) == ce.lhs and _at(ce.values, x**2 + 2) == ce.rhs
    assert r.describe().startswith("step 4 does not follow from step 3: at x = ")


def test_check_steps_accepts_chains_and_reports_proven() -> None:
    r = check_steps([r"(x+1)^2 = x^2 + 2x + 1", "= x*(x + 2) + 1"[2:]])
    assert r and r.status == "proven" and len(r.steps) == 3
    assert r.describe() == "all 3 steps hold: proven"


def test_checked_is_not_called_proven() -> None:
    r = check_steps([r"\frac{d}{dx} f(x)^2", r"2 f(x) \frac{d}{dx} f(x)"], timeout=None)
    assert r.status == "proven" and r.describe() == "all 2 steps hold: proven"
    # no SymPy rewrite closes max + min = sum; every sample point agrees
    sampled = check_steps([r"\max(x, y) + \min(x, y)", "x + y"])
    assert sampled and sampled.status == "checked"
    assert sampled.describe() == "all 2 steps hold: checked at 24 distinct exact points (not a proof)"


def test_time_budget_gives_undecided() -> None:
    # proving this takes an expansion to 455 terms, far more than 0.01 s
    expanded = sp.expand((x + y + gamma + 1) ** 12)
    slow = equivalent(sp.Pow(x + y + gamma + 1, 12), expanded, timeout=0.01)
    assert slow.status == "undecided" and "time budget" in slow.comparison.detail


def test_time_budget_restores_an_outer_alarm() -> None:
    old = signal.signal(signal.SIGALRM, lambda *_: None)
    signal.alarm(100)
    try:
        assert equivalent("(x + 1)**2", "x**2 + 2*x + 1", timeout=5)
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 0 < remaining <= 100
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_oversized_sympy_input_is_undecided() -> None:
    big = sp.Add(*[sp.Symbol(f"a{i}") * x**i for i in range(MAX_OPERATIONS)])
    r = equivalent(big, big + 1)
    assert r.status == "undecided" and "too large" in r.comparison.detail


def test_bad_inputs_are_clear_errors() -> None:
    with pytest.raises(TypeError, match="lhs: expected a string or a SymPy expression"):
        equivalent([1], "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="assumptions: expected"):
        equivalent("x", "x", [3])
    with pytest.raises(ParseError, match="expected a condition"):
        equivalent("x", "x", "x + 1")
    with pytest.raises(ValueError, match="steps: expected at least 2 steps; got 1"):
        check_steps(["x"])
    with pytest.raises(TypeError, match="steps: expected a list"):
        check_steps("x = x")
    with pytest.raises(TypeError, match=r"steps\[1\]"):
        check_steps(["x", sp.Eq(x, 1)])
    with pytest.raises(ValueError, match="rhs: expected a finite number; got nan"):
        equivalent("x", float("nan"))
    with pytest.raises(ValueError, match="timeout: expected a positive"):
        equivalent("x", "x", timeout=-1)
    for bad in (float("inf"), float("nan"), 1e-9, 1e9):
        with pytest.raises(ValueError, match=r"timeout: expected a positive, finite number of seconds from 0.01 to 3600"):
            equivalent("x", "x", timeout=bad)
    with pytest.raises(TypeError, match="timeout: expected a number"):
        check_steps(["x", "x"], timeout="10")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="syntax: expected"):
        equivalent("x", "x", syntax="tex")  # type: ignore[arg-type]


def test_numbers_enter_exactly() -> None:
    assert equivalent("1/2", 0.5).status == "proven"
    assert equivalent("0.1", 0.1).status == "failed"  # 0.1 the float is not 1/10
    assert equivalent("1/3", Fraction(1, 3)).status == "proven"
    assert equivalent("3/4", np.float32(0.75)).status == "proven"
    assert equivalent("7", np.int64(7)).status == "proven"
    with pytest.raises(TypeError, match="rhs: expected a string or a SymPy expression"):
        equivalent("1", True)  # type: ignore[arg-type]


# ------------------------------------------------------------------ properties
coefficients = st.integers(-4, 4)
polynomials = st.lists(st.tuples(coefficients, st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=4).map(
    lambda terms: sp.Add(*[c * x**i * y**j for c, i, j in terms])
)


@given(polynomials, polynomials)
def test_product_equals_its_expansion(p: sp.Expr, q: sp.Expr) -> None:
    assert equivalent(p * q, sp.expand(p * q)).status == "proven"


@given(polynomials, st.integers(-5, 5).filter(bool))
def test_shifted_side_fails_by_exactly_the_shift(p: sp.Expr, c: int) -> None:
    r = equivalent(p, p + c)
    assert r.status == "failed"
    ce = r.counterexample
    assert ce is not None
    assert ce.lhs == _at(ce.values, p) and ce.rhs == _at(ce.values, p + c)
    assert abs((ce.rhs - ce.lhs) - c) == 0 and abs(c - (ce.rhs - ce.lhs)) == 0


@given(polynomials, st.integers(1, 4), st.integers(1, 5).filter(bool))
def test_first_broken_step_is_the_corrupted_one(p: sp.Expr, where: int, c: int) -> None:
    forms = [p, sp.expand(p), sp.factor(p), sp.expand(p) + 0, sp.horner(sp.expand(p)) if p.free_symbols else p]
    assume(all(sp.expand(f - p) == 0 for f in forms))
    steps = list(forms)
    steps[where] = steps[where] + c
    r = check_steps(steps)
    assert r.first_broken == where


def test_time_budget_never_interrupts_a_garbage_collector_callback() -> None:
    """The time budget's interrupt waits for a running gc callback to return: raised inside one, it would be dropped as unraisable."""
    import gc
    import sys
    import time

    from refalgo.check import _budget, _OutOfTime  # the budget itself, not a comparison that may finish early

    calls = []

    def slow_callback(phase: str, info: dict) -> None:  # type: ignore[type-arg]
        if phase == "start":
            calls.append(phase)
            end = time.monotonic() + 0.2
            while time.monotonic() < end:  # the interrupt fires several times in here
                pass

    unraisable: list[object] = []
    old_hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(_OutOfTime):
            with _budget(0.05):
                gc.collect()
                while True:
                    time.sleep(0.001)
    finally:
        gc.callbacks.remove(slow_callback)
        sys.unraisablehook = old_hook
    assert calls and unraisable == []

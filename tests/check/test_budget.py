r"""Bounded cost and honest exit codes (issue 10, class 5).

Constructs that grow without limit are refused from the expression tree, before SymPy
expands or evaluates anything; the command line maps every outcome to its own exit code
and never prints a traceback.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
import sympy as sp

import refalgo.check as check_module
import refalgo.cli as cli
from refalgo._cost import MAX_DIGITS, MAX_TERMS, expanded_terms, refusal
from refalgo.check import equivalent
from refalgo.cli import EXIT_AMBIGUOUS, EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_UNDECIDED, EXIT_UNREADABLE, main
from refalgo.equality import Comparison, show

x = sp.Symbol("x", real=True)

# (claim's left side in LaTeX, words the refusal must contain)
COSTLY = [
    (r"((x^{1000})^{1000})^{1000}", "digits"),
    (r"(((x^{1000})^{1000})^{1000})^{1000}", "digits"),
    (r"\exp(\exp(10^{9}))", "beyond evaluation"),
    (r"\exp(\exp(\exp(30)))", "beyond evaluation"),
    (r"\sin(\exp(10^{20}))", "beyond evaluation"),
    (r"(1000!)^{2}", "digits"),
    (r"\prod_{i=1}^{1000} \prod_{j=1}^{1000} (i + j)", "terms"),
    (r"\sum_{i=1}^{1000} \sum_{j=1}^{1000} i j x", "terms"),
]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("text", "words"), COSTLY)
def test_costly_claims_are_refused_before_evaluation(text: str, words: str) -> None:
    r = equivalent(text, "x")
    assert r.status == "undecided" and r.comparison.method == "budget"
    assert words in r.comparison.detail and "refused before evaluating" in r.comparison.detail
    code, out, err = run("check", text, "x")
    assert code == EXIT_UNREADABLE and out == ""
    assert err.startswith("refalgo check: refused argument 1 before evaluating anything") and words in err
    assert "Traceback" not in err


def test_estimates_follow_the_closed_forms() -> None:
    # x^(10^6) at x = 2 has 10^6·log10(2) ≈ 301030 digits; x^1000 at x = 10 has 1001
    assert refusal(x**1000000, {x: sp.Integer(2)}) is not None
    assert refusal(x**1000, {x: sp.Integer(10)}) is None
    assert refusal(x**1000, {x: sp.Integer(10**7)}) is not None  # 7001 digits > MAX_DIGITS
    assert MAX_DIGITS < 7001
    # C(300 + 3 - 1, 3 - 1) = 45451 terms in (x + y + 1)^300
    assert expanded_terms((x + sp.Symbol("y") + 1) ** 300) == 45451
    k = sp.Symbol("k", integer=True)
    assert refusal(sp.Sum(k, (k, 1, MAX_TERMS))) is None
    assert refusal(sp.Sum(k, (k, 1, MAX_TERMS + 1))) is not None


def test_huge_integers_print_without_a_crash() -> None:
    assert show(sp.factorial(1000)).endswith("(an integer of 2568 digits)")
    code, out, _ = run("check", "1000!", "999!")
    assert code == EXIT_FAILED and "2568 digits" in out and "2565 digits" in out


@pytest.mark.parametrize("bad", ["inf", "nan", "1e-9", "-1", "abc", "0", "1e9"])
def test_bad_timeouts_are_refused_with_exit_2(bad: str) -> None:
    code, out, err = run("check", "--timeout", bad, "x", "x")
    assert code == EXIT_UNREADABLE and out == ""
    assert "--timeout" in err and "expected" in err and "Traceback" not in err
    assert run("check", "--total-timeout", bad, "x", "x")[0] == EXIT_UNREADABLE


def test_tiny_valid_timeout_does_not_kill_the_process() -> None:
    expanded = " + ".join(f"{sp.binomial(12, k)}*x**{k}" for k in range(13))
    proc = subprocess.run(
        [sys.executable, "-m", "refalgo", "check", "--timeout", "0.01", "(x + 1)**12", expanded],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (EXIT_OK, EXIT_UNDECIDED), proc.stderr
    assert "Traceback" not in proc.stderr


def test_ambiguous_notation_exits_4_with_both_readings() -> None:
    code, out, err = run("check", "u(s_1 + s_2)", "x")
    assert code == EXIT_AMBIGUOUS and out == ""
    assert "ambiguous notation in argument 1" in err and r"u \cdot (s_1 + s_2)" in err


def test_confusable_letter_is_refused() -> None:
    code, _, err = run("check", "\u0445 + 1", "x + 1")
    assert code == EXIT_UNREADABLE and "CYRILLIC SMALL LETTER HA" in err


def test_internal_error_exits_5_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated failure\nsecond line")

    monkeypatch.setattr(cli, "check_steps", boom)
    code, out, err = run("check", "x", "x")
    assert code == EXIT_INTERNAL and out == ""
    assert err == "refalgo check: internal error: RuntimeError: simulated failure\n"


def test_a_crash_while_printing_a_counterexample_is_not_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_show(value: object) -> str:
        raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")

    monkeypatch.setattr(cli, "show", broken_show)
    code, _, err = run("check", "(x+1)**2", "x**2 + 1")
    assert code == EXIT_INTERNAL and "internal error" in err and "Traceback" not in err


def test_running_out_of_memory_is_undecided(monkeypatch: pytest.MonkeyPatch) -> None:
    def greedy(*args: object, **kwargs: object) -> Comparison:
        raise MemoryError

    monkeypatch.setattr(check_module, "compare", greedy)
    r = equivalent("x", "x + 1")
    assert r.status == "undecided" and "memory" in r.comparison.detail


def test_memory_option_is_validated() -> None:
    assert run("check", "--memory", "10", "x", "x")[0] == EXIT_UNREADABLE
    assert run("check", "--memory", "512", "x", "x")[0] == EXIT_OK


def test_memory_cap_is_restored_after_a_run() -> None:
    resource = pytest.importorskip("resource")
    before = resource.getrlimit(resource.RLIMIT_AS)
    assert run("check", "x", "x")[0] == EXIT_OK
    assert resource.getrlimit(resource.RLIMIT_AS) == before

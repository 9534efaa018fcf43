"""The command line: exit codes 0/1/2/3, readable reports, carets, no tracebacks."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from refalgo.cli import EXIT_FAILED, EXIT_OK, EXIT_UNDECIDED, EXIT_UNREADABLE, main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_square_of_a_sum_exits_0_and_says_proven() -> None:
    code, out, _ = run("check", "(x+1)**2", "x**2+2*x+1")
    assert code == EXIT_OK == 0
    assert out.strip().endswith("All 2 steps hold: proven.")


def test_checked_is_reported_as_not_a_proof() -> None:
    code, out, _ = run("check", r"\max(x, y) + \min(x, y)", "x + y")
    assert code == 0 and "checked at 24 distinct exact points (not a proof)" in out


def test_wrong_step_exits_1_with_counterexample() -> None:
    code, out, _ = run("check", "(x+1)**2", "x**2 + 2*x + 1", "x**2 + 1")
    assert code == EXIT_FAILED == 1
    assert "Step 3 (argument 3) does not follow from step 2." in out
    assert "Counterexample: x = 1" in out
    assert "  step 2 = 4" in out and "  step 3 = 2" in out


def test_assumptions_are_repeatable_options() -> None:
    assert run("check", "sqrt(x**2) + sqrt(y**2)", "x + y")[0] == 1
    assert run("check", "--assume", "x > 0", "-a", "y > 0", "sqrt(x**2) + sqrt(y**2)", "x + y")[0] == 0
    assert run("check", "--assume", r"0 < \gamma < 1", r"\sum_{k=0}^{\infty} \gamma^k", r"\frac{1}{1-\gamma}")[0] == 0


def test_unreadable_expression_exits_2_with_caret_under_the_column() -> None:
    code, out, err = run("check", "x + 1", "x +* 2")
    assert code == EXIT_UNREADABLE == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("refalgo check: cannot read argument 2: not a valid Python expression")
    assert lines[1] == "  x +* 2"
    assert lines[2] == "     ^"  # under the "*" (column 4)


def test_latex_error_caret() -> None:
    code, _, err = run("check", r"\frac{1}{2} x^{2}", r"x^{2} \cdot \input{y}")
    assert code == 2
    text_line, caret_line = err.splitlines()[1:3]
    assert caret_line.index("^") == text_line.index(r"\input")


def test_bad_assumption_exits_2() -> None:
    code, _, err = run("check", "--assume", "x >> 0", "x", "x")
    assert code == 2 and "--assume 'x >> 0'" in err


def test_undecided_exits_3() -> None:
    # Machin-like: the sides are equal, but no exact rewrite closes the difference
    code, out, _ = run("check", r"\arctan(1/2) + \arctan(1/3)", r"\frac{\pi}{4}")
    assert code == EXIT_UNDECIDED == 3 and "neither separated" in out


def test_total_time_budget_leaves_the_rest_undecided() -> None:
    code, out, _ = run("check", "--total-timeout", "0.01", "(x+1)**2", "x**2 + 2*x + 1")
    assert code == EXIT_UNDECIDED and "total time budget of 0.01 s ran out" in out


def test_steps_file_with_comments_continuations_and_line_numbers(tmp_path: Path) -> None:
    f = tmp_path / "steps.tex"
    f.write_text(
        "% the square of a sum\n"
        "(x+1)^2\n"
        "  &= x^2 + 2x + 1 \\\\\n"
        "\n"
        "&= x(x + 2) + 1\n"
        "= x^2 + 1\n",
        encoding="utf-8",
    )
    code, out, _ = run("check", "--steps", str(f))
    assert code == 1
    assert "Step 4 (line 6) does not follow from step 3." in out


def test_steps_file_parse_error_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "steps.txt"
    f.write_text("x**2\n= x * x\n= x ** (2\n", encoding="utf-8")
    code, _, err = run("check", "--steps", str(f))
    assert code == 2 and "cannot read line 3" in err


def test_usage_errors_exit_2() -> None:
    assert run("check", "x")[0] == 2  # one step only
    assert run("check", "--steps", "/nonexistent/file", )[0] == 2
    assert run("check", "--samples", "0", "x", "x")[0] == 2
    assert run("frobnicate")[0] == 2


def _subprocess(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=120)


def test_python_dash_m_refalgo_exit_codes() -> None:
    ok = _subprocess(sys.executable, "-m", "refalgo", "check", "(x+1)**2", "x**2+2*x+1")
    assert ok.returncode == 0 and "proven" in ok.stdout
    bad = _subprocess(sys.executable, "-m", "refalgo", "check", "(x+1)**2", "x**2+1")
    assert bad.returncode == 1 and "Counterexample" in bad.stdout
    unreadable = _subprocess(sys.executable, "-m", "refalgo", "check", "(x+1", "x")
    assert unreadable.returncode == 2 and "Traceback" not in unreadable.stderr and "^" in unreadable.stderr


def test_console_script() -> None:
    script = shutil.which("refalgo") or str(Path(sys.executable).with_name("refalgo"))
    if not Path(script).exists():
        pytest.skip("the refalgo console script is not installed in this environment")
    proc = _subprocess(script, "check", "(x+1)**2", "x**2+2*x+1")
    assert proc.returncode == 0 and "proven" in proc.stdout


def test_double_dash_before_an_expression_with_a_leading_minus() -> None:
    assert run("check", "--", "-x*y", "x*(-y)")[0] == 0


def test_steps_from_stdin() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "refalgo", "check", "--steps", "-"],
        input="(x + 1)**2\n= x**2 + 2*x + 1\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "All 2 steps hold: proven." in proc.stdout


def test_explain_prints_the_reading_in_latex() -> None:
    code, out, _ = run("check", "--explain", "v(s_1) + v(s_2)", "v(s_1 + s_2)")
    assert code == 1
    head = out.split("\n\n")[0]
    assert head.startswith("How the steps were read:")
    assert "syntax: Python" in head  # no LaTeX mark in either piece
    assert r"\quad\text{read as}\quad v{\left(s_{1} \right)} + v{\left(s_{2} \right)}" in head
    assert "v(s_1): the function v applied to s_{1}" in head


def test_declared_index_set_and_distribution() -> None:
    args = ("check", "--index", "a=3", "--distribution", "pi:a")
    assert run(*args, r"\mathbb{E}_{a \sim \pi}[c]", "c")[0] == 0
    code, out, _ = run(*args, r"\sum_a \pi(a) q(a)", "q(a_1)")
    assert code == 1 and "pi(a_1) = " in out


def test_value_and_family_assumptions() -> None:
    assert run("check", "--assume", r"\gamma = 0.9", r"\frac{1}{1 - \gamma}", "10")[0] == 0
    assert run("check", r"\log(p_1 p_2)", r"\log p_1 + \log p_2")[0] == 1
    assert run("check", "--assume", "p_i > 0", r"\log(p_1 p_2)", r"\log p_1 + \log p_2")[0] == 0
    code, out, _ = run("check", "--distribution", "p", "p_1 + p_2", "1")
    assert code == 0 and "checked at 24 distinct exact points" in out


def test_an_undecided_step_is_not_called_wrong() -> None:
    """A step the checker can neither prove nor refute exits 3 and is reported as undecided, not as failing."""
    code, out, _ = run("check", r"\arctan(1/2) + \arctan(1/3)", r"\pi/4")
    assert code == EXIT_UNDECIDED == 3
    assert "Step 2 (argument 2) could not be decided against step 1." in out
    assert "does not follow" not in out

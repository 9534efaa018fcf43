"""Hostile input is refused quickly, with a clear error, and nothing of it runs.

Each input of ``hostile_inputs.txt`` (plus generated oversized ones) must raise
:class:`refalgo.parsing.ParseError`. Each claim of ``hostile_claims.txt`` is run through
``refalgo check`` and must end with its stated exit status (1 a wrong step reported
wrong, 2 refused, 3 undecided, 4 ambiguous) and no traceback. A generous alarm guards
against a hang (it fails the test only if an input takes over 20 s); the marker file
named in the inputs must never appear.
"""

from __future__ import annotations

import io
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from refalgo.check import equivalent
from refalgo.cli import main
from refalgo.parsing import ParseError, parse

HERE = Path(__file__).resolve().parent
LITERAL = [
    line
    for line in (HERE / "hostile_inputs.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("# ")
]
CLAIMS = [
    line
    for line in (HERE / "hostile_claims.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
GENERATED = {
    "deep parentheses": "(" * 5000 + "x" + ")" * 5000,
    "deep calls": "f(" * 300 + "x" + ")" * 300,
    "long input": "x+" * 50_000 + "x",
    "huge literal": "9" * 100_000,
    "long literal": "9" * 1000,
    "unary chain": "-" * 1500 + "x",
    "power tower": "2**" * 600 + "2",
    "deep braces": "{" * 1000 + "x" + "}" * 1000,
    "deep roots": r"\sqrt{" * 400 + "x" + "}" * 400,
    "deep fractions": r"\frac{1}{" * 300 + "x" + "}" * 300,
    "many factors": "x " * 990,
    "null byte": "x\x00+1",
}
HANG_GUARD_SECONDS = 20


class _Hang(Exception):
    pass


@pytest.fixture
def hang_guard() -> Iterator[None]:
    def fire(signum: int, frame: object) -> None:
        raise _Hang(f"no answer within {HANG_GUARD_SECONDS} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "a hostile input created the marker file"


def test_corpus_is_substantial() -> None:
    assert len(LITERAL) >= 60


@pytest.mark.parametrize("text", LITERAL)
def test_literal_hostile_input_is_refused(text: str, marker: Path, hang_guard: None) -> None:
    text = text.replace("MARKER", str(marker))
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.message
    with pytest.raises(ParseError):
        equivalent(text, "x")


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_hostile_input_is_refused(name: str, hang_guard: None) -> None:
    with pytest.raises(ParseError) as info:
        parse(GENERATED[name])
    assert info.value.message


# In LaTeX these are plain math (x·[0] = 0; 1·e·999999), harmless and cheap to read.
LATEX_MATH = {"x[0]", "1e999999", "1e-999999", "x + 1e400"}


@pytest.mark.parametrize("syntax", ["python", "latex"])
def test_forced_syntax_refuses_too(syntax: str, marker: Path, hang_guard: None) -> None:
    for text in LITERAL:
        if syntax == "latex" and text in LATEX_MATH:
            assert parse(text, syntax="latex").is_number or parse(text, syntax="latex").free_symbols == {parse("x")}
            continue
        with pytest.raises(ParseError):
            parse(text.replace("MARKER", str(marker)), syntax=syntax)  # type: ignore[arg-type]


def test_cli_refuses_with_exit_2_and_no_traceback(marker: Path) -> None:
    attack = f"__import__('os').system('touch {marker}')"
    proc = subprocess.run(
        [sys.executable, "-m", "refalgo", "check", attack, "x"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "only calls of plain function names" in proc.stderr


def test_claims_corpus_covers_every_exit_status() -> None:
    assert len(CLAIMS) >= 50
    assert {line.split(" ;; ")[0] for line in CLAIMS} == {"1", "2", "3", "4"}


@pytest.mark.parametrize("line", CLAIMS)
def test_hostile_claim_ends_with_its_exit_status(line: str, marker: Path, hang_guard: None) -> None:
    expected, *args = [part.strip() for part in line.split(" ;; ")]
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", *(a.replace("MARKER", str(marker)) for a in args)], stdout=out, stderr=err)
    assert code == int(expected), out.getvalue() + err.getvalue()
    assert "Traceback" not in out.getvalue() + err.getvalue()
    if code == 1:
        assert "FAILS" in out.getvalue() and "hold:" not in out.getvalue()
    if code in (2, 4):
        assert out.getvalue() == "" and err.getvalue().startswith("refalgo check: ")

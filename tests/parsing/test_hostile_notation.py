"""The constructs of the notation model refuse costly or malformed input with a ParseError.

Each input below is refused (or, where noted, read) without running anything; a generous
alarm guards against a hang, failing the test only if an input takes over 20 s.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refalgo.parsing import Notation, ParseError, parse, read_chain

LARGE_SETS = Notation(index_sets={"a": 50, "b": 50, "c": 50}, distributions={"p": "a", "q": "a"})
_NINES = r"\begin{pmatrix}" + r" \\ ".join(" & ".join("9" * 9 for _ in range(13)) for _ in range(13)) + r"\end{pmatrix}"
_SYMBOLS = r"\begin{pmatrix}" + r" \\ ".join(" & ".join("x" for _ in range(5)) for _ in range(5)) + r"\end{pmatrix}"
HOSTILE = {
    "deep decorations": (r"\hat{" * 300 + "x" + "}" * 300, "nested more than 60 deep"),
    "deep bold": (r"\mathbf{" * 150 + "x" + "}" * 150, "nested more than 60 deep"),
    "nested sums over sets": (r"\sum_a \sum_b \sum_c q(a, b, c)", "too large"),
    "a set sum of a long term": (r"\sum_a (" + " + ".join(f"x_{{{i}}}" for i in range(200)) + ")", "too large"),
    "nested expectations": (r"\mathbb{E}_{a \sim p}[" * 10 + "a" + "]" * 10, "too large"),
    "determinant of a 13 x 13 matrix": (r"\det " + _NINES.replace("9" * 9, "9"), "at most 12 x 12"),
    "determinant of a 5 x 5 symbolic matrix": (_SYMBOLS.replace("pmatrix", "vmatrix"), "at most 4 x 4"),
    "inverse of a 5 x 5 symbolic matrix": (_SYMBOLS + "^{-1}", "at most 4 x 4"),
    "huge explicit matrix power": (r"\begin{pmatrix} " + "9" * 60 + r" & 1 \\ 1 & 1 \end{pmatrix}^{64}", "more than 20000 bits"),
    "symbolic explicit matrix power": (r"\begin{pmatrix} x & 1 \\ 1 & x \end{pmatrix}^{20}", "powers from -8 to 8"),
    "non-integer matrix power": (r"\mathbf{A}^{1/2}", "whole exponent"),
    "deep matrices": (r"\begin{pmatrix}" * 40 + "1" + r"\end{pmatrix}" * 40, "nested more than 60 deep"),
    "deep limits": (r"\lim_{x \to 0}" * 100 + "x", "nested more than 60 deep"),
    "deep integrals": (r"\int_0^1 " * 100 + "x" + " dx" * 100, "nested more than 60 deep"),
    "deep evaluation bars": (r"\left." * 100 + "x" + r"\right|_{x=1}" * 100, "nested more than 60 deep"),
    "deep gradients": (r"\nabla_x " * 200 + "x", "nested more than 60 deep"),
    "deep index superscripts": ("x^{(" * 100 + "1" + ")}" * 100, "nested more than 60 deep"),
    "unbalanced environment": (r"\begin{pmatrix} 1 \end{bmatrix}", "does not close"),
    "unknown environment": (r"\begin{verbatim} x \end{verbatim}", "is not read"),
    "too many arguments": ("f(" + ", ".join("x" for _ in range(20)) + ")", "at most 8"),
    "confusable letter": ("\u0445^2", "CYRILLIC SMALL LETTER HA"),
}
HANG_GUARD_SECONDS = 20


@pytest.fixture
def hang_guard() -> Iterator[None]:
    def fire(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer within {HANG_GUARD_SECONDS} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_notation_is_refused(name: str, hang_guard: None) -> None:
    text, words = HOSTILE[name]
    with pytest.raises(ParseError) as info:
        parse(text, syntax="latex", notation=LARGE_SETS)
    assert words in info.value.message


def test_bounded_constructs_within_the_limits_are_read(hang_guard: None) -> None:
    kl = parse(r"D_{KL}(p \| q)", syntax="latex", notation=LARGE_SETS)
    assert len(kl.args) == 50  # one term per value of a
    rows = [" & ".join("2" if i == j else "0" for j in range(12)) for i in range(12)]
    diagonal = r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"
    assert parse(r"\det " + diagonal) == 2**12


_VOCABULARY = ["x", "y", "A", "v", "u", "s'", "a", "T", "2", "12", "(", ")", "{", "}", "[", "]", "+", "-", "/", "^",
               "_", "'", ",", "|", "*", r"\top", r"\hat", r"\mathbf", r"\sum", r"\max", r"\arg", r"\mathbb", "E", r"\sim",
               r"\pi", r"\cdot", r"\|", r"\nabla", r"\int", "d", r"\lim", r"\to", r"\left.", r"\right|", r"\langle",
               r"\rangle", r"\det", r"\odot", r"\begin{pmatrix}", r"\end{pmatrix}", "&", r"\\", r"\frac", r"\sqrt",
               r"\operatorname{tr}", r"\mathcal", r"\sigma", r"\in", r"\text{ref}", r"\succ", r"D_{KL}", r"\left(",
               r"\right)", "!", "e", "I", r"\mathbb{I}", r"\log", "0", "1"]
_DECLARED = Notation(matrices=("A",), index_sets={"a": 2, "s": 2}, distributions={"pi": "a", "q": "a"})


@given(st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=14), st.booleans())
def test_any_token_sequence_is_read_or_refused_with_a_parse_error(tokens: list[str], declared: bool) -> None:
    """No sequence of known tokens makes the reader fail with anything but a ParseError."""
    try:
        read_chain(" ".join(tokens), syntax="latex", notation=_DECLARED if declared else None)
    except ParseError as exc:
        assert exc.message

"""The alignment pages' exercises: every command a reader is told to run gives the verdict the page promises.

Each exercise's answer fold holds a ``refalgo check`` command in a ``bash`` block,
followed by "The checker answers **proven**" (or **fails** for a wrong answer shown on
purpose). The tests read the commands from the Markdown as a POSIX shell would (line
continuations joined, quotes removed), run them through the command line exactly as
printed, and run the same claim through the library, ``refalgo.check.check_steps``.
"""

from __future__ import annotations

import io
import re
import shlex
import textwrap
from dataclasses import dataclass

import pytest

from refalgo.check import check_steps
from refalgo.cli import main
from refalgo.parsing import Notation
from tests.docs.sitecheck import ROOT

PAGES = ("alignment/rlhf.md", "alignment/dpo.md")

_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)```bash\n(?P<code>.*?)^(?P=indent)```\n\s*The checker answers \*\*(?P<verdict>\w+)\*\*",
    re.M | re.S,
)
_EXERCISE = re.compile(r"^\*\*(\d+)\. ", re.M)


@dataclass(frozen=True)
class Command:
    page: str
    text: str
    verdict: str

    @property
    def argv(self) -> list[str]:
        """The words a POSIX shell passes to ``refalgo``: continuations joined, quotes removed."""
        words = shlex.split(self.text.replace("\\\n", " "))
        assert words[:2] == ["refalgo", "check"], f"{self.page}: not a refalgo check command: {self.text}"
        return words[2:]


def _exercises(page: str) -> str:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    start = text.index("\n## Exercises\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _commands(page: str) -> list[Command]:
    return [
        Command(page, textwrap.dedent(m.group("code")).strip(), m.group("verdict"))
        for m in _BLOCK.finditer(_exercises(page))
    ]


COMMANDS = [c for page in PAGES for c in _commands(page)]


def _library_claim(argv: list[str]) -> tuple[list[str], list[str], Notation]:
    """The steps, assumptions and notation of a command, for ``refalgo.check.check_steps``."""
    steps: list[str] = []
    assume: list[str] = []
    scalars: list[str] = []
    flags = {"--assume": assume, "-a": assume, "--scalar": scalars}
    words = iter(argv)
    for word in words:
        if word == "--":
            steps.extend(words)
        elif word in flags:
            value = next(words)
            flags[word].extend(value.split(",") if word == "--scalar" else [value])
        else:
            assert not word.startswith("--"), f"option {word} is not read by this test; extend _library_claim"
            steps.append(word)
    return steps, assume, Notation(scalars=scalars)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_has_three_to_five_exercises_each_with_a_command(page: str) -> None:
    """Every exercise of the page carries at least one command, and the page has 3 to 5 exercises."""
    section = _exercises(page)
    numbers = _EXERCISE.findall(section)
    assert 3 <= len(numbers) <= 5, f"{page}: {len(numbers)} exercises"
    parts = _EXERCISE.split(section)[1:]
    for number, body in zip(parts[::2], parts[1::2]):
        assert _BLOCK.search(body), f"{page}: exercise {number} has no command followed by its verdict"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: f"{c.page.split('/')[-1]}:{c.argv[-1][:30]}")
def test_command_is_printable_shell_text(command: Command) -> None:
    """A command is pasted as printed: no doubled backslashes from a Python repr, no quote left open."""
    assert "\\\\" not in command.text, f"{command.page}: doubled backslashes: {command.text}"
    assert command.text.count("'") % 2 == 0, f"{command.page}: unbalanced quotes: {command.text}"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: f"{c.page.split('/')[-1]}:{c.argv[-1][:30]}")
def test_command_gives_the_promised_verdict(command: Command) -> None:
    """The command, run as printed, exits 0 with "proven" or exits 1 with "FAILS", as the page says."""
    assert command.verdict in ("proven", "checked", "fails"), f"{command.page}: unknown verdict {command.verdict}"
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", *command.argv], stdout=out, stderr=err)
    report = out.getvalue() + err.getvalue()
    if command.verdict == "fails":
        assert code == 1 and "FAILS" in report, f"{command.text}\nexit {code}\n{report}"
    else:
        assert code == 0, f"{command.text}\nexit {code}\n{report}"
        assert f"hold: {command.verdict}" in report, report


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: f"{c.page.split('/')[-1]}:{c.argv[-1][:30]}")
def test_claim_gives_the_promised_verdict_through_the_library(command: Command) -> None:
    """The same claim through ``refalgo.check.check_steps``: a right answer proven, a wrong one failed."""
    steps, assume, notation = _library_claim(command.argv)
    result = check_steps(steps, assume or None, notation=notation)
    expected = {"proven": "proven", "checked": "checked", "fails": "failed"}[command.verdict]
    assert result.status == expected, f"{command.text}: {result.status} ({result.describe()})"
    assert bool(result) == (command.verdict != "fails")

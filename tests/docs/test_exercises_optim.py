"""The Adam page's exercises: every command a reader is told to run gives the verdict the page promises.

Each exercise's answer fold holds a ``refalgo check`` command in a ``bash`` block,
followed by "The checker answers **proven**" (or **fails** for a wrong answer shown on
purpose). The tests read the commands from the Markdown as a shell would (line
continuations joined, quotes removed), run them through the command line exactly as
printed, and run the same claim through the library, ``refalgo.check``.
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
from tests.docs.sitecheck import ROOT

PAGE = "optim/adam.md"

_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)```bash\n(?P<code>.*?)^(?P=indent)```\n\s*The checker answers \*\*(?P<verdict>\w+)\*\*",
    re.M | re.S,
)
_EXERCISE = re.compile(r"^\*\*(\d+)\. ", re.M)


@dataclass(frozen=True)
class Command:
    text: str
    verdict: str

    @property
    def argv(self) -> list[str]:
        """The words a POSIX shell passes to ``refalgo``: continuations joined, quotes removed."""
        words = shlex.split(self.text.replace("\\\n", " "))
        assert words[:2] == ["refalgo", "check"], f"not a refalgo check command: {self.text}"
        return words[2:]


def _exercises() -> str:
    text = (ROOT / "docs" / PAGE).read_text(encoding="utf-8")
    start = text.index("\n## Exercises\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


COMMANDS = [Command(textwrap.dedent(m.group("code")).strip(), m.group("verdict")) for m in _BLOCK.finditer(_exercises())]


def _library_claim(argv: list[str]) -> tuple[list[str], list[str]]:
    """The steps and assumptions of a command, for ``refalgo.check.check_steps``."""
    steps: list[str] = []
    assume: list[str] = []
    words = iter(argv)
    for word in words:
        if word in ("--assume", "-a"):
            assume.append(next(words))
        else:
            assert not word.startswith("--"), f"option {word} is not read by this test; extend _library_claim"
            steps.append(word)
    return steps, assume


def test_the_page_has_three_to_five_exercises_each_with_a_command() -> None:
    """Every exercise carries at least one command followed by its verdict, and there are 3 to 5 exercises."""
    section = _exercises()
    numbers = _EXERCISE.findall(section)
    assert 3 <= len(numbers) <= 5, f"{PAGE}: {len(numbers)} exercises"
    parts = _EXERCISE.split(section)[1:]
    for number, body in zip(parts[::2], parts[1::2]):
        assert _BLOCK.search(body), f"{PAGE}: exercise {number} has no command followed by its verdict"


def test_commands_are_printable_shell_text() -> None:
    """The commands are printed as typed: no Python repr (doubled backslashes or quotes around a repr)."""
    assert COMMANDS
    for command in COMMANDS:
        assert "\\\\" not in command.text.replace("\\\n", ""), command.text
        assert not re.search(r"""["']\\\\""", command.text), command.text


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.argv[-1][:30])
def test_command_gives_the_promised_verdict(command: Command) -> None:
    """The command, run as printed, exits 0 with "proven" or exits 1 with "FAILS", as the page says."""
    assert command.verdict in ("proven", "checked", "fails"), f"unknown verdict {command.verdict}"
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", *command.argv], stdout=out, stderr=err)
    report = out.getvalue() + err.getvalue()
    if command.verdict == "fails":
        assert code == 1 and "FAILS" in report, f"{command.text}\nexit {code}\n{report}"
    else:
        assert code == 0, f"{command.text}\nexit {code}\n{report}"
        assert f"hold: {command.verdict}" in report, report


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.argv[-1][:30])
def test_claim_gives_the_promised_verdict_through_the_library(command: Command) -> None:
    """The same claim through ``refalgo.check.check_steps``: a right answer proven, a wrong one failed."""
    steps, assume = _library_claim(command.argv)
    result = check_steps(steps, assume or None)
    expected = {"proven": "proven", "checked": "checked", "fails": "failed"}[command.verdict]
    assert result.status == expected, f"{command.text}: {result.status} ({result.describe()})"
    assert bool(result) == (command.verdict != "fails")

"""Every chapter's exercises: each command a reader is told to run gives the verdict the page promises.

A concept page ends with an "Exercises" section of three to five numbered exercises
(``**1. …**``). Each answer holds a ``refalgo check`` command in a ``bash`` block,
followed by "The checker answers **proven**" (or **checked**, or **fails** for a wrong
answer shown on purpose). The tests read the commands from the Markdown as a POSIX shell
would (line continuations joined, quotes removed), run them through the command line
exactly as printed, and run the same claim through the library, ``refalgo.check``.
New chapters are covered as soon as their pages have an Exercises section.
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

PAGES = sorted(
    str(p.relative_to(ROOT / "docs"))
    for p in (ROOT / "docs").glob("*/*.md")
    if "\n## Exercises\n" in p.read_text(encoding="utf-8")
)
_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)```bash\n(?P<code>.*?)^(?P=indent)```\n\s*The checker answers \*\*(?P<verdict>\w+)\*\*",
    re.M | re.S,
)
_EXERCISE = re.compile(r"^\*\*(?:Exercise )?(\d+)\.?(?:\*\*| )", re.M)
# Options whose values are lists of names, and the Notation.from_strings argument each fills.
_DECLARATIONS = {"--function": "functions", "--scalar": "scalars", "--matrix": "matrices", "--vector": "vectors",
                 "--index": "index_sets", "--distribution": "distributions"}


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


COMMANDS = [
    Command(page, textwrap.dedent(m.group("code")).strip(), m.group("verdict"))
    for page in PAGES
    for m in _BLOCK.finditer(_exercises(page))
]


def _library_claim(argv: list[str]) -> tuple[list[str], list[str], Notation]:
    """The steps, assumptions and declared notation of a command, for ``refalgo.check.check_steps``."""
    steps: list[str] = []
    assume: list[str] = []
    declared: dict[str, list[str]] = {field: [] for field in _DECLARATIONS.values()}
    words = iter(argv)
    for word in words:
        if word == "--":
            steps.extend(words)
        elif word in ("--assume", "-a"):
            assume.append(next(words))
        elif word in _DECLARATIONS:
            declared[_DECLARATIONS[word]].append(next(words))
        else:
            assert not word.startswith("--"), f"option {word} is not read by this test; extend _library_claim"
            steps.append(word)
    return steps, assume, Notation.from_strings(**declared)


def test_the_chapters_have_exercises() -> None:
    """Every chapter area with concept pages has a page with exercises (the list below is found, not typed)."""
    areas = {page.split("/")[0] for page in PAGES}
    assert {"calculus", "mdp", "optim", "alignment"} <= areas, PAGES


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
    """The command, run as printed, exits 0 with "proven"/"checked" or exits 1 with "FAILS", as the page says."""
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
    """The same claim through ``refalgo.check.check_steps``: a right answer proven or checked, a wrong one failed."""
    steps, assume, notation = _library_claim(command.argv)
    result = check_steps(steps, assume or None, notation=notation)
    expected = {"proven": "proven", "checked": "checked", "fails": "failed"}[command.verdict]
    assert result.status == expected, f"{command.text}: {result.status} ({result.describe()})"
    assert bool(result) == (command.verdict != "fails")

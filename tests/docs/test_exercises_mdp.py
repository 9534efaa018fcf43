"""The exercises of the MDP chapter: every ``refalgo check`` command a page prints gives the verdict it promises.

An exercise's answer is a shell command in a ```` ```bash ```` block of the page's
"Exercises" section, followed (before the next block) by the sentence that states its
exit status ("exit status N" or "exits with status N"). Each command is split as a POSIX shell splits it and run
through the command line's entry point, so what the reader pastes is what is tested.
"""

from __future__ import annotations

import io
import re
import shlex
import textwrap
from pathlib import Path

import pytest

from refalgo.cli import main

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("docs/mdp/state-values.md", "docs/mdp/optimal-policies.md")
_BLOCK = re.compile(r"^(?P<indent>[ \t]*)```bash\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
_STATUS = re.compile(r"exits? (?:with )?status (\d)")
_VERDICT = {0: "hold", 1: "FAILS"}


def exercises(page: str) -> list[tuple[str, int]]:
    """``(command, promised exit status)`` for every command block of the page's Exercises section."""
    text = (ROOT / page).read_text(encoding="utf-8")
    start = text.index("\n## Exercises\n")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end >= 0 else len(text)]
    blocks = list(_BLOCK.finditer(section))
    found = []
    for i, block in enumerate(blocks):
        after = section[block.end() : blocks[i + 1].start() if i + 1 < len(blocks) else len(section)]
        promise = _STATUS.search(after)
        assert promise, f"{page}: no 'exits with status N' after the command block\n{block.group(0)}"
        command = textwrap.dedent(block.group("body")).strip()
        found.append((command, int(promise.group(1))))
    return found


CASES = [(page, command, status) for page in PAGES for command, status in exercises(page)]


def test_each_page_has_three_to_five_exercises_with_a_correct_answer() -> None:
    """Each page of the chapter ends with three to five exercises, each answered by a command that passes."""
    for page in PAGES:
        text = (ROOT / page).read_text(encoding="utf-8")
        section = text[text.index("\n## Exercises\n") :]
        count = len(re.findall(r"^\*\*Exercise \d+\.?\*\*", section, re.M))
        assert 3 <= count <= 5, f"{page}: {count} exercises"
        assert sum(status == 0 for _, status in exercises(page)) >= count, f"{page}: an exercise without a passing answer"


@pytest.mark.parametrize(("page", "command", "status"), CASES, ids=[f"{p.split('/')[-1]}:{i}" for i, (p, _, _) in enumerate(CASES)])
def test_exercise_command_gives_the_promised_verdict(page: str, command: str, status: int) -> None:
    """Every answer printed under a chapter exercise, pasted into a shell, exits with the status the page promises."""
    argv = shlex.split(command)
    assert argv[:2] == ["refalgo", "check"], f"{page}: not a refalgo check command: {command}"
    assert "\\\\" not in command, f"{page}: doubled backslashes, as a Python repr prints them: {command}"
    out, err = io.StringIO(), io.StringIO()
    got = main(argv[1:], stdout=out, stderr=err)
    assert got == status, f"{page}: {command}\nexit status {got}, the page promises {status}\n{out.getvalue()}{err.getvalue()}"
    assert _VERDICT[status] in out.getvalue(), out.getvalue()

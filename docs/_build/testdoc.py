r"""A page's "Properties the tests check" list, generated from the tests' docstrings.

A page names the tests that back its claims in an HTML comment::

    <!-- tests
    tests/mdp/test_values.py::test_twins_agree
    tests/mdp/test_model.py
    -->

and the build (the hook ``on_page_markdown``) replaces the comment with one bullet per
entry: the first paragraph of the test function's docstring, or for a bare file the
first paragraph of its module docstring (a file whose tests all check one property,
such as bad input), each labelled with the entry so that a reader can find the test.
The first paragraph of such a docstring is written as one sentence that states the
property, in the page's notation (``$…$`` math is typeset like the rest of the page).

The tests are read with :mod:`ast`, never imported or run. The build stops, naming
the page and the entry, when a listed file or test does not exist or has no docstring:
a claim on the page is either stated by a test or not made.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^<!--[ \t]*tests[ \t]*\n(?P<body>.*?)^-->[ \t]*$", re.M | re.S)


class TestListError(ValueError):
    """A test list names a file or test that does not exist or has no docstring."""


@dataclass(frozen=True)
class Claim:
    """One bullet: what a test (or a whole test file) checks, and where it is."""

    text: str
    entry: str


def first_paragraph(doc: str) -> str:
    """A docstring's first paragraph, its lines joined by spaces."""
    paragraph = doc.strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def _tests(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level test functions, and methods of ``Test*`` classes as ``Class::method``."""
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for inner in node.body:
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}::{inner.name}"] = inner
    return found


def claim(entry: str, root: Path = ROOT) -> Claim:
    """The bullet of one entry, ``path`` or ``path::test`` (path relative to ``root``)."""
    path_text, _, name = entry.partition("::")
    path = root / path_text
    if not path.is_file():
        raise TestListError(f"{entry}: there is no file {path_text}")
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if not name:
        doc = ast.get_docstring(tree)
        if not doc:
            raise TestListError(f"{entry}: the file has no module docstring to state what its tests check")
        return Claim(first_paragraph(doc), entry)
    tests = _tests(tree)
    if name not in tests:
        raise TestListError(f"{entry}: {path_text} defines no test {name}")
    doc = ast.get_docstring(tests[name])
    if not doc:
        raise TestListError(f"{entry}: the test has no docstring to state what it checks")
    return Claim(first_paragraph(doc), entry)


def entries(body: str) -> list[str]:
    """The entries of a marker's body: one per line, blank lines and ``#`` comments skipped."""
    lines = (line.split("#", 1)[0].strip() for line in body.splitlines())
    return [line for line in lines if line]


_LITERAL = re.compile(r"(`+[^`]*`+|\$[^$]+\$)")


def markdown(text: str) -> str:
    """Docstring text for a Markdown list item: ``*`` kept literal (as in ``v*``) outside code spans and ``$…$`` math."""
    parts = _LITERAL.split(text)
    return "".join(part if i % 2 else part.replace("*", r"\*") for i, part in enumerate(parts))


def bullets(claims: list[Claim], say: Callable[[str], str] | None = None) -> str:
    """The Markdown list: each claim (in the page's language, by ``say``), then its test in a code span."""
    say = say or (lambda text: text)
    return "\n".join(f"- {markdown(say(c.text))} <small>`{c.entry}`</small>" for c in claims)


def expand(markdown: str, page: str = "", root: Path = ROOT, say: Callable[[str], str] | None = None) -> str:
    """``markdown`` with every test-list marker replaced by its bullets; raises TestListError.

    ``say`` puts each claim into the page's language (the docstrings are English).
    """

    def one(m: re.Match[str]) -> str:
        listed = entries(m.group("body"))
        if not listed:
            raise TestListError(f"{page}: a test list names no test")
        try:
            return bullets([claim(e, root) for e in listed], say)
        except TestListError as error:
            raise TestListError(f"{page}: {error}") from None

    return MARKER.sub(one, markdown)


def markers(markdown: str) -> list[list[str]]:
    """The entries of each test-list marker of a page, in order."""
    return [entries(m.group("body")) for m in MARKER.finditer(markdown)]

"""The "Properties the tests check" lists: generated from the tests' docstrings, on every concept page."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from refalgo.registry import discover
from tests.docs.sitecheck import ROOT

sys.path.insert(0, str(ROOT / "docs" / "_build"))
import hooks  # noqa: E402
import testdoc  # noqa: E402

HEADING = "## Properties the tests check"
CONCEPT_PAGES = sorted({c.page for c in discover()})
SAMPLE = '''"""What the whole file checks.

More about it.
"""


def test_documented() -> None:
    """The property this test checks,
    stated on two lines.

    Details that stay out of the list.
    """


def test_bare() -> None:
    assert True


class TestGroup:
    def test_method(self) -> None:
        """A method's property."""
'''


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "tests" / "test_undocumented.py").write_text("def test_x() -> None:\n    pass\n", encoding="utf-8")
    return tmp_path


def _section(text: str) -> str:
    """The text under the page's "Properties the tests check" heading, up to the next heading."""
    start = text.index(HEADING) + len(HEADING)
    found = re.search(r"^#{1,2} ", text[start:], flags=re.M)
    return text[start : start + found.start()] if found else text[start:]


def test_a_test_states_the_first_paragraph_of_its_docstring(root: Path) -> None:
    """A listed test contributes its docstring's first paragraph, its lines joined, and keeps its entry as the label."""
    found = testdoc.claim("tests/test_sample.py::test_documented", root)
    assert found == testdoc.Claim("The property this test checks, stated on two lines.", "tests/test_sample.py::test_documented")
    assert testdoc.claim("tests/test_sample.py::TestGroup::test_method", root).text == "A method's property."


def test_a_bare_file_states_its_module_docstring(root: Path) -> None:
    """A listed file without a test name contributes the first paragraph of its module docstring."""
    assert testdoc.claim("tests/test_sample.py", root).text == "What the whole file checks."


@pytest.mark.parametrize(
    "entry, message",
    [
        ("tests/test_sample.py::test_bare", "the test has no docstring"),
        ("tests/test_sample.py::test_missing", "tests/test_sample.py defines no test test_missing"),
        ("tests/test_gone.py::test_documented", "there is no file tests/test_gone.py"),
        ("tests/test_undocumented.py", "the file has no module docstring"),
    ],
)
def test_an_entry_without_a_statement_is_an_error(root: Path, entry: str, message: str) -> None:
    """A listed test without a docstring, or a test or file that does not exist, is an error naming the entry."""
    with pytest.raises(testdoc.TestListError, match=re.escape(f"{entry}: {message}")):
        testdoc.claim(entry, root)


def test_expand_replaces_each_marker_and_nothing_else(root: Path) -> None:
    """Each marker becomes one bullet per entry (blank lines and comments skipped); the text around it is kept."""
    page = (
        "# Title\n\nBefore.\n\n<!-- tests\ntests/test_sample.py::test_documented\n\n# a comment\n"
        "tests/test_sample.py\n-->\n\nAfter.\n"
    )
    assert testdoc.expand(page, "p.md", root) == (
        "# Title\n\nBefore.\n\n"
        "- The property this test checks, stated on two lines. <small>`tests/test_sample.py::test_documented`</small>\n"
        "- What the whole file checks. <small>`tests/test_sample.py`</small>\n\nAfter.\n"
    )
    assert testdoc.expand("No marker here.\n<!-- a comment -->\n", "p.md", root) == "No marker here.\n<!-- a comment -->\n"


def test_stars_stay_literal_outside_code_and_math() -> None:
    """A ``*`` in a docstring (v*, π*) is printed as a star, not read as emphasis; code spans and math are untouched."""
    assert testdoc.markdown("f(x*) ≤ f(x) at x*, `a*b` and $v^*$") == r"f(x\*) ≤ f(x) at x\*, `a*b` and $v^*$"


def test_an_empty_marker_is_an_error(root: Path) -> None:
    """A marker that names no test is an error naming the page."""
    with pytest.raises(testdoc.TestListError, match="p.md: a test list names no test"):
        testdoc.expand("<!-- tests\n\n-->\n", "p.md", root)


def test_the_build_stops_on_an_undocumented_test() -> None:
    """The MkDocs hook turns a bad entry into a build error that names the page and the entry."""
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri="x/y.md"))
    markdown = "<!-- tests\ntests/docs/test_testdoc.py::no_such_test\n-->\n"
    with pytest.raises(PluginError, match=r"x/y\.md: tests/docs/test_testdoc\.py::no_such_test: .* defines no test"):
        hooks.on_page_markdown(markdown, page)


@pytest.mark.parametrize("page", CONCEPT_PAGES)
def test_every_concept_page_lists_its_properties_from_the_tests(page: str) -> None:
    """Every concept page has the section, generated from a test list, with no bullet typed by hand."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert HEADING in text, f"docs/{page} has no '{HEADING}' section"
    section = _section(text)
    assert testdoc.markers(section), f"docs/{page}: the '{HEADING}' section has no <!-- tests ... --> list"
    typed = [line for line in testdoc.MARKER.sub("", section).splitlines() if re.match(r"\s*(?:[-*+]|\d+\.)\s", line)]
    assert not typed, f"docs/{page}: bullets typed by hand in '{HEADING}': {typed}"


@pytest.mark.parametrize("page", sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")))
def test_every_listed_test_exists_and_states_its_property(page: str) -> None:
    """Every entry of every test list on the site names an existing test with a docstring (checked without a build)."""
    for entries in testdoc.markers((ROOT / "docs" / page).read_text(encoding="utf-8")):
        for entry in entries:
            assert testdoc.claim(entry).text, f"docs/{page}: {entry} states nothing"

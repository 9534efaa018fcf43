"""Every derivation of every chapter verifies: one test for all modules that define ``derivations()``.

A chapter needs no test of its own for this: a new module under ``refalgo/<area>/`` that
defines ``derivations()`` is found here, and each chain it returns becomes one test,
named ``<module>: <title>``. Tests of particular chains (that they are proven rather
than checked, that a wrong step is caught) stay with the chapter's tests.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from refalgo import Derivation
from refalgo.registry import chapter_modules

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXECUTED = re.compile(r'^[ \t]*```python exec="on"[^\n]*\n(.*?)^[ \t]*```', re.M | re.S)


def _defines_derivations(module: ModuleType) -> bool:
    fn = getattr(module, "derivations", None)
    return callable(fn) and getattr(fn, "__module__", None) == module.__name__


MODULES = tuple(sorted((m for m in chapter_modules() if _defines_derivations(m)), key=lambda m: m.__name__))


def _chains() -> list[tuple[str, object]]:
    """``(module, chain)`` for every chain; a module whose ``derivations()`` raises gives ``(module, error)``."""
    found: list[tuple[str, object]] = []
    for m in MODULES:
        try:
            found += [(m.__name__, d) for d in m.derivations()]
        except Exception as error:  # reported by the test, not as an error collecting every chapter
            found.append((m.__name__, error))
    return found


CHAINS = _chains()


def _id(module: str, d: object) -> str:
    return f"{module}: {d.title}" if isinstance(d, Derivation) else f"{module}: derivations() raised"


@pytest.mark.parametrize("module, d", CHAINS, ids=[_id(name, d) for name, d in CHAINS])
def test_derivation_verifies(module: str, d: object) -> None:
    """Each chain a chapter module returns from ``derivations()`` verifies link by link."""
    if isinstance(d, Exception):
        pytest.fail(f"{module}.derivations() raised {type(d).__name__}: {d}")
    assert isinstance(d, Derivation), f"{module}.derivations() returned {type(d).__name__}, expected Derivation"
    v = d.verify()
    assert v.ok, f"{module}: {v.summary()}"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_derivations_returns_some(module: ModuleType) -> None:
    """A module that defines ``derivations()`` returns at least one chain, each with its own title."""
    titles = [d.title for d in module.derivations()]
    assert titles, f"{module.__name__}.derivations() returns nothing"
    repeated = sorted({t for t in titles if titles.count(t) > 1})
    assert not repeated, f"{module.__name__}.derivations() repeats the titles {repeated}"


def _renders_derivations(page: Path) -> bool:
    """Whether an executed Python block of ``page`` (or of its snippets, which both languages include) renders derivations."""
    text = page.read_text(encoding="utf-8")
    snippets = DOCS / "_snippets" / page.relative_to(DOCS)
    if snippets.is_file():
        text += "\n" + snippets.read_text(encoding="utf-8")
    for block in EXECUTED.findall(text):
        tree = ast.parse(textwrap.dedent(block))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
                if name in {"derivations", "derivation"}:
                    return True
    return False


def _page_modules() -> dict[str, set[str]]:
    """Each concept page (relative to docs/) with the modules whose ``CONCEPTS`` name it."""
    pages: dict[str, set[str]] = {}
    for module in chapter_modules():
        for concept in getattr(module, "CONCEPTS", ()):
            pages.setdefault(concept.page, set()).add(module.__name__)
    return pages


PAGES = _page_modules()


@pytest.mark.parametrize("page", sorted(p for p in PAGES if (DOCS / p).is_file() and _renders_derivations(DOCS / p)))
def test_page_with_derivations_has_a_module_that_defines_them(page: str) -> None:
    """A concept page that renders derivations has among its concept modules one that defines ``derivations()``."""
    defining = {m.__name__ for m in MODULES}
    assert PAGES[page] & defining, (
        f"docs/{page} renders derivations, but none of its concept modules {sorted(PAGES[page])} defines derivations()"
    )


def test_the_walk_finds_chapters_and_pages() -> None:
    """The walk finds modules that define ``derivations()`` and concept pages that render them."""
    assert MODULES, "no module of refalgo defines derivations()"
    assert any(_renders_derivations(DOCS / p) for p in PAGES if (DOCS / p).is_file()), "no concept page renders derivations"

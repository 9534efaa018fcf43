"""The registry: one generic parity test over every concept, and coverage of pages and API docs."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from hypothesis import given

from refalgo.registry import Concept, chapter_modules, discover

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CONCEPTS = discover()


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: f"{c.area}/{c.name}")
def test_twins_agree(concept: Concept) -> None:
    """Every registered concept's symbolic and numeric twins agree within its documented tolerance on examples drawn
    from its own input strategy.
    """
    @given(concept.inputs())
    def agree(example: object) -> None:
        concept.check(example)

    agree()


def test_registry_is_populated_and_unique() -> None:
    assert len(CONCEPTS) >= 2
    names = [(c.area, c.name) for c in CONCEPTS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: f"{c.area}/{c.name}")
def test_every_concept_has_a_page_and_references(concept: Concept) -> None:
    page = DOCS / concept.page
    assert page.is_file(), f"{concept.area}/{concept.name}: page {concept.page} does not exist"
    assert concept.references, f"{concept.area}/{concept.name} cites no reference"
    assert concept.page in (ROOT / "mkdocs.yml").read_text(), f"{concept.page} is not in the site navigation"


def _documented_identifiers() -> set[str]:
    ids: set[str] = set()
    for md in DOCS.rglob("*.md"):
        ids |= set(re.findall(r"^:::\s*([\w.]+)", md.read_text(encoding="utf-8"), flags=re.M))
    return ids


def _public_objects() -> list[tuple[str, object]]:
    out = []
    for module in chapter_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                out.append((f"{module.__name__}.{name}", obj))
    return out


@pytest.mark.parametrize("qualname,obj", _public_objects(), ids=lambda v: v if isinstance(v, str) else "")
def test_public_object_has_docstring_and_api_page(qualname: str, obj: object) -> None:
    doc = inspect.getdoc(obj)
    assert doc and len(doc.split()) >= 5, f"{qualname} has no real docstring"
    documented = _documented_identifiers()
    home = f"{obj.__module__}.{obj.__qualname__}"  # type: ignore[attr-defined]
    candidates = {qualname, home, qualname.rsplit(".", 1)[0], obj.__module__}  # type: ignore[attr-defined]
    assert candidates & documented, f"{qualname} appears on no API page (add `::: {home}`)"


def test_chapter_modules_leave_out_private_packages() -> None:
    """Engine packages (``refalgo/<area>/_engine/``) are machinery: not chapters, and their kernels may need numba."""
    names = [m.__name__ for m in chapter_modules()]
    assert "refalgo.optim.adam" in names
    assert not [n for n in names if any(part.startswith("_") for part in n.split(".")[1:])]

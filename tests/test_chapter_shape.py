"""Every area of refalgo follows the chapter template of CONTRIBUTING.md.

An area is a package ``refalgo/<area>/`` that is not part of the core. For each one:
it registers concepts; each concept's page exists and is in the site's navigation; the
glossary has a section for it; ``tests/<area>/`` holds its tests; its concept modules
(public modules that define ``CONCEPTS``) put their parts in the template order; its
``_engine/`` is imported only from inside the area. Across the whole package: no module
takes a private name from another module, and the import graph has no cycle.

Modules are read with :mod:`ast` (never imported) for the order and the imports, so a
module that fails to import is still judged by its text.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from refalgo.registry import Concept, chapter_modules

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "refalgo"
DOCS = ROOT / "docs"
# Packages of the core (see DESIGN.md, "Layers"); every other package of refalgo is an area.
CORE_PACKAGES = {"parsing"}
AREAS = sorted(
    p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file() and not p.name.startswith("_") and p.name not in CORE_PACKAGES
)


# ---------------------------------------------------------------- reading modules
def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
with warnings.catch_warnings():  # a module's own compile warnings are reported when it is imported, not here
    warnings.simplefilter("ignore")
    TREES = {name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path)) for name, path in MODULES.items()}


def area_of(module: str) -> str:
    """The area a module belongs to, or ``"core"``."""
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in AREAS else "core"


def _package(module: str) -> str:
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


@dataclass(frozen=True)
class Import:
    """One imported name: ``source`` the module it comes from, ``name`` (``None`` for ``import x``), the line."""

    importer: str
    source: str
    name: str | None
    line: int


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of the import nodes under ``if TYPE_CHECKING:`` (no runtime edge)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skipped


def imports(module: str, tree: ast.Module | None = None, package: str | None = None) -> Iterator[Import]:
    """Every import in ``module`` (top level or inside functions), resolved to absolute names."""
    tree = TREES[module] if tree is None else tree
    package = _package(module) if package is None else package
    skipped = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                yield Import(module, source, alias.name, node.lineno)


def target(imp: Import) -> str | None:
    """The refalgo module an import depends on: ``from pkg import sub`` is ``pkg.sub`` when sub is a module."""
    if imp.name is not None and f"{imp.source}.{imp.name}" in MODULES:
        return f"{imp.source}.{imp.name}"
    return imp.source if imp.source in MODULES else None


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# ---------------------------------------------------------------- concept modules
def concept_modules(area: str) -> list[str]:
    """Public modules of ``area`` (no underscore on the way) that assign ``CONCEPTS`` at top level."""
    found = []
    for name, tree in TREES.items():
        parts = name.split(".")
        if len(parts) < 3 or parts[1] != area or any(p.startswith("_") for p in parts):
            continue
        if any(isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "CONCEPTS" for t in n.targets) for n in tree.body):
            found.append(name)
    return found


def concepts(area: str) -> list[Concept]:
    return [c for m in chapter_modules() if m.__name__.split(".")[1:2] == [area] for c in getattr(m, "CONCEPTS", ())]


def template_order_problems(tree: ast.Module) -> list[str]:
    """What breaks the order docstring · symbolic twins · numeric twins · derivations() · CONCEPTS."""
    problems = [] if ast.get_docstring(tree) else ["no module docstring"]
    functions = {n.name: n.lineno for n in tree.body if isinstance(n, ast.FunctionDef)}
    symbolic = {n: line for n, line in functions.items() if n.endswith("_symbolic") and not n.startswith("_")}
    numeric = {n[: -len("_symbolic")]: functions[n[: -len("_symbolic")]] for n in symbolic if n[: -len("_symbolic")] in functions}
    concepts_line = next(
        (n.lineno for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "CONCEPTS" for t in n.targets)),
        None,
    )
    ranks = [
        *((0, f"the symbolic twin {n}", line) for n, line in symbolic.items()),
        *((1, f"the numeric twin {n}", line) for n, line in numeric.items()),
        *((2, "derivations()", functions["derivations"]) for _ in [0] if "derivations" in functions),
        *((3, "CONCEPTS", concepts_line) for _ in [0] if concepts_line),
    ]
    for rank, what, line in ranks:
        early = [f"{w} (line {ln})" for r, w, ln in ranks if r > rank and ln < line]
        if early:
            problems.append(f"{what} (line {line}) comes after {', '.join(early)}")
    return problems


# ---------------------------------------------------------------- the checks, per area
@pytest.mark.parametrize("area", AREAS)
def test_area_registers_concepts(area: str) -> None:
    """Each area has at least one public concept module that defines CONCEPTS, and the registry finds them."""
    assert concept_modules(area), f"refalgo/{area}/ has no public module that defines CONCEPTS"
    assert concepts(area), f"refalgo/{area}/: CONCEPTS are defined but the registry finds none"


@pytest.mark.parametrize("area", AREAS)
def test_concept_pages_exist_and_are_in_the_nav(area: str) -> None:
    """Each concept's page exists under docs/ and is listed in mkdocs.yml's nav."""

    def pages(node: object) -> Iterator[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from pages(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from pages(value)

    nav = set(pages(yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]))
    for c in concepts(area):
        assert (DOCS / c.page).is_file(), f"{area}/{c.name}: its page docs/{c.page} does not exist"
        assert c.page in nav, f"{area}/{c.name}: its page {c.page} is not in mkdocs.yml's nav"


@pytest.mark.parametrize("area", AREAS)
def test_area_has_glossary_terms(area: str) -> None:
    """docs/_build/i18n/terms/<area>.yml, the glossary's source, lists the area's terms, each on a page of the area."""
    path = DOCS / "_build" / "i18n" / "terms" / f"{area}.yml"
    assert path.is_file(), f"refalgo/{area}/ has no glossary terms: write {path.relative_to(ROOT)} (see CONTRIBUTING.md)"
    sections = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    terms = [t for section in sections for t in section.get("terms") or []]
    assert terms, f"{path.relative_to(ROOT)} lists no term"
    pages = {c.page for c in concepts(area)}
    assert any(t["page"].partition("#")[0] in pages for t in terms), (
        f"{path.relative_to(ROOT)}: no term is defined on a page of the area ({', '.join(sorted(pages))})"
    )


@pytest.mark.parametrize("area", AREAS)
def test_area_has_a_tests_folder(area: str) -> None:
    """tests/<area>/ exists and holds test files."""
    folder = ROOT / "tests" / area
    assert folder.is_dir(), f"refalgo/{area}/ has no tests/{area}/ folder"
    assert list(folder.glob("test_*.py")), f"tests/{area}/ holds no test_*.py file"


@pytest.mark.parametrize("area", AREAS)
def test_concept_modules_follow_the_template_order(area: str) -> None:
    """Concept modules hold, in order: docstring, symbolic twins, numeric twins, derivations(), CONCEPTS."""
    problems = [f"{m}: {p}" for m in concept_modules(area) for p in template_order_problems(TREES[m])]
    assert not problems, "\n".join(problems)


# refalgo.mdp re-exported the function policy_iteration over its module of that name before
# this check existed; its page imports the module with importlib. New names may not do so.
SHADOWING_ALLOWED = {"refalgo.mdp.policy_iteration"}


@pytest.mark.parametrize("area", AREAS)
def test_area_names_do_not_hide_its_modules(area: str) -> None:
    """A name the area's __init__ imports is not also one of the area's modules.

    Otherwise ``refalgo.<area>.<name>`` is the function, not the module, and
    ``import refalgo.<area>.<name> as m`` or ``refalgo.<area>.<name>.derivations()`` fails.
    """
    package = f"refalgo.{area}"
    modules = {m.rpartition(".")[2] for m in MODULES if m.rpartition(".")[0] == package}
    hidden = [
        f"refalgo/{area}/__init__.py (line {imp.line}) imports {imp.name!r}, also the module {package}.{imp.name}"
        for imp in imports(package)
        if imp.name in modules and imp.source not in (package, f"{package}.{imp.name}") and f"{package}.{imp.name}" not in SHADOWING_ALLOWED
    ]
    assert not hidden, "\n".join(hidden)


@pytest.mark.parametrize("area", AREAS)
def test_engine_is_imported_only_from_its_area(area: str) -> None:
    """refalgo/<area>/_engine/ is imported by modules of that area only."""
    engine = f"refalgo.{area}._engine"
    outside = [
        f"{imp.importer} (line {imp.line}) imports {target(imp)}"
        for module in MODULES
        if not module.startswith(f"refalgo.{area}.") and module != f"refalgo.{area}"
        for imp in imports(module)
        if (target(imp) or "") == engine or (target(imp) or "").startswith(engine + ".")
    ]
    assert not outside, "\n".join(outside)


def private_name_imports(module: str, tree: ast.Module | None = None, package: str | None = None) -> list[str]:
    """Private names ``module`` takes from another module: ``from m import _x`` or ``m._x`` on an imported module."""
    tree = TREES[module] if tree is None else tree
    found = []
    aliases: dict[str, str] = {}
    for imp in imports(module, tree, package):
        source = target(imp)
        if source is None:
            continue
        if imp.name is None:
            aliases[imp.source.split(".")[0]] = imp.source.split(".")[0]
        elif source == f"{imp.source}.{imp.name}":
            aliases[imp.name] = source  # a module imported by name
        elif _private(imp.name):
            found.append(f"{module} (line {imp.line}) imports {imp.name} from {source}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            if _private(node.attr):
                found.append(f"{module} (line {node.lineno}) uses {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("package", [*AREAS, "core"])
def test_no_private_name_is_taken_from_another_module(package: str) -> None:
    """No module imports an underscore name from another module or reads one off an imported module."""
    found = [p for module in MODULES if area_of(module) == package for p in private_name_imports(module)]
    assert not found, "\n".join(found)


def import_graph() -> dict[str, list[str]]:
    """Each refalgo module with the refalgo modules it imports."""
    return {m: sorted({t for imp in imports(m) if (t := target(imp)) and t != m}) for m in MODULES}


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected components of ``graph`` with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return cycles


@pytest.mark.parametrize("package", [*AREAS, "core"])
def test_import_graph_has_no_cycle(package: str) -> None:
    """No circle of imports (top level or inside functions) passes through a module of this package."""
    mine = [c for c in cycles(import_graph()) if any(area_of(m) == package for m in c)]
    assert not mine, "modules that import each other in a circle: " + "; ".join(" ↔ ".join(c) for c in mine)


def test_every_area_is_checked() -> None:
    """The areas found on disk are the areas the registry knows, so no area escapes these checks."""
    registered = {c.area for m in chapter_modules() for c in getattr(m, "CONCEPTS", ())}
    assert registered <= set(AREAS), f"concepts registered under areas without a package: {sorted(registered - set(AREAS))}"
    assert AREAS, "no area found under refalgo/"


# ---------------------------------------------------------------- the checks catch what they are for
def test_the_order_check_names_each_part_out_of_place() -> None:
    """A module with derivations() first and the numeric twin before the symbolic one is reported part by part."""
    tree = ast.parse('"""Doc."""\ndef derivations(): ...\ndef f(): ...\ndef f_symbolic(): ...\nCONCEPTS = ()\n')
    assert template_order_problems(tree) == [
        "the symbolic twin f_symbolic (line 4) comes after the numeric twin f (line 3), derivations() (line 2)",
        "the numeric twin f (line 3) comes after derivations() (line 2)",
    ]
    good = ast.parse('"""Doc."""\ndef f_symbolic(): ...\ndef f(): ...\ndef derivations(): ...\nCONCEPTS = ()\n')
    assert template_order_problems(good) == []
    assert template_order_problems(ast.parse("CONCEPTS = ()\n")) == ["no module docstring"]


def test_the_private_name_check_sees_imports_and_attributes() -> None:
    """``from .values import _x`` and ``values._y`` on an imported module are both reported; public names are not."""
    tree = ast.parse("from .values import _x, state_values\nfrom . import values\nvalues._y()\nvalues.state_values()\n")
    assert private_name_imports("refalgo.mdp.example", tree, "refalgo.mdp") == [
        "refalgo.mdp.example (line 1) imports _x from refalgo.mdp.values",
        "refalgo.mdp.example (line 3) uses values._y",
    ]


def test_the_cycle_check_finds_circles_of_any_length() -> None:
    """Two modules that import each other, and a circle of three, are found; a chain is not."""
    graph = {"a": ["b"], "b": ["a"], "c": ["d"], "d": ["e"], "e": ["c"], "f": ["a"]}
    assert sorted(cycles(graph)) == [["a", "b"], ["c", "d", "e"]]
    assert cycles({"a": ["b"], "b": ["c"], "c": []}) == []

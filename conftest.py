"""Collection rules for the doctest run over ``refalgo/``.

numba comes with the ``fast`` extra. A module that imports it at top level (a compiled
kernel under ``refalgo/<area>/_engine/``), or that imports such a module at top level,
cannot be imported without it, so its doctests are not collected when numba is missing
(every public function that uses a kernel falls back to NumPy and is tested through the
public API either way). The modules are found by reading the source with ``ast``, not
from a list of paths, so kernels can move or be added without touching this file.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent / "refalgo"
OPTIONAL = ("numba",)


def _module_path(name: str) -> Path | None:
    """The file of module ``refalgo.x.y`` (a package's ``__init__.py``), or None outside refalgo."""
    parts = name.split(".")
    if parts[0] != "refalgo":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def top_level_imports(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports unconditionally, at module level.

    Imports inside functions, ``if`` blocks and ``try`` blocks are guarded or deferred,
    so they do not count. ``from . import x`` counts both the package and ``x``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _imports_with_parents(path: Path) -> set[str]:
    name = _module_name(path)
    parents = {name.rsplit(".", k)[0] for k in range(1, name.count(".") + 1)}  # imported first
    return top_level_imports(path) | parents


@functools.cache
def needing(optional: str) -> frozenset[Path]:
    """The refalgo modules that import ``optional`` at top level, directly or through other refalgo modules."""
    graph = {path: _imports_with_parents(path) for path in PACKAGE.rglob("*.py")}
    found = {p for p, names in graph.items() if any(n == optional or n.startswith(optional + ".") for n in names)}
    grew = True
    while grew:  # a module that imports a module that needs ``optional`` needs it too
        more = {p for p, names in graph.items() if p not in found and any(_module_path(n) in found for n in names)}
        found |= more
        grew = bool(more)
    return frozenset(found)


MISSING = tuple(name for name in OPTIONAL if importlib.util.find_spec(name) is None)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Skip a refalgo module that cannot be imported because an optional dependency is missing."""
    if not MISSING or collection_path.suffix != ".py" or PACKAGE not in collection_path.parents:
        return None
    if any(collection_path.resolve() in needing(name) for name in MISSING):
        return True
    return None

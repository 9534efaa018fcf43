"""The root conftest.py's rule for the doctest run: the modules that need numba are found by reading imports."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "refalgo"

_spec = importlib.util.spec_from_file_location("refalgo_collection_rules", ROOT / "conftest.py")
assert _spec is not None and _spec.loader is not None
rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rules)


def _imports_numba_at_top_level(path: Path) -> bool:
    return re.search(r"^(?:import numba\b|from numba\b)", path.read_text(encoding="utf-8"), flags=re.M) is not None


def test_every_kernel_that_imports_numba_is_found() -> None:
    """Each refalgo module with an unindented ``import numba`` or ``from numba import`` is among those skipped without numba."""
    kernels = {p for p in PACKAGE.rglob("*.py") if _imports_numba_at_top_level(p)}
    assert kernels, "no refalgo module imports numba at top level: the fast path is gone or moved"
    assert kernels <= rules.needing("numba")


def test_only_engine_modules_need_numba() -> None:
    """No public module needs numba to be imported, directly or through another module: the kernels stay in _engine/."""
    public = sorted(
        p.relative_to(ROOT).as_posix()
        for p in rules.needing("numba")
        if not any(part.startswith("_") for part in p.relative_to(PACKAGE).with_suffix("").parts)
    )
    assert not public, f"these modules cannot be imported without numba: {public}"


def test_a_module_importing_a_kernel_needs_numba_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Needing numba passes along top-level imports, relative or absolute, but not along guarded or deferred ones."""
    pkg = tmp_path / "refalgo"
    (pkg / "area" / "_engine").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "area/__init__.py": "",
        "area/_engine/__init__.py": "",
        "area/_engine/kernels.py": "import numba\n",
        "area/fast.py": "from ._engine import kernels\n",
        "area/deferred.py": "def f():\n    from ._engine import kernels\n",
        "area/guarded.py": "try:\n    from ._engine import kernels\nexcept ImportError:\n    kernels = None\n",
        "area/absolute.py": "import refalgo.area.fast\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(rules, "PACKAGE", pkg)
    rules.needing.cache_clear()
    try:
        found = {p.relative_to(pkg).as_posix() for p in rules.needing("numba")}
    finally:
        rules.needing.cache_clear()
    assert found == {"area/_engine/kernels.py", "area/fast.py", "area/absolute.py"}

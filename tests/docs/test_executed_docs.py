"""A code block that fails while the site builds must fail the strict build.

markdown-exec runs every ``python exec="on"`` block at build time. When a block raises,
it logs a warning through MkDocs' logger, and ``--strict`` turns warnings into a failed
build. These tests build tiny projects that use the site's own configuration (theme,
plugins, Markdown extensions, hooks) with one page each: a good block (the build
passes and the page holds its output), a block that raises, and a block that renders
a derivation with a wrong step (the build fails with the counterexample).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.docs.sitecheck import ROOT, Build, Once, build_record, from_record, mkdocs_build

pytestmark = pytest.mark.docs

HEADER = """# Page

```python exec="on"
import sympy as sp
import refdoc
from refalgo import Derivation

x = sp.Symbol("x", real=True)
"""

PAGES = {
    "good": HEADER + 'refdoc.derivation(Derivation("square of a sum", [((x + 1)**2, ""), (x**2 + 2*x + 1, "expand")]))\n```\n',
    "raises": HEADER + 'raise RuntimeError("deliberate failure in a docs block")\n```\n',
    "wrong": HEADER + 'refdoc.derivation(Derivation("a wrong square", [((x + 1)**2, ""), (x**2 + 1, "forgot 2x")]))\n```\n',
}


def _project(root: Path, page: str) -> Path:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(
        site_name="docs-block test",
        docs_dir=str(root / "docs"),
        hooks=[str(ROOT / "docs" / "_build" / "hooks.py")],
        nav=[{"Page": "index.md"}],
    )
    # One language: these projects test how executed blocks fail, not the translations
    # (tests/docs/test_i18n.py does that on the real site).
    config["plugins"] = [p for p in config["plugins"] if not (isinstance(p, dict) and "i18n" in p)]
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            plugin["mkdocstrings"]["handlers"]["python"]["paths"] = [str(ROOT)]
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(page, encoding="utf-8")
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _build_all(root: Path) -> dict[str, dict[str, Any]]:
    configs = {name: _project(root / name, page) for name, page in PAGES.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(mkdocs_build, cfg, root / name / "site") for name, cfg in configs.items()}
        return {name: build_record(f.result()) for name, f in futures.items()}


@pytest.fixture(scope="session")
def builds(once: Once) -> dict[str, Build]:
    return {name: from_record(fields) for name, fields in once("docs-blocks", _build_all).items()}


def test_a_good_block_builds_and_its_output_is_on_the_page(builds: dict[str, Build]) -> None:
    build = builds["good"]
    assert build.returncode == 0, build.tail()
    html = (build.site / "index.html").read_text(encoding="utf-8")
    assert "square of a sum" in html and "✓ proven" in html and 'class="arithmatex"' in html


def test_a_block_that_raises_fails_the_strict_build(builds: dict[str, Build]) -> None:
    build = builds["raises"]
    assert build.returncode != 0
    assert "Execution of python code block exited with errors" in build.log
    assert "RuntimeError: deliberate failure in a docs block" in build.log
    assert "Aborted with" in build.log and "strict mode" in build.log
    assert [w for w in build.warnings() if "markdown_exec" in w] == [
        "WARNING -  markdown_exec: Execution of python code block exited with errors [<code block: n1>] "
        "→ RuntimeError: deliberate failure in a docs block"
    ]


def test_a_wrong_derivation_fails_the_strict_build_with_its_counterexample(builds: dict[str, Build]) -> None:
    build = builds["wrong"]
    assert build.returncode != 0
    assert "DerivationError" in build.log
    assert "Step 1 of “a wrong square” does not follow from step 0" in build.log

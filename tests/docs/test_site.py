r"""The whole site: it builds strictly, every page renders in a real browser, nothing comes from outside.

The site is built once per session (see conftest.py), served from a thread on
127.0.0.1 and every built page (404.html aside) is loaded in headless Chromium at
1280 px by check_site.mjs. A page fails when any formula is left raw or drawn blank,
MathJax reports an error, a formula is drawn below 0.9 of its natural size (its SVG's
width and height in ex at its container's font), a derivation title holds Markdown
markup, a code listing is wider than its box without a scrollbar, a script or the
console reports an error, or it requests anything not on the served origin. Every
derivation a chapter module defines must reach the derivations index with its title
and justifications as written in the source (``*``, ``_`` and ``\`` included).
tests/docs/test_checker.py shows the checker failing on pages broken in each of these
ways.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.docs.sitecheck import (
    ROOT,
    Build,
    html_pages,
    is_outside,
    js_resource_urls,
    listing,
    literal_problems,
    problems,
    raw_rst,
    resource_urls,
    source_derivations,
)

pytestmark = pytest.mark.docs

CONFIG = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def _nav_pages(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    if isinstance(nav, dict):
        return [p for v in nav.values() for p in _nav_pages(v)]
    if isinstance(nav, list):
        return [p for v in nav for p in _nav_pages(v)]
    return []


def _built_path(md: str) -> str:
    stem = md[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def test_strict_build(built_site: Build, record_property: Any) -> None:
    record_property("build_seconds", round(built_site.seconds, 1))
    assert built_site.returncode == 0, f"mkdocs build --strict failed in {built_site.seconds:.0f} s; {built_site.report()}"


def test_every_page_in_the_navigation_was_built(site: Path) -> None:
    built = set(html_pages(site))
    missing = [md for md in _nav_pages(CONFIG["nav"]) if _built_path(md) not in built]
    assert not missing, f"pages in the navigation that were not built: {missing}"


def test_the_theme_keeps_the_settings_the_math_relies_on() -> None:
    theme = CONFIG["theme"]
    assert theme.get("font") is False, "theme.font must be false: web fonts would be fetched from Google"
    assert "navigation.instant" not in theme.get("features", []), (
        "navigation.instant re-typesets MathJax on page changes and leaves formulas blank"
    )


def test_every_page_passes_the_browser_check(browser_report: dict[str, Any], record_property: Any) -> None:
    record_property("browser_check_seconds", round(browser_report["seconds"], 1))
    failing = [p["page"] for p in browser_report["pages"] if problems(p)]
    assert not failing and not browser_report["unattributed"], listing(browser_report)


def test_the_browser_check_saw_typeset_math(browser_report: dict[str, Any]) -> None:
    """Guards against a vacuous pass: the pages that must show math did show it."""
    by_page = {p["page"]: p for p in browser_report["pages"]}
    for page in ("index.html", "reference/derivations/index.html"):
        math = by_page[page]["math"]
        assert by_page[page]["mathjax"], f"{page}: MathJax did not load"
        assert math and math["rendered"] >= 2, f"{page}: expected typeset formulas, found {math}"


def test_the_browser_check_measured_the_math_and_the_listings(browser_report: dict[str, Any]) -> None:
    """Guards against a vacuous pass of the size and listing rules: they saw what they judge."""
    by_page = {p["page"]: p for p in browser_report["pages"]}
    math = by_page["reference/derivations/index.html"]["math"]
    assert math["measured"] >= math["rendered"] > 0, f"formulas typeset but not measured: {math['measured']} of {math['rendered']}"
    assert by_page["index.html"]["math"]["codeBlocks"] >= 2, "the home page's code listings were not measured"
    unmeasured = [p["page"] for p in browser_report["pages"] if not p["height"]]
    assert not unmeasured, f"pages whose height was not measured: {unmeasured}"


def test_derivation_titles_and_justifications_reach_the_page_as_written(browser_report: dict[str, Any]) -> None:
    r"""Every chapter derivation's title and step justifications are drawn on the derivations index as written.

    The text of each, with its ``$…$`` math set aside, must appear in order in what the
    browser drew (so a ``*`` read as emphasis or a ``\`` read as an escape is caught);
    each ``$…$`` piece must be what MathJax typeset.
    """
    page = next(p for p in browser_report["pages"] if p["page"] == "reference/derivations/index.html")
    drawn = page["math"]["derivations"]
    source = source_derivations()
    assert source and len(drawn) >= len(source), f"{len(source)} derivations in the modules, {len(drawn)} drawn on the index"
    found = literal_problems(source, drawn)
    assert not found, f"{len(found)} titles or justifications not drawn as written:\n" + "\n".join(found)


def test_no_page_shows_raw_restructuredtext(site: Path) -> None:
    """Docstring roles (``:math:``, ``:func:``…), ``.. math::`` and reST's escaped space must be rendered, not printed."""
    raw = [f"{page}: {snippet}" for page in html_pages(site) for snippet in raw_rst(site / page)]
    assert not raw, f"{len(raw)} raw reStructuredText roles or directives:\n" + "\n".join(raw[:40])


def test_docstring_math_reaches_the_api_reference(site: Path) -> None:
    """An API page whose docstrings use ``:math:`` holds arithmatex math for MathJax, from the first documented object on."""
    html = (site / "reference" / "api" / "calculus" / "index.html").read_text(encoding="utf-8")
    api = html[html.index('id="refalgo.calculus.directional') :]
    assert api.count('<span class="arithmatex">') >= 20, "docstring math was not converted for MathJax"
    assert api.count('<div class="arithmatex">') >= 3, "docstring displays (.. math::) were not converted for MathJax"


def test_no_page_loads_resources_from_another_host(site: Path) -> None:
    own = {urlsplit(CONFIG["site_url"]).netloc.lower()}
    outside = []
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".css") and path.is_file():
            outside += [f"{path.relative_to(site)}: {u}" for u in resource_urls(path) if is_outside(u, own)]
    assert not outside, "resources from another host:\n" + "\n".join(outside)


def test_no_script_loads_resources_from_another_host(site: Path) -> None:
    own = {urlsplit(CONFIG["site_url"]).netloc.lower()}
    outside = [
        f"{path.relative_to(site)}: {u}"
        for path in sorted(site.rglob("*.js"))
        for u in js_resource_urls(path)
        if is_outside(u, own)
    ]
    assert not outside, "scripts that load resources from another host:\n" + "\n".join(outside)


def test_concept_pages_read_in_one_sitting(browser_report: dict[str, Any]) -> None:
    """Every concept page, in both languages, is at most 12,000 px tall at 1280 px with its folded blocks closed."""
    from tests.docs.sitecheck import CONCEPT_PAGE_MAX_HEIGHT, is_concept_page

    tall = [f"{p['page']}: {p['height']:,} px" for p in browser_report["pages"]
            if is_concept_page(p["page"]) and p["height"] and p["height"] > CONCEPT_PAGE_MAX_HEIGHT]
    assert not tall, f"concept pages over {CONCEPT_PAGE_MAX_HEIGHT:,} px:\n" + "\n".join(tall)

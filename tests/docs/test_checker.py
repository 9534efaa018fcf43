"""The browser check must fail on broken pages, so that its passing on the site means something.

Each page here is generated with one deliberate fault, served locally and loaded by the
same checker the site test uses. The math pages load the vendored MathJax with the
site's own configuration. ``lost-glyphs.html`` has the signature of the
instant-navigation trap: MathJax typesets, then the shared glyph definitions its SVG
output points to are gone (as when a page swap drops them), so every formula is blank
while the ``mjx-container`` elements remain — a check that only counts containers
would pass it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.docs.sitecheck import ROOT, Once, problems, run_checker, serve

pytestmark = pytest.mark.docs

MATHJAX = ROOT / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js"
CONFIG = ROOT / "docs" / "javascripts" / "mathjax-config.js"
SCRIPTS = '<script src="mathjax-config.js"></script>\n<script src="tex-svg-full.js"></script>'
MATH = r"""<p>Inline <span class="arithmatex">\(x^{2} + 1\)</span>, then displayed:</p>
<div class="arithmatex">\[\sum_{k=0}^{\infty} \gamma^{k} = \frac{1}{1 - \gamma}\]</div>"""

LOSE_GLYPHS = """<script>
MathJax.startup.promise.then(() => document.getElementById("MJX-SVG-global-cache").remove());
</script>"""

PAGES = {
    "good.html": MATH + SCRIPTS,
    "raw.html": MATH + "<p>Unwrapped display math: $$a + b$$</p><p>Unwrapped inline math: $\\gamma^2$</p>"
    + "<p>Prices are not math: $5 and $10.</p>",
    "lost-glyphs.html": MATH + SCRIPTS + LOSE_GLYPHS,
    "blank.html": '<p>A container with nothing drawn: <mjx-container class="MathJax" jax="SVG">'
    '<svg xmlns="http://www.w3.org/2000/svg" width="3ex" height="2ex" viewBox="0 0 100 100"></svg>'
    "</mjx-container></p>",
    "merror.html": r'<p>Bad TeX: <span class="arithmatex">\(\frac{1}\)</span></p>' + SCRIPTS,
    "external.html": '<p>A remote image: <img src="http://example.invalid/pixel.png" alt="remote"></p>',
    "jserror.html": '<script>console.error("deliberate console error"); notDefinedAnywhere();</script>',
    "missing.html": '<script src="no-such-script.js"></script>',
}

# What each faulty page must be reported for (a substring of one of its problems).
EXPECTED = {
    "raw.html": [
        "math left raw",
        "raw TeX visible in the text: Unwrapped display math: $$a + b$$",
        "raw TeX visible in the text: Unwrapped inline math: $\\gamma^2$",
    ],
    "lost-glyphs.html": ["blank formula"],
    "blank.html": ["blank formula (no glyph drawn)"],
    "merror.html": ["math error"],
    "external.html": ["request outside the site: http://example.invalid/pixel.png"],
    "jserror.html": ["JavaScript error: ReferenceError: notDefinedAnywhere", "console error: deliberate console error"],
    "missing.html": ["failed request: 404"],
}


def _serve_and_check(root: Path) -> dict[str, Any]:
    shutil.copy2(MATHJAX, root / MATHJAX.name)
    shutil.copy2(CONFIG, root / CONFIG.name)
    for name, body in PAGES.items():
        html = f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{name}</title>'
        html += '<link rel="icon" href="data:,"></head>\n<body>\n' + body + "\n</body></html>\n"
        (root / name).write_text(html, encoding="utf-8")
    with serve(root) as base:
        report = run_checker(base, sorted(PAGES))
    return {p["page"]: p for p in report["pages"]}


@pytest.fixture(scope="session")
def fixture_report(once: Once) -> dict[str, Any]:
    report: dict[str, Any] = once("broken-pages", _serve_and_check)
    return report


def test_a_correct_page_passes(fixture_report: dict[str, Any]) -> None:
    page = fixture_report["good.html"]
    assert problems(page) == []
    assert page["mathjax"] and page["math"]["containers"] == page["math"]["rendered"] == 2


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_page_fails(fixture_report: dict[str, Any], name: str) -> None:
    found = problems(fixture_report[name])
    for expected in EXPECTED[name]:
        assert any(expected in f for f in found), f"{name}: expected a finding containing {expected!r}, got {found}"


def test_dollar_signs_that_are_not_math_are_not_reported(fixture_report: dict[str, Any]) -> None:
    assert not any("Prices" in f for f in problems(fixture_report["raw.html"]))


def test_containers_without_glyphs_count_as_blank(fixture_report: dict[str, Any]) -> None:
    math = fixture_report["lost-glyphs.html"]["math"]
    assert math["containers"] == 2 and math["rendered"] == 0
    assert all("missing definitions" in b["reason"] for b in math["blank"])

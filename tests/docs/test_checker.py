"""The browser check must fail on broken pages, so that its passing on the site means something.

Each page here is generated with one deliberate fault, served locally and loaded by the
same checker the site test uses. The math pages load the vendored MathJax with the
site's own configuration. ``lost-glyphs.html`` has the signature of the
instant-navigation trap: MathJax typesets, then the shared glyph definitions its SVG
output points to are gone (as when a page swap drops them), so every formula is blank
while the ``mjx-container`` elements remain — a check that only counts containers
would pass it. ``shrunk.html`` has the theme's ``svg { max-width: 100% }`` rule that
scales a wide formula down to its column; ``wide-math.html`` is the same page with the
site's stylesheet, where the formula keeps its size and scrolls.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from refalgo.derivation import text_latex
from tests.docs.sitecheck import ROOT, Once, literal_problems, problems, run_checker, serve

pytestmark = pytest.mark.docs

MATHJAX = ROOT / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js"
CONFIG = ROOT / "docs" / "javascripts" / "mathjax-config.js"
SCRIPTS = '<script src="mathjax-config.js"></script>\n<script src="tex-svg-full.js"></script>'
MATH = r"""<p>Inline <span class="arithmatex">\(x^{2} + 1\)</span>, then displayed:</p>
<div class="arithmatex">\[\sum_{k=0}^{\infty} \gamma^{k} = \frac{1}{1 - \gamma}\]</div>"""

LOSE_GLYPHS = """<script>
MathJax.startup.promise.then(() => document.getElementById("MJX-SVG-global-cache").remove());
</script>"""

STYLESHEET = ROOT / "docs" / "stylesheets" / "extra.css"
# The theme's rule for images and SVGs in the text, inside a column narrower than the formula.
THEME = "<style>.md-typeset svg { max-width: 100%; height: auto; }</style>"
WIDE = (
    '<article class="md-typeset" style="width: 240px"><div class="arithmatex">'
    r"\[\begin{aligned} (x_1 + x_2 + x_3)^2 &= x_1^2 + x_2^2 + x_3^2 + 2 x_1 x_2 + 2 x_1 x_3 + 2 x_2 x_3 \end{aligned}\]"
    "</div></article>"
)
LONG_LINE = "value = compute(first_argument, second_argument, third_argument, fourth_argument)"
# A derivation as the site prints it: the title paragraph, then the chain with each
# justification in the last column (``refalgo.derivation``'s ``text_latex``).
DERIVATION = (
    "<p><strong>{title}</strong> — <em>✓ proven</em></p>\n"
    r'<div class="arithmatex">\[\begin{{aligned}} G &= 1 + \gamma G && {why0} \\ '
    r"G &= \frac{{1}}{{1 - \gamma}} && {why1} \end{{aligned}}\]</div>"
)
SOURCE = {
    "module": "fixture",
    "title": r"J(π*) − J(π_ref) \ x, with $\beta > 0$",
    "whys": ["", r"divide by $1 - \gamma$ (a_b\c*)"],
}
TITLE_DRAWN = r'J(π*) − J(π_ref) \ x, with <span class="arithmatex">\(\beta &gt; 0\)</span>'

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
    "shrunk.html": THEME + WIDE + SCRIPTS,
    "wide-math.html": THEME + '<link rel="stylesheet" href="extra.css">' + WIDE + SCRIPTS,
    "listing.html": f'<div style="width: 200px"><pre><code style="display: block; overflow: visible">{LONG_LINE}</code></pre>'
    f'<pre style="overflow: hidden"><code>{LONG_LINE}</code></pre></div>',
    "wide-listing.html": f'<div style="width: 200px"><pre><code style="display: block; overflow-x: auto">{LONG_LINE}</code></pre></div>',
    "derivation.html": DERIVATION.format(title=TITLE_DRAWN, why0="", why1=text_latex(SOURCE["whys"][1])) + SCRIPTS,
    # What Markdown makes of an unescaped title: the stars become emphasis, the backslash
    # an escape; and a justification that lost its underscore.
    "derivation-bad.html": DERIVATION.format(
        title=r'J(π<em>) − J(π</em>ref) x, with <span class="arithmatex">\(\beta &gt; 0\)</span>',
        why0="",
        why1=text_latex(SOURCE["whys"][1].replace("_", "")),
    )
    + SCRIPTS,
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
    "shrunk.html": ["formula drawn at"],
    "listing.html": ["code listing", "wider than its box, without a scrollbar: " + LONG_LINE[:30]],
    "derivation-bad.html": ["derivation title with Markdown markup inside (em)"],
}


def _serve_and_check(root: Path) -> dict[str, Any]:
    shutil.copy2(MATHJAX, root / MATHJAX.name)
    shutil.copy2(CONFIG, root / CONFIG.name)
    shutil.copy2(STYLESHEET, root / STYLESHEET.name)
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


@pytest.mark.parametrize("name", ["wide-math.html", "wide-listing.html", "derivation.html"])
def test_wide_content_that_scrolls_and_a_correct_derivation_pass(fixture_report: dict[str, Any], name: str) -> None:
    page = fixture_report[name]
    assert problems(page) == []
    assert page["math"]["measured"] == page["math"]["rendered"]


def test_a_wide_formula_keeps_its_size_with_the_sites_stylesheet(fixture_report: dict[str, Any]) -> None:
    shrunk = fixture_report["shrunk.html"]["math"]["small"]
    assert len(shrunk) == 1 and shrunk[0]["display"] and shrunk[0]["scale"] < 0.9
    assert shrunk[0]["width"] <= 240 < shrunk[0]["naturalWidth"]
    assert fixture_report["wide-math.html"]["math"]["small"] == []


def test_both_listings_that_run_off_are_reported(fixture_report: dict[str, Any]) -> None:
    assert len(fixture_report["listing.html"]["math"]["listings"]) == 2
    assert fixture_report["wide-listing.html"]["math"]["codeBlocks"] == 1


def test_a_title_and_justification_drawn_as_written_match_their_source(fixture_report: dict[str, Any]) -> None:
    drawn = fixture_report["derivation.html"]["math"]["derivations"]
    assert len(drawn) == 1 and len(drawn[0]["rows"]) == 2
    assert literal_problems([SOURCE], drawn) == []


def test_a_title_and_justification_that_lost_characters_are_reported(fixture_report: dict[str, Any]) -> None:
    found = literal_problems([SOURCE], fixture_report["derivation-bad.html"]["math"]["derivations"])
    assert len(found) == 1 and "title" in found[0] and "is not drawn as written" in found[0], found
    good_title = [dict(d, title=fixture_report["derivation.html"]["math"]["derivations"][0]["title"])
                  for d in fixture_report["derivation-bad.html"]["math"]["derivations"]]
    found = literal_problems([SOURCE], good_title)
    assert len(found) == 1 and "step 1" in found[0] and "(a_b" in found[0], found

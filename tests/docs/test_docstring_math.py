"""Docstring math: reStructuredText roles and directives become arithmatex math before Markdown renders them."""

from __future__ import annotations

import sys
from pathlib import Path

import markdown
import pytest

from tests.docs.sitecheck import ROOT, raw_rst

sys.path.insert(0, str(ROOT / "docs" / "_build"))
import hooks  # noqa: E402

pytestmark = pytest.mark.docs


def _html(md: str) -> str:
    """``md`` rendered the way the site renders Markdown math (arithmatex in generic mode)."""
    return markdown.markdown(md, extensions=["pymdownx.arithmatex"], extension_configs={"pymdownx.arithmatex": {"generic": True}})


def test_inline_role_renders_as_the_span_dollar_math_gives() -> None:
    converted = hooks.rst_math_to_markdown(r"the norm :math:`\lVert v \rVert` of :math:`v_{i} < 1`")
    assert converted == r"the norm \(\lVert v \rVert\) of \(v_{i} < 1\)"
    assert _html(converted) == _html(r"the norm $\lVert v \rVert$ of $v_{i} < 1$")
    assert r'<span class="arithmatex">\(v_{i} &lt; 1\)</span>' in _html(converted)


def test_inline_role_across_a_line_break_is_one_formula() -> None:
    assert hooks.rst_math_to_markdown(":math:`a +\n    b` and") == r"\(a + b\) and"


def test_directive_on_its_line_with_a_continuation() -> None:
    text = "Before,\n\n.. math:: D_u f = \\lim_{h \\to 0} q(h),\n          \\qquad u = v.\n\nAfter."
    converted = hooks.rst_math_to_markdown(text)
    assert "$$\nD_u f = \\lim_{h \\to 0} q(h),\n\\qquad u = v.\n$$" in converted
    html = _html(converted)
    assert '<div class="arithmatex">\\[\nD_u f = \\lim_{h \\to 0} q(h),\n\\qquad u = v.\n\\]</div>' in html
    assert html.startswith("<p>Before,</p>") and html.endswith("<p>After.</p>")


def test_directive_with_an_indented_body_makes_one_display_per_equation() -> None:
    text = "Notes:\n\n.. math::\n\n    m_t = \\beta m_{t-1} + g_t,\n    \\hat m_t = m_t\n\n    v_t = g_t^2\n\nThe end."
    html = _html(hooks.rst_math_to_markdown(text))
    assert html.count('<div class="arithmatex">') == 2
    assert "\\[\nm_t = \\beta m_{t-1} + g_t,\n\\hat m_t = m_t\n\\]" in html
    assert "\\[\nv_t = g_t^2\n\\]" in html and "<p>The end.</p>" in html


def test_directive_inside_an_indented_description_keeps_its_indentation() -> None:
    converted = hooks.rst_math_to_markdown("x\n    The value.\n\n    .. math:: y = x\n\nz")
    assert converted.split("\n")[:7] == ["x", "    The value.", "", "", "    $$", "    y = x", "    $$"]


def test_cross_reference_roles_become_code_spans() -> None:
    text = "see :func:`gradient`, :class:`~refalgo.mdp.MDP`, :mod:`the module <refalgo.mdp>`, :py:meth:`a.b`"
    assert hooks.rst_math_to_markdown(text) == "see `gradient`, `MDP`, `the module`, `a.b`"


def test_text_without_roles_is_unchanged() -> None:
    text = "A $x$ and ``code`` and `x:math:` and .. not a directive\n\n    indented"
    assert hooks.rst_math_to_markdown(text) == text


def test_the_extension_is_registered_before_mkdocstrings_reads_its_options() -> None:
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    config = config["plugins"].run_event("config", config)
    handler = config["plugins"]["mkdocstrings"].handlers.get_handler("python")
    options = handler.get_options({})
    assert f"{Path(hooks.__file__).resolve()}:DocstringMath" in options.extensions
    module = handler.collect("refalgo.calculus.directional", options)
    assert ":math:" not in module.docstring.value and r"\(P_0\)" in module.docstring.value


def test_the_scan_finds_raw_roles_and_directives_outside_code(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<p>rate :math:<code>v</code> along :func:<code>gradient</code></p>\n<p>.. math:: y = x</p>\n"
        '<pre><code>""":math:`x` in a listing"""</code></pre><p>the role <code>:math:</code> by name</p>',
        encoding="utf-8",
    )
    found = raw_rst(page)
    assert len(found) == 3 and "rate :math:" in found[0] and ":func:" in found[1] and ".. math:: y = x" in found[2]


def test_the_scan_passes_a_clean_page(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text('<p>rate <span class="arithmatex">\\(v\\)</span></p><pre>:math:`x`</pre>', encoding="utf-8")
    assert raw_rst(page) == []

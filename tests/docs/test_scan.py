"""The static scan for outside resources finds them, and leaves links and local files alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.sitecheck import is_outside, js_resource_urls, resource_urls

pytestmark = pytest.mark.docs

OWN = {"127.0.0.1:8000"}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_html_resources_from_another_host_are_found(tmp_path: Path) -> None:
    page = _write(
        tmp_path,
        "page.html",
        '<html><head><link rel="stylesheet" href="https://cdn.example.org/a.css">'
        '<script src="//cdn.example.org/b.js"></script>'
        "<style>@font-face { src: url('https://fonts.example.org/c.woff2') }</style></head>"
        '<body><img srcset="https://img.example.org/d.png 2x, local.png 1x" src="local.png">'
        '<div style="background: url(http://img.example.org/e.png)"></div>'
        '<svg><use xlink:href="https://img.example.org/f.svg#g"></use></svg></body></html>',
    )
    outside = sorted(u for u in resource_urls(page) if is_outside(u, OWN))
    assert outside == [
        "//cdn.example.org/b.js",
        "http://img.example.org/e.png",
        "https://cdn.example.org/a.css",
        "https://fonts.example.org/c.woff2",
        "https://img.example.org/d.png",
        "https://img.example.org/f.svg#g",
    ]


def test_links_local_files_and_the_own_host_are_not_outside(tmp_path: Path) -> None:
    page = _write(
        tmp_path,
        "page.html",
        '<link rel="canonical" href="http://127.0.0.1:8000/page/">'
        '<link rel="icon" href="assets/favicon.png"><script src="../assets/x.js"></script>'
        '<img src="data:image/png;base64,AAAA"><a href="https://arxiv.org/abs/1412.6980">Adam</a>'
        '<svg xmlns="http://www.w3.org/2000/svg"><use href="#glyph"></use></svg>',
    )
    assert [u for u in resource_urls(page) if is_outside(u, OWN)] == []


def test_css_imports_and_urls_are_found(tmp_path: Path) -> None:
    sheet = _write(tmp_path, "a.css", '@import "https://cdn.example.org/x.css";\nbody { background: url("../img/local.png") }')
    assert [u for u in resource_urls(sheet) if is_outside(u, OWN)] == ["https://cdn.example.org/x.css"]


def test_script_resources_are_found_but_links_in_strings_are_not(tmp_path: Path) -> None:
    script = _write(
        tmp_path,
        "a.js",
        'el.src = "https://cdn.example.org/lib.js"; const s = {href: "https://cdn.example.org/s.css"};\n'
        "const about = '<a href=\"https://www.mathjax.org\">MathJax</a>';\n"
        'const ns = "http://www.w3.org/2000/svg"; css = "url(https://fonts.example.org/f.woff)";',
    )
    assert js_resource_urls(script) == [
        "https://cdn.example.org/lib.js",
        "https://cdn.example.org/s.css",
        "https://fonts.example.org/f.woff",
    ]

"""MkDocs hooks: vendor MathJax from the pinned npm package, and give pages the build helpers.

MathJax comes from ``node_modules/mathjax`` (pinned in ``package.json``, installed by
``npm ci``) and its combined ``tex-svg-full.js`` (TeX input, SVG output, no web fonts)
is copied into the built site, so the site loads nothing from any CDN.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MATHJAX_PACKAGE = ROOT / "node_modules" / "mathjax"
MATHJAX = MATHJAX_PACKAGE / "es5" / "tex-svg-full.js"
VENDOR = Path("assets") / "vendor" / "mathjax"
# Pages whose executed blocks take longer than this are named in the build log.
SLOW_PAGE_SECONDS = 5.0

log = logging.getLogger("mkdocs.hooks.refalgo")
_page_started: dict[str, float] = {}


def _pinned_mathjax() -> str:
    return str(json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]["mathjax"])


def on_config(config: Any, **_: Any) -> Any:
    if not MATHJAX.is_file():
        raise SystemExit(f"MathJax is missing at {MATHJAX}; run `npm ci` (make setup does).")
    installed = json.loads((MATHJAX_PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    if installed != _pinned_mathjax():
        raise SystemExit(
            f"node_modules has MathJax {installed}, package.json pins {_pinned_mathjax()}; run `npm ci` (make setup does)."
        )
    # Code blocks executed by markdown-exec import the page helpers as ``refdoc``. MkDocs
    # restores sys.path after importing a hook module, so the path is added here.
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    return config


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    _page_started[page.file.src_uri] = time.perf_counter()
    return markdown


def on_page_content(html: str, page: Any, **_: Any) -> str:
    # Between the two events the page's Markdown is converted and its code blocks run.
    seconds = time.perf_counter() - _page_started.pop(page.file.src_uri, time.perf_counter())
    if seconds > SLOW_PAGE_SECONDS:
        log.info("%s: Markdown and executed blocks took %.1f s", page.file.src_uri, seconds)
    return html


def on_post_build(config: Any, **_: Any) -> None:
    target = Path(config["site_dir"]) / VENDOR
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(MATHJAX, target / MATHJAX.name)

"""MkDocs hooks: vendor MathJax from the pinned npm package, and give pages the build helpers.

MathJax comes from ``node_modules/mathjax`` (pinned in ``package.json``, installed by
``npm ci``) and is copied into the built site, so the site loads nothing from any CDN.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MATHJAX = ROOT / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js"


def on_config(config: Any, **_: Any) -> Any:
    if not MATHJAX.is_file():
        raise SystemExit(f"MathJax is missing at {MATHJAX}; run `npm ci` (make setup does).")
    # Code blocks executed by markdown-exec import the page helpers as ``refdoc``. MkDocs
    # restores sys.path after importing a hook module, so the path is added here.
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    return config


def on_post_build(config: Any, **_: Any) -> None:
    target = Path(config["site_dir"]) / "assets" / "vendor" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(MATHJAX, target / MATHJAX.name)

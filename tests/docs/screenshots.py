"""Full-page screenshots of every page of the site at 1280 px, and a table of page heights.

    python -m tests.docs.screenshots [--site DIR] [--out DIR]     (``make screenshots``)

Builds the site strictly into a temporary directory (or takes one already built with
``--site``), serves it on 127.0.0.1, loads every page in headless Chromium with the
browser check's launch flags (``screenshots.mjs``) and writes one PNG per page to
``--out``: by default ``$SCREENSHOTS``, else ``/tmp/refalgo-screenshots`` — outside the
repository. Prints the page heights as a Markdown table; concept pages taller than
:data:`~tests.docs.sitecheck.CONCEPT_PAGE_MAX_HEIGHT` are marked. Exits with 1 when the
build or a capture failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.docs.sitecheck import CHROMIUM, NODE, ROOT, heights_table, html_pages, mkdocs_build, require_browser, serve

SCRIPT = Path(__file__).with_name("screenshots.mjs")
DEFAULT_OUT = Path(os.environ.get("SCREENSHOTS") or "/tmp/refalgo-screenshots")


def capture(site: Path, out: Path) -> tuple[dict[str, int | None], list[str]]:
    """Screenshot every page of the built ``site`` into ``out``; return each page's height and the failures."""
    require_browser()
    pages = html_pages(site)
    with serve(site) as base:
        proc = subprocess.run(
            [NODE, str(SCRIPT), base, str(out), *pages],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
    if proc.returncode == 2 or not proc.stdout.strip():
        raise SystemExit(f"screenshots.mjs exited with {proc.returncode}:\n{proc.stderr[-4000:]}")
    shots = json.loads(proc.stdout)["pages"]
    failed = [f"{shot['page']}: not captured: {shot['error']}" for shot in shots if shot["error"]]
    return {shot["page"]: shot["height"] for shot in shots}, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where the PNGs go (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out == ROOT or ROOT in out.parents:
        parser.error(f"--out {out} is inside the repository; screenshots are kept outside it")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="refalgo-site-") as scratch:
        site = args.site
        if site is None:
            print("Building the site (mkdocs build --strict)…", file=sys.stderr)
            build = mkdocs_build(ROOT / "mkdocs.yml", Path(scratch) / "site")
            if build.returncode != 0:
                print(build.report(), file=sys.stderr)
                return 1
            site = build.site
        heights, failed = capture(site, out)
    print(heights_table(heights))
    print(f"\n{len(heights) - len(failed)} of {len(heights)} pages captured; screenshots in {out}")
    for failure in failed:
        print(failure, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

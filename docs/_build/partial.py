"""Build a few pages of the site, in both languages, strictly: the quick loop while writing a page.

    .venv/bin/python docs/_build/partial.py mdp/state-values.md [more pages…] [-d DIR]

The whole site takes minutes to build; this builds the home page and the named pages
(English and Chinese) with the site's own configuration (a temporary ``INHERIT: mkdocs.yml``
file that narrows ``nav`` and ``exclude_docs``), into ``DIR`` (default
``/tmp/refalgo-partial``). Links to pages left out are reported at info level only; the
full build (``make site``) checks them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _english(page: str) -> str:
    page = page.removeprefix("docs/")
    for suffix in (".zh.md",):
        if page.endswith(suffix):
            return page[: -len(suffix)] + ".md"
    return page


def config_text(pages: list[str]) -> str:
    """The temporary configuration: the site's own, with only ``pages`` (and the home page) built."""
    keep = ["index.md", *pages]
    include = [f"!/{p}" for page in keep for p in (page, page[: -len(".md")] + ".zh.md")]
    exclude = "\n".join(["_build/", "_snippets/", "*.md", *include]) + "\n"
    nav = [{"Home": "index.md"}, *({page: page} for page in pages)]
    config = {
        "INHERIT": "mkdocs.yml",
        "nav": nav,
        "exclude_docs": exclude,
        "validation": {"nav": {"omitted_files": "info", "not_found": "warn"},
                       "links": {"not_found": "info", "anchors": "info", "unrecognized_links": "info"}},
    }
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", help="docs pages, relative to docs/ (English or Chinese name)")
    parser.add_argument("-d", "--site-dir", type=Path, default=Path("/tmp/refalgo-partial"))
    args = parser.parse_args(argv)
    pages = [_english(p) for p in args.pages]
    missing = [p for p in pages if not (DOCS / p).is_file()]
    if missing:
        parser.error(f"pages: expected files under docs/; got {', '.join(missing)}")
    config = ROOT / f".mkdocs-partial-{os.getpid()}.yml"
    config.write_text(config_text(pages), encoding="utf-8")
    try:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(args.site_dir)]
        run = subprocess.run(command, cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(run.stdout, end="")
        # A missing translation is reported deep in a code block's traceback: gather them at the end.
        missing = sorted({line.split("MissingTranslation: ", 1)[1] for line in run.stdout.splitlines()
                          if "MissingTranslation: " in line})
        if missing:
            print("\nMissing translations:\n" + "\n".join(f"  {m}" for m in missing), file=sys.stderr)
        return run.returncode
    finally:
        config.unlink()


if __name__ == "__main__":
    raise SystemExit(main())

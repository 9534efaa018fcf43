"""Helpers for the docs tests: build a site, serve it, load it in Chromium, read the report."""

from __future__ import annotations

import difflib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHECKER = Path(__file__).with_name("check_site.mjs")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NODE = shutil.which("node") or "node"


_BLOCK = re.compile(r"<code block: [^>]*>")
_EXCEPTION = re.compile(r"^\s*[A-Za-z_][\w.]*(Error|Exception|Exit)\b.*")


@dataclass(frozen=True)
class Build:
    """The outcome of one ``mkdocs build --strict``."""

    site: Path
    returncode: int
    log: str
    seconds: float

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.splitlines()[-lines:])

    def warnings(self) -> list[str]:
        """Every warning or error MkDocs logged, one line each.

        A failed code block is named by markdown-exec's block id (its session and
        number) and the exception it raised.
        """
        found: list[str] = []
        for line in self.log.splitlines():
            if line.startswith(("WARNING", "ERROR")):
                found.append(line.strip())
            elif found and line.startswith("INFO"):
                found.append("")  # the entry above is complete; "" is dropped below
            elif found and found[-1]:
                block = _BLOCK.search(line)
                error = _EXCEPTION.match(line)
                if line.startswith("  - "):  # a list that continues the message (pages, files)
                    found[-1] += " " + line.strip()
                elif block and block.group(0) not in found[-1]:
                    found[-1] += f" [{block.group(0)}]"
                elif error:
                    found[-1] = found[-1].split(" → ")[0] + f" → {error.group(0).strip()}"
        return [f for f in found if f]

    def report(self) -> str:
        """Every warning or error first, then the end of the log, for an assertion message."""
        found = self.warnings()
        head = f"{len(found)} warnings or errors:\n" + "\n".join(found) if found else "no warning logged"
        return f"{head}\n\nEnd of the log:\n{self.tail(40)}"


# ``once(name, compute)`` (the fixture in conftest.py): compute(scratch_dir) run once per
# session, its JSON-serialisable result shared by every worker.
Once = Callable[[str, Callable[[Path], Any]], Any]


def build_record(build: Build) -> dict[str, Any]:
    """A :class:`Build` as JSON-serialisable fields."""
    return {"site": str(build.site), "returncode": build.returncode, "log": build.log, "seconds": build.seconds}


def from_record(fields: dict[str, Any]) -> Build:
    """The :class:`Build` that :func:`build_record` recorded."""
    return Build(Path(fields["site"]), fields["returncode"], fields["log"], fields["seconds"])


# The real site's build is the longest fixture (about two minutes). A test session that
# will need it starts it in the background as soon as the tests are collected
# (conftest.py), so the workers run the other tests meanwhile instead of one of them
# waiting on the build; the fixture then waits for this record.
def start_background_build(shared: Path) -> subprocess.Popen[bytes]:
    """Start ``mkdocs build --strict`` of the real site into ``shared/site-build/site``.

    The child writes the build's record to ``shared/site-build.background.json`` (atomically)
    when it ends; :func:`wait_for_background_build` reads it.
    """
    site = shared / "site-build" / "site"
    site.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.docs.sitecheck", str(site), str(shared / "site-build.background.json")],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_background_build(shared: Path, pid: int, timeout: float = 900) -> dict[str, Any] | None:
    """The record of the background build started as ``pid``; None if it ended without one."""
    record = shared / "site-build.background.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if record.exists():
            fields: dict[str, Any] = json.loads(record.read_text(encoding="utf-8"))
            return fields
        try:
            os.kill(pid, 0)  # still running?
        except ProcessLookupError:
            return json.loads(record.read_text(encoding="utf-8")) if record.exists() else None
        except PermissionError:  # pid reused by another user's process: the build has ended
            return None
        time.sleep(0.5)
    return None


def _build_in_background(site: Path, record: Path) -> None:
    fields = build_record(mkdocs_build(ROOT / "mkdocs.yml", site))
    partial = record.with_suffix(".partial")
    partial.write_text(json.dumps(fields), encoding="utf-8")
    partial.replace(record)


def mkdocs_build(config: Path, site: Path) -> Build:
    """Build ``config`` strictly into ``site`` and return what happened."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return Build(site, proc.returncode, proc.stdout, time.perf_counter() - start)


def html_pages(site: Path) -> list[str]:
    """Every HTML page of a built site (``404.html`` excluded), as paths relative to it."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port from a thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def require_browser() -> None:
    """Fail with the fix when Chromium or the Node packages are missing."""
    if not Path(CHROMIUM).is_file():
        raise AssertionError(f"Chromium is missing at {CHROMIUM}: run `make chromium`.")
    if not (ROOT / "node_modules" / "playwright-core").is_dir():
        raise AssertionError("node_modules/playwright-core is missing: run `npm ci` (make setup does).")


def run_checker(base: str, pages: list[str]) -> dict[str, Any]:
    """Run check_site.mjs on ``pages`` under ``base``; return its JSON report."""
    require_browser()
    proc = subprocess.run(
        [NODE, str(CHECKER), base, *pages],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "CHROMIUM": CHROMIUM},
    )
    if proc.returncode != 0:
        raise AssertionError(f"check_site.mjs exited with {proc.returncode}:\n{proc.stderr[-4000:]}")
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


# Font families that hold Chinese glyphs (the check installs WenQuanYi Micro Hei).
CJK_FONT = re.compile(r"wenquanyi|wqy|cjk|source han|droid sans fallback|pingfang|hiragino|yahei|simsun|simhei", re.I)


def problems(page: dict[str, Any]) -> list[str]:
    """Readable findings for one page's report; empty when the page is clean."""
    out: list[str] = []
    if page["loadError"]:
        out.append(f"did not load: {page['loadError']}")
    math = page["math"]
    if math is None:
        return out or ["was not inspected"]
    for b in math["blank"]:
        out.append(f"blank formula ({b['reason']}): {b['tex'] or b['html']}")
    out += [f"math left raw (not typeset): {t}" for t in math["unrendered"]]
    out += [f"raw TeX visible in the text: {t}" for t in math["raw"]]
    out += [f"math error: {e}" for e in math["errors"]]
    out += [
        f"formula drawn at {s['scale']:.0%} of its natural size ({s['width']} px wide instead of {s['naturalWidth']} px): {s['tex']}"
        for s in math["small"]
    ]
    out += [
        f"derivation title with Markdown markup inside ({', '.join(d['markup'])}): {d['title']}"
        for d in math["derivations"]
        if d["markup"]
    ]
    for d in math["derivations"]:
        written = d.get("written")
        if written:
            problem = title_problem(written["title"], d)
            if problem:
                out.append(f"derivation title {written['title']!r}: {problem}")
            out += [f"derivation {written['title']!r}: {f}" for f in justification_problems(written["whys"], d)]
    out += [f"code listing {listing}" for listing in math["listings"]]
    fonts = page.get("cjkFonts")
    if fonts is not None and not any(f["glyphs"] > 0 and CJK_FONT.search(f["family"]) for f in fonts):
        drawn = ", ".join(f"{f['family']} ({f['glyphs']} glyphs)" for f in fonts) or "no font"
        out.append(f"Chinese text drawn without a CJK font ({drawn}): run `make fonts`")
    if (math["containers"] or math["unrendered"]) and not page["mathjax"]:
        out.append("the page has math but MathJax did not load")
    out += [f"JavaScript error: {e}" for e in page["jsErrors"]]
    out += [f"console error: {e}" for e in page["consoleErrors"]]
    out += [f"request outside the site: {u}" for u in page["external"]]
    out += [f"failed request: {r}" for r in page["failedRequests"]]
    return out


def listing(report: dict[str, Any]) -> str:
    """Every page with problems and its findings, for an assertion message."""
    lines = []
    bad = [(p["page"], problems(p)) for p in report["pages"]]
    bad = [(name, found) for name, found in bad if found]
    for name, found in bad:
        lines.append(f"{name}:")
        lines += [f"    - {f}" for f in found]
    if report["unattributed"]:
        lines.append("requests outside the site from no particular page (e.g. a worker):")
        lines += [f"    - {u}" for u in report["unattributed"]]
    head = f"{len(bad)} of {len(report['pages'])} pages have problems"
    return head + ("\n" + "\n".join(lines) if lines else "")


# ---------------------------------------------------------------- static resource scan

# Attributes through which a page loads something (anchors navigate, so <a href> is not one).
_RESOURCE_ATTRS = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "input": ("src",),
}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def _css_urls(text: str) -> list[str]:
    return [a or b for a, b in _CSS_URL.findall(text)]


class _ResourceParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        for attr in _RESOURCE_ATTRS.get(tag.lower(), ()):
            if attr in values:
                found = values[attr]
                self.urls += [part.split()[0] for part in found.split(",") if part.strip()] if attr == "srcset" else [found]
        if "style" in values:
            self.urls += _css_urls(values["style"])
        self._in_style = tag.lower() == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += _css_urls(data)


def resource_urls(path: Path) -> list[str]:
    """The URLs an HTML or CSS file loads resources from (scripts, styles, fonts, images)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".css":
        return _css_urls(text)
    parser = _ResourceParser()
    parser.feed(text)
    return parser.urls


def is_outside(url: str, own_hosts: set[str]) -> bool:
    """Whether ``url`` points to another host (relative, data: and fragment URLs do not)."""
    if not _ABSOLUTE.match(url):
        return False
    return urlsplit(url).netloc.lower() not in own_hosts


# In JavaScript, a URL is a resource when it is assigned to src/href or written in url();
# an <a href> built in a string is a link, not a fetch.
_JS_RESOURCE = re.compile(
    r"""(<a\s[^>]*)?\b(?:src|href)\s*[=:]\s*["'`]((?:https?:)?//[^"'`\s]+)|url\(\s*["']?((?:https?:)?//[^"')\s]+)"""
)


def js_resource_urls(path: Path) -> list[str]:
    """Absolute URLs a JavaScript file assigns to ``src``/``href`` or writes in ``url()``."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return [attr or css for anchor, attr, css in _JS_RESOURCE.findall(text) if not anchor]


# ---------------------------------------------------------------- raw reStructuredText

# Code listings (the source shown by refdoc.twins) may hold roles; everything else may not.
_LISTING = re.compile(r"<pre\b.*?</pre>|<code\b[^>]*>.*?</code>", re.S | re.I)
_RAW_RST = re.compile(r":(?:py:)?(?:math|func|meth|class|mod|attr|data|obj|exc|const):|\.\.\s+math::")


# reST's escaped space after inline markup (``:class:`Step`\ s``) left as a backslash.
_ESCAPED_SPACE = re.compile(r"</code>\\ (?=\w)")


def raw_rst(path: Path) -> list[str]:
    """reStructuredText roles, math directives and escaped spaces left as text in a built page.

    A role rendered from a docstring shows as ``:math:<code>x</code>``: the role name stays
    text, so it is found once code listings and code spans are set aside. An escaped space
    after a role shows as ``<code>Step</code>\\ s``.
    """
    html = path.read_text(encoding="utf-8", errors="replace")
    text = _LISTING.sub(" ", html)
    found = [(text, m) for m in _RAW_RST.finditer(text)] + [(html, m) for m in _ESCAPED_SPACE.finditer(html)]
    return [" ".join(t[max(m.start() - 40, 0) : m.end() + 40].split()) for t, m in found]



# ---------------------------------------------------------------- page heights

# The tallest a concept page may be at 1280 px, folded blocks closed (issue 12: a
# chapter page reads in one sitting; the API reference and timings live elsewhere).
CONCEPT_PAGE_MAX_HEIGHT = 12_000


def is_concept_page(page: str) -> bool:
    """Whether a built page (``optim/adam/index.html``) is a concept page of an area.

    An area is a package ``refalgo/<area>``; its pages live in ``docs/<area>/``. The API
    reference (``reference/api/<area>``) and the timings (``performance/<area>``) are not
    concept pages.
    """
    page = page.removeprefix("zh/")  # the Chinese version of the same page
    area = page.split("/", 1)[0]
    return "/" in page and (ROOT / "refalgo" / area / "__init__.py").is_file()


def heights_table(heights: dict[str, int | None]) -> str:
    """Page heights as a Markdown table, concept pages over the limit marked."""
    lines = ["| page | height (px) | |", "|---|---:|---|"]
    for page, height in sorted(heights.items()):
        note = ""
        if height is None:
            note = "not measured"
        elif is_concept_page(page) and height > CONCEPT_PAGE_MAX_HEIGHT:
            note = f"concept page over {CONCEPT_PAGE_MAX_HEIGHT:,} px"
        elif is_concept_page(page):
            note = "concept page"
        lines.append(f"| {page} | {'' if height is None else f'{height:,}'} | {note} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- derivation texts

# A title or justification is text with ``$…$`` math, ``\$`` a literal dollar (the format
# refalgo.derivation documents; split here on its own, so the check does not trust the
# renderer's reading of it).
_MATH_SPAN = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)


def text_pieces(text: str) -> tuple[list[str], list[str]]:
    """The text pieces and the math pieces of a title or justification, in order."""
    texts = [t.replace(r"\$", "$") for t in _MATH_SPAN.split(text)[::2]]
    return [t for t in texts if t.strip()], [m.strip() for m in _MATH_SPAN.findall(text)]


def _flat(text: str) -> str:
    """Text compared without its spacing; MathJax's text mode draws ' as a typographic apostrophe."""
    return "".join(text.replace("\u2019", "'").split())


def _missing_in_order(pieces: list[str], drawn: str) -> str | None:
    """The first of ``pieces`` not found in ``drawn`` after the ones before it, else None."""
    at = 0
    flat = _flat(drawn)
    for piece in pieces:
        found = flat.find(_flat(piece), at)
        if found < 0:
            return piece
        at = found + len(_flat(piece))
    return None


def source_derivations() -> list[dict[str, Any]]:
    """Module, title and step justifications of every derivation a chapter module defines, as written."""
    from refalgo.registry import chapter_modules

    out = []
    for module in chapter_modules():
        fn = getattr(module, "derivations", None)
        if not callable(fn) or getattr(fn, "__module__", None) != module.__name__:
            continue
        for d in fn():
            out.append({"module": module.__name__, "title": d.title, "whys": [s.why or "" for s in d.steps]})
    return out


def title_problem(title: str, drawn: dict[str, Any]) -> str | None:
    """How a drawn derivation's title differs from ``title`` as written, or None."""
    texts, maths = text_pieces(title)
    missing = _missing_in_order(texts, drawn["title"])
    if missing is not None:
        return f"the text {missing!r} is not drawn as written"
    if [_flat(m) for m in maths] != [_flat(t) for t in drawn["titleTex"]]:
        return f"its math {maths} was typeset as {drawn['titleTex']}"
    return None


def justification_problems(whys: list[str], drawn: dict[str, Any]) -> list[str]:
    """How a drawn chain's justifications (the last column of each row) differ from ``whys``."""
    out = []
    rows = drawn["rows"]
    for i, why in enumerate(whys):
        if not why:
            continue
        cells = rows[i] if i < len(rows) else []
        cell = cells[-1] if len(cells) >= 4 else ""
        texts, maths = text_pieces(why)
        missing = _missing_in_order(texts, cell)
        absent = [m for m in maths if _flat(m) not in _flat(drawn["tex"])]
        if missing is not None:
            out.append(f"step {i}: the text {missing!r} of {why!r} is not drawn as written (drawn: {cell!r})")
        elif absent:
            out.append(f"step {i}: the math {absent[0]!r} of {why!r} is not in the typeset chain")
    return out


def literal_problems(source: list[dict[str, Any]], drawn: list[dict[str, Any]]) -> list[str]:
    """Source derivations whose title or justifications do not reach a page's drawn derivations as written.

    Each source derivation is looked for among the drawn ones by its title; the first
    whose title and justifications all match passes it.
    """
    out = []
    for d in source:
        by_title = [x for x in drawn if title_problem(d["title"], x) is None]
        if not by_title:
            near = min(drawn, key=lambda x: -_similarity(d["title"], x["title"]), default=None)
            why = title_problem(d["title"], near) if near else "no derivation is drawn"
            out.append(f"{d['module']}: title {d['title']!r}: {why} (nearest drawn title: {near and near['title']!r})")
            continue
        found = [justification_problems(d["whys"], x) for x in by_title]
        if all(found):
            out += [f"{d['module']}: {d['title']!r}, {f}" for f in found[0]]
    return out


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _flat(a), _flat(b)).ratio()


if __name__ == "__main__":  # the background build of start_background_build
    _build_in_background(Path(sys.argv[1]), Path(sys.argv[2]))

"""MkDocs hooks: vendor MathJax, give pages the build helpers, render docstring math, list what the tests check.

MathJax comes from ``node_modules/mathjax`` (pinned in ``package.json``, installed by
``npm ci``) and its combined ``tex-svg-full.js`` (TeX input, SVG output, no web fonts)
is copied into the built site, so the site loads nothing from any CDN.

Docstrings follow the numpy convention and write math as reStructuredText: the role
``:math:`x``` inline and the directive ``.. math::`` for displays. mkdocstrings renders
docstrings as Markdown, where neither means anything, so :class:`DocstringMath` (a
Griffe extension registered by :func:`on_config`) rewrites them into the notation
``pymdownx.arithmatex`` typesets on every other page, ``\\(x\\)`` and a ``$$`` block,
before Markdown sees the text; the other cross-reference roles (``:func:``,
``:class:``…) become code spans. The rewrite works on Griffe's copy of each docstring,
never on the source.

A page's ``<!-- tests … -->`` comment becomes the list of what the named tests check,
read from their docstrings (see ``testdoc``); a listed test without a docstring stops
the build.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import griffe
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

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


# ---------------------------------------------------------------- docstring math
_INLINE_MATH = re.compile(r":math:`([^`]+)`")
_OTHER_ROLE = re.compile(r":(?:py:)?(?:func|meth|class|mod|attr|data|obj|exc|const):`(~?)([^`]+)`")
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<first>.*)$")
# reST's escaped space after inline markup (``:class:`Step`\ s``, ````Fraction``\ s``) joins the
# markup to the next word and prints nothing; Markdown needs no such escape.
_ESCAPED_SPACE = re.compile(r"`\\ (?=\w)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _display(indent: str, body: list[str]) -> list[str]:
    """A ``.. math::`` body as ``$$`` blocks: one per blank-line-separated equation, as reST does."""
    out: list[str] = []
    chunk: list[str] = []
    for line in [*body, ""]:
        if line:
            chunk.append(indent + line)
        elif chunk:
            out += ["", f"{indent}$$", *chunk, f"{indent}$$"]
            chunk = []
    return [*out, ""]


def _math_directives(text: str) -> str:
    """Every ``.. math::`` directive (content on its line and/or indented below) as ``$$`` blocks."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        found = _DIRECTIVE.match(lines[i])
        i += 1
        if not found:
            out.append(lines[i - 1])
            continue
        indent = found["indent"]
        body = [found["first"].strip()]
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > len(indent)):
            body.append(lines[i].strip())
            i += 1
        while body and not body[-1]:  # blank lines after the directive stay outside it
            body.pop()
            i -= 1
        out += _display(indent, body)
    return "\n".join(out)


def _role_text(m: re.Match[str]) -> str:
    """What a cross-reference role shows, as a code span: its title, else its target (``~``: the last part)."""
    short, target = m.group(1), m.group(2)
    titled = re.fullmatch(r"(.+?)\s*<[^>]+>", target)
    shown = titled.group(1) if titled else target.rsplit(".", 1)[-1] if short else target
    return f"`{shown}`"


def rst_math_to_markdown(text: str) -> str:
    r"""reStructuredText math and roles in a docstring, rewritten for Markdown with arithmatex.

    ``:math:`x``` becomes ``\(x\)`` (line breaks inside it become spaces), a ``.. math::``
    directive one ``$$`` block per equation, and ``:func:`name``` (or another
    cross-reference role) the code span ```name```; reST's escaped space after inline
    markup (``:class:`Step`\ s``) is dropped, as reST drops it.
    """
    text = _math_directives(_ESCAPED_SPACE.sub("`", text))
    text = _INLINE_MATH.sub(lambda m: "\\(" + " ".join(m.group(1).split()) + "\\)", text)
    return _OTHER_ROLE.sub(_role_text, text)


class DocstringMath(griffe.Extension):
    """Griffe extension: every docstring of a loaded package passed through :func:`rst_math_to_markdown`."""

    def on_package(self, *, pkg: griffe.Module, **_: Any) -> None:
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            if obj.docstring is not None:
                obj.docstring.value = rst_math_to_markdown(obj.docstring.value)
            stack += [m for m in obj.members.values() if not m.is_alias]


def _register_docstring_math(config: Any) -> None:
    """Add :class:`DocstringMath` to the mkdocstrings Python handler's Griffe extensions."""
    plugin = config["plugins"].get("mkdocstrings")
    if plugin is None:
        return
    options = plugin.config["handlers"].setdefault("python", {}).setdefault("options", {})
    extensions = options.setdefault("extensions", [])
    entry = f"{Path(__file__).resolve()}:{DocstringMath.__name__}"
    if entry not in extensions:
        extensions.append(entry)


@event_priority(100)  # before mkdocstrings' on_config, which creates its handlers from these options
def on_config(config: Any, **_: Any) -> Any:
    _register_docstring_math(config)
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


# Pages that exist in English only (their text is the docstrings): the Chinese navigation
# links to them and says so.
ENGLISH_ONLY = ("reference/api.md", "reference/api/")


def build_language(config: Any) -> str:
    """The language being built: mkdocs-static-i18n builds the site once per language."""
    import lang  # on the path since on_config

    plugin = config.plugins.get("i18n") if config is not None else None
    return getattr(plugin, "current_language", None) or lang.DEFAULT


def on_pre_build(config: Any, **_: Any) -> None:
    """Before the Chinese build, forget the anchors the English build registered.

    mkdocs-static-i18n builds each language in the same process with the same plugins, so
    mkdocs-autorefs would otherwise find every API heading twice (``reference/api/…`` and
    ``zh/reference/api/…``) and warn that the identifier is ambiguous.
    """
    import lang

    if build_language(config) == lang.DEFAULT:
        return
    autorefs = config.plugins.get("autorefs")
    for name in ("_primary_url_map", "_secondary_url_map", "_title_map", "_breadcrumbs_map", "_abs_url_map",
                 "_backlinks", "_url_to_page"):
        mapping = getattr(autorefs, name, None)
        if hasattr(mapping, "clear"):
            mapping.clear()


def on_page_markdown(markdown: str, page: Any, config: Any = None, **_: Any) -> str:
    _page_started[page.file.src_uri] = time.perf_counter()
    import lang
    import testdoc  # on the path since on_config

    language = build_language(config)
    source = getattr(page.file, "norm_src_uri", page.file.src_uri)
    if getattr(page.file, "locale", language) != language and not source.startswith(ENGLISH_ONLY):
        counterpart = source[: -len(".md")] + f".{language}.md"
        raise PluginError(f"{source} has no {language} version: write docs/{counterpart}")
    lang.use(language, source)
    import refdoc

    refdoc.page_fonts()  # before the page's blocks create any figure text
    try:
        return testdoc.expand(markdown, source, say=lang.say)
    except testdoc.TestListError as error:
        raise PluginError(f"Properties the tests check: {error}") from None
    except lang.MissingTranslation as error:
        raise PluginError(str(error)) from None


def on_page_content(html: str, page: Any, **_: Any) -> str:
    # Between the two events the page's Markdown is converted and its code blocks run.
    seconds = time.perf_counter() - _page_started.pop(page.file.src_uri, time.perf_counter())
    if seconds > SLOW_PAGE_SECONDS:
        log.info("%s: Markdown and executed blocks took %.1f s", page.file.src_uri, seconds)
    return html


# Material reads each <link rel="alternate"> as a language's root and fetches its sitemap.xml
# from there; mkdocs-static-i18n writes them per page (the page's own counterpart), so every
# page would request <page>/sitemap.xml and get a 404. The language switcher's own links
# already point to the counterpart page, so the head links are dropped.
_ALTERNATE_LINK = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')


def on_post_page(output: str, **_: Any) -> str:
    return _ALTERNATE_LINK.sub("", output)


def on_post_build(config: Any, **_: Any) -> None:
    target = Path(config["site_dir"]) / VENDOR
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(MATHJAX, target / MATHJAX.name)

"""The site in two languages: every page has its counterpart, terms follow the glossary, links land.

The site is built by mkdocs-static-i18n from ``docs/<page>.md`` (English) and
``docs/<page>.zh.md`` (Chinese, under ``/zh/``); what code prints is translated from
``docs/_build/i18n/zh/*.yml`` and the term pairs come from ``docs/_build/i18n/terms/*.yml``
(see CONTRIBUTING.md, "Two languages"). The static tests read the sources; the others
read the site built once per test session (conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.docs.sitecheck import ROOT

DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_build"))
import lang  # noqa: E402

# Pages whose text is the docstrings: English in both languages, by design.
ENGLISH_ONLY = ("reference/api.md", "reference/api/")


def _pages() -> list[str]:
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        rel = path.relative_to(DOCS).as_posix()
        if rel.startswith(("_build/", "_snippets/")):
            continue
        found.append(rel)
    return found


def _english(rel: str) -> str:
    return rel[: -len(".zh.md")] + ".md" if rel.endswith(".zh.md") else rel


def test_every_page_has_its_counterpart_in_the_other_language() -> None:
    """Every page but the API reference exists in English and in Chinese (``x.md`` and ``x.zh.md``)."""
    pages = set(_pages())
    missing = []
    for rel in sorted(pages):
        if rel.endswith(".zh.md"):
            if _english(rel) not in pages:
                missing.append(f"docs/{rel} has no English page docs/{_english(rel)}")
        elif not rel.startswith(ENGLISH_ONLY) and rel[: -len(".md")] + ".zh.md" not in pages:
            missing.append(f"docs/{rel} has no Chinese page docs/{rel[:-len('.md')]}.zh.md")
    assert not missing, "\n".join(missing)


def test_the_translation_tables_are_well_formed() -> None:
    """Every ``docs/_build/i18n/zh/*.yml`` is a list of en/zh pairs, and no English string is translated twice differently."""
    lang.table.cache_clear()
    assert lang.table("zh"), "no translation read from docs/_build/i18n/zh/"


def test_the_glossary_terms_are_well_formed() -> None:
    """Every term file parses; every term names a page that exists, in English and Chinese; no English term has two translations."""
    seen: dict[str, tuple[str, str]] = {}
    problems = []
    for term in lang.all_terms():
        page = term.page.partition("#")[0]
        if not (DOCS / page).is_file():
            problems.append(f"{term.source}: {term.en!r} names the page {page}, which does not exist")
        key = term.en.lower()
        if key in seen and seen[key][0] != term.zh:
            problems.append(f"{term.source}: {term.en!r} is {term.zh} here but {seen[key][0]} in {seen[key][1]}")
        seen.setdefault(key, (term.zh, term.source))
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ term pairs on pages
_HAN = "\u4e00-\u9fff"
# "状态价值（state value）" on a Chinese page, "state value (状态价值)" on an English one.
_ZH_THEN_EN = re.compile(rf"([{_HAN}][{_HAN}A-Za-z0-9]*)\s*[（(]\s*([A-Za-z][A-Za-z0-9 \-–’']*?)\s*[)）]")
_EN_THEN_ZH = re.compile(rf"([A-Za-z][A-Za-z0-9 \-–’']*?)\s*[（(]\s*([{_HAN}][{_HAN}、 ]*?)\s*[)）]")


def _variants(en: str, zh: str, also: tuple[str, ...]) -> list[tuple[str, set[str]]]:
    """The English names of a term, each with the Chinese names it may be paired with."""
    names = {zh, *also}
    out = [(en, names)]
    bare = re.sub(r"\s*\([^)]*\)", "", en).strip()
    if bare != en:
        out.append((bare, names))
    for part in re.findall(r"\(([^)]*)\)", en):
        if not re.search(rf"[{_HAN}]", part):
            out.append((part.strip(), names))
    ens, zhs = [e.strip() for e in bare.split(" / ")], [z.strip() for z in zh.split(" / ")]
    if len(ens) > 1 and len(ens) == len(zhs):
        out += [(e, {z}) for e, z in zip(ens, zhs)]
    return out


def _glossary() -> dict[str, set[str]]:
    pairs: dict[str, set[str]] = {}
    for term in lang.all_terms():
        for en, names in _variants(term.en, term.zh, term.also):
            pairs.setdefault(en.lower(), set()).update(names)
    return pairs


def _prose(text: str) -> str:
    """A page's text without code blocks, code spans and math, where pairs are not written as prose."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", text, flags=re.S)


def term_pair_problems(text: str, glossary: dict[str, set[str]]) -> list[str]:
    """Each pairing in ``text`` of a glossary term with a translation other than the glossary's."""
    out = []
    for chinese, english in _ZH_THEN_EN.findall(text):
        allowed = glossary.get(english.strip().lower())
        if allowed is not None and not any(chinese.endswith(z) for z in allowed):
            out.append(f"{chinese}（{english}）: the glossary says {' or '.join(sorted(allowed))}")
    for english, chinese in _EN_THEN_ZH.findall(text):
        words = english.strip().split()
        # The longest run of final words that is a glossary term names the term.
        term = next((" ".join(words[i:]).lower() for i in range(len(words)) if " ".join(words[i:]).lower() in glossary), None)
        if term is not None and chinese.strip() not in glossary[term]:
            out.append(f"{english.strip()} ({chinese}): the glossary says {' or '.join(sorted(glossary[term]))}")
    return out


def test_term_pair_check_finds_a_contradiction() -> None:
    """The term-pair check flags a pairing that contradicts the glossary and passes the glossary's own pairs."""
    glossary = {"state value": {"状态价值"}, "bellman equation": {"贝尔曼方程"}}
    assert term_pair_problems("其中状态价值（state value）满足贝尔曼方程（Bellman equation）。", glossary) == []
    assert term_pair_problems("the state value (状态价值) satisfies", glossary) == []
    assert len(term_pair_problems("状态值（state value）", glossary)) == 1
    assert len(term_pair_problems("the state value (状态值函数)", glossary)) == 1


def test_no_page_pairs_a_term_with_another_translation_than_the_glossary() -> None:
    """Wherever a page (either language) writes a term beside its translation, the pair is the glossary's."""
    glossary = _glossary()
    found = []
    sources = [p for p in _pages()] + [p.relative_to(DOCS).as_posix() for p in (DOCS / "_snippets").rglob("*.md")]
    for rel in sources:
        text = _prose((DOCS / rel).read_text(encoding="utf-8"))
        found += [f"docs/{rel}: {p}" for p in term_pair_problems(text, glossary)]
    assert not found, "\n".join(found)


# ------------------------------------------------------------------ the built site
class _Links(HTMLParser):
    """Heading ids and the language switcher's links of one built page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.alternates: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("h2", "h3") and a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "a" and a.get("hreflang") and "md-select__link" in (a.get("class") or ""):
            self.alternates[str(a["hreflang"])] = str(a.get("href"))


def _read(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _built(rel: str) -> str:
    stem = _english(rel)[: -len(".md")]
    return "index.html" if stem == "index" else f"{stem}/index.html"


def _translated_pages() -> list[str]:
    return [p for p in _pages() if p.endswith(".zh.md")]


@pytest.mark.docs
def test_chinese_headings_keep_the_english_anchors(site: Path) -> None:
    """Every section of a page has the same anchor in both languages, so links and the switcher land on it."""
    problems = []
    for rel in _translated_pages():
        en, zh = _read(site / _built(rel)).ids, _read(site / "zh" / _built(rel)).ids
        if en != zh:
            only_en = [i for i in en if i not in zh]
            only_zh = [i for i in zh if i not in en]
            problems.append(f"docs/{rel}: English-only anchors {only_en}, Chinese-only anchors {only_zh}")
    assert not problems, "\n".join(problems)


def _resolve(page_url: str, href: str) -> str:
    from posixpath import join, normpath

    if href.startswith("/"):
        return normpath(href.lstrip("/"))
    return normpath(join(page_url.rsplit("/", 1)[0], href))


@pytest.mark.docs
def test_the_language_switcher_lands_on_the_same_page(site: Path) -> None:
    """On every page, the switcher's English and Chinese links go to that page's two versions."""
    problems = []
    for rel in _translated_pages():
        built = _built(rel)
        for url, own in ((built, ""), ("zh/" + built, "zh/")):
            alternates = _read(site / url).alternates
            targets = {k: _resolve(url, v) for k, v in alternates.items()}
            here = built.rsplit("/", 1)[0] if "/" in built else "."
            want = {"en": _resolve(here + "/x", "./"), "zh": _resolve("zh/" + here + "/x", "./")}
            if targets != want:
                problems.append(f"{url}: switcher links {targets}, expected {want} ({own or 'en'})")
    assert not problems, "\n".join(problems)


SEARCH = ROOT / "tests" / "docs" / "search_site.mjs"
QUERIES = {"贝尔曼": "zh/mdp/state-values/", "梯度": "zh/calculus/directional-derivative/",
           "直接偏好优化": "zh/alignment/dpo/"}


@pytest.fixture(scope="module")
def chinese_search(site: Path) -> dict[str, list[str]]:
    """What the search box of the Chinese home page lists for each query, typed in Chromium."""
    from tests.docs.sitecheck import CHROMIUM, NODE, require_browser, serve

    require_browser()
    with serve(site) as base:
        proc = subprocess.run([NODE, str(SEARCH), base, "zh/index.html", *QUERIES], cwd=ROOT, capture_output=True,
                              text=True, timeout=300, env={**os.environ, "CHROMIUM": CHROMIUM})
    assert proc.returncode == 0, f"search_site.mjs exited with {proc.returncode}:\n{proc.stderr[-3000:]}"
    results: dict[str, list[str]] = json.loads(proc.stdout)["results"]
    return results


@pytest.mark.docs
@pytest.mark.parametrize(("word", "page"), list(QUERIES.items()))
def test_chinese_search_finds_the_page(chinese_search: dict[str, list[str]], word: str, page: str) -> None:
    """Typing a Chinese term into the Chinese site's search box lists the page that defines it (jieba segments the index)."""
    found = [p.lstrip("/") for p in chinese_search[word]]
    assert page in found, f"searching {word} lists {found[:10]}, not {page}"

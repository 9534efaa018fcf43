"""The page's language, and every string the build helpers print, in that language.

The site has an English and a Chinese (简体中文) version of every page
(mkdocs-static-i18n, ``docs/<page>.md`` and ``docs/<page>.zh.md``). Prose is written per
language; what the code prints onto a page — derivation titles and step justifications,
the symbols' descriptions and written arguments, figure labels, legends and captions,
table headers — is written once, in English, in the code, and translated here from one
table per area: ``docs/_build/i18n/zh/<area>.yml``, a list of ``{en: …, zh: …}`` pairs.
On a Chinese page, a string with no translation stops the build and names the file to
add it to; nothing English slips onto a Chinese page unnoticed.

The hooks set :data:`current` before each page is rendered (:func:`use`); the helpers in
``refdoc`` call :func:`say` on every string they print.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from refalgo.derivation import ENGLISH, Tally, Wording

HERE = Path(__file__).resolve().parent
TABLES = HERE / "i18n"
LANGUAGES = ("en", "zh")
DEFAULT = "en"

# A CJK font for the figures' text (drawn as paths, so the reader needs no font): Debian's
# fonts-wqy-microhei, installed by `make fonts`.
CJK_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


class MissingTranslation(LookupError):
    """A string printed on a page has no translation into the page's language."""


@dataclass
class _State:
    language: str = DEFAULT
    page: str = ""


current = _State()


def use(language: str, page: str = "") -> None:
    """Make ``language`` the language of what the helpers print next (for docs page ``page``)."""
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}; got {language!r}")
    current.language = language
    current.page = page


def language_of(src_uri: str) -> str:
    """The language of a docs source file by its suffix: ``x.zh.md`` is Chinese, ``x.md`` English."""
    stem = src_uri.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    suffix = stem.rsplit(".", 1)[-1] if "." in stem else ""
    return suffix if suffix in LANGUAGES else DEFAULT


def _normal(text: str) -> str:
    return " ".join(text.split())


@cache
def table(language: str) -> dict[str, str]:
    """Every ``en → language`` pair of ``docs/_build/i18n/<language>/*.yml``; a string in two files is an error."""
    pairs: dict[str, str] = {}
    where: dict[str, str] = {}
    for path in sorted((TABLES / language).glob("*.yml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(entries, list):
            raise ValueError(f"{path}: expected a list of {{en: …, {language}: …}} pairs; got {type(entries).__name__}")
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("en"), str) or not isinstance(entry.get(language), str):
                raise ValueError(f"{path}: entry {i}: expected {{en: <text>, {language}: <text>}}; got {entry!r}")
            key = _normal(entry["en"])
            if key in pairs and pairs[key] != entry[language].strip():
                raise ValueError(f"{path}: {entry['en']!r} is translated differently in {where[key]}")
            pairs[key] = entry[language].strip()
            where[key] = path.name
    return pairs


def _area_file(language: str) -> str:
    area = current.page.split("/", 1)[0] if "/" in current.page else "site"
    return f"docs/_build/i18n/{language}/{area}.yml"


def say(text: str) -> str:
    """``text`` in the current page's language (as written on an English page)."""
    if current.language == DEFAULT or not text.strip() or not _has_words(text):
        return text
    found = table(current.language).get(_normal(text))
    if found is None:
        raise MissingTranslation(
            f"{current.page or 'this page'}: no {current.language} text for {text.strip()!r}; "
            f"add it to {_area_file(current.language)} as - en: … / {current.language}: …"
        )
    return found


_MATH = re.compile(r"\$[^$]*\$")


def _has_words(text: str) -> bool:
    """True when ``text`` has a Latin word outside its ``$…$`` math (numbers and pure math need no translation)."""
    return bool(re.search(r"[A-Za-z]{2,}", _MATH.sub("", text)))


# ------------------------------------------------------------ derivations in Chinese
def _steps_zh(idx: Sequence[int]) -> str:
    return "第 " + "、".join(str(i) for i in idx) + " 步"


def _summary_zh(t: Tally, argued: bool) -> str:
    parts = []
    if t.proven:
        parts.append(f"{_steps_zh(t.proven)}已符号证明")
    if t.checked:
        parts.append(f"{_steps_zh(t.checked)}在至少 {t.points} 个随机精确点上抽样检验（证据，不是证明）")
    text = "；".join(parts) + "。" if parts else "没有需要验证的步骤。"
    return text + ("抽样检验的步骤附有上面的书面论证。" if argued else "")


def _where_zh(defs: Sequence[tuple[str, str]]) -> str:
    return "其中 " + "，".join(f"${tex}$ 为{what}" for tex, what in defs) + "。"


CHINESE = Wording(
    proven="✓ 已证明",
    checked="✓ 已抽样检验",
    where=_where_zh,
    argument="*论证.* {text}",
    step_argument="*第 {index} 步为何成立.* {text}",
    summary=_summary_zh,
)

WORDINGS = {"en": ENGLISH, "zh": CHINESE}


def wording() -> Wording:
    """The fixed words around a derivation in the current page's language."""
    return WORDINGS[current.language]


def cjk_font() -> Path | None:
    """The first CJK font file on this machine, or None."""
    return next((p for p in CJK_FONTS if p.exists()), None)


# ------------------------------------------------------------ the glossary's term pairs
TERMS = TABLES / "terms"
# The glossary's sections in reading order: the site, verification, checking, the chapters, performance.
TERM_FILES_FIRST = ("reading", "verification", "check")
TERM_FILES_LAST = ("performance",)


@dataclass(frozen=True)
class Term:
    """One glossary entry: the English term, its Chinese, other Chinese names, where it is defined, its meaning."""

    en: str
    zh: str
    also: tuple[str, ...]
    page: str
    meaning: dict[str, str]
    source: str

    def meaning_in(self, language: str) -> str:
        """The meaning in ``language``; math-only meanings serve both languages."""
        text = self.meaning.get(language)
        if text is not None:
            return text
        english = self.meaning["en"]
        if language != DEFAULT and _has_words(english):
            raise MissingTranslation(f"{self.source}: the term {self.en!r} has no meaning.{language}")
        return english


@dataclass(frozen=True)
class TermSection:
    title: dict[str, str]
    terms: tuple[Term, ...]


def _order(name: str, areas: Sequence[str]) -> tuple[int, str]:
    first = list(TERM_FILES_FIRST) + list(areas)
    if name in first:
        return first.index(name), ""
    if name in TERM_FILES_LAST:
        return len(first) + 1, name
    return len(first), name


@cache
def _term_sections(areas: tuple[str, ...]) -> tuple[tuple[str, TermSection], ...]:
    found = []
    for path in sorted(TERMS.glob("*.yml"), key=lambda p: _order(p.stem, areas)):
        source = f"docs/_build/i18n/terms/{path.name}"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise ValueError(f"{source}: expected a list of sections {{title: {{en, zh}}, terms: [...]}}; got {type(data).__name__}")
        for section in data:
            terms = []
            for entry in section.get("terms") or []:
                missing = [k for k in ("en", "zh", "page", "meaning") if not entry.get(k)]
                if missing:
                    raise ValueError(f"{source}: the term {entry.get('en')!r} lacks {', '.join(missing)}")
                terms.append(Term(entry["en"], entry["zh"], tuple(entry.get("also") or ()), entry["page"],
                                  dict(entry["meaning"]), source))
            found.append((path.stem, TermSection(dict(section["title"]), tuple(sorted(terms, key=lambda t: t.en.lower())))))
    return tuple(found)


def term_sections(areas: Sequence[str] = ()) -> list[tuple[str, TermSection]]:
    """Every glossary section as ``(file stem, section)``, in reading order (``areas`` gives the chapters' order)."""
    return list(_term_sections(tuple(areas)))


def all_terms() -> list[Term]:
    """Every term of every section."""
    return [t for _, section in term_sections() for t in section.terms]

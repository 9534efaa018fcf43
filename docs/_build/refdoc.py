"""Helpers for the code blocks that markdown-exec runs while the site builds.

Every equation, code listing, table and figure a page shows is produced here from the
current code: derivations are verified before they are rendered (a failure stops the
build), code is read from the source with ``inspect``, figures are drawn by matplotlib
and inlined as SVG (text as paths, so no fonts are fetched).
"""

from __future__ import annotations

import base64
import inspect
import io
import json
import itertools
import posixpath
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import sympy as sp  # noqa: E402

import lang  # noqa: E402
from lang import say  # noqa: E402
from refalgo import Derivation  # noqa: E402
from refalgo.registry import Concept, chapter_modules, discover  # noqa: E402

# The areas in reading order, with their titles; an area not listed comes after these.
AREAS = {
    "calculus": "Calculus",
    "mdp": "Markov decision processes",
    "rl": "Reinforcement learning",
    "optim": "Optimizers",
    "alignment": "Alignment",
    "vision": "Vision",
    "models": "Model architectures",
    "geometry": "Computational geometry",
}

_figure_ids = itertools.count()


def _out(*texts: Any, end: str = "\n") -> None:
    """Print into the output of the code block that called the helper.

    markdown-exec captures a block's output through a ``print`` it puts in the block's
    globals, not through ``sys.stdout``; so the helpers print with the ``print`` of the
    nearest calling frame that has one (the builtin one outside markdown-exec).
    """
    frame = inspect.currentframe()
    while frame is not None:
        block_print = frame.f_globals.get("print")
        if block_print is not None:
            block_print(*texts, end=end)
            return
        frame = frame.f_back
    print(*texts, end=end)


# Rendered derivations by content: a chain shown on its chapter page and again on the
# derivations index is verified once per build. Verification is a pure function of the
# chain (steps, factors, definitions, assumptions and their seed), so equal keys mean
# equal verdicts.
_rendered: dict[tuple[Any, str], tuple[str, str, tuple[str, ...]]] = {}


def _key(d: Derivation) -> tuple[Any, ...]:
    steps = tuple(
        (sp.srepr(s.expr), s.why, None if s.factor is None else sp.srepr(s.factor), s.display, s.argument)
        for s in d.steps
    )
    where = tuple((sp.srepr(k), sp.srepr(v)) for k, v in d.where.items())
    names = tuple((sp.srepr(k), v) for k, v in d.names.items())
    extra = (tuple(d.symbols.items()), names, repr(d.notation), d.argument)
    return (d.title, steps, repr(d.assumptions), where, d.lhs_latex, extra)


# One verification per chain content, shared by the two languages' builds: the zh pages
# rebuild the same chains as new objects, and checking them again would double the
# verification time without checking anything new (the sampled checks are deterministic).
_verifications: dict[tuple[Any, ...], Any] = {}


def _verified(d: Derivation) -> tuple[str, str, tuple[str, ...]]:
    content = _key(d)
    key = (content, lang.current.language)
    if key not in _rendered:
        if content in _verifications:
            d.adopt_verification(_verifications[content])
        else:
            _verifications[content] = d.verify()
        # Verifies, and raises when a step or a display form fails; the words in the page's language.
        markdown = d.to_markdown(lang.wording(), say)
        _rendered[key] = (d.verify().status, markdown, tuple(d.marks()))
    return _rendered[key]


def verified(d: Derivation) -> tuple[str, str]:
    """``(status, markdown)`` of a derivation that passed; raises DerivationError otherwise.

    ``status`` is ``"proven"`` or ``"checked"``; the markdown is what :func:`derivation`
    prints. A chain with the same content as one already rendered is not verified again.
    """
    status, markdown, _ = _verified(d)
    return status, markdown


def step_marks(d: Derivation) -> tuple[str, ...]:
    """Each link's mark: ``"proven"``, ``"checked"`` or ``"argued"`` (checked, with a written argument)."""
    return _verified(d)[2]


def _source_marker(d: Derivation) -> str:
    """A hidden element before a derivation holding its title and justifications as written.

    The browser check compares what is drawn with it, on every page and in both languages.
    """
    data = {"title": say(d.title), "whys": [say(s.why) if s.why else "" for s in d.steps]}
    # Base64, so that no Markdown or math extension touches the text ($…$, *, _, \) even
    # when the marker is indented into a folded block, where it is read as inline HTML.
    encoded = base64.b64encode(json.dumps(data, ensure_ascii=False).encode("utf-8")).decode("ascii")
    return f'<div class="derivation-source" hidden data-source="{encoded}"></div>\n'


def derivation(d: Derivation) -> None:
    """Print a verified derivation (title, aligned chain, how it was verified)."""
    markdown = verified(d)[1]
    _out(_source_marker(d))
    _out(markdown)


def derivations(ds: Iterable[Derivation]) -> None:
    """Print several verified derivations, one after another."""
    for d in ds:
        derivation(d)
        _out()


def code(obj: Any, *, language: str = "python") -> None:
    """Print the source of a function, class or module as a fenced block."""
    src = textwrap.dedent(inspect.getsource(obj)).rstrip()
    _out(f"```{language}\n{src}\n```")


def twins(symbolic: Any, numeric: Any, *extra: tuple[str, Any]) -> None:
    """Print the symbolic and the numeric twin side by side in tabs, from the source."""
    tabs = [("Symbolic (SymPy)", symbolic), ("Numeric (NumPy)", numeric), *extra]
    for title, obj in ((say(t), o) for t, o in tabs):
        src = textwrap.dedent(inspect.getsource(obj)).rstrip()
        body = textwrap.indent(f"```python\n{src}\n```", "    ")
        _out(f'=== "{title}"\n\n{body}\n')


def _translate_figure(fig: Any) -> None:
    """Every text of ``fig`` (titles, axis labels, legends, annotations) in the page's language."""
    for text in fig.findobj(matplotlib.text.Text):
        words = text.get_text()
        if words:
            text.set_text(say(words))


def page_fonts() -> None:
    """Text is drawn as paths in DejaVu Sans, or, on a Chinese page, in a CJK font (DejaVu behind it).

    matplotlib texts take the font list in force when they are created, so the hooks call
    this as each page starts, and :func:`figure` again before saving.
    """
    matplotlib.rcParams["svg.fonttype"] = "path"
    if lang.current.language == lang.DEFAULT:
        matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
        matplotlib.rcParams["mathtext.fontset"] = "dejavusans"
        return
    font = lang.cjk_font()
    if font is None:
        raise RuntimeError(
            f"{lang.current.page}: a figure with {lang.current.language} text needs a CJK font; "
            "run `make fonts` (Debian's fonts-wqy-microhei)"
        )
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font))
    name = font_manager.FontProperties(fname=str(font)).get_name()
    # The CJK font first: a label that mixes Chinese and $…$ math is laid out in its first
    # font only (matplotlib's math renderer does not fall back), and WenQuanYi has Latin too.
    matplotlib.rcParams["font.family"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["mathtext.fontset"] = "dejavusans"


def figure(fig: Any, caption: str) -> None:
    """Print a matplotlib figure as inline SVG with a caption, then close it.

    The figure's texts and the caption are put into the page's language first.
    """
    matplotlib.rcParams["svg.hashsalt"] = f"refalgo-{next(_figure_ids)}"
    page_fonts()
    _translate_figure(fig)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})  # no date: same page every build
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    _out(f'<figure class="plot" markdown="0">\n{svg}\n<figcaption>{say(caption)}</figcaption>\n</figure>\n')


def table(header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Print a Markdown table (its header in the page's language)."""
    _out("| " + " | ".join(say(h) for h in header) + " |")
    _out("|" + "---|" * len(header))
    for row in rows:
        _out("| " + " | ".join(str(c) for c in row) + " |")


def cell(value: Any) -> str:
    """Text made safe for one Markdown table cell (pipes escaped, line breaks as <br>)."""
    return " <br> ".join(str(value).replace("|", r"\|").split("\n"))


def link(target: str, page: str) -> str:
    """The relative link from docs page ``page`` to docs page ``target`` (both relative to docs/)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def area_title(area: str) -> str:
    """The heading of an area: its title, or the area name capitalised when it has none."""
    return say(AREAS.get(area, area.capitalize()))


def _area_key(area: str) -> tuple[int, str]:
    order = list(AREAS)
    return (order.index(area), "") if area in order else (len(order), area)


def _tolerance(c: Concept) -> str:
    t = c.tolerance
    bound = f"rtol {t.rtol:g}, atol {t.atol:g}"
    return f"{bound} — {t.why}" if t.why else bound


def registry_table(*, page: str, concepts: Iterable[Concept] | None = None) -> None:
    """Print the concept registry as a table: area, concept (linked), tolerance and why, references.

    ``page`` is the docs page that shows the table, so that the links resolve from it.
    """
    found = sorted(discover() if concepts is None else concepts, key=lambda c: (_area_key(c.area), c.name))
    if not found:
        _out(say("The registry holds no concept."))
        return
    rows = (
        (
            cell(area_title(c.area)),
            f"[{cell(c.name)}]({link(c.page, page)})",
            cell(_tolerance(c)),
            " <br> ".join(cell(r) for r in c.references),
        )
        for c in found
    )
    table(["Area", "Concept", "Tolerance (why)", "References"], rows)


@dataclass(frozen=True)
class Chapter:
    """The derivations one chapter module exposes, with its area."""

    area: str
    module: str
    summary: str
    derivations: tuple[Derivation, ...]


def chapters(modules: Iterable[ModuleType] | None = None) -> Iterator[Chapter]:
    """Every module under ``refalgo.<area>`` that defines ``derivations()``, with what it returns."""
    for module in chapter_modules() if modules is None else modules:
        parts = module.__name__.split(".")
        fn = getattr(module, "derivations", None)
        if len(parts) < 2 or not callable(fn) or getattr(fn, "__module__", None) != module.__name__:
            continue
        doc = inspect.getdoc(module) or ""
        yield Chapter(parts[1], module.__name__, doc.split("\n", 1)[0], tuple(fn()))


def _counts(chains: list[tuple[str, ...]]) -> tuple[int, int, int, int, int]:
    """Derivations, steps, and the steps proven, checked with a written argument, and only checked."""
    steps = [mark for chain in chains for mark in chain]
    return len(chains), len(steps), steps.count("proven"), steps.count("argued"), steps.count("checked")


def derivation_index(*, page: str, modules: Iterable[ModuleType] | None = None) -> None:
    """Print every chapter's derivations, verified, grouped by area, after a summary table.

    Each derivation is verified before anything is printed; one that fails stops the
    build. ``page`` is the docs page that shows the index, so that links resolve from it.
    """
    found = sorted(chapters(modules), key=lambda ch: (_area_key(ch.area), ch.module))
    if not found:
        _out(say("No chapter module defines derivations."))
        return
    marks = [[step_marks(d) for d in ch.derivations] for ch in found]
    pages: dict[str, dict[str, list[str]]] = {}
    for c in discover():
        pages.setdefault(c.area, {}).setdefault(c.page, []).append(c.name)
    rows = [
        (cell(area_title(ch.area)), f"`{ch.module}`", *(str(n) for n in _counts(m))) for ch, m in zip(found, marks)
    ]
    every = [chain for m in marks for chain in m]
    rows.append((f"**{say('All')}**", "", *(f"**{n}**" for n in _counts(every))))
    table(["Area", "Module", "Derivations", "Steps", "Proven", "Checked, with a written argument",
           "Checked only"], rows)
    _out()
    for area, group in itertools.groupby(found, key=lambda ch: ch.area):
        _out(f"## {area_title(area)} {{#{_anchor(AREAS.get(area, area))}}}\n")
        if pages.get(area):
            shown = ", ".join(f"[{', '.join(names)}]({link(p, page)})" for p, names in sorted(pages[area].items()))
            _out(f"{say('Concept pages')}: {shown}.\n")
        for ch in group:
            _out(f"### `{ch.module}`\n")
            if ch.summary:
                _out(f"{rst_inline(say(ch.summary))}\n")
            derivations(ch.derivations)


# ----------------------------------------------------------------- glossary and terms
def _term_rows(terms: Iterable[lang.Term], page: str) -> list[tuple[str, str, str]]:
    rows = []
    for t in terms:
        target, _, anchor = t.page.partition("#")
        href = link(target, page) + (f"#{anchor}" if anchor else "")
        zh = t.zh + "".join(f"（{a}）" for a in t.also)
        rows.append((f"[{cell(t.en)}]({href})", cell(zh), cell(t.meaning_in(lang.current.language))))
    return rows


def glossary(*, page: str) -> None:
    """Print the glossary from ``docs/_build/i18n/terms/*.yml``: a section per file section, in reading order."""
    for _, section in lang.term_sections(list(AREAS)):
        _out(f"## {section.title[lang.current.language]} {{#{_anchor(section.title['en'])}}}\n")
        table(["English", "中文", "On this site"], _term_rows(section.terms, page))
        _out()


def terms(page: str) -> None:
    """Print the terms defined on docs page ``page``, from the glossary's single source."""
    mine = [t for t in lang.all_terms() if t.page.partition("#")[0] == page]
    if not mine:
        raise ValueError(f"page: no glossary term is defined on {page!r}; add its terms to docs/_build/i18n/terms/")
    table(["English", "中文", "On this site"], _term_rows(sorted(mine, key=lambda t: t.en.lower()), page))


def _anchor(english_title: str) -> str:
    """The anchor a heading gets from its English title, in both languages (Python-Markdown's slug)."""
    from markdown.extensions.toc import slugify

    return slugify(english_title, "-")


def rst_inline(text: str) -> str:
    """A docstring's summary line as Markdown: ``:math:`x``` as math, double backquotes as code."""
    text = re.sub(r":math:`([^`]+)`", r"$\1$", text)
    # Cross-reference roles as code: ``:class:`~a.b.C``` is ``C``, ``:func:`a.f``` is ``a.f``.
    text = re.sub(
        r":(?:py:)?(?:class|func|meth|mod|attr|data|obj|exc):`(~?)([^`]+)`",
        lambda m: f"`{m.group(2).rsplit('.', 1)[-1] if m.group(1) else m.group(2)}`",
        text,
    )
    return re.sub(r"``([^`]+)``", r"`\1`", text)

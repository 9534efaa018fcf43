"""Listings for the "Algorithm" section of a concept page: the body, the equations, the full source.

A concept module lists the equations its twins implement in an "Equations" section of
its docstring, and tags each line of the numeric twin with ``# (k)``, the number of the
equation that line computes. A page shows that section rendered, then only the
numeric twin's body (no signature, no docstring) with each tag moved onto its own line
right above the code it labels, the way an annotated implementation reads; the whole
source, docstrings included, sits one click away in a collapsed block.

Everything is read from the code with ``inspect`` and ``ast``: nothing is pasted. The
functions return Markdown; a page prints it.
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import textwrap
import tokenize
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

WIDTH = 88
"""Longest line a listing keeps as it is; a longer one gets its trailing comment moved above it."""

_TAG = re.compile(r"#\s*\(\d+\)")
_SECTION = re.compile(r"^(?P<title>[A-Z][^\n]*)\n-{3,}\s*$", re.M)


def body(fn: Callable[..., Any]) -> str:
    """The statements of ``fn`` after its docstring, dedented, as they are in the source."""
    src = textwrap.dedent(inspect.getsource(fn))
    node = ast.parse(src).body[0]
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise TypeError(f"fn: expected a function; got {type(node).__name__} {getattr(fn, '__name__', fn)!r}")
    statements = node.body
    first = statements[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    if has_doc and len(statements) == 1:
        raise ValueError(f"fn: {fn.__name__} has a docstring and no statements")
    start = first.end_lineno if has_doc else node.body[0].lineno - 1  # 1-based line of the docstring's end
    assert start is not None
    lines = src.splitlines()[start:]
    return textwrap.dedent("\n".join(lines)).strip("\n")


def _trailing_comments(code: str) -> dict[int, int]:
    """For each 0-based line that ends in a comment after code, the column where the comment starts."""
    found: dict[int, int] = {}
    tokens = tokenize.generate_tokens(io.StringIO(code + "\n").readline)
    for tok in tokens:
        if tok.type == tokenize.COMMENT and tok.line[: tok.start[1]].strip():
            found[tok.start[0] - 1] = tok.start[1]
    return found


def annotated(code: str, *, width: int = WIDTH) -> str:
    """``code`` with every equation tag ``# (k) …`` (and any comment that makes a line too long) above its line."""
    comments = _trailing_comments(code)
    out: list[str] = []
    for i, line in enumerate(code.splitlines()):
        col = comments.get(i)
        if col is not None and (_TAG.match(line[col:]) or len(line) > width):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + line[col:].rstrip())
            out.append(line[:col].rstrip())
        else:
            out.append(line)
    return "\n".join(out)


def _roles(text: str) -> str:
    """reStructuredText roles and literals of a docstring as Markdown."""
    text = re.sub(r":math:`([^`]*)`", r"$\1$", text)
    text = re.sub(r":(?:func|class|mod|meth|attr|data):`~?([^`]*)`", r"`\1`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def equations(module: ModuleType) -> str:
    """The "Equations" section of ``module``'s docstring as Markdown: prose and display math.

    ``.. math::`` directives (with their indented continuation lines) become display
    math, consecutive ones gathered into one block, a line each; a ``$$ … $$`` block is
    kept; prose keeps its words with roles made Markdown.
    """
    doc = inspect.getdoc(module) or ""
    heads = list(_SECTION.finditer(doc))
    where = next((k for k, m in enumerate(heads) if m.group("title").strip() == "Equations"), None)
    if where is None:
        raise ValueError(f"module: {module.__name__} has no Equations section in its docstring")
    end = heads[where + 1].start() if where + 1 < len(heads) else len(doc)
    lines = doc[heads[where].end() : end].strip("\n").splitlines()
    out: list[str] = []
    block: list[str] = []  # the directives of the current run, one line of LaTeX each
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.startswith(".. math::"):
            math = [line[len(".. math::") :].strip()]
            k += 1
            while k < len(lines) and lines[k].startswith((" ", "\t")) and lines[k].strip():
                math.append(lines[k].strip())
                k += 1
            block.append(" ".join(math))
            continue
        if line.strip() or not block:
            out.extend(_display(block))
            block = []
            out.append(_roles(line))
        k += 1
    out.extend(_display(block))
    return "\n".join(out).strip() + "\n"


_NUMBER = re.compile(r"\\qquad\s*(\(\d+\))\s*$")


def _display(block: list[str]) -> list[str]:
    """One display for a run of equations: the equation itself, or an aligned block of them.

    In a block the equations are set flush left and their numbers ``\\qquad (k)`` in a
    column of their own, as in the module docstrings that write the block themselves.
    """
    if not block:
        return []
    if len(block) == 1:
        return ["$$", block[0], "$$", ""]
    rows = [f"& {_NUMBER.sub('', eq).rstrip()} && {m.group(1)}" if (m := _NUMBER.search(eq)) else f"& {eq}" for eq in block]
    return ["$$", "\\begin{aligned}", " \\\\\n".join(rows), "\\end{aligned}", "$$", ""]


def _fenced(code: str, indent: str = "") -> str:
    return textwrap.indent(f"```python\n{code}\n```", indent)


def algorithm(fn: Callable[..., Any], *, width: int = WIDTH) -> str:
    """The body of ``fn`` as a Python listing, equation tags above the lines they label."""
    return _fenced(annotated(body(fn), width=width))


def full_source(tabs: Sequence[tuple[str, Any]], *, title: str = "Full source") -> str:
    """A collapsed block holding the complete source of each object, one tab each (titles in the page's language)."""
    from lang import say

    parts = [f'??? note "{say(title)}"\n']
    for name, obj in tabs:
        src = textwrap.dedent(inspect.getsource(obj)).rstrip()
        parts.append(f'    === "{name}"\n\n{_fenced(src, " " * 8)}\n')
    return "\n".join(parts)


def displays(module: ModuleType) -> str:
    """The ``.. math::`` displays of ``module``'s docstring as Markdown display math, nothing else.

    For a module whose docstring numbers its equations in one display, without an
    "Equations" section (see :func:`equations`).
    """
    lines = (inspect.getdoc(module) or "").splitlines()
    out: list[str] = []
    for k, line in enumerate(lines):
        if line.startswith(".. math::"):
            math = [line[len(".. math::") :].strip()]
            for more in lines[k + 1 :]:
                if not (more.startswith((" ", "\t")) and more.strip()):
                    break
                math.append(more.strip())
            out.append("$$\n" + "\n".join(m for m in math if m) + "\n$$")
    if not out:
        raise ValueError(f"module: {module.__name__} has no .. math:: display in its docstring")
    return "\n\n".join(out) + "\n"


def links(fn: Callable[..., Any]) -> list[str]:
    """The links of the first ``chain(...)`` that ``fn`` returns, each as written in the source.

    A link that is a local name stands for the call assigned to it in ``fn``
    (``adam = scale_by_adam(...)`` then ``chain(adam, ...)`` gives ``scale_by_adam(...)``),
    so two optimizers built as chains can be shown link by link, side by side.
    """
    src = textwrap.dedent(inspect.getsource(fn))
    tree = ast.parse(src)
    assigned: dict[str, str] = {}
    returns: list[ast.Call] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned[node.targets[0].id] = ast.get_source_segment(src, node.value) or ""
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            if isinstance(node.value.func, ast.Name) and node.value.func.id == "chain":
                returns.append(node.value)
    if not returns:
        raise ValueError(f"fn: {getattr(fn, '__name__', fn)!r} returns no chain(...)")
    first = min(returns, key=lambda call: call.lineno)
    return [
        assigned.get(arg.id, arg.id) if isinstance(arg, ast.Name) else ast.get_source_segment(src, arg) or ""
        for arg in first.args
    ]

"""Helpers for the code blocks that markdown-exec runs while the site builds.

Every equation, code listing, table and figure a page shows is produced here from the
current code: derivations are verified before they are rendered (a failure stops the
build), code is read from the source with ``inspect``, figures are drawn by matplotlib
and inlined as SVG (text as paths, so no fonts are fetched).
"""

from __future__ import annotations

import inspect
import io
import itertools
import textwrap
from collections.abc import Iterable
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from refalgo import Derivation  # noqa: E402

_figure_ids = itertools.count()


def derivation(d: Derivation) -> None:
    """Print a verified derivation (title, aligned chain, how it was verified)."""
    print(d.to_markdown())


def derivations(ds: Iterable[Derivation]) -> None:
    """Print several verified derivations, one after another."""
    for d in ds:
        derivation(d)
        print()


def code(obj: Any, *, language: str = "python") -> None:
    """Print the source of a function, class or module as a fenced block."""
    src = textwrap.dedent(inspect.getsource(obj)).rstrip()
    print(f"```{language}\n{src}\n```")


def twins(symbolic: Any, numeric: Any, *extra: tuple[str, Any]) -> None:
    """Print the symbolic and the numeric twin side by side in tabs, from the source."""
    tabs = [("Symbolic (SymPy)", symbolic), ("Numeric (NumPy)", numeric), *extra]
    for title, obj in tabs:
        src = textwrap.dedent(inspect.getsource(obj)).rstrip()
        body = textwrap.indent(f"```python\n{src}\n```", "    ")
        print(f'=== "{title}"\n\n{body}\n')


def figure(fig: Any, caption: str) -> None:
    """Print a matplotlib figure as inline SVG with a caption, then close it."""
    matplotlib.rcParams["svg.hashsalt"] = f"refalgo-{next(_figure_ids)}"
    matplotlib.rcParams["svg.fonttype"] = "path"
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    print(f'<figure class="plot" markdown="0">\n{svg}\n<figcaption>{caption}</figcaption>\n</figure>\n')


def table(header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Print a Markdown table."""
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")

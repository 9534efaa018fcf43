r"""Reading math text: refalgo's parsers against SymPy's own, in one run.

Peers: for LaTeX, ``sympy.parsing.latex.parse_latex(..., backend="lark")`` (SymPy's
LaTeX parser on the Lark grammar); for Python syntax, ``sympy.parsing.sympy_parser.
parse_expr`` — which evaluates the text with ``eval`` and must never see untrusted
input, but is what a user would otherwise call, so it is the speed reference.

Two tables: for each LaTeX construct of the documentation page, whether each parser
reads it *to the same value* (both readings are evaluated at one point, symbols
matched by name; "misread" means it parsed but means something else, e.g. ``e^{x}`` as
a symbol ``e`` to the power x); and the median time per expression with its ratio to
refalgo.

Run with ``python -m benchmarks parsing [--reps R]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sympy as sp
from sympy.parsing.latex import parse_latex
from sympy.parsing.sympy_parser import parse_expr

from refalgo.parsing import parse

from benchmarks._timing import median_ms as _median_ms

RESULTS = Path(__file__).resolve().parent / "results"

LATEX = [
    r"\frac{1}{2}x^{2} + 3x - 1",
    r"\left( x + 1 \right)^{2} \cdot \frac{x}{y}",
    r"\sqrt{x^2 + y^2} + \sqrt[3]{x}",
    r"\sin^2 x + \cos^2 x",
    r"e^{x} + e^{-x}",
    r"\log \pi(y|x)",
    r"\sigma(z)",
    r"\|(a, b)\|",
    r"\frac{\partial}{\partial x} x^2 y",
    r"\frac{\partial f}{\partial x}",
    r"\frac{d}{dx} \sin x",
    r"\sum_{k=0}^{\infty} \gamma^k",
    r"\sum_{i=1}^{3} x_i",
    r"\binom{n}{k}",
    r"\beta \log \frac{\pi_\theta(y|x)}{\pi_{ref}(y|x)}",
]
PYTHON = [
    "x**2 + 2*x + 1",
    "(x + 1)**2 * x / y",
    "sqrt(x**2 + y**2) + exp(-x) + log(x)",
    "sin(x)**2 + cos(x)**2",
    "Sum(c**k, (k, 0, oo))",
]


def _value(name: str) -> sp.Rational:
    """A fixed value in (1/2, 5/2) for the symbol called ``name`` (same in every parser)."""
    return sp.Rational(1, 2) + sp.Rational(zlib.crc32(name.encode()) % 97, 48)


def _numeric(expr: Any) -> complex | None:
    if not isinstance(expr, sp.Basic) or expr.atoms(sp.core.function.AppliedUndef):
        return None
    try:
        done = expr.doit()
        subs = {s: _value(s.name.replace("{", "").replace("}", "")) for s in done.free_symbols if isinstance(s, sp.Symbol)}
        return complex(sp.N(done.xreplace(subs), 30))
    except (TypeError, ValueError, AttributeError):
        return None


def _same(ours: Any, theirs: Any) -> bool:
    a, b = _numeric(ours), _numeric(theirs)
    if a is None or b is None:
        return sp.srepr(ours).replace(", real=True", "") == sp.srepr(theirs).replace(", real=True", "")
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))


def _lark(text: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse_latex(text, backend="lark")


def _reads(fn: Callable[[str], Any], text: str, reference: Any) -> str:
    try:
        out = fn(text)
    except Exception as exc:  # noqa: BLE001 - any failure of a peer is a result to report
        return f"fails ({type(exc).__name__})"
    return "reads" if _same(reference, out) else f"misread: `{sp.sstr(out)}`"




def _timings(reps: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    lark_ok = [t for t in LATEX if _reads(_lark, t, parse(t, syntax="latex")) == "reads"]
    cases = [
        ("LaTeX (both read)", lark_ok, lambda t: parse(t, syntax="latex"), "refalgo.parsing.parse"),
        ("LaTeX (both read)", lark_ok, _lark, "sympy parse_latex (lark)"),
        ("Python syntax", PYTHON, lambda t: parse(t, syntax="python"), "refalgo.parsing.parse"),
        ("Python syntax", PYTHON, parse_expr, "sympy parse_expr (eval; unsafe)"),
    ]
    for corpus, texts, fn, name in cases:
        ms = _median_ms(lambda: [fn(t) for t in texts], reps) / len(texts)
        rows.append({"corpus": corpus, "expressions": len(texts), "implementation": name, "ms_per_expression": ms})
    for row in rows:
        ours = next(r for r in rows if r["corpus"] == row["corpus"] and r["implementation"].startswith("refalgo"))
        row["ratio_to_refalgo"] = row["ms_per_expression"] / ours["ms_per_expression"]
    return rows


def _markdown(coverage: list[dict[str, str]], timings: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        f"Parsing math text (median of {meta['reps']}; SymPy {meta['sympy']}, Lark {meta['lark']}, "
        f"Python {meta['python']}). A reading counts only if it has the same value as refalgo's "
        "at one point (symbols matched by name).",
        "",
        "| LaTeX | refalgo | sympy parse_latex (lark) |",
        "|---|---|---|",
    ]
    for row in coverage:
        lines.append(f"| `{row['latex']}` | {row['refalgo']} | {row['lark']} |")
    lines += ["", "| corpus | expressions | implementation | ms per expression | × refalgo |", "|---|---:|---|---:|---:|"]
    for r in timings:
        lines.append(
            f"| {r['corpus']} | {r['expressions']} | {r['implementation']} | {r['ms_per_expression']:.3g} | "
            f"{r['ratio_to_refalgo']:.3g} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    """Run the benchmark and write ``results/parsing.json`` and ``results/parsing.md``."""
    import lark

    args = _args(argv)
    coverage = []
    for text in LATEX:
        ours = parse(text, syntax="latex")
        coverage.append({"latex": text, "refalgo": "reads", "lark": _reads(_lark, text, ours)})
    meta = {"reps": args.reps, "sympy": sp.__version__, "lark": lark.__version__, "python": platform.python_version()}
    timings = _timings(args.reps)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "parsing.json").write_text(json.dumps({"meta": meta, "coverage": coverage, "timings": timings}, indent=2))
    text = _markdown(coverage, timings, meta)
    (RESULTS / "parsing.md").write_text(text)
    print(text)


def _args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="benchmarks parsing")
    p.add_argument("--reps", type=int, default=15)
    return p.parse_args(argv)

"""The Markdown report of the MDP benchmark, written from its JSON result."""

from __future__ import annotations

from typing import Any


def _num(x: float | None, fmt: str) -> str:
    return "—" if x is None else format(x, fmt)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def _solve_table(rows: list[dict[str, Any]]) -> list[str]:
    body = [[r["task"], f"{r['states']:,}", r["solver"], _num(r["median_s"], ".4g") + ("" if r.get("clock", "CPU") == "CPU" else " (wall)"),
             _num(r["median_wall_s"], ".4g"),
             _num(r["refalgo_over_this"], ".2f"), str(r["iterations"] or "—"),
             _num(None if r["s_per_sweep"] is None else 1e3 * r["s_per_sweep"], ".3g"),
             _num(r["GBps"], ".2f"), _num(None if r["fraction_of_copy"] is None else 100 * r["fraction_of_copy"], ".0f"),
             f"{r['max_error']:.1e}"] for r in rows]
    return _table(["task", "states", "solver", "time (s)", "wall (s)", "refalgo / this", "sweeps or steps",
                   "ms per sweep", "GB/s per sweep", "% of copy", "max error"], body)


def markdown(result: dict[str, Any]) -> str:
    """Tables of solve times, ratios, sweep bandwidth, growth exponents, setup and exact timing."""
    m, c = result["machine"], result["config"]
    lines = [
        f"Run {m['date']} on {m['cpu']} ({m['cores']} cores, shared), Python {m['python']}, "
        f"NumPy {m['numpy']}, SciPy {m['scipy']}, numba {m.get('numba') or 'absent'}; one OpenBLAS thread, "
        "OpenMP workers waiting passively. "
        "Every solver runs on one thread and is timed by process CPU time (the machine was shared; wall "
        "time alongside), except the *refalgo (N threads)* rows: numba's kernels on every core, timed by "
        "wall clock. *refalgo* is the default `backend=\"auto\"` (numba's compiled sweeps), *refalgo "
        "(NumPy)* the SciPy fallback.",
        f"Sparse random MDPs: {c['actions']} actions, {c['successors']} successors per (state, action), "
        f"γ = {c['gamma']}, every solver to ‖v − v*‖∞ ≤ {c['tol']:g}; median of {c['repeats']} runs "
        f"({c['repeats_at_1e6']} at 10⁶ states). Copy bandwidth (read + write): "
        + ", ".join(f"{b:.2f} GB/s on {t} thread{'s' if t != '1' else ''}"
                    for t, b in result.get("copy_bandwidth_by_threads_GBps", {"1": result["copy_bandwidth_GBps"]}).items())
        + "; *% of copy* compares each row with the copy on as many threads. *refalgo / this* below 1 "
        "means refalgo is faster; *max error* is measured against certified reference values; the "
        "per-sweep columns use the row's time.",
        "",
        *_solve_table(result["rows"]),
        "",
        "Policy iteration with pymdptoolbox's dense solver, and policy evaluation by an exact sparse LU, at small sizes:",
        "",
        *_solve_table(result["small_rows"]),
        "",
        "Growth of time with the number of states S (slope of log time against log S):",
        "",
        *_table(["task", "solver", "sizes", "time ∝ S^k, k ="],
                [[e["task"], e["solver"], ", ".join(f"{s:,}" for s in e["sizes"]), f"{e['exponent']:.2f}"]
                 for e in result["exponents"] + result["small_exponents"]]),
        "",
        "Setup, not included in the times above: the unmodified pymdptoolbox `ValueIteration` "
        "constructor (input check and iteration bound, both O(S²)) takes "
        + ", ".join(f"{s['seconds']:.2f} s at {s['states']:,} states" for s in result["pymdptoolbox_constructor"])
        + "; building mdpsolver's model from nested lists takes "
        + ", ".join(f"{r['setup_s']:.2f} s at {r['states']:,}" for r in result["rows"]
                    if r["solver"] == "mdpsolver" and r["task"] == "value iteration")
        + " states.",
        "",
        f"Exact rational policy evaluation (`state_values_symbolic`) of a {result['exact']['states']}-state, "
        f"{result['exact']['actions']}-action MDP: {result['exact']['median_s']:.3f} s of CPU "
        f"(largest difference to float64 {result['exact']['max_abs_difference_to_float64']:.1e}).",
        "",
    ]
    if result["skipped"]:
        lines.append("Skipped: " + "; ".join(
            f"{s['task']} with {s['solver']} at {s['states']:,} states ({s['reason']})" for s in result["skipped"]) + ".")
        lines.append("")
    return "\n".join(lines)

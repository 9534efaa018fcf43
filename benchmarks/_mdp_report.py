"""The Markdown report of the MDP benchmark, written from its JSON result."""

from __future__ import annotations

from typing import Any


def _num(x: float | None, fmt: str) -> str:
    return "—" if x is None else format(x, fmt)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def _pct(x: float | None) -> str:
    return _num(None if x is None else 100 * x, ".0f")


def _solve_table(rows: list[dict[str, Any]]) -> list[str]:
    body = [[r["task"], f"{r['states']:,}", r["solver"], _num(r["median_s"], ".4g") + ("" if r.get("clock", "CPU") == "CPU" else " (wall)"),
             _num(r["median_wall_s"], ".4g"),
             _num(r["refalgo_over_this"], ".2f"), str(r["iterations"] or "—"),
             _num(None if r["s_per_sweep"] is None else 1e3 * r["s_per_sweep"], ".3g"),
             _num(r["GBps"], ".2f"), _pct(r["fraction_of_copy"]), _pct(r.get("fraction_of_gather")),
             f"{r['max_error']:.1e}"] for r in rows]
    return _table(["task", "states", "solver", "time (s)", "wall (s)", "refalgo / this", "sweeps or steps",
                   "ms per sweep", "GB/s per sweep", "% of copy", "% of gather ceiling", "max error"], body)


def ceilings(result: dict[str, Any]) -> list[list[Any]]:
    """``[family, task, states, threads, seconds, GB/s, fraction of copy]`` for every measured gather pass."""
    bw = result.get("copy_bandwidth_by_threads_GBps", {"1": result["copy_bandwidth_GBps"]})
    seen: dict[tuple[str, str, int, int], list[Any]] = {}
    for r in result["rows"] + result.get("local_rows", []):
        t = r.get("gather_ceiling_s")
        if t:
            gbps = r["bytes_per_sweep"] / t / 1e9
            key = (r.get("family", "uniform"), r["task"], r["states"], r["threads"])
            seen[key] = [*key, t, gbps, gbps / bw[str(r["threads"])]]
    return sorted(seen.values(), key=lambda x: (x[0] != "uniform", x[1], x[2], x[3]))


def _ceiling_table(result: dict[str, Any]) -> list[str]:
    return _table(["model", "task", "states", "threads", "ms per pass", "GB/s", "% of copy"],
                  [[f, task, f"{n:,}", str(t), f"{1e3 * s:.3g}", f"{g:.2f}", f"{100 * c:.0f}"]
                   for f, task, n, t, s, g, c in ceilings(result)])


def one_sweep_table(result: dict[str, Any]) -> list[list[str]]:
    """``[model, states, threads, GB/s and % of copy of each sweep and of its bare pass, the copy]`` per measurement."""
    by: dict[tuple[str, int, int], dict[str, dict[str, Any]]] = {}
    for r in result.get("one_sweep", []):
        by.setdefault((r["family"], r["states"], r["threads"]), {})[r["kind"]] = r
    body = []
    for (family, n, t), kinds in sorted(by.items(), key=lambda x: (x[0][0] != "uniform", x[0][1], x[0][2])):
        cells = [family, f"{n:,}", str(t)]
        for kind in ("value iteration", "bare pass", "policy evaluation", "chain pass"):
            r = kinds.get(kind)
            cells += [_num(r["GBps"], ".1f"), _pct(r["fraction_of_copy"])] if r else ["—", "—"]
        cells.append(_num(next(iter(kinds.values()))["copy_GBps"], ".1f"))
        body.append(cells)
    return body


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
        f"Uniform sparse random MDPs (successors anywhere): {c['actions']} actions, {c['successors']} successors per (state, action), "
        f"γ = {c['gamma']}, every solver to ‖v − v*‖∞ ≤ {c['tol']:g}; median of {c['repeats']} runs "
        f"({c['repeats_at_1e6']} at 10⁶ states for the peers and for policy iteration). Copy bandwidth (read + write): "
        + ", ".join(f"{b:.2f} GB/s on {t} thread{'s' if t != '1' else ''}"
                    for t, b in result.get("copy_bandwidth_by_threads_GBps", {"1": result["copy_bandwidth_GBps"]}).items())
        + "; *% of copy* compares each row with the copy on as many threads. *refalgo / this* below 1 "
        "means refalgo is faster; *max error* is measured against certified reference values; the "
        "per-sweep columns use the row's time. *% of gather ceiling* compares the row's time per sweep "
        "with the fastest bare gather pass over the same CSR arrays on as many threads (read `data` and "
        "`indices`, gather `v[indices]`, write one sum per state; no rewards, no max, no change tracked), "
        "measured in the same run; *GB/s* counts the same bytes for every row: the CSR arrays "
        "(`data`, `indices`, `indptr`), the rewards, the old and the new values, once each.",
        "",
        *_solve_table(result["rows"]),
        "",
        f"Local sparse MDPs (successors drawn within ±{c.get('local_width', 64)} states, wrapping around; "
        f"otherwise as above; the peers up to {c.get('local_peers_up_to', 10**5):,} states):",
        "",
        *_solve_table(result.get("local_rows", [])),
        "",
        "The gather ceiling: the bare gather pass, best of 7, on 1 thread (CPU time) and on every thread "
        "(wall time), bytes counted as for the sweeps:",
        "",
        *_ceiling_table(result),
        "",
        "One sweep at its best: single sweeps timed through refalgo's own sweep functions (as the solvers call "
        "them), the bare gather pass and the copy, in turn, in each of "
        f"{c.get('one_sweep_rounds', 3)} rounds; each kind's best in a round, then the median over the rounds. "
        "*% of copy* divides by the better of the run's copy bandwidth and the copy in the same rounds, on as "
        "many threads:",
        "",
        *_table(["model", "states", "threads", "value iteration GB/s", "% of copy", "its bare pass GB/s", "% of copy",
                 "policy evaluation GB/s", "% of copy", "its bare pass GB/s", "% of copy", "copy GB/s"],
                one_sweep_table(result)),
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

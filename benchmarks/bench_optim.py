"""One AdamW step on 10^7 float32 parameters: refalgo against torch.optim.AdamW, in one run.

Peers: refalgo's in-place chunked step and its functional reference step; PyTorch's
``AdamW`` with the for-each (multi-tensor) and the fused CPU kernels, and the
single-tensor loop. Each is timed over several repetitions after warm-up, the
repetitions interleaved across peers so that all see the same machine load; the
median is reported with the ratio to each PyTorch kernel and the achieved bandwidth
against the bytes the update must move: read θ, g, m, v and write θ, m, v, i.e.
7 × 4 bytes per parameter. PyTorch runs with one thread, like NumPy's ufuncs; the
table also shows it with its default thread count.

Run with ``python -m benchmarks optim [--n N] [--reps R]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from refalgo.optim import adam_init, adamw_step, adamw_step_inplace

RESULTS = Path(__file__).resolve().parent / "results"
HYPER = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)


def _median_ms(fns: dict[str, Callable[[], object]], reps: int, warmup: int = 2) -> dict[str, float]:
    """Median time of each function; the repetitions are interleaved so that all peers see the same load."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: 1e3 * statistics.median(ts) for name, ts in times.items()}


def _refalgo(n: int, rng: np.random.Generator) -> dict[str, Callable[[], object]]:
    p = rng.standard_normal(n, dtype=np.float32)
    g = rng.standard_normal(n, dtype=np.float32)
    box = {"state": adam_init(p)}

    def inplace() -> None:
        box["state"] = adamw_step_inplace(p, g, box["state"], **HYPER)  # type: ignore[arg-type]

    fstate = {"p": p.copy(), "s": adam_init(p)}

    def functional() -> None:
        fstate["p"], fstate["s"] = adamw_step(fstate["p"], g, fstate["s"], **HYPER)  # type: ignore[arg-type]

    return {"refalgo in-place (chunked)": inplace, "refalgo functional (reference)": functional}


def _torch(n: int, rng: np.random.Generator) -> dict[str, Callable[[], object]]:
    import torch

    out: dict[str, Callable[[], object]] = {}
    for label, kw in (("foreach", {"foreach": True}), ("fused", {"fused": True}), ("single-tensor", {"foreach": False})):
        p = torch.nn.Parameter(torch.from_numpy(rng.standard_normal(n, dtype=np.float32)))
        p.grad = torch.from_numpy(rng.standard_normal(n, dtype=np.float32))
        opt = torch.optim.AdamW([p], **HYPER, **kw)  # type: ignore[arg-type]
        out[f"torch AdamW {label}"] = opt.step
    return out


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks optim")
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=15)
    args = ap.parse_args(argv)
    import torch

    load = os.getloadavg()[0]
    rng = np.random.default_rng(0)
    default_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    rows = _median_ms({**_refalgo(args.n, rng), **_torch(args.n, rng)}, args.reps)
    torch.set_num_threads(default_threads)
    more = {f"{k} ({default_threads} threads)": fn for k, fn in _torch(args.n, rng).items() if "single" not in k}
    rows.update(_median_ms(more, args.reps))
    _report(rows, args.n, args.reps, str(torch.__version__), default_threads, load)


def _report(rows: dict[str, float], n: int, reps: int, torch_version: str, threads: int, load: float) -> None:
    moved = 7 * 4 * n
    fused, foreach = rows["torch AdamW fused"], rows["torch AdamW foreach"]
    table = [
        {
            "implementation": name,
            "median_ms": round(ms, 2),
            "vs_torch_fused": round(ms / fused, 2),
            "vs_torch_foreach": round(ms / foreach, 2),
            "GB_per_s": round(moved / (ms * 1e-3) / 1e9, 2),
        }
        for name, ms in rows.items()
    ]
    meta = {
        "what": "one AdamW step, float32",
        "n": n,
        "repetitions": reps,
        "bytes_moved": moved,
        "torch": torch_version,
        "numpy": np.__version__,
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "torch_default_threads": threads,
        "load_average_1min_at_start": round(load, 2),
        "cpus": os.cpu_count(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "optim.json").write_text(json.dumps({"meta": meta, "rows": table}, indent=2) + "\n")
    lines = [
        f"One AdamW step on {n:,} float32 parameters (median of {reps}; torch {torch_version}, "
        f"NumPy {np.__version__}; one thread unless stated). The update must move {moved / 1e6:.0f} MB. "
        f"Load average {load:.1f} on {os.cpu_count()} CPUs at the start: on a shared machine the ratios, "
        "measured in one run, are more telling than the absolute times.",
        "",
        "| implementation | median (ms) | × torch fused | × torch foreach | GB/s of required traffic |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['implementation']} | {r['median_ms']} | {r['vs_torch_fused']} | {r['vs_torch_foreach']} | {r['GB_per_s']} |"
        for r in table
    ]
    (RESULTS / "optim.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

"""One AdamW step on 10^7 float32 parameters: refalgo against torch.optim.AdamW, in one run.

Peers: refalgo's in-place step with the compiled numba kernel (one and two threads)
and with the chunked NumPy path, and its functional reference step; PyTorch's
``AdamW`` with the fused CPU kernel and the for-each (multi-tensor) kernel (one and
two threads), and the single-tensor loop. Each peer sets its own thread count before
every call, so the repetitions can be interleaved across all peers and all see the
same machine load; the median is reported with the ratio to each PyTorch kernel at
the same thread count, and the achieved bandwidth against the bytes the update must
move: read θ, g, m, v and write θ, m, v, i.e. 7 × 4 bytes per parameter. refalgo
also reads g once more, to refuse non-finite gradients before writing anything (its
policy: nothing is written when a gradient is NaN or inf); the compiled kernel alone,
without that pass, is timed beside it to show what the pass costs, and a copy of a large
array measures the machine's bandwidth. A scaling table repeats the numba and fused rows
from 10⁵ to 10⁸ parameters.

The numba kernel's first call is timed apart from the medians: compiling it from
scratch (once per machine), and loading it from numba's on-disk cache (once per
process).

Run with ``python -m benchmarks optim [--n N] [--reps R] [--no-compile-time] [--sizes N ...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any
from pathlib import Path

import numpy as np

from refalgo.optim import adam_init, adamw_step, adamw_step_inplace

RESULTS = Path(__file__).resolve().parent / "results"
HYPER = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)
THREADS = (1, 2)


def copy_bandwidth(n: int = 50_000_000, reps: int = 5) -> float:
    """The machine's memory bandwidth in GB/s as one thread sees it copying a float32 array far larger than the caches.

    A copy reads and writes ``n`` floats (8 bytes per element, write-allocate not counted).
    """
    a, b = np.ones(n, np.float32), np.empty(n, np.float32)
    ms = interleaved_median_ms({"copy": lambda: np.copyto(b, a)}, reps, warmup=1)["copy"]
    return 8 * n / (ms * 1e-3) / 1e9


def interleaved_median_ms(fns: dict[str, Callable[[], object]], reps: int, warmup: int = 2) -> dict[str, float]:
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
    import numba

    g = rng.standard_normal(n, dtype=np.float32)
    out: dict[str, Callable[[], object]] = {}

    def inplace(backend: str, threads: int) -> Callable[[], object]:
        p = rng.standard_normal(n, dtype=np.float32)
        box: dict[str, Any] = {"state": adam_init(p)}

        def step() -> None:
            numba.set_num_threads(threads)
            box["state"] = adamw_step_inplace(p, g, box["state"], backend=backend, **HYPER)  # type: ignore[arg-type]

        return step

    for threads in THREADS:
        out[f"refalgo in-place numba ({threads} thread{'s' * (threads > 1)})"] = inplace("numba", threads)
    for threads in THREADS:
        out[f"refalgo kernel alone, no NaN pre-check ({threads} thread{'s' * (threads > 1)})"] = _kernel_alone(n, threads, g)
    out["refalgo in-place (chunked)"] = inplace("numpy", 1)
    fstate: dict[str, Any] = {"p": rng.standard_normal(n, dtype=np.float32)}
    fstate["s"] = adam_init(fstate["p"])

    def functional() -> None:
        fstate["p"], fstate["s"] = adamw_step(fstate["p"], g, fstate["s"], **HYPER)  # type: ignore[arg-type]

    out["refalgo functional (reference)"] = functional
    return out


def _kernel_alone(n: int, threads: int, g: np.ndarray) -> Callable[[], object]:
    """The compiled step alone, without the pass that refuses non-finite gradients first: what that pass costs."""
    import numba

    from refalgo.optim._engine import fused

    p, m, v = np.ones(n, np.float32), np.zeros(n, np.float32), np.zeros(n, np.float32)
    c = tuple(np.float32(x) for x in (1.0, 0.1, 0.999, 0.001, 0.0, 1 - 1e-5, 1e-3, 1e-8))

    def step() -> None:
        numba.set_num_threads(threads)
        fused.adam_kernel(p, g, m, v, c)

    return step


def _scaling(sizes: list[int], reps: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    """refalgo's in-place numba step against torch's fused AdamW at every size and thread count."""
    import numba
    import torch

    rows = []
    for n in sizes:
        g = rng.standard_normal(n, dtype=np.float32)
        p, q = rng.standard_normal(n, dtype=np.float32), torch.nn.Parameter(torch.from_numpy(rng.standard_normal(n, dtype=np.float32)))
        q.grad = torch.from_numpy(g)
        box: dict[str, Any] = {"state": adam_init(p)}
        opt = torch.optim.AdamW([q], **HYPER, fused=True)  # type: ignore[arg-type]

        def ours(threads: int) -> Callable[[], object]:
            def step() -> None:
                numba.set_num_threads(threads)
                box["state"] = adamw_step_inplace(p, g, box["state"], backend="numba", **HYPER)  # type: ignore[arg-type]
            return step

        def theirs(threads: int) -> Callable[[], object]:
            def step() -> None:
                torch.set_num_threads(threads)
                opt.step()
            return step

        peers = {f"{who} {t}": (ours if who == "refalgo" else theirs)(t) for t in THREADS for who in ("refalgo", "torch")}
        times = interleaved_median_ms(peers, reps if n <= 10_000_000 else max(5, reps // 3))
        for t in THREADS:
            mine, peer = times[f"refalgo {t}"], times[f"torch {t}"]
            rows.append({"n": n, "threads": t, "refalgo_ms": round(mine, 3), "torch_fused_ms": round(peer, 3),
                         "ratio": round(mine / peer, 2), "refalgo_GB_per_s": round(28 * n / (mine * 1e-3) / 1e9, 2)})
        del p, q, g, box, opt
    return rows


def _torch(n: int, rng: np.random.Generator) -> dict[str, Callable[[], object]]:
    import torch

    def peer(threads: int, **kw: bool) -> Callable[[], object]:
        p = torch.nn.Parameter(torch.from_numpy(rng.standard_normal(n, dtype=np.float32)))
        p.grad = torch.from_numpy(rng.standard_normal(n, dtype=np.float32))
        opt = torch.optim.AdamW([p], **HYPER, **kw)  # type: ignore[arg-type]

        def step() -> None:
            torch.set_num_threads(threads)
            opt.step()

        return step

    out: dict[str, Callable[[], object]] = {}
    for threads in THREADS:
        suffix = f"({threads} thread{'s' * (threads > 1)})"
        out[f"torch AdamW fused {suffix}"] = peer(threads, fused=True)
        out[f"torch AdamW foreach {suffix}"] = peer(threads, foreach=True)
    out["torch AdamW single-tensor (1 thread)"] = peer(1, foreach=False)
    return out


def _first_call(cache: bool) -> tuple[float, bool]:
    """Seconds for the numba kernel's first float32 call in this process, and whether numba's disk cache served it.

    With ``cache=False`` the kernel is compiled from scratch by a new dispatcher that
    neither reads nor writes the cache.
    """
    import numba

    from refalgo.optim._engine import fused

    kernel: Any = fused.adam_kernel if cache else numba.njit(parallel=True)(fused.adam_kernel.py_func)
    x = [np.zeros(8, np.float32) for _ in range(4)]
    c = tuple(np.float32(s) for s in (1.0, 0.1, 0.999, 0.001, 0.0, 1.0, 1e-3, 1e-8))
    t0 = time.perf_counter()
    kernel(*x, c)
    return time.perf_counter() - t0, bool(sum(kernel.stats.cache_hits.values()))


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks optim")
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--no-compile-time", dest="compile_time", action="store_false",
                    help="skip compiling the numba kernel from scratch (takes seconds)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000, 10_000_000, 100_000_000],
                    help="parameter counts of the scaling table (refalgo numba against torch fused)")
    args = ap.parse_args(argv)
    import numba
    import torch

    load = os.getloadavg()[0]
    seconds, hit = _first_call(cache=True)
    first: dict[str, float | bool] = {"first_call_s": round(seconds, 3), "first_call_from_disk_cache": hit}
    if args.compile_time:
        first["compile_from_scratch_s"] = round(_first_call(cache=False)[0], 2)
    rng = np.random.default_rng(0)
    default = (torch.get_num_threads(), numba.get_num_threads())
    bandwidth = copy_bandwidth()
    rows = interleaved_median_ms({**_refalgo(args.n, rng), **_torch(args.n, rng)}, args.reps)
    scaling = _scaling(args.sizes, args.reps, rng)
    torch.set_num_threads(default[0])
    numba.set_num_threads(default[1])
    versions = {"torch": str(torch.__version__), "numba": numba.__version__, "numpy": np.__version__}
    _report(rows, args.n, args.reps, versions, first, load, bandwidth, scaling)


def _peer(name: str, kernel: str, rows: dict[str, float]) -> float:
    """The time of torch's ``kernel`` at the thread count of row ``name`` (one thread unless it says two)."""
    threads = 2 if "(2 threads)" in name else 1
    return rows[f"torch AdamW {kernel} ({threads} thread{'s' * (threads > 1)})"]


def _report(rows: dict[str, float], n: int, reps: int, versions: dict[str, str], first: dict[str, float | bool],
            load: float, bandwidth: float, scaling: list[dict[str, Any]]) -> None:
    moved = 7 * 4 * n
    table = [
        {
            "implementation": name,
            "median_ms": round(ms, 2),
            "vs_torch_fused": round(ms / _peer(name, "fused", rows), 2),
            "vs_torch_foreach": round(ms / _peer(name, "foreach", rows), 2),
            "GB_per_s": round(moved / (ms * 1e-3) / 1e9, 2),
        }
        for name, ms in rows.items()
    ]
    meta = {
        "what": "one AdamW step, float32",
        "n": n,
        "repetitions": reps,
        "bytes_moved": moved,
        **versions,
        "numba_first_call": first,
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "load_average_1min_at_start": round(load, 2),
        "cpus": os.cpu_count(),
        "copy_bandwidth_GB_per_s": round(bandwidth, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "optim.json").write_text(json.dumps({"meta": meta, "rows": table, "scaling": scaling}, indent=2) + "\n")
    source = "loaded from numba's disk cache" if first["first_call_from_disk_cache"] else "compiled: no cache yet"
    compiled = (f"compiling it from scratch took {first['compile_from_scratch_s']} s (once per machine), "
                if "compile_from_scratch_s" in first else "")
    lines = [
        f"One AdamW step on {n:,} float32 parameters (median of {reps}, repetitions interleaved across peers; "
        f"torch {versions['torch']}, numba {versions['numba']}, NumPy {versions['numpy']}). "
        f"The update must move {moved / 1e6:.0f} MB. Ratios are to torch's kernel at the same thread count; "
        "the chunked NumPy path and the reference run on one thread. "
        f"Load average {load:.1f} on {os.cpu_count()} CPUs at the start. "
        f"The numba kernel's first call is not in the medians: {compiled}"
        f"the first call of this run took {first['first_call_s']} s "
        f"({source}; once per process). One thread copies memory at {bandwidth:.1f} GB/s on this machine.",
        "",
        "| implementation | median (ms) | × torch fused | × torch foreach | GB/s of required traffic |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['implementation']} | {r['median_ms']} | {r['vs_torch_fused']} | {r['vs_torch_foreach']} | {r['GB_per_s']} |"
        for r in table
    ]
    lines += [
        "",
        "| parameters | threads | refalgo numba (ms) | torch fused (ms) | ratio | refalgo GB/s of required traffic |",
        "|---:|---:|---:|---:|---:|---:|",
        *(f"| {r['n']:,} | {r['threads']} | {r['refalgo_ms']} | {r['torch_fused_ms']} | {r['ratio']} | {r['refalgo_GB_per_s']} |"
          for r in scaling),
    ]
    (RESULTS / "optim.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

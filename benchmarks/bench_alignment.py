"""The DPO losses (and gradients) on a batch of pairs: refalgo against PyTorch and TRL, in one run.

Peers, all on the same sequence log-probabilities, for every loss type (DPO ``sigmoid``,
cDPO = sigmoid with ε = 0.1, ``ipo``, ``robust`` with ε = 0.1), both dtypes and one and two
threads:

* refalgo's ``dpo_loss`` (losses and both rewards) and ``dpo_loss`` + ``dpo_gradients``, on
  the fast path (``threads=`` 1 or 2) and, on one thread, the readable formulas
  (``backend="numpy"``), which were the only path before the fast one;
* the same losses written in PyTorch as the DPO authors' reference code writes them
  (``-F.logsigmoid(beta * logits)`` and its cDPO, IPO and robust variants, plus the two
  rewards), forward only and forward + autograd backward, with ``torch.set_num_threads``
  1 or 2;
* on float64, sigmoid, one thread, when TRL is installed: ``DPOTrainer._compute_loss``
  driven by the minimal stand-in trainer of the parity tests (forward + backward; it also
  computes its logged metrics).

The repetitions are interleaved across all peers of a (dtype, loss type, threads) group,
so all see the same machine load; the median is reported with the ratio to PyTorch's
forward pass (for ``dpo_loss``) or forward + backward (for loss + gradients) at the same
thread count, and the bytes each call must move (four inputs read, three or five outputs
written) against the machine's copy bandwidth measured in the same run.

``--log1p-sweep`` also compares the float32 fast path's ``log1p`` with the C library's over
all float32 values in (0, 1] (about two minutes).

Run with ``python -m benchmarks alignment [--n N] [--reps R] [--log1p-sweep]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from refalgo.alignment import dpo_gradients, dpo_loss

from benchmarks.bench_optim import copy_bandwidth, interleaved_median_ms

RESULTS = Path(__file__).resolve().parent / "results"
BETA = 0.1
EPS = 0.1
THREADS = (1, 2)
LOSSES = {"sigmoid": ("sigmoid", 0.0), "cDPO": ("sigmoid", EPS), "ipo": ("ipo", 0.0), "robust": ("robust", EPS)}


def _logps(n: int, dtype: type, rng: np.random.Generator) -> list[np.ndarray]:
    return [-rng.gamma(2.0, 20.0, size=n).astype(dtype) for _ in range(4)]


def _refalgo(arrays: list[np.ndarray], loss: str, threads: int) -> dict[str, Callable[[], object]]:
    loss_type, eps = LOSSES[loss]
    kw: dict[str, Any] = dict(beta=BETA, label_smoothing=eps, loss_type=loss_type)

    def fast() -> object:
        return dpo_loss(*arrays, **kw, threads=threads)

    def fast_both() -> object:
        return dpo_loss(*arrays, **kw, threads=threads), dpo_gradients(*arrays, **kw, threads=threads)

    out = {"refalgo dpo_loss": fast, "refalgo dpo_loss + dpo_gradients": fast_both}
    if threads == 1:
        out["refalgo dpo_loss, readable formulas"] = lambda: dpo_loss(*arrays, **kw, backend="numpy")
        out["refalgo dpo_loss + dpo_gradients, readable formulas"] = lambda: (
            dpo_loss(*arrays, **kw, backend="numpy"), dpo_gradients(*arrays, **kw, backend="numpy"))
    return out


def _torch(arrays: list[np.ndarray], loss: str, threads: int) -> dict[str, Callable[[], object]]:
    import torch
    import torch.nn.functional as F

    pc, pr, rc, rr = (torch.from_numpy(a) for a in arrays)

    def forward(pc: Any = pc, pr: Any = pr) -> object:
        torch.set_num_threads(threads)
        logits = (pc - pr) - (rc - rr)
        if loss == "sigmoid":
            losses = -F.logsigmoid(BETA * logits)
        elif loss == "cDPO":
            losses = -F.logsigmoid(BETA * logits) * (1 - EPS) - F.logsigmoid(-BETA * logits) * EPS
        elif loss == "ipo":
            losses = (logits - 1 / (2 * BETA)) ** 2
        else:
            losses = (-F.logsigmoid(BETA * logits) * (1 - EPS) + F.logsigmoid(-BETA * logits) * EPS) / (1 - 2 * EPS)
        return losses, BETA * (pc - rc).detach(), BETA * (pr - rr).detach()

    def backward() -> object:
        a, b = pc.clone().requires_grad_(True), pr.clone().requires_grad_(True)
        forward(a, b)[0].sum().backward()  # type: ignore[index]
        return a.grad, b.grad

    return {"torch reference formula, forward": forward, "torch reference formula, forward + backward": backward}


def _trl(arrays: list[np.ndarray]) -> dict[str, Callable[[], object]]:
    if importlib.util.find_spec("trl") is None:
        return {}
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "alignment"))
    from test_trl_parity import trl_dpo  # the stand-in trainer of the parity tests

    logps = np.stack([a.astype(np.float64) for a in arrays], axis=1)
    return {"TRL DPOTrainer._compute_loss, forward + backward (float64)": lambda: trl_dpo(logps, BETA, "sigmoid")}


def _log1p_sweep() -> dict[str, int]:
    """The float32 fast path's log1p against NumPy's (the C library's ``log1pf``) on every float32 in (0, 1]."""
    from refalgo.alignment._engine.fused import log1p_float32

    lo, hi = int(np.float32(2.0**-149).view(np.int32)), int(np.float32(1.0).view(np.int32))
    worst = differ = 0
    for s in range(lo, hi + 1, 1 << 24):
        x = np.arange(s, min(s + (1 << 24), hi + 1), dtype=np.int32).view(np.float32)
        ours = np.empty_like(x)
        log1p_float32(x, ours)
        ulps = np.abs(ours.view(np.int32).astype(np.int64) - np.log1p(x).view(np.int32).astype(np.int64))  # both ≥ 0
        worst, differ = max(worst, int(ulps.max())), differ + int(np.count_nonzero(ulps))
    return {"values": hi - lo + 1, "differ": differ, "max_ulp": worst}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks alignment")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--log1p-sweep", action="store_true")
    args = ap.parse_args(argv)
    import torch

    load = os.getloadavg()[0]
    default_threads = torch.get_num_threads()
    rng = np.random.default_rng(0)
    dpo_loss(*_logps(4096, np.float32, rng), beta=BETA)  # load (or compile) the kernels outside the timings
    dpo_loss(*_logps(4096, np.float64, rng), beta=BETA)
    rows: list[dict[str, Any]] = []
    for dtype in (np.float32, np.float64):
        arrays = _logps(args.n, dtype, rng)
        for loss in LOSSES:
            for threads in THREADS:
                peers = {**_refalgo(arrays, loss, threads), **_torch(arrays, loss, threads)}
                if dtype == np.float64 and loss == "sigmoid" and threads == 1:
                    peers.update(_trl(arrays))
                times = interleaved_median_ms(peers, args.reps, warmup=1)
                rows += _rows(times, np.dtype(dtype), loss, threads, args.n)
    torch.set_num_threads(default_threads)
    sweep = _log1p_sweep() if args.log1p_sweep else None
    _report(rows, args.n, args.reps, str(torch.__version__), copy_bandwidth(), load, sweep)


def _rows(times: dict[str, float], dtype: np.dtype[Any], loss: str, threads: int, n: int) -> list[dict[str, Any]]:
    forward, both = times["torch reference formula, forward"], times["torch reference formula, forward + backward"]
    out = []
    for name, ms in times.items():
        with_gradients = "backward" in name or "gradients" in name
        moved = n * dtype.itemsize * (4 + (5 if with_gradients else 3))
        out.append({"dtype": dtype.name, "loss": loss, "threads": threads, "implementation": name,
                    "median_ms": round(ms, 2), "vs_torch": round(ms / (both if with_gradients else forward), 2),
                    "M_pairs_per_s": round(n / (ms * 1e-3) / 1e6, 1), "GB_per_s": round(moved / (ms * 1e-3) / 1e9, 2)})
    return out


def _report(rows: list[dict[str, Any]], n: int, reps: int, torch_version: str, bandwidth: float, load: float,
            sweep: dict[str, int] | None) -> None:
    meta = {"what": "DPO losses and rewards per pair (and gradients), every loss type", "n_pairs": n, "beta": BETA,
            "label_smoothing": EPS, "repetitions": reps, "torch": torch_version, "numpy": np.__version__,
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "cpus": os.cpu_count(),
            "copy_bandwidth_GB_per_s": round(bandwidth, 1), "load_average_1min_at_start": round(load, 2),
            "log1p_sweep": sweep}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "alignment.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    lines = [
        f"DPO losses on {n:,} pairs, β = {BETA}, ε = {EPS} for cDPO and robust (median of {reps}, repetitions "
        f"interleaved across the peers of each group; torch {torch_version}, NumPy {np.__version__}; load average "
        f"{load:.1f} on {os.cpu_count()} CPUs at the start). Ratios are to the PyTorch formula at the same thread "
        "count: forward for `dpo_loss`, forward + backward for loss + gradients. GB/s counts the bytes a call must "
        f"move (4 inputs, 3 or 5 outputs) against a measured copy bandwidth of {bandwidth:.1f} GB/s.",
        "",
        "| dtype | loss | threads | implementation | median (ms) | × torch | M pairs/s | GB/s |",
        "|---|---|---:|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {r['dtype']} | {r['loss']} | {r['threads']} | {r['implementation']} | {r['median_ms']} | {r['vs_torch']} "
              f"| {r['M_pairs_per_s']} | {r['GB_per_s']} |" for r in rows]
    if sweep is not None:
        lines += ["", f"float32 log1p of the fast path against the C library's, all {sweep['values']:,} float32 values in "
                      f"(0, 1]: {sweep['differ']:,} differ, by at most {sweep['max_ulp']} ULP."]
    (RESULTS / "alignment.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

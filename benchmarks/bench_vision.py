"""Upsampling: refalgo's interpolate, pixel_shuffle and conv_transpose2d against torch.nn.functional, in one run.

Cases (float32, PyTorch with the same number of threads as NumPy and the compiled sweep use, one;
``interpolate`` runs with ``backend="auto"``, its compiled per-axis sweep when numba is installed):

* bilinear ×2 upsampling of ``(B, 64, S, S)``, ``S`` in 64, 128, 256 (the scaling with image
  size; ``B = 8`` by default, ``--batch`` sets it: at ``S = 256`` NumPy's temporaries take
  about 2 GB);
* nearest ×2 on the same arrays;
* PixelShuffle with r = 2 on ``(B, 256, 64, 64)`` and r = 3 on ``(B, 576, 32, 32)``;
* a decoder's transposed convolution: ``(B, 64, 64, 64)`` with a ``(64, 32, 4, 4)`` kernel, stride 2, padding 1.

The median of several repetitions is reported with the ratio refalgo / torch. Run with
``python -m benchmarks vision [--batch=B] [--reps=R]``.
"""

from __future__ import annotations

import argparse
import json
import platform
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks._timing import median_ms
from refalgo.vision import conv_transpose2d, interpolate, pixel_shuffle

RESULTS = Path(__file__).resolve().parent / "results"


def _cases(batch: int, rng: np.random.Generator) -> list[tuple[str, Callable[[], object], Callable[[], object]]]:
    import torch
    import torch.nn.functional as F

    cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = []
    for size in (64, 128, 256):
        x = rng.standard_normal((batch, 64, size, size)).astype(np.float32)
        t = torch.from_numpy(x)
        for mode in ("bilinear", "nearest"):
            cases.append((f"{mode} ×2, ({batch}, 64, {size}, {size})",
                          lambda x=x, mode=mode: interpolate(x, scale_factor=2, mode=mode),
                          lambda t=t, mode=mode: F.interpolate(t, scale_factor=2, mode=mode)))
    for r, c, s in ((2, 256, 64), (3, 576, 32)):
        x = rng.standard_normal((batch, c, s, s)).astype(np.float32)
        t = torch.from_numpy(x)
        cases.append((f"pixel_shuffle r = {r}, ({batch}, {c}, {s}, {s})",
                      lambda x=x, r=r: pixel_shuffle(x, r), lambda t=t, r=r: F.pixel_shuffle(t, r).contiguous()))
    x = rng.standard_normal((batch, 64, 64, 64)).astype(np.float32)
    w = (rng.standard_normal((64, 32, 4, 4)) / 32).astype(np.float32)
    tx, tw = torch.from_numpy(x), torch.from_numpy(w)
    cases.append((f"conv_transpose2d k = 4, s = 2, p = 1, ({batch}, 64, 64, 64) → 32 channels",
                  lambda: conv_transpose2d(x, w, stride=2, padding=1),
                  lambda: F.conv_transpose2d(tx, tw, stride=2, padding=1)))
    return cases


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks vision")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    rows = []
    for name, ours, theirs in _cases(args.batch, np.random.default_rng(0)):
        with torch.inference_mode():
            t_torch = median_ms(theirs, args.reps)
        t_ours = median_ms(ours, args.reps)
        rows.append({"case": name, "refalgo_ms": round(t_ours, 2), "torch_ms": round(t_torch, 2), "ratio": round(t_ours / t_torch, 2)})
        print(f"{name}: refalgo {t_ours:.1f} ms, torch {t_torch:.1f} ms, × {t_ours / t_torch:.2f}", flush=True)
    _report(rows, args.batch, args.reps, str(torch.__version__))


def _report(rows: list[dict[str, object]], batch: int, reps: int, torch_version: str) -> None:
    meta = {"what": "upsampling, float32", "batch": batch, "repetitions": reps, "torch": torch_version, "numpy": np.__version__,
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "threads": 1}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "vision.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    lines = [
        f"Upsampling in float32, batch {batch} (median of {reps}; torch {torch_version}, NumPy {np.__version__}; one thread each).",
        "",
        "| case | refalgo (ms) | torch (ms) | refalgo / torch |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {r['case']} | {r['refalgo_ms']} | {r['torch_ms']} | {r['ratio']} |" for r in rows]
    (RESULTS / "vision.md").write_text("\n".join(lines) + "\n")

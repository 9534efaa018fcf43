"""The DPO loss (and its gradient) on a batch of pairs: refalgo against PyTorch and TRL, in one run.

Peers, all on the same sequence log-probabilities: refalgo's ``dpo_loss`` and
``dpo_loss`` + ``dpo_gradients``; the DPO authors' reference formula written in
PyTorch (``-F.logsigmoid(beta * logits)``), forward only and forward + autograd
backward; and, when TRL is installed, ``DPOTrainer._compute_loss`` driven by the
minimal stand-in trainer of the parity tests (forward + backward; it also computes
its logged metrics). PyTorch runs with one thread, like NumPy's ufuncs. The median
of several repetitions is reported with the ratio to the PyTorch forward pass.

Run with ``python -m benchmarks alignment [--n N] [--reps R]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from refalgo.alignment import dpo_gradients, dpo_loss

from benchmarks._timing import median_ms as _median_ms

RESULTS = Path(__file__).resolve().parent / "results"
BETA = 0.1




def _logps(n: int, dtype: type, rng: np.random.Generator) -> list[np.ndarray]:
    return [-rng.gamma(2.0, 20.0, size=n).astype(dtype) for _ in range(4)]


def _refalgo(arrays: list[np.ndarray]) -> dict[str, Callable[[], object]]:
    def both() -> object:
        return dpo_loss(*arrays, beta=BETA), dpo_gradients(*arrays, beta=BETA)

    return {"refalgo dpo_loss": lambda: dpo_loss(*arrays, beta=BETA), "refalgo dpo_loss + dpo_gradients": both}


def _torch(arrays: list[np.ndarray]) -> dict[str, Callable[[], object]]:
    import torch
    import torch.nn.functional as F

    pc, pr, rc, rr = (torch.from_numpy(a) for a in arrays)

    def forward(pc: object = pc, pr: object = pr) -> object:
        logits = (pc - pr) - (rc - rr)  # type: ignore[operator]
        return -F.logsigmoid(BETA * logits), BETA * (pc - rc).detach(), BETA * (pr - rr).detach()  # type: ignore[operator, union-attr]

    def backward() -> object:
        a, b = pc.clone().requires_grad_(True), pr.clone().requires_grad_(True)
        forward(a, b)[0].sum().backward()
        return a.grad, b.grad

    return {"torch reference formula, forward": forward, "torch reference formula, forward + backward": backward}


def _trl(arrays: list[np.ndarray]) -> dict[str, Callable[[], object]]:
    if importlib.util.find_spec("trl") is None:
        return {}
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "alignment"))
    from test_trl_parity import trl_dpo  # the stand-in trainer of the parity tests

    logps = np.stack([a.astype(np.float64) for a in arrays], axis=1)
    return {"TRL DPOTrainer._compute_loss, forward + backward (float64)": lambda: trl_dpo(logps, BETA, "sigmoid")}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks alignment")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    results: dict[str, dict[str, float]] = {}
    for dtype in (np.float32, np.float64):
        arrays = _logps(args.n, dtype, rng)
        peers = {**_refalgo(arrays), **_torch(arrays), **(_trl(arrays) if dtype == np.float64 else {})}
        results[np.dtype(dtype).name] = {name: _median_ms(fn, args.reps) for name, fn in peers.items()}
    _report(results, args.n, args.reps, str(torch.__version__))


def _report(results: dict[str, dict[str, float]], n: int, reps: int, torch_version: str) -> None:
    table = []
    for dtype, rows in results.items():
        base = rows["torch reference formula, forward"]
        table += [{"dtype": dtype, "implementation": name, "median_ms": round(ms, 2), "vs_torch_forward": round(ms / base, 2),
                   "M_pairs_per_s": round(n / (ms * 1e-3) / 1e6, 1)} for name, ms in rows.items()]
    meta = {"what": "DPO sigmoid loss per pair (and gradient)", "n_pairs": n, "repetitions": reps, "torch": torch_version,
            "numpy": np.__version__, "machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "threads": 1}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "alignment.json").write_text(json.dumps({"meta": meta, "rows": table}, indent=2) + "\n")
    lines = [
        f"DPO loss on {n:,} pairs, β = {BETA} (median of {reps}; torch {torch_version}, NumPy {np.__version__}; one thread).",
        "",
        "| dtype | implementation | median (ms) | × torch forward | M pairs/s |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [f"| {r['dtype']} | {r['implementation']} | {r['median_ms']} | {r['vs_torch_forward']} | {r['M_pairs_per_s']} |" for r in table]
    (RESULTS / "alignment.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

"""The MoE layer: refalgo's NumPy ``moe_forward`` against transformers' ``DeepseekV3MoE`` on PyTorch (CPU), in one run.

The layer is Moonlight-16B-A3B's (and Kimi-VL-A3B's language model's): hidden size 2048, 64 routed
experts of width 1408, top-6 by sigmoid scores with the correction bias, normalised weights times
2.446, two shared experts (one SwiGLU of width 2816); 4096 tokens, float32, the same random weights
copied into both. PyTorch runs the block as transformers builds it (its default, eager experts
loop: one pair of products per expert that received tokens) and with ``experts_implementation=
"grouped_mm"`` when that runs on this machine; the ratio is taken against the faster of the two.

Each thread count runs in its own process, with ``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS``/
``MKL_NUM_THREADS`` set before NumPy loads and ``torch.set_num_threads`` set to the same number, so
NumPy's BLAS and PyTorch use the same threads. With more than one, refalgo hands the experts (and
blocks of the shared expert's tokens) to that many Python threads, each with one BLAS thread, when
threadpoolctl (the ``fast`` extra) is installed; the results record whether it was. Repetitions
alternate between the peers; the median is reported with the largest difference between the
outputs, and the 1-minute load average at the start and end of each thread count's run (the
machine may be shared). Run with ``python -m benchmarks models [--tokens=T] [--reps=R] [--threads=1,2]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
HIDDEN, EXPERTS, TOP_K, WIDTH, SHARED, SCALE = 2048, 64, 6, 1408, 2, 2.446


def _layer(tokens: int) -> tuple[Any, Any, Any]:
    import numpy as np

    from refalgo.models.moe import MoEConfig, MoEParams

    rng = np.random.default_rng(0)

    def w(*shape: int) -> Any:
        return rng.standard_normal(shape, dtype=np.float32) / np.float32(np.sqrt(shape[-1]))

    s = WIDTH * SHARED
    params = MoEParams(w(EXPERTS, HIDDEN), w(EXPERTS, WIDTH, HIDDEN), w(EXPERTS, WIDTH, HIDDEN), w(EXPERTS, HIDDEN, WIDTH),
                       (rng.standard_normal(EXPERTS) * 0.01).astype(np.float32), w(s, HIDDEN), w(s, HIDDEN), w(HIDDEN, s))
    config = MoEConfig(top_k=TOP_K, routed_scaling_factor=SCALE)
    return rng.standard_normal((tokens, HIDDEN), dtype=np.float32), params, config


def _torch_block(params: Any, implementation: str | None) -> Any:
    import numpy as np
    import torch
    from transformers import DeepseekV3Config
    from transformers.models.deepseek_v3.modeling_deepseek_v3 import DeepseekV3MoE

    config = DeepseekV3Config(hidden_size=HIDDEN, moe_intermediate_size=WIDTH, n_routed_experts=EXPERTS, num_experts_per_tok=TOP_K,
                              n_group=1, topk_group=1, n_shared_experts=SHARED, norm_topk_prob=True,
                              routed_scaling_factor=SCALE, hidden_act="silu")
    config._experts_implementation = implementation
    with torch.device("meta"):
        block = DeepseekV3MoE(config)
    t = torch.from_numpy
    tensors = {"gate.weight": t(params.router), "gate.e_score_correction_bias": t(params.bias),
               "experts.gate_up_proj": t(np.concatenate([params.w_gate, params.w_up], axis=1)),
               "experts.down_proj": t(params.w_down), "shared_experts.gate_proj.weight": t(params.shared_gate),
               "shared_experts.up_proj.weight": t(params.shared_up), "shared_experts.down_proj.weight": t(params.shared_down)}
    block.load_state_dict(tensors, assign=True)
    return block.eval()


def _worker(tokens: int, reps: int, threads: int) -> list[dict[str, Any]]:
    import numpy as np
    import torch

    from benchmarks._timing import median_ms
    from refalgo.models.moe import moe_forward

    torch.set_num_threads(threads)
    load = [round(os.getloadavg()[0], 2)]
    x, params, config = _layer(tokens)
    tx = torch.from_numpy(x)[None]
    ours = moe_forward(x, params, config)
    peers: dict[str, Any] = {}
    for name, implementation in (("torch (transformers, eager experts)", None), ("torch (transformers, grouped_mm)", "grouped_mm")):
        block = _torch_block(params, implementation)
        try:
            with torch.inference_mode():
                diff = float(np.abs(block(tx)[0].numpy() - ours).max())
        except Exception as exc:  # noqa: BLE001 - a peer this machine cannot run is reported, not fatal
            print(f"{name}: not run ({type(exc).__name__}: {exc})"[:200], file=sys.stderr)
            continue
        peers[name] = (block, diff)
    times: dict[str, list[float]] = {"refalgo (NumPy)": [], **{name: [] for name in peers}}
    for _ in range(reps):  # interleaved: each repetition times every peer once
        times["refalgo (NumPy)"].append(median_ms(lambda: moe_forward(x, params, config), 1, warmup=0))
        for name, (block, _) in peers.items():
            with torch.inference_mode():
                times[name].append(median_ms(functools.partial(block, tx), 1, warmup=0))
    median = {name: float(np.median(v)) for name, v in times.items()}
    fastest = min(median[name] for name in peers)
    load.append(round(os.getloadavg()[0], 2))
    return [{"threads": threads, "implementation": name, "ms": round(ms, 1),
             "ratio": round(ms / fastest, 2) if name.startswith("refalgo") else round(ms / median["refalgo (NumPy)"], 2),
             "max_abs_diff": 0.0 if name.startswith("refalgo") else peers[name][1], "load_average": load}
            for name, ms in median.items()]


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks models")
    ap.add_argument("--tokens", type=int, default=4096)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--no-progress", action="store_true")
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.tokens, args.reps, int(args.threads))))
        return
    from tqdm import tqdm

    rows: list[dict[str, Any]] = []
    root = Path(__file__).resolve().parents[1]
    for threads in tqdm([int(t) for t in args.threads.split(",")], desc="MoE layer, thread counts", disable=args.no_progress):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
        cmd = [sys.executable, "-m", "benchmarks.bench_models", "--worker", f"--tokens={args.tokens}", f"--reps={args.reps}",
               f"--threads={threads}"]
        out = subprocess.run(cmd, env=env, cwd=root, check=True, capture_output=True, text=True)
        part = json.loads(out.stdout.strip().splitlines()[-1])
        rows += part
        for r in part:
            tqdm.write(f"{threads} thread(s), {r['implementation']}: {r['ms']} ms, ratio {r['ratio']}")
    _report(rows, args.tokens, args.reps)


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _report(rows: list[dict[str, Any]], tokens: int, reps: int) -> None:
    import numpy as np
    import torch
    import transformers

    meta = {"what": "MoE layer forward, float32", "tokens": tokens, "hidden": HIDDEN, "experts": EXPERTS, "top_k": TOP_K,
            "expert_width": WIDTH, "shared_experts": SHARED, "repetitions": reps, "torch": str(torch.__version__),
            "transformers": transformers.__version__, "numpy": np.__version__, "threadpoolctl": _version("threadpoolctl"),
            "cpus": os.cpu_count(), "machine": f"{platform.machine()} {platform.processor() or ''}".strip()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "models.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    lines = [
        (f"The MoE layer of Moonlight-16B-A3B in float32: {tokens} tokens, hidden {HIDDEN}, {EXPERTS} experts of width {WIDTH}, "
         f"top-{TOP_K}, {SHARED} shared experts (median of {reps}; torch {torch.__version__}, transformers "
         f"{transformers.__version__}, NumPy {np.__version__})."),
        "",
        "| threads | implementation | time (ms) | ratio | largest difference from refalgo |",
        "|---:|---|---:|---:|---:|",
    ]
    lines += [f"| {r['threads']} | {r['implementation']} | {r['ms']} | {r['ratio']} | {r['max_abs_diff']:.1e} |" for r in rows]
    lines += ["", "1-minute load average at the start and end of each thread count's run, on "
              f"{os.cpu_count()} CPUs: " + ", ".join(f"{r['threads']} thread(s) {r['load_average'][0]}–{r['load_average'][1]}"
                                                     for r in rows if r["implementation"].startswith("refalgo")) + "."]
    lines += ["", "ratio: refalgo's row, its time over the faster PyTorch peer's; a PyTorch row, its time over refalgo's."]
    (RESULTS / "models.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])

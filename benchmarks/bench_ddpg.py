"""DDPG with neural networks on Pendulum-v1: learning curves over seeds, against a published result.

Trains :func:`refalgo.rl.ddpg_torch.train_ddpg_pendulum` (the paper's settings except where
``PAPER_DEVIATIONS`` says) for ``--steps`` environment steps on each of ``--seeds`` seeds, one
after the other (PyTorch on one thread), stores every episode's return per seed, then
evaluates each final actor without noise for 50 episodes, as the RL Zoo's benchmark does.

Reference: Stable-Baselines3's RL Zoo benchmark table (``benchmark.md`` of
DLR-RM/rl-baselines3-zoo): DDPG on Pendulum-v1, trained 20k steps, deterministic policy
evaluated over 750 episodes: mean return −152.099 (std 94.282) — one training run, with the
zoo's tuned settings (γ = 0.98, Adam 10⁻³, Gaussian noise 0.1, 10k random steps).

Results go to ``benchmarks/results/ddpg_pendulum.json`` (+ ``.md``), rewritten after every seed,
so a long run can be followed and a stopped one keeps its finished seeds.
Run with ``python -m benchmarks ddpg [--quick] [--seeds 5] [--steps 25000]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
EVAL_EPISODES = 50
REFERENCE = {
    "source": "Stable-Baselines3 RL Zoo, benchmark.md (DLR-RM/rl-baselines3-zoo), row ddpg / Pendulum-v1",
    "url": "https://github.com/DLR-RM/rl-baselines3-zoo/blob/master/benchmark.md",
    "mean_return": -152.099,
    "std_return": 94.282,
    "train_steps": 20_000,
    "eval_episodes": 750,
    "note": "one training run; the final deterministic policy evaluated over 150,000 steps (750 episodes)",
}


def summary(seeds: list[dict]) -> dict:
    last10 = [float(np.mean(s["episode_returns"][-10:])) for s in seeds]
    evals = np.concatenate([s["eval_returns"] for s in seeds])
    per_seed = [float(np.mean(s["eval_returns"])) for s in seeds]
    return {"n_seeds": len(seeds), "last10_train_return_mean": float(np.mean(last10)),
            "eval_return_mean": float(evals.mean()), "eval_return_std": float(evals.std()),
            "eval_seed_means": per_seed, "seconds_total": float(sum(s["seconds"] for s in seeds))}


def write(out: dict) -> None:
    s, ref = out["summary"], out["reference"]
    lines = ["# DDPG on Pendulum-v1 (PyTorch MLPs, the paper's settings with stated deviations)", "",
             (f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
             f"PyTorch {out['torch']}, Gymnasium {out['gymnasium']}, one thread."), "",
             f"{out['total_steps']:,} steps per seed; the final actor evaluated without noise over {EVAL_EPISODES} episodes per seed.", "",
             "| seed | episodes | mean of last 10 training returns | evaluation mean ± std | seconds | steps/s |", "|---|---|---|---|---|---|"]
    for r in out["seeds"]:
        ev = np.asarray(r["eval_returns"])
        lines.append(f"| {r['seed']} | {len(r['episode_returns'])} | {np.mean(r['episode_returns'][-10:]):.1f} | "
                     f"{ev.mean():.1f} ± {ev.std():.1f} | {r['seconds']:.0f} | {out['total_steps'] / r['seconds']:.0f} |")
    lines += ["", (f"Over {s['n_seeds']} seeds: evaluation mean {s['eval_return_mean']:.1f} (std over all evaluation episodes "
              f"{s['eval_return_std']:.1f}); mean of the last 10 training returns {s['last10_train_return_mean']:.1f}."), "",
              (f"Published: {ref['source']}: {ref['mean_return']} ± {ref['std_return']} after {ref['train_steps']:,} steps "
              f"({ref['note']}). <{ref['url']}>"), ""]
    text = "\n".join(lines)
    print(text, flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ddpg_pendulum.md").write_text(text, encoding="utf-8")
    (RESULTS / "ddpg_pendulum.json").write_text(json.dumps(out, indent=1), encoding="utf-8")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks ddpg")
    parser.add_argument("--quick", action="store_true", help="2 seeds × 3,000 steps (a smoke run; results not comparable)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=25_000)
    args = parser.parse_args(argv)
    import gymnasium
    import torch

    from refalgo.rl.ddpg_torch import (
        PAPER_DEVIATIONS,
        evaluate_policy,
        train_ddpg_pendulum,
    )

    n_seeds, steps = (2, 3_000) if args.quick else (args.seeds, args.steps)
    out: dict = {"total_steps": steps, "eval_episodes": EVAL_EPISODES, "torch": torch.__version__, "gymnasium": gymnasium.__version__,
                 "deviations": [dict(zip(("setting", "paper", "here", "why"), row)) for row in PAPER_DEVIATIONS],
                 "reference": REFERENCE, "seeds": []}
    for seed in range(n_seeds):
        t0 = time.perf_counter()
        run = train_ddpg_pendulum(seed=seed, total_steps=steps, progress=True)
        seconds = time.perf_counter() - t0
        ev = evaluate_policy(run.actor, episodes=EVAL_EPISODES, seed=10_000 + seed)
        out["settings"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in run.settings.items() if k != "seed"}
        out["seeds"].append({"seed": seed, "seconds": seconds, "episode_returns": run.history.episode_returns.round(3).tolist(),
                             "episode_ends": run.history.episode_ends.tolist(), "eval_returns": ev.round(3).tolist()})
        out["summary"] = summary(out["seeds"])
        write(out)

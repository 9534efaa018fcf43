"""DDPG on LQR (NumPy): the learning curves and the τ ablation that the DDPG page plots.

Two experiments with :func:`refalgo.rl.ddpg.ddpg_lqr`, seeded, each run a few seconds:

* ``curves`` — a two-state, one-action system (``SYSTEM_2D``), DDPG with replay and soft
  targets (τ = 0.1) from K = 0, 5,000 steps on each of 5 seeds: the gain K and the critic
  (H, b) every 50 steps.
* ``ablation`` — the scalar system of the tests (``SYSTEM_1D``) at the step sizes where
  DDPG converges; for each of 6 seeds, DDPG (replay, τ = 0.1) against plain online DPG
  (τ = 1, the newest transition only), and the two mixed settings (replay with τ = 1; the
  newest transition only with τ = 0.1): K every 25 steps, and whether the run diverged.

The page reads ``benchmarks/results/ddpg_lqr.json`` and computes K*, H_K and the errors
from :mod:`refalgo.rl.lqr` while it builds. Run with ``python -m benchmarks ddpg_lqr``.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from refalgo.rl.ddpg import ddpg_lqr

RESULTS = Path(__file__).resolve().parent / "results" / "ddpg_lqr.json"

SYSTEM_2D = {"A": [[1.0, 0.2], [0.0, 0.9]], "B": [[0.0], [1.0]], "Q": [[1.0, 0.0], [0.0, 0.5]], "R": [[1.0]], "gamma": 0.9}
CURVES = {"n_steps": 5000, "tau": 0.1, "actor_lr": 1e-2, "critic_lr": 2e-2, "episode_length": 10, "learning_starts": 200,
          "batch_size": 32, "noise": "gaussian", "noise_sigma": 0.3, "record_every": 50}
SYSTEM_1D = {"A": [[0.9]], "B": [[1.0]], "Q": [[1.0]], "R": [[1.0]], "gamma": 0.9}
ABLATION = {"n_steps": 3000, "actor_lr": 2e-2, "critic_lr": 0.15, "episode_length": 10, "learning_starts": 200,
            "batch_size": 32, "noise": "gaussian", "noise_sigma": 0.3, "record_every": 25}
SETTINGS = {"ddpg": {"tau": 0.1, "replay": True}, "online": {"tau": 1.0, "replay": False},
            "replay_tau1": {"tau": 1.0, "replay": True}, "no_replay_tau01": {"tau": 0.1, "replay": False}}


def _round(a: Any) -> Any:
    return np.round(np.asarray(a, dtype=float), 7).tolist()


def _run(system: dict[str, Any], settings: dict[str, Any], seed: int) -> dict[str, Any]:
    sys = {k: v for k, v in system.items() if k != "gamma"}
    run = ddpg_lqr(**sys, gamma=system["gamma"], seed=seed, progress=False, **settings)
    h = run.history
    return {"seed": seed, "diverged": run.diverged, "steps": h.steps.tolist(), "K": _round(h.K), "H": _round(h.H), "b": _round(h.b)}


def main(argv: list[str]) -> None:
    start = time.perf_counter()
    curves = [_run(SYSTEM_2D, CURVES, seed) for seed in range(5)]
    ablation = {name: [{k: v for k, v in _run(SYSTEM_1D, {**ABLATION, **extra}, seed).items() if k not in ("H", "b")}
                       for seed in range(6)] for name, extra in SETTINGS.items()}
    out = {
        "machine": platform.platform(), "seconds": round(time.perf_counter() - start, 1),
        "curves": {"system": SYSTEM_2D, "settings": CURVES, "runs": curves},
        "ablation": {"system": SYSTEM_1D, "settings": ABLATION, "variants": SETTINGS, "runs": ablation},
    }
    RESULTS.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS} in {out['seconds']} s")


if __name__ == "__main__":
    import sys as _sys

    main(_sys.argv[1:])

"""The exact policy gradient: sparse solves against autograd through a dense PyTorch solve, in one run.

The model is a sparse random walk with 4 actions: from each state every action leads to
3 of the nearby states (seeded). ∇J of a tabular softmax policy, γ = 0.95, uniform start:

1. refalgo's :func:`~refalgo.rl.pg_theorem.policy_gradient` on the sparse model:
   one SuperLU factorisation of I − γP_π, a solve and a transposed solve (the theorem);
2. PyTorch autograd (CPU, float64): softmax, the dense P_π, ``torch.linalg.solve`` of
   (I − γP_π) v = r_π, backward — what a user would write — at the largest size that fits
   here; refalgo at that same size (sparse and dense models) for the ratio;
3. the largest difference between the two gradients at the shared size.

Run with ``python -m benchmarks pg [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import numpy as np
import scipy.sparse as sps

from benchmarks._timing import median_ms
from refalgo.mdp import MDP
from refalgo.rl.pg_theorem import policy_gradient

RESULTS = Path(__file__).resolve().parent / "results"
A = 4


def walk(S: int, seed: int = 0, gamma: float = 0.95) -> MDP:
    """Sparse: row s·A + a goes to 3 states within ±20 of s, weights from a seeded generator."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(S * A), 3)
    cols = (np.repeat(np.arange(S), 3 * A) + rng.integers(-20, 21, size=3 * S * A)) % S
    w = rng.random(3 * S * A) + 0.1
    P = sps.csr_array((w, (rows, cols)), shape=(S * A, S))
    P.sum_duplicates()
    P = sps.csr_array(sps.diags_array(1.0 / P.sum(axis=1)) @ P)
    return MDP(P, rng.normal(size=(S, A)), gamma)


def torch_gradient(P: np.ndarray, R: np.ndarray, gamma: float, theta: np.ndarray, d0: np.ndarray) -> np.ndarray:
    import torch

    Pt, Rt, d = torch.as_tensor(P), torch.as_tensor(np.array(R)), torch.as_tensor(d0)
    w = torch.tensor(theta, requires_grad=True)
    pi = torch.softmax(w, dim=1)
    P_pi = torch.einsum("sat,sa->st", Pt, pi)
    v = torch.linalg.solve(torch.eye(P.shape[0], dtype=torch.float64) - gamma * P_pi, (pi * Rt).sum(dim=1))
    (d @ v).backward()
    return w.grad.numpy()


def run(quick: bool) -> dict:
    import torch

    torch.set_num_threads(2)
    big, shared = (10_000, 1_000) if quick else (10_000, 3_000)
    out: dict = {"gamma": 0.95, "actions": A, "ms": {}}
    m = walk(big)
    theta = np.random.default_rng(1).normal(size=(big, A))
    d0 = np.full(big, 1.0 / big)
    out["ms"][f"refalgo, sparse, S = {big}"] = median_ms(lambda: policy_gradient(m, theta, start=d0), 3)
    m = walk(shared)
    theta, d0 = theta[:shared], np.full(shared, 1.0 / shared)
    dense_P = m.P.toarray().reshape(shared, A, shared)
    dense = MDP(dense_P, m.R, m.gamma)
    out["ms"][f"refalgo, sparse, S = {shared}"] = median_ms(lambda: policy_gradient(m, theta, start=d0), 3)
    out["ms"][f"refalgo, dense model, S = {shared}"] = median_ms(lambda: policy_gradient(dense, theta, start=d0), 3)
    out["ms"][f"PyTorch autograd, dense solve, S = {shared}"] = median_ms(
        lambda: torch_gradient(dense_P, m.R, m.gamma, theta, d0), 3)
    diff = np.max(np.abs(policy_gradient(m, theta, start=d0) - torch_gradient(dense_P, m.R, m.gamma, theta, d0)))
    out["max_gradient_difference_vs_torch"] = float(diff)
    ms = out["ms"]
    out["ratios"] = {
        f"PyTorch / refalgo sparse, S = {shared}": ms[f"PyTorch autograd, dense solve, S = {shared}"] / ms[f"refalgo, sparse, S = {shared}"],
        f"PyTorch at S = {shared} / refalgo sparse at S = {big}": ms[f"PyTorch autograd, dense solve, S = {shared}"] / ms[f"refalgo, sparse, S = {big}"],
    }
    return out


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pg")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    res = run(args.quick)
    lines = ["# The exact policy gradient", "", f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}.", "",
             f"## ∇J of tabular softmax, {res['actions']} actions, γ = {res['gamma']}", "", "| implementation | ms |", "|---|---|"]
    lines += [f"| {n} | {ms:,.1f} |" for n, ms in res["ms"].items()]
    lines += ["", "| ratio | × |", "|---|---|"]
    lines += [f"| {n} | {r:,.1f} |" for n, r in res["ratios"].items()]
    lines += ["", f"Largest gradient difference, refalgo vs PyTorch autograd: {res['max_gradient_difference_vs_torch']:.2e}."]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pg.md").write_text(text, encoding="utf-8")
    (RESULTS / "pg.json").write_text(json.dumps(res, indent=2), encoding="utf-8")

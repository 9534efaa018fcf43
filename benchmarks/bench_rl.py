"""Value-function approximation: sampled TD(0) throughput and the TD fixed point, against the peers, in one run.

1. Semi-gradient TD(0) with k dense linear features on independent transitions of a
   ring walk: transitions per second of refalgo's compiled loop (numba), of the readable
   loop (``backend="numpy"``, the plain Python/NumPy loop a user would write), and of the
   same update written in PyTorch on CPU (one thread, one tensor operation per term). The
   slow peers run on a prefix of the transitions; all report transitions per second, and
   the final weights of the same prefix are compared.
2. The TD fixed point Φᵀ D (I − γP_π) Φ w = Φᵀ D r_π: refalgo's sparse path on a ring walk
   with state-aggregation features (10⁶ states, 100 features), against a dense NumPy
   computation (P_π and Φ as dense arrays, matrix products, ``np.linalg.solve``) at the
   largest size it fits here, and refalgo at that same size.

Run with ``python -m benchmarks rl [--quick]``.
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
from refalgo.rl import sample_transitions, semi_gradient_td, state_aggregation_features, td_fixed_point

RESULTS = Path(__file__).resolve().parent / "results"


def ring(S: int, gamma: float = 0.9) -> MDP:
    """A sparse ring walk: right 1/2, left 3/10, stay 1/5; reward sin(2πs/S)."""
    idx = np.arange(S)
    P = sps.csr_array((np.r_[np.full(S, 0.5), np.full(S, 0.3), np.full(S, 0.2)],
                       (np.r_[idx, idx, idx], np.r_[(idx + 1) % S, (idx - 1) % S, idx])), shape=(S, S))
    return MDP(P, np.sin(2 * np.pi * idx / S)[:, None], gamma)


def torch_td(t, Phi: np.ndarray, gamma: float, alpha: float) -> np.ndarray:
    import torch

    torch.set_num_threads(1)
    phi = torch.as_tensor(Phi)
    w = torch.zeros(Phi.shape[1], dtype=torch.float64)
    s, s2, r = t.states.tolist(), t.next_states.tolist(), t.rewards.tolist()
    with torch.no_grad():
        for i in range(len(s)):
            delta = r[i] + gamma * torch.dot(phi[s2[i]], w) - torch.dot(phi[s[i]], w)
            w.add_(phi[s[i]], alpha=float(alpha * delta))
    return w.numpy()


def throughput(quick: bool) -> dict:
    S, k = 1000, 16
    m = ring(S)
    Phi = np.cos(np.pi * np.outer(np.arange(S) / (S - 1), np.arange(k)))  # a Fourier basis
    n_fast, n_slow = (200_000, 5_000) if quick else (2_000_000, 50_000)
    t = sample_transitions(m, np.zeros(S, dtype=int), n=n_fast, seed=0)
    prefix = t._replace(**{f: getattr(t, f)[:n_slow] for f in t._fields})
    semi_gradient_td(prefix, Phi, gamma=0.9, alpha=0.01, backend="numba")  # compile or load from cache
    rows = {
        "refalgo, numba": (n_fast, median_ms(lambda: semi_gradient_td(t, Phi, gamma=0.9, alpha=0.01, backend="numba"), 3)),
        "refalgo, readable NumPy loop": (n_slow, median_ms(lambda: semi_gradient_td(prefix, Phi, gamma=0.9, alpha=0.01, backend="numpy"), 1, 0)),
        "PyTorch (CPU, 1 thread)": (n_slow, median_ms(lambda: torch_td(prefix, Phi, 0.9, 0.01), 1, 0)),
    }
    same = np.max(np.abs(semi_gradient_td(prefix, Phi, gamma=0.9, alpha=0.01, backend="numba").weights - torch_td(prefix, Phi, 0.9, 0.01)))
    rate = {name: n / (ms / 1e3) for name, (n, ms) in rows.items()}
    return {"k": k, "rates": rate, "max_weight_difference_vs_torch": float(same)}


def fixed_point(quick: bool) -> dict:
    big, dense_S = (100_000, 2_000) if quick else (1_000_000, 4_000)
    out = {}
    for S in (dense_S, big):
        m = ring(S)
        Phi = state_aggregation_features(np.arange(S) * 100 // S, sparse=True)
        out[f"refalgo sparse, S = {S}"] = median_ms(lambda: td_fixed_point(m, np.zeros(S, dtype=int), Phi, weights="uniform"), 3)
    m = ring(dense_S)
    P, r = m.P.toarray(), m.R[:, 0]
    Phi = state_aggregation_features(np.arange(dense_S) * 100 // dense_S)
    d = np.full(dense_S, 1.0 / dense_S)

    def dense() -> np.ndarray:
        DPhi = d[:, None] * Phi
        return np.linalg.solve(DPhi.T @ (Phi - 0.9 * P @ Phi), DPhi.T @ r)

    out[f"dense NumPy, S = {dense_S}"] = median_ms(dense, 3)
    assert np.allclose(dense(), td_fixed_point(m, np.zeros(dense_S, dtype=int), Phi, weights="uniform"), atol=1e-10)
    return out


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks rl")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    tp = throughput(args.quick)
    fp = fixed_point(args.quick)
    fast = tp["rates"]["refalgo, numba"]
    lines = ["# TD(0) and the TD fixed point", "", f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}.", "",
             f"## Semi-gradient TD(0), k = {tp['k']} dense features", "", "| implementation | transitions/s | refalgo numba is × faster |", "|---|---|---|"]
    lines += [f"| {n} | {r:,.0f} | {fast / r:.1f} |" for n, r in tp["rates"].items()]
    lines += ["", f"Largest weight difference, refalgo vs PyTorch on the same transitions: {tp['max_weight_difference_vs_torch']:.2e}.", "",
              "## TD fixed point, 100 state-aggregation features", "", "| implementation | ms |", "|---|---|"]
    lines += [f"| {n} | {ms:,.1f} |" for n, ms in fp.items()]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "rl.md").write_text(text, encoding="utf-8")
    (RESULTS / "rl.json").write_text(json.dumps({"td0": tp, "fixed_point_ms": fp}, indent=2), encoding="utf-8")

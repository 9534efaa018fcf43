"""Numeric gradients of the Rosenbrock function: refalgo against SciPy and PyTorch, time and accuracy, in one run.

Peers at the same point: refalgo's ``gradient`` by central differences and by complex
step; ``scipy.optimize.approx_fprime`` (forward differences, step √ε);
``scipy.differentiate.jacobian`` (adaptive central differences with Richardson
extrapolation); and PyTorch reverse-mode autograd (exact up to rounding, one thread).
Accuracy is the largest error relative to the closed-form gradient
``scipy.optimize.rosen_der``. Also the directional derivative along a random
direction: refalgo's two-call line differences against ``torch.func.jvp``.

Run with ``python -m benchmarks directional [--reps R]``.
"""

from __future__ import annotations

import argparse
import json
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from scipy.differentiate import jacobian
from scipy.optimize import approx_fprime, rosen_der

from refalgo.calculus import directional_derivative, gradient

from benchmarks._timing import median_ms as _median_ms

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = (10, 100, 1000)


def rosen(x: Any) -> Any:
    """Rosenbrock in any array library with slicing and ``**``; sums over the first axis (SciPy's layout)."""
    return (100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum(0)




def _gradient_peers(x: np.ndarray) -> dict[str, Callable[[], np.ndarray]]:
    import torch

    def autograd() -> np.ndarray:
        t = torch.tensor(x, requires_grad=True)
        (g,) = torch.autograd.grad(rosen(t), t)
        return g.numpy()

    return {
        "refalgo gradient, central": lambda: gradient(rosen, x),
        "refalgo gradient, complex step": lambda: gradient(rosen, x, method="complex"),
        "scipy.optimize.approx_fprime (forward)": lambda: approx_fprime(x, rosen),
        "scipy.differentiate.jacobian (adaptive)": lambda: jacobian(rosen, x).df,
        "torch.autograd.grad (reverse mode)": autograd,
    }


def _directional_peers(x: np.ndarray, v: np.ndarray) -> dict[str, Callable[[], float]]:
    import torch

    u = v / np.linalg.norm(v)
    tx, tu = torch.tensor(x), torch.tensor(u)
    return {
        "refalgo directional_derivative, central": lambda: directional_derivative(rosen, x, v),
        "refalgo directional_derivative, complex step": lambda: directional_derivative(rosen, x, v, method="complex"),
        "refalgo gradient (central) · u": lambda: float(gradient(rosen, x) @ u),
        "torch.func.jvp (forward mode)": lambda: float(torch.func.jvp(rosen, (tx,), (tu,))[1]),
    }


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks directional")
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    rows = []
    for n in SIZES:
        x, v = rng.uniform(-2, 2, n), rng.normal(size=n)
        exact = rosen_der(x)
        scale = np.max(np.abs(exact))
        for name, fn in _gradient_peers(x).items():
            err = float(np.max(np.abs(fn() - exact)) / scale)
            rows.append({"task": "gradient", "n": n, "implementation": name, "median_ms": _median_ms(fn, args.reps), "max_rel_error": err})
        exact_d = float(exact @ (v / np.linalg.norm(v)))
        for name, dfn in _directional_peers(x, v).items():
            err = abs(dfn() - exact_d) / max(1.0, abs(exact_d))
            rows.append({"task": "directional", "n": n, "implementation": name, "median_ms": _median_ms(dfn, args.reps), "max_rel_error": err})
    _report(rows, args.reps, str(torch.__version__))


def _report(rows: list[dict[str, Any]], reps: int, torch_version: str) -> None:
    base = {(r["task"], r["n"]): r["median_ms"] for r in rows if r["implementation"].startswith("refalgo") and r["implementation"].endswith("central")}
    for r in rows:
        r["vs_refalgo_central"] = float(f"{r['median_ms'] / base[(r['task'], r['n'])]:.3g}")
        r["median_ms"] = float(f"{r['median_ms']:.3g}")
        r["max_rel_error"] = float(f"{r['max_rel_error']:.2g}")
    meta = {"what": "gradient and directional derivative of the Rosenbrock function at a random point", "sizes": list(SIZES),
            "repetitions": reps, "torch": torch_version, "numpy": np.__version__, "scipy": scipy.__version__,
            "machine": f"{platform.machine()} {platform.processor() or ''}".strip(), "threads": 1}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "directional.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    lines = [
        f"Rosenbrock function at a random point in [-2, 2]ⁿ (median of {reps}; NumPy {np.__version__}, SciPy "
        f"{scipy.__version__}, torch {torch_version}; one thread). Error: largest |error| relative to the closed-form "
        "gradient's largest entry (directional: relative to max(1, |D_u f|)).",
        "",
        "| task | n | implementation | median (ms) | × refalgo central | max rel. error |",
        "|---|---:|---|---:|---:|---:|",
    ]
    lines += [f"| {r['task']} | {r['n']} | {r['implementation']} | {r['median_ms']} | {r['vs_refalgo_central']} | {r['max_rel_error']:.1e} |" for r in rows]
    (RESULTS / "directional.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

"""Classifying and minimizing a quadratic: refalgo's classifier against what users would otherwise call.

Peers, in one run on the same problems ``f(x) = xᵀAx + bᵀx + c``:

* ``refalgo.calculus.quadratic_extremum`` — kind, definiteness, null space, least-norm point
  and value: for a definite ``A`` from two Cholesky factorizations, for an indefinite one with
  n ≤ 64 from three Bunch–Kaufman LDLᵀ factorizations (two shifted ones certify the inertia,
  the third solves), else, and with ``method="eigh"`` always, from one ``eigh``;
* ``numpy.linalg.solve`` on ``2Ax = −b`` — the point only, no classification;
* ``scipy.linalg.pinvh`` — the least-norm point via a symmetric pseudo-inverse;
* ``scipy.optimize.minimize`` (BFGS with the exact gradient, n ≤ 32) — an iterative
  minimizer that assumes a minimum exists;
* the exact twin ``quadratic_extremum_symbolic`` against SymPy's ``Matrix.LUsolve`` on the
  same problem, with integer entries and with rational ones (A/7, b/3), n = 4 … 32.

Positive definite problems have ``A = BᵀB + nI``; the indefinite ones (a saddle) flip the
sign of half the eigenvalues. The repetitions are
interleaved across the peers of each problem and the median reported with the ratio to
``numpy.linalg.solve`` (float64) or to ``LUsolve`` (exact). Each float64 row also gives the
flops the method needs (Cholesky twice and two triangular solves: 2n³/3 + 2n²; ``solve``'s
LU: 2n³/3 + 2n²; LDLᵀ three times, the residual product XD·Xᵀ and the solve: 3n³ + 2n²;
``eigh``: about 9n³) against the machine's single-thread peak, measured by
a 1024 × 1024 matrix product in the same run. Run with
``OPENBLAS_NUM_THREADS=1 python -m benchmarks quadratic [--reps R]`` (one BLAS thread, so that
a loaded machine's thread contention does not dominate the larger sizes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy
import scipy.linalg
import scipy.optimize
import sympy as sp

from refalgo.calculus import quadratic_extremum, quadratic_extremum_symbolic

from benchmarks.bench_optim import interleaved_median_ms

RESULTS = Path(__file__).resolve().parent / "results"




def _problem(n: int, rng: np.random.Generator, indefinite: bool) -> tuple[np.ndarray, np.ndarray]:
    B = rng.standard_normal((n, n))
    A = B.T @ B + n * np.eye(n)
    if indefinite:
        w, V = np.linalg.eigh(A)
        A = (V * np.where(np.arange(n) % 2 == 0, w, -w)) @ V.T
        A = (A + A.T) / 2
    return A, rng.standard_normal(n)


def _numeric_rows(n: int, reps: int, rng: np.random.Generator, peak: float, indefinite: bool) -> list[dict[str, object]]:
    A, b = _problem(n, rng, indefinite)
    f = lambda x: float(x @ A @ x + b @ x)  # noqa: E731
    grad = lambda x: 2 * A @ x + b  # noqa: E731
    peers: dict[str, Callable[[], object]] = {
        "numpy.linalg.solve (point only)": lambda: np.linalg.solve(2 * A, -b),
        "refalgo quadratic_extremum": lambda: quadratic_extremum(A, b, 0.0),
        "refalgo quadratic_extremum(method='eigh')": lambda: quadratic_extremum(A, b, 0.0, method="eigh"),
        "scipy.linalg.pinvh": lambda: -scipy.linalg.pinvh(A) @ b / 2,
    }
    if n <= 32 and not indefinite:
        peers["scipy.optimize.minimize BFGS"] = lambda: scipy.optimize.minimize(f, np.zeros(n), jac=grad, method="BFGS")
    times = interleaved_median_ms(peers, reps)
    base = times["numpy.linalg.solve (point only)"]
    fast = 2 * n**3 / 3 + 2 * n**2 if not indefinite else 3 * n**3 + 2 * n**2 if n <= 64 else 9 * n**3
    flops = {"numpy.linalg.solve (point only)": 2 * n**3 / 3 + 2 * n**2,
             "refalgo quadratic_extremum": fast,
             "refalgo quadratic_extremum(method='eigh')": 9 * n**3}
    return [{"n": n, "problem": "indefinite" if indefinite else "positive definite", "implementation": k,
             "median_ms": round(v, 4), "vs_numpy_solve": round(v / base, 2),
             "percent_of_peak": round(100 * flops[k] / (v * 1e-3) / (peak * 1e9), 3) if k in flops else None}
            for k, v in times.items()]


def _exact_rows(n: int, reps: int, rng: np.random.Generator, entries: str) -> list[dict[str, object]]:
    B = sp.Matrix(rng.integers(-3, 4, size=(n, n)).tolist())
    A, b = B.T * B + sp.eye(n), sp.Matrix(rng.integers(-5, 6, size=n).tolist())
    if entries == "rational":
        A, b = A / 7, b / 3
    peers: dict[str, Callable[[], object]] = {
        "sympy Matrix.LUsolve (point only)": lambda: (2 * A).LUsolve(-b),
        "refalgo quadratic_extremum_symbolic": lambda: quadratic_extremum_symbolic(A, b, 0),
    }
    times = interleaved_median_ms(peers, reps, warmup=1)
    base = times["sympy Matrix.LUsolve (point only)"]
    return [{"n": n, "entries": entries, "implementation": k, "median_ms": round(v, 2), "vs_sympy_lusolve": round(v / base, 2)}
            for k, v in times.items()]


def _peak_gflops() -> float:
    """Single-thread float64 GFLOP/s of a 1024 × 1024 matrix product (2n³ flops), with the BLAS threads as set."""
    x = np.random.default_rng(1).standard_normal((1024, 1024))
    ms = interleaved_median_ms({"matmul": lambda: x @ x}, 5, warmup=1)["matmul"]
    return 2 * 1024**3 / (ms * 1e-3) / 1e9


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks quadratic")
    ap.add_argument("--reps", type=int, default=201)
    ap.add_argument("--exact-reps", type=int, default=5)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    peak = _peak_gflops()
    numeric = [row for indefinite in (False, True) for n in (4, 8, 16, 32, 64, 256)
               for row in _numeric_rows(n, args.reps if n <= 64 else 7, rng, peak, indefinite)]
    exact = [row for n in (4, 8, 16, 32) for entries in ("integer", "rational")
             for row in _exact_rows(n, args.exact_reps, rng, entries)]
    meta = {
        "what": "classify and minimize a quadratic (kind, point, value)",
        "repetitions": args.reps,
        "exact_repetitions": args.exact_reps,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sympy": sp.__version__,
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "library default"),
        "peak_gflops_matmul_1024": round(peak, 1),
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quadratic.json").write_text(json.dumps({"meta": meta, "numeric": numeric, "exact": exact}, indent=2) + "\n")
    lines = [
        f"Classifying and minimizing a quadratic (median of {args.reps} for n ≤ 64, of 7 for n = 256, of "
        f"{args.exact_reps} for the exact twin, repetitions interleaved; NumPy {np.__version__}, SciPy {scipy.__version__}, "
        f"SymPy {sp.__version__}; BLAS threads: {meta['blas_threads']}). The float64 peers differ in what they return: "
        "`solve` gives the point only, refalgo also the kind, definiteness, null space and value. "
        f"% of peak: the method's flops per second against {peak:.1f} GFLOP/s, a 1024 × 1024 matrix product on this machine.",
        "",
        "| n | problem | implementation | median (ms) | × numpy.linalg.solve | % of peak |",
        "|---:|---|---|---:|---:|---:|",
        *(f"| {r['n']} | {r['problem']} | {r['implementation']} | {r['median_ms']} | {r['vs_numpy_solve']} | "
          f"{'' if r['percent_of_peak'] is None else r['percent_of_peak']} |" for r in numeric),
        "",
        "| n | entries | exact implementation | median (ms) | × sympy LUsolve |",
        "|---:|---|---|---:|---:|",
        *(f"| {r['n']} | {r['entries']} | {r['implementation']} | {r['median_ms']} | {r['vs_sympy_lusolve']} |" for r in exact),
        "",
    ]
    (RESULTS / "quadratic.md").write_text("\n".join(lines))
    print("\n".join(lines))

"""Minimizing a positive definite quadratic: refalgo's classifier against what users would otherwise call.

Peers, in one run on the same problems ``f(x) = xᵀAx + bᵀx + c`` with ``A = BᵀB + nI``:

* ``refalgo.calculus.quadratic_extremum`` — inertia, null space, least-norm point and
  value from one ``eigh``;
* ``numpy.linalg.solve`` on ``2Ax = −b`` — the point only, no classification;
* ``scipy.linalg.pinvh`` — the least-norm point via a symmetric pseudo-inverse;
* ``scipy.optimize.minimize`` (BFGS with the exact gradient) — an iterative minimizer
  that assumes a minimum exists;
* for small ``n``, the exact twin ``quadratic_extremum_symbolic`` against SymPy's
  ``Matrix.LUsolve`` on the same integer problem.

Medians over repetitions after a warm-up; each row reports the ratio to
``numpy.linalg.solve`` (float64) or to ``LUsolve`` (exact). Run with
``OPENBLAS_NUM_THREADS=1 python -m benchmarks quadratic [--reps R]`` (one BLAS thread, so
that a loaded machine's thread contention does not dominate the larger sizes).
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

from benchmarks._timing import median_ms as _median_ms

RESULTS = Path(__file__).resolve().parent / "results"




def _numeric_rows(n: int, reps: int, rng: np.random.Generator) -> list[dict[str, object]]:
    B = rng.standard_normal((n, n))
    A, b = B.T @ B + n * np.eye(n), rng.standard_normal(n)
    f = lambda x: float(x @ A @ x + b @ x)  # noqa: E731
    grad = lambda x: 2 * A @ x + b  # noqa: E731
    peers: dict[str, Callable[[], object]] = {
        "numpy.linalg.solve (point only)": lambda: np.linalg.solve(2 * A, -b),
        "refalgo quadratic_extremum": lambda: quadratic_extremum(A, b, 0.0),
        "scipy.linalg.pinvh": lambda: -scipy.linalg.pinvh(A) @ b / 2,
        "scipy.optimize.minimize BFGS": lambda: scipy.optimize.minimize(f, np.zeros(n), jac=grad, method="BFGS"),
    }
    times = {name: _median_ms(fn, reps) for name, fn in peers.items()}
    base = times["numpy.linalg.solve (point only)"]
    return [{"n": n, "implementation": k, "median_ms": round(v, 4), "vs_numpy_solve": round(v / base, 2)} for k, v in times.items()]


def _exact_rows(n: int, reps: int, rng: np.random.Generator) -> list[dict[str, object]]:
    B = sp.Matrix(rng.integers(-3, 4, size=(n, n)).tolist())
    A, b = B.T * B + sp.eye(n), sp.Matrix(rng.integers(-5, 6, size=n).tolist())
    peers: dict[str, Callable[[], object]] = {
        "sympy Matrix.LUsolve (point only)": lambda: (2 * A).LUsolve(-b),
        "refalgo quadratic_extremum_symbolic": lambda: quadratic_extremum_symbolic(A, b, 0),
    }
    times = {name: _median_ms(fn, reps) for name, fn in peers.items()}
    base = times["sympy Matrix.LUsolve (point only)"]
    return [{"n": n, "implementation": k, "median_ms": round(v, 3), "vs_sympy_lusolve": round(v / base, 2)} for k, v in times.items()]


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks quadratic")
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    numeric = [row for n in (4, 32, 256) for row in _numeric_rows(n, args.reps, rng)]
    exact = [row for n in (2, 4, 6) for row in _exact_rows(n, args.reps, rng)]
    meta = {
        "what": "minimize a positive definite quadratic (classify, point, value)",
        "repetitions": args.reps,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sympy": sp.__version__,
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "library default"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quadratic.json").write_text(json.dumps({"meta": meta, "numeric": numeric, "exact": exact}, indent=2) + "\n")
    lines = [
        f"Minimizing a positive definite quadratic (median of {args.reps}; NumPy {np.__version__}, "
        f"SciPy {scipy.__version__}, SymPy {sp.__version__}; BLAS threads: {meta['blas_threads']}). "
        "The float64 peers differ in what they return: `solve` gives the point only, refalgo also "
        "the inertia, null space and value.",
        "",
        "| n | implementation | median (ms) | × numpy.linalg.solve |",
        "|---:|---|---:|---:|",
        *(f"| {r['n']} | {r['implementation']} | {r['median_ms']} | {r['vs_numpy_solve']} |" for r in numeric),
        "",
        "| n | exact implementation | median (ms) | × sympy LUsolve |",
        "|---:|---|---:|---:|",
        *(f"| {r['n']} | {r['implementation']} | {r['median_ms']} | {r['vs_sympy_lusolve']} |" for r in exact),
        "",
    ]
    (RESULTS / "quadratic.md").write_text("\n".join(lines))
    print("\n".join(lines))

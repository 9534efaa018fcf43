"""The exact orientation predicate and the exact convex hull against the naive determinant, Qhull and GEOS, in one run.

Orientation: refalgo's ``orient2d`` (compiled filter and expansion arithmetic, and the
readable NumPy filter with rational fallback) against the naive float determinant's sign
in NumPy, on 10⁷ random triples (uniform in [-1, 1]²) and 10⁶ near-degenerate ones (r on
the line pq, rounded). Convex hull: refalgo's ``convex_hull`` against
``scipy.spatial.ConvexHull`` (Qhull) and ``shapely.convex_hull`` (GEOS, timed from the
array, including building the MultiPoint) on 10⁶ and 10⁷ normal points and on 10⁶ points
on a circle. Closest pair: refalgo's ``closest_pair`` (sweep in x order, exact comparison)
against ``scipy.spatial.cKDTree`` (build, then each point's nearest neighbour) on 10⁶ normal
points. Each time is the median of the repetitions after one warm-up run.

Run with ``python -m benchmarks geometry [--reps R] [--small]``; ``--small`` divides every
size by 100.
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
from scipy.spatial import ConvexHull

from refalgo.geometry import closest_pair, convex_hull, orient2d

from benchmarks._timing import median_ms

RESULTS = Path(__file__).resolve().parent / "results"


def _naive(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
    det = (q[:, 0] - p[:, 0]) * (r[:, 1] - p[:, 1]) - (q[:, 1] - p[:, 1]) * (r[:, 0] - p[:, 0])
    return np.sign(det)


def _triples(n: int, degenerate: bool, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    p, q = rng.uniform(-1, 1, (n, 2)), rng.uniform(-1, 1, (n, 2))
    r = p + rng.uniform(-1, 2, (n, 1)) * (q - p) if degenerate else rng.uniform(-1, 1, (n, 2))
    return p, q, r


def _orientation_rows(scale: int, reps: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    rows = []
    for n, degenerate in ((10**7 // scale, False), (10**6 // scale, True)):
        p, q, r = _triples(n, degenerate, rng)
        exact = orient2d(p, q, r, backend="numba")
        peers: dict[str, Callable[[], Any]] = {
            "naive float determinant (NumPy)": lambda: _naive(p, q, r),
            "refalgo orient2d, numba": lambda: orient2d(p, q, r, backend="numba"),
        }
        if not degenerate:
            peers["refalgo orient2d, numpy (readable)"] = lambda: orient2d(p, q, r, backend="numpy")
        for name, fn in peers.items():
            wrong = int(np.count_nonzero(np.asarray(fn()) != exact))
            rows.append({"task": "orientation", "input": f"{n:,} {'near-degenerate' if degenerate else 'random'} triples",
                         "implementation": name, "median_ms": median_ms(fn, reps), "wrong_signs": wrong})
    return rows


def _hull_rows(scale: int, reps: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    import shapely

    rows = []
    theta = rng.uniform(0, 2 * np.pi, 10**6 // scale)
    inputs = {
        f"{10**6 // scale:,} normal points": rng.standard_normal((10**6 // scale, 2)),
        f"{10**7 // scale:,} normal points": rng.standard_normal((10**7 // scale, 2)),
        f"{10**6 // scale:,} points on a circle": np.stack([np.cos(theta), np.sin(theta)], axis=1),
    }
    for label, pts in inputs.items():
        ours = {tuple(v) for v in convex_hull(pts)}
        peers: dict[str, Callable[[], Any]] = {
            "refalgo convex_hull, numba": lambda: convex_hull(pts),
            "scipy.spatial.ConvexHull (Qhull)": lambda: ConvexHull(pts).vertices,
            "shapely convex_hull (GEOS)": lambda: shapely.MultiPoint(pts).convex_hull,
        }
        vertices = {
            "refalgo convex_hull, numba": len(ours),
            "scipy.spatial.ConvexHull (Qhull)": len(ConvexHull(pts).vertices),
            "shapely convex_hull (GEOS)": len(shapely.MultiPoint(pts).convex_hull.exterior.coords) - 1,
        }
        for name, fn in peers.items():
            rows.append({"task": "convex hull", "input": label, "implementation": name,
                         "median_ms": median_ms(fn, reps), "vertices": vertices[name]})
    return rows


def _closest_rows(scale: int, reps: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    from scipy.spatial import cKDTree

    pts = rng.standard_normal((10**6 // scale, 2))

    def kd_tree() -> float:
        d, _ = cKDTree(pts).query(pts, k=2)
        return float(d[:, 1].min())

    assert abs(kd_tree() ** 2 - closest_pair(pts).squared_distance) <= 1e-15 * kd_tree() ** 2
    peers: dict[str, Callable[[], Any]] = {
        "scipy.spatial.cKDTree, nearest neighbours": kd_tree,
        "refalgo closest_pair": lambda: closest_pair(pts),
    }
    return [{"task": "closest pair", "input": f"{len(pts):,} normal points", "implementation": name,
             "median_ms": median_ms(fn, reps), "vertices": "–"} for name, fn in peers.items()]


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks geometry")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--small", action="store_true", help="every size divided by 100")
    args = ap.parse_args(argv)
    import shapely

    scale = 100 if args.small else 1
    rng = np.random.default_rng(0)
    rows = _orientation_rows(scale, args.reps, rng) + _hull_rows(scale, args.reps, rng) + _closest_rows(scale, args.reps, rng)
    for r in rows:
        base = next(b["median_ms"] for b in rows if (b["task"], b["input"]) == (r["task"], r["input"]) and not b["implementation"].startswith("refalgo"))
        r["vs_peer"] = float(f"{r['median_ms'] / base:.3g}")
        r["median_ms"] = float(f"{r['median_ms']:.3g}")
    meta = {"what": "exact orientation predicate, convex hull and closest pair", "repetitions": args.reps, "small": args.small,
            "numpy": np.__version__, "scipy": scipy.__version__, "shapely": shapely.__version__,
            "geos": ".".join(map(str, shapely.geos_version)), "machine": f"{platform.machine()} {platform.processor() or ''}".strip()}
    if args.small:
        print("\n".join(f"{r['task']} | {r['input']} | {r['implementation']} | {r['median_ms']} ms" for r in rows))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "geometry.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    lines = [
        f"Median of {args.reps} runs after a warm-up (NumPy {np.__version__}, SciPy {scipy.__version__}, shapely "
        f"{shapely.__version__} with GEOS {meta['geos']}). "
        "× peer: the time over the first peer's on the same input (the naive determinant; Qhull for hulls; cKDTree for the closest pair). "
        "Wrong signs: against the exact predicate. Vertices: the hull's vertex count.",
        "",
        "| task | input | implementation | median (ms) | × peer | wrong signs / vertices |",
        "|---|---|---|---:|---:|---:|",
    ]
    lines += [f"| {r['task']} | {r['input']} | {r['implementation']} | {r['median_ms']} | {r['vs_peer']} | "
              f"{r.get('wrong_signs', r.get('vertices'))} |" for r in rows]
    (RESULTS / "geometry.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))

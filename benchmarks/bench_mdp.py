r"""Value iteration, policy iteration and policy evaluation on sparse random MDPs.

refalgo side by side with pymdptoolbox and mdpsolver in one run, on the same models
(``_mdp_models``), every solver told to reach :math:`\|v - v^*\|_\infty \le` ``tol``
(``_mdp_peers`` states how each stopping rule is mapped) and checked afterwards against
certified reference values (``_mdp_measure``). Reported: median solve times, the ratio
refalgo / peer, sweeps, the achieved bytes per second of one sweep against the measured
copy bandwidth and against the gather ceiling of the same CSR arrays (a bare pass that
only gathers, ``_mdp_measure.gather_seconds``), the growth exponent of time with size,
the peers' setup costs, and the time of an exact rational policy evaluation of a
100-state MDP.

Two families of models: *uniform* (successors anywhere, ``random_sparse_mdp``) for every
task, and *local* (successors within 64 states, ``local_sparse_mdp``) for value iteration
and policy evaluation, with the peers at up to 10⁵ states.

refalgo runs three ways: ``"refalgo"`` is the default ``backend="auto"`` (the compiled
numba sweeps when numba is installed) on one thread, ``"refalgo (NumPy)"`` the SciPy
fallback, ``"refalgo (N threads)"`` ``backend="numba"`` on every core (timed by wall
clock; the one-thread rows by CPU time). pymdptoolbox's policy iteration builds a dense
``S × S`` matrix and grows like :math:`S^3`, so it runs at the small sizes only, stated
in the results; the small sizes also time refalgo's exact sparse LU evaluation. Run with ``python -m benchmarks mdp [--sizes 10000 100000 1000000]
[--repeats 3] [--quick]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from . import _mdp_measure as measure
from ._mdp_one_sweep import one_sweep_rates
from ._mdp_models import SparseModel, local_sparse_mdp, random_policy, random_sparse_mdp, restrict
from ._mdp_peers import (
    Run,
    mdpsolver_runner,
    pymdptoolbox_constructor_seconds,
    pymdptoolbox_runner,
    refalgo_runner,
)

RESULTS = Path(__file__).resolve().parent / "results"
TOL, GAMMA, ACTIONS, SUCCESSORS, SEED = 1e-6, 0.9, 4, 4, 0
TASKS = {"vi": "value iteration", "pe": "policy evaluation", "pi": "policy iteration"}
THREADS = len(os.sched_getaffinity(0))
FAMILIES = {"uniform": random_sparse_mdp, "local": local_sparse_mdp}
LOCAL_PEERS_UP_TO = 10**5
ONE_SWEEP_ROUNDS = 5
Runner = Callable[[SparseModel, float], Run]


class Solver(NamedTuple):
    """A runner and the number of threads it uses (1: timed by CPU time; more: by wall time)."""

    run: Runner
    threads: int


def _peers(kind: str, n_states: int, small: bool, family: str = "uniform") -> dict[str, Solver]:
    """The solvers for one task; pymdptoolbox's dense policy iteration only on the small models.

    On the local family only refalgo's three ways run above :data:`LOCAL_PEERS_UP_TO` states.
    """
    if kind == "pe" and small:
        return {"refalgo": Solver(refalgo_runner("pe"), 1),
                "refalgo (direct solve)": Solver(refalgo_runner("pe-direct"), 1)}
    out = {"refalgo": Solver(refalgo_runner(kind), 1)}
    if not small:
        out["refalgo (NumPy)"] = Solver(refalgo_runner(kind, backend="numpy"), 1)
        if THREADS > 1:
            out[f"refalgo ({THREADS} threads)"] = Solver(refalgo_runner(kind, backend="numba", threads=THREADS), THREADS)
    if family == "local" and n_states > LOCAL_PEERS_UP_TO:
        return out
    if kind != "pi" or small:
        out["pymdptoolbox"] = Solver(pymdptoolbox_runner(kind), 1)
    out["mdpsolver"] = Solver(mdpsolver_runner(kind), 1)
    return out


def _repeats(name: str, kind: str, n_states: int, repeats: int) -> int:
    """``repeats`` everywhere, but one run at 10⁶ states for the peers and for policy iteration."""
    if n_states < 10**6 or (kind != "pi" and name.startswith("refalgo")):
        return repeats
    return 1


def _ceilings(model: SparseModel, kind: str, small: bool) -> dict[int, float]:
    """Seconds of the bare gather pass on 1 and on every thread; none for policy iteration or small models."""
    if kind == "pi" or small or not measure.numba_available():
        return {}
    return {t: measure.gather_seconds(model, t) for t in sorted({1, THREADS})}


def _reference(model: SparseModel, kind: str) -> measure.Certified:
    """Certified values: refalgo's NumPy iteration to 1e-10, bracketed by an independent sweep."""
    rough = refalgo_runner("pe" if kind == "pe" else "vi", backend="numpy")(model, 1e-10).values
    return measure.certify(model, rough)


def _task_rows(model: SparseModel, kind: str, repeats: int, small: bool,
               family: str = "uniform") -> list[dict[str, Any]]:
    """Time every solver of one task on one model, interleaved over the repeats."""
    peers = _peers(kind, model.n_states, small, family)
    runs: dict[str, list[Run]] = {name: [] for name in peers}
    for i in range(repeats):
        for name, solver in peers.items():
            if i < _repeats(name, kind, model.n_states, repeats):
                runs[name].append(solver.run(model, TOL))
    ref = _reference(model, kind)
    nbytes = measure.sweep_bytes(model)
    ceiling = _ceilings(model, kind, small)
    rows: list[dict[str, Any]] = []
    for name, rs in runs.items():
        threads = peers[name].threads
        t = statistics.median(r.seconds if threads == 1 else r.wall for r in rs)
        sweeps = rs[0].iterations
        per_sweep = t / sweeps if kind != "pi" and sweeps > 0 else None
        rows.append({
            "task": TASKS[kind], "family": family, "states": model.n_states, "solver": name, "threads": threads,
            "clock": "CPU" if threads == 1 else "wall",
            "median_s": t, "times_s": [r.seconds for r in rs], "median_wall_s": statistics.median(r.wall for r in rs), "setup_s": statistics.median(r.setup for r in rs),
            "iterations": sweeps, "s_per_sweep": per_sweep,
            "bytes_per_sweep": nbytes if per_sweep else None,
            "GBps": nbytes / per_sweep / 1e9 if per_sweep else None,
            "gather_ceiling_s": ceiling.get(threads),
            "fraction_of_gather": ceiling[threads] / per_sweep if per_sweep and threads in ceiling else None,
            "max_error": float(np.max(np.abs(rs[0].values - ref.values))),
            "reference_error_bound": ref.error,
        })
    base: float | None = next((float(r["median_s"]) for r in rows if r["solver"] == "refalgo"), None)
    for r in rows:
        r["refalgo_over_this"] = base / r["median_s"] if base is not None else None
    return rows


def _warm_up() -> None:
    """Load (or compile) every numba kernel once, outside the timed solves: a one-time cost per process.

    The model is big enough for the parallel kernels (``sweep.PARALLEL_NNZ``) on several
    threads; on one thread the sweeps run on the calling thread.
    """
    model = random_sparse_mdp(70_000, n_actions=ACTIONS, n_successors=SUCCESSORS, gamma=GAMMA, seed=SEED + 2)
    chain = restrict(model, random_policy(model, seed=SEED + 3))
    for threads in sorted({1, THREADS}):
        for kind in ("vi", "pi", "pe"):
            refalgo_runner(kind, backend="numba", threads=threads)(chain if kind == "pe" else model, TOL)


def _size_rows(n_states: int, repeats: int, small: bool, family: str = "uniform") -> list[dict[str, Any]]:
    model = FAMILIES[family](n_states, n_actions=ACTIONS, n_successors=SUCCESSORS, gamma=GAMMA, seed=SEED)
    chain = restrict(model, random_policy(model, seed=SEED + 1))
    rows = []
    kinds = ("pi", "pe") if small else ("vi", "pe") if family == "local" else ("vi", "pe", "pi")
    for kind in kinds:
        rows += _task_rows(chain if kind == "pe" else model, kind, repeats, small, family)
        for r in rows[-len(_peers(kind, n_states, small, family)):]:
            print(f"  {family:7} {r['task']:18} S={n_states:>8} {r['solver']:24} {r['median_s']:9.4f} s  "
                  f"iters {r['iterations']:>4}  err {r['max_error']:.1e}", flush=True)
    return rows


def _one_sweep_rows(n_states: int, family: str) -> list[dict[str, Any]]:
    """One sweep at its best (``_mdp_one_sweep``), on one thread and on every thread; none without numba."""
    if not measure.numba_available():
        return []
    model = FAMILIES[family](n_states, n_actions=ACTIONS, n_successors=SUCCESSORS, gamma=GAMMA, seed=SEED)
    chain = restrict(model, random_policy(model, seed=SEED + 1))
    rows = []
    for threads in sorted({1, THREADS}):
        rates = one_sweep_rates(model, chain, threads, rounds=ONE_SWEEP_ROUNDS)
        rows += [{"family": family, "states": n_states, "threads": threads, "kind": kind, "GBps": rate / 1e9}
                 for kind, rate in rates.items()]
        print(f"  {family:7} one sweep          S={n_states:>8} {threads} thread(s)  "
              + "  ".join(f"{k} {r / 1e9:.1f} GB/s" for k, r in rates.items()), flush=True)
    return rows


def _one_sweep_fractions(rows: list[dict[str, Any]], copy_bw: dict[int, float]) -> None:
    """Each rate over the copy on as many threads: the better of the run's copy and the copy in the same rounds."""
    copy = {(r["family"], r["states"], r["threads"]): r["GBps"] * 1e9 for r in rows if r["kind"] == "copy"}
    for r in rows:
        key = (r["family"], r["states"], r["threads"])
        r["copy_GBps"] = max(copy_bw[r["threads"]], copy.get(key, 0.0)) / 1e9
        r["fraction_of_copy"] = r["GBps"] / r["copy_GBps"]


def _copy_bandwidths() -> dict[int, float]:
    """The best copy bandwidth seen with at most ``t`` threads, for ``t`` = 1 and every thread.

    On one thread the better of ``np.copyto`` (CPU time) and numba's loop; on every
    thread the better of that and numba's ``prange`` copy, since a machine that copies
    at some speed on one thread can do at least as well with more.
    """
    one = max(measure.copy_bandwidth(), measure.threaded_copy_bandwidth(1))
    out = {1: one}
    if THREADS > 1:
        out[THREADS] = max(one, measure.threaded_copy_bandwidth(THREADS))
    return out


def _fractions_of_copy(rows: list[dict[str, Any]], copy_bw: dict[int, float]) -> None:
    """Set each sweep row's ``fraction_of_copy``: its bytes per second over the copy on as many threads."""
    for r in rows:
        r["fraction_of_copy"] = r["GBps"] * 1e9 / copy_bw[r["threads"]] if r.get("GBps") else None


def _exponents(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Least-squares slope of log(time) against log(S) per task and solver."""
    out = []
    for task in TASKS.values():
        for solver in sorted({r["solver"] for r in rows if r["task"] == task}):
            pts = sorted((r["states"], r["median_s"]) for r in rows if r["task"] == task and r["solver"] == solver)
            if len(pts) >= 2:
                x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
                out.append({"task": task, "solver": solver, "sizes": [p[0] for p in pts],
                            "exponent": float(np.polyfit(x, y, 1)[0])})
    return out


def _exact_example(n_states: int = 100, repeats: int = 3) -> dict[str, Any]:
    """Exact rational evaluation of a dense 100-state MDP with dyadic probabilities."""
    from refalgo.mdp import MDP, state_values, state_values_symbolic

    rng = np.random.default_rng(SEED)
    P = np.zeros((n_states, ACTIONS, n_states))
    for s in range(n_states):
        for a in range(ACTIONS):
            succ = rng.choice(n_states, SUCCESSORS, replace=False)
            cuts = np.sort(rng.choice(np.arange(1, 16), SUCCESSORS - 1, replace=False))
            P[s, a, succ] = np.diff(np.concatenate([[0], cuts, [16]])) / 16.0
    gamma: Any = "0.9"  # a decimal string: exactly 9/10
    mdp = MDP(P, rng.integers(0, 9, size=(n_states, ACTIONS)) / 4.0, gamma)
    policy = rng.integers(0, ACTIONS, size=n_states)
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        exact = state_values_symbolic(mdp, policy)
        times.append(time.process_time() - t0)
    gap = float(np.max(np.abs(np.array([float(x) for x in exact]) - state_values(mdp, policy))))
    return {"states": n_states, "actions": ACTIONS, "median_s": statistics.median(times), "times_s": times,
            "max_abs_difference_to_float64": gap}


def _machine() -> dict[str, Any]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    import scipy

    try:
        import numba

        numba_version: str | None = numba.__version__
    except ImportError:
        numba_version = None
    return {"cpu": cpu, "cores": len(os.sched_getaffinity(0)), "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__, "numba": numba_version,
            "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"), "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _thread_settings(argv: list[str]) -> int | None:
    """Re-run in a child process with the thread settings below, unless this one has them.

    * ``OPENBLAS_NUM_THREADS=1``: SciPy's BiCGSTAB spends part of its time in BLAS level-1
      calls, which OpenBLAS would thread; every solver here is meant to run on one thread
      (numba's threads are set per solver).
    * ``OMP_WAIT_POLICY=PASSIVE``: numba's OpenMP workers sleep between parallel regions
      instead of spinning; on a machine shared with other jobs a spinning worker competes
      for the cores and stalls every region (measured here: 20 times slower), and its
      spinning would be counted as CPU time of the one-thread rows.

    Both must be set before NumPy and numba load, hence the child process.
    """
    wanted = {"OPENBLAS_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
    if all(os.environ.get(k) == v for k, v in wanted.items()):
        return None
    env = dict(os.environ, **wanted)
    return subprocess.run([sys.executable, "-m", "benchmarks", "mdp", *argv], env=env, check=False).returncode


def main(argv: list[str]) -> int:
    code = _thread_settings(argv)
    if code is not None:
        return code
    parser = argparse.ArgumentParser(prog="python -m benchmarks mdp")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6])
    parser.add_argument("--small-sizes", type=int, nargs="+", default=[1000, 2000, 3000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="sizes 1e3, 1e4 and 1 repeat; writes no results")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.small_sizes, args.repeats = [1000, 10**4], [300, 600], 1
    copy_bw = _copy_bandwidths()
    print("copy bandwidth " + ", ".join(f"{t} thread(s) {b / 1e9:.2f} GB/s" for t, b in copy_bw.items()), flush=True)
    _warm_up()
    rows: list[dict[str, Any]] = []
    for n in args.sizes:
        rows += _size_rows(n, args.repeats, False)
    local: list[dict[str, Any]] = []
    for n in args.sizes:
        local += _size_rows(n, args.repeats, False, family="local")
    one_sweep: list[dict[str, Any]] = []
    for family in FAMILIES:
        for n in args.sizes:
            one_sweep += _one_sweep_rows(n, family)
    small = []
    for n in args.small_sizes:
        small += _size_rows(n, 1, True)
    # measured again after the solves, and the better kept: the percentages are never flattered by a slow copy
    copy_bw = {t: max(b, again) for (t, b), again in zip(copy_bw.items(), _copy_bandwidths().values(), strict=True)}
    print("copy bandwidth, best of both " + ", ".join(f"{t} thread(s) {b / 1e9:.2f} GB/s" for t, b in copy_bw.items()))
    for rowset in (rows, local, small):
        _fractions_of_copy(rowset, copy_bw)
    _one_sweep_fractions(one_sweep, copy_bw)
    setup = [{"states": n, "seconds": pymdptoolbox_constructor_seconds(
        random_sparse_mdp(n, n_actions=ACTIONS, n_successors=SUCCESSORS, gamma=GAMMA, seed=SEED), TOL)}
        for n in args.small_sizes]
    result = {
        "machine": _machine(), "copy_bandwidth_GBps": copy_bw[1] / 1e9,
        "copy_bandwidth_by_threads_GBps": {str(t): b / 1e9 for t, b in copy_bw.items()},
        "config": {"tol": TOL, "gamma": GAMMA, "actions": ACTIONS, "successors": SUCCESSORS, "seed": SEED,
                   "one_sweep_rounds": ONE_SWEEP_ROUNDS,
                   "repeats": args.repeats, "repeats_at_1e6": 1, "local_width": 64,
                   "local_peers_up_to": LOCAL_PEERS_UP_TO},
        "rows": rows, "local_rows": local, "small_rows": small, "one_sweep": one_sweep, "exponents": _exponents(rows),
        "small_exponents": [e for e in _exponents(small) if e["task"] == TASKS["pi"] or "direct" in e["solver"]],
        "pymdptoolbox_constructor": setup, "exact": _exact_example(),
        "skipped": [{"task": "policy iteration", "solver": "pymdptoolbox", "states": n,
                     "reason": f"its PolicyIteration builds P_π as a dense S × S array ({8 * n * n / 2**30:.2g} GiB) "
                               "and solves it by dense LU, O(S³) per evaluation: measured at the small sizes only"}
                    for n in args.sizes],
    }
    from ._mdp_report import markdown

    text = markdown(result)
    print(text)
    if not args.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "mdp.json").write_text(json.dumps(result, indent=1) + "\n")
        (RESULTS / "mdp.md").write_text(text)
    return 0

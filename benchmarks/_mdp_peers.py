r"""The MDP solvers side by side, each told to reach the same accuracy ``tol``.

Every runner takes a :class:`~benchmarks._mdp_models.SparseModel` and ``tol`` and returns
a :class:`Run`: the values, the wall time of the solve alone (building the solver's
input is timed separately as ``setup``), and the number of sweeps or improvement steps.

How each solver's stopping rule guarantees :math:`\|v - v^*\|_\infty \le` ``tol``:

* **refalgo** ``value_iteration(mdp, tol=tol)`` and ``iterative_policy_evaluation``
  stop once half of MacQueen's bracket, :math:`\frac{\gamma}{1-\gamma}\operatorname{sp}
  (v_{k+1} - v_k)/2`, is at most ``tol`` and return its centre; ``policy_iteration(mdp,
  tol=tol)`` evaluates by BiCGSTAB certified through the residual (exact LU up to 500
  states) and returns values whose certified bound is at most ``tol``.
* **mdpsolver** ``solve(tolerance=tol)`` with standard updates stops once the span
  :math:`\operatorname{sp}(v_{k+1} - v_k) < \text{tol}\,(1-\gamma)/\gamma` and then shifts
  the values by :math:`\frac{\gamma}{1-\gamma}\min(v_{k+1} - v_k)` (Puterman 1994,
  §6.6). By the MacQueen bounds :math:`v^*` lies between that shifted vector and
  the same vector plus :math:`\frac{\gamma}{1-\gamma}\operatorname{sp}(v_{k+1}-v_k) <`
  ``tol``. It runs with ``parallel=False`` (one thread, as SciPy's sparse product).
* **pymdptoolbox** ``ValueIteration`` stops on the span rule too but returns
  :math:`v_{k+1}` unshifted, so its ``epsilon`` bounds the policy's loss, not the values'
  error. The only value guarantee it offers is an iteration count: from
  :math:`v_0 = 0`, :math:`\|v_N - v^*\|_\infty \le \gamma^N \max|R| / (1-\gamma)`, so it
  gets ``max_iter`` :math:`= N = \lceil \log(\text{tol}(1-\gamma)/\max|R|) / \log\gamma
  \rceil` and an ``epsilon`` too small to stop it earlier. Its constructor's iteration
  bound (``_boundIter``) reads ``P`` column by column and its input check compares a
  sparse matrix with 0 densely, both :math:`O(S^2)`; both are skipped here (the model is
  valid by construction) and measured separately at small sizes.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from ._mdp_models import SparseModel, to_mdpsolver, to_pymdptoolbox


class Run(NamedTuple):
    """One timed solve: values, solve CPU and wall time, setup time (s), sweeps or improvement steps (0: none).

    ``seconds`` is the process CPU time of the solve: every solver runs on one thread, so
    it is the time the solve takes on an otherwise idle core, unaffected by other jobs
    sharing the machine (which inflate ``wall``).
    """

    values: NDArray[np.float64]
    seconds: float
    setup: float
    iterations: int
    wall: float


def apriori_sweeps(gamma: float, tol: float, rmax: float) -> int:
    r"""Smallest ``N`` with :math:`\gamma^N r_{\max}/(1-\gamma) \le` ``tol`` (start at 0)."""
    if rmax <= 0.0:
        return 1
    return max(1, math.ceil(math.log(tol * (1.0 - gamma) / rmax) / math.log(gamma)))


class _Timing(NamedTuple):
    out: Any
    cpu: float
    wall: float


def _timed(fn: Callable[[], Any]) -> _Timing:
    """``fn()`` with its process CPU time and its wall time."""
    w0, t0 = time.perf_counter(), time.process_time()
    out = fn()
    t1, w1 = time.process_time(), time.perf_counter()
    return _Timing(out, t1 - t0, w1 - w0)


# ------------------------------------------------------------------------ refalgo
def _numba_threads(n: int) -> None:
    """Run numba's parallel kernels on ``n`` threads (no-op without numba)."""
    try:
        import numba
    except ImportError:
        return
    numba.set_num_threads(min(n, int(getattr(numba.config, "NUMBA_NUM_THREADS"))))


def refalgo_runner(kind: str, *, backend: str = "auto", threads: int = 1) -> Callable[[SparseModel, float], Run]:
    """``kind`` is 'vi', 'pi', 'pe' (iterative evaluation of a one-action model) or 'pe-direct'.

    ``backend`` is passed to the solver; ``threads`` is the number of numba threads.
    """
    from refalgo.mdp import MDP, iterative_policy_evaluation, policy_iteration, state_values, value_iteration

    def run(model: SparseModel, tol: float) -> Run:
        _numba_threads(threads)
        mdp, setup, _ = _timed(lambda: MDP(model.P, model.R, model.gamma))
        zeros = np.zeros(model.n_states, dtype=np.intp)
        if kind == "vi":
            sol, t, wall = _timed(lambda: value_iteration(mdp, tol=tol, backend=backend))
            return Run(sol.values, t, setup, sol.iterations + 1, wall)  # + the sweep for the greedy policy
        if kind == "pi":
            sol, t, wall = _timed(lambda: policy_iteration(mdp, tol=tol, backend=backend))
            return Run(sol.values, t, setup, sol.iterations, wall)
        if kind == "pe":
            ev, t, wall = _timed(lambda: iterative_policy_evaluation(mdp, zeros, tol=tol, backend=backend))
            return Run(ev.values, t, setup, ev.sweeps, wall)
        if kind == "pe-direct":
            v, t, wall = _timed(lambda: state_values(mdp, zeros, method="direct"))
            return Run(v, t, setup, 0, wall)
        raise ValueError(f"kind: expected 'vi', 'pi', 'pe' or 'pe-direct'; got {kind!r}")

    return run


# ------------------------------------------------------------------- pymdptoolbox
@contextlib.contextmanager
def _without_input_check() -> Iterator[None]:
    """pymdptoolbox's ``util.check`` densifies ``P >= 0`` (O(S²) memory): skip it here."""
    import mdptoolbox.mdp as mdp_module

    saved = mdp_module._util.check
    mdp_module._util.check = lambda P, R: None
    try:
        yield
    finally:
        mdp_module._util.check = saved


def pymdptoolbox_runner(kind: str) -> Callable[[SparseModel, float], Run]:
    """``kind`` is 'vi', 'pe' (value iteration of a one-action model) or 'pi' (its dense PolicyIteration)."""
    import mdptoolbox.mdp as mdp_module

    class FixedBudgetValueIteration(mdp_module.ValueIteration):
        """``ValueIteration`` with the caller's ``max_iter`` in place of the O(S²) bound."""

        def _boundIter(self, epsilon: float) -> None:
            return None

    def run(model: SparseModel, tol: float) -> Run:
        P, R = to_pymdptoolbox(model)
        if kind == "pi":
            with _without_input_check():
                solver, setup, _ = _timed(lambda: mdp_module.PolicyIteration(P, R, model.gamma, max_iter=10_000))
        else:
            n = apriori_sweeps(model.gamma, tol, float(np.max(np.abs(model.R))))
            with _without_input_check():
                solver, setup, _ = _timed(
                    lambda: FixedBudgetValueIteration(P, R, model.gamma, epsilon=1e-300, max_iter=n)
                )
        _, t, wall = _timed(solver.run)
        return Run(np.asarray(solver.V, dtype=np.float64), t, setup, int(solver.iter), wall)

    return run


def pymdptoolbox_constructor_seconds(model: SparseModel, tol: float) -> float:
    """CPU time of the unmodified ``ValueIteration(P, R, gamma, epsilon)`` constructor."""
    import mdptoolbox.mdp as mdp_module

    P, R = to_pymdptoolbox(model)
    return _timed(lambda: mdp_module.ValueIteration(P, R, model.gamma, epsilon=tol)).cpu


# ---------------------------------------------------------------------- mdpsolver
@contextlib.contextmanager
def _captured_stdout(sink: list[str]) -> Iterator[None]:
    """Capture what C++ code writes to file descriptor 1."""
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        saved = os.dup(1)
        os.dup2(tmp.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            tmp.seek(0)
            sink.append(tmp.read().decode(errors="replace"))


_FOUND = re.compile(r"Solution found in (\d+) iterations")


def mdpsolver_runner(kind: str) -> Callable[[SparseModel, float], Run]:
    """``kind`` is 'vi', 'pi' or 'pe' (value iteration of a one-action model)."""
    import mdpsolver

    algorithm = {"vi": "vi", "pi": "pi", "pe": "vi"}[kind]

    def run(model: SparseModel, tol: float) -> Run:
        def build() -> Any:
            solver = mdpsolver.model()
            solver.mdp(**to_mdpsolver(model))
            return solver

        solver, setup, _ = _timed(build)
        log: list[str] = []
        with _captured_stdout(log):
            _, t, wall = _timed(lambda: solver.solve(algorithm=algorithm, tolerance=tol, parallel=False, verbose=True))
        found = _FOUND.search(log[0])
        steps = int(found.group(1)) if found else 0
        if kind != "pi" and steps:
            steps += 1  # value iteration ends with one more sweep for the policy
        return Run(np.asarray(solver.getValueVector(), dtype=np.float64), t, setup, steps, wall)

    return run

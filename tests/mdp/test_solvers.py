"""Certified stopping: the span (MacQueen) rule, BiCGSTAB evaluation inside policy iteration, backends."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sps

import refalgo.mdp
from hypothesis import assume, given
from hypothesis import strategies as st

from refalgo.mdp import (
    MDP,
    bellman_optimality_operator,
    iterative_policy_evaluation,
    optimal_values_symbolic,
    policy_iteration,
    state_values,
    state_values_symbolic,
    truncated_policy_iteration,
    value_iteration,
)
from refalgo.mdp._strategies import mdp_and_policy, mdps

far_sighted = st.fractions(Fraction(9, 10), Fraction(99, 100), max_denominator=100)
any_gamma = st.one_of(st.fractions(0, Fraction(19, 20), max_denominator=20), far_sighted)


def exact_optimal(m: MDP) -> np.ndarray:
    return np.array([float(x) for x in optimal_values_symbolic(m).values])


def exact_policy_values(m: MDP, pi: np.ndarray) -> np.ndarray:
    return np.array([float(x) for x in state_values_symbolic(m, pi)])


def gap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def random_sparse(n_states: int, n_actions: int, n_successors: int, gamma: float, seed: int) -> MDP:
    """A random sparse model built here, independently of the benchmark's generator."""
    rng = np.random.default_rng(seed)
    rows = n_states * n_actions
    cols = np.stack([rng.choice(n_states, n_successors, replace=False) for _ in range(rows)])
    probs = rng.random((rows, n_successors)) + 0.05
    probs /= probs.sum(axis=1, keepdims=True)
    P = sps.csr_array((probs.ravel(), cols.ravel(), np.arange(rows + 1) * n_successors), shape=(rows, n_states))
    return MDP(P, rng.random((n_states, n_actions)), gamma)


# ------------------------------------------------------------------ span stopping rule
@given(mdps(gammas=any_gamma), st.sampled_from([1e-3, 1e-6, 1e-9]))
def test_value_iteration_bound_holds_against_the_exact_solver(m: MDP, tol: float) -> None:
    exact = exact_optimal(m)
    sol = value_iteration(m, tol=tol)
    assert sol.bound <= tol
    assert gap(sol.values, exact) <= sol.bound + 1e-12 * (1 + np.max(np.abs(exact)))
    # the greedy policy is 2γ·tol-optimal
    assert gap(exact_policy_values(m, sol.policy), exact) <= 2 * m.gamma * tol + 1e-9


@given(mdp_and_policy(gammas=any_gamma), st.sampled_from([1e-3, 1e-6, 1e-9]))
def test_policy_evaluation_bound_holds_against_the_exact_solve(case: tuple[MDP, np.ndarray], tol: float) -> None:
    m, pi = case
    exact = exact_policy_values(m, pi)
    res = iterative_policy_evaluation(m, pi, tol=tol)
    assert res.bound <= tol
    assert gap(res.values, exact) <= res.bound + 1e-12 * (1 + np.max(np.abs(exact)))


@given(mdps(gammas=any_gamma), st.integers(1, 6))
def test_truncated_policy_iteration_bound_holds(m: MDP, sweeps: int) -> None:
    exact = exact_optimal(m)
    sol = truncated_policy_iteration(m, sweeps=sweeps, tol=1e-7)
    assert gap(sol.values, exact) <= sol.bound + 1e-12 * (1 + np.max(np.abs(exact))) and sol.bound <= 1e-7
    assert gap(exact_policy_values(m, sol.policy), exact) <= 2e-7 + 1e-9


@given(mdps(gammas=far_sighted))
def test_span_rule_never_stops_later_than_the_max_norm_rule(m: MDP) -> None:
    """Same guarantee, (max d − min d)/2 ≤ ‖d‖∞: the span rule needs at most as many sweeps."""
    tol, c = 1e-6, m.gamma / (1 - m.gamma)
    v, k = np.zeros(m.n_states), 0
    while True:
        k += 1
        new = bellman_optimality_operator(m, v)
        done = c * np.max(np.abs(new - v)) <= tol
        v = new
        if done:
            break
    assert value_iteration(m, tol=tol, backend="numpy").iterations <= k


def test_span_rule_on_a_two_state_chain_by_hand() -> None:
    """Each state stays put, r = (1, 3), γ = 1/2, so v_π = r/(1 − γ) = (2, 6). From v0 = 0 one
    sweep gives u = r and d = r; with γ/(1 − γ) = 1 the box is u + [min d, max d], i.e.
    [2, 4] × [4, 6], its centre (3, 5) and half-width 1 — and v_π sits in its corners."""
    m = MDP(np.eye(2)[:, None, :], [[1.0], [3.0]], "0.5")
    res = iterative_policy_evaluation(m, [0, 0], tol=10.0)
    assert res.sweeps == 1
    assert res.values.tolist() == [3.0, 5.0] and res.bound == 1.0
    assert gap(res.values, [2.0, 6.0]) <= res.bound


# ------------------------------------------------------------------ BiCGSTAB evaluation
@given(mdp_and_policy(gammas=any_gamma), st.sampled_from([1e-4, 1e-8]))
def test_krylov_state_values_are_within_tol(case: tuple[MDP, np.ndarray], tol: float) -> None:
    m, pi = case
    assume(m.gamma < 1)
    exact = exact_policy_values(m, pi)
    assert gap(state_values(m, pi, method="krylov", tol=tol), exact) <= tol


def test_policy_iteration_on_a_large_sparse_model_is_certified() -> None:
    m = random_sparse(1500, 3, 4, 0.9, seed=1)
    sol = policy_iteration(m, tol=1e-8)
    ref = value_iteration(m, tol=1e-11, backend="numpy")
    assert 0 < sol.bound <= 1e-8
    assert gap(sol.values, ref.values) <= sol.bound + ref.bound
    # the final policy evaluated exactly (sparse LU) is optimal to the same accuracy
    lu = state_values(m, sol.policy, method="direct")
    assert gap(lu, ref.values) <= 2e-8
    assert gap(lu, sol.values) <= sol.bound + ref.bound + 1e-8


def test_policy_iteration_with_gamma_close_to_one() -> None:
    m = random_sparse(1200, 2, 3, 0.99, seed=2)
    sol = policy_iteration(m, tol=1e-7)
    ref = value_iteration(m, tol=1e-10, backend="numpy")
    assert 0 < sol.bound <= 1e-7 and gap(sol.values, ref.values) <= sol.bound + ref.bound


def test_policy_iteration_too_small_tol_is_a_clear_error() -> None:
    m = random_sparse(1100, 2, 3, 0.99, seed=3)
    with pytest.raises(ValueError, match="tol"):
        policy_iteration(m, tol=1e-16)


def test_krylov_refuses_gamma_one() -> None:
    P = np.zeros((2, 1, 2))
    P[:, 0, 1] = 1.0
    m = MDP(P, [[-1.0], [0.0]], 1)
    with pytest.raises(ValueError, match="method"):
        state_values(m, [0, 0], method="krylov")
    assert state_values(m, [0, 0]).tolist() == [-1.0, 0.0]


# ------------------------------------------------------------------ backends
def _as_sparse(m: MDP) -> MDP:
    S, A = m.n_states, m.n_actions
    return MDP(sps.csr_array(m.P.reshape(S * A, S)), m.R, m.gamma_exact)


@given(mdp_and_policy(gammas=any_gamma))
def test_numba_and_numpy_backends_agree(case: tuple[MDP, np.ndarray]) -> None:
    pytest.importorskip("numba")
    m, pi = case
    sm = _as_sparse(m)
    exact = exact_optimal(m)
    a, b = (value_iteration(sm, tol=1e-9, backend=x) for x in ("numba", "numpy"))
    for sol in (a, b):
        assert gap(sol.values, exact) <= sol.bound + 1e-12 * (1 + np.max(np.abs(exact)))
    deterministic = np.argmax(pi, axis=1)
    exact_pi = exact_policy_values(m, deterministic)
    for be in ("numba", "numpy"):
        ev = iterative_policy_evaluation(sm, deterministic, tol=1e-9, backend=be)
        assert gap(ev.values, exact_pi) <= ev.bound + 1e-12 * (1 + np.max(np.abs(exact_pi)))
        tpi = truncated_policy_iteration(sm, sweeps=3, tol=1e-9, backend=be)
        assert gap(tpi.values, exact) <= tpi.bound + 1e-12 * (1 + np.max(np.abs(exact)))


def test_numba_greedy_policy_breaks_ties_like_argmax() -> None:
    pytest.importorskip("numba")
    P = sps.csr_array(np.eye(3).repeat(3, axis=0))  # every action stays put
    m = MDP(P, np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0], [5.0, 5.0, 5.0]]), 0.5)
    for be in ("numba", "numpy"):
        assert value_iteration(m, tol=1e-9, backend=be).policy.tolist() == [0, 1, 0]


def test_numba_policy_iteration_matches_numpy_on_a_large_model() -> None:
    pytest.importorskip("numba")
    m = random_sparse(1300, 3, 4, 0.9, seed=4)
    a, b = (policy_iteration(m, tol=1e-8, backend=x) for x in ("numba", "numpy"))
    assert np.array_equal(a.policy, b.policy) and gap(a.values, b.values) <= a.bound + b.bound


def test_bad_backends_are_named() -> None:
    m = random_sparse(20, 2, 3, 0.9, seed=5)
    with pytest.raises(ValueError, match="backend"):
        value_iteration(m, backend="cuda")
    dense = MDP(np.full((2, 1, 2), 0.5), [[0.0], [1.0]], 0.5)
    with pytest.raises(ValueError, match="backend.*dense"):
        iterative_policy_evaluation(dense, [0, 0], backend="numba")


def test_numba_missing_names_the_fast_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.delitem(sys.modules, "refalgo.mdp._engine.kernels", raising=False)
    monkeypatch.delattr(refalgo.mdp._engine, "kernels", raising=False)
    m = random_sparse(20, 2, 3, 0.9, seed=6)
    with pytest.raises(ImportError, match="fast"):
        value_iteration(m, backend="numba")
    # auto falls back to NumPy
    assert value_iteration(m, tol=1e-8, backend="auto").bound <= 1e-8


def test_importing_refalgo_does_not_import_numba() -> None:
    code = "import sys, refalgo, refalgo.mdp; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_undiscounted_sparse_model_with_the_numba_backend() -> None:
    """Sutton & Barto's Example 4.1 (γ = 1): the compiled sweeps, then exact policy iteration."""
    pytest.importorskip("numba")
    from refalgo.mdp import ACTIONS, grid_world

    w = grid_world((4, 4), terminal=[(0, 0), (3, 3)], r_boundary=-1.0, r_step=-1.0, actions=ACTIONS[:4], gamma=1, sparse=True)
    steps = np.array([0, 1, 2, 3, 1, 2, 3, 2, 2, 3, 2, 1, 3, 2, 1, 0], dtype=float)
    sol = value_iteration(w.mdp, backend="numba")
    assert np.array_equal(sol.values, -steps) and sol.bound == 0.0
    with pytest.raises(ValueError, match="gamma"):
        iterative_policy_evaluation(w.mdp, np.zeros(16, dtype=int), backend="numba")


def test_a_krylov_breakdown_falls_back_to_lgmres(monkeypatch: pytest.MonkeyPatch) -> None:
    import scipy.sparse.linalg as spla

    def broken(A: object, b: np.ndarray, **kwargs: object) -> tuple[np.ndarray, int]:
        return np.full_like(b, np.nan), -10  # what a breakdown can leave behind

    monkeypatch.setattr(spla, "bicgstab", broken)
    m = random_sparse(800, 2, 3, 0.9, seed=7)
    pi = np.zeros(800, dtype=int)
    v = state_values(m, pi, method="krylov", tol=1e-9)
    assert gap(v, state_values(m, pi, method="direct")) <= 1e-9


# ------------------------------------------------------------------ one thread or many
@contextlib.contextmanager
def numba_threads(n: int) -> Iterator[Any]:
    """numba set to ``n`` threads for the block (skips when numba is absent or started with fewer)."""
    numba = pytest.importorskip("numba")
    if numba.config.NUMBA_NUM_THREADS < n:
        pytest.skip(f"numba was started with fewer than {n} threads")
    saved = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield numba
    finally:
        numba.set_num_threads(saved)


@given(mdp_and_policy(gammas=any_gamma), st.integers(0, 2**32 - 1))
def test_parallel_and_calling_thread_sweeps_are_identical(case: tuple[MDP, np.ndarray], seed: int) -> None:
    """Both ways sum every row left to right: the same numbers bit for bit, policy and change range included."""
    pytest.importorskip("numba")
    from refalgo.mdp._engine import sweep

    m, pi = case
    sm = _as_sparse(m)
    v = np.random.default_rng(seed).normal(size=m.n_states)
    model = sweep.model(sm, "numba")
    chain = sweep.rows(model, np.argmax(pi, axis=1))
    results = []
    with numba_threads(2):
        for threshold in (0, 2**62):  # every sweep parallel, then every sweep on the calling thread
            saved, sweep.PARALLEL_NNZ = sweep.PARALLEL_NNZ, threshold
            try:
                assert sweep.parallel(int(model.P2.nnz)) == (threshold == 0)
                step, policy = sweep.greedy_sweep(model, v)
                results.append((step, policy, sweep.optimality_sweep(model, v), sweep.policy_sweep(chain, v)))
            finally:
                sweep.PARALLEL_NNZ = saved
    (g1, p1, o1, c1), (g2, p2, o2, c2) = results
    for a, b in ((g1, g2), (o1, o2), (c1, c2)):
        assert np.array_equal(a.values, b.values) and (a.low, a.high) == (b.low, b.high)
    assert np.array_equal(p1, p2)


def test_small_sweeps_stay_on_the_calling_thread() -> None:
    from refalgo.mdp._engine import sweep

    with numba_threads(2):
        assert not sweep.parallel(sweep.PARALLEL_NNZ - 1)
        assert sweep.parallel(sweep.PARALLEL_NNZ)
    with numba_threads(1):
        assert not sweep.parallel(sweep.PARALLEL_NNZ)


@given(st.integers(1, 40), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_compact_csr_keeps_the_matrix_with_32_bit_indices(n: int, k: int, seed: int) -> None:
    """A sparse product hands back 64-bit indices; the kernels get the same matrix with 32-bit ones."""
    from refalgo.mdp._engine import sweep

    rng = np.random.default_rng(seed)
    k = min(k, n)
    cols = np.stack([rng.permutation(n)[:k] for _ in range(n)])  # unsorted within each row
    P = sps.csr_array((rng.random(n * k), cols.ravel().astype(np.int64), np.arange(n + 1, dtype=np.int64) * k), shape=(n, n))
    before = P.toarray()
    C = sweep.compact_csr(P)
    assert C.indices.dtype == np.int32 and C.indptr.dtype == np.int32
    assert np.array_equal(C.toarray(), before) and np.array_equal(P.toarray(), before)
    assert sweep.compact_csr(C) is C  # already compact: no copy

"""The numba sweeps: plain left-to-right sums; the prefetch changes no number and is switched on for large scattered models only."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import given
from hypothesis import strategies as st

from refalgo.mdp import MDP, iterative_policy_evaluation, policy_iteration, state_values, value_iteration

pytest.importorskip("numba")

from refalgo.mdp._engine import sweep  # noqa: E402


def csr(n_rows: int, n_states: int, cols: np.ndarray, rng: np.random.Generator) -> sps.csr_array:
    """A row-stochastic CSR matrix with ``cols.shape[1]`` entries per row in the given columns."""
    k = cols.shape[1]
    probs = rng.random((n_rows, k)) + 0.05
    probs /= probs.sum(axis=1, keepdims=True)
    indptr = np.arange(n_rows + 1, dtype=np.int32) * k
    return sps.csr_array((probs.ravel(), cols.ravel().astype(np.int32), indptr), shape=(n_rows, n_states))


def scattered(n_states: int, n_actions: int, k: int, seed: int) -> sps.csr_array:
    """Successors drawn anywhere among the states."""
    rng = np.random.default_rng(seed)
    rows = n_states * n_actions
    return csr(rows, n_states, rng.integers(0, n_states, size=(rows, k)), rng)


def near(n_states: int, n_actions: int, k: int, width: int, seed: int) -> sps.csr_array:
    """Successors within ``width`` states of their own state (wrapping around)."""
    rng = np.random.default_rng(seed)
    rows = n_states * n_actions
    owner = np.arange(rows) // n_actions
    cols = (owner[:, None] + rng.integers(-width, width + 1, size=(rows, k))) % n_states
    return csr(rows, n_states, cols, rng)


def ragged(n_states: int, n_actions: int, max_k: int, seed: int) -> sps.csr_array:
    """Rows of 0 … ``max_k`` entries (some empty, some states with rows of different lengths), columns anywhere."""
    rng = np.random.default_rng(seed)
    rows = n_states * n_actions
    counts = rng.integers(0, max_k + 1, size=rows)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    cols = rng.integers(0, n_states, size=int(indptr[-1])).astype(np.int32)
    return sps.csr_array((rng.random(int(indptr[-1])) + 0.05, cols, indptr), shape=(rows, n_states))


def kernel_outputs(P: sps.csr_array, n_actions: int, v: np.ndarray, ahead: int) -> list[object]:
    """Every kernel's output on ``P`` (and on its first-action chain) with the given prefetch distance."""
    k = sweep.kernels()
    S = P.shape[1]
    arrays = sweep.csr_arrays(P)
    R = np.random.default_rng(1).random(S * n_actions)
    chain = sweep.compact_csr(P[np.arange(S) * n_actions])
    chain_arrays = sweep.csr_arrays(chain)
    out: list[object] = []
    for with_policy in (False, True):
        for parallel in (False, True):
            values, policy = np.empty(S), np.empty(S, dtype=np.intp)
            args = (*arrays, R, v, 0.9, n_actions, values, policy, with_policy, ahead)
            lo_hi = k.optimality_sweep(*args) if parallel else k.optimality_block(*args, 0, S)
            out += [values, policy if with_policy else None, lo_hi]
    for parallel in (False, True):
        values = np.empty(S)
        args = (*chain_arrays, R[:S].copy(), v, 0.9, values)
        if parallel:
            lo_hi = k.policy_sweep(*args, ahead)
        else:
            lo_hi = k.policy_block_ahead(*args, ahead, 0, S) if ahead else k.policy_block(*args, 0, S)
        out += [values, lo_hi]
    residual = np.empty(S)
    k.residual_product(*chain_arrays, v, 0.9, residual, ahead)
    return [*out, residual]


@given(
    st.integers(1, 60), st.integers(1, 4), st.integers(1, 9),
    st.sampled_from([1, 2, 7, 16, 300]), st.integers(0, 2**32 - 1),
)
def test_prefetching_changes_no_number(n: int, n_actions: int, k: int, ahead: int, seed: int) -> None:
    """Bit for bit the same values, policies and change ranges, also when ``ahead`` runs past the last entry."""
    P = ragged(n, n_actions, k, seed)
    v = np.random.default_rng(seed).normal(size=n)
    for a, b in zip(kernel_outputs(P, n_actions, v, 0), kernel_outputs(P, n_actions, v, ahead), strict=True):
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b)
        else:
            assert a == b


def test_prefetch_is_chosen_for_large_scattered_models_only() -> None:
    big = sweep.PREFETCH_STATES
    assert sweep.prefetch_ahead(scattered(big, 2, 3, seed=0), 2) == sweep.PREFETCH_AHEAD
    assert sweep.prefetch_ahead(scattered(big, 1, 3, seed=1), 1) == sweep.PREFETCH_AHEAD  # a policy's chain
    # successors within 64 states: the caches serve them
    assert sweep.prefetch_ahead(near(big, 2, 3, 64, seed=2), 2) == 0
    # one state fewer than the threshold: the values fit the caches
    assert sweep.prefetch_ahead(scattered(big - 1, 2, 3, seed=3), 2) == 0
    # no entries at all
    assert sweep.prefetch_ahead(sps.csr_array((big, big)), 1) == 0


def test_rows_per_state_decides_which_state_a_row_belongs_to() -> None:
    """Row i of a (S·A, S) matrix is state i // A: successors next to that state are near, not scattered."""
    S, A = sweep.PREFETCH_STATES, 4
    P = near(S, A, 2, 8, seed=4)
    assert sweep.prefetch_ahead(P, A) == 0
    # read as if each row were its own state, the same successors look far away
    assert sweep.prefetch_ahead(P, 1) == sweep.PREFETCH_AHEAD


def test_solvers_with_and_without_prefetch_agree_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    S, A = sweep.PREFETCH_STATES, 2
    P = scattered(S, A, 3, seed=5)
    m = MDP(P, np.random.default_rng(6).random((S, A)), 0.9)
    policy = np.zeros(S, dtype=np.intp)
    assert sweep.model(m, "numba").ahead == sweep.PREFETCH_AHEAD
    with_prefetch = (value_iteration(m, tol=1e-6, backend="numba"),
                     iterative_policy_evaluation(m, policy, tol=1e-6, backend="numba"))
    monkeypatch.setattr(sweep, "PREFETCH_STATES", 2 * S)
    assert sweep.model(m, "numba").ahead == 0
    without = (value_iteration(m, tol=1e-6, backend="numba"),
               iterative_policy_evaluation(m, policy, tol=1e-6, backend="numba"))
    assert np.array_equal(with_prefetch[0].values, without[0].values)
    assert np.array_equal(with_prefetch[0].policy, without[0].policy)
    assert with_prefetch[0].iterations == without[0].iterations
    assert np.array_equal(with_prefetch[1].values, without[1].values)


def python_sums(P: sps.csr_array, v: np.ndarray) -> np.ndarray:
    """Each row's ``Σ data·v[index]``, added left to right in CSR order in Python floats."""
    out = np.empty(P.shape[0])
    for row in range(P.shape[0]):
        acc = 0.0
        for e in range(P.indptr[row], P.indptr[row + 1]):
            acc += float(P.data[e]) * float(v[P.indices[e]])
        out[row] = acc
    return out


@given(st.integers(1, 30), st.integers(1, 4), st.integers(1, 9), st.integers(0, 2**32 - 1), st.booleans())
def test_every_kernel_matches_a_plain_python_sweep(n: int, n_actions: int, k: int, seed: int, with_nan: bool) -> None:
    """Values, maximisers, change ranges, policy sweeps and residual products, bit for bit, every way of running them.

    The rows are summed left to right in Python. The max over actions follows the
    kernels' documented rule: the first action, then any strictly larger q-value, so
    ties keep the lowest action (``np.argmax``'s rule, checked here on the NaN-free
    states) and a NaN is kept only when it is the first action's. A NaN in ``v``
    reaches the q-values of the rows that use it.
    """
    P = ragged(n, n_actions, k, seed)
    rng = np.random.default_rng(seed)
    v, R = rng.normal(size=n), rng.normal(size=n * n_actions)
    R[rng.integers(0, R.size)] = R[0]  # some exact ties between actions now and then
    if with_nan:
        v[rng.integers(0, n)] = np.nan
    q = (R + 0.9 * python_sums(P, v)).reshape(n, n_actions)
    best, arg = q[:, 0].copy(), np.zeros(n, dtype=np.intp)
    for s in range(n):
        for a in range(1, n_actions):
            if q[s, a] > best[s]:
                best[s], arg[s] = q[s, a], a
    finite = ~np.isnan(q).any(axis=1)
    assert np.array_equal(arg[finite], np.argmax(q[finite], axis=1))
    change = best - v
    chain = sweep.compact_csr(P[np.arange(n) * n_actions])
    r = R[np.arange(n) * n_actions].copy()
    chain_new = r + 0.9 * python_sums(chain, v)
    residual = v - 0.9 * python_sums(chain, v)

    def same(a: object, b: object) -> bool:
        return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))

    kernels = sweep.kernels()
    arrays, chain_arrays = sweep.csr_arrays(P), sweep.csr_arrays(chain)
    for ahead in (0, 3):
        for parallel in (False, True):
            out, policy = np.empty(n), np.empty(n, dtype=np.intp)
            args = (*arrays, R, v, 0.9, n_actions, out, policy, True, ahead)
            lo, hi = kernels.optimality_sweep(*args) if parallel else kernels.optimality_block(*args, 0, n)
            assert same(out, best) and same(policy, arg)
            assert same([lo, hi], [np.min(change), np.max(change)]) or with_nan  # min/max of a NaN change: unspecified
            out = np.empty(n)
            args = (*chain_arrays, r, v, 0.9, out)
            if parallel:
                kernels.policy_sweep(*args, ahead)
            elif ahead:
                kernels.policy_block_ahead(*args, ahead, 0, n)
            else:
                kernels.policy_block(*args, 0, n)
            assert same(out, chain_new)
        out = np.empty(n)
        kernels.residual_product(*chain_arrays, v, 0.9, out, ahead)
        assert same(out, residual)


def test_the_prefetch_never_reads_past_the_index_array() -> None:
    """Compiled with bounds checks, every prefetching kernel runs clean, with distances past the last entry."""
    from numba import njit

    k = sweep.kernels()
    checked = {name: njit(boundscheck=True)(getattr(k, name).py_func)
               for name in ("optimality_block", "policy_block_ahead", "residual_product")}
    for seed in range(4):
        n, A = 40, 3
        P = ragged(n, A, 9, seed)
        chain = sweep.compact_csr(P[np.arange(n) * A])
        v, R = np.random.default_rng(seed).normal(size=n), np.zeros(n * A)
        for ahead in (1, 3, 16, 300):
            checked["optimality_block"](*sweep.csr_arrays(P), R, v, 0.9, A, np.empty(n), np.empty(n, np.intp), True,
                                        ahead, 0, n)
            checked["policy_block_ahead"](*sweep.csr_arrays(chain), R[:n].copy(), v, 0.9, np.empty(n), ahead, 0, n)
            checked["residual_product"](*sweep.csr_arrays(chain), v, 0.9, np.empty(n), ahead)


@pytest.mark.parametrize("solve", [
    lambda m: value_iteration(m), lambda m: policy_iteration(m),
    lambda m: iterative_policy_evaluation(m, np.zeros(m.n_states, dtype=np.intp)),
    lambda m: state_values(m, np.zeros(m.n_states, dtype=np.intp)),
])
@pytest.mark.parametrize("backend_size", [3, 2000])  # direct solves; Krylov solves above 500 states
def test_values_beyond_float64_are_a_clear_error(solve, backend_size: int) -> None:
    """max|r|/(1-γ)² above 1e300 is refused up front, naming R; just below it solves to finite values."""
    P = scattered(backend_size, 2, 2, seed=7)
    m = MDP(P, np.full((backend_size, 2), 1e299), 0.9)  # 1e299 / 0.01 = 1e301
    with pytest.raises(ValueError, match=r"R: rewards up to 1e\+299 with gamma = 0.9"):
        solve(m)
    if backend_size == 3:  # (on the large model an absolute tol cannot be certified at values of 1e298: its own error)
        ok = MDP(P, np.full((backend_size, 2), 1e297), 0.9)  # 1e299: values 1e298
        result = solve(ok)
        assert np.all(np.isfinite(getattr(result, "values", result)))

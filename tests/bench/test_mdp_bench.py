"""The MDP benchmark's model generator, format converters, stopping-rule mapping and certificate."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks._mdp_measure import bellman_sweep, certify, sweep_bytes  # noqa: E402
from benchmarks._mdp_models import (  # noqa: E402
    SparseModel,
    local_sparse_mdp,
    random_policy,
    random_sparse_mdp,
    restrict,
    to_mdpsolver,
    to_pymdptoolbox,
)
from benchmarks._mdp_peers import apriori_sweeps  # noqa: E402
from refalgo.mdp import MDP, policy_iteration  # noqa: E402

sizes = st.tuples(st.integers(1, 60), st.integers(1, 4), st.integers(1, 5), st.integers(0, 2**31 - 1))


@given(sizes)
def test_generator_rows_are_distributions_over_distinct_successors(params):
    S, A, k, seed = params
    k = min(k, S)
    m = random_sparse_mdp(S, n_actions=A, n_successors=k, seed=seed)
    assert m.P.shape == (S * A, S) and m.R.shape == (S, A)
    assert np.all(np.diff(m.P.indptr) == k)
    rows = m.P.indices.reshape(S * A, k)
    assert np.all(np.diff(rows, axis=1) > 0)  # sorted and distinct
    assert np.max(np.abs(m.P.sum(axis=1) - 1.0)) <= 4 * np.finfo(float).eps
    assert np.all(m.P.data >= 0) and np.all((m.R >= 0) & (m.R < 1))


def test_generator_is_reproducible_by_seed():
    a, b, c = (random_sparse_mdp(500, seed=s) for s in (7, 7, 8))
    assert (a.P != b.P).nnz == 0 and np.array_equal(a.R, b.R)
    assert not np.array_equal(a.R, c.R)


def test_refalgo_accepts_the_model():
    m = random_sparse_mdp(50, seed=3)
    mdp = MDP(m.P, m.R, m.gamma)
    assert (mdp.n_states, mdp.n_actions) == (50, 4)


@given(sizes)
def test_converters_hand_every_solver_the_same_numbers(params):
    S, A, k, seed = params
    m = random_sparse_mdp(S, n_actions=A, n_successors=min(k, S), seed=seed)
    P_list, R = to_pymdptoolbox(m)
    dense = m.P.toarray().reshape(S, A, S)
    for a in range(A):
        assert np.array_equal(P_list[a].toarray(), dense[:, a, :])
    assert np.array_equal(R, m.R)
    kw = to_mdpsolver(m)
    rebuilt = np.zeros((S, A, S))
    for s in range(S):
        for a in range(A):
            rebuilt[s, a, kw["tranMatColumns"][s][a]] = kw["tranMatProbs"][s][a]
    assert np.array_equal(rebuilt, dense) and kw["rewards"] == m.R.tolist() and kw["discount"] == m.gamma


def test_restrict_keeps_the_rows_the_policy_picks():
    m = random_sparse_mdp(40, seed=2)
    pol = random_policy(m, seed=5)
    one = restrict(m, pol)
    dense = m.P.toarray().reshape(40, 4, 40)
    assert np.array_equal(one.P.toarray(), dense[np.arange(40), pol])
    assert np.array_equal(one.R[:, 0], m.R[np.arange(40), pol])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"n_states": 0}, "n_states"), ({"n_states": 3, "n_successors": 4}, "n_successors"),
     ({"n_states": 5, "gamma": 1.0}, "gamma"), ({"n_states": 5, "gamma": 0.0}, "gamma")],
)
def test_generator_rejects_bad_sizes(kwargs, match):
    n = kwargs.pop("n_states")
    with pytest.raises(ValueError, match=match):
        random_sparse_mdp(n, **kwargs)


def test_nested_lists_need_a_constant_successor_count():
    P = sps.csr_array(np.array([[1.0, 0.0], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="successors"):
        to_mdpsolver(SparseModel(P, np.zeros((2, 1)), 0.5))


@given(st.floats(0.05, 0.99), st.floats(1e-9, 1e-1), st.floats(0.1, 10.0))
def test_apriori_sweeps_is_the_smallest_count_meeting_the_bound(gamma, tol, rmax):
    n = apriori_sweeps(gamma, tol, rmax)
    assert gamma**n * rmax / (1 - gamma) <= tol * (1 + 1e-12)
    if n > 1:
        assert gamma ** (n - 1) * rmax / (1 - gamma) > tol * (1 - 1e-12)


def test_apriori_sweeps_closed_form():
    # 0.5**N * 1 / 0.5 <= 1/8  <=>  N >= 4
    assert apriori_sweeps(0.5, 0.125, 1.0) == 4


def test_sweep_bytes_counts_csr_rewards_and_two_value_vectors():
    m = random_sparse_mdp(100, n_actions=3, n_successors=2)
    nnz, SA = 100 * 3 * 2, 300
    assert sweep_bytes(m) == nnz * (8 + 4) + (SA + 1) * 4 + SA * 8 + 2 * 8 * 100


@given(st.floats(0.0, 1.0), st.floats(0.1, 0.95), st.floats(-50, 50))
def test_certificate_is_exact_on_a_single_absorbing_state(r, gamma, v0):
    m = SparseModel(sps.csr_array(np.ones((1, 1))), np.array([[r]]), gamma)
    ref = certify(m, np.array([v0]))
    assert abs(ref.values[0] - r / (1 - gamma)) <= 1e-9 * (1 + abs(v0)) / (1 - gamma)
    assert ref.error <= 1e-9 * (1 + abs(v0)) / (1 - gamma)


def test_certificate_brackets_the_policy_iteration_solution():
    m = random_sparse_mdp(200, seed=11)
    exact = policy_iteration(MDP(m.P, m.R, m.gamma)).values
    delta = np.random.default_rng(0).uniform(-1e-3, 1e-3, 200)
    ref = certify(m, exact + delta)
    assert np.max(np.abs(ref.values - exact)) <= ref.error + 1e-12
    # half the bracket is (γ/(1-γ))·sp(d)/2 <= (γ/(1-γ))·max|d|, and |d| <= (1+γ)·max|δ|
    assert ref.error <= m.gamma / (1 - m.gamma) * (1 + m.gamma) * np.max(np.abs(delta)) + 1e-12
    assert np.max(np.abs(bellman_sweep(m, exact) - exact)) <= 1e-12


@pytest.mark.parity
@pytest.mark.parametrize("kind", ["vi", "pe", "pi"])
def test_every_peer_reaches_the_tolerance(kind):
    pytest.importorskip("mdptoolbox")
    pytest.importorskip("mdpsolver")
    from benchmarks._mdp_peers import mdpsolver_runner, pymdptoolbox_runner, refalgo_runner

    m = random_sparse_mdp(300, seed=4)
    model = restrict(m, random_policy(m)) if kind == "pe" else m
    exact = policy_iteration(MDP(model.P, model.R, model.gamma)).values
    tol = 1e-6
    for runner in (refalgo_runner, pymdptoolbox_runner, mdpsolver_runner):
        run = runner(kind)(model, tol)
        assert np.max(np.abs(run.values - exact)) <= tol
        assert run.seconds > 0 and math.isfinite(run.setup)


@pytest.mark.parity
def test_policy_iteration_peers_by_size():
    """pymdptoolbox's dense policy iteration only at the small sizes; refalgo and mdpsolver everywhere."""
    pytest.importorskip("mdptoolbox")
    pytest.importorskip("mdpsolver")
    from benchmarks.bench_mdp import _peers

    large, small = _peers("pi", 10**4, False), _peers("pi", 1000, True)
    assert {"refalgo", "refalgo (NumPy)", "mdpsolver"} <= set(large) and "pymdptoolbox" not in large
    assert {"refalgo", "pymdptoolbox", "mdpsolver"} <= set(small)
    assert all(s.threads == 1 for name, s in large.items() if "threads" not in name)


# ------------------------------------------------------------------ the local family
@given(st.integers(3, 200), st.integers(1, 3), st.integers(1, 5), st.integers(1, 20), st.integers(0, 2**31 - 1))
def test_local_successors_are_distinct_sorted_and_within_the_window(S, A, k, width, seed):
    width = min(width, (S - 1) // 2)
    k = min(k, 2 * width + 1)
    m = local_sparse_mdp(S, n_actions=A, n_successors=k, width=width, seed=seed)
    assert m.P.shape == (S * A, S) and np.all(np.diff(m.P.indptr) == k)
    rows = m.P.indices.reshape(S * A, k)
    assert np.all(np.diff(rows, axis=1) > 0)  # sorted and distinct
    state = np.repeat(np.arange(S), A)[:, None]
    ring = np.minimum((rows - state) % S, (state - rows) % S)  # distance around the ring
    assert np.all(ring <= width)
    assert np.max(np.abs(m.P.sum(axis=1) - 1.0)) <= 4 * np.finfo(float).eps and np.all(m.P.data >= 0)


def test_local_window_wraps_around_the_ends():
    m = local_sparse_mdp(1000, n_actions=1, n_successors=4, width=3, seed=1)
    first, last = m.P.indices[:4], m.P.indices[-4:]
    assert set(first) <= {997, 998, 999, 0, 1, 2, 3} and set(last) <= {996, 997, 998, 999, 0, 1, 2}
    assert local_sparse_mdp(500, seed=3).R.tolist() == local_sparse_mdp(500, seed=3).R.tolist()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"n_states": 128}, "width"), ({"n_states": 100, "width": -1}, "width"),
     ({"n_states": 100, "width": 1, "n_successors": 4}, "n_successors"), ({"n_states": 300, "gamma": 1.0}, "gamma")],
)
def test_local_generator_rejects_bad_parameters(kwargs, match):
    n = kwargs.pop("n_states")
    with pytest.raises(ValueError, match=match):
        local_sparse_mdp(n, **kwargs)


# ------------------------------------------------------------------ the gather ceiling
@given(st.sampled_from([random_sparse_mdp, local_sparse_mdp]), st.integers(200, 400), st.integers(1, 4),
       st.integers(0, 2**31 - 1))
def test_gather_pass_sums_each_states_products(family, S, A, seed):
    """Both ways of the bare pass write Σ_a (P v)(s·A + a) per state, as SciPy's product gives it."""
    pytest.importorskip("numba")
    from benchmarks._mdp_measure import _gather_kernels

    m = family(S, n_actions=A, seed=seed)
    v = np.random.default_rng(seed).normal(size=S)
    expected = (m.P @ v).reshape(S, A).sum(axis=1)
    unsigned = [a.view(np.dtype(f"u{a.dtype.itemsize}")) for a in (m.P.indptr, m.P.indices)]
    for run in _gather_kernels():
        out = np.full(S, np.nan)
        run(*unsigned, m.P.data, v, A, out)
        assert np.max(np.abs(out - expected)) <= 1e-12 * (1 + np.max(np.abs(expected)))


def test_gather_seconds_is_a_finite_positive_time_on_one_and_two_threads():
    pytest.importorskip("numba")
    from benchmarks._mdp_measure import gather_seconds

    m = random_sparse_mdp(2000, seed=1)
    assert all(math.isfinite(t) and t > 0 for t in (gather_seconds(m, n, repeats=2) for n in (1, 2)))


def test_fraction_of_copy_divides_by_the_copy_on_as_many_threads():
    from benchmarks.bench_mdp import _fractions_of_copy

    rows = [{"threads": 1, "GBps": 8.0}, {"threads": 2, "GBps": 8.0}, {"threads": 1, "GBps": None}]
    _fractions_of_copy(rows, {1: 20e9, 2: 16e9})
    assert [r["fraction_of_copy"] for r in rows] == [0.4, 0.5, None]


def test_ceiling_table_pairs_each_pass_with_the_copy_on_as_many_threads():
    from benchmarks._mdp_report import ceilings

    row = {"task": "value iteration", "states": 10, "threads": 2, "family": "local",
           "bytes_per_sweep": 4e9, "gather_ceiling_s": 0.5}
    result = {"copy_bandwidth_GBps": 20.0, "copy_bandwidth_by_threads_GBps": {"1": 20.0, "2": 16.0},
              "rows": [{**row, "family": "uniform", "threads": 1}], "local_rows": [row, {**row, "gather_ceiling_s": None}]}
    # 4e9 bytes in 0.5 s is 8 GB/s: 40 % of 20 GB/s on one thread, 50 % of 16 GB/s on two
    assert ceilings(result) == [["uniform", "value iteration", 10, 1, 0.5, 8.0, 0.4],
                                ["local", "value iteration", 10, 2, 0.5, 8.0, 0.5]]


@pytest.mark.parity
def test_local_family_runs_the_peers_only_up_to_1e5_states():
    pytest.importorskip("mdptoolbox")
    pytest.importorskip("mdpsolver")
    from benchmarks.bench_mdp import LOCAL_PEERS_UP_TO, _peers

    assert {"pymdptoolbox", "mdpsolver"} <= set(_peers("vi", LOCAL_PEERS_UP_TO, False, "local"))
    big = _peers("vi", 10 * LOCAL_PEERS_UP_TO, False, "local")
    assert "refalgo" in big and "refalgo (NumPy)" in big and not {"pymdptoolbox", "mdpsolver"} & set(big)


def test_repeats_at_1e6_for_refalgo_sweeps_but_once_for_peers_and_policy_iteration():
    from benchmarks.bench_mdp import _repeats

    assert _repeats("mdpsolver", "vi", 10**5, 3) == 3 and _repeats("mdpsolver", "vi", 10**6, 3) == 1
    assert _repeats("refalgo (NumPy)", "pe", 10**6, 3) == 3 and _repeats("refalgo", "pi", 10**6, 3) == 1

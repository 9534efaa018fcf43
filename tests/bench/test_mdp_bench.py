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

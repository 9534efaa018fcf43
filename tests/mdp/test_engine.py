"""The readable twins and the engine's paths compute the same things."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import given
from hypothesis import strategies as st

from refalgo.mdp import MDP, bellman_optimality_operator, policy_model, state_values
from refalgo.mdp._engine import solve, sweep
from refalgo.mdp._strategies import mdp_and_policy, mdps


def sparse_twin(m: MDP) -> MDP:
    S, A = m.n_states, m.n_actions
    return MDP(sps.csr_array(m.P.reshape(S * A, S)), m.R, m.gamma_exact)


def gap(a: np.ndarray, b: np.ndarray) -> float:
    return float(max(np.max(np.abs(a - b)), np.max(np.abs(b - a))))


@given(mdp_and_policy())
def test_readable_dense_solve_is_the_engines_lu(case: tuple[MDP, np.ndarray]) -> None:
    """state_values' own line (4) and the engine's LU give the same float64 numbers, bit for bit."""
    m, pi = case
    P_pi, r_pi = policy_model(m, pi)
    assert np.array_equal(state_values(m, pi), solve.direct(P_pi, r_pi, m.gamma))


@given(mdp_and_policy())
def test_sparse_chain_is_the_dense_einsum(case: tuple[MDP, np.ndarray]) -> None:
    """The engine's CSR P_π (rows selected, or rows weighted) equals einsum('sat,sa->st', P, π)."""
    m, pi = case
    P_dense, r_dense = policy_model(m, pi)
    P_sparse, r_sparse = policy_model(sparse_twin(m), pi)
    assert gap(P_sparse.toarray(), P_dense) <= 1e-15 and np.array_equal(r_sparse, r_dense)
    deterministic = np.eye(m.n_actions)[np.argmax(pi, axis=1)]
    P_det, _ = policy_model(sparse_twin(m), deterministic)
    assert np.array_equal(P_det.toarray(), policy_model(m, deterministic)[0])


@given(mdps(), st.integers(0, 2**32 - 1), st.sampled_from(["numpy", "numba"]))
def test_engine_sweep_is_the_readable_operator(m: MDP, seed: int, backend: str) -> None:
    """One engine sweep (NumPy, or the numba kernels on the sparse twin) is f(v) of the readable operator."""
    if backend == "numba":
        pytest.importorskip("numba")
        m = sparse_twin(m)
    v = np.random.default_rng(seed).uniform(-10.0, 10.0, m.n_states)
    readable = bellman_optimality_operator(m, v)
    step = sweep.optimality_sweep(sweep.model(m, backend), v)
    scale = 1.0 + float(np.max(np.abs(m.R))) + float(np.max(np.abs(v)))
    assert gap(step.values, readable) <= 1e-13 * scale
    assert step.low == float(np.min(step.values - v)) and step.high == float(np.max(step.values - v))

"""The MDP benchmark's one-sweep measurement: it times the right computations and reports them faithfully."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks._mdp_measure import COPY_BYTES, bellman_sweep, sweep_bytes  # noqa: E402
from benchmarks._mdp_models import local_sparse_mdp, random_policy, random_sparse_mdp, restrict  # noqa: E402
from benchmarks._mdp_report import one_sweep_table  # noqa: E402


@pytest.mark.parametrize("family", [random_sparse_mdp, local_sparse_mdp])
def test_each_timed_run_computes_what_its_name_says(family) -> None:
    """The value-iteration run is one Bellman optimality sweep, the policy run one policy sweep, the pass the per-state sums."""
    pytest.importorskip("numba")
    from benchmarks._mdp_one_sweep import _timers

    model = family(300, seed=3)
    chain = restrict(model, random_policy(model, seed=4))
    v = np.random.default_rng(0).random(model.n_states)  # the vector the timers sweep from
    timers = _timers(model, chain, 1)
    (vi,), vi_bytes = timers["value iteration"]
    (pe,), pe_bytes = timers["policy evaluation"]
    step = vi()
    assert np.max(np.abs(step.values - bellman_sweep(model, v))) <= 1e-12
    assert np.max(np.abs(pe().values - bellman_sweep(chain, v))) <= 1e-12
    assert (vi_bytes, pe_bytes) == (sweep_bytes(model), sweep_bytes(chain))
    for kind, over in (("bare pass", model), ("chain pass", chain)):
        passes, pass_bytes = timers[kind]
        assert len(passes) == 2 and pass_bytes == sweep_bytes(over)
        expected = (over.P @ v).reshape(over.n_states, over.n_actions).sum(axis=1)
        for run in passes:  # each writes the per-state sums of P v into the same output array
            run()
            out = run.args[5]
            assert np.max(np.abs(out - expected)) <= 1e-12 * (1 + np.max(np.abs(expected)))
    copies, copy_bytes = timers["copy"]
    assert len(copies) == 2 and copy_bytes == 2 * COPY_BYTES


def test_rates_are_finite_and_positive_on_one_and_two_threads() -> None:
    pytest.importorskip("numba")
    from benchmarks._mdp_one_sweep import KINDS, one_sweep_rates

    import numba

    model = random_sparse_mdp(500, seed=1)
    chain = restrict(model, random_policy(model, seed=2))
    before = numba.get_num_threads()
    for threads in sorted({1, min(2, numba.config.NUMBA_NUM_THREADS)}):
        rates = one_sweep_rates(model, chain, threads, rounds=1, repeats=2)
        assert set(rates) == set(KINDS) and all(math.isfinite(r) and r > 0 for r in rates.values())
        assert numba.get_num_threads() == before  # restored


def test_fractions_divide_by_the_better_copy_on_as_many_threads() -> None:
    from benchmarks.bench_mdp import _one_sweep_fractions

    rows = [{"family": "uniform", "states": 10, "threads": t, "kind": k, "GBps": g}
            for t, k, g in ((1, "value iteration", 8.0), (1, "copy", 16.0), (2, "value iteration", 8.0), (2, "copy", 40.0))]
    _one_sweep_fractions(rows, {1: 20e9, 2: 32e9})
    # one thread: the run's 20 GB/s beats the rounds' 16; two: the rounds' 40 beats the run's 32
    assert [r["copy_GBps"] for r in rows] == [20.0, 20.0, 40.0, 40.0]
    assert [r["fraction_of_copy"] for r in rows] == [0.4, 0.8, 0.2, 1.0]


def test_one_sweep_table_has_one_line_per_model_size_and_thread_count() -> None:
    kinds = {"value iteration": 1.0, "bare pass": 2.0, "policy evaluation": 3.0, "chain pass": 4.0, "copy": 20.0}
    rows = [{"family": f, "states": n, "threads": t, "kind": k, "GBps": g, "fraction_of_copy": g / 20.0, "copy_GBps": 20.0}
            for f in ("local", "uniform") for n in (100, 10) for t in (1, 2) for k, g in kinds.items()]
    table = one_sweep_table({"one_sweep": rows})
    assert [line[:3] for line in table] == [["uniform", "10", "1"], ["uniform", "10", "2"], ["uniform", "100", "1"],
                                           ["uniform", "100", "2"], ["local", "10", "1"], ["local", "10", "2"],
                                           ["local", "100", "1"], ["local", "100", "2"]]
    # value iteration, its pass, policy evaluation, its pass: GB/s and % of 20 GB/s; then the copy
    assert table[0][3:] == ["1.0", "5", "2.0", "10", "3.0", "15", "4.0", "20", "20.0"]

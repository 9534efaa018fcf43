"""The in-place fast path against the functional reference: structures, dtypes, chunk boundaries, sharing."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.optim import adam_init, adam_step, adam_step_inplace, adamw_step, adamw_step_inplace


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-13), (np.float32, 1e-5)])
@pytest.mark.parametrize("pair", [(adam_step, adam_step_inplace), (adamw_step, adamw_step_inplace)])
@pytest.mark.parametrize("flags", [dict(), dict(amsgrad=True, maximize=True, weight_decay=0.2), dict(schedule_multiplier=0.5)])
def test_inplace_equals_functional(dtype: type, rtol: float, pair: tuple, flags: dict) -> None:
    functional, inplace = pair
    rng = np.random.default_rng(1)
    params = {"w": rng.normal(size=(7, 5)).astype(dtype), "b": rng.normal(size=3).astype(dtype)}
    ref = {k: v.copy() for k, v in params.items()}
    amsgrad = flags.get("amsgrad", False)
    s_ref, s_in = adam_init(ref, amsgrad=amsgrad), adam_init(params, amsgrad=amsgrad)
    for _ in range(25):
        grads = {k: rng.normal(size=v.shape).astype(dtype) for k, v in params.items()}
        ref, s_ref = functional(ref, grads, s_ref, lr=1e-2, **flags)
        s_in = inplace(params, grads, s_in, lr=1e-2, chunk=4, **flags)  # tiny chunks: many boundaries
    for k in params:
        assert params[k].dtype == dtype
        np.testing.assert_allclose(params[k], ref[k], rtol=rtol, atol=rtol)
        np.testing.assert_allclose(s_in.exp_avg_sq[k], s_ref.exp_avg_sq[k], rtol=rtol, atol=rtol * 1e-3)
    assert s_in.step == s_ref.step == 25


def test_inplace_mutates_and_shares_buffers() -> None:
    p = np.ones(3)
    s0 = adam_init(p)
    s1 = adamw_step_inplace(p, np.array([1.0, -1.0, 0.0]), s0, lr=0.1)
    assert s1.exp_avg is s0.exp_avg and s1.step == 1 and s0.step == 0
    assert p[0] < 1 < p[1]

"""The in-place fast path, both backends, against the functional reference: structures, dtypes, chunks, sharing."""

from __future__ import annotations

import itertools
import subprocess
import sys
from importlib.util import find_spec
from typing import Any

import numpy as np
import pytest

import refalgo.optim._engine
from refalgo.optim import adam_init, adam_step, adam_step_inplace, adamw_step, adamw_step_inplace
from refalgo.optim._engine.inplace import PARALLEL_MIN

needs_numba = pytest.mark.skipif(find_spec("numba") is None, reason="the numba backend needs the 'fast' extra")
BACKENDS = ["numpy", pytest.param("numba", marks=needs_numba)]
PAIRS = [(adam_step, adam_step_inplace), (adamw_step, adamw_step_inplace)]
# every combination of amsgrad, maximize, weight decay and the paper's schedule multiplier
FLAGS: list[dict[str, Any]] = [
    dict(amsgrad=a, maximize=mx, weight_decay=wd, schedule_multiplier=eta)
    for a, mx, wd, eta in itertools.product((False, True), (False, True), (0.0, 0.2), (None, 0.5))
]


def _flag_id(flags: dict) -> str:
    return "-".join(f"{k}={v}" for k, v in flags.items())


def _run(functional: Any, inplace: Any, params: dict, steps: int, seed: int, backend: dict, **kw: Any) -> tuple:
    """``steps`` steps of both on the same gradients; returns the in-place and the reference (params, state)."""
    rng = np.random.default_rng(seed)
    ref = {k: v.copy() for k, v in params.items()}
    s_ref, s_in = adam_init(ref, amsgrad=kw["amsgrad"]), adam_init(params, amsgrad=kw["amsgrad"])
    for _ in range(steps):
        grads = {k: rng.normal(size=v.shape).astype(v.dtype) for k, v in params.items()}
        ref, s_ref = functional(ref, grads, s_ref, lr=1e-2, **kw)
        s_in = inplace(params, grads, s_in, lr=1e-2, **backend, **kw)
    return params, s_in, ref, s_ref


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-13), (np.float32, 1e-5)])
@pytest.mark.parametrize("pair", PAIRS, ids=["adam", "adamw"])
@pytest.mark.parametrize("flags", FLAGS, ids=_flag_id)
def test_inplace_equals_functional(backend: str, dtype: type, rtol: float, pair: tuple, flags: dict) -> None:
    """Both in-place backends (numba and NumPy) equal the functional reference in float32 and float64 for all 16
    combinations of amsgrad, maximize, weight decay and the schedule multiplier, over 25 steps of a dict of
    leaves cut into tiny chunks.
    """
    rng = np.random.default_rng(1)
    params: dict[str, Any] = {"w": rng.normal(size=(7, 5)).astype(dtype), "b": rng.normal(size=3).astype(dtype)}
    chosen = {"backend": backend, "chunk": 4}  # tiny chunks: many boundaries
    params, s_in, ref, s_ref = _run(pair[0], pair[1], params, 25, 2, chosen, **flags)
    for k in params:
        assert params[k].dtype == dtype
        np.testing.assert_allclose(params[k], ref[k], rtol=rtol, atol=rtol)
        np.testing.assert_allclose(s_in.exp_avg[k], s_ref.exp_avg[k], rtol=rtol, atol=rtol * 1e-3)
        np.testing.assert_allclose(s_in.exp_avg_sq[k], s_ref.exp_avg_sq[k], rtol=rtol, atol=rtol * 1e-3)
    if flags["amsgrad"]:
        np.testing.assert_allclose(s_in.max_exp_avg_sq["w"], s_ref.max_exp_avg_sq["w"], rtol=rtol, atol=rtol * 1e-3)
    assert s_in.step == s_ref.step == 25


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-13), (np.float32, 1e-5)])
@pytest.mark.parametrize("flags", [FLAGS[0], FLAGS[-1], FLAGS[6]], ids=_flag_id)
def test_large_list_of_leaves_equals_functional(backend: str, dtype: type, rtol: float, flags: dict) -> None:
    """A leaf large enough for the numba kernel's threads (and several NumPy chunks) beside a small one, as a list."""
    rng = np.random.default_rng(3)
    params: list[Any] = [rng.normal(size=PARALLEL_MIN + 77).astype(dtype), rng.normal(size=(2, 3)).astype(dtype)]
    ref = [p.copy() for p in params]
    s_in, s_ref = adam_init(params, amsgrad=flags["amsgrad"]), adam_init(ref, amsgrad=flags["amsgrad"])
    for _ in range(4):
        grads: list[Any] = [rng.normal(size=p.shape).astype(dtype) for p in params]
        ref, s_ref = adamw_step(ref, grads, s_ref, lr=1e-2, **flags)
        s_in = adamw_step_inplace(params, grads, s_in, lr=1e-2, backend=backend, chunk=10_000, **flags)
    for got, want in zip(params, ref):
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", [50, PARALLEL_MIN + 5], ids=["one-thread", "threads"])
@pytest.mark.parametrize("step", [adam_step_inplace, adamw_step_inplace])
def test_backends_give_the_same_numbers(dtype: type, size: int, step: object) -> None:
    """Compiled without fastmath, the kernel performs the NumPy path's operations in the same order: equal values."""
    rng = np.random.default_rng(4)
    for flags in FLAGS:
        p_np: Any = rng.normal(size=size).astype(dtype)
        p_nb = p_np.copy()
        s_np, s_nb = adam_init(p_np, amsgrad=flags["amsgrad"]), adam_init(p_nb, amsgrad=flags["amsgrad"])
        for _ in range(3):
            g: Any = (rng.normal(size=size) * 10.0 ** rng.integers(-6, 6, size=size)).astype(dtype)
            s_np = step(p_np, g, s_np, lr=0.05, backend="numpy", **flags)  # type: ignore[operator]
            s_nb = step(p_nb, g, s_nb, lr=0.05, backend="numba", **flags)  # type: ignore[operator]
        assert np.array_equal(p_nb, p_np), flags
        assert np.array_equal(s_nb.exp_avg, s_np.exp_avg) and np.array_equal(s_nb.exp_avg_sq, s_np.exp_avg_sq), flags


@pytest.mark.parametrize("backend", BACKENDS)
def test_inplace_mutates_and_shares_buffers(backend: str) -> None:
    p = np.ones(3)
    s0 = adam_init(p)
    s1 = adamw_step_inplace(p, np.array([1.0, -1.0, 0.0]), s0, lr=0.1, backend=backend)
    assert s1.exp_avg is s0.exp_avg and s1.step == 1 and s0.step == 0
    assert p[0] < 1 < p[1]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("size", [5, PARALLEL_MIN + 5], ids=["one-thread", "threads"])
def test_nan_gradient_anywhere_leaves_everything_untouched(backend: str, size: int) -> None:
    """The gradients of every leaf are checked before the first leaf is written."""
    params = [np.ones(size, np.float32), np.ones(size, np.float32)]
    state = adam_init(params)
    state = adamw_step_inplace(params, [np.ones(size, np.float32)] * 2, state, backend=backend)
    before = [p.copy() for p in params] + [m.copy() for m in state.exp_avg]
    grads = [np.ones(size, np.float32), np.ones(size, np.float32)]
    grads[1][-1] = np.nan
    with pytest.raises(ValueError, match=rf"grads\[1\]: expected finite numbers; got nan at index \({size - 1},\)"):
        adamw_step_inplace(params, grads, state, backend=backend)
    assert all(np.array_equal(a, b) for a, b in zip(before, params + list(state.exp_avg)))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("size", [5, PARALLEL_MIN + 5], ids=["one-thread", "threads"])
def test_float32_overflow_and_non_finite_parameters_are_reported(backend: str, size: int) -> None:
    p: Any = np.ones(size, np.float32)
    g = np.ones(size, np.float32)
    g[size // 2] = 1e30  # g² overflows float32: v = inf
    with pytest.raises(ValueError, match="params: leaf 0 holds non-finite values after the step"):
        adam_step_inplace(p, g, adam_init(p), backend=backend)
    p = np.ones(size)
    state = adam_init(p)
    p[-1] = np.inf
    with pytest.raises(ValueError, match="params: leaf 0 holds non-finite values after the step"):
        adamw_step_inplace(p, np.ones(size), state, backend=backend)


@pytest.mark.parametrize("step", [adam_step_inplace, adamw_step_inplace])
def test_unknown_backend(step: object) -> None:
    p = np.ones(2)
    with pytest.raises(ValueError, match=r"backend: expected one of 'auto', 'numba', 'numpy'; got 'cuda'"):
        step(p, np.ones(2), adam_init(p), backend="cuda")  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"backend: expected a string, one of 'auto', 'numba', 'numpy'; got NoneType"):
        step(p, np.ones(2), adam_init(p), backend=None)  # type: ignore[operator]
    assert np.array_equal(p, np.ones(2))


def test_without_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    """With numba not importable, "numba" names the extra to install and "auto" falls back to NumPy."""
    monkeypatch.setitem(sys.modules, "numba", None)  # makes `import numba` raise ImportError
    monkeypatch.delitem(sys.modules, "refalgo.optim._engine.fused", raising=False)
    monkeypatch.delattr(refalgo.optim._engine, "fused", raising=False)
    p, g = np.array([1.0, -2.0]), np.array([0.5, -3.0])
    with pytest.raises(ImportError, match=r"backend='numba' needs numba.*'fast' extra.*refalgo\[fast\]"):
        adam_step_inplace(p, g, adam_init(p), lr=0.1, backend="numba")
    assert np.array_equal(p, [1.0, -2.0])
    s = adam_step_inplace(p, g, adam_init(p), lr=0.1, backend="auto")
    # the first step: m̂ = g and √v̂ = |g|, so θ moves by lr·g/(|g| + ε) (Kingma & Ba 2015, Algorithm 1)
    np.testing.assert_allclose(p, [1.0, -2.0] - 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-15)
    assert s.step == 1 and "refalgo.optim._engine.fused" not in sys.modules


def test_importing_refalgo_does_not_import_numba() -> None:
    code = "import sys, refalgo, refalgo.optim; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

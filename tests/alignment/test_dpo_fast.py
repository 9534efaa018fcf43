"""The DPO fast path (compiled kernels on blocks of pairs) held to the readable formulas and to PyTorch.

float64: bit for bit, every loss type, with and without the reference, on one and two threads.
float32: the rewards and IPO bit for bit; the sigmoid-type losses within 2 ULP of max(|loss|, |βh|, log 2)
and the gradients within 4 ULP of β, the bounds that ``refalgo.alignment._engine.fused`` states.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

pytest.importorskip("numba")

from refalgo.alignment import dpo_gradients, dpo_loss  # noqa: E402
from refalgo.alignment._engine.batched import BLOCK, fast_gradients, fast_losses  # noqa: E402
from refalgo.alignment._engine.fused import log1p_float32  # noqa: E402

N = BLOCK + 1234  # two blocks, the second one short
OPTIONS = [("sigmoid", 0.0), ("sigmoid", 0.1), ("sigmoid", 0.45), ("ipo", 0.0), ("robust", 0.1), ("robust", 0.3)]


def logps(dtype: type, seed: int = 0, n: int = N) -> list[np.ndarray]:
    """Sequence log-probabilities with margins from 0 to a few thousand, and some exact ties and zeros."""
    rng = np.random.default_rng(seed)
    arrays = [-rng.gamma(2.0, 20.0, size=n) for _ in range(4)]
    arrays[0][:50] = arrays[1][:50]  # policy ties
    arrays[2][50:100] = 0.0
    arrays[0][100:110] = -3000.0  # |βh| in the thousands: the softplus tail underflows
    return [a.astype(dtype) for a in arrays]


def both(arrays: list[np.ndarray], **kw: object) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    fast = (*dpo_loss(*arrays, backend="numba", **kw), *dpo_gradients(*arrays, backend="numba", **kw))  # type: ignore[arg-type]
    slow = (*dpo_loss(*arrays, backend="numpy", **kw), *dpo_gradients(*arrays, backend="numpy", **kw))  # type: ignore[arg-type]
    return fast, slow


@pytest.mark.parametrize("kind, eps", OPTIONS)
@pytest.mark.parametrize("free, threads", [(False, 1), (True, 2)])
def test_float64_fast_path_matches_the_readable_twin(kind: str, eps: float, free: bool, threads: int) -> None:
    """In float64 the fast path's rewards and gradients equal the readable formulas' to the last bit; so do the losses
    where NumPy's float64 exp and log1p are the C library's. On a CPU with AVX-512, NumPy runs its own vectorized
    float64 exp and log, which round differently: the losses then stay within 2 ULP of max(|loss|, |βh|, log 2)."""
    arrays = logps(np.float64)
    fast, slow = both(arrays, beta=0.1, label_smoothing=eps, loss_type=kind, reference_free=free, threads=threads)
    assert all(a.dtype == np.float64 for a in fast)
    for a, b in zip(fast[1:], slow[1:]):
        np.testing.assert_array_equal(a, b)
    pc, pr, rc, rr = arrays
    z = 0.1 * ((pc - pr) if free else (pc - rc) - (pr - rr))
    scale = np.maximum(np.maximum(np.abs(slow[0]), np.abs(z)), np.log(2))
    assert np.all(np.abs(fast[0] - slow[0]) <= 2 * np.spacing(scale))


@pytest.mark.parametrize("kind, eps", OPTIONS)
@pytest.mark.parametrize("free, beta", [(False, 0.1), (True, 2.0)])
def test_float32_fast_path_within_stated_ulps(kind: str, eps: float, free: bool, beta: float) -> None:
    """In float32 the rewards (and IPO) are bit for bit; the losses are within 2 ULP of max(|loss|, |βh|, log 2),
    the gradients within 4 ULP of β, and the two thread counts agree exactly.
    """
    arrays = logps(np.float32, seed=1)
    kw = dict(beta=beta, label_smoothing=eps, loss_type=kind, reference_free=free)
    fast, slow = both(arrays, **kw)
    assert all(a.dtype == np.float32 for a in fast)
    two = (*dpo_loss(*arrays, backend="numba", threads=2, **kw), *dpo_gradients(*arrays, backend="numba", threads=2, **kw))
    for a, b in zip(fast, two):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(fast[1], slow[1])
    np.testing.assert_array_equal(fast[2], slow[2])
    if kind == "ipo":
        for a, b in zip(fast, slow):
            np.testing.assert_array_equal(a, b)
        return
    pc, pr, rc, rr = (a.astype(np.float64) for a in arrays)
    z = beta * ((pc - pr) if free else (pc - rc) - (pr - rr))
    scale = np.maximum(np.maximum(np.abs(slow[0]), np.abs(z)), np.log(2)).astype(np.float32)
    assert np.all(np.abs(fast[0].astype(np.float64) - slow[0]) <= 2 * np.spacing(scale))
    for a, b in zip(fast[3:], slow[3:]):
        assert np.all(np.abs(a.astype(np.float64) - b) <= 4 * np.spacing(np.float32(beta)))


def test_float32_log1p_against_float64_log1p() -> None:
    """The float32 fast path's log1p is float64 log1p rounded to float32 (within 1 ULP, equal on 99.99 %), on 2²⁰
    random float32 values in (0, 1], both ends and the branch point √2 − 1.
    """
    rng = np.random.default_rng(2)
    bits = rng.integers(1, int(np.float32(1.0).view(np.int32)) + 1, size=1 << 20, dtype=np.int32)
    edges = np.array([2.0**-149, 2.0**-126, 1e-30, np.sqrt(2) - 1, 0.41421354, 0.41421357, 0.5, 1.0], np.float32)
    x = np.concatenate([bits.view(np.float32), edges])
    ours = np.empty_like(x)
    log1p_float32(x, ours)
    reference = np.log1p(x.astype(np.float64)).astype(np.float32)
    ulps = np.abs(ours.view(np.int32).astype(np.int64) - reference.view(np.int32).astype(np.int64))
    assert ulps.max() <= 1 and np.count_nonzero(ulps) <= 1e-4 * x.size
    np.testing.assert_array_equal(ours[-len(edges):], reference[-len(edges):])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "where, value, match",
    [(0, np.nan, "policy_chosen_logps: expected finite"), (3, -np.inf, "reference_rejected_logps: expected finite"),
     (1, 0.25, "policy_rejected_logps: expected log-probabilities <= 0; got 0.25 at policy_rejected_logps"),
     (2, np.inf, "reference_chosen_logps: expected finite")],
)
def test_bad_values_deep_in_a_large_batch_name_the_argument(dtype: type, where: int, value: float, match: str) -> None:
    """A NaN, inf or positive log-probability in the last block of a large batch raises the readable twin's error."""
    for free in (False, True):
        arrays = logps(dtype)
        arrays[where][N - 7] = value
        for fn in (dpo_loss, dpo_gradients):
            with pytest.raises(ValueError, match=match):
                fn(*arrays, beta=0.1, reference_free=free, threads=2)


def test_inputs_the_fast_path_does_not_take_give_the_readable_results() -> None:
    """Mixed dtypes, strided views and lists take the readable path; large same-dtype arrays take the fast one
    with backend="auto", and the results are the same either way.
    """
    a32, a64 = logps(np.float32), logps(np.float64)
    mixed = [a32[0], *a64[1:]]
    for arrays, taken in ((a32, True), (a64, True), (mixed, False), ([a[::2] for a in a64], False), (a64[:3] + [a64[3].tolist()], False)):
        assert (fast_losses(arrays, 0.1, 0.0, "sigmoid", False, "auto", 1) is not None) is taken
        assert (fast_gradients(arrays, 0.1, 0.0, "sigmoid", False, "auto", 1) is not None) is taken
    assert fast_losses([a[:5] for a in a64], 0.1, 0.0, "sigmoid", False, "auto", 1) is None  # small: readable
    assert fast_losses([a[:5] for a in a64], 0.1, 0.0, "sigmoid", False, "numba", 1) is not None
    np.testing.assert_array_equal(dpo_loss(*mixed, beta=0.1).losses, dpo_loss(*mixed, beta=0.1, backend="numpy").losses)
    strided = [a[::2] for a in a64]
    np.testing.assert_array_equal(dpo_gradients(*strided, beta=0.1)[0], dpo_gradients(*strided, beta=0.1, backend="numpy")[0])
    lists = [a[:3000].tolist() for a in a64]
    np.testing.assert_array_equal(dpo_loss(*lists, beta=0.1).losses, dpo_loss(*a64, beta=0.1, backend="numpy").losses[:3000])
    np.testing.assert_array_equal(dpo_loss(*a64, beta=0.1).losses, dpo_loss(*a64, beta=0.1, backend="numba").losses)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [({"threads": 0}, ValueError, "threads: expected a positive integer; got 0"),
     ({"threads": 1.5}, TypeError, "threads: expected a positive integer; got float"),
     ({"threads": True}, TypeError, "threads: expected a positive integer; got bool"),
     ({"backend": "cuda"}, ValueError, "backend: expected one of"),
     ({"backend": None}, TypeError, "backend: expected a string")],
)
def test_bad_backend_or_threads(kwargs: dict, exc: type, match: str) -> None:
    """A bad ``backend`` or ``threads`` raises an error naming it, on small and large batches."""
    for n in (3, N):
        for fn in (dpo_loss, dpo_gradients):
            with pytest.raises(exc, match=match):
                fn(*logps(np.float64, n=n), beta=0.1, **kwargs)


@pytest.mark.parametrize("dtype, tol, threads", [(np.float32, 1e-5, 2), (np.float64, 1e-12, 1)])
@pytest.mark.parametrize("kind, eps", [("sigmoid", 0.0), ("sigmoid", 0.1), ("ipo", 0.0), ("robust", 0.1)])
def test_fast_path_matches_torch(dtype: type, tol: float, kind: str, eps: float, threads: int) -> None:
    """On a large batch the fast path's losses, rewards and gradients match the DPO authors' formula in PyTorch
    (forward and autograd backward) to 10⁻⁵ in float32 and 10⁻¹² in float64, relative to 1 + |value|.
    """
    arrays = logps(dtype, seed=3)
    pc, pr, rc, rr = (torch.from_numpy(a.copy()) for a in arrays)
    pc.requires_grad_(True)
    pr.requires_grad_(True)
    logits = (pc - pr) - (rc - rr)
    if kind == "ipo":
        losses = (logits - 1 / (2 * 0.1)) ** 2
    elif kind == "robust":
        losses = (-(1 - eps) * F.logsigmoid(0.1 * logits) + eps * F.logsigmoid(-0.1 * logits)) / (1 - 2 * eps)
    else:
        losses = -F.logsigmoid(0.1 * logits) * (1 - eps) - F.logsigmoid(-0.1 * logits) * eps
    losses.sum().backward()
    expected = (losses.detach(), 0.1 * (pc - rc).detach(), 0.1 * (pr - rr).detach(), pc.grad, pr.grad)
    ours = (*dpo_loss(*arrays, beta=0.1, label_smoothing=eps, loss_type=kind, threads=threads),
            *dpo_gradients(*arrays, beta=0.1, label_smoothing=eps, loss_type=kind, threads=threads))
    for a, b in zip(ours, expected):
        assert b is not None
        b64 = b.numpy().astype(np.float64)
        assert np.all(np.abs(a - b64) <= tol * (1 + np.abs(b64)))

"""Parity with torch.optim.Adam and torch.optim.AdamW (PyTorch 2.13, CPU), float64 over 1000 steps and float32."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from refalgo.optim import adam_init, adam_step, adam_step_inplace, adamw_step, adamw_step_inplace

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.parity

STEPS = 1000
BETAS = [(0.9, 0.999), (0.5, 0.9), (0.0, 0.99)]
# every combination of optimizer, weight decay, amsgrad and maximize; the betas cycle through three settings
GRID = [
    (*combo, BETAS[k % len(BETAS)])
    for k, combo in enumerate(itertools.product(["adam", "adamw"], [0.0, 0.1], [False, True], [False, True]))
]


def _gradients(steps: int, n: int, seed: int) -> np.ndarray:
    """Heavy-tailed gradients whose scale drifts over six orders of magnitude, with exact zeros."""
    rng = np.random.default_rng(seed)
    scale = np.exp(rng.normal(0, 3, size=(steps, 1)))
    g = rng.standard_t(3, size=(steps, n)) * scale
    g[rng.random((steps, n)) < 0.1] = 0.0
    return g


def _torch_run(kind: str, p0: np.ndarray, grads: np.ndarray, dtype: object, **kw: object) -> np.ndarray:
    p = torch.nn.Parameter(torch.tensor(p0, dtype=dtype))
    opt = (torch.optim.Adam if kind == "adam" else torch.optim.AdamW)([p], **kw)
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=dtype)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def _ours(kind: str, p0: np.ndarray, grads: np.ndarray, **kw: object) -> np.ndarray:
    step = adam_step if kind == "adam" else adamw_step
    p, s = p0, adam_init(p0, amsgrad=bool(kw.get("amsgrad", False)))
    out = []
    for g in grads:
        p, s = step(p, g.astype(p0.dtype), s, **kw)  # type: ignore[arg-type]
        out.append(p)
    return np.array(out)


def _close(ours: np.ndarray, theirs: np.ndarray, rtol: float) -> None:
    scale = max(1.0, float(np.abs(theirs).max()))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("kind,wd,amsgrad,maximize,betas", GRID)
def test_float64_1000_steps_match_torch(kind: str, wd: float, amsgrad: bool, maximize: bool, betas: tuple[float, float]) -> None:
    """torch.optim.Adam and torch.optim.AdamW agree to 10⁻¹² relative in float64 over 1000 steps, for every
    combination of weight decay, amsgrad and maximize (three settings of the betas), on heavy-tailed gradients
    spanning orders of magnitude.
    """
    rng = np.random.default_rng(7)
    p0 = rng.normal(size=6)
    grads = _gradients(STEPS, 6, seed=len(str(betas)) + int(10 * wd))
    kw = dict(lr=1e-2, betas=betas, eps=1e-8, weight_decay=wd, amsgrad=amsgrad, maximize=maximize)
    _close(_ours(kind, p0, grads, **kw), _torch_run(kind, p0, grads, torch.float64, **kw), rtol=1e-12)


@pytest.mark.parametrize("kind", ["adam", "adamw"])
def test_quadratic_feedback_1000_steps_match_torch(kind: str) -> None:
    """Gradients computed from each optimizer's own iterate, on an ill-conditioned quadratic."""
    h = np.diag([100.0, 1.0, 0.01])
    p_ours, s = np.array([1.0, -1.0, 2.0]), adam_init(np.zeros(3))
    pt = torch.nn.Parameter(torch.tensor(p_ours.copy()))
    opt = (torch.optim.Adam if kind == "adam" else torch.optim.AdamW)([pt], lr=0.05, weight_decay=0.01)
    step = adam_step if kind == "adam" else adamw_step
    for _ in range(STEPS):
        p_ours, s = step(p_ours, h @ p_ours, s, lr=0.05, weight_decay=0.01)
        pt.grad = torch.tensor(h @ pt.detach().numpy())
        opt.step()
    _close(p_ours, pt.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("kind,amsgrad", [("adam", False), ("adamw", True)])
def test_float32_matches_torch(kind: str, amsgrad: bool) -> None:
    """In float32, Adam and AdamW (with amsgrad) agree with PyTorch to 2·10⁻⁵ relative over 200 steps."""
    rng = np.random.default_rng(3)
    p0 = rng.normal(size=50).astype(np.float32)
    grads = rng.normal(size=(200, 50)).astype(np.float32)
    kw = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05, amsgrad=amsgrad)
    ours = _ours(kind, p0, grads, **kw)
    assert ours.dtype == np.float32
    # float32 rounding in a different operation order: a few ulps of the parameter, accumulated over 200 steps
    _close(ours, _torch_run(kind, p0, grads, torch.float32, **kw), rtol=2e-5)


def test_paper_convention_is_torch_with_rescaled_lr_and_decay() -> None:
    """Loshchilov & Hutter: θ ← θ − η_t(α m̂/(√v̂+ε) + λθ); PyTorch with lr = η_t α and weight_decay = λ/α."""
    alpha, lam = 1e-2, 0.5
    etas = 0.5 * (1 + np.cos(np.pi * np.arange(STEPS) / STEPS))  # cosine schedule multiplier
    grads = _gradients(STEPS, 4, seed=11)
    p, s = np.linspace(-1.0, 1.0, 4), adam_init(np.zeros(4))
    pt = torch.nn.Parameter(torch.tensor(p.copy()))
    opt = torch.optim.AdamW([pt], lr=alpha, weight_decay=lam / alpha)
    for eta, g in zip(etas, grads):
        p, s = adamw_step(p, g, s, lr=alpha, weight_decay=lam, schedule_multiplier=float(eta))
        opt.param_groups[0]["lr"] = float(eta) * alpha
        pt.grad = torch.tensor(g)
        opt.step()
    _close(p, pt.detach().numpy(), rtol=1e-11)


def test_structures_match_torch_parameter_list() -> None:
    """A dict of parameters steps like PyTorch's list of parameters, to 10⁻¹² relative over 100 AdamW steps with
    amsgrad.
    """
    rng = np.random.default_rng(5)
    params = {"w": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    tp = [torch.nn.Parameter(torch.tensor(params[k].copy())) for k in ("w", "b")]
    opt = torch.optim.AdamW(tp, lr=1e-2, weight_decay=0.1, amsgrad=True)
    s = adam_init(params, amsgrad=True)
    for _ in range(100):
        grads = {"w": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
        params, s = adamw_step(params, grads, s, lr=1e-2, weight_decay=0.1, amsgrad=True)
        for t_, k in zip(tp, ("w", "b")):
            t_.grad = torch.tensor(grads[k])
        opt.step()
    for t_, k in zip(tp, ("w", "b")):
        _close(params[k], t_.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("kind,dtype,fused,rtol", [("adamw", np.float64, False, 1e-12), ("adam", np.float64, False, 1e-12), ("adamw", np.float32, True, 2e-5)])
def test_inplace_fast_path_matches_torch(kind: str, dtype: type, fused: bool, rtol: float) -> None:
    """The in-place path matches PyTorch's Adam and AdamW in float64 and its fused AdamW kernel in float32, with
    amsgrad and maximize, over 30 steps of 70 000 parameters.
    """
    rng = np.random.default_rng(9)
    n = 70_000  # more than one chunk
    p = rng.normal(size=n).astype(dtype)
    tp = torch.nn.Parameter(torch.tensor(p.copy()))
    kw = dict(lr=1e-3, weight_decay=0.1, amsgrad=True, maximize=True)
    opt = (torch.optim.Adam if kind == "adam" else torch.optim.AdamW)([tp], fused=fused, **kw)
    step = adam_step_inplace if kind == "adam" else adamw_step_inplace
    s = adam_init(p, amsgrad=True)
    for _ in range(30):
        g = rng.normal(size=n).astype(dtype)
        s = step(p, g, s, **kw)  # type: ignore[arg-type]
        tp.grad = torch.tensor(g)
        opt.step()
    assert s.step == 30 and p.dtype == dtype
    _close(p, tp.detach().numpy(), rtol=rtol)


@pytest.mark.parametrize("kind", ["adam", "adamw"])
@pytest.mark.parametrize("inplace", [False, True], ids=["functional", "in-place"])
def test_amsgrad_from_a_fresh_state_matches_torch(kind: str, inplace: bool) -> None:
    """torch.optim.Adam(amsgrad=True) creates max_exp_avg_sq at its first step; so do refalgo's steps on adam_init(params)."""
    rng = np.random.default_rng(13)
    p0 = rng.normal(size=8)
    grads = _gradients(300, 8, seed=17)
    kw = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1, amsgrad=True)
    p, s = p0.copy(), adam_init(p0)  # no running maximum in the state
    assert s.max_exp_avg_sq is None
    if inplace:
        step_ = adam_step_inplace if kind == "adam" else adamw_step_inplace
        for g in grads:
            s = step_(p, g, s, **kw)  # type: ignore[arg-type]
    else:
        step = adam_step if kind == "adam" else adamw_step
        for g in grads:
            p, s = step(p, g, s, **kw)  # type: ignore[arg-type]
    assert s.max_exp_avg_sq is not None
    _close(p, _torch_run(kind, p0, grads, torch.float64, **kw)[-1], rtol=1e-12)

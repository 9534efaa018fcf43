"""Parity with optax (DeepMind's JAX optimizers): ``optax.adam``, ``optax.adamw`` and Adam with L2.

optax writes the same update as PyTorch's defaults: bias-corrected moments, ε added after
the square root (``eps_root = 0``), and AdamW's decay scaled by the learning rate,
:math:`u = -\\alpha(\\hat m/(\\sqrt{\\hat v}+\\epsilon) + \\lambda\\theta)`. Adam with L2 is
``optax.chain(optax.add_decayed_weights(λ), optax.adam(α))``: λθ enters the gradient
before the moments, as ``weight_decay`` does in :func:`refalgo.optim.adam_step`.

Not compared: ``maximize`` (optax has none; it is a negated gradient) and AMSGrad, where
``optax.amsgrad`` keeps the running maximum of the *bias-corrected* :math:`\\hat v_t`
while PyTorch and refalgo keep the maximum of :math:`v_t` and then correct it.

optax needs JAX (about 400 MB installed), so it comes with the ``parity-heavy`` extra
(``make test-parity``); without it these tests are skipped.
"""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.optim import add_decayed_weights, adam_init, adam_step, adamw_step, apply_updates, chain, scale_by_adam, scale_by_learning_rate

optax = pytest.importorskip("optax", reason="optax is not installed: pip install -e '.[parity-heavy]'")
jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)  # float64 arrays, as the comparison needs
jnp = jax.numpy
pytestmark = pytest.mark.parity

STEPS = 1000
CASES = [
    ("adam", 0.0, (0.9, 0.999)),
    ("adam", 0.1, (0.5, 0.9)),
    ("adamw", 0.0, (0.0, 0.99)),
    ("adamw", 0.1, (0.9, 0.999)),
    ("adamw", 0.01, (0.5, 0.9)),
]


def _gradients(steps: int, n: int, seed: int) -> np.ndarray:
    """Heavy-tailed gradients whose scale drifts over several orders of magnitude, with exact zeros."""
    rng = np.random.default_rng(seed)
    g = rng.standard_t(3, size=(steps, n)) * np.exp(rng.normal(0, 3, size=(steps, 1)))
    g[rng.random((steps, n)) < 0.1] = 0.0
    return g


def _optax(kind: str, wd: float, lr: float, betas: tuple[float, float]) -> object:
    b1, b2 = betas
    if kind == "adamw":
        return optax.adamw(lr, b1=b1, b2=b2, eps=1e-8, weight_decay=wd)
    adam = optax.adam(lr, b1=b1, b2=b2, eps=1e-8)
    return optax.chain(optax.add_decayed_weights(wd), adam) if wd else adam


def _optax_run(kind: str, wd: float, p0: np.ndarray, grads: np.ndarray, lr: float, betas: tuple[float, float]) -> np.ndarray:
    opt = _optax(kind, wd, lr, betas)
    p = jnp.asarray(p0)
    state = opt.init(p)  # type: ignore[attr-defined]
    out = []
    for g in grads:
        updates, state = opt.update(jnp.asarray(g), state, p)  # type: ignore[attr-defined]
        p = optax.apply_updates(p, updates)
        out.append(np.asarray(p))
    return np.array(out)


@pytest.mark.parametrize("kind,wd,betas", CASES)
def test_float64_1000_steps_match_optax(kind: str, wd: float, betas: tuple[float, float]) -> None:
    """optax.adam, optax.adamw and Adam with L2 (optax.chain(optax.add_decayed_weights(λ), optax.adam(α))) agree in
    float64 over 1000 steps, five settings of the decay and betas, to 10⁻¹² relative.
    """
    rng = np.random.default_rng(11)
    p0 = rng.normal(size=6)
    grads = _gradients(STEPS, 6, seed=int(100 * wd) + len(str(betas)))
    step = adam_step if kind == "adam" else adamw_step
    p, s, ours = p0, adam_init(p0), []
    for g in grads:
        p, s = step(p, g, s, lr=1e-2, betas=betas, eps=1e-8, weight_decay=wd)
        ours.append(p)
    theirs = _optax_run(kind, wd, p0, grads, 1e-2, betas)
    assert theirs.dtype == np.float64
    scale = max(1.0, float(np.abs(theirs).max()))
    np.testing.assert_allclose(np.array(ours), theirs, rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("decay_first", [True, False], ids=["adam-l2", "adamw"])
def test_chains_of_transforms_match_optax_chains(decay_first: bool) -> None:
    """The same links in the same order: refalgo's transforms against optax's, 1000 float64 steps."""
    rng = np.random.default_rng(12)
    p0 = rng.normal(size=5)
    grads = _gradients(STEPS, 5, seed=21)
    ours = [scale_by_adam(betas=(0.9, 0.999), eps=1e-8), add_decayed_weights(0.1)]
    theirs = [optax.scale_by_adam(b1=0.9, b2=0.999, eps=1e-8), optax.add_decayed_weights(0.1)]
    if decay_first:
        ours, theirs = ours[::-1], theirs[::-1]
    tx = chain(*ours, scale_by_learning_rate(1e-2))
    opt = optax.chain(*theirs, optax.scale_by_learning_rate(1e-2))
    p, s = p0, tx.init(p0)
    q, state = jnp.asarray(p0), opt.init(jnp.asarray(p0))
    for g in grads:
        u, s = tx.update(g, s, p)
        p = apply_updates(p, u)
        updates, state = opt.update(jnp.asarray(g), state, q)
        q = optax.apply_updates(q, updates)
    np.testing.assert_allclose(p, np.asarray(q), rtol=1e-12, atol=1e-12 * max(1.0, float(np.abs(q).max())))

"""The transforms that Adam and AdamW are chains of: closed forms, the order of the links, AMSGrad from step 0, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from refalgo.optim import (
    AdamState,
    EmptyState,
    adam_chain,
    adam_init,
    adam_step,
    adam_step_inplace,
    adamw_chain,
    adamw_step,
    adamw_step_inplace,
    add_decayed_weights,
    apply_updates,
    chain,
    scale,
    scale_by_adam,
    scale_by_learning_rate,
)

betas_st = st.tuples(st.floats(0.0, 0.99), st.floats(0.01, 0.999))
grads_st = st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=20)


def _run(tx: object, p0: np.ndarray, grads: list[np.ndarray]) -> np.ndarray:
    p, s = p0, tx.init(p0)  # type: ignore[attr-defined]
    for g in grads:
        u, s = tx.update(g, s, p)  # type: ignore[attr-defined]
        p = apply_updates(p, u)
    return p


def test_first_adam_scaling_is_g_over_abs_g_plus_eps() -> None:
    """Kingma & Ba (2015), Algorithm 1 at t = 1: m̂₁ = g₁ and v̂₁ = g₁², so the scaled update is g/(|g| + ε)."""
    g = np.array([0.5, -3.0, 1e-9, 0.0])
    tx = scale_by_adam(betas=(0.9, 0.999), eps=1e-8)
    u, s = tx.update(g, tx.init(np.zeros(4)), np.zeros(4))
    np.testing.assert_allclose(u, g / (np.abs(g) + 1e-8), rtol=1e-15, atol=0)
    assert s.step == 1 and isinstance(s, AdamState)


@given(grads_st, st.floats(0.01, 0.999))
def test_adam_with_beta1_zero_is_bias_corrected_rmsprop(gs: list[float], b2: float) -> None:
    """With β₁ = 0, m̂_t = g_t: Adam's scaling is RMSProp's g_t / (√(v_t / (1 − β₂ᵗ)) + ε), v_t its own recurrence."""
    tx = scale_by_adam(betas=(0.0, b2), eps=1e-6)
    s = tx.init(np.zeros(1))
    v = 0.0
    for t, g in enumerate(gs, start=1):
        u, s = tx.update(np.array([g]), s, np.zeros(1))
        v = b2 * v + (1 - b2) * g * g
        want = g / (np.sqrt(v / (1 - b2**t)) + 1e-6)
        assert abs(u[0] - want) <= 1e-12 * abs(want) + 1e-300


@given(st.floats(-5, 5), st.floats(0.0, 2.0), st.floats(1e-4, 0.1))
def test_order_of_decay_and_adam(theta: float, lam: float, lr: float) -> None:
    """One step from rest with g = 0 (Loshchilov & Hutter, Algorithm 2): AdamW moves θ by exactly −αλθ;
    Adam with L2 sees the gradient λθ, so its first step is −α·sign(λθ) (up to ε)."""
    p0 = np.array([theta])
    w = _run(chain(scale_by_adam(), add_decayed_weights(lam), scale_by_learning_rate(lr)), p0, [np.zeros(1)])
    assert abs(w[0] - (theta - lr * lam * theta)) <= 4e-16 * abs(theta)
    l2 = _run(chain(add_decayed_weights(lam), scale_by_adam(), scale_by_learning_rate(lr)), p0, [np.zeros(1)])
    g = lam * theta
    assert abs(l2[0] - (theta - lr * g / (abs(g) + 1e-8))) <= 1e-15 * (abs(theta) + lr)


def test_public_steps_are_their_chains_on_every_array() -> None:
    """adam_step and adamw_step on a dict of arrays equal their chains run array by array (the chain is the definition)."""
    rng = np.random.default_rng(0)
    params = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    grads = [{k: rng.normal(size=v.shape) for k, v in params.items()} for _ in range(5)]
    for step, make in ((adam_step, adam_chain), (adamw_step, adamw_chain)):
        kw = dict(lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)
        p, s = params, adam_init(params)
        for g in grads:
            p, s = step(p, g, s, **kw)  # type: ignore[operator]
        for k in params:
            ref = _run(make(**kw), params[k], [g[k] for g in grads])  # type: ignore[operator]
            assert np.array_equal(p[k], ref)


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("step,step_inplace", [(adam_step, adam_step_inplace), (adamw_step, adamw_step_inplace)])
def test_amsgrad_from_a_state_without_running_maximum(step: object, step_inplace: object, inplace: bool) -> None:
    """PyTorch's habit: amsgrad=True on adam_init(params) at step 0 starts max_exp_avg_sq; same run as adam_init(amsgrad=True)."""
    rng = np.random.default_rng(1)
    p0 = rng.normal(size=5)
    grads = rng.normal(size=(6, 5)) * np.array([1.0, 10.0, 0.1, 1.0, 3.0])
    runs = []
    for state in (adam_init(p0), adam_init(p0, amsgrad=True)):
        p, s = p0.copy(), state
        for g in grads:
            if inplace:
                s = step_inplace(p, g, s, lr=0.01, amsgrad=True, backend="numpy")  # type: ignore[operator]
            else:
                p, s = step(p, g, s, lr=0.01, amsgrad=True)  # type: ignore[operator]
        runs.append((p, s))
    (p_fresh, s_fresh), (p_buf, s_buf) = runs
    assert s_fresh.max_exp_avg_sq is not None and s_fresh.step == 6
    assert np.array_equal(p_fresh, p_buf) and np.array_equal(s_fresh.max_exp_avg_sq, s_buf.max_exp_avg_sq)
    assert np.all(s_fresh.max_exp_avg_sq >= s_fresh.exp_avg_sq)


def test_amsgrad_structure_of_created_running_maximum() -> None:
    params = {"w": np.ones((2, 2), np.float32), "b": np.zeros(3, np.float32)}
    grads = {"w": np.full((2, 2), 0.5, np.float32), "b": np.ones(3, np.float32)}
    _, s = adamw_step(params, grads, adam_init(params), amsgrad=True)
    s2 = adamw_step_inplace({k: v.copy() for k, v in params.items()}, grads, adam_init(params), amsgrad=True)
    for state in (s, s2):
        assert set(state.max_exp_avg_sq) == {"w", "b"}
        assert state.max_exp_avg_sq["w"].dtype == np.float32 and state.max_exp_avg_sq["b"].shape == (3,)
        np.testing.assert_allclose(state.max_exp_avg_sq["b"], state.exp_avg_sq["b"], rtol=0)


def test_stateless_links_keep_no_state() -> None:
    for tx in (add_decayed_weights(0.1), scale(2.0), scale_by_learning_rate(0.1)):
        assert tx.init(np.ones(3)) == EmptyState()
    tx = chain(scale(-1.0), scale_by_adam(), scale_by_learning_rate(0.1))
    states = tx.init(np.ones(2))
    assert len(states) == 3 and isinstance(states[1], AdamState) and states[1].step == 0


@pytest.mark.parametrize(
    "make,exc,match",
    [
        (lambda: scale_by_adam(betas=(1.0, 0.9)), ValueError, r"betas\[0\]: expected a number in \[0, 1\); got 1.0"),
        (lambda: scale_by_adam(betas=0.9), TypeError, "betas: expected a pair"),
        (lambda: scale_by_adam(eps=-1.0), ValueError, "eps: expected a number >= 0"),
        (lambda: scale_by_adam(amsgrad="yes"), TypeError, "amsgrad: expected True or False"),
        (lambda: add_decayed_weights(-0.1), ValueError, "weight_decay: expected a number >= 0"),
        (lambda: add_decayed_weights(float("nan")), ValueError, "weight_decay: expected a finite number"),
        (lambda: scale("2"), TypeError, "step_size: expected a real number"),
        (lambda: scale_by_learning_rate(-0.1), ValueError, "lr: expected a number >= 0; got -0.1"),
        (lambda: scale_by_learning_rate(0.1, flip_sign=1), TypeError, "flip_sign: expected True or False"),
        (lambda: adamw_chain(schedule_multiplier=-1.0), ValueError, "schedule_multiplier: expected a number >= 0"),
        (lambda: adam_chain(maximize=None), TypeError, "maximize: expected True or False"),
    ],
)
def test_bad_transform_arguments(make: object, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        make()  # type: ignore[operator]


def test_scale_by_adam_refuses_amsgrad_mid_run() -> None:
    tx = scale_by_adam(amsgrad=True)
    with pytest.raises(ValueError, match=r"amsgrad: switched on at step 2 of a state without the running maximum"):
        tx.update(np.ones(2), AdamState(2, np.zeros(2), np.ones(2)), np.zeros(2))

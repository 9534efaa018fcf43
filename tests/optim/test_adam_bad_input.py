"""Bad input to every public optimizer function: a clear TypeError/ValueError naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.optim import (
    AdamState,
    adam_init,
    adam_step,
    adam_step_bound,
    adam_step_bound_symbolic,
    adam_step_inplace,
    adam_symbolic,
    adamw_step,
    adamw_step_inplace,
    adamw_symbolic,
)

STEPS = [adam_step, adamw_step]
INPLACE = [adam_step_inplace, adamw_step_inplace]
ALL = STEPS + INPLACE


def _setup() -> tuple[np.ndarray, np.ndarray, AdamState]:
    p = np.array([1.0, 2.0, 3.0])
    return p, np.array([0.1, -0.2, 0.3]), adam_init(p)


@pytest.mark.parametrize("step", ALL)
@pytest.mark.parametrize(
    "kw,exc,match",
    [
        ({"lr": -1e-3}, ValueError, "lr: expected a number >= 0; got -0.001"),
        ({"eps": -1e-8}, ValueError, "eps: expected a number >= 0"),
        ({"weight_decay": -0.1}, ValueError, "weight_decay: expected a number >= 0"),
        ({"betas": (1.0, 0.999)}, ValueError, r"betas\[0\]: expected a number in \[0, 1\); got 1.0"),
        ({"betas": (0.9, -0.1)}, ValueError, r"betas\[1\]: expected a number in \[0, 1\)"),
        ({"betas": (0.9, float("nan"))}, ValueError, r"betas\[1\]: expected a finite number"),
        ({"betas": 0.9}, TypeError, "betas: expected a pair"),
        ({"lr": "0.1"}, TypeError, "lr: expected a real number"),
        ({"amsgrad": 1}, TypeError, "amsgrad: expected True or False"),
        ({"schedule_multiplier": -1.0}, ValueError, "schedule_multiplier: expected a number >= 0"),
    ],
)
def test_bad_hyperparameters(step: object, kw: dict, exc: type, match: str) -> None:
    p, g, s = _setup()
    with pytest.raises(exc, match=match):
        step(p, g, s, **kw)  # type: ignore[operator]


@pytest.mark.parametrize("step", ALL)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_gradient_is_refused_and_nothing_changes(step: object, bad: float) -> None:
    p, g, s = _setup()
    g[1] = bad
    before = (p.copy(), s.exp_avg.copy(), s.exp_avg_sq.copy())
    with pytest.raises(ValueError, match=r"grads.*expected finite numbers.*index \(1,\)"):
        step(p, g, s)  # type: ignore[operator]
    assert np.array_equal(p, before[0]) and np.array_equal(s.exp_avg, before[1]) and np.array_equal(s.exp_avg_sq, before[2])


@pytest.mark.parametrize("step", STEPS)
def test_non_finite_parameter_is_refused(step: object) -> None:
    p, g, s = _setup()
    p[2] = np.nan
    with pytest.raises(ValueError, match=r"params: expected finite numbers"):
        step(p, g, s)  # type: ignore[operator]


@pytest.mark.parametrize("step", INPLACE)
def test_inplace_non_finite_parameter_is_reported_after_the_step(step: object) -> None:
    p, g, s = _setup()
    p[2] = np.inf
    with pytest.raises(ValueError, match="non-finite values after the step"):
        step(p, g, s)  # type: ignore[operator]


@pytest.mark.parametrize("step", ALL)
def test_shape_mismatch(step: object) -> None:
    p, _, s = _setup()
    with pytest.raises(ValueError, match=r"grads: expected shape \(3,\).*got shape \(2,\)|grads.*shape"):
        step(p, np.zeros(2), s)  # type: ignore[operator]


@pytest.mark.parametrize("step", ALL)
def test_structure_mismatch(step: object) -> None:
    params = {"w": np.ones(2), "b": np.zeros(1)}
    s = adam_init(params)
    with pytest.raises(ValueError, match=r"grads: expected .*keys"):
        step(params, {"w": np.ones(2)}, s)  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"grads: expected"):
        step(params, [np.ones(2), np.zeros(1)], s)  # type: ignore[operator]


@pytest.mark.parametrize("step", ALL)
def test_state_of_other_parameters(step: object) -> None:
    p, g, _ = _setup()
    with pytest.raises(ValueError, match=r"state.exp_avg.*shape"):
        step(p, g, adam_init(np.zeros(4)))  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"state: expected an AdamState"):
        step(p, g, {"step": 0})  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"state.exp_avg.*dtype float64.*float32"):
        step(p, g, adam_init(p.astype(np.float32)))  # type: ignore[operator]


@pytest.mark.parametrize("step", ALL)
def test_amsgrad_switched_on_mid_run_is_refused(step: object) -> None:
    """A state that ran without the running maximum cannot start one at step 1: the history of v is gone."""
    p, g, s = _setup()
    s = adam_step_inplace(p.copy(), g, s)
    before = (p.copy(), s.exp_avg.copy(), s.exp_avg_sq.copy())
    with pytest.raises(ValueError, match=r"amsgrad: switched on at step 1 of a state without the running maximum state.max_exp_avg_sq"):
        step(p, g, s, amsgrad=True)  # type: ignore[operator]
    assert np.array_equal(p, before[0]) and np.array_equal(s.exp_avg, before[1]) and np.array_equal(s.exp_avg_sq, before[2])


@pytest.mark.parametrize("step", STEPS)
def test_eps_zero_with_zero_second_moment_is_0_over_0(step: object) -> None:
    p, g, s = _setup()
    g[0] = 0.0
    with pytest.raises(ValueError, match=r"eps: with eps = 0 the update of params at index \(0,\) is 0/0"):
        step(p, g, s, eps=0.0)  # type: ignore[operator]


@pytest.mark.parametrize("step", INPLACE)
def test_inplace_needs_positive_eps(step: object) -> None:
    p, g, s = _setup()
    with pytest.raises(ValueError, match="eps: the in-place step needs eps > 0"):
        step(p, g, s, eps=0.0)  # type: ignore[operator]


def test_float32_overflow_is_reported() -> None:
    p = np.ones(2, dtype=np.float32)
    with pytest.raises(ValueError, match="overflowed the second moment of params in float32"):
        adam_step(p, np.array([1e30, 1.0], dtype=np.float32), adam_init(p))


@pytest.mark.parametrize("step", STEPS)
def test_non_numeric_input(step: object) -> None:
    p, g, s = _setup()
    with pytest.raises(TypeError, match=r"grads: expected an array of real numbers"):
        step(p, "gradient", s)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"params: expected real numbers; got complex"):
        step(p + 1j, g, s)  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"params: expected at least one array"):
        adam_init([])


@pytest.mark.parametrize("step", INPLACE)
def test_inplace_needs_writable_contiguous_float_arrays(step: object) -> None:
    p, g, s = _setup()
    ro = p.copy()
    ro.flags.writeable = False
    with pytest.raises(ValueError, match=r"params: the in-place step needs a writable C-contiguous array"):
        step(ro, g, s)  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"writable C-contiguous"):
        step(np.ones((3, 2))[:, 0], g, s)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"params\[0\]: the in-place step needs a float32 or float64 NumPy array; got float"):
        step([1.0, 2.0, 3.0], g, s)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"grads: expected dtype float64.*got float32"):
        step(p, g.astype(np.float32), s)  # type: ignore[operator]
    with pytest.raises(ValueError, match="chunk: expected a positive integer"):
        step(p, g, s, chunk=0)  # type: ignore[operator]


def test_negative_state_step_and_second_moment() -> None:
    p, g, s = _setup()
    with pytest.raises(ValueError, match="state.step: expected a nonnegative integer"):
        adam_step(p, g, s._replace(step=-1))
    with pytest.raises(ValueError, match="state.exp_avg_sq: expected nonnegative second moments"):
        adam_step(p, g, s._replace(exp_avg_sq=-np.ones(3)))


@pytest.mark.parametrize("fn", [adam_symbolic, adamw_symbolic])
def test_symbolic_bad_input(fn: object) -> None:
    kw = dict(lr="0.1", betas=("0.9", "0.999"), eps="1e-8")
    with pytest.raises(ValueError, match=r"grads\[0, 1\]: expected a decimal string such as '0.25' or a ratio"):
        fn([1, 2], [[1, "x"]], **kw)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"grads\[0, 1\]: expected a real number"):
        fn([1, 2], [[1, None]], **kw)  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"grads: expected shape \(any, 2\); got shape \(1, 1\)"):
        fn([1, 2], [[1]], **kw)  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"params: expected at least one number"):
        fn([], [[1]], **kw)  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"grads\[0, 0\]: expected a finite number; got nan"):
        fn([1], np.array([[float("nan")]], dtype=object), **kw)  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"lr: expected a decimal exponent of at most four digits"):
        fn([1], [[1]], **{**kw, "lr": "1e-99999999"})  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"lr: expected a finite number"):
        fn([1], [[1]], **{**kw, "lr": float("inf")})  # type: ignore[operator]


@pytest.mark.parametrize("fn", [lambda t, b: adam_step_bound(t, betas=b), adam_step_bound_symbolic])
def test_bound_bad_input(fn: object) -> None:
    with pytest.raises(ValueError, match=r"t: expected a step number >= 1; got 0"):
        fn(0, (0.9, 0.999))  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"betas: expected 0 <= beta1 < 1 and 0 < beta2 < 1"):
        fn(3, (0.9, 0.0))  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"betas: expected a pair"):
        fn(3, (0.9,))  # type: ignore[operator]

"""The exact twins against the numeric ones, the equations against the exact twin, the derivations, published numbers."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from refalgo.optim import adam_init, adam_step, adam_step_inplace, adam_symbolic, adamw_step, adamw_step_inplace, adamw_symbolic
from refalgo.optim import adam, adamw, bounds
from refalgo.optim.adam import adam_equations

fractions = st.fractions(-2, 2, max_denominator=8)
DERIVATIONS = adam.derivations() + adamw.derivations() + bounds.derivations()


@st.composite
def short_runs(draw: st.DrawFn) -> dict:
    n, t = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    return {
        "theta0": draw(st.lists(fractions, min_size=n, max_size=n)),
        "grads": draw(st.lists(st.lists(fractions, min_size=n, max_size=n), min_size=t, max_size=t)),
        "lr": draw(st.sampled_from(["0.1", "0.01"])),
        "betas": draw(st.sampled_from([("0.9", "0.999"), ("0.5", "0.75"), ("0", "0.5")])),
        "eps": draw(st.sampled_from(["1e-8", "0.01"])),
        "weight_decay": draw(st.sampled_from(["0", "0.1", "1"])),
        "amsgrad": draw(st.booleans()),
        "maximize": draw(st.booleans()),
    }


def _numeric(run: dict, step: object, dtype: type = np.float64) -> np.ndarray:
    p = np.array([float(x) for x in run["theta0"]], dtype=dtype)
    s = adam_init(p, amsgrad=run["amsgrad"])
    kw = dict(lr=float(run["lr"]), betas=tuple(float(b) for b in run["betas"]), eps=float(run["eps"]),
              weight_decay=float(run["weight_decay"]), amsgrad=run["amsgrad"], maximize=run["maximize"])
    rows = []
    for g in run["grads"]:
        p, s = step(p, np.array([float(x) for x in g], dtype=dtype), s, **kw)  # type: ignore[operator]
        rows.append(p)
    return np.array(rows)


def _exact(run: dict, symbolic: object) -> np.ndarray:
    kw = {k: run[k] for k in ("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize")}
    return np.array(symbolic(run["theta0"], run["grads"], **kw).evalf(30).tolist(), dtype=np.float64)  # type: ignore[operator]


@given(short_runs())
def test_exact_twins_match_numeric_twins(run: dict) -> None:
    """The exact twins of Adam and AdamW equal the float64 steps within 10⁻¹² on random short histories with every
    option.
    """
    for symbolic, numeric in ((adam_symbolic, adam_step), (adamw_symbolic, adamw_step)):
        exact = _exact(run, symbolic)
        num = _numeric(run, numeric)
        assert np.all(np.abs(num - exact) <= 1e-12 * (1 + np.abs(exact)))


@given(short_runs())
def test_exact_twins_match_float32(run: dict) -> None:
    """float32 within a few float32 roundings per step (the step size is at most lr = 0.1)."""
    exact = _exact(run, adamw_symbolic)
    num = _numeric(run, adamw_step, np.float32)
    assert num.dtype == np.float32
    assert np.all(np.abs(num - exact) <= 1e-5 * (1 + np.abs(exact)))


@given(short_runs())
def test_inplace_matches_exact_twin(run: dict) -> None:
    """The in-place steps of Adam and AdamW equal the exact twins within 10⁻¹² on random short histories with every
    option.
    """
    def wrap(inplace: object) -> object:
        def step(p: np.ndarray, g: np.ndarray, s: object, **kw: object) -> tuple:
            p = p.copy()
            return p, inplace(p, g, s, **kw)  # type: ignore[operator]

        return step

    for symbolic, inplace in ((adam_symbolic, adam_step_inplace), (adamw_symbolic, adamw_step_inplace)):
        exact = _exact(run, symbolic)
        assert np.all(np.abs(_numeric(run, wrap(inplace)) - exact) <= 1e-12 * (1 + np.abs(exact)))


def test_equations_reproduce_the_exact_twin() -> None:
    """Substituting a history into equations (1)–(5) step by step gives adam_symbolic's trajectory."""
    eqs = dict(adam_equations())
    b1, b2, alpha, eps, t = sp.symbols("beta_1 beta_2 alpha epsilon t", positive=True)
    names = {s.name: s for e in eqs.values() for s in e.free_symbols}
    hyper = {names["beta_1"]: sp.Rational(1, 2), names["beta_2"]: sp.Rational(3, 4),
             names["alpha"]: sp.Rational(1, 10), names["epsilon"]: sp.Rational(1, 100)}
    m = v = sp.Integer(0)
    theta = sp.Integer(1)
    grads = [2, -1, sp.Rational(1, 2)]
    for k, g in enumerate(grads, start=1):
        at = {**hyper, names["t"]: k, names["g_t"]: g, names["m_{t-1}"]: m, names["v_{t-1}"]: v}
        m = eqs["(1) first moment"].rhs.subs(at)
        v = eqs["(2) second moment"].rhs.subs(at)
        mh = eqs["(3) bias-corrected first moment"].rhs.subs({**at, names["m_t"]: m})
        vh = eqs["(4) bias-corrected second moment"].rhs.subs({**at, names["v_t"]: v})
        theta = eqs["(5) Adam update"].rhs.subs({**at, names[r"\hat{m}_t"]: mh, names[r"\hat{v}_t"]: vh, names[r"\theta_{t-1}"]: theta})
    exact = adam_symbolic([1], [[g] for g in grads], lr="0.1", betas=("0.5", "0.75"), eps="0.01")
    assert sp.simplify(theta - exact[2, 0]) == 0


def test_moment_derivations_are_proven_not_only_sampled() -> None:
    proven = {d.title for d in DERIVATIONS if d.verify().status == "proven"}
    assert any(t.startswith("Unrolling $m_t$") for t in proven) and any(t.startswith("Bias correction: the corrected first") for t in proven)


def test_exact_arithmetic_stays_exact() -> None:
    """Exact inputs give exact trajectories: θ₂ = 1/3 − 1/10 − √7/30 for the hand-computed two-step example."""
    traj = adam_symbolic([Fraction(1, 3)], [[2], [1]], lr="0.1", betas=("0.5", "0.75"), eps=0)
    assert traj[0, 0] == sp.Rational(1, 3) - sp.Rational(1, 10)
    assert traj[1, 0] == sp.Rational(1, 3) - sp.Rational(1, 10) - sp.sqrt(7) / 30


# --------------------------------------------------------------------------- published numbers
def test_tensorflow_documented_first_step() -> None:
    """tf.keras.optimizers.Adam docs, usage example: var = 10, loss = var²/2, learning_rate = 0.1;
    after one step var = 9.9, printed in float32 ("the first step is -learning_rate*sign(grad)")."""
    p, _ = adam_step(np.array([10.0]), np.array([10.0]), adam_init(np.array([10.0])), lr=0.1, eps=1e-7)
    assert np.float32(p[0]) == np.float32(9.9)


def test_pytorch_adamw_default_decay_on_zero_gradient() -> None:
    """torch.optim.AdamW docs, algorithm box: θ_t ← θ_{t−1} − γλθ_{t−1} first; with the documented
    defaults γ = 1e-3, λ = 1e-2 and zero gradient one step multiplies θ by 1 − 1e-5."""
    p, _ = adamw_step(np.array([2.0]), np.array([0.0]), adam_init(np.array([2.0])))
    assert p[0] == pytest.approx(2.0 * (1 - 1e-5), rel=1e-15)

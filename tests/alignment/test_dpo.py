"""DPO losses: the paper's and reference code's formulas, gradients, stability, properties, bad input.

The reference-code formulas are written here in PyTorch exactly as ``preference_loss`` in
github.com/eric-mitchell/direct-preference-optimization (trainers.py) states them, and as
Rafailov et al. (2023) eq. (7), Azar et al. (2024) eq. (17) and Chowdhury et al. (2024) give them.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from refalgo.alignment import dpo_gradients, dpo_loss, dpo_loss_symbolic, preference_metrics
from refalgo.alignment._engine.stable import softplus

logp = st.floats(-60, 0)
batch = st.integers(1, 6).flatmap(lambda n: st.lists(st.tuples(logp, logp, logp, logp), min_size=n, max_size=n))
betas = st.sampled_from([0.01, 0.1, 0.5, 1.0, 4.0])
eps_values = st.sampled_from([0.0, 0.1, 0.3, 0.49])


def columns(rows: list[tuple[float, ...]], dtype: type = np.float64) -> list[np.ndarray]:
    return [np.array(c, dtype=dtype) for c in zip(*rows)]


def reference_code_loss(pc, pr, rc, rr, beta, eps=0.0, kind="sigmoid", reference_free=False):  # type: ignore[no-untyped-def]
    """The DPO authors' preference_loss (plus TRL's robust branch), in torch."""
    pi_logratios = pc - pr
    ref_logratios = torch.zeros_like(pi_logratios) if reference_free else rc - rr
    logits = pi_logratios - ref_logratios
    if kind == "ipo":
        losses = (logits - 1 / (2 * beta)) ** 2
    elif kind == "robust":
        losses = (-(1 - eps) * F.logsigmoid(beta * logits) + eps * F.logsigmoid(-beta * logits)) / (1 - 2 * eps)
    else:
        losses = -F.logsigmoid(beta * logits) * (1 - eps) - F.logsigmoid(-beta * logits) * eps
    return losses, beta * (pc - rc).detach(), beta * (pr - rr).detach()


@given(batch, betas, eps_values, st.sampled_from(["sigmoid", "ipo", "robust"]), st.booleans())
def test_matches_reference_code_float64(rows: list, beta: float, eps: float, kind: str, free: bool) -> None:
    """In float64 the losses and implicit rewards of all three loss types (sigmoid, IPO, robust), with label
    smoothing and reference_free, match the DPO authors' preference_loss (TRL's robust branch) in PyTorch to
    10⁻¹².
    """
    eps = 0.0 if kind == "ipo" else eps
    arrays = columns(rows)
    ours = dpo_loss(*arrays, beta=beta, label_smoothing=eps, loss_type=kind, reference_free=free)
    ref = reference_code_loss(*(torch.tensor(a) for a in arrays), beta, eps, kind, free)
    for a, b in zip(ours, ref):
        assert a.dtype == np.float64
        assert np.all(np.abs(a - b.numpy()) <= 1e-12 * (1 + np.abs(b.numpy())))


@given(batch, betas, eps_values)
def test_matches_reference_code_float32(rows: list, beta: float, eps: float) -> None:
    """In float32 the smoothed sigmoid loss matches the reference code's preference_loss to 10⁻⁵ and stays float32."""
    arrays = columns(rows, np.float32)
    ours = dpo_loss(*arrays, beta=beta, label_smoothing=eps)
    ref = reference_code_loss(*(torch.tensor(a) for a in arrays), beta, eps)
    assert ours.losses.dtype == np.float32 and ours.chosen_rewards.dtype == np.float32
    assert np.all(np.abs(ours.losses - ref[0].numpy()) <= 1e-5 * (1 + np.abs(ref[0].numpy())))


@given(batch, betas, eps_values, st.sampled_from(["sigmoid", "ipo", "robust"]))
def test_gradients_match_autograd(rows: list, beta: float, eps: float, kind: str) -> None:
    """The gradients of all three loss types match PyTorch autograd through the reference code to 10⁻¹²."""
    eps = 0.0 if kind == "ipo" else eps
    arrays = columns(rows)
    pc, pr = (torch.tensor(a, requires_grad=True) for a in arrays[:2])
    loss = reference_code_loss(pc, pr, torch.tensor(arrays[2]), torch.tensor(arrays[3]), beta, eps, kind)[0].sum()
    loss.backward()
    dc, dr = dpo_gradients(*arrays, beta=beta, label_smoothing=eps, loss_type=kind)
    assert pc.grad is not None and pr.grad is not None
    assert np.all(np.abs(dc - pc.grad.numpy()) <= 1e-12 * (1 + np.abs(dc)))
    assert np.all(np.abs(dr - pr.grad.numpy()) <= 1e-12 * (1 + np.abs(dr)))


@given(st.tuples(logp, logp, logp, logp), betas, eps_values)
def test_gradient_matches_central_differences(row: tuple, beta: float, eps: float) -> None:
    """The gradient matches central differences of the loss."""
    arrays = [np.array([v]) for v in row]
    dc, _ = dpo_gradients(*arrays, beta=beta, label_smoothing=eps)
    step = 1e-6
    up = dpo_loss(arrays[0] - step, *arrays[1:], beta=beta, label_smoothing=eps).losses
    down = dpo_loss(arrays[0] - 3 * step, *arrays[1:], beta=beta, label_smoothing=eps).losses
    # central difference at pc - 2·step (stays <= 0)
    at = dpo_gradients(arrays[0] - 2 * step, *arrays[1:], beta=beta, label_smoothing=eps)[0]
    assert abs((up - down)[0] / (2 * step) - at[0]) <= 1e-6 * (1 + beta)
    assert abs(at[0] - dc[0]) <= 2 * step * beta**2  # |d²L/dh²| ≤ β²/4


@given(st.tuples(logp, logp, logp, logp), st.sampled_from(["1/10", "1/2", "2"]), st.sampled_from(["0", "1/10", "1/4"]))
def test_gradient_matches_symbolic_derivative(row: tuple, beta: str, eps: str) -> None:
    """The gradient matches the derivative of the exact loss (SymPy) to 10⁻¹⁴."""
    x = sp.Symbol("x", nonpositive=True)
    expr = dpo_loss_symbolic(x, *(sp.Rational(v) for v in row[1:]), beta=sp.Rational(beta), label_smoothing=sp.Rational(eps))
    exact = float(sp.N(sp.diff(expr, x).subs(x, sp.Rational(row[0])), 30))
    ours = dpo_gradients(*(np.array([v]) for v in row), beta=float(sp.Rational(beta)), label_smoothing=float(sp.Rational(eps)))[0][0]
    assert abs(ours - exact) <= 1e-14


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("beta", [1.0, 0.5])
def test_extreme_margins_are_finite_and_exact(dtype: type, beta: float) -> None:
    # h = ±2e6 / β so that βh = ±1e6 (beyond exp's range in both dtypes): loss = softplus(∓1e6).
    """At |βh| = 10⁶ the losses and gradients are finite and exact in float32 and float64 (the sigmoid loss is 10⁶ or
    0, the gradient −β or 0), smoothed and IPO losses included.
    """
    h = 1e6 / beta
    pc = np.array([-h, 0.0], dtype=dtype)
    pr = np.array([0.0, -h], dtype=dtype)
    zeros = np.zeros(2, dtype=dtype)
    out = dpo_loss(pc, pr, zeros, zeros, beta=beta)
    assert out.losses.dtype == dtype and np.all(np.isfinite(out.losses))
    assert out.losses[0] == dtype(1e6) and out.losses[1] == 0
    dc, dr = dpo_gradients(pc, pr, zeros, zeros, beta=beta)
    assert dc[0] == -beta and dc[1] == 0 and dr[0] == beta
    smoothed = dpo_loss(pc, pr, zeros, zeros, beta=beta, label_smoothing=0.25)
    assert np.all(np.isfinite(smoothed.losses)) and abs(smoothed.losses[1] - 0.25e6) <= 0.25e6 * 1e-6
    ipo = dpo_loss(pc, pr, zeros, zeros, beta=beta, loss_type="ipo").losses
    assert np.all(np.isfinite(ipo))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softplus_kernel_is_log_one_plus_exp(dtype: type) -> None:
    """The engine's softplus equals log(1 + e^u) (NumPy's logaddexp) to a few ulps in float32 and float64, keeps the dtype, and is exact where e^u under- or overflows."""
    u = np.concatenate([np.linspace(-40, 40, 8001), [-1e6, 1e6]]).astype(dtype)
    ours, ref = softplus(u), np.logaddexp(dtype(0), u)
    assert ours.dtype == dtype
    assert np.all(np.abs(ours - ref) <= 4 * np.finfo(dtype).eps * np.maximum(np.abs(ref), np.finfo(dtype).tiny))
    assert ours[-2] == 0 and ours[-1] == dtype(1e6)


@given(batch, betas, eps_values)
def test_smoothed_loss_antisymmetry(rows: list, beta: float, eps: float) -> None:
    # (1-ε) sp(-z) + ε sp(z) minus the same at -z is -(1-2ε) z, since sp(-z) - sp(z) = -z.
    """cDPO: L_ε(h) − L_ε(−h) = −(1 − 2ε)βh, swapping the pair."""
    pc, pr, rc, rr = columns(rows)
    fwd = dpo_loss(pc, pr, rc, rr, beta=beta, label_smoothing=eps).losses
    swapped = dpo_loss(pr, pc, rr, rc, beta=beta, label_smoothing=eps).losses
    z = beta * ((pc - rc) - (pr - rr))
    assert np.all(np.abs((fwd - swapped) + (1 - 2 * eps) * z) <= 1e-9 * (1 + np.abs(z)))


@given(batch, betas, eps_values)
def test_robust_loss_is_unbiased_under_label_noise(rows: list, beta: float, eps: float) -> None:
    # Chowdhury et al. (2024), Lemma 3.1: flipping labels with probability ε, the robust loss
    # equals the clean DPO loss in expectation.
    """Robust DPO is unbiased: (1 − ε)L(h) + εL(−h) equals the clean DPO loss (Chowdhury et al. 2024, Lemma 3.1)."""
    pc, pr, rc, rr = columns(rows)
    robust = dpo_loss(pc, pr, rc, rr, beta=beta, label_smoothing=eps, loss_type="robust").losses
    flipped = dpo_loss(pr, pc, rr, rc, beta=beta, label_smoothing=eps, loss_type="robust").losses
    clean = dpo_loss(pc, pr, rc, rr, beta=beta).losses
    assert np.all(np.abs((1 - eps) * robust + eps * flipped - clean) <= 1e-9 * (1 + np.abs(clean) + np.abs(robust)))


@given(batch, betas, st.floats(-30, 0))
def test_loss_depends_only_on_the_log_ratio_difference(rows: list, beta: float, c: float) -> None:
    """The loss depends on h only: shifting the chosen policy and reference log-probabilities by the same constant
    changes nothing.
    """
    pc, pr, rc, rr = columns(rows)
    base = dpo_loss(pc, pr, rc, rr, beta=beta).losses
    shifted = dpo_loss(pc + c, pr, rc + c, rr, beta=beta).losses  # the same h
    assert np.all(np.abs(shifted - base) <= 1e-9 * (1 + base))


@given(batch, betas, eps_values)
def test_reference_free_is_a_zero_reference_in_the_loss(rows: list, beta: float, eps: float) -> None:
    """reference_free=True is a zero reference in the loss, while the implicit rewards still use the reference."""
    pc, pr, rc, rr = columns(rows)
    free = dpo_loss(pc, pr, rc, rr, beta=beta, label_smoothing=eps, reference_free=True)
    zero = dpo_loss(pc, pr, 0 * rc, 0 * rr, beta=beta, label_smoothing=eps)
    assert np.array_equal(free.losses, zero.losses)
    assert np.array_equal(free.chosen_rewards, beta * (pc - rc))  # rewards still use the reference


def test_published_forms() -> None:
    # Rafailov et al. (2023) eq. (7) at h = 0: -log σ(0) = log 2; IPO (Azar et al. eq. 17)
    # is zero at its target h = 1/(2β) and equals 1/(4β²) at h = 0.
    """Published values: L_DPO(h = 0) = log 2 (Rafailov et al. 2023, eq. 7); IPO is 0 at h = 1/(2β) and 1/(4β²) at h
    = 0 (Azar et al., eq. 17).
    """
    zero = np.array([-1.0])
    assert abs(dpo_loss(zero, zero, zero, zero, beta=0.3).losses[0] - np.log(2)) <= 1e-15
    ipo_at_zero = dpo_loss(zero, zero, zero, zero, beta=0.5, loss_type="ipo").losses[0]
    assert ipo_at_zero == 1.0
    target = dpo_loss(np.array([-1.0 + 1.0]), zero, zero, zero, beta=0.5, loss_type="ipo").losses[0]
    assert target == 0.0


def test_metrics() -> None:
    m = preference_metrics(np.array([1.0, 0.0, -1.0, 3.0]), np.array([0.0, 0.0, 1.0, 1.0]))
    assert m.accuracy == 0.5  # the tie counts as wrong
    assert m.margin == 0.25 and m.chosen == 0.75 and m.rejected == 0.5


GOOD = [np.array([-1.0, -2.0])] * 4


@pytest.mark.parametrize(
    "args, kwargs, exc, match",
    [
        ([GOOD[0], np.array([-1.0]), GOOD[0], GOOD[0]], {"beta": 0.1}, ValueError, "policy_rejected_logps: expected shape"),
        ([GOOD[0], GOOD[0], GOOD[0], np.array([-1.0, -1, -1])], {"beta": 0.1}, ValueError, "reference_rejected_logps: expected shape"),
        (GOOD, {"beta": 0.0}, ValueError, "beta: expected a number > 0"),
        (GOOD, {"beta": -0.1}, ValueError, "beta: expected a number > 0"),
        (GOOD, {"beta": 0.1, "label_smoothing": 0.5}, ValueError, r"label_smoothing: expected a number in \[0, 0.5\)"),
        (GOOD, {"beta": 0.1, "label_smoothing": -0.1}, ValueError, "label_smoothing: expected a number in"),
        (GOOD, {"beta": 0.1, "label_smoothing": 0.1, "loss_type": "ipo"}, ValueError, "label_smoothing: the IPO loss"),
        (GOOD, {"beta": 0.1, "loss_type": "hinge"}, ValueError, "loss_type: expected one of"),
        (GOOD, {"beta": 0.1, "reference_free": 1}, TypeError, "reference_free: expected True or False"),
        ([np.array([np.nan, -1.0])] + GOOD[1:], {"beta": 0.1}, ValueError, "policy_chosen_logps: expected finite"),
        (GOOD[:3] + [np.array([-1.0, -np.inf])], {"beta": 0.1}, ValueError, "reference_rejected_logps: expected finite"),
        ([GOOD[0], np.array([-1.0, 0.5])] + GOOD[2:], {"beta": 0.1}, ValueError, r"policy_rejected_logps: expected log-probabilities <= 0; got 0.5"),
        ([np.zeros((2, 2))] * 4, {"beta": 0.1}, ValueError, "policy_chosen_logps: expected a 1-D array"),
        ([["a", "b"]] + GOOD[1:], {"beta": 0.1}, TypeError, "policy_chosen_logps: expected an array of numbers"),
        (GOOD, {"beta": "0.1"}, TypeError, "beta: expected a real number"),
        ([[[-1.0], [-1.0, -2.0]]] + GOOD[1:], {"beta": 0.1}, ValueError, "policy_chosen_logps: expected a rectangular array of numbers; got ragged rows"),
    ],
)
def test_bad_input(args: list, kwargs: dict, exc: type, match: str) -> None:
    """Bad input — mismatched shapes, β ≤ 0, ε outside [0, 0.5) or with IPO, unknown loss types, NaN and inf,
    positive log-probabilities — raises an error naming the argument.
    """
    for fn in (dpo_loss, dpo_gradients):
        with pytest.raises(exc, match=match):
            fn(*args, **kwargs)


def test_bad_input_symbolic_and_metrics() -> None:
    """Bad input to the exact loss and to the metrics raises an error naming the argument."""
    with pytest.raises(ValueError, match="policy_chosen_logps: expected a log-probability <= 0"):
        dpo_loss_symbolic(1, -1, -1, -1, beta=1)
    with pytest.raises(ValueError, match="beta: expected a number > 0"):
        dpo_loss_symbolic(-1, -1, -1, -1, beta=0)
    with pytest.raises(ValueError, match="label_smoothing"):
        dpo_loss_symbolic(-1, -1, -1, -1, beta=1, label_smoothing="0.5")
    with pytest.raises(ValueError, match="loss_type"):
        dpo_loss_symbolic(-1, -1, -1, -1, beta=1, loss_type="hinge")
    with pytest.raises(ValueError, match="rejected_rewards: expected shape"):
        preference_metrics([1.0, 2.0], [1.0])

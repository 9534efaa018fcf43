"""Parity with TRL's DPOTrainer loss (TRL 1.16: the loss is computed inside ``_compute_loss``).

``DPOTrainer._compute_loss`` needs a trainer and a model. It is called here with a
minimal stand-in: a "model" whose output carries the per-token log-probabilities we
choose (one completion token per sequence, so the sequence log-probability is that
value), reference log-probabilities passed precomputed (``precompute_ref_logps``), and
an accelerator that gathers nothing. Everything TRL computes — the loss for
``sigmoid``, ``ipo`` and ``robust``, the logged reward metrics and the gradient with
respect to the policy log-probabilities — is compared with ours.

TRL is installed from the ``parity-heavy`` extra (it brings transformers, datasets and
pyarrow); without it these tests are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
trl = pytest.importorskip("trl", reason="TRL is not installed: pip install -e '.[parity-heavy]'")

from refalgo.alignment import dpo_gradients, dpo_loss, preference_metrics  # noqa: E402

pytestmark = pytest.mark.parity

CASES = [
    # (policy chosen, policy rejected, reference chosen, reference rejected) per pair
    np.array([[-12.5, -14.0, -13.0, -13.5], [-3.0, -2.0, -2.5, -2.5], [-40.0, -80.0, -45.0, -60.0], [-7.0, -7.0, -7.0, -7.0]]),
    np.array([[-1.0, -900.0, -500.0, -400.0], [-900.0, -1.0, -400.0, -500.0]]),
]


class _Model:
    """Returns the chosen per-token log-probabilities; the shapes TRL reads, nothing more."""

    training = True

    def __init__(self, per_token_logps: Any) -> None:
        self.log_probs = per_token_logps

    def __call__(self, **_: Any) -> SimpleNamespace:
        shape = self.log_probs.shape
        zeros = torch.zeros(shape, dtype=self.log_probs.dtype)
        return SimpleNamespace(log_probs=self.log_probs, entropy=zeros, mean_logits=zeros, is_top1=torch.zeros(shape, dtype=torch.bool))


def _trainer(model: _Model, beta: float, loss_type: str, eps: float) -> SimpleNamespace:
    identity = lambda t: t  # noqa: E731
    return SimpleNamespace(
        model=model, accelerator=SimpleNamespace(device=torch.device("cpu"), gather_for_metrics=identity, gather=identity),
        aux_loss_enabled=False, ld_alpha=None, precompute_ref_logps=True, f_divergence_type="reverse_kl",
        loss_types=[loss_type], loss_weights=[1.0], beta=beta, label_smoothing=eps, use_weighting=False,
        args=SimpleNamespace(), _metrics={"train": defaultdict(list)}, _total_train_tokens=0, _tp_size=1,
    )


def trl_dpo(logps: np.ndarray, beta: float, loss_type: str, eps: float = 0.0) -> tuple[float, dict[str, list[float]], np.ndarray]:
    """TRL's batch loss, logged metrics and ∂loss/∂(policy log-probs) for pairs ``logps`` (n × 4)."""
    n = logps.shape[0]
    policy = torch.tensor(np.concatenate([logps[:, 0], logps[:, 1]]), dtype=torch.float64, requires_grad=True)
    model = _Model(policy[:, None])  # one completion token per sequence
    inputs = {
        "input_ids": torch.zeros((2 * n, 2), dtype=torch.long),
        "attention_mask": torch.ones((2 * n, 2), dtype=torch.long),
        "completion_mask": torch.tensor([[0, 1]] * (2 * n)),
        "ref_chosen_logps": torch.tensor(logps[:, 2]),
        "ref_rejected_logps": torch.tensor(logps[:, 3]),
    }
    self = _trainer(model, beta, loss_type, eps)
    loss = trl.DPOTrainer._compute_loss(self, model, inputs, return_outputs=False)
    loss.backward()
    return float(loss.detach()), dict(self._metrics["train"]), policy.grad.numpy()


@pytest.mark.parametrize("logps", CASES, ids=["moderate", "huge-margins"])
@pytest.mark.parametrize("beta", [0.1, 0.5])
@pytest.mark.parametrize("loss_type, eps", [("sigmoid", 0.0), ("ipo", 0.0), ("robust", 0.2)])
def test_loss_metrics_and_gradient_match_trl(logps: np.ndarray, beta: float, loss_type: str, eps: float) -> None:
    trl_loss, metrics, trl_grad = trl_dpo(logps, beta, loss_type, eps)
    ours = dpo_loss(*logps.T, beta=beta, loss_type=loss_type, label_smoothing=eps)
    assert abs(ours.losses.mean() - trl_loss) <= 1e-12 * (1 + abs(trl_loss))
    m = preference_metrics(ours.chosen_rewards, ours.rejected_rewards)
    for key, value in (("rewards/accuracies", m.accuracy), ("rewards/margins", m.margin),
                       ("rewards/chosen", m.chosen), ("rewards/rejected", m.rejected)):
        assert abs(metrics[key][0] - value) <= 1e-12 * (1 + abs(value)), key
    dc, dr = dpo_gradients(*logps.T, beta=beta, loss_type=loss_type, label_smoothing=eps)
    n = logps.shape[0]
    ours_grad = np.concatenate([dc, dr]) / n  # TRL averages over the batch
    assert np.all(np.abs(ours_grad - trl_grad) <= 1e-12 * (1 + np.abs(trl_grad)))


def test_per_pair_losses_match_trl_one_pair_at_a_time() -> None:
    logps = CASES[0]
    ours = dpo_loss(*logps.T, beta=0.1).losses
    theirs = [trl_dpo(logps[i : i + 1], 0.1, "sigmoid")[0] for i in range(logps.shape[0])]
    assert np.all(np.abs(ours - np.array(theirs)) <= 1e-12)

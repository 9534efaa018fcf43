"""Alignment: RLHF's reward model, the KL-regularized optimum and direct preference optimization.

The public names are re-exported here: Bradley–Terry, the reward-model loss and the
preference metrics (:mod:`.preference`), the KL-regularized optimum
(:mod:`.kl_regularized`), the DPO losses (:mod:`.dpo`), Bradley–Terry comparison data
(:mod:`.comparisons`) and the toy softmax experiment (:mod:`.toy`). Their machinery lives in :mod:`._engine`.
"""

from .comparisons import bt_preference_weights, bt_preference_weights_symbolic, sample_preference_weights
from .dpo import DPOLoss, dpo_gradients, dpo_loss, dpo_loss_symbolic
from .kl_regularized import kl_objective, kl_objective_symbolic, kl_optimum, kl_optimum_symbolic
from .preference import (
    PreferenceMetrics,
    bradley_terry,
    bradley_terry_symbolic,
    preference_metrics,
    reward_model_loss,
    reward_model_loss_symbolic,
)
from .toy import (
    ToyRun,
    toy_dpo_loss,
    toy_dpo_loss_symbolic,
    train_toy_dpo,
)

__all__ = [
    "DPOLoss",
    "PreferenceMetrics",
    "ToyRun",
    "bradley_terry",
    "bradley_terry_symbolic",
    "bt_preference_weights",
    "bt_preference_weights_symbolic",
    "dpo_gradients",
    "dpo_loss",
    "dpo_loss_symbolic",
    "kl_objective",
    "kl_objective_symbolic",
    "kl_optimum",
    "kl_optimum_symbolic",
    "preference_metrics",
    "reward_model_loss",
    "reward_model_loss_symbolic",
    "sample_preference_weights",
    "toy_dpo_loss",
    "toy_dpo_loss_symbolic",
    "train_toy_dpo",
]

"""Optimizers: Adam and AdamW, derived, implemented exactly and numerically, held against PyTorch and optax.

The public names are re-exported here: the transforms that Adam and AdamW are chains of
(:mod:`refalgo.optim.transforms`: :func:`scale_by_adam`, :func:`add_decayed_weights`,
:func:`scale_by_learning_rate`, :func:`chain`, …), the functional steps built from them
(:func:`adam_init`, :func:`adam_step`, :func:`adamw_step`), the in-place fast path
(:func:`adam_step_inplace`, :func:`adamw_step_inplace`; a compiled numba kernel when the
``fast`` extra is installed, imported on first use), the exact twins
(:func:`adam_symbolic`, :func:`adamw_symbolic`) and the step-size bounds.
"""

from .adam import adam_chain, adam_init, adam_step, adam_step_inplace, adam_symbolic
from .adamw import adamw_chain, adamw_step, adamw_step_inplace, adamw_symbolic
from .bounds import adam_step_bound, adam_step_bound_symbolic
from .transforms import (
    AdamState,
    EmptyState,
    GradientTransformation,
    add_decayed_weights,
    apply_updates,
    chain,
    scale,
    scale_by_adam,
    scale_by_learning_rate,
)

__all__ = [
    "AdamState",
    "adam_init",
    "adam_step",
    "adamw_step",
    "adam_step_inplace",
    "adamw_step_inplace",
    "adam_symbolic",
    "adamw_symbolic",
    "adam_step_bound",
    "adam_step_bound_symbolic",
    "adam_chain",
    "adamw_chain",
    "EmptyState",
    "GradientTransformation",
    "add_decayed_weights",
    "apply_updates",
    "chain",
    "scale",
    "scale_by_adam",
    "scale_by_learning_rate",
]

"""Optimizers: Adam and AdamW, derived, implemented exactly and numerically, held against PyTorch.

The public names are re-exported here: the functional API (:func:`adam_init`,
:func:`adam_step`, :func:`adamw_step`), the in-place fast path
(:func:`adam_step_inplace`, :func:`adamw_step_inplace`; a compiled numba kernel when the
``fast`` extra is installed, imported on first use), the exact twins
(:func:`adam_symbolic`, :func:`adamw_symbolic`) and the step-size bounds.
"""

from .adam import AdamState, adam_init, adam_step, adamw_step
from .bounds import adam_step_bound, adam_step_bound_symbolic
from .exact import adam_symbolic, adamw_symbolic
from .inplace import adam_step_inplace, adamw_step_inplace

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
]

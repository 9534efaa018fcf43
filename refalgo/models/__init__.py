"""Model architectures: the building blocks of a vision-language model (Kimi-VL).

Concept modules:

* :mod:`refalgo.models.parameters` — the total and per-token activated parameter counts of a
  DeepSeek-V3-style decoder, a MoonViT/SigLIP-style vision tower and the projector, as closed forms
  (:func:`parameter_count_symbolic`) and module by module (:func:`parameter_count`); the published
  configurations are in :mod:`refalgo.models.configs`;
* :mod:`refalgo.models.moe` — mixture-of-experts routing (softmax top-k, DeepSeek-V3's sigmoid
  group-limited top-k with the selection-only balancing bias), the Switch load-balancing loss,
  capacity and dropped tokens, and a full MoE layer;
* :mod:`refalgo.models.rotary` — rotary position embedding, 1-D and MoonViT's 2-D;
* :mod:`refalgo.models.moonvit` — native-resolution patches, sequence packing with a
  block-diagonal mask, the interpolated absolute position embedding;
* :mod:`refalgo.models.projector` — the 2 × 2 token merge and the MLP into the language model.

Nothing here loads real weights: everything runs on configurations and small random weights.
The public names are re-exported here; the grouped expert dispatch and the configuration
checks live in the private package ``refalgo.models._engine``, which only these modules import.
"""
from .parameters import (
    config_symbols,
    parameter_count,
    parameter_count_symbolic,
    ParameterCount,
)
from .configs import (
    KIMI_VL_A3B,
    MOONLIGHT_16B_A3B,
    MOONVIT_SO_400M,
)
from .moe import (
    Dispatch,
    dispatch,
    dispatch_symbolic,
    expert_capacity,
    load_balancing_loss,
    load_balancing_loss_gradient,
    load_balancing_loss_symbolic,
    moe_forward,
    moe_forward_symbolic,
    MoEConfig,
    MoEParams,
    route,
    route_symbolic,
    Routing,
    update_bias,
    update_bias_symbolic,
)
from .rotary import (
    LAYOUTS,
    rope,
    rope_2d,
    rope_2d_symbolic,
    rope_complex,
    rope_decay_bound,
    rope_frequencies,
    rope_symbolic,
    rotation_matrix_symbolic,
)
from .moonvit import (
    attention,
    attention_symbolic,
    block_diagonal_mask,
    block_diagonal_mask_symbolic,
    cu_seqlens,
    MERGE_KERNEL,
    pack_images,
    packed_attention,
    PackedImages,
    PATCH_SIZE,
    patchify,
    patchify_symbolic,
    POS_EMB_GRID,
    position_embedding,
    position_embedding_symbolic,
)
from .projector import (
    CHANNEL_ORDERS,
    init_projector,
    merge_tokens,
    merge_tokens_symbolic,
    project,
    project_symbolic,
    projector_parameter_count,
    projector_parameter_count_symbolic,
    ProjectorWeights,
    token_count,
)

__all__ = [
    "attention",
    "attention_symbolic",
    "block_diagonal_mask",
    "block_diagonal_mask_symbolic",
    "CHANNEL_ORDERS",
    "config_symbols",
    "cu_seqlens",
    "Dispatch",
    "dispatch",
    "dispatch_symbolic",
    "expert_capacity",
    "init_projector",
    "KIMI_VL_A3B",
    "LAYOUTS",
    "load_balancing_loss",
    "load_balancing_loss_gradient",
    "load_balancing_loss_symbolic",
    "MERGE_KERNEL",
    "merge_tokens",
    "merge_tokens_symbolic",
    "moe_forward",
    "moe_forward_symbolic",
    "MoEConfig",
    "MoEParams",
    "MOONLIGHT_16B_A3B",
    "MOONVIT_SO_400M",
    "pack_images",
    "packed_attention",
    "PackedImages",
    "parameter_count",
    "parameter_count_symbolic",
    "ParameterCount",
    "PATCH_SIZE",
    "patchify",
    "patchify_symbolic",
    "POS_EMB_GRID",
    "position_embedding",
    "position_embedding_symbolic",
    "project",
    "project_symbolic",
    "projector_parameter_count",
    "projector_parameter_count_symbolic",
    "ProjectorWeights",
    "rope",
    "rope_2d",
    "rope_2d_symbolic",
    "rope_complex",
    "rope_decay_bound",
    "rope_frequencies",
    "rope_symbolic",
    "rotation_matrix_symbolic",
    "route",
    "route_symbolic",
    "Routing",
    "token_count",
    "update_bias",
    "update_bias_symbolic",
]

"""Parity with Hugging Face transformers: tiny DeepseekV3 and SigLIP vision models hold exactly the parameters the formulas count, block by block.

The models are built on PyTorch's meta device (shapes without memory) from Hypothesis-drawn
tiny configurations. ``transformers`` keeps DeepSeek-V3's ``e_score_correction_bias`` as a
buffer, not a parameter; the original DeepSeek-V3 and Moonlight code (and their checkpoints)
hold it as a parameter, and the formulas count it, so the comparison adds those buffers.
``transformers`` ignores ``moe_layer_freq`` (every layer past ``first_k_dense_replace`` is
MoE), so the drawn configurations keep it at 1.

MoonViT differs from ``SiglipVisionModel`` in what it holds, not in its layer shapes: its
position embedding is a fixed 64 × 64 grid interpolated to each image (SigLIP: one row per
patch of a square ``image_size``), its q/k/v projections are one fused ``wqkv`` (the same
3D² + 3D numbers), it has no attention-pooling head (SigLIP's ``vision_use_head``), and its
2-D RoPE has no parameters. So the SigLIP parity checks the patch embedding, encoder layers,
final norm and head; MoonViT's grid is checked by hand in ``test_parameters.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.models.parameters import parameter_count

pytestmark = pytest.mark.parity

small = st.integers(1, 4)


@st.composite
def deepseek_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A tiny DeepseekV3Config: MLA with or without query LoRA, dense and MoE layers, tied or not."""
    groups = draw(st.integers(1, 2))
    experts = groups * draw(st.integers(1, 3))
    topk_group = draw(st.integers(1, groups))
    heads = draw(small)
    return {
        "hidden_size": 2 * draw(small), "num_hidden_layers": draw(st.integers(1, 3)), "num_attention_heads": heads,
        "num_key_value_heads": heads, "kv_lora_rank": draw(small), "q_lora_rank": draw(st.none() | small),
        "qk_nope_head_dim": draw(small), "qk_rope_head_dim": 2 * draw(small), "v_head_dim": draw(small),
        "vocab_size": draw(st.integers(2, 30)), "intermediate_size": draw(small), "n_routed_experts": experts,
        "moe_intermediate_size": draw(small), "num_experts_per_tok": draw(st.integers(1, topk_group * experts // groups)),
        "n_shared_experts": draw(st.integers(1, 2)), "first_k_dense_replace": draw(st.integers(0, 2)),
        "moe_layer_freq": 1, "n_group": groups, "topk_group": topk_group,
        "tie_word_embeddings": draw(st.booleans()), "attention_bias": draw(st.booleans()),
    }


def _deepseek_block(name: str) -> str:
    for key, block in (("embed_tokens", "embeddings"), ("lm_head", "lm_head"), ("self_attn", "attention"),
                       ("shared_experts", "shared_experts"), ("mlp.experts", "routed_experts"), ("mlp.gate.", "router"),
                       ("layernorm", "norms"), ("model.norm", "norms"), ("mlp.", "dense_mlp")):
        if key in name:
            return block
    raise AssertionError(f"unmapped parameter {name}")


def _counts(named: Any, block_of: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, tensor in named:
        counts[block_of(name)] = counts.get(block_of(name), 0) + tensor.numel()
    return counts


@settings(max_examples=25, deadline=None)
@given(deepseek_configs())
def test_deepseek_v3_matches_transformers(config: dict[str, Any]) -> None:
    """A DeepseekV3ForCausalLM built from the drawn configuration holds, in each block (embeddings, MLA attention, dense MLP, routed and shared experts, router with its correction bias, norms, lm_head), exactly the formula's parameter count."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    with torch.device("meta"):
        model = transformers.DeepseekV3ForCausalLM(transformers.DeepseekV3Config(**config))
    named = list(model.named_parameters()) + [(n, b) for n, b in model.named_buffers() if n.endswith("e_score_correction_bias")]
    ours = parameter_count(config)
    theirs = _counts(named, _deepseek_block)
    assert {block: n for block, n in theirs.items()} == {block: getattr(ours, block) for block in theirs}
    assert sum(theirs.values()) == ours.total


@st.composite
def siglip_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A tiny SiglipVisionConfig: square image a whole number of patches wide, with or without the pooling head."""
    heads, patch = draw(small), draw(st.integers(1, 4))
    return {"hidden_size": heads * draw(small), "num_attention_heads": heads, "num_hidden_layers": draw(st.integers(1, 3)),
            "intermediate_size": draw(small), "patch_size": patch, "image_size": patch * draw(small),
            "num_channels": draw(st.integers(1, 3)), "vision_use_head": draw(st.booleans())}


def _siglip_block(name: str) -> str:
    for key, block in (("patch_embedding", "patch_embedding"), ("position_embedding", "position_embedding"),
                       ("head.", "pooling_head"), ("encoder.", "vision_encoder"), ("post_layernorm", "vision_encoder")):
        if key in name:
            return block
    raise AssertionError(f"unmapped parameter {name}")


@settings(max_examples=25, deadline=None)
@given(siglip_configs())
def test_siglip_vision_matches_transformers(config: dict[str, Any]) -> None:
    """A SiglipVisionModel built from the drawn configuration holds, in its patch embedding, position embedding, encoder (with the final LayerNorm) and pooling head, exactly the formula's parameter count."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    with torch.device("meta"):
        model = transformers.SiglipVisionModel(transformers.SiglipVisionConfig(**config))
    ours = parameter_count(config)
    theirs = _counts(model.named_parameters(), _siglip_block)
    assert theirs == {block: getattr(ours, block) for block in theirs}
    assert sum(theirs.values()) == ours.total

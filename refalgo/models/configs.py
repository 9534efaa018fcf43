"""Published configurations of the models the chapter counts, as literal ``config.json`` dicts.

Only the fields that fix an architecture are kept (no token ids, dtypes or auto_map).
``MOONLIGHT_16B_A3B`` is the language model; ``KIMI_VL_A3B`` pairs it with MoonViT.
"""

from __future__ import annotations

from typing import Any

__all__ = ["KIMI_VL_A3B", "MOONLIGHT_16B_A3B", "MOONVIT_SO_400M"]

# Source: config.json of moonshotai/Moonlight-16B-A3B-Instruct on the Hugging Face Hub,
# revision 4e735b07a89f73647dfab71ab91b840f362ede5b (quoted verbatim in a public Rust test
# suite that parses it; values unchanged).
MOONLIGHT_16B_A3B: dict[str, Any] = {
    "architectures": ["DeepseekV3ForCausalLM"],
    "model_type": "deepseek_v3",
    "attention_bias": False,
    "first_k_dense_replace": 1,
    "hidden_act": "silu",
    "hidden_size": 2048,
    "intermediate_size": 11264,
    "kv_lora_rank": 512,
    "max_position_embeddings": 8192,
    "moe_intermediate_size": 1408,
    "moe_layer_freq": 1,
    "n_group": 1,
    "n_routed_experts": 64,
    "n_shared_experts": 2,
    "norm_topk_prob": True,
    "num_attention_heads": 16,
    "num_experts_per_tok": 6,
    "num_hidden_layers": 27,
    "num_key_value_heads": 16,
    "num_nextn_predict_layers": 0,
    "q_lora_rank": None,
    "qk_nope_head_dim": 128,
    "qk_rope_head_dim": 64,
    "rms_norm_eps": 1e-05,
    "rope_theta": 50000.0,
    "routed_scaling_factor": 2.446,
    "scoring_func": "sigmoid",
    "seq_aux": True,
    "tie_word_embeddings": False,
    "topk_group": 1,
    "topk_method": "noaux_tc",
    "v_head_dim": 128,
    "vocab_size": 163840,
}

# Source: config.json of moonshotai/MoonViT-SO-400M on the Hugging Face Hub (the vision
# tower Kimi-VL-A3B ships; model_type "moonvit"), as quoted verbatim in public code.
MOONVIT_SO_400M: dict[str, Any] = {
    "model_type": "moonvit",
    "hidden_size": 1152,
    "init_pos_emb_height": 64,
    "init_pos_emb_width": 64,
    "intermediate_size": 4304,
    "merge_kernel_size": [2, 2],
    "num_attention_heads": 16,
    "num_hidden_layers": 27,
    "patch_size": 14,
}

# Kimi-VL-A3B (moonshotai/Kimi-VL-A3B-Instruct, model_type "kimi_vl"): the Kimi-VL technical
# report (arXiv:2504.07491, §2.1) builds it from the Moonlight language model and MoonViT;
# its config.json nests the two as text_config and vision_config. The architecture fields
# here are those of the two configs above (Kimi-VL's text_config differs from Moonlight's
# only in context-length fields such as max_position_embeddings and rope_theta, which hold
# no parameters).
KIMI_VL_A3B: dict[str, Any] = {
    "architectures": ["KimiVLForConditionalGeneration"],
    "model_type": "kimi_vl",
    "tie_word_embeddings": False,
    "text_config": dict(MOONLIGHT_16B_A3B),
    "vision_config": dict(MOONVIT_SO_400M),
}

"""Configurations that cannot exist are refused by both twins with an error naming the field, what was expected and what came."""

from __future__ import annotations

from typing import Any

import pytest

from refalgo.models.configs import KIMI_VL_A3B, MOONLIGHT_16B_A3B, MOONVIT_SO_400M
from refalgo.models.parameters import parameter_count, parameter_count_symbolic

TWINS = [parameter_count, parameter_count_symbolic]
SIGLIP = {"hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 1, "intermediate_size": 4, "patch_size": 2, "image_size": 8}


def _without(config: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k != key}


@pytest.mark.parametrize("count", TWINS)
@pytest.mark.parametrize(
    "config, error, match",
    [
        (MOONLIGHT_16B_A3B | {"num_experts_per_tok": 65}, ValueError,
         r"config\['num_experts_per_tok'\]: expected at most n_routed_experts = 64; got 65"),
        (MOONLIGHT_16B_A3B | {"n_group": 4, "topk_group": 5}, ValueError, r"config\['topk_group'\]: expected at most n_group = 4; got 5"),
        (MOONLIGHT_16B_A3B | {"n_group": 5}, ValueError, r"config\['n_routed_experts'\]: expected a multiple of n_group = 5; got 64"),
        (MOONLIGHT_16B_A3B | {"n_group": 16, "topk_group": 1}, ValueError,
         r"config\['num_experts_per_tok'\]: expected at most topk_group · n_routed_experts / n_group = 4 .*; got 6"),
        (MOONLIGHT_16B_A3B | {"hidden_size": -2048}, ValueError, r"config\['hidden_size'\]: expected a positive integer; got -2048"),
        (MOONLIGHT_16B_A3B | {"n_shared_experts": -1}, ValueError, r"config\['n_shared_experts'\]: expected an integer >= 0; got -1"),
        (MOONLIGHT_16B_A3B | {"q_lora_rank": 0}, ValueError, r"config\['q_lora_rank'\]: expected a positive integer; got 0"),
        (MOONLIGHT_16B_A3B | {"num_hidden_layers": True}, ValueError, r"config\['num_hidden_layers'\]: expected a positive integer; got True"),
        (MOONLIGHT_16B_A3B | {"vocab_size": 1.5e5}, ValueError, r"config\['vocab_size'\]: expected a positive integer; got 150000.0"),
        (MOONLIGHT_16B_A3B | {"first_k_dense_replace": 28}, ValueError,
         r"config\['first_k_dense_replace'\]: expected at most num_hidden_layers = 27; got 28"),
        (MOONLIGHT_16B_A3B | {"moe_layer_freq": 0}, ValueError, r"config\['moe_layer_freq'\]: expected a positive integer; got 0"),
        (MOONLIGHT_16B_A3B | {"tie_word_embeddings": 1}, TypeError, r"config\['tie_word_embeddings'\]: expected True or False; got"),
        (_without(MOONLIGHT_16B_A3B, "v_head_dim"), ValueError, r"config\['v_head_dim'\]: expected this field; it is missing"),
        (_without(MOONLIGHT_16B_A3B, "q_lora_rank"), ValueError, r"config\['q_lora_rank'\]: expected this field; it is missing"),
        (MOONVIT_SO_400M | {"num_attention_heads": 7}, ValueError,
         r"config\['hidden_size'\]: expected a multiple of num_attention_heads = 7; got 1152"),
        (MOONVIT_SO_400M | {"merge_kernel_size": [2]}, ValueError, r"config\['merge_kernel_size'\]: expected two positive integers"),
        (_without(MOONVIT_SO_400M, "init_pos_emb_width"), ValueError, r"config\['init_pos_emb_width'\]: expected this field; it is missing"),
        (SIGLIP | {"image_size": 9}, ValueError, r"config\['image_size'\]: expected a multiple of patch_size = 2; got 9"),
        (_without(SIGLIP, "image_size"), ValueError, r"config\['image_size'\]: expected this field; it is missing"),
        (KIMI_VL_A3B | {"text_config": MOONLIGHT_16B_A3B | {"num_experts_per_tok": 0}}, ValueError,
         r"config\['text_config'\]\['num_experts_per_tok'\]: expected a positive integer; got 0"),
        (KIMI_VL_A3B | {"vision_config": MOONVIT_SO_400M | {"patch_size": -14}}, ValueError,
         r"config\['vision_config'\]\['patch_size'\]: expected a positive integer; got -14"),
        (KIMI_VL_A3B | {"vision_config": None}, TypeError, r"config\['vision_config'\]: expected a dict"),
        ({"hidden_size": 8}, ValueError, r"config: expected a DeepSeek-V3 text config \(with kv_lora_rank\), a vision config"),
        ([("hidden_size", 8)], TypeError, r"config: expected a dict \(a Hugging Face config.json\); got list"),
    ],
)
def test_impossible_configurations(count: Any, config: Any, error: type[Exception], match: str) -> None:
    """Each impossible or incomplete configuration raises the named error in both twins."""
    with pytest.raises(error, match=match):
        count(config)

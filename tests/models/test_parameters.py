"""Parameter accounting: the twins agree block by block, the counts obey the architecture's identities, and the published totals are reproduced."""

from __future__ import annotations

from typing import Any

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from refalgo.models.configs import KIMI_VL_A3B, MOONLIGHT_16B_A3B, MOONVIT_SO_400M
from refalgo.models.parameters import BLOCKS, config_symbols, parameter_count, parameter_count_symbolic

small = st.integers(1, 6)


@st.composite
def text_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A tiny DeepSeek-V3 text config, every structural switch drawn; routing fields built valid."""
    groups = draw(st.integers(1, 3))
    experts = groups * draw(st.integers(1, 3))
    topk_group = draw(st.integers(1, groups))
    return {
        "hidden_size": draw(small), "num_hidden_layers": draw(st.integers(1, 5)), "num_attention_heads": draw(small),
        "kv_lora_rank": draw(small), "q_lora_rank": draw(st.none() | small), "qk_nope_head_dim": draw(small),
        "qk_rope_head_dim": draw(small), "v_head_dim": draw(small), "vocab_size": draw(st.integers(1, 40)),
        "intermediate_size": draw(small), "n_routed_experts": draw(st.none() | st.just(experts)),
        "moe_intermediate_size": draw(small), "num_experts_per_tok": draw(st.integers(1, topk_group * experts // groups)),
        "n_shared_experts": draw(st.integers(0, 2)), "first_k_dense_replace": draw(st.integers(0, 1)),
        "moe_layer_freq": draw(st.integers(1, 3)), "n_group": groups, "topk_group": topk_group,
        "tie_word_embeddings": draw(st.booleans()), "attention_bias": draw(st.booleans()),
    }


@st.composite
def vision_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A tiny MoonViT (position grid) or SigLIP (square image, optional pooling head) vision config."""
    heads = draw(st.integers(1, 3))
    config = {"hidden_size": heads * draw(st.integers(1, 4)), "num_attention_heads": heads, "num_hidden_layers": draw(st.integers(1, 3)),
              "intermediate_size": draw(small), "patch_size": draw(st.integers(1, 5)), "num_channels": draw(st.integers(1, 3)),
              "merge_kernel_size": [draw(st.integers(1, 2)), draw(st.integers(1, 2))]}
    if draw(st.booleans()):
        return config | {"init_pos_emb_height": draw(small), "init_pos_emb_width": draw(small)}
    return config | {"image_size": config["patch_size"] * draw(small), "vision_use_head": draw(st.booleans())}


configs = st.one_of(text_configs(), vision_configs(), st.builds(lambda t, v: {"text_config": t, "vision_config": v}, text_configs(), vision_configs()))


@settings(max_examples=40, deadline=None)
@given(configs)
def test_twins_agree_per_block(config: dict[str, Any]) -> None:
    """The closed form, with the configuration's numbers substituted, equals the module-by-module sum in every block, in the total and in the activated count."""
    numeric, symbolic, values = parameter_count(config), parameter_count_symbolic(config), config_symbols(config)
    for block in (*BLOCKS, "activated"):
        exact = sp.sympify(getattr(symbolic, block)).xreplace(values)
        assert exact.is_Integer and int(exact) == getattr(numeric, block), block
    assert symbolic.total.xreplace(values) == numeric.total


@settings(max_examples=40, deadline=None)
@given(text_configs())
def test_activated_is_total_minus_idle_experts(config: dict[str, Any]) -> None:
    """A token uses everything but the E − k routed experts not chosen in each MoE layer: all of it when k = E, and never more than the total."""
    c = parameter_count(config)
    assert 0 < c.activated <= c.total
    experts = config["n_routed_experts"]
    if experts is not None:
        every = parameter_count(config | {"num_experts_per_tok": experts, "n_group": 1, "topk_group": 1})
        assert every.activated == every.total
        assert c.total - c.activated == c.routed_experts // experts * (experts - config["num_experts_per_tok"])
    else:
        assert c.activated == c.total and c.routed_experts == c.router == c.shared_experts == 0


@settings(max_examples=40, deadline=None)
@given(text_configs())
def test_one_expert_is_a_dense_layer(config: dict[str, Any]) -> None:
    """With one routed expert, top-1 and no shared expert, each MoE layer holds a dense SwiGLU MLP of width m plus its router (d weights and one bias)."""
    moe = config | {"n_routed_experts": 1, "num_experts_per_tok": 1, "n_shared_experts": 0, "n_group": 1, "topk_group": 1,
                    "moe_layer_freq": 1, "first_k_dense_replace": 0}
    dense = moe | {"first_k_dense_replace": moe["num_hidden_layers"], "intermediate_size": moe["moe_intermediate_size"]}
    a, b = parameter_count(moe), parameter_count(dense)
    layers, d = moe["num_hidden_layers"], moe["hidden_size"]
    assert a.routed_experts == b.dense_mlp and a.router == layers * (d + 1)
    assert a.total - a.router == b.total


@settings(max_examples=40, deadline=None)
@given(text_configs())
def test_tying_removes_one_vocabulary_matrix(config: dict[str, Any]) -> None:
    """Tying the embeddings removes exactly V·d parameters (the lm_head), from the total and from the activated count."""
    tied, untied = (parameter_count(config | {"tie_word_embeddings": flag}) for flag in (True, False))
    vd = config["vocab_size"] * config["hidden_size"]
    assert untied.total - tied.total == untied.activated - tied.activated == vd and tied.lm_head == 0


def test_moe_layer_rule() -> None:
    """DeepSeek's layer rule: with 7 layers, first_k_dense_replace = 2 and moe_layer_freq = 2, layers 2, 4 and 6 are MoE and the other four dense (counted by hand)."""
    config = {"hidden_size": 2, "num_hidden_layers": 7, "num_attention_heads": 1, "kv_lora_rank": 1, "q_lora_rank": None,
              "qk_nope_head_dim": 1, "qk_rope_head_dim": 1, "v_head_dim": 1, "vocab_size": 3, "intermediate_size": 5,
              "n_routed_experts": 2, "moe_intermediate_size": 1, "num_experts_per_tok": 1, "n_shared_experts": 0,
              "first_k_dense_replace": 2, "moe_layer_freq": 2}
    c = parameter_count(config)
    assert c.dense_mlp == 4 * 3 * 2 * 5 and c.routed_experts == 3 * 2 * 3 * 2 * 1 and c.router == 3 * (2 * 2 + 2)
    s = parameter_count_symbolic(config)
    assert s.routed_experts.subs(config_symbols(config)) == c.routed_experts


def test_moonlight_by_hand() -> None:
    """Moonlight's blocks from the published config, each computed by hand from eqs. (1)-(3): attention 27·13,763,072, routed experts 26·64·3·2048·1408, activated 2,914,776,192."""
    c = parameter_count(MOONLIGHT_16B_A3B)
    per_layer = 2048 * 16 * 192 + 2048 * 576 + 512 + 512 * 16 * 256 + 16 * 128 * 2048
    assert per_layer == 13_763_072 and c.attention == 27 * per_layer
    assert c.routed_experts == 26 * 64 * 3 * 2048 * 1408 and c.shared_experts == 26 * 2 * 3 * 2048 * 1408
    assert c.dense_mlp == 3 * 2048 * 11264 and c.router == 26 * (64 * 2048 + 64) and c.norms == 55 * 2048
    assert c.embeddings == c.lm_head == 163840 * 2048
    assert c.total == 15_960_110_208 and c.activated == c.total - 26 * 58 * 3 * 2048 * 1408 == 2_914_776_192


def test_deepseek_v3_published() -> None:
    """DeepSeek-V3 has 671B total parameters and 37B activated per token (DeepSeek-V3 Technical Report, arXiv:2412.19437, abstract; hyper-parameters from its §4.2, the main model without the multi-token-prediction module): 671B counts everything, 37B leaves out the embedding (36.63B) or truncates 37.55B."""
    config = {"hidden_size": 7168, "num_hidden_layers": 61, "num_attention_heads": 128, "kv_lora_rank": 512, "q_lora_rank": 1536,
              "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128, "vocab_size": 129280, "intermediate_size": 18432,
              "n_routed_experts": 256, "moe_intermediate_size": 2048, "num_experts_per_tok": 8, "n_shared_experts": 1,
              "first_k_dense_replace": 3, "n_group": 8, "topk_group": 4, "tie_word_embeddings": False}
    c = parameter_count(config)
    assert round(c.total / 1e9) == 671  # 671.03B, everything counted; without the embedding 670.10B
    assert round((c.activated - c.embeddings) / 1e9) == 37  # 36.63B: the embedding left out (a token reads one row)
    assert int(c.activated / 1e9) == 37 != round(c.activated / 1e9)  # 37.55B with it: 37 only when truncated


def test_moonlight_published() -> None:
    """Moonlight is "a 3B/16B-parameter MoE model" (Moonlight report, arXiv:2502.16982, abstract; model card: 16B total, 3B activated): all parameters counted, 15.96B rounds to 16B and 2.91B activated to 3B; without embeddings and lm_head the counts (15.29B, 2.24B) round to 15B and 2B."""
    c = parameter_count(MOONLIGHT_16B_A3B)
    assert (round(c.total / 1e9), round(c.activated / 1e9)) == (16, 3)
    no_vocab = c.embeddings + c.lm_head
    assert (round((c.total - no_vocab) / 1e9), round((c.activated - no_vocab) / 1e9)) == (15, 2)


def test_kimi_vl_published() -> None:
    """Kimi-VL-A3B: "2.8B activated (16B total)" language model and a "400M" MoonViT (Kimi-VL Technical Report, arXiv:2504.07491, abstract and §2.1): 16B and 400M are reproduced, 2.8B by no convention (2.91B with embeddings and lm_head, 2.58B without one of them, 2.24B without both)."""
    c = parameter_count(KIMI_VL_A3B)
    assert round(c.language_model / 1e9) == 16 and round(c.vision_tower / 1e8) == 4
    e, h = c.embeddings, c.lm_head
    active = c.activated_language_model
    conventions = [active, active - e, active - h, active - e - h]
    assert [round(a / 1e8) for a in conventions] == [29, 26, 26, 22]
    assert all(round(a / 1e8) != 28 for a in conventions)
    assert parameter_count(MOONVIT_SO_400M).total == c.vision_tower == 416_866_032


def test_projector_by_hand() -> None:
    """Kimi-VL's projector: LayerNorm over 1152, Linear 4608 → 4608 and Linear 4608 → 2048, both with bias (KimiVLMultiModalProjector)."""
    c = parameter_count(KIMI_VL_A3B)
    assert c.projector == 2 * 1152 + 4608 * 4608 + 4608 + 4608 * 2048 + 2048 == 30_679_808

"""Parity with Hugging Face transformers 5.23 (PyTorch 2.13, CPU): Llama's and DeepSeek-V3's rotary embeddings and the Kimi vision 2-D RoPE.

transformers computes its angles in float32 (``position * inv_freq`` with ``inv_freq`` in
float32), so in float32 the outputs agree to about ``m·eps32`` at position ``m``: positions
here stay below 16 and the tolerance is 1e-6 absolute. In float64 the same
``apply_rotary_pos_emb`` is fed cos and sin of float64 angles and agrees to 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest

from refalgo.models.rotary import rope, rope_2d, rope_complex

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytestmark = pytest.mark.parity

RNG = np.random.default_rng(20260419)


def _llama(d: int, base: float):
    from transformers import LlamaConfig
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    config = LlamaConfig(hidden_size=4 * d, num_attention_heads=4, head_dim=d, rope_parameters={"rope_type": "default", "rope_theta": base})
    return LlamaRotaryEmbedding(config)


@pytest.mark.parametrize("d, base", [(8, 10000.0), (64, 10000.0), (16, 500000.0)])
def test_llama_rotate_half_float32(d: int, base: float) -> None:
    """The half layout is Llama's ``apply_rotary_pos_emb`` with ``LlamaRotaryEmbedding``'s cos and sin, to 1e-6 in float32."""
    from transformers.models.llama.modeling_llama import apply_rotary_pos_emb

    q, k = RNG.standard_normal((2, 1, 3, 12, d)).astype(np.float32)  # (batch, heads, tokens, d)
    pos = RNG.integers(0, 16, size=12)
    cos, sin = _llama(d, base)(torch.from_numpy(q), torch.from_numpy(pos)[None])
    tq, tk = apply_rotary_pos_emb(torch.from_numpy(q), torch.from_numpy(k), cos, sin)
    for ours, theirs in ((rope(q, pos, base=base, layout="half"), tq), (rope(k, pos, base=base, layout="half"), tk)):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=0, atol=1e-6)


def test_llama_rotate_half_float64() -> None:
    """In float64, ``apply_rotary_pos_emb`` fed float64 cos and sin of m·base^(−2i/d) agrees with the half layout to 1e-12."""
    from transformers.models.llama.modeling_llama import apply_rotary_pos_emb

    d, base = 32, 10000.0
    q, k = RNG.standard_normal((2, 2, 4, 20, d))
    pos = RNG.integers(0, 4096, size=20)
    inv_freq = 1.0 / base ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
    freqs = torch.from_numpy(pos).double()[:, None] * inv_freq
    emb = torch.cat((freqs, freqs), dim=-1)[None]
    tq, tk = apply_rotary_pos_emb(torch.from_numpy(q), torch.from_numpy(k), emb.cos(), emb.sin())
    np.testing.assert_allclose(rope(q, pos, layout="half"), tq.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(rope_complex(k, pos, layout="half"), tk.numpy(), rtol=0, atol=1e-12)


def test_deepseek_v3_interleave() -> None:
    """DeepSeek-V3's ``apply_rotary_pos_emb_interleave`` rotates the interleaved pairs and returns the even results, then the odd ones.

    So it equals the interleaved layout followed by the permutation
    ``[0, 2, 4, …, 1, 3, 5, …]`` of the channels, to 1e-6 in float32; the same permutation
    of q and k leaves every score unchanged.
    """
    from transformers import DeepseekV3Config
    from transformers.models.deepseek_v3.modeling_deepseek_v3 import DeepseekV3RotaryEmbedding, apply_rotary_pos_emb_interleave

    d = 16
    config = DeepseekV3Config(hidden_size=64, num_attention_heads=4, qk_rope_head_dim=d, qk_nope_head_dim=8, v_head_dim=8,
                              head_dim=d, rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    q, k = RNG.standard_normal((2, 1, 2, 10, d)).astype(np.float32)
    pos = np.arange(3, 13)
    cos, sin = DeepseekV3RotaryEmbedding(config)(torch.from_numpy(q), torch.from_numpy(pos)[None])
    tq, tk = apply_rotary_pos_emb_interleave(torch.from_numpy(q), torch.from_numpy(k), cos, sin)
    perm = np.r_[0:d:2, 1:d:2]
    np.testing.assert_allclose(rope(q, pos)[..., perm], tq.numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(rope(k, pos)[..., perm], tk.numpy(), rtol=0, atol=1e-6)
    scores_ours = np.einsum("bhnd,bhmd->bhnm", rope(q, pos), rope(k, pos))
    np.testing.assert_allclose(scores_ours, (tq @ tk.transpose(-1, -2)).numpy(), rtol=0, atol=1e-5)


def _grid(h: int, w: int) -> np.ndarray:
    return np.stack(np.meshgrid(np.arange(h), np.arange(w), indexing="ij"), axis=-1).reshape(-1, 2)


def test_kimi_vision_2d_rope_half_layout() -> None:
    """The 2-D half layout is transformers' Kimi vision rotary embedding (``Kimi_K25VisionRotaryEmbedding``, ``apply_rotary_pos_emb_vision``), to 1e-6 in float32.

    Head dimension 72 as in MoonViT (hidden size 1152, 16 heads: the vision config's
    defaults in ``configuration_kimi_k25.py``), on a 5 × 7 patch grid.
    """
    from transformers.models.kimi_k25.configuration_kimi_k25 import Kimi_K25VisionConfig
    from transformers.models.kimi_k25.modeling_kimi_k25 import Kimi_K25VisionRotaryEmbedding, apply_rotary_pos_emb_vision

    config = Kimi_K25VisionConfig(rope_parameters={"rope_type": "axial", "rope_theta": 10000.0})
    d = config.hidden_size // config.num_attention_heads
    assert d == 72
    pos = _grid(5, 7)
    q, k = RNG.standard_normal((2, len(pos), 3, d)).astype(np.float32)  # (tokens, heads, d)
    cos, sin = Kimi_K25VisionRotaryEmbedding(config)(torch.from_numpy(q), torch.from_numpy(pos))
    tq, tk = apply_rotary_pos_emb_vision(torch.from_numpy(q), torch.from_numpy(k), cos, sin)
    ours_q = rope_2d(np.swapaxes(q, 0, 1), pos, layout="half")  # heads first: (..., n, d)
    ours_k = rope_2d(np.swapaxes(k, 0, 1), pos, layout="half")
    np.testing.assert_allclose(np.swapaxes(ours_q, 0, 1), tq.numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(np.swapaxes(ours_k, 0, 1), tk.numpy(), rtol=0, atol=1e-6)


def test_moonvit_complex_2d_rope() -> None:
    """The 2-D interleaved layout is MoonViT's own ``Rope2DPosEmb`` + ``apply_rope`` (Kimi-VL's modeling code, written out in torch here), to 1e-6 in float32.

    MoonViT's table: frequencies ``base^(-4j/d)``; complex pair ``2j`` holds ``cis(x·θ_j)``
    (x the column), pair ``2j + 1`` ``cis(y·θ_j)`` (y the row); the query is read as complex
    pairs ``(x_{2p}, x_{2p+1})`` and multiplied.
    """
    d, base, H, W = 72, 10000.0, 6, 4
    dim_range = torch.arange(0, d, 4)[: d // 4].float()
    freqs = 1.0 / (base ** (dim_range / d))
    flat = torch.arange(H * W).float()
    x_cis = torch.polar(torch.ones(H * W, d // 4), torch.outer(flat % W, freqs))
    y_cis = torch.polar(torch.ones(H * W, d // 4), torch.outer(flat // W, freqs))
    cis = torch.cat([x_cis.unsqueeze(-1), y_cis.unsqueeze(-1)], dim=-1).reshape(H * W, d // 2)  # row-major grid
    q = RNG.standard_normal((H * W, 2, d)).astype(np.float32)  # (tokens, heads, d)
    tq = torch.view_as_real(torch.view_as_complex(torch.from_numpy(q).view(H * W, 2, d // 2, 2)) * cis[:, None]).flatten(-2)
    ours = np.swapaxes(rope_2d(np.swapaxes(q, 0, 1), _grid(H, W)), 0, 1)
    np.testing.assert_allclose(ours, tq.numpy(), rtol=0, atol=1e-6)


def test_qwen2_vl_halves_the_pairs_between_the_axes() -> None:
    """Qwen2-VL's vision RoPE gives the first d/4 pairs to the row and the next d/4 to the column; moving the pairs so, it is the 2-D half layout, to 1e-6 in float32.

    Qwen2-VL's pair p < d/4 turns by h·θ_p and pair d/4 + j by w·θ_j (``recomposition_frequencies``
    in ``modeling_qwen2_vl.py``); ours turns pair 2j by w·θ_j and pair 2j + 1 by h·θ_j. Head
    dimension 80 (embed_dim 1280, 16 heads: the vision config's defaults).
    """
    from transformers.models.qwen2_vl.configuration_qwen2_vl import Qwen2VLVisionConfig
    from transformers.models.qwen2_vl.modeling_qwen2_vl import Qwen2VLVisionRotaryEmbedding, apply_rotary_pos_emb_vision

    config = Qwen2VLVisionConfig(rope_parameters={"rope_type": "axial", "rope_theta": 10000.0})
    d = config.embed_dim // config.num_heads
    assert d == 80
    pos = _grid(4, 6)
    q, k = RNG.standard_normal((2, len(pos), 2, d)).astype(np.float32)  # (tokens, heads, d)
    cos, sin = Qwen2VLVisionRotaryEmbedding(config)(torch.from_numpy(q), torch.from_numpy(pos))
    tq, _ = apply_rotary_pos_emb_vision(torch.from_numpy(q), torch.from_numpy(k), cos, sin)
    quarter = d // 4
    ours_pair = [2 * p + 1 for p in range(quarter)] + [2 * j for j in range(quarter)]  # Qwen pair → our pair
    channel = np.array(ours_pair + [p + d // 2 for p in ours_pair])  # half layout: pair p is (p, p + d/2)
    moved = np.empty_like(q)
    moved[..., channel] = q
    ours = np.swapaxes(rope_2d(np.swapaxes(moved, 0, 1), pos, layout="half"), 0, 1)[..., channel]
    np.testing.assert_allclose(ours, tq.numpy(), rtol=0, atol=1e-6)
